package node_test

import (
	"bytes"
	"context"
	"net/http"
	"testing"

	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/node/api"
)

func allStatuses(t *testing.T, net *testNet, tn *testNode, b *testBlob) []api.StoredOnNodeStatus {
	t.Helper()
	ctx := context.Background()
	var out []api.StoredOnNodeStatus
	st, err := tn.client.MetadataStatus(ctx, b.id)
	if err != nil {
		t.Fatal(err)
	}
	out = append(out, st)
	p := net.codec.Params()
	for _, sh := range tn.shards {
		pair := uint16(p.PairForShard(b.id, int(sh)))
		for _, axis := range []encoding.Axis{encoding.Primary, encoding.Secondary} {
			st, err := tn.client.SliverStatus(ctx, b.id, pair, axis)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, st)
		}
	}
	return out
}

func all(sts []api.StoredOnNodeStatus, want api.StoredOnNodeStatus) bool {
	for _, s := range sts {
		if s != want {
			return false
		}
	}
	return true
}

// TestDeleteCollectsData: deleting the only Blob object deletes the blob's metadata
// and slivers; with a second object left, the data stays.
func TestDeleteCollectsData(t *testing.T) {
	net := twoNodes(t)
	ctx := context.Background()
	a := net.nodes[0]
	b := net.blob(30, 2000)
	net.publish(b.registered(true, 5))
	second := *b.registered(true, 5)
	second.ObjectID = walrus.MustParseID("0x5ec0")
	net.publish(&second)
	net.upload(a, b, false)
	net.publish(b.certified(true, 5))

	net.publish(&walrus.BlobDeleted{Epoch: testEpoch, BlobID: b.id, EndEpoch: 5, ObjectID: b.obj, WasCertified: true})
	if !all(allStatuses(t, net, a, b), api.StatusStored) {
		t.Fatal("data deleted while another object is live")
	}
	st, err := a.client.BlobStatus(ctx, b.id)
	if err != nil || st.Kind != api.BlobDeletable || st.Deletable != (api.DeletableCounts{Total: 1}) || st.InitialCertifiedEpoch != nil {
		t.Fatalf("status after the first deletion: %+v %v", st, err)
	}
	_, err = a.client.DeletableConfirmation(ctx, b.id, b.obj, api.ConfirmationWait{})
	wantReason(t, err, http.StatusBadRequest, api.ReasonNotRegistered)

	net.publish(&walrus.BlobDeleted{Epoch: testEpoch, BlobID: b.id, EndEpoch: 5, ObjectID: second.ObjectID})
	if !all(allStatuses(t, net, a, b), api.StatusNonexistent) {
		t.Fatalf("data kept after the last deletion: %v", allStatuses(t, net, a, b))
	}
	if st, err := a.client.BlobStatus(ctx, b.id); err != nil || st.Kind != api.BlobNonexistent {
		t.Fatalf("status: %+v %v", st, err)
	}
	_, err = a.client.Metadata(ctx, b.id)
	wantReason(t, err, http.StatusNotFound, api.ReasonMetadataNotFound)
}

// TestExpiryCollectsData: at the epoch change that reaches a blob's end epoch the node
// forgets the blob and deletes its data; a blob living longer is kept.
func TestExpiryCollectsData(t *testing.T) {
	net := twoNodes(t)
	ctx := context.Background()
	a := net.nodes[0]
	short, long := net.blob(31, 900), net.blob(32, 900)
	net.publish(short.registered(false, 2), long.registered(false, 3))
	net.upload(a, short, false)
	net.upload(a, long, false)
	net.publish(short.certified(false, 2), long.certified(false, 3))

	net.epoch = 2
	net.committee.set(net.makeCommittee())
	net.publish(&walrus.EpochChangeStart{Epoch: 2})
	waitFor(t, "the expired blob is collected", func() bool {
		return all(allStatuses(t, net, a, short), api.StatusNonexistent)
	})
	if st, _ := a.client.BlobStatus(ctx, short.id); st.Kind != api.BlobNonexistent {
		t.Fatalf("expired blob status %+v", st)
	}
	if !all(allStatuses(t, net, a, long), api.StatusStored) {
		t.Fatal("live blob collected")
	}
	// Confirmations are now signed for epoch 2.
	sm, err := a.client.PermanentConfirmation(ctx, long.id, api.ConfirmationWait{})
	if err != nil {
		t.Fatal(err)
	}
	if sm.SerializedMessage[3] != 2 {
		t.Fatalf("confirmation epoch %d", sm.SerializedMessage[3])
	}
	_, err = a.client.PermanentConfirmation(ctx, short.id, api.ConfirmationWait{})
	wantReason(t, err, http.StatusBadRequest, api.ReasonNotRegistered)
}

// TestRestartKeepsState: a node stopped and started on the same directory has its
// slivers, metadata, blob records, buffered uploads and cursor; it applies only the
// events after its cursor.
func TestRestartKeepsState(t *testing.T) {
	net := twoNodes(t)
	ctx := context.Background()
	a := net.nodes[0]
	b := net.blob(33, 5000)
	pend := net.blob(34, 700)
	net.publish(b.registered(false, 5))
	net.upload(a, b, false)
	net.publish(b.certified(false, 5))
	if _, err := a.client.StoreMetadata(ctx, pend.id, &pend.meta, true); err != nil {
		t.Fatal(err)
	}
	before, err := a.client.Health(ctx, false)
	if err != nil {
		t.Fatal(err)
	}

	net.restart(a)

	after, err := a.client.Health(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	if after.EventProgress.Persisted != before.EventProgress.Persisted || *after.LatestCheckpointSequenceNumber != *before.LatestCheckpointSequenceNumber {
		t.Fatalf("cursor before %+v after %+v", before.EventProgress, after.EventProgress)
	}
	if !all(allStatuses(t, net, a, b), api.StatusStored) {
		t.Fatal("data lost across restart")
	}
	p := net.codec.Params()
	pair := uint16(p.PairForShard(b.id, int(a.shards[2])))
	s, err := a.client.VerifiedSliver(ctx, net.codec, b.enc.Metadata, pair, encoding.Secondary)
	if err != nil || !bytes.Equal(s.Data, b.sliver(int(pair), encoding.Secondary).Data) {
		t.Fatalf("sliver after restart: %v", err)
	}
	if st, _ := a.client.BlobStatus(ctx, b.id); st.Kind != api.BlobPermanent || !st.IsCertified {
		t.Fatalf("status after restart %+v", st)
	}
	if st, _ := a.client.MetadataStatus(ctx, pend.id); st != api.StatusBuffered {
		t.Fatalf("buffered metadata after restart: %v", st)
	}
	if _, err := a.client.PermanentConfirmation(ctx, b.id, api.ConfirmationWait{}); err != nil {
		t.Fatal(err)
	}
	// New events continue from the cursor: the registration flushes the buffer, and
	// the count of applied events grows by exactly one.
	net.publish(pend.registered(false, 5))
	h, _ := a.client.Health(ctx, false)
	if h.EventProgress.Persisted != before.EventProgress.Persisted+1 {
		t.Fatalf("applied %d events, want %d", h.EventProgress.Persisted, before.EventProgress.Persisted+1)
	}
	if st, _ := a.client.MetadataStatus(ctx, pend.id); st != api.StatusStored {
		t.Fatalf("buffered metadata not flushed after restart: %v", st)
	}
}

// TestBlobSync: four nodes; the blob is uploaded to three. When it is certified, the
// fourth (and a node that was down during the upload and comes back) recovers its
// metadata and slivers from the others' recovery symbols over the REST API, verifies
// them, stores them, and can then confirm.
func TestBlobSync(t *testing.T) {
	net := newNet(t, 7, [][]uint16{{0, 1}, {2, 3}, {4, 5}, {6}})
	ctx := context.Background()
	b := net.blob(40, 6000)
	net.publish(b.registered(false, 5))
	for _, tn := range net.nodes[:3] {
		net.upload(tn, b, false)
	}
	late := net.nodes[3]
	if !all(allStatuses(t, net, late, b), api.StatusNonexistent) {
		t.Fatal("the fourth node has data it was not sent")
	}
	net.publish(b.certified(false, 5))
	waitFor(t, "node 3 syncs the blob", func() bool { return all(allStatuses(t, net, late, b), api.StatusStored) })
	p := net.codec.Params()
	for _, sh := range late.shards {
		pair := uint16(p.PairForShard(b.id, int(sh)))
		for _, axis := range []encoding.Axis{encoding.Primary, encoding.Secondary} {
			s, err := late.client.VerifiedSliver(ctx, net.codec, b.enc.Metadata, pair, axis)
			if err != nil || !bytes.Equal(s.Data, b.sliver(int(pair), axis).Data) {
				t.Fatalf("synced %s sliver of pair %d: %v", axis, pair, err)
			}
		}
	}
	if _, err := late.client.PermanentConfirmation(ctx, b.id, api.ConfirmationWait{}); err != nil {
		t.Fatalf("confirmation after sync: %v", err)
	}
	waitFor(t, "the sync is recorded as complete", func() bool {
		return metric(t, late.n.Metrics(), "tusk_node_blob_sync_completed_total") == 1
	})
	if got := metric(t, late.n.Metrics(), "tusk_node_slivers_recovered_total"); got != 2 {
		t.Fatalf("%v slivers recovered, want 2", got)
	}

	// A second blob, certified while node 2 is down and never sent to it: after its
	// restart it catches up on the events and syncs from the others.
	net.stop(net.nodes[2])
	c := net.blob(41, 3000)
	net.publish(c.registered(false, 5))
	net.upload(net.nodes[0], c, false)
	net.upload(net.nodes[1], c, false)
	net.upload(net.nodes[3], c, false)
	net.publish(c.certified(false, 5))
	net.build(net.nodes[2])
	net.run(net.nodes[2])
	net.waitApplied()
	waitFor(t, "the restarted node syncs the blob", func() bool { return all(allStatuses(t, net, net.nodes[2], c), api.StatusStored) })
	if _, err := net.nodes[2].client.PermanentConfirmation(ctx, c.id, api.ConfirmationWait{}); err != nil {
		t.Fatalf("confirmation after catch-up sync: %v", err)
	}
}
