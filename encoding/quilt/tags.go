package quilt

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"maps"
	"slices"
	"unicode/utf8"

	"github.com/tuskstore/tusk/internal/bcs"
)

// Tags are BCS BTreeMap<String, String>. BCS orders map entries by the bytes of their
// serialized keys (ULEB128 length first, so a shorter key comes before a longer one),
// not by the keys themselves, and rejects any other order or a repeated key.

// bcsKey is the BCS form of a string: its ULEB128 length, then its bytes.
func bcsKey(s string) []byte {
	return append(binary.AppendUvarint(nil, uint64(len(s))), s...)
}

// sortedTagKeys returns the keys of tags in BCS map order.
func sortedTagKeys(tags map[string]string) []string {
	keys := slices.Collect(maps.Keys(tags))
	slices.SortFunc(keys, func(a, b string) int { return bytes.Compare(bcsKey(a), bcsKey(b)) })
	return keys
}

// marshalTags writes tags as a BCS map.
func marshalTags(e *bcs.Encoder, tags map[string]string) {
	e.ULEB128(uint64(len(tags)))
	for _, k := range sortedTagKeys(tags) {
		e.String(k)
		e.String(tags[k])
	}
}

// unmarshalTags reads a BCS map of strings, which must be UTF-8 and in canonical order.
func unmarshalTags(d *bcs.Decoder) map[string]string {
	n := d.Len(2) // an entry is at least two empty strings
	if d.Err() != nil {
		return nil
	}
	tags := make(map[string]string, n)
	var prev []byte
	for i := range n {
		k := readUTF8(d)
		v := readUTF8(d)
		if d.Err() != nil {
			return nil
		}
		key := bcsKey(k)
		if i > 0 && bytes.Compare(prev, key) >= 0 {
			d.Failf("tag %q is out of canonical order or repeated", k)
			return nil
		}
		prev = key
		tags[k] = v
	}
	return tags
}

// readUTF8 reads a BCS string that must be UTF-8.
func readUTF8(d *bcs.Decoder) string {
	s := d.String()
	if d.Err() == nil && !utf8.ValidString(s) {
		d.Failf("string is not UTF-8")
	}
	return s
}

// validateTags checks that every key and value is UTF-8.
func validateTags(tags map[string]string) error {
	for k, v := range tags {
		if !utf8.ValidString(k) || !utf8.ValidString(v) {
			return fmt.Errorf("%w: tag %q=%q is not UTF-8", ErrInvalidTags, k, v)
		}
	}
	return nil
}
