// Package devcluster runs a whole Walrus network on one machine: the embedded Sui devnet
// with the Walrus contract, and storage nodes registered and staked at genesis, each
// with its own store, keys and port, following the chain over gRPC. `tusk devnet` and the
// end-to-end tests use it. A cluster lives in a directory and resumes from it.
package devcluster

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/chain/devnet"
	"github.com/tuskstore/tusk/chain/devnet/contract"
	"github.com/tuskstore/tusk/chain/keys"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/config"
	"github.com/tuskstore/tusk/indexer"
	"github.com/tuskstore/tusk/indexer/feed"
	"github.com/tuskstore/tusk/node"
	"github.com/tuskstore/tusk/node/events"
	"github.com/tuskstore/tusk/node/operator"
)

// Config shapes a new cluster; an existing directory keeps the shape it was created with.
type Config struct {
	// Dir holds the chain, the nodes and the client key.
	Dir string
	// Nodes is the number of storage nodes, Shards the number of shards.
	Nodes  int
	Shards int
	// EpochDuration is the genesis epoch duration.
	EpochDuration time.Duration
	// RPCAddr is the chain's gRPC address (port 0 picks a free one).
	RPCAddr string
	// NodeHost is the host the nodes listen on; their ports are picked free at creation
	// and kept (they are registered on chain).
	NodeHost string
	// DatabaseURL, when set, runs the indexer on that Postgres database (migrated at
	// start) with its explorer API and event feed on IndexerAddr.
	DatabaseURL string
	IndexerAddr string
	// NodesFollowFeed makes the nodes follow the indexer's event feed instead of the
	// chain's checkpoint stream (needs DatabaseURL).
	NodesFollowFeed bool
	// ExternalNodes registers the nodes at genesis and writes their keys and
	// configuration (NodeConfigPath) but does not run them: they run as processes of
	// their own (`tusk node run --config DIR/node-I/node.yaml`).
	ExternalNodes bool
	// Genesis, when set, is the genesis asked for (shards, epoch duration, supply, prices,
	// capacity; Shards and EpochDuration are not used): a new cluster is created with it,
	// its nodes replaced by Nodes devnet nodes shaped by NodeSpecs, and an existing
	// cluster must have been created with the same (ErrGenesisMismatch otherwise). Nil: a
	// new cluster gets contract.Default() with Shards and EpochDuration, an existing one
	// keeps its own.
	Genesis *contract.GenesisConfig
	// NodeSpecs, when set, has one entry per node (len Nodes): what each node's operator
	// chooses at genesis. Used with Genesis.
	NodeSpecs []NodeSpec
	// Log receives the components' logs.
	Log *zap.Logger
	// TweakNode and TweakOperator, when set, adjust node i's configuration and its
	// operator's before it starts (tests: small sync batches, commission schedules).
	TweakNode     func(i int, c *node.Config)
	TweakOperator func(i int, c *operator.Config)
}

// Default is 4 nodes, 10 shards, 10-minute epochs, the devnet preset's RPC address.
func Default() Config {
	return Config{Nodes: 4, Shards: 10, EpochDuration: 10 * time.Minute, RPCAddr: chain.Default().RPC, NodeHost: "127.0.0.1",
		IndexerAddr: "127.0.0.1:0"}
}

// Validate checks the configuration.
func (c *Config) Validate() error {
	var errs config.Errors
	if c.Dir == "" {
		errs.Invalid("dir", "is required")
	}
	if c.Nodes < 1 || c.Nodes > 100 {
		errs.Invalid("nodes", "must be in 1..100, got %d", c.Nodes)
	}
	if c.Shards < c.Nodes || c.Shards > 1000 {
		errs.Invalid("shards", "must be in nodes..1000 (%d..1000), got %d", c.Nodes, c.Shards)
	}
	if len(c.NodeSpecs) != 0 && len(c.NodeSpecs) != c.Nodes {
		errs.Invalid("nodes", "%d node specs for %d nodes", len(c.NodeSpecs), c.Nodes)
	}
	if c.EpochDuration < time.Second {
		errs.Invalid("epoch_duration", "must be at least 1s, got %s", c.EpochDuration)
	}
	errs.Add(config.CheckHostPort("rpc_addr", c.RPCAddr))
	if c.NodeHost == "" {
		errs.Invalid("node_host", "is required")
	}
	if c.DatabaseURL != "" {
		errs.Add(config.CheckHostPort("indexer_addr", c.IndexerAddr))
	}
	if c.NodesFollowFeed && c.DatabaseURL == "" {
		errs.Invalid("nodes_follow_feed", "needs the indexer (database_url)")
	}
	return errs.Err()
}

// stateFile records the genesis of a cluster directory, so that a restart rebuilds the
// same devnet configuration (node addresses included).
const stateFile = "cluster.yaml"

type state struct {
	Genesis contract.GenesisConfig `yaml:"genesis"`
}

// Cluster is a running devnet with its storage nodes.
type Cluster struct {
	cfg     Config
	log     *zap.Logger
	created bool
	d       *devnet.Devnet
	chain   chain.Config
	nodeIDs []walrus.ID
	gen     contract.GenesisConfig

	indexer   *indexer.Indexer
	publisher net.Addr
	runCtx    context.Context
	cancel    context.CancelFunc
	wg        sync.WaitGroup
	mu        sync.Mutex
	nodes     []*runningNode
	errs      chan error
}

type runningNode struct {
	n      *node.Node
	cancel context.CancelFunc
	done   chan error
	client *chain.Client
}

// Start opens (or creates) the cluster in cfg.Dir and starts the chain and every node.
// It returns once every node serves its API. Stop it with Close.
func Start(ctx context.Context, cfg Config) (_ *Cluster, err error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Log == nil {
		cfg.Log = zap.NewNop()
	}
	if err := os.MkdirAll(cfg.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("devcluster: data directory: %w", err)
	}
	gen, created, err := loadOrCreateGenesis(cfg)
	if err != nil {
		return nil, err
	}
	grants, err := genesisGrants(cfg.Dir, gen, created)
	if err != nil {
		return nil, err
	}
	dcfg := devnet.Config{Genesis: gen, RPCAddr: cfg.RPCAddr, Grants: grants}
	d, err := devnet.Open(ctx, filepath.Join(cfg.Dir, "chain"), dcfg, cfg.Log.Named("devnet"))
	if err != nil {
		return nil, err
	}
	runCtx, cancel := context.WithCancel(context.Background())
	c := &Cluster{cfg: cfg, log: cfg.Log, created: created, d: d, gen: gen, cancel: cancel, errs: make(chan error, 1+len(gen.Nodes))}
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		if err := d.Run(runCtx); err != nil {
			c.report(fmt.Errorf("devnet: %w", err))
		}
	}()
	defer func() {
		if err != nil {
			c.Close()
		}
	}()
	cc := d.ClientConfig("", walrus.Address{})
	c.chain = cc.Config
	c.nodeIDs = d.Genesis().Genesis.NodeIDs
	c.runCtx = runCtx
	if cfg.DatabaseURL != "" {
		if err := c.StartIndexer(ctx, cfg.DatabaseURL); err != nil {
			return nil, err
		}
	}
	c.nodes = make([]*runningNode, len(gen.Nodes))
	if cfg.ExternalNodes {
		if err := c.writeExternalNodeConfigs(); err != nil {
			return nil, err
		}
		return c, nil
	}
	for i := range gen.Nodes {
		if err := c.StartNode(ctx, i); err != nil {
			return nil, err
		}
	}
	return c, nil
}

func (c *Cluster) report(err error) {
	select {
	case c.errs <- err:
	default:
	}
}

// Errors delivers the first failures of the cluster's components (a node or the chain
// stopping with an error).
func (c *Cluster) Errors() <-chan error { return c.errs }

// nodeDir is node i's directory: its keys and database.
func (c *Cluster) nodeDir(i int) string { return filepath.Join(c.cfg.Dir, fmt.Sprintf("node-%d", i)) }

// NodeConfig is the configuration node i runs with.
func (c *Cluster) NodeConfig(i int) node.Config {
	dir := c.nodeDir(i)
	nc := node.Default()
	nc.DataDir = filepath.Join(dir, "db")
	nc.ListenAddr = c.gen.Nodes[i].NetworkAddress
	nc.TLS = false
	nc.NodeID = c.nodeIDs[i].String()
	nc.BLSKeyFile = filepath.Join(dir, "protocol.key")
	nc.NetworkKeyFile = filepath.Join(dir, "network.key")
	nc.Chain = c.chain
	nc.MetricsAddr = ""
	nc.ShutdownTimeout = 5 * time.Second
	if c.cfg.TweakNode != nil {
		c.cfg.TweakNode(i, &nc)
	}
	return nc
}

// StartNode starts node i (again, after StopNode) and waits until it serves.
func (c *Cluster) StartNode(ctx context.Context, i int) error {
	c.mu.Lock()
	running := c.nodes[i] != nil
	c.mu.Unlock()
	if running {
		return fmt.Errorf("devcluster: node %d is running", i)
	}
	nc := c.NodeConfig(i)
	if err := os.MkdirAll(filepath.Dir(nc.BLSKeyFile), 0o700); err != nil {
		return fmt.Errorf("devcluster: %w", err)
	}
	bls, network := contract.DevnetNodeKeys(i)
	if err := writeKeyOnce(nc.BLSKeyFile, func(p string) error { return keys.SaveBLSKey(p, bls) }); err != nil {
		return err
	}
	if err := writeKeyOnce(nc.NetworkKeyFile, func(p string) error { return keys.SaveNetworkKey(p, network) }); err != nil {
		return err
	}
	log := c.log.Named(fmt.Sprintf("node-%d", i))
	client, err := chain.Dial(ctx, nc.Chain, chain.Options{Logger: log})
	if err != nil {
		return fmt.Errorf("devcluster: node %d: %w", i, err)
	}
	src := events.FromCheckpoints(client, client.WalrusPackage())
	if c.cfg.NodesFollowFeed {
		fc, err := feed.NewClient("http://"+c.IndexerAddr(), nil, log)
		if err != nil {
			client.Close()
			return fmt.Errorf("devcluster: node %d: %w", i, err)
		}
		src = events.FromFeed(fc)
	}
	op, err := c.newOperator(ctx, i, log)
	if err != nil {
		client.Close()
		return err
	}
	n, err := node.New(nc, node.Deps{Log: log, Events: src, Committee: client, Chain: op.op.Writer()})
	if err != nil {
		op.client.Close()
		client.Close()
		return fmt.Errorf("devcluster: node %d: %w", i, err)
	}
	runCtx, cancel := context.WithCancel(context.Background())
	rn := &runningNode{n: n, cancel: cancel, done: make(chan error, 1), client: client}
	c.mu.Lock()
	c.nodes[i] = rn
	c.mu.Unlock()
	go func() {
		err := op.run(runCtx, n)
		client.Close()
		if err != nil && runCtx.Err() == nil {
			c.report(fmt.Errorf("node %d: %w", i, err))
		}
		rn.done <- err
	}()
	select {
	case <-n.Ready():
		return nil
	case err := <-rn.done:
		rn.done <- err
		return fmt.Errorf("devcluster: node %d stopped while starting: %v", i, err)
	case <-ctx.Done():
		return ctx.Err()
	}
}

func writeKeyOnce(path string, save func(string) error) error {
	if _, err := os.Stat(path); err == nil {
		return nil
	}
	if err := save(path); err != nil {
		return fmt.Errorf("devcluster: %w", err)
	}
	return nil
}

// StopNode stops node i (gracefully) and waits for it.
func (c *Cluster) StopNode(i int) error {
	c.mu.Lock()
	rn := c.nodes[i]
	c.nodes[i] = nil
	c.mu.Unlock()
	if rn == nil {
		return nil
	}
	rn.cancel()
	err := <-rn.done
	if err != nil && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("devcluster: node %d: %w", i, err)
	}
	return nil
}

// Devnet is the chain.
func (c *Cluster) Devnet() *devnet.Devnet { return c.d }

// Created reports whether Start created the cluster (rather than resuming it).
func (c *Cluster) Created() bool { return c.created }

// ChainConfig is the client configuration of the chain (endpoint and Walrus objects).
func (c *Cluster) ChainConfig() chain.Config { return c.chain }

// Nodes is the number of nodes.
func (c *Cluster) Nodes() int { return len(c.nodes) }

// NodeAddress is node i's REST address (host:port).
func (c *Cluster) NodeAddress(i int) string { return c.gen.Nodes[i].NetworkAddress }

// NodeID is node i's node ID (its staking pool's ID).
func (c *Cluster) NodeID(i int) walrus.ID { return c.nodeIDs[i] }

// Genesis is the cluster's genesis configuration.
func (c *Cluster) Genesis() contract.GenesisConfig { return c.gen }

// StartIndexer runs the indexer over the chain, on the Postgres database at
// databaseURL (migrated first), with its API and feed on Config.IndexerAddr, until the
// cluster closes; it returns once the indexer serves. Start calls it when
// Config.DatabaseURL is set; call it yourself when the database depends on the chain.
func (c *Cluster) StartIndexer(ctx context.Context, databaseURL string) error {
	if c.indexer != nil {
		return errors.New("devcluster: the indexer is running")
	}
	runCtx := c.runCtx
	log := c.log.Named("indexer")
	client, err := chain.Dial(ctx, c.chain, chain.Options{Logger: log})
	if err != nil {
		return fmt.Errorf("devcluster: indexer: %w", err)
	}
	icfg := indexer.Default()
	icfg.DatabaseURL = databaseURL
	icfg.Listen = c.cfg.IndexerAddr
	icfg.MigrateOnStart = true
	icfg.Chain = c.chain
	icfg.FlushInterval = 100 * time.Millisecond
	icfg.ShutdownTimeout = 5 * time.Second
	pkg := client.WalrusPackage()
	ix, err := indexer.New(icfg, indexer.Deps{Source: client, State: client, Package: &pkg, Logger: log, TipInterval: time.Second})
	if err != nil {
		client.Close()
		return fmt.Errorf("devcluster: indexer: %w", err)
	}
	done := make(chan error, 1)
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		err := ix.Run(runCtx)
		client.Close()
		if err != nil && runCtx.Err() == nil {
			c.report(fmt.Errorf("indexer: %w", err))
		}
		done <- err
	}()
	select {
	case <-ix.Ready():
		c.indexer = ix
		return nil
	case err := <-done:
		return fmt.Errorf("devcluster: indexer stopped while starting: %v", err)
	case <-ctx.Done():
		return ctx.Err()
	}
}

// IndexerAddr is the indexer's address (host:port) when it runs, "" otherwise.
func (c *Cluster) IndexerAddr() string {
	if c.indexer == nil {
		return ""
	}
	return c.indexer.Addr().String()
}

// Close stops the nodes, then the chain, the indexer and the publisher.
func (c *Cluster) Close() error {
	var first error
	for i := range c.nodes {
		if err := c.StopNode(i); err != nil && first == nil {
			first = err
		}
	}
	c.cancel()
	c.wg.Wait()
	if err := c.d.Close(); err != nil && first == nil {
		first = err
	}
	return first
}
