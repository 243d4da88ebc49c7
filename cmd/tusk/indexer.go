package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"
	"go.uber.org/zap"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/config"
	"github.com/tuskstore/tusk/indexer"
	"github.com/tuskstore/tusk/internal/logging"
)

// indexerEnvPrefix prefixes the environment overrides of the indexer configuration.
const indexerEnvPrefix = "TUSK_INDEXER"

// The chain client is the indexer's checkpoint source and tells it the chain's tip.
var (
	_ indexer.CheckpointSource = (*chain.Client)(nil)
	_ indexer.ChainTip         = (*chain.Client)(nil)
	_ indexer.StateSource      = (*chain.Client)(nil)
)

// newIndexerSource dials the Sui full node of cfg (read-only). The client is the
// checkpoint source, and the deployment it discovers gives the Walrus package's original
// ID. Tests replace it.
var newIndexerSource = func(ctx context.Context, cfg chain.Config, log *zap.Logger) (indexer.CheckpointSource, walrus.ID, func(), error) {
	c, err := chain.Dial(ctx, cfg, chain.Options{Logger: log})
	if err != nil {
		return nil, walrus.ID{}, nil, fmt.Errorf("indexer: connecting to the chain: %w", err)
	}
	return c, c.Deployment().OriginalPackage, func() { _ = c.Close() }, nil
}

func newIndexerCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "indexer",
		Short: "Index Walrus into Postgres; serve the explorer API and the event feed",
		Long: "indexer follows Sui checkpoints, writes the Walrus events, blobs, epochs, committees, nodes,\n" +
			"stake and rewards into Postgres, and serves them over HTTP: the explorer API (/v1/...), the\n" +
			"event feed storage nodes follow (/v1/feed, server-sent events), /metrics and /healthz.",
	}
	cmd.AddCommand(newIndexerRunCmd(a))
	return cmd
}

func newIndexerRunCmd(a *app) *cobra.Command {
	var (
		first, last        uint64
		serveOnly, migrate bool
	)
	cmd := &cobra.Command{
		Use:   "run",
		Short: "Run the indexer (ingestion and HTTP server) until interrupted",
		Long: "run loads --config (YAML; every field can be overridden by TUSK_INDEXER_<FIELD>), then ingests\n" +
			"checkpoints and serves HTTP on listen until interrupted. With --last-checkpoint it exits once\n" +
			"that checkpoint is committed. It resumes after the last committed checkpoint on restart.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg := indexer.Default()
			err := config.Load(a.configPath, &cfg, indexerEnvPrefix)
			if err != nil && !indexerOnlyFieldErrors(err) {
				return err
			}
			// The flags override the file and the environment; then validate it all.
			f := cmd.Flags()
			if f.Changed("first-checkpoint") {
				cfg.FirstCheckpoint = &first
			}
			if f.Changed("last-checkpoint") {
				cfg.LastCheckpoint = &last
			}
			if f.Changed("serve-only") {
				cfg.ServeOnly = serveOnly
			}
			if f.Changed("migrate") {
				cfg.MigrateOnStart = migrate
			}
			if err := cfg.Validate(); err != nil {
				return err
			}
			logCfg := cfg.Log
			if a.logLevel != "" {
				logCfg.Level = a.logLevel
			}
			log, err := logging.NewWriter(logCfg, a.stderr)
			if err != nil {
				return err
			}
			defer func() { _ = log.Sync() }()
			deps := indexer.Deps{Logger: log}
			if !cfg.ServeOnly {
				src, pkg, closeSrc, err := newIndexerSource(cmd.Context(), cfg.Chain, log)
				if err != nil {
					return err
				}
				defer closeSrc()
				deps.Source, deps.Package = src, &pkg
				if st, ok := src.(indexer.StateSource); ok {
					deps.State = st
				}
			}
			ix, err := indexer.New(cfg, deps)
			if err != nil {
				return err
			}
			return ix.Run(cmd.Context())
		},
	}
	f := cmd.Flags()
	f.Uint64Var(&first, "first-checkpoint", 0, "checkpoint to start at when the database has no watermark yet")
	f.Uint64Var(&last, "last-checkpoint", 0, "stop (and exit) once this checkpoint is committed")
	f.BoolVar(&serveOnly, "serve-only", false, "serve the API and the feed from the database without ingesting")
	f.BoolVar(&migrate, "migrate", false, "apply the database migrations at start-up (migrate_on_start)")
	return cmd
}

// indexerOnlyFieldErrors reports whether err consists only of validation errors (which the
// command-line flags may still fix), as opposed to an unreadable file or environment.
func indexerOnlyFieldErrors(err error) bool {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			if !indexerOnlyFieldErrors(e) {
				return false
			}
		}
		return true
	}
	var fe *config.FieldError
	return errors.As(err, &fe)
}

// indexerUsageError wraps a message as a usage error of cmd.
func indexerUsageError(cmd *cobra.Command, format string, args ...any) error {
	return &usageError{cmd: cmd, err: fmt.Errorf(format, args...)}
}
