package contract

import (
	"fmt"
	"slices"

	"github.com/tuskstore/tusk/chain/walrus"
)

// TxContext is what the transaction executor provides to the System functions: the
// sender, the Sui epoch, a source of fresh object IDs (one per object created, in
// creation order, as Sui's TxContext::fresh_id) and the sink of the events, appended in
// order. The functions call NewID and Emit only once they cannot abort any more, so a
// failed call creates no ID and emits nothing.
type TxContext struct {
	Sender walrus.ID
	Epoch  uint32
	NewID  func() walrus.ID
	Emit   func(walrus.Event)
}

func (ctx *TxContext) newID() walrus.ID {
	if ctx == nil || ctx.NewID == nil {
		panic("contract: TxContext.NewID is required to create objects")
	}
	return ctx.NewID()
}

func (ctx *TxContext) emit(ev walrus.Event) {
	if ctx != nil && ctx.Emit != nil {
		ctx.Emit(ev)
	}
}

// Coin is a Coin<WAL>: its object ID and its balance in FROST (a Balance<WAL> is a u64).
// The System functions take payments out of it with sui::balance::split, which aborts
// with ErrNotEnough when the value is short.
type Coin struct {
	ID    walrus.ID
	Value uint64
}

// SystemState is the shared System object with what hangs off it: its inner state (the
// dynamic field named by System.Version) and the VecMap<ID, u64> behind the inner state's
// deny_list_sizes ExtendedField. It is the state the functions of this package read and
// change; a function that fails leaves it unchanged.
type SystemState struct {
	System        walrus.System
	Inner         walrus.SystemStateInnerV1
	DenyListSizes walrus.DenyListSizes
}

// CheckVersion is the check of system.move inner and inner_mut, which every System
// function makes first: the System must be at the package's VERSION (ErrSystemWrongVersion).
// The accessors below do not check it; the executor calls CheckVersion before them to
// reproduce the abort of Move's accessors on a System of another version.
func (s *SystemState) CheckVersion() error {
	if s.System.Version != walrus.SystemVersion {
		return ErrSystemWrongVersion.with("System at version %d, package at %d", s.System.Version, walrus.SystemVersion)
	}
	return nil
}

// Epoch is system::epoch: the current epoch, the committee's.
func (s *SystemState) Epoch() uint32 { return s.Inner.Committee.Epoch }

// TotalCapacitySize is system::total_capacity_size, in encoded bytes.
func (s *SystemState) TotalCapacitySize() uint64 { return s.Inner.TotalCapacitySize }

// UsedCapacitySize is system::used_capacity_size: the encoded bytes reserved for the
// current epoch.
func (s *SystemState) UsedCapacitySize() uint64 { return s.Inner.UsedCapacitySize }

// NShards is system::n_shards: the committee's shard count.
func (s *SystemState) NShards() uint16 { return s.Inner.Committee.NShards }

// StoragePricePerUnitSize is system::storage_price_per_unit_size: FROST per MiB of
// encoded size per epoch.
func (s *SystemState) StoragePricePerUnitSize() uint64 { return s.Inner.StoragePricePerUnitSize }

// WritePricePerUnitSize is system::write_price_per_unit_size: FROST per MiB written.
func (s *SystemState) WritePricePerUnitSize() uint64 { return s.Inner.WritePricePerUnitSize }

// MaxEpochsAhead is how far ahead storage can be bought: the future-accounting ring
// buffer's length.
func (s *SystemState) MaxEpochsAhead() uint32 { return s.Inner.FutureAccounting.Length }

// FutureAccounting is system::future_accounting (read-only: do not modify the result).
func (s *SystemState) FutureAccounting() *walrus.FutureAccountingRingBuffer {
	return &s.Inner.FutureAccounting
}

// Committee is the current BLS committee (read-only: do not modify the result).
func (s *SystemState) Committee() *walrus.BlsCommittee { return &s.Inner.Committee }

// UsedCapacityAt is system_state_inner::used_capacity_size_at_future_epoch: the encoded
// bytes reserved epochsAhead epochs from now (ErrTooFarInFuture past max_epochs_ahead).
func (s *SystemState) UsedCapacityAt(epochsAhead uint32) (uint64, error) {
	a, err := RingLookup(&s.Inner.FutureAccounting, epochsAhead)
	return a.UsedCapacity, err
}

// RewardsAt is the rewards to distribute epochsAhead epochs from now, in FROST
// (ErrTooFarInFuture past max_epochs_ahead).
func (s *SystemState) RewardsAt(epochsAhead uint32) (uint64, error) {
	a, err := RingLookup(&s.Inner.FutureAccounting, epochsAhead)
	return a.RewardsToDistribute, err
}

// WritePrice is system_state_inner::write_price: the write price of writeSize encoded
// bytes (ErrArithmetic on u64 overflow).
func (s *SystemState) WritePrice(writeSize uint64) (uint64, error) {
	return writePrice(&s.Inner, writeSize)
}

func writePrice(in *walrus.SystemStateInnerV1, writeSize uint64) (uint64, error) {
	return mulU64("walrus::system_state_inner::write_price", in.WritePricePerUnitSize, StorageUnitsFromSize(writeSize))
}

// Clone returns a deep copy of s.
func (s *SystemState) Clone() *SystemState {
	c := &SystemState{System: s.System, Inner: cloneInner(&s.Inner), DenyListSizes: slices.Clone(s.DenyListSizes)}
	if s.System.NewPackageID != nil {
		id := *s.System.NewPackageID
		c.System.NewPackageID = &id
	}
	return c
}

// cloneInner copies the inner state deeply enough that the functions of this package can
// change the copy without touching the original.
func cloneInner(in *walrus.SystemStateInnerV1) walrus.SystemStateInnerV1 {
	out := *in
	out.Committee.Members = slices.Clone(in.Committee.Members)
	for i := range out.Committee.Members {
		out.Committee.Members[i].PublicKey = slices.Clone(in.Committee.Members[i].PublicKey)
	}
	out.Committee.TotalAggregatedKey = slices.Clone(in.Committee.TotalAggregatedKey)
	out.FutureAccounting.RingBuffer = slices.Clone(in.FutureAccounting.RingBuffer)
	if in.EventBlobCertificationState.LatestCertifiedBlob != nil {
		b := *in.EventBlobCertificationState.LatestCertifiedBlob
		out.EventBlobCertificationState.LatestCertifiedBlob = &b
	}
	out.EventBlobCertificationState.AggregateWeightPerBlob = slices.Clone(in.EventBlobCertificationState.AggregateWeightPerBlob)
	return out
}

// workingRing returns a copy of the inner state whose ring buffer can be changed without
// touching s (the committee and the rest are shared and must not be changed).
func (s *SystemState) workingRing() walrus.SystemStateInnerV1 {
	w := s.Inner
	w.FutureAccounting.RingBuffer = slices.Clone(s.Inner.FutureAccounting.RingBuffer)
	return w
}

func mulU64(where string, a, b uint64) (uint64, error) {
	if a != 0 && b > ^uint64(0)/a {
		return 0, arithmetic(where, "%d * %d overflows u64", a, b)
	}
	return a * b, nil
}

func errVector(where, format string, args ...any) error {
	return fmt.Errorf("%w in %s: %s", ErrVectorOperation, where, fmt.Sprintf(format, args...))
}

// GenesisSystemParams are the parts of the genesis System that GenesisConfig does not
// hold: the IDs of the objects the genesis transaction creates, and the epoch.
type GenesisSystemParams struct {
	// SystemID is the System object's ID.
	SystemID walrus.ID
	// PackageID is the Walrus package (System.package_id).
	PackageID walrus.ID
	// DenyListSizesID is the UID of the inner state's deny_list_sizes ExtendedField.
	DenyListSizesID walrus.ID
	// Epoch is the epoch of the first committee. Move creates the System at epoch 0 with
	// an empty committee and reaches epoch 1, with the committee the first voting_end
	// selected, at the first epoch change; Epoch 1 gives that state (with the genesis
	// prices and capacity), Epoch 0 the committee in epoch 0.
	Epoch uint32
}

// NewGenesisSystem builds the System and its SystemStateInnerV1 for a genesis: what
// system::create_empty creates (system_state_inner::create_empty: an empty event-blob
// state and deny-list map, a ring buffer of max_epochs_ahead entries) with the first
// committee, prices and capacity in place, as the devnet starts:
//
//   - the BlsCommittee (staking_inner::next_bls_committee, bls_aggregate::new_bls_committee)
//     of g.Committee: its members in node-ID order, each with its uncompressed BLS key
//     and a weight of its shard count, and total_aggregated_key the sum of the keys;
//   - total_capacity_size, storage_price_per_unit_size and write_price_per_unit_size
//     from cfg.Capacity, cfg.StoragePrice and cfg.WritePrice; no used capacity;
//   - the ring buffer as ring_new(max_epochs_ahead) and one ring_pop_expand per epoch
//     up to p.Epoch leave it.
//
// g must be cfg.Genesis(...) (the node IDs index cfg.Nodes). Errors:
// ErrInvalidMaxEpochsAhead if cfg.MaxEpochsAhead exceeds MaxMaxEpochsAhead (as
// create_empty), an error for a committee member that is not a genesis node or whose
// key is invalid, and NewBlsCommittee's errors.
func NewGenesisSystem(cfg GenesisConfig, g *Genesis, p GenesisSystemParams) (*SystemState, error) {
	if cfg.MaxEpochsAhead > MaxMaxEpochsAhead {
		return nil, ErrInvalidMaxEpochsAhead.with("max_epochs_ahead %d, at most %d", cfg.MaxEpochsAhead, MaxMaxEpochsAhead)
	}
	if p.Epoch > ^uint32(0)-cfg.MaxEpochsAhead {
		return nil, fmt.Errorf("contract: genesis epoch %d is too large", p.Epoch)
	}
	byID := make(map[walrus.ID]int, len(g.NodeIDs))
	for i, id := range g.NodeIDs {
		byID[id] = i
	}
	sorted := slices.Clone(g.Committee)
	sorted.SortByNodeID() // the on-chain order (it is already sorted)
	members := make([]walrus.BlsCommitteeMember, 0, len(sorted))
	for _, e := range sorted {
		i, ok := byID[e.NodeID]
		if !ok || i >= len(cfg.Nodes) {
			return nil, fmt.Errorf("contract: committee member %s is not a genesis node", e.NodeID)
		}
		pk, err := cfg.Nodes[i].BLSPublicKeyBytes()
		if err != nil {
			return nil, fmt.Errorf("contract: nodes[%d]: %w", i, err)
		}
		upk, err := G1ToUncompressedG1(pk)
		if err != nil {
			return nil, fmt.Errorf("contract: nodes[%d].bls_public_key: %w", i, err)
		}
		if len(e.Shards) > 0xffff {
			return nil, arithmetic("walrus::staking_inner::next_bls_committee", "%d shards do not fit in u16", len(e.Shards))
		}
		members = append(members, walrus.BlsCommitteeMember{PublicKey: upk, Weight: uint16(len(e.Shards)), NodeID: e.NodeID})
	}
	committee, err := NewBlsCommittee(p.Epoch, members)
	if err != nil {
		return nil, err
	}
	return &SystemState{
		System: walrus.System{ID: p.SystemID, Version: walrus.SystemVersion, PackageID: p.PackageID},
		Inner: walrus.SystemStateInnerV1{
			Committee:               committee,
			TotalCapacitySize:       cfg.Capacity,
			StoragePricePerUnitSize: cfg.StoragePrice,
			WritePricePerUnitSize:   cfg.WritePrice,
			FutureAccounting:        ringFor(cfg.MaxEpochsAhead, p.Epoch),
			DenyListSizes:           walrus.ExtendedField{ID: p.DenyListSizesID},
		},
	}, nil
}
