package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/block-vision/sui-go-sdk/common/grpcconn"
	v2 "github.com/block-vision/sui-go-sdk/pb/sui/rpc/v2"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/chain/devnet"
	"github.com/tuskstore/tusk/chain/devnet/contract"
	"github.com/tuskstore/tusk/chain/keys"
	"github.com/tuskstore/tusk/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// syncBuffer is a bytes.Buffer safe for a writer and a concurrent reader.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// runningDevnet is `tusk devnet` started in-process.
type runningDevnet struct {
	stdout, stderr *syncBuffer
	cancel         context.CancelFunc
	exit           chan int
}

// startDevnet runs tusk with args in the background, under a context the test cancels,
// and waits for it to print its client config line.
func startDevnet(t *testing.T, args ...string) *runningDevnet {
	t.Helper()
	// The indexer's database is the test's, and its API on a free port.
	t.Setenv("DATABASE_URL", pgtest.URL(t))
	if os.Getenv("XDG_CONFIG_HOME") == "" || !strings.HasPrefix(os.Getenv("XDG_CONFIG_HOME"), os.TempDir()) {
		t.Setenv("XDG_CONFIG_HOME", t.TempDir()) // the CLI default goes there, not to the user's
	}
	args = append(args, "--indexer-addr", "127.0.0.1:0", "--publisher-addr", "127.0.0.1:0")
	ctx, cancel := context.WithCancel(context.Background())
	saved := devnetContext
	devnetContext = func(parent context.Context) context.Context {
		merged, stop := context.WithCancel(parent)
		context.AfterFunc(ctx, stop)
		return merged
	}
	t.Cleanup(func() { devnetContext = saved })
	r := &runningDevnet{stdout: &syncBuffer{}, stderr: &syncBuffer{}, cancel: cancel, exit: make(chan int, 1)}
	go func() { r.exit <- run(args, strings.NewReader(""), r.stdout, r.stderr) }()
	deadline := time.After(time.Minute)
	for !strings.Contains(r.stdout.String(), "client config:") {
		select {
		case code := <-r.exit:
			cancel()
			t.Fatalf("tusk %v exited with %d before it was ready; stdout %q, stderr %q", args, code, r.stdout, r.stderr)
		case <-deadline:
			cancel()
			t.Fatalf("tusk %v never became ready; stdout %q, stderr %q", args, r.stdout, r.stderr)
		case <-time.After(5 * time.Millisecond):
		}
	}
	t.Cleanup(func() { r.cancel() })
	return r
}

// stop cancels the devnet and requires a clean exit.
func (r *runningDevnet) stop(t *testing.T) {
	t.Helper()
	r.cancel()
	select {
	case code := <-r.exit:
		if code != 0 {
			t.Fatalf("exit %d, stderr %q", code, r.stderr)
		}
	case <-time.After(time.Minute):
		t.Fatal("tusk devnet did not stop")
	}
}

// field returns the value of a "  name: value" line of the output.
func field(t *testing.T, out, name string) string {
	t.Helper()
	m := regexp.MustCompile(`(?m)^  ` + regexp.QuoteMeta(name) + `:\s+(.+)$`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no %q in the output:\n%s", name, out)
	}
	return m[1]
}

func TestDevnetCommand(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "devnet")
	r := startDevnet(t, "devnet", "--dir", dir, "--port", "0")
	out := r.stdout.String()
	if !strings.Contains(out, "(created)") {
		t.Errorf("first start does not say created:\n%s", out)
	}
	endpoint := field(t, out, "gRPC endpoint")
	addr := field(t, out, "client address")
	if !regexp.MustCompile(`^127\.0\.0\.1:\d+$`).MatchString(endpoint) || strings.HasSuffix(endpoint, ":0") {
		t.Errorf("endpoint %q", endpoint)
	}
	if got := field(t, out, "client balance"); got != "1000 WAL, 100 SUI" {
		t.Errorf("client balance %q", got)
	}

	// The gRPC server answers.
	client := grpcconn.NewSuiGrpcClient(endpoint)
	defer client.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	lc, err := client.LedgerService(ctx)
	if err != nil {
		t.Fatal(err)
	}
	info, err := lc.GetServiceInfo(ctx, &v2.GetServiceInfoRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if info.GetChainId() != field(t, out, "chain ID") {
		t.Errorf("chain ID %q, printed %q", info.GetChainId(), field(t, out, "chain ID"))
	}

	// The indexer and every storage node answer.
	for _, name := range []string{"indexer", "node 0", "node 3"} {
		url := strings.Fields(field(t, out, name))[0]
		if name != "indexer" {
			url += "/v1/health"
		}
		resp, err := http.Get(url)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s: %s", name, resp.Status)
		}
	}

	// The client config and the keystore.
	cc, err := devnet.LoadClientConfig(filepath.Join(dir, "client.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if cc.Network != "devnet" || cc.RPC != endpoint || cc.SystemObject != field(t, out, "system object") ||
		cc.StakingObject != field(t, out, "staking object") || cc.ActiveAddress != addr ||
		cc.WALCoinType != field(t, out, "WAL coin type") || cc.Keystore != filepath.Join(dir, "client.keystore") {
		t.Errorf("client config %+v", cc)
	}
	st, err := os.Stat(cc.Keystore)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("keystore: %v, %v", st, err)
	}
	kps, err := keys.LoadKeystore(cc.Keystore)
	if err != nil || len(kps) != 1 || kps[0].Address().String() != addr {
		t.Fatalf("keystore: %v, %v", kps, err)
	}
	r.stop(t)

	// A second start resumes: same key, same objects, the funds not granted again.
	r2 := startDevnet(t, "devnet", "--dir", dir, "--port", "0")
	out2 := r2.stdout.String()
	if !strings.Contains(out2, "(resumed, 1 operation replayed)") {
		t.Errorf("second start:\n%s", out2)
	}
	for _, name := range []string{"client address", "system object", "staking object", "chain ID", "client balance"} {
		if a, b := field(t, out, name), field(t, out2, name); a != b {
			t.Errorf("%s: %q at the first start, %q at the second", name, a, b)
		}
	}
	cc2, err := devnet.LoadClientConfig(filepath.Join(dir, "client.yaml"))
	if err != nil || cc2.RPC != field(t, out2, "gRPC endpoint") {
		t.Errorf("client config after the second start: %+v, %v", cc2, err)
	}
	r2.stop(t)
}

func TestDevnetCommandErrors(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"devnet", "--port", "70000"}, exitUsage, "tusk: --port: must be in 0..65535, got 70000\n"},
		{[]string{"devnet", "--port", "-1"}, exitUsage, "--port: must be in 0..65535"},
		{[]string{"devnet", "--port", "abc"}, exitUsage, "invalid argument"},
		{[]string{"devnet", "--dir", ""}, exitUsage, "--dir: must not be empty"},
		{[]string{"devnet", "--dir", file, "--port", "0"}, exitError, "data directory: "},
		{[]string{"devnet", "--dir", filepath.Join(file, "sub"), "--port", "0"}, exitError, "data directory: "},
	} {
		code, out, errOut := runTusk(t, tc.args...)
		if code != tc.code || !strings.Contains(errOut, tc.want) || out != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit %d and %q", tc.args, code, out, errOut, tc.code, tc.want)
		}
	}

	// A directory in use by a running devnet.
	dir := t.TempDir()
	r := startDevnet(t, "devnet", "--dir", dir, "--port", "0")
	code, _, errOut := runTusk(t, "devnet", "--dir", dir, "--port", "0")
	if code != exitError || !strings.Contains(errOut, "locked by another process") {
		t.Errorf("second devnet on one dir: exit %d, stderr %q", code, errOut)
	}
	r.stop(t)
}

func TestDevnetDefaultDirAndDebugLog(t *testing.T) {
	data := t.TempDir()
	t.Setenv("XDG_DATA_HOME", data)
	if d, err := defaultDevnetDir(); err != nil || d != filepath.Join(data, "tusk", "devnet") {
		t.Fatalf("default dir %q, %v", d, err)
	}
	home := t.TempDir()
	t.Setenv("XDG_DATA_HOME", "")
	t.Setenv("HOME", home)
	if d, err := defaultDevnetDir(); err != nil || d != filepath.Join(home, ".local", "share", "tusk", "devnet") {
		t.Fatalf("default dir %q, %v", d, err)
	}

	t.Setenv("XDG_DATA_HOME", data)
	r := startDevnet(t, "--log-level", "debug", "devnet", "--port", "0")
	if got := field(t, r.stdout.String(), "data dir"); got != filepath.Join(data, "tusk", "devnet") {
		t.Errorf("data dir %q", got)
	}
	r.stop(t)
	if !strings.Contains(r.stderr.String(), "devnet requested") {
		t.Errorf("no debug log line: %q", r.stderr)
	}
}

func TestDecimal(t *testing.T) {
	for _, tc := range []struct {
		v, unit uint64
		want    string
	}{{0, 1000, "0"}, {1500, 1000, "1.5"}, {1001, 1000, "1.001"}, {42, 1, "42"}, {100_000_000_001, 1_000_000_000, "100.000000001"}} {
		if got := decimal(tc.v, tc.unit); got != tc.want {
			t.Errorf("decimal(%d, %d) = %q, want %q", tc.v, tc.unit, got, tc.want)
		}
	}
}

// TestDevnetGenesisConfig starts a devnet whose genesis comes from --config (nodes with
// their stake, commission and votes; --shards over the file's n_shards) and reads it back
// through the chain client; restarting it asking for another genesis, or a config that
// does not validate, is refused naming the field.
func TestDevnetGenesisConfig(t *testing.T) {
	tmp := t.TempDir()
	cfgPath := filepath.Join(tmp, "devnet.yaml")
	const file = `genesis:
  n_shards: 20
  storage_price: 7
  write_price: 3
  epoch_duration: 30s
  nodes:
    - {name: big, stake: 3000000000000, commission_rate: 500}
    - {stake: 1000000000000, storage_price_vote: 9}
    - {stake: 1000000000000, commission_rate: 0}
`
	if err := os.WriteFile(cfgPath, []byte(file), 0o600); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(tmp, "devnet")
	r := startDevnet(t, "devnet", "--config", cfgPath, "--shards", "12", "--dir", dir, "--port", "0")
	cc, err := devnet.LoadClientConfig(filepath.Join(dir, "client.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := chain.Dial(ctx, cc.Config, chain.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	com, err := c.Committee(ctx)
	if err != nil || com.NShards != 12 || len(com.Members) != 3 {
		t.Fatalf("committee %+v, %v", com, err)
	}
	prices, err := c.Prices(ctx)
	if err != nil || prices.StoragePerUnitEpoch != 7 || prices.WritePerUnit != 3 {
		t.Errorf("prices %+v, %v", prices, err)
	}
	st, err := c.StakingState(ctx)
	if err != nil || st.Inner.EpochDuration != 30_000 {
		t.Errorf("epoch duration %d ms, %v", st.Inner.EpochDuration, err)
	}
	// Each node as its operator chose it; the rest are the defaults.
	want := map[string]struct {
		stake      uint64
		commission uint16
		priceVote  uint64
	}{
		"big":    {3000 * contract.FrostPerWAL, 500, contract.DefaultStoragePrice},
		"node-1": {1000 * contract.FrostPerWAL, contract.DefaultCommissionRate, 9},
		"node-2": {1000 * contract.FrostPerWAL, 0, contract.DefaultStoragePrice},
	}
	shards := map[string]int{}
	for _, m := range com.Members {
		pool, err := c.Pool(ctx, m.NodeID)
		if err != nil {
			t.Fatal(err)
		}
		w, ok := want[pool.NodeInfo.Name]
		if !ok {
			t.Fatalf("unexpected node %q", pool.NodeInfo.Name)
		}
		if pool.WalBalance != w.stake || pool.CommissionRate != w.commission || pool.VotingParams.StoragePrice != w.priceVote {
			t.Errorf("%s: stake %d, commission %d, storage price vote %d; want %+v", pool.NodeInfo.Name,
				pool.WalBalance, pool.CommissionRate, pool.VotingParams.StoragePrice, w)
		}
		shards[pool.NodeInfo.Name] = len(m.Shards)
	}
	if shards["big"] <= shards["node-1"] || shards["big"] <= shards["node-2"] {
		t.Errorf("shards %v: the node with 3x the stake should hold the most", shards)
	}
	r.stop(t)

	// The devnet keeps its genesis: asking for another one is refused before anything
	// starts; asking for the same one (or nothing) resumes it.
	other := filepath.Join(tmp, "other.yaml")
	if err := os.WriteFile(other, []byte(strings.Replace(file, "commission_rate: 500", "commission_rate: 600", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--config", other, "--shards", "12"}, "nodes[0]"},
		{[]string{"--config", cfgPath}, "n_shards is 12, not 20"},
		{[]string{"--shards", "10"}, "--shards 10: the devnet in " + dir + " was created with 12"},
		{[]string{"--nodes", "4"}, "was created with 3"},
	} {
		code, _, errOut := runTusk(t, append([]string{"devnet", "--dir", dir, "--port", "0"}, tc.args...)...)
		if code == 0 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, stderr %q, want it to say %q", tc.args, code, errOut, tc.want)
		}
	}
	r = startDevnet(t, "devnet", "--config", cfgPath, "--shards", "12", "--dir", dir, "--port", "0")
	r.stop(t)

	for _, tc := range []struct{ file, want string }{
		{"genesis:\n  n_shards: 0\n", "genesis.n_shards"},
		{"genesis:\n  nodes:\n    - {commission_rate: 10001}\n", "genesis.nodes[0].commission_rate"},
		{"genesis:\n  nodes:\n    - {stake: many}\n", "devnet.yaml"},
		{"genesis:\n  nodes:\n    - {owner: 0x1}\n", "owner"},
	} {
		bad := filepath.Join(tmp, "bad", "devnet.yaml")
		if err := os.MkdirAll(filepath.Dir(bad), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(bad, []byte(tc.file), 0o600); err != nil {
			t.Fatal(err)
		}
		code, _, errOut := runTusk(t, "devnet", "--config", bad, "--dir", filepath.Join(tmp, "new"), "--port", "0")
		if code == 0 || !strings.Contains(errOut, tc.want) {
			t.Errorf("config %q: exit %d, stderr %q, want it to name %q", tc.file, code, errOut, tc.want)
		}
	}
	if _, err := os.Stat(filepath.Join(tmp, "new", "cluster.yaml")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a refused config left a devnet behind: %v", err)
	}
}

// TestQuickstart follows the README: `tusk devnet`, then `tusk store` and `tusk read`
// with no flags (the devnet installed the CLI's default config), the same through the
// publisher's HTTP API as curl would, and the blob visible in the indexer's API.
func TestQuickstart(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "devnet")
	r := startDevnet(t, "devnet", "--dir", dir, "--port", "0")
	defer r.stop(t)
	out := r.stdout.String()

	data := bytes.Repeat([]byte("hello walrus "), 5000)
	file := filepath.Join(t.TempDir(), "hello.txt")
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	var stored []struct {
		BlobStoreResult struct {
			NewlyCreated *struct {
				BlobObject struct {
					BlobID string `json:"blobId"`
				} `json:"blobObject"`
			} `json:"newlyCreated"`
		} `json:"blobStoreResult"`
	}
	res := mustRun(t, "store", file, "--json")
	if err := json.Unmarshal([]byte(res), &stored); err != nil || len(stored) != 1 || stored[0].BlobStoreResult.NewlyCreated == nil {
		t.Fatalf("store: %s (%v)", res, err)
	}
	id := stored[0].BlobStoreResult.NewlyCreated.BlobObject.BlobID
	if got := mustRun(t, "read", id); got != string(data) {
		t.Fatalf("read: %d bytes, want %d", len(got), len(data))
	}

	// curl -X PUT --data-binary @file $PUBLISHER/v1/blobs; curl $AGGREGATOR/v1/blobs/$ID
	publisher := strings.Fields(field(t, out, "publisher"))[0]
	base := strings.TrimSuffix(publisher, "/v1/blobs")
	req, _ := http.NewRequest(http.MethodPut, base+"/v1/blobs?epochs=2", bytes.NewReader([]byte("via http")))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var put struct {
		NewlyCreated *struct {
			BlobObject struct {
				BlobID string `json:"blobId"`
			} `json:"blobObject"`
		} `json:"newlyCreated"`
	}
	err = json.NewDecoder(resp.Body).Decode(&put)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK || put.NewlyCreated == nil {
		t.Fatalf("PUT /v1/blobs: %s %+v %v", resp.Status, put, err)
	}
	resp, err = http.Get(base + "/v1/blobs/" + put.NewlyCreated.BlobObject.BlobID)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(body) != "via http" {
		t.Fatalf("GET /v1/blobs: %s %q", resp.Status, body)
	}

	// The indexer has both blobs as certified.
	indexer := strings.TrimSuffix(strings.Fields(field(t, out, "indexer"))[0], "/v1/summary")
	for _, blobID := range []string{id, put.NewlyCreated.BlobObject.BlobID} {
		deadline := time.Now().Add(30 * time.Second)
		for {
			resp, err := http.Get(indexer + "/v1/blobs/" + blobID)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK && bytes.Contains(body, []byte(`"certified_epoch":`)) && !bytes.Contains(body, []byte(`"certified_epoch":null`)) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("indexer never showed %s certified: %s %s", blobID, resp.Status, body)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
}
