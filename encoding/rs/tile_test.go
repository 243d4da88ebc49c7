package rs

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"
)

// flavours runs fn once for every kernel flavour this CPU supports, and for the Go
// path, restoring the feature flags afterwards. GFNIZ runs wherever GFNI512 does (its
// instructions need no more), also where it is not chosen for speed.
func flavours(t *testing.T, fn func(t *testing.T)) {
	saved := [4]bool{hasAVX2, hasGFNI, hasGFNI512, hasGFNIZ}
	defer func() { hasAVX2, hasGFNI, hasGFNI512, hasGFNIZ = saved[0], saved[1], saved[2], saved[3] }()
	runs := [4]bool{saved[0], saved[1], saved[2], saved[2]}
flavour:
	for _, f := range []struct {
		name  string
		flags [4]bool
	}{
		{"go", [4]bool{}},
		{"avx2", [4]bool{true}},
		{"gfni", [4]bool{true, true}},
		{"gfni512", [4]bool{true, true, true}},
		{"gfniz", [4]bool{true, true, true, true}},
	} {
		for i, on := range f.flags {
			if on && !runs[i] {
				t.Logf("%s: not supported here", f.name)
				continue flavour
			}
		}
		hasAVX2, hasGFNI, hasGFNI512, hasGFNIZ = f.flags[0], f.flags[1], f.flags[2], f.flags[3]
		t.Run(f.name, fn)
	}
}

func randomBytes(rng *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.UintN(256))
	}
	return b
}

// TestTileMatchesEncode encodes random batches through tiles, with every tile plan
// (whole symbols and segments) and every kernel flavour, and compares the repairs with
// Code.Encode. The arena is filled with garbage first: a tile must not rely on zeros.
func TestTileMatchesEncode(t *testing.T) {
	flavours(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(41, 42))
		for _, n := range []int{4, 5, 7, 10, 13, 25, 31, 64, 100, 129, 301} {
			f := (n - 1) / 3
			for _, k := range []int{n - 2*f, n - f} {
				c, err := New(k, n-k)
				if err != nil {
					t.Fatal(err)
				}
				for _, s := range []int{2, 6, 62, 64, 66, 130, 302, 462} {
					if n > 100 && s > 66 && testing.Short() {
						continue
					}
					for _, budget := range []int{64, 200, 4096} {
						checkTile(t, rng, c, s, budget)
					}
				}
			}
		}
	})
}

func checkTile(t *testing.T, rng *rand.Rand, c *Code, s, budget int) {
	t.Helper()
	count, segs := PlanTiles(s, budget)
	count = min(count, 1+rng.IntN(9))
	src := make([][]byte, c.k)
	for i := range src {
		src[i] = randomBytes(rng, count*s)
	}
	want := make([][]byte, c.r)
	for j := range want {
		want[j] = make([]byte, count*s)
	}
	if err := c.Encode(want, src, s); err != nil {
		t.Fatal(err)
	}
	got := make([][]byte, c.r)
	for j := range got {
		got[j] = make([]byte, count*s)
	}
	tile := c.NewTile()
	tile.native = true // also on the Go path: the tile's own transforms
	for si, seg := range segs {
		pk := NewPacking(s, seg, count)
		arena := randomBytes(rng, tile.ArenaLen(pk.Len()))
		tile.Reset(pk.Len(), arena)
		for i := range src {
			if si%2 == 0 {
				pk.PackRun(tile.In(i), src[i])
			} else {
				for b := 0; b < count; b++ {
					pk.Pack(tile.In(i), b, src[i][b*s:(b+1)*s])
				}
			}
			// A single symbol's chunks may be read from where they are instead.
			if lo, hi, _ := pk.Bounds(); count == 1 && rng.IntN(4) != 0 {
				copy(tile.In(i), randomBytes(rng, hi-lo))
				tile.SetSource(i, src[i][lo:hi])
			}
		}
		tile.Encode()
		for j := range got {
			pk.UnpackRun(got[j], tile.Out(j))
		}
	}
	for j := range want {
		if !bytes.Equal(got[j], want[j]) {
			t.Fatalf("k=%d r=%d high=%v s=%d budget=%d count=%d: repair %d differs", c.k, c.r, c.high, s, budget, count, j)
		}
	}
}

// TestPlanTiles checks that the segments of a plan cover every byte of a symbol once.
func TestPlanTiles(t *testing.T) {
	for _, s := range []int{2, 62, 64, 66, 128, 302, 4098, 29460, 65534} {
		for _, budget := range []int{64, 1000, 4096, 1 << 20} {
			count, segs := PlanTiles(s, budget)
			if count < 1 || len(segs) == 0 || (len(segs) > 1 && count != 1) {
				t.Fatalf("s=%d budget=%d: count %d, %d segments", s, budget, count, len(segs))
			}
			covered := make([]int, s)
			for i, seg := range segs {
				if seg.Lo%64 != 0 || seg.Hi%64 != 0 || seg.Hi > s || seg.Tail != (i == len(segs)-1 && s%64 != 0) {
					t.Fatalf("s=%d budget=%d: bad segment %+v", s, budget, seg)
				}
				for b := seg.Lo; b < seg.Hi; b++ {
					covered[b]++
				}
				if seg.Tail {
					for b := s / 64 * 64; b < s; b++ {
						covered[b]++
					}
				}
			}
			for b, n := range covered {
				if n != 1 {
					t.Fatalf("s=%d budget=%d: byte %d covered %d times", s, budget, b, n)
				}
			}
		}
	}
}

// TestPackingRoundTrip packs and unpacks batches through every access method, with
// whole symbols and segments of them. Tails are moved 32 bytes at a time where the
// buffers allow: the packed vector must not depend on what lies past the symbols, and
// unpacking must not write past the run. Both in Go and with the lane kernels, where
// the CPU has them.
func TestPackingRoundTrip(t *testing.T) {
	saved := hasLaneKernels
	defer func() { hasLaneKernels = saved }()
	for _, kernels := range []bool{false, true} {
		if kernels && !saved {
			t.Log("no lane kernels on this CPU: packing tested in Go only")
			continue
		}
		hasLaneKernels = kernels
		t.Run(fmt.Sprintf("kernels=%v", kernels), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(43, 44))
			for _, s := range []int{2, 6, 46, 62, 64, 66, 130, 302} {
				for _, count := range []int{1, 2, 3, 11, 33} {
					for _, budget := range []int{128, 4096} {
						testPackingRoundTrip(t, rng, s, count, budget)
					}
				}
			}
		})
	}
}

func testPackingRoundTrip(t *testing.T, rng *rand.Rand, s, count, budget int) {
	t.Helper()
	_, segs := PlanTiles(s, budget)
	// The run is followed by spare bytes, which PackRun may read; each symbol is also
	// given on its own, with nothing readable past it.
	run := randomBytes(rng, count*s+64)[:count*s]
	alone := make([][]byte, count)
	for b := range alone {
		alone[b] = bytes.Clone(run[b*s : (b+1)*s])
	}
	// back is followed by guard bytes that UnpackRun must leave alone.
	guarded := randomBytes(rng, count*s+64)
	guard := bytes.Clone(guarded[count*s:])
	back := guarded[:count*s]
	for _, seg := range segs {
		pk := NewPacking(s, seg, count)
		if pk.Len()%64 != 0 || pk.Count() != count {
			t.Fatalf("s=%d count=%d budget=%d: packed length %d", s, count, budget, pk.Len())
		}
		packed := randomBytes(rng, pk.Len())
		pk.PackRun(packed, run)
		fromAlone := randomBytes(rng, pk.Len())
		pk.PackSlivers(fromAlone, alone, 0)
		lo, hi, tail := pk.Bounds()
		for b := 0; b < count; b++ {
			sym := run[b*s : (b+1)*s]
			for _, vec := range [][]byte{packed, fromAlone} {
				if !bytes.Equal(pk.Chunks(vec, b), sym[lo:hi]) {
					t.Fatalf("s=%d count=%d budget=%d: chunks of %d", s, count, budget, b)
				}
				tl := make([]byte, pk.TailLen())
				pk.UnpackTail(tl, vec, b)
				if !bytes.Equal(tl, sym[tail:tail+pk.TailLen()]) {
					t.Fatalf("s=%d count=%d budget=%d: tail of %d", s, count, budget, b)
				}
			}
		}
		pk.UnpackRun(back, packed)
	}
	if !bytes.Equal(back, run) {
		t.Fatalf("s=%d count=%d budget=%d: round trip differs", s, count, budget)
	}
	if !bytes.Equal(guarded[count*s:], guard) {
		t.Fatalf("s=%d count=%d budget=%d: UnpackRun wrote past the run", s, count, budget)
	}
}

// TestStreamCopy copies at every alignment and around the streaming threshold.
func TestStreamCopy(t *testing.T) {
	rng := rand.New(rand.NewPCG(45, 46))
	src := randomBytes(rng, 5000)
	for _, n := range []int{0, 1, 63, 64, 255, 256, 257, 1000, 4096, 4900} {
		for off := 0; off < 70; off += 7 {
			dst := make([]byte, n+off+10)
			StreamCopy(dst[off:], src[3:3+n])
			StreamFence()
			if !bytes.Equal(dst[off:off+n], src[3:3+n]) || !bytes.Equal(dst[:off], make([]byte, off)) ||
				!bytes.Equal(dst[off+n:], make([]byte, 10)) {
				t.Fatalf("n=%d off=%d: copy differs", n, off)
			}
		}
	}
}

// refTransform is the plain radix-2 FFT or inverse FFT over explicitly zero-padded
// vectors, as the transforms were first written.
func refTransform(t *fieldTables, work [][]byte, limit, m, off int, inverse bool) {
	butterfly := func(x, y []byte, logM uint16) {
		if inverse {
			xorInto(y, x)
		}
		if logM != modulus {
			for o := 0; o < len(y); o += 64 {
				for i := 0; i < 32; i++ {
					p := t.mulLog(uint16(y[o+i])|uint16(y[o+32+i])<<8, logM)
					x[o+i] ^= byte(p)
					x[o+32+i] ^= byte(p >> 8)
				}
			}
		}
		if !inverse {
			xorInto(y, x)
		}
	}
	layer := func(dist int) {
		for r := 0; r < limit; r += 2 * dist {
			logM := t.skew[off+r+dist-1]
			for i := r; i < r+dist; i++ {
				butterfly(work[i], work[i+dist], logM)
			}
		}
	}
	if inverse {
		for dist := 1; dist < m; dist <<= 1 {
			layer(dist)
		}
	} else {
		for dist := m >> 1; dist > 0; dist >>= 1 {
			layer(dist)
		}
	}
}

// TestTransforms compares ifft (which must take the vectors from nonZero on as zero
// whatever they hold) and fft (whose outputs past the limit are unspecified) with the
// reference, on vectors back to back in memory and on separate ones.
func TestTransforms(t *testing.T) {
	flavours(t, func(t *testing.T) {
		tb := tables()
		rng := rand.New(rand.NewPCG(47, 48))
		// Every m of 1 to 1024 takes another mix of radix-8, -4 and -2 passes (see radix).
		for _, m := range []int{1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024} {
			for trial := 0; trial < 10; trial++ {
				limit := 1 + rng.IntN(m)
				if trial == 0 {
					limit = m
				}
				off := []int{0, m, 3 * m, 2 * m}[trial%4]
				size := 64 * (1 + rng.IntN(4))
				for _, inverse := range []bool{true, false} {
					ref := make([][]byte, m)
					for i := range ref {
						ref[i] = make([]byte, size)
						if !inverse || i < limit {
							ref[i] = randomBytes(rng, size)
						}
					}
					for _, flat := range []bool{true, false} {
						buf := randomBytes(rng, m*size)
						work := make([][]byte, m)
						for i := range work {
							if flat {
								work[i] = buf[i*size : (i+1)*size]
							} else {
								work[i] = randomBytes(rng, size)
							}
							if !inverse || i < limit {
								copy(work[i], ref[i])
							}
						}
						want := make([][]byte, m)
						for i := range want {
							want[i] = append([]byte(nil), ref[i]...)
						}
						refTransform(tb, want, limit, m, off, inverse)
						check := m
						if inverse {
							tb.ifft(work, limit, m, off)
						} else {
							tb.fft(work, limit, m, off)
							check = limit
						}
						for i := 0; i < check; i++ {
							if !bytes.Equal(work[i], want[i]) {
								t.Fatalf("m=%d limit=%d off=%d inverse=%v flat=%v: vector %d differs", m, limit, off, inverse, flat, i)
							}
						}
					}
				}
			}
		}
	})
}

// TestKernels compares the radix-4 and out-of-place kernels with the radix-2 Go path,
// for every skip mask, in every flavour.
func TestKernels(t *testing.T) {
	saved := hasAVX2
	if !saved {
		t.Skip("no assembly kernels here")
	}
	flavours(t, func(t *testing.T) {
		if !hasAVX2 {
			return
		}
		tb := tables()
		rng := rand.New(rand.NewPCG(49, 50))
		for _, size := range []int{64, 128, 192, 4096} {
			for trial := 0; trial < 16; trial++ {
				logs := [3]uint16{uint16(rng.UintN(order)), uint16(rng.UintN(order)), uint16(rng.UintN(order))}
				for i := range logs {
					if trial>>i&1 == 1 {
						logs[i] = modulus
					}
				}
				for _, inverse := range []bool{false, true} {
					x := [4][]byte{}
					want := [4][]byte{}
					for i := range x {
						x[i] = randomBytes(rng, size)
						want[i] = append([]byte(nil), x[i]...)
					}
					goButterfly := func(a, b []byte, logM uint16) {
						hasAVX2 = false
						if inverse {
							tb.ifftButterfly(a, b, logM)
						} else {
							tb.fftButterfly(a, b, logM)
						}
						hasAVX2 = true
					}
					if inverse {
						goButterfly(want[0], want[1], logs[1])
						goButterfly(want[2], want[3], logs[2])
						goButterfly(want[0], want[2], logs[0])
						goButterfly(want[1], want[3], logs[0])
					} else {
						goButterfly(want[0], want[2], logs[0])
						goButterfly(want[1], want[3], logs[0])
						goButterfly(want[0], want[1], logs[1])
						goButterfly(want[2], want[3], logs[2])
					}
					tb.dit4Asm(x[0], x[1], x[2], x[3], logs[0], logs[1], logs[2], inverse)
					for i := range x {
						if !bytes.Equal(x[i], want[i]) {
							t.Fatalf("size %d logs %v inverse %v: vector %d differs", size, logs, inverse, i)
						}
					}
				}
				// d = x ^ y·c against copy and mulAdd.
				a, b := randomBytes(rng, size), randomBytes(rng, size)
				d := randomBytes(rng, size)
				want := append([]byte(nil), a...)
				tb.mulAdd(want, b, logs[0])
				if !tb.mulAddToAsm(d, a, b, logs[0]) || !bytes.Equal(d, want) {
					t.Fatalf("size %d log %d: mulAddTo differs", size, logs[0])
				}
			}
		}
	})
}

// TestRadix8Kernel compares the radix-8 kernel with the radix-2 Go path, with some
// constants the logarithm of zero, where it runs.
func TestRadix8Kernel(t *testing.T) {
	if !hasGFNI512 {
		t.Skip("no radix-8 kernel here")
	}
	savedZ := hasGFNIZ
	defer func() { hasAVX2, hasGFNIZ = true, savedZ }()
	for _, wide := range []bool{false, true} {
		hasGFNIZ = wide
		t.Run(fmt.Sprintf("gfniz=%v", wide), testRadix8Kernel)
	}
}

func testRadix8Kernel(t *testing.T) {
	tb := tables()
	rng := rand.New(rand.NewPCG(51, 52))
	for _, stride := range []int{64, 128, 4096} {
		for trial := 0; trial < 24; trial++ {
			var logs [7]uint16
			for i := range logs {
				logs[i] = uint16(rng.UintN(order))
				if rng.UintN(4) == 0 {
					logs[i] = modulus
				}
			}
			// The kernel's butterflies by layer: pairs (x, y) and the constant.
			layers := [3][4][3]int{
				{{0, 4, 0}, {1, 5, 0}, {2, 6, 0}, {3, 7, 0}},
				{{0, 2, 1}, {1, 3, 1}, {4, 6, 2}, {5, 7, 2}},
				{{0, 1, 3}, {2, 3, 4}, {4, 5, 5}, {6, 7, 6}},
			}
			for _, inverse := range []bool{false, true} {
				x := randomBytes(rng, 8*stride)
				want := append([]byte(nil), x...)
				vec := func(k int) []byte { return want[k*stride : (k+1)*stride] }
				hasAVX2 = false
				for l := range layers {
					if inverse {
						l = 2 - l
					}
					for _, b := range layers[l] {
						if inverse {
							tb.ifftButterfly(vec(b[0]), vec(b[1]), logs[b[2]])
						} else {
							tb.fftButterfly(vec(b[0]), vec(b[1]), logs[b[2]])
						}
					}
				}
				hasAVX2 = true
				tb.dit8Asm(x, stride, &logs, inverse)
				if !bytes.Equal(x, want) {
					t.Fatalf("stride %d logs %v inverse %v: differs", stride, logs, inverse)
				}
			}
		}
	}
}

func ExamplePlanTiles() {
	count, segs := PlanTiles(302, 4096)
	fmt.Println(count, segs)
	count, segs = PlanTiles(29460, 4096)
	fmt.Println(count, len(segs), segs[len(segs)-1])
	// Output:
	// 13 [{0 256 true}]
	// 1 8 {25728 29440 true}
}
