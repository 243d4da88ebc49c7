package blake2bx

import (
	"encoding/binary"
	"unsafe"
)

// maxLanes is the widest lock step: eight instances, one per 64-bit lane of a ZMM
// register (four with YMM).
const maxLanes = 8

// The transposed state of lanes instances (4 or 8) lives in a [64]uint64: h[lanes*w+l]
// is word w of lane l, the layout of the assembly kernels (with four lanes only the
// first 32 words are used).

// initLanes sets h to the initial chaining value in every one of lanes lanes.
func initLanes(h *[64]uint64, lanes int) {
	for w := 0; w < 8; w++ {
		for l := 0; l < lanes; l++ {
			h[lanes*w+l] = init1[w]
		}
	}
}

// compressLanes compresses n blocks of every lane into h: block j of lane l is
// p[l][128j:128j+128] with counter t+128j; f is the finalization flag of every block
// (only used with n == 1). Eight lanes run on the eight-lane kernel where the CPU has
// it, and as two halves of four otherwise.
func compressLanes(h *[64]uint64, lanes int, p *[maxLanes][]byte, n int, t, f uint64) {
	if lanes == 4 {
		compress4((*[32]uint64)(h[:32]), p[0], p[1], p[2], p[3], n, t, f)
		return
	}
	if !useWide {
		var half [2][32]uint64
		for w := 0; w < 8; w++ {
			for l := 0; l < 8; l++ {
				half[l/4][4*w+l%4] = h[8*w+l]
			}
		}
		compress4(&half[0], p[0], p[1], p[2], p[3], n, t, f)
		compress4(&half[1], p[4], p[5], p[6], p[7], n, t, f)
		for w := 0; w < 8; w++ {
			for l := 0; l < 8; l++ {
				h[8*w+l] = half[l/4][4*w+l%4]
			}
		}
		return
	}
	end := n * BlockSize
	var ptr [maxLanes]*byte
	for l := range ptr {
		ptr[l] = unsafe.SliceData(p[l][:end])
	}
	blocks8AVX512(h, &ptr, n, t, f)
}

// storeLanes writes the digests of the first len(out) lanes of h.
func storeLanes(out [][32]byte, h *[64]uint64, lanes int) {
	for l := range out {
		o := &out[l]
		for w := 0; w < 4; w++ {
			binary.LittleEndian.PutUint64(o[8*w:], h[lanes*w+l])
		}
	}
}

// sumLanes sets out[l] = Sum256(prefix || ms[l]) (without the prefix unless prefixed)
// for 4 or 8 messages of one length, reading the messages where they are apart from
// their first and last partial blocks.
func sumLanes(out [][32]byte, prefixed bool, prefix byte, ms [][]byte) {
	lanes := len(ms)
	pre := 0
	if prefixed {
		pre = 1
	}
	total := len(ms[0]) + pre
	var h [64]uint64
	initLanes(&h, lanes)
	var blk [maxLanes][BlockSize]byte
	var p [maxLanes][]byte
	// fromBlk points the lanes at the blocks, which hold the prefix (if first) and
	// the message bytes from off on, zero-padded.
	fromBlk := func(first bool, off int) {
		for l, m := range ms {
			b := blk[l][:]
			if first && prefixed {
				b[0], b = prefix, b[1:]
			}
			clear(b[copy(b, m[off:]):])
			p[l] = blk[l][:]
		}
	}
	if total <= BlockSize {
		fromBlk(true, 0)
		compressLanes(&h, lanes, &p, 1, uint64(total), ^uint64(0))
		storeLanes(out, &h, lanes)
		return
	}
	off, done := 0, 0 // the next block starts at m[off:]; done stream bytes compressed
	if prefixed {
		fromBlk(true, 0)
		compressLanes(&h, lanes, &p, 1, BlockSize, 0)
		off, done = BlockSize-1, BlockSize
	}
	if nb := (total - done - 1) / BlockSize; nb > 0 {
		for l, m := range ms {
			p[l] = m[off:]
		}
		compressLanes(&h, lanes, &p, nb, uint64(done+BlockSize), 0)
		off += nb * BlockSize
		done += nb * BlockSize
	}
	if total-done == BlockSize {
		for l, m := range ms {
			p[l] = m[off:]
		}
	} else {
		fromBlk(false, off)
	}
	compressLanes(&h, lanes, &p, 1, uint64(total), ^uint64(0))
	storeLanes(out, &h, lanes)
}

// lockstep is the streaming state of 4 or 8 instances that are written pieces of
// equal lengths (see Hasher4).
type lockstep struct {
	h     [64]uint64 // transposed chaining values
	lanes int        // 0 until reset
	t     uint64     // bytes compressed so far (per lane)
	n     int        // bytes buffered per lane
	split []state1   // non-nil once lanes have diverged
	buf   [maxLanes][BlockSize]byte
}

func (s *lockstep) reset(lanes int) {
	initLanes(&s.h, lanes)
	s.lanes, s.t, s.n, s.split = lanes, 0, 0, nil
}

// write appends ms[l] to lane l (it reslices ms).
func (s *lockstep) write(ms [][]byte) {
	l := len(ms[0])
	for _, m := range ms[1:] {
		if s.split == nil && len(m) != l {
			s.diverge()
		}
	}
	if s.split != nil {
		for i, m := range ms {
			s.split[i].write(m)
		}
		return
	}
	var p [maxLanes][]byte
	for l > 0 {
		if s.n == BlockSize {
			s.t += BlockSize
			for i := range ms {
				p[i] = s.buf[i][:]
			}
			compressLanes(&s.h, s.lanes, &p, 1, s.t, 0)
			s.n = 0
		}
		if s.n == 0 && l > BlockSize {
			nb := (l - 1) / BlockSize
			copy(p[:], ms)
			compressLanes(&s.h, s.lanes, &p, nb, s.t+BlockSize, 0)
			s.t += uint64(nb * BlockSize)
			k := nb * BlockSize
			for i := range ms {
				ms[i] = ms[i][k:]
			}
			l -= k
		}
		c := copy(s.buf[0][s.n:], ms[0])
		for i := range ms {
			copy(s.buf[i][s.n:], ms[i][:c])
			ms[i] = ms[i][c:]
		}
		s.n += c
		l -= c
	}
}

// diverge converts the lock-step state into independent lanes.
func (s *lockstep) diverge() {
	s.split = make([]state1, s.lanes)
	for l := range s.split {
		for w := 0; w < 8; w++ {
			s.split[l].h[w] = s.h[s.lanes*w+l]
		}
		s.split[l].t = s.t
		s.split[l].n = s.n
		s.split[l].buf = s.buf[l]
	}
}

// sum writes the digests of the lanes to out without changing the state.
func (s *lockstep) sum(out [][32]byte) {
	if s.split != nil {
		for l := range s.split {
			s.split[l].sum(&out[l])
		}
		return
	}
	st := s.h
	var blk [maxLanes][BlockSize]byte
	var p [maxLanes][]byte
	for l := 0; l < s.lanes; l++ {
		copy(blk[l][:], s.buf[l][:s.n])
		p[l] = blk[l][:]
	}
	compressLanes(&st, s.lanes, &p, 1, s.t+uint64(s.n), ^uint64(0))
	storeLanes(out, &st, s.lanes)
}
