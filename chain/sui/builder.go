package sui

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"unicode/utf8"

	"github.com/tuskstore/tusk/chain/keys"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/internal/bcs"
)

// ErrBuilder reports a misuse of ProgrammableBuilder; see ProgrammableBuilder.Err.
var ErrBuilder = errors.New("sui: programmable transaction builder")

// ProgrammableBuilder assembles a ProgrammableTransaction. Each Pure call adds an input;
// Object adds an object input once per object ID (a shared object added again as mutable
// becomes mutable, as Sui's builder does). Command methods return the Argument that names
// their result.
//
// Misuse (an unsupported Pure type, an object added both as owned and as shared, more
// than 65536 inputs or commands) does not panic: it is recorded, the methods go on
// returning placeholder arguments, and Err reports the first problem. Check Err before
// using what Finish returns.
type ProgrammableBuilder struct {
	inputs   []CallArg
	objects  map[walrus.ID]int
	commands []Command
	err      error
}

// NewProgrammableBuilder returns an empty builder.
func NewProgrammableBuilder() *ProgrammableBuilder {
	return &ProgrammableBuilder{objects: make(map[walrus.ID]int)}
}

// Err is the first misuse recorded, or nil.
func (b *ProgrammableBuilder) Err() error { return b.err }

func (b *ProgrammableBuilder) fail(format string, args ...any) {
	if b.err == nil {
		b.err = fmt.Errorf("%w: %s", ErrBuilder, fmt.Sprintf(format, args...))
	}
}

// Finish returns the transaction built so far (a copy: the builder may go on), or the
// first misuse recorded while building it.
func (b *ProgrammableBuilder) Finish() (ProgrammableTransaction, error) {
	pt := ProgrammableTransaction{Inputs: slices.Clone(b.inputs), Commands: slices.Clone(b.commands)}
	return pt, b.err
}

// Gas is the gas coin.
func (b *ProgrammableBuilder) Gas() Argument { return GasCoin() }

func (b *ProgrammableBuilder) addInput(arg CallArg) Argument {
	if len(b.inputs) > math.MaxUint16 {
		b.fail("more than %d inputs", math.MaxUint16+1)
		return Input(math.MaxUint16)
	}
	b.inputs = append(b.inputs, arg)
	return Input(uint16(len(b.inputs) - 1))
}

// PureBCS adds a Pure input holding bcsBytes, which must already be the BCS of the value.
func (b *ProgrammableBuilder) PureBCS(bcsBytes []byte) Argument {
	return b.addInput(PureArg(slices.Clone(bcsBytes)))
}

// Pure adds a Pure input holding the BCS of v. Supported: uint8, uint16, uint32, uint64,
// bool (Move u8 … u64, bool); walrus.ID and keys.Address (address or ID, 32 bytes);
// []byte (vector<u8>); string (std::string::String or ascii::String, which must be
// UTF-8); []uint64 (vector<u64>); []walrus.ID (vector<address>); and any bcs.Marshaler
// (walrus.U128 and walrus.U256 for u128 and u256). Use PureBCS for anything else; plain
// int is refused because its Move width is ambiguous.
func (b *ProgrammableBuilder) Pure(v any) Argument {
	pure, err := PureBytes(v)
	if err != nil {
		b.fail("%v", err)
		return Input(0)
	}
	return b.addInput(PureArg(pure))
}

// PureBytes is the BCS that Pure would store for v.
func PureBytes(v any) ([]byte, error) {
	var e bcs.Encoder
	switch x := v.(type) {
	case uint8:
		e.U8(x)
	case uint16:
		e.U16(x)
	case uint32:
		e.U32(x)
	case uint64:
		e.U64(x)
	case bool:
		e.Bool(x)
	case walrus.ID:
		e.Fixed(x[:])
	case keys.Address:
		e.Fixed(x[:])
	case []byte:
		e.ByteVec(x)
	case string:
		if !utf8.ValidString(x) {
			return nil, fmt.Errorf("%w: pure string %q is not UTF-8", ErrBuilder, x)
		}
		e.String(x)
	case []uint64:
		e.ULEB128(uint64(len(x)))
		for _, n := range x {
			e.U64(n)
		}
	case []walrus.ID:
		e.ULEB128(uint64(len(x)))
		for _, id := range x {
			e.Fixed(id[:])
		}
	case bcs.Marshaler:
		x.MarshalBCS(&e)
	default:
		return nil, fmt.Errorf("%w: no pure encoding for %T (use PureBCS)", ErrBuilder, v)
	}
	if e.Bytes() == nil {
		return []byte{}, nil
	}
	return e.Bytes(), nil
}

// Object adds an object input, once per object ID, and returns Input(i) for it. Adding a
// shared object again merges the mutability (mutable wins); adding the same ID with a
// different ObjectArg kind, or an owned object with a different reference, is a misuse.
func (b *ProgrammableBuilder) Object(arg ObjectArg) Argument {
	id := arg.ObjectID()
	if i, ok := b.objects[id]; ok {
		prev := &b.inputs[i].Object
		switch {
		case prev.Kind != arg.Kind:
			b.fail("object %s added both as %d and as %d", id, prev.Kind, arg.Kind)
		case arg.Kind == SharedObject:
			if prev.InitialSharedVersion != arg.InitialSharedVersion {
				b.fail("shared object %s added with initial versions %d and %d", id, prev.InitialSharedVersion, arg.InitialSharedVersion)
			} else if arg.Mutability > prev.Mutability {
				prev.Mutability = arg.Mutability
			}
		case prev.Ref != arg.Ref:
			b.fail("object %s added with two different references", id)
		}
		return Input(uint16(i))
	}
	n := len(b.inputs)
	in := b.addInput(ObjectCallArg(arg))
	if len(b.inputs) > n {
		b.objects[id] = n
	}
	return in
}

// Command appends c and returns Result(i) for it.
func (b *ProgrammableBuilder) Command(c Command) Argument {
	if len(b.commands) > math.MaxUint16 {
		b.fail("more than %d commands", math.MaxUint16+1)
		return Result(math.MaxUint16)
	}
	b.commands = append(b.commands, c)
	return Result(uint16(len(b.commands) - 1))
}

// MoveCall calls pkg::module::function<typeArgs>(args) and returns Result(i).
func (b *ProgrammableBuilder) MoveCall(pkg walrus.ID, module, function string, typeArgs []TypeTag, args ...Argument) Argument {
	return b.Command(Command{Kind: CmdMoveCall, MoveCall: &ProgrammableMoveCall{
		Package:       pkg,
		Module:        module,
		Function:      function,
		TypeArguments: slices.Clone(typeArgs),
		Arguments:     slices.Clone(args),
	}})
}

// SplitCoins splits the amounts (u64 arguments) off coin and returns one
// NestedResult(i, j) per amount, the new coins.
func (b *ProgrammableBuilder) SplitCoins(coin Argument, amounts ...Argument) []Argument {
	r := b.Command(Command{Kind: CmdSplitCoins, Arg: coin, Args: slices.Clone(amounts)})
	out := make([]Argument, len(amounts))
	for j := range out {
		out[j] = NestedResult(r.Index, uint16(j))
	}
	if len(amounts) > math.MaxUint16+1 {
		b.fail("SplitCoins into %d coins", len(amounts))
	}
	return out
}

// MergeCoins merges sources into dst.
func (b *ProgrammableBuilder) MergeCoins(dst Argument, sources ...Argument) {
	b.Command(Command{Kind: CmdMergeCoins, Arg: dst, Args: slices.Clone(sources)})
}

// TransferObjects sends objects to recipient (an address argument, usually Pure).
func (b *ProgrammableBuilder) TransferObjects(objects []Argument, recipient Argument) {
	b.Command(Command{Kind: CmdTransferObjects, Args: slices.Clone(objects), Arg: recipient})
}

// MakeMoveVec builds a vector of elems; elemType may be nil when elems are objects (and
// must be set for an empty vector or pure values). It returns Result(i).
func (b *ProgrammableBuilder) MakeMoveVec(elemType *TypeTag, elems ...Argument) Argument {
	var t *TypeTag
	if elemType != nil {
		c := *elemType
		t = &c
	}
	return b.Command(Command{Kind: CmdMakeMoveVec, VecType: t, Args: slices.Clone(elems)})
}

// Publish publishes modules linked against deps and returns Result(i), the UpgradeCap.
func (b *ProgrammableBuilder) Publish(modules [][]byte, deps []walrus.ID) Argument {
	return b.Command(Command{Kind: CmdPublish, Modules: cloneModules(modules), Dependencies: slices.Clone(deps)})
}

// Upgrade upgrades pkg to modules with the ticket from package::authorize_upgrade and
// returns Result(i), the UpgradeReceipt.
func (b *ProgrammableBuilder) Upgrade(modules [][]byte, deps []walrus.ID, pkg walrus.ID, ticket Argument) Argument {
	return b.Command(Command{Kind: CmdUpgrade, Modules: cloneModules(modules), Dependencies: slices.Clone(deps), Package: pkg, Arg: ticket})
}

func cloneModules(mods [][]byte) [][]byte {
	out := make([][]byte, len(mods))
	for i, m := range mods {
		out[i] = slices.Clone(m)
	}
	return out
}
