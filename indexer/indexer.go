package indexer

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.uber.org/zap"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/indexer/api"
	"github.com/tuskstore/tusk/indexer/extract"
	"github.com/tuskstore/tusk/indexer/feed"
	"github.com/tuskstore/tusk/indexer/ingest"
	"github.com/tuskstore/tusk/indexer/store"
	"github.com/tuskstore/tusk/internal/lifecycle"
	"github.com/tuskstore/tusk/migrations"
)

// PipelineName is the name of the ingestion pipeline and its watermark.
const PipelineName = "walrus"

// CheckpointSource delivers checkpoints in order from a sequence number (chain.Client).
type CheckpointSource = ingest.CheckpointSource

// ChainTip is implemented by sources that can tell the chain's latest checkpoint; the
// indexer then reports its lag in checkpoints.
type ChainTip interface {
	LatestCheckpoint(ctx context.Context) (uint64, error)
}

// Errors of New and Run.
var (
	// ErrNoSource: ingestion is configured but no source was given.
	ErrNoSource = errors.New("indexer: no checkpoint source to ingest from")
	// ErrNoPackage: ingestion is configured but the Walrus package ID is unknown.
	ErrNoPackage = errors.New("indexer: the Walrus package ID is unknown: set walrus_package or give the chain client's")
)

// Deps are what the indexer is given rather than builds.
type Deps struct {
	// Source delivers checkpoints; nil only with Config.ServeOnly.
	Source CheckpointSource
	// State, if set, reads the current Walrus state, which a new database (no
	// watermark yet) is seeded with before its first checkpoint: objects that exist
	// from genesis and were never written by a transaction (the devnet's System,
	// Staking and StakingPools) are otherwise in no checkpoint. chain.Client is one.
	State StateSource
	// Package is the Walrus package's original ID as the chain client discovered it
	// (chain.Client.Deployment().OriginalPackage); Config.WalrusPackage overrides it.
	Package *walrus.ID
	// Logger is named "indexer" here.
	Logger *zap.Logger
	// Registry receives the metrics and is served on /metrics (nil: a new one).
	Registry *prometheus.Registry
	// Listener, if set, is used instead of listening on Config.Listen.
	Listener net.Listener
	// TipInterval is how often a ChainTip source is asked for the latest checkpoint
	// (default 5s).
	TipInterval time.Duration
}

// Indexer is the indexer service.
type Indexer struct {
	cfg     Config
	deps    Deps
	pkg     walrus.ID
	log     *zap.Logger
	metrics *ingest.Metrics
	notify  *feed.Broadcaster
	ready   chan struct{}
	addr    net.Addr
	started atomic.Bool
}

// New checks the configuration and returns the service; it does no I/O.
func New(cfg Config, deps Deps) (*Indexer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if deps.Logger == nil {
		deps.Logger = zap.NewNop()
	}
	if deps.Registry == nil {
		deps.Registry = prometheus.NewRegistry()
	}
	if deps.TipInterval <= 0 {
		deps.TipInterval = 5 * time.Second
	}
	ix := &Indexer{cfg: cfg, deps: deps, log: deps.Logger.Named("indexer"), notify: feed.NewBroadcaster(), ready: make(chan struct{})}
	switch {
	case cfg.WalrusPackage != "":
		ix.pkg, _ = walrus.ParseID(cfg.WalrusPackage)
	case deps.Package != nil:
		ix.pkg = *deps.Package
	case !cfg.ServeOnly:
		return nil, ErrNoPackage
	}
	ix.metrics = ingest.NewMetrics(deps.Registry, PipelineName)
	return ix, nil
}

// Ready is closed once the HTTP server listens (then Addr is set).
func (ix *Indexer) Ready() <-chan struct{} { return ix.ready }

// Addr is the address the HTTP server listens on (after Ready).
func (ix *Indexer) Addr() net.Addr { return ix.addr }

// ErrRunTwice is returned by a second call of Run.
var ErrRunTwice = errors.New("indexer: Run called twice")

// Run migrates (or checks) the schema, then ingests and serves until ctx is cancelled,
// a service fails, or the last checkpoint is ingested. A clean stop returns nil. Run may
// be called once.
func (ix *Indexer) Run(ctx context.Context) error {
	if !ix.started.CompareAndSwap(false, true) {
		return ErrRunTwice
	}
	if !ix.cfg.ServeOnly && ix.deps.Source == nil {
		return ErrNoSource
	}
	ingestPool, err := ix.pool(ctx, "ingest", 0)
	if err != nil {
		return err
	}
	defer ingestPool.Close()
	queryPool, err := ix.pool(ctx, "query", ix.cfg.QueryTimeout)
	if err != nil {
		return err
	}
	defer queryPool.Close()
	if err := ix.schema(ctx, ingestPool); err != nil {
		return err
	}

	g := lifecycle.New(ix.log, ix.cfg.ShutdownTimeout)
	if !ix.cfg.ServeOnly {
		if ix.deps.State != nil {
			if err := ix.seed(ctx, ingestPool, ix.deps.State); err != nil {
				return err
			}
		}
		state, err := store.LoadState(ctx, ingestPool)
		if err != nil {
			return err
		}
		p := &pipeline{x: extract.New(ix.pkg, state, ix.log)}
		ix.registerExtractStats(p.x)
		icfg := ingest.Config{
			First: ix.cfg.FirstCheckpoint, Last: ix.cfg.LastCheckpoint, BatchCheckpoints: ix.cfg.BatchCheckpoints,
			BatchRows: ix.cfg.BatchRows, FlushInterval: ix.cfg.FlushInterval, ProgressInterval: 10 * time.Second,
			MaxRetryDelay: 5 * time.Second,
		}
		runner := ingest.New[*extract.Rows](ingestPool, ix.deps.Source, p, icfg, ix.log, ingest.Options{
			Metrics: ix.metrics, OnCommit: func(ingest.Watermark) { ix.notify.Notify() },
		})
		g.AddFunc("ingest", func(ctx context.Context) error {
			err := runner.Run(ctx)
			if err == nil && ix.cfg.LastCheckpoint != nil {
				ix.log.Info("last checkpoint ingested; stopping", zap.Uint64("last", *ix.cfg.LastCheckpoint))
				g.Stop()
			}
			return err
		})
		if tip, ok := ix.deps.Source.(ChainTip); ok {
			g.AddFunc("chain-tip", func(ctx context.Context) error { return ix.followTip(ctx, tip) })
		}
	}
	handler := ix.handler(queryPool)
	g.AddFunc("http", func(ctx context.Context) error { return ix.serve(ctx, handler) })
	return g.Run(ctx)
}

// registerExtractStats exports the extractor's counters of rewards it could not derive.
func (ix *Indexer) registerExtractStats(x *extract.Extractor) {
	help := "Staking pools paid at an epoch change whose reward was not derived, by reason."
	for reason, get := range map[string]func() uint64{
		"unknown_previous_state": func() uint64 { return x.Stats().RewardsUnknownPrev },
		"inconsistent_states":    func() uint64 { return x.Stats().RewardsMismatch },
	} {
		c := prometheus.NewCounterFunc(prometheus.CounterOpts{
			Namespace: "tusk", Subsystem: "indexer", Name: "rewards_not_derived_total", Help: help,
			ConstLabels: prometheus.Labels{"pipeline": PipelineName, "reason": reason},
		}, func() float64 { return float64(get()) })
		if err := ix.deps.Registry.Register(c); err != nil {
			ix.log.Warn("registering a metric", zap.Error(err))
		}
	}
}

// pool connects a pool; a positive timeout becomes its sessions' statement_timeout.
func (ix *Indexer) pool(ctx context.Context, name string, timeout time.Duration) (*pgxpool.Pool, error) {
	pc, err := pgxpool.ParseConfig(ix.cfg.DatabaseURL)
	if err != nil {
		return nil, fmt.Errorf("indexer: database_url: %w", err)
	}
	pc.MaxConns = ix.cfg.MaxConns
	pc.ConnConfig.RuntimeParams["application_name"] = "tusk-indexer-" + name
	if timeout > 0 {
		pc.ConnConfig.RuntimeParams["statement_timeout"] = strconv.FormatInt(timeout.Milliseconds(), 10)
	}
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return nil, fmt.Errorf("indexer: connecting to the database: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("indexer: connecting to the database: %w", err)
	}
	return pool, nil
}

// schema applies the migrations (MigrateOnStart) or checks the schema is current.
func (ix *Indexer) schema(ctx context.Context, pool *pgxpool.Pool) error {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("indexer: %w", err)
	}
	defer conn.Release()
	if !ix.cfg.MigrateOnStart {
		return migrations.Check(ctx, conn.Conn())
	}
	res, err := migrations.Migrate(ctx, conn.Conn())
	if err != nil {
		return err
	}
	if len(res.Applied) > 0 {
		ix.log.Info("database migrated", zap.Int32("from", res.From), zap.Int32("to", res.To), zap.Strings("applied", res.Applied))
	}
	return nil
}

func (ix *Indexer) handler(pool *pgxpool.Pool) http.Handler {
	reader := store.NewReader(pool, PipelineName)
	mux := http.NewServeMux()
	api.New(reader, api.Config{MaxLimit: ix.cfg.MaxPageSize, QueryTimeout: ix.cfg.QueryTimeout}, ix.metrics.Tip, ix.log).Register(mux)
	fs := feed.NewServer(feedSource{reader}, ix.notify, feed.ServerConfig{QueryTimeout: ix.cfg.QueryTimeout}, ix.log)
	mux.Handle(feed.Path, fs)
	mux.Handle("GET /metrics", promhttp.HandlerFor(ix.deps.Registry, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := pool.Ping(ctx); err != nil {
			http.Error(w, "database unavailable", http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte("ok\n"))
	})
	return mux
}

// serve runs the HTTP server until ctx ends; streaming feed requests end with it.
func (ix *Indexer) serve(ctx context.Context, h http.Handler) error {
	ln := ix.deps.Listener
	if ln == nil {
		var err error
		if ln, err = net.Listen("tcp", ix.cfg.Listen); err != nil {
			return fmt.Errorf("indexer: listening on %s: %w", ix.cfg.Listen, err)
		}
	}
	ix.addr = ln.Addr()
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		// Request contexts end with the service, so feed streams stop at shutdown.
		BaseContext: func(net.Listener) context.Context { return ctx },
		ErrorLog:    zap.NewStdLog(ix.log.Named("http")),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	close(ix.ready)
	ix.log.Info("serving", zap.Stringer("addr", ix.addr))
	select {
	case err := <-errc:
		return fmt.Errorf("indexer: HTTP server: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	err := srv.Shutdown(sctx)
	if serr := <-errc; !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	return err
}

// followTip polls the chain's latest checkpoint for the lag metrics.
func (ix *Indexer) followTip(ctx context.Context, tip ChainTip) error {
	t := time.NewTicker(ix.deps.TipInterval)
	defer t.Stop()
	for {
		if seq, err := tip.LatestCheckpoint(ctx); err == nil {
			ix.metrics.SetChainTip(seq)
		} else if ctx.Err() == nil {
			ix.log.Debug("reading the latest checkpoint", zap.Error(err))
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// pipeline is the Walrus ingestion pipeline: extract, then store.
type pipeline struct{ x *extract.Extractor }

func (p *pipeline) Name() string { return PipelineName }

func (p *pipeline) Process(_ context.Context, cp *chain.Checkpoint) (*extract.Rows, error) {
	return p.x.Process(cp)
}

func (p *pipeline) Commit(ctx context.Context, tx pgx.Tx, batch []*extract.Rows) error {
	return store.Write(ctx, tx, batch)
}

// feedSource serves the feed from the events table.
type feedSource struct{ r *store.Reader }

func (f feedSource) EventsAfter(ctx context.Context, after *feed.Position, limit int) ([]feed.Event, error) {
	var pos *store.EventPos
	if after != nil {
		pos = &store.EventPos{Checkpoint: after.Checkpoint, Index: after.Index}
	}
	evs, err := f.r.Events(ctx, pos, nil, limit)
	if err != nil {
		return nil, err
	}
	out := make([]feed.Event, len(evs))
	for i, e := range evs {
		out[i] = feed.Event{
			Position: feed.Position{Checkpoint: e.Checkpoint, Index: e.Index}, TxDigest: e.TxDigest, TxIndex: e.TxIndex,
			EventIndex: e.EventIndex, TimestampMs: e.TimestampMs, Name: e.Name, Type: e.Type, BCS: e.BCS, Data: e.Data,
		}
	}
	return out, nil
}
