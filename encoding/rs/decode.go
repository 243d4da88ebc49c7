package rs

import "fmt"

// Reconstruct fills in the missing originals of a batch: shards holds the k originals
// then the r repairs, nil or empty where missing, every present shard a run of symbols
// of symbolSize bytes. A missing original is written into its empty slice's capacity
// if that holds the run (as klauspost/reedsolomon does), and allocated otherwise;
// missing repairs stay as they are. It needs at least k present shards.
func (c *Code) Reconstruct(shards [][]byte, symbolSize int) error {
	return c.reconstruct(shards, symbolSize, false)
}

func (c *Code) reconstruct(shards [][]byte, symbolSize int, native bool) error {
	if len(shards) != c.k+c.r {
		return fmt.Errorf("%w: reconstruct got %d shards, want %d", ErrInvalidParameters, len(shards), c.k+c.r)
	}
	count, err := checkBatch(shards, symbolSize, true)
	if err != nil {
		return err
	}
	present := make([]bool, len(shards))
	nPresent, missing := 0, []int(nil)
	for i, s := range shards {
		present[i] = len(s) > 0
		if present[i] {
			nPresent++
		} else if i < c.k {
			missing = append(missing, i)
		}
	}
	if nPresent < c.k {
		return fmt.Errorf("%w: %d of %d present, need %d", ErrTooFewShards, nPresent, len(shards), c.k)
	}
	if len(missing) == 0 {
		return nil
	}
	for _, i := range missing {
		if cap(shards[i]) >= count*symbolSize {
			shards[i] = shards[i][:count*symbolSize]
		} else {
			shards[i] = make([]byte, count*symbolSize)
		}
	}

	var plan *erasurePlan
	if native || !c.lowFastPays(present, count*symbolSize) {
		plan = c.newErasurePlan(present)
	}
	bufs := c.getBuffers()
	defer c.putBuffers(bufs)
	sh := make([][]byte, len(shards))
	return pieces(count, symbolSize, func(first, n int) error {
		lo, hi := first*symbolSize, (first+n)*symbolSize
		pk := shardPacking(symbolSize, n)
		var packed [][]byte
		if !pk.identity() {
			packed = bufs.vectors(slotPacked, len(shards), pk.Len())
		}
		for i, s := range shards {
			switch {
			case pk.identity():
				if present[i] || i < c.k {
					sh[i] = s[lo:hi] // missing originals are written in place
				}
			case present[i]:
				sh[i] = packed[i]
				pk.PackRun(sh[i], s[lo:hi])
			case i < c.k:
				sh[i] = packed[i]
			}
		}
		if plan != nil {
			c.reconstructNative(plan, sh, bufs)
		} else if err := c.reconstructLowFast(sh, present, bufs); err != nil {
			return err
		}
		if !pk.identity() {
			for _, i := range missing {
				pk.UnpackRun(shards[i][lo:hi], sh[i])
			}
		}
		return nil
	})
}

// lowFastPays reports whether klauspost's decoder of the low-rate code (see
// reconstructLowFast) runs instead of the native one: where it can (lowDecodable) and
// the shards are small. Measured on an Intel Xeon, one core, alternated, decoding from
// n-2f primary slivers that klauspost's decoder can use (low rate) and from n-f random
// secondary ones (high rate), n = 100 and 1000, blobs of 1 to 64 MiB, the native
// decoder took 0.47–0.71× klauspost's time with low-rate shards of 50 KB and more,
// 0.88× with 31 KB ones and 1.11× with 4 KB ones; with high-rate shards 0.50–0.65× from
// 25 KB on, 1.0× with 16 KB and 0.88× with 2 KB. So klauspost's high-rate decoder is
// not used.
func (c *Code) lowFastPays(present []bool, shardBytes int) bool {
	return !c.high && shardBytes < lowFastBytes && c.lowDecodable(present)
}

// lowFastBytes is the shard size from which the native decoder is used for the low
// rate too (see lowFastPays): between the 4 KB where it was slower and the 31 KB where
// it was faster.
const lowFastBytes = 16 << 10

// lowDecodable reports whether the present shards allow the klauspost decode of the
// low-rate code: originals plus repairs with index below the decoder's parity count
// (points < 2·pow2(k)) must number at least k.
func (c *Code) lowDecodable(present []bool) bool {
	usable := 0
	for i := 0; i < c.k; i++ {
		if present[i] {
			usable++
		}
	}
	for j := 0; j < min(c.r, c.lowDecPar); j++ {
		if present[c.k+j] {
			usable++
		}
	}
	return usable >= c.k
}

// reconstructLowFast decodes the low-rate code as klauspost(kp, ·) after shifting every
// point by kp: originals land on klauspost's data shards 0..k-1, the known zeros at
// k..kp-1 on its data shards k..kp-1, and repair j < kp on its parity shard j.
func (c *Code) reconstructLowFast(sh [][]byte, present []bool, bufs *buffers) error {
	kp := ceilPow2(c.k)
	size := 0
	for i := range sh {
		if present[i] {
			size = len(sh[i])
			break
		}
	}
	in := make([][]byte, kp+c.lowDecPar)
	for i := 0; i < c.k; i++ {
		if present[i] {
			in[i] = sh[i]
		} else {
			in[i] = sh[i][:0]
		}
	}
	if kp > c.k {
		zero := bufs.bytes(slotZero, size)
		clear(zero)
		for i := c.k; i < kp; i++ {
			in[i] = zero
		}
	}
	for j := 0; j < min(c.r, c.lowDecPar); j++ {
		if present[c.k+j] {
			in[kp+j] = sh[c.k+j]
		}
	}
	l, err := c.leopards()
	if err != nil {
		return err
	}
	if err := l.lowDec.ReconstructData(in); err != nil {
		return fmt.Errorf("rs: reconstruct: %w", err)
	}
	return nil
}

// erasurePlan is the part of a native decode that depends only on which shards are
// present: the FFT size, the point of every shard and the error-locator logarithms.
type erasurePlan struct {
	n       int // FFT size
	points  []int
	present []bool
	locLogs *[order]uint16
	nonZero int // first point past the last present one
	outputs int // first point past the last missing original
	// unfilled are the points below nonZero that no present shard fills: the IFFT
	// reads them, so they are cleared (it takes the points past nonZero as zeros).
	unfilled []int
}

// points returns the FFT point of every shard of the code.
func (c *Code) points() (points []int, n int, erasedTail func(p int) bool) {
	points = make([]int, c.k+c.r)
	if c.high {
		m := ceilPow2(c.r)
		for i := 0; i < c.k; i++ {
			points[i] = m + i
		}
		for j := 0; j < c.r; j++ {
			points[c.k+j] = j
		}
		// Points r..m-1 have no repair; m+k.. are known zeros.
		return points, ceilPow2(m + c.k), func(p int) bool { return p >= c.r && p < m }
	}
	kp := ceilPow2(c.k)
	for i := 0; i < c.k; i++ {
		points[i] = i
	}
	for j := 0; j < c.r; j++ {
		points[c.k+j] = kp + j
	}
	// Points k..kp-1 are known zeros; kp+r.. do not exist.
	return points, ceilPow2(kp + c.r), func(p int) bool { return p >= kp+c.r }
}

func (c *Code) newErasurePlan(present []bool) *erasurePlan {
	t := c.t
	points, n, erasedTail := c.points()
	p := &erasurePlan{n: n, points: points, present: present, locLogs: new([order]uint16)}
	erased := make([]bool, n)
	for q := 0; q < n; q++ {
		erased[q] = erasedTail(q)
	}
	for i, pt := range points {
		if present[i] {
			p.nonZero = max(p.nonZero, pt+1)
		} else {
			erased[pt] = true
			if i < c.k {
				p.outputs = max(p.outputs, pt+1)
			}
		}
	}
	filled := make([]bool, p.nonZero)
	for i, pt := range points {
		if present[i] {
			filled[pt] = true
		}
	}
	for q, f := range filled {
		if !f {
			p.unfilled = append(p.unfilled, q)
		}
	}
	// locLogs[q] = Σ_{e erased} log(q ⊕ e): the log of the error locator at a kept
	// point, and of its derivative at an erased one (a dyadic convolution via FWHT).
	for q, e := range erased {
		if e {
			p.locLogs[q] = 1
		}
	}
	fwht(p.locLogs, n)
	for q := range p.locLogs {
		p.locLogs[q] = uint16(uint32(p.locLogs[q]) * uint32(t.logWalsh[q]) % modulus)
	}
	fwht(p.locLogs, order)
	return p
}

// reconstructNative recovers the missing originals of packed shards sh (missing ones
// allocated, present ones filled) with the error-locator decoder, a cache-sized slice of
// every vector at a time (the transforms are element-wise).
func (c *Code) reconstructNative(p *erasurePlan, sh [][]byte, bufs *buffers) {
	t := c.t
	size := 0
	for i := range sh {
		if p.present[i] {
			size = len(sh[i])
			break
		}
	}
	step := cacheSlice(p.n, size)
	work := bufs.vectors(slotWork, p.n, step)
	for lo := 0; lo < size; lo += step {
		hi := min(lo+step, size)
		w := cut(work, hi-lo)
		for _, q := range p.unfilled {
			clear(w[q])
		}
		for i, pt := range p.points {
			if p.present[i] {
				t.mul(w[pt], sh[i][lo:hi], p.locLogs[pt])
			}
		}
		t.ifft(w, p.nonZero, p.n, 0)
		t.derivativeFFT(w, p.outputs, 0)
		for i := 0; i < c.k; i++ {
			if !p.present[i] {
				pt := p.points[i]
				t.mul(sh[i][lo:hi], w[pt], modulus-p.locLogs[pt])
			}
		}
	}
}

// cacheSlice is the slice of each of n vectors of size bytes that a transform should
// work on at once so that the working set stays in cache (a multiple of 64 bytes).
func cacheSlice(n, size int) int {
	const workingSet = 4 << 20
	step := max(256, workingSet/n) &^ 63
	return min(step, size)
}
