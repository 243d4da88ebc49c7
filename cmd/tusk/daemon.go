package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	"go.uber.org/zap"

	"github.com/tuskstore/tusk/config"
	"github.com/tuskstore/tusk/coordinator/httpapi"
)

// daemonContext derives the context a publisher, aggregator or daemon serves under from
// the command's (which SIGINT and SIGTERM cancel). Tests replace it to stop the server.
var daemonContext = func(ctx context.Context) context.Context { return ctx }

// newDaemonCmd builds `tusk publisher`, `tusk aggregator` or `tusk daemon`.
func newDaemonCmd(a *app, mode httpapi.Mode) *cobra.Command {
	var cf clientFlags
	var httpConfig, bind, jwtSecret string
	var maxBody int64
	var maxConcurrent int
	short := map[httpapi.Mode]string{
		httpapi.ModePublisher:  "Run a publisher: the Walrus HTTP API that stores blobs (PUT /v1/blobs, /v1/quilts)",
		httpapi.ModeAggregator: "Run an aggregator: the Walrus HTTP API that reads blobs (GET /v1/blobs/...)",
		httpapi.ModeDaemon:     "Run a publisher and an aggregator on one address",
	}[mode]
	cmd := &cobra.Command{
		Use:   string(mode),
		Short: short,
		Long: short + ".\n\nIt serves until interrupted (Ctrl-C), then finishes the requests in flight. The HTTP settings\n" +
			"come from --http-config (YAML, httpapi.Config; env TUSK_HTTP_*) and the flags below override them.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg := httpapi.Default()
			if err := config.Load(httpConfig, &cfg, "TUSK_HTTP"); err != nil {
				return err
			}
			f := cmd.Flags()
			if f.Changed("bind") {
				cfg.Bind = bind
			}
			if f.Changed("max-body-size") {
				cfg.MaxBodySize = maxBody
			}
			if f.Changed("max-concurrent-requests") {
				cfg.PublisherMaxConcurrent = maxConcurrent
			}
			if jwtSecret != "" {
				cfg.Auth.Secret = jwtSecret
				cfg.Auth.VerifyUpload = true
				cfg.Auth.ReplaySuppression = true
			}
			if err := cfg.Validate(); err != nil {
				return &usageError{cmd: cmd, err: err}
			}
			log, err := a.logger()
			if err != nil {
				return err
			}
			defer func() { _ = log.Sync() }()
			reg, m := registry()
			readOnly := mode == httpapi.ModeAggregator
			c, closeFn, err := a.dialClient(cmd.Context(), &cf, readOnly, log, m)
			if err != nil {
				return err
			}
			defer closeFn()
			var pub httpapi.Publisher
			var agg httpapi.Aggregator
			if mode != httpapi.ModeAggregator {
				pub = c
				log.Info("publisher wallet", zap.Stringer("address", c.Address()))
			}
			if mode != httpapi.ModePublisher {
				agg = c
			}
			srv, err := httpapi.New(cfg, mode, pub, agg, log, m, reg)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "tusk %s listening on http://%s\n", mode, cfg.Bind)
			return srv.Run(daemonContext(cmd.Context()))
		},
	}
	cf.register(cmd)
	f := cmd.Flags()
	f.StringVar(&httpConfig, "http-config", "", "YAML file with the HTTP settings")
	f.StringVar(&bind, "bind", httpapi.Default().Bind, "listen address")
	f.Int64Var(&maxBody, "max-body-size", httpapi.Default().MaxBodySize, "largest blob accepted, in bytes")
	f.IntVar(&maxConcurrent, "max-concurrent-requests", httpapi.Default().PublisherMaxConcurrent, "stores served at once (more wait, then get 429)")
	f.StringVar(&jwtSecret, "jwt-secret", "", "require a JWT signed with this HMAC secret on every store")
	return cmd
}
