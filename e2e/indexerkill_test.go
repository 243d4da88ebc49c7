package e2e

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tuskstore/tusk/chain"
)

// indexerKills is how many times the indexer is killed during the stream of stores.
const indexerKills = 5

// TestIndexerKilledDuringIngestionLosesNothing kills `tusk indexer run` with SIGKILL
// several times while a stream of stores produces Walrus events, restarting it each time.
// Once it has caught up, its events table holds exactly the chain's Walrus events — no
// gap, no duplicate — and the explorer API shows every blob exactly once.
func TestIndexerKilledDuringIngestionLosesNothing(t *testing.T) {
	n := startNetwork(t)
	ctx := testContext(t)
	chainClient, cc := n.chainClient(ctx)
	ix := newIndexerProcess(t, n, cc)
	ix.start(t)

	// The stream: stores one after the other, in the background, until the kills are
	// over.
	stop := make(chan struct{})
	results := make(chan storedBlob, 1000)
	failed := make(chan error, 1)
	go func() {
		defer close(results)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			b, err := storeBlob(n.daemonURL, []byte(fmt.Sprintf("blob %d of the stream %d", i, time.Now().UnixNano())), "epochs=3")
			if err != nil {
				failed <- err
				return
			}
			results <- b
		}
	}()

	// Kill the indexer each time it has committed more of the stream, and restart it.
	last, _, err := watermark(ix.url)
	if err != nil {
		t.Fatal(err)
	}
	for kill := 0; kill < indexerKills; kill++ {
		eventually(t, "the indexer commits more checkpoints", func() error {
			select {
			case err := <-failed:
				t.Fatalf("the stream of stores failed: %v", err)
			default:
			}
			wm, _, err := watermark(ix.url)
			if err != nil {
				return err
			}
			if wm <= last {
				return fmt.Errorf("watermark still %d", wm)
			}
			last = wm
			return nil
		})
		ix.proc.kill(t)
		ix.start(t)
	}
	close(stop)
	var stored []storedBlob
	for b := range results {
		stored = append(stored, b)
	}
	select {
	case err := <-failed:
		t.Fatalf("the stream of stores failed: %v", err)
	default:
	}
	t.Logf("%d blobs stored while the indexer was killed %d times", len(stored), indexerKills)

	tip, err := chainClient.LatestCheckpoint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, "the indexer catches up with the chain", func() error {
		wm, _, err := watermark(ix.url)
		if err == nil && wm < tip {
			err = fmt.Errorf("watermark %d, chain at %d", wm, tip)
		}
		return err
	})

	requireEventsMatchChain(ctx, t, chainClient, ix.dbURL, tip)
	requireEachBlobOnce(t, ix.url, cc.ActiveAddress, stored)
}

// requireEventsMatchChain compares the indexer's events table, up to checkpoint tip,
// with the Walrus events of the chain's checkpoints: the same events in the same order,
// and in every checkpoint indices 0, 1, 2, ... with no gap.
func requireEventsMatchChain(ctx context.Context, t *testing.T, c *chain.Client, dbURL string, tip uint64) {
	t.Helper()
	type row struct {
		checkpoint uint64
		idx        uint32
		txDigest   []byte
		eventIndex *int32
		name       string
		bcs        []byte
	}
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT checkpoint, idx, tx_digest, event_index, name, bcs FROM events WHERE checkpoint <= $1 ORDER BY checkpoint, idx`, int64(tip))
	if err != nil {
		t.Fatal(err)
	}
	var table []row
	for rows.Next() {
		var r row
		var cp int64
		var idx int32
		if err := rows.Scan(&cp, &idx, &r.txDigest, &r.eventIndex, &r.name, &r.bcs); err != nil {
			t.Fatal(err)
		}
		r.checkpoint, r.idx = uint64(cp), uint32(idx)
		table = append(table, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}

	// No gap in the indices of a checkpoint (the primary key rules out duplicates).
	for i, r := range table {
		want := uint32(0)
		if i > 0 && table[i-1].checkpoint == r.checkpoint {
			want = table[i-1].idx + 1
		}
		if r.idx != want {
			t.Fatalf("events table: checkpoint %d has index %d where %d belongs (a gap)", r.checkpoint, r.idx, want)
		}
	}

	// The chain's events, in order, are the table's non-derived rows.
	pkg := c.WalrusPackage()
	var onChain []chain.WalrusEvent
	for seq := uint64(0); seq <= tip; seq++ {
		cp, err := c.Checkpoint(ctx, seq)
		if err != nil {
			t.Fatalf("checkpoint %d: %v", seq, err)
		}
		evs, err := cp.WalrusEvents(pkg)
		if err != nil {
			t.Fatal(err)
		}
		onChain = append(onChain, evs...)
	}
	var emitted []row
	for _, r := range table {
		if r.eventIndex != nil {
			emitted = append(emitted, r)
		}
	}
	if len(emitted) != len(onChain) {
		t.Fatalf("events table holds %d chain events up to checkpoint %d, the chain %d", len(emitted), tip, len(onChain))
	}
	for i, ev := range onChain {
		r := emitted[i]
		if r.checkpoint != ev.Position.Checkpoint || !bytes.Equal(r.txDigest, ev.TxDigest[:]) ||
			uint32(*r.eventIndex) != ev.Position.EventIndex || r.name != ev.Type.Name || !bytes.Equal(r.bcs, ev.Contents) {
			t.Fatalf("event %d: table has %s at checkpoint %d (event %d of its transaction), the chain %s at %s",
				i, r.name, r.checkpoint, *r.eventIndex, ev.Type.Name, ev.Position)
		}
	}
	if len(onChain) == 0 {
		t.Fatal("the chain has no Walrus events: the stream stored nothing")
	}
}

// requireEachBlobOnce checks the explorer API at url: every stored blob has exactly
// its one Blob object, certified, and the owner's listing (paged) has each object once.
func requireEachBlobOnce(t *testing.T, url, owner string, stored []storedBlob) {
	t.Helper()
	want := map[string]bool{}
	for _, b := range stored {
		want[b.object] = true
		objs, err := explorerBlobObjects(url, b.id)
		if err != nil {
			t.Fatal(err)
		}
		if len(objs) != 1 || objs[0].ObjectID != b.object || objs[0].Status != "certified" {
			t.Fatalf("explorer: blob %s has objects %+v, want the one certified object %s", b.id, objs, b.object)
		}
	}
	listed, err := pageAll[explorerBlob](url+"/v1/owners/"+owner+"/blobs", 5)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, b := range listed {
		if seen[b.ObjectID] {
			t.Fatalf("explorer: the owner's listing has object %s twice", b.ObjectID)
		}
		seen[b.ObjectID] = true
		if !want[b.ObjectID] {
			t.Fatalf("explorer: the owner's listing has object %s, which was never stored", b.ObjectID)
		}
	}
	if len(seen) != len(want) {
		t.Fatalf("explorer: the owner's listing has %d objects, %d were stored", len(seen), len(want))
	}
	events, err := pageAll[explorerEvent](url+"/v1/events", 7)
	if err != nil {
		t.Fatal(err)
	}
	pos := map[string]bool{}
	for _, e := range events {
		k := fmt.Sprintf("%d/%d", e.Checkpoint, e.Index)
		if pos[k] {
			t.Fatalf("explorer: event %s listed twice", k)
		}
		pos[k] = true
	}
}
