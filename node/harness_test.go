package node_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/chain/keys"
	"github.com/tuskstore/tusk/chain/messages"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/node"
	"github.com/tuskstore/tusk/node/api"
	"github.com/tuskstore/tusk/node/client"
	"github.com/tuskstore/tusk/node/events"
)

// The test network: real nodes (pebble in t.TempDir, real HTTP/TLS servers on loopback,
// real BLS keys), one in-memory checkpoint feed of real BCS Walrus events, and a
// committee the test controls.

var testPkg = walrus.MustParseID("0x77")

const testEpoch = 1

// committeeSource is the chain's committee as the test sets it, with the committees of
// earlier epochs (PreviousCommittee).
type committeeSource struct {
	mu   sync.Mutex
	c    *chain.Committee
	past map[uint32]*chain.Committee
}

func (s *committeeSource) Committee(context.Context) (*chain.Committee, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.c == nil {
		return nil, errors.New("no committee yet")
	}
	c := *s.c
	return &c, nil
}

// PreviousCommittee is the committee of the epoch before the current one (empty if the
// test set none), as chain.Client reads it.
func (s *committeeSource) PreviousCommittee(context.Context) (*chain.Committee, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.c == nil {
		return nil, errors.New("no committee yet")
	}
	if p := s.past[s.c.Epoch-1]; p != nil {
		c := *p
		return &c, nil
	}
	return &chain.Committee{Epoch: s.c.Epoch - 1, NShards: s.c.NShards}, nil
}

func (s *committeeSource) set(c *chain.Committee) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.past == nil {
		s.past = map[uint32]*chain.Committee{}
	}
	s.past[c.Epoch] = c
	s.c = c
}

// recordingChain is a ChainWriter that records the node's epoch_sync_done calls and
// invalidate_blob_id certificates.
type recordingChain struct {
	mu          sync.Mutex
	calls       map[uint32]int
	invalidated []messages.ConfirmationCertificate
}

func (c *recordingChain) EpochSyncDone(_ context.Context, epoch uint32) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.calls == nil {
		c.calls = map[uint32]int{}
	}
	c.calls[epoch]++
	return nil
}

func (c *recordingChain) InvalidateBlobID(_ context.Context, cert *messages.ConfirmationCertificate) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.invalidated = append(c.invalidated, *cert)
	return nil
}

// certificates are the invalidate_blob_id certificates submitted so far.
func (c *recordingChain) certificates() []messages.ConfirmationCertificate {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.invalidated)
}

// epochSyncDone is the number of epoch_sync_done calls for epoch.
func (c *recordingChain) epochSyncDone(epoch uint32) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.calls[epoch]
}

type testNode struct {
	idx    int
	id     walrus.ID
	cfg    node.Config
	shards []uint16
	blsKey *keys.BLSKey
	netKey *keys.NetworkKey
	n      *node.Node
	client *client.Client
	// chain, if set, is the node's ChainWriter; peers, if set, its PeerDialer.
	chain  *recordingChain
	peers  node.PeerDialer
	cancel context.CancelFunc
	done   chan error
}

type testNet struct {
	t         testing.TB
	nShards   int
	codec     *encoding.Codec
	feed      *events.Feed
	committee *committeeSource
	epoch     uint32
	nodes     []*testNode
	log       *zap.Logger
}

// newNet starts one node per entry of shards (the shards it holds), with TLS.
func newNet(t testing.TB, nShards int, shards [][]uint16, opts ...func(*node.Config)) *testNet {
	t.Helper()
	return newNetWith(t, nShards, shards, netOptions{config: opts})
}

// netOptions tune newNetWith.
type netOptions struct {
	// config is applied to every node's configuration.
	config []func(*node.Config)
	// chains gives every node a recordingChain as its ChainWriter.
	chains bool
}

// newNetWith is newNet with options.
func newNetWith(t testing.TB, nShards int, shards [][]uint16, o netOptions) *testNet {
	t.Helper()
	opts := o.config
	codec, err := encoding.NewCodec(nShards)
	if err != nil {
		t.Fatal(err)
	}
	net := &testNet{t: t, nShards: nShards, codec: codec, feed: events.NewFeed(), committee: &committeeSource{},
		epoch: testEpoch, log: zaptest.NewLogger(t, zaptest.Level(zap.WarnLevel))}
	for i, sh := range shards {
		dir := t.TempDir()
		bk, err := keys.GenerateBLSKey()
		if err != nil {
			t.Fatal(err)
		}
		nk, err := keys.GenerateNetworkKey()
		if err != nil {
			t.Fatal(err)
		}
		cfg := node.Default()
		cfg.DataDir = filepath.Join(dir, "db")
		cfg.ListenAddr = "127.0.0.1:0"
		cfg.PublicHost = "127.0.0.1"
		cfg.MetricsAddr = ""
		cfg.BLSKeyFile = filepath.Join(dir, "protocol.key")
		cfg.NetworkKeyFile = filepath.Join(dir, "network.key")
		cfg.Sync.RetryMin = 20 * time.Millisecond
		cfg.Sync.RetryMax = 200 * time.Millisecond
		cfg.ShutdownTimeout = 10 * time.Second
		var id walrus.ID
		id[0], id[31] = byte(0x10+i), byte(i)
		cfg.NodeID = id.String()
		for _, o := range opts {
			o(&cfg)
		}
		if err := keys.SaveBLSKey(cfg.BLSKeyFile, bk); err != nil {
			t.Fatal(err)
		}
		if err := keys.SaveNetworkKey(cfg.NetworkKeyFile, nk); err != nil {
			t.Fatal(err)
		}
		tn := &testNode{idx: i, id: id, cfg: cfg, shards: sh, blsKey: bk, netKey: nk}
		if o.chains {
			tn.chain = &recordingChain{}
		}
		net.nodes = append(net.nodes, tn)
	}
	for _, tn := range net.nodes {
		net.build(tn)
	}
	net.committee.set(net.makeCommittee())
	for _, tn := range net.nodes {
		net.run(tn)
	}
	return net
}

func (net *testNet) build(tn *testNode) {
	net.t.Helper()
	deps := node.Deps{
		Log:       net.log.With(zap.Int("node", tn.idx)),
		Events:    events.FromCheckpoints(net.feed, testPkg),
		Committee: net.committee,
		Peers:     tn.peers,
	}
	if tn.chain != nil {
		deps.Chain = tn.chain
	}
	n, err := node.New(tn.cfg, deps)
	if err != nil {
		net.t.Fatal(err)
	}
	tn.n = n
	// Keep the port across restarts, so that the committee stays right.
	tn.cfg.ListenAddr = n.Addr().String()
}

func (net *testNet) makeCommittee() *chain.Committee {
	c := &chain.Committee{Epoch: net.epoch, NShards: uint16(net.nShards)}
	for _, tn := range net.nodes {
		if len(tn.shards) == 0 {
			continue // not in the committee
		}
		nk := tn.netKey.CompressedPublicKey()
		c.Members = append(c.Members, chain.CommitteeMember{
			NodeID: tn.id, Name: fmt.Sprintf("node-%d", tn.idx), NetworkAddress: tn.cfg.ListenAddr,
			PublicKey: tn.blsKey.PublicKey(), NetworkPublicKey: nk[:], Shards: tn.shards,
		})
	}
	sort.Slice(c.Members, func(i, j int) bool { return c.Members[i].NodeID.Compare(c.Members[j].NodeID) < 0 })
	return c
}

func (net *testNet) run(tn *testNode) {
	net.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	tn.cancel, tn.done = cancel, make(chan error, 1)
	n := tn.n
	go func() { tn.done <- n.Run(ctx) }()
	select {
	case <-n.Ready():
	case err := <-tn.done:
		net.t.Fatalf("node %d stopped at start: %v", tn.idx, err)
	}
	nk := tn.netKey.CompressedPublicKey()
	c, err := client.New(tn.cfg.ListenAddr, client.Options{NetworkPublicKey: nk[:], Timeout: time.Minute})
	if err != nil {
		net.t.Fatal(err)
	}
	tn.client = c
	net.t.Cleanup(func() { net.stop(tn) })
}

// stop shuts a node down and waits for it.
func (net *testNet) stop(tn *testNode) {
	if tn.cancel == nil {
		return
	}
	tn.client.Close() // idle HTTP/2 connections would hold the graceful shutdown for a second
	tn.cancel()
	tn.cancel = nil
	if err := <-tn.done; err != nil {
		net.t.Errorf("node %d: Run: %v", tn.idx, err)
	}
}

// restart stops a node and starts it again on the same directory and port.
func (net *testNet) restart(tn *testNode) {
	net.t.Helper()
	net.stop(tn)
	net.build(tn)
	net.run(tn)
}

// publish puts the events in a new checkpoint, one transaction, and waits until every
// running node has applied it.
func (net *testNet) publish(evs ...walrus.Event) {
	net.t.Helper()
	seq := net.feed.Len()
	if err := net.feed.Publish(events.Checkpoint(seq, testPkg, evs)); err != nil {
		net.t.Fatal(err)
	}
	net.waitApplied()
}

// waitApplied waits until every running node's cursor is past the feed's last
// checkpoint (read from GET /v1/health).
func (net *testNet) waitApplied() {
	net.t.Helper()
	last := net.feed.Len() - 1
	for _, tn := range net.nodes {
		if tn.cancel == nil {
			continue
		}
		waitFor(net.t, fmt.Sprintf("node %d applies checkpoint %d", tn.idx, last), func() bool {
			h, err := tn.client.Health(context.Background(), false)
			return err == nil && h.LatestCheckpointSequenceNumber != nil && *h.LatestCheckpointSequenceNumber >= last
		})
	}
}

// waitFor polls cond until it holds; it fails the test after a minute. The deadline is
// a guard against hangs, not a timing assertion.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// testBlob is an encoded blob with its events.
type testBlob struct {
	data []byte
	enc  *encoding.EncodedBlob
	id   encoding.BlobID
	meta encoding.Metadata
	obj  walrus.ID
}

func (net *testNet) blob(seed uint64, size int) *testBlob {
	net.t.Helper()
	return makeBlob(net.t, net.codec, seed, size)
}

// makeBlob encodes size pseudo-random bytes drawn from seed.
func makeBlob(t testing.TB, codec *encoding.Codec, seed uint64, size int) *testBlob {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	data := make([]byte, size)
	for i := range data {
		data[i] = byte(r.Uint32())
	}
	enc, err := codec.Encode(data)
	if err != nil {
		t.Fatal(err)
	}
	b := &testBlob{data: data, enc: enc, id: enc.Metadata.BlobID(), meta: enc.Metadata.Metadata()}
	b.obj[0], b.obj[1], b.obj[2] = 0x0b, byte(seed>>8), byte(seed)
	return b
}

func (b *testBlob) registered(deletable bool, endEpoch uint32) *walrus.BlobRegistered {
	return &walrus.BlobRegistered{Epoch: testEpoch, BlobID: b.id, Size: uint64(len(b.data)), EncodingType: 1,
		EndEpoch: endEpoch, Deletable: deletable, ObjectID: b.obj}
}

func (b *testBlob) certified(deletable bool, endEpoch uint32) *walrus.BlobCertified {
	return &walrus.BlobCertified{Epoch: testEpoch, BlobID: b.id, EndEpoch: endEpoch, Deletable: deletable, ObjectID: b.obj}
}

// sliver returns the sliver of pair on axis.
func (b *testBlob) sliver(pair int, axis encoding.Axis) encoding.Sliver {
	p, s := b.enc.SliverPair(pair)
	if axis == encoding.Primary {
		return p
	}
	return s
}

// upload stores the metadata and both slivers of every shard of tn.
func (net *testNet) upload(tn *testNode, b *testBlob, pending bool) {
	net.t.Helper()
	ctx := context.Background()
	if _, err := tn.client.StoreMetadata(ctx, b.id, &b.meta, pending); err != nil {
		net.t.Fatalf("node %d: store metadata: %v", tn.idx, err)
	}
	p := net.codec.Params()
	for _, sh := range tn.shards {
		pair := p.PairForShard(b.id, int(sh))
		for _, axis := range []encoding.Axis{encoding.Primary, encoding.Secondary} {
			s := b.sliver(pair, axis)
			if _, err := tn.client.StoreSliver(ctx, b.id, uint16(pair), &s, pending); err != nil {
				net.t.Fatalf("node %d: store %s sliver of pair %d: %v", tn.idx, axis, pair, err)
			}
		}
	}
}

// wantReason fails unless err is an *api.Error with the HTTP status and reason.
func wantReason(t *testing.T, err error, status int, reason string) {
	t.Helper()
	var e *api.Error
	if !errors.As(err, &e) {
		t.Fatalf("want %d %s, got %v", status, reason, err)
	}
	if e.HTTPStatus != status || e.Reason != reason {
		t.Fatalf("want %d %s, got %d %s: %s", status, reason, e.HTTPStatus, e.Reason, e.Message)
	}
	if e.Message == "" {
		t.Fatalf("error %s without a message", reason)
	}
}
