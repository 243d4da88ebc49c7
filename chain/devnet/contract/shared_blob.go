package contract

import "github.com/tuskstore/tusk/chain/walrus"

// This file is shared_blob.move: a Blob wrapped in a shared object together with a
// Balance<WAL> that anyone can add to and that pays for extending the blob.
//
// The module declares no error constant and checks nothing itself: new and new_funded
// wrap any Blob (certified or not, expired or not, deletable or not), fund any amount;
// extend aborts only as system::extend_blob does (ErrNotCertified, ErrResourceBounds,
// ErrInvalidEpochsAhead, ErrNotEnough when the funds run short, ErrStorageExceeded). It
// emits no event of its own; extend emits extend_blob's BlobCertified.
//
// The caller disposes of the objects as Move does: the new SharedBlob is shared
// (transfer::share_object), the Blob moves into it (wrapped), a Coin<WAL> given by
// value is deleted (coin::into_balance).

// NewSharedBlob is shared_blob::new: blob is wrapped into a new SharedBlob with no
// funds. It cannot fail.
func NewSharedBlob(ctx *TxContext, blob walrus.Blob) walrus.SharedBlob {
	return walrus.SharedBlob{ID: ctx.newID(), Blob: blob}
}

// NewFundedSharedBlob is shared_blob::new_funded: blob is wrapped into a new SharedBlob
// whose funds are all of the coin funds (the Coin object funds.ID is deleted). It cannot
// fail.
func NewFundedSharedBlob(ctx *TxContext, blob walrus.Blob, funds Coin) walrus.SharedBlob {
	return walrus.SharedBlob{ID: ctx.newID(), Blob: blob, Funds: funds.Value}
}

// FundSharedBlob is shared_blob::fund: the coin added joins the funds (the Coin object
// added.ID is deleted). Errors: an ErrArithmetic error (sui::balance::join) if the funds
// would overflow u64; sb is then unchanged.
func FundSharedBlob(sb *walrus.SharedBlob, added Coin) error {
	return balanceJoin(&sb.Funds, added.Value)
}

// ExtendSharedBlob is shared_blob::extend: the wrapped blob is extended by
// extendedEpochs epochs (system::extend_blob), paid from the funds, which keep what is
// left.
//
// Move withdraws all the funds into a new Coin (balance::into_coin: object::new) that it
// hands to extend_blob and turns back into a balance (coin::into_balance deletes it), so
// the call uses one object ID for a coin that exists only inside the call: transientCoin
// is that ID (drawn from ctx once nothing can fail any more), which the caller deletes.
//
// Aborts, in order, are ExtendBlob's: ErrSystemWrongVersion; ErrNotCertified;
// ErrResourceBounds (expired); ErrInvalidEpochsAhead for 0 epochs or an end more than
// max_epochs_ahead epochs from now; ErrNotEnough (sui::balance) when the funds do not
// cover the extension; ErrStorageExceeded. A failed call changes nothing.
func ExtendSharedBlob(ctx *TxContext, s *SystemState, sb *walrus.SharedBlob, extendedEpochs uint32) (transientCoin walrus.ID, err error) {
	coin := Coin{Value: sb.Funds} // self.funds.withdraw_all().into_coin(ctx)
	blob := sb.Blob
	if err := ExtendBlob(ctx, s, &blob, extendedEpochs, &coin); err != nil {
		return walrus.ID{}, err
	}
	transientCoin = ctx.newID()
	sb.Blob = blob
	sb.Funds = coin.Value // self.funds.join(coin.into_balance()): the funds were emptied
	return transientCoin, nil
}

// SharedBlobBlob is shared_blob::blob: the wrapped Blob (read-only: do not modify the
// result).
func SharedBlobBlob(sb *walrus.SharedBlob) *walrus.Blob { return &sb.Blob }

// SharedBlobFunds is shared_blob::funds: the value of the funds, in FROST.
func SharedBlobFunds(sb *walrus.SharedBlob) uint64 { return sb.Funds }
