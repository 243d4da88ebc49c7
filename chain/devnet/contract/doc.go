// Package contract is the Walrus Move API implemented in Go for the embedded devnet: the
// same state transitions as the Move contracts, on the BCS types of chain/walrus, so that
// the devnet's objects and events are the bytes Move would produce.
//
// Source followed: MystenLabs/walrus at commit 3c1cacc11c9292ed498f01f798cf790f02ea5062,
// contracts/walrus/sources/**. Each ported function names its Move original; the port
// keeps Move's order of operations wherever the order is observable (tie-breaking in the
// apportionment, which shards move in a committee transition, the order of the active set).
//
// This file set holds the genesis configuration and committee selection:
//
//   - GenesisConfig: the devnet's initial parameters and storage nodes, with Default and
//     Validate (config conventions), and GenesisConfig.Genesis, which derives the node IDs
//     and the first committee from them.
//   - ActiveSet: staking/active_set.move (insert_or_update, update, insert, remove, ...).
//   - DHondt, SelectCommittee (staking_inner.move dhondt, apportionment,
//     max_shards_per_node), on the apportionment queue of
//     staking/apportionment_queue.move.
//   - InitialCommittee and TransitionCommittee: staking/committee.move initialize and
//     transition, CommitteeDiff: committee.move diff; ComputeNextCommittee:
//     staking_inner.move compute_next_committee.
//   - DeriveObjectID: Sui's ObjectID::derive_id, for deterministic object IDs.
//
// And the storage half of the System, pure functions over the BCS types of chain/walrus
// that the transaction executor calls with a TxContext (sender, fresh object IDs, event
// sink), a SystemState (the System, its SystemStateInnerV1 and its deny-list sizes) and
// Coins (a Coin<WAL>'s ID and FROST value):
//
//   - system.go (system.move, system_state_inner.move): ReserveSpace,
//     ReserveSpaceForEpochs, RegisterBlob, CertifyBlob, DeleteBlob,
//     ExtendBlobWithResource, ExtendBlob, InvalidateBlobID, AddSubsidy,
//     AddPerEpochSubsidies, and for the epoch change AdvanceEpoch and ExtractBurnBalance;
//     system_state.go: SystemState with the System accessors and CheckVersion,
//     NewGenesisSystem, TxContext, Coin.
//   - blob.go (blob.move, metadata.move): Burn, the attribute functions (the b"metadata"
//     dynamic field modelled as a *walrus.Metadata kept next to the blob), MetadataFieldID.
//   - shared_blob.go (shared_blob.move): NewSharedBlob, NewFundedSharedBlob,
//     FundSharedBlob, ExtendSharedBlob (extend_blob paid from the funds), and the
//     accessors SharedBlobBlob and SharedBlobFunds.
//   - storage_resource.go: SplitByEpoch, SplitBySize, FusePeriods, FuseAmount, Fuse,
//     Destroy. storage_accounting.go: the future-accounting ring buffer.
//   - encoding_move.go (encoding.move, redstuff.move): EncodedBlobLength, DeriveBlobID,
//     StorageUnitsFromSize.
//   - bls_aggregate.go (bls_aggregate.move, messages.move): NewBlsCommittee,
//     VerifyQuorumInEpoch, VerifyOneCorrectNodeInEpoch (certificates checked with
//     chain/messages, the on-chain uncompressed keys converted with blst), and the
//     certified-message readers with Move's sui::bcs aborts.
//
// And the staking half (staking.move over staking_inner.move, staking_pool.move,
// staked_wal.move, pending_values.move, exchange_rate.move, auth.move), on a
// StakingState (the Staking, its inner state, active set and next-epoch keys, and its
// pools through the Pools interface; MemPools and MemRates are in-memory versions):
//
//   - staking_inner.go: RegisterCandidate (with the proof-of-possession check),
//     StakeWithPool, RequestWithdrawStake, WithdrawStake, TryJoinActiveSet,
//     SetNextCommission, CollectCommission (Authenticated: sender or object),
//     SetCommissionReceiver, SetGovernanceAuthorized, SetVote (storage price, write price,
//     capacity), QuorumAbove, QuorumBelow, RecalculatePrices, UpdatePrices,
//     SetNextPublicKey, SetName, SetNetworkAddress, SetNetworkPublicKey,
//     CalculateRewards, CanWithdrawStakedWalEarly, SplitStakedWal, JoinStakedWal;
//   - staking_epoch.go: VotingEnd (committee selection and capacity), NextBlsCommittee,
//     InitiateEpochChangeV2 (3% burn, system::advance_epoch's rewards, the pools'
//     advance with commission and exchange rates, update_prices), EpochSyncDone, and the
//     deadlines VotingEndAt and EpochChangeAt;
//   - staking_pool.go: the pool's stake, withdrawals, epoch advance, commission and
//     exchange-rate functions; pending_values.go: PendingValues and PoolExchangeRate.
//
// A Move abort is returned as an *Abort (compare with errors.Is against the Err*
// values), a Move arithmetic error (overflow, underflow, division by zero) as an error
// wrapping ErrArithmetic. Functions that fail change nothing, except the staking ones
// (see StakingState).
package contract
