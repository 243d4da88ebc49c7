package quilt

import "fmt"

// A quilt is read and written as runs of columns: a part that starts at column c fills
// column c from the top (symbol by symbol, row 0 down to the last row), then column c+1,
// and so on. Column c of the message matrix is also secondary sliver c, so the same
// stream can be read from the decoded blob (row-major) or from secondary slivers.

// layout is the shape of a quilt's message matrix.
type layout struct {
	rows, cols int // in symbols: n-2f rows, n-f columns
	symbolSize int
}

func (l layout) columnSize() int { return l.rows * l.symbolSize }
func (l layout) rowSize() int    { return l.cols * l.symbolSize }
func (l layout) numColumns() int { return l.cols }

// blobOffset is where byte pos of the run starting at column start lies in the row-major
// blob, and how many bytes of the same symbol follow it (itself included).
func (l layout) blobOffset(start, pos int) (offset, symbolRest int) {
	colSize := l.columnSize()
	col := start + pos/colSize
	within := pos % colSize
	row, inSymbol := within/l.symbolSize, within%l.symbolSize
	return row*l.rowSize() + col*l.symbolSize + inSymbol, l.symbolSize - inSymbol
}

// writeColumns writes src as bytes [skip, skip+len(src)) of the run starting at column
// start. The caller guarantees that they fit.
func (l layout) writeColumns(blob []byte, start, skip int, src []byte) {
	for pos := skip; len(src) > 0; {
		off, rest := l.blobOffset(start, pos)
		n := copy(blob[off:off+min(rest, len(src))], src)
		src, pos = src[n:], pos+n
	}
}

// columnReader reads runs of a quilt's columns.
type columnReader interface {
	// read returns bytes [skip, skip+n) of the run starting at column start, in a new slice.
	read(start int, skip, n uint64) ([]byte, error)
	// columnSize is the number of bytes in a column.
	columnSize() int
	// numColumns is the number of columns of the quilt (n-f).
	numColumns() int
}

// columnSpan checks that bytes [skip, skip+n) of the run starting at column start lie in
// the nCols columns, and returns the first and last column they touch (n > 0).
func columnSpan(start int, skip, n uint64, nCols, columnSize int) (first, last int, err error) {
	colSize := uint64(columnSize)
	if start < 0 || start >= nCols || colSize == 0 ||
		skip/colSize >= uint64(nCols-start) || (skip+n-1)/colSize >= uint64(nCols-start) {
		return 0, 0, fmt.Errorf("%w: %d bytes at offset %d of column %d run past the quilt's %d columns",
			ErrMalformed, n, skip, start, nCols)
	}
	return start + int(skip/colSize), start + int((skip+n-1)/colSize), nil
}

// maxRead bounds a single read (a patch is at most 4 GiB plus its header); it keeps the
// span arithmetic far from overflow.
const maxRead = 1 << 33

// blobColumns reads the columns of a decoded quilt blob.
type blobColumns struct {
	layout
	blob []byte
}

func (b blobColumns) read(start int, skip, n uint64) ([]byte, error) {
	if n == 0 {
		return []byte{}, nil
	}
	if skip > maxRead || n > maxRead {
		return nil, fmt.Errorf("%w: read of %d bytes at offset %d is too large", ErrMalformed, n, skip)
	}
	if _, _, err := columnSpan(start, skip, n, b.cols, b.columnSize()); err != nil {
		return nil, err
	}
	out := make([]byte, n)
	for pos, dst := int(skip), out; len(dst) > 0; {
		off, rest := b.blobOffset(start, pos)
		c := copy(dst, b.blob[off:off+min(rest, len(dst))])
		dst, pos = dst[c:], pos+c
	}
	return out, nil
}

// sliverColumns reads columns given as secondary slivers, some of which may be missing.
type sliverColumns struct {
	cols    int
	colSize int
	columns map[int][]byte
}

func (s sliverColumns) columnSize() int { return s.colSize }
func (s sliverColumns) numColumns() int { return s.cols }

func (s sliverColumns) read(start int, skip, n uint64) ([]byte, error) {
	if n == 0 {
		return []byte{}, nil
	}
	if skip > maxRead || n > maxRead {
		return nil, fmt.Errorf("%w: read of %d bytes at offset %d is too large", ErrMalformed, n, skip)
	}
	first, last, err := columnSpan(start, skip, n, s.cols, s.colSize)
	if err != nil {
		return nil, err
	}
	var missing []int
	for c := first; c <= last; c++ {
		if _, ok := s.columns[c]; !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%w: secondary slivers %v", ErrMissingSlivers, missing)
	}
	out := make([]byte, 0, n)
	offset := int(skip % uint64(s.colSize))
	for c := first; c <= last; c++ {
		col := s.columns[c][offset:]
		out = append(out, col[:min(len(col), int(n)-len(out))]...)
		offset = 0
	}
	return out, nil
}
