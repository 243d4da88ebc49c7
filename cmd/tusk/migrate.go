package main

import (
	"context"
	"fmt"
	"os"

	"github.com/jackc/pgx/v5"
	"github.com/spf13/cobra"

	"github.com/tuskstore/tusk/config"
	"github.com/tuskstore/tusk/indexer"
	"github.com/tuskstore/tusk/migrations"
)

// migrateDatabaseURLEnv is read when neither --database-url nor a config file gives the URL.
const migrateDatabaseURLEnv = "TUSK_DATABASE_URL"

func newMigrateCmd(a *app) *cobra.Command {
	var (
		url    string
		status bool
	)
	cmd := &cobra.Command{
		Use:   "migrate",
		Short: "Apply the database migrations (the indexer's Postgres schema)",
		Long: "migrate brings the Postgres database to the schema this binary needs, applying each pending\n" +
			"migration in its own transaction. It is safe to run while other processes start. The database is\n" +
			"--database-url, else database_url of --config (an indexer configuration), else $" + migrateDatabaseURLEnv + ".",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if url == "" && a.configPath != "" {
				cfg := indexer.Default()
				err := config.Load(a.configPath, &cfg, indexerEnvPrefix)
				if err != nil && !indexerOnlyFieldErrors(err) {
					return err
				}
				url = cfg.DatabaseURL
			}
			if url == "" {
				url = os.Getenv(migrateDatabaseURLEnv)
			}
			if url == "" {
				return indexerUsageError(cmd, "no database: give --database-url, --config or $%s", migrateDatabaseURLEnv)
			}
			ctx := cmd.Context()
			conn, err := pgx.Connect(ctx, url)
			if err != nil {
				return fmt.Errorf("migrate: connecting to the database: %w", err)
			}
			defer conn.Close(context.WithoutCancel(ctx))
			out := cmd.OutOrStdout()
			if status {
				v, err := migrations.Version(ctx, conn)
				if err != nil {
					return err
				}
				latest, err := migrations.Latest()
				if err != nil {
					return err
				}
				fmt.Fprintf(out, "schema version %d of %d\n", v, latest)
				return migrations.Check(ctx, conn)
			}
			res, err := migrations.Migrate(ctx, conn)
			for _, name := range res.Applied {
				fmt.Fprintf(out, "applied %s\n", name)
			}
			if err != nil {
				return err
			}
			if len(res.Applied) == 0 {
				fmt.Fprintf(out, "schema at version %d: nothing to do\n", res.To)
			} else {
				fmt.Fprintf(out, "schema migrated from version %d to %d\n", res.From, res.To)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&url, "database-url", "", "Postgres connection string (URL or key=value DSN)")
	cmd.Flags().BoolVar(&status, "status", false, "print the schema version and fail if it is not current, without migrating")
	return cmd
}
