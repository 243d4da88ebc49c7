package quilt

import (
	"encoding/base64"
	"encoding/binary"
	"fmt"

	"github.com/tuskstore/tusk/encoding"
)

const (
	// quiltVersionV1 is the version byte of a quilt, a patch header and an internal ID.
	quiltVersionV1 = 0x01
	// internalIDLength is the size of an internal ID: version, start u16, end u16.
	internalIDLength = 5
	// patchIDLength is the size of a patch ID: the quilt's blob ID, then an internal ID.
	patchIDLength = len(encoding.BlobID{}) + internalIDLength
)

// InternalID addresses a patch inside its quilt (Walrus QuiltPatchInternalIdV1): its
// columns [Start, End). Its bytes are the version 0x01, then Start and End as u16 LE.
type InternalID struct {
	Start, End uint16
}

// Bytes is the 5-byte wire form.
func (id InternalID) Bytes() []byte {
	b := make([]byte, internalIDLength)
	b[0] = quiltVersionV1
	binary.LittleEndian.PutUint16(b[1:], id.Start)
	binary.LittleEndian.PutUint16(b[3:], id.End)
	return b
}

// ParseInternalID parses the 5-byte wire form. A range that is empty (Start >= End) is
// rejected: no quilt has such a patch.
func ParseInternalID(b []byte) (InternalID, error) {
	if len(b) != internalIDLength {
		return InternalID{}, fmt.Errorf("%w: internal ID has %d bytes, want %d", ErrInvalidPatchID, len(b), internalIDLength)
	}
	if b[0] != quiltVersionV1 {
		return InternalID{}, fmt.Errorf("%w: %w: version %d", ErrInvalidPatchID, ErrUnsupportedVersion, b[0])
	}
	id := InternalID{Start: binary.LittleEndian.Uint16(b[1:]), End: binary.LittleEndian.Uint16(b[3:])}
	if id.Start >= id.End {
		return InternalID{}, fmt.Errorf("%w: empty column range [%d, %d)", ErrInvalidPatchID, id.Start, id.End)
	}
	return id, nil
}

// PatchID names a patch globally (Walrus QuiltPatchId): the quilt's blob ID and the patch's
// internal ID. As text it is the 37 bytes in URL-safe base64 without padding (50
// characters).
type PatchID struct {
	QuiltID  encoding.BlobID
	Internal InternalID
}

// Bytes is the 37-byte form: quilt blob ID ‖ internal ID.
func (id PatchID) Bytes() []byte {
	return append(append(make([]byte, 0, patchIDLength), id.QuiltID[:]...), id.Internal.Bytes()...)
}

func (id PatchID) String() string { return base64.RawURLEncoding.EncodeToString(id.Bytes()) }

// PatchIDFromBytes parses the 37-byte form.
func PatchIDFromBytes(b []byte) (PatchID, error) {
	if len(b) != patchIDLength {
		return PatchID{}, fmt.Errorf("%w: %d bytes, want %d", ErrInvalidPatchID, len(b), patchIDLength)
	}
	internal, err := ParseInternalID(b[len(encoding.BlobID{}):])
	if err != nil {
		return PatchID{}, err
	}
	var id PatchID
	copy(id.QuiltID[:], b)
	id.Internal = internal
	return id, nil
}

// ParsePatchID parses the text form.
func ParsePatchID(s string) (PatchID, error) {
	if want := base64.RawURLEncoding.EncodedLen(patchIDLength); len(s) != want {
		return PatchID{}, fmt.Errorf("%w: %d characters, want %d (URL-safe base64 without padding)", ErrInvalidPatchID, len(s), want)
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(s)
	if err != nil {
		return PatchID{}, fmt.Errorf("%w: %q: %v", ErrInvalidPatchID, s, err)
	}
	return PatchIDFromBytes(b)
}

// MarshalText implements encoding.TextMarshaler (JSON uses the text form).
func (id PatchID) MarshalText() ([]byte, error) { return []byte(id.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (id *PatchID) UnmarshalText(b []byte) error {
	v, err := ParsePatchID(string(b))
	if err != nil {
		return err
	}
	*id = v
	return nil
}
