package contract

import (
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/encoding/merkle"
)

// This file is encoding.move, redstuff.move and blob.move derive_blob_id, and
// system_state_inner.move's unit conversion.

// RS2 is encoding.move RS2, the only encoding type (RedStuff with Reed-Solomon).
const RS2 uint8 = 1

// BytesPerUnitSize is system_state_inner.move BYTES_PER_UNIT_SIZE: storage is priced per
// MiB of encoded size.
const BytesPerUnitSize uint64 = 1024 * 1024

// Sizes of redstuff.move: DIGEST_LEN and BLOB_ID_LEN.
const (
	redstuffDigestLen = 32
	redstuffBlobIDLen = 32
)

// EncodedBlobLength is encoding.move encoded_blob_length (redstuff.move
// encoded_blob_length for RS2): the encoded size that is reserved and paid for,
//
//	n · ((n-2f + n-f) · symbol_size + n·64 + 32),  f = (n-1)/3,
//	symbol_size = ceil(max(L,1) / ((n-2f)(n-f))), rounded up to even.
//
// It equals encoding.Params.EncodedLength wherever that is defined (4 ≤ n ≤ 1000), and is
// also defined for other shard counts, as in Move.
//
// Errors: ErrInvalidEncodingType for an encoding type other than RS2; ErrArithmetic for
// n = 0 and for a blob whose symbol size does not fit in a u16 (larger than
// encoding.Params.MaxBlobSize).
func EncodedBlobLength(unencodedLength uint64, encodingType uint8, nShards uint16) (uint64, error) {
	// Currently only supports the two RedStuff variants.
	if encodingType != RS2 {
		return 0, ErrInvalidEncodingType.with("encoding type %d", encodingType)
	}
	const where = "walrus::redstuff::encoded_blob_length"
	if nShards == 0 {
		return 0, arithmetic(where, "n_shards - 1 underflows (0 shards)")
	}
	maxByzantine := (nShards - 1) / 3
	primary := uint64(nShards - 2*maxByzantine)
	secondary := uint64(nShards - maxByzantine)

	// symbol_size
	if unencodedLength == 0 {
		unencodedLength = 1
	}
	nSymbols := primary * secondary
	symbolSize := (unencodedLength-1)/nSymbols + 1
	if symbolSize > 0xffff { // `as u16`
		return 0, arithmetic(where, "symbol size %d of a %d-byte blob does not fit in u16", symbolSize, unencodedLength)
	}
	if symbolSize%2 == 1 {
		// For Reed-Solomon, the symbol size must be a multiple of 2.
		if symbolSize == 0xffff {
			return 0, arithmetic(where, "symbol size 65535 + 1 overflows u16")
		}
		symbolSize++
	}

	sliversSize := (primary + secondary) * symbolSize
	metadataSize := uint64(nShards)*redstuffDigestLen*2 + redstuffBlobIDLen
	return uint64(nShards) * (sliversSize + metadataSize), nil
}

// DeriveBlobID is blob.move derive_blob_id: BLAKE2b-256 of the BCS of BlobIdDerivation
// { encoding_type: u8, size: u64, root_hash: u256 }, read back as a u256. As bytes this is
// encoding.ComputeBlobID of the root hash's 32 little-endian bytes (the Merkle root).
func DeriveBlobID(rootHash walrus.U256, encodingType uint8, size uint64) encoding.BlobID {
	return encoding.ComputeBlobID(encoding.EncodingType(encodingType), size, merkle.Digest(rootHash))
}

// StorageUnitsFromSize is system_state_inner.move storage_units_from_size: the size in
// whole MiB, rounded up (u64::div_ceil).
func StorageUnitsFromSize(size uint64) uint64 {
	units := size / BytesPerUnitSize
	if size%BytesPerUnitSize != 0 {
		units++
	}
	return units
}
