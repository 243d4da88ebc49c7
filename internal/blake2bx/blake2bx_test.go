package blake2bx

import (
	"bytes"
	"fmt"
	"math/rand"
	"testing"

	"golang.org/x/crypto/blake2b"
)

// impls runs f with each assembly kernel the CPU has and with the portable code.
func impls(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	saved, saved512, savedWide := useAVX2, useAVX512, useWide
	defer func() { useAVX2, useAVX512, useWide = saved, saved512, savedWide }()
	if savedWide {
		t.Run("wide", f)
	}
	useWide = false
	if saved512 {
		t.Run("avx512", f)
	}
	useAVX512 = false
	if saved {
		t.Run("avx2", f)
	}
	useAVX2 = false
	t.Run("generic", f)
}

func ref(prefixed bool, prefix byte, m []byte) [32]byte {
	if prefixed {
		return blake2b.Sum256(append([]byte{prefix}, m...))
	}
	return blake2b.Sum256(m)
}

var testLengths = func() []int {
	var ls []int
	for l := 0; l <= 300; l++ {
		ls = append(ls, l)
	}
	return append(ls, 383, 384, 385, 511, 512, 513, 1023, 1024, 1025, 4096, 65535, 65536+1)
}()

func randLanes(r *rand.Rand, l int) [4][]byte {
	var ms [4][]byte
	for i := range ms {
		ms[i] = make([]byte, l)
		r.Read(ms[i])
	}
	return ms
}

func TestSum256(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for _, l := range testLengths {
		m := randLanes(r, l)[0]
		if Sum256(m) != blake2b.Sum256(m) {
			t.Fatalf("Sum256 len %d", l)
		}
		if got := Sum256Prefixed(0x5a, m); got != ref(true, 0x5a, m) {
			t.Fatalf("Sum256Prefixed len %d", l)
		}
	}
}

func TestSum256x4(t *testing.T) {
	impls(t, func(t *testing.T) {
		r := rand.New(rand.NewSource(2))
		for _, l := range testLengths {
			ms := randLanes(r, l)
			var out [4][32]byte
			Sum256x4(&out, ms[0], ms[1], ms[2], ms[3])
			for i := range ms {
				if out[i] != ref(false, 0, ms[i]) {
					t.Fatalf("Sum256x4 len %d lane %d", l, i)
				}
			}
			// The one-shot lock step on eight lanes (lanes 4..7 repeat 0..3).
			var out8 [8][32]byte
			sumLanes(out8[:], true, 7, [][]byte{ms[0], ms[1], ms[2], ms[3], ms[0], ms[1], ms[2], ms[3]})
			for i := range out8 {
				if out8[i] != ref(true, 7, ms[i%4]) {
					t.Fatalf("sumLanes(8) len %d lane %d", l, i)
				}
			}
			for _, p := range []byte{0, 1, 0xff} {
				Sum256x4Prefixed(&out, p, ms[0], ms[1], ms[2], ms[3])
				for i := range ms {
					if out[i] != ref(true, p, ms[i]) {
						t.Fatalf("Sum256x4Prefixed(%#x) len %d lane %d", p, l, i)
					}
				}
			}
		}
	})
}

func TestSum256x4UnequalLengths(t *testing.T) {
	impls(t, func(t *testing.T) {
		r := rand.New(rand.NewSource(3))
		for _, ls := range [][4]int{{0, 1, 2, 3}, {65, 65, 65, 64}, {128, 129, 127, 128}, {300, 0, 300, 300}, {5000, 1, 200, 129}} {
			var ms [4][]byte
			for i := range ms {
				ms[i] = make([]byte, ls[i])
				r.Read(ms[i])
			}
			var out [4][32]byte
			Sum256x4(&out, ms[0], ms[1], ms[2], ms[3])
			for i := range ms {
				if out[i] != ref(false, 0, ms[i]) {
					t.Fatalf("lengths %v lane %d", ls, i)
				}
			}
			Sum256x4Prefixed(&out, 9, ms[0], ms[1], ms[2], ms[3])
			for i := range ms {
				if out[i] != ref(true, 9, ms[i]) {
					t.Fatalf("prefixed lengths %v lane %d", ls, i)
				}
			}
		}
	})
}

// TestSum256x4Aliasing uses the same backing array for all lanes and
// messages at odd offsets.
func TestSum256x4Aliasing(t *testing.T) {
	impls(t, func(t *testing.T) {
		buf := make([]byte, 4000)
		rand.New(rand.NewSource(4)).Read(buf)
		for _, l := range []int{1, 64, 127, 128, 129, 300, 900} {
			ms := [4][]byte{buf[1 : 1+l], buf[1 : 1+l], buf[3 : 3+l], buf[len(buf)-l:]}
			var out [4][32]byte
			Sum256x4Prefixed(&out, 1, ms[0], ms[1], ms[2], ms[3])
			for i := range ms {
				if out[i] != ref(true, 1, ms[i]) {
					t.Fatalf("len %d lane %d", l, i)
				}
			}
		}
	})
}

// TestKernel compares the assembly kernel with the portable compression for
// multi-block calls, counters and flags.
func TestKernel(t *testing.T) {
	if !useAVX2 {
		t.Skip("no AVX2 kernel")
	}
	impls(t, func(t *testing.T) {
		if !useAVX2 {
			t.Skip("the portable compression is the reference")
		}
		testKernel(t)
	})
}

func testKernel(t *testing.T) {
	r := rand.New(rand.NewSource(5))
	for _, n := range []int{1, 2, 3, 7} {
		for _, f := range []uint64{0, ^uint64(0)} {
			ms := randLanes(r, n*BlockSize)
			var h0 [32]uint64
			for i := range h0 {
				h0[i] = r.Uint64()
			}
			t0 := r.Uint64() >> 1
			a, b := h0, h0
			compress4AVX2(&a, ms[0], ms[1], ms[2], ms[3], n, t0, f)
			compress4Generic(&b, ms[0], ms[1], ms[2], ms[3], n, t0, f)
			if a != b {
				t.Fatalf("n=%d f=%x: kernel mismatch", n, f)
			}
			// Eight lanes: the same blocks in lanes 0..3 and, reversed, in 4..7.
			var h8 [64]uint64
			p := [maxLanes][]byte{ms[0], ms[1], ms[2], ms[3], ms[3], ms[2], ms[1], ms[0]}
			for w := 0; w < 8; w++ {
				for l := 0; l < 4; l++ {
					h8[8*w+l], h8[8*w+7-l] = h0[4*w+l], h0[4*w+l]
				}
			}
			compressLanes(&h8, 8, &p, n, t0, f)
			for w := 0; w < 8; w++ {
				for l := 0; l < 4; l++ {
					if h8[8*w+l] != b[4*w+l] || h8[8*w+7-l] != b[4*w+l] {
						t.Fatalf("n=%d f=%x: eight-lane kernel mismatch in word %d lane %d", n, f, w, l)
					}
				}
			}
		}
	}
}

// lanesHasher is Hasher4 or Hasher8 behind one face, for the tests.
type lanesHasher struct {
	h4    *Hasher4
	h8    *Hasher8
	lanes int
}

func newLanesHasher(lanes int, reset bool) lanesHasher {
	h := lanesHasher{h4: new(Hasher4), h8: new(Hasher8), lanes: lanes}
	if reset {
		h.h4.Reset()
		h.h8.Reset()
	}
	return h
}

func (h lanesHasher) write(ms [][]byte) {
	if h.lanes == 4 {
		h.h4.Write(ms[0], ms[1], ms[2], ms[3])
		return
	}
	h.h8.Write((*[8][]byte)(ms))
}

func (h lanesHasher) writeByteAll(b byte) {
	if h.lanes == 4 {
		h.h4.WriteByteAll(b)
		return
	}
	h.h8.WriteByteAll(b)
}

func (h lanesHasher) sum() [][32]byte {
	if h.lanes == 4 {
		var out [4][32]byte
		h.h4.Sum(&out)
		return out[:]
	}
	var out [8][32]byte
	h.h8.Sum(&out)
	return out[:]
}

func TestHasher(t *testing.T) {
	impls(t, func(t *testing.T) {
		r := rand.New(rand.NewSource(6))
		for _, lanes := range []int{4, 8} {
			for iter := 0; iter < 300; iter++ {
				h := newLanesHasher(lanes, iter%2 == 1)
				whole := make([][]byte, lanes)
				pieces := r.Intn(6)
				for p := 0; p < pieces; p++ {
					l := []int{0, 1, 32, 64, 127, 128, 129, 256, r.Intn(600)}[r.Intn(9)]
					ms := make([][]byte, lanes)
					same := r.Intn(3) == 0
					for i := range ms {
						ms[i] = make([]byte, l)
						r.Read(ms[i])
						if same {
							ms[i] = ms[0]
						}
						whole[i] = append(whole[i], ms[i]...)
					}
					h.write(ms)
				}
				for i, d := range h.sum() {
					if d != blake2b.Sum256(whole[i]) {
						t.Fatalf("%d lanes: iter %d lane %d (len %d)", lanes, iter, i, len(whole[i]))
					}
				}
				// Sum must not disturb the state.
				h.writeByteAll(0x01)
				for i, d := range h.sum() {
					if d != blake2b.Sum256(append(whole[i], 1)) {
						t.Fatalf("%d lanes: iter %d lane %d after Sum", lanes, iter, i)
					}
				}
			}
		}
	})
}

func TestHasher4Diverge(t *testing.T) {
	impls(t, func(t *testing.T) {
		r := rand.New(rand.NewSource(7))
		for iter := 0; iter < 100; iter++ {
			var h Hasher4
			var whole [4][]byte
			for p := 0; p < 5; p++ {
				var ms [4][]byte
				same := r.Intn(2) == 0
				l := r.Intn(300)
				for i := range ms {
					if !same {
						l = r.Intn(300)
					}
					ms[i] = make([]byte, l)
					r.Read(ms[i])
					whole[i] = append(whole[i], ms[i]...)
				}
				h.Write(ms[0], ms[1], ms[2], ms[3])
			}
			var out [4][32]byte
			h.Sum(&out)
			for i := range whole {
				if out[i] != blake2b.Sum256(whole[i]) {
					t.Fatalf("iter %d lane %d", iter, i)
				}
			}
			h.Reset()
			h.Sum(&out)
			if out[2] != blake2b.Sum256(nil) {
				t.Fatal("Reset after diverge")
			}
		}
	})
}

func TestSumMany(t *testing.T) {
	impls(t, func(t *testing.T) {
		r := rand.New(rand.NewSource(8))
		for n := 0; n <= 19; n++ {
			for _, size := range []int{0, 6, 65, 127, 128, 129, 300} {
				stride := size + r.Intn(5)
				data := make([]byte, n*stride+size+n+1)
				r.Read(data)
				dst := make([][32]byte, n)
				SumManyStrided(dst, 0x01, data, size, stride)
				for i := range dst {
					if dst[i] != ref(true, 1, data[i*stride:i*stride+size]) {
						t.Fatalf("SumManyStrided n=%d size=%d i=%d", n, size, i)
					}
				}
				clear(dst)
				calls := 0
				SumMany(dst, 0x00, func(i int) []byte {
					if i != calls {
						t.Fatalf("msg called out of order: %d, want %d", i, calls)
					}
					calls++
					// Mixed lengths exercise the fallback.
					return data[i : i+size+i%2]
				})
				if calls != n {
					t.Fatalf("msg called %d times, want %d", calls, n)
				}
				for i := range dst {
					if dst[i] != ref(true, 0, data[i:i+size+i%2]) {
						t.Fatalf("SumMany n=%d size=%d i=%d", n, size, i)
					}
				}
			}
		}
	})
}

func TestNoAllocs(t *testing.T) {
	ms := randLanes(rand.New(rand.NewSource(9)), 303)
	var out [4][32]byte
	many := make([][32]byte, 10)
	if a := testing.AllocsPerRun(100, func() {
		Sum256x4Prefixed(&out, 0, ms[0], ms[1], ms[2], ms[3])
		out[0] = Sum256Prefixed(1, ms[1])
		SumManyStrided(many, 0, ms[0], 30, 30)
	}); a != 0 {
		t.Fatalf("%v allocations", a)
	}
}

func FuzzSum256x4(f *testing.F) {
	f.Add([]byte("abc"), byte(0), false)
	f.Add(bytes.Repeat([]byte{7}, 4*129), byte(1), true)
	f.Add(make([]byte, 4*128), byte(1), true)
	f.Fuzz(func(t *testing.T, data []byte, prefix byte, prefixed bool) {
		l := len(data) / 4
		ms := [4][]byte{data[:l], data[l : 2*l], data[2*l : 3*l], data[3*l : 4*l]}
		var out [4][32]byte
		if prefixed {
			Sum256x4Prefixed(&out, prefix, ms[0], ms[1], ms[2], ms[3])
		} else {
			Sum256x4(&out, ms[0], ms[1], ms[2], ms[3])
		}
		for i := range ms {
			if out[i] != ref(prefixed, prefix, ms[i]) {
				t.Fatalf("len %d lane %d", l, i)
			}
		}
		// Unequal lengths: the remainder goes to lane 3.
		Sum256x4Prefixed(&out, prefix, ms[0], ms[1], ms[2], data[3*l:])
		if out[3] != ref(true, prefix, data[3*l:]) {
			t.Fatalf("unequal lane 3")
		}
		// Overlapping leaves, a group of eight and a tail, for the eight-lane kernel.
		size := len(data) / 8
		dst := make([][32]byte, min(15, len(data)-size+1))
		SumManyStrided(dst, prefix, data, size, 1)
		for i := range dst {
			if dst[i] != ref(true, prefix, data[i:i+size]) {
				t.Fatalf("SumManyStrided size %d leaf %d", size, i)
			}
		}
	})
}

func benchSingle(b *testing.B, size int) {
	m := make([]byte, size)
	b.SetBytes(int64(size))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = blake2b.Sum256(m)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "hashes/s")
}

// benchX4 hashes prefix || m (size bytes in total) four at a time.
func benchX4(b *testing.B, size int) {
	n := size - 1
	m := make([]byte, 4*n)
	var out [4][32]byte
	b.SetBytes(int64(4 * size))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Sum256x4Prefixed(&out, 1, m[:n], m[n:2*n], m[2*n:3*n], m[3*n:])
	}
	b.ReportMetric(float64(4*b.N)/b.Elapsed().Seconds(), "hashes/s")
}

func BenchmarkSingle_65B(b *testing.B)  { benchSingle(b, 65) }
func BenchmarkX4_65B(b *testing.B)      { benchX4(b, 65) }
func BenchmarkSingle_303B(b *testing.B) { benchSingle(b, 303) }
func BenchmarkX4_303B(b *testing.B)     { benchX4(b, 303) }

func BenchmarkSumManyStrided(b *testing.B) {
	for _, size := range []int{6, 64, 302} {
		b.Run(fmt.Sprint(size), func(b *testing.B) {
			const n = 1024
			data := make([]byte, n*size)
			dst := make([][32]byte, n)
			b.SetBytes(int64(len(data)))
			for i := 0; i < b.N; i++ {
				SumManyStrided(dst, 0, data, size, size)
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "hashes/s")
		})
	}
}

func TestSum256x4Parts(t *testing.T) {
	impls(t, func(t *testing.T) {
		r := rand.New(rand.NewSource(10))
		for _, la := range []int{0, 1, 32, 63, 64, 126, 127, 128, 200} {
			for _, lb := range []int{0, 1, 32, 64, 127, 300} {
				for _, same := range []bool{true, false} {
					var a, b [4][]byte
					for l := range a {
						xa, xb := la, lb
						if !same && l == 2 {
							xa++
						}
						a[l] = make([]byte, xa)
						b[l] = make([]byte, xb)
						r.Read(a[l])
						r.Read(b[l])
					}
					var out [4][32]byte
					Sum256x4Parts(&out, 1, a, b)
					for l := range out {
						want := blake2b.Sum256(append(append([]byte{1}, a[l]...), b[l]...))
						if out[l] != want {
							t.Fatalf("la=%d lb=%d same=%v lane %d", la, lb, same, l)
						}
					}
				}
			}
		}
	})
}

func TestSumPairs(t *testing.T) {
	impls(t, func(t *testing.T) {
		r := rand.New(rand.NewSource(11))
		for _, lanes := range []int{4, 8} {
			for iter := 0; iter < 200; iter++ {
				nodes := make([][32]byte, 2*lanes)
				for i := range nodes {
					r.Read(nodes[i][:])
				}
				orig := append([][32]byte(nil), nodes...)
				var left, right, out [8]*[32]byte
				want := make([][32]byte, lanes)
				for l := range lanes {
					a, b := r.Intn(len(nodes)), r.Intn(len(nodes))
					left[l], right[l] = &nodes[a], &nodes[b]
					want[l] = blake2b.Sum256(append(append([]byte{byte(iter)}, orig[a][:]...), orig[b][:]...))
				}
				// Outputs alias inputs (distinct outputs per lane).
				outs := r.Perm(len(nodes))[:lanes]
				for l := range lanes {
					out[l] = &nodes[outs[l]]
				}
				if lanes == 4 {
					SumPairs4(&Pairs4{Left: [4]*[32]byte(left[:4]), Right: [4]*[32]byte(right[:4]), Out: [4]*[32]byte(out[:4])}, byte(iter))
				} else {
					SumPairs8(&Pairs8{Left: left, Right: right, Out: out}, byte(iter))
				}
				for l := range lanes {
					if nodes[outs[l]] != want[l] {
						t.Fatalf("%d lanes: iter %d lane %d", lanes, iter, l)
					}
				}
			}
		}
	})
}

// TestSumLevel8 hashes levels of eight trees: in place with adjacent children, and
// from strided children (the leaves of column trees) into separate outputs, which
// must be written nowhere past their last pair.
func TestSumLevel8(t *testing.T) {
	impls(t, func(t *testing.T) {
		r := rand.New(rand.NewSource(12))
		for _, pairs := range []int{0, 1, 2, 5, 17} {
			for _, stride := range []int{1, 3, 1000} {
				inPlace := stride == 1
				var p Level8
				p.Stride, p.Pairs = 32*stride, pairs
				want := make([][][32]byte, 8)
				outs := make([][][32]byte, 8)
				for l := range 8 {
					in := make([][32]byte, max(1, 2*pairs*stride))
					for i := range in {
						r.Read(in[i][:])
					}
					for j := range pairs {
						want[l] = append(want[l], SumPair(byte(pairs), &in[2*j*stride], &in[(2*j+1)*stride]))
					}
					outs[l] = in
					if !inPlace {
						outs[l] = make([][32]byte, pairs+1)
						r.Read(outs[l][pairs][:])
					}
					p.In[l], p.Out[l] = &in[0], &outs[l][0]
				}
				guard := make([][32]byte, 8)
				for l := range 8 {
					if !inPlace {
						guard[l] = outs[l][pairs]
					}
				}
				SumLevel8(&p, byte(pairs))
				for l := range 8 {
					for j := range pairs {
						if outs[l][j] != want[l][j] {
							t.Fatalf("pairs=%d stride=%d: lane %d pair %d differs", pairs, stride, l, j)
						}
					}
					if !inPlace && outs[l][pairs] != guard[l] {
						t.Fatalf("pairs=%d stride=%d: lane %d written past its last pair", pairs, stride, l)
					}
				}
			}
		}
	})
}

func BenchmarkPairs4(b *testing.B) {
	var nodes [8][32]byte
	p := Pairs4{
		Left:  [4]*[32]byte{&nodes[0], &nodes[2], &nodes[4], &nodes[6]},
		Right: [4]*[32]byte{&nodes[1], &nodes[3], &nodes[5], &nodes[7]},
		Out:   [4]*[32]byte{&nodes[0], &nodes[1], &nodes[2], &nodes[3]},
	}
	b.SetBytes(4 * 65)
	for i := 0; i < b.N; i++ {
		SumPairs4(&p, 1)
	}
	b.ReportMetric(float64(4*b.N)/b.Elapsed().Seconds(), "hashes/s")
}

func BenchmarkPairs8(b *testing.B) {
	var nodes [16][32]byte
	var p Pairs8
	for l := range 8 {
		p.Left[l], p.Right[l], p.Out[l] = &nodes[2*l], &nodes[2*l+1], &nodes[l]
	}
	b.SetBytes(8 * 65)
	for i := 0; i < b.N; i++ {
		SumPairs8(&p, 1)
	}
	b.ReportMetric(float64(8*b.N)/b.Elapsed().Seconds(), "hashes/s")
}
