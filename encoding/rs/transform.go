package rs

import (
	"crypto/subtle"
	"math/bits"
	"unsafe"
)

// Vectors in this file are "packed shards": byte slices whose length is a multiple of
// 64, each 64-byte chunk holding 32 field elements as 32 low bytes then 32 high bytes
// (the layout of reed-solomon-simd and klauspost/reedsolomon). All operations are
// element-wise, so the order of elements within a vector does not matter as long as it is
// the same in every vector of a transform.

// lutMinElements is the vector length (in elements) from which a per-constant table pays off.
const lutMinElements = 1024

// asmMinBytes is the vector length from which the assembly kernel (with its 128-byte
// nibble tables) beats the per-element Go loop.
const asmMinBytes = 128

// mulTable multiplies by one constant: prod(x) = lo[x&0xff] ^ hi[x>>8].
type mulTable struct{ lo, hi [256]uint16 }

func (t *fieldTables) newMulTable(logM uint16) *mulTable {
	mt := &mulTable{}
	for b := 0; b < 256; b++ {
		mt.lo[b] = t.mulLog(uint16(b), logM)
		mt.hi[b] = t.mulLog(uint16(b)<<8, logM)
	}
	return mt
}

// mulAdd computes x ^= y * exp(logM). As a logarithm, modulus is the same as 0 (a
// factor of one); the butterflies, where a modulus skew means "times zero", check for it.
func (t *fieldTables) mulAdd(x, y []byte, logM uint16) {
	if len(y) >= asmMinBytes && t.mulAddAsm(x, y, logM) {
		return
	}
	if len(y)/2 >= lutMinElements {
		mt := t.newMulTable(logM)
		for off := 0; off+64 <= len(y); off += 64 {
			xs, ys := x[off:off+64:off+64], y[off:off+64:off+64]
			for i := 0; i < 32; i++ {
				p := mt.lo[ys[i]] ^ mt.hi[ys[32+i]]
				xs[i] ^= byte(p)
				xs[32+i] ^= byte(p >> 8)
			}
		}
		return
	}
	for off := 0; off+64 <= len(y); off += 64 {
		xs, ys := x[off:off+64:off+64], y[off:off+64:off+64]
		for i := 0; i < 32; i++ {
			v := uint16(ys[i]) | uint16(ys[32+i])<<8
			if v == 0 {
				continue
			}
			p := t.exp[addMod(t.log[v], logM)]
			xs[i] ^= byte(p)
			xs[32+i] ^= byte(p >> 8)
		}
	}
}

// mul computes x = y * exp(logM).
func (t *fieldTables) mul(x, y []byte, logM uint16) {
	clear(x[:len(y)])
	t.mulAdd(x, y, logM)
}

// xorInto computes dst ^= src over their common length.
func xorInto(dst, src []byte) {
	n := min(len(dst), len(src))
	sumInto(dst[:n], [][]byte{src[:n]})
}

// xorVectors XORs every vector of src into the same vector of dst, in one call if both
// lie back to back in memory.
func xorVectors(dst, src [][]byte) {
	sd, ss := newSpan(dst), newSpan(src)
	if sd.flat != nil && ss.flat != nil {
		xorInto(sd.flat, ss.flat)
		return
	}
	for i := range dst {
		xorInto(dst[i], src[i])
	}
}

// ifftButterfly: y ^= x; x ^= y * exp(logM).
func (t *fieldTables) ifftButterfly(x, y []byte, logM uint16) {
	if logM != modulus && t.butterflyAsm(x, y, logM, true) {
		return
	}
	xorInto(y, x)
	if logM != modulus {
		t.mulAdd(x, y, logM)
	}
}

// fftButterfly: x ^= y * exp(logM); y ^= x.
func (t *fieldTables) fftButterfly(x, y []byte, logM uint16) {
	if logM != modulus && t.butterflyAsm(x, y, logM, false) {
		return
	}
	if logM != modulus {
		t.mulAdd(x, y, logM)
	}
	xorInto(y, x)
}

// span is the work of one transform. When the vectors lie back to back in memory with
// equal lengths (as in a Tile's arena) a run of consecutive vectors is one slice, and a
// butterfly over a whole block of them is one kernel call; the element-wise kernels do
// not care where one vector ends and the next begins.
type span struct {
	v    [][]byte
	flat []byte // all vectors, if consecutive; else nil
	l    int    // vector length
	// src, if not nil, holds the inputs of an inverse transform not yet copied in:
	// vector i starts with src[i] if that is not nil (see ifftFrom).
	src [][]byte
	// wide: the radix-8 kernel runs on the span (see radix).
	wide bool
}

// radix is the radix of the top pass over a block of size vectors (a power of two),
// the lower layers being left to its sub-blocks. With the radix-8 kernel a block is
// done in as few passes as it can, of 8 on top (over the largest blocks, where the
// passes cost the most memory traffic) and of 4 below: 2^9 = 8·8·8, 2^8 = 8·8·4,
// 2^7 = 8·4·4. Without it, passes of 4 and, for an odd number of layers, one of 2 on
// top (one call over the whole block rather than many on pairs of vectors at the
// bottom).
func (sp *span) radix(size int) int {
	layers := bits.TrailingZeros(uint(size))
	switch {
	case sp.wide && layers >= 3 && layers != 4:
		return 8
	case layers%2 == 1:
		return 2
	default:
		return 4
	}
}

// load copies the sources of vectors [from, to) into place.
func (sp *span) load(from, to int) {
	for i := from; i < min(to, len(sp.src)); i++ {
		if sp.src[i] != nil {
			copy(sp.v[i], sp.src[i])
			sp.src[i] = nil
		}
	}
}

func newSpan(work [][]byte) span {
	sp := span{v: work, l: len(work[0])}
	base := unsafe.SliceData(work[0])
	for i, v := range work {
		if len(v) != sp.l || unsafe.SliceData(v) != (*byte)(unsafe.Add(unsafe.Pointer(base), i*sp.l)) {
			return sp
		}
	}
	sp.flat = unsafe.Slice(base, len(work)*sp.l)
	return sp
}

// run returns vectors i..i+n-1 as one slice; flat must be set.
func (sp *span) run(i, n int) []byte { return sp.flat[i*sp.l : (i+n)*sp.l] }

// ifft is the inverse additive FFT of size m (a power of two) over the points
// skewOffset..skewOffset+m-1, in place. Only the first nonZero vectors are read; the
// others are taken as zero (they need not be cleared).
//
// Layers go by increasing distance, three or two at a time through the radix-8 and
// radix-4 kernels where they are available (each element loaded and stored once per
// pass of three or two layers; see radix), depth first. A
// block that starts past the nonzero prefix has only ever mixed with zeros and is
// skipped. In a block whose upper half has not been written yet (it is zero) the
// butterfly is a copy and a multiply-add, and such blocks are done layer by layer.
func (t *fieldTables) ifft(work [][]byte, nonZero, m, skewOffset int) {
	t.ifftFrom(work, nil, nonZero, m, skewOffset)
}

// ifftFrom is ifft with inputs read from elsewhere: vector i < nonZero starts with the
// bytes of src[i] if that is not nil (the rest of the vector being in place), which the
// first layers read where they are, saving a copy. Entries of src are set to nil as
// they are consumed.
func (t *fieldTables) ifftFrom(work, src [][]byte, nonZero, m, skewOffset int) {
	sp := newSpan(work[:m])
	sp.src = src
	sp.wide = t.hasDit8(&sp)
	if !t.hasDit4(work) || m < 4 {
		sp.load(0, nonZero)
	}
	if !t.hasDit4(work) {
		for d := 1; d < m; d <<= 1 {
			t.ifftLayer(&sp, 0, nonZero, d, nonZero, skewOffset)
		}
		return
	}
	t.ifftBlock(&sp, 0, m, nonZero, skewOffset)
}

// ifftBlock runs the inverse FFT layers of distances below size on the block of size
// vectors at base, depth first: the sub-blocks of the top pass (each while it is in
// cache), then the top pass on the whole block (see radix). The radix-4 kernel must
// run on the vectors (hasDit4).
func (t *fieldTables) ifftBlock(sp *span, base, size, nonZero, skewOffset int) {
	if size == 1 {
		return
	}
	radix := sp.radix(size)
	d := size / radix
	for q := 0; q < radix && base+q*d < nonZero; q++ {
		t.ifftBlock(sp, base+q*d, d, nonZero, skewOffset)
	}
	switch radix {
	case 2:
		t.ifftLayer(sp, base, min(base+1, nonZero), d, nonZero, skewOffset)
		return
	case 8:
		if d == 1 {
			sp.load(base, base+8)
		}
		if base+d < nonZero {
			// Zero sub-blocks go through the kernel with the others (see below).
			sp.clearFrom(base, d, radix, nonZero)
			t.dit8(sp, base, d, skewOffset, true)
			return
		}
		for dist := d; dist < size; dist <<= 1 {
			t.ifftLayer(sp, base, base+1, dist, nonZero, skewOffset)
		}
		return
	}
	if d == 1 && sp.src != nil {
		if base+3 < nonZero && t.ifft4From(sp, base, skewOffset) {
			return
		}
		sp.load(base, base+4)
	}
	if base+3*d < nonZero {
		t.dit4(sp, base, d, skewOffset, true)
		return
	}
	if base+d < nonZero {
		// The last quarters are zero (and not written yet): cleared, they go
		// through the radix-4 kernel with the others, whose butterflies against them
		// are the copies and multiplies the radix-2 layers would do, in one pass
		// over the block instead of several (with two zero quarters, also a
		// butterfly of zeros).
		sp.clearFrom(base, d, radix, nonZero)
		t.dit4(sp, base, d, skewOffset, true)
		return
	}
	t.ifftLayer(sp, base, min(base+4*d, nonZero), d, nonZero, skewOffset)
	t.ifftLayer(sp, base, base+1, 2*d, nonZero, skewOffset)
}

// clearFrom clears the sub-blocks of d vectors of the block of radix sub-blocks at
// base that start at or past nonZero (they have not been written yet).
func (sp *span) clearFrom(base, d, radix, nonZero int) {
	zero := base + (nonZero-base+d-1)/d*d
	end := base + radix*d
	if zero >= end {
		return
	}
	if sp.flat != nil {
		clear(sp.run(zero, end-zero))
		return
	}
	for _, v := range sp.v[zero:end] {
		clear(v)
	}
}

// dit8 runs the three layers of distances 4d, 2d and d on the block of 8d vectors at
// r (sp.wide must be set).
func (t *fieldTables) dit8(sp *span, r, d, skewOffset int, inverse bool) {
	o := skewOffset + r
	s := &t.skew
	logs := [7]uint16{s[o+4*d-1], s[o+2*d-1], s[o+6*d-1], s[o+d-1], s[o+3*d-1], s[o+5*d-1], s[o+7*d-1]}
	t.dit8Asm(sp.run(r, 8*d), d*sp.l, &logs, inverse)
}

// dit4 runs the two layers of distances 2d and d on the block of 4d vectors at r.
func (t *fieldTables) dit4(sp *span, r, d, skewOffset int, inverse bool) {
	logA := t.skew[skewOffset+r+2*d-1]
	logB := t.skew[skewOffset+r+d-1]
	logC := t.skew[skewOffset+r+3*d-1]
	if sp.flat != nil {
		t.dit4Asm(sp.run(r, d), sp.run(r+d, d), sp.run(r+2*d, d), sp.run(r+3*d, d), logA, logB, logC, inverse)
		return
	}
	w := sp.v
	for i := r; i < r+d; i++ {
		t.dit4Asm(w[i], w[i+d], w[i+2*d], w[i+3*d], logA, logB, logC, inverse)
	}
}

// ifft4From runs the two inverse layers of distances 2 and 1 on the block of four
// vectors at r, reading the parts of the vectors that have sources from there. It
// reports false (doing nothing) if the sources are not all there with one length.
func (t *fieldTables) ifft4From(sp *span, r, skewOffset int) bool {
	if r+4 > len(sp.src) {
		return false
	}
	s := sp.src[r : r+4]
	n := len(s[0])
	for _, b := range s {
		if b == nil || len(b) != n {
			return false
		}
	}
	logA := t.skew[skewOffset+r+1]
	logB := t.skew[skewOffset+r]
	logC := t.skew[skewOffset+r+2]
	w := sp.v[r : r+4]
	if !t.ifft4FromAsm(w[0][:n], w[1][:n], w[2][:n], w[3][:n], s[0], s[1], s[2], s[3], logA, logB, logC) {
		return false
	}
	if n < sp.l {
		t.dit4Asm(w[0][n:], w[1][n:], w[2][n:], w[3][n:], logA, logB, logC, true)
	}
	clear(s)
	return true
}

// pairs calls fn for the vector pairs (x, y) of the butterflies of the block at r of
// the layer of distance dist: as one pair of runs if the vectors are consecutive.
func (sp *span) pairs(r, dist int, fn func(x, y []byte)) {
	if sp.flat != nil {
		fn(sp.run(r, dist), sp.run(r+dist, dist))
		return
	}
	for i := r; i < r+dist; i++ {
		fn(sp.v[i], sp.v[i+dist])
	}
}

// ifftLayer runs the inverse FFT layer of distance dist on the blocks that start in
// [from, to). Vectors from nonZero on have not been written before this layer unless
// the layer of the previous distance wrote them, which it does exactly for the blocks
// that start before nonZero; so the upper half of a block is still zero iff it starts
// at or past nonZero.
func (t *fieldTables) ifftLayer(sp *span, from, to, dist, nonZero, skewOffset int) {
	for r := from; r < to; r += 2 * dist {
		logM := t.skew[skewOffset+r+dist-1]
		if r+dist >= nonZero {
			sp.pairs(r, dist, func(x, y []byte) {
				copy(y, x) // y ^= x with y = 0
				if logM != modulus {
					t.mulAdd(x, y, logM)
				}
			})
			continue
		}
		sp.pairs(r, dist, func(x, y []byte) { t.ifftButterfly(x, y, logM) })
	}
}

// fft is the forward additive FFT of size m over the points skewOffset..skewOffset+m-1,
// in place; only the first outputs vectors are computed (the others are left with
// whatever the transform did to them). Layers go by decreasing distance, in passes of
// three or two layers and depth first as in ifft.
func (t *fieldTables) fft(work [][]byte, outputs, m, skewOffset int) {
	sp := newSpan(work[:m])
	if !t.hasDit4(work) {
		for dist := m >> 1; dist > 0; dist >>= 1 {
			t.fftLayer(&sp, 0, outputs, dist, outputs, skewOffset)
		}
		return
	}
	sp.wide = t.hasDit8(&sp)
	t.fftBlock(&sp, 0, m, outputs, skewOffset)
}

// fftBlock runs the FFT layers of distances below size on the block of size vectors
// at base, depth first: the top pass on the whole block, then each sub-block that
// holds outputs (while it is in cache; see radix).
func (t *fieldTables) fftBlock(sp *span, base, size, outputs, skewOffset int) {
	if size == 1 {
		return
	}
	radix := sp.radix(size)
	d := size / radix
	switch {
	case radix == 2:
		t.fftLayer(sp, base, min(base+1, outputs), d, outputs, skewOffset)
	case radix == 4 && base+2*d < outputs:
		t.dit4(sp, base, d, skewOffset, false)
	case radix == 4:
		t.fftLayer(sp, base, base+1, 2*d, outputs, skewOffset)
		t.fftLayer(sp, base, base+1, d, outputs, skewOffset)
	case base+4*d < outputs:
		t.dit8(sp, base, d, skewOffset, false)
	default:
		// Outputs only in the lower half: its top layer, then the half as a block.
		t.fftLayer(sp, base, base+1, 4*d, outputs, skewOffset)
		t.fftBlock(sp, base, 4*d, outputs, skewOffset)
		return
	}
	for q := 0; q < radix && base+q*d < outputs; q++ {
		t.fftBlock(sp, base+q*d, d, outputs, skewOffset)
	}
}

// fftLayer runs the FFT layer of distance dist on the blocks that start in [from, to).
// The upper half of a block that starts at or past outputs is neither an output nor
// read by a later layer, so only the lower half is updated.
func (t *fieldTables) fftLayer(sp *span, from, to, dist, outputs, skewOffset int) {
	for r := from; r < to; r += 2 * dist {
		logM := t.skew[skewOffset+r+dist-1]
		if r+dist >= outputs {
			if logM != modulus {
				sp.pairs(r, dist, func(x, y []byte) { t.mulAdd(x, y, logM) })
			}
			continue
		}
		sp.pairs(r, dist, func(x, y []byte) { t.fftButterfly(x, y, logM) })
	}
}

// fftHalfTo is the first layer of an FFT of size 2h whose outputs all lie in the lower
// half, out of place: dst[i] = x[i] ^ y[i]·skew (x the lower half, y the upper).
func (t *fieldTables) fftHalfTo(dst, x, y [][]byte, logM uint16) {
	sd, sx, sy := newSpan(dst), newSpan(x), newSpan(y)
	if sd.flat != nil && sx.flat != nil && sy.flat != nil {
		// One call for the whole half.
		dst, x, y = [][]byte{sd.flat}, [][]byte{sx.flat}, [][]byte{sy.flat}
	}
	for i := range dst {
		switch {
		case logM == modulus:
			copy(dst[i], x[i])
		case !t.mulAddToAsm(dst[i], x[i], y[i], logM):
			copy(dst[i], x[i])
			t.mulAdd(dst[i], y[i], logM)
		}
	}
}

// hasDit4 reports whether the radix-4 kernel can run on the vectors.
func (t *fieldTables) hasDit4(work [][]byte) bool {
	n := len(work[0])
	return hasAVX2 && n >= 64 && n%64 == 0
}

// radix8 enables the radix-8 passes; benchmarks turn it off to measure them against
// radix-4 ones in the same run.
var radix8 = true

// hasDit8 reports whether the radix-8 passes run on the span of a whole transform:
// whether the kernel can, and whether they make a transform of that size faster.
func (t *fieldTables) hasDit8(sp *span) bool {
	return radix8 && hasGFNI512 && sp.flat != nil && t.hasDit4(sp.v) && radix8Pays(len(sp.v))
}

// radix8Pays reports whether radix-8 passes make a transform of m points faster than
// radix-4 ones alone. Measured on an AMD EPYC (Zen 5) with the GFNI512 and GFNIZ
// kernels, tiles of 2 and 8 KiB vectors, alternated: for an odd number of layers, where
// they replace the radix-4 schedule's radix-2 pass (2^7 = 8·4·4, 2^9 = 8·8·8), they
// were 4–13% faster; for 2^6 (8·8), which n = 100 uses, 4–14% slower; for 2^8 (8·8·4,
// n = 500) 4–7% slower with 2 KiB vectors (with 8 KiB ones 2–4% faster with GFNIZ, 2–3%
// slower with GFNI512); for 2^10 (8·8·4·4) as fast or up to 10% faster.
func radix8Pays(m int) bool {
	layers := bits.TrailingZeros(uint(m))
	return layers%2 == 1 || layers >= 10
}

// formalDerivative replaces the polynomial in work (novel-basis coefficients, a power
// of two of them) by its formal derivative. The reference computes it in place: for
// i = 1..m-1, the w = lowbit(i) vectors before i are XORed with the w vectors from i.
// Every write lands below every read still to come, so vector j ends up as itself
// plus the vectors j|d for the powers of two d < m that j lacks; summed so (sumInto),
// each vector is read and written once and each term read once, where the reference
// makes (log2 m)/2 passes over work that read two vectors and write one.
func formalDerivative(work [][]byte) {
	var terms [16][]byte // log2 of the field's order
	m := len(work)
	for j, v := range work {
		k := 0
		for d := 1; d < m; d <<= 1 {
			if j&d == 0 {
				terms[k] = work[j|d]
				k++
			}
		}
		sumInto(v, terms[:k])
	}
}

// derivativeFFT computes the first outputs vectors of the FFT of size m = len(work)
// over the points skewOffset.. of the formal derivative of work, into work[:q], q =
// pow2(outputs), leaving the rest of work garbage. Where q ≤ m/2, the FFT's top layers
// only fold the blocks of q vectors into the first, X = Σ_b μ(b)·D(w)_b (see fftFew),
// and the derivative D splits into the part within a block, D_low, which commutes with
// the fold, and the terms from the blocks of higher bits: D(w)_b = D_low(w_b) ⊕
// Σ_{bits t ∉ b} w_{b|t}. So X = D_low(Y) ⊕ V with Y = Σ_b μ(b)·w_b and V = Σ_c ν(c)·w_c,
// ν(c) = Σ_{t ∈ c} μ(c∖t): the derivative runs on q vectors instead of m.
func (t *fieldTables) derivativeFFT(work [][]byte, outputs, skewOffset int) {
	m, q := len(work), ceilPow2(max(outputs, 1))
	if q > m/2 {
		formalDerivative(work)
		t.fft(work, outputs, m, skewOffset)
		return
	}
	blocks := m / q
	mu := make([]uint16, blocks) // field elements
	for b := range mu {
		mu[b] = t.foldFactor(b*q, q, m, skewOffset)
	}
	block := func(b int) [][]byte { return work[b*q : (b+1)*q] }
	// Y into block 0 (μ(0) = 1), then V into block 1 (ν(1) = μ(0) = 1), each reading
	// the other blocks as they were.
	for b := 1; b < blocks; b++ {
		t.addScaled(block(0), block(b), mu[b])
	}
	for c := 2; c < blocks; c++ {
		var nu uint16
		for bit := 1; bit < blocks; bit <<= 1 {
			if c&bit != 0 {
				nu ^= mu[c&^bit]
			}
		}
		t.addScaled(block(1), block(c), nu)
	}
	formalDerivative(block(0))
	xorVectors(block(0), block(1))
	t.fft(block(0), outputs, q, skewOffset)
}

// foldFactor is μ(j) of the fold of an FFT of size m to its first q vectors (see
// fftFew): the product of the layer constants of the distances d ≥ q that j has.
func (t *fieldTables) foldFactor(j, q, m, skewOffset int) uint16 {
	logMu := uint16(0)
	for d := q; d < m; d <<= 1 {
		if j&d == 0 {
			continue
		}
		logM := t.skew[skewOffset+d-1]
		if logM == modulus {
			return 0
		}
		logMu = addMod(logMu, logM)
	}
	return t.exp[logMu]
}

// addScaled computes dst[i] ^= src[i]·c for the field element c.
func (t *fieldTables) addScaled(dst, src [][]byte, c uint16) {
	switch c {
	case 0:
	case 1:
		xorVectors(dst, src)
	default:
		t.mulAddVectors(dst, src, t.log[c])
	}
}

// sumInto XORs every vector of srcs (each at least as long as dst) into dst.
func sumInto(dst []byte, srcs [][]byte) {
	done := sumIntoAsm(dst, srcs)
	if done == len(dst) {
		return
	}
	for _, src := range srcs {
		subtle.XORBytes(dst[done:], dst[done:], src[done:len(dst)])
	}
}

// addSparseIfft XORs into dst (m vectors) the inverse FFT of size m over the points
// skewOffset.. of work, whose first nonZero vectors are the only nonzero ones, with
// p = pow2(nonZero) < m. Only the first p vectors of work are transformed (in place):
// the layers of distances p..m/2 see a block whose upper half is zero, where the
// butterfly makes the upper half a copy of the lower and scales the lower by
// 1 + skew; so output vector i is λ(i)·v(i mod p), v being the first p vectors after
// the lower layers and λ(i) the product of the factors of the layers at whose distance
// bit i is clear. It is added one block of p vectors (one factor) at a time. src is
// as for ifftFrom.
func (t *fieldTables) addSparseIfft(dst, work, src [][]byte, nonZero, skewOffset int) {
	m := len(dst)
	p := ceilPow2(nonZero)
	t.ifftFrom(work[:p], src, nonZero, p, skewOffset)
	for j := 0; j < m; j += p {
		lambda := uint16(1)
		for d := p; d < m; d <<= 1 {
			logM := t.skew[skewOffset+d-1]
			if j&d != 0 || logM == modulus {
				continue
			}
			lambda = t.mulLog(lambda, t.log[1^t.exp[logM]])
			if lambda == 0 {
				break
			}
		}
		switch lambda {
		case 0:
		case 1:
			xorVectors(dst[j:j+p], work[:p])
		default:
			t.mulAddVectors(dst[j:j+p], work[:p], t.log[lambda])
		}
	}
}

// fftFew computes the first outputs vectors of the FFT of size m = len(work) over the
// points skewOffset.. into dst, which has q = pow2(outputs) ≤ m/2 vectors, leaving work
// as it is. The layers of distances m/2..q only update the lower half of the block
// that holds the outputs, x[i] ^= c(d)·x[i+d]: together they make x[i] the sum over
// the blocks b of q vectors of μ(b)·work[b·q+i], μ(b) the product of the c(d) of the
// distances d whose bit b·q has. Summed one block (one multiply-add over q vectors) at
// a time into dst, which stays in cache, this reads every vector of work once, where
// the layers read and write halves of halves; the layers below q then run on dst.
func (t *fieldTables) fftFew(dst, work [][]byte, outputs, skewOffset int) {
	m, q := len(work), len(dst)
	for i := range dst {
		copy(dst[i], work[i])
	}
	for b := q; b < m; b += q {
		t.addScaled(dst, work[b:b+q], t.foldFactor(b, q, m, skewOffset))
	}
	t.fft(dst, outputs, q, skewOffset)
}

// mulAddVectors computes dst[i] ^= src[i]·exp(logM) for every vector, in one call if
// both lie back to back in memory.
func (t *fieldTables) mulAddVectors(dst, src [][]byte, logM uint16) {
	sd, ss := newSpan(dst), newSpan(src)
	if sd.flat != nil && ss.flat != nil {
		t.mulAdd(sd.flat, ss.flat, logM)
		return
	}
	for i := range dst {
		t.mulAdd(dst[i], src[i], logM)
	}
}
