package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tuskstore/tusk/internal/pgserver"
)

func TestMain(m *testing.M) { Main(m) }

func adminConn(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("connect %s: %v", redact(url), err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func databaseExists(t *testing.T, conn *pgx.Conn, name string) bool {
	t.Helper()
	var n int
	err := conn.QueryRow(context.Background(), "SELECT count(*) FROM pg_database WHERE datname = $1", name).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n == 1
}

// TestURLGivesFreshDatabaseDroppedAtCleanup runs against whatever server
// the process resolved: the configured one normally, the throwaway one if
// that does not answer.
func TestURLGivesFreshDatabaseDroppedAtCleanup(t *testing.T) {
	var name, admin string
	t.Run("inner", func(t *testing.T) {
		u := URL(t)
		ctx := context.Background()
		conn, err := pgx.Connect(ctx, u)
		if err != nil {
			t.Fatalf("connect to the test database: %v", err)
		}
		// An open connection at cleanup must not stop the drop (FORCE).
		if err := conn.QueryRow(ctx, "SELECT current_database()").Scan(&name); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(name, "tusk_test_pgtest_testurlgivesfreshdatabase") {
			t.Errorf("database name %q lacks the tusk_test_<pkg>_<test> prefix", name)
		}
		var tables int
		if err := conn.QueryRow(ctx, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").Scan(&tables); err != nil {
			t.Fatal(err)
		}
		if tables != 0 {
			t.Errorf("fresh database has %d tables", tables)
		}
		if _, err := conn.Exec(ctx, "CREATE TABLE t (x int); INSERT INTO t VALUES (1)"); err != nil {
			t.Fatal(err)
		}
		admin, err = shared.adminURL(ctx, configuredURL())
		if err != nil {
			t.Fatal(err)
		}
		if !databaseExists(t, adminConn(t, admin), name) {
			t.Fatalf("database %s not found on the server", name)
		}
	})
	if name == "" {
		t.Fatal("inner test did not run")
	}
	if databaseExists(t, adminConn(t, admin), name) {
		t.Fatalf("database %s still exists after the test ended", name)
	}
}

func TestNewPoolsAreIsolated(t *testing.T) {
	a, b := New(t), New(t)
	ctx := context.Background()
	if _, err := a.Exec(ctx, "CREATE TABLE only_in_a (id int)"); err != nil {
		t.Fatal(err)
	}
	var dbA, dbB string
	if err := a.QueryRow(ctx, "SELECT current_database()").Scan(&dbA); err != nil {
		t.Fatal(err)
	}
	if err := b.QueryRow(ctx, "SELECT current_database()").Scan(&dbB); err != nil {
		t.Fatal(err)
	}
	if dbA == dbB {
		t.Fatalf("two calls gave the same database %s", dbA)
	}
	var n int
	if err := b.QueryRow(ctx, "SELECT count(*) FROM pg_tables WHERE tablename = 'only_in_a'").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatal("a table created in one test database is visible in another")
	}
}

func TestParallelUse(t *testing.T) {
	for i := range 4 {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			t.Parallel()
			pool := New(t)
			var one int
			if err := pool.QueryRow(context.Background(), "SELECT 1").Scan(&one); err != nil || one != 1 {
				t.Fatalf("SELECT 1 = %d, %v", one, err)
			}
		})
	}
}

// deadURL points at a port on which nothing listens.
func deadURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres", l.Addr().(*net.TCPAddr).Port)
}

// TestFallbackStartsThrowawayServer exercises the path taken when the
// configured server does not answer: a server is started from the local
// binaries, used, and stopped with its directory removed.
func TestFallbackStartsThrowawayServer(t *testing.T) {
	if _, err := pgserver.FindBinDir(); err != nil {
		t.Fatalf("this test needs the PostgreSQL server binaries: %v", err)
	}
	h := newHarness()
	t.Cleanup(func() { _ = h.close() })
	ctx := context.Background()
	dead := deadURL(t)

	start := time.Now()
	admin, err := h.adminURL(ctx, dead)
	if err != nil {
		t.Fatalf("adminURL(%s) = %v", dead, err)
	}
	t.Logf("throwaway server up in %s at %s", time.Since(start).Round(time.Millisecond), admin)
	if admin == dead {
		t.Fatal("adminURL returned the dead server")
	}
	again, err := h.adminURL(ctx, dead)
	if err != nil || again != admin {
		t.Fatalf("second adminURL = %q, %v; want the same server %q", again, err, admin)
	}

	conn := adminConn(t, admin)
	var dataDir string
	if err := conn.QueryRow(ctx, "SHOW data_directory").Scan(&dataDir); err != nil {
		t.Fatal(err)
	}
	tmpDir := filepath.Dir(dataDir)
	if !strings.HasPrefix(filepath.Base(tmpDir), fmt.Sprintf("tusk-pgtest-%d-", os.Getpid())) {
		t.Fatalf("data directory %s is not a throwaway one of this process", dataDir)
	}

	// A database can be created and dropped on it, as URL does.
	name := databaseName(t.Name())
	dbURL, err := createDatabase(admin, name)
	if err != nil {
		t.Fatal(err)
	}
	if err := pgserver.Ping(ctx, dbURL, 5*time.Second); err != nil {
		t.Fatalf("ping the new database: %v", err)
	}
	if err := dropDatabase(admin, name); err != nil {
		t.Fatal(err)
	}
	conn.Close(ctx)

	if err := h.close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	if err := pgserver.Ping(ctx, admin, time.Second); err == nil {
		t.Error("the throwaway server still answers after close")
	}
	if _, err := os.Stat(tmpDir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("directory %s not removed: %v", tmpDir, err)
	}
}

func TestNoServerNoBinariesSaysHowToFix(t *testing.T) {
	h := newHarness()
	h.findBin = func() (string, error) { return "", pgserver.ErrNoBinaries }
	dead := deadURL(t)
	dead = strings.Replace(dead, "postgres@", "postgres:secret@", 1)
	_, err := h.adminURL(context.Background(), dead)
	var nse *NoServerError
	if !errors.As(err, &nse) {
		t.Fatalf("adminURL = %v, want a NoServerError", err)
	}
	if !errors.Is(err, pgserver.ErrNoBinaries) {
		t.Errorf("error does not carry the start failure: %v", err)
	}
	msg := err.Error()
	for _, want := range []string{EnvURL, DefaultURL, "apt-get install postgresql", "initdb", "127.0.0.1"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "secret") {
		t.Errorf("message shows the password:\n%s", msg)
	}
	// The outcome is remembered: no second wait, no second start attempt.
	calls := 0
	h.findBin = func() (string, error) { calls++; return "", pgserver.ErrNoBinaries }
	if _, err2 := h.adminURL(context.Background(), dead); err2 == nil || calls != 0 {
		t.Errorf("second call: err %v, start attempts %d; want the remembered error", err2, calls)
	}
}

// fatalTB records Fatalf instead of ending the test.
type fatalTB struct {
	testing.TB
	mu  sync.Mutex
	msg string
}

func (f *fatalTB) Helper()      {}
func (f *fatalTB) Name() string { return "Fake" }
func (f *fatalTB) Fatalf(format string, args ...any) {
	f.mu.Lock()
	f.msg = fmt.Sprintf(format, args...)
	f.mu.Unlock()
	panic(f)
}

func TestURLFailsLoudlyWithoutServer(t *testing.T) {
	saved := shared
	t.Cleanup(func() { shared = saved })
	shared = newHarness()
	shared.findBin = func() (string, error) { return "", pgserver.ErrNoBinaries }
	t.Setenv(EnvURL, deadURL(t))

	fake := &fatalTB{TB: t}
	func() {
		defer func() {
			if r := recover(); r != fake {
				panic(r)
			}
		}()
		URL(fake)
		t.Fatal("URL returned without a server")
	}()
	if !strings.Contains(fake.msg, "no PostgreSQL server") || !strings.Contains(fake.msg, EnvURL) {
		t.Fatalf("Fatalf message = %q", fake.msg)
	}
}

func TestDatabaseName(t *testing.T) {
	a := databaseName("TestFoo/sub case-1")
	b := databaseName("TestFoo/sub case-1")
	if a == b {
		t.Errorf("two names are equal: %s", a)
	}
	if !strings.HasPrefix(a, "tusk_test_pgtest_testfoo_sub_case_1_") {
		t.Errorf("name = %s", a)
	}
	long := databaseName(strings.Repeat("TestVeryLongName", 10))
	if len(long) > 63 {
		t.Errorf("name %s is %d bytes, over PostgreSQL's 63", long, len(long))
	}
	for _, n := range []string{a, long} {
		if strings.Trim(n, "abcdefghijklmnopqrstuvwxyz0123456789_") != "" {
			t.Errorf("name %q has characters outside [a-z0-9_]", n)
		}
	}
}

func TestWithDatabase(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"postgres://u:p@h:5432/postgres?sslmode=disable", "postgres://u:p@h:5432/db1?sslmode=disable"},
		{"postgresql://h/other", "postgresql://h/db1"},
		{"host=/tmp port=5433 dbname=postgres", "host=/tmp port=5433 dbname=postgres dbname=db1"},
	} {
		got, err := pgserver.WithDatabase(tt.in, "db1")
		if err != nil || got != tt.want {
			t.Errorf("pgserver.WithDatabase(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
		if cfg, err := pgx.ParseConfig(got); err != nil || cfg.Database != "db1" {
			t.Errorf("pgserver.WithDatabase(%q) = %q does not parse to database db1: %v", tt.in, got, err)
		}
	}
}
