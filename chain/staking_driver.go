package chain

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.uber.org/zap"

	"github.com/tuskstore/tusk/chain/walrus"
)

// EpochAction is what one step of an EpochDriver did.
type EpochAction int

const (
	// EpochWait: nothing was due (or an epoch change is syncing, which the nodes end).
	EpochWait EpochAction = iota
	// EpochVotingEnded: this driver's voting_end succeeded.
	EpochVotingEnded
	// EpochChangeStarted: this driver's initiate_epoch_change_v2 succeeded.
	EpochChangeStarted
	// EpochDoneByOther: the call was due but another caller made it first (its "already
	// done" abort is a success).
	EpochDoneByOther
)

func (a EpochAction) String() string {
	switch a {
	case EpochWait:
		return "wait"
	case EpochVotingEnded:
		return "voting ended"
	case EpochChangeStarted:
		return "epoch change started"
	case EpochDoneByOther:
		return "done by another caller"
	}
	return fmt.Sprintf("EpochAction(%d)", int(a))
}

// EpochDriverConfig configures an EpochDriver.
type EpochDriverConfig struct {
	// Treasury is the shared wal::wal::ProtectedTreasury that initiate_epoch_change_v2
	// takes (Walrus's treasury_object; a devnet's IDs().Treasury). Required.
	Treasury walrus.ID
	// MaxWait bounds the wait between two looks at the chain, so that the driver follows
	// state changes made by others (the end of a sync, another caller's call). Default:
	// a tenth of the epoch duration, between 100 ms and 30 s.
	MaxWait time.Duration
	// Retry is the wait after a failed or premature call (default 1 s).
	Retry time.Duration
	// Logger receives the driver's logs (named "epoch-driver"); nil logs nothing.
	Logger *zap.Logger
	// Now is the clock the deadlines are compared with (default time.Now). The Sui Clock
	// follows wall time, so a call made at its deadline by this clock may still be a
	// little early: it is retried.
	Now func() time.Time
}

// EpochDriver makes the permissionless calls of the epoch timeline when they are due, as
// Walrus storage nodes do (epoch_change_driver.rs): voting_end half an epoch after the last
// epoch change completed, initiate_epoch_change_v2 an epoch after it. Any number of
// drivers may run against one chain: only one call succeeds, and the others' "already
// done" aborts (ErrWrongEpochState, ErrNextCommitteeIsEmpty with the state moved on) count
// as success. epoch_sync_done is the nodes' own call, made when their shards are synced.
//
// The deadlines are one-off instants read from the chain after every state change, so the
// driver waits for them with a timer rather than a recurring (cron) schedule.
type EpochDriver struct {
	c   *Client
	cfg EpochDriverConfig
	log *zap.Logger

	epochDuration time.Duration // of the last state read (for the default MaxWait)
}

// NewEpochDriver returns a driver sending transactions with c, which needs a signer with
// SUI for gas. A driver is used by one goroutine at a time (Run, or Step).
func NewEpochDriver(c *Client, cfg EpochDriverConfig) (*EpochDriver, error) {
	if c.opts.Signer == nil {
		return nil, ErrNoSigner
	}
	if cfg.Treasury.IsZero() {
		return nil, fmt.Errorf("chain: epoch driver: %w: the WAL treasury object is required", ErrInvalidRequest)
	}
	if cfg.Retry <= 0 {
		cfg.Retry = time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	log := cfg.Logger
	if log == nil {
		log = zap.NewNop()
	}
	return &EpochDriver{c: c, cfg: cfg, log: log.Named("epoch-driver")}, nil
}

// Run drives epochs until ctx is done, then returns nil. Errors of single steps are
// logged and retried.
func (d *EpochDriver) Run(ctx context.Context) error {
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-timer.C:
		}
		action, next, err := d.Step(ctx)
		wait := d.maxWait()
		switch {
		case ctx.Err() != nil:
			return nil
		case err != nil:
			d.log.Warn("epoch step failed", zap.Error(err))
			wait = d.cfg.Retry
		case action != EpochWait:
			d.log.Info("epoch step", zap.Stringer("action", action))
			wait = 0 // look again at once: the next deadline is new
		case !next.IsZero():
			wait = min(max(next.Sub(d.cfg.Now()), 0), d.maxWait())
		}
		timer.Reset(wait)
	}
}

func (d *EpochDriver) maxWait() time.Duration {
	if d.cfg.MaxWait > 0 {
		return d.cfg.MaxWait
	}
	return min(max(d.epochDuration/10, 100*time.Millisecond), 30*time.Second)
}

// Step reads the epoch state and makes the call that is due, if any. It returns what it
// did and, when nothing was due, the next deadline (zero while the nodes sync). A
// premature call (the chain's Clock behind this one) returns EpochWait with a retry
// deadline.
func (d *EpochDriver) Step(ctx context.Context) (EpochAction, time.Time, error) {
	s, err := d.c.EpochState(ctx)
	if err != nil {
		return EpochWait, time.Time{}, err
	}
	d.epochDuration = s.EpochDuration
	now := d.cfg.Now()
	switch s.State {
	case walrus.EpochStateChangeDone:
		if now.Before(s.VotingEndAt) {
			return EpochWait, s.VotingEndAt, nil
		}
		_, err := d.c.VotingEnd(ctx)
		return d.settle(ctx, s, err, EpochVotingEnded, ErrWrongEpochState)
	case walrus.EpochStateNextParamsSelected:
		if now.Before(s.EpochChangeAt) {
			return EpochWait, s.EpochChangeAt, nil
		}
		_, err := d.c.InitiateEpochChange(ctx, d.cfg.Treasury)
		return d.settle(ctx, s, err, EpochChangeStarted, ErrWrongEpochState, ErrNextCommitteeIsEmpty)
	}
	return EpochWait, time.Time{}, nil
}

// settle interprets the outcome of a due call made in state before: an "already done"
// abort with the state moved on is EpochDoneByOther; the same abort with the state
// unchanged means the chain's Clock is not there yet.
func (d *EpochDriver) settle(ctx context.Context, before *EpochState, err error, done EpochAction, alreadyDone ...*Abort) (EpochAction, time.Time, error) {
	if err == nil {
		return done, time.Time{}, nil
	}
	if !IsAbort(err, alreadyDone...) {
		return EpochWait, time.Time{}, err
	}
	after, rerr := d.c.EpochState(ctx)
	if rerr != nil {
		return EpochWait, time.Time{}, errors.Join(err, rerr)
	}
	if after.Epoch != before.Epoch || after.State != before.State {
		return EpochDoneByOther, time.Time{}, nil
	}
	return EpochWait, d.cfg.Now().Add(d.cfg.Retry), nil
}
