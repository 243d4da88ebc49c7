package exec

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"

	"github.com/tuskstore/tusk/chain/sui"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/internal/bcs"
)

// value is a Move value in the PTB's value table.
type value struct {
	typ   sui.TypeTag
	bcs   []byte
	elems [][]byte    // the elements' BCS, for vectors built by MakeMoveVec
	objs  []walrus.ID // the objects the value holds: itself for an object, the elements of a vector of objects
}

func (v *value) clone() *value {
	c := &value{typ: v.typ, bcs: slices.Clone(v.bcs), objs: slices.Clone(v.objs)}
	if v.elems != nil {
		c.elems = make([][]byte, len(v.elems))
		for i, e := range v.elems {
			c.elems[i] = slices.Clone(e)
		}
	}
	return c
}

// slot is an entry of the value table: a PTB input, the gas coin or a command result.
type slot struct {
	pure bool      // a Pure input: v.bcs is untyped and copied on every by-value use
	in   *objInput // an object input or the gas coin
	v    *value    // nil once moved out
}

// objMeta is what the executor knows about an object in the transaction.
type objMeta struct {
	typ            sui.MoveObjectType
	publicTransfer bool
	before         *sui.Object // the object before the transaction (inputs, loaded dynamic fields)
}

// txn is one transaction being executed.
type txn struct {
	e          *Executor
	ctx        context.Context
	data       *sui.TransactionData
	pt         *sui.ProgrammableTransaction
	digest     sui.Digest
	txBytes    []byte
	signatures [][]byte
	sender     walrus.Address
	epoch      uint64
	epochStart uint64

	inputs     []*objInput // object inputs of the PTB
	gasInputs  []*objInput
	byID       map[walrus.ID]*objInput // inputs and gas coins
	gasID      walrus.ID
	gasBalance uint64 // of all gas coins together
	lamport    uint64
	deps       []sui.Digest // previous transactions of package objects
	gas        gasStatus

	// The value table and the objects in it.
	slots    []*slot
	gasSlot  *slot
	results  [][]*slot
	meta     map[walrus.ID]*objMeta
	inFlight map[walrus.ID]bool // objects in the value table or held by a call
	loaded   map[walrus.ID]*sui.Object
	fresh    uint64

	// What execution did; reset (except loaded) when it fails.
	written    map[walrus.ID]*sui.Object
	created    map[walrus.ID]bool
	deleted    map[walrus.ID]bool
	modified   map[walrus.ID]bool // objects that existed and were written, deleted or wrapped
	events     []sui.Event
	cmdResults [][]MoveValue

	// storeErr is the first error of the store met while executing (not ErrNotFound):
	// the transaction is then not committed at all.
	storeErr error
}

// storeFailure records a store error met during execution and returns it.
func (t *txn) storeFailure(err error) error {
	if t.storeErr == nil {
		t.storeErr = err
	}
	return err
}

func newTxn(e *Executor, ctx context.Context, td *sui.TransactionData, digest sui.Digest, inputs, gas []*objInput, gasBalance uint64) *txn {
	t := &txn{
		e: e, ctx: ctx, data: td, pt: &td.V1.Kind.Programmable, digest: digest,
		sender: td.V1.Sender, epoch: e.epoch, epochStart: e.epochStart,
		inputs: inputs, gasInputs: gas, byID: make(map[walrus.ID]*objInput),
		gasID: gas[0].ref.ObjectID, gasBalance: gasBalance,
		gas: gasStatus{
			budget: td.V1.GasData.Budget, price: td.V1.GasData.Price, storagePrice: e.cfg.StorageGasPrice,
			units: BaseComputationUnits,
		},
		meta: make(map[walrus.ID]*objMeta), inFlight: make(map[walrus.ID]bool),
		loaded: make(map[walrus.ID]*sui.Object),
	}
	var maxVersion uint64
	for _, oi := range append(slices.Clone(inputs), gas...) {
		t.byID[oi.ref.ObjectID] = oi
		t.meta[oi.ref.ObjectID] = &objMeta{typ: oi.obj.Data.Move.Type, publicTransfer: oi.obj.Data.Move.HasPublicTransfer, before: oi.obj}
		maxVersion = max(maxVersion, oi.ref.Version)
	}
	t.lamport = maxVersion + 1

	// The value table: inputs as given, the gas coin smashed and less the budget (which
	// is off limits to the commands, as in Sui).
	byIndex := make(map[int]*objInput, len(inputs))
	for _, oi := range inputs {
		byIndex[oi.index] = oi
	}
	t.slots = make([]*slot, len(t.pt.Inputs))
	for i := range t.pt.Inputs {
		in := &t.pt.Inputs[i]
		if in.Kind == sui.CallArgPure {
			t.slots[i] = &slot{pure: true, v: &value{bcs: slices.Clone(in.Pure)}}
			continue
		}
		oi := byIndex[i]
		t.slots[i] = &slot{in: oi, v: objectValue(oi.obj)}
		t.inFlight[oi.ref.ObjectID] = true
	}
	gv := objectValue(gas[0].obj)
	binary.LittleEndian.PutUint64(gv.bcs[32:], gasBalance-t.gas.budget)
	t.gasSlot = &slot{in: gas[0], v: gv}
	t.inFlight[t.gasID] = true

	for _, c := range t.pt.Commands {
		if c.Kind == sui.CmdMoveCall {
			o, _, err := e.store.Object(ctx, c.MoveCall.Package)
			switch {
			case err == nil && o.IsPackage():
				t.deps = append(t.deps, o.PreviousTransaction)
			case err != nil && !errors.Is(err, ErrNotFound):
				t.storeFailure(err)
			}
		}
	}
	t.reset()
	return t
}

// objectValue is an object's contents as a value of its struct type.
func objectValue(o *sui.Object) *value {
	st := o.Data.Move.Type.StructTag()
	id, _ := o.ID()
	return &value{typ: sui.TypeTag{Kind: sui.TypeStruct, Struct: &st}, bcs: slices.Clone(o.Data.Move.Contents), objs: []walrus.ID{id}}
}

// reset drops everything execution did and smashes the gas coins again (Sui's
// GasCharger::reset).
func (t *txn) reset() {
	t.written = make(map[walrus.ID]*sui.Object)
	t.created = make(map[walrus.ID]bool)
	t.deleted = make(map[walrus.ID]bool)
	t.modified = make(map[walrus.ID]bool)
	t.events = nil
	t.cmdResults = nil
	t.gas.storage = nil
	if len(t.gasInputs) > 1 {
		o := cloneObject(t.gasInputs[0].obj)
		binary.LittleEndian.PutUint64(o.Data.Move.Contents[32:], t.gasBalance)
		t.written[t.gasID] = o
		t.modified[t.gasID] = true
		for _, g := range t.gasInputs[1:] {
			t.deleted[g.ref.ObjectID] = true
			t.modified[g.ref.ObjectID] = true
		}
	}
}

// before is the state of an object before the transaction, if it existed then and the
// transaction read it.
func (t *txn) before(id walrus.ID) *sui.Object {
	if oi := t.byID[id]; oi != nil {
		return oi.obj
	}
	return t.loaded[id]
}

// execute runs the commands, charges gas and builds the result.
func (t *txn) execute() (*Result, error) {
	failure := t.runCommands()
	if failure == nil {
		failure = t.finishPTB()
	}
	if failure != nil && failure.err.Kind == sui.ExecInvariantViolation && failure.cause == nil {
		failure.cause = errors.New("invariant violation")
	}
	failure = t.chargeGas(failure)
	return t.result(failure)
}

func (t *txn) runCommands() *execFailure {
	for i := range t.pt.Commands {
		if err := t.ctx.Err(); err != nil {
			return invariant(err)
		}
		c := &t.pt.Commands[i]
		var (
			out []*value
			f   *execFailure
		)
		switch c.Kind {
		case sui.CmdMoveCall:
			t.gas.charge(MoveCallUnits)
			out, f = t.moveCall(i, c.MoveCall)
		case sui.CmdTransferObjects:
			t.gas.charge(CommandUnits)
			f = t.transferObjects(c)
		case sui.CmdSplitCoins:
			t.gas.charge(CommandUnits)
			out, f = t.splitCoins(c)
		case sui.CmdMergeCoins:
			t.gas.charge(CommandUnits)
			f = t.mergeCoins(c)
		case sui.CmdMakeMoveVec:
			t.gas.charge(CommandUnits)
			out, f = t.makeMoveVec(c)
		default:
			f = failKind(sui.ExecFeatureNotYetSupported)
		}
		if f != nil {
			if f.command == nil {
				idx := uint64(i)
				f.command = &idx
			}
			return f
		}
		slots := make([]*slot, len(out))
		vals := make([]MoveValue, len(out))
		for j, v := range out {
			slots[j] = &slot{v: v}
			vals[j] = MoveValue{Type: v.typ, BCS: slices.Clone(v.bcs)}
		}
		t.results = append(t.results, slots)
		t.cmdResults = append(t.cmdResults, vals)
	}
	return nil
}

// --- arguments ---

// usage records how a command uses each slot, to refuse conflicting uses.
type usage map[*slot]ParamKind

func argErrorAt(kind sui.CommandArgumentErrorKind, idx int, index, secondary uint16) *execFailure {
	f := argError(kind, idx)
	f.err.CommandArgument.Index = index
	f.err.CommandArgument.Secondary = secondary
	return f
}

// slotOf resolves an argument.
func (t *txn) slotOf(a sui.Argument, idx int) (*slot, *execFailure) {
	switch a.Kind {
	case sui.ArgGasCoin:
		return t.gasSlot, nil
	case sui.ArgInput:
		if int(a.Index) >= len(t.slots) {
			return nil, argErrorAt(sui.ArgErrIndexOutOfBounds, idx, a.Index, 0)
		}
		return t.slots[a.Index], nil
	case sui.ArgResult, sui.ArgNestedResult:
		if int(a.Index) >= len(t.results) {
			return nil, argErrorAt(sui.ArgErrIndexOutOfBounds, idx, a.Index, 0)
		}
		r := t.results[a.Index]
		if a.Kind == sui.ArgResult {
			if len(r) != 1 {
				return nil, argErrorAt(sui.ArgErrInvalidResultArity, idx, a.Index, 0)
			}
			return r[0], nil
		}
		if int(a.Nested) >= len(r) {
			return nil, argErrorAt(sui.ArgErrSecondaryIndexOutOfBounds, idx, a.Index, a.Nested)
		}
		return r[a.Nested], nil
	}
	return nil, argError(sui.ArgErrIndexOutOfBounds, idx)
}

// use records a use of s and refuses it when it conflicts with an earlier use in the
// same command: a value moved or mutably borrowed may not be used twice.
func (u usage) use(s *slot, kind ParamKind, moves bool, idx int) *execFailure {
	prev, seen := u[s]
	if seen && (prev == MutRef || kind == MutRef || moves || prev == Value) {
		return argError(sui.ArgErrInvalidValueUsage, idx)
	}
	if moves {
		kind = Value
	} else if kind == Value {
		kind = Pure // a copy
	}
	u[s] = kind
	return nil
}

// byValue takes the value of s at type want (nil: any object), moving it out unless it
// can be copied.
func (t *txn) byValue(u usage, s *slot, idx int, want *sui.TypeTag, gasOK bool) (*value, *execFailure) {
	if s.pure {
		if want == nil {
			return nil, argError(sui.ArgErrTypeMismatch, idx)
		}
		if !isPureType(want, 0) {
			return nil, argError(sui.ArgErrInvalidUsageOfPureArg, idx)
		}
		if !validPure(want, s.v.bcs) {
			return nil, argError(sui.ArgErrInvalidBCSBytes, idx)
		}
		if f := u.use(s, Value, false, idx); f != nil {
			return nil, f
		}
		return &value{typ: *want, bcs: slices.Clone(s.v.bcs)}, nil
	}
	if s == t.gasSlot && !gasOK {
		return nil, argError(sui.ArgErrInvalidGasCoinUsage, idx)
	}
	if s.v == nil {
		return nil, argError(sui.ArgErrArgumentWithoutValue, idx)
	}
	if s.in != nil && (s.in.immutable || s.in.readOnly) {
		return nil, argError(sui.ArgErrInvalidObjectByValue, idx)
	}
	if want == nil {
		if len(s.v.objs) != 1 || s.v.typ.Kind != sui.TypeStruct {
			return nil, argError(sui.ArgErrTypeMismatch, idx)
		}
	} else if !s.v.typ.Equal(want) {
		return nil, argError(sui.ArgErrTypeMismatch, idx)
	}
	copyable := len(s.v.objs) == 0 && t.e.reg.AbilitiesOf(s.v.typ).Has(AbilityCopy)
	if f := u.use(s, Value, !copyable, idx); f != nil {
		return nil, f
	}
	if copyable {
		return s.v.clone(), nil
	}
	v := s.v
	s.v = nil
	if s.in != nil {
		t.modified[s.in.ref.ObjectID] = true
	}
	return v, nil
}

// borrow borrows s at type want, mutably or not.
func (t *txn) borrow(u usage, s *slot, idx int, want *sui.TypeTag, mut bool) *execFailure {
	kind := Ref
	if mut {
		kind = MutRef
	}
	if s.pure {
		if want == nil {
			return argError(sui.ArgErrTypeMismatch, idx)
		}
		if !isPureType(want, 0) {
			return argError(sui.ArgErrInvalidUsageOfPureArg, idx)
		}
		if !validPure(want, s.v.bcs) {
			return argError(sui.ArgErrInvalidBCSBytes, idx)
		}
		return u.use(s, kind, false, idx)
	}
	if s.v == nil {
		return argError(sui.ArgErrArgumentWithoutValue, idx)
	}
	if mut && s.in != nil && (s.in.immutable || s.in.readOnly) {
		return argError(sui.ArgErrInvalidObjectByMutRef, idx)
	}
	if want != nil && !s.v.typ.Equal(want) {
		return argError(sui.ArgErrTypeMismatch, idx)
	}
	return u.use(s, kind, false, idx)
}

// --- commands ---

func (t *txn) transferObjects(c *sui.Command) *execFailure {
	u := usage{}
	objs := make([]*value, len(c.Args))
	for i, a := range c.Args {
		s, f := t.slotOf(a, i)
		if f != nil {
			return f
		}
		if objs[i], f = t.byValue(u, s, i, nil, true); f != nil {
			return f
		}
	}
	s, f := t.slotOf(c.Arg, len(c.Args))
	if f != nil {
		return f
	}
	av, f := t.byValue(u, s, len(c.Args), &sui.TypeTagAddress, false)
	if f != nil {
		return f
	}
	if len(av.bcs) != 32 {
		return invariant(fmt.Errorf("address value of %d bytes", len(av.bcs)))
	}
	recipient := walrus.Address(av.bcs)
	for _, v := range objs {
		id := v.objs[0]
		if m := t.meta[id]; m == nil || !m.publicTransfer {
			return failKind(sui.ExecInvalidTransferObject)
		}
		t.place(id, v.bcs, sui.AddressOwned(recipient))
	}
	return nil
}

// coinBalance reads a Coin<T> value.
func coinBalance(v *value) (uint64, bool) {
	if v.typ.Kind != sui.TypeStruct || v.typ.Struct == nil || !isStruct(v.typ.Struct, addr2, "coin", "Coin", 1) || len(v.bcs) != 40 {
		return 0, false
	}
	return binary.LittleEndian.Uint64(v.bcs[32:]), true
}

func (t *txn) splitCoins(c *sui.Command) ([]*value, *execFailure) {
	u := usage{}
	s, f := t.slotOf(c.Arg, 0)
	if f != nil {
		return nil, f
	}
	if s.pure {
		return nil, argError(sui.ArgErrTypeMismatch, 0)
	}
	if f := t.borrow(u, s, 0, nil, true); f != nil {
		return nil, f
	}
	balance, ok := coinBalance(s.v)
	if !ok {
		return nil, argError(sui.ArgErrTypeMismatch, 0)
	}
	coinType := s.v.typ
	out := make([]*value, 0, len(c.Args))
	for _, a := range c.Args {
		as, f := t.slotOf(a, 1)
		if f != nil {
			return nil, f
		}
		av, f := t.byValue(u, as, 1, &sui.TypeTagU64, false)
		if f != nil {
			return nil, f
		}
		if len(av.bcs) != 8 {
			return nil, invariant(fmt.Errorf("u64 value of %d bytes", len(av.bcs)))
		}
		amount := binary.LittleEndian.Uint64(av.bcs)
		id := t.freshID()
		if amount > balance {
			return nil, failKind(sui.ExecInsufficientCoinBalance)
		}
		balance -= amount
		t.meta[id] = &objMeta{typ: sui.NewMoveObjectType(*coinType.Struct), publicTransfer: true}
		t.inFlight[id] = true
		out = append(out, &value{typ: coinType, bcs: CoinContents(id, amount), objs: []walrus.ID{id}})
	}
	binary.LittleEndian.PutUint64(s.v.bcs[32:], balance)
	return out, nil
}

func (t *txn) mergeCoins(c *sui.Command) *execFailure {
	u := usage{}
	s, f := t.slotOf(c.Arg, 0)
	if f != nil {
		return f
	}
	if s.pure {
		return argError(sui.ArgErrTypeMismatch, 0)
	}
	if f := t.borrow(u, s, 0, nil, true); f != nil {
		return f
	}
	balance, ok := coinBalance(s.v)
	if !ok {
		return argError(sui.ArgErrTypeMismatch, 0)
	}
	coins := make([]*value, len(c.Args))
	for i, a := range c.Args {
		cs, f := t.slotOf(a, i+1)
		if f != nil {
			return f
		}
		if coins[i], f = t.byValue(u, cs, i+1, nil, false); f != nil {
			return f
		}
	}
	for i, cv := range coins {
		if !cv.typ.Equal(&s.v.typ) {
			return argError(sui.ArgErrTypeMismatch, i+1)
		}
		amount, ok := coinBalance(cv)
		if !ok {
			return argError(sui.ArgErrTypeMismatch, i+1)
		}
		t.deleteID(cv.objs[0])
		if balance+amount < balance {
			return failKind(sui.ExecCoinBalanceOverflow)
		}
		balance += amount
	}
	binary.LittleEndian.PutUint64(s.v.bcs[32:], balance)
	return nil
}

func (t *txn) makeMoveVec(c *sui.Command) ([]*value, *execFailure) {
	u := usage{}
	elem := c.VecType
	if elem == nil {
		// Without a type the elements must be objects; the first one gives the type.
		s, f := t.slotOf(c.Args[0], 0)
		if f != nil {
			return nil, f
		}
		if s.pure {
			return nil, argError(sui.ArgErrInvalidMakeMoveVecNonObjectArgument, 0)
		}
		if s.v == nil {
			return nil, argError(sui.ArgErrArgumentWithoutValue, 0)
		}
		if len(s.v.objs) != 1 || s.v.typ.Kind != sui.TypeStruct {
			return nil, argError(sui.ArgErrInvalidMakeMoveVecNonObjectArgument, 0)
		}
		typ := s.v.typ
		elem = &typ
	}
	v := &value{typ: sui.VectorOf(*elem), elems: make([][]byte, 0, len(c.Args))}
	var e bcs.Encoder
	e.ULEB128(uint64(len(c.Args)))
	for i, a := range c.Args {
		s, f := t.slotOf(a, i)
		if f != nil {
			return nil, f
		}
		if c.VecType == nil && s.pure {
			return nil, argError(sui.ArgErrInvalidMakeMoveVecNonObjectArgument, i)
		}
		ev, f := t.byValue(u, s, i, elem, false)
		if f != nil {
			return nil, f
		}
		v.elems = append(v.elems, ev.bcs)
		v.objs = append(v.objs, ev.objs...)
		e.Fixed(ev.bcs)
	}
	v.bcs = e.Bytes()
	if v.bcs == nil {
		v.bcs = []byte{}
	}
	return []*value{v}, nil
}

// freshID is TxContext::fresh_id: the next ID derived from the transaction digest.
func (t *txn) freshID() walrus.ID {
	id := DeriveObjectID(t.digest, t.fresh)
	t.fresh++
	t.created[id] = true
	return id
}

// place writes an object with its contents and new owner.
func (t *txn) place(id walrus.ID, contents []byte, owner sui.Owner) {
	m := t.meta[id]
	t.written[id] = &sui.Object{
		Data: sui.ObjectData{Kind: sui.DataMove, Move: sui.MoveObject{
			Type:              m.typ,
			HasPublicTransfer: m.publicTransfer,
			Contents:          slices.Clone(contents),
		}},
		Owner:               owner,
		PreviousTransaction: t.digest,
	}
	delete(t.inFlight, id)
	if m.before != nil {
		t.modified[id] = true
	}
}

// deleteID is object::delete: an ID created in this transaction disappears without a
// trace; any other is deleted.
func (t *txn) deleteID(id walrus.ID) {
	delete(t.inFlight, id)
	delete(t.written, id)
	if t.created[id] {
		delete(t.created, id)
		return
	}
	t.deleted[id] = true
	if t.before(id) != nil {
		t.modified[id] = true
	}
}

// finishPTB checks what the commands left behind and writes back the inputs.
func (t *txn) finishPTB() *execFailure {
	for i, r := range t.results {
		for j, s := range r {
			if s.v != nil && !t.e.reg.AbilitiesOf(s.v.typ).Has(AbilityDrop) {
				return &execFailure{err: sui.ExecutionError{Kind: sui.ExecUnusedValueWithoutDrop, Index: uint16(i), SecondaryIndex: uint16(j)}}
			}
		}
	}
	for _, s := range append(slices.Clone(t.slots), t.gasSlot) {
		switch {
		case s.in == nil || s.v == nil:
		case s.in.mutable:
			t.place(s.in.ref.ObjectID, s.v.bcs, s.in.obj.Owner)
		default: // immutable and read-only shared inputs stay as they were
			delete(t.inFlight, s.in.ref.ObjectID)
		}
	}
	g := t.written[t.gasID]
	if g == nil {
		return invariant(fmt.Errorf("gas coin %s was not written back", t.gasID))
	}
	bal := binary.LittleEndian.Uint64(g.Data.Move.Contents[32:])
	binary.LittleEndian.PutUint64(g.Data.Move.Contents[32:], addSat(bal, t.gas.budget))
	for _, oi := range t.inputs {
		if !oi.shared || oi.readOnly {
			continue
		}
		id := oi.ref.ObjectID
		if w := t.written[id]; !t.deleted[id] && (w == nil || w.Owner.Kind != sui.OwnerShared) {
			return failKind(sui.ExecSharedObjectOperationNotAllowed)
		}
	}
	if len(t.inFlight) != 0 {
		return invariant(fmt.Errorf("%d objects left in flight", len(t.inFlight)))
	}
	return nil
}

// ensureActiveInputsMutated writes every mutable input the transaction did not change,
// so that its version is bumped.
func (t *txn) ensureActiveInputsMutated() {
	for _, oi := range append(slices.Clone(t.inputs), t.gasInputs...) {
		if id := oi.ref.ObjectID; oi.mutable && !t.modified[id] {
			o := cloneObject(oi.obj)
			o.PreviousTransaction = t.digest
			t.written[id] = o
			t.modified[id] = true
		}
	}
}

func sortedIDs[V any](m map[walrus.ID]V) []walrus.ID {
	ids := make([]walrus.ID, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, walrus.ID.Compare)
	return ids
}

// collectStorageAndRebate charges storage for every written object (which becomes its
// storage rebate) and refunds the old rebate of everything modified.
func (t *txn) collectStorageAndRebate() {
	for _, id := range sortedIDs(t.written) {
		o := t.written[id]
		cost := StorageCost(o, t.gas.storagePrice)
		var old uint64
		if t.modified[id] {
			old = t.before(id).StorageRebate
		}
		o.StorageRebate = cost
		t.gas.storage = append(t.gas.storage, perObjectStorage{cost: cost, rebate: old})
	}
	t.collectRebate()
}

func (t *txn) collectRebate() {
	for _, id := range sortedIDs(t.modified) {
		if t.written[id] == nil {
			t.gas.storage = append(t.gas.storage, perObjectStorage{rebate: t.before(id).StorageRebate})
		}
	}
}

// chargeGas is Sui's GasCharger::charge_gas with handle_storage_and_rebate_v2.
func (t *txn) chargeGas(failure *execFailure) *execFailure {
	if !t.gas.bucketize() && failure == nil {
		failure = failKind(sui.ExecInsufficientGas)
	}
	if failure != nil {
		t.reset()
	}
	t.ensureActiveInputsMutated()
	t.collectStorageAndRebate()
	if !t.gas.storageFits() {
		t.reset()
		t.ensureActiveInputsMutated()
		t.collectStorageAndRebate()
		if !t.gas.storageFits() {
			t.reset()
			t.gas.computation = t.gas.budget
			t.ensureActiveInputsMutated()
			t.collectRebate()
		}
		if failure == nil {
			failure = failKind(sui.ExecInsufficientGas)
		}
	}
	sum := t.gas.summary()
	g := t.written[t.gasID]
	bal := binary.LittleEndian.Uint64(g.Data.Move.Contents[32:])
	charge := addSat(sum.ComputationCost, sum.StorageCost)
	if charge >= sum.StorageRebate {
		d := charge - sum.StorageRebate
		if d > bal {
			d = bal // cannot happen: the balance covers the budget, which bounds the charge
		}
		bal -= d
	} else {
		bal = addSat(bal, sum.StorageRebate-charge)
	}
	binary.LittleEndian.PutUint64(g.Data.Move.Contents[32:], bal)
	return failure
}

// result assigns versions, builds the effects and the changes to commit.
func (t *txn) result(failure *execFailure) (*Result, error) {
	lamport := t.lamport
	for id := range t.modified {
		if t.byID[id] == nil {
			if b := t.loaded[id]; b != nil && b.Version() >= lamport {
				lamport = b.Version() + 1
			}
		}
	}
	for _, o := range t.written {
		o.Data.Move.Version = lamport
		o.PreviousTransaction = t.digest
		if o.Owner.Kind == sui.OwnerShared && o.Owner.Version == 0 {
			o.Owner.Version = lamport
		}
	}

	var status sui.ExecutionStatus
	var cause error
	if failure != nil {
		status.Failure = &sui.ExecutionFailure{Error: failure.err, Command: failure.command}
		cause = failure.cause
	}

	all := make(map[walrus.ID]bool)
	for _, m := range []map[walrus.ID]bool{t.created, t.deleted, t.modified} {
		for id := range m {
			all[id] = true
		}
	}
	for id := range t.written {
		all[id] = true
	}
	ids := sortedIDs(all)
	changed := make([]sui.ChangedObject, len(ids))
	var gasIndex uint32
	for i, id := range ids {
		c := &changed[i]
		c.ID = id
		if t.modified[id] {
			b := t.before(id)
			ref, _ := b.Ref()
			if oi := t.byID[id]; oi != nil {
				ref = oi.ref
			}
			c.InputState = sui.ObjectIn{Exists: true, Version: ref.Version, Digest: ref.Digest, Owner: b.Owner}
		}
		if w := t.written[id]; w != nil {
			c.OutputState = sui.ObjectOut{Kind: sui.ObjectWrite, Digest: w.Digest(), Owner: w.Owner}
		}
		switch {
		case t.created[id]:
			c.IDOperation = sui.IDCreated
		case t.deleted[id]:
			c.IDOperation = sui.IDDeleted
		}
		if id == t.gasID {
			gasIndex = uint32(i)
		}
	}

	depSet := make(map[sui.Digest]bool)
	for _, oi := range t.byID {
		depSet[oi.obj.PreviousTransaction] = true
	}
	for _, d := range t.deps {
		depSet[d] = true
	}
	delete(depSet, GenesisMarker)
	deps := make([]sui.Digest, 0, len(depSet))
	for d := range depSet {
		deps = append(deps, d)
	}
	slices.SortFunc(deps, func(a, b sui.Digest) int { return slices.Compare(a[:], b[:]) })

	var unchanged []sui.UnchangedConsensusObject
	for _, oi := range t.inputs {
		if oi.shared && oi.readOnly {
			unchanged = append(unchanged, sui.UnchangedConsensusObject{
				ID: oi.ref.ObjectID, Kind: sui.UnchangedReadOnlyRoot, Version: oi.ref.Version, Digest: oi.ref.Digest,
			})
		}
	}

	events := sui.TransactionEvents(t.events)
	if failure != nil {
		events = nil
	}
	var eventsDigest *sui.Digest
	if len(events) > 0 {
		d := events.Digest()
		eventsDigest = &d
	}

	effects := sui.NewEffectsV2(sui.TransactionEffectsV2{
		Status:                    status,
		ExecutedEpoch:             t.epoch,
		GasUsed:                   t.gas.summary(),
		TransactionDigest:         t.digest,
		GasObjectIndex:            &gasIndex,
		EventsDigest:              eventsDigest,
		Dependencies:              deps,
		LamportVersion:            lamport,
		ChangedObjects:            changed,
		UnchangedConsensusObjects: unchanged,
	})

	res := &Result{
		Changes: Changes{
			Digest:      t.digest,
			Transaction: slices.Clone(t.txBytes),
			Signatures:  t.signatures,
			Effects:     effects,
			Events:      events,
		},
		Data:  t.data,
		Cause: cause,
	}
	for _, id := range sortedIDs(t.written) {
		res.Written = append(res.Written, t.written[id])
	}
	res.Deleted = sortedIDs(t.deleted)
	for _, id := range sortedIDs(t.modified) {
		if t.written[id] == nil && !t.deleted[id] {
			res.Wrapped = append(res.Wrapped, id)
		}
	}
	inputs := make(map[walrus.ID]*sui.Object)
	for id, oi := range t.byID {
		inputs[id] = oi.obj
	}
	for id, o := range t.loaded {
		inputs[id] = o
	}
	for _, id := range sortedIDs(inputs) {
		res.Inputs = append(res.Inputs, inputs[id])
	}
	if failure == nil {
		res.CommandResults = t.cmdResults
	}
	return res, nil
}
