package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"go.uber.org/zap"
	"gopkg.in/yaml.v3"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/chain/keys"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/config"
	"github.com/tuskstore/tusk/internal/lifecycle"
	"github.com/tuskstore/tusk/node"
	"github.com/tuskstore/tusk/node/operator"
)

// nodeRunConfig is the configuration of `tusk node run`: the node's, and an optional
// operator section. With it the node submits its own transactions (epoch_sync_done,
// invalidate_blob_id) signed by the operator's key, and the operator's epoch driver and
// commission schedule run next to it.
type nodeRunConfig struct {
	node.Config `yaml:",inline"`
	Operator    *operator.Config `yaml:"operator,omitempty"`
}

// Validate checks the node's fields and the operator section's (as operator.*).
func (c *nodeRunConfig) Validate() error {
	var errs config.Errors
	errs.Add(c.Config.Validate())
	if c.Operator != nil {
		errs.Nested("operator", c.Operator.Validate())
	}
	return errs.Err()
}

// nodeEnvPrefix prefixes the environment overrides of the node configuration.
const nodeEnvPrefix = "TUSK_NODE"

// loadNodeRunConfig loads the node configuration at path. An operator section (in the
// file, or any TUSK_NODE_OPERATOR_* variable) starts from operator.Default().
func loadNodeRunConfig(path string) (nodeRunConfig, error) {
	cfg := nodeRunConfig{Config: node.Default()}
	if hasOperatorSection(path) {
		op := operator.Default()
		cfg.Operator = &op
	}
	if err := config.Load(path, &cfg, nodeEnvPrefix); err != nil {
		return cfg, err
	}
	return cfg, nil
}

// hasOperatorSection reports whether the file at path has a non-empty operator key at
// its top level or the environment sets an operator field. A file that does not parse
// is left for config.Load to report.
func hasOperatorSection(path string) bool {
	envPrefix := config.EnvName(nodeEnvPrefix, "operator") + "_"
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, envPrefix) {
			return true
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return false
	}
	var top map[string]yaml.Node
	if err := yaml.Unmarshal(data, &top); err != nil {
		return false
	}
	sec, ok := top["operator"]
	return ok && sec.Tag != "!!null"
}

// operatorChain opens the operator's signing client. A variable so that tests can
// replace it.
var operatorChain = func(ctx context.Context, cfg chain.Config, signer *keys.Keypair, log *zap.Logger) (*chain.Client, error) {
	return chain.Dial(ctx, cfg, chain.Options{Signer: signer, Logger: log})
}

// runOperatedNode runs the node, with its operator when the configuration has one.
func runOperatedNode(ctx context.Context, cfg nodeRunConfig, log *zap.Logger) error {
	if cfg.Operator == nil {
		return runNode(ctx, cfg.Config, log)
	}
	signer, err := cfg.Operator.LoadSigner()
	if err != nil {
		return err
	}
	nodeID, err := walrus.ParseID(cfg.NodeID)
	if err != nil {
		return fmt.Errorf("node_id: %w", err)
	}
	deps, release, err := nodeChain(ctx, cfg.Chain, log)
	if err != nil {
		return fmt.Errorf("node: %w", err)
	}
	if release != nil {
		defer release()
	}
	c, err := operatorChain(ctx, cfg.Chain, signer, log)
	if err != nil {
		return fmt.Errorf("operator: %w", err)
	}
	defer c.Close()
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	op, err := operator.New(ctx, *cfg.Operator, operator.Deps{Chain: c, NodeID: nodeID, Log: log, Registerer: reg, ShutdownTimeout: cfg.ShutdownTimeout})
	if err != nil {
		return err
	}
	deps.Log, deps.Chain, deps.Registry = log, op.Writer(), reg
	n, err := node.New(cfg.Config, deps)
	if err != nil {
		return err
	}
	g := lifecycle.New(log, cfg.ShutdownTimeout)
	g.Add("node", n)
	g.Add("operator", op) // stops first
	return g.Run(ctx)
}
