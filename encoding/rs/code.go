package rs

import (
	"errors"
	"fmt"
	"sync"

	"github.com/klauspost/reedsolomon"
)

var (
	// ErrInvalidParameters reports a code or call whose sizes are not supported.
	ErrInvalidParameters = errors.New("rs: invalid parameters")
	// ErrTooFewShards reports a decode with fewer than k shards present.
	ErrTooFewShards = errors.New("rs: too few shards to reconstruct")
)

// pieceBytes bounds the per-shard size of the scratch buffers of one transform.
const pieceBytes = 16 << 10

// UseHighRate is reed-solomon-simd's DefaultRate rule for k originals and r repairs.
func UseHighRate(k, r int) bool {
	pk, pr := ceilPow2(k), ceilPow2(r)
	switch {
	case pk < pr:
		return false
	case pk > pr:
		return true
	default:
		return k <= r
	}
}

// Code is a systematic code of k original and r repair symbols per codeword.
// It is safe for concurrent use.
type Code struct {
	k, r int
	high bool
	t    *fieldTables

	lowDecPar int                       // number of parity shards of the low-rate klauspost decoder
	leopards  func() (*leopards, error) // the klauspost codecs, made on first use

	pool sync.Pool // *buffers
}

// leopards are the klauspost codecs a code delegates to. Making the first one builds
// klauspost's GF(2^16) tables, about 0.35 s of one core, which an encode on a CPU with
// AVX2 never needs (its transforms are the package's own): a one-shot command that
// encodes a blob would spend most of its time there. So they are made on first use.
type leopards struct {
	high     reedsolomon.Encoder // high rate: encode and decode
	lowSteps []lowStep           // low rate: encode by composition
	lowDec   reedsolomon.Encoder // low rate: decode when only repairs < pow2(k) are used
}

// lowStep computes the values at points L..L+len-1 from those at 0..L-1 (see encodeLow).
type lowStep struct {
	l       int // L: points 0..L-1 are known
	outputs int // repairs produced by this step
	parity  int // parity shards of enc (keeps ceilPow2(parity) == L)
	enc     reedsolomon.Encoder
}

// New returns the code with k originals and r repairs, with the rate reed-solomon-simd
// would choose for it.
func New(k, r int) (*Code, error) {
	if k < 1 || r < 1 || k+r > 65536 {
		return nil, fmt.Errorf("%w: k=%d r=%d", ErrInvalidParameters, k, r)
	}
	high := UseHighRate(k, r)
	if (high && ceilPow2(r)+k > order) || (!high && ceilPow2(k)+r > order) {
		return nil, fmt.Errorf("%w: k=%d r=%d exceed the field", ErrInvalidParameters, k, r)
	}
	c := &Code{k: k, r: r, high: high, t: tables()}
	if !high {
		kp := ceilPow2(k)
		c.lowDecPar = parityKeepingM(min(r, kp), kp)
	}
	c.leopards = sync.OnceValues(c.newLeopards)
	return c, nil
}

// newLeopards makes the klauspost codecs of the code.
func (c *Code) newLeopards() (*leopards, error) {
	var l leopards
	var err error
	if c.high {
		l.high, err = newLeopard(c.k, c.r)
		return &l, err
	}
	kp := ceilPow2(c.k)
	// Step 1: points kp..2kp-1 are klauspost(k, ·) with m = kp, shifted by kp.
	first := min(c.r, kp)
	step := lowStep{l: kp, outputs: first, parity: parityKeepingM(first, kp)}
	if step.enc, err = newLeopard(c.k, step.parity); err != nil {
		return nil, err
	}
	l.lowSteps = append(l.lowSteps, step)
	// Later steps: points L..2L-1 from 0..L-1 with klauspost(L, ·), shifted by L.
	for done, size := first, 2*kp; done < c.r; size *= 2 {
		out := min(c.r-done, size)
		st := lowStep{l: size, outputs: out, parity: parityKeepingM(out, size)}
		if st.enc, err = newLeopard(size, st.parity); err != nil {
			return nil, err
		}
		l.lowSteps = append(l.lowSteps, st)
		done += out
	}
	if l.lowDec, err = newLeopard(kp, c.lowDecPar); err != nil {
		return nil, err
	}
	return &l, nil
}

// parityKeepingM is the smallest parity count ≥ need whose power of two is m, so that
// klauspost places its parity at points 0..m-1 and its data at m.. as required.
func parityKeepingM(need, m int) int {
	if m == 1 {
		return 1
	}
	return max(need, m/2+1)
}

func newLeopard(data, parity int) (reedsolomon.Encoder, error) {
	enc, err := reedsolomon.New(data, parity, reedsolomon.WithLeopardGF16(true))
	if err != nil {
		return nil, fmt.Errorf("rs: leopard(%d,%d): %w", data, parity, err)
	}
	return enc, nil
}

// K is the number of original symbols per codeword.
func (c *Code) K() int { return c.k }

// R is the number of repair symbols per codeword.
func (c *Code) R() int { return c.r }

// HighRate reports which of reed-solomon-simd's two layouts the code uses.
func (c *Code) HighRate() bool { return c.high }

// checkBatch validates a batch of shards that must all hold the same number of symbols;
// missing (nil or empty) shards are allowed where allowMissing. It returns the number
// of symbols per shard.
func checkBatch(shards [][]byte, symbolSize int, allowMissing bool) (int, error) {
	if symbolSize < 2 || symbolSize%2 != 0 {
		return 0, fmt.Errorf("%w: symbol size %d is not a positive even number", ErrInvalidParameters, symbolSize)
	}
	size := -1
	for i, s := range shards {
		if len(s) == 0 && allowMissing {
			continue
		}
		if len(s) == 0 || len(s)%symbolSize != 0 {
			return 0, fmt.Errorf("%w: shard %d has %d bytes, not a positive multiple of the symbol size %d",
				ErrInvalidParameters, i, len(s), symbolSize)
		}
		if size >= 0 && len(s) != size {
			return 0, fmt.Errorf("%w: shard %d has %d bytes, others %d", ErrInvalidParameters, i, len(s), size)
		}
		size = len(s)
	}
	if size < 0 {
		return 0, fmt.Errorf("%w: no shard present", ErrTooFewShards)
	}
	return size / symbolSize, nil
}

// pieces splits count symbols into runs whose packed form stays within pieceBytes.
func pieces(count, symbolSize int, fn func(first, n int) error) error {
	per := max(1, pieceBytes/symbolSize)
	for first := 0; first < count; first += per {
		if err := fn(first, min(per, count-first)); err != nil {
			return err
		}
	}
	return nil
}

// Encode computes the repair symbols of a batch of codewords: src holds k shards and dst
// r shards, each a run of symbols of symbolSize bytes, symbol b of every shard belonging
// to codeword b. dst shards must be allocated with the same length as the src shards.
func (c *Code) Encode(dst, src [][]byte, symbolSize int) error {
	return c.encode(dst, src, symbolSize, false)
}

func (c *Code) encode(dst, src [][]byte, symbolSize int, native bool) error {
	if len(src) != c.k || len(dst) != c.r {
		return fmt.Errorf("%w: encode got %d+%d shards, want %d+%d", ErrInvalidParameters, len(src), len(dst), c.k, c.r)
	}
	count, err := checkBatch(append(append([][]byte{}, src...), dst...), symbolSize, false)
	if err != nil {
		return err
	}
	in := make([][]byte, c.k)
	out := make([][]byte, c.r)
	bufs := c.getBuffers()
	defer c.putBuffers(bufs)
	return pieces(count, symbolSize, func(first, n int) error {
		lo, hi := first*symbolSize, (first+n)*symbolSize
		pk := shardPacking(symbolSize, n)
		if pk.identity() {
			for i := range in {
				in[i] = src[i][lo:hi]
			}
			for j := range out {
				out[j] = dst[j][lo:hi]
			}
		} else {
			packed := bufs.vectors(slotPacked, c.k+c.r, pk.Len())
			for i := range in {
				in[i] = packed[i]
				pk.PackRun(in[i], src[i][lo:hi])
			}
			copy(out, packed[c.k:])
		}
		if err := c.encodePacked(out, in, native, bufs); err != nil {
			return err
		}
		if !pk.identity() {
			for j := range out {
				pk.UnpackRun(dst[j][lo:hi], out[j])
			}
		}
		return nil
	})
}

func (c *Code) encodePacked(out, in [][]byte, native bool, bufs *buffers) error {
	switch {
	case native && c.high:
		c.encodeHighNative(out, in, bufs)
	case native:
		c.encodeLowNative(out, in, bufs)
	case c.high:
		l, err := c.leopards()
		if err != nil {
			return err
		}
		shards := append(append(make([][]byte, 0, c.k+c.r), in...), out...)
		if err := l.high.Encode(shards); err != nil {
			return fmt.Errorf("rs: encode: %w", err)
		}
	case hasAVX2 && c.k >= nativeLowRateMinK:
		c.encodeLowNative(out, in, bufs)
	default:
		return c.encodeLow(out, in, bufs)
	}
	return nil
}

// nativeLowRateMinK is the original count from which the package's own low-rate encode
// (one IFFT, one FFT per pow2(k) repairs, AVX2 kernel) beats composing klauspost calls,
// which redo a transform of twice the size for the repairs past pow2(k). Measured with
// BenchmarkCode: 334 → 666 (n = 1000) 22 ms native against 34 ms composed; 34 → 66
// (n = 100) 29 ms against 25 ms.
const nativeLowRateMinK = 128

// encodeLow computes low-rate repairs with klauspost calls. The low-rate codeword is the
// evaluation of one polynomial P (deg < kp) at points 0..kp+r-1 with the originals at
// 0..k-1, zeros at k..kp-1 and repair j at kp+j. klauspost(K, M) with pow2(M) = L and
// K ≤ L evaluates a polynomial of degree < L, given at points L..L+K-1 (zero beyond),
// at points 0..M-1. Since P(x ⊕ L) has the same degree, klauspost(values at 0..L-1)
// yields P at L..2L-1; starting with L = kp and doubling covers every repair.
func (c *Code) encodeLow(out, in [][]byte, bufs *buffers) error {
	l, err := c.leopards()
	if err != nil {
		return err
	}
	kp := ceilPow2(c.k)
	size := len(in[0])
	zero := bufs.bytes(slotZero, size)
	clear(zero)
	extraCount := 0
	for _, st := range l.lowSteps {
		extraCount = max(extraCount, st.parity-st.outputs)
	}
	extra := bufs.vectors(slotExtra, extraCount, size)
	known := make([][]byte, 0, kp+c.r) // values at points 0, 1, ...
	known = append(known, in...)
	for len(known) < kp {
		known = append(known, zero)
	}
	done := 0
	for _, st := range l.lowSteps {
		shards := make([][]byte, 0, st.l+st.parity)
		if st.l == kp {
			shards = append(shards, in...) // klauspost(k, ·): the zeros are implicit
		} else {
			shards = append(shards, known[:st.l]...)
		}
		shards = append(shards, out[done:done+st.outputs]...)
		shards = append(shards, extra[:st.parity-st.outputs]...)
		if err := st.enc.Encode(shards); err != nil {
			return fmt.Errorf("rs: low-rate encode step L=%d: %w", st.l, err)
		}
		known = append(known, out[done:done+st.outputs]...)
		done += st.outputs
	}
	return nil
}

// encodeHighNative: repairs at points 0..r-1, originals at m.., m = pow2(r); the
// coefficients are the XOR of the IFFTs of each chunk of m originals. It works on a
// cache-sized slice of the vectors at a time.
func (c *Code) encodeHighNative(out, in [][]byte, bufs *buffers) {
	t, size := c.t, len(in[0])
	m := ceilPow2(c.r)
	step := cacheSlice(2*m, size)
	work := bufs.vectors(slotWork, m, step)
	tmp := bufs.vectors(slotWork2, m, step)
	for lo := 0; lo < size; lo += step {
		hi := min(lo+step, size)
		w, tm := cut(work, hi-lo), cut(tmp, hi-lo)
		for _, v := range w {
			clear(v)
		}
		for start := 0; start < c.k; start += m {
			n := min(m, c.k-start)
			for i := 0; i < m; i++ {
				if i < n {
					copy(tm[i], in[start+i][lo:hi])
				} else {
					clear(tm[i])
				}
			}
			t.ifft(tm, n, m, m+start)
			for i := range w {
				xorInto(w[i], tm[i])
			}
		}
		t.fft(w, c.r, m, 0)
		for j := range out {
			copy(out[j][lo:hi], w[j])
		}
	}
}

// encodeLowNative: originals at 0..k-1, zeros to kp, repairs at kp..; one IFFT, then
// an FFT for each chunk of kp repairs, on a cache-sized slice of the vectors at a time.
func (c *Code) encodeLowNative(out, in [][]byte, bufs *buffers) {
	t, size := c.t, len(in[0])
	kp := ceilPow2(c.k)
	step := cacheSlice(2*kp, size)
	coeffs := bufs.vectors(slotWork, kp, step)
	tmp := bufs.vectors(slotWork2, kp, step)
	for lo := 0; lo < size; lo += step {
		hi := min(lo+step, size)
		co, tm := cut(coeffs, hi-lo), cut(tmp, hi-lo)
		for i := range co {
			if i < c.k {
				copy(co[i], in[i][lo:hi])
			} else {
				clear(co[i])
			}
		}
		t.ifft(co, c.k, kp, 0)
		for start := 0; start < c.r; start += kp {
			n := min(kp, c.r-start)
			f := co // the last chunk transforms the coefficients in place
			if start+kp < c.r {
				f = tm
				for i := range tm {
					copy(tm[i], co[i])
				}
			}
			t.fft(f, n, kp, kp+start)
			for j := 0; j < n; j++ {
				copy(out[start+j][lo:hi], f[j])
			}
		}
	}
}

// cut returns the vectors shortened to size bytes.
func cut(v [][]byte, size int) [][]byte {
	if len(v) == 0 || len(v[0]) == size {
		return v
	}
	out := make([][]byte, len(v))
	for i := range v {
		out[i] = v[i][:size]
	}
	return out
}

// Slots of the reusable buffers of one call.
const (
	slotPacked = iota // packed copies of the shards of a piece
	slotZero          // a zero shard for the low-rate composition
	slotExtra         // parity klauspost computes beyond the ones wanted
	slotWork          // the native transforms' work vectors
	slotWork2
	slotCount
)

// buffers are the scratch memory of one encode or reconstruct call, pooled per Code so
// that repeated calls (one per column chunk of a blob) do not allocate and zero it again.
type buffers struct{ slots [slotCount][]byte }

func (c *Code) getBuffers() *buffers {
	if b, ok := c.pool.Get().(*buffers); ok {
		return b
	}
	return &buffers{}
}

func (c *Code) putBuffers(b *buffers) { c.pool.Put(b) }

// bytes returns n bytes of the slot (contents unspecified).
func (b *buffers) bytes(slot, n int) []byte {
	if cap(b.slots[slot]) < n {
		b.slots[slot] = make([]byte, n)
	}
	return b.slots[slot][:n]
}

// vectors returns count vectors of size bytes from the slot (contents unspecified).
func (b *buffers) vectors(slot, count, size int) [][]byte {
	return splitVectors(b.bytes(slot, count*size), count, size)
}

func splitVectors(buf []byte, count, size int) [][]byte {
	v := make([][]byte, count)
	for i := range v {
		v[i] = buf[i*size : (i+1)*size : (i+1)*size]
	}
	return v
}
