package quilt

import (
	"maps"

	"github.com/tuskstore/tusk/internal/bcs"
)

// IndexEntry is one patch in a quilt's index (Walrus QuiltPatchV1).
type IndexEntry struct {
	Identifier string
	Tags       map[string]string
	// Start and End are the patch's columns, [Start, End). Only End is serialized: Start is
	// the previous entry's End, or for the first entry the number of index columns.
	Start, End uint16
}

// InternalID is the entry's address inside its quilt.
func (e IndexEntry) InternalID() InternalID { return InternalID{Start: e.Start, End: e.End} }

// HasTag reports whether the entry's tag key has the value value.
func (e IndexEntry) HasTag(key, value string) bool {
	v, ok := e.Tags[key]
	return ok && v == value
}

// Index is a quilt's index (Walrus QuiltIndexV1): its patches in identifier order.
type Index struct {
	Patches []IndexEntry
}

// Find returns the first entry with the identifier.
func (ix Index) Find(identifier string) (IndexEntry, bool) {
	for _, e := range ix.Patches {
		if e.Identifier == identifier {
			return e, true
		}
	}
	return IndexEntry{}, false
}

// PopulateStarts sets every entry's Start: firstPatchColumn (the number of index columns)
// for the first, the previous entry's End for the others.
func (ix *Index) PopulateStarts(firstPatchColumn uint16) {
	prev := firstPatchColumn
	for i := range ix.Patches {
		ix.Patches[i].Start = prev
		prev = ix.Patches[i].End
	}
}

// clone is a deep copy: the tag maps are copied too.
func (ix Index) clone() Index {
	out := Index{Patches: make([]IndexEntry, len(ix.Patches))}
	for i, e := range ix.Patches {
		e.Tags = maps.Clone(e.Tags)
		if e.Tags == nil {
			e.Tags = map[string]string{}
		}
		out.Patches[i] = e
	}
	return out
}

// MarshalBCS writes QuiltIndexV1 { quilt_patches: Vec<QuiltPatchV1 { end_index: u16,
// identifier: String, tags: BTreeMap<String, String> }> }.
func (ix *Index) MarshalBCS(e *bcs.Encoder) {
	e.ULEB128(uint64(len(ix.Patches)))
	for _, p := range ix.Patches {
		e.U16(p.End)
		e.String(p.Identifier)
		marshalTags(e, p.Tags)
	}
}

// UnmarshalBCS reads the form MarshalBCS writes. Strings must be UTF-8 and tag maps in
// canonical order, as the Rust BCS decoder requires. Start is not in the wire form: every
// entry gets the previous entry's End, the first 0; call PopulateStarts to set them.
func (ix *Index) UnmarshalBCS(d *bcs.Decoder) {
	n := d.Len(4) // u16 end, empty identifier, empty map
	if d.Err() != nil {
		return
	}
	patches := make([]IndexEntry, n)
	for i := range patches {
		patches[i].End = d.U16()
		patches[i].Identifier = readUTF8(d)
		patches[i].Tags = unmarshalTags(d)
		if d.Err() != nil {
			return
		}
	}
	ix.Patches = patches
	ix.PopulateStarts(0)
}
