package encoding

import (
	"github.com/tuskstore/tusk/encoding/merkle"
	"github.com/tuskstore/tusk/encoding/rs"
)

// emitter takes the finished symbols of a tile: it hashes them into the leaves and
// streams them to their slivers, and it prefetches the originals of the next tile.
//
// Hashing is compute-bound, the rest is memory traffic. Done in bursts, streaming a few
// kilobytes or touching the next tile's originals stalls the core until memory
// catches up; so the traffic is queued and issued a little at a time, between groups of
// eight leaves hashed (tick), where it proceeds while the core computes.
type emitter struct {
	leaves  []merkle.Digest
	streams []streamJob

	prefetch   [][]byte // ranges to prefetch
	pfNext     int      // the range being prefetched
	pfProgress int      // bytes of it done
	pfBudget   int      // bytes to prefetch per tick
}

// streamJob is a queued streaming copy.
type streamJob struct{ dst, src []byte }

// queueStream queues the copy of src (which must stay unchanged until the next flush)
// to dst, and prefetches the partial lines at its ends meanwhile.
func (em *emitter) queueStream(dst, src []byte) {
	rs.PrepareStream(dst[:len(src)])
	em.streams = append(em.streams, streamJob{dst, src})
}

// queuePrefetch plans to prefetch ranges over about ticks ticks.
func (em *emitter) queuePrefetch(ranges [][]byte, ticks int) {
	em.prefetch = append(em.prefetch[:0], ranges...)
	total := 0
	for _, r := range ranges {
		total += len(r)
	}
	em.pfBudget = (total/max(1, ticks) + 63) &^ 63
	em.pfNext, em.pfProgress = 0, 0
}

// tick issues one queued stream and the next slice of the prefetch.
func (em *emitter) tick() {
	if len(em.streams) > 0 {
		j := em.streams[len(em.streams)-1]
		em.streams = em.streams[:len(em.streams)-1]
		rs.StreamCopy(j.dst, j.src)
	}
	for budget := em.pfBudget; budget > 0 && em.pfNext < len(em.prefetch); {
		r := em.prefetch[em.pfNext][em.pfProgress:]
		n := min(budget, len(r))
		rs.Prefetch(r[:n])
		budget -= n
		em.pfProgress += n
		if n == len(r) {
			em.pfNext, em.pfProgress = em.pfNext+1, 0
		}
	}
}

// flush issues the queued streams.
func (em *emitter) flush() {
	for _, j := range em.streams {
		rs.StreamCopy(j.dst, j.src)
	}
	em.streams = em.streams[:0]
}

// release drops the emitter's references to the blob and the slivers once an encode is
// done (its queue must be empty), so that a kept Workspace does not keep the blob.
func (em *emitter) release() {
	clear(em.streams[:cap(em.streams)])
	clear(em.prefetch[:cap(em.prefetch)])
	em.streams, em.prefetch, em.leaves = em.streams[:0], em.prefetch[:0], nil
	em.pfNext, em.pfProgress = 0, 0
}

// leafGrid maps symbol b of run j of a tile to its leaf: base + j*jStride + b*bStride.
type leafGrid struct{ base, jStride, bStride int }

func (g leafGrid) at(j, b int) int { return g.base + j*g.jStride + b*g.bStride }

// hashRuns hashes runs of w symbols of s bytes, back to back in data, the first being
// run j0 of grid, eight leaves at a time with a tick after each eight.
func (em *emitter) hashRuns(data []byte, s, w, j0 int, grid leafGrid) {
	var d [8]merkle.Digest
	total := len(data) / s
	j, b := j0, 0 // the next leaf's run and symbol
	for k := 0; k < total; k += 8 {
		n := min(8, total-k)
		merkle.LeafHashes(d[:n], data[k*s:], s)
		for i := 0; i < n; i++ {
			em.leaves[grid.at(j, b)] = d[i]
			if b++; b == w {
				j, b = j+1, 0
			}
		}
		em.tick()
	}
}

// runBatch is the number of runs unpacked (or gathered), hashed and streamed together:
// eight runs of any length make whole eight-lane hash groups.
const runBatch = 8

// runScratch is double-buffered scratch for batches of runs: a batch's runs are
// streamed while the next batch is hashed.
type runScratch struct {
	buf  []byte
	half int
	cur  int
}

func (rsc *runScratch) reset(w *worker, runBytes int) {
	rsc.half = runBatch * runBytes
	// 32 bytes of slack past the last run, which packing may read (see rs.Packing.PackRun).
	w.corner = grow(w.corner, 2*rsc.half+32)
	rsc.buf, rsc.cur = w.corner, 0
}

// next returns the other half, for the next batch.
func (rsc *runScratch) next() []byte {
	rsc.cur ^= 1
	return rsc.buf[rsc.cur*rsc.half : (rsc.cur+1)*rsc.half]
}

// emitRuns takes the repairs of a whole-symbol tile: run j (repair j of the tile's
// codewords) is unpacked into scratch, hashed into the leaves given by grid and, if dst
// is not nil, streamed to dst(j).
func (em *emitter) emitRuns(w *worker, pk *rs.Packing, tile *rs.Tile, runs, s int, grid leafGrid, dst func(j int) []byte) {
	count := pk.Count()
	runBytes := count * s
	var sc runScratch
	sc.reset(w, runBytes)
	for j0 := 0; j0 < runs; j0 += runBatch {
		j1 := min(j0+runBatch, runs)
		buf := sc.next()
		for j := j0; j < j1; j++ {
			pk.UnpackRun(buf[(j-j0)*runBytes:(j-j0+1)*runBytes], tile.Out(j))
		}
		// The previous batch's streams go out during this batch's hashing.
		em.hashRuns(buf[:(j1-j0)*runBytes], s, count, j0, grid)
		em.flush()
		if dst != nil {
			for j := j0; j < j1; j++ {
				em.queueStream(dst(j), buf[(j-j0)*runBytes:(j-j0+1)*runBytes])
			}
		}
	}
	em.flush() // the scratch is reused next
}
