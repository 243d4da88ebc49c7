package rpc

import (
	"encoding/binary"
	"fmt"
	"math/big"
	"slices"
	"strings"

	"github.com/tuskstore/tusk/chain/sui"
	"github.com/tuskstore/tusk/chain/walrus"
)

// Conversions from chain/sui's types to the domain types the services render, for
// ledgers and executors built on chain/sui (the devnet's).

// TransactionParts is an executed transaction in chain/sui's form.
type TransactionParts struct {
	// TransactionBCS is the BCS of the TransactionData.
	TransactionBCS []byte
	Signatures     [][]byte
	Effects        *sui.TransactionEffects
	Events         sui.TransactionEvents
	// Inputs are objects as the transaction found them (at least those the effects name
	// with an input state), Outputs the objects it wrote. They give the changed objects'
	// types, the balance changes and the objects set; missing ones only leave those out.
	Inputs  []*sui.Object
	Outputs []*sui.Object
}

// NewTransaction builds a Transaction (without checkpoint) from p. It fails only when the
// transaction bytes or the effects are missing.
func NewTransaction(p TransactionParts) (Transaction, error) {
	if len(p.TransactionBCS) == 0 {
		return Transaction{}, fmt.Errorf("rpc: transaction without bytes")
	}
	if p.Effects == nil {
		return Transaction{}, fmt.Errorf("rpc: transaction without effects")
	}
	t := Transaction{
		Digest:       sui.TransactionDigest(p.TransactionBCS),
		BCS:          slices.Clone(p.TransactionBCS),
		EventsDigest: p.Effects.EventsDigest(),
	}
	if td, err := sui.DecodeTransaction(p.TransactionBCS); err == nil {
		t.Sender = td.V1.Sender
	}
	for _, s := range p.Signatures {
		t.Signatures = append(t.Signatures, slices.Clone(s))
	}
	for i := range p.Events {
		ev := &p.Events[i]
		t.Events = append(t.Events, Event{
			PackageID: ev.PackageID,
			Module:    ev.TransactionModule,
			Sender:    ev.Sender,
			Type:      ev.Type.String(),
			Contents:  slices.Clone(ev.Contents),
		})
	}

	type key struct {
		id      walrus.ID
		version uint64
	}
	objects := make(map[key]*sui.Object)
	for _, set := range [][]*sui.Object{p.Inputs, p.Outputs} {
		for _, o := range set {
			if id, ok := o.ID(); ok {
				objects[key{id, o.Version()}] = o
			}
		}
	}
	lookup := func(id walrus.ID, version uint64) *sui.Object { return objects[key{id, version}] }
	t.Effects = EffectsFromSui(p.Effects, lookup)

	// Balance changes: what the changed coins held before and hold after.
	if v2 := p.Effects.V2; v2 != nil {
		for i := range v2.ChangedObjects {
			c := &v2.ChangedObjects[i]
			if c.InputState.Exists {
				if o := lookup(c.ID, c.InputState.Version); o != nil {
					t.addBalance(o, -1)
				}
			}
			if c.OutputState.Kind == sui.ObjectWrite {
				if o := lookup(c.ID, v2.LamportVersion); o != nil {
					t.addBalance(o, +1)
				}
			}
		}
	}
	t.BalanceChanges = slices.DeleteFunc(t.BalanceChanges, func(b BalanceChange) bool { return b.Amount.Sign() == 0 })
	slices.SortFunc(t.BalanceChanges, func(a, b BalanceChange) int {
		if c := a.Address.Compare(b.Address); c != 0 {
			return c
		}
		return strings.Compare(a.CoinType, b.CoinType)
	})

	keys := make([]key, 0, len(objects))
	for k := range objects {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b key) int {
		if c := a.id.Compare(b.id); c != 0 {
			return c
		}
		switch {
		case a.version < b.version:
			return -1
		case a.version > b.version:
			return 1
		}
		return 0
	})
	for _, k := range keys {
		t.Objects = append(t.Objects, ObjectFromSui(objects[k]))
	}
	return t, nil
}

// addBalance adds sign × the value of o, when o is an address-owned Coin<T>.
func (t *Transaction) addBalance(o *sui.Object, sign int64) {
	if o.Data.Kind != sui.DataMove {
		return
	}
	if o.Owner.Kind != sui.OwnerAddress && o.Owner.Kind != sui.OwnerConsensusAddress {
		return
	}
	param := o.Data.Move.Type.CoinParam()
	value, ok := coinValue(o)
	if param == nil || !ok {
		return
	}
	coinType := param.String()
	amount := new(big.Int).Mul(new(big.Int).SetUint64(value), big.NewInt(sign))
	for i := range t.BalanceChanges {
		b := &t.BalanceChanges[i]
		if b.Address == o.Owner.Address && b.CoinType == coinType {
			b.Amount.Add(b.Amount, amount)
			return
		}
	}
	t.BalanceChanges = append(t.BalanceChanges, BalanceChange{Address: o.Owner.Address, CoinType: coinType, Amount: amount})
}

// coinValue is the balance of a Coin<T> (contents: UID, then the u64 balance).
func coinValue(o *sui.Object) (uint64, bool) {
	if o.Data.Kind != sui.DataMove || o.Data.Move.Type.CoinParam() == nil || len(o.Data.Move.Contents) != 40 {
		return 0, false
	}
	return binary.LittleEndian.Uint64(o.Data.Move.Contents[32:]), true
}

// EffectsFromSui converts effects. object, which may be nil, returns an object at a
// version (nil when unknown); it supplies the types of changed and unchanged objects.
// V1 effects are converted without changed objects.
func EffectsFromSui(e *sui.TransactionEffects, object func(id walrus.ID, version uint64) *sui.Object) Effects {
	if object == nil {
		object = func(walrus.ID, uint64) *sui.Object { return nil }
	}
	typeOf := func(id walrus.ID, versions ...uint64) string {
		for _, v := range versions {
			if o := object(id, v); o != nil {
				return objectType(o)
			}
		}
		return ""
	}
	status := e.Status()
	out := Effects{
		BCS:     e.Bytes(),
		Digest:  e.Digest(),
		Epoch:   e.ExecutedEpoch(),
		GasUsed: GasCost(e.GasUsed()),
		Success: status.Success(),
	}
	if f := status.Failure; f != nil {
		fc := *f
		out.Failure = &fc
		out.Error = FailureDescription(f)
	}
	out.Dependencies = slices.Clone(e.Dependencies())
	v2 := e.V2
	if v2 == nil {
		return out
	}
	out.LamportVersion = v2.LamportVersion
	out.AuxiliaryDataDigest = v2.AuxDataDigest
	if v2.GasObjectIndex != nil && int64(*v2.GasObjectIndex) < int64(len(v2.ChangedObjects)) {
		i := int(*v2.GasObjectIndex)
		out.GasObject = &i
	}
	for i := range v2.ChangedObjects {
		c := &v2.ChangedObjects[i]
		co := ChangedObject{ID: c.ID, IDOperation: IDOperation(c.IDOperation) + 1}
		var versions []uint64
		if c.InputState.Exists {
			co.Input = &ObjectState{Version: c.InputState.Version, Digest: c.InputState.Digest, Owner: OwnerFromSui(c.InputState.Owner)}
		}
		switch c.OutputState.Kind {
		case sui.ObjectNotExist:
			co.OutputState = OutputDoesNotExist
		case sui.ObjectWrite:
			co.OutputState = OutputObjectWrite
			co.Output = &ObjectState{Version: v2.LamportVersion, Digest: c.OutputState.Digest, Owner: OwnerFromSui(c.OutputState.Owner)}
			versions = append(versions, v2.LamportVersion)
		case sui.PackageWrite:
			co.OutputState = OutputPackageWrite
			co.Output = &ObjectState{Version: c.OutputState.Version, Digest: c.OutputState.Digest, Owner: Owner{Kind: OwnerImmutable}}
			co.Type = PackageType
		case sui.AccumulatorWrite:
			co.OutputState = OutputAccumulatorWrite
		}
		if co.Input != nil {
			versions = append(versions, co.Input.Version)
		}
		if co.Type == "" {
			co.Type = typeOf(c.ID, versions...)
		}
		out.ChangedObjects = append(out.ChangedObjects, co)
	}
	for _, u := range v2.UnchangedConsensusObjects {
		uc := UnchangedConsensusObject{Kind: UnchangedConsensusKind(u.Kind) + 1, ID: u.ID}
		switch u.Kind {
		case sui.UnchangedReadOnlyRoot:
			v, d := u.Version, u.Digest
			uc.Version, uc.Digest = &v, &d
			uc.Type = typeOf(u.ID, v)
		case sui.UnchangedMutateConsensusStreamEnded, sui.UnchangedReadConsensusStreamEnded, sui.UnchangedCancelled:
			v := u.Version
			uc.Version = &v
		}
		out.UnchangedConsensusObjects = append(out.UnchangedConsensusObjects, uc)
	}
	return out
}

// FailureDescription describes a failed status as a full node's ExecutionError.description
// does: the failure's Display, then " in command N".
func FailureDescription(f *sui.ExecutionFailure) string {
	var s string
	if f.Error.Kind == sui.ExecMoveAbort {
		s = fmt.Sprintf("MoveAbort(%s, %d)", debugLocation(f.Error.Location), f.Error.AbortCode)
	} else if f.Error.Kind == sui.ExecMovePrimitiveRuntimeError && f.Error.Location != nil {
		s = fmt.Sprintf("MovePrimitiveRuntimeError(MoveLocationOpt(Some(%s)))", debugLocation(f.Error.Location))
	} else {
		s = f.Error.String()
	}
	if f.Command != nil {
		s += fmt.Sprintf(" in command %d", *f.Command)
	}
	return s
}

// debugLocation renders a MoveLocation as Rust's Debug does.
func debugLocation(l *sui.MoveLocation) string {
	if l == nil {
		return "MoveLocation { unknown }"
	}
	name := "None"
	if l.FunctionName != nil {
		name = fmt.Sprintf("Some(%q)", *l.FunctionName)
	}
	return fmt.Sprintf("MoveLocation { module: ModuleId { address: %s, name: Identifier(%q) }, function: %d, instruction: %d, function_name: %s }",
		strings.TrimPrefix(l.Package.String(), "0x"), l.Module, l.Function, l.Instruction, name)
}

// ObjectFromSui converts an object (with its BCS, and the balance of a Coin<T>).
func ObjectFromSui(o *sui.Object) Object {
	ref, _ := o.Ref()
	out := Object{
		ID:                  ref.ObjectID,
		Version:             ref.Version,
		Digest:              ref.Digest,
		Type:                objectType(o),
		Owner:               OwnerFromSui(o.Owner),
		BCS:                 o.Bytes(),
		PreviousTransaction: o.PreviousTransaction,
		StorageRebate:       o.StorageRebate,
	}
	if !o.IsPackage() {
		out.Contents = slices.Clone(o.Data.Move.Contents)
		out.HasPublicTransfer = o.Data.Move.HasPublicTransfer
		if v, ok := coinValue(o); ok {
			out.Balance = &v
		}
	}
	return out
}

func objectType(o *sui.Object) string {
	if o.IsPackage() {
		return PackageType
	}
	return o.Data.Move.Type.String()
}

// OwnerFromSui converts an owner. Party owners, which sui.rpc.v2 of the SDK cannot name,
// become an owner of unknown kind with their start version.
func OwnerFromSui(o sui.Owner) Owner {
	switch o.Kind {
	case sui.OwnerAddress:
		return Owner{Kind: OwnerAddress, Address: o.Address}
	case sui.OwnerObject:
		return Owner{Kind: OwnerObject, Address: o.Address}
	case sui.OwnerShared:
		return Owner{Kind: OwnerShared, Version: o.Version}
	case sui.OwnerImmutable:
		return Owner{Kind: OwnerImmutable}
	case sui.OwnerConsensusAddress:
		return Owner{Kind: OwnerConsensusAddress, Address: o.Address, Version: o.Version}
	}
	return Owner{Version: o.Version}
}

// OpenTypeOf converts a Move type. typeParam, which may be nil, recognises the
// placeholders a registry uses for a function's type parameters.
func OpenTypeOf(t sui.TypeTag, typeParam func(*sui.StructTag) (uint32, bool)) OpenType {
	return openTypeOf(&t, typeParam, 0)
}

func openTypeOf(t *sui.TypeTag, typeParam func(*sui.StructTag) (uint32, bool), depth int) OpenType {
	if depth > 64 {
		return OpenType{}
	}
	switch t.Kind {
	case sui.TypeBool:
		return OpenType{Kind: TypeBool}
	case sui.TypeU8:
		return OpenType{Kind: TypeU8}
	case sui.TypeU16:
		return OpenType{Kind: TypeU16}
	case sui.TypeU32:
		return OpenType{Kind: TypeU32}
	case sui.TypeU64:
		return OpenType{Kind: TypeU64}
	case sui.TypeU128:
		return OpenType{Kind: TypeU128}
	case sui.TypeU256:
		return OpenType{Kind: TypeU256}
	case sui.TypeAddress:
		return OpenType{Kind: TypeAddress}
	case sui.TypeVector:
		if t.Elem == nil {
			return OpenType{Kind: TypeVector}
		}
		return OpenType{Kind: TypeVector, TypeArgs: []OpenType{openTypeOf(t.Elem, typeParam, depth+1)}}
	case sui.TypeStruct:
		s := t.Struct
		if s == nil {
			return OpenType{}
		}
		if typeParam != nil {
			if i, ok := typeParam(s); ok {
				return OpenType{Kind: TypeTypeParameter, TypeParameter: i}
			}
		}
		ot := OpenType{Kind: TypeDatatype, TypeName: s.Address.String() + "::" + s.Module + "::" + s.Name}
		for i := range s.TypeParams {
			ot.TypeArgs = append(ot.TypeArgs, openTypeOf(&s.TypeParams[i], typeParam, depth+1))
		}
		return ot
	}
	return OpenType{} // signer and the signed integers have no OpenSignatureBody type
}
