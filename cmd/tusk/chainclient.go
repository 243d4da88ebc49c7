package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/chain/devnet"
	"github.com/tuskstore/tusk/chain/keys"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/internal/frost"
	"github.com/tuskstore/tusk/node/operator"
)

// chainSession is a chain client opened from the client configuration (--config, as for
// `tusk store`), for the staking and operator commands, which talk to the chain only.
type chainSession struct {
	c    *chain.Client
	cc   devnet.ClientConfig
	path string // of the client configuration
	// signer is the configured key (nil for a read-only session).
	signer *keys.Keypair
}

// openChain loads the client configuration and connects; withKey loads its key and signs
// with it. Close the session with the returned function.
func (a *app) openChain(ctx context.Context, withKey bool) (*chainSession, func(), error) {
	path, err := a.clientConfigPath()
	if err != nil {
		return nil, nil, err
	}
	cc, err := devnet.LoadClientConfig(path)
	if err != nil {
		return nil, nil, fmt.Errorf("client config %s: %w (run `tusk devnet`, or pass --config)", path, err)
	}
	s := &chainSession{cc: cc, path: path}
	if withKey {
		if s.signer, err = loadSigner(path, cc); err != nil {
			return nil, nil, err
		}
	}
	log, err := a.logger()
	if err != nil {
		return nil, nil, err
	}
	if s.c, err = chain.Dial(ctx, cc.Config, chain.Options{Signer: s.signer, Logger: log, WALCoinType: cc.WALCoinType}); err != nil {
		return nil, nil, fmt.Errorf("connect to %s: %w", cc.RPC, err)
	}
	return s, func() { s.c.Close() }, nil
}

// address is the signer's address.
func (s *chainSession) address() walrus.Address { return s.c.Address() }

// nodeCap finds the StorageNodeCap the signer acts with: cap if given (checked against
// node), else the one the signer owns (for node, if given).
func (s *chainSession) nodeCap(ctx context.Context, node, cap walrus.ID) (*chain.NodeCapObject, error) {
	return operator.FindNodeCap(ctx, s.c, s.address(), node, cap)
}

// idFlag parses the object ID flag --name; empty is the zero ID unless required.
func idFlag(cmd *cobra.Command, name, value string, required bool) (walrus.ID, error) {
	if value == "" {
		if required {
			return walrus.ID{}, &usageError{cmd: cmd, err: fmt.Errorf("--%s is required", name)}
		}
		return walrus.ID{}, nil
	}
	id, err := walrus.ParseID(value)
	if err != nil {
		return walrus.ID{}, &usageError{cmd: cmd, err: fmt.Errorf("--%s: %q is not an object ID (0x and up to 64 hex digits)", name, value)}
	}
	return id, nil
}

// walFlag parses the WAL amount flag --name.
func walFlag(cmd *cobra.Command, name, value string) (frost.Amount, error) {
	a, err := frost.ParseWAL(value)
	if err != nil {
		return 0, &usageError{cmd: cmd, err: fmt.Errorf("--%s: %w", name, err)}
	}
	return a, nil
}

// uintFlag parses the non-negative integer flag --name (digits only).
func uintFlag(cmd *cobra.Command, name, value string, max uint64) (uint64, error) {
	v, err := strconv.ParseUint(value, 10, 64)
	if err != nil || v > max {
		return 0, &usageError{cmd: cmd, err: fmt.Errorf("--%s: want an integer in 0..%d, got %q", name, max, value)}
	}
	return v, nil
}

// byteUnits are the suffixes parseBytes accepts.
var byteUnits = []struct {
	suffix string
	mult   uint64
}{{"PiB", 1 << 50}, {"TiB", 1 << 40}, {"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"B", 1}}

// parseBytes parses a size in bytes: an integer, optionally with a binary unit (KiB,
// MiB, GiB, TiB, PiB).
func parseBytes(s string) (uint64, error) {
	num, mult := s, uint64(1)
	for _, u := range byteUnits {
		if n, ok := strings.CutSuffix(s, u.suffix); ok {
			num, mult = strings.TrimSpace(n), u.mult
			break
		}
	}
	v, err := strconv.ParseUint(num, 10, 64)
	if err != nil || num == "" || num[0] == '+' {
		return 0, fmt.Errorf("want a number of bytes, optionally with a unit (KiB, MiB, GiB, TiB, PiB), got %q", s)
	}
	if v > ^uint64(0)/mult {
		return 0, fmt.Errorf("%q is too large", s)
	}
	return v * mult, nil
}

// wal formats FROST as WAL.
func wal(v uint64) string { return frost.Amount(v).String() + " WAL" }
