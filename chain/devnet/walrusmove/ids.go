package walrusmove

import (
	"golang.org/x/crypto/blake2b"

	"github.com/tuskstore/tusk/chain/devnet/exec"
	"github.com/tuskstore/tusk/chain/sui"
	"github.com/tuskstore/tusk/chain/walrus"
)

// The devnet's packages are not published by a transaction: their IDs are derived as
// Sui derives the ID of the first object a transaction creates, from a fixed "publish"
// digest (BLAKE2b-256 of a domain string), so that every devnet has the same IDs and
// none of them collides with an object the executor or genesis creates.
var (
	// WalrusPackageID is the Walrus package (walrus::system, blob, events, ...).
	WalrusPackageID = publishedID("tusk devnet publish: walrus")
	// WALPackageID is the WAL package, separate as on Mainnet (wal::wal::WAL).
	WALPackageID = publishedID("tusk devnet publish: wal")
)

func publishedID(domain string) walrus.ID {
	return exec.DeriveObjectID(blake2b.Sum256([]byte(domain)), 0)
}

// IDs are the identifiers a Walrus client needs to find the devnet's Walrus deployment;
// the devnet writes them into the client configuration.
type IDs struct {
	// WalrusPackage is the Walrus package (System.package_id, the events' package).
	WalrusPackage walrus.ID `json:"walrus_package" yaml:"walrus_package"`
	// WALPackage is the package of the WAL coin type.
	WALPackage walrus.ID `json:"wal_package" yaml:"wal_package"`
	// System and Staking are the shared objects, both created at genesis with initial
	// shared version exec.GenesisVersion.
	System  walrus.ID `json:"system_object" yaml:"system_object"`
	Staking walrus.ID `json:"staking_object" yaml:"staking_object"`
	// Treasury is the shared wal::wal::ProtectedTreasury that initiate_epoch_change_v2
	// burns through (initial shared version exec.GenesisVersion), created at genesis.
	Treasury walrus.ID `json:"wal_treasury_object" yaml:"wal_treasury_object"`
}

// DefaultIDs are the IDs of the packages with System and Staking left zero (Genesis
// fills them in).
func DefaultIDs() IDs {
	return IDs{WalrusPackage: WalrusPackageID, WALPackage: WALPackageID}
}

// WALType is <WALPackage>::wal::WAL.
func (ids IDs) WALType() sui.TypeTag { return sui.StructOf(ids.WALPackage, "wal", "WAL") }

// WALCoinType is 0x2::coin::Coin<<WALPackage>::wal::WAL>.
func (ids IDs) WALCoinType() sui.TypeTag { return sui.CoinType(ids.WALType()) }

// SystemInitialSharedVersion and StakingInitialSharedVersion are the initial shared
// versions of the System and Staking objects (transactions name shared inputs with it).
func (ids IDs) SystemInitialSharedVersion() uint64  { return exec.GenesisVersion }
func (ids IDs) StakingInitialSharedVersion() uint64 { return exec.GenesisVersion }

// Struct returns the Walrus type <WalrusPackage>::module::name<params>.
func (ids IDs) Struct(module, name string, params ...sui.TypeTag) sui.StructTag {
	return sui.StructTag{Address: ids.WalrusPackage, Module: module, Name: name, TypeParams: params}
}

// Type is Struct as a TypeTag.
func (ids IDs) Type(module, name string, params ...sui.TypeTag) sui.TypeTag {
	s := ids.Struct(module, name, params...)
	return sui.TypeTag{Kind: sui.TypeStruct, Struct: &s}
}

// The Walrus types the devnet creates.
func (ids IDs) SystemType() sui.StructTag  { return ids.Struct("system", "System") }
func (ids IDs) StakingType() sui.StructTag { return ids.Struct("staking", "Staking") }
func (ids IDs) BlobType() sui.StructTag    { return ids.Struct("blob", "Blob") }
func (ids IDs) StorageType() sui.StructTag { return ids.Struct("storage_resource", "Storage") }

// MetadataType is walrus::metadata::Metadata (a value, not an object).
func (ids IDs) MetadataType() sui.TypeTag { return ids.Type("metadata", "Metadata") }

// EventType is <WalrusPackage>::events::<name>.
func (ids IDs) EventType(name string) sui.StructTag { return ids.Struct(walrus.EventsModule, name) }

var (
	addr1 = walrus.MustParseID("0x1")
	addr2 = walrus.MustParseID("0x2")

	stringType = sui.StructOf(addr1, "string", "String")
	idType     = sui.StructOf(addr2, "object", "ID")
	bytesType  = sui.VectorOf(sui.TypeTagU8)
)

// fieldType is 0x2::dynamic_field::Field<name, value>.
func fieldType(name, value sui.TypeTag) sui.StructTag {
	return sui.StructTag{Address: addr2, Module: "dynamic_field", Name: "Field", TypeParams: []sui.TypeTag{name, value}}
}

// systemInnerFieldType and stakingInnerFieldType are Field<u64, inner>, the inner states.
func (ids IDs) systemInnerFieldType() sui.StructTag {
	return fieldType(sui.TypeTagU64, ids.Type("system_state_inner", "SystemStateInnerV1"))
}

func (ids IDs) stakingInnerFieldType() sui.StructTag {
	return fieldType(sui.TypeTagU64, ids.Type("staking_inner", "StakingInnerV1"))
}

// metadataFieldType is Field<vector<u8>, walrus::metadata::Metadata>, a Blob's attributes.
func (ids IDs) metadataFieldType() sui.StructTag { return fieldType(bytesType, ids.MetadataType()) }

// extendedFieldKey is walrus::extended_field::Key.
func (ids IDs) extendedFieldKey() sui.TypeTag { return ids.Type("extended_field", "Key") }

// extendedFieldValueID is the ID of the dynamic field holding the value of the
// ExtendedField whose UID is extID: the field named Key() (BCS 0x00).
func (ids IDs) extendedFieldValueID(extID walrus.ID) walrus.ID {
	return walrus.DynamicFieldID(extID, walrus.StructTypeTag(ids.WalrusPackage, "extended_field", "Key"), []byte{0})
}

// TreasuryType is wal::wal::ProtectedTreasury.
func (ids IDs) TreasuryType() sui.StructTag {
	return sui.StructTag{Address: ids.WALPackage, Module: "wal", Name: "ProtectedTreasury"}
}

// treasuryCapKeyTag is the type tag (BCS) of wal::wal::TreasuryCapKey.
func (ids IDs) treasuryCapKeyTag() []byte {
	return walrus.StructTypeTag(ids.WALPackage, "wal", "TreasuryCapKey")
}

// treasuryCapWrapperType is dynamic_object_field::Wrapper<wal::wal::TreasuryCapKey>.
func (ids IDs) treasuryCapWrapperType() sui.TypeTag {
	return sui.StructOf(addr2, "dynamic_object_field", "Wrapper", sui.StructOf(ids.WALPackage, "wal", "TreasuryCapKey"))
}

// treasuryCapFieldID is the ID of the treasury's dynamic object field TreasuryCapKey.
func (ids IDs) treasuryCapFieldID(treasury walrus.ID) walrus.ID {
	return walrus.DynamicFieldID(treasury, walrus.StructTypeTag(addr2, "dynamic_object_field", "Wrapper", ids.treasuryCapKeyTag()), []byte{0})
}

// treasuryCapType is 0x2::coin::TreasuryCap<WAL>.
func (ids IDs) treasuryCapType() sui.StructTag {
	return sui.StructTag{Address: addr2, Module: "coin", Name: "TreasuryCap", TypeParams: []sui.TypeTag{ids.WALType()}}
}
