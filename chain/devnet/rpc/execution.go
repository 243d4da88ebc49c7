package rpc

import (
	"context"
	"errors"

	"github.com/tuskstore/tusk/chain/walrus"
)

// Executor executes and simulates transactions for TransactionExecutionService. The
// devnet's executor (chain/devnet/exec, adapted by chain/devnet/rpc/execrpc) implements
// it; it must be safe for concurrent use.
//
// Errors: a transaction that cannot run at all (undecodable bytes, a protocol-limit or
// validity check, missing or invalid signatures, inputs or gas that validators reject) is
// an error that matches ErrInvalidTransaction (wrap it with InvalidTransaction); the
// server answers codes.InvalidArgument with the error's text unchanged, which should be a
// full node's message. A transaction that runs and fails (a Move abort, insufficient
// gas, …) is not an error: it is a result whose effects carry the failure. Context
// errors become Canceled or DeadlineExceeded; anything else is Internal (logged, not
// sent to the client).
type Executor interface {
	// Execute verifies, executes and commits a signed transaction: txBytes is the BCS of
	// TransactionData, each signature a serialized user signature. Executing a transaction
	// that was already committed returns its committed results.
	Execute(ctx context.Context, txBytes []byte, signatures [][]byte) (*ExecutionResult, error)
	// Simulate executes a transaction without signatures and without committing it.
	Simulate(ctx context.Context, txBytes []byte) (*ExecutionResult, error)
}

// ExecutionResult is what executing or simulating a transaction produced.
type ExecutionResult struct {
	// Transaction is the executed transaction. Checkpoint is normally nil: a freshly
	// executed transaction is in no checkpoint yet (the server looks it up in the
	// TransactionStore when a client asks for the checkpoint).
	Transaction Transaction
	// CommandResults are the values each command returned (Simulate, when execution
	// succeeded); nil otherwise.
	CommandResults []CommandResult
}

// CommandResult is what one command of a programmable transaction returned.
type CommandResult struct {
	ReturnValues []MoveValue
	// MutatedByRef are the values passed by &mut and their new contents, when the
	// executor reports them.
	MutatedByRef []MutatedValue
}

// MoveValue is a Move value: its type (a canonical type tag) and BCS.
type MoveValue struct {
	Type string
	BCS  []byte
}

// MutatedValue is a value a command changed through a &mut reference.
type MutatedValue struct {
	// Argument is the command argument that was mutated.
	Argument Argument
	Value    MoveValue
}

// ArgumentKind is numbered as sui.rpc.v2.Argument.ArgumentKind.
type ArgumentKind uint8

const (
	ArgumentGas    ArgumentKind = 1
	ArgumentInput  ArgumentKind = 2
	ArgumentResult ArgumentKind = 3
)

// Argument is a programmable-transaction argument: the gas coin, an input, a result or
// (with Subresult) one value of a result.
type Argument struct {
	Kind      ArgumentKind
	Index     uint16
	Subresult *uint16
}

// ErrInvalidTransaction is matched (errors.Is) by Executor errors for transactions that
// cannot run: the server answers codes.InvalidArgument with the error's text.
var ErrInvalidTransaction = errors.New("rpc: invalid transaction")

// InvalidTransaction wraps err so that it matches ErrInvalidTransaction; its text stays
// err's, and errors.Is/As still see err.
func InvalidTransaction(err error) error {
	if err == nil {
		return nil
	}
	return &invalidTransactionError{err}
}

type invalidTransactionError struct{ err error }

func (e *invalidTransactionError) Error() string        { return e.err.Error() }
func (e *invalidTransactionError) Unwrap() error        { return e.err }
func (e *invalidTransactionError) Is(target error) bool { return target == ErrInvalidTransaction }

// FunctionCatalog describes Move functions for MovePackageService.GetFunction (and, in
// time, the argument resolution of SimulateTransaction). The devnet implements it from
// its function registry (execrpc.NewFunctionCatalog). An unknown package, module or
// function is ErrNotFound; other errors are Internal.
type FunctionCatalog interface {
	Function(ctx context.Context, pkg walrus.ID, module, name string) (MoveFunction, error)
}

// Visibility is numbered as sui.rpc.v2.FunctionDescriptor.Visibility.
type Visibility uint8

const (
	VisibilityPrivate Visibility = 1
	VisibilityPublic  Visibility = 2
	VisibilityFriend  Visibility = 3
)

// Ability is numbered as sui.rpc.v2.Ability.
type Ability uint8

const (
	AbilityCopy  Ability = 1
	AbilityDrop  Ability = 2
	AbilityStore Ability = 3
	AbilityKey   Ability = 4
)

// MoveFunction is a Move function's signature, as a FunctionDescriptor carries it.
type MoveFunction struct {
	Name       string
	Visibility Visibility
	IsEntry    bool
	// TypeParameters are the ability constraints of each type parameter.
	TypeParameters [][]Ability
	// Parameters are all of the function's parameters, as in the Move source (a trailing
	// &mut TxContext included when the function has one; clients drop it).
	Parameters []OpenSignature
	Returns    []OpenSignature
}

// Reference is numbered as sui.rpc.v2.OpenSignature.Reference; RefNone is a parameter
// taken by value.
type Reference uint8

const (
	RefNone      Reference = 0
	RefImmutable Reference = 1
	RefMutable   Reference = 2
)

// OpenSignature is a parameter or return type, possibly a reference.
type OpenSignature struct {
	Reference Reference
	Body      OpenType
}

// OpenTypeKind is numbered as sui.rpc.v2.OpenSignatureBody.Type.
type OpenTypeKind uint8

const (
	TypeAddress       OpenTypeKind = 1
	TypeBool          OpenTypeKind = 2
	TypeU8            OpenTypeKind = 3
	TypeU16           OpenTypeKind = 4
	TypeU32           OpenTypeKind = 5
	TypeU64           OpenTypeKind = 6
	TypeU128          OpenTypeKind = 7
	TypeU256          OpenTypeKind = 8
	TypeVector        OpenTypeKind = 9
	TypeDatatype      OpenTypeKind = 10
	TypeTypeParameter OpenTypeKind = 11
)

// OpenType is a Move type that may mention the function's type parameters.
type OpenType struct {
	Kind OpenTypeKind
	// TypeName is a datatype's 0x<64 hex>::module::Name, without type arguments.
	TypeName string
	// TypeArgs are a datatype's type arguments, or a vector's element type (one).
	TypeArgs []OpenType
	// TypeParameter is the index of the function's type parameter (TypeTypeParameter).
	TypeParameter uint32
}
