package node

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.uber.org/zap"

	"github.com/tuskstore/tusk/chain/keys"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/internal/lifecycle"
	"github.com/tuskstore/tusk/node/events"
	"github.com/tuskstore/tusk/node/nodetls"
	"github.com/tuskstore/tusk/node/rest"
	"github.com/tuskstore/tusk/node/store"
)

// Deps are what a node is built from besides its configuration.
type Deps struct {
	// Log is the process logger; the node names its own.
	Log *zap.Logger
	// Events is the Walrus event stream (events.FromCheckpoints over the chain client).
	Events events.Source
	// Committee gives the current committee and the previous one (chain.Client).
	Committee CommitteeSource
	// Peers dials other storage nodes for blob sync; nil means node/client over TLS (or
	// plain HTTP when the node's TLS is off).
	Peers PeerDialer
	// Chain submits the node's own transactions (epoch_sync_done, invalidate_blob_id);
	// nil means the node submits nothing.
	Chain ChainWriter
	// Registry receives the node's metrics; nil means a new registry (with the Go and
	// process collectors), served at Config.MetricsAddr.
	Registry *prometheus.Registry
}

// Node is a storage node. Build it with New, run it with Run.
type Node struct {
	cfg    Config
	log    *zap.Logger
	self   walrus.ID
	key    *keys.BLSKey
	netKey *keys.NetworkKey

	events    events.Source
	committee CommitteeSource
	chain     ChainWriter
	peers     PeerDialer
	dialer    *clientDialer // the default peers, closed with the node
	registry  *prometheus.Registry
	metrics   *metrics
	// shardMetrics are those of epoch change and shard migration.
	shardMetrics *shardMetrics

	store   *store.Store
	ln      net.Listener
	pending *pendingIndex

	view   atomic.Pointer[view]
	shards shardTable
	ready  chan struct{}
	start  time.Time
	locks  [256]sync.Mutex
	regs   registrations
	cursor atomic.Pointer[store.Cursor]

	syncKick   chan struct{}
	gcKick     chan struct{}
	shardKick  chan struct{}
	attestKick chan struct{}

	closeOnce sync.Once
}

// New loads the node's keys, opens its store and binds its listener. Nothing runs
// until Run; if Run is never called, call Close.
func New(cfg Config, deps Deps) (*Node, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if deps.Log == nil || deps.Events == nil || deps.Committee == nil {
		return nil, errors.New("node: Log, Events and Committee are required")
	}
	key, err := keys.LoadBLSKey(cfg.BLSKeyFile)
	if err != nil {
		return nil, fmt.Errorf("node: protocol key: %w", err)
	}
	netKey, err := keys.LoadNetworkKey(cfg.NetworkKeyFile)
	if err != nil {
		return nil, fmt.Errorf("node: network key: %w", err)
	}
	n := &Node{
		cfg: cfg, log: deps.Log.Named("node"), self: cfg.nodeID(), key: key, netKey: netKey,
		events: deps.Events, committee: deps.Committee, chain: deps.Chain, peers: deps.Peers, registry: deps.Registry,
		pending: newPendingIndex(cfg.Pending), ready: make(chan struct{}),
		syncKick: make(chan struct{}, 1), gcKick: make(chan struct{}, 1),
		shardKick: make(chan struct{}, 1), attestKick: make(chan struct{}, 1),
	}
	n.regs.m = map[encoding.BlobID]*regWait{}
	if n.registry == nil {
		n.registry = prometheus.NewRegistry()
		n.registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	}
	n.metrics = newMetrics(n.registry)
	n.shardMetrics = newShardMetrics(n.registry)
	if n.peers == nil {
		n.dialer = newClientDialer(!cfg.TLS)
		n.peers = n.dialer
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("node: data dir: %w", err)
	}
	if n.store, err = store.Open(cfg.DataDir, n.log); err != nil {
		return nil, err
	}
	if err := n.store.ForEachPending(func(e store.PendingEntry) error { n.pending.load(e); return nil }); err != nil {
		_ = n.store.Close()
		return nil, err
	}
	cur, err := n.store.Cursor()
	if err != nil {
		_ = n.store.Close()
		return nil, err
	}
	n.cursor.Store(&cur)
	if n.ln, err = net.Listen("tcp", cfg.ListenAddr); err != nil {
		_ = n.store.Close()
		return nil, fmt.Errorf("node: listen: %w", err)
	}
	return n, nil
}

// Addr is the address the REST API listens on.
func (n *Node) Addr() net.Addr { return n.ln.Addr() }

// PublicKey is the node's BLS public key.
func (n *Node) PublicKey() [keys.BLSPublicKeySize]byte { return n.key.PublicKey() }

// NetworkPublicKey is the node's compressed network (TLS) public key.
func (n *Node) NetworkPublicKey() [keys.NetworkPublicKeySize]byte {
	return n.netKey.CompressedPublicKey()
}

// Ready is closed once the node has its committee and serves requests.
func (n *Node) Ready() <-chan struct{} { return n.ready }

// Metrics is the node's metrics registry.
func (n *Node) Metrics() *prometheus.Registry { return n.registry }

// Close releases what New acquired; Run calls it when it returns.
func (n *Node) Close() error {
	var err error
	n.closeOnce.Do(func() {
		_ = n.ln.Close()
		if n.dialer != nil {
			n.dialer.close()
		}
		err = n.store.Close()
	})
	return err
}

// Run runs the node until ctx is done: it loads the committee, then serves the REST
// API, follows the events, syncs blobs and gained shards, submits epoch_sync_done,
// expires pending uploads and collects garbage, and shuts all of it down gracefully. It
// closes the node when it returns.
func (n *Node) Run(ctx context.Context) error {
	defer n.Close()
	if err := n.loadCommittee(ctx); err != nil {
		return err
	}
	n.start = time.Now()
	v := n.view.Load()
	if err := n.loadShards(v); err != nil {
		return err
	}
	n.log.Info("storage node starting", zap.Stringer("node_id", n.self), zap.Uint32("epoch", v.epoch),
		zap.Int("n_shards", v.params.NShards), zap.Uint16s("shards", v.owned), zap.Stringer("addr", n.Addr()),
		zap.Bool("tls", n.cfg.TLS))

	g := lifecycle.New(n.log, n.cfg.ShutdownTimeout)
	g.AddFunc("events", n.follow)
	g.AddFunc("blob-sync", n.syncLoop)
	g.AddFunc("shard-sync", n.shardSyncLoop)
	g.AddFunc("epoch-sync-done", n.epochSyncLoop)
	g.AddFunc("gc", n.gcLoop)
	g.AddFunc("pending-expiry", n.expireLoop)
	if n.cfg.MetricsAddr != "" {
		g.AddFunc("metrics", n.serveMetrics)
	}
	var cert *tls.Certificate
	if n.cfg.TLS {
		c, err := nodetls.Certificate(n.netKey, n.cfg.PublicHost)
		if err != nil {
			return err
		}
		cert = &c
	}
	handler := rest.NewHandler(n, n.log, rest.Options{MaxRecoverySymbolRequests: n.cfg.MaxRecoverySymbolRequests})
	g.AddFunc("rest", func(ctx context.Context) error {
		return rest.Serve(ctx, n.ln, handler, cert, n.cfg.ShutdownTimeout/2, n.log)
	})
	g.Start(ctx)
	close(n.ready)
	return g.Wait()
}

func (n *Node) serveMetrics(ctx context.Context) error {
	ln, err := net.Listen("tcp", n.cfg.MetricsAddr)
	if err != nil {
		return fmt.Errorf("node: metrics: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(n.registry, promhttp.HandlerOpts{}))
	return rest.Serve(ctx, ln, mux, nil, time.Second, n.log)
}

// loadCommittee fetches the committee, retrying until it succeeds or ctx is done.
func (n *Node) loadCommittee(ctx context.Context) error {
	backoff := time.Second
	for {
		err := n.refreshCommittee(ctx)
		if err == nil {
			return nil
		}
		n.log.Warn("cannot load the committee; retrying", zap.Error(err), zap.Duration("in", backoff))
		if !sleep(ctx, backoff) {
			return fmt.Errorf("node: load committee: %w", errors.Join(err, ctx.Err()))
		}
		backoff = min(2*backoff, 30*time.Second)
	}
}

func (n *Node) refreshCommittee(ctx context.Context) error {
	c, err := n.committee.Committee(ctx)
	if err != nil {
		return fmt.Errorf("node: committee: %w", err)
	}
	old := n.view.Load()
	var codec *encoding.Codec
	if old != nil {
		codec = old.codec
	}
	v, err := newView(c, n.self, codec)
	if err != nil {
		return err
	}
	if old != nil && v.epoch < old.epoch {
		return fmt.Errorf("node: committee of epoch %d is older than the current %d", v.epoch, old.epoch)
	}
	n.view.Store(v)
	n.metrics.epoch.Set(float64(v.epoch))
	if old == nil || old.epoch != v.epoch {
		n.log.Info("committee", zap.Uint32("epoch", v.epoch), zap.Uint16s("shards", v.owned))
	}
	return nil
}

// lock serialises the writes concerning one blob (uploads, events, sync, collection).
func (n *Node) lock(id encoding.BlobID) func() {
	m := &n.locks[id[0]]
	m.Lock()
	return m.Unlock
}

// lockBlobs takes the locks of several blobs (each stripe once, in ascending order, so
// that two callers never deadlock) and returns their release.
func (n *Node) lockBlobs(ids []encoding.BlobID) func() {
	var stripes [256]bool
	for _, id := range ids {
		stripes[id[0]] = true
	}
	var held []*sync.Mutex
	for i, take := range stripes {
		if take {
			n.locks[i].Lock()
			held = append(held, &n.locks[i])
		}
	}
	return func() {
		for _, m := range held {
			m.Unlock()
		}
	}
}

// sleep waits d or until ctx is done; it reports whether d elapsed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

func kick(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// registrations lets confirmation requests wait for a blob's registration.
type registrations struct {
	mu sync.Mutex
	m  map[encoding.BlobID]*regWait
}

type regWait struct {
	ch      chan struct{}
	waiters int
}

// wait returns a channel closed when id's registration is applied; call release when
// done waiting.
func (r *registrations) wait(id encoding.BlobID) (<-chan struct{}, func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	w := r.m[id]
	if w == nil {
		w = &regWait{ch: make(chan struct{})}
		r.m[id] = w
	}
	w.waiters++
	return w.ch, func() {
		r.mu.Lock()
		defer r.mu.Unlock()
		w.waiters--
		if w.waiters == 0 && r.m[id] == w {
			delete(r.m, id)
		}
	}
}

func (r *registrations) notify(id encoding.BlobID) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if w := r.m[id]; w != nil {
		close(w.ch)
		delete(r.m, id)
	}
}
