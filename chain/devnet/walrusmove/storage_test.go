package walrusmove

import (
	"bytes"
	"errors"
	"math/rand"
	"strings"
	"testing"

	"github.com/tuskstore/tusk/chain/devnet/contract"
	"github.com/tuskstore/tusk/chain/devnet/exec"
	"github.com/tuskstore/tusk/chain/messages"
	"github.com/tuskstore/tusk/chain/sui"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/internal/bcs"
)

func randomData(seed int64, n int) []byte {
	b := make([]byte, n)
	rand.New(rand.NewSource(seed)).Read(b)
	return b
}

func TestReserveRegisterCertify(t *testing.T) {
	e := newEnv(t)
	tb := e.encode(randomData(1, 100_000))
	const epochs = 5
	storageCost, writeCost := e.cost(tb.encodedSize, epochs)
	cost := storageCost + writeCost
	if cost == 0 {
		t.Fatal("free storage makes this test pointless")
	}
	walBefore := e.walBalance(e.alice)
	innerBefore := e.systemInner()

	r := e.mustSucceed(e.registerPTB(e.alice, e.aliceWAL, tb, epochs, false, cost), e.alice)

	// The BlobRegistered event, decoded with chain/walrus.
	if len(r.Events) != 1 {
		t.Fatalf("%d events", len(r.Events))
	}
	if r.Events[0].TransactionModule != "system" || r.Events[0].Sender != addr(e.alice) {
		t.Errorf("event module %s sender %s", r.Events[0].TransactionModule, r.Events[0].Sender)
	}
	ev := e.event(r, 0, "BlobRegistered").(*walrus.BlobRegistered)
	blobID := e.createdBlob(r)
	want := walrus.BlobRegistered{Epoch: DefaultEpoch, BlobID: tb.id, Size: tb.size, EncodingType: uint8(encoding.RS2), EndEpoch: DefaultEpoch + epochs, Deletable: false, ObjectID: blobID}
	if *ev != want {
		t.Errorf("BlobRegistered %+v, want %+v", *ev, want)
	}
	if !bytes.Equal(r.Events[0].Contents, bcs.Marshal(&want)) {
		t.Error("BlobRegistered bytes differ from chain/walrus's BCS")
	}

	// The WAL paid is exactly the cost; the payment coin merged back leaves no trace.
	if got := walBefore - e.walBalance(e.alice); got != cost {
		t.Errorf("WAL paid %d, want %d", got, cost)
	}
	if e.balance(e.aliceWAL) != walBefore-cost {
		t.Error("alice's WAL coin")
	}

	// The Blob is alice's, holds the Storage, which is wrapped (not an object any more).
	o, _ := e.object(blobID)
	if o.Owner != sui.AddressOwned(addr(e.alice)) || !o.Data.Move.HasPublicTransfer {
		t.Errorf("Blob owner %s", o.Owner.String())
	}
	b := e.blob(blobID)
	if b.BlobID != tb.id || b.Size != tb.size || b.RegisteredEpoch != DefaultEpoch || b.CertifiedEpoch != nil || b.Deletable ||
		b.Storage.StartEpoch != DefaultEpoch || b.Storage.EndEpoch != DefaultEpoch+epochs || b.Storage.StorageSize != tb.encodedSize {
		t.Errorf("Blob %+v", b)
	}
	if _, _, err := e.store.Object(e.ctx, b.Storage.ID); !errors.Is(err, exec.ErrNotFound) {
		t.Errorf("the wrapped Storage is still an object: %v", err)
	}
	var sawStorage bool
	for _, ch := range r.Effects.ObjectChanges() {
		if ch.ID == b.Storage.ID {
			sawStorage = true
		}
	}
	if sawStorage {
		t.Error("a Storage created and wrapped in one transaction shows in the effects")
	}

	// The System's accounting: used capacity, and the payments in the rewards.
	inner := e.systemInner()
	if inner.UsedCapacitySize != innerBefore.UsedCapacitySize+tb.encodedSize {
		t.Errorf("used capacity %d", inner.UsedCapacitySize)
	}
	perEpoch := storageCost / epochs
	for i := uint32(0); i < epochs+1; i++ {
		a, _ := contract.RingLookup(&inner.FutureAccounting, i)
		a0, _ := contract.RingLookup(&innerBefore.FutureAccounting, i)
		var want uint64
		switch {
		case i == 0:
			want = perEpoch + writeCost
		case i < epochs:
			want = perEpoch
		}
		if a.RewardsToDistribute-a0.RewardsToDistribute != want {
			t.Errorf("epoch +%d rewards grew by %d, want %d", i, a.RewardsToDistribute-a0.RewardsToDistribute, want)
		}
		if wantUsed := map[bool]uint64{true: tb.encodedSize, false: 0}[i < epochs]; a.UsedCapacity-a0.UsedCapacity != wantUsed {
			t.Errorf("epoch +%d used capacity grew by %d", i, a.UsedCapacity-a0.UsedCapacity)
		}
	}
	// The inner state's field was mutated (as a dynamic field of the System).
	fieldID := walrus.InnerStateFieldID(e.ids.System, walrus.SystemVersion)
	var mutated bool
	for _, ch := range r.Effects.ObjectChanges() {
		if ch.ID == fieldID && ch.Kind == sui.ChangeMutated {
			mutated = true
		}
	}
	if !mutated {
		t.Error("the inner state field is not mutated in the effects")
	}

	// Certify with the genesis nodes' keys.
	sig, bitmap, msg := e.certificate(e.allSigners(), DefaultEpoch, tb.id, messages.Permanent())
	r = e.mustSucceed(e.certifyTx(e.alice, blobID, sig, bitmap, msg), e.alice)
	cev := e.event(r, 0, "BlobCertified").(*walrus.BlobCertified)
	wantCert := walrus.BlobCertified{Epoch: DefaultEpoch, BlobID: tb.id, EndEpoch: DefaultEpoch + epochs, ObjectID: blobID}
	if *cev != wantCert {
		t.Errorf("BlobCertified %+v, want %+v", *cev, wantCert)
	}
	if b := e.blob(blobID); b.CertifiedEpoch == nil || *b.CertifiedEpoch != DefaultEpoch {
		t.Error("the blob is not certified")
	}
	// certify_blob takes &System: the inner state is untouched.
	for _, ch := range r.Effects.ObjectChanges() {
		if ch.ID == fieldID {
			t.Error("certify_blob changed the System's inner state")
		}
	}

	// A replayed certificate: EAlreadyCertified.
	r = e.mustExec(e.certifyTx(e.alice, blobID, sig, bitmap, msg), e.alice)
	wantAbort(t, r, e.ids.WalrusPackage, "blob", "certify_with_certified_msg", contract.ErrAlreadyCertified.Code)
}

func TestRegisterPayingWithTheCoinDirectly(t *testing.T) {
	// The Walrus client passes its (merged) WAL coin as the payment of both calls.
	e := newEnv(t)
	tb := e.encode(randomData(2, 3000))
	s, w := e.cost(tb.encodedSize, 2)
	before := e.balance(e.aliceWAL)
	r := e.mustSucceed(e.tx(e.alice, e.aliceGas, func(b *sui.ProgrammableBuilder) {
		sys := e.systemArg(b, true)
		coin := b.Object(sui.OwnedObjectArg(e.ref(e.aliceWAL)))
		storage := b.MoveCall(e.ids.WalrusPackage, "system", "reserve_space", nil, sys, b.Pure(tb.encodedSize), b.Pure(uint32(2)), coin)
		blob := b.MoveCall(e.ids.WalrusPackage, "system", "register_blob", nil,
			sys, storage, b.Pure(walrus.U256(tb.id)), b.Pure(tb.root), b.Pure(tb.size), b.Pure(uint8(1)), b.Pure(true), coin)
		b.TransferObjects([]sui.Argument{blob}, b.Pure(addr(e.alice)))
	}), e.alice)
	if got := before - e.balance(e.aliceWAL); got != s+w {
		t.Errorf("paid %d, want %d", got, s+w)
	}
	ev := e.event(r, 0, "BlobRegistered").(*walrus.BlobRegistered)
	if !ev.Deletable || ev.ObjectID != e.createdBlob(r) {
		t.Errorf("event %+v", ev)
	}
}

func TestRegisterFailures(t *testing.T) {
	e := newEnv(t)
	tb := e.encode(randomData(3, 50_000))
	s, w := e.cost(tb.encodedSize, 3)

	check := func(name string, txb []byte, module, function string, code uint64, pkg walrus.ID) {
		t.Helper()
		walBefore, suiBefore := e.walBalance(e.alice), e.balance(e.aliceGas)
		r := e.mustExec(txb, e.alice)
		wantAbort(t, r, pkg, module, function, code)
		if e.walBalance(e.alice) != walBefore {
			t.Errorf("%s: WAL lost in a failed transaction", name)
		}
		gas := r.Effects.V2.GasUsed
		if paid := suiBefore - e.balance(e.aliceGas); paid == 0 || paid != gas.ComputationCost+gas.StorageCost-gas.StorageRebate {
			t.Errorf("%s: gas paid %d, gas used %+v", name, paid, gas)
		}
	}

	// Not enough WAL for the write price: sui::balance::split aborts with ENotEnough (2).
	check("insufficient WAL", e.registerPTB(e.alice, e.aliceWAL, tb, 3, false, s+w-1), "balance", "split", 2, walrus.MustParseID("0x2"))
	// Not even enough for the storage.
	check("no WAL for storage", e.registerPTB(e.alice, e.aliceWAL, tb, 3, false, s-1), "balance", "split", 2, walrus.MustParseID("0x2"))

	// A blob ID not derived from the root hash: blob::new EInvalidBlobId.
	bad := tb
	bad.id[0] ^= 1
	check("wrong blob ID", e.registerPTB(e.alice, e.aliceWAL, bad, 3, false, s+w), "blob", "new", contract.ErrInvalidBlobID.Code, e.ids.WalrusPackage)
	// Storage smaller than the encoded blob: blob::new EResourceSize.
	small := tb
	small.encodedSize--
	check("storage too small", e.registerPTB(e.alice, e.aliceWAL, small, 3, false, s+w), "blob", "new", contract.ErrResourceSize.Code, e.ids.WalrusPackage)
	// Zero epochs: system_state_inner::reserve_space EInvalidEpochsAhead; too many the same.
	check("0 epochs", e.registerPTB(e.alice, e.aliceWAL, tb, 0, false, s+w), "system_state_inner", "reserve_space", contract.ErrInvalidEpochsAhead.Code, e.ids.WalrusPackage)
	check("too many epochs", e.registerPTB(e.alice, e.aliceWAL, tb, e.cfg.MaxEpochsAhead+1, false, s+w), "system_state_inner", "reserve_space", contract.ErrInvalidEpochsAhead.Code, e.ids.WalrusPackage)
	// A bad encoding type: encoding::encoded_blob_length EInvalidEncodingType.
	r := e.mustExec(e.tx(e.alice, e.aliceGas, func(b *sui.ProgrammableBuilder) {
		sys := e.systemArg(b, true)
		coin := b.Object(sui.OwnedObjectArg(e.ref(e.aliceWAL)))
		storage := b.MoveCall(e.ids.WalrusPackage, "system", "reserve_space", nil, sys, b.Pure(tb.encodedSize), b.Pure(uint32(1)), coin)
		blob := b.MoveCall(e.ids.WalrusPackage, "system", "register_blob", nil,
			sys, storage, b.Pure(walrus.U256(tb.id)), b.Pure(tb.root), b.Pure(tb.size), b.Pure(uint8(0)), b.Pure(false), coin)
		b.TransferObjects([]sui.Argument{blob}, b.Pure(addr(e.alice)))
	}), e.alice)
	wantAbort(t, r, e.ids.WalrusPackage, "encoding", "encoded_blob_length", contract.ErrInvalidEncodingType.Code)
	if c := r.Status().MoveAbort().Command; c == nil || *c != 1 {
		t.Errorf("failing command %v, want 1", c)
	}

	// Nothing was registered or paid for by the failures.
	if inner := e.systemInner(); inner.UsedCapacitySize != 0 {
		t.Errorf("used capacity %d after failures", inner.UsedCapacitySize)
	}
}

func TestWrongSignerRejected(t *testing.T) {
	e := newEnv(t)
	tb := e.encode(randomData(4, 1000))
	s, w := e.cost(tb.encodedSize, 1)
	txb := e.registerPTB(e.alice, e.aliceWAL, tb, 1, false, s+w)
	gasRef, walRef := e.ref(e.aliceGas), e.ref(e.aliceWAL)
	_, err := e.exec(txb, e.bob)
	var sigErr *exec.SignatureError
	if !errors.As(err, &sigErr) || !errors.Is(err, exec.ErrInvalidSignature) {
		t.Fatalf("signed by bob: %v, want a signature error", err)
	}
	if e.ref(e.aliceGas) != gasRef || e.ref(e.aliceWAL) != walRef || len(e.store.Transactions()) != 0 {
		t.Error("a rejected transaction changed the store")
	}
	// Signed by alice it goes through.
	e.mustSucceed(txb, e.alice)
}

func TestCertifyFailures(t *testing.T) {
	e := newEnv(t)
	tb := e.encode(randomData(5, 20_000))
	blobID := e.registered(tb, 4, true)
	committee := e.systemInner().Committee

	// Below quorum: the lightest member alone.
	light := 0
	for i, m := range committee.Members {
		if m.Weight < committee.Members[light].Weight {
			light = i
		}
	}
	sig, bitmap, msg := e.certificate([]int{light}, DefaultEpoch, tb.id, messages.Deletable(blobID))
	r := e.mustExec(e.certifyTx(e.alice, blobID, sig, bitmap, msg), e.alice)
	wantAbort(t, r, e.ids.WalrusPackage, "bls_aggregate", "verify_certificate_and_weight", contract.ErrNotEnoughStake.Code)

	// A quorum whose signature does not match the bitmap (one signer left out of the
	// aggregate): ESigVerification.
	all := e.allSigners()
	sig, _, msg = e.certificate(all[1:], DefaultEpoch, tb.id, messages.Deletable(blobID))
	_, fullBitmap, _ := e.certificate(all, DefaultEpoch, tb.id, messages.Deletable(blobID))
	r = e.mustExec(e.certifyTx(e.alice, blobID, sig, fullBitmap, msg), e.alice)
	wantAbort(t, r, e.ids.WalrusPackage, "bls_aggregate", "verify_certificate_and_weight", contract.ErrSigVerification.Code)

	// A certificate for another blob ID: blob::certify_with_certified_msg EInvalidBlobId.
	other := tb.id
	other[3] ^= 0xff
	sig, bitmap, msg = e.certificate(all, DefaultEpoch, other, messages.Deletable(blobID))
	r = e.mustExec(e.certifyTx(e.alice, blobID, sig, bitmap, msg), e.alice)
	wantAbort(t, r, e.ids.WalrusPackage, "blob", "certify_with_certified_msg", contract.ErrInvalidBlobID.Code)

	// A permanent certificate for a deletable blob: EInvalidBlobPersistenceType.
	sig, bitmap, msg = e.certificate(all, DefaultEpoch, tb.id, messages.Permanent())
	r = e.mustExec(e.certifyTx(e.alice, blobID, sig, bitmap, msg), e.alice)
	wantAbort(t, r, e.ids.WalrusPackage, "blob", "certify_with_certified_msg", contract.ErrInvalidBlobPersistenceType.Code)

	// A deletable certificate naming another object: EInvalidBlobObject.
	sig, bitmap, msg = e.certificate(all, DefaultEpoch, tb.id, messages.Deletable(e.ids.System))
	r = e.mustExec(e.certifyTx(e.alice, blobID, sig, bitmap, msg), e.alice)
	wantAbort(t, r, e.ids.WalrusPackage, "blob", "certify_with_certified_msg", contract.ErrInvalidBlobObject.Code)

	// A certificate of another epoch: messages::new_certified_message EIncorrectEpoch.
	sig, bitmap, msg = e.certificate(all, DefaultEpoch+1, tb.id, messages.Deletable(blobID))
	r = e.mustExec(e.certifyTx(e.alice, blobID, sig, bitmap, msg), e.alice)
	wantAbort(t, r, e.ids.WalrusPackage, "messages", "new_certified_message", contract.ErrIncorrectEpoch.Code)

	// A too long bitmap: EInvalidBitmap.
	sig, bitmap, msg = e.certificate(all, DefaultEpoch, tb.id, messages.Deletable(blobID))
	r = e.mustExec(e.certifyTx(e.alice, blobID, sig, append(bitmap, 0), msg), e.alice)
	wantAbort(t, r, e.ids.WalrusPackage, "bls_aggregate", "verify_certificate_and_weight", contract.ErrInvalidBitmap.Code)

	// Still certifiable with the right certificate, by a quorum only.
	quorum := quorumOf(committee)
	sig, bitmap, msg = e.certificate(quorum, DefaultEpoch, tb.id, messages.Deletable(blobID))
	r = e.mustSucceed(e.certifyTx(e.alice, blobID, sig, bitmap, msg), e.alice)
	if ev := e.event(r, 0, "BlobCertified").(*walrus.BlobCertified); !ev.Deletable || ev.ObjectID != blobID {
		t.Errorf("BlobCertified %+v", ev)
	}
}

// quorumOf picks the heaviest members until they form a quorum.
func quorumOf(c walrus.BlsCommittee) []int {
	idx := make([]int, len(c.Members))
	for i := range idx {
		idx[i] = i
	}
	for i := range idx { // sort by weight, descending
		for j := i + 1; j < len(idx); j++ {
			if c.Members[idx[j]].Weight > c.Members[idx[i]].Weight {
				idx[i], idx[j] = idx[j], idx[i]
			}
		}
	}
	var w uint64
	for n, i := range idx {
		w += uint64(c.Members[i].Weight)
		if c.IsQuorum(w) {
			return idx[:n+1]
		}
	}
	return idx
}

func TestExtendBlob(t *testing.T) {
	e := newEnv(t)
	tb := e.encode(randomData(6, 10_000))
	blobID := e.certified(tb, 2, false)
	end := DefaultEpoch + 2

	// extend_blob by 3 epochs, paid from a split of the WAL coin.
	storageCost, _ := e.cost(tb.encodedSize, 3)
	before := e.walBalance(e.alice)
	r := e.mustSucceed(e.tx(e.alice, e.aliceGas, func(b *sui.ProgrammableBuilder) {
		sys := e.systemArg(b, true)
		coin := b.Object(sui.OwnedObjectArg(e.ref(e.aliceWAL)))
		pay := b.SplitCoins(coin, b.Pure(storageCost))[0]
		blob := b.Object(sui.OwnedObjectArg(e.ref(blobID)))
		b.MoveCall(e.ids.WalrusPackage, "system", "extend_blob", nil, sys, blob, b.Pure(uint32(3)), pay)
		b.MergeCoins(coin, pay)
	}), e.alice)
	if got := before - e.walBalance(e.alice); got != storageCost {
		t.Errorf("extension cost %d, want %d", got, storageCost)
	}
	ev := e.event(r, 0, "BlobCertified").(*walrus.BlobCertified)
	if !ev.IsExtension || ev.EndEpoch != end+3 || ev.Epoch != DefaultEpoch || ev.ObjectID != blobID {
		t.Errorf("extension event %+v", ev)
	}
	if b := e.blob(blobID); b.Storage.EndEpoch != end+3 {
		t.Errorf("end epoch %d", b.Storage.EndEpoch)
	}
	end += 3

	// extend_blob_with_resource with storage bought for [end, end+2).
	storageCost, _ = e.cost(tb.encodedSize, 2)
	r = e.mustSucceed(e.tx(e.alice, e.aliceGas, func(b *sui.ProgrammableBuilder) {
		sys := e.systemArg(b, true)
		coin := b.Object(sui.OwnedObjectArg(e.ref(e.aliceWAL)))
		ext := b.MoveCall(e.ids.WalrusPackage, "system", "reserve_space_for_epochs", nil, sys, b.Pure(tb.encodedSize), b.Pure(end), b.Pure(end+2), coin)
		blob := b.Object(sui.OwnedObjectArg(e.ref(blobID)))
		b.MoveCall(e.ids.WalrusPackage, "system", "extend_blob_with_resource", nil, sys, blob, ext)
	}), e.alice)
	if ev := e.event(r, 0, "BlobCertified").(*walrus.BlobCertified); !ev.IsExtension || ev.EndEpoch != end+2 {
		t.Errorf("extension event %+v", ev)
	}
	if b := e.blob(blobID); b.Storage.EndEpoch != end+2 || b.Storage.StartEpoch != DefaultEpoch {
		t.Errorf("storage %+v", b.Storage)
	}

	// An extension that does not fit: sizes differ (fuse_periods EIncompatibleAmount).
	r = e.mustExec(e.tx(e.alice, e.aliceGas, func(b *sui.ProgrammableBuilder) {
		sys := e.systemArg(b, true)
		coin := b.Object(sui.OwnedObjectArg(e.ref(e.aliceWAL)))
		ext := b.MoveCall(e.ids.WalrusPackage, "system", "reserve_space_for_epochs", nil, sys, b.Pure(tb.encodedSize+1), b.Pure(end+2), b.Pure(end+3), coin)
		blob := b.Object(sui.OwnedObjectArg(e.ref(blobID)))
		b.MoveCall(e.ids.WalrusPackage, "system", "extend_blob_with_resource", nil, sys, blob, ext)
	}), e.alice)
	wantAbort(t, r, e.ids.WalrusPackage, "storage_resource", "fuse_periods", contract.ErrIncompatibleAmount.Code)

	// Extending an uncertified blob: blob::assert_certified_not_expired ENotCertified.
	other := e.registered(e.encode(randomData(7, 100)), 2, false)
	r = e.mustExec(e.tx(e.alice, e.aliceGas, func(b *sui.ProgrammableBuilder) {
		sys := e.systemArg(b, true)
		coin := b.Object(sui.OwnedObjectArg(e.ref(e.aliceWAL)))
		blob := b.Object(sui.OwnedObjectArg(e.ref(other)))
		b.MoveCall(e.ids.WalrusPackage, "system", "extend_blob", nil, sys, blob, b.Pure(uint32(1)), coin)
	}), e.alice)
	wantAbort(t, r, e.ids.WalrusPackage, "blob", "assert_certified_not_expired", contract.ErrNotCertified.Code)
}

func TestDeleteBlob(t *testing.T) {
	e := newEnv(t)
	tb := e.encode(randomData(8, 4096))
	blobID := e.certified(tb, 3, true)
	storageID := e.blob(blobID).Storage.ID

	// The deletable blob is extended by one epoch first.
	r := e.mustSucceed(e.tx(e.alice, e.aliceGas, func(b *sui.ProgrammableBuilder) {
		sys := e.systemArg(b, true)
		coin := b.Object(sui.OwnedObjectArg(e.ref(e.aliceWAL)))
		blob := b.Object(sui.OwnedObjectArg(e.ref(blobID)))
		b.MoveCall(e.ids.WalrusPackage, "system", "extend_blob", nil, sys, blob, b.Pure(uint32(1)), coin)
	}), e.alice)
	if ev := e.event(r, 0, "BlobCertified").(*walrus.BlobCertified); !ev.IsExtension || !ev.Deletable || ev.EndEpoch != DefaultEpoch+4 {
		t.Errorf("extension %+v", ev)
	}
	usedBefore := e.systemInner().UsedCapacitySize

	// Attributes go with the blob.
	e.mustSucceed(e.tx(e.alice, e.aliceGas, func(b *sui.ProgrammableBuilder) {
		blob := b.Object(sui.OwnedObjectArg(e.ref(blobID)))
		b.MoveCall(e.ids.WalrusPackage, "blob", "insert_or_update_metadata_pair", nil, blob, b.Pure("k"), b.Pure("v"))
	}), e.alice)
	fieldID := contract.MetadataFieldID(blobID)
	e.object(fieldID)

	r = e.mustSucceed(e.tx(e.alice, e.aliceGas, func(b *sui.ProgrammableBuilder) {
		sys := e.systemArg(b, false)
		blob := b.Object(sui.OwnedObjectArg(e.ref(blobID)))
		storage := b.MoveCall(e.ids.WalrusPackage, "system", "delete_blob", nil, sys, blob)
		b.TransferObjects([]sui.Argument{storage}, b.Pure(addr(e.alice)))
	}), e.alice)
	ev := e.event(r, 0, "BlobDeleted").(*walrus.BlobDeleted)
	want := walrus.BlobDeleted{Epoch: DefaultEpoch, BlobID: tb.id, EndEpoch: DefaultEpoch + 4, ObjectID: blobID, WasCertified: true}
	if *ev != want {
		t.Errorf("BlobDeleted %+v, want %+v", *ev, want)
	}
	// Deleting frees no capacity (the Storage lives on).
	if e.systemInner().UsedCapacitySize != usedBefore {
		t.Error("delete_blob changed the used capacity")
	}
	for _, id := range []walrus.ID{blobID, fieldID} {
		if _, _, err := e.store.Object(e.ctx, id); !errors.Is(err, exec.ErrNotFound) {
			t.Errorf("%s still exists after delete_blob: %v", id, err)
		}
	}
	// The Storage is unwrapped, alice's, and can hold a new blob of the same size.
	kinds := map[walrus.ID]sui.ObjectChangeKind{}
	for _, ch := range r.Effects.ObjectChanges() {
		kinds[ch.ID] = ch.Kind
	}
	if kinds[storageID] != sui.ChangeUnwrapped || kinds[blobID] != sui.ChangeDeleted || kinds[fieldID] != sui.ChangeDeleted {
		t.Errorf("changes: storage %s, blob %s, field %s", kinds[storageID], kinds[blobID], kinds[fieldID])
	}
	so, _ := e.object(storageID)
	if so.Owner != sui.AddressOwned(addr(e.alice)) {
		t.Errorf("storage owner %s", so.Owner.String())
	}
	tb2 := e.encode(randomData(9, 4000))
	if tb2.encodedSize > tb.encodedSize {
		t.Fatal("second blob larger than the storage")
	}
	r = e.mustSucceed(e.tx(e.alice, e.aliceGas, func(b *sui.ProgrammableBuilder) {
		sys := e.systemArg(b, true)
		coin := b.Object(sui.OwnedObjectArg(e.ref(e.aliceWAL)))
		storage := b.Object(sui.OwnedObjectArg(e.ref(storageID)))
		blob := b.MoveCall(e.ids.WalrusPackage, "system", "register_blob", nil,
			sys, storage, b.Pure(walrus.U256(tb2.id)), b.Pure(tb2.root), b.Pure(tb2.size), b.Pure(uint8(1)), b.Pure(true), coin)
		b.TransferObjects([]sui.Argument{blob}, b.Pure(addr(e.alice)))
	}), e.alice)
	reg := e.event(r, 0, "BlobRegistered").(*walrus.BlobRegistered)
	if reg.EndEpoch != DefaultEpoch+4 || reg.BlobID != tb2.id {
		t.Errorf("re-registration %+v", reg)
	}
	if kinds := changeKinds(r); kinds[storageID] != sui.ChangeWrapped {
		t.Errorf("storage wrapped again: %s", kinds[storageID])
	}

	// A permanent blob cannot be deleted: blob::delete EBlobNotDeletable.
	perm := e.registered(e.encode(randomData(10, 100)), 1, false)
	r = e.mustExec(e.tx(e.alice, e.aliceGas, func(b *sui.ProgrammableBuilder) {
		sys := e.systemArg(b, false)
		blob := b.Object(sui.OwnedObjectArg(e.ref(perm)))
		storage := b.MoveCall(e.ids.WalrusPackage, "system", "delete_blob", nil, sys, blob)
		b.TransferObjects([]sui.Argument{storage}, b.Pure(addr(e.alice)))
	}), e.alice)
	wantAbort(t, r, e.ids.WalrusPackage, "blob", "delete", contract.ErrBlobNotDeletable.Code)

	// burn destroys the blob and its storage.
	r = e.mustSucceed(e.tx(e.alice, e.aliceGas, func(b *sui.ProgrammableBuilder) {
		blob := b.Object(sui.OwnedObjectArg(e.ref(perm)))
		b.MoveCall(e.ids.WalrusPackage, "blob", "burn", nil, blob)
	}), e.alice)
	permStorage := e.blobFromChanges(r, perm)
	if kinds := changeKinds(r); kinds[perm] != sui.ChangeDeleted || kinds[permStorage] != sui.ChangeUnwrappedThenDeleted {
		t.Errorf("burn changes %v", kinds)
	}
}

func changeKinds(r *exec.Result) map[walrus.ID]sui.ObjectChangeKind {
	kinds := map[walrus.ID]sui.ObjectChangeKind{}
	for _, ch := range r.Effects.ObjectChanges() {
		kinds[ch.ID] = ch.Kind
	}
	return kinds
}

// blobFromChanges returns the Storage ID of the blob as it was before r (from r's inputs).
func (e *env) blobFromChanges(r *exec.Result, blobID walrus.ID) walrus.ID {
	e.t.Helper()
	for _, o := range r.Inputs {
		if id, _ := o.ID(); id == blobID {
			var b walrus.Blob
			if err := bcs.Unmarshal(o.Data.Move.Contents, &b); err != nil {
				e.t.Fatal(err)
			}
			return b.Storage.ID
		}
	}
	e.t.Fatal("blob not among the inputs")
	return walrus.ID{}
}

func TestBlobAttributes(t *testing.T) {
	e := newEnv(t)
	blobID := e.registered(e.encode(randomData(11, 777)), 2, false)
	fieldID := contract.MetadataFieldID(blobID)
	attrsOf := func() walrus.StringMap {
		t.Helper()
		o, _ := e.object(fieldID)
		if o.Owner != sui.ObjectOwned(blobID) {
			t.Fatalf("attributes owner %s", o.Owner.String())
		}
		ft := e.ids.metadataFieldType()
		if st := o.Data.Move.Type.StructTag(); !st.Equal(&ft) {
			t.Fatalf("attributes type %s", st.String())
		}
		var f walrus.BlobMetadataField
		if err := bcs.Unmarshal(o.Data.Move.Contents, &f); err != nil || !bytes.Equal(f.Name, []byte("metadata")) {
			t.Fatalf("attributes: %v", err)
		}
		return f.Value.Metadata
	}
	call := func(fn string, args func(b *sui.ProgrammableBuilder, blob sui.Argument)) *exec.Result {
		return e.mustExec(e.tx(e.alice, e.aliceGas, func(b *sui.ProgrammableBuilder) {
			blob := b.Object(sui.OwnedObjectArg(e.ref(blobID)))
			args(b, blob)
		}), e.alice)
	}
	pair := func(fn, k, v string) *exec.Result {
		return call(fn, func(b *sui.ProgrammableBuilder, blob sui.Argument) {
			b.MoveCall(e.ids.WalrusPackage, "blob", fn, nil, blob, b.Pure(k), b.Pure(v))
		})
	}

	// insert_or_update_metadata_pair creates the field.
	r := pair("insert_or_update_metadata_pair", "content-type", "text/plain")
	if err := r.Status().Err(); err != nil {
		t.Fatal(err)
	}
	if changeKinds(r)[fieldID] != sui.ChangeCreated {
		t.Error("the attributes field was not created")
	}
	pair("insert_or_update_metadata_pair", "owner", "alice")
	r = pair("insert_or_update_metadata_pair", "content-type", "image/png")
	if changeKinds(r)[fieldID] != sui.ChangeMutated {
		t.Error("the attributes field was not mutated")
	}
	if got := attrsOf(); len(got) != 2 || got[0] != (walrus.KeyValue{Key: "owner", Value: "alice"}) || got[1] != (walrus.KeyValue{Key: "content-type", Value: "image/png"}) {
		t.Errorf("attributes %v (an updated key moves to the end)", got)
	}

	// remove_metadata_pair returns the pair; a missing key aborts in sui::vec_map.
	r = call("remove_metadata_pair", func(b *sui.ProgrammableBuilder, blob sui.Argument) {
		b.MoveCall(e.ids.WalrusPackage, "blob", "remove_metadata_pair", nil, blob, b.Pure("owner"))
	})
	if err := r.Status().Err(); err != nil {
		t.Fatal(err)
	}
	if res := r.CommandResults[0]; len(res) != 2 || !bytes.Equal(res[0].BCS, stringBCS("owner")) || !bytes.Equal(res[1].BCS, stringBCS("alice")) {
		t.Errorf("remove_metadata_pair returned %v", res)
	}
	r = call("remove_metadata_pair", func(b *sui.ProgrammableBuilder, blob sui.Argument) {
		b.MoveCall(e.ids.WalrusPackage, "blob", "remove_metadata_pair", nil, blob, b.Pure("owner"))
	})
	wantAbort(t, r, walrus.MustParseID("0x2"), "vec_map", "get_idx", contract.ErrKeyDoesNotExist.Code)

	// remove_metadata_pair_if_exists of a missing key leaves the field untouched.
	r = call("remove_metadata_pair_if_exists", func(b *sui.ProgrammableBuilder, blob sui.Argument) {
		b.MoveCall(e.ids.WalrusPackage, "blob", "remove_metadata_pair_if_exists", nil, blob, b.Pure("nope"))
	})
	if err := r.Status().Err(); err != nil || !bytes.Equal(r.CommandResults[0][0].BCS, []byte{0}) {
		t.Fatalf("remove_metadata_pair_if_exists: %v %v", err, r.CommandResults)
	}
	if _, ok := changeKinds(r)[fieldID]; ok {
		t.Error("an unwritten attributes field is in the effects")
	}

	// add_metadata on a blob with attributes: EDuplicateMetadata.
	r = call("add_metadata", func(b *sui.ProgrammableBuilder, blob sui.Argument) {
		md := b.MoveCall(e.ids.WalrusPackage, "metadata", "new", nil)
		b.MoveCall(e.ids.WalrusPackage, "blob", "add_metadata", nil, blob, md)
	})
	wantAbort(t, r, e.ids.WalrusPackage, "blob", "add_metadata", contract.ErrDuplicateMetadata.Code)

	// take_metadata removes them (the returned Metadata has drop).
	r = call("take_metadata", func(b *sui.ProgrammableBuilder, blob sui.Argument) {
		b.MoveCall(e.ids.WalrusPackage, "blob", "take_metadata", nil, blob)
	})
	if err := r.Status().Err(); err != nil {
		t.Fatal(err)
	}
	if changeKinds(r)[fieldID] != sui.ChangeDeleted {
		t.Error("take_metadata did not delete the field")
	}
	r = call("take_metadata", func(b *sui.ProgrammableBuilder, blob sui.Argument) {
		b.MoveCall(e.ids.WalrusPackage, "blob", "take_metadata", nil, blob)
	})
	wantAbort(t, r, e.ids.WalrusPackage, "blob", "take_metadata", contract.ErrMissingMetadata.Code)

	// The client's path: metadata::new, insert_or_update, blob::add_metadata in one PTB.
	r = call("add_metadata", func(b *sui.ProgrammableBuilder, blob sui.Argument) {
		md := b.MoveCall(e.ids.WalrusPackage, "metadata", "new", nil)
		b.MoveCall(e.ids.WalrusPackage, "metadata", "insert_or_update", nil, md, b.Pure("a"), b.Pure("1"))
		b.MoveCall(e.ids.WalrusPackage, "metadata", "insert_or_update", nil, md, b.Pure("b"), b.Pure("2"))
		b.MoveCall(e.ids.WalrusPackage, "metadata", "insert_or_update", nil, md, b.Pure("a"), b.Pure("3"))
		b.MoveCall(e.ids.WalrusPackage, "blob", "add_metadata", nil, blob, md)
	})
	if err := r.Status().Err(); err != nil {
		t.Fatal(err)
	}
	if got := attrsOf(); len(got) != 2 || got[0] != (walrus.KeyValue{Key: "b", Value: "2"}) || got[1] != (walrus.KeyValue{Key: "a", Value: "3"}) {
		t.Errorf("attributes %v", got)
	}
	// add_or_replace_metadata returns the old ones and keeps the field (mutated).
	r = call("add_or_replace_metadata", func(b *sui.ProgrammableBuilder, blob sui.Argument) {
		md := b.MoveCall(e.ids.WalrusPackage, "metadata", "new", nil)
		b.MoveCall(e.ids.WalrusPackage, "metadata", "insert_or_update", nil, md, b.Pure("c"), b.Pure("4"))
		b.MoveCall(e.ids.WalrusPackage, "blob", "add_or_replace_metadata", nil, blob, md)
	})
	if err := r.Status().Err(); err != nil {
		t.Fatal(err)
	}
	if changeKinds(r)[fieldID] != sui.ChangeMutated {
		t.Errorf("add_or_replace_metadata: field %s", changeKinds(r)[fieldID])
	}
	old := r.CommandResults[2][0].BCS
	if old[0] != 1 {
		t.Error("add_or_replace_metadata returned none")
	}
	if got := attrsOf(); len(got) != 1 || got[0].Key != "c" {
		t.Errorf("attributes %v", got)
	}
}

func TestInvalidateBlobID(t *testing.T) {
	e := newEnv(t)
	var blobID encoding.BlobID
	blobID[0] = 42
	msg := messages.NewInvalidBlobIDMessage(DefaultEpoch, blobID)
	committee := e.systemInner().Committee
	// One correct node: 3w ≥ n + 1.
	var signers []int
	var w uint64
	for i, m := range committee.Members {
		signers = append(signers, i)
		w += uint64(m.Weight)
		if committee.IncludesOneCorrect(w) {
			break
		}
	}
	confs := make([]messages.SignedMessage, len(signers))
	for i, s := range signers {
		confs[i] = messages.Sign(e.blsKeys[s], msg)
	}
	cert, err := messages.Aggregate(confs, signers)
	if err != nil {
		t.Fatal(err)
	}
	bitmap, _ := cert.Bitmap(len(e.blsKeys))
	r := e.mustSucceed(e.tx(e.bob, e.bobGas, func(b *sui.ProgrammableBuilder) {
		sys := e.systemArg(b, false)
		b.MoveCall(e.ids.WalrusPackage, "system", "invalidate_blob_id", nil, sys, b.Pure(cert.Signature[:]), b.Pure(bitmap), b.Pure(msg))
	}), e.bob)
	ev := e.event(r, 0, "InvalidBlobID").(*walrus.InvalidBlobID)
	if ev.BlobID != blobID || ev.Epoch != DefaultEpoch {
		t.Errorf("InvalidBlobID %+v", ev)
	}
	if res := r.CommandResults[0]; len(res) != 1 || !bytes.Equal(res[0].BCS, blobID[:]) {
		t.Errorf("returned %v", res)
	}
	// A BLOB_CERT message: messages::invalid_blob_id_message EInvalidMsgType.
	sig, bm, certMsg := e.certificate(e.allSigners(), DefaultEpoch, blobID, messages.Permanent())
	r = e.mustExec(e.tx(e.bob, e.bobGas, func(b *sui.ProgrammableBuilder) {
		sys := e.systemArg(b, false)
		b.MoveCall(e.ids.WalrusPackage, "system", "invalidate_blob_id", nil, sys, b.Pure(sig), b.Pure(bm), b.Pure(certMsg))
	}), e.bob)
	wantAbort(t, r, e.ids.WalrusPackage, "messages", "invalid_blob_id_message", contract.ErrInvalidMsgType.Code)
}

func TestFaucetWALIsSpendable(t *testing.T) {
	e := newEnv(t)
	coin, err := e.faucet.WAL(addr(e.bob), 3*contract.FrostPerWAL)
	if err != nil {
		t.Fatal(err)
	}
	if e.walBalance(e.bob) != 3*contract.FrostPerWAL {
		t.Fatal("bob's WAL")
	}
	gas, err := e.faucet.SUI(addr(e.bob), startSUI)
	if err != nil {
		t.Fatal(err)
	}
	e.bobGas = gas
	tb := e.encode(randomData(12, 1234))
	s, w := e.cost(tb.encodedSize, 1)
	r := e.mustSucceed(e.registerPTB(e.bob, coin, tb, 1, false, s+w), e.bob)
	if o, _ := e.object(e.createdBlob(r)); o.Owner != sui.AddressOwned(addr(e.bob)) {
		t.Error("bob's blob")
	}
	if e.walBalance(e.bob) != 3*contract.FrostPerWAL-s-w {
		t.Error("bob's WAL after registering")
	}
}

func TestStorageResourceFunctions(t *testing.T) {
	e := newEnv(t)
	size := uint64(10 << 20)
	s, _ := e.cost(size, 4)
	// reserve 4 epochs, split by epoch and by size, fuse back, and keep the pieces.
	r := e.mustSucceed(e.tx(e.alice, e.aliceGas, func(b *sui.ProgrammableBuilder) {
		sys := e.systemArg(b, true)
		coin := b.Object(sui.OwnedObjectArg(e.ref(e.aliceWAL)))
		st := b.MoveCall(e.ids.WalrusPackage, "system", "reserve_space", nil, sys, b.Pure(size), b.Pure(uint32(4)), coin)
		later := b.MoveCall(e.ids.WalrusPackage, "storage_resource", "split_by_epoch", nil, st, b.Pure(DefaultEpoch+2))
		half := b.MoveCall(e.ids.WalrusPackage, "storage_resource", "split_by_size", nil, st, b.Pure(size/2))
		b.MoveCall(e.ids.WalrusPackage, "storage_resource", "fuse_amount", nil, st, half)
		b.MoveCall(e.ids.WalrusPackage, "storage_resource", "end_epoch", nil, st)
		b.TransferObjects([]sui.Argument{st, later}, b.Pure(addr(e.alice)))
	}), e.alice)
	if got := r.CommandResults[4][0].BCS; !bytes.Equal(got, []byte{byte(DefaultEpoch + 2), 0, 0, 0}) {
		t.Errorf("end_epoch returned %x", got)
	}
	if e.walBalance(e.alice) != startWAL-s {
		t.Error("WAL")
	}
	owned, _, err := e.store.OwnedObjects(e.ctx, addr(e.alice), e.ids.StorageType().String(), nil, 0)
	if err != nil || len(owned) != 2 {
		t.Fatalf("alice owns %d Storage objects: %v", len(owned), err)
	}
	var pieces []walrus.Storage
	for _, o := range owned {
		var st walrus.Storage
		if err := bcs.Unmarshal(o.Data.Move.Contents, &st); err != nil {
			t.Fatal(err)
		}
		if st.StorageSize != size {
			t.Errorf("piece %+v", st)
		}
		pieces = append(pieces, st)
	}
	// split_by_size beyond the size aborts in storage_resource.
	r = e.mustExec(e.tx(e.alice, e.aliceGas, func(b *sui.ProgrammableBuilder) {
		st := b.Object(sui.OwnedObjectArg(e.ref(pieces[0].ID)))
		out := b.MoveCall(e.ids.WalrusPackage, "storage_resource", "split_by_size", nil, st, b.Pure(size+1))
		b.TransferObjects([]sui.Argument{out}, b.Pure(addr(e.alice)))
	}), e.alice)
	wantAbort(t, r, e.ids.WalrusPackage, "storage_resource", "split_by_size", contract.ErrIncompatibleAmount.Code)
	// fuse the two periods back and destroy.
	e.mustSucceed(e.tx(e.alice, e.aliceGas, func(b *sui.ProgrammableBuilder) {
		a := b.Object(sui.OwnedObjectArg(e.ref(pieces[0].ID)))
		c := b.Object(sui.OwnedObjectArg(e.ref(pieces[1].ID)))
		b.MoveCall(e.ids.WalrusPackage, "storage_resource", "fuse", nil, a, c)
		b.MoveCall(e.ids.WalrusPackage, "storage_resource", "destroy", nil, a)
	}), e.alice)
	if owned, _, _ := e.store.OwnedObjects(e.ctx, addr(e.alice), e.ids.StorageType().String(), nil, 0); len(owned) != 0 {
		t.Errorf("%d Storage objects left", len(owned))
	}
}

func TestSystemVersionChecked(t *testing.T) {
	// A System at another version aborts in system::inner_mut with EWrongVersion.
	e := newEnv(t)
	o, _ := e.object(e.ids.System)
	var sys walrus.System
	if err := bcs.Unmarshal(o.Data.Move.Contents, &sys); err != nil {
		t.Fatal(err)
	}
	sys.Version = 3
	store := exec.NewMemStore()
	var objs []*sui.Object
	for _, g := range e.st.Objects {
		if id, _ := g.ID(); id == e.ids.System {
			g = exec.NewObject(e.ids.SystemType(), false, bcs.Marshal(&sys), g.Owner, g.Version(), g.PreviousTransaction)
		}
		objs = append(objs, g)
	}
	if err := store.Insert(objs...); err != nil {
		t.Fatal(err)
	}
	e.store = store
	e.ex = exec.New(store, e.reg, exec.Config{ReferenceGasPrice: testGasPrice})
	tb := e.encode(randomData(13, 10))
	s, w := e.cost(tb.encodedSize, 1)
	r := e.mustExec(e.registerPTB(e.alice, e.aliceWAL, tb, 1, false, s+w), e.alice)
	wantAbort(t, r, e.ids.WalrusPackage, "system", "inner_mut", contract.ErrSystemWrongVersion.Code)
}

func TestRegisteredFunctions(t *testing.T) {
	reg := exec.NewRegistry()
	if err := Register(reg, DefaultIDs()); err != nil {
		t.Fatal(err)
	}
	if err := Register(reg, DefaultIDs()); err == nil {
		t.Error("registering twice succeeded")
	}
	if err := Register(exec.NewRegistry(), IDs{}); err == nil {
		t.Error("registering without package IDs succeeded")
	}
	want := map[string][]exec.ParamKind{
		"system::reserve_space":                {exec.MutRef, exec.Pure, exec.Pure, exec.MutRef},
		"system::register_blob":                {exec.MutRef, exec.Value, exec.Pure, exec.Pure, exec.Pure, exec.Pure, exec.Pure, exec.MutRef},
		"system::certify_blob":                 {exec.Ref, exec.MutRef, exec.Pure, exec.Pure, exec.Pure},
		"system::delete_blob":                  {exec.Ref, exec.Value},
		"system::extend_blob_with_resource":    {exec.Ref, exec.MutRef, exec.Value},
		"system::extend_blob":                  {exec.MutRef, exec.MutRef, exec.Pure, exec.MutRef},
		"system::invalidate_blob_id":           {exec.Ref, exec.Pure, exec.Pure, exec.Pure},
		"blob::add_metadata":                   {exec.MutRef, exec.Value},
		"blob::insert_or_update_metadata_pair": {exec.MutRef, exec.Pure, exec.Pure},
		"blob::remove_metadata_pair":           {exec.MutRef, exec.Ref},
		"blob::remove_metadata_pair_if_exists": {exec.MutRef, exec.Ref},
		"blob::take_metadata":                  {exec.MutRef},
		"blob::burn":                           {exec.Value},
		"metadata::new":                        nil,
		"metadata::insert_or_update":           {exec.MutRef, exec.Pure, exec.Pure},
	}
	for name, kinds := range want {
		mod, fn, _ := strings.Cut(name, "::")
		f, ok := reg.Function(WalrusPackageID, mod, fn)
		if !ok {
			t.Errorf("%s not registered", name)
			continue
		}
		if len(f.Params) != len(kinds) {
			t.Errorf("%s: %d params, want %d", name, len(f.Params), len(kinds))
			continue
		}
		for i, k := range kinds {
			if f.Params[i].Kind != k {
				t.Errorf("%s param %d: %s, want %s", name, i, f.Params[i].Kind, k)
			}
		}
	}
	// Blob and Storage are key + store; the WAL coin type is known.
	if a := reg.AbilitiesOf(sui.TypeTag{Kind: sui.TypeStruct, Struct: ptr(DefaultIDs().BlobType())}); a != exec.AbilityKey|exec.AbilityStore {
		t.Errorf("Blob abilities %s", a)
	}
	if a := reg.AbilitiesOf(DefaultIDs().WALCoinType()); !a.Has(exec.AbilityKey | exec.AbilityStore) {
		t.Errorf("Coin<WAL> abilities %s", a)
	}
}

func TestAddSubsidyAndAccessors(t *testing.T) {
	e := newEnv(t)
	before := e.systemInner()
	sub := uint64(1000)
	r := e.mustSucceed(e.tx(e.alice, e.aliceGas, func(b *sui.ProgrammableBuilder) {
		sys := e.systemArg(b, true)
		coin := b.Object(sui.OwnedObjectArg(e.ref(e.aliceWAL)))
		part := b.SplitCoins(coin, b.Pure(sub))[0]
		b.MoveCall(e.ids.WalrusPackage, "system", "add_subsidy", nil, sys, part, b.Pure(uint32(3)))
		b.MoveCall(e.ids.WalrusPackage, "system", "epoch", nil, sys)
		b.MoveCall(e.ids.WalrusPackage, "system", "n_shards", nil, sys)
		b.MoveCall(e.ids.WalrusPackage, "system", "storage_price_per_unit_size", nil, sys)
	}), e.alice)
	after := e.systemInner()
	var total uint64
	for i := uint32(0); i < 3; i++ {
		a, _ := contract.RingLookup(&after.FutureAccounting, i)
		b, _ := contract.RingLookup(&before.FutureAccounting, i)
		total += a.RewardsToDistribute - b.RewardsToDistribute
	}
	if total != sub || e.walBalance(e.alice) != startWAL-sub {
		t.Errorf("subsidy spread %d", total)
	}
	if got := r.CommandResults[2][0].BCS; !bytes.Equal(got, []byte{byte(DefaultEpoch), 0, 0, 0}) {
		t.Errorf("epoch %x", got)
	}
	if got := r.CommandResults[3][0].BCS; !bytes.Equal(got, []byte{byte(e.cfg.NShards), 0}) {
		t.Errorf("n_shards %x", got)
	}
	if got := r.CommandResults[4][0].BCS; !bytes.Equal(got, u64le(e.cfg.StoragePrice)) {
		t.Errorf("storage price %x", got)
	}
	r = e.mustExec(e.tx(e.alice, e.aliceGas, func(b *sui.ProgrammableBuilder) {
		sys := e.systemArg(b, true)
		coin := b.Object(sui.OwnedObjectArg(e.ref(e.aliceWAL)))
		part := b.SplitCoins(coin, b.Pure(sub))[0]
		b.MoveCall(e.ids.WalrusPackage, "system", "add_subsidy", nil, sys, part, b.Pure(uint32(0)))
	}), e.alice)
	wantAbort(t, r, e.ids.WalrusPackage, "system_state_inner", "add_subsidy", contract.ErrInvalidEpochsAhead.Code)
}
