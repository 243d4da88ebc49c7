package walrus

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"unicode/utf8"

	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/internal/bcs"
)

// ErrInvalidID reports text that is not a Sui object ID or address.
var ErrInvalidID = errors.New("walrus: invalid Sui ID")

// ID is a Sui object ID or address (Move UID, ID and address): 32 raw bytes in BCS. Its
// text form is "0x" followed by 64 lowercase hex digits.
type ID [32]byte

// Address is a Sui account address; it has the same form as an object ID.
type Address = ID

// ParseID parses "0x" followed by 1 to 64 hex digits (short forms such as "0x2" are
// zero-padded on the left), or exactly 64 hex digits without the prefix.
func ParseID(s string) (ID, error) {
	var id ID
	h, prefixed := strings.CutPrefix(s, "0x")
	if !prefixed {
		h, prefixed = strings.CutPrefix(s, "0X")
	}
	if len(h) == 0 || len(h) > 64 || (!prefixed && len(h) != 64) {
		return id, fmt.Errorf("%w: %q (want 0x and 1 to 64 hex digits)", ErrInvalidID, s)
	}
	if len(h)%2 == 1 {
		h = "0" + h
	}
	b, err := hex.DecodeString(h)
	if err != nil {
		return id, fmt.Errorf("%w: %q: %v", ErrInvalidID, s, err)
	}
	copy(id[32-len(b):], b)
	return id, nil
}

// MustParseID is ParseID that panics on error; for constants and tests.
func MustParseID(s string) ID {
	id, err := ParseID(s)
	if err != nil {
		panic(err)
	}
	return id
}

// String returns "0x" and 64 hex digits.
func (id ID) String() string { return "0x" + hex.EncodeToString(id[:]) }

// IsZero reports whether id is 0x0.
func (id ID) IsZero() bool { return id == ID{} }

// Compare orders IDs as Move's address::to_u256 does (big-endian), which is the order of
// their bytes. Committees are kept sorted in this order.
func (id ID) Compare(other ID) int { return bytes.Compare(id[:], other[:]) }

func (id ID) MarshalText() ([]byte, error) { return []byte(id.String()), nil }

func (id *ID) UnmarshalText(b []byte) error {
	v, err := ParseID(string(b))
	if err != nil {
		return err
	}
	*id = v
	return nil
}

func (id ID) MarshalBCS(e *bcs.Encoder)    { e.Fixed(id[:]) }
func (id *ID) UnmarshalBCS(d *bcs.Decoder) { d.FixedInto(id[:]) }

// U128 is a Move u128: 16 bytes little-endian in BCS.
type U128 struct{ Lo, Hi uint64 }

// U128From64 returns v as a U128.
func U128From64(v uint64) U128 { return U128{Lo: v} }

// Big returns the value as a big.Int.
func (u U128) Big() *big.Int {
	v := new(big.Int).SetUint64(u.Hi)
	v.Lsh(v, 64)
	return v.Or(v, new(big.Int).SetUint64(u.Lo))
}

// U128FromBig converts v, which must be in [0, 2^128).
func U128FromBig(v *big.Int) (U128, error) {
	if v.Sign() < 0 || v.BitLen() > 128 {
		return U128{}, fmt.Errorf("walrus: %s is not a u128", v)
	}
	lo := new(big.Int).And(v, new(big.Int).SetUint64(^uint64(0)))
	return U128{Lo: lo.Uint64(), Hi: new(big.Int).Rsh(v, 64).Uint64()}, nil
}

func (u U128) String() string { return u.Big().String() }

func (u U128) MarshalBCS(e *bcs.Encoder) {
	e.U64(u.Lo)
	e.U64(u.Hi)
}

func (u *U128) UnmarshalBCS(d *bcs.Decoder) {
	u.Lo = d.U64()
	u.Hi = d.U64()
}

// U256 is a Move u256 that is not a blob ID (a deny-list root, for example): its 32 BCS
// bytes, which are the integer in little-endian order.
type U256 [32]byte

// Big returns the value as a big.Int.
func (u U256) Big() *big.Int {
	var be [32]byte
	for i := range u {
		be[31-i] = u[i]
	}
	return new(big.Int).SetBytes(be[:])
}

// U256FromBig converts v, which must be in [0, 2^256).
func U256FromBig(v *big.Int) (U256, error) {
	var u U256
	if v.Sign() < 0 || v.BitLen() > 256 {
		return u, fmt.Errorf("walrus: %s is not a u256", v)
	}
	var be [32]byte
	v.FillBytes(be[:])
	for i := range be {
		u[31-i] = be[i]
	}
	return u, nil
}

func (u U256) String() string { return u.Big().String() }

func (u U256) MarshalBCS(e *bcs.Encoder)    { e.Fixed(u[:]) }
func (u *U256) UnmarshalBCS(d *bcs.Decoder) { d.FixedInto(u[:]) }

// U64 is a Move u64 usable as a dynamic-field name or value (the System and Staking inner
// states are keyed by their u64 version).
type U64 uint64

func (v U64) MarshalBCS(e *bcs.Encoder)    { e.U64(uint64(v)) }
func (v *U64) UnmarshalBCS(d *bcs.Decoder) { *v = U64(d.U64()) }

// U32 is a Move u32 usable as a dynamic-field name or value (exchange-rate table keys).
type U32 uint32

func (v U32) MarshalBCS(e *bcs.Encoder)    { e.U32(uint32(v)) }
func (v *U32) UnmarshalBCS(d *bcs.Decoder) { *v = U32(d.U32()) }

// Bytes is a Move vector<u8> usable as a dynamic-field name (b"metadata" on a Blob).
type Bytes []byte

func (b Bytes) MarshalBCS(e *bcs.Encoder)    { e.ByteVec(b) }
func (b *Bytes) UnmarshalBCS(d *bcs.Decoder) { *b = getBytes(d) }

// MetadataFieldName is the dynamic-field name under which a Blob keeps its Metadata.
var MetadataFieldName = Bytes("metadata")

// MigrationEpochFieldName is the dynamic-field name (vector<u8>) under which Staking keeps
// the migration epoch (u32) during an upgrade.
var MigrationEpochFieldName = Bytes("migration_epoch")

// --- helpers shared by the types of this package ---

// codec is a pointer to T that marshals and unmarshals T.
type codec[T any] interface {
	*T
	bcs.Marshaler
	bcs.Unmarshaler
}

// getBytes reads a vector<u8> into a fresh slice (nil when empty), so that decoded values
// never alias the input.
func getBytes(d *bcs.Decoder) []byte {
	b := d.ByteVec()
	if len(b) == 0 {
		return nil
	}
	return bytes.Clone(b)
}

// getString reads a Move String and checks it is UTF-8.
func getString(d *bcs.Decoder) string {
	b := d.ByteVec()
	if d.Err() == nil && !utf8.Valid(b) {
		d.Failf("string is not valid UTF-8")
		return ""
	}
	return string(b)
}

func putBlobID(e *bcs.Encoder, id *encoding.BlobID) { e.Fixed(id[:]) }
func getBlobID(d *bcs.Decoder, id *encoding.BlobID) { d.FixedInto(id[:]) }

// getOption reads an Option tag: a vector length that must be 0 or 1.
func getOption(d *bcs.Decoder) bool { return d.Tag(2) == 1 && d.Err() == nil }

func putOption(e *bcs.Encoder, some bool) {
	if some {
		e.ULEB128(1)
	} else {
		e.ULEB128(0)
	}
}

func putOptU32(e *bcs.Encoder, v *uint32) {
	putOption(e, v != nil)
	if v != nil {
		e.U32(*v)
	}
}

func getOptU32(d *bcs.Decoder) *uint32 {
	if !getOption(d) {
		return nil
	}
	v := d.U32()
	return &v
}

func putOptBytes(e *bcs.Encoder, v *[]byte) {
	putOption(e, v != nil)
	if v != nil {
		e.ByteVec(*v)
	}
}

func getOptBytes(d *bcs.Decoder) *[]byte {
	if !getOption(d) {
		return nil
	}
	v := getBytes(d)
	if d.Err() != nil {
		return nil
	}
	return &v
}

// putOpt writes Option<T> for a pointer.
func putOpt[T any, P codec[T]](e *bcs.Encoder, v *T) {
	putOption(e, v != nil)
	if v != nil {
		P(v).MarshalBCS(e)
	}
}

// getOpt reads Option<T>.
func getOpt[T any, P codec[T]](d *bcs.Decoder) *T {
	if !getOption(d) {
		return nil
	}
	v := new(T)
	P(v).UnmarshalBCS(d)
	if d.Err() != nil {
		return nil
	}
	return v
}

// putVec writes vector<T>.
func putVec[T any, P codec[T]](e *bcs.Encoder, s []T) {
	e.ULEB128(uint64(len(s)))
	for i := range s {
		P(&s[i]).MarshalBCS(e)
	}
}

// getVec reads vector<T> whose elements take at least minSize bytes each (nil when empty).
func getVec[T any, P codec[T]](d *bcs.Decoder, minSize int) []T {
	n := d.Len(minSize)
	if n == 0 || d.Err() != nil {
		return nil
	}
	out := make([]T, n)
	for i := range out {
		P(&out[i]).UnmarshalBCS(d)
		if d.Err() != nil {
			return nil
		}
	}
	return out
}

func putU16s(e *bcs.Encoder, s []uint16) {
	e.ULEB128(uint64(len(s)))
	for _, v := range s {
		e.U16(v)
	}
}

func getU16s(d *bcs.Decoder) []uint16 {
	n := d.Len(2)
	if n == 0 || d.Err() != nil {
		return nil
	}
	out := make([]uint16, n)
	for i := range out {
		out[i] = d.U16()
	}
	if d.Err() != nil {
		return nil
	}
	return out
}
