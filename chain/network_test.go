package chain

import (
	"errors"
	"strings"
	"testing"

	"github.com/tuskstore/tusk/config"
)

func TestPresets(t *testing.T) {
	for _, n := range []Network{Devnet, Testnet, Mainnet} {
		c, err := Preset(n)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("%s preset invalid: %v", n, err)
		}
	}
	m, _ := Preset(Mainnet)
	if id, err := m.SystemID(); err != nil || id.String() != "0x2134d52768ea07e8c43570ef975eb3e4c27a39fa6396bef985b5abc58d03ddd2" {
		t.Fatalf("mainnet system object %v %v", id, err)
	}
	tn, _ := Preset(Testnet)
	tn.WALExchangeObjects[0] = "changed"
	again, _ := Preset(Testnet)
	if again.WALExchangeObjects[0] == "changed" {
		t.Fatal("Preset returns shared slices")
	}
	if _, err := Preset("localnet"); err == nil || !strings.Contains(err.Error(), "devnet, mainnet, testnet") {
		t.Fatalf("unknown network: %v", err)
	}
	if Default().Network != Devnet {
		t.Fatal("default is not the devnet")
	}
}

func TestValidateNamesTheField(t *testing.T) {
	cases := map[string]struct {
		edit  func(*Config)
		field string
	}{
		"network":         {func(c *Config) { c.Network = "moon" }, "network"},
		"rpc":             {func(c *Config) { c.RPC = "nohost" }, "rpc"},
		"system missing":  {func(c *Config) { c.SystemObject = "" }, "system_object"},
		"staking bad hex": {func(c *Config) { c.StakingObject = "0xzz" }, "staking_object"},
		"exchange bad":    {func(c *Config) { c.WALExchangeObjects = []string{"0x1", "nope"} }, "wal_exchange_objects[1]"},
		"system too long": {func(c *Config) { c.SystemObject = "0x" + strings.Repeat("1", 65) }, "system_object"},
	}
	for name, tc := range cases {
		c, _ := Preset(Testnet)
		tc.edit(&c)
		err := c.Validate()
		var fe *config.FieldError
		if !errors.As(err, &fe) || !strings.Contains(err.Error(), tc.field+":") {
			t.Errorf("%s: got %v, want an error naming %s", name, err, tc.field)
		}
	}
	d := Default()
	if err := d.Validate(); err != nil {
		t.Fatalf("devnet without object IDs must validate: %v", err)
	}
}
