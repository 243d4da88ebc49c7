// Package httpapi is the Walrus-compatible HTTP API of the publisher and aggregator
// (Walrus's client daemon): PUT /v1/blobs and /v1/quilts, GET /v1/blobs/{id} with
// Range, by Blob object ID, quilt patch reads, /status and /v1/api, with the same query
// parameters, JSON results and JSON error envelope. It adds the publisher's protections
// (body size limit with spooling to disk, a concurrency limit answered with 429, JWT
// authentication, CORS) and the aggregator's caching headers (ETag, Cache-Control by the
// blob's remaining lifetime).
package httpapi

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.uber.org/zap"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/coordinator"
	"github.com/tuskstore/tusk/coordinator/committees"
	"github.com/tuskstore/tusk/coordinator/metrics"
	"github.com/tuskstore/tusk/coordinator/read"
	"github.com/tuskstore/tusk/coordinator/store"
	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/encoding/quilt"
	"github.com/tuskstore/tusk/node/api"
)

// BlobReader reads blobs and their status.
type BlobReader interface {
	Read(ctx context.Context, id encoding.BlobID, check encoding.ConsistencyCheck) ([]byte, error)
	ReadRangeFunc(ctx context.Context, id encoding.BlobID, resolve func(size uint64) (start, length uint64, err error)) (*read.Range, error)
	Status(ctx context.Context, id encoding.BlobID) (api.BlobStatus, error)
}

// ObjectReader reads Blob objects and their attributes.
type ObjectReader interface {
	BlobObject(ctx context.Context, objectID walrus.ID) (*chain.BlobObject, walrus.StringMap, error)
}

// QuiltReader reads quilt patches.
type QuiltReader interface {
	QuiltPatches(ctx context.Context, quiltID encoding.BlobID) ([]quilt.PatchInfo, error)
	QuiltPatch(ctx context.Context, quiltID encoding.BlobID, identifier string) (quilt.Patch, error)
	QuiltPatchByID(ctx context.Context, id quilt.PatchID) (quilt.Patch, error)
}

// Clock gives the epoch and its timing, for cache lifetimes.
type Clock interface {
	State(ctx context.Context) (*committees.State, error)
}

// Aggregator is what the read routes need (coordinator.Client has it).
type Aggregator interface {
	BlobReader
	ObjectReader
	QuiltReader
	Clock
}

// Publisher is what the store routes need (coordinator.Client has it).
type Publisher interface {
	Store(ctx context.Context, blob []byte, opts store.Options) (*store.Result, error)
	BuildQuilt(ctx context.Context, patches []quilt.Patch) (*quilt.Quilt, error)
	StoreQuilt(ctx context.Context, q *quilt.Quilt, opts store.Options) (*coordinator.QuiltResult, error)
}

// Server serves the API.
type Server struct {
	cfg     Config
	mode    Mode
	pub     Publisher
	agg     Aggregator
	auth    *Authenticator
	pubLim  *limiter
	aggLim  *limiter
	allowed map[string]bool
	log     *zap.Logger
	metrics *metrics.Metrics
	gather  prometheus.Gatherer
	handler http.Handler
	now     func() time.Time
}

// New returns a server in mode: pub may be nil for an aggregator, agg for a publisher.
// gather, if not nil and cfg.Metrics is set, is served at /metrics.
func New(cfg Config, mode Mode, pub Publisher, agg Aggregator, log *zap.Logger, m *metrics.Metrics, gather prometheus.Gatherer) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	switch mode {
	case ModePublisher, ModeAggregator, ModeDaemon:
	default:
		return nil, fmt.Errorf("httpapi: unknown mode %q", mode)
	}
	if mode.publishes() && pub == nil {
		return nil, errors.New("httpapi: a publisher needs a Publisher")
	}
	if mode.aggregates() && agg == nil {
		return nil, errors.New("httpapi: an aggregator needs an Aggregator")
	}
	if log == nil {
		log = zap.NewNop()
	}
	s := &Server{cfg: cfg, mode: mode, pub: pub, agg: agg, log: log.Named("http"), metrics: m, gather: gather, now: time.Now,
		pubLim: newLimiter(cfg.PublisherMaxConcurrent, cfg.PublisherMaxQueued), aggLim: newLimiter(cfg.AggregatorMaxConcurrent, cfg.AggregatorMaxQueued),
		allowed: map[string]bool{}}
	for _, h := range cfg.AllowedHeaders {
		s.allowed[strings.ToLower(h)] = true
	}
	if cfg.Auth.Enabled() {
		a, err := NewAuthenticator(cfg.Auth)
		if err != nil {
			return nil, err
		}
		s.auth = a
	}
	s.handler = s.routes()
	return s, nil
}

// Handler is the server's HTTP handler.
func (s *Server) Handler() http.Handler { return s.handler }

// Run serves on cfg.Bind until ctx ends, then shuts down gracefully (requests in flight
// get ShutdownTimeout to finish).
func (s *Server) Run(ctx context.Context) error {
	l, err := net.Listen("tcp", s.cfg.Bind)
	if err != nil {
		return fmt.Errorf("httpapi: listen: %w", err)
	}
	return s.Serve(ctx, l)
}

// Serve is Run on a listener.
func (s *Server) Serve(ctx context.Context, l net.Listener) error {
	srv := &http.Server{Handler: s.handler, ReadHeaderTimeout: s.cfg.ReadHeaderTimeout, ErrorLog: zap.NewStdLog(s.log)}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(l) }()
	s.log.Info("serving", zap.String("mode", string(s.mode)), zap.Stringer("address", l.Addr()))
	select {
	case err := <-done:
		return fmt.Errorf("httpapi: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	err := srv.Shutdown(sctx)
	if serr := <-done; serr != nil && !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	if err != nil {
		return fmt.Errorf("httpapi: shutdown: %w", err)
	}
	s.log.Info("stopped")
	return nil
}

type route struct {
	methods []string
	handle  func(w http.ResponseWriter, r *http.Request) error
}

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	handle := func(pattern, name string, rt route) {
		mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			sw := &statusWriter{ResponseWriter: w}
			defer func() { s.metrics.HTTP(name, sw.code(), time.Since(start)) }()
			ok := false
			for _, m := range rt.methods {
				if r.Method == m || (m == http.MethodGet && r.Method == http.MethodHead) {
					ok = true
				}
			}
			if !ok {
				sw.Header().Set("Allow", strings.Join(append(rt.methods, http.MethodOptions), ", "))
				newError(http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED", "method %s is not allowed on %s of this %s", r.Method, r.URL.Path, s.mode).write(sw)
				return
			}
			if err := rt.handle(sw, r); err != nil {
				if r.Context().Err() != nil && errors.Is(err, context.Canceled) {
					return // the client went away
				}
				e := classify(err)
				if e.status >= 500 {
					s.log.Warn("request failed", zap.String("route", name), zap.Int("status", e.status), zap.Error(err))
				} else {
					s.log.Debug("request refused", zap.String("route", name), zap.Int("status", e.status), zap.Error(err))
				}
				e.write(sw)
			}
		})
	}
	handle("/status", "status", route{[]string{http.MethodGet}, func(w http.ResponseWriter, r *http.Request) error {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, err := w.Write([]byte("OK"))
		return err
	}})
	handle("/v1/api", "api", route{[]string{http.MethodGet}, s.openAPI})
	if s.cfg.Metrics && s.gather != nil {
		mux.Handle("/metrics", promhttp.HandlerFor(s.gather, promhttp.HandlerOpts{}))
	}
	if s.mode.publishes() {
		handle("/v1/blobs", "put_blob", route{[]string{http.MethodPut}, s.putBlob})
		handle("/v1/quilts", "put_quilt", route{[]string{http.MethodPut}, s.putQuilt})
	}
	if !s.mode.publishes() {
		// Exact paths, so that the subtree patterns below do not redirect them.
		handle("/v1/blobs", "put_blob", route{methods: nil})
		handle("/v1/quilts", "put_quilt", route{methods: nil})
	}
	if s.mode.aggregates() {
		handle("/v1/blobs/", "get_blob", route{[]string{http.MethodGet}, s.getBlobs})
		handle("/v1/quilts/{quilt_id}/patches", "list_patches", route{[]string{http.MethodGet}, s.listPatches})
	}
	handle("/", "not_found", route{[]string{http.MethodGet, http.MethodPut, http.MethodPost, http.MethodDelete}, func(w http.ResponseWriter, r *http.Request) error {
		return newError(http.StatusNotFound, "NOT_FOUND", "no route %s %s on this %s", r.Method, r.URL.Path, s.mode)
	}})
	return s.cors(mux)
}

// statusWriter records the status code written.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) code() int {
	if w.status == 0 {
		return http.StatusOK
	}
	return w.status
}

// exposedHeaders are the response headers scripts may read cross-origin.
const exposedHeaders = "ETag, Content-Range, Content-Length, Content-Type, Content-Disposition, Accept-Ranges, X-Quilt-Patch-Identifier, Retry-After"

// cors answers preflight requests and adds CORS headers (any method and header; origins
// as configured), as Walrus's daemon does.
func (s *Server) cors(next http.Handler) http.Handler {
	any := false
	origins := map[string]bool{}
	for _, o := range s.cfg.CORSAllowedOrigins {
		if o == "*" {
			any = true
		}
		origins[o] = true
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		if origin != "" && (any || origins[origin]) {
			h := w.Header()
			if any {
				h.Set("Access-Control-Allow-Origin", "*")
			} else {
				h.Set("Access-Control-Allow-Origin", origin)
				h.Add("Vary", "Origin")
			}
			h.Set("Access-Control-Expose-Headers", exposedHeaders)
			if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
				h.Set("Access-Control-Allow-Methods", "GET, HEAD, PUT, POST, OPTIONS")
				if rh := r.Header.Get("Access-Control-Request-Headers"); rh != "" {
					h.Set("Access-Control-Allow-Headers", rh)
				} else {
					h.Set("Access-Control-Allow-Headers", "*")
				}
				h.Set("Access-Control-Max-Age", "86400")
				w.WriteHeader(http.StatusNoContent)
				return
			}
		}
		if r.Method == http.MethodOptions {
			w.Header().Set("Allow", "GET, HEAD, PUT, OPTIONS")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		next.ServeHTTP(w, r)
	})
}
