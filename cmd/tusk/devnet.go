package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strconv"

	"github.com/spf13/cobra"
	"go.uber.org/zap"

	"github.com/tuskstore/tusk/chain/devnet"
	"github.com/tuskstore/tusk/chain/devnet/contract"
	"github.com/tuskstore/tusk/chain/keys"
	"github.com/tuskstore/tusk/chain/sui"
	"github.com/tuskstore/tusk/chain/walrus"
)

// What `tusk devnet` gives its client key on the first start.
const (
	devnetFundWAL  = 1000 * contract.FrostPerWAL // 1000 WAL, in FROST
	devnetFundSUI  = 100 * mistPerSUI            // 100 SUI, in MIST
	mistPerSUI     = 1_000_000_000
	clientKeystore = "client.keystore"
	clientConfig   = "client.yaml"
)

// devnetContext derives the context the devnet runs under from the command's (which
// SIGINT and SIGTERM cancel). Tests replace it to stop the devnet.
var devnetContext = func(ctx context.Context) context.Context { return ctx }

func newDevnetCmd(a *app) *cobra.Command {
	var (
		dir  string
		port int
	)
	defaultPort := 9000
	if _, p, err := net.SplitHostPort(devnet.Default().RPCAddr); err == nil {
		if n, err := strconv.Atoi(p); err == nil {
			defaultPort = n
		}
	}
	cmd := &cobra.Command{
		Use:   "devnet",
		Short: "Run a local devnet: an embedded Sui with the Walrus Move API",
		Long: "devnet runs, with no network, an embedded Sui chain with the Walrus storage contract, serving\n" +
			"the Sui gRPC API (sui.rpc.v2) on 127.0.0.1:PORT. Its state lives in DIR and survives restarts:\n" +
			"running devnet again on the same DIR resumes it.\n\n" +
			"On the first start it creates a client key (DIR/" + clientKeystore + "), funds it with 1000 WAL and\n" +
			"100 SUI, and at every start it writes the client configuration DIR/" + clientConfig + " (endpoint,\n" +
			"System and Staking objects, keystore, WAL coin type). It runs until interrupted (Ctrl-C).\n\n" +
			"Storage nodes, the publisher, the aggregator and the indexer are not part of it yet.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if port < 0 || port > 65535 {
				return &usageError{cmd: cmd, err: fmt.Errorf("--port: must be in 0..65535, got %d", port)}
			}
			if cmd.Flags().Changed("dir") && dir == "" {
				return &usageError{cmd: cmd, err: errors.New("--dir: must not be empty")}
			}
			if dir == "" {
				d, err := defaultDevnetDir()
				if err != nil {
					return err
				}
				dir = d
			}
			log, err := a.logger()
			if err != nil {
				return err
			}
			defer func() { _ = log.Sync() }()
			log.Debug("devnet requested", zap.String("dir", dir), zap.Int("port", port))
			return runDevnet(devnetContext(cmd.Context()), dir, port, log, cmd.OutOrStdout())
		},
	}
	f := cmd.Flags()
	f.StringVar(&dir, "dir", "", "data directory (default $XDG_DATA_HOME/tusk/devnet or ~/.local/share/tusk/devnet)")
	f.IntVar(&port, "port", defaultPort, "gRPC port on 127.0.0.1 (0 picks a free one)")
	return cmd
}

// defaultDevnetDir is $XDG_DATA_HOME/tusk/devnet, or ~/.local/share/tusk/devnet.
func defaultDevnetDir() (string, error) {
	if x := os.Getenv("XDG_DATA_HOME"); x != "" && filepath.IsAbs(x) {
		return filepath.Join(x, "tusk", "devnet"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("devnet: no --dir given, and no home directory for the default: %w", err)
	}
	return filepath.Join(home, ".local", "share", "tusk", "devnet"), nil
}

// runDevnet opens (or creates) the devnet in dir, sets up the client, prints what a
// client needs and serves until ctx is done.
func runDevnet(ctx context.Context, dir string, port int, log *zap.Logger, out io.Writer) (err error) {
	cfg := devnet.Default()
	host, _, err := net.SplitHostPort(cfg.RPCAddr)
	if err != nil {
		return fmt.Errorf("devnet: default address %q: %w", cfg.RPCAddr, err)
	}
	cfg.RPCAddr = net.JoinHostPort(host, strconv.Itoa(port))
	d, err := devnet.Open(ctx, dir, cfg, log)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := d.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}()

	keystore := filepath.Join(dir, clientKeystore)
	key, created, err := clientKey(keystore)
	if err != nil {
		return err
	}
	owner := walrus.Address(key.Address())
	if d.Created() || created {
		if _, err := d.Faucet(ctx, owner, devnetFundWAL, devnetFundSUI); err != nil {
			return fmt.Errorf("devnet: funding the client key: %w", err)
		}
		log.Info("funded the client key", zap.Stringer("address", owner),
			zap.Uint64("wal", devnetFundWAL/contract.FrostPerWAL), zap.Uint64("sui", devnetFundSUI/mistPerSUI))
	}
	ccPath := filepath.Join(dir, clientConfig)
	if err := devnet.WriteClientConfig(ccPath, d.ClientConfig(keystore, owner)); err != nil {
		return err
	}

	walBal, err := d.Store().CoinBalance(ctx, owner, d.IDs().WALType())
	if err != nil {
		return fmt.Errorf("devnet: %w", err)
	}
	suiBal, err := d.Store().CoinBalance(ctx, owner, sui.SUIType)
	if err != nil {
		return fmt.Errorf("devnet: %w", err)
	}
	state := "created"
	if !d.Created() {
		state = fmt.Sprintf("resumed, %d operations replayed", d.Records())
		if d.Records() == 1 {
			state = "resumed, 1 operation replayed"
		}
	}
	ids := d.IDs()
	fmt.Fprintf(out, "tusk devnet: embedded Sui with the Walrus Move API (%s)\n", state)
	for _, line := range [][2]string{
		{"data dir", dir},
		{"gRPC endpoint", d.Endpoint()},
		{"chain ID", d.ChainID().String()},
		{"walrus package", ids.WalrusPackage.String()},
		{"system object", ids.System.String()},
		{"staking object", ids.Staking.String()},
		{"WAL coin type", ids.WALType().String()},
		{"client address", owner.String()},
		{"client balance", fmt.Sprintf("%s WAL, %s SUI", decimal(walBal, contract.FrostPerWAL), decimal(suiBal, mistPerSUI))},
		{"keystore", keystore},
		{"client config", ccPath},
	} {
		fmt.Fprintf(out, "  %-15s %s\n", line[0]+":", line[1])
	}
	fmt.Fprintln(out, "Serving until interrupted (Ctrl-C).")

	if err := d.Run(ctx); err != nil {
		return err
	}
	log.Info("devnet stopped", zap.String("dir", dir))
	return nil
}

// clientKey loads the first key of the keystore at path, or creates the keystore with a
// new key (mode 0600).
func clientKey(path string) (key *keys.Keypair, created bool, err error) {
	kps, err := keys.LoadKeystore(path)
	switch {
	case err == nil:
		if len(kps) == 0 {
			return nil, false, fmt.Errorf("devnet: keystore %s holds no key", path)
		}
		return kps[0], false, nil
	case errors.Is(err, fs.ErrNotExist):
		k, err := keys.Generate()
		if err != nil {
			return nil, false, fmt.Errorf("devnet: client key: %w", err)
		}
		if err := keys.SaveKeystore(path, []*keys.Keypair{k}); err != nil {
			return nil, false, fmt.Errorf("devnet: %w", err)
		}
		return k, true, nil
	default:
		return nil, false, fmt.Errorf("devnet: client key: %w", err)
	}
}

// decimal prints v/unit with the fraction's trailing zeros removed.
func decimal(v, unit uint64) string {
	s := strconv.FormatUint(v/unit, 10)
	if frac := v % unit; frac != 0 {
		f := fmt.Sprintf("%0*d", len(strconv.FormatUint(unit, 10))-1, frac)
		for f[len(f)-1] == '0' {
			f = f[:len(f)-1]
		}
		s += "." + f
	}
	return s
}
