package quilt

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/tuskstore/tusk/encoding"
)

// Patch is one blob stored in a quilt (Walrus QuiltStoreBlob): an identifier unique within
// the quilt, optional tags, and its bytes.
type Patch struct {
	Identifier string
	// Tags are stored with the patch and in the index; nil and empty are the same.
	Tags map[string]string
	Data []byte
}

// checkParams accepts only the parameters encoding.NewParams gives.
func checkParams(p encoding.Params) error {
	want, err := encoding.NewParams(p.NShards)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidParams, err)
	}
	if p != want {
		return fmt.Errorf("%w: f = %d for %d shards, want %d", ErrInvalidParams, p.F, p.NShards, want.F)
	}
	return nil
}

// Build packs patches into a quilt for the shard count of p, byte for byte as Walrus does
// (QuiltEncoderV1::construct_quilt): the patches are sorted by identifier (byte order),
// the symbol size is the smallest that fits the index and every patch, and the index goes
// in the first columns. It fails on no patches, more patches than n-f-1, an invalid or
// repeated identifier, tags that are not UTF-8 or too large, a patch above 4 GiB, or a
// quilt that needs a symbol above the RS2 maximum. The quilt holds copies of the data.
func Build(p encoding.Params, patches []Patch) (*Quilt, error) {
	if err := checkParams(p); err != nil {
		return nil, err
	}
	if len(patches) == 0 {
		return nil, ErrNoPatches
	}
	if maxPatches := p.SecondarySymbols() - 1; len(patches) > maxPatches {
		return nil, fmt.Errorf("%w: %d patches, at most %d for %d shards", ErrTooManyPatches, len(patches), maxPatches, p.NShards)
	}
	sorted := slices.Clone(patches)
	slices.SortStableFunc(sorted, func(a, b Patch) int { return strings.Compare(a.Identifier, b.Identifier) })

	index := Index{Patches: make([]IndexEntry, len(sorted))}
	prefixes := make([][]byte, len(sorted))
	sizes := make([]uint64, 1+len(sorted)) // sizes[0] is the index, filled below
	for i, patch := range sorted {
		if err := ValidateIdentifier(patch.Identifier); err != nil {
			return nil, err
		}
		if i > 0 && patch.Identifier == sorted[i-1].Identifier {
			return nil, fmt.Errorf("%w: %q", ErrDuplicateIdentifier, abbreviate(patch.Identifier))
		}
		if err := validateTags(patch.Tags); err != nil {
			return nil, fmt.Errorf("patch %q: %w", abbreviate(patch.Identifier), err)
		}
		prefix, err := encodePatchPrefix(patch)
		if err != nil {
			return nil, err
		}
		prefixes[i] = prefix
		sizes[1+i] = uint64(len(prefix)) + uint64(len(patch.Data))
		tags := maps.Clone(patch.Tags)
		if tags == nil {
			tags = map[string]string{}
		}
		index.Patches[i] = IndexEntry{Identifier: patch.Identifier, Tags: tags}
	}
	// The ranges are not known yet, but End is a fixed-size u16: the size is final.
	sizes[0] = uint64(len(encodeIndex(&index)))

	l := layout{rows: p.PrimarySymbols(), cols: p.SecondarySymbols()}
	symbolSize, err := findSymbolSize(sizes, l.cols, l.rows, MaxIndexColumns)
	if err != nil {
		return nil, err
	}
	l.symbolSize = symbolSize
	colSize := uint64(l.columnSize())
	blob := make([]byte, l.rows*l.rowSize())

	column := int(ceilDiv(sizes[0], colSize))
	for i, patch := range sorted {
		l.writeColumns(blob, column, 0, prefixes[i])
		l.writeColumns(blob, column, len(prefixes[i]), patch.Data)
		end := column + int(ceilDiv(sizes[1+i], colSize))
		index.Patches[i].Start, index.Patches[i].End = uint16(column), uint16(end)
		column = end
	}
	l.writeColumns(blob, 0, 0, encodeIndex(&index))
	return &Quilt{params: p, layout: l, blob: blob, index: index}, nil
}
