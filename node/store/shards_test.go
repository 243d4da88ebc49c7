package store

import (
	"bytes"
	"reflect"
	"testing"

	"go.uber.org/zap"

	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/internal/bcs"
	"github.com/tuskstore/tusk/node/api"
	"github.com/tuskstore/tusk/node/blobinfo"
)

// TestShardRecords: shard records and the epoch-change record survive a reopen; the
// listing of a shard's slivers walks blob ID order from a start, filtered and bounded;
// deleting a shard drops its record, slivers and marker only.
func TestShardRecords(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	syncing := ShardRecord{State: ShardSyncing, Epoch: 4,
		Source:   &ShardSource{NodeID: walrus.ID{7}, NetworkAddress: "127.0.0.1:9", NetworkPublicKey: []byte{2, 3}},
		Progress: [2]AxisProgress{{Done: true, Cursor: BlobCursor{Set: true, Last: encoding.BlobID{9}}}, {}},
		Checked:  BlobCursor{Set: true, Last: encoding.BlobID{1}},
	}
	readOnly := ShardRecord{State: ShardReadOnly, Epoch: 3}
	b := s.NewBatch()
	b.PutShardRecord(1, &syncing)
	b.PutShardRecord(5, &readOnly)
	b.SetEpochChange(EpochChange{Epoch: 4})
	var ids []encoding.BlobID
	for i := byte(1); i <= 5; i++ {
		id := encoding.BlobID{i * 16}
		ids = append(ids, id)
		in := &blobinfo.Info{}
		in.Register(&walrus.BlobRegistered{BlobID: id, EndEpoch: 9, ObjectID: walrus.ID{i}}, api.EventID{})
		b.PutBlobInfo(id, in)
		b.PutSliver(5, id, &encoding.Sliver{Axis: encoding.Primary, Index: 2, SymbolSize: 1, Data: bytes.Repeat([]byte{i}, 10)})
	}
	b.PutSliver(6, ids[0], &encoding.Sliver{Axis: encoding.Primary, Index: 1, SymbolSize: 1, Data: []byte{1}})
	if err := b.Commit(true); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if s, err = Open(dir, zap.NewNop()); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	recs, err := s.ShardRecords()
	if err != nil || len(recs) != 2 || !reflect.DeepEqual(recs[1], syncing) || !reflect.DeepEqual(recs[5], readOnly) {
		t.Fatalf("records %+v %v", recs, err)
	}
	if ec, ok, err := s.EpochChange(); err != nil || !ok || ec != (EpochChange{Epoch: 4}) {
		t.Fatalf("epoch change %+v %v %v", ec, ok, err)
	}

	var after []encoding.BlobID
	err = s.ForEachBlobInfoAfter(BlobCursor{Set: true, Last: ids[1]}, func(id encoding.BlobID, _ *blobinfo.Info) error {
		after = append(after, id)
		return nil
	})
	if err != nil || !reflect.DeepEqual(after, ids[2:]) {
		t.Fatalf("blob infos after the second: %v %v", after, err)
	}

	skipFourth := func(id encoding.BlobID) (bool, error) { return id != ids[3], nil }
	got, err := s.ShardSlivers(5, encoding.Primary, ids[1], skipFourth, 2, 1<<20)
	if err != nil || len(got) != 2 || got[0].BlobID != ids[1] || got[1].BlobID != ids[2] || got[1].Sliver.Data[0] != 3 {
		t.Fatalf("two slivers from the second: %+v %v", got, err)
	}
	got, _ = s.ShardSlivers(5, encoding.Primary, ids[2], skipFourth, 10, 1<<20)
	if len(got) != 2 || got[0].BlobID != ids[2] || got[1].BlobID != ids[4] {
		t.Fatalf("filtered listing: %+v", got)
	}
	got, _ = s.ShardSlivers(5, encoding.Primary, encoding.BlobID{}, skipFourth, 10, 15)
	if len(got) != 2 {
		t.Fatalf("a byte bound of 15 over slivers of 10 bytes gives 2, got %d", len(got))
	}
	if got, _ = s.ShardSlivers(5, encoding.Secondary, encoding.BlobID{}, skipFourth, 10, 1<<20); len(got) != 0 {
		t.Fatalf("secondary slivers: %+v", got)
	}

	b = s.NewBatch()
	b.DeleteShard(5)
	if err := b.Commit(true); err != nil {
		t.Fatal(err)
	}
	if recs, _ := s.ShardRecords(); len(recs) != 1 {
		t.Fatalf("records after deleting shard 5: %+v", recs)
	}
	if has, _ := s.HasSliver(5, encoding.Primary, ids[0]); has {
		t.Fatal("sliver of the deleted shard kept")
	}
	if has, _ := s.HasSliver(6, encoding.Primary, ids[0]); !has {
		t.Fatal("another shard's sliver deleted")
	}
	if sh := s.Shards(); !reflect.DeepEqual(sh, []uint16{6}) {
		t.Fatalf("shards %v", sh)
	}
}

// TestShardRecordDecoding: a record that is not one rejects cleanly.
func TestShardRecordDecoding(t *testing.T) {
	good := bcs.Marshal(&ShardRecord{State: ShardReady, Epoch: 1})
	for _, bad := range [][]byte{nil, {2}, {1, 0}, {1, 9}, append(bytes.Clone(good), 0), good[:len(good)-1]} {
		var r ShardRecord
		if err := bcs.Unmarshal(bad, &r); err == nil {
			t.Fatalf("accepted % x", bad)
		}
	}
}
