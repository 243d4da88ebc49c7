package encoding

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/tuskstore/tusk/encoding/merkle"
)

// The figures of `make bench` (run with -cpu 1): for n = 100 and 1000 and blobs of 1, 16
// and 64 MiB, the encode time, the time of the same Merkle hashing alone (the floor,
// measured warm in the same run) and their ratio, the bytes allocated by one encode relative
// to the blob (with the blob itself, an upper bound on peak memory), the same two for
// the metadata alone (ComputeMetadata), and the decode time from n-2f primary slivers.
var (
	benchShards = []int{100, 1000}
	benchSizes  = []int{1 << 20, 16 << 20, 64 << 20}
)

func benchBlob(size int) []byte {
	rng := rand.New(rand.NewPCG(uint64(size), 1))
	b := make([]byte, size)
	for i := 0; i < len(b); i += 8 {
		v := rng.Uint64()
		for j := 0; j < 8 && i+j < len(b); j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	return b
}

// hashFloor computes the hashes an encode computes — a leaf hash for each of the n²
// symbols, the root of every row and column and the blob root — over a matrix of the
// same shape, without any erasure coding, into leaves (n² of them, reused like the
// encoder's workspace).
func hashFloor(p Params, s int, matrix []byte, leaves []merkle.Digest) VerifiedMetadata {
	merkle.LeafHashes(leaves, matrix, s)
	return p.metadataFromLeaves(leaves, 0, 1)
}

func BenchmarkEncode(b *testing.B) {
	for _, n := range benchShards {
		codec := mustCodec(b, n)
		for _, size := range benchSizes {
			b.Run(fmt.Sprintf("n=%d/%dMiB", n, size>>20), func(b *testing.B) {
				blob := benchBlob(size)
				s, _ := codec.Params().SymbolSize(uint64(size))
				matrix := make([]byte, n*n*s)
				for i := range matrix {
					matrix[i] = byte(i)
				}
				// The first encode through a new workspace: its memory is fresh. One
				// goroutine, whatever -cpu says: the targets are per core.
				ws := Workspace{Parallelism: 1}
				start := time.Now()
				if _, err := codec.EncodeTo(&ws, blob); err != nil {
					b.Fatal(err)
				}
				cold := time.Since(start)
				wsBytes := ws.bytes()
				// The metadata alone (ComputeMetadata), through a workspace of its own.
				metaWS := Workspace{Parallelism: 1}
				if _, err := codec.ComputeMetadataTo(&metaWS, blob); err != nil {
					b.Fatal(err)
				}
				metaWSBytes := metaWS.bytes()

				// Encode and floor alternate, so that both see the same state of the
				// machine; the figures are medians over at least minRounds rounds (more
				// than b.N where the benchmark time allows few), which one slow round
				// does not move.
				floorLeaves := make([]merkle.Digest, n*n)
				var encodeTimes, floorTimes, ratios, rsTimes, metaTimes []float64
				var transient, metaTransient uint64
				round := func() {
					var before, after runtime.MemStats
					runtime.ReadMemStats(&before)
					start := time.Now()
					if _, err := codec.EncodeTo(&ws, blob); err != nil {
						b.Fatal(err)
					}
					encodeTime := time.Since(start)
					runtime.ReadMemStats(&after)
					transient = max(transient, after.TotalAlloc-before.TotalAlloc)

					runtime.ReadMemStats(&before)
					start = time.Now()
					if _, err := codec.ComputeMetadataTo(&metaWS, blob); err != nil {
						b.Fatal(err)
					}
					metaTimes = append(metaTimes, float64(time.Since(start))/1e6)
					runtime.ReadMemStats(&after)
					metaTransient = max(metaTransient, after.TotalAlloc-before.TotalAlloc)

					// The floor is timed warm: hashed once before, its matrix is as much in
					// the caches as they hold, whatever the encodes left there. Measured
					// straight after them, the floor of n = 100 and 1 MiB (a 4.6 MB matrix)
					// took 1.4 to 2.2 ms from run to run on a Zen 5, 1.34-1.4 ms warm.
					hashFloor(codec.Params(), s, matrix, floorLeaves)
					start = time.Now()
					hashFloor(codec.Params(), s, matrix, floorLeaves)
					floorTime := time.Since(start)
					start = time.Now()
					codec.transformsAlone(&ws, s)
					rsTimes = append(rsTimes, float64(time.Since(start))/1e6)
					encodeTimes = append(encodeTimes, float64(encodeTime)/1e6)
					floorTimes = append(floorTimes, float64(floorTime)/1e6)
					ratios = append(ratios, float64(encodeTime)/float64(floorTime))
				}
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					round()
				}
				b.StopTimer()
				for len(ratios) < minRounds {
					round()
				}
				b.ReportMetric(float64(cold.Milliseconds()), "cold-ms")
				b.ReportMetric(median(encodeTimes), "encode-ms")
				// The encode's own throughput (a round also runs the floor, the transforms
				// and the metadata alone).
				b.ReportMetric(float64(size)/1e3/median(encodeTimes), "MB/s")
				b.ReportMetric(median(floorTimes), "floor-ms")
				b.ReportMetric(median(ratios), "x-floor")
				b.ReportMetric(median(rsTimes), "rs-ms")
				// Blob + workspace + everything else one encode allocates: an upper bound on
				// the peak memory of an encode.
				b.ReportMetric(float64(uint64(size)+uint64(wsBytes)+transient)/float64(size), "peak-x-blob")
				b.ReportMetric(median(metaTimes), "meta-ms")
				b.ReportMetric(float64(uint64(size)+uint64(metaWSBytes)+metaTransient)/float64(size), "meta-peak-x-blob")
			})
		}
	}
}

// minRounds is the fewest encode and floor rounds BenchmarkEncode measures per case.
const minRounds = 5

// median returns the median of xs (which it sorts).
func median(xs []float64) float64 {
	slices.Sort(xs)
	if len(xs)%2 == 1 {
		return xs[len(xs)/2]
	}
	return (xs[len(xs)/2-1] + xs[len(xs)/2]) / 2
}

func BenchmarkDecodePrimary(b *testing.B) {
	for _, n := range benchShards {
		codec := mustCodec(b, n)
		p := codec.Params()
		for _, size := range benchSizes {
			blob := benchBlob(size)
			enc, err := codec.Encode(blob)
			if err != nil {
				b.Fatal(err)
			}
			k1 := p.PrimarySymbols()
			rng := rand.New(rand.NewPCG(5, 6))
			subsets := map[string][]int{
				"systematic": rng.Perm(k1),
				// Rows below n-2f + pow2(n-2f), which klauspost's low-rate decoder can use (it
				// runs for small shards only; see rs.lowFastPays).
				"preferred": rng.Perm(min(n, k1+ceilPow2(k1)))[:k1],
				"random":    rng.Perm(n)[:k1],
			}
			for _, name := range []string{"systematic", "preferred", "random"} {
				b.Run(fmt.Sprintf("n=%d/%dMiB/%s", n, size>>20, name), func(b *testing.B) {
					slivers := make([]Sliver, 0, k1)
					for _, i := range subsets[name] {
						slivers = append(slivers, Sliver{Axis: Primary, Index: uint16(i), SymbolSize: uint16(enc.SymbolSize), Data: enc.Primary[i]})
					}
					b.SetBytes(int64(size))
					b.ResetTimer()
					start := time.Now()
					for i := 0; i < b.N; i++ {
						if _, err := codec.Decode(enc.Metadata, slivers, CheckSkip); err != nil {
							b.Fatal(err)
						}
					}
					b.ReportMetric(float64(time.Since(start).Milliseconds())/float64(b.N), "decode-ms")
				})
			}
		}
	}
}

func ceilPow2(n int) int {
	p := 1
	for p < n {
		p <<= 1
	}
	return p
}

// BenchmarkParallel: the encode of 64 MiB, and its decode from n-2f random primary
// slivers, on every core of the machine against the same on one goroutine, alternated
// in the same run (GOMAXPROCS is raised to the number of CPUs for the benchmark,
// whatever -cpu says).
func BenchmarkParallel(b *testing.B) {
	cores := runtime.NumCPU()
	for _, n := range benchShards {
		codec := mustCodec(b, n)
		blob := benchBlob(64 << 20)
		b.Run(fmt.Sprintf("encode/n=%d/64MiB/cores=%d", n, cores), func(b *testing.B) {
			one, all := Workspace{Parallelism: 1}, Workspace{Parallelism: cores}
			compareParallel(b, cores, func(procs int) {
				ws := &one
				if procs > 1 {
					ws = &all
				}
				if _, err := codec.EncodeTo(ws, blob); err != nil {
					b.Fatal(err)
				}
			})
		})
		b.Run(fmt.Sprintf("decode/n=%d/64MiB/cores=%d", n, cores), func(b *testing.B) {
			enc, err := codec.Encode(blob)
			if err != nil {
				b.Fatal(err)
			}
			k1 := codec.Params().PrimarySymbols()
			var slivers []Sliver
			for _, i := range rand.New(rand.NewPCG(5, 6)).Perm(n)[:k1] {
				slivers = append(slivers, Sliver{Axis: Primary, Index: uint16(i), SymbolSize: uint16(enc.SymbolSize), Data: enc.Primary[i]})
			}
			compareParallel(b, cores, func(int) {
				if _, err := codec.Decode(enc.Metadata, slivers, CheckSkip); err != nil {
					b.Fatal(err)
				}
			})
		})
	}
}

// compareParallel times run(procs) with GOMAXPROCS procs = 1 and = cores, alternated,
// and reports the medians and the speedup.
func compareParallel(b *testing.B, cores int, run func(procs int)) {
	// Set here: the testing package sets GOMAXPROCS (-cpu) for every benchmark run.
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	timed := func(procs int) float64 {
		runtime.GOMAXPROCS(procs)
		start := time.Now()
		run(procs)
		return float64(time.Since(start)) / 1e6
	}
	timed(1) // fault in the memory of both first
	timed(cores)
	var oneTimes, allTimes, speedups []float64
	round := func() {
		t1, tn := timed(1), timed(cores)
		oneTimes, allTimes, speedups = append(oneTimes, t1), append(allTimes, tn), append(speedups, t1/tn)
	}
	b.ResetTimer()
	for range b.N {
		round()
	}
	b.StopTimer()
	for len(speedups) < minRounds {
		round()
	}
	b.ReportMetric(median(oneTimes), "one-ms")
	b.ReportMetric(median(allTimes), "all-ms")
	b.ReportMetric(median(speedups), "x-speedup")
}
