package store

import (
	"context"
	"fmt"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/chain/messages"
	"github.com/tuskstore/tusk/chain/walrus"
)

// BlobSharer is the optional chain capability that Options.Share needs (chain.Client
// has it): certifying a Blob and wrapping it into a new SharedBlob in one transaction,
// as the Walrus publisher does after certification (its post-store action Share).
type BlobSharer interface {
	ShareBlob(ctx context.Context, req chain.ShareBlobRequest) (*chain.SharedBlobCreated, error)
}

// sharer returns the chain's BlobSharer when the options ask for a shared blob (nil
// otherwise). Sharing excludes sending the Blob object to an address: the Blob ends up
// inside the shared object.
func (w *Writer) sharer(opts *Options) (BlobSharer, error) {
	if !opts.Share {
		return nil, nil
	}
	if opts.SendObjectTo != nil {
		return nil, fmt.Errorf("%w: a blob cannot be both shared and sent to an address (the shared object holds the Blob)", ErrInvalidOptions)
	}
	s, ok := w.chain.(BlobSharer)
	if !ok {
		return nil, fmt.Errorf("%w: sharing a blob (the chain client cannot create shared blobs)", ErrUnsupported)
	}
	return s, nil
}

// certify certifies the registered Blob with cert; with a sharer it also wraps it into a
// new SharedBlob in the same transaction and returns the SharedBlob's ID (nil without).
// On failure the Blob stays registered, uncertified and owned, for a retry to reuse.
func (w *Writer) certify(ctx context.Context, blobObjectID walrus.ID, cert *messages.ConfirmationCertificate, sharer BlobSharer) (*walrus.ID, error) {
	if sharer == nil {
		_, err := w.chain.CertifyBlob(ctx, blobObjectID, cert)
		return nil, err
	}
	created, err := sharer.ShareBlob(ctx, chain.ShareBlobRequest{BlobObjectID: blobObjectID, Certificate: cert})
	if err != nil {
		return nil, err
	}
	id := created.ID
	return &id, nil
}
