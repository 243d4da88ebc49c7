package encoding

import (
	"github.com/tuskstore/tusk/encoding/rs"
)

// columnPass extends the columns [from, to) with the primary code, taking the
// originals of column c from secondary sliver c (column-major, so they are read
// sequentially). The repairs of message columns (< k2) are rows k1..n-1 of the primary
// slivers; those of the columns of secondary repairs (≥ k2), the corner of the expanded
// matrix, are only hashed. It hashes every symbol of these columns in the rows k1..n-1.
// from and to are boundaries of column groups (see columnGroup).
func (e *Codec) columnPass(w *worker, from, to int, primary, secondary [][]byte, s int) {
	count, segs := tilePlan(w.colTile, s)
	if count > 1 {
		e.columnPassWhole(w, from, to, count, segs[0], primary, secondary, s)
	} else {
		e.columnPassSegmented(w, from, to, segs, primary, secondary, s)
	}
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
func (e *Codec) columnPassWhole(w *worker, from, to, count int, seg rs.Segment, primary, secondary [][]byte, s int) {
	p := e.params
	n, k1, k2 := p.NShards, p.PrimarySymbols(), p.SecondarySymbols()
	tile, em := w.colTile, &w.emit
	for a := from; a < to; {
		b := columnGroup(a, count, to, k2)
		width := b - a
		pk := rs.NewPacking(s, seg, width)
		w.resetTile(tile, pk.Len())
		for i := 0; i < k1; i++ {
			pk.PackSlivers(tile.In(i), secondary[a:b], i*s)
		}
		em.queuePrefetch(secondary[b:columnGroup(b, count, to, k2)], (n-k1)*width/8)
		tile.Encode()
		// Repair j of the group is symbols a..b-1 of primary sliver k1+j.
		var dst func(j int) []byte
		if a < k2 {
			dst = func(j int) []byte { return primary[k1+j][a*s : b*s] }
		}
		em.emitRuns(w, &pk, tile, n-k1, s, leafGrid{base: k1*n + a, jStride: n, bStride: 1}, dst)
		a = b
	}
}

// columnPassSegmented: a tile is one column, transformed one segment at a time; its
// repairs are hashed segment by segment while the segment is streamed out, and the
// next segment's originals are prefetched.
func (e *Codec) columnPassSegmented(w *worker, from, to int, segs []rs.Segment, primary, secondary [][]byte, s int) {
	p := e.params
	n, k1, k2 := p.NShards, p.PrimarySymbols(), p.SecondarySymbols()
	tile, sh, em := w.colTile, &w.hashers, &w.emit
	var next [][]byte
	for c := from; c < to; c++ {
		sh.reset(n - k1)
		col := secondary[c]
		for si, seg := range segs {
			pk := rs.NewPacking(s, seg, 1)
			w.resetTile(tile, pk.Len())
			lo, hi, tail := pk.Bounds()
			tl := pk.TailLen()
			for i := 0; i < k1; i++ {
				sym := col[i*s : (i+1)*s]
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
					next = append(next, secondary[nc][i*s+lo:i*s+hi])
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
				if c < k2 {
					dst := primary[k1+j][c*s : (c+1)*s]
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
