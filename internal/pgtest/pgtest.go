// Package pgtest gives each test a fresh, empty PostgreSQL database.
//
// It connects to the server at $TUSK_TEST_DATABASE_URL (default
// postgres://postgres@127.0.0.1:5432/postgres), creates a database with a
// unique name for the test and drops it when the test ends. If that server
// does not answer within a couple of seconds, pgtest starts a throwaway
// server of its own from the PostgreSQL binaries on the machine (initdb and
// postgres, found on PATH or under /usr/lib/postgresql/*/bin), shared by all
// tests of the test process. A package whose tests use pgtest should stop
// that server at the end with
//
//	func TestMain(m *testing.M) { pgtest.Main(m) }
//
// If there is neither a server nor the binaries, the test fails with a
// message saying how to provide one; it is never skipped silently.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/tuskstore/tusk/internal/pgserver"
)

const (
	// EnvURL names the environment variable holding the URL of the server
	// that tests use. The user must be allowed to CREATE DATABASE.
	EnvURL = "TUSK_TEST_DATABASE_URL"
	// DefaultURL is used when EnvURL is unset or empty.
	DefaultURL = "postgres://postgres@127.0.0.1:5432/postgres"

	// pingTimeout bounds the wait for the configured server to answer.
	pingTimeout = 2 * time.Second
	// opTimeout bounds CREATE DATABASE and DROP DATABASE.
	opTimeout = 30 * time.Second
)

// shared is the test process's harness: one resolution of the server per
// configured URL and at most one throwaway server, for all tests of the
// process. It is the package's only state, as a test harness needs.
var shared = newHarness()

// Main runs the tests and then stops the throwaway server, if one was
// started, before exiting with the tests' status. Call it from TestMain.
func Main(m *testing.M) { os.Exit(Run(m)) }

// Run is Main without the exit: it returns the tests' status, for a TestMain
// that has cleanup of its own to do before it exits.
func Run(m *testing.M) int {
	code := m.Run()
	if err := shared.close(); err != nil {
		fmt.Fprintf(os.Stderr, "pgtest: %v\n", err)
		if code == 0 {
			code = 1
		}
	}
	return code
}

// URL creates a fresh, empty database for t and returns a URL (or DSN) for
// it. The database is dropped, connections and all, when t ends.
func URL(t testing.TB) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), pgserver.StartTimeout+pingTimeout)
	defer cancel()
	admin, err := shared.adminURL(ctx, configuredURL())
	if err != nil {
		t.Fatalf("%v", err)
	}
	name := databaseName(t.Name())
	dbURL, err := createDatabase(admin, name)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(func() {
		if err := dropDatabase(admin, name); err != nil {
			t.Errorf("pgtest: %v", err)
		}
	})
	return dbURL
}

// New creates a fresh, empty database for t (see URL) and returns a pool
// connected to it, closed when t ends.
func New(t testing.TB) *pgxpool.Pool {
	t.Helper()
	u := URL(t)
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	pool, err := pgxpool.New(ctx, u)
	if err != nil {
		t.Fatalf("pgtest: open pool: %v", err)
	}
	// Registered after URL's cleanup, so it runs before the drop.
	t.Cleanup(pool.Close)
	if err := pool.Ping(ctx); err != nil {
		t.Fatalf("pgtest: ping %s: %v", redact(u), err)
	}
	return pool
}

func configuredURL() string {
	if u := os.Getenv(EnvURL); u != "" {
		return u
	}
	return DefaultURL
}

// NoServerError says that tests have no PostgreSQL server, and how to give
// them one.
type NoServerError struct {
	URL        string // the configured URL, password redacted
	ConnectErr error  // why it did not answer
	StartErr   error  // why no throwaway server could be started
}

func (e *NoServerError) Error() string {
	return fmt.Sprintf("pgtest: no PostgreSQL server for the tests.\n"+
		"  %s: %v\n"+
		"  and no throwaway server could be started: %v\n"+
		"Fix it in one of two ways:\n"+
		"  - set %s to a server where the user may CREATE DATABASE, e.g. %s\n"+
		"  - or install the PostgreSQL server binaries (Debian/Ubuntu: apt-get install postgresql) so that\n"+
		"    initdb and postgres are on PATH or under /usr/lib/postgresql/<version>/bin",
		e.URL, e.ConnectErr, e.StartErr, EnvURL, DefaultURL)
}

func (e *NoServerError) Unwrap() []error { return []error{e.ConnectErr, e.StartErr} }

// harness resolves which server the tests use and owns the throwaway
// server, if it starts one.
type harness struct {
	findBin func() (string, error) // directory holding initdb and postgres

	mu       sync.Mutex
	resolved map[string]resolution // by configured URL
	started  bool                  // a throwaway server was tried
	cluster  *pgserver.Server
	startErr error
}

type resolution struct {
	url string
	err error
}

func newHarness() *harness {
	return &harness{findBin: pgserver.FindBinDir, resolved: map[string]resolution{}}
}

// adminURL returns the URL of a server to create test databases on: the
// configured one if it answers within pingTimeout, else the throwaway server,
// started on first need. The outcome for each configured URL is remembered,
// so an unreachable server costs the wait once per process.
func (h *harness) adminURL(ctx context.Context, configured string) (string, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if r, ok := h.resolved[configured]; ok {
		return r.url, r.err
	}
	connErr := pgserver.Ping(ctx, configured, pingTimeout)
	if connErr == nil {
		h.resolved[configured] = resolution{url: configured}
		return configured, nil
	}
	if !h.started {
		h.started = true
		h.cluster, h.startErr = h.startCluster(ctx)
	}
	r := resolution{err: &NoServerError{URL: redact(configured), ConnectErr: connErr, StartErr: h.startErr}}
	if h.startErr == nil {
		r = resolution{url: h.cluster.URL}
	}
	h.resolved[configured] = r
	return r.url, r.err
}

func (h *harness) startCluster(ctx context.Context) (*pgserver.Server, error) {
	dir, err := h.findBin()
	if err != nil {
		return nil, err
	}
	return pgserver.StartThrowaway(ctx, dir)
}

// close stops the throwaway server, if there is one.
func (h *harness) close() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	c := h.cluster
	h.cluster = nil
	h.resolved = map[string]resolution{}
	h.started = false
	h.startErr = nil
	if c == nil {
		return nil
	}
	return c.Stop()
}

func createDatabase(admin, name string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	return pgserver.CreateDatabase(ctx, admin, name)
}

func dropDatabase(admin, name string) error {
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	return pgserver.DropDatabase(ctx, admin, name)
}

var notIdent = regexp.MustCompile(`[^a-z0-9_]+`)

// databaseName returns tusk_test_<pkg>_<test>_<random>, at most 63 bytes
// (PostgreSQL's identifier limit), lower-case letters, digits and '_'.
func databaseName(testName string) string {
	pkg := strings.TrimSuffix(filepath.Base(os.Args[0]), ".test")
	clean := func(s string) string {
		return strings.Trim(notIdent.ReplaceAllString(strings.ToLower(s), "_"), "_")
	}
	var rnd [4]byte
	_, _ = rand.Read(rnd[:])
	suffix := "_" + hex.EncodeToString(rnd[:])
	name := "tusk_test_" + clean(pkg) + "_" + clean(testName)
	if limit := 63 - len(suffix); len(name) > limit {
		name = name[:limit]
	}
	return strings.TrimRight(name, "_") + suffix
}

func redact(connString string) string { return pgserver.Redact(connString) }
