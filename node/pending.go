package node

import (
	"sync"
	"time"

	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/node/api"
	"github.com/tuskstore/tusk/node/store"
)

// pendingIndex is the in-memory index of the pending-upload buffer, whose data is in
// the store: it enforces the bounds (bytes, entries, size of one sliver) before anything
// is written, answers "is this buffered?" without a disk read, and finds expired
// entries. It is rebuilt from the store at start.
type pendingIndex struct {
	cfg PendingConfig

	mu       sync.Mutex
	blobs    map[encoding.BlobID]*pendingBlob
	bytes    int64
	slivers  int
	metadata int
}

type pendingKey struct {
	pair uint16
	axis encoding.Axis
}

type pendingItem struct {
	size int
	at   int64 // unix nanoseconds
}

type pendingBlob struct {
	meta    *pendingItem
	slivers map[pendingKey]pendingItem
}

func newPendingIndex(cfg PendingConfig) *pendingIndex {
	return &pendingIndex{cfg: cfg, blobs: map[encoding.BlobID]*pendingBlob{}}
}

func saturated() *api.Error {
	return api.NewError(api.StatusFailedPrecondition, api.ReasonCacheSaturated,
		"pending upload cache is saturated; retry once the node catches up")
}

func (p *pendingIndex) blob(id encoding.BlobID) *pendingBlob {
	b := p.blobs[id]
	if b == nil {
		b = &pendingBlob{slivers: map[pendingKey]pendingItem{}}
		p.blobs[id] = b
	}
	return b
}

// load adds an entry found in the store at start, without bounds checks.
func (p *pendingIndex) load(e store.PendingEntry) {
	p.mu.Lock()
	defer p.mu.Unlock()
	b := p.blob(e.Blob)
	it := pendingItem{size: e.Size, at: e.UnixNano}
	if e.IsMetadata {
		if b.meta == nil {
			p.metadata++
			p.bytes += int64(e.Size)
		}
		b.meta = &it
		return
	}
	k := pendingKey{e.Pair, e.Axis}
	if _, ok := b.slivers[k]; !ok {
		p.slivers++
		p.bytes += int64(e.Size)
	}
	b.slivers[k] = it
}

// reserveMetadata claims room for a blob's metadata; false if it is already buffered.
func (p *pendingIndex) reserveMetadata(id encoding.BlobID, size int, now time.Time) (bool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if b := p.blobs[id]; b != nil && b.meta != nil {
		return false, nil
	}
	if p.metadata >= p.cfg.MaxMetadata || p.bytes+int64(size) > p.cfg.MaxBytes {
		return false, saturated()
	}
	p.blob(id).meta = &pendingItem{size: size, at: now.UnixNano()}
	p.metadata++
	p.bytes += int64(size)
	return true, nil
}

// reserveSliver claims room for a sliver; false if it is already buffered.
func (p *pendingIndex) reserveSliver(id encoding.BlobID, pair uint16, axis encoding.Axis, size int, now time.Time) (bool, error) {
	if int64(size) > p.cfg.MaxSliverBytes {
		return false, api.NewError(api.StatusFailedPrecondition, api.ReasonCacheSaturated,
			"pending upload cache rejected the sliver: %d bytes, at most %d can be buffered", size, p.cfg.MaxSliverBytes)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	k := pendingKey{pair, axis}
	if b := p.blobs[id]; b != nil {
		if _, ok := b.slivers[k]; ok {
			return false, nil
		}
	}
	if p.slivers >= p.cfg.MaxSlivers || p.bytes+int64(size) > p.cfg.MaxBytes {
		return false, saturated()
	}
	p.blob(id).slivers[k] = pendingItem{size: size, at: now.UnixNano()}
	p.slivers++
	p.bytes += int64(size)
	return true, nil
}

// release undoes a reservation whose write failed, or drops one entry.
func (p *pendingIndex) release(e store.PendingEntry) {
	p.mu.Lock()
	defer p.mu.Unlock()
	b := p.blobs[e.Blob]
	if b == nil {
		return
	}
	if e.IsMetadata {
		if b.meta != nil {
			p.bytes -= int64(b.meta.size)
			p.metadata--
			b.meta = nil
		}
	} else if it, ok := b.slivers[pendingKey{e.Pair, e.Axis}]; ok {
		p.bytes -= int64(it.size)
		p.slivers--
		delete(b.slivers, pendingKey{e.Pair, e.Axis})
	}
	if b.meta == nil && len(b.slivers) == 0 {
		delete(p.blobs, e.Blob)
	}
}

// forget drops every entry of a blob (flushed or deleted).
func (p *pendingIndex) forget(id encoding.BlobID) {
	p.mu.Lock()
	defer p.mu.Unlock()
	b := p.blobs[id]
	if b == nil {
		return
	}
	if b.meta != nil {
		p.bytes -= int64(b.meta.size)
		p.metadata--
	}
	for _, it := range b.slivers {
		p.bytes -= int64(it.size)
		p.slivers--
	}
	delete(p.blobs, id)
}

func (p *pendingIndex) has(id encoding.BlobID) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.blobs[id] != nil
}

func (p *pendingIndex) hasMetadata(id encoding.BlobID) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	b := p.blobs[id]
	return b != nil && b.meta != nil
}

func (p *pendingIndex) hasSliver(id encoding.BlobID, pair uint16, axis encoding.Axis) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	b := p.blobs[id]
	if b == nil {
		return false
	}
	_, ok := b.slivers[pendingKey{pair, axis}]
	return ok
}

// expired lists the entries buffered at or before cutoff.
func (p *pendingIndex) expired(cutoff time.Time) []store.PendingEntry {
	p.mu.Lock()
	defer p.mu.Unlock()
	c := cutoff.UnixNano()
	var out []store.PendingEntry
	for id, b := range p.blobs {
		if b.meta != nil && b.meta.at <= c {
			out = append(out, store.PendingEntry{Blob: id, IsMetadata: true})
		}
		for k, it := range b.slivers {
			if it.at <= c {
				out = append(out, store.PendingEntry{Blob: id, Pair: k.pair, Axis: k.axis})
			}
		}
	}
	return out
}

func (p *pendingIndex) totals() (bytes int64, entries int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.bytes, p.slivers + p.metadata
}
