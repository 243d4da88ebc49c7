package devcluster

import (
	"context"
	"errors"
	"fmt"
	"net"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/chain/keys"
	"github.com/tuskstore/tusk/coordinator"
	"github.com/tuskstore/tusk/coordinator/httpapi"
	"github.com/tuskstore/tusk/coordinator/metrics"
	"github.com/tuskstore/tusk/coordinator/nodes/httpnode"
)

// StartPublisher runs a publisher and aggregator (the Walrus HTTP API, daemon mode) on
// addr, paying with key, talking to the cluster's nodes over plain HTTP, until the
// cluster closes. It returns once the server listens.
func (c *Cluster) StartPublisher(ctx context.Context, key *keys.Keypair, addr string) error {
	if c.publisher != nil {
		return errors.New("devcluster: the publisher is running")
	}
	log := c.log.Named("publisher")
	client, err := chain.Dial(ctx, c.chain, chain.Options{Signer: key, Logger: log})
	if err != nil {
		return fmt.Errorf("devcluster: publisher: %w", err)
	}
	reg := prometheus.NewRegistry()
	m := metrics.New(reg)
	coord, err := coordinator.New(client, httpnode.Dialer(httpnode.Options{Plain: true, Pending: true}), coordinator.Default(), log, m)
	if err != nil {
		client.Close()
		return fmt.Errorf("devcluster: publisher: %w", err)
	}
	cfg := httpapi.Default()
	cfg.Bind = addr
	srv, err := httpapi.New(cfg, httpapi.ModeDaemon, coord, coord, log, m, reg)
	if err != nil {
		client.Close()
		return fmt.Errorf("devcluster: publisher: %w", err)
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		client.Close()
		return fmt.Errorf("devcluster: publisher: %w", err)
	}
	c.publisher = l.Addr()
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		defer client.Close()
		if err := srv.Serve(c.runCtx, l); err != nil && c.runCtx.Err() == nil {
			c.report(fmt.Errorf("publisher: %w", err))
		}
	}()
	return nil
}

// PublisherAddr is the publisher and aggregator's address (host:port) when it runs, ""
// otherwise.
func (c *Cluster) PublisherAddr() string {
	if c.publisher == nil {
		return ""
	}
	return c.publisher.String()
}
