// Package events is the ordered stream of Walrus events a storage node follows. A
// Source delivers the events of each checkpoint, in chain order, from a position on;
// the node applies them and keeps its cursor durably, so a restart resumes where it
// stopped. FromCheckpoints builds a Source on the Sui checkpoint stream (what Walrus
// nodes follow); the indexer's event feed can be a second implementation of Source.
// Feed is an in-memory checkpoint stream for tests and local runs.
package events

import (
	"context"
	"fmt"
	"sync"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/chain/sui"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/internal/bcs"
	"github.com/tuskstore/tusk/node/api"
)

// Event is one Walrus event with its place in the chain's order.
type Event struct {
	Position chain.EventPosition
	// ID is the event's Walrus EventID: its transaction and its index among the Walrus
	// events of that transaction.
	ID    api.EventID
	Event walrus.Event
}

// Batch is the Walrus events of one checkpoint, in order (possibly none).
type Batch struct {
	Checkpoint uint64
	Events     []Event
	// Partial marks a batch with only some of the checkpoint's events (a source that
	// delivers events one by one): the consumer must not move past the checkpoint.
	Partial bool
	// TimestampMs is the checkpoint's time (Unix milliseconds), 0 when unknown.
	TimestampMs uint64
}

// Source delivers Walrus events in chain order. Stream calls handle for each checkpoint
// from from.Checkpoint on, in order, one call at a time, with the events at or after
// from; it returns when ctx is done (with ctx's error) or when handle fails (with that
// error). It resumes by itself after transient failures of its own.
type Source interface {
	Stream(ctx context.Context, from chain.EventPosition, handle func(context.Context, Batch) error) error
}

// CheckpointSource is the checkpoint stream Source is built on (chain.Client's
// Checkpoints): every checkpoint from from on, in order, backfill then live.
type CheckpointSource interface {
	Checkpoints(ctx context.Context, from uint64, handle func(context.Context, *chain.Checkpoint) error) error
}

// FromCheckpoints is the Source of the Walrus events in src's checkpoints, for the
// Walrus package whose original ID is pkg.
func FromCheckpoints(src CheckpointSource, pkg walrus.ID) Source {
	return checkpointSource{src: src, pkg: pkg}
}

type checkpointSource struct {
	src CheckpointSource
	pkg walrus.ID
}

func (s checkpointSource) Stream(ctx context.Context, from chain.EventPosition, handle func(context.Context, Batch) error) error {
	return s.src.Checkpoints(ctx, from.Checkpoint, func(ctx context.Context, cp *chain.Checkpoint) error {
		if cp.Sequence < from.Checkpoint {
			return nil
		}
		b, err := BatchOf(cp, s.pkg)
		if err != nil {
			return err
		}
		if cp.Sequence == from.Checkpoint {
			kept := b.Events[:0]
			for _, ev := range b.Events {
				if !ev.Position.Less(from) {
					kept = append(kept, ev)
				}
			}
			b.Events = kept
		}
		return handle(ctx, b)
	})
}

// BatchOf extracts the Walrus events of a checkpoint. EventID.EventSeq counts only the
// Walrus events of each transaction, as Walrus's checkpoint processor numbers them.
func BatchOf(cp *chain.Checkpoint, pkg walrus.ID) (Batch, error) {
	evs, err := cp.WalrusEvents(pkg)
	if err != nil {
		return Batch{}, fmt.Errorf("events: %w", err)
	}
	b := Batch{Checkpoint: cp.Sequence, Events: make([]Event, 0, len(evs)), TimestampMs: cp.TimestampMs}
	var (
		lastTx uint32
		seq    uint64
	)
	for i, ev := range evs {
		if i == 0 || ev.Position.TxIndex != lastTx {
			lastTx, seq = ev.Position.TxIndex, 0
		}
		b.Events = append(b.Events, Event{
			Position: ev.Position,
			ID:       api.EventID{TxDigest: ev.TxDigest, EventSeq: seq},
			Event:    ev.Event,
		})
		seq++
	}
	return b, nil
}

// Feed is an in-memory, append-only checkpoint stream: a CheckpointSource whose
// checkpoints are published by the program. Checkpoints delivers what exists from the
// requested sequence on, then waits for more.
type Feed struct {
	mu     sync.Mutex
	cps    []*chain.Checkpoint
	notify chan struct{}
}

// NewFeed returns an empty feed; its first checkpoint has sequence 0.
func NewFeed() *Feed { return &Feed{notify: make(chan struct{})} }

// Publish appends checkpoints; their sequence numbers must continue the feed's.
func (f *Feed) Publish(cps ...*chain.Checkpoint) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, cp := range cps {
		if cp.Sequence != uint64(len(f.cps)) {
			return fmt.Errorf("events: feed: checkpoint %d published after %d", cp.Sequence, len(f.cps))
		}
		f.cps = append(f.cps, cp)
	}
	close(f.notify)
	f.notify = make(chan struct{})
	return nil
}

// Len is the number of checkpoints published.
func (f *Feed) Len() uint64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return uint64(len(f.cps))
}

// Checkpoints implements CheckpointSource.
func (f *Feed) Checkpoints(ctx context.Context, from uint64, handle func(context.Context, *chain.Checkpoint) error) error {
	next := from
	for {
		f.mu.Lock()
		var cp *chain.Checkpoint
		if next < uint64(len(f.cps)) {
			cp = f.cps[next]
		}
		wait := f.notify
		f.mu.Unlock()
		if cp == nil {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-wait:
				continue
			}
		}
		if err := handle(ctx, cp); err != nil {
			return err
		}
		next++
	}
}

// Checkpoint builds a checkpoint holding one successful transaction per event group:
// txs[i] are the Walrus events emitted by transaction i, as BCS under the package pkg.
// Digests are derived from the sequence and indices. It is how tests and local tools
// make the events a real chain would deliver.
func Checkpoint(seq uint64, pkg walrus.ID, txs ...[]walrus.Event) *chain.Checkpoint {
	cp := &chain.Checkpoint{Sequence: seq, TimestampMs: 1_700_000_000_000 + seq*1000} // from November 2023, a second apart
	cp.Digest[0], cp.Digest[1] = byte(seq>>8), byte(seq)
	for ti, evs := range txs {
		eff := sui.NewEffectsV2(sui.TransactionEffectsV2{})
		tx := chain.Transaction{Effects: &eff}
		tx.Digest[0], tx.Digest[1], tx.Digest[2], tx.Digest[3] = 0xee, byte(seq>>8), byte(seq), byte(ti)
		for _, ev := range evs {
			tx.Events = append(tx.Events, sui.Event{
				PackageID:         pkg,
				TransactionModule: "system",
				Type:              sui.StructTag{Address: pkg, Module: walrus.EventsModule, Name: walrus.EventTypeName(ev)},
				Contents:          bcsOf(ev),
			})
		}
		cp.Transactions = append(cp.Transactions, tx)
	}
	return cp
}

func bcsOf(ev walrus.Event) []byte { return bcs.Marshal(ev) }
