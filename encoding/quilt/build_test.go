package quilt

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/tuskstore/tusk/encoding"
)

func TestValidateIdentifier(t *testing.T) {
	valid := []string{"test", "test123", "123test", "a", "A123", "_test", "-test", ".test",
		"test blob", "test-blob", "test_blob", "test.blob", "ñandú", "日本語", "emoji-🦭", strings.Repeat("x", MaxIdentifierLength)}
	for _, id := range valid {
		if err := ValidateIdentifier(id); err != nil {
			t.Errorf("%q: %v", abbreviate(id), err)
		}
	}
	invalid := []string{"", "test ", "test\t", "test\n", "test\r", "test   ", "test\u00a0", "test\u3000",
		"te\x08st", "\x1btest", "test\x00", "test\x01", "test\x1f", "test\x7f", "test\u0080", "test\u0081", "test\u009f",
		"bad\xffutf8", strings.Repeat("x", MaxIdentifierLength+1)}
	for _, id := range invalid {
		if err := ValidateIdentifier(id); !errors.Is(err, ErrInvalidIdentifier) {
			t.Errorf("%q: %v, want ErrInvalidIdentifier", abbreviate(id), err)
		}
	}
}

func TestBuildErrors(t *testing.T) {
	p10 := mustParams(t, 10)
	ok := Patch{Identifier: "ok", Data: []byte("data")}
	cases := []struct {
		name    string
		params  encoding.Params
		patches []Patch
		want    error
	}{
		{"no patches", p10, nil, ErrNoPatches},
		{"empty identifier", p10, []Patch{ok, {Identifier: ""}}, ErrInvalidIdentifier},
		{"trailing space", p10, []Patch{{Identifier: "a "}}, ErrInvalidIdentifier},
		{"control character", p10, []Patch{{Identifier: "a\x00b"}}, ErrInvalidIdentifier},
		{"identifier not UTF-8", p10, []Patch{{Identifier: "a\xc3"}}, ErrInvalidIdentifier},
		// 65532 bytes take 65535 in BCS (3-byte ULEB128 length): one too many.
		{"identifier too long in BCS", p10, []Patch{{Identifier: strings.Repeat("i", 65532)}}, ErrInvalidIdentifier},
		{"duplicate", p10, []Patch{ok, {Identifier: "x"}, ok}, ErrDuplicateIdentifier},
		{"tag key not UTF-8", p10, []Patch{{Identifier: "a", Tags: map[string]string{"\xff": "v"}}}, ErrInvalidTags},
		{"tag value not UTF-8", p10, []Patch{{Identifier: "a", Tags: map[string]string{"k": "\xff"}}}, ErrInvalidTags},
		{"tags too large", p10, []Patch{{Identifier: "a", Tags: map[string]string{"k": strings.Repeat("v", 1<<16)}}}, ErrInvalidTags},
		{"too many patches", p10, numbered(7), ErrTooManyPatches},
		{"symbol too large", mustParams(t, 4), []Patch{{Identifier: "big", Data: make([]byte, 400_000)}}, ErrTooLarge},
		{"invalid shard count", encoding.Params{NShards: 3}, []Patch{ok}, ErrInvalidParams},
		{"inconsistent params", encoding.Params{NShards: 10, F: 2}, []Patch{ok}, ErrInvalidParams},
		{"zero params", encoding.Params{}, []Patch{ok}, ErrInvalidParams},
	}
	for _, c := range cases {
		q, err := Build(c.params, c.patches)
		if !errors.Is(err, c.want) || q != nil {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
	// The limits themselves are accepted.
	if _, err := Build(p10, numbered(6)); err != nil {
		t.Errorf("6 patches at n=10: %v", err)
	}
	if _, err := Build(p10, []Patch{{Identifier: strings.Repeat("i", 65531)}}); err != nil {
		t.Errorf("identifier of 65531 bytes: %v", err)
	}
	if _, err := Build(p10, []Patch{{Identifier: "a", Tags: map[string]string{"k": strings.Repeat("v", 65535-6)}}}); err != nil {
		t.Errorf("tags of 65535 bytes: %v", err)
	}
}

func numbered(n int) []Patch {
	out := make([]Patch, n)
	for i := range out {
		out[i] = Patch{Identifier: fmt.Sprintf("p%d", i), Data: []byte{byte(i)}}
	}
	return out
}

// TestBuildDoesNotAlias checks that the quilt owns its data: changing the caller's slices
// and maps after Build changes nothing.
func TestBuildDoesNotAlias(t *testing.T) {
	p := mustParams(t, 10)
	tags := map[string]string{"k": "v"}
	data := []byte("payload")
	patches := []Patch{{Identifier: "b", Data: data, Tags: tags}, {Identifier: "a", Data: []byte("x")}}
	q, err := Build(p, patches)
	if err != nil {
		t.Fatal(err)
	}
	before := slices.Clone(q.Bytes())
	data[0] = 'X'
	tags["k"] = "changed"
	if patches[0].Identifier != "b" {
		t.Fatal("Build reordered the caller's slice")
	}
	if !bytes.Equal(before, q.Bytes()) || q.Index().Patches[1].Tags["k"] != "v" {
		t.Fatal("the quilt shares memory with its input")
	}
	ix := q.Index()
	ix.Patches[0].Tags["new"] = "tag"
	if len(q.Index().Patches[0].Tags) != 0 {
		t.Fatal("Index returned the quilt's own maps")
	}
}

// randomPatches makes n patches with random identifiers (some non-ASCII), tags and sizes.
func randomPatches(rng *rand.Rand, n, maxSize int) []Patch {
	alphabet := []rune("abcXYZ019-_. éñ日🦭")
	seen := map[string]bool{}
	out := make([]Patch, 0, n)
	for len(out) < n {
		var b strings.Builder
		for range 1 + rng.IntN(20) {
			b.WriteRune(alphabet[rng.IntN(len(alphabet))])
		}
		id := strings.TrimRight(b.String(), " ")
		if id == "" || seen[id] {
			continue
		}
		seen[id] = true
		var tags map[string]string
		if rng.IntN(2) == 0 {
			tags = map[string]string{}
			for range rng.IntN(4) {
				tags[fmt.Sprint(rng.IntN(1000))] = strings.Repeat("v", rng.IntN(10))
			}
		}
		size := rng.IntN(maxSize + 1)
		if rng.IntN(8) == 0 {
			size = 0
		}
		data := make([]byte, size)
		for i := range data {
			data[i] = byte(rng.Uint32())
		}
		out = append(out, Patch{Identifier: id, Tags: tags, Data: data})
	}
	return out
}

// TestRoundTrip builds random quilts for several shard counts and reads every patch back
// from the bytes and from the columns, and checks the layout's invariants: the index takes
// at most MaxIndexColumns columns, patches are in identifier order on consecutive column
// runs within the n-f columns, and the symbol size is even.
func TestRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{4, 7, 10, 13, 31, 100, 301} {
		p := mustParams(t, n)
		for trial := range 20 {
			count := 1 + rng.IntN(p.SecondarySymbols()-1)
			patches := randomPatches(rng, count, []int{10, 1000, 5000}[trial%3])
			q, err := Build(p, patches)
			if err != nil {
				t.Fatalf("n=%d trial %d: %v", n, trial, err)
			}
			checkLayout(t, p, q)
			opened, err := Open(p, q.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			if !indexEqual(opened.Index(), q.Index()) {
				t.Fatalf("n=%d trial %d: index differs after Open", n, trial)
			}
			sorted := slices.Clone(patches)
			slices.SortFunc(sorted, func(a, b Patch) int { return strings.Compare(a.Identifier, b.Identifier) })
			got, err := opened.Patches()
			if err != nil {
				t.Fatal(err)
			}
			slivers := secondarySlivers(p, q.Bytes())
			list, err := opened.List(encoding.BlobID{1})
			if err != nil {
				t.Fatal(err)
			}
			for i, want := range sorted {
				if !patchEqual(got[i], want) {
					t.Fatalf("n=%d trial %d: patch %d = %q (%d bytes), want %q (%d bytes)", n, trial, i, got[i].Identifier, len(got[i].Data), want.Identifier, len(want.Data))
				}
				e := opened.Index().Patches[i]
				fromSlivers, err := PatchFromSlivers(p, slivers[e.Start:e.End], e.InternalID())
				if err != nil || !patchEqual(fromSlivers, want) {
					t.Fatalf("n=%d trial %d: patch %q from slivers: %v", n, trial, want.Identifier, err)
				}
				if list[i].Size != uint64(len(want.Data)) || list[i].ID.Internal != e.InternalID() {
					t.Fatalf("n=%d trial %d: list[%d] = %+v", n, trial, i, list[i])
				}
			}
			if _, err := opened.Patch("no such patch"); !errors.Is(err, ErrPatchNotFound) {
				t.Fatalf("missing patch: %v", err)
			}
		}
	}
}

func patchEqual(a, b Patch) bool {
	return a.Identifier == b.Identifier && sameTags(a.Tags, b.Tags) && bytes.Equal(a.Data, b.Data)
}

func checkLayout(t *testing.T, p encoding.Params, q *Quilt) {
	t.Helper()
	if q.SymbolSize()%2 != 0 || q.SymbolSize() < 2 {
		t.Fatalf("symbol size %d", q.SymbolSize())
	}
	if len(q.Bytes()) != p.SourceSymbols()*q.SymbolSize() {
		t.Fatalf("quilt of %d bytes, want %d", len(q.Bytes()), p.SourceSymbols()*q.SymbolSize())
	}
	ix := q.Index()
	if first := ix.Patches[0].Start; first < 1 || first > MaxIndexColumns {
		t.Fatalf("index takes %d columns", first)
	}
	for i, e := range ix.Patches {
		if e.Start >= e.End || int(e.End) > p.SecondarySymbols() {
			t.Fatalf("entry %d has columns [%d, %d)", i, e.Start, e.End)
		}
		if i > 0 && (e.Start != ix.Patches[i-1].End || e.Identifier <= ix.Patches[i-1].Identifier) {
			t.Fatalf("entry %d does not follow entry %d", i, i-1)
		}
	}
}

// TestPatchesWithTag selects patches by tag through the index.
func TestPatchesWithTag(t *testing.T) {
	q, err := Build(mustParams(t, 10), []Patch{
		{Identifier: "c", Tags: map[string]string{"kind": "img"}, Data: []byte("3")},
		{Identifier: "a", Tags: map[string]string{"kind": "img"}, Data: []byte("1")},
		{Identifier: "b", Tags: map[string]string{"kind": "doc"}, Data: []byte("2")},
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := q.PatchesWithTag("kind", "img")
	if err != nil || len(got) != 2 || got[0].Identifier != "a" || got[1].Identifier != "c" {
		t.Fatalf("PatchesWithTag = %+v, %v", got, err)
	}
	if got, err := q.PatchesWithTag("kind", "none"); err != nil || len(got) != 0 {
		t.Fatalf("PatchesWithTag(none) = %+v, %v", got, err)
	}
}

// TestEncodeWrongCodec refuses a codec of another shard count (the ID would be wrong).
func TestEncodeWrongCodec(t *testing.T) {
	q, err := Build(mustParams(t, 10), numbered(2))
	if err != nil {
		t.Fatal(err)
	}
	c, err := encoding.NewCodec(13)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := q.ID(c); !errors.Is(err, ErrInvalidParams) {
		t.Fatalf("ID with a 13-shard codec: %v", err)
	}
}
