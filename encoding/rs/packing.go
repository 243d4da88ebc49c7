package rs

import "unsafe"

// A tile transforms one segment of every symbol of a batch at a time: a range of the
// symbol's whole 64-byte chunks, and possibly its final partial chunk (the tail). Small
// symbols make a single segment; a large symbol is cut into several so that a tile's
// vectors stay small enough for its transforms to run in cache. The transforms are
// element-wise, so any split of the elements gives the same bytes.

// Segment is the part of every symbol that one tile transforms: the bytes [Lo, Hi) of
// the symbol's whole chunks and, if Tail, its tail.
type Segment struct {
	Lo, Hi int
	Tail   bool
}

// PlanTiles chooses how a code's tiles cover symbols of symbolSize bytes, so that a
// packed vector holds about budget bytes: either count whole symbols per tile (one
// segment), or a single symbol per tile in several segments of whole chunks, the last
// one with the tail.
func PlanTiles(symbolSize, budget int) (count int, segs []Segment) {
	full := symbolSize / 64 * 64
	tail := symbolSize%64 != 0
	if symbolSize <= budget {
		return max(1, budget/symbolSize), []Segment{{Lo: 0, Hi: full, Tail: tail}}
	}
	chunks := full / 64
	per := max(1, budget/64)
	nseg := (chunks + per - 1) / per
	for i := 0; i < nseg; i++ {
		segs = append(segs, Segment{Lo: chunks * i / nseg * 64, Hi: chunks * (i + 1) / nseg * 64})
	}
	segs[nseg-1].Tail = tail
	return 1, segs
}

// Packing maps one segment of each of a batch of symbols onto a packed vector: the
// segment's chunks of every symbol back to back, then the tail elements of all symbols
// densely in chunks (the layout of reed-solomon-simd for a partial chunk, extended to a
// batch: element e of the region sits in chunk e/32, low byte at lane e%32, high byte
// 32 bytes later). A Packing of several symbols with tails holds scratch (see PackRun):
// it is not safe for concurrent use.
type Packing struct {
	s, count int
	lo, hi   int // chunk bytes of each symbol
	fullEnd  int // where the symbol's tail starts
	te       int // tail elements per symbol, 0 if the segment has none
	tailOff  int // offset of the tail region in the packed vector
	size     int
	// lanes holds the tail region of a batch of several symbols deinterleaved: the low
	// bytes of all its elements, then the high bytes, each symbol's te elements
	// consecutive (see PackRun). Each half is followed by laneSlack spare bytes.
	lanes []byte
}

// laneSlack is the spare room after each half of Packing.lanes: a symbol's low or high
// tail bytes (te < 32 of them) are moved 32 bytes at a time where the room allows, the
// excess landing on bytes written after them (the next symbol's) or on spare room.
const laneSlack = 32

// move32 copies the first 32 bytes of src to dst, which do not overlap, through
// registers (an assignment of one array to another calls memmove).
func move32(dst, src []byte) {
	v := *(*[32]byte)(src)
	*(*[32]byte)(dst) = v
}

// copyChunks copies whole chunks (len(src) is a multiple of 64) from src to dst, which
// do not overlap: through registers when they are few, which beats memmove's call.
func copyChunks(dst, src []byte) {
	if len(src) > 2*64 {
		copy(dst, src)
		return
	}
	dst = dst[:len(src)]
	for len(src) >= 64 {
		v := *(*[64]byte)(src)
		*(*[64]byte)(dst) = v
		dst, src = dst[64:], src[64:]
	}
}

// laneHalves returns the low and high halves of the lanes, each with its spare room.
func (p *Packing) laneHalves() (lo, hi []byte) {
	half := len(p.lanes) / 2
	return p.lanes[:half], p.lanes[half:]
}

// NewPacking returns the packing of segment seg of count symbols of symbolSize bytes.
func NewPacking(symbolSize int, seg Segment, count int) Packing {
	p := Packing{s: symbolSize, count: count, lo: seg.Lo, hi: seg.Hi, fullEnd: symbolSize / 64 * 64}
	if seg.Tail {
		p.te = symbolSize % 64 / 2
	}
	p.tailOff = count * (p.hi - p.lo)
	p.size = p.tailOff + (count*p.te+31)/32*64
	if count > 1 && p.te > 0 {
		p.lanes = make([]byte, 2*(p.size-p.tailOff+laneSlack))
	}
	return p
}

// Len is the length of a packed vector, a multiple of 64.
func (p *Packing) Len() int { return p.size }

// Count is the number of symbols in the batch.
func (p *Packing) Count() int { return p.count }

// Pack writes the segment of sym, symbol b of the batch, into the packed vector dst.
// Lanes of the tail region past the last symbol are left as they are: the transforms
// are element-wise, so whatever they hold only affects lanes nobody reads.
func (p *Packing) Pack(dst []byte, b int, sym []byte) {
	w := p.hi - p.lo
	copy(dst[b*w:(b+1)*w], sym[p.lo:p.hi])
	p.PackTail(dst, b, sym)
}

// PackTail is Pack without the chunks: it writes only the tail of sym, symbol b of the
// batch, into dst. With a batch of one symbol, Chunks(sym) is then the source of the
// packed vector's first bytes (see Tile.SetSource).
func (p *Packing) PackTail(dst []byte, b int, sym []byte) {
	if p.te > 0 {
		t := sym[p.fullEnd : p.fullEnd+2*p.te]
		region := dst[p.tailOff:]
		e := b * p.te
		scatterLanes(region, e, t[:p.te], 0)
		scatterLanes(region, e, t[p.te:], 32)
	}
}

// Unpack writes the segment of symbol b of the packed vector src into sym.
func (p *Packing) Unpack(sym []byte, src []byte, b int) {
	copy(sym[p.lo:p.hi], p.Chunks(src, b))
	if p.te > 0 {
		p.UnpackTail(sym[p.fullEnd:p.fullEnd+2*p.te], src, b)
	}
}

// Chunks returns the segment's whole chunks of symbol b in the packed vector src: the
// symbol's bytes [lo, hi), as they are.
func (p *Packing) Chunks(src []byte, b int) []byte {
	w := p.hi - p.lo
	return src[b*w : (b+1)*w]
}

// TailLen is the number of tail bytes of a symbol in the segment (0 if it has none).
func (p *Packing) TailLen() int { return 2 * p.te }

// UnpackTail writes the TailLen tail bytes of symbol b of the packed vector src into t.
func (p *Packing) UnpackTail(t []byte, src []byte, b int) {
	region := src[p.tailOff:]
	e := b * p.te
	gatherLanes(t[:p.te], region, e, 0)
	gatherLanes(t[p.te:2*p.te], region, e, 32)
}

// Bounds returns the byte range of the segment's whole chunks in a symbol, and where
// the symbol's tail starts.
func (p *Packing) Bounds() (lo, hi, tail int) { return p.lo, p.hi, p.fullEnd }

// PackRun packs the batch from run, count consecutive symbols. It may read (not use) up
// to 32 bytes past the run, within its capacity.
func (p *Packing) PackRun(dst []byte, run []byte) {
	switch {
	case p.te == 0 && p.lo == 0 && p.hi == p.s:
		copy(dst[:p.size], run[:p.size]) // whole symbols without tails: already packed
	case p.lanes == nil:
		for b := 0; b < p.count; b++ {
			p.Pack(dst, b, run[b*p.s:(b+1)*p.s])
		}
	default:
		run = run[:p.count*p.s]
		_ = dst[:p.size]
		base := unsafe.Pointer(unsafe.SliceData(run))
		if !p.lanesKernel(dst, unsafe.Pointer(&base), 0, p.s, 0, false) {
			for b := 0; b < p.count; b++ {
				p.packToLanes(dst, b, run[b*p.s:(b+1)*p.s])
			}
		}
		p.interleaveLanes(dst)
	}
}

// PackSlivers packs the batch, symbol b being slivers[b][off:off+s], into dst. Like
// PackRun it may read up to 32 bytes past a symbol, within its capacity.
func (p *Packing) PackSlivers(dst []byte, slivers [][]byte, off int) {
	slivers = slivers[:p.count]
	if p.lanes == nil {
		for b, sl := range slivers {
			p.Pack(dst, b, sl[off:off+p.s])
		}
		return
	}
	for _, sl := range slivers {
		_ = sl[off : off+p.s] // the kernel checks no bounds
	}
	_ = dst[:p.size]
	if !p.lanesKernel(dst, unsafe.Pointer(unsafe.SliceData(slivers)), int(unsafe.Sizeof(slivers[0])), 0, off, false) {
		for b, sl := range slivers {
			p.packToLanes(dst, b, sl[off:off+p.s])
		}
	}
	p.interleaveLanes(dst)
}

// With several symbols with tails, PackRun and PackSymbols move the tails through
// lanes: each symbol's low and high tail bytes are copied there whole, and the lanes
// interleaved into the tail region a chunk at a time (UnpackRun the other way round),
// rather than each symbol's tail being split at the chunks' boundaries.

// packToLanes packs the chunks of sym, symbol b, into dst and its tail into the lanes.
// The symbols must be packed in order (b ascending): the tail bytes are moved 32 at a
// time where sym's capacity allows (reading up to 32 bytes past the symbol, unused),
// which overwrites the lanes of the next symbol.
func (p *Packing) packToLanes(dst []byte, b int, sym []byte) {
	w, te := p.hi-p.lo, p.te
	copyChunks(dst[b*w:(b+1)*w], sym[p.lo:p.hi])
	lo, hi := p.laneHalves()
	if t := sym[p.fullEnd:cap(sym)]; len(t) >= te+laneSlack {
		move32(lo[b*te:], t)
		move32(hi[b*te:], t[te:])
		return
	}
	t := sym[p.fullEnd : p.fullEnd+2*te]
	copyLane(lo[b*te:(b+1)*te], t[:te])
	copyLane(hi[b*te:(b+1)*te], t[te:])
}

// interleaveLanes writes the lanes into the tail region of dst.
func (p *Packing) interleaveLanes(dst []byte) {
	lo, hi := p.laneHalves()
	region := dst[p.tailOff:p.size]
	for c := 0; c < len(region)/64; c++ {
		move32(region[64*c:], lo[32*c:])
		move32(region[64*c+32:], hi[32*c:])
	}
}

// UnpackRun writes the batch into run, count consecutive symbols.
func (p *Packing) UnpackRun(run []byte, src []byte) {
	switch {
	case p.te == 0 && p.lo == 0 && p.hi == p.s:
		copy(run[:p.size], src[:p.size])
	case p.lanes == nil:
		for b := 0; b < p.count; b++ {
			p.Unpack(run[b*p.s:(b+1)*p.s], src, b)
		}
	default:
		w, te := p.hi-p.lo, p.te
		lo, hi := p.laneHalves()
		region := src[p.tailOff:p.size]
		for c := 0; c < len(region)/64; c++ {
			move32(lo[32*c:], region[64*c:])
			move32(hi[32*c:], region[64*c+32:])
		}
		run = run[:p.count*p.s]
		base := unsafe.Pointer(unsafe.SliceData(run))
		if p.lanesKernel(src, unsafe.Pointer(&base), 0, p.s, 0, true) {
			return
		}
		// With the segment covering whole symbols, the tail's bytes are moved 32 at a
		// time, the excess landing on the start of the next symbol, written next; the
		// last symbol's are copied exactly.
		whole := p.lo == 0 && p.hi == p.fullEnd
		for b := 0; b < p.count; b++ {
			copyChunks(run[b*p.s+p.lo:b*p.s+p.hi], src[b*w:(b+1)*w])
			if t := run[b*p.s+p.fullEnd:]; whole && len(t) >= te+laneSlack {
				move32(t, lo[b*te:])
				move32(t[te:], hi[b*te:])
				continue
			}
			t := run[b*p.s+p.fullEnd : (b+1)*p.s]
			copyLane(t[:te], lo[b*te:(b+1)*te])
			copyLane(t[te:], hi[b*te:(b+1)*te])
		}
	}
}

// copyLane is copy for a symbol's low or high tail bytes: a byte loop when they are
// few, which beats copy's call.
func copyLane(dst, src []byte) {
	if len(src) <= smallLanes {
		dst = dst[:len(src)]
		//lint:ignore S1001 a few bytes: the loop is cheaper than copy's call
		for i := range src {
			dst[i] = src[i]
		}
		return
	}
	copy(dst, src)
}

// CopySegment copies the bytes of the segment from the symbol src to the symbol dst.
func (p *Packing) CopySegment(dst, src []byte) {
	copy(dst[p.lo:p.hi], src[p.lo:p.hi])
	if p.te > 0 {
		copy(dst[p.fullEnd:p.s], src[p.fullEnd:p.s])
	}
}

// smallLanes is the run length up to which a byte loop beats copy's call overhead.
const smallLanes = 8

// scatterLanes writes src to consecutive elements of region starting at element e, at
// byte offset half (0 for the low bytes, 32 for the high bytes) of each chunk.
func scatterLanes(region []byte, e int, src []byte, half int) {
	for len(src) > 0 {
		off := (e>>5)<<6 + half + e&31
		n := min(len(src), 32-e&31)
		if n <= smallLanes {
			d := region[off : off+n]
			for i := range d {
				d[i] = src[i]
			}
		} else {
			copy(region[off:off+n], src[:n])
		}
		src, e = src[n:], e+n
	}
}

// gatherLanes is the inverse of scatterLanes.
func gatherLanes(dst []byte, region []byte, e int, half int) {
	for len(dst) > 0 {
		off := (e>>5)<<6 + half + e&31
		n := min(len(dst), 32-e&31)
		if n <= smallLanes {
			s := region[off : off+n]
			//lint:ignore S1001 a few bytes: the loop is cheaper than copy's call, as in scatterLanes
			for i := range s {
				dst[i] = s[i]
			}
		} else {
			copy(dst[:n], region[off:off+n])
		}
		dst, e = dst[n:], e+n
	}
}
