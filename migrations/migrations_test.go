package migrations

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tuskstore/tusk/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func connect(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func tables(t *testing.T, conn *pgx.Conn) map[string]bool {
	t.Helper()
	rows, err := conn.Query(context.Background(), "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
	if err != nil {
		t.Fatal(err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, n := range names {
		out[n] = true
	}
	return out
}

// TestMigrateFreshThenNoop proves that Migrate brings an empty database to the latest
// version with every table, that Check then accepts it, and that a second run does nothing.
func TestMigrateFreshThenNoop(t *testing.T) {
	ctx := context.Background()
	conn := connect(t, pgtest.URL(t))
	latest, err := Latest()
	if err != nil {
		t.Fatal(err)
	}
	if latest < 2 {
		t.Fatalf("Latest = %d, want at least 2", latest)
	}
	if err := Check(ctx, conn); !errors.Is(err, ErrSchemaBehind) {
		t.Fatalf("Check on an empty database = %v, want ErrSchemaBehind", err)
	}
	res, err := Migrate(ctx, conn)
	if err != nil {
		t.Fatal(err)
	}
	if res.From != 0 || res.To != latest || len(res.Applied) != int(latest) {
		t.Fatalf("first Migrate = %+v, want 0 -> %d with %d applied", res, latest, latest)
	}
	if err := Check(ctx, conn); err != nil {
		t.Fatalf("Check after Migrate: %v", err)
	}
	have := tables(t, conn)
	for _, name := range []string{"watermarks", "events", "blobs", "invalid_blobs", "epochs", "committees", "nodes", "stake", "rewards", "stats", "tusk_schema_version"} {
		if !have[name] {
			t.Errorf("table %s missing after Migrate", name)
		}
	}
	res, err = Migrate(ctx, conn)
	if err != nil {
		t.Fatal(err)
	}
	if res.From != latest || res.To != latest || len(res.Applied) != 0 {
		t.Fatalf("second Migrate = %+v, want a no-op at %d", res, latest)
	}
}

// TestMigrateConcurrent proves that processes migrating the same database at once apply
// each migration exactly once and all succeed.
func TestMigrateConcurrent(t *testing.T) {
	url := pgtest.URL(t)
	latest, _ := Latest()
	const n = 4
	conns := make([]*pgx.Conn, n)
	for i := range conns {
		conns[i] = connect(t, url)
	}
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		applied int
		errs    []error
	)
	for _, c := range conns {
		wg.Add(1)
		go func(c *pgx.Conn) {
			defer wg.Done()
			res, err := Migrate(context.Background(), c)
			mu.Lock()
			defer mu.Unlock()
			applied += len(res.Applied)
			if err != nil {
				errs = append(errs, err)
			}
		}(c)
	}
	wg.Wait()
	if len(errs) > 0 {
		t.Fatalf("concurrent Migrate failed: %v", errors.Join(errs...))
	}
	if applied != int(latest) {
		t.Fatalf("%d migrations applied in total, want %d (each exactly once)", applied, latest)
	}
	if v, err := Version(context.Background(), conns[0]); err != nil || v != latest {
		t.Fatalf("Version = %d, %v; want %d", v, err, latest)
	}
}

// TestMigrateDownAndUp proves that every migration has a working down part: the schema
// goes back to empty and comes up again.
func TestMigrateDownAndUp(t *testing.T) {
	ctx := context.Background()
	conn := connect(t, pgtest.URL(t))
	latest, _ := Latest()
	if _, err := Migrate(ctx, conn); err != nil {
		t.Fatal(err)
	}
	res, err := MigrateTo(ctx, conn, 0)
	if err != nil {
		t.Fatal(err)
	}
	if res.From != latest || res.To != 0 {
		t.Fatalf("down = %+v", res)
	}
	if have := tables(t, conn); len(have) != 1 || !have["tusk_schema_version"] {
		t.Fatalf("tables after migrating down to 0: %v, want only the version table", have)
	}
	if _, err := Migrate(ctx, conn); err != nil {
		t.Fatalf("up again: %v", err)
	}
	if err := Check(ctx, conn); err != nil {
		t.Fatal(err)
	}
}

// TestCheckAhead proves that a database migrated by a newer binary is reported.
func TestCheckAhead(t *testing.T) {
	ctx := context.Background()
	conn := connect(t, pgtest.URL(t))
	if _, err := Migrate(ctx, conn); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, "UPDATE "+VersionTable+" SET version = version + 1"); err != nil {
		t.Fatal(err)
	}
	if err := Check(ctx, conn); !errors.Is(err, ErrSchemaAhead) {
		t.Fatalf("Check = %v, want ErrSchemaAhead", err)
	}
}
