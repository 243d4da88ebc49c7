package config

import (
	"encoding"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// EnvError reports an environment variable whose value does not fit the
// configuration field it overrides.
type EnvError struct {
	Var    string // the environment variable, e.g. TUSK_NODE_REST_ADDR
	Field  string // the field's dotted YAML path, e.g. node.rest_addr
	Value  string // the variable's value
	Reason string // what is wrong with it
}

// Error formats the error as
// `config: environment variable VAR (field PATH): invalid value "V": REASON`.
func (e *EnvError) Error() string {
	return fmt.Sprintf("config: environment variable %s (field %s): invalid value %q: %s", e.Var, e.Field, e.Value, e.Reason)
}

// EnvName returns the environment variable that overrides the field at the
// dotted YAML path, for envPrefix: EnvName("TUSK", "node.rest_addr") is
// "TUSK_NODE_REST_ADDR".
func EnvName(envPrefix, path string) string {
	name := strings.ToUpper(strings.NewReplacer(".", "_", "-", "_").Replace(path))
	if p := normPrefix(envPrefix); p != "" {
		return p + "_" + name
	}
	return name
}

func normPrefix(p string) string {
	return strings.TrimRight(strings.ToUpper(p), "_")
}

var (
	durationType        = reflect.TypeFor[time.Duration]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// envWalker applies environment overrides to a struct.
type envWalker struct {
	prefix string
	lookup func(string) (string, bool)
	seen   map[string]string // variable -> field path, to catch collisions
}

func applyEnv(v reflect.Value, envPrefix string, lookup func(string) (string, bool)) error {
	w := &envWalker{prefix: envPrefix, lookup: lookup, seen: map[string]string{}}
	_, err := w.walkStruct(v, "")
	return err
}

// walkStruct applies overrides to the fields of struct v, which lives at
// path, and reports whether any variable was set.
func (w *envWalker) walkStruct(v reflect.Value, path string) (bool, error) {
	t := v.Type()
	applied := false
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() && !f.Anonymous {
			continue // as yaml.v3 does: embedded unexported structs count
		}
		name, inline, skip := yamlTag(f)
		if skip {
			continue
		}
		fieldPath := join(path, name)
		if inline {
			fieldPath = path
		}
		ok, err := w.walkValue(v.Field(i), fieldPath, inline)
		if err != nil {
			return false, err
		}
		applied = applied || ok
	}
	return applied, nil
}

func (w *envWalker) walkValue(fv reflect.Value, path string, inline bool) (bool, error) {
	ft := fv.Type()
	if !fv.CanSet() && ft.Kind() != reflect.Struct {
		return false, nil // unexported; only an embedded struct's fields are reachable
	}
	switch {
	case isLeaf(ft):
		return w.setFromEnv(fv, path)
	case ft.Kind() == reflect.Struct:
		return w.walkStruct(fv, path)
	case ft.Kind() == reflect.Pointer && ft.Elem().Kind() == reflect.Struct:
		// Fill a fresh struct (or the existing one) and keep it only if a
		// variable was set, so that unset variables leave nil pointers nil.
		target := fv
		if fv.IsNil() {
			target = reflect.New(ft.Elem())
		}
		ok, err := w.walkStruct(target.Elem(), path)
		if err != nil {
			return false, err
		}
		if ok && fv.IsNil() {
			fv.Set(target)
		}
		return ok, nil
	case inline:
		return false, nil // an inline map: no fixed names to look up
	default:
		// A type we cannot set from a string, such as a map. Refuse a
		// variable aimed at it rather than silently ignoring it.
		name := w.name(path)
		if val, ok := w.lookup(name); ok {
			return false, &EnvError{Var: name, Field: path, Value: val,
				Reason: fmt.Sprintf("a field of type %s cannot be set from the environment", ft)}
		}
		return false, nil
	}
}

func (w *envWalker) name(path string) string { return EnvName(w.prefix, path) }

func (w *envWalker) setFromEnv(fv reflect.Value, path string) (bool, error) {
	name := w.name(path)
	if other, dup := w.seen[name]; dup {
		return false, fmt.Errorf("config: fields %s and %s both map to environment variable %s", other, path, name)
	}
	w.seen[name] = path
	val, ok := w.lookup(name)
	if !ok {
		return false, nil
	}
	if reason := setLeaf(fv, val); reason != "" {
		return false, &EnvError{Var: name, Field: path, Value: val, Reason: reason}
	}
	return true, nil
}

// isLeaf reports whether a field of type t is set from a single variable.
func isLeaf(t reflect.Type) bool {
	if reflect.PointerTo(t).Implements(textUnmarshalerType) || t == durationType {
		return true
	}
	switch t.Kind() {
	case reflect.String, reflect.Bool,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return true
	case reflect.Slice:
		return t.Elem().Kind() == reflect.String
	case reflect.Pointer:
		return isLeaf(t.Elem())
	}
	return false
}

// setLeaf parses s into fv and returns "" or the reason it could not.
func setLeaf(fv reflect.Value, s string) string {
	t := fv.Type()
	if reflect.PointerTo(t).Implements(textUnmarshalerType) {
		if err := fv.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(s)); err != nil {
			return err.Error()
		}
		return ""
	}
	if t == durationType {
		d, err := time.ParseDuration(strings.TrimSpace(s))
		if err != nil {
			return "want a duration such as 1m30s or 500ms"
		}
		fv.SetInt(int64(d))
		return ""
	}
	switch t.Kind() {
	case reflect.String:
		fv.SetString(s)
	case reflect.Bool:
		b, err := strconv.ParseBool(strings.TrimSpace(s))
		if err != nil {
			return "want true or false"
		}
		fv.SetBool(b)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, err := strconv.ParseInt(strings.TrimSpace(s), 0, t.Bits())
		if err != nil {
			return numReason(err, "an integer", t)
		}
		fv.SetInt(n)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n, err := strconv.ParseUint(strings.TrimSpace(s), 0, t.Bits())
		if err != nil {
			return numReason(err, "a non-negative integer", t)
		}
		fv.SetUint(n)
	case reflect.Float32, reflect.Float64:
		x, err := strconv.ParseFloat(strings.TrimSpace(s), t.Bits())
		if err != nil {
			return numReason(err, "a number", t)
		}
		fv.SetFloat(x)
	case reflect.Slice:
		list, reason := splitList(s)
		if reason != "" {
			return reason
		}
		out := reflect.MakeSlice(t, len(list), len(list))
		for i, item := range list {
			out.Index(i).SetString(item)
		}
		fv.Set(out)
	case reflect.Pointer:
		p := reflect.New(t.Elem())
		if reason := setLeaf(p.Elem(), s); reason != "" {
			return reason
		}
		fv.Set(p)
	default:
		return fmt.Sprintf("a field of type %s cannot be set from the environment", t)
	}
	return ""
}

func numReason(err error, want string, t reflect.Type) string {
	if errors.Is(err, strconv.ErrRange) {
		return fmt.Sprintf("out of range for %s", t)
	}
	return "want " + want
}

// splitList splits a comma-separated list; "" (or only spaces) is the empty
// list, and an empty item is an error.
func splitList(s string) ([]string, string) {
	if strings.TrimSpace(s) == "" {
		return []string{}, ""
	}
	parts := strings.Split(s, ",")
	for i, p := range parts {
		parts[i] = strings.TrimSpace(p)
		if parts[i] == "" {
			return nil, fmt.Sprintf("item %d of the comma-separated list is empty", i+1)
		}
	}
	return parts, ""
}
