package contract

import (
	"math/big"
	"math/bits"

	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/encoding"
)

// This file is the storage half of system.move and system_state_inner.move: the public
// System functions (each checks the System's version first, as system.move's inner and
// inner_mut do) and the package-internal ones the epoch change uses.
//
// Every function checks what Move checks in Move's order and returns the same abort
// (*Abort, or an error wrapping ErrArithmetic for Move's arithmetic errors). It works on
// copies and changes the state, the coin and the blob, creates object IDs (ctx.NewID) and
// emits events (ctx.Emit) only once nothing can fail any more: a failed call changes
// nothing.

// ReserveSpace is system::reserve_space: storageAmount encoded bytes for the epochs
// [epoch, epoch+epochsAhead), paid from payment: units · storage_price per epoch, units =
// ceil(storageAmount / 1 MiB), each epoch's payment into that epoch's rewards.
//
// Aborts, in order: ErrSystemWrongVersion; ErrInvalidEpochsAhead unless 0 < epochsAhead
// ≤ max_epochs_ahead; ErrNotEnough (sui::balance) when payment runs short; ErrInvalidResourceSize
// for 0 bytes; ErrStorageExceeded if an epoch's used capacity would exceed the total.
func ReserveSpace(ctx *TxContext, s *SystemState, storageAmount uint64, epochsAhead uint32, payment *Coin) (walrus.Storage, error) {
	if err := s.CheckVersion(); err != nil {
		return walrus.Storage{}, err
	}
	// Check the period is within the allowed range.
	if epochsAhead == 0 {
		return walrus.Storage{}, ErrInvalidEpochsAhead.with("0 epochs ahead")
	}
	if epochsAhead > s.Inner.FutureAccounting.Length {
		return walrus.Storage{}, ErrInvalidEpochsAhead.with("%d epochs ahead, at most %d", epochsAhead, s.Inner.FutureAccounting.Length)
	}
	startEpoch := s.Epoch()
	endEpoch, carry := bits.Add32(startEpoch, epochsAhead, 0)
	if carry != 0 {
		return walrus.Storage{}, arithmetic("walrus::system_state_inner::reserve_space", "end epoch overflows u32")
	}
	return reserveSpaceForEpochs(ctx, s, storageAmount, startEpoch, endEpoch, payment)
}

// ReserveSpaceForEpochs is system::reserve_space_for_epochs: storageAmount encoded bytes
// for [startEpoch, endEpoch), starting at the current epoch if startEpoch has passed,
// paid as ReserveSpace pays.
//
// Aborts, in order: ErrSystemWrongVersion; ErrInvalidEpochsAhead for an empty period or
// one ending more than max_epochs_ahead epochs from now; ErrNotEnough; ErrInvalidResourceSize;
// ErrStorageExceeded.
func ReserveSpaceForEpochs(ctx *TxContext, s *SystemState, storageAmount uint64, startEpoch, endEpoch uint32, payment *Coin) (walrus.Storage, error) {
	if err := s.CheckVersion(); err != nil {
		return walrus.Storage{}, err
	}
	return reserveSpaceForEpochs(ctx, s, storageAmount, startEpoch, endEpoch, payment)
}

// reserveSpaceForEpochs is system_state_inner::reserve_space_for_epochs.
func reserveSpaceForEpochs(ctx *TxContext, s *SystemState, storageAmount uint64, startEpoch, endEpoch uint32, payment *Coin) (walrus.Storage, error) {
	w := s.workingRing()
	coin := payment.Value

	currentEpoch := w.Committee.Epoch
	// If the start epoch has already passed, reserve space starting at the current epoch.
	startEpoch = max(startEpoch, currentEpoch)
	startOffset := startEpoch - currentEpoch
	// Check that the interval is non-empty.
	if !(endEpoch > startEpoch) {
		return walrus.Storage{}, ErrInvalidEpochsAhead.with("empty period [%d, %d)", startEpoch, endEpoch)
	}
	endOffset := endEpoch - currentEpoch
	// Check the period is within the allowed range.
	if endOffset > w.FutureAccounting.Length {
		return walrus.Storage{}, ErrInvalidEpochsAhead.with("period ends %d epochs ahead, at most %d", endOffset, w.FutureAccounting.Length)
	}
	// Pay rewards for each future epoch into the future accounting.
	if err := processStoragePayments(&w, storageAmount, startOffset, endOffset, &coin); err != nil {
		return walrus.Storage{}, err
	}
	// Reserve the space.
	start, end, err := reserveSpaceWithoutPayment(&w, storageAmount, startOffset, endOffset, true)
	if err != nil {
		return walrus.Storage{}, err
	}
	storage, err := createStorage(ctx, start, end, storageAmount)
	if err != nil {
		return walrus.Storage{}, err
	}
	s.Inner = w
	payment.Value = coin
	return storage, nil
}

// reserveSpaceWithoutPayment is system_state_inner::reserve_space_without_payment without
// the storage_resource::create_storage at its end: it accounts the used capacity of the
// epochs [current+startOffset, current+endOffset) in w and returns those epochs.
func reserveSpaceWithoutPayment(w *walrus.SystemStateInnerV1, storageAmount uint64, startOffset, endOffset uint32, checkCapacity bool) (uint32, uint32, error) {
	const where = "walrus::system_state_inner::reserve_space_without_payment"
	// Check the period is within the allowed range.
	if endOffset < startOffset {
		return 0, 0, arithmetic(where, "end offset %d - start offset %d underflows", endOffset, startOffset)
	}
	if endOffset-startOffset == 0 {
		return 0, 0, ErrInvalidEpochsAhead.with("empty period")
	}
	if endOffset > w.FutureAccounting.Length {
		return 0, 0, ErrInvalidEpochsAhead.with("period ends %d epochs ahead, at most %d", endOffset, w.FutureAccounting.Length)
	}
	// Check that the storage has a non-zero size.
	if storageAmount == 0 {
		return 0, 0, ErrInvalidResourceSize.with("a reservation of 0 bytes")
	}
	// Account for the used capacity for all epochs.
	for i := startOffset; i < endOffset; i++ {
		a, err := ringLookupMut(&w.FutureAccounting, i)
		if err != nil {
			return 0, 0, err
		}
		used, err := increaseUsedCapacity(a, storageAmount)
		if err != nil {
			return 0, 0, err
		}
		// For the current epoch, update the used capacity size.
		if i == 0 {
			w.UsedCapacitySize = used
		}
		if checkCapacity && used > w.TotalCapacitySize {
			return 0, 0, ErrStorageExceeded.with("%d bytes used %d epochs ahead, the capacity is %d", used, i, w.TotalCapacitySize)
		}
	}
	currentEpoch := w.Committee.Epoch
	start, c1 := bits.Add32(currentEpoch, startOffset, 0)
	end, c2 := bits.Add32(currentEpoch, endOffset, 0)
	if c1 != 0 || c2 != 0 {
		return 0, 0, arithmetic(where, "epoch overflows u32")
	}
	return start, end, nil
}

// processStoragePayments is system_state_inner::process_storage_payments: for each epoch
// offset in [startOffset, endOffset), units(storageSize) · storage_price is split from the
// coin (ErrNotEnough) and joined to that epoch's rewards.
func processStoragePayments(w *walrus.SystemStateInnerV1, storageSize uint64, startOffset, endOffset uint32, coin *uint64) error {
	storageUnits := StorageUnitsFromSize(storageSize)
	periodPaymentDue, err := mulU64("walrus::system_state_inner::process_storage_payments", w.StoragePricePerUnitSize, storageUnits)
	if err != nil {
		return err
	}
	for i := startOffset; i < endOffset; i++ {
		// Distribute rewards. Note this will abort if the balance is not enough.
		if err := balanceSplit(coin, periodPaymentDue); err != nil {
			return err
		}
		a, err := ringLookupMut(&w.FutureAccounting, i)
		if err != nil {
			return err
		}
		if err := balanceJoin(&a.RewardsToDistribute, periodPaymentDue); err != nil {
			return err
		}
	}
	return nil
}

// RegisterBlob is system::register_blob: a new Blob (a fresh object) of blobID for an
// unencoded blob of size bytes, in storage (which it takes), registered in the current
// epoch; it emits BlobRegistered and charges the write price, units(encoded size) ·
// write_price, from writePayment into the current epoch's rewards.
//
// Aborts, in order: ErrSystemWrongVersion; ErrResourceBounds unless storage covers the
// current epoch; ErrInvalidEncodingType; ErrResourceSize if the encoded size exceeds the
// storage; ErrInvalidBlobID unless blobID = DeriveBlobID(rootHash, encodingType, size);
// ErrNotEnough.
func RegisterBlob(ctx *TxContext, s *SystemState, storage walrus.Storage, blobID encoding.BlobID, rootHash walrus.U256, size uint64, encodingType uint8, deletable bool, writePayment *Coin) (walrus.Blob, error) {
	if err := s.CheckVersion(); err != nil {
		return walrus.Blob{}, err
	}
	w := s.workingRing()
	coin := writePayment.Value
	epoch, nShards := w.Committee.Epoch, w.Committee.NShards

	blob, err := newBlob(storage, blobID, rootHash, size, encodingType, deletable, epoch, nShards)
	if err != nil {
		return walrus.Blob{}, err
	}
	encodedSize, err := BlobEncodedSize(&blob, nShards)
	if err != nil {
		return walrus.Blob{}, err
	}
	price, err := writePrice(&w, encodedSize)
	if err != nil {
		return walrus.Blob{}, err
	}
	if err := balanceSplit(&coin, price); err != nil {
		return walrus.Blob{}, err
	}
	a, err := ringLookupMut(&w.FutureAccounting, 0)
	if err != nil {
		return walrus.Blob{}, err
	}
	if err := balanceJoin(&a.RewardsToDistribute, price); err != nil {
		return walrus.Blob{}, err
	}

	blob.ID = ctx.newID()
	ctx.emit(&walrus.BlobRegistered{
		Epoch:        epoch,
		BlobID:       blobID,
		Size:         size,
		EncodingType: encodingType,
		EndEpoch:     storage.EndEpoch,
		Deletable:    deletable,
		ObjectID:     blob.ID,
	})
	s.Inner = w
	writePayment.Value = coin
	return blob, nil
}

// CertifyBlob is system::certify_blob: blob becomes certified in the current epoch given
// a quorum certificate of the current committee over a BLOB_CERT message for its blob ID
// and persistence (for a deletable blob, naming its object); it emits BlobCertified.
//
// Aborts, in order: ErrSystemWrongVersion; the certificate's (ErrInvalidBitmap,
// ErrNotEnoughStake, ErrSigVerification, then the header's: sui::bcs ErrBCSOutOfRange,
// ErrIncorrectIntentVersion, ErrIncorrectAppID, ErrIncorrectEpoch); ErrInvalidIDEpoch;
// the message's (ErrInvalidMsgType, ErrBCSOutOfRange, ErrMsgInvalidBlobPersistenceType);
// ErrInvalidBlobID (another blob), ErrAlreadyCertified, ErrResourceBounds (expired),
// ErrInvalidBlobPersistenceType, ErrInvalidBlobObject.
func CertifyBlob(ctx *TxContext, s *SystemState, blob *walrus.Blob, signature, signersBitmap, message []byte) error {
	if err := s.CheckVersion(); err != nil {
		return err
	}
	certified, err := VerifyQuorumInEpoch(&s.Inner.Committee, signature, signersBitmap, message)
	if err != nil {
		return err
	}
	if certified.CertEpoch != s.Epoch() {
		return ErrInvalidIDEpoch.with("certificate of epoch %d, the epoch is %d", certified.CertEpoch, s.Epoch())
	}
	blobMsg, err := certified.CertifyBlobMessage()
	if err != nil {
		return err
	}
	return certifyWithCertifiedMsg(ctx, blob, s.Epoch(), blobMsg)
}

// DeleteBlob is system::delete_blob: the deletable blob is deleted (with its attributes)
// and its Storage returned; it emits BlobDeleted.
//
// Aborts, in order: ErrSystemWrongVersion; ErrBlobNotDeletable; ErrResourceBounds if the
// storage has expired.
func DeleteBlob(ctx *TxContext, s *SystemState, blob walrus.Blob) (walrus.Storage, error) {
	if err := s.CheckVersion(); err != nil {
		return walrus.Storage{}, err
	}
	epoch := s.Epoch()
	if !blob.Deletable {
		return walrus.Storage{}, ErrBlobNotDeletable.with("blob object %s", blob.ID)
	}
	if !(blob.Storage.EndEpoch > epoch) {
		return walrus.Storage{}, ErrResourceBounds.with("blob storage ended at epoch %d, the epoch is %d", blob.Storage.EndEpoch, epoch)
	}
	ctx.emit(&walrus.BlobDeleted{
		Epoch:        epoch,
		BlobID:       blob.BlobID,
		EndEpoch:     blob.Storage.EndEpoch,
		ObjectID:     blob.ID,
		WasCertified: blob.CertifiedEpoch != nil,
	})
	return blob.Storage, nil
}

// ExtendBlobWithResource is system::extend_blob_with_resource: the certified, unexpired
// blob's storage absorbs extension, which must have the same size and start where it
// ends (FusePeriods); it emits BlobCertified with IsExtension. The object extension.ID is
// deleted.
//
// Aborts, in order: ErrSystemWrongVersion; ErrNotCertified; ErrResourceBounds (expired,
// or an extension that does not end later); ErrIncompatibleAmount; ErrIncompatibleEpochs.
func ExtendBlobWithResource(ctx *TxContext, s *SystemState, blob *walrus.Blob, extension walrus.Storage) error {
	if err := s.CheckVersion(); err != nil {
		return err
	}
	if err := assertCertifiedNotExpired(blob, s.Epoch()); err != nil {
		return err
	}
	// Check that the extension is valid, and the end period of the extension is after
	// the current period.
	if !(extension.EndEpoch > blob.Storage.EndEpoch) {
		return ErrResourceBounds.with("extension ends at epoch %d, the blob at %d", extension.EndEpoch, blob.Storage.EndEpoch)
	}
	storage := blob.Storage
	// Note: if the amounts do not match there will be an abort here.
	if err := FusePeriods(&storage, extension); err != nil {
		return err
	}
	blob.Storage = storage
	emitCertified(ctx, blob, true)
	return nil
}

// ExtendBlob is system::extend_blob: the certified, unexpired blob's storage is extended
// by extendedEpochs epochs, paid from payment as ReserveSpace pays for the storage's size
// over the new epochs, whose used capacity grows by that size; it emits BlobCertified
// with IsExtension.
//
// Aborts, in order: ErrSystemWrongVersion; ErrNotCertified; ErrResourceBounds (expired);
// ErrInvalidEpochsAhead for 0 epochs or an end more than max_epochs_ahead epochs from
// now; ErrNotEnough; ErrStorageExceeded.
func ExtendBlob(ctx *TxContext, s *SystemState, blob *walrus.Blob, extendedEpochs uint32, payment *Coin) error {
	const where = "walrus::system_state_inner::extend_blob"
	if err := s.CheckVersion(); err != nil {
		return err
	}
	w := s.workingRing()
	coin := payment.Value
	epoch := w.Committee.Epoch

	// Check that the blob is certified and not expired.
	if err := assertCertifiedNotExpired(blob, epoch); err != nil {
		return err
	}
	startOffset := blob.Storage.EndEpoch - epoch
	endOffset, carry := bits.Add32(startOffset, extendedEpochs, 0)
	if carry != 0 {
		return arithmetic(where, "end offset overflows u32")
	}
	// Check the period is within the allowed range.
	if extendedEpochs == 0 {
		return ErrInvalidEpochsAhead.with("extension by 0 epochs")
	}
	if endOffset > w.FutureAccounting.Length {
		return ErrInvalidEpochsAhead.with("extension ends %d epochs ahead, at most %d", endOffset, w.FutureAccounting.Length)
	}
	// Pay rewards for each future epoch into the future accounting.
	storageSize := blob.Storage.StorageSize
	if err := processStoragePayments(&w, storageSize, startOffset, endOffset, &coin); err != nil {
		return err
	}
	// Account the used space: increase the used capacity for each epoch in the future.
	for i := startOffset; i < endOffset; i++ {
		a, err := ringLookupMut(&w.FutureAccounting, i)
		if err != nil {
			return err
		}
		used, err := increaseUsedCapacity(a, storageSize)
		if err != nil {
			return err
		}
		if used > w.TotalCapacitySize {
			return ErrStorageExceeded.with("%d bytes used %d epochs ahead, the capacity is %d", used, i, w.TotalCapacitySize)
		}
	}
	storage := blob.Storage
	if err := extendEndEpoch(&storage, extendedEpochs); err != nil {
		return err
	}

	blob.Storage = storage
	s.Inner = w
	payment.Value = coin
	emitCertified(ctx, blob, true)
	return nil
}

// InvalidateBlobID is system::invalidate_blob_id: given a certificate of signers holding
// the weight of one correct node (3·weight ≥ n_shards + 1) over an INVALID_BLOB_ID
// message of the current epoch, it emits InvalidBlobID and returns the blob ID.
//
// Aborts, in order: ErrSystemWrongVersion; the certificate's (as CertifyBlob); the
// message's (ErrInvalidMsgType, ErrBCSOutOfRange); ErrInvalidIDEpoch.
func InvalidateBlobID(ctx *TxContext, s *SystemState, signature, membersBitmap, message []byte) (encoding.BlobID, error) {
	if err := s.CheckVersion(); err != nil {
		return encoding.BlobID{}, err
	}
	certified, err := VerifyOneCorrectNodeInEpoch(&s.Inner.Committee, signature, membersBitmap, message)
	if err != nil {
		return encoding.BlobID{}, err
	}
	epoch := certified.CertEpoch
	blobID, err := certified.InvalidBlobIDMessage()
	if err != nil {
		return encoding.BlobID{}, err
	}
	// Assert the epoch is correct.
	if epoch != s.Epoch() {
		return encoding.BlobID{}, ErrInvalidIDEpoch.with("certificate of epoch %d, the epoch is %d", epoch, s.Epoch())
	}
	// Emit the event about a blob id being invalid here.
	ctx.emit(&walrus.InvalidBlobID{Epoch: epoch, BlobID: blobID})
	return blobID, nil
}

// AddSubsidy is system::add_subsidy: the whole subsidy coin (consumed: the object
// subsidy.ID is deleted) goes to the rewards of the next epochsAhead epochs, value /
// epochsAhead each, the remainder to the current epoch.
//
// Aborts: ErrSystemWrongVersion; ErrInvalidEpochsAhead unless 0 < epochsAhead ≤
// max_epochs_ahead.
func AddSubsidy(s *SystemState, subsidy Coin, epochsAhead uint32) error {
	if err := s.CheckVersion(); err != nil {
		return err
	}
	w := s.workingRing()
	// Check the period is within the allowed range.
	if epochsAhead == 0 {
		return ErrInvalidEpochsAhead.with("0 epochs ahead")
	}
	if epochsAhead > w.FutureAccounting.Length {
		return ErrInvalidEpochsAhead.with("%d epochs ahead, at most %d", epochsAhead, w.FutureAccounting.Length)
	}
	balance := subsidy.Value
	rewardPerEpoch := balance / uint64(epochsAhead)
	for i := range epochsAhead {
		a, err := ringLookupMut(&w.FutureAccounting, i)
		if err != nil {
			return err
		}
		if err := balanceSplit(&balance, rewardPerEpoch); err != nil {
			return err
		}
		if err := balanceJoin(&a.RewardsToDistribute, rewardPerEpoch); err != nil {
			return err
		}
	}
	// Add leftover rewards to the first epoch's accounting.
	a, err := ringLookupMut(&w.FutureAccounting, 0)
	if err != nil {
		return err
	}
	if err := balanceJoin(&a.RewardsToDistribute, balance); err != nil {
		return err
	}
	s.Inner = w
	return nil
}

// AddPerEpochSubsidies is system::add_per_epoch_subsidies: subsidies[i] (balances, in
// FROST) goes to the rewards of epoch current + i.
//
// Aborts: ErrSystemWrongVersion; ErrInvalidEpochsAhead for more subsidies than
// max_epochs_ahead.
func AddPerEpochSubsidies(s *SystemState, subsidies []uint64) error {
	if err := s.CheckVersion(); err != nil {
		return err
	}
	w := s.workingRing()
	if uint64(len(subsidies)) > uint64(w.FutureAccounting.Length) {
		return ErrInvalidEpochsAhead.with("%d subsidies, at most %d epochs ahead", len(subsidies), w.FutureAccounting.Length)
	}
	for i, v := range subsidies {
		a, err := ringLookupMut(&w.FutureAccounting, uint32(i))
		if err != nil {
			return err
		}
		if err := balanceJoin(&a.RewardsToDistribute, v); err != nil {
			return err
		}
	}
	s.Inner = w
	return nil
}

// NodeReward is an entry of the VecMap<ID, Balance<WAL>> advance_epoch returns.
type NodeReward struct {
	NodeID walrus.ID
	Reward uint64 // FROST
}

// AdvanceEpoch is system::advance_epoch (system_state_inner::advance_epoch), called by
// the epoch change: the committee becomes newCommittee (which must be for epoch + 1), the
// ring buffer moves on one epoch, the event-blob tracking is reset, the used capacity
// becomes the new epoch's and the total capacity max(params' capacity, used capacity);
// the ending epoch's rewards go to the old committee's members in proportion to weight ·
// (used capacity − min(deny-list size, used capacity)), in the old committee's order, the
// rounding leftover to the new epoch. Prices are not touched (votes set them).
//
// Aborts, in order: ErrSystemWrongVersion; ErrIncorrectCommittee; ErrInvalidAccountingEpoch;
// ErrKeyAlreadyExists for an old committee listing a node twice; ErrArithmetic when a
// u128 product overflows.
func AdvanceEpoch(s *SystemState, newCommittee walrus.BlsCommittee, params walrus.EpochParams) ([]NodeReward, error) {
	const where = "walrus::system_state_inner::advance_epoch"
	if err := s.CheckVersion(); err != nil {
		return nil, err
	}
	w := s.workingRing()
	oldEpoch := w.Committee.Epoch
	if oldEpoch == ^uint32(0) {
		return nil, arithmetic(where, "epoch overflows u32")
	}
	newEpoch := oldEpoch + 1
	oldCommittee := w.Committee
	if newCommittee.Epoch != newEpoch {
		return nil, ErrIncorrectCommittee.with("committee of epoch %d, the next epoch is %d", newCommittee.Epoch, newEpoch)
	}
	w.Committee = newCommittee

	accountsOldEpoch, err := RingPopExpand(&w.FutureAccounting)
	if err != nil {
		return nil, err
	}
	// Make sure that we have the correct epoch.
	if accountsOldEpoch.Epoch != oldEpoch {
		return nil, ErrInvalidAccountingEpoch.with("accounting of epoch %d, the epoch is %d", accountsOldEpoch.Epoch, oldEpoch)
	}
	// Stop tracking all event blobs.
	w.EventBlobCertificationState.AggregateWeightPerBlob = nil

	oldEpochUsedCapacity := accountsOldEpoch.UsedCapacity
	// Update used capacity size to the new epoch without popping the ring buffer.
	cur, err := ringLookupMut(&w.FutureAccounting, 0)
	if err != nil {
		return nil, err
	}
	w.UsedCapacitySize = cur.UsedCapacity
	w.TotalCapacitySize = max(params.TotalCapacitySize, w.UsedCapacitySize)

	// Rewards distribution.
	totalRewards := accountsOldEpoch.RewardsToDistribute
	for i := range oldCommittee.Members { // to_vec_map: VecMap::insert aborts on a duplicate
		for j := range i {
			if oldCommittee.Members[j].NodeID == oldCommittee.Members[i].NodeID {
				return nil, ErrKeyAlreadyExists.with("node %s twice in the committee", oldCommittee.Members[i].NodeID)
			}
		}
	}
	u128Max := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 128), big.NewInt(1))
	storedVec := make([]*big.Int, len(oldCommittee.Members))
	totalStored := new(big.Int)
	for i, m := range oldCommittee.Members {
		denyListSize := uint64(0)
		for _, d := range s.DenyListSizes {
			if d.NodeID == m.NodeID {
				denyListSize = d.Size
				break
			}
		}
		// The deny list size cannot exceed the used capacity.
		denyListSize = min(denyListSize, oldEpochUsedCapacity)
		// The total encoded size of all blobs excluding the ones on the node's deny list.
		stored := oldEpochUsedCapacity - denyListSize
		storedWeighted := new(big.Int).Mul(big.NewInt(int64(m.Weight)), new(big.Int).SetUint64(stored))
		totalStored.Add(totalStored, storedWeighted)
		if totalStored.Cmp(u128Max) > 0 {
			return nil, arithmetic(where, "total stored overflows u128")
		}
		storedVec[i] = storedWeighted
	}
	if totalStored.Sign() == 0 {
		totalStored.SetInt64(1) // avoid division by zero
	}
	totalRewardsValue := new(big.Int).SetUint64(totalRewards)
	rewards := make([]NodeReward, len(oldCommittee.Members))
	for i, stored := range storedVec {
		prod := new(big.Int).Mul(stored, totalRewardsValue)
		if prod.Cmp(u128Max) > 0 {
			return nil, arithmetic(where, "stored * rewards overflows u128")
		}
		reward := prod.Div(prod, totalStored)
		if !reward.IsUint64() { // `as u64`
			return nil, arithmetic(where, "reward does not fit in u64")
		}
		if err := balanceSplit(&totalRewards, reward.Uint64()); err != nil {
			return nil, err
		}
		rewards[i] = NodeReward{NodeID: oldCommittee.Members[i].NodeID, Reward: reward.Uint64()}
	}
	// Add the leftover rewards to the next epoch.
	if err := balanceJoin(&cur.RewardsToDistribute, totalRewards); err != nil {
		return nil, err
	}
	s.Inner = w
	return rewards, nil
}

// ExtractBurnBalance is system::extract_burn_balance (storage_accounting
// extract_burn_balance): 3% (value · 3 / 100) of the current epoch's rewards is taken out
// to be burned and returned.
func ExtractBurnBalance(s *SystemState) (uint64, error) {
	const where = "walrus::storage_accounting::extract_burn_balance"
	if err := s.CheckVersion(); err != nil {
		return 0, err
	}
	w := s.workingRing()
	cur := int(w.FutureAccounting.CurrentIndex)
	if cur >= len(w.FutureAccounting.RingBuffer) {
		return 0, errVector(where, "current index %d of a ring buffer of %d entries", cur, len(w.FutureAccounting.RingBuffer))
	}
	reward := &w.FutureAccounting.RingBuffer[cur].RewardsToDistribute
	burn, err := mulU64(where, *reward, 3)
	if err != nil {
		return 0, err
	}
	burn /= 100
	if err := balanceSplit(reward, burn); err != nil {
		return 0, err
	}
	s.Inner = w
	return burn, nil
}
