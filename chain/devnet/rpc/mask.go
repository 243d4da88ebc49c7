package rpc

import (
	"fmt"
	"strings"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/fieldmaskpb"
)

// readMask is a validated google.protobuf.FieldMask as a tree, with the semantics of Sui's
// FieldMaskTree (sui-rpc crate): "*" selects everything; a path selects its field and
// everything below it; "a.b" selects only b inside a; an empty mask selects nothing.
type readMask struct {
	all      bool
	children map[string]*readMask
}

// parseReadMask validates m against the message md (each path must name fields, and only
// the last component may be a non-message field) and builds its tree; def (a
// comma-separated list of paths) is used when m is nil. A non-nil error names the first
// invalid path.
func parseReadMask(m *fieldmaskpb.FieldMask, def string, md protoreflect.MessageDescriptor) (*readMask, error) {
	var paths []string
	if m == nil {
		paths = strings.Split(def, ",")
	} else {
		paths = m.GetPaths()
	}
	t := &readMask{}
	for _, p := range paths {
		if p == "" {
			continue
		}
		if p == "*" {
			t.all = true
			continue
		}
		if err := validatePath(p, md); err != nil {
			return nil, err
		}
		t.add(p)
	}
	if t.all {
		t.children = nil
	}
	return t, nil
}

func validatePath(p string, md protoreflect.MessageDescriptor) error {
	comps := strings.Split(p, ".")
	for i, c := range comps {
		if c == "" || md == nil {
			return fmt.Errorf("invalid read_mask path %q", p)
		}
		fd := md.Fields().ByName(protoreflect.Name(c))
		if fd == nil {
			return fmt.Errorf("invalid read_mask path %q: %s has no field %q", p, md.FullName(), c)
		}
		md = nil
		if i < len(comps)-1 {
			switch {
			case fd.IsMap():
				if v := fd.MapValue(); v.Kind() == protoreflect.MessageKind || v.Kind() == protoreflect.GroupKind {
					md = v.Message()
				}
			case fd.Kind() == protoreflect.MessageKind || fd.Kind() == protoreflect.GroupKind:
				md = fd.Message()
			}
			if md == nil {
				return fmt.Errorf("invalid read_mask path %q: field %q is not a message", p, c)
			}
		}
	}
	return nil
}

// add inserts a valid path; a selected field absorbs its sub-paths.
func (t *readMask) add(p string) {
	n := t
	comps := strings.Split(p, ".")
	for i, c := range comps {
		if n.children == nil {
			n.children = map[string]*readMask{}
		}
		child, ok := n.children[c]
		if !ok {
			child = &readMask{}
			n.children[c] = child
			if i == len(comps)-1 {
				child.all = true
				return
			}
		} else if child.all {
			return // an ancestor path is already selected
		}
		if i == len(comps)-1 {
			child.all = true
			child.children = nil
			return
		}
		n = child
	}
}

// contains reports whether field (a top-level field name) is selected, wholly or in part.
func (t *readMask) contains(field string) bool {
	if t.all {
		return true
	}
	_, ok := t.children[field]
	return ok
}

// apply clears every field of msg that the mask does not select.
func (t *readMask) apply(msg proto.Message) {
	if msg == nil {
		return
	}
	t.prune(msg.ProtoReflect())
}

func (t *readMask) prune(m protoreflect.Message) {
	if t.all || !m.IsValid() {
		return
	}
	var clear []protoreflect.FieldDescriptor
	type sub struct {
		fd protoreflect.FieldDescriptor
		t  *readMask
	}
	var subs []sub
	m.Range(func(fd protoreflect.FieldDescriptor, _ protoreflect.Value) bool {
		child, ok := t.children[string(fd.Name())]
		switch {
		case !ok:
			clear = append(clear, fd)
		case !child.all:
			subs = append(subs, sub{fd, child})
		}
		return true
	})
	for _, fd := range clear {
		m.Clear(fd)
	}
	for _, s := range subs {
		v := m.Mutable(s.fd)
		switch {
		case s.fd.IsList():
			l := v.List()
			for i := 0; i < l.Len(); i++ {
				s.t.prune(l.Get(i).Message())
			}
		case s.fd.IsMap():
			v.Map().Range(func(_ protoreflect.MapKey, mv protoreflect.Value) bool {
				s.t.prune(mv.Message())
				return true
			})
		default:
			s.t.prune(v.Message())
		}
	}
}
