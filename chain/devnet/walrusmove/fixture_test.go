package walrusmove

import (
	"bytes"
	"context"
	"encoding/binary"
	"testing"

	"github.com/tuskstore/tusk/chain/devnet/contract"
	"github.com/tuskstore/tusk/chain/devnet/exec"
	"github.com/tuskstore/tusk/chain/keys"
	"github.com/tuskstore/tusk/chain/messages"
	"github.com/tuskstore/tusk/chain/sui"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/internal/bcs"
)

const (
	testGasPrice  = 1000
	testBudget    = 500_000_000
	genesisTimeMs = 1_700_000_000_000
	startSUI      = 100_000_000_000 // 100 SUI
	startWAL      = 10 * contract.FrostPerWAL
)

// env is a devnet with the Walrus genesis of contract.Default(), alice and bob with SUI
// and WAL, and the functions registered.
type env struct {
	t          testing.TB
	ctx        context.Context
	cfg        contract.GenesisConfig
	st         *GenesisState
	ids        IDs
	store      *exec.MemStore
	reg        *exec.Registry
	ex         *exec.Executor
	faucet     *Faucet
	alice, bob *keys.Keypair
	aliceGas   walrus.ID
	aliceWAL   walrus.ID
	bobGas     walrus.ID
	blsKeys    []*keys.BLSKey // in the committee's member order
}

func keypair(t testing.TB, b byte) *keys.Keypair {
	k, err := keys.NewKeypairFromSeed(bytes.Repeat([]byte{b}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func addr(k *keys.Keypair) walrus.Address { return walrus.Address(k.Address()) }

func newEnv(t testing.TB) *env {
	t.Helper()
	e := &env{t: t, ctx: context.Background(), cfg: contract.Default(), store: exec.NewMemStore(), reg: exec.NewRegistry()}
	e.alice, e.bob = keypair(t, 1), keypair(t, 2)
	st, err := Genesis(e.cfg, GenesisOptions{
		ClockTimestampMs: genesisTimeMs,
		SUI:              []Grant{{addr(e.alice), startSUI}, {addr(e.bob), startSUI}},
		WAL:              []Grant{{addr(e.alice), startWAL}},
	})
	if err != nil {
		t.Fatal(err)
	}
	e.st, e.ids = st, st.IDs
	e.aliceGas, e.bobGas, e.aliceWAL = st.SUICoins[0], st.SUICoins[1], st.WALCoins[0]
	if err := e.store.Insert(st.Objects...); err != nil {
		t.Fatal(err)
	}
	if err := Register(e.reg, e.ids); err != nil {
		t.Fatal(err)
	}
	e.ex = exec.New(e.store, e.reg, exec.Config{ReferenceGasPrice: testGasPrice})
	e.faucet = st.Faucet(e.store)

	// The BLS keys in the order of the committee's members (by node ID).
	for _, m := range st.System.Inner.Committee.Members {
		found := false
		for i, id := range st.Genesis.NodeIDs {
			if id == m.NodeID {
				k, _ := contract.DevnetNodeKeys(i)
				e.blsKeys = append(e.blsKeys, k)
				found = true
			}
		}
		if !found {
			t.Fatalf("committee member %s is not a genesis node", m.NodeID)
		}
	}
	return e
}

func (e *env) object(id walrus.ID) (*sui.Object, sui.ObjectRef) {
	e.t.Helper()
	o, ref, err := e.store.Object(e.ctx, id)
	if err != nil {
		e.t.Fatalf("object %s: %v", id, err)
	}
	return o, ref
}

func (e *env) ref(id walrus.ID) sui.ObjectRef { _, r := e.object(id); return r }

func (e *env) balance(id walrus.ID) uint64 {
	e.t.Helper()
	o, _ := e.object(id)
	v, ok := exec.CoinValue(o)
	if !ok {
		e.t.Fatalf("%s is not a coin", id)
	}
	return v
}

func (e *env) walBalance(k *keys.Keypair) uint64 {
	e.t.Helper()
	v, err := e.store.CoinBalance(e.ctx, addr(k), e.ids.WALType())
	if err != nil {
		e.t.Fatal(err)
	}
	return v
}

// systemArg adds the System as a shared input.
func (e *env) systemArg(b *sui.ProgrammableBuilder, mutable bool) sui.Argument {
	return b.Object(sui.SharedObjectArg(e.ids.System, e.ids.SystemInitialSharedVersion(), mutable))
}

// tx builds a transaction of k paying with gasCoin.
func (e *env) tx(k *keys.Keypair, gasCoin walrus.ID, build func(b *sui.ProgrammableBuilder)) []byte {
	e.t.Helper()
	b := sui.NewProgrammableBuilder()
	build(b)
	pt, err := b.Finish()
	if err != nil {
		e.t.Fatal(err)
	}
	td := sui.NewTransactionData(addr(k), pt, sui.GasData{Payment: []sui.ObjectRef{e.ref(gasCoin)}, Owner: addr(k), Price: testGasPrice, Budget: testBudget})
	return td.Bytes()
}

func (e *env) exec(txb []byte, signers ...*keys.Keypair) (*exec.Result, error) {
	sigs := make([][]byte, len(signers))
	for i, k := range signers {
		sigs[i] = k.SignTransaction(txb)
	}
	return e.ex.Execute(e.ctx, txb, sigs)
}

// mustExec executes and requires a committed result without invariant violation.
func (e *env) mustExec(txb []byte, signers ...*keys.Keypair) *exec.Result {
	e.t.Helper()
	r, err := e.exec(txb, signers...)
	if err != nil {
		e.t.Fatalf("execute: %v", err)
	}
	if r.Cause != nil {
		e.t.Fatalf("invariant violation: %v", r.Cause)
	}
	e.checkConsistency(r)
	return r
}

// checkConsistency checks a committed result against the store: the effects round-trip,
// written objects are stored at the lamport version with the effects' digests and owners,
// the events digest matches, and SUI is conserved (what gas coins lose is computation
// plus the non-refundable storage fee, once storage rebates are counted).
func (e *env) checkConsistency(r *exec.Result) {
	e.t.Helper()
	raw := r.Effects.Bytes()
	if dec, err := sui.DecodeEffects(raw); err != nil || !bytes.Equal(dec.Bytes(), raw) {
		e.t.Fatalf("effects do not round-trip: %v", err)
	}
	v2 := r.Effects.V2
	if len(r.Events) > 0 && (v2.EventsDigest == nil || *v2.EventsDigest != r.Events.Digest()) {
		e.t.Fatal("events digest mismatch")
	}
	inputs := make(map[walrus.ID]*sui.Object)
	for _, o := range r.Inputs {
		id, _ := o.ID()
		inputs[id] = o
	}
	var before, after, rebatesIn, rebatesOut uint64
	for _, c := range v2.ChangedObjects {
		if c.InputState.Exists {
			in := inputs[c.ID]
			if in == nil || in.Digest() != c.InputState.Digest {
				e.t.Fatalf("%s: input state does not match the input object", c.ID)
			}
			rebatesIn += in.StorageRebate
			if in.Data.Move.Type.IsGasCoin() {
				v, _ := exec.CoinValue(in)
				before += v
			}
		}
		if c.OutputState.Kind == sui.ObjectWrite {
			o, err := e.store.ObjectAt(e.ctx, c.ID, v2.LamportVersion)
			if err != nil {
				e.t.Fatalf("%s: written object not stored: %v", c.ID, err)
			}
			if o.Digest() != c.OutputState.Digest || !o.Owner.Equal(&c.OutputState.Owner) {
				e.t.Fatalf("%s: stored object does not match the effects", c.ID)
			}
			rebatesOut += o.StorageRebate
			if o.Data.Move.Type.IsGasCoin() {
				v, _ := exec.CoinValue(o)
				after += v
			}
		}
	}
	g := v2.GasUsed
	if int64(before)+int64(rebatesIn)-int64(after)-int64(rebatesOut) != int64(g.ComputationCost+g.NonRefundableStorageFee) {
		e.t.Fatalf("SUI not conserved: coins %d → %d, rebates %d → %d, gas %+v", before, after, rebatesIn, rebatesOut, g)
	}
}

func (e *env) mustSucceed(txb []byte, signers ...*keys.Keypair) *exec.Result {
	e.t.Helper()
	r := e.mustExec(txb, signers...)
	if err := r.Status().Err(); err != nil {
		e.t.Fatalf("execution failed: %v", err)
	}
	return r
}

// wantAbort requires a failed status with a Move abort at module::function with code.
func wantAbort(t testing.TB, r *exec.Result, pkg walrus.ID, module, function string, code uint64) {
	t.Helper()
	a := r.Status().MoveAbort()
	if a == nil {
		t.Fatalf("status %v, want a Move abort in %s::%s", r.Status().Err(), module, function)
	}
	if a.Module != pkg || a.ModuleName != module || a.FunctionName != function || a.Code != code {
		t.Fatalf("abort %s::%s::%s code %d, want %s::%s::%s code %d", a.Module, a.ModuleName, a.FunctionName, a.Code, pkg, module, function, code)
	}
	if len(r.Events) != 0 {
		t.Fatalf("a failed transaction emitted %d events", len(r.Events))
	}
}

// testBlob is a blob encoded for the devnet's shard count.
type testBlob struct {
	data        []byte
	id          encoding.BlobID
	root        walrus.U256
	size        uint64
	encodedSize uint64
}

func (e *env) encode(data []byte) testBlob {
	e.t.Helper()
	codec, err := encoding.NewCodec(int(e.cfg.NShards))
	if err != nil {
		e.t.Fatal(err)
	}
	enc, err := codec.Encode(data)
	if err != nil {
		e.t.Fatal(err)
	}
	md := enc.Metadata
	encoded, err := contract.EncodedBlobLength(uint64(len(data)), uint8(encoding.RS2), e.cfg.NShards)
	if err != nil {
		e.t.Fatal(err)
	}
	if md.EncodedLength() != encoded {
		e.t.Fatalf("encoded length: codec %d, contract %d", md.EncodedLength(), encoded)
	}
	return testBlob{data: data, id: md.BlobID(), root: walrus.U256(md.RootHash()), size: md.UnencodedLength(), encodedSize: encoded}
}

// cost is the WAL reserve_space + register_blob charge for a blob for epochs epochs.
func (e *env) cost(encodedSize uint64, epochs uint32) (storage, write uint64) {
	units := contract.StorageUnitsFromSize(encodedSize)
	return units * e.cfg.StoragePrice * uint64(epochs), units * e.cfg.WritePrice
}

// registerPTB reserves space and registers tb in one PTB, paying from the sender's WAL
// coin with an exact split of amount (merged back afterwards), and sends the Blob to
// the sender.
func (e *env) registerPTB(k *keys.Keypair, walCoin walrus.ID, tb testBlob, epochs uint32, deletable bool, amount uint64) []byte {
	return e.tx(k, e.gasOf(k), func(b *sui.ProgrammableBuilder) {
		sys := e.systemArg(b, true)
		coin := b.Object(sui.OwnedObjectArg(e.ref(walCoin)))
		pay := b.SplitCoins(coin, b.Pure(amount))[0]
		storage := b.MoveCall(e.ids.WalrusPackage, "system", "reserve_space", nil, sys, b.Pure(tb.encodedSize), b.Pure(epochs), pay)
		blob := b.MoveCall(e.ids.WalrusPackage, "system", "register_blob", nil,
			sys, storage, b.Pure(walrus.U256(tb.id)), b.Pure(tb.root), b.Pure(tb.size), b.Pure(uint8(encoding.RS2)), b.Pure(deletable), pay)
		b.TransferObjects([]sui.Argument{blob}, b.Pure(addr(k)))
		b.MergeCoins(coin, pay)
	})
}

func (e *env) gasOf(k *keys.Keypair) walrus.ID {
	if addr(k) == addr(e.bob) {
		return e.bobGas
	}
	return e.aliceGas
}

// registered registers tb for alice (success required) and returns the Blob's ID.
func (e *env) registered(tb testBlob, epochs uint32, deletable bool) walrus.ID {
	e.t.Helper()
	s, w := e.cost(tb.encodedSize, epochs)
	r := e.mustSucceed(e.registerPTB(e.alice, e.aliceWAL, tb, epochs, deletable, s+w), e.alice)
	return e.createdBlob(r)
}

// createdBlob finds the Blob a transaction created.
func (e *env) createdBlob(r *exec.Result) walrus.ID {
	e.t.Helper()
	for _, o := range r.Written {
		if o.Data.Kind == sui.DataMove {
			st := o.Data.Move.Type.StructTag()
			bt := e.ids.BlobType()
			if st.Equal(&bt) {
				id, _ := o.ID()
				return id
			}
		}
	}
	e.t.Fatal("no Blob written")
	return walrus.ID{}
}

func (e *env) blob(id walrus.ID) walrus.Blob {
	e.t.Helper()
	o, _ := e.object(id)
	var b walrus.Blob
	if err := bcs.Unmarshal(o.Data.Move.Contents, &b); err != nil {
		e.t.Fatal(err)
	}
	return b
}

// systemInner reads the System's inner state from the store.
func (e *env) systemInner() walrus.SystemStateInnerV1 {
	e.t.Helper()
	o, _ := e.object(walrus.InnerStateFieldID(e.ids.System, walrus.SystemVersion))
	var f walrus.SystemStateField
	if err := bcs.Unmarshal(o.Data.Move.Contents, &f); err != nil {
		e.t.Fatal(err)
	}
	return f.Value
}

// certificate signs a BLOB_CERT message for the blob with the keys of the signers
// (member indices) and returns the certify_blob arguments.
func (e *env) certificate(signers []int, epoch uint32, blobID encoding.BlobID, p messages.BlobPersistence) (sig, bitmap, msg []byte) {
	e.t.Helper()
	msg = messages.NewStorageConfirmationMessage(epoch, messages.StorageConfirmation{BlobID: blobID, Persistence: p})
	confs := make([]messages.SignedMessage, len(signers))
	for i, s := range signers {
		confs[i] = messages.Sign(e.blsKeys[s], msg)
	}
	cert, err := messages.Aggregate(confs, signers)
	if err != nil {
		e.t.Fatal(err)
	}
	bitmap, err = cert.Bitmap(len(e.blsKeys))
	if err != nil {
		e.t.Fatal(err)
	}
	return cert.Signature[:], bitmap, msg
}

func (e *env) allSigners() []int {
	out := make([]int, len(e.blsKeys))
	for i := range out {
		out[i] = i
	}
	return out
}

// certifyTx builds certify_blob on blobID with the certificate given.
func (e *env) certifyTx(k *keys.Keypair, blobObj walrus.ID, sig, bitmap, msg []byte) []byte {
	return e.tx(k, e.gasOf(k), func(b *sui.ProgrammableBuilder) {
		sys := e.systemArg(b, false)
		blob := b.Object(sui.OwnedObjectArg(e.ref(blobObj)))
		b.MoveCall(e.ids.WalrusPackage, "system", "certify_blob", nil, sys, blob, b.Pure(sig), b.Pure(bitmap), b.Pure(msg))
	})
}

// certified registers and certifies tb for alice and returns the Blob's ID.
func (e *env) certified(tb testBlob, epochs uint32, deletable bool) walrus.ID {
	e.t.Helper()
	id := e.registered(tb, epochs, deletable)
	p := messages.Permanent()
	if deletable {
		p = messages.Deletable(id)
	}
	sig, bitmap, msg := e.certificate(e.allSigners(), e.st.Epoch, tb.id, p)
	e.mustSucceed(e.certifyTx(e.alice, id, sig, bitmap, msg), e.alice)
	return id
}

func u64le(v uint64) []byte { return binary.LittleEndian.AppendUint64(nil, v) }

// event decodes the i-th event of r, checking its type is <walrus>::events::name.
func (e *env) event(r *exec.Result, i int, name string) walrus.Event {
	e.t.Helper()
	if i >= len(r.Events) {
		e.t.Fatalf("%d events, want event %d (%s)", len(r.Events), i, name)
	}
	ev := r.Events[i]
	want := e.ids.EventType(name)
	if !ev.Type.Equal(&want) {
		e.t.Fatalf("event %d type %s, want %s", i, ev.Type.String(), want.String())
	}
	if ev.PackageID != e.ids.WalrusPackage {
		e.t.Fatalf("event %d package %s", i, ev.PackageID)
	}
	dec, err := walrus.DecodeEvent(ev.Type.String(), ev.Contents)
	if err != nil {
		e.t.Fatal(err)
	}
	return dec
}
