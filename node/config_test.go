package node_test

import (
	"strings"
	"testing"

	"github.com/tuskstore/tusk/node"
)

// TestConfigShardSync: the shard-sync settings have defaults that validate, and a bad
// value is reported under its field's name.
func TestConfigShardSync(t *testing.T) {
	cfg := node.Default()
	cfg.NodeID = "0x1"
	if err := cfg.Validate(); err != nil {
		t.Fatalf("defaults: %v", err)
	}
	if cfg.Sync.ShardBatch != 1000 || cfg.Sync.ShardServeMax != 100_000 {
		t.Fatalf("Walrus's defaults: %+v", cfg.Sync)
	}
	cases := map[string]func(*node.Config){
		"sync.shard_batch":       func(c *node.Config) { c.Sync.ShardBatch = c.Sync.ShardServeMax + 1 },
		"sync.shard_retries":     func(c *node.Config) { c.Sync.ShardRetries = -1 },
		"sync.shard_concurrency": func(c *node.Config) { c.Sync.ShardConcurrency = 0 },
		"sync.shard_serve_max":   func(c *node.Config) { c.Sync.ShardServeMax = 0 },
		"sync.shard_serve_bytes": func(c *node.Config) { c.Sync.ShardServeBytes = 0 },
	}
	for field, bad := range cases {
		c := cfg
		bad(&c)
		err := c.Validate()
		if err == nil || !strings.Contains(err.Error(), field) {
			t.Errorf("%s: %v", field, err)
		}
	}
}
