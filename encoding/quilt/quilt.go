package quilt

import (
	"fmt"

	"github.com/tuskstore/tusk/encoding"
)

// Quilt is a quilt blob (Walrus QuiltV1) with its index. It is immutable and safe for
// concurrent use.
type Quilt struct {
	params encoding.Params
	layout
	blob  []byte
	index Index
}

// Open reads a quilt from the bytes of its decoded blob, for the shard count of p: it checks
// the size and parses the index. The quilt keeps blob, which must not be modified while it
// is in use. Patches are decoded only when asked for.
func Open(p encoding.Params, blob []byte) (*Quilt, error) {
	if err := checkParams(p); err != nil {
		return nil, err
	}
	l := layout{rows: p.PrimarySymbols(), cols: p.SecondarySymbols()}
	src := l.rows * l.cols
	if len(blob) == 0 || len(blob)%src != 0 {
		return nil, fmt.Errorf("%w: %d bytes is not a positive multiple of the %d source symbols of %d shards",
			ErrMalformed, len(blob), src, p.NShards)
	}
	l.symbolSize = len(blob) / src
	q := &Quilt{params: p, layout: l, blob: blob}
	ix, err := readIndex(blobColumns{layout: l, blob: blob})
	if err != nil {
		return nil, err
	}
	q.index = ix
	return q, nil
}

// Bytes is the quilt blob, to be stored as an ordinary Walrus blob. It must not be modified.
func (q *Quilt) Bytes() []byte { return q.blob }

// SymbolSize is the RS2 symbol size of the quilt blob.
func (q *Quilt) SymbolSize() int { return q.symbolSize }

// Params are the RS2 parameters the quilt was laid out for.
func (q *Quilt) Params() encoding.Params { return q.params }

// Index returns a copy of the quilt's index.
func (q *Quilt) Index() Index { return q.index.clone() }

// Encode erasure-codes the quilt blob with c, which must be for the quilt's shard count.
// The result's blob ID is the quilt ID. Its systematic slivers share memory with the quilt.
func (q *Quilt) Encode(c *encoding.Codec) (*encoding.EncodedBlob, error) {
	if got := c.Params().NShards; got != q.params.NShards {
		return nil, fmt.Errorf("%w: the codec is for %d shards, the quilt for %d", ErrInvalidParams, got, q.params.NShards)
	}
	enc, err := c.Encode(q.blob)
	if err != nil {
		return nil, fmt.Errorf("encode the quilt: %w", err)
	}
	return enc, nil
}

// ID computes the quilt ID, the blob ID of the quilt blob, by encoding it with c.
func (q *Quilt) ID(c *encoding.Codec) (encoding.BlobID, error) {
	enc, err := q.Encode(c)
	if err != nil {
		return encoding.BlobID{}, err
	}
	return enc.Metadata.BlobID(), nil
}

func (q *Quilt) columns() columnReader { return blobColumns{layout: q.layout, blob: q.blob} }

// Patch returns the patch with the identifier (the first one, should a hostile index
// repeat it). As in Walrus, the identifier and tags returned are those of the patch's own
// header.
func (q *Quilt) Patch(identifier string) (Patch, error) {
	e, ok := q.index.Find(identifier)
	if !ok {
		return Patch{}, fmt.Errorf("%w: %q", ErrPatchNotFound, abbreviate(identifier))
	}
	return readPatch(q.columns(), int(e.Start))
}

// PatchAt returns the patch at an internal ID, e.g. PatchID.Internal. As in Walrus only its
// start column is used; the caller checks that the patch ID's quilt ID is this quilt's.
func (q *Quilt) PatchAt(id InternalID) (Patch, error) {
	return readPatch(q.columns(), int(id.Start))
}

// Patches returns every patch, in index order.
func (q *Quilt) Patches() ([]Patch, error) {
	out := make([]Patch, 0, len(q.index.Patches))
	for _, e := range q.index.Patches {
		p, err := readPatch(q.columns(), int(e.Start))
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// PatchesWithTag returns the patches whose index entry has the tag key=value, in index order.
func (q *Quilt) PatchesWithTag(key, value string) ([]Patch, error) {
	var out []Patch
	for _, e := range q.index.Patches {
		if !e.HasTag(key, value) {
			continue
		}
		p, err := readPatch(q.columns(), int(e.Start))
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// PatchInfo describes a patch without its data. Its JSON form is the one Walrus's
// aggregator lists a quilt's patches in (QuiltPatchItem: identifier, patch_id, tags).
type PatchInfo struct {
	Identifier string            `json:"identifier"`
	ID         PatchID           `json:"patch_id"`
	Tags       map[string]string `json:"tags"`
	// Size is the length of the patch's data in bytes.
	Size uint64 `json:"-"`
}

// List describes every patch, in index order: identifier and tags from the index, the patch
// ID under quiltID (the quilt's blob ID, from ID or from where the quilt was read), and the
// data size from the patch's header.
func (q *Quilt) List(quiltID encoding.BlobID) ([]PatchInfo, error) {
	ix := q.index.clone()
	out := make([]PatchInfo, 0, len(ix.Patches))
	for _, e := range ix.Patches {
		pl, err := readPatchLayout(q.columns(), int(e.Start))
		if err != nil {
			return nil, err
		}
		out = append(out, PatchInfo{
			Identifier: e.Identifier,
			Tags:       e.Tags,
			ID:         PatchID{QuiltID: quiltID, Internal: e.InternalID()},
			Size:       pl.dataSize,
		})
	}
	return out, nil
}

// PatchID returns the patch ID of the patch with the identifier, under quiltID.
func (q *Quilt) PatchID(quiltID encoding.BlobID, identifier string) (PatchID, error) {
	e, ok := q.index.Find(identifier)
	if !ok {
		return PatchID{}, fmt.Errorf("%w: %q", ErrPatchNotFound, abbreviate(identifier))
	}
	return PatchID{QuiltID: quiltID, Internal: e.InternalID()}, nil
}
