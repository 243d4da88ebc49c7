package contract

import (
	"encoding/binary"

	"golang.org/x/crypto/blake2b"

	"github.com/tuskstore/tusk/chain/walrus"
)

// RegularObjectIDScope is Sui's HashingIntentScope::RegularObjectId, the domain separator
// of fresh object IDs (0xf0 is ChildObjectId, for dynamic fields).
const RegularObjectIDScope byte = 0xf1

// DeriveObjectID is Sui's ObjectID::derive_id (crates/sui-types/src/base_types.rs; also
// sui-sdk-types Address::derive_id): the ID of the object that a transaction creates as
// its creationIndex-th fresh ID (TxContext::fresh_id counts from 0),
//
//	BLAKE2b-256(0xf1 ‖ tx_digest ‖ creation_index as u64 little-endian).
func DeriveObjectID(txDigest [32]byte, creationIndex uint64) walrus.ID {
	var buf [1 + 32 + 8]byte
	buf[0] = RegularObjectIDScope
	copy(buf[1:33], txDigest[:])
	binary.LittleEndian.PutUint64(buf[33:], creationIndex)
	return walrus.ID(blake2b.Sum256(buf[:]))
}
