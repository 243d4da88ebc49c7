// Package ingest runs a sequential ingestion pipeline, after Sui's indexer framework
// (sui-indexer-alt-framework's sequential pipeline): checkpoints come from a
// CheckpointSource in order, the pipeline turns each into rows, and a committer writes
// batches of consecutive checkpoints to Postgres, each batch in one transaction together
// with the pipeline's watermark (the last checkpoint committed). So the tables never
// hold part of a checkpoint, never miss one and never hold one twice, however the
// process stops; after a restart ingestion resumes right after the watermark.
//
// Commits are idempotent: the committer locks the watermark row and drops the
// checkpoints at or below it before writing, so a retried or concurrent commit of the
// same checkpoints writes nothing twice.
package ingest

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"go.uber.org/zap"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/config"
)

// CheckpointSource delivers checkpoints in sequence order, starting at from, to handle;
// it stops and returns handle's error if handle fails. chain.Client implements it.
type CheckpointSource interface {
	Checkpoints(ctx context.Context, from uint64, handle func(context.Context, *chain.Checkpoint) error) error
}

// Data is what a pipeline makes of one checkpoint.
type Data interface {
	// RowCount is the number of rows it will write (for batching and metrics).
	RowCount() int
}

// Pipeline turns checkpoints into rows and writes them.
type Pipeline[T Data] interface {
	// Name identifies the pipeline's watermark.
	Name() string
	// Process turns a checkpoint into data. It is called once per checkpoint, in order.
	Process(ctx context.Context, cp *chain.Checkpoint) (T, error)
	// Commit writes the data of consecutive checkpoints, in order, within tx. It must
	// not commit or roll back tx; it may be called again with the same data after a
	// failed attempt.
	Commit(ctx context.Context, tx pgx.Tx, batch []T) error
}

// Errors callers may branch on.
var (
	// ErrGap: ingestion would leave a checkpoint out (a first checkpoint past the
	// watermark, or a source that skipped one).
	ErrGap = errors.New("ingest: checkpoint gap")
	// errLast stops the source once the last checkpoint has been handed over.
	errLast = errors.New("ingest: last checkpoint reached")
	// errRace: another committer created the watermark row first; retry.
	errRace = errors.New("ingest: concurrent commit")
)

// Config bounds batches and says where to start and stop.
type Config struct {
	// First is the checkpoint to start at when the pipeline has no watermark yet (nil:
	// 0). With a watermark W it must be at most W+1, and ingestion resumes at W+1.
	First *uint64
	// Last, if set, is the last checkpoint to ingest: Run returns nil once it is
	// committed.
	Last *uint64
	// BatchCheckpoints is the most checkpoints one transaction commits.
	BatchCheckpoints int
	// BatchRows: a batch is committed as soon as it holds this many rows.
	BatchRows int
	// FlushInterval: pending data is committed at least this often.
	FlushInterval time.Duration
	// ProgressInterval is how often progress is logged (0: never).
	ProgressInterval time.Duration
	// MaxRetryDelay caps the backoff between attempts of a commit that failed for a
	// transient reason (lost connection, serialization failure).
	MaxRetryDelay time.Duration
}

// DefaultConfig returns the defaults: batches of up to 100 checkpoints or 5000 rows,
// flushed at least every 200ms.
func DefaultConfig() Config {
	return Config{BatchCheckpoints: 100, BatchRows: 5000, FlushInterval: 200 * time.Millisecond,
		ProgressInterval: 10 * time.Second, MaxRetryDelay: 5 * time.Second}
}

// Runner runs one pipeline.
type Runner[T Data] struct {
	pool     *pgxpool.Pool
	src      CheckpointSource
	p        Pipeline[T]
	cfg      Config
	log      *zap.Logger
	m        *Metrics
	onCommit func(Watermark)

	// progress
	lastLog      time.Time
	sinceLogCps  int
	sinceLogRows int
}

// Options are the optional parts of a Runner.
type Options struct {
	// Metrics receives the pipeline's metrics (nil: unregistered ones).
	Metrics *Metrics
	// OnCommit is called after each committed batch with the new watermark.
	OnCommit func(Watermark)
}

// New returns a runner of p over src writing to pool.
func New[T Data](pool *pgxpool.Pool, src CheckpointSource, p Pipeline[T], cfg Config, log *zap.Logger, opts Options) *Runner[T] {
	d := DefaultConfig()
	config.SetDefault(&cfg.BatchCheckpoints, d.BatchCheckpoints)
	config.SetDefault(&cfg.BatchRows, d.BatchRows)
	config.SetDefault(&cfg.FlushInterval, d.FlushInterval)
	config.SetDefault(&cfg.MaxRetryDelay, d.MaxRetryDelay)
	m := opts.Metrics
	if m == nil {
		m = NewMetrics(nil, p.Name())
	}
	return &Runner[T]{pool: pool, src: src, p: p, cfg: cfg, log: log.Named("ingest").With(zap.String("pipeline", p.Name())), m: m, onCommit: opts.OnCommit}
}

// item is one processed checkpoint on its way to the committer.
type item[T Data] struct {
	seq, epoch, timestampMs uint64
	rows                    int
	data                    T
}

// StartAt returns the checkpoint ingestion starts at, given the watermark (if any) and
// the configured first checkpoint.
func StartAt(wm Watermark, hasWatermark bool, first *uint64) (uint64, error) {
	if !hasWatermark {
		if first != nil {
			return *first, nil
		}
		return 0, nil
	}
	next := wm.Checkpoint + 1
	if first != nil && *first > next {
		return 0, fmt.Errorf("%w: first checkpoint %d is past the watermark %d: checkpoints %d..%d would be missing",
			ErrGap, *first, wm.Checkpoint, next, *first-1)
	}
	return next, nil
}

// Run ingests until ctx is cancelled, the source ends, the last checkpoint is committed
// or something fails. Only a clean end (source finished, last checkpoint reached)
// returns nil.
func (r *Runner[T]) Run(ctx context.Context) error {
	name := r.p.Name()
	wm, has, err := ReadWatermark(ctx, r.pool, name)
	if err != nil {
		return err
	}
	next, err := StartAt(wm, has, r.cfg.First)
	if err != nil {
		return err
	}
	if has {
		r.m.setWatermark(wm)
	}
	if last := r.cfg.Last; last != nil && next > *last {
		r.log.Info("nothing to ingest: the watermark is at or past the last checkpoint",
			zap.Uint64("watermark", wm.Checkpoint), zap.Uint64("last", *last))
		return nil
	}
	r.log.Info("ingestion starting", zap.Uint64("from", next), zap.Bool("resumed", has))
	r.lastLog = time.Now()

	// The committer runs on ctx; the producer on a context the committer cancels when
	// it fails. When the producer stops (source error, end, last checkpoint), the
	// committer still commits what was processed before returning.
	items := make(chan item[T], r.cfg.BatchCheckpoints)
	pctx, stopProducer := context.WithCancelCause(ctx)
	defer stopProducer(nil)
	commitErr := make(chan error, 1)
	go func() {
		err := r.commitLoop(ctx, items)
		if err != nil {
			stopProducer(err)
		}
		commitErr <- err
	}()
	srcErr := r.produce(pctx, next, items)
	if err := <-commitErr; err != nil {
		return err
	}
	if srcErr != nil {
		return srcErr
	}
	r.log.Info("ingestion finished")
	return nil
}

// produce runs the source from next, processing each checkpoint and handing it to the
// committer; it closes items when it returns.
func (r *Runner[T]) produce(ctx context.Context, next uint64, items chan<- item[T]) error {
	defer close(items)
	expected := next
	var handleErr error // an error of ours, passed back through the source
	fail := func(err error) error { handleErr = err; return err }
	err := r.src.Checkpoints(ctx, next, func(ctx context.Context, cp *chain.Checkpoint) error {
		switch {
		case cp.Sequence < expected:
			return nil // delivered again (a resumed subscription): already handled
		case cp.Sequence > expected:
			return fail(fmt.Errorf("%w: the source sent checkpoint %d, expected %d", ErrGap, cp.Sequence, expected))
		}
		if cp.Sequence > math.MaxInt64 || cp.Epoch > math.MaxInt64 || cp.TimestampMs > math.MaxInt64 {
			return fail(fmt.Errorf("ingest: checkpoint %d: sequence, epoch or timestamp out of range", cp.Sequence))
		}
		data, err := r.p.Process(ctx, cp)
		if err != nil {
			return fail(fmt.Errorf("ingest: processing checkpoint %d: %w", cp.Sequence, err))
		}
		r.m.Received.Set(float64(cp.Sequence))
		select {
		case items <- item[T]{seq: cp.Sequence, epoch: cp.Epoch, timestampMs: cp.TimestampMs, rows: data.RowCount(), data: data}:
		case <-ctx.Done():
			return context.Cause(ctx)
		}
		expected++
		if last := r.cfg.Last; last != nil && cp.Sequence >= *last {
			return errLast
		}
		return nil
	})
	switch {
	case err == nil || errors.Is(err, errLast):
		return nil
	case ctx.Err() != nil:
		return context.Cause(ctx)
	case handleErr != nil && errors.Is(err, handleErr):
		return handleErr
	}
	return fmt.Errorf("ingest: checkpoint source: %w", err)
}

// commitLoop batches processed checkpoints and commits them.
func (r *Runner[T]) commitLoop(ctx context.Context, items <-chan item[T]) error {
	var (
		batch []item[T]
		rows  int
		timer = time.NewTimer(time.Hour)
	)
	timer.Stop()
	defer timer.Stop()
	flush := func() error {
		err := r.commit(ctx, batch)
		batch, rows = batch[:0], 0
		timer.Stop()
		return err
	}
	for {
		var tick <-chan time.Time
		if len(batch) > 0 {
			tick = timer.C
		}
		select {
		case it, ok := <-items:
			if !ok {
				if len(batch) > 0 {
					return flush()
				}
				return nil
			}
			if len(batch) == 0 {
				timer.Reset(r.cfg.FlushInterval)
			}
			batch = append(batch, it)
			rows += it.rows
			if len(batch) >= r.cfg.BatchCheckpoints || rows >= r.cfg.BatchRows {
				if err := flush(); err != nil {
					return err
				}
			}
		case <-tick:
			if err := flush(); err != nil {
				return err
			}
		case <-ctx.Done():
			return context.Cause(ctx)
		}
	}
}

// commit writes the batch, retrying transient failures.
func (r *Runner[T]) commit(ctx context.Context, batch []item[T]) error {
	delay := 100 * time.Millisecond
	for attempt := 1; ; attempt++ {
		start := time.Now()
		wm, written, err := r.commitOnce(ctx, batch)
		if err == nil {
			r.committed(batch, wm, written, time.Since(start))
			return nil
		}
		if ctx.Err() != nil || !transient(err) {
			first, last := batch[0].seq, batch[len(batch)-1].seq
			return fmt.Errorf("ingest: committing checkpoints %d..%d: %w", first, last, err)
		}
		r.m.Retries.Inc()
		r.log.Warn("commit failed, retrying", zap.Int("attempt", attempt), zap.Duration("in", delay), zap.Error(err))
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return context.Cause(ctx)
		}
		delay = min(2*delay, r.cfg.MaxRetryDelay)
	}
}

// commitOnce is one attempt: lock the watermark, drop what it covers, write the rest and
// raise it, in one transaction. written is the part of the batch actually written.
func (r *Runner[T]) commitOnce(ctx context.Context, batch []item[T]) (wm Watermark, written []item[T], err error) {
	tx, err := r.pool.Begin(ctx)
	if err != nil {
		return wm, nil, err
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	name := r.p.Name()
	// Serialize the committers of this pipeline (a restarted process overlapping the old
	// one), including the very first commit, before the watermark row exists.
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('tusk.ingest.' || $1, 0))`, name); err != nil {
		return wm, nil, fmt.Errorf("locking the pipeline: %w", err)
	}
	var hi int64
	has := true
	err = tx.QueryRow(ctx, `SELECT checkpoint_hi_inclusive FROM watermarks WHERE pipeline = $1 FOR UPDATE`, name).Scan(&hi)
	if errors.Is(err, pgx.ErrNoRows) {
		has, err = false, nil
	}
	if err != nil {
		return wm, nil, fmt.Errorf("locking the watermark: %w", err)
	}
	todo := batch
	if has {
		for len(todo) > 0 && int64(todo[0].seq) <= hi {
			todo = todo[1:]
		}
		if len(todo) == 0 {
			return Watermark{Checkpoint: uint64(hi)}, nil, tx.Commit(ctx)
		}
		if int64(todo[0].seq) != hi+1 {
			return wm, nil, fmt.Errorf("%w: the watermark is %d but the batch starts at %d", ErrGap, hi, todo[0].seq)
		}
	}
	data := make([]T, len(todo))
	for i := range todo {
		data[i] = todo[i].data
	}
	if err := r.p.Commit(ctx, tx, data); err != nil {
		return wm, nil, err
	}
	last := todo[len(todo)-1]
	wm = Watermark{Checkpoint: last.seq, Epoch: last.epoch, TimestampMs: last.timestampMs}
	if has {
		_, err = tx.Exec(ctx, `UPDATE watermarks SET checkpoint_hi_inclusive = $2, epoch_hi_inclusive = $3,
			timestamp_ms_hi_inclusive = $4, updated_at = now() WHERE pipeline = $1`,
			name, int64(wm.Checkpoint), int64(wm.Epoch), int64(wm.TimestampMs))
	} else {
		var tag pgconn.CommandTag
		tag, err = tx.Exec(ctx, `INSERT INTO watermarks (pipeline, checkpoint_hi_inclusive, epoch_hi_inclusive, timestamp_ms_hi_inclusive)
			VALUES ($1, $2, $3, $4) ON CONFLICT (pipeline) DO NOTHING`,
			name, int64(wm.Checkpoint), int64(wm.Epoch), int64(wm.TimestampMs))
		if err == nil && tag.RowsAffected() != 1 {
			err = errRace
		}
	}
	if err != nil {
		return wm, nil, fmt.Errorf("raising the watermark: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return wm, nil, err
	}
	return wm, todo, nil
}

func (r *Runner[T]) committed(batch []item[T], wm Watermark, written []item[T], took time.Duration) {
	if len(written) == 0 {
		r.log.Debug("batch already committed", zap.Uint64("first", batch[0].seq), zap.Uint64("last", batch[len(batch)-1].seq))
		return
	}
	rows := 0
	for _, it := range written {
		rows += it.rows
	}
	r.m.committed(wm, len(written), rows, took)
	if r.onCommit != nil {
		r.onCommit(wm)
	}
	r.sinceLogCps += len(written)
	r.sinceLogRows += rows
	if iv := r.cfg.ProgressInterval; iv > 0 {
		if el := time.Since(r.lastLog); el >= iv {
			r.log.Info("ingestion progress",
				zap.Uint64("checkpoint", wm.Checkpoint),
				zap.Float64("checkpoints_per_s", float64(r.sinceLogCps)/el.Seconds()),
				zap.Float64("rows_per_s", float64(r.sinceLogRows)/el.Seconds()),
				zap.Duration("time_lag", time.Since(time.UnixMilli(int64(wm.TimestampMs))).Round(time.Millisecond)))
			r.lastLog, r.sinceLogCps, r.sinceLogRows = time.Now(), 0, 0
		}
	}
}

// transient reports whether a failed commit may succeed if tried again.
func transient(err error) bool {
	if errors.Is(err, errRace) || pgconn.SafeToRetry(err) || pgconn.Timeout(err) {
		return true
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code[:2] {
		case "40", "08", "53": // transaction rollback, connection exception, insufficient resources
			return true
		}
		return pgErr.Code == "57P01" || pgErr.Code == "57P02" || pgErr.Code == "57P03" // shutting down
	}
	var connErr *pgconn.ConnectError
	return errors.As(err, &connErr)
}
