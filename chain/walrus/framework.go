package walrus

import (
	"encoding/binary"

	"golang.org/x/crypto/blake2b"

	"github.com/tuskstore/tusk/internal/bcs"
)

// Table is sui::table::Table, sui::object_table::ObjectTable, sui::bag::Bag and
// sui::object_bag::ObjectBag: { id: UID, size: u64 }. The entries are dynamic fields of
// ID (for object tables, dynamic object fields whose value is the child's ID).
type Table struct {
	ID   ID
	Size uint64
}

func (t *Table) MarshalBCS(e *bcs.Encoder) {
	t.ID.MarshalBCS(e)
	e.U64(t.Size)
}

func (t *Table) UnmarshalBCS(d *bcs.Decoder) {
	t.ID.UnmarshalBCS(d)
	t.Size = d.U64()
}

// ExtendedField is walrus::extended_field::ExtendedField<T>: { id: UID }. Its value is the
// dynamic field Field<ExtendedFieldKey, T> of ID.
type ExtendedField struct{ ID ID }

func (f *ExtendedField) MarshalBCS(e *bcs.Encoder)   { f.ID.MarshalBCS(e) }
func (f *ExtendedField) UnmarshalBCS(d *bcs.Decoder) { f.ID.UnmarshalBCS(d) }

// EmptyStruct is the BCS of a Move struct declared without fields, which the compiler
// gives a single dummy_field: bool that is always false: one 0x00 byte. It is
// walrus::extended_field::Key (the name of every extended field's value) and
// walrus::staking_pool::NewEpochCommissionBlockedForCollection (a key in a pool's
// extra_fields bag). Decoding rejects anything but 0x00.
type EmptyStruct struct{}

// ExtendedFieldKey is walrus::extended_field::Key().
type ExtendedFieldKey = EmptyStruct

// NewEpochCommissionBlockedForCollection is the walrus::staking_pool key (value u64) in a
// pool's extra_fields bag holding the commission blocked until voting_end.
type NewEpochCommissionBlockedForCollection = EmptyStruct

func (EmptyStruct) MarshalBCS(e *bcs.Encoder) { e.U8(0) }

func (*EmptyStruct) UnmarshalBCS(d *bcs.Decoder) {
	if v := d.U8(); v != 0 && d.Err() == nil {
		d.Failf("dummy_field of an empty struct is %d, want 0", v)
	}
}

// Field is sui::dynamic_field::Field<N, V>: { id: UID, name: N, value: V }, the object
// that holds a dynamic field. The type parameters PN and PV are *N and *V, for example
// Field[U64, SystemStateInnerV1, *U64, *SystemStateInnerV1]; the aliases below name the
// ones Walrus uses.
type Field[N, V any, PN codec[N], PV codec[V]] struct {
	ID    ID
	Name  N
	Value V
}

func (f *Field[N, V, PN, PV]) MarshalBCS(e *bcs.Encoder) {
	f.ID.MarshalBCS(e)
	PN(&f.Name).MarshalBCS(e)
	PV(&f.Value).MarshalBCS(e)
}

func (f *Field[N, V, PN, PV]) UnmarshalBCS(d *bcs.Decoder) {
	f.ID.UnmarshalBCS(d)
	PN(&f.Name).UnmarshalBCS(d)
	PV(&f.Value).UnmarshalBCS(d)
}

// Dynamic fields used by Walrus.
type (
	// SystemStateField is the System's inner state: Field<u64 (version), SystemStateInnerV1>.
	SystemStateField = Field[U64, SystemStateInnerV1, *U64, *SystemStateInnerV1]
	// StakingStateField is the Staking's inner state: Field<u64 (version), StakingInnerV1>.
	StakingStateField = Field[U64, StakingInnerV1, *U64, *StakingInnerV1]
	// StoragePoolStateField is a StoragePool's inner state: Field<u64, StoragePoolInnerV1>.
	StoragePoolStateField = Field[U64, StoragePoolInnerV1, *U64, *StoragePoolInnerV1]
	// BlobMetadataField is a Blob's attributes: Field<vector<u8> (b"metadata"), Metadata>.
	BlobMetadataField = Field[Bytes, Metadata, *Bytes, *Metadata]
	// ExchangeRateField is an entry of StakingPool.exchange_rates: Field<u32, PoolExchangeRate>.
	ExchangeRateField = Field[U32, PoolExchangeRate, *U32, *PoolExchangeRate]
	// ObjectTableEntry is an entry of an ObjectTable<ID, _> such as StakingInnerV1.pools:
	// Field<dynamic_object_field::Wrapper<ID>, ID>. Wrapper<ID> is { name: ID }, so its BCS
	// is the key's 32 bytes; the value is the ID of the child object (the StakingPool).
	ObjectTableEntry = Field[ID, ID, *ID, *ID]
	// ActiveSetField is the value of StakingInnerV1.active_set.
	ActiveSetField = Field[ExtendedFieldKey, ActiveSet, *ExtendedFieldKey, *ActiveSet]
	// NextEpochPublicKeysField is the value of StakingInnerV1.next_epoch_public_keys.
	NextEpochPublicKeysField = Field[ExtendedFieldKey, NodePublicKeys, *ExtendedFieldKey, *NodePublicKeys]
	// NodeMetadataField is the value of StorageNodeInfo.metadata.
	NodeMetadataField = Field[ExtendedFieldKey, NodeMetadata, *ExtendedFieldKey, *NodeMetadata]
	// DenyListSizesField is the value of SystemStateInnerV1.deny_list_sizes.
	DenyListSizesField = Field[ExtendedFieldKey, DenyListSizes, *ExtendedFieldKey, *DenyListSizes]
	// BlockedCommissionField is the u64 under NewEpochCommissionBlockedForCollection in a
	// pool's extra_fields bag.
	BlockedCommissionField = Field[NewEpochCommissionBlockedForCollection, U64, *NewEpochCommissionBlockedForCollection, *U64]
	// SlashingProposalField is an entry of SlashingManager.slashing_candidates.
	SlashingProposalField = Field[ID, SlashingProposal, *ID, *SlashingProposal]
	// UpgradeProposalField is an entry of UpgradeManager.upgrade_proposals
	// (Table<PackageDigest, UpgradeProposal>; PackageDigest is a vector<u8>).
	UpgradeProposalField = Field[Bytes, UpgradeProposal, *Bytes, *UpgradeProposal]
)

// KeyValue is an entry of a VecMap<String, String>.
type KeyValue struct {
	Key   string
	Value string
}

func (kv *KeyValue) MarshalBCS(e *bcs.Encoder) {
	e.String(kv.Key)
	e.String(kv.Value)
}

func (kv *KeyValue) UnmarshalBCS(d *bcs.Decoder) {
	kv.Key = getString(d)
	kv.Value = getString(d)
}

// StringMap is sui::vec_map::VecMap<String, String>, in stored (insertion) order.
type StringMap []KeyValue

func (m StringMap) MarshalBCS(e *bcs.Encoder)    { putVec(e, []KeyValue(m)) }
func (m *StringMap) UnmarshalBCS(d *bcs.Decoder) { *m = getVec[KeyValue](d, 2) }

// Get returns the value of key.
func (m StringMap) Get(key string) (string, bool) {
	for _, kv := range m {
		if kv.Key == key {
			return kv.Value, true
		}
	}
	return "", false
}

// Set gives key the value as Move's metadata::insert_or_update does: an existing pair is
// removed, then the pair is appended (so an updated key moves to the end).
func (m *StringMap) Set(key, value string) {
	m.Remove(key)
	*m = append(*m, KeyValue{Key: key, Value: value})
}

// Remove deletes key, keeping the order of the others (VecMap::remove), and reports
// whether it was there.
func (m *StringMap) Remove(key string) bool {
	for i := range *m {
		if (*m)[i].Key == key {
			*m = append((*m)[:i], (*m)[i+1:]...)
			return true
		}
	}
	return false
}

// BCS forms of Move type tags (move_core_types::TypeTag), needed to derive the IDs of
// dynamic fields. The variant indices are Bool 0, U8 1, U64 2, U128 3, Address 4, Signer 5,
// Vector 6, Struct 7, U16 8, U32 9, U256 10.
var (
	TypeTagU8       = []byte{1}
	TypeTagU64      = []byte{2}
	TypeTagAddress  = []byte{4}
	TypeTagU32      = []byte{9}
	TypeTagU256     = []byte{10}
	TypeTagVectorU8 = []byte{6, 1}
)

// StructTypeTag returns the BCS of the type tag of the struct addr::module::name with the
// given type parameters (each itself a type tag's BCS).
func StructTypeTag(addr ID, module, name string, typeParams ...[]byte) []byte {
	var e bcs.Encoder
	e.U8(7)
	addr.MarshalBCS(&e)
	e.String(module)
	e.String(name)
	e.ULEB128(uint64(len(typeParams)))
	for _, p := range typeParams {
		e.Fixed(p)
	}
	return e.Bytes()
}

// TypeTagID is the type tag of 0x2::object::ID.
var TypeTagID = StructTypeTag(MustParseID("0x2"), "object", "ID")

// DynamicFieldID derives the object ID of the dynamic field of parent whose name has the
// given type tag (BCS) and BCS value, as Sui's derive_dynamic_field_id does:
// BLAKE2b-256(0xf0 ‖ parent ‖ u64 LE len(name) ‖ name ‖ type tag).
func DynamicFieldID(parent ID, nameTypeTag, nameBCS []byte) ID {
	h, _ := blake2b.New256(nil)
	h.Write([]byte{0xf0}) // HashingIntentScope::ChildObjectId
	h.Write(parent[:])
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(len(nameBCS)))
	h.Write(n[:])
	h.Write(nameBCS)
	h.Write(nameTypeTag)
	var id ID
	h.Sum(id[:0])
	return id
}

// InnerStateFieldID is the ID of the dynamic field holding the inner state of System,
// Staking or a StoragePool with object ID parent at the given version (a u64 name).
func InnerStateFieldID(parent ID, version uint64) ID {
	return DynamicFieldID(parent, TypeTagU64, binary.LittleEndian.AppendUint64(nil, version))
}
