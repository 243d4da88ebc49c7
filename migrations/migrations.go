package migrations

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/tern/v2/migrate"
)

//go:embed *.sql
var files embed.FS

// FS is the migration files, NNN_name.sql at its root.
func FS() fs.FS { return files }

// VersionTable is the table in which tern records the schema version.
const VersionTable = "public.tusk_schema_version"

// lockKey is the advisory lock held around a migration run (in addition to tern's own),
// covering the creation of the version table, which tern does before taking its lock.
const lockKey = int64(0x7475736b6d696772) // "tuskmigr"

// ErrSchemaBehind is returned by Check when the database has not been migrated to the
// version this binary needs; run `tusk migrate`.
var ErrSchemaBehind = errors.New("migrations: database schema is behind: run tusk migrate")

// ErrSchemaAhead is returned by Check when the database was migrated by a newer binary.
var ErrSchemaAhead = errors.New("migrations: database schema is newer than this binary")

// Latest is the version the embedded migrations bring a database to.
func Latest() (int32, error) {
	names, err := migrate.FindMigrations(files)
	if err != nil {
		return 0, fmt.Errorf("migrations: %w", err)
	}
	return int32(len(names)), nil
}

// Result says what Migrate did.
type Result struct {
	From, To int32
	Applied  []string // names of the migrations applied, in order
}

// Migrate applies the pending migrations to the database conn is connected to, each in
// its own transaction, and returns the versions before and after. It is safe to run
// from several processes at once.
func Migrate(ctx context.Context, conn *pgx.Conn) (res Result, err error) {
	return MigrateTo(ctx, conn, -1)
}

// MigrateTo is Migrate up (or down) to version target; a negative target means the
// latest version.
func MigrateTo(ctx context.Context, conn *pgx.Conn, target int32) (res Result, err error) {
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", lockKey); err != nil {
		return res, fmt.Errorf("migrations: taking the migration lock: %w", err)
	}
	defer func() {
		// A cancelled ctx must not leave the session holding the lock.
		if _, uerr := conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", lockKey); uerr != nil && err == nil {
			err = fmt.Errorf("migrations: releasing the migration lock: %w", uerr)
		}
	}()
	m, err := newMigrator(ctx, conn)
	if err != nil {
		return res, err
	}
	if res.From, err = m.GetCurrentVersion(ctx); err != nil {
		return res, fmt.Errorf("migrations: reading the schema version: %w", err)
	}
	if target < 0 {
		target = int32(len(m.Migrations))
	}
	m.OnStart = func(seq int32, name, direction, _ string) {
		res.Applied = append(res.Applied, fmt.Sprintf("%s %03d %s", direction, seq, name))
	}
	if err := m.MigrateTo(ctx, target); err != nil {
		return res, fmt.Errorf("migrations: migrating from version %d to %d: %w", res.From, target, err)
	}
	res.To = target
	return res, nil
}

// Version returns the schema version of the database (0 for an empty one).
func Version(ctx context.Context, conn *pgx.Conn) (int32, error) {
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT to_regclass($1) IS NOT NULL", VersionTable).Scan(&exists); err != nil {
		return 0, fmt.Errorf("migrations: reading the schema version: %w", err)
	}
	if !exists {
		return 0, nil
	}
	var v int32
	if err := conn.QueryRow(ctx, "SELECT version FROM "+VersionTable).Scan(&v); err != nil {
		return 0, fmt.Errorf("migrations: reading the schema version: %w", err)
	}
	return v, nil
}

// Check returns nil if the database is at the latest version, an error matching
// ErrSchemaBehind or ErrSchemaAhead if not.
func Check(ctx context.Context, conn *pgx.Conn) error {
	latest, err := Latest()
	if err != nil {
		return err
	}
	v, err := Version(ctx, conn)
	if err != nil {
		return err
	}
	switch {
	case v < latest:
		return fmt.Errorf("%w (database at version %d, this binary needs %d)", ErrSchemaBehind, v, latest)
	case v > latest:
		return fmt.Errorf("%w (database at version %d, this binary knows %d)", ErrSchemaAhead, v, latest)
	}
	return nil
}

func newMigrator(ctx context.Context, conn *pgx.Conn) (*migrate.Migrator, error) {
	m, err := migrate.NewMigrator(ctx, conn, VersionTable)
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	if err := m.LoadMigrations(files); err != nil {
		return nil, fmt.Errorf("migrations: loading the embedded migrations: %w", err)
	}
	return m, nil
}
