package encoding

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"

	"github.com/tuskstore/tusk/encoding/merkle"
	"github.com/tuskstore/tusk/internal/blake2bx"
)

// EncodingType identifies the erasure code. Only RS2 exists; 0 was RedStuff-RaptorQ.
type EncodingType uint8

// RS2 is the Reed–Solomon RedStuff encoding (BCS variant index 1).
const RS2 EncodingType = 1

func (t EncodingType) String() string {
	if t == RS2 {
		return "RS2"
	}
	return fmt.Sprintf("EncodingType(%d)", uint8(t))
}

// MarshalText gives the JSON form, "RS2".
func (t EncodingType) MarshalText() ([]byte, error) {
	if t != RS2 {
		return nil, fmt.Errorf("encoding: unknown encoding type %d", uint8(t))
	}
	return []byte("RS2"), nil
}

// ErrInvalidBlobID reports text that is not a blob ID.
var ErrInvalidBlobID = errors.New("encoding: invalid blob ID")

// BlobID is the 32-byte identifier of a blob. On chain it is a u256 read little-endian
// from these bytes; as text it is URL-safe base64 without padding.
type BlobID [32]byte

// ComputeBlobID is BLAKE2b-256(encoding type ‖ u64 LE length ‖ Merkle root).
func ComputeBlobID(t EncodingType, length uint64, root merkle.Digest) BlobID {
	var in [1 + 8 + 32]byte
	in[0] = byte(t)
	binary.LittleEndian.PutUint64(in[1:], length)
	copy(in[9:], root[:])
	return BlobID(blake2bx.Sum256(in[:]))
}

func (id BlobID) String() string { return base64.RawURLEncoding.EncodeToString(id[:]) }

// Hex is the ID as 64 hex digits, in byte order.
func (id BlobID) Hex() string { return hex.EncodeToString(id[:]) }

// U256 is the ID as the u256 Move sees (bytes read little-endian).
func (id BlobID) U256() *big.Int {
	var be [32]byte
	for i := range id {
		be[31-i] = id[i]
	}
	return new(big.Int).SetBytes(be[:])
}

// BlobIDFromU256 converts the on-chain u256 back to a blob ID.
func BlobIDFromU256(v *big.Int) (BlobID, error) {
	var id BlobID
	if v.Sign() < 0 || v.BitLen() > 256 {
		return id, fmt.Errorf("%w: %s is not a u256", ErrInvalidBlobID, v)
	}
	be := v.FillBytes(make([]byte, 32))
	for i := range id {
		id[i] = be[31-i]
	}
	return id, nil
}

// ParseBlobID parses the base64url form (43 characters, no padding).
func ParseBlobID(s string) (BlobID, error) {
	var id BlobID
	if len(s) != 43 {
		return id, fmt.Errorf("%w: %q has %d characters, want 43 (URL-safe base64 without padding)", ErrInvalidBlobID, s, len(s))
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(s)
	if err != nil {
		return id, fmt.Errorf("%w: %q: %v", ErrInvalidBlobID, s, err)
	}
	copy(id[:], b)
	return id, nil
}

// MarshalText implements encoding.TextMarshaler (JSON uses the base64url form).
func (id BlobID) MarshalText() ([]byte, error) { return []byte(id.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (id *BlobID) UnmarshalText(b []byte) error {
	v, err := ParseBlobID(string(b))
	if err != nil {
		return err
	}
	*id = v
	return nil
}
