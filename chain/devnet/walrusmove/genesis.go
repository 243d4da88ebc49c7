package walrusmove

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sync"

	"github.com/tuskstore/tusk/chain/devnet/contract"
	"github.com/tuskstore/tusk/chain/devnet/exec"
	"github.com/tuskstore/tusk/chain/sui"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/internal/bcs"
)

// DefaultEpoch is the Walrus epoch a devnet starts in: epoch 1, the first epoch with a
// committee (Move creates the System in epoch 0 with an empty committee and reaches
// epoch 1 at the first epoch change).
const DefaultEpoch uint32 = 1

// Grant is an amount of a coin (MIST for SUI, FROST for WAL) for an address.
type Grant struct {
	Owner  walrus.Address
	Amount uint64
}

// GenesisOptions are the parts of the devnet's genesis that contract.GenesisConfig does
// not hold.
type GenesisOptions struct {
	// Epoch is the Walrus epoch to start in; 0 means DefaultEpoch. (Epoch 0 with a
	// committee is not offered: Move has no committee in epoch 0.)
	Epoch uint32
	// ClockTimestampMs is the Clock's time at genesis, the start of the first epoch.
	ClockTimestampMs uint64
	// SUI are the gas coins created at genesis, one per grant.
	SUI []Grant
	// WAL are the Coin<WAL> created at genesis, one per grant. Their total and the
	// nodes' stake must fit in GenesisConfig.WALSupply.
	WAL []Grant
	// IDs gives the package IDs (System and Staking are ignored); zero means
	// DefaultIDs().
	IDs IDs
}

// GenesisState is the devnet's genesis: the objects to insert into the store (in
// creation order) and what the devnet needs to know about them.
type GenesisState struct {
	IDs IDs
	// Objects are the genesis objects: System, Staking and their dynamic fields, the
	// staking pools, the nodes' StorageNodeCaps and StakedWal, the Clock, and the coins.
	Objects []*sui.Object
	// System is the System and its inner state as created.
	System *contract.SystemState
	// Genesis is the committee selection (node IDs, active set, committee).
	Genesis *contract.Genesis
	// Epoch is the Walrus epoch the devnet starts in.
	Epoch uint32
	// NodeCaps and StakedWal are the StorageNodeCap and StakedWal objects of the nodes,
	// in the order of GenesisConfig.Nodes (a node without stake has no StakedWal: zero).
	NodeCaps  []walrus.ID
	StakedWal []walrus.ID
	// SUICoins and WALCoins are the coins of GenesisOptions.SUI and WAL, in order.
	SUICoins []walrus.ID
	WALCoins []walrus.ID

	mu      sync.Mutex
	g       *exec.Genesis // the genesis ID counter, which the faucet continues
	walLeft uint64        // FROST of the supply not minted yet
}

// Genesis builds the devnet's Walrus genesis from cfg (validated, and its committee
// selected, by cfg.Genesis) with deterministic IDs: the genesis "transaction" is
// exec.GenesisMarker, so node i is the genesis object i (contract.GenesisNodeID) and the
// other objects follow in a fixed order.
//
//   - System (shared, walrus::system::System at version 4) with its inner state
//     Field<u64, SystemStateInnerV1> (contract.NewGenesisSystem) at
//     walrus.InnerStateFieldID(system, 4), and the deny-list-sizes extended field;
//   - Staking (shared) with Field<u64, StakingInnerV1>: the committee of the genesis
//     selection, the active set and next-epoch public keys extended fields, and the
//     pools ObjectTable holding a StakingPool per node (its node info, voting parameters,
//     commission and stake, as after register_candidate, stake_with_pool at epoch 0 and
//     the epoch changes up to the start epoch without rewards);
//   - per node a StorageNodeCap and, with stake, a StakedWal, owned by the node's Owner;
//   - the Clock 0x6, the SUI gas coins and the WAL coins of opts.
func Genesis(cfg contract.GenesisConfig, opts GenesisOptions) (*GenesisState, error) {
	gen, err := cfg.Genesis(exec.GenesisMarker)
	if err != nil {
		return nil, err
	}
	ids := opts.IDs
	if ids.WalrusPackage.IsZero() && ids.WALPackage.IsZero() {
		ids = DefaultIDs()
	}
	if ids.WalrusPackage.IsZero() || ids.WALPackage.IsZero() {
		return nil, errors.New("walrusmove: genesis needs both package IDs")
	}
	ids.System, ids.Staking = walrus.ID{}, walrus.ID{}
	epoch := opts.Epoch
	if epoch == 0 {
		epoch = DefaultEpoch
	}

	// The WAL supply: the nodes' stake and the genesis coins come out of it.
	left := cfg.WALSupply
	for i, n := range cfg.Nodes {
		if n.Stake > left {
			return nil, fmt.Errorf("walrusmove: the stake of nodes[%d] exceeds what is left of the WAL supply", i)
		}
		left -= n.Stake
	}
	for i, w := range opts.WAL {
		if w.Amount > left {
			return nil, fmt.Errorf("walrusmove: WAL grant %d (%d FROST) exceeds what is left of the supply (%d)", i, w.Amount, left)
		}
		left -= w.Amount
	}

	st := &GenesisState{IDs: ids, Genesis: gen, Epoch: epoch, g: &exec.Genesis{}, walLeft: left}
	g := st.g
	for i := range cfg.Nodes { // the node IDs are the first genesis objects
		if id := g.NewID(); id != gen.NodeIDs[i] {
			return nil, fmt.Errorf("walrusmove: node %d ID %s, genesis object ID %s", i, gen.NodeIDs[i], id)
		}
	}

	// The System.
	st.IDs.System = g.NewID()
	denyListID := g.NewID()
	sys, err := contract.NewGenesisSystem(cfg, gen, contract.GenesisSystemParams{
		SystemID: st.IDs.System, PackageID: ids.WalrusPackage, DenyListSizesID: denyListID, Epoch: epoch,
	})
	if err != nil {
		return nil, err
	}
	st.System = sys
	st.add(ids.SystemType(), false, bcs.Marshal(&sys.System), sui.SharedOwner(exec.GenesisVersion))
	st.add(ids.systemInnerFieldType(), false,
		bcs.Marshal(&walrus.SystemStateField{ID: walrus.InnerStateFieldID(st.IDs.System, walrus.SystemVersion), Name: walrus.SystemVersion, Value: sys.Inner}),
		sui.ObjectOwned(st.IDs.System))
	denyType := sui.StructOf(addr2, "vec_map", "VecMap", idType, sui.TypeTagU64)
	st.add(fieldType(ids.extendedFieldKey(), denyType), false,
		bcs.Marshal(&walrus.DenyListSizesField{ID: ids.extendedFieldValueID(denyListID)}),
		sui.ObjectOwned(denyListID))

	if err := st.staking(cfg, opts.ClockTimestampMs); err != nil {
		return nil, err
	}
	st.treasury(cfg.WALSupply)

	// The Clock and the coins.
	g.Clock(opts.ClockTimestampMs)
	st.Objects = append(st.Objects, g.Objects...)
	g.Objects = nil
	for _, s := range opts.SUI {
		st.SUICoins = append(st.SUICoins, g.GasCoin(s.Owner, s.Amount))
	}
	for _, w := range opts.WAL {
		st.WALCoins = append(st.WALCoins, g.Coin(ids.WALType(), w.Owner, w.Amount))
	}
	st.Objects = append(st.Objects, g.Objects...)
	g.Objects = nil
	return st, nil
}

// add appends a genesis object whose contents start with its ID.
func (st *GenesisState) add(typ sui.StructTag, publicTransfer bool, contents []byte, owner sui.Owner) {
	st.Objects = append(st.Objects, exec.NewObject(typ, publicTransfer, contents, owner, exec.GenesisVersion, exec.GenesisMarker))
}

// newObject appends an object with a fresh genesis ID and returns the ID; fields are the
// BCS after the UID.
func (st *GenesisState) newObject(typ sui.StructTag, publicTransfer bool, fields []byte, owner sui.Owner) walrus.ID {
	id := st.g.NewID()
	st.add(typ, publicTransfer, append(id[:len(id):len(id)], fields...), owner)
	return id
}

// staking creates the Staking object, its inner state and the pools.
func (st *GenesisState) staking(cfg contract.GenesisConfig, clockMs uint64) error {
	ids, g, gen, epoch := st.IDs, st.g, st.Genesis, st.Epoch
	st.IDs.Staking = g.NewID()
	ids.Staking = st.IDs.Staking
	poolsID := g.NewID()
	activeSetID := g.NewID()
	nextKeysID := g.NewID()

	key := ids.extendedFieldKey()
	// The committee of epoch 0 is empty; from epoch 2 on the previous one is the same.
	var previous walrus.Committee
	if epoch >= 2 {
		previous = gen.Committee
	}
	inner := walrus.StakingInnerV1{
		NShards:             cfg.NShards,
		EpochDuration:       cfg.EpochDurationMs(),
		FirstEpochStart:     clockMs,
		Pools:               walrus.Table{ID: poolsID, Size: uint64(len(cfg.Nodes))},
		Epoch:               epoch,
		ActiveSet:           walrus.ExtendedField{ID: activeSetID},
		Committee:           gen.Committee,
		PreviousCommittee:   previous,
		EpochState:          walrus.EpochState{Kind: walrus.EpochStateChangeDone, TimestampMs: clockMs},
		NextEpochPublicKeys: walrus.ExtendedField{ID: nextKeysID},
	}
	staking := walrus.Staking{ID: ids.Staking, Version: walrus.StakingVersion, PackageID: ids.WalrusPackage}
	st.add(ids.StakingType(), false, bcs.Marshal(&staking), sui.SharedOwner(exec.GenesisVersion))
	st.add(ids.stakingInnerFieldType(), false,
		bcs.Marshal(&walrus.StakingStateField{ID: walrus.InnerStateFieldID(ids.Staking, walrus.StakingVersion), Name: walrus.StakingVersion, Value: inner}),
		sui.ObjectOwned(ids.Staking))
	st.add(fieldType(key, ids.Type("active_set", "ActiveSet")), false,
		bcs.Marshal(&walrus.ActiveSetField{ID: ids.extendedFieldValueID(activeSetID), Value: *gen.ActiveSet.Walrus()}),
		sui.ObjectOwned(activeSetID))
	g1 := sui.StructOf(addr2, "group_ops", "Element", sui.StructOf(addr2, "bls12381", "UncompressedG1"))
	st.add(fieldType(key, sui.StructOf(addr2, "vec_map", "VecMap", idType, g1)), false,
		bcs.Marshal(&walrus.NextEpochPublicKeysField{ID: ids.extendedFieldValueID(nextKeysID)}),
		sui.ObjectOwned(nextKeysID))

	wrapperType := sui.StructOf(addr2, "dynamic_object_field", "Wrapper", idType)
	wrapperTag := walrus.StructTypeTag(addr2, "dynamic_object_field", "Wrapper", walrus.TypeTagID)
	rateType := ids.Type("pool_exchange_rate", "PoolExchangeRate")
	for i := range cfg.Nodes {
		n := &cfg.Nodes[i]
		nodeID := gen.NodeIDs[i]
		pk, err := n.BLSPublicKeyBytes()
		if err != nil {
			return fmt.Errorf("walrusmove: nodes[%d]: %w", i, err)
		}
		upk, err := contract.G1ToUncompressedG1(pk)
		if err != nil {
			return fmt.Errorf("walrusmove: nodes[%d]: %w", i, err)
		}
		npk, err := n.NetworkPublicKeyBytes()
		if err != nil {
			return fmt.Errorf("walrusmove: nodes[%d]: %w", i, err)
		}

		// Exchange rates: Flat at activation (epoch 0); at each epoch change the rate of
		// the balance before the pending stake is added (new(0, 0) is Flat).
		ratesID := g.NewID()
		var rates []walrus.PoolExchangeRate
		rates = append(rates, walrus.PoolExchangeRate{Kind: walrus.ExchangeRateFlat})
		var balance, shares uint64
		pending := walrus.PendingValues{}
		if n.Stake > 0 {
			pending = walrus.PendingValues{{Epoch: 1, Value: n.Stake}}
		}
		for e := uint32(1); e <= epoch; e++ {
			r := walrus.PoolExchangeRate{Kind: walrus.ExchangeRateFlat}
			if balance > 0 && shares > 0 {
				r = walrus.PoolExchangeRate{Kind: walrus.ExchangeRateVariable, WalAmount: walrus.U128From64(balance), ShareAmount: walrus.U128From64(shares)}
			}
			rates = append(rates, r)
			if e == 1 && n.Stake > 0 {
				balance += n.Stake
				pending = nil
			}
			shares = balance // the rate stays one to one without rewards
		}
		for e, r := range rates {
			fid := walrus.DynamicFieldID(ratesID, walrus.TypeTagU32, bcs.Marshal(walrus.U32(e)))
			st.add(fieldType(sui.TypeTagU32, rateType), false,
				bcs.Marshal(&walrus.ExchangeRateField{ID: fid, Name: walrus.U32(e), Value: r}), sui.ObjectOwned(ratesID))
		}
		metaID := g.NewID()
		st.add(fieldType(key, ids.Type("node_metadata", "NodeMetadata")), false,
			bcs.Marshal(&walrus.NodeMetadataField{ID: ids.extendedFieldValueID(metaID)}), sui.ObjectOwned(metaID))
		extraID := g.NewID()
		capID := g.NewID() // the StorageNodeCap, created next (register_candidate's new_cap)

		pool := walrus.StakingPool{
			ID:    nodeID,
			State: walrus.PoolState{Kind: walrus.PoolActive},
			VotingParams: walrus.VotingParams{
				StoragePrice: n.StoragePriceVote, WritePrice: n.WritePriceVote, NodeCapacity: n.CapacityVote,
			},
			NodeInfo: walrus.StorageNodeInfo{
				Name: n.Name, NodeID: nodeID, NetworkAddress: n.NetworkAddress,
				PublicKey: upk, NetworkPublicKey: npk[:], Metadata: walrus.ExtendedField{ID: metaID},
			},
			ActivationEpoch: 0,
			LatestEpoch:     epoch,
			WalBalance:      balance,
			NumShares:       shares,
			CommissionRate:  n.CommissionRate,
			ExchangeRates:   walrus.Table{ID: ratesID, Size: uint64(len(rates))},
			PendingStake:    pending,
			// register_candidate makes the StorageNodeCap the commission receiver.
			CommissionReceiver:   walrus.Authorized{Kind: walrus.AuthorizedObjectID, ID: capID},
			GovernanceAuthorized: walrus.Authorized{Kind: walrus.AuthorizedAddress, ID: n.Owner},
			ExtraFields:          walrus.Table{ID: extraID},
		}
		// ObjectTable entry: Field<Wrapper<ID>, ID> of the table, owning the pool.
		entryID := walrus.DynamicFieldID(poolsID, wrapperTag, nodeID[:])
		st.add(fieldType(wrapperType, idType), false,
			bcs.Marshal(&walrus.ObjectTableEntry{ID: entryID, Name: nodeID, Value: nodeID}), sui.ObjectOwned(poolsID))
		st.add(ids.Struct("staking_pool", "StakingPool"), true, bcs.Marshal(&pool), sui.ObjectOwned(entryID))

		st.add(ids.Struct("storage_node", "StorageNodeCap"), true,
			bcs.Marshal(&walrus.StorageNodeCap{ID: capID, NodeID: nodeID, LastEpochSyncDone: epoch}), sui.AddressOwned(n.Owner))
		st.NodeCaps = append(st.NodeCaps, capID)
		var staked walrus.ID
		if n.Stake > 0 {
			fields := bcs.Marshal(&walrus.StakedWal{State: walrus.StakedWalState{Kind: walrus.StakedWalStaked}, NodeID: nodeID, Principal: n.Stake, ActivationEpoch: 1})[32:]
			staked = st.newObject(ids.Struct("staked_wal", "StakedWal"), true, fields, sui.AddressOwned(n.Owner))
		}
		st.StakedWal = append(st.StakedWal, staked)
	}
	return nil
}

// Genesis IDs outside the genesis numbering (which the faucet continues), derived like
// the package IDs from fixed digests.
var (
	treasuryID    = publishedID("tusk devnet genesis: wal::wal::ProtectedTreasury")
	treasuryCapID = publishedID("tusk devnet genesis: coin::TreasuryCap<WAL>")
)

// treasury creates wal::wal::ProtectedTreasury (shared) holding the TreasuryCap<WAL> as
// the dynamic object field TreasuryCapKey, as wal.move's init does; the cap's total
// supply is the WAL minted at genesis.
func (st *GenesisState) treasury(supply uint64) {
	ids := &st.IDs
	st.IDs.Treasury = treasuryID
	st.add(ids.TreasuryType(), false, treasuryID[:], sui.SharedOwner(exec.GenesisVersion))
	fid := ids.treasuryCapFieldID(treasuryID)
	st.add(fieldType(ids.treasuryCapWrapperType(), idType), false, treasuryCapField(fid, treasuryCapID), sui.ObjectOwned(treasuryID))
	st.add(ids.treasuryCapType(), true, treasuryCapContents(treasuryCapID, supply), sui.ObjectOwned(fid))
}

// treasuryCapField is the BCS of Field<Wrapper<TreasuryCapKey>, ID> { id, name:
// Wrapper { name: TreasuryCapKey {} } (one 0x00 byte), value: the cap's ID }.
func treasuryCapField(fid, capID walrus.ID) []byte {
	b := append(append([]byte(nil), fid[:]...), 0)
	return append(b, capID[:]...)
}

// treasuryCapContents is the BCS of TreasuryCap<WAL> { id, total_supply: Supply { value } }.
func treasuryCapContents(id walrus.ID, supply uint64) []byte {
	return binary.LittleEndian.AppendUint64(append([]byte(nil), id[:]...), supply)
}

// ErrFaucetExhausted is returned by Faucet.WAL when the WAL supply is used up.
var ErrFaucetExhausted = errors.New("walrusmove: the WAL supply is exhausted")

// Inserter is the store a Faucet writes to (exec.MemStore).
type Inserter interface {
	Insert(objs ...*sui.Object) error
}

// Faucet mints coins outside transactions, as an administrative operation of the
// devnet: each coin is a new object inserted into the store at the genesis version,
// with an ID that continues the genesis numbering. WAL comes out of what the genesis
// left of the supply.
type Faucet struct {
	st    *GenesisState
	store Inserter
}

// Faucet returns the faucet of this genesis writing into store (which must hold the
// genesis objects). Every faucet of one GenesisState shares its ID counter and supply.
func (st *GenesisState) Faucet(store Inserter) *Faucet { return &Faucet{st: st, store: store} }

// WAL mints a Coin<WAL> of amount FROST for owner and returns its ID.
func (f *Faucet) WAL(owner walrus.Address, amount uint64) (walrus.ID, error) {
	f.st.mu.Lock()
	defer f.st.mu.Unlock()
	if amount > f.st.walLeft {
		return walrus.ID{}, fmt.Errorf("%w: %d FROST asked, %d left", ErrFaucetExhausted, amount, f.st.walLeft)
	}
	id, err := f.mint(f.st.IDs.WALType(), owner, amount)
	if err == nil {
		f.st.walLeft -= amount
	}
	return id, err
}

// SUI mints a gas coin of amount MIST for owner and returns its ID.
func (f *Faucet) SUI(owner walrus.Address, amount uint64) (walrus.ID, error) {
	f.st.mu.Lock()
	defer f.st.mu.Unlock()
	return f.mint(sui.SUIType, owner, amount)
}

// WALLeft is the FROST the faucet can still mint.
func (f *Faucet) WALLeft() uint64 {
	f.st.mu.Lock()
	defer f.st.mu.Unlock()
	return f.st.walLeft
}

func (f *Faucet) mint(coinType sui.TypeTag, owner walrus.Address, amount uint64) (walrus.ID, error) {
	id := f.st.g.NewID()
	if err := f.store.Insert(exec.NewCoin(id, coinType, owner, amount)); err != nil {
		return walrus.ID{}, fmt.Errorf("walrusmove: faucet: %w", err)
	}
	return id, nil
}
