package encoding

import (
	"github.com/tuskstore/tusk/encoding/rs"
)

// rowPass extends the message rows [from, to) with the secondary code: the repairs are
// secondary slivers k2..n-1 (column-major). As it packs the message it also writes it
// into secondary slivers 0..k2-1 (the transposition) unless they are nil, and it hashes
// every symbol of these rows of the expanded matrix. from and to are multiples of the
// tiles' row count (or k1).
func (e *Codec) rowPass(w *worker, from, to int, primary, secondary [][]byte, s int) {
	count, segs := tilePlan(w.rowTile, s)
	if count > 1 {
		e.rowPassWhole(w, from, to, count, segs[0], primary, secondary, s)
	} else {
		e.rowPassSegmented(w, from, to, segs, primary, secondary, s)
	}
}

// rowPassWhole: a tile is a group of rows. Column c of the group, one run of symbols,
// is gathered into scratch, packed from there, hashed and streamed to secondary sliver
// c; then the group's repairs are unpacked, hashed and streamed to secondary slivers
// k2..n-1.
func (e *Codec) rowPassWhole(w *worker, from, to, count int, seg rs.Segment, primary, secondary [][]byte, s int) {
	p := e.params
	n, k2 := p.NShards, p.SecondarySymbols()
	tile, em := w.rowTile, &w.emit
	var next [][]byte
	for r0 := from; r0 < to; r0 += count {
		r1 := min(r0+count, to)
		g := r1 - r0
		runBytes := g * s
		pk := rs.NewPacking(s, seg, g)
		w.resetTile(tile, pk.Len())
		// Leaf (r0+b, c) is symbol b of run c, for message and repair columns alike.
		grid := leafGrid{base: r0 * n, jStride: 1, bStride: n}
		var sc runScratch
		sc.reset(w, runBytes)
		for c0 := 0; c0 < k2; c0 += runBatch {
			c1 := min(c0+runBatch, k2)
			buf := sc.next()
			// The originals of the next batch (or of the next group's first), fetched
			// while this batch is hashed: the gather reads them from g rows at once,
			// more streams than the CPU's prefetchers follow.
			nr0, nr1, nc := r0, r1, c1
			if c1 == k2 {
				nr0, nr1, nc = r1, min(r1+count, to), 0
			}
			next = next[:0]
			for r := nr0; r < nr1; r++ {
				next = append(next, primary[r][nc*s:min(nc+runBatch, k2)*s])
			}
			em.queuePrefetch(next, g)
			for c := c0; c < c1; c++ {
				run := buf[(c-c0)*runBytes : (c-c0+1)*runBytes]
				for r := r0; r < r1; r++ {
					copy(run[(r-r0)*s:(r-r0+1)*s], primary[r][c*s:(c+1)*s])
				}
				pk.PackRun(tile.In(c), run)
			}
			em.hashRuns(buf[:(c1-c0)*runBytes], s, g, c0, grid)
			em.flush()
			for c := c0; c < c1 && secondary[c] != nil; c++ {
				em.queueStream(secondary[c][r0*s:r1*s], buf[(c-c0)*runBytes:(c-c0+1)*runBytes])
			}
		}
		em.flush()
		tile.Encode()
		grid.base += k2
		em.emitRuns(w, &pk, tile, n-k2, s, grid, func(j int) []byte { return secondary[k2+j][r0*s : r1*s] })
	}
}

// rowPassSegmented: a tile is one row, transformed one segment at a time. The row's n
// symbols (k2 message symbols, read from the row, and n-k2 repairs, read from the
// tile) are hashed segment by segment, while the segment is streamed out.
func (e *Codec) rowPassSegmented(w *worker, from, to int, segs []rs.Segment, primary, secondary [][]byte, s int) {
	p := e.params
	n, k2 := p.NShards, p.SecondarySymbols()
	tile, sh, em := w.rowTile, &w.hashers, &w.emit
	var next [][]byte
	for r := from; r < to; r++ {
		row := primary[r]
		sh.reset(n)
		for si, seg := range segs {
			pk := rs.NewPacking(s, seg, 1)
			w.resetTile(tile, pk.Len())
			lo, hi, tail := pk.Bounds()
			tl := pk.TailLen()
			for c := 0; c < k2; c++ {
				sym := row[c*s : (c+1)*s]
				pk.PackTail(tile.In(c), 0, sym)
				tile.SetSource(c, sym[lo:hi]) // read by the transform where it is
				if secondary[c] != nil {
					dst := secondary[c][r*s : (r+1)*s]
					em.queueStream(dst[lo:hi], sym[lo:hi])
					copy(dst[tail:tail+tl], sym[tail:tail+tl])
				}
			}
			// The originals of the next segment (or of the next row's first).
			next = next[:0]
			if nr, ns := r, si+1; ns < len(segs) || r+1 < to {
				if ns == len(segs) {
					nr, ns = r+1, 0
				}
				lo, hi := segBytes(segs[ns], s)
				for c := 0; c < k2; c++ {
					next = append(next, primary[nr][c*s+lo:c*s+hi])
				}
			}
			em.queuePrefetch(next, (n+7)/8)
			tile.Encode()
			for j := 0; j < n-k2; j++ {
				out := tile.Out(j)
				dst := secondary[k2+j][r*s : (r+1)*s]
				em.queueStream(dst[lo:hi], pk.Chunks(out, 0))
				if tl > 0 {
					pk.UnpackTail(dst[tail:], out, 0)
				}
			}
			sh.write(em, func(i int) []byte {
				if i < k2 {
					return row[i*s+lo : i*s+hi]
				}
				return pk.Chunks(tile.Out(i-k2), 0)
			})
			if tl > 0 {
				sh.write(em, func(i int) []byte {
					if i < k2 {
						return row[i*s+tail : (i+1)*s]
					}
					return secondary[i][r*s+tail : (r+1)*s]
				})
			}
			em.flush() // the arena is packed again next
		}
		sh.sum(em.leaves, func(i int) int { return r*n + i })
	}
}
