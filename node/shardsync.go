package node

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/chain/messages"
	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/node/api"
	"github.com/tuskstore/tusk/node/blobinfo"
	"github.com/tuskstore/tusk/node/store"
)

// Shard sync: a shard gained at the change to epoch e must hold the slivers of every
// blob certified before e and still live (blobinfo CertifiedBefore). Its sync runs in
// three phases, each resumable from durable progress in the shard's record:
//
//   - transfer (state syncing): for the primary, then the secondary axis, batches of
//     slivers from the shard's previous owner (POST /v1/migrate/sync_shard), each sliver
//     verified against the blob's metadata (fetched from peers if missing) and stored
//     in the same write as the axis's cursor (the last blob ID done). Blobs the owner
//     does not return, or returns invalid, are queued for blob sync (recovery from the
//     other nodes' symbols). After Sync.ShardRetries failed requests in a row the shard
//     falls back to recovery; an empty answer sends the rest of that axis to recovery.
//   - recovery (state recovering): every blob from the axis cursor on that lacks the
//     shard's sliver is queued for blob sync.
//   - completion: a walk (with its own cursor) waits until each blob has both slivers
//     of the shard, or its blob sync is gone (a blob whose sync gave up is queued once
//     more, then left); the shard is then ready.

var (
	// errShardMoved: the shard is no longer being synced for the epoch the worker runs
	// for (lost, or gained again later).
	errShardMoved = errors.New("node: the shard's sync was superseded")
	// errSourceFailed: the previous owner cannot serve the shard.
	errSourceFailed = errors.New("node: the previous owner does not serve the shard")
	// errStopWalk ends a walk over the blob records early.
	errStopWalk = errors.New("stop")
)

var axes = [2]encoding.Axis{encoding.Primary, encoding.Secondary}

// progressLogEvery spaces the progress logs of a shard transfer.
const progressLogEvery = 10 * time.Second

// gaining reports whether r is the record of a shard gained at epoch and not ready yet.
func gaining(r store.ShardRecord, epoch uint32) bool {
	return (r.State == store.ShardSyncing || r.State == store.ShardRecovering) && r.Epoch == epoch
}

// shardSyncLoop runs the syncs of gained shards, at most Sync.ShardConcurrency at a
// time, until ctx is done: it starts one for every syncing or recovering shard, stops
// those of shards lost meanwhile, and waits for them before returning.
func (n *Node) shardSyncLoop(ctx context.Context) error {
	type worker struct {
		shard  uint16
		epoch  uint32
		cancel context.CancelFunc
	}
	var (
		wg      sync.WaitGroup
		workers = map[uint16]*worker{}
		done    = make(chan *worker)
	)
	defer func() {
		for _, w := range workers {
			w.cancel()
		}
		go func() { wg.Wait(); close(done) }()
		for range done { // drain until every worker is gone
		}
	}()
	kick(n.shardKick)
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-n.shardKick:
		case w := <-done:
			if workers[w.shard] == w {
				delete(workers, w.shard)
			}
		}
		recs := n.shards.snapshot()
		for sh, w := range workers {
			if r, ok := recs[sh]; !ok || !gaining(r, w.epoch) {
				w.cancel()
			}
		}
		for _, sh := range sortedShards(recs) {
			r := recs[sh]
			if (r.State != store.ShardSyncing && r.State != store.ShardRecovering) || workers[sh] != nil {
				continue
			}
			if len(workers) >= n.cfg.Sync.ShardConcurrency {
				break
			}
			wctx, cancel := context.WithCancel(ctx)
			w := &worker{shard: sh, epoch: r.Epoch, cancel: cancel}
			workers[sh] = w
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer cancel()
				n.runShardSync(wctx, w.shard, w.epoch)
				done <- w
			}()
		}
	}
}

// runShardSync syncs one gained shard, retrying after failures with backoff, until it
// is ready, superseded, or ctx is done.
func (n *Node) runShardSync(ctx context.Context, shard uint16, epoch uint32) {
	log := n.log.With(zap.Uint16("shard", shard), zap.Uint32("epoch", epoch))
	for attempt := 1; ; attempt++ {
		err := n.syncShard(ctx, shard, epoch, log)
		switch {
		case err == nil:
			return
		case ctx.Err() != nil:
			return
		case errors.Is(err, errShardMoved):
			log.Info("shard sync superseded")
			return
		}
		d := n.backoff(attempt)
		log.Error("shard sync failed; will retry", zap.Error(err), zap.Int("attempt", attempt), zap.Duration("in", d))
		if !sleep(ctx, d) {
			return
		}
	}
}

func (n *Node) backoff(attempt int) time.Duration {
	return min(n.cfg.Sync.RetryMin<<min(attempt-1, 20), n.cfg.Sync.RetryMax)
}

// syncShard runs the phases of a gained shard's sync from where its record says.
func (n *Node) syncShard(ctx context.Context, shard uint16, epoch uint32, log *zap.Logger) error {
	r, ok := n.shards.get(shard)
	if !ok || !gaining(r, epoch) {
		return errShardMoved
	}
	log.Info("shard sync", zap.Stringer("state", r.State), zap.Bool("primary_done", r.Progress[encoding.Primary].Done),
		zap.Bool("secondary_done", r.Progress[encoding.Secondary].Done))
	if r.State == store.ShardSyncing {
		for _, axis := range axes {
			if r.Progress[axis].Done {
				continue
			}
			err := n.transferAxis(ctx, shard, epoch, axis, r.Source, log)
			if errors.Is(err, errSourceFailed) {
				log.Warn("shard transfer failed; recovering the shard from the other nodes", zap.Error(err))
				if err := n.updateShardRecord(shard, epoch, func(r *store.ShardRecord, _ *store.Batch) error {
					r.State = store.ShardRecovering
					return nil
				}); err != nil {
					return err
				}
				break
			}
			if err != nil {
				return err
			}
		}
	}
	if r, _ = n.shards.get(shard); r.State == store.ShardRecovering {
		for _, axis := range axes {
			if !r.Progress[axis].Done {
				if err := n.queueShardRecovery(ctx, shard, epoch, axis, log); err != nil {
					return err
				}
			}
		}
	}
	return n.completeShard(ctx, shard, epoch, log)
}

// updateShardRecord changes the record of a shard being gained at epoch: fn edits the
// record and may add writes to the batch that records it, committed durably.
func (n *Node) updateShardRecord(shard uint16, epoch uint32, fn func(r *store.ShardRecord, b *store.Batch) error) error {
	if err := n.updateShardRecordLocked(shard, epoch, fn); err != nil {
		return err
	}
	n.updateShardGauges()
	return nil
}

func (n *Node) updateShardRecordLocked(shard uint16, epoch uint32, fn func(r *store.ShardRecord, b *store.Batch) error) error {
	n.shards.mu.Lock()
	defer n.shards.mu.Unlock()
	r, ok := n.shards.recs[shard]
	if !ok || !gaining(r, epoch) {
		return errShardMoved
	}
	b := n.store.NewBatch()
	if err := fn(&r, b); err != nil {
		b.Close()
		return err
	}
	b.PutShardRecord(shard, &r)
	if err := b.Commit(true); err != nil {
		return err
	}
	n.shards.recs[shard] = r
	return nil
}

// shardBlobs lists, in blob ID order after cur, the blobs a shard gained at epoch must
// hold: at most limit of them (0: no limit), none after upTo (if set).
func (n *Node) shardBlobs(epoch uint32, cur store.BlobCursor, upTo *encoding.BlobID, limit int) ([]encoding.BlobID, error) {
	var out []encoding.BlobID
	end := store.BlobCursor{}
	if upTo != nil {
		end = store.BlobCursor{Set: true, Last: *upTo}
	}
	err := n.store.ForEachBlobInfoAfter(cur, func(id encoding.BlobID, in *blobinfo.Info) error {
		if end.Set && end.After(id) {
			return errStopWalk
		}
		if in.CertifiedBefore(epoch) {
			out = append(out, id)
		}
		if limit > 0 && len(out) >= limit {
			return errStopWalk
		}
		return nil
	})
	if err != nil && !errors.Is(err, errStopWalk) {
		return nil, err
	}
	return out, nil
}

// behindBudget: a previous owner that has not applied the epoch change yet (it answers
// INVALID_EPOCH with an older epoch) is waited for this many times longer than one that
// fails: right after the change, every node is applying the same event.
const behindBudget = 10

// ownerBehind reports whether err is a previous owner's INVALID_EPOCH answer naming an
// epoch older than the request's.
func ownerBehind(err error, epoch uint32) bool {
	var e *api.Error
	if !errors.As(err, &e) || e.Reason != api.ReasonInvalidEpoch {
		return false
	}
	server, ok := e.Metadata["server_epoch"].(float64)
	return ok && server < float64(epoch)
}

// transferAxis transfers the slivers of one axis of a shard from its previous owner,
// batch by batch from the axis cursor. It returns errSourceFailed when the owner fails
// more than Sync.ShardRetries times in a row (or cannot be dialled), or is still behind
// the epoch after behindBudget times as many attempts.
func (n *Node) transferAxis(ctx context.Context, shard uint16, epoch uint32, axis encoding.Axis, src *store.ShardSource, log *zap.Logger) error {
	if src == nil {
		return fmt.Errorf("%w: no previous owner is known", errSourceFailed)
	}
	peer, err := n.peers.Dial(&chain.CommitteeMember{NodeID: src.NodeID, NetworkAddress: src.NetworkAddress, NetworkPublicKey: src.NetworkPublicKey})
	if err != nil {
		return fmt.Errorf("%w: %v", errSourceFailed, err)
	}
	failures, behind := 0, 0
	batches, transferred, lastLog := 0, 0, time.Now()
	for {
		r, ok := n.shards.get(shard)
		if !ok || !gaining(r, epoch) {
			return errShardMoved
		}
		cur := r.Progress[axis].Cursor
		next, err := n.shardBlobs(epoch, cur, nil, 1)
		if err != nil {
			return err
		}
		if len(next) == 0 {
			log.Info("shard axis transferred", zap.Stringer("axis", axis), zap.Int("batches", batches), zap.Int("slivers_stored", transferred))
			return n.updateShardRecord(shard, epoch, func(r *store.ShardRecord, _ *store.Batch) error {
				r.Progress[axis].Done = true
				return nil
			})
		}
		req := messages.SyncShardRequest{ShardIndex: shard, SliverType: messages.SliverType(axis), StartingBlobID: next[0],
			SliverCount: uint64(n.cfg.Sync.ShardBatch), Epoch: epoch}
		rctx, cancel := context.WithTimeout(ctx, n.cfg.Sync.RequestTimeout)
		resp, err := peer.SyncShard(rctx, req, n.key)
		cancel()
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			n.shardMetrics.requests.WithLabelValues("failed").Inc()
			if ownerBehind(err, epoch) {
				behind++
			} else {
				failures++
			}
			if failures > n.cfg.Sync.ShardRetries || behind > behindBudget*(n.cfg.Sync.ShardRetries+1) {
				return fmt.Errorf("%w: %d requests to %s failed (%d more found it behind), the last: %v",
					errSourceFailed, failures, src.NodeID, behind, err)
			}
			d := n.backoff(failures + behind)
			log.Warn("sync_shard request failed; will retry", zap.Stringer("axis", axis), zap.Stringer("from", src.NodeID),
				zap.Error(err), zap.Int("failures", failures), zap.Int("owner_behind", behind), zap.Duration("in", d))
			if !sleep(ctx, d) {
				return ctx.Err()
			}
			continue
		}
		n.shardMetrics.requests.WithLabelValues("ok").Inc()
		failures, behind = 0, 0
		if len(resp) == 0 {
			log.Warn("the previous owner has no more slivers; recovering the rest of the axis",
				zap.Stringer("axis", axis), zap.Stringer("from_blob", next[0]))
			return n.queueShardRecovery(ctx, shard, epoch, axis, log)
		}
		batch := make([]store.BlobSliver, len(resp))
		for i := range resp {
			batch[i] = store.BlobSliver{BlobID: resp[i].BlobID, Sliver: resp[i].Sliver}
		}
		stored, err := n.storeTransferred(ctx, shard, epoch, axis, cur, batch, log)
		if err != nil {
			return err
		}
		batches, transferred = batches+1, transferred+stored
		if time.Since(lastLog) >= progressLogEvery {
			log.Info("shard transfer progress", zap.Stringer("axis", axis), zap.Stringer("from", src.NodeID),
				zap.Int("batches", batches), zap.Int("slivers_stored", transferred), zap.Stringer("up_to", batch[len(batch)-1].BlobID))
			lastLog = time.Now()
		}
	}
}

// storeTransferred stores a batch of slivers from the previous owner (the slivers of
// the shard's blobs after cur up to the last in the batch) with the axis cursor moved
// to that last blob; blobs of that range missing from the batch, or whose sliver does
// not verify, are queued for blob sync.
func (n *Node) storeTransferred(ctx context.Context, shard uint16, epoch uint32, axis encoding.Axis, cur store.BlobCursor, batch []store.BlobSliver, log *zap.Logger) (int, error) {
	v := n.v()
	last := batch[len(batch)-1].BlobID
	expected, err := n.shardBlobs(epoch, cur, &last, 0)
	if err != nil {
		return 0, err
	}
	got := make(map[encoding.BlobID]*encoding.Sliver, len(batch))
	for i := range batch {
		got[batch[i].BlobID] = &batch[i].Sliver
	}
	var (
		keep    []store.BlobSliver
		recover []encoding.BlobID
	)
	for _, id := range expected {
		s := got[id]
		if s == nil {
			recover = append(recover, id)
			continue
		}
		if err := n.verifyTransferred(ctx, v, shard, id, s); err != nil {
			if ctx.Err() != nil {
				return 0, ctx.Err()
			}
			log.Warn("transferred sliver rejected; the blob will be recovered", zap.Stringer("blob_id", id), zap.Error(err))
			n.shardMetrics.sliversRejected.Inc()
			recover = append(recover, id)
			continue
		}
		keep = append(keep, store.BlobSliver{BlobID: id, Sliver: *s})
	}
	ids := make([]encoding.BlobID, len(keep))
	for i := range keep {
		ids[i] = keep[i].BlobID
	}
	stored, bytes := 0, 0
	unlock := n.lockBlobs(ids)
	err = n.updateShardRecord(shard, epoch, func(r *store.ShardRecord, b *store.Batch) error {
		if r.State != store.ShardSyncing || r.Progress[axis].Cursor != cur {
			return errShardMoved
		}
		for i := range keep {
			id := keep[i].BlobID
			in, err := n.store.BlobInfo(id)
			if err != nil {
				return err
			}
			has, err := n.store.HasSliver(shard, axis, id)
			if err != nil {
				return err
			}
			if has || !in.IsRegistered(n.v().epoch) {
				continue // stored by an upload or a blob sync meanwhile, or deleted
			}
			b.PutSliver(shard, id, &keep[i].Sliver)
			stored++
			bytes += len(keep[i].Sliver.Data)
		}
		for _, id := range recover {
			b.PutSyncJob(id)
		}
		r.Progress[axis].Cursor = store.BlobCursor{Set: true, Last: last}
		return nil
	})
	unlock()
	if err != nil {
		return 0, err
	}
	n.shardMetrics.sliversTransferred.WithLabelValues(axis.String()).Add(float64(stored))
	n.metrics.sliversStored.WithLabelValues(axis.String()).Add(float64(stored))
	n.metrics.sliverBytesStored.Add(float64(bytes))
	if len(recover) > 0 {
		n.shardMetrics.blobsToRecover.Add(float64(len(recover)))
		kick(n.syncKick)
	}
	log.Debug("shard batch transferred", zap.Stringer("axis", axis), zap.Int("received", len(batch)),
		zap.Int("stored", stored), zap.Int("to_recover", len(recover)), zap.Stringer("up_to", last))
	return stored, nil
}

// verifyTransferred checks a transferred sliver against the blob's metadata (fetched
// from the peers if the node lacks it) and its place in the shard.
func (n *Node) verifyTransferred(ctx context.Context, v *view, shard uint16, id encoding.BlobID, s *encoding.Sliver) error {
	want := v.params.SliverOfPair(s.Axis, v.params.PairForShard(id, int(shard)))
	if int(s.Index) != want {
		return fmt.Errorf("%s sliver index %d, want %d for shard %d", s.Axis, s.Index, want, shard)
	}
	vm, err := n.verifiedMetadata(v, id)
	if err != nil {
		return err
	}
	if vm == nil {
		if vm, err = n.fetchMetadata(ctx, v, id); err != nil {
			return err
		}
	}
	return v.codec.VerifySliver(*vm, *s)
}

// queueShardRecovery queues for blob sync, batch by batch from the axis cursor, every
// blob of the shard that lacks its sliver of the axis, then marks the axis done.
func (n *Node) queueShardRecovery(ctx context.Context, shard uint16, epoch uint32, axis encoding.Axis, log *zap.Logger) error {
	total := 0
	for {
		r, ok := n.shards.get(shard)
		if !ok || !gaining(r, epoch) {
			return errShardMoved
		}
		cur := r.Progress[axis].Cursor
		chunk, err := n.shardBlobs(epoch, cur, nil, n.cfg.Sync.ShardBatch)
		if err != nil {
			return err
		}
		queued := 0
		err = n.updateShardRecord(shard, epoch, func(r *store.ShardRecord, b *store.Batch) error {
			if r.Progress[axis].Cursor != cur {
				return errShardMoved
			}
			if len(chunk) == 0 {
				r.Progress[axis].Done = true
				return nil
			}
			for _, id := range chunk {
				has, err := n.store.HasSliver(shard, axis, id)
				if err != nil {
					return err
				}
				if !has {
					b.PutSyncJob(id)
					queued++
				}
			}
			r.Progress[axis].Cursor = store.BlobCursor{Set: true, Last: chunk[len(chunk)-1]}
			return nil
		})
		if err != nil {
			return err
		}
		total += queued
		if queued > 0 {
			n.shardMetrics.blobsToRecover.Add(float64(queued))
			kick(n.syncKick)
		}
		if len(chunk) == 0 {
			log.Info("shard axis queued for recovery", zap.Stringer("axis", axis), zap.Int("blobs", total))
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
}

// completeShard waits until every blob of the shard has both its slivers, or its blob
// sync is gone, then marks the shard ready.
func (n *Node) completeShard(ctx context.Context, shard uint16, epoch uint32, log *zap.Logger) error {
	requeued := map[encoding.BlobID]bool{}
	for {
		r, ok := n.shards.get(shard)
		if !ok || !gaining(r, epoch) {
			return errShardMoved
		}
		checked := r.Checked
		var waiting, requeue *encoding.BlobID
		err := n.store.ForEachBlobInfoAfter(r.Checked, func(id encoding.BlobID, in *blobinfo.Info) error {
			if !in.CertifiedBefore(epoch) {
				checked = store.BlobCursor{Set: true, Last: id}
				return nil
			}
			complete := true
			for _, axis := range axes {
				has, err := n.store.HasSliver(shard, axis, id)
				if err != nil {
					return err
				}
				complete = complete && has
			}
			if !complete {
				queued, err := n.store.HasSyncJob(id)
				switch {
				case err != nil:
					return err
				case queued:
					waiting = &id
					return errStopWalk
				case !requeued[id]:
					requeue = &id
					return errStopWalk
				}
				log.Warn("blob left without its slivers of the shard: its sync gave up", zap.Stringer("blob_id", id))
			}
			checked = store.BlobCursor{Set: true, Last: id}
			return ctx.Err()
		})
		if err != nil && !errors.Is(err, errStopWalk) {
			return err
		}
		done := waiting == nil && requeue == nil
		if done || checked != r.Checked || requeue != nil || r.State == store.ShardSyncing {
			err := n.updateShardRecord(shard, epoch, func(rec *store.ShardRecord, b *store.Batch) error {
				if rec.Checked != r.Checked {
					return errShardMoved
				}
				if done {
					*rec = store.ShardRecord{State: store.ShardReady, Epoch: epoch}
					return nil
				}
				rec.State, rec.Checked = store.ShardRecovering, checked
				if requeue != nil {
					b.PutSyncJob(*requeue)
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
		if done {
			log.Info("shard ready")
			kick(n.attestKick)
			return nil
		}
		if requeue != nil {
			requeued[*requeue] = true
			kick(n.syncKick)
		}
		if !sleep(ctx, n.cfg.Sync.RetryMin) {
			return ctx.Err()
		}
	}
}
