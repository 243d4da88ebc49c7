package devnet

import (
	"bytes"
	"fmt"
	"os"

	"gopkg.in/yaml.v3"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/config"
)

// ClientConfig is the client configuration a devnet writes for its users: the devnet
// network preset (chain.Config) with the gRPC endpoint and the System and Staking IDs
// filled in, the keystore holding the client's key, its address and the WAL coin type.
type ClientConfig struct {
	chain.Config `yaml:",inline"`
	// Keystore is the Sui keystore file (a JSON array of base64 keys, mode 0600).
	Keystore string `yaml:"keystore"`
	// ActiveAddress is the address of the keystore's key the devnet funded.
	ActiveAddress string `yaml:"active_address"`
	// WALCoinType is the WAL coin's type, <WAL package>::wal::WAL.
	WALCoinType string `yaml:"wal_coin_type"`
	// WALTreasury is the shared wal::wal::ProtectedTreasury, which the epoch change
	// (staking::initiate_epoch_change_v2) burns through: Walrus's treasury_object.
	WALTreasury string `yaml:"wal_treasury_object,omitempty"`
	// NodePlainHTTP says the storage nodes serve plain HTTP (a local devnet's nodes run
	// without TLS).
	NodePlainHTTP bool `yaml:"node_plain_http,omitempty"`
	// Publisher is the URL of the devnet's publisher and aggregator, if it runs one.
	Publisher string `yaml:"publisher,omitempty"`
}

// Validate checks the configuration (chain.Config's rules, a keystore, well-formed
// address and coin type).
func (c *ClientConfig) Validate() error {
	var errs config.Errors
	errs.Add(c.Config.Validate())
	if c.Keystore == "" {
		errs.Invalid("keystore", "is required")
	}
	if c.ActiveAddress != "" {
		if _, err := walrus.ParseID(c.ActiveAddress); err != nil {
			errs.Invalid("active_address", "must be a Sui address, got %q", c.ActiveAddress)
		}
	}
	if c.WALCoinType == "" {
		errs.Invalid("wal_coin_type", "is required")
	}
	return errs.Err()
}

// ClientConfig is the client configuration for this devnet: the chain.Default preset
// with Endpoint() and the IDs, the given keystore path and active address.
func (d *Devnet) ClientConfig(keystore string, active walrus.Address) ClientConfig {
	cc := ClientConfig{Config: chain.Default(), Keystore: keystore, WALCoinType: d.IDs().WALType().String()}
	cc.RPC = d.Endpoint()
	cc.SystemObject = d.IDs().System.String()
	cc.StakingObject = d.IDs().Staking.String()
	cc.WALTreasury = d.IDs().Treasury.String()
	if !active.IsZero() {
		cc.ActiveAddress = active.String()
	}
	return cc
}

const clientHeader = "# Client configuration of a tusk devnet, rewritten at every start of `tusk devnet`.\n"

// WriteClientConfig writes c as YAML to path, atomically.
func WriteClientConfig(path string, c ClientConfig) error {
	if err := c.Validate(); err != nil {
		return fmt.Errorf("devnet: client config: %w", err)
	}
	var buf bytes.Buffer
	buf.WriteString(clientHeader)
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&c); err != nil {
		return fmt.Errorf("devnet: encoding the client config: %w", err)
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("devnet: encoding the client config: %w", err)
	}
	return writeFileAtomic(path, buf.Bytes(), 0o644)
}

// LoadClientConfig reads a client configuration written by WriteClientConfig (strictly,
// with environment overrides under TUSK_CLIENT, see config.Load) and validates it.
func LoadClientConfig(path string) (ClientConfig, error) {
	var c ClientConfig
	if _, err := os.Stat(path); err != nil {
		return c, fmt.Errorf("devnet: %w", err)
	}
	if err := config.Load(path, &c, "TUSK_CLIENT"); err != nil {
		return c, err
	}
	return c, nil
}
