package blake2bx

// Hasher4 computes four BLAKE2b-256 digests in lock step. Each call to
// Write appends one piece of equal length to every lane, so a Walrus inner
// node H(0x01 || left || right) of four node pairs can be hashed with
// WriteAll([]byte{1}), Write(left...), Write(right...), Sum without copying
// the inputs into a contiguous buffer.
//
// The zero value is ready to use. If a Write is given pieces of different
// lengths the lanes no longer share a block counter; the Hasher4 then
// switches (permanently, until Reset) to hashing each lane on its own, which
// is correct but slow.
type Hasher4 struct {
	h      [32]uint64 // transposed chaining values
	t      uint64     // bytes compressed so far (per lane)
	n      int        // bytes buffered per lane
	inited bool
	split  *[4]state1 // non-nil once lanes have diverged
	buf    [4][BlockSize]byte
}

// Reset returns h to the state of an empty message in every lane.
func (h *Hasher4) Reset() {
	h.h = init4
	h.t = 0
	h.n = 0
	h.inited = true
	h.split = nil
}

// WriteAll appends p to every lane.
func (h *Hasher4) WriteAll(p []byte) {
	h.Write(p, p, p, p)
}

// WriteByteAll appends the single byte b to every lane.
func (h *Hasher4) WriteByteAll(b byte) {
	p := [1]byte{b}
	h.Write(p[:], p[:], p[:], p[:])
}

// Write appends m_i to lane i. All four pieces should have the same length.
func (h *Hasher4) Write(m0, m1, m2, m3 []byte) {
	if !h.inited {
		h.Reset()
	}
	l := len(m0)
	if h.split == nil && (len(m1) != l || len(m2) != l || len(m3) != l) {
		h.diverge()
	}
	if h.split != nil {
		h.split[0].write(m0)
		h.split[1].write(m1)
		h.split[2].write(m2)
		h.split[3].write(m3)
		return
	}
	for l > 0 {
		if h.n == BlockSize {
			h.t += BlockSize
			compress4(&h.h, h.buf[0][:], h.buf[1][:], h.buf[2][:], h.buf[3][:], 1, h.t, 0)
			h.n = 0
		}
		if h.n == 0 && l > BlockSize {
			nb := (l - 1) / BlockSize
			compress4(&h.h, m0, m1, m2, m3, nb, h.t+BlockSize, 0)
			h.t += uint64(nb * BlockSize)
			k := nb * BlockSize
			m0, m1, m2, m3 = m0[k:], m1[k:], m2[k:], m3[k:]
			l -= k
		}
		c := copy(h.buf[0][h.n:], m0)
		copy(h.buf[1][h.n:], m1[:c])
		copy(h.buf[2][h.n:], m2[:c])
		copy(h.buf[3][h.n:], m3[:c])
		h.n += c
		m0, m1, m2, m3 = m0[c:], m1[c:], m2[c:], m3[c:]
		l -= c
	}
}

// diverge converts the lock-step state into four independent lanes.
func (h *Hasher4) diverge() {
	s := new([4]state1)
	for l := range s {
		for w := 0; w < 8; w++ {
			s[l].h[w] = h.h[4*w+l]
		}
		s[l].t = h.t
		s[l].n = h.n
		s[l].buf = h.buf[l]
	}
	h.split = s
}

// Sum writes the digests of the four lanes to out. It does not change the
// state, so more data may be written afterwards.
func (h *Hasher4) Sum(out *[4][32]byte) {
	if !h.inited {
		h.Reset()
	}
	if h.split != nil {
		for l := range h.split {
			h.split[l].sum(&out[l])
		}
		return
	}
	st := h.h
	var blk [4][BlockSize]byte
	for l := range blk {
		copy(blk[l][:], h.buf[l][:h.n])
	}
	compress4(&st, blk[0][:], blk[1][:], blk[2][:], blk[3][:], 1, h.t+uint64(h.n), ^uint64(0))
	storeDigests(out, &st)
}
