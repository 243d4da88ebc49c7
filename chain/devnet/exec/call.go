package exec

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"

	"github.com/tuskstore/tusk/chain/sui"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/internal/bcs"
)

// ObjectValue is a Move object held as a value: its struct type and contents (the BCS of
// the struct, starting with its 32-byte UID).
type ObjectValue struct {
	Type     sui.StructTag
	Contents []byte
}

// ID is the object's ID, the first 32 bytes of its contents.
func (o ObjectValue) ID() walrus.ID {
	var id walrus.ID
	copy(id[:], o.Contents)
	return id
}

type destKind uint8

const (
	destAddress destKind = iota
	destShared
	destFrozen
	destObject
	destReturn
)

// Dest is where Call.Put sends an object.
type Dest struct {
	kind destKind
	addr walrus.ID
}

// ToAddress is transfer::transfer / public_transfer to an address.
func ToAddress(a walrus.Address) Dest { return Dest{kind: destAddress, addr: a} }

// Shared is transfer::share_object: allowed for objects created in this transaction and
// for shared objects taken by value (re-sharing keeps the initial shared version).
func Shared() Dest { return Dest{kind: destShared} }

// Frozen is transfer::freeze_object (Owner Immutable).
func Frozen() Dest { return Dest{kind: destFrozen} }

// ToObject makes the object a child of parent (ObjectOwner), as dynamic object fields
// store their values.
func ToObject(parent walrus.ID) Dest { return Dest{kind: destObject, addr: parent} }

// Returned returns the object from the function, as a result of its command.
func Returned() Dest { return Dest{kind: destReturn} }

type callArg struct {
	kind ParamKind
	typ  sui.TypeTag
	slot *slot  // Ref and MutRef: the borrowed slot
	v    *value // Pure and Value: the value moved or copied into the call
}

func (a *callArg) value() *value {
	if a.slot != nil {
		return a.slot.v
	}
	return a.v
}

// Call is one invocation of a registered function. Its methods give typed access to the
// arguments, the transaction context, object creation and disposal, dynamic fields,
// events and aborts. A Call must not be used after the function returns.
//
// Objects passed by value, created with FreshID or NewObject, taken from dynamic fields
// with TakeChild are held by the call: before returning nil the function must dispose of
// each with Put (transfer, share, freeze, make a child of another object, return),
// Delete or Wrap (stored inside another value), as Move's type system forces.
type Call struct {
	t        *txn
	fn       *Function
	pkg      walrus.ID
	module   string
	function string
	typeArgs []sui.TypeTag
	args     []callArg
	held     map[walrus.ID]bool
	returns  []*value
}

// --- context ---

// Sender is the transaction's sender (tx_context::sender).
func (c *Call) Sender() walrus.Address { return c.t.sender }

// Digest is the transaction digest (tx_context::digest).
func (c *Call) Digest() sui.Digest { return c.t.digest }

// Epoch is the current epoch (tx_context::epoch).
func (c *Call) Epoch() uint64 { return c.t.epoch }

// EpochTimestampMs is the start of the current epoch (tx_context::epoch_timestamp_ms).
func (c *Call) EpochTimestampMs() uint64 { return c.t.epochStart }

// ClockTimestampMs is clock::timestamp_ms of the Clock object 0x6, as the transaction
// sees it (from its input when the transaction passes the Clock, else the live object).
func (c *Call) ClockTimestampMs() (uint64, error) {
	if oi := c.t.byID[ClockID]; oi != nil {
		return ClockTimestamp(oi.obj)
	}
	o, _, err := c.t.e.store.Object(c.t.ctx, ClockID)
	if err != nil {
		if !errors.Is(err, ErrNotFound) {
			c.t.storeFailure(err)
		}
		return 0, fmt.Errorf("exec: reading the Clock: %w", err)
	}
	return ClockTimestamp(o)
}

// Package, Module and Function name the function called (the entry point of the
// command, which events report as their package and transaction module).
func (c *Call) Package() walrus.ID { return c.pkg }
func (c *Call) Module() string     { return c.module }
func (c *Call) Function() string   { return c.function }

// Charge adds computation units (see the gas model in gas.go) for expensive work.
func (c *Call) Charge(units uint64) { c.t.gas.charge(units) }

// TypeArgs are the call's type arguments.
func (c *Call) TypeArgs() []sui.TypeTag { return slices.Clone(c.typeArgs) }

// TypeArg is the i-th type argument.
func (c *Call) TypeArg(i int) sui.TypeTag { return c.typeArgs[i] }

// --- arguments ---

// NumArgs is the number of arguments (the function's parameters).
func (c *Call) NumArgs() int { return len(c.args) }

// ArgType is the type of argument i (the parameter type with the type arguments
// substituted).
func (c *Call) ArgType(i int) sui.TypeTag { return c.args[i].typ }

func (c *Call) arg(i int) (*callArg, error) {
	if i < 0 || i >= len(c.args) {
		return nil, misuse("%s: argument %d of %d", c.name(), i, len(c.args))
	}
	return &c.args[i], nil
}

func (c *Call) name() string { return c.module + "::" + c.function }

// Arg returns a copy of the BCS of argument i (for a reference, of the value borrowed).
func (c *Call) Arg(i int) ([]byte, error) {
	a, err := c.arg(i)
	if err != nil {
		return nil, err
	}
	return slices.Clone(a.value().bcs), nil
}

// Decode decodes argument i into v (all bytes must be used).
func (c *Call) Decode(i int, v bcs.Unmarshaler) error {
	a, err := c.arg(i)
	if err != nil {
		return err
	}
	if err := bcs.Unmarshal(a.value().bcs, v); err != nil {
		return misuse("%s: argument %d (%s): %v", c.name(), i, a.typ.String(), err)
	}
	return nil
}

// U64 decodes a u64 argument.
func (c *Call) U64(i int) (uint64, error) {
	b, err := c.Arg(i)
	if err != nil {
		return 0, err
	}
	if len(b) != 8 {
		return 0, misuse("%s: argument %d is not a u64", c.name(), i)
	}
	return binary.LittleEndian.Uint64(b), nil
}

// Address decodes an address or ID argument.
func (c *Call) Address(i int) (walrus.ID, error) {
	b, err := c.Arg(i)
	if err != nil {
		return walrus.ID{}, err
	}
	if len(b) != 32 {
		return walrus.ID{}, misuse("%s: argument %d is not an address", c.name(), i)
	}
	return walrus.ID(b), nil
}

// Set replaces the value of argument i, which must be a &mut parameter. For an object,
// the contents must keep the object's ID.
func (c *Call) Set(i int, b []byte) error {
	a, err := c.arg(i)
	if err != nil {
		return err
	}
	if a.kind != MutRef {
		return misuse("%s: argument %d is %s, not MutRef", c.name(), i, a.kind)
	}
	v := a.slot.v
	if len(v.objs) > 0 {
		if len(v.objs) != 1 || len(b) < 32 || walrus.ID(b[:32]) != v.objs[0] {
			return misuse("%s: argument %d: the new contents change the object's ID", c.name(), i)
		}
	}
	v.bcs = slices.Clone(b)
	v.elems = nil
	return nil
}

// Encode is Set with the BCS of v.
func (c *Call) Encode(i int, v bcs.Marshaler) error { return c.Set(i, bcs.Marshal(v)) }

// Object returns the object of argument i (by reference or by value).
func (c *Call) Object(i int) (ObjectValue, error) {
	a, err := c.arg(i)
	if err != nil {
		return ObjectValue{}, err
	}
	v := a.value()
	if len(v.objs) != 1 || v.typ.Kind != sui.TypeStruct {
		return ObjectValue{}, misuse("%s: argument %d (%s) is not an object", c.name(), i, a.typ.String())
	}
	return ObjectValue{Type: *v.typ.Struct, Contents: slices.Clone(v.bcs)}, nil
}

// ObjectID is the ID of the object of argument i.
func (c *Call) ObjectID(i int) (walrus.ID, error) {
	o, err := c.Object(i)
	return o.ID(), err
}

// Elements returns the elements of a vector argument built by MakeMoveVec (each
// element's BCS); other vectors must be decoded with Decode. For a vector of objects
// passed by value, the objects are held by the call.
func (c *Call) Elements(i int) ([][]byte, error) {
	a, err := c.arg(i)
	if err != nil {
		return nil, err
	}
	v := a.value()
	if v.typ.Kind != sui.TypeVector || v.elems == nil && len(v.bcs) != 1 {
		return nil, misuse("%s: argument %d (%s) is not a vector built by MakeMoveVec", c.name(), i, a.typ.String())
	}
	out := make([][]byte, len(v.elems))
	for j, e := range v.elems {
		out[j] = slices.Clone(e)
	}
	return out, nil
}

// --- objects ---

// FreshID is object::new: a new object ID derived from the transaction digest and the
// number of IDs created so far (Sui's derive_id). The ID is held by the call until an
// object with it is Put, or it is deleted or wrapped.
func (c *Call) FreshID() walrus.ID {
	id := c.t.freshID()
	c.held[id] = true
	c.t.inFlight[id] = true
	return id
}

// NewObject creates an object of type typ whose fields after its UID are fields, with a
// FreshID, and Puts it at dest. It returns the new ID.
func (c *Call) NewObject(typ sui.StructTag, fields []byte, dest Dest) (walrus.ID, error) {
	id := c.FreshID()
	contents := append(id[:len(id):len(id)], fields...)
	return id, c.Put(typ, contents, dest)
}

// isLive reports whether an object with this ID exists at top level or in the value
// table (so it cannot be unwrapped).
func (t *txn) isLive(id walrus.ID) (bool, error) {
	switch {
	case t.inFlight[id], t.written[id] != nil:
		return true, nil
	case t.deleted[id], t.modified[id], t.created[id]:
		return false, nil // deleted, or wrapped in this transaction
	case t.byID[id] != nil, t.loaded[id] != nil:
		return true, nil
	}
	_, _, err := t.e.store.Object(t.ctx, id)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, ErrNotFound):
		return false, nil
	}
	return false, t.storeFailure(err)
}

// acquire makes the call own id for a disposal: it must be held, or (an object
// unwrapped from a value) not live anywhere.
func (c *Call) acquire(id walrus.ID) error {
	if c.held[id] {
		delete(c.held, id)
		return nil
	}
	live, err := c.t.isLive(id)
	if err != nil {
		return err
	}
	if live {
		return misuse("%s: object %s is not held by the call", c.name(), id)
	}
	return nil
}

// Put disposes of an object held by the call (or unwrapped: an object taken out of a
// value, whose ID is not live): contents is the full BCS of the struct, starting with its
// UID. An object keeps its type; a new one gets has_public_transfer from the type's
// store ability in the registry.
func (c *Call) Put(typ sui.StructTag, contents []byte, dest Dest) error {
	if len(contents) < 32 {
		return misuse("%s: object contents shorter than a UID", c.name())
	}
	if !validStructTag(&typ, 0) {
		return misuse("%s: invalid object type %s", c.name(), typ.String())
	}
	id := walrus.ID(contents[:32])
	t := c.t
	m := t.meta[id]
	if m != nil {
		if st := m.typ.StructTag(); !st.Equal(&typ) {
			return misuse("%s: object %s of type %s put as %s", c.name(), id, st.String(), typ.String())
		}
	} else {
		tt := sui.TypeTag{Kind: sui.TypeStruct, Struct: &typ}
		a := t.e.reg.AbilitiesOf(tt)
		if a != 0 && !a.Has(AbilityKey) {
			return misuse("%s: type %s does not have key", c.name(), typ.String())
		}
		m = &objMeta{typ: sui.NewMoveObjectType(typ), publicTransfer: a.Has(AbilityStore)}
	}
	if dest.kind == destShared {
		b := t.before(id)
		if !(b != nil && b.Owner.Kind == sui.OwnerShared) && !t.created[id] {
			return c.Abort(addr2, "transfer", "share_object_impl", 0) // ESharedNonNewObject
		}
	}
	if dest.kind == destObject && dest.addr == id {
		return misuse("%s: object %s cannot own itself", c.name(), id)
	}
	if err := c.acquire(id); err != nil {
		return err
	}
	t.meta[id] = m
	switch dest.kind {
	case destReturn:
		t.inFlight[id] = true
		st := typ
		c.returns = append(c.returns, &value{typ: sui.TypeTag{Kind: sui.TypeStruct, Struct: &st}, bcs: slices.Clone(contents), objs: []walrus.ID{id}})
		return nil
	case destAddress:
		t.place(id, contents, sui.AddressOwned(dest.addr))
	case destShared:
		owner := sui.SharedOwner(0) // the lamport version, once known
		if b := t.before(id); b != nil && b.Owner.Kind == sui.OwnerShared {
			owner = b.Owner
		}
		t.place(id, contents, owner)
	case destFrozen:
		t.place(id, contents, sui.ImmutableOwner())
	case destObject:
		t.place(id, contents, sui.ObjectOwned(dest.addr))
	default:
		return misuse("%s: invalid destination", c.name())
	}
	return nil
}

// Delete is object::delete of a UID: the object id, held by the call (or unwrapped, not
// live), stops existing. An object created in this transaction leaves no trace in the
// effects.
func (c *Call) Delete(id walrus.ID) error {
	if err := c.acquire(id); err != nil {
		return err
	}
	c.t.deleteID(id)
	return nil
}

// Wrap records that the object id, held by the call, now lives inside another value (an
// object's field, a dynamic field's value): it leaves the top level.
func (c *Call) Wrap(id walrus.ID) error {
	if !c.held[id] {
		return misuse("%s: wrapping object %s, which the call does not hold", c.name(), id)
	}
	delete(c.held, id)
	t := c.t
	delete(t.inFlight, id)
	delete(t.written, id)
	if t.before(id) != nil {
		t.modified[id] = true
	}
	return nil
}

// Return returns a value that is not an object (use Put with Returned for objects).
// Values of pure types are checked to be valid BCS of their type.
func (c *Call) Return(typ sui.TypeTag, b []byte) error {
	if c.t.e.reg.AbilitiesOf(typ).Has(AbilityKey) {
		return misuse("%s: returning an object of type %s with Return; use Put", c.name(), typ.String())
	}
	if isPureType(&typ, 0) && !validPure(&typ, b) {
		return misuse("%s: returned bytes are not a valid %s", c.name(), typ.String())
	}
	c.returns = append(c.returns, &value{typ: typ, bcs: slices.Clone(b)})
	return nil
}

// --- dynamic fields ---

// child returns the current state of a child object of parent, loading it on first use.
func (c *Call) child(parent, id walrus.ID) (*sui.Object, error) {
	t := c.t
	var o *sui.Object
	switch {
	case t.inFlight[id], t.deleted[id], t.created[id] && t.written[id] == nil:
		return nil, nil
	case t.written[id] != nil:
		o = t.written[id]
	case t.modified[id], t.byID[id] != nil:
		return nil, nil
	case t.loaded[id] != nil:
		o = t.loaded[id]
	default:
		so, _, err := t.e.store.Object(t.ctx, id)
		if errors.Is(err, ErrNotFound) {
			return nil, nil
		}
		if err != nil {
			return nil, t.storeFailure(err)
		}
		if so.Owner.Kind != sui.OwnerObject || so.Data.Kind != sui.DataMove {
			return nil, nil
		}
		t.loaded[id] = so
		t.meta[id] = &objMeta{typ: so.Data.Move.Type, publicTransfer: so.Data.Move.HasPublicTransfer, before: so}
		o = so
	}
	if o.Owner.Kind != sui.OwnerObject || o.Owner.Address != parent {
		return nil, nil
	}
	return o, nil
}

// Child reads the child object id of parent (a dynamic field's Field object, or an
// object stored as a dynamic object field). ok is false when parent has no such child.
func (c *Call) Child(parent, id walrus.ID) (o ObjectValue, ok bool, err error) {
	so, err := c.child(parent, id)
	if err != nil || so == nil {
		return ObjectValue{}, false, err
	}
	return ObjectValue{Type: so.Data.Move.Type.StructTag(), Contents: slices.Clone(so.Data.Move.Contents)}, true, nil
}

// SetChild replaces the contents of the child object id of parent (borrowing a dynamic
// field mutably). It aborts as dynamic_field does (EFieldDoesNotExist) when there is no
// such child.
func (c *Call) SetChild(parent, id walrus.ID, contents []byte) error {
	so, err := c.child(parent, id)
	if err != nil {
		return err
	}
	if so == nil {
		return c.Abort(addr2, "dynamic_field", "borrow_child_object_mut", 1) // EFieldDoesNotExist
	}
	if len(contents) < 32 || walrus.ID(contents[:32]) != id {
		return misuse("%s: new contents of child %s change its ID", c.name(), id)
	}
	c.t.place(id, contents, so.Owner)
	return nil
}

// AddChild creates the child object of parent whose contents are given (their first 32
// bytes are its ID, normally walrus.DynamicFieldID of parent and the field's name), as
// dynamic_field::add does; it aborts with EFieldAlreadyExists when parent already has it.
func (c *Call) AddChild(parent walrus.ID, typ sui.StructTag, contents []byte) error {
	if len(contents) < 32 {
		return misuse("%s: child contents shorter than a UID", c.name())
	}
	if !validStructTag(&typ, 0) {
		return misuse("%s: invalid child type %s", c.name(), typ.String())
	}
	id := walrus.ID(contents[:32])
	t := c.t
	if id == parent {
		return misuse("%s: object %s cannot own itself", c.name(), id)
	}
	existing, err := c.child(parent, id)
	if err != nil {
		return err
	}
	if existing != nil {
		return c.Abort(addr2, "dynamic_field", "add", 0) // EFieldAlreadyExists
	}
	live, err := t.isLive(id)
	if err != nil {
		return err
	}
	if live {
		return misuse("%s: child ID %s is already used by another object", c.name(), id)
	}
	m := t.meta[id]
	if m == nil {
		tt := sui.TypeTag{Kind: sui.TypeStruct, Struct: &typ}
		m = &objMeta{typ: sui.NewMoveObjectType(typ), publicTransfer: t.e.reg.AbilitiesOf(tt).Has(AbilityStore)}
		t.meta[id] = m
	} else if st := m.typ.StructTag(); !st.Equal(&typ) {
		m.typ, m.publicTransfer = sui.NewMoveObjectType(typ), t.e.reg.AbilitiesOf(sui.TypeTag{Kind: sui.TypeStruct, Struct: &typ}).Has(AbilityStore)
	}
	switch {
	case t.deleted[id]:
		delete(t.deleted, id) // removed then added again: a mutation (ObjectRuntime::new_id)
	case t.before(id) == nil:
		t.created[id] = true
	}
	t.place(id, contents, sui.ObjectOwned(parent))
	return nil
}

// RemoveChild deletes the child object id of parent and returns what it held
// (dynamic_field::remove). It aborts with EFieldDoesNotExist when there is no such child.
func (c *Call) RemoveChild(parent, id walrus.ID) (ObjectValue, error) {
	so, err := c.child(parent, id)
	if err != nil {
		return ObjectValue{}, err
	}
	if so == nil {
		return ObjectValue{}, c.Abort(addr2, "dynamic_field", "remove_child_object", 1) // EFieldDoesNotExist
	}
	ov := ObjectValue{Type: so.Data.Move.Type.StructTag(), Contents: slices.Clone(so.Data.Move.Contents)}
	c.t.deleteID(id)
	return ov, nil
}

// TakeChild takes the child object id out of parent (dynamic_object_field::remove takes
// the stored object this way): the object is then held by the call.
func (c *Call) TakeChild(parent, id walrus.ID) (ObjectValue, error) {
	so, err := c.child(parent, id)
	if err != nil {
		return ObjectValue{}, err
	}
	if so == nil {
		return ObjectValue{}, c.Abort(addr2, "dynamic_field", "remove_child_object", 1) // EFieldDoesNotExist
	}
	ov := ObjectValue{Type: so.Data.Move.Type.StructTag(), Contents: slices.Clone(so.Data.Move.Contents)}
	t := c.t
	delete(t.written, id)
	if t.before(id) != nil {
		t.modified[id] = true
	}
	t.inFlight[id] = true
	c.held[id] = true
	return ov, nil
}

// --- events and aborts ---

// Emit emits an event of type typ with the given BCS contents (event::emit). Its
// package and module are those of the command's function; its sender the transaction's.
func (c *Call) Emit(typ sui.StructTag, contents []byte) error {
	if !validStructTag(&typ, 0) {
		return misuse("%s: invalid event type %s", c.name(), typ.String())
	}
	c.t.events = append(c.t.events, sui.Event{
		PackageID:         c.pkg,
		TransactionModule: c.module,
		Sender:            c.t.sender,
		Type:              typ,
		Contents:          slices.Clone(contents),
	})
	return nil
}

func validStructTag(s *sui.StructTag, depth int) bool {
	if depth > 16 || !sui.IsValidIdentifier(s.Module) || !sui.IsValidIdentifier(s.Name) {
		return false
	}
	for i := range s.TypeParams {
		p := &s.TypeParams[i]
		for p.Kind == sui.TypeVector && p.Elem != nil {
			p = p.Elem
		}
		if p.Kind == sui.TypeStruct && (p.Struct == nil || !validStructTag(p.Struct, depth+1)) {
			return false
		}
	}
	return true
}

// Abort returns the error for a Move abort with code in module (address, name) and
// function; return it from the function. The location's function index is the
// registered Function.Index of module::function when it is registered, else 0.
func (c *Call) Abort(moduleAddr walrus.ID, module, function string, code uint64) error {
	return &AbortError{Location: c.location(moduleAddr, module, function), Code: code}
}

// AbortHere is Abort in the function being called.
func (c *Call) AbortHere(code uint64) error {
	return c.Abort(c.pkg, c.module, c.function, code)
}

// ArithmeticError returns the error for a Move arithmetic error (overflow, underflow,
// division by zero) in module::function: MovePrimitiveRuntimeError.
func (c *Call) ArithmeticError(moduleAddr walrus.ID, module, function string) error {
	return &ArithmeticError{Location: c.location(moduleAddr, module, function)}
}

func (c *Call) location(moduleAddr walrus.ID, module, function string) sui.MoveLocation {
	fn := function
	loc := sui.MoveLocation{Package: moduleAddr, Module: module, FunctionName: &fn}
	if f, ok := c.t.e.reg.Function(moduleAddr, module, function); ok {
		loc.Function = f.Index
	}
	return loc
}

// --- dispatch ---

func (t *txn) moveCall(cmd int, m *sui.ProgrammableMoveCall) ([]*value, *execFailure) {
	fn, ok := t.e.reg.Function(m.Package, m.Module, m.Function)
	if !ok {
		return nil, failKind(sui.ExecFunctionNotFound)
	}
	if len(m.TypeArguments) != fn.TypeParams {
		return nil, failKind(sui.ExecTypeArityMismatch)
	}
	if len(m.Arguments) != len(fn.Params) {
		return nil, failKind(sui.ExecArityMismatch)
	}
	c := &Call{
		t: t, fn: fn, pkg: m.Package, module: m.Module, function: m.Function,
		typeArgs: m.TypeArguments, args: make([]callArg, len(fn.Params)), held: make(map[walrus.ID]bool),
	}
	u := usage{}
	for i, p := range fn.Params {
		typ := instantiate(p.Type, m.TypeArguments)
		s, f := t.slotOf(m.Arguments[i], i)
		if f != nil {
			return nil, f
		}
		a := &c.args[i]
		a.kind, a.typ = p.Kind, typ
		switch p.Kind {
		case Pure, Value:
			v, f := t.byValue(u, s, i, &typ, false)
			if f != nil {
				return nil, f
			}
			a.v = v
			for _, id := range v.objs {
				c.held[id] = true
			}
		default:
			if f := t.borrow(u, s, i, &typ, p.Kind == MutRef); f != nil {
				return nil, f
			}
			a.slot = s
		}
	}
	if f := t.invoke(c); f != nil {
		return nil, f
	}
	return c.returns, nil
}

// invoke runs the function, turning aborts, errors and panics into failures.
func (t *txn) invoke(c *Call) (f *execFailure) {
	defer func() {
		if p := recover(); p != nil {
			f = invariant(fmt.Errorf("%s::%s::%s panicked: %v", c.pkg, c.module, c.function, p))
		}
	}()
	err := c.fn.Call(c)
	var abort *AbortError
	var arith *ArithmeticError
	switch {
	case err == nil:
	case errors.As(err, &abort):
		loc := abort.Location
		return &execFailure{err: sui.ExecutionError{Kind: sui.ExecMoveAbort, Location: &loc, AbortCode: abort.Code}}
	case errors.As(err, &arith):
		loc := arith.Location
		return &execFailure{err: sui.ExecutionError{Kind: sui.ExecMovePrimitiveRuntimeError, Location: &loc}}
	default:
		return invariant(fmt.Errorf("%s::%s::%s: %w", c.pkg, c.module, c.function, err))
	}
	if len(c.held) > 0 {
		ids := sortedIDs(c.held)
		return invariant(misuse("%s::%s::%s returned without disposing of %d objects (first %s)", c.pkg, c.module, c.function, len(ids), ids[0]))
	}
	if c.fn.Returns != nil {
		if len(c.returns) != len(c.fn.Returns) {
			return invariant(misuse("%s::%s::%s returned %d values, declared %d", c.pkg, c.module, c.function, len(c.returns), len(c.fn.Returns)))
		}
		for i, r := range c.fn.Returns {
			if want := instantiate(r, c.typeArgs); !c.returns[i].typ.Equal(&want) {
				return invariant(misuse("%s::%s::%s returned %s as value %d, declared %s", c.pkg, c.module, c.function, c.returns[i].typ.String(), i, want.String()))
			}
		}
	}
	return nil
}
