package chain_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/chain/devnet"
	"github.com/tuskstore/tusk/chain/devnet/contract"
	"github.com/tuskstore/tusk/chain/devnet/devnettest"
	"github.com/tuskstore/tusk/chain/keys"
	"github.com/tuskstore/tusk/chain/messages"
	"github.com/tuskstore/tusk/chain/sui"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/encoding"
)

const (
	oneSUI = 1_000_000_000
	oneWAL = contract.FrostPerWAL
)

// testNet is a devnet served over gRPC on loopback, with a funded client.
type testNet struct {
	t    testing.TB
	ctx  context.Context
	dir  string
	addr string
	d    *devnet.Devnet
	srv  *devnettest.Server
	c    *chain.Client
	key  *keys.Keypair
	// blsByPub are the genesis nodes' protocol keys by public key.
	blsByPub map[[keys.BLSPublicKeySize]byte]*keys.BLSKey
}

func newTestNet(t testing.TB) *testNet {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancel)
	n := &testNet{t: t, ctx: ctx, dir: t.TempDir(), addr: devnettest.FreeAddr(t), blsByPub: map[[keys.BLSPublicKeySize]byte]*keys.BLSKey{}}
	n.start()
	for i := range contract.DefaultNodes {
		k, _ := contract.DevnetNodeKeys(i)
		n.blsByPub[k.PublicKey()] = k
	}
	n.key = n.fundedKey(1000*oneWAL, 100*oneSUI)
	n.c = n.dial(n.key)
	return n
}

// start opens (or reopens) the devnet in n.dir on n.addr and serves it.
func (n *testNet) start() {
	n.t.Helper()
	cfg := devnet.Default()
	cfg.RPCAddr = n.addr
	n.serve(cfg)
}

// serve serves the devnet in n.dir with cfg.
func (n *testNet) serve(cfg devnet.Config) {
	n.t.Helper()
	n.srv = devnettest.Serve(n.ctx, n.t, n.dir, cfg)
	n.d = n.srv.Devnet
}

func (n *testNet) stop() { n.srv.Stop() }

func (n *testNet) fundedKey(wal, suiAmount uint64) *keys.Keypair {
	return n.srv.FundedKey(wal, suiAmount)
}

func (n *testNet) dial(k *keys.Keypair) *chain.Client { return n.srv.Dial(k) }

type testBlob struct {
	id   encoding.BlobID
	root [32]byte
	size uint64
}

func (n *testNet) blob(size int) testBlob {
	n.t.Helper()
	codec, err := encoding.NewCodec(int(contract.DefaultNShards))
	if err != nil {
		n.t.Fatal(err)
	}
	data := make([]byte, size)
	for i := range data {
		data[i] = byte(rand.Uint32())
	}
	enc, err := codec.Encode(data)
	if err != nil {
		n.t.Fatal(err)
	}
	return testBlob{id: enc.Metadata.BlobID(), root: enc.Metadata.RootHash(), size: uint64(size)}
}

// certificate aggregates the confirmations of the committee members whose indices are
// given over msg.
func (n *testNet) certificate(com *chain.Committee, signers []int, msg []byte) *messages.ConfirmationCertificate {
	n.t.Helper()
	var confs []messages.SignedMessage
	for _, i := range signers {
		k := n.blsByPub[com.Members[i].PublicKey]
		if k == nil {
			n.t.Fatalf("no key for committee member %d", i)
		}
		confs = append(confs, messages.Sign(k, msg))
	}
	cert, err := messages.Aggregate(confs, signers)
	if err != nil {
		n.t.Fatal(err)
	}
	return &cert
}

func (n *testNet) committee() *chain.Committee {
	n.t.Helper()
	com, err := n.c.Committee(n.ctx)
	if err != nil {
		n.t.Fatal(err)
	}
	return com
}

func all(com *chain.Committee) []int {
	out := make([]int, len(com.Members))
	for i := range out {
		out[i] = i
	}
	return out
}

func (n *testNet) register(tb testBlob, epochs uint32, deletable bool) *chain.RegisteredBlob {
	n.t.Helper()
	r, err := n.c.RegisterBlob(n.ctx, chain.RegisterBlobRequest{BlobID: tb.id, RootHash: tb.root, Size: tb.size, Epochs: epochs, Deletable: deletable})
	if err != nil {
		n.t.Fatal(err)
	}
	return r
}

func (n *testNet) certify(r *chain.RegisteredBlob) {
	n.t.Helper()
	com := n.committee()
	p := messages.Permanent()
	if r.Blob.Deletable {
		p = messages.Deletable(r.ObjectID)
	}
	msg := messages.NewStorageConfirmationMessage(com.Epoch, messages.StorageConfirmation{BlobID: r.Blob.BlobID, Persistence: p})
	if _, err := n.c.CertifyBlob(n.ctx, r.ObjectID, n.certificate(com, all(com), msg)); err != nil {
		n.t.Fatal(err)
	}
}

func (n *testNet) wal(k *keys.Keypair) uint64 {
	n.t.Helper()
	b, err := n.c.WALBalance(n.ctx, walrus.Address(k.Address()))
	if err != nil {
		n.t.Fatal(err)
	}
	return b
}

func TestDialReadsTheDeployment(t *testing.T) {
	n := newTestNet(t)
	d := n.c.Deployment()
	ids := n.d.IDs()
	if d.System != ids.System || d.Staking != ids.Staking || d.Package != ids.WalrusPackage || d.OriginalPackage != ids.WalrusPackage {
		t.Errorf("deployment %+v, devnet %+v", d, ids)
	}
	if d.WAL.String() != ids.WALType().String() {
		t.Errorf("WAL type %s, want %s", d.WAL.String(), ids.WALType().String())
	}
	if d.SystemVersion == 0 || d.StakingVersion == 0 {
		t.Error("shared versions missing")
	}

	// Bad configurations fail at Dial with a message naming the problem.
	cc := n.d.ClientConfig("", walrus.Address{})
	bad := cc.Config
	bad.SystemObject = ids.Staking.String() // not a System
	if _, err := chain.Dial(n.ctx, bad, chain.Options{}); !errors.Is(err, chain.ErrUnexpectedType) {
		t.Errorf("Staking as System: %v", err)
	}
	bad = cc.Config
	bad.SystemObject = walrus.MustParseID("0x1234").String()
	if _, err := chain.Dial(n.ctx, bad, chain.Options{}); !errors.Is(err, chain.ErrNotFound) {
		t.Errorf("missing System: %v", err)
	}
	bad = cc.Config
	bad.RPC = "nohost"
	if _, err := chain.Dial(n.ctx, bad, chain.Options{}); err == nil {
		t.Error("invalid rpc accepted")
	}
}

func TestReads(t *testing.T) {
	n := newTestNet(t)
	gen := contract.Default()

	epoch, err := n.c.Epoch(n.ctx)
	if err != nil || epoch != n.d.Genesis().Epoch {
		t.Errorf("epoch %d, %v; want %d", epoch, err, n.d.Genesis().Epoch)
	}
	prices, err := n.c.Prices(n.ctx)
	if err != nil || prices.StoragePerUnitEpoch != gen.StoragePrice || prices.WritePerUnit != gen.WritePrice {
		t.Errorf("prices %+v, %v", prices, err)
	}
	capacity, err := n.c.Capacity(n.ctx)
	if err != nil || capacity.Total != gen.Capacity || capacity.Used != 0 || capacity.Free() != gen.Capacity {
		t.Errorf("capacity %+v, %v", capacity, err)
	}

	// The committee: sorted by node ID, every shard exactly once, the genesis keys and
	// addresses, and the same as the devnet's genesis committee.
	com := n.committee()
	if com.Epoch != epoch || com.NShards != gen.NShards || len(com.Members) != len(gen.Nodes) {
		t.Fatalf("committee epoch %d shards %d members %d", com.Epoch, com.NShards, len(com.Members))
	}
	seen := make([]bool, com.NShards)
	byName := map[string]contract.GenesisNode{}
	for _, g := range gen.Nodes {
		byName[g.Name] = g
	}
	for i, m := range com.Members {
		if i > 0 && slices.Compare(com.Members[i-1].NodeID[:], m.NodeID[:]) >= 0 {
			t.Error("members not sorted by node ID")
		}
		g, ok := byName[m.Name]
		if !ok || g.NetworkAddress != m.NetworkAddress || n.blsByPub[m.PublicKey] == nil || len(m.NetworkPublicKey) != 33 {
			t.Errorf("member %d %s: %+v", i, m.Name, m)
		}
		for _, s := range m.Shards {
			if seen[s] {
				t.Errorf("shard %d twice", s)
			}
			seen[s] = true
			if owner, _ := com.ShardOwner(s); owner != i {
				t.Errorf("ShardOwner(%d) = %d, want %d", s, owner, i)
			}
		}
	}
	if slices.Contains(seen, false) {
		t.Error("a shard has no owner")
	}
	sc := com.Signing()
	total := 0
	for i, m := range sc.Members {
		total += int(m.Weight)
		if m.NodeID != com.Members[i].NodeID || m.PublicKey != com.Members[i].PublicKey {
			t.Errorf("signing member %d differs", i)
		}
	}
	if total != int(com.NShards) {
		t.Errorf("signing weights sum to %d", total)
	}

	// A node's pool.
	pool, err := n.c.Pool(n.ctx, com.Members[0].NodeID)
	if err != nil || pool.NodeInfo.Name != com.Members[0].Name || pool.WalBalance == 0 {
		t.Errorf("pool %+v, %v", pool, err)
	}
	if _, err := n.c.Pool(n.ctx, n.d.IDs().System); !errors.Is(err, chain.ErrUnexpectedType) {
		t.Errorf("System read as a pool: %v", err)
	}
	// Typed reads refuse another type's object, and say which type they wanted.
	system := n.d.IDs().System
	for name, read := range map[string]func() error{
		"Blob":           func() error { _, err := n.c.Blob(n.ctx, system); return err },
		"StakedWal":      func() error { _, err := n.c.StakedWal(n.ctx, system); return err },
		"StorageNodeCap": func() error { _, err := n.c.NodeCap(n.ctx, system); return err },
	} {
		if err := read(); !errors.Is(err, chain.ErrUnexpectedType) || !strings.Contains(err.Error(), "read "+name+" ") {
			t.Errorf("System read as a %s: %v", name, err)
		}
	}

	// Balances.
	if got := n.wal(n.key); got != 1000*oneWAL {
		t.Errorf("WAL balance %d", got)
	}
	if got, err := n.c.SUIBalance(n.ctx, walrus.Address(n.key.Address())); err != nil || got != 100*oneSUI {
		t.Errorf("SUI balance %d, %v", got, err)
	}
	if _, err := n.c.Blob(n.ctx, walrus.MustParseID("0xabc")); !errors.Is(err, chain.ErrNotFound) {
		t.Errorf("missing blob: %v", err)
	}
}

func TestRegisterCertifyExactPayment(t *testing.T) {
	n := newTestNet(t)
	tb := n.blob(100_000)
	prices, _ := n.c.Prices(n.ctx)
	params, _ := encoding.NewParams(int(contract.DefaultNShards))
	encoded, _ := params.EncodedLength(tb.size)
	const epochs = 3
	want := prices.StorageCost(encoded, epochs) + prices.WriteCost(encoded)
	before := n.wal(n.key)

	r := n.register(tb, epochs, false)
	if r.Paid != want || before-n.wal(n.key) != want {
		t.Errorf("paid %d (balance down %d), want %d", r.Paid, before-n.wal(n.key), want)
	}
	epoch, _ := n.c.Epoch(n.ctx)
	if r.Blob.BlobID != tb.id || r.Blob.Size != tb.size || r.Blob.Storage.EndEpoch != epoch+epochs || r.Blob.IsCertified() || r.Blob.Deletable {
		t.Errorf("blob %+v", r.Blob)
	}
	// Exact splitting merges the payment coin back: still one WAL coin, no dust coin.
	coins, _, err := n.d.Store().OwnedObjects(n.ctx, walrus.Address(n.key.Address()), n.d.IDs().WALCoinType().String(), nil, 100)
	if err != nil || len(coins) != 1 {
		t.Errorf("%d WAL coins after paying, %v", len(coins), err)
	}
	owned, err := n.c.BlobsOwnedBy(n.ctx, walrus.Address(n.key.Address()))
	if err != nil || len(owned) != 1 || owned[0].ID != r.ObjectID || owned[0].Owner != sui.AddressOwned(walrus.ID(n.key.Address())) {
		t.Fatalf("owned blobs %+v, %v", owned, err)
	}
	n.certify(r)
	b, err := n.c.Blob(n.ctx, r.ObjectID)
	if err != nil || !b.IsCertified() || *b.CertifiedEpoch != epoch {
		t.Errorf("after certify: %+v, %v", b, err)
	}
	capacity, _ := n.c.Capacity(n.ctx)
	if capacity.Used != encoded {
		t.Errorf("used capacity %d, want %d", capacity.Used, encoded)
	}
}

func TestFailures(t *testing.T) {
	n := newTestNet(t)
	com := n.committee()

	t.Run("insufficient WAL", func(t *testing.T) {
		poor := n.dial(n.fundedKey(1, 10*oneSUI))
		tb := n.blob(1000)
		_, err := poor.RegisterBlob(n.ctx, chain.RegisterBlobRequest{BlobID: tb.id, RootHash: tb.root, Size: tb.size, Epochs: 1})
		if !errors.Is(err, chain.ErrInsufficientWAL) {
			t.Errorf("got %v", err)
		}
	})
	t.Run("no gas", func(t *testing.T) {
		broke := n.dial(n.fundedKey(10*oneWAL, 0))
		tb := n.blob(1000)
		_, err := broke.RegisterBlob(n.ctx, chain.RegisterBlobRequest{BlobID: tb.id, RootHash: tb.root, Size: tb.size, Epochs: 1})
		if !errors.Is(err, chain.ErrInsufficientGas) {
			t.Errorf("got %v", err)
		}
	})
	t.Run("read-only client", func(t *testing.T) {
		ro := n.dial(nil)
		if _, err := ro.ReserveSpace(n.ctx, 1<<20, 1); !errors.Is(err, chain.ErrNoSigner) {
			t.Errorf("got %v", err)
		}
	})
	t.Run("too many epochs ahead", func(t *testing.T) {
		_, err := n.c.ReserveSpace(n.ctx, 1<<20, contract.Default().MaxEpochsAhead+1)
		var abort *chain.AbortError
		if !errors.Is(err, chain.ErrInvalidEpochsAhead) || !errors.As(err, &abort) || abort.Module != "walrus::system_state_inner" {
			t.Errorf("got %v", err)
		}
	})
	t.Run("wrong blob ID", func(t *testing.T) {
		tb := n.blob(1000)
		tb.root[0] ^= 1
		before := n.wal(n.key)
		_, err := n.c.RegisterBlob(n.ctx, chain.RegisterBlobRequest{BlobID: tb.id, RootHash: tb.root, Size: tb.size, Epochs: 1})
		if !errors.Is(err, chain.ErrInvalidBlobID) {
			t.Errorf("got %v", err)
		}
		if n.wal(n.key) != before {
			t.Error("a failed registration cost WAL")
		}
	})
	t.Run("storage that does not fit", func(t *testing.T) {
		storage, err := n.c.ReserveSpace(n.ctx, 1, 2)
		if err != nil {
			t.Fatal(err)
		}
		tb := n.blob(10_000)
		_, err = n.c.RegisterBlob(n.ctx, chain.RegisterBlobRequest{BlobID: tb.id, RootHash: tb.root, Size: tb.size, Storage: &storage})
		if !errors.Is(err, chain.ErrBlobResourceSize) {
			t.Errorf("got %v", err)
		}
	})

	r := n.register(n.blob(5000), 2, false)
	msg := messages.NewStorageConfirmationMessage(com.Epoch, messages.StorageConfirmation{BlobID: r.Blob.BlobID, Persistence: messages.Permanent()})
	t.Run("certificate below quorum", func(t *testing.T) {
		// The largest members whose weight stays below a quorum.
		var signers []int
		weight := 0
		for i, m := range com.Members {
			if w := weight + m.Weight(); !com.Signing().IsQuorum(w) {
				signers, weight = append(signers, i), w
			}
		}
		_, err := n.c.CertifyBlob(n.ctx, r.ObjectID, n.certificate(com, signers, msg))
		if !errors.Is(err, chain.ErrNotEnoughStake) {
			t.Errorf("got %v", err)
		}
	})
	t.Run("bad signature", func(t *testing.T) {
		cert := n.certificate(com, all(com), msg)
		cert.Signature = n.certificate(com, all(com), messages.NewStorageConfirmationMessage(com.Epoch,
			messages.StorageConfirmation{BlobID: n.blob(10).id, Persistence: messages.Permanent()})).Signature
		if _, err := n.c.CertifyBlob(n.ctx, r.ObjectID, cert); !errors.Is(err, chain.ErrSigVerification) {
			t.Errorf("got %v", err)
		}
	})
	t.Run("wrong epoch", func(t *testing.T) {
		old := messages.NewStorageConfirmationMessage(com.Epoch+1, messages.StorageConfirmation{BlobID: r.Blob.BlobID, Persistence: messages.Permanent()})
		if _, err := n.c.CertifyBlob(n.ctx, r.ObjectID, n.certificate(com, all(com), old)); !errors.Is(err, chain.ErrIncorrectEpoch) {
			t.Errorf("got %v", err)
		}
	})
	t.Run("replayed certificate", func(t *testing.T) {
		cert := n.certificate(com, all(com), msg)
		if _, err := n.c.CertifyBlob(n.ctx, r.ObjectID, cert); err != nil {
			t.Fatal(err)
		}
		if _, err := n.c.CertifyBlob(n.ctx, r.ObjectID, cert); !errors.Is(err, chain.ErrAlreadyCertified) {
			t.Errorf("got %v", err)
		}
	})
	t.Run("another key's blob", func(t *testing.T) {
		mallory := n.dial(n.fundedKey(10*oneWAL, 10*oneSUI))
		_, err := mallory.ExtendBlob(n.ctx, r.ObjectID, 1)
		if err == nil {
			t.Fatal("extended someone else's blob")
		}
		if b, _ := n.c.Blob(n.ctx, r.ObjectID); b.EndEpoch() != r.Blob.EndEpoch() {
			t.Error("the blob changed")
		}
	})
}

func TestExtendDeleteReuseBurn(t *testing.T) {
	n := newTestNet(t)
	prices, _ := n.c.Prices(n.ctx)

	perm := n.register(n.blob(2000), 2, false)
	n.certify(perm)
	before := n.wal(n.key)
	if _, err := n.c.ExtendBlob(n.ctx, perm.ObjectID, 3); err != nil {
		t.Fatal(err)
	}
	b, _ := n.c.Blob(n.ctx, perm.ObjectID)
	if b.EndEpoch() != perm.Blob.EndEpoch()+3 || before-n.wal(n.key) != prices.StorageCost(perm.Blob.Storage.StorageSize, 3) {
		t.Errorf("extend: end %d, paid %d", b.EndEpoch(), before-n.wal(n.key))
	}
	if _, err := n.c.DeleteBlob(n.ctx, perm.ObjectID); !errors.Is(err, chain.ErrBlobNotDeletable) {
		t.Errorf("delete a permanent blob: %v", err)
	}

	del := n.register(n.blob(2000), 2, true)
	n.certify(del)
	storage, err := n.c.DeleteBlob(n.ctx, del.ObjectID)
	if err != nil || storage.IsZero() {
		t.Fatalf("delete: %v, storage %s", err, storage)
	}
	if _, err := n.c.Blob(n.ctx, del.ObjectID); !errors.Is(err, chain.ErrNotFound) {
		t.Errorf("deleted blob still there: %v", err)
	}
	// The freed storage pays for the next blob of the same size: only the write cost.
	tb := n.blob(2000)
	before = n.wal(n.key)
	r, err := n.c.RegisterBlob(n.ctx, chain.RegisterBlobRequest{BlobID: tb.id, RootHash: tb.root, Size: tb.size, Storage: &storage, Deletable: true})
	if err != nil {
		t.Fatal(err)
	}
	if paid := before - n.wal(n.key); paid != prices.WriteCost(del.Blob.Storage.StorageSize) || r.Paid != paid {
		t.Errorf("reuse paid %d (reported %d)", paid, r.Paid)
	}
	// Storage resources are listed, and objects can be given away.
	spare, err := n.c.ReserveSpace(n.ctx, 1<<20, 1)
	if err != nil {
		t.Fatal(err)
	}
	owned, err := n.c.OwnedStorage(n.ctx, walrus.Address(n.key.Address()))
	if err != nil || len(owned) != 1 || owned[0].ID != spare || owned[0].StorageSize != 1<<20 {
		t.Fatalf("owned storage %+v, %v", owned, err)
	}
	bob := n.fundedKey(0, oneSUI)
	if _, err := n.c.TransferObject(n.ctx, spare, walrus.Address(bob.Address())); err != nil {
		t.Fatal(err)
	}
	if owned, _ := n.c.OwnedStorage(n.ctx, walrus.Address(bob.Address())); len(owned) != 1 || owned[0].ID != spare {
		t.Errorf("bob's storage %+v", owned)
	}
	if _, err := n.c.BurnBlob(n.ctx, r.ObjectID); err != nil {
		t.Fatal(err)
	}
	if _, err := n.c.Blob(n.ctx, r.ObjectID); !errors.Is(err, chain.ErrNotFound) {
		t.Errorf("burnt blob still there: %v", err)
	}
}

func TestAttributes(t *testing.T) {
	n := newTestNet(t)
	tb := n.blob(100)
	r, err := n.c.RegisterBlob(n.ctx, chain.RegisterBlobRequest{BlobID: tb.id, RootHash: tb.root, Size: tb.size, Epochs: 1,
		Attributes: walrus.StringMap{{Key: "content-type", Value: "text/plain"}}})
	if err != nil {
		t.Fatal(err)
	}
	attrs, err := n.c.BlobAttributes(n.ctx, r.ObjectID)
	if err != nil || len(attrs) != 1 || attrs[0] != (walrus.KeyValue{Key: "content-type", Value: "text/plain"}) {
		t.Fatalf("attributes %v, %v", attrs, err)
	}
	if _, err := n.c.SetBlobAttributes(n.ctx, r.ObjectID, walrus.StringMap{{Key: "content-type", Value: "image/png"}, {Key: "name", Value: "cat.png"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := n.c.RemoveBlobAttributes(n.ctx, r.ObjectID, "name", "absent"); err != nil {
		t.Fatal(err)
	}
	attrs, _ = n.c.BlobAttributes(n.ctx, r.ObjectID)
	if len(attrs) != 1 || attrs[0].Value != "image/png" {
		t.Errorf("attributes %v", attrs)
	}

	// A blob without metadata gets one on the first set.
	plain := n.register(n.blob(100), 1, false)
	if attrs, err := n.c.BlobAttributes(n.ctx, plain.ObjectID); err != nil || attrs != nil {
		t.Errorf("no attributes: %v, %v", attrs, err)
	}
	if _, err := n.c.SetBlobAttributes(n.ctx, plain.ObjectID, walrus.StringMap{{Key: "a", Value: "b"}}); err != nil {
		t.Fatal(err)
	}
	if attrs, _ := n.c.BlobAttributes(n.ctx, plain.ObjectID); len(attrs) != 1 {
		t.Errorf("attributes %v", attrs)
	}
}

func TestInvalidateBlobID(t *testing.T) {
	n := newTestNet(t)
	com := n.committee()
	id := n.blob(100).id
	msg := messages.NewInvalidBlobIDMessage(com.Epoch, id)
	// One honest node's worth of shards is enough: the smallest set above n_shards/3.
	var signers []int
	weight := 0
	for i, m := range com.Members {
		if com.Signing().IsOneCorrect(weight) {
			break
		}
		signers, weight = append(signers, i), weight+m.Weight()
	}
	if _, err := n.c.InvalidateBlobID(n.ctx, n.certificate(com, signers, msg)); err != nil {
		t.Fatal(err)
	}
	// The chain's InvalidBlobID event is on the checkpoint stream.
	latest, _ := n.c.LatestCheckpoint(n.ctx)
	cp, err := n.c.Checkpoint(n.ctx, latest)
	if err != nil {
		t.Fatal(err)
	}
	evs, err := cp.WalrusEvents(n.c.WalrusPackage())
	if err != nil || len(evs) != 1 {
		t.Fatalf("events %v, %v", evs, err)
	}
	if ev, ok := evs[0].Event.(*walrus.InvalidBlobID); !ok || ev.BlobID != id || ev.Epoch != com.Epoch {
		t.Errorf("event %#v", evs[0].Event)
	}
}

// TestCheckpointStream follows the chain from checkpoint 0 while transactions run, then
// across a restart of the devnet, and checks that every checkpoint arrives once, in
// order, with its Walrus events.
func TestCheckpointStream(t *testing.T) {
	n := newTestNet(t)
	r1 := n.register(n.blob(300), 1, false)
	n.certify(r1)

	type seen struct {
		seqs   []uint64
		events []chain.WalrusEvent
		inputs int      // objects the transactions found, each at its input version
		errs   []string // changed objects without their input state
	}
	var mu sync.Mutex
	var got seen
	streamCtx, stopStream := context.WithCancel(n.ctx)
	streamDone := make(chan error, 1)
	reader := n.dial(nil)
	go func() {
		streamDone <- reader.Checkpoints(streamCtx, 0, func(ctx context.Context, cp *chain.Checkpoint) error {
			evs, err := cp.WalrusEvents(reader.WalrusPackage())
			if err != nil {
				return err
			}
			mu.Lock()
			defer mu.Unlock()
			got.seqs = append(got.seqs, cp.Sequence)
			got.events = append(got.events, evs...)
			for _, tx := range cp.Transactions {
				for _, ch := range tx.Effects.ObjectChanges() {
					if ch.Input == nil {
						continue
					}
					if o, ok := tx.Input(ch.ID); !ok || o.Version() != ch.Input.Version {
						got.errs = append(got.errs, fmt.Sprintf("checkpoint %d tx %s: no input %s@%d", cp.Sequence, tx.Digest, ch.ID, ch.Input.Version))
						continue
					}
					got.inputs++
				}
			}
			return nil
		})
	}()
	waitFor := func(seq uint64) {
		t.Helper()
		for {
			mu.Lock()
			k := len(got.seqs)
			mu.Unlock()
			if uint64(k) > seq {
				return
			}
			select {
			case err := <-streamDone:
				t.Fatalf("stream ended: %v", err)
			case <-n.ctx.Done():
				t.Fatalf("checkpoint %d never arrived", seq)
			case <-time.After(10 * time.Millisecond):
			}
		}
	}
	latest, _ := n.c.LatestCheckpoint(n.ctx)
	waitFor(latest)

	// Live: more transactions while the stream runs.
	r2 := n.register(n.blob(400), 1, true)
	n.certify(r2)
	latest, _ = n.c.LatestCheckpoint(n.ctx)
	waitFor(latest)

	// A restart of the full node: the stream reconnects and resumes.
	n.stop()
	n.start()
	client := n.dial(n.key)
	tb := n.blob(500)
	if _, err := client.RegisterBlob(n.ctx, chain.RegisterBlobRequest{BlobID: tb.id, RootHash: tb.root, Size: tb.size, Epochs: 1}); err != nil {
		t.Fatal(err)
	}
	latest, _ = client.LatestCheckpoint(n.ctx)
	waitFor(latest)
	stopStream()
	if err := <-streamDone; !errors.Is(err, context.Canceled) {
		t.Errorf("stream ended with %v", err)
	}

	for i, s := range got.seqs {
		if s != uint64(i) {
			t.Fatalf("checkpoint %d at position %d: %v", s, i, got.seqs)
		}
	}
	var names []string
	for i, ev := range got.events {
		names = append(names, walrus.EventTypeName(ev.Event))
		if i > 0 && !got.events[i-1].Position.Less(ev.Position) {
			t.Errorf("events out of order at %d", i)
		}
	}
	if len(got.errs) > 0 || got.inputs == 0 {
		t.Errorf("input objects: %d found, missing: %v", got.inputs, got.errs)
	}
	want := []string{"BlobRegistered", "BlobCertified", "BlobRegistered", "BlobCertified", "BlobRegistered"}
	if !slices.Equal(names, want) {
		t.Errorf("events %v, want %v", names, want)
	}
	if reg := got.events[2].Event.(*walrus.BlobRegistered); reg.ObjectID != r2.ObjectID || !reg.Deletable {
		t.Errorf("BlobRegistered %+v", reg)
	}

	// A handler error ends the stream with that error.
	boom := errors.New("boom")
	err := reader.Checkpoints(n.ctx, 1, func(ctx context.Context, cp *chain.Checkpoint) error { return boom })
	if !errors.Is(err, boom) {
		t.Errorf("handler error: %v", err)
	}
}
