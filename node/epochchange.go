package node

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.uber.org/zap"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/node/store"
)

// Epoch change: at EpochChangeStart(e) the node takes the committee of e as its view
// (uploads and confirmations follow it at once), and, in the same write as the event
// cursor, records its shard changes: gained shards are to be synced from their previous
// owner (shardsync.go), lost ones become read-only, and read-only ones it has not owned
// for a whole epoch are deleted. epoch_sync_done(e) follows once every owned shard is
// ready (epochsync.go). An event for an epoch older than the chain's current committee
// (a node catching up) changes only the view: the shards move at the event of the
// committee's own epoch.

// applyEpochChangeStart applies EpochChangeStart(e) and records it in the cursor next.
func (n *Node) applyEpochChangeStart(ctx context.Context, e uint32, next store.Cursor) error {
	c, prev, err := n.committeesFor(ctx, e)
	if err != nil {
		return err
	}
	old := n.v()
	v, err := newView(c, n.self, old.codec)
	if err != nil {
		return err
	}
	if v.epoch < old.epoch {
		return fmt.Errorf("node: committee of epoch %d is older than the current %d", v.epoch, old.epoch)
	}
	last, _, err := n.store.EpochChange()
	if err != nil {
		return err
	}
	moves := c.Epoch == e && last.Epoch < e

	n.shards.mu.Lock()
	b := n.store.NewBatch()
	var plan shardPlan
	recs := n.shards.recs
	if moves {
		plan = planShards(recs, n.store.Shards(), v, prev, n.self)
		recs = plan.apply(b, recs)
		b.SetEpochChange(store.EpochChange{Epoch: e})
	}
	b.SetCursor(next)
	err = b.Commit(true)
	if err == nil {
		n.shards.recs = recs
	}
	n.shards.mu.Unlock()
	if err != nil {
		return err
	}
	n.view.Store(v)
	n.metrics.epoch.Set(float64(v.epoch))
	n.setCursor(next)
	n.metrics.eventsApplied.Inc()
	n.updateShardGauges()

	switch {
	case !moves && c.Epoch > e:
		n.log.Info("epoch change of a past epoch: the shards move at the change to the current one",
			zap.Uint32("event_epoch", e), zap.Uint32("committee_epoch", c.Epoch))
	case !moves:
		n.log.Info("epoch change already applied", zap.Uint32("epoch", e))
	default:
		n.log.Info("epoch change", zap.Uint32("epoch", e), zap.Uint16s("owned", v.owned),
			zap.Uint16s("gained", plan.gained), zap.Uint16s("lost", plan.lost), zap.Uint16s("deleted", plan.drop),
			zap.Uint16s("gained_without_previous_owner", plan.unknown))
	}
	kick(n.gcKick)
	kick(n.shardKick)
	kick(n.attestKick)
	return nil
}

// committeesFor reads the committee of epoch e (or a later one, for a node catching
// up) and its previous committee; it waits while the chain's reads still give an
// older committee. prev is nil when the two reads do not fit together (the chain moved
// between them, or the previous committee is unknown).
func (n *Node) committeesFor(ctx context.Context, e uint32) (c, prev *chain.Committee, err error) {
	backoff := 50 * time.Millisecond
	for attempt := 0; ; attempt++ {
		c, err = n.committee.Committee(ctx)
		if err == nil && c.Epoch >= e {
			break
		}
		if err == nil {
			err = fmt.Errorf("the chain's committee is of epoch %d", c.Epoch)
		}
		if attempt%20 == 5 {
			n.log.Warn("waiting for the committee of the new epoch", zap.Uint32("epoch", e), zap.Error(err))
		}
		if !sleep(ctx, backoff) {
			return nil, nil, fmt.Errorf("node: committee of epoch %d: %w", e, errors.Join(err, ctx.Err()))
		}
		backoff = min(2*backoff, 5*time.Second)
	}
	if c.Epoch != e {
		return c, nil, nil
	}
	p, err := n.committee.PreviousCommittee(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("node: previous committee of epoch %d: %w", e, err)
	}
	if p.Epoch+1 != c.Epoch {
		n.log.Warn("the previous committee read does not precede the current one; gained shards will be recovered",
			zap.Uint32("epoch", c.Epoch), zap.Uint32("previous_epoch", p.Epoch))
		return c, nil, nil
	}
	return c, p, nil
}
