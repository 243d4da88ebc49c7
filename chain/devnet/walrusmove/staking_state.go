package walrusmove

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"github.com/tuskstore/tusk/chain/devnet/contract"
	"github.com/tuskstore/tusk/chain/devnet/exec"
	"github.com/tuskstore/tusk/chain/sui"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/internal/bcs"
)

// stakingCall is the Staking object of one call as the contract sees it
// (contract.StakingState), loaded from its dynamic fields, and what store writes back:
// the inner state, the active set and next-epoch keys (each only if it changed), every
// pool borrowed and changed, its exchange rates and blocked commission, and new pools.
//
// Move writes a field through every mutable borrow; here a field is written when its
// value changed, which gives the same effects except for a borrow that writes the same
// value back.
type stakingCall struct {
	m  *module
	c  *exec.Call
	st *contract.StakingState

	origInner, origActiveSet, origKeys []byte
	pools                              map[walrus.ID]*loadedPool
	order                              []walrus.ID // first borrow order
}

// loadedPool is a pool borrowed in this call.
type loadedPool struct {
	pool        *contract.Pool
	entryID     walrus.ID // the ObjectTable's Field<Wrapper<ID>, ID>, owner of the pool
	orig        []byte    // the pool's contents as loaded (nil for a new pool)
	origBlocked *uint64
}

// loadStaking reads the Staking of argument i and its inner state, as staking.move's
// inner (mut false) and inner_mut (mut true) do (EWrongVersion first), with the values of
// its extended fields.
func (m *module) loadStaking(c *exec.Call, i int, mut bool) (*stakingCall, error) {
	var staking walrus.Staking
	if err := objectArg(c, i, &staking); err != nil {
		return nil, err
	}
	if staking.Version != walrus.StakingVersion {
		fn := "inner"
		if mut {
			fn = "inner_mut"
		}
		return nil, c.Abort(m.ids.WalrusPackage, "staking", fn, contract.ErrStakingWrongVersion.Code)
	}
	sc := &stakingCall{m: m, c: c, pools: map[walrus.ID]*loadedPool{}}
	var f walrus.StakingStateField
	if err := m.readField(c, staking.ID, walrus.InnerStateFieldID(staking.ID, walrus.StakingVersion), &f, mut); err != nil {
		return nil, err
	}
	var as walrus.ActiveSetField
	if err := m.readField(c, f.Value.ActiveSet.ID, m.ids.extendedFieldValueID(f.Value.ActiveSet.ID), &as, mut); err != nil {
		return nil, err
	}
	var keys walrus.NextEpochPublicKeysField
	if err := m.readField(c, f.Value.NextEpochPublicKeys.ID, m.ids.extendedFieldValueID(f.Value.NextEpochPublicKeys.ID), &keys, mut); err != nil {
		return nil, err
	}
	activeSet := contract.ActiveSet(as.Value)
	sc.st = &contract.StakingState{Staking: staking, Inner: f.Value, ActiveSet: &activeSet, NextEpochPublicKeys: keys.Value}
	sc.st.Pools = sc
	sc.origInner = bcs.Marshal(&sc.st.Inner)
	sc.origActiveSet = bcs.Marshal(sc.st.ActiveSet.Walrus())
	sc.origKeys = bcs.Marshal(sc.st.NextEpochPublicKeys)
	return sc, nil
}

// readField decodes the dynamic field id of parent, aborting as dynamic_field's borrow
// does when it is missing.
func (m *module) readField(c *exec.Call, parent, id walrus.ID, v bcs.Unmarshaler, mut bool) error {
	o, ok, err := c.Child(parent, id)
	if err != nil {
		return err
	}
	if !ok {
		return c.Abort(addr2, "dynamic_field", borrowFn(mut), contract.ErrFieldDoesNotExist.Code)
	}
	if err := bcs.Unmarshal(o.Contents, v); err != nil {
		return fmt.Errorf("walrusmove: dynamic field %s of %s: %w", id, parent, err)
	}
	return nil
}

func borrowFn(mut bool) string {
	if mut {
		return "borrow_child_object_mut"
	}
	return "borrow_child_object"
}

// poolEntryID is the ID of the ObjectTable entry of nodeID: the dynamic object field
// named Wrapper<ID>{nodeID}.
func poolEntryID(tableID, nodeID walrus.ID) walrus.ID {
	return walrus.DynamicFieldID(tableID, walrus.StructTypeTag(addr2, "dynamic_object_field", "Wrapper", walrus.TypeTagID), nodeID[:])
}

// Pool implements contract.Pools.
func (sc *stakingCall) Pool(nodeID walrus.ID, mut bool) (*contract.Pool, error) {
	if lp := sc.pools[nodeID]; lp != nil {
		return lp.pool, nil
	}
	entryID := poolEntryID(sc.st.Inner.Pools.ID, nodeID)
	if _, ok, err := sc.c.Child(sc.st.Inner.Pools.ID, entryID); err != nil {
		return nil, err
	} else if !ok {
		return nil, sc.c.Abort(addr2, "dynamic_field", borrowFn(mut), contract.ErrFieldDoesNotExist.Code)
	}
	o, ok, err := sc.c.Child(entryID, nodeID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("walrusmove: the pool table entry %s holds no pool %s", entryID, nodeID)
	}
	p := &contract.Pool{}
	if err := bcs.Unmarshal(o.Contents, &p.StakingPool); err != nil {
		return nil, fmt.Errorf("walrusmove: staking pool %s: %w", nodeID, err)
	}
	p.Rates = &tableRates{sc: sc, table: p.ExchangeRates.ID}
	var blocked walrus.BlockedCommissionField
	bo, ok, err := sc.c.Child(p.ExtraFields.ID, sc.m.ids.blockedCommissionID(p.ExtraFields.ID))
	if err != nil {
		return nil, err
	}
	var origBlocked *uint64
	if ok {
		if err := bcs.Unmarshal(bo.Contents, &blocked); err != nil {
			return nil, fmt.Errorf("walrusmove: blocked commission of pool %s: %w", nodeID, err)
		}
		v, w := uint64(blocked.Value), uint64(blocked.Value)
		p.BlockedCommission, origBlocked = &v, &w
	}
	sc.pools[nodeID] = &loadedPool{pool: p, entryID: entryID, orig: o.Contents, origBlocked: origBlocked}
	sc.order = append(sc.order, nodeID)
	return p, nil
}

// Contains implements contract.Pools.
func (sc *stakingCall) Contains(nodeID walrus.ID) (bool, error) {
	if sc.pools[nodeID] != nil {
		return true, nil
	}
	_, ok, err := sc.c.Child(sc.st.Inner.Pools.ID, poolEntryID(sc.st.Inner.Pools.ID, nodeID))
	return ok, err
}

// Add implements contract.Pools: the new pool's table, bag and metadata are created
// when the call is stored; its exchange rates now.
func (sc *stakingCall) Add(p *contract.Pool) error {
	if ok, err := sc.Contains(p.ID); err != nil {
		return err
	} else if ok {
		return sc.c.Abort(addr2, "dynamic_field", "add", contract.ErrFieldAlreadyExists.Code)
	}
	rates := &tableRates{sc: sc, table: p.ExchangeRates.ID}
	if mem, ok := p.Rates.(contract.MemRates); ok {
		for e, r := range mem {
			if err := rates.Add(e, r); err != nil {
				return err
			}
		}
	}
	p.Rates = rates
	sc.pools[p.ID] = &loadedPool{pool: p, entryID: poolEntryID(sc.st.Inner.Pools.ID, p.ID)}
	sc.order = append(sc.order, p.ID)
	return nil
}

// tableRates is a pool's Table<u32, PoolExchangeRate>, read and added to through the call.
type tableRates struct {
	sc    *stakingCall
	table walrus.ID
}

func rateFieldID(table walrus.ID, epoch uint32) walrus.ID {
	return walrus.DynamicFieldID(table, walrus.TypeTagU32, binary.LittleEndian.AppendUint32(nil, epoch))
}

func (r *tableRates) Lookup(epoch uint32) (walrus.PoolExchangeRate, bool, error) {
	o, ok, err := r.sc.c.Child(r.table, rateFieldID(r.table, epoch))
	if err != nil || !ok {
		return walrus.PoolExchangeRate{}, false, err
	}
	var f walrus.ExchangeRateField
	if err := bcs.Unmarshal(o.Contents, &f); err != nil {
		return walrus.PoolExchangeRate{}, false, fmt.Errorf("walrusmove: exchange rate %d of table %s: %w", epoch, r.table, err)
	}
	return f.Value, true, nil
}

func (r *tableRates) Add(epoch uint32, rate walrus.PoolExchangeRate) error {
	f := walrus.ExchangeRateField{ID: rateFieldID(r.table, epoch), Name: walrus.U32(epoch), Value: rate}
	return r.sc.c.AddChild(r.table, fieldType(sui.TypeTagU32, r.sc.m.ids.Type("pool_exchange_rate", "PoolExchangeRate")), bcs.Marshal(&f))
}

// store writes back what the call changed (see stakingCall).
func (sc *stakingCall) store() error {
	c, ids, st := sc.c, &sc.m.ids, sc.st
	if b := bcs.Marshal(&st.Inner); !bytes.Equal(b, sc.origInner) {
		fid := walrus.InnerStateFieldID(st.Staking.ID, walrus.StakingVersion)
		f := walrus.StakingStateField{ID: fid, Name: walrus.U64(walrus.StakingVersion), Value: st.Inner}
		if err := c.SetChild(st.Staking.ID, fid, bcs.Marshal(&f)); err != nil {
			return err
		}
	}
	if b := bcs.Marshal(st.ActiveSet.Walrus()); !bytes.Equal(b, sc.origActiveSet) {
		ext := st.Inner.ActiveSet.ID
		f := walrus.ActiveSetField{ID: ids.extendedFieldValueID(ext), Value: *st.ActiveSet.Walrus()}
		if err := c.SetChild(ext, f.ID, bcs.Marshal(&f)); err != nil {
			return err
		}
	}
	if b := bcs.Marshal(st.NextEpochPublicKeys); !bytes.Equal(b, sc.origKeys) {
		ext := st.Inner.NextEpochPublicKeys.ID
		f := walrus.NextEpochPublicKeysField{ID: ids.extendedFieldValueID(ext), Value: st.NextEpochPublicKeys}
		if err := c.SetChild(ext, f.ID, bcs.Marshal(&f)); err != nil {
			return err
		}
	}
	for _, id := range sc.order {
		if err := sc.storePool(sc.pools[id]); err != nil {
			return err
		}
	}
	return nil
}

func (sc *stakingCall) storePool(lp *loadedPool) error {
	c, ids := sc.c, &sc.m.ids
	p := lp.pool
	contents := bcs.Marshal(&p.StakingPool)
	switch {
	case lp.orig == nil: // a new pool: its table entry, the pool, its UIDs and metadata
		entry := walrus.ObjectTableEntry{ID: lp.entryID, Name: p.ID, Value: p.ID}
		if err := c.AddChild(sc.st.Inner.Pools.ID, fieldType(sui.StructOf(addr2, "dynamic_object_field", "Wrapper", idType), idType), bcs.Marshal(&entry)); err != nil {
			return err
		}
		if err := c.Put(ids.Struct("staking_pool", "StakingPool"), contents, exec.ToObject(lp.entryID)); err != nil {
			return err
		}
		for _, uid := range []walrus.ID{p.ExchangeRates.ID, p.NodeInfo.Metadata.ID, p.ExtraFields.ID} {
			if err := c.Wrap(uid); err != nil {
				return err
			}
		}
		md := walrus.NodeMetadata{}
		if p.Metadata != nil {
			md = *p.Metadata
		}
		mf := walrus.NodeMetadataField{ID: ids.extendedFieldValueID(p.NodeInfo.Metadata.ID), Value: md}
		if err := c.AddChild(p.NodeInfo.Metadata.ID, fieldType(ids.extendedFieldKey(), ids.Type("node_metadata", "NodeMetadata")), bcs.Marshal(&mf)); err != nil {
			return err
		}
	case !bytes.Equal(contents, lp.orig):
		if err := c.SetChild(lp.entryID, p.ID, contents); err != nil {
			return err
		}
	}
	// The blocked commission in the extra_fields bag.
	fid := ids.blockedCommissionID(p.ExtraFields.ID)
	switch {
	case p.BlockedCommission == nil && lp.origBlocked != nil:
		_, err := c.RemoveChild(p.ExtraFields.ID, fid)
		return err
	case p.BlockedCommission == nil:
		return nil
	}
	f := walrus.BlockedCommissionField{ID: fid, Value: walrus.U64(*p.BlockedCommission)}
	switch {
	case lp.origBlocked == nil:
		return c.AddChild(p.ExtraFields.ID, fieldType(ids.blockedCommissionKey(), sui.TypeTagU64), bcs.Marshal(&f))
	case *lp.origBlocked != *p.BlockedCommission:
		return c.SetChild(p.ExtraFields.ID, fid, bcs.Marshal(&f))
	}
	return nil
}

// blockedCommissionKey is walrus::staking_pool::NewEpochCommissionBlockedForCollection.
func (ids IDs) blockedCommissionKey() sui.TypeTag {
	return ids.Type("staking_pool", "NewEpochCommissionBlockedForCollection")
}

// blockedCommissionID is the ID of the blocked-commission entry of the bag bagID.
func (ids IDs) blockedCommissionID(bagID walrus.ID) walrus.ID {
	return walrus.DynamicFieldID(bagID, walrus.StructTypeTag(ids.WalrusPackage, "staking_pool", "NewEpochCommissionBlockedForCollection"), []byte{0})
}
