package node

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.uber.org/zap"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/node/blobinfo"
	"github.com/tuskstore/tusk/node/events"
	"github.com/tuskstore/tusk/node/store"
)

// follow applies the event stream from the durable cursor on, until ctx is done. A
// failure (of the source or of applying an event) is logged and the stream restarted
// from the cursor after a backoff: nothing is applied twice, nothing skipped.
func (n *Node) follow(ctx context.Context) error {
	backoff := time.Second
	for {
		cur := n.cursor.Load()
		err := n.events.Stream(ctx, cur.Next, n.applyBatch)
		if ctx.Err() != nil {
			return nil
		}
		if err == nil {
			err = errors.New("event stream ended")
		}
		n.log.Error("following events failed; restarting from the cursor", zap.Error(err),
			zap.Stringer("cursor", n.cursor.Load().Next), zap.Duration("in", backoff))
		if !sleep(ctx, backoff) {
			return nil
		}
		backoff = min(2*backoff, 30*time.Second)
	}
}

// applyBatch applies one checkpoint's events, each in its own atomic write with the
// cursor, then moves the cursor past the checkpoint (unless the batch is partial: more
// events of the checkpoint may follow).
func (n *Node) applyBatch(ctx context.Context, b events.Batch) error {
	for _, ev := range b.Events {
		if ev.Position.Less(n.cursor.Load().Next) {
			continue // applied before a restart
		}
		if err := n.applyEvent(ctx, ev); err != nil {
			return fmt.Errorf("node: event %s (%s): %w", ev.Position, walrus.EventTypeName(ev.Event), err)
		}
	}
	cur := *n.cursor.Load()
	if !b.Partial && cur.Next.Checkpoint <= b.Checkpoint {
		cur.Next = chain.EventPosition{Checkpoint: b.Checkpoint + 1}
		wb := n.store.NewBatch()
		wb.SetCursor(cur)
		// Losing this write in a crash only means reading the checkpoint again.
		if err := wb.Commit(false); err != nil {
			return err
		}
		n.setCursor(cur)
	}
	if b.TimestampMs > 0 {
		n.metrics.eventLag.Set(max(time.Since(time.UnixMilli(int64(b.TimestampMs))).Seconds(), 0))
	}
	return nil
}

func (n *Node) setCursor(c store.Cursor) {
	n.cursor.Store(&c)
	n.metrics.cursorCheckpoint.Set(float64(c.Next.Checkpoint))
}

func blobOf(ev walrus.Event) (encoding.BlobID, bool) {
	switch e := ev.(type) {
	case *walrus.BlobRegistered:
		return e.BlobID, true
	case *walrus.BlobCertified:
		return e.BlobID, true
	case *walrus.BlobDeleted:
		return e.BlobID, true
	case *walrus.InvalidBlobID:
		return e.BlobID, true
	}
	return encoding.BlobID{}, false
}

// applyEvent applies one event and records it in the cursor, in one write.
func (n *Node) applyEvent(ctx context.Context, ev events.Event) error {
	next := *n.cursor.Load()
	next.Next = chain.EventPosition{Checkpoint: ev.Position.Checkpoint, TxIndex: ev.Position.TxIndex, EventIndex: ev.Position.EventIndex + 1}
	next.Applied++

	id, isBlob := blobOf(ev.Event)
	if e, ok := ev.Event.(*walrus.EpochChangeStart); ok {
		return n.applyEpochChangeStart(ctx, e.Epoch, next)
	}
	if !isBlob {
		switch e := ev.Event.(type) {
		case *walrus.EpochChangeDone:
			if err := n.refreshCommittee(ctx); err != nil {
				return err
			}
			n.log.Info("epoch change event", zap.String("event", walrus.EventTypeName(e)), zap.Uint32("epoch", n.v().epoch))
			kick(n.gcKick)
		}
		b := n.store.NewBatch()
		b.SetCursor(next)
		if err := b.Commit(false); err != nil {
			return err
		}
		n.setCursor(next)
		n.metrics.eventsApplied.Inc()
		return nil
	}

	v := n.v()
	unlock := n.lock(id)
	in, err := n.store.BlobInfo(id)
	if err != nil {
		unlock()
		return err
	}
	if in == nil {
		in = &blobinfo.Info{}
	}
	b := n.store.NewBatch()
	var registered, needSync, collected bool
	switch e := ev.Event.(type) {
	case *walrus.BlobRegistered:
		in.Register(e, ev.ID)
		registered = in.IsRegistered(v.epoch)
	case *walrus.BlobCertified:
		if err := in.Certify(e, ev.ID); err != nil {
			n.log.Warn("ignoring certification", zap.Stringer("blob_id", id), zap.Error(err))
		}
		if in.IsCertified(v.epoch) {
			full, err := n.fullyStored(v, id)
			if err != nil {
				unlock()
				b.Close()
				return err
			}
			if !full {
				b.PutSyncJob(id)
				needSync = true
			}
		}
	case *walrus.BlobDeleted:
		if err := in.Delete(e); err != nil {
			n.log.Warn("ignoring deletion", zap.Stringer("blob_id", id), zap.Error(err))
		}
		if !in.IsRegistered(v.epoch) {
			b.DeleteBlobData(id)
			collected = true
		}
	case *walrus.InvalidBlobID:
		in.MarkInvalid(e.Epoch, ev.ID)
		b.DeleteBlobData(id)
		collected = true
	}
	b.PutBlobInfo(id, in)
	b.SetCursor(next)
	err = b.Commit(true)
	if err == nil && collected {
		n.pending.forget(id)
		n.updatePendingGauges()
	}
	unlock()
	if err != nil {
		return err
	}
	n.setCursor(next)
	n.metrics.eventsApplied.Inc()
	if registered {
		n.flushPending(id) // before waking confirmation requests waiting for it
		n.regs.notify(id)
	}
	if needSync {
		n.log.Debug("blob certified but not stored here; queued for sync", zap.Stringer("blob_id", id))
		kick(n.syncKick)
	}
	if collected {
		n.metrics.blobsCollected.Inc()
		n.log.Debug("blob data deleted", zap.Stringer("blob_id", id), zap.String("event", walrus.EventTypeName(ev.Event)))
	}
	return nil
}

// gcLoop deletes the data of expired blobs after each epoch change (and at start).
func (n *Node) gcLoop(ctx context.Context) error {
	kick(n.gcKick)
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-n.gcKick:
		}
		if err := n.collectExpired(ctx); err != nil && ctx.Err() == nil {
			n.log.Error("garbage collection failed", zap.Error(err))
		}
	}
}

// collectExpired drops the expired objects of every blob record and deletes the data
// of blobs with nothing live left.
func (n *Node) collectExpired(ctx context.Context) error {
	v := n.v()
	var candidates []encoding.BlobID
	err := n.store.ForEachBlobInfo(func(id encoding.BlobID, in *blobinfo.Info) error {
		for i := range in.Objects {
			if !in.Objects[i].Live(v.epoch) {
				candidates = append(candidates, id)
				break
			}
		}
		return ctx.Err()
	})
	if err != nil {
		return err
	}
	collected := 0
	for _, id := range candidates {
		done, err := n.expireBlob(v, id)
		if err != nil {
			return err
		}
		if done {
			collected++
		}
	}
	if len(candidates) > 0 {
		n.log.Info("expired blobs collected", zap.Uint32("epoch", v.epoch), zap.Int("records_updated", len(candidates)), zap.Int("blobs_deleted", collected))
	}
	return nil
}

func (n *Node) expireBlob(v *view, id encoding.BlobID) (bool, error) {
	unlock := n.lock(id)
	defer unlock()
	in, err := n.store.BlobInfo(id)
	if err != nil || in == nil || !in.Expire(v.epoch) {
		return false, err
	}
	b := n.store.NewBatch()
	collect := !in.IsRegistered(v.epoch)
	if collect {
		b.DeleteBlobData(id)
	}
	b.PutBlobInfo(id, in)
	if err := b.Commit(true); err != nil {
		return false, err
	}
	if collect {
		n.pending.forget(id)
		n.metrics.blobsCollected.Inc()
	}
	return collect, nil
}

// expireLoop drops buffered uploads older than the pending TTL.
func (n *Node) expireLoop(ctx context.Context) error {
	period := max(n.cfg.Pending.TTL/4, 100*time.Millisecond)
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		old := n.pending.expired(time.Now().Add(-n.cfg.Pending.TTL))
		if len(old) == 0 {
			continue
		}
		b := n.store.NewBatch()
		for _, e := range old {
			b.DeletePendingEntry(e)
		}
		if err := b.Commit(false); err != nil {
			n.log.Error("dropping expired buffered uploads failed", zap.Error(err))
			continue
		}
		for _, e := range old {
			n.pending.release(e)
		}
		n.updatePendingGauges()
		n.log.Debug("dropped expired buffered uploads", zap.Int("entries", len(old)))
	}
}
