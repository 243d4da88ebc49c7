// Package cursor encodes the opaque pagination cursors of the indexer's explorer API
// and event feed. A cursor names the last row a client has seen (a keyset position): its
// kind, up to two unsigned integers and an optional 32-byte ID, encoded as
// version ‖ kind ‖ uvarint(A) ‖ uvarint(B) ‖ ID in URL-safe base64 without padding.
//
// Clients must treat cursors as opaque. Decoding is strict: one canonical text per
// cursor, the kind must be the one expected, and anything else is ErrInvalid.
package cursor

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
)

// ErrInvalid is the error for text that is not a cursor of the expected kind.
var ErrInvalid = errors.New("invalid cursor")

// Kind says what a cursor points into; a cursor of one kind is refused by another.
type Kind uint8

// Kinds of cursors.
const (
	Event      Kind = 1 // A = checkpoint, B = index in the checkpoint
	OwnerBlob  Kind = 2 // A = created checkpoint, ID = blob object ID
	BlobObject Kind = 3 // ID = blob object ID
	Epoch      Kind = 4 // A = epoch
	Node       Kind = 5 // ID = node ID
	NodeEpoch  Kind = 6 // A = epoch (a node's stake and rewards)
	Committee  Kind = 7 // A = epoch, ID = node ID
	maxKind         = Committee
)

// version is the first byte of every cursor.
const version = 1

// MaxLen is the longest cursor text Decode accepts.
const MaxLen = 96

// IDSize is the size of the optional ID.
const IDSize = 32

// Cursor is a decoded cursor.
type Cursor struct {
	Kind  Kind
	A, B  uint64
	ID    [IDSize]byte
	HasID bool
}

// hasID reports whether cursors of kind k carry an ID.
func hasID(k Kind) bool { return k == OwnerBlob || k == BlobObject || k == Node || k == Committee }

// String encodes c. The ID is written only for the kinds that have one.
func (c Cursor) String() string {
	b := make([]byte, 0, 2+2*binary.MaxVarintLen64+IDSize)
	b = append(b, version, byte(c.Kind))
	b = binary.AppendUvarint(b, c.A)
	b = binary.AppendUvarint(b, c.B)
	if hasID(c.Kind) {
		b = append(b, c.ID[:]...)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// Decode parses s as a cursor of kind want.
func Decode(s string, want Kind) (Cursor, error) {
	if len(s) == 0 || len(s) > MaxLen {
		return Cursor{}, fmt.Errorf("%w: length %d", ErrInvalid, len(s))
	}
	for i := 0; i < len(s); i++ {
		// The decoder skips CR and LF; a cursor has one text, so refuse them.
		if c := s[i]; !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return Cursor{}, fmt.Errorf("%w: not base64url", ErrInvalid)
		}
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(s)
	if err != nil {
		return Cursor{}, fmt.Errorf("%w: not base64url", ErrInvalid)
	}
	if len(b) < 2 || b[0] != version {
		return Cursor{}, fmt.Errorf("%w: unknown version", ErrInvalid)
	}
	c := Cursor{Kind: Kind(b[1])}
	if c.Kind == 0 || c.Kind > maxKind {
		return Cursor{}, fmt.Errorf("%w: unknown kind", ErrInvalid)
	}
	if c.Kind != want {
		return Cursor{}, fmt.Errorf("%w: a cursor of another list", ErrInvalid)
	}
	rest := b[2:]
	for _, dst := range []*uint64{&c.A, &c.B} {
		v, n := binary.Uvarint(rest)
		if n <= 0 || n != len(binary.AppendUvarint(nil, v)) {
			return Cursor{}, fmt.Errorf("%w: bad number", ErrInvalid)
		}
		*dst, rest = v, rest[n:]
	}
	if hasID(c.Kind) {
		if len(rest) != IDSize {
			return Cursor{}, fmt.Errorf("%w: bad length", ErrInvalid)
		}
		copy(c.ID[:], rest)
		c.HasID = true
		rest = nil
	}
	if len(rest) != 0 {
		return Cursor{}, fmt.Errorf("%w: trailing bytes", ErrInvalid)
	}
	return c, nil
}
