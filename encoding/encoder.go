package encoding

import (
	"fmt"

	"github.com/tuskstore/tusk/encoding/merkle"
	"github.com/tuskstore/tusk/encoding/rs"
)

// columnChunkBytes bounds the scratch memory of the column pass, per row.
const columnChunkBytes = 32 << 10

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

// Encode erasure-codes blob into its slivers and computes its metadata and blob ID.
// The systematic primary slivers alias blob where it covers them: blob must not be
// modified while the result is in use.
func (e *Codec) Encode(blob []byte) (*EncodedBlob, error) {
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
	fresh := make([]byte, (n-fullRows)*rowBytes)
	for r := 0; r < n; r++ {
		if r < k1 && (r+1)*rowBytes <= len(blob) {
			primary[r] = blob[r*rowBytes : (r+1)*rowBytes : (r+1)*rowBytes]
			continue
		}
		primary[r], fresh = fresh[:rowBytes:rowBytes], fresh[rowBytes:]
		if r < k1 && r*rowBytes < len(blob) {
			copy(primary[r], blob[r*rowBytes:])
		}
	}

	// Secondary slivers 0..k2-1 are the columns of the message matrix; k2..n-1 their
	// extension by the secondary code, row by row.
	colBytes := k1 * s
	secondary := splitBuffer(make([]byte, n*colBytes), n, colBytes)
	for r := 0; r < k1; r++ {
		row := primary[r]
		for c := 0; c < k2; c++ {
			copy(secondary[c][r*s:(r+1)*s], row[c*s:(c+1)*s])
		}
	}
	if err := e.rows.Encode(secondary[k2:], secondary[:k2], s); err != nil {
		return nil, fmt.Errorf("encoding: extend rows: %w", err)
	}

	// Leaf hashes of the whole expanded matrix, row-major.
	leaves := make([]merkle.Digest, n*n)
	for r := 0; r < n; r++ {
		merkle.LeafHashes(leaves[r*n:r*n+k2], primary[r], s)
	}
	colLeaves := make([]merkle.Digest, k1)
	for c := k2; c < n; c++ {
		merkle.LeafHashes(colLeaves, secondary[c], s)
		for r := 0; r < k1; r++ {
			leaves[r*n+c] = colLeaves[r]
		}
	}

	// Column pass: extend every column with the primary code. Columns < k2 land in the
	// primary slivers; columns ≥ k2 (the corner below the secondary repairs) are only
	// hashed.
	if err := e.extendColumns(primary, secondary, leaves, s); err != nil {
		return nil, err
	}

	meta := p.metadataFromLeaves(leaves, uint64(len(blob)))
	return &EncodedBlob{Metadata: meta, SymbolSize: s, Primary: primary, Secondary: secondary}, nil
}

func (e *Codec) extendColumns(primary, secondary [][]byte, leaves []merkle.Digest, s int) error {
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
				gather = make([]byte, k1*width*s)
				corner = make([]byte, (n-k1)*width*s)
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
		for j := range dst {
			r := k1 + j
			merkle.LeafHashes(leaves[r*n+a:r*n+b], dst[j], s)
		}
		a = b
	}
	return nil
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
