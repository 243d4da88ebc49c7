package quilt

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxIdentifierLength is the longest identifier a quilt may hold, in bytes (Walrus
// MAX_BLOB_IDENTIFIER_BYTES_LENGTH). Build is stricter: the BCS form of an identifier (its
// ULEB128 length, then its bytes) must stay below it, so at most 65531 bytes.
const MaxIdentifierLength = 1<<16 - 1

// ValidateIdentifier checks an identifier as Walrus does (validate_quilt_identifier): not
// empty, at most MaxIdentifierLength bytes, no trailing white space and no control
// character. It must also be UTF-8, which a Rust String always is.
func ValidateIdentifier(id string) error {
	switch {
	case len(id) > MaxIdentifierLength:
		return fmt.Errorf("%w: %d bytes, the maximum is %d", ErrInvalidIdentifier, len(id), MaxIdentifierLength)
	case id == "":
		return fmt.Errorf("%w: empty", ErrInvalidIdentifier)
	case !utf8.ValidString(id):
		return fmt.Errorf("%w: %q is not UTF-8", ErrInvalidIdentifier, id)
	case strings.TrimRightFunc(id, unicode.IsSpace) != id:
		return fmt.Errorf("%w: %q ends in white space", ErrInvalidIdentifier, id)
	case strings.IndexFunc(id, unicode.IsControl) >= 0:
		return fmt.Errorf("%w: %q holds a control character", ErrInvalidIdentifier, id)
	}
	return nil
}
