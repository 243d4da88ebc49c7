// Package stakingtest is a test harness for what operators do on chain: a devnet served
// over gRPC on loopback whose genesis nodes are owned by contract.DevnetNodeOwnerKey(i)
// (funded with SUI), with short epochs that move only when a test moves them, a funded
// client, and helpers to register blobs (rewards) and walk the epoch timeline.
package stakingtest

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/chain/devnet"
	"github.com/tuskstore/tusk/chain/devnet/contract"
	"github.com/tuskstore/tusk/chain/devnet/devnettest"
	"github.com/tuskstore/tusk/chain/keys"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/encoding"
)

// Amounts.
const (
	OneSUI = 1_000_000_000 // MIST
	OneWAL = contract.FrostPerWAL
)

// Net is a running devnet with operator-owned genesis nodes.
type Net struct {
	T      testing.TB
	Ctx    context.Context
	Devnet *devnet.Devnet
	Config devnet.Config
	Dir    string
	// Key is a client funded with WAL and SUI; Chain signs with it.
	Key   *keys.Keypair
	Chain *chain.Client
	// Owners are the genesis nodes' operators (DevnetNodeOwnerKey), OwnerChains their
	// clients, Caps their StorageNodeCaps and NodeIDs the nodes, all in genesis order.
	Owners      []*keys.Keypair
	OwnerChains []*chain.Client
	Caps        []walrus.ID
	NodeIDs     []walrus.ID
	// Treasury is the WAL ProtectedTreasury the epoch change takes.
	Treasury walrus.ID

	driver *chain.EpochDriver
	srv    *devnettest.Server
}

// Options shape the genesis.
type Options struct {
	// EpochDuration is the genesis epoch duration (default 2 s).
	EpochDuration time.Duration
}

// Start opens the devnet; t's cleanup stops it.
func Start(t testing.TB, o Options) *Net {
	t.Helper()
	if o.EpochDuration == 0 {
		o.EpochDuration = 2 * time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	t.Cleanup(cancel)
	cfg := devnet.Default()
	cfg.RPCAddr = devnettest.LoopbackAnyPort
	cfg.Genesis.EpochDuration = o.EpochDuration
	n := &Net{T: t, Ctx: ctx, Dir: t.TempDir()}
	for i := range cfg.Genesis.Nodes {
		k := contract.DevnetNodeOwnerKey(i)
		n.Owners = append(n.Owners, k)
		cfg.Genesis.Nodes[i].Owner = walrus.ID(k.Address())
	}
	n.srv = devnettest.Serve(ctx, t, n.Dir, cfg)
	n.Config = cfg
	n.Config.RPCAddr = n.srv.Endpoint()
	d := n.srv.Devnet
	n.Devnet = d
	n.Treasury = d.IDs().Treasury
	n.Caps = d.Genesis().NodeCaps
	n.NodeIDs = d.Genesis().Genesis.NodeIDs
	n.Key = n.FundedKey(10_000*OneWAL, 100*OneSUI)
	n.Chain = n.Dial(n.Key)
	for _, k := range n.Owners {
		if _, err := d.Faucet(ctx, walrus.Address(k.Address()), 0, 100*OneSUI); err != nil {
			t.Fatal(err)
		}
		n.OwnerChains = append(n.OwnerChains, n.Dial(k))
	}
	var err error
	if n.driver, err = chain.NewEpochDriver(n.Chain, chain.EpochDriverConfig{Treasury: n.Treasury, Retry: 50 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	return n
}

// FreeAddr returns a free loopback host:port.
func FreeAddr(t testing.TB) string { return devnettest.FreeAddr(t) }

// ChainConfig is the chain section clients of this devnet use.
func (n *Net) ChainConfig() chain.Config { return n.Devnet.ClientConfig("", walrus.Address{}).Config }

// FundedKey makes a new key funded by the faucet.
func (n *Net) FundedKey(wal, mist uint64) *keys.Keypair { return n.srv.FundedKey(wal, mist) }

// Dial opens a client signing with k (nil: read-only), closed at cleanup.
func (n *Net) Dial(k *keys.Keypair) *chain.Client { return n.srv.Dial(k) }

// RegisterBlob registers (without certifying) a random blob of size bytes for epochs
// epochs, paid by Key: its storage and write payments are the rewards of the epochs.
func (n *Net) RegisterBlob(size int, epochs uint32) *chain.RegisteredBlob {
	n.T.Helper()
	codec, err := encoding.NewCodec(int(n.Config.Genesis.NShards))
	if err != nil {
		n.T.Fatal(err)
	}
	data := make([]byte, size)
	for i := range data {
		data[i] = byte(rand.Uint32())
	}
	enc, err := codec.Encode(data)
	if err != nil {
		n.T.Fatal(err)
	}
	r, err := n.Chain.RegisterBlob(n.Ctx, chain.RegisterBlobRequest{BlobID: enc.Metadata.BlobID(), RootHash: enc.Metadata.RootHash(), Size: uint64(size), Epochs: epochs})
	if err != nil {
		n.T.Fatal(err)
	}
	return r
}

// EpochState reads the epoch state.
func (n *Net) EpochState() *chain.EpochState {
	n.T.Helper()
	s, err := n.Chain.EpochState(n.Ctx)
	if err != nil {
		n.T.Fatal(err)
	}
	return s
}

// StepUntil runs the test's epoch driver (waiting for each deadline) until it makes the
// call want (chain.EpochVotingEnded or chain.EpochChangeStarted).
func (n *Net) StepUntil(want chain.EpochAction) {
	n.T.Helper()
	StepUntil(n.Ctx, n.T, n.driver, want)
}

// StepUntil runs d (waiting for each deadline) until it makes the call want
// (chain.EpochVotingEnded or chain.EpochChangeStarted); anything else fails t.
func StepUntil(ctx context.Context, t testing.TB, d *chain.EpochDriver, want chain.EpochAction) {
	t.Helper()
	for {
		action, next, err := d.Step(ctx)
		if err != nil {
			t.Fatalf("epoch step: %v", err)
		}
		if action == want {
			return
		}
		if action != chain.EpochWait {
			t.Fatalf("epoch step did %s, want %s", action, want)
		}
		if next.IsZero() {
			t.Fatalf("epoch step: nothing due, want %s", want)
		}
		SleepUntil(ctx, next)
	}
}

// SleepUntil sleeps until t (a little after it) or until ctx is done.
func SleepUntil(ctx context.Context, t time.Time) {
	select {
	case <-time.After(time.Until(t) + 10*time.Millisecond):
	case <-ctx.Done():
	}
}

// SyncAll attests epoch_sync_done for the current epoch with every genesis node in its
// committee, which ends an epoch change.
func (n *Net) SyncAll() {
	n.T.Helper()
	s := n.EpochState()
	com, err := n.Chain.Committee(n.Ctx)
	if err != nil {
		n.T.Fatal(err)
	}
	for i, c := range n.OwnerChains {
		if _, ok := com.Member(n.NodeIDs[i]); !ok {
			continue
		}
		if _, err := c.EpochSyncDone(n.Ctx, n.Caps[i], s.Epoch); err != nil && !chain.IsAbort(err, chain.ErrDuplicateSyncDone) {
			n.T.Fatalf("node %d epoch sync done: %v", i, err)
		}
	}
}

// NextEpoch walks a whole epoch change: voting_end and initiate_epoch_change when due,
// then every node's epoch_sync_done. It returns the new epoch.
func (n *Net) NextEpoch() uint32 {
	n.T.Helper()
	if n.EpochState().State == walrus.EpochStateChangeDone {
		n.StepUntil(chain.EpochVotingEnded)
	}
	n.StepUntil(chain.EpochChangeStarted)
	n.SyncAll()
	s := n.EpochState()
	if s.State != walrus.EpochStateChangeDone {
		n.T.Fatalf("after every node's sync: state %s", s.State)
	}
	return s.Epoch
}
