package keys

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBLSFastcryptoVector(t *testing.T) {
	v := loadVectors(t).Fastcrypto
	k, err := BLSKeyFromBytes(unhex(t, v.BLS.Private))
	if err != nil {
		t.Fatal(err)
	}
	pub := k.PublicKey()
	if got := hex.EncodeToString(pub[:]); got != v.BLS.Public {
		t.Fatalf("public key %s, want %s", got, v.BLS.Public)
	}
	msg := unhex(t, v.Msg)
	sig := k.Sign(msg)
	if got := hex.EncodeToString(sig); got != v.BLS.Sig {
		t.Fatalf("signature %s, want %s", got, v.BLS.Sig)
	}
	if err := VerifyBLS(pub[:], msg, sig); err != nil {
		t.Fatal(err)
	}
	if hex.EncodeToString(k.Bytes()) != v.BLS.Private {
		t.Fatal("secret does not round trip")
	}
}

func TestBLSDrandVector(t *testing.T) {
	v := loadVectors(t).Drand
	msgFor := func(round uint64) []byte {
		h := sha256.New()
		h.Write(unhex(t, v.PreviousSignature))
		var r [8]byte
		binary.BigEndian.PutUint64(r[:], round)
		h.Write(r[:])
		return h.Sum(nil)
	}
	pk, sig := unhex(t, v.PublicKey), unhex(t, v.Signature)
	if err := VerifyBLS(pk, msgFor(v.Round), sig); err != nil {
		t.Fatalf("drand round %d: %v", v.Round, err)
	}
	if err := VerifyBLS(pk, msgFor(v.Round+1), sig); !errors.Is(err, ErrInvalidSignature) {
		t.Fatalf("next round: %v", err)
	}
	if err := VerifyBLS(pk, msgFor(v.Round), unhex(t, v.InvalidSignature)); !errors.Is(err, ErrInvalidSignature) {
		t.Fatalf("invalid signature: %v", err)
	}
	if err := VerifyBLS(pk[1:], msgFor(v.Round), sig); !errors.Is(err, ErrInvalidKey) {
		t.Fatalf("short key: %v", err)
	}
	if err := VerifyBLS(pk, msgFor(v.Round), sig[1:]); !errors.Is(err, ErrSignatureLength) {
		t.Fatalf("short signature: %v", err)
	}
}

func TestBLSSignVerify(t *testing.T) {
	k1, err := GenerateBLSKey()
	if err != nil {
		t.Fatal(err)
	}
	k2, _ := GenerateBLSKey()
	msg := []byte("walrus")
	sig := k1.Sign(msg)
	pub1, pub2 := k1.PublicKey(), k2.PublicKey()
	if len(sig) != BLSSignatureSize {
		t.Fatalf("signature of %d bytes", len(sig))
	}
	if err := VerifyBLS(pub1[:], msg, sig); err != nil {
		t.Fatal(err)
	}
	if err := VerifyBLS(pub1[:], []byte("walrus!"), sig); !errors.Is(err, ErrInvalidSignature) {
		t.Fatalf("wrong message: %v", err)
	}
	if err := VerifyBLS(pub2[:], msg, sig); !errors.Is(err, ErrInvalidSignature) {
		t.Fatalf("wrong key: %v", err)
	}
	// The identity public key is refused (with the identity signature it would verify
	// every message).
	inf := make([]byte, 48)
	inf[0] = 0xc0
	infSig := make([]byte, 96)
	infSig[0] = 0xc0
	if err := VerifyBLS(inf, msg, infSig); !errors.Is(err, ErrInvalidKey) {
		t.Fatalf("identity key: %v", err)
	}
	// A signature that is not a point.
	junk := bytes.Repeat([]byte{0xff}, 96)
	if err := VerifyBLS(pub1[:], msg, junk); !errors.Is(err, ErrInvalidSignature) {
		t.Fatalf("junk signature: %v", err)
	}
	if err := ValidateBLSPublicKey(pub1[:]); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(k1.String(), k1.Text()) {
		t.Fatal("String shows the secret")
	}
}

func TestBLSAggregate(t *testing.T) {
	msg := []byte("one message")
	var keys []*BLSKey
	var pubs, sigs [][]byte
	for range 5 {
		k, err := GenerateBLSKey()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k)
		p := k.PublicKey()
		pubs = append(pubs, p[:])
		sigs = append(sigs, k.Sign(msg))
	}
	aggSig, err := AggregateSignatures(sigs)
	if err != nil {
		t.Fatal(err)
	}
	aggPub, err := AggregatePublicKeys(pubs)
	if err != nil {
		t.Fatal(err)
	}
	if err := VerifyBLS(aggPub, msg, aggSig); err != nil {
		t.Fatalf("aggregate: %v", err)
	}
	// Missing one signer's key or signature fails.
	partPub, _ := AggregatePublicKeys(pubs[:4])
	if err := VerifyBLS(partPub, msg, aggSig); !errors.Is(err, ErrInvalidSignature) {
		t.Fatalf("aggregate with a key missing: %v", err)
	}
	partSig, _ := AggregateSignatures(sigs[:4])
	if err := VerifyBLS(aggPub, msg, partSig); !errors.Is(err, ErrInvalidSignature) {
		t.Fatalf("aggregate with a signature missing: %v", err)
	}
	if err := VerifyBLS(partPub, msg, partSig); err != nil {
		t.Fatalf("four of five: %v", err)
	}
	// A signature over another message spoils the aggregate.
	sigs[2] = keys[2].Sign([]byte("other"))
	bad, _ := AggregateSignatures(sigs)
	if err := VerifyBLS(aggPub, msg, bad); !errors.Is(err, ErrInvalidSignature) {
		t.Fatalf("mixed messages: %v", err)
	}
	// Aggregating one element is the identity map.
	one, _ := AggregateSignatures(sigs[:1])
	if !bytes.Equal(one, sigs[0]) {
		t.Fatal("aggregate of one signature differs")
	}
	if _, err := AggregateSignatures(nil); err == nil {
		t.Fatal("empty aggregate")
	}
	if _, err := AggregatePublicKeys([][]byte{pubs[0], pubs[1][:10]}); !errors.Is(err, ErrInvalidKey) {
		t.Fatalf("bad key: %v", err)
	}
}

func TestBLSKeyText(t *testing.T) {
	v := loadVectors(t).WalrusProtocolKey
	k, err := ParseBLSKey(v.Text)
	if err != nil {
		t.Fatal(err)
	}
	if hex.EncodeToString(k.Bytes()) != v.Secret {
		t.Fatalf("secret %x, want %s", k.Bytes(), v.Secret)
	}
	if k.Text() != v.Text {
		t.Fatalf("text %s, want %s", k.Text(), v.Text)
	}
	// The untagged form (base64 of the bare secret) is read too.
	k2, err := ParseBLSKey(" " + strings.TrimSpace(b64str(k.Bytes())) + "\n")
	if err != nil || !k2.Equal(k) {
		t.Fatalf("untagged: %v", err)
	}
	// Other tags, lengths, zero and out-of-range scalars are refused.
	wrongTag := append([]byte{FlagSecp256r1}, k.Bytes()...)
	if _, err := ParseBLSKey(b64str(wrongTag)); !errors.Is(err, ErrUnsupportedScheme) {
		t.Fatalf("wrong tag: %v", err)
	}
	if _, err := ParseBLSKey(b64str(make([]byte, 33))); !errors.Is(err, ErrUnsupportedScheme) {
		t.Fatalf("zero tag: %v", err)
	}
	zero := append([]byte{FlagBLS12381}, make([]byte, 32)...)
	if _, err := ParseBLSKey(b64str(zero)); !errors.Is(err, ErrInvalidKey) {
		t.Fatalf("zero scalar: %v", err)
	}
	big := append([]byte{FlagBLS12381}, bytes.Repeat([]byte{0xff}, 32)...)
	if _, err := ParseBLSKey(b64str(big)); !errors.Is(err, ErrInvalidKey) {
		t.Fatalf("scalar above the order: %v", err)
	}
	for _, bad := range []string{"", "!!", b64str(make([]byte, 31))} {
		if _, err := ParseBLSKey(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

func TestBLSKeyFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "protocol.key")
	k, _ := GenerateBLSKey()
	if err := SaveBLSKey(path, k); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %04o, want 0600", st.Mode().Perm())
	}
	back, err := LoadBLSKey(path)
	if err != nil || !back.Equal(k) || back.PublicKey() != k.PublicKey() {
		t.Fatalf("load: %v", err)
	}
	// No temporary files are left behind.
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("directory holds %d entries", len(entries))
	}
	// Overwriting keeps 0600 and replaces the key.
	k2, _ := GenerateBLSKey()
	if err := SaveBLSKey(path, k2); err != nil {
		t.Fatal(err)
	}
	if back, _ := LoadBLSKey(path); !back.Equal(k2) {
		t.Fatal("overwrite did not replace the key")
	}
	for _, mode := range []os.FileMode{0o644, 0o640, 0o604, 0o660} {
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
		_, err := LoadBLSKey(path)
		if !errors.Is(err, ErrInsecurePermissions) || !strings.Contains(err.Error(), "chmod 600") {
			t.Fatalf("mode %04o: %v", mode, err)
		}
	}
	if err := os.Chmod(path, 0o400); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadBLSKey(path); err != nil {
		t.Fatalf("mode 0400: %v", err)
	}
	if _, err := LoadBLSKey(filepath.Join(dir, "missing")); err == nil {
		t.Fatal("missing file loaded")
	}
	if err := SaveBLSKey(filepath.Join(dir, "no", "such", "dir"), k); err == nil {
		t.Fatal("save into a missing directory succeeded")
	}
}

func TestNetworkKey(t *testing.T) {
	v := loadVectors(t).Fastcrypto.Secp256r1
	k, err := NetworkKeyFromBytes(unhex(t, v.Private))
	if err != nil {
		t.Fatal(err)
	}
	pub := k.CompressedPublicKey()
	if got := hex.EncodeToString(pub[:]); got != v.Public {
		t.Fatalf("compressed public key %s, want %s", got, v.Public)
	}
	// PEM and tagged-base64 round trips.
	back, err := ParseNetworkKey(k.PEM())
	if err != nil || !back.Equal(k) {
		t.Fatalf("PEM: %v", err)
	}
	back, err = ParseNetworkKey([]byte(k.Text()))
	if err != nil || !back.Equal(k) {
		t.Fatalf("text: %v", err)
	}
	if !strings.HasPrefix(string(k.PEM()), "-----BEGIN PRIVATE KEY-----") {
		t.Fatalf("PEM %s", k.PEM())
	}
	// Generated keys: both parities show up, and files round-trip with 0600.
	dir := t.TempDir()
	path := filepath.Join(dir, "network.pem")
	seen := map[byte]bool{}
	for range 16 {
		g, err := GenerateNetworkKey()
		if err != nil {
			t.Fatal(err)
		}
		p := g.CompressedPublicKey()
		if p[0] != 2 && p[0] != 3 {
			t.Fatalf("prefix %x", p[0])
		}
		seen[p[0]] = true
		if err := SaveNetworkKey(path, g); err != nil {
			t.Fatal(err)
		}
		l, err := LoadNetworkKey(path)
		if err != nil || !l.Equal(g) || l.CompressedPublicKey() != p {
			t.Fatalf("load: %v", err)
		}
	}
	if !seen[2] || !seen[3] {
		t.Logf("only one parity seen in 16 keys: %v", seen)
	}
	st, _ := os.Stat(path)
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %04o", st.Mode().Perm())
	}
	os.Chmod(path, 0o644)
	if _, err := LoadNetworkKey(path); !errors.Is(err, ErrInsecurePermissions) {
		t.Fatalf("0644: %v", err)
	}
	// Refused inputs.
	for _, bad := range [][]byte{
		nil,
		[]byte("-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n"),
		[]byte(b64str(append([]byte{FlagBLS12381}, k.Bytes()...))),
		[]byte(b64str(k.Bytes())),
	} {
		if _, err := ParseNetworkKey(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
	if _, err := NetworkKeyFromBytes(make([]byte, 32)); err == nil {
		t.Error("zero scalar accepted")
	}
}

func b64str(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
