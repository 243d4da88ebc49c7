package pgserver

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// TestPersistentServerKeepsItsData starts a server on a data directory, creates a
// database with a row, stops it, starts it again and finds the row; EnsureDatabase
// accepts the existing database.
func TestPersistentServerKeepsItsData(t *testing.T) {
	bin, err := FindBinDir()
	if err != nil {
		t.Fatalf("this test needs the PostgreSQL server binaries: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	// Not t.TempDir(): as root the server runs as the postgres user, who must be able
	// to reach the directory.
	base, err := os.MkdirTemp("", "tusk-pgserver-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(base) })
	if err := os.Chmod(base, 0o755); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(base, "pg")
	s, err := StartPersistent(ctx, bin, dir)
	if err != nil {
		t.Fatal(err)
	}
	db, err := EnsureDatabase(ctx, s.URL, "keep")
	if err != nil {
		t.Fatal(err)
	}
	exec := func(db, sql string) {
		t.Helper()
		conn, err := pgx.Connect(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, sql); err != nil {
			t.Fatal(err)
		}
	}
	exec(db, "CREATE TABLE t (v int); INSERT INTO t VALUES (42)")
	if err := s.Stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "data", "PG_VERSION")); err != nil {
		t.Fatalf("data directory gone: %v", err)
	}

	s2, err := StartPersistent(ctx, bin, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Stop()
	db2, err := EnsureDatabase(ctx, s2.URL, "keep")
	if err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, db2)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var v int
	if err := conn.QueryRow(ctx, "SELECT v FROM t").Scan(&v); err != nil || v != 42 {
		t.Fatalf("row after restart: %d, %v", v, err)
	}
}
