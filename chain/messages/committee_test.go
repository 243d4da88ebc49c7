package messages

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/tuskstore/tusk/chain/keys"
)

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

type testCommittee struct {
	Committee
	keys []*keys.BLSKey
}

// newTestCommittee builds a committee with the given weights and fresh BLS keys.
func newTestCommittee(t *testing.T, epoch uint32, weights ...uint16) *testCommittee {
	t.Helper()
	tc := &testCommittee{Committee: Committee{Epoch: epoch}}
	for i, w := range weights {
		k, err := keys.GenerateBLSKey()
		if err != nil {
			t.Fatal(err)
		}
		var id [32]byte
		id[31] = byte(i)
		tc.Members = append(tc.Members, Member{NodeID: id, PublicKey: k.PublicKey(), Weight: w})
		tc.keys = append(tc.keys, k)
		tc.NShards += w
	}
	return tc
}

// certify has the given members sign msg and aggregates their signatures.
func (tc *testCommittee) certify(t *testing.T, msg []byte, signers ...int) ConfirmationCertificate {
	t.Helper()
	var confs []SignedMessage
	for _, s := range signers {
		confs = append(confs, Sign(tc.keys[s], msg))
	}
	cert, err := Aggregate(confs, signers)
	if err != nil {
		t.Fatal(err)
	}
	return cert
}

func TestCertificateQuorum(t *testing.T) {
	// n_shards = 10: a quorum needs 3w ≥ 21, w ≥ 7; one correct node needs 3w ≥ 11, w ≥ 4.
	tc := newTestCommittee(t, 7, 4, 2, 1, 1, 1, 1)
	if err := tc.Validate(); err != nil {
		t.Fatal(err)
	}
	for w, q := range map[int]bool{6: false, 7: true, 10: true, 0: false} {
		if tc.IsQuorum(w) != q {
			t.Errorf("IsQuorum(%d) = %v", w, !q)
		}
	}
	for w, q := range map[int]bool{3: false, 4: true} {
		if tc.IsOneCorrect(w) != q {
			t.Errorf("IsOneCorrect(%d) = %v", w, !q)
		}
	}
	msg := NewStorageConfirmationMessage(7, StorageConfirmation{BlobID: blobID(1)})

	// Exactly a quorum: members 0, 1, 2 hold 4+2+1 = 7 shards.
	cert := tc.certify(t, msg, 0, 1, 2)
	w, err := tc.VerifyConfirmationCertificate(cert, Quorum)
	if err != nil || w != 7 {
		t.Fatalf("exact quorum: weight %d, %v", w, err)
	}
	bitmap, _ := cert.Bitmap(len(tc.Members))
	if w, err := tc.VerifyCertificate(bitmap, msg, cert.Signature, Quorum); err != nil || w != 7 {
		t.Fatalf("bitmap form: %d %v", w, err)
	}
	// Signer order does not matter.
	cert2 := tc.certify(t, msg, 2, 0, 1)
	if w, err := tc.VerifyConfirmationCertificate(cert2, Quorum); err != nil || w != 7 {
		t.Fatalf("other order: %d %v", w, err)
	}

	// One signer less (member 2): 6 shards is not a quorum.
	short := tc.certify(t, msg, 0, 1)
	if _, err := tc.VerifyConfirmationCertificate(short, Quorum); !errors.Is(err, ErrNotEnoughWeight) {
		t.Fatalf("one signer less: %v", err)
	}
	// ... but it is enough for one correct node.
	if w, err := tc.VerifyConfirmationCertificate(short, OneCorrectNode); err != nil || w != 6 {
		t.Fatalf("one correct node: %d %v", w, err)
	}
	only := tc.certify(t, msg, 0)
	if w, err := tc.VerifyConfirmationCertificate(only, OneCorrectNode); err != nil || w != 4 {
		t.Fatalf("one correct node, one signer: %d %v", w, err)
	}
	few := tc.certify(t, msg, 1, 2)
	if _, err := tc.VerifyConfirmationCertificate(few, OneCorrectNode); !errors.Is(err, ErrNotEnoughWeight) {
		t.Fatalf("3 shards: %v", err)
	}

	// Claiming a signer whose signature is not in the aggregate: signature fails.
	lie := cert
	lie.Signers = []uint16{0, 1, 2, 3}
	if _, err := tc.VerifyConfirmationCertificate(lie, Quorum); !errors.Is(err, ErrInvalidSignature) {
		t.Fatalf("extra claimed signer: %v", err)
	}
	// A wrong signature: the aggregate of other signers, or a signature on another message.
	wrong := cert
	wrong.Signature = tc.certify(t, msg, 0, 1, 3).Signature
	if _, err := tc.VerifyConfirmationCertificate(wrong, Quorum); !errors.Is(err, ErrInvalidSignature) {
		t.Fatalf("wrong signature: %v", err)
	}
	other := NewStorageConfirmationMessage(7, StorageConfirmation{BlobID: blobID(2)})
	wrong.Signature = tc.certify(t, other, 0, 1, 2).Signature
	if _, err := tc.VerifyConfirmationCertificate(wrong, Quorum); !errors.Is(err, ErrInvalidSignature) {
		t.Fatalf("signature over another message: %v", err)
	}
	garbage := cert
	garbage.Signature[5] ^= 0x40
	if _, err := tc.VerifyConfirmationCertificate(garbage, Quorum); !errors.Is(err, ErrInvalidSignature) {
		t.Fatalf("corrupted signature: %v", err)
	}
}

func TestCertificateBitmapRules(t *testing.T) {
	// 11 members of weight 1: the bitmap has at most 2 bytes, bits 11..15 must be 0.
	w := make([]uint16, 11)
	for i := range w {
		w[i] = 1
	}
	tc := newTestCommittee(t, 3, w...)
	msg := NewInvalidBlobIDMessage(3, blobID(4))
	all := []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	cert := tc.certify(t, msg, all...)
	bitmap, _ := cert.Bitmap(11)
	if len(bitmap) != 2 || bitmap[0] != 0xff || bitmap[1] != 0x07 {
		t.Fatalf("bitmap %x", bitmap)
	}
	if wt, err := tc.VerifyCertificate(bitmap, msg, cert.Signature, Quorum); err != nil || wt != 11 {
		t.Fatalf("all signers: %d %v", wt, err)
	}
	// A bit past the member count.
	for bit := 11; bit < 16; bit++ {
		b := []byte{bitmap[0], bitmap[1] | 1<<(bit-8)}
		if _, err := tc.VerifyCertificate(b, msg, cert.Signature, Quorum); !errors.Is(err, ErrInvalidBitmap) {
			t.Fatalf("bit %d: %v", bit, err)
		}
	}
	// Longer than needed, even with a zero byte.
	if _, err := tc.VerifyCertificate(append(bitmap, 0), msg, cert.Signature, Quorum); !errors.Is(err, ErrInvalidBitmap) {
		t.Fatalf("3-byte bitmap: %v", err)
	}
	// Shorter than needed: the missing members do not sign.
	first8 := tc.certify(t, msg, 0, 1, 2, 3, 4, 5, 6, 7)
	if wt, err := tc.VerifyCertificate([]byte{0xff}, msg, first8.Signature, Quorum); err != nil || wt != 8 {
		t.Fatalf("1-byte bitmap: %d %v", wt, err)
	}
	if _, err := tc.VerifyCertificate(nil, msg, first8.Signature, OneCorrectNode); !errors.Is(err, ErrNotEnoughWeight) {
		t.Fatalf("empty bitmap: %v", err)
	}
	// Signer indices past the committee, and duplicates.
	bad := cert
	bad.Signers = []uint16{0, 1, 2, 3, 4, 5, 6, 11}
	if _, err := tc.VerifyConfirmationCertificate(bad, Quorum); !errors.Is(err, ErrInvalidSigners) {
		t.Fatalf("index 11: %v", err)
	}
	bad.Signers = []uint16{0, 1, 2, 3, 4, 5, 6, 6}
	if _, err := tc.VerifyConfirmationCertificate(bad, Quorum); !errors.Is(err, ErrInvalidSigners) {
		t.Fatalf("duplicate: %v", err)
	}
	// SignersBitmap and its inverse.
	if _, err := SignersBitmap([]int{11}, 11); !errors.Is(err, ErrInvalidSigners) {
		t.Fatalf("SignersBitmap out of range: %v", err)
	}
	if _, err := SignersBitmap([]int{-1}, 11); !errors.Is(err, ErrInvalidSigners) {
		t.Fatal("negative signer")
	}
	if _, err := SignersBitmap([]int{3, 3}, 11); !errors.Is(err, ErrInvalidSigners) {
		t.Fatal("duplicate signer")
	}
	if b, err := SignersBitmap(nil, 0); err != nil || len(b) != 0 {
		t.Fatal("empty committee")
	}
	if s, err := SignersFromBitmap([]byte{0x80, 0x04}, 11); err != nil || !reflect.DeepEqual(s, []int{7, 10}) {
		t.Fatalf("inverse: %v %v", s, err)
	}
	if _, err := SignersFromBitmap([]byte{0, 0x08}, 11); !errors.Is(err, ErrInvalidBitmap) {
		t.Fatalf("bit 11: %v", err)
	}
	if wt, err := tc.Weight([]int{1, 5, 9}); err != nil || wt != 3 {
		t.Fatalf("Weight: %d %v", wt, err)
	}
}

func TestCertificateHeaderChecks(t *testing.T) {
	tc := newTestCommittee(t, 7, 1, 1, 1, 1)
	body := StorageConfirmation{BlobID: blobID(9)}
	// Wrong epoch: a quorum of valid signatures over a message of epoch 8.
	msg8 := NewStorageConfirmationMessage(8, body)
	cert := tc.certify(t, msg8, 0, 1, 2)
	if _, err := tc.VerifyConfirmationCertificate(cert, Quorum); !errors.Is(err, ErrWrongEpoch) {
		t.Fatalf("wrong epoch: %v", err)
	}
	msg7 := NewStorageConfirmationMessage(7, body)
	for name, c := range map[string]struct {
		mutate func([]byte)
		want   error
	}{
		"version": {func(b []byte) { b[1] = 1 }, ErrWrongVersion},
		"app":     {func(b []byte) { b[2] = 0 }, ErrWrongApp},
	} {
		m := append([]byte(nil), msg7...)
		c.mutate(m)
		cert := tc.certify(t, m, 0, 1, 2)
		if _, err := tc.VerifyConfirmationCertificate(cert, Quorum); !errors.Is(err, c.want) {
			t.Errorf("%s: %v", name, err)
		}
	}
	short := tc.certify(t, []byte{1, 0, 3}, 0, 1, 2)
	if _, err := tc.VerifyConfirmationCertificate(short, Quorum); !errors.Is(err, ErrTruncated) {
		t.Fatalf("short message: %v", err)
	}
	// The intent type is not checked by certificate verification (Move leaves it to
	// certify_blob / invalidate_blob_id).
	inv := tc.certify(t, NewInvalidBlobIDMessage(7, blobID(9)), 0, 1, 2)
	if w, err := tc.VerifyConfirmationCertificate(inv, Quorum); err != nil || w != 3 {
		t.Fatalf("invalid-blob certificate: %d %v", w, err)
	}
	// An inconsistent committee is refused.
	bad := tc.Committee
	bad.NShards = 5
	if _, err := bad.VerifyConfirmationCertificate(tc.certify(t, msg7, 0, 1, 2), Quorum); !errors.Is(err, ErrInvalidCommittee) {
		t.Fatalf("n_shards mismatch: %v", err)
	}
	bad = Committee{Epoch: 7, NShards: 1, Members: []Member{{Weight: 1}}}
	if _, err := bad.VerifyCertificate([]byte{1}, msg7, cert.Signature, Quorum); !errors.Is(err, ErrInvalidCommittee) {
		t.Fatalf("invalid member key: %v", err)
	}
	zero := Committee{Epoch: 7, NShards: 1, Members: []Member{{Weight: 1}, {Weight: 0}}}
	if err := zero.Validate(); !errors.Is(err, ErrInvalidCommittee) {
		t.Fatalf("zero weight: %v", err)
	}
}

func TestAggregate(t *testing.T) {
	tc := newTestCommittee(t, 1, 1, 1, 1)
	msg := NewStorageConfirmationMessage(1, StorageConfirmation{BlobID: blobID(0)})
	c0, c1 := Sign(tc.keys[0], msg), Sign(tc.keys[1], msg)
	// Messages that are not byte-identical are refused, even if they differ in one byte.
	other := append([]byte(nil), msg...)
	other[len(other)-1] = 1
	c2 := Sign(tc.keys[2], other)
	if _, err := Aggregate([]SignedMessage{c0, c1, c2}, []int{0, 1, 2}); !errors.Is(err, ErrMessageMismatch) {
		t.Fatalf("mismatch: %v", err)
	}
	if _, err := Aggregate([]SignedMessage{c0, {SerializedMessage: msg[:len(msg)-1], Signature: c1.Signature}}, []int{0, 1}); !errors.Is(err, ErrMessageMismatch) {
		t.Fatalf("prefix: %v", err)
	}
	if _, err := Aggregate(nil, nil); !errors.Is(err, ErrInvalidSigners) {
		t.Fatalf("empty: %v", err)
	}
	if _, err := Aggregate([]SignedMessage{c0, c1}, []int{0}); !errors.Is(err, ErrInvalidSigners) {
		t.Fatalf("count mismatch: %v", err)
	}
	if _, err := Aggregate([]SignedMessage{c0, c1}, []int{0, 0}); !errors.Is(err, ErrInvalidSigners) {
		t.Fatalf("duplicate index: %v", err)
	}
	if _, err := Aggregate([]SignedMessage{c0}, []int{70000}); !errors.Is(err, ErrInvalidSigners) {
		t.Fatalf("index beyond u16: %v", err)
	}
	junk := c1
	junk.Signature = [96]byte{0xff}
	if _, err := Aggregate([]SignedMessage{c0, junk}, []int{0, 1}); !errors.Is(err, ErrInvalidSignature) {
		t.Fatalf("junk signature: %v", err)
	}
	cert, err := Aggregate([]SignedMessage{c1, c0}, []int{1, 0})
	if err != nil || !reflect.DeepEqual(cert.Signers, []uint16{1, 0}) {
		t.Fatalf("aggregate: %+v %v", cert, err)
	}
	if w, err := tc.VerifyConfirmationCertificate(cert, OneCorrectNode); err != nil || w != 2 {
		t.Fatalf("verify: %d %v", w, err)
	}

	// JSON form of the certificate (walrus-core serde).
	js, err := json.Marshal(cert)
	if err != nil {
		t.Fatal(err)
	}
	var back ConfirmationCertificate
	if err := json.Unmarshal(js, &back); err != nil || !reflect.DeepEqual(back, cert) {
		t.Fatalf("JSON round trip: %s %v", js, err)
	}
	var raw map[string]any
	json.Unmarshal(js, &raw)
	if _, ok := raw["serialized_message"].([]any); !ok || raw["signature"] != b64(cert.Signature[:]) {
		t.Fatalf("JSON shape %s", js)
	}
	for _, bad := range []string{
		`{"signers":[0],"serialized_message":[1]}`,
		`{"signers":[0],"serialized_message":[256],"signature":"` + b64(cert.Signature[:]) + `"}`,
		`{"signers":[70000],"serialized_message":[1],"signature":"` + b64(cert.Signature[:]) + `"}`,
		`{"signers":[0],"serialized_message":[1],"signature":"AAAA"}`,
	} {
		var c ConfirmationCertificate
		if err := json.Unmarshal([]byte(bad), &c); err == nil {
			t.Errorf("%s parsed", bad)
		}
	}
}
