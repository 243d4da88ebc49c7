package sui

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/internal/bcs"
)

// ErrInvalidTypeTag reports type text ParseTypeTag cannot parse.
var ErrInvalidTypeTag = errors.New("sui: invalid type tag")

// TypeKind is the variant of a TypeTag; its value is the BCS tag.
type TypeKind uint8

// Type tag variants, in BCS tag order (move-core-types TypeTag, then the signed integers
// that Sui's TypeInput adds for Move bytecode v8).
const (
	TypeBool TypeKind = iota
	TypeU8
	TypeU64
	TypeU128
	TypeAddress
	TypeSigner
	TypeVector
	TypeStruct
	TypeU16
	TypeU32
	TypeU256
	TypeI8
	TypeI16
	TypeI32
	TypeI64
	TypeI128
	TypeI256
	numTypeKinds
)

var typeKindNames = [numTypeKinds]string{
	TypeBool: "bool", TypeU8: "u8", TypeU64: "u64", TypeU128: "u128", TypeAddress: "address",
	TypeSigner: "signer", TypeVector: "vector", TypeStruct: "struct", TypeU16: "u16",
	TypeU32: "u32", TypeU256: "u256", TypeI8: "i8", TypeI16: "i16", TypeI32: "i32",
	TypeI64: "i64", TypeI128: "i128", TypeI256: "i256",
}

// String is the Move name of the kind ("u64", "vector", "struct", ...).
func (k TypeKind) String() string {
	if k < numTypeKinds {
		return typeKindNames[k]
	}
	return fmt.Sprintf("TypeKind(%d)", uint8(k))
}

// maxTypeTagDecodeDepth bounds type-tag nesting while decoding and parsing. Sui's BCS
// decoder stops at a container depth of 500; its validity check then rejects anything at
// depth 16 or more, so nothing between those two bounds can reach execution anyway.
const maxTypeTagDecodeDepth = 256

// TypeTag is a Move type as Sui transactions carry it (sui_types::type_input::TypeInput,
// whose BCS equals move-core-types TypeTag's). Elem is set for vectors, Struct for
// structs; only the field of Kind is encoded.
type TypeTag struct {
	Kind   TypeKind
	Elem   *TypeTag   // TypeVector
	Struct *StructTag // TypeStruct
}

// StructTag is a struct type: address::module::name<type params>.
type StructTag struct {
	Address    walrus.ID
	Module     string
	Name       string
	TypeParams []TypeTag
}

// Primitive type tags.
var (
	TypeTagBool    = TypeTag{Kind: TypeBool}
	TypeTagU8      = TypeTag{Kind: TypeU8}
	TypeTagU16     = TypeTag{Kind: TypeU16}
	TypeTagU32     = TypeTag{Kind: TypeU32}
	TypeTagU64     = TypeTag{Kind: TypeU64}
	TypeTagU128    = TypeTag{Kind: TypeU128}
	TypeTagU256    = TypeTag{Kind: TypeU256}
	TypeTagAddress = TypeTag{Kind: TypeAddress}
	TypeTagSigner  = TypeTag{Kind: TypeSigner}
)

// VectorOf is vector<elem>.
func VectorOf(elem TypeTag) TypeTag { return TypeTag{Kind: TypeVector, Elem: &elem} }

// StructOf is the struct type addr::module::name<params...>.
func StructOf(addr walrus.ID, module, name string, params ...TypeTag) TypeTag {
	return TypeTag{Kind: TypeStruct, Struct: &StructTag{Address: addr, Module: module, Name: name, TypeParams: params}}
}

// SUIType is 0x2::sui::SUI, the gas coin's type parameter.
var SUIType = StructOf(walrus.MustParseID("0x2"), "sui", "SUI")

// CoinType is 0x2::coin::Coin<t>.
func CoinType(t TypeTag) TypeTag { return StructOf(walrus.MustParseID("0x2"), "coin", "Coin", t) }

func (t *TypeTag) MarshalBCS(e *bcs.Encoder) {
	e.ULEB128(uint64(t.Kind))
	switch t.Kind {
	case TypeVector:
		t.Elem.MarshalBCS(e)
	case TypeStruct:
		t.Struct.MarshalBCS(e)
	}
}

func (t *TypeTag) UnmarshalBCS(d *bcs.Decoder) { t.decode(d, 0) }

func (t *TypeTag) decode(d *bcs.Decoder, depth int) {
	*t = TypeTag{Kind: TypeKind(d.Tag(int(numTypeKinds)))}
	if d.Err() != nil {
		return
	}
	if depth >= maxTypeTagDecodeDepth && (t.Kind == TypeVector || t.Kind == TypeStruct) {
		d.Failf("type tag nested deeper than %d", maxTypeTagDecodeDepth)
		return
	}
	switch t.Kind {
	case TypeVector:
		t.Elem = new(TypeTag)
		t.Elem.decode(d, depth+1)
	case TypeStruct:
		t.Struct = new(StructTag)
		t.Struct.decode(d, depth+1)
	}
}

func (s *StructTag) MarshalBCS(e *bcs.Encoder) {
	s.Address.MarshalBCS(e)
	e.String(s.Module)
	e.String(s.Name)
	e.ULEB128(uint64(len(s.TypeParams)))
	for i := range s.TypeParams {
		s.TypeParams[i].MarshalBCS(e)
	}
}

func (s *StructTag) UnmarshalBCS(d *bcs.Decoder) { s.decode(d, 0) }

func (s *StructTag) decode(d *bcs.Decoder, depth int) {
	s.Address.UnmarshalBCS(d)
	s.Module = getString(d)
	s.Name = getString(d)
	n := d.Len(1)
	if d.Err() != nil || n == 0 {
		s.TypeParams = nil
		return
	}
	s.TypeParams = make([]TypeTag, n)
	for i := range s.TypeParams {
		s.TypeParams[i].decode(d, depth)
		if d.Err() != nil {
			return
		}
	}
}

// Equal reports whether t and o are the same type.
func (t *TypeTag) Equal(o *TypeTag) bool {
	if t == nil || o == nil {
		return t == o
	}
	if t.Kind != o.Kind {
		return false
	}
	switch t.Kind {
	case TypeVector:
		return t.Elem.Equal(o.Elem)
	case TypeStruct:
		return t.Struct.Equal(o.Struct)
	}
	return true
}

// Equal reports whether s and o are the same struct type.
func (s *StructTag) Equal(o *StructTag) bool {
	if s == nil || o == nil {
		return s == o
	}
	if s.Address != o.Address || s.Module != o.Module || s.Name != o.Name || len(s.TypeParams) != len(o.TypeParams) {
		return false
	}
	for i := range s.TypeParams {
		if !s.TypeParams[i].Equal(&o.TypeParams[i]) {
			return false
		}
	}
	return true
}

// String is Sui's canonical form with the 0x prefix (TypeInput::to_canonical_string(true)):
// full 64-digit addresses, parameters separated by "," with no space, e.g.
// 0x0000…0002::coin::Coin<0x0000…0002::sui::SUI>. This is how Sui's gRPC API and effects
// name object and event types.
func (t TypeTag) String() string {
	var b strings.Builder
	t.write(&b, false)
	return b.String()
}

// ShortString is Sui's Display form: addresses without leading zeros, parameters separated
// by ", ", e.g. 0x2::coin::Coin<0x2::sui::SUI>.
func (t TypeTag) ShortString() string {
	var b strings.Builder
	t.write(&b, true)
	return b.String()
}

func (t *TypeTag) write(b *strings.Builder, short bool) {
	switch t.Kind {
	case TypeVector:
		b.WriteString("vector<")
		if t.Elem != nil {
			t.Elem.write(b, short)
		}
		b.WriteByte('>')
	case TypeStruct:
		if t.Struct != nil {
			t.Struct.write(b, short)
		}
	default:
		b.WriteString(t.Kind.String())
	}
}

// String is the canonical form (see TypeTag.String).
func (s StructTag) String() string {
	var b strings.Builder
	s.write(&b, false)
	return b.String()
}

// ShortString is the Display form (see TypeTag.ShortString).
func (s StructTag) ShortString() string {
	var b strings.Builder
	s.write(&b, true)
	return b.String()
}

func (s *StructTag) write(b *strings.Builder, short bool) {
	if short {
		b.WriteString(shortAddress(s.Address))
	} else {
		b.WriteString(s.Address.String())
	}
	b.WriteString("::")
	b.WriteString(s.Module)
	b.WriteString("::")
	b.WriteString(s.Name)
	if len(s.TypeParams) == 0 {
		return
	}
	sep := ","
	if short {
		sep = ", "
	}
	b.WriteByte('<')
	for i := range s.TypeParams {
		if i > 0 {
			b.WriteString(sep)
		}
		s.TypeParams[i].write(b, short)
	}
	b.WriteByte('>')
}

// shortAddress is 0x and the hex digits without leading zeros (AccountAddress's
// short_str_lossless), "0x0" for zero.
func shortAddress(a walrus.ID) string {
	h := strings.TrimLeft(hex.EncodeToString(a[:]), "0")
	if h == "" {
		h = "0"
	}
	return "0x" + h
}

// ParseTypeTag parses Move type syntax: bool, u8, u16, u32, u64, u128, u256, i8 … i256,
// address, signer, vector<T>, and 0xADDR::module::Name<T1, T2, …> where ADDR has 1 to 64
// hex digits (short forms such as 0x2 are zero-padded). Spaces around tokens are allowed.
// Module and struct names must be valid Move identifiers.
func ParseTypeTag(s string) (TypeTag, error) {
	p := typeParser{src: s}
	t, err := p.parseType(0)
	if err == nil {
		p.skipSpace()
		if p.pos != len(p.src) {
			err = p.errorf("unexpected %q", p.src[p.pos:])
		}
	}
	if err != nil {
		return TypeTag{}, err
	}
	return t, nil
}

// MustParseTypeTag is ParseTypeTag that panics on error; for constants and tests.
func MustParseTypeTag(s string) TypeTag {
	t, err := ParseTypeTag(s)
	if err != nil {
		panic(err)
	}
	return t
}

// ParseStructTag parses a struct type (see ParseTypeTag).
func ParseStructTag(s string) (StructTag, error) {
	t, err := ParseTypeTag(s)
	if err != nil {
		return StructTag{}, err
	}
	if t.Kind != TypeStruct {
		return StructTag{}, fmt.Errorf("%w: %q is not a struct type", ErrInvalidTypeTag, s)
	}
	return *t.Struct, nil
}

type typeParser struct {
	src string
	pos int
}

func (p *typeParser) errorf(format string, args ...any) error {
	return fmt.Errorf("%w: %q at offset %d: %s", ErrInvalidTypeTag, p.src, p.pos, fmt.Sprintf(format, args...))
}

func (p *typeParser) skipSpace() {
	for p.pos < len(p.src) && (p.src[p.pos] == ' ' || p.src[p.pos] == '\t' || p.src[p.pos] == '\n' || p.src[p.pos] == '\r') {
		p.pos++
	}
}

// word reads an identifier-like token: letters, digits, '_'.
func (p *typeParser) word() string {
	p.skipSpace()
	start := p.pos
	for p.pos < len(p.src) && isIdentChar(p.src[p.pos]) {
		p.pos++
	}
	return p.src[start:p.pos]
}

func (p *typeParser) expect(tok string) error {
	p.skipSpace()
	if !strings.HasPrefix(p.src[p.pos:], tok) {
		return p.errorf("want %q", tok)
	}
	p.pos += len(tok)
	return nil
}

func (p *typeParser) peek(tok string) bool {
	p.skipSpace()
	return strings.HasPrefix(p.src[p.pos:], tok)
}

func (p *typeParser) parseType(depth int) (TypeTag, error) {
	if depth >= maxTypeTagDecodeDepth {
		return TypeTag{}, p.errorf("type nested deeper than %d", maxTypeTagDecodeDepth)
	}
	w := p.word()
	switch {
	case w == "":
		return TypeTag{}, p.errorf("want a type")
	case w == "vector":
		if err := p.expect("<"); err != nil {
			return TypeTag{}, err
		}
		elem, err := p.parseType(depth + 1)
		if err != nil {
			return TypeTag{}, err
		}
		if err := p.expect(">"); err != nil {
			return TypeTag{}, err
		}
		return VectorOf(elem), nil
	case strings.HasPrefix(w, "0x") || strings.HasPrefix(w, "0X"):
		addr, err := walrus.ParseID(w)
		if err != nil {
			return TypeTag{}, p.errorf("bad address %q", w)
		}
		if err := p.expect("::"); err != nil {
			return TypeTag{}, err
		}
		module := p.word()
		if !IsValidIdentifier(module) {
			return TypeTag{}, p.errorf("bad module name %q", module)
		}
		if err := p.expect("::"); err != nil {
			return TypeTag{}, err
		}
		name := p.word()
		if !IsValidIdentifier(name) {
			return TypeTag{}, p.errorf("bad struct name %q", name)
		}
		st := &StructTag{Address: addr, Module: module, Name: name}
		if p.peek("<") {
			p.pos++
			for {
				param, err := p.parseType(depth + 1)
				if err != nil {
					return TypeTag{}, err
				}
				st.TypeParams = append(st.TypeParams, param)
				if p.peek(",") {
					p.pos++
					continue
				}
				if err := p.expect(">"); err != nil {
					return TypeTag{}, err
				}
				break
			}
		}
		return TypeTag{Kind: TypeStruct, Struct: st}, nil
	default:
		for k := TypeKind(0); k < numTypeKinds; k++ {
			if k != TypeVector && k != TypeStruct && typeKindNames[k] == w {
				return TypeTag{Kind: k}, nil
			}
		}
		return TypeTag{}, p.errorf("unknown type %q", w)
	}
}

func isIdentChar(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}

// IsValidIdentifier reports whether s is a valid Move identifier: a letter followed by
// letters, digits and underscores, or an underscore followed by at least one of those
// (move-core-types identifier::is_valid, without the legacy "<SELF>" exception, which
// Sui's disallow_self_identifier rejects).
func IsValidIdentifier(s string) bool {
	if s == "" {
		return false
	}
	c := s[0]
	switch {
	case (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'):
	case c == '_' && len(s) > 1:
	default:
		return false
	}
	for i := 1; i < len(s); i++ {
		if !isIdentChar(s[i]) {
			return false
		}
	}
	return true
}

// getString reads a Rust String: a byte vector that must be UTF-8 (serde's String
// deserialization checks this, so a real node rejects invalid UTF-8 while decoding).
func getString(d *bcs.Decoder) string {
	b := d.ByteVec()
	if d.Err() != nil {
		return ""
	}
	if !utf8.Valid(b) {
		d.Failf("string is not valid UTF-8")
		return ""
	}
	return string(b)
}
