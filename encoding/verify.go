package encoding

import (
	"errors"
	"fmt"

	"github.com/tuskstore/tusk/encoding/merkle"
)

var (
	// ErrInvalidMetadata reports metadata of the wrong shape for the shard count.
	ErrInvalidMetadata = errors.New("encoding: invalid metadata")
	// ErrBlobIDMismatch reports metadata that does not hash to the claimed blob ID.
	ErrBlobIDMismatch = errors.New("encoding: metadata does not match the blob ID")
	// ErrInvalidSliver reports a sliver of the wrong index, size or symbol size.
	ErrInvalidSliver = errors.New("encoding: invalid sliver")
	// ErrSliverHashMismatch reports a sliver whose Merkle root differs from the metadata.
	ErrSliverHashMismatch = errors.New("encoding: sliver does not match the metadata")
	// ErrInvalidRecoverySymbol reports a recovery symbol that fails its checks.
	ErrInvalidRecoverySymbol = errors.New("encoding: invalid recovery symbol")
)

// VerifiedMetadata is metadata checked against its blob ID for a shard count.
type VerifiedMetadata struct {
	params Params
	id     BlobID
	meta   Metadata
}

// VerifyMetadata checks metadata received for blob id: RS2, one pair per shard, a
// length within the maximum and a recomputed blob ID equal to id.
func VerifyMetadata(p Params, id BlobID, m Metadata) (VerifiedMetadata, error) {
	if m.EncodingType != RS2 {
		return VerifiedMetadata{}, fmt.Errorf("%w: encoding type %d", ErrInvalidMetadata, m.EncodingType)
	}
	if len(m.Hashes) != p.NShards {
		return VerifiedMetadata{}, fmt.Errorf("%w: %d sliver pair hashes for %d shards", ErrInvalidMetadata, len(m.Hashes), p.NShards)
	}
	if m.UnencodedLength > p.MaxBlobSize() {
		return VerifiedMetadata{}, fmt.Errorf("%w: length %d exceeds the maximum %d", ErrInvalidMetadata, m.UnencodedLength, p.MaxBlobSize())
	}
	if got := ComputeBlobID(m.EncodingType, m.UnencodedLength, m.rootHash()); got != id {
		return VerifiedMetadata{}, fmt.Errorf("%w: computed %s, claimed %s", ErrBlobIDMismatch, got, id)
	}
	return VerifiedMetadata{params: p, id: id, meta: m}, nil
}

// BlobID is the verified blob ID.
func (m VerifiedMetadata) BlobID() BlobID { return m.id }

// Params are the parameters the metadata was verified for.
func (m VerifiedMetadata) Params() Params { return m.params }

// UnencodedLength is the blob's length in bytes.
func (m VerifiedMetadata) UnencodedLength() uint64 { return m.meta.UnencodedLength }

// RootHash is the Merkle root over the sliver pairs.
func (m VerifiedMetadata) RootHash() merkle.Digest { return m.meta.rootHash() }

// Metadata returns a copy of the metadata.
func (m VerifiedMetadata) Metadata() Metadata {
	c := m.meta
	c.Hashes = append([]SliverPairMetadata(nil), m.meta.Hashes...)
	return c
}

// WithID is the BlobMetadataWithId form.
func (m VerifiedMetadata) WithID() MetadataWithID {
	return MetadataWithID{BlobID: m.id, Metadata: m.Metadata()}
}

// SymbolSize is the blob's symbol size.
func (m VerifiedMetadata) SymbolSize() int {
	s, _ := m.params.SymbolSize(m.meta.UnencodedLength) // checked by VerifyMetadata
	return s
}

// EncodedLength is what the blob occupies in storage.
func (m VerifiedMetadata) EncodedLength() uint64 {
	l, _ := m.params.EncodedLength(m.meta.UnencodedLength)
	return l
}

// SliverSize is the byte size of a sliver on the axis.
func (m VerifiedMetadata) SliverSize(a Axis) int {
	if a == Primary {
		return m.SymbolSize() * m.params.SecondarySymbols()
	}
	return m.SymbolSize() * m.params.PrimarySymbols()
}

// sliverHash is the metadata's hash for sliver index on the axis.
func (m VerifiedMetadata) sliverHash(a Axis, index int) merkle.Node {
	return m.meta.Hashes[m.params.PairOfSliver(a, index)].Hash(a)
}

// CheckSliverShape checks index, symbol size and length without hashing.
func (m VerifiedMetadata) CheckSliverShape(s Sliver) error {
	if int(s.Index) >= m.params.NShards {
		return fmt.Errorf("%w: %s sliver index %d out of range for %d shards", ErrInvalidSliver, s.Axis, s.Index, m.params.NShards)
	}
	if int(s.SymbolSize) != m.SymbolSize() {
		return fmt.Errorf("%w: %s sliver %d has symbol size %d, want %d", ErrInvalidSliver, s.Axis, s.Index, s.SymbolSize, m.SymbolSize())
	}
	if len(s.Data) != m.SliverSize(s.Axis) {
		return fmt.Errorf("%w: %s sliver %d has %d bytes, want %d", ErrInvalidSliver, s.Axis, s.Index, len(s.Data), m.SliverSize(s.Axis))
	}
	return nil
}

// VerifySliver checks a sliver against the metadata: its shape, then the Merkle root of
// its orthogonal expansion.
func (c *Codec) VerifySliver(m VerifiedMetadata, s Sliver) error {
	if err := c.checkMetadata(m); err != nil {
		return err
	}
	if err := m.CheckSliverShape(s); err != nil {
		return err
	}
	expanded, err := c.expand(s)
	if err != nil {
		return err
	}
	root := merkle.Root(leafHashes(expanded, int(s.SymbolSize)))
	if want := m.sliverHash(s.Axis, int(s.Index)); want.Empty || want.Digest != root {
		return fmt.Errorf("%w: %s sliver %d of blob %s", ErrSliverHashMismatch, s.Axis, s.Index, m.id)
	}
	return nil
}

func (c *Codec) checkMetadata(m VerifiedMetadata) error {
	if m.params.NShards != c.params.NShards {
		return fmt.Errorf("%w: metadata for %d shards used with a codec for %d", ErrInvalidMetadata, m.params.NShards, c.params.NShards)
	}
	return nil
}

// expand extends a sliver with the code of the orthogonal axis to all n symbols: a
// primary sliver (row, n-f symbols) with the secondary code, a secondary sliver (column,
// n-2f symbols) with the primary code.
func (c *Codec) expand(s Sliver) ([]byte, error) {
	code := c.rows
	if s.Axis == Secondary {
		code = c.cols
	}
	sz, n, k := int(s.SymbolSize), c.params.NShards, code.K()
	if len(s.Data) != k*sz {
		return nil, fmt.Errorf("%w: %s sliver of %d bytes, want %d", ErrInvalidSliver, s.Axis, len(s.Data), k*sz)
	}
	full := make([]byte, n*sz)
	copy(full, s.Data)
	shards := splitBuffer(full, n, sz)
	if err := code.Encode(shards[k:], shards[:k], sz); err != nil {
		return nil, fmt.Errorf("encoding: expand %s sliver %d: %w", s.Axis, s.Index, err)
	}
	return full, nil
}

func leafHashes(data []byte, size int) []merkle.Digest {
	out := make([]merkle.Digest, len(data)/size)
	merkle.LeafHashes(out, data, size)
	return out
}
