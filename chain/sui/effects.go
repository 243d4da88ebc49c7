package sui

import (
	"fmt"

	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/internal/bcs"
)

// GasCostSummary is the gas a transaction (or, in checkpoints, an epoch so far) cost.
// The net cost to the payer is ComputationCost + StorageCost - StorageRebate.
type GasCostSummary struct {
	ComputationCost         uint64
	StorageCost             uint64
	StorageRebate           uint64
	NonRefundableStorageFee uint64
}

func (g *GasCostSummary) MarshalBCS(e *bcs.Encoder) {
	e.U64(g.ComputationCost)
	e.U64(g.StorageCost)
	e.U64(g.StorageRebate)
	e.U64(g.NonRefundableStorageFee)
}

func (g *GasCostSummary) UnmarshalBCS(d *bcs.Decoder) {
	g.ComputationCost = d.U64()
	g.StorageCost = d.U64()
	g.StorageRebate = d.U64()
	g.NonRefundableStorageFee = d.U64()
}

// NetCost is computation + storage - rebate, which may be negative.
func (g *GasCostSummary) NetCost() int64 {
	return int64(g.ComputationCost) + int64(g.StorageCost) - int64(g.StorageRebate)
}

// Special object digests that effects and object changes use as markers.
var (
	ObjectDigestDeleted   = Digest{99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99}
	ObjectDigestWrapped   = Digest{88, 88, 88, 88, 88, 88, 88, 88, 88, 88, 88, 88, 88, 88, 88, 88, 88, 88, 88, 88, 88, 88, 88, 88, 88, 88, 88, 88, 88, 88, 88, 88}
	ObjectDigestCancelled = Digest{77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77, 77}
)

// TransactionEffects is what executing a transaction did (sui_types::effects::
// TransactionEffects): V1 (tag 0, early mainnet history) or V2 (tag 1, what Sui writes
// now). Exactly one of V1 and V2 is set after decoding; when encoding, V1 is written if it
// is set, otherwise V2 (a nil V2 as its zero value).
type TransactionEffects struct {
	V1 *TransactionEffectsV1
	V2 *TransactionEffectsV2
}

func (t *TransactionEffects) MarshalBCS(e *bcs.Encoder) {
	if t.V1 != nil {
		e.ULEB128(0)
		t.V1.MarshalBCS(e)
		return
	}
	e.ULEB128(1)
	v2 := t.V2
	if v2 == nil {
		v2 = &TransactionEffectsV2{}
	}
	v2.MarshalBCS(e)
}

func (t *TransactionEffects) UnmarshalBCS(d *bcs.Decoder) {
	*t = TransactionEffects{}
	tag := d.Tag(2)
	if d.Err() != nil {
		return
	}
	if tag == 0 {
		v1 := new(TransactionEffectsV1)
		if v1.UnmarshalBCS(d); d.Err() == nil {
			t.V1 = v1
		}
		return
	}
	v2 := new(TransactionEffectsV2)
	if v2.UnmarshalBCS(d); d.Err() == nil {
		t.V2 = v2
	}
}

// DecodeEffects decodes the BCS of TransactionEffects as a full node serves it; errors
// wrap bcs.ErrMalformed.
func DecodeEffects(b []byte) (*TransactionEffects, error) {
	t := new(TransactionEffects)
	if err := bcs.Unmarshal(b, t); err != nil {
		return nil, err
	}
	return t, nil
}

// NewEffectsV2 wraps v2.
func NewEffectsV2(v2 TransactionEffectsV2) TransactionEffects {
	return TransactionEffects{V2: &v2}
}

// Bytes is the BCS of the effects.
func (t *TransactionEffects) Bytes() []byte { return bcs.Marshal(t) }

// Digest is the effects digest (TransactionEffectsDigest): BLAKE2b-256(
// "TransactionEffects::" ‖ BCS), as checkpoint contents list it.
func (t *TransactionEffects) Digest() Digest { return saltedDigest("TransactionEffects::", t.Bytes()) }

func (t *TransactionEffects) v2() *TransactionEffectsV2 {
	if t.V1 == nil && t.V2 == nil {
		return &TransactionEffectsV2{}
	}
	return t.V2
}

// Status is the execution status.
func (t *TransactionEffects) Status() *ExecutionStatus {
	if t.V1 != nil {
		return &t.V1.Status
	}
	return &t.v2().Status
}

// ExecutedEpoch is the epoch the transaction executed in.
func (t *TransactionEffects) ExecutedEpoch() uint64 {
	if t.V1 != nil {
		return t.V1.ExecutedEpoch
	}
	return t.v2().ExecutedEpoch
}

// GasUsed is the gas the transaction cost.
func (t *TransactionEffects) GasUsed() GasCostSummary {
	if t.V1 != nil {
		return t.V1.GasUsed
	}
	return t.v2().GasUsed
}

// TransactionDigest is the digest of the transaction these effects belong to.
func (t *TransactionEffects) TransactionDigest() Digest {
	if t.V1 != nil {
		return t.V1.TransactionDigest
	}
	return t.v2().TransactionDigest
}

// EventsDigest is the digest of the transaction's events, nil when it emitted none.
func (t *TransactionEffects) EventsDigest() *Digest {
	if t.V1 != nil {
		return t.V1.EventsDigest
	}
	return t.v2().EventsDigest
}

// Dependencies are the digests of the transactions this one depends on.
func (t *TransactionEffects) Dependencies() []Digest {
	if t.V1 != nil {
		return t.V1.Dependencies
	}
	return t.v2().Dependencies
}

// TransactionEffectsV2 is the current form of effects. Objects written by the transaction
// get version LamportVersion (packages carry their own version in PackageWrite).
type TransactionEffectsV2 struct {
	Status            ExecutionStatus
	ExecutedEpoch     uint64
	GasUsed           GasCostSummary
	TransactionDigest Digest
	// GasObjectIndex indexes ChangedObjects; nil for system transactions without gas.
	GasObjectIndex *uint32
	EventsDigest   *Digest
	Dependencies   []Digest
	LamportVersion uint64
	ChangedObjects []ChangedObject
	// UnchangedConsensusObjects (unchanged_shared_objects in older Sui) are consensus
	// inputs that the transaction did not change, with the versions it read.
	UnchangedConsensusObjects []UnchangedConsensusObject
	AuxDataDigest             *Digest
}

func (v *TransactionEffectsV2) MarshalBCS(e *bcs.Encoder) {
	v.Status.MarshalBCS(e)
	e.U64(v.ExecutedEpoch)
	v.GasUsed.MarshalBCS(e)
	v.TransactionDigest.MarshalBCS(e)
	if v.GasObjectIndex == nil {
		e.U8(0)
	} else {
		e.U8(1)
		e.U32(*v.GasObjectIndex)
	}
	putOptDigest(e, v.EventsDigest)
	putDigests(e, v.Dependencies)
	e.U64(v.LamportVersion)
	e.ULEB128(uint64(len(v.ChangedObjects)))
	for i := range v.ChangedObjects {
		v.ChangedObjects[i].MarshalBCS(e)
	}
	e.ULEB128(uint64(len(v.UnchangedConsensusObjects)))
	for i := range v.UnchangedConsensusObjects {
		v.UnchangedConsensusObjects[i].MarshalBCS(e)
	}
	putOptDigest(e, v.AuxDataDigest)
}

func (v *TransactionEffectsV2) UnmarshalBCS(d *bcs.Decoder) {
	*v = TransactionEffectsV2{}
	v.Status.UnmarshalBCS(d)
	v.ExecutedEpoch = d.U64()
	v.GasUsed.UnmarshalBCS(d)
	v.TransactionDigest.UnmarshalBCS(d)
	if getOption(d) {
		i := d.U32()
		v.GasObjectIndex = &i
	}
	v.EventsDigest = getOptDigest(d)
	v.Dependencies = getDigests(d)
	v.LamportVersion = d.U64()
	if n := d.Len(minChangedObjectSize); n > 0 {
		v.ChangedObjects = make([]ChangedObject, n)
		for i := range v.ChangedObjects {
			if v.ChangedObjects[i].UnmarshalBCS(d); d.Err() != nil {
				return
			}
		}
	}
	if n := d.Len(33); n > 0 {
		v.UnchangedConsensusObjects = make([]UnchangedConsensusObject, n)
		for i := range v.UnchangedConsensusObjects {
			if v.UnchangedConsensusObjects[i].UnmarshalBCS(d); d.Err() != nil {
				return
			}
		}
	}
	v.AuxDataDigest = getOptDigest(d)
}

// GasObject is the gas coin's reference and owner after execution. ok is false when there
// is no gas object or the index does not name an ObjectWrite (Sui itself would panic).
func (v *TransactionEffectsV2) GasObject() (ref ObjectRef, owner Owner, ok bool) {
	if v.GasObjectIndex == nil || int64(*v.GasObjectIndex) >= int64(len(v.ChangedObjects)) {
		return ref, owner, false
	}
	c := &v.ChangedObjects[*v.GasObjectIndex]
	if c.OutputState.Kind != ObjectWrite {
		return ref, owner, false
	}
	return ObjectRef{ObjectID: c.ID, Version: v.LamportVersion, Digest: c.OutputState.Digest}, c.OutputState.Owner, true
}

// ChangedObject is one object whose state the transaction changed (ObjectID,
// EffectsObjectChange). For accumulator writes ID is the accumulator's dynamic field.
type ChangedObject struct {
	ID          walrus.ID
	InputState  ObjectIn
	OutputState ObjectOut
	IDOperation IDOperation
}

const minChangedObjectSize = 32 + 1 + 1 + 1

func (c *ChangedObject) MarshalBCS(e *bcs.Encoder) {
	c.ID.MarshalBCS(e)
	c.InputState.MarshalBCS(e)
	c.OutputState.MarshalBCS(e)
	e.ULEB128(uint64(c.IDOperation))
}

func (c *ChangedObject) UnmarshalBCS(d *bcs.Decoder) {
	*c = ChangedObject{}
	c.ID.UnmarshalBCS(d)
	c.InputState.UnmarshalBCS(d)
	c.OutputState.UnmarshalBCS(d)
	c.IDOperation = IDOperation(d.Tag(3))
}

// IDOperation says whether the transaction created or deleted the object's ID.
type IDOperation uint8

// IDOperation variants.
const (
	IDNone    IDOperation = 0
	IDCreated IDOperation = 1
	IDDeleted IDOperation = 2
)

func (o IDOperation) String() string {
	switch o {
	case IDNone:
		return "None"
	case IDCreated:
		return "Created"
	case IDDeleted:
		return "Deleted"
	}
	return fmt.Sprintf("IDOperation(%d)", uint8(o))
}

// ObjectIn is an object's state before the transaction: NotExist (tag 0; also for wrapped
// objects) or Exist (tag 1) with its version, digest and owner.
type ObjectIn struct {
	Exists  bool
	Version uint64
	Digest  Digest
	Owner   Owner
}

func (o *ObjectIn) MarshalBCS(e *bcs.Encoder) {
	if !o.Exists {
		e.ULEB128(0)
		return
	}
	e.ULEB128(1)
	e.U64(o.Version)
	o.Digest.MarshalBCS(e)
	o.Owner.MarshalBCS(e)
}

func (o *ObjectIn) UnmarshalBCS(d *bcs.Decoder) {
	*o = ObjectIn{Exists: d.Tag(2) == 1}
	if d.Err() != nil || !o.Exists {
		o.Exists = false
		return
	}
	o.Version = d.U64()
	o.Digest.UnmarshalBCS(d)
	o.Owner.UnmarshalBCS(d)
}

// ObjectOutKind is the variant of an ObjectOut.
type ObjectOutKind uint8

// ObjectOut variants.
const (
	ObjectNotExist   ObjectOutKind = 0 // deleted or wrapped
	ObjectWrite      ObjectOutKind = 1 // Digest, Owner (version: the lamport version)
	PackageWrite     ObjectOutKind = 2 // Version, Digest
	AccumulatorWrite ObjectOutKind = 3 // Accumulator (AccumulatorWriteV1)
)

// ObjectOut is an object's state after the transaction. Only the fields of Kind are
// encoded; a nil Accumulator encodes as its zero value.
type ObjectOut struct {
	Kind        ObjectOutKind
	Digest      Digest
	Owner       Owner
	Version     uint64
	Accumulator *AccumulatorWriteV1
}

func (o *ObjectOut) MarshalBCS(e *bcs.Encoder) {
	e.ULEB128(uint64(o.Kind))
	switch o.Kind {
	case ObjectWrite:
		o.Digest.MarshalBCS(e)
		o.Owner.MarshalBCS(e)
	case PackageWrite:
		e.U64(o.Version)
		o.Digest.MarshalBCS(e)
	case AccumulatorWrite:
		a := o.Accumulator
		if a == nil {
			a = &AccumulatorWriteV1{}
		}
		a.MarshalBCS(e)
	}
}

func (o *ObjectOut) UnmarshalBCS(d *bcs.Decoder) {
	*o = ObjectOut{Kind: ObjectOutKind(d.Tag(4))}
	if d.Err() != nil {
		return
	}
	switch o.Kind {
	case ObjectWrite:
		o.Digest.UnmarshalBCS(d)
		o.Owner.UnmarshalBCS(d)
	case PackageWrite:
		o.Version = d.U64()
		o.Digest.UnmarshalBCS(d)
	case AccumulatorWrite:
		o.Accumulator = new(AccumulatorWriteV1)
		o.Accumulator.UnmarshalBCS(d)
	}
}

// AccumulatorWriteV1 is a write to an accumulator (address balances, authenticated event
// streams): the accumulator's address and type, the operation and the value.
type AccumulatorWriteV1 struct {
	Address   walrus.ID
	Type      TypeTag
	Operation AccumulatorOperation
	Value     AccumulatorValue
}

func (a *AccumulatorWriteV1) MarshalBCS(e *bcs.Encoder) {
	a.Address.MarshalBCS(e)
	a.Type.MarshalBCS(e)
	e.ULEB128(uint64(a.Operation))
	a.Value.MarshalBCS(e)
}

func (a *AccumulatorWriteV1) UnmarshalBCS(d *bcs.Decoder) {
	*a = AccumulatorWriteV1{}
	a.Address.UnmarshalBCS(d)
	a.Type.UnmarshalBCS(d)
	checkTypeIdentifiers(d, &a.Type)
	a.Operation = AccumulatorOperation(d.Tag(2))
	a.Value.UnmarshalBCS(d)
}

// AccumulatorOperation is Merge (0) or Split (1).
type AccumulatorOperation uint8

// Accumulator operations.
const (
	AccumulatorMerge AccumulatorOperation = 0
	AccumulatorSplit AccumulatorOperation = 1
)

// AccumulatorValueKind is the variant of an AccumulatorValue.
type AccumulatorValueKind uint8

// AccumulatorValue variants.
const (
	AccumulatorInteger      AccumulatorValueKind = 0 // Integer(u64)
	AccumulatorIntegerTuple AccumulatorValueKind = 1 // IntegerTuple(u64, u64)
	AccumulatorEventDigest  AccumulatorValueKind = 2 // EventDigest(NonEmpty<(u64, Digest)>)
)

// AccumulatorValue is the value merged into or split from an accumulator. Integer is used
// by Integer and as the first element of IntegerTuple, Second by IntegerTuple, Events by
// EventDigest (which must not be empty).
type AccumulatorValue struct {
	Kind    AccumulatorValueKind
	Integer uint64
	Second  uint64
	Events  []IndexedDigest
}

// IndexedDigest is an (event index in the transaction, event digest) pair.
type IndexedDigest struct {
	Index  uint64
	Digest Digest
}

func (v *AccumulatorValue) MarshalBCS(e *bcs.Encoder) {
	e.ULEB128(uint64(v.Kind))
	switch v.Kind {
	case AccumulatorInteger:
		e.U64(v.Integer)
	case AccumulatorIntegerTuple:
		e.U64(v.Integer)
		e.U64(v.Second)
	case AccumulatorEventDigest:
		e.ULEB128(uint64(len(v.Events)))
		for i := range v.Events {
			e.U64(v.Events[i].Index)
			v.Events[i].Digest.MarshalBCS(e)
		}
	}
}

func (v *AccumulatorValue) UnmarshalBCS(d *bcs.Decoder) {
	*v = AccumulatorValue{Kind: AccumulatorValueKind(d.Tag(3))}
	if d.Err() != nil {
		return
	}
	switch v.Kind {
	case AccumulatorInteger:
		v.Integer = d.U64()
	case AccumulatorIntegerTuple:
		v.Integer = d.U64()
		v.Second = d.U64()
	case AccumulatorEventDigest:
		n := d.Len(8 + 1 + DigestSize)
		if d.Err() != nil {
			return
		}
		if n == 0 {
			d.Failf("accumulator event digests: empty vector")
			return
		}
		v.Events = make([]IndexedDigest, n)
		for i := range v.Events {
			v.Events[i].Index = d.U64()
			v.Events[i].Digest.UnmarshalBCS(d)
		}
	}
}

// UnchangedConsensusKind is the variant of an unchanged consensus object.
type UnchangedConsensusKind uint8

// UnchangedConsensusKind variants (UnchangedSharedKind in older Sui).
const (
	UnchangedReadOnlyRoot               UnchangedConsensusKind = 0 // Version, Digest
	UnchangedMutateConsensusStreamEnded UnchangedConsensusKind = 1 // Version
	UnchangedReadConsensusStreamEnded   UnchangedConsensusKind = 2 // Version
	UnchangedCancelled                  UnchangedConsensusKind = 3 // Version (encodes the reason)
	UnchangedPerEpochConfig             UnchangedConsensusKind = 4 // unit
)

// UnchangedConsensusObject is a consensus object the transaction read (or was cancelled
// on) without changing it. Only the fields of Kind are encoded.
type UnchangedConsensusObject struct {
	ID      walrus.ID
	Kind    UnchangedConsensusKind
	Version uint64
	Digest  Digest
}

func (u *UnchangedConsensusObject) MarshalBCS(e *bcs.Encoder) {
	u.ID.MarshalBCS(e)
	e.ULEB128(uint64(u.Kind))
	switch u.Kind {
	case UnchangedReadOnlyRoot:
		e.U64(u.Version)
		u.Digest.MarshalBCS(e)
	case UnchangedMutateConsensusStreamEnded, UnchangedReadConsensusStreamEnded, UnchangedCancelled:
		e.U64(u.Version)
	}
}

func (u *UnchangedConsensusObject) UnmarshalBCS(d *bcs.Decoder) {
	*u = UnchangedConsensusObject{}
	u.ID.UnmarshalBCS(d)
	u.Kind = UnchangedConsensusKind(d.Tag(5))
	if d.Err() != nil {
		return
	}
	switch u.Kind {
	case UnchangedReadOnlyRoot:
		u.Version = d.U64()
		u.Digest.UnmarshalBCS(d)
	case UnchangedMutateConsensusStreamEnded, UnchangedReadConsensusStreamEnded, UnchangedCancelled:
		u.Version = d.U64()
	}
}

// TransactionEffectsV1 is the first form of effects, found in early mainnet history.
type TransactionEffectsV1 struct {
	Status               ExecutionStatus
	ExecutedEpoch        uint64
	GasUsed              GasCostSummary
	ModifiedAtVersions   []VersionedID
	SharedObjects        []ObjectRef
	TransactionDigest    Digest
	Created              []OwnedObjectRef
	Mutated              []OwnedObjectRef
	Unwrapped            []OwnedObjectRef
	Deleted              []ObjectRef
	UnwrappedThenDeleted []ObjectRef
	Wrapped              []ObjectRef
	GasObject            OwnedObjectRef
	EventsDigest         *Digest
	Dependencies         []Digest
}

// VersionedID is an (ObjectID, version) pair.
type VersionedID struct {
	ID      walrus.ID
	Version uint64
}

// OwnedObjectRef is an (ObjectRef, Owner) pair.
type OwnedObjectRef struct {
	Ref   ObjectRef
	Owner Owner
}

func (v *TransactionEffectsV1) MarshalBCS(e *bcs.Encoder) {
	v.Status.MarshalBCS(e)
	e.U64(v.ExecutedEpoch)
	v.GasUsed.MarshalBCS(e)
	e.ULEB128(uint64(len(v.ModifiedAtVersions)))
	for _, m := range v.ModifiedAtVersions {
		m.ID.MarshalBCS(e)
		e.U64(m.Version)
	}
	putRefs(e, v.SharedObjects)
	v.TransactionDigest.MarshalBCS(e)
	putOwnedRefs(e, v.Created)
	putOwnedRefs(e, v.Mutated)
	putOwnedRefs(e, v.Unwrapped)
	putRefs(e, v.Deleted)
	putRefs(e, v.UnwrappedThenDeleted)
	putRefs(e, v.Wrapped)
	v.GasObject.Ref.MarshalBCS(e)
	v.GasObject.Owner.MarshalBCS(e)
	putOptDigest(e, v.EventsDigest)
	putDigests(e, v.Dependencies)
}

func (v *TransactionEffectsV1) UnmarshalBCS(d *bcs.Decoder) {
	*v = TransactionEffectsV1{}
	v.Status.UnmarshalBCS(d)
	v.ExecutedEpoch = d.U64()
	v.GasUsed.UnmarshalBCS(d)
	if n := d.Len(40); n > 0 {
		v.ModifiedAtVersions = make([]VersionedID, n)
		for i := range v.ModifiedAtVersions {
			v.ModifiedAtVersions[i].ID.UnmarshalBCS(d)
			v.ModifiedAtVersions[i].Version = d.U64()
		}
	}
	v.SharedObjects = getRefs(d)
	v.TransactionDigest.UnmarshalBCS(d)
	v.Created = getOwnedRefs(d)
	v.Mutated = getOwnedRefs(d)
	v.Unwrapped = getOwnedRefs(d)
	v.Deleted = getRefs(d)
	v.UnwrappedThenDeleted = getRefs(d)
	v.Wrapped = getRefs(d)
	v.GasObject.Ref.UnmarshalBCS(d)
	v.GasObject.Owner.UnmarshalBCS(d)
	v.EventsDigest = getOptDigest(d)
	v.Dependencies = getDigests(d)
}

// ObjectChangeKind classifies one object change, as Sui's effects API does.
type ObjectChangeKind uint8

// Object change kinds.
const (
	ChangeCreated              ObjectChangeKind = iota // a new object (or package) at Output
	ChangeMutated                                      // Input → Output (incl. system package upgrades)
	ChangeUnwrapped                                    // taken out of another object, now at Output
	ChangeDeleted                                      // gone; had Input
	ChangeWrapped                                      // put inside another object; had Input
	ChangeUnwrappedThenDeleted                         // unwrapped and deleted in the same transaction
)

var objectChangeKindNames = [...]string{"Created", "Mutated", "Unwrapped", "Deleted", "Wrapped", "UnwrappedThenDeleted"}

func (k ObjectChangeKind) String() string {
	if int(k) < len(objectChangeKindNames) {
		return objectChangeKindNames[k]
	}
	return fmt.Sprintf("ObjectChangeKind(%d)", uint8(k))
}

// ObjectChange is one object's change in a uniform view of V1 and V2 effects. Output is
// set for Created, Mutated and Unwrapped (with the new owner; packages are Immutable).
// Input is set for Mutated, Deleted and Wrapped when the effects record it: V2 always,
// V1 only the version (from modified_at_versions) and never the digest or owner, so
// InputOwner is nil there. For Deleted, Wrapped and UnwrappedThenDeleted, Version is the
// version the tombstone gets (the lamport version).
type ObjectChange struct {
	Kind        ObjectChangeKind
	ID          walrus.ID
	Input       *ObjectRef
	InputOwner  *Owner
	Output      *ObjectRef
	OutputOwner *Owner
	Version     uint64
	IsPackage   bool
}

// ObjectChanges lists the object changes in the effects' order (V1: created, mutated,
// unwrapped, deleted, unwrapped-then-deleted, wrapped; V2: changed_objects). Accumulator
// writes and objects created and wrapped in the same transaction are left out, as in Sui's
// effects API.
func (t *TransactionEffects) ObjectChanges() []ObjectChange {
	if t.V1 != nil {
		return t.V1.objectChanges()
	}
	return t.v2().objectChanges()
}

func (v *TransactionEffectsV2) objectChanges() []ObjectChange {
	out := make([]ObjectChange, 0, len(v.ChangedObjects))
	for i := range v.ChangedObjects {
		c := &v.ChangedObjects[i]
		ch := ObjectChange{ID: c.ID, Version: v.LamportVersion}
		if c.InputState.Exists {
			in := c.InputState
			ch.Input = &ObjectRef{ObjectID: c.ID, Version: in.Version, Digest: in.Digest}
			ch.InputOwner = &in.Owner
		}
		switch c.OutputState.Kind {
		case ObjectWrite:
			w := c.OutputState
			ch.Output = &ObjectRef{ObjectID: c.ID, Version: v.LamportVersion, Digest: w.Digest}
			ch.OutputOwner = &w.Owner
		case PackageWrite:
			owner := ImmutableOwner()
			ch.Output = &ObjectRef{ObjectID: c.ID, Version: c.OutputState.Version, Digest: c.OutputState.Digest}
			ch.OutputOwner = &owner
			ch.IsPackage = true
			ch.Version = c.OutputState.Version
		case AccumulatorWrite:
			continue
		}
		exists, written := c.InputState.Exists, ch.Output != nil
		switch {
		case !exists && written && c.IDOperation == IDCreated:
			ch.Kind = ChangeCreated
		case exists && written && c.IDOperation == IDNone:
			ch.Kind = ChangeMutated
		case !exists && written && c.IDOperation == IDNone && !ch.IsPackage:
			ch.Kind = ChangeUnwrapped
		case exists && !written && c.IDOperation == IDDeleted:
			ch.Kind = ChangeDeleted
		case exists && !written && c.IDOperation == IDNone:
			ch.Kind = ChangeWrapped
		case !exists && !written && c.IDOperation == IDDeleted:
			ch.Kind = ChangeUnwrappedThenDeleted
		default:
			continue
		}
		out = append(out, ch)
	}
	return out
}

func (v *TransactionEffectsV1) objectChanges() []ObjectChange {
	var out []ObjectChange
	inputOf := func(id walrus.ID) *ObjectRef {
		for _, m := range v.ModifiedAtVersions {
			if m.ID == id {
				return &ObjectRef{ObjectID: id, Version: m.Version}
			}
		}
		return nil
	}
	written := func(kind ObjectChangeKind, refs []OwnedObjectRef, withInput bool) {
		for i := range refs {
			r := &refs[i]
			ch := ObjectChange{Kind: kind, ID: r.Ref.ObjectID, Output: &r.Ref, OutputOwner: &r.Owner, Version: r.Ref.Version}
			if withInput {
				ch.Input = inputOf(r.Ref.ObjectID)
			}
			out = append(out, ch)
		}
	}
	gone := func(kind ObjectChangeKind, refs []ObjectRef, withInput bool) {
		for _, r := range refs {
			ch := ObjectChange{Kind: kind, ID: r.ObjectID, Version: r.Version}
			if withInput {
				ch.Input = inputOf(r.ObjectID)
			}
			out = append(out, ch)
		}
	}
	written(ChangeCreated, v.Created, false)
	written(ChangeMutated, v.Mutated, true)
	written(ChangeUnwrapped, v.Unwrapped, false)
	gone(ChangeDeleted, v.Deleted, true)
	gone(ChangeUnwrappedThenDeleted, v.UnwrappedThenDeleted, false)
	gone(ChangeWrapped, v.Wrapped, true)
	return out
}

// --- helpers ---

func putOptDigest(e *bcs.Encoder, d *Digest) {
	if d == nil {
		e.U8(0)
		return
	}
	e.U8(1)
	d.MarshalBCS(e)
}

func getOptDigest(d *bcs.Decoder) *Digest {
	if !getOption(d) {
		return nil
	}
	var v Digest
	v.UnmarshalBCS(d)
	return &v
}

func putDigests(e *bcs.Encoder, ds []Digest) {
	e.ULEB128(uint64(len(ds)))
	for i := range ds {
		ds[i].MarshalBCS(e)
	}
}

func getDigests(d *bcs.Decoder) []Digest {
	n := d.Len(1 + DigestSize)
	if d.Err() != nil || n == 0 {
		return nil
	}
	ds := make([]Digest, n)
	for i := range ds {
		ds[i].UnmarshalBCS(d)
	}
	return ds
}

func putRefs(e *bcs.Encoder, refs []ObjectRef) {
	e.ULEB128(uint64(len(refs)))
	for i := range refs {
		refs[i].MarshalBCS(e)
	}
}

func getRefs(d *bcs.Decoder) []ObjectRef {
	n := d.Len(objectRefSize)
	if d.Err() != nil || n == 0 {
		return nil
	}
	refs := make([]ObjectRef, n)
	for i := range refs {
		refs[i].UnmarshalBCS(d)
	}
	return refs
}

func putOwnedRefs(e *bcs.Encoder, refs []OwnedObjectRef) {
	e.ULEB128(uint64(len(refs)))
	for i := range refs {
		refs[i].Ref.MarshalBCS(e)
		refs[i].Owner.MarshalBCS(e)
	}
}

func getOwnedRefs(d *bcs.Decoder) []OwnedObjectRef {
	n := d.Len(objectRefSize + 1)
	if d.Err() != nil || n == 0 {
		return nil
	}
	refs := make([]OwnedObjectRef, n)
	for i := range refs {
		refs[i].Ref.UnmarshalBCS(d)
		refs[i].Owner.UnmarshalBCS(d)
		if d.Err() != nil {
			return nil
		}
	}
	return refs
}
