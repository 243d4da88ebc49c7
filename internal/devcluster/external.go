package devcluster

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"gopkg.in/yaml.v3"

	"github.com/tuskstore/tusk/chain/devnet/contract"
	"github.com/tuskstore/tusk/chain/keys"
	"github.com/tuskstore/tusk/config"
	"github.com/tuskstore/tusk/internal/logging"
	"github.com/tuskstore/tusk/node"
	"github.com/tuskstore/tusk/node/operator"
)

// NodeConfigFile is the name of a node's configuration file in its directory
// (DIR/node-I/node.yaml): what `tusk node run --config` reads.
const NodeConfigFile = "node.yaml"

// nodeConfigHeader heads every node configuration the cluster writes.
const nodeConfigHeader = "# Storage node %d of a tusk devnet, rewritten at every start of the devnet (the chain's\n" +
	"# address may change). Run it with: tusk node run --config %s\n"

// NodeConfigPath is where the cluster writes node i's configuration.
func (c *Cluster) NodeConfigPath(i int) string { return filepath.Join(c.nodeDir(i), NodeConfigFile) }

// ExternalNodes reports whether the nodes run as processes of their own (Config.ExternalNodes).
func (c *Cluster) ExternalNodes() bool { return c.cfg.ExternalNodes }

// nodeRunConfig is the file `tusk node run --config` reads: the node's configuration
// and its operator section.
type nodeRunConfig struct {
	node.Config `yaml:",inline"`
	Operator    operator.Config `yaml:"operator"`
}

// Validate checks the node's fields and the operator section's (as operator.*), as
// `tusk node run` does.
func (c *nodeRunConfig) Validate() error {
	var errs config.Errors
	errs.Add(c.Config.Validate())
	errs.Nested("operator", c.Operator.Validate())
	return errs.Err()
}

// writeExternalNodeConfigs prepares every node to run as a process of its own: its keys
// (made once, matching what genesis registered) and its complete configuration file.
func (c *Cluster) writeExternalNodeConfigs() error {
	if c.cfg.NodesFollowFeed {
		return errors.New("devcluster: external nodes follow the chain; nodes_follow_feed is for in-process nodes")
	}
	for i := range c.gen.Nodes {
		if err := c.WriteNodeConfig(i); err != nil {
			return err
		}
	}
	return nil
}

// WriteNodeConfig writes node i's keys, unless they exist, and its configuration file
// (NodeConfigPath, mode 0600: it holds the operator's key): the configuration NodeConfig
// gives, with console logs, and the operator section OperatorConfig gives, so that the
// node submits its own transactions and drives epochs as an in-process node does. (Its
// operator's gas is the genesis grant; the cluster does not top it up.)
func (c *Cluster) WriteNodeConfig(i int) error {
	nc := c.NodeConfig(i)
	if err := os.MkdirAll(c.nodeDir(i), 0o700); err != nil {
		return fmt.Errorf("devcluster: node %d: %w", i, err)
	}
	bls, network := contract.DevnetNodeKeys(i)
	if err := writeKeyOnce(nc.BLSKeyFile, func(p string) error { return keys.SaveBLSKey(p, bls) }); err != nil {
		return err
	}
	if err := writeKeyOnce(nc.NetworkKeyFile, func(p string) error { return keys.SaveNetworkKey(p, network) }); err != nil {
		return err
	}
	nc.Log.Format = logging.FormatConsole
	// The node may run from any working directory.
	for _, p := range []*string{&nc.DataDir, &nc.BLSKeyFile, &nc.NetworkKeyFile} {
		abs, err := filepath.Abs(*p)
		if err != nil {
			return fmt.Errorf("devcluster: node %d: %w", i, err)
		}
		*p = abs
	}
	run := nodeRunConfig{Config: nc, Operator: c.OperatorConfig(i)}
	if err := run.Validate(); err != nil {
		return fmt.Errorf("devcluster: node %d: %w", i, err)
	}
	path, err := filepath.Abs(c.NodeConfigPath(i))
	if err != nil {
		return fmt.Errorf("devcluster: node %d: %w", i, err)
	}
	var buf bytes.Buffer
	fmt.Fprintf(&buf, nodeConfigHeader, i, path)
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&run); err != nil {
		return fmt.Errorf("devcluster: node %d: encoding its configuration: %w", i, err)
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("devcluster: node %d: encoding its configuration: %w", i, err)
	}
	if err := replaceFile(path, buf.Bytes(), 0o600); err != nil {
		return fmt.Errorf("devcluster: node %d: %w", i, err)
	}
	return nil
}

// replaceFile writes data to path through a temporary file renamed over it, so that a
// node starting meanwhile reads the old file or the new one, never half of one.
func replaceFile(path string, data []byte, mode os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	name := tmp.Name()
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Chmod(mode)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(name, path)
	}
	if err != nil {
		_ = os.Remove(name)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
