package quilt

import (
	"encoding/binary"
	"errors"
	"slices"
	"testing"

	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/internal/bcs"
)

// Hostile quilts are made by hand at n = 10 (4 rows, 7 columns) with 10-byte symbols, so
// a column holds 40 bytes.
const (
	hostileShards     = 10
	hostileSymbolSize = 10
)

func hostileLayout() layout { return layout{rows: 4, cols: 7, symbolSize: hostileSymbolSize} }

// rawQuilt lays out parts: parts[c] is written as the run starting at column c.
func rawQuilt(parts map[int][]byte) []byte {
	l := hostileLayout()
	blob := make([]byte, l.rows*l.rowSize())
	for c, b := range parts {
		l.writeColumns(blob, c, 0, b)
	}
	return blob
}

// indexPart is version 1, the u32 length of body, then body.
func indexPart(body []byte) []byte {
	return append(binary.LittleEndian.AppendUint32([]byte{quiltVersionV1}, uint32(len(body))), body...)
}

// oneEntryIndex is a valid index of one patch "a" in columns [1, 2).
func oneEntryIndex() []byte {
	return bcs.Marshal(&Index{Patches: []IndexEntry{{Identifier: "a", End: 2}}})
}

// patchPart is a patch header with the given length field and mask, then rest.
func patchPart(length uint32, mask byte, rest ...byte) []byte {
	return append(append(binary.LittleEndian.AppendUint32([]byte{quiltVersionV1}, length), mask), rest...)
}

// identifierSection is the u16 length and BCS form of id.
func identifierSection(id string) []byte {
	var e bcs.Encoder
	e.String(id)
	return append(binary.LittleEndian.AppendUint16(nil, uint16(len(e.Bytes()))), e.Bytes()...)
}

func TestOpenRejectsMalformed(t *testing.T) {
	p := mustParams(t, hostileShards)
	valid := oneEntryIndex()
	cases := []struct {
		name string
		blob []byte
		want error
	}{
		{"empty", nil, ErrMalformed},
		{"not a multiple of the source symbols", make([]byte, 281), ErrMalformed},
		{"all zeros", make([]byte, 280), ErrUnsupportedVersion},
		{"version 2", rawQuilt(map[int][]byte{0: append([]byte{2}, indexPart(valid)[1:]...)}), ErrUnsupportedVersion},
		{"index length 2^32-1", rawQuilt(map[int][]byte{0: {1, 0xff, 0xff, 0xff, 0xff}}), ErrMalformed},
		{"index beyond the columns", rawQuilt(map[int][]byte{0: {1, 0, 1, 0, 0}}), ErrMalformed},
		{"index length one short", rawQuilt(map[int][]byte{0: indexPart(valid[:len(valid)-1])}), bcs.ErrMalformed},
		{"index length one long", rawQuilt(map[int][]byte{0: indexPart(append(slices.Clone(valid), 0))}), bcs.ErrMalformed},
		{"empty index body", rawQuilt(map[int][]byte{0: indexPart(nil)}), ErrMalformed},
		{"huge patch count", rawQuilt(map[int][]byte{0: indexPart([]byte{0xff, 0xff, 0xff, 0xff, 0x07})}), ErrMalformed},
		{"non-canonical ULEB128", rawQuilt(map[int][]byte{0: indexPart([]byte{0x81, 0x00, 2, 0, 1, 'a', 0})}), ErrMalformed},
		{"identifier not UTF-8", rawQuilt(map[int][]byte{0: indexPart([]byte{1, 2, 0, 1, 0xff, 0})}), ErrMalformed},
		{"tag not UTF-8", rawQuilt(map[int][]byte{0: indexPart([]byte{1, 2, 0, 1, 'a', 1, 1, 0xc3, 0})}), ErrMalformed},
		// Tags "type" then "x": BCS wants "x" (length 1) first.
		{"tags out of order", rawQuilt(map[int][]byte{0: indexPart([]byte{1, 2, 0, 1, 'a', 2,
			4, 't', 'y', 'p', 'e', 1, 'b', 1, 'x', 1, 'y'})}), ErrMalformed},
		{"repeated tag", rawQuilt(map[int][]byte{0: indexPart([]byte{1, 2, 0, 1, 'a', 2, 1, 'x', 0, 1, 'x', 0})}), ErrMalformed},
	}
	for _, c := range cases {
		q, err := Open(p, c.blob)
		if !errors.Is(err, c.want) || q != nil {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
	if _, err := Open(encoding.Params{NShards: 2}, make([]byte, 6)); !errors.Is(err, ErrInvalidParams) {
		t.Errorf("invalid params: %v", err)
	}
}

func TestPatchRejectsMalformed(t *testing.T) {
	p := mustParams(t, hostileShards)
	index := indexPart(oneEntryIndex())
	id := identifierSection("a")
	cases := []struct {
		name  string
		patch []byte
		want  []error
	}{
		{"version 0", append([]byte{0}, patchPart(uint32(len(id)), 0, id...)[1:]...), []error{ErrMalformed}},
		{"length below the identifier section", patchPart(uint32(len(id)-1), 0, id...), []error{ErrMalformed}},
		{"identifier section longer than its string", patchPart(5, 0, 3, 0, 1, 'a', 'b'), []error{ErrMalformed, bcs.ErrMalformed}},
		{"identifier section shorter than its string", patchPart(3, 0, 1, 0, 2, 'a', 'b'), []error{ErrMalformed, bcs.ErrMalformed}},
		{"empty identifier", patchPart(3, 0, 1, 0, 0), []error{ErrMalformed, ErrInvalidIdentifier}},
		{"control character in identifier", patchPart(4, 0, 2, 0, 1, 0x07), []error{ErrMalformed, ErrInvalidIdentifier}},
		{"identifier not UTF-8", patchPart(4, 0, 2, 0, 1, 0xfe), []error{ErrMalformed}},
		{"tags flagged but missing", patchPart(uint32(len(id)), maskHasTags, id...), []error{ErrMalformed}},
		{"tags garbage", patchPart(uint32(len(id)+3), maskHasTags, append(slices.Clone(id), 1, 0, 9)...), []error{ErrMalformed, bcs.ErrMalformed}},
		{"data beyond the quilt", patchPart(1<<20, 0, id...), []error{ErrMalformed}},
		{"length 2^32-1", patchPart(0xffffffff, 0, id...), []error{ErrMalformed}},
	}
	for _, c := range cases {
		q, err := Open(p, rawQuilt(map[int][]byte{0: index, 1: c.patch}))
		if err != nil {
			t.Fatalf("%s: Open: %v", c.name, err)
		}
		for name, read := range map[string]func() error{
			"Patch":   func() error { _, err := q.Patch("a"); return err },
			"PatchAt": func() error { _, err := q.PatchAt(InternalID{Start: 1, End: 2}); return err },
			"Patches": func() error { _, err := q.Patches(); return err },
			"List":    func() error { _, err := q.List(encoding.BlobID{}); return err },
			"PatchFromSlivers": func() error {
				_, err := PatchFromSlivers(p, secondarySlivers(p, q.Bytes()), InternalID{Start: 1, End: 2})
				return err
			},
		} {
			err := read()
			for _, want := range c.want {
				if !errors.Is(err, want) {
					t.Errorf("%s: %s: %v, want %v", c.name, name, err, want)
				}
			}
		}
	}
}

func TestPatchAtOutOfRange(t *testing.T) {
	p := mustParams(t, hostileShards)
	q, err := Build(p, numbered(2))
	if err != nil {
		t.Fatal(err)
	}
	for _, start := range []uint16{7, 100, 65535} {
		if _, err := q.PatchAt(InternalID{Start: start, End: start + 1}); !errors.Is(err, ErrMalformed) {
			t.Errorf("start %d: %v", start, err)
		}
	}
}

func TestSliverInputErrors(t *testing.T) {
	p := mustParams(t, hostileShards)
	q, err := Build(p, numbered(3))
	if err != nil {
		t.Fatal(err)
	}
	slivers := secondarySlivers(p, q.Bytes())
	primary := slivers[0]
	primary.Axis = encoding.Primary
	short := slivers[1]
	short.Data = short.Data[1:]
	otherSize := encoding.Sliver{Axis: encoding.Secondary, Index: 2, SymbolSize: slivers[0].SymbolSize + 2,
		Data: make([]byte, 4*int(slivers[0].SymbolSize+2))}
	zero := encoding.Sliver{Axis: encoding.Secondary, Index: 3}
	cases := []struct {
		name    string
		slivers []encoding.Sliver
		want    error
	}{
		{"none", nil, ErrMissingSlivers},
		{"only repair slivers", []encoding.Sliver{{Axis: encoding.Secondary, Index: 8, SymbolSize: 2, Data: make([]byte, 8)}}, ErrMissingSlivers},
		{"without column 0", slivers[1:], ErrMissingSlivers},
		{"a primary sliver", []encoding.Sliver{primary}, ErrMalformed},
		{"a short sliver", []encoding.Sliver{slivers[0], short}, ErrMalformed},
		{"mixed symbol sizes", []encoding.Sliver{slivers[0], otherSize}, ErrMalformed},
		{"zero symbol size", []encoding.Sliver{slivers[0], zero}, ErrMalformed},
	}
	for _, c := range cases {
		if _, err := IndexFromSlivers(p, c.slivers); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
	// Repair slivers and repeats are ignored.
	indexColumns := slivers[:q.Index().Patches[0].Start]
	extra := append(append([]encoding.Sliver{indexColumns[0]}, indexColumns...),
		encoding.Sliver{Axis: encoding.Secondary, Index: 9, SymbolSize: 2, Data: make([]byte, 8)})
	if ix, err := IndexFromSlivers(p, extra); err != nil || !indexEqual(ix, q.Index()) {
		t.Errorf("with a repair sliver and a repeat: %v", err)
	}
}

// TestCorruptionNeverPanics flips each byte of a valid quilt to several values, and reads
// everything from the result: any failure must be one of the package's errors.
func TestCorruptionNeverPanics(t *testing.T) {
	p := mustParams(t, hostileShards)
	q, err := Build(p, []Patch{
		{Identifier: "a.bin", Tags: map[string]string{"type": "bin", "x": "y"}, Data: make([]byte, 100)},
		{Identifier: "b.txt", Data: []byte("hello walrus")},
	})
	if err != nil {
		t.Fatal(err)
	}
	for i := range q.Bytes() {
		for _, v := range []byte{0x00, 0x01, 0x02, 0x7f, 0x80, 0xff} {
			blob := slices.Clone(q.Bytes())
			blob[i] = v
			exerciseReaders(t, p, blob)
		}
	}
}

// exerciseReaders runs every reader on blob and checks that the errors are typed.
func exerciseReaders(t testing.TB, p encoding.Params, blob []byte) {
	t.Helper()
	check := func(what string, err error) {
		if err != nil && !isPackageError(err) {
			t.Fatalf("%s: untyped error %v", what, err)
		}
	}
	var slivers []encoding.Sliver
	if len(blob) > 0 && len(blob)%p.SourceSymbols() == 0 && len(blob)/p.SourceSymbols() <= 0xffff {
		slivers = secondarySlivers(p, blob)
		fromSlivers, err := IndexFromSlivers(p, slivers)
		check("IndexFromSlivers", err)
		q, openErr := Open(p, blob)
		if (err == nil) != (openErr == nil) || err == nil && !indexEqual(fromSlivers, q.Index()) {
			t.Fatalf("IndexFromSlivers (%v) and Open (%v) disagree", err, openErr)
		}
	}
	q, err := Open(p, blob)
	check("Open", err)
	if err != nil {
		return
	}
	_, err = q.Patches()
	check("Patches", err)
	_, err = q.List(encoding.BlobID{})
	check("List", err)
	for _, e := range q.Index().Patches {
		a, errA := q.Patch(e.Identifier)
		check("Patch", errA)
		b, errB := q.PatchAt(e.InternalID())
		check("PatchAt", errB)
		c, errC := PatchFromSlivers(p, slivers, e.InternalID())
		check("PatchFromSlivers", errC)
		if (errB == nil) != (errC == nil) || errB == nil && (!patchEqual(b, c)) {
			t.Fatalf("PatchAt (%v) and PatchFromSlivers (%v) disagree", errB, errC)
		}
		if first, _ := q.Index().Find(e.Identifier); first.Start == e.Start && ((errA == nil) != (errB == nil) || errA == nil && !patchEqual(a, b)) {
			t.Fatalf("Patch (%v) and PatchAt (%v) disagree", errA, errB)
		}
	}
}

func isPackageError(err error) bool {
	for _, sentinel := range []error{ErrMalformed, ErrUnsupportedVersion, ErrMissingSlivers, ErrInvalidParams, ErrPatchNotFound} {
		if errors.Is(err, sentinel) {
			return true
		}
	}
	return false
}
