package walrusmove

import (
	"encoding/binary"

	"github.com/tuskstore/tusk/chain/devnet/contract"
	"github.com/tuskstore/tusk/chain/devnet/exec"
	"github.com/tuskstore/tusk/chain/sui"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/internal/bcs"
)

// The public functions of staking.move (the staking and epoch half). Parameters are
// Move's, without the trailing &mut TxContext.

func (m *module) stakingFunctions() map[string]exec.Function {
	staking := m.structType(m.ids.StakingType())
	sys := m.structType(m.ids.SystemType())
	cap := m.ids.Type("storage_node", "StorageNodeCap")
	sw := m.ids.Type("staked_wal", "StakedWal")
	metadata := m.ids.Type("node_metadata", "NodeMetadata")
	authenticated := m.ids.Type("auth", "Authenticated")
	authorized := m.ids.Type("auth", "Authorized")
	treasury := m.structType(m.ids.TreasuryType())
	wal := m.ids.WALCoinType()
	id := idType
	clock := exec.ClockTypeTag
	mutStaking := exec.Param{Kind: exec.MutRef, Type: staking}
	refCap := exec.Param{Kind: exec.Ref, Type: cap}
	pure := func(t sui.TypeTag) exec.Param { return exec.Param{Kind: exec.Pure, Type: t} }
	str := pure(stringType)
	bytes := pure(bytesType)
	vote := func(v contract.Vote) exec.Function {
		return exec.Function{Params: []exec.Param{mutStaking, refCap, pure(sui.TypeTagU64)}, Call: m.setVote(v)}
	}
	capString := func(set func(*contract.StakingState, *walrus.StorageNodeCap, string) error) exec.Function {
		return exec.Function{Params: []exec.Param{mutStaking, refCap, str}, Call: m.withCap(func(c *exec.Call, s *contract.StakingState, k *walrus.StorageNodeCap) error {
			v := argsOf(c)
			x := v.str(2)
			if v.err != nil {
				return v.err
			}
			return set(s, k, x)
		})}
	}
	return map[string]exec.Function{
		// register_candidate(staking: &mut Staking, name: String, network_address: String,
		//     metadata: NodeMetadata, public_key: vector<u8>, network_public_key: vector<u8>,
		//     proof_of_possession: vector<u8>, commission_rate: u16, storage_price: u64,
		//     write_price: u64, node_capacity: u64): StorageNodeCap
		"register_candidate": {
			Params: []exec.Param{mutStaking, str, str, {Kind: exec.Value, Type: metadata}, bytes, bytes, bytes,
				pure(sui.TypeTagU16), pure(sui.TypeTagU64), pure(sui.TypeTagU64), pure(sui.TypeTagU64)},
			Returns: []sui.TypeTag{cap},
			Call:    m.registerCandidate,
		},
		// set_next_commission(staking: &mut Staking, cap: &StorageNodeCap, commission_rate: u16)
		"set_next_commission": {Params: []exec.Param{mutStaking, refCap, pure(sui.TypeTagU16)}, Call: m.withCap(func(c *exec.Call, s *contract.StakingState, k *walrus.StorageNodeCap) error {
			a := argsOf(c)
			rate := a.u16(2)
			if a.err != nil {
				return a.err
			}
			return contract.SetNextCommission(s, k, rate)
		})},
		// collect_commission(staking: &mut Staking, node_id: ID, auth: Authenticated): Coin<WAL>
		"collect_commission": {
			Params:  []exec.Param{mutStaking, pure(id), {Kind: exec.Value, Type: authenticated}},
			Returns: []sui.TypeTag{wal},
			Call:    m.collectCommission,
		},
		// set_commission_receiver(staking: &mut Staking, node_id: ID, auth: Authenticated,
		//     receiver: Authorized)
		"set_commission_receiver": {
			Params: []exec.Param{mutStaking, pure(id), {Kind: exec.Value, Type: authenticated}, {Kind: exec.Value, Type: authorized}},
			Call:   m.setAuthorized(contract.SetCommissionReceiver),
		},
		// set_governance_authorized(staking: &mut Staking, node_id: ID, auth: Authenticated,
		//     authorized: Authorized)
		"set_governance_authorized": {
			Params: []exec.Param{mutStaking, pure(id), {Kind: exec.Value, Type: authenticated}, {Kind: exec.Value, Type: authorized}},
			Call:   m.setAuthorized(contract.SetGovernanceAuthorized),
		},
		// set_storage_price_vote, set_write_price_vote, set_node_capacity_vote(self: &mut Staking,
		//     cap: &StorageNodeCap, value: u64)
		"set_storage_price_vote": vote(contract.StoragePriceVote),
		"set_write_price_vote":   vote(contract.WritePriceVote),
		"set_node_capacity_vote": vote(contract.NodeCapacityVote),
		// update_prices(staking: &mut Staking, system: &mut System)
		"update_prices": {Params: []exec.Param{mutStaking, {Kind: exec.MutRef, Type: sys}}, Call: m.updatePrices},
		// set_next_public_key(self: &mut Staking, cap: &StorageNodeCap, public_key: vector<u8>,
		//     proof_of_possession: vector<u8>)
		"set_next_public_key": {Params: []exec.Param{mutStaking, refCap, bytes, bytes}, Call: m.setNextPublicKey},
		// set_name(self: &mut Staking, cap: &StorageNodeCap, name: String)
		"set_name": capString(contract.SetName),
		// set_network_address(self: &mut Staking, cap: &StorageNodeCap, network_address: String)
		"set_network_address": capString(contract.SetNetworkAddress),
		// set_network_public_key(self: &mut Staking, cap: &StorageNodeCap, network_public_key: vector<u8>)
		"set_network_public_key": {Params: []exec.Param{mutStaking, refCap, bytes}, Call: m.withCap(func(c *exec.Call, s *contract.StakingState, k *walrus.StorageNodeCap) error {
			a := argsOf(c)
			key := a.bytes(2)
			if a.err != nil {
				return a.err
			}
			return contract.SetNetworkPublicKey(s, k, key)
		})},
		// voting_end(staking: &mut Staking, clock: &Clock)
		"voting_end": {Params: []exec.Param{mutStaking, {Kind: exec.Ref, Type: clock}}, Call: m.votingEnd},
		// initiate_epoch_change(staking: &mut Staking, system: &mut System, clock: &Clock):
		// deprecated, always aborts.
		"initiate_epoch_change": {
			Params: []exec.Param{mutStaking, {Kind: exec.MutRef, Type: sys}, {Kind: exec.Ref, Type: clock}},
			Call: func(c *exec.Call) error {
				return moveError(c, &m.ids, contract.InitiateEpochChange())
			},
		},
		// initiate_epoch_change_v2(staking: &mut Staking, system: &mut System,
		//     treasury: &mut ProtectedTreasury, clock: &Clock)
		"initiate_epoch_change_v2": {
			Params: []exec.Param{mutStaking, {Kind: exec.MutRef, Type: sys}, {Kind: exec.MutRef, Type: treasury}, {Kind: exec.Ref, Type: clock}},
			Call:   m.initiateEpochChangeV2,
		},
		// epoch_sync_done(staking: &mut Staking, cap: &mut StorageNodeCap, epoch: u32, clock: &Clock)
		"epoch_sync_done": {
			Params: []exec.Param{mutStaking, {Kind: exec.MutRef, Type: cap}, pure(sui.TypeTagU32), {Kind: exec.Ref, Type: clock}},
			Call:   m.epochSyncDone,
		},
		// stake_with_pool(staking: &mut Staking, to_stake: Coin<WAL>, node_id: ID): StakedWal
		"stake_with_pool": {
			Params:  []exec.Param{mutStaking, {Kind: exec.Value, Type: wal}, pure(id)},
			Returns: []sui.TypeTag{sw},
			Call:    m.stakeWithPool,
		},
		// request_withdraw_stake(staking: &mut Staking, staked_wal: &mut StakedWal)
		"request_withdraw_stake": {Params: []exec.Param{mutStaking, {Kind: exec.MutRef, Type: sw}}, Call: m.requestWithdrawStake},
		// withdraw_stake(staking: &mut Staking, staked_wal: StakedWal): Coin<WAL>
		"withdraw_stake": {
			Params:  []exec.Param{mutStaking, {Kind: exec.Value, Type: sw}},
			Returns: []sui.TypeTag{wal},
			Call:    m.withdrawStake,
		},
		// try_join_active_set(staking: &mut Staking, cap: &StorageNodeCap)
		"try_join_active_set": {Params: []exec.Param{mutStaking, refCap}, Call: m.withCap(func(_ *exec.Call, s *contract.StakingState, k *walrus.StorageNodeCap) error {
			return contract.TryJoinActiveSet(s, k)
		})},
		// epoch(staking: &Staking): u32
		"epoch": {
			Params:  []exec.Param{{Kind: exec.Ref, Type: staking}},
			Returns: []sui.TypeTag{sui.TypeTagU32},
			Call: func(c *exec.Call) error {
				sc, err := m.loadStaking(c, 0, false)
				if err != nil {
					return err
				}
				return c.Return(sui.TypeTagU32, bcs.Marshal(walrus.U32(sc.st.Epoch())))
			},
		},
		// calculate_rewards(staking: &Staking, node_id: ID, staked_principal: u64,
		//     activation_epoch: u32, withdraw_epoch: u32): u64
		"calculate_rewards": {
			Params:  []exec.Param{{Kind: exec.Ref, Type: staking}, pure(id), pure(sui.TypeTagU64), pure(sui.TypeTagU32), pure(sui.TypeTagU32)},
			Returns: []sui.TypeTag{sui.TypeTagU64},
			Call:    m.calculateRewards,
		},
		// can_withdraw_staked_wal_early(staking: &Staking, staked_wal: &StakedWal): bool
		"can_withdraw_staked_wal_early": {
			Params:  []exec.Param{{Kind: exec.Ref, Type: staking}, {Kind: exec.Ref, Type: sw}},
			Returns: []sui.TypeTag{sui.TypeTagBool},
			Call:    m.canWithdrawEarly,
		},
	}
}

func (m *module) structType(s sui.StructTag) sui.TypeTag {
	return sui.TypeTag{Kind: sui.TypeStruct, Struct: &s}
}

// stakingTx runs f on the Staking of argument 0 (borrowed mutably) and stores what it
// changed; f's contract error becomes the Move failure.
func (m *module) stakingTx(c *exec.Call, f func(tx *txContext, s *contract.StakingState) error) error {
	sc, err := m.loadStaking(c, 0, true)
	if err != nil {
		return err
	}
	tx := m.txContext(c)
	if err := f(tx, sc.st); err != nil {
		return moveError(c, &m.ids, err)
	}
	if tx.err != nil {
		return tx.err
	}
	return sc.store()
}

// withCap is a function of (&mut Staking, &StorageNodeCap, ...).
func (m *module) withCap(f func(c *exec.Call, s *contract.StakingState, cap *walrus.StorageNodeCap) error) func(*exec.Call) error {
	return func(c *exec.Call) error {
		var cap walrus.StorageNodeCap
		if err := objectArg(c, 1, &cap); err != nil {
			return err
		}
		return m.stakingTx(c, func(_ *txContext, s *contract.StakingState) error { return f(c, s, &cap) })
	}
}

func (m *module) setVote(v contract.Vote) func(*exec.Call) error {
	return m.withCap(func(c *exec.Call, s *contract.StakingState, cap *walrus.StorageNodeCap) error {
		a := argsOf(c)
		value := a.u64(2)
		if a.err != nil {
			return a.err
		}
		return contract.SetVote(s, cap, v, value)
	})
}

func (m *module) registerCandidate(c *exec.Call) error {
	a := argsOf(c)
	p := contract.RegisterCandidateParams{
		Name: a.str(1), NetworkAddress: a.str(2), PublicKey: a.bytes(4), NetworkPublicKey: a.bytes(5),
		ProofOfPossession: a.bytes(6), CommissionRate: a.u16(7), StoragePrice: a.u64(8), WritePrice: a.u64(9), NodeCapacity: a.u64(10),
	}
	a.decode(3, &p.Metadata)
	if a.err != nil {
		return a.err
	}
	var cap walrus.StorageNodeCap
	if err := m.stakingTx(c, func(tx *txContext, s *contract.StakingState) (err error) {
		_, cap, err = contract.RegisterCandidate(&tx.TxContext, s, p)
		return err
	}); err != nil {
		return err
	}
	return c.Put(m.ids.Struct("storage_node", "StorageNodeCap"), bcs.Marshal(&cap), exec.Returned())
}

// authenticated is walrus::auth::Authenticated: Sender(address) | Object(ID).
type authenticated contract.Authenticated

func (a *authenticated) MarshalBCS(e *bcs.Encoder) {
	if a.Object {
		e.ULEB128(1)
	} else {
		e.ULEB128(0)
	}
	a.ID.MarshalBCS(e)
}

func (a *authenticated) UnmarshalBCS(d *bcs.Decoder) {
	a.Object = d.Tag(2) == 1
	a.ID.UnmarshalBCS(d)
}

func (m *module) collectCommission(c *exec.Call) error {
	a := argsOf(c)
	nodeID := a.id(1)
	var auth authenticated
	a.decode(2, &auth)
	if a.err != nil {
		return a.err
	}
	var amount uint64
	if err := m.stakingTx(c, func(_ *txContext, s *contract.StakingState) (err error) {
		amount, err = contract.CollectCommission(s, nodeID, contract.Authenticated(auth))
		return err
	}); err != nil {
		return err
	}
	return m.returnCoin(c, amount)
}

// returnCoin returns a new Coin<WAL> of amount (balance::into_coin).
func (m *module) returnCoin(c *exec.Call, amount uint64) error {
	coinType := *m.ids.WALCoinType().Struct
	return c.Put(coinType, exec.CoinContents(c.FreshID(), amount), exec.Returned())
}

func (m *module) setAuthorized(set func(*contract.StakingState, walrus.ID, contract.Authenticated, walrus.Authorized) error) func(*exec.Call) error {
	return func(c *exec.Call) error {
		a := argsOf(c)
		nodeID := a.id(1)
		var auth authenticated
		var to walrus.Authorized
		a.decode(2, &auth)
		a.decode(3, &to)
		if a.err != nil {
			return a.err
		}
		return m.stakingTx(c, func(_ *txContext, s *contract.StakingState) error {
			return set(s, nodeID, contract.Authenticated(auth), to)
		})
	}
}

func (m *module) updatePrices(c *exec.Call) error {
	sys, err := m.loadSystem(c, 1, true)
	if err != nil {
		return err
	}
	if err := m.stakingTx(c, func(tx *txContext, s *contract.StakingState) error {
		return contract.UpdatePrices(&tx.TxContext, s, sys)
	}); err != nil {
		return err
	}
	return m.storeSystem(c, sys)
}

func (m *module) setNextPublicKey(c *exec.Call) error {
	var cap walrus.StorageNodeCap
	a := argsOf(c)
	a.object(1, &cap)
	pk, pop := a.bytes(2), a.bytes(3)
	if a.err != nil {
		return a.err
	}
	return m.stakingTx(c, func(tx *txContext, s *contract.StakingState) error {
		return contract.SetNextPublicKey(&tx.TxContext, s, &cap, pk, pop)
	})
}

func (m *module) votingEnd(c *exec.Call) error {
	now, err := c.ClockTimestampMs()
	if err != nil {
		return err
	}
	return m.stakingTx(c, func(tx *txContext, s *contract.StakingState) error {
		return contract.VotingEnd(&tx.TxContext, s, now)
	})
}

func (m *module) initiateEpochChangeV2(c *exec.Call) error {
	now, err := c.ClockTimestampMs()
	if err != nil {
		return err
	}
	sys, err := m.loadSystem(c, 1, true)
	if err != nil {
		return err
	}
	if err := m.loadDenyListSizes(c, sys); err != nil {
		return err
	}
	tr, err := m.loadTreasuryCap(c, 2)
	if err != nil {
		return err
	}
	supply := tr.supply
	if err := m.stakingTx(c, func(tx *txContext, s *contract.StakingState) error {
		_, err := contract.InitiateEpochChangeV2(&tx.TxContext, s, sys, &supply, now)
		return err
	}); err != nil {
		return err
	}
	if err := m.storeSystem(c, sys); err != nil {
		return err
	}
	if supply != tr.supply {
		return c.SetChild(tr.field, tr.capID, treasuryCapContents(tr.capID, supply))
	}
	return nil
}

// treasuryCap is the TreasuryCap<WAL> inside a ProtectedTreasury.
type treasuryCap struct {
	field, capID walrus.ID
	supply       uint64
}

// loadTreasuryCap reads the TreasuryCap of the ProtectedTreasury of argument i
// (wal::borrow_cap_mut: the dynamic object field TreasuryCapKey).
func (m *module) loadTreasuryCap(c *exec.Call, i int) (*treasuryCap, error) {
	treasury, err := c.ObjectID(i)
	if err != nil {
		return nil, err
	}
	fid := m.ids.treasuryCapFieldID(treasury)
	f, ok, err := c.Child(treasury, fid)
	if err != nil {
		return nil, err
	}
	if !ok || len(f.Contents) != 65 {
		return nil, c.Abort(addr2, "dynamic_field", "borrow_child_object_mut", contract.ErrFieldDoesNotExist.Code)
	}
	capID := walrus.ID(f.Contents[33:])
	o, ok, err := c.Child(fid, capID)
	if err != nil {
		return nil, err
	}
	if !ok || len(o.Contents) != 40 {
		return nil, c.Abort(addr2, "dynamic_field", "borrow_child_object_mut", contract.ErrFieldDoesNotExist.Code)
	}
	return &treasuryCap{field: fid, capID: capID, supply: binary.LittleEndian.Uint64(o.Contents[32:])}, nil
}

// loadDenyListSizes reads the System's deny-list sizes (the value of the inner state's
// deny_list_sizes extended field), which the reward distribution deducts.
func (m *module) loadDenyListSizes(c *exec.Call, sys *contract.SystemState) error {
	ext := sys.Inner.DenyListSizes.ID
	var f walrus.DenyListSizesField
	if err := m.readField(c, ext, m.ids.extendedFieldValueID(ext), &f, false); err != nil {
		return err
	}
	sys.DenyListSizes = f.Value
	return nil
}

func (m *module) epochSyncDone(c *exec.Call) error {
	now, err := c.ClockTimestampMs()
	if err != nil {
		return err
	}
	var cap walrus.StorageNodeCap
	a := argsOf(c)
	a.object(1, &cap)
	epoch := a.u32(2)
	if a.err != nil {
		return a.err
	}
	if err := m.stakingTx(c, func(tx *txContext, s *contract.StakingState) error {
		return contract.EpochSyncDone(&tx.TxContext, s, &cap, epoch, now)
	}); err != nil {
		return err
	}
	return c.Encode(1, &cap)
}

func (m *module) stakeWithPool(c *exec.Call) error {
	a := argsOf(c)
	coin := a.coin(1)
	nodeID := a.id(2)
	if a.err != nil {
		return a.err
	}
	// coin::into_balance destroys the coin.
	if err := c.Delete(coin.ID); err != nil {
		return err
	}
	var sw walrus.StakedWal
	if err := m.stakingTx(c, func(tx *txContext, s *contract.StakingState) (err error) {
		sw, err = contract.StakeWithPool(&tx.TxContext, s, coin.Value, nodeID)
		return err
	}); err != nil {
		return err
	}
	return c.Put(m.ids.Struct("staked_wal", "StakedWal"), bcs.Marshal(&sw), exec.Returned())
}

func (m *module) requestWithdrawStake(c *exec.Call) error {
	var sw walrus.StakedWal
	if err := objectArg(c, 1, &sw); err != nil {
		return err
	}
	if err := m.stakingTx(c, func(tx *txContext, s *contract.StakingState) error {
		return contract.RequestWithdrawStake(&tx.TxContext, s, &sw)
	}); err != nil {
		return err
	}
	return c.Encode(1, &sw)
}

func (m *module) withdrawStake(c *exec.Call) error {
	var sw walrus.StakedWal
	if err := objectArg(c, 1, &sw); err != nil {
		return err
	}
	var amount uint64
	if err := m.stakingTx(c, func(tx *txContext, s *contract.StakingState) (err error) {
		amount, err = contract.WithdrawStake(&tx.TxContext, s, sw)
		return err
	}); err != nil {
		return err
	}
	// staked_wal::into_balance destroys the StakedWal; the balance becomes a new coin.
	if err := c.Delete(sw.ID); err != nil {
		return err
	}
	return m.returnCoin(c, amount)
}

func (m *module) calculateRewards(c *exec.Call) error {
	sc, err := m.loadStaking(c, 0, false)
	if err != nil {
		return err
	}
	a := argsOf(c)
	nodeID, principal, activation, withdraw := a.id(1), a.u64(2), a.u32(3), a.u32(4)
	if a.err != nil {
		return a.err
	}
	r, err := contract.CalculateRewards(sc.st, nodeID, principal, activation, withdraw)
	if err != nil {
		return moveError(c, &m.ids, err)
	}
	return c.Return(sui.TypeTagU64, bcs.Marshal(walrus.U64(r)))
}

func (m *module) canWithdrawEarly(c *exec.Call) error {
	sc, err := m.loadStaking(c, 0, false)
	if err != nil {
		return err
	}
	var sw walrus.StakedWal
	if err := objectArg(c, 1, &sw); err != nil {
		return err
	}
	ok, err := contract.CanWithdrawStakedWalEarly(sc.st, &sw)
	if err != nil {
		return moveError(c, &m.ids, err)
	}
	b := byte(0)
	if ok {
		b = 1
	}
	return c.Return(sui.TypeTagBool, []byte{b})
}
