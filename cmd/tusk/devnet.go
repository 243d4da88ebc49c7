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
	"time"

	"github.com/spf13/cobra"
	"go.uber.org/zap"

	"github.com/tuskstore/tusk/chain/devnet"
	"github.com/tuskstore/tusk/chain/devnet/contract"
	"github.com/tuskstore/tusk/chain/keys"
	"github.com/tuskstore/tusk/chain/sui"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/config"
	"github.com/tuskstore/tusk/coordinator/httpapi"
	"github.com/tuskstore/tusk/internal/devcluster"
	"github.com/tuskstore/tusk/internal/pgserver"
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
		dir           string
		port          int
		nodes, shards int
		epoch         time.Duration
		indexerAddr   string
		publisherAddr string
		externalNodes bool
	)
	def := devcluster.Default()
	defaultPort := 9000
	if _, p, err := net.SplitHostPort(devnet.Default().RPCAddr); err == nil {
		if n, err := strconv.Atoi(p); err == nil {
			defaultPort = n
		}
	}
	cmd := &cobra.Command{
		Use:   "devnet",
		Short: "Run a whole Walrus network on this machine: chain, storage nodes, publisher, aggregator, indexer",
		Long: "devnet runs, with no network, an embedded Sui chain with the Walrus contract (the Sui gRPC\n" +
			"API on 127.0.0.1:PORT), the storage nodes registered and staked at genesis (each with its own\n" +
			"store, keys and port), and the indexer with its explorer API and event feed on Postgres\n" +
			"($DATABASE_URL; otherwise the local server on 127.0.0.1:5432, creating the database; otherwise a\n" +
			"server of its own from the PostgreSQL binaries). Its state lives in DIR and survives restarts:\n" +
			"running devnet again on the same DIR resumes it with every blob intact.\n\n" +
			"On the first start it creates a client key (DIR/" + clientKeystore + ") and funds it with 1000 WAL\n" +
			"and 100 SUI; at every start it writes the client configuration DIR/" + clientConfig + " (endpoint,\n" +
			"System and Staking objects, keystore, WAL coin type). It runs until interrupted (Ctrl-C).\n\n" +
			"--config FILE sets the genesis of a new devnet and the gRPC address (YAML):\n" +
			"  rpc_addr: 127.0.0.1:9000\n" +
			"  genesis:\n" +
			"    n_shards: 20              # --shards overrides it\n" +
			"    epoch_duration: 1m        # --epoch-duration overrides it\n" +
			"    max_epochs_ahead: 53\n" +
			"    wal_supply: 5000000000000000000   # FROST (1 WAL = 10^9 FROST)\n" +
			"    storage_price: 100000     # FROST per MiB per epoch\n" +
			"    write_price: 20000        # FROST per MiB\n" +
			"    capacity: 1000000000000   # bytes\n" +
			"    nodes:                    # one entry per node; --nodes must agree\n" +
			"      - {name: big, stake: 3000000000000, commission_rate: 500}\n" +
			"      - {stake: 1000000000000, storage_price_vote: 90000, write_price_vote: 20000, capacity_vote: 1000000000}\n" +
			"Every field is optional (absent: the default). The devnet makes the nodes' keys, addresses\n" +
			"and owners. A devnet keeps the genesis it was created with: restarting it with --config,\n" +
			"--shards, --nodes or --epoch-duration asking for another one fails.\n\n" +
			"--external-nodes registers the storage nodes at genesis as usual but does not run them: it\n" +
			"writes each node's keys and complete configuration (plain HTTP on its registered address, the\n" +
			"chain's gRPC address and Walrus objects) to DIR/node-I/node.yaml, rewritten at every start, and\n" +
			"leaves each node to run as a process of its own: tusk node run --config DIR/node-I/node.yaml.",
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
			// The client config and the nodes' configs name files in DIR: absolute paths
			// work from any working directory.
			abs, err := filepath.Abs(dir)
			if err != nil {
				return fmt.Errorf("devnet: --dir: %w", err)
			}
			dir = abs
			log, err := a.logger()
			if err != nil {
				return err
			}
			defer func() { _ = log.Sync() }()
			cfg := devcluster.Default()
			cfg.Dir, cfg.Nodes, cfg.Shards, cfg.EpochDuration, cfg.IndexerAddr, cfg.Log = dir, nodes, shards, epoch, indexerAddr, log
			cfg.ExternalNodes = externalNodes
			if _, _, err := net.SplitHostPort(publisherAddr); err != nil {
				return &usageError{cmd: cmd, err: fmt.Errorf("--publisher-addr: want host:port, got %q", publisherAddr)}
			}
			cfg.RPCAddr = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
			if err := applyDevnetGenesis(cmd, a.configPath, &cfg); err != nil {
				return err
			}
			if err := cfg.Validate(); err != nil {
				return &usageError{cmd: cmd, err: fmt.Errorf("devnet: %w", err)}
			}
			log.Debug("devnet requested", zap.String("dir", dir), zap.String("rpc", cfg.RPCAddr))
			return runDevnet(devnetContext(cmd.Context()), cfg, publisherAddr, log, cmd.OutOrStdout())
		},
	}
	f := cmd.Flags()
	f.StringVar(&dir, "dir", "", "data directory (default $XDG_DATA_HOME/tusk/devnet or ~/.local/share/tusk/devnet)")
	f.IntVar(&port, "port", defaultPort, "gRPC port on 127.0.0.1 (0 picks a free one)")
	f.IntVar(&nodes, "nodes", def.Nodes, "number of storage nodes of a new devnet")
	f.IntVar(&shards, "shards", def.Shards, "number of shards of a new devnet")
	f.DurationVar(&epoch, "epoch-duration", def.EpochDuration, "epoch duration of a new devnet")
	f.StringVar(&indexerAddr, "indexer-addr", "127.0.0.1:31416", "address of the indexer's explorer API and event feed")
	f.StringVar(&publisherAddr, "publisher-addr", httpapi.Default().Bind, "address of the publisher and aggregator (the Walrus HTTP API)")
	f.BoolVar(&externalNodes, "external-nodes", false, "do not run the storage nodes: write DIR/node-I/node.yaml for tusk node run --config instead")
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

// runDevnet starts (or resumes) the cluster in cfg.Dir, sets up the client, prints what
// a user needs and serves until ctx is done.
func runDevnet(ctx context.Context, cfg devcluster.Config, publisherAddr string, log *zap.Logger, out io.Writer) (err error) {
	cl, err := devcluster.Start(ctx, cfg)
	if err != nil {
		return err
	}
	var stopDB func() error
	defer func() { // the cluster (and its indexer) first, then its database
		if cerr := cl.Close(); cerr != nil && err == nil {
			err = cerr
		}
		if stopDB != nil {
			if serr := stopDB(); serr != nil && err == nil {
				err = serr
			}
		}
	}()
	d := cl.Devnet()
	dbURL, stopDB, err := devnetDatabase(ctx, cfg.Dir, d.ChainID(), log)
	if err != nil {
		return err
	}
	if err := cl.StartIndexer(ctx, dbURL); err != nil {
		return err
	}

	dir := cfg.Dir
	keystore := filepath.Join(dir, clientKeystore)
	key, created, err := clientKey(keystore)
	if err != nil {
		return err
	}
	owner := walrus.Address(key.Address())
	if cl.Created() || created {
		if _, err := d.Faucet(ctx, owner, devnetFundWAL, devnetFundSUI); err != nil {
			return fmt.Errorf("devnet: funding the client key: %w", err)
		}
		log.Info("funded the client key", zap.Stringer("address", owner),
			zap.Uint64("wal", devnetFundWAL/contract.FrostPerWAL), zap.Uint64("sui", devnetFundSUI/mistPerSUI))
	}
	if err := cl.StartPublisher(ctx, key, publisherAddr); err != nil {
		return err
	}
	cc := d.ClientConfig(keystore, owner)
	cc.NodePlainHTTP = true
	cc.Publisher = "http://" + cl.PublisherAddr()
	ccPath := filepath.Join(dir, clientConfig)
	if err := devnet.WriteClientConfig(ccPath, cc); err != nil {
		return err
	}
	// The CLI's default: `tusk store` and the rest work with no flags.
	userCC, err := userClientConfig()
	if err == nil {
		if err = os.MkdirAll(filepath.Dir(userCC), 0o700); err == nil {
			err = devnet.WriteClientConfig(userCC, cc)
		}
	}
	if err != nil {
		log.Warn("could not install the client configuration as the CLI's default", zap.Error(err))
		userCC = "(not installed: " + err.Error() + ")"
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
	if !cl.Created() {
		state = fmt.Sprintf("resumed, %d operations replayed", d.Records())
		if d.Records() == 1 {
			state = "resumed, 1 operation replayed"
		}
	}
	ids := d.IDs()
	fmt.Fprintf(out, "tusk devnet: a Walrus network on this machine (%s)\n", state)
	lines := [][2]string{
		{"data dir", dir},
		{"gRPC endpoint", d.Endpoint()},
		{"chain ID", d.ChainID().String()},
		{"walrus package", ids.WalrusPackage.String()},
		{"system object", ids.System.String()},
		{"staking object", ids.Staking.String()},
		{"WAL coin type", ids.WALType().String()},
		{"shards", strconv.Itoa(int(cl.Genesis().NShards))},
	}
	for i := 0; i < cl.Nodes(); i++ {
		line := "http://" + cl.NodeAddress(i) + " (node ID " + cl.NodeID(i).String() + ")"
		if cl.ExternalNodes() {
			line += "; run it: tusk node run --config " + cl.NodeConfigPath(i)
		}
		lines = append(lines, [2]string{fmt.Sprintf("node %d", i), line})
	}
	lines = append(lines,
		[2]string{"publisher", "http://" + cl.PublisherAddr() + "/v1/blobs (PUT; GET /v1/blobs/{id} reads)"},
		[2]string{"indexer", "http://" + cl.IndexerAddr() + "/v1/summary"},
		[2]string{"event feed", "http://" + cl.IndexerAddr() + "/v1/feed"},
		[2]string{"database", pgserver.Redact(dbURL)},
		[2]string{"client address", owner.String()},
		[2]string{"client balance", fmt.Sprintf("%s WAL, %s SUI", decimal(walBal, contract.FrostPerWAL), decimal(suiBal, mistPerSUI))},
		[2]string{"keystore", keystore},
		[2]string{"client config", ccPath},
		[2]string{"CLI default", userCC},
	)
	for _, line := range lines {
		fmt.Fprintf(out, "  %-15s %s\n", line[0]+":", line[1])
	}
	fmt.Fprintln(out, "Serving until interrupted (Ctrl-C).")

	select {
	case <-ctx.Done():
	case err := <-cl.Errors():
		return fmt.Errorf("devnet: %w", err)
	}
	log.Info("devnet stopping", zap.String("dir", dir))
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

// devnetFile is the --config file of tusk devnet: the genesis of a new devnet (nodes as
// their operators would choose them) and its gRPC address.
type devnetFile struct {
	Genesis struct {
		contract.GenesisParams `yaml:",inline"`
		Nodes                  []devcluster.NodeSpec `yaml:"nodes"`
	} `yaml:"genesis"`
	RPCAddr string `yaml:"rpc_addr"`
}

// Validate checks what the file can check alone; the genesis as a whole, nodes
// included, is checked when the devnet is created.
func (f *devnetFile) Validate() error {
	var errs config.Errors
	errs.Add(config.CheckHostPort("rpc_addr", f.RPCAddr))
	errs.Nested("genesis", f.Genesis.GenesisParams.Validate())
	return errs.Err()
}

// applyDevnetGenesis checks the genesis flags against an existing devnet's genesis and,
// with --config, sets cfg.Genesis (the file, then the flags over it), which the cluster
// creates or checks an existing devnet against.
func applyDevnetGenesis(cmd *cobra.Command, configPath string, cfg *devcluster.Config) error {
	flags := cmd.Flags()
	stored, exists, err := devcluster.StoredGenesis(cfg.Dir)
	if err != nil {
		return fmt.Errorf("devnet: %w", err)
	}
	if exists {
		for _, c := range []struct {
			flag       string
			asked, got any
		}{
			{"shards", cfg.Shards, int(stored.NShards)},
			{"nodes", cfg.Nodes, len(stored.Nodes)},
			{"epoch-duration", cfg.EpochDuration, stored.EpochDuration},
		} {
			if flags.Changed(c.flag) && c.asked != c.got {
				return &usageError{cmd: cmd, err: fmt.Errorf("--%s %v: the devnet in %s was created with %v (remove the directory for a new devnet)", c.flag, c.asked, cfg.Dir, c.got)}
			}
		}
	}
	if configPath == "" {
		return nil
	}
	var f devnetFile
	f.Genesis.GenesisParams = contract.Default().GenesisParams
	f.Genesis.NShards = uint16(cfg.Shards)
	f.Genesis.EpochDuration = cfg.EpochDuration
	f.RPCAddr = cfg.RPCAddr
	if err := config.Load(configPath, &f, "TUSK_DEVNET"); err != nil {
		return fmt.Errorf("devnet: %w", err)
	}
	if !flags.Changed("port") {
		cfg.RPCAddr = f.RPCAddr
	}
	if flags.Changed("shards") {
		f.Genesis.NShards = uint16(cfg.Shards)
	}
	if flags.Changed("epoch-duration") {
		f.Genesis.EpochDuration = cfg.EpochDuration
	}
	if n := len(f.Genesis.Nodes); n > 0 {
		if flags.Changed("nodes") && cfg.Nodes != n {
			return &usageError{cmd: cmd, err: fmt.Errorf("--nodes %d: the config file lists %d nodes (genesis.nodes)", cfg.Nodes, n)}
		}
		cfg.Nodes = n
		cfg.NodeSpecs = f.Genesis.Nodes
	}
	cfg.Shards, cfg.EpochDuration = int(f.Genesis.NShards), f.Genesis.EpochDuration
	cfg.Genesis = &contract.GenesisConfig{GenesisParams: f.Genesis.GenesisParams}
	return nil
}
