package keys

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/blake2b"
)

type vectorFile struct {
	Ed25519 []struct {
		SuiPrivKey  string `json:"suiprivkey"`
		Keystore    string `json:"keystore"`
		PublicKey   string `json:"publicKey"`
		Address     string `json:"address"`
		TxSignature string `json:"txSignature"`
	} `json:"ed25519"`
	TxBytes        string `json:"txBytes"`
	TxDigest       string `json:"txDigest"`
	Ed25519Secrets []struct {
		Secret    string `json:"secret"`
		PublicKey string `json:"publicKey"`
	} `json:"ed25519Secrets"`
	Secp256k1 struct {
		SuiPrivKey []string `json:"suiprivkey"`
		Keystore   []string `json:"keystore"`
	} `json:"secp256k1"`
	Fastcrypto struct {
		Msg     string `json:"msg"`
		Ed25519 struct {
			Private, Public, Sig string
		} `json:"ed25519"`
		Secp256r1 struct {
			Private, Public string
		} `json:"secp256r1"`
		BLS struct {
			Private, Public, Sig string
		} `json:"bls12381MinPk"`
	} `json:"fastcrypto"`
	Drand struct {
		PublicKey         string `json:"publicKey"`
		Signature         string `json:"signature"`
		PreviousSignature string `json:"previousSignature"`
		Round             uint64 `json:"round"`
		InvalidSignature  string `json:"invalidSignature"`
	} `json:"drand"`
	WalrusProtocolKey struct {
		Text   string `json:"text"`
		Secret string `json:"secret"`
	} `json:"walrusProtocolKey"`
}

func loadVectors(t *testing.T) *vectorFile {
	t.Helper()
	raw, err := os.ReadFile("testdata/vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var v vectorFile
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	return &v
}

func b64(t *testing.T, s string) []byte {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatalf("base64 %q: %v", s, err)
	}
	return b
}

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatalf("hex %q: %v", s, err)
	}
	return b
}

// expectedAddress derives a Sui address independently of the package.
func expectedAddress(pub []byte) string {
	sum := blake2b.Sum256(append([]byte{0x00}, pub...))
	return "0x" + hex.EncodeToString(sum[:])
}

func TestFixedSeedAddress(t *testing.T) {
	seed := make([]byte, 32)
	for i := range seed {
		seed[i] = byte(i)
	}
	kp, err := NewKeypairFromSeed(seed)
	if err != nil {
		t.Fatal(err)
	}
	pub := ed25519.NewKeyFromSeed(seed).Public().(ed25519.PublicKey)
	if got, want := kp.Address().String(), expectedAddress(pub); got != want {
		t.Fatalf("address %s, want %s", got, want)
	}
	// Fixed literals, so a change in either derivation is caught. The public key of
	// seed 00 01 … 1f is the widely published RFC 8032 value.
	if got := hex.EncodeToString(kp.PublicKey()); got != "03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8" {
		t.Fatalf("public key %s", got)
	}
	if got := kp.Address().String(); got != "0x160179a1565ea7cff27ead23f54cc7f50893bf58155cd7285156e57afa31c3ac" {
		t.Fatalf("address %s", got)
	}
}

func TestSuiVectors(t *testing.T) {
	v := loadVectors(t)
	txBytes := b64(t, v.TxBytes)
	d := intentDigest(IntentTransactionData, txBytes)
	if got := base64.StdEncoding.EncodeToString(d[:]); got != v.TxDigest {
		t.Fatalf("intent digest %s, want %s", got, v.TxDigest)
	}
	for i, c := range v.Ed25519 {
		kp, err := ParseSuiPrivateKey(c.SuiPrivKey)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		if got := base64.StdEncoding.EncodeToString(kp.PublicKey()); got != c.PublicKey {
			t.Errorf("case %d: public key %s, want %s", i, got, c.PublicKey)
		}
		if got := kp.Address().String(); got != c.Address {
			t.Errorf("case %d: address %s, want %s", i, got, c.Address)
		}
		if got := expectedAddress(kp.PublicKey()); got != c.Address {
			t.Errorf("case %d: independent address %s, want %s", i, got, c.Address)
		}
		if got := kp.ExportSuiPrivateKey(); got != c.SuiPrivKey {
			t.Errorf("case %d: export %s, want %s", i, got, c.SuiPrivKey)
		}
		if got := kp.KeystoreEntry(); got != c.Keystore {
			t.Errorf("case %d: keystore entry %s, want %s", i, got, c.Keystore)
		}
		ks, err := ParseKeystoreEntry(c.Keystore)
		if err != nil || !ks.Equal(kp) {
			t.Errorf("case %d: keystore entry parses to a different key (%v)", i, err)
		}
		sig := kp.SignTransaction(txBytes)
		if len(sig) != SerializedSignatureSize || sig[0] != FlagEd25519 {
			t.Fatalf("case %d: serialized signature %x", i, sig)
		}
		if got := base64.StdEncoding.EncodeToString(sig[1:65]); got != c.TxSignature {
			t.Errorf("case %d: tx signature %s, want %s", i, got, c.TxSignature)
		}
		if got := base64.StdEncoding.EncodeToString(sig[65:]); got != c.PublicKey {
			t.Errorf("case %d: signature public key %s", i, got)
		}
		addr, err := VerifyTransactionSignature(txBytes, sig)
		if err != nil || addr != kp.Address() {
			t.Errorf("case %d: verify: %v %s", i, err, addr)
		}
		// The same bytes under the personal-message intent (the SDK bug) do not verify.
		bad := kp.SignIntent(IntentPersonalMessage, txBytes)
		if _, err := VerifyTransactionSignature(txBytes, bad); !errors.Is(err, ErrInvalidSignature) {
			t.Errorf("case %d: wrong-intent signature: %v", i, err)
		}
	}
	for i, c := range v.Ed25519Secrets {
		kp, err := NewKeypairFromSeed(b64(t, c.Secret))
		if err != nil {
			t.Fatal(err)
		}
		if got := base64.StdEncoding.EncodeToString(kp.PublicKey()); got != c.PublicKey {
			t.Errorf("secret %d: public key %s, want %s", i, got, c.PublicKey)
		}
	}
	// fastcrypto's raw ed25519 vector.
	fc := v.Fastcrypto
	kp, err := NewKeypairFromSeed(unhex(t, fc.Ed25519.Private))
	if err != nil {
		t.Fatal(err)
	}
	if got := hex.EncodeToString(kp.PublicKey()); got != fc.Ed25519.Public {
		t.Errorf("fastcrypto ed25519 public %s, want %s", got, fc.Ed25519.Public)
	}
	if got := hex.EncodeToString(ed25519.Sign(kp.priv, unhex(t, fc.Msg))); got != fc.Ed25519.Sig {
		t.Errorf("fastcrypto ed25519 sig %s, want %s", got, fc.Ed25519.Sig)
	}
}

func TestSecp256k1Refused(t *testing.T) {
	v := loadVectors(t)
	for _, s := range v.Secp256k1.SuiPrivKey {
		_, err := ParseSuiPrivateKey(s)
		var se *SchemeError
		if !errors.As(err, &se) || se.Flag != FlagSecp256k1 || !errors.Is(err, ErrUnsupportedScheme) {
			t.Fatalf("%s: got %v, want a secp256k1 SchemeError", s, err)
		}
		if !strings.Contains(err.Error(), "secp256k1") {
			t.Errorf("error does not name the scheme: %v", err)
		}
	}
	for _, s := range v.Secp256k1.Keystore {
		if _, err := ParseKeystoreEntry(s); !errors.Is(err, ErrUnsupportedScheme) {
			t.Fatalf("%s: got %v", s, err)
		}
	}
}

func TestBech32Checksum(t *testing.T) {
	v := loadVectors(t)
	s := v.Ed25519[0].SuiPrivKey
	// Change one data character: the checksum must catch it.
	for _, pos := range []int{len(SuiPrivateKeyPrefix) + 3, len(s) - 1, len(s) / 2} {
		b := []byte(s)
		if b[pos] == 'q' {
			b[pos] = 'p'
		} else {
			b[pos] = 'q'
		}
		if _, err := ParseSuiPrivateKey(string(b)); !errors.Is(err, ErrBadChecksum) {
			t.Errorf("modified at %d: got %v, want ErrBadChecksum", pos, err)
		}
	}
	// Upper case is the same string; mixed case is not allowed.
	if _, err := ParseSuiPrivateKey(strings.ToUpper(s)); err != nil {
		t.Errorf("upper case: %v", err)
	}
	mixed := strings.ToUpper(s[:5]) + s[5:]
	if _, err := ParseSuiPrivateKey(mixed); !errors.Is(err, ErrInvalidEncoding) {
		t.Errorf("mixed case: %v", err)
	}
	// Wrong prefix, truncated, empty.
	kp, _ := ParseSuiPrivateKey(s)
	other := bech32Encode("suipubkey", append([]byte{0}, kp.Seed()...))
	if _, err := ParseSuiPrivateKey(other); !errors.Is(err, ErrInvalidEncoding) {
		t.Errorf("wrong prefix: %v", err)
	}
	for _, bad := range []string{"", "suiprivkey1", s[:20], "suiprivkey1qqqqqq"} {
		if _, err := ParseSuiPrivateKey(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
	// A valid bech32 string with a short payload.
	short := bech32Encode(SuiPrivateKeyPrefix, []byte{0, 1, 2})
	if _, err := ParseSuiPrivateKey(short); !errors.Is(err, ErrInvalidKey) {
		t.Errorf("short payload: %v", err)
	}
}

func TestSuiPrivateKeyRoundTrip(t *testing.T) {
	for range 20 {
		kp, err := Generate()
		if err != nil {
			t.Fatal(err)
		}
		s := kp.ExportSuiPrivateKey()
		if !strings.HasPrefix(s, "suiprivkey1") {
			t.Fatalf("export %s", s)
		}
		back, err := ParseSuiPrivateKey(s)
		if err != nil {
			t.Fatal(err)
		}
		if !back.Equal(kp) || back.Address() != kp.Address() {
			t.Fatal("round trip changed the key")
		}
	}
}

func TestPersonalMessage(t *testing.T) {
	kp, _ := Generate()
	msg := []byte("hello world")
	sig := kp.SignPersonalMessage(msg)
	addr, err := VerifyPersonalMessageSignature(msg, sig)
	if err != nil || addr != kp.Address() {
		t.Fatalf("verify: %v", err)
	}
	// The digest is over [3,0,0] ‖ ULEB(len) ‖ msg.
	want := blake2b.Sum256(append([]byte{3, 0, 0, byte(len(msg))}, msg...))
	if !ed25519.Verify(kp.PublicKey(), want[:], sig[1:65]) {
		t.Fatal("personal message digest is not blake2b([3,0,0] ‖ bcs(msg))")
	}
	if _, err := VerifyPersonalMessageSignature([]byte("hello worlds"), sig); !errors.Is(err, ErrInvalidSignature) {
		t.Fatalf("wrong message: %v", err)
	}
	if _, err := VerifyTransactionSignature(msg, sig); !errors.Is(err, ErrInvalidSignature) {
		t.Fatalf("personal signature accepted as a transaction signature: %v", err)
	}
}

func TestVerifyTransactionSignatureErrors(t *testing.T) {
	kp, _ := Generate()
	tx := []byte("tx bytes")
	sig := kp.SignTransaction(tx)
	if _, err := VerifyTransactionSignature(tx, nil); !errors.Is(err, ErrSignatureLength) {
		t.Errorf("empty: %v", err)
	}
	if _, err := VerifyTransactionSignature(tx, sig[:96]); !errors.Is(err, ErrSignatureLength) {
		t.Errorf("short: %v", err)
	}
	if _, err := VerifyTransactionSignature(tx, append(sig, 0)); !errors.Is(err, ErrSignatureLength) {
		t.Errorf("long: %v", err)
	}
	k1 := append([]byte(nil), sig...)
	k1[0] = FlagSecp256k1
	var se *SchemeError
	if _, err := VerifyTransactionSignature(tx, k1); !errors.As(err, &se) || se.Flag != FlagSecp256k1 {
		t.Errorf("secp256k1 flag: %v", err)
	}
	flipped := append([]byte(nil), sig...)
	flipped[10] ^= 1
	if _, err := VerifyTransactionSignature(tx, flipped); !errors.Is(err, ErrInvalidSignature) {
		t.Errorf("flipped: %v", err)
	}
	other, _ := Generate()
	swapped := append(append([]byte(nil), sig[:65]...), other.PublicKey()...)
	if _, err := VerifyTransactionSignature(tx, swapped); !errors.Is(err, ErrInvalidSignature) {
		t.Errorf("other key: %v", err)
	}
	if _, err := VerifyTransactionSignature(append(tx, 0), sig); !errors.Is(err, ErrInvalidSignature) {
		t.Errorf("other tx: %v", err)
	}
	text := EncodeSignature(sig)
	back, err := DecodeSignature(text)
	if err != nil || string(back) != string(sig) {
		t.Errorf("signature text round trip: %v", err)
	}
}

func TestParseAddress(t *testing.T) {
	a, err := ParseAddress("0x2")
	if err != nil || a[31] != 2 || a.String() != "0x"+strings.Repeat("0", 63)+"2" {
		t.Fatalf("0x2: %v %s", err, a)
	}
	for _, bad := range []string{"", "2", "0x", "0xzz", "0x" + strings.Repeat("1", 65)} {
		if _, err := ParseAddress(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
	var b Address
	if err := b.UnmarshalText([]byte(a.String())); err != nil || b != a {
		t.Fatal("text round trip")
	}
}

func TestKeystoreFile(t *testing.T) {
	v := loadVectors(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "sui.keystore")
	var kps []*Keypair
	for _, c := range v.Ed25519 {
		kp, err := ParseKeystoreEntry(c.Keystore)
		if err != nil {
			t.Fatal(err)
		}
		kps = append(kps, kp)
	}
	if err := SaveKeystore(path, kps); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("keystore mode %v (%v)", st.Mode(), err)
	}
	raw, _ := os.ReadFile(path)
	var entries []string
	if err := json.Unmarshal(raw, &entries); err != nil || len(entries) != 3 || entries[0] != v.Ed25519[0].Keystore {
		t.Fatalf("file contents %s", raw)
	}
	back, err := LoadKeystore(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(back) != len(kps) {
		t.Fatalf("%d keys", len(back))
	}
	for i := range kps {
		if !back[i].Equal(kps[i]) || back[i].Address().String() != v.Ed25519[i].Address {
			t.Fatalf("key %d differs", i)
		}
	}
	// A secp256k1 entry anywhere is refused, naming its index.
	mixed := []string{v.Ed25519[0].Keystore, v.Secp256k1.Keystore[0], v.Ed25519[1].Keystore}
	data, _ := json.Marshal(mixed)
	_, err = ParseKeystore(data)
	var se *SchemeError
	if !errors.As(err, &se) || se.Flag != FlagSecp256k1 || !strings.Contains(err.Error(), "entry 1") {
		t.Fatalf("mixed keystore: %v", err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadKeystore(path); !errors.Is(err, ErrUnsupportedScheme) {
		t.Fatalf("LoadKeystore: %v", err)
	}
	// Malformed files.
	for _, bad := range []string{``, `{}`, `null`, `["AA=="]`, `["not base64!"]`, `[1]`, `[] []`} {
		if _, err := ParseKeystore([]byte(bad)); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
	if kps, err := ParseKeystore([]byte(`[]`)); err != nil || len(kps) != 0 {
		t.Errorf("empty keystore: %v", err)
	}
}
