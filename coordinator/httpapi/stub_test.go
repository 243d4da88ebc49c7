package httpapi_test

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/coordinator"
	"github.com/tuskstore/tusk/coordinator/committees"
	"github.com/tuskstore/tusk/coordinator/read"
	"github.com/tuskstore/tusk/coordinator/store"
	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/encoding/quilt"
	"github.com/tuskstore/tusk/node/api"
)

// stub is an in-memory Publisher and Aggregator.
type stub struct {
	mu      sync.Mutex
	blobs   map[encoding.BlobID][]byte
	status  map[encoding.BlobID]api.BlobStatus
	objects map[walrus.ID]*chain.BlobObject
	attrs   map[walrus.ID]walrus.StringMap
	// storeErr, if set, is returned by Store; block, if set, is waited on by Store.
	storeErr  error
	block     chan struct{}
	entered   chan struct{}
	lastOpts  store.Options
	lastBlob  []byte
	lastCheck encoding.ConsistencyCheck
	readErr   error
	state     *committees.State
	params    encoding.Params
}

func newStub() *stub {
	p, _ := encoding.NewParams(10)
	return &stub{
		blobs: map[encoding.BlobID][]byte{}, status: map[encoding.BlobID]api.BlobStatus{},
		objects: map[walrus.ID]*chain.BlobObject{}, attrs: map[walrus.ID]walrus.StringMap{},
		state:  &committees.State{Epoch: 10, EpochStart: time.Now().Add(-time.Minute), EpochDuration: time.Hour},
		params: p,
	}
}

func blobID(b []byte) encoding.BlobID {
	c, _ := encoding.NewCodec(10)
	enc, err := c.Encode(append([]byte(nil), b...))
	if err != nil {
		panic(err)
	}
	return enc.Metadata.BlobID()
}

func (s *stub) put(b []byte) encoding.BlobID {
	id := blobID(b)
	s.mu.Lock()
	s.blobs[id] = b
	s.mu.Unlock()
	return id
}

func (s *stub) Store(ctx context.Context, blob []byte, opts store.Options) (*store.Result, error) {
	if s.entered != nil {
		s.entered <- struct{}{}
	}
	if s.block != nil {
		<-s.block
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lastOpts, s.lastBlob = opts, append([]byte(nil), blob...)
	if s.storeErr != nil {
		return nil, s.storeErr
	}
	id := blobID(blob)
	s.blobs[id] = s.lastBlob
	ce := s.state.Epoch
	return &store.Result{NewlyCreated: &store.NewlyCreated{BlobObject: store.BlobObject{BlobID: id, Size: uint64(len(blob)), EncodingType: encoding.RS2, CertifiedEpoch: &ce, Deletable: !opts.Permanent}}}, nil
}

func (s *stub) BuildQuilt(ctx context.Context, patches []quilt.Patch) (*quilt.Quilt, error) {
	return quilt.Build(s.params, patches)
}

func (s *stub) StoreQuilt(ctx context.Context, q *quilt.Quilt, opts store.Options) (*coordinator.QuiltResult, error) {
	res, err := s.Store(ctx, q.Bytes(), opts)
	if err != nil {
		return nil, err
	}
	infos, err := q.List(res.BlobID())
	if err != nil {
		return nil, err
	}
	out := &coordinator.QuiltResult{BlobStoreResult: res}
	for _, p := range infos {
		out.StoredQuiltBlobs = append(out.StoredQuiltBlobs, coordinator.StoredQuiltPatch{Identifier: p.Identifier, QuiltPatchID: p.ID})
	}
	return out, nil
}

func (s *stub) get(id encoding.BlobID) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.readErr != nil {
		return nil, s.readErr
	}
	b, ok := s.blobs[id]
	if !ok {
		return nil, fmt.Errorf("%w: %s", read.ErrBlobNotFound, id)
	}
	return b, nil
}

func (s *stub) Read(ctx context.Context, id encoding.BlobID, check encoding.ConsistencyCheck) ([]byte, error) {
	s.mu.Lock()
	s.lastCheck = check
	s.mu.Unlock()
	return s.get(id)
}

func (s *stub) ReadRangeFunc(ctx context.Context, id encoding.BlobID, resolve func(size uint64) (uint64, uint64, error)) (*read.Range, error) {
	b, err := s.get(id)
	if err != nil {
		return nil, err
	}
	start, length, err := resolve(uint64(len(b)))
	if err != nil {
		return nil, err
	}
	return &read.Range{Data: b[start : start+length], Start: start, Size: uint64(len(b))}, nil
}

func (s *stub) Status(ctx context.Context, id encoding.BlobID) (api.BlobStatus, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.status[id]
	if !ok {
		if _, ok := s.blobs[id]; ok {
			return api.BlobStatus{}, read.ErrBlobUnavailable
		}
		return api.BlobStatus{}, read.ErrBlobNotFound
	}
	return st, nil
}

func (s *stub) BlobObject(ctx context.Context, oid walrus.ID) (*chain.BlobObject, walrus.StringMap, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.objects[oid]
	if !ok {
		return nil, nil, coordinator.ErrNotBlobObject
	}
	return o, s.attrs[oid], nil
}

func (s *stub) quilt(id encoding.BlobID) (*quilt.Quilt, error) {
	b, err := s.get(id)
	if err != nil {
		return nil, err
	}
	q, err := quilt.Open(s.params, b)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", coordinator.ErrNotQuilt, err)
	}
	return q, nil
}

func (s *stub) QuiltPatches(ctx context.Context, id encoding.BlobID) ([]quilt.PatchInfo, error) {
	q, err := s.quilt(id)
	if err != nil {
		return nil, err
	}
	return q.List(id)
}

func (s *stub) QuiltPatch(ctx context.Context, id encoding.BlobID, identifier string) (quilt.Patch, error) {
	q, err := s.quilt(id)
	if err != nil {
		return quilt.Patch{}, err
	}
	return q.Patch(identifier)
}

func (s *stub) QuiltPatchByID(ctx context.Context, id quilt.PatchID) (quilt.Patch, error) {
	q, err := s.quilt(id.QuiltID)
	if err != nil {
		return quilt.Patch{}, err
	}
	return q.PatchAt(id.Internal)
}

func (s *stub) State(ctx context.Context) (*committees.State, error) { return s.state, nil }
