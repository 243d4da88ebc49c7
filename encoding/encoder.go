package encoding

import (
	"fmt"
	"runtime"
	"sync"

	"github.com/tuskstore/tusk/encoding/merkle"
	"github.com/tuskstore/tusk/encoding/rs"
)

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

// Codecs caches one Codec per shard count, for callers that meet several committees.
// It is safe for concurrent use; the zero value is ready.
type Codecs struct {
	mu sync.Mutex
	m  map[int]*Codec
}

// Get returns the codec for nShards shards, made on first use.
func (c *Codecs) Get(nShards int) (*Codec, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if codec, ok := c.m[nShards]; ok {
		return codec, nil
	}
	codec, err := NewCodec(nShards)
	if err != nil {
		return nil, err
	}
	if c.m == nil {
		c.m = map[int]*Codec{}
	}
	c.m[nShards] = codec
	return codec, nil
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
	// Parallelism is the number of goroutines an encode runs on; 0 means GOMAXPROCS.
	// The result is the same for any value.
	Parallelism int

	rows      []byte // primary rows the blob does not cover
	secondary []byte
	leaves    []merkle.Digest
	workers   []*worker
}

// worker is the memory of one goroutine of an encode: the arena of the tile it
// transforms, its scratch and its hashers.
type worker struct {
	gather []byte // the arena of the tile being transformed (packed vectors)
	corner []byte // runs of finished symbols, hashed and streamed out from here
	tails  []byte // the tails of a segmented tile's repairs

	tilesOf          *Codec // the codec whose tiles rowTile and colTile are
	rowTile, colTile *rs.Tile
	hashers          segmentHashers
	emit             emitter
}

func grow[T any](b []T, n int) []T {
	if cap(b) < n {
		return make([]T, n)
	}
	return b[:n]
}

// crew returns the workers of an encode with the codec, as many as ws.Parallelism
// asks for, each with its tiles for the codec's two codes.
func (ws *Workspace) crew(e *Codec) []*worker {
	count := ws.Parallelism
	if count <= 0 {
		count = runtime.GOMAXPROCS(0)
	}
	for len(ws.workers) < count {
		ws.workers = append(ws.workers, &worker{})
	}
	crew := ws.workers[:count]
	for _, w := range crew {
		if w.tilesOf != e {
			w.tilesOf, w.rowTile, w.colTile = e, e.rows.NewTile(), e.cols.NewTile()
		}
		w.emit.leaves = ws.leaves
	}
	return crew
}

// resetTile sizes tile for packed vectors of size bytes, its arena in w.gather.
func (w *worker) resetTile(tile *rs.Tile, size int) {
	w.gather = grow(w.gather, tile.ArenaLen(size))
	tile.Reset(size, w.gather)
}

// bytes is the memory the worker holds.
func (w *worker) bytes() int { return cap(w.gather) + cap(w.corner) + cap(w.tails) }

// bytes is the memory the workspace holds.
func (ws *Workspace) bytes() int {
	total := cap(ws.rows) + cap(ws.secondary) + cap(ws.leaves)*merkle.DigestSize
	for _, w := range ws.workers {
		total += w.bytes()
	}
	return total
}

// Encode erasure-codes blob into its slivers and computes its metadata and blob ID.
// The systematic primary slivers alias blob where it covers them: blob must not be
// modified while the result is in use.
func (e *Codec) Encode(blob []byte) (*EncodedBlob, error) {
	return e.EncodeTo(&Workspace{}, blob)
}

// EncodeTo is Encode with the memory of ws; the result's slivers live in ws (and blob)
// and stay valid until ws is used again.
//
// The expanded matrix is produced in two passes of tiles (see passes.go): every symbol
// is hashed while it is in cache and written to its sliver once.
func (e *Codec) EncodeTo(ws *Workspace, blob []byte) (*EncodedBlob, error) {
	return e.encode(ws, blob, true)
}

// ComputeMetadata computes blob's metadata and blob ID, the same as Encode's, without
// the slivers: every symbol of the expanded matrix is computed and hashed, but only the
// repairs of the rows, which the column pass reads again, are stored. Beyond the blob
// it needs a quarter of Encode's memory or less at 64 MiB (at most half from 16 MiB up;
// small blobs at large shard counts need mostly the leaf hashes, as Encode does), and
// somewhat less time. It is what a blob ID is computed with when the slivers are not
// wanted (a client checking a file's blob ID, the strict consistency check of a read).
func (e *Codec) ComputeMetadata(blob []byte) (VerifiedMetadata, error) {
	return e.ComputeMetadataTo(&Workspace{}, blob)
}

// ComputeMetadataTo is ComputeMetadata with the memory of ws.
func (e *Codec) ComputeMetadataTo(ws *Workspace, blob []byte) (VerifiedMetadata, error) {
	enc, err := e.encode(ws, blob, false)
	if err != nil {
		return VerifiedMetadata{}, err
	}
	return enc.Metadata, nil
}

// encode runs an encode; without slivers the symbols of the expanded matrix are hashed
// but only those the passes read again are kept, and the result has no slivers.
func (e *Codec) encode(ws *Workspace, blob []byte, slivers bool) (*EncodedBlob, error) {
	p := e.params
	s, err := p.SymbolSize(uint64(len(blob)))
	if err != nil {
		return nil, err
	}
	n, k1, k2 := p.NShards, p.PrimarySymbols(), p.SecondarySymbols()

	// Primary slivers: rows 0..k1-1 are the blob, zero-padded; rows k1..n-1 come from
	// the column pass.
	primary := p.primarySlivers(&ws.rows, blob, s, slivers)

	// Secondary slivers: columns 0..k2-1 of the message (written by the row pass as it
	// reads the rows) and k2..n-1, the rows' extension by the secondary code. Without
	// slivers only the latter are kept, which the column pass needs: it reads the
	// message columns from the rows.
	dropped := 0 // leading secondary slivers not kept (nil)
	if !slivers {
		dropped = k2
	}
	ws.secondary = grow(ws.secondary, (n-dropped)*k1*s)
	secondary := append(make([][]byte, dropped, n), splitBuffer(ws.secondary, n-dropped, k1*s)...)

	// The column pass reads the message columns from the rows where they were not kept,
	// and writes the primary repairs only for slivers.
	cd := columnData{cols: secondary, rows: primary[:k1], s: s}
	if slivers {
		cd.repairs = primary[k1:]
	}

	// Leaf hashes of the whole expanded matrix, row-major.
	ws.leaves = grow(ws.leaves, n*n)
	crew := ws.crew(e)
	defer func() {
		for _, w := range crew {
			w.emit.release()
		}
	}()
	// The row pass writes the originals of the column pass: one after the other, each
	// split between the workers at tile boundaries.
	rowCount, _ := tilePlan(crew[0].rowTile, s)
	runParts(crew, splitUnits(k1, len(crew), func(a int) int { return min(a+rowCount, k1) }), func(w *worker, from, to int) {
		e.rowPass(w, from, to, primary, secondary, s)
	})
	colCount, _ := tilePlan(crew[0].colTile, s)
	runParts(crew, splitUnits(n, len(crew), func(a int) int { return columnGroup(a, colCount, n, k2) }), func(w *worker, from, to int) {
		e.columnPass(w, from, to, cd)
	})

	meta := p.metadataFromLeaves(ws.leaves, uint64(len(blob)), len(crew))
	if !slivers {
		return &EncodedBlob{Metadata: meta, SymbolSize: s}, nil
	}
	return &EncodedBlob{Metadata: meta, SymbolSize: s, Primary: primary, Secondary: secondary}, nil
}

// primarySlivers returns the primary slivers of blob with symbols of s bytes: the full
// message rows alias blob, the rest (the last, zero-padded message row and, with
// repairs, the rows k1..n-1, left for the column pass to fill) are cut from *rows,
// grown as needed. Without repairs it returns the k1 message rows only.
func (p Params) primarySlivers(rows *[]byte, blob []byte, s int, repairs bool) [][]byte {
	n, k1 := p.NShards, p.PrimarySymbols()
	if !repairs {
		n = k1
	}
	rowBytes := p.SecondarySymbols() * s
	primary := make([][]byte, n)
	fullRows := min(len(blob)/rowBytes, k1)
	*rows = grow(*rows, (n-fullRows)*rowBytes)
	fresh := *rows
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
	return primary
}

// metadataFromLeaves computes the pair hashes, root and blob ID from the leaf hashes of
// the expanded matrix (row-major), with the trees shared out between parallel
// goroutines.
func (p Params) metadataFromLeaves(leaves []merkle.Digest, length uint64, parallel int) VerifiedMetadata {
	n := p.NShards
	// Row r's tree has leaves r*n.., column c's has leaves c, c+n, ...: both read in
	// place (the column trees' level 0 walks rows of the matrix eight columns at a time,
	// so parts start at multiples of eight).
	rowRoots := make([]merkle.Digest, n)
	colRoots := make([]merkle.Digest, n)
	bounds := splitUnits(n, parallel, func(a int) int { return min(a+8, n) })
	inParallel(parallel, func(i int) {
		a, b := bounds[i], bounds[i+1]
		if a < b {
			merkle.RootsStrided(rowRoots[a:b], leaves[a*n:], n, n, 1)
			merkle.RootsStrided(colRoots[a:b], leaves[a:], n, 1, n)
		}
	})

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
