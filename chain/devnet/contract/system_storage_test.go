package contract

import (
	"bytes"
	"reflect"
	"slices"
	"testing"

	"github.com/tuskstore/tusk/chain/keys"
	"github.com/tuskstore/tusk/chain/messages"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/internal/bcs"
)

// Tests of the storage functions beyond the Move unit tests: exact costs and events,
// every abort path of the brief with the state left unchanged, certificates built with
// chain/keys and chain/messages, and the genesis System.

// newSystem1000 is a 1000-shard system (ten members of 100 shards, keys 1..10) with the
// node defaults' prices (100_000 and 20_000 FROST per unit) and 53 epochs ahead.
func newSystem1000(t *testing.T) (*SystemState, []*keys.BLSKey) {
	t.Helper()
	c, sks := newBlsCommitteeWithMultipleMembersForTesting(t, 0)
	s := systemWithCommittee(c)
	s.Inner.StoragePricePerUnitSize = 100_000
	s.Inner.WritePricePerUnitSize = 20_000
	s.Inner.TotalCapacitySize = 1_000_000_000_000
	s.Inner.FutureAccounting = RingNew(53)
	return s, sks
}

// The docs example (docs/content/http-api/storing-blobs.mdx): a 17-byte blob on 1000
// shards has an encoded length of 66,034,000 bytes, 63 units; at 100_000 and 20_000 FROST
// per unit, one epoch of storage costs 63·100_000 and the registration 63·20_000.
func TestDocsExampleCosts(t *testing.T) {
	tx := newTx(2)
	s, _ := newSystem1000(t)
	enc, err := EncodedBlobLength(17, RS2, 1000)
	if err != nil || enc != 66_034_000 || StorageUnitsFromSize(enc) != 63 {
		t.Fatalf("encoded length %d (%d units), %v", enc, StorageUnitsFromSize(enc), err)
	}
	const start = 10_000_000
	coin := &Coin{ID: walrus.MustParseID("0xc0"), Value: start}
	st, err := ReserveSpace(tx.ctx, s, enc, 1, coin)
	if err != nil {
		t.Fatal(err)
	}
	if coin.Value != start-63*100_000 {
		t.Fatalf("reserve_space cost %d, want %d", start-coin.Value, 63*100_000)
	}
	if st != (walrus.Storage{ID: DeriveObjectID(tx.digest, 0), StartEpoch: 0, EndEpoch: 1, StorageSize: 66_034_000}) {
		t.Fatalf("storage %+v", st)
	}
	if s.UsedCapacitySize() != 66_034_000 || usedAt(t, s, 0) != 66_034_000 || usedAt(t, s, 1) != 0 {
		t.Fatal("used capacity")
	}
	if len(tx.events) != 0 {
		t.Fatal("reserve_space emitted events")
	}

	root := walrus.U256(u256(0x17))
	blobID := DeriveBlobID(root, RS2, 17)
	blob, err := RegisterBlob(tx.ctx, s, st, blobID, root, 17, RS2, true, coin)
	if err != nil {
		t.Fatal(err)
	}
	if coin.Value != start-63*100_000-63*20_000 {
		t.Fatalf("register_blob cost %d, want %d", start-63*100_000-coin.Value, 63*20_000)
	}
	if r, _ := s.RewardsAt(0); r != 63*(100_000+20_000) {
		t.Fatalf("rewards of the epoch %d", r)
	}
	if blob.ID != DeriveObjectID(tx.digest, 1) {
		t.Fatal("the blob is not the second object created")
	}
	want := &walrus.BlobRegistered{Epoch: 0, BlobID: blobID, Size: 17, EncodingType: 1, EndEpoch: 1, Deletable: true, ObjectID: blob.ID}
	if evs := tx.takeEvents(); len(evs) != 1 || !reflect.DeepEqual(evs[0], want) {
		t.Fatalf("events %+v", evs)
	}
	// The event's BCS is the tuple the Rust decoder reads.
	evBCS := bcs.Marshal(want)
	if len(evBCS) != 4+32+8+1+4+1+32 || evBCS[4+32+8] != 1 {
		t.Fatalf("BlobRegistered BCS % x", evBCS)
	}
}

// A real blob: the walrus-core blob-ID regression vector (33 bytes, 10 shards), encoded
// with the encoding package, registered with its Merkle root and certified by a quorum.
func TestRegisterAndCertifyRealBlob(t *testing.T) {
	tx := newTx(3)
	data := []byte("walrus blob id v1 regression test")
	codec, err := encoding.NewCodec(10)
	if err != nil {
		t.Fatal(err)
	}
	eb, err := codec.Encode(data)
	if err != nil {
		t.Fatal(err)
	}
	if got := eb.Metadata.BlobID().String(); got != "RcU82Mwf-CFkv1LaI_2qcpANwpGUuG3TMwnVzZxD2kY" {
		t.Fatalf("blob ID %s", got)
	}
	root := walrus.U256(eb.Metadata.RootHash())
	if DeriveBlobID(root, RS2, uint64(len(data))) != eb.Metadata.BlobID() {
		t.Fatal("derive_blob_id differs from the encoder's blob ID")
	}

	// Ten members of one shard each, keys 1..10, epoch 0.
	sks := blsSecretKeysForTesting(t)
	ms := make([]walrus.BlsCommitteeMember, len(sks))
	for i, k := range sks {
		ms[i] = member(t, k, 1, testNodeID(i))
	}
	c, err := NewBlsCommittee(0, ms)
	if err != nil {
		t.Fatal(err)
	}
	s := systemWithCommittee(c)
	p, _ := encoding.NewParams(10)
	enc, _ := p.EncodedLength(uint64(len(data)))
	if got, _ := EncodedBlobLength(uint64(len(data)), RS2, 10); got != enc {
		t.Fatalf("encoded length %d, encoding package %d", got, enc)
	}
	coin := &Coin{Value: 1000}
	st, err := ReserveSpace(tx.ctx, s, enc, 2, coin)
	if err != nil {
		t.Fatal(err)
	}
	blob, err := RegisterBlob(tx.ctx, s, st, eb.Metadata.BlobID(), root, uint64(len(data)), RS2, false, coin)
	if err != nil {
		t.Fatal(err)
	}
	// 1 unit: 2 epochs at 5 and a write at 1.
	if coin.Value != 1000-2*5-1 {
		t.Fatalf("paid %d", 1000-coin.Value)
	}
	msg := permanentMessage(0, blob.BlobID)
	// 7 of 10 shards: 3·7 = 21 ≥ 2·10+1.
	sig, bitmap := certificate(t, sks, []int{0, 2, 3, 5, 6, 8, 9}, msg)
	tx.takeEvents()
	if err := CertifyBlob(tx.ctx, s, &blob, sig, bitmap, msg); err != nil {
		t.Fatal(err)
	}
	want := &walrus.BlobCertified{Epoch: 0, BlobID: blob.BlobID, EndEpoch: 2, Deletable: false, ObjectID: blob.ID}
	if evs := tx.takeEvents(); len(evs) != 1 || !reflect.DeepEqual(evs[0], want) {
		t.Fatalf("events %+v", evs)
	}
}

// Insufficient WAL: sui::balance ENotEnough (2), and nothing changed, also when the
// coin ran out after paying for some epochs.
func TestInsufficientWAL(t *testing.T) {
	tx := newTx(4)
	s, _ := newSystem1000(t)
	enc, _ := EncodedBlobLength(17, RS2, 1000) // 63 units

	// Enough for 2 of 3 epochs.
	coin := &Coin{Value: 2*63*100_000 + 99_999}
	sn := takeSnapshot(s, coin, tx)
	_, err := ReserveSpace(tx.ctx, s, enc, 3, coin)
	wantAbort(t, err, ErrNotEnough)
	if a := err.(*Abort); a.Module != "sui::balance" || a.Code != 2 {
		t.Fatalf("abort %+v", a)
	}
	sn.unchanged(t, s, coin, tx)

	coin.Value = 63 * 100_000
	st, err := ReserveSpace(tx.ctx, s, enc, 1, coin)
	if err != nil || coin.Value != 0 {
		t.Fatalf("exact payment: %v, %d left", err, coin.Value)
	}

	// The write price is one FROST short.
	root := walrus.U256(u256(1))
	coin.Value = 63*20_000 - 1
	sn = takeSnapshot(s, coin, tx)
	_, err = RegisterBlob(tx.ctx, s, st, DeriveBlobID(root, RS2, 17), root, 17, RS2, false, coin)
	wantAbort(t, err, ErrNotEnough)
	sn.unchanged(t, s, coin, tx)

	// extend_blob short of WAL.
	coin.Value = 63 * 20_000
	blob, err := RegisterBlob(tx.ctx, s, st, DeriveBlobID(root, RS2, 17), root, 17, RS2, false, coin)
	if err != nil {
		t.Fatal(err)
	}
	certifyForTesting(t, tx, s, &blob)
	coin.Value = 63*100_000*2 - 1
	before := blob
	sn = takeSnapshot(s, coin, tx)
	wantAbort(t, ExtendBlob(tx.ctx, s, &blob, 2, coin), ErrNotEnough)
	sn.unchanged(t, s, coin, tx)
	if !reflect.DeepEqual(blob, before) {
		t.Fatal("the failed extension changed the blob")
	}
}

// register_blob with storage that does not cover the current epoch (expired or not yet
// started), a wrong blob ID, a wrong encoding type, too little storage.
func TestRegisterBlobAborts(t *testing.T) {
	tx := newTx(5)
	s := newSystemForTesting(t)
	coin := &Coin{Value: moveNCoins}
	size, _ := EncodedBlobLength(moveSize, RS2, 100)

	expiring, err := ReserveSpace(tx.ctx, s, size, 1, coin)
	if err != nil {
		t.Fatal(err)
	}
	future, err := ReserveSpaceForEpochs(tx.ctx, s, size, 2, 4, coin)
	if err != nil {
		t.Fatal(err)
	}
	current, err := ReserveSpace(tx.ctx, s, size, 4, coin)
	if err != nil {
		t.Fatal(err)
	}
	advanceTo(t, s, 1, epochParamsForTesting)

	check := func(name string, storage walrus.Storage, blobID encoding.BlobID, encodingType uint8, want *Abort) {
		t.Helper()
		sn := takeSnapshot(s, coin, tx)
		_, err := RegisterBlob(tx.ctx, s, storage, blobID, moveRootHash, moveSize, encodingType, false, coin)
		if want == nil {
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			return
		}
		wantAbort(t, err, want)
		sn.unchanged(t, s, coin, tx)
	}
	check("expired storage", expiring, defaultBlobID(), RS2, ErrResourceBounds)
	check("storage not started", future, defaultBlobID(), RS2, ErrResourceBounds)
	check("wrong blob ID", current, encoding.BlobID(u256(0x42)), RS2, ErrInvalidBlobID)
	// The encoding type is checked before the blob ID (it goes into the encoded length).
	check("encoding type 0", current, encoding.BlobID(u256(0x42)), 0, ErrInvalidEncodingType)
	small := current
	small.StorageSize = size - 1
	check("storage too small", small, encoding.BlobID(u256(0x42)), RS2, ErrResourceSize)
	check("ok", current, defaultBlobID(), RS2, nil)
}

// Certificates of the 1000-shard committee: below quorum, bad signatures, wrong epoch,
// replayed on a certified blob, and malformed messages, each with Move's abort and
// nothing changed; deletable and permanent certification messages.
func TestCertifyBlobCertificates(t *testing.T) {
	tx := newTx(6)
	s, sks := newSystem1000(t)
	coin := &Coin{Value: 1 << 50}
	enc, _ := EncodedBlobLength(17, RS2, 1000)
	register := func(deletable bool, epochs uint32) walrus.Blob {
		t.Helper()
		st, err := ReserveSpace(tx.ctx, s, enc, epochs, coin)
		if err != nil {
			t.Fatal(err)
		}
		root := walrus.U256(u256(uint64(tx.created)))
		b, err := RegisterBlob(tx.ctx, s, st, DeriveBlobID(root, RS2, 17), root, 17, RS2, deletable, coin)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	permanent := register(false, 5)
	deletable := register(true, 5)
	tx.takeEvents()

	quorum := []int{0, 1, 2, 3, 4, 5, 6}   // 700 of 1000 shards: 2100 ≥ 2001
	belowQuorum := []int{0, 1, 2, 3, 4, 5} // 600: 1800 < 2001
	pMsg := permanentMessage(0, permanent.BlobID)
	dMsg := deletableMessage(0, deletable.BlobID, deletable.ID)

	fails := func(name string, blob *walrus.Blob, sig, bitmap, msg []byte, want *Abort) {
		t.Helper()
		before := *blob
		sn := takeSnapshot(s, nil, tx)
		err := CertifyBlob(tx.ctx, s, blob, sig, bitmap, msg)
		if err == nil {
			t.Fatalf("%s: certified", name)
		}
		wantAbort(t, err, want)
		sn.unchanged(t, s, nil, tx)
		if !reflect.DeepEqual(*blob, before) {
			t.Fatalf("%s: the blob changed", name)
		}
	}

	sig, bitmap := certificate(t, sks, belowQuorum, pMsg)
	fails("below quorum", &permanent, sig, bitmap, pMsg, ErrNotEnoughStake)
	// The weight is checked before the signature: a bad signature below quorum is
	// ENotEnoughStake.
	fails("below quorum, short signature", &permanent, sig[:95], bitmap, pMsg, ErrNotEnoughStake)

	sig, bitmap = certificate(t, sks, quorum, pMsg)
	other := slices.Clone(bitmap)
	other[0] ^= 0x81 // member 0 out, member 7 in: same weight, wrong key
	fails("signature of other signers", &permanent, sig, other, pMsg, ErrSigVerification)
	fails("signature of 95 bytes", &permanent, sig[:95], bitmap, pMsg, ErrSigVerification)
	fails("signature of 97 bytes", &permanent, append(slices.Clone(sig), 0), bitmap, pMsg, ErrSigVerification)
	fails("signature over another message", &permanent, sig, bitmap, dMsg, ErrSigVerification)
	fails("bitmap too long", &permanent, sig, append(slices.Clone(bitmap), 0), pMsg, ErrInvalidBitmap)
	fails("bit past the members", &permanent, sig, []byte{bitmap[0], bitmap[1] | 0x04}, pMsg, ErrInvalidBitmap)

	// Wrong epoch: a message of epoch 1 signed correctly.
	m1 := permanentMessage(1, permanent.BlobID)
	sig, bitmap = certificate(t, sks, quorum, m1)
	fails("wrong epoch", &permanent, sig, bitmap, m1, ErrIncorrectEpoch)

	// Malformed but correctly signed messages: the header is read as Move's bcs does.
	signed := func(msg []byte) ([]byte, []byte) { return certificate(t, sks, quorum, msg) }
	for _, c := range []struct {
		name string
		msg  []byte
		want *Abort
	}{
		{"empty", []byte{}, ErrBCSOutOfRange},
		{"2 bytes", []byte{1, 0}, ErrBCSOutOfRange},
		{"version 5 in 2 bytes", []byte{1, 5}, ErrIncorrectIntentVersion},
		{"app 2", append([]byte{1, 0, 2}, pMsg[3:]...), ErrIncorrectAppID},
		{"epoch cut short", []byte{1, 0, 3, 0, 0, 0}, ErrBCSOutOfRange},
		{"invalid blob ID intent", messages.NewInvalidBlobIDMessage(0, permanent.BlobID), ErrInvalidMsgType},
		{"body cut short", pMsg[:7+31], ErrBCSOutOfRange},
		{"no persistence", pMsg[:7+32], ErrBCSOutOfRange},
		{"persistence tag 2", append(slices.Clone(pMsg[:7+32]), 2), ErrMsgInvalidBlobPersistenceType},
		{"deletable without object", append(slices.Clone(pMsg[:7+32]), 1, 0), ErrBCSOutOfRange},
		{"another blob", permanentMessage(0, deletable.BlobID), ErrInvalidBlobID},
		{"permanent message for a deletable blob", pMsg, ErrInvalidBlobPersistenceType},
	} {
		sig, bitmap := signed(c.msg)
		blob := &permanent
		if c.name == "permanent message for a deletable blob" {
			blob = &deletable
			c.msg = permanentMessage(0, deletable.BlobID)
			sig, bitmap = signed(c.msg)
		}
		fails(c.name, blob, sig, bitmap, c.msg, c.want)
	}
	sig, bitmap = signed(deletableMessage(0, permanent.BlobID, permanent.ID))
	fails("deletable message for a permanent blob", &permanent, sig, bitmap, deletableMessage(0, permanent.BlobID, permanent.ID), ErrInvalidBlobPersistenceType)
	wrongObj := deletableMessage(0, deletable.BlobID, permanent.ID)
	sig, bitmap = signed(wrongObj)
	fails("deletable message for another object", &deletable, sig, bitmap, wrongObj, ErrInvalidBlobObject)

	// Trailing bytes after the body are accepted (on purpose in Move).
	trailing := append(slices.Clone(pMsg), 0xff, 0xee)
	sig, bitmap = signed(trailing)
	if err := CertifyBlob(tx.ctx, s, &permanent, sig, bitmap, trailing); err != nil {
		t.Fatal(err)
	}
	// All ten signers: weight 1000.
	sig, bitmap = certificate(t, sks, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, dMsg)
	if err := CertifyBlob(tx.ctx, s, &deletable, sig, bitmap, dMsg); err != nil {
		t.Fatal(err)
	}
	evs := tx.takeEvents()
	want := []walrus.Event{
		&walrus.BlobCertified{Epoch: 0, BlobID: permanent.BlobID, EndEpoch: 5, Deletable: false, ObjectID: permanent.ID},
		&walrus.BlobCertified{Epoch: 0, BlobID: deletable.BlobID, EndEpoch: 5, Deletable: true, ObjectID: deletable.ID},
	}
	if !reflect.DeepEqual(evs, want) {
		t.Fatalf("events %+v", evs)
	}

	// Replayed on the certified blob.
	sig, bitmap = certificate(t, sks, quorum, pMsg)
	fails("replay", &permanent, sig, bitmap, pMsg, ErrAlreadyCertified)

	// A certificate for a blob whose storage has ended: epoch 1 with the same keys.
	short := register(false, 1)
	c1, _ := newBlsCommitteeWithMultipleMembersForTesting(t, 1)
	if _, err := AdvanceEpoch(s, c1, walrus.EpochParams{TotalCapacitySize: s.TotalCapacitySize()}); err != nil {
		t.Fatal(err)
	}
	m := permanentMessage(1, short.BlobID)
	sig, bitmap = certificate(t, sks, quorum, m)
	fails("expired blob", &short, sig, bitmap, m, ErrResourceBounds)
	// An epoch-0 certificate after the epoch change.
	m = permanentMessage(0, short.BlobID)
	sig, bitmap = certificate(t, sks, quorum, m)
	fails("certificate of the previous epoch", &short, sig, bitmap, m, ErrIncorrectEpoch)
}

// invalidate_blob_id needs the weight of one correct node only.
func TestInvalidateBlobIDWeights(t *testing.T) {
	tx := newTx(7)
	s, sks := newSystem1000(t)
	id := encoding.BlobID(u256(0xbad))
	msg := messages.NewInvalidBlobIDMessage(0, id)

	sig, bitmap := certificate(t, sks, []int{1, 4, 9}, msg) // 300: 900 < 1001
	sn := takeSnapshot(s, nil, tx)
	_, err := InvalidateBlobID(tx.ctx, s, sig, bitmap, msg)
	wantAbort(t, err, ErrNotEnoughStake)
	sn.unchanged(t, s, nil, tx)

	// A quorum-less certificate is refused by certify_blob but enough here.
	sig, bitmap = certificate(t, sks, []int{1, 4, 8, 9}, msg) // 400: 1200 ≥ 1001
	got, err := InvalidateBlobID(tx.ctx, s, sig, bitmap, msg)
	if err != nil || got != id {
		t.Fatalf("%s, %v", got, err)
	}
	if evs := tx.takeEvents(); len(evs) != 1 || !reflect.DeepEqual(evs[0], &walrus.InvalidBlobID{Epoch: 0, BlobID: id}) {
		t.Fatalf("events %+v", evs)
	}

	// A BLOB_CERT message is not an invalid-blob message.
	pm := permanentMessage(0, id)
	sig, bitmap = certificate(t, sks, []int{1, 4, 8, 9}, pm)
	_, err = InvalidateBlobID(tx.ctx, s, sig, bitmap, pm)
	wantAbort(t, err, ErrInvalidMsgType)
	// A body too short for the blob ID.
	short := messages.NewProtocolMessage(messages.IntentInvalidBlobID, 0, make([]byte, 31))
	sig, bitmap = certificate(t, sks, []int{1, 4, 8, 9}, short)
	_, err = InvalidateBlobID(tx.ctx, s, sig, bitmap, short)
	wantAbort(t, err, ErrBCSOutOfRange)
}

// delete_blob and extend_blob_with_resource rules.
func TestDeleteAndExtendRules(t *testing.T) {
	tx := newTx(8)
	s := newSystemForTesting(t)
	size, _ := EncodedBlobLength(moveSize, RS2, 100)
	coin := &Coin{Value: moveNCoins}
	reserve := func(start, end uint32, sz uint64) walrus.Storage {
		t.Helper()
		st, err := ReserveSpaceForEpochs(tx.ctx, s, sz, start, end, coin)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}

	// An uncertified deletable blob can be deleted: was_certified false.
	d := mustRegisterDefaultBlob(t, tx, s, reserve(0, 2, size), true)
	tx.takeEvents()
	st, err := DeleteBlob(tx.ctx, s, d)
	if err != nil || st != d.Storage {
		t.Fatalf("%+v, %v", st, err)
	}
	if evs := tx.takeEvents(); !reflect.DeepEqual(evs, []walrus.Event{&walrus.BlobDeleted{Epoch: 0, BlobID: d.BlobID, EndEpoch: 2, ObjectID: d.ID, WasCertified: false}}) {
		t.Fatalf("events %+v", evs)
	}

	// Extension rules on a permanent blob of [0, 2).
	p := mustRegisterDefaultBlob(t, tx, s, reserve(0, 2, size), false)
	ext := reserve(2, 4, size)
	same, bigger, gap := reserve(0, 2, size), reserve(2, 4, size+1), reserve(3, 4, size)
	tx.takeEvents()
	sn := takeSnapshot(s, nil, tx)
	before := p
	wantAbort(t, ExtendBlobWithResource(tx.ctx, s, &p, ext), ErrNotCertified)
	certifyForTesting(t, tx, s, &p)
	tx.takeEvents()
	before = p
	wantAbort(t, ExtendBlobWithResource(tx.ctx, s, &p, same), ErrResourceBounds) // does not end later
	wantAbort(t, ExtendBlobWithResource(tx.ctx, s, &p, bigger), ErrIncompatibleAmount)
	wantAbort(t, ExtendBlobWithResource(tx.ctx, s, &p, gap), ErrIncompatibleEpochs)
	sn.unchanged(t, s, nil, tx)
	if !reflect.DeepEqual(p, before) {
		t.Fatal("failed extensions changed the blob")
	}
	if err := ExtendBlobWithResource(tx.ctx, s, &p, ext); err != nil {
		t.Fatal(err)
	}
	if p.Storage.StartEpoch != 0 || p.Storage.EndEpoch != 4 || p.Storage.StorageSize != size {
		t.Fatalf("storage %+v", p.Storage)
	}
	if evs := tx.takeEvents(); !reflect.DeepEqual(evs, []walrus.Event{&walrus.BlobCertified{Epoch: 0, BlobID: p.BlobID, EndEpoch: 4, ObjectID: p.ID, IsExtension: true}}) {
		t.Fatalf("events %+v", evs)
	}

	// After its storage ends, a deletable blob can no longer be deleted nor extended.
	e := mustRegisterDefaultBlob(t, tx, s, reserve(0, 1, size), true)
	certifyForTesting(t, tx, s, &e)
	advanceTo(t, s, 1, epochParamsForTesting)
	later := reserve(1, 3, size)
	tx.takeEvents()
	sn = takeSnapshot(s, coin, tx)
	_, err = DeleteBlob(tx.ctx, s, e)
	wantAbort(t, err, ErrResourceBounds)
	wantAbort(t, ExtendBlobWithResource(tx.ctx, s, &e, later), ErrResourceBounds)
	wantAbort(t, ExtendBlob(tx.ctx, s, &e, 1, coin), ErrResourceBounds)
	sn.unchanged(t, s, coin, tx)
	// The extension emits BlobCertified with the first certification epoch.
	if err := ExtendBlob(tx.ctx, s, &p, 1, coin); err != nil {
		t.Fatal(err)
	}
	evs := tx.takeEvents()
	if !reflect.DeepEqual(evs, []walrus.Event{&walrus.BlobCertified{Epoch: 0, BlobID: p.BlobID, EndEpoch: 5, ObjectID: p.ID, IsExtension: true}}) {
		t.Fatalf("events %+v", evs)
	}
	wantAbort(t, ExtendBlob(tx.ctx, s, &p, 0, coin), ErrInvalidEpochsAhead)
	// Extending a deletable blob needs no persistence check.
	d2 := mustRegisterDefaultBlob(t, tx, s, reserve(1, 3, size), true)
	certifyForTesting(t, tx, s, &d2)
	if err := ExtendBlob(tx.ctx, s, &d2, 2, coin); err != nil || d2.Storage.EndEpoch != 5 {
		t.Fatalf("%+v, %v", d2.Storage, err)
	}
}

// extend_blob accounts the capacity of the new epochs and aborts past the total.
func TestExtendBlobCapacity(t *testing.T) {
	tx := newTx(9)
	s := newSystemForTesting(t)
	size, _ := EncodedBlobLength(moveSize, RS2, 100)
	s.Inner.TotalCapacitySize = 2 * size
	blob := mustRegisterDefaultBlob(t, tx, s, getStorageResource(t, tx, s, moveSize, 2), false)
	certifyForTesting(t, tx, s, &blob)
	coin := &Coin{Value: moveNCoins}
	// Fill epoch 3 with another reservation.
	if _, err := ReserveSpaceForEpochs(tx.ctx, s, 2*size, 3, 4, coin); err != nil {
		t.Fatal(err)
	}
	sn := takeSnapshot(s, coin, tx)
	wantAbort(t, ExtendBlob(tx.ctx, s, &blob, 2, coin), ErrStorageExceeded)
	sn.unchanged(t, s, coin, tx)
	if err := ExtendBlob(tx.ctx, s, &blob, 1, coin); err != nil {
		t.Fatal(err)
	}
	if usedAt(t, s, 2) != size || usedAt(t, s, 0) != size || s.UsedCapacitySize() != size {
		t.Fatal("used capacity")
	}
}

// The epochs_ahead bounds of reserve_space and reserve_space_for_epochs.
func TestReserveSpaceEpochBounds(t *testing.T) {
	tx := newTx(10)
	s := newSystemForTesting(t)
	coin := &Coin{Value: 1 << 40}
	sn := takeSnapshot(s, coin, tx)
	for _, c := range []struct {
		name string
		f    func() (walrus.Storage, error)
	}{
		{"0 epochs", func() (walrus.Storage, error) { return ReserveSpace(tx.ctx, s, 1, 0, coin) }},
		{"max+1 epochs", func() (walrus.Storage, error) { return ReserveSpace(tx.ctx, s, 1, 105, coin) }},
		{"empty period", func() (walrus.Storage, error) { return ReserveSpaceForEpochs(tx.ctx, s, 1, 3, 3, coin) }},
		{"reversed period", func() (walrus.Storage, error) { return ReserveSpaceForEpochs(tx.ctx, s, 1, 4, 3, coin) }},
		{"past the ring", func() (walrus.Storage, error) { return ReserveSpaceForEpochs(tx.ctx, s, 1, 0, 105, coin) }},
	} {
		_, err := c.f()
		wantAbort(t, err, ErrInvalidEpochsAhead)
	}
	sn.unchanged(t, s, coin, tx)

	if st, err := ReserveSpace(tx.ctx, s, 1, 104, coin); err != nil || st.EndEpoch != 104 {
		t.Fatalf("%+v, %v", st, err)
	}
	// A start in the past starts at the current epoch.
	advanceTo(t, s, 3, epochParamsForTesting)
	st, err := ReserveSpaceForEpochs(tx.ctx, s, 1, 1, 5, coin)
	if err != nil || st.StartEpoch != 3 || st.EndEpoch != 5 {
		t.Fatalf("%+v, %v", st, err)
	}
	_, err = ReserveSpaceForEpochs(tx.ctx, s, 1, 1, 3, coin) // ends now: empty
	wantAbort(t, err, ErrInvalidEpochsAhead)
	// One byte costs one unit.
	before := coin.Value
	if _, err := ReserveSpace(tx.ctx, s, 1, 2, coin); err != nil || before-coin.Value != 2*5 {
		t.Fatalf("cost %d, %v", before-coin.Value, err)
	}
}

// Every System function checks the version first.
func TestSystemWrongVersion(t *testing.T) {
	tx := newTx(11)
	s := newSystemForTesting(t)
	blob := mustRegisterDefaultBlob(t, tx, s, getStorageResource(t, tx, s, moveSize, 3), true)
	s.System.Version = 3
	coin := &Coin{Value: moveNCoins}
	sn := takeSnapshot(s, coin, tx)
	errs := []error{
		s.CheckVersion(),
		func() error { _, err := ReserveSpace(tx.ctx, s, 1, 1, coin); return err }(),
		func() error { _, err := ReserveSpaceForEpochs(tx.ctx, s, 1, 0, 1, coin); return err }(),
		func() error {
			_, err := RegisterBlob(tx.ctx, s, blob.Storage, blob.BlobID, moveRootHash, moveSize, RS2, false, coin)
			return err
		}(),
		CertifyBlob(tx.ctx, s, &blob, nil, nil, nil),
		func() error { _, err := DeleteBlob(tx.ctx, s, blob); return err }(),
		ExtendBlobWithResource(tx.ctx, s, &blob, blob.Storage),
		ExtendBlob(tx.ctx, s, &blob, 1, coin),
		func() error { _, err := InvalidateBlobID(tx.ctx, s, nil, nil, nil); return err }(),
		AddSubsidy(s, Coin{Value: 1}, 1),
		AddPerEpochSubsidies(s, []uint64{1}),
		func() error {
			_, err := AdvanceEpoch(s, newBlsCommitteeForTesting(t, 1), epochParamsForTesting)
			return err
		}(),
		func() error { _, err := ExtractBurnBalance(s); return err }(),
	}
	for i, err := range errs {
		if err == nil {
			t.Fatalf("call %d succeeded", i)
		}
		wantAbort(t, err, ErrSystemWrongVersion)
	}
	sn.unchanged(t, s, coin, tx)
}

// encoded_blob_length agrees with the encoding package and fails as Move does.
func TestEncodedBlobLengthMatchesEncoding(t *testing.T) {
	for _, n := range []int{4, 5, 7, 10, 31, 100, 301, 333, 999, 1000} {
		p, err := encoding.NewParams(n)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range []uint64{0, 1, 2, 17, 1000, 1 << 20, 123_456_789, p.MaxBlobSize() - 1, p.MaxBlobSize()} {
			if l > p.MaxBlobSize() {
				continue
			}
			want, err := p.EncodedLength(l)
			if err != nil {
				t.Fatal(err)
			}
			if got, err := EncodedBlobLength(l, RS2, uint16(n)); err != nil || got != want {
				t.Fatalf("n=%d L=%d: %d, %v; encoding package %d", n, l, got, err, want)
			}
		}
		_, err = EncodedBlobLength(p.MaxBlobSize()+1, RS2, uint16(n))
		wantArithmetic(t, err)
	}
	_, err := EncodedBlobLength(1, 0, 10)
	wantAbort(t, err, ErrInvalidEncodingType)
	_, err = EncodedBlobLength(1, 2, 10)
	wantAbort(t, err, ErrInvalidEncodingType)
	_, err = EncodedBlobLength(1, RS2, 0)
	wantArithmetic(t, err)
	// Move is defined below 4 shards: n = 1 has f = 0, one source symbol.
	if got, err := EncodedBlobLength(3, RS2, 1); err != nil || got != 1*(2*4+64+32) {
		t.Fatalf("n=1: %d, %v", got, err)
	}
}

// The genesis System of the default devnet.
func TestNewGenesisSystem(t *testing.T) {
	cfg := Default()
	digest := [32]byte{7}
	g, err := cfg.Genesis(digest)
	if err != nil {
		t.Fatal(err)
	}
	params := GenesisSystemParams{
		SystemID:        DeriveObjectID(digest, 100),
		PackageID:       walrus.MustParseID("0x9ac"),
		DenyListSizesID: DeriveObjectID(digest, 101),
		Epoch:           1,
	}
	s, err := NewGenesisSystem(cfg, g, params)
	if err != nil {
		t.Fatal(err)
	}
	c := s.Committee()
	if c.Epoch != 1 || c.NShards != cfg.NShards || len(c.Members) != len(g.Committee) || !c.IsSortedByNodeID() {
		t.Fatalf("committee %+v", c)
	}
	var pks [][]byte
	for i, m := range c.Members {
		if m.NodeID != g.Committee[i].NodeID || int(m.Weight) != len(g.Committee[i].Shards) {
			t.Fatalf("member %d: %+v, committee %+v", i, m, g.Committee[i])
		}
		idx := slices.Index(g.NodeIDs, m.NodeID)
		k, _ := DevnetNodeKeys(idx)
		pk := k.PublicKey()
		back, err := UncompressedG1ToG1(m.PublicKey)
		if err != nil || back != pk || len(m.PublicKey) != UncompressedG1Size || m.PublicKey[0]&0xe0 != 0 {
			t.Fatalf("member %d key % x: %v", i, m.PublicKey, err)
		}
		pks = append(pks, pk[:])
	}
	agg, err := keys.AggregatePublicKeys(pks)
	if err != nil || !bytes.Equal(agg, c.TotalAggregatedKey) {
		t.Fatalf("total_aggregated_key % x, want % x (%v)", c.TotalAggregatedKey, agg, err)
	}
	if s.System != (walrus.System{ID: params.SystemID, Version: walrus.SystemVersion, PackageID: params.PackageID}) ||
		s.Inner.DenyListSizes.ID != params.DenyListSizesID || len(s.DenyListSizes) != 0 {
		t.Fatalf("system %+v", s.System)
	}
	if s.StoragePricePerUnitSize() != DefaultStoragePrice || s.WritePricePerUnitSize() != DefaultWritePrice ||
		s.TotalCapacitySize() != DefaultCapacity || s.UsedCapacitySize() != 0 || s.MaxEpochsAhead() != DefaultMaxEpochsAhead {
		t.Fatalf("inner %+v", s.Inner)
	}
	// The ring buffer is ring_new(53) after one ring_pop_expand.
	ring := RingNew(DefaultMaxEpochsAhead)
	if _, err := RingPopExpand(&ring); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(ring, s.Inner.FutureAccounting) {
		t.Fatalf("ring buffer %+v", s.Inner.FutureAccounting)
	}
	// At epoch 0 it is ring_new(53); at epoch 60 sixty pops.
	for _, e := range []uint32{0, 60} {
		p := params
		p.Epoch = e
		s0, err := NewGenesisSystem(cfg, g, p)
		if err != nil {
			t.Fatal(err)
		}
		r := RingNew(DefaultMaxEpochsAhead)
		for range e {
			if _, err := RingPopExpand(&r); err != nil {
				t.Fatal(err)
			}
		}
		if !reflect.DeepEqual(r, s0.Inner.FutureAccounting) {
			t.Fatalf("epoch %d: ring buffer differs", e)
		}
	}
	// The inner state round-trips through BCS.
	var back walrus.SystemStateInnerV1
	if err := bcs.Unmarshal(bcs.Marshal(&s.Inner), &back); err != nil || !bytes.Equal(bcs.Marshal(&back), bcs.Marshal(&s.Inner)) {
		t.Fatalf("BCS round trip: %v", err)
	}

	// The genesis nodes certify a blob: signers holding a quorum of the 10 shards.
	tx := newTx(12)
	coin := &Coin{Value: 1 << 40}
	st, err := ReserveSpace(tx.ctx, s, 1<<20, 2, coin)
	if err != nil {
		t.Fatal(err)
	}
	root := walrus.U256(u256(99))
	blob, err := RegisterBlob(tx.ctx, s, st, DeriveBlobID(root, RS2, 10), root, 10, RS2, false, coin)
	if err != nil {
		t.Fatal(err)
	}
	msg := permanentMessage(1, blob.BlobID)
	var sks []*keys.BLSKey
	for _, m := range c.Members {
		k, _ := DevnetNodeKeys(slices.Index(g.NodeIDs, m.NodeID))
		sks = append(sks, k)
	}
	// All but the member with the fewest shards.
	var signers []int
	minIdx := 0
	for i, m := range c.Members {
		if m.Weight < c.Members[minIdx].Weight {
			minIdx = i
		}
	}
	for i := range c.Members {
		if i != minIdx {
			signers = append(signers, i)
		}
	}
	sig, bitmap := certificate(t, sks, signers, msg)
	if err := CertifyBlob(tx.ctx, s, &blob, sig, bitmap, msg); err != nil {
		t.Fatal(err)
	}
	// And the epoch advances from the genesis state.
	next, err := NewBlsCommittee(2, c.Members)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := AdvanceEpoch(s, next, walrus.EpochParams{TotalCapacitySize: DefaultCapacity}); err != nil {
		t.Fatal(err)
	}

	big := cfg
	big.MaxEpochsAhead = MaxMaxEpochsAhead + 1
	_, err = NewGenesisSystem(big, g, params)
	wantAbort(t, err, ErrInvalidMaxEpochsAhead)
}

// advance_epoch: rewards by weight and deny-list size, the leftover to the next epoch.
func TestAdvanceEpochRewards(t *testing.T) {
	tx := newTx(13)
	sks := blsSecretKeysForTesting(t)
	c, err := NewBlsCommittee(0, []walrus.BlsCommitteeMember{member(t, sks[0], 60, testNodeID(0)), member(t, sks[1], 40, testNodeID(1))})
	if err != nil {
		t.Fatal(err)
	}
	s := systemWithCommittee(c)
	coin := &Coin{Value: 1 << 40}
	const used = 10 << 20 // 10 units: 50 FROST per epoch
	if _, err := ReserveSpace(tx.ctx, s, used, 2, coin); err != nil {
		t.Fatal(err)
	}
	if err := AddPerEpochSubsidies(s, []uint64{951}); err != nil { // 1001 in epoch 0
		t.Fatal(err)
	}
	s.DenyListSizes = walrus.DenyListSizes{{NodeID: testNodeID(1), Size: used / 2}}

	next, _ := NewBlsCommittee(1, c.Members)
	sn := takeSnapshot(s, nil, tx)
	_, err = AdvanceEpoch(s, newBlsCommitteeForTesting(t, 2), epochParamsForTesting)
	wantAbort(t, err, ErrIncorrectCommittee)
	sn.unchanged(t, s, nil, tx)

	burn, err := ExtractBurnBalance(s)
	if err != nil || burn != 1001*3/100 {
		t.Fatalf("burn %d, %v", burn, err)
	}
	rewards, err := AdvanceEpoch(s, next, walrus.EpochParams{TotalCapacitySize: 5})
	if err != nil {
		t.Fatal(err)
	}
	// R = 1001 - 30 = 971; stored: 60·used and 40·used/2, so 3:1.
	total := uint64(971)
	r0 := 60 * uint64(used) * total / (60*uint64(used) + 40*uint64(used)/2)
	r1 := 40 * uint64(used) / 2 * total / (60*uint64(used) + 40*uint64(used)/2)
	want := []NodeReward{{testNodeID(0), r0}, {testNodeID(1), r1}}
	if !reflect.DeepEqual(rewards, want) || r0 != 728 || r1 != 242 {
		t.Fatalf("rewards %+v, want %+v", rewards, want)
	}
	// Epoch 1: its own 50 and the leftover 1.
	if r, _ := s.RewardsAt(0); r != 50+total-r0-r1 {
		t.Fatalf("epoch 1 rewards %d", r)
	}
	// The capacity is max(5, used).
	if s.Epoch() != 1 || s.UsedCapacitySize() != used || s.TotalCapacitySize() != used {
		t.Fatalf("epoch %d used %d total %d", s.Epoch(), s.UsedCapacitySize(), s.TotalCapacitySize())
	}
}

// Attribute order: an updated key moves to the end (VecMap remove then insert).
func TestMetadataOrder(t *testing.T) {
	var attrs *walrus.Metadata
	InsertOrUpdateMetadataPair(&attrs, "k1", "v1")
	InsertOrUpdateMetadataPair(&attrs, "k2", "v2")
	InsertOrUpdateMetadataPair(&attrs, "k3", "v3")
	held := attrs
	InsertOrUpdateMetadataPair(&attrs, "k1", "v1b")
	want := walrus.StringMap{{Key: "k2", Value: "v2"}, {Key: "k3", Value: "v3"}, {Key: "k1", Value: "v1b"}}
	if !reflect.DeepEqual(attrs.Metadata, want) {
		t.Fatalf("attributes %+v", attrs.Metadata)
	}
	if held.Metadata[0].Value != "v1" {
		t.Fatal("the update changed an earlier value")
	}
	if v, ok := RemoveMetadataPairIfExists(&attrs, "k3"); !ok || v != "v3" {
		t.Fatalf("%q %v", v, ok)
	}
	if _, ok := RemoveMetadataPairIfExists(&attrs, "k3"); ok {
		t.Fatal("removed twice")
	}
	old := AddOrReplaceMetadata(&attrs, walrus.Metadata{Metadata: walrus.StringMap{{Key: "a", Value: "b"}}})
	if old == nil || !reflect.DeepEqual(old.Metadata, walrus.StringMap{{Key: "k2", Value: "v2"}, {Key: "k1", Value: "v1b"}}) {
		t.Fatalf("replaced %+v", old)
	}
	m, err := TakeMetadata(&attrs)
	if err != nil || attrs != nil || !reflect.DeepEqual(m.Metadata, walrus.StringMap{{Key: "a", Value: "b"}}) {
		t.Fatalf("took %+v, left %+v, %v", m, attrs, err)
	}
	if AddOrReplaceMetadata(&attrs, walrus.Metadata{}) != nil || attrs == nil {
		t.Fatal("add_or_replace on a blob without attributes")
	}
	// The field's ID: Field<vector<u8>, Metadata> named b"metadata" under the blob.
	blobID := walrus.MustParseID("0xb10b")
	name := append([]byte{8}, "metadata"...)
	if MetadataFieldID(blobID) != walrus.DynamicFieldID(blobID, []byte{6, 1}, name) {
		t.Fatal("metadata field ID")
	}
}

// More of storage_resource: exact splits, fuse_amount's period check and overflow.
func TestStorageResourceEdges(t *testing.T) {
	tx := newTx(14)
	s := createForTest(tx, 2, 5, 100)
	rest, err := SplitBySize(tx.ctx, &s, 100)
	if err != nil || s.StorageSize != 100 || rest.StorageSize != 0 || rest.StartEpoch != 2 || rest.EndEpoch != 5 {
		t.Fatalf("%+v %+v %v", s, rest, err)
	}
	_, err = SplitBySize(tx.ctx, &s, 101)
	wantAbort(t, err, ErrIncompatibleAmount)
	for _, e := range []uint32{2, 5} {
		_, err = SplitByEpoch(tx.ctx, &s, e)
		wantAbort(t, err, ErrInvalidEpoch)
	}
	wantAbort(t, FuseAmount(&s, createForTest(tx, 2, 6, 1)), ErrIncompatibleEpochs)
	huge := createForTest(tx, 2, 5, ^uint64(0))
	wantArithmetic(t, FuseAmount(&s, huge))
	if s.StorageSize != 100 {
		t.Fatal("the failed fuse changed the storage")
	}
	// fuse_periods checks the sizes first.
	wantAbort(t, FusePeriods(&s, createForTest(tx, 9, 10, 1)), ErrIncompatibleAmount)
}

// The committee's keys: compressed and uncompressed forms, the empty sum, weights.
func TestBlsCommitteeKeys(t *testing.T) {
	k := blsSKForTesting(t)
	pk := k.PublicKey()
	u, err := G1ToUncompressedG1(pk)
	if err != nil {
		t.Fatal(err)
	}
	back, err := UncompressedG1ToG1(u)
	if err != nil || back != pk {
		t.Fatalf("% x, %v", back, err)
	}
	if _, err := UncompressedG1ToG1(u[:95]); err == nil {
		t.Fatal("accepted 95 bytes")
	}
	empty, err := NewBlsCommittee(0, nil)
	if err != nil || empty.NShards != 0 || !bytes.Equal(empty.TotalAggregatedKey, append([]byte{0xc0}, make([]byte, 47)...)) {
		t.Fatalf("%+v, %v", empty, err)
	}
	_, err = NewBlsCommittee(0, []walrus.BlsCommitteeMember{member(t, k, 0, testNodeID(0))})
	wantAbort(t, err, ErrBlsIncorrectCommittee)
	_, err = NewBlsCommittee(0, []walrus.BlsCommitteeMember{member(t, k, 0xffff, testNodeID(0)), member(t, blsKeyFromScalar(t, 2), 1, testNodeID(1))})
	wantArithmetic(t, err)
}
