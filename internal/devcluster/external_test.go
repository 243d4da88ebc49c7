package devcluster

import (
	"encoding/base64"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tuskstore/tusk/chain/keys"
	"github.com/tuskstore/tusk/config"
	"github.com/tuskstore/tusk/node"
	"github.com/tuskstore/tusk/node/operator"
)

// TestExternalNodes starts a cluster whose nodes run elsewhere: it registers them as
// usual, writes each one's keys and a complete configuration (with its operator section)
// that loads strictly, runs none of them, and rewrites the configurations at the next
// start.
func TestExternalNodes(t *testing.T) {
	ctx := testCtx(t)
	dir := filepath.Join(t.TempDir(), "cluster")
	cl := startCluster(t, ctx, dir, func(c *Config) { c.ExternalNodes = true })
	if !cl.ExternalNodes() || cl.Nodes() != 4 {
		t.Fatalf("external %v, %d nodes", cl.ExternalNodes(), cl.Nodes())
	}
	for i := 0; i < cl.Nodes(); i++ {
		path := cl.NodeConfigPath(i)
		if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o600 {
			t.Fatalf("node %d: %s: %v %v", i, path, st, err)
		}
		run := nodeRunConfig{Config: node.Default(), Operator: operator.Default()}
		if err := config.Load(path, &run, ""); err != nil {
			t.Fatalf("node %d: tusk node run would refuse its configuration: %v", i, err)
		}
		cfg := run.Config
		if op := cl.OperatorConfig(i); run.Operator.PrivateKey != op.PrivateKey || run.Operator.NodeCapID != op.NodeCapID ||
			!run.Operator.Epochs.Drive || run.Operator.Epochs.WALTreasury != op.Epochs.WALTreasury {
			t.Errorf("node %d: operator section %+v, want %+v", i, run.Operator, op)
		}
		want := cl.NodeConfig(i)
		if cfg.NodeID != want.NodeID || cfg.ListenAddr != cl.NodeAddress(i) || cfg.TLS || cfg.Chain.RPC != cl.ChainConfig().RPC ||
			cfg.Chain.SystemObject != cl.ChainConfig().SystemObject || cfg.Chain.StakingObject != cl.ChainConfig().StakingObject ||
			!filepath.IsAbs(cfg.DataDir) || !filepath.IsAbs(cfg.BLSKeyFile) {
			t.Errorf("node %d: configuration %+v", i, cfg)
		}
		bls, err := keys.LoadBLSKey(cfg.BLSKeyFile)
		if err != nil {
			t.Fatal(err)
		}
		if pk := bls.PublicKey(); base64.StdEncoding.EncodeToString(pk[:]) != cl.Genesis().Nodes[i].BLSPublicKey {
			t.Errorf("node %d: its protocol key is not the one registered at genesis", i)
		}
		if _, err := keys.LoadNetworkKey(cfg.NetworkKeyFile); err != nil {
			t.Fatal(err)
		}
		if c, err := net.Dial("tcp", cfg.ListenAddr); err == nil {
			c.Close()
			t.Errorf("node %d serves on %s: it should not run in the cluster", i, cfg.ListenAddr)
		}
	}
	firstRPC := cl.ChainConfig().RPC
	if err := cl.Close(); err != nil {
		t.Fatal(err)
	}

	// The next start (another chain port) rewrites the configurations.
	cl2 := startCluster(t, ctx, dir, func(c *Config) { c.ExternalNodes = true })
	defer cl2.Close()
	b, err := os.ReadFile(cl2.NodeConfigPath(0))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "rpc: "+cl2.ChainConfig().RPC) || (firstRPC != cl2.ChainConfig().RPC && strings.Contains(string(b), firstRPC)) {
		t.Errorf("node 0's configuration was not rewritten for the chain at %s:\n%s", cl2.ChainConfig().RPC, b)
	}
}
