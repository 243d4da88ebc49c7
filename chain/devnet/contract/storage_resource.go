package contract

import (
	"math/bits"

	"github.com/tuskstore/tusk/chain/walrus"
)

// This file is storage_resource.move: the Storage resource, a reservation of StorageSize
// encoded bytes for the epochs [StartEpoch, EndEpoch).
//
// Move's fuse functions take the second resource by value and delete its UID; here the
// caller deletes the object second.ID when they succeed. Destroy deletes storage.ID.

// createStorage is storage_resource::create_storage (the ID is taken from ctx).
func createStorage(ctx *TxContext, startEpoch, endEpoch uint32, storageSize uint64) (walrus.Storage, error) {
	if startEpoch >= endEpoch {
		return walrus.Storage{}, ErrInvalidEpochRange.with("start epoch %d, end epoch %d", startEpoch, endEpoch)
	}
	return walrus.Storage{ID: ctx.newID(), StartEpoch: startEpoch, EndEpoch: endEpoch, StorageSize: storageSize}, nil
}

// extendEndEpoch is storage_resource::extend_end_epoch.
func extendEndEpoch(s *walrus.Storage, extensionEpochs uint32) error {
	end, carry := bits.Add32(s.EndEpoch, extensionEpochs, 0)
	if carry != 0 {
		return arithmetic("walrus::storage_resource::extend_end_epoch", "end epoch overflows u32")
	}
	s.EndEpoch = end
	return nil
}

// SplitByEpoch is storage_resource::split_by_epoch: storage keeps [start, splitEpoch)
// and the returned new Storage (a fresh object) covers [splitEpoch, end), both of the
// same size.
//
// Errors (storage unchanged): ErrInvalidEpoch unless start < splitEpoch < end.
func SplitByEpoch(ctx *TxContext, storage *walrus.Storage, splitEpoch uint32) (walrus.Storage, error) {
	if !(splitEpoch > storage.StartEpoch && splitEpoch < storage.EndEpoch) {
		return walrus.Storage{}, ErrInvalidEpoch.with("split epoch %d outside (%d, %d)", splitEpoch, storage.StartEpoch, storage.EndEpoch)
	}
	endEpoch := storage.EndEpoch
	out := walrus.Storage{ID: ctx.newID(), StartEpoch: splitEpoch, EndEpoch: endEpoch, StorageSize: storage.StorageSize}
	storage.EndEpoch = splitEpoch
	return out, nil
}

// SplitBySize is storage_resource::split_by_size: storage keeps splitSize bytes and the
// returned new Storage (a fresh object) the rest, both for the same period.
//
// Errors (storage unchanged): ErrIncompatibleAmount if splitSize exceeds the size.
func SplitBySize(ctx *TxContext, storage *walrus.Storage, splitSize uint64) (walrus.Storage, error) {
	if storage.StorageSize < splitSize {
		return walrus.Storage{}, ErrIncompatibleAmount.with("splitting %d bytes from %d", splitSize, storage.StorageSize)
	}
	out := walrus.Storage{
		ID:          ctx.newID(),
		StartEpoch:  storage.StartEpoch,
		EndEpoch:    storage.EndEpoch,
		StorageSize: storage.StorageSize - splitSize,
	}
	storage.StorageSize = splitSize
	return out, nil
}

// FusePeriods is storage_resource::fuse_periods: first absorbs second, which covers the
// adjacent period (after or before first's) with the same size.
//
// Errors (first unchanged): ErrIncompatibleAmount if the sizes differ (checked first),
// ErrIncompatibleEpochs if the periods are not adjacent.
func FusePeriods(first *walrus.Storage, second walrus.Storage) error {
	if first.StorageSize != second.StorageSize {
		return ErrIncompatibleAmount.with("sizes %d and %d", first.StorageSize, second.StorageSize)
	}
	if first.EndEpoch == second.StartEpoch {
		first.EndEpoch = second.EndEpoch
		return nil
	}
	if first.StartEpoch != second.EndEpoch {
		return ErrIncompatibleEpochs.with("periods [%d, %d) and [%d, %d) are not adjacent",
			first.StartEpoch, first.EndEpoch, second.StartEpoch, second.EndEpoch)
	}
	first.StartEpoch = second.StartEpoch
	return nil
}

// FuseAmount is storage_resource::fuse_amount: first absorbs the size of second, which
// covers the same period.
//
// Errors (first unchanged): ErrIncompatibleEpochs if the periods differ, ErrArithmetic if
// the sizes add up past u64.
func FuseAmount(first *walrus.Storage, second walrus.Storage) error {
	if !(first.StartEpoch == second.StartEpoch && first.EndEpoch == second.EndEpoch) {
		return ErrIncompatibleEpochs.with("periods [%d, %d) and [%d, %d) differ",
			first.StartEpoch, first.EndEpoch, second.StartEpoch, second.EndEpoch)
	}
	sum, carry := bits.Add64(first.StorageSize, second.StorageSize, 0)
	if carry != 0 {
		return arithmetic("walrus::storage_resource::fuse_amount", "storage size overflows u64")
	}
	first.StorageSize = sum
	return nil
}

// Fuse is storage_resource::fuse: FuseAmount if both start in the same epoch, FusePeriods
// otherwise.
func Fuse(first *walrus.Storage, second walrus.Storage) error {
	if first.StartEpoch == second.StartEpoch {
		// Fuse by storage_size
		return FuseAmount(first, second)
	}
	// Fuse by period
	return FusePeriods(first, second)
}

// Destroy is storage_resource::destroy: the Storage object storage.ID is deleted. It
// cannot fail and changes nothing here; it exists for the executor's dispatch.
func Destroy(storage walrus.Storage) {}
