package contract

// The aborts of the staking half (staking.move, staking_inner.move, staking_pool.move,
// staked_wal.move, pending_values.move, exchange_rate.move, storage_node.move, the proof
// of possession in messages.move) and of the Sui framework functions it calls. Codes are
// the Move constants at the source commit.
var (
	// ErrStakingWrongVersion: staking.move EWrongVersion, the Staking object is not at the
	// package's VERSION (walrus.StakingVersion).
	ErrStakingWrongVersion = &Abort{Module: "walrus::staking", Code: 1, Name: "EWrongVersion"}
	// ErrDeprecatedFunction: staking.move EDeprecatedFunction (initiate_epoch_change v1).
	ErrDeprecatedFunction = &Abort{Module: "walrus::staking", Code: 2, Name: "EDeprecatedFunction"}

	// ErrWrongEpochState: staking_inner.move EWrongEpochState, voting_end or the epoch
	// change called in the wrong state or too early.
	ErrWrongEpochState = &Abort{Module: "walrus::staking_inner", Code: 0, Name: "EWrongEpochState"}
	// ErrInvalidSyncEpoch: staking_inner.move EInvalidSyncEpoch, epoch_sync_done for
	// another epoch than the current one.
	ErrInvalidSyncEpoch = &Abort{Module: "walrus::staking_inner", Code: 1, Name: "EInvalidSyncEpoch"}
	// ErrDuplicateSyncDone: staking_inner.move EDuplicateSyncDone, the node already
	// signalled the end of its sync for this epoch.
	ErrDuplicateSyncDone = &Abort{Module: "walrus::staking_inner", Code: 2, Name: "EDuplicateSyncDone"}
	// ErrNotInCommittee: staking_inner.move ENotInCommittee.
	ErrNotInCommittee = &Abort{Module: "walrus::staking_inner", Code: 4, Name: "ENotInCommittee"}
	// ErrCommitteeSelected: staking_inner.move ECommitteeSelected.
	ErrCommitteeSelected = &Abort{Module: "walrus::staking_inner", Code: 5, Name: "ECommitteeSelected"}
	// ErrNextCommitteeIsEmpty: staking_inner.move ENextCommitteeIsEmpty, the epoch change
	// called before voting_end selected the next committee (or after the change).
	ErrNextCommitteeIsEmpty = &Abort{Module: "walrus::staking_inner", Code: 6, Name: "ENextCommitteeIsEmpty"}
	// ErrPoolNotFound: staking_inner.move EPoolNotFound.
	ErrPoolNotFound = &Abort{Module: "walrus::staking_inner", Code: 8, Name: "EPoolNotFound"}
	// ErrZeroNodeWeight: staking_inner.move EZeroNodeWeight.
	ErrZeroNodeWeight = &Abort{Module: "walrus::staking_inner", Code: 9, Name: "EZeroNodeWeight"}

	// ErrPoolAlreadyUpdated: staking_pool.move EPoolAlreadyUpdated.
	ErrPoolAlreadyUpdated = &Abort{Module: "walrus::staking_pool", Code: 0, Name: "EPoolAlreadyUpdated"}
	// ErrCalculationError: staking_pool.move ECalculationError.
	ErrCalculationError = &Abort{Module: "walrus::staking_pool", Code: 1, Name: "ECalculationError"}
	// ErrIncorrectEpochAdvance: staking_pool.move EIncorrectEpochAdvance.
	ErrIncorrectEpochAdvance = &Abort{Module: "walrus::staking_pool", Code: 2, Name: "EIncorrectEpochAdvance"}
	// ErrInvalidProofOfPossession: staking_pool.move EInvalidProofOfPossession.
	ErrInvalidProofOfPossession = &Abort{Module: "walrus::staking_pool", Code: 4, Name: "EInvalidProofOfPossession"}
	// ErrPoolIsNotActive: staking_pool.move EPoolIsNotActive.
	ErrPoolIsNotActive = &Abort{Module: "walrus::staking_pool", Code: 6, Name: "EPoolIsNotActive"}
	// ErrZeroStake: staking_pool.move EZeroStake.
	ErrZeroStake = &Abort{Module: "walrus::staking_pool", Code: 7, Name: "EZeroStake"}
	// ErrNotStaked: staking_pool.move ENotStaked, a withdrawal requested twice.
	ErrNotStaked = &Abort{Module: "walrus::staking_pool", Code: 8, Name: "ENotStaked"}
	// ErrIncorrectPoolID: staking_pool.move EIncorrectPoolId.
	ErrIncorrectPoolID = &Abort{Module: "walrus::staking_pool", Code: 9, Name: "EIncorrectPoolId"}
	// ErrNotWithdrawing: staking_pool.move ENotWithdrawing, withdraw_stake of active stake
	// without a request.
	ErrNotWithdrawing = &Abort{Module: "walrus::staking_pool", Code: 10, Name: "ENotWithdrawing"}
	// ErrWithdrawEpochNotReached: staking_pool.move EWithdrawEpochNotReached.
	ErrWithdrawEpochNotReached = &Abort{Module: "walrus::staking_pool", Code: 11, Name: "EWithdrawEpochNotReached"}
	// ErrActivationEpochNotReached: staking_pool.move EActivationEpochNotReached.
	ErrActivationEpochNotReached = &Abort{Module: "walrus::staking_pool", Code: 12, Name: "EActivationEpochNotReached"}
	// ErrWithdrawDirectly: staking_pool.move EWithdrawDirectly, a request for stake that
	// can be withdrawn at once.
	ErrWithdrawDirectly = &Abort{Module: "walrus::staking_pool", Code: 13, Name: "EWithdrawDirectly"}
	// ErrIncorrectCommissionRate: staking_pool.move EIncorrectCommissionRate.
	ErrIncorrectCommissionRate = &Abort{Module: "walrus::staking_pool", Code: 14, Name: "EIncorrectCommissionRate"}
	// ErrAuthorizationFailure: staking_pool.move EAuthorizationFailure.
	ErrAuthorizationFailure = &Abort{Module: "walrus::staking_pool", Code: 15, Name: "EAuthorizationFailure"}
	// ErrInvalidNetworkAddressLength: staking_pool.move EInvalidNetworkAddressLength.
	ErrInvalidNetworkAddressLength = &Abort{Module: "walrus::staking_pool", Code: 16, Name: "EInvalidNetworkAddressLength"}
	// ErrInvalidNameLength: staking_pool.move EInvalidNameLength.
	ErrInvalidNameLength = &Abort{Module: "walrus::staking_pool", Code: 17, Name: "EInvalidNameLength"}
	// ErrZeroShares: staking_pool.move EZeroShares.
	ErrZeroShares = &Abort{Module: "walrus::staking_pool", Code: 18, Name: "EZeroShares"}

	// ErrStakedWalNotWithdrawing: staked_wal.move ENotWithdrawing.
	ErrStakedWalNotWithdrawing = &Abort{Module: "walrus::staked_wal", Code: 0, Name: "ENotWithdrawing"}
	// ErrMetadataMismatch: staked_wal.move EMetadataMismatch, joining StakedWal of
	// different pools, activation epochs or states.
	ErrMetadataMismatch = &Abort{Module: "walrus::staked_wal", Code: 1, Name: "EMetadataMismatch"}
	// ErrInvalidAmount: staked_wal.move EInvalidAmount, a split of the whole principal or
	// more.
	ErrInvalidAmount = &Abort{Module: "walrus::staked_wal", Code: 2, Name: "EInvalidAmount"}
	// ErrAlreadyWithdrawing: staked_wal.move EAlreadyWithdrawing.
	ErrAlreadyWithdrawing = &Abort{Module: "walrus::staked_wal", Code: 6, Name: "EAlreadyWithdrawing"}
	// ErrStakeBelowThreshold: staked_wal.move EStakeBelowThreshold, a StakedWal of less
	// than MinStakingThreshold.
	ErrStakeBelowThreshold = &Abort{Module: "walrus::staked_wal", Code: 7, Name: "EStakeBelowThreshold"}

	// ErrMissingEpochValue: pending_values.move EMissingEpochValue.
	ErrMissingEpochValue = &Abort{Module: "walrus::pending_values", Code: 0, Name: "EMissingEpochValue"}
	// ErrReduceValueTooLarge: pending_values.move EReduceValueTooLarge.
	ErrReduceValueTooLarge = &Abort{Module: "walrus::pending_values", Code: 1, Name: "EReduceValueTooLarge"}

	// ErrInvalidRate: exchange_rate.move (walrus::pool_exchange_rate) EInvalidRate.
	ErrInvalidRate = &Abort{Module: "walrus::pool_exchange_rate", Code: 0, Name: "EInvalidRate"}

	// ErrInvalidNetworkPublicKey: storage_node.move EInvalidNetworkPublicKey, a network
	// key that is not 33 bytes.
	ErrInvalidNetworkPublicKey = &Abort{Module: "walrus::storage_node", Code: 0, Name: "EInvalidNetworkPublicKey"}

	// ErrInvalidKeyLength: messages.move EInvalidKeyLength, a BLS key that is not 48 bytes.
	ErrInvalidKeyLength = &Abort{Module: "walrus::messages", Code: 6, Name: "EInvalidKeyLength"}

	// ErrFieldAlreadyExists: sui::dynamic_field EFieldAlreadyExists.
	ErrFieldAlreadyExists = &Abort{Module: "sui::dynamic_field", Code: 0, Name: "EFieldAlreadyExists"}
	// ErrFieldDoesNotExist: sui::dynamic_field EFieldDoesNotExist, a pool that the
	// ObjectTable does not hold (staking with an unknown node ID, ...).
	ErrFieldDoesNotExist = &Abort{Module: "sui::dynamic_field", Code: 1, Name: "EFieldDoesNotExist"}
	// ErrInvalidG1: sui::group_ops EInvalidInput, a BLS key that is not a G1 point.
	ErrInvalidG1 = &Abort{Module: "sui::group_ops", Code: 1, Name: "EInvalidInput"}
)
