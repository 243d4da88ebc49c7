package keys

import (
	"errors"
	"fmt"
)

// Errors returned by this package; test with errors.Is.
var (
	// ErrUnsupportedScheme: the signature-scheme flag names a scheme other than the one
	// expected (for Sui account keys: anything but ed25519). See SchemeError.
	ErrUnsupportedScheme = errors.New("keys: unsupported signature scheme")
	// ErrInvalidKey: key material of the wrong length or not a valid key.
	ErrInvalidKey = errors.New("keys: invalid key")
	// ErrInvalidEncoding: text that is not well-formed bech32, base64, hex, PEM or JSON.
	ErrInvalidEncoding = errors.New("keys: invalid encoding")
	// ErrBadChecksum: a bech32 string whose checksum does not match (a typo).
	ErrBadChecksum = errors.New("keys: bech32 checksum mismatch")
	// ErrSignatureLength: a serialized signature of the wrong length.
	ErrSignatureLength = errors.New("keys: wrong signature length")
	// ErrInvalidSignature: a well-formed signature that does not verify.
	ErrInvalidSignature = errors.New("keys: signature verification failed")
	// ErrInsecurePermissions: a secret key file that group or others may read.
	ErrInsecurePermissions = errors.New("keys: key file permissions too open")
)

// Signature-scheme flags, as Sui (and, for 0x02 and 0x04, Walrus key files) use them.
const (
	FlagEd25519   byte = 0x00
	FlagSecp256k1 byte = 0x01
	FlagSecp256r1 byte = 0x02
	FlagMultiSig  byte = 0x03
	FlagBLS12381  byte = 0x04
	FlagZkLogin   byte = 0x05
	FlagPasskey   byte = 0x06
)

// SchemeName names a signature-scheme flag.
func SchemeName(flag byte) string {
	switch flag {
	case FlagEd25519:
		return "ed25519"
	case FlagSecp256k1:
		return "secp256k1"
	case FlagSecp256r1:
		return "secp256r1"
	case FlagMultiSig:
		return "multisig"
	case FlagBLS12381:
		return "bls12381"
	case FlagZkLogin:
		return "zklogin"
	case FlagPasskey:
		return "passkey"
	default:
		return "unknown"
	}
}

// SchemeError reports a key or signature whose scheme flag is not the expected one. It
// matches ErrUnsupportedScheme under errors.Is.
type SchemeError struct {
	Flag     byte   // the flag found
	Expected byte   // the flag required
	Context  string // what was being read, e.g. "suiprivkey", "keystore entry 2"
}

func (e *SchemeError) Error() string {
	ctx := ""
	if e.Context != "" {
		ctx = e.Context + ": "
	}
	return fmt.Sprintf("keys: %sholds a %s key (flag 0x%02x); only %s (flag 0x%02x) is supported",
		ctx, SchemeName(e.Flag), e.Flag, SchemeName(e.Expected), e.Expected)
}

func (e *SchemeError) Is(target error) bool { return target == ErrUnsupportedScheme }
