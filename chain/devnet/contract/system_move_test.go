package contract

import (
	"reflect"
	"testing"

	"github.com/tuskstore/tusk/chain/messages"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/encoding"
)

// Ports of the Move unit tests of the storage modules (contracts/walrus/tests/system/*.move
// and the #[test]s inside sources/system/*.move at the source commit). Each test names
// its Move original; where the Move test only expects no abort, the port also checks the
// resulting values.

// Constants of blob_tests.move.
const (
	moveMaxEpochsAhead = 104
	moveSize           = 5_000_000
	moveEpoch          = 0
	moveNCoins         = 1_000_000_000
)

var moveRootHash = walrus.U256(u256(0xABC))

// defaultBlobID is blob_tests.move default_blob_id.
func defaultBlobID() encoding.BlobID { return DeriveBlobID(moveRootHash, RS2, moveSize) }

// getStorageResource is blob_tests.move get_storage_resource.
func getStorageResource(t testing.TB, tx *txRecorder, s *SystemState, unencodedSize uint64, epochsAhead uint32) walrus.Storage {
	t.Helper()
	coin := &Coin{Value: moveNCoins}
	size, err := EncodedBlobLength(unencodedSize, RS2, s.NShards())
	if err != nil {
		t.Fatal(err)
	}
	st, err := ReserveSpace(tx.ctx, s, size, epochsAhead, coin)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// registerDefaultBlob is blob_tests.move register_default_blob.
func registerDefaultBlob(tx *txRecorder, s *SystemState, storage walrus.Storage, deletable bool) (walrus.Blob, error) {
	coin := &Coin{Value: moveNCoins}
	return RegisterBlob(tx.ctx, s, storage, defaultBlobID(), moveRootHash, moveSize, RS2, deletable, coin)
}

func mustRegisterDefaultBlob(t testing.TB, tx *txRecorder, s *SystemState, storage walrus.Storage, deletable bool) walrus.Blob {
	t.Helper()
	b, err := registerDefaultBlob(tx, s, storage, deletable)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// certifyForTesting is blob.certify_with_certified_msg(system.epoch(), message) as the
// Move tests call it, bypassing the certificate.
func certifyForTesting(t testing.TB, tx *txRecorder, s *SystemState, b *walrus.Blob) {
	t.Helper()
	msg := CertifiedBlobMessage{BlobID: b.BlobID, Persistence: messages.Permanent()}
	if b.Deletable {
		msg.Persistence = messages.Deletable(b.ID)
	}
	if err := certifyWithCertifiedMsg(tx.ctx, b, s.Epoch(), msg); err != nil {
		t.Fatal(err)
	}
}

// blob_tests.move blob_register_happy_path.
func TestMoveBlobRegisterHappyPath(t *testing.T) {
	tx := newTx(1)
	s := newSystemForTesting(t)
	storage := getStorageResource(t, tx, s, moveSize, 3)
	tx.takeEvents()

	coin := &Coin{Value: moveNCoins}
	blob, err := RegisterBlob(tx.ctx, s, storage, defaultBlobID(), moveRootHash, moveSize, RS2, false, coin)
	if err != nil {
		t.Fatal(err)
	}
	if blob.Deletable {
		t.Fatal("blob is deletable")
	}
	// Beyond the Move test: the blob, the event and the write price.
	// n = 100: f = 33, 34 x 67 source symbols, symbol size ceil(5e6/2278) = 2195 -> 2196,
	// encoded 100 * (101*2196 + 100*64 + 32) = 22_822_800 bytes = 22 MiB units; the write
	// price is 1 FROST per unit.
	if enc, _ := EncodedBlobLength(moveSize, RS2, 100); enc != 22_822_800 || StorageUnitsFromSize(enc) != 22 {
		t.Fatalf("encoded length %d", enc)
	}
	want := walrus.Blob{ID: blob.ID, RegisteredEpoch: 0, BlobID: defaultBlobID(), Size: moveSize, EncodingType: RS2, Storage: storage}
	if !reflect.DeepEqual(blob, want) {
		t.Fatalf("blob %+v, want %+v", blob, want)
	}
	if coin.Value != moveNCoins-22 {
		t.Fatalf("write payment charged %d, want 22", moveNCoins-coin.Value)
	}
	evs := tx.takeEvents()
	wantEv := &walrus.BlobRegistered{Epoch: 0, BlobID: defaultBlobID(), Size: moveSize, EncodingType: RS2, EndEpoch: 3, Deletable: false, ObjectID: blob.ID}
	if len(evs) != 1 || !reflect.DeepEqual(evs[0], wantEv) {
		t.Fatalf("events %+v, want [%+v]", evs, wantEv)
	}
	// Rewards of epoch 0: 3 epochs of storage at 22 units * 5 FROST, and 22 of write price.
	if r, _ := s.RewardsAt(0); r != 110+22 {
		t.Fatalf("rewards of epoch 0: %d", r)
	}
	Burn(blob)
}

// blob_tests.move blob_insufficient_space.
func TestMoveBlobInsufficientSpace(t *testing.T) {
	tx := newTx(1)
	s := newSystemForTesting(t)
	// Get a storage resource that is too small.
	storage := getStorageResource(t, tx, s, moveSize/2, 3)
	_, err := registerDefaultBlob(tx, s, storage, false)
	wantAbort(t, err, ErrResourceSize)
}

// blob_tests.move blob_certify_happy_path.
func TestMoveBlobCertifyHappyPath(t *testing.T) {
	tx := newTx(1)
	s := newSystemForTesting(t)
	storage := getStorageResource(t, tx, s, moveSize, 3)
	blob := mustRegisterDefaultBlob(t, tx, s, storage, false)
	certifyForTesting(t, tx, s, &blob)
	if blob.CertifiedEpoch == nil || *blob.CertifiedEpoch != 0 {
		t.Fatalf("certified epoch %v", blob.CertifiedEpoch)
	}
}

// blob_tests.move blob_certify_single_function.
func TestMoveBlobCertifySingleFunction(t *testing.T) {
	tx := newTx(1)
	sk := blsSKForTesting(t)
	s := newSystemForTesting(t)
	storage := getStorageResource(t, tx, s, moveSize, 3)
	blob1 := mustRegisterDefaultBlob(t, tx, s, storage, false)
	tx.takeEvents()

	// BCS confirmation message for epoch 0 and blob id `blob_id` with intents.
	msg := permanentMessage(moveEpoch, defaultBlobID())
	// Signature from private key scalar(117) on `confirmation`.
	sig, bitmap := certificate(t, []*keysT{sk}, []int{0}, msg)
	if err := CertifyBlob(tx.ctx, s, &blob1, sig, bitmap, msg); err != nil {
		t.Fatal(err)
	}
	if blob1.CertifiedEpoch == nil || *blob1.CertifiedEpoch != 0 {
		t.Fatalf("certified epoch %v", blob1.CertifiedEpoch)
	}
	wantEv := &walrus.BlobCertified{Epoch: 0, BlobID: defaultBlobID(), EndEpoch: 3, Deletable: false, ObjectID: blob1.ID, IsExtension: false}
	if evs := tx.takeEvents(); len(evs) != 1 || !reflect.DeepEqual(evs[0], wantEv) {
		t.Fatalf("events %+v, want [%+v]", evs, wantEv)
	}
}

// blob_tests.move blob_certify_deletable_blob.
func TestMoveBlobCertifyDeletableBlob(t *testing.T) {
	tx := newTx(1)
	sk := blsSKForTesting(t)
	s := newSystemForTesting(t)
	storage := getStorageResource(t, tx, s, moveSize, 3)
	blob1 := mustRegisterDefaultBlob(t, tx, s, storage, true)
	tx.takeEvents()

	msg := deletableMessage(moveEpoch, defaultBlobID(), blob1.ID)
	sig, bitmap := certificate(t, []*keysT{sk}, []int{0}, msg)
	if err := CertifyBlob(tx.ctx, s, &blob1, sig, bitmap, msg); err != nil {
		t.Fatal(err)
	}
	if blob1.CertifiedEpoch == nil {
		t.Fatal("not certified")
	}
	wantEv := &walrus.BlobCertified{Epoch: 0, BlobID: defaultBlobID(), EndEpoch: 3, Deletable: true, ObjectID: blob1.ID, IsExtension: false}
	if evs := tx.takeEvents(); len(evs) != 1 || !reflect.DeepEqual(evs[0], wantEv) {
		t.Fatalf("events %+v, want [%+v]", evs, wantEv)
	}
}

// blob_tests.move blob_certify_deletable_msg_for_permanent_blob.
func TestMoveBlobCertifyDeletableMsgForPermanentBlob(t *testing.T) {
	tx := newTx(1)
	sk := blsSKForTesting(t)
	s := newSystemForTesting(t)
	storage := getStorageResource(t, tx, s, moveSize, 3)
	blob1 := mustRegisterDefaultBlob(t, tx, s, storage, false)

	msg := deletableMessage(moveEpoch, defaultBlobID(), blob1.ID)
	sig, bitmap := certificate(t, []*keysT{sk}, []int{0}, msg)
	before := blob1
	err := CertifyBlob(tx.ctx, s, &blob1, sig, bitmap, msg)
	wantAbort(t, err, ErrInvalidBlobPersistenceType)
	if !reflect.DeepEqual(blob1, before) {
		t.Fatal("the failed certification changed the blob")
	}
}

// blob_tests.move blob_certify_deletable_wrong_object_id.
func TestMoveBlobCertifyDeletableWrongObjectID(t *testing.T) {
	tx := newTx(1)
	sk := blsSKForTesting(t)
	s := newSystemForTesting(t)
	storage := getStorageResource(t, tx, s, moveSize, 3)
	blob1 := mustRegisterDefaultBlob(t, tx, s, storage, true)

	// BCS confirmation message with the wrong object id (@1).
	msg := deletableMessage(moveEpoch, defaultBlobID(), walrus.MustParseID("0x1"))
	sig, bitmap := certificate(t, []*keysT{sk}, []int{0}, msg)
	err := CertifyBlob(tx.ctx, s, &blob1, sig, bitmap, msg)
	wantAbort(t, err, ErrInvalidBlobObject)
	if blob1.CertifiedEpoch != nil {
		t.Fatal("certified")
	}
}

// blob_tests.move blob_certify_bad_blob_id.
func TestMoveBlobCertifyBadBlobID(t *testing.T) {
	tx := newTx(1)
	s := newSystemForTesting(t)
	storage := getStorageResource(t, tx, s, moveSize, 3)
	blob := mustRegisterDefaultBlob(t, tx, s, storage, false)
	// Certify message with a wrong blob id.
	msg := CertifiedBlobMessage{BlobID: encoding.BlobID(u256(0x42)), Persistence: messages.Deletable(blob.ID)}
	wantAbort(t, certifyWithCertifiedMsg(tx.ctx, &blob, s.Epoch(), msg), ErrInvalidBlobID)
}

// blob_tests.move certified_blob_message.
func TestMoveCertifiedBlobMessage(t *testing.T) {
	blobID := defaultBlobID()
	m, err := newCertifiedMessage(permanentMessage(moveEpoch, blobID), moveEpoch, 10)
	if err != nil {
		t.Fatal(err)
	}
	bm, err := m.CertifyBlobMessage()
	if err != nil {
		t.Fatal(err)
	}
	if bm.BlobID != blobID || bm.Persistence.Deletable || m.StakeSupport != 10 {
		t.Fatalf("%+v %+v", m, bm)
	}
}

// blob_tests.move certified_blob_message_too_short.
func TestMoveCertifiedBlobMessageTooShort(t *testing.T) {
	msg := permanentMessage(moveEpoch, defaultBlobID())
	msg = msg[:len(msg)-1] // shorten the message
	m, err := newCertifiedMessage(msg, moveEpoch, 10)
	if err != nil {
		t.Fatal(err)
	}
	_, err = m.CertifyBlobMessage()
	wantAbort(t, err, ErrBCSOutOfRange)
}

// blob_tests.move blob_extend_happy_path.
func TestMoveBlobExtendHappyPath(t *testing.T) {
	tx := newTx(1)
	s := newSystemForTesting(t)
	const endEpoch1, endEpoch2 = 3, 5
	storage := getStorageResource(t, tx, s, moveSize, endEpoch1)
	storageLong := getStorageResource(t, tx, s, moveSize, endEpoch2)
	trailing, err := SplitByEpoch(tx.ctx, &storageLong, endEpoch1)
	if err != nil {
		t.Fatal(err)
	}
	blob := mustRegisterDefaultBlob(t, tx, s, storage, false)
	certifyForTesting(t, tx, s, &blob)
	if blob.Storage.EndEpoch != endEpoch1 {
		t.Fatalf("end epoch %d", blob.Storage.EndEpoch)
	}
	tx.takeEvents()
	if err := ExtendBlobWithResource(tx.ctx, s, &blob, trailing); err != nil {
		t.Fatal(err)
	}
	if blob.Storage.EndEpoch != endEpoch2 || blob.Storage.StartEpoch != 0 || blob.Storage.ID != storage.ID {
		t.Fatalf("storage %+v", blob.Storage)
	}
	wantEv := &walrus.BlobCertified{Epoch: 0, BlobID: defaultBlobID(), EndEpoch: endEpoch2, Deletable: false, ObjectID: blob.ID, IsExtension: true}
	if evs := tx.takeEvents(); len(evs) != 1 || !reflect.DeepEqual(evs[0], wantEv) {
		t.Fatalf("events %+v, want [%+v]", evs, wantEv)
	}
	Destroy(storageLong)
}

// blob_tests.move blob_extend_bad_period.
func TestMoveBlobExtendBadPeriod(t *testing.T) {
	tx := newTx(1)
	s := newSystemForTesting(t)
	const endEpoch1, endEpoch2 = 3, 5
	storage := getStorageResource(t, tx, s, moveSize, endEpoch1)
	storageLong := getStorageResource(t, tx, s, moveSize, endEpoch2)
	// Split by period, one epoch too late.
	trailing, err := SplitByEpoch(tx.ctx, &storageLong, endEpoch1+1)
	if err != nil {
		t.Fatal(err)
	}
	blob := mustRegisterDefaultBlob(t, tx, s, storage, false)
	certifyForTesting(t, tx, s, &blob)
	before := blob
	wantAbort(t, ExtendBlobWithResource(tx.ctx, s, &blob, trailing), ErrIncompatibleEpochs)
	if !reflect.DeepEqual(blob, before) {
		t.Fatal("the failed extension changed the blob")
	}
}

// blob_tests.move direct_extend_happy.
func TestMoveDirectExtendHappy(t *testing.T) {
	tx := newTx(1)
	s := newSystemForTesting(t)
	const initialDuration, extension = 3, 3
	storage := getStorageResource(t, tx, s, moveSize, initialDuration)
	blob := mustRegisterDefaultBlob(t, tx, s, storage, false)
	certifyForTesting(t, tx, s, &blob)
	tx.takeEvents()

	coin := &Coin{Value: moveNCoins}
	if err := ExtendBlob(tx.ctx, s, &blob, extension, coin); err != nil {
		t.Fatal(err)
	}
	if blob.Storage.EndEpoch != moveEpoch+initialDuration+extension {
		t.Fatalf("end epoch %d", blob.Storage.EndEpoch)
	}
	// Beyond the Move test: 3 epochs of 22 units at 5 FROST, paid into epochs 3, 4, 5,
	// whose used capacity grows by the storage size.
	if coin.Value != moveNCoins-3*22*5 {
		t.Fatalf("extension cost %d", moveNCoins-coin.Value)
	}
	for i := uint32(0); i < 7; i++ {
		r, _ := s.RewardsAt(i)
		used, _ := s.UsedCapacityAt(i)
		wantR, wantUsed := uint64(110), uint64(22_822_800)
		switch {
		case i == 0:
			wantR = 110 + 22 // and the write price
		case i >= 6:
			wantR, wantUsed = 0, 0
		}
		if r != wantR || used != wantUsed {
			t.Fatalf("epoch +%d: rewards %d used %d, want %d and %d", i, r, used, wantR, wantUsed)
		}
	}
	wantEv := &walrus.BlobCertified{Epoch: 0, BlobID: defaultBlobID(), EndEpoch: 6, Deletable: false, ObjectID: blob.ID, IsExtension: true}
	if evs := tx.takeEvents(); len(evs) != 1 || !reflect.DeepEqual(evs[0], wantEv) {
		t.Fatalf("events %+v, want [%+v]", evs, wantEv)
	}
}

// blob_tests.move extend_blob_created_from_split_storage.
func TestMoveExtendBlobCreatedFromSplitStorage(t *testing.T) {
	tx := newTx(1)
	s := newSystemForTesting(t)
	payment := &Coin{Value: moveNCoins}
	storage := getStorageResource(t, tx, s, moveSize, 3)
	newStorage, err := SplitByEpoch(tx.ctx, &storage, 2)
	if err != nil {
		t.Fatal(err)
	}
	if newStorage.StartEpoch != 2 || newStorage.EndEpoch != 3 {
		t.Fatalf("new storage %+v", newStorage)
	}
	Destroy(newStorage)
	if storage.StartEpoch != 0 || storage.EndEpoch != 2 {
		t.Fatalf("storage %+v", storage)
	}
	// advance_epoch to epoch 1 when the new storage is valid
	advanceTo(t, s, 1, walrus.EpochParams{TotalCapacitySize: 1_000_000_000, StoragePricePerUnitSize: 5, WritePricePerUnitSize: 1})

	// register a blob with a split storage
	blob := mustRegisterDefaultBlob(t, tx, s, storage, false)
	certifyForTesting(t, tx, s, &blob)
	if err := ExtendBlob(tx.ctx, s, &blob, 3, payment); err != nil {
		t.Fatal(err)
	}
	if blob.Storage.EndEpoch != 5 || blob.RegisteredEpoch != 1 || *blob.CertifiedEpoch != 1 {
		t.Fatalf("blob %+v", blob)
	}
}

// blob_tests.move direct_extend_not_certified.
func TestMoveDirectExtendNotCertified(t *testing.T) {
	tx := newTx(1)
	s := newSystemForTesting(t)
	storage := getStorageResource(t, tx, s, moveSize, 3)
	blob := mustRegisterDefaultBlob(t, tx, s, storage, false)
	coin := &Coin{Value: moveNCoins}
	sn := takeSnapshot(s, coin, tx)
	wantAbort(t, ExtendBlob(tx.ctx, s, &blob, 3, coin), ErrNotCertified)
	sn.unchanged(t, s, coin, tx)
}

// blob_tests.move direct_extend_expired.
func TestMoveDirectExtendExpired(t *testing.T) {
	tx := newTx(1)
	s := newSystemForTesting(t)
	storage := getStorageResource(t, tx, s, moveSize, 1)
	blob := mustRegisterDefaultBlob(t, tx, s, storage, false)
	certifyForTesting(t, tx, s, &blob)
	advanceTo(t, s, 1, epochParamsForTesting)
	coin := &Coin{Value: moveNCoins}
	sn := takeSnapshot(s, coin, tx)
	wantAbort(t, ExtendBlob(tx.ctx, s, &blob, 3, coin), ErrResourceBounds)
	sn.unchanged(t, s, coin, tx)
}

// blob_tests.move direct_extend_too_long.
func TestMoveDirectExtendTooLong(t *testing.T) {
	tx := newTx(1)
	s := newSystemForTesting(t)
	storage := getStorageResource(t, tx, s, moveSize, 3)
	blob := mustRegisterDefaultBlob(t, tx, s, storage, false)
	certifyForTesting(t, tx, s, &blob)
	coin := &Coin{Value: moveNCoins}
	sn := takeSnapshot(s, coin, tx)
	wantAbort(t, ExtendBlob(tx.ctx, s, &blob, moveMaxEpochsAhead, coin), ErrInvalidEpochsAhead)
	sn.unchanged(t, s, coin, tx)
}

// blob_tests.move delete_blob.
func TestMoveDeleteBlob(t *testing.T) {
	tx := newTx(1)
	s := newSystemForTesting(t)
	storage := getStorageResource(t, tx, s, moveSize, 3)
	blob := mustRegisterDefaultBlob(t, tx, s, storage, true)
	certifyForTesting(t, tx, s, &blob)
	if blob.CertifiedEpoch == nil || !blob.Deletable {
		t.Fatal("not certified or not deletable")
	}
	tx.takeEvents()
	got, err := DeleteBlob(tx.ctx, s, blob)
	if err != nil {
		t.Fatal(err)
	}
	if got != storage {
		t.Fatalf("storage %+v, want %+v", got, storage)
	}
	wantEv := &walrus.BlobDeleted{Epoch: 0, BlobID: defaultBlobID(), EndEpoch: 3, ObjectID: blob.ID, WasCertified: true}
	if evs := tx.takeEvents(); len(evs) != 1 || !reflect.DeepEqual(evs[0], wantEv) {
		t.Fatalf("events %+v, want [%+v]", evs, wantEv)
	}
	Destroy(got)
}

// blob_tests.move delete_undeletable_blob.
func TestMoveDeleteUndeletableBlob(t *testing.T) {
	tx := newTx(1)
	s := newSystemForTesting(t)
	storage := getStorageResource(t, tx, s, moveSize, 3)
	blob := mustRegisterDefaultBlob(t, tx, s, storage, false)
	certifyForTesting(t, tx, s, &blob)
	sn := takeSnapshot(s, nil, tx)
	_, err := DeleteBlob(tx.ctx, s, blob)
	wantAbort(t, err, ErrBlobNotDeletable)
	sn.unchanged(t, s, nil, tx)
}

// blob_tests.move blob_add_metadata.
func TestMoveBlobAddMetadata(t *testing.T) {
	var attrs *walrus.Metadata
	if err := AddMetadata(&attrs, walrus.Metadata{}); err != nil {
		t.Fatal(err)
	}
	InsertOrUpdateMetadataPair(&attrs, "key1", "value1")
	InsertOrUpdateMetadataPair(&attrs, "key1", "value3")
	k, v, err := RemoveMetadataPair(&attrs, "key1")
	if err != nil || k != "key1" || v != "value3" {
		t.Fatalf("(%q, %q, %v)", k, v, err)
	}
}

// blob_tests.move blob_add_metadata_already_exists.
func TestMoveBlobAddMetadataAlreadyExists(t *testing.T) {
	var attrs *walrus.Metadata
	if err := AddMetadata(&attrs, walrus.Metadata{}); err != nil {
		t.Fatal(err)
	}
	wantAbort(t, AddMetadata(&attrs, walrus.Metadata{}), ErrDuplicateMetadata)
}

// blob_tests.move blob_take_metadata_nonexistent.
func TestMoveBlobTakeMetadataNonexistent(t *testing.T) {
	var attrs *walrus.Metadata
	_, err := TakeMetadata(&attrs)
	wantAbort(t, err, ErrMissingMetadata)
}

// blob_tests.move blob_insert_metadata_pair_nonexistent.
func TestMoveBlobInsertMetadataPairNonexistent(t *testing.T) {
	var attrs *walrus.Metadata
	// New metadata is created if it doesn't exist.
	InsertOrUpdateMetadataPair(&attrs, "key1", "value1")
	if attrs == nil || !reflect.DeepEqual(attrs.Metadata, walrus.StringMap{{Key: "key1", Value: "value1"}}) {
		t.Fatalf("attributes %+v", attrs)
	}
}

// blob_tests.move blob_remove_metadata_pair_nonexistent.
func TestMoveBlobRemoveMetadataPairNonexistent(t *testing.T) {
	var attrs *walrus.Metadata
	_, _, err := RemoveMetadataPair(&attrs, "key1")
	wantAbort(t, err, ErrMissingMetadata)
}

// blob_tests.move blob_remove_metadata_pair_if_exists_nonexistent.
func TestMoveBlobRemoveMetadataPairIfExistsNonexistent(t *testing.T) {
	var attrs *walrus.Metadata
	if _, ok := RemoveMetadataPairIfExists(&attrs, "key1"); ok || attrs != nil {
		t.Fatal("removed from a blob without attributes")
	}
}

// metadata_tests.move test_metadata_success.
func TestMoveMetadataSuccess(t *testing.T) {
	var attrs *walrus.Metadata
	InsertOrUpdateMetadataPair(&attrs, "key1", "value1")
	InsertOrUpdateMetadataPair(&attrs, "key2", "value2")
	// Update the value corresponding to key1.
	InsertOrUpdateMetadataPair(&attrs, "key1", "value3")
	k, v, err := RemoveMetadataPair(&attrs, "key1")
	if err != nil || k != "key1" || v != "value3" {
		t.Fatalf("(%q, %q, %v)", k, v, err)
	}
}

// metadata_tests.move test_metadata_failure.
func TestMoveMetadataFailure(t *testing.T) {
	var attrs *walrus.Metadata
	InsertOrUpdateMetadataPair(&attrs, "key1", "value1")
	_, _, err := RemoveMetadataPair(&attrs, "key2")
	wantAbort(t, err, ErrKeyDoesNotExist)
}

// --- bls_tests.move ---

// createCommitteeAndCert is bls_tests.move create_committee_and_cert_with_signer_indices:
// ten keys 1..10 with the given weights (1 each by default) in epoch 5, and a
// certificate of the signers over certified_permanent_message_bytes(5, 0xABC).
func createCommitteeAndCert(t *testing.T, weights []uint16, signers []int) (walrus.BlsCommittee, []byte, []byte, []byte) {
	t.Helper()
	sks := blsSecretKeysForTesting(t)
	if weights == nil {
		weights = []uint16{1, 1, 1, 1, 1, 1, 1, 1, 1, 1}
	}
	const epoch = 5
	message := permanentMessage(epoch, encoding.BlobID(u256(0xABC)))
	sig, bitmap := certificate(t, sks, signers, message)
	ms := make([]walrus.BlsCommitteeMember, len(sks))
	for i, k := range sks {
		ms[i] = member(t, k, weights[i], testNodeID(i))
	}
	c, err := NewBlsCommittee(epoch, ms)
	if err != nil {
		t.Fatal(err)
	}
	return c, sig, bitmap, message
}

var defaultSigners = []int{0, 1, 2, 3, 4, 7, 8}

// bls_tests.move test_check_aggregate.
func TestMoveCheckAggregate(t *testing.T) {
	c, sig, bitmap, msg := createCommitteeAndCert(t, nil, defaultSigners)
	w, err := verifyCertificateAndWeight(&c, sig, bitmap, msg, messages.Quorum)
	if err != nil || w != 7 {
		t.Fatalf("weight %d, %v", w, err)
	}
}

// bls_tests.move test_check_aggregate_short_bitmap.
func TestMoveCheckAggregateShortBitmap(t *testing.T) {
	c, sig, bitmap, msg := createCommitteeAndCert(t, nil, []int{0, 1, 2, 3, 4, 5, 6})
	bitmap = bitmap[:1] // signers_to_bitmap makes one byte: shorter than ceil(10/8) = 2
	if _, err := verifyCertificateAndWeight(&c, sig, bitmap, msg, messages.Quorum); err != nil {
		t.Fatal(err)
	}
}

// bls_tests.move test_check_aggregate_invalid_bitmap.
func TestMoveCheckAggregateInvalidBitmap(t *testing.T) {
	c, sig, bitmap, msg := createCommitteeAndCert(t, nil, defaultSigners)
	bitmap = append(bitmap, 0) // one byte too long
	_, err := verifyCertificateAndWeight(&c, sig, bitmap, msg, messages.Quorum)
	wantAbort(t, err, ErrInvalidBitmap)
}

// bls_tests.move test_add_members_error.
func TestMoveAddMembersError(t *testing.T) {
	c, sig, bitmap, msg := createCommitteeAndCert(t, nil, defaultSigners)
	other := []byte{bitmap[0] | 64, bitmap[1]} // add the 7th signer
	_, err := verifyCertificateAndWeight(&c, sig, other, msg, messages.Quorum)
	wantAbort(t, err, ErrSigVerification)
}

// bls_tests.move test_incorrect_signature_error.
func TestMoveIncorrectSignatureError(t *testing.T) {
	c, sig, bitmap, msg := createCommitteeAndCert(t, nil, defaultSigners)
	sig[0], sig[1] = sig[1], sig[0] // swap the first two bytes
	_, err := verifyCertificateAndWeight(&c, sig, bitmap, msg, messages.Quorum)
	wantAbort(t, err, ErrSigVerification)
}

// bls_tests.move test_incorrect_stake_error.
func TestMoveIncorrectStakeError(t *testing.T) {
	// Committee has total weight 11 but only signatures from 7.
	c, sig, bitmap, msg := createCommitteeAndCert(t, []uint16{1, 1, 1, 1, 1, 1, 1, 1, 1, 2}, defaultSigners)
	_, err := verifyCertificateAndWeight(&c, sig, bitmap, msg, messages.Quorum)
	wantAbort(t, err, ErrNotEnoughStake)
}

// bls_tests.move test_cert_basic_correct.
func TestMoveCertBasicCorrect(t *testing.T) {
	c, sig, bitmap, msg := createCommitteeAndCert(t, nil, defaultSigners)
	cm, err := VerifyQuorumInEpoch(&c, sig, bitmap, msg)
	if err != nil {
		t.Fatal(err)
	}
	bm, err := cm.CertifyBlobMessage()
	if err != nil {
		t.Fatal(err)
	}
	if cm.CertEpoch != 5 || cm.StakeSupport != 7 || bm.BlobID != encoding.BlobID(u256(0xABC)) {
		t.Fatalf("%+v %+v", cm, bm)
	}
}

// bls_tests.move test_cert_incorrect_epoch.
func TestMoveCertIncorrectEpoch(t *testing.T) {
	c, sig, bitmap, msg := createCommitteeAndCert(t, nil, defaultSigners)
	c.Epoch++ // increment_epoch_for_testing
	_, err := VerifyQuorumInEpoch(&c, sig, bitmap, msg)
	wantAbort(t, err, ErrIncorrectEpoch)
}

// --- invalid_tests.move ---

var invalidBlobID = encoding.BlobID(u256(0xC0FFEE))

// invalid_tests.move test_invalid_blob_ok.
func TestMoveInvalidBlobOK(t *testing.T) {
	const epoch = 5
	c := newBlsCommitteeForTesting(t, epoch)
	msg := messages.NewInvalidBlobIDMessage(epoch, invalidBlobID)
	sig, bitmap := certificate(t, []*keysT{blsSKForTesting(t)}, []int{0}, msg)
	cm, err := VerifyQuorumInEpoch(&c, sig, bitmap, msg)
	if err != nil {
		t.Fatal(err)
	}
	id, err := cm.InvalidBlobIDMessage()
	if err != nil || id != invalidBlobID {
		t.Fatalf("%s, %v", id, err)
	}
}

// invalid_tests.move test_invalidate_happy.
func TestMoveInvalidateHappy(t *testing.T) {
	tx := newTx(1)
	s := newSystemForTesting(t)
	advanceTo(t, s, 5, epochParamsForTesting)
	msg := messages.NewInvalidBlobIDMessage(s.Epoch(), invalidBlobID)
	sig, bitmap := certificate(t, []*keysT{blsSKForTesting(t)}, []int{0}, msg)
	id, err := InvalidateBlobID(tx.ctx, s, sig, bitmap, msg)
	if err != nil || id != invalidBlobID {
		t.Fatalf("%s, %v", id, err)
	}
	wantEv := &walrus.InvalidBlobID{Epoch: 5, BlobID: invalidBlobID}
	if evs := tx.takeEvents(); len(evs) != 1 || !reflect.DeepEqual(evs[0], wantEv) {
		t.Fatalf("events %+v, want [%+v]", evs, wantEv)
	}
}

// invalid_tests.move test_system_invalid_id_wrong_epoch.
func TestMoveSystemInvalidIDWrongEpoch(t *testing.T) {
	tx := newTx(1)
	s := newSystemForTesting(t)
	advanceTo(t, s, 5, epochParamsForTesting)
	msg := messages.NewInvalidBlobIDMessage(s.Epoch()-1, invalidBlobID)
	sig, bitmap := certificate(t, []*keysT{blsSKForTesting(t)}, []int{0}, msg)
	sn := takeSnapshot(s, nil, tx)
	_, err := InvalidateBlobID(tx.ctx, s, sig, bitmap, msg)
	wantAbort(t, err, ErrIncorrectEpoch)
	sn.unchanged(t, s, nil, tx)
}

// --- ringbuffer_tests.move ---

// ringbuffer_tests.move test_basic_ring_buffer.
func TestMoveBasicRingBuffer(t *testing.T) {
	buf := RingNew(3)
	epochAt := func(i uint32) uint32 {
		t.Helper()
		a, err := RingLookup(&buf, i)
		if err != nil {
			t.Fatal(err)
		}
		return a.Epoch
	}
	if epochAt(0) != 0 || epochAt(1) != 1 || epochAt(2) != 2 {
		t.Fatal("initial epochs")
	}
	for want := uint32(0); want < 2; want++ {
		e, err := RingPopExpand(&buf)
		if err != nil || e.Epoch != want || e.RewardsToDistribute != 0 {
			t.Fatalf("popped %+v, %v", e, err)
		}
	}
	if epochAt(0) != 2 || epochAt(1) != 3 || epochAt(2) != 4 {
		t.Fatalf("epochs after two pops: %+v", buf)
	}
}

// ringbuffer_tests.move test_oob_fail_ring_buffer.
func TestMoveOOBFailRingBuffer(t *testing.T) {
	buf := RingNew(3)
	_, err := RingLookup(&buf, 3)
	wantAbort(t, err, ErrTooFarInFuture)
}

// --- system_state_inner_tests.move ---

// system_state_inner_tests.move add_subsidy_test.
func addSubsidyTest(t *testing.T, rewards uint64, epochsAhead uint32) {
	t.Helper()
	s := newSystemForTesting(t)
	base, leftovers := rewards/uint64(epochsAhead), rewards%uint64(epochsAhead)
	if err := AddSubsidy(s, Coin{Value: rewards}, epochsAhead); err != nil {
		t.Fatal(err)
	}
	for i := range epochsAhead {
		want := base
		if uint64(i) < leftovers {
			want++
		}
		if r, _ := s.RewardsAt(i); r != want {
			t.Fatalf("epoch +%d: %d, want %d", i, r, want)
		}
	}
}

// system_state_inner_tests.move test_add_subsidy_zero_rewards,
// test_add_subsidy_one_epoch_ahead, test_add_subsidy_multiple_epochs_ahead.
func TestMoveAddSubsidy(t *testing.T) {
	addSubsidyTest(t, 0, 2)
	addSubsidyTest(t, 1000, 1)
	addSubsidyTest(t, 1000, 4)
}

// system_state_inner_tests.move test_add_subsidy_uneven_distribution.
func TestMoveAddSubsidyUnevenDistribution(t *testing.T) {
	s := newSystemForTesting(t)
	if err := AddSubsidy(s, Coin{Value: 1001}, 3); err != nil {
		t.Fatal(err)
	}
	// The first epoch gets the 2 leftover FROST.
	for i, want := range []uint64{333 + 2, 333, 333} {
		if r, _ := s.RewardsAt(uint32(i)); r != want {
			t.Fatalf("epoch +%d: %d, want %d", i, r, want)
		}
	}
}

// system_state_inner_tests.move test_add_subsidy_zero_epochs_ahead_fail.
func TestMoveAddSubsidyZeroEpochsAheadFail(t *testing.T) {
	s := newSystemForTesting(t)
	wantAbort(t, AddSubsidy(s, Coin{Value: 1000}, 0), ErrInvalidEpochsAhead)
}

// --- storage_resource_tests.move ---

func createForTest(tx *txRecorder, start, end uint32, size uint64) walrus.Storage {
	return walrus.Storage{ID: tx.ctx.NewID(), StartEpoch: start, EndEpoch: end, StorageSize: size}
}

// storage_resource_tests.move test_split_epoch.
func TestMoveSplitEpoch(t *testing.T) {
	tx := newTx(1)
	storage := createForTest(tx, 0, 10, 5_000_000)
	n, err := SplitByEpoch(tx.ctx, &storage, 7)
	if err != nil {
		t.Fatal(err)
	}
	if storage.StartEpoch != 0 || storage.EndEpoch != 7 || n.StartEpoch != 7 || n.EndEpoch != 10 ||
		storage.StorageSize != 5_000_000 || n.StorageSize != 5_000_000 || n.ID == storage.ID {
		t.Fatalf("%+v %+v", storage, n)
	}
}

// storage_resource_tests.move test_split_size.
func TestMoveSplitSize(t *testing.T) {
	tx := newTx(1)
	storage := createForTest(tx, 0, 10, 5_000_000)
	n, err := SplitBySize(tx.ctx, &storage, 1_000_000)
	if err != nil {
		t.Fatal(err)
	}
	if storage.StartEpoch != 0 || storage.EndEpoch != 10 || n.StartEpoch != 0 || n.EndEpoch != 10 ||
		storage.StorageSize != 1_000_000 || n.StorageSize != 4_000_000 {
		t.Fatalf("%+v %+v", storage, n)
	}
}

// storage_resource_tests.move test_split_epoch_invalid_end.
func TestMoveSplitEpochInvalidEnd(t *testing.T) {
	tx := newTx(1)
	storage := createForTest(tx, 0, 10, 5_000_000)
	before := storage
	_, err := SplitByEpoch(tx.ctx, &storage, 11)
	wantAbort(t, err, ErrInvalidEpoch)
	if storage != before {
		t.Fatal("changed")
	}
}

// storage_resource_tests.move test_split_epoch_invalid_start.
func TestMoveSplitEpochInvalidStart(t *testing.T) {
	tx := newTx(1)
	storage := createForTest(tx, 1, 10, 5_000_000)
	_, err := SplitByEpoch(tx.ctx, &storage, 0)
	wantAbort(t, err, ErrInvalidEpoch)
}

// storage_resource_tests.move test_fuse_size.
func TestMoveFuseSize(t *testing.T) {
	tx := newTx(1)
	first := createForTest(tx, 0, 10, 1_000_000)
	second := createForTest(tx, 0, 10, 2_000_000)
	if err := Fuse(&first, second); err != nil {
		t.Fatal(err)
	}
	if first.StartEpoch != 0 || first.EndEpoch != 10 || first.StorageSize != 3_000_000 {
		t.Fatalf("%+v", first)
	}
}

// storage_resource_tests.move test_fuse_epochs.
func TestMoveFuseEpochs(t *testing.T) {
	tx := newTx(1)
	first := createForTest(tx, 0, 5, 1_000_000)
	second := createForTest(tx, 5, 10, 1_000_000)
	// list the `earlier` resource first
	if err := Fuse(&first, second); err != nil {
		t.Fatal(err)
	}
	if first.StartEpoch != 0 || first.EndEpoch != 10 || first.StorageSize != 1_000_000 {
		t.Fatalf("%+v", first)
	}
	// list the `latter` resource first
	second = createForTest(tx, 10, 15, 1_000_000)
	if err := Fuse(&second, first); err != nil {
		t.Fatal(err)
	}
	if second.StartEpoch != 0 || second.EndEpoch != 15 || second.StorageSize != 1_000_000 {
		t.Fatalf("%+v", second)
	}
}

// storage_resource_tests.move test_fuse_incompatible_size.
func TestMoveFuseIncompatibleSize(t *testing.T) {
	tx := newTx(1)
	first := createForTest(tx, 0, 5, 1_000_000)
	second := createForTest(tx, 5, 10, 2_000_000)
	wantAbort(t, Fuse(&first, second), ErrIncompatibleAmount)
}

// storage_resource_tests.move test_fuse_incompatible_epochs.
func TestMoveFuseIncompatibleEpochs(t *testing.T) {
	tx := newTx(1)
	first := createForTest(tx, 0, 6, 1_000_000)
	second := createForTest(tx, 5, 10, 1_000_000)
	before := first
	wantAbort(t, Fuse(&first, second), ErrIncompatibleEpochs)
	if first != before {
		t.Fatal("changed")
	}
}

func usedAt(t *testing.T, s *SystemState, i uint32) uint64 {
	t.Helper()
	u, err := s.UsedCapacityAt(i)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// storage_resource_tests.move storage_capacity_at_epochs.
func TestMoveStorageCapacityAtEpochs(t *testing.T) {
	tx := newTx(1)
	s := newSystemForTesting(t)
	payment := &Coin{Value: 10_000_000_000}
	if s.UsedCapacitySize() != 0 || s.TotalCapacitySize() != 1_000_000_000 {
		t.Fatal("initial capacity")
	}
	// half of the available space for current and next epoch
	st, err := ReserveSpace(tx.ctx, s, 500_000_000, 2, payment)
	if err != nil {
		t.Fatal(err)
	}
	if st.EndEpoch != 2 || st.StorageSize != 500_000_000 || s.UsedCapacitySize() != 500_000_000 ||
		usedAt(t, s, 1) != 500_000_000 || usedAt(t, s, 2) != 0 {
		t.Fatalf("after the first reservation: %+v used %d", st, s.UsedCapacitySize())
	}
	// reserve more space for the current epoch
	st, err = ReserveSpace(tx.ctx, s, 500_000_000, 1, payment)
	if err != nil {
		t.Fatal(err)
	}
	if st.EndEpoch != 1 || st.StorageSize != 500_000_000 || s.UsedCapacitySize() != 1_000_000_000 ||
		usedAt(t, s, 1) != 500_000_000 || usedAt(t, s, 2) != 0 {
		t.Fatalf("after the second reservation: %+v used %d", st, s.UsedCapacitySize())
	}
	params := walrus.EpochParams{TotalCapacitySize: 10_000_000_000, StoragePricePerUnitSize: 5, WritePricePerUnitSize: 1}
	// next epoch: 1
	advanceTo(t, s, 1, params)
	if s.UsedCapacitySize() != 500_000_000 || s.TotalCapacitySize() != 10_000_000_000 || usedAt(t, s, 1) != 0 {
		t.Fatalf("epoch 1: used %d total %d", s.UsedCapacitySize(), s.TotalCapacitySize())
	}
	// next epoch: 2
	advanceTo(t, s, 2, params)
	if s.UsedCapacitySize() != 0 || s.TotalCapacitySize() != 10_000_000_000 {
		t.Fatalf("epoch 2: used %d total %d", s.UsedCapacitySize(), s.TotalCapacitySize())
	}
}

// storage_resource_tests.move exceed_storage_capacity.
func TestMoveExceedStorageCapacity(t *testing.T) {
	tx := newTx(1)
	s := newSystemForTesting(t)
	payment := &Coin{Value: 10_000_000_000}
	sn := takeSnapshot(s, payment, tx)
	_, err := ReserveSpace(tx.ctx, s, 1_000_000_001, 2, payment)
	wantAbort(t, err, ErrStorageExceeded)
	sn.unchanged(t, s, payment, tx)
}

// storage_resource_tests.move correct_capacity_when_reserving_future_epochs.
func TestMoveCorrectCapacityWhenReservingFutureEpochs(t *testing.T) {
	tx := newTx(1)
	s := newSystemForTesting(t)
	payment := &Coin{Value: 10_000_000_000}
	const amount, start, end = 500_000_000, 5, 10
	st, err := ReserveSpaceForEpochs(tx.ctx, s, amount, start, end, payment)
	if err != nil {
		t.Fatal(err)
	}
	if st.StartEpoch != start || st.EndEpoch != end || st.StorageSize != amount || s.UsedCapacitySize() != 0 {
		t.Fatalf("%+v used %d", st, s.UsedCapacitySize())
	}
	for i := uint32(0); i <= end; i++ {
		want := uint64(0)
		if i >= start && i < end {
			want = amount
		}
		if got := usedAt(t, s, i); got != want {
			t.Fatalf("epoch %d: used %d, want %d", i, got, want)
		}
	}
}

// storage_resource_tests.move exceed_storage_capacity_in_future_epoch.
func TestMoveExceedStorageCapacityInFutureEpoch(t *testing.T) {
	tx := newTx(1)
	s := newSystemForTesting(t)
	payment := &Coin{Value: 10_000_000_000}
	sn := takeSnapshot(s, payment, tx)
	_, err := ReserveSpaceForEpochs(tx.ctx, s, 1_000_000_001, 5, 10, payment)
	wantAbort(t, err, ErrStorageExceeded)
	sn.unchanged(t, s, payment, tx)
}

// storage_resource_tests.move test_reserve_space_zero_size.
func TestMoveReserveSpaceZeroSize(t *testing.T) {
	tx := newTx(1)
	s := newSystemForTesting(t)
	payment := &Coin{Value: 10_000_000_000}
	_, err := ReserveSpace(tx.ctx, s, 0, 2, payment)
	wantAbort(t, err, ErrInvalidResourceSize)
}

// --- redstuff.move and messages.move #[test]s ---

// redstuff.move test_encoded_size_reed_solomon and test_zero_size.
func TestMoveEncodedSizeReedSolomon(t *testing.T) {
	for _, c := range []struct {
		length uint64
		n      uint16
		want   uint64
	}{
		{1, 10, 10 * (2*(4+7) + 10*2*32 + 32)},
		{1, 1000, 1000 * (2*(334+667) + 1000*2*32 + 32)},
		{(4 * 7) * 100, 10, 10 * ((4+7)*100 + 10*2*32 + 32)},
		{(334 * 667) * 100, 1000, 1000 * ((334+667)*100 + 1000*2*32 + 32)},
		{0, 10, 10 * (2*(4+7) + 10*2*32 + 32)}, // test_zero_size
	} {
		got, err := EncodedBlobLength(c.length, RS2, c.n)
		if err != nil || got != c.want {
			t.Fatalf("encoded_blob_length(%d, %d) = %d, %v; want %d", c.length, c.n, got, err, c.want)
		}
	}
}

// redstuff.move test_source_symbols_number, checked through the encoded length of a
// one-byte blob: n · (2·(primary + secondary) + n·64 + 32).
func TestMoveSourceSymbolsNumber(t *testing.T) {
	for _, c := range []struct{ n, primary, secondary uint16 }{
		{7, 3, 5}, {10, 4, 7}, {31, 11, 21}, {100, 34, 67}, {301, 101, 201}, {1000, 334, 667},
	} {
		n := uint64(c.n)
		want := n * (2*uint64(c.primary+c.secondary) + n*64 + 32)
		if got, err := EncodedBlobLength(1, RS2, c.n); err != nil || got != want {
			t.Fatalf("n=%d: %d, %v; want %d", c.n, got, err, want)
		}
	}
}

// messages.move test_message_creation.
func TestMoveMessageCreation(t *testing.T) {
	const epoch = 42
	blobID := encoding.BlobID(bigToU256(t, "deadbeefdeadbeefdeadbeefdeadbeef"))
	m, err := newCertifiedMessage(permanentMessage(epoch, blobID), epoch, 1)
	if err != nil {
		t.Fatal(err)
	}
	bm, err := m.CertifyBlobMessage()
	if err != nil || bm.BlobID != blobID {
		t.Fatalf("%+v, %v", bm, err)
	}
}

// messages.move test_certified_deletable_blob_message.
func TestMoveCertifiedDeletableBlobMessage(t *testing.T) {
	const epoch = 42
	blobID := encoding.BlobID(bigToU256(t, "deadbeefdeadbeefdeadbeefdeadbeef"))
	objectID := walrus.MustParseID("0x42")
	m, err := newCertifiedMessage(deletableMessage(epoch, blobID, objectID), epoch, 1)
	if err != nil {
		t.Fatal(err)
	}
	bm, err := m.CertifyBlobMessage()
	if err != nil || bm.BlobID != blobID || !bm.Persistence.Deletable {
		t.Fatalf("%+v, %v", bm, err)
	}
	if id, err := blobPersistenceObjectID(bm.Persistence); err != nil || id != objectID {
		t.Fatalf("%s, %v", id, err)
	}
}

// test_utils.move test_bls_pk: the public key of the scalar 117.
func TestMoveBlsPk(t *testing.T) {
	pk := blsSKForTesting(t).PublicKey()
	const want = "95eacc3adc09c827593f581e8e2de068bf4cf5d0c0eb29e5372f0d23364788ee0f9beb112c8a7e9c2f0c720433705cf0"
	if got := hexString(pk[:]); got != want {
		t.Fatalf("pk %s, want %s", got, want)
	}
}
