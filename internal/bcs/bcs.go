// Package bcs encodes and decodes Binary Canonical Serialization (the wire format of Move
// and Sui) with explicit, typed primitives. Decoding is safe on hostile input: every
// length is checked against the bytes that remain before anything is allocated, ULEB128
// must be canonical, enum tags are checked by the caller through Fail, and trailing bytes
// are an error.
//
// Types implement Marshaler and Unmarshaler by calling the primitives in field order; the
// Decoder keeps the first error, so the calls need no error checks of their own.
package bcs

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// ErrMalformed is wrapped by every decoding error.
var ErrMalformed = errors.New("bcs: malformed input")

// MaxLength is the largest sequence length BCS allows (2^31 - 1).
const MaxLength = math.MaxInt32

// Marshaler writes a value's BCS form.
type Marshaler interface{ MarshalBCS(e *Encoder) }

// Unmarshaler reads a value's BCS form.
type Unmarshaler interface{ UnmarshalBCS(d *Decoder) }

// Marshal returns the BCS bytes of v.
func Marshal(v Marshaler) []byte {
	var e Encoder
	v.MarshalBCS(&e)
	return e.buf
}

// Unmarshal decodes data into v; all of data must be consumed.
func Unmarshal(data []byte, v Unmarshaler) error {
	d := NewDecoder(data)
	v.UnmarshalBCS(d)
	return d.Finish()
}

// Encoder appends BCS values to a buffer.
type Encoder struct{ buf []byte }

// Bytes returns what has been written.
func (e *Encoder) Bytes() []byte { return e.buf }

func (e *Encoder) U8(v uint8)   { e.buf = append(e.buf, v) }
func (e *Encoder) U16(v uint16) { e.buf = binary.LittleEndian.AppendUint16(e.buf, v) }
func (e *Encoder) U32(v uint32) { e.buf = binary.LittleEndian.AppendUint32(e.buf, v) }
func (e *Encoder) U64(v uint64) { e.buf = binary.LittleEndian.AppendUint64(e.buf, v) }

// Bool writes 0 or 1.
func (e *Encoder) Bool(v bool) {
	if v {
		e.U8(1)
	} else {
		e.U8(0)
	}
}

// ULEB128 writes v in unsigned LEB128 (lengths and enum tags).
func (e *Encoder) ULEB128(v uint64) { e.buf = binary.AppendUvarint(e.buf, v) }

// Fixed writes b with no length prefix (fixed-size arrays).
func (e *Encoder) Fixed(b []byte) { e.buf = append(e.buf, b...) }

// ByteVec writes a vector<u8>: its length, then its bytes.
func (e *Encoder) ByteVec(b []byte) {
	e.ULEB128(uint64(len(b)))
	e.Fixed(b)
}

// String writes a UTF-8 string like a vector<u8>.
func (e *Encoder) String(s string) {
	e.ULEB128(uint64(len(s)))
	e.buf = append(e.buf, s...)
}

// Decoder reads BCS values from a byte slice, keeping the first error.
type Decoder struct {
	data []byte
	off  int
	err  error
}

// NewDecoder returns a decoder over data.
func NewDecoder(data []byte) *Decoder { return &Decoder{data: data} }

// Err returns the first error met, if any.
func (d *Decoder) Err() error { return d.err }

// Remaining is the number of unread bytes.
func (d *Decoder) Remaining() int { return len(d.data) - d.off }

// Fail records err (wrapped in ErrMalformed with the offset) unless an error is already set.
func (d *Decoder) Fail(err error) {
	if d.err == nil {
		d.err = fmt.Errorf("%w at byte %d: %w", ErrMalformed, d.off, err)
	}
}

// Failf is Fail with a formatted message.
func (d *Decoder) Failf(format string, args ...any) { d.Fail(fmt.Errorf(format, args...)) }

// Finish reports the first error, or an error if bytes remain unread.
func (d *Decoder) Finish() error {
	if d.err == nil && d.off != len(d.data) {
		d.Failf("%d trailing bytes", len(d.data)-d.off)
	}
	return d.err
}

// take returns the next n bytes, or nil after recording an error.
func (d *Decoder) take(n int) []byte {
	if d.err != nil {
		return nil
	}
	if n < 0 || n > d.Remaining() {
		d.Failf("need %d bytes, %d remain", n, d.Remaining())
		return nil
	}
	b := d.data[d.off : d.off+n : d.off+n]
	d.off += n
	return b
}

func (d *Decoder) U8() uint8 {
	if b := d.take(1); b != nil {
		return b[0]
	}
	return 0
}

func (d *Decoder) U16() uint16 {
	if b := d.take(2); b != nil {
		return binary.LittleEndian.Uint16(b)
	}
	return 0
}

func (d *Decoder) U32() uint32 {
	if b := d.take(4); b != nil {
		return binary.LittleEndian.Uint32(b)
	}
	return 0
}

func (d *Decoder) U64() uint64 {
	if b := d.take(8); b != nil {
		return binary.LittleEndian.Uint64(b)
	}
	return 0
}

// Bool reads a byte that must be 0 or 1.
func (d *Decoder) Bool() bool {
	switch v := d.U8(); v {
	case 0:
		return false
	case 1:
		return true
	default:
		d.Failf("invalid bool %d", v)
		return false
	}
}

// ULEB128 reads a canonical unsigned LEB128 value of at most 32 bits (BCS lengths and tags).
func (d *Decoder) ULEB128() uint32 {
	var v uint64
	for shift := 0; ; shift += 7 {
		if shift > 28 {
			d.Failf("ULEB128 longer than 5 bytes")
			return 0
		}
		b := d.take(1)
		if b == nil {
			return 0
		}
		v |= uint64(b[0]&0x7f) << shift
		if b[0]&0x80 == 0 {
			if b[0] == 0 && shift > 0 {
				d.Failf("non-canonical ULEB128")
				return 0
			}
			if v > math.MaxUint32 {
				d.Failf("ULEB128 value %d exceeds 32 bits", v)
				return 0
			}
			return uint32(v)
		}
	}
}

// Len reads a sequence length whose elements take at least minElemSize bytes each, and
// checks that they can fit in what remains.
func (d *Decoder) Len(minElemSize int) int {
	n := d.ULEB128()
	if d.err != nil {
		return 0
	}
	if n > MaxLength {
		d.Failf("length %d exceeds the BCS maximum", n)
		return 0
	}
	if minElemSize > 0 && int64(n)*int64(minElemSize) > int64(d.Remaining()) {
		d.Failf("length %d needs at least %d bytes, %d remain", n, int64(n)*int64(minElemSize), d.Remaining())
		return 0
	}
	return int(n)
}

// Tag reads an enum variant index and checks it is below variants.
func (d *Decoder) Tag(variants int) int {
	t := d.ULEB128()
	if d.err == nil && int64(t) >= int64(variants) {
		d.Failf("enum tag %d out of range (%d variants)", t, variants)
		return 0
	}
	return int(t)
}

// Fixed reads n bytes with no length prefix. The result aliases the input.
func (d *Decoder) Fixed(n int) []byte { return d.take(n) }

// FixedInto fills dst.
func (d *Decoder) FixedInto(dst []byte) { copy(dst, d.take(len(dst))) }

// ByteVec reads a vector<u8>. The result aliases the input.
func (d *Decoder) ByteVec() []byte {
	n := d.Len(1)
	if d.err != nil {
		return nil
	}
	return d.take(n)
}

// String reads a vector<u8> holding UTF-8 text.
func (d *Decoder) String() string { return string(d.ByteVec()) }
