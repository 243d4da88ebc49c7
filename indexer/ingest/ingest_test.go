package ingest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/internal/pgtest"
	"github.com/tuskstore/tusk/migrations"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// db returns a migrated database with a table the test pipeline writes: one row per
// checkpoint, keyed by it, so a duplicate is an error and a gap is visible.
func db(t *testing.T) *pgxpool.Pool {
	t.Helper()
	pool := pgtest.New(t)
	ctx := context.Background()
	conn, err := pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	if _, err := migrations.Migrate(ctx, conn.Conn()); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `CREATE TABLE cps (checkpoint bigint PRIMARY KEY, rows int NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	return pool
}

type rowsOf int

func (r rowsOf) RowCount() int { return int(r) }

// testPipeline writes a row per checkpoint; failAt makes the commit of the batch that
// holds that checkpoint fail after writing its rows.
type testPipeline struct {
	name      string
	failAt    atomic.Int64 // -1: never
	transient atomic.Int32 // fail this many commits with a serialization failure
	commits   atomic.Int32
}

func newPipeline(name string) *testPipeline {
	p := &testPipeline{name: name}
	p.failAt.Store(-1)
	return p
}

func (p *testPipeline) Name() string { return p.name }

func (p *testPipeline) Process(_ context.Context, cp *chain.Checkpoint) (rowsOf, error) {
	return rowsOf(cp.Sequence%3 + 1), nil
}

func (p *testPipeline) Commit(ctx context.Context, tx pgx.Tx, batch []rowsOf) error {
	p.commits.Add(1)
	// The batch does not carry sequence numbers; recover them from the watermark.
	var hi int64 = -1
	err := tx.QueryRow(ctx, `SELECT checkpoint_hi_inclusive FROM watermarks WHERE pipeline = $1`, p.name).Scan(&hi)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return err
	}
	if errors.Is(err, pgx.ErrNoRows) {
		// No watermark: the batch starts at the first checkpoint, which the test table
		// learns from the rows already there (none) or from the pipeline's start.
		hi = p.start() - 1
	}
	for i, r := range batch {
		seq := hi + 1 + int64(i)
		if _, err := tx.Exec(ctx, `INSERT INTO cps (checkpoint, rows) VALUES ($1, $2)`, seq, int(r)); err != nil {
			return err
		}
		if seq == p.failAt.Load() {
			return fmt.Errorf("injected failure at checkpoint %d", seq)
		}
	}
	if p.transient.Load() > 0 {
		p.transient.Add(-1)
		return &pgconn.PgError{Code: "40001", Message: "injected serialization failure"}
	}
	return nil
}

var startFrom sync.Map // pipeline name -> first checkpoint

func (p *testPipeline) start() int64 {
	v, ok := startFrom.Load(p.name)
	if !ok {
		return 0
	}
	return v.(int64)
}

// sliceSource serves checkpoints first..last (inclusive) in order; resend makes it
// start that many checkpoints before from, as a resumed subscription might; gapAt
// skips one checkpoint.
type sliceSource struct {
	last   uint64
	resend uint64
	gapAt  *uint64
	delay  time.Duration
	froms  []uint64
	mu     sync.Mutex
}

func (s *sliceSource) Checkpoints(ctx context.Context, from uint64, handle func(context.Context, *chain.Checkpoint) error) error {
	s.mu.Lock()
	s.froms = append(s.froms, from)
	s.mu.Unlock()
	start := from - min(from, s.resend)
	for seq := start; seq <= s.last; seq++ {
		if s.gapAt != nil && seq == *s.gapAt {
			continue
		}
		if s.delay > 0 {
			select {
			case <-time.After(s.delay):
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		if err := handle(ctx, &chain.Checkpoint{Sequence: seq, Epoch: seq / 10, TimestampMs: 1000 + seq}); err != nil {
			return err
		}
	}
	return nil
}

// contiguous checks that cps holds exactly the checkpoints first..last, once each, and
// that the watermark says last.
func contiguous(t *testing.T, pool *pgxpool.Pool, name string, first, last int64) {
	t.Helper()
	ctx := context.Background()
	var n, lo, hi int64
	if err := pool.QueryRow(ctx, `SELECT count(*), coalesce(min(checkpoint), -1), coalesce(max(checkpoint), -1) FROM cps`).Scan(&n, &lo, &hi); err != nil {
		t.Fatal(err)
	}
	if lo != first || hi != last || n != last-first+1 {
		t.Fatalf("cps holds %d rows in %d..%d, want exactly %d..%d", n, lo, hi, first, last)
	}
	wm, ok, err := ReadWatermark(ctx, pool, name)
	if err != nil || !ok || int64(wm.Checkpoint) != last {
		t.Fatalf("watermark = %+v, %v, %v; want %d", wm, ok, err, last)
	}
	if wm.Epoch != uint64(last/10) || wm.TimestampMs != uint64(1000+last) {
		t.Fatalf("watermark = %+v: epoch and timestamp are not those of checkpoint %d", wm, last)
	}
}

func u64(v uint64) *uint64 { return &v }

func runner(t *testing.T, pool *pgxpool.Pool, src CheckpointSource, p *testPipeline, cfg Config, m *Metrics) *Runner[rowsOf] {
	if cfg.BatchCheckpoints == 0 {
		cfg.BatchCheckpoints = 7
	}
	return New[rowsOf](pool, src, p, cfg, zaptest.NewLogger(t, zaptest.Level(zap.WarnLevel)), Options{Metrics: m})
}

// TestIngestAndResume proves that checkpoints are committed with the watermark, that a
// second run resumes right after it (asking the source for watermark+1), and that
// checkpoints the source delivers again are not written twice.
func TestIngestAndResume(t *testing.T) {
	pool := db(t)
	p := newPipeline("t1")
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg, "t1")
	src := &sliceSource{last: 100}
	if err := runner(t, pool, src, p, Config{Last: u64(40)}, m).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	contiguous(t, pool, "t1", 0, 40)
	if got := value(m.Watermark); got != 40 {
		t.Fatalf("watermark gauge = %v", got)
	}
	if got := value(m.Checkpoints); got != 41 {
		t.Fatalf("checkpoints counter = %v", got)
	}
	src2 := &sliceSource{last: 100, resend: 5}
	if err := runner(t, pool, src2, p, Config{}, nil).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if src2.froms[0] != 41 {
		t.Fatalf("resumed at %d, want 41", src2.froms[0])
	}
	contiguous(t, pool, "t1", 0, 100)
	// Nothing left: Last at or below the watermark is a no-op.
	if err := runner(t, pool, &sliceSource{last: 100}, p, Config{Last: u64(100)}, nil).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// TestFirstCheckpoint proves that --first-checkpoint sets where a new pipeline starts,
// is ignored when it is not past the watermark, and is refused (ErrGap) when it is.
func TestFirstCheckpoint(t *testing.T) {
	pool := db(t)
	p := newPipeline("t2")
	startFrom.Store("t2", int64(500))
	if err := runner(t, pool, &sliceSource{last: 520}, p, Config{First: u64(500)}, nil).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	contiguous(t, pool, "t2", 500, 520)
	src := &sliceSource{last: 530}
	if err := runner(t, pool, src, p, Config{First: u64(510)}, nil).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if src.froms[0] != 521 {
		t.Fatalf("resumed at %d, want 521", src.froms[0])
	}
	err := runner(t, pool, &sliceSource{last: 600}, p, Config{First: u64(540)}, nil).Run(context.Background())
	if !errors.Is(err, ErrGap) {
		t.Fatalf("first past the watermark: %v, want ErrGap", err)
	}
	contiguous(t, pool, "t2", 500, 530)
}

// TestSourceGap proves that a source skipping a checkpoint stops ingestion with ErrGap
// and that nothing after the gap is committed.
func TestSourceGap(t *testing.T) {
	pool := db(t)
	p := newPipeline("t3")
	err := runner(t, pool, &sliceSource{last: 50, gapAt: u64(23)}, p, Config{}, nil).Run(context.Background())
	if !errors.Is(err, ErrGap) {
		t.Fatalf("Run = %v, want ErrGap", err)
	}
	contiguous(t, pool, "t3", 0, 22)
}

// TestFailedCommitIsAtomic proves that a batch whose commit fails leaves neither its
// rows nor a raised watermark, and that the next run resumes without gap or duplicate.
func TestFailedCommitIsAtomic(t *testing.T) {
	pool := db(t)
	p := newPipeline("t4")
	p.failAt.Store(33)
	err := runner(t, pool, &sliceSource{last: 60}, p, Config{BatchCheckpoints: 10, BatchRows: 1 << 30, FlushInterval: time.Hour}, nil).Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "injected failure at checkpoint 33") {
		t.Fatalf("Run = %v, want the injected failure", err)
	}
	// Batches of 10 from 0: 0..9, 10..19, 20..29 are in; 30..39 failed as a whole.
	contiguous(t, pool, "t4", 0, 29)
	p.failAt.Store(-1)
	if err := runner(t, pool, &sliceSource{last: 60}, p, Config{}, nil).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	contiguous(t, pool, "t4", 0, 60)
}

// TestTransientCommitRetried proves that a commit failing with a serialization failure
// is rolled back and retried, and then lands once.
func TestTransientCommitRetried(t *testing.T) {
	pool := db(t)
	p := newPipeline("t5")
	p.transient.Store(2)
	m := NewMetrics(nil, "t5")
	if err := runner(t, pool, &sliceSource{last: 20}, p, Config{MaxRetryDelay: 10 * time.Millisecond}, m).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	contiguous(t, pool, "t5", 0, 20)
	if got := value(m.Retries); got != 2 {
		t.Fatalf("retries = %v, want 2", got)
	}
}

// TestConcurrentRunnersIdempotent proves that two runners of the same pipeline over the
// same checkpoints (a restarted process overlapping the old one) commit each checkpoint
// once: the watermark lock makes the later commit drop what the earlier one wrote.
func TestConcurrentRunnersIdempotent(t *testing.T) {
	pool := db(t)
	p1, p2 := newPipeline("t6"), newPipeline("t6")
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, p := range []*testPipeline{p1, p2} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = runner(t, pool, &sliceSource{last: 300}, p, Config{BatchCheckpoints: 5}, nil).Run(context.Background())
		}()
	}
	wg.Wait()
	for _, err := range errs {
		// A runner may find the other one ahead of its own batch only as "already
		// committed"; anything else is a failure.
		if err != nil {
			t.Fatal(err)
		}
	}
	contiguous(t, pool, "t6", 0, 300)
}

// TestCancel proves that cancelling the context stops a live run promptly, with what was
// committed intact.
func TestCancel(t *testing.T) {
	pool := db(t)
	p := newPipeline("t7")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- runner(t, pool, &sliceSource{last: 1 << 40, delay: time.Millisecond}, p, Config{FlushInterval: 5 * time.Millisecond}, nil).Run(ctx)
	}()
	time.Sleep(150 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Run = %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not stop")
	}
	wm, ok, err := ReadWatermark(context.Background(), pool, "t7")
	if err != nil || !ok {
		t.Fatalf("no watermark after a live run: %v", err)
	}
	contiguous(t, pool, "t7", 0, int64(wm.Checkpoint))
}

func TestStartAt(t *testing.T) {
	if n, err := StartAt(Watermark{}, false, nil); n != 0 || err != nil {
		t.Fatal(n, err)
	}
	if n, err := StartAt(Watermark{}, false, u64(9)); n != 9 || err != nil {
		t.Fatal(n, err)
	}
	if n, err := StartAt(Watermark{Checkpoint: 9}, true, u64(10)); n != 10 || err != nil {
		t.Fatal(n, err)
	}
	if _, err := StartAt(Watermark{Checkpoint: 9}, true, u64(11)); !errors.Is(err, ErrGap) {
		t.Fatal(err)
	}
}

func value(c prometheus.Metric) float64 {
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		panic(err)
	}
	switch {
	case m.Gauge != nil:
		return m.Gauge.GetValue()
	case m.Counter != nil:
		return m.Counter.GetValue()
	}
	return -1
}
