package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/block-vision/sui-go-sdk/common/grpcconn"
	v2 "github.com/block-vision/sui-go-sdk/pb/sui/rpc/v2"

	"github.com/tuskstore/tusk/chain/devnet"
	"github.com/tuskstore/tusk/chain/keys"
)

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
		{[]string{"devnet", "--dir", file, "--port", "0"}, exitError, "tusk: devnet: data directory: "},
		{[]string{"devnet", "--dir", filepath.Join(file, "sub"), "--port", "0"}, exitError, "tusk: devnet: data directory: "},
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
