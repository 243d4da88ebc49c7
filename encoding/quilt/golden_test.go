package quilt

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"maps"
	"slices"
	"testing"

	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/internal/bcs"
)

func mustParams(t testing.TB, n int) encoding.Params {
	t.Helper()
	p, err := encoding.NewParams(n)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// secondarySlivers cuts a quilt blob into its systematic secondary slivers (its columns).
func secondarySlivers(p encoding.Params, blob []byte) []encoding.Sliver {
	rows, cols := p.PrimarySymbols(), p.SecondarySymbols()
	ss := len(blob) / (rows * cols)
	out := make([]encoding.Sliver, cols)
	for j := range out {
		data := make([]byte, 0, rows*ss)
		for r := range rows {
			off := r*cols*ss + j*ss
			data = append(data, blob[off:off+ss]...)
		}
		out[j] = encoding.Sliver{Axis: encoding.Secondary, Index: uint16(j), SymbolSize: uint16(ss), Data: data}
	}
	return out
}

func sameTags(a, b map[string]string) bool { return len(a) == len(b) && maps.Equal(a, b) }

// TestGoldenVectors builds every reference quilt and checks its bytes, symbol size, index
// (ranges, BCS form), quilt ID and patch IDs, then reads every patch back from the blob,
// from the codec's own secondary slivers, and through List.
func TestGoldenVectors(t *testing.T) {
	for _, v := range loadVectors(t) {
		t.Run(v.Name, func(t *testing.T) {
			p := mustParams(t, v.NShards)
			inputs := v.patches()
			q, err := Build(p, inputs)
			if err != nil {
				t.Fatal(err)
			}
			blob := q.Bytes()
			if len(blob) != v.QuiltLength || q.SymbolSize() != v.SymbolSize && v.SymbolSize != 0 {
				t.Fatalf("quilt of %d bytes, symbol size %d; want %d, %d", len(blob), q.SymbolSize(), v.QuiltLength, v.SymbolSize)
			}
			if sum := sha256.Sum256(blob); hex.EncodeToString(sum[:]) != v.QuiltSha256 {
				t.Fatalf("quilt sha256 %x, want %s", sum, v.QuiltSha256)
			}
			ix := q.Index()
			if v.IndexBcsHex != "" {
				if got := hex.EncodeToString(bcs.Marshal(&ix)); got != v.IndexBcsHex {
					t.Fatalf("index BCS\n got %s\nwant %s", got, v.IndexBcsHex)
				}
			}
			if len(ix.Patches) != len(v.Patches) {
				t.Fatalf("%d index entries, want %d", len(ix.Patches), len(v.Patches))
			}
			for i, want := range v.Patches {
				got := ix.Patches[i]
				if got.Identifier != want.Identifier || got.Start != want.StartIndex || got.End != want.EndIndex || !sameTags(got.Tags, want.Tags) {
					t.Fatalf("entry %d = %+v, want %+v", i, got, want)
				}
			}

			c, err := encoding.NewCodec(v.NShards)
			if err != nil {
				t.Fatal(err)
			}
			enc, err := q.Encode(c)
			if err != nil {
				t.Fatal(err)
			}
			quiltID := enc.Metadata.BlobID()
			if quiltID.String() != v.QuiltBlobID {
				t.Fatalf("quilt ID %s, want %s", quiltID, v.QuiltBlobID)
			}

			list, err := q.List(quiltID)
			if err != nil {
				t.Fatal(err)
			}
			sizes := map[string]int{}
			for _, in := range inputs {
				sizes[in.Identifier] = len(in.Data)
			}
			for i, want := range v.Patches {
				info := list[i]
				if info.ID.String() != want.PatchID || info.Identifier != want.Identifier || info.Size != uint64(sizes[want.Identifier]) {
					t.Fatalf("list[%d] = %+v (ID %s), want %+v", i, info, info.ID, want)
				}
				if want.PatchIDHex != "" && hex.EncodeToString(info.ID.Bytes()) != want.PatchIDHex {
					t.Fatalf("patch ID bytes %x, want %s", info.ID.Bytes(), want.PatchIDHex)
				}
				if pid, err := q.PatchID(quiltID, want.Identifier); err != nil || pid != info.ID {
					t.Fatalf("PatchID(%q) = %v, %v", want.Identifier, pid, err)
				}
			}

			// Read back from the blob bytes alone, as an aggregator does after decoding.
			opened, err := Open(p, slices.Clone(blob))
			if err != nil {
				t.Fatal(err)
			}
			if !indexEqual(opened.Index(), ix) {
				t.Fatalf("opened index %+v, want %+v", opened.Index(), ix)
			}
			// Secondary sliver j of the encoded quilt is column j.
			for j, s := range secondarySlivers(p, blob) {
				if !bytes.Equal(enc.Secondary[j], s.Data) {
					t.Fatalf("secondary sliver %d is not column %d", j, j)
				}
			}
			slivers := secondarySlivers(p, blob)
			fromSlivers, err := IndexFromSlivers(p, slivers[:ix.Patches[0].Start])
			if err != nil {
				t.Fatal(err)
			}
			if !indexEqual(fromSlivers, ix) {
				t.Fatalf("index from slivers %+v, want %+v", fromSlivers, ix)
			}
			if ix.Patches[0].Start > 1 {
				if _, err := IndexFromSlivers(p, slivers[:ix.Patches[0].Start-1]); !errors.Is(err, ErrMissingSlivers) {
					t.Fatalf("index from too few slivers: %v", err)
				}
			}

			for _, in := range inputs {
				pid, err := ParsePatchID(v.patchID(in.Identifier))
				if err != nil {
					t.Fatal(err)
				}
				if pid.QuiltID != quiltID {
					t.Fatalf("patch ID quilt %s, want %s", pid.QuiltID, quiltID)
				}
				for name, read := range map[string]func() (Patch, error){
					"by identifier": func() (Patch, error) { return opened.Patch(in.Identifier) },
					"by patch ID":   func() (Patch, error) { return opened.PatchAt(pid.Internal) },
					"from slivers": func() (Patch, error) {
						return PatchFromSlivers(p, slivers[pid.Internal.Start:pid.Internal.End], pid.Internal)
					},
				} {
					got, err := read()
					if err != nil {
						t.Fatalf("%s %q: %v", name, in.Identifier, err)
					}
					if got.Identifier != in.Identifier || !sameTags(got.Tags, in.Tags) || !bytes.Equal(got.Data, in.Data) {
						t.Fatalf("%s %q: got %q tags %v, %d bytes", name, in.Identifier, got.Identifier, got.Tags, len(got.Data))
					}
				}
				if pid.Internal.End-pid.Internal.Start > 1 {
					_, err := PatchFromSlivers(p, slivers[pid.Internal.Start:pid.Internal.End-1], pid.Internal)
					if !errors.Is(err, ErrMissingSlivers) {
						t.Fatalf("patch %q without its last sliver: %v", in.Identifier, err)
					}
				}
			}
		})
	}
}

func (v quiltVector) patchID(identifier string) string {
	for _, p := range v.Patches {
		if p.Identifier == identifier {
			return p.PatchID
		}
	}
	return ""
}

func indexEqual(a, b Index) bool {
	return slices.EqualFunc(a.Patches, b.Patches, func(x, y IndexEntry) bool {
		return x.Identifier == y.Identifier && x.Start == y.Start && x.End == y.End && sameTags(x.Tags, y.Tags)
	})
}
