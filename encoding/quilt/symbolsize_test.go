package quilt

import (
	"errors"
	"testing"
)

// TestFindSymbolSize runs the cases of walrus-core's test_quilt_find_min_length, and checks
// that every result fits.
func TestFindSymbolSize(t *testing.T) {
	cases := []struct {
		sizes            []uint64
		cols, rows, mIdx int
		want             int
		err              error
	}{
		{sizes: []uint64{2, 1, 2, 1}, cols: 3, rows: 3, mIdx: 1, err: ErrTooManyPatches},
		{sizes: []uint64{1000, 1, 1}, cols: 4, rows: 7, mIdx: 2, want: 72},
		{sizes: nil, cols: 3, rows: 1, mIdx: 1, err: ErrNoPatches},
		{sizes: []uint64{1}, cols: 3, rows: 2, mIdx: 1, want: 4},
		{sizes: []uint64{115, 80, 4}, cols: 17, rows: 9, mIdx: 3, want: 6},
		{sizes: []uint64{20, 20, 20}, cols: 3, rows: 5, mIdx: 2, want: 4},
		{sizes: []uint64{5, 5, 5}, cols: 5, rows: 1, mIdx: 1, want: 6},
		{sizes: []uint64{25, 35, 45}, cols: 200, rows: 1, mIdx: 3, want: 10},
		{sizes: []uint64{10, 0, 0, 0}, cols: 17, rows: 9, mIdx: 2, want: 2},
		{sizes: []uint64{
			416, 253, 258, 384, 492, 303, 276, 464, 143, 251, 388, 263, 515, 433, 505,
			385, 346, 69, 48, 495, 329, 450, 494, 104, 539, 245, 109, 317, 60,
		}, cols: 34, rows: 16, mIdx: 3, want: 32},
		// A symbol above the RS2 maximum.
		{sizes: []uint64{10, 1 << 20}, cols: 3, rows: 2, mIdx: 10, err: ErrTooLarge},
	}
	for i, c := range cases {
		got, err := findSymbolSize(c.sizes, c.cols, c.rows, c.mIdx)
		if c.err != nil {
			if !errors.Is(err, c.err) {
				t.Errorf("case %d: err %v, want %v", i, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("case %d: %d, %v; want %d", i, got, err, c.want)
			continue
		}
		if columnsFor(c.sizes, uint64(got*c.rows)) > uint64(c.cols) {
			t.Errorf("case %d: symbol size %d does not fit", i, got)
		}
	}
}
