package node_test

import (
	"context"
	"testing"

	"github.com/tuskstore/tusk/chain/messages"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/node/api"
)

// TestSyncInvalidatesInconsistentBlob: a blob encoded inconsistently (one primary
// sliver altered, its hash in the metadata recomputed) is uploaded to every node but
// the one holding the altered sliver's shard, and certified. That node's blob sync
// recovers the sliver, finds it does not match the metadata, collects the other nodes'
// InvalidBlobId attestations for the proof until they cover n-f shards, and submits the
// aggregate with invalidate_blob_id; the chain's InvalidBlobID event then marks the
// blob invalid everywhere.
func TestSyncInvalidatesInconsistentBlob(t *testing.T) {
	// n = 7 (f = 2): three nodes of two shards, and D with shard 6.
	net := newNetWith(t, 7, [][]uint16{{0, 1}, {2, 3}, {4, 5}, {6}}, netOptions{chains: true})
	ctx := context.Background()
	p := net.codec.Params()
	d := net.nodes[3]

	// An inconsistent blob whose altered primary sliver is on D's shard.
	var (
		b      *testBlob
		id     encoding.BlobID
		meta   encoding.Metadata
		target int
	)
	for seed := uint64(70); id == (encoding.BlobID{}); seed++ {
		if seed > 200 {
			t.Fatal("no inconsistent blob with its altered sliver on shard 6")
		}
		cand := net.blob(seed, 3000)
		tg := int(seed % 7)
		cid, cmeta, _ := inconsistentBlob(t, net, cand, tg)
		if p.ShardForPair(cid, tg) == 6 {
			b, id, meta, target = cand, cid, cmeta, tg
		}
	}
	obj := walrus.MustParseID("0x1c0")
	net.publish(&walrus.BlobRegistered{Epoch: testEpoch, BlobID: id, Size: uint64(len(b.data)), EncodingType: 1, EndEpoch: 5, ObjectID: obj})
	for _, tn := range net.nodes[:3] {
		if _, err := tn.client.StoreMetadata(ctx, id, &meta, false); err != nil {
			t.Fatal(err)
		}
		for _, sh := range tn.shards {
			pair := p.PairForShard(id, int(sh))
			if pair == target {
				t.Fatalf("the altered pair %d is on node %d", pair, tn.idx)
			}
			for _, axis := range []encoding.Axis{encoding.Primary, encoding.Secondary} {
				s := b.sliver(pair, axis)
				if _, err := tn.client.StoreSliver(ctx, id, uint16(pair), &s, false); err != nil {
					t.Fatalf("node %d pair %d %s: %v", tn.idx, pair, axis, err)
				}
			}
		}
	}
	net.publish(&walrus.BlobCertified{Epoch: testEpoch, BlobID: id, EndEpoch: 5, ObjectID: obj})

	waitFor(t, "node D submits invalidate_blob_id", func() bool { return len(d.chain.certificates()) > 0 })
	cert := d.chain.certificates()[0]
	com := net.makeCommittee()
	weight, err := com.Signing().VerifyConfirmationCertificate(cert, messages.OneCorrectNode)
	if err != nil {
		t.Fatalf("the certificate does not verify: %v", err)
	}
	if int(weight) < p.MinCorrect() {
		t.Fatalf("the certificate's signers hold %d shards, want n-f = %d", weight, p.MinCorrect())
	}
	msg, err := messages.ParseInvalidBlobID(cert.SerializedMessage)
	if err != nil || msg.Epoch != testEpoch || msg.Body.BlobID != id {
		t.Fatalf("certified message %+v (%v), want blob %s in epoch %d", msg, err, id, testEpoch)
	}
	for _, tn := range net.nodes[:3] {
		if n := len(tn.chain.certificates()); n != 0 {
			t.Fatalf("node %d, which holds its slivers, submitted %d certificates", tn.idx, n)
		}
	}

	// The chain's event: every node reports the blob invalid and drops its data.
	net.publish(&walrus.InvalidBlobID{Epoch: testEpoch, BlobID: id})
	for _, tn := range net.nodes {
		st, err := tn.client.BlobStatus(ctx, id)
		if err != nil || st.Kind != api.BlobInvalid {
			t.Fatalf("node %d: status %+v, %v", tn.idx, st, err)
		}
	}
}
