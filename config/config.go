// Package config holds tusk's configuration conventions: every component has
// its own Config struct with `yaml` tags, a Default() constructor living next
// to it, and a Validate() method; Load fills such a struct from a YAML file
// and the environment and then validates it.
//
// The pattern for a component:
//
//	type Config struct {
//		RESTAddr string         `yaml:"rest_addr"`
//		Timeout  time.Duration  `yaml:"timeout"`
//		Log      logging.Config `yaml:"log"`
//	}
//
//	func Default() Config { return Config{RESTAddr: "127.0.0.1:9185", Timeout: 10 * time.Second, Log: logging.Default()} }
//
//	func (c *Config) Validate() error {
//		var errs config.Errors
//		errs.Add(config.CheckHostPort("rest_addr", c.RESTAddr))
//		if c.Timeout <= 0 {
//			errs.Invalid("timeout", "must be positive, got %s", c.Timeout)
//		}
//		errs.Nested("log", c.Log.Validate())
//		return errs.Err()
//	}
//
// and its caller:
//
//	cfg := node.Default()
//	if err := config.Load(path, &cfg, "TUSK_NODE"); err != nil { ... }
//
// Field errors name the dotted YAML path of the field relative to the struct
// being validated; a parent that embeds a sub-config prefixes them with
// [Errors.Nested] or [Prefix].
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Validator is a configuration struct that can check itself. Load needs a
// pointer to a struct that implements it.
type Validator interface {
	Validate() error
}

// Load fills dst from the YAML file at path, then from environment variables
// named after envPrefix, then calls dst.Validate.
//
// dst must be a non-nil pointer to a struct, normally holding the component's
// Default() so that fields absent from the file keep their defaults. An empty
// path skips the file.
//
// The file is read strictly: a key that matches no field is an error naming
// the file, the line and the field's dotted path.
//
// Every field reachable through `yaml` tags can be overridden by the variable
// <ENVPREFIX>_<PATH>, where PATH is the field's YAML path with its parts
// joined by "_" and upper-cased: with envPrefix "TUSK", node.rest_addr is
// TUSK_NODE_REST_ADDR. Supported field types are string, bool, the int, uint
// and float kinds, time.Duration, []string (comma-separated, spaces around
// items trimmed, "" for an empty list), any type whose pointer implements
// encoding.TextUnmarshaler, and pointers to those. A value that does not parse
// is an *EnvError naming the variable.
func Load(path string, dst Validator, envPrefix string) error {
	return load(path, dst, envPrefix, os.LookupEnv)
}

func load(path string, dst Validator, envPrefix string, lookup func(string) (string, bool)) error {
	rv := reflect.ValueOf(dst)
	if dst == nil || rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
		return fmt.Errorf("config: Load needs a non-nil pointer to a struct, got %T", dst)
	}
	if path != "" {
		if err := decodeFile(path, dst); err != nil {
			return err
		}
	}
	if err := applyEnv(rv.Elem(), envPrefix, lookup); err != nil {
		return err
	}
	return dst.Validate()
}

// decodeFile decodes the YAML file at path into dst, refusing unknown keys.
func decodeFile(path string, dst any) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return fmt.Errorf("config: parse %s: %w", path, err)
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil // empty file, or only comments
	}
	root := doc.Content[0]
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return nil
	}
	if root.Kind != yaml.MappingNode {
		return fmt.Errorf("config: %s:%d: the top level must be a mapping of field names to values", path, root.Line)
	}

	var unknown []error
	checkFields(path, root, reflect.TypeOf(dst), "", &unknown)
	if len(unknown) > 0 {
		return errors.Join(unknown...)
	}

	// The walk above gives precise messages; the strict decoder is the
	// safety net for anything it does not look at.
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(dst); err != nil && !errors.Is(err, io.EOF) {
		return yamlError(path, err, valuePaths(root))
	}
	return nil
}

// valueAt is a value of a YAML document (a scalar, sequence or mapping) and its dotted
// path.
type valueAt struct {
	path, value string
	kind        yaml.Kind
}

// valuePaths maps each line of the document to the values that start on it, with their
// paths ("genesis.nodes[1].stake").
func valuePaths(root *yaml.Node) map[int][]valueAt {
	out := map[int][]valueAt{}
	var walk func(n *yaml.Node, path string)
	walk = func(n *yaml.Node, path string) {
		out[n.Line] = append(out[n.Line], valueAt{path, n.Value, n.Kind})
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				walk(n.Content[i+1], join(path, n.Content[i].Value))
			}
		case yaml.SequenceNode:
			for i, item := range n.Content {
				walk(item, fmt.Sprintf("%s[%d]", path, i))
			}
		}
	}
	walk(root, "")
	return out
}

var yamlLine = regexp.MustCompile(`^line (\d+): (.*)$`)

// yamlError rewrites the "line N: ..." messages of a *yaml.TypeError into
// "config: FILE:N: FIELD: ..." ones, naming the field whose value on line N the message
// is about when that is clear (fieldOnLine).
func yamlError(path string, err error, values map[int][]valueAt) error {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return fmt.Errorf("config: decode %s: %w", path, err)
	}
	errs := make([]error, 0, len(te.Errors))
	for _, msg := range te.Errors {
		m := yamlLine.FindStringSubmatch(msg)
		if m == nil {
			errs = append(errs, fmt.Errorf("config: %s: %s", path, msg))
			continue
		}
		line, _ := strconv.Atoi(m[1])
		if field := fieldOnLine(values[line], m[2]); field != "" {
			errs = append(errs, fmt.Errorf("config: %s:%s: %s: %s", path, m[1], field, m[2]))
		} else {
			errs = append(errs, fmt.Errorf("config: %s:%s: %s", path, m[1], m[2]))
		}
	}
	return errors.Join(errs...)
}

// fieldOnLine picks the path of the value a decoder message is about among those on
// its line: of the kind the message names (!!seq, !!map, else a scalar), the only one,
// or the scalar whose value the message quotes between backticks. "" if unsure.
func fieldOnLine(on []valueAt, msg string) string {
	kind := yaml.ScalarNode
	switch {
	case strings.Contains(msg, "!!seq"):
		kind = yaml.SequenceNode
	case strings.Contains(msg, "!!map"):
		kind = yaml.MappingNode
	}
	var candidates []valueAt
	for _, v := range on {
		if v.kind == kind && v.path != "" {
			candidates = append(candidates, v)
		}
	}
	if len(candidates) == 1 {
		return candidates[0].path
	}
	field := ""
	for _, v := range candidates {
		if kind == yaml.ScalarNode && strings.Contains(msg, "`"+v.value+"`") {
			if field != "" {
				return "" // ambiguous
			}
			field = v.path
		}
	}
	return field
}

var yamlUnmarshaler = reflect.TypeFor[yaml.Unmarshaler]()

// checkFields walks node alongside type t and records an error for every
// mapping key that matches no struct field.
func checkFields(file string, node *yaml.Node, t reflect.Type, path string, errs *[]error) {
	for node.Kind == yaml.AliasNode && node.Alias != nil {
		node = node.Alias
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Implements(yamlUnmarshaler) || reflect.PointerTo(t).Implements(yamlUnmarshaler) {
		return // the type decodes itself
	}
	switch t.Kind() {
	case reflect.Struct:
		if node.Kind != yaml.MappingNode {
			return // a type mismatch: the decoder reports it
		}
		fields := yamlFields(t)
		checkMapping(file, node, fields, path, errs)
	case reflect.Map:
		if node.Kind != yaml.MappingNode {
			return
		}
		for i := 0; i+1 < len(node.Content); i += 2 {
			checkFields(file, node.Content[i+1], t.Elem(), join(path, node.Content[i].Value), errs)
		}
	case reflect.Slice, reflect.Array:
		if node.Kind != yaml.SequenceNode {
			return
		}
		for i, item := range node.Content {
			checkFields(file, item, t.Elem(), fmt.Sprintf("%s[%d]", path, i), errs)
		}
	}
}

func checkMapping(file string, node *yaml.Node, fields fieldSet, path string, errs *[]error) {
	for i := 0; i+1 < len(node.Content); i += 2 {
		key, val := node.Content[i], node.Content[i+1]
		if key.Value == "<<" && key.Tag == "!!merge" {
			for val.Kind == yaml.AliasNode && val.Alias != nil {
				val = val.Alias
			}
			switch val.Kind {
			case yaml.MappingNode:
				checkMapping(file, val, fields, path, errs)
			case yaml.SequenceNode:
				for _, m := range val.Content {
					for m.Kind == yaml.AliasNode && m.Alias != nil {
						m = m.Alias
					}
					if m.Kind == yaml.MappingNode {
						checkMapping(file, m, fields, path, errs)
					}
				}
			}
			continue
		}
		if ft, ok := fields.byName[key.Value]; ok {
			checkFields(file, val, ft, join(path, key.Value), errs)
			continue
		}
		if fields.inlineMap != nil {
			checkFields(file, val, fields.inlineMap, join(path, key.Value), errs)
			continue
		}
		*errs = append(*errs, fmt.Errorf("config: %s:%d:%d: unknown field %q (known here: %s)",
			file, key.Line, key.Column, join(path, key.Value), strings.Join(fields.names(), ", ")))
	}
}

// fieldSet is what a struct accepts as YAML keys.
type fieldSet struct {
	byName    map[string]reflect.Type
	inlineMap reflect.Type // element type of an `,inline` map, if any
}

func (f fieldSet) names() []string {
	names := make([]string, 0, len(f.byName))
	for n := range f.byName {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// yamlFields lists the keys of struct type t as yaml.v3 sees them.
func yamlFields(t reflect.Type) fieldSet {
	fs := fieldSet{byName: map[string]reflect.Type{}}
	addYAMLFields(t, &fs)
	return fs
}

func addYAMLFields(t reflect.Type, fs *fieldSet) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() && !f.Anonymous {
			continue // as yaml.v3 does: embedded unexported structs count
		}
		name, inline, skip := yamlTag(f)
		if skip {
			continue
		}
		if inline {
			switch ft := f.Type; ft.Kind() {
			case reflect.Struct:
				addYAMLFields(ft, fs)
			case reflect.Pointer:
				if ft.Elem().Kind() == reflect.Struct {
					addYAMLFields(ft.Elem(), fs)
				}
			case reflect.Map:
				fs.inlineMap = ft.Elem()
			}
			continue
		}
		fs.byName[name] = f.Type
	}
}

// yamlTag returns the YAML key of f (yaml.v3 lower-cases the Go name when
// the tag gives none), whether it is inlined, and whether it is skipped.
func yamlTag(f reflect.StructField) (name string, inline, skip bool) {
	tag := f.Tag.Get("yaml")
	if tag == "-" {
		return "", false, true
	}
	parts := strings.Split(tag, ",")
	name = parts[0]
	for _, opt := range parts[1:] {
		if opt == "inline" {
			inline = true
		}
	}
	if name == "" {
		name = strings.ToLower(f.Name)
	}
	return name, inline, false
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// Number is a numeric setting, durations included.
type Number interface {
	~int | ~int32 | ~int64 | ~uint | ~uint32 | ~uint64 | ~float64
}

// SetDefault sets *v to def if it is zero or negative: how a constructor fills in the
// settings its caller left unset.
func SetDefault[T Number](v *T, def T) {
	if *v <= 0 {
		*v = def
	}
}
