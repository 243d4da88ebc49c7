package operator

import (
	"context"
	"fmt"
	"time"

	"go.uber.org/zap"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/chain/walrus"
)

// EpochDriver makes the epoch calls when they are due, as Walrus storage nodes do:
// voting_end half an epoch after the last epoch change completed, then
// initiate_epoch_change_v2 an epoch after it. Every operator may run one: only one call
// succeeds and the others find it done (chain.EpochDriver). The deadlines are one-off
// instants read from the chain, so it waits for them with a timer, not a cron schedule.
type EpochDriver struct {
	d *chain.EpochDriver
}

// NewEpochDriver returns a driver sending transactions with c (the operator's key, which
// pays the gas) through the WAL treasury of cfg.
func NewEpochDriver(c *chain.Client, cfg EpochsConfig, log *zap.Logger) (*EpochDriver, error) {
	treasury, err := walrus.ParseID(cfg.WALTreasury)
	if err != nil || treasury.IsZero() {
		return nil, fmt.Errorf("operator: epoch driver: wal_treasury_object %q is not an object ID", cfg.WALTreasury)
	}
	d, err := chain.NewEpochDriver(c, chain.EpochDriverConfig{Treasury: treasury, MaxWait: cfg.MaxWait, Retry: cfg.Retry, Logger: log})
	if err != nil {
		return nil, fmt.Errorf("operator: %w", err)
	}
	return &EpochDriver{d: d}, nil
}

// Step makes the call that is due, if any, and says what it did; when nothing was due it
// returns the next deadline (zero while the nodes sync).
func (e *EpochDriver) Step(ctx context.Context) (chain.EpochAction, time.Time, error) {
	return e.d.Step(ctx)
}

// Run drives epochs until ctx is done, then returns nil; failed steps are logged and
// retried.
func (e *EpochDriver) Run(ctx context.Context) error { return e.d.Run(ctx) }
