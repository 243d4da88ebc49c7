package encoding

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/tuskstore/tusk/encoding/merkle"
)

// refColumnChunkBytes bounds the scratch memory of the column pass, per row.
const refColumnChunkBytes = 16 << 10

type referenceWorkspace struct {
	rows      []byte
	secondary []byte
	leaves    []merkle.Digest
	gather    []byte
	corner    []byte
}

// encodeReference is the straightforward encoder the fused one replaced: every pass over
// the whole matrix, RS through Code.Encode. Tests compare the two byte for byte.
func (e *Codec) encodeReference(ws *referenceWorkspace, blob []byte) (*EncodedBlob, error) {
	p := e.params
	s, err := p.SymbolSize(uint64(len(blob)))
	if err != nil {
		return nil, err
	}
	n, k1, k2 := p.NShards, p.PrimarySymbols(), p.SecondarySymbols()

	// Primary slivers: rows 0..k1-1 are the blob, zero-padded; rows k1..n-1 come from
	// the column pass.
	primary := p.primarySlivers(&ws.rows, blob, s, true)

	// Secondary slivers 0..k2-1 are the columns of the message matrix; k2..n-1 their
	// extension by the secondary code, row by row.
	colBytes := k1 * s
	ws.secondary = grow(ws.secondary, n*colBytes)
	secondary := splitBuffer(ws.secondary, n, colBytes)
	for r := 0; r < k1; r++ {
		row := primary[r]
		for c := 0; c < k2; c++ {
			copy(secondary[c][r*s:(r+1)*s], row[c*s:(c+1)*s])
		}
	}
	if err := e.rows.Encode(secondary[k2:], secondary[:k2], s); err != nil {
		return nil, fmt.Errorf("encoding: extend rows: %w", err)
	}

	// Leaf hashes of the whole expanded matrix, row-major: the message rows and the
	// secondary repairs now, the rest as the column pass produces it.
	ws.leaves = grow(ws.leaves, n*n)
	leaves := ws.leaves
	refHashRowPrefixes(leaves, primary[:k1], 0, n, k2, s)
	// Secondary slivers k2..n-1 are contiguous: symbol r of column c is leaf (r, c).
	refHashScattered(leaves, ws.secondary[k2*colBytes:], s, func(i int) int { return (i%k1)*n + k2 + i/k1 })

	// Column pass: extend every column with the primary code. Columns < k2 land in the
	// primary slivers; columns ≥ k2 (the corner below the secondary repairs) are only
	// hashed.
	if err := e.refExtendColumns(ws, primary, secondary, leaves, s); err != nil {
		return nil, err
	}
	refHashRowPrefixes(leaves, primary[k1:], k1, n, k2, s)

	meta := p.metadataFromLeaves(leaves, uint64(len(blob)), 1)
	return &EncodedBlob{Metadata: meta, SymbolSize: s, Primary: primary, Secondary: secondary}, nil
}

func (e *Codec) refExtendColumns(ws *referenceWorkspace, primary, secondary [][]byte, leaves []merkle.Digest, s int) error {
	p := e.params
	n, k1, k2 := p.NShards, p.PrimarySymbols(), p.SecondarySymbols()
	width := max(1, refColumnChunkBytes/s)
	src := make([][]byte, k1)
	dst := make([][]byte, n-k1)
	var gather, corner []byte
	for a := 0; a < n; {
		b := min(a+width, n)
		if a < k2 {
			b = min(b, k2)
			for r := range src {
				src[r] = primary[r][a*s : b*s]
			}
			for j := range dst {
				dst[j] = primary[k1+j][a*s : b*s]
			}
		} else {
			w := (b - a) * s
			if gather == nil {
				ws.gather = grow(ws.gather, k1*width*s)
				ws.corner = grow(ws.corner, (n-k1)*width*s)
				gather, corner = ws.gather, ws.corner
			}
			for r := range src {
				src[r] = gather[r*w : (r+1)*w]
				for c := a; c < b; c++ {
					copy(src[r][(c-a)*s:(c-a+1)*s], secondary[c][r*s:(r+1)*s])
				}
			}
			for j := range dst {
				dst[j] = corner[j*w : (j+1)*w]
			}
		}
		if err := e.cols.Encode(dst, src, s); err != nil {
			return fmt.Errorf("encoding: extend columns %d..%d: %w", a, b, err)
		}
		if a >= k2 {
			// The corner chunk is (n-k1) rows of b-a symbols, back to back.
			w := b - a
			first := a
			refHashScattered(leaves, corner[:(n-k1)*w*s], s, func(i int) int { return (k1+i/w)*n + first + i%w })
		}
		a = b
	}
	return nil
}

// refHashBatch is the number of leaves hashed into one scratch buffer before scattering.
const refHashBatch = 4096

// refHashRowPrefixes sets the leaf hashes of the first count symbols of each row, row i
// being matrix row firstRow+i, batching leaves across rows so that the 4-lane hasher
// always has four.
func refHashRowPrefixes(leaves []merkle.Digest, rows [][]byte, firstRow, n, count, s int) {
	total := len(rows) * count
	tmp := make([]merkle.Digest, min(refHashBatch, total))
	for start := 0; start < total; start += len(tmp) {
		batch := tmp[:min(len(tmp), total-start)]
		merkle.LeafHashesFunc(batch, func(i int) []byte {
			r, c := (start+i)/count, (start+i)%count
			return rows[r][c*s : (c+1)*s]
		})
		for i, d := range batch {
			r, c := (start+i)/count, (start+i)%count
			leaves[(firstRow+r)*n+c] = d
		}
	}
}

// refHashScattered hashes the consecutive symbols of data and stores the hash of symbol i
// at leaves[at(i)].
func refHashScattered(leaves []merkle.Digest, data []byte, s int, at func(i int) int) {
	total := len(data) / s
	tmp := make([]merkle.Digest, min(refHashBatch, total))
	for start := 0; start < total; start += len(tmp) {
		batch := tmp[:min(len(tmp), total-start)]
		merkle.LeafHashes(batch, data[start*s:], s)
		for i, d := range batch {
			leaves[at(start+i)] = d
		}
	}
}

// TestEncodeMatchesReference compares the fused encoder with the reference one over
// shard counts of both rates and every kind of symbol (a tail or not, one segment or
// several, padding rows), byte for byte, on one goroutine and on several (the work
// split at other boundaries for every blob, more goroutines than units at times).
func TestEncodeMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	for _, n := range []int{4, 5, 7, 10, 13, 25, 31, 64, 100, 129, 301} {
		c := mustCodec(t, n)
		src := c.Params().SourceSymbols()
		var ws Workspace
		sizes := []int{1, src*2 - 5, src * 6, src*62 + 7, src*64 + 1, src*130 - 3, src * 700, src*2100 + 11}
		for range 3 {
			sizes = append(sizes, 1+rng.IntN(src*300))
		}
		for i, size := range sizes {
			if testing.Short() && size > 4<<20 {
				continue
			}
			ws.Parallelism = []int{1, 2, 3, 7}[i%4]
			blob := randomBlob(rng, size)
			want, err := c.encodeReference(&referenceWorkspace{}, blob)
			if err != nil {
				t.Fatal(err)
			}
			got, err := c.EncodeTo(&ws, blob)
			if err != nil {
				t.Fatal(err)
			}
			if got.SymbolSize != want.SymbolSize {
				t.Fatalf("n=%d size=%d: symbol size %d, want %d", n, size, got.SymbolSize, want.SymbolSize)
			}
			for i := range want.Primary {
				if !bytes.Equal(got.Primary[i], want.Primary[i]) {
					t.Fatalf("n=%d size=%d s=%d on %d goroutines: primary sliver %d differs", n, size, want.SymbolSize, ws.Parallelism, i)
				}
				if !bytes.Equal(got.Secondary[i], want.Secondary[i]) {
					t.Fatalf("n=%d size=%d s=%d on %d goroutines: secondary sliver %d differs", n, size, want.SymbolSize, ws.Parallelism, i)
				}
			}
			if got.Metadata.BlobID() != want.Metadata.BlobID() {
				t.Fatalf("n=%d size=%d s=%d on %d goroutines: blob ID differs", n, size, want.SymbolSize, ws.Parallelism)
			}
			// The same workspace, now holding this blob's slivers, for the metadata alone.
			meta, err := c.ComputeMetadataTo(&ws, blob)
			if err != nil {
				t.Fatal(err)
			}
			if !equalMetadata(meta, want.Metadata) {
				t.Fatalf("n=%d size=%d s=%d on %d goroutines: ComputeMetadata differs from the encode's", n, size, want.SymbolSize, ws.Parallelism)
			}
		}
	}
}
