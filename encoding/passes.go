package encoding

import (
	"github.com/klauspost/cpuid/v2"

	"github.com/tuskstore/tusk/encoding/merkle"
	"github.com/tuskstore/tusk/encoding/rs"
)

// The expanded matrix is produced by two passes of tiles: the row pass extends the k1
// message rows with the secondary code, the column pass extends all n columns with the
// primary code (see rowPass and columnPass). A tile is a batch of codewords that one
// rs.Tile transforms at a time, in cache:
//
//   - Small symbols: a tile holds whole symbols of several codewords. Its repairs are
//     unpacked a few runs at a time into scratch (in cache), hashed there, and streamed
//     to their slivers with non-temporal stores, which write memory without first
//     reading it into the cache.
//   - Large symbols: a tile is one codeword, split into segments of whole chunks (the
//     last with the tail) transformed one after the other. Every symbol of the codeword
//     is hashed piece by piece as its segments are produced, and the segments are
//     streamed to the slivers.
//
// Either way every symbol is hashed exactly once, from cache, and written once; the
// memory traffic (streaming the finished runs out, prefetching the next tile's
// originals) is spread over the hashing (see emitter).

// Tile vectors hold at least minTileVector bytes (whole symbols, or one segment of
// one), more for codes with few vectors, up to an arena of tileArena bytes. Measured on
// an AMD EPYC at n = 1000 and 64 MiB (302-byte symbols, 768 to 1024 vectors): 1 KiB
// vectors keep the arena in L2, but the encode was 5–10% slower than with 2–8 KiB ones,
// because the runs streamed to the slivers get longer (a 4 KiB run streams about twice
// as fast as a 1 KiB one when hundreds of slivers are written in turn) and the per-tile
// costs are spread over more codewords; the depth-first transforms cope with an arena
// in L3.
// Within 2–8 KiB, 2 KiB was best once the partial lines of the streamed runs were
// prefetched (rs.PrepareStream): about 3% faster than 4 KiB at n = 1000 and 64 MiB,
// the transforms of a 1.5 MiB arena running faster than those of a 3 MiB one.
// At n = 100 (96 to 128 vectors) the CPU decides, so the arena is chosen by vendor
// (tileArena): on AMD EPYCs (two generations, the second a Zen 4 with 1 MiB of L2 per
// core), 16 KiB segments (a 2 MiB arena) were faster than 4 KiB ones, for the same
// reasons (on the Zen 4 the encode of 64 MiB 4–8% faster, min of eight encodes in four
// runs alternated; 1 and 16 MiB no slower); on an Intel Xeon with 2 MiB of L2 per core,
// 4 KiB segments (a 512 KiB arena, in L2) made the encode of 64 MiB 6% faster (about
// 155 ms instead of 166 in three runs each, alternated) and that of 16 MiB no slower,
// while 1 MiB arenas were as slow as 2 MiB ones. On an AMD EPYC of family 0x1A (Zen 5,
// 1 MiB of L2 per core, ZMM kernels), 1 MiB arenas were the fastest of 256 KiB to
// 2 MiB: 2–3% faster than 2 MiB at 1 and 64 MiB, as fast at 16 MiB (medians of 15–300
// encodes, alternated, three runs). At n = 1000 the vectors' minimum decides either
// way.
const (
	minTileVector = 2 << 10
	maxTileVector = 32 << 10
)

// tileArena is the size of a tile's arena on this machine's CPU (see above).
var tileArena = func() int {
	switch cpuid.CPU.VendorID {
	case cpuid.AMD, cpuid.Hygon:
		if cpuid.CPU.Family >= 0x1a {
			return 1 << 20
		}
		return 2 << 20
	default:
		return 512 << 10
	}
}()

// tilePlan is how the tiles of a code cover the symbols: count codewords per tile, each
// symbol in the given segments.
//
// A symbol of at least minTileVector bytes gets a tile of its own (count 1, in one
// segment or more) even where two would fit: the segmented passes read its chunks
// where they are (see rs.Tile.SetSource) and hash and stream the repairs' chunks from
// the tile, where a batch of several symbols is copied in and out through scratch.
// Measured at n = 100 and 16 MiB (7366-byte symbols), one symbol per tile instead of
// two made the encode about 5% faster.
func tilePlan(tile *rs.Tile, s int) (count int, segs []rs.Segment) {
	budget := min(maxTileVector, max(minTileVector, tileArena/tile.Vectors()))
	if s >= minTileVector {
		budget = min(budget, s)
	}
	return rs.PlanTiles(s, budget)
}

// segBytes is the byte range of a symbol of s bytes that segment seg reads.
func segBytes(seg rs.Segment, s int) (lo, hi int) {
	if seg.Tail {
		return seg.Lo, s
	}
	return seg.Lo, seg.Hi
}

// segmentHashers hashes the n symbols of one codeword of a segmented tile, eight lanes
// at a time, as the segments are produced. Lanes past n repeat the last symbol.
type segmentHashers struct {
	h   []merkle.LeafHasher8
	n   int
	out [8]merkle.Digest
}

func (sh *segmentHashers) reset(n int) {
	groups := (n + 7) / 8
	if cap(sh.h) < groups {
		sh.h = make([]merkle.LeafHasher8, groups)
	}
	sh.h = sh.h[:groups]
	for i := range sh.h {
		sh.h[i].Reset()
	}
	sh.n = n
}

// write appends piece(i) to symbol i for every symbol (pieces of equal lengths), with a
// tick of em after each group of eight.
func (sh *segmentHashers) write(em *emitter, piece func(i int) []byte) {
	for g := range sh.h {
		var p [8][]byte
		for l := range p {
			p[l] = piece(min(8*g+l, sh.n-1))
		}
		sh.h[g].Write(&p)
		em.tick()
	}
}

// sum stores the leaf hash of symbol i at leaves[at(i)].
func (sh *segmentHashers) sum(leaves []merkle.Digest, at func(i int) int) {
	for g := range sh.h {
		sh.h[g].Sum(&sh.out)
		for l := 0; l < 8 && 8*g+l < sh.n; l++ {
			leaves[at(8*g+l)] = sh.out[l]
		}
	}
}
