package messages

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/internal/bcs"
)

// testdata/messages.jsonl holds the message vectors of ../../encoding/testdata/messages.jsonl
// (produced by the Walrus TypeScript SDK @mysten/walrus 1.2.13 through shared/oracle
// msg.mjs): storage confirmations, signersToBitmap and CertificateBcs.

type golden struct {
	What     string `json:"what"`
	Epoch    uint32 `json:"epoch"`
	BlobID   string `json:"blobId"`
	ObjectID string `json:"objectId"`
	Hex      string `json:"hex"`
}

func loadGolden(t *testing.T) map[string]golden {
	t.Helper()
	f, err := os.Open("testdata/messages.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]golden{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var g golden
		if err := json.Unmarshal(sc.Bytes(), &g); err != nil {
			t.Fatal(err)
		}
		out[g.What] = g
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{
		"StorageConfirmation permanent",
		"StorageConfirmation deletable",
		"signersToBitmap([0,2,9,10], 11 members)",
		"CertificateBcs (upload-relay resume format)",
	} {
		if _, ok := out[w]; !ok {
			t.Fatalf("vector %q missing", w)
		}
	}
	return out
}

func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.TrimPrefix(s, "0x"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestGoldenStorageConfirmation(t *testing.T) {
	g := loadGolden(t)
	for _, name := range []string{"StorageConfirmation permanent", "StorageConfirmation deletable"} {
		v := g[name]
		id, err := encoding.ParseBlobID(v.BlobID)
		if err != nil {
			t.Fatal(err)
		}
		want := StorageConfirmation{BlobID: id, Persistence: Permanent()}
		if v.ObjectID != "" {
			var obj [32]byte
			copy(obj[:], mustHex(t, v.ObjectID))
			want.Persistence = Deletable(obj)
		}
		got := NewStorageConfirmationMessage(v.Epoch, want)
		if hex.EncodeToString(got) != v.Hex {
			t.Fatalf("%s:\n got %x\nwant %s", name, got, v.Hex)
		}
		m, err := ParseStorageConfirmation(mustHex(t, v.Hex))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if m.Epoch != v.Epoch || m.Body != want {
			t.Fatalf("%s: parsed %+v", name, m)
		}
	}
}

// The [derived] byte test of spec/walrus-protocol.md §2.2 (walrus-core messages tests:
// EPOCH 21, BLOB_ID [7; 32], Permanent).
func TestDerivedConfirmationBytes(t *testing.T) {
	var id encoding.BlobID
	for i := range id {
		id[i] = 7
	}
	got := NewStorageConfirmationMessage(21, StorageConfirmation{BlobID: id, Persistence: Permanent()})
	want := "01000315000000" + strings.Repeat("07", 32) + "00"
	if hex.EncodeToString(got) != want {
		t.Fatalf("got %x", got)
	}
}

func TestGoldenBitmap(t *testing.T) {
	v := loadGolden(t)["signersToBitmap([0,2,9,10], 11 members)"]
	got, err := SignersBitmap([]int{0, 2, 9, 10}, 11)
	if err != nil {
		t.Fatal(err)
	}
	if hex.EncodeToString(got) != v.Hex {
		t.Fatalf("bitmap %x, want %s", got, v.Hex)
	}
	back, err := SignersFromBitmap(mustHex(t, v.Hex), 11)
	if err != nil || !reflect.DeepEqual(back, []int{0, 2, 9, 10}) {
		t.Fatalf("inverse %v %v", back, err)
	}
}

func TestGoldenCertificateBCS(t *testing.T) {
	g := loadGolden(t)
	v := g["CertificateBcs (upload-relay resume format)"]
	perm := mustHex(t, g["StorageConfirmation permanent"].Hex)
	cert := ConfirmationCertificate{Signers: []uint16{0, 2}, SerializedMessage: perm}
	for i := range cert.Signature {
		cert.Signature[i] = 0xab
	}
	got := bcs.Marshal(cert)
	if hex.EncodeToString(got) != v.Hex {
		t.Fatalf("certificate BCS\n got %x\nwant %s", got, v.Hex)
	}
	back, err := ParseCertificateBCS(mustHex(t, v.Hex))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, cert) {
		t.Fatalf("parsed %+v", back)
	}
	// walrus-core's serde form differs only in the signature's missing length prefix.
	core := cert.MarshalCoreBCS()
	if !bytes.Equal(core[:len(core)-96], got[:len(got)-97]) || got[len(got)-97] != 0x60 ||
		!bytes.Equal(core[len(core)-96:], got[len(got)-96:]) {
		t.Fatalf("core form %x", core)
	}
	back, err = ParseCertificateCoreBCS(core)
	if err != nil || !reflect.DeepEqual(back, cert) {
		t.Fatalf("core form round trip: %v", err)
	}
	// The certified message inside is the golden confirmation.
	if _, err := ParseStorageConfirmation(back.SerializedMessage); err != nil {
		t.Fatal(err)
	}
}
