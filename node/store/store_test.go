package store

import (
	"bytes"
	"testing"

	"go.uber.org/zap"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/node/api"
	"github.com/tuskstore/tusk/node/blobinfo"
)

// TestPersistence writes every kind of record, reopens the database and reads them
// back; then deletes a blob's data and checks that only that blob's data is gone.
func TestPersistence(t *testing.T) {
	dir := t.TempDir()
	codec, _ := encoding.NewCodec(4)
	enc, err := codec.Encode(bytes.Repeat([]byte("tusk"), 100))
	if err != nil {
		t.Fatal(err)
	}
	id := enc.Metadata.BlobID()
	other := encoding.BlobID{9}
	m := enc.Metadata.Metadata()
	p0, s0 := enc.SliverPair(0)

	s, err := Open(dir, zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	in := &blobinfo.Info{}
	in.Register(&walrus.BlobRegistered{BlobID: id, EndEpoch: 5, ObjectID: walrus.ID{1}}, api.EventID{EventSeq: 1})
	b := s.NewBatch()
	b.PutBlobInfo(id, in)
	b.PutMetadata(id, &m)
	b.PutSliver(2, id, &p0)
	b.PutSliver(2, id, &s0)
	b.PutSliver(3, other, &p0)
	b.PutSyncJob(id)
	b.PutPendingMetadata(other, &m, 42)
	b.PutPendingSliver(other, 1, &s0, 43)
	b.SetCursor(Cursor{Next: chain.EventPosition{Checkpoint: 7, TxIndex: 1, EventIndex: 2}, Applied: 11})
	if err := b.Commit(true); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s, err = Open(dir, zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got, err := s.BlobInfo(id); err != nil || !got.IsRegistered(1) {
		t.Fatalf("blob info: %v", err)
	}
	if got, err := s.Metadata(id); err != nil || got == nil || got.UnencodedLength != m.UnencodedLength {
		t.Fatalf("metadata: %v", err)
	}
	if got, err := s.Sliver(2, encoding.Secondary, id); err != nil || got == nil || got.Axis != encoding.Secondary || !bytes.Equal(got.Data, s0.Data) {
		t.Fatalf("sliver: %v", err)
	}
	if c, err := s.Cursor(); err != nil || c.Next.Checkpoint != 7 || c.Next.EventIndex != 2 || c.Applied != 11 {
		t.Fatalf("cursor %+v %v", c, err)
	}
	if jobs, err := s.SyncJobs(); err != nil || len(jobs) != 1 || jobs[0] != id {
		t.Fatalf("jobs %v %v", jobs, err)
	}
	if sh := s.Shards(); len(sh) != 2 || sh[0] != 2 || sh[1] != 3 {
		t.Fatalf("shards %v", sh)
	}
	var pend []PendingEntry
	_ = s.ForEachPending(func(e PendingEntry) error { pend = append(pend, e); return nil })
	if len(pend) != 2 || !pend[0].IsMetadata || pend[1].Pair != 1 || pend[1].UnixNano != 43 || pend[1].Axis != encoding.Secondary {
		t.Fatalf("pending %+v", pend)
	}
	pairs, slivers, err := s.PendingSlivers(other)
	if err != nil || len(pairs) != 1 || !bytes.Equal(slivers[0].Data, s0.Data) {
		t.Fatalf("pending slivers: %v", err)
	}

	b = s.NewBatch()
	b.DeleteBlobData(id)
	if err := b.Commit(true); err != nil {
		t.Fatal(err)
	}
	for _, axis := range []encoding.Axis{encoding.Primary, encoding.Secondary} {
		if ok, _ := s.HasSliver(2, axis, id); ok {
			t.Fatal("sliver kept")
		}
	}
	if ok, _ := s.HasMetadata(id); ok {
		t.Fatal("metadata kept")
	}
	if jobs, _ := s.SyncJobs(); len(jobs) != 0 {
		t.Fatal("sync job kept")
	}
	if ok, _ := s.HasSliver(3, encoding.Primary, other); !ok {
		t.Fatal("another blob's sliver deleted")
	}
	if pm, _ := s.PendingMetadata(other); pm == nil {
		t.Fatal("another blob's pending data deleted")
	}
}
