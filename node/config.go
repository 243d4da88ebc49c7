package node

import (
	"time"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/config"
	"github.com/tuskstore/tusk/internal/logging"
)

// Config is a storage node's configuration (the node section of `tusk node run`).
type Config struct {
	// DataDir holds the node's database.
	DataDir string `yaml:"data_dir"`
	// ListenAddr is the REST API's address, host:port.
	ListenAddr string `yaml:"listen_addr"`
	// PublicHost is the DNS name or IP address under which others reach the node; it is
	// put in the self-signed certificate next to the name derived from the network key.
	PublicHost string `yaml:"public_host"`
	// TLS selects HTTP/2 over TLS with the self-signed certificate of the network key
	// (what Walrus clients expect). Off means plain HTTP, for a local devnet; the node
	// then also talks to its peers in plain HTTP.
	TLS bool `yaml:"tls"`
	// NodeID is the node's ID on chain: the object ID of its staking pool.
	NodeID string `yaml:"node_id"`
	// BLSKeyFile is the protocol key (BLS12-381), NetworkKeyFile the network key
	// (P-256); `tusk node keygen` writes both.
	BLSKeyFile     string `yaml:"bls_key_file"`
	NetworkKeyFile string `yaml:"network_key_file"`
	// Chain says which Sui full node to follow.
	Chain chain.Config `yaml:"chain"`
	// MetricsAddr is where Prometheus metrics are served (/metrics); empty disables.
	MetricsAddr string `yaml:"metrics_addr"`
	// Pending bounds the buffer of uploads made before the blob's registration.
	Pending PendingConfig `yaml:"pending"`
	// ConfirmationWaitMax is the longest a confirmation request may wait for the blob's
	// registration (wait_for_registration); zero disables waiting.
	ConfirmationWaitMax time.Duration `yaml:"confirmation_wait_max"`
	// MaxRecoverySymbolRequests caps concurrent recovery-symbol requests (0: no cap).
	MaxRecoverySymbolRequests int `yaml:"max_recovery_symbol_requests"`
	// Sync configures the recovery of slivers of certified blobs the node lacks.
	Sync SyncConfig `yaml:"sync"`
	// ShutdownTimeout bounds a graceful shutdown.
	ShutdownTimeout time.Duration `yaml:"shutdown_timeout"`
	// Log configures the logs.
	Log logging.Config `yaml:"log"`
}

// PendingConfig bounds the pending-upload buffer, which lives on disk with an index in
// memory: uploads with pending=true for blobs whose registration the node has not seen.
type PendingConfig struct {
	// MaxBytes bounds the buffered bytes (disk).
	MaxBytes int64 `yaml:"max_bytes"`
	// MaxSliverBytes bounds one buffered sliver.
	MaxSliverBytes int64 `yaml:"max_sliver_bytes"`
	// MaxSlivers and MaxMetadata bound the number of entries (memory).
	MaxSlivers  int `yaml:"max_slivers"`
	MaxMetadata int `yaml:"max_metadata"`
	// TTL is how long an entry is kept waiting for its registration.
	TTL time.Duration `yaml:"ttl"`
}

// SyncConfig configures blob sync and shard sync.
type SyncConfig struct {
	// Concurrency is the number of blobs synced at once.
	Concurrency int `yaml:"concurrency"`
	// RequestTimeout bounds one request to a peer.
	RequestTimeout time.Duration `yaml:"request_timeout"`
	// RetryMin and RetryMax bound the backoff between attempts of a failed sync (of a
	// blob, of a shard's batch, of epoch_sync_done).
	RetryMin time.Duration `yaml:"retry_min"`
	RetryMax time.Duration `yaml:"retry_max"`
	// ShardBatch is the number of slivers asked of a gained shard's previous owner in
	// one sync_shard request (Walrus sliver_count_per_sync_request).
	ShardBatch int `yaml:"shard_batch"`
	// ShardRetries is how many sync_shard requests in a row may fail before the gained
	// shard is recovered blob by blob from the other nodes instead (a previous owner
	// that answers it has not reached the epoch yet is waited for ten times as long).
	ShardRetries int `yaml:"shard_retries"`
	// ShardConcurrency is the number of gained shards synced at once.
	ShardConcurrency int `yaml:"shard_concurrency"`
	// ShardServeMax bounds the slivers one sync_shard request may ask for; larger
	// requests are refused (Walrus max_sliver_count_per_sync_request).
	ShardServeMax int `yaml:"shard_serve_max"`
	// ShardServeBytes bounds the sliver data of one sync_shard answer: it ends with the
	// sliver that reaches the bound.
	ShardServeBytes int64 `yaml:"shard_serve_bytes"`
}

// Default is the configuration with every default filled in; NodeID and the key files
// must still be set.
func Default() Config {
	return Config{
		DataDir:        "tusk-node",
		ListenAddr:     "0.0.0.0:9185",
		TLS:            true,
		BLSKeyFile:     "protocol.key",
		NetworkKeyFile: "network.key",
		Chain:          chain.Default(),
		MetricsAddr:    "127.0.0.1:9184",
		Pending: PendingConfig{
			MaxBytes:       512 << 20,
			MaxSliverBytes: 4 << 20,
			MaxSlivers:     4096,
			MaxMetadata:    512,
			TTL:            2 * time.Minute,
		},
		ConfirmationWaitMax:       5 * time.Second,
		MaxRecoverySymbolRequests: 64,
		Sync: SyncConfig{
			Concurrency:    4,
			RequestTimeout: 30 * time.Second,
			RetryMin:       time.Second,
			RetryMax:       5 * time.Minute,

			ShardBatch:       1000,
			ShardRetries:     10,
			ShardConcurrency: 4,
			ShardServeMax:    100_000,
			ShardServeBytes:  64 << 20,
		},
		ShutdownTimeout: 30 * time.Second,
		Log:             logging.Default(),
	}
}

// Validate reports every bad field.
func (c *Config) Validate() error {
	var errs config.Errors
	if c.DataDir == "" {
		errs.Invalid("data_dir", "must not be empty")
	}
	errs.Add(config.CheckHostPort("listen_addr", c.ListenAddr))
	if c.NodeID == "" {
		errs.Invalid("node_id", "is required: the object ID of the node's staking pool")
	} else if _, err := walrus.ParseID(c.NodeID); err != nil {
		errs.Invalid("node_id", "must be a Sui object ID (0x and up to 64 hex digits), got %q", c.NodeID)
	}
	if c.BLSKeyFile == "" {
		errs.Invalid("bls_key_file", "must not be empty")
	}
	if c.NetworkKeyFile == "" {
		errs.Invalid("network_key_file", "must not be empty")
	}
	errs.Nested("chain", c.Chain.Validate())
	if c.MetricsAddr != "" {
		errs.Add(config.CheckHostPort("metrics_addr", c.MetricsAddr))
	}
	if c.Pending.MaxBytes <= 0 {
		errs.Invalid("pending.max_bytes", "must be positive, got %d", c.Pending.MaxBytes)
	}
	if c.Pending.MaxSliverBytes <= 0 || c.Pending.MaxSliverBytes > c.Pending.MaxBytes {
		errs.Invalid("pending.max_sliver_bytes", "must be positive and at most pending.max_bytes, got %d", c.Pending.MaxSliverBytes)
	}
	if c.Pending.MaxSlivers <= 0 {
		errs.Invalid("pending.max_slivers", "must be positive, got %d", c.Pending.MaxSlivers)
	}
	if c.Pending.MaxMetadata <= 0 {
		errs.Invalid("pending.max_metadata", "must be positive, got %d", c.Pending.MaxMetadata)
	}
	if c.Pending.TTL <= 0 {
		errs.Invalid("pending.ttl", "must be positive, got %s", c.Pending.TTL)
	}
	if c.ConfirmationWaitMax < 0 {
		errs.Invalid("confirmation_wait_max", "must not be negative, got %s", c.ConfirmationWaitMax)
	}
	if c.MaxRecoverySymbolRequests < 0 {
		errs.Invalid("max_recovery_symbol_requests", "must not be negative, got %d", c.MaxRecoverySymbolRequests)
	}
	if c.Sync.Concurrency <= 0 {
		errs.Invalid("sync.concurrency", "must be positive, got %d", c.Sync.Concurrency)
	}
	if c.Sync.RequestTimeout <= 0 {
		errs.Invalid("sync.request_timeout", "must be positive, got %s", c.Sync.RequestTimeout)
	}
	if c.Sync.RetryMin <= 0 || c.Sync.RetryMax < c.Sync.RetryMin {
		errs.Invalid("sync.retry_min", "must be positive and at most sync.retry_max (%s), got %s", c.Sync.RetryMax, c.Sync.RetryMin)
	}
	if c.Sync.ShardServeMax <= 0 {
		errs.Invalid("sync.shard_serve_max", "must be positive, got %d", c.Sync.ShardServeMax)
	}
	if c.Sync.ShardBatch <= 0 || (c.Sync.ShardServeMax > 0 && c.Sync.ShardBatch > c.Sync.ShardServeMax) {
		errs.Invalid("sync.shard_batch", "must be positive and at most sync.shard_serve_max (%d), got %d", c.Sync.ShardServeMax, c.Sync.ShardBatch)
	}
	if c.Sync.ShardRetries < 0 {
		errs.Invalid("sync.shard_retries", "must not be negative, got %d", c.Sync.ShardRetries)
	}
	if c.Sync.ShardConcurrency <= 0 {
		errs.Invalid("sync.shard_concurrency", "must be positive, got %d", c.Sync.ShardConcurrency)
	}
	if c.Sync.ShardServeBytes <= 0 {
		errs.Invalid("sync.shard_serve_bytes", "must be positive, got %d", c.Sync.ShardServeBytes)
	}
	if c.ShutdownTimeout <= 0 {
		errs.Invalid("shutdown_timeout", "must be positive, got %s", c.ShutdownTimeout)
	}
	errs.Nested("log", c.Log.Validate())
	return errs.Err()
}

// nodeID is the parsed NodeID (valid after Validate).
func (c *Config) nodeID() walrus.ID {
	id, _ := walrus.ParseID(c.NodeID)
	return id
}
