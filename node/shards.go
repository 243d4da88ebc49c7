package node

import (
	"fmt"
	"sort"
	"sync"

	"go.uber.org/zap"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/node/api"
	"github.com/tuskstore/tusk/node/store"
)

// shardTable mirrors the durable shard records in memory. Its lock also serialises
// every write of a record (and of the epoch-change record): a writer holds it from the
// check of the record it builds on to the commit and the update of the table, so that
// an epoch change and a shard's sync never overwrite each other.
type shardTable struct {
	mu   sync.Mutex
	recs map[uint16]store.ShardRecord
}

// get returns a shard's record.
func (t *shardTable) get(shard uint16) (store.ShardRecord, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	r, ok := t.recs[shard]
	return r, ok
}

// snapshot copies the records.
func (t *shardTable) snapshot() map[uint16]store.ShardRecord {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make(map[uint16]store.ShardRecord, len(t.recs))
	for sh, r := range t.recs {
		out[sh] = r
	}
	return out
}

// holds reports whether the node may have data of a shard: it owns it, or keeps it
// read-only after losing it.
func (t *shardTable) holds(shard uint16) bool {
	_, ok := t.get(shard)
	return ok
}

// heldShards is the shards the node serves reads from: those it owns in v and those it
// keeps read-only, ascending.
func (n *Node) heldShards(v *view) []uint16 {
	recs := n.shards.snapshot()
	out := append([]uint16(nil), v.owned...)
	for sh := range recs {
		if !v.owns(int(sh)) {
			out = append(out, sh)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// servesShard reports whether reads of a shard are answered from the store.
func (n *Node) servesShard(v *view, shard int) bool {
	return v.owns(shard) || (shard >= 0 && shard < v.params.NShards && n.shards.holds(uint16(shard)))
}

// loadShards reads the shard records. A store without an epoch-change record (a new
// node, or one that ran before shards moved) takes the shards of the current committee
// as complete and keeps the data of any other shard read-only until the next epoch
// change; no epoch_sync_done is due for that epoch.
func (n *Node) loadShards(v *view) error {
	recs, err := n.store.ShardRecords()
	if err != nil {
		return err
	}
	_, ok, err := n.store.EpochChange()
	if err != nil {
		return err
	}
	if !ok {
		b := n.store.NewBatch()
		for _, sh := range v.owned {
			recs[sh] = store.ShardRecord{State: store.ShardReady, Epoch: v.epoch}
		}
		for _, sh := range n.store.Shards() {
			if _, owned := recs[sh]; !owned {
				recs[sh] = store.ShardRecord{State: store.ShardReadOnly, Epoch: v.epoch}
			}
		}
		for sh, r := range recs {
			b.PutShardRecord(sh, &r)
		}
		b.SetEpochChange(store.EpochChange{Epoch: v.epoch, Attested: true})
		if err := b.Commit(true); err != nil {
			return fmt.Errorf("node: initialise the shard records: %w", err)
		}
		n.log.Info("shard records initialised from the committee", zap.Uint32("epoch", v.epoch),
			zap.Uint16s("owned", v.owned), zap.Int("read_only", len(recs)-len(v.owned)))
	}
	n.shards.mu.Lock()
	n.shards.recs = recs
	n.shards.mu.Unlock()
	n.updateShardGauges()
	return nil
}

// shardPlan is what an epoch change does to the shard records.
type shardPlan struct {
	put     map[uint16]store.ShardRecord
	drop    []uint16 // records and data deleted
	gained  []uint16
	lost    []uint16
	unknown []uint16 // gained shards without a previous owner to sync from
}

// planShards computes the shard changes of the change to next's epoch, from the
// current records, the shards with data in the store, and the previous committee (nil
// if unknown): gained shards are synced from their previous owner (recovered if there
// is none), lost ones become read-only, and read-only ones not owned for a whole epoch
// are deleted, with data of shards that have no record (Walrus ShardDiffCalculator).
func planShards(recs map[uint16]store.ShardRecord, withData []uint16, next *view, prev *chain.Committee, self walrus.ID) shardPlan {
	p := shardPlan{put: map[uint16]store.ShardRecord{}}
	e := next.epoch
	for _, sh := range next.owned {
		if r, ok := recs[sh]; ok && r.State.Owned() {
			continue
		}
		p.gained = append(p.gained, sh)
		src := previousOwner(prev, e, sh, self)
		if src == nil {
			p.unknown = append(p.unknown, sh)
			p.put[sh] = store.ShardRecord{State: store.ShardRecovering, Epoch: e}
			continue
		}
		p.put[sh] = store.ShardRecord{State: store.ShardSyncing, Epoch: e, Source: src}
	}
	for _, sh := range sortedShards(recs) {
		r := recs[sh]
		switch {
		case next.owns(int(sh)):
		case r.State.Owned():
			p.lost = append(p.lost, sh)
			p.put[sh] = store.ShardRecord{State: store.ShardReadOnly, Epoch: e}
		case r.Epoch < e:
			p.drop = append(p.drop, sh)
		}
	}
	for _, sh := range withData {
		if _, ok := recs[sh]; !ok && !next.owns(int(sh)) {
			p.drop = append(p.drop, sh)
		}
	}
	return p
}

// previousOwner is the member of prev (the committee of epoch e-1) that held shard, if
// it is another node.
func previousOwner(prev *chain.Committee, e uint32, shard uint16, self walrus.ID) *store.ShardSource {
	if prev == nil || prev.Epoch+1 != e {
		return nil
	}
	i, ok := prev.ShardOwner(shard)
	if !ok || prev.Members[i].NodeID == self {
		return nil
	}
	m := &prev.Members[i]
	return &store.ShardSource{NodeID: m.NodeID, NetworkAddress: m.NetworkAddress, NetworkPublicKey: append([]byte(nil), m.NetworkPublicKey...)}
}

func sortedShards(recs map[uint16]store.ShardRecord) []uint16 {
	out := make([]uint16, 0, len(recs))
	for sh := range recs {
		out = append(out, sh)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// apply writes the plan into b, and returns the records after it.
func (p *shardPlan) apply(b *store.Batch, recs map[uint16]store.ShardRecord) map[uint16]store.ShardRecord {
	out := make(map[uint16]store.ShardRecord, len(recs)+len(p.put))
	for sh, r := range recs {
		out[sh] = r
	}
	for _, sh := range p.drop {
		b.DeleteShard(sh)
		delete(out, sh)
	}
	for sh, r := range p.put {
		b.PutShardRecord(sh, &r)
		out[sh] = r
	}
	return out
}

// updateShardGauges sets the shards-by-state gauge.
func (n *Node) updateShardGauges() {
	counts := map[store.ShardState]int{}
	for _, r := range n.shards.snapshot() {
		counts[r.State]++
	}
	for _, s := range []store.ShardState{store.ShardReady, store.ShardSyncing, store.ShardRecovering, store.ShardReadOnly} {
		n.shardMetrics.shards.WithLabelValues(s.String()).Set(float64(counts[s]))
	}
}

// shardHealth is the shard part of GET /v1/health: the owned shards by state (a shard
// without a record, which the node owns by a committee whose epoch change it has not
// applied yet, is unknown) and the read-only ones (Walrus ShardStatusSummary).
func (n *Node) shardHealth(v *view) (api.ShardStatusSummary, *api.ShardStatusDetail) {
	recs := n.shards.snapshot()
	sum := api.ShardStatusSummary{Owned: len(v.owned)}
	detail := &api.ShardStatusDetail{Owned: []api.ShardHealthInfo{}, Other: []api.ShardHealthInfo{}}
	for _, sh := range v.owned {
		st := api.ShardUnknown
		if r, ok := recs[sh]; ok {
			switch r.State {
			case store.ShardReady:
				st = api.ShardReady
			case store.ShardSyncing:
				st = api.ShardInTransfer
			case store.ShardRecovering:
				st = api.ShardInRecovery
			}
		}
		switch st {
		case api.ShardReady:
			sum.OwnedShardStatus.Ready++
		case api.ShardInTransfer:
			sum.OwnedShardStatus.InTransfer++
		case api.ShardInRecovery:
			sum.OwnedShardStatus.InRecovery++
		default:
			sum.OwnedShardStatus.Unknown++
		}
		detail.Owned = append(detail.Owned, api.ShardHealthInfo{Shard: sh, Status: st})
	}
	for _, sh := range sortedShards(recs) {
		if !v.owns(int(sh)) {
			sum.ReadOnly++
			detail.Other = append(detail.Other, api.ShardHealthInfo{Shard: sh, Status: api.ShardReadOnly})
		}
	}
	return sum, detail
}
