package coordinator_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tuskstore/tusk/config"
	"github.com/tuskstore/tusk/coordinator"
)

func TestConfigDefaultsAndValidation(t *testing.T) {
	c := coordinator.Default()
	if err := c.Validate(); err != nil {
		t.Fatalf("default config: %v", err)
	}
	c.Store.Attempts = 0
	c.Read.RequestTimeout = -time.Second
	c.CommitteeRefresh = 0
	err := c.Validate()
	if err == nil {
		t.Fatal("bad config accepted")
	}
	for _, field := range []string{"store.attempts", "read.request_timeout", "committee_refresh"} {
		if !strings.Contains(err.Error(), field) {
			t.Errorf("error %q does not name %s", err, field)
		}
	}
	// YAML plus environment, as the CLI loads it.
	path := filepath.Join(t.TempDir(), "c.yaml")
	os.WriteFile(path, []byte("store:\n  attempts: 3\nread:\n  max_concurrent_requests: 7\n"), 0o644)
	t.Setenv("TUSK_COORDINATOR_STORE_TAIL_WAIT", "250ms")
	c = coordinator.Default()
	if err := config.Load(path, &c, "TUSK_COORDINATOR"); err != nil {
		t.Fatal(err)
	}
	if c.Store.Attempts != 3 || c.Read.MaxConcurrentRequests != 7 || c.Store.TailWait != 250*time.Millisecond {
		t.Fatalf("loaded %+v", c)
	}
}
