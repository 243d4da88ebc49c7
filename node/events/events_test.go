package events

import (
	"context"
	"errors"
	"testing"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/chain/sui"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/encoding"
)

var pkg = walrus.MustParseID("0x77")

// TestStreamResumes: the source delivers each checkpoint's Walrus events in order from
// a position inside a checkpoint, numbers EventSeq among the Walrus events of each
// transaction only, and skips other packages' events.
func TestStreamResumes(t *testing.T) {
	feed := NewFeed()
	reg := func(b byte) walrus.Event {
		return &walrus.BlobRegistered{BlobID: encoding.BlobID{b}, EndEpoch: 2, ObjectID: walrus.ID{b}}
	}
	cp0 := Checkpoint(0, pkg, []walrus.Event{reg(1), reg(2)}, []walrus.Event{reg(3)})
	// A foreign event first in the second transaction: not Walrus's, not counted.
	foreign := sui.Event{Type: sui.StructTag{Address: walrus.MustParseID("0x99"), Module: "events", Name: "BlobRegistered"}}
	cp0.Transactions[1].Events = append([]sui.Event{foreign}, cp0.Transactions[1].Events...)
	cp1 := Checkpoint(1, pkg)
	cp2 := Checkpoint(2, pkg, []walrus.Event{&walrus.EpochChangeStart{Epoch: 3}})
	if err := feed.Publish(cp0, cp1, cp2); err != nil {
		t.Fatal(err)
	}
	if err := feed.Publish(Checkpoint(5, pkg)); err == nil {
		t.Fatal("a gap in the feed accepted")
	}
	src := FromCheckpoints(feed, pkg)
	stop := errors.New("stop")
	var got []Batch
	err := src.Stream(context.Background(), chain.EventPosition{Checkpoint: 0, TxIndex: 0, EventIndex: 1}, func(_ context.Context, b Batch) error {
		got = append(got, b)
		if b.Checkpoint == 2 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || len(got) != 3 {
		t.Fatalf("stream: %v, %d batches", err, len(got))
	}
	b0 := got[0].Events
	if len(b0) != 2 || b0[0].Event.(*walrus.BlobRegistered).BlobID[0] != 2 || b0[1].Position != (chain.EventPosition{Checkpoint: 0, TxIndex: 1, EventIndex: 1}) {
		t.Fatalf("checkpoint 0 from 0/0/1: %+v", b0)
	}
	if b0[0].ID.EventSeq != 1 || b0[1].ID.EventSeq != 0 || b0[1].ID.TxDigest != cp0.Transactions[1].Digest {
		t.Fatalf("event IDs %+v %+v", b0[0].ID, b0[1].ID)
	}
	if len(got[1].Events) != 0 || got[2].Events[0].Event.(*walrus.EpochChangeStart).Epoch != 3 {
		t.Fatalf("later checkpoints %+v", got[1:])
	}
	// A cancelled context ends the stream while it waits for more.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := src.Stream(ctx, chain.EventPosition{Checkpoint: 3}, func(context.Context, Batch) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
}
