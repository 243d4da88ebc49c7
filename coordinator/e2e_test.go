package coordinator_test

import (
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/coordinator"
	"github.com/tuskstore/tusk/coordinator/coordtest/realnet"
	"github.com/tuskstore/tusk/coordinator/coordtest/testnet"
	"github.com/tuskstore/tusk/coordinator/nodes"
	"github.com/tuskstore/tusk/coordinator/read"
	"github.com/tuskstore/tusk/coordinator/store"
	"github.com/tuskstore/tusk/encoding"
)

func randomBlob(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rand.Uint32())
	}
	return b
}

func newClient(t *testing.T, rn *realnet.Net, d nodes.Dialer) *coordinator.Client {
	t.Helper()
	cfg := coordinator.Default()
	// Once a quorum confirmed, wait for the other live nodes (a stopped one fails at
	// once): the reads with 2f down need every live node to hold its slivers.
	cfg.Store.TailWait = 30 * time.Second
	cfg.Store.NodeTimeout = 45 * time.Second
	cfg.Read.RequestTimeout = 10 * time.Second
	c, err := coordinator.New(rn.Chain, d, cfg, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// corrupting wraps the nodes of some members and flips the bytes of every sliver and the
// metadata they serve: a lying node, as the coordinator sees it.
func corrupting(d nodes.Dialer, liars map[string]bool) nodes.Dialer {
	return nodes.DialFunc(func(m *chain.CommitteeMember) (nodes.Node, error) {
		n, err := d.Dial(m)
		if err != nil || !liars[m.NetworkAddress] {
			return n, err
		}
		return liar{n}, nil
	})
}

type liar struct{ nodes.Node }

func (l liar) Sliver(ctx context.Context, id encoding.BlobID, pair uint16, axis encoding.Axis) (*encoding.Sliver, error) {
	s, err := l.Node.Sliver(ctx, id, pair, axis)
	if err == nil && len(s.Data) > 0 {
		s.Data[0] ^= 0xff
	}
	return s, err
}

func (l liar) Metadata(ctx context.Context, id encoding.BlobID) (*encoding.MetadataWithID, error) {
	m, err := l.Node.Metadata(ctx, id)
	if err == nil && len(m.Metadata.Hashes) > 0 {
		m.Metadata.Hashes[0].SecondaryHash.Digest[3] ^= 1
	}
	return m, err
}

// Real storage nodes (package node) on loopback with the devnet: store and read every
// size up to the maximum, then with nodes down and lying.
func TestEndToEndRealNodes(t *testing.T) {
	rn := realnet.Start(t, testnet.Options{}, nil)
	c := newClient(t, rn, rn.Dialer)
	ctx := rn.Ctx
	p, _ := encoding.NewParams(int(rn.Committee.NShards))
	for _, size := range []int{0, 1, 1000, 100_000, int(p.MaxBlobSize())} {
		blob := randomBlob(size)
		res, err := c.Store(ctx, blob, store.Options{Epochs: 2})
		if err != nil {
			t.Fatalf("store %d bytes: %v", size, err)
		}
		obj, err := rn.Chain.Blob(ctx, res.NewlyCreated.BlobObject.ID)
		if err != nil || !obj.IsCertified() {
			t.Fatalf("size %d: Blob not certified (%v)", size, err)
		}
		got, err := c.Read(ctx, res.BlobID(), encoding.CheckStrict)
		if err != nil || !bytes.Equal(got, blob) {
			t.Fatalf("read %d bytes: %v", size, err)
		}
	}

	// Which genesis nodes to stop: weights are 3,2,2,3 or a permutation.
	f := p.F
	var small []int // nodes of weight ≤ f, in order
	for i := range rn.Nodes {
		if rn.Weight(i) <= f {
			small = append(small, i)
		}
	}
	if len(small) < 2 || rn.Weight(small[0])+rn.Weight(small[1]) > 2*f {
		t.Fatalf("unexpected committee weights")
	}

	// f shards' worth down: store and read work.
	blob := randomBlob(300_000)
	rn.Nodes[small[0]].Stop()
	res, err := c.Store(ctx, blob, store.Options{Permanent: true})
	if err != nil {
		t.Fatalf("store with a node down: %v", err)
	}
	if got, err := c.Read(ctx, res.BlobID(), encoding.CheckDefault); err != nil || !bytes.Equal(got, blob) {
		t.Fatalf("read with a node down: %v", err)
	}
	// 2f down: reads still work.
	rn.Nodes[small[1]].Stop()
	if got, err := c.Read(ctx, res.BlobID(), encoding.CheckDefault); err != nil || !bytes.Equal(got, blob) {
		t.Fatalf("read with 2f shards down: %v", err)
	}
	rg, err := c.ReadRange(ctx, res.BlobID(), 12345, 5000)
	if err != nil || !bytes.Equal(rg.Data, blob[12345:17345]) {
		t.Fatalf("range with 2f shards down: %v", err)
	}
	// More than f down: a store fails clearly and certifies nothing.
	_, err = c.Store(ctx, randomBlob(1000), store.Options{Force: true})
	if !errors.Is(err, store.ErrNotEnoughConfirmations) {
		t.Fatalf("store with more than f shards down: %v", err)
	}
	owned, _ := c.OwnedBlobs(ctx, nil)
	uncertified := 0
	for _, b := range owned {
		if !b.IsCertified() {
			uncertified++
		}
	}
	if uncertified != 1 {
		t.Fatalf("%d uncertified registrations, want the failed store's one", uncertified)
	}
	rn.Nodes[small[0]].Start()
	rn.Nodes[small[1]].Start()

	// Lying nodes (2f shards' worth, serving corrupt slivers and metadata): detected,
	// skipped, and the read is right.
	liars := map[string]bool{rn.Nodes[small[0]].Cfg.ListenAddr: true, rn.Nodes[small[1]].Cfg.ListenAddr: true}
	lc := newClient(t, rn, corrupting(rn.Dialer, liars))
	if got, err := lc.Read(ctx, res.BlobID(), encoding.CheckDefault); err != nil || !bytes.Equal(got, blob) {
		t.Fatalf("read with lying nodes: %v", err)
	}

	// Deletable vs permanent, extend, delete.
	dres, err := c.Store(ctx, randomBlob(5000), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	oid := dres.NewlyCreated.BlobObject.ID
	before := dres.NewlyCreated.BlobObject.Storage.EndEpoch
	if b, err := c.Extend(ctx, oid, 4); err != nil || b.Storage.EndEpoch != before+4 {
		t.Fatalf("extend: %v", err)
	}
	if _, err := c.Delete(ctx, res.NewlyCreated.BlobObject.ID); !errors.Is(err, coordinator.ErrNotDeletable) {
		t.Fatalf("delete permanent: %v, want ErrNotDeletable", err)
	}
	if _, err := c.Delete(ctx, oid); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.BlobObject(ctx, oid); !errors.Is(err, coordinator.ErrNotBlobObject) {
		t.Fatalf("after delete: %v", err)
	}
	var missing encoding.BlobID
	missing[1] = 9
	if _, err := c.Read(ctx, missing, encoding.CheckDefault); !errors.Is(err, read.ErrBlobNotFound) {
		t.Fatalf("missing blob: %v", err)
	}
}
