package devcluster

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/robfig/cron/v3"
	"go.uber.org/zap"
	"gopkg.in/yaml.v3"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/chain/devnet"
	"github.com/tuskstore/tusk/chain/devnet/contract"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/node"
	"github.com/tuskstore/tusk/node/operator"
)

// Every node of a cluster has its operator: the owner of its genesis StorageNodeCap
// (contract.DevnetNodeOwnerKey), which submits the node's transactions and drives the
// epochs, so that a cluster with short epochs moves from epoch to epoch by itself.

// The operators' gas: granted at genesis, topped up from the faucet when it runs low.
const (
	operatorGrant  = 1000 * 1_000_000_000 // MIST: 1000 SUI
	operatorMinGas = 10 * 1_000_000_000   // MIST
	operatorTopUp  = "@every 1m"          // when to look at the gas
	grantsFile     = "grants.yaml"        // the genesis grants of the cluster
)

// OperatorConfig is node i's operator: the devnet owner key, its genesis StorageNodeCap,
// epoch driving through the devnet's WAL treasury, no commission collection. It is the
// operator section of the node's `tusk node run` configuration.
func (c *Cluster) OperatorConfig(i int) operator.Config {
	cfg := operator.Default()
	cfg.PrivateKey = contract.DevnetNodeOwnerKey(i).ExportSuiPrivateKey()
	if caps := c.d.Genesis().NodeCaps; i < len(caps) {
		cfg.NodeCapID = caps[i].String()
	}
	cfg.Epochs.Drive = true
	cfg.Epochs.WALTreasury = c.d.IDs().Treasury.String()
	cfg.Commission.Collect = false
	if c.cfg.TweakOperator != nil {
		c.cfg.TweakOperator(i, &cfg)
	}
	return cfg
}

// genesisGrants are the coins of the cluster's genesis: SUI for every node's operator
// when the cluster is created (kept in DIR/grants.yaml, since the genesis must be the
// same at every start), none for a cluster created before operators had grants.
func genesisGrants(dir string, gen contract.GenesisConfig, created bool) (devnet.Grants, error) {
	path := filepath.Join(dir, grantsFile)
	var g devnet.Grants
	if !created {
		b, err := os.ReadFile(path)
		if errors.Is(err, os.ErrNotExist) {
			return g, nil
		}
		if err != nil {
			return g, fmt.Errorf("devcluster: %w", err)
		}
		if err := yaml.Unmarshal(b, &g); err != nil {
			return g, fmt.Errorf("devcluster: %s: %w", path, err)
		}
		return g, nil
	}
	for _, n := range gen.Nodes {
		if !n.Owner.IsZero() {
			g.SUI = append(g.SUI, devnet.Grant{Owner: n.Owner, Amount: operatorGrant})
		}
	}
	b, err := yaml.Marshal(g)
	if err != nil {
		return g, err
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return g, fmt.Errorf("devcluster: %w", err)
	}
	return g, nil
}

// nodeOperator is node i's operator with its signing client.
type nodeOperator struct {
	op     *operator.Operator
	client *chain.Client
	topUp  func(ctx context.Context)
}

// newOperator builds node i's operator (funding its key first if it runs low).
func (c *Cluster) newOperator(ctx context.Context, i int, log *zap.Logger) (*nodeOperator, error) {
	cfg := c.OperatorConfig(i)
	key, err := cfg.LoadSigner()
	if err != nil {
		return nil, fmt.Errorf("devcluster: node %d: %w", i, err)
	}
	client, err := chain.Dial(ctx, c.chain, chain.Options{Signer: key, Logger: log})
	if err != nil {
		return nil, fmt.Errorf("devcluster: node %d: operator: %w", i, err)
	}
	addr := walrus.Address(key.Address())
	topUp := func(ctx context.Context) {
		bal, err := client.SUIBalance(ctx, addr)
		if err != nil || bal >= operatorMinGas {
			return
		}
		if _, err := c.d.Faucet(ctx, addr, 0, operatorGrant); err != nil && ctx.Err() == nil {
			log.Warn("funding the operator", zap.Error(err))
		}
	}
	topUp(ctx)
	op, err := operator.New(ctx, cfg, operator.Deps{Chain: client, NodeID: c.nodeIDs[i], Log: log, ShutdownTimeout: 5 * time.Second})
	if err != nil {
		client.Close()
		return nil, fmt.Errorf("devcluster: node %d: %w", i, err)
	}
	return &nodeOperator{op: op, client: client, topUp: topUp}, nil
}

// run runs the node with its operator (and the operator's gas top-ups) until ctx is done
// or the node stops, and returns the node's error.
func (o *nodeOperator) run(ctx context.Context, n *node.Node) error {
	defer o.client.Close()
	opCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	sched, err := cron.ParseStandard(operatorTopUp)
	if err != nil {
		panic(err) // a constant
	}
	cr := cron.New()
	cr.Schedule(sched, cron.FuncJob(func() { o.topUp(opCtx) }))
	cr.Start()
	go func() {
		defer close(done)
		_ = o.op.Run(opCtx) // returns nil once opCtx ends
	}()
	err = n.Run(ctx)
	cancel()
	<-cr.Stop().Done()
	<-done
	return err
}
