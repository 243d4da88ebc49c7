package indexer_test

import (
	"context"
	"net"
	"testing"

	"go.uber.org/zap"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/chain/devnet"
	"github.com/tuskstore/tusk/chain/devnet/contract"
	"github.com/tuskstore/tusk/chain/keys"
	"github.com/tuskstore/tusk/chain/walrus"
)

// startDevnet serves a new devnet over gRPC on loopback until the test ends and
// returns it with a client signing with a key funded with 1000 WAL and 100 SUI.
func startDevnet(t *testing.T, ctx context.Context) (*devnet.Devnet, *chain.Client, *keys.Keypair) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	dcfg := devnet.Default()
	dcfg.RPCAddr = addr
	d, err := devnet.Open(ctx, t.TempDir(), dcfg, zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	dctx, dstop := context.WithCancel(ctx)
	ddone := make(chan error, 1)
	go func() { ddone <- d.Run(dctx) }()
	t.Cleanup(func() {
		dstop()
		<-ddone
		d.Close()
	})
	key, err := keys.Generate()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Faucet(ctx, walrus.Address(key.Address()), 1000*contract.FrostPerWAL, 100_000_000_000); err != nil {
		t.Fatal(err)
	}
	cc := d.ClientConfig("", walrus.Address{})
	c, err := chain.Dial(ctx, cc.Config, chain.Options{Signer: key})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return d, c, key
}
