package encoding

import (
	"fmt"

	"github.com/tuskstore/tusk/encoding/merkle"
	"github.com/tuskstore/tusk/encoding/rs"
)

// columnChunkBytes bounds the scratch memory of the column pass, per row.
const columnChunkBytes = 16 << 10

// Codec encodes, verifies and decodes blobs for one shard count. It is safe for
// concurrent use.
type Codec struct {
	params Params
	rows   *rs.Code // secondary code: n-f originals, f repairs (extends rows)
	cols   *rs.Code // primary code: n-2f originals, n-(n-2f) repairs (extends columns)
}

// NewCodec returns the codec for nShards shards.
func NewCodec(nShards int) (*Codec, error) {
	p, err := NewParams(nShards)
	if err != nil {
		return nil, err
	}
	rows, err := rs.New(p.SecondarySymbols(), nShards-p.SecondarySymbols())
	if err != nil {
		return nil, fmt.Errorf("encoding: secondary code: %w", err)
	}
	cols, err := rs.New(p.PrimarySymbols(), nShards-p.PrimarySymbols())
	if err != nil {
		return nil, fmt.Errorf("encoding: primary code: %w", err)
	}
	return &Codec{params: p, rows: rows, cols: cols}, nil
}

// Params returns the codec's parameters.
func (e *Codec) Params() Params { return e.params }

// EncodedBlob is a blob's slivers and its verified metadata.
type EncodedBlob struct {
	Metadata   VerifiedMetadata
	SymbolSize int
	// Primary[i] is primary sliver i (row i, n-f symbols). The systematic ones may share
	// memory with the blob passed to Encode.
	Primary [][]byte
	// Secondary[j] is secondary sliver j (column j, n-2f symbols).
	Secondary [][]byte
}

// SliverPair returns the two slivers of pair p.
func (b *EncodedBlob) SliverPair(p int) (primary, secondary Sliver) {
	n := b.Metadata.params.NShards
	j := n - 1 - p
	return Sliver{Axis: Primary, Index: uint16(p), SymbolSize: uint16(b.SymbolSize), Data: b.Primary[p]},
		Sliver{Axis: Secondary, Index: uint16(j), SymbolSize: uint16(b.SymbolSize), Data: b.Secondary[j]}
}

// Workspace is the memory of one encode. A caller that encodes many blobs (a
// publisher) keeps one per concurrent encode and passes it to EncodeTo, so that the
// hundreds of megabytes a large blob expands to are not allocated (and faulted in by
// the kernel) again for every blob. The zero value is ready to use.
type Workspace struct {
	rows      []byte // primary rows the blob does not cover
	secondary []byte
	leaves    []merkle.Digest
	gather    []byte // the column pass's source columns past n-f
	corner    []byte // the column pass's output past n-f (hashed, not kept)
}

func grow[T any](b []T, n int) []T {
	if cap(b) < n {
		return make([]T, n)
	}
	return b[:n]
}

// Encode erasure-codes blob into its slivers and computes its metadata and blob ID.
// The systematic primary slivers alias blob where it covers them: blob must not be
// modified while the result is in use.
func (e *Codec) Encode(blob []byte) (*EncodedBlob, error) {
	return e.EncodeTo(&Workspace{}, blob)
}

// EncodeTo is Encode with the memory of ws; the result's slivers live in ws (and blob)
// and stay valid until ws is used again.
func (e *Codec) EncodeTo(ws *Workspace, blob []byte) (*EncodedBlob, error) {
	p := e.params
	s, err := p.SymbolSize(uint64(len(blob)))
	if err != nil {
		return nil, err
	}
	n, k1, k2 := p.NShards, p.PrimarySymbols(), p.SecondarySymbols()
	rowBytes := k2 * s

	// Primary slivers: rows 0..k1-1 are the blob, zero-padded; rows k1..n-1 come from
	// the column pass.
	primary := make([][]byte, n)
	fullRows := min(len(blob)/rowBytes, k1)
	ws.rows = grow(ws.rows, (n-fullRows)*rowBytes)
	fresh := ws.rows
	for r := 0; r < n; r++ {
		if r < fullRows {
			primary[r] = blob[r*rowBytes : (r+1)*rowBytes : (r+1)*rowBytes]
			continue
		}
		primary[r], fresh = fresh[:rowBytes:rowBytes], fresh[rowBytes:]
		if r < k1 {
			copied := 0
			if r*rowBytes < len(blob) {
				copied = copy(primary[r], blob[r*rowBytes:])
			}
			clear(primary[r][copied:])
		}
	}

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
	hashRowPrefixes(leaves, primary[:k1], 0, n, k2, s)
	// Secondary slivers k2..n-1 are contiguous: symbol r of column c is leaf (r, c).
	hashScattered(leaves, ws.secondary[k2*colBytes:], s, func(i int) int { return (i%k1)*n + k2 + i/k1 })

	// Column pass: extend every column with the primary code. Columns < k2 land in the
	// primary slivers; columns ≥ k2 (the corner below the secondary repairs) are only
	// hashed.
	if err := e.extendColumns(ws, primary, secondary, leaves, s); err != nil {
		return nil, err
	}
	hashRowPrefixes(leaves, primary[k1:], k1, n, k2, s)

	meta := p.metadataFromLeaves(leaves, uint64(len(blob)))
	return &EncodedBlob{Metadata: meta, SymbolSize: s, Primary: primary, Secondary: secondary}, nil
}

func (e *Codec) extendColumns(ws *Workspace, primary, secondary [][]byte, leaves []merkle.Digest, s int) error {
	p := e.params
	n, k1, k2 := p.NShards, p.PrimarySymbols(), p.SecondarySymbols()
	width := max(1, columnChunkBytes/s)
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
			hashScattered(leaves, corner[:(n-k1)*w*s], s, func(i int) int { return (k1+i/w)*n + first + i%w })
		}
		a = b
	}
	return nil
}

// hashBatch is the number of leaves hashed into one scratch buffer before scattering.
const hashBatch = 4096

// hashRowPrefixes sets the leaf hashes of the first count symbols of each row, row i
// being matrix row firstRow+i, batching leaves across rows so that the 4-lane hasher
// always has four.
func hashRowPrefixes(leaves []merkle.Digest, rows [][]byte, firstRow, n, count, s int) {
	total := len(rows) * count
	tmp := make([]merkle.Digest, min(hashBatch, total))
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

// hashScattered hashes the consecutive symbols of data and stores the hash of symbol i
// at leaves[at(i)].
func hashScattered(leaves []merkle.Digest, data []byte, s int, at func(i int) int) {
	total := len(data) / s
	tmp := make([]merkle.Digest, min(hashBatch, total))
	for start := 0; start < total; start += len(tmp) {
		batch := tmp[:min(len(tmp), total-start)]
		merkle.LeafHashes(batch, data[start*s:], s)
		for i, d := range batch {
			leaves[at(start+i)] = d
		}
	}
}

// metadataFromLeaves computes the pair hashes, root and blob ID from the leaf hashes of
// the expanded matrix (row-major).
func (p Params) metadataFromLeaves(leaves []merkle.Digest, length uint64) VerifiedMetadata {
	n := p.NShards
	rowTrees := make([][]merkle.Digest, n)
	for r := range rowTrees {
		rowTrees[r] = leaves[r*n : (r+1)*n]
	}
	rowRoots := make([]merkle.Digest, n)
	merkle.Roots(rowRoots, rowTrees)

	colRoots := make([]merkle.Digest, n)
	const group = 64
	colLeaves := make([]merkle.Digest, group*n)
	colTrees := make([][]merkle.Digest, group)
	for a := 0; a < n; a += group {
		b := min(a+group, n)
		for c := a; c < b; c++ {
			t := colLeaves[(c-a)*n : (c-a+1)*n]
			for r := 0; r < n; r++ {
				t[r] = leaves[r*n+c]
			}
			colTrees[c-a] = t
		}
		merkle.Roots(colRoots[a:b], colTrees[:b-a])
	}

	hashes := make([]SliverPairMetadata, n)
	for pair := range hashes {
		hashes[pair] = SliverPairMetadata{
			PrimaryHash:   merkle.DigestNode(rowRoots[pair]),
			SecondaryHash: merkle.DigestNode(colRoots[n-1-pair]),
		}
	}
	m := Metadata{EncodingType: RS2, UnencodedLength: length, Hashes: hashes}
	return VerifiedMetadata{params: p, id: ComputeBlobID(RS2, length, m.rootHash()), meta: m}
}

// rootHash is the Merkle root over the pair leaves.
func (m *Metadata) rootHash() merkle.Digest {
	leaves := make([]merkle.Digest, len(m.Hashes))
	for i, h := range m.Hashes {
		leaves[i] = merkle.LeafHash(h.leafInput())
	}
	return merkle.Root(leaves)
}

func splitBuffer(buf []byte, count, size int) [][]byte {
	out := make([][]byte, count)
	for i := range out {
		out[i] = buf[i*size : (i+1)*size : (i+1)*size]
	}
	return out
}
