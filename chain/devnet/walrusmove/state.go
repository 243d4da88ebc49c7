package walrusmove

import (
	"fmt"

	"github.com/tuskstore/tusk/chain/devnet/contract"
	"github.com/tuskstore/tusk/chain/devnet/exec"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/internal/bcs"
)

// module is the Walrus package as the registered functions see it.
type module struct {
	ids IDs
}

// loadSystem reads the System of argument i and its inner state, as system.move's
// inner (mut false) and inner_mut (mut true) do: the version check (EWrongVersion), then
// the dynamic field named VERSION.
func (m *module) loadSystem(c *exec.Call, i int, mut bool) (*contract.SystemState, error) {
	var sys walrus.System
	if err := objectArg(c, i, &sys); err != nil {
		return nil, err
	}
	if sys.Version != walrus.SystemVersion {
		fn := "inner"
		if mut {
			fn = "inner_mut"
		}
		return nil, c.Abort(m.ids.WalrusPackage, "system", fn, contract.ErrSystemWrongVersion.Code)
	}
	fid := walrus.InnerStateFieldID(sys.ID, walrus.SystemVersion)
	o, ok, err := c.Child(sys.ID, fid)
	if err != nil {
		return nil, err
	}
	if !ok {
		fn := "borrow_child_object"
		if mut {
			fn = "borrow_child_object_mut"
		}
		return nil, c.Abort(addr2, "dynamic_field", fn, 1) // EFieldDoesNotExist
	}
	var f walrus.SystemStateField
	if err := bcs.Unmarshal(o.Contents, &f); err != nil {
		return nil, fmt.Errorf("walrusmove: the System's inner state %s: %w", fid, err)
	}
	return &contract.SystemState{System: sys, Inner: f.Value}, nil
}

// storeSystem writes the inner state back into its dynamic field (borrow_mut and a
// write: the field is mutated in the effects).
func (m *module) storeSystem(c *exec.Call, s *contract.SystemState) error {
	fid := walrus.InnerStateFieldID(s.System.ID, walrus.SystemVersion)
	f := walrus.SystemStateField{ID: fid, Name: walrus.U64(walrus.SystemVersion), Value: s.Inner}
	return c.SetChild(s.System.ID, fid, bcs.Marshal(&f))
}

// txContext gives the contract functions fresh IDs from the executor and emits their
// events as <walrus>::events::<Name>.
type txContext struct {
	contract.TxContext
	err error // the first error of Emit
}

func (m *module) txContext(c *exec.Call) *txContext {
	t := &txContext{}
	t.TxContext = contract.TxContext{
		Sender: c.Sender(),
		Epoch:  uint32(c.Epoch()),
		NewID:  c.FreshID,
		Emit: func(ev walrus.Event) {
			if err := c.Emit(m.ids.EventType(walrus.EventTypeName(ev)), bcs.Marshal(ev)); err != nil && t.err == nil {
				t.err = err
			}
		},
	}
	return t
}

// attrs is a Blob's attributes: the dynamic field b"metadata" of the Blob.
type attrs struct {
	blob    walrus.ID
	fid     walrus.ID
	existed bool
	value   *walrus.Metadata // nil: no attributes
	orig    []byte
}

func (m *module) loadAttrs(c *exec.Call, blob walrus.ID) (*attrs, error) {
	a := &attrs{blob: blob, fid: contract.MetadataFieldID(blob)}
	o, ok, err := c.Child(blob, a.fid)
	if err != nil || !ok {
		return a, err
	}
	var f walrus.BlobMetadataField
	if err := bcs.Unmarshal(o.Contents, &f); err != nil {
		return nil, fmt.Errorf("walrusmove: attributes %s of blob %s: %w", a.fid, blob, err)
	}
	a.existed, a.value, a.orig = true, &f.Value, o.Contents
	return a, nil
}

// store writes the attributes back: dynamic_field::add when they are new, remove when
// they are gone, a mutation when they changed (written reports whether Move wrote
// through the field; an unwritten field is not in the effects).
func (m *module) storeAttrs(c *exec.Call, a *attrs, written bool) error {
	switch {
	case a.value == nil && a.existed:
		_, err := c.RemoveChild(a.blob, a.fid)
		return err
	case a.value == nil:
		return nil
	}
	f := walrus.BlobMetadataField{ID: a.fid, Name: walrus.MetadataFieldName, Value: *a.value}
	contents := bcs.Marshal(&f)
	if !a.existed {
		return c.AddChild(a.blob, m.ids.metadataFieldType(), contents)
	}
	if !written {
		return nil
	}
	return c.SetChild(a.blob, a.fid, contents)
}

// dropAttrs removes the attributes field if there is one (dynamic_field::remove_opt).
func (m *module) dropAttrs(c *exec.Call, blob walrus.ID) error {
	a, err := m.loadAttrs(c, blob)
	if err != nil || !a.existed {
		return err
	}
	_, err = c.RemoveChild(blob, a.fid)
	return err
}

// stringBCS is the BCS of a std::string::String.
func stringBCS(s string) []byte {
	var e bcs.Encoder
	e.String(s)
	return e.Bytes()
}
