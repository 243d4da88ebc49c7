package node

import (
	"context"

	"go.uber.org/zap"

	"github.com/tuskstore/tusk/node/store"
)

// epochSyncLoop submits epoch_sync_done for the last epoch change once every shard the
// node owns is ready (at once if it gained none), retrying with backoff until the chain
// accepts it, and records it durably so that a restart does not submit it again. It is
// not due if the node is not in the committee, has no ChainWriter, or the epoch moved
// on before it could be submitted (the change to a later epoch is the one to attest).
func (n *Node) epochSyncLoop(ctx context.Context) error {
	kick(n.attestKick)
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-n.attestKick:
		}
		ec, ok, err := n.store.EpochChange()
		if err != nil {
			n.log.Error("reading the epoch change record failed", zap.Error(err))
			continue
		}
		if !ok || ec.Attested || !n.ownedShardsReady() {
			continue
		}
		n.attest(ctx, ec.Epoch)
	}
}

// ownedShardsReady reports whether every shard the node owns is ready.
func (n *Node) ownedShardsReady() bool {
	v := n.v()
	for _, sh := range v.owned {
		if r, ok := n.shards.get(sh); !ok || r.State != store.ShardReady {
			return false
		}
	}
	return true
}

// attest submits epoch_sync_done(e) until it succeeds, is no longer due, or ctx is done.
func (n *Node) attest(ctx context.Context, e uint32) {
	log := n.log.With(zap.Uint32("epoch", e))
	for attempt := 1; ; attempt++ {
		v := n.v()
		switch {
		case v.epoch != e:
			log.Info("epoch_sync_done not submitted: the node is in a later epoch", zap.Uint32("current_epoch", v.epoch))
			n.recordAttested(e)
			return
		case len(v.owned) == 0:
			log.Info("epoch_sync_done not submitted: the node holds no shard in the committee")
			n.recordAttested(e)
			return
		case n.chain == nil:
			log.Info("epoch_sync_done not submitted: the node has no chain writer")
			n.recordAttested(e)
			return
		}
		rctx, cancel := context.WithTimeout(ctx, n.cfg.Sync.RequestTimeout)
		err := n.chain.EpochSyncDone(rctx, e)
		cancel()
		if err == nil {
			if n.recordAttested(e) {
				n.shardMetrics.epochSyncDoneEpoch.Set(float64(e))
				log.Info("epoch_sync_done submitted: every owned shard is synced", zap.Uint16s("shards", v.owned))
			}
			return
		}
		if ctx.Err() != nil {
			return
		}
		d := n.backoff(attempt)
		log.Warn("epoch_sync_done failed; will retry", zap.Error(err), zap.Int("attempt", attempt), zap.Duration("in", d))
		if !sleep(ctx, d) {
			return
		}
	}
}

// recordAttested marks the epoch change to e as attested, unless a later one has been
// applied meanwhile; it reports whether it did.
func (n *Node) recordAttested(e uint32) bool {
	n.shards.mu.Lock() // the epoch change writes the record under it too
	defer n.shards.mu.Unlock()
	ec, ok, err := n.store.EpochChange()
	if err != nil || !ok || ec.Epoch != e {
		return false
	}
	b := n.store.NewBatch()
	b.SetEpochChange(store.EpochChange{Epoch: e, Attested: true})
	if err := b.Commit(true); err != nil {
		n.log.Error("recording epoch_sync_done failed", zap.Uint32("epoch", e), zap.Error(err))
		return false
	}
	return true
}
