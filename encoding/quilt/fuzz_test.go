package quilt

import (
	"bytes"
	"errors"
	"testing"

	"github.com/tuskstore/tusk/internal/bcs"
)

// fuzzShards are the shard counts FuzzDecode lays its input out for; small ones keep the
// matrices small enough for the fuzzer to build meaningful quilts.
var fuzzShards = []int{4, 7, 10, 13}

// FuzzDecode feeds hostile bytes to every decoder: as a quilt blob (zero-padded to a
// multiple of the source symbols) to Open, the patch readers, List and the sliver readers,
// which must agree with each other; as a BCS QuiltIndexV1, which must re-encode to the
// same bytes when it decodes (BCS is canonical); and as a patch ID. Nothing may panic, and
// every failure must carry one of the package's sentinel errors.
func FuzzDecode(f *testing.F) {
	for i, n := range fuzzShards {
		p := mustParams(f, n)
		q, err := Build(p, []Patch{
			{Identifier: "a.bin", Tags: map[string]string{"type": "bin", "x": "y"}, Data: bytes.Repeat([]byte{7}, 10*i)},
			{Identifier: "b.txt", Data: []byte("hello walrus")},
		})
		if err != nil {
			f.Fatal(err)
		}
		f.Add(q.Bytes(), uint8(i))
		ix := q.Index()
		f.Add(bcs.Marshal(&ix), uint8(i))
	}
	f.Add([]byte("8eCC2mVFSCTJnEnCbBvEpyVsAMLh0zGMnyrrWGoFWe8BAQAFAA"), uint8(0))
	f.Add([]byte{1, 1, 0, 5, 0}, uint8(0))

	f.Fuzz(func(t *testing.T, data []byte, shardSel uint8) {
		if len(data) > 1<<16 {
			return
		}
		p := mustParams(t, fuzzShards[int(shardSel)%len(fuzzShards)])

		blob := data
		if rest := len(blob) % p.SourceSymbols(); rest != 0 || len(blob) == 0 {
			blob = append(bytes.Clone(blob), make([]byte, p.SourceSymbols()-rest)...)
		}
		exerciseReaders(t, p, blob)

		var ix Index
		if err := bcs.Unmarshal(data, &ix); err == nil {
			if again := bcs.Marshal(&ix); !bytes.Equal(again, data) {
				t.Fatalf("index %x re-encodes to %x", data, again)
			}
		} else if !errors.Is(err, bcs.ErrMalformed) {
			t.Fatalf("index: untyped error %v", err)
		}

		if id, err := ParsePatchID(string(data)); err == nil {
			if id.String() != string(data) {
				t.Fatalf("patch ID %q re-encodes to %q", data, id)
			}
		} else if !errors.Is(err, ErrInvalidPatchID) {
			t.Fatalf("patch ID: untyped error %v", err)
		}
		if id, err := ParseInternalID(data); err == nil && !bytes.Equal(id.Bytes(), data) {
			t.Fatalf("internal ID %x re-encodes to %x", data, id.Bytes())
		}
	})
}
