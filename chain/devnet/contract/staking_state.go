package contract

import (
	"slices"

	"github.com/tuskstore/tusk/chain/walrus"
)

// StakingState is the shared Staking object with what hangs off it, as the staking
// functions read and change it: its inner state (the dynamic field named by the version),
// the values of the inner state's extended fields (active set, next-epoch public keys) and
// the staking pools of its ObjectTable, which are loaded on demand through Pools.
//
// Unlike the System functions, a staking function that fails may leave the state partly
// changed: as in Move, where an abort discards the whole transaction, the caller must
// then discard it (the devnet's executor drops every write of a failed transaction).
type StakingState struct {
	Staking             walrus.Staking
	Inner               walrus.StakingInnerV1
	ActiveSet           *ActiveSet            // the value of Inner.ActiveSet
	NextEpochPublicKeys walrus.NodePublicKeys // the value of Inner.NextEpochPublicKeys
	Pools               Pools
}

// Pools is the ObjectTable<ID, StakingPool> of StakingInnerV1.pools.
type Pools interface {
	// Pool borrows the pool of nodeID (object_table borrow, or borrow_mut when mut): the
	// same *Pool for the same node within one transaction, and every pool borrowed
	// mutably is written back when the transaction succeeds. Errors: ErrFieldDoesNotExist
	// when the table has no such pool.
	Pool(nodeID walrus.ID, mut bool) (*Pool, error)
	// Contains is object_table::contains.
	Contains(nodeID walrus.ID) (bool, error)
	// Add is object_table::add of a new pool (its ID is the node ID). The caller counts
	// it in Inner.Pools.Size.
	Add(p *Pool) error
}

// Pool is a StakingPool with what hangs off it: its exchange-rate table, the commission
// blocked until voting_end (the u64 under NewEpochCommissionBlockedForCollection in its
// extra_fields bag) and, for a pool being created, its node metadata.
type Pool struct {
	walrus.StakingPool
	// Rates is the Table<u32, PoolExchangeRate> of StakingPool.ExchangeRates; the pool
	// functions count what they add in ExchangeRates.Size.
	Rates ExchangeRates
	// BlockedCommission is the blocked commission, nil when the bag has no such entry; the
	// pool functions keep ExtraFields.Size in step.
	BlockedCommission *uint64
	// Metadata is the NodeMetadata of a pool created in this transaction (the value of
	// NodeInfo.Metadata's extended field); nil for an existing pool.
	Metadata *walrus.NodeMetadata
}

// ExchangeRates is a pool's Table<u32, PoolExchangeRate>.
type ExchangeRates interface {
	// Lookup is table::contains and borrow.
	Lookup(epoch uint32) (walrus.PoolExchangeRate, bool, error)
	// Add is table::add; ErrFieldAlreadyExists when epoch has a rate.
	Add(epoch uint32, r walrus.PoolExchangeRate) error
}

// MemRates is an in-memory ExchangeRates.
type MemRates map[uint32]walrus.PoolExchangeRate

func (m MemRates) Lookup(epoch uint32) (walrus.PoolExchangeRate, bool, error) {
	r, ok := m[epoch]
	return r, ok, nil
}

func (m MemRates) Add(epoch uint32, r walrus.PoolExchangeRate) error {
	if _, ok := m[epoch]; ok {
		return ErrFieldAlreadyExists.in("add", "exchange rate of epoch %d", epoch)
	}
	m[epoch] = r
	return nil
}

// MemPools is an in-memory Pools, in insertion order.
type MemPools struct {
	order []walrus.ID
	pools map[walrus.ID]*Pool
}

// NewMemPools returns an empty MemPools.
func NewMemPools() *MemPools { return &MemPools{pools: map[walrus.ID]*Pool{}} }

func (m *MemPools) Pool(nodeID walrus.ID, _ bool) (*Pool, error) {
	p, ok := m.pools[nodeID]
	if !ok {
		return nil, ErrFieldDoesNotExist.in("borrow_child_object", "no staking pool %s", nodeID)
	}
	return p, nil
}

func (m *MemPools) Contains(nodeID walrus.ID) (bool, error) {
	_, ok := m.pools[nodeID]
	return ok, nil
}

func (m *MemPools) Add(p *Pool) error {
	if _, ok := m.pools[p.ID]; ok {
		return ErrFieldAlreadyExists.in("add", "staking pool %s", p.ID)
	}
	m.pools[p.ID] = p
	m.order = append(m.order, p.ID)
	return nil
}

// IDs lists the pools in insertion order.
func (m *MemPools) IDs() []walrus.ID { return slices.Clone(m.order) }

// CheckVersion is the check of staking.move inner and inner_mut: the Staking object must
// be at the package's VERSION (ErrStakingWrongVersion).
func (s *StakingState) CheckVersion() error {
	if s.Staking.Version != walrus.StakingVersion {
		return ErrStakingWrongVersion.with("Staking at version %d, package at %d", s.Staking.Version, walrus.StakingVersion)
	}
	return nil
}

// Epoch is staking::epoch: the current Walrus epoch.
func (s *StakingState) Epoch() uint32 { return s.Inner.Epoch }

// walrusContext is walrus_context.move WalrusContext: the current epoch, whether the next
// committee is selected, and the current committee.
type walrusContext struct {
	epoch             uint32
	committeeSelected bool
	committee         walrus.Committee
}

// newWalrusContext is staking_inner::new_walrus_context.
func (s *StakingState) newWalrusContext() walrusContext {
	return walrusContext{epoch: s.Inner.Epoch, committeeSelected: s.Inner.NextCommittee != nil, committee: s.Inner.Committee}
}

// inNextCommittee is next_committee.is_some_and!(|cmt| cmt.contains(&node_id)).
func (s *StakingState) inNextCommittee(nodeID walrus.ID) bool {
	if s.Inner.NextCommittee == nil {
		return false
	}
	_, ok := s.Inner.NextCommittee.ShardsOf(nodeID)
	return ok
}

// inCommittee is committee.contains(&node_id).
func (s *StakingState) inCommittee(nodeID walrus.ID) bool {
	_, ok := s.Inner.Committee.ShardsOf(nodeID)
	return ok
}

// isNextParamsSelected is staking_inner::is_next_params_selected.
func (s *StakingState) isNextParamsSelected() bool {
	return s.Inner.EpochState.Kind == walrus.EpochStateNextParamsSelected
}

// IsQuorum is staking_inner::is_quorum: 3·weight ≥ 2·n_shards + 1.
func (s *StakingState) IsQuorum(weight uint16) bool {
	return isQuorumForNShards(uint64(weight), uint64(s.Inner.NShards))
}

func isQuorumForNShards(weight, nShards uint64) bool { return 3*weight >= 2*nShards+1 }
