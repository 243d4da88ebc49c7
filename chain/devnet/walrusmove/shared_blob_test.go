package walrusmove

import (
	"errors"
	"reflect"
	"testing"

	"github.com/tuskstore/tusk/chain/devnet/contract"
	"github.com/tuskstore/tusk/chain/devnet/exec"
	"github.com/tuskstore/tusk/chain/sui"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/internal/bcs"
)

// createdSharedBlob finds the SharedBlob a transaction created.
func (e *env) createdSharedBlob(r *exec.Result) walrus.ID {
	e.t.Helper()
	want := e.ids.SharedBlobType()
	for _, ch := range r.Effects.ObjectChanges() {
		if ch.Kind != sui.ChangeCreated {
			continue
		}
		for _, o := range r.Written {
			if id, _ := o.ID(); id == ch.ID && o.Data.Kind == sui.DataMove {
				if st := o.Data.Move.Type.StructTag(); st.Equal(&want) {
					return id
				}
			}
		}
	}
	e.t.Fatal("no SharedBlob created")
	return walrus.ID{}
}

func (e *env) sharedBlob(id walrus.ID) (walrus.SharedBlob, sui.Owner) {
	e.t.Helper()
	o, _ := e.object(id)
	var sb walrus.SharedBlob
	if err := bcs.Unmarshal(o.Data.Move.Contents, &sb); err != nil {
		e.t.Fatal(err)
	}
	return sb, o.Owner
}

// share wraps alice's Blob into a new SharedBlob, funded with a split of her WAL coin
// when funds is positive, and returns the transaction's result.
func (e *env) share(blobID walrus.ID, funds uint64) *exec.Result {
	e.t.Helper()
	return e.mustSucceed(e.tx(e.alice, e.aliceGas, func(b *sui.ProgrammableBuilder) {
		blob := b.Object(sui.OwnedObjectArg(e.ref(blobID)))
		if funds == 0 {
			b.MoveCall(e.ids.WalrusPackage, "shared_blob", "new", nil, blob)
			return
		}
		coin := b.Object(sui.OwnedObjectArg(e.ref(e.aliceWAL)))
		part := b.SplitCoins(coin, b.Pure(funds))[0]
		b.MoveCall(e.ids.WalrusPackage, "shared_blob", "new_funded", nil, blob, part)
	}), e.alice)
}

func TestSharedBlobLifecycle(t *testing.T) {
	e := newEnv(t)
	tb := e.encode(randomData(21, 5000))
	blobID := e.certified(tb, 2, false)
	e.mustSucceed(e.tx(e.alice, e.aliceGas, func(b *sui.ProgrammableBuilder) {
		blob := b.Object(sui.OwnedObjectArg(e.ref(blobID)))
		b.MoveCall(e.ids.WalrusPackage, "blob", "insert_or_update_metadata_pair", nil, blob, b.Pure("content-type"), b.Pure("text/plain"))
	}), e.alice)
	blob := e.blob(blobID)
	fieldID := contract.MetadataFieldID(blobID)
	perEpoch, _ := e.cost(tb.encodedSize, 1)

	// new_funded: the Blob is wrapped into a new shared SharedBlob holding the coin.
	funds := 2*perEpoch + 1
	walBefore := e.walBalance(e.alice)
	r := e.share(blobID, funds)
	shared := e.createdSharedBlob(r)
	if len(r.Events) != 0 {
		t.Errorf("sharing emitted %d events", len(r.Events))
	}
	kinds := changeKinds(r)
	if kinds[blobID] != sui.ChangeWrapped || kinds[shared] != sui.ChangeCreated {
		t.Errorf("changes: blob %s, shared blob %s", kinds[blobID], kinds[shared])
	}
	if _, ok := kinds[fieldID]; ok {
		t.Errorf("sharing touched the attributes field: %s", kinds[fieldID])
	}
	isv := r.Effects.V2.LamportVersion
	sb, owner := e.sharedBlob(shared)
	if owner != sui.SharedOwner(isv) || sb.ID != shared || sb.Funds != funds || !reflect.DeepEqual(sb.Blob, blob) {
		t.Fatalf("shared blob %+v owned by %s", sb, owner.String())
	}
	if _, _, err := e.store.Object(e.ctx, blobID); !errors.Is(err, exec.ErrNotFound) {
		t.Errorf("the wrapped Blob is still a live object: %v", err)
	}
	if _, _, err := e.store.Object(e.ctx, fieldID); err != nil {
		t.Errorf("the attributes field of the wrapped Blob: %v", err)
	}
	if got := walBefore - e.walBalance(e.alice); got != funds {
		t.Errorf("alice paid %d FROST, want the funds %d", got, funds)
	}
	sharedArg := func(b *sui.ProgrammableBuilder) sui.Argument {
		return b.Object(sui.SharedObjectArg(shared, isv, true))
	}

	// fund: anyone adds a coin.
	r = e.mustSucceed(e.tx(e.alice, e.aliceGas, func(b *sui.ProgrammableBuilder) {
		coin := b.Object(sui.OwnedObjectArg(e.ref(e.aliceWAL)))
		part := b.SplitCoins(coin, b.Pure(uint64(500)))[0]
		b.MoveCall(e.ids.WalrusPackage, "shared_blob", "fund", nil, sharedArg(b), part)
	}), e.alice)
	if sb, _ = e.sharedBlob(shared); sb.Funds != funds+500 || len(r.Events) != 0 {
		t.Fatalf("after fund: funds %d, %d events", sb.Funds, len(r.Events))
	}

	// extend: bob, who owns no WAL, extends the blob by 2 epochs with its funds.
	end := blob.Storage.EndEpoch
	r = e.mustSucceed(e.tx(e.bob, e.bobGas, func(b *sui.ProgrammableBuilder) {
		b.MoveCall(e.ids.WalrusPackage, "shared_blob", "extend", nil, sharedArg(b), e.systemArg(b, true), b.Pure(uint32(2)))
	}), e.bob)
	ev := e.event(r, 0, "BlobCertified").(*walrus.BlobCertified)
	if !ev.IsExtension || ev.ObjectID != blobID || ev.EndEpoch != end+2 || len(r.Events) != 1 {
		t.Errorf("extension event %+v (%d events)", ev, len(r.Events))
	}
	sb, _ = e.sharedBlob(shared)
	if sb.Funds != 501 || sb.Blob.Storage.EndEpoch != end+2 {
		t.Fatalf("after extend: funds %d, end epoch %d", sb.Funds, sb.Blob.Storage.EndEpoch)
	}
	// The Coin that carried the funds lived only inside the call: no trace in the effects.
	for _, ch := range r.Effects.ObjectChanges() {
		if ch.ID != shared && ch.ID != e.bobGas && ch.ID != walrus.InnerStateFieldID(e.ids.System, walrus.SystemVersion) && ch.ID != e.ids.System {
			t.Errorf("extend changed object %s (%s)", ch.ID, ch.Kind)
		}
	}

	// Aborts, all system::extend_blob's.
	extend := func(epochs uint32) *exec.Result {
		return e.mustExec(e.tx(e.bob, e.bobGas, func(b *sui.ProgrammableBuilder) {
			b.MoveCall(e.ids.WalrusPackage, "shared_blob", "extend", nil, sharedArg(b), e.systemArg(b, true), b.Pure(epochs))
		}), e.bob)
	}
	if perEpoch <= 501 {
		t.Fatalf("one epoch costs %d FROST: the test needs more than the 501 left", perEpoch)
	}
	wantAbort(t, extend(1), addr2, "balance", "split", contract.ErrNotEnough.Code)
	wantAbort(t, extend(0), e.ids.WalrusPackage, "system_state_inner", "extend_blob", contract.ErrInvalidEpochsAhead.Code)
	wantAbort(t, extend(e.cfg.MaxEpochsAhead), e.ids.WalrusPackage, "system_state_inner", "extend_blob", contract.ErrInvalidEpochsAhead.Code)
	if after, _ := e.sharedBlob(shared); !reflect.DeepEqual(after, sb) {
		t.Errorf("failed extensions changed the shared blob: %+v, was %+v", after, sb)
	}
}

func TestSharedBlobOfUncertifiedBlob(t *testing.T) {
	e := newEnv(t)
	// Move shares any Blob, but only a certified one can be extended.
	blobID := e.registered(e.encode(randomData(22, 300)), 2, true)
	r := e.share(blobID, 0)
	shared := e.createdSharedBlob(r)
	sb, _ := e.sharedBlob(shared)
	if sb.Funds != 0 || sb.Blob.CertifiedEpoch != nil || !sb.Blob.Deletable {
		t.Fatalf("shared blob %+v", sb)
	}
	r = e.mustExec(e.tx(e.alice, e.aliceGas, func(b *sui.ProgrammableBuilder) {
		b.MoveCall(e.ids.WalrusPackage, "shared_blob", "extend", nil,
			b.Object(sui.SharedObjectArg(shared, r.Effects.V2.LamportVersion, true)), e.systemArg(b, true), b.Pure(uint32(1)))
	}), e.alice)
	wantAbort(t, r, e.ids.WalrusPackage, "blob", "assert_certified_not_expired", contract.ErrNotCertified.Code)
}

func TestSharedBlobFunctionsRegistered(t *testing.T) {
	reg := exec.NewRegistry()
	if err := Register(reg, DefaultIDs()); err != nil {
		t.Fatal(err)
	}
	for name, kinds := range map[string][]exec.ParamKind{
		"new":        {exec.Value},
		"new_funded": {exec.Value, exec.Value},
		"fund":       {exec.MutRef, exec.Value},
		"extend":     {exec.MutRef, exec.MutRef, exec.Pure},
	} {
		f, ok := reg.Function(WalrusPackageID, "shared_blob", name)
		if !ok || len(f.Params) != len(kinds) {
			t.Errorf("shared_blob::%s: registered %v, params %d", name, ok, len(f.Params))
			continue
		}
		for i, k := range kinds {
			if f.Params[i].Kind != k {
				t.Errorf("shared_blob::%s param %d: %s, want %s", name, i, f.Params[i].Kind, k)
			}
		}
	}
	// The accessors return references, which transactions cannot call.
	for _, name := range []string{"blob", "funds"} {
		if _, ok := reg.Function(WalrusPackageID, "shared_blob", name); ok {
			t.Errorf("shared_blob::%s is registered", name)
		}
	}
	if a := reg.AbilitiesOf(sui.TypeTag{Kind: sui.TypeStruct, Struct: ptr(DefaultIDs().SharedBlobType())}); a != exec.AbilityKey|exec.AbilityStore {
		t.Errorf("SharedBlob abilities %s", a)
	}
}
