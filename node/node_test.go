package node_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/tuskstore/tusk/chain/messages"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/node/api"
)

// Two nodes over 7 shards: node 0 holds shards 0-4, node 1 shards 5-6.
func twoNodes(t *testing.T) *testNet {
	return newNet(t, 7, [][]uint16{{0, 1, 2, 3, 4}, {5, 6}})
}

// TestStoreAndConfirm: the upload of a registered blob, with Walrus's status codes
// (201 stored, 200 already stored), readback, and a confirmation that is signed only
// once every sliver of every shard of the node is stored, over the exact BLOB_CERT
// message, with the node's BLS key.
func TestStoreAndConfirm(t *testing.T) {
	net := twoNodes(t)
	ctx := context.Background()
	a := net.nodes[0]
	b := net.blob(1, 3000)
	net.publish(b.registered(false, 5))

	if out, err := a.client.StoreMetadata(ctx, b.id, &b.meta, false); err != nil || out != api.Stored {
		t.Fatalf("store metadata: %v %v", out, err)
	}
	if out, err := a.client.StoreMetadata(ctx, b.id, &b.meta, false); err != nil || out != api.AlreadyStored {
		t.Fatalf("store metadata again: %v %v", out, err)
	}
	if st, err := a.client.MetadataStatus(ctx, b.id); err != nil || st != api.StatusStored {
		t.Fatalf("metadata status: %v %v", st, err)
	}
	got, err := a.client.VerifiedMetadata(ctx, net.codec.Params(), b.id)
	if err != nil || got.RootHash() != b.enc.Metadata.RootHash() {
		t.Fatalf("get metadata: %v", err)
	}

	p := net.codec.Params()
	for i, sh := range a.shards {
		pair := uint16(p.PairForShard(b.id, int(sh)))
		for _, axis := range []encoding.Axis{encoding.Primary, encoding.Secondary} {
			_, err := a.client.PermanentConfirmation(ctx, b.id, api.ConfirmationWait{})
			wantReason(t, err, http.StatusBadRequest, api.ReasonMissingSlivers)
			s := b.sliver(int(pair), axis)
			if st, err := a.client.SliverStatus(ctx, b.id, pair, axis); err != nil || st != api.StatusNonexistent {
				t.Fatalf("status before upload: %v %v", st, err)
			}
			if out, err := a.client.StoreSliver(ctx, b.id, pair, &s, false); err != nil || out != api.Stored {
				t.Fatalf("shard %d (%d): store %s: %v %v", sh, i, axis, out, err)
			}
			if out, err := a.client.StoreSliver(ctx, b.id, pair, &s, false); err != nil || out != api.AlreadyStored {
				t.Fatalf("store %s again: %v %v", axis, out, err)
			}
			if st, err := a.client.SliverStatus(ctx, b.id, pair, axis); err != nil || st != api.StatusStored {
				t.Fatalf("status after upload: %v %v", st, err)
			}
			back, err := a.client.VerifiedSliver(ctx, net.codec, b.enc.Metadata, pair, axis)
			if err != nil || string(back.Data) != string(s.Data) {
				t.Fatalf("read back %s sliver of pair %d: %v", axis, pair, err)
			}
		}
	}
	sm, err := a.client.PermanentConfirmation(ctx, b.id, api.ConfirmationWait{})
	if err != nil {
		t.Fatal(err)
	}
	want := messages.StorageConfirmation{BlobID: b.id, Persistence: messages.Permanent()}
	if err := sm.VerifyStorageConfirmation(a.blsKey.PublicKey(), testEpoch, want); err != nil {
		t.Fatalf("confirmation: %v", err)
	}
	if string(sm.SerializedMessage) != string(messages.NewStorageConfirmationMessage(testEpoch, want)) {
		t.Fatal("confirmation is not over the exact BLOB_CERT message")
	}
	// A permanent blob has no deletable object to confirm.
	_, err = a.client.DeletableConfirmation(ctx, b.id, b.obj, api.ConfirmationWait{})
	wantReason(t, err, http.StatusBadRequest, api.ReasonNotRegistered)

	n := float64(2 * len(a.shards))
	if metric(t, a.n.Metrics(), "tusk_node_slivers_stored_total") != n || metric(t, a.n.Metrics(), "tusk_node_confirmations_signed_total") != 1 ||
		metric(t, a.n.Metrics(), "tusk_node_metadata_stored_total") != 1 || metric(t, a.n.Metrics(), "tusk_node_sliver_bytes_stored_total") == 0 {
		t.Fatal("metrics do not count the uploads and the confirmation")
	}
	// The test feed's checkpoints are dated November 2023: the node is years behind.
	if lag := metric(t, a.n.Metrics(), "tusk_node_event_lag_seconds"); lag < 2*365*24*3600 {
		t.Fatalf("event lag %v s", lag)
	}
	st, err := a.client.BlobStatus(ctx, b.id)
	if err != nil || st.Kind != api.BlobPermanent || st.IsCertified || st.EndEpoch != 5 {
		t.Fatalf("blob status: %+v %v", st, err)
	}
	net.publish(b.certified(false, 5))
	st, err = a.client.BlobStatus(ctx, b.id)
	if err != nil || st.Kind != api.BlobPermanent || !st.IsCertified || st.InitialCertifiedEpoch == nil || *st.InitialCertifiedEpoch != testEpoch {
		t.Fatalf("blob status after certification: %+v %v", st, err)
	}
}

// TestDeletableConfirmation: a deletable blob is confirmed for its own object only.
func TestDeletableConfirmation(t *testing.T) {
	net := twoNodes(t)
	ctx := context.Background()
	a := net.nodes[0]
	b := net.blob(2, 500)
	net.publish(b.registered(true, 5))
	net.upload(a, b, false)
	sm, err := a.client.DeletableConfirmation(ctx, b.id, b.obj, api.ConfirmationWait{})
	if err != nil {
		t.Fatal(err)
	}
	want := messages.StorageConfirmation{BlobID: b.id, Persistence: messages.Deletable(b.obj)}
	if err := sm.VerifyStorageConfirmation(a.blsKey.PublicKey(), testEpoch, want); err != nil {
		t.Fatal(err)
	}
	_, err = a.client.DeletableConfirmation(ctx, b.id, walrus.MustParseID("0x1234"), api.ConfirmationWait{})
	wantReason(t, err, http.StatusBadRequest, api.ReasonNotRegistered)
	_, err = a.client.PermanentConfirmation(ctx, b.id, api.ConfirmationWait{})
	wantReason(t, err, http.StatusBadRequest, api.ReasonNotRegistered)
	st, err := a.client.BlobStatus(ctx, b.id)
	if err != nil || st.Kind != api.BlobDeletable || st.Deletable != (api.DeletableCounts{Total: 1}) {
		t.Fatalf("status: %+v %v", st, err)
	}
}

// TestUploadBeforeRegistration: without pending=true, nothing is accepted for a blob
// the node has not seen registered, and nothing is stored.
func TestUploadBeforeRegistration(t *testing.T) {
	net := twoNodes(t)
	ctx := context.Background()
	a := net.nodes[0]
	b := net.blob(3, 1000)
	_, err := a.client.StoreMetadata(ctx, b.id, &b.meta, false)
	wantReason(t, err, http.StatusBadRequest, api.ReasonNotRegistered)
	pair := uint16(net.codec.Params().PairForShard(b.id, 0))
	s := b.sliver(int(pair), encoding.Primary)
	_, err = a.client.StoreSliver(ctx, b.id, pair, &s, false)
	wantReason(t, err, http.StatusBadRequest, api.ReasonNotRegistered)
	_, err = a.client.Metadata(ctx, b.id)
	wantReason(t, err, http.StatusNotFound, api.ReasonMetadataNotFound)
	_, err = a.client.Sliver(ctx, b.id, pair, encoding.Primary)
	wantReason(t, err, http.StatusNotFound, api.ReasonSliverNotFound)
	_, err = a.client.PermanentConfirmation(ctx, b.id, api.ConfirmationWait{ForRegistration: true})
	wantReason(t, err, http.StatusBadRequest, api.ReasonNotRegistered)
	if st, err := a.client.MetadataStatus(ctx, b.id); err != nil || st != api.StatusNonexistent {
		t.Fatalf("metadata status: %v %v", st, err)
	}
	if st, err := a.client.BlobStatus(ctx, b.id); err != nil || st.Kind != api.BlobNonexistent {
		t.Fatalf("blob status: %+v %v", st, err)
	}
	// Once registered, the same uploads succeed.
	net.publish(b.registered(false, 5))
	net.upload(a, b, false)
	if _, err := a.client.PermanentConfirmation(ctx, b.id, api.ConfirmationWait{}); err != nil {
		t.Fatal(err)
	}
}

// TestPendingThenRegistration: with pending=true, metadata and slivers are verified
// and buffered (202, status "buffered"); a confirmation request long-polling for the
// registration gets its signature once the BlobRegistered event is applied, when the
// buffer has been verified again and stored.
func TestPendingThenRegistration(t *testing.T) {
	net := twoNodes(t)
	ctx := context.Background()
	a := net.nodes[0]
	b := net.blob(4, 2000)

	// A sliver before its metadata cannot be checked: refused.
	pair := uint16(net.codec.Params().PairForShard(b.id, int(a.shards[0])))
	s := b.sliver(int(pair), encoding.Secondary)
	_, err := a.client.StoreSliver(ctx, b.id, pair, &s, true)
	wantReason(t, err, http.StatusBadRequest, api.ReasonMetadataNotFound)

	if out, err := a.client.StoreMetadata(ctx, b.id, &b.meta, true); err != nil || out != api.Buffered {
		t.Fatalf("buffer metadata: %v %v", out, err)
	}
	if out, err := a.client.StoreMetadata(ctx, b.id, &b.meta, true); err != nil || out != api.AlreadyStored {
		t.Fatalf("buffer metadata again: %v %v", out, err)
	}
	if st, _ := a.client.MetadataStatus(ctx, b.id); st != api.StatusBuffered {
		t.Fatalf("metadata status %v", st)
	}
	// A corrupted sliver is refused even when buffering.
	bad := s
	bad.Data = append([]byte(nil), s.Data...)
	bad.Data[0] ^= 1
	_, err = a.client.StoreSliver(ctx, b.id, pair, &bad, true)
	wantReason(t, err, http.StatusBadRequest, api.ReasonInvalidSliver)

	p := net.codec.Params()
	for _, sh := range a.shards {
		pr := uint16(p.PairForShard(b.id, int(sh)))
		for _, axis := range []encoding.Axis{encoding.Primary, encoding.Secondary} {
			s := b.sliver(int(pr), axis)
			if out, err := a.client.StoreSliver(ctx, b.id, pr, &s, true); err != nil || out != api.Buffered {
				t.Fatalf("buffer sliver: %v %v", out, err)
			}
			if st, _ := a.client.SliverStatus(ctx, b.id, pr, axis); st != api.StatusBuffered {
				t.Fatalf("sliver status %v", st)
			}
		}
	}
	// Not readable while buffered.
	_, err = a.client.Metadata(ctx, b.id)
	wantReason(t, err, http.StatusNotFound, api.ReasonMetadataNotFound)

	type result struct {
		sm  messages.SignedMessage
		err error
	}
	res := make(chan result, 1)
	go func() {
		sm, err := a.client.PermanentConfirmation(ctx, b.id, api.ConfirmationWait{ForRegistration: true, Wait: 1 << 40})
		res <- result{sm, err}
	}()
	// Let the request reach the node and start waiting; whether it waits or finds the
	// registration already applied, it must end with a signature.
	net.publish(b.registered(false, 5))
	r := <-res
	if r.err != nil {
		t.Fatalf("long-polled confirmation: %v", r.err)
	}
	want := messages.StorageConfirmation{BlobID: b.id, Persistence: messages.Permanent()}
	if err := r.sm.VerifyStorageConfirmation(a.blsKey.PublicKey(), testEpoch, want); err != nil {
		t.Fatal(err)
	}
	if st, _ := a.client.MetadataStatus(ctx, b.id); st != api.StatusStored {
		t.Fatalf("metadata status after registration %v", st)
	}
	for _, sh := range a.shards {
		pr := uint16(p.PairForShard(b.id, int(sh)))
		for _, axis := range []encoding.Axis{encoding.Primary, encoding.Secondary} {
			if st, _ := a.client.SliverStatus(ctx, b.id, pr, axis); st != api.StatusStored {
				t.Fatalf("sliver status after registration %v", st)
			}
		}
	}
}

// TestWrongShard: slivers of shards the node does not hold are refused.
func TestWrongShard(t *testing.T) {
	net := twoNodes(t)
	ctx := context.Background()
	a := net.nodes[0]
	b := net.blob(5, 800)
	net.publish(b.registered(false, 5))
	if _, err := a.client.StoreMetadata(ctx, b.id, &b.meta, false); err != nil {
		t.Fatal(err)
	}
	p := net.codec.Params()
	foreign := uint16(p.PairForShard(b.id, 6)) // node 1's shard
	s := b.sliver(int(foreign), encoding.Primary)
	_, err := a.client.StoreSliver(ctx, b.id, foreign, &s, false)
	wantReason(t, err, http.StatusBadRequest, api.ReasonShardNotAssigned)
	_, err = a.client.Sliver(ctx, b.id, foreign, encoding.Primary)
	wantReason(t, err, http.StatusBadRequest, api.ReasonShardNotAssigned)
	_, err = a.client.SliverStatus(ctx, b.id, foreign, encoding.Primary)
	wantReason(t, err, http.StatusBadRequest, api.ReasonShardNotAssigned)
	// Node 1 takes it.
	if _, err := net.nodes[1].client.StoreMetadata(ctx, b.id, &b.meta, false); err != nil {
		t.Fatal(err)
	}
	if out, err := net.nodes[1].client.StoreSliver(ctx, b.id, foreign, &s, false); err != nil || out != api.Stored {
		t.Fatalf("owner: %v %v", out, err)
	}
}

// TestCorruptedUploads: metadata that does not hash to the blob ID, slivers that do
// not match the metadata, slivers at the wrong index and out-of-range indices are
// refused with Walrus's reasons, and nothing of them is stored.
func TestCorruptedUploads(t *testing.T) {
	net := twoNodes(t)
	ctx := context.Background()
	a := net.nodes[0]
	b := net.blob(6, 1500)
	other := net.blob(7, 1500)
	net.publish(b.registered(false, 5))

	_, err := a.client.StoreMetadata(ctx, b.id, &other.meta, false)
	wantReason(t, err, http.StatusBadRequest, api.ReasonInvalidMetadata)
	badMeta := b.meta
	badMeta.Hashes = append(badMeta.Hashes[:0:0], b.meta.Hashes...)
	badMeta.Hashes[3].PrimaryHash.Digest[0] ^= 1
	_, err = a.client.StoreMetadata(ctx, b.id, &badMeta, false)
	wantReason(t, err, http.StatusBadRequest, api.ReasonInvalidMetadata)
	short := b.meta
	short.Hashes = short.Hashes[:3]
	_, err = a.client.StoreMetadata(ctx, b.id, &short, false)
	wantReason(t, err, http.StatusBadRequest, api.ReasonInvalidMetadata)
	if st, _ := a.client.MetadataStatus(ctx, b.id); st != api.StatusNonexistent {
		t.Fatalf("metadata stored after bad uploads: %v", st)
	}

	// Slivers need the metadata first.
	p := net.codec.Params()
	pair := uint16(p.PairForShard(b.id, int(a.shards[0])))
	s := b.sliver(int(pair), encoding.Primary)
	_, err = a.client.StoreSliver(ctx, b.id, pair, &s, false)
	wantReason(t, err, http.StatusBadRequest, api.ReasonMetadataNotFound)
	if _, err := a.client.StoreMetadata(ctx, b.id, &b.meta, false); err != nil {
		t.Fatal(err)
	}

	flipped := s
	flipped.Data = append([]byte(nil), s.Data...)
	flipped.Data[len(flipped.Data)-1] ^= 0x80
	_, err = a.client.StoreSliver(ctx, b.id, pair, &flipped, false)
	wantReason(t, err, http.StatusBadRequest, api.ReasonInvalidSliver)

	truncated := s
	truncated.Data = s.Data[:len(s.Data)-2]
	_, err = a.client.StoreSliver(ctx, b.id, pair, &truncated, false)
	wantReason(t, err, http.StatusBadRequest, api.ReasonInvalidSliver)

	wrongSize := s
	wrongSize.SymbolSize += 2
	_, err = a.client.StoreSliver(ctx, b.id, pair, &wrongSize, false)
	wantReason(t, err, http.StatusBadRequest, api.ReasonInvalidSliver)

	otherPair := uint16(p.PairForShard(b.id, int(a.shards[1])))
	_, err = a.client.StoreSliver(ctx, b.id, otherPair, &s, false)
	wantReason(t, err, http.StatusBadRequest, api.ReasonSliverIndexMismatch)

	fromOther := other.sliver(int(pair), encoding.Primary)
	_, err = a.client.StoreSliver(ctx, b.id, pair, &fromOther, false)
	wantReason(t, err, http.StatusBadRequest, api.ReasonInvalidSliver)

	_, err = a.client.StoreSliver(ctx, b.id, 7, &s, false)
	wantReason(t, err, http.StatusBadRequest, api.ReasonIndexOutOfRange)
	_, err = a.client.Sliver(ctx, b.id, 1000, encoding.Primary)
	wantReason(t, err, http.StatusBadRequest, api.ReasonIndexOutOfRange)

	if st, _ := a.client.SliverStatus(ctx, b.id, pair, encoding.Primary); st != api.StatusNonexistent {
		t.Fatalf("a corrupted sliver was stored: %v", st)
	}
	if out, err := a.client.StoreSliver(ctx, b.id, pair, &s, false); err != nil || out != api.Stored {
		t.Fatalf("the right sliver after the wrong ones: %v %v", out, err)
	}
}
