package chain

import (
	"context"
	"encoding/binary"
	"fmt"
	"math/big"
	"sort"
	"time"

	v2 "github.com/block-vision/sui-go-sdk/pb/sui/rpc/v2"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	"github.com/tuskstore/tusk/chain/keys"
	"github.com/tuskstore/tusk/chain/sui"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/internal/bcs"
)

// Reads of the staking half: StakedWal and StorageNodeCap objects, the epoch state and
// its deadlines, the next committee, and a pool's exchange rates and commission.

// StakedWalObject is a StakedWal with its owner and version.
type StakedWalObject struct {
	walrus.StakedWal
	Owner   sui.Owner
	Version uint64
}

// NodeCapObject is a StorageNodeCap with its owner and version.
type NodeCapObject struct {
	walrus.StorageNodeCap
	Owner   sui.Owner
	Version uint64
}

// StakedWalOwnedBy lists the StakedWal objects owned by owner.
func (c *Client) StakedWalOwnedBy(ctx context.Context, owner walrus.Address) ([]StakedWalObject, error) {
	return ownedWalrus(ctx, c, owner, stakedWalType)
}

// StakedWal reads one StakedWal.
func (c *Client) StakedWal(ctx context.Context, id walrus.ID) (*StakedWalObject, error) {
	return readWalrus(ctx, c, id, stakedWalType)
}

// NodeCapsOwnedBy lists the StorageNodeCap objects owned by owner (an operator's nodes).
func (c *Client) NodeCapsOwnedBy(ctx context.Context, owner walrus.Address) ([]NodeCapObject, error) {
	return ownedWalrus(ctx, c, owner, nodeCapType)
}

// NodeCap reads one StorageNodeCap.
func (c *Client) NodeCap(ctx context.Context, id walrus.ID) (*NodeCapObject, error) {
	return readWalrus(ctx, c, id, nodeCapType)
}

// walrusType is how objects of the Walrus type module::name are read into T: item makes
// the value for an object and names where in it the object's contents go.
type walrusType[T any] struct {
	module, name string
	item         func(*sui.Object) (*T, bcs.Unmarshaler)
}

var (
	blobType = walrusType[BlobObject]{"blob", "Blob", func(o *sui.Object) (*BlobObject, bcs.Unmarshaler) {
		b := &BlobObject{Owner: o.Owner, Version: o.Version()}
		return b, &b.Blob
	}}
	stakedWalType = walrusType[StakedWalObject]{"staked_wal", "StakedWal", func(o *sui.Object) (*StakedWalObject, bcs.Unmarshaler) {
		s := &StakedWalObject{Owner: o.Owner, Version: o.Version()}
		return s, &s.StakedWal
	}}
	nodeCapType = walrusType[NodeCapObject]{"storage_node", "StorageNodeCap", func(o *sui.Object) (*NodeCapObject, bcs.Unmarshaler) {
		k := &NodeCapObject{Owner: o.Owner, Version: o.Version()}
		return k, &k.StorageNodeCap
	}}
	storageType = walrusType[walrus.Storage]{"storage_resource", "Storage", func(*sui.Object) (*walrus.Storage, bcs.Unmarshaler) {
		s := new(walrus.Storage)
		return s, s
	}}
)

// decode decodes o, which must be of the type.
func (t walrusType[T]) decode(c *Client, o *sui.Object) (*T, error) {
	v, contents := t.item(o)
	if err := c.walrusContents(o, t.module, t.name, contents); err != nil {
		return nil, err
	}
	return v, nil
}

// readWalrus reads the object id, which must be of type t.
func readWalrus[T any](ctx context.Context, c *Client, id walrus.ID, t walrusType[T]) (*T, error) {
	o, err := c.object(ctx, id)
	var v *T
	if err == nil {
		v, err = t.decode(c, o)
	}
	if err != nil {
		return nil, fmt.Errorf("read %s %s: %w", t.name, id, err)
	}
	return v, nil
}

// ownedWalrus lists the objects of type t owned by owner.
func ownedWalrus[T any](ctx context.Context, c *Client, owner walrus.Address, t walrusType[T]) ([]T, error) {
	typ := sui.StructTag{Address: c.deploy.OriginalPackage, Module: t.module, Name: t.name}
	objs, err := c.ownedObjects(ctx, owner, typ.String(), "bcs")
	if err != nil {
		return nil, err
	}
	out := make([]T, 0, len(objs))
	for _, m := range objs {
		o, err := sui.DecodeObject(m.GetBcs().GetValue())
		if err == nil {
			var v *T
			if v, err = t.decode(c, o); err == nil {
				out = append(out, *v)
				continue
			}
		}
		return nil, fmt.Errorf("%s %s: %w", t.name, m.GetObjectId(), err)
	}
	return out, nil
}

// EpochState is where the epoch is in its timeline (staking_inner.move EpochState):
// EpochChangeDone(t) → voting_end at VotingEndAt → NextParamsSelected(t) →
// initiate_epoch_change at EpochChangeAt → EpochChangeSync(weight) of the new epoch →
// epoch_sync_done by the nodes until a quorum → EpochChangeDone(t').
type EpochState struct {
	// Epoch is the current Walrus epoch.
	Epoch uint32
	// State is the EpochState variant.
	State walrus.EpochStateKind
	// SyncWeight is the shards of the nodes that called epoch_sync_done
	// (EpochChangeSync).
	SyncWeight uint16
	// LastChange is when the last epoch change completed (EpochChangeDone and
	// NextParamsSelected): the start of the current epoch's timeline.
	LastChange time.Time
	// VotingEndAt is when voting_end may be called (EpochChangeDone only; zero otherwise).
	VotingEndAt time.Time
	// EpochChangeAt is when initiate_epoch_change may be called (NextParamsSelected only;
	// zero otherwise).
	EpochChangeAt time.Time
	// EpochDuration and FirstEpochStart are the Staking parameters.
	EpochDuration   time.Duration
	FirstEpochStart time.Time
	// NShards is the number of shards.
	NShards uint16
	// NextEpochParams are the parameters voting_end selected (capacity), nil before.
	NextEpochParams *walrus.EpochParams
}

// IsQuorum reports whether weight shards are a quorum (3·weight ≥ 2·n_shards + 1).
func (s *EpochState) IsQuorum(weight uint16) bool {
	return 3*uint64(weight) >= 2*uint64(s.NShards)+1
}

// EpochState reads the epoch state and its deadlines from the Staking object.
func (c *Client) EpochState(ctx context.Context) (*EpochState, error) {
	st, err := c.StakingState(ctx)
	if err != nil {
		return nil, err
	}
	return epochStateOf(&st.Inner), nil
}

func msTime(ms uint64) time.Time { return time.UnixMilli(int64(ms)) }

func epochStateOf(in *walrus.StakingInnerV1) *EpochState {
	s := &EpochState{
		Epoch: in.Epoch, State: in.EpochState.Kind, NShards: in.NShards,
		EpochDuration: time.Duration(in.EpochDuration) * time.Millisecond, FirstEpochStart: msTime(in.FirstEpochStart),
	}
	if in.NextEpochParams != nil {
		p := *in.NextEpochParams
		s.NextEpochParams = &p
	}
	switch in.EpochState.Kind {
	case walrus.EpochStateChangeSync:
		s.SyncWeight = in.EpochState.SyncWeight
	case walrus.EpochStateChangeDone:
		s.LastChange = msTime(in.EpochState.TimestampMs)
		s.VotingEndAt = msTime(in.EpochState.TimestampMs + in.EpochDuration/2)
		if in.Epoch == 0 {
			s.VotingEndAt = s.FirstEpochStart
		}
	case walrus.EpochStateNextParamsSelected:
		s.LastChange = msTime(in.EpochState.TimestampMs)
		s.EpochChangeAt = msTime(in.EpochState.TimestampMs + in.EpochDuration)
		if in.Epoch == 0 {
			s.EpochChangeAt = s.FirstEpochStart
		}
	}
	return s
}

// NextCommittee reads the committee voting_end selected for the next epoch, with the
// members' next-epoch public keys; ok is false before voting_end (and after the epoch
// change, when it has become the current committee).
func (c *Client) NextCommittee(ctx context.Context) (com *Committee, ok bool, err error) {
	st, err := c.StakingState(ctx)
	if err != nil {
		return nil, false, err
	}
	next := st.Inner.NextCommittee
	if next == nil {
		return nil, false, nil
	}
	ext := st.Inner.NextEpochPublicKeys.ID
	f, err := c.object(ctx, walrus.DynamicFieldID(ext, walrus.StructTypeTag(c.deploy.OriginalPackage, "extended_field", "Key"), []byte{0}))
	if err != nil {
		return nil, false, fmt.Errorf("read next-epoch public keys: %w", err)
	}
	var field walrus.NextEpochPublicKeysField
	if err := moveContents(f, "dynamic_field", "Field", &field); err != nil {
		return nil, false, fmt.Errorf("read next-epoch public keys: %w", err)
	}
	pools, err := c.Pools(ctx, next.NodeIDs()...)
	if err != nil {
		return nil, false, fmt.Errorf("read next committee: %w", err)
	}
	com = &Committee{Epoch: st.Inner.Epoch + 1, NShards: st.Inner.NShards, Members: make([]CommitteeMember, len(*next))}
	for i, e := range *next {
		info := &pools[i].NodeInfo
		upk := info.PublicKey
		if info.NextEpochPublicKey != nil {
			upk = *info.NextEpochPublicKey
		}
		for _, k := range field.Value {
			if k.NodeID == e.NodeID {
				upk = k.PublicKey
			}
		}
		pk, err := keys.UncompressedG1ToG1(upk)
		if err != nil {
			return nil, false, fmt.Errorf("read next committee: node %s: %w", e.NodeID, err)
		}
		m := CommitteeMember{
			NodeID: e.NodeID, Name: info.Name, NetworkAddress: info.NetworkAddress, PublicKey: pk,
			NetworkPublicKey: append([]byte(nil), info.NetworkPublicKey...), Shards: append([]uint16(nil), e.Shards...),
		}
		sort.Slice(m.Shards, func(a, b int) bool { return m.Shards[a] < m.Shards[b] })
		com.Members[i] = m
	}
	return com, true, nil
}

// PreviousCommittee reads the committee of the previous epoch from the Staking object
// (its shard assignment, with each member's current name, address and keys from its
// pool): during an epoch change, where a node finds the previous owner of a shard it
// gained. Epoch is the current epoch - 1; with no previous committee (the first epochs)
// it has no members.
func (c *Client) PreviousCommittee(ctx context.Context) (*Committee, error) {
	st, err := c.StakingState(ctx)
	if err != nil {
		return nil, err
	}
	prev := st.Inner.PreviousCommittee
	com := &Committee{NShards: st.Inner.NShards, Members: make([]CommitteeMember, len(prev))}
	if st.Inner.Epoch > 0 {
		com.Epoch = st.Inner.Epoch - 1
	}
	pools, err := c.Pools(ctx, prev.NodeIDs()...)
	if err != nil {
		return nil, fmt.Errorf("read previous committee: %w", err)
	}
	for i, e := range prev {
		info := &pools[i].NodeInfo
		pk, err := keys.UncompressedG1ToG1(info.PublicKey)
		if err != nil {
			return nil, fmt.Errorf("read previous committee: node %s: %w", e.NodeID, err)
		}
		m := CommitteeMember{
			NodeID: e.NodeID, Name: info.Name, NetworkAddress: info.NetworkAddress, PublicKey: pk,
			NetworkPublicKey: append([]byte(nil), info.NetworkPublicKey...), Shards: append([]uint16(nil), e.Shards...),
		}
		sort.Slice(m.Shards, func(a, b int) bool { return m.Shards[a] < m.Shards[b] })
		com.Members[i] = m
	}
	return com, nil
}

// ShardMoves compares the shard assignments of two committees: the shards each node
// gains (held in to, not in from) and loses (held in from, not in to), by node ID.
func ShardMoves(from, to *Committee) (gained, lost map[walrus.ID][]uint16) {
	gained, lost = map[walrus.ID][]uint16{}, map[walrus.ID][]uint16{}
	owner := func(c *Committee) map[uint16]walrus.ID {
		m := map[uint16]walrus.ID{}
		for _, mem := range c.Members {
			for _, s := range mem.Shards {
				m[s] = mem.NodeID
			}
		}
		return m
	}
	a, b := owner(from), owner(to)
	for s := range uint16(max(from.NShards, to.NShards)) {
		x, inA := a[s]
		y, inB := b[s]
		if inA && inB && x == y {
			continue
		}
		if inB {
			gained[y] = append(gained[y], s)
		}
		if inA {
			lost[x] = append(lost[x], s)
		}
	}
	return gained, lost
}

// exchangeRateFieldID is the ID of the entry of epoch in a pool's exchange-rate table.
func exchangeRateFieldID(table walrus.ID, epoch uint32) walrus.ID {
	return walrus.DynamicFieldID(table, walrus.TypeTagU32, binary.LittleEndian.AppendUint32(nil, epoch))
}

// ExchangeRates reads the exchange rates the pool recorded for the epochs in [from, to]
// (the pool records one at each epoch change it takes part in, from the WAL and shares
// before that epoch's pending stake; epochs without one are absent).
func (c *Client) ExchangeRates(ctx context.Context, nodeID walrus.ID, from, to uint32) (map[uint32]walrus.PoolExchangeRate, error) {
	pool, err := c.Pool(ctx, nodeID)
	if err != nil {
		return nil, err
	}
	return c.exchangeRates(ctx, pool, from, to)
}

func (c *Client) exchangeRates(ctx context.Context, pool *walrus.StakingPool, from, to uint32) (map[uint32]walrus.PoolExchangeRate, error) {
	out := map[uint32]walrus.PoolExchangeRate{}
	if to < from {
		return out, nil
	}
	ids := make([]walrus.ID, 0, to-from+1)
	for e := from; ; e++ {
		ids = append(ids, exchangeRateFieldID(pool.ExchangeRates.ID, e))
		if e == to {
			break
		}
	}
	objs, err := c.optionalObjects(ctx, ids...)
	if err != nil {
		return nil, fmt.Errorf("exchange rates of %s: %w", pool.ID, err)
	}
	for i, o := range objs {
		if o == nil {
			continue
		}
		var f walrus.ExchangeRateField
		if err := moveContents(o, "dynamic_field", "Field", &f); err != nil {
			return nil, fmt.Errorf("exchange rate of %s at epoch %d: %w", pool.ID, from+uint32(i), err)
		}
		out[uint32(f.Name)] = f.Value
	}
	return out, nil
}

// ExchangeRate is the pool's exchange rate at epoch as staking_pool::exchange_rate_at_epoch
// finds it: the rate of the latest epoch up to epoch that has one, down to the pool's
// activation epoch; Flat if none.
func (c *Client) ExchangeRate(ctx context.Context, nodeID walrus.ID, epoch uint32) (walrus.PoolExchangeRate, error) {
	pool, err := c.Pool(ctx, nodeID)
	if err != nil {
		return walrus.PoolExchangeRate{}, err
	}
	rates, err := c.exchangeRates(ctx, pool, pool.ActivationEpoch, epoch)
	if err != nil {
		return walrus.PoolExchangeRate{}, err
	}
	return rateAtEpoch(rates, pool.ActivationEpoch, epoch), nil
}

func rateAtEpoch(rates map[uint32]walrus.PoolExchangeRate, activation, epoch uint32) walrus.PoolExchangeRate {
	for e := int64(epoch); e >= int64(activation); e-- {
		if r, ok := rates[uint32(e)]; ok {
			return r
		}
	}
	return walrus.PoolExchangeRate{Kind: walrus.ExchangeRateFlat}
}

// StakeValue is what a StakedWal is worth at the current epoch, in FROST: its principal
// and the rewards withdraw_stake would pay (staking_pool::calculate_rewards between its
// activation epoch and its withdraw epoch, or the current epoch while it is staked). It
// ignores the cap at the pool's rewards balance, which only rounding can reach.
func (c *Client) StakeValue(ctx context.Context, sw *walrus.StakedWal) (uint64, error) {
	st, err := c.StakingState(ctx)
	if err != nil {
		return 0, err
	}
	pool, err := c.Pool(ctx, sw.NodeID)
	if err != nil {
		return 0, err
	}
	to := st.Inner.Epoch
	if sw.IsWithdrawing() {
		to = min(sw.State.WithdrawEpoch, to)
	}
	if sw.ActivationEpoch > to {
		return sw.Principal, nil
	}
	rates, err := c.exchangeRates(ctx, pool, pool.ActivationEpoch, to)
	if err != nil {
		return 0, err
	}
	shares := convertToShares(rateAtEpoch(rates, pool.ActivationEpoch, sw.ActivationEpoch), sw.Principal)
	v := convertToWal(rateAtEpoch(rates, pool.ActivationEpoch, to), shares)
	return max(v, sw.Principal), nil
}

// convertToShares and convertToWal are pool_exchange_rate's conversions (u128, rounded
// down).
func convertToShares(r walrus.PoolExchangeRate, amount uint64) uint64 {
	if r.Kind == walrus.ExchangeRateFlat {
		return amount
	}
	return mulDiv(amount, r.ShareAmount, r.WalAmount)
}

func convertToWal(r walrus.PoolExchangeRate, shares uint64) uint64 {
	if r.Kind == walrus.ExchangeRateFlat {
		return shares
	}
	return mulDiv(shares, r.WalAmount, r.ShareAmount)
}

func mulDiv(a uint64, b, d walrus.U128) uint64 {
	p := b.Big()
	p.Mul(p, new(big.Int).SetUint64(a))
	q := d.Big()
	if q.Sign() == 0 {
		return 0
	}
	p.Quo(p, q)
	if !p.IsUint64() {
		return ^uint64(0)
	}
	return p.Uint64()
}

// PoolCommission is a pool's commission balance and the part of it blocked until the
// next voting_end (the rest is what CollectCommission pays).
type PoolCommission struct {
	Total, Blocked uint64
}

// Collectable is what collect_commission would pay now.
func (p PoolCommission) Collectable() uint64 {
	if p.Total <= p.Blocked {
		return 0
	}
	return p.Total - p.Blocked
}

// PoolCommission reads the node's commission and the part blocked (the u64 under
// NewEpochCommissionBlockedForCollection in the pool's extra_fields bag).
func (c *Client) PoolCommission(ctx context.Context, nodeID walrus.ID) (PoolCommission, error) {
	pool, err := c.Pool(ctx, nodeID)
	if err != nil {
		return PoolCommission{}, err
	}
	out := PoolCommission{Total: pool.Commission}
	key := walrus.StructTypeTag(c.deploy.OriginalPackage, "staking_pool", "NewEpochCommissionBlockedForCollection")
	objs, err := c.optionalObjects(ctx, walrus.DynamicFieldID(pool.ExtraFields.ID, key, []byte{0}))
	if err != nil {
		return PoolCommission{}, fmt.Errorf("blocked commission of %s: %w", nodeID, err)
	}
	if objs[0] != nil {
		var f walrus.BlockedCommissionField
		if err := moveContents(objs[0], "dynamic_field", "Field", &f); err != nil {
			return PoolCommission{}, fmt.Errorf("blocked commission of %s: %w", nodeID, err)
		}
		out.Blocked = uint64(f.Value)
	}
	return out, nil
}

// optionalObjects reads objects in one call; a missing object is nil.
func (c *Client) optionalObjects(ctx context.Context, ids ...walrus.ID) ([]*sui.Object, error) {
	out := make([]*sui.Object, len(ids))
	for start := 0; start < len(ids); start += 500 {
		end := min(start+500, len(ids))
		req := &v2.BatchGetObjectsRequest{ReadMask: &fieldmaskpb.FieldMask{Paths: []string{"bcs"}}}
		for _, id := range ids[start:end] {
			req.Requests = append(req.Requests, &v2.GetObjectRequest{ObjectId: ptr(id.String())})
		}
		cctx, cancel := c.callCtx(ctx)
		resp, err := c.ledger.BatchGetObjects(cctx, req)
		cancel()
		if err != nil {
			return nil, fmt.Errorf("batch get objects: %w", err)
		}
		if len(resp.GetObjects()) != end-start {
			return nil, fmt.Errorf("batch get objects: %d results for %d objects", len(resp.GetObjects()), end-start)
		}
		for i, r := range resp.GetObjects() {
			if st := r.GetError(); st != nil {
				if codes.Code(st.GetCode()) == codes.NotFound {
					continue
				}
				return nil, fmt.Errorf("object %s: %s", ids[start+i], st.GetMessage())
			}
			o, err := sui.DecodeObject(r.GetObject().GetBcs().GetValue())
			if err != nil {
				return nil, fmt.Errorf("object %s: %w", ids[start+i], err)
			}
			out[start+i] = o
		}
	}
	return out, nil
}
