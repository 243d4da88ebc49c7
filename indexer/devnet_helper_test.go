package indexer_test

import (
	"context"
	"testing"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/chain/devnet"
	"github.com/tuskstore/tusk/chain/devnet/contract"
	"github.com/tuskstore/tusk/chain/devnet/devnettest"
	"github.com/tuskstore/tusk/chain/keys"
)

// startDevnet serves a new devnet over gRPC on loopback until the test ends and
// returns it with a client signing with a key funded with 1000 WAL and 100 SUI.
func startDevnet(t *testing.T, ctx context.Context) (*devnet.Devnet, *chain.Client, *keys.Keypair) {
	t.Helper()
	cfg := devnet.Default()
	cfg.RPCAddr = devnettest.LoopbackAnyPort
	srv := devnettest.Serve(ctx, t, t.TempDir(), cfg)
	key := srv.FundedKey(1000*contract.FrostPerWAL, 100_000_000_000)
	return srv.Devnet, srv.Dial(key), key
}
