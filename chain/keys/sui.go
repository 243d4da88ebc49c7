package keys

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"

	"golang.org/x/crypto/blake2b"

	"github.com/tuskstore/tusk/internal/bcs"
)

// Sizes of Sui ed25519 material.
const (
	Ed25519SeedSize         = ed25519.SeedSize                                // 32-byte secret
	Ed25519PublicKeySize    = ed25519.PublicKeySize                           // 32
	Ed25519SignatureSize    = ed25519.SignatureSize                           // 64
	SerializedSignatureSize = 1 + Ed25519SignatureSize + Ed25519PublicKeySize // 97: flag ‖ sig ‖ pubkey
	AddressSize             = 32
)

// SuiPrivateKeyPrefix is the bech32 HRP of Sui private keys.
const SuiPrivateKeyPrefix = "suiprivkey"

// IntentScope is the first byte of a Sui intent (IntentMessage { intent, value }).
type IntentScope uint8

// Sui intent scopes used here. The intent is [scope, version 0, app 0 (Sui)].
const (
	IntentTransactionData IntentScope = 0
	IntentPersonalMessage IntentScope = 3
)

// Address is a 32-byte Sui address.
type Address [AddressSize]byte

// String is 0x followed by 64 lower-case hex digits.
func (a Address) String() string { return "0x" + hex.EncodeToString(a[:]) }

// MarshalText gives the String form (JSON, YAML).
func (a Address) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// UnmarshalText parses the form ParseAddress accepts.
func (a *Address) UnmarshalText(b []byte) error {
	v, err := ParseAddress(string(b))
	if err != nil {
		return err
	}
	*a = v
	return nil
}

// ParseAddress parses 0x-prefixed hex of up to 64 digits (shorter values are zero-padded
// on the left, as Sui does for 0x2 and the like).
func ParseAddress(s string) (Address, error) {
	var a Address
	h, ok := strings.CutPrefix(s, "0x")
	if !ok {
		h, ok = strings.CutPrefix(s, "0X")
	}
	if !ok || len(h) == 0 || len(h) > 64 {
		return a, fmt.Errorf("%w: Sui address %q: want 0x and 1..64 hex digits", ErrInvalidEncoding, s)
	}
	if len(h)%2 == 1 {
		h = "0" + h
	}
	b, err := hex.DecodeString(h)
	if err != nil {
		return a, fmt.Errorf("%w: Sui address %q: %v", ErrInvalidEncoding, s, err)
	}
	copy(a[AddressSize-len(b):], b)
	return a, nil
}

// AddressFromEd25519 is the Sui address of an ed25519 public key:
// BLAKE2b-256(0x00 ‖ pubkey).
func AddressFromEd25519(pub []byte) (Address, error) {
	if len(pub) != Ed25519PublicKeySize {
		return Address{}, fmt.Errorf("%w: ed25519 public key of %d bytes, want %d", ErrInvalidKey, len(pub), Ed25519PublicKeySize)
	}
	h, _ := blake2b.New256(nil)
	h.Write([]byte{FlagEd25519})
	h.Write(pub)
	var a Address
	h.Sum(a[:0])
	return a, nil
}

// Keypair is a Sui ed25519 account key.
type Keypair struct {
	priv ed25519.PrivateKey
	addr Address
}

// Generate makes a new key from crypto/rand.
func Generate() (*Keypair, error) {
	var seed [Ed25519SeedSize]byte
	if _, err := rand.Read(seed[:]); err != nil {
		return nil, fmt.Errorf("keys: reading randomness: %w", err)
	}
	return NewKeypairFromSeed(seed[:])
}

// NewKeypairFromSeed builds the key whose 32-byte secret (the "seed" of RFC 8032, which
// is what Sui stores) is seed.
func NewKeypairFromSeed(seed []byte) (*Keypair, error) {
	if len(seed) != Ed25519SeedSize {
		return nil, fmt.Errorf("%w: ed25519 secret of %d bytes, want %d", ErrInvalidKey, len(seed), Ed25519SeedSize)
	}
	priv := ed25519.NewKeyFromSeed(seed)
	addr, _ := AddressFromEd25519(priv.Public().(ed25519.PublicKey))
	return &Keypair{priv: priv, addr: addr}, nil
}

// Seed returns a copy of the 32-byte secret.
func (k *Keypair) Seed() []byte { return append([]byte(nil), k.priv.Seed()...) }

// PublicKey returns the 32-byte public key.
func (k *Keypair) PublicKey() ed25519.PublicKey {
	return append(ed25519.PublicKey(nil), k.priv[Ed25519SeedSize:]...)
}

// Address is the key's Sui address.
func (k *Keypair) Address() Address { return k.addr }

// String names the key by its address; the secret is never printed.
func (k *Keypair) String() string { return "ed25519:" + k.addr.String() }

// Equal reports whether k and o hold the same secret.
func (k *Keypair) Equal(o *Keypair) bool {
	return k != nil && o != nil && subtle.ConstantTimeCompare(k.priv, o.priv) == 1
}

// intentDigest is BLAKE2b-256(intent ‖ value), the message a Sui signature covers.
func intentDigest(scope IntentScope, value []byte) [32]byte {
	h, _ := blake2b.New256(nil)
	h.Write([]byte{byte(scope), 0, 0})
	h.Write(value)
	var d [32]byte
	h.Sum(d[:0])
	return d
}

// SignIntent signs BLAKE2b-256([scope, 0, 0] ‖ value) and returns the 97-byte serialized
// signature 0x00 ‖ sig ‖ pubkey. value must already be the BCS form of the intent's value.
func (k *Keypair) SignIntent(scope IntentScope, value []byte) []byte {
	d := intentDigest(scope, value)
	out := make([]byte, 0, SerializedSignatureSize)
	out = append(out, FlagEd25519)
	out = append(out, ed25519.Sign(k.priv, d[:])...)
	return append(out, k.priv[Ed25519SeedSize:]...)
}

// SignTransaction signs BCS TransactionData bytes with the TransactionData intent
// [0, 0, 0] (no length prefix) and returns the 97-byte serialized signature, the form
// sui_executeTransactionBlock and gRPC ExecuteTransaction take (base64-encode it for
// JSON-RPC).
func (k *Keypair) SignTransaction(txBytes []byte) []byte {
	return k.SignIntent(IntentTransactionData, txBytes)
}

// SignPersonalMessage signs msg as Sui personal messages are signed: the value is the
// BCS vector<u8> of msg (ULEB128 length, then the bytes), under intent [3, 0, 0].
func (k *Keypair) SignPersonalMessage(msg []byte) []byte {
	return k.SignIntent(IntentPersonalMessage, personalMessageBCS(msg))
}

func personalMessageBCS(msg []byte) []byte {
	var e bcs.Encoder
	e.ByteVec(msg)
	return e.Bytes()
}

// EncodeSignature is the base64 (standard, padded) text of a serialized signature.
func EncodeSignature(sig []byte) string { return base64.StdEncoding.EncodeToString(sig) }

// DecodeSignature parses the text EncodeSignature produces; it does not verify.
func DecodeSignature(s string) ([]byte, error) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("%w: signature base64: %v", ErrInvalidEncoding, err)
	}
	return b, nil
}

// VerifyIntentSignature checks a 97-byte serialized ed25519 signature over
// BLAKE2b-256([scope, 0, 0] ‖ value) and returns the signer's address.
func VerifyIntentSignature(scope IntentScope, value, sig []byte) (Address, error) {
	if len(sig) == 0 {
		return Address{}, fmt.Errorf("%w: empty signature", ErrSignatureLength)
	}
	if sig[0] != FlagEd25519 {
		return Address{}, &SchemeError{Flag: sig[0], Expected: FlagEd25519, Context: "signature"}
	}
	if len(sig) != SerializedSignatureSize {
		return Address{}, fmt.Errorf("%w: ed25519 serialized signature of %d bytes, want %d", ErrSignatureLength, len(sig), SerializedSignatureSize)
	}
	pub := sig[1+Ed25519SignatureSize:]
	d := intentDigest(scope, value)
	if !ed25519.Verify(ed25519.PublicKey(pub), d[:], sig[1:1+Ed25519SignatureSize]) {
		return Address{}, ErrInvalidSignature
	}
	return AddressFromEd25519(pub)
}

// VerifyTransactionSignature checks a 97-byte serialized ed25519 signature over BCS
// TransactionData bytes (intent [0, 0, 0]) and returns the signer's address, which the
// caller compares with the transaction's sender (or gas owner). Errors: a SchemeError
// (ErrUnsupportedScheme) for a flag other than ed25519, ErrSignatureLength,
// ErrInvalidSignature.
func VerifyTransactionSignature(txBytes, sig []byte) (Address, error) {
	return VerifyIntentSignature(IntentTransactionData, txBytes, sig)
}

// VerifyPersonalMessageSignature checks a signature made by SignPersonalMessage.
func VerifyPersonalMessageSignature(msg, sig []byte) (Address, error) {
	return VerifyIntentSignature(IntentPersonalMessage, personalMessageBCS(msg), sig)
}

// ExportSuiPrivateKey is the `suiprivkey1…` bech32 form of the key (flag 0x00 ‖ secret),
// as `sui keytool export` prints it.
func (k *Keypair) ExportSuiPrivateKey() string {
	data := make([]byte, 0, 1+Ed25519SeedSize)
	data = append(data, FlagEd25519)
	data = append(data, k.priv.Seed()...)
	return bech32Encode(SuiPrivateKeyPrefix, data)
}

// ParseSuiPrivateKey parses a `suiprivkey1…` string. Only ed25519 keys (flag 0x00) are
// accepted: any other flag is a SchemeError, so a secp256k1 or secp256r1 key is never
// silently read as a different ed25519 key.
func ParseSuiPrivateKey(s string) (*Keypair, error) {
	hrp, data, err := bech32Decode(strings.TrimSpace(s))
	if err != nil {
		return nil, fmt.Errorf("suiprivkey: %w", err)
	}
	if hrp != SuiPrivateKeyPrefix {
		return nil, fmt.Errorf("%w: bech32 prefix %q, want %q", ErrInvalidEncoding, hrp, SuiPrivateKeyPrefix)
	}
	return parseFlagged(data, "suiprivkey")
}

// parseFlagged reads flag ‖ 32-byte secret, accepting only ed25519.
func parseFlagged(data []byte, context string) (*Keypair, error) {
	if len(data) == 0 {
		return nil, fmt.Errorf("%w: %s is empty", ErrInvalidKey, context)
	}
	if data[0] != FlagEd25519 {
		return nil, &SchemeError{Flag: data[0], Expected: FlagEd25519, Context: context}
	}
	if len(data) != 1+Ed25519SeedSize {
		return nil, fmt.Errorf("%w: %s holds %d bytes, want flag + %d", ErrInvalidKey, context, len(data), Ed25519SeedSize)
	}
	return NewKeypairFromSeed(data[1:])
}
