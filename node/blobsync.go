package node

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/node/api"
)

// Blob sync: a certified blob whose slivers the node lacks for some of its shards (it
// missed the upload, or was down) is queued durably with the event that certified it.
// The sync loop recovers the metadata from a peer, then each missing sliver from
// recovery symbols: those its own other slivers give, and those the other committee
// members serve (each verified against the metadata), n-f of them for a primary sliver
// and n-2f for a secondary one. A failed attempt is retried with backoff; a blob that
// is no longer certified (deleted, invalid, expired) is dropped from the queue.

// errNotEnoughSymbols: the peers did not give enough valid symbols (yet).
var errNotEnoughSymbols = errors.New("node: not enough recovery symbols")

type syncState struct {
	attempts int
	next     time.Time
}

// syncLoop runs queued blob syncs, at most Sync.Concurrency at a time, until ctx is
// done; it waits for the running ones before returning.
func (n *Node) syncLoop(ctx context.Context) error {
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		inflight = map[encoding.BlobID]bool{}
		state    = map[encoding.BlobID]*syncState{}
		done     = make(chan struct{}, 1)
	)
	defer wg.Wait()
	for {
		jobs, err := n.store.SyncJobs()
		if err != nil {
			n.log.Error("reading the blob sync queue failed", zap.Error(err))
		}
		n.metrics.syncQueued.Set(float64(len(jobs)))
		now := time.Now()
		var wake time.Time
		mu.Lock()
		queued := make(map[encoding.BlobID]bool, len(jobs))
		for _, id := range jobs {
			queued[id] = true
			if inflight[id] {
				continue
			}
			st := state[id]
			if st == nil {
				st = &syncState{}
				state[id] = st
			}
			if st.next.After(now) {
				if wake.IsZero() || st.next.Before(wake) {
					wake = st.next
				}
				continue
			}
			if len(inflight) >= n.cfg.Sync.Concurrency {
				break
			}
			inflight[id] = true
			n.metrics.syncInFlight.Set(float64(len(inflight)))
			wg.Add(1)
			go func(id encoding.BlobID, st *syncState) {
				defer wg.Done()
				err := n.syncBlob(ctx, id)
				mu.Lock()
				delete(inflight, id)
				n.metrics.syncInFlight.Set(float64(len(inflight)))
				if err != nil && ctx.Err() == nil {
					st.attempts++
					d := min(n.cfg.Sync.RetryMin<<min(st.attempts-1, 20), n.cfg.Sync.RetryMax)
					st.next = time.Now().Add(d)
					n.log.Warn("blob sync failed; will retry", zap.Stringer("blob_id", id), zap.Error(err),
						zap.Int("attempt", st.attempts), zap.Duration("in", d))
				}
				mu.Unlock()
				kick(done)
			}(id, st)
		}
		for id := range state {
			if !queued[id] && !inflight[id] {
				delete(state, id)
			}
		}
		mu.Unlock()

		var (
			timer <-chan time.Time
			t     *time.Timer
		)
		if !wake.IsZero() {
			t = time.NewTimer(time.Until(wake))
			timer = t.C
		}
		select {
		case <-ctx.Done():
			return nil
		case <-n.syncKick:
		case <-done:
		case <-timer:
		}
		if t != nil {
			t.Stop()
		}
	}
}

// syncBlob brings one blob to fully stored, or returns why not. A nil error also
// covers a blob dropped from the queue.
func (n *Node) syncBlob(ctx context.Context, id encoding.BlobID) error {
	v := n.v()
	in, err := n.store.BlobInfo(id)
	if err != nil {
		return err
	}
	if !in.IsCertified(v.epoch) {
		n.log.Debug("blob no longer certified; sync dropped", zap.Stringer("blob_id", id))
		return n.dropSyncJob(id)
	}
	vm, err := n.verifiedMetadata(v, id)
	if err != nil {
		return err
	}
	if vm == nil {
		if vm, err = n.fetchMetadata(ctx, v, id); err != nil {
			n.metrics.syncFailed.WithLabelValues("metadata").Inc()
			return err
		}
	}
	recovered := 0
	for _, sh := range v.owned {
		pair := v.params.PairForShard(id, int(sh))
		for _, axis := range []encoding.Axis{encoding.Primary, encoding.Secondary} {
			if ok, err := n.store.HasSliver(sh, axis, id); err != nil {
				return err
			} else if ok {
				continue
			}
			s, err := n.recoverSliver(ctx, v, *vm, axis, v.params.SliverOfPair(axis, pair))
			if ie := (*encoding.InconsistencyError)(nil); errors.As(err, &ie) {
				n.metrics.syncFailed.WithLabelValues("inconsistent").Inc()
				n.log.Warn("blob is inconsistently encoded; invalidating it", zap.Stringer("blob_id", id), zap.Error(err))
				if err := n.invalidate(ctx, v, id, &ie.Proof); err != nil {
					if errors.Is(err, errNoChainWriter) {
						n.log.Error("cannot invalidate the inconsistent blob: the node has no chain writer; sync abandoned", zap.Stringer("blob_id", id))
						return n.dropSyncJob(id)
					}
					return err // retried with backoff until the InvalidBlobID event drops the job
				}
				return n.dropSyncJob(id)
			}
			if err != nil {
				n.metrics.syncFailed.WithLabelValues("symbols").Inc()
				return err
			}
			stored, err := n.storeSliverIfRegistered(v, id, sh, &s)
			if err != nil {
				return err
			}
			if stored {
				recovered++
				n.metrics.sliversRecovered.WithLabelValues(axis.String()).Inc()
			}
		}
	}
	if err := n.dropSyncJob(id); err != nil {
		return err
	}
	n.metrics.syncCompleted.Inc()
	n.log.Info("blob synced", zap.Stringer("blob_id", id), zap.Int("slivers_recovered", recovered))
	return nil
}

func (n *Node) dropSyncJob(id encoding.BlobID) error {
	b := n.store.NewBatch()
	b.DeleteSyncJob(id)
	return b.Commit(true)
}

// peers returns the other committee members, in random order.
func (n *Node) otherMembers(v *view) []*chain.CommitteeMember {
	var out []*chain.CommitteeMember
	for i := range v.committee.Members {
		if m := &v.committee.Members[i]; m.NodeID != n.self {
			out = append(out, m)
		}
	}
	rand.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// fetchMetadata gets the metadata from the first peer whose answer verifies, and
// stores it.
func (n *Node) fetchMetadata(ctx context.Context, v *view, id encoding.BlobID) (*encoding.VerifiedMetadata, error) {
	var errs []error
	for _, m := range n.otherMembers(v) {
		p, err := n.peers.Dial(m)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		rctx, cancel := context.WithTimeout(ctx, n.cfg.Sync.RequestTimeout)
		md, err := p.Metadata(rctx, id)
		cancel()
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", m.NodeID, err))
			continue
		}
		vm, err := encoding.VerifyMetadata(v.params, id, md.Metadata)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s sent metadata that does not verify: %w", m.NodeID, err))
			continue
		}
		if _, err := n.storeMetadataIfRegistered(id, &md.Metadata); err != nil {
			return nil, err
		}
		return &vm, nil
	}
	return nil, fmt.Errorf("node: no peer gave the metadata of %s: %w", id, errors.Join(errs...))
}

// recoverSliver rebuilds sliver target of axis from recovery symbols: first those the
// node's own slivers give, then those of its peers.
func (n *Node) recoverSliver(ctx context.Context, v *view, vm encoding.VerifiedMetadata, axis encoding.Axis, target int) (encoding.Sliver, error) {
	id := vm.BlobID()
	need := v.params.SecondarySymbols() // a primary sliver has n-f symbols
	if axis == encoding.Secondary {
		need = v.params.PrimarySymbols()
	}
	have := map[uint16]encoding.GeneralRecoverySymbol{}
	src := axis.Orthogonal()
	for _, sh := range v.owned {
		s, err := n.store.Sliver(sh, src, id)
		if err != nil {
			return encoding.Sliver{}, err
		}
		if s == nil {
			continue
		}
		syms, err := v.codec.RecoverySymbols(*s, []int{target})
		if err != nil {
			return encoding.Sliver{}, fmt.Errorf("node: local recovery symbols: %w", err)
		}
		for _, g := range syms {
			have[g.Symbol.Index] = g
		}
	}
	filter := api.RecoverSliver(uint16(target), axis)
	var errs []error
	for _, m := range n.otherMembers(v) {
		if len(have) >= need {
			break
		}
		p, err := n.peers.Dial(m)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		rctx, cancel := context.WithTimeout(ctx, n.cfg.Sync.RequestTimeout)
		syms, err := p.RecoverySymbols(rctx, id, filter)
		cancel()
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", m.NodeID, err))
			continue
		}
		for _, g := range syms {
			if g.TargetAxis != axis || int(g.TargetIndex) != target {
				continue
			}
			if err := vm.VerifyRecoverySymbol(g); err != nil {
				errs = append(errs, fmt.Errorf("%s sent a recovery symbol that does not verify: %w", m.NodeID, err))
				continue
			}
			have[g.Symbol.Index] = g
		}
	}
	if len(have) < need {
		return encoding.Sliver{}, fmt.Errorf("%w: %d of %d for %s sliver %d of %s: %w",
			errNotEnoughSymbols, len(have), need, axis, target, id, errors.Join(errs...))
	}
	list := make([]encoding.GeneralRecoverySymbol, 0, len(have))
	for _, g := range have {
		list = append(list, g)
	}
	s, err := v.codec.RecoverSliver(vm, axis, target, list)
	if err != nil { // an *encoding.InconsistencyError when the blob is inconsistently encoded
		return encoding.Sliver{}, fmt.Errorf("node: recover %s sliver %d of %s: %w", axis, target, id, err)
	}
	return s, nil
}
