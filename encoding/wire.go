package encoding

import (
	"fmt"

	"github.com/tuskstore/tusk/encoding/merkle"
	"github.com/tuskstore/tusk/internal/bcs"
)

// Axis is the sliver type: primary (rows) or secondary (columns). BCS u8 0/1; text
// "primary"/"secondary".
type Axis uint8

const (
	Primary   Axis = 0
	Secondary Axis = 1
)

func (a Axis) String() string {
	if a == Primary {
		return "primary"
	}
	return "secondary"
}

// Orthogonal is the other axis.
func (a Axis) Orthogonal() Axis { return 1 - a }

// ParseAxis parses "primary" or "secondary".
func ParseAxis(s string) (Axis, error) {
	switch s {
	case "primary":
		return Primary, nil
	case "secondary":
		return Secondary, nil
	}
	return 0, fmt.Errorf("encoding: sliver type %q is neither primary nor secondary", s)
}

// SliverPairMetadata holds the Merkle roots of the two slivers of a pair, each over the
// orthogonally expanded sliver (all n symbols).
type SliverPairMetadata struct {
	PrimaryHash   merkle.Node
	SecondaryHash merkle.Node
}

// Hash returns the root for the given axis.
func (m SliverPairMetadata) Hash(a Axis) merkle.Node {
	if a == Primary {
		return m.PrimaryHash
	}
	return m.SecondaryHash
}

// leafInput is the 64-byte leaf of the blob-level tree.
func (m SliverPairMetadata) leafInput() []byte {
	p, s := m.PrimaryHash.Bytes(), m.SecondaryHash.Bytes()
	return append(p[:], s[:]...)
}

// Metadata is BlobMetadata::V1: what PUT /v1/blobs/{id}/metadata carries.
type Metadata struct {
	EncodingType    EncodingType
	UnencodedLength uint64
	Hashes          []SliverPairMetadata
}

// MarshalBCS writes enum BlobMetadata { V1 (tag 0) { encoding_type (enum tag 1), u64, vector } }.
func (m *Metadata) MarshalBCS(e *bcs.Encoder) {
	e.ULEB128(0)
	e.ULEB128(uint64(m.EncodingType))
	e.U64(m.UnencodedLength)
	e.ULEB128(uint64(len(m.Hashes)))
	for _, h := range m.Hashes {
		h.PrimaryHash.MarshalBCS(e)
		h.SecondaryHash.MarshalBCS(e)
	}
}

// UnmarshalBCS reads the form MarshalBCS writes; an encoding type other than RS2 is an error.
func (m *Metadata) UnmarshalBCS(d *bcs.Decoder) {
	d.Tag(1) // BlobMetadata::V1
	if t := d.Tag(2); d.Err() == nil && EncodingType(t) != RS2 {
		d.Failf("encoding type %d is not RS2", t)
	}
	m.EncodingType = RS2
	m.UnencodedLength = d.U64()
	n := d.Len(2) // each node is at least its tag
	m.Hashes = make([]SliverPairMetadata, 0, n)
	for i := 0; i < n && d.Err() == nil; i++ {
		var h SliverPairMetadata
		h.PrimaryHash.UnmarshalBCS(d)
		h.SecondaryHash.UnmarshalBCS(d)
		m.Hashes = append(m.Hashes, h)
	}
}

// MetadataWithID is BlobMetadataWithId: the blob ID, then the metadata.
type MetadataWithID struct {
	BlobID   BlobID
	Metadata Metadata
}

func (m *MetadataWithID) MarshalBCS(e *bcs.Encoder) {
	e.Fixed(m.BlobID[:])
	m.Metadata.MarshalBCS(e)
}

func (m *MetadataWithID) UnmarshalBCS(d *bcs.Decoder) {
	d.FixedInto(m.BlobID[:])
	m.Metadata.UnmarshalBCS(d)
}

// Sliver is one primary or secondary sliver of a blob: Data holds its symbols back to back.
// Its BCS form (SliverData) is the symbols (bytes, then the u16 symbol size) and the u16
// sliver index; the axis is not part of it (it is in the URL, or in TaggedSliver).
type Sliver struct {
	Axis       Axis
	Index      uint16
	SymbolSize uint16
	Data       []byte
}

func (s *Sliver) MarshalBCS(e *bcs.Encoder) {
	e.ByteVec(s.Data)
	e.U16(s.SymbolSize)
	e.U16(s.Index)
}

func (s *Sliver) UnmarshalBCS(d *bcs.Decoder) {
	s.Data = d.ByteVec()
	s.SymbolSize = d.U16()
	s.Index = d.U16()
}

// Symbol returns symbol i of the sliver.
func (s *Sliver) Symbol(i int) []byte {
	sz := int(s.SymbolSize)
	return s.Data[i*sz : (i+1)*sz]
}

// TaggedSliver is the enum Sliver { Primary(SliverData) = 0, Secondary(SliverData) = 1 }.
type TaggedSliver struct{ Sliver }

func (s *TaggedSliver) MarshalBCS(e *bcs.Encoder) {
	e.ULEB128(uint64(s.Axis))
	s.Sliver.MarshalBCS(e)
}

func (s *TaggedSliver) UnmarshalBCS(d *bcs.Decoder) {
	s.Axis = Axis(d.Tag(2))
	s.Sliver.UnmarshalBCS(d)
}

// DecodingSymbol is one symbol used to decode a sliver of the axis it is for; Index is
// its position in that sliver's codeword (the index of the orthogonal source sliver).
type DecodingSymbol struct {
	Index uint16
	Data  []byte
}

func (s *DecodingSymbol) MarshalBCS(e *bcs.Encoder) {
	e.U16(s.Index)
	e.ByteVec(s.Data)
}

func (s *DecodingSymbol) UnmarshalBCS(d *bcs.Decoder) {
	s.Index = d.U16()
	s.Data = d.ByteVec()
}

// RecoverySymbol is a decoding symbol with its Merkle proof against the source sliver's
// hash in the metadata.
type RecoverySymbol struct {
	Symbol DecodingSymbol
	Proof  merkle.Proof
}

func (s *RecoverySymbol) MarshalBCS(e *bcs.Encoder) {
	s.Symbol.MarshalBCS(e)
	s.Proof.MarshalBCS(e)
}

func (s *RecoverySymbol) UnmarshalBCS(d *bcs.Decoder) {
	s.Symbol.UnmarshalBCS(d)
	s.Proof.UnmarshalBCS(d)
}

// GeneralRecoverySymbol is what GET /recoverySymbols returns: a symbol for recovering a
// sliver of TargetAxis (BCS: the axis as enum tag, the decoding symbol, the target
// sliver index, the proof).
type GeneralRecoverySymbol struct {
	TargetAxis  Axis
	Symbol      DecodingSymbol
	TargetIndex uint16
	Proof       merkle.Proof
}

func (s *GeneralRecoverySymbol) MarshalBCS(e *bcs.Encoder) {
	e.ULEB128(uint64(s.TargetAxis))
	s.Symbol.MarshalBCS(e)
	e.U16(s.TargetIndex)
	s.Proof.MarshalBCS(e)
}

func (s *GeneralRecoverySymbol) UnmarshalBCS(d *bcs.Decoder) {
	s.TargetAxis = Axis(d.Tag(2))
	s.Symbol.UnmarshalBCS(d)
	s.TargetIndex = d.U16()
	s.Proof.UnmarshalBCS(d)
}

// RecoverySymbolList is Vec<GeneralRecoverySymbol>.
type RecoverySymbolList []GeneralRecoverySymbol

func (l *RecoverySymbolList) MarshalBCS(e *bcs.Encoder) {
	e.ULEB128(uint64(len(*l)))
	for i := range *l {
		(*l)[i].MarshalBCS(e)
	}
}

func (l *RecoverySymbolList) UnmarshalBCS(d *bcs.Decoder) {
	n := d.Len(6)
	*l = make(RecoverySymbolList, 0, n)
	for i := 0; i < n && d.Err() == nil; i++ {
		var s GeneralRecoverySymbol
		s.UnmarshalBCS(d)
		*l = append(*l, s)
	}
}

// InconsistencyProof shows that the recovery symbols of a sliver of Axis (each verified
// against the metadata) decode to a sliver whose hash differs from the metadata's. The
// axis is not part of the BCS form (it is in the URL).
type InconsistencyProof struct {
	Axis        Axis
	TargetIndex uint16
	Symbols     []RecoverySymbol
}

func (p *InconsistencyProof) MarshalBCS(e *bcs.Encoder) {
	e.U16(p.TargetIndex)
	e.ULEB128(uint64(len(p.Symbols)))
	for i := range p.Symbols {
		p.Symbols[i].MarshalBCS(e)
	}
}

func (p *InconsistencyProof) UnmarshalBCS(d *bcs.Decoder) {
	p.TargetIndex = d.U16()
	n := d.Len(4)
	p.Symbols = make([]RecoverySymbol, 0, n)
	for i := 0; i < n && d.Err() == nil; i++ {
		var s RecoverySymbol
		s.UnmarshalBCS(d)
		p.Symbols = append(p.Symbols, s)
	}
}
