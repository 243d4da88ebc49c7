package rs

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

type sliverDump struct {
	N, K1, K2, SymbolSize int
	Primary, Secondary    []struct {
		Pair, Index int
		Hex         string
	}
}

func loadDumps(t *testing.T) map[string]sliverDump {
	t.Helper()
	files, err := filepath.Glob("../testdata/rs2/slivers/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no sliver dumps: %v", err)
	}
	out := map[string]sliverDump{}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var d sliverDump
		if err := json.Unmarshal(raw, &d); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out[filepath.Base(f)] = d
	}
	return out
}

func (d sliverDump) slivers(t *testing.T) (primary, secondary [][]byte) {
	primary = make([][]byte, d.N)
	secondary = make([][]byte, d.N)
	for _, p := range d.Primary {
		b, err := hex.DecodeString(p.Hex)
		if err != nil {
			t.Fatal(err)
		}
		primary[p.Index] = b
	}
	for _, s := range d.Secondary {
		b, err := hex.DecodeString(s.Hex)
		if err != nil {
			t.Fatal(err)
		}
		secondary[s.Index] = b
	}
	return primary, secondary
}

func symbol(b []byte, i, s int) []byte { return b[i*s : (i+1)*s] }

// codewords returns, for the reference slivers, the row codewords (all n symbols of
// rows 0..k1-1) and the column codewords (all n symbols of columns 0..k2-1) as batches:
// rows[c] = symbol c of every row, cols[r] = symbol r of every column.
func (d sliverDump) codewords(t *testing.T) (rows, cols [][]byte) {
	primary, secondary := d.slivers(t)
	s := d.SymbolSize
	rows = make([][]byte, d.N)
	for c := 0; c < d.N; c++ {
		for r := 0; r < d.K1; r++ {
			if c < d.K2 {
				rows[c] = append(rows[c], symbol(primary[r], c, s)...)
			} else {
				rows[c] = append(rows[c], symbol(secondary[c], r, s)...)
			}
		}
	}
	cols = make([][]byte, d.N)
	for r := 0; r < d.N; r++ {
		for c := 0; c < d.K2; c++ {
			if r < d.K1 {
				cols[r] = append(cols[r], symbol(secondary[c], r, s)...)
			} else {
				cols[r] = append(cols[r], symbol(primary[r], c, s)...)
			}
		}
	}
	return rows, cols
}

func encodeAll(t *testing.T, c *Code, codewords [][]byte, s int, native bool) [][]byte {
	t.Helper()
	dst := make([][]byte, c.R())
	for j := range dst {
		dst[j] = make([]byte, len(codewords[0]))
	}
	if err := c.encode(dst, codewords[:c.K()], s, native); err != nil {
		t.Fatal(err)
	}
	return dst
}

// TestGoldenEncode checks both axes of every reference dump, through the accelerated
// and the native paths: the row code (k2 → f, always high rate) and the column code
// (k1 → n-k1, low rate at n = 10).
func TestGoldenEncode(t *testing.T) {
	for name, d := range loadDumps(t) {
		rows, cols := d.codewords(t)
		for _, axis := range []struct {
			name      string
			k         int
			codewords [][]byte
		}{{"row", d.K2, rows}, {"column", d.K1, cols}} {
			c, err := New(axis.k, d.N-axis.k)
			if err != nil {
				t.Fatal(err)
			}
			for _, native := range []bool{false, true} {
				got := encodeAll(t, c, axis.codewords, d.SymbolSize, native)
				for j := range got {
					if !bytes.Equal(got[j], axis.codewords[axis.k+j]) {
						t.Fatalf("%s %s axis (high=%v native=%v): repair %d differs", name, axis.name, c.HighRate(), native, j)
					}
				}
			}
		}
	}
}

func TestRateRule(t *testing.T) {
	cases := []struct {
		k, r int
		high bool
	}{
		{334, 666, false}, {667, 333, true}, {4, 6, false}, {7, 3, true},
		{3, 4, true}, {5, 2, true}, {7, 5, false}, {4, 4, true}, {2, 2, true}, {2, 3, false},
	}
	for _, c := range cases {
		if got := UseHighRate(c.k, c.r); got != c.high {
			t.Errorf("UseHighRate(%d,%d) = %v, want %v", c.k, c.r, got, c.high)
		}
	}
	low, high := 0, 0
	for n := 4; n <= 1000; n++ {
		f := (n - 1) / 3
		if UseHighRate(n-2*f, 2*f) {
			high++
		} else {
			low++
		}
	}
	if low != 950 || high != 47 {
		t.Fatalf("column axis over n=4..1000: %d low, %d high; want 950, 47", low, high)
	}
}

func randomBatch(rng *rand.Rand, count, size int) [][]byte {
	out := make([][]byte, count)
	for i := range out {
		out[i] = make([]byte, size)
		for j := range out[i] {
			out[i][j] = byte(rng.UintN(256))
		}
	}
	return out
}

// TestAcceleratedMatchesNative compares the klauspost paths with the package's own
// transforms over many shapes, both rates and symbol sizes around the 64-byte chunk.
func TestAcceleratedMatchesNative(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{4, 5, 7, 10, 13, 16, 25, 31, 64, 100, 129} {
		f := (n - 1) / 3
		for _, k := range []int{n - 2*f, n - f} {
			c, err := New(k, n-k)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range []int{2, 6, 62, 64, 66, 130} {
				src := randomBatch(rng, k, s*3)
				fast := encodeAll(t, c, append(src, make([][]byte, n-k)...), s, false)
				slow := encodeAll(t, c, append(src, make([][]byte, n-k)...), s, true)
				for j := range fast {
					if !bytes.Equal(fast[j], slow[j]) {
						t.Fatalf("n=%d k=%d s=%d high=%v: repair %d differs", n, k, s, c.HighRate(), j)
					}
				}
			}
		}
	}
}

// TestReconstructRandomSubsets decodes from random subsets of exactly k shards, with
// the default and the native decoder.
func TestReconstructRandomSubsets(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{4, 7, 10, 13, 31, 100} {
		f := (n - 1) / 3
		for _, k := range []int{n - 2*f, n - f} {
			c, err := New(k, n-k)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range []int{2, 38, 64, 100} {
				src := randomBatch(rng, k, s*5)
				repairs := encodeAll(t, c, append(append([][]byte{}, src...), make([][]byte, n-k)...), s, false)
				all := append(append([][]byte{}, src...), repairs...)
				for trial := 0; trial < 6; trial++ {
					keep := rng.Perm(n)[:k]
					if trial == 0 { // the repairs only, as far as possible
						keep = nil
						for i := n - 1; len(keep) < k; i-- {
							keep = append(keep, i)
						}
					}
					for _, native := range []bool{false, true} {
						shards := make([][]byte, n)
						for _, i := range keep {
							shards[i] = append([]byte(nil), all[i]...)
						}
						if err := c.reconstruct(shards, s, native); err != nil {
							t.Fatalf("n=%d k=%d s=%d native=%v keep=%v: %v", n, k, s, native, keep, err)
						}
						for i := 0; i < k; i++ {
							if !bytes.Equal(shards[i], src[i]) {
								t.Fatalf("n=%d k=%d s=%d high=%v native=%v keep=%v: original %d wrong",
									n, k, s, c.HighRate(), native, keep, i)
							}
						}
					}
				}
			}
		}
	}
}

// TestReconstructNativeGarbageWork decodes with the native decoder from shards long
// enough for several cache slices, through work buffers filled with garbage first: the
// decoder must clear what the transforms read and no more than it may leave.
func TestReconstructNativeGarbageWork(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for _, kr := range [][2]int{{34, 66}, {67, 33}, {334, 666}} {
		c, err := New(kr[0], kr[1])
		if err != nil {
			t.Fatal(err)
		}
		n, s := kr[0]+kr[1], 2
		size := 3*cacheSlice(ceilPow2(2*n), 1<<30) + 64 // several slices, and a short last one
		src := randomBatch(rng, c.k, size)
		repairs := encodeAll(t, c, append(append([][]byte{}, src...), make([][]byte, c.r)...), s, false)
		all := append(append([][]byte{}, src...), repairs...)
		for trial := 0; trial < 3; trial++ {
			b := c.getBuffers()
			garbage := b.bytes(slotWork, 2*ceilPow2(2*n)*cacheSlice(ceilPow2(2*n), size))
			for i := range garbage {
				garbage[i] = byte(i*7 + trial)
			}
			c.putBuffers(b)
			shards := make([][]byte, n)
			for _, i := range rng.Perm(n)[:c.k] {
				shards[i] = append([]byte(nil), all[i]...)
			}
			if err := c.reconstruct(shards, s, true); err != nil {
				t.Fatalf("k=%d r=%d: %v", c.k, c.r, err)
			}
			for i := 0; i < c.k; i++ {
				if !bytes.Equal(shards[i], src[i]) {
					t.Fatalf("k=%d r=%d trial %d: original %d wrong", c.k, c.r, trial, i)
				}
			}
		}
	}
}

// TestReconstructInPlace: a missing original given as an empty slice is decoded into
// its capacity where that holds the run, and allocated where it does not; an empty
// repair counts as missing.
func TestReconstructInPlace(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	for _, tc := range [][3]int{{34, 66, 64}, {34, 66, 66}, {67, 33, 64}, {67, 33, 66}} {
		c, err := New(tc[0], tc[1])
		if err != nil {
			t.Fatal(err)
		}
		n, s := c.k+c.r, tc[2]
		src := randomBatch(rng, c.k, 3*s)
		repairs := encodeAll(t, c, append(append([][]byte{}, src...), make([][]byte, c.r)...), s, false)
		all := append(append([][]byte{}, src...), repairs...)
		shards := make([][]byte, n)
		for i := range shards {
			shards[i] = all[i][:0] // every shard missing ...
		}
		for _, i := range rng.Perm(n)[:c.k] {
			shards[i] = bytes.Clone(all[i]) // ... but k of them
		}
		bufs := make(map[int][]byte)
		for i := 0; i < c.k; i++ {
			if len(shards[i]) == 0 {
				size := 3 * s
				if i%2 == 1 {
					size-- // too small: allocated instead
				}
				bufs[i] = make([]byte, size)
				shards[i] = bufs[i][:0]
			}
		}
		if err := c.Reconstruct(shards, s); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < c.k; i++ {
			if !bytes.Equal(shards[i], src[i]) {
				t.Fatalf("k=%d s=%d: original %d wrong", c.k, s, i)
			}
			if b, ok := bufs[i]; ok && (len(b) == 3*s) != (&b[0] == &shards[i][0]) {
				t.Fatalf("k=%d s=%d: original %d: decoded in place %v, want %v", c.k, s, i, &b[0] == &shards[i][0], len(b) == 3*s)
			}
		}
	}
}

func TestReconstructErrors(t *testing.T) {
	c, err := New(4, 6)
	if err != nil {
		t.Fatal(err)
	}
	shards := make([][]byte, 10)
	shards[0], shards[9] = make([]byte, 4), make([]byte, 4)
	if err := c.Reconstruct(shards, 2); !errors.Is(err, ErrTooFewShards) {
		t.Fatalf("too few: got %v", err)
	}
	shards = make([][]byte, 10)
	for i := range 4 {
		shards[i] = make([]byte, 4)
	}
	shards[1] = make([]byte, 6)
	if err := c.Reconstruct(shards, 2); !errors.Is(err, ErrInvalidParameters) {
		t.Fatalf("unequal sizes: got %v", err)
	}
	if err := c.Reconstruct(shards[:9], 2); !errors.Is(err, ErrInvalidParameters) {
		t.Fatalf("wrong count: got %v", err)
	}
	if err := c.Reconstruct(make([][]byte, 10), 3); !errors.Is(err, ErrInvalidParameters) {
		t.Fatalf("odd symbol size: got %v", err)
	}
	if _, err := New(0, 3); !errors.Is(err, ErrInvalidParameters) {
		t.Fatalf("k=0: got %v", err)
	}
	if err := c.Encode(make([][]byte, 6), make([][]byte, 4), 2); !errors.Is(err, ErrInvalidParameters) {
		t.Fatalf("encode empty shards: got %v", err)
	}
}

// TestFormalDerivative compares formalDerivative, which sums each vector's terms at
// once, with the reference's passes, for every power-of-two size up to 2048, vectors of
// whole 64-byte chunks and with a tail, and every flavour.
func TestFormalDerivative(t *testing.T) {
	reference := func(work [][]byte) {
		for i := 1; i < len(work); i++ {
			width := i & -i
			for j := 0; j < width; j++ {
				for b := range work[i-width+j] {
					work[i-width+j][b] ^= work[i+j][b]
				}
			}
		}
	}
	flavours(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(7, 8))
		for m := 1; m <= 2048; m *= 2 {
			for _, size := range []int{2, 64, 130, 320, 2048} {
				got := make([][]byte, m)
				want := make([][]byte, m)
				for i := range got {
					got[i] = randomBytes(rng, size)
					want[i] = bytes.Clone(got[i])
				}
				formalDerivative(got)
				reference(want)
				for i := range got {
					if !bytes.Equal(got[i], want[i]) {
						t.Fatalf("m=%d, %d-byte vectors: vector %d differs from the reference", m, size, i)
					}
				}
			}
		}
	})
}

// TestSumInto checks the k-way XOR against byte-wise XORs for more sources than the
// kernel takes at once, lengths around its block sizes, and sources longer than dst.
func TestSumInto(t *testing.T) {
	flavours(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(9, 10))
		for _, k := range []int{0, 1, 2, 15, 16, 17, 40} {
			for _, size := range []int{0, 1, 63, 64, 65, 255, 256, 320, 1000} {
				dst := randomBytes(rng, size)
				want := bytes.Clone(dst)
				srcs := make([][]byte, k)
				for i := range srcs {
					srcs[i] = randomBytes(rng, size+rng.IntN(70))
					for b := range want {
						want[b] ^= srcs[i][b]
					}
				}
				sumInto(dst, srcs)
				if !bytes.Equal(dst, want) {
					t.Fatalf("%d sources of %d bytes: wrong sum", k, size)
				}
			}
		}
	})
}

// TestDerivativeFFT compares derivativeFFT, which folds before differentiating, with
// the formal derivative followed by the FFT, for every power-of-two size up to 2048,
// numbers of outputs around the fold's block sizes, points at several offsets, and
// every flavour.
func TestDerivativeFFT(t *testing.T) {
	tb := tables()
	flavours(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(15, 16))
		for m := 2; m <= 2048; m *= 2 {
			outs := []int{1, 2, 3, m/4 - 1, m / 4, m/4 + 1, m/2 - 1, m / 2, m/2 + 1, m}
			for _, outputs := range outs {
				if outputs < 1 || outputs > m {
					continue
				}
				off := []int{0, m, 3 * m}[rng.IntN(3)]
				size := []int{2, 64, 130}[rng.IntN(3)]
				got := make([][]byte, m)
				want := make([][]byte, m)
				for i := range got {
					got[i] = randomBytes(rng, size)
					want[i] = bytes.Clone(got[i])
				}
				tb.derivativeFFT(got, outputs, off)
				formalDerivative(want)
				tb.fft(want, outputs, m, off)
				for i := 0; i < outputs; i++ {
					if !bytes.Equal(got[i], want[i]) {
						t.Fatalf("m=%d outputs=%d off=%d size=%d: output %d differs", m, outputs, off, size, i)
					}
				}
			}
		}
	})
}
