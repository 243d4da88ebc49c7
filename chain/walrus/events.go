package walrus

import (
	"errors"
	"fmt"
	"strings"

	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/internal/bcs"
)

// EventsModule is the Move module that declares and emits every Walrus event; an event's
// type tag is "<package>::events::<Name>".
const EventsModule = "events"

// Event is a Walrus event: one of the structs of walrus::events (a pointer to it).
type Event interface {
	bcs.Marshaler
	bcs.Unmarshaler
	eventName() string
}

// ErrUnknownEvent is matched (errors.Is) by the error DecodeEvent returns for a type that
// is not a Walrus event.
var ErrUnknownEvent = errors.New("walrus: unknown event type")

// UnknownEventError is the error for a type name that is not a Walrus event.
type UnknownEventError struct{ TypeName string }

func (e *UnknownEventError) Error() string {
	return fmt.Sprintf("%v %q", ErrUnknownEvent, e.TypeName)
}

// Is makes errors.Is(err, ErrUnknownEvent) true.
func (e *UnknownEventError) Is(target error) bool { return target == ErrUnknownEvent }

// EventTypeName returns the Move struct name of e, such as "BlobRegistered".
func EventTypeName(e Event) string { return e.eventName() }

// EventTypeTag returns the full Move type of e as Sui prints it:
// "0x<64 hex>::events::<Name>".
func EventTypeTag(pkg ID, e Event) string {
	return pkg.String() + "::" + EventsModule + "::" + e.eventName()
}

// EventStructName returns the struct name of an event type given either bare
// ("BlobRegistered") or as a full type tag ("0x…::events::BlobRegistered"); a full tag must
// be in the events module and have no type parameters. It does not check the package.
func EventStructName(typeName string) (string, bool) {
	if !strings.Contains(typeName, "::") {
		return typeName, typeName != ""
	}
	parts := strings.Split(typeName, "::")
	if len(parts) != 3 || parts[1] != EventsModule || parts[2] == "" || strings.ContainsAny(parts[2], "<>") {
		return "", false
	}
	if _, err := ParseID(parts[0]); err != nil {
		return "", false
	}
	return parts[2], true
}

var eventConstructors = map[string]func() Event{
	"BlobRegistered":               func() Event { return new(BlobRegistered) },
	"BlobCertified":                func() Event { return new(BlobCertified) },
	"BlobDeleted":                  func() Event { return new(BlobDeleted) },
	"InvalidBlobID":                func() Event { return new(InvalidBlobID) },
	"EpochChangeStart":             func() Event { return new(EpochChangeStart) },
	"EpochChangeDone":              func() Event { return new(EpochChangeDone) },
	"ShardsReceived":               func() Event { return new(ShardsReceived) },
	"EpochParametersSelected":      func() Event { return new(EpochParametersSelected) },
	"ShardRecoveryStart":           func() Event { return new(ShardRecoveryStart) },
	"ContractUpgraded":             func() Event { return new(ContractUpgraded) },
	"RegisterDenyListUpdate":       func() Event { return new(RegisterDenyListUpdate) },
	"DenyListUpdate":               func() Event { return new(DenyListUpdate) },
	"DenyListBlobDeleted":          func() Event { return new(DenyListBlobDeleted) },
	"ContractUpgradeProposed":      func() Event { return new(ContractUpgradeProposed) },
	"ContractUpgradeQuorumReached": func() Event { return new(ContractUpgradeQuorumReached) },
	"ProtocolVersionUpdated":       func() Event { return new(ProtocolVersionUpdated) },
	"PricesUpdated":                func() Event { return new(PricesUpdated) },
	"StoragePoolCreated":           func() Event { return new(StoragePoolCreated) },
	"PooledBlobRegistered":         func() Event { return new(PooledBlobRegistered) },
	"PooledBlobCertified":          func() Event { return new(PooledBlobCertified) },
	"PooledBlobDeleted":            func() Event { return new(PooledBlobDeleted) },
	"StoragePoolExtended":          func() Event { return new(StoragePoolExtended) },
}

// EventNames lists the Walrus event struct names in the order events.move declares them.
func EventNames() []string {
	return []string{
		"BlobRegistered", "BlobCertified", "BlobDeleted", "InvalidBlobID", "EpochChangeStart",
		"EpochChangeDone", "ShardsReceived", "EpochParametersSelected", "ShardRecoveryStart",
		"ContractUpgraded", "RegisterDenyListUpdate", "DenyListUpdate", "DenyListBlobDeleted",
		"ContractUpgradeProposed", "ContractUpgradeQuorumReached", "ProtocolVersionUpdated",
		"PricesUpdated", "StoragePoolCreated", "PooledBlobRegistered", "PooledBlobCertified",
		"PooledBlobDeleted", "StoragePoolExtended",
	}
}

// NewEvent returns a zero event of the given struct name or type tag.
func NewEvent(typeName string) (Event, error) {
	name, ok := EventStructName(typeName)
	if ok {
		if mk, found := eventConstructors[name]; found {
			return mk(), nil
		}
	}
	return nil, &UnknownEventError{TypeName: typeName}
}

// DecodeEvent decodes the BCS contents of a Walrus event of the given type (struct name
// or full type tag, see EventStructName). An unknown type gives an error matching
// ErrUnknownEvent; bad bytes give one matching bcs.ErrMalformed.
func DecodeEvent(typeName string, data []byte) (Event, error) {
	ev, err := NewEvent(typeName)
	if err != nil {
		return nil, err
	}
	if err := bcs.Unmarshal(data, ev); err != nil {
		return nil, fmt.Errorf("walrus: decoding %s event: %w", ev.eventName(), err)
	}
	return ev, nil
}

// BlobRegistered is walrus::events::BlobRegistered: a blob was registered.
type BlobRegistered struct {
	Epoch        uint32
	BlobID       encoding.BlobID // u256
	Size         uint64
	EncodingType uint8
	EndEpoch     uint32
	Deletable    bool
	ObjectID     ID // the Blob object
}

func (*BlobRegistered) eventName() string { return "BlobRegistered" }

func (ev *BlobRegistered) MarshalBCS(e *bcs.Encoder) {
	e.U32(ev.Epoch)
	putBlobID(e, &ev.BlobID)
	e.U64(ev.Size)
	e.U8(ev.EncodingType)
	e.U32(ev.EndEpoch)
	e.Bool(ev.Deletable)
	ev.ObjectID.MarshalBCS(e)
}

func (ev *BlobRegistered) UnmarshalBCS(d *bcs.Decoder) {
	ev.Epoch = d.U32()
	getBlobID(d, &ev.BlobID)
	ev.Size = d.U64()
	ev.EncodingType = d.U8()
	ev.EndEpoch = d.U32()
	ev.Deletable = d.Bool()
	ev.ObjectID.UnmarshalBCS(d)
}

// BlobCertified is walrus::events::BlobCertified: a blob was certified, or a certified
// blob was extended (IsExtension). Epoch is the blob's first certification epoch.
type BlobCertified struct {
	Epoch       uint32
	BlobID      encoding.BlobID // u256
	EndEpoch    uint32
	Deletable   bool
	ObjectID    ID
	IsExtension bool
}

func (*BlobCertified) eventName() string { return "BlobCertified" }

func (ev *BlobCertified) MarshalBCS(e *bcs.Encoder) {
	e.U32(ev.Epoch)
	putBlobID(e, &ev.BlobID)
	e.U32(ev.EndEpoch)
	e.Bool(ev.Deletable)
	ev.ObjectID.MarshalBCS(e)
	e.Bool(ev.IsExtension)
}

func (ev *BlobCertified) UnmarshalBCS(d *bcs.Decoder) {
	ev.Epoch = d.U32()
	getBlobID(d, &ev.BlobID)
	ev.EndEpoch = d.U32()
	ev.Deletable = d.Bool()
	ev.ObjectID.UnmarshalBCS(d)
	ev.IsExtension = d.Bool()
}

// BlobDeleted is walrus::events::BlobDeleted: a deletable blob was deleted.
type BlobDeleted struct {
	Epoch        uint32
	BlobID       encoding.BlobID // u256
	EndEpoch     uint32
	ObjectID     ID
	WasCertified bool
}

func (*BlobDeleted) eventName() string { return "BlobDeleted" }

func (ev *BlobDeleted) MarshalBCS(e *bcs.Encoder) {
	e.U32(ev.Epoch)
	putBlobID(e, &ev.BlobID)
	e.U32(ev.EndEpoch)
	ev.ObjectID.MarshalBCS(e)
	e.Bool(ev.WasCertified)
}

func (ev *BlobDeleted) UnmarshalBCS(d *bcs.Decoder) {
	ev.Epoch = d.U32()
	getBlobID(d, &ev.BlobID)
	ev.EndEpoch = d.U32()
	ev.ObjectID.UnmarshalBCS(d)
	ev.WasCertified = d.Bool()
}

// putEpochBlobID writes the layout shared by InvalidBlobID and DenyListBlobDeleted.
func putEpochBlobID(e *bcs.Encoder, epoch uint32, id *encoding.BlobID) {
	e.U32(epoch)
	putBlobID(e, id)
}

// InvalidBlobID is walrus::events::InvalidBlobID: a blob ID was marked invalid.
type InvalidBlobID struct {
	Epoch  uint32
	BlobID encoding.BlobID // u256
}

func (*InvalidBlobID) eventName() string { return "InvalidBlobID" }

func (ev *InvalidBlobID) MarshalBCS(e *bcs.Encoder) { putEpochBlobID(e, ev.Epoch, &ev.BlobID) }

func (ev *InvalidBlobID) UnmarshalBCS(d *bcs.Decoder) {
	ev.Epoch = d.U32()
	getBlobID(d, &ev.BlobID)
}

// EpochChangeStart is walrus::events::EpochChangeStart: the epoch change to Epoch began.
type EpochChangeStart struct{ Epoch uint32 }

func (*EpochChangeStart) eventName() string              { return "EpochChangeStart" }
func (ev *EpochChangeStart) MarshalBCS(e *bcs.Encoder)   { e.U32(ev.Epoch) }
func (ev *EpochChangeStart) UnmarshalBCS(d *bcs.Decoder) { ev.Epoch = d.U32() }

// EpochChangeDone is walrus::events::EpochChangeDone: a quorum of shard weight finished
// syncing for Epoch.
type EpochChangeDone struct{ Epoch uint32 }

func (*EpochChangeDone) eventName() string              { return "EpochChangeDone" }
func (ev *EpochChangeDone) MarshalBCS(e *bcs.Encoder)   { e.U32(ev.Epoch) }
func (ev *EpochChangeDone) UnmarshalBCS(d *bcs.Decoder) { ev.Epoch = d.U32() }

// ShardsReceived is walrus::events::ShardsReceived.
type ShardsReceived struct {
	Epoch  uint32
	Shards []uint16
}

func (*ShardsReceived) eventName() string { return "ShardsReceived" }

func (ev *ShardsReceived) MarshalBCS(e *bcs.Encoder) {
	e.U32(ev.Epoch)
	putU16s(e, ev.Shards)
}

func (ev *ShardsReceived) UnmarshalBCS(d *bcs.Decoder) {
	ev.Epoch = d.U32()
	ev.Shards = getU16s(d)
}

// EpochParametersSelected is walrus::events::EpochParametersSelected: the committee and
// parameters of NextEpoch were selected.
type EpochParametersSelected struct{ NextEpoch uint32 }

func (*EpochParametersSelected) eventName() string              { return "EpochParametersSelected" }
func (ev *EpochParametersSelected) MarshalBCS(e *bcs.Encoder)   { e.U32(ev.NextEpoch) }
func (ev *EpochParametersSelected) UnmarshalBCS(d *bcs.Decoder) { ev.NextEpoch = d.U32() }

// ShardRecoveryStart is walrus::events::ShardRecoveryStart.
type ShardRecoveryStart struct {
	Epoch  uint32
	Shards []uint16
}

func (*ShardRecoveryStart) eventName() string { return "ShardRecoveryStart" }

func (ev *ShardRecoveryStart) MarshalBCS(e *bcs.Encoder) {
	e.U32(ev.Epoch)
	putU16s(e, ev.Shards)
}

func (ev *ShardRecoveryStart) UnmarshalBCS(d *bcs.Decoder) {
	ev.Epoch = d.U32()
	ev.Shards = getU16s(d)
}

// ContractUpgraded is walrus::events::ContractUpgraded.
type ContractUpgraded struct {
	Epoch     uint32
	PackageID ID
	Version   uint64
}

func (*ContractUpgraded) eventName() string { return "ContractUpgraded" }

func (ev *ContractUpgraded) MarshalBCS(e *bcs.Encoder) {
	e.U32(ev.Epoch)
	ev.PackageID.MarshalBCS(e)
	e.U64(ev.Version)
}

func (ev *ContractUpgraded) UnmarshalBCS(d *bcs.Decoder) {
	ev.Epoch = d.U32()
	ev.PackageID.UnmarshalBCS(d)
	ev.Version = d.U64()
}

// denyListUpdate is the layout shared by RegisterDenyListUpdate and DenyListUpdate.
type denyListUpdate struct {
	Epoch          uint32
	Root           U256
	SequenceNumber uint64
	NodeID         ID
}

func (ev *denyListUpdate) MarshalBCS(e *bcs.Encoder) {
	e.U32(ev.Epoch)
	ev.Root.MarshalBCS(e)
	e.U64(ev.SequenceNumber)
	ev.NodeID.MarshalBCS(e)
}

func (ev *denyListUpdate) UnmarshalBCS(d *bcs.Decoder) {
	ev.Epoch = d.U32()
	ev.Root.UnmarshalBCS(d)
	ev.SequenceNumber = d.U64()
	ev.NodeID.UnmarshalBCS(d)
}

// RegisterDenyListUpdate is walrus::events::RegisterDenyListUpdate.
type RegisterDenyListUpdate struct {
	Epoch          uint32
	Root           U256
	SequenceNumber uint64
	NodeID         ID
}

func (*RegisterDenyListUpdate) eventName() string { return "RegisterDenyListUpdate" }

func (ev *RegisterDenyListUpdate) MarshalBCS(e *bcs.Encoder) { (*denyListUpdate)(ev).MarshalBCS(e) }

func (ev *RegisterDenyListUpdate) UnmarshalBCS(d *bcs.Decoder) {
	(*denyListUpdate)(ev).UnmarshalBCS(d)
}

// DenyListUpdate is walrus::events::DenyListUpdate.
type DenyListUpdate struct {
	Epoch          uint32
	Root           U256
	SequenceNumber uint64
	NodeID         ID
}

func (*DenyListUpdate) eventName() string              { return "DenyListUpdate" }
func (ev *DenyListUpdate) MarshalBCS(e *bcs.Encoder)   { (*denyListUpdate)(ev).MarshalBCS(e) }
func (ev *DenyListUpdate) UnmarshalBCS(d *bcs.Decoder) { (*denyListUpdate)(ev).UnmarshalBCS(d) }

// DenyListBlobDeleted is walrus::events::DenyListBlobDeleted.
type DenyListBlobDeleted struct {
	Epoch  uint32
	BlobID encoding.BlobID // u256
}

func (*DenyListBlobDeleted) eventName() string { return "DenyListBlobDeleted" }

func (ev *DenyListBlobDeleted) MarshalBCS(e *bcs.Encoder) { putEpochBlobID(e, ev.Epoch, &ev.BlobID) }

func (ev *DenyListBlobDeleted) UnmarshalBCS(d *bcs.Decoder) {
	ev.Epoch = d.U32()
	getBlobID(d, &ev.BlobID)
}

// ContractUpgradeProposed is walrus::events::ContractUpgradeProposed.
type ContractUpgradeProposed struct {
	Epoch         uint32
	PackageDigest []byte
}

func (*ContractUpgradeProposed) eventName() string { return "ContractUpgradeProposed" }

func (ev *ContractUpgradeProposed) MarshalBCS(e *bcs.Encoder) {
	e.U32(ev.Epoch)
	e.ByteVec(ev.PackageDigest)
}

func (ev *ContractUpgradeProposed) UnmarshalBCS(d *bcs.Decoder) {
	ev.Epoch = d.U32()
	ev.PackageDigest = getBytes(d)
}

// ContractUpgradeQuorumReached is walrus::events::ContractUpgradeQuorumReached.
type ContractUpgradeQuorumReached struct {
	Epoch         uint32
	PackageDigest []byte
}

func (*ContractUpgradeQuorumReached) eventName() string { return "ContractUpgradeQuorumReached" }

func (ev *ContractUpgradeQuorumReached) MarshalBCS(e *bcs.Encoder) {
	e.U32(ev.Epoch)
	e.ByteVec(ev.PackageDigest)
}

func (ev *ContractUpgradeQuorumReached) UnmarshalBCS(d *bcs.Decoder) {
	ev.Epoch = d.U32()
	ev.PackageDigest = getBytes(d)
}

// ProtocolVersionUpdated is walrus::events::ProtocolVersionUpdated.
type ProtocolVersionUpdated struct {
	Epoch           uint32
	StartEpoch      uint32
	ProtocolVersion uint64
}

func (*ProtocolVersionUpdated) eventName() string { return "ProtocolVersionUpdated" }

func (ev *ProtocolVersionUpdated) MarshalBCS(e *bcs.Encoder) {
	e.U32(ev.Epoch)
	e.U32(ev.StartEpoch)
	e.U64(ev.ProtocolVersion)
}

func (ev *ProtocolVersionUpdated) UnmarshalBCS(d *bcs.Decoder) {
	ev.Epoch = d.U32()
	ev.StartEpoch = d.U32()
	ev.ProtocolVersion = d.U64()
}

// PricesUpdated is walrus::events::PricesUpdated.
type PricesUpdated struct {
	Epoch        uint32
	StoragePrice uint64
	WritePrice   uint64
}

func (*PricesUpdated) eventName() string { return "PricesUpdated" }

func (ev *PricesUpdated) MarshalBCS(e *bcs.Encoder) {
	e.U32(ev.Epoch)
	e.U64(ev.StoragePrice)
	e.U64(ev.WritePrice)
}

func (ev *PricesUpdated) UnmarshalBCS(d *bcs.Decoder) {
	ev.Epoch = d.U32()
	ev.StoragePrice = d.U64()
	ev.WritePrice = d.U64()
}

// StoragePoolCreated is walrus::events::StoragePoolCreated.
type StoragePoolCreated struct {
	Epoch                        uint32
	StoragePoolID                ID
	ReservedEncodedCapacityBytes uint64
	StartEpoch                   uint32
	EndEpoch                     uint32
}

func (*StoragePoolCreated) eventName() string { return "StoragePoolCreated" }

func (ev *StoragePoolCreated) MarshalBCS(e *bcs.Encoder) {
	e.U32(ev.Epoch)
	ev.StoragePoolID.MarshalBCS(e)
	e.U64(ev.ReservedEncodedCapacityBytes)
	e.U32(ev.StartEpoch)
	e.U32(ev.EndEpoch)
}

func (ev *StoragePoolCreated) UnmarshalBCS(d *bcs.Decoder) {
	ev.Epoch = d.U32()
	ev.StoragePoolID.UnmarshalBCS(d)
	ev.ReservedEncodedCapacityBytes = d.U64()
	ev.StartEpoch = d.U32()
	ev.EndEpoch = d.U32()
}

// PooledBlobRegistered is walrus::events::PooledBlobRegistered.
type PooledBlobRegistered struct {
	Epoch         uint32
	BlobID        encoding.BlobID // u256
	UnencodedSize uint64
	EncodingType  uint8
	Deletable     bool
	ObjectID      ID
	StoragePoolID ID
}

func (*PooledBlobRegistered) eventName() string { return "PooledBlobRegistered" }

func (ev *PooledBlobRegistered) MarshalBCS(e *bcs.Encoder) {
	e.U32(ev.Epoch)
	putBlobID(e, &ev.BlobID)
	e.U64(ev.UnencodedSize)
	e.U8(ev.EncodingType)
	e.Bool(ev.Deletable)
	ev.ObjectID.MarshalBCS(e)
	ev.StoragePoolID.MarshalBCS(e)
}

func (ev *PooledBlobRegistered) UnmarshalBCS(d *bcs.Decoder) {
	ev.Epoch = d.U32()
	getBlobID(d, &ev.BlobID)
	ev.UnencodedSize = d.U64()
	ev.EncodingType = d.U8()
	ev.Deletable = d.Bool()
	ev.ObjectID.UnmarshalBCS(d)
	ev.StoragePoolID.UnmarshalBCS(d)
}

// PooledBlobCertified is walrus::events::PooledBlobCertified.
type PooledBlobCertified struct {
	Epoch         uint32
	BlobID        encoding.BlobID // u256
	Deletable     bool
	ObjectID      ID
	StoragePoolID ID
}

func (*PooledBlobCertified) eventName() string { return "PooledBlobCertified" }

func (ev *PooledBlobCertified) MarshalBCS(e *bcs.Encoder) {
	e.U32(ev.Epoch)
	putBlobID(e, &ev.BlobID)
	e.Bool(ev.Deletable)
	ev.ObjectID.MarshalBCS(e)
	ev.StoragePoolID.MarshalBCS(e)
}

func (ev *PooledBlobCertified) UnmarshalBCS(d *bcs.Decoder) {
	ev.Epoch = d.U32()
	getBlobID(d, &ev.BlobID)
	ev.Deletable = d.Bool()
	ev.ObjectID.UnmarshalBCS(d)
	ev.StoragePoolID.UnmarshalBCS(d)
}

// PooledBlobDeleted is walrus::events::PooledBlobDeleted.
type PooledBlobDeleted struct {
	Epoch         uint32
	BlobID        encoding.BlobID // u256
	ObjectID      ID
	WasCertified  bool
	StoragePoolID ID
}

func (*PooledBlobDeleted) eventName() string { return "PooledBlobDeleted" }

func (ev *PooledBlobDeleted) MarshalBCS(e *bcs.Encoder) {
	e.U32(ev.Epoch)
	putBlobID(e, &ev.BlobID)
	ev.ObjectID.MarshalBCS(e)
	e.Bool(ev.WasCertified)
	ev.StoragePoolID.MarshalBCS(e)
}

func (ev *PooledBlobDeleted) UnmarshalBCS(d *bcs.Decoder) {
	ev.Epoch = d.U32()
	getBlobID(d, &ev.BlobID)
	ev.ObjectID.UnmarshalBCS(d)
	ev.WasCertified = d.Bool()
	ev.StoragePoolID.UnmarshalBCS(d)
}

// StoragePoolExtended is walrus::events::StoragePoolExtended.
type StoragePoolExtended struct {
	Epoch         uint32
	StoragePoolID ID
	NewEndEpoch   uint32
}

func (*StoragePoolExtended) eventName() string { return "StoragePoolExtended" }

func (ev *StoragePoolExtended) MarshalBCS(e *bcs.Encoder) {
	e.U32(ev.Epoch)
	ev.StoragePoolID.MarshalBCS(e)
	e.U32(ev.NewEndEpoch)
}

func (ev *StoragePoolExtended) UnmarshalBCS(d *bcs.Decoder) {
	ev.Epoch = d.U32()
	ev.StoragePoolID.UnmarshalBCS(d)
	ev.NewEndEpoch = d.U32()
}
