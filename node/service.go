package node

import (
	"context"
	"fmt"
	"time"

	"go.uber.org/zap"

	"github.com/tuskstore/tusk/chain/messages"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/internal/bcs"
	"github.com/tuskstore/tusk/node/api"
	"github.com/tuskstore/tusk/node/blobinfo"
	"github.com/tuskstore/tusk/node/rest"
	"github.com/tuskstore/tusk/node/store"
)

var _ rest.Service = (*Node)(nil)

// v is the current view; the REST API only runs once there is one.
func (n *Node) v() *view { return n.view.Load() }

// Params are the RS2 parameters of the system.
func (n *Node) Params() encoding.Params { return n.v().params }

func notRegistered() *api.Error {
	return api.NewError(api.StatusFailedPrecondition, api.ReasonNotRegistered, "the blob has not been registered or has already expired")
}

func indexOutOfRange(index uint16, max int) *api.Error {
	return api.NewError(api.StatusInvalidArgument, api.ReasonIndexOutOfRange, "requires 0 <= index (%d) < %d", index, max).
		With("index", index).With("max", max)
}

func shardNotAssigned(shard int, epoch uint32) *api.Error {
	return api.NewError(api.StatusFailedPrecondition, api.ReasonShardNotAssigned, "shard %d is not assigned to this node in epoch %d", shard, epoch).
		With("shard", shard).With("epoch", epoch)
}

// info reads a blob's record and whether it is registered in the view's epoch.
func (n *Node) info(v *view, id encoding.BlobID) (*blobinfo.Info, bool, error) {
	in, err := n.store.BlobInfo(id)
	if err != nil {
		return nil, false, err
	}
	return in, in.IsRegistered(v.epoch), nil
}

// Metadata returns a registered blob's metadata.
func (n *Node) Metadata(_ context.Context, id encoding.BlobID) (encoding.MetadataWithID, error) {
	v := n.v()
	_, reg, err := n.info(v, id)
	if err != nil {
		return encoding.MetadataWithID{}, err
	}
	unavailable := api.NewError(api.StatusNotFound, api.ReasonMetadataNotFound, "the requested metadata is unavailable")
	if !reg {
		return encoding.MetadataWithID{}, unavailable
	}
	m, err := n.store.Metadata(id)
	if err != nil {
		return encoding.MetadataWithID{}, err
	}
	if m == nil {
		return encoding.MetadataWithID{}, unavailable
	}
	return encoding.MetadataWithID{BlobID: id, Metadata: *m}, nil
}

// MetadataStatus says whether the metadata is stored, buffered or neither.
func (n *Node) MetadataStatus(_ context.Context, id encoding.BlobID) (api.StoredOnNodeStatus, error) {
	ok, err := n.store.HasMetadata(id)
	switch {
	case err != nil:
		return "", err
	case ok:
		return api.StatusStored, nil
	case n.pending.hasMetadata(id):
		return api.StatusBuffered, nil
	}
	return api.StatusNonexistent, nil
}

// StoreMetadata verifies metadata against the blob ID and stores it if the blob is
// registered, or buffers it if pending is set.
func (n *Node) StoreMetadata(ctx context.Context, id encoding.BlobID, m *encoding.Metadata, pending bool) (api.StoreOutcome, error) {
	v := n.v()
	in, err := n.store.BlobInfo(id)
	if err != nil {
		return 0, err
	}
	if in != nil && in.Invalid != nil {
		return 0, api.NewError(api.StatusFailedPrecondition, api.ReasonInvalidBlob,
			"the blob for this metadata is invalid (event %s/%d)", in.Invalid.TxDigest, in.Invalid.EventSeq)
	}
	if has, err := n.store.HasMetadata(id); err != nil {
		return 0, err
	} else if has || n.pending.hasMetadata(id) {
		return api.AlreadyStored, nil
	}
	if m.EncodingType != encoding.RS2 {
		return 0, api.NewError(api.StatusInvalidArgument, api.ReasonUnsupportedEncodingType,
			"unsupported encoding type %d, supported types are: [RS2]", m.EncodingType)
	}
	if _, err := encoding.VerifyMetadata(v.params, id, *m); err != nil {
		return 0, api.NewError(api.StatusInvalidArgument, api.ReasonInvalidMetadata, "the provided metadata failed to verify: %v", err)
	}

	stored, err := n.storeMetadataIfRegistered(id, m)
	if err != nil || stored {
		if stored {
			return api.Stored, nil
		}
		return 0, err
	}
	if !pending {
		return 0, notRegistered()
	}
	size := len(bcs.Marshal(m))
	return n.buffer(id, store.PendingEntry{Blob: id, IsMetadata: true},
		func(now time.Time) (bool, error) { return n.pending.reserveMetadata(id, size, now) },
		func(b *store.Batch, now time.Time) { b.PutPendingMetadata(id, m, now.UnixNano()) })
}

// buffer adds one upload to the pending buffer: reserve its place in the index, then
// write it. Both happen under the blob's lock, so that a flush running for the blob's
// registration either sees the upload or runs after it, never drops it from the index
// while it is being written. If the registration was applied in between, the buffer is
// flushed at once.
func (n *Node) buffer(id encoding.BlobID, entry store.PendingEntry, reserve func(time.Time) (bool, error), put func(*store.Batch, time.Time)) (api.StoreOutcome, error) {
	unlock := n.lock(id)
	now := time.Now()
	fresh, err := reserve(now)
	if err != nil || !fresh {
		unlock()
		if err != nil {
			return 0, err
		}
		return api.AlreadyStored, nil
	}
	b := n.store.NewBatch()
	put(b, now)
	err = b.Commit(true)
	if err != nil {
		n.pending.release(entry)
	}
	unlock()
	if err != nil {
		return 0, err
	}
	n.updatePendingGauges()
	if _, reg, err := n.info(n.v(), id); err == nil && reg {
		n.flushPending(id)
	}
	return api.Buffered, nil
}

// storeMetadataIfRegistered stores verified metadata if the blob is registered now.
func (n *Node) storeMetadataIfRegistered(id encoding.BlobID, m *encoding.Metadata) (bool, error) {
	unlock := n.lock(id)
	defer unlock()
	_, reg, err := n.info(n.v(), id)
	if err != nil || !reg {
		return false, err
	}
	if has, err := n.store.HasMetadata(id); err != nil || has {
		return false, err
	}
	b := n.store.NewBatch()
	b.PutMetadata(id, m)
	if err := b.Commit(true); err != nil {
		return false, err
	}
	n.metrics.metadataStored.Inc()
	return true, nil
}

// verifiedMetadata returns the stored metadata, verified, or nil.
func (n *Node) verifiedMetadata(v *view, id encoding.BlobID) (*encoding.VerifiedMetadata, error) {
	m, err := n.store.Metadata(id)
	if err != nil || m == nil {
		return nil, err
	}
	vm, err := encoding.VerifyMetadata(v.params, id, *m)
	if err != nil {
		return nil, fmt.Errorf("node: stored metadata of %s: %w", id, err)
	}
	return &vm, nil
}

// Sliver returns a stored sliver of a registered blob.
func (n *Node) Sliver(_ context.Context, id encoding.BlobID, pair uint16, axis encoding.Axis) (*encoding.Sliver, error) {
	v := n.v()
	if int(pair) >= v.params.NShards {
		return nil, indexOutOfRange(pair, v.params.NShards)
	}
	_, reg, err := n.info(v, id)
	if err != nil {
		return nil, err
	}
	notFound := api.NewError(api.StatusNotFound, api.ReasonSliverNotFound, "the requested sliver is unavailable")
	if !reg {
		return nil, notFound
	}
	shard := v.params.ShardForPair(id, int(pair))
	s, err := n.store.Sliver(uint16(shard), axis, id)
	if err != nil {
		return nil, err
	}
	if s != nil {
		return s, nil
	}
	if !v.owns(shard) {
		return nil, shardNotAssigned(shard, v.epoch)
	}
	return nil, notFound
}

// SliverStatus says whether a sliver is stored, buffered or neither.
func (n *Node) SliverStatus(_ context.Context, id encoding.BlobID, pair uint16, axis encoding.Axis) (api.StoredOnNodeStatus, error) {
	v := n.v()
	if int(pair) >= v.params.NShards {
		return "", indexOutOfRange(pair, v.params.NShards)
	}
	shard := v.params.ShardForPair(id, int(pair))
	ok, err := n.store.HasSliver(uint16(shard), axis, id)
	switch {
	case err != nil:
		return "", err
	case ok:
		return api.StatusStored, nil
	case n.pending.hasSliver(id, pair, axis):
		return api.StatusBuffered, nil
	case !v.owns(shard):
		return "", shardNotAssigned(shard, v.epoch)
	}
	return api.StatusNonexistent, nil
}

// StoreSliver verifies a sliver against the blob's metadata and stores it in the shard
// that holds its pair, or buffers it (pending) until the blob's registration.
func (n *Node) StoreSliver(ctx context.Context, id encoding.BlobID, pair uint16, s *encoding.Sliver, pending bool) (api.StoreOutcome, error) {
	v := n.v()
	p := v.params
	if int(pair) >= p.NShards {
		return 0, indexOutOfRange(pair, p.NShards)
	}
	if int(s.Index) >= p.NShards || p.PairOfSliver(s.Axis, int(s.Index)) != int(pair) {
		return 0, api.NewError(api.StatusInvalidArgument, api.ReasonSliverIndexMismatch,
			"%s sliver index %d is inconsistent with sliver pair index %d", s.Axis, s.Index, pair).
			With("sliver_pair_index", pair).With("sliver_index", s.Index)
	}
	shard := p.ShardForPair(id, int(pair))
	for attempt := 0; ; attempt++ {
		_, reg, err := n.info(v, id)
		if err != nil {
			return 0, err
		}
		meta, persisted, err := n.currentMetadata(id)
		if err == nil && meta == nil {
			// A flush may have moved buffered metadata into the store between the two
			// reads; under the blob's lock the pair of reads is consistent.
			unlock := n.lock(id)
			meta, persisted, err = n.currentMetadata(id)
			unlock()
		}
		if err != nil {
			return 0, err
		}
		switch {
		case meta == nil && (reg || pending):
			return 0, api.NewError(api.StatusFailedPrecondition, api.ReasonMetadataNotFound, "blob metadata is required but missing")
		case meta == nil || (!reg && !pending):
			return 0, notRegistered()
		}
		if !v.owns(shard) {
			return 0, shardNotAssigned(shard, v.epoch)
		}
		if has, err := n.store.HasSliver(uint16(shard), s.Axis, id); err != nil {
			return 0, err
		} else if has || n.pending.hasSliver(id, pair, s.Axis) {
			return api.AlreadyStored, nil
		}
		vm, err := encoding.VerifyMetadata(p, id, *meta)
		if err != nil {
			return 0, fmt.Errorf("node: metadata of %s: %w", id, err)
		}
		if err := v.codec.VerifySliver(vm, *s); err != nil {
			return 0, api.NewError(api.StatusInvalidArgument, api.ReasonInvalidSliver, "the provided sliver is invalid: %v", err)
		}
		if persisted {
			stored, err := n.storeSliverIfRegistered(v, id, uint16(shard), s)
			switch {
			case err != nil:
				return 0, err
			case stored:
				return api.Stored, nil
			}
			if _, reg, err := n.info(v, id); err == nil && !reg {
				return 0, notRegistered()
			}
			return api.AlreadyStored, nil
		}
		if reg && attempt == 0 {
			// Registered, but the metadata is still buffered: flush, then store directly.
			n.flushPending(id)
			continue
		}
		return n.bufferSliver(id, pair, s)
	}
}

// currentMetadata returns the blob's stored metadata (persisted) or else its buffered
// metadata, or nil.
func (n *Node) currentMetadata(id encoding.BlobID) (meta *encoding.Metadata, persisted bool, err error) {
	if meta, err = n.store.Metadata(id); err != nil || meta != nil {
		return meta, meta != nil, err
	}
	if !n.pending.hasMetadata(id) {
		return nil, false, nil
	}
	meta, err = n.store.PendingMetadata(id)
	return meta, false, err
}

// storeSliverIfRegistered writes a verified sliver if the blob is still registered and
// the sliver not yet stored.
func (n *Node) storeSliverIfRegistered(v *view, id encoding.BlobID, shard uint16, s *encoding.Sliver) (bool, error) {
	unlock := n.lock(id)
	defer unlock()
	_, reg, err := n.info(v, id)
	if err != nil || !reg {
		return false, err
	}
	if has, err := n.store.HasSliver(shard, s.Axis, id); err != nil || has {
		return false, err
	}
	b := n.store.NewBatch()
	b.PutSliver(shard, id, s)
	if err := b.Commit(true); err != nil {
		return false, err
	}
	n.metrics.sliversStored.WithLabelValues(s.Axis.String()).Inc()
	n.metrics.sliverBytesStored.Add(float64(len(s.Data)))
	return true, nil
}

func (n *Node) bufferSliver(id encoding.BlobID, pair uint16, s *encoding.Sliver) (api.StoreOutcome, error) {
	return n.buffer(id, store.PendingEntry{Blob: id, Pair: pair, Axis: s.Axis},
		func(now time.Time) (bool, error) { return n.pending.reserveSliver(id, pair, s.Axis, len(s.Data), now) },
		func(b *store.Batch, now time.Time) { b.PutPendingSliver(id, pair, s, now.UnixNano()) })
}

// flushPending moves a registered blob's buffered uploads into the store, verifying
// them again, and drops the buffer. Errors are logged: the data stays buffered until
// it expires.
func (n *Node) flushPending(id encoding.BlobID) {
	if !n.pending.has(id) {
		return
	}
	unlock := n.lock(id)
	defer unlock()
	if err := n.flushPendingLocked(n.v(), id); err != nil {
		n.log.Error("flushing buffered uploads failed", zap.Stringer("blob_id", id), zap.Error(err))
	}
}

func (n *Node) flushPendingLocked(v *view, id encoding.BlobID) error {
	if !n.pending.has(id) {
		return nil
	}
	_, reg, err := n.info(v, id)
	if err != nil || !reg {
		return err
	}
	b := n.store.NewBatch()
	defer b.Close()
	var (
		vm            *encoding.VerifiedMetadata
		newMeta       bool
		storedSlivers []*encoding.Sliver
	)
	if vm, err = n.verifiedMetadata(v, id); err != nil {
		return err
	}
	if vm == nil {
		pm, err := n.store.PendingMetadata(id)
		if err != nil {
			return err
		}
		if pm != nil {
			m, err := encoding.VerifyMetadata(v.params, id, *pm)
			if err != nil {
				n.log.Warn("dropping buffered metadata that does not verify", zap.Stringer("blob_id", id), zap.Error(err))
			} else {
				vm, newMeta = &m, true
				b.PutMetadata(id, pm)
			}
		}
	}
	pairs, slivers, err := n.store.PendingSlivers(id)
	if err != nil {
		return err
	}
	for i := range slivers {
		s := &slivers[i]
		shard := v.params.ShardForPair(id, int(pairs[i]))
		if vm == nil || !v.owns(shard) || v.params.PairOfSliver(s.Axis, int(s.Index)) != int(pairs[i]) {
			continue
		}
		if has, err := n.store.HasSliver(uint16(shard), s.Axis, id); err != nil {
			return err
		} else if has {
			continue
		}
		if err := v.codec.VerifySliver(*vm, *s); err != nil {
			n.log.Warn("dropping a buffered sliver that does not verify", zap.Stringer("blob_id", id), zap.Error(err))
			continue
		}
		b.PutSliver(uint16(shard), id, s)
		storedSlivers = append(storedSlivers, s)
	}
	b.DeletePending(id)
	if err := b.Commit(true); err != nil {
		return err
	}
	n.pending.forget(id)
	n.updatePendingGauges()
	if newMeta {
		n.metrics.metadataStored.Inc()
	}
	for _, s := range storedSlivers {
		n.metrics.sliversStored.WithLabelValues(s.Axis.String()).Inc()
		n.metrics.sliverBytesStored.Add(float64(len(s.Data)))
	}
	n.log.Debug("flushed buffered uploads", zap.Stringer("blob_id", id), zap.Bool("metadata", newMeta), zap.Int("slivers", len(storedSlivers)))
	return nil
}

func (n *Node) updatePendingGauges() {
	b, e := n.pending.totals()
	n.metrics.pendingBytes.Set(float64(b))
	n.metrics.pendingEntries.Set(float64(e))
}

// fullyStored reports whether both slivers of every shard the view owns are stored.
func (n *Node) fullyStored(v *view, id encoding.BlobID) (bool, error) {
	for _, sh := range v.owned {
		for _, axis := range []encoding.Axis{encoding.Primary, encoding.Secondary} {
			ok, err := n.store.HasSliver(sh, axis, id)
			if err != nil || !ok {
				return false, err
			}
		}
	}
	return true, nil
}

// Confirmation signs a storage confirmation, if the blob (or the deletable object) is
// registered in the current epoch and every sliver of every shard the node holds is
// stored. With wait.ForRegistration, a request for a blob whose uploads are buffered
// waits (up to the configured maximum) for its registration.
func (n *Node) Confirmation(ctx context.Context, id encoding.BlobID, object *walrus.ID, wait api.ConfirmationWait) (messages.SignedMessage, error) {
	sm, err := n.confirm(id, object)
	if api.ReasonOf(err) != api.ReasonNotRegistered || !wait.ForRegistration || n.cfg.ConfirmationWaitMax <= 0 {
		return sm, err
	}
	d := n.cfg.ConfirmationWaitMax
	if wait.Wait > 0 && wait.Wait < d {
		d = wait.Wait
	}
	if !n.pending.has(id) {
		return sm, err // only wait for blobs with buffered data, as Walrus
	}
	ch, release := n.regs.wait(id)
	defer release()
	if _, reg, ierr := n.info(n.v(), id); ierr == nil && reg {
		return n.confirm(id, object)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ch:
		return n.confirm(id, object)
	case <-t.C:
		return sm, err
	case <-ctx.Done():
		return sm, err
	}
}

func (n *Node) confirm(id encoding.BlobID, object *walrus.ID) (messages.SignedMessage, error) {
	v := n.v()
	in, reg, err := n.info(v, id)
	if err != nil {
		return messages.SignedMessage{}, err
	}
	if !reg {
		return messages.SignedMessage{}, notRegistered()
	}
	n.flushPending(id)
	full, err := n.fullyStored(v, id)
	if err != nil {
		return messages.SignedMessage{}, err
	}
	if !full {
		return messages.SignedMessage{}, api.NewError(api.StatusFailedPrecondition, api.ReasonMissingSlivers, "the required slivers are not all stored")
	}
	persistence := messages.Permanent()
	if object != nil {
		if !in.ObjectRegistered(*object, v.epoch) {
			return messages.SignedMessage{}, notRegistered()
		}
		persistence = messages.Deletable(*object)
	} else if !hasLivePermanent(in, v.epoch) {
		return messages.SignedMessage{}, notRegistered()
	}
	msg := messages.NewStorageConfirmationMessage(v.epoch, messages.StorageConfirmation{BlobID: id, Persistence: persistence})
	sm := messages.Sign(n.key, msg)
	label := "permanent"
	if object != nil {
		label = "deletable"
	}
	n.metrics.confirmationsSigned.WithLabelValues(label).Inc()
	return sm, nil
}

// hasLivePermanent reports whether a permanent Blob object is live. Walrus signs a
// permanent confirmation for any registered blob; tusk requires a permanent object, so
// that a confirmation never vouches for a persistence nobody paid for.
func hasLivePermanent(in *blobinfo.Info, epoch uint32) bool {
	for i := range in.Objects {
		if !in.Objects[i].Deletable && in.Objects[i].Live(epoch) {
			return true
		}
	}
	return false
}

type symbolSource struct {
	axis  encoding.Axis
	index uint16
}

// RecoverySymbols computes recovery symbols from the slivers the node holds (in the
// shards it owns and those it keeps read-only).
func (n *Node) RecoverySymbols(_ context.Context, id encoding.BlobID, f api.RecoverySymbolsFilter) ([]encoding.GeneralRecoverySymbol, error) {
	v := n.v()
	p := v.params
	if _, reg, err := n.info(v, id); err != nil {
		return nil, err
	} else if !reg {
		return nil, api.NewError(api.StatusNotFound, api.ReasonSliverNotFound, "the requested sliver is unavailable")
	}
	ids := f.IDs
	targets := []encoding.Axis{encoding.Secondary, encoding.Primary}
	if len(ids) == 0 {
		targets = []encoding.Axis{f.TargetAxis}
		if int(f.TargetSliver) >= p.NShards {
			return nil, indexOutOfRange(f.TargetSliver, p.NShards)
		}
		for _, sh := range n.heldShards(v) {
			pair := p.PairForShard(id, int(sh))
			if f.TargetAxis == encoding.Primary {
				ids = append(ids, api.SymbolID{Primary: f.TargetSliver, Secondary: uint16(p.SliverOfPair(encoding.Secondary, pair))})
			} else {
				ids = append(ids, api.SymbolID{Primary: uint16(pair), Secondary: f.TargetSliver})
			}
		}
	}
	if f.ProofAxis != nil {
		if len(f.IDs) == 0 && f.ProofAxis.Orthogonal() != f.TargetAxis {
			return nil, api.NewError(api.StatusInvalidArgument, api.ReasonInvalidFilter,
				"the filter is invalid: symbols for %s slivers have proofs against %s slivers, not %s",
				f.TargetAxis, f.TargetAxis.Orthogonal(), *f.ProofAxis)
		}
		targets = []encoding.Axis{f.ProofAxis.Orthogonal()}
	}
	var lastErr error = api.NewError(api.StatusFailedPrecondition, api.ReasonSymbolNotPresentAtShards,
		"the requested recovery symbol is not the responsibility of this node's shards")
	if len(ids) == 0 {
		lastErr = api.NewError(api.StatusFailedPrecondition, api.ReasonNoSymbolsSpecified, "at least one symbol ID must be specified")
	}
	slivers := map[symbolSource]*encoding.Sliver{}
	type want struct {
		src    symbolSource
		target uint16
	}
	var wants []want
	groups := map[symbolSource][]int{}
	for _, sid := range ids {
		if int(sid.Primary) >= p.NShards || int(sid.Secondary) >= p.NShards {
			lastErr = indexOutOfRange(max(sid.Primary, sid.Secondary), p.NShards)
			continue
		}
		for _, t := range targets {
			src, target := symbolSource{encoding.Primary, sid.Primary}, sid.Secondary
			if t == encoding.Primary {
				src, target = symbolSource{encoding.Secondary, sid.Secondary}, sid.Primary
			}
			shard := p.ShardForPair(id, p.PairOfSliver(src.axis, int(src.index)))
			if !n.servesShard(v, shard) {
				continue
			}
			s, ok := slivers[src]
			if !ok {
				var err error
				if s, err = n.store.Sliver(uint16(shard), src.axis, id); err != nil {
					return nil, err
				}
				slivers[src] = s
			}
			if s == nil {
				lastErr = api.NewError(api.StatusNotFound, api.ReasonSliverNotFound, "the sliver from which to extract the recovery symbol is unavailable")
				continue
			}
			wants = append(wants, want{src, target})
			groups[src] = append(groups[src], int(target))
			break
		}
	}
	if len(wants) == 0 {
		return nil, lastErr
	}
	computed := map[want]encoding.GeneralRecoverySymbol{}
	for src, ts := range groups {
		syms, err := v.codec.RecoverySymbols(*slivers[src], ts)
		if err != nil {
			return nil, fmt.Errorf("node: recovery symbols of %s: %w", id, err)
		}
		for _, g := range syms {
			computed[want{src, g.TargetIndex}] = g
		}
	}
	out := make([]encoding.GeneralRecoverySymbol, 0, len(wants))
	for _, w := range wants {
		out = append(out, computed[w])
	}
	return out, nil
}

// DecodingSymbols returns, for each target sliver (a systematic one), the symbols of it
// held in the orthogonal slivers of the node's shards.
func (n *Node) DecodingSymbols(_ context.Context, id encoding.BlobID, q api.DecodingSymbolsQuery) (api.DecodingSymbols, error) {
	v := n.v()
	p := v.params
	if _, reg, err := n.info(v, id); err != nil {
		return nil, err
	} else if !reg {
		return nil, api.NewError(api.StatusNotFound, api.ReasonSliverNotFound, "the requested sliver is unavailable")
	}
	boundary := p.PrimarySymbols()
	if q.TargetAxis == encoding.Secondary {
		boundary = p.SecondarySymbols()
	}
	for _, t := range q.TargetSlivers {
		if int(t) >= boundary {
			return nil, api.NewError(api.StatusInvalidArgument, api.ReasonRecoverySymbolOutOfRange,
				"the requested recovery symbol is out of range: target sliver index %d, max source sliver index %d, sliver type %s",
				t, boundary, q.TargetAxis)
		}
	}
	out := api.DecodingSymbols{}
	srcAxis := q.TargetAxis.Orthogonal()
	for _, sh := range n.heldShards(v) {
		pair := p.PairForShard(id, int(sh))
		s, err := n.store.Sliver(sh, srcAxis, id)
		if err != nil {
			return nil, err
		}
		if s == nil {
			continue
		}
		count := len(s.Data) / int(s.SymbolSize)
		for _, t := range q.TargetSlivers {
			if int(t) >= count {
				return nil, api.NewError(api.StatusInvalidArgument, api.ReasonRecoverySymbolOutOfRange,
					"target sliver index out of range: %d < %d", t, count)
			}
			out[t] = append(out[t], api.EitherDecodingSymbol{
				Axis:   q.TargetAxis,
				Symbol: encoding.DecodingSymbol{Index: uint16(p.SliverOfPair(srcAxis, pair)), Data: append([]byte(nil), s.Symbol(int(t))...)},
			})
		}
	}
	return out, nil
}

// InconsistencyProof verifies a proof that the blob is inconsistently encoded and signs
// an InvalidBlobId attestation.
func (n *Node) InconsistencyProof(_ context.Context, id encoding.BlobID, pr *encoding.InconsistencyProof) (messages.SignedMessage, error) {
	v := n.v()
	missing := api.NewError(api.StatusFailedPrecondition, api.ReasonMetadataNotFound, "blob metadata is required but missing")
	_, reg, err := n.info(v, id)
	if err != nil {
		return messages.SignedMessage{}, err
	}
	if !reg {
		return messages.SignedMessage{}, missing
	}
	vm, err := n.verifiedMetadata(v, id)
	if err != nil {
		return messages.SignedMessage{}, err
	}
	if vm == nil {
		return messages.SignedMessage{}, missing
	}
	if len(pr.Symbols) > v.params.NShards {
		return messages.SignedMessage{}, api.NewError(api.StatusInvalidArgument, api.ReasonInvalidProof,
			"the proof has %d symbols, more than the %d shards", len(pr.Symbols), v.params.NShards)
	}
	if err := v.codec.VerifyInconsistencyProof(*vm, *pr); err != nil {
		return messages.SignedMessage{}, api.NewError(api.StatusInvalidArgument, api.ReasonInvalidProof, "the inconsistency proof is invalid: %v", err)
	}
	n.metrics.attestationsSigned.Inc()
	return messages.Sign(n.key, messages.NewInvalidBlobIDMessage(v.epoch, id)), nil
}

// BlobStatus is the node's view of a blob ID.
func (n *Node) BlobStatus(_ context.Context, id encoding.BlobID) (api.BlobStatus, error) {
	in, err := n.store.BlobInfo(id)
	if err != nil {
		return api.BlobStatus{}, err
	}
	return in.Status(n.v().epoch), nil
}

// Health reports uptime, epoch, key, event progress and shards.
func (n *Node) Health(_ context.Context, detailed bool) (api.HealthInfo, error) {
	v := n.v()
	pk := n.key.PublicKey()
	cur := n.cursor.Load()
	info := api.HealthInfo{
		Uptime:        api.NewDuration(time.Since(n.start)),
		Epoch:         v.epoch,
		PublicKey:     api.EncodePublicKey(pk[:]),
		NodeStatus:    "Active",
		EventProgress: api.EventProgress{Persisted: cur.Applied},
	}
	summary, detail := n.shardHealth(v)
	info.ShardSummary = summary
	if cur.Applied > 0 {
		last := cur.Applied - 1
		info.EventProgress.HighestFinishedEventIndex = &last
	}
	if cur.Next.Checkpoint > 0 {
		cp := cur.Next.Checkpoint - 1
		if cur.Next.TxIndex > 0 || cur.Next.EventIndex > 0 {
			cp = cur.Next.Checkpoint
		}
		info.LatestCheckpointSequenceNumber = &cp
	}
	if detailed {
		info.ShardDetail = detail
	}
	return info, nil
}
