package chain

import (
	"context"
	"errors"
	"fmt"

	"github.com/tuskstore/tusk/chain/messages"
	"github.com/tuskstore/tusk/chain/sui"
	"github.com/tuskstore/tusk/chain/walrus"
)

// Shared blobs (walrus::shared_blob): a certified Blob wrapped in a shared object with a
// Balance<WAL> that anyone can add to (fund) and that pays for extending the blob
// (extend), so that anyone can keep it stored. Once wrapped, the Blob is no longer an
// object of its own: it cannot be transferred, deleted, burnt or given attributes, and
// reads by its object ID fail; BlobByObjectID reads it through the SharedBlob.

// SharedBlobObject is a SharedBlob object with its owner (Shared, with its initial
// shared version) and version.
type SharedBlobObject struct {
	walrus.SharedBlob
	Owner   sui.Owner
	Version uint64
}

// ShareBlobRequest asks for an owned Blob to be wrapped into a new SharedBlob.
type ShareBlobRequest struct {
	// BlobObjectID is the Blob, owned by the signer.
	BlobObjectID walrus.ID
	// Certificate, if set, certifies the Blob in the same transaction, right before it is
	// shared (as the Walrus publisher does with share=true). Without it the Blob must be
	// certified already.
	Certificate *messages.ConfirmationCertificate
	// Funds is the WAL, in FROST, put into the SharedBlob to pay for extensions
	// (shared_blob::new_funded); 0 shares it without funds (shared_blob::new).
	Funds uint64
}

// SharedBlobCreated is the outcome of ShareBlob: the transaction and the new SharedBlob
// (its Blob as certified).
type SharedBlobCreated struct {
	Digest sui.Digest
	SharedBlobObject
}

// ShareBlob wraps an owned Blob into a new SharedBlob, optionally certifying it first
// and funding it, in one transaction; the funds are paid from the signer's WAL.
//
// Move's shared_blob::new takes any Blob, but a Blob that is shared uncertified can
// never be certified (nothing gives a &mut Blob out of a SharedBlob) and an expired one
// can never be extended, so without a certificate ShareBlob refuses both: errors wrap
// ErrInvalidRequest and ErrNotCertified or ErrResourceBounds, and nothing is sent. With
// a certificate, certify_blob's aborts apply and a failure leaves the Blob as it was.
func (c *Client) ShareBlob(ctx context.Context, req ShareBlobRequest) (*SharedBlobCreated, error) {
	what := fmt.Sprintf("share blob object %s", req.BlobObjectID)
	if req.Certificate == nil {
		if err := c.checkShareable(ctx, req.BlobObjectID); err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
	}
	res, err := c.execute(ctx, what, func(b *builder) error {
		blob, _, err := b.ownedArg(ctx, req.BlobObjectID)
		if err != nil {
			return fmt.Errorf("Blob: %w", err)
		}
		if req.Certificate != nil {
			sig, bitmap, err := c.certificateArgs(ctx, req.Certificate)
			if err != nil {
				return err
			}
			b.call("system", "certify_blob", b.system(false), blob, b.Pure(sig), b.Pure(bitmap), b.Pure(req.Certificate.SerializedMessage))
		}
		if req.Funds == 0 {
			b.call("shared_blob", "new", blob)
			return nil
		}
		// The split coin moves into the SharedBlob: nothing is left to merge back.
		pay, _, err := b.walPayment(ctx, req.Funds)
		if err != nil {
			return err
		}
		b.call("shared_blob", "new_funded", blob, pay)
		return nil
	})
	if err != nil {
		return nil, err
	}
	ids := res.Created(c.deploy.OriginalPackage, "shared_blob", "SharedBlob")
	if len(ids) != 1 {
		return nil, fmt.Errorf("%s: transaction %s created %d SharedBlob objects", what, res.Digest, len(ids))
	}
	for _, o := range res.Objects {
		if id, _ := o.ID(); id == ids[0] {
			out := &SharedBlobCreated{Digest: res.Digest}
			if err := c.decodeSharedBlob(o, &out.SharedBlobObject); err != nil {
				return nil, fmt.Errorf("%s: %w", what, err)
			}
			return out, nil
		}
	}
	return nil, fmt.Errorf("%s: transaction %s did not return the SharedBlob %s", what, res.Digest, ids[0])
}

// checkShareable refuses a Blob that is not certified or has expired.
func (c *Client) checkShareable(ctx context.Context, blobObjectID walrus.ID) error {
	b, err := c.Blob(ctx, blobObjectID)
	if err != nil {
		return err
	}
	if !b.IsCertified() {
		return fmt.Errorf("%w: the Blob is not certified, and once shared it never could be: %w", ErrInvalidRequest, ErrNotCertified)
	}
	epoch, err := c.Epoch(ctx)
	if err != nil {
		return err
	}
	if b.IsExpired(epoch) {
		return fmt.Errorf("%w: the Blob expired at epoch %d (the epoch is %d) and cannot be extended: %w", ErrInvalidRequest, b.EndEpoch(), epoch, ErrResourceBounds)
	}
	return nil
}

// FundSharedBlob adds amount FROST of the signer's WAL to a SharedBlob's funds.
func (c *Client) FundSharedBlob(ctx context.Context, sharedBlobID walrus.ID, amount uint64) (sui.Digest, error) {
	what := fmt.Sprintf("fund shared blob %s", sharedBlobID)
	if amount == 0 {
		return sui.Digest{}, fmt.Errorf("%s: %w: the amount must be positive", what, ErrInvalidRequest)
	}
	sb, err := c.SharedBlob(ctx, sharedBlobID)
	if err != nil {
		return sui.Digest{}, fmt.Errorf("%s: %w", what, err)
	}
	res, err := c.execute(ctx, what, func(b *builder) error {
		pay, _, err := b.walPayment(ctx, amount)
		if err != nil {
			return err
		}
		b.call("shared_blob", "fund", b.sharedBlob(sb), pay)
		return nil
	})
	if err != nil {
		return sui.Digest{}, err
	}
	return res.Digest, nil
}

// ExtendSharedBlob extends a SharedBlob's Blob by epochs, paid from the SharedBlob's
// funds (the signer pays only gas). Funds that do not cover the extension abort with
// ErrInsufficientBalance; an expired blob with ErrResourceBounds.
func (c *Client) ExtendSharedBlob(ctx context.Context, sharedBlobID walrus.ID, epochs uint32) (sui.Digest, error) {
	what := fmt.Sprintf("extend shared blob %s", sharedBlobID)
	if epochs == 0 {
		return sui.Digest{}, fmt.Errorf("%s: %w: epochs must be positive", what, ErrInvalidRequest)
	}
	sb, err := c.SharedBlob(ctx, sharedBlobID)
	if err != nil {
		return sui.Digest{}, fmt.Errorf("%s: %w", what, err)
	}
	res, err := c.execute(ctx, what, func(b *builder) error {
		b.call("shared_blob", "extend", b.sharedBlob(sb), b.system(true), b.Pure(epochs))
		return nil
	})
	if err != nil {
		return sui.Digest{}, err
	}
	return res.Digest, nil
}

// sharedBlob adds a SharedBlob as a mutable shared input.
func (b *builder) sharedBlob(sb *SharedBlobObject) sui.Argument {
	return b.Object(sui.SharedObjectArg(sb.ID, sb.Owner.Version, true))
}

// SharedBlob reads the SharedBlob object with the given object ID.
func (c *Client) SharedBlob(ctx context.Context, objectID walrus.ID) (*SharedBlobObject, error) {
	o, err := c.object(ctx, objectID)
	if err != nil {
		return nil, fmt.Errorf("read SharedBlob: %w", err)
	}
	var sb SharedBlobObject
	if err := c.decodeSharedBlob(o, &sb); err != nil {
		return nil, fmt.Errorf("read SharedBlob %s: %w", objectID, err)
	}
	return &sb, nil
}

func (c *Client) decodeSharedBlob(o *sui.Object, sb *SharedBlobObject) error {
	if err := c.walrusContents(o, "shared_blob", "SharedBlob", &sb.SharedBlob); err != nil {
		return err
	}
	if o.Owner.Kind != sui.OwnerShared {
		return fmt.Errorf("SharedBlob %s is not shared (owner %s)", sb.ID, o.Owner.String())
	}
	sb.Owner, sb.Version = o.Owner, o.Version()
	return nil
}

// BlobByObjectID reads the Blob of a Blob object, or of a SharedBlob that wraps one (as
// the Walrus aggregator's by-object-id route does). For a shared blob, the result's ID
// is the wrapped Blob's (where its attributes are), its Owner and Version the
// SharedBlob's. Errors wrap ErrNotFound, or ErrUnexpectedType for another object.
func (c *Client) BlobByObjectID(ctx context.Context, objectID walrus.ID) (*BlobObject, error) {
	o, err := c.object(ctx, objectID)
	if err != nil {
		return nil, fmt.Errorf("read Blob: %w", err)
	}
	b := &BlobObject{Owner: o.Owner, Version: o.Version()}
	err = c.walrusContents(o, "blob", "Blob", &b.Blob)
	if errors.Is(err, ErrUnexpectedType) {
		var sb SharedBlobObject
		if c.decodeSharedBlob(o, &sb) == nil {
			b.Blob, err = sb.Blob, nil
		}
	}
	if err != nil {
		return nil, fmt.Errorf("read Blob %s: %w", objectID, err)
	}
	return b, nil
}
