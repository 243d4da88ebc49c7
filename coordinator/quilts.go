package coordinator

import (
	"context"
	"errors"
	"fmt"

	"github.com/tuskstore/tusk/coordinator/store"
	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/encoding/quilt"
)

// QuiltResult is Walrus's QuiltStoreResult.
type QuiltResult struct {
	BlobStoreResult  *store.Result      `json:"blobStoreResult"`
	StoredQuiltBlobs []StoredQuiltPatch `json:"storedQuiltBlobs"`
}

// StoredQuiltPatch names one stored patch.
type StoredQuiltPatch struct {
	Identifier   string        `json:"identifier"`
	QuiltPatchID quilt.PatchID `json:"quiltPatchId"`
}

// BuildQuilt packs patches for the current shard count (errors wrap quilt's sentinels).
func (c *Client) BuildQuilt(ctx context.Context, patches []quilt.Patch) (*quilt.Quilt, error) {
	st, err := c.committees.Current(ctx)
	if err != nil {
		return nil, err
	}
	return quilt.Build(st.Write.Params, patches)
}

// StoreQuilt stores an already built quilt and lists its patch IDs.
func (c *Client) StoreQuilt(ctx context.Context, q *quilt.Quilt, opts store.Options) (*QuiltResult, error) {
	res, err := c.Store(ctx, q.Bytes(), opts)
	if err != nil {
		return nil, err
	}
	out := &QuiltResult{BlobStoreResult: res, StoredQuiltBlobs: []StoredQuiltPatch{}}
	if res.NewlyCreated == nil && res.AlreadyCertified == nil {
		return out, nil
	}
	infos, err := q.List(res.BlobID())
	if err != nil {
		return nil, err
	}
	for _, p := range infos {
		out.StoredQuiltBlobs = append(out.StoredQuiltBlobs, StoredQuiltPatch{Identifier: p.Identifier, QuiltPatchID: p.ID})
	}
	return out, nil
}

// openQuilt reads a quilt blob and parses it.
func (c *Client) openQuilt(ctx context.Context, id encoding.BlobID) (*quilt.Quilt, error) {
	st, err := c.committees.Current(ctx)
	if err != nil {
		return nil, err
	}
	blob, err := c.reader.Read(ctx, id, encoding.CheckDefault)
	if err != nil {
		return nil, err
	}
	q, err := quilt.Open(st.Write.Params, blob)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrNotQuilt, id, err)
	}
	return q, nil
}

// QuiltPatches lists the patches of a quilt.
func (c *Client) QuiltPatches(ctx context.Context, quiltID encoding.BlobID) ([]quilt.PatchInfo, error) {
	q, err := c.openQuilt(ctx, quiltID)
	if err != nil {
		return nil, err
	}
	infos, err := q.List(quiltID)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrNotQuilt, quiltID, err)
	}
	return infos, nil
}

// QuiltPatch reads the patch with the identifier from a quilt.
func (c *Client) QuiltPatch(ctx context.Context, quiltID encoding.BlobID, identifier string) (quilt.Patch, error) {
	q, err := c.openQuilt(ctx, quiltID)
	if err != nil {
		return quilt.Patch{}, err
	}
	p, err := q.Patch(identifier)
	if err != nil && !errors.Is(err, quilt.ErrPatchNotFound) {
		err = fmt.Errorf("%w: %v", ErrNotQuilt, err)
	}
	return p, err
}

// QuiltPatchByID reads a patch by its patch ID.
func (c *Client) QuiltPatchByID(ctx context.Context, id quilt.PatchID) (quilt.Patch, error) {
	q, err := c.openQuilt(ctx, id.QuiltID)
	if err != nil {
		return quilt.Patch{}, err
	}
	p, err := q.PatchAt(id.Internal)
	if err != nil {
		if errors.Is(err, quilt.ErrMalformed) {
			return quilt.Patch{}, fmt.Errorf("%w: %v", ErrPatchNotFound, err)
		}
		return quilt.Patch{}, err
	}
	return p, nil
}
