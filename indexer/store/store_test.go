package store

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"go.uber.org/zap"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/chain/sui"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/indexer/extract"
	"github.com/tuskstore/tusk/indexer/internal/fixture"
	"github.com/tuskstore/tusk/internal/pgtest"
	"github.com/tuskstore/tusk/migrations"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

var (
	alice = walrus.MustParseID("0xa11ce")
	bob   = walrus.MustParseID("0xb0b")
)

func migrated(t testing.TB) *pgxpool.Pool {
	t.Helper()
	pool := pgtest.New(t)
	conn, err := pool.Acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	if _, err := migrations.Migrate(context.Background(), conn.Conn()); err != nil {
		t.Fatal(err)
	}
	return pool
}

// write commits the rows in one transaction, as the ingestion committer does.
func write(t testing.TB, pool *pgxpool.Pool, batch ...*extract.Rows) {
	t.Helper()
	ctx := context.Background()
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if err := Write(ctx, tx, batch); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
}

func process(t testing.TB, x *extract.Extractor, cps ...*chain.Checkpoint) []*extract.Rows {
	t.Helper()
	var out []*extract.Rows
	for _, cp := range cps {
		r, err := x.Process(cp)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

// dump renders every table as JSON lines in key order, to compare database states.
func dump(t *testing.T, pool *pgxpool.Pool) string {
	t.Helper()
	var b strings.Builder
	for _, q := range []string{
		`SELECT to_jsonb(t)::text FROM events t ORDER BY checkpoint, idx`,
		`SELECT to_jsonb(t)::text FROM blobs t ORDER BY object_id`,
		`SELECT to_jsonb(t)::text FROM invalid_blobs t ORDER BY blob_id`,
		`SELECT to_jsonb(t)::text FROM epochs t ORDER BY epoch`,
		`SELECT to_jsonb(t)::text FROM committees t ORDER BY epoch, node_id`,
		`SELECT to_jsonb(t)::text FROM nodes t ORDER BY node_id`,
		`SELECT to_jsonb(t)::text FROM stake t ORDER BY node_id, epoch`,
		`SELECT to_jsonb(t)::text FROM rewards t ORDER BY node_id, epoch`,
		`SELECT to_jsonb(t)::text FROM stats t`,
	} {
		rows, err := pool.Query(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			b.WriteString(s + "\n")
		}
		if rows.Err() != nil {
			t.Fatal(rows.Err())
		}
	}
	return b.String()
}

// TestWriteAndRead proves that the decoded rows land in every table and come back
// through the Reader: blob states and statuses, owners, attributes, shared and deleted
// blobs, invalid IDs, events in feed order and by name, epochs with their timeline and
// prices, committees, nodes with metadata, stake and derived rewards, and the totals.
func TestWriteAndRead(t *testing.T) {
	pool := migrated(t)
	ctx := context.Background()
	s := fixture.NewScenario()
	x := extract.New(fixture.Package, nil, zap.NewNop())
	rows := process(t, x, s.Checkpoints...)
	write(t, pool, rows[:3]...)
	write(t, pool, rows[3:]...)
	r := NewReader(pool, "walrus")

	kept, err := r.BlobObject(ctx, s.Kept.ID)
	if err != nil {
		t.Fatal(err)
	}
	if kept.BlobID != s.Kept.BlobID || *kept.Owner != alice || kept.OwnerKind != "address" || kept.Size != 1000 ||
		*kept.CertifiedEpoch != 1 || kept.EndEpoch != 10 || kept.Deleted || kept.Invalid || kept.Status(2) != StatusCertified ||
		kept.CreatedCheckpoint != 11 || kept.UpdatedCheckpoint != 12 || kept.EncodedSize == nil || kept.StorageSize != 5000 {
		t.Fatalf("kept blob = %+v", kept)
	}
	var attrs map[string]string
	if err := json.Unmarshal(kept.Attributes, &attrs); err != nil || attrs["content-type"] != "image/png" {
		t.Fatalf("attributes = %s (%v)", kept.Attributes, err)
	}
	gone, err := r.BlobObject(ctx, s.Gone.ID)
	if err != nil || !gone.Deleted || gone.Status(2) != StatusDeleted || *gone.DeletedCheckpoint != 13 || *gone.Owner != alice {
		t.Fatalf("deleted blob = %+v, %v", gone, err)
	}
	shared, err := r.BlobObject(ctx, s.Share.ID)
	if err != nil || shared.OwnerKind != "shared" || *shared.Owner != s.SharedObj || shared.Status(2) != StatusCertified || shared.Status(3) != StatusExpired {
		t.Fatalf("shared blob = %+v, %v", shared, err)
	}
	inv, err := r.BlobObject(ctx, s.Invalid.ID)
	if err != nil || !inv.Invalid || inv.Status(2) != StatusInvalid {
		t.Fatalf("invalid blob = %+v, %v", inv, err)
	}
	if iv, err := r.Invalid(ctx, s.Invalid.BlobID); err != nil || iv.Epoch != 1 || iv.Checkpoint != 13 {
		t.Fatalf("Invalid = %+v, %v", iv, err)
	}
	if _, err := r.Invalid(ctx, s.Kept.BlobID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Invalid(kept) = %v", err)
	}
	if _, err := r.BlobObject(ctx, walrus.MustParseID("0x404")); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown object: %v", err)
	}

	// Owner listings by status, newest first.
	all, err := r.BlobsByOwner(ctx, alice, "", 2, nil, 10)
	if err != nil || len(all) != 2 {
		t.Fatalf("alice's blobs = %d, %v", len(all), err)
	}
	for status, want := range map[string][]walrus.ID{
		StatusCertified: {s.Kept.ID}, StatusDeleted: {s.Gone.ID}, StatusRegistered: nil, StatusInvalid: nil,
	} {
		got, err := r.BlobsByOwner(ctx, alice, status, 2, nil, 10)
		if err != nil {
			t.Fatal(err)
		}
		var ids []walrus.ID
		for _, b := range got {
			ids = append(ids, b.ObjectID)
		}
		if !slices.Equal(ids, want) {
			t.Errorf("alice's %s blobs = %v, want %v", status, ids, want)
		}
	}
	if got, _ := r.BlobsByOwner(ctx, bob, StatusInvalid, 2, nil, 10); len(got) != 1 || got[0].ObjectID != s.Invalid.ID {
		t.Errorf("bob's invalid blobs = %+v", got)
	}

	// Events: all in feed order, by name, and about one object.
	evs, err := r.Events(ctx, nil, nil, 100)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for i, e := range evs {
		names = append(names, e.Name)
		if i > 0 && !(evs[i-1].Checkpoint < e.Checkpoint || evs[i-1].Checkpoint == e.Checkpoint && evs[i-1].Index < e.Index) {
			t.Fatalf("events out of order at %d", i)
		}
	}
	want := []string{"BlobRegistered", "BlobRegistered", "BlobRegistered", "BlobRegistered", "BlobCertified", "BlobCertified",
		"BlobCertified", "BlobDeleted", "InvalidBlobID", "EpochParametersSelected", "EpochChangeStart", "NodeRewards", "NodeRewards", "EpochChangeDone"}
	if !slices.Equal(names, want) {
		t.Fatalf("event names = %v\nwant %v", names, want)
	}
	certs, err := r.Events(ctx, &EventPos{Checkpoint: 12, Index: 0}, []string{"BlobCertified", "BlobDeleted"}, 100)
	if err != nil || len(certs) != 3 || certs[0].Index != 1 || certs[2].Name != "BlobDeleted" {
		t.Fatalf("events after 12/0 of two types = %+v, %v", certs, err)
	}
	objEvs, err := r.ObjectEvents(ctx, s.Gone.ID, 10)
	if err != nil || len(objEvs) != 3 {
		t.Fatalf("events of the deleted blob = %d, %v", len(objEvs), err)
	}

	// Epochs.
	e1, err := r.Epoch(ctx, 1)
	if err != nil || *e1.StoragePrice != 100_000 || *e1.NShards != 5 || *e1.EndMs != s.Checkpoints[5].TimestampMs || e1.StartMs != nil {
		t.Fatalf("epoch 1 = %+v, %v", e1, err)
	}
	e2, err := r.Epoch(ctx, 2)
	if err != nil || *e2.StoragePrice != 110_000 || *e2.StartMs != s.Checkpoints[5].TimestampMs || *e2.StartCheckpoint != 15 ||
		*e2.SyncDoneMs != s.Checkpoints[6].TimestampMs || *e2.ParamsSelectedMs != s.Checkpoints[4].TimestampMs || e2.EndMs != nil || *e2.TotalCapacity != 1<<40 {
		t.Fatalf("epoch 2 = %+v, %v", e2, err)
	}
	if cur, ok, err := r.CurrentEpoch(ctx); err != nil || !ok || cur != 2 {
		t.Fatalf("current epoch = %d %v %v", cur, ok, err)
	}
	cm, err := r.Committee(ctx, 2, nil, 10)
	if err != nil || len(cm) != 2 || cm[0].NodeID.Compare(cm[1].NodeID) >= 0 || cm[0].Name == nil {
		t.Fatalf("committee = %+v, %v", cm, err)
	}

	// Nodes, stake and rewards.
	n1, err := r.Node(ctx, s.P1.ID)
	if err != nil || n1.Name != "node-1" || n1.CommissionRate != 6000 || n1.LatestEpoch != 2 || n1.WalBalance != s.P1.WalBalance {
		t.Fatalf("node 1 = %+v, %v", n1, err)
	}
	var md map[string]any
	if err := json.Unmarshal(n1.Metadata, &md); err != nil || md["description"] != "first" {
		t.Fatalf("node metadata = %s", n1.Metadata)
	}
	rw, err := r.RewardHistory(ctx, s.P1.ID, nil, 10)
	if err != nil || len(rw) != 1 || rw[0].Epoch != 1 || rw[0].Reward != 1_000 || rw[0].Commission != 600 || rw[0].Checkpoint != 15 {
		t.Fatalf("node 1 rewards = %+v, %v", rw, err)
	}
	st, err := r.StakeHistory(ctx, s.P2.ID, nil, 10)
	if err != nil || len(st) != 2 || st[0].Epoch != 2 || st[1].Epoch != 1 || st[0].WalBalance != s.P2.WalBalance {
		t.Fatalf("node 2 stake = %+v, %v", st, err)
	}

	sum, err := r.Summary(ctx)
	if err != nil || sum.Events != int64(len(want)) || sum.BlobObjects != 4 || sum.Nodes != 2 || sum.Current.Epoch != 2 {
		t.Fatalf("summary = %+v, %v", sum, err)
	}
}

// TestReplayIdempotent proves that writing the same checkpoints again, whole or in other
// batches, changes nothing: no duplicate event, no double-counted total, same states.
func TestReplayIdempotent(t *testing.T) {
	pool := migrated(t)
	s := fixture.NewScenario()
	rows := process(t, extract.New(fixture.Package, nil, zap.NewNop()), s.Checkpoints...)
	write(t, pool, rows...)
	before := dump(t, pool)
	write(t, pool, rows...)
	for _, r := range rows {
		write(t, pool, r)
	}
	write(t, pool, rows[2:5]...)
	if after := dump(t, pool); after != before {
		t.Fatalf("replay changed the tables:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

// TestNoResurrection proves that a deleted blob stays deleted when older states of it
// are written again (a replay of its registration and certification), and that removed
// attributes do not come back from an older write.
func TestNoResurrection(t *testing.T) {
	pool := migrated(t)
	ctx := context.Background()
	c := fixture.New(fixture.Package, 1)
	x := extract.New(fixture.Package, nil, zap.NewNop())
	b := c.NewBlob(fixture.BlobID(9), 10, 1, 10, true)
	reg := process(t, x, c.Checkpoint(c.Register(alice, b)))
	cert := process(t, x, c.Checkpoint(c.Certify(alice, b, 1), c.SetAttributes(alice, b, walrus.StringMap{{Key: "k", Value: "v"}})))
	// take_metadata: the field object is deleted, the blob mutated.
	take := process(t, x, c.Checkpoint(c.Tx(alice).WriteBlob(b, suiAddress(alice)).Delete(fixture.AttributesID(b.ID))))
	del := process(t, x, c.Checkpoint(c.DeleteBlob(alice, b, 2)))
	write(t, pool, reg...)
	write(t, pool, cert...)
	write(t, pool, take...)
	write(t, pool, del...)
	r := NewReader(pool, "walrus")
	check := func(when string) {
		t.Helper()
		got, err := r.BlobObject(ctx, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !got.Deleted || got.Version != del[0].Gone[0].Version || got.Attributes != nil || *got.CertifiedEpoch != 1 {
			t.Fatalf("%s: blob = %+v attrs %s", when, got, got.Attributes)
		}
	}
	check("after the deletion")
	write(t, pool, reg...)
	write(t, pool, cert...)
	write(t, pool, append(cert, reg...)...)
	check("after replaying older versions")
	var n int64
	if err := pool.QueryRow(ctx, `SELECT blob_objects FROM stats`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("blob total = %d, %v", n, err)
	}
}

// TestFoldWithinBatch proves that several states of one object in one batch are folded
// to the last: registered, certified and deleted in one commit is one deleted row that
// remembers the checkpoint it was created in.
func TestFoldWithinBatch(t *testing.T) {
	pool := migrated(t)
	c := fixture.New(fixture.Package, 40)
	x := extract.New(fixture.Package, nil, zap.NewNop())
	b := c.NewBlob(fixture.BlobID(5), 10, 1, 10, true)
	rows := process(t, x, c.Checkpoint(c.Register(alice, b)), c.Checkpoint(c.Certify(alice, b, 1)), c.Checkpoint(c.DeleteBlob(alice, b, 1)))
	write(t, pool, rows...)
	got, err := NewReader(pool, "walrus").BlobObject(context.Background(), b.ID)
	if err != nil || !got.Deleted || got.CreatedCheckpoint != 40 || *got.DeletedCheckpoint != 42 || got.CertifiedEpoch == nil {
		t.Fatalf("blob = %+v, %v", got, err)
	}
}

// TestLoadState proves that the extractor's state (pools at their versions, epoch and
// shard count) is read back as committed.
func TestLoadState(t *testing.T) {
	pool := migrated(t)
	s := fixture.NewScenario()
	x := extract.New(fixture.Package, nil, zap.NewNop())
	write(t, pool, process(t, x, s.Checkpoints...)...)
	st, err := LoadState(context.Background(), pool)
	if err != nil {
		t.Fatal(err)
	}
	if !st.HasEpoch || st.Epoch != 2 || st.NShards != 5 || len(st.Pools) != 2 {
		t.Fatalf("state = %+v", st)
	}
	p := st.Pools[s.P1.ID]
	if p.Version != s.C.Version(s.P1.ID) || p.Pool.WalBalance != s.P1.WalBalance || p.Pool.LatestEpoch != 2 {
		t.Fatalf("pool 1 state = %+v", p)
	}
	empty, err := LoadState(context.Background(), migrated(t))
	if err != nil || empty.HasEpoch || len(empty.Pools) != 0 {
		t.Fatalf("empty state = %+v, %v", empty, err)
	}
}

func suiAddress(a walrus.ID) sui.Owner { return sui.AddressOwned(a) }
