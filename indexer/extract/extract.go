// Package extract turns Sui checkpoints into the rows of the indexer's Walrus tables:
// the Walrus events (matched by the Walrus package's original ID, which event and
// object types keep across upgrades) with their BCS and decoded JSON, the Blob objects
// and their owners, deletions and wraps, blob attributes, the System and Staking inner
// states (epochs, prices, capacity, committees), the staking pools (nodes, stake) and
// the rewards derived from the pools at each epoch change. It does no I/O.
//
// An Extractor must see checkpoints in order. It keeps the last state of every staking
// pool, the current Walrus epoch and shard count; after a restart it is given the state
// as of the last committed checkpoint (see State).
package extract

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync/atomic"

	"go.uber.org/zap"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/chain/sui"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/indexer/rewards"
	"github.com/tuskstore/tusk/internal/bcs"
)

// ErrDecode is matched by the error for a Walrus object or event whose BCS does not
// decode: the chain and this binary disagree about the Walrus types, which is not
// something ingestion can skip.
var ErrDecode = errors.New("extract: undecodable Walrus data")

// PoolState is the last seen state of a staking pool.
type PoolState struct {
	Version uint64
	Pool    *walrus.StakingPool
}

// State is what an Extractor remembers between checkpoints.
type State struct {
	Pools map[walrus.ID]PoolState
	// Epoch is the current Walrus epoch, if HasEpoch.
	Epoch    uint32
	HasEpoch bool
	// NShards is the committee's shard count (0 if unknown).
	NShards uint16
}

// Stats counts what the extractor skipped; all fields only grow.
type Stats struct {
	// RewardsUnknownPrev: pools paid at an epoch change whose previous state was not
	// seen (indexing started after it) — no reward row.
	RewardsUnknownPrev uint64
	// RewardsMismatch: pool states that did not bracket one advance_epoch.
	RewardsMismatch uint64
}

// Extractor turns checkpoints into Rows.
type Extractor struct {
	pkg    walrus.ID
	state  State
	params map[uint16]*encoding.Params
	log    *zap.Logger

	rewardsUnknownPrev, rewardsMismatch atomic.Uint64
}

// New returns an extractor for the Walrus package with original ID pkg, starting from
// state (nil: nothing known).
func New(pkg walrus.ID, state *State, log *zap.Logger) *Extractor {
	x := &Extractor{pkg: pkg, params: map[uint16]*encoding.Params{}, log: log.Named("extract")}
	if state != nil {
		x.state = *state
	}
	if x.state.Pools == nil {
		x.state.Pools = map[walrus.ID]PoolState{}
	}
	return x
}

// Stats returns the counters; it may be called concurrently with Process.
func (x *Extractor) Stats() Stats {
	return Stats{RewardsUnknownPrev: x.rewardsUnknownPrev.Load(), RewardsMismatch: x.rewardsMismatch.Load()}
}

// Package is the Walrus package ID the extractor matches.
func (x *Extractor) Package() walrus.ID { return x.pkg }

var addr2 = walrus.MustParseID("0x2")

// objectKind classifies the Move objects the indexer follows.
type objectKind uint8

const (
	objOther objectKind = iota
	objBlob
	objSharedBlob
	objBlobAttributes
	objStakingPool
	objNodeMetadata
	objStakingInner
	objSystemInner
)

func (x *Extractor) isWalrus(t *sui.TypeTag, module, name string) bool {
	return t.Kind == sui.TypeStruct && t.Struct != nil && x.isWalrusStruct(t.Struct, module, name)
}

func (x *Extractor) isWalrusStruct(s *sui.StructTag, module, name string) bool {
	return s.Address == x.pkg && s.Module == module && s.Name == name && len(s.TypeParams) == 0
}

func (x *Extractor) classify(o *sui.Object) objectKind {
	if o.Data.Kind != sui.DataMove || o.Data.Move.Type.Kind != sui.MoveTypeOther || o.Data.Move.Type.Struct == nil {
		return objOther
	}
	s := o.Data.Move.Type.Struct
	if s.Address == x.pkg {
		switch {
		case x.isWalrusStruct(s, "blob", "Blob"):
			return objBlob
		case x.isWalrusStruct(s, "shared_blob", "SharedBlob"):
			return objSharedBlob
		case x.isWalrusStruct(s, "staking_pool", "StakingPool"):
			return objStakingPool
		}
		return objOther
	}
	if s.Address != addr2 || s.Module != "dynamic_field" || s.Name != "Field" || len(s.TypeParams) != 2 {
		return objOther
	}
	key, val := &s.TypeParams[0], &s.TypeParams[1]
	switch {
	case key.Kind == sui.TypeVector && key.Elem != nil && key.Elem.Kind == sui.TypeU8 && x.isWalrus(val, "metadata", "Metadata"):
		return objBlobAttributes
	case key.Kind == sui.TypeU64 && x.isWalrus(val, "staking_inner", "StakingInnerV1"):
		return objStakingInner
	case key.Kind == sui.TypeU64 && x.isWalrus(val, "system_state_inner", "SystemStateInnerV1"):
		return objSystemInner
	case x.isWalrus(key, "extended_field", "Key") && x.isWalrus(val, "node_metadata", "NodeMetadata"):
		return objNodeMetadata
	}
	return objOther
}

// txContext is what processing one transaction needs.
type txContext struct {
	cp       *chain.Checkpoint
	tx       *chain.Transaction
	index    uint32
	epochNew *uint32 // the epoch an EpochChangeStart of this transaction started
}

// Process turns the checkpoint into rows. An error (ErrDecode) means the checkpoint
// cannot be indexed; the extractor's state is then unspecified.
func (x *Extractor) Process(cp *chain.Checkpoint) (*Rows, error) {
	if cp.Sequence > math.MaxInt64 || cp.TimestampMs > math.MaxInt64 || cp.Epoch > math.MaxInt64 {
		return nil, fmt.Errorf("extract: checkpoint %d: sequence, epoch or timestamp out of range", cp.Sequence)
	}
	rows := &Rows{Checkpoint: cp.Sequence, Epoch: cp.Epoch, TimestampMs: cp.TimestampMs}
	events, err := cp.WalrusEvents(x.pkg)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrDecode, err)
	}
	next := 0 // next event of events to place
	for ti := range cp.Transactions {
		tx := &cp.Transactions[ti]
		if !tx.Succeeded() {
			continue
		}
		tc := &txContext{cp: cp, tx: tx, index: uint32(ti)}
		for next < len(events) && events[next].Position.TxIndex == uint32(ti) {
			if err := x.event(rows, tc, &events[next]); err != nil {
				return nil, err
			}
			next++
		}
		x.gone(rows, tc)
		var paid []rewards.Reward
		for _, o := range tx.Objects {
			r, err := x.object(rows, tc, o)
			if err != nil {
				return nil, fmt.Errorf("%w: checkpoint %d, transaction %s: %w", ErrDecode, cp.Sequence, tx.Digest, err)
			}
			if r != nil {
				paid = append(paid, *r)
			}
		}
		if err := x.derivedEvents(rows, tc, paid); err != nil {
			return nil, err
		}
	}
	for i := range rows.Events {
		rows.Events[i].Index = uint32(i)
	}
	return rows, nil
}

// event records a Walrus event and what it says about epochs and invalid blobs.
func (x *Extractor) event(rows *Rows, tc *txContext, we *chain.WalrusEvent) error {
	data, err := JSON(we.Event)
	if err != nil {
		return fmt.Errorf("%w: event %s: %w", ErrDecode, we.Position, err)
	}
	ei := we.Position.EventIndex
	ev := Event{
		Checkpoint: tc.cp.Sequence, TxDigest: we.TxDigest, TxIndex: tc.index, EventIndex: &ei,
		TimestampMs: we.TimestampMs, Name: walrus.EventTypeName(we.Event), Type: we.Type.String(),
		BCS: we.Contents, JSON: data,
	}
	mark := func(epoch uint32) EpochMark {
		return EpochMark{Epoch: epoch, Checkpoint: tc.cp.Sequence, TimestampMs: tc.cp.TimestampMs}
	}
	blob := func(id encoding.BlobID, obj *walrus.ID) { ev.BlobID, ev.ObjectID = &id, obj }
	switch e := we.Event.(type) {
	case *walrus.BlobRegistered:
		blob(e.BlobID, &e.ObjectID)
	case *walrus.BlobCertified:
		blob(e.BlobID, &e.ObjectID)
	case *walrus.BlobDeleted:
		blob(e.BlobID, &e.ObjectID)
	case *walrus.InvalidBlobID:
		blob(e.BlobID, nil)
		rows.Invalid = append(rows.Invalid, InvalidBlob{BlobID: e.BlobID, Epoch: e.Epoch, Checkpoint: tc.cp.Sequence, TxDigest: we.TxDigest})
	case *walrus.DenyListBlobDeleted:
		blob(e.BlobID, nil)
	case *walrus.PooledBlobRegistered:
		blob(e.BlobID, &e.ObjectID)
	case *walrus.PooledBlobCertified:
		blob(e.BlobID, &e.ObjectID)
	case *walrus.PooledBlobDeleted:
		blob(e.BlobID, &e.ObjectID)
	case *walrus.StoragePoolCreated:
		ev.ObjectID = &e.StoragePoolID
	case *walrus.StoragePoolExtended:
		ev.ObjectID = &e.StoragePoolID
	case *walrus.RegisterDenyListUpdate:
		ev.NodeID = &e.NodeID
	case *walrus.DenyListUpdate:
		ev.NodeID = &e.NodeID
	case *walrus.EpochChangeStart:
		rows.EpochStarts = append(rows.EpochStarts, mark(e.Epoch))
		epoch := e.Epoch
		tc.epochNew = &epoch
		x.state.Epoch, x.state.HasEpoch = e.Epoch, true
	case *walrus.EpochChangeDone:
		rows.EpochSyncDone = append(rows.EpochSyncDone, mark(e.Epoch))
	case *walrus.EpochParametersSelected:
		rows.ParamsSelected = append(rows.ParamsSelected, mark(e.NextEpoch))
	}
	rows.Events = append(rows.Events, ev)
	return nil
}

// gone records the objects the transaction deleted or wrapped.
func (x *Extractor) gone(rows *Rows, tc *txContext) {
	if tc.tx.Effects == nil {
		return
	}
	for _, ch := range tc.tx.Effects.ObjectChanges() {
		switch ch.Kind {
		case sui.ChangeDeleted, sui.ChangeUnwrappedThenDeleted:
			rows.Gone = append(rows.Gone, Gone{Checkpoint: tc.cp.Sequence, ObjectID: ch.ID, Version: ch.Version, Deleted: true})
		case sui.ChangeWrapped:
			rows.Gone = append(rows.Gone, Gone{Checkpoint: tc.cp.Sequence, ObjectID: ch.ID, Version: ch.Version})
		}
	}
}

// object records an object the transaction wrote, if it is one the indexer follows. It
// returns the reward derived for a staking pool paid by an epoch change.
func (x *Extractor) object(rows *Rows, tc *txContext, o *sui.Object) (*rewards.Reward, error) {
	kind := x.classify(o)
	if kind == objOther {
		return nil, nil
	}
	id, _ := o.ID()
	version := o.Version()
	if version > math.MaxInt64 {
		return nil, fmt.Errorf("object %s: version %d out of range", id, version)
	}
	contents := o.Data.Move.Contents
	decode := func(v bcs.Unmarshaler, what string) error {
		if err := bcs.Unmarshal(contents, v); err != nil {
			return fmt.Errorf("%s %s: %w", what, id, err)
		}
		return nil
	}
	switch kind {
	case objBlob:
		var b walrus.Blob
		if err := decode(&b, "Blob"); err != nil {
			return nil, err
		}
		kind, owner := ownerOf(&o.Owner)
		x.blob(rows, tc, &b, version, kind, owner)
	case objSharedBlob:
		var sb walrus.SharedBlob
		if err := decode(&sb, "SharedBlob"); err != nil {
			return nil, err
		}
		x.blob(rows, tc, &sb.Blob, version, OwnerShared, &sb.ID)
	case objBlobAttributes:
		var f walrus.BlobMetadataField
		if err := decode(&f, "blob metadata"); err != nil {
			return nil, err
		}
		if o.Owner.Kind != sui.OwnerObject {
			return nil, nil // not a blob's field
		}
		data, err := StringMapJSON(f.Value.Metadata)
		if err != nil {
			return nil, err
		}
		rows.Attributes = append(rows.Attributes, AttributesWrite{Checkpoint: tc.cp.Sequence, FieldID: id, BlobObject: o.Owner.Address, Version: version, JSON: data})
	case objNodeMetadata:
		var f walrus.NodeMetadataField
		if err := decode(&f, "node metadata"); err != nil {
			return nil, err
		}
		if o.Owner.Kind != sui.OwnerObject {
			return nil, nil
		}
		data, err := NodeMetadataJSON(&f.Value)
		if err != nil {
			return nil, err
		}
		rows.NodeMetadata = append(rows.NodeMetadata, NodeMetadataWrite{Owner: o.Owner.Address, Version: version, JSON: data})
	case objStakingInner:
		var f walrus.StakingStateField
		if err := decode(&f, "Staking inner state"); err != nil {
			return nil, err
		}
		s := &f.Value
		rows.Stakings = append(rows.Stakings, StakingState{
			Epoch: s.Epoch, Version: version, NShards: s.NShards, EpochDurationMs: s.EpochDuration, Committee: s.Committee,
		})
		x.state.Epoch, x.state.HasEpoch = s.Epoch, true
		x.state.NShards = s.NShards
	case objSystemInner:
		var f walrus.SystemStateField
		if err := decode(&f, "System inner state"); err != nil {
			return nil, err
		}
		s := &f.Value
		rows.Systems = append(rows.Systems, SystemState{
			Epoch: s.Epoch(), Version: version, StoragePrice: s.StoragePricePerUnitSize, WritePrice: s.WritePricePerUnitSize,
			TotalCapacity: s.TotalCapacitySize, UsedCapacity: s.UsedCapacitySize,
		})
		if !x.state.HasEpoch || s.Epoch() > x.state.Epoch {
			x.state.Epoch, x.state.HasEpoch = s.Epoch(), true
		}
		if s.Committee.NShards != 0 {
			x.state.NShards = s.Committee.NShards
		}
	case objStakingPool:
		p := new(walrus.StakingPool)
		if err := decode(p, "StakingPool"); err != nil {
			return nil, err
		}
		return x.pool(rows, tc, p, version, contents), nil
	}
	return nil, nil
}

func ownerOf(o *sui.Owner) (string, *walrus.ID) {
	a := o.Address
	switch o.Kind {
	case sui.OwnerAddress, sui.OwnerConsensusAddress:
		return OwnerAddress, &a
	case sui.OwnerObject:
		return OwnerObject, &a
	case sui.OwnerShared:
		return OwnerShared, nil
	case sui.OwnerImmutable:
		return OwnerImmutable, nil
	}
	return OwnerParty, nil
}

func (x *Extractor) blob(rows *Rows, tc *txContext, b *walrus.Blob, version uint64, kind string, owner *walrus.ID) {
	w := BlobWrite{
		Checkpoint: tc.cp.Sequence, ObjectID: b.ID, Version: version, Blob: *b, OwnerKind: kind, Owner: owner,
		AttributesID: walrus.DynamicFieldID(b.ID, walrus.TypeTagVectorU8, bcs.Marshal(walrus.MetadataFieldName)),
	}
	if n := x.state.NShards; n != 0 {
		p, ok := x.params[n]
		if !ok {
			if np, err := encoding.NewParams(int(n)); err == nil {
				p = &np
			}
			x.params[n] = p
		}
		if p != nil {
			if l, err := p.EncodedLength(b.Size); err == nil {
				w.EncodedSize = &l
			}
		}
	}
	rows.Blobs = append(rows.Blobs, w)
}

// pool records a staking pool write and, if the transaction started an epoch, derives
// the reward the pool was paid.
func (x *Extractor) pool(rows *Rows, tc *txContext, p *walrus.StakingPool, version uint64, contents []byte) *rewards.Reward {
	prev, known := x.state.Pools[p.ID]
	x.state.Pools[p.ID] = PoolState{Version: version, Pool: p}
	rows.Nodes = append(rows.Nodes, NodeWrite{Checkpoint: tc.cp.Sequence, Version: version, Pool: p, BCS: contents})
	epoch := p.LatestEpoch
	if x.state.HasEpoch {
		epoch = x.state.Epoch
	}
	var pending uint64
	for _, v := range p.PendingStake {
		pending = satAdd(pending, v.Value)
	}
	rows.Stake = append(rows.Stake, Stake{
		NodeID: p.ID, Epoch: epoch, Version: version, WalBalance: p.WalBalance, NumShares: p.NumShares,
		PendingStake: pending, CommissionRate: p.CommissionRate, Checkpoint: tc.cp.Sequence,
	})
	if tc.epochNew == nil || (known && p.LatestEpoch <= prev.Pool.LatestEpoch) {
		return nil // not an epoch change, or a pool it did not advance
	}
	before := prev.Pool
	if !known || !x.inputIs(tc, p.ID, prev.Version) {
		// Not followed from a write (e.g. a genesis pool, seeded from a snapshot): the
		// transaction's input object is the state it found.
		if before = x.inputPool(tc, p.ID); before == nil {
			x.rewardsUnknownPrev.Add(1)
			x.log.Debug("no previous state for a pool paid at an epoch change", zap.Stringer("node", p.ID), zap.Uint32("epoch", *tc.epochNew))
			return nil
		}
		if before.LatestEpoch >= p.LatestEpoch {
			return nil // not advanced by this transaction
		}
	}
	r, err := rewards.Derive(*tc.epochNew, before, p)
	if err != nil {
		x.rewardsMismatch.Add(1)
		x.log.Warn("cannot derive a node's reward", zap.Stringer("node", p.ID), zap.Uint64("checkpoint", tc.cp.Sequence), zap.Error(err))
		return nil
	}
	rows.Rewards = append(rows.Rewards, Reward{Paid: r, Checkpoint: tc.cp.Sequence, TxDigest: tc.tx.Digest})
	return &r
}

// inputPool decodes the staking pool id as the transaction found it, or nil when the
// checkpoint did not carry it.
func (x *Extractor) inputPool(tc *txContext, id walrus.ID) *walrus.StakingPool {
	o, ok := tc.tx.Input(id)
	if !ok || x.classify(o) != objStakingPool {
		return nil
	}
	p := new(walrus.StakingPool)
	if err := bcs.Unmarshal(o.Data.Move.Contents, p); err != nil {
		x.log.Warn("undecodable input staking pool", zap.Stringer("node", id), zap.Error(err))
		return nil
	}
	return p
}

// inputIs reports whether the transaction's input version of id is version (true when
// the effects do not record it).
func (x *Extractor) inputIs(tc *txContext, id walrus.ID, version uint64) bool {
	if tc.tx.Effects == nil {
		return true
	}
	for _, ch := range tc.tx.Effects.ObjectChanges() {
		if ch.ID == id {
			return ch.Input == nil || ch.Input.Version == version
		}
	}
	return true
}

// derivedEvents appends a NodeRewards event per paid pool, in node-ID order, after the
// transaction's Walrus events.
func (x *Extractor) derivedEvents(rows *Rows, tc *txContext, paid []rewards.Reward) error {
	slices.SortFunc(paid, func(a, b rewards.Reward) int { return cmp.Compare(string(a.NodeID[:]), string(b.NodeID[:])) })
	for _, r := range paid {
		ev := r.Event()
		data, err := JSON(ev)
		if err != nil {
			return err
		}
		node := r.NodeID
		rows.Events = append(rows.Events, Event{
			Checkpoint: tc.cp.Sequence, TxDigest: tc.tx.Digest, TxIndex: tc.index, TimestampMs: tc.cp.TimestampMs,
			Name: rewards.EventName, Type: rewards.EventType, BCS: bcs.Marshal(ev), JSON: data, NodeID: &node,
		})
	}
	return nil
}

func satAdd(a, b uint64) uint64 {
	if a+b < a {
		return math.MaxUint64
	}
	return a + b
}
