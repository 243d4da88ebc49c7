package extract

import (
	"encoding/json"
	"errors"
	"testing"

	"go.uber.org/zap"

	"github.com/tuskstore/tusk/chain/sui"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/indexer/internal/fixture"
	"github.com/tuskstore/tusk/indexer/rewards"
)

var (
	alice = walrus.MustParseID("0xa11ce")
	bob   = walrus.MustParseID("0xb0b")
)

func jsonMap(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	return m
}

// TestBlobLifecycle proves that events, blob states, attributes and deletions are
// decoded from real BCS: fields, owners, versions, JSON forms and feed positions.
func TestBlobLifecycle(t *testing.T) {
	c := fixture.New(fixture.Package, 100)
	x := New(fixture.Package, &State{NShards: 10, Epoch: 3, HasEpoch: true}, zap.NewNop())
	b := c.NewBlob(fixture.BlobID(1), 1000, 3, 8, true)

	rows, err := x.Process(c.Checkpoint(c.Register(alice, b)))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows.Events) != 1 || rows.Events[0].Name != "BlobRegistered" || rows.Events[0].Index != 0 {
		t.Fatalf("events = %+v", rows.Events)
	}
	ev := rows.Events[0]
	if *ev.BlobID != b.BlobID || *ev.ObjectID != b.ID || ev.Derived() || *ev.EventIndex != 0 || ev.Checkpoint != 100 {
		t.Fatalf("event = %+v", ev)
	}
	if ev.Type != walrus.EventTypeTag(fixture.Package, &walrus.BlobRegistered{}) {
		t.Fatalf("type = %s", ev.Type)
	}
	m := jsonMap(t, ev.JSON)
	if m["blob_id"] != b.BlobID.String() || m["object_id"] != b.ID.String() || m["size"] != "1000" ||
		m["epoch"] != float64(3) || m["end_epoch"] != float64(8) || m["deletable"] != true || m["encoding_type"] != float64(1) {
		t.Fatalf("JSON = %s", ev.JSON)
	}
	if len(rows.Blobs) != 1 {
		t.Fatalf("blobs = %+v", rows.Blobs)
	}
	w := rows.Blobs[0]
	if w.ObjectID != b.ID || w.Version != c.Version(b.ID) || w.OwnerKind != OwnerAddress || *w.Owner != alice ||
		w.Blob.Size != 1000 || w.Blob.Storage.EndEpoch != 8 || w.AttributesID != fixture.AttributesID(b.ID) {
		t.Fatalf("blob write = %+v", w)
	}
	if w.EncodedSize == nil || *w.EncodedSize <= 1000 {
		t.Fatalf("encoded size = %v, want it computed for 10 shards", w.EncodedSize)
	}

	cp := c.Checkpoint(c.Certify(alice, b, 4), c.SetAttributes(alice, b, walrus.StringMap{{Key: "content-type", Value: "text/plain"}}))
	rows, err = x.Process(cp)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows.Events) != 1 || rows.Events[0].Name != "BlobCertified" || len(rows.Blobs) != 2 || *rows.Blobs[0].Blob.CertifiedEpoch != 4 {
		t.Fatalf("certify rows = %+v", rows)
	}
	if len(rows.Attributes) != 1 || rows.Attributes[0].BlobObject != b.ID || rows.Attributes[0].FieldID != fixture.AttributesID(b.ID) {
		t.Fatalf("attributes = %+v", rows.Attributes)
	}
	if a := jsonMap(t, rows.Attributes[0].JSON); a["content-type"] != "text/plain" {
		t.Fatalf("attributes JSON = %s", rows.Attributes[0].JSON)
	}

	rows, err = x.Process(c.Checkpoint(c.DeleteBlob(alice, b, 5)))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows.Gone) != 1 || rows.Gone[0].ObjectID != b.ID || !rows.Gone[0].Deleted || rows.Gone[0].Version <= w.Version {
		t.Fatalf("gone = %+v", rows.Gone)
	}
	if len(rows.Events) != 1 || jsonMap(t, rows.Events[0].JSON)["was_certified"] != true {
		t.Fatalf("delete events = %+v", rows.Events)
	}
}

// TestIgnoresForeignAndFailed proves that events of other packages (even in a module
// named events), failed transactions and unrelated objects produce nothing, and that
// feed indices count only kept events.
func TestIgnoresForeignAndFailed(t *testing.T) {
	c := fixture.New(fixture.Package, 7)
	x := New(fixture.Package, nil, zap.NewNop())
	other := walrus.MustParseID("0x0bad")
	b := c.NewBlob(fixture.BlobID(2), 10, 1, 2, false)
	foreign := c.Tx(alice).RawEvent(sui.StructTag{Address: other, Module: "events", Name: "BlobRegistered"}, []byte{1, 2, 3}).
		Write(c.NewID(), sui.StructTag{Address: other, Module: "blob", Name: "Blob"}, b, sui.AddressOwned(alice))
	failed := c.Register(bob, c.NewBlob(fixture.BlobID(3), 10, 1, 2, false)).Fail()
	rows, err := x.Process(c.Checkpoint(foreign, failed, c.Register(alice, b)))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows.Events) != 1 || rows.Events[0].TxIndex != 2 || rows.Events[0].Index != 0 || len(rows.Blobs) != 1 {
		t.Fatalf("rows = %+v", rows)
	}
	if rows.Blobs[0].EncodedSize != nil {
		t.Fatalf("encoded size computed without a known shard count")
	}
}

// TestSharedAndWrapped proves that sharing a blob records the wrap of the Blob object and
// the blob's state inside the SharedBlob, at the same version, shared-owned.
func TestSharedAndWrapped(t *testing.T) {
	c := fixture.New(fixture.Package, 1)
	x := New(fixture.Package, nil, zap.NewNop())
	b := c.NewBlob(fixture.BlobID(4), 10, 1, 5, false)
	if _, err := x.Process(c.Checkpoint(c.Register(alice, b))); err != nil {
		t.Fatal(err)
	}
	share, sbID := c.Share(alice, b, 77)
	rows, err := x.Process(c.Checkpoint(share))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows.Gone) != 1 || rows.Gone[0].Deleted || rows.Gone[0].ObjectID != b.ID {
		t.Fatalf("gone = %+v", rows.Gone)
	}
	if len(rows.Blobs) != 1 || rows.Blobs[0].ObjectID != b.ID || rows.Blobs[0].OwnerKind != OwnerShared ||
		*rows.Blobs[0].Owner != sbID || rows.Blobs[0].Version != rows.Gone[0].Version {
		t.Fatalf("blobs = %+v", rows.Blobs)
	}
}

// TestEpochChangeDerivesRewards proves that at an epoch change the staking and system
// inner states give the committee, shards, prices and capacity, that each pool the change
// advanced gets a reward row and a NodeRewards feed event after the transaction's
// Walrus events, and that a pool whose earlier state was never seen gets none.
func TestEpochChangeDerivesRewards(t *testing.T) {
	c := fixture.New(fixture.Package, 50)
	x := New(fixture.Package, nil, zap.NewNop())
	staking, system := c.NewID(), c.NewID()
	p1 := c.NewPool("n1", 6000, 1_000_000, 1)
	p2 := c.NewPool("n2", 1000, 2_000_000, 1)
	rows, err := x.Process(c.Checkpoint(c.Tx(alice).Pool(p1).Pool(p2).NodeMetadata(p1, walrus.NodeMetadata{ImageURL: "https://n1/img"})))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows.Nodes) != 2 || len(rows.Stake) != 2 || len(rows.NodeMetadata) != 1 || rows.NodeMetadata[0].Owner != p1.NodeInfo.Metadata.ID {
		t.Fatalf("registration rows = %+v", rows)
	}
	if rows.Stake[0].Epoch != 1 {
		t.Fatalf("stake epoch = %d, want the pool's latest epoch 1 while the Walrus epoch is unknown", rows.Stake[0].Epoch)
	}

	// A third pool appears for the first time in the epoch change itself; a fourth
	// exists from genesis, never written before: its input state gives its reward.
	p3 := c.NewPool("n3", 0, 5, 1)
	p4 := c.NewPool("n4", 2500, 4_000_000, 1)
	c.GenesisPool(p4)
	fixture.Advance(p4, 2, 40_000)
	fixture.Advance(p1, 2, 10_000)
	fixture.Advance(p2, 2, 20_000)
	fixture.Advance(p3, 2, 30)
	committee := walrus.Committee{{NodeID: p1.ID, Shards: []uint16{0, 1, 2}}, {NodeID: p2.ID, Shards: []uint16{3, 4}}}
	committee.SortByNodeID()
	tx := c.Tx(alice).
		Event(&walrus.EpochChangeStart{Epoch: 2}).
		StakingInner(staking, &walrus.StakingInnerV1{NShards: 5, EpochDuration: 3_600_000, Epoch: 2, Committee: committee}).
		SystemInner(system, &walrus.SystemStateInnerV1{
			Committee: walrus.BlsCommittee{NShards: 5, Epoch: 2}, TotalCapacitySize: 1 << 40, UsedCapacitySize: 1 << 30,
			StoragePricePerUnitSize: 100_000, WritePricePerUnitSize: 20_000,
			FutureAccounting: walrus.FutureAccountingRingBuffer{Length: 1, RingBuffer: []walrus.FutureAccounting{{Epoch: 2}}},
		}).
		Pool(p2).Pool(p1).Pool(p3).Pool(p4)
	rows, err = x.Process(c.Checkpoint(c.Tx(bob), tx))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows.EpochStarts) != 1 || rows.EpochStarts[0].Epoch != 2 || rows.EpochStarts[0].Checkpoint != 51 {
		t.Fatalf("epoch starts = %+v", rows.EpochStarts)
	}
	if len(rows.Stakings) != 1 || rows.Stakings[0].NShards != 5 || len(rows.Stakings[0].Committee) != 2 {
		t.Fatalf("stakings = %+v", rows.Stakings)
	}
	if len(rows.Systems) != 1 || rows.Systems[0].Epoch != 2 || rows.Systems[0].StoragePrice != 100_000 || rows.Systems[0].TotalCapacity != 1<<40 {
		t.Fatalf("systems = %+v", rows.Systems)
	}
	if len(rows.Rewards) != 3 {
		t.Fatalf("rewards = %+v, want p1, p2 and p4 (p3 has no earlier state)", rows.Rewards)
	}
	got := map[walrus.ID]Reward{}
	for _, r := range rows.Rewards {
		got[r.Paid.NodeID] = r
	}
	if r := got[p1.ID]; r.Paid.Reward != 10_000 || r.Paid.Commission != 6_000 || r.Paid.Epoch != 1 || r.Checkpoint != 51 {
		t.Fatalf("p1 reward = %+v", r)
	}
	if r := got[p2.ID]; r.Paid.Reward != 20_000 || r.Paid.Commission != 2_000 {
		t.Fatalf("p2 reward = %+v", r)
	}
	if r := got[p4.ID]; r.Paid.Reward != 40_000 || r.Paid.Commission != 10_000 || r.Paid.Epoch != 1 {
		t.Fatalf("genesis pool p4 reward = %+v", r)
	}
	if x.Stats().RewardsUnknownPrev != 1 {
		t.Fatalf("stats = %+v", x.Stats())
	}
	if len(rows.Events) != 4 || rows.Events[0].Name != "EpochChangeStart" {
		t.Fatalf("events = %+v", rows.Events)
	}
	for i, ev := range rows.Events {
		if ev.Index != uint32(i) {
			t.Fatalf("event %d has index %d", i, ev.Index)
		}
	}
	for _, ev := range rows.Events[1:] {
		if !ev.Derived() || ev.Name != rewards.EventName || ev.Type != rewards.EventType || ev.TxIndex != 1 {
			t.Fatalf("derived event = %+v", ev)
		}
		nr, err := rewards.DecodeNodeRewards(ev.BCS)
		if err != nil {
			t.Fatal(err)
		}
		if r := got[nr.NodeID]; nr.Reward != r.Paid.Reward || *ev.NodeID != nr.NodeID {
			t.Fatalf("NodeRewards %+v does not match %+v", nr, r)
		}
		if m := jsonMap(t, ev.JSON); m["node_id"] != nr.NodeID.String() {
			t.Fatalf("NodeRewards JSON = %s", ev.JSON)
		}
	}
	for i := 2; i < len(rows.Events); i++ {
		if rows.Events[i-1].NodeID.Compare(*rows.Events[i].NodeID) >= 0 {
			t.Fatalf("derived events not in node-ID order")
		}
	}
	for _, s := range rows.Stake {
		if s.Epoch != 2 {
			t.Fatalf("stake = %+v, want epoch 2", s)
		}
	}
}

// TestUndecodableObject proves that a Walrus object whose BCS does not decode stops
// ingestion with ErrDecode instead of being skipped.
func TestUndecodableObject(t *testing.T) {
	c := fixture.New(fixture.Package, 1)
	x := New(fixture.Package, nil, zap.NewNop())
	tx := c.Tx(alice).Write(c.NewID(), c.Struct("blob", "Blob"), walrus.Bytes{1, 2, 3}, sui.AddressOwned(alice))
	if _, err := x.Process(c.Checkpoint(tx)); !errors.Is(err, ErrDecode) {
		t.Fatalf("Process = %v, want ErrDecode", err)
	}
	ev := c.Tx(alice).RawEvent(c.Struct("events", "BlobCertified"), []byte{1})
	if _, err := x.Process(c.Checkpoint(ev)); !errors.Is(err, ErrDecode) {
		t.Fatalf("Process = %v, want ErrDecode", err)
	}
}

func TestSnake(t *testing.T) {
	for in, want := range map[string]string{
		"BlobID": "blob_id", "ID": "id", "IsExtension": "is_extension", "StoragePoolID": "storage_pool_id",
		"ReservedEncodedCapacityBytes": "reserved_encoded_capacity_bytes", "NodeID": "node_id", "Epoch": "epoch",
	} {
		if got := snake(in); got != want {
			t.Errorf("snake(%q) = %q, want %q", in, got, want)
		}
	}
}
