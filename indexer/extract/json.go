package extract

import (
	"encoding"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"unicode"

	"github.com/tuskstore/tusk/chain/walrus"
)

// JSON renders a decoded Move value (a Walrus event, metadata) as the indexer stores
// and serves it: an object per struct with snake_case Move field names; IDs, addresses
// and blob IDs in their text forms; u64 and wider integers as decimal strings (they do
// not fit a JSON number safely); vector<u8> as 0x-hex; Option as null or the value.
func JSON(v any) ([]byte, error) {
	out, err := jsonValue(reflect.ValueOf(v))
	if err != nil {
		return nil, err
	}
	return json.Marshal(out)
}

var (
	u128Type = reflect.TypeFor[walrus.U128]()
	u256Type = reflect.TypeFor[walrus.U256]()
	textType = reflect.TypeFor[encoding.TextMarshaler]()
)

func jsonValue(v reflect.Value) (any, error) {
	if !v.IsValid() {
		return nil, nil
	}
	switch v.Type() {
	case u128Type, u256Type:
		return v.Interface().(fmt.Stringer).String(), nil
	}
	if v.Kind() != reflect.Pointer && v.Type().Implements(textType) {
		b, err := v.Interface().(encoding.TextMarshaler).MarshalText()
		return string(b), err
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil, nil
		}
		return jsonValue(v.Elem())
	case reflect.Struct:
		m := make(map[string]any, v.NumField())
		for i := range v.NumField() {
			f := v.Type().Field(i)
			if !f.IsExported() {
				continue
			}
			fv, err := jsonValue(v.Field(i))
			if err != nil {
				return nil, err
			}
			m[snake(f.Name)] = fv
		}
		return m, nil
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			b := make([]byte, v.Len())
			reflect.Copy(reflect.ValueOf(b), v)
			return "0x" + hex.EncodeToString(b), nil
		}
		out := make([]any, v.Len())
		for i := range out {
			e, err := jsonValue(v.Index(i))
			if err != nil {
				return nil, err
			}
			out[i] = e
		}
		return out, nil
	case reflect.Uint64, reflect.Uint:
		return strconv.FormatUint(v.Uint(), 10), nil
	case reflect.Uint8, reflect.Uint16, reflect.Uint32:
		return v.Uint(), nil
	case reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Int:
		return v.Int(), nil
	case reflect.Bool:
		return v.Bool(), nil
	case reflect.String:
		return v.String(), nil
	}
	return nil, fmt.Errorf("extract: cannot render %s as JSON", v.Type())
}

// snake turns a Go field name into the Move one: BlobID → blob_id, IsExtension →
// is_extension, ID → id.
func snake(name string) string {
	var b strings.Builder
	r := []rune(name)
	for i, c := range r {
		if unicode.IsUpper(c) && i > 0 {
			prevLower := unicode.IsLower(r[i-1]) || unicode.IsDigit(r[i-1])
			nextLower := i+1 < len(r) && unicode.IsLower(r[i+1])
			if prevLower || (unicode.IsUpper(r[i-1]) && nextLower) {
				b.WriteByte('_')
			}
		}
		b.WriteRune(unicode.ToLower(c))
	}
	return b.String()
}

// StringMapJSON renders a VecMap<String, String> as a JSON object (Move keeps its keys
// unique).
func StringMapJSON(m walrus.StringMap) ([]byte, error) {
	obj := make(map[string]string, len(m))
	for _, kv := range m {
		obj[kv.Key] = kv.Value
	}
	return json.Marshal(obj)
}

// NodeMetadataJSON renders a node's metadata, extra fields as an object.
func NodeMetadataJSON(md *walrus.NodeMetadata) ([]byte, error) {
	extra := make(map[string]string, len(md.ExtraFields))
	for _, kv := range md.ExtraFields {
		extra[kv.Key] = kv.Value
	}
	return json.Marshal(map[string]any{
		"image_url": md.ImageURL, "project_url": md.ProjectURL, "description": md.Description, "extra_fields": extra,
	})
}
