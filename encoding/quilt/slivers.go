package quilt

import (
	"fmt"

	"github.com/tuskstore/tusk/encoding"
)

// Secondary sliver j of a quilt blob is column j of its message matrix, so the index and
// any patch can be read from the few secondary slivers that hold them, without decoding
// the blob. The slivers should have been verified against the quilt's metadata
// (encoding.Codec.VerifySliver) first.

// sliverSource collects the systematic secondary slivers (index < n-f) as columns.
// Repair slivers (index >= n-f) are skipped; if an index repeats, the first one counts.
func sliverSource(p encoding.Params, slivers []encoding.Sliver) (sliverColumns, error) {
	if err := checkParams(p); err != nil {
		return sliverColumns{}, err
	}
	src := sliverColumns{cols: p.SecondarySymbols(), columns: make(map[int][]byte)}
	symbolSize := 0
	for _, s := range slivers {
		if s.Axis != encoding.Secondary {
			return sliverColumns{}, fmt.Errorf("%w: sliver %d is %s, want secondary", ErrMalformed, s.Index, s.Axis)
		}
		if int(s.Index) >= src.cols {
			continue
		}
		if s.SymbolSize == 0 || len(s.Data) != int(s.SymbolSize)*p.PrimarySymbols() {
			return sliverColumns{}, fmt.Errorf("%w: secondary sliver %d has %d bytes for symbol size %d, want %d symbols",
				ErrMalformed, s.Index, len(s.Data), s.SymbolSize, p.PrimarySymbols())
		}
		if symbolSize == 0 {
			symbolSize = int(s.SymbolSize)
		} else if int(s.SymbolSize) != symbolSize {
			return sliverColumns{}, fmt.Errorf("%w: secondary sliver %d has symbol size %d, another has %d",
				ErrMalformed, s.Index, s.SymbolSize, symbolSize)
		}
		if _, dup := src.columns[int(s.Index)]; !dup {
			src.columns[int(s.Index)] = s.Data
		}
	}
	if symbolSize == 0 {
		return sliverColumns{}, fmt.Errorf("%w: no systematic secondary sliver given", ErrMissingSlivers)
	}
	src.colSize = symbolSize * p.PrimarySymbols()
	return src, nil
}

// IndexFromSlivers reads a quilt's index from its first secondary slivers (sliver 0, and
// the next ones if the index is longer than a column). Missing ones are reported with
// ErrMissingSlivers.
func IndexFromSlivers(p encoding.Params, slivers []encoding.Sliver) (Index, error) {
	src, err := sliverSource(p, slivers)
	if err != nil {
		return Index{}, err
	}
	return readIndex(src)
}

// PatchFromSlivers reads the patch at id (e.g. IndexEntry.InternalID or PatchID.Internal)
// from the secondary slivers of its columns. Missing ones are reported with
// ErrMissingSlivers.
func PatchFromSlivers(p encoding.Params, slivers []encoding.Sliver, id InternalID) (Patch, error) {
	src, err := sliverSource(p, slivers)
	if err != nil {
		return Patch{}, err
	}
	return readPatch(src, int(id.Start))
}
