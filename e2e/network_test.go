package e2e

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/chain/devnet"
	"github.com/tuskstore/tusk/internal/devcluster"
	"github.com/tuskstore/tusk/internal/pgtest"
	"github.com/tuskstore/tusk/node"
)

// Deadlines. They are generous: the tests poll for an outcome and never assert how long
// it took.
const (
	startTimeout = 90 * time.Second
	eventualWait = 90 * time.Second
)

// network is a Walrus network of processes: `tusk devnet --external-nodes` (the chain,
// with its own indexer and publisher), one `tusk node run` per storage node and a `tusk
// daemon` (publisher and aggregator) that the tests use.
type network struct {
	t      *testing.T
	epoch  string // the devnet's epoch duration (--epoch-duration)
	home   string // HOME of every process
	dir    string // the devnet's directory
	logDir string
	env    []string // the processes' environment (DATABASE_URL: the devnet indexer's database)

	devnet     *proc
	nodes      []*proc       // node i is nodes[i] (nil: not running)
	nodeCfg    []node.Config // DIR/node-I/node.yaml, read at every start of the devnet
	daemon     *proc
	daemonURL  string // http://host:port of the daemon
	indexerURL string // http://host:port of the devnet's indexer (explorer API)
}

// startNetwork starts the devnet in a new directory, its storage nodes and a daemon, and
// returns once all of them serve.
func startNetwork(t *testing.T) *network {
	t.Helper()
	return startNetworkWithEpochs(t, "1h")
}

// startNetworkWithEpochs is startNetwork with epochs of the given duration, which the
// nodes' operators change on time.
func startNetworkWithEpochs(t *testing.T, epoch string) *network {
	t.Helper()
	home := t.TempDir()
	n := &network{t: t, epoch: epoch, home: home, dir: filepath.Join(home, "devnet"), logDir: t.TempDir()}
	n.env = processEnv(home, "DATABASE_URL="+pgtest.URL(t))
	n.startDevnet()
	n.nodes = make([]*proc, len(n.nodeCfg))
	n.startAllNodes()
	n.startDaemon()
	return n
}

// startDevnet starts (or resumes) the devnet in n.dir, waits until it serves and reads
// the node configurations it wrote.
func (n *network) startDevnet() {
	t := n.t
	t.Helper()
	n.devnet = startProc(t, n.logDir, "devnet", n.env, "devnet", "--external-nodes", "--dir", n.dir, "--port", "0",
		"--epoch-duration", n.epoch, "--indexer-addr", "127.0.0.1:0", "--publisher-addr", "127.0.0.1:0")
	out := n.devnet.waitOutput(t, "Serving until interrupted", startTimeout)
	n.indexerURL = strings.TrimSuffix(strings.Fields(outputField(t, out, "indexer"))[0], "/v1/summary")
	n.nodeCfg = nil
	for i := 0; ; i++ {
		path := filepath.Join(n.dir, fmt.Sprintf("node-%d", i), devcluster.NodeConfigFile)
		b, err := os.ReadFile(path)
		if os.IsNotExist(err) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		var cfg node.Config
		if err := yaml.Unmarshal(b, &cfg); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if !strings.Contains(outputField(t, out, fmt.Sprintf("node %d", i)), "tusk node run --config "+path) {
			t.Errorf("the devnet does not tell how to run node %d:\n%s", i, out)
		}
		n.nodeCfg = append(n.nodeCfg, cfg)
	}
	if len(n.nodeCfg) == 0 {
		t.Fatalf("the devnet wrote no node configuration in %s", n.dir)
	}
}

// outputField returns the value of a "  name: value" line of the devnet's output.
func outputField(t *testing.T, out, name string) string {
	t.Helper()
	m := regexp.MustCompile(`(?m)^  ` + regexp.QuoteMeta(name) + `:\s+(.+)$`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no %q in the devnet's output:\n%s", name, out)
	}
	return m[1]
}

// nodeConfigPath is node i's configuration file.
func (n *network) nodeConfigPath(i int) string {
	return filepath.Join(n.dir, fmt.Sprintf("node-%d", i), devcluster.NodeConfigFile)
}

// startAllNodes starts every node that is not running and waits until each serves.
func (n *network) startAllNodes() {
	n.t.Helper()
	for i := range n.nodeCfg {
		if n.nodes[i] == nil || n.nodes[i].exited() {
			n.startNode(i)
		}
	}
}

// startNode starts node i from its configuration file and waits until it serves.
func (n *network) startNode(i int) { n.startNodeAt(i, n.nodeCfg[i].ListenAddr) }

// startNodeAt starts node i listening on addr instead of its registered address (when
// they differ, something else must forward the registered one to it), with extraEnv
// (configuration overrides, TUSK_NODE_...) added to its environment.
func (n *network) startNodeAt(i int, addr string, extraEnv ...string) {
	t := n.t
	t.Helper()
	env := append(append([]string(nil), n.env...), extraEnv...)
	if addr != n.nodeCfg[i].ListenAddr {
		env = append(env, "TUSK_NODE_LISTEN_ADDR="+addr)
	}
	p := startProc(t, n.logDir, fmt.Sprintf("node-%d", i), env, "node", "run", "--config", n.nodeConfigPath(i))
	n.nodes[i] = p
	waitHTTP(t, p, "http://"+addr+"/v1/health")
}

// killNode kills node i with SIGKILL.
func (n *network) killNode(i int) {
	n.t.Helper()
	n.nodes[i].kill(n.t)
	n.nodes[i] = nil
}

// startDaemon starts `tusk daemon` (publisher and aggregator) on a free port with the
// devnet's client configuration and waits until it serves.
func (n *network) startDaemon() {
	t := n.t
	t.Helper()
	addr := freeAddr(t)
	n.daemon = startProc(t, n.logDir, "daemon", n.env, "--config", n.clientConfig(), "daemon", "--bind", addr)
	n.daemonURL = "http://" + addr
	waitHTTP(t, n.daemon, n.daemonURL+"/status")
}

// killAll kills every process of the network with SIGKILL, the devnet first.
func (n *network) killAll() {
	n.t.Helper()
	n.devnet.kill(n.t)
	for i, p := range n.nodes {
		if p != nil {
			n.killNode(i)
		}
	}
	n.daemon.kill(n.t)
}

// clientConfig is the client configuration the devnet writes (DIR/client.yaml).
func (n *network) clientConfig() string { return filepath.Join(n.dir, "client.yaml") }

// cli runs a tusk client command with the devnet's client configuration.
func (n *network) cli(args ...string) cliResult {
	n.t.Helper()
	return runCLI(n.t, n.env, append([]string{"--config", n.clientConfig()}, args...)...)
}

// mustCLI runs a tusk client command and fails the test unless it succeeds.
func (n *network) mustCLI(args ...string) string {
	n.t.Helper()
	r := n.cli(args...)
	if r.code != 0 {
		n.t.Fatalf("tusk %s: %s", strings.Join(args, " "), r)
	}
	return r.stdout
}

// chainClient is a read-only client of the devnet's chain (closed when the test ends).
func (n *network) chainClient(ctx context.Context) (*chain.Client, devnet.ClientConfig) {
	t := n.t
	t.Helper()
	cc, err := devnet.LoadClientConfig(n.clientConfig())
	if err != nil {
		t.Fatal(err)
	}
	c, err := chain.Dial(ctx, cc.Config, chain.Options{})
	if err != nil {
		t.Fatalf("connect to the devnet: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c, cc
}

// nodeIndex maps a committee member to the node process that runs it.
func (n *network) nodeIndex(m chain.CommitteeMember) int {
	n.t.Helper()
	for i, cfg := range n.nodeCfg {
		if cfg.NodeID == m.NodeID.String() {
			return i
		}
	}
	n.t.Fatalf("no node runs committee member %s (%s)", m.Name, m.NodeID)
	return -1
}

// waitHTTP waits until url answers 200, failing if p exits first.
func waitHTTP(t *testing.T, p *proc, url string) {
	t.Helper()
	deadline := time.Now().Add(startTimeout)
	client := &http.Client{Timeout: 5 * time.Second}
	for {
		resp, err := client.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if p.exited() {
			t.Fatalf("%s exited (%v) before %s answered; log:\n%s", p.name, p.waitErr, url, tail(p.log(), 30))
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %s did not answer 200 within %s (last: %v); log:\n%s", p.name, url, startTimeout, err, tail(p.log(), 30))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// freeAddr is a loopback address with a port that was free a moment ago. The port is
// below the ephemeral ranges (and the devnet nodes' ports), so that no process binding
// port 0 takes it between now and its use, or while its process is down.
func freeAddr(t *testing.T) string {
	t.Helper()
	const low, end = 10000, 20000
	for range 1000 {
		addr := "127.0.0.1:" + strconv.Itoa(low+rand.IntN(end-low))
		l, err := net.Listen("tcp", addr)
		if err == nil {
			l.Close()
			return addr
		}
	}
	t.Fatalf("no free port in %d..%d", low, end-1)
	return ""
}

// eventually calls check until it returns nil, failing the test with its last error if
// that does not happen within eventualWait.
func eventually(t *testing.T, what string, check func() error) {
	t.Helper()
	deadline := time.Now().Add(eventualWait)
	for {
		err := check()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s: %v", what, eventualWait, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// testContext is a context for the test's own calls, cancelled when it ends.
func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	t.Cleanup(cancel)
	return ctx
}
