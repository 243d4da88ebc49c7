package devcluster

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"

	"gopkg.in/yaml.v3"

	"github.com/tuskstore/tusk/chain/devnet/contract"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/config"
)

// ErrGenesisMismatch reports a cluster directory created with another genesis than the
// one asked for.
var ErrGenesisMismatch = errors.New("created with another genesis")

// NodeSpec is what the operator of one devnet node chooses at genesis. Nil fields take
// contract.Default's values (capacity: an equal share of the system's); the devnet makes
// the rest (keys, address, owner).
type NodeSpec struct {
	// Name defaults to node-I.
	Name string `yaml:"name"`
	// Stake is the WAL staked with the node at genesis, in FROST (1 WAL = 10^9 FROST).
	// 0 registers the node without putting it in the committee.
	Stake *uint64 `yaml:"stake"`
	// CommissionRate is in basis points (10000 = 100%).
	CommissionRate *uint16 `yaml:"commission_rate"`
	// StoragePriceVote (FROST per MiB per epoch), WritePriceVote (FROST per MiB) and
	// CapacityVote (bytes) are the node's votes.
	StoragePriceVote *uint64 `yaml:"storage_price_vote"`
	WritePriceVote   *uint64 `yaml:"write_price_vote"`
	CapacityVote     *uint64 `yaml:"capacity_vote"`
}

// loadOrCreateGenesis reads the cluster's genesis from its directory (checking it
// against cfg.Genesis when that is set), or creates one for cfg with free ports for the
// nodes. created tells which.
func loadOrCreateGenesis(cfg Config) (gen contract.GenesisConfig, created bool, err error) {
	stored, ok, err := StoredGenesis(cfg.Dir)
	if err != nil {
		return contract.GenesisConfig{}, false, err
	}
	if ok {
		if cfg.Genesis != nil {
			if err := checkSameGenesis(cfg, stored); err != nil {
				return contract.GenesisConfig{}, false, fmt.Errorf("devcluster: %s: %w", cfg.Dir, err)
			}
		}
		return stored, false, nil
	}
	ports, err := freePorts(cfg.NodeHost, cfg.Nodes)
	if err != nil {
		return contract.GenesisConfig{}, false, err
	}
	addrs := make([]string, len(ports))
	for i, port := range ports {
		addrs[i] = net.JoinHostPort(cfg.NodeHost, strconv.Itoa(port))
	}
	gen = requestedGenesis(cfg, addrs)
	if err := gen.Validate(); err != nil {
		return contract.GenesisConfig{}, false, fmt.Errorf("devcluster: %w", config.Prefix("genesis", err))
	}
	out, err := yaml.Marshal(state{Genesis: gen})
	if err != nil {
		return contract.GenesisConfig{}, false, err
	}
	if err := os.WriteFile(filepath.Join(cfg.Dir, stateFile), out, 0o644); err != nil {
		return contract.GenesisConfig{}, false, fmt.Errorf("devcluster: %w", err)
	}
	return gen, true, nil
}

// StoredGenesis is the genesis of the cluster in dir; ok is false when dir holds none
// (a new cluster).
func StoredGenesis(dir string) (gen contract.GenesisConfig, ok bool, err error) {
	path := filepath.Join(dir, stateFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return contract.GenesisConfig{}, false, nil
	}
	if err != nil {
		return contract.GenesisConfig{}, false, fmt.Errorf("devcluster: data directory: %w", err)
	}
	var st state
	if err := yaml.Unmarshal(b, &st); err != nil {
		return contract.GenesisConfig{}, false, fmt.Errorf("devcluster: %s: %w", path, err)
	}
	return st.Genesis, true, nil
}

// requestedGenesis is the genesis cfg asks for, with the nodes at addrs.
func requestedGenesis(cfg Config, addrs []string) contract.GenesisConfig {
	template := contract.Default().Nodes[0]
	gen := contract.Default()
	gen.NShards = uint16(cfg.Shards)
	gen.EpochDuration = cfg.EpochDuration
	if cfg.Genesis != nil {
		gen = *cfg.Genesis
	}
	gen.Nodes = nil
	for i, addr := range addrs {
		bls, network := contract.DevnetNodeKeys(i)
		pk, npk := bls.PublicKey(), network.CompressedPublicKey()
		n := contract.GenesisNode{
			Name:             fmt.Sprintf("node-%d", i),
			NetworkAddress:   addr,
			BLSPublicKey:     base64.StdEncoding.EncodeToString(pk[:]),
			NetworkPublicKey: base64.StdEncoding.EncodeToString(npk[:]),
			CommissionRate:   template.CommissionRate,
			StoragePriceVote: template.StoragePriceVote,
			WritePriceVote:   template.WritePriceVote,
			CapacityVote:     gen.Capacity / uint64(len(addrs)),
			Stake:            template.Stake,
			Owner:            walrus.ID(contract.DevnetNodeOwnerKey(i).Address()),
		}
		if i < len(cfg.NodeSpecs) {
			cfg.NodeSpecs[i].apply(&n)
		}
		gen.Nodes = append(gen.Nodes, n)
	}
	return gen
}

func (s NodeSpec) apply(n *contract.GenesisNode) {
	if s.Name != "" {
		n.Name = s.Name
	}
	set := func(dst *uint64, v *uint64) {
		if v != nil {
			*dst = *v
		}
	}
	set(&n.Stake, s.Stake)
	set(&n.StoragePriceVote, s.StoragePriceVote)
	set(&n.WritePriceVote, s.WritePriceVote)
	set(&n.CapacityVote, s.CapacityVote)
	if s.CommissionRate != nil {
		n.CommissionRate = *s.CommissionRate
	}
}

// checkSameGenesis tells, naming the first field that differs, whether the stored
// genesis has the parameters cfg.Genesis asks for and, when cfg has NodeSpecs, the
// nodes they describe (addresses aside: the cluster picked them).
func checkSameGenesis(cfg Config, stored contract.GenesisConfig) error {
	addrs := make([]string, len(stored.Nodes))
	for i, n := range stored.Nodes {
		addrs[i] = n.NetworkAddress
	}
	want := requestedGenesis(cfg, addrs)
	type field struct {
		name       string
		got, asked any
	}
	fields := []field{
		{"n_shards", stored.NShards, want.NShards},
		{"epoch_duration", stored.EpochDuration, want.EpochDuration},
		{"max_epochs_ahead", stored.MaxEpochsAhead, want.MaxEpochsAhead},
		{"wal_supply", stored.WALSupply, want.WALSupply},
		{"storage_price", stored.StoragePrice, want.StoragePrice},
		{"write_price", stored.WritePrice, want.WritePrice},
		{"capacity", stored.Capacity, want.Capacity},
	}
	if len(cfg.NodeSpecs) > 0 {
		if len(cfg.NodeSpecs) != len(stored.Nodes) {
			return fmt.Errorf("%w: it has %d nodes, not %d", ErrGenesisMismatch, len(stored.Nodes), len(cfg.NodeSpecs))
		}
		for i := range want.Nodes {
			fields = append(fields, field{fmt.Sprintf("nodes[%d]", i), describeNode(stored.Nodes[i]), describeNode(want.Nodes[i])})
		}
	}
	for _, f := range fields {
		if f.got != f.asked {
			return fmt.Errorf("%w: its %s is %v, not %v", ErrGenesisMismatch, f.name, f.got, f.asked)
		}
	}
	return nil
}

func describeNode(n contract.GenesisNode) string {
	return fmt.Sprintf("{name %s, stake %d, commission_rate %d, storage_price_vote %d, write_price_vote %d, capacity_vote %d}",
		n.Name, n.Stake, n.CommissionRate, n.StoragePriceVote, n.WritePriceVote, n.CapacityVote)
}
