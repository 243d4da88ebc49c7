package main

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"go.uber.org/zap"

	"github.com/tuskstore/tusk/chain/sui"
	"github.com/tuskstore/tusk/internal/pgserver"
)

// localPostgres is the server `tusk devnet` looks for when DATABASE_URL is not set.
const localPostgres = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// devnetDatabase finds the indexer's database: $DATABASE_URL as given; otherwise a
// database named after the chain on the local server (127.0.0.1:5432), created when
// missing; otherwise a server of the devnet's own from the PostgreSQL binaries, with its
// data in DIR/postgres (a throwaway one when the server's user cannot reach DIR: the
// indexer then re-reads the chain at the next start); otherwise an error saying how to
// provide one. stop, when not nil, stops the server the devnet started.
func devnetDatabase(ctx context.Context, dir string, chainID sui.Digest, log *zap.Logger) (url string, stop func() error, err error) {
	if u := os.Getenv("DATABASE_URL"); u != "" {
		if err := pgserver.Ping(ctx, u, 5*time.Second); err != nil {
			return "", nil, fmt.Errorf("devnet: DATABASE_URL (%s) does not answer: %w", pgserver.Redact(u), err)
		}
		return u, nil, nil
	}
	// One database per chain: a devnet recreated in the same place starts afresh.
	name := "tusk_devnet_" + hex.EncodeToString(chainID[:6])
	localErr := pgserver.Ping(ctx, localPostgres, 2*time.Second)
	if localErr == nil {
		u, err := pgserver.EnsureDatabase(ctx, localPostgres, name)
		if err != nil {
			return "", nil, fmt.Errorf("devnet: %w", err)
		}
		return u, nil, nil
	}
	bin, binErr := pgserver.FindBinDir()
	if binErr != nil {
		return "", nil, fmt.Errorf("devnet: the indexer needs PostgreSQL: set DATABASE_URL, run a server on 127.0.0.1:5432 "+
			"(trust or password in the URL), or install the PostgreSQL server binaries (e.g. apt install postgresql): "+
			"local server: %v; %v", localErr, binErr)
	}
	srv, err := pgserver.StartPersistent(ctx, bin, filepath.Join(dir, "postgres"))
	if errors.Is(err, pgserver.ErrNotReachable) {
		log.Warn("the PostgreSQL server cannot keep its data in the devnet directory; using a throwaway one", zap.Error(err))
		srv, err = pgserver.StartThrowaway(ctx, bin)
	}
	if err != nil {
		return "", nil, fmt.Errorf("devnet: start PostgreSQL from %s: %w", bin, err)
	}
	u, err := pgserver.EnsureDatabase(ctx, srv.URL, name)
	if err != nil {
		_ = srv.Stop()
		return "", nil, fmt.Errorf("devnet: %w", err)
	}
	log.Info("started PostgreSQL for the indexer", zap.String("url", pgserver.Redact(srv.URL)))
	return u, srv.Stop, nil
}
