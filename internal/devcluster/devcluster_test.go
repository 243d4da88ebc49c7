package devcluster

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/chain/devnet/contract"
	"github.com/tuskstore/tusk/chain/keys"
	"github.com/tuskstore/tusk/chain/messages"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/encoding/encodingtest"
	"github.com/tuskstore/tusk/internal/pgtest"
	"github.com/tuskstore/tusk/node/api"
	"github.com/tuskstore/tusk/node/client"
)

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func TestMain(m *testing.M) { pgtest.Main(m) }

func startCluster(t *testing.T, ctx context.Context, dir string, tweak ...func(*Config)) *Cluster {
	t.Helper()
	cfg := Default()
	cfg.Dir = dir
	cfg.RPCAddr = "127.0.0.1:0"
	for _, f := range tweak {
		f(&cfg)
	}
	c, err := Start(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// writer stores blobs the way a publisher does, with the pieces built here: register on
// chain, upload to the nodes, collect confirmations, certify.
type writer struct {
	t     *testing.T
	ctx   context.Context
	c     *chain.Client
	codec *encoding.Codec
}

func newWriter(t *testing.T, ctx context.Context, cl *Cluster) *writer {
	t.Helper()
	k, err := keys.Generate()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cl.Devnet().Faucet(ctx, walrus.Address(k.Address()), 100*contract.FrostPerWAL, 10_000_000_000); err != nil {
		t.Fatal(err)
	}
	c, err := chain.Dial(ctx, cl.ChainConfig(), chain.Options{Signer: k})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	codec, err := encoding.NewCodec(int(cl.Genesis().NShards))
	if err != nil {
		t.Fatal(err)
	}
	return &writer{t: t, ctx: ctx, c: c, codec: codec}
}

func nodeClient(t *testing.T, m chain.CommitteeMember) *client.Client {
	t.Helper()
	nc, err := client.New(m.NetworkAddress, client.Options{Plain: true, Timeout: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	return nc
}

// store registers data and uploads it to the committee members whose indices are in
// to, returns the blob with the confirmations of those members, and certifies it when
// they make a quorum.
func (w *writer) store(data []byte, to []int) (*chain.RegisteredBlob, *encoding.EncodedBlob) {
	w.t.Helper()
	enc, err := w.codec.Encode(data)
	if err != nil {
		w.t.Fatal(err)
	}
	return w.storeEncoded(enc.Metadata, enc.SliverPair, to), enc
}

// storeEncoded is store for a blob already encoded: its metadata and its slivers by pair.
func (w *writer) storeEncoded(md encoding.VerifiedMetadata, pairOf func(pair int) (encoding.Sliver, encoding.Sliver), to []int) *chain.RegisteredBlob {
	w.t.Helper()
	r, err := w.c.RegisterBlob(w.ctx, chain.RegisterBlobRequest{BlobID: md.BlobID(), RootHash: md.RootHash(), Size: md.UnencodedLength(), Epochs: 2})
	if err != nil {
		w.t.Fatal(err)
	}
	com, err := w.c.Committee(w.ctx)
	if err != nil {
		w.t.Fatal(err)
	}
	p := md.Params()
	var confs []messages.SignedMessage
	var signers []int
	weight := 0
	for _, i := range to {
		m := com.Members[i]
		nc := nodeClient(w.t, m)
		meta := md.Metadata()
		if _, err := nc.StoreMetadata(w.ctx, md.BlobID(), &meta, true); err != nil {
			w.t.Fatalf("node %s metadata: %v", m.Name, err)
		}
		for _, s := range m.Shards {
			pair := p.PairForShard(md.BlobID(), int(s))
			prim, sec := pairOf(pair)
			for _, sl := range []encoding.Sliver{prim, sec} {
				if _, err := nc.StoreSliver(w.ctx, md.BlobID(), uint16(pair), &sl, true); err != nil {
					w.t.Fatalf("node %s sliver %d %v: %v", m.Name, pair, sl.Axis, err)
				}
			}
		}
		conf, err := nc.PermanentConfirmation(w.ctx, md.BlobID(), api.ConfirmationWait{ForRegistration: true})
		if err != nil {
			w.t.Fatalf("node %s confirmation: %v", m.Name, err)
		}
		confs, signers, weight = append(confs, conf), append(signers, i), weight+m.Weight()
	}
	if com.Signing().IsQuorum(weight) {
		cert, err := messages.Aggregate(confs, signers)
		if err != nil {
			w.t.Fatal(err)
		}
		if _, err := w.c.CertifyBlob(w.ctx, r.ObjectID, &cert); err != nil {
			w.t.Fatal(err)
		}
	}
	return r
}

// storeAndSync stores a blob on every member but the smallest, certifies it, and waits
// until the smallest has recovered its slivers from the others.
func storeAndSync(t *testing.T, ctx context.Context, cl *Cluster) (*chain.RegisteredBlob, *encoding.EncodedBlob, *chain.Committee) {
	t.Helper()
	w := newWriter(t, ctx, cl)
	com, err := w.c.Committee(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// The three largest members make a quorum; the smallest one gets nothing.
	smallest := 0
	for i, m := range com.Members {
		if m.Weight() < com.Members[smallest].Weight() {
			smallest = i
		}
	}
	var to []int
	for i := range com.Members {
		if i != smallest {
			to = append(to, i)
		}
	}
	data := make([]byte, 50_000)
	for i := range data {
		data[i] = byte(rand.Uint32())
	}
	r, enc := w.store(data, to)
	if b, err := w.c.Blob(ctx, r.ObjectID); err != nil || !b.IsCertified() {
		t.Fatalf("blob %+v, %v", b, err)
	}
	// The left-out node learns of the certification and recovers its slivers.
	waitSlivers(t, ctx, nodeClient(t, com.Members[smallest]), com.Members[smallest], enc)
	return r, enc, com
}

// waitSlivers waits until node m serves its primary slivers of enc, and checks them.
func waitSlivers(t *testing.T, ctx context.Context, nc *client.Client, m chain.CommitteeMember, enc *encoding.EncodedBlob) {
	t.Helper()
	p := enc.Metadata.Params()
	id := enc.Metadata.BlobID()
	for _, s := range m.Shards {
		pair := p.PairForShard(id, int(s))
		want, _ := enc.SliverPair(pair)
		for {
			got, err := nc.Sliver(ctx, id, uint16(pair), encoding.Primary)
			if err == nil {
				if !bytes.Equal(got.Data, want.Data) {
					t.Fatalf("node %s pair %d: wrong sliver", m.Name, pair)
				}
				break
			}
			var apiErr *api.Error
			if !errors.As(err, &apiErr) || ctx.Err() != nil {
				t.Fatalf("node %s pair %d: %v", m.Name, pair, err)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

// TestClusterStoresAndSyncs runs the chain and four nodes that follow it over gRPC: a
// blob uploaded to three nodes and certified is recovered by the fourth from the
// certification event; after a restart of the whole cluster every node still has it.
func TestClusterStoresAndSyncs(t *testing.T) {
	ctx := testCtx(t)
	dir := t.TempDir()
	cl := startCluster(t, ctx, dir)
	if !cl.Created() || cl.Nodes() != 4 {
		t.Fatalf("created %v, %d nodes", cl.Created(), cl.Nodes())
	}
	r, enc, com := storeAndSync(t, ctx, cl)
	id := enc.Metadata.BlobID()

	// A restart of everything from the directory: same chain, same nodes, same data.
	if err := cl.Close(); err != nil {
		t.Fatal(err)
	}
	cl2 := startCluster(t, ctx, dir)
	defer cl2.Close()
	if cl2.Created() || cl2.NodeAddress(0) != cl.NodeAddress(0) {
		t.Errorf("restart: created %v, node 0 at %s (was %s)", cl2.Created(), cl2.NodeAddress(0), cl.NodeAddress(0))
	}
	c2, err := chain.Dial(ctx, cl2.ChainConfig(), chain.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	if b, err := c2.Blob(ctx, r.ObjectID); err != nil || !b.IsCertified() {
		t.Fatalf("after restart: blob %+v, %v", b, err)
	}
	for _, m := range com.Members {
		nc := nodeClient(t, m)
		st, err := nc.BlobStatus(ctx, id)
		if err != nil {
			t.Fatalf("node %s status: %v", m.Name, err)
		}
		if st.Kind != api.BlobPermanent || !st.IsCertified {
			t.Errorf("node %s status %+v", m.Name, st)
		}
		waitSlivers(t, ctx, nc, m, enc)
	}
}

// TestClusterNodesFollowTheIndexerFeed runs the indexer on Postgres and has the nodes
// follow its event feed instead of the chain: the left-out node still syncs, and the
// explorer API shows the certified blob.
func TestClusterNodesFollowTheIndexerFeed(t *testing.T) {
	ctx := testCtx(t)
	url := pgtest.URL(t)
	cl := startCluster(t, ctx, t.TempDir(), func(c *Config) { c.DatabaseURL, c.NodesFollowFeed = url, true })
	defer cl.Close()
	if cl.IndexerAddr() == "" {
		t.Fatal("no indexer")
	}
	_, enc, _ := storeAndSync(t, ctx, cl)
	resp, err := http.Get("http://" + cl.IndexerAddr() + "/v1/blobs/" + enc.Metadata.BlobID().String())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !bytes.Contains(body, []byte(`"certified_epoch"`)) {
		t.Errorf("explorer: %d %s", resp.StatusCode, body)
	}
}

// TestClusterInvalidatesInconsistentBlob: a writer registers and certifies on the devnet
// a blob whose encoding is inconsistent, uploading it to every member but the one whose
// shard holds the altered sliver. That node's blob sync finds the inconsistency, collects
// the others' attestations, and its operator calls invalidate_blob_id: every node then
// sees the chain's InvalidBlobID event and reports the blob invalid.
func TestClusterInvalidatesInconsistentBlob(t *testing.T) {
	ctx := testCtx(t)
	cl := startCluster(t, ctx, t.TempDir())
	defer cl.Close()
	w := newWriter(t, ctx, cl)
	com, err := w.c.Committee(ctx)
	if err != nil {
		t.Fatal(err)
	}
	p := w.codec.Params()
	enc, err := w.codec.Encode(bytes.Repeat([]byte("inconsistent "), 3000))
	if err != nil {
		t.Fatal(err)
	}
	// The altered pair must land on a shard of the member left out, whose weight must
	// be small enough for the others to certify.
	var (
		inc  *encodingtest.Inconsistent
		left int
	)
	for target := 0; target < p.NShards && inc == nil; target++ {
		cand, err := encodingtest.NewInconsistent(w.codec, enc, target)
		if err != nil {
			t.Fatal(err)
		}
		shard := p.ShardForPair(cand.BlobID, target)
		for i, m := range com.Members {
			if slices.Contains(m.Shards, uint16(shard)) && com.Signing().IsQuorum(int(com.NShards)-m.Weight()) {
				inc, left = cand, i
			}
		}
	}
	if inc == nil {
		t.Fatal("no target whose shard belongs to a member the others can certify without")
	}
	md, err := encoding.VerifyMetadata(p, inc.BlobID, inc.Metadata)
	if err != nil {
		t.Fatal(err)
	}
	var to []int
	for i := range com.Members {
		if i != left {
			to = append(to, i)
		}
	}
	pairOf := func(pair int) (encoding.Sliver, encoding.Sliver) {
		prim, sec := enc.SliverPair(pair)
		if pair == inc.Target {
			prim = inc.Sliver
		}
		return prim, sec
	}
	r := w.storeEncoded(md, pairOf, to)
	if b, err := w.c.Blob(ctx, r.ObjectID); err != nil || !b.IsCertified() {
		t.Fatalf("blob %+v, %v", b, err)
	}
	for _, m := range com.Members {
		nc := nodeClient(t, m)
		for {
			st, err := nc.BlobStatus(ctx, inc.BlobID)
			if err == nil && st.Kind == api.BlobInvalid {
				break
			}
			if ctx.Err() != nil {
				t.Fatalf("node %s never saw the blob invalidated: %+v, %v", m.Name, st, err)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
}
