package contract

import (
	"errors"
	"fmt"
)

// Abort is a Move abort: the module whose assert! failed and the error constant it
// aborted with. Compare with errors.Is against the Err* values of this package, which
// match on module and code.
type Abort struct {
	Module string // the module, qualified by its package: "walrus::committee", "sui::vec_map"
	Code   uint64 // the abort code, the value of the error constant
	Name   string // the error constant's name: "EInvalidShardAssignment"
	Detail string // what was wrong, for people; not part of the identity
	// Function is the Move function holding the assert!, when the port knows it and the
	// constant is asserted in several functions ("" otherwise); not part of the identity.
	Function string
}

func (a *Abort) Error() string {
	s := fmt.Sprintf("move abort in %s: %s (code %d)", a.Module, a.Name, a.Code)
	if a.Detail != "" {
		s += ": " + a.Detail
	}
	return s
}

// Is matches another *Abort with the same module and code.
func (a *Abort) Is(target error) bool {
	t, ok := target.(*Abort)
	return ok && t.Module == a.Module && t.Code == a.Code
}

// with returns a copy of a carrying detail.
func (a *Abort) with(format string, args ...any) *Abort {
	c := *a
	c.Detail = fmt.Sprintf(format, args...)
	return &c
}

// in returns a copy of a raised in the Move function fn, carrying detail.
func (a *Abort) in(fn, format string, args ...any) *Abort {
	c := a.with(format, args...)
	c.Function = fn
	return c
}

// ErrArithmetic is wrapped by the errors that stand for a Move arithmetic error (an
// overflow, an underflow or a division by zero, which abort the transaction without an
// abort code).
var ErrArithmetic = errors.New("move arithmetic error")

func arithmetic(where, format string, args ...any) error {
	return fmt.Errorf("%w in %s: %s", ErrArithmetic, where, fmt.Sprintf(format, args...))
}

// ErrVectorOperation stands for a Move vector operation error (pop_back on an empty
// vector and the like), which, like an arithmetic error, carries no abort code.
var ErrVectorOperation = errors.New("move vector operation error")

// The aborts of the ported functions (codes from the Move sources at the source commit).
var (
	// ErrNoStake: staking_inner.move ENoStake, the apportionment found no stake.
	ErrNoStake = &Abort{Module: "walrus::staking_inner", Code: 3, Name: "ENoStake"}
	// ErrPopFromEmptyHeap: apportionment_queue.move EPopFromEmptyHeap. The apportionment
	// hits it when every node is at the per-node cap before all shards are placed, which
	// happens only with at least 20 nodes and fewer than 10 shards (the cap is then 0).
	ErrPopFromEmptyHeap = &Abort{Module: "walrus::apportionment_queue", Code: 0, Name: "EPopFromEmptyHeap"}
	// ErrInvalidShardAssignment: committee.move EInvalidShardAssignment, a transition whose
	// new shard counts do not add up to the shards of the current committee.
	ErrInvalidShardAssignment = &Abort{Module: "walrus::committee", Code: 0, Name: "EInvalidShardAssignment"}
	// ErrZeroMaxSize: active_set.move EZeroMaxSize.
	ErrZeroMaxSize = &Abort{Module: "walrus::active_set", Code: 0, Name: "EZeroMaxSize"}
	// ErrDuplicateInsertion: active_set.move EDuplicateInsertion.
	ErrDuplicateInsertion = &Abort{Module: "walrus::active_set", Code: 1, Name: "EDuplicateInsertion"}
	// ErrKeyAlreadyExists: sui::vec_map EKeyAlreadyExists, a node ID given twice where
	// Move builds a VecMap.
	ErrKeyAlreadyExists = &Abort{Module: "sui::vec_map", Code: 0, Name: "EKeyAlreadyExists"}
)

// The aborts of the storage half of the System (system.move, system_state_inner.move,
// storage_accounting.move, storage_resource.move, blob.move, encoding.move,
// bls_aggregate.move, messages.move) and of the Sui framework functions it calls.
var (
	// ErrSystemWrongVersion: system.move EWrongVersion, the System object is not at the
	// package's VERSION (walrus.SystemVersion).
	ErrSystemWrongVersion = &Abort{Module: "walrus::system", Code: 1, Name: "EWrongVersion"}

	// ErrInvalidMaxEpochsAhead: system_state_inner.move EInvalidMaxEpochsAhead.
	ErrInvalidMaxEpochsAhead = &Abort{Module: "walrus::system_state_inner", Code: 0, Name: "EInvalidMaxEpochsAhead"}
	// ErrStorageExceeded: system_state_inner.move EStorageExceeded, the used capacity of
	// an epoch would exceed the total capacity.
	ErrStorageExceeded = &Abort{Module: "walrus::system_state_inner", Code: 1, Name: "EStorageExceeded"}
	// ErrInvalidEpochsAhead: system_state_inner.move EInvalidEpochsAhead, an empty period
	// or one ending past max_epochs_ahead.
	ErrInvalidEpochsAhead = &Abort{Module: "walrus::system_state_inner", Code: 2, Name: "EInvalidEpochsAhead"}
	// ErrInvalidIDEpoch: system_state_inner.move EInvalidIdEpoch, a certificate of another
	// epoch than the system's.
	ErrInvalidIDEpoch = &Abort{Module: "walrus::system_state_inner", Code: 3, Name: "EInvalidIdEpoch"}
	// ErrIncorrectCommittee: system_state_inner.move EIncorrectCommittee, advance_epoch
	// with a committee that is not for the next epoch.
	ErrIncorrectCommittee = &Abort{Module: "walrus::system_state_inner", Code: 4, Name: "EIncorrectCommittee"}
	// ErrInvalidAccountingEpoch: system_state_inner.move EInvalidAccountingEpoch.
	ErrInvalidAccountingEpoch = &Abort{Module: "walrus::system_state_inner", Code: 5, Name: "EInvalidAccountingEpoch"}
	// ErrInvalidResourceSize: system_state_inner.move EInvalidResourceSize, a reservation
	// of 0 bytes.
	ErrInvalidResourceSize = &Abort{Module: "walrus::system_state_inner", Code: 11, Name: "EInvalidResourceSize"}

	// ErrTooFarInFuture: storage_accounting.move ETooFarInFuture, a ring-buffer lookup past
	// its length.
	ErrTooFarInFuture = &Abort{Module: "walrus::storage_accounting", Code: 0, Name: "ETooFarInFuture"}

	// ErrInvalidEpoch: storage_resource.move EInvalidEpoch, a split epoch outside the
	// storage's period.
	ErrInvalidEpoch = &Abort{Module: "walrus::storage_resource", Code: 0, Name: "EInvalidEpoch"}
	// ErrIncompatibleEpochs: storage_resource.move EIncompatibleEpochs.
	ErrIncompatibleEpochs = &Abort{Module: "walrus::storage_resource", Code: 1, Name: "EIncompatibleEpochs"}
	// ErrIncompatibleAmount: storage_resource.move EIncompatibleAmount.
	ErrIncompatibleAmount = &Abort{Module: "walrus::storage_resource", Code: 2, Name: "EIncompatibleAmount"}
	// ErrInvalidEpochRange: storage_resource.move EInvalidEpochRange.
	ErrInvalidEpochRange = &Abort{Module: "walrus::storage_resource", Code: 3, Name: "EInvalidEpochRange"}

	// ErrNotCertified: blob.move ENotCertified.
	ErrNotCertified = &Abort{Module: "walrus::blob", Code: 0, Name: "ENotCertified"}
	// ErrBlobNotDeletable: blob.move EBlobNotDeletable.
	ErrBlobNotDeletable = &Abort{Module: "walrus::blob", Code: 1, Name: "EBlobNotDeletable"}
	// ErrResourceBounds: blob.move EResourceBounds, the storage does not cover the epoch
	// (expired, or not started).
	ErrResourceBounds = &Abort{Module: "walrus::blob", Code: 2, Name: "EResourceBounds"}
	// ErrResourceSize: blob.move EResourceSize, the storage is smaller than the encoded
	// blob.
	ErrResourceSize = &Abort{Module: "walrus::blob", Code: 3, Name: "EResourceSize"}
	// ErrAlreadyCertified: blob.move EAlreadyCertified.
	ErrAlreadyCertified = &Abort{Module: "walrus::blob", Code: 5, Name: "EAlreadyCertified"}
	// ErrInvalidBlobID: blob.move EInvalidBlobId, a blob ID that is not derived from the
	// root hash, encoding type and size, or that differs from the certified one.
	ErrInvalidBlobID = &Abort{Module: "walrus::blob", Code: 6, Name: "EInvalidBlobId"}
	// ErrDuplicateMetadata: blob.move EDuplicateMetadata.
	ErrDuplicateMetadata = &Abort{Module: "walrus::blob", Code: 7, Name: "EDuplicateMetadata"}
	// ErrMissingMetadata: blob.move EMissingMetadata.
	ErrMissingMetadata = &Abort{Module: "walrus::blob", Code: 8, Name: "EMissingMetadata"}
	// ErrInvalidBlobPersistenceType: blob.move EInvalidBlobPersistenceType, a certificate
	// for a deletable blob on a permanent one or the reverse.
	ErrInvalidBlobPersistenceType = &Abort{Module: "walrus::blob", Code: 9, Name: "EInvalidBlobPersistenceType"}
	// ErrInvalidBlobObject: blob.move EInvalidBlobObject, a deletable blob's certificate
	// naming another object.
	ErrInvalidBlobObject = &Abort{Module: "walrus::blob", Code: 10, Name: "EInvalidBlobObject"}

	// ErrInvalidEncodingType: encoding.move EInvalidEncodingType (only RS2 = 1 exists).
	ErrInvalidEncodingType = &Abort{Module: "walrus::encoding", Code: 0, Name: "EInvalidEncodingType"}

	// ErrInvalidBitmap: bls_aggregate.move EInvalidBitmap.
	ErrInvalidBitmap = &Abort{Module: "walrus::bls_aggregate", Code: 0, Name: "EInvalidBitmap"}
	// ErrSigVerification: bls_aggregate.move ESigVerification.
	ErrSigVerification = &Abort{Module: "walrus::bls_aggregate", Code: 1, Name: "ESigVerification"}
	// ErrNotEnoughStake: bls_aggregate.move ENotEnoughStake, signers below the required
	// weight.
	ErrNotEnoughStake = &Abort{Module: "walrus::bls_aggregate", Code: 2, Name: "ENotEnoughStake"}
	// ErrBlsIncorrectCommittee: bls_aggregate.move EIncorrectCommittee, a member of weight 0.
	ErrBlsIncorrectCommittee = &Abort{Module: "walrus::bls_aggregate", Code: 3, Name: "EIncorrectCommittee"}

	// ErrIncorrectAppID: messages.move EIncorrectAppId.
	ErrIncorrectAppID = &Abort{Module: "walrus::messages", Code: 0, Name: "EIncorrectAppId"}
	// ErrIncorrectEpoch: messages.move EIncorrectEpoch, a certified message of another
	// epoch than the committee's.
	ErrIncorrectEpoch = &Abort{Module: "walrus::messages", Code: 1, Name: "EIncorrectEpoch"}
	// ErrInvalidMsgType: messages.move EInvalidMsgType, a certified message of the wrong
	// intent.
	ErrInvalidMsgType = &Abort{Module: "walrus::messages", Code: 2, Name: "EInvalidMsgType"}
	// ErrIncorrectIntentVersion: messages.move EIncorrectIntentVersion.
	ErrIncorrectIntentVersion = &Abort{Module: "walrus::messages", Code: 3, Name: "EIncorrectIntentVersion"}
	// ErrMsgInvalidBlobPersistenceType: messages.move EInvalidBlobPersistenceType, a
	// persistence tag other than 0 and 1.
	ErrMsgInvalidBlobPersistenceType = &Abort{Module: "walrus::messages", Code: 4, Name: "EInvalidBlobPersistenceType"}
	// ErrNotDeletable: messages.move ENotDeletable.
	ErrNotDeletable = &Abort{Module: "walrus::messages", Code: 5, Name: "ENotDeletable"}

	// ErrNotEnough: sui::balance ENotEnough, a payment larger than the coin's balance.
	ErrNotEnough = &Abort{Module: "sui::balance", Code: 2, Name: "ENotEnough"}
	// ErrBCSOutOfRange: sui::bcs EOutOfRange, a certified message too short to peel.
	ErrBCSOutOfRange = &Abort{Module: "sui::bcs", Code: 0, Name: "EOutOfRange"}
	// ErrKeyDoesNotExist: sui::vec_map EKeyDoesNotExist, removing an attribute that is
	// not there.
	ErrKeyDoesNotExist = &Abort{Module: "sui::vec_map", Code: 1, Name: "EKeyDoesNotExist"}
)
