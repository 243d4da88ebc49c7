package operator

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/robfig/cron/v3"
	"go.uber.org/zap"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/chain/sui"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/internal/frost"
)

// CommissionChain is what the CommissionCollector calls (chain.Client, signing with the
// operator's key).
type CommissionChain interface {
	Address() walrus.Address
	Epoch(ctx context.Context) (uint32, error)
	Pool(ctx context.Context, nodeID walrus.ID) (*walrus.StakingPool, error)
	PoolCommission(ctx context.Context, nodeID walrus.ID) (chain.PoolCommission, error)
	CollectCommission(ctx context.Context, nodeID walrus.ID, auth chain.CommissionAuth, receiver *walrus.Address) (*chain.Withdrawal, error)
}

// CommissionOptions configure a CommissionCollector.
type CommissionOptions struct {
	// NodeID is the node whose commission is collected; Cap its StorageNodeCap, which the
	// operator holds.
	NodeID, Cap walrus.ID
	// MinAmount skips collections that would pay less (zero still skips an empty balance).
	MinAmount frost.Amount
	// Receiver gets the WAL; nil means the operator's address.
	Receiver *walrus.Address
	// Schedule is when Run collects; nil makes a collector that only collects when
	// Collect is called.
	Schedule cron.Schedule
	// Log receives the collector's logs (named "commission"); nil logs nothing.
	Log *zap.Logger
}

// CommissionCollector collects a node's commission (staking::collect_commission).
type CommissionCollector struct {
	c       CommissionChain
	opts    CommissionOptions
	log     *zap.Logger
	metrics *metrics
}

// NewCommissionCollector returns a collector over c. (Operator.Commission is the same
// with its metrics registered.)
func NewCommissionCollector(c CommissionChain, opts CommissionOptions) *CommissionCollector {
	return newCommissionCollector(c, opts, newMetrics(nil))
}

func newCommissionCollector(c CommissionChain, opts CommissionOptions, m *metrics) *CommissionCollector {
	log := opts.Log
	if log == nil {
		log = zap.NewNop()
	}
	return &CommissionCollector{c: c, opts: opts, log: log.Named("commission"), metrics: m}
}

// Collection is the outcome of one collection.
type Collection struct {
	// NodeID is the node; Epoch the epoch at the time of the collection.
	NodeID walrus.ID `json:"nodeId"`
	Epoch  uint32    `json:"epoch"`
	// Collectable is the commission that was not blocked, Blocked the part earned at the
	// last epoch change and collectable from the next voting_end (FROST).
	Collectable uint64 `json:"collectable"`
	Blocked     uint64 `json:"blocked"`
	// Skipped says nothing was collected: Collectable was zero or below MinAmount.
	Skipped   bool   `json:"skipped"`
	MinAmount uint64 `json:"minAmount"`
	// Amount is what was collected (FROST), as Coin<WAL> Coin sent to Receiver in the
	// transaction Digest.
	Amount   uint64         `json:"amount"`
	Coin     walrus.ID      `json:"coin,omitzero"`
	Receiver walrus.Address `json:"receiver,omitzero"`
	Digest   sui.Digest     `json:"digest,omitzero"`
}

// Collect collects the commission once if it is at least the minimum, and records the
// outcome in the logs and metrics. A skip is not an error.
func (k *CommissionCollector) Collect(ctx context.Context) (*Collection, error) {
	col, err := k.collect(ctx)
	if err != nil {
		k.metrics.commissionFailures.Inc()
		return col, fmt.Errorf("operator: collect commission of node %s: %w", k.opts.NodeID, err)
	}
	if col.Skipped {
		k.metrics.commissionSkipped.Inc()
		k.log.Info("commission collection skipped: below the minimum", zap.Stringer("node_id", col.NodeID), zap.Uint32("epoch", col.Epoch),
			zap.Stringer("collectable_wal", frost.Amount(col.Collectable)), zap.Stringer("blocked_wal", frost.Amount(col.Blocked)),
			zap.Stringer("min_wal", frost.Amount(col.MinAmount)))
		return col, nil
	}
	k.metrics.commissionCollections.Inc()
	k.metrics.commissionCollected.Add(float64(col.Amount))
	k.metrics.commissionLastAmount.Set(float64(col.Amount))
	k.metrics.commissionLastEpoch.Set(float64(col.Epoch))
	k.log.Info("commission collected", zap.Stringer("node_id", col.NodeID), zap.Uint32("epoch", col.Epoch),
		zap.Stringer("wal", frost.Amount(col.Amount)), zap.Uint64("frost", col.Amount), zap.Stringer("receiver", col.Receiver),
		zap.Stringer("coin", col.Coin), zap.Stringer("digest", col.Digest))
	return col, nil
}

func (k *CommissionCollector) collect(ctx context.Context) (*Collection, error) {
	col := &Collection{NodeID: k.opts.NodeID, MinAmount: k.opts.MinAmount.FROST()}
	epoch, err := k.c.Epoch(ctx)
	if err != nil {
		return col, err
	}
	col.Epoch = epoch
	pc, err := k.c.PoolCommission(ctx, k.opts.NodeID)
	if err != nil {
		return col, err
	}
	col.Collectable, col.Blocked = pc.Collectable(), pc.Blocked
	k.metrics.commissionAvailableFROST.Set(float64(col.Collectable))
	if col.Collectable == 0 || col.Collectable < col.MinAmount {
		col.Skipped = true
		return col, nil
	}
	auth, err := k.auth(ctx)
	if err != nil {
		return col, err
	}
	col.Receiver = k.c.Address()
	if k.opts.Receiver != nil {
		col.Receiver = *k.opts.Receiver
	}
	w, err := k.c.CollectCommission(ctx, k.opts.NodeID, auth, &col.Receiver)
	if err != nil {
		return col, err
	}
	col.Amount, col.Coin, col.Digest = w.Amount, w.Coin, w.Digest
	return col, nil
}

// auth is how the operator proves it is the pool's commission receiver: with the cap
// (register_candidate's default) or as the receiving address.
func (k *CommissionCollector) auth(ctx context.Context) (chain.CommissionAuth, error) {
	pool, err := k.c.Pool(ctx, k.opts.NodeID)
	if err != nil {
		return chain.CommissionAuth{}, err
	}
	r := pool.CommissionReceiver
	switch {
	case r.Kind == walrus.AuthorizedObjectID && r.ID == k.opts.Cap:
		return chain.CommissionAuth{Cap: &k.opts.Cap}, nil
	case r.Kind == walrus.AuthorizedAddress && r.ID == walrus.ID(k.c.Address()):
		return chain.CommissionAuth{}, nil
	}
	what := "object"
	if r.Kind == walrus.AuthorizedAddress {
		what = "address"
	}
	return chain.CommissionAuth{}, fmt.Errorf("%w: the receiver is %s %s, the operator has StorageNodeCap %s and address %s",
		ErrNotCommissionReceiver, what, r.ID, k.opts.Cap, k.c.Address())
}

// Run collects on the schedule until ctx is done, then returns nil. A collection that
// is still running when the next one is due makes that one skip; failures are logged
// and counted, and the schedule goes on.
func (k *CommissionCollector) Run(ctx context.Context) error {
	if k.opts.Schedule == nil {
		return errors.New("operator: commission collector without a schedule")
	}
	cl := cronLogger{k.log}
	cr := cron.New(cron.WithLocation(time.UTC), cron.WithLogger(cl), cron.WithChain(cron.Recover(cl), cron.SkipIfStillRunning(cl)))
	cr.Schedule(k.opts.Schedule, cron.FuncJob(func() {
		if _, err := k.Collect(ctx); err != nil && ctx.Err() == nil {
			k.log.Warn("scheduled commission collection failed", zap.Error(err))
		}
	}))
	k.log.Info("commission collection scheduled", zap.Stringer("node_id", k.opts.NodeID),
		zap.Time("next", k.opts.Schedule.Next(time.Now().UTC())), zap.Stringer("min_wal", k.opts.MinAmount))
	cr.Start()
	<-ctx.Done()
	<-cr.Stop().Done() // waits for a running collection, which ctx cancels
	return nil
}

// cronLogger sends cron's logs to zap: its routine messages at debug level.
type cronLogger struct{ log *zap.Logger }

func (l cronLogger) Info(msg string, kv ...any) { l.log.Sugar().Debugw("cron: "+msg, kv...) }
func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Sugar().Warnw("cron: "+msg, append(kv, "error", err)...)
}
