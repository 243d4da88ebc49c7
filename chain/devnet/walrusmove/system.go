package walrusmove

import (
	"github.com/tuskstore/tusk/chain/devnet/contract"
	"github.com/tuskstore/tusk/chain/devnet/exec"
	"github.com/tuskstore/tusk/chain/sui"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/internal/bcs"
)

// The public functions of system.move (storage half). Parameters are Move's, without
// the trailing &mut TxContext.

func (m *module) systemFunctions() map[string]exec.Function {
	sys := sui.TypeTag{Kind: sui.TypeStruct, Struct: ptr(m.ids.SystemType())}
	storage := sui.TypeTag{Kind: sui.TypeStruct, Struct: ptr(m.ids.StorageType())}
	blob := sui.TypeTag{Kind: sui.TypeStruct, Struct: ptr(m.ids.BlobType())}
	wal := m.ids.WALCoinType()
	return map[string]exec.Function{
		// reserve_space(self: &mut System, storage_amount: u64, epochs_ahead: u32,
		//     payment: &mut Coin<WAL>): Storage
		"reserve_space": {
			Params:  []exec.Param{{Kind: exec.MutRef, Type: sys}, {Kind: exec.Pure, Type: sui.TypeTagU64}, {Kind: exec.Pure, Type: sui.TypeTagU32}, {Kind: exec.MutRef, Type: wal}},
			Returns: []sui.TypeTag{storage},
			Call:    m.reserveSpace,
		},
		// reserve_space_for_epochs(self: &mut System, storage_amount: u64, start_epoch: u32,
		//     end_epoch: u32, payment: &mut Coin<WAL>): Storage
		"reserve_space_for_epochs": {
			Params:  []exec.Param{{Kind: exec.MutRef, Type: sys}, {Kind: exec.Pure, Type: sui.TypeTagU64}, {Kind: exec.Pure, Type: sui.TypeTagU32}, {Kind: exec.Pure, Type: sui.TypeTagU32}, {Kind: exec.MutRef, Type: wal}},
			Returns: []sui.TypeTag{storage},
			Call:    m.reserveSpaceForEpochs,
		},
		// register_blob(self: &mut System, storage: Storage, blob_id: u256, root_hash: u256,
		//     size: u64, encoding_type: u8, deletable: bool, write_payment: &mut Coin<WAL>): Blob
		"register_blob": {
			Params: []exec.Param{
				{Kind: exec.MutRef, Type: sys}, {Kind: exec.Value, Type: storage},
				{Kind: exec.Pure, Type: sui.TypeTagU256}, {Kind: exec.Pure, Type: sui.TypeTagU256},
				{Kind: exec.Pure, Type: sui.TypeTagU64}, {Kind: exec.Pure, Type: sui.TypeTagU8},
				{Kind: exec.Pure, Type: sui.TypeTagBool}, {Kind: exec.MutRef, Type: wal},
			},
			Returns: []sui.TypeTag{blob},
			Call:    m.registerBlob,
		},
		// certify_blob(self: &System, blob: &mut Blob, signature: vector<u8>,
		//     signers_bitmap: vector<u8>, message: vector<u8>)
		"certify_blob": {
			Params: []exec.Param{{Kind: exec.Ref, Type: sys}, {Kind: exec.MutRef, Type: blob},
				{Kind: exec.Pure, Type: bytesType}, {Kind: exec.Pure, Type: bytesType}, {Kind: exec.Pure, Type: bytesType}},
			Call: m.certifyBlob,
		},
		// delete_blob(self: &System, blob: Blob): Storage
		"delete_blob": {
			Params:  []exec.Param{{Kind: exec.Ref, Type: sys}, {Kind: exec.Value, Type: blob}},
			Returns: []sui.TypeTag{storage},
			Call:    m.deleteBlob,
		},
		// extend_blob_with_resource(self: &System, blob: &mut Blob, extension: Storage)
		"extend_blob_with_resource": {
			Params: []exec.Param{{Kind: exec.Ref, Type: sys}, {Kind: exec.MutRef, Type: blob}, {Kind: exec.Value, Type: storage}},
			Call:   m.extendBlobWithResource,
		},
		// extend_blob(self: &mut System, blob: &mut Blob, extended_epochs: u32,
		//     payment: &mut Coin<WAL>)
		"extend_blob": {
			Params: []exec.Param{{Kind: exec.MutRef, Type: sys}, {Kind: exec.MutRef, Type: blob}, {Kind: exec.Pure, Type: sui.TypeTagU32}, {Kind: exec.MutRef, Type: wal}},
			Call:   m.extendBlob,
		},
		// invalidate_blob_id(system: &System, signature: vector<u8>, members_bitmap:
		//     vector<u8>, message: vector<u8>): u256
		"invalidate_blob_id": {
			Params:  []exec.Param{{Kind: exec.Ref, Type: sys}, {Kind: exec.Pure, Type: bytesType}, {Kind: exec.Pure, Type: bytesType}, {Kind: exec.Pure, Type: bytesType}},
			Returns: []sui.TypeTag{sui.TypeTagU256},
			Call:    m.invalidateBlobID,
		},
		// add_subsidy(system: &mut System, subsidy: Coin<WAL>, epochs_ahead: u32)
		"add_subsidy": {
			Params: []exec.Param{{Kind: exec.MutRef, Type: sys}, {Kind: exec.Value, Type: wal}, {Kind: exec.Pure, Type: sui.TypeTagU32}},
			Call:   m.addSubsidy,
		},
		// Accessors: epoch(self: &System): u32, total_capacity_size, used_capacity_size,
		// n_shards, storage_price_per_unit_size, write_price_per_unit_size.
		"epoch":                       m.accessor(sys, sui.TypeTagU32, func(s *contract.SystemState) []byte { return bcs.Marshal(walrus.U32(s.Epoch())) }),
		"total_capacity_size":         m.accessor(sys, sui.TypeTagU64, func(s *contract.SystemState) []byte { return bcs.Marshal(walrus.U64(s.TotalCapacitySize())) }),
		"used_capacity_size":          m.accessor(sys, sui.TypeTagU64, func(s *contract.SystemState) []byte { return bcs.Marshal(walrus.U64(s.UsedCapacitySize())) }),
		"n_shards":                    m.accessor(sys, sui.TypeTagU16, func(s *contract.SystemState) []byte { return []byte{byte(s.NShards()), byte(s.NShards() >> 8)} }),
		"storage_price_per_unit_size": m.accessor(sys, sui.TypeTagU64, func(s *contract.SystemState) []byte { return bcs.Marshal(walrus.U64(s.StoragePricePerUnitSize())) }),
		"write_price_per_unit_size":   m.accessor(sys, sui.TypeTagU64, func(s *contract.SystemState) []byte { return bcs.Marshal(walrus.U64(s.WritePricePerUnitSize())) }),
	}
}

func ptr[T any](v T) *T { return &v }

func (m *module) accessor(sys, ret sui.TypeTag, get func(*contract.SystemState) []byte) exec.Function {
	return exec.Function{
		Params:  []exec.Param{{Kind: exec.Ref, Type: sys}},
		Returns: []sui.TypeTag{ret},
		Call: func(c *exec.Call) error {
			s, err := m.loadSystem(c, 0, false)
			if err != nil {
				return err
			}
			return c.Return(ret, get(s))
		},
	}
}

func (m *module) reserveSpace(c *exec.Call) error {
	s, err := m.loadSystem(c, 0, true)
	if err != nil {
		return err
	}
	a := argsOf(c)
	amount := a.u64(1)
	epochsAhead := a.u32(2)
	coin := a.coin(3)
	if a.err != nil {
		return a.err
	}
	// EInvalidEpochsAhead is asserted in system_state_inner::reserve_space for the
	// epochs_ahead argument, in reserve_space_for_epochs after it.
	epochsFn := "reserve_space_for_epochs"
	if epochsAhead == 0 || epochsAhead > s.MaxEpochsAhead() {
		epochsFn = "reserve_space"
	}
	tx := m.txContext(c)
	storage, err := contract.ReserveSpace(&tx.TxContext, s, amount, epochsAhead, coin)
	if err != nil {
		return moveError(c, &m.ids, err, at{contract.ErrInvalidEpochsAhead, epochsFn}, at{contract.ErrStorageExceeded, "reserve_space_without_payment"})
	}
	return m.finishReserve(c, tx, s, coin, 3, storage)
}

func (m *module) reserveSpaceForEpochs(c *exec.Call) error {
	s, err := m.loadSystem(c, 0, true)
	if err != nil {
		return err
	}
	a := argsOf(c)
	amount := a.u64(1)
	start := a.u32(2)
	end := a.u32(3)
	coin := a.coin(4)
	if a.err != nil {
		return a.err
	}
	tx := m.txContext(c)
	storage, err := contract.ReserveSpaceForEpochs(&tx.TxContext, s, amount, start, end, coin)
	if err != nil {
		return moveError(c, &m.ids, err, at{contract.ErrInvalidEpochsAhead, "reserve_space_for_epochs"}, at{contract.ErrStorageExceeded, "reserve_space_without_payment"})
	}
	return m.finishReserve(c, tx, s, coin, 4, storage)
}

func (m *module) finishReserve(c *exec.Call, tx *txContext, s *contract.SystemState, coin *contract.Coin, coinArg int, storage walrus.Storage) error {
	if tx.err != nil {
		return tx.err
	}
	if err := m.storeSystem(c, s); err != nil {
		return err
	}
	if err := setCoin(c, coinArg, coin); err != nil {
		return err
	}
	return c.Put(m.ids.StorageType(), bcs.Marshal(&storage), exec.Returned())
}

func (m *module) registerBlob(c *exec.Call) error {
	s, err := m.loadSystem(c, 0, true)
	if err != nil {
		return err
	}
	a := argsOf(c)
	var storage walrus.Storage
	a.object(1, &storage)
	blobID := a.blobID(2)
	rootHash := a.u256(3)
	size := a.u64(4)
	encodingType := a.u8(5)
	deletable := a.boolean(6)
	coin := a.coin(7)
	if a.err != nil {
		return a.err
	}
	tx := m.txContext(c)
	blob, err := contract.RegisterBlob(&tx.TxContext, s, storage, blobID, walrus.U256(rootHash), size, encodingType, deletable, coin)
	if err != nil {
		return moveError(c, &m.ids, err, at{contract.ErrResourceBounds, "new"}, at{contract.ErrInvalidBlobID, "new"})
	}
	if tx.err != nil {
		return tx.err
	}
	// The Storage moves into the Blob.
	if err := c.Wrap(storage.ID); err != nil {
		return err
	}
	if err := m.storeSystem(c, s); err != nil {
		return err
	}
	if err := setCoin(c, 7, coin); err != nil {
		return err
	}
	return c.Put(m.ids.BlobType(), bcs.Marshal(&blob), exec.Returned())
}

// certificateOverrides are the functions of the aborts a certificate check shares with
// other checks.
func certificateOverrides(entry, messageFn string) []at {
	return []at{
		{contract.ErrInvalidIDEpoch, entry},
		{contract.ErrInvalidMsgType, messageFn},
	}
}

func (m *module) certifyBlob(c *exec.Call) error {
	s, err := m.loadSystem(c, 0, false)
	if err != nil {
		return err
	}
	a := argsOf(c)
	var blob walrus.Blob
	a.object(1, &blob)
	if a.err != nil {
		return a.err
	}
	var args [3][]byte
	for i := range args {
		if args[i], err = bytesArg(c, 2+i); err != nil {
			return err
		}
	}
	tx := m.txContext(c)
	if err := contract.CertifyBlob(&tx.TxContext, s, &blob, args[0], args[1], args[2]); err != nil {
		o := append(certificateOverrides("certify_blob", "certify_blob_message"),
			at{contract.ErrResourceBounds, "certify_with_certified_msg"}, at{contract.ErrInvalidBlobID, "certify_with_certified_msg"})
		return moveError(c, &m.ids, err, o...)
	}
	if tx.err != nil {
		return tx.err
	}
	return c.Encode(1, &blob)
}

func (m *module) deleteBlob(c *exec.Call) error {
	s, err := m.loadSystem(c, 0, false)
	if err != nil {
		return err
	}
	a := argsOf(c)
	var blob walrus.Blob
	a.object(1, &blob)
	if a.err != nil {
		return a.err
	}
	tx := m.txContext(c)
	storage, err := contract.DeleteBlob(&tx.TxContext, s, blob)
	if err != nil {
		return moveError(c, &m.ids, err, at{contract.ErrResourceBounds, "delete"})
	}
	if tx.err != nil {
		return tx.err
	}
	// blob::delete: the attributes go (remove_opt), the UID is deleted, the Storage comes
	// out of the Blob.
	if err := m.dropAttrs(c, blob.ID); err != nil {
		return err
	}
	if err := c.Delete(blob.ID); err != nil {
		return err
	}
	return c.Put(m.ids.StorageType(), bcs.Marshal(&storage), exec.Returned())
}

func (m *module) extendBlobWithResource(c *exec.Call) error {
	s, err := m.loadSystem(c, 0, false)
	if err != nil {
		return err
	}
	a := argsOf(c)
	var blob walrus.Blob
	a.object(1, &blob)
	var ext walrus.Storage
	a.object(2, &ext)
	if a.err != nil {
		return a.err
	}
	// EResourceBounds: assert_certified_not_expired for an expired blob,
	// extend_with_resource for an extension that does not end later.
	boundsFn := "assert_certified_not_expired"
	if blob.CertifiedEpoch != nil && s.Epoch() < blob.Storage.EndEpoch {
		boundsFn = "extend_with_resource"
	}
	tx := m.txContext(c)
	if err := contract.ExtendBlobWithResource(&tx.TxContext, s, &blob, ext); err != nil {
		return moveError(c, &m.ids, err, at{contract.ErrResourceBounds, boundsFn})
	}
	if tx.err != nil {
		return tx.err
	}
	if err := c.Encode(1, &blob); err != nil {
		return err
	}
	return c.Delete(ext.ID) // fuse_periods deletes the second Storage's UID
}

func (m *module) extendBlob(c *exec.Call) error {
	s, err := m.loadSystem(c, 0, true)
	if err != nil {
		return err
	}
	a := argsOf(c)
	var blob walrus.Blob
	a.object(1, &blob)
	epochs := a.u32(2)
	coin := a.coin(3)
	if a.err != nil {
		return a.err
	}
	tx := m.txContext(c)
	if err := contract.ExtendBlob(&tx.TxContext, s, &blob, epochs, coin); err != nil {
		return moveError(c, &m.ids, err,
			at{contract.ErrInvalidEpochsAhead, "extend_blob"}, at{contract.ErrStorageExceeded, "extend_blob"},
			at{contract.ErrResourceBounds, "assert_certified_not_expired"})
	}
	if tx.err != nil {
		return tx.err
	}
	if err := m.storeSystem(c, s); err != nil {
		return err
	}
	if err := c.Encode(1, &blob); err != nil {
		return err
	}
	return setCoin(c, 3, coin)
}

func (m *module) invalidateBlobID(c *exec.Call) error {
	s, err := m.loadSystem(c, 0, false)
	if err != nil {
		return err
	}
	var args [3][]byte
	for i := range args {
		if args[i], err = bytesArg(c, 1+i); err != nil {
			return err
		}
	}
	tx := m.txContext(c)
	blobID, err := contract.InvalidateBlobID(&tx.TxContext, s, args[0], args[1], args[2])
	if err != nil {
		return moveError(c, &m.ids, err, certificateOverrides("invalidate_blob_id", "invalid_blob_id_message")...)
	}
	if tx.err != nil {
		return tx.err
	}
	return c.Return(sui.TypeTagU256, blobID[:])
}

func (m *module) addSubsidy(c *exec.Call) error {
	s, err := m.loadSystem(c, 0, true)
	if err != nil {
		return err
	}
	a := argsOf(c)
	coin := a.coin(1)
	epochs := a.u32(2)
	if a.err != nil {
		return a.err
	}
	if err := contract.AddSubsidy(s, *coin, epochs); err != nil {
		return moveError(c, &m.ids, err, at{contract.ErrInvalidEpochsAhead, "add_subsidy"})
	}
	if err := m.storeSystem(c, s); err != nil {
		return err
	}
	return c.Delete(coin.ID) // coin::into_balance
}
