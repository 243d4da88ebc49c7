package chain

import (
	"context"
	"errors"
	"fmt"
	"sort"

	v2 "github.com/block-vision/sui-go-sdk/pb/sui/rpc/v2"
	"go.uber.org/zap"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	"github.com/tuskstore/tusk/chain/sui"
	"github.com/tuskstore/tusk/chain/walrus"
)

// ErrInsufficientGas is returned when the signer's SUI cannot pay for a transaction.
var ErrInsufficientGas = errors.New("chain: not enough SUI to pay for gas")

// ErrInsufficientWAL is returned when the signer's WAL does not cover a payment.
var ErrInsufficientWAL = errors.New("chain: not enough WAL")

// TxResult is an executed transaction: its digest, effects, events and the objects it
// wrote (at their new versions).
type TxResult struct {
	Digest  sui.Digest
	Effects *sui.TransactionEffects
	Events  []sui.Event
	Objects []*sui.Object
}

// Created returns the IDs of the objects the transaction created whose type is the
// Walrus struct module::name, in the effects' order.
func (r *TxResult) Created(pkg walrus.ID, module, name string) []walrus.ID {
	var out []walrus.ID
	for _, ch := range r.Effects.ObjectChanges() {
		if ch.Kind != sui.ChangeCreated {
			continue
		}
		for _, o := range r.Objects {
			id, _ := o.ID()
			if id != ch.ID || o.Data.Kind != sui.DataMove {
				continue
			}
			t := o.Data.Move.Type.StructTag()
			if t.Address == pkg && t.Module == module && t.Name == name {
				out = append(out, id)
			}
		}
	}
	return out
}

// coin is an owned coin: its reference and balance.
type coin struct {
	ref     sui.ObjectRef
	balance uint64
}

// coins lists the signer's coins of the given coin type (Coin<T>'s T), largest first,
// using the newest reference this client knows for coins it wrote itself.
func (c *Client) coins(ctx context.Context, coinType sui.TypeTag) ([]coin, error) {
	objs, err := c.ownedObjects(ctx, c.Address(), sui.CoinType(coinType).String(), "object_id", "version", "digest", "balance")
	if err != nil {
		return nil, err
	}
	out := make([]coin, 0, len(objs))
	for _, o := range objs {
		id, err := walrus.ParseID(o.GetObjectId())
		if err != nil {
			return nil, fmt.Errorf("coin %q: %w", o.GetObjectId(), err)
		}
		d, err := sui.ParseDigest(o.GetDigest())
		if err != nil {
			return nil, fmt.Errorf("coin %s digest: %w", id, err)
		}
		ref := sui.ObjectRef{ObjectID: id, Version: o.GetVersion(), Digest: d}
		if known, ok := c.lastGas[id]; ok && known.Version > ref.Version {
			ref = known
		}
		out = append(out, coin{ref: ref, balance: o.GetBalance()})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].balance > out[j].balance })
	return out, nil
}

// referenceGasPrice reads the current epoch's reference gas price.
func (c *Client) referenceGasPrice(ctx context.Context) (uint64, error) {
	cctx, cancel := c.callCtx(ctx)
	defer cancel()
	resp, err := c.ledger.GetEpoch(cctx, &v2.GetEpochRequest{ReadMask: &fieldmaskpb.FieldMask{Paths: []string{"reference_gas_price"}}})
	if err != nil {
		return 0, fmt.Errorf("reference gas price: %w", err)
	}
	if resp.GetEpoch().ReferenceGasPrice == nil {
		return 0, errors.New("reference gas price: the full node did not report one")
	}
	return resp.GetEpoch().GetReferenceGasPrice(), nil
}

func (b *builder) system(mutable bool) sui.Argument {
	return b.Object(sui.SharedObjectArg(b.c.deploy.System, b.c.deploy.SystemVersion, mutable))
}

func (b *builder) call(module, function string, args ...sui.Argument) sui.Argument {
	return b.MoveCall(b.c.deploy.Package, module, function, nil, args...)
}

// walPayment adds a Coin<WAL> input holding exactly amount, split from the signer's WAL
// coins (merged first when one coin is not enough); pay returns the split coin and done
// merges what is left of it back, so the transaction leaves no dust coin behind.
func (b *builder) walPayment(ctx context.Context, amount uint64) (pay sui.Argument, done func(), err error) {
	coins, err := b.c.coins(ctx, sui.TypeTag{Kind: sui.TypeStruct, Struct: &b.c.deploy.WAL})
	if err != nil {
		return sui.Argument{}, nil, fmt.Errorf("WAL coins: %w", err)
	}
	var total uint64
	n := 0
	for n < len(coins) && total < amount {
		total += coins[n].balance
		n++
	}
	if total < amount {
		return sui.Argument{}, nil, fmt.Errorf("%w: need %d FROST, have %d", ErrInsufficientWAL, amount, total)
	}
	if n == 0 { // a zero amount: still pass a coin, as Move wants one
		if len(coins) == 0 {
			return sui.Argument{}, nil, fmt.Errorf("%w: the signer owns no WAL coin", ErrInsufficientWAL)
		}
		n = 1
	}
	primary := b.Object(sui.OwnedObjectArg(coins[0].ref))
	var others []sui.Argument
	for _, k := range coins[1:n] {
		others = append(others, b.Object(sui.OwnedObjectArg(k.ref)))
	}
	if len(others) > 0 {
		b.MergeCoins(primary, others...)
	}
	pay = b.SplitCoins(primary, b.Pure(amount))[0]
	return pay, func() { b.MergeCoins(primary, pay) }, nil
}

// execute builds, budgets, signs and executes one transaction; build adds the commands.
// A failed execution returns the result with an *AbortError or *FailedError.
func (c *Client) execute(ctx context.Context, what string, build func(b *builder) error) (*TxResult, error) {
	if c.opts.Signer == nil {
		return nil, ErrNoSigner
	}
	c.txMu.Lock()
	defer c.txMu.Unlock()

	b := newBuilder(c)
	if err := build(b); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	price, err := c.referenceGasPrice(ctx)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	gasCoins, err := c.coins(ctx, sui.SUIType)
	if err != nil {
		return nil, fmt.Errorf("%s: gas coins: %w", what, err)
	}
	if len(gasCoins) == 0 || gasCoins[0].balance == 0 {
		return nil, fmt.Errorf("%s: %w: %s owns no SUI coin", what, ErrInsufficientGas, c.Address())
	}
	gas := gasCoins[0]
	sender := walrus.ID(c.Address())
	budget := min(c.opts.MaxGasBudget, gas.balance)
	td, err := b.transactionData(sender, sui.GasData{Payment: []sui.ObjectRef{gas.ref}, Owner: sender, Price: price, Budget: budget})
	if err != nil {
		return nil, fmt.Errorf("%s: build transaction: %w", what, err)
	}

	// Dry run first: a Move abort is reported without spending gas, and the budget
	// becomes the simulated cost with a margin.
	sim, err := c.simulate(ctx, td.Bytes())
	if err != nil {
		return nil, fmt.Errorf("%s: simulate: %w", what, err)
	}
	if st := sim.Effects.Status(); !st.Success() {
		return nil, fmt.Errorf("%s: %w", what, c.statusError(sim.Digest, st))
	}
	g := sim.Effects.GasUsed()
	need := g.ComputationCost + g.StorageCost
	need += need/5 + 1000*price // 20% and a thousand gas units of margin
	if need > gas.balance {
		return nil, fmt.Errorf("%s: %w: needs %d MIST, the largest coin holds %d", what, ErrInsufficientGas, need, gas.balance)
	}
	td.V1.GasData.Budget = min(max(need, 1000*price), budget)
	txBytes := td.Bytes()
	sig := c.opts.Signer.SignTransaction(txBytes)

	res, err := c.submit(ctx, txBytes, sig)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	if v2 := res.Effects.V2; v2 != nil {
		if ref, _, ok := v2.GasObject(); ok {
			c.lastGas[ref.ObjectID] = ref
		}
	}
	for _, ch := range res.Effects.ObjectChanges() {
		if ch.Output != nil {
			if _, known := c.lastGas[ch.ID]; known {
				c.lastGas[ch.ID] = *ch.Output
			}
		}
	}
	c.log.Debug("transaction executed", zap.String("what", what), zap.Stringer("digest", res.Digest),
		zap.Bool("success", res.Effects.Status().Success()), zap.Uint64("budget", td.V1.GasData.Budget))
	if st := res.Effects.Status(); !st.Success() {
		return res, fmt.Errorf("%s: %w", what, c.statusError(res.Digest, st))
	}
	return res, nil
}

var txMask = &fieldmaskpb.FieldMask{Paths: []string{
	"transaction.digest", "transaction.effects.bcs", "transaction.events.bcs", "transaction.objects.objects.bcs",
}}

func (c *Client) simulate(ctx context.Context, txBytes []byte) (*TxResult, error) {
	cctx, cancel := c.callCtx(ctx)
	defer cancel()
	resp, err := c.exec.SimulateTransaction(cctx, &v2.SimulateTransactionRequest{
		Transaction: &v2.Transaction{Bcs: &v2.Bcs{Value: txBytes}},
		ReadMask:    txMask,
	})
	if err != nil {
		return nil, err
	}
	return decodeExecuted(resp.GetTransaction())
}

func (c *Client) submit(ctx context.Context, txBytes, sig []byte) (*TxResult, error) {
	cctx, cancel := c.callCtx(ctx)
	defer cancel()
	resp, err := c.exec.ExecuteTransaction(cctx, &v2.ExecuteTransactionRequest{
		Transaction: &v2.Transaction{Bcs: &v2.Bcs{Value: txBytes}},
		Signatures:  []*v2.UserSignature{{Bcs: &v2.Bcs{Value: sig}}},
		ReadMask:    txMask,
	})
	if err != nil {
		return nil, fmt.Errorf("execute: %w", err)
	}
	return decodeExecuted(resp.GetTransaction())
}

// decodeExecuted decodes an ExecutedTransaction's BCS parts; Objects keeps only the
// output versions of the objects the effects say were written.
func decodeExecuted(t *v2.ExecutedTransaction) (*TxResult, error) {
	eff, events, objects, err := decodeTransactionParts(t)
	if err != nil {
		return nil, err
	}
	r := &TxResult{Digest: eff.TransactionDigest(), Effects: eff, Events: events, Objects: objects}
	if t.Digest != nil && t.GetDigest() != r.Digest.String() {
		return nil, fmt.Errorf("the node answered for transaction %s, the effects are of %s", t.GetDigest(), r.Digest)
	}
	return r, nil
}

// decodeTransactionParts decodes the effects, the events and the objects the effects
// say were written (at their output versions).
func decodeTransactionParts(t *v2.ExecutedTransaction) (*sui.TransactionEffects, []sui.Event, []*sui.Object, error) {
	eff, events, outputs, _, err := decodeTransactionObjects(t)
	return eff, events, outputs, err
}

// decodeTransactionObjects is decodeTransactionParts that also returns the objects as
// the transaction found them (at the input versions the effects name), where the
// node sent them.
func decodeTransactionObjects(t *v2.ExecutedTransaction) (eff *sui.TransactionEffects, events []sui.Event, outputs, inputs []*sui.Object, err error) {
	if eff, err = sui.DecodeEffects(t.GetEffects().GetBcs().GetValue()); err != nil {
		return nil, nil, nil, nil, fmt.Errorf("effects: %w", err)
	}
	if evs := t.GetEvents().GetBcs().GetValue(); len(evs) > 0 {
		if events, err = sui.DecodeEvents(evs); err != nil {
			return nil, nil, nil, nil, fmt.Errorf("events: %w", err)
		}
	}
	type ref struct {
		id      walrus.ID
		version uint64
	}
	written, found := map[ref]bool{}, map[ref]bool{}
	for _, ch := range eff.ObjectChanges() {
		if ch.Output != nil {
			written[ref{ch.ID, ch.Output.Version}] = true
		}
		if ch.Input != nil {
			found[ref{ch.ID, ch.Input.Version}] = true
		}
	}
	for _, m := range t.GetObjects().GetObjects() {
		o, err := sui.DecodeObject(m.GetBcs().GetValue())
		if err != nil {
			return nil, nil, nil, nil, fmt.Errorf("object %s: %w", m.GetObjectId(), err)
		}
		id, _ := o.ID()
		switch r := (ref{id, o.Version()}); {
		case written[r]:
			outputs = append(outputs, o)
		case found[r]:
			inputs = append(inputs, o)
		}
	}
	return eff, events, outputs, inputs, nil
}
