// Package testnet sets up, for the coordinator's tests, a devnet served over gRPC on
// loopback, a funded client, and storage nodes for the genesis committee: fake in-memory
// nodes (fakenode) that sign with the devnet nodes' real BLS keys.
package testnet

import (
	"context"
	"testing"
	"time"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/chain/devnet"
	"github.com/tuskstore/tusk/chain/devnet/contract"
	"github.com/tuskstore/tusk/chain/devnet/devnettest"
	"github.com/tuskstore/tusk/chain/keys"
	"github.com/tuskstore/tusk/coordinator/committees"
	"github.com/tuskstore/tusk/coordinator/coordtest/fakenode"
	"github.com/tuskstore/tusk/coordinator/nodes"
	"github.com/tuskstore/tusk/internal/stakingtest"
)

// Net is a running devnet with a funded client and fake storage nodes.
type Net struct {
	T         testing.TB
	Ctx       context.Context
	Devnet    *devnet.Devnet
	Key       *keys.Keypair
	Chain     *chain.Client
	Committee *chain.Committee
	Cluster   *fakenode.Cluster
	Pool      *nodes.Pool
	Source    *committees.Source
	// Dir is the devnet's data directory.
	Dir string

	srv *devnettest.Server
}

// Options changes the devnet's genesis.
type Options struct {
	// NShards overrides the shard count (default 10).
	NShards uint16
	// Prices override the storage and write prices when non-zero.
	StoragePrice, WritePrice uint64
	// NodeAddrs, if set, are the genesis nodes' network addresses (one per node).
	NodeAddrs []string
	// EpochDuration overrides the genesis epoch duration (default an hour). Epochs move
	// only when the test calls NextEpoch.
	EpochDuration time.Duration
}

// FreeAddr returns a free loopback host:port.
func FreeAddr(t testing.TB) string { return devnettest.FreeAddr(t) }

// Start opens a devnet and everything around it; it is stopped by t's cleanup.
func Start(t testing.TB, o Options) *Net {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	t.Cleanup(cancel)
	cfg := devnet.Default()
	cfg.RPCAddr = devnettest.LoopbackAnyPort
	if o.NShards != 0 {
		cfg.Genesis.NShards = o.NShards
	}
	if o.StoragePrice != 0 {
		cfg.Genesis.StoragePrice = o.StoragePrice
	}
	if o.WritePrice != 0 {
		cfg.Genesis.WritePrice = o.WritePrice
	}
	if o.EpochDuration != 0 {
		cfg.Genesis.EpochDuration = o.EpochDuration
	}
	for i, a := range o.NodeAddrs {
		cfg.Genesis.Nodes[i].NetworkAddress = a
	}
	dir := t.TempDir()
	srv := devnettest.Serve(ctx, t, dir, cfg)
	n := &Net{T: t, Ctx: ctx, Devnet: srv.Devnet, Dir: dir, srv: srv}
	var err error
	n.Key = n.FundedKey(1000*contract.FrostPerWAL, 100_000_000_000)
	n.Chain = n.Dial(n.Key)
	n.Committee, err = n.Chain.Committee(ctx)
	if err != nil {
		t.Fatal(err)
	}
	blsByPub := map[[keys.BLSPublicKeySize]byte]*keys.BLSKey{}
	for i := range len(cfg.Genesis.Nodes) {
		k, _ := contract.DevnetNodeKeys(i)
		blsByPub[k.PublicKey()] = k
	}
	n.Cluster, err = fakenode.NewCluster(n.Committee, func(pub [keys.BLSPublicKeySize]byte) *keys.BLSKey { return blsByPub[pub] })
	if err != nil {
		t.Fatal(err)
	}
	n.Pool = nodes.NewPool(n.Cluster.Dialer())
	n.Source = committees.NewSource(n.Chain, n.Pool, time.Minute)
	return n
}

// NextEpoch starts the next epoch change (voting_end and initiate_epoch_change, each when
// due) and moves the fake nodes into the new committee, which it returns. The nodes do
// not attest epoch_sync_done: the chain stays in EpochChangeSync, where blobs are
// registered and certified with the new committee, and no further change can start (so
// a test calls it once).
func (n *Net) NextEpoch() *chain.Committee {
	n.T.Helper()
	d, err := chain.NewEpochDriver(n.Chain, chain.EpochDriverConfig{Treasury: n.Devnet.IDs().Treasury, Retry: 50 * time.Millisecond})
	if err != nil {
		n.T.Fatal(err)
	}
	stakingtest.StepUntil(n.Ctx, n.T, d, chain.EpochVotingEnded)
	stakingtest.StepUntil(n.Ctx, n.T, d, chain.EpochChangeStarted)
	com, err := n.Chain.Committee(n.Ctx)
	if err != nil {
		n.T.Fatal(err)
	}
	n.Cluster.Follow(com)
	n.Committee = com
	return com
}

// FundedKey makes a new key funded by the faucet.
func (n *Net) FundedKey(wal, mist uint64) *keys.Keypair { return n.srv.FundedKey(wal, mist) }

// Dial opens a chain client signing with k (nil: read-only).
func (n *Net) Dial(k *keys.Keypair) *chain.Client { return n.srv.Dial(k) }

// NodeOfShardOwner returns the fake node at committee index i.
func (n *Net) NodeOfShardOwner(i int) *fakenode.Node { return n.Cluster.Nodes[i] }
