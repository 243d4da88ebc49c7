package quilt

import (
	"fmt"

	"github.com/tuskstore/tusk/encoding"
)

// ceilDiv is ⌈a / b⌉ for b > 0.
func ceilDiv(a, b uint64) uint64 { return (a + b - 1) / b }

// columnsFor is how many columns of columnSize bytes the parts take, each part starting
// on a fresh column.
func columnsFor(sizes []uint64, columnSize uint64) uint64 {
	var n uint64
	for _, s := range sizes {
		n += ceilDiv(s, columnSize)
	}
	return n
}

// findSymbolSize is Walrus's compute_symbol_size: the smallest symbol size (then rounded up
// to the RS2 alignment of 2) with which every part fits in its own run of the nCols
// columns of nRows symbols. sizes[0] is the index with its prefix, which must also fit in
// maxIndexCols columns. Walrus's bounds and binary search are kept as they are, so the
// result is the reference's.
func findSymbolSize(sizes []uint64, nCols, nRows, maxIndexCols int) (int, error) {
	if len(sizes) > nCols {
		return 0, fmt.Errorf("%w: %d patches, at most %d fit in %d columns", ErrTooManyPatches, len(sizes)-1, nCols-1, nCols)
	}
	if len(sizes) == 0 {
		return 0, ErrNoPatches
	}
	cols, rows := uint64(nCols), uint64(nRows)
	var total, largest uint64
	for _, s := range sizes {
		total += s
		largest = max(largest, s)
	}
	lo := max(
		ceilDiv(total, cols*rows),
		ceilDiv(sizes[0], rows*uint64(maxIndexCols)),
		ceilDiv(indexPrefixSize, rows),
	)
	hi := ceilDiv(largest, cols/uint64(len(sizes))*rows)
	for lo < hi {
		mid := (lo + hi) / 2
		if columnsFor(sizes, mid*rows) <= cols {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	symbolSize := lo + lo%2 // RS2 required alignment
	if symbolSize > encoding.MaxSymbolSize {
		return 0, fmt.Errorf("%w: the patches need symbols of %d bytes, the maximum is %d", ErrTooLarge, symbolSize, encoding.MaxSymbolSize)
	}
	return int(symbolSize), nil
}
