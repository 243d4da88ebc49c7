package encoding

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/tuskstore/tusk/internal/bcs"
)

// goldenInput regenerates the inputs of testdata/rs2/blobs.jsonl from their recipes.
func goldenInput(t *testing.T, file string) []byte {
	t.Helper()
	name := strings.TrimSuffix(file, ".bin")
	switch {
	case name == "empty":
		return []byte{}
	case name == "one_0x61":
		return []byte{0x61}
	case name == "seq10":
		return []byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}
	case name == "zeros_1k":
		return make([]byte, 1024)
	case name == "sha256ctr_1m":
		var out []byte
		var ctr [8]byte
		for c := uint64(0); len(out) < 1<<20; c++ {
			binary.LittleEndian.PutUint64(ctr[:], c)
			h := sha256.Sum256(ctr[:])
			out = append(out, h[:]...)
		}
		return out[:1<<20]
	case strings.HasPrefix(name, "mod251_"):
		l := 1 << 20
		if suffix := strings.TrimPrefix(name, "mod251_"); suffix != "1m" {
			var err error
			if l, err = strconv.Atoi(suffix); err != nil {
				t.Fatalf("recipe %s: %v", file, err)
			}
		}
		out := make([]byte, l)
		for i := range out {
			out[i] = byte(i % 251)
		}
		return out
	}
	t.Fatalf("no recipe for %s", file)
	return nil
}

// sha256Stream is the input of the sliver dumps: SHA-256("<name>:<c>") concatenated.
func sha256Stream(name string, length int) []byte {
	var out []byte
	for c := 0; len(out) < length; c++ {
		h := sha256.Sum256([]byte(fmt.Sprintf("%s:%d", name, c)))
		out = append(out, h[:]...)
	}
	return out[:length]
}

type goldenBlob struct {
	File                                     string
	NShards                                  int
	UnencodedLength                          uint64
	BlobID                                   string `json:"blobId"`
	BlobIDHex                                string `json:"blobIdHex"`
	BlobIDU256                               string `json:"blobIdU256"`
	RootHash                                 string
	SymbolSize                               int
	EncodedLength                            uint64
	PrimarySliverBytes, SecondarySliverBytes int
	MetadataBcsSha256                        string
	SliversSha256                            string
	Pair0                                    struct{ PrimaryHash, SecondaryHash string }
}

func loadGoldenBlobs(t *testing.T) []goldenBlob {
	t.Helper()
	raw, err := os.ReadFile("testdata/rs2/blobs.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	var out []goldenBlob
	for _, line := range bytes.Split(bytes.TrimSpace(raw), []byte("\n")) {
		var g goldenBlob
		if err := json.Unmarshal(line, &g); err != nil {
			t.Fatal(err)
		}
		out = append(out, g)
	}
	return out
}

func mustCodec(t testing.TB, n int) *Codec {
	t.Helper()
	c, err := NewCodec(n)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func sha(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }

// TestGoldenBlobs checks every case of the reference vectors: blob ID (three forms),
// root, symbol size, encoded length, sliver sizes, the metadata BCS and every sliver's BCS.
func TestGoldenBlobs(t *testing.T) {
	codecs := map[int]*Codec{}
	for _, g := range loadGoldenBlobs(t) {
		t.Run(fmt.Sprintf("%s_n%d", g.File, g.NShards), func(t *testing.T) {
			c := codecs[g.NShards]
			if c == nil {
				c = mustCodec(t, g.NShards)
				codecs[g.NShards] = c
			}
			blob := goldenInput(t, g.File)
			if uint64(len(blob)) != g.UnencodedLength {
				t.Fatalf("recipe gives %d bytes, want %d", len(blob), g.UnencodedLength)
			}
			enc, err := c.Encode(blob)
			if err != nil {
				t.Fatal(err)
			}
			checkGoldenBlob(t, enc, g)
			checkGoldenMetadata(t, c, blob, g)
		})
	}
}

// checkGoldenMetadata checks ComputeMetadata against a reference vector: the blob ID,
// root and the BCS of the metadata.
func checkGoldenMetadata(t *testing.T, c *Codec, blob []byte, g goldenBlob) {
	t.Helper()
	m, err := c.ComputeMetadata(blob)
	if err != nil {
		t.Fatal(err)
	}
	root := m.RootHash()
	meta := m.Metadata()
	if m.BlobID().String() != g.BlobID || hex.EncodeToString(root[:]) != g.RootHash || sha(bcs.Marshal(&meta)) != g.MetadataBcsSha256 {
		t.Fatalf("ComputeMetadata: blob ID %s root %x, want %s %s (or the metadata BCS differs)", m.BlobID(), root, g.BlobID, g.RootHash)
	}
}

// equalMetadata reports whether two metadata are the same, BCS byte for byte.
func equalMetadata(a, b VerifiedMetadata) bool {
	ma, mb := a.Metadata(), b.Metadata()
	return a.BlobID() == b.BlobID() && bytes.Equal(bcs.Marshal(&ma), bcs.Marshal(&mb))
}

// checkGoldenBlob compares an encoding with a reference vector: the blob ID in its three
// forms, root, symbol size, encoded length, sliver sizes, the pair-0 hashes, the BCS of
// the metadata and of every sliver (primary slivers of pairs 0..n-1, then secondary).
func checkGoldenBlob(t *testing.T, enc *EncodedBlob, g goldenBlob) {
	t.Helper()
	m := enc.Metadata
	id := m.BlobID()
	if id.String() != g.BlobID || id.Hex() != g.BlobIDHex || id.U256().String() != g.BlobIDU256 {
		t.Fatalf("blob ID %s (%s, %s), want %s (%s, %s)", id, id.Hex(), id.U256(), g.BlobID, g.BlobIDHex, g.BlobIDU256)
	}
	if root := m.RootHash(); hex.EncodeToString(root[:]) != g.RootHash {
		t.Fatalf("root %x, want %s", root, g.RootHash)
	}
	if enc.SymbolSize != g.SymbolSize || m.EncodedLength() != g.EncodedLength {
		t.Fatalf("symbol size %d encoded length %d, want %d %d", enc.SymbolSize, m.EncodedLength(), g.SymbolSize, g.EncodedLength)
	}
	if m.SliverSize(Primary) != g.PrimarySliverBytes || m.SliverSize(Secondary) != g.SecondarySliverBytes {
		t.Fatalf("sliver sizes %d/%d, want %d/%d", m.SliverSize(Primary), m.SliverSize(Secondary), g.PrimarySliverBytes, g.SecondarySliverBytes)
	}
	meta := m.Metadata()
	p0 := meta.Hashes[0]
	if pb, sb := p0.PrimaryHash.Bytes(), p0.SecondaryHash.Bytes(); hex.EncodeToString(pb[:]) != g.Pair0.PrimaryHash || hex.EncodeToString(sb[:]) != g.Pair0.SecondaryHash {
		t.Fatalf("pair 0 hashes %x %x, want %s %s", pb, sb, g.Pair0.PrimaryHash, g.Pair0.SecondaryHash)
	}
	if got := sha(bcs.Marshal(&meta)); got != g.MetadataBcsSha256 {
		t.Fatalf("metadata BCS sha256 %s, want %s", got, g.MetadataBcsSha256)
	}
	h := sha256.New()
	for _, axis := range []Axis{Primary, Secondary} {
		for pair := 0; pair < g.NShards; pair++ {
			primary, secondary := enc.SliverPair(pair)
			s := primary
			if axis == Secondary {
				s = secondary
			}
			h.Write(bcs.Marshal(&s))
		}
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != g.SliversSha256 {
		t.Fatalf("slivers sha256 %s, want %s", got, g.SliversSha256)
	}
}

type sliverDump struct {
	N, Len, F, K1, K2, SymbolSize int
	BlobID, RootHash              string
	Primary, Secondary            []struct {
		Pair, Index int
		Hex         string
	}
}

// TestGoldenSlivers compares every sliver of every reference dump.
func TestGoldenSlivers(t *testing.T) {
	files, err := filepath.Glob("testdata/rs2/slivers/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no dumps: %v", err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var d sliverDump
			if err := json.Unmarshal(raw, &d); err != nil {
				t.Fatal(err)
			}
			c := mustCodec(t, d.N)
			enc, err := c.Encode(sha256Stream(name, d.Len))
			if err != nil {
				t.Fatal(err)
			}
			if enc.Metadata.BlobID().String() != d.BlobID || enc.SymbolSize != d.SymbolSize {
				t.Fatalf("blob ID %s symbol size %d, want %s %d", enc.Metadata.BlobID(), enc.SymbolSize, d.BlobID, d.SymbolSize)
			}
			p := c.Params()
			if p.F != d.F || p.PrimarySymbols() != d.K1 || p.SecondarySymbols() != d.K2 {
				t.Fatalf("params %+v k1=%d k2=%d", p, p.PrimarySymbols(), p.SecondarySymbols())
			}
			for _, s := range d.Primary {
				if hex.EncodeToString(enc.Primary[s.Index]) != s.Hex || p.PairOfSliver(Primary, s.Index) != s.Pair {
					t.Fatalf("primary sliver %d (pair %d) differs", s.Index, s.Pair)
				}
			}
			for _, s := range d.Secondary {
				if hex.EncodeToString(enc.Secondary[s.Index]) != s.Hex || p.PairOfSliver(Secondary, s.Index) != s.Pair {
					t.Fatalf("secondary sliver %d (pair %d) differs", s.Index, s.Pair)
				}
			}
		})
	}
}

// TestBlobIDStability is walrus-core's test_v1_blob_id_stability.
func TestBlobIDStability(t *testing.T) {
	enc, err := mustCodec(t, 10).Encode([]byte("walrus blob id v1 regression test"))
	if err != nil {
		t.Fatal(err)
	}
	if got := enc.Metadata.BlobID().String(); got != "RcU82Mwf-CFkv1LaI_2qcpANwpGUuG3TMwnVzZxD2kY" {
		t.Fatalf("blob ID %s", got)
	}
}

type messageVector struct {
	What         string
	BlobID       string `json:"blobId"`
	N            int
	ShardOfPair0 int
	PairOfShard0 int
}

func TestGoldenRotation(t *testing.T) {
	raw, err := os.ReadFile("testdata/messages.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, line := range bytes.Split(bytes.TrimSpace(raw), []byte("\n")) {
		var v messageVector
		if err := json.Unmarshal(line, &v); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(v.What, "sliver pair -> shard") {
			continue
		}
		id, err := ParseBlobID(v.BlobID)
		if err != nil {
			t.Fatal(err)
		}
		p, err := NewParams(v.N)
		if err != nil {
			t.Fatal(err)
		}
		if p.ShardForPair(id, 0) != v.ShardOfPair0 || p.PairForShard(id, 0) != v.PairOfShard0 {
			t.Fatalf("n=%d: shard of pair 0 = %d, pair of shard 0 = %d", v.N, p.ShardForPair(id, 0), p.PairForShard(id, 0))
		}
		checked++
	}
	if checked != 2 {
		t.Fatalf("checked %d rotation vectors, want 2", checked)
	}
}
