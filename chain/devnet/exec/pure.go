package exec

import (
	"unicode/utf8"

	"github.com/tuskstore/tusk/chain/sui"
	"github.com/tuskstore/tusk/internal/bcs"
)

// isPureType reports whether Pure inputs may be used at type t: the types Sui accepts as
// pure arguments (bool, the unsigned integers, address, vector<T>, 0x1::string::String,
// 0x1::ascii::String, 0x2::object::ID and 0x1::option::Option<T> of pure types).
func isPureType(t *sui.TypeTag, depth int) bool {
	if depth > 16 {
		return false
	}
	switch t.Kind {
	case sui.TypeBool, sui.TypeU8, sui.TypeU16, sui.TypeU32, sui.TypeU64, sui.TypeU128, sui.TypeU256, sui.TypeAddress:
		return true
	case sui.TypeVector:
		return t.Elem != nil && isPureType(t.Elem, depth+1)
	case sui.TypeStruct:
		s := t.Struct
		switch {
		case s == nil:
			return false
		case isStruct(s, addr1, "string", "String", 0), isStruct(s, addr1, "ascii", "String", 0),
			isStruct(s, addr2, "object", "ID", 0):
			return true
		case isStruct(s, addr1, "option", "Option", 1):
			return isPureType(&s.TypeParams[0], depth+1)
		}
	}
	return false
}

func isStruct(s *sui.StructTag, addr [32]byte, module, name string, params int) bool {
	return s.Address == addr && s.Module == module && s.Name == name && len(s.TypeParams) == params
}

// validPure reports whether b is exactly the BCS of a value of the pure type t, with
// the checks Sui makes on pure arguments (UTF-8 strings, ASCII strings, bools 0 or 1,
// options of at most one element).
func validPure(t *sui.TypeTag, b []byte) bool {
	d := bcs.NewDecoder(b)
	readPure(d, t, 0)
	return d.Finish() == nil
}

func readPure(d *bcs.Decoder, t *sui.TypeTag, depth int) {
	if d.Err() != nil {
		return
	}
	if depth > 16 {
		d.Failf("pure value nested too deep")
		return
	}
	switch t.Kind {
	case sui.TypeBool:
		d.Bool()
	case sui.TypeU8:
		d.U8()
	case sui.TypeU16:
		d.U16()
	case sui.TypeU32:
		d.U32()
	case sui.TypeU64:
		d.U64()
	case sui.TypeU128:
		d.Fixed(16)
	case sui.TypeU256, sui.TypeAddress:
		d.Fixed(32)
	case sui.TypeVector:
		if t.Elem.Kind == sui.TypeU8 {
			d.ByteVec()
			return
		}
		n := d.Len(1)
		for i := 0; i < n && d.Err() == nil; i++ {
			readPure(d, t.Elem, depth+1)
		}
	case sui.TypeStruct:
		s := t.Struct
		switch {
		case isStruct(s, addr1, "string", "String", 0):
			if b := d.ByteVec(); d.Err() == nil && !utf8.Valid(b) {
				d.Failf("string is not UTF-8")
			}
		case isStruct(s, addr1, "ascii", "String", 0):
			for _, c := range d.ByteVec() {
				if c >= 0x80 {
					d.Failf("string is not ASCII")
					return
				}
			}
		case isStruct(s, addr2, "object", "ID", 0):
			d.Fixed(32)
		case isStruct(s, addr1, "option", "Option", 1):
			n := d.Len(0)
			if d.Err() == nil && n > 1 {
				d.Failf("option with %d elements", n)
				return
			}
			if n == 1 {
				readPure(d, &s.TypeParams[0], depth+1)
			}
		default:
			d.Failf("not a pure type")
		}
	default:
		d.Failf("not a pure type")
	}
}
