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
type Hasher4 struct{ s lockstep }

// Reset returns h to the state of an empty message in every lane.
func (h *Hasher4) Reset() { h.s.reset(4) }

// WriteAll appends p to every lane.
func (h *Hasher4) WriteAll(p []byte) { h.Write(p, p, p, p) }

// WriteByteAll appends the single byte b to every lane.
func (h *Hasher4) WriteByteAll(b byte) {
	p := [1]byte{b}
	h.Write(p[:], p[:], p[:], p[:])
}

// Write appends m_i to lane i. All four pieces should have the same length.
func (h *Hasher4) Write(m0, m1, m2, m3 []byte) {
	if h.s.lanes == 0 {
		h.Reset()
	}
	ms := [4][]byte{m0, m1, m2, m3}
	h.s.write(ms[:])
}

// Sum writes the digests of the four lanes to out. It does not change the
// state, so more data may be written afterwards.
func (h *Hasher4) Sum(out *[4][32]byte) {
	if h.s.lanes == 0 {
		h.Reset()
	}
	h.s.sum(out[:])
}

// Hasher8 is Hasher4 with eight lanes, which CPUs with AVX-512 advance at once.
type Hasher8 struct{ s lockstep }

// Reset returns h to the state of an empty message in every lane.
func (h *Hasher8) Reset() { h.s.reset(8) }

// WriteByteAll appends the single byte b to every lane.
func (h *Hasher8) WriteByteAll(b byte) {
	p := [1]byte{b}
	h.Write(&[8][]byte{p[:], p[:], p[:], p[:], p[:], p[:], p[:], p[:]})
}

// Write appends m[i] to lane i. All eight pieces should have the same length.
func (h *Hasher8) Write(m *[8][]byte) {
	if h.s.lanes == 0 {
		h.Reset()
	}
	ms := *m
	h.s.write(ms[:])
}

// Sum writes the digests of the eight lanes to out without changing the state.
func (h *Hasher8) Sum(out *[8][32]byte) {
	if h.s.lanes == 0 {
		h.Reset()
	}
	h.s.sum(out[:])
}
