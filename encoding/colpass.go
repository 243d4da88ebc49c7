package encoding

import (
	"github.com/tuskstore/tusk/encoding/rs"
)

// columnPass extends the columns [from, to) with the primary code, reading their
// originals and writing the repairs of message columns (< k2) as cd says; the repairs
// of the columns of secondary repairs (≥ k2), the corner of the expanded matrix, are
// only hashed. It hashes every symbol of these columns in the rows k1..n-1. from and to
// are boundaries of column groups (see columnGroup).
func (e *Codec) columnPass(w *worker, from, to int, cd columnData) {
	count, segs := tilePlan(w.colTile, cd.s)
	if count > 1 {
		e.columnPassWhole(w, from, to, count, segs[0], cd)
	} else {
		e.columnPassSegmented(w, from, to, segs, cd)
	}
}

// columnData is where the column pass reads the originals of a column and writes its
// repairs.
type columnData struct {
	// cols[c] is secondary sliver c, the originals of column c column-major, so that
	// they are read sequentially. Where it is nil (the message columns of an encode
	// that keeps no slivers) they are read in place from rows, the k1 message rows.
	cols, rows [][]byte
	// repairs are the primary slivers k1..n-1, where the repairs of the message
	// columns go; nil if they are only hashed.
	repairs [][]byte
	s       int
}

// original returns symbol i of column c.
func (cd columnData) original(c, i int) []byte {
	s := cd.s
	if cd.cols[c] == nil {
		return cd.rows[i][c*s : (c+1)*s]
	}
	return cd.cols[c][i*s : (i+1)*s]
}

// packRow packs the originals of row i of the column group [a, b) into dst.
func (cd columnData) packRow(pk *rs.Packing, dst []byte, a, b, i int) {
	if cd.cols[a] == nil {
		pk.PackRun(dst, cd.rows[i][a*cd.s:b*cd.s])
		return
	}
	pk.PackSlivers(dst, cd.cols[a:b], i*cd.s)
}

// groupRanges appends to dst the bytes that hold the originals of the column group
// [a, b).
func (cd columnData) groupRanges(dst [][]byte, a, b int) [][]byte {
	if a == b {
		return dst
	}
	if cd.cols[a] == nil {
		for _, row := range cd.rows {
			dst = append(dst, row[a*cd.s:b*cd.s])
		}
		return dst
	}
	return append(dst, cd.cols[a:b]...)
}

// columnGroup is the columns [a, b) of a tile: a group of count columns that does not
// mix message columns and columns of secondary repairs.
func columnGroup(a, count, n, k2 int) int {
	b := min(a+count, n)
	if a < k2 {
		b = min(b, k2)
	}
	return b
}

// columnPassWhole: a tile is a group of columns. The originals of the next group are
// prefetched while this one's repairs are hashed.
func (e *Codec) columnPassWhole(w *worker, from, to, count int, seg rs.Segment, cd columnData) {
	p := e.params
	n, k1, k2, s := p.NShards, p.PrimarySymbols(), p.SecondarySymbols(), cd.s
	tile, em := w.colTile, &w.emit
	var next [][]byte
	for a := from; a < to; {
		b := columnGroup(a, count, to, k2)
		width := b - a
		pk := rs.NewPacking(s, seg, width)
		w.resetTile(tile, pk.Len())
		for i := 0; i < k1; i++ {
			cd.packRow(&pk, tile.In(i), a, b, i)
		}
		next = cd.groupRanges(next[:0], b, columnGroup(b, count, to, k2))
		em.queuePrefetch(next, (n-k1)*width/8)
		tile.Encode()
		// Repair j of the group is symbols a..b-1 of primary sliver k1+j.
		var dst func(j int) []byte
		if a < k2 && cd.repairs != nil {
			dst = func(j int) []byte { return cd.repairs[j][a*s : b*s] }
		}
		em.emitRuns(w, &pk, tile, n-k1, s, leafGrid{base: k1*n + a, jStride: n, bStride: 1}, dst)
		a = b
	}
}

// columnPassSegmented: a tile is one column, transformed one segment at a time; its
// repairs are hashed segment by segment while the segment is streamed out, and the
// next segment's originals are prefetched.
func (e *Codec) columnPassSegmented(w *worker, from, to int, segs []rs.Segment, cd columnData) {
	p := e.params
	n, k1, k2, s := p.NShards, p.PrimarySymbols(), p.SecondarySymbols(), cd.s
	tile, sh, em := w.colTile, &w.hashers, &w.emit
	var next [][]byte
	for c := from; c < to; c++ {
		sh.reset(n - k1)
		for si, seg := range segs {
			pk := rs.NewPacking(s, seg, 1)
			w.resetTile(tile, pk.Len())
			lo, hi, tail := pk.Bounds()
			tl := pk.TailLen()
			for i := 0; i < k1; i++ {
				sym := cd.original(c, i)
				pk.PackTail(tile.In(i), 0, sym)
				tile.SetSource(i, sym[lo:hi]) // read by the transform where it is
			}
			// The originals of the next segment (or of the next column's first).
			next = next[:0]
			if nc, ns := c, si+1; ns < len(segs) || c+1 < to {
				if ns == len(segs) {
					nc, ns = c+1, 0
				}
				lo, hi := segBytes(segs[ns], s)
				for i := 0; i < k1; i++ {
					next = append(next, cd.original(nc, i)[lo:hi])
				}
			}
			em.queuePrefetch(next, (n-k1+7)/8)
			tile.Encode()
			w.tails = grow(w.tails, (n-k1)*tl)
			tails := w.tails
			for j := 0; j < n-k1; j++ {
				out := tile.Out(j)
				if tl > 0 {
					pk.UnpackTail(tails[j*tl:(j+1)*tl], out, 0)
				}
				if c < k2 && cd.repairs != nil {
					dst := cd.repairs[j][c*s : (c+1)*s]
					em.queueStream(dst[lo:hi], pk.Chunks(out, 0))
					copy(dst[tail:], tails[j*tl:(j+1)*tl])
				}
			}
			sh.write(em, func(j int) []byte { return pk.Chunks(tile.Out(j), 0) })
			if tl > 0 {
				sh.write(em, func(j int) []byte { return tails[j*tl : (j+1)*tl] })
			}
			em.flush() // the arena is packed again next
		}
		sh.sum(em.leaves, func(j int) int { return (k1+j)*n + c })
	}
}
