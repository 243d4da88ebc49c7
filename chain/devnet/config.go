package devnet

import (
	"fmt"
	"time"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/chain/devnet/contract"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/config"
)

// Config configures a devnet. Genesis, Grants and GenesisTime decide the genesis, which
// is fixed when the data directory is created: opening an existing directory with a
// different genesis is an error. RPCAddr may change from one start to the next.
type Config struct {
	// Genesis is the Walrus genesis: system parameters and storage nodes.
	Genesis contract.GenesisConfig `yaml:"genesis"`
	// RPCAddr is where the sui.rpc.v2 gRPC server listens, host:port (port 0 picks a
	// free port; Devnet.Endpoint tells which).
	RPCAddr string `yaml:"rpc_addr"`
	// Grants are the coins created at genesis.
	Grants Grants `yaml:"grants"`
	// GenesisTime is the time of a new devnet's genesis (its Clock and checkpoint 0),
	// kept in milliseconds; zero means the time of creation. For an existing devnet zero
	// means "whatever it was"; any other value must match.
	GenesisTime time.Time `yaml:"genesis_time,omitempty"`
	// DriveEpochs makes Run call voting_end and initiate_epoch_change_v2 when they are due
	// (chain.EpochDriver, signing with a devnet key it funds from the faucet), for a devnet
	// without storage nodes to drive its epochs. The nodes' epoch_sync_done stays theirs:
	// without nodes an epoch change stays in EpochChangeSync. Nodes that drive epochs
	// themselves may run alongside (only one call succeeds).
	DriveEpochs bool `yaml:"drive_epochs,omitempty"`
}

// Grants are coins created at genesis, one coin per grant.
type Grants struct {
	// SUI are gas coins, amounts in MIST (1 SUI = 10^9 MIST).
	SUI []Grant `yaml:"sui"`
	// WAL are Coin<WAL>, amounts in FROST (1 WAL = 10^9 FROST); they come out of
	// Genesis.WALSupply.
	WAL []Grant `yaml:"wal"`
}

// Grant is an amount of a coin for an address.
type Grant struct {
	Owner  walrus.Address `yaml:"owner"`
	Amount uint64         `yaml:"amount"`
}

// Default is the default Walrus genesis (contract.Default) served on the devnet
// preset's endpoint (chain.Default().RPC, 127.0.0.1:9000), without grants: clients are
// funded with Devnet.Faucet.
func Default() Config {
	return Config{Genesis: contract.Default(), RPCAddr: chain.Default().RPC}
}

// Validate checks the configuration.
func (c *Config) Validate() error {
	var errs config.Errors
	errs.Nested("genesis", c.Genesis.Validate())
	errs.Add(config.CheckHostPort("rpc_addr", c.RPCAddr))
	for _, g := range []struct {
		field  string
		grants []Grant
	}{{"grants.sui", c.Grants.SUI}, {"grants.wal", c.Grants.WAL}} {
		for i, gr := range g.grants {
			field := fmt.Sprintf("%s[%d]", g.field, i)
			if gr.Owner.IsZero() {
				errs.Invalid(field+".owner", "is required (a Sui address)")
			}
			if gr.Amount == 0 {
				errs.Invalid(field+".amount", "must be positive")
			}
		}
	}
	if !c.GenesisTime.IsZero() && c.GenesisTime.UnixMilli() <= 0 {
		errs.Invalid("genesis_time", "must be after 1970-01-01, got %s", c.GenesisTime)
	}
	return errs.Err()
}
