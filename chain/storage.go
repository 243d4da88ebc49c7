package chain

import (
	"context"
	"errors"
	"fmt"

	"github.com/tuskstore/tusk/chain/messages"
	"github.com/tuskstore/tusk/chain/sui"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/encoding"
)

// BytesPerUnit is Walrus's storage unit (1 MiB): prices are per unit of encoded size.
const BytesPerUnit = 1 << 20

// StorageUnits is the number of units an encoded size occupies (rounded up).
func StorageUnits(encodedSize uint64) uint64 {
	return (encodedSize + BytesPerUnit - 1) / BytesPerUnit
}

// StorageCost is what reserving encodedSize for epochs costs at prices p, in FROST.
func (p Prices) StorageCost(encodedSize uint64, epochs uint32) uint64 {
	return StorageUnits(encodedSize) * p.StoragePerUnitEpoch * uint64(epochs)
}

// WriteCost is what registering a blob of encodedSize costs at prices p, in FROST.
func (p Prices) WriteCost(encodedSize uint64) uint64 {
	return StorageUnits(encodedSize) * p.WritePerUnit
}

// ErrInvalidRequest is wrapped by the errors of requests that cannot be valid.
var ErrInvalidRequest = errors.New("chain: invalid request")

// RegisterBlobRequest describes a blob to register: the values register_blob checks
// against the blob ID, the storage to use and what to do with the Blob object.
type RegisterBlobRequest struct {
	BlobID   encoding.BlobID
	RootHash [32]byte
	Size     uint64 // unencoded length
	// Deletable registers a deletable blob (the owner may delete it before it expires).
	Deletable bool
	// Epochs is the number of epochs to reserve storage for, from the current one; used
	// when Storage is nil.
	Epochs uint32
	// Storage is an owned Storage resource to use instead of reserving space.
	Storage *walrus.ID
	// Owner receives the Blob object (default: the signer).
	Owner *walrus.Address
	// Attributes are set on the Blob in the same transaction.
	Attributes walrus.StringMap
}

// RegisteredBlob is the outcome of a registration.
type RegisteredBlob struct {
	Digest sui.Digest
	// ObjectID is the new Blob object's ID.
	ObjectID walrus.ID
	Blob     walrus.Blob
	// Paid is the WAL paid, in FROST (storage and write).
	Paid uint64
}

// ReserveSpace buys a Storage resource for encodedSize bytes and the given number of
// epochs, paying WAL from the signer's coins, and returns the Storage's ID.
func (c *Client) ReserveSpace(ctx context.Context, encodedSize uint64, epochs uint32) (walrus.ID, error) {
	if encodedSize == 0 || epochs == 0 {
		return walrus.ID{}, fmt.Errorf("reserve space: %w: size and epochs must be positive", ErrInvalidRequest)
	}
	sys, err := c.SystemState(ctx)
	if err != nil {
		return walrus.ID{}, fmt.Errorf("reserve space: %w", err)
	}
	cost := sys.prices().StorageCost(encodedSize, epochs)
	res, err := c.execute(ctx, "reserve space", func(b *builder) error {
		pay, done, err := b.walPayment(ctx, cost)
		if err != nil {
			return err
		}
		storage := b.call("system", "reserve_space", b.system(true), b.Pure(encodedSize), b.Pure(epochs), pay)
		b.TransferObjects([]sui.Argument{storage}, b.Pure(c.Address()))
		done()
		return nil
	})
	if err != nil {
		return walrus.ID{}, err
	}
	ids := res.Created(c.deploy.OriginalPackage, "storage_resource", "Storage")
	if len(ids) != 1 {
		return walrus.ID{}, fmt.Errorf("reserve space: transaction %s created %d Storage objects", res.Digest, len(ids))
	}
	return ids[0], nil
}

// RegisterBlob registers a blob, reserving its storage in the same transaction unless
// req.Storage names an owned Storage resource, and pays exactly the storage and write
// costs in WAL from the signer's coins.
func (c *Client) RegisterBlob(ctx context.Context, req RegisterBlobRequest) (*RegisteredBlob, error) {
	sys, err := c.SystemState(ctx)
	if err != nil {
		return nil, fmt.Errorf("register blob %s: %w", req.BlobID, err)
	}
	params, err := encoding.NewParams(int(sys.Inner.Committee.NShards))
	if err != nil {
		return nil, fmt.Errorf("register blob %s: %w", req.BlobID, err)
	}
	encodedSize, err := params.EncodedLength(req.Size)
	if err != nil {
		return nil, fmt.Errorf("register blob %s: %w: %v", req.BlobID, ErrInvalidRequest, err)
	}
	if req.Storage == nil && req.Epochs == 0 {
		return nil, fmt.Errorf("register blob %s: %w: epochs must be positive", req.BlobID, ErrInvalidRequest)
	}
	prices := sys.prices()
	cost := prices.WriteCost(encodedSize)
	if req.Storage == nil {
		cost += prices.StorageCost(encodedSize, req.Epochs)
	}
	owner := c.Address()
	if req.Owner != nil {
		owner = *req.Owner
	}
	res, err := c.execute(ctx, fmt.Sprintf("register blob %s", req.BlobID), func(b *builder) error {
		var storage sui.Argument
		if req.Storage != nil {
			o, err := c.object(ctx, *req.Storage)
			if err != nil {
				return fmt.Errorf("storage resource: %w", err)
			}
			ref, _ := o.Ref()
			storage = b.Object(sui.OwnedObjectArg(ref))
		}
		pay, done, err := b.walPayment(ctx, cost)
		if err != nil {
			return err
		}
		sysArg := b.system(true)
		if req.Storage == nil {
			storage = b.call("system", "reserve_space", sysArg, b.Pure(encodedSize), b.Pure(req.Epochs), pay)
		}
		blob := b.call("system", "register_blob", sysArg, storage, b.Pure(walrus.U256(req.BlobID)), b.Pure(walrus.U256(req.RootHash)),
			b.Pure(req.Size), b.Pure(uint8(encoding.RS2)), b.Pure(req.Deletable), pay)
		if len(req.Attributes) > 0 {
			b.addAttributes(blob, req.Attributes)
		}
		b.TransferObjects([]sui.Argument{blob}, b.Pure(owner))
		done()
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := &RegisteredBlob{Digest: res.Digest, Paid: cost}
	ids := res.Created(c.deploy.OriginalPackage, "blob", "Blob")
	if len(ids) != 1 {
		return nil, fmt.Errorf("register blob %s: transaction %s created %d Blob objects", req.BlobID, res.Digest, len(ids))
	}
	out.ObjectID = ids[0]
	for _, o := range res.Objects {
		if id, _ := o.ID(); id == out.ObjectID {
			if err := c.walrusContents(o, "blob", "Blob", &out.Blob); err != nil {
				return nil, fmt.Errorf("register blob %s: %w", req.BlobID, err)
			}
		}
	}
	return out, nil
}

// addAttributes creates a Metadata with the pairs and attaches it to blob.
func (b *builder) addAttributes(blob sui.Argument, attrs walrus.StringMap) {
	md := b.call("metadata", "new")
	for _, kv := range attrs {
		b.call("metadata", "insert_or_update", md, b.Pure(kv.Key), b.Pure(kv.Value))
	}
	b.call("blob", "add_metadata", blob, md)
}

// ownedArg reads an owned object's current reference and adds it as an input.
func (b *builder) ownedArg(ctx context.Context, id walrus.ID) (sui.Argument, *sui.Object, error) {
	o, err := b.c.object(ctx, id)
	if err != nil {
		return sui.Argument{}, nil, err
	}
	ref, _ := o.Ref()
	return b.Object(sui.OwnedObjectArg(ref)), o, nil
}

// CertifyBlob certifies the Blob object with a confirmation certificate aggregated from
// the committee's signatures over the blob's storage confirmation.
func (c *Client) CertifyBlob(ctx context.Context, blobObjectID walrus.ID, cert *messages.ConfirmationCertificate) (sui.Digest, error) {
	res, err := c.execute(ctx, fmt.Sprintf("certify blob object %s", blobObjectID), func(b *builder) error {
		sig, bitmap, err := c.certificateArgs(ctx, cert)
		if err != nil {
			return err
		}
		blob, _, err := b.ownedArg(ctx, blobObjectID)
		if err != nil {
			return fmt.Errorf("Blob: %w", err)
		}
		b.call("system", "certify_blob", b.system(false), blob, b.Pure(sig), b.Pure(bitmap), b.Pure(cert.SerializedMessage))
		return nil
	})
	if err != nil {
		return sui.Digest{}, err
	}
	return res.Digest, nil
}

// certificateArgs turns a certificate into certify_blob's signature and signer bitmap
// (indices into the current committee).
func (c *Client) certificateArgs(ctx context.Context, cert *messages.ConfirmationCertificate) (sig, bitmap []byte, err error) {
	if cert == nil {
		return nil, nil, fmt.Errorf("%w: no certificate", ErrInvalidRequest)
	}
	sys, err := c.SystemState(ctx)
	if err != nil {
		return nil, nil, err
	}
	bitmap, err = cert.Bitmap(len(sys.Inner.Committee.Members))
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrInvalidRequest, err)
	}
	return cert.Signature[:], bitmap, nil
}

// ExtendBlob extends a Blob's storage by epochs, paying for its storage size.
func (c *Client) ExtendBlob(ctx context.Context, blobObjectID walrus.ID, epochs uint32) (sui.Digest, error) {
	if epochs == 0 {
		return sui.Digest{}, fmt.Errorf("extend blob object %s: %w: epochs must be positive", blobObjectID, ErrInvalidRequest)
	}
	what := fmt.Sprintf("extend blob object %s", blobObjectID)
	sys, err := c.SystemState(ctx)
	if err != nil {
		return sui.Digest{}, fmt.Errorf("%s: %w", what, err)
	}
	// One read gives both the size to pay for and the reference to pass.
	o, err := c.object(ctx, blobObjectID)
	if err != nil {
		return sui.Digest{}, fmt.Errorf("%s: %w", what, err)
	}
	var blob walrus.Blob
	if err := c.walrusContents(o, "blob", "Blob", &blob); err != nil {
		return sui.Digest{}, fmt.Errorf("%s: %w", what, err)
	}
	ref, _ := o.Ref()
	cost := sys.prices().StorageCost(blob.Storage.StorageSize, epochs)
	res, err := c.execute(ctx, what, func(b *builder) error {
		pay, done, err := b.walPayment(ctx, cost)
		if err != nil {
			return err
		}
		b.call("system", "extend_blob", b.system(true), b.Object(sui.OwnedObjectArg(ref)), b.Pure(epochs), pay)
		done()
		return nil
	})
	if err != nil {
		return sui.Digest{}, err
	}
	return res.Digest, nil
}

// DeleteBlob deletes a deletable Blob and returns the ID of the Storage resource it
// frees (kept by the signer for reuse).
func (c *Client) DeleteBlob(ctx context.Context, blobObjectID walrus.ID) (walrus.ID, error) {
	res, err := c.execute(ctx, fmt.Sprintf("delete blob object %s", blobObjectID), func(b *builder) error {
		blob, _, err := b.ownedArg(ctx, blobObjectID)
		if err != nil {
			return fmt.Errorf("Blob: %w", err)
		}
		storage := b.call("system", "delete_blob", b.system(false), blob)
		b.TransferObjects([]sui.Argument{storage}, b.Pure(c.Address()))
		return nil
	})
	if err != nil {
		return walrus.ID{}, err
	}
	var storage walrus.ID
	for _, o := range res.Objects {
		if t := o.Data.Move.Type.StructTag(); o.Data.Kind == sui.DataMove && t.Module == "storage_resource" && t.Name == "Storage" {
			storage, _ = o.ID()
		}
	}
	return storage, nil
}

// BurnBlob destroys a Blob object without deleting the blob (it stays stored until it
// expires; nobody can extend or delete it any more).
func (c *Client) BurnBlob(ctx context.Context, blobObjectID walrus.ID) (sui.Digest, error) {
	res, err := c.execute(ctx, fmt.Sprintf("burn blob object %s", blobObjectID), func(b *builder) error {
		blob, _, err := b.ownedArg(ctx, blobObjectID)
		if err != nil {
			return fmt.Errorf("Blob: %w", err)
		}
		b.call("blob", "burn", blob)
		return nil
	})
	if err != nil {
		return sui.Digest{}, err
	}
	return res.Digest, nil
}

// InvalidateBlobID marks a blob ID invalid with a certificate over an invalid-blob-ID
// message signed by at least one honest node's worth of shards.
func (c *Client) InvalidateBlobID(ctx context.Context, cert *messages.ConfirmationCertificate) (sui.Digest, error) {
	res, err := c.execute(ctx, "invalidate blob ID", func(b *builder) error {
		sig, bitmap, err := c.certificateArgs(ctx, cert)
		if err != nil {
			return err
		}
		b.call("system", "invalidate_blob_id", b.system(false), b.Pure(sig), b.Pure(bitmap), b.Pure(cert.SerializedMessage))
		return nil
	})
	if err != nil {
		return sui.Digest{}, err
	}
	return res.Digest, nil
}

// SetBlobAttributes inserts or updates attributes of an owned Blob, creating its
// metadata when it has none.
func (c *Client) SetBlobAttributes(ctx context.Context, blobObjectID walrus.ID, attrs walrus.StringMap) (sui.Digest, error) {
	if len(attrs) == 0 {
		return sui.Digest{}, fmt.Errorf("set attributes of blob object %s: %w: no attributes", blobObjectID, ErrInvalidRequest)
	}
	existing, err := c.BlobAttributes(ctx, blobObjectID)
	if err != nil {
		return sui.Digest{}, err
	}
	hasMetadata, err := c.hasMetadata(ctx, blobObjectID, existing)
	if err != nil {
		return sui.Digest{}, err
	}
	res, err := c.execute(ctx, fmt.Sprintf("set attributes of blob object %s", blobObjectID), func(b *builder) error {
		blob, _, err := b.ownedArg(ctx, blobObjectID)
		if err != nil {
			return fmt.Errorf("Blob: %w", err)
		}
		if !hasMetadata {
			b.addAttributes(blob, attrs)
			return nil
		}
		for _, kv := range attrs {
			b.call("blob", "insert_or_update_metadata_pair", blob, b.Pure(kv.Key), b.Pure(kv.Value))
		}
		return nil
	})
	if err != nil {
		return sui.Digest{}, err
	}
	return res.Digest, nil
}

// hasMetadata reports whether the Blob has a metadata field (possibly empty).
func (c *Client) hasMetadata(ctx context.Context, blobObjectID walrus.ID, attrs walrus.StringMap) (bool, error) {
	if len(attrs) > 0 {
		return true, nil
	}
	_, err := c.object(ctx, walrus.DynamicFieldID(blobObjectID, walrus.TypeTagVectorU8, metadataNameBCS()))
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// RemoveBlobAttributes removes the given keys from an owned Blob's attributes; keys it
// does not have are ignored.
func (c *Client) RemoveBlobAttributes(ctx context.Context, blobObjectID walrus.ID, keys ...string) (sui.Digest, error) {
	if len(keys) == 0 {
		return sui.Digest{}, fmt.Errorf("remove attributes of blob object %s: %w: no keys", blobObjectID, ErrInvalidRequest)
	}
	res, err := c.execute(ctx, fmt.Sprintf("remove attributes of blob object %s", blobObjectID), func(b *builder) error {
		blob, _, err := b.ownedArg(ctx, blobObjectID)
		if err != nil {
			return fmt.Errorf("Blob: %w", err)
		}
		for _, k := range keys {
			b.call("blob", "remove_metadata_pair_if_exists", blob, b.Pure(k))
		}
		return nil
	})
	if err != nil {
		return sui.Digest{}, err
	}
	return res.Digest, nil
}

// TransferObject sends an owned object (a certified Blob, a Storage resource) to
// another address.
func (c *Client) TransferObject(ctx context.Context, objectID walrus.ID, to walrus.Address) (sui.Digest, error) {
	res, err := c.execute(ctx, fmt.Sprintf("transfer object %s to %s", objectID, to), func(b *builder) error {
		obj, _, err := b.ownedArg(ctx, objectID)
		if err != nil {
			return err
		}
		b.TransferObjects([]sui.Argument{obj}, b.Pure(to))
		return nil
	})
	if err != nil {
		return sui.Digest{}, err
	}
	return res.Digest, nil
}

// OwnedStorage lists the Storage resources owned by owner.
func (c *Client) OwnedStorage(ctx context.Context, owner walrus.Address) ([]walrus.Storage, error) {
	return ownedWalrus(ctx, c, owner, storageType)
}
