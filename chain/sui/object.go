package sui

import (
	"bytes"
	"fmt"
	"unicode/utf8"

	"golang.org/x/crypto/blake2b"

	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/internal/bcs"
)

// OwnerKind is the variant of an Owner; its value is the BCS tag.
type OwnerKind uint8

// Owner variants, in BCS tag order.
const (
	OwnerAddress          OwnerKind = 0 // AddressOwner(Address)
	OwnerObject           OwnerKind = 1 // ObjectOwner(Address): a child of the object Address
	OwnerShared           OwnerKind = 2 // Shared{initial_shared_version: Version}
	OwnerImmutable        OwnerKind = 3 // Immutable
	OwnerConsensusAddress OwnerKind = 4 // ConsensusAddressOwner{start_version: Version, owner: Address}
	OwnerParty            OwnerKind = 5 // Party{start_version: Version, permissions: Party}
	numOwnerKinds                   = 6
)

var ownerKindNames = [numOwnerKinds]string{"AddressOwner", "ObjectOwner", "Shared", "Immutable", "ConsensusAddressOwner", "Party"}

func (k OwnerKind) String() string {
	if k < numOwnerKinds {
		return ownerKindNames[k]
	}
	return fmt.Sprintf("Owner(%d)", uint8(k))
}

// Owner is who owns an object. Address is used by AddressOwner, ObjectOwner and
// ConsensusAddressOwner (its owner); Version by Shared (initial_shared_version),
// ConsensusAddressOwner and Party (start_version); Party by Party.
type Owner struct {
	Kind    OwnerKind
	Address walrus.ID
	Version uint64
	Party   *Party
}

// AddressOwned is AddressOwner(a).
func AddressOwned(a walrus.ID) Owner { return Owner{Kind: OwnerAddress, Address: a} }

// ObjectOwned is ObjectOwner(parent).
func ObjectOwned(parent walrus.ID) Owner { return Owner{Kind: OwnerObject, Address: parent} }

// SharedOwner is Shared{initial_shared_version}.
func SharedOwner(initialSharedVersion uint64) Owner {
	return Owner{Kind: OwnerShared, Version: initialSharedVersion}
}

// ImmutableOwner is Immutable.
func ImmutableOwner() Owner { return Owner{Kind: OwnerImmutable} }

// IsConsensus reports whether objects with this owner are sequenced by consensus (Shared,
// ConsensusAddressOwner, Party).
func (o *Owner) IsConsensus() bool {
	return o.Kind == OwnerShared || o.Kind == OwnerConsensusAddress || o.Kind == OwnerParty
}

// Equal reports whether o and p are the same owner (only Kind's fields are compared).
func (o *Owner) Equal(p *Owner) bool {
	return bytes.Equal(bcs.Marshal(o), bcs.Marshal(p))
}

func (o *Owner) String() string {
	switch o.Kind {
	case OwnerAddress, OwnerObject:
		return fmt.Sprintf("%s(%s)", o.Kind, o.Address)
	case OwnerShared:
		return fmt.Sprintf("Shared{initial_shared_version: %d}", o.Version)
	case OwnerConsensusAddress:
		return fmt.Sprintf("ConsensusAddressOwner{start_version: %d, owner: %s}", o.Version, o.Address)
	case OwnerParty:
		n := 0
		if o.Party != nil {
			n = len(o.Party.Members)
		}
		return fmt.Sprintf("Party{start_version: %d, %d members}", o.Version, n)
	}
	return o.Kind.String()
}

func (o *Owner) MarshalBCS(e *bcs.Encoder) {
	e.ULEB128(uint64(o.Kind))
	switch o.Kind {
	case OwnerAddress, OwnerObject:
		o.Address.MarshalBCS(e)
	case OwnerShared:
		e.U64(o.Version)
	case OwnerConsensusAddress:
		e.U64(o.Version)
		o.Address.MarshalBCS(e)
	case OwnerParty:
		e.U64(o.Version)
		p := o.Party
		if p == nil {
			p = &Party{}
		}
		p.MarshalBCS(e)
	}
}

func (o *Owner) UnmarshalBCS(d *bcs.Decoder) {
	*o = Owner{Kind: OwnerKind(d.Tag(numOwnerKinds))}
	if d.Err() != nil {
		return
	}
	switch o.Kind {
	case OwnerAddress, OwnerObject:
		o.Address.UnmarshalBCS(d)
	case OwnerShared:
		o.Version = d.U64()
	case OwnerConsensusAddress:
		o.Version = d.U64()
		o.Address.UnmarshalBCS(d)
	case OwnerParty:
		o.Version = d.U64()
		o.Party = new(Party)
		o.Party.UnmarshalBCS(d)
	}
}

// Party is the permissions of a Party-owned object (RawPartySerde): default permissions
// and per-member permissions, members strictly sorted by address. Each permission value is
// a bit set (ObjectPermissions): ImmutableUsage 0x01, MutableUsage 0x02, Write 0x04,
// Delete 0x08, InternalTransfer 0x10, PublicTransfer 0x20, Wrap 0x40; any of 0x7c needs
// MutableUsage. Decoding applies those rules and rejects the one Party that must be written
// as ConsensusAddressOwner (no default permissions and a single member with all of them).
type Party struct {
	DefaultPermissions uint64
	Members            []PartyMember
}

// PartyMember is one member of a Party and its permissions.
type PartyMember struct {
	Address     walrus.ID
	Permissions uint64
}

const (
	partyAllPermissions     = 0x7f
	partyMutablePermissions = 0x7c
	partyMutableUsage       = 0x02
)

func validPartyPermissions(bits uint64) bool {
	return bits&^partyAllPermissions == 0 && (bits&partyMutablePermissions == 0 || bits&partyMutableUsage != 0)
}

func (p *Party) MarshalBCS(e *bcs.Encoder) {
	e.U64(p.DefaultPermissions)
	e.ULEB128(uint64(len(p.Members)))
	for _, m := range p.Members {
		m.Address.MarshalBCS(e)
		e.U64(m.Permissions)
	}
}

func (p *Party) UnmarshalBCS(d *bcs.Decoder) {
	*p = Party{DefaultPermissions: d.U64()}
	n := d.Len(40)
	if d.Err() != nil {
		return
	}
	if !validPartyPermissions(p.DefaultPermissions) {
		d.Failf("invalid party permissions %#x", p.DefaultPermissions)
		return
	}
	if n > 0 {
		p.Members = make([]PartyMember, n)
	}
	for i := range p.Members {
		m := &p.Members[i]
		m.Address.UnmarshalBCS(d)
		m.Permissions = d.U64()
		if d.Err() != nil {
			return
		}
		if !validPartyPermissions(m.Permissions) {
			d.Failf("invalid party permissions %#x", m.Permissions)
			return
		}
		if i > 0 && p.Members[i-1].Address.Compare(m.Address) >= 0 {
			d.Failf("party members not strictly sorted")
			return
		}
	}
	if p.DefaultPermissions == 0 && n == 1 && p.Members[0].Permissions == partyAllPermissions {
		d.Failf("party that must be a ConsensusAddressOwner")
	}
}

// MoveObjectTypeKind is the variant of a MoveObjectType; its value is the BCS tag.
type MoveObjectTypeKind uint8

// MoveObjectType variants: Sui stores the most common object types in a compact form.
const (
	MoveTypeOther                      MoveObjectTypeKind = 0 // Other(StructTag)
	MoveTypeGasCoin                    MoveObjectTypeKind = 1 // 0x2::coin::Coin<0x2::sui::SUI>
	MoveTypeStakedSui                  MoveObjectTypeKind = 2 // 0x3::staking_pool::StakedSui
	MoveTypeCoin                       MoveObjectTypeKind = 3 // Coin(T): 0x2::coin::Coin<T>
	MoveTypeSuiBalanceAccumulatorField MoveObjectTypeKind = 4 // the field below with T = 0x2::sui::SUI
	MoveTypeBalanceAccumulatorField    MoveObjectTypeKind = 5 // BalanceAccumulatorField(T): 0x2::dynamic_field::Field<0x2::accumulator::Key<0x2::balance::Balance<T>>, 0x2::accumulator::U128>
	numMoveObjectTypeKinds                                = 6
)

// MoveObjectType is the type of a Move object as its BCS stores it
// (sui_types::base_types::MoveObjectType_). Struct is used by Other, Param (the T) by Coin
// and BalanceAccumulatorField. Decoding keeps the form found on the wire, so bytes
// round-trip: Sui writes the compact forms but accepts Other for any type.
type MoveObjectType struct {
	Kind   MoveObjectTypeKind
	Struct *StructTag
	Param  *TypeTag
}

var (
	addrTwo   = walrus.MustParseID("0x2")
	addrThree = walrus.MustParseID("0x3")
)

// NewMoveObjectType is the form Sui writes for the struct type s (MoveObjectType::from).
func NewMoveObjectType(s StructTag) MoveObjectType {
	if t := coinParam(&s); t != nil {
		if isSUI(t) {
			return MoveObjectType{Kind: MoveTypeGasCoin}
		}
		return MoveObjectType{Kind: MoveTypeCoin, Param: t}
	}
	if s.Address == addrThree && s.Module == "staking_pool" && s.Name == "StakedSui" && len(s.TypeParams) == 0 {
		return MoveObjectType{Kind: MoveTypeStakedSui}
	}
	if t := balanceAccumulatorParam(&s); t != nil {
		if isSUI(t) {
			return MoveObjectType{Kind: MoveTypeSuiBalanceAccumulatorField}
		}
		return MoveObjectType{Kind: MoveTypeBalanceAccumulatorField, Param: t}
	}
	return MoveObjectType{Kind: MoveTypeOther, Struct: &s}
}

// StructTag is the full struct type.
func (t *MoveObjectType) StructTag() StructTag {
	param := func() TypeTag {
		if t.Param != nil {
			return *t.Param
		}
		return TypeTag{}
	}
	switch t.Kind {
	case MoveTypeGasCoin:
		return *CoinType(SUIType).Struct
	case MoveTypeStakedSui:
		return StructTag{Address: addrThree, Module: "staking_pool", Name: "StakedSui"}
	case MoveTypeCoin:
		return *CoinType(param()).Struct
	case MoveTypeSuiBalanceAccumulatorField:
		return balanceAccumulatorField(SUIType)
	case MoveTypeBalanceAccumulatorField:
		return balanceAccumulatorField(param())
	}
	if t.Struct != nil {
		return *t.Struct
	}
	return StructTag{}
}

// String is the canonical text of the full type.
func (t *MoveObjectType) String() string { return t.StructTag().String() }

// IsGasCoin reports whether this is 0x2::coin::Coin<0x2::sui::SUI> in either form.
func (t *MoveObjectType) IsGasCoin() bool {
	s := t.StructTag()
	p := coinParam(&s)
	return p != nil && isSUI(p)
}

// CoinParam returns T when the type is 0x2::coin::Coin<T> (in any form), else nil.
func (t *MoveObjectType) CoinParam() *TypeTag {
	s := t.StructTag()
	return coinParam(&s)
}

func balanceAccumulatorField(t TypeTag) StructTag {
	balance := StructOf(addrTwo, "balance", "Balance", t)
	key := StructOf(addrTwo, "accumulator", "Key", balance)
	u128 := StructOf(addrTwo, "accumulator", "U128")
	return *StructOf(addrTwo, "dynamic_field", "Field", key, u128).Struct
}

func coinParam(s *StructTag) *TypeTag {
	if s.Address == addrTwo && s.Module == "coin" && s.Name == "Coin" && len(s.TypeParams) == 1 {
		return &s.TypeParams[0]
	}
	return nil
}

func isSUI(t *TypeTag) bool {
	return t.Kind == TypeStruct && t.Struct != nil && t.Struct.Address == addrTwo &&
		t.Struct.Module == "sui" && t.Struct.Name == "SUI" && len(t.Struct.TypeParams) == 0
}

func isStruct(t *TypeTag, addr walrus.ID, module, name string, params int) bool {
	return t.Kind == TypeStruct && t.Struct != nil && t.Struct.Address == addr &&
		t.Struct.Module == module && t.Struct.Name == name && len(t.Struct.TypeParams) == params
}

func balanceAccumulatorParam(s *StructTag) *TypeTag {
	if s.Address != addrTwo || s.Module != "dynamic_field" || s.Name != "Field" || len(s.TypeParams) != 2 {
		return nil
	}
	key, u128 := &s.TypeParams[0], &s.TypeParams[1]
	if !isStruct(u128, addrTwo, "accumulator", "U128", 0) || !isStruct(key, addrTwo, "accumulator", "Key", 1) {
		return nil
	}
	balance := &key.Struct.TypeParams[0]
	if !isStruct(balance, addrTwo, "balance", "Balance", 1) {
		return nil
	}
	return &balance.Struct.TypeParams[0]
}

func (t *MoveObjectType) MarshalBCS(e *bcs.Encoder) {
	e.ULEB128(uint64(t.Kind))
	switch t.Kind {
	case MoveTypeOther:
		s := t.Struct
		if s == nil {
			s = &StructTag{}
		}
		s.MarshalBCS(e)
	case MoveTypeCoin, MoveTypeBalanceAccumulatorField:
		p := t.Param
		if p == nil {
			p = &TypeTag{}
		}
		p.MarshalBCS(e)
	}
}

func (t *MoveObjectType) UnmarshalBCS(d *bcs.Decoder) {
	*t = MoveObjectType{Kind: MoveObjectTypeKind(d.Tag(numMoveObjectTypeKinds))}
	if d.Err() != nil {
		return
	}
	switch t.Kind {
	case MoveTypeOther:
		t.Struct = new(StructTag)
		t.Struct.UnmarshalBCS(d)
		checkStructIdentifiers(d, t.Struct)
	case MoveTypeCoin, MoveTypeBalanceAccumulatorField:
		t.Param = new(TypeTag)
		t.Param.UnmarshalBCS(d)
		checkTypeIdentifiers(d, t.Param)
	}
}

// checkTypeIdentifiers fails d unless every module and struct name in t is a Move
// identifier: Sui's TypeTag and StructTag (unlike the TypeInput of transactions) hold
// Identifiers, which are checked while deserializing. Nesting is bounded by the decoder.
func checkTypeIdentifiers(d *bcs.Decoder, t *TypeTag) {
	for d.Err() == nil && t != nil {
		switch t.Kind {
		case TypeVector:
			t = t.Elem
		case TypeStruct:
			checkStructIdentifiers(d, t.Struct)
			return
		default:
			return
		}
	}
}

func checkStructIdentifiers(d *bcs.Decoder, s *StructTag) {
	if d.Err() != nil || s == nil {
		return
	}
	if !IsValidIdentifier(s.Module) || !IsValidIdentifier(s.Name) {
		d.Failf("invalid identifier in struct type %s::%s", s.Module, s.Name)
		return
	}
	for i := range s.TypeParams {
		checkTypeIdentifiers(d, &s.TypeParams[i])
	}
}

// MoveObject is a Move object's data: its type, whether it has public transfer (the type
// has store), its version and its contents (the BCS of the Move struct, starting with its
// 32-byte UID).
type MoveObject struct {
	Type              MoveObjectType
	HasPublicTransfer bool
	Version           uint64
	Contents          []byte
}

// ID is the object's ID: the first 32 bytes of its contents. ok is false when the contents
// are shorter (Sui does not check this while deserializing).
func (m *MoveObject) ID() (id walrus.ID, ok bool) {
	if len(m.Contents) < len(id) {
		return id, false
	}
	copy(id[:], m.Contents)
	return id, true
}

func (m *MoveObject) MarshalBCS(e *bcs.Encoder) {
	m.Type.MarshalBCS(e)
	e.Bool(m.HasPublicTransfer)
	e.U64(m.Version)
	e.ByteVec(m.Contents)
}

func (m *MoveObject) UnmarshalBCS(d *bcs.Decoder) {
	m.Type.UnmarshalBCS(d)
	m.HasPublicTransfer = d.Bool()
	m.Version = d.U64()
	m.Contents = getBytes(d)
}

// PackageModule is one entry of a package's module map: a module name and its bytecode.
type PackageModule struct {
	Name     string
	Bytecode []byte
}

// TypeOrigin records which package version first defined a type.
type TypeOrigin struct {
	ModuleName   string
	DatatypeName string // struct_name in older Sui
	Package      walrus.ID
}

// UpgradeInfo is a linkage-table entry: the package a dependency resolves to.
type UpgradeInfo struct {
	UpgradedID      walrus.ID
	UpgradedVersion uint64
}

// PackageLink is one entry of a package's linkage table.
type PackageLink struct {
	OriginalID walrus.ID
	Upgrade    UpgradeInfo
}

// MovePackage is a published package. Its maps are BCS maps, which Sui only accepts with
// keys in strictly increasing order of their serialized bytes; decoding checks that and
// keeps the entries in wire order. Module bytecode is not parsed.
type MovePackage struct {
	ID           walrus.ID
	Version      uint64
	Modules      []PackageModule // module_map: BTreeMap<String, Vec<u8>>
	TypeOrigins  []TypeOrigin
	LinkageTable []PackageLink // linkage_table: BTreeMap<ObjectID, UpgradeInfo>
}

// Module returns the bytecode of the named module.
func (p *MovePackage) Module(name string) ([]byte, bool) {
	for _, m := range p.Modules {
		if m.Name == name {
			return m.Bytecode, true
		}
	}
	return nil, false
}

func (p *MovePackage) MarshalBCS(e *bcs.Encoder) {
	p.ID.MarshalBCS(e)
	e.U64(p.Version)
	e.ULEB128(uint64(len(p.Modules)))
	for _, m := range p.Modules {
		e.String(m.Name)
		e.ByteVec(m.Bytecode)
	}
	e.ULEB128(uint64(len(p.TypeOrigins)))
	for _, t := range p.TypeOrigins {
		e.String(t.ModuleName)
		e.String(t.DatatypeName)
		t.Package.MarshalBCS(e)
	}
	e.ULEB128(uint64(len(p.LinkageTable)))
	for _, l := range p.LinkageTable {
		l.OriginalID.MarshalBCS(e)
		l.Upgrade.UpgradedID.MarshalBCS(e)
		e.U64(l.Upgrade.UpgradedVersion)
	}
}

func (p *MovePackage) UnmarshalBCS(d *bcs.Decoder) {
	*p = MovePackage{}
	p.ID.UnmarshalBCS(d)
	p.Version = d.U64()
	if n := d.Len(2); n > 0 {
		p.Modules = make([]PackageModule, n)
		var prev []byte
		for i := range p.Modules {
			key := d.ByteVec()
			if d.Err() != nil {
				p.Modules = nil
				return
			}
			keyBytes := append(ulebBytes(uint64(len(key))), key...)
			if i > 0 && bytes.Compare(prev, keyBytes) >= 0 {
				d.Failf("module map keys not in canonical order")
				return
			}
			prev = keyBytes
			if !utf8.Valid(key) {
				d.Failf("module name is not valid UTF-8")
				return
			}
			p.Modules[i] = PackageModule{Name: string(key), Bytecode: getBytes(d)}
		}
	}
	if n := d.Len(34); n > 0 {
		p.TypeOrigins = make([]TypeOrigin, n)
		for i := range p.TypeOrigins {
			t := &p.TypeOrigins[i]
			t.ModuleName = getString(d)
			t.DatatypeName = getString(d)
			t.Package.UnmarshalBCS(d)
			if d.Err() != nil {
				p.TypeOrigins = nil
				return
			}
		}
	}
	if n := d.Len(72); n > 0 {
		p.LinkageTable = make([]PackageLink, n)
		for i := range p.LinkageTable {
			l := &p.LinkageTable[i]
			l.OriginalID.UnmarshalBCS(d)
			l.Upgrade.UpgradedID.UnmarshalBCS(d)
			l.Upgrade.UpgradedVersion = d.U64()
			if d.Err() != nil {
				p.LinkageTable = nil
				return
			}
			if i > 0 && p.LinkageTable[i-1].OriginalID.Compare(l.OriginalID) >= 0 {
				d.Failf("linkage table keys not in canonical order")
				return
			}
		}
	}
}

// ObjectDataKind is Move (0) or Package (1).
type ObjectDataKind uint8

// Data variants.
const (
	DataMove    ObjectDataKind = 0
	DataPackage ObjectDataKind = 1
)

// ObjectData is an object's data: a Move object (Move) or a package (Package).
type ObjectData struct {
	Kind    ObjectDataKind
	Move    MoveObject
	Package MovePackage
}

func (o *ObjectData) MarshalBCS(e *bcs.Encoder) {
	e.ULEB128(uint64(o.Kind))
	if o.Kind == DataPackage {
		o.Package.MarshalBCS(e)
	} else {
		o.Move.MarshalBCS(e)
	}
}

func (o *ObjectData) UnmarshalBCS(d *bcs.Decoder) {
	*o = ObjectData{Kind: ObjectDataKind(d.Tag(2))}
	if d.Err() != nil {
		return
	}
	if o.Kind == DataPackage {
		o.Package.UnmarshalBCS(d)
	} else {
		o.Move.UnmarshalBCS(d)
	}
}

// Object is a Sui object as stored and hashed (sui_types::object::ObjectInner): its data,
// owner, the transaction that last wrote it and its storage rebate.
type Object struct {
	Data                ObjectData
	Owner               Owner
	PreviousTransaction Digest
	StorageRebate       uint64
}

func (o *Object) MarshalBCS(e *bcs.Encoder) {
	o.Data.MarshalBCS(e)
	o.Owner.MarshalBCS(e)
	o.PreviousTransaction.MarshalBCS(e)
	e.U64(o.StorageRebate)
}

func (o *Object) UnmarshalBCS(d *bcs.Decoder) {
	*o = Object{}
	o.Data.UnmarshalBCS(d)
	o.Owner.UnmarshalBCS(d)
	o.PreviousTransaction.UnmarshalBCS(d)
	o.StorageRebate = d.U64()
}

// DecodeObject decodes the BCS of an Object as a full node serves it; errors wrap
// bcs.ErrMalformed.
func DecodeObject(b []byte) (*Object, error) {
	o := new(Object)
	if err := bcs.Unmarshal(b, o); err != nil {
		return nil, err
	}
	return o, nil
}

// Bytes is the object's BCS.
func (o *Object) Bytes() []byte { return bcs.Marshal(o) }

// Digest is the object digest: BLAKE2b-256("Object::" ‖ BCS).
func (o *Object) Digest() Digest { return saltedDigest("Object::", o.Bytes()) }

// ID is the object's ID (a package's ID, or the first 32 bytes of a Move object's
// contents); ok is false for a Move object whose contents are too short.
func (o *Object) ID() (walrus.ID, bool) {
	if o.Data.Kind == DataPackage {
		return o.Data.Package.ID, true
	}
	return o.Data.Move.ID()
}

// Version is the object's version.
func (o *Object) Version() uint64 {
	if o.Data.Kind == DataPackage {
		return o.Data.Package.Version
	}
	return o.Data.Move.Version
}

// Ref is the object's (ID, version, digest); ok as for ID.
func (o *Object) Ref() (ObjectRef, bool) {
	id, ok := o.ID()
	return ObjectRef{ObjectID: id, Version: o.Version(), Digest: o.Digest()}, ok
}

// IsPackage reports whether the object is a package.
func (o *Object) IsPackage() bool { return o.Data.Kind == DataPackage }

// saltedDigest is BLAKE2b-256(salt ‖ b), Sui's default_hash of a BcsSignable value whose
// serde name is salt without the trailing "::".
func saltedDigest(salt string, b []byte) Digest {
	h, _ := blake2b.New256(nil)
	h.Write([]byte(salt))
	h.Write(b)
	var out Digest
	h.Sum(out[:0])
	return out
}

func ulebBytes(v uint64) []byte {
	var e bcs.Encoder
	e.ULEB128(v)
	return e.Bytes()
}
