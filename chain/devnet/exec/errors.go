package exec

import (
	"errors"
	"fmt"
	"strings"

	"github.com/tuskstore/tusk/chain/sui"
	"github.com/tuskstore/tusk/chain/walrus"
)

// Errors of Execute and Simulate; test with errors.Is. None of them changes the store. A
// transaction that runs and fails (a Move abort, insufficient gas, ...) is not an error:
// it has a Result whose effects carry the failed status, and it is committed.
var (
	// ErrInvalidTransaction: bytes that are not a valid user transaction (BCS a node
	// cannot decode, a system transaction kind, a protocol limit or validity check; see
	// chain/sui.DecodeTransaction). Returned as a *TransactionError.
	ErrInvalidTransaction = errors.New("exec: invalid transaction")
	// ErrInvalidSignature: the signatures are not exactly one valid signature from each
	// required signer (the sender, and the gas owner when sponsored). Returned as a
	// *SignatureError.
	ErrInvalidSignature = errors.New("exec: invalid user signature")
	// ErrRejected: the transaction's inputs or gas do not pass the checks validators make
	// before executing it (stale or missing objects, wrong owner, gas). Returned as a
	// *RejectedError.
	ErrRejected = errors.New("exec: transaction rejected")
	// ErrInternal: the store failed, or the executor met a state it cannot handle.
	ErrInternal = errors.New("exec: internal error")
)

// A full node's gRPC API answers all of ErrInvalidTransaction, ErrInvalidSignature and
// ErrRejected with codes.InvalidArgument and a message; the Error methods below give the
// message a full node gives, so the gRPC layer can use err.Error() as it is.

// TransactionError wraps the error of chain/sui that made the bytes invalid.
type TransactionError struct{ Err error }

func (e *TransactionError) Error() string        { return "invalid transaction: " + e.Err.Error() }
func (e *TransactionError) Unwrap() error        { return e.Err }
func (e *TransactionError) Is(target error) bool { return target == ErrInvalidTransaction }

// SignatureErrorKind names the SuiError variant a full node reports.
type SignatureErrorKind uint8

// Signature failures, in the order a node checks them.
const (
	// SignerSignatureNumberMismatch: not one signature per required signer.
	SignerSignatureNumberMismatch SignatureErrorKind = iota
	// SignerSignatureAbsent: a required signer has no signature among those given.
	SignerSignatureAbsent
	// InvalidSignature: a signature that cannot be parsed or does not verify.
	InvalidSignature
)

// SignatureError is a mis-signed transaction. Error() is the full node's message:
//
//	Invalid user signature: Expect 1 signer signatures but got 2
//	Invalid user signature: Required Signature from 0x… is absent ["0x…"]
//	Invalid user signature: Signature is not valid: …
type SignatureError struct {
	Kind     SignatureErrorKind
	Expected int              // SignerSignatureNumberMismatch: required signers
	Actual   int              // SignerSignatureNumberMismatch: signatures given
	Signer   walrus.Address   // SignerSignatureAbsent: the signer without a signature
	Present  []walrus.Address // SignerSignatureAbsent: the signers of the signatures given
	Index    int              // InvalidSignature: which signature
	Err      error            // InvalidSignature: the cause (from chain/keys)
}

// Reason is the SuiError text, without the "Invalid user signature: " prefix.
func (e *SignatureError) Reason() string {
	switch e.Kind {
	case SignerSignatureNumberMismatch:
		return fmt.Sprintf("Expect %d signer signatures but got %d", e.Expected, e.Actual)
	case SignerSignatureAbsent:
		present := make([]string, len(e.Present))
		for i, a := range e.Present {
			present[i] = fmt.Sprintf("%q", a.String())
		}
		return fmt.Sprintf("Required Signature from %s is absent [%s]", e.Signer, strings.Join(present, ", "))
	default:
		return fmt.Sprintf("Signature is not valid: signature %d: %v", e.Index, e.Err)
	}
}

func (e *SignatureError) Error() string        { return "Invalid user signature: " + e.Reason() }
func (e *SignatureError) Unwrap() error        { return e.Err }
func (e *SignatureError) Is(target error) bool { return target == ErrInvalidSignature }

// RejectReason names the Sui UserInputError a validator reports.
type RejectReason uint8

// Reasons for rejecting a transaction before execution, named after Sui's
// UserInputError variants.
const (
	ObjectNotFound RejectReason = iota
	ObjectVersionUnavailableForConsumption
	InvalidObjectDigest
	IncorrectUserSignature // an owned input or gas coin belongs to someone else
	InvalidChildObjectArgument
	NotSharedObject
	SharedObjectStartingVersionMismatch
	ImmutableParameterExpected
	MutableObjectUsedMoreThanOnce
	MovePackageAsObject
	MissingGasPayment
	GasObjectNotOwnedObject
	InvalidGasObject
	GasPriceUnderRGP
	GasBalanceTooLow
	TransactionExpired
	Unsupported
)

var rejectReasonNames = [...]string{
	"ObjectNotFound", "ObjectVersionUnavailableForConsumption", "InvalidObjectDigest",
	"IncorrectUserSignature", "InvalidChildObjectArgument", "NotSharedObject",
	"SharedObjectStartingVersionMismatch", "ImmutableParameterExpected",
	"MutableObjectUsedMoreThanOnce", "MovePackageAsObject", "MissingGasPayment",
	"GasObjectNotOwnedObject", "InvalidGasObject", "GasPriceUnderRGP", "GasBalanceTooLow",
	"TransactionExpired", "Unsupported",
}

func (r RejectReason) String() string {
	if int(r) < len(rejectReasonNames) {
		return rejectReasonNames[r]
	}
	return fmt.Sprintf("RejectReason(%d)", uint8(r))
}

// RejectedError is a transaction that validators refuse to execute. Detail is the text of
// Sui's UserInputError (for example "Transaction needs to be rebuilt because object 0x…
// version 0x5 (…) is unavailable for consumption, current version: 0x6"); Error() wraps it
// as a full node's ExecuteTransaction does when validators reject a transaction:
//
//	Transaction is rejected as invalid by more than 1/3 of validators by stake
//	(non-retriable). Non-retriable errors: [<Detail>].
//
// (A real node appends the rejecting validators and their stake to each error; the devnet
// has one validator and leaves that out.)
type RejectedError struct {
	Reason RejectReason
	Object walrus.ID // the object concerned, when there is one
	Detail string
}

func (e *RejectedError) Error() string {
	return "Transaction is rejected as invalid by more than 1/3 of validators by stake (non-retriable). Non-retriable errors: [" + e.Detail + "]."
}

func (e *RejectedError) Is(target error) bool { return target == ErrRejected }

func reject(reason RejectReason, id walrus.ID, format string, args ...any) *RejectedError {
	return &RejectedError{Reason: reason, Object: id, Detail: fmt.Sprintf(format, args...)}
}

// seq prints a version as Sui's SequenceNumber Display does (hex with 0x).
func seq(v uint64) string { return fmt.Sprintf("%#x", v) }

// optSeq prints an Option<SequenceNumber> as Rust's Debug does.
func optSeq(v *uint64) string {
	if v == nil {
		return "None"
	}
	return fmt.Sprintf("Some(SequenceNumber(%d))", *v)
}

func errObjectNotFound(id walrus.ID, version *uint64) *RejectedError {
	return reject(ObjectNotFound, id, "Could not find the referenced object %s at version %s", id, optSeq(version))
}

func errVersionUnavailable(ref sui.ObjectRef, current uint64) *RejectedError {
	return reject(ObjectVersionUnavailableForConsumption, ref.ObjectID,
		"Transaction needs to be rebuilt because object %s version %s (%s) is unavailable for consumption, current version: %s",
		ref.ObjectID, seq(ref.Version), ref.Digest, seq(current))
}

// internalError wraps err as ErrInternal.
func internalError(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInternal, fmt.Sprintf(format, args...))
}

// AbortError is a Move abort raised by a registered function (see Call.Abort): the
// location (module address, module, function) and the abort code, which the executor
// reports as ExecutionFailureStatus::MoveAbort with the failing command's index.
type AbortError struct {
	Location sui.MoveLocation
	Code     uint64
}

func (e *AbortError) Error() string {
	return fmt.Sprintf("move abort in %s with code %d", e.Location.String(), e.Code)
}

// ArithmeticError is a Move arithmetic error (overflow, underflow, division by zero) in
// a registered function: MovePrimitiveRuntimeError with the location (see
// Call.ArithmeticError).
type ArithmeticError struct {
	Location sui.MoveLocation
}

func (e *ArithmeticError) Error() string {
	return "move arithmetic error in " + e.Location.String()
}

// ErrMisuse reports a registered function using Call wrongly (setting a read-only
// argument, placing an object twice, leaving an object it took unplaced, ...). The
// transaction fails with InvariantViolation.
var ErrMisuse = errors.New("exec: Call misuse")

func misuse(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrMisuse, fmt.Sprintf(format, args...))
}

// execFailure is a failed execution: the status error, the command it happened in, and
// (for invariant violations) the Go error behind it.
type execFailure struct {
	err     sui.ExecutionError
	command *uint64
	cause   error
}

func (f *execFailure) Error() string {
	s := f.err.String()
	if f.cause != nil {
		s += ": " + f.cause.Error()
	}
	return s
}

func failKind(kind sui.ExecutionErrorKind) *execFailure {
	return &execFailure{err: sui.ExecutionError{Kind: kind}}
}

func argError(kind sui.CommandArgumentErrorKind, idx int) *execFailure {
	return &execFailure{err: sui.ExecutionError{
		Kind:            sui.ExecCommandArgumentError,
		Index:           uint16(idx),
		CommandArgument: sui.CommandArgumentError{Kind: kind},
	}}
}

func invariant(cause error) *execFailure {
	return &execFailure{err: sui.ExecutionError{Kind: sui.ExecInvariantViolation}, cause: cause}
}
