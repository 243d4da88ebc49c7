package keys

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

// A Sui keystore file (~/.sui/sui_config/sui.keystore) is a JSON array of strings, each
// base64(flag ‖ 32-byte secret). Only ed25519 entries are supported, and nothing is
// skipped silently: any other entry is an error naming its index.

// KeystoreEntry is the keystore form of the key: base64(0x00 ‖ secret).
func (k *Keypair) KeystoreEntry() string {
	data := make([]byte, 0, 1+Ed25519SeedSize)
	data = append(data, FlagEd25519)
	data = append(data, k.priv.Seed()...)
	return base64.StdEncoding.EncodeToString(data)
}

// ParseKeystoreEntry parses one keystore string.
func ParseKeystoreEntry(s string) (*Keypair, error) {
	return parseKeystoreEntry(s, "keystore entry")
}

func parseKeystoreEntry(s, context string) (*Keypair, error) {
	data, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
	if err != nil {
		return nil, fmt.Errorf("%w: %s is not base64: %v", ErrInvalidEncoding, context, err)
	}
	return parseFlagged(data, context)
}

// ParseKeystore parses the contents of a keystore file. Every entry must be an ed25519
// key; the first one that is not fails the whole file with an error naming its index.
func ParseKeystore(data []byte) ([]*Keypair, error) {
	var entries []string
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&entries); err != nil {
		return nil, fmt.Errorf("%w: keystore is not a JSON array of strings: %v", ErrInvalidEncoding, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%w: keystore has data after its JSON array", ErrInvalidEncoding)
	}
	if entries == nil {
		return nil, fmt.Errorf("%w: keystore is null, want a JSON array", ErrInvalidEncoding)
	}
	out := make([]*Keypair, 0, len(entries))
	for i, s := range entries {
		kp, err := parseKeystoreEntry(s, fmt.Sprintf("keystore entry %d", i))
		if err != nil {
			return nil, err
		}
		out = append(out, kp)
	}
	return out, nil
}

// MarshalKeystore gives the keystore file contents for kps, pretty-printed as the Sui
// CLI writes it.
func MarshalKeystore(kps []*Keypair) ([]byte, error) {
	entries := make([]string, len(kps))
	for i, k := range kps {
		if k == nil {
			return nil, fmt.Errorf("%w: keystore entry %d is nil", ErrInvalidKey, i)
		}
		entries[i] = k.KeystoreEntry()
	}
	return json.MarshalIndent(entries, "", "  ")
}

// LoadKeystore reads a keystore file.
func LoadKeystore(path string) ([]*Keypair, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("keys: %w", err)
	}
	kps, err := ParseKeystore(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return kps, nil
}

// SaveKeystore writes a keystore file atomically with mode 0600.
func SaveKeystore(path string, kps []*Keypair) error {
	data, err := MarshalKeystore(kps)
	if err != nil {
		return err
	}
	return writeFileAtomic(path, data)
}
