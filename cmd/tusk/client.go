package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/spf13/cobra"
	"go.uber.org/zap"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/chain/devnet"
	"github.com/tuskstore/tusk/chain/keys"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/config"
	"github.com/tuskstore/tusk/coordinator"
	"github.com/tuskstore/tusk/coordinator/metrics"
	"github.com/tuskstore/tusk/coordinator/nodes"
	"github.com/tuskstore/tusk/coordinator/nodes/httpnode"
	"github.com/tuskstore/tusk/coordinator/store"
)

// clientFlags are the flags every client command shares.
type clientFlags struct {
	asJSON        bool
	nodePlainHTTP bool
	tuningPath    string
}

func (f *clientFlags) register(cmd *cobra.Command) {
	cmd.Flags().BoolVar(&f.asJSON, "json", false, "print JSON")
	cmd.Flags().BoolVar(&f.nodePlainHTTP, "node-plain-http", false, "talk to the storage nodes over plain HTTP/2 instead of TLS (local nodes run without TLS)")
	cmd.Flags().StringVar(&f.tuningPath, "coordinator-config", "", "YAML file tuning the store and read flows (coordinator.Config; env TUSK_COORDINATOR_*)")
}

// clientConfigPath is --config; else the default client configuration `tusk devnet`
// installs under the user's configuration directory (userClientConfig); else the one in
// the default devnet directory.
func (a *app) clientConfigPath() (string, error) {
	if a.configPath != "" {
		return a.configPath, nil
	}
	if p, err := userClientConfig(); err == nil {
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	dir, err := defaultDevnetDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, clientConfig), nil
}

// userClientConfig is the CLI's default client configuration:
// $XDG_CONFIG_HOME/tusk/client.yaml (~/.config/tusk/client.yaml).
func userClientConfig() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "tusk", clientConfig), nil
}

// dialClient loads the client configuration, opens the chain client (signing with the
// configured key unless readOnly) and builds the coordinator client.
// openClient is dialClient with the CLI's logger and no metrics: what a one-shot client
// command uses.
func (a *app) openClient(ctx context.Context, f *clientFlags, readOnly bool) (*coordinator.Client, func(), error) {
	log, err := a.logger()
	if err != nil {
		return nil, nil, err
	}
	return a.dialClient(ctx, f, readOnly, log, nil)
}

func (a *app) dialClient(ctx context.Context, f *clientFlags, readOnly bool, log *zap.Logger, m *metrics.Metrics) (*coordinator.Client, func(), error) {
	path, err := a.clientConfigPath()
	if err != nil {
		return nil, nil, err
	}
	cc, err := devnet.LoadClientConfig(path)
	if err != nil {
		return nil, nil, fmt.Errorf("client config %s: %w (run `tusk devnet`, or pass --config)", path, err)
	}
	var signer *keys.Keypair
	if !readOnly {
		if signer, err = loadSigner(path, cc); err != nil {
			return nil, nil, err
		}
	}
	cfg := coordinator.Default()
	if err := config.Load(f.tuningPath, &cfg, "TUSK_COORDINATOR"); err != nil {
		return nil, nil, err
	}
	c, err := chain.Dial(ctx, cc.Config, chain.Options{Signer: signer, Logger: log, WALCoinType: cc.WALCoinType})
	if err != nil {
		return nil, nil, fmt.Errorf("connect to %s: %w", cc.RPC, err)
	}
	cl, err := coordinator.New(c, a.dialer(f, cc.NodePlainHTTP), cfg, log, m)
	if err != nil {
		c.Close()
		return nil, nil, err
	}
	return cl, func() { c.Close() }, nil
}

// dialer is the storage-node dialer (tests replace newDialer).
func (a *app) dialer(f *clientFlags, plain bool) nodes.Dialer {
	if newDialer != nil {
		return newDialer()
	}
	return httpnode.Dialer(httpnode.Options{Plain: f.nodePlainHTTP || plain, Pending: true})
}

// newDialer, when set (tests), replaces the storage-node dialer.
var newDialer func() nodes.Dialer

// loadSigner reads the keystore of the client config and picks the active address's key.
func loadSigner(configPath string, cc devnet.ClientConfig) (*keys.Keypair, error) {
	ks := cc.Keystore
	if !filepath.IsAbs(ks) {
		ks = filepath.Join(filepath.Dir(configPath), ks)
	}
	kps, err := keys.LoadKeystore(ks)
	if err != nil {
		return nil, fmt.Errorf("keystore %s: %w", ks, err)
	}
	if len(kps) == 0 {
		return nil, fmt.Errorf("keystore %s holds no key", ks)
	}
	if cc.ActiveAddress == "" {
		return kps[0], nil
	}
	want, err := walrus.ParseID(cc.ActiveAddress)
	if err != nil {
		return nil, fmt.Errorf("active_address %q: %w", cc.ActiveAddress, err)
	}
	for _, k := range kps {
		if walrus.Address(k.Address()) == want {
			return k, nil
		}
	}
	return nil, fmt.Errorf("keystore %s has no key for the active address %s", ks, want)
}

// printJSON writes v indented.
func printJSON(w io.Writer, v any) error {
	e := json.NewEncoder(w)
	e.SetIndent("", "  ")
	return e.Encode(v)
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// progressBar draws store progress on a terminal, on one line.
type progressBar struct {
	mu    sync.Mutex
	w     io.Writer
	label string
	last  string
}

func (p *progressBar) update(pr store.Progress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	line := fmt.Sprintf("%s: %s", p.label, pr.Phase)
	if pr.Phase == store.PhaseUpload && pr.Total > 0 {
		const width = 30
		filled := width * pr.Done / pr.Total
		line += fmt.Sprintf(" [%s%s] %d/%d slivers, %d/%d shards confirmed",
			strings.Repeat("#", filled), strings.Repeat(".", width-filled), pr.Done, pr.Total, pr.Confirmed, pr.Needed)
	}
	if line == p.last {
		return
	}
	p.last = line
	fmt.Fprintf(p.w, "\r\033[K%s", line)
}

func (p *progressBar) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.last != "" {
		fmt.Fprint(p.w, "\r\033[K")
	}
}

// parseAddress parses a Sui address flag.
func parseAddress(flag, s string) (*walrus.Address, error) {
	a, err := walrus.ParseID(s)
	if err != nil {
		return nil, fmt.Errorf("%s: %q is not a Sui address", flag, s)
	}
	return &a, nil
}

// registry returns a Prometheus registry with the coordinator metrics.
func registry() (*prometheus.Registry, *metrics.Metrics) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return reg, metrics.New(reg)
}
