package chain

import (
	"fmt"
	"sort"
	"strings"

	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/config"
)

// Network names a Walrus deployment.
type Network string

// The known deployments. Devnet is the embedded one (`tusk devnet`): its object IDs come
// from its genesis and are written into the client config it produces.
const (
	Devnet  Network = "devnet"
	Testnet Network = "testnet"
	Mainnet Network = "mainnet"
)

// Config says which Sui full node to talk to and where the Walrus shared objects are.
// The Walrus package ID is not configured: it is read from the System object (its
// package_id), and the WAL coin type from the staking package, as the Walrus clients do.
type Config struct {
	Network Network `yaml:"network"`
	// RPC is the Sui gRPC (sui.rpc.v2) endpoint, host:port.
	RPC string `yaml:"rpc"`
	// TLS selects TLS for the gRPC connection (public full nodes), plain for the devnet.
	TLS bool `yaml:"tls"`
	// SystemObject and StakingObject are the IDs of the Walrus System and Staking shared
	// objects.
	SystemObject  string `yaml:"system_object"`
	StakingObject string `yaml:"staking_object"`
	// WALExchangeObjects are SUI→WAL exchange objects (testnet only).
	WALExchangeObjects []string `yaml:"wal_exchange_objects"`
}

// presets are the public client configurations of the Walrus deployments
// (walrus setup/client_config_{mainnet,testnet}.yaml).
var presets = map[Network]Config{
	Mainnet: {
		Network:       Mainnet,
		RPC:           "fullnode.mainnet.sui.io:443",
		TLS:           true,
		SystemObject:  "0x2134d52768ea07e8c43570ef975eb3e4c27a39fa6396bef985b5abc58d03ddd2",
		StakingObject: "0x10b9d30c28448939ce6c4d6c6e0ffce4a7f8a4ada8248bdad09ef8b70e4a3904",
	},
	Testnet: {
		Network:       Testnet,
		RPC:           "fullnode.testnet.sui.io:443",
		TLS:           true,
		SystemObject:  "0x6c2547cbbc38025cf3adac45f63cb0a8d12ecf777cdc75a4971612bf97fdf6af",
		StakingObject: "0xbe46180321c30aab2f8b3501e24048377287fa708018a5b7c2792b35fe339ee3",
		WALExchangeObjects: []string{
			"0xf4d164ea2def5fe07dc573992a029e010dba09b1a8dcbc44c5c2e79567f39073",
			"0x19825121c52080bb1073662231cfea5c0e4d905fd13e95f21e9a018f2ef41862",
			"0x83b454e524c71f30803f4d6c302a86fb6a39e96cdfb873c2d1e93bc1c26a3bc5",
			"0x8d63209cf8589ce7aef8f262437163c67577ed09f3e636a9d8e0813843fb8bf1",
		},
	},
	Devnet: {
		Network: Devnet,
		RPC:     "127.0.0.1:9000",
	},
}

// Preset returns the configuration of a known network.
func Preset(n Network) (Config, error) {
	c, ok := presets[n]
	if !ok {
		return Config{}, fmt.Errorf("chain: unknown network %q (known: %s)", n, strings.Join(networkNames(), ", "))
	}
	c.WALExchangeObjects = append([]string(nil), c.WALExchangeObjects...)
	return c, nil
}

// Default is the embedded devnet.
func Default() Config {
	c, _ := Preset(Devnet)
	return c
}

func networkNames() []string {
	var names []string
	for n := range presets {
		names = append(names, string(n))
	}
	sort.Strings(names)
	return names
}

// Validate checks the configuration: a known network, a host:port endpoint and, except
// for a devnet whose IDs are filled in from its genesis, well-formed object IDs.
func (c *Config) Validate() error {
	var errs config.Errors
	if _, ok := presets[c.Network]; !ok {
		errs.Invalid("network", "must be one of %s, got %q", strings.Join(networkNames(), ", "), c.Network)
	}
	errs.Add(config.CheckHostPort("rpc", c.RPC))
	for field, id := range map[string]string{"system_object": c.SystemObject, "staking_object": c.StakingObject} {
		if id == "" {
			if c.Network != Devnet {
				errs.Invalid(field, "is required for %s", c.Network)
			}
			continue
		}
		if _, err := walrus.ParseID(id); err != nil {
			errs.Invalid(field, "must be a Sui object ID (0x and up to 64 hex digits), got %q", id)
		}
	}
	for i, id := range c.WALExchangeObjects {
		if _, err := walrus.ParseID(id); err != nil {
			errs.Invalid(fmt.Sprintf("wal_exchange_objects[%d]", i), "must be a Sui object ID, got %q", id)
		}
	}
	return errs.Err()
}

// SystemID and StakingID return the parsed object IDs (valid after Validate).
func (c *Config) SystemID() (walrus.ID, error)  { return walrus.ParseID(c.SystemObject) }
func (c *Config) StakingID() (walrus.ID, error) { return walrus.ParseID(c.StakingObject) }
