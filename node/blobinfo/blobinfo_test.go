package blobinfo

import (
	"reflect"
	"testing"

	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/node/api"
)

func ev(seq uint64) api.EventID { return api.EventID{EventSeq: seq} }

var (
	blob         = encoding.BlobID{1}
	permA, permB = walrus.ID{0xa}, walrus.ID{0xb}
	delC         = walrus.ID{0xc}
)

// TestLifecycle follows a blob ID through registrations, certifications, an
// extension, a deletion and expiry, checking what the node may do at each step and
// the status it reports (Walrus's to_blob_status).
func TestLifecycle(t *testing.T) {
	var in Info
	if in.IsRegistered(1) || !in.Empty() || in.Status(1).Kind != api.BlobNonexistent {
		t.Fatal("unknown blob")
	}
	in.Register(&walrus.BlobRegistered{Epoch: 1, BlobID: blob, EndEpoch: 3, ObjectID: permA}, ev(1))
	in.Register(&walrus.BlobRegistered{Epoch: 1, BlobID: blob, EndEpoch: 5, Deletable: true, ObjectID: delC}, ev(2))
	in.Register(&walrus.BlobRegistered{Epoch: 1, BlobID: blob, EndEpoch: 9, ObjectID: permA}, ev(3)) // replay: no-op
	if !in.IsRegistered(1) || in.IsCertified(1) || !in.ObjectRegistered(delC, 1) || in.ObjectRegistered(permA, 1) {
		t.Fatal("after registration")
	}
	st := in.Status(1)
	if st.Kind != api.BlobPermanent || st.IsCertified || st.EndEpoch != 3 || st.Event != ev(1) || st.Deletable != (api.DeletableCounts{Total: 1}) {
		t.Fatalf("registered: %+v", st)
	}
	if err := in.Certify(&walrus.BlobCertified{Epoch: 2, BlobID: blob, EndEpoch: 3, ObjectID: permA}, ev(4)); err != nil {
		t.Fatal(err)
	}
	if err := in.Certify(&walrus.BlobCertified{Epoch: 2, BlobID: blob, ObjectID: permB}, ev(5)); err == nil {
		t.Fatal("certification of an unknown object accepted")
	}
	if in.IsCertified(1) || !in.IsCertified(2) {
		t.Fatal("certified from epoch 2 on")
	}
	// Extension: a new end epoch, the first certification epoch kept.
	if err := in.Certify(&walrus.BlobCertified{Epoch: 2, BlobID: blob, EndEpoch: 7, ObjectID: permA, IsExtension: true}, ev(6)); err != nil {
		t.Fatal(err)
	}
	st = in.Status(2)
	if st.Kind != api.BlobPermanent || !st.IsCertified || st.EndEpoch != 7 || st.Event != ev(6) || *st.InitialCertifiedEpoch != 2 {
		t.Fatalf("extended: %+v", st)
	}
	// The deletable object expires at 5: gone from the counts from epoch 5 on.
	if st := in.Status(5); st.Deletable != (api.DeletableCounts{}) {
		t.Fatalf("expired deletable counted: %+v", st)
	}
	if err := in.Delete(&walrus.BlobDeleted{BlobID: blob, ObjectID: delC}); err != nil {
		t.Fatal(err)
	}
	if in.ObjectRegistered(delC, 2) {
		t.Fatal("deleted object still registered")
	}
	if in.Expire(6) || !in.Expire(7) || !in.Empty() || in.IsRegistered(7) {
		t.Fatal("expiry at the end epoch")
	}
}

func TestInvalidAndEncoding(t *testing.T) {
	var in Info
	in.Register(&walrus.BlobRegistered{Epoch: 1, BlobID: blob, EndEpoch: 3, Deletable: true, ObjectID: delC}, ev(1))
	in.Register(&walrus.BlobRegistered{Epoch: 1, BlobID: blob, EndEpoch: 4, ObjectID: permB}, ev(2))
	in.Register(&walrus.BlobRegistered{Epoch: 1, BlobID: blob, EndEpoch: 4, ObjectID: permA}, ev(3))
	back, err := Unmarshal(in.Marshal())
	if err != nil || !reflect.DeepEqual(*back, in) {
		t.Fatalf("round trip: %+v %v", back, err)
	}
	if back.Objects[0].ID != permA || back.Objects[2].ID != delC {
		t.Fatal("objects not sorted by ID")
	}
	in.MarkInvalid(2, ev(9))
	in.Register(&walrus.BlobRegistered{Epoch: 2, BlobID: blob, EndEpoch: 9, ObjectID: permA}, ev(10))
	if in.IsRegistered(2) || in.Empty() || in.Status(2) != (api.BlobStatus{Kind: api.BlobInvalid, Event: ev(9)}) {
		t.Fatalf("invalid: %+v", in.Status(2))
	}
	back, err = Unmarshal(in.Marshal())
	if err != nil || !reflect.DeepEqual(*back, in) {
		t.Fatalf("round trip of an invalid record: %v", err)
	}
	for _, bad := range [][]byte{nil, {2}, {1, 0}, append(in.Marshal(), 0)} {
		if _, err := Unmarshal(bad); err == nil {
			t.Fatalf("accepted % x", bad)
		}
	}
}

// TestCertifiedBefore: the blobs a gained shard holds are those certified in an
// earlier epoch by an object still live in the epoch of the change.
func TestCertifiedBefore(t *testing.T) {
	var in Info
	if in.CertifiedBefore(3) {
		t.Fatal("unknown blob")
	}
	in.Register(&walrus.BlobRegistered{Epoch: 1, BlobID: blob, EndEpoch: 4, ObjectID: permA}, ev(1))
	if in.CertifiedBefore(3) {
		t.Fatal("registered only")
	}
	if err := in.Certify(&walrus.BlobCertified{Epoch: 2, BlobID: blob, EndEpoch: 4, ObjectID: permA}, ev(2)); err != nil {
		t.Fatal(err)
	}
	if in.CertifiedBefore(2) || !in.CertifiedBefore(3) || in.CertifiedBefore(4) {
		t.Fatal("certified in 2, live until 4: only in epoch 3")
	}
	in.MarkInvalid(3, ev(3))
	if in.CertifiedBefore(3) {
		t.Fatal("invalid blob")
	}
}
