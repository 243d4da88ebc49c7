package contract

import (
	"cmp"
	"math"
	"slices"

	"github.com/tuskstore/tusk/chain/keys"
	"github.com/tuskstore/tusk/chain/messages"
	"github.com/tuskstore/tusk/chain/walrus"
)

// The staking functions (staking.move entry points over staking_inner.move). Each checks
// the Staking version first (staking::inner_mut), as Move does.

// ErrPopFromEmptyPriorityQueue: sui::priority_queue pop_max on an empty queue (a quorum
// vote over a committee holding fewer shards than n_shards).
var ErrPopFromEmptyPriorityQueue = &Abort{Module: "sui::priority_queue", Code: 0, Name: "EPopFromEmptyHeap", Function: "pop_max"}

// RegisterCandidateParams are the arguments of staking::register_candidate.
type RegisterCandidateParams struct {
	Name              string
	NetworkAddress    string
	Metadata          walrus.NodeMetadata
	PublicKey         []byte // the 48-byte compressed BLS12-381 G1 key
	NetworkPublicKey  []byte // the 33-byte compressed P-256 key
	ProofOfPossession []byte // messages.SignProofOfPossession over the current epoch and the sender
	CommissionRate    uint16 // basis points
	StoragePrice      uint64
	WritePrice        uint64
	NodeCapacity      uint64
}

// RegisterCandidate is staking::register_candidate (staking_inner::create_pool,
// staking_pool::new, storage_node::new and new_cap): a new staking pool, whose object ID
// is the node ID, added to the pools, and the node's StorageNodeCap, which becomes the
// commission receiver. The pool is active from the current epoch, or the next one when
// the next committee is already selected; the governance is authorized to the sender.
// Fresh IDs in Move's order: pool, exchange-rate table, metadata field, extra-fields bag,
// cap.
//
// Aborts, in order: ErrStakingWrongVersion; ErrInvalidKeyLength (messages) for a key that
// is not 48 bytes; ErrInvalidProofOfPossession unless the proof of possession of the key
// verifies for the current epoch and the sender; ErrInvalidNameLength;
// ErrInvalidNetworkAddressLength; ErrIncorrectCommissionRate; ErrInvalidNetworkPublicKey.
func RegisterCandidate(ctx *TxContext, s *StakingState, p RegisterCandidateParams) (*Pool, walrus.StorageNodeCap, error) {
	const fn = "new"
	if err := s.CheckVersion(); err != nil {
		return nil, walrus.StorageNodeCap{}, err
	}
	wctx := s.newWalrusContext()
	upk, err := checkProofOfPossession(fn, wctx.epoch, ctx.Sender, p.PublicKey, p.ProofOfPossession)
	if err != nil {
		return nil, walrus.StorageNodeCap{}, err
	}
	if len(p.Name) > MaxNodeNameLength {
		return nil, walrus.StorageNodeCap{}, ErrInvalidNameLength.in(fn, "name of %d bytes, at most %d", len(p.Name), MaxNodeNameLength)
	}
	if len(p.NetworkAddress) > MaxNetworkAddressLength {
		return nil, walrus.StorageNodeCap{}, ErrInvalidNetworkAddressLength.in(fn, "network address of %d bytes, at most %d", len(p.NetworkAddress), MaxNetworkAddressLength)
	}
	if p.CommissionRate > NBasisPoints {
		return nil, walrus.StorageNodeCap{}, ErrIncorrectCommissionRate.in(fn, "commission rate %d, at most %d", p.CommissionRate, NBasisPoints)
	}
	if len(p.NetworkPublicKey) != keys.NetworkPublicKeySize {
		return nil, walrus.StorageNodeCap{}, ErrInvalidNetworkPublicKey.in(fn, "network key of %d bytes, want %d", len(p.NetworkPublicKey), keys.NetworkPublicKeySize)
	}
	activation := wctx.epoch
	if wctx.committeeSelected {
		activation = wctx.epoch + 1
	}
	nodeID := ctx.newID()
	ratesID := ctx.newID()
	metadataID := ctx.newID()
	extraID := ctx.newID()
	metadata := p.Metadata
	sender := walrus.Authorized{Kind: walrus.AuthorizedAddress, ID: ctx.Sender}
	pool := &Pool{
		StakingPool: walrus.StakingPool{
			ID:    nodeID,
			State: walrus.PoolState{Kind: walrus.PoolActive},
			VotingParams: walrus.VotingParams{
				StoragePrice: p.StoragePrice, WritePrice: p.WritePrice, NodeCapacity: p.NodeCapacity,
			},
			NodeInfo: walrus.StorageNodeInfo{
				Name: p.Name, NodeID: nodeID, NetworkAddress: p.NetworkAddress, PublicKey: upk,
				NetworkPublicKey: slices.Clone(p.NetworkPublicKey), Metadata: walrus.ExtendedField{ID: metadataID},
			},
			ActivationEpoch:      activation,
			LatestEpoch:          wctx.epoch,
			CommissionRate:       p.CommissionRate,
			ExchangeRates:        walrus.Table{ID: ratesID},
			CommissionReceiver:   sender,
			GovernanceAuthorized: sender,
			ExtraFields:          walrus.Table{ID: extraID},
		},
		Rates:    MemRates{},
		Metadata: &metadata,
	}
	if err := pool.Rates.Add(activation, flatRate); err != nil {
		return nil, walrus.StorageNodeCap{}, err
	}
	pool.ExchangeRates.Size++
	if err := s.Pools.Add(pool); err != nil {
		return nil, walrus.StorageNodeCap{}, err
	}
	s.Inner.Pools.Size++
	cap := walrus.StorageNodeCap{ID: ctx.newID(), NodeID: nodeID}
	// register_candidate: the commission receiver switches from the sender to the cap.
	pool.CommissionReceiver = walrus.Authorized{Kind: walrus.AuthorizedObjectID, ID: cap.ID}
	return pool, cap, nil
}

// checkProofOfPossession is messages::new_proof_of_possession_msg and
// verify_proof_of_possession (bls12381_min_pk_verify, false for any invalid input), then
// storage_node's g1_from_bytes and g1_to_uncompressed_g1: it returns the uncompressed key.
func checkProofOfPossession(fn string, epoch uint32, sender walrus.ID, publicKey, pop []byte) ([]byte, error) {
	if len(publicKey) != keys.BLSPublicKeySize {
		return nil, ErrInvalidKeyLength.in("new_proof_of_possession_msg", "BLS key of %d bytes, want %d", len(publicKey), keys.BLSPublicKeySize)
	}
	pk := [keys.BLSPublicKeySize]byte(publicKey)
	if err := messages.VerifyProofOfPossession(epoch, sender, pk, pop); err != nil {
		return nil, ErrInvalidProofOfPossession.in(fn, "for epoch %d and sender %s: %v", epoch, sender, err)
	}
	upk, err := G1ToUncompressedG1(pk)
	if err != nil {
		return nil, ErrInvalidG1.in("from_bytes", "%v", err)
	}
	return upk, nil
}

// stakeForNextVote is the stake the active set tracks for a pool: for the committee of
// E+1, or of E+2 once the next committee is selected.
func (s *StakingState) stakeForNextVote(p *Pool) (uint64, error) {
	epoch := s.Inner.Epoch + 1
	if s.isNextParamsSelected() {
		epoch = s.Inner.Epoch + 2
	}
	return p.walBalanceAtEpoch(epoch)
}

// updateActiveSet puts the pool's stake for the next vote into the active set.
func (s *StakingState) updateActiveSet(p *Pool) error {
	stake, err := s.stakeForNextVote(p)
	if err != nil {
		return err
	}
	_, err = s.ActiveSet.InsertOrUpdate(p.ID, stake)
	return err
}

// StakeWithPool is staking::stake_with_pool: amount FROST (the whole Coin<WAL>, which is
// consumed) staked with the node's pool; the new StakedWal activates in E+1, or E+2 once
// the next committee is selected, and the active set counts the pool's stake for the
// next vote.
//
// Aborts: ErrStakingWrongVersion; ErrFieldDoesNotExist for an unknown node; the pool's
// ErrPoolIsNotActive, ErrZeroStake; ErrStakeBelowThreshold for less than 1 WAL.
func StakeWithPool(ctx *TxContext, s *StakingState, amount uint64, nodeID walrus.ID) (walrus.StakedWal, error) {
	if err := s.CheckVersion(); err != nil {
		return walrus.StakedWal{}, err
	}
	wctx := s.newWalrusContext()
	pool, err := s.Pools.Pool(nodeID, true)
	if err != nil {
		return walrus.StakedWal{}, err
	}
	sw, err := pool.stake(ctx, amount, wctx)
	if err != nil {
		return walrus.StakedWal{}, err
	}
	return sw, s.updateActiveSet(pool)
}

// RequestWithdrawStake is staking::request_withdraw_stake: sw becomes withdrawing (see
// the pool's rules: E+1 for a node only in the current committee, E+2 for one in the
// next committee, after one epoch for stake activating in E+1 that counts for the
// selected committee) and the active set drops it from the pool's stake.
//
// Aborts: ErrStakingWrongVersion; ErrFieldDoesNotExist; ErrZeroStake; ErrIncorrectPoolID;
// ErrNotStaked (already withdrawing); ErrWithdrawDirectly (stake that can be withdrawn at
// once, or a node in no committee); ErrActivationEpochNotReached; ErrZeroShares.
func RequestWithdrawStake(ctx *TxContext, s *StakingState, sw *walrus.StakedWal) error {
	if err := s.CheckVersion(); err != nil {
		return err
	}
	wctx := s.newWalrusContext()
	pool, err := s.Pools.Pool(sw.NodeID, true)
	if err != nil {
		return err
	}
	if err := pool.requestWithdrawStake(sw, s.inCommittee(sw.NodeID), s.inNextCommittee(sw.NodeID), wctx); err != nil {
		return err
	}
	return s.updateActiveSet(pool)
}

// WithdrawStake is staking::withdraw_stake: the StakedWal is destroyed and its principal
// with its rewards returned (the amount of the new Coin<WAL>, in FROST).
//
// Aborts: ErrStakingWrongVersion; ErrFieldDoesNotExist; ErrZeroStake; ErrIncorrectPoolID;
// ErrNotWithdrawing (active stake without a request); ErrWithdrawEpochNotReached;
// ErrActivationEpochNotReached; pending_values' ErrMissingEpochValue,
// ErrReduceValueTooLarge.
func WithdrawStake(ctx *TxContext, s *StakingState, sw walrus.StakedWal) (uint64, error) {
	if err := s.CheckVersion(); err != nil {
		return 0, err
	}
	wctx := s.newWalrusContext()
	pool, err := s.Pools.Pool(sw.NodeID, true)
	if err != nil {
		return 0, err
	}
	amount, err := pool.withdrawStake(sw, s.inCommittee(sw.NodeID), s.inNextCommittee(sw.NodeID), wctx)
	if err != nil {
		return 0, err
	}
	return amount, s.updateActiveSet(pool)
}

// TryJoinActiveSet is staking::try_join_active_set: the node's stake for the next vote
// is put into the active set (useful once another node's stake fell below it).
func TryJoinActiveSet(s *StakingState, cap *walrus.StorageNodeCap) error {
	if err := s.CheckVersion(); err != nil {
		return err
	}
	pool, err := s.Pools.Pool(cap.NodeID, false)
	if err != nil {
		return err
	}
	return s.updateActiveSet(pool)
}

// capPool is the pool of the node whose cap the sender holds, once the package version
// is checked: how every staking::set_* function starts.
func (s *StakingState) capPool(cap *walrus.StorageNodeCap) (*Pool, error) {
	if err := s.CheckVersion(); err != nil {
		return nil, err
	}
	return s.Pools.Pool(cap.NodeID, true)
}

// SetNextCommission is staking::set_next_commission: the rate (basis points) applies from
// E+2 (ErrIncorrectCommissionRate above 10000).
func SetNextCommission(s *StakingState, cap *walrus.StorageNodeCap, rate uint16) error {
	pool, err := s.capPool(cap)
	if err != nil {
		return err
	}
	wctx := s.newWalrusContext()
	return pool.setNextCommission(rate, wctx)
}

// CollectCommission is staking::collect_commission: the node's commission that is not
// blocked (commission added at an epoch change is blocked until voting_end), in FROST,
// for the commission receiver authenticated by auth (ErrAuthorizationFailure otherwise).
func CollectCommission(s *StakingState, nodeID walrus.ID, auth Authenticated) (uint64, error) {
	if err := s.CheckVersion(); err != nil {
		return 0, err
	}
	pool, err := s.Pools.Pool(nodeID, true)
	if err != nil {
		return 0, err
	}
	return pool.collectCommission(auth)
}

// SetCommissionReceiver is staking::set_commission_receiver: auth must match the current
// receiver (ErrAuthorizationFailure).
func SetCommissionReceiver(s *StakingState, nodeID walrus.ID, auth Authenticated, receiver walrus.Authorized) error {
	if err := s.CheckVersion(); err != nil {
		return err
	}
	pool, err := s.Pools.Pool(nodeID, true)
	if err != nil {
		return err
	}
	if !auth.matches(pool.CommissionReceiver) {
		return ErrAuthorizationFailure.in("set_commission_receiver", "not the commission receiver of pool %s", nodeID)
	}
	pool.CommissionReceiver = receiver
	return nil
}

// SetGovernanceAuthorized is staking::set_governance_authorized: auth must match the
// current governance authorization (ErrAuthorizationFailure).
func SetGovernanceAuthorized(s *StakingState, nodeID walrus.ID, auth Authenticated, authorized walrus.Authorized) error {
	if err := s.CheckVersion(); err != nil {
		return err
	}
	pool, err := s.Pools.Pool(nodeID, true)
	if err != nil {
		return err
	}
	if !auth.matches(pool.GovernanceAuthorized) {
		return ErrAuthorizationFailure.in("set_governance_authorized", "not the governance of pool %s", nodeID)
	}
	pool.GovernanceAuthorized = authorized
	return nil
}

// Vote selects one of a pool's voting parameters.
type Vote int

// The votes of set_storage_price_vote, set_write_price_vote and set_node_capacity_vote.
const (
	StoragePriceVote Vote = iota
	WritePriceVote
	NodeCapacityVote
)

// SetVote is staking::set_storage_price_vote, set_write_price_vote or
// set_node_capacity_vote: the node's vote for the parameter. Prices take effect with
// UpdatePrices (called in the same transaction, and at every epoch change), capacity at
// voting_end.
func SetVote(s *StakingState, cap *walrus.StorageNodeCap, vote Vote, value uint64) error {
	pool, err := s.capPool(cap)
	if err != nil {
		return err
	}
	switch vote {
	case StoragePriceVote:
		pool.VotingParams.StoragePrice = value
	case WritePriceVote:
		pool.VotingParams.WritePrice = value
	default:
		pool.VotingParams.NodeCapacity = value
	}
	return nil
}

// WeightedVote is an entry of the priority queues quorum_above and quorum_below pop
// from: a vote and the voter's weight (shards).
type WeightedVote struct {
	Value  uint64
	Weight uint64
}

// byValueDesc orders votes as pop_max pops them (equal values pop in any order, which
// changes neither function's result).
func byValueDesc(votes []WeightedVote) []WeightedVote {
	out := slices.Clone(votes)
	slices.SortStableFunc(out, func(a, b WeightedVote) int { return cmp.Compare(b.Value, a.Value) })
	return out
}

// QuorumAbove is staking_inner::quorum_above: the highest value such that votes holding a
// quorum (2f+1) of nShards voted for it or more.
func QuorumAbove(votes []WeightedVote, nShards uint16) (uint64, error) {
	var sum uint64
	for _, v := range byValueDesc(votes) {
		sum += v.Weight
		if isQuorumForNShards(sum, uint64(nShards)) {
			return v.Value, nil
		}
	}
	return 0, ErrPopFromEmptyPriorityQueue.with("no quorum among %d votes", len(votes))
}

// QuorumBelow is staking_inner::quorum_below: the lowest value such that votes holding a
// quorum of nShards voted for it or less (the highest votes are popped until the rest is
// no quorum; the value popped last).
func QuorumBelow(votes []WeightedVote, nShards uint16) (uint64, error) {
	sum := uint64(nShards)
	for _, v := range byValueDesc(votes) {
		if v.Weight > sum {
			return 0, arithmetic("walrus::staking_inner::quorum_below", "weights exceed n_shards")
		}
		sum -= v.Weight
		if !isQuorumForNShards(sum, uint64(nShards)) {
			return v.Value, nil
		}
	}
	return 0, ErrPopFromEmptyPriorityQueue.with("no value below a quorum among %d votes", len(votes))
}

// RecalculatePrices is staking_inner::recalculate_prices: the quorum_below of the current
// committee's storage and write price votes, each weighted by the member's shards; both
// u64::MAX with no committee (epoch 0).
func RecalculatePrices(s *StakingState) (storage, write uint64, err error) {
	if err := s.CheckVersion(); err != nil {
		return 0, 0, err
	}
	if len(s.Inner.Committee) == 0 {
		return math.MaxUint64, math.MaxUint64, nil
	}
	var sv, wv []WeightedVote
	for _, e := range s.Inner.Committee {
		pool, err := s.Pools.Pool(e.NodeID, false)
		if err != nil {
			return 0, 0, err
		}
		w := uint64(len(e.Shards))
		sv = append(sv, WeightedVote{pool.VotingParams.StoragePrice, w})
		wv = append(wv, WeightedVote{pool.VotingParams.WritePrice, w})
	}
	if storage, err = QuorumBelow(sv, s.Inner.NShards); err != nil {
		return 0, 0, err
	}
	write, err = QuorumBelow(wv, s.Inner.NShards)
	return storage, write, err
}

// UpdatePrices is staking::update_prices: the System's storage and write prices become
// RecalculatePrices', and PricesUpdated is emitted.
func UpdatePrices(ctx *TxContext, s *StakingState, sys *SystemState) error {
	storage, write, err := RecalculatePrices(s)
	if err != nil {
		return err
	}
	if err := sys.CheckVersion(); err != nil {
		return err
	}
	sys.Inner.StoragePricePerUnitSize = storage
	sys.Inner.WritePricePerUnitSize = write
	ctx.emit(&walrus.PricesUpdated{Epoch: s.Inner.Epoch, StoragePrice: storage, WritePrice: write})
	return nil
}

// SetNextPublicKey is staking::set_next_public_key: the node's BLS key from the next
// epoch it is selected for, with its proof of possession for the current epoch and the
// sender (ErrInvalidKeyLength, ErrInvalidProofOfPossession).
func SetNextPublicKey(ctx *TxContext, s *StakingState, cap *walrus.StorageNodeCap, publicKey, pop []byte) error {
	pool, err := s.capPool(cap)
	if err != nil {
		return err
	}
	wctx := s.newWalrusContext()
	upk, err := checkProofOfPossession("set_next_public_key", wctx.epoch, ctx.Sender, publicKey, pop)
	if err != nil {
		return err
	}
	pool.NodeInfo.NextEpochPublicKey = &upk
	return nil
}

// SetName is staking::set_name (ErrInvalidNameLength).
func SetName(s *StakingState, cap *walrus.StorageNodeCap, name string) error {
	pool, err := s.capPool(cap)
	if err != nil {
		return err
	}
	if len(name) > MaxNodeNameLength {
		return ErrInvalidNameLength.in("set_name", "name of %d bytes, at most %d", len(name), MaxNodeNameLength)
	}
	pool.NodeInfo.Name = name
	return nil
}

// SetNetworkAddress is staking::set_network_address (ErrInvalidNetworkAddressLength).
func SetNetworkAddress(s *StakingState, cap *walrus.StorageNodeCap, address string) error {
	pool, err := s.capPool(cap)
	if err != nil {
		return err
	}
	if len(address) > MaxNetworkAddressLength {
		return ErrInvalidNetworkAddressLength.in("set_network_address", "network address of %d bytes, at most %d", len(address), MaxNetworkAddressLength)
	}
	pool.NodeInfo.NetworkAddress = address
	return nil
}

// SetNetworkPublicKey is staking::set_network_public_key (ErrInvalidNetworkPublicKey).
func SetNetworkPublicKey(s *StakingState, cap *walrus.StorageNodeCap, key []byte) error {
	pool, err := s.capPool(cap)
	if err != nil {
		return err
	}
	if len(key) != keys.NetworkPublicKeySize {
		return ErrInvalidNetworkPublicKey.in("set_network_public_key", "network key of %d bytes, want %d", len(key), keys.NetworkPublicKeySize)
	}
	pool.NodeInfo.NetworkPublicKey = slices.Clone(key)
	return nil
}

// CalculateRewards is staking::calculate_rewards: the rewards of principal staked with
// the node between the two epochs (ErrPoolNotFound for an unknown node).
func CalculateRewards(s *StakingState, nodeID walrus.ID, principal uint64, activation, withdraw uint32) (uint64, error) {
	if err := s.CheckVersion(); err != nil {
		return 0, err
	}
	ok, err := s.Pools.Contains(nodeID)
	if err != nil {
		return 0, err
	}
	if !ok {
		return 0, ErrPoolNotFound.in("calculate_rewards", "no staking pool %s", nodeID)
	}
	pool, err := s.Pools.Pool(nodeID, false)
	if err != nil {
		return 0, err
	}
	return pool.calculateRewards(principal, activation, withdraw)
}

// CanWithdrawStakedWalEarly is staking::can_withdraw_staked_wal_early.
func CanWithdrawStakedWalEarly(s *StakingState, sw *walrus.StakedWal) (bool, error) {
	if err := s.CheckVersion(); err != nil {
		return false, err
	}
	return canWithdrawEarly(sw, s.inNextCommittee(sw.NodeID), s.newWalrusContext()), nil
}

// SplitStakedWal is staked_wal::split: a new StakedWal of amount taken from sw, in the
// same state (ErrInvalidAmount unless amount < the principal, ErrStakeBelowThreshold
// unless both parts hold at least 1 WAL).
func SplitStakedWal(ctx *TxContext, sw *walrus.StakedWal, amount uint64) (walrus.StakedWal, error) {
	if sw.Principal <= amount {
		return walrus.StakedWal{}, ErrInvalidAmount.in("split", "splitting %d from %d", amount, sw.Principal)
	}
	if amount < MinStakingThreshold || sw.Principal-amount < MinStakingThreshold {
		return walrus.StakedWal{}, ErrStakeBelowThreshold.in("split", "parts of %d and %d FROST", amount, sw.Principal-amount)
	}
	out := walrus.StakedWal{ID: ctx.newID(), State: sw.State, NodeID: sw.NodeID, Principal: amount, ActivationEpoch: sw.ActivationEpoch}
	sw.Principal -= amount
	return out, nil
}

// JoinStakedWal is staked_wal::join: other (destroyed) is added to sw; both must be of the
// same pool and activation epoch, and both staked or both withdrawing in the same epoch
// (ErrMetadataMismatch).
func JoinStakedWal(sw *walrus.StakedWal, other walrus.StakedWal) error {
	if sw.NodeID != other.NodeID || sw.ActivationEpoch != other.ActivationEpoch {
		return ErrMetadataMismatch.in("join", "different pools or activation epochs")
	}
	if sw.State.Kind == walrus.StakedWalStaked {
		if other.State.Kind != walrus.StakedWalStaked {
			return ErrMetadataMismatch.in("join", "staked and withdrawing")
		}
	} else if other.State.Kind != walrus.StakedWalWithdrawing || sw.State.WithdrawEpoch != other.State.WithdrawEpoch {
		return ErrMetadataMismatch.in("join", "withdrawing in different epochs")
	}
	sum, err := addU64("sui::balance::join", sw.Principal, other.Principal)
	if err != nil {
		return err
	}
	sw.Principal = sum
	return nil
}
