package extract

import (
	"github.com/tuskstore/tusk/chain/sui"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/indexer/rewards"
)

// Rows is what one checkpoint contributes to the indexer's tables, in chain order
// within each slice. Objects appear at the version the transaction wrote them, so that
// a writer can keep, for each object, only the newest state it has seen.
type Rows struct {
	Checkpoint  uint64
	Epoch       uint64 // Sui epoch
	TimestampMs uint64

	Events []Event

	Blobs      []BlobWrite
	Gone       []Gone
	Attributes []AttributesWrite
	Invalid    []InvalidBlob

	EpochStarts    []EpochMark // EpochChangeStart
	EpochSyncDone  []EpochMark // EpochChangeDone
	ParamsSelected []EpochMark // EpochParametersSelected (for the next epoch)
	Systems        []SystemState
	Stakings       []StakingState

	Nodes        []NodeWrite
	NodeMetadata []NodeMetadataWrite
	Stake        []Stake
	Rewards      []Reward
}

// RowCount is the number of rows the checkpoint writes (deletion candidates, which
// mostly match nothing, are not counted).
func (r *Rows) RowCount() int {
	n := len(r.Events) + len(r.Blobs) + len(r.Attributes) + len(r.Invalid) + len(r.EpochStarts) +
		len(r.EpochSyncDone) + len(r.ParamsSelected) + len(r.Systems) + len(r.Nodes) + len(r.NodeMetadata) +
		len(r.Stake) + len(r.Rewards)
	for _, s := range r.Stakings {
		n += 1 + len(s.Committee)
	}
	return n
}

// Event is one event of the feed: a Walrus event as emitted, or a derived one.
type Event struct {
	Checkpoint uint64
	// Index is the event's position among the checkpoint's feed events.
	Index    uint32
	TxDigest sui.Digest
	TxIndex  uint32
	// EventIndex is the index among the transaction's events; nil for derived events.
	EventIndex  *uint32
	TimestampMs uint64
	// Name is the struct name, Type the full type.
	Name, Type string
	BCS        []byte
	JSON       []byte
	BlobID     *encoding.BlobID
	ObjectID   *walrus.ID
	NodeID     *walrus.ID
}

// Derived reports whether the indexer made the event up (NodeRewards).
func (e *Event) Derived() bool { return e.EventIndex == nil }

// Owner kinds of a blob.
const (
	OwnerAddress   = "address"
	OwnerObject    = "object"
	OwnerShared    = "shared"
	OwnerImmutable = "immutable"
	OwnerParty     = "party"
	OwnerWrapped   = "wrapped"
)

// BlobWrite is a Blob object's state at a version.
type BlobWrite struct {
	Checkpoint uint64
	ObjectID   walrus.ID
	Version    uint64
	Blob       walrus.Blob
	OwnerKind  string
	// Owner is the owning address or object (the SharedBlob for shared blobs); nil when
	// there is none (immutable, party).
	Owner *walrus.ID
	// EncodedSize is the blob's encoded size for the current shard count, when known.
	EncodedSize *uint64
	// AttributesID is the object ID of the blob's metadata dynamic field.
	AttributesID walrus.ID
}

// Gone is an object deleted or wrapped at a version. The effects do not say what type
// the object was, so it is a candidate: a writer applies it to the blobs (and blob
// attributes) it knows with that object ID and ignores it otherwise.
type Gone struct {
	Checkpoint uint64
	ObjectID   walrus.ID
	Version    uint64
	Deleted    bool // false: wrapped
}

// AttributesWrite is a blob's metadata dynamic field at a version.
type AttributesWrite struct {
	Checkpoint uint64
	FieldID    walrus.ID
	BlobObject walrus.ID
	Version    uint64
	JSON       []byte
}

// InvalidBlob is an InvalidBlobID event.
type InvalidBlob struct {
	BlobID     encoding.BlobID
	Epoch      uint32
	Checkpoint uint64
	TxDigest   sui.Digest
}

// EpochMark is a Walrus epoch reaching a stage at a time.
type EpochMark struct {
	Epoch       uint32
	Checkpoint  uint64
	TimestampMs uint64
}

// SystemState is the System inner state at a version: the current epoch's prices and
// capacity.
type SystemState struct {
	Epoch         uint32
	Version       uint64
	StoragePrice  uint64
	WritePrice    uint64
	TotalCapacity uint64
	UsedCapacity  uint64
}

// StakingState is the Staking inner state at a version: the epoch, shard count,
// duration and the epoch's committee.
type StakingState struct {
	Epoch           uint32
	Version         uint64
	NShards         uint16
	EpochDurationMs uint64
	Committee       walrus.Committee
}

// NodeWrite is a staking pool (a storage node) at a version, with its BCS.
type NodeWrite struct {
	Checkpoint uint64
	Version    uint64
	Pool       *walrus.StakingPool
	BCS        []byte
}

// NodeMetadataWrite is a node's metadata field at a version; Owner is the UID of the
// ExtendedField in the pool that holds it.
type NodeMetadataWrite struct {
	Owner   walrus.ID
	Version uint64
	JSON    []byte
}

// Stake is a pool's stake in a Walrus epoch, as of a version.
type Stake struct {
	NodeID         walrus.ID
	Epoch          uint32
	Version        uint64
	WalBalance     uint64
	NumShares      uint64
	PendingStake   uint64
	CommissionRate uint16
	Checkpoint     uint64
}

// Reward is a node's reward for an epoch, derived at the epoch change.
type Reward struct {
	Paid       rewards.Reward
	Checkpoint uint64
	TxDigest   sui.Digest
}
