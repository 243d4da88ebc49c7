package encoding

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"testing"
)

// goldenExtra is one line of testdata/rs2/extra.jsonl: the output of the reference
// oracle's blobid.mjs (Walrus TypeScript SDK) for the input sha256Stream(Name, UnencodedLength).
type goldenExtra struct {
	Name                   string
	PrimarySourceSymbols   int
	SecondarySourceSymbols int
	DecodeOk               bool
	goldenBlob
}

func loadGoldenExtra(t *testing.T) []goldenExtra {
	t.Helper()
	raw, err := os.ReadFile("testdata/rs2/extra.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	var out []goldenExtra
	seen := map[string]bool{}
	for _, line := range bytes.Split(bytes.TrimSpace(raw), []byte("\n")) {
		var g goldenExtra
		if err := json.Unmarshal(line, &g); err != nil {
			t.Fatal(err)
		}
		if g.Name == "" || seen[g.Name] {
			t.Fatalf("missing or duplicate name in %s", line)
		}
		seen[g.Name] = true
		out = append(out, g)
	}
	return out
}

// TestGoldenExtra checks the extra reference vectors (shard counts 4..1000, symbol sizes
// 2..65534) like TestGoldenBlobs, and decodes each blob with n <= 301 from the last n-2f
// primary slivers.
func TestGoldenExtra(t *testing.T) {
	cases := loadGoldenExtra(t)
	if len(cases) == 0 {
		t.Fatal("no extra vectors")
	}
	codecs := map[int]*Codec{}
	for _, g := range cases {
		t.Run(fmt.Sprintf("%s_n%d", g.Name, g.NShards), func(t *testing.T) {
			c := codecs[g.NShards]
			if c == nil {
				c = mustCodec(t, g.NShards)
				codecs[g.NShards] = c
			}
			p := c.Params()
			if p.PrimarySymbols() != g.PrimarySourceSymbols || p.SecondarySymbols() != g.SecondarySourceSymbols {
				t.Fatalf("source symbols %d/%d, want %d/%d", p.PrimarySymbols(), p.SecondarySymbols(), g.PrimarySourceSymbols, g.SecondarySourceSymbols)
			}
			if !g.DecodeOk {
				t.Fatal("the oracle did not decode this vector")
			}
			blob := sha256Stream(g.Name, int(g.UnencodedLength))
			enc, err := c.Encode(blob)
			if err != nil {
				t.Fatal(err)
			}
			checkGoldenBlob(t, enc, g.goldenBlob)
			checkGoldenMetadata(t, c, blob, g.goldenBlob)

			if g.NShards > 301 {
				return
			}
			// Decode from the last n-2f primary slivers, as the oracle's decodeOk does.
			n, k1 := g.NShards, p.PrimarySymbols()
			var slivers []Sliver
			for pair := n - k1; pair < n; pair++ {
				primary, _ := enc.SliverPair(pair)
				slivers = append(slivers, primary)
			}
			got, err := c.Decode(enc.Metadata, slivers, CheckDefault)
			if err != nil {
				t.Fatalf("decode from primary slivers %d..%d: %v", n-k1, n-1, err)
			}
			if !bytes.Equal(got, sha256Stream(g.Name, int(g.UnencodedLength))) {
				t.Fatalf("decoded blob (%d bytes) differs from the input (%d bytes)", len(got), g.UnencodedLength)
			}
		})
	}
}
