package rs

import "crypto/subtle"

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

func xorInto(dst, src []byte) { subtle.XORBytes(dst, dst, src) }

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

// ifft is the inverse additive FFT of size m (a power of two) over the points
// skewOffset..skewOffset+m-1, in place. Only the first nonZero vectors may be nonzero.
func (t *fieldTables) ifft(work [][]byte, nonZero, m, skewOffset int) {
	for dist := 1; dist < m; dist <<= 1 {
		for r := 0; r < nonZero; r += 2 * dist {
			logM := t.skew[skewOffset+r+dist-1]
			for i := r; i < r+dist; i++ {
				t.ifftButterfly(work[i], work[i+dist], logM)
			}
		}
	}
}

// fft is the forward additive FFT of size m over the points skewOffset..skewOffset+m-1,
// in place; only the first outputs vectors (rounded up to a block) are computed.
func (t *fieldTables) fft(work [][]byte, outputs, m, skewOffset int) {
	for dist := m >> 1; dist > 0; dist >>= 1 {
		for r := 0; r < outputs; r += 2 * dist {
			logM := t.skew[skewOffset+r+dist-1]
			for i := r; i < r+dist; i++ {
				t.fftButterfly(work[i], work[i+dist], logM)
			}
		}
	}
}

// formalDerivative replaces the polynomial in work (novel-basis coefficients) by its
// formal derivative.
func formalDerivative(work [][]byte) {
	for i := 1; i < len(work); i++ {
		width := i & -i
		for j := 0; j < width; j++ {
			xorInto(work[i-width+j], work[i+j])
		}
	}
}
