package rpc

import (
	"context"
	"errors"
	"fmt"

	v2 "github.com/block-vision/sui-go-sdk/pb/sui/rpc/v2"
	"go.uber.org/zap"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	"github.com/tuskstore/tusk/chain/sui"
)

// Read masks of the transaction methods. GetTransaction's is rooted at
// ExecutedTransaction; ExecuteTransaction's and SimulateTransaction's at their responses
// (ExecuteTransaction also accepts ExecutedTransaction-rooted masks, see
// executeReadMask).
const (
	transactionMaskDefault = "digest"
	executeMaskDefault     = "transaction.effects.status,transaction.checkpoint"
	simulateMaskDefault    = "transaction.effects.status"
)

var (
	executedTransactionDesc = (&v2.ExecutedTransaction{}).ProtoReflect().Descriptor()
	executeResponseDesc     = (&v2.ExecuteTransactionResponse{}).ProtoReflect().Descriptor()
	simulateResponseDesc    = (&v2.SimulateTransactionResponse{}).ProtoReflect().Descriptor()
)

// GetTransaction returns an executed transaction by digest. A transaction that has not
// been executed (or is unknown) is NotFound, which clients poll on.
func (s *ledgerService) GetTransaction(ctx context.Context, req *v2.GetTransactionRequest) (*v2.GetTransactionResponse, error) {
	if s.txs == nil {
		return nil, status.Error(codes.Unimplemented, "GetTransaction is not supported by this ledger")
	}
	mask, err := parseReadMask(req.GetReadMask(), transactionMaskDefault, executedTransactionDesc)
	if err != nil {
		return nil, invalidField("read_mask", "%v", err)
	}
	d, err := parseDigest("digest", req.Digest)
	if err != nil {
		return nil, err
	}
	m, err := s.getTransaction(ctx, d, mask)
	if err != nil {
		return nil, err
	}
	return &v2.GetTransactionResponse{Transaction: m}, nil
}

// BatchGetTransactions validates every digest first (an invalid one fails the call with
// InvalidArgument naming digests[i]); unknown transactions get a per-digest
// google.rpc.Status with code NotFound.
func (s *ledgerService) BatchGetTransactions(ctx context.Context, req *v2.BatchGetTransactionsRequest) (*v2.BatchGetTransactionsResponse, error) {
	if s.txs == nil {
		return nil, status.Error(codes.Unimplemented, "BatchGetTransactions is not supported by this ledger")
	}
	mask, err := parseReadMask(req.GetReadMask(), transactionMaskDefault, executedTransactionDesc)
	if err != nil {
		return nil, invalidField("read_mask", "%v", err)
	}
	if n := len(req.GetDigests()); n > s.cfg.MaxBatchRequests {
		return nil, invalidField("digests", "%d digests exceed the limit of %d", n, s.cfg.MaxBatchRequests)
	}
	digests := make([]sui.Digest, len(req.GetDigests()))
	for i, v := range req.GetDigests() {
		if digests[i], err = parseDigest(fmt.Sprintf("digests[%d]", i), &v); err != nil {
			return nil, err
		}
	}
	resp := &v2.BatchGetTransactionsResponse{Transactions: make([]*v2.GetTransactionResult, len(digests))}
	for i, d := range digests {
		m, err := s.getTransaction(ctx, d, mask)
		if err == nil {
			resp.Transactions[i] = &v2.GetTransactionResult{Result: &v2.GetTransactionResult_Transaction{Transaction: m}}
			continue
		}
		st, ok := status.FromError(err)
		if !ok || st.Code() != codes.NotFound {
			return nil, err
		}
		resp.Transactions[i] = &v2.GetTransactionResult{Result: &v2.GetTransactionResult_Error{Error: st.Proto()}}
	}
	return resp, nil
}

func (s *Server) getTransaction(ctx context.Context, d sui.Digest, mask *readMask) (*v2.ExecutedTransaction, error) {
	t, err := s.txs.Transaction(ctx, d)
	if err != nil {
		return nil, s.ledgerError(ctx, "GetTransaction", err, fmt.Sprintf("Transaction %s not found", d))
	}
	m := renderExecutedTransaction(&t)
	mask.apply(m)
	return m, nil
}

// parseDigest parses a required base58 digest field.
func parseDigest(field string, v *string) (sui.Digest, error) {
	if v == nil {
		return sui.Digest{}, missingField(field)
	}
	d, err := sui.ParseDigest(*v)
	if err != nil {
		return sui.Digest{}, invalidField(field, "invalid %s %q: want base58 of 32 bytes", lastComponent(field), *v)
	}
	return d, nil
}

// executeReadMask parses ExecuteTransaction's read mask. Current Sui roots it at
// ExecuteTransactionResponse ("transaction.effects.bcs"); the v1.2.1 protos and the Go
// SDK's client root it at ExecutedTransaction ("effects.status"). A mask whose paths are
// all valid from the response is taken as response-rooted; otherwise, if they are all
// valid from ExecutedTransaction, each is moved under "transaction". Anything else is
// InvalidArgument naming the first path invalid from the response.
func executeReadMask(m *fieldmaskpb.FieldMask) (*readMask, error) {
	mask, err := parseReadMask(m, executeMaskDefault, executeResponseDesc)
	if err == nil {
		return mask, nil
	}
	if _, alt := parseReadMask(m, "", executedTransactionDesc); alt == nil {
		paths := make([]string, 0, len(m.GetPaths()))
		for _, p := range m.GetPaths() {
			switch p {
			case "":
			case "*":
				paths = append(paths, "transaction")
			default:
				paths = append(paths, "transaction."+p)
			}
		}
		if mask, alt = parseReadMask(&fieldmaskpb.FieldMask{Paths: paths}, "", executeResponseDesc); alt == nil {
			return mask, nil
		}
	}
	return nil, invalidField("read_mask", "%v", err)
}

// ExecuteTransaction executes a signed transaction given as BCS. A transaction that
// cannot run (bad bytes, bad signatures, rejected inputs or gas) is InvalidArgument with
// the executor's full-node message; a transaction that runs and fails (a Move abort, …)
// is a successful call whose effects report the failure.
func (s *executionService) ExecuteTransaction(ctx context.Context, req *v2.ExecuteTransactionRequest) (*v2.ExecuteTransactionResponse, error) {
	if s.executor == nil {
		return nil, status.Error(codes.Unimplemented, "ExecuteTransaction is not supported by this server")
	}
	mask, err := executeReadMask(req.GetReadMask())
	if err != nil {
		return nil, err
	}
	txBytes, err := transactionBCS("ExecuteTransaction", req.GetTransaction(), req.Transaction != nil)
	if err != nil {
		return nil, err
	}
	sigs := make([][]byte, len(req.GetSignatures()))
	for i, sig := range req.GetSignatures() {
		if sigs[i], err = signatureBytes(fmt.Sprintf("signatures[%d]", i), sig); err != nil {
			return nil, err
		}
	}
	res, err := s.executor.Execute(ctx, txBytes, sigs)
	if err != nil {
		return nil, s.executorError(ctx, "ExecuteTransaction", err)
	}
	t := res.Transaction
	if t.Checkpoint == nil && s.txs != nil && wantsCheckpoint(mask) {
		// A sequencer that has already put the transaction in a checkpoint knows it.
		if stored, err := s.txs.Transaction(ctx, t.Digest); err == nil && stored.Checkpoint != nil {
			t.Checkpoint, t.Timestamp = stored.Checkpoint, stored.Timestamp
		}
	}
	resp := &v2.ExecuteTransactionResponse{Transaction: renderExecutedTransaction(&t)}
	mask.apply(resp)
	return resp, nil
}

func wantsCheckpoint(mask *readMask) bool {
	if mask.all {
		return true
	}
	tx, ok := mask.children["transaction"]
	return ok && (tx.contains("checkpoint") || tx.contains("timestamp"))
}

// SimulateTransaction dry-runs a transaction given as BCS. Structured transactions
// (inputs and commands to resolve, with gas selection) are not supported yet:
// Unimplemented, with a message saying so.
func (s *executionService) SimulateTransaction(ctx context.Context, req *v2.SimulateTransactionRequest) (*v2.SimulateTransactionResponse, error) {
	if s.executor == nil {
		return nil, status.Error(codes.Unimplemented, "SimulateTransaction is not supported by this server")
	}
	mask, err := parseReadMask(req.GetReadMask(), simulateMaskDefault, simulateResponseDesc)
	if err != nil {
		return nil, invalidField("read_mask", "%v", err)
	}
	if req.GetChecks() == v2.SimulateTransactionRequest_DISABLED {
		return nil, status.Error(codes.Unimplemented, "SimulateTransaction: checks DISABLED (dev-inspect) is not supported by the devnet; simulate with checks ENABLED")
	}
	txBytes, err := transactionBCS("SimulateTransaction", req.GetTransaction(), req.Transaction != nil)
	if err != nil {
		return nil, err
	}
	if req.GetDoGasSelection() {
		// The BCS already names its gas; selection is only needed when it names none.
		if td, derr := sui.DecodeTransaction(txBytes); derr == nil && (len(td.V1.GasData.Payment) == 0 || td.V1.GasData.Budget == 0) {
			return nil, status.Error(codes.Unimplemented, "SimulateTransaction: do_gas_selection is not supported by the devnet; give the gas payment and budget in the transaction")
		}
	}
	res, err := s.executor.Simulate(ctx, txBytes)
	if err != nil {
		return nil, s.executorError(ctx, "SimulateTransaction", err)
	}
	t := res.Transaction
	t.Signatures, t.Checkpoint = nil, nil
	resp := &v2.SimulateTransactionResponse{Transaction: renderExecutedTransaction(&t)}
	for _, cr := range res.CommandResults {
		resp.CommandOutputs = append(resp.CommandOutputs, renderCommandResult(&cr))
	}
	mask.apply(resp)
	return resp, nil
}

// transactionBCS extracts transaction.bcs.value. present says whether the request has a
// transaction at all.
func transactionBCS(method string, tx *v2.Transaction, present bool) ([]byte, error) {
	if !present {
		return nil, missingField("transaction")
	}
	b := tx.GetBcs().GetValue()
	if len(b) == 0 {
		if tx.Kind != nil || tx.Sender != nil || tx.GasPayment != nil || tx.Expiration != nil {
			return nil, status.Errorf(codes.Unimplemented,
				"%s: structured transactions (kind, sender, gas_payment without bcs) are not supported by the devnet; send transaction.bcs with the BCS of TransactionData", method)
		}
		return nil, missingField("transaction.bcs")
	}
	if name := tx.GetBcs().GetName(); name != "" && name != "TransactionData" {
		return nil, invalidField("transaction.bcs.name", "unexpected bcs name %q: want TransactionData", name)
	}
	if d := tx.Digest; d != nil {
		want := sui.TransactionDigest(b)
		if got, err := sui.ParseDigest(*d); err != nil || got != want {
			return nil, invalidField("transaction.digest", "digest %q does not match the transaction's %s", *d, want)
		}
	}
	return b, nil
}

// signatureBytes is a user signature's serialized form: its bcs value, or a simple
// signature's flag ‖ signature ‖ public key.
func signatureBytes(field string, sig *v2.UserSignature) ([]byte, error) {
	if sig == nil {
		return nil, missingField(field)
	}
	if b := sig.GetBcs().GetValue(); len(b) > 0 {
		return b, nil
	}
	switch x := sig.GetSignature().(type) {
	case *v2.UserSignature_Simple:
		simple := x.Simple
		scheme := simple.GetScheme()
		if simple.Scheme == nil {
			scheme = sig.GetScheme()
		}
		sz, ok := simpleSchemes[byte(scheme)]
		if !ok || scheme < 0 || scheme > v2.SignatureScheme_SECP256R1 {
			return nil, invalidField(field+".simple.scheme", "unsupported simple signature scheme %v", scheme)
		}
		if len(simple.GetSignature()) != sz.sig || len(simple.GetPublicKey()) != sz.pk {
			return nil, invalidField(field+".simple", "a %v signature has %d signature bytes and %d public-key bytes, got %d and %d",
				scheme, sz.sig, sz.pk, len(simple.GetSignature()), len(simple.GetPublicKey()))
		}
		out := append([]byte{byte(scheme)}, simple.GetSignature()...)
		return append(out, simple.GetPublicKey()...), nil
	case nil:
		return nil, missingField(field + ".bcs")
	default:
		return nil, invalidField(field, "only bcs and simple signatures are supported; send the signature's bcs")
	}
}

// executorError maps an Executor error: ErrInvalidTransaction → InvalidArgument with the
// error's text, context errors → Canceled/DeadlineExceeded, anything else → Internal
// (logged).
func (s *Server) executorError(ctx context.Context, op string, err error) error {
	switch {
	case isInvalidTransaction(err):
		return status.Error(codes.InvalidArgument, err.Error())
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return status.FromContextError(err).Err()
	case ctx.Err() != nil:
		return status.FromContextError(ctx.Err()).Err()
	}
	s.log.Error("executor error", zap.String("op", op), zap.Error(err))
	return status.Errorf(codes.Internal, "%s: internal error", op)
}

func isInvalidTransaction(err error) bool { return errors.Is(err, ErrInvalidTransaction) }

func renderCommandResult(cr *CommandResult) *v2.CommandResult {
	m := &v2.CommandResult{}
	for _, v := range cr.ReturnValues {
		m.ReturnValues = append(m.ReturnValues, &v2.CommandOutput{Value: renderMoveValue(v)})
	}
	for _, mv := range cr.MutatedByRef {
		m.MutatedByRef = append(m.MutatedByRef, &v2.CommandOutput{Argument: renderRPCArgument(mv.Argument), Value: renderMoveValue(mv.Value)})
	}
	return m
}

func renderMoveValue(v MoveValue) *v2.Bcs {
	b := &v2.Bcs{Value: nonNil(v.BCS)}
	if v.Type != "" {
		b.Name = &v.Type
	}
	return b
}

func renderRPCArgument(a Argument) *v2.Argument {
	kind := v2.Argument_ArgumentKind(a.Kind)
	m := &v2.Argument{Kind: &kind}
	switch a.Kind {
	case ArgumentInput:
		i := uint32(a.Index)
		m.Input = &i
	case ArgumentResult:
		i := uint32(a.Index)
		m.Result = &i
		if a.Subresult != nil {
			j := uint32(*a.Subresult)
			m.Subresult = &j
		}
	}
	return m
}
