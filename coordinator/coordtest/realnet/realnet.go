// Package realnet (test support) runs, for end-to-end tests and benchmarks, a devnet
// whose genesis storage nodes are real tusk storage nodes (package node: pebble stores,
// HTTP/2 over TLS on loopback, following the devnet's checkpoints), with the devnet's
// node keys.
package realnet

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/tuskstore/tusk/chain/devnet/contract"
	"github.com/tuskstore/tusk/chain/keys"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/coordinator/coordtest/testnet"
	"github.com/tuskstore/tusk/coordinator/nodes"
	"github.com/tuskstore/tusk/coordinator/nodes/httpnode"
	"github.com/tuskstore/tusk/node"
	"github.com/tuskstore/tusk/node/events"
)

// Node is one running storage node.
type Node struct {
	Index  int
	Cfg    node.Config
	N      *node.Node
	cancel context.CancelFunc
	done   chan error
	t      testing.TB
	deps   node.Deps
}

// Net is the devnet with real nodes.
type Net struct {
	*testnet.Net
	Nodes []*Node
	// Dialer reaches the real nodes (TLS, key pinned).
	Dialer nodes.Dialer
}

// Start opens the devnet with n.Genesis nodes on free loopback ports and starts a real
// storage node for each. log may be nil.
func Start(t testing.TB, o testnet.Options, log *zap.Logger) *Net {
	t.Helper()
	if log == nil {
		log = zap.NewNop()
	}
	addrs := make([]string, contract.DefaultNodes)
	for i := range addrs {
		addrs[i] = testnet.FreeAddr(t)
	}
	o.NodeAddrs = addrs
	tn := testnet.Start(t, o)
	rn := &Net{Net: tn, Dialer: httpnode.Dialer(httpnode.Options{Pending: true, ConfirmationWait: 20 * time.Second})}
	ids := tn.Devnet.Genesis().Genesis.NodeIDs
	cc := tn.Devnet.ClientConfig("", walrus.Address{})
	for i, addr := range addrs {
		dir := t.TempDir()
		bls, netKey := contract.DevnetNodeKeys(i)
		cfg := node.Default()
		cfg.DataDir = filepath.Join(dir, "db")
		cfg.ListenAddr = addr
		cfg.PublicHost = "127.0.0.1"
		cfg.TLS = true
		cfg.MetricsAddr = ""
		cfg.NodeID = ids[i].String()
		cfg.BLSKeyFile = filepath.Join(dir, "protocol.key")
		cfg.NetworkKeyFile = filepath.Join(dir, "network.key")
		cfg.Chain = cc.Config
		cfg.ShutdownTimeout = 10 * time.Second
		if err := keys.SaveBLSKey(cfg.BLSKeyFile, bls); err != nil {
			t.Fatal(err)
		}
		if err := keys.SaveNetworkKey(cfg.NetworkKeyFile, netKey); err != nil {
			t.Fatal(err)
		}
		c := tn.Dial(nil)
		nd := &Node{Index: i, Cfg: cfg, t: t, deps: node.Deps{
			Log:       log.With(zap.Int("node", i)),
			Events:    events.FromCheckpoints(c, c.WalrusPackage()),
			Committee: c,
		}}
		nd.Start()
		rn.Nodes = append(rn.Nodes, nd)
	}
	return rn
}

// Start (re)starts the node on its directory and port.
func (n *Node) Start() {
	n.t.Helper()
	nn, err := node.New(n.Cfg, n.deps)
	if err != nil {
		n.t.Fatal(fmt.Errorf("node %d: %w", n.Index, err))
	}
	ctx, cancel := context.WithCancel(context.Background())
	n.N, n.cancel, n.done = nn, cancel, make(chan error, 1)
	go func() { n.done <- nn.Run(ctx) }()
	select {
	case <-nn.Ready():
	case err := <-n.done:
		n.t.Fatalf("node %d stopped at start: %v", n.Index, err)
	}
	n.t.Cleanup(n.Stop)
}

// Stop shuts the node down (it is then down for the coordinator).
func (n *Node) Stop() {
	if n.cancel == nil {
		return
	}
	n.cancel()
	n.cancel = nil
	if err := <-n.done; err != nil {
		n.t.Errorf("node %d: Run: %v", n.Index, err)
	}
}

// MemberIndex is the committee index of genesis node i.
func (rn *Net) MemberIndex(i int) int {
	for k, m := range rn.Committee.Members {
		if m.NetworkAddress == rn.Nodes[i].Cfg.ListenAddr {
			return k
		}
	}
	return -1
}

// Weight is the number of shards of genesis node i.
func (rn *Net) Weight(i int) int { return len(rn.Committee.Members[rn.MemberIndex(i)].Shards) }
