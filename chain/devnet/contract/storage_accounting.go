package contract

import (
	"math/bits"
	"slices"

	"github.com/tuskstore/tusk/chain/walrus"
)

// This file is storage_accounting.move (FutureAccounting, FutureAccountingRingBuffer) and
// the two sui::balance operations the storage functions use on Balance<WAL>, which is a
// u64 here.

// RingNew is storage_accounting::ring_new: length entries for the epochs 0..length-1,
// with no used capacity and no rewards, the current index at 0.
func RingNew(length uint32) walrus.FutureAccountingRingBuffer {
	r := walrus.FutureAccountingRingBuffer{Length: length}
	if length > 0 {
		r.RingBuffer = make([]walrus.FutureAccounting, length)
		for i := range r.RingBuffer {
			r.RingBuffer[i].Epoch = uint32(i)
		}
	}
	return r
}

// ringIndex is the vector index of the entry epochsInFuture epochs ahead, with
// ring_lookup's bound check (ETooFarInFuture).
func ringIndex(r *walrus.FutureAccountingRingBuffer, epochsInFuture uint32) (int, error) {
	// Check for out-of-bounds access.
	if epochsInFuture >= r.Length {
		return 0, ErrTooFarInFuture.with("%d epochs ahead, the ring buffer holds %d", epochsInFuture, r.Length)
	}
	// (epochs_in_future + current_index) % length, in u32.
	sum, carry := bits.Add32(epochsInFuture, r.CurrentIndex, 0)
	if carry != 0 {
		return 0, arithmetic("walrus::storage_accounting::ring_lookup", "index overflows u32")
	}
	idx := int(sum % r.Length)
	if idx >= len(r.RingBuffer) { // a vector index out of bounds in Move
		return 0, errVector("walrus::storage_accounting::ring_lookup", "index %d of a ring buffer of %d entries", idx, len(r.RingBuffer))
	}
	return idx, nil
}

// RingLookup is storage_accounting::ring_lookup: the entry epochsInFuture epochs after the
// current one (a copy). Errors: ErrTooFarInFuture if epochsInFuture >= the length.
func RingLookup(r *walrus.FutureAccountingRingBuffer, epochsInFuture uint32) (walrus.FutureAccounting, error) {
	idx, err := ringIndex(r, epochsInFuture)
	if err != nil {
		return walrus.FutureAccounting{}, err
	}
	return r.RingBuffer[idx], nil
}

// ringLookupMut is storage_accounting::ring_lookup_mut.
func ringLookupMut(r *walrus.FutureAccountingRingBuffer, epochsInFuture uint32) (*walrus.FutureAccounting, error) {
	idx, err := ringIndex(r, epochsInFuture)
	if err != nil {
		return nil, err
	}
	return &r.RingBuffer[idx], nil
}

// RingPopExpand is storage_accounting::ring_pop_expand: it removes and returns the current
// epoch's entry and puts a fresh one for epoch current + length in its place (push_back
// then swap_remove, which is the same vector), advancing the current index.
//
// r is changed only on success. Errors: ErrArithmetic if current + length overflows u32
// (or the length is 0).
func RingPopExpand(r *walrus.FutureAccountingRingBuffer) (walrus.FutureAccounting, error) {
	const where = "walrus::storage_accounting::ring_pop_expand"
	cur := int(r.CurrentIndex)
	if cur >= len(r.RingBuffer) {
		return walrus.FutureAccounting{}, errVector(where, "current index %d of a ring buffer of %d entries", cur, len(r.RingBuffer))
	}
	currentEpoch := r.RingBuffer[cur].Epoch
	next, carry := bits.Add32(currentEpoch, r.Length, 0)
	if carry != 0 {
		return walrus.FutureAccounting{}, arithmetic(where, "epoch %d + %d overflows u32", currentEpoch, r.Length)
	}
	if r.Length == 0 { // (current_index + 1) % 0
		return walrus.FutureAccounting{}, arithmetic(where, "division by zero (length 0)")
	}
	buf := append(slices.Clone(r.RingBuffer), walrus.FutureAccounting{Epoch: next})
	// swap_remove(current_index): the last element takes its place.
	accounting := buf[cur]
	last := len(buf) - 1
	buf[cur] = buf[last]
	buf = buf[:last]

	r.RingBuffer = buf
	r.CurrentIndex = (r.CurrentIndex + 1) % r.Length
	return accounting, nil
}

// MaxEpochsAhead is storage_accounting::max_epochs_ahead: the ring buffer's length.
func MaxEpochsAhead(r *walrus.FutureAccountingRingBuffer) uint32 { return r.Length }

// increaseUsedCapacity is storage_accounting::increase_used_capacity: it returns the new
// used capacity (ErrArithmetic on u64 overflow).
func increaseUsedCapacity(a *walrus.FutureAccounting, amount uint64) (uint64, error) {
	sum, carry := bits.Add64(a.UsedCapacity, amount, 0)
	if carry != 0 {
		return 0, arithmetic("walrus::storage_accounting::increase_used_capacity", "used capacity overflows u64")
	}
	a.UsedCapacity = sum
	return sum, nil
}

// balanceSplit is sui::balance::split on a u64 balance: ErrNotEnough if value exceeds it.
func balanceSplit(balance *uint64, value uint64) error {
	if *balance < value {
		return ErrNotEnough.with("splitting %d FROST from a balance of %d", value, *balance)
	}
	*balance -= value
	return nil
}

// balanceJoin is sui::balance::join on a u64 balance (ErrArithmetic on overflow).
func balanceJoin(balance *uint64, value uint64) error {
	sum, carry := bits.Add64(*balance, value, 0)
	if carry != 0 {
		return arithmetic("sui::balance::join", "balance overflows u64")
	}
	*balance = sum
	return nil
}

// ringFor returns the ring buffer of max_epochs_ahead entries for a system whose current
// epoch is epoch, as ring_new and one ring_pop_expand per epoch change since epoch 0 leave
// it (with no used capacity and no rewards): the current index is epoch mod length and
// the entry at index i is for the epoch in [epoch, epoch+length) congruent to i.
func ringFor(length, epoch uint32) walrus.FutureAccountingRingBuffer {
	r := RingNew(length)
	if length == 0 {
		return r
	}
	r.CurrentIndex = epoch % length
	for i := range r.RingBuffer {
		off := (uint32(i) + length - r.CurrentIndex) % length
		r.RingBuffer[i].Epoch = epoch + off
	}
	return r
}
