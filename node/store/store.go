// Package store is the storage node's durable state in pebble: blob metadata, slivers
// by shard, the per-blob records of the chain's events (blobinfo), the pending-upload
// buffer, the queue of blob syncs, the event cursor, and the state of shard migration
// (a record per shard and the last epoch change).
//
// Every write is a Batch committed with pebble.Sync unless the caller says the write may
// be lost (a cursor advance over events that changed nothing): what a read returns has
// been fsynced, so a node that finds a sliver here may confirm it, and a process killed
// at any moment loses nothing it has read back. Pebble applies batches atomically, so
// the state changes of one event and the cursor that records it are one batch.
//
// Key layout (one-byte prefixes, fixed-size fields, big-endian integers):
//
//	'c'                                   the event cursor
//	'b' blob(32)                          blobinfo.Info
//	'm' blob(32)                          BCS BlobMetadata
//	's' shard(2) axis(1) blob(32)         BCS SliverData
//	'h' shard(2)                          marker: this shard has slivers
//	'p' blob(32) 0                        pending metadata (8-byte time ‖ BCS)
//	'p' blob(32) 1 pair(2) axis(1)        pending sliver (8-byte time ‖ BCS)
//	'y' blob(32)                          a blob sync to do
//	'o' shard(2)                          ShardRecord (shards.go)
//	'E'                                   EpochChange (shards.go)
//
// Slivers are keyed by shard first so that a shard can be listed (shard sync) or
// dropped in one range.
package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
	"sync"

	"github.com/cockroachdb/pebble"
	"go.uber.org/zap"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/internal/bcs"
	"github.com/tuskstore/tusk/node/blobinfo"
)

const (
	prefixCursor   = 'c'
	prefixBlobInfo = 'b'
	prefixMetadata = 'm'
	prefixSliver   = 's'
	prefixShard    = 'h'
	prefixPending  = 'p'
	prefixSync     = 'y'
)

// ErrCorrupt reports a stored value that does not decode.
var ErrCorrupt = errors.New("store: corrupt value")

// Store is the node's pebble database. It is safe for concurrent use.
type Store struct {
	db  *pebble.DB
	log *zap.Logger

	mu     sync.Mutex
	shards map[uint16]bool // shards that have (or had) slivers
}

// Open opens (or creates) the database in dir.
func Open(dir string, log *zap.Logger) (*Store, error) {
	log = log.Named("store")
	db, err := pebble.Open(dir, &pebble.Options{
		Logger:       pebbleLogger{log.Named("pebble").Sugar()},
		MemTableSize: 64 << 20,
	})
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", dir, err)
	}
	s := &Store{db: db, log: log, shards: map[uint16]bool{}}
	if err := s.loadShards(); err != nil {
		_ = db.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("store: close: %w", err)
	}
	return nil
}

type pebbleLogger struct{ l *zap.SugaredLogger }

func (p pebbleLogger) Infof(format string, args ...any)  { p.l.Debugf(format, args...) }
func (p pebbleLogger) Errorf(format string, args ...any) { p.l.Errorf(format, args...) }
func (p pebbleLogger) Fatalf(format string, args ...any) { p.l.Fatalf(format, args...) }

func (s *Store) loadShards() error {
	it, err := s.db.NewIter(prefixOptions([]byte{prefixShard}))
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	defer it.Close()
	for it.First(); it.Valid(); it.Next() {
		k := it.Key()
		if len(k) == 3 {
			s.shards[binary.BigEndian.Uint16(k[1:])] = true
		}
	}
	return it.Error()
}

// ---- keys ----------------------------------------------------------------

func blobKey(prefix byte, id encoding.BlobID) []byte {
	k := make([]byte, 33)
	k[0] = prefix
	copy(k[1:], id[:])
	return k
}

func sliverKey(shard uint16, axis encoding.Axis, id encoding.BlobID) []byte {
	k := make([]byte, 36)
	k[0] = prefixSliver
	binary.BigEndian.PutUint16(k[1:], shard)
	k[3] = byte(axis)
	copy(k[4:], id[:])
	return k
}

func shardKey(shard uint16) []byte {
	return []byte{prefixShard, byte(shard >> 8), byte(shard)}
}

func pendingMetadataKey(id encoding.BlobID) []byte {
	return append(blobKey(prefixPending, id), 0)
}

func pendingSliverKey(id encoding.BlobID, pair uint16, axis encoding.Axis) []byte {
	return append(blobKey(prefixPending, id), 1, byte(pair>>8), byte(pair), byte(axis))
}

// prefixEnd is the first key after every key with the given prefix.
func prefixEnd(prefix []byte) []byte {
	end := bytes.Clone(prefix)
	for i := len(end) - 1; i >= 0; i-- {
		end[i]++
		if end[i] != 0 {
			return end[:i+1]
		}
	}
	return nil
}

func prefixOptions(prefix []byte) *pebble.IterOptions {
	return &pebble.IterOptions{LowerBound: prefix, UpperBound: prefixEnd(prefix)}
}

// ---- reads ---------------------------------------------------------------

func (s *Store) get(key []byte) ([]byte, bool, error) {
	v, closer, err := s.db.Get(key)
	if errors.Is(err, pebble.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("store: get: %w", err)
	}
	out := bytes.Clone(v)
	_ = closer.Close()
	return out, true, nil
}

func (s *Store) has(key []byte) (bool, error) {
	_, closer, err := s.db.Get(key)
	if errors.Is(err, pebble.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: get: %w", err)
	}
	_ = closer.Close()
	return true, nil
}

// BlobInfo returns the record of a blob ID, or nil if there is none.
func (s *Store) BlobInfo(id encoding.BlobID) (*blobinfo.Info, error) {
	v, ok, err := s.get(blobKey(prefixBlobInfo, id))
	if err != nil || !ok {
		return nil, err
	}
	in, err := blobinfo.Unmarshal(v)
	if err != nil {
		return nil, fmt.Errorf("%w: blob info of %s: %v", ErrCorrupt, id, err)
	}
	return in, nil
}

// ForEachBlobInfo calls fn for every blob record, in blob ID order, over a snapshot
// of the database; fn returning an error stops the walk with that error.
func (s *Store) ForEachBlobInfo(fn func(id encoding.BlobID, in *blobinfo.Info) error) error {
	return s.ForEachBlobInfoAfter(BlobCursor{}, fn)
}

// Metadata returns a blob's stored metadata, or nil if there is none.
func (s *Store) Metadata(id encoding.BlobID) (*encoding.Metadata, error) {
	v, ok, err := s.get(blobKey(prefixMetadata, id))
	if err != nil || !ok {
		return nil, err
	}
	var m encoding.Metadata
	if err := bcs.Unmarshal(v, &m); err != nil {
		return nil, fmt.Errorf("%w: metadata of %s: %v", ErrCorrupt, id, err)
	}
	return &m, nil
}

// HasMetadata reports whether a blob's metadata is stored.
func (s *Store) HasMetadata(id encoding.BlobID) (bool, error) {
	return s.has(blobKey(prefixMetadata, id))
}

// Sliver returns a stored sliver, or nil if there is none.
func (s *Store) Sliver(shard uint16, axis encoding.Axis, id encoding.BlobID) (*encoding.Sliver, error) {
	v, ok, err := s.get(sliverKey(shard, axis, id))
	if err != nil || !ok {
		return nil, err
	}
	var sl encoding.Sliver
	if err := bcs.Unmarshal(v, &sl); err != nil {
		return nil, fmt.Errorf("%w: %s sliver of %s in shard %d: %v", ErrCorrupt, axis, id, shard, err)
	}
	sl.Axis = axis
	return &sl, nil
}

// HasSliver reports whether a sliver is stored.
func (s *Store) HasSliver(shard uint16, axis encoding.Axis, id encoding.BlobID) (bool, error) {
	return s.has(sliverKey(shard, axis, id))
}

// Cursor is how far the node has applied the event stream: every event before Next
// has been applied. Applied counts the events applied so far.
type Cursor struct {
	Next    chain.EventPosition
	Applied uint64
}

// Cursor returns the stored cursor (the zero cursor for a new database).
func (s *Store) Cursor() (Cursor, error) {
	v, ok, err := s.get([]byte{prefixCursor})
	if err != nil || !ok {
		return Cursor{}, err
	}
	if len(v) != 25 || v[0] != 1 {
		return Cursor{}, fmt.Errorf("%w: cursor", ErrCorrupt)
	}
	return Cursor{
		Next: chain.EventPosition{
			Checkpoint: binary.BigEndian.Uint64(v[1:]),
			TxIndex:    binary.BigEndian.Uint32(v[9:]),
			EventIndex: binary.BigEndian.Uint32(v[13:]),
		},
		Applied: binary.BigEndian.Uint64(v[17:]),
	}, nil
}

// SyncJobs returns the blobs whose sync is pending, in blob ID order.
func (s *Store) SyncJobs() ([]encoding.BlobID, error) {
	it, err := s.db.NewIter(prefixOptions([]byte{prefixSync}))
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	defer it.Close()
	var out []encoding.BlobID
	for it.First(); it.Valid(); it.Next() {
		var id encoding.BlobID
		copy(id[:], it.Key()[1:])
		out = append(out, id)
	}
	return out, it.Error()
}

// HasSyncJob reports whether a sync of the blob is pending.
func (s *Store) HasSyncJob(id encoding.BlobID) (bool, error) { return s.has(blobKey(prefixSync, id)) }

// Shards returns the shards that have held slivers on this node, ascending.
func (s *Store) Shards() []uint16 {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]uint16, 0, len(s.shards))
	for sh := range s.shards {
		out = append(out, sh)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// PendingEntry is one buffered upload: metadata (Pair and Axis unused) or a sliver.
type PendingEntry struct {
	Blob       encoding.BlobID
	IsMetadata bool
	Pair       uint16
	Axis       encoding.Axis
	// UnixNano is when it was buffered.
	UnixNano int64
	Size     int
}

// ForEachPending calls fn for every buffered upload (without its data), in key order.
func (s *Store) ForEachPending(fn func(PendingEntry) error) error {
	it, err := s.db.NewIter(prefixOptions([]byte{prefixPending}))
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	defer it.Close()
	for it.First(); it.Valid(); it.Next() {
		e, ok := parsePendingKey(it.Key())
		v := it.Value()
		if !ok || len(v) < 8 {
			return fmt.Errorf("%w: pending entry %x", ErrCorrupt, it.Key())
		}
		e.UnixNano = int64(binary.BigEndian.Uint64(v))
		e.Size = len(v) - 8
		if err := fn(e); err != nil {
			return err
		}
	}
	return it.Error()
}

func parsePendingKey(k []byte) (PendingEntry, bool) {
	var e PendingEntry
	if len(k) < 34 || k[0] != prefixPending {
		return e, false
	}
	copy(e.Blob[:], k[1:33])
	switch {
	case k[33] == 0 && len(k) == 34:
		e.IsMetadata = true
	case k[33] == 1 && len(k) == 37 && k[36] <= 1:
		e.Pair = binary.BigEndian.Uint16(k[34:])
		e.Axis = encoding.Axis(k[36])
	default:
		return e, false
	}
	return e, true
}

// PendingMetadata returns a blob's buffered metadata, or nil.
func (s *Store) PendingMetadata(id encoding.BlobID) (*encoding.Metadata, error) {
	v, ok, err := s.get(pendingMetadataKey(id))
	if err != nil || !ok {
		return nil, err
	}
	var m encoding.Metadata
	if len(v) < 8 || bcs.Unmarshal(v[8:], &m) != nil {
		return nil, fmt.Errorf("%w: pending metadata of %s", ErrCorrupt, id)
	}
	return &m, nil
}

// PendingSlivers returns a blob's buffered slivers with their pair indices.
func (s *Store) PendingSlivers(id encoding.BlobID) (pairs []uint16, slivers []encoding.Sliver, err error) {
	prefix := append(blobKey(prefixPending, id), 1)
	it, err := s.db.NewIter(prefixOptions(prefix))
	if err != nil {
		return nil, nil, fmt.Errorf("store: %w", err)
	}
	defer it.Close()
	for it.First(); it.Valid(); it.Next() {
		e, ok := parsePendingKey(it.Key())
		v := bytes.Clone(it.Value()) // the decoded sliver aliases it
		var sl encoding.Sliver
		if !ok || len(v) < 8 || bcs.Unmarshal(v[8:], &sl) != nil {
			return nil, nil, fmt.Errorf("%w: pending sliver %x", ErrCorrupt, it.Key())
		}
		sl.Axis = e.Axis
		pairs = append(pairs, e.Pair)
		slivers = append(slivers, sl)
	}
	return pairs, slivers, it.Error()
}

// ---- writes --------------------------------------------------------------

// Batch is a set of writes applied atomically by Commit.
type Batch struct {
	s             *Store
	b             *pebble.Batch
	newShards     []uint16
	droppedShards []uint16
	err           error
}

// NewBatch starts a batch. Call Commit, or Close to drop it.
func (s *Store) NewBatch() *Batch { return &Batch{s: s, b: s.db.NewBatch()} }

func (b *Batch) set(k, v []byte) {
	if b.err == nil {
		b.err = b.b.Set(k, v, nil)
	}
}

func (b *Batch) del(k []byte) {
	if b.err == nil {
		b.err = b.b.Delete(k, nil)
	}
}

func (b *Batch) delRange(prefix []byte) {
	if b.err == nil {
		b.err = b.b.DeleteRange(prefix, prefixEnd(prefix), nil)
	}
}

// PutBlobInfo writes a blob record; an empty record is deleted.
func (b *Batch) PutBlobInfo(id encoding.BlobID, in *blobinfo.Info) {
	if in.Empty() {
		b.del(blobKey(prefixBlobInfo, id))
		return
	}
	b.set(blobKey(prefixBlobInfo, id), in.Marshal())
}

// PutMetadata writes a blob's metadata.
func (b *Batch) PutMetadata(id encoding.BlobID, m *encoding.Metadata) {
	b.set(blobKey(prefixMetadata, id), bcs.Marshal(m))
}

// PutSliver writes a sliver of a shard.
func (b *Batch) PutSliver(shard uint16, id encoding.BlobID, s *encoding.Sliver) {
	b.s.mu.Lock()
	known := b.s.shards[shard]
	b.s.mu.Unlock()
	if !known {
		b.set(shardKey(shard), nil)
		b.newShards = append(b.newShards, shard)
	}
	b.set(sliverKey(shard, s.Axis, id), bcs.Marshal(s))
}

// DeleteBlobData deletes a blob's metadata, its slivers in every shard, its buffered
// uploads and its sync job (not its record).
func (b *Batch) DeleteBlobData(id encoding.BlobID) {
	b.del(blobKey(prefixMetadata, id))
	for _, sh := range b.s.Shards() {
		b.del(sliverKey(sh, encoding.Primary, id))
		b.del(sliverKey(sh, encoding.Secondary, id))
	}
	b.DeletePending(id)
	b.DeleteSyncJob(id)
}

// DeleteShardSlivers deletes every sliver of a shard.
func (b *Batch) DeleteShardSlivers(shard uint16) {
	b.delRange([]byte{prefixSliver, byte(shard >> 8), byte(shard)})
}

// SetCursor records how far the event stream has been applied.
func (b *Batch) SetCursor(c Cursor) {
	v := make([]byte, 25)
	v[0] = 1
	binary.BigEndian.PutUint64(v[1:], c.Next.Checkpoint)
	binary.BigEndian.PutUint32(v[9:], c.Next.TxIndex)
	binary.BigEndian.PutUint32(v[13:], c.Next.EventIndex)
	binary.BigEndian.PutUint64(v[17:], c.Applied)
	b.set([]byte{prefixCursor}, v)
}

// PutSyncJob queues a blob sync.
func (b *Batch) PutSyncJob(id encoding.BlobID) { b.set(blobKey(prefixSync, id), []byte{1}) }

// DeleteSyncJob drops a queued blob sync.
func (b *Batch) DeleteSyncJob(id encoding.BlobID) { b.del(blobKey(prefixSync, id)) }

// PutPendingMetadata buffers metadata uploaded before the blob's registration.
func (b *Batch) PutPendingMetadata(id encoding.BlobID, m *encoding.Metadata, unixNano int64) {
	b.set(pendingMetadataKey(id), withTime(unixNano, bcs.Marshal(m)))
}

// PutPendingSliver buffers a sliver uploaded before the blob's registration.
func (b *Batch) PutPendingSliver(id encoding.BlobID, pair uint16, s *encoding.Sliver, unixNano int64) {
	b.set(pendingSliverKey(id, pair, s.Axis), withTime(unixNano, bcs.Marshal(s)))
}

// DeletePending drops every buffered upload of a blob.
func (b *Batch) DeletePending(id encoding.BlobID) { b.delRange(blobKey(prefixPending, id)) }

// DeletePendingEntry drops one buffered upload.
func (b *Batch) DeletePendingEntry(e PendingEntry) {
	if e.IsMetadata {
		b.del(pendingMetadataKey(e.Blob))
	} else {
		b.del(pendingSliverKey(e.Blob, e.Pair, e.Axis))
	}
}

func withTime(unixNano int64, v []byte) []byte {
	out := make([]byte, 8+len(v))
	binary.BigEndian.PutUint64(out, uint64(unixNano))
	copy(out[8:], v)
	return out
}

// Commit applies the batch atomically: durably (fsynced before Commit returns) unless
// durable is false, for writes that may be lost in a crash.
func (b *Batch) Commit(durable bool) error {
	defer b.Close()
	if b.err != nil {
		return fmt.Errorf("store: batch: %w", b.err)
	}
	opts := pebble.Sync
	if !durable {
		opts = pebble.NoSync
	}
	if err := b.b.Commit(opts); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	if len(b.newShards) > 0 || len(b.droppedShards) > 0 {
		b.s.mu.Lock()
		for _, sh := range b.newShards {
			b.s.shards[sh] = true
		}
		for _, sh := range b.droppedShards {
			delete(b.s.shards, sh)
		}
		b.s.mu.Unlock()
	}
	return nil
}

// Close drops an uncommitted batch; it is a no-op after Commit.
func (b *Batch) Close() {
	if b.b != nil {
		_ = b.b.Close()
		b.b = nil
	}
}
