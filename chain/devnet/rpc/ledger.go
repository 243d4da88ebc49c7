package rpc

import (
	"context"
	"errors"
	"math/big"
	"strings"
	"time"

	"github.com/tuskstore/tusk/chain/sui"
	"github.com/tuskstore/tusk/chain/walrus"
)

// ErrNotFound is returned (possibly wrapped) by a Ledger when the requested object, object
// version or checkpoint does not exist. The server turns it into codes.NotFound (or, in
// BatchGetObjects, a per-object google.rpc.Status with code 5).
var ErrNotFound = errors.New("rpc: not found")

// ErrInvalidCursor is returned (possibly wrapped) by Ledger.OwnedObjects when the cursor it
// is given is not one it produced. The server reports it as codes.InvalidArgument on
// page_token.
var ErrInvalidCursor = errors.New("rpc: invalid cursor")

// Ledger is what the gRPC services read. The devnet's ledger implements it; every method
// must be safe for concurrent use and must not block on slow subscribers.
//
// Errors other than ErrNotFound, ErrInvalidCursor and context errors are reported to
// clients as codes.Internal.
type Ledger interface {
	// ServiceInfo describes the chain as of the latest checkpoint. A ledger always has at
	// least checkpoint 0 (genesis).
	ServiceInfo(ctx context.Context) (ServiceInfo, error)

	// Object returns the live version of an object when version is nil, or exactly the
	// given version. ErrNotFound when it does not exist (or no longer exists).
	Object(ctx context.Context, id walrus.ID, version *uint64) (Object, error)

	// Checkpoint returns the checkpoint with sequence number seq, ErrNotFound when it has
	// not been produced (or was pruned).
	Checkpoint(ctx context.Context, seq uint64) (Checkpoint, error)

	// CheckpointNotify returns a channel that is closed as soon as a checkpoint newer than
	// the latest one at the time of the call exists. Callers take the channel first and
	// then read the latest checkpoint, so no checkpoint is ever missed; a ledger never
	// blocks on, or buffers for, its subscribers.
	CheckpointNotify() <-chan struct{}

	// Balance is the owner's balance of one coin type (a canonical struct tag such as
	// 0x000…0002::sui::SUI). An owner with nothing has a zero Balance, not ErrNotFound.
	Balance(ctx context.Context, owner walrus.Address, coinType string) (Balance, error)

	// OwnedObjects lists the objects owned by an address (Owner kind Address or
	// ConsensusAddress), in a stable order, at most limit of them, starting at cursor (nil
	// for the first page). typeFilter is "" (no filter) or a canonical struct tag; see
	// TypeMatches for its meaning. next is nil on the last page; otherwise it is an
	// opaque cursor for the following page.
	OwnedObjects(ctx context.Context, owner walrus.Address, typeFilter string, cursor []byte, limit int) (objects []Object, next []byte, err error)
}

// CheckpointDigestIndex is implemented by ledgers that can look a checkpoint up by its
// digest. GetCheckpoint by digest answers codes.Unimplemented on ledgers without it.
type CheckpointDigestIndex interface {
	CheckpointByDigest(ctx context.Context, digest sui.Digest) (Checkpoint, error)
}

// ServiceInfo is the state GetServiceInfo reports.
type ServiceInfo struct {
	// ChainID is the digest of the genesis checkpoint.
	ChainID sui.Digest
	// Chain is a human-readable chain name ("localnet", "devnet", …).
	Chain string
	// Epoch is the epoch of the latest checkpoint.
	Epoch uint64
	// CheckpointHeight is the sequence number of the latest checkpoint.
	CheckpointHeight uint64
	// ReferenceGasPrice is the current epoch's reference gas price (GetEpoch).
	ReferenceGasPrice uint64
	// EpochStart is when the current epoch started (GetEpoch).
	EpochStart time.Time
	// Timestamp is the timestamp of the latest checkpoint.
	Timestamp time.Time
	// LowestAvailableCheckpoint is the lowest checkpoint whose data is still served.
	LowestAvailableCheckpoint uint64
	// LowestAvailableCheckpointObjects is the lowest checkpoint whose objects are served.
	LowestAvailableCheckpointObjects uint64
}

// PackageType is the Object.Type of Move packages.
const PackageType = "package"

// Object is one version of a Sui object.
type Object struct {
	ID      walrus.ID
	Version uint64
	Digest  sui.Digest
	// Type is the canonical struct tag of a Move object (sui.StructTag.String()), or
	// PackageType.
	Type  string
	Owner Owner
	// Contents is the BCS of the Move struct value (nil for packages).
	Contents []byte
	// BCS is the BCS of the whole sui::object::Object, if the ledger has it; the bcs
	// field is left out of responses when it is nil.
	BCS                 []byte
	HasPublicTransfer   bool
	PreviousTransaction sui.Digest
	StorageRebate       uint64
	// Balance is the value of a 0x2::coin::Coin<T>; nil for other objects.
	Balance *uint64
}

// OwnerKind is the kind of an object's owner, numbered as sui.rpc.v2.Owner.OwnerKind.
type OwnerKind uint8

const (
	OwnerAddress          OwnerKind = 1
	OwnerObject           OwnerKind = 2
	OwnerShared           OwnerKind = 3
	OwnerImmutable        OwnerKind = 4
	OwnerConsensusAddress OwnerKind = 5
)

// Owner is an object's owner. Address is used by the Address, Object and
// ConsensusAddress kinds; Version is the initial shared version (Shared) or the start
// version (ConsensusAddress).
type Owner struct {
	Kind    OwnerKind
	Address walrus.Address
	Version uint64
}

// Balance is an owner's holdings of one coin type: the sum of its Coin<T> objects and its
// address balance (Balance<T> accumulator).
type Balance struct {
	CoinBalance    uint64
	AddressBalance uint64
}

// Checkpoint is a certified checkpoint with the transactions it contains.
type Checkpoint struct {
	SequenceNumber           uint64
	Digest                   sui.Digest
	Epoch                    uint64
	Timestamp                time.Time
	PreviousDigest           *sui.Digest
	ContentDigest            sui.Digest
	NetworkTotalTransactions uint64
	// EpochRollingGasCost is the epoch's gas cost up to and including this checkpoint.
	EpochRollingGasCost GasCost
	// SummaryBCS and ContentsBCS are the BCS of CheckpointSummary and
	// CheckpointContents, when the ledger has them (left out of responses when nil).
	SummaryBCS   []byte
	ContentsBCS  []byte
	Transactions []Transaction
}

// GasCost is a Sui GasCostSummary.
type GasCost struct {
	ComputationCost         uint64
	StorageCost             uint64
	StorageRebate           uint64
	NonRefundableStorageFee uint64
}

// Transaction is an executed transaction, as a checkpoint carries it and as
// GetTransaction and ExecuteTransaction report it. NewTransaction builds one from
// chain/sui's effects, events and objects.
type Transaction struct {
	Digest sui.Digest
	Sender walrus.Address
	// BCS is the BCS of the TransactionData. When it decodes, the rendered transaction also
	// carries its kind, gas payment and expiration.
	BCS []byte
	// Signatures are the serialized user signatures (flag ‖ signature ‖ public key for
	// simple signatures).
	Signatures [][]byte
	Effects    Effects
	// Events are the transaction's events in emission order; EventsDigest is set when the
	// transaction emitted any.
	Events       []Event
	EventsDigest *sui.Digest

	// Checkpoint is the sequence number of the checkpoint that includes the transaction
	// and Timestamp that checkpoint's timestamp; nil (and zero) while it is in none. A
	// checkpoint's own transactions are rendered with the checkpoint's.
	Checkpoint *uint64
	Timestamp  time.Time
	// BalanceChanges are the net changes of address-owned coin balances, ordered by
	// address and coin type.
	BalanceChanges []BalanceChange
	// Objects are the transaction's input objects (as they were before it) and output
	// objects, ordered by ID and version (ExecutedTransaction.objects).
	Objects []Object
}

// Effects is TransactionEffects as the services render them.
type Effects struct {
	// BCS is the BCS of TransactionEffects, if the ledger has it.
	BCS     []byte
	Digest  sui.Digest
	Epoch   uint64
	GasUsed GasCost
	// Success is the execution status; Error describes a failure. Failure, when set, is
	// the failure in detail (kind, abort location and code, failing command), rendered as
	// ExecutionStatus.error; Error is then its description (generated when empty).
	Success bool
	Error   string
	Failure *sui.ExecutionFailure

	// GasObject indexes ChangedObjects: the gas coin; nil without one.
	GasObject      *int
	Dependencies   []sui.Digest
	LamportVersion uint64
	// ChangedObjects are in the effects' order (by object ID).
	ChangedObjects            []ChangedObject
	UnchangedConsensusObjects []UnchangedConsensusObject
	AuxiliaryDataDigest       *sui.Digest
}

// IDOperation says what a transaction did to an object's ID, numbered as
// sui.rpc.v2.ChangedObject.IdOperation.
type IDOperation uint8

const (
	IDNone    IDOperation = 1
	IDCreated IDOperation = 2
	IDDeleted IDOperation = 3
)

// OutputState is an object's state after a transaction, numbered as
// sui.rpc.v2.ChangedObject.OutputObjectState (AccumulatorWrite is newer than the SDK's
// types and is sent as its number).
type OutputState uint8

const (
	OutputDoesNotExist     OutputState = 1
	OutputObjectWrite      OutputState = 2
	OutputPackageWrite     OutputState = 3
	OutputAccumulatorWrite OutputState = 4
)

// ObjectState is an object's version, digest and owner before or after a transaction.
type ObjectState struct {
	Version uint64
	Digest  sui.Digest
	Owner   Owner
}

// ChangedObject is one entry of the effects' changed objects.
type ChangedObject struct {
	ID walrus.ID
	// Input is the state before the transaction; nil when the object did not exist (or
	// was wrapped).
	Input *ObjectState
	// OutputState says what Output holds: OutputObjectWrite (version, digest, owner),
	// OutputPackageWrite (version, digest), or nothing.
	OutputState OutputState
	Output      *ObjectState
	IDOperation IDOperation
	// Type is the object's type (a canonical struct tag or PackageType), when known.
	Type string
}

// UnchangedConsensusKind is numbered as
// sui.rpc.v2.UnchangedConsensusObject.UnchangedConsensusObjectKind.
type UnchangedConsensusKind uint8

const (
	UnchangedReadOnlyRoot               UnchangedConsensusKind = 1
	UnchangedMutateConsensusStreamEnded UnchangedConsensusKind = 2
	UnchangedReadConsensusStreamEnded   UnchangedConsensusKind = 3
	UnchangedCanceled                   UnchangedConsensusKind = 4
	UnchangedPerEpochConfig             UnchangedConsensusKind = 5
)

// UnchangedConsensusObject is a consensus object the transaction read without changing.
type UnchangedConsensusObject struct {
	Kind    UnchangedConsensusKind
	ID      walrus.ID
	Version *uint64
	Digest  *sui.Digest
	Type    string
}

// BalanceChange is the net change of an address's balance of one coin type.
type BalanceChange struct {
	Address walrus.Address
	// CoinType is the canonical struct tag of the coin's type parameter (0x…2::sui::SUI).
	CoinType string
	Amount   *big.Int
}

// TransactionStore is implemented by ledgers that serve executed transactions by digest
// (LedgerService.GetTransaction and BatchGetTransactions). A transaction that has not
// been executed is ErrNotFound; clients poll on that until it shows up.
type TransactionStore interface {
	Transaction(ctx context.Context, digest sui.Digest) (Transaction, error)
}

// Event is a Move event.
type Event struct {
	PackageID walrus.ID
	Module    string
	Sender    walrus.Address
	// Type is the canonical struct tag of the event.
	Type string
	// Contents is the BCS of the event struct.
	Contents []byte
}

// TypeMatches reports whether an object of type objectType passes the ListOwnedObjects
// filter: both are canonical struct tags (sui.StructTag.String()). A filter with type
// parameters matches only that exact type; a filter without them matches the type with
// any type parameters, so 0x…2::coin::Coin matches every Coin<T>. An empty filter
// matches everything.
func TypeMatches(filter, objectType string) bool {
	if filter == "" || filter == objectType {
		return true
	}
	if strings.HasSuffix(filter, ">") {
		return false
	}
	rest, ok := strings.CutPrefix(objectType, filter)
	return ok && strings.HasPrefix(rest, "<")
}
