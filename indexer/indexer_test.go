package indexer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/indexer/feed"
	"github.com/tuskstore/tusk/indexer/ingest"
	"github.com/tuskstore/tusk/indexer/internal/fixture"
	"github.com/tuskstore/tusk/internal/pgtest"
)

func TestMain(m *testing.M) {
	if url := os.Getenv(childEnv); url != "" {
		os.Exit(runChild(url))
	}
	pgtest.Main(m)
}

// genSource serves the fixture generator's chain: checkpoints 0..tip, then waits for
// the tip to grow (live). failAt makes the handler-side fail at that checkpoint.
type genSource struct {
	mu     sync.Mutex
	cps    []*chain.Checkpoint
	gen    *fixture.Generator
	tip    uint64
	grow   chan struct{}
	failAt *uint64
	delay  time.Duration
}

func newGenSource(tip uint64) *genSource {
	return &genSource{gen: fixture.NewGenerator(0), tip: tip, grow: make(chan struct{})}
}

func (s *genSource) get(seq uint64) *chain.Checkpoint {
	s.mu.Lock()
	defer s.mu.Unlock()
	for uint64(len(s.cps)) <= seq {
		s.cps = append(s.cps, s.gen.Next())
	}
	return s.cps[seq]
}

// setTip makes checkpoints up to tip available.
func (s *genSource) setTip(tip uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tip = tip
	close(s.grow)
	s.grow = make(chan struct{})
}

func (s *genSource) LatestCheckpoint(context.Context) (uint64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tip, nil
}

var errInjected = errors.New("injected source failure")

func (s *genSource) Checkpoints(ctx context.Context, from uint64, handle func(context.Context, *chain.Checkpoint) error) error {
	for seq := from; ; seq++ {
		for {
			s.mu.Lock()
			tip, grow := s.tip, s.grow
			s.mu.Unlock()
			if seq <= tip {
				break
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-grow:
			}
		}
		if s.failAt != nil && seq == *s.failAt {
			return errInjected
		}
		if s.delay > 0 {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(s.delay):
			}
		}
		if err := handle(ctx, s.get(seq)); err != nil {
			return err
		}
	}
}

func u64(v uint64) *uint64 { return &v }

func testConfig(url string) Config {
	cfg := Default()
	cfg.DatabaseURL = url
	cfg.Listen = "127.0.0.1:0"
	cfg.WalrusPackage = fixture.Package.String()
	cfg.MigrateOnStart = true
	cfg.BatchCheckpoints = 7
	cfg.FlushInterval = 10 * time.Millisecond
	cfg.ShutdownTimeout = 10 * time.Second
	return cfg
}

// runTo ingests checkpoints up to last into the database at url and returns.
func runTo(t *testing.T, url string, last uint64, src CheckpointSource) error {
	t.Helper()
	cfg := testConfig(url)
	cfg.LastCheckpoint = u64(last)
	ix, err := New(cfg, Deps{Source: src, Logger: zaptest.NewLogger(t, zaptest.Level(zap.WarnLevel))})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	return ix.Run(ctx)
}

// dump renders the indexed tables and the watermark's checkpoint, to compare databases.
func dump(t *testing.T, url string) string {
	t.Helper()
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	var b strings.Builder
	for _, q := range []string{
		`SELECT checkpoint_hi_inclusive::text FROM watermarks`,
		`SELECT to_jsonb(t)::text FROM events t ORDER BY checkpoint, idx`,
		`SELECT to_jsonb(t)::text FROM blobs t ORDER BY object_id`,
		`SELECT to_jsonb(t)::text FROM invalid_blobs t ORDER BY blob_id`,
		`SELECT to_jsonb(t)::text FROM epochs t ORDER BY epoch`,
		`SELECT to_jsonb(t)::text FROM committees t ORDER BY epoch, node_id`,
		`SELECT to_jsonb(t)::text FROM nodes t ORDER BY node_id`,
		`SELECT to_jsonb(t)::text FROM stake t ORDER BY node_id, epoch`,
		`SELECT to_jsonb(t)::text FROM rewards t ORDER BY node_id, epoch`,
		`SELECT to_jsonb(t)::text FROM stats t`,
	} {
		rows, err := pool.Query(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			b.WriteString(s + "\n")
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
	}
	return b.String()
}

func watermark(t *testing.T, url string) (ingest.Watermark, bool) {
	t.Helper()
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	wm, ok, err := ingest.ReadWatermark(ctx, pool, PipelineName)
	if err != nil && !strings.Contains(err.Error(), "does not exist") {
		t.Fatal(err)
	}
	return wm, ok
}

func sameDump(t *testing.T, got, want string) {
	t.Helper()
	if got == want {
		return
	}
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range min(len(g), len(w)) {
		if g[i] != w[i] {
			t.Fatalf("databases differ at line %d (of %d vs %d):\n got: %s\nwant: %s", i, len(g), len(w), g[i], w[i])
		}
	}
	t.Fatalf("databases differ in length: %d vs %d lines", len(g), len(w))
}

// TestCrashBetweenBatchesResumes proves that a run stopped by a failure in the middle
// of ingestion (the source failing at checkpoint 57) leaves the tables exactly as a
// clean run to its watermark would, and that the next run resumes from the watermark to
// the same state as a run that never failed: no gap, no duplicate, same derived rows.
func TestCrashBetweenBatchesResumes(t *testing.T) {
	ref := pgtest.URL(t)
	if err := runTo(t, ref, 120, newGenSource(1<<40)); err != nil {
		t.Fatal(err)
	}
	want := dump(t, ref)

	url := pgtest.URL(t)
	src := newGenSource(1 << 40)
	src.failAt = u64(57)
	if err := runTo(t, url, 120, src); !errors.Is(err, errInjected) {
		t.Fatalf("Run = %v, want the injected failure", err)
	}
	wm, ok := watermark(t, url)
	if !ok || wm.Checkpoint != 56 {
		t.Fatalf("watermark after the failure = %+v, %v; want 56 (everything processed before it committed)", wm, ok)
	}
	partial := pgtest.URL(t)
	if err := runTo(t, partial, 56, newGenSource(1<<40)); err != nil {
		t.Fatal(err)
	}
	sameDump(t, dump(t, url), dump(t, partial))
	if err := runTo(t, url, 120, newGenSource(1<<40)); err != nil {
		t.Fatal(err)
	}
	sameDump(t, dump(t, url), want)
}

const childEnv = "TUSK_INDEXER_TEST_CHILD_DB"

// runChild is the child process of TestKilledProcessResumes: it ingests the generator's
// chain slowly, forever, until it is killed.
func runChild(url string) int {
	cfg := testConfig(url)
	cfg.BatchCheckpoints = 3
	src := newGenSource(1 << 40)
	src.delay = 2 * time.Millisecond
	ix, err := New(cfg, Deps{Source: src})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	if err := ix.Run(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// TestKilledProcessResumes proves the claim that matters most: an indexer process
// killed with SIGKILL at an arbitrary moment (mid-batch, mid-transaction) leaves no
// partial checkpoint behind, and a new process resumes after the watermark and reaches
// exactly the state of an indexer that was never killed.
func TestKilledProcessResumes(t *testing.T) {
	url := pgtest.URL(t)
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	for round := range 4 {
		cmd := exec.Command(exe, "-test.run=^$")
		cmd.Env = append(os.Environ(), childEnv+"="+url)
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		target := uint64(30 + 30*round)
		deadline := time.Now().Add(60 * time.Second)
		for {
			if wm, ok := watermark(t, url); ok && wm.Checkpoint >= target {
				break
			}
			if time.Now().After(deadline) {
				_ = cmd.Process.Kill()
				t.Fatalf("round %d: the child did not reach checkpoint %d", round, target)
			}
			time.Sleep(5 * time.Millisecond)
		}
		// Kill it while it keeps committing (a batch every few ms), at a different
		// moment of the batch cycle each round.
		time.Sleep(time.Duration(1+5*round) * time.Millisecond)
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		_ = cmd.Wait()
		wm, _ := watermark(t, url)
		t.Logf("round %d: killed at watermark %d", round, wm.Checkpoint)
	}
	wm, _ := watermark(t, url)
	last := wm.Checkpoint + 25
	if err := runTo(t, url, last, newGenSource(1<<40)); err != nil {
		t.Fatal(err)
	}
	ref := pgtest.URL(t)
	if err := runTo(t, ref, last, newGenSource(1<<40)); err != nil {
		t.Fatal(err)
	}
	sameDump(t, dump(t, url), dump(t, ref))
}

// TestServeLive proves the assembled service: it migrates, ingests a live chain, serves
// the API (summary with the chain lag), /metrics and /healthz, and the feed, which a
// feed.Client follows from the start through live checkpoints, in order, each event
// decodable; and it stops cleanly when its context is cancelled.
func TestServeLive(t *testing.T) {
	url := pgtest.URL(t)
	src := newGenSource(30)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ix, err := New(testConfig(url), Deps{Source: src, Logger: zaptest.NewLogger(t, zaptest.Level(zap.WarnLevel)),
		Listener: ln, TipInterval: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ix.Run(ctx) }()
	select {
	case <-ix.Ready():
	case err := <-done:
		t.Fatal(err)
	case <-time.After(30 * time.Second):
		t.Fatal("not ready")
	}
	base := "http://" + ix.Addr().String()

	fc, err := feed.NewClient(base, nil, zaptest.NewLogger(t, zaptest.Level(zap.WarnLevel)))
	if err != nil {
		t.Fatal(err)
	}
	var got []feed.Event
	fctx, fcancel := context.WithTimeout(ctx, 30*time.Second)
	defer fcancel()
	grown := false
	errDone := errors.New("done")
	err = fc.Follow(fctx, nil, func(_ context.Context, e *feed.Event) error {
		got = append(got, *e)
		if e.Checkpoint >= 20 && !grown {
			grown = true
			go func() {
				for tip := uint64(31); tip <= 60; tip++ {
					src.setTip(tip)
					time.Sleep(3 * time.Millisecond)
				}
			}()
		}
		if e.Checkpoint == 60 && e.Name == "BlobRegistered" && e.Index > 0 {
			// The last Walrus event of checkpoint 60 (three registrations end it).
			if n := len(got); n >= 3 && got[n-3].Checkpoint == 60 && got[n-3].Name == "BlobRegistered" {
				return errDone
			}
		}
		return nil
	})
	if !errors.Is(err, errDone) {
		t.Fatalf("Follow = %v after %d events", err, len(got))
	}
	for i, e := range got {
		if i > 0 && !got[i-1].Position.Less(e.Position) {
			t.Fatalf("feed out of order at %d", i)
		}
		if e.Derived() {
			if _, err := e.NodeRewards(); err != nil {
				t.Fatal(err)
			}
		} else if _, err := e.Walrus(); err != nil {
			t.Fatal(err)
		}
	}
	// Everything the feed gave is what the events table holds, in the same order.
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	var n int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM events WHERE checkpoint <= 60`).Scan(&n); err != nil || n != len(got) {
		t.Fatalf("events up to 60 = %d (%v), feed gave %d", n, err, len(got))
	}

	body := func(path string) string {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s = %d %s", path, resp.StatusCode, b)
		}
		return string(b)
	}
	if !strings.Contains(body("/metrics"), "tusk_indexer_rows_committed_total") {
		t.Fatal("no rows metric")
	}
	if body("/healthz") != "ok\n" {
		t.Fatal("healthz")
	}
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(body("/v1/summary"), `"checkpoint_lag":0`) {
		if time.Now().After(deadline) {
			t.Fatalf("summary never caught up: %s", body("/v1/summary"))
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !strings.Contains(body("/v1/summary"), `"chain_checkpoint":60`) {
		t.Fatalf("summary = %s", body("/v1/summary"))
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run after cancel = %v, want nil", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("Run did not stop")
	}
}

// TestServeOnlyAndSchemaCheck proves that without migrate_on_start an unmigrated
// database is refused, and that serve_only needs no source.
func TestServeOnlyAndSchemaCheck(t *testing.T) {
	url := pgtest.URL(t)
	cfg := testConfig(url)
	cfg.MigrateOnStart = false
	ix, err := New(cfg, Deps{Source: newGenSource(1)})
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Run(context.Background()); err == nil || !strings.Contains(err.Error(), "tusk migrate") {
		t.Fatalf("Run on an empty database = %v, want a schema error", err)
	}
	cfg.MigrateOnStart = true
	if _, err := New(cfg, Deps{}); err != nil {
		t.Fatal(err)
	}
	ix, _ = New(cfg, Deps{})
	if err := ix.Run(context.Background()); !errors.Is(err, ErrNoSource) {
		t.Fatalf("Run without a source = %v", err)
	}
	cfg.WalrusPackage = ""
	if _, err := New(cfg, Deps{Source: newGenSource(1)}); !errors.Is(err, ErrNoPackage) {
		t.Fatalf("New without a package = %v", err)
	}
	pkg := fixture.Package
	if _, err := New(cfg, Deps{Source: newGenSource(1), Package: &pkg}); err != nil {
		t.Fatalf("New with the client's package: %v", err)
	}
	cfg.ServeOnly = true
	ix, err = New(cfg, Deps{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ix.Run(ctx) }()
	<-ix.Ready()
	resp, err := http.Get("http://" + ix.Addr().String() + "/v1/summary")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("summary in serve-only mode: %d", resp.StatusCode)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestConfigValidate(t *testing.T) {
	good := Default()
	good.WalrusPackage = "0x5a17"
	if err := good.Validate(); err != nil {
		t.Fatalf("defaults with a package: %v", err)
	}
	bad := good
	bad.DatabaseURL = "postgres://[::1"
	bad.Listen = "nowhere"
	bad.WalrusPackage = "walrus"
	bad.FirstCheckpoint, bad.LastCheckpoint = u64(10), u64(5)
	bad.BatchCheckpoints = 0
	bad.QueryTimeout = 0
	bad.MaxPageSize = 0
	err := bad.Validate()
	if err == nil {
		t.Fatal("bad config accepted")
	}
	for _, field := range []string{"database_url", "listen", "walrus_package", "last_checkpoint", "batch_checkpoints", "query_timeout", "max_page_size"} {
		if !strings.Contains(err.Error(), field) {
			t.Errorf("no error for %s in %v", field, err)
		}
	}
	if d := Default(); d.Validate() != nil {
		t.Fatalf("defaults: %v", d.Validate())
	}
}
