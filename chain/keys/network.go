package keys

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"strings"
)

// NetworkPublicKeySize is the size of a compressed secp256r1 public key.
const NetworkPublicKeySize = 33

const networkSecretSize = 32

// NetworkKey is a storage node's network key: secp256r1 (NIST P-256), the key of its TLS
// identity. Its 33-byte compressed public key is registered on chain.
type NetworkKey struct {
	priv *ecdsa.PrivateKey
}

// GenerateNetworkKey makes a new P-256 key from crypto/rand.
func GenerateNetworkKey() (*NetworkKey, error) {
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("keys: generating network key: %w", err)
	}
	return &NetworkKey{priv: priv}, nil
}

// NetworkKeyFromBytes builds the key whose 32-byte big-endian secret scalar is b.
func NetworkKeyFromBytes(b []byte) (*NetworkKey, error) {
	if len(b) != networkSecretSize {
		return nil, fmt.Errorf("%w: secp256r1 secret of %d bytes, want %d", ErrInvalidKey, len(b), networkSecretSize)
	}
	priv, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), b)
	if err != nil {
		return nil, fmt.Errorf("%w: secp256r1 secret: %v", ErrInvalidKey, err)
	}
	return &NetworkKey{priv: priv}, nil
}

// Bytes returns the 32-byte big-endian secret scalar.
func (k *NetworkKey) Bytes() []byte {
	b, err := k.priv.Bytes()
	if err != nil { // only for keys not on P-256, which this type never holds
		panic(err)
	}
	return b
}

// PrivateKey returns the key for crypto/tls and crypto/x509 (it is a crypto.Signer).
func (k *NetworkKey) PrivateKey() *ecdsa.PrivateKey { return k.priv }

// Signer returns the key as a crypto.Signer.
func (k *NetworkKey) Signer() crypto.Signer { return k.priv }

// CompressedPublicKey is the SEC1 compressed public key: 0x02 or 0x03 (parity of y),
// then x in 32 big-endian bytes.
func (k *NetworkKey) CompressedPublicKey() [NetworkPublicKeySize]byte {
	unc, err := k.priv.PublicKey.Bytes() // 0x04 ‖ x ‖ y
	if err != nil {
		panic(err)
	}
	var out [NetworkPublicKeySize]byte
	out[0] = 0x02 | unc[64]&1
	copy(out[1:], unc[1:33])
	return out
}

// String shows the public key only.
func (k *NetworkKey) String() string {
	pub := k.CompressedPublicKey()
	return "secp256r1:" + base64.StdEncoding.EncodeToString(pub[:])
}

// Equal reports whether two keys hold the same secret.
func (k *NetworkKey) Equal(o *NetworkKey) bool {
	return k != nil && o != nil && k.priv.Equal(o.priv)
}

// PEM is the key as a PKCS#8 "PRIVATE KEY" PEM block.
func (k *NetworkKey) PEM() []byte {
	der, err := x509.MarshalPKCS8PrivateKey(k.priv)
	if err != nil {
		panic(err) // cannot happen for a P-256 key
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}

// Text is Walrus's tagged text form: base64(0x02 ‖ 32-byte secret).
func (k *NetworkKey) Text() string {
	data := append([]byte{FlagSecp256r1}, k.Bytes()...)
	return base64.StdEncoding.EncodeToString(data)
}

// ParseNetworkKey reads a PKCS#8 PEM block holding a P-256 key, or Walrus's tagged base64
// form (0x02 ‖ secret).
func ParseNetworkKey(data []byte) (*NetworkKey, error) {
	trimmed := bytes.TrimSpace(data)
	if bytes.HasPrefix(trimmed, []byte("-----BEGIN")) {
		block, rest := pem.Decode(trimmed)
		if block == nil {
			return nil, fmt.Errorf("%w: network key PEM does not decode", ErrInvalidEncoding)
		}
		if len(bytes.TrimSpace(rest)) != 0 {
			return nil, fmt.Errorf("%w: network key PEM has data after its block", ErrInvalidEncoding)
		}
		if block.Type != "PRIVATE KEY" {
			return nil, fmt.Errorf("%w: network key PEM block is %q, want PKCS#8 \"PRIVATE KEY\"", ErrInvalidEncoding, block.Type)
		}
		key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%w: network key PKCS#8: %v", ErrInvalidKey, err)
		}
		priv, ok := key.(*ecdsa.PrivateKey)
		if !ok || priv.Curve != elliptic.P256() {
			return nil, fmt.Errorf("%w: network key is a %T, want a secp256r1 (P-256) ECDSA key", ErrInvalidKey, key)
		}
		return &NetworkKey{priv: priv}, nil
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(trimmed)))
	if err != nil {
		return nil, fmt.Errorf("%w: network key is neither PEM nor base64: %v", ErrInvalidEncoding, err)
	}
	if len(raw) != 1+networkSecretSize {
		return nil, fmt.Errorf("%w: network key of %d bytes, want 0x02 + %d", ErrInvalidKey, len(raw), networkSecretSize)
	}
	if raw[0] != FlagSecp256r1 {
		return nil, &SchemeError{Flag: raw[0], Expected: FlagSecp256r1, Context: "network key"}
	}
	return NetworkKeyFromBytes(raw[1:])
}

// SaveNetworkKey writes the key as PKCS#8 PEM, atomically, with mode 0600.
func SaveNetworkKey(path string, k *NetworkKey) error {
	if k == nil {
		return fmt.Errorf("%w: nil network key", ErrInvalidKey)
	}
	return writeFileAtomic(path, k.PEM())
}

// LoadNetworkKey reads a key file (PEM or tagged base64), refusing one that group or
// others can access.
func LoadNetworkKey(path string) (*NetworkKey, error) {
	data, err := readSecretFile(path)
	if err != nil {
		return nil, err
	}
	k, err := ParseNetworkKey(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return k, nil
}
