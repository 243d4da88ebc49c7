// Package devnettest serves an embedded devnet over gRPC on loopback for a test, with
// funded keys and chain clients; the test's cleanup stops it.
package devnettest

import (
	"context"
	"net"
	"sync"
	"testing"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/chain/devnet"
	"github.com/tuskstore/tusk/chain/keys"
	"github.com/tuskstore/tusk/chain/walrus"
)

// LoopbackAnyPort is an RPCAddr for Serve: a free loopback port.
const LoopbackAnyPort = "127.0.0.1:0"

// Server is a devnet being served.
type Server struct {
	*devnet.Devnet
	t    testing.TB
	ctx  context.Context
	stop func()
}

// Serve opens (or reopens) the devnet in dir with cfg and serves it until Stop or the
// end of the test. cfg.RPCAddr with port 0 (LoopbackAnyPort) picks a free port; Endpoint
// tells which.
func Serve(ctx context.Context, t testing.TB, dir string, cfg devnet.Config) *Server {
	t.Helper()
	d, err := devnet.Open(ctx, dir, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- d.Run(runCtx) }()
	var once sync.Once
	s := &Server{Devnet: d, t: t, ctx: ctx}
	s.stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("devnet Run: %v", err)
			}
			if err := d.Close(); err != nil {
				t.Errorf("devnet Close: %v", err)
			}
		})
	}
	t.Cleanup(s.stop)
	return s
}

// Stop stops serving and closes the devnet; later calls do nothing.
func (s *Server) Stop() { s.stop() }

// FundedKey is a new key funded by the faucet with wal FROST and mist MIST.
func (s *Server) FundedKey(wal, mist uint64) *keys.Keypair {
	s.t.Helper()
	k, err := keys.Generate()
	if err != nil {
		s.t.Fatal(err)
	}
	if _, err := s.Faucet(s.ctx, walrus.Address(k.Address()), wal, mist); err != nil {
		s.t.Fatal(err)
	}
	return k
}

// Dial opens a chain client of the devnet signing with k (nil: read-only), closed when
// the test ends.
func (s *Server) Dial(k *keys.Keypair) *chain.Client {
	s.t.Helper()
	cc := s.ClientConfig("", walrus.Address{})
	c, err := chain.Dial(s.ctx, cc.Config, chain.Options{Signer: k})
	if err != nil {
		s.t.Fatal(err)
	}
	s.t.Cleanup(func() { c.Close() })
	return c
}

// FreeAddr is a loopback host:port that was free a moment ago.
func FreeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}
