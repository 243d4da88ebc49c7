package blake2bx

import (
	"encoding/binary"
	"math/bits"
)

var sigma = [10][16]uint8{
	{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
	{14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
	{11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4},
	{7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8},
	{9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13},
	{2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9},
	{12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11},
	{13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10},
	{6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5},
	{10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0},
}

// g is the BLAKE2b mixing function.
func g(a, b, c, d, x, y uint64) (uint64, uint64, uint64, uint64) {
	a += b + x
	d = bits.RotateLeft64(d^a, -32)
	c += d
	b = bits.RotateLeft64(b^c, -24)
	a += b + y
	d = bits.RotateLeft64(d^a, -16)
	c += d
	b = bits.RotateLeft64(b^c, -63)
	return a, b, c, d
}

// compressGeneric is the portable BLAKE2b compression function. t is the
// byte counter including this block (its high 64 bits are taken as zero)
// and f the finalization flag (0 or all ones).
func compressGeneric(h *[8]uint64, blk *[BlockSize]byte, t, f uint64) {
	var m [16]uint64
	for i := range m {
		m[i] = binary.LittleEndian.Uint64(blk[8*i:])
	}
	v0, v1, v2, v3, v4, v5, v6, v7 := h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7]
	v8, v9, v10, v11 := iv[0], iv[1], iv[2], iv[3]
	v12, v13, v14, v15 := iv[4]^t, iv[5], iv[6]^f, iv[7]
	for r := 0; r < 12; r++ {
		s := &sigma[r%10]
		v0, v4, v8, v12 = g(v0, v4, v8, v12, m[s[0]], m[s[1]])
		v1, v5, v9, v13 = g(v1, v5, v9, v13, m[s[2]], m[s[3]])
		v2, v6, v10, v14 = g(v2, v6, v10, v14, m[s[4]], m[s[5]])
		v3, v7, v11, v15 = g(v3, v7, v11, v15, m[s[6]], m[s[7]])
		v0, v5, v10, v15 = g(v0, v5, v10, v15, m[s[8]], m[s[9]])
		v1, v6, v11, v12 = g(v1, v6, v11, v12, m[s[10]], m[s[11]])
		v2, v7, v8, v13 = g(v2, v7, v8, v13, m[s[12]], m[s[13]])
		v3, v4, v9, v14 = g(v3, v4, v9, v14, m[s[14]], m[s[15]])
	}
	h[0] ^= v0 ^ v8
	h[1] ^= v1 ^ v9
	h[2] ^= v2 ^ v10
	h[3] ^= v3 ^ v11
	h[4] ^= v4 ^ v12
	h[5] ^= v5 ^ v13
	h[6] ^= v6 ^ v14
	h[7] ^= v7 ^ v15
}

// state1 is a streaming single-lane BLAKE2b-256 state in portable Go.
type state1 struct {
	h   [8]uint64
	t   uint64 // bytes compressed so far
	n   int    // bytes in buf
	buf [BlockSize]byte
}

func (s *state1) write(p []byte) {
	for len(p) > 0 {
		if s.n == BlockSize {
			s.t += BlockSize
			compressGeneric(&s.h, &s.buf, s.t, 0)
			s.n = 0
		}
		if s.n == 0 {
			for len(p) > BlockSize {
				s.t += BlockSize
				compressGeneric(&s.h, (*[BlockSize]byte)(p), s.t, 0)
				p = p[BlockSize:]
			}
		}
		c := copy(s.buf[s.n:], p)
		s.n += c
		p = p[c:]
	}
}

// sum writes the digest of the data written so far without changing s.
func (s *state1) sum(out *[32]byte) {
	h := s.h
	var blk [BlockSize]byte
	copy(blk[:], s.buf[:s.n])
	compressGeneric(&h, &blk, s.t+uint64(s.n), ^uint64(0))
	for w := 0; w < 4; w++ {
		binary.LittleEndian.PutUint64(out[8*w:], h[w])
	}
}
