package contract

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"math/big"
	"testing"

	"github.com/tuskstore/tusk/chain/keys"
	"github.com/tuskstore/tusk/chain/messages"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/internal/bcs"
)

// Helpers shared by the tests of the storage functions: the test systems and committees
// of contracts/walrus/tests/test_utils.move and system_state_inner.move's
// new_for_testing, a recording TxContext, certificates built with chain/keys and
// chain/messages, and abort assertions.

// txRecorder is a TxContext that hands out IDs derived from a digest and records events.
type txRecorder struct {
	ctx     *TxContext
	digest  [32]byte
	created uint64
	events  []walrus.Event
}

func newTx(seed byte) *txRecorder {
	r := &txRecorder{digest: [32]byte{0xde, 0xad, seed}}
	r.ctx = &TxContext{
		Sender: walrus.MustParseID("0xa11ce"),
		NewID: func() walrus.ID {
			id := DeriveObjectID(r.digest, r.created)
			r.created++
			return id
		},
		Emit: func(ev walrus.Event) { r.events = append(r.events, ev) },
	}
	return r
}

// takeEvents returns the events recorded so far and forgets them.
func (r *txRecorder) takeEvents() []walrus.Event {
	evs := r.events
	r.events = nil
	return evs
}

// blsKeyFromScalar is bls12381::scalar_from_u64(v) as a key (32-byte big-endian scalar).
func blsKeyFromScalar(t testing.TB, v uint64) *keys.BLSKey {
	t.Helper()
	var b [32]byte
	binary.BigEndian.PutUint64(b[24:], v)
	k, err := keys.BLSKeyFromBytes(b[:])
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// blsSKForTesting is test_utils::bls_sk_for_testing: the scalar 117.
func blsSKForTesting(t testing.TB) *keys.BLSKey { return blsKeyFromScalar(t, 117) }

// blsSecretKeysForTesting is test_utils::bls_secret_keys_for_testing: scalars 1..10.
func blsSecretKeysForTesting(t testing.TB) []*keys.BLSKey {
	out := make([]*keys.BLSKey, 10)
	for i := range out {
		out[i] = blsKeyFromScalar(t, uint64(i+1))
	}
	return out
}

func testNodeID(i int) walrus.ID {
	var id walrus.ID
	id[0] = 0x10
	binary.BigEndian.PutUint64(id[24:], uint64(i))
	return id
}

func member(t testing.TB, k *keys.BLSKey, weight uint16, nodeID walrus.ID) walrus.BlsCommitteeMember {
	t.Helper()
	upk, err := G1ToUncompressedG1(k.PublicKey())
	if err != nil {
		t.Fatal(err)
	}
	return walrus.BlsCommitteeMember{PublicKey: upk, Weight: weight, NodeID: nodeID}
}

// newBlsCommitteeForTesting is test_utils::new_bls_committee_for_testing: one member
// with the key 117 and 100 shards.
func newBlsCommitteeForTesting(t testing.TB, epoch uint32) walrus.BlsCommittee {
	t.Helper()
	c, err := NewBlsCommittee(epoch, []walrus.BlsCommitteeMember{member(t, blsSKForTesting(t), 100, testNodeID(0))})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// newBlsCommitteeWithMultipleMembersForTesting is
// test_utils::new_bls_committee_with_multiple_members_for_testing: ten members with the
// keys 1..10 and 100 shards each.
func newBlsCommitteeWithMultipleMembersForTesting(t testing.TB, epoch uint32) (walrus.BlsCommittee, []*keys.BLSKey) {
	t.Helper()
	sks := blsSecretKeysForTesting(t)
	ms := make([]walrus.BlsCommitteeMember, len(sks))
	for i, k := range sks {
		ms[i] = member(t, k, 100, testNodeID(i))
	}
	c, err := NewBlsCommittee(epoch, ms)
	if err != nil {
		t.Fatal(err)
	}
	return c, sks
}

// newSystemForTesting is system::new_for_testing (system_state_inner::new_for_testing):
// the one-member committee of epoch 0, capacity 1_000_000_000, storage price 5, write
// price 1, 104 epochs ahead.
func newSystemForTesting(t testing.TB) *SystemState {
	return systemWithCommittee(newBlsCommitteeForTesting(t, 0))
}

func systemWithCommittee(c walrus.BlsCommittee) *SystemState {
	return &SystemState{
		System: walrus.System{ID: walrus.MustParseID("0x5157"), Version: walrus.SystemVersion, PackageID: walrus.MustParseID("0x9ac")},
		Inner: walrus.SystemStateInnerV1{
			Committee:               c,
			TotalCapacitySize:       1_000_000_000,
			StoragePricePerUnitSize: 5,
			WritePricePerUnitSize:   1,
			FutureAccounting:        RingNew(104),
			DenyListSizes:           walrus.ExtendedField{ID: walrus.MustParseID("0xd1")},
		},
	}
}

// epochParamsForTesting is epoch_parameters::epoch_params_for_testing.
var epochParamsForTesting = walrus.EpochParams{TotalCapacitySize: 1_000_000_000, StoragePricePerUnitSize: 5, WritePricePerUnitSize: 1}

// advanceTo advances s epoch by epoch to epoch with the one-member test committee.
func advanceTo(t testing.TB, s *SystemState, epoch uint32, params walrus.EpochParams) {
	t.Helper()
	for s.Epoch() < epoch {
		if _, err := AdvanceEpoch(s, newBlsCommitteeForTesting(t, s.Epoch()+1), params); err != nil {
			t.Fatal(err)
		}
	}
}

// u256 returns the u256 v as its 32 little-endian bytes.
func u256(v uint64) [32]byte {
	var b [32]byte
	binary.LittleEndian.PutUint64(b[:], v)
	return b
}

// certificate signs message with the keys of the signers (indices into sks, which are
// the committee's members in order) and aggregates them: the signature and the bitmap
// certify_blob takes.
func certificate(t testing.TB, sks []*keys.BLSKey, signers []int, message []byte) (sig, bitmap []byte) {
	t.Helper()
	confs := make([]messages.SignedMessage, len(signers))
	for i, s := range signers {
		confs[i] = messages.Sign(sks[s], message)
	}
	cert, err := messages.Aggregate(confs, signers)
	if err != nil {
		t.Fatal(err)
	}
	bitmap, err = cert.Bitmap(len(sks))
	if err != nil {
		t.Fatal(err)
	}
	return cert.Signature[:], bitmap
}

// permanentMessage is messages::certified_permanent_message_bytes.
func permanentMessage(epoch uint32, blobID encoding.BlobID) []byte {
	return messages.NewStorageConfirmationMessage(epoch, messages.StorageConfirmation{BlobID: blobID, Persistence: messages.Permanent()})
}

// deletableMessage is messages::certified_deletable_message_bytes.
func deletableMessage(epoch uint32, blobID encoding.BlobID, objectID walrus.ID) []byte {
	return messages.NewStorageConfirmationMessage(epoch, messages.StorageConfirmation{BlobID: blobID, Persistence: messages.Deletable(objectID)})
}

// wantAbort fails unless err is the Move abort want (same module and code).
func wantAbort(t testing.TB, err error, want *Abort) {
	t.Helper()
	var a *Abort
	if !errors.As(err, &a) {
		t.Fatalf("error %v, want abort %s::%s (%d)", err, want.Module, want.Name, want.Code)
	}
	if a.Module != want.Module || a.Code != want.Code || a.Name != want.Name || !errors.Is(err, want) {
		t.Fatalf("abort %s::%s (%d), want %s::%s (%d)", a.Module, a.Name, a.Code, want.Module, want.Name, want.Code)
	}
}

func wantArithmetic(t testing.TB, err error) {
	t.Helper()
	if !errors.Is(err, ErrArithmetic) {
		t.Fatalf("error %v, want an arithmetic error", err)
	}
	var a *Abort
	if errors.As(err, &a) {
		t.Fatalf("arithmetic error is an abort: %v", err)
	}
}

// snapshot is the BCS of everything a System function may change.
type snapshot struct {
	system, inner, deny []byte
	coin                Coin
	created             uint64
	events              int
}

func takeSnapshot(s *SystemState, coin *Coin, tx *txRecorder) snapshot {
	sn := snapshot{
		system:  bcs.Marshal(&s.System),
		inner:   bcs.Marshal(&s.Inner),
		deny:    bcs.Marshal(s.DenyListSizes),
		created: tx.created,
		events:  len(tx.events),
	}
	if coin != nil {
		sn.coin = *coin
	}
	return sn
}

// unchanged fails if the state, the coin, the IDs or the events moved since sn.
func (sn snapshot) unchanged(t testing.TB, s *SystemState, coin *Coin, tx *txRecorder) {
	t.Helper()
	now := takeSnapshot(s, coin, tx)
	switch {
	case !bytes.Equal(now.system, sn.system), !bytes.Equal(now.inner, sn.inner), !bytes.Equal(now.deny, sn.deny):
		t.Fatal("the failed call changed the system state")
	case now.coin != sn.coin:
		t.Fatalf("the failed call changed the coin: %+v, was %+v", now.coin, sn.coin)
	case now.created != sn.created:
		t.Fatal("the failed call created object IDs")
	case now.events != sn.events:
		t.Fatal("the failed call emitted events")
	}
}

type keysT = keys.BLSKey

// bigToU256 returns the u256 written in hex as its 32 little-endian bytes.
func bigToU256(t testing.TB, h string) [32]byte {
	t.Helper()
	v, ok := new(big.Int).SetString(h, 16)
	if !ok {
		t.Fatalf("bad hex %q", h)
	}
	u, err := walrus.U256FromBig(v)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func hexString(b []byte) string { return hex.EncodeToString(b) }
