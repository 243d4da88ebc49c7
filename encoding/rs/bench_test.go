package rs

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// Benchmarks of one batch of codewords at Walrus shapes: the low-rate column code of
// n = 1000 (334 → 666) and n = 100 (34 → 66), the high-rate row code of n = 1000
// (667 → 333), through klauspost and through the package's own transforms.
func BenchmarkCode(b *testing.B) {
	for _, shape := range []struct{ k, r, batch int }{{334, 666, 64 * 302}, {34, 66, 100 * 29462 / 8}, {667, 333, 334 * 302 / 8}} {
		c, err := New(shape.k, shape.r)
		if err != nil {
			b.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(1, 2))
		const s = 302
		size := shape.batch / s * s
		src := randomBatch(rng, shape.k, size)
		dst := make([][]byte, shape.r)
		for j := range dst {
			dst[j] = make([]byte, size)
		}
		for _, native := range []bool{false, true} {
			b.Run(fmt.Sprintf("encode/k=%d/r=%d/native=%v", shape.k, shape.r, native), func(b *testing.B) {
				b.SetBytes(int64(shape.k * size))
				for i := 0; i < b.N; i++ {
					if err := c.encode(dst, src, s, native); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
		all := append(append([][]byte{}, src...), dst...)
		keep := rng.Perm(shape.k + shape.r)[:shape.k]
		for _, native := range []bool{false, true} {
			b.Run(fmt.Sprintf("decode-random/k=%d/r=%d/native=%v", shape.k, shape.r, native), func(b *testing.B) {
				b.SetBytes(int64(shape.k * size))
				for i := 0; i < b.N; i++ {
					shards := make([][]byte, len(all))
					for _, j := range keep {
						shards[j] = all[j]
					}
					if err := c.reconstruct(shards, s, native); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkPacking packs and unpacks a tile's batch of small symbols, as the encode at
// n = 1000 does for 1, 16 and 64 MiB blobs (symbols of 6, 76 and 302 bytes, 2 KiB
// vectors), in the cache.
func BenchmarkPacking(b *testing.B) {
	for _, s := range []int{6, 76, 302} {
		count, segs := PlanTiles(s, 2048)
		pk := NewPacking(s, segs[0], count)
		run := make([]byte, count*s)
		packed := make([]byte, pk.Len())
		b.Run(fmt.Sprintf("unpack/s=%d", s), func(b *testing.B) {
			for range b.N {
				pk.UnpackRun(run, packed)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*count), "ns/symbol")
		})
		b.Run(fmt.Sprintf("pack/s=%d", s), func(b *testing.B) {
			for range b.N {
				pk.PackRun(packed, run)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*count), "ns/symbol")
		})
	}
}

// BenchmarkTileTransforms: the transforms of one tile of 2 KiB vectors (as the encode
// at n = 1000 and 64 MiB has them) for the codes of n = 1000 and n = 100, with the
// radix-8 passes where they pay (radix8Pays; not for the 2^6-point transforms of
// n = 100) and, alternated in the same run as the baseline, with radix-4 ones only. It reports the median time of each and their ratio.
func BenchmarkTileTransforms(b *testing.B) {
	if !hasGFNI512 {
		b.Skip("no radix-8 kernel here")
	}
	defer func() { radix8 = true }()
	compareTransforms(b, "radix8", "radix4", func(on bool) { radix8 = on })
}

// BenchmarkWideKernels: the same tiles with the GFNIZ kernels (ZMM registers) and,
// alternated as the baseline, the GFNI512 ones (YMM), wherever both run; GFNIZ is
// chosen only on CPUs where it was measured faster (see hasGFNIZ).
func BenchmarkWideKernels(b *testing.B) {
	if !hasGFNI512 {
		b.Skip("no GFNIZ kernels here")
	}
	defer func(saved bool) { hasGFNIZ = saved }(hasGFNIZ)
	compareTransforms(b, "gfniz", "gfni512", func(on bool) { hasGFNIZ = on })
}

// compareTransforms times the transforms of a tile of 2 KiB vectors for the codes of
// n = 1000 and n = 100 with set(true) and set(false), alternated, and reports the
// median time of each (<with>-ms, <without>-ms) and their ratio (x-<without>).
func compareTransforms(b *testing.B, with, without string, set func(on bool)) {
	for _, shape := range []struct{ k, r int }{{334, 666}, {667, 333}, {34, 66}, {67, 33}} {
		b.Run(fmt.Sprintf("k=%d/r=%d", shape.k, shape.r), func(b *testing.B) {
			c, err := New(shape.k, shape.r)
			if err != nil {
				b.Fatal(err)
			}
			tile := c.NewTile()
			const size = 2048
			arena := make([]byte, tile.ArenaLen(size))
			rng := rand.New(rand.NewPCG(3, 4))
			for i := range arena {
				arena[i] = byte(rng.UintN(256))
			}
			var times [2][]float64 // with, without
			for i := 0; i < max(b.N, 9); i++ {
				for j, on := range []bool{true, false} {
					set(on)
					tile.Reset(size, arena)
					start := time.Now()
					tile.Encode()
					times[j] = append(times[j], float64(time.Since(start))/1e6)
				}
			}
			for j := range times {
				slices.Sort(times[j])
			}
			on, off := times[0][len(times[0])/2], times[1][len(times[1])/2]
			b.ReportMetric(on, with+"-ms")
			b.ReportMetric(off, without+"-ms")
			b.ReportMetric(on/off, "x-"+without)
		})
	}
}
