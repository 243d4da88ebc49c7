package coordinator

import (
	"context"
	"errors"
	"fmt"

	"go.uber.org/zap"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/chain/sui"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/coordinator/committees"
	"github.com/tuskstore/tusk/coordinator/metrics"
	"github.com/tuskstore/tusk/coordinator/nodes"
	"github.com/tuskstore/tusk/coordinator/read"
	"github.com/tuskstore/tusk/coordinator/store"
	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/encoding/quilt"
	"github.com/tuskstore/tusk/node/api"
)

// Errors callers branch on, besides those of store and read.
var (
	// ErrNotBlobObject: the object ID names no Blob object.
	ErrNotBlobObject = errors.New("coordinator: no such Blob object")
	// ErrNotOwned: the Blob object is not owned by the signer.
	ErrNotOwned = errors.New("coordinator: Blob object not owned by this client")
	// ErrNotDeletable: the Blob is permanent.
	ErrNotDeletable = errors.New("coordinator: Blob is not deletable")
	// ErrPatchNotFound: the quilt has no such patch.
	ErrPatchNotFound = quilt.ErrPatchNotFound
	// ErrNotQuilt: the blob is not a quilt.
	ErrNotQuilt = errors.New("coordinator: blob is not a quilt")
	// ErrReadOnly: the client has no key, and the operation sends a transaction.
	ErrReadOnly = errors.New("coordinator: read-only client (no key)")
)

// Client is the coordinator's client of the storage network: stores, reads and manages
// blobs. It is safe for concurrent use.
type Client struct {
	chain      *chain.Client
	committees *committees.Source
	writer     *store.Writer
	reader     *read.Reader
	log        *zap.Logger
	readOnly   bool
}

// New builds a client on a chain client and a dialer of storage nodes. A chain client
// without a signer gives a client that only reads.
func New(c *chain.Client, d nodes.Dialer, cfg Config, log *zap.Logger, m *metrics.Metrics) (*Client, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if log == nil {
		log = zap.NewNop()
	}
	log = log.Named("coordinator")
	src := committees.NewSource(c, nodes.NewPool(d), cfg.CommitteeRefresh)
	return &Client{
		chain: c, committees: src,
		writer:   store.NewWriter(c, src, cfg.Store, log, m),
		reader:   read.NewReader(src, cfg.Read, log, m),
		log:      log,
		readOnly: c.Address().IsZero(),
	}, nil
}

// Chain is the underlying chain client.
func (c *Client) Chain() *chain.Client { return c.chain }

// State is the current committees and system state (cached).
func (c *Client) State(ctx context.Context) (*committees.State, error) {
	return c.committees.Current(ctx)
}

// Address is the signer's address (zero for a read-only client).
func (c *Client) Address() walrus.Address { return c.chain.Address() }

// Store stores a blob.
func (c *Client) Store(ctx context.Context, blob []byte, opts store.Options) (*store.Result, error) {
	if c.readOnly {
		return nil, ErrReadOnly
	}
	return c.writer.Store(ctx, blob, opts)
}

// Read reads a whole blob.
func (c *Client) Read(ctx context.Context, id encoding.BlobID, check encoding.ConsistencyCheck) ([]byte, error) {
	return c.reader.Read(ctx, id, check)
}

// ReadRange reads a byte range of a blob.
func (c *Client) ReadRange(ctx context.Context, id encoding.BlobID, start, length uint64) (*read.Range, error) {
	return c.reader.ReadRange(ctx, id, start, length)
}

// Status is the blob's status as f+1 shards of the committee report it.
func (c *Client) Status(ctx context.Context, id encoding.BlobID) (api.BlobStatus, error) {
	return c.reader.Status(ctx, id)
}

// BlobObject reads a Blob object, or the Blob a SharedBlob wraps, and its attributes.
func (c *Client) BlobObject(ctx context.Context, objectID walrus.ID) (*chain.BlobObject, walrus.StringMap, error) {
	b, err := c.chain.BlobByObjectID(ctx, objectID)
	if err != nil {
		if errors.Is(err, chain.ErrNotFound) || errors.Is(err, chain.ErrUnexpectedType) {
			return nil, nil, fmt.Errorf("%w: %s: %v", ErrNotBlobObject, objectID, err)
		}
		return nil, nil, err
	}
	attrs, err := c.chain.BlobAttributes(ctx, b.ID)
	if err != nil {
		return nil, nil, fmt.Errorf("attributes of Blob %s: %w", b.ID, err)
	}
	return b, attrs, nil
}

// ownedBlob reads a Blob object and checks that the signer owns it.
func (c *Client) ownedBlob(ctx context.Context, objectID walrus.ID) (*chain.BlobObject, error) {
	if c.readOnly {
		return nil, ErrReadOnly
	}
	b, err := c.chain.Blob(ctx, objectID)
	if err != nil {
		if errors.Is(err, chain.ErrNotFound) || errors.Is(err, chain.ErrUnexpectedType) {
			return nil, fmt.Errorf("%w: %s", ErrNotBlobObject, objectID)
		}
		return nil, err
	}
	if b.Owner.Kind != sui.OwnerAddress || b.Owner.Address != c.chain.Address() {
		return nil, fmt.Errorf("%w: %s is owned by %s", ErrNotOwned, objectID, b.Owner.String())
	}
	return b, nil
}

// Delete deletes an owned deletable Blob object and returns the Storage resource it
// frees (kept by the signer).
func (c *Client) Delete(ctx context.Context, objectID walrus.ID) (walrus.ID, error) {
	b, err := c.ownedBlob(ctx, objectID)
	if err != nil {
		return walrus.ID{}, err
	}
	if !b.Deletable {
		return walrus.ID{}, fmt.Errorf("%w: %s", ErrNotDeletable, objectID)
	}
	return c.chain.DeleteBlob(ctx, objectID)
}

// OwnedBlobs lists the signer's Blob objects of a blob ID, or all of them if id is nil.
// (The all-zero blob ID is a blob ID like any other: it selects only its own objects.)
func (c *Client) OwnedBlobs(ctx context.Context, id *encoding.BlobID) ([]chain.BlobObject, error) {
	all, err := c.chain.BlobsOwnedBy(ctx, c.chain.Address())
	if err != nil {
		return nil, err
	}
	if id == nil {
		return all, nil
	}
	var out []chain.BlobObject
	for _, b := range all {
		if b.BlobID == *id {
			out = append(out, b)
		}
	}
	return out, nil
}

// Extend extends an owned Blob's storage by epochs, paying WAL.
func (c *Client) Extend(ctx context.Context, objectID walrus.ID, epochs uint32) (*chain.BlobObject, error) {
	if _, err := c.ownedBlob(ctx, objectID); err != nil {
		return nil, err
	}
	if epochs == 0 {
		return nil, fmt.Errorf("%w: extend by 0 epochs", store.ErrInvalidOptions)
	}
	if _, err := c.chain.ExtendBlob(ctx, objectID, epochs); err != nil {
		return nil, err
	}
	return c.chain.Blob(ctx, objectID)
}

// Burn destroys owned Blob objects without deleting the blobs (they stay until they
// expire; nobody can extend or delete them any more).
func (c *Client) Burn(ctx context.Context, objectIDs ...walrus.ID) error {
	for _, id := range objectIDs {
		if _, err := c.ownedBlob(ctx, id); err != nil {
			return err
		}
		if _, err := c.chain.BurnBlob(ctx, id); err != nil {
			return fmt.Errorf("burn %s: %w", id, err)
		}
	}
	return nil
}

// ReadRangeFunc reads a byte range chosen once the blob's size is known.
func (c *Client) ReadRangeFunc(ctx context.Context, id encoding.BlobID, resolve func(size uint64) (start, length uint64, err error)) (*read.Range, error) {
	return c.reader.ReadRangeFunc(ctx, id, resolve)
}
