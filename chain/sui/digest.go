package sui

import (
	"errors"
	"fmt"

	"golang.org/x/crypto/blake2b"

	"github.com/tuskstore/tusk/internal/bcs"
)

// DigestSize is the length of every Sui digest.
const DigestSize = 32

// ErrInvalidDigest reports digest text that is not base58 of exactly 32 bytes.
var ErrInvalidDigest = errors.New("sui: invalid digest")

// Digest is a 32-byte Sui digest (ObjectDigest, TransactionDigest, CheckpointDigest,
// ChainIdentifier). Its BCS is a byte vector: the length 0x20, then the 32 bytes; decoding
// rejects any other length, as Sui does. Its text form is base58 (Bitcoin alphabet).
type Digest [DigestSize]byte

func (d Digest) MarshalBCS(e *bcs.Encoder) {
	e.ULEB128(DigestSize)
	e.Fixed(d[:])
}

func (d *Digest) UnmarshalBCS(dec *bcs.Decoder) {
	n := dec.Len(1)
	if dec.Err() != nil {
		return
	}
	if n != DigestSize {
		dec.Failf("digest of %d bytes, want %d", n, DigestSize)
		return
	}
	dec.FixedInto(d[:])
}

// String is the base58 form Sui prints.
func (d Digest) String() string { return base58Encode(d[:]) }

// IsZero reports whether every byte is zero.
func (d Digest) IsZero() bool { return d == Digest{} }

func (d Digest) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

func (d *Digest) UnmarshalText(b []byte) error {
	v, err := ParseDigest(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// ParseDigest parses base58 text that decodes to exactly 32 bytes.
func ParseDigest(s string) (Digest, error) {
	var d Digest
	b, ok := base58Decode(s)
	if !ok {
		return d, fmt.Errorf("%w: %q is not base58", ErrInvalidDigest, s)
	}
	if len(b) != DigestSize {
		return d, fmt.Errorf("%w: %q decodes to %d bytes, want %d", ErrInvalidDigest, s, len(b), DigestSize)
	}
	copy(d[:], b)
	return d, nil
}

// MustParseDigest is ParseDigest that panics on error; for constants and tests.
func MustParseDigest(s string) Digest {
	d, err := ParseDigest(s)
	if err != nil {
		panic(err)
	}
	return d
}

// TransactionDigest is the digest of BCS TransactionData bytes:
// BLAKE2b-256("TransactionData::" ‖ txBytes). It is what explorers show as the
// transaction's digest (in base58).
func TransactionDigest(txBytes []byte) Digest {
	h, _ := blake2b.New256(nil)
	h.Write([]byte("TransactionData::"))
	h.Write(txBytes)
	var d Digest
	h.Sum(d[:0])
	return d
}

// IntentScope is the first byte of a Sui intent (shared_crypto::intent::IntentScope).
type IntentScope uint8

// Intent scopes.
const (
	IntentTransactionData         IntentScope = 0 // a user signature on TransactionData
	IntentTransactionEffects      IntentScope = 1
	IntentCheckpointSummary       IntentScope = 2
	IntentPersonalMessage         IntentScope = 3 // value is the BCS vector<u8> of the message
	IntentSenderSignedTransaction IntentScope = 4
	IntentProofOfPossession       IntentScope = 5
	IntentHeaderDigest            IntentScope = 6
	IntentBridgeEventUnused       IntentScope = 7
	IntentConsensusBlock          IntentScope = 8
)

// Intent is the 3-byte prefix [scope, version 0, app id 0 (Sui)] of an intent message.
func Intent(scope IntentScope) [3]byte { return [3]byte{byte(scope), 0, 0} }

// IntentMessageDigest is what a Sui user signature signs: BLAKE2b-256 of the intent
// [scope, 0, 0] followed by value, which must already be the BCS of the intent's value
// (for transactions the TransactionData bytes themselves, with no extra length prefix).
func IntentMessageDigest(scope IntentScope, value []byte) Digest {
	h, _ := blake2b.New256(nil)
	in := Intent(scope)
	h.Write(in[:])
	h.Write(value)
	var d Digest
	h.Sum(d[:0])
	return d
}

// --- base58 (Bitcoin alphabet), as Sui's fastcrypto Base58 uses ---

const b58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

var b58Index = func() (t [256]int8) {
	for i := range t {
		t[i] = -1
	}
	for i := 0; i < len(b58Alphabet); i++ {
		t[b58Alphabet[i]] = int8(i)
	}
	return t
}()

// base58Encode encodes b; each leading zero byte becomes a leading '1'.
func base58Encode(b []byte) string {
	zeros := 0
	for zeros < len(b) && b[zeros] == 0 {
		zeros++
	}
	// log(256)/log(58) < 1.37: enough digits for the rest.
	digits := make([]byte, 0, (len(b)-zeros)*137/100+1)
	for _, c := range b[zeros:] {
		carry := int(c)
		for i := range digits {
			carry += int(digits[i]) << 8
			digits[i] = byte(carry % 58)
			carry /= 58
		}
		for carry > 0 {
			digits = append(digits, byte(carry%58))
			carry /= 58
		}
	}
	out := make([]byte, zeros+len(digits))
	for i := 0; i < zeros; i++ {
		out[i] = '1'
	}
	for i, d := range digits {
		out[len(out)-1-i] = b58Alphabet[d]
	}
	return string(out)
}

// base58Decode decodes s; it fails on characters outside the alphabet. Inputs longer than
// 100 characters are refused (no Sui value needs them) so decoding stays cheap.
func base58Decode(s string) ([]byte, bool) {
	if len(s) > 100 {
		return nil, false
	}
	zeros := 0
	for zeros < len(s) && s[zeros] == '1' {
		zeros++
	}
	// log(58)/log(256) < 0.733: enough bytes for the rest.
	bytesLE := make([]byte, 0, (len(s)-zeros)*733/1000+1)
	for i := zeros; i < len(s); i++ {
		v := b58Index[s[i]]
		if v < 0 {
			return nil, false
		}
		carry := int(v)
		for j := range bytesLE {
			carry += int(bytesLE[j]) * 58
			bytesLE[j] = byte(carry)
			carry >>= 8
		}
		for carry > 0 {
			bytesLE = append(bytesLE, byte(carry))
			carry >>= 8
		}
	}
	out := make([]byte, zeros+len(bytesLE))
	for i, c := range bytesLE {
		out[len(out)-1-i] = c
	}
	return out, true
}
