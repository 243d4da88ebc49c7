package walrusmove

import (
	"github.com/tuskstore/tusk/chain/devnet/contract"
	"github.com/tuskstore/tusk/chain/devnet/exec"
	"github.com/tuskstore/tusk/chain/sui"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/internal/bcs"
)

// The public functions of shared_blob.move. new and new_funded wrap the Blob (with its
// Storage and, untouched, its attributes field, which stays a child of the Blob's UID)
// into a new SharedBlob that they share; a Coin<WAL> passed by value becomes the funds
// and is deleted; extend borrows the System mutably as extend_blob does.
//
// The accessors blob(&SharedBlob): &Blob and funds(&SharedBlob): &Balance<WAL> return
// references, which a programmable transaction cannot call (Sui refuses a MoveCall whose
// return type is a reference), so they are not registered; contract.SharedBlobBlob and
// contract.SharedBlobFunds are their ports.

// SharedBlobType is walrus::shared_blob::SharedBlob.
func (ids IDs) SharedBlobType() sui.StructTag { return ids.Struct("shared_blob", "SharedBlob") }

func (m *module) sharedBlobFunctions() map[string]exec.Function {
	blob := sui.TypeTag{Kind: sui.TypeStruct, Struct: ptr(m.ids.BlobType())}
	shared := sui.TypeTag{Kind: sui.TypeStruct, Struct: ptr(m.ids.SharedBlobType())}
	sys := sui.TypeTag{Kind: sui.TypeStruct, Struct: ptr(m.ids.SystemType())}
	wal := m.ids.WALCoinType()
	return map[string]exec.Function{
		// new(blob: Blob)
		"new": {
			Params: []exec.Param{{Kind: exec.Value, Type: blob}},
			Call:   m.newSharedBlob,
		},
		// new_funded(blob: Blob, funds: Coin<WAL>)
		"new_funded": {
			Params: []exec.Param{{Kind: exec.Value, Type: blob}, {Kind: exec.Value, Type: wal}},
			Call:   m.newFundedSharedBlob,
		},
		// fund(self: &mut SharedBlob, added_funds: Coin<WAL>)
		"fund": {
			Params: []exec.Param{{Kind: exec.MutRef, Type: shared}, {Kind: exec.Value, Type: wal}},
			Call:   m.fundSharedBlob,
		},
		// extend(self: &mut SharedBlob, system: &mut System, extended_epochs: u32)
		"extend": {
			Params: []exec.Param{{Kind: exec.MutRef, Type: shared}, {Kind: exec.MutRef, Type: sys}, {Kind: exec.Pure, Type: sui.TypeTagU32}},
			Call:   m.extendSharedBlob,
		},
	}
}

func (m *module) newSharedBlob(c *exec.Call) error {
	a := argsOf(c)
	var blob walrus.Blob
	a.object(0, &blob)
	if a.err != nil {
		return a.err
	}
	tx := m.txContext(c)
	return m.shareNew(c, blob, contract.NewSharedBlob(&tx.TxContext, blob))
}

func (m *module) newFundedSharedBlob(c *exec.Call) error {
	a := argsOf(c)
	var blob walrus.Blob
	a.object(0, &blob)
	coin := a.coin(1)
	if a.err != nil {
		return a.err
	}
	tx := m.txContext(c)
	sb := contract.NewFundedSharedBlob(&tx.TxContext, blob, *coin)
	if err := c.Delete(coin.ID); err != nil { // funds.into_balance()
		return err
	}
	return m.shareNew(c, blob, sb)
}

// shareNew moves blob into the new SharedBlob sb and shares it (transfer::share_object).
func (m *module) shareNew(c *exec.Call, blob walrus.Blob, sb walrus.SharedBlob) error {
	if err := c.Wrap(blob.ID); err != nil {
		return err
	}
	return c.Put(m.ids.SharedBlobType(), bcs.Marshal(&sb), exec.Shared())
}

func (m *module) fundSharedBlob(c *exec.Call) error {
	a := argsOf(c)
	var sb walrus.SharedBlob
	a.object(0, &sb)
	coin := a.coin(1)
	if a.err != nil {
		return a.err
	}
	if err := contract.FundSharedBlob(&sb, *coin); err != nil {
		return moveError(c, &m.ids, err)
	}
	if err := c.Encode(0, &sb); err != nil {
		return err
	}
	return c.Delete(coin.ID) // added_funds.into_balance()
}

func (m *module) extendSharedBlob(c *exec.Call) error {
	a := argsOf(c)
	var sb walrus.SharedBlob
	a.object(0, &sb)
	epochs := a.u32(2)
	if a.err != nil {
		return a.err
	}
	s, err := m.loadSystem(c, 1, true)
	if err != nil {
		return err
	}
	tx := m.txContext(c)
	coin, err := contract.ExtendSharedBlob(&tx.TxContext, s, &sb, epochs)
	if err != nil {
		// The aborts are system::extend_blob's, at the same places.
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
	if err := c.Encode(0, &sb); err != nil {
		return err
	}
	// The Coin that carried the funds through extend_blob lived only in this call.
	return c.Delete(coin)
}
