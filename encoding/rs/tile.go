package rs

// A Tile encodes one batch of codewords held as packed vectors (see Packing): the
// caller packs the originals into In, calls Encode and unpacks the repairs from Out.
// The transforms run in place in one arena, so that a batch costs one copy in and one
// copy out — which callers fuse with the gathering and scattering they need anyway —
// and nothing else touches memory outside the arena. A Tile is not safe for concurrent
// use; keep one per goroutine.
type Tile struct {
	c       *Code
	native  bool
	size    int
	vecs    [][]byte // the arena's vectors
	in, out [][]byte
	src     [][]byte // sources of the originals (see SetSource)
	bufs    *buffers // scratch of the klauspost path
}

// NewTile returns a tile of the code. Call Reset before use.
func (c *Code) NewTile() *Tile {
	return &Tile{c: c, native: hasAVX2, bufs: &buffers{}}
}

// Vectors is the number of vectors of the tile's arena.
//
// Low rate (originals at points 0..k-1, zeros to kp = pow2(k), repairs from kp): the
// coefficients take kp vectors; the first chunk of kp repairs is transformed from them
// in place, last. Every later chunk is transformed out of place first: a full chunk
// into kp vectors of its own, a last chunk of at most kp/2 repairs into kp/2 vectors
// (the first layer of its transform reads both halves of the coefficients and writes
// only the lower half).
//
// High rate (repairs at 0..r-1, originals from m = pow2(r)): each chunk of m originals
// takes m vectors; the chunks' inverse transforms are summed into the first, whose
// forward transform gives the repairs in place.
func (t *Tile) Vectors() int {
	c := t.c
	if !t.native {
		return c.k + c.r
	}
	if c.high {
		m := ceilPow2(c.r)
		return (c.k + m - 1) / m * m
	}
	l := t.lowLayout()
	return l.kp + l.middle*l.kp + l.lastArea
}

// lowLayout is the arena of the low-rate transform (see Vectors).
type lowLayout struct {
	kp       int
	chunks   int // chunks of repairs, each of kp but the last
	middle   int // full chunks transformed out of place (all but the first and last)
	last     int // repairs in the last chunk
	lastArea int // vectors the last chunk is transformed into (0 if it is the first)
}

func (t *Tile) lowLayout() lowLayout {
	c := t.c
	l := lowLayout{kp: ceilPow2(c.k)}
	l.chunks = (c.r + l.kp - 1) / l.kp
	l.last = c.r - (l.chunks-1)*l.kp
	if l.chunks > 1 {
		l.middle = l.chunks - 2
		l.lastArea = l.kp
		if l.kp >= 2 && l.last <= l.kp/2 {
			l.lastArea = l.kp / 2
		}
	}
	return l
}

// ArenaLen is the memory a tile of the code needs for vectors of size bytes.
func (t *Tile) ArenaLen(size int) int { return t.Vectors() * size }

// Reset prepares the tile for vectors of size bytes (a multiple of 64) in arena, which
// must hold ArenaLen(size) bytes and is used until the next Reset.
func (t *Tile) Reset(size int, arena []byte) {
	c := t.c
	count := t.Vectors()
	t.size = size
	t.vecs = t.vecs[:0]
	for i := 0; i < count; i++ {
		t.vecs = append(t.vecs, arena[i*size:(i+1)*size:(i+1)*size])
	}
	t.in = t.in[:0]
	t.out = t.out[:0]
	t.src = grow(t.src, c.k)
	clear(t.src)
	switch {
	case !t.native:
		t.in = append(t.in, t.vecs[:c.k]...)
		t.out = append(t.out, t.vecs[c.k:]...)
	case c.high:
		t.in = append(t.in, t.vecs[:c.k]...)
		t.out = append(t.out, t.vecs[:c.r]...)
	default:
		l := t.lowLayout()
		t.in = append(t.in, t.vecs[:c.k]...)
		if l.chunks == 1 {
			t.out = append(t.out, t.vecs[:c.r]...)
			break
		}
		t.out = append(t.out, t.vecs[:l.kp]...)
		t.out = append(t.out, t.vecs[l.kp:l.kp+l.middle*l.kp]...)
		end := l.kp + l.middle*l.kp
		t.out = append(t.out, t.vecs[end:end+l.last]...)
	}
}

// In returns packed original i; its contents are consumed by Encode.
func (t *Tile) In(i int) []byte { return t.in[i] }

// SetSource makes src (a multiple of 64 bytes) the first len(src) bytes of packed
// original i, instead of In(i)[:len(src)]: Encode reads it where it is, without the
// copy into the tile, where its transforms can. The rest of In(i) must be packed as
// usual. src must stay unchanged until Encode returns.
func (t *Tile) SetSource(i int, src []byte) { t.src[i] = src }

// Out returns packed repair j, valid after Encode until the next Encode or Reset.
func (t *Tile) Out(j int) []byte { return t.out[j] }

// Encode computes the repairs of the packed originals.
func (t *Tile) Encode() {
	c := t.c
	defer clear(t.src)
	switch {
	case !t.native:
		for i, b := range t.src {
			if b != nil {
				copy(t.in[i], b)
			}
		}
		// klauspost does not modify the originals; an error means a bug in the tile.
		if err := c.encodePacked(t.out, t.in, false, t.bufs); err != nil {
			panic(err)
		}
	case c.high:
		t.encodeHigh()
	default:
		t.encodeLow()
	}
}

func (t *Tile) encodeHigh() {
	c, ft := t.c, t.c.t
	m := ceilPow2(c.r)
	w := t.vecs
	for start := 0; start < c.k; start += m {
		chunk := w[start : start+m]
		nonZero := min(m, c.k-start)
		src := t.src[start : start+nonZero]
		if start > 0 && ceilPow2(nonZero) < m {
			ft.addSparseIfft(w[:m], chunk, src, nonZero, m+start)
			continue
		}
		ft.ifftFrom(chunk, src, nonZero, m, m+start)
		if start > 0 {
			xorVectors(w[:m], chunk)
		}
	}
	ft.fft(w[:m], c.r, m, 0)
}

func (t *Tile) encodeLow() {
	c, ft := t.c, t.c.t
	l := t.lowLayout()
	kp := l.kp
	co := t.vecs[:kp]
	ft.ifftFrom(co, t.src, c.k, kp, 0)
	if l.chunks > 1 {
		for ch := 1; ch < l.chunks-1; ch++ {
			f := t.vecs[ch*kp : (ch+1)*kp]
			for i, v := range co {
				copy(f[i], v)
			}
			ft.fft(f, kp, kp, kp+ch*kp)
		}
		end := kp + l.middle*kp
		f := t.vecs[end : end+l.lastArea]
		off := kp + (l.chunks-1)*kp
		if q := ceilPow2(l.last); q <= kp/4 {
			ft.fftFew(f[:q], co, l.last, off)
		} else if l.lastArea < kp {
			h := kp / 2
			ft.fftHalfTo(f, co[:h], co[h:], ft.skew[off+h-1])
			ft.fft(f, l.last, h, off)
		} else {
			for i, v := range co {
				copy(f[i], v)
			}
			ft.fft(f, l.last, kp, off)
		}
	}
	ft.fft(co, min(c.r, kp), kp, kp)
}

// grow returns b with length n, reallocated if its capacity is short.
func grow[T any](b []T, n int) []T {
	if cap(b) < n {
		return make([]T, n)
	}
	return b[:n]
}
