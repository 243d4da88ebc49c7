package walrus

import (
	"slices"

	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/internal/bcs"
)

// SystemVersion is walrus::system::VERSION at the source commit: the dynamic-field name
// of the System's inner state.
const SystemVersion = 4

// StakingVersion is walrus::staking::VERSION at the source commit.
const StakingVersion = 4

// System is walrus::system::System, the shared system object. Its inner state is the
// dynamic field SystemStateField of ID named by Version.
type System struct {
	ID           ID
	Version      uint64
	PackageID    ID
	NewPackageID *ID // Option<ID>
}

func (s *System) MarshalBCS(e *bcs.Encoder) {
	s.ID.MarshalBCS(e)
	e.U64(s.Version)
	s.PackageID.MarshalBCS(e)
	putOpt(e, s.NewPackageID)
}

func (s *System) UnmarshalBCS(d *bcs.Decoder) {
	s.ID.UnmarshalBCS(d)
	s.Version = d.U64()
	s.PackageID.UnmarshalBCS(d)
	s.NewPackageID = getOpt[ID](d)
}

// SystemStateInnerV1 is walrus::system_state_inner::SystemStateInnerV1.
type SystemStateInnerV1 struct {
	Committee                   BlsCommittee
	TotalCapacitySize           uint64
	UsedCapacitySize            uint64
	StoragePricePerUnitSize     uint64
	WritePricePerUnitSize       uint64
	FutureAccounting            FutureAccountingRingBuffer
	EventBlobCertificationState EventBlobCertificationState
	DenyListSizes               ExtendedField // ExtendedField<VecMap<ID, u64>>: see DenyListSizesField
}

func (s *SystemStateInnerV1) MarshalBCS(e *bcs.Encoder) {
	s.Committee.MarshalBCS(e)
	e.U64(s.TotalCapacitySize)
	e.U64(s.UsedCapacitySize)
	e.U64(s.StoragePricePerUnitSize)
	e.U64(s.WritePricePerUnitSize)
	s.FutureAccounting.MarshalBCS(e)
	s.EventBlobCertificationState.MarshalBCS(e)
	s.DenyListSizes.MarshalBCS(e)
}

func (s *SystemStateInnerV1) UnmarshalBCS(d *bcs.Decoder) {
	s.Committee.UnmarshalBCS(d)
	s.TotalCapacitySize = d.U64()
	s.UsedCapacitySize = d.U64()
	s.StoragePricePerUnitSize = d.U64()
	s.WritePricePerUnitSize = d.U64()
	s.FutureAccounting.UnmarshalBCS(d)
	s.EventBlobCertificationState.UnmarshalBCS(d)
	s.DenyListSizes.UnmarshalBCS(d)
}

// Epoch is the current epoch (the committee's).
func (s *SystemStateInnerV1) Epoch() uint32 { return s.Committee.Epoch }

// BlsCommitteeMember is walrus::bls_aggregate::BlsCommitteeMember.
type BlsCommitteeMember struct {
	PublicKey []byte // Element<UncompressedG1>: 96 bytes
	Weight    uint16 // number of shards
	NodeID    ID
}

func (m *BlsCommitteeMember) MarshalBCS(e *bcs.Encoder) {
	e.ByteVec(m.PublicKey)
	e.U16(m.Weight)
	m.NodeID.MarshalBCS(e)
}

func (m *BlsCommitteeMember) UnmarshalBCS(d *bcs.Decoder) {
	m.PublicKey = getBytes(d)
	m.Weight = d.U16()
	m.NodeID.UnmarshalBCS(d)
}

// BlsCommittee is walrus::bls_aggregate::BlsCommittee. Members are in node-ID order (the
// order of the staking Committee they are built from); signer bitmaps index this vector.
type BlsCommittee struct {
	Members            []BlsCommitteeMember
	NShards            uint16
	Epoch              uint32
	TotalAggregatedKey []byte // Element<G1>: 48 bytes
}

func (c *BlsCommittee) MarshalBCS(e *bcs.Encoder) {
	putVec(e, c.Members)
	e.U16(c.NShards)
	e.U32(c.Epoch)
	e.ByteVec(c.TotalAggregatedKey)
}

func (c *BlsCommittee) UnmarshalBCS(d *bcs.Decoder) {
	c.Members = getVec[BlsCommitteeMember](d, 1+2+32)
	c.NShards = d.U16()
	c.Epoch = d.U32()
	c.TotalAggregatedKey = getBytes(d)
}

// TotalWeight is the sum of the members' weights (equal to NShards on chain).
func (c *BlsCommittee) TotalWeight() uint64 {
	var w uint64
	for _, m := range c.Members {
		w += uint64(m.Weight)
	}
	return w
}

// MemberIndex returns the index of nodeID in Members (its bit in a signers bitmap).
func (c *BlsCommittee) MemberIndex(nodeID ID) (int, bool) {
	for i := range c.Members {
		if c.Members[i].NodeID == nodeID {
			return i, true
		}
	}
	return -1, false
}

// IsSortedByNodeID reports whether the members are in the on-chain (node-ID) order.
func (c *BlsCommittee) IsSortedByNodeID() bool {
	return slices.IsSortedFunc(c.Members, func(a, b BlsCommitteeMember) int { return a.NodeID.Compare(b.NodeID) })
}

// SortByNodeID puts the members in the on-chain (node-ID) order.
func (c *BlsCommittee) SortByNodeID() {
	slices.SortStableFunc(c.Members, func(a, b BlsCommitteeMember) int { return a.NodeID.Compare(b.NodeID) })
}

// IsQuorum reports whether weight is a quorum of the committee (bls_aggregate::is_quorum).
func (c *BlsCommittee) IsQuorum(weight uint64) bool { return IsQuorum(weight, uint64(c.NShards)) }

// IncludesOneCorrect reports whether weight must include a correct node
// (bls_aggregate::includes_one_correct_node).
func (c *BlsCommittee) IncludesOneCorrect(weight uint64) bool {
	return IsOneCorrect(weight, uint64(c.NShards))
}

// IsQuorum reports whether weight shards out of nShards form a quorum: 3w >= 2n+1.
func IsQuorum(weight, nShards uint64) bool { return 3*weight >= 2*nShards+1 }

// IsOneCorrect reports whether weight shards out of nShards include at least one correct
// node: 3w >= n+1.
func IsOneCorrect(weight, nShards uint64) bool { return 3*weight >= nShards+1 }

// FutureAccounting is walrus::storage_accounting::FutureAccounting.
type FutureAccounting struct {
	Epoch               uint32
	UsedCapacity        uint64
	RewardsToDistribute uint64 // Balance<WAL>
}

func (f *FutureAccounting) MarshalBCS(e *bcs.Encoder) {
	e.U32(f.Epoch)
	e.U64(f.UsedCapacity)
	e.U64(f.RewardsToDistribute)
}

func (f *FutureAccounting) UnmarshalBCS(d *bcs.Decoder) {
	f.Epoch = d.U32()
	f.UsedCapacity = d.U64()
	f.RewardsToDistribute = d.U64()
}

// FutureAccountingRingBuffer is walrus::storage_accounting::FutureAccountingRingBuffer.
// Length is max_epochs_ahead; entry (CurrentIndex + i) mod Length is for epoch now + i.
type FutureAccountingRingBuffer struct {
	CurrentIndex uint32
	Length       uint32
	RingBuffer   []FutureAccounting
}

func (r *FutureAccountingRingBuffer) MarshalBCS(e *bcs.Encoder) {
	e.U32(r.CurrentIndex)
	e.U32(r.Length)
	putVec(e, r.RingBuffer)
}

func (r *FutureAccountingRingBuffer) UnmarshalBCS(d *bcs.Decoder) {
	r.CurrentIndex = d.U32()
	r.Length = d.U32()
	r.RingBuffer = getVec[FutureAccounting](d, 20)
}

// EventBlobAttestation is walrus::event_blob::EventBlobAttestation.
type EventBlobAttestation struct {
	CheckpointSequenceNum uint64
	Epoch                 uint32
}

func (a *EventBlobAttestation) MarshalBCS(e *bcs.Encoder) {
	e.U64(a.CheckpointSequenceNum)
	e.U32(a.Epoch)
}

func (a *EventBlobAttestation) UnmarshalBCS(d *bcs.Decoder) {
	a.CheckpointSequenceNum = d.U64()
	a.Epoch = d.U32()
}

// EventBlob is walrus::event_blob::EventBlob.
type EventBlob struct {
	BlobID                         encoding.BlobID // u256
	EndingCheckpointSequenceNumber uint64
}

func (b *EventBlob) MarshalBCS(e *bcs.Encoder) {
	putBlobID(e, &b.BlobID)
	e.U64(b.EndingCheckpointSequenceNumber)
}

func (b *EventBlob) UnmarshalBCS(d *bcs.Decoder) {
	getBlobID(d, &b.BlobID)
	b.EndingCheckpointSequenceNumber = d.U64()
}

// EventBlobWeight is an entry of VecMap<EventBlob, u16>.
type EventBlobWeight struct {
	Blob   EventBlob
	Weight uint16
}

func (w *EventBlobWeight) MarshalBCS(e *bcs.Encoder) {
	w.Blob.MarshalBCS(e)
	e.U16(w.Weight)
}

func (w *EventBlobWeight) UnmarshalBCS(d *bcs.Decoder) {
	w.Blob.UnmarshalBCS(d)
	w.Weight = d.U16()
}

// EventBlobCertificationState is walrus::event_blob::EventBlobCertificationState.
type EventBlobCertificationState struct {
	LatestCertifiedBlob    *EventBlob        // Option<EventBlob>
	AggregateWeightPerBlob []EventBlobWeight // VecMap<EventBlob, u16>
}

func (s *EventBlobCertificationState) MarshalBCS(e *bcs.Encoder) {
	putOpt(e, s.LatestCertifiedBlob)
	putVec(e, s.AggregateWeightPerBlob)
}

func (s *EventBlobCertificationState) UnmarshalBCS(d *bcs.Decoder) {
	s.LatestCertifiedBlob = getOpt[EventBlob](d)
	s.AggregateWeightPerBlob = getVec[EventBlobWeight](d, 42)
}

// EpochParams is walrus::epoch_parameters::EpochParams.
type EpochParams struct {
	TotalCapacitySize       uint64
	StoragePricePerUnitSize uint64
	WritePricePerUnitSize   uint64
}

func (p *EpochParams) MarshalBCS(e *bcs.Encoder) {
	e.U64(p.TotalCapacitySize)
	e.U64(p.StoragePricePerUnitSize)
	e.U64(p.WritePricePerUnitSize)
}

func (p *EpochParams) UnmarshalBCS(d *bcs.Decoder) {
	p.TotalCapacitySize = d.U64()
	p.StoragePricePerUnitSize = d.U64()
	p.WritePricePerUnitSize = d.U64()
}

// DenyListSize is an entry of VecMap<ID, u64>.
type DenyListSize struct {
	NodeID ID
	Size   uint64
}

func (s *DenyListSize) MarshalBCS(e *bcs.Encoder) {
	s.NodeID.MarshalBCS(e)
	e.U64(s.Size)
}

func (s *DenyListSize) UnmarshalBCS(d *bcs.Decoder) {
	s.NodeID.UnmarshalBCS(d)
	s.Size = d.U64()
}

// DenyListSizes is the VecMap<ID, u64> behind SystemStateInnerV1.deny_list_sizes.
type DenyListSizes []DenyListSize

func (s DenyListSizes) MarshalBCS(e *bcs.Encoder)    { putVec(e, []DenyListSize(s)) }
func (s *DenyListSizes) UnmarshalBCS(d *bcs.Decoder) { *s = getVec[DenyListSize](d, 40) }
