package api

import (
	"sort"

	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/internal/bcs"
)

// EitherDecodingSymbol is a decoding symbol tagged with the axis of the sliver it
// helps decode (ByAxis<DecodingSymbol<Primary>, DecodingSymbol<Secondary>>: tag 0 or 1).
type EitherDecodingSymbol struct {
	Axis   encoding.Axis
	Symbol encoding.DecodingSymbol
}

// MarshalBCS writes the tag, then the symbol.
func (s *EitherDecodingSymbol) MarshalBCS(e *bcs.Encoder) {
	e.ULEB128(uint64(s.Axis))
	s.Symbol.MarshalBCS(e)
}

// UnmarshalBCS reads the form MarshalBCS writes.
func (s *EitherDecodingSymbol) UnmarshalBCS(d *bcs.Decoder) {
	s.Axis = encoding.Axis(d.Tag(2))
	s.Symbol.UnmarshalBCS(d)
}

// DecodingSymbols is the answer to GET decodingSymbols: BTreeMap<SliverIndex,
// Vec<EitherDecodingSymbol>>, keyed by target sliver index (BCS: the entries in
// ascending key order).
type DecodingSymbols map[uint16][]EitherDecodingSymbol

// MarshalBCS writes the map in key order.
func (m *DecodingSymbols) MarshalBCS(e *bcs.Encoder) {
	keys := make([]int, 0, len(*m))
	for k := range *m {
		keys = append(keys, int(k))
	}
	sort.Ints(keys)
	e.ULEB128(uint64(len(keys)))
	for _, k := range keys {
		e.U16(uint16(k))
		syms := (*m)[uint16(k)]
		e.ULEB128(uint64(len(syms)))
		for i := range syms {
			syms[i].MarshalBCS(e)
		}
	}
}

// UnmarshalBCS reads a map whose keys must be strictly ascending (canonical BCS).
func (m *DecodingSymbols) UnmarshalBCS(d *bcs.Decoder) {
	n := d.Len(3)
	out := make(DecodingSymbols, n)
	prev := -1
	for i := 0; i < n && d.Err() == nil; i++ {
		k := d.U16()
		if int(k) <= prev {
			d.Failf("decoding symbols: keys not strictly ascending (%d after %d)", k, prev)
			break
		}
		prev = int(k)
		c := d.Len(4)
		syms := make([]EitherDecodingSymbol, c)
		for j := 0; j < c && d.Err() == nil; j++ {
			syms[j].UnmarshalBCS(d)
		}
		out[k] = syms
	}
	*m = out
}
