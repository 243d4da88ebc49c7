package httpapi

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/tuskstore/tusk/config"
)

// Mode selects the routes a server offers.
type Mode string

// The modes: a publisher stores, an aggregator reads, a daemon does both.
const (
	ModePublisher  Mode = "publisher"
	ModeAggregator Mode = "aggregator"
	ModeDaemon     Mode = "daemon"
)

func (m Mode) publishes() bool  { return m == ModePublisher || m == ModeDaemon }
func (m Mode) aggregates() bool { return m == ModeAggregator || m == ModeDaemon }

// DefaultAllowedHeaders are the blob attributes returned as response headers
// (Walrus's aggregator defaults).
var DefaultAllowedHeaders = []string{"content-disposition", "content-encoding", "content-language", "content-location", "content-type", "link"}

// Config configures the HTTP API.
type Config struct {
	// Bind is the listen address (Walrus's default 127.0.0.1:31415).
	Bind string `yaml:"bind"`
	// MaxBodySize is the largest blob PUT /v1/blobs accepts, in bytes (413 beyond).
	MaxBodySize int64 `yaml:"max_body_size"`
	// MaxQuiltBodySize is the largest multipart body PUT /v1/quilts accepts.
	MaxQuiltBodySize int64 `yaml:"max_quilt_body_size"`
	// BodyMemoryLimit: bodies larger than this are spooled to a file in SpoolDir (the
	// system's temporary directory when empty) instead of being held in memory.
	BodyMemoryLimit int64  `yaml:"body_memory_limit"`
	SpoolDir        string `yaml:"spool_dir"`
	// Publisher and aggregator concurrency: requests served at once, and requests that
	// may wait for a slot; more are answered 429.
	PublisherMaxConcurrent  int `yaml:"publisher_max_concurrent_requests"`
	PublisherMaxQueued      int `yaml:"publisher_max_buffered_requests"`
	AggregatorMaxConcurrent int `yaml:"aggregator_max_concurrent_requests"`
	AggregatorMaxQueued     int `yaml:"aggregator_max_buffered_requests"`
	// Auth enables JWT authentication of stores.
	Auth AuthConfig `yaml:"auth"`
	// CORSAllowedOrigins are the origins allowed by CORS ("*": any).
	CORSAllowedOrigins []string `yaml:"cors_allowed_origins"`
	// AllowedHeaders are the blob attributes returned as response headers.
	AllowedHeaders []string `yaml:"allowed_headers"`
	// AllowQuiltPatchTagsInResponse returns every tag of a quilt patch as a header, not
	// only the allowed ones.
	AllowQuiltPatchTagsInResponse bool `yaml:"allow_quilt_patch_tags_in_response"`
	// MaxCacheAge caps the Cache-Control max-age of blob reads; a permanent blob gets its
	// remaining lifetime up to this.
	MaxCacheAge time.Duration `yaml:"max_cache_age"`
	// DeletableCacheAge is the max-age of deletable blobs (their owner may delete them at
	// any time).
	DeletableCacheAge time.Duration `yaml:"deletable_cache_age"`
	// Metrics serves Prometheus metrics at /metrics.
	Metrics bool `yaml:"metrics"`
	// ReadHeaderTimeout bounds reading a request's headers; ShutdownTimeout the wait for
	// requests in flight at shutdown.
	ReadHeaderTimeout time.Duration `yaml:"read_header_timeout"`
	ShutdownTimeout   time.Duration `yaml:"shutdown_timeout"`
}

// Default is Walrus's publisher defaults: 10 MiB bodies, 8 concurrent stores and 8
// waiting.
func Default() Config {
	return Config{
		Bind: "127.0.0.1:31415", MaxBodySize: 10 << 20, MaxQuiltBodySize: 100 << 20, BodyMemoryLimit: 1 << 20,
		PublisherMaxConcurrent: 8, PublisherMaxQueued: 8, AggregatorMaxConcurrent: 256, AggregatorMaxQueued: 256,
		CORSAllowedOrigins: []string{"*"}, AllowedHeaders: append([]string(nil), DefaultAllowedHeaders...),
		MaxCacheAge: 24 * time.Hour, DeletableCacheAge: 5 * time.Minute, Metrics: true,
		ReadHeaderTimeout: 10 * time.Second, ShutdownTimeout: 30 * time.Second,
	}
}

// Validate checks the configuration.
func (c *Config) Validate() error {
	var errs config.Errors
	errs.Add(config.CheckHostPort("bind", c.Bind))
	for name, v := range map[string]int64{"max_body_size": c.MaxBodySize, "max_quilt_body_size": c.MaxQuiltBodySize, "body_memory_limit": c.BodyMemoryLimit} {
		if v <= 0 {
			errs.Invalid(name, "must be positive, got %d", v)
		}
	}
	for name, v := range map[string]int{"publisher_max_concurrent_requests": c.PublisherMaxConcurrent, "aggregator_max_concurrent_requests": c.AggregatorMaxConcurrent} {
		if v <= 0 {
			errs.Invalid(name, "must be positive, got %d", v)
		}
	}
	for name, v := range map[string]int{"publisher_max_buffered_requests": c.PublisherMaxQueued, "aggregator_max_buffered_requests": c.AggregatorMaxQueued} {
		if v < 0 {
			errs.Invalid(name, "must not be negative, got %d", v)
		}
	}
	for name, v := range map[string]time.Duration{"max_cache_age": c.MaxCacheAge, "deletable_cache_age": c.DeletableCacheAge} {
		if v < 0 {
			errs.Invalid(name, "must not be negative, got %s", v)
		}
	}
	if c.ReadHeaderTimeout <= 0 {
		errs.Invalid("read_header_timeout", "must be positive, got %s", c.ReadHeaderTimeout)
	}
	if c.ShutdownTimeout <= 0 {
		errs.Invalid("shutdown_timeout", "must be positive, got %s", c.ShutdownTimeout)
	}
	for i, h := range c.AllowedHeaders {
		if h == "" || strings.ContainsAny(h, " \t\r\n:") || http.CanonicalHeaderKey(h) == "" {
			errs.Invalid(fmt.Sprintf("allowed_headers[%d]", i), "%q is not a header name", h)
		}
	}
	if err := c.Auth.Validate(); err != nil {
		errs.Invalid("auth", "%v", err)
	}
	return errs.Err()
}
