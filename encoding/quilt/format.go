package quilt

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/tuskstore/tusk/internal/bcs"
)

const (
	// MaxIndexColumns is the most columns the index may take (Walrus
	// MAX_NUM_SLIVERS_FOR_QUILT_INDEX).
	MaxIndexColumns = 10
	// indexPrefixSize is the version byte and the u32 length before the BCS index.
	indexPrefixSize = 1 + 4
	// patchHeaderSize is a patch's BlobHeaderV1: version, u32 length, mask.
	patchHeaderSize = 1 + 4 + 1
	// sectionLengthSize is the u16 length before the identifier and before the tags.
	sectionLengthSize = 2
	// maskHasTags is the mask bit that says the patch stores tags.
	maskHasTags = 0x01
	// maxPatchContent is the most a patch header can describe: identifier and tags
	// sections plus the data.
	maxPatchContent = math.MaxUint32
)

// encodePatchPrefix returns what precedes a patch's data: the header, the identifier
// section and, if there are tags, the tags section (Walrus get_header_and_extension_bytes).
func encodePatchPrefix(p Patch) ([]byte, error) {
	var id bcs.Encoder
	id.String(p.Identifier)
	if len(id.Bytes()) >= MaxIdentifierLength {
		return nil, fmt.Errorf("%w: %q takes %d bytes in BCS, the maximum is %d",
			ErrInvalidIdentifier, abbreviate(p.Identifier), len(id.Bytes()), MaxIdentifierLength-1)
	}
	var tags bcs.Encoder
	if len(p.Tags) > 0 {
		marshalTags(&tags, p.Tags)
		if len(tags.Bytes()) > math.MaxUint16 {
			return nil, fmt.Errorf("%w: patch %q: tags take %d bytes in BCS, the maximum is %d",
				ErrInvalidTags, abbreviate(p.Identifier), len(tags.Bytes()), math.MaxUint16)
		}
	}
	size := patchHeaderSize + sectionLengthSize + len(id.Bytes())
	var mask byte
	if len(p.Tags) > 0 {
		size += sectionLengthSize + len(tags.Bytes())
		mask |= maskHasTags
	}
	content := uint64(size-patchHeaderSize) + uint64(len(p.Data))
	if content > maxPatchContent {
		return nil, fmt.Errorf("%w: patch %q takes %d bytes, the maximum is %d",
			ErrTooLarge, abbreviate(p.Identifier), content, uint64(maxPatchContent))
	}
	out := make([]byte, 0, size)
	out = append(out, quiltVersionV1)
	out = binary.LittleEndian.AppendUint32(out, uint32(content))
	out = append(out, mask)
	out = binary.LittleEndian.AppendUint16(out, uint16(len(id.Bytes())))
	out = append(out, id.Bytes()...)
	if len(p.Tags) > 0 {
		out = binary.LittleEndian.AppendUint16(out, uint16(len(tags.Bytes())))
		out = append(out, tags.Bytes()...)
	}
	return out, nil
}

// encodeIndex returns the index as stored in the first columns: version, u32 LE length,
// BCS QuiltIndexV1.
func encodeIndex(ix *Index) []byte {
	body := bcs.Marshal(ix)
	out := make([]byte, 0, indexPrefixSize+len(body))
	out = append(out, quiltVersionV1)
	out = binary.LittleEndian.AppendUint32(out, uint32(len(body)))
	return append(out, body...)
}

// readIndex reads the index from the first columns (Walrus decode_quilt_index) and fills
// in the entries' Start.
func readIndex(r columnReader) (Index, error) {
	prefix, err := r.read(0, 0, indexPrefixSize)
	if err != nil {
		return Index{}, fmt.Errorf("read the quilt index prefix: %w", err)
	}
	if prefix[0] != quiltVersionV1 {
		return Index{}, fmt.Errorf("%w: quilt version byte %d", ErrUnsupportedVersion, prefix[0])
	}
	size := uint64(binary.LittleEndian.Uint32(prefix[1:]))
	colSize := uint64(r.columnSize())
	if limit := colSize * MaxIndexColumns; size+indexPrefixSize > limit {
		return Index{}, fmt.Errorf("%w: the index takes %d bytes, more than %d columns of %d bytes",
			ErrMalformed, size+indexPrefixSize, MaxIndexColumns, colSize)
	}
	body, err := r.read(0, indexPrefixSize, size)
	if err != nil {
		return Index{}, fmt.Errorf("read the quilt index: %w", err)
	}
	var ix Index
	if err := bcs.Unmarshal(body, &ix); err != nil {
		return Index{}, fmt.Errorf("%w: quilt index: %w", ErrMalformed, err)
	}
	ix.PopulateStarts(uint16(ceilDiv(size+indexPrefixSize, colSize)))
	return ix, nil
}

// patchLayout is a decoded patch header: the patch's identifier and tags, and where its
// data lies in its run of columns.
type patchLayout struct {
	identifier string
	tags       map[string]string
	dataOffset uint64
	dataSize   uint64
}

// readPatchLayout decodes the header, identifier and tags of the patch starting at column
// start (Walrus decode_blob up to the data).
func readPatchLayout(r columnReader, start int) (patchLayout, error) {
	header, err := r.read(start, 0, patchHeaderSize)
	if err != nil {
		return patchLayout{}, fmt.Errorf("read the header of the patch at column %d: %w", start, err)
	}
	if header[0] != quiltVersionV1 {
		return patchLayout{}, fmt.Errorf("%w: the patch header at column %d has version byte %d", ErrMalformed, start, header[0])
	}
	remaining := uint64(binary.LittleEndian.Uint32(header[1:]))
	hasTags := header[5]&maskHasTags != 0
	offset := uint64(patchHeaderSize)

	// readSection reads a u16-length-prefixed section and decodes it with decode, which must
	// consume all of it.
	readSection := func(what string, decode func(*bcs.Decoder)) error {
		lenBytes, err := r.read(start, offset, sectionLengthSize)
		if err != nil {
			return fmt.Errorf("read the %s length of the patch at column %d: %w", what, start, err)
		}
		n := uint64(binary.LittleEndian.Uint16(lenBytes))
		if sectionLengthSize+n > remaining {
			return fmt.Errorf("%w: the %s section of the patch at column %d takes %d bytes, more than the %d its header leaves",
				ErrMalformed, what, start, sectionLengthSize+n, remaining)
		}
		body, err := r.read(start, offset+sectionLengthSize, n)
		if err != nil {
			return fmt.Errorf("read the %s of the patch at column %d: %w", what, start, err)
		}
		d := bcs.NewDecoder(body)
		decode(d)
		if err := d.Finish(); err != nil {
			return fmt.Errorf("%w: %s of the patch at column %d: %w", ErrMalformed, what, start, err)
		}
		offset += sectionLengthSize + n
		remaining -= sectionLengthSize + n
		return nil
	}

	var pl patchLayout
	if err := readSection("identifier", func(d *bcs.Decoder) { pl.identifier = readUTF8(d) }); err != nil {
		return patchLayout{}, err
	}
	if err := ValidateIdentifier(pl.identifier); err != nil {
		return patchLayout{}, fmt.Errorf("%w: the patch at column %d: %w", ErrMalformed, start, err)
	}
	pl.tags = map[string]string{}
	if hasTags {
		if err := readSection("tags", func(d *bcs.Decoder) { pl.tags = unmarshalTags(d) }); err != nil {
			return patchLayout{}, err
		}
	}
	pl.dataOffset, pl.dataSize = offset, remaining
	// The data must lie in the quilt; check before a caller allocates for it.
	if pl.dataSize > 0 {
		if _, _, err := columnSpan(start, pl.dataOffset, pl.dataSize, r.numColumns(), r.columnSize()); err != nil {
			return patchLayout{}, fmt.Errorf("the data of patch %q: %w", abbreviate(pl.identifier), err)
		}
	}
	return pl, nil
}

// readPatch decodes the patch starting at column start.
func readPatch(r columnReader, start int) (Patch, error) {
	pl, err := readPatchLayout(r, start)
	if err != nil {
		return Patch{}, err
	}
	data, err := r.read(start, pl.dataOffset, pl.dataSize)
	if err != nil {
		return Patch{}, fmt.Errorf("read the data of patch %q: %w", abbreviate(pl.identifier), err)
	}
	return Patch{Identifier: pl.identifier, Tags: pl.tags, Data: data}, nil
}

// abbreviate shortens an identifier for an error message.
func abbreviate(s string) string {
	const keep = 64
	if len(s) <= keep {
		return s
	}
	return s[:keep] + "…"
}
