package contract

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/tuskstore/tusk/chain/messages"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/config"
)

func TestDefaultValidates(t *testing.T) {
	cfg := Default()
	if err := cfg.Validate(); err != nil {
		t.Fatalf("Default().Validate() = %v", err)
	}
	if cfg.NShards != 10 || len(cfg.Nodes) != 4 || cfg.MaxEpochsAhead != 53 || cfg.WALSupply != 5_000_000_000*1_000_000_000 {
		t.Fatalf("Default = %+v", cfg)
	}
	if cfg.EpochDurationMs() != 3_600_000 {
		t.Fatalf("EpochDurationMs = %d", cfg.EpochDurationMs())
	}
	// The keys in the config are those of DevnetNodeKeys, and deterministic.
	for i, n := range cfg.Nodes {
		bls, network := DevnetNodeKeys(i)
		pk, _ := n.BLSPublicKeyBytes()
		npk, _ := n.NetworkPublicKeyBytes()
		if pk != bls.PublicKey() || npk != network.CompressedPublicKey() {
			t.Fatalf("node %d keys differ from DevnetNodeKeys", i)
		}
		if j, ok := cfg.NodeByName(n.Name); !ok || j != i {
			t.Fatalf("NodeByName(%q) = %d, %v", n.Name, j, ok)
		}
	}
	if !reflect.DeepEqual(Default(), cfg) {
		t.Fatal("Default is not deterministic")
	}
}

func TestDefaultGenesis(t *testing.T) {
	cfg := Default()
	digest := [32]byte{1, 2, 3}
	g, err := cfg.Genesis(digest)
	if err != nil {
		t.Fatal(err)
	}
	for i, id := range g.NodeIDs {
		if id != DeriveObjectID(digest, uint64(i)) || id != GenesisNodeID(digest, i) {
			t.Fatalf("node %d ID %s", i, id)
		}
	}
	// Active set in genesis order, 1000 WAL each.
	if !slices.Equal(g.ActiveSet.ActiveIDs(), g.NodeIDs) || g.ActiveSet.TotalStake != 4000*FrostPerWAL {
		t.Fatalf("active set %+v", g.ActiveSet)
	}
	// 10 shards over 4 equal stakes: lower bounds 2 each, the two left to the first two
	// nodes in genesis order (they have the higher priorities): 3, 3, 2, 2.
	want := Assignment{{g.NodeIDs[0], 3}, {g.NodeIDs[1], 3}, {g.NodeIDs[2], 2}, {g.NodeIDs[3], 2}}
	if !slices.Equal(g.Assignment, want) {
		t.Fatalf("assignment %v, want %v", g.Assignment, want)
	}
	// The committee: sorted by node ID, shards numbered in that order.
	checkCommittee(t, g.Committee, 10)
	next := uint16(0)
	for _, e := range g.Committee {
		if len(e.Shards) != int(want.Count(e.NodeID)) {
			t.Fatalf("node %s holds %v", e.NodeID, e.Shards)
		}
		for _, s := range e.Shards {
			if s != next {
				t.Fatalf("shards not sequential: %v", g.Committee)
			}
			next++
		}
	}
	// Another digest, other IDs; same counts.
	g2, err := cfg.Genesis([32]byte{9})
	if err != nil {
		t.Fatal(err)
	}
	if g2.NodeIDs[0] == g.NodeIDs[0] || g2.Assignment[0].Shards != 3 {
		t.Fatal("digest not used")
	}
}

func TestGenesisSkipsUnstakedNodes(t *testing.T) {
	cfg := Default()
	cfg.Nodes[1].Stake = 0
	cfg.Nodes[3].Stake = 3000 * FrostPerWAL
	g, err := cfg.Genesis([32]byte{})
	if err != nil {
		t.Fatal(err)
	}
	// Active set: node 0, node 2, node 3 (stakes 1000, 1000, 3000 WAL); cap ceil(200/30) = 7.
	// Distribution number 5000/11+1 (in WAL: 454.5...+1): lower bounds 2, 2, 6 = 10 shards.
	if !slices.Equal(g.ActiveSet.ActiveIDs(), []walrus.ID{g.NodeIDs[0], g.NodeIDs[2], g.NodeIDs[3]}) {
		t.Fatalf("active set %v", g.ActiveSet.ActiveIDs())
	}
	want := Assignment{{g.NodeIDs[0], 2}, {g.NodeIDs[2], 2}, {g.NodeIDs[3], 6}}
	if !slices.Equal(g.Assignment, want) {
		t.Fatalf("assignment %v, want %v", g.Assignment, want)
	}
	if _, ok := g.Committee.ShardsOf(g.NodeIDs[1]); ok {
		t.Fatal("an unstaked node is in the committee")
	}
}

// fieldsOf returns the Field of every *config.FieldError in err.
func fieldsOf(err error) []string {
	var out []string
	var walk func(error)
	walk = func(e error) {
		var fe *config.FieldError
		if errors.As(e, &fe) && e == error(fe) {
			out = append(out, fe.Field)
			return
		}
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			for _, x := range j.Unwrap() {
				walk(x)
			}
		}
	}
	walk(err)
	return out
}

func TestGenesisValidateNamesFields(t *testing.T) {
	otherKey := func(i int) string {
		k, _ := DevnetNodeKeys(i)
		pk := k.PublicKey()
		return base64.StdEncoding.EncodeToString(pk[:])
	}
	long := strings.Repeat("a", 101)
	cases := []struct {
		name   string
		mutate func(c *GenesisConfig)
		fields []string // every field error expected
		reason string   // a substring of the message
	}{
		{"n_shards zero", func(c *GenesisConfig) { c.NShards = 0 }, []string{"n_shards"}, "1..1000"},
		{"n_shards too many", func(c *GenesisConfig) { c.NShards = 1001 }, []string{"n_shards"}, "got 1001"},
		{"epoch_duration zero", func(c *GenesisConfig) { c.EpochDuration = 0 }, []string{"epoch_duration"}, "at least 1ms"},
		{"epoch_duration sub-ms", func(c *GenesisConfig) { c.EpochDuration = time.Second + time.Microsecond }, []string{"epoch_duration"}, "milliseconds"},
		{"max_epochs_ahead zero", func(c *GenesisConfig) { c.MaxEpochsAhead = 0 }, []string{"max_epochs_ahead"}, "1..1000"},
		{"max_epochs_ahead too many", func(c *GenesisConfig) { c.MaxEpochsAhead = 1001 }, []string{"max_epochs_ahead"}, "MAX_MAX_EPOCHS_AHEAD"},
		{"wal_supply zero", func(c *GenesisConfig) { c.WALSupply = 0 }, []string{"wal_supply"}, "positive"},
		{"wal_supply below stake", func(c *GenesisConfig) { c.WALSupply = 3999 * FrostPerWAL }, []string{"wal_supply"}, "less than"},
		{"capacity zero", func(c *GenesisConfig) { c.Capacity = 0 }, []string{"capacity"}, "positive"},
		{"no nodes", func(c *GenesisConfig) { c.Nodes = nil }, []string{"nodes"}, "at least one"},
		{"zero total stake", func(c *GenesisConfig) {
			for i := range c.Nodes {
				c.Nodes[i].Stake = 0
			}
		}, []string{"nodes"}, "total stake is 0"},
		{"stake overflow", func(c *GenesisConfig) { c.Nodes[0].Stake, c.Nodes[1].Stake = 1<<63, 1<<63 }, []string{"nodes"}, "2^64"},
		{"name empty", func(c *GenesisConfig) { c.Nodes[2].Name = "" }, []string{"nodes[2].name"}, "empty"},
		{"name too long", func(c *GenesisConfig) { c.Nodes[1].Name = long }, []string{"nodes[1].name"}, "101 bytes"},
		{"name not UTF-8", func(c *GenesisConfig) { c.Nodes[1].Name = "\xff" }, []string{"nodes[1].name"}, "UTF-8"},
		{"duplicate name", func(c *GenesisConfig) { c.Nodes[3].Name = c.Nodes[0].Name }, []string{"nodes[3].name"}, "nodes[0]"},
		{"address not host:port", func(c *GenesisConfig) { c.Nodes[0].NetworkAddress = "localhost" }, []string{"nodes[0].network_address"}, "host:port"},
		{"address without host", func(c *GenesisConfig) { c.Nodes[0].NetworkAddress = ":9185" }, []string{"nodes[0].network_address"}, "host"},
		{"address port 0", func(c *GenesisConfig) { c.Nodes[0].NetworkAddress = "a.example:0" }, []string{"nodes[0].network_address"}, "1..65535"},
		{"address too long", func(c *GenesisConfig) {
			c.Nodes[0].NetworkAddress = strings.Repeat("h", 255) + ":9185" // 260 bytes
		}, []string{"nodes[0].network_address"}, "259"},
		{"duplicate address", func(c *GenesisConfig) { c.Nodes[2].NetworkAddress = c.Nodes[1].NetworkAddress }, []string{"nodes[2].network_address"}, "nodes[1]"},
		{"bls key short", func(c *GenesisConfig) { c.Nodes[1].BLSPublicKey = "AAEC" }, []string{"nodes[1].bls_public_key"}, "want 48"},
		{"bls key garbage", func(c *GenesisConfig) { c.Nodes[1].BLSPublicKey = "not a key!" }, []string{"nodes[1].bls_public_key"}, "base64"},
		{"bls key not a point", func(c *GenesisConfig) {
			c.Nodes[1].BLSPublicKey = "0x" + strings.Repeat("ab", 48)
		}, []string{"nodes[1].bls_public_key"}, "G1"},
		{"bls key empty", func(c *GenesisConfig) { c.Nodes[0].BLSPublicKey = "" }, []string{"nodes[0].bls_public_key"}, "empty"},
		{"duplicate bls key", func(c *GenesisConfig) { c.Nodes[3].BLSPublicKey = otherKey(1) }, []string{"nodes[3].bls_public_key"}, "nodes[1]"},
		{"network key short", func(c *GenesisConfig) { c.Nodes[2].NetworkPublicKey = "0x02" }, []string{"nodes[2].network_public_key"}, "want 33"},
		{"network key not a point", func(c *GenesisConfig) {
			c.Nodes[2].NetworkPublicKey = "0x05" + strings.Repeat("11", 32)
		}, []string{"nodes[2].network_public_key"}, "P-256"},
		{"duplicate network key", func(c *GenesisConfig) { c.Nodes[0].NetworkPublicKey = c.Nodes[3].NetworkPublicKey }, []string{"nodes[3].network_public_key"}, "nodes[0]"},
		{"commission above 100%", func(c *GenesisConfig) { c.Nodes[3].CommissionRate = 10_001 }, []string{"nodes[3].commission_rate"}, "10000"},
		{"proof of possession without owner", func(c *GenesisConfig) {
			bls, _ := DevnetNodeKeys(0)
			c.Nodes[0].ProofOfPossession = hex.EncodeToString(messages.SignProofOfPossession(bls, 0, walrus.ID{}))
		}, []string{"nodes[0].proof_of_possession"}, "needs owner"},
		{"bad proof of possession", func(c *GenesisConfig) {
			c.Nodes[0].Owner = walrus.MustParseID("0x5")
			c.Nodes[0].ProofOfPossession = base64.StdEncoding.EncodeToString(make([]byte, 96))
		}, []string{"nodes[0].proof_of_possession"}, "does not verify"},
		{"proof of possession length", func(c *GenesisConfig) { c.Nodes[0].ProofOfPossession = "0x00" }, []string{"nodes[0].proof_of_possession"}, "want 96"},
		{"no committee possible", func(c *GenesisConfig) {
			c.NShards = 9
			c.Nodes = nil
			for i := range 20 {
				c.Nodes = append(c.Nodes, nodeFor(i))
			}
		}, []string{"nodes"}, "EPopFromEmptyHeap"},
		{"too many nodes", func(c *GenesisConfig) {
			c.Nodes = nil
			for i := range ActiveSetMaxSize + 1 {
				c.Nodes = append(c.Nodes, nodeFor(i))
			}
			c.NShards = 1000
		}, []string{"nodes"}, "at most 150"},
		{"several at once", func(c *GenesisConfig) {
			c.NShards = 0
			c.Nodes[1].CommissionRate = 20_000
			c.Nodes[2].Name = long
		}, []string{"n_shards", "nodes[1].commission_rate", "nodes[2].name"}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := Default()
			tc.mutate(&cfg)
			err := cfg.Validate()
			if err == nil {
				t.Fatal("Validate accepted the config")
			}
			got := fieldsOf(err)
			if !slices.Equal(got, tc.fields) {
				t.Fatalf("fields %q, want %q (error: %v)", got, tc.fields, err)
			}
			if !strings.Contains(err.Error(), tc.reason) {
				t.Fatalf("error %q does not mention %q", err, tc.reason)
			}
			if _, gerr := cfg.Genesis([32]byte{}); gerr == nil {
				t.Fatal("Genesis accepted an invalid config")
			}
		})
	}
}

// nodeFor is a valid node with DevnetNodeKeys(i).
func nodeFor(i int) GenesisNode {
	bls, network := DevnetNodeKeys(i)
	pk, npk := bls.PublicKey(), network.CompressedPublicKey()
	return GenesisNode{
		Name:             "n" + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + hex.EncodeToString([]byte{byte(i)}),
		NetworkAddress:   "node" + hex.EncodeToString([]byte{byte(i >> 8), byte(i)}) + ".example:9185",
		BLSPublicKey:     hex.EncodeToString(pk[:]),
		NetworkPublicKey: "0x" + hex.EncodeToString(npk[:]),
		Stake:            FrostPerWAL,
	}
}

func TestGenesisValidAlternatives(t *testing.T) {
	cfg := Default()
	// Keys in hex (with and without 0x) and unpadded base64 are accepted.
	pk, _ := cfg.Nodes[0].BLSPublicKeyBytes()
	npk, _ := cfg.Nodes[1].NetworkPublicKeyBytes()
	cfg.Nodes[0].BLSPublicKey = "0x" + hex.EncodeToString(pk[:])
	cfg.Nodes[1].NetworkPublicKey = base64.RawStdEncoding.EncodeToString(npk[:])
	pk2, _ := cfg.Nodes[2].BLSPublicKeyBytes()
	cfg.Nodes[2].BLSPublicKey = hex.EncodeToString(pk2[:])
	// Zero prices, a zero-stake node, a 100% commission, seconds-long epochs, IPv6 and DNS.
	cfg.StoragePrice, cfg.WritePrice = 0, 0
	cfg.Nodes[3].Stake = 0
	cfg.Nodes[3].CommissionRate = NBasisPoints
	cfg.EpochDuration = 2 * time.Second
	cfg.Nodes[2].NetworkAddress = "[::1]:9000"
	cfg.Nodes[3].NetworkAddress = "storage.example.com:443"
	cfg.Nodes[1].Name = strings.Repeat("é", 50)                      // 100 bytes
	cfg.Nodes[0].NetworkAddress = strings.Repeat("h", 254) + ":9185" // 259 bytes
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	// A duplicate BLS key is caught across encodings.
	cfg.Nodes[3].BLSPublicKey = base64.StdEncoding.EncodeToString(pk[:])
	if got := fieldsOf(cfg.Validate()); !slices.Equal(got, []string{"nodes[3].bls_public_key"}) {
		t.Fatalf("fields %q", got)
	}

	// The largest configuration: 1000 shards, 150 nodes.
	big := Default()
	big.NShards = MaxNShards
	big.MaxEpochsAhead = MaxMaxEpochsAhead
	big.Nodes = nil
	for i := range ActiveSetMaxSize {
		big.Nodes = append(big.Nodes, nodeFor(i))
	}
	g, err := big.Genesis([32]byte{42})
	if err != nil {
		t.Fatal(err)
	}
	checkCommittee(t, g.Committee, MaxNShards)
	if len(g.Committee) != ActiveSetMaxSize {
		t.Fatalf("%d members", len(g.Committee))
	}
}

func TestGenesisProofOfPossession(t *testing.T) {
	cfg := Default()
	owner := walrus.MustParseID("0xa11ce")
	bls, _ := DevnetNodeKeys(2)
	cfg.Nodes[2].Owner = owner
	cfg.Nodes[2].ProofOfPossession = base64.StdEncoding.EncodeToString(messages.SignProofOfPossession(bls, 0, owner))
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	// Signed for another sender, or by another key: rejected.
	cfg.Nodes[2].Owner = walrus.MustParseID("0xb0b")
	if got := fieldsOf(cfg.Validate()); !slices.Equal(got, []string{"nodes[2].proof_of_possession"}) {
		t.Fatalf("fields %q", got)
	}
	other, _ := DevnetNodeKeys(3)
	cfg.Nodes[2].Owner = owner
	cfg.Nodes[2].ProofOfPossession = hex.EncodeToString(messages.SignProofOfPossession(other, 0, owner))
	if got := fieldsOf(cfg.Validate()); !slices.Equal(got, []string{"nodes[2].proof_of_possession"}) {
		t.Fatalf("fields %q", got)
	}
}

func TestGenesisYAML(t *testing.T) {
	cfg := Default()
	cfg.Nodes[0].Owner = walrus.MustParseID("0x1")
	data, err := yaml.Marshal(&cfg)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	for _, key := range []string{"n_shards: 10", "epoch_duration: 1h0m0s", "max_epochs_ahead: 53", "wal_supply:",
		"storage_price: 100000", "write_price: 20000", "capacity:", "network_address: 127.0.0.1:9185",
		"bls_public_key:", "network_public_key:", "commission_rate: 6000", "storage_price_vote:",
		"write_price_vote:", "capacity_vote:", "stake: 1000000000000", "owner: \"0x0000"} {
		if !strings.Contains(text, key) {
			t.Errorf("YAML lacks %q:\n%s", key, text)
		}
	}
	if strings.Count(text, "owner:") != 1 || strings.Contains(text, "proof_of_possession") {
		t.Errorf("empty optional fields are written:\n%s", text)
	}

	path := filepath.Join(t.TempDir(), "genesis.yaml")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	var back GenesisConfig
	if err := config.Load(path, &back, "TUSK_GENESIS"); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, cfg) {
		t.Fatalf("round trip:\n%+v\n%+v", back, cfg)
	}

	// A file that sets a few fields over the defaults; durations in Go syntax.
	partial := "n_shards: 7\nepoch_duration: 30s\nnodes:\n  - name: solo\n    network_address: 10.0.0.1:9185\n" +
		"    bls_public_key: " + cfg.Nodes[0].BLSPublicKey + "\n    network_public_key: " + cfg.Nodes[0].NetworkPublicKey +
		"\n    stake: 5\n"
	if err := os.WriteFile(path, []byte(partial), 0o600); err != nil {
		t.Fatal(err)
	}
	got := Default()
	if err := config.Load(path, &got, "TUSK_GENESIS"); err != nil {
		t.Fatal(err)
	}
	if got.NShards != 7 || got.EpochDuration != 30*time.Second || len(got.Nodes) != 1 || got.Nodes[0].Stake != 5 {
		t.Fatalf("loaded %+v", got)
	}
	g, err := got.Genesis([32]byte{})
	if err != nil || len(g.Committee) != 1 || len(g.Committee[0].Shards) != 7 {
		t.Fatalf("single-node genesis: %v %v", g, err)
	}

	// Unknown keys and invalid values are reported with their path.
	if err := os.WriteFile(path, []byte("nodes:\n  - nmae: x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	fresh := Default()
	if err := config.Load(path, &fresh, ""); err == nil || !strings.Contains(err.Error(), "nodes[0].nmae") {
		t.Fatalf("unknown key: %v", err)
	}
	if err := os.WriteFile(path, []byte("n_shards: 2000\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	fresh = Default()
	if err := config.Load(path, &fresh, ""); err == nil || !strings.Contains(err.Error(), "n_shards") {
		t.Fatalf("invalid value: %v", err)
	}
}
