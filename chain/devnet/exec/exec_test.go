package exec

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"strings"
	"testing"

	"github.com/tuskstore/tusk/chain/devnet/contract"
	"github.com/tuskstore/tusk/chain/keys"
	"github.com/tuskstore/tusk/chain/sui"
	"github.com/tuskstore/tusk/chain/walrus"
)

// checkConsistency checks a committed result against the store and Sui's rules: effects
// round-trip through BCS, written objects are stored at the lamport version with the
// digests and owners the effects give, input states are older, the gas object index
// names the gas coin, the events digest matches, and SUI is conserved (what coins lose is
// computation plus the non-refundable storage fee, once storage rebates are counted).
func checkConsistency(t testing.TB, store *MemStore, r *Result) {
	t.Helper()
	raw := r.Effects.Bytes()
	dec, err := sui.DecodeEffects(raw)
	if err != nil || !bytes.Equal(dec.Bytes(), raw) {
		t.Fatalf("effects do not round-trip: %v", err)
	}
	v2 := r.Effects.V2
	if v2 == nil {
		t.Fatal("effects are not V2")
	}
	if v2.TransactionDigest != r.Digest || r.Digest != sui.TransactionDigest(r.Transaction) {
		t.Fatal("transaction digest mismatch")
	}
	gasRef, _, ok := v2.GasObject()
	if !ok || gasRef.ObjectID != r.Data.V1.GasData.Payment[0].ObjectID {
		t.Fatalf("gas object index %v does not name the gas coin", v2.GasObjectIndex)
	}
	if len(r.Events) == 0 {
		if v2.EventsDigest != nil {
			t.Fatal("events digest without events")
		}
	} else if v2.EventsDigest == nil || *v2.EventsDigest != r.Events.Digest() {
		t.Fatal("events digest mismatch")
	}
	inputs := make(map[walrus.ID]*sui.Object)
	for _, o := range r.Inputs {
		id, _ := o.ID()
		inputs[id] = o
	}
	var before, after, rebatesIn, rebatesOut uint64
	var prev walrus.ID
	for i, c := range v2.ChangedObjects {
		if i > 0 && prev.Compare(c.ID) >= 0 {
			t.Fatal("changed objects not sorted by ID")
		}
		prev = c.ID
		if c.InputState.Exists {
			if c.InputState.Version >= v2.LamportVersion {
				t.Fatalf("%s: input version %d not below lamport %d", c.ID, c.InputState.Version, v2.LamportVersion)
			}
			in := inputs[c.ID]
			if in == nil || in.Digest() != c.InputState.Digest {
				t.Fatalf("%s: input state does not match the input object", c.ID)
			}
			rebatesIn += in.StorageRebate
			if in.Data.Move.Type.IsGasCoin() {
				v, _ := CoinValue(in)
				before += v
			}
		}
		if c.OutputState.Kind == sui.ObjectWrite {
			o, err := store.ObjectAt(t.Context(), c.ID, v2.LamportVersion)
			if err != nil {
				t.Fatalf("%s: written object not stored at %d: %v", c.ID, v2.LamportVersion, err)
			}
			if o.Digest() != c.OutputState.Digest || !o.Owner.Equal(&c.OutputState.Owner) || o.PreviousTransaction != r.Digest {
				t.Fatalf("%s: stored object does not match the effects", c.ID)
			}
			rebatesOut += o.StorageRebate
			if o.Data.Move.Type.IsGasCoin() {
				v, _ := CoinValue(o)
				after += v
			}
		}
	}
	g := v2.GasUsed
	if int64(before)+int64(rebatesIn)-int64(after)-int64(rebatesOut) != int64(g.ComputationCost+g.NonRefundableStorageFee) {
		t.Fatalf("SUI not conserved: coins %d → %d, rebates %d → %d, gas %+v", before, after, rebatesIn, rebatesOut, g)
	}
	// (When even the mutable inputs' storage does not fit the budget, Sui charges no
	// storage and the written objects keep their old rebates.)
	if g.StorageCost != rebatesOut && g.StorageCost != 0 {
		t.Fatalf("storage cost %d, new rebates %d", g.StorageCost, rebatesOut)
	}
}

func changeOf(r *Result, id walrus.ID) (sui.ObjectChange, bool) {
	for _, c := range r.Effects.ObjectChanges() {
		if c.ID == id {
			return c, true
		}
	}
	return sui.ObjectChange{}, false
}

func changedIDs(r *Result) map[walrus.ID]sui.ChangedObject {
	m := make(map[walrus.ID]sui.ChangedObject)
	for _, c := range r.Effects.V2.ChangedObjects {
		m[c.ID] = c
	}
	return m
}

func TestGasCoinStorageCost(t *testing.T) {
	// A SUI coin costs 988,000 MIST of storage on Sui (130 bytes × 100 × 76).
	o := NewGasCoin(walrus.MustParseID("0x1234"), walrus.MustParseID("0x1"), 5)
	if n := ObjectStorageSize(o); n != 130 {
		t.Errorf("coin storage size %d, want 130", n)
	}
	if c := StorageCost(o, DefaultStorageGasPrice); c != 988_000 || o.StorageRebate != c {
		t.Errorf("coin storage cost %d (rebate %d), want 988000", c, o.StorageRebate)
	}
	if senderRebate(988_000) != 978_120 || senderRebate(1) != 1 || senderRebate(0) != 0 || senderRebate(50) != 50 {
		t.Error("sender rebate rounding")
	}
	for _, c := range []struct{ in, want uint64 }{{0, 1000}, {1, 1000}, {999, 1000}, {1000, 1000}, {1001, 2000}, {2000, 2000}} {
		if got := roundUnits(c.in); got != c.want {
			t.Errorf("roundUnits(%d) = %d, want %d", c.in, got, c.want)
		}
	}
}

func TestDeriveObjectIDMatchesContract(t *testing.T) {
	for i, d := range []sui.Digest{{}, sui.TransactionDigest([]byte("x")), {1, 2, 3}} {
		for _, n := range []uint64{0, 1, 7, 1 << 40} {
			if got, want := DeriveObjectID(d, n), contract.DeriveObjectID(d, n); got != want {
				t.Errorf("digest %d index %d: %s, contract says %s", i, n, got, want)
			}
		}
	}
	// Sui's Move test runner: tx_context::dummy()'s first object.
	var dummy sui.Digest
	copy(dummy[:], []byte{0x3a, 0x98, 0x5d, 0xa7, 0x4f, 0xe2, 0x25, 0xb2, 0x04, 0x5c, 0x17, 0x2d, 0x6b, 0xd3, 0x90, 0xbd,
		0x85, 0x5f, 0x08, 0x6e, 0x3e, 0x9d, 0x52, 0x5b, 0x46, 0xbf, 0xe2, 0x45, 0x11, 0x43, 0x15, 0x32})
	if got := DeriveObjectID(dummy, 0); got != walrus.MustParseID("0x381dd9078c322a4663c392761a0211b527c127b29583851217f948d62131f409") {
		t.Errorf("dummy tx object %s", got)
	}
}

func TestTransferCoin(t *testing.T) {
	e := newEnv(t)
	coinRef, gasRef := e.ref(e.aliceCoin), e.ref(e.aliceGas)
	txb := e.tx(e.alice, e.aliceGas, func(b *sui.ProgrammableBuilder) {
		b.TransferObjects([]sui.Argument{b.Object(sui.OwnedObjectArg(coinRef))}, b.Pure(addr(e.bob)))
	})
	r := e.mustSucceed(txb, e.alice)
	v2 := r.Effects.V2

	if v2.LamportVersion != max(coinRef.Version, gasRef.Version)+1 {
		t.Errorf("lamport %d", v2.LamportVersion)
	}
	if len(v2.ChangedObjects) != 2 {
		t.Fatalf("%d changed objects", len(v2.ChangedObjects))
	}
	ch, ok := changeOf(r, e.aliceCoin)
	if !ok || ch.Kind != sui.ChangeMutated || ch.OutputOwner.Address != addr(e.bob) || ch.Input.Version != coinRef.Version {
		t.Errorf("coin change %+v", ch)
	}
	o, ref := e.object(e.aliceCoin)
	if ref.Version != v2.LamportVersion || o.Owner != sui.AddressOwned(addr(e.bob)) || e.balance(e.aliceCoin) != 5_000 {
		t.Errorf("coin now %s v%d", o.Owner.String(), ref.Version)
	}
	if len(v2.Dependencies) != 0 {
		t.Errorf("dependencies %v: genesis objects have none", v2.Dependencies)
	}
	if v2.ExecutedEpoch != 0 || v2.UnchangedConsensusObjects != nil || v2.EventsDigest != nil {
		t.Error("unexpected effects fields")
	}

	// The gas model: 1000 + 100 units, rounded to 2000, × 1000; two coins stored and
	// their rebates returned at 99%.
	want := sui.GasCostSummary{ComputationCost: 2_000_000, StorageCost: 2 * 988_000, StorageRebate: 1_956_240, NonRefundableStorageFee: 19_760}
	if v2.GasUsed != want {
		t.Errorf("gas used %+v, want %+v", v2.GasUsed, want)
	}
	if got := e.balance(e.aliceGas); got != aliceStartBalance-2_019_760 {
		t.Errorf("gas balance %d", got)
	}

	// Bob owns it now; a second transfer depends on the first.
	owned, _, err := e.store.OwnedObjects(e.ctx, addr(e.bob), "0x2::coin::Coin", nil, 0)
	if err != nil || len(owned) != 0 {
		t.Error("a short type filter is not canonical and must not match")
	}
	owned, _, err = e.store.OwnedObjects(e.ctx, addr(e.bob), sui.CoinType(sui.SUIType).Struct.String(), nil, 0)
	if err != nil || len(owned) != 2 {
		t.Fatalf("bob owns %d coins: %v", len(owned), err)
	}
	r2 := e.mustSucceed(e.tx(e.bob, e.bobGas, func(b *sui.ProgrammableBuilder) {
		b.TransferObjects([]sui.Argument{b.Object(sui.OwnedObjectArg(e.ref(e.aliceCoin)))}, b.Pure(addr(e.carol)))
	}), e.bob)
	if deps := r2.Effects.V2.Dependencies; len(deps) != 1 || deps[0] != r.Digest {
		t.Errorf("dependencies %v, want [%s]", deps, r.Digest)
	}

	// Transferring the gas coin itself: gas is still charged to it.
	r3 := e.mustSucceed(e.tx(e.alice, e.aliceGas, func(b *sui.ProgrammableBuilder) {
		b.TransferObjects([]sui.Argument{b.Gas()}, b.Pure(addr(e.carol)))
	}), e.alice)
	if o, _ := e.object(e.aliceGas); o.Owner.Address != addr(e.carol) {
		t.Error("gas coin not transferred")
	}
	if got := e.balance(e.aliceGas); got != aliceStartBalance-2_019_760-(2_000_000+988_000-978_120) {
		t.Errorf("gas coin after its own transfer: %d", got)
	}
	_ = r3
}

func TestSplitMergeTransfer(t *testing.T) {
	e := newEnv(t)
	small := e.ref(e.aliceCoin)
	txb := e.tx(e.alice, e.aliceGas, func(b *sui.ProgrammableBuilder) {
		coins := b.SplitCoins(b.Gas(), b.Pure(uint64(100)), b.Pure(uint64(200))) // command 0
		more := b.SplitCoins(coins[0], b.Pure(uint64(30)))                       // command 1
		b.MergeCoins(coins[0], coins[1], more[0])                                // command 2
		b.MergeCoins(b.Gas(), b.Object(sui.OwnedObjectArg(small)))               // command 3
		b.TransferObjects([]sui.Argument{sui.NestedResult(0, 0)}, b.Pure(addr(e.bob)))
	})
	r := e.mustSucceed(txb, e.alice)
	created := DeriveObjectID(r.Digest, 0)
	if e.balance(created) != 300 {
		t.Errorf("new coin holds %d, want 300", e.balance(created))
	}
	if o, _ := e.object(created); o.Owner.Address != addr(e.bob) || !o.Data.Move.Type.IsGasCoin() || o.Data.Move.Type.Kind != sui.MoveTypeGasCoin {
		t.Errorf("new coin %+v", o)
	}
	changed := changedIDs(r)
	if c := changed[created]; c.IDOperation != sui.IDCreated || c.InputState.Exists || c.OutputState.Kind != sui.ObjectWrite {
		t.Errorf("created coin change %+v", c)
	}
	// The coins split off and merged back in the same transaction leave no trace.
	for i := uint64(1); i < 3; i++ {
		if _, ok := changed[DeriveObjectID(r.Digest, i)]; ok {
			t.Errorf("coin %d created and deleted in the transaction appears in the effects", i)
		}
	}
	if c := changed[e.aliceCoin]; c.IDOperation != sui.IDDeleted || !c.InputState.Exists || c.OutputState.Kind != sui.ObjectNotExist {
		t.Errorf("merged input coin change %+v", c)
	}
	if len(changed) != 3 || len(r.Deleted) != 1 || r.Deleted[0] != e.aliceCoin {
		t.Errorf("%d changes, deleted %v", len(changed), r.Deleted)
	}
	if _, _, err := e.store.Object(e.ctx, e.aliceCoin); !errors.Is(err, ErrNotFound) {
		t.Errorf("merged coin still live: %v", err)
	}
	// Gas: 1000 + 4×100 + 100 → 2000 units; storage of gas coin and new coin; rebates of
	// the gas coin and the merged coin.
	g := r.Effects.V2.GasUsed
	if g.ComputationCost != 2_000_000 || g.StorageCost != 2*988_000 || g.StorageRebate != 1_956_240 {
		t.Errorf("gas %+v", g)
	}
	if got := e.balance(e.aliceGas); got != aliceStartBalance-300+5_000-(2_000_000+2*988_000-1_956_240) {
		t.Errorf("gas coin balance %d", got)
	}
	if len(r.CommandResults) != 5 || len(r.CommandResults[0]) != 2 || len(r.CommandResults[2]) != 0 {
		t.Errorf("command results %v", r.CommandResults)
	}
}

func TestGasSmashing(t *testing.T) {
	e := newEnv(t)
	txb := e.txBytes(addr(e.alice), addr(e.alice), []sui.ObjectRef{e.ref(e.aliceGas), e.ref(e.aliceGas2)}, testBudget, func(b *sui.ProgrammableBuilder) {
		b.SplitCoins(b.Gas(), b.Pure(uint64(1)))
		b.TransferObjects([]sui.Argument{sui.NestedResult(0, 0)}, b.Pure(addr(e.bob)))
	})
	r := e.mustSucceed(txb, e.alice)
	if c := changedIDs(r)[e.aliceGas2]; c.IDOperation != sui.IDDeleted {
		t.Errorf("second gas coin %+v, want deleted", c)
	}
	g := r.Effects.V2.GasUsed
	if got, want := e.balance(e.aliceGas), uint64(aliceStartBalance+1_000-1)-uint64(g.NetCost()); got != want {
		t.Errorf("smashed gas %d, want %d", got, want)
	}
}

func TestMoveCallCounter(t *testing.T) {
	e := newEnv(t)
	cr := e.mustSucceed(e.tx(e.alice, e.aliceGas, func(b *sui.ProgrammableBuilder) {
		b.MoveCall(testPkg, "counter", "create", nil)
	}), e.alice)
	counter := DeriveObjectID(cr.Digest, 0)
	co, cref := e.object(counter)
	if co.Owner != sui.SharedOwner(cr.Effects.V2.LamportVersion) || cref.Version != cr.Effects.V2.LamportVersion || co.Data.Move.HasPublicTransfer {
		t.Fatalf("counter %s at %d", co.Owner.String(), cref.Version)
	}
	if c := changedIDs(cr)[counter]; c.IDOperation != sui.IDCreated || c.OutputState.Owner.Kind != sui.OwnerShared {
		t.Errorf("counter change %+v", c)
	}
	if len(cr.Events) != 1 || !bytes.Equal(cr.Events[0].Contents, counter[:]) || cr.Events[0].TransactionModule != "counter" ||
		cr.Events[0].PackageID != testPkg || cr.Events[0].Sender != addr(e.alice) || !cr.Events[0].Type.Equal(&createdType) {
		t.Errorf("create events %+v", cr.Events)
	}
	isv := co.Owner.Version

	// increment(&mut Counter, 5) from bob, then read it with value(&Counter).
	bobGas := e.ref(e.bobGas)
	r := e.mustSucceed(e.tx(e.bob, e.bobGas, func(b *sui.ProgrammableBuilder) {
		c := b.Object(sui.SharedObjectArg(counter, isv, true))
		b.MoveCall(testPkg, "counter", "increment", nil, c, b.Pure(uint64(5)))
	}), e.bob)
	v2 := r.Effects.V2
	if v2.LamportVersion != max(cref.Version, bobGas.Version)+1 {
		t.Errorf("lamport %d", v2.LamportVersion)
	}
	ch := changedIDs(r)[counter]
	if !ch.InputState.Exists || ch.InputState.Version != cref.Version || ch.InputState.Digest != cref.Digest ||
		ch.InputState.Owner != sui.SharedOwner(isv) || ch.OutputState.Owner != sui.SharedOwner(isv) || ch.IDOperation != sui.IDNone {
		t.Errorf("counter change %+v", ch)
	}
	co, cref2 := e.object(counter)
	if cref2.Version != v2.LamportVersion || cref2.Digest != ch.OutputState.Digest || binary.LittleEndian.Uint64(co.Data.Move.Contents[32:]) != 5 {
		t.Errorf("counter after increment: v%d", cref2.Version)
	}
	if len(r.Events) != 1 || !bytes.Equal(r.Events[0].Contents, append(counter[:], u64b(5)...)) {
		t.Errorf("increment events %+v", r.Events)
	}
	if deps := v2.Dependencies; len(deps) != 1 || deps[0] != cr.Digest {
		t.Errorf("dependencies %v", deps)
	}

	// A read-only use is an unchanged consensus object, and Result feeds the next command.
	r = e.mustSucceed(e.tx(e.bob, e.bobGas, func(b *sui.ProgrammableBuilder) {
		c := b.Object(sui.SharedObjectArg(counter, isv, false))
		v := b.MoveCall(testPkg, "counter", "value", nil, c)
		b.MoveCall(testPkg, "counter", "mint", nil, v)
		b.TransferObjects([]sui.Argument{sui.Result(1)}, b.Pure(addr(e.carol)))
	}), e.bob)
	u := r.Effects.V2.UnchangedConsensusObjects
	if len(u) != 1 || u[0].ID != counter || u[0].Kind != sui.UnchangedReadOnlyRoot || u[0].Version != cref2.Version || u[0].Digest != cref2.Digest {
		t.Errorf("unchanged consensus objects %+v", u)
	}
	if _, ok := changedIDs(r)[counter]; ok {
		t.Error("read-only counter in changed objects")
	}
	tok := DeriveObjectID(r.Digest, 0)
	if o, _ := e.object(tok); o.Owner.Address != addr(e.carol) || !o.Data.Move.HasPublicTransfer || !bytes.Equal(o.Data.Move.Contents[32:], u64b(5)) {
		t.Errorf("token %+v", o)
	}
	if len(r.CommandResults) != 3 || !bytes.Equal(r.CommandResults[0][0].BCS, u64b(5)) {
		t.Errorf("command results %+v", r.CommandResults)
	}

	// increment by 0 aborts in command 1: MoveAbort at counter::increment, code 7.
	before := e.balance(e.bobGas)
	r = e.mustExec(e.tx(e.bob, e.bobGas, func(b *sui.ProgrammableBuilder) {
		c := b.Object(sui.SharedObjectArg(counter, isv, true))
		b.MoveCall(testPkg, "counter", "increment", nil, c, b.Pure(uint64(1)))
		b.MoveCall(testPkg, "counter", "increment", nil, c, b.Pure(uint64(0)))
	}), e.bob)
	abort := r.Status().MoveAbort()
	if abort == nil {
		t.Fatalf("status %v, want a Move abort", r.Status().Err())
	}
	if abort.Module != testPkg || abort.ModuleName != "counter" || abort.FunctionName != "increment" || abort.Function != incrementIndex ||
		abort.Code != eZeroIncrement || abort.Command == nil || *abort.Command != 1 {
		t.Errorf("abort %+v", abort)
	}
	if len(r.Events) != 0 || r.Effects.V2.EventsDigest != nil {
		t.Error("a failed transaction has no events")
	}
	co, cref3 := e.object(counter)
	if cref3.Version != r.Effects.V2.LamportVersion || binary.LittleEndian.Uint64(co.Data.Move.Contents[32:]) != 5 {
		t.Errorf("aborted increment: counter v%d value %d, want bumped version and value 5", cref3.Version, binary.LittleEndian.Uint64(co.Data.Move.Contents[32:]))
	}
	g := r.Effects.V2.GasUsed
	if g.ComputationCost != 3_000_000 || e.balance(e.bobGas) != before-uint64(g.NetCost()) {
		t.Errorf("failed transaction gas %+v", g)
	}
	if !strings.Contains(r.Status().Err().Error(), "counter::increment with code 7 (command 1)") {
		t.Errorf("abort error %q", r.Status().Err())
	}

	// An arithmetic error is MovePrimitiveRuntimeError with the location.
	r = e.mustExec(e.tx(e.bob, e.bobGas, func(b *sui.ProgrammableBuilder) {
		c := b.Object(sui.SharedObjectArg(counter, isv, true))
		b.MoveCall(testPkg, "counter", "increment", nil, c, b.Pure(^uint64(0)))
	}), e.bob)
	if f := r.Status().Failure; f == nil || f.Error.Kind != sui.ExecMovePrimitiveRuntimeError || f.Error.Location == nil ||
		*f.Error.Location.FunctionName != "increment" || *f.Command != 0 {
		t.Errorf("overflow status %+v", r.Status().Err())
	}

	// Deleting the shared counter by value.
	r = e.mustSucceed(e.tx(e.alice, e.aliceGas, func(b *sui.ProgrammableBuilder) {
		b.MoveCall(testPkg, "counter", "destroy", nil, b.Object(sui.SharedObjectArg(counter, isv, true)))
	}), e.alice)
	if c := changedIDs(r)[counter]; c.IDOperation != sui.IDDeleted || c.OutputState.Kind != sui.ObjectNotExist {
		t.Errorf("destroyed counter %+v", c)
	}
}

func TestClockAndReadOnlyShared(t *testing.T) {
	e := newEnv(t)
	r := e.mustSucceed(e.tx(e.alice, e.aliceGas, func(b *sui.ProgrammableBuilder) {
		b.MoveCall(testPkg, "counter", "now", nil, b.Object(sui.SharedObjectArg(ClockID, ClockInitialSharedVersion, false)))
	}), e.alice)
	if !bytes.Equal(r.CommandResults[0][0].BCS, u64b(genesisTimeMs)) {
		t.Errorf("clock read %x", r.CommandResults[0][0].BCS)
	}
	if u := r.Effects.V2.UnchangedConsensusObjects; len(u) != 1 || u[0].ID != ClockID || u[0].Version != 1 {
		t.Errorf("unchanged %+v", u)
	}
	// A user transaction may not take the Clock mutably.
	_, err := e.exec(e.tx(e.alice, e.aliceGas, func(b *sui.ProgrammableBuilder) {
		b.MoveCall(testPkg, "counter", "now", nil, b.Object(sui.SharedObjectArg(ClockID, ClockInitialSharedVersion, true)))
	}), e.alice)
	var rej *RejectedError
	if !errors.As(err, &rej) || rej.Reason != ImmutableParameterExpected {
		t.Errorf("mutable clock: %v", err)
	}
}

func TestDynamicFieldsAndWrapping(t *testing.T) {
	e := newEnv(t)
	counter, isv := e.createCounter()
	shared := func(b *sui.ProgrammableBuilder) sui.Argument {
		return b.Object(sui.SharedObjectArg(counter, isv, true))
	}
	fid := walrus.DynamicFieldID(counter, walrus.TypeTagU64, u64b(1))

	r := e.mustSucceed(e.tx(e.alice, e.aliceGas, func(b *sui.ProgrammableBuilder) {
		b.MoveCall(testPkg, "counter", "set_field", nil, shared(b), b.Pure(uint64(1)), b.Pure(uint64(10)))
	}), e.alice)
	if c := changedIDs(r)[fid]; c.IDOperation != sui.IDCreated || c.OutputState.Owner != sui.ObjectOwned(counter) {
		t.Errorf("new field %+v", c)
	}
	fo, fref := e.object(fid)
	if ft := fo.Data.Move.Type.StructTag(); !ft.Equal(&fieldType) || fref.Version != r.Effects.V2.LamportVersion {
		t.Errorf("field object %s", fo.Data.Move.Type.String())
	}

	r = e.mustSucceed(e.tx(e.alice, e.aliceGas, func(b *sui.ProgrammableBuilder) {
		b.MoveCall(testPkg, "counter", "set_field", nil, shared(b), b.Pure(uint64(1)), b.Pure(uint64(11)))
	}), e.alice)
	if c := changedIDs(r)[fid]; c.IDOperation != sui.IDNone || !c.InputState.Exists || c.InputState.Version != fref.Version {
		t.Errorf("mutated field %+v", c)
	}
	if len(r.Inputs) != 3 {
		t.Errorf("inputs %d, want gas, counter and the loaded field", len(r.Inputs))
	}

	r = e.mustSucceed(e.tx(e.alice, e.aliceGas, func(b *sui.ProgrammableBuilder) {
		b.MoveCall(testPkg, "counter", "remove_field", nil, shared(b), b.Pure(uint64(1)))
	}), e.alice)
	if c := changedIDs(r)[fid]; c.IDOperation != sui.IDDeleted || c.OutputState.Kind != sui.ObjectNotExist {
		t.Errorf("removed field %+v", c)
	}
	if !bytes.Equal(r.CommandResults[0][0].BCS, u64b(11)) {
		t.Error("removed field value")
	}

	// Wrap a token in a box, then unwrap it: Wrapped, then Unwrapped.
	r = e.mustSucceed(e.tx(e.alice, e.aliceGas, func(b *sui.ProgrammableBuilder) {
		tok := b.MoveCall(testPkg, "counter", "mint", nil, b.Pure(uint64(3)))
		b.TransferObjects([]sui.Argument{tok}, b.Pure(addr(e.alice)))
	}), e.alice)
	tok := DeriveObjectID(r.Digest, 0)
	tokRef := e.ref(tok)
	r = e.mustSucceed(e.tx(e.alice, e.aliceGas, func(b *sui.ProgrammableBuilder) {
		b.MoveCall(testPkg, "counter", "wrap", nil, b.Object(sui.OwnedObjectArg(tokRef)))
	}), e.alice)
	box := DeriveObjectID(r.Digest, 0)
	if c, ok := changeOf(r, tok); !ok || c.Kind != sui.ChangeWrapped {
		t.Errorf("token change %+v", c)
	}
	if len(r.Wrapped) != 1 || r.Wrapped[0] != tok {
		t.Errorf("wrapped %v", r.Wrapped)
	}
	if _, _, err := e.store.Object(e.ctx, tok); !errors.Is(err, ErrNotFound) {
		t.Error("wrapped token still live")
	}
	r = e.mustSucceed(e.tx(e.alice, e.aliceGas, func(b *sui.ProgrammableBuilder) {
		b.MoveCall(testPkg, "counter", "unwrap", nil, b.Object(sui.OwnedObjectArg(e.ref(box))))
	}), e.alice)
	if c, ok := changeOf(r, tok); !ok || c.Kind != sui.ChangeUnwrapped {
		t.Errorf("token change %+v", c)
	}
	if c, ok := changeOf(r, box); !ok || c.Kind != sui.ChangeDeleted {
		t.Errorf("box change %+v", c)
	}
	if o, ref := e.object(tok); ref.Version != r.Effects.V2.LamportVersion || o.Owner.Address != addr(e.alice) {
		t.Error("unwrapped token")
	}

	// Wrap again, then burn the box and the token inside: UnwrappedThenDeleted.
	r = e.mustSucceed(e.tx(e.alice, e.aliceGas, func(b *sui.ProgrammableBuilder) {
		b.MoveCall(testPkg, "counter", "wrap", nil, b.Object(sui.OwnedObjectArg(e.ref(tok))))
	}), e.alice)
	box = DeriveObjectID(r.Digest, 0)
	r = e.mustSucceed(e.tx(e.alice, e.aliceGas, func(b *sui.ProgrammableBuilder) {
		b.MoveCall(testPkg, "counter", "burn_wrapped", nil, b.Object(sui.OwnedObjectArg(e.ref(box))))
	}), e.alice)
	if c, ok := changeOf(r, tok); !ok || c.Kind != sui.ChangeUnwrappedThenDeleted {
		t.Errorf("token change %+v", c)
	}

	// Created and wrapped in one transaction: Created with no output, left out of the
	// object changes.
	r = e.mustSucceed(e.tx(e.alice, e.aliceGas, func(b *sui.ProgrammableBuilder) {
		tok := b.MoveCall(testPkg, "counter", "mint", nil, b.Pure(uint64(4)))
		b.MoveCall(testPkg, "counter", "wrap", nil, tok)
	}), e.alice)
	inner := DeriveObjectID(r.Digest, 0)
	if c := changedIDs(r)[inner]; c.IDOperation != sui.IDCreated || c.InputState.Exists || c.OutputState.Kind != sui.ObjectNotExist {
		t.Errorf("created-and-wrapped %+v", c)
	}
}

func TestStaleVersionRejected(t *testing.T) {
	e := newEnv(t)
	stale := e.ref(e.aliceCoin)
	e.mustSucceed(e.tx(e.alice, e.aliceGas, func(b *sui.ProgrammableBuilder) {
		b.TransferObjects([]sui.Argument{b.Object(sui.OwnedObjectArg(stale))}, b.Pure(addr(e.alice)))
	}), e.alice)
	current := e.ref(e.aliceCoin)
	n := len(e.store.Transactions())
	_, err := e.exec(e.tx(e.alice, e.aliceGas, func(b *sui.ProgrammableBuilder) {
		b.TransferObjects([]sui.Argument{b.Object(sui.OwnedObjectArg(stale))}, b.Pure(addr(e.bob)))
	}), e.alice)
	var rej *RejectedError
	if !errors.As(err, &rej) || !errors.Is(err, ErrRejected) || rej.Reason != ObjectVersionUnavailableForConsumption || rej.Object != e.aliceCoin {
		t.Fatalf("stale version: %v", err)
	}
	want := "Transaction is rejected as invalid by more than 1/3 of validators by stake (non-retriable). Non-retriable errors: [" +
		"Transaction needs to be rebuilt because object " + e.aliceCoin.String() + " version 0x1 (" + stale.Digest.String() +
		") is unavailable for consumption, current version: " + seq(current.Version) + "]."
	if err.Error() != want {
		t.Errorf("message\n%s\nwant\n%s", err, want)
	}
	if len(e.store.Transactions()) != n || e.ref(e.aliceCoin) != current {
		t.Error("a rejected transaction changed the store")
	}

	// A wrong digest at the right version, and an object that does not exist.
	bad := current
	bad.Digest[0] ^= 1
	_, err = e.exec(e.tx(e.alice, e.aliceGas, func(b *sui.ProgrammableBuilder) {
		b.TransferObjects([]sui.Argument{b.Object(sui.OwnedObjectArg(bad))}, b.Pure(addr(e.bob)))
	}), e.alice)
	if !errors.As(err, &rej) || rej.Reason != InvalidObjectDigest {
		t.Errorf("bad digest: %v", err)
	}
	missing := sui.ObjectRef{ObjectID: walrus.MustParseID("0xdead"), Version: 3, Digest: current.Digest}
	_, err = e.exec(e.tx(e.alice, e.aliceGas, func(b *sui.ProgrammableBuilder) {
		b.TransferObjects([]sui.Argument{b.Object(sui.OwnedObjectArg(missing))}, b.Pure(addr(e.bob)))
	}), e.alice)
	if !errors.As(err, &rej) || rej.Reason != ObjectNotFound || !strings.Contains(err.Error(), "at version Some(SequenceNumber(3))") {
		t.Errorf("missing object: %v", err)
	}
	// A shared object with the wrong initial version, and an owned object passed as shared.
	counter, isv := e.createCounter()
	_, err = e.exec(e.tx(e.alice, e.aliceGas, func(b *sui.ProgrammableBuilder) {
		b.MoveCall(testPkg, "counter", "increment", nil, b.Object(sui.SharedObjectArg(counter, isv+1, true)), b.Pure(uint64(1)))
	}), e.alice)
	if !errors.As(err, &rej) || rej.Reason != SharedObjectStartingVersionMismatch {
		t.Errorf("wrong initial shared version: %v", err)
	}
	_, err = e.exec(e.tx(e.alice, e.aliceGas, func(b *sui.ProgrammableBuilder) {
		b.TransferObjects([]sui.Argument{b.Object(sui.SharedObjectArg(e.aliceCoin, 1, true))}, b.Pure(addr(e.bob)))
	}), e.alice)
	if !errors.As(err, &rej) || rej.Reason != NotSharedObject {
		t.Errorf("owned object as shared: %v", err)
	}
}

func TestObjectOwnedBySomeoneElse(t *testing.T) {
	e := newEnv(t)
	bobCoin := e.ref(e.bobGas)
	_, err := e.exec(e.tx(e.alice, e.aliceGas, func(b *sui.ProgrammableBuilder) {
		b.TransferObjects([]sui.Argument{b.Object(sui.OwnedObjectArg(bobCoin))}, b.Pure(addr(e.alice)))
	}), e.alice)
	var rej *RejectedError
	if !errors.As(err, &rej) || rej.Reason != IncorrectUserSignature {
		t.Fatalf("someone else's object: %v", err)
	}
	want := "Transaction was not signed by the correct sender: Object " + e.bobGas.String() + " is owned by account address " +
		addr(e.bob).String() + ", but given owner/signer address is " + addr(e.alice).String()
	if rej.Detail != want {
		t.Errorf("detail %q\nwant %q", rej.Detail, want)
	}
	// Paying gas with bob's coin.
	txb := e.txBytes(addr(e.alice), addr(e.alice), []sui.ObjectRef{bobCoin}, testBudget, func(b *sui.ProgrammableBuilder) {})
	if _, err := e.exec(txb, e.alice); !errors.As(err, &rej) || rej.Reason != IncorrectUserSignature {
		t.Errorf("gas coin of someone else: %v", err)
	}
	// The gas coin also used as an input.
	_, err = e.exec(e.tx(e.alice, e.aliceGas, func(b *sui.ProgrammableBuilder) {
		b.TransferObjects([]sui.Argument{b.Object(sui.OwnedObjectArg(e.ref(e.aliceGas)))}, b.Pure(addr(e.bob)))
	}), e.alice)
	if !errors.As(err, &rej) || rej.Reason != MutableObjectUsedMoreThanOnce {
		t.Errorf("gas coin as input: %v", err)
	}
	// A child object as input.
	counter, isv := e.createCounter()
	e.mustSucceed(e.tx(e.alice, e.aliceGas, func(b *sui.ProgrammableBuilder) {
		b.MoveCall(testPkg, "counter", "set_field", nil, b.Object(sui.SharedObjectArg(counter, isv, true)), b.Pure(uint64(1)), b.Pure(uint64(1)))
	}), e.alice)
	fid := walrus.DynamicFieldID(counter, walrus.TypeTagU64, u64b(1))
	_, err = e.exec(e.tx(e.alice, e.aliceGas, func(b *sui.ProgrammableBuilder) {
		b.TransferObjects([]sui.Argument{b.Object(sui.OwnedObjectArg(e.ref(fid)))}, b.Pure(addr(e.bob)))
	}), e.alice)
	if !errors.As(err, &rej) || rej.Reason != InvalidChildObjectArgument {
		t.Errorf("child object as input: %v", err)
	}
}

func TestWrongSigner(t *testing.T) {
	e := newEnv(t)
	txb := e.tx(e.alice, e.aliceGas, func(b *sui.ProgrammableBuilder) {
		b.TransferObjects([]sui.Argument{b.Object(sui.OwnedObjectArg(e.ref(e.aliceCoin)))}, b.Pure(addr(e.bob)))
	})
	var se *SignatureError
	_, err := e.exec(txb, e.bob)
	if !errors.As(err, &se) || !errors.Is(err, ErrInvalidSignature) || se.Kind != SignerSignatureAbsent {
		t.Fatalf("signed by bob: %v", err)
	}
	if want := "Invalid user signature: Required Signature from " + addr(e.alice).String() + " is absent [\"" + addr(e.bob).String() + "\"]"; err.Error() != want {
		t.Errorf("message %q\nwant %q", err, want)
	}
	_, err = e.exec(txb)
	if !errors.As(err, &se) || se.Kind != SignerSignatureNumberMismatch || err.Error() != "Invalid user signature: Expect 1 signer signatures but got 0" {
		t.Errorf("no signature: %v", err)
	}
	_, err = e.exec(txb, e.alice, e.alice)
	if !errors.As(err, &se) || se.Kind != SignerSignatureNumberMismatch {
		t.Errorf("two signatures: %v", err)
	}
	// Alice's key over other bytes: her address, but the signature does not verify.
	sig := e.alice.SignTransaction(append([]byte{0}, txb...))
	_, err = e.ex.Execute(e.ctx, txb, [][]byte{sig})
	if !errors.As(err, &se) || se.Kind != InvalidSignature || !errors.Is(err, keys.ErrInvalidSignature) {
		t.Errorf("bad signature: %v", err)
	}
	// A personal-message signature is not a transaction signature.
	_, err = e.ex.Execute(e.ctx, txb, [][]byte{e.alice.SignPersonalMessage(txb)})
	if !errors.As(err, &se) || se.Kind != InvalidSignature {
		t.Errorf("personal message signature: %v", err)
	}
	// A secp256k1 flag.
	bad := e.alice.SignTransaction(txb)
	bad[0] = keys.FlagSecp256k1
	if _, err = e.ex.Execute(e.ctx, txb, [][]byte{bad}); !errors.As(err, &se) || !errors.Is(err, keys.ErrUnsupportedScheme) {
		t.Errorf("secp256k1 flag: %v", err)
	}
	if len(e.store.Transactions()) != 0 {
		t.Error("mis-signed transactions were committed")
	}

	// Sponsored: alice sends, bob pays; both must sign, in any order.
	stx := e.txBytes(addr(e.alice), addr(e.bob), []sui.ObjectRef{e.ref(e.bobGas)}, testBudget, func(b *sui.ProgrammableBuilder) {
		b.TransferObjects([]sui.Argument{b.Object(sui.OwnedObjectArg(e.ref(e.aliceCoin)))}, b.Pure(addr(e.carol)))
	})
	if _, err := e.exec(stx, e.alice); !errors.As(err, &se) || se.Expected != 2 {
		t.Errorf("sponsored with one signature: %v", err)
	}
	if _, err := e.exec(stx, e.alice, e.carol); !errors.As(err, &se) || se.Signer != addr(e.bob) {
		t.Errorf("sponsored signed by the wrong sponsor: %v", err)
	}
	r := e.mustSucceed(stx, e.bob, e.alice)
	if gas, _, _ := r.Effects.V2.GasObject(); gas.ObjectID != e.bobGas {
		t.Error("sponsor's gas not charged")
	}
	if e.balance(e.aliceGas) != aliceStartBalance {
		t.Error("sender's gas charged in a sponsored transaction")
	}
}

func TestInsufficientGas(t *testing.T) {
	e := newEnv(t)
	coin := e.ref(e.aliceCoin)
	// The minimum budget (1000 × price) cannot exceed the computation cost of even a
	// single command (2000 units): InsufficientGas, the whole budget charged.
	budget := uint64(1000 * testGasPrice)
	txb := e.txBytes(addr(e.alice), addr(e.alice), []sui.ObjectRef{e.ref(e.aliceGas)}, budget, func(b *sui.ProgrammableBuilder) {
		b.TransferObjects([]sui.Argument{b.Object(sui.OwnedObjectArg(coin))}, b.Pure(addr(e.bob)))
	})
	before := e.balance(e.aliceGas)
	r := e.mustExec(txb, e.alice)
	f := r.Status().Failure
	if f == nil || f.Error.Kind != sui.ExecInsufficientGas || f.Command != nil {
		t.Fatalf("status %v", r.Status().Err())
	}
	g := r.Effects.V2.GasUsed
	if g.ComputationCost != budget {
		t.Errorf("computation %d, want the budget", g.ComputationCost)
	}
	if o, _ := e.object(e.aliceCoin); o.Owner.Address != addr(e.alice) {
		t.Error("transfer not reverted")
	}
	if c := changedIDs(r)[e.aliceCoin]; c.OutputState.Owner.Address != addr(e.alice) || c.InputState.Version != coin.Version {
		t.Errorf("coin (a mutable input) must be bumped unchanged: %+v", c)
	}
	if got := e.balance(e.aliceGas); got != before-uint64(g.NetCost()) {
		t.Errorf("gas balance %d", got)
	}

	// Storage that does not fit: computation fits (2000 units) but minting many objects
	// does not; everything but gas is reverted and InsufficientGas reported.
	txb = e.txBytes(addr(e.alice), addr(e.alice), []sui.ObjectRef{e.ref(e.aliceGas)}, 3_000_000, func(b *sui.ProgrammableBuilder) {
		coins := b.SplitCoins(b.Gas(), b.Pure(uint64(1)), b.Pure(uint64(1)), b.Pure(uint64(1)))
		b.TransferObjects(coins, b.Pure(addr(e.bob)))
	})
	r = e.mustExec(txb, e.alice)
	if f := r.Status().Failure; f == nil || f.Error.Kind != sui.ExecInsufficientGas {
		t.Fatalf("storage out of gas: %v", r.Status().Err())
	}
	if len(r.Effects.V2.ChangedObjects) != 1 || r.Effects.V2.GasUsed.ComputationCost != 2_000_000 {
		t.Errorf("storage out of gas effects %+v", r.Effects.V2.GasUsed)
	}

	// Rejected before execution: balance below budget, price under the reference price.
	txb = e.txBytes(addr(e.alice), addr(e.alice), []sui.ObjectRef{e.ref(e.aliceGas2)}, 2_000_000, func(b *sui.ProgrammableBuilder) {})
	var rej *RejectedError
	if _, err := e.exec(txb, e.alice); !errors.As(err, &rej) || rej.Reason != GasBalanceTooLow ||
		rej.Detail != "Balance of gas object 1000 is lower than the needed amount: 2000000" {
		t.Errorf("balance too low: %v", err)
	}
	b := sui.NewProgrammableBuilder()
	pt, _ := b.Finish()
	td := sui.NewTransactionData(addr(e.alice), pt, sui.GasData{Payment: []sui.ObjectRef{e.ref(e.aliceGas)}, Owner: addr(e.alice), Price: 999, Budget: testBudget})
	if _, err := e.exec(td.Bytes(), e.alice); !errors.As(err, &rej) || rej.Reason != GasPriceUnderRGP {
		t.Errorf("price under RGP: %v", err)
	}
	// A coin that is not SUI cannot pay for gas.
	var g2 Genesis
	g2.next = 1000
	wal := g2.Coin(sui.StructOf(testPkg, "wal", "WAL"), addr(e.alice), 1<<40)
	if err := e.store.Insert(g2.Objects...); err != nil {
		t.Fatal(err)
	}
	txb = e.txBytes(addr(e.alice), addr(e.alice), []sui.ObjectRef{e.ref(wal)}, testBudget, func(b *sui.ProgrammableBuilder) {})
	if _, err := e.exec(txb, e.alice); !errors.As(err, &rej) || rej.Reason != InvalidGasObject {
		t.Errorf("WAL as gas: %v", err)
	}
}

func TestFailedTransactionChargesGasAndRevertsTheRest(t *testing.T) {
	e := newEnv(t)
	counter, isv := e.createCounter()
	_, cref := e.object(counter)
	coin := e.ref(e.aliceCoin)
	before := e.balance(e.aliceGas)
	r := e.mustExec(e.tx(e.alice, e.aliceGas, func(b *sui.ProgrammableBuilder) {
		c := b.Object(sui.SharedObjectArg(counter, isv, true))
		b.MoveCall(testPkg, "counter", "increment", nil, c, b.Pure(uint64(3)))
		coins := b.SplitCoins(b.Gas(), b.Pure(uint64(1_000_000)))
		b.TransferObjects([]sui.Argument{coins[0], b.Object(sui.OwnedObjectArg(coin))}, b.Pure(addr(e.bob)))
		b.MoveCall(testPkg, "counter", "mint", nil, b.Pure(uint64(9)))
		b.MoveCall(testPkg, "counter", "increment", nil, c, b.Pure(uint64(0)))
	}), e.alice)
	if a := r.Status().MoveAbort(); a == nil || *a.Command != 4 {
		t.Fatalf("status %v", r.Status().Err())
	}
	changed := changedIDs(r)
	if len(changed) != 3 {
		t.Errorf("%d changed objects, want gas, counter and coin (all bumped)", len(changed))
	}
	for id, c := range changed {
		if c.IDOperation != sui.IDNone || !c.InputState.Exists || c.OutputState.Kind != sui.ObjectWrite || !c.InputState.Owner.Equal(&c.OutputState.Owner) {
			t.Errorf("%s: %+v, want mutated in place", id, c)
		}
	}
	co, cref2 := e.object(counter)
	if binary.LittleEndian.Uint64(co.Data.Move.Contents[32:]) != 0 || cref2.Version != r.Effects.V2.LamportVersion || cref2.Version <= cref.Version {
		t.Error("counter increment not reverted, or version not bumped")
	}
	if o, _ := e.object(e.aliceCoin); o.Owner.Address != addr(e.alice) {
		t.Error("coin transfer not reverted")
	}
	// Computation counts every command run up to the abort: 1000 + 3×1000 + 2×100 = 4200
	// units, rounded to 5000.
	g := r.Effects.V2.GasUsed
	if g.ComputationCost != 5_000_000 {
		t.Errorf("computation %d", g.ComputationCost)
	}
	if got := e.balance(e.aliceGas); got != before-uint64(g.NetCost()) {
		t.Errorf("gas %d, want %d", got, before-uint64(g.NetCost()))
	}
	// Storage is charged for the three bumped inputs only (nothing created survives).
	if g.StorageCost != StorageCost(co, DefaultStorageGasPrice)+2*988_000 {
		t.Errorf("storage %+v", g)
	}
}

func TestExecutionErrors(t *testing.T) {
	e := newEnv(t)
	counter, isv := e.createCounter()
	run := func(name string, build func(b *sui.ProgrammableBuilder)) *sui.ExecutionFailure {
		t.Helper()
		r := e.mustExec(e.tx(e.alice, e.aliceGas, build), e.alice)
		f := r.Status().Failure
		if f == nil {
			t.Errorf("%s: succeeded", name)
			return &sui.ExecutionFailure{}
		}
		return f
	}
	argErr := func(name string, f *sui.ExecutionFailure, kind sui.CommandArgumentErrorKind, idx uint16) {
		t.Helper()
		if f.Error.Kind != sui.ExecCommandArgumentError || f.Error.CommandArgument.Kind != kind || f.Error.Index != idx {
			t.Errorf("%s: %s, want %s at %d", name, f.Error.String(), kind, idx)
		}
	}

	f := run("unused coin", func(b *sui.ProgrammableBuilder) { b.SplitCoins(b.Gas(), b.Pure(uint64(1))) })
	if f.Error.Kind != sui.ExecUnusedValueWithoutDrop || f.Error.Index != 0 || f.Error.SecondaryIndex != 0 || f.Command != nil {
		t.Errorf("unused coin: %s", f.Error.String())
	}
	f = run("split too much", func(b *sui.ProgrammableBuilder) {
		c := b.SplitCoins(b.Gas(), b.Pure(uint64(aliceStartBalance)))
		b.TransferObjects(c, b.Pure(addr(e.bob)))
	})
	if f.Error.Kind != sui.ExecInsufficientCoinBalance || *f.Command != 0 {
		t.Errorf("split beyond balance less budget: %s", f.Error.String())
	}
	argErr("gas by value", run("gas by value", func(b *sui.ProgrammableBuilder) {
		b.MergeCoins(b.Object(sui.OwnedObjectArg(e.ref(e.aliceCoin))), b.Gas())
	}), sui.ArgErrInvalidGasCoinUsage, 1)
	argErr("bad pure", run("bad pure", func(b *sui.ProgrammableBuilder) {
		b.MoveCall(testPkg, "counter", "increment", nil, b.Object(sui.SharedObjectArg(counter, isv, true)), b.PureBCS([]byte{1, 2}))
	}), sui.ArgErrInvalidBCSBytes, 1)
	argErr("type mismatch", run("type mismatch", func(b *sui.ProgrammableBuilder) {
		b.MoveCall(testPkg, "counter", "increment", nil, b.Object(sui.OwnedObjectArg(e.ref(e.aliceCoin))), b.Pure(uint64(1)))
	}), sui.ArgErrTypeMismatch, 0)
	argErr("read-only by mut", run("read-only by mut", func(b *sui.ProgrammableBuilder) {
		b.MoveCall(testPkg, "counter", "increment", nil, b.Object(sui.SharedObjectArg(counter, isv, false)), b.Pure(uint64(1)))
	}), sui.ArgErrInvalidObjectByMutRef, 0)
	argErr("moved twice", run("moved twice", func(b *sui.ProgrammableBuilder) {
		c := b.Object(sui.OwnedObjectArg(e.ref(e.aliceCoin)))
		b.TransferObjects([]sui.Argument{c}, b.Pure(addr(e.bob)))
		b.TransferObjects([]sui.Argument{c}, b.Pure(addr(e.bob)))
	}), sui.ArgErrArgumentWithoutValue, 0)
	argErr("twice in one command", run("twice in one command", func(b *sui.ProgrammableBuilder) {
		c := b.Object(sui.OwnedObjectArg(e.ref(e.aliceCoin)))
		b.MergeCoins(c, c)
	}), sui.ArgErrInvalidValueUsage, 1)
	argErr("result arity", run("result arity", func(b *sui.ProgrammableBuilder) {
		b.SplitCoins(b.Gas(), b.Pure(uint64(1)), b.Pure(uint64(2)))
		b.TransferObjects([]sui.Argument{sui.Result(0)}, b.Pure(addr(e.bob)))
	}), sui.ArgErrInvalidResultArity, 0)
	f = run("transfer without store", func(b *sui.ProgrammableBuilder) {
		b.TransferObjects([]sui.Argument{b.Object(sui.SharedObjectArg(counter, isv, true))}, b.Pure(addr(e.bob)))
	})
	if f.Error.Kind != sui.ExecInvalidTransferObject {
		t.Errorf("transfer of a key-only object: %s", f.Error.String())
	}
	if f := run("unknown function", func(b *sui.ProgrammableBuilder) { b.MoveCall(testPkg, "counter", "nope", nil) }); f.Error.Kind != sui.ExecFunctionNotFound {
		t.Errorf("unknown function: %s", f.Error.String())
	}
	if f := run("arity", func(b *sui.ProgrammableBuilder) { b.MoveCall(testPkg, "counter", "create", nil, b.Pure(uint64(1))) }); f.Error.Kind != sui.ExecArityMismatch {
		t.Errorf("arity: %s", f.Error.String())
	}
	if f := run("type arity", func(b *sui.ProgrammableBuilder) {
		b.MoveCall(testPkg, "counter", "create", []sui.TypeTag{sui.TypeTagU8})
	}); f.Error.Kind != sui.ExecTypeArityMismatch {
		t.Errorf("type arity: %s", f.Error.String())
	}

	// Go-side faults are InvariantViolation with the cause kept.
	for _, fn := range []string{"leak", "boom"} {
		r, err := e.exec(e.tx(e.alice, e.aliceGas, func(b *sui.ProgrammableBuilder) { b.MoveCall(testPkg, "counter", fn, nil) }), e.alice)
		if err != nil || r.Status().Failure == nil || r.Status().Failure.Error.Kind != sui.ExecInvariantViolation || r.Cause == nil {
			t.Errorf("%s: %v", fn, err)
		}
	}

	// Unknown package: rejected before execution.
	_, err := e.exec(e.tx(e.alice, e.aliceGas, func(b *sui.ProgrammableBuilder) { b.MoveCall(walrus.MustParseID("0xbad"), "m", "f", nil) }), e.alice)
	var rej *RejectedError
	if !errors.As(err, &rej) || rej.Reason != ObjectNotFound {
		t.Errorf("unknown package: %v", err)
	}
	// Publish is not supported by the devnet.
	_, err = e.exec(e.tx(e.alice, e.aliceGas, func(b *sui.ProgrammableBuilder) {
		b.Publish([][]byte{{1}}, []walrus.ID{addr1, addr2})
	}), e.alice)
	if !errors.As(err, &rej) || rej.Reason != Unsupported {
		t.Errorf("publish: %v", err)
	}
}

func TestInvalidTransactionBytes(t *testing.T) {
	e := newEnv(t)
	for _, b := range [][]byte{nil, {0}, {0, 1}, bytes.Repeat([]byte{0xff}, 64)} {
		_, err := e.ex.Execute(e.ctx, b, nil)
		var te *TransactionError
		if !errors.As(err, &te) || !errors.Is(err, ErrInvalidTransaction) {
			t.Errorf("%x: %v", b, err)
		}
	}
}

func TestAlreadyExecutedAndSimulate(t *testing.T) {
	e := newEnv(t)
	txb := e.tx(e.alice, e.aliceGas, func(b *sui.ProgrammableBuilder) {
		b.TransferObjects([]sui.Argument{b.Object(sui.OwnedObjectArg(e.ref(e.aliceCoin)))}, b.Pure(addr(e.bob)))
	})
	sim, err := e.ex.Simulate(e.ctx, txb)
	if err != nil || sim.Status().Failure != nil {
		t.Fatalf("simulate: %v", err)
	}
	if len(e.store.Transactions()) != 0 {
		t.Fatal("simulation committed")
	}
	r := e.mustSucceed(txb, e.alice)
	if sim.Effects.Digest() != r.Effects.Digest() {
		t.Error("simulation and execution differ")
	}
	again, err := e.exec(txb, e.alice)
	if err != nil || !again.AlreadyExecuted || again.Effects.Digest() != r.Effects.Digest() {
		t.Errorf("re-execution: %v", err)
	}
	if len(e.store.Transactions()) != 1 {
		t.Error("executed twice")
	}
}

func TestDeterminism(t *testing.T) {
	run := func() []sui.Digest {
		e := newEnv(t)
		var out []sui.Digest
		counter, isv := e.createCounter()
		for i := 0; i < 3; i++ {
			r := e.mustExec(e.tx(e.alice, e.aliceGas, func(b *sui.ProgrammableBuilder) {
				c := b.Object(sui.SharedObjectArg(counter, isv, true))
				b.MoveCall(testPkg, "counter", "increment", nil, c, b.Pure(uint64(i)))
				coins := b.SplitCoins(b.Gas(), b.Pure(uint64(10+i)), b.Pure(uint64(20)))
				b.TransferObjects(coins, b.Pure(addr(e.bob)))
				b.MoveCall(testPkg, "counter", "set_field", nil, c, b.Pure(uint64(i%2)), b.Pure(uint64(i)))
			}), e.alice)
			out = append(out, r.Effects.Digest(), r.Events.Digest())
		}
		return out
	}
	a, b := run(), run()
	if len(a) != len(b) {
		t.Fatal("different lengths")
	}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("effects %d differ: %s vs %s", i, a[i], b[i])
		}
	}
}

func TestRegistry(t *testing.T) {
	reg := NewRegistry()
	coin := sui.CoinType(sui.StructOf(testPkg, "wal", "WAL"))
	if a := reg.AbilitiesOf(coin); a != AbilityKey|AbilityStore {
		t.Errorf("Coin<WAL> %s", a)
	}
	if a := reg.AbilitiesOf(sui.VectorOf(coin)); a != AbilityStore {
		t.Errorf("vector<Coin> %s", a)
	}
	opt := sui.StructOf(addr1, "option", "Option", coin)
	if a := reg.AbilitiesOf(opt); a != AbilityStore {
		t.Errorf("Option<Coin> %s", a)
	}
	if a := reg.AbilitiesOf(sui.TypeTagU64); a != AbilityCopy|AbilityDrop|AbilityStore {
		t.Errorf("u64 %s", a)
	}
	if err := reg.Register(testPkg, "m", "f", Function{Params: []Param{{Pure, TypeParam(1)}}, TypeParams: 1, Call: func(*Call) error { return nil }}); !errors.Is(err, ErrRegistry) {
		t.Error("type parameter out of range accepted")
	}
	if err := reg.RegisterType(testPkg, "m", "K", TypeDef{Abilities: AbilityKey | AbilityDrop}); err == nil {
		t.Error("key + drop accepted")
	}
	got := instantiate(sui.CoinType(TypeParam(0)), []sui.TypeTag{sui.SUIType})
	if want := sui.CoinType(sui.SUIType); !got.Equal(&want) {
		t.Errorf("instantiate: %s", got)
	}
}

func TestPureValidation(t *testing.T) {
	str := sui.StructOf(addr1, "string", "String")
	ascii := sui.StructOf(addr1, "ascii", "String")
	opt := sui.StructOf(addr1, "option", "Option", sui.TypeTagU64)
	for _, c := range []struct {
		t  sui.TypeTag
		b  []byte
		ok bool
	}{
		{sui.TypeTagBool, []byte{1}, true},
		{sui.TypeTagBool, []byte{2}, false},
		{sui.TypeTagU64, u64b(1), true},
		{sui.TypeTagU64, u64b(1)[:7], false},
		{sui.TypeTagU256, make([]byte, 32), true},
		{sui.VectorOf(sui.TypeTagU8), []byte{2, 9, 9}, true},
		{sui.VectorOf(sui.TypeTagU8), []byte{3, 9, 9}, false},
		{sui.VectorOf(sui.TypeTagU64), append([]byte{1}, u64b(5)...), true},
		{str, []byte{2, 0xc3, 0xa9}, true},
		{str, []byte{1, 0xff}, false},
		{ascii, []byte{1, 0x80}, false},
		{opt, []byte{0}, true},
		{opt, append([]byte{1}, u64b(5)...), true},
		{opt, []byte{2}, false},
	} {
		if got := validPure(&c.t, c.b); got != c.ok {
			t.Errorf("%s %x: %v", c.t, c.b, got)
		}
	}
	if isPureType(&counterTag, 0) {
		t.Error("a struct is not pure")
	}
}

func TestImmutableInputAndStoreReads(t *testing.T) {
	e := newEnv(t)
	r := e.mustSucceed(e.tx(e.alice, e.aliceGas, func(b *sui.ProgrammableBuilder) {
		tok := b.MoveCall(testPkg, "counter", "mint", nil, b.Pure(uint64(42)))
		b.MoveCall(testPkg, "counter", "freeze", nil, tok)
	}), e.alice)
	tok := DeriveObjectID(r.Digest, 0)
	o, tref := e.object(tok)
	if o.Owner.Kind != sui.OwnerImmutable {
		t.Fatalf("token owner %s", o.Owner.String())
	}

	// Bob reads the frozen token by reference: it is not changed, but it counts towards the
	// lamport version and the dependencies.
	bobGas := e.ref(e.bobGas)
	r = e.mustSucceed(e.tx(e.bob, e.bobGas, func(b *sui.ProgrammableBuilder) {
		b.MoveCall(testPkg, "counter", "token_value", nil, b.Object(sui.OwnedObjectArg(tref)))
	}), e.bob)
	if _, ok := changedIDs(r)[tok]; ok {
		t.Error("immutable input in changed objects")
	}
	if v2 := r.Effects.V2; v2.LamportVersion != max(tref.Version, bobGas.Version)+1 || len(v2.Dependencies) != 1 || v2.Dependencies[0] != o.PreviousTransaction {
		t.Errorf("lamport %d deps %v", v2.LamportVersion, v2.Dependencies)
	}
	if !bytes.Equal(r.CommandResults[0][0].BCS, u64b(42)) {
		t.Error("token value")
	}
	// ... and cannot take it by value or by &mut.
	f := e.mustExec(e.tx(e.bob, e.bobGas, func(b *sui.ProgrammableBuilder) {
		b.TransferObjects([]sui.Argument{b.Object(sui.OwnedObjectArg(tref))}, b.Pure(addr(e.bob)))
	}), e.bob).Status().Failure
	if f == nil || f.Error.CommandArgument.Kind != sui.ArgErrInvalidObjectByValue {
		t.Errorf("immutable by value: %+v", f)
	}

	// Store reads: paging through alice's coins, rpc objects, balances.
	suiCoin := sui.CoinType(sui.SUIType).Struct.String()
	var all []*sui.Object
	var cursor []byte
	for {
		page, next, err := e.store.OwnedObjects(e.ctx, addr(e.alice), "0x0000000000000000000000000000000000000000000000000000000000000002::coin::Coin", cursor, 1)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, page...)
		if next == nil {
			break
		}
		cursor = next
	}
	if len(all) != 3 {
		t.Errorf("alice owns %d coins", len(all))
	}
	if _, _, err := e.store.OwnedObjects(e.ctx, addr(e.alice), suiCoin, []byte{1}, 1); err == nil {
		t.Error("bad cursor accepted")
	}
	bal, err := e.store.CoinBalance(e.ctx, addr(e.alice), sui.SUIType)
	if err != nil || bal != e.balance(e.aliceGas)+1_000+5_000 {
		t.Errorf("alice's SUI balance %d: %v", bal, err)
	}
	ro := RPCObject(o)
	if ro.ID != tok || ro.Version != tref.Version || ro.Digest != tref.Digest || ro.Owner.Kind != 4 || ro.Balance != nil ||
		ro.Type != tokenType.String() || !bytes.Equal(ro.Contents, o.Data.Move.Contents) {
		t.Errorf("rpc object %+v", ro)
	}
	if rc := RPCObject(e.mustObject(e.aliceGas)); rc.Balance == nil || *rc.Balance != e.balance(e.aliceGas) {
		t.Error("rpc coin balance")
	}
	if old, err := e.store.ObjectAt(e.ctx, e.aliceGas, GenesisVersion); err != nil || old.Version() != GenesisVersion {
		t.Errorf("genesis version of the gas coin: %v", err)
	}

	// A commit whose objects are not newer than the store's is refused.
	stale := r.Changes
	stale.Digest = sui.Digest{9}
	if err := e.store.Apply(e.ctx, &stale); err == nil {
		t.Error("stale commit accepted")
	}
}

// failingStore is a MemStore whose reads of one object fail (a broken disk).
type failingStore struct {
	*MemStore
	failOn walrus.ID
}

func (s *failingStore) Object(ctx context.Context, id walrus.ID) (*sui.Object, sui.ObjectRef, error) {
	if id == s.failOn {
		return nil, sui.ObjectRef{}, errors.New("disk on fire")
	}
	return s.MemStore.Object(ctx, id)
}

func TestStoreErrorsAreNotCommitted(t *testing.T) {
	e := newEnv(t)
	counter, isv := e.createCounter()
	fs := &failingStore{MemStore: e.store, failOn: walrus.DynamicFieldID(counter, walrus.TypeTagU64, u64b(1))}
	ex := New(fs, e.reg, Config{ReferenceGasPrice: testGasPrice})
	txb := e.tx(e.alice, e.aliceGas, func(b *sui.ProgrammableBuilder) {
		b.MoveCall(testPkg, "counter", "set_field", nil, b.Object(sui.SharedObjectArg(counter, isv, true)), b.Pure(uint64(1)), b.Pure(uint64(2)))
	})
	n := len(e.store.Transactions())
	if _, err := ex.Execute(e.ctx, txb, [][]byte{e.alice.SignTransaction(txb)}); !errors.Is(err, ErrInternal) {
		t.Errorf("store failure during execution: %v", err)
	}
	fs.failOn = e.aliceGas
	if _, err := ex.Execute(e.ctx, txb, [][]byte{e.alice.SignTransaction(txb)}); !errors.Is(err, ErrInternal) {
		t.Errorf("store failure reading inputs: %v", err)
	}
	ctx, cancel := context.WithCancel(e.ctx)
	cancel()
	if _, err := e.ex.Execute(ctx, txb, [][]byte{e.alice.SignTransaction(txb)}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	if len(e.store.Transactions()) != n {
		t.Error("a transaction was committed")
	}
	e.mustSucceed(txb, e.alice) // and it still executes once the store works
}
