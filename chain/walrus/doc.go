// Package walrus holds the BCS forms of the Walrus Move objects and events, field for
// field as Move serializes them, so that the client can decode objects and events read
// from Sui and the embedded devnet can store its state and emit events as the exact bytes
// Move would produce.
//
// Source followed: MystenLabs/walrus at commit 3c1cacc11c9292ed498f01f798cf790f02ea5062
// (contracts/walrus/sources/**, package version 4 of System and Staking), cross-checked
// against the Rust bindings in crates/walrus-sui/src/types/{move_structs,events}.rs at
// the same commit.
//
// Mapping of Move and Sui framework types:
//
//	UID, ID, address             ID (32 raw bytes)
//	u8, u16, u32, u64, bool      the Go integer types, bool
//	u128                         U128
//	u256 (blob IDs)              encoding.BlobID (its 32 bytes are the u256 little-endian)
//	u256 (other)                 U256 (32 bytes, little-endian)
//	Balance<T>                   uint64 (struct { value: u64 })
//	Option<T>                    *T; BCS is a vector of 0 or 1 elements (tag 0 or 1)
//	String                       string; must be UTF-8, which decoding checks
//	vector<u8>                   []byte (decoding copies; empty decodes as nil)
//	vector<T>, VecSet<T>         []T (empty decodes as nil)
//	VecMap<K, V>                 []{K, V} in stored order (duplicates are not checked)
//	Table, ObjectTable, Bag      Table {id, size}; the entries are dynamic fields
//	group_ops::Element<G>        []byte (48 bytes for G1, 96 for UncompressedG1)
//	ExtendedField<T>             ExtendedField {id}; the value is in a dynamic field
//	                             Field<ExtendedFieldKey, T> under that id
//	dynamic_field::Field<N, V>   Field[N, V, *N, *V]; its object ID is DynamicFieldID
//	                             (InnerStateFieldID for the versioned inner states)
//
// Empty Move structs (extended_field::Key, NewEpochCommissionBlockedForCollection) carry
// the compiler's dummy_field: bool, always false, so their BCS is the single byte 0x00.
//
// Move enums are Go structs with a Kind (the variant index, written as the BCS tag) and the
// fields of the variants; only the fields of Kind are encoded, and decoding zeroes the rest.
// Encoding does not check Kind, so set it to a declared variant.
//
// Decoding is safe on hostile input: lengths are checked before allocating, enum and
// Option tags are range-checked, bools must be 0 or 1, strings must be UTF-8, and
// bcs.Unmarshal rejects trailing bytes. Every error wraps bcs.ErrMalformed.
package walrus
