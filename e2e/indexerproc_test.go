package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/tuskstore/tusk/chain/devnet"
	"github.com/tuskstore/tusk/internal/pgtest"
)

// indexerProcess is a `tusk indexer run` of its own (not the devnet's), on a database of
// its own, restartable on the same configuration and address.
type indexerProcess struct {
	n          *network
	configPath string
	dbURL      string
	url        string // http://host:port of its API
	proc       *proc
}

// newIndexerProcess writes the configuration of an indexer following the devnet's chain
// into a fresh database, with small batches so that it commits often.
func newIndexerProcess(t *testing.T, n *network, cc devnet.ClientConfig) *indexerProcess {
	t.Helper()
	ix := &indexerProcess{n: n, dbURL: pgtest.URL(t), configPath: filepath.Join(t.TempDir(), "indexer.yaml")}
	addr := freeAddr(t)
	ix.url = "http://" + addr
	cfg := fmt.Sprintf(`database_url: %q
listen: %s
migrate_on_start: true
batch_checkpoints: 2
flush_interval: 20ms
shutdown_timeout: 5s
chain:
  network: devnet
  rpc: %s
  system_object: %s
  staking_object: %s
log:
  level: info
  format: console
`, ix.dbURL, addr, cc.RPC, cc.SystemObject, cc.StakingObject)
	if err := os.WriteFile(ix.configPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return ix
}

// start runs the indexer and waits until its API answers.
func (ix *indexerProcess) start(t *testing.T) {
	t.Helper()
	ix.proc = startProc(t, ix.n.logDir, "indexer", ix.n.env, "indexer", "run", "--config", ix.configPath)
	waitHTTP(t, ix.proc, ix.url+"/healthz")
}

// summary is the part of the indexer's /v1/summary the tests use.
type summary struct {
	Events      int64 `json:"events"`
	BlobObjects int64 `json:"blob_objects"`
	Watermark   *struct {
		Checkpoint uint64 `json:"checkpoint"`
	} `json:"watermark"`
}

// watermark is the last checkpoint the indexer at url has committed (false: none yet).
func watermark(url string) (uint64, bool, error) {
	var s summary
	if err := getJSON(url+"/v1/summary", &s); err != nil {
		return 0, false, err
	}
	if s.Watermark == nil {
		return 0, false, nil
	}
	return s.Watermark.Checkpoint, true, nil
}
