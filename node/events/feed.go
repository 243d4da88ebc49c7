package events

import (
	"context"
	"fmt"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/indexer/feed"
	"github.com/tuskstore/tusk/node/api"
)

// FeedFollower is the indexer's event feed (feed.Client's Follow).
type FeedFollower interface {
	Follow(ctx context.Context, after *feed.Position, handle func(context.Context, *feed.Event) error) error
}

// FromFeed is the Source of the Walrus events of an indexer's event feed, the second
// way for a node to follow the chain. Each event arrives as a partial batch of its
// checkpoint; derived events (the indexer's reward summaries) are not Walrus events
// and are skipped.
func FromFeed(f FeedFollower) Source { return feedSource{f: f} }

type feedSource struct{ f FeedFollower }

func (s feedSource) Stream(ctx context.Context, from chain.EventPosition, handle func(context.Context, Batch) error) error {
	// Start at the beginning of from's checkpoint, so that the Walrus EventSeq of each
	// event (its index among the Walrus events of its transaction) can be counted.
	var (
		lastTx struct {
			cp uint64
			tx uint32
		}
		seq     uint64
		started bool
	)
	return s.f.Follow(ctx, feed.Before(from.Checkpoint), func(ctx context.Context, fe *feed.Event) error {
		if fe.Derived() { // EventIndex is set for every event of the chain
			return nil
		}
		pos := chain.EventPosition{Checkpoint: fe.Checkpoint, TxIndex: fe.TxIndex, EventIndex: *fe.EventIndex}
		if !started || lastTx.cp != pos.Checkpoint || lastTx.tx != pos.TxIndex {
			lastTx.cp, lastTx.tx, seq, started = pos.Checkpoint, pos.TxIndex, 0, true
		} else {
			seq++
		}
		if pos.Less(from) {
			return nil
		}
		ev, err := fe.Walrus()
		if err != nil {
			return fmt.Errorf("events: feed event %s: %w", pos, err)
		}
		return handle(ctx, Batch{
			Checkpoint:  pos.Checkpoint,
			Events:      []Event{{Position: pos, ID: api.EventID{TxDigest: fe.TxDigest, EventSeq: seq}, Event: ev}},
			Partial:     true,
			TimestampMs: fe.TimestampMs,
		})
	})
}
