package walrusmove

import (
	"github.com/tuskstore/tusk/chain/devnet/contract"
	"github.com/tuskstore/tusk/chain/devnet/exec"
	"github.com/tuskstore/tusk/chain/sui"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/internal/bcs"
)

// The public functions of blob.move (those that do not go through the System),
// metadata.move and storage_resource.move.

func (m *module) blobFunctions() map[string]exec.Function {
	blob := sui.TypeTag{Kind: sui.TypeStruct, Struct: ptr(m.ids.BlobType())}
	meta := m.ids.MetadataType()
	optMeta := sui.StructOf(addr1, "option", "Option", meta)
	optString := sui.StructOf(addr1, "option", "Option", stringType)
	return map[string]exec.Function{
		// burn(self: Blob)
		"burn": {
			Params: []exec.Param{{Kind: exec.Value, Type: blob}},
			Call:   m.burn,
		},
		// add_metadata(self: &mut Blob, metadata: Metadata)
		"add_metadata": {
			Params: []exec.Param{{Kind: exec.MutRef, Type: blob}, {Kind: exec.Value, Type: meta}},
			Call:   m.addMetadata,
		},
		// add_or_replace_metadata(self: &mut Blob, metadata: Metadata): Option<Metadata>
		"add_or_replace_metadata": {
			Params:  []exec.Param{{Kind: exec.MutRef, Type: blob}, {Kind: exec.Value, Type: meta}},
			Returns: []sui.TypeTag{optMeta},
			Call: func(c *exec.Call) error {
				return m.withAttrs(c, func(a *attrs) (bool, error) {
					var md walrus.Metadata
					if err := c.Decode(1, &md); err != nil {
						return false, err
					}
					old := contract.AddOrReplaceMetadata(&a.value, md)
					if err := c.Return(optMeta, optionBCS(old)); err != nil {
						return false, err
					}
					if a.existed {
						// take_metadata removes the field, add_metadata adds it again: a
						// mutation of the same object.
						a.existed = false
						if _, err := c.RemoveChild(a.blob, a.fid); err != nil {
							return false, err
						}
					}
					return true, nil
				})
			},
		},
		// take_metadata(self: &mut Blob): Metadata
		"take_metadata": {
			Params:  []exec.Param{{Kind: exec.MutRef, Type: blob}},
			Returns: []sui.TypeTag{meta},
			Call: func(c *exec.Call) error {
				return m.withAttrs(c, func(a *attrs) (bool, error) {
					md, err := contract.TakeMetadata(&a.value)
					if err != nil {
						return false, moveError(c, &m.ids, err, at{contract.ErrMissingMetadata, "take_metadata"})
					}
					return true, c.Return(meta, bcs.Marshal(&md))
				})
			},
		},
		// insert_or_update_metadata_pair(self: &mut Blob, key: String, value: String)
		"insert_or_update_metadata_pair": {
			Params: []exec.Param{{Kind: exec.MutRef, Type: blob}, {Kind: exec.Pure, Type: stringType}, {Kind: exec.Pure, Type: stringType}},
			Call: func(c *exec.Call) error {
				key, err := stringArg(c, 1)
				if err != nil {
					return err
				}
				value, err := stringArg(c, 2)
				if err != nil {
					return err
				}
				return m.withAttrs(c, func(a *attrs) (bool, error) {
					contract.InsertOrUpdateMetadataPair(&a.value, key, value)
					return true, nil
				})
			},
		},
		// remove_metadata_pair(self: &mut Blob, key: &String): (String, String)
		"remove_metadata_pair": {
			Params:  []exec.Param{{Kind: exec.MutRef, Type: blob}, {Kind: exec.Ref, Type: stringType}},
			Returns: []sui.TypeTag{stringType, stringType},
			Call: func(c *exec.Call) error {
				key, err := stringArg(c, 1)
				if err != nil {
					return err
				}
				return m.withAttrs(c, func(a *attrs) (bool, error) {
					k, v, err := contract.RemoveMetadataPair(&a.value, key)
					if err != nil {
						return false, moveError(c, &m.ids, err)
					}
					if err := c.Return(stringType, stringBCS(k)); err != nil {
						return false, err
					}
					return true, c.Return(stringType, stringBCS(v))
				})
			},
		},
		// remove_metadata_pair_if_exists(self: &mut Blob, key: &String): Option<String>
		"remove_metadata_pair_if_exists": {
			Params:  []exec.Param{{Kind: exec.MutRef, Type: blob}, {Kind: exec.Ref, Type: stringType}},
			Returns: []sui.TypeTag{optString},
			Call: func(c *exec.Call) error {
				key, err := stringArg(c, 1)
				if err != nil {
					return err
				}
				return m.withAttrs(c, func(a *attrs) (bool, error) {
					v, ok := contract.RemoveMetadataPairIfExists(&a.value, key)
					b := []byte{0}
					if ok {
						b = append([]byte{1}, stringBCS(v)...)
					}
					// Move writes the field only when the key was there.
					return ok, c.Return(optString, b)
				})
			},
		},
		// Accessors.
		"object_id":        m.blobAccessor(blob, idType, func(b *walrus.Blob) []byte { return b.ID[:] }),
		"registered_epoch": m.blobAccessor(blob, sui.TypeTagU32, func(b *walrus.Blob) []byte { return bcs.Marshal(walrus.U32(b.RegisteredEpoch)) }),
		"blob_id":          m.blobAccessor(blob, sui.TypeTagU256, func(b *walrus.Blob) []byte { return b.BlobID[:] }),
		"size":             m.blobAccessor(blob, sui.TypeTagU64, func(b *walrus.Blob) []byte { return bcs.Marshal(walrus.U64(b.Size)) }),
		"encoding_type":    m.blobAccessor(blob, sui.TypeTagU8, func(b *walrus.Blob) []byte { return []byte{b.EncodingType} }),
		"end_epoch":        m.blobAccessor(blob, sui.TypeTagU32, func(b *walrus.Blob) []byte { return bcs.Marshal(walrus.U32(b.Storage.EndEpoch)) }),
		"is_deletable": m.blobAccessor(blob, sui.TypeTagBool, func(b *walrus.Blob) []byte {
			if b.Deletable {
				return []byte{1}
			}
			return []byte{0}
		}),
	}
}

func (m *module) blobAccessor(blob, ret sui.TypeTag, get func(*walrus.Blob) []byte) exec.Function {
	return exec.Function{
		Params:  []exec.Param{{Kind: exec.Ref, Type: blob}},
		Returns: []sui.TypeTag{ret},
		Call: func(c *exec.Call) error {
			var b walrus.Blob
			if err := objectArg(c, 0, &b); err != nil {
				return err
			}
			return c.Return(ret, get(&b))
		},
	}
}

// optionBCS is the BCS of an Option<Metadata>.
func optionBCS(md *walrus.Metadata) []byte {
	if md == nil {
		return []byte{0}
	}
	return append([]byte{1}, bcs.Marshal(md)...)
}

// withAttrs runs f on the attributes of the Blob of argument 0 and stores them back; f
// reports whether Move wrote through the field.
func (m *module) withAttrs(c *exec.Call, f func(*attrs) (bool, error)) error {
	id, err := c.ObjectID(0)
	if err != nil {
		return err
	}
	a, err := m.loadAttrs(c, id)
	if err != nil {
		return err
	}
	written, err := f(a)
	if err != nil {
		return err
	}
	return m.storeAttrs(c, a, written)
}

func (m *module) addMetadata(c *exec.Call) error {
	var md walrus.Metadata
	if err := c.Decode(1, &md); err != nil {
		return err
	}
	return m.withAttrs(c, func(a *attrs) (bool, error) {
		if err := contract.AddMetadata(&a.value, md); err != nil {
			return false, moveError(c, &m.ids, err)
		}
		return true, nil
	})
}

func (m *module) burn(c *exec.Call) error {
	a := argsOf(c)
	var blob walrus.Blob
	a.object(0, &blob)
	if a.err != nil {
		return a.err
	}
	contract.Burn(blob)
	if err := m.dropAttrs(c, blob.ID); err != nil {
		return err
	}
	if err := c.Delete(blob.ID); err != nil {
		return err
	}
	return c.Delete(blob.Storage.ID) // storage.destroy()
}

func (m *module) metadataFunctions() map[string]exec.Function {
	meta := m.ids.MetadataType()
	optString := sui.StructOf(addr1, "option", "Option", stringType)
	// withMeta decodes the &mut Metadata of argument 0, runs f and writes it back.
	withMeta := func(c *exec.Call, f func(md **walrus.Metadata) error) error {
		md := new(walrus.Metadata)
		if err := c.Decode(0, md); err != nil {
			return err
		}
		if err := f(&md); err != nil {
			return err
		}
		return c.Encode(0, md)
	}
	return map[string]exec.Function{
		// new(): Metadata
		"new": {
			Returns: []sui.TypeTag{meta},
			Call: func(c *exec.Call) error {
				return c.Return(meta, bcs.Marshal(&walrus.Metadata{}))
			},
		},
		// insert_or_update(self: &mut Metadata, key: String, value: String)
		"insert_or_update": {
			Params: []exec.Param{{Kind: exec.MutRef, Type: meta}, {Kind: exec.Pure, Type: stringType}, {Kind: exec.Pure, Type: stringType}},
			Call: func(c *exec.Call) error {
				key, err := stringArg(c, 1)
				if err != nil {
					return err
				}
				value, err := stringArg(c, 2)
				if err != nil {
					return err
				}
				return withMeta(c, func(md **walrus.Metadata) error {
					contract.InsertOrUpdateMetadataPair(md, key, value)
					return nil
				})
			},
		},
		// remove(self: &mut Metadata, key: &String): (String, String)
		"remove": {
			Params:  []exec.Param{{Kind: exec.MutRef, Type: meta}, {Kind: exec.Ref, Type: stringType}},
			Returns: []sui.TypeTag{stringType, stringType},
			Call: func(c *exec.Call) error {
				key, err := stringArg(c, 1)
				if err != nil {
					return err
				}
				return withMeta(c, func(md **walrus.Metadata) error {
					k, v, err := contract.RemoveMetadataPair(md, key)
					if err != nil {
						return moveError(c, &m.ids, err)
					}
					if err := c.Return(stringType, stringBCS(k)); err != nil {
						return err
					}
					return c.Return(stringType, stringBCS(v))
				})
			},
		},
		// remove_if_exists(self: &mut Metadata, key: &String): Option<String>
		"remove_if_exists": {
			Params:  []exec.Param{{Kind: exec.MutRef, Type: meta}, {Kind: exec.Ref, Type: stringType}},
			Returns: []sui.TypeTag{optString},
			Call: func(c *exec.Call) error {
				key, err := stringArg(c, 1)
				if err != nil {
					return err
				}
				return withMeta(c, func(md **walrus.Metadata) error {
					v, ok := contract.RemoveMetadataPairIfExists(md, key)
					if !ok {
						return c.Return(optString, []byte{0})
					}
					return c.Return(optString, append([]byte{1}, stringBCS(v)...))
				})
			},
		},
	}
}

func (m *module) storageFunctions() map[string]exec.Function {
	storage := sui.TypeTag{Kind: sui.TypeStruct, Struct: ptr(m.ids.StorageType())}
	// split returns the new Storage of a split of the &mut Storage of argument 0.
	split := func(c *exec.Call, f func(tx *contract.TxContext, s *walrus.Storage) (walrus.Storage, error), fn string) error {
		var s walrus.Storage
		if err := objectArg(c, 0, &s); err != nil {
			return err
		}
		tx := m.txContext(c)
		out, err := f(&tx.TxContext, &s)
		if err != nil {
			return moveError(c, &m.ids, err, at{contract.ErrIncompatibleAmount, fn})
		}
		if err := c.Encode(0, &s); err != nil {
			return err
		}
		return c.Put(m.ids.StorageType(), bcs.Marshal(&out), exec.Returned())
	}
	// fuse makes the &mut Storage of argument 0 absorb the Storage of argument 1.
	fuse := func(c *exec.Call, f func(first *walrus.Storage, second walrus.Storage) error, fn string) error {
		var first, second walrus.Storage
		if err := objectArg(c, 0, &first); err != nil {
			return err
		}
		if err := objectArg(c, 1, &second); err != nil {
			return err
		}
		if err := f(&first, second); err != nil {
			o := []at{{contract.ErrIncompatibleAmount, fn}, {contract.ErrIncompatibleEpochs, fn}}
			if fn == "fuse" {
				// fuse dispatches to fuse_amount (same start) or fuse_periods.
				sub := "fuse_periods"
				if first.StartEpoch == second.StartEpoch {
					sub = "fuse_amount"
				}
				o = []at{{contract.ErrIncompatibleAmount, sub}, {contract.ErrIncompatibleEpochs, sub}}
			}
			return moveError(c, &m.ids, err, o...)
		}
		if err := c.Encode(0, &first); err != nil {
			return err
		}
		return c.Delete(second.ID)
	}
	fuseParams := []exec.Param{{Kind: exec.MutRef, Type: storage}, {Kind: exec.Value, Type: storage}}
	return map[string]exec.Function{
		// split_by_epoch(storage: &mut Storage, split_epoch: u32): Storage
		"split_by_epoch": {
			Params:  []exec.Param{{Kind: exec.MutRef, Type: storage}, {Kind: exec.Pure, Type: sui.TypeTagU32}},
			Returns: []sui.TypeTag{storage},
			Call: func(c *exec.Call) error {
				epoch, err := u32Arg(c, 1)
				if err != nil {
					return err
				}
				return split(c, func(tx *contract.TxContext, s *walrus.Storage) (walrus.Storage, error) {
					return contract.SplitByEpoch(tx, s, epoch)
				}, "split_by_epoch")
			},
		},
		// split_by_size(storage: &mut Storage, split_size: u64): Storage
		"split_by_size": {
			Params:  []exec.Param{{Kind: exec.MutRef, Type: storage}, {Kind: exec.Pure, Type: sui.TypeTagU64}},
			Returns: []sui.TypeTag{storage},
			Call: func(c *exec.Call) error {
				size, err := c.U64(1)
				if err != nil {
					return err
				}
				return split(c, func(tx *contract.TxContext, s *walrus.Storage) (walrus.Storage, error) {
					return contract.SplitBySize(tx, s, size)
				}, "split_by_size")
			},
		},
		// fuse_periods(first: &mut Storage, second: Storage)
		"fuse_periods": {Params: fuseParams, Call: func(c *exec.Call) error { return fuse(c, contract.FusePeriods, "fuse_periods") }},
		// fuse_amount(first: &mut Storage, second: Storage)
		"fuse_amount": {Params: fuseParams, Call: func(c *exec.Call) error { return fuse(c, contract.FuseAmount, "fuse_amount") }},
		// fuse(first: &mut Storage, second: Storage)
		"fuse": {Params: fuseParams, Call: func(c *exec.Call) error { return fuse(c, contract.Fuse, "fuse") }},
		// destroy(storage: Storage)
		"destroy": {
			Params: []exec.Param{{Kind: exec.Value, Type: storage}},
			Call: func(c *exec.Call) error {
				var s walrus.Storage
				if err := objectArg(c, 0, &s); err != nil {
					return err
				}
				contract.Destroy(s)
				return c.Delete(s.ID)
			},
		},
		// Accessors: start_epoch(self: &Storage): u32, end_epoch, size.
		"start_epoch": m.storageAccessor(storage, sui.TypeTagU32, func(s *walrus.Storage) []byte { return bcs.Marshal(walrus.U32(s.StartEpoch)) }),
		"end_epoch":   m.storageAccessor(storage, sui.TypeTagU32, func(s *walrus.Storage) []byte { return bcs.Marshal(walrus.U32(s.EndEpoch)) }),
		"size":        m.storageAccessor(storage, sui.TypeTagU64, func(s *walrus.Storage) []byte { return bcs.Marshal(walrus.U64(s.StorageSize)) }),
	}
}

func (m *module) storageAccessor(storage, ret sui.TypeTag, get func(*walrus.Storage) []byte) exec.Function {
	return exec.Function{
		Params:  []exec.Param{{Kind: exec.Ref, Type: storage}},
		Returns: []sui.TypeTag{ret},
		Call: func(c *exec.Call) error {
			var s walrus.Storage
			if err := objectArg(c, 0, &s); err != nil {
				return err
			}
			return c.Return(ret, get(&s))
		},
	}
}
