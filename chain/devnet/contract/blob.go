package contract

import (
	"slices"

	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/internal/bcs"
)

// This file is blob.move (without the functions that go through the System, which are in
// system.go) and metadata.move.
//
// A Blob's attributes are the dynamic field b"metadata" of the Blob, holding a Metadata.
// Here the caller keeps that field next to the blob as a *walrus.Metadata, nil when the
// blob has none, and passes its address to the attribute functions (a blob without
// attributes: var attrs *walrus.Metadata; AddMetadata(&attrs, ...)). The field's object
// ID is MetadataFieldID(blob.ID). Burn and DeleteBlob remove the field in Move
// (dynamic_field::remove_opt): the caller drops it with the blob.

// MetadataFieldID is the object ID of the dynamic field holding the attributes of the
// Blob blobObjectID: Field<vector<u8>, Metadata> named b"metadata".
func MetadataFieldID(blobObjectID walrus.ID) walrus.ID {
	return walrus.DynamicFieldID(blobObjectID, walrus.TypeTagVectorU8, bcs.Marshal(walrus.MetadataFieldName))
}

// BlobEncodedSize is blob::encoded_size: the encoded length of the blob for nShards.
func BlobEncodedSize(blob *walrus.Blob, nShards uint16) (uint64, error) {
	return EncodedBlobLength(blob.Size, blob.EncodingType, nShards)
}

// assertCertifiedNotExpired is blob::assert_certified_not_expired.
func assertCertifiedNotExpired(blob *walrus.Blob, currentEpoch uint32) error {
	// Assert this is a certified blob
	if blob.CertifiedEpoch == nil {
		return ErrNotCertified.with("blob object %s", blob.ID)
	}
	// Check the blob is within its availability period
	if !(currentEpoch < blob.Storage.EndEpoch) {
		return ErrResourceBounds.with("blob storage ended at epoch %d, the epoch is %d", blob.Storage.EndEpoch, currentEpoch)
	}
	return nil
}

// newBlob is blob::new without the object creation, which the caller does once nothing
// can abort any more: the checks, in Move's order, of a blob registered in
// registeredEpoch with storage.
func newBlob(storage walrus.Storage, blobID encoding.BlobID, rootHash walrus.U256, size uint64, encodingType uint8, deletable bool, registeredEpoch uint32, nShards uint16) (walrus.Blob, error) {
	// Check resource bounds.
	if registeredEpoch < storage.StartEpoch {
		return walrus.Blob{}, ErrResourceBounds.with("storage starts at epoch %d, the epoch is %d", storage.StartEpoch, registeredEpoch)
	}
	if registeredEpoch >= storage.EndEpoch {
		return walrus.Blob{}, ErrResourceBounds.with("storage ended at epoch %d, the epoch is %d", storage.EndEpoch, registeredEpoch)
	}
	// Check that the encoded size is less than the storage size.
	encodedSize, err := EncodedBlobLength(size, encodingType, nShards)
	if err != nil {
		return walrus.Blob{}, err
	}
	if encodedSize > storage.StorageSize {
		return walrus.Blob{}, ErrResourceSize.with("encoded size %d, storage of %d bytes", encodedSize, storage.StorageSize)
	}
	// Cryptographically verify that the Blob ID authenticates both the size and
	// encoding_type (sanity check).
	if DeriveBlobID(rootHash, encodingType, size) != blobID {
		return walrus.Blob{}, ErrInvalidBlobID.with("blob ID %s is not derived from root hash %x, encoding type %d and size %d",
			blobID, rootHash, encodingType, size)
	}
	return walrus.Blob{
		RegisteredEpoch: registeredEpoch,
		BlobID:          blobID,
		Size:            size,
		EncodingType:    encodingType,
		Storage:         storage,
		Deletable:       deletable,
	}, nil
}

// certifyWithCertifiedMsg is blob::certify_with_certified_msg: the checks in Move's
// order, then the blob is certified in currentEpoch and BlobCertified is emitted. The
// blob is unchanged on failure.
func certifyWithCertifiedMsg(ctx *TxContext, blob *walrus.Blob, currentEpoch uint32, message CertifiedBlobMessage) error {
	// Check that the blob is registered in the system
	if blob.BlobID != message.BlobID {
		return ErrInvalidBlobID.with("certificate for blob ID %s, the blob is %s", message.BlobID, blob.BlobID)
	}
	// Check that the blob is not already certified
	if blob.CertifiedEpoch != nil {
		return ErrAlreadyCertified.with("blob object %s was certified in epoch %d", blob.ID, *blob.CertifiedEpoch)
	}
	// Check that the storage in the blob is still valid
	if !(currentEpoch < blob.Storage.EndEpoch) {
		return ErrResourceBounds.with("blob storage ended at epoch %d, the epoch is %d", blob.Storage.EndEpoch, currentEpoch)
	}
	// Check the blob persistence type
	if blob.Deletable != message.Persistence.Deletable {
		return ErrInvalidBlobPersistenceType.with("blob deletable=%t, certificate %s", blob.Deletable, message.Persistence)
	}
	// Check that the object id matches the message
	if blob.Deletable {
		objectID, err := blobPersistenceObjectID(message.Persistence)
		if err != nil {
			return err
		}
		if objectID != blob.ID {
			return ErrInvalidBlobObject.with("certificate for object %s, the blob is %s", objectID, blob.ID)
		}
	}
	// Mark the blob as certified
	epoch := currentEpoch
	blob.CertifiedEpoch = &epoch
	emitCertified(ctx, blob, false)
	return nil
}

// emitCertified is blob::emit_certified: BlobCertified with the first certification
// epoch, also for extensions.
func emitCertified(ctx *TxContext, blob *walrus.Blob, isExtension bool) {
	ctx.emit(&walrus.BlobCertified{
		Epoch:       *blob.CertifiedEpoch,
		BlobID:      blob.BlobID,
		EndEpoch:    blob.Storage.EndEpoch,
		Deletable:   blob.Deletable,
		ObjectID:    blob.ID,
		IsExtension: isExtension,
	})
}

// Burn is blob::burn: the owner destroys the blob. The Blob object blob.ID, its Storage
// blob.Storage.ID and its attributes field (if any) are deleted; nothing else changes and
// it cannot fail (it exists for the executor's dispatch).
func Burn(blob walrus.Blob) {}

// === Metadata ===

func cloneMetadata(m walrus.Metadata) *walrus.Metadata {
	return &walrus.Metadata{Metadata: slices.Clone(m.Metadata)}
}

// AddMetadata is blob::add_metadata: the blob gets the attributes metadata.
// Errors: ErrDuplicateMetadata if it has attributes already.
func AddMetadata(attrs **walrus.Metadata, metadata walrus.Metadata) error {
	if *attrs != nil {
		return ErrDuplicateMetadata
	}
	*attrs = cloneMetadata(metadata)
	return nil
}

// AddOrReplaceMetadata is blob::add_or_replace_metadata: the blob gets the attributes
// metadata; the ones it had are returned (nil if none).
func AddOrReplaceMetadata(attrs **walrus.Metadata, metadata walrus.Metadata) *walrus.Metadata {
	old := *attrs
	*attrs = cloneMetadata(metadata)
	return old
}

// TakeMetadata is blob::take_metadata: the attributes are removed from the blob and
// returned. Errors: ErrMissingMetadata if it has none.
func TakeMetadata(attrs **walrus.Metadata) (walrus.Metadata, error) {
	if *attrs == nil {
		return walrus.Metadata{}, ErrMissingMetadata
	}
	m := **attrs
	*attrs = nil
	return m, nil
}

// InsertOrUpdateMetadataPair is blob::insert_or_update_metadata_pair with
// metadata::insert_or_update: attributes are created if the blob has none; an existing
// key is removed (VecMap::remove keeps the order of the others) and the pair appended,
// so an updated key moves to the end, as in Move.
func InsertOrUpdateMetadataPair(attrs **walrus.Metadata, key, value string) {
	var kvs walrus.StringMap
	if *attrs != nil {
		for _, kv := range (*attrs).Metadata {
			if kv.Key != key {
				kvs = append(kvs, kv)
			}
		}
	}
	kvs = append(kvs, walrus.KeyValue{Key: key, Value: value})
	*attrs = &walrus.Metadata{Metadata: kvs}
}

// RemoveMetadataPair is blob::remove_metadata_pair (metadata::remove): the pair of key is
// removed and returned. Errors: ErrMissingMetadata if the blob has no attributes,
// ErrKeyDoesNotExist (sui::vec_map) if key is not among them.
func RemoveMetadataPair(attrs **walrus.Metadata, key string) (string, string, error) {
	if *attrs == nil {
		return "", "", ErrMissingMetadata
	}
	m := (*attrs).Metadata
	idx := slices.IndexFunc(m, func(kv walrus.KeyValue) bool { return kv.Key == key })
	if idx < 0 {
		return "", "", ErrKeyDoesNotExist.with("attribute %q", key)
	}
	kv := m[idx]
	rest := append(slices.Clone(m[:idx]), m[idx+1:]...)
	if len(rest) == 0 {
		rest = nil
	}
	*attrs = &walrus.Metadata{Metadata: rest}
	return kv.Key, kv.Value, nil
}

// RemoveMetadataPairIfExists is blob::remove_metadata_pair_if_exists
// (metadata::remove_if_exists): the value of key if the blob has attributes with that key,
// which is removed.
func RemoveMetadataPairIfExists(attrs **walrus.Metadata, key string) (string, bool) {
	if *attrs == nil {
		return "", false
	}
	_, v, err := RemoveMetadataPair(attrs, key)
	if err != nil {
		return "", false
	}
	return v, true
}
