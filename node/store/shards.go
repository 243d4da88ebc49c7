package store

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/internal/bcs"
	"github.com/tuskstore/tusk/node/blobinfo"
)

// Shard migration state: one record per shard the node owns or still holds data for,
// and the record of the last epoch change with its epoch_sync_done attestation.
//
//	'o' shard(2)                          ShardRecord
//	'E'                                   EpochChange

const (
	prefixShardRecord = 'o'
	keyEpochChange    = 'E'
)

// ShardState is where a shard stands on this node.
type ShardState uint8

const (
	// ShardReady: owned, and every sliver it must hold is stored (or being synced by
	// the ordinary blob sync).
	ShardReady ShardState = 1
	// ShardSyncing: owned, gained at an epoch change, being transferred from its
	// previous owner (POST /v1/migrate/sync_shard).
	ShardSyncing ShardState = 2
	// ShardRecovering: owned, gained at an epoch change, being filled blob by blob from
	// the other nodes' recovery symbols (the previous owner failed, or did not return
	// some blobs).
	ShardRecovering ShardState = 3
	// ShardReadOnly: no longer owned; kept as the sync source of its new owner (reads
	// keep working, uploads are refused) until it is deleted at the next epoch change.
	ShardReadOnly ShardState = 4
)

func (s ShardState) String() string {
	switch s {
	case ShardReady:
		return "ready"
	case ShardSyncing:
		return "syncing"
	case ShardRecovering:
		return "recovering"
	case ShardReadOnly:
		return "read-only"
	}
	return fmt.Sprintf("ShardState(%d)", uint8(s))
}

// Owned reports whether the state is one of an owned shard.
func (s ShardState) Owned() bool { return s == ShardReady || s == ShardSyncing || s == ShardRecovering }

// ShardSource is the previous owner a gained shard is transferred from.
type ShardSource struct {
	NodeID         walrus.ID
	NetworkAddress string
	// NetworkPublicKey is its TLS key (33-byte compressed P-256 point).
	NetworkPublicKey []byte
}

// BlobCursor is a position in blob ID order: every blob up to and including Last is
// done (none is, when !Set).
type BlobCursor struct {
	Set  bool
	Last encoding.BlobID
}

// After reports whether id comes after the cursor.
func (c BlobCursor) After(id encoding.BlobID) bool {
	return !c.Set || bytes.Compare(id[:], c.Last[:]) > 0
}

// AxisProgress is how far the slivers of one axis of a gained shard are transferred.
type AxisProgress struct {
	Done   bool
	Cursor BlobCursor
}

// ShardRecord is the durable state of one shard.
type ShardRecord struct {
	State ShardState
	// Epoch is, for a syncing or recovering shard, the epoch it was gained in (the
	// epoch of its sync requests: blobs certified before it are transferred); for a
	// read-only shard, the first epoch in which the node did not own it; for a ready
	// shard, the epoch it became ready in.
	Epoch uint32
	// Source is the previous owner of a gained shard (nil: none is known, recover).
	Source *ShardSource
	// Progress is the transfer of each axis (indexed by encoding.Axis).
	Progress [2]AxisProgress
	// Checked: the blobs up to it have both slivers stored or are settled (the final
	// pass of a gained shard, before it becomes ready).
	Checked BlobCursor
}

const shardRecordVersion = 1

// MarshalBCS writes the persisted form (after a version byte).
func (r *ShardRecord) MarshalBCS(e *bcs.Encoder) {
	e.U8(shardRecordVersion)
	e.U8(uint8(r.State))
	e.U32(r.Epoch)
	e.Bool(r.Source != nil)
	if r.Source != nil {
		r.Source.NodeID.MarshalBCS(e)
		e.String(r.Source.NetworkAddress)
		e.ByteVec(r.Source.NetworkPublicKey)
	}
	for _, p := range r.Progress {
		e.Bool(p.Done)
		marshalCursor(e, p.Cursor)
	}
	marshalCursor(e, r.Checked)
}

// UnmarshalBCS reads the persisted form.
func (r *ShardRecord) UnmarshalBCS(d *bcs.Decoder) {
	*r = ShardRecord{}
	if v := d.U8(); d.Err() == nil && v != shardRecordVersion {
		d.Failf("unknown shard record version %d", v)
		return
	}
	r.State = ShardState(d.U8())
	if d.Err() == nil && (r.State < ShardReady || r.State > ShardReadOnly) {
		d.Failf("unknown shard state %d", r.State)
		return
	}
	r.Epoch = d.U32()
	if d.Bool() {
		src := &ShardSource{}
		src.NodeID.UnmarshalBCS(d)
		src.NetworkAddress = d.String()
		src.NetworkPublicKey = bytes.Clone(d.ByteVec())
		r.Source = src
	}
	for i := range r.Progress {
		r.Progress[i].Done = d.Bool()
		r.Progress[i].Cursor = unmarshalCursor(d)
	}
	r.Checked = unmarshalCursor(d)
}

func marshalCursor(e *bcs.Encoder, c BlobCursor) {
	e.Bool(c.Set)
	if c.Set {
		e.Fixed(c.Last[:])
	}
}

func unmarshalCursor(d *bcs.Decoder) BlobCursor {
	var c BlobCursor
	if c.Set = d.Bool(); c.Set {
		d.FixedInto(c.Last[:])
	}
	return c
}

// EpochChange is the record of the last epoch change the node applied and of its
// epoch_sync_done attestation.
type EpochChange struct {
	Epoch uint32
	// Attested: epoch_sync_done was submitted for Epoch, or is not due (the node is not
	// in the committee, submits nothing, or the epoch moved on before it was done).
	Attested bool
}

func shardRecordKey(shard uint16) []byte {
	return []byte{prefixShardRecord, byte(shard >> 8), byte(shard)}
}

// ShardRecords returns every shard record, by shard.
func (s *Store) ShardRecords() (map[uint16]ShardRecord, error) {
	it, err := s.db.NewIter(prefixOptions([]byte{prefixShardRecord}))
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	defer it.Close()
	out := map[uint16]ShardRecord{}
	for it.First(); it.Valid(); it.Next() {
		k := it.Key()
		if len(k) != 3 {
			return nil, fmt.Errorf("%w: shard record key %x", ErrCorrupt, k)
		}
		var r ShardRecord
		if err := bcs.Unmarshal(it.Value(), &r); err != nil {
			return nil, fmt.Errorf("%w: shard record %d: %v", ErrCorrupt, binary.BigEndian.Uint16(k[1:]), err)
		}
		out[binary.BigEndian.Uint16(k[1:])] = r
	}
	return out, it.Error()
}

// EpochChange returns the record of the last epoch change (ok false: none yet).
func (s *Store) EpochChange() (EpochChange, bool, error) {
	v, ok, err := s.get([]byte{keyEpochChange})
	if err != nil || !ok {
		return EpochChange{}, false, err
	}
	if len(v) != 6 || v[0] != 1 || v[5] > 1 {
		return EpochChange{}, false, fmt.Errorf("%w: epoch change record", ErrCorrupt)
	}
	return EpochChange{Epoch: binary.BigEndian.Uint32(v[1:]), Attested: v[5] == 1}, true, nil
}

// ForEachBlobInfoAfter calls fn for every blob record after c (all of them for an
// unset cursor), in blob ID order; fn returning an error stops the walk with that error.
func (s *Store) ForEachBlobInfoAfter(c BlobCursor, fn func(id encoding.BlobID, in *blobinfo.Info) error) error {
	opts := prefixOptions([]byte{prefixBlobInfo})
	if c.Set {
		opts.LowerBound = append(blobKey(prefixBlobInfo, c.Last), 0)
	}
	it, err := s.db.NewIter(opts)
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	defer it.Close()
	for it.First(); it.Valid(); it.Next() {
		var id encoding.BlobID
		copy(id[:], it.Key()[1:])
		in, err := blobinfo.Unmarshal(it.Value())
		if err != nil {
			return fmt.Errorf("%w: blob info of %s: %v", ErrCorrupt, id, err)
		}
		if err := fn(id, in); err != nil {
			return err
		}
	}
	return it.Error()
}

// BlobSliver is a sliver with the blob it belongs to.
type BlobSliver struct {
	BlobID encoding.BlobID
	Sliver encoding.Sliver
}

// ShardSlivers returns the stored slivers of one axis of a shard, in blob ID order from
// from (inclusive), of the blobs keep accepts: at most max of them, and no more once
// their data reaches maxBytes (at least one, though).
func (s *Store) ShardSlivers(shard uint16, axis encoding.Axis, from encoding.BlobID, keep func(encoding.BlobID) (bool, error), max, maxBytes int) ([]BlobSliver, error) {
	prefix := []byte{prefixSliver, byte(shard >> 8), byte(shard), byte(axis)}
	opts := prefixOptions(prefix)
	opts.LowerBound = sliverKey(shard, axis, from)
	it, err := s.db.NewIter(opts)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	defer it.Close()
	var (
		out  []BlobSliver
		size int
	)
	for it.First(); it.Valid() && len(out) < max && size < maxBytes; it.Next() {
		var id encoding.BlobID
		copy(id[:], it.Key()[len(prefix):])
		ok, err := keep(id)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		var sl encoding.Sliver
		if err := bcs.Unmarshal(bytes.Clone(it.Value()), &sl); err != nil {
			return nil, fmt.Errorf("%w: %s sliver of %s in shard %d: %v", ErrCorrupt, axis, id, shard, err)
		}
		sl.Axis = axis
		out = append(out, BlobSliver{BlobID: id, Sliver: sl})
		size += len(sl.Data)
	}
	return out, it.Error()
}

// PutShardRecord writes a shard's record.
func (b *Batch) PutShardRecord(shard uint16, r *ShardRecord) {
	b.set(shardRecordKey(shard), bcs.Marshal(r))
}

// DeleteShard deletes a shard: its record, its slivers and its marker.
func (b *Batch) DeleteShard(shard uint16) {
	b.del(shardRecordKey(shard))
	b.DeleteShardSlivers(shard)
	b.del(shardKey(shard))
	b.droppedShards = append(b.droppedShards, shard)
}

// SetEpochChange records the last epoch change and its attestation.
func (b *Batch) SetEpochChange(c EpochChange) {
	v := make([]byte, 6)
	v[0] = 1
	binary.BigEndian.PutUint32(v[1:], c.Epoch)
	if c.Attested {
		v[5] = 1
	}
	b.set([]byte{keyEpochChange}, v)
}
