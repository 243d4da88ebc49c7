package main

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
	"go.uber.org/zap"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/chain/keys"
	"github.com/tuskstore/tusk/internal/logging"
	"github.com/tuskstore/tusk/node"
	"github.com/tuskstore/tusk/node/events"
)

// nodeChain connects a storage node to the chain: the Walrus event stream (the
// checkpoint stream of a read-only chain.Client) and the committee, from the chain
// section of its configuration, and a function releasing them. It is a variable so that
// tests can replace it.
var nodeChain = func(ctx context.Context, cfg chain.Config, log *zap.Logger) (node.Deps, func(), error) {
	c, err := chain.Dial(ctx, cfg, chain.Options{Logger: log})
	if err != nil {
		return node.Deps{}, nil, err
	}
	return node.Deps{Events: events.FromCheckpoints(c, c.WalrusPackage()), Committee: c}, func() { c.Close() }, nil
}

func newNodeCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "node",
		Short: "Run a Walrus storage node, make its keys, register and operate it on chain",
		Long: "node runs a Walrus storage node: the storage-node REST API (HTTP/2 over TLS with a certificate\n" +
			"for the node's network key), slivers and metadata in a pebble database, storage confirmations\n" +
			"signed with its BLS key, and blob sync from the other nodes of the committee. Its operator\n" +
			"commands (setup, info, collect-commission, set-commission, vote) sign with the key of the client\n" +
			"configuration (--config, as for `tusk store`) and its StorageNodeCap.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newNodeRunCmd(a), newNodeKeygenCmd(), newNodeSetupCmd(a), newNodeInfoCmd(a),
		newNodeCollectCommissionCmd(a), newNodeSetCommissionCmd(a), newNodeVoteCmd(a))
	return cmd
}

func newNodeRunCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "run",
		Short: "Run the storage node described by --config",
		Long: "run starts the storage node configured by the YAML file given with --config (environment\n" +
			"variables TUSK_NODE_<FIELD> override it) and runs it until interrupted. An operator section\n" +
			"(operator: keystore or private_key, node_cap_id, epochs, commission) makes the node submit its\n" +
			"own transactions with the operator's key, drive epochs and collect commission on a schedule.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if a.configPath == "" {
				return &usageError{cmd: cmd, err: errors.New("--config is required")}
			}
			cfg, err := loadNodeRunConfig(a.configPath)
			if err != nil {
				return err
			}
			lc := cfg.Log
			if a.logLevel != "" {
				lc.Level = a.logLevel
			}
			log, err := logging.NewWriter(lc, a.stderr)
			if err != nil {
				return err
			}
			defer func() { _ = log.Sync() }()
			return runOperatedNode(cmd.Context(), cfg, log)
		},
	}
}

func runNode(ctx context.Context, cfg node.Config, log *zap.Logger) error {
	deps, release, err := nodeChain(ctx, cfg.Chain, log)
	if err != nil {
		return fmt.Errorf("node: %w", err)
	}
	if release != nil {
		defer release()
	}
	deps.Log = log
	n, err := node.New(cfg, deps)
	if err != nil {
		return err
	}
	return n.Run(ctx)
}

func newNodeKeygenCmd() *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:   "keygen",
		Short: "Make a storage node's protocol (BLS) and network (TLS) keys",
		Long: "keygen writes DIR/protocol.key (BLS12-381, Walrus's text form) and DIR/network.key (P-256,\n" +
			"PKCS#8 PEM), both mode 0600, and prints their public keys. It never overwrites a key.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if dir == "" {
				return &usageError{cmd: cmd, err: errors.New("--dir is required")}
			}
			return nodeKeygen(dir, cmd.OutOrStdout())
		},
	}
	cmd.Flags().StringVar(&dir, "dir", "", "directory to write protocol.key and network.key into")
	return cmd
}

func nodeKeygen(dir string, out io.Writer) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("keygen: %w", err)
	}
	blsPath, netPath := filepath.Join(dir, "protocol.key"), filepath.Join(dir, "network.key")
	for _, p := range []string{blsPath, netPath} {
		if _, err := os.Stat(p); err == nil {
			return fmt.Errorf("keygen: %s exists; not overwriting a key", p)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("keygen: %w", err)
		}
	}
	bk, err := keys.GenerateBLSKey()
	if err != nil {
		return fmt.Errorf("keygen: %w", err)
	}
	nk, err := keys.GenerateNetworkKey()
	if err != nil {
		return fmt.Errorf("keygen: %w", err)
	}
	if err := keys.SaveBLSKey(blsPath, bk); err != nil {
		return fmt.Errorf("keygen: %w", err)
	}
	if err := keys.SaveNetworkKey(netPath, nk); err != nil {
		return fmt.Errorf("keygen: %w", err)
	}
	pk, npk := bk.PublicKey(), nk.CompressedPublicKey()
	fmt.Fprintf(out, "protocol key: %s\n  public key (BLS12-381 G1, base64): %s\n", blsPath, base64.StdEncoding.EncodeToString(pk[:]))
	fmt.Fprintf(out, "network key:  %s\n  public key (P-256 compressed, base64): %s\n", netPath, base64.StdEncoding.EncodeToString(npk[:]))
	return nil
}
