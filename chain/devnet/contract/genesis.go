package contract

import (
	"crypto/elliptic"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/blake2b"

	"github.com/tuskstore/tusk/chain/keys"
	"github.com/tuskstore/tusk/chain/messages"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/config"
)

// WAL amounts and limits that genesis checks against.
const (
	// FrostPerWAL is 10^DECIMALS of contracts/wal/sources/wal.move: 1 WAL = 10^9 FROST.
	FrostPerWAL uint64 = 1_000_000_000
	// TotalWALSupply is wal.move's TOTAL_WAL_SUPPLY_TO_MINT (5 billion WAL), in FROST.
	TotalWALSupply uint64 = 5_000_000_000 * FrostPerWAL

	// MaxNShards is the largest n_shards a genesis may have (Walrus runs 1000 shards).
	MaxNShards = 1000
	// MaxMaxEpochsAhead is system_state_inner.move MAX_MAX_EPOCHS_AHEAD.
	MaxMaxEpochsAhead = 1000
	// DefaultMaxEpochsAhead is the value of Mainnet and Testnet (and of walrus-sui's
	// DEFAULT_MAX_EPOCHS_AHEAD).
	DefaultMaxEpochsAhead = 53
	// MaxNodeNameLength is staking_pool.move MAX_NODE_NAME_LENGTH, in bytes (Move's
	// String::length counts bytes).
	MaxNodeNameLength = 100
	// MaxNetworkAddressLength is staking_pool.move MAX_NETWORK_ADDRESS_LENGTH, in bytes
	// (253 for a DNS name, 1 for the colon, 5 for the port).
	MaxNetworkAddressLength = 259
	// NBasisPoints is staking_pool.move N_BASIS_POINTS: a commission rate is at most this.
	NBasisPoints = 10_000
	// ProofOfPossessionSize is the size of a proof of possession (a BLS signature).
	ProofOfPossessionSize = keys.BLSSignatureSize
)

// Defaults of Default, after the Walrus testbed (crates/walrus-service/bin/deploy.rs,
// src/testbed.rs) and the storage-node configuration defaults (src/node/config.rs).
const (
	DefaultNShards        = 10
	DefaultEpochDuration  = time.Hour                  // deploy --epoch-duration
	DefaultStoragePrice   = 100_000                    // FROST per MiB per epoch, defaults::storage_price
	DefaultWritePrice     = 20_000                     // FROST per MiB, defaults::write_price
	DefaultCapacity       = 1_000_000_000_000          // bytes, deploy --storage-capacity
	DefaultCommissionRate = 6000                       // basis points, defaults::commission_rate
	DefaultNodeStake      = 1_000 * FrostPerWAL        // FROST, the testbed's stake per node
	DefaultNodes          = 4                          // storage nodes of Default
	DefaultFirstRESTPort  = 9185                       // walrus-service REST_API_PORT
	defaultNodeHost       = "127.0.0.1"                // the devnet's nodes run locally
	devnetKeyDomain       = "tusk devnet genesis key " // domain of DevnetNodeKeys
)

// GenesisConfig is the devnet's genesis: the system parameters that Move's
// initialize_walrus takes, the WAL supply, the System's initial prices and capacity, and
// the storage nodes that are registered and staked at genesis.
//
// Prices and capacity: Move creates the System with capacity and prices 0, and sets them
// from the committee's votes (quorum_below for prices, quorum_above for capacity) once the
// first committee is in place. The devnet instead writes StoragePrice, WritePrice and
// Capacity into the System at genesis; the nodes' votes take over from the first vote on.
type GenesisConfig struct {
	GenesisParams `yaml:",inline"`
	// Nodes are the storage nodes registered at genesis, in registration order: it is the
	// order of their node IDs' creation and of the active set, which breaks ties in the
	// apportionment (an earlier node wins).
	Nodes []GenesisNode `yaml:"nodes"`
}

// GenesisParams are the system parameters of a genesis, everything but its nodes.
type GenesisParams struct {
	// NShards is the number of shards, 1..MaxNShards.
	NShards uint16 `yaml:"n_shards"`
	// EpochDuration is the length of an epoch (epoch_duration, stored in ms, so a whole
	// number of milliseconds; seconds are fine for tests).
	EpochDuration time.Duration `yaml:"epoch_duration"`
	// MaxEpochsAhead is how many epochs ahead storage can be bought, 1..MaxMaxEpochsAhead.
	MaxEpochsAhead uint32 `yaml:"max_epochs_ahead"`
	// WALSupply is the WAL minted at genesis, in FROST (1 WAL = FrostPerWAL FROST). The
	// nodes' stake comes out of it.
	WALSupply uint64 `yaml:"wal_supply"`
	// StoragePrice is the initial storage_price_per_unit_size: FROST per unit (1 MiB of
	// encoded size) per epoch. 0 makes storage free.
	StoragePrice uint64 `yaml:"storage_price"`
	// WritePrice is the initial write_price_per_unit_size: FROST per unit written. 0 makes
	// writes free.
	WritePrice uint64 `yaml:"write_price"`
	// Capacity is the initial total_capacity_size, in bytes of encoded size.
	Capacity uint64 `yaml:"capacity"`
}

// GenesisNode is a storage node registered at genesis: the arguments of Move's
// register_candidate, and the stake staked with it.
type GenesisNode struct {
	// Name is the node's name, at most MaxNodeNameLength bytes of UTF-8, unique.
	Name string `yaml:"name"`
	// NetworkAddress is the node's public host:port, at most MaxNetworkAddressLength
	// bytes, unique.
	NetworkAddress string `yaml:"network_address"`
	// BLSPublicKey is the protocol key: the 48-byte compressed BLS12-381 G1 key, in
	// base64 or hex (0x optional), unique.
	BLSPublicKey string `yaml:"bls_public_key"`
	// NetworkPublicKey is the TLS key: the 33-byte compressed secp256r1 key, in base64 or
	// hex (0x optional), unique.
	NetworkPublicKey string `yaml:"network_public_key"`
	// CommissionRate is the commission on the node's rewards, in basis points, at most
	// NBasisPoints.
	CommissionRate uint16 `yaml:"commission_rate"`
	// StoragePriceVote is the node's storage price vote, FROST per MiB per epoch.
	StoragePriceVote uint64 `yaml:"storage_price_vote"`
	// WritePriceVote is the node's write price vote, FROST per MiB.
	WritePriceVote uint64 `yaml:"write_price_vote"`
	// CapacityVote is the node's capacity vote (node_capacity), in bytes.
	CapacityVote uint64 `yaml:"capacity_vote"`
	// Stake is the WAL staked with the node at genesis, in FROST. A node with 0 is
	// registered but not in the active set.
	Stake uint64 `yaml:"stake"`
	// Owner is the Sui address of the operator, the sender of the registration (it gets
	// the StorageNodeCap). Optional; the devnet chooses one when it is absent (0x0).
	Owner walrus.ID `yaml:"owner,omitempty"`
	// ProofOfPossession is optional: the 96-byte BLS signature, in base64 or hex, that
	// register_candidate checks (messages.SignProofOfPossession over epoch 0 and Owner).
	// When given, Owner must be too, and Validate verifies it.
	ProofOfPossession string `yaml:"proof_of_possession,omitempty"`
}

// Default is a 4-node, 10-shard devnet: one-hour epochs, 53 epochs ahead, the whole WAL
// supply, the testbed's prices, capacity and stake (1000 WAL per node), nodes named
// node-0..node-3 on 127.0.0.1:9185..9188 with the keys of DevnetNodeKeys(0..3), each
// voting the system's prices and a quarter of its capacity.
func Default() GenesisConfig {
	cfg := GenesisConfig{GenesisParams: GenesisParams{
		NShards:        DefaultNShards,
		EpochDuration:  DefaultEpochDuration,
		MaxEpochsAhead: DefaultMaxEpochsAhead,
		WALSupply:      TotalWALSupply,
		StoragePrice:   DefaultStoragePrice,
		WritePrice:     DefaultWritePrice,
		Capacity:       DefaultCapacity,
	}}
	for i := range DefaultNodes {
		bls, network := DevnetNodeKeys(i)
		pk := bls.PublicKey()
		npk := network.CompressedPublicKey()
		cfg.Nodes = append(cfg.Nodes, GenesisNode{
			Name:             fmt.Sprintf("node-%d", i),
			NetworkAddress:   net.JoinHostPort(defaultNodeHost, strconv.Itoa(DefaultFirstRESTPort+i)),
			BLSPublicKey:     base64.StdEncoding.EncodeToString(pk[:]),
			NetworkPublicKey: base64.StdEncoding.EncodeToString(npk[:]),
			CommissionRate:   DefaultCommissionRate,
			StoragePriceVote: DefaultStoragePrice,
			WritePriceVote:   DefaultWritePrice,
			CapacityVote:     DefaultCapacity / DefaultNodes,
			Stake:            DefaultNodeStake,
		})
	}
	return cfg
}

// DevnetNodeKeys returns the protocol and network keys of the index-th node of Default.
// They are derived from a public seed, so anyone can compute them: they are for a local
// devnet only, never for a network that holds anything of value.
func DevnetNodeKeys(index int) (*keys.BLSKey, *keys.NetworkKey) {
	seed := func(kind string) []byte {
		var buf []byte
		buf = append(buf, devnetKeyDomain...)
		buf = append(buf, kind...)
		buf = binary.LittleEndian.AppendUint64(buf, uint64(index))
		h := blake2b.Sum256(buf)
		h[0] &= 0x3f // below both group orders (BLS12-381 r = 0x73ed..., P-256 n = 0xffff...)
		return h[:]
	}
	bls, err := keys.BLSKeyFromBytes(seed("bls"))
	if err != nil { // only for a zero seed, which BLAKE2b does not produce
		panic(err)
	}
	network, err := keys.NetworkKeyFromBytes(seed("network"))
	if err != nil {
		panic(err)
	}
	return bls, network
}

// DevnetNodeOwnerKey returns a Sui key for the operator of the index-th node of a devnet
// genesis: set GenesisNode.Owner to its address (Default leaves Owner empty) and it holds
// the node's StorageNodeCap (to call epoch_sync_done, vote, collect commission) and its
// genesis StakedWal. Like DevnetNodeKeys it is derived from a public seed, for a local
// devnet only.
func DevnetNodeOwnerKey(index int) *keys.Keypair {
	buf := append([]byte(devnetKeyDomain+"owner"), binary.LittleEndian.AppendUint64(nil, uint64(index))...)
	seed := blake2b.Sum256(buf)
	k, err := keys.NewKeypairFromSeed(seed[:])
	if err != nil { // only for a seed of the wrong size
		panic(err)
	}
	return k
}

// decodeKey decodes a key or signature of size bytes given as hex (with or without 0x)
// or base64 (standard alphabet, padded or not); the length tells hex apart.
func decodeKey(s string, size int) ([]byte, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, fmt.Errorf("is empty, want %d bytes in base64 or hex", size)
	}
	if h, ok := strings.CutPrefix(s, "0x"); ok || len(s) == 2*size {
		b, err := hex.DecodeString(h)
		if err == nil && len(b) == size {
			return b, nil
		}
		if ok {
			if err != nil {
				return nil, fmt.Errorf("is not hex: %v", err)
			}
			return nil, fmt.Errorf("is %d bytes, want %d", len(b), size)
		}
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		var err2 error
		if b, err2 = base64.RawStdEncoding.DecodeString(s); err2 != nil {
			return nil, fmt.Errorf("is neither hex nor base64: %v", err)
		}
	}
	if len(b) != size {
		return nil, fmt.Errorf("is %d bytes, want %d", len(b), size)
	}
	return b, nil
}

// BLSPublicKeyBytes decodes BLSPublicKey (it does not check that it is a valid point;
// Validate does).
func (n *GenesisNode) BLSPublicKeyBytes() ([keys.BLSPublicKeySize]byte, error) {
	var pk [keys.BLSPublicKeySize]byte
	b, err := decodeKey(n.BLSPublicKey, len(pk))
	if err != nil {
		return pk, config.Invalid("bls_public_key", "%s", err)
	}
	copy(pk[:], b)
	return pk, nil
}

// NetworkPublicKeyBytes decodes NetworkPublicKey (Validate checks the point).
func (n *GenesisNode) NetworkPublicKeyBytes() ([keys.NetworkPublicKeySize]byte, error) {
	var pk [keys.NetworkPublicKeySize]byte
	b, err := decodeKey(n.NetworkPublicKey, len(pk))
	if err != nil {
		return pk, config.Invalid("network_public_key", "%s", err)
	}
	copy(pk[:], b)
	return pk, nil
}

// ProofOfPossessionBytes decodes ProofOfPossession: nil if it is absent.
func (n *GenesisNode) ProofOfPossessionBytes() ([]byte, error) {
	if strings.TrimSpace(n.ProofOfPossession) == "" {
		return nil, nil
	}
	b, err := decodeKey(n.ProofOfPossession, ProofOfPossessionSize)
	if err != nil {
		return nil, config.Invalid("proof_of_possession", "%s", err)
	}
	return b, nil
}

// Validate checks one node on its own; field names are relative to the node.
func (n *GenesisNode) Validate() error {
	var errs config.Errors
	switch {
	case n.Name == "":
		errs.Invalid("name", "must not be empty")
	case !utf8.ValidString(n.Name):
		errs.Invalid("name", "must be UTF-8, got %q", n.Name)
	case len(n.Name) > MaxNodeNameLength:
		errs.Invalid("name", "is %d bytes, at most %d (MAX_NODE_NAME_LENGTH)", len(n.Name), MaxNodeNameLength)
	}

	errs.Add(checkNetworkAddress(n.NetworkAddress))

	pk, err := n.BLSPublicKeyBytes()
	if err != nil {
		errs.Add(err)
	} else if err := keys.ValidateBLSPublicKey(pk[:]); err != nil {
		errs.Invalid("bls_public_key", "is not a BLS12-381 G1 public key: %v", err)
	}

	if npk, err := n.NetworkPublicKeyBytes(); err != nil {
		errs.Add(err)
	} else if x, _ := elliptic.UnmarshalCompressed(elliptic.P256(), npk[:]); x == nil {
		errs.Invalid("network_public_key", "is not a compressed secp256r1 (P-256) point")
	}

	if n.CommissionRate > NBasisPoints {
		errs.Invalid("commission_rate", "is %d basis points, at most %d (100%%)", n.CommissionRate, NBasisPoints)
	}

	pop, popErr := n.ProofOfPossessionBytes()
	switch {
	case popErr != nil:
		errs.Add(popErr)
	case pop != nil && n.Owner.IsZero():
		errs.Invalid("proof_of_possession", "needs owner, the address it was signed for")
	case pop != nil && err == nil:
		if verr := messages.VerifyProofOfPossession(0, n.Owner, pk, pop); verr != nil {
			errs.Invalid("proof_of_possession", "does not verify for owner %s at epoch 0: %v", n.Owner, verr)
		}
	}
	return errs.Err()
}

// checkNetworkAddress checks network_address: host:port with a host and a port in
// 1..65535, UTF-8, at most MaxNetworkAddressLength bytes.
func checkNetworkAddress(addr string) error {
	const field = "network_address"
	if !utf8.ValidString(addr) {
		return config.Invalid(field, "must be UTF-8, got %q", addr)
	}
	if len(addr) > MaxNetworkAddressLength {
		return config.Invalid(field, "is %d bytes, at most %d (MAX_NETWORK_ADDRESS_LENGTH)", len(addr), MaxNetworkAddressLength)
	}
	if err := config.CheckHostPort(field, addr); err != nil {
		return err
	}
	host, port, _ := net.SplitHostPort(addr)
	if host == "" {
		return config.Invalid(field, "needs a host, got %q", addr)
	}
	if port == "0" || strings.TrimLeft(port, "0") == "" {
		return config.Invalid(field, "needs a port in 1..65535, got %q", addr)
	}
	return nil
}

// Validate checks the system parameters. Field names are their YAML names.
func (c *GenesisParams) Validate() error {
	var errs config.Errors
	if c.NShards < 1 || c.NShards > MaxNShards {
		errs.Invalid("n_shards", "must be in 1..%d, got %d", MaxNShards, c.NShards)
	}
	switch {
	case c.EpochDuration < time.Millisecond:
		errs.Invalid("epoch_duration", "must be at least 1ms, got %s", c.EpochDuration)
	case c.EpochDuration%time.Millisecond != 0:
		errs.Invalid("epoch_duration", "must be a whole number of milliseconds (Move keeps ms), got %s", c.EpochDuration)
	}
	if c.MaxEpochsAhead < 1 || c.MaxEpochsAhead > MaxMaxEpochsAhead {
		errs.Invalid("max_epochs_ahead", "must be in 1..%d (MAX_MAX_EPOCHS_AHEAD), got %d", MaxMaxEpochsAhead, c.MaxEpochsAhead)
	}
	if c.WALSupply == 0 {
		errs.Invalid("wal_supply", "must be positive (in FROST, 1 WAL = %d FROST)", FrostPerWAL)
	}
	if c.Capacity == 0 {
		errs.Invalid("capacity", "must be positive (bytes of encoded size)")
	}
	return errs.Err()
}

// Validate checks every field and that a committee can be selected from the nodes. Field
// names are the YAML paths ("nodes[2].bls_public_key").
func (c *GenesisConfig) Validate() error {
	var errs config.Errors
	errs.Add(c.GenesisParams.Validate())

	switch {
	case len(c.Nodes) == 0:
		errs.Invalid("nodes", "at least one storage node is required")
	case len(c.Nodes) > ActiveSetMaxSize:
		errs.Invalid("nodes", "%d nodes, at most %d (the active set's max size)", len(c.Nodes), ActiveSetMaxSize)
	}

	nodesOK := true
	names := map[string]int{}
	addrs := map[string]int{}
	blsKeys := map[[keys.BLSPublicKeySize]byte]int{}
	netKeys := map[[keys.NetworkPublicKeySize]byte]int{}
	var totalStake uint64
	stakeOverflow := false
	for i := range c.Nodes {
		n := &c.Nodes[i]
		prefix := fmt.Sprintf("nodes[%d]", i)
		if err := n.Validate(); err != nil {
			errs.Nested(prefix, err)
			nodesOK = false
		}
		if j, dup := names[n.Name]; dup && n.Name != "" {
			errs.Invalid(prefix+".name", "%q is also the name of nodes[%d]", n.Name, j)
			nodesOK = false
		} else {
			names[n.Name] = i
		}
		if j, dup := addrs[n.NetworkAddress]; dup && n.NetworkAddress != "" {
			errs.Invalid(prefix+".network_address", "%q is also the address of nodes[%d]", n.NetworkAddress, j)
			nodesOK = false
		} else {
			addrs[n.NetworkAddress] = i
		}
		if pk, err := n.BLSPublicKeyBytes(); err == nil {
			if j, dup := blsKeys[pk]; dup {
				errs.Invalid(prefix+".bls_public_key", "is also the key of nodes[%d]", j)
				nodesOK = false
			} else {
				blsKeys[pk] = i
			}
		}
		if pk, err := n.NetworkPublicKeyBytes(); err == nil {
			if j, dup := netKeys[pk]; dup {
				errs.Invalid(prefix+".network_public_key", "is also the key of nodes[%d]", j)
				nodesOK = false
			} else {
				netKeys[pk] = i
			}
		}
		sum := totalStake + n.Stake
		if sum < totalStake {
			stakeOverflow = true
		}
		totalStake = sum
	}

	if len(c.Nodes) > 0 {
		switch {
		case stakeOverflow:
			errs.Invalid("nodes", "the nodes' stakes add up past 2^64 FROST")
			nodesOK = false
		case totalStake == 0:
			errs.Invalid("nodes", "the total stake is 0: at least one node needs stake (FROST) for a committee")
			nodesOK = false
		case c.WALSupply > 0 && totalStake > c.WALSupply:
			errs.Invalid("wal_supply", "is %d FROST, less than the %d FROST staked with the nodes", c.WALSupply, totalStake)
		}
	}

	// A committee must be selectable (Move aborts otherwise, for instance with 20 or more
	// nodes and fewer than 10 shards the per-node cap is 0). The node IDs do not change
	// the counts, so any distinct IDs do.
	if nodesOK && len(c.Nodes) > 0 && len(c.Nodes) <= ActiveSetMaxSize && c.NShards >= 1 && c.NShards <= MaxNShards {
		if _, err := c.genesis([32]byte{}); err != nil {
			errs.Invalid("nodes", "no committee can be selected: %v", err)
		}
	}
	return errs.Err()
}

// Genesis is what a GenesisConfig derives, deterministically from the genesis
// transaction's digest.
type Genesis struct {
	// NodeIDs are the node IDs (staking-pool object IDs) of the nodes, in the order of
	// GenesisConfig.Nodes: NodeIDs[i] = GenesisNodeID(txDigest, i).
	NodeIDs []walrus.ID
	// ActiveSet is the active set after every node's stake has been staked, in order.
	ActiveSet *ActiveSet
	// Assignment is the apportionment over the active set (nodes with shards only, in the
	// active set's order).
	Assignment Assignment
	// Committee is committee::initialize of Assignment: the first committee, sorted by
	// node ID, shards numbered sequentially in that order. It is the committee that Move's
	// first voting_end selects for epoch 1 if the stake does not change.
	Committee walrus.Committee
}

// GenesisNodeID is the node ID of the index-th genesis node: the genesis transaction
// creates the staking pools first, so node i is its fresh object i,
// DeriveObjectID(txDigest, i). The devnet numbers its other genesis objects from
// len(Nodes) on.
func GenesisNodeID(txDigest [32]byte, index int) walrus.ID {
	return DeriveObjectID(txDigest, uint64(index))
}

// Genesis validates c and derives the node IDs, the active set and the first committee
// for the genesis transaction txDigest.
func (c *GenesisConfig) Genesis(txDigest [32]byte) (*Genesis, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c.genesis(txDigest)
}

func (c *GenesisConfig) genesis(txDigest [32]byte) (*Genesis, error) {
	g := &Genesis{NodeIDs: make([]walrus.ID, len(c.Nodes))}
	set, err := NewActiveSet(ActiveSetMaxSize, MinStake)
	if err != nil {
		return nil, err
	}
	for i := range c.Nodes {
		g.NodeIDs[i] = GenesisNodeID(txDigest, i)
		// stake_with_pool: every stake updates the active set (a node without stake is
		// never staked with, which leaves it out just the same).
		if _, err := set.InsertOrUpdate(g.NodeIDs[i], c.Nodes[i].Stake); err != nil {
			return nil, err
		}
	}
	g.ActiveSet = set
	if g.Assignment, err = set.SelectCommittee(c.NShards); err != nil {
		return nil, err
	}
	if g.Committee, err = InitialCommittee(g.Assignment); err != nil {
		return nil, err
	}
	return g, nil
}

// EpochDurationMs is EpochDuration in milliseconds, as Move stores it.
func (c *GenesisConfig) EpochDurationMs() uint64 { return uint64(c.EpochDuration / time.Millisecond) }

// NodeByName returns the index of the node named name.
func (c *GenesisConfig) NodeByName(name string) (int, bool) {
	for i := range c.Nodes {
		if c.Nodes[i].Name == name {
			return i, true
		}
	}
	return -1, false
}
