package walrus

import (
	"slices"

	"github.com/tuskstore/tusk/internal/bcs"
)

// Staking is walrus::staking::Staking, the shared staking object. Its inner state is the
// dynamic field StakingStateField of ID named by Version.
type Staking struct {
	ID           ID
	Version      uint64
	PackageID    ID
	NewPackageID *ID // Option<ID>
}

func (s *Staking) MarshalBCS(e *bcs.Encoder) {
	s.ID.MarshalBCS(e)
	e.U64(s.Version)
	s.PackageID.MarshalBCS(e)
	putOpt(e, s.NewPackageID)
}

func (s *Staking) UnmarshalBCS(d *bcs.Decoder) {
	s.ID.UnmarshalBCS(d)
	s.Version = d.U64()
	s.PackageID.UnmarshalBCS(d)
	s.NewPackageID = getOpt[ID](d)
}

// EpochStateKind is the variant of walrus::staking_inner::EpochState.
type EpochStateKind uint8

const (
	// EpochStateChangeSync is EpochChangeSync(u16): an epoch change is in progress; the
	// value is the weight of the nodes that have called epoch_sync_done.
	EpochStateChangeSync EpochStateKind = 0
	// EpochStateChangeDone is EpochChangeDone(u64): the epoch change completed at the
	// timestamp (ms).
	EpochStateChangeDone EpochStateKind = 1
	// EpochStateNextParamsSelected is NextParamsSelected(u64): the next epoch's parameters
	// are selected; the timestamp (ms) is the start of the current epoch.
	EpochStateNextParamsSelected EpochStateKind = 2
)

func (k EpochStateKind) String() string {
	switch k {
	case EpochStateChangeSync:
		return "EpochChangeSync"
	case EpochStateChangeDone:
		return "EpochChangeDone"
	case EpochStateNextParamsSelected:
		return "NextParamsSelected"
	}
	return "EpochState(invalid)"
}

// EpochState is walrus::staking_inner::EpochState. Only the field of Kind is meaningful
// (and encoded): SyncWeight for EpochStateChangeSync, TimestampMs for the others.
type EpochState struct {
	Kind        EpochStateKind
	SyncWeight  uint16
	TimestampMs uint64
}

func (s *EpochState) MarshalBCS(e *bcs.Encoder) {
	e.ULEB128(uint64(s.Kind))
	switch s.Kind {
	case EpochStateChangeSync:
		e.U16(s.SyncWeight)
	default:
		e.U64(s.TimestampMs)
	}
}

func (s *EpochState) UnmarshalBCS(d *bcs.Decoder) {
	*s = EpochState{Kind: EpochStateKind(d.Tag(3))}
	if d.Err() != nil {
		return
	}
	if s.Kind == EpochStateChangeSync {
		s.SyncWeight = d.U16()
	} else {
		s.TimestampMs = d.U64()
	}
}

// CommitteeEntry is an entry of a Committee: a node and the shards it holds.
type CommitteeEntry struct {
	NodeID ID
	Shards []uint16
}

func (c *CommitteeEntry) MarshalBCS(e *bcs.Encoder) {
	c.NodeID.MarshalBCS(e)
	putU16s(e, c.Shards)
}

func (c *CommitteeEntry) UnmarshalBCS(d *bcs.Decoder) {
	c.NodeID.UnmarshalBCS(d)
	c.Shards = getU16s(d)
}

// Committee is walrus::committee::Committee(VecMap<ID, vector<u16>>): the shard
// assignment, kept sorted by node ID on chain.
type Committee []CommitteeEntry

func (c Committee) MarshalBCS(e *bcs.Encoder)    { putVec(e, []CommitteeEntry(c)) }
func (c *Committee) UnmarshalBCS(d *bcs.Decoder) { *c = getVec[CommitteeEntry](d, 33) }

// ShardsOf returns the shards held by nodeID.
func (c Committee) ShardsOf(nodeID ID) ([]uint16, bool) {
	for i := range c {
		if c[i].NodeID == nodeID {
			return c[i].Shards, true
		}
	}
	return nil, false
}

// ShardOwner returns the node holding shard.
func (c Committee) ShardOwner(shard uint16) (ID, bool) {
	for i := range c {
		if slices.Contains(c[i].Shards, shard) {
			return c[i].NodeID, true
		}
	}
	return ID{}, false
}

// Weight returns the number of shards nodeID holds (0 if it is not a member).
func (c Committee) Weight(nodeID ID) uint16 {
	s, _ := c.ShardsOf(nodeID)
	return uint16(len(s))
}

// TotalWeight is the number of shards assigned.
func (c Committee) TotalWeight() uint64 {
	var n uint64
	for i := range c {
		n += uint64(len(c[i].Shards))
	}
	return n
}

// NodeIDs returns the members in stored order.
func (c Committee) NodeIDs() []ID {
	ids := make([]ID, len(c))
	for i := range c {
		ids[i] = c[i].NodeID
	}
	return ids
}

// IsSortedByNodeID reports whether the entries are in the on-chain (node-ID) order.
func (c Committee) IsSortedByNodeID() bool {
	return slices.IsSortedFunc(c, func(a, b CommitteeEntry) int { return a.NodeID.Compare(b.NodeID) })
}

// SortByNodeID puts the entries in the on-chain (node-ID) order.
func (c Committee) SortByNodeID() {
	slices.SortStableFunc(c, func(a, b CommitteeEntry) int { return a.NodeID.Compare(b.NodeID) })
}

// ActiveSetEntry is walrus::active_set::ActiveSetEntry.
type ActiveSetEntry struct {
	NodeID       ID
	StakedAmount uint64
}

func (a *ActiveSetEntry) MarshalBCS(e *bcs.Encoder) {
	a.NodeID.MarshalBCS(e)
	e.U64(a.StakedAmount)
}

func (a *ActiveSetEntry) UnmarshalBCS(d *bcs.Decoder) {
	a.NodeID.UnmarshalBCS(d)
	a.StakedAmount = d.U64()
}

// ActiveSet is walrus::active_set::ActiveSet, the value of StakingInnerV1.active_set.
type ActiveSet struct {
	MaxSize        uint16
	ThresholdStake uint64
	Nodes          []ActiveSetEntry
	TotalStake     uint64
}

func (a *ActiveSet) MarshalBCS(e *bcs.Encoder) {
	e.U16(a.MaxSize)
	e.U64(a.ThresholdStake)
	putVec(e, a.Nodes)
	e.U64(a.TotalStake)
}

func (a *ActiveSet) UnmarshalBCS(d *bcs.Decoder) {
	a.MaxSize = d.U16()
	a.ThresholdStake = d.U64()
	a.Nodes = getVec[ActiveSetEntry](d, 40)
	a.TotalStake = d.U64()
}

// NodePublicKey is an entry of VecMap<ID, Element<UncompressedG1>>.
type NodePublicKey struct {
	NodeID    ID
	PublicKey []byte // Element<UncompressedG1>: 96 bytes
}

func (k *NodePublicKey) MarshalBCS(e *bcs.Encoder) {
	k.NodeID.MarshalBCS(e)
	e.ByteVec(k.PublicKey)
}

func (k *NodePublicKey) UnmarshalBCS(d *bcs.Decoder) {
	k.NodeID.UnmarshalBCS(d)
	k.PublicKey = getBytes(d)
}

// NodePublicKeys is the VecMap<ID, Element<UncompressedG1>> behind
// StakingInnerV1.next_epoch_public_keys, in the order of the next committee.
type NodePublicKeys []NodePublicKey

func (k NodePublicKeys) MarshalBCS(e *bcs.Encoder)    { putVec(e, []NodePublicKey(k)) }
func (k *NodePublicKeys) UnmarshalBCS(d *bcs.Decoder) { *k = getVec[NodePublicKey](d, 33) }

// StakingInnerV1 is walrus::staking_inner::StakingInnerV1.
type StakingInnerV1 struct {
	NShards             uint16
	EpochDuration       uint64 // ms
	FirstEpochStart     uint64 // ms
	Pools               Table  // ObjectTable<ID, StakingPool>: see ObjectTableEntry
	Epoch               uint32
	ActiveSet           ExtendedField // ExtendedField<ActiveSet>: see ActiveSetField
	NextCommittee       *Committee    // Option<Committee>
	Committee           Committee
	PreviousCommittee   Committee
	NextEpochParams     *EpochParams // Option<EpochParams>
	EpochState          EpochState
	NextEpochPublicKeys ExtendedField // ExtendedField<VecMap<ID, Element<UncompressedG1>>>: see NextEpochPublicKeysField
}

func (s *StakingInnerV1) MarshalBCS(e *bcs.Encoder) {
	e.U16(s.NShards)
	e.U64(s.EpochDuration)
	e.U64(s.FirstEpochStart)
	s.Pools.MarshalBCS(e)
	e.U32(s.Epoch)
	s.ActiveSet.MarshalBCS(e)
	putOpt(e, s.NextCommittee)
	s.Committee.MarshalBCS(e)
	s.PreviousCommittee.MarshalBCS(e)
	putOpt(e, s.NextEpochParams)
	s.EpochState.MarshalBCS(e)
	s.NextEpochPublicKeys.MarshalBCS(e)
}

func (s *StakingInnerV1) UnmarshalBCS(d *bcs.Decoder) {
	s.NShards = d.U16()
	s.EpochDuration = d.U64()
	s.FirstEpochStart = d.U64()
	s.Pools.UnmarshalBCS(d)
	s.Epoch = d.U32()
	s.ActiveSet.UnmarshalBCS(d)
	s.NextCommittee = getOpt[Committee](d)
	s.Committee.UnmarshalBCS(d)
	s.PreviousCommittee.UnmarshalBCS(d)
	s.NextEpochParams = getOpt[EpochParams](d)
	s.EpochState.UnmarshalBCS(d)
	s.NextEpochPublicKeys.UnmarshalBCS(d)
}

// PoolStateKind is the variant of walrus::staking_pool::PoolState.
type PoolStateKind uint8

const (
	PoolActive      PoolStateKind = 0 // Active
	PoolWithdrawing PoolStateKind = 1 // Withdrawing(u32): withdrawn at the epoch
	PoolWithdrawn   PoolStateKind = 2 // Withdrawn
)

func (k PoolStateKind) String() string {
	switch k {
	case PoolActive:
		return "Active"
	case PoolWithdrawing:
		return "Withdrawing"
	case PoolWithdrawn:
		return "Withdrawn"
	}
	return "PoolState(invalid)"
}

// PoolState is walrus::staking_pool::PoolState; WithdrawEpoch is meaningful (and encoded)
// only for PoolWithdrawing.
type PoolState struct {
	Kind          PoolStateKind
	WithdrawEpoch uint32
}

func (s *PoolState) MarshalBCS(e *bcs.Encoder) {
	e.ULEB128(uint64(s.Kind))
	if s.Kind == PoolWithdrawing {
		e.U32(s.WithdrawEpoch)
	}
}

func (s *PoolState) UnmarshalBCS(d *bcs.Decoder) {
	*s = PoolState{Kind: PoolStateKind(d.Tag(3))}
	if d.Err() == nil && s.Kind == PoolWithdrawing {
		s.WithdrawEpoch = d.U32()
	}
}

// VotingParams is walrus::staking_pool::VotingParams.
type VotingParams struct {
	StoragePrice uint64
	WritePrice   uint64
	NodeCapacity uint64
}

func (v *VotingParams) MarshalBCS(e *bcs.Encoder) {
	e.U64(v.StoragePrice)
	e.U64(v.WritePrice)
	e.U64(v.NodeCapacity)
}

func (v *VotingParams) UnmarshalBCS(d *bcs.Decoder) {
	v.StoragePrice = d.U64()
	v.WritePrice = d.U64()
	v.NodeCapacity = d.U64()
}

// PendingValue is an entry of PendingValues.
type PendingValue struct {
	Epoch uint32
	Value uint64
}

func (p *PendingValue) MarshalBCS(e *bcs.Encoder) {
	e.U32(p.Epoch)
	e.U64(p.Value)
}

func (p *PendingValue) UnmarshalBCS(d *bcs.Decoder) {
	p.Epoch = d.U32()
	p.Value = d.U64()
}

// PendingValues is walrus::pending_values::PendingValues(VecMap<u32, u64>).
type PendingValues []PendingValue

func (p PendingValues) MarshalBCS(e *bcs.Encoder)    { putVec(e, []PendingValue(p)) }
func (p *PendingValues) UnmarshalBCS(d *bcs.Decoder) { *p = getVec[PendingValue](d, 12) }

// Get returns the value for epoch (0 if absent).
func (p PendingValues) Get(epoch uint32) uint64 {
	for _, v := range p {
		if v.Epoch == epoch {
			return v.Value
		}
	}
	return 0
}

// InsertOrAdd adds value to epoch's entry, appending it if absent (insert_or_add).
func (p *PendingValues) InsertOrAdd(epoch uint32, value uint64) {
	for i := range *p {
		if (*p)[i].Epoch == epoch {
			(*p)[i].Value += value
			return
		}
	}
	*p = append(*p, PendingValue{Epoch: epoch, Value: value})
}

// ExchangeRateKind is the variant of walrus::pool_exchange_rate::PoolExchangeRate.
type ExchangeRateKind uint8

const (
	ExchangeRateFlat     ExchangeRateKind = 0 // Flat: one to one
	ExchangeRateVariable ExchangeRateKind = 1 // Variable { wal_amount: u128, share_amount: u128 }
)

// PoolExchangeRate is walrus::pool_exchange_rate::PoolExchangeRate (module
// staking/exchange_rate.move); WalAmount and ShareAmount are meaningful (and encoded) only
// for ExchangeRateVariable.
type PoolExchangeRate struct {
	Kind        ExchangeRateKind
	WalAmount   U128
	ShareAmount U128
}

func (r *PoolExchangeRate) MarshalBCS(e *bcs.Encoder) {
	e.ULEB128(uint64(r.Kind))
	if r.Kind == ExchangeRateVariable {
		r.WalAmount.MarshalBCS(e)
		r.ShareAmount.MarshalBCS(e)
	}
}

func (r *PoolExchangeRate) UnmarshalBCS(d *bcs.Decoder) {
	*r = PoolExchangeRate{Kind: ExchangeRateKind(d.Tag(2))}
	if d.Err() == nil && r.Kind == ExchangeRateVariable {
		r.WalAmount.UnmarshalBCS(d)
		r.ShareAmount.UnmarshalBCS(d)
	}
}

// AuthorizedKind is the variant of walrus::auth::Authorized.
type AuthorizedKind uint8

const (
	AuthorizedAddress  AuthorizedKind = 0 // Address(address)
	AuthorizedObjectID AuthorizedKind = 1 // ObjectID(ID)
)

// Authorized is walrus::auth::Authorized: an address or an object (whose holder is
// authorized); both carry 32 bytes.
type Authorized struct {
	Kind AuthorizedKind
	ID   ID
}

func (a *Authorized) MarshalBCS(e *bcs.Encoder) {
	e.ULEB128(uint64(a.Kind))
	a.ID.MarshalBCS(e)
}

func (a *Authorized) UnmarshalBCS(d *bcs.Decoder) {
	a.Kind = AuthorizedKind(d.Tag(2))
	a.ID.UnmarshalBCS(d)
}

// NodeMetadata is walrus::node_metadata::NodeMetadata, the value of
// StorageNodeInfo.metadata.
type NodeMetadata struct {
	ImageURL    string
	ProjectURL  string
	Description string
	ExtraFields StringMap // VecMap<String, String>
}

func (m *NodeMetadata) MarshalBCS(e *bcs.Encoder) {
	e.String(m.ImageURL)
	e.String(m.ProjectURL)
	e.String(m.Description)
	m.ExtraFields.MarshalBCS(e)
}

func (m *NodeMetadata) UnmarshalBCS(d *bcs.Decoder) {
	m.ImageURL = getString(d)
	m.ProjectURL = getString(d)
	m.Description = getString(d)
	m.ExtraFields.UnmarshalBCS(d)
}

// StorageNodeInfo is walrus::storage_node::StorageNodeInfo.
type StorageNodeInfo struct {
	Name               string
	NodeID             ID
	NetworkAddress     string
	PublicKey          []byte        // Element<UncompressedG1>: 96 bytes
	NextEpochPublicKey *[]byte       // Option<Element<UncompressedG1>>
	NetworkPublicKey   []byte        // 33 bytes
	Metadata           ExtendedField // ExtendedField<NodeMetadata>: see NodeMetadataField
}

func (n *StorageNodeInfo) MarshalBCS(e *bcs.Encoder) {
	e.String(n.Name)
	n.NodeID.MarshalBCS(e)
	e.String(n.NetworkAddress)
	e.ByteVec(n.PublicKey)
	putOptBytes(e, n.NextEpochPublicKey)
	e.ByteVec(n.NetworkPublicKey)
	n.Metadata.MarshalBCS(e)
}

func (n *StorageNodeInfo) UnmarshalBCS(d *bcs.Decoder) {
	n.Name = getString(d)
	n.NodeID.UnmarshalBCS(d)
	n.NetworkAddress = getString(d)
	n.PublicKey = getBytes(d)
	n.NextEpochPublicKey = getOptBytes(d)
	n.NetworkPublicKey = getBytes(d)
	n.Metadata.UnmarshalBCS(d)
}

// StakingPool is walrus::staking_pool::StakingPool; its ID is the node ID.
type StakingPool struct {
	ID                    ID
	State                 PoolState
	VotingParams          VotingParams
	NodeInfo              StorageNodeInfo
	ActivationEpoch       uint32
	LatestEpoch           uint32
	WalBalance            uint64
	NumShares             uint64
	PendingSharesWithdraw PendingValues
	PreActiveWithdrawals  PendingValues
	PendingCommissionRate PendingValues
	CommissionRate        uint16 // basis points
	ExchangeRates         Table  // Table<u32, PoolExchangeRate>: see ExchangeRateField
	PendingStake          PendingValues
	RewardsPool           uint64 // Balance<WAL>
	Commission            uint64 // Balance<WAL>
	CommissionReceiver    Authorized
	GovernanceAuthorized  Authorized
	ExtraFields           Table // Bag: see BlockedCommissionField
}

func (p *StakingPool) MarshalBCS(e *bcs.Encoder) {
	p.ID.MarshalBCS(e)
	p.State.MarshalBCS(e)
	p.VotingParams.MarshalBCS(e)
	p.NodeInfo.MarshalBCS(e)
	e.U32(p.ActivationEpoch)
	e.U32(p.LatestEpoch)
	e.U64(p.WalBalance)
	e.U64(p.NumShares)
	p.PendingSharesWithdraw.MarshalBCS(e)
	p.PreActiveWithdrawals.MarshalBCS(e)
	p.PendingCommissionRate.MarshalBCS(e)
	e.U16(p.CommissionRate)
	p.ExchangeRates.MarshalBCS(e)
	p.PendingStake.MarshalBCS(e)
	e.U64(p.RewardsPool)
	e.U64(p.Commission)
	p.CommissionReceiver.MarshalBCS(e)
	p.GovernanceAuthorized.MarshalBCS(e)
	p.ExtraFields.MarshalBCS(e)
}

func (p *StakingPool) UnmarshalBCS(d *bcs.Decoder) {
	p.ID.UnmarshalBCS(d)
	p.State.UnmarshalBCS(d)
	p.VotingParams.UnmarshalBCS(d)
	p.NodeInfo.UnmarshalBCS(d)
	p.ActivationEpoch = d.U32()
	p.LatestEpoch = d.U32()
	p.WalBalance = d.U64()
	p.NumShares = d.U64()
	p.PendingSharesWithdraw.UnmarshalBCS(d)
	p.PreActiveWithdrawals.UnmarshalBCS(d)
	p.PendingCommissionRate.UnmarshalBCS(d)
	p.CommissionRate = d.U16()
	p.ExchangeRates.UnmarshalBCS(d)
	p.PendingStake.UnmarshalBCS(d)
	p.RewardsPool = d.U64()
	p.Commission = d.U64()
	p.CommissionReceiver.UnmarshalBCS(d)
	p.GovernanceAuthorized.UnmarshalBCS(d)
	p.ExtraFields.UnmarshalBCS(d)
}

// StorageNodeCap is walrus::storage_node::StorageNodeCap.
type StorageNodeCap struct {
	ID                       ID
	NodeID                   ID
	LastEpochSyncDone        uint32
	LastEventBlobAttestation *EventBlobAttestation // Option<EventBlobAttestation>
	DenyListRoot             U256
	DenyListSequence         uint64
	DenyListSize             uint64
}

func (c *StorageNodeCap) MarshalBCS(e *bcs.Encoder) {
	c.ID.MarshalBCS(e)
	c.NodeID.MarshalBCS(e)
	e.U32(c.LastEpochSyncDone)
	putOpt(e, c.LastEventBlobAttestation)
	c.DenyListRoot.MarshalBCS(e)
	e.U64(c.DenyListSequence)
	e.U64(c.DenyListSize)
}

func (c *StorageNodeCap) UnmarshalBCS(d *bcs.Decoder) {
	c.ID.UnmarshalBCS(d)
	c.NodeID.UnmarshalBCS(d)
	c.LastEpochSyncDone = d.U32()
	c.LastEventBlobAttestation = getOpt[EventBlobAttestation](d)
	c.DenyListRoot.UnmarshalBCS(d)
	c.DenyListSequence = d.U64()
	c.DenyListSize = d.U64()
}

// StakedWalStateKind is the variant of walrus::staked_wal::StakedWalState.
type StakedWalStateKind uint8

const (
	StakedWalStaked      StakedWalStateKind = 0 // Staked
	StakedWalWithdrawing StakedWalStateKind = 1 // Withdrawing { withdraw_epoch: u32 }
)

// StakedWalState is walrus::staked_wal::StakedWalState; WithdrawEpoch is meaningful (and
// encoded) only for StakedWalWithdrawing.
type StakedWalState struct {
	Kind          StakedWalStateKind
	WithdrawEpoch uint32
}

func (s *StakedWalState) MarshalBCS(e *bcs.Encoder) {
	e.ULEB128(uint64(s.Kind))
	if s.Kind == StakedWalWithdrawing {
		e.U32(s.WithdrawEpoch)
	}
}

func (s *StakedWalState) UnmarshalBCS(d *bcs.Decoder) {
	*s = StakedWalState{Kind: StakedWalStateKind(d.Tag(2))}
	if d.Err() == nil && s.Kind == StakedWalWithdrawing {
		s.WithdrawEpoch = d.U32()
	}
}

// StakedWal is walrus::staked_wal::StakedWal.
type StakedWal struct {
	ID              ID
	State           StakedWalState
	NodeID          ID
	Principal       uint64 // Balance<WAL>
	ActivationEpoch uint32
}

func (s *StakedWal) MarshalBCS(e *bcs.Encoder) {
	s.ID.MarshalBCS(e)
	s.State.MarshalBCS(e)
	s.NodeID.MarshalBCS(e)
	e.U64(s.Principal)
	e.U32(s.ActivationEpoch)
}

func (s *StakedWal) UnmarshalBCS(d *bcs.Decoder) {
	s.ID.UnmarshalBCS(d)
	s.State.UnmarshalBCS(d)
	s.NodeID.UnmarshalBCS(d)
	s.Principal = d.U64()
	s.ActivationEpoch = d.U32()
}

// IsWithdrawing reports whether a withdrawal has been requested.
func (s *StakedWal) IsWithdrawing() bool { return s.State.Kind == StakedWalWithdrawing }
