package rpc_test

// Tests of the transaction services over the real executor (chain/devnet/exec, through
// execrpc), over loopback gRPC with the SDK's client. They live in the external test
// package because exec imports rpc.

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/block-vision/sui-go-sdk/common/grpcconn"
	v2 "github.com/block-vision/sui-go-sdk/pb/sui/rpc/v2"
	"github.com/block-vision/sui-go-sdk/sui/v2/grpc_client"
	sdktypes "github.com/block-vision/sui-go-sdk/sui/v2/types"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	"github.com/tuskstore/tusk/chain/devnet/exec"
	"github.com/tuskstore/tusk/chain/devnet/rpc"
	"github.com/tuskstore/tusk/chain/devnet/rpc/execrpc"
	"github.com/tuskstore/tusk/chain/keys"
	"github.com/tuskstore/tusk/chain/sui"
	"github.com/tuskstore/tusk/chain/walrus"
)

const (
	timeout     = 20 * time.Second
	gasPrice    = 1000
	gasBudget   = 50_000_000
	startSUI    = 10_000_000_000
	eAborted    = 7
	failIndex   = 3
	genesisMsec = 1_700_000_000_000
)

var (
	testPkg = walrus.MustParseID("0xc0de")
	walPkg  = walrus.MustParseID("0x3a1")
	walTag  = sui.StructOf(walPkg, "wal", "WAL")
	// staking::Staking and staking::StakedWal, for the stake_with_pool signature.
	stakingTag   = sui.StructOf(walPkg, "staking", "Staking")
	stakedWalTag = sui.StructOf(walPkg, "staked_wal", "StakedWal")
	objectIDTag  = sui.StructOf(walrus.MustParseID("0x2"), "object", "ID")
	emittedTag   = sui.StructOf(testPkg, "counter", "Emitted")
)

type execEnv struct {
	t          *testing.T
	ctx        context.Context
	store      *exec.MemStore
	ledger     *execrpc.Ledger
	alice, bob *keys.Keypair
	aliceGas   walrus.ID
	aliceCoin  walrus.ID
	client     *grpcconn.SuiGrpcClient
}

func keypair(t *testing.T, b byte) *keys.Keypair {
	k, err := keys.NewKeypairFromSeed(bytes.Repeat([]byte{b}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func addrOf(k *keys.Keypair) walrus.Address { return walrus.Address(k.Address()) }

func u64(v uint64) []byte { return binary.LittleEndian.AppendUint64(nil, v) }

func registerTestFunctions(reg *exec.Registry) {
	reg.MustRegister(testPkg, "counter", "fail", exec.Function{
		Index: failIndex,
		Call:  func(c *exec.Call) error { return c.AbortHere(eAborted) },
	})
	reg.MustRegister(testPkg, "counter", "answer", exec.Function{
		Params:  []exec.Param{{Kind: exec.Pure, Type: sui.TypeTagU64}},
		Returns: []sui.TypeTag{sui.TypeTagU64},
		Call: func(c *exec.Call) error {
			n, err := c.U64(0)
			if err != nil {
				return err
			}
			return c.Return(sui.TypeTagU64, u64(n+1))
		},
	})
	reg.MustRegister(testPkg, "counter", "emit", exec.Function{
		Params: []exec.Param{{Kind: exec.Pure, Type: sui.TypeTagU64}},
		Call: func(c *exec.Call) error {
			n, err := c.U64(0)
			if err != nil {
				return err
			}
			return c.Emit(*emittedTag.Struct, u64(n))
		},
	})
	reg.MustRegister(testPkg, "counter", "generic", exec.Function{
		TypeParams: 1,
		Params:     []exec.Param{{Kind: exec.Ref, Type: sui.VectorOf(exec.TypeParam(0))}},
		Call:       func(c *exec.Call) error { return nil },
	})
	// The signature the Walrus TS client looks up (the body does not matter here).
	reg.MustRegister(walPkg, "staking", "stake_with_pool", exec.Function{
		Params: []exec.Param{
			{Kind: exec.MutRef, Type: stakingTag},
			{Kind: exec.Value, Type: sui.CoinType(walTag)},
			{Kind: exec.Pure, Type: objectIDTag},
		},
		Returns: []sui.TypeTag{stakedWalTag},
		Call:    func(c *exec.Call) error { return c.AbortHere(1) },
	})
}

func newExecEnv(t *testing.T) *execEnv {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	t.Cleanup(cancel)
	e := &execEnv{t: t, ctx: ctx, store: exec.NewMemStore(), alice: keypair(t, 1), bob: keypair(t, 2)}
	reg := exec.NewRegistry()
	registerTestFunctions(reg)
	var g exec.Genesis
	e.aliceGas = g.GasCoin(addrOf(e.alice), startSUI)
	e.aliceCoin = g.GasCoin(addrOf(e.alice), 5_000)
	g.GasCoin(addrOf(e.bob), startSUI)
	g.Clock(genesisMsec)
	if err := e.store.Insert(g.Objects...); err != nil {
		t.Fatal(err)
	}
	e.ledger = execrpc.NewExecLedger(e.store, execrpc.LedgerConfig{GenesisTime: time.UnixMilli(genesisMsec)})
	ex := exec.New(e.ledger.Store(), reg, exec.Config{ReferenceGasPrice: gasPrice})
	srv, err := rpc.New(e.ledger, rpc.Config{}, nil,
		rpc.WithExecutor(execrpc.NewExecutor(ex, e.store)),
		rpc.WithFunctionCatalog(execrpc.NewFunctionCatalog(reg, execrpc.CatalogOptions{TxContext: true})))
	if err != nil {
		t.Fatal(err)
	}
	addr, stop, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	e.client = grpcconn.NewSuiGrpcClient(addr)
	t.Cleanup(func() {
		_ = e.client.Close()
		if err := stop(); err != nil {
			t.Errorf("stop: %v", err)
		}
	})
	return e
}

func (e *execEnv) ref(id walrus.ID) sui.ObjectRef {
	e.t.Helper()
	_, r, err := e.store.Object(e.ctx, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return r
}

// tx builds a transaction of k paying with gasCoin.
func (e *execEnv) tx(k *keys.Keypair, gasCoin walrus.ID, build func(b *sui.ProgrammableBuilder)) []byte {
	e.t.Helper()
	b := sui.NewProgrammableBuilder()
	build(b)
	pt, err := b.Finish()
	if err != nil {
		e.t.Fatal(err)
	}
	td := sui.NewTransactionData(addrOf(k), pt, sui.GasData{Payment: []sui.ObjectRef{e.ref(gasCoin)}, Owner: addrOf(k), Price: gasPrice, Budget: gasBudget})
	return td.Bytes()
}

func (e *execEnv) execClient() v2.TransactionExecutionServiceClient {
	c, err := e.client.TransactionExecutionService(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

func (e *execEnv) ledgerClient() v2.LedgerServiceClient {
	c, err := e.client.LedgerService(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

func (e *execEnv) execute(txb []byte, sigs [][]byte, paths ...string) (*v2.ExecuteTransactionResponse, error) {
	req := &v2.ExecuteTransactionRequest{Transaction: &v2.Transaction{Bcs: &v2.Bcs{Value: txb}}}
	for _, s := range sigs {
		req.Signatures = append(req.Signatures, &v2.UserSignature{Bcs: &v2.Bcs{Value: s}})
	}
	if paths != nil {
		req.ReadMask = &fieldmaskpb.FieldMask{Paths: paths}
	}
	return e.execClient().ExecuteTransaction(e.ctx, req)
}

// pollTransaction calls GetTransaction until the transaction is found, as clients do.
func (e *execEnv) pollTransaction(digest string, paths ...string) *v2.ExecutedTransaction {
	e.t.Helper()
	lc := e.ledgerClient()
	for {
		resp, err := lc.GetTransaction(e.ctx, &v2.GetTransactionRequest{Digest: proto.String(digest), ReadMask: &fieldmaskpb.FieldMask{Paths: paths}})
		if err == nil {
			return resp.GetTransaction()
		}
		if status.Code(err) != codes.NotFound {
			e.t.Fatalf("GetTransaction: %v", err)
		}
		select {
		case <-e.ctx.Done():
			e.t.Fatalf("transaction %s never found", digest)
		case <-time.After(10 * time.Millisecond):
		}
	}
}

func wantStatus(t *testing.T, err error, code codes.Code, substrs ...string) *status.Status {
	t.Helper()
	st, ok := status.FromError(err)
	if !ok || st.Code() != code {
		t.Fatalf("error %v, want code %v", err, code)
	}
	for _, s := range substrs {
		if !strings.Contains(st.Message(), s) {
			t.Errorf("message %q does not contain %q", st.Message(), s)
		}
	}
	return st
}

func TestExecuteTransferAndReadBack(t *testing.T) {
	e := newExecEnv(t)
	bob := addrOf(e.bob)
	txb := e.tx(e.alice, e.aliceGas, func(b *sui.ProgrammableBuilder) {
		coins := b.SplitCoins(b.Gas(), b.Pure(uint64(1234)))
		b.TransferObjects(coins, b.Pure(bob))
	})
	digest := sui.TransactionDigest(txb).String()

	resp, err := e.execute(txb, [][]byte{e.alice.SignTransaction(txb)},
		"transaction.digest", "transaction.effects.bcs", "transaction.effects.status", "transaction.effects.changed_objects",
		"transaction.effects.gas_object", "transaction.events", "transaction.balance_changes", "transaction.transaction.bcs",
		"transaction.signatures.bcs")
	if err != nil {
		t.Fatalf("ExecuteTransaction: %v", err)
	}
	et := resp.GetTransaction()
	if et.GetDigest() != digest {
		t.Errorf("digest %q, want %q", et.GetDigest(), digest)
	}
	if !bytes.Equal(et.GetTransaction().GetBcs().GetValue(), txb) || et.GetTransaction().Digest != nil {
		t.Errorf("transaction %v", et.GetTransaction())
	}
	if len(et.GetSignatures()) != 1 || !bytes.Equal(et.GetSignatures()[0].GetBcs().GetValue(), e.alice.SignTransaction(txb)) {
		t.Errorf("signatures %v", et.GetSignatures())
	}
	eff := et.GetEffects()
	if !eff.GetStatus().GetSuccess() || eff.GetStatus().Error != nil {
		t.Fatalf("status %v", eff.GetStatus())
	}
	if eff.Epoch != nil || eff.Digest != nil {
		t.Errorf("unrequested effects fields: %v", eff)
	}
	decoded, err := sui.DecodeEffects(eff.GetBcs().GetValue())
	if err != nil || decoded.TransactionDigest().String() != digest || eff.GetBcs().GetName() != "TransactionEffects" {
		t.Fatalf("effects bcs: %v", err)
	}
	if et.Events != nil {
		t.Errorf("a transfer has no events, got %v", et.Events)
	}
	var created []*v2.ChangedObject
	for _, c := range eff.GetChangedObjects() {
		if c.GetIdOperation() == v2.ChangedObject_CREATED {
			created = append(created, c)
		}
	}
	if len(created) != 1 {
		t.Fatalf("%d created objects in %v", len(created), eff.GetChangedObjects())
	}
	c := created[0]
	wantCoinType := sui.CoinType(sui.SUIType).String()
	if c.GetInputState() != v2.ChangedObject_INPUT_OBJECT_STATE_DOES_NOT_EXIST || c.GetOutputState() != v2.ChangedObject_OUTPUT_OBJECT_STATE_OBJECT_WRITE ||
		c.GetOutputOwner().GetAddress() != bob.String() || c.GetOutputOwner().GetKind() != v2.Owner_ADDRESS || c.GetObjectType() != wantCoinType ||
		c.GetOutputVersion() != decoded.V2.LamportVersion {
		t.Errorf("created object %v", c)
	}
	if g := eff.GetGasObject(); g.GetObjectId() != e.aliceGas.String() || g.GetInputVersion() != 1 || g.GetIdOperation() != v2.ChangedObject_NONE {
		t.Errorf("gas object %v", g)
	}
	changes := map[string]string{}
	for _, b := range et.GetBalanceChanges() {
		if b.GetCoinType() != sui.SUIType.String() {
			t.Errorf("balance change coin type %q", b.GetCoinType())
		}
		changes[b.GetAddress()] = b.GetAmount()
	}
	gas := decoded.GasUsed()
	wantAlice := fmt.Sprintf("-%d", 1234+gas.ComputationCost+gas.StorageCost-gas.StorageRebate)
	if changes[bob.String()] != "1234" || changes[addrOf(e.alice).String()] != wantAlice || len(changes) != 2 {
		t.Errorf("balance changes %v, want bob 1234 and alice %s", changes, wantAlice)
	}

	// GetTransaction, polling until found as clients do, with the same shape.
	got := e.pollTransaction(digest, "digest", "effects.status", "effects.changed_objects", "effects.bcs", "checkpoint", "timestamp",
		"transaction.sender", "transaction.gas_payment", "transaction.kind", "balance_changes", "objects.objects.object_id", "signatures")
	if got.GetDigest() != digest || !got.GetEffects().GetStatus().GetSuccess() || got.GetCheckpoint() != 1 ||
		!bytes.Equal(got.GetEffects().GetBcs().GetValue(), eff.GetBcs().GetValue()) {
		t.Errorf("GetTransaction: %v", got)
	}
	if got.GetTimestamp() == nil || got.GetTransaction().GetSender() != addrOf(e.alice).String() || got.GetTransaction().Bcs != nil {
		t.Errorf("GetTransaction transaction %v, timestamp %v", got.GetTransaction(), got.GetTimestamp())
	}
	if gp := got.GetTransaction().GetGasPayment(); gp.GetBudget() != gasBudget || gp.GetPrice() != gasPrice || len(gp.GetObjects()) != 1 || gp.GetObjects()[0].GetObjectId() != e.aliceGas.String() {
		t.Errorf("gas payment %v", gp)
	}
	pt := got.GetTransaction().GetKind().GetProgrammableTransaction()
	if len(pt.GetInputs()) != 2 || pt.GetInputs()[0].GetKind() != v2.Input_PURE || len(pt.GetCommands()) != 2 ||
		pt.GetCommands()[0].GetSplitCoins().GetCoin().GetKind() != v2.Argument_GAS ||
		pt.GetCommands()[1].GetTransferObjects().GetObjects()[0].GetSubresult() != 0 {
		t.Errorf("programmable transaction %v", pt)
	}
	if len(got.GetBalanceChanges()) != 2 || len(got.GetSignatures()) != 1 {
		t.Errorf("balance changes %v, signatures %v", got.GetBalanceChanges(), got.GetSignatures())
	}
	// Objects: the gas coin before and after, and the new coin.
	if objs := got.GetObjects().GetObjects(); len(objs) != 3 || objs[0].Version != nil {
		t.Errorf("objects %v", objs)
	}
	if len(got.GetEffects().GetChangedObjects()) != len(eff.GetChangedObjects()) {
		t.Errorf("changed objects differ between Execute and GetTransaction")
	}

	// The created coin, via BatchGetObjects.
	bg, err := e.ledgerClient().BatchGetObjects(e.ctx, &v2.BatchGetObjectsRequest{
		Requests: []*v2.GetObjectRequest{{ObjectId: c.ObjectId}, {ObjectId: proto.String(e.aliceGas.String())}},
		ReadMask: &fieldmaskpb.FieldMask{Paths: []string{"object_id", "version", "owner", "object_type", "balance", "previous_transaction"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	coin := bg.GetObjects()[0].GetObject()
	if coin.GetOwner().GetAddress() != bob.String() || coin.GetBalance() != 1234 || coin.GetObjectType() != wantCoinType || coin.GetPreviousTransaction() != digest {
		t.Errorf("created coin %v", coin)
	}
	if g := bg.GetObjects()[1].GetObject(); g.GetVersion() != decoded.V2.LamportVersion || g.GetBalance() != startSUI-1234-uint64(gas.NetCost()) {
		t.Errorf("gas coin after %v", g)
	}

	// The transaction's checkpoint.
	cp, err := e.ledgerClient().GetCheckpoint(e.ctx, &v2.GetCheckpointRequest{
		CheckpointId: &v2.GetCheckpointRequest_SequenceNumber{SequenceNumber: 1},
		ReadMask:     &fieldmaskpb.FieldMask{Paths: []string{"digest", "summary.bcs", "contents.transactions", "transactions.digest", "transactions.checkpoint"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	summary, err := sui.DecodeCheckpointSummary(cp.GetCheckpoint().GetSummary().GetBcs().GetValue())
	if err != nil || summary.Digest().String() != cp.GetCheckpoint().GetDigest() || summary.NetworkTotalTransactions != 1 {
		t.Errorf("checkpoint summary %+v: %v", summary, err)
	}
	if txs := cp.GetCheckpoint().GetTransactions(); len(txs) != 1 || txs[0].GetDigest() != digest || txs[0].GetCheckpoint() != 1 {
		t.Errorf("checkpoint transactions %v", txs)
	}
	if info := cp.GetCheckpoint().GetContents().GetTransactions(); len(info) != 1 || info[0].GetEffects() != decoded.Digest().String() {
		t.Errorf("checkpoint contents %v", info)
	}

	// Executing the same transaction again returns its committed results.
	again, err := e.execute(txb, [][]byte{e.alice.SignTransaction(txb)}, "transaction.digest", "transaction.effects.bcs", "transaction.checkpoint")
	if err != nil {
		t.Fatalf("executing again: %v", err)
	}
	if again.GetTransaction().GetDigest() != digest || !bytes.Equal(again.GetTransaction().GetEffects().GetBcs().GetValue(), eff.GetBcs().GetValue()) ||
		again.GetTransaction().GetCheckpoint() != 1 {
		t.Errorf("executed again: %v", again)
	}
}

func TestExecuteMoveAbortIsASuccessfulCall(t *testing.T) {
	e := newExecEnv(t)
	txb := e.tx(e.alice, e.aliceGas, func(b *sui.ProgrammableBuilder) {
		b.MoveCall(testPkg, "counter", "fail", nil)
	})
	// The Go SDK v1.2.1's ExecutedTransaction-rooted mask is accepted too.
	resp, err := e.execute(txb, [][]byte{e.alice.SignTransaction(txb)}, "digest", "effects.status", "effects.gas_used", "checkpoint")
	if err != nil {
		t.Fatalf("a Move abort must be a successful call: %v", err)
	}
	checkAbort(t, resp.GetTransaction().GetEffects().GetStatus())
	if resp.GetTransaction().GetDigest() != sui.TransactionDigest(txb).String() || resp.GetTransaction().GetEffects().GetGasUsed().GetComputationCost() == 0 {
		t.Errorf("response %v", resp)
	}

	got := e.pollTransaction(sui.TransactionDigest(txb).String(), "effects.status")
	checkAbort(t, got.GetEffects().GetStatus())
}

func checkAbort(t *testing.T, st *v2.ExecutionStatus) {
	t.Helper()
	if st.GetSuccess() || st.Success == nil {
		t.Fatalf("status %v, want a failure", st)
	}
	e := st.GetError()
	abort := e.GetAbort()
	loc := abort.GetLocation()
	if e.GetKind() != v2.ExecutionError_MOVE_ABORT || abort.GetAbortCode() != eAborted || e.GetCommand() != 0 || e.Command == nil {
		t.Errorf("error %v", e)
	}
	if loc.GetPackage() != testPkg.String() || loc.GetModule() != "counter" || loc.GetFunctionName() != "fail" || loc.GetFunction() != failIndex {
		t.Errorf("location %v", loc)
	}
	if d := e.GetDescription(); !strings.HasPrefix(d, "MoveAbort(") || !strings.HasSuffix(d, ", 7) in command 0") {
		t.Errorf("description %q", d)
	}
}

func TestExecuteInvalid(t *testing.T) {
	e := newExecEnv(t)
	txb := e.tx(e.alice, e.aliceGas, func(b *sui.ProgrammableBuilder) {
		b.TransferObjects([]sui.Argument{b.Gas()}, b.Pure(addrOf(e.bob)))
	})
	sig := e.alice.SignTransaction(txb)

	// Signed by someone else.
	_, err := e.execute(txb, [][]byte{e.bob.SignTransaction(txb)})
	wantStatus(t, err, codes.InvalidArgument, "Invalid user signature: Required Signature from "+addrOf(e.alice).String()+" is absent")
	// A corrupted signature.
	bad := bytes.Clone(sig)
	bad[5] ^= 0xff
	_, err = e.execute(txb, [][]byte{bad})
	wantStatus(t, err, codes.InvalidArgument, "Invalid user signature: Signature is not valid")
	// None, or two.
	_, err = e.execute(txb, nil)
	wantStatus(t, err, codes.InvalidArgument, "Invalid user signature: Expect 1 signer signatures but got 0")
	_, err = e.execute(txb, [][]byte{sig, sig})
	wantStatus(t, err, codes.InvalidArgument, "Expect 1 signer signatures but got 2")
	// Garbage transaction and signature bytes.
	_, err = e.execute([]byte("definitely not a transaction"), [][]byte{sig})
	wantStatus(t, err, codes.InvalidArgument, "invalid transaction")
	_, err = e.execute(txb, [][]byte{[]byte("garbage")})
	wantStatus(t, err, codes.InvalidArgument, "Invalid user signature")
	// A missing transaction, missing bytes, a structured transaction, a wrong digest.
	_, err = e.execClient().ExecuteTransaction(e.ctx, &v2.ExecuteTransactionRequest{})
	wantStatus(t, err, codes.InvalidArgument, "transaction: missing transaction")
	_, err = e.execClient().ExecuteTransaction(e.ctx, &v2.ExecuteTransactionRequest{Transaction: &v2.Transaction{}})
	wantStatus(t, err, codes.InvalidArgument, "transaction.bcs")
	_, err = e.execClient().ExecuteTransaction(e.ctx, &v2.ExecuteTransactionRequest{Transaction: &v2.Transaction{Sender: proto.String(addrOf(e.alice).String())}})
	wantStatus(t, err, codes.Unimplemented, "structured transactions")
	_, err = e.execClient().ExecuteTransaction(e.ctx, &v2.ExecuteTransactionRequest{
		Transaction: &v2.Transaction{Bcs: &v2.Bcs{Value: txb}, Digest: proto.String(sui.TransactionDigest([]byte("x")).String())},
		Signatures:  []*v2.UserSignature{{Bcs: &v2.Bcs{Value: sig}}},
	})
	wantStatus(t, err, codes.InvalidArgument, "transaction.digest")
	// An unknown read-mask path.
	_, err = e.execute(txb, [][]byte{sig}, "transaction.nope")
	wantStatus(t, err, codes.InvalidArgument, "read_mask")

	// None of that executed anything; the structured simple signature form works.
	resp, err := e.execClient().ExecuteTransaction(e.ctx, &v2.ExecuteTransactionRequest{
		Transaction: &v2.Transaction{Bcs: &v2.Bcs{Value: txb}},
		Signatures: []*v2.UserSignature{{Signature: &v2.UserSignature_Simple{Simple: &v2.SimpleSignature{
			Scheme: v2.SignatureScheme_ED25519.Enum(), Signature: sig[1:65], PublicKey: sig[65:],
		}}}},
		ReadMask: &fieldmaskpb.FieldMask{Paths: []string{"transaction.effects.status"}},
	})
	if err != nil || !resp.GetTransaction().GetEffects().GetStatus().GetSuccess() {
		t.Fatalf("simple signature: %v, %v", resp, err)
	}
	// Now the gas coin's version is stale: the validators' rejection.
	td2 := sui.NewTransactionData(addrOf(e.alice), mustDecode(t, txb).V1.Kind.Programmable,
		sui.GasData{Payment: []sui.ObjectRef{mustDecode(t, txb).V1.GasData.Payment[0]}, Owner: addrOf(e.alice), Price: gasPrice, Budget: gasBudget + 1})
	txb2 := td2.Bytes()
	_, err = e.execute(txb2, [][]byte{e.alice.SignTransaction(txb2)})
	wantStatus(t, err, codes.InvalidArgument, "Transaction is rejected as invalid by more than 1/3 of validators")
}

func mustDecode(t *testing.T, b []byte) *sui.TransactionData {
	td, err := sui.DecodeTransaction(b)
	if err != nil {
		t.Fatal(err)
	}
	return td
}

func TestGetTransactionErrors(t *testing.T) {
	e := newExecEnv(t)
	lc := e.ledgerClient()
	unknown := sui.TransactionDigest([]byte("never executed")).String()
	_, err := lc.GetTransaction(e.ctx, &v2.GetTransactionRequest{Digest: proto.String(unknown)})
	wantStatus(t, err, codes.NotFound, "Transaction "+unknown+" not found")
	_, err = lc.GetTransaction(e.ctx, &v2.GetTransactionRequest{Digest: proto.String("not-base58!")})
	wantStatus(t, err, codes.InvalidArgument, "digest")
	_, err = lc.GetTransaction(e.ctx, &v2.GetTransactionRequest{})
	wantStatus(t, err, codes.InvalidArgument, "digest: missing digest")
	_, err = lc.GetTransaction(e.ctx, &v2.GetTransactionRequest{Digest: proto.String(unknown), ReadMask: &fieldmaskpb.FieldMask{Paths: []string{"effects.nope"}}})
	wantStatus(t, err, codes.InvalidArgument, "read_mask")

	// Batch: per-digest NotFound, default mask.
	txb := e.tx(e.alice, e.aliceGas, func(b *sui.ProgrammableBuilder) {
		b.TransferObjects([]sui.Argument{b.Gas()}, b.Pure(addrOf(e.bob)))
	})
	if _, err := e.execute(txb, [][]byte{e.alice.SignTransaction(txb)}); err != nil {
		t.Fatal(err)
	}
	digest := sui.TransactionDigest(txb).String()
	resp, err := lc.BatchGetTransactions(e.ctx, &v2.BatchGetTransactionsRequest{Digests: []string{digest, unknown}})
	if err != nil {
		t.Fatal(err)
	}
	r := resp.GetTransactions()
	if len(r) != 2 || !proto.Equal(r[0].GetTransaction(), &v2.ExecutedTransaction{Digest: proto.String(digest)}) || r[1].GetError().GetCode() != int32(codes.NotFound) {
		t.Errorf("batch %v", r)
	}
	_, err = lc.BatchGetTransactions(e.ctx, &v2.BatchGetTransactionsRequest{Digests: []string{digest, "bad"}})
	wantStatus(t, err, codes.InvalidArgument, "digests[1]")
}

func TestSimulateTransaction(t *testing.T) {
	e := newExecEnv(t)
	before := e.ref(e.aliceGas)
	txb := e.tx(e.alice, e.aliceGas, func(b *sui.ProgrammableBuilder) {
		b.MoveCall(testPkg, "counter", "answer", nil, b.Pure(uint64(41)))
	})
	ec := e.execClient()
	resp, err := ec.SimulateTransaction(e.ctx, &v2.SimulateTransactionRequest{
		Transaction: &v2.Transaction{Bcs: &v2.Bcs{Value: txb}},
		ReadMask:    &fieldmaskpb.FieldMask{Paths: []string{"transaction.effects.status", "transaction.effects.gas_used", "transaction.transaction.bcs", "command_outputs"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !resp.GetTransaction().GetEffects().GetStatus().GetSuccess() || resp.GetTransaction().GetEffects().GetGasUsed().GetComputationCost() == 0 {
		t.Errorf("effects %v", resp.GetTransaction().GetEffects())
	}
	if !bytes.Equal(resp.GetTransaction().GetTransaction().GetBcs().GetValue(), txb) {
		t.Errorf("transaction %v", resp.GetTransaction().GetTransaction())
	}
	outs := resp.GetCommandOutputs()
	if len(outs) != 1 || len(outs[0].GetReturnValues()) != 1 || !bytes.Equal(outs[0].GetReturnValues()[0].GetValue().GetValue(), u64(42)) ||
		outs[0].GetReturnValues()[0].GetValue().GetName() != "u64" {
		t.Errorf("command outputs %v", outs)
	}
	if after := e.ref(e.aliceGas); after != before {
		t.Errorf("simulation changed the gas coin: %v → %v", before, after)
	}
	_, err = e.ledgerClient().GetTransaction(e.ctx, &v2.GetTransactionRequest{Digest: proto.String(sui.TransactionDigest(txb).String())})
	wantStatus(t, err, codes.NotFound)

	// A simulated abort is a successful call too.
	fail := e.tx(e.alice, e.aliceGas, func(b *sui.ProgrammableBuilder) { b.MoveCall(testPkg, "counter", "fail", nil) })
	resp, err = ec.SimulateTransaction(e.ctx, &v2.SimulateTransactionRequest{Transaction: &v2.Transaction{Bcs: &v2.Bcs{Value: fail}}})
	if err != nil {
		t.Fatal(err)
	}
	checkAbort(t, resp.GetTransaction().GetEffects().GetStatus())

	// Structured input and dev-inspect are not supported; bad bytes are InvalidArgument.
	_, err = ec.SimulateTransaction(e.ctx, &v2.SimulateTransactionRequest{Transaction: &v2.Transaction{
		Kind: &v2.TransactionKind{Kind: v2.TransactionKind_PROGRAMMABLE_TRANSACTION.Enum()}, Sender: proto.String(addrOf(e.alice).String()),
	}, DoGasSelection: proto.Bool(true)})
	wantStatus(t, err, codes.Unimplemented, "structured transactions")
	_, err = ec.SimulateTransaction(e.ctx, &v2.SimulateTransactionRequest{Transaction: &v2.Transaction{Bcs: &v2.Bcs{Value: txb}}, Checks: v2.SimulateTransactionRequest_DISABLED.Enum()})
	wantStatus(t, err, codes.Unimplemented, "DISABLED")
	_, err = ec.SimulateTransaction(e.ctx, &v2.SimulateTransactionRequest{Transaction: &v2.Transaction{Bcs: &v2.Bcs{Value: []byte{1, 2, 3}}}})
	wantStatus(t, err, codes.InvalidArgument, "invalid transaction")
}

func TestGetFunction(t *testing.T) {
	e := newExecEnv(t)
	pc, err := e.client.MovePackageService(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := pc.GetFunction(e.ctx, &v2.GetFunctionRequest{PackageId: proto.String("0x3a1"), ModuleName: proto.String("staking"), Name: proto.String("stake_with_pool")})
	if err != nil {
		t.Fatal(err)
	}
	f := resp.GetFunction()
	if f.GetName() != "stake_with_pool" || f.GetVisibility() != v2.FunctionDescriptor_PUBLIC || len(f.GetParameters()) != 4 || len(f.GetReturns()) != 1 {
		t.Fatalf("function %v", f)
	}
	ps := f.GetParameters()
	if ps[0].GetReference() != v2.OpenSignature_MUTABLE || ps[0].GetBody().GetTypeName() != walPkg.String()+"::staking::Staking" {
		t.Errorf("parameter 0 %v", ps[0])
	}
	// What the Walrus TS client reads the WAL type from.
	coin := ps[1]
	want := &v2.OpenSignature{Body: &v2.OpenSignatureBody{
		Type:     v2.OpenSignatureBody_DATATYPE.Enum(),
		TypeName: proto.String("0x0000000000000000000000000000000000000000000000000000000000000002::coin::Coin"),
		TypeParameterInstantiation: []*v2.OpenSignatureBody{{
			Type: v2.OpenSignatureBody_DATATYPE.Enum(), TypeName: proto.String(walPkg.String() + "::wal::WAL"),
		}},
	}}
	if !proto.Equal(coin, want) {
		t.Errorf("parameter 1\n got %v\nwant %v", coin, want)
	}
	if ps[2].Reference != nil || ps[2].GetBody().GetTypeName() != "0x0000000000000000000000000000000000000000000000000000000000000002::object::ID" {
		t.Errorf("parameter 2 %v", ps[2])
	}
	if ps[3].GetReference() != v2.OpenSignature_MUTABLE || ps[3].GetBody().GetTypeName() != "0x0000000000000000000000000000000000000000000000000000000000000002::tx_context::TxContext" {
		t.Errorf("parameter 3 %v", ps[3])
	}

	// Type parameters and vectors.
	resp, err = pc.GetFunction(e.ctx, &v2.GetFunctionRequest{PackageId: proto.String(testPkg.String()), ModuleName: proto.String("counter"), Name: proto.String("generic")})
	if err != nil {
		t.Fatal(err)
	}
	g := resp.GetFunction()
	body := g.GetParameters()[0].GetBody()
	if len(g.GetTypeParameters()) != 1 || g.GetParameters()[0].GetReference() != v2.OpenSignature_IMMUTABLE || body.GetType() != v2.OpenSignatureBody_VECTOR ||
		body.GetTypeParameterInstantiation()[0].GetType() != v2.OpenSignatureBody_TYPE_PARAMETER || body.GetTypeParameterInstantiation()[0].TypeParameter == nil {
		t.Errorf("generic %v", g)
	}

	for _, req := range []*v2.GetFunctionRequest{
		{PackageId: proto.String(walPkg.String()), ModuleName: proto.String("staking"), Name: proto.String("nope")},
		{PackageId: proto.String(walPkg.String()), ModuleName: proto.String("nope"), Name: proto.String("stake_with_pool")},
		{PackageId: proto.String("0x1234"), ModuleName: proto.String("staking"), Name: proto.String("stake_with_pool")},
	} {
		_, err = pc.GetFunction(e.ctx, req)
		wantStatus(t, err, codes.NotFound, "not found")
	}
	_, err = pc.GetFunction(e.ctx, &v2.GetFunctionRequest{PackageId: proto.String(walPkg.String()), Name: proto.String("stake_with_pool")})
	wantStatus(t, err, codes.InvalidArgument, "module_name")
	_, err = pc.GetFunction(e.ctx, &v2.GetFunctionRequest{ModuleName: proto.String("staking"), Name: proto.String("stake_with_pool")})
	wantStatus(t, err, codes.InvalidArgument, "package_id")
	_, err = pc.GetFunction(e.ctx, &v2.GetFunctionRequest{PackageId: proto.String("0xzz"), ModuleName: proto.String("staking"), Name: proto.String("x")})
	wantStatus(t, err, codes.InvalidArgument, "package_id")
}

// TestCheckpointsFollowExecution checks that the sequencer wakes checkpoint
// subscribers and that the service info follows.
func TestCheckpointsFollowExecution(t *testing.T) {
	e := newExecEnv(t)
	sc, err := e.client.SubscriptionService(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	stream, err := sc.SubscribeCheckpoints(e.ctx, &v2.SubscribeCheckpointsRequest{ReadMask: &fieldmaskpb.FieldMask{Paths: []string{"sequence_number", "transactions.digest"}}})
	if err != nil {
		t.Fatal(err)
	}
	// The subscription streams the checkpoints after the height its header gives: wait
	// for it, so that checkpoint 1 comes after (the call returns before the server has
	// read the height).
	if _, err := stream.Header(); err != nil {
		t.Fatal(err)
	}
	txb := e.tx(e.alice, e.aliceCoin, func(b *sui.ProgrammableBuilder) { b.MoveCall(testPkg, "counter", "fail", nil) })
	// aliceCoin holds 5000 MIST, less than the budget: rejected, no checkpoint.
	_, err = e.execute(txb, [][]byte{e.alice.SignTransaction(txb)})
	wantStatus(t, err, codes.InvalidArgument, "lower than the needed amount")
	txb = e.tx(e.alice, e.aliceGas, func(b *sui.ProgrammableBuilder) { b.MoveCall(testPkg, "counter", "fail", nil) })
	if _, err := e.execute(txb, [][]byte{e.alice.SignTransaction(txb)}); err != nil {
		t.Fatal(err)
	}
	for {
		r, err := stream.Recv()
		if err != nil {
			t.Fatal(err)
		}
		if r.GetCursor() == 1 {
			if txs := r.GetCheckpoint().GetTransactions(); len(txs) != 1 || txs[0].GetDigest() != sui.TransactionDigest(txb).String() {
				t.Errorf("checkpoint 1 transactions %v", txs)
			}
			break
		}
	}
	info, err := e.ledgerClient().GetServiceInfo(e.ctx, &v2.GetServiceInfoRequest{})
	if err != nil || info.GetCheckpointHeight() != 1 || info.GetChainId() != e.ledger.ChainID().String() {
		t.Errorf("service info %v, %v", info, err)
	}
}

// TestSDKClient uses the SDK's high-level client, whose read masks are rooted at
// ExecutedTransaction.
func TestSDKClient(t *testing.T) {
	e := newExecEnv(t)
	c, err := grpc_client.NewClient(grpc_client.ClientOptions{GrpcClient: e.client})
	if err != nil {
		t.Fatal(err)
	}
	bob := addrOf(e.bob)
	txb := e.tx(e.alice, e.aliceGas, func(b *sui.ProgrammableBuilder) {
		b.TransferObjects(b.SplitCoins(b.Gas(), b.Pure(uint64(77))), b.Pure(bob))
	})
	include := sdktypes.TransactionInclude{Effects: true, BalanceChanges: true, ObjectTypes: true, Transaction: true, Bcs: true, Events: true}
	res, err := c.ExecuteTransaction(e.ctx, sdktypes.ExecuteTransactionOptions{
		Transaction: txb,
		Signatures:  []string{keys.EncodeSignature(e.alice.SignTransaction(txb))},
		Include:     include,
	})
	if err != nil {
		t.Fatal(err)
	}
	tx := res.Transaction
	digest := sui.TransactionDigest(txb).String()
	if tx.Digest != digest || !tx.Status.Success || !bytes.Equal(tx.BCS, txb) || len(tx.Signatures) != 1 || len(tx.BalanceChanges) != 2 {
		t.Errorf("executed %+v", tx)
	}
	if tx.TransactionData == nil || tx.TransactionData.Sender != addrOf(e.alice).String() || tx.TransactionData.GasData == nil || tx.TransactionData.GasData.Budget != fmt.Sprint(gasBudget) {
		t.Errorf("transaction data %+v", tx.TransactionData)
	}
	if len(tx.ObjectTypes) != 2 {
		t.Errorf("object types %v", tx.ObjectTypes)
	}
	got, err := c.GetTransaction(e.ctx, sdktypes.GetTransactionOptions{Digest: digest, Include: include})
	if err != nil {
		t.Fatal(err)
	}
	if got.Transaction.Digest != digest || got.Transaction.Checkpoint != 1 || got.Transaction.Timestamp == 0 || len(got.Transaction.ObjectTypes) != 2 {
		t.Errorf("got %+v", got.Transaction)
	}
}

func TestExecuteEvents(t *testing.T) {
	e := newExecEnv(t)
	txb := e.tx(e.alice, e.aliceGas, func(b *sui.ProgrammableBuilder) {
		b.MoveCall(testPkg, "counter", "emit", nil, b.Pure(uint64(5)))
	})
	resp, err := e.execute(txb, [][]byte{e.alice.SignTransaction(txb)}, "transaction.events", "transaction.effects.events_digest", "transaction.effects.status")
	if err != nil {
		t.Fatal(err)
	}
	et := resp.GetTransaction()
	if !et.GetEffects().GetStatus().GetSuccess() {
		t.Fatalf("status %v", et.GetEffects().GetStatus())
	}
	evs := et.GetEvents()
	if len(evs.GetEvents()) != 1 || evs.GetDigest() == "" || evs.GetDigest() != et.GetEffects().GetEventsDigest() {
		t.Fatalf("events %v, effects events digest %q", evs, et.GetEffects().GetEventsDigest())
	}
	ev := evs.GetEvents()[0]
	if ev.GetEventType() != emittedTag.String() || !bytes.Equal(ev.GetContents().GetValue(), u64(5)) || ev.GetModule() != "counter" ||
		ev.GetPackageId() != testPkg.String() || ev.GetSender() != addrOf(e.alice).String() {
		t.Errorf("event %v", ev)
	}
	decoded, err := sui.DecodeEvents(evs.GetBcs().GetValue())
	if err != nil || len(decoded) != 1 || decoded.Digest().String() != evs.GetDigest() {
		t.Errorf("events bcs: %v", err)
	}
	got := e.pollTransaction(sui.TransactionDigest(txb).String(), "events.events.event_type", "effects.events_digest")
	if len(got.GetEvents().GetEvents()) != 1 || got.GetEffects().GetEventsDigest() != evs.GetDigest() {
		t.Errorf("GetTransaction events %v", got)
	}
}
