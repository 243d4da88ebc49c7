package indexer

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"go.uber.org/zap"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/indexer/extract"
	"github.com/tuskstore/tusk/indexer/ingest"
	"github.com/tuskstore/tusk/indexer/store"
	"github.com/tuskstore/tusk/internal/bcs"
)

// StateSource reads the current Walrus state (chain.Client): what a new database is
// seeded with before its first checkpoint, since objects that exist from genesis and
// were never written by a transaction appear in no checkpoint.
type StateSource interface {
	SystemState(ctx context.Context) (*chain.SystemState, error)
	StakingState(ctx context.Context) (*chain.StakingState, error)
	Pools(ctx context.Context, nodeIDs ...walrus.ID) ([]walrus.StakingPool, error)
}

// SnapshotVersion is the object version the snapshot's rows are written at. The reads
// do not tell the objects' versions, and every version a transaction writes is higher
// (genesis objects start at version 1), so any write of the same object that ingestion
// meets wins, and the snapshot never overwrites a row (updates need a strictly newer
// version).
const SnapshotVersion = 0

// seed writes a snapshot of the current Walrus state (the epoch with its prices,
// capacity, shard count and committee, the nodes and their stake) if the pipeline has
// no watermark yet. It is idempotent: written again after a crash before the first
// commit, it changes nothing (committees are insert-only, every other row is guarded
// by its version).
func (ix *Indexer) seed(ctx context.Context, pool *pgxpool.Pool, src StateSource) error {
	if _, ok, err := ingest.ReadWatermark(ctx, pool, PipelineName); err != nil || ok {
		return err
	}
	start, err := ingest.StartAt(ingest.Watermark{}, false, ix.cfg.FirstCheckpoint)
	if err != nil {
		return err
	}
	rows, err := snapshot(ctx, src, start)
	if err != nil {
		return fmt.Errorf("indexer: snapshot of the Walrus state: %w", err)
	}
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		// Ingestion that committed meanwhile (another process) has the newer truth; the
		// rows would not override it anyway, but there is no point in writing them.
		if _, ok, err := ingest.ReadWatermark(ctx, tx, PipelineName); err != nil || ok {
			return err
		}
		return store.Write(ctx, tx, []*extract.Rows{rows})
	})
	if err != nil {
		return fmt.Errorf("indexer: writing the snapshot of the Walrus state: %w", err)
	}
	ix.log.Info("seeded the database with the current Walrus state", zap.Int("nodes", len(rows.Nodes)),
		zap.Uint32("epoch", rows.Stakings[0].Epoch), zap.Uint64("checkpoint", start))
	return nil
}

// snapshot reads the current state as rows of checkpoint cp, at SnapshotVersion.
func snapshot(ctx context.Context, src StateSource, cp uint64) (*extract.Rows, error) {
	sys, err := src.SystemState(ctx)
	if err != nil {
		return nil, err
	}
	st, err := src.StakingState(ctx)
	if err != nil {
		return nil, err
	}
	s, k := &sys.Inner, &st.Inner
	rows := &extract.Rows{
		Checkpoint: cp,
		Systems: []extract.SystemState{{
			Epoch: s.Epoch(), Version: SnapshotVersion, StoragePrice: s.StoragePricePerUnitSize,
			WritePrice: s.WritePricePerUnitSize, TotalCapacity: s.TotalCapacitySize, UsedCapacity: s.UsedCapacitySize,
		}},
		Stakings: []extract.StakingState{{
			Epoch: k.Epoch, Version: SnapshotVersion, NShards: k.NShards, EpochDurationMs: k.EpochDuration,
			Committee: k.Committee,
		}},
	}
	// The nodes: the current committee (System's and Staking's) and the next one.
	var ids []walrus.ID
	seen := map[walrus.ID]bool{}
	add := func(id walrus.ID) {
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	for _, m := range s.Committee.Members {
		add(m.NodeID)
	}
	for _, id := range k.Committee.NodeIDs() {
		add(id)
	}
	if k.NextCommittee != nil {
		for _, id := range k.NextCommittee.NodeIDs() {
			add(id)
		}
	}
	pools, err := readPools(ctx, src, ids)
	if err != nil {
		return nil, err
	}
	for _, p := range pools {
		var pending uint64
		for _, v := range p.PendingStake {
			if pending+v.Value >= pending {
				pending += v.Value
			}
		}
		rows.Nodes = append(rows.Nodes, extract.NodeWrite{Checkpoint: cp, Version: SnapshotVersion, Pool: p, BCS: bcs.Marshal(p)})
		rows.Stake = append(rows.Stake, extract.Stake{
			NodeID: p.ID, Epoch: k.Epoch, Version: SnapshotVersion, WalBalance: p.WalBalance, NumShares: p.NumShares,
			PendingStake: pending, CommissionRate: p.CommissionRate, Checkpoint: cp,
		})
	}
	return rows, nil
}

// readPools reads the pools in one call, or one by one leaving out those that no
// longer exist.
func readPools(ctx context.Context, src StateSource, ids []walrus.ID) ([]*walrus.StakingPool, error) {
	all, err := src.Pools(ctx, ids...)
	if err == nil {
		out := make([]*walrus.StakingPool, len(all))
		for i := range all {
			out[i] = &all[i]
		}
		return out, nil
	}
	if !errors.Is(err, chain.ErrNotFound) {
		return nil, err
	}
	var out []*walrus.StakingPool
	for _, id := range ids {
		p, err := src.Pools(ctx, id)
		if errors.Is(err, chain.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, &p[0])
	}
	return out, nil
}
