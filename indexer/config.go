package indexer

import (
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/config"
	"github.com/tuskstore/tusk/internal/logging"
)

// Config is the indexer's configuration (the `indexer` section of a tusk config file;
// environment overrides TUSK_INDEXER_<FIELD>).
type Config struct {
	// DatabaseURL is the Postgres connection string (URL or key=value DSN).
	DatabaseURL string `yaml:"database_url"`
	// Listen is host:port of the explorer API, the event feed, /metrics and /healthz.
	Listen string `yaml:"listen"`
	// WalrusPackage is the original ID of the Walrus package: the address in the types
	// of its events and objects, which upgrades keep. Empty: the one the chain client
	// discovers (Deps.Package).
	WalrusPackage string `yaml:"walrus_package"`
	// FirstCheckpoint is where a new database starts (default 0); LastCheckpoint, if
	// set, is where ingestion stops and the process exits (backfills).
	FirstCheckpoint *uint64 `yaml:"first_checkpoint"`
	LastCheckpoint  *uint64 `yaml:"last_checkpoint"`
	// BatchCheckpoints and BatchRows bound a commit; FlushInterval is the longest
	// processed data waits for one.
	BatchCheckpoints int           `yaml:"batch_checkpoints"`
	BatchRows        int           `yaml:"batch_rows"`
	FlushInterval    time.Duration `yaml:"flush_interval"`
	// MigrateOnStart applies the migrations at start-up; otherwise the schema must be
	// current (tusk migrate).
	MigrateOnStart bool `yaml:"migrate_on_start"`
	// ServeOnly serves the API and the feed from the database without ingesting (a
	// read replica, or another process ingests).
	ServeOnly bool `yaml:"serve_only"`
	// QueryTimeout bounds every API and feed query (it is also the Postgres
	// statement_timeout of their connections).
	QueryTimeout time.Duration `yaml:"query_timeout"`
	// MaxPageSize is the largest ?limit= the API accepts.
	MaxPageSize int `yaml:"max_page_size"`
	// MaxConns bounds each of the two connection pools (ingestion, queries).
	MaxConns int32 `yaml:"max_conns"`
	// ShutdownTimeout bounds a graceful stop.
	ShutdownTimeout time.Duration `yaml:"shutdown_timeout"`
	// Chain is the Sui full node to read checkpoints from.
	Chain chain.Config   `yaml:"chain"`
	Log   logging.Config `yaml:"log"`
}

// Default returns the defaults: a local Postgres, the API on 127.0.0.1:9190, batches of
// 100 checkpoints or 5000 rows flushed every 200ms, 5-second queries.
func Default() Config {
	return Config{
		DatabaseURL:      "postgres://postgres@127.0.0.1:5432/tusk",
		Listen:           "127.0.0.1:9190",
		BatchCheckpoints: 100,
		BatchRows:        5000,
		FlushInterval:    200 * time.Millisecond,
		QueryTimeout:     5 * time.Second,
		MaxPageSize:      500,
		MaxConns:         8,
		ShutdownTimeout:  30 * time.Second,
		Chain:            chain.Default(),
		Log:              logging.Default(),
	}
}

// Validate reports every bad field.
func (c *Config) Validate() error {
	var errs config.Errors
	if c.DatabaseURL == "" {
		errs.Invalid("database_url", "is required")
	} else if _, err := pgxpool.ParseConfig(c.DatabaseURL); err != nil {
		errs.Invalid("database_url", "is not a Postgres connection string: %v", err)
	}
	errs.Add(config.CheckHostPort("listen", c.Listen))
	if c.WalrusPackage != "" {
		if _, err := walrus.ParseID(c.WalrusPackage); err != nil {
			errs.Invalid("walrus_package", "must be a Sui object ID (0x and up to 64 hex digits), got %q", c.WalrusPackage)
		}
	}
	const maxSeq = 1<<63 - 1
	if c.FirstCheckpoint != nil && *c.FirstCheckpoint > maxSeq {
		errs.Invalid("first_checkpoint", "is out of range")
	}
	if c.LastCheckpoint != nil && *c.LastCheckpoint > maxSeq {
		errs.Invalid("last_checkpoint", "is out of range")
	}
	if c.FirstCheckpoint != nil && c.LastCheckpoint != nil && *c.FirstCheckpoint > *c.LastCheckpoint {
		errs.Invalid("last_checkpoint", "must not be before first_checkpoint (%d), got %d", *c.FirstCheckpoint, *c.LastCheckpoint)
	}
	if c.BatchCheckpoints < 1 || c.BatchCheckpoints > 10_000 {
		errs.Invalid("batch_checkpoints", "must be from 1 to 10000, got %d", c.BatchCheckpoints)
	}
	if c.BatchRows < 1 {
		errs.Invalid("batch_rows", "must be positive, got %d", c.BatchRows)
	}
	if c.FlushInterval <= 0 {
		errs.Invalid("flush_interval", "must be positive, got %s", c.FlushInterval)
	}
	if c.QueryTimeout <= 0 {
		errs.Invalid("query_timeout", "must be positive, got %s", c.QueryTimeout)
	}
	if c.MaxPageSize < 1 || c.MaxPageSize > 10_000 {
		errs.Invalid("max_page_size", "must be from 1 to 10000, got %d", c.MaxPageSize)
	}
	if c.MaxConns < 2 {
		errs.Invalid("max_conns", "must be at least 2, got %d", c.MaxConns)
	}
	if c.ShutdownTimeout <= 0 {
		errs.Invalid("shutdown_timeout", "must be positive, got %s", c.ShutdownTimeout)
	}
	errs.Nested("chain", c.Chain.Validate())
	errs.Nested("log", c.Log.Validate())
	return errs.Err()
}
