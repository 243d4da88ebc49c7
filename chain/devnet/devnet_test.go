package devnet

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/block-vision/sui-go-sdk/common/grpcconn"
	v2 "github.com/block-vision/sui-go-sdk/pb/sui/rpc/v2"

	"github.com/tuskstore/tusk/chain/devnet/contract"
	"github.com/tuskstore/tusk/chain/devnet/exec"
	"github.com/tuskstore/tusk/chain/devnet/walrusmove"
	"github.com/tuskstore/tusk/chain/keys"
	"github.com/tuskstore/tusk/chain/sui"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/encoding"
)

const (
	testBudget  = 500_000_000
	genesisMs   = 1_700_000_000_000
	testTimeout = time.Minute
	oneSUI      = 1_000_000_000
)

func testConfig() Config {
	cfg := Default()
	cfg.RPCAddr = "127.0.0.1:0"
	cfg.GenesisTime = time.UnixMilli(genesisMs)
	return cfg
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	t.Cleanup(cancel)
	return ctx
}

func keypair(t testing.TB, b byte) *keys.Keypair {
	k, err := keys.NewKeypairFromSeed(bytes.Repeat([]byte{b}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func addr(k *keys.Keypair) walrus.Address { return walrus.Address(k.Address()) }

func open(t *testing.T, dir string, cfg Config) *Devnet {
	t.Helper()
	d, err := Open(testCtx(t), dir, cfg, nil)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = d.Close() })
	return d
}

func mustClose(t *testing.T, d *Devnet) {
	t.Helper()
	if err := d.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
}

func ref(t *testing.T, d *Devnet, id walrus.ID) sui.ObjectRef {
	t.Helper()
	_, r, err := d.Store().Object(context.Background(), id)
	if err != nil {
		t.Fatalf("object %s: %v", id, err)
	}
	return r
}

// tx builds and signs a transaction of k paying with gas.
func tx(t *testing.T, d *Devnet, k *keys.Keypair, gas walrus.ID, build func(b *sui.ProgrammableBuilder)) ([]byte, [][]byte) {
	t.Helper()
	b := sui.NewProgrammableBuilder()
	build(b)
	pt, err := b.Finish()
	if err != nil {
		t.Fatal(err)
	}
	td := sui.NewTransactionData(addr(k), pt, sui.GasData{Payment: []sui.ObjectRef{ref(t, d, gas)}, Owner: addr(k), Price: d.ReferenceGasPrice(), Budget: testBudget})
	txb := td.Bytes()
	return txb, [][]byte{k.SignTransaction(txb)}
}

func mustSucceed(t *testing.T, d *Devnet, txb []byte, sigs [][]byte) *exec.Result {
	t.Helper()
	r, err := d.Execute(testCtx(t), txb, sigs)
	if err != nil {
		t.Fatalf("Execute: %v", err)
	}
	if err := r.Status().Err(); err != nil {
		t.Fatalf("execution failed: %v (cause %v)", err, r.Cause)
	}
	return r
}

// transferTx sends amount MIST from k's gas coin to to.
func transferTx(t *testing.T, d *Devnet, k *keys.Keypair, gas walrus.ID, to walrus.Address, amount uint64) ([]byte, [][]byte) {
	return tx(t, d, k, gas, func(b *sui.ProgrammableBuilder) {
		b.TransferObjects(b.SplitCoins(b.Gas(), b.Pure(amount)), b.Pure(to))
	})
}

type testBlob struct {
	id          encoding.BlobID
	root        walrus.U256
	size        uint64
	encodedSize uint64
}

func encodeBlob(t *testing.T, nShards uint16, seed int64, n int) testBlob {
	t.Helper()
	data := make([]byte, n)
	rand.New(rand.NewSource(seed)).Read(data)
	codec, err := encoding.NewCodec(int(nShards))
	if err != nil {
		t.Fatal(err)
	}
	enc, err := codec.Encode(data)
	if err != nil {
		t.Fatal(err)
	}
	md := enc.Metadata
	return testBlob{id: md.BlobID(), root: walrus.U256(md.RootHash()), size: md.UnencodedLength(), encodedSize: md.EncodedLength()}
}

// registerTx reserves space and registers tb in one PTB, paying amount from walCoin,
// and sends the Blob to the sender.
func registerTx(t *testing.T, d *Devnet, k *keys.Keypair, gas, walCoin walrus.ID, tb testBlob, epochs uint32, amount uint64) ([]byte, [][]byte) {
	ids := d.IDs()
	return tx(t, d, k, gas, func(b *sui.ProgrammableBuilder) {
		sys := b.Object(sui.SharedObjectArg(ids.System, ids.SystemInitialSharedVersion(), true))
		coin := b.Object(sui.OwnedObjectArg(ref(t, d, walCoin)))
		pay := b.SplitCoins(coin, b.Pure(amount))[0]
		storage := b.MoveCall(ids.WalrusPackage, "system", "reserve_space", nil, sys, b.Pure(tb.encodedSize), b.Pure(epochs), pay)
		blob := b.MoveCall(ids.WalrusPackage, "system", "register_blob", nil,
			sys, storage, b.Pure(walrus.U256(tb.id)), b.Pure(tb.root), b.Pure(tb.size), b.Pure(uint8(encoding.RS2)), b.Pure(false), pay)
		b.TransferObjects([]sui.Argument{blob}, b.Pure(addr(k)))
		b.MergeCoins(coin, pay)
	})
}

func blobCost(cfg contract.GenesisConfig, encodedSize uint64, epochs uint32) uint64 {
	units := contract.StorageUnitsFromSize(encodedSize)
	return units*cfg.StoragePrice*uint64(epochs) + units*cfg.WritePrice
}

// snapshot is what must survive a reopen.
type snapshot struct {
	refs        map[walrus.ID]string // live ref, or the error
	balances    map[string]uint64
	checkpoints []sui.Digest
	txs         []sui.Digest
	records     uint64
	chainID     sui.Digest
}

func takeSnapshot(t *testing.T, d *Devnet, ids []walrus.ID, owners []walrus.Address) snapshot {
	t.Helper()
	ctx := testCtx(t)
	s := snapshot{refs: map[walrus.ID]string{}, balances: map[string]uint64{}, records: d.Records(), chainID: d.ChainID()}
	for _, id := range ids {
		_, r, err := d.Store().Object(ctx, id)
		if err != nil {
			s.refs[id] = "error: " + err.Error()
			continue
		}
		s.refs[id] = fmt.Sprintf("version %d digest %s", r.Version, r.Digest)
	}
	for _, o := range owners {
		for _, typ := range []sui.TypeTag{sui.SUIType, d.IDs().WALType()} {
			v, err := d.Store().CoinBalance(ctx, o, typ)
			if err != nil {
				t.Fatal(err)
			}
			s.balances[o.String()+" "+typ.String()] = v
		}
	}
	info, err := d.Ledger().ServiceInfo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for seq := uint64(0); seq <= info.CheckpointHeight; seq++ {
		cp, err := d.Ledger().Checkpoint(ctx, seq)
		if err != nil {
			t.Fatal(err)
		}
		s.checkpoints = append(s.checkpoints, cp.Digest)
	}
	s.txs = d.Store().Transactions()
	return s
}

func (s snapshot) diff(t *testing.T, o snapshot) {
	t.Helper()
	for id, r := range s.refs {
		if o.refs[id] != r {
			t.Errorf("object %s: %s before, %s after", id, r, o.refs[id])
		}
	}
	for k, v := range s.balances {
		if o.balances[k] != v {
			t.Errorf("balance %s: %d before, %d after", k, v, o.balances[k])
		}
	}
	if !equalDigests(s.checkpoints, o.checkpoints) {
		t.Errorf("checkpoints %v before, %v after", s.checkpoints, o.checkpoints)
	}
	if !equalDigests(s.txs, o.txs) {
		t.Errorf("transactions %v before, %v after", s.txs, o.txs)
	}
	if s.records != o.records {
		t.Errorf("%d records before, %d after", s.records, o.records)
	}
	if s.chainID != o.chainID {
		t.Errorf("chain ID %s before, %s after", s.chainID, o.chainID)
	}
}

func equalDigests(a, b []sui.Digest) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// scenario is a devnet with alice and bob funded, a SUI transfer, a blob registered
// and a failed registration (payment too small).
type scenario struct {
	d                 *Devnet
	alice, bob        *keys.Keypair
	aliceWAL, aliceSU walrus.ID
	bobSUI            walrus.ID
	blob              walrus.ID
	txs               []sui.Digest
	ids               []walrus.ID
}

func runScenario(t *testing.T, dir string) *scenario {
	t.Helper()
	ctx := testCtx(t)
	cfg := testConfig()
	d := open(t, dir, cfg)
	if !d.Created() {
		t.Fatal("a new directory is not Created")
	}
	s := &scenario{d: d, alice: keypair(t, 1), bob: keypair(t, 2)}
	c, err := d.Faucet(ctx, addr(s.alice), 10*contract.FrostPerWAL, 100*oneSUI)
	if err != nil {
		t.Fatal(err)
	}
	s.aliceWAL, s.aliceSU = c.WAL, c.SUI
	if c.WAL.IsZero() || c.SUI.IsZero() {
		t.Fatalf("faucet coins %+v", c)
	}
	c, err = d.Faucet(ctx, addr(s.bob), 0, 5*oneSUI)
	if err != nil {
		t.Fatal(err)
	}
	if !c.WAL.IsZero() {
		t.Fatal("a WAL coin for 0 FROST")
	}
	s.bobSUI = c.SUI

	// A SUI transfer.
	txb, sigs := transferTx(t, d, s.alice, s.aliceSU, addr(s.bob), oneSUI)
	r := mustSucceed(t, d, txb, sigs)
	s.txs = append(s.txs, r.Digest)
	for _, o := range r.Written {
		id, _ := o.ID()
		s.ids = append(s.ids, id)
	}

	// reserve_space + register_blob.
	tb := encodeBlob(t, cfg.Genesis.NShards, 1, 10_000)
	cost := blobCost(cfg.Genesis, tb.encodedSize, 3)
	txb, sigs = registerTx(t, d, s.alice, s.aliceSU, s.aliceWAL, tb, 3, cost)
	r = mustSucceed(t, d, txb, sigs)
	if len(r.Events) != 1 {
		t.Fatalf("%d events", len(r.Events))
	}
	s.txs = append(s.txs, r.Digest)
	for _, o := range r.Written {
		id, _ := o.ID()
		s.ids = append(s.ids, id)
		if st := o.Data.Move.Type.StructTag(); st.Module == "blob" && st.Name == "Blob" {
			s.blob = id
		}
	}
	if s.blob.IsZero() {
		t.Fatal("no Blob created")
	}

	// A registration that aborts (it pays too little) is committed too.
	tb2 := encodeBlob(t, cfg.Genesis.NShards, 2, 5_000)
	txb, sigs = registerTx(t, d, s.alice, s.aliceSU, s.aliceWAL, tb2, 3, 1)
	r, err = d.Execute(ctx, txb, sigs)
	if err != nil {
		t.Fatal(err)
	}
	if r.Status().MoveAbort() == nil {
		t.Fatalf("status %v, want a Move abort", r.Status().Err())
	}
	s.txs = append(s.txs, r.Digest)

	s.ids = append(s.ids, s.aliceWAL, s.aliceSU, s.bobSUI, d.IDs().System, d.IDs().Staking,
		walrus.InnerStateFieldID(d.IDs().System, walrus.SystemVersion))
	return s
}

func (s *scenario) owners() []walrus.Address { return []walrus.Address{addr(s.alice), addr(s.bob)} }

func TestPersistAndReplay(t *testing.T) {
	dir := t.TempDir()
	s := runScenario(t, dir)
	d := s.d
	if got := d.Records(); got != 5 {
		t.Fatalf("%d records, want 5 (2 faucets, 3 transactions)", got)
	}
	before := takeSnapshot(t, d, s.ids, s.owners())
	mustClose(t, d)
	time.Sleep(5 * time.Millisecond) // the replay's wall clock differs from the original's
	if _, err := d.Faucet(context.Background(), addr(s.alice), 0, 1); !errors.Is(err, ErrClosed) {
		t.Errorf("Faucet after Close: %v", err)
	}

	// Reopen with the same configuration (the genesis time left to the directory).
	cfg := testConfig()
	cfg.GenesisTime = time.Time{}
	d2 := open(t, dir, cfg)
	if d2.Created() {
		t.Error("an existing devnet is Created")
	}
	if !d2.GenesisTime().Equal(time.UnixMilli(genesisMs)) {
		t.Errorf("genesis time %v", d2.GenesisTime())
	}
	after := takeSnapshot(t, d2, s.ids, s.owners())
	before.diff(t, after)
	if before.balances[addr(s.bob).String()+" "+sui.SUIType.String()] != 6*oneSUI {
		t.Errorf("bob's SUI: %v", before.balances)
	}

	// The executed transactions are visible, with their checkpoints.
	ctx := testCtx(t)
	for i, dg := range s.txs {
		if _, err := d2.Store().Executed(ctx, dg); err != nil {
			t.Errorf("transaction %d %s: %v", i, dg, err)
		}
		tr, err := d2.Ledger().Transaction(ctx, dg)
		if err != nil || tr.Checkpoint == nil || *tr.Checkpoint != uint64(i+1) {
			t.Errorf("transaction %d %s: checkpoint %v, %v", i, dg, tr.Checkpoint, err)
		}
	}
	// Executing a committed transaction again returns its results and logs nothing.
	txb, _ := d2.Store().Executed(ctx, s.txs[0])
	r, err := d2.Execute(ctx, txb.Transaction, txb.Signatures)
	if err != nil || !r.AlreadyExecuted {
		t.Fatalf("re-execution: %v, %v", r, err)
	}
	if d2.Records() != 5 {
		t.Errorf("re-execution logged a record")
	}

	// The devnet goes on after a replay; a third opening sees everything.
	txb2, sigs := transferTx(t, d2, s.bob, s.bobSUI, addr(s.alice), 2*oneSUI)
	r = mustSucceed(t, d2, txb2, sigs)
	if _, err := d2.Faucet(ctx, addr(s.bob), contract.FrostPerWAL, 0); err != nil {
		t.Fatal(err)
	}
	ids := append(s.ids, s.bobSUI)
	before = takeSnapshot(t, d2, ids, s.owners())
	mustClose(t, d2)
	d3 := open(t, dir, cfg)
	before.diff(t, takeSnapshot(t, d3, ids, s.owners()))
	if tr, err := d3.Ledger().Transaction(ctx, r.Digest); err != nil || *tr.Checkpoint != 4 {
		t.Errorf("the transaction after the replay: %v", err)
	}
	if before.records != 7 {
		t.Errorf("%d records, want 7", before.records)
	}
}

func TestTornFinalRecord(t *testing.T) {
	dir := t.TempDir()
	s := runScenario(t, dir)
	before := takeSnapshot(t, s.d, s.ids, s.owners())
	mustClose(t, s.d)
	logPath := filepath.Join(dir, LogFile)
	good, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}

	// What an interrupted append of one more record can leave behind.
	rec := &record{Seq: 5, TimestampMs: genesisMs, Kind: opFaucet, Faucet: faucetRecord{Owner: addr(s.bob), SUI: 1}}
	next, err := frame(rec)
	if err != nil {
		t.Fatal(err)
	}
	badCRC := bytes.Clone(next)
	badCRC[len(badCRC)-1] ^= 0xff
	for _, tc := range []struct {
		name string
		tail []byte
	}{
		{"part of a header", next[:5]},
		{"a header and part of the payload", next[:frameHeaderSize+10]},
		{"all but the last byte", next[:len(next)-1]},
		{"zeros for a header", make([]byte, 40)},
		{"a payload that fails its checksum", badCRC},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := os.WriteFile(logPath, append(bytes.Clone(good), tc.tail...), 0o600); err != nil {
				t.Fatal(err)
			}
			d := open(t, dir, testConfig())
			before.diff(t, takeSnapshot(t, d, s.ids, s.owners()))
			mustClose(t, d)
			if got, _ := os.ReadFile(logPath); !bytes.Equal(got, good) {
				t.Errorf("the log is %d bytes after the repair, want the %d good ones", len(got), len(good))
			}
		})
	}

	// A torn last real record loses that operation only (the failed registration).
	t.Run("the last record cut short", func(t *testing.T) {
		if err := os.WriteFile(logPath, good[:len(good)-3], 0o600); err != nil {
			t.Fatal(err)
		}
		d := open(t, dir, testConfig())
		if d.Records() != 4 {
			t.Errorf("%d records, want 4", d.Records())
		}
		if txs := d.Store().Transactions(); len(txs) != 2 || txs[1] != s.txs[1] {
			t.Errorf("transactions %v", txs)
		}
	})
}

func TestCorruptLog(t *testing.T) {
	dir := t.TempDir()
	s := runScenario(t, dir)
	mustClose(t, s.d)
	logPath := filepath.Join(dir, LogFile)
	good, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	restore := func() {
		if err := os.WriteFile(logPath, good, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	first := len(logMagic) // the first record (a faucet)
	for _, tc := range []struct {
		name string
		edit func(b []byte) []byte
		want string
	}{
		{"a payload byte of the first record", func(b []byte) []byte { b[first+frameHeaderSize+20] ^= 1; return b }, "payload checksum"},
		{"the length of the first record", func(b []byte) []byte { b[first] ^= 1; return b }, "header checksum"},
		{"garbage after the last record", func(b []byte) []byte { return append(b, bytes.Repeat([]byte{0xab}, 30)...) }, "header checksum"},
		{"the magic", func(b []byte) []byte { b[0] = 'x'; return b }, "not a tusk devnet operation log"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			restore()
			if err := os.WriteFile(logPath, tc.edit(bytes.Clone(good)), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := Open(testCtx(t), dir, testConfig(), nil)
			if !errors.Is(err, ErrCorruptLog) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Open: %v; want ErrCorruptLog mentioning %q", err, tc.want)
			}
		})
	}

	// A record whose logged effects digest differs from what execution gives.
	t.Run("effects digest", func(t *testing.T) {
		restore()
		rewriteRecords(t, logPath, func(r *record) {
			if r.Seq == 3 {
				r.Tx.EffectsDigest[0] ^= 1
			}
		})
		_, err := Open(testCtx(t), dir, testConfig(), nil)
		if !errors.Is(err, ErrReplay) || !strings.Contains(err.Error(), "effects digest") || !strings.Contains(err.Error(), "record 3") {
			t.Fatalf("Open: %v; want ErrReplay naming record 3's effects digest", err)
		}
	})
	t.Run("faucet coin", func(t *testing.T) {
		restore()
		rewriteRecords(t, logPath, func(r *record) {
			if r.Seq == 1 {
				r.Faucet.SUICoin[0] ^= 1
			}
		})
		_, err := Open(testCtx(t), dir, testConfig(), nil)
		if !errors.Is(err, ErrReplay) {
			t.Fatalf("Open: %v; want ErrReplay", err)
		}
	})

	// The untouched log still opens.
	restore()
	d := open(t, dir, testConfig())
	if d.Records() != 5 {
		t.Errorf("%d records", d.Records())
	}
}

// rewriteRecords rewrites every record of the log through edit, with valid checksums.
func rewriteRecords(t *testing.T, path string, edit func(r *record)) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	lr, err := newLogReader(path, f)
	if err != nil {
		t.Fatal(err)
	}
	out := bytes.Clone(logMagic[:])
	for {
		r, err := lr.next()
		if err != nil {
			break
		}
		edit(r)
		b, err := frame(r)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b...)
	}
	f.Close()
	if err := os.WriteFile(path, out, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestChangedGenesis(t *testing.T) {
	dir := t.TempDir()
	mustClose(t, open(t, dir, testConfig()))

	cfg := testConfig()
	cfg.Genesis.StoragePrice++
	cfg.Genesis.Nodes[1].Stake = 7
	_, err := Open(testCtx(t), dir, cfg, nil)
	if !errors.Is(err, ErrGenesisMismatch) {
		t.Fatalf("Open: %v; want ErrGenesisMismatch", err)
	}
	for _, want := range []string{"genesis.storage_price: 100000 recorded, 100001 configured", "genesis.nodes[1].stake", dir} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}

	cfg = testConfig()
	cfg.Grants.SUI = []Grant{{Owner: addr(keypair(t, 3)), Amount: 1}}
	if _, err := Open(testCtx(t), dir, cfg, nil); !errors.Is(err, ErrGenesisMismatch) || !strings.Contains(err.Error(), "grants.sui") {
		t.Fatalf("Open with grants: %v", err)
	}
	cfg = testConfig()
	cfg.GenesisTime = cfg.GenesisTime.Add(time.Second)
	if _, err := Open(testCtx(t), dir, cfg, nil); !errors.Is(err, ErrGenesisMismatch) || !strings.Contains(err.Error(), "genesis_time") {
		t.Fatalf("Open with another genesis time: %v", err)
	}
	// The same genesis opens.
	mustClose(t, open(t, dir, testConfig()))
}

func TestGenesisGrants(t *testing.T) {
	dir := t.TempDir()
	alice := keypair(t, 1)
	cfg := testConfig()
	cfg.Grants = Grants{SUI: []Grant{{addr(alice), 3 * oneSUI}}, WAL: []Grant{{addr(alice), 2 * contract.FrostPerWAL}}}
	d := open(t, dir, cfg)
	g := d.Genesis()
	if len(g.SUICoins) != 1 || len(g.WALCoins) != 1 {
		t.Fatalf("genesis coins %v %v", g.SUICoins, g.WALCoins)
	}
	v, err := d.Store().CoinBalance(testCtx(t), addr(alice), d.IDs().WALType())
	if err != nil || v != 2*contract.FrostPerWAL {
		t.Fatalf("alice's WAL %d, %v", v, err)
	}
	mustClose(t, d)
	data, err := os.ReadFile(filepath.Join(dir, GenesisFile))
	if err != nil || !strings.Contains(string(data), addr(alice).String()) || !strings.Contains(string(data), "reference_gas_price: 1000") {
		t.Fatalf("genesis.yaml: %v\n%s", err, data)
	}
	mustClose(t, open(t, dir, cfg))
}

func TestInUseAndBadDir(t *testing.T) {
	dir := t.TempDir()
	d := open(t, dir, testConfig())
	if _, err := Open(testCtx(t), dir, testConfig(), nil); !errors.Is(err, ErrInUse) {
		t.Fatalf("second Open: %v; want ErrInUse", err)
	}
	mustClose(t, d)
	mustClose(t, open(t, dir, testConfig()))

	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(testCtx(t), file, testConfig(), nil); err == nil {
		t.Fatal("Open on a file succeeded")
	}
	// A log with records but no genesis.yaml is not overwritten.
	if err := os.Remove(filepath.Join(dir, GenesisFile)); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, LogFile), append(bytes.Clone(logMagic[:]), 1, 2, 3), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(testCtx(t), dir, testConfig(), nil); err == nil || !strings.Contains(err.Error(), "refusing to overwrite") {
		t.Fatalf("Open: %v", err)
	}
	bad := testConfig()
	bad.RPCAddr = "nope"
	if _, err := Open(testCtx(t), t.TempDir(), bad, nil); err == nil || !strings.Contains(err.Error(), "rpc_addr") {
		t.Fatalf("Open with a bad address: %v", err)
	}
}

func TestFaucetErrors(t *testing.T) {
	d := open(t, t.TempDir(), testConfig())
	ctx := testCtx(t)
	if _, err := d.Faucet(ctx, walrus.Address{}, 1, 1); err == nil {
		t.Error("faucet to the zero address")
	}
	if _, err := d.Faucet(ctx, addr(keypair(t, 1)), 0, 0); err == nil {
		t.Error("faucet of nothing")
	}
	left := d.faucet.WALLeft()
	if _, err := d.Faucet(ctx, addr(keypair(t, 1)), left+1, 0); !errors.Is(err, walrusmove.ErrFaucetExhausted) {
		t.Errorf("faucet beyond the supply: %v", err)
	}
	if d.Records() != 0 {
		t.Errorf("failed faucet calls logged %d records", d.Records())
	}
}

func TestGRPC(t *testing.T) {
	dir := t.TempDir()
	ctx := testCtx(t)
	d := open(t, dir, testConfig())
	alice, bob := keypair(t, 1), keypair(t, 2)
	c, err := d.Faucet(ctx, addr(alice), 0, 10*oneSUI)
	if err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	ran := make(chan error, 1)
	go func() { ran <- d.Run(runCtx) }()

	client := grpcconn.NewSuiGrpcClient(d.Endpoint())
	defer client.Close()
	lc, err := client.LedgerService(ctx)
	if err != nil {
		t.Fatal(err)
	}
	info, err := lc.GetServiceInfo(ctx, &v2.GetServiceInfoRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if info.GetChainId() != d.ChainID().String() || info.GetCheckpointHeight() != 0 {
		t.Errorf("service info %v", info)
	}

	// A transaction executed over gRPC is logged like any other.
	txb, sigs := transferTx(t, d, alice, c.SUI, addr(bob), oneSUI)
	ec, err := client.TransactionExecutionService(ctx)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := ec.ExecuteTransaction(ctx, &v2.ExecuteTransactionRequest{
		Transaction: &v2.Transaction{Bcs: &v2.Bcs{Value: txb}},
		Signatures:  []*v2.UserSignature{{Bcs: &v2.Bcs{Value: sigs[0]}}},
	})
	if err != nil || !resp.GetTransaction().GetEffects().GetStatus().GetSuccess() {
		t.Fatalf("ExecuteTransaction: %v, %v", resp, err)
	}
	if d.Records() != 2 {
		t.Errorf("%d records after the gRPC execution, want 2", d.Records())
	}

	stop()
	if err := <-ran; err != nil {
		t.Fatalf("Run: %v", err)
	}
	mustClose(t, d)

	d2 := open(t, dir, testConfig())
	v, err := d2.Store().CoinBalance(ctx, addr(bob), sui.SUIType)
	if err != nil || v != oneSUI {
		t.Fatalf("bob's SUI after reopening: %d, %v", v, err)
	}
	// Close stops a running server.
	go func() { ran <- d2.Run(context.Background()) }()
	lc2 := grpcconn.NewSuiGrpcClient(d2.Endpoint())
	defer lc2.Close()
	l2, err := lc2.LedgerService(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info, err := l2.GetServiceInfo(ctx, &v2.GetServiceInfoRequest{}); err != nil || info.GetCheckpointHeight() != 1 {
		t.Fatalf("service info after reopening: %v, %v", info, err)
	}
	mustClose(t, d2)
	if err := <-ran; err != nil {
		t.Fatalf("Run: %v", err)
	}
}

func TestClientConfig(t *testing.T) {
	dir := t.TempDir()
	d := open(t, dir, testConfig())
	k := keypair(t, 9)
	cc := d.ClientConfig(filepath.Join(dir, "client.keystore"), addr(k))
	path := filepath.Join(dir, "client.yaml")
	if err := WriteClientConfig(path, cc); err != nil {
		t.Fatal(err)
	}
	got, err := LoadClientConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	if got.Network != "devnet" || got.RPC != d.Endpoint() || got.SystemObject != d.IDs().System.String() ||
		got.StakingObject != d.IDs().Staking.String() || got.ActiveAddress != addr(k).String() ||
		got.WALCoinType != d.IDs().WALType().String() || got.Keystore != cc.Keystore {
		t.Errorf("client config %+v", got)
	}
}
