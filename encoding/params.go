package encoding

import (
	"errors"
	"fmt"
)

// Shard-count bounds supported by tusk (Walrus mainnet and testnet use 1000).
const (
	MinShards = 4
	MaxShards = 1000
	// MaxSymbolSize is the largest RS2 symbol (u16::MAX - 1, an even number).
	MaxSymbolSize = 65534
	// DefaultShards is the shard count of Walrus mainnet and testnet.
	DefaultShards = 1000
)

var (
	// ErrInvalidShards reports a shard count outside [MinShards, MaxShards].
	ErrInvalidShards = errors.New("encoding: invalid number of shards")
	// ErrBlobTooLarge reports a blob above the maximum size for the shard count.
	ErrBlobTooLarge = errors.New("encoding: blob too large")
)

// Params are the RS2 parameters for a number of shards n.
type Params struct {
	NShards int
	// F is the number of faulty shards tolerated, (n-1)/3.
	F int
}

// NewParams returns the parameters for nShards shards.
func NewParams(nShards int) (Params, error) {
	if nShards < MinShards || nShards > MaxShards {
		return Params{}, fmt.Errorf("%w: %d (must be %d..%d)", ErrInvalidShards, nShards, MinShards, MaxShards)
	}
	return Params{NShards: nShards, F: (nShards - 1) / 3}, nil
}

// PrimarySymbols is the number of source symbols of the primary code, n-2f: the rows of
// the message matrix and the length of a secondary sliver, in symbols.
func (p Params) PrimarySymbols() int { return p.NShards - 2*p.F }

// SecondarySymbols is the number of source symbols of the secondary code, n-f: the columns
// of the message matrix and the length of a primary sliver, in symbols.
func (p Params) SecondarySymbols() int { return p.NShards - p.F }

// MinCorrect is n-f, the shard weight a certificate needs.
func (p Params) MinCorrect() int { return p.NShards - p.F }

// IsQuorum reports whether weight shards exceed 2f.
func (p Params) IsQuorum(weight int) bool { return weight > 2*p.F }

// SourceSymbols is the number of symbols of the message matrix.
func (p Params) SourceSymbols() int { return p.PrimarySymbols() * p.SecondarySymbols() }

// MaxBlobSize is the largest blob the shard count can encode.
func (p Params) MaxBlobSize() uint64 { return uint64(p.SourceSymbols()) * MaxSymbolSize }

// SymbolSize is the symbol size of a blob of the given length: ceil(max(L,1) /
// source symbols) rounded up to even.
func (p Params) SymbolSize(length uint64) (int, error) {
	if length > p.MaxBlobSize() {
		return 0, fmt.Errorf("%w: %d bytes, the maximum for %d shards is %d", ErrBlobTooLarge, length, p.NShards, p.MaxBlobSize())
	}
	src := uint64(p.SourceSymbols())
	s := (max(length, 1) + src - 1) / src
	s += s % 2
	return int(s), nil
}

// PrimarySliverSize is the byte size of a primary sliver for a blob of the given length.
func (p Params) PrimarySliverSize(length uint64) (int, error) {
	s, err := p.SymbolSize(length)
	return s * p.SecondarySymbols(), err
}

// SecondarySliverSize is the byte size of a secondary sliver.
func (p Params) SecondarySliverSize(length uint64) (int, error) {
	s, err := p.SymbolSize(length)
	return s * p.PrimarySymbols(), err
}

// MaxSliverSize is the size of the largest sliver any blob can have (a primary sliver at
// the maximum symbol size).
func (p Params) MaxSliverSize() int { return p.SecondarySymbols() * MaxSymbolSize }

// MetadataLength is the metadata size accounted per node: n·64 + 32 bytes.
func (p Params) MetadataLength() uint64 { return uint64(p.NShards)*64 + 32 }

// EncodedLength is what storage is reserved and paid for:
// n · ((n-2f + n-f) · symbol size + n·64 + 32).
func (p Params) EncodedLength(length uint64) (uint64, error) {
	s, err := p.SymbolSize(length)
	if err != nil {
		return 0, err
	}
	n := uint64(p.NShards)
	return n * (uint64(p.PrimarySymbols()+p.SecondarySymbols())*uint64(s) + p.MetadataLength()), nil
}

// rotation is the blob ID as a big-endian integer modulo n.
func (p Params) rotation(id BlobID) int {
	acc := 0
	for _, b := range id {
		acc = (acc*256 + int(b)) % p.NShards
	}
	return acc
}

// ShardForPair is the shard that stores sliver pair pair of the blob.
func (p Params) ShardForPair(id BlobID, pair int) int {
	return (pair + p.rotation(id)) % p.NShards
}

// PairForShard is the sliver pair stored by shard shard for the blob.
func (p Params) PairForShard(id BlobID, shard int) int {
	return (p.NShards + shard - p.rotation(id)) % p.NShards
}

// PairOfSliver returns the pair index of a sliver: primary sliver i is in pair i, and
// secondary sliver j in pair n-1-j (the mapping is its own inverse).
func (p Params) PairOfSliver(axis Axis, index int) int {
	if axis == Primary {
		return index
	}
	return p.NShards - 1 - index
}

// SliverOfPair is the index of the pair's sliver on the given axis.
func (p Params) SliverOfPair(axis Axis, pair int) int { return p.PairOfSliver(axis, pair) }
