package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"

	"github.com/spf13/cobra"
	"gopkg.in/yaml.v3"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/chain/keys"
	"github.com/tuskstore/tusk/node"
	"github.com/tuskstore/tusk/node/operator"
)

// Walrus's defaults for a new node (walrus-service node/config.rs defaults).
const (
	defaultCommissionRate = 6000    // basis points
	defaultStoragePrice   = 100_000 // FROST per MiB per epoch
	defaultWritePrice     = 20_000  // FROST per MiB
	maxNodeNameLen        = 100     // staking_pool.move
	maxNetworkAddressLen  = 259
)

// setupRequest is what `tusk node setup` registers, checked before anything is sent.
type setupRequest struct {
	chain.RegisterCandidateRequest
	blsFile, networkFile string
}

func newNodeSetupCmd(a *app) *cobra.Command {
	var (
		keysDir, blsFile, netFile            string
		name, address, capacity, writeConfig string
		imageURL, projectURL, description    string
		commissionRate                       uint16
		storagePrice, writePrice             uint64
		asJSON                               bool
	)
	cmd := &cobra.Command{
		Use:   "setup --keys-dir DIR --name NAME --network-address HOST:PORT --capacity BYTES [--write-config FILE]",
		Short: "Register a storage node on chain (staking::register_candidate)",
		Long: "setup registers a new storage node with the protocol and network keys that `tusk node keygen` wrote\n" +
			"(--keys-dir, or --bls-key and --network-key), signing with the client configuration's key, which\n" +
			"becomes the node's operator: it receives the StorageNodeCap and proves possession of the protocol\n" +
			"key for itself and the current epoch. It prints the node ID and the cap ID, and with --write-config\n" +
			"writes a `tusk node run` configuration for the node (never overwriting a file). The node joins\n" +
			"the committee once it has stake (`tusk stake --node ID`) at a voting_end.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if keysDir != "" {
				if blsFile == "" {
					blsFile = filepath.Join(keysDir, "protocol.key")
				}
				if netFile == "" {
					netFile = filepath.Join(keysDir, "network.key")
				}
			}
			usage := func(format string, args ...any) error {
				return &usageError{cmd: cmd, err: fmt.Errorf(format, args...)}
			}
			switch {
			case blsFile == "" || netFile == "":
				return usage("--keys-dir (or --bls-key and --network-key) is required")
			case name == "":
				return usage("--name is required")
			case len(name) > maxNodeNameLen:
				return usage("--name: at most %d bytes, got %d", maxNodeNameLen, len(name))
			case address == "":
				return usage("--network-address is required (host:port where the node's REST API is reached)")
			case len(address) > maxNetworkAddressLen:
				return usage("--network-address: at most %d bytes, got %d", maxNetworkAddressLen, len(address))
			case commissionRate > 10_000:
				return usage("--commission-rate: basis points in 0..10000 (100 = 1%%), got %d", commissionRate)
			case capacity == "":
				return usage("--capacity is required (the storage the node offers, e.g. 2TiB)")
			}
			host, port, err := net.SplitHostPort(address)
			if p, perr := strconv.ParseUint(port, 10, 16); err != nil || host == "" || perr != nil || p == 0 {
				return usage("--network-address: want host:port with a port in 1..65535, got %q", address)
			}
			capBytes, err := parseBytes(capacity)
			if err != nil || capBytes == 0 {
				return usage("--capacity: %v", orMsg(err, "must be positive"))
			}
			bls, err := keys.LoadBLSKey(blsFile)
			if err != nil {
				return fmt.Errorf("setup: protocol key: %w", err)
			}
			nk, err := keys.LoadNetworkKey(netFile)
			if err != nil {
				return fmt.Errorf("setup: network key: %w", err)
			}
			if writeConfig != "" {
				if _, err := os.Stat(writeConfig); err == nil {
					return usage("--write-config: %s exists; not overwriting it", writeConfig)
				}
			}
			npk := nk.CompressedPublicKey()
			req := setupRequest{RegisterCandidateRequest: chain.RegisterCandidateRequest{
				Name: name, NetworkAddress: address, ImageURL: imageURL, ProjectURL: projectURL, Description: description,
				BLSKey: bls, NetworkPublicKey: npk[:], CommissionRate: commissionRate,
				StoragePrice: storagePrice, WritePrice: writePrice, NodeCapacity: capBytes,
			}, blsFile: blsFile, networkFile: netFile}
			ctx := cmd.Context()
			s, closeFn, err := a.openChain(ctx, true)
			if err != nil {
				return err
			}
			defer closeFn()
			reg, err := s.registerNode(ctx, req)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if writeConfig != "" {
				if err := s.writeNodeConfig(writeConfig, req, reg); err != nil {
					return fmt.Errorf("setup: node %s registered (cap %s), but: %w", reg.NodeID, reg.CapID, err)
				}
			}
			if asJSON {
				return printJSON(out, map[string]any{"nodeId": reg.NodeID, "nodeCap": reg.CapID, "digest": reg.Digest,
					"operator": s.address(), "config": writeConfig})
			}
			fmt.Fprintf(out, "Registered storage node %q\n  node ID:        %s\n  StorageNodeCap: %s (owned by %s)\n",
				name, reg.NodeID, reg.CapID, s.address())
			if writeConfig != "" {
				fmt.Fprintf(out, "  node config:    %s (run it with `tusk node run --config %s`)\n", writeConfig, writeConfig)
			}
			fmt.Fprintf(out, "Next: stake with `tusk stake --node %s --amount WAL`; the node joins the committee at a voting_end.\n", reg.NodeID)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&keysDir, "keys-dir", "", "directory holding protocol.key and network.key (tusk node keygen)")
	f.StringVar(&blsFile, "bls-key", "", "the protocol (BLS) key file (default KEYS_DIR/protocol.key)")
	f.StringVar(&netFile, "network-key", "", "the network (TLS) key file (default KEYS_DIR/network.key)")
	f.StringVar(&name, "name", "", "the node's name (at most 100 bytes)")
	f.StringVar(&address, "network-address", "", "host:port where clients and other nodes reach the node's REST API")
	f.StringVar(&capacity, "capacity", "", "the node's capacity vote: bytes, or with a unit (GiB, TiB)")
	f.Uint16Var(&commissionRate, "commission-rate", defaultCommissionRate, "commission rate in basis points (100 = 1%)")
	f.Uint64Var(&storagePrice, "storage-price", defaultStoragePrice, "storage price vote, FROST per MiB per epoch")
	f.Uint64Var(&writePrice, "write-price", defaultWritePrice, "write price vote, FROST per MiB")
	f.StringVar(&imageURL, "image-url", "", "node metadata: image URL")
	f.StringVar(&projectURL, "project-url", "", "node metadata: project URL")
	f.StringVar(&description, "description", "", "node metadata: description")
	f.StringVar(&writeConfig, "write-config", "", "write a `tusk node run` configuration for the node to this file")
	f.BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func orMsg(err error, msg string) string {
	if err != nil {
		return err.Error()
	}
	return msg
}

// registerNode registers the candidate, refusing a protocol key the client's address
// has registered already.
func (s *chainSession) registerNode(ctx context.Context, req setupRequest) (*chain.RegisteredCandidate, error) {
	caps, err := s.c.NodeCapsOwnedBy(ctx, s.address())
	if err != nil {
		return nil, fmt.Errorf("setup: %w", err)
	}
	pk := req.BLSKey.PublicKey()
	for _, k := range caps {
		p, err := s.c.Pool(ctx, k.NodeID)
		if err != nil {
			return nil, fmt.Errorf("setup: %w", err)
		}
		if got, err := keys.UncompressedG1ToG1(p.NodeInfo.PublicKey); err == nil && got == pk {
			return nil, fmt.Errorf("setup: the protocol key %s is registered already as node %s (%q, StorageNodeCap %s); see `tusk node info --node %s`",
				req.blsFile, k.NodeID, p.NodeInfo.Name, k.ID, k.NodeID)
		}
	}
	reg, err := s.c.RegisterCandidate(ctx, req.RegisterCandidateRequest)
	if err != nil {
		return nil, fmt.Errorf("setup: %w", err)
	}
	return reg, nil
}

// writeNodeConfig writes a `tusk node run` configuration for the registered node: its
// keys, the client's chain, and the client's key as the operator.
func (s *chainSession) writeNodeConfig(path string, req setupRequest, reg *chain.RegisteredCandidate) error {
	abs := func(p string) string {
		if a, err := filepath.Abs(p); err == nil {
			return a
		}
		return p
	}
	host, port, _ := net.SplitHostPort(req.NetworkAddress)
	nc := node.Default()
	nc.NodeID = reg.NodeID.String()
	nc.DataDir = filepath.Join(filepath.Dir(abs(path)), "db")
	nc.ListenAddr = net.JoinHostPort("0.0.0.0", port)
	nc.PublicHost = host
	nc.TLS = !s.cc.NodePlainHTTP
	nc.BLSKeyFile, nc.NetworkKeyFile = abs(req.blsFile), abs(req.networkFile)
	nc.Chain = s.cc.Config
	op := operator.Default()
	op.Keystore = s.cc.Keystore
	if !filepath.IsAbs(op.Keystore) {
		op.Keystore = filepath.Join(filepath.Dir(abs(s.path)), op.Keystore)
	}
	op.Address = s.address().String()
	op.NodeCapID = reg.CapID.String()
	op.Epochs.WALTreasury = s.cc.WALTreasury
	op.Epochs.Drive = s.cc.WALTreasury != ""
	cfg := nodeRunConfig{Config: nc, Operator: &op}
	if err := cfg.Validate(); err != nil {
		return err
	}
	data, err := yaml.Marshal(&cfg)
	if err != nil {
		return err
	}
	header := fmt.Sprintf("# `tusk node run` configuration of storage node %q (node ID %s), written by `tusk node setup`.\n", req.Name, reg.NodeID)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.WriteString(f, header+string(data)); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
