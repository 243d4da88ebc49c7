package contract

import (
	"math"
	"math/big"

	"github.com/tuskstore/tusk/chain/walrus"
)

// The epoch change: voting_end selects the next committee and capacity,
// initiate_epoch_change_v2 moves System and Staking to the next epoch and distributes the
// ending epoch's rewards, and epoch_sync_done collects the nodes' attestations until a
// quorum of shards is done.

// ErrSupplyOverflow: sui::balance EOverflow, burning more WAL than the supply holds.
var ErrSupplyOverflow = &Abort{Module: "sui::balance", Code: 1, Name: "EOverflow", Function: "decrease_supply"}

// VotingEndAt is when voting_end may run: half an epoch after the last epoch change
// completed (state EpochChangeDone(t)), or at first_epoch_start in epoch 0. ok is false
// in any other state.
func (s *StakingState) VotingEndAt() (ms uint64, ok bool) {
	if s.Inner.EpochState.Kind != walrus.EpochStateChangeDone {
		return 0, false
	}
	if s.Inner.Epoch == 0 {
		return s.Inner.FirstEpochStart, true
	}
	return s.Inner.EpochState.TimestampMs + s.Inner.EpochDuration/2, true
}

// EpochChangeAt is when initiate_epoch_change_v2 may run: an epoch duration after the
// last epoch change completed (state NextParamsSelected(t)), or at first_epoch_start in
// epoch 0. ok is false in any other state.
func (s *StakingState) EpochChangeAt() (ms uint64, ok bool) {
	if s.Inner.EpochState.Kind != walrus.EpochStateNextParamsSelected {
		return 0, false
	}
	if s.Inner.Epoch == 0 {
		return s.Inner.FirstEpochStart, true
	}
	return s.Inner.EpochState.TimestampMs + s.Inner.EpochDuration, true
}

// VotingEnd is staking::voting_end (staking_inner::voting_end), permissionless: once the
// time has come (VotingEndAt, nowMs being the Clock), the commission blocked in the
// previous committee's pools is released, the next committee is selected from the active
// set (D'Hondt with the per-node cap, shards kept in place where possible) with its
// public keys and the capacity (quorum_above of the members' capacity votes normalised to
// n_shards), the state becomes NextParamsSelected(t) and EpochParametersSelected(E+1) is
// emitted.
//
// Aborts: ErrStakingWrongVersion; ErrWrongEpochState when the state is not
// EpochChangeDone (parameters already selected, or an epoch change in progress) or it is
// too early; the selection's ErrNoStake, ErrZeroNodeWeight.
func VotingEnd(ctx *TxContext, s *StakingState, nowMs uint64) error {
	const fn = "voting_end"
	if err := s.CheckVersion(); err != nil {
		return err
	}
	if s.Inner.EpochState.Kind != walrus.EpochStateChangeDone {
		return ErrWrongEpochState.in(fn, "state %s", s.Inner.EpochState.Kind)
	}
	lastEpochChange := s.Inner.EpochState.TimestampMs
	due, _ := s.VotingEndAt()
	if nowMs < due {
		return ErrWrongEpochState.in(fn, "voting ends at %d ms, now %d", due, nowMs)
	}
	// Release the commission blocked in the previous committee's pools at the last epoch
	// change.
	for _, e := range s.Inner.PreviousCommittee {
		ok, err := s.Pools.Contains(e.NodeID)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		pool, err := s.Pools.Pool(e.NodeID, true)
		if err != nil {
			return err
		}
		pool.clearBlockedCommission()
	}
	if err := s.selectCommitteeAndCalculateVotes(); err != nil {
		return err
	}
	s.Inner.EpochState = walrus.EpochState{Kind: walrus.EpochStateNextParamsSelected, TimestampMs: lastEpochChange}
	ctx.emit(&walrus.EpochParametersSelected{NextEpoch: s.Inner.Epoch + 1})
	return nil
}

// selectCommitteeAndCalculateVotes is staking_inner::select_committee_and_calculate_votes.
func (s *StakingState) selectCommitteeAndCalculateVotes() error {
	const fn = "select_committee_and_calculate_votes"
	if s.Inner.NextCommittee != nil {
		return ErrCommitteeSelected.in(fn, "the committee of epoch %d is selected", s.Inner.Epoch+1)
	}
	committee, err := ComputeNextCommittee(s.Inner.Committee, s.Inner.NShards, s.ActiveSet.Nodes)
	if err != nil {
		return err
	}
	keys := make(walrus.NodePublicKeys, 0, len(committee))
	votes := make([]WeightedVote, 0, len(committee))
	for _, e := range committee {
		pool, err := s.Pools.Pool(e.NodeID, false)
		if err != nil {
			return err
		}
		weight := uint64(len(e.Shards))
		if weight == 0 {
			return ErrZeroNodeWeight.in(fn, "node %s has no shards", e.NodeID)
		}
		pk := pool.NodeInfo.PublicKey
		if pool.NodeInfo.NextEpochPublicKey != nil {
			pk = *pool.NodeInfo.NextEpochPublicKey
		}
		keys = append(keys, walrus.NodePublicKey{NodeID: e.NodeID, PublicKey: append([]byte(nil), pk...)})
		// The capacity vote, normalised to the whole system (u128, capped at u64::MAX).
		v := new(big.Int).Mul(new(big.Int).SetUint64(pool.VotingParams.NodeCapacity), big.NewInt(int64(s.Inner.NShards)))
		v.Quo(v, new(big.Int).SetUint64(weight))
		vote := uint64(math.MaxUint64)
		if v.IsUint64() {
			vote = v.Uint64()
		}
		votes = append(votes, WeightedVote{Value: vote, Weight: weight})
	}
	capacity, err := QuorumAbove(votes, s.Inner.NShards)
	if err != nil {
		return err
	}
	s.NextEpochPublicKeys = keys
	s.Inner.NextCommittee = &committee
	s.Inner.NextEpochParams = &walrus.EpochParams{
		TotalCapacitySize:       capacity,
		StoragePricePerUnitSize: math.MaxUint64, // prices apply when votes are cast
		WritePricePerUnitSize:   math.MaxUint64,
	}
	return nil
}

// NextBlsCommittee is staking_inner::next_bls_committee: the BLS committee of E+1 from the
// selected committee and the public keys voting_end stored (which it takes out).
// ErrNextCommitteeIsEmpty before voting_end.
func (s *StakingState) NextBlsCommittee() (walrus.BlsCommittee, error) {
	const fn = "next_bls_committee"
	if s.Inner.NextCommittee == nil {
		return walrus.BlsCommittee{}, ErrNextCommitteeIsEmpty.in(fn, "no committee selected for epoch %d", s.Inner.Epoch+1)
	}
	pks := s.NextEpochPublicKeys
	s.NextEpochPublicKeys = nil
	next := *s.Inner.NextCommittee
	if len(pks) != len(next) {
		return walrus.BlsCommittee{}, errVector("walrus::staking_inner::next_bls_committee", "%d keys for %d members", len(pks), len(next))
	}
	members := make([]walrus.BlsCommitteeMember, len(next))
	for i, e := range next {
		if pks[i].NodeID != e.NodeID {
			return walrus.BlsCommittee{}, (&Abort{Module: "walrus::staking_inner", Code: 10, Name: "EIncorrectNodeOrder"}).in(fn, "key of %s for member %s", pks[i].NodeID, e.NodeID)
		}
		members[i] = walrus.BlsCommitteeMember{PublicKey: pks[i].PublicKey, Weight: uint16(len(e.Shards)), NodeID: e.NodeID}
	}
	return NewBlsCommittee(s.Inner.Epoch+1, members)
}

// InitiateEpochChange is staking::initiate_epoch_change, which always aborts
// (ErrDeprecatedFunction): initiate_epoch_change_v2 replaces it.
func InitiateEpochChange() error {
	return ErrDeprecatedFunction.in("initiate_epoch_change", "use initiate_epoch_change_v2")
}

// InitiateEpochChangeV2 is staking::initiate_epoch_change_v2, permissionless:
//
//  1. 3% of the ending epoch's rewards are burned (system::extract_burn_balance, then
//     wal::burn from *walSupply, the TreasuryCap's total supply); the amount is returned;
//  2. system::advance_epoch with next_bls_committee and the selected parameters: the
//     System moves to E+1 and the remaining rewards R are split over the old committee
//     by shards × (used capacity − deny-list size);
//  3. staking_inner::initiate_epoch_change, once the time has come (EpochChangeAt):
//     E+1 with the selected committee, state EpochChangeSync(0); each old member's pool
//     advances with its reward (commission to the commission balance, blocked until
//     voting_end; the rest to the stakers through the exchange rate; pending stake and
//     withdrawals processed), as do the pools of new members (without rewards), and the
//     active set gets their stake for the next vote; EpochChangeStart(E+1) is emitted;
//  4. update_prices for the new committee (PricesUpdated).
//
// Aborts, in order: the System's ErrSystemWrongVersion; ErrStakingWrongVersion;
// ErrNextCommitteeIsEmpty before voting_end or after the change (the call already made);
// system::advance_epoch's; ErrWrongEpochState when it is too early; the pools'.
func InitiateEpochChangeV2(ctx *TxContext, s *StakingState, sys *SystemState, walSupply *uint64, nowMs uint64) (burned uint64, err error) {
	if burned, err = ExtractBurnBalance(sys); err != nil {
		return 0, err
	}
	if *walSupply < burned {
		return 0, ErrSupplyOverflow.with("burning %d FROST of a supply of %d", burned, *walSupply)
	}
	*walSupply -= burned
	if err := s.CheckVersion(); err != nil {
		return 0, err
	}
	committee, err := s.NextBlsCommittee()
	if err != nil {
		return 0, err
	}
	if s.Inner.NextEpochParams == nil { // option::borrow
		return 0, &Abort{Module: "std::option", Code: 0x40001, Name: "EOPTION_NOT_SET", Function: "borrow"}
	}
	rewards, err := AdvanceEpoch(sys, committee, *s.Inner.NextEpochParams)
	if err != nil {
		return 0, err
	}
	if err := s.initiateEpochChange(ctx, nowMs, rewards); err != nil {
		return 0, err
	}
	return burned, UpdatePrices(ctx, s, sys)
}

// initiateEpochChange is staking_inner::initiate_epoch_change.
func (s *StakingState) initiateEpochChange(ctx *TxContext, nowMs uint64, rewards []NodeReward) error {
	const fn = "initiate_epoch_change"
	if s.Inner.EpochState.Kind != walrus.EpochStateNextParamsSelected {
		return ErrWrongEpochState.in(fn, "state %s", s.Inner.EpochState.Kind)
	}
	due, _ := s.EpochChangeAt()
	if nowMs < due {
		return ErrWrongEpochState.in(fn, "the epoch change is due at %d ms, now %d", due, nowMs)
	}
	return s.advanceEpoch(ctx, rewards)
}

// advanceEpoch is staking_inner::advance_epoch.
func (s *StakingState) advanceEpoch(ctx *TxContext, rewards []NodeReward) error {
	if s.Inner.NextCommittee == nil {
		return ErrWrongEpochState.in("advance_epoch", "no next committee")
	}
	s.Inner.Epoch++
	s.Inner.PreviousCommittee = s.Inner.Committee
	s.Inner.Committee = *s.Inner.NextCommittee
	s.Inner.NextCommittee = nil
	s.Inner.EpochState = walrus.EpochState{Kind: walrus.EpochStateChangeSync}
	wctx := s.newWalrusContext() // of the new epoch

	_, newIDs := CommitteeDiff(s.Inner.PreviousCommittee, s.Inner.Committee)
	advance := func(nodeID walrus.ID, reward uint64) error {
		pool, err := s.Pools.Pool(nodeID, true)
		if err != nil {
			return err
		}
		if err := pool.advanceEpoch(reward, wctx); err != nil {
			return err
		}
		stake, err := pool.walBalanceAtEpoch(wctx.epoch + 1)
		if err != nil {
			return err
		}
		_, err = s.ActiveSet.InsertOrUpdate(nodeID, stake)
		return err
	}
	for _, r := range rewards {
		if err := advance(r.NodeID, r.Reward); err != nil {
			return err
		}
	}
	// The nodes that just joined have no rewards yet.
	for _, id := range newIDs {
		if err := advance(id, 0); err != nil {
			return err
		}
	}
	ctx.emit(&walrus.EpochChangeStart{Epoch: s.Inner.Epoch})
	return nil
}

// EpochSyncDone is staking::epoch_sync_done: the node of cap attests that it has all its
// shards for epoch; its shards count towards the sync weight while the epoch change is in
// progress, and when they make a quorum the state becomes EpochChangeDone(now) and
// EpochChangeDone is emitted; ShardsReceived(epoch, its shards) is emitted in any case.
//
// Aborts, in order: ErrStakingWrongVersion; ErrInvalidSyncEpoch for another epoch than the
// current one; ErrDuplicateSyncDone when the cap already attested this epoch;
// ErrNotInCommittee.
func EpochSyncDone(ctx *TxContext, s *StakingState, cap *walrus.StorageNodeCap, epoch uint32, nowMs uint64) error {
	const fn = "epoch_sync_done"
	if err := s.CheckVersion(); err != nil {
		return err
	}
	if epoch != s.Inner.Epoch {
		return ErrInvalidSyncEpoch.in(fn, "epoch %d, the current epoch is %d", epoch, s.Inner.Epoch)
	}
	if cap.LastEpochSyncDone >= s.Inner.Epoch {
		return ErrDuplicateSyncDone.in(fn, "node %s already attested epoch %d", cap.NodeID, cap.LastEpochSyncDone)
	}
	shards, ok := s.Inner.Committee.ShardsOf(cap.NodeID)
	if !ok {
		return ErrNotInCommittee.in(fn, "node %s is not in the committee of epoch %d", cap.NodeID, s.Inner.Epoch)
	}
	cap.LastEpochSyncDone = s.Inner.Epoch
	if s.Inner.EpochState.Kind == walrus.EpochStateChangeSync {
		weight := s.Inner.EpochState.SyncWeight + uint16(len(shards))
		if s.IsQuorum(weight) {
			s.Inner.EpochState = walrus.EpochState{Kind: walrus.EpochStateChangeDone, TimestampMs: nowMs}
			ctx.emit(&walrus.EpochChangeDone{Epoch: s.Inner.Epoch})
		} else {
			s.Inner.EpochState = walrus.EpochState{Kind: walrus.EpochStateChangeSync, SyncWeight: weight}
		}
	}
	ctx.emit(&walrus.ShardsReceived{Epoch: s.Inner.Epoch, Shards: append([]uint16(nil), shards...)})
	return nil
}
