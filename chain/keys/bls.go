package keys

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strings"

	blst "github.com/supranational/blst/bindings/go"
)

// BLS12-381 min-pk sizes.
const (
	BLSSecretKeySize = 32 // big-endian scalar, as fastcrypto and blst serialize it
	BLSPublicKeySize = 48 // compressed G1
	BLSSignatureSize = 96 // compressed G2
)

// BLSDST is the hash-to-curve domain separation tag of fastcrypto's min_pk scheme and of
// Sui's bls12381_min_pk_verify, which Walrus signatures are checked with.
const BLSDST = "BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_NUL_"

var blsDST = []byte(BLSDST)

// BLSKey is a storage node's protocol key (BLS12-381, public keys in G1).
type BLSKey struct {
	sk  *blst.SecretKey
	pub [BLSPublicKeySize]byte
}

// GenerateBLSKey makes a new key from 32 bytes of crypto/rand input keying material
// (IETF KeyGen, as fastcrypto's generate does).
func GenerateBLSKey() (*BLSKey, error) {
	var ikm [32]byte
	if _, err := rand.Read(ikm[:]); err != nil {
		return nil, fmt.Errorf("keys: reading randomness: %w", err)
	}
	sk := blst.KeyGen(ikm[:])
	clear(ikm[:])
	if sk == nil {
		return nil, fmt.Errorf("%w: BLS key generation failed", ErrInvalidKey)
	}
	return newBLSKey(sk), nil
}

func newBLSKey(sk *blst.SecretKey) *BLSKey {
	k := &BLSKey{sk: sk}
	copy(k.pub[:], new(blst.P1Affine).From(sk).Compress())
	return k
}

// BLSKeyFromBytes builds a key from its 32-byte big-endian secret scalar, which must be
// in 1..r-1.
func BLSKeyFromBytes(b []byte) (*BLSKey, error) {
	if len(b) != BLSSecretKeySize {
		return nil, fmt.Errorf("%w: BLS secret key of %d bytes, want %d", ErrInvalidKey, len(b), BLSSecretKeySize)
	}
	sk := new(blst.SecretKey).Deserialize(b)
	if sk == nil {
		return nil, fmt.Errorf("%w: BLS secret key is zero or not below the group order", ErrInvalidKey)
	}
	return newBLSKey(sk), nil
}

// Bytes returns a copy of the 32-byte big-endian secret scalar.
func (k *BLSKey) Bytes() []byte { return k.sk.Serialize() }

// PublicKey is the 48-byte compressed G1 public key.
func (k *BLSKey) PublicKey() [BLSPublicKeySize]byte { return k.pub }

// String shows the public key only.
func (k *BLSKey) String() string {
	return "bls12381:" + base64.StdEncoding.EncodeToString(k.pub[:])
}

// Sign returns the 96-byte compressed G2 signature of msg.
func (k *BLSKey) Sign(msg []byte) []byte {
	return new(blst.P2Affine).Sign(k.sk, msg, blsDST).Compress()
}

// Equal reports whether two keys hold the same secret.
func (k *BLSKey) Equal(o *BLSKey) bool {
	return k != nil && o != nil && k.sk.Equals(o.sk)
}

// Text is Walrus's text form of a protocol key: base64(0x04 ‖ 32-byte secret), as
// `walrus-node` writes and reads it (walrus-core keys.rs TaggedKeyPair).
func (k *BLSKey) Text() string {
	data := make([]byte, 0, 1+BLSSecretKeySize)
	data = append(data, FlagBLS12381)
	data = append(data, k.sk.Serialize()...)
	return base64.StdEncoding.EncodeToString(data)
}

// ParseBLSKey parses the Text form (surrounding white space is ignored). The untagged
// form, base64 of the bare 32-byte secret as Sui writes authority keys, is accepted too;
// the lengths tell them apart. A tag other than 0x04 is a SchemeError.
func ParseBLSKey(s string) (*BLSKey, error) {
	data, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
	if err != nil {
		return nil, fmt.Errorf("%w: BLS key is not base64: %v", ErrInvalidEncoding, err)
	}
	switch len(data) {
	case 1 + BLSSecretKeySize:
		if data[0] != FlagBLS12381 {
			return nil, &SchemeError{Flag: data[0], Expected: FlagBLS12381, Context: "BLS key"}
		}
		return BLSKeyFromBytes(data[1:])
	case BLSSecretKeySize:
		return BLSKeyFromBytes(data)
	default:
		return nil, fmt.Errorf("%w: BLS key of %d bytes, want 0x04 + %d", ErrInvalidKey, len(data), BLSSecretKeySize)
	}
}

// SaveBLSKey writes k's Text form to path atomically (temporary file and rename) with
// mode 0600.
func SaveBLSKey(path string, k *BLSKey) error {
	if k == nil {
		return fmt.Errorf("%w: nil BLS key", ErrInvalidKey)
	}
	return writeFileAtomic(path, []byte(k.Text()))
}

// LoadBLSKey reads a key written by SaveBLSKey (or by walrus-node). A file that group or
// others can access is refused with ErrInsecurePermissions.
func LoadBLSKey(path string) (*BLSKey, error) {
	data, err := readSecretFile(path)
	if err != nil {
		return nil, err
	}
	k, err := ParseBLSKey(string(data))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return k, nil
}

// parseBLSPublicKey decompresses and validates a public key: on the curve, in the G1
// subgroup, not the identity (what fastcrypto's from_bytes and Sui's verifier require).
func parseBLSPublicKey(pub []byte) (*blst.P1Affine, error) {
	if len(pub) != BLSPublicKeySize {
		return nil, fmt.Errorf("%w: BLS public key of %d bytes, want %d", ErrInvalidKey, len(pub), BLSPublicKeySize)
	}
	pk := new(blst.P1Affine).Uncompress(pub)
	if pk == nil {
		return nil, fmt.Errorf("%w: BLS public key is not a compressed G1 point", ErrInvalidKey)
	}
	if !pk.KeyValidate() {
		return nil, fmt.Errorf("%w: BLS public key is the identity or outside the G1 subgroup", ErrInvalidKey)
	}
	return pk, nil
}

// parseBLSSignature decompresses a signature and checks it is in the G2 subgroup (the
// identity is allowed, as fastcrypto allows it; it never verifies under a valid key).
func parseBLSSignature(sig []byte) (*blst.P2Affine, error) {
	if len(sig) != BLSSignatureSize {
		return nil, fmt.Errorf("%w: BLS signature of %d bytes, want %d", ErrSignatureLength, len(sig), BLSSignatureSize)
	}
	s := new(blst.P2Affine).Uncompress(sig)
	if s == nil {
		return nil, fmt.Errorf("%w: BLS signature is not a compressed G2 point", ErrInvalidSignature)
	}
	if !s.SigValidate(false) {
		return nil, fmt.Errorf("%w: BLS signature is outside the G2 subgroup", ErrInvalidSignature)
	}
	return s, nil
}

// ValidateBLSPublicKey reports whether pub is a usable public key (see VerifyBLS).
func ValidateBLSPublicKey(pub []byte) error {
	_, err := parseBLSPublicKey(pub)
	return err
}

// VerifyBLS checks a min-pk signature: nil if sig is pub's signature of msg. Errors:
// ErrInvalidKey (bad public key), ErrSignatureLength, ErrInvalidSignature (malformed or
// not valid).
func VerifyBLS(pub, msg, sig []byte) error {
	pk, err := parseBLSPublicKey(pub)
	if err != nil {
		return err
	}
	s, err := parseBLSSignature(sig)
	if err != nil {
		return err
	}
	if !s.Verify(false, pk, false, msg, blsDST) {
		return ErrInvalidSignature
	}
	return nil
}

// AggregateSignatures adds signatures (each 96 bytes, checked to be in G2) and returns
// the 96-byte aggregate. The aggregate of signatures of one message verifies under the
// AggregatePublicKeys of the signers' keys.
func AggregateSignatures(sigs [][]byte) ([]byte, error) {
	if len(sigs) == 0 {
		return nil, fmt.Errorf("%w: no signatures to aggregate", ErrInvalidSignature)
	}
	var agg blst.P2Aggregate
	for i, b := range sigs {
		s, err := parseBLSSignature(b)
		if err != nil {
			return nil, fmt.Errorf("signature %d: %w", i, err)
		}
		if !agg.Add(s, false) {
			return nil, fmt.Errorf("%w: signature %d could not be aggregated", ErrInvalidSignature, i)
		}
	}
	return agg.ToAffine().Compress(), nil
}

// AggregatePublicKeys adds public keys (each 48 bytes, validated as VerifyBLS does) and
// returns the 48-byte compressed sum.
func AggregatePublicKeys(pubs [][]byte) ([]byte, error) {
	if len(pubs) == 0 {
		return nil, fmt.Errorf("%w: no public keys to aggregate", ErrInvalidKey)
	}
	var agg blst.P1Aggregate
	for i, b := range pubs {
		pk, err := parseBLSPublicKey(b)
		if err != nil {
			return nil, fmt.Errorf("public key %d: %w", i, err)
		}
		if !agg.Add(pk, false) {
			return nil, fmt.Errorf("%w: public key %d could not be aggregated", ErrInvalidKey, i)
		}
	}
	return agg.ToAffine().Compress(), nil
}

// UncompressedG1Size is the size of a Sui group_ops Element<UncompressedG1> (blst's
// serialization of an affine G1 point); on-chain committee keys have this form.
const UncompressedG1Size = 96

// G1ToUncompressedG1 is sui::bls12381::g1_to_uncompressed_g1 of a 48-byte compressed G1
// point (a BLS public key): the 96-byte uncompressed form the BlsCommittee stores.
func G1ToUncompressedG1(compressed [BLSPublicKeySize]byte) ([]byte, error) {
	p := new(blst.P1Affine).Uncompress(compressed[:])
	if p == nil || !p.InG1() {
		return nil, fmt.Errorf("%w: not a compressed G1 point", ErrInvalidKey)
	}
	return p.Serialize(), nil
}

// UncompressedG1ToG1 is sui::bls12381::uncompressed_g1_to_g1: the 48-byte compressed form
// of a 96-byte uncompressed G1 point.
func UncompressedG1ToG1(uncompressed []byte) ([BLSPublicKeySize]byte, error) {
	var out [BLSPublicKeySize]byte
	if len(uncompressed) != UncompressedG1Size {
		return out, fmt.Errorf("%w: uncompressed G1 point of %d bytes, want %d", ErrInvalidKey, len(uncompressed), UncompressedG1Size)
	}
	p := new(blst.P1Affine).Deserialize(uncompressed)
	if p == nil {
		return out, fmt.Errorf("%w: not an uncompressed G1 point", ErrInvalidKey)
	}
	copy(out[:], p.Compress())
	return out, nil
}
