package chain

import (
	"bytes"
	"errors"
	"fmt"
	"math"

	"github.com/block-vision/sui-go-sdk/models"
	"github.com/block-vision/sui-go-sdk/transaction"

	"github.com/tuskstore/tusk/chain/sui"
	"github.com/tuskstore/tusk/chain/walrus"
)

// errSDKBuilder marks a transaction the SDK's builder could not build as Sui wants it.
var errSDKBuilder = errors.New("chain: transaction builder")

// builder assembles one transaction with sui-go-sdk's transaction builder
// (github.com/block-vision/sui-go-sdk/transaction). That builder's BCS has known faults
// (../shared/spec/sui.md §4), so builder keeps to the parts it encodes exactly as Sui
// does: object inputs as CallArg.Object (never the unresolved form a string gives),
// pure values encoded by chain/sui (the SDK's Pure takes any short string for an
// address), struct type arguments only (other type tags have the wrong variant order),
// no MakeMoveVec (its element type is no Option). transactionData then decodes the
// SDK's bytes with chain/sui's strict decoder — a full node's rules — and re-encodes
// them: bytes in the SDK's dialect never reach a node. The methods take and return
// chain/sui arguments; the first misuse is kept in err.
type builder struct {
	tx      *transaction.Transaction
	c       *Client
	objects map[walrus.ID]objectInput
	err     error
}

type objectInput struct {
	index uint16
	arg   sui.ObjectArg
}

func newBuilder(c *Client) *builder {
	return &builder{tx: transaction.NewTransaction(), c: c, objects: map[walrus.ID]objectInput{}}
}

func (b *builder) fail(format string, args ...any) {
	if b.err == nil {
		b.err = fmt.Errorf("%w: %s", errSDKBuilder, fmt.Sprintf(format, args...))
	}
}

func (b *builder) inputs() int { return len(b.tx.Data.V1.Kind.ProgrammableTransaction.Inputs) }

func (b *builder) commands() int { return len(b.tx.Data.V1.Kind.ProgrammableTransaction.Commands) }

// Pure adds a Pure input holding the BCS of v (sui.PureBytes says which types).
func (b *builder) Pure(v any) sui.Argument {
	raw, err := sui.PureBytes(v)
	if err != nil {
		b.fail("%v", err)
		return sui.Input(0)
	}
	if b.inputs() > math.MaxUint16 {
		b.fail("more than %d inputs", math.MaxUint16+1)
		return sui.Input(0)
	}
	return fromSDKArgument(b.tx.Data.V1.AddInput(transaction.CallArg{Pure: &transaction.Pure{Bytes: raw}}))
}

// Object adds an object input once per object ID and returns Input(i) for it; adding a
// shared object again makes it mutable if either use is, adding an owned object again
// must give the same reference.
func (b *builder) Object(arg sui.ObjectArg) sui.Argument {
	id := arg.ObjectID()
	if prev, ok := b.objects[id]; ok {
		switch {
		case prev.arg.Kind != arg.Kind:
			b.fail("object %s added both as %d and as %d", id, prev.arg.Kind, arg.Kind)
		case arg.Kind == sui.SharedObject && prev.arg.InitialSharedVersion != arg.InitialSharedVersion:
			b.fail("shared object %s added with initial versions %d and %d", id, prev.arg.InitialSharedVersion, arg.InitialSharedVersion)
		case arg.Kind == sui.SharedObject:
			if arg.Mutability == sui.Mutable {
				b.tx.Data.V1.Kind.ProgrammableTransaction.Inputs[prev.index].Object.SharedObject.Mutable = true
			}
		case prev.arg.Ref != arg.Ref:
			b.fail("object %s added with two different references", id)
		}
		return sui.Input(prev.index)
	}
	var oa transaction.ObjectArg
	switch arg.Kind {
	case sui.ImmOrOwnedObject:
		oa.ImmOrOwnedObject = sdkObjectRef(arg.Ref)
	case sui.Receiving:
		oa.Receiving = sdkObjectRef(arg.Ref)
	case sui.SharedObject:
		if arg.Mutability != sui.Immutable && arg.Mutability != sui.Mutable {
			b.fail("shared object %s: mutability %d has no SDK form", id, arg.Mutability)
			return sui.Input(0)
		}
		oa.SharedObject = &transaction.SharedObjectRef{
			ObjectId:             models.SuiAddressBytes(arg.ID),
			InitialSharedVersion: arg.InitialSharedVersion,
			Mutable:              arg.Mutability == sui.Mutable,
		}
	default:
		b.fail("object %s: unknown object argument kind %d", id, arg.Kind)
		return sui.Input(0)
	}
	if b.inputs() > math.MaxUint16 {
		b.fail("more than %d inputs", math.MaxUint16+1)
		return sui.Input(0)
	}
	in := fromSDKArgument(b.tx.Object(transaction.CallArg{Object: &oa}))
	b.objects[id] = objectInput{index: in.Index, arg: arg}
	return in
}

func sdkObjectRef(r sui.ObjectRef) *transaction.SuiObjectRef {
	return &transaction.SuiObjectRef{
		ObjectId: models.SuiAddressBytes(r.ObjectID),
		Version:  r.Version,
		Digest:   models.ObjectDigestBytes(bytes.Clone(r.Digest[:])),
	}
}

// MoveCall calls pkg::module::function<typeArgs>(args) and returns Result(i).
func (b *builder) MoveCall(pkg walrus.ID, module, function string, typeArgs []sui.TypeTag, args ...sui.Argument) sui.Argument {
	tags := make([]transaction.TypeTag, len(typeArgs))
	for i, t := range typeArgs {
		tag, err := sdkTypeTag(t)
		if err != nil {
			b.fail("%s::%s type argument %d: %v", module, function, i, err)
			return sui.Result(0)
		}
		tags[i] = *tag
	}
	if !b.roomForCommand() {
		return sui.Result(0)
	}
	return fromSDKArgument(b.tx.MoveCall(models.SuiAddress(pkg.String()), module, function, tags, b.sdkArguments(args)))
}

// sdkTypeTag converts a struct type tag (with struct type parameters): the only kind
// the SDK encodes as Move does.
func sdkTypeTag(t sui.TypeTag) (*transaction.TypeTag, error) {
	if t.Kind != sui.TypeStruct || t.Struct == nil {
		return nil, fmt.Errorf("%s: the SDK's builder encodes only struct type tags as Sui does", t)
	}
	st := &transaction.StructTag{Address: models.SuiAddressBytes(t.Struct.Address), Module: t.Struct.Module, Name: t.Struct.Name}
	for _, p := range t.Struct.TypeParams {
		pt, err := sdkTypeTag(p)
		if err != nil {
			return nil, err
		}
		st.TypeParams = append(st.TypeParams, pt)
	}
	return &transaction.TypeTag{Struct: st}, nil
}

// SplitCoins splits the amounts (u64 arguments) off coin and returns the new coins,
// NestedResult(i, j) for each amount.
func (b *builder) SplitCoins(coin sui.Argument, amounts ...sui.Argument) []sui.Argument {
	if !b.roomForCommand() {
		return make([]sui.Argument, len(amounts))
	}
	r := fromSDKArgument(b.tx.SplitCoins(b.sdkArgument(coin), b.sdkArguments(amounts)))
	out := make([]sui.Argument, len(amounts))
	for j := range out {
		out[j] = sui.NestedResult(r.Index, uint16(j))
	}
	return out
}

// MergeCoins merges sources into dst.
func (b *builder) MergeCoins(dst sui.Argument, sources ...sui.Argument) {
	if b.roomForCommand() {
		b.tx.MergeCoins(b.sdkArgument(dst), b.sdkArguments(sources))
	}
}

// TransferObjects sends objects to recipient (an address argument).
func (b *builder) TransferObjects(objects []sui.Argument, recipient sui.Argument) {
	if b.roomForCommand() {
		b.tx.TransferObjects(b.sdkArguments(objects), b.sdkArgument(recipient))
	}
}

func (b *builder) roomForCommand() bool {
	if b.commands() > math.MaxUint16 {
		b.fail("more than %d commands", math.MaxUint16+1)
		return false
	}
	return true
}

func (b *builder) sdkArguments(args []sui.Argument) []transaction.Argument {
	out := make([]transaction.Argument, len(args))
	for i, a := range args {
		out[i] = b.sdkArgument(a)
	}
	return out
}

func (b *builder) sdkArgument(a sui.Argument) transaction.Argument {
	i, j := a.Index, a.Nested
	switch a.Kind {
	case sui.ArgGasCoin:
		return b.tx.Gas()
	case sui.ArgInput:
		return transaction.Argument{Input: &i}
	case sui.ArgResult:
		return transaction.Argument{Result: &i}
	case sui.ArgNestedResult:
		return transaction.Argument{NestedResult: &transaction.NestedResult{Index: i, ResultIndex: j}}
	}
	b.fail("unknown argument kind %d", a.Kind)
	return transaction.Argument{Input: &i}
}

func fromSDKArgument(a transaction.Argument) sui.Argument {
	switch {
	case a.Input != nil:
		return sui.Input(*a.Input)
	case a.Result != nil:
		return sui.Result(*a.Result)
	case a.NestedResult != nil:
		return sui.NestedResult(a.NestedResult.Index, a.NestedResult.ResultIndex)
	}
	return sui.GasCoin()
}

// transactionData completes the transaction with its sender and gas, serializes it
// with the SDK and returns it as chain/sui decodes it — the bytes a full node would
// accept — or an error if the two disagree on a single byte.
func (b *builder) transactionData(sender walrus.ID, gas sui.GasData) (td *sui.TransactionData, err error) {
	if b.err != nil {
		return nil, b.err
	}
	defer func() { // the SDK panics on what it cannot encode
		if r := recover(); r != nil {
			td, err = nil, fmt.Errorf("%w: the SDK's builder failed: %v", errSDKBuilder, r)
		}
	}()
	payment := make([]transaction.SuiObjectRef, len(gas.Payment))
	for i, ref := range gas.Payment {
		payment[i] = *sdkObjectRef(ref)
	}
	b.tx.SetSender(models.SuiAddress(sender.String())).
		SetGasPayment(payment).
		SetGasOwner(models.SuiAddress(gas.Owner.String())).
		SetGasPrice(gas.Price).
		SetGasBudget(gas.Budget)
	raw, err := b.tx.Data.Marshal()
	if err != nil {
		return nil, fmt.Errorf("%w: serialize: %v", errSDKBuilder, err)
	}
	td, err = sui.DecodeTransaction(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: the SDK's bytes are not a valid Sui transaction: %v", errSDKBuilder, err)
	}
	if !bytes.Equal(td.Bytes(), raw) {
		return nil, fmt.Errorf("%w: the SDK's bytes do not re-encode as Sui's BCS", errSDKBuilder)
	}
	return td, nil
}
