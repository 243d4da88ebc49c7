// Package execrpc adapts the devnet's executor (chain/devnet/exec) to the gRPC server
// (chain/devnet/rpc): an rpc.Executor over exec.Executor, an rpc.FunctionCatalog over
// exec.Registry, and a Ledger (rpc.Ledger, rpc.TransactionStore and
// rpc.CheckpointDigestIndex) over exec.MemStore with a trivial sequencer that puts every
// committed transaction in a checkpoint of its own.
//
// It is a separate package because exec imports rpc (its MemStore speaks rpc's types), so
// rpc cannot import exec.
//
// Wiring a devnet:
//
//	store := exec.NewMemStore()                      // plus genesis objects
//	ledger := execrpc.NewExecLedger(store, execrpc.LedgerConfig{})
//	ex := exec.New(ledger.Store(), reg, exec.Config{}) // commits go through the ledger
//	srv, _ := rpc.New(ledger, rpc.Config{}, log,
//		rpc.WithExecutor(execrpc.NewExecutor(ex, store)),
//		rpc.WithFunctionCatalog(execrpc.NewFunctionCatalog(reg, execrpc.CatalogOptions{})))
package execrpc

import (
	"context"
	"errors"
	"strconv"

	"github.com/tuskstore/tusk/chain/devnet/exec"
	"github.com/tuskstore/tusk/chain/devnet/rpc"
	"github.com/tuskstore/tusk/chain/sui"
	"github.com/tuskstore/tusk/chain/walrus"
)

// ObjectHistory gives objects at past versions; *exec.MemStore implements it.
type ObjectHistory interface {
	ObjectAt(ctx context.Context, id walrus.ID, version uint64) (*sui.Object, error)
}

// Executor is an rpc.Executor over an exec.Executor.
type Executor struct {
	ex      *exec.Executor
	history ObjectHistory
}

// NewExecutor adapts ex. history, which may be nil, supplies the input objects of a
// transaction executed again (the executor then returns its committed results without
// them), for balance changes and object types.
func NewExecutor(ex *exec.Executor, history ObjectHistory) *Executor {
	return &Executor{ex: ex, history: history}
}

var _ rpc.Executor = (*Executor)(nil)

// Execute executes and commits a signed transaction.
func (e *Executor) Execute(ctx context.Context, txBytes []byte, signatures [][]byte) (*rpc.ExecutionResult, error) {
	res, err := e.ex.Execute(ctx, txBytes, signatures)
	if err != nil {
		return nil, mapError(err)
	}
	return e.result(ctx, res)
}

// Simulate dry-runs a transaction.
func (e *Executor) Simulate(ctx context.Context, txBytes []byte) (*rpc.ExecutionResult, error) {
	res, err := e.ex.Simulate(ctx, txBytes)
	if err != nil {
		return nil, mapError(err)
	}
	return e.result(ctx, res)
}

// mapError marks the errors a full node answers with InvalidArgument.
func mapError(err error) error {
	if errors.Is(err, exec.ErrInvalidTransaction) || errors.Is(err, exec.ErrInvalidSignature) || errors.Is(err, exec.ErrRejected) {
		return rpc.InvalidTransaction(err)
	}
	return err
}

func (e *Executor) result(ctx context.Context, res *exec.Result) (*rpc.ExecutionResult, error) {
	inputs := res.Inputs
	if inputs == nil && e.history != nil {
		inputs = historicInputs(ctx, e.history, &res.Changes)
	}
	t, err := rpc.NewTransaction(rpc.TransactionParts{
		TransactionBCS: res.Transaction,
		Signatures:     res.Signatures,
		Effects:        &res.Effects,
		Events:         res.Events,
		Inputs:         inputs,
		Outputs:        res.Written,
	})
	if err != nil {
		return nil, err
	}
	out := &rpc.ExecutionResult{Transaction: t}
	for _, cmd := range res.CommandResults {
		var cr rpc.CommandResult
		for _, v := range cmd {
			cr.ReturnValues = append(cr.ReturnValues, rpc.MoveValue{Type: v.Type.String(), BCS: v.BCS})
		}
		out.CommandResults = append(out.CommandResults, cr)
	}
	return out, nil
}

// historicInputs reads, at the versions a committed transaction used them, its owned and
// immutable inputs, its gas coins, the objects its effects changed and the consensus
// objects it read. Objects the history no longer has are left out.
func historicInputs(ctx context.Context, h ObjectHistory, c *exec.Changes) []*sui.Object {
	type key struct {
		id      walrus.ID
		version uint64
	}
	var keys []key
	if v2 := c.Effects.V2; v2 != nil {
		for _, ch := range v2.ChangedObjects {
			if ch.InputState.Exists {
				keys = append(keys, key{ch.ID, ch.InputState.Version})
			}
		}
		for _, u := range v2.UnchangedConsensusObjects {
			if u.Kind == sui.UnchangedReadOnlyRoot {
				keys = append(keys, key{u.ID, u.Version})
			}
		}
	}
	if td, err := sui.DecodeTransaction(c.Transaction); err == nil {
		for _, r := range td.V1.GasData.Payment {
			keys = append(keys, key{r.ObjectID, r.Version})
		}
		if pt := td.Programmable(); pt != nil {
			for _, in := range pt.Inputs {
				if in.Kind == sui.CallArgObject && in.Object.Kind == sui.ImmOrOwnedObject {
					keys = append(keys, key{in.Object.Ref.ObjectID, in.Object.Ref.Version})
				}
			}
		}
	}
	seen := make(map[key]bool, len(keys))
	var out []*sui.Object
	for _, k := range keys {
		if seen[k] {
			continue
		}
		seen[k] = true
		if o, err := h.ObjectAt(ctx, k.id, k.version); err == nil {
			out = append(out, o)
		}
	}
	return out
}

// CatalogOptions tune NewFunctionCatalog.
type CatalogOptions struct {
	// TxContext, when set, appends a trailing &mut 0x2::tx_context::TxContext parameter
	// to every function, as most Move entry points have (the registry leaves it out).
	// Clients drop a trailing TxContext before matching arguments, so both forms work.
	TxContext bool
	// Adjust, when set, is called on each description before it is served: to set the
	// visibility, entry flag, type-parameter constraints or the TxContext parameter of
	// particular functions.
	Adjust func(name exec.FunctionName, f *rpc.MoveFunction)
}

// FunctionCatalog is an rpc.FunctionCatalog over an exec.Registry. The registry knows a
// function's parameters (by value, & or &mut, with Move types that may use type
// parameters), its number of type parameters and, when registered, its return types; it
// does not know visibility (served as public), entry (false) or type-parameter
// constraints (none).
type FunctionCatalog struct {
	reg  *exec.Registry
	opts CatalogOptions
}

// NewFunctionCatalog describes the functions registered in reg.
func NewFunctionCatalog(reg *exec.Registry, opts CatalogOptions) *FunctionCatalog {
	return &FunctionCatalog{reg: reg, opts: opts}
}

var _ rpc.FunctionCatalog = (*FunctionCatalog)(nil)

// TxContextType is 0x2::tx_context::TxContext.
var TxContextType = sui.StructOf(walrus.MustParseID("0x2"), "tx_context", "TxContext")

// Function describes a registered function; rpc.ErrNotFound when it is not registered.
func (c *FunctionCatalog) Function(ctx context.Context, pkg walrus.ID, module, name string) (rpc.MoveFunction, error) {
	if err := ctx.Err(); err != nil {
		return rpc.MoveFunction{}, err
	}
	f, ok := c.reg.Function(pkg, module, name)
	if !ok {
		return rpc.MoveFunction{}, rpc.ErrNotFound
	}
	out := rpc.MoveFunction{Name: name, Visibility: rpc.VisibilityPublic}
	for i := 0; i < f.TypeParams; i++ {
		out.TypeParameters = append(out.TypeParameters, []rpc.Ability{})
	}
	for _, p := range f.Params {
		ref := rpc.RefNone
		switch p.Kind {
		case exec.Ref:
			ref = rpc.RefImmutable
		case exec.MutRef:
			ref = rpc.RefMutable
		}
		out.Parameters = append(out.Parameters, rpc.OpenSignature{Reference: ref, Body: rpc.OpenTypeOf(p.Type, typeParam)})
	}
	if c.opts.TxContext {
		out.Parameters = append(out.Parameters, rpc.OpenSignature{Reference: rpc.RefMutable, Body: rpc.OpenTypeOf(TxContextType, nil)})
	}
	for _, r := range f.Returns {
		out.Returns = append(out.Returns, rpc.OpenSignature{Body: rpc.OpenTypeOf(r, typeParam)})
	}
	if c.opts.Adjust != nil {
		c.opts.Adjust(exec.FunctionName{Package: pkg, Module: module, Function: name}, &out)
	}
	return out, nil
}

// typeParam recognises exec.TypeParam placeholders: a struct tag with a zero address, no
// module and a decimal index as its name.
func typeParam(s *sui.StructTag) (uint32, bool) {
	if s.Address != (walrus.ID{}) || s.Module != "" || len(s.TypeParams) != 0 {
		return 0, false
	}
	i, err := strconv.ParseUint(s.Name, 10, 32)
	return uint32(i), err == nil
}
