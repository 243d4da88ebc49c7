package chain

import (
	"fmt"

	"github.com/tuskstore/tusk/chain/sui"
	"github.com/tuskstore/tusk/chain/walrus"
)

// Abort names a Move abort: the module ("walrus::blob", "sui::balance") and the code of
// the error constant. The Err* values below are matched with errors.Is against the error
// a failed transaction returns.
type Abort struct {
	Module string
	Code   uint64
	Name   string
}

func (a *Abort) Error() string {
	return fmt.Sprintf("move abort %s::%s (code %d)", a.Module, a.Name, a.Code)
}

// The aborts of the Walrus storage calls that callers branch on (codes of the Move
// modules), and the framework's.
var (
	ErrStorageExceeded      = &Abort{"walrus::system_state_inner", 1, "EStorageExceeded"}
	ErrInvalidEpochsAhead   = &Abort{"walrus::system_state_inner", 2, "EInvalidEpochsAhead"}
	ErrInvalidIDEpoch       = &Abort{"walrus::system_state_inner", 3, "EInvalidIdEpoch"}
	ErrIncorrectCommittee   = &Abort{"walrus::system_state_inner", 4, "EIncorrectCommittee"}
	ErrResourceSize         = &Abort{"walrus::system_state_inner", 11, "EInvalidResourceSize"}
	ErrTooFarInFuture       = &Abort{"walrus::storage_accounting", 0, "ETooFarInFuture"}
	ErrStorageInvalidEpoch  = &Abort{"walrus::storage_resource", 0, "EInvalidEpoch"}
	ErrNotCertified         = &Abort{"walrus::blob", 0, "ENotCertified"}
	ErrBlobNotDeletable     = &Abort{"walrus::blob", 1, "EBlobNotDeletable"}
	ErrResourceBounds       = &Abort{"walrus::blob", 2, "EResourceBounds"}
	ErrBlobResourceSize     = &Abort{"walrus::blob", 3, "EResourceSize"}
	ErrAlreadyCertified     = &Abort{"walrus::blob", 5, "EAlreadyCertified"}
	ErrInvalidBlobID        = &Abort{"walrus::blob", 6, "EInvalidBlobId"}
	ErrDuplicateMetadata    = &Abort{"walrus::blob", 7, "EDuplicateMetadata"}
	ErrMissingMetadata      = &Abort{"walrus::blob", 8, "EMissingMetadata"}
	ErrInvalidPersistence   = &Abort{"walrus::blob", 9, "EInvalidBlobPersistenceType"}
	ErrInvalidBlobObject    = &Abort{"walrus::blob", 10, "EInvalidBlobObject"}
	ErrInvalidEncodingType  = &Abort{"walrus::encoding", 0, "EInvalidEncodingType"}
	ErrInvalidBitmap        = &Abort{"walrus::bls_aggregate", 0, "EInvalidBitmap"}
	ErrSigVerification      = &Abort{"walrus::bls_aggregate", 1, "ESigVerification"}
	ErrNotEnoughStake       = &Abort{"walrus::bls_aggregate", 2, "ENotEnoughStake"}
	ErrIncorrectAppID       = &Abort{"walrus::messages", 0, "EIncorrectAppId"}
	ErrIncorrectEpoch       = &Abort{"walrus::messages", 1, "EIncorrectEpoch"}
	ErrInvalidMsgType       = &Abort{"walrus::messages", 2, "EInvalidMsgType"}
	ErrMessageNotDeletable  = &Abort{"walrus::messages", 5, "ENotDeletable"}
	ErrInsufficientBalance  = &Abort{"sui::balance", 2, "ENotEnough"}
	ErrMetadataKeyNotExists = &Abort{"sui::vec_map", 1, "EKeyDoesNotExist"}
)

// The aborts of the staking and epoch calls (staking.move, staking_inner.move,
// staking_pool.move, staked_wal.move, pending_values.move, storage_node.move, the proof of
// possession in messages.move) and the framework's.
var (
	ErrStakingWrongVersion       = &Abort{"walrus::staking", 1, "EWrongVersion"}
	ErrDeprecatedFunction        = &Abort{"walrus::staking", 2, "EDeprecatedFunction"}
	ErrWrongEpochState           = &Abort{"walrus::staking_inner", 0, "EWrongEpochState"}
	ErrInvalidSyncEpoch          = &Abort{"walrus::staking_inner", 1, "EInvalidSyncEpoch"}
	ErrDuplicateSyncDone         = &Abort{"walrus::staking_inner", 2, "EDuplicateSyncDone"}
	ErrNoStake                   = &Abort{"walrus::staking_inner", 3, "ENoStake"}
	ErrNotInCommittee            = &Abort{"walrus::staking_inner", 4, "ENotInCommittee"}
	ErrCommitteeSelected         = &Abort{"walrus::staking_inner", 5, "ECommitteeSelected"}
	ErrNextCommitteeIsEmpty      = &Abort{"walrus::staking_inner", 6, "ENextCommitteeIsEmpty"}
	ErrPoolNotFound              = &Abort{"walrus::staking_inner", 8, "EPoolNotFound"}
	ErrZeroNodeWeight            = &Abort{"walrus::staking_inner", 9, "EZeroNodeWeight"}
	ErrPoolAlreadyUpdated        = &Abort{"walrus::staking_pool", 0, "EPoolAlreadyUpdated"}
	ErrCalculationError          = &Abort{"walrus::staking_pool", 1, "ECalculationError"}
	ErrIncorrectEpochAdvance     = &Abort{"walrus::staking_pool", 2, "EIncorrectEpochAdvance"}
	ErrInvalidProofOfPossession  = &Abort{"walrus::staking_pool", 4, "EInvalidProofOfPossession"}
	ErrPoolIsNotActive           = &Abort{"walrus::staking_pool", 6, "EPoolIsNotActive"}
	ErrZeroStake                 = &Abort{"walrus::staking_pool", 7, "EZeroStake"}
	ErrNotStaked                 = &Abort{"walrus::staking_pool", 8, "ENotStaked"}
	ErrIncorrectPoolID           = &Abort{"walrus::staking_pool", 9, "EIncorrectPoolId"}
	ErrNotWithdrawing            = &Abort{"walrus::staking_pool", 10, "ENotWithdrawing"}
	ErrWithdrawEpochNotReached   = &Abort{"walrus::staking_pool", 11, "EWithdrawEpochNotReached"}
	ErrActivationEpochNotReached = &Abort{"walrus::staking_pool", 12, "EActivationEpochNotReached"}
	ErrWithdrawDirectly          = &Abort{"walrus::staking_pool", 13, "EWithdrawDirectly"}
	ErrIncorrectCommissionRate   = &Abort{"walrus::staking_pool", 14, "EIncorrectCommissionRate"}
	ErrAuthorizationFailure      = &Abort{"walrus::staking_pool", 15, "EAuthorizationFailure"}
	ErrInvalidNetworkAddressLen  = &Abort{"walrus::staking_pool", 16, "EInvalidNetworkAddressLength"}
	ErrInvalidNameLength         = &Abort{"walrus::staking_pool", 17, "EInvalidNameLength"}
	ErrZeroShares                = &Abort{"walrus::staking_pool", 18, "EZeroShares"}
	ErrMetadataMismatch          = &Abort{"walrus::staked_wal", 1, "EMetadataMismatch"}
	ErrInvalidAmount             = &Abort{"walrus::staked_wal", 2, "EInvalidAmount"}
	ErrAlreadyWithdrawing        = &Abort{"walrus::staked_wal", 6, "EAlreadyWithdrawing"}
	ErrStakeBelowThreshold       = &Abort{"walrus::staked_wal", 7, "EStakeBelowThreshold"}
	ErrMissingEpochValue         = &Abort{"walrus::pending_values", 0, "EMissingEpochValue"}
	ErrReduceValueTooLarge       = &Abort{"walrus::pending_values", 1, "EReduceValueTooLarge"}
	ErrInvalidNetworkPublicKey   = &Abort{"walrus::storage_node", 0, "EInvalidNetworkPublicKey"}
	ErrInvalidKeyLength          = &Abort{"walrus::messages", 6, "EInvalidKeyLength"}
	// ErrFieldDoesNotExist is sui::dynamic_field's EFieldDoesNotExist: for the staking
	// calls, a node ID that has no staking pool.
	ErrFieldDoesNotExist = &Abort{"sui::dynamic_field", 1, "EFieldDoesNotExist"}
)

var knownAborts = []*Abort{
	ErrStorageExceeded, ErrInvalidEpochsAhead, ErrInvalidIDEpoch, ErrIncorrectCommittee, ErrResourceSize,
	ErrTooFarInFuture, ErrStorageInvalidEpoch, ErrNotCertified, ErrBlobNotDeletable, ErrResourceBounds,
	ErrBlobResourceSize, ErrAlreadyCertified, ErrInvalidBlobID, ErrDuplicateMetadata, ErrMissingMetadata,
	ErrInvalidPersistence, ErrInvalidBlobObject, ErrInvalidEncodingType, ErrInvalidBitmap, ErrSigVerification,
	ErrNotEnoughStake, ErrIncorrectAppID, ErrIncorrectEpoch, ErrInvalidMsgType, ErrMessageNotDeletable,
	ErrInsufficientBalance, ErrMetadataKeyNotExists,
	ErrStakingWrongVersion, ErrDeprecatedFunction, ErrWrongEpochState, ErrInvalidSyncEpoch, ErrDuplicateSyncDone,
	ErrNoStake, ErrNotInCommittee, ErrCommitteeSelected, ErrNextCommitteeIsEmpty, ErrPoolNotFound, ErrZeroNodeWeight,
	ErrPoolAlreadyUpdated, ErrCalculationError, ErrIncorrectEpochAdvance, ErrInvalidProofOfPossession,
	ErrPoolIsNotActive, ErrZeroStake, ErrNotStaked, ErrIncorrectPoolID, ErrNotWithdrawing, ErrWithdrawEpochNotReached,
	ErrActivationEpochNotReached, ErrWithdrawDirectly, ErrIncorrectCommissionRate, ErrAuthorizationFailure,
	ErrInvalidNetworkAddressLen, ErrInvalidNameLength, ErrZeroShares, ErrMetadataMismatch, ErrInvalidAmount,
	ErrAlreadyWithdrawing, ErrStakeBelowThreshold, ErrMissingEpochValue, ErrReduceValueTooLarge,
	ErrInvalidNetworkPublicKey, ErrInvalidKeyLength, ErrFieldDoesNotExist,
}

// AbortError is a transaction that failed with a Move abort. errors.Is matches it
// against the Err* aborts above; errors.As gives the raw *sui.MoveAbortError.
type AbortError struct {
	Digest sui.Digest
	// Module is the qualified module name: "walrus::blob", "sui::balance", or the
	// module's address and name for other packages.
	Module string
	// Name is the error constant's name when known.
	Name  string
	Abort *sui.MoveAbortError
}

func (e *AbortError) Error() string {
	name := e.Name
	if name == "" {
		name = fmt.Sprintf("code %d", e.Abort.Code)
	} else {
		name = fmt.Sprintf("%s (code %d)", name, e.Abort.Code)
	}
	fn := e.Abort.FunctionName
	if fn != "" {
		fn = "::" + fn
	}
	return fmt.Sprintf("transaction %s aborted in %s%s: %s", e.Digest, e.Module, fn, name)
}

func (e *AbortError) Unwrap() error { return e.Abort }

// Is matches an *Abort with the same module and code.
func (e *AbortError) Is(target error) bool {
	t, ok := target.(*Abort)
	return ok && t.Module == e.Module && t.Code == e.Abort.Code
}

// FailedError is a transaction that failed other than by a Move abort (out of gas, an
// object error, ...).
type FailedError struct {
	Digest sui.Digest
	Err    error
}

func (e *FailedError) Error() string {
	return fmt.Sprintf("transaction %s failed: %v", e.Digest, e.Err)
}
func (e *FailedError) Unwrap() error { return e.Err }

var suiFramework = walrus.MustParseID("0x2")

// abortError builds the typed error of a failed status.
func (c *Client) statusError(digest sui.Digest, st *sui.ExecutionStatus) error {
	m := st.MoveAbort()
	if m == nil {
		return &FailedError{Digest: digest, Err: st.Err()}
	}
	e := &AbortError{Digest: digest, Abort: m}
	switch m.Module {
	case c.deploy.OriginalPackage, c.deploy.Package:
		e.Module = "walrus::" + m.ModuleName
	case suiFramework:
		e.Module = "sui::" + m.ModuleName
	default:
		e.Module = m.Module.String() + "::" + m.ModuleName
	}
	for _, a := range knownAborts {
		if a.Module == e.Module && a.Code == m.Code {
			e.Name = a.Name
		}
	}
	return e
}
