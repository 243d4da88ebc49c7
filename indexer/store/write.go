// Package store is the indexer's Postgres access (pgx v5, parameterised SQL only): Write
// commits a batch of extracted rows inside the ingestion transaction, LoadState reads
// back what the extractor needs after a restart, and Reader serves the explorer API
// and the event feed.
//
// Writes are idempotent and monotonic. Events, invalid blob IDs, committees and rewards
// are inserted with ON CONFLICT DO NOTHING. Objects (blobs, blob attributes, nodes,
// stake, the epoch parameters) keep the version of the state they hold and are updated
// only by a strictly newer version, so replaying older checkpoints never brings back a
// deleted blob or an old price. Within a batch, the states of one object are folded in
// version order first, so each row is written once per statement.
package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/indexer/extract"
)

// Write writes the rows of consecutive checkpoints within tx.
func Write(ctx context.Context, tx pgx.Tx, batch []*extract.Rows) error {
	w := writer{tx: tx}
	steps := []struct {
		what string
		fn   func(context.Context, []*extract.Rows) error
	}{
		{"events", w.events},
		{"blobs", w.blobs},
		{"epochs", w.epochs},
		{"nodes", w.nodes},
		{"stats", w.stats},
	}
	for _, s := range steps {
		if err := s.fn(ctx, batch); err != nil {
			return fmt.Errorf("store: writing %s: %w", s.what, err)
		}
	}
	return nil
}

type writer struct {
	tx           pgx.Tx
	newEvents    int64
	newBlobs     int64
	writtenBlobs [][]byte
}

func idBytes(id walrus.ID) []byte { return append([]byte(nil), id[:]...) }

func optID(id *walrus.ID) []byte {
	if id == nil {
		return nil
	}
	return idBytes(*id)
}

func (w *writer) events(ctx context.Context, batch []*extract.Rows) error {
	var (
		cps, tss                          []int64
		idxs, txIdxs                      []int32
		evIdxs                            []*int32
		digests, bcs, blobIDs, objs, node [][]byte
		names, types, data                []string
	)
	for _, r := range batch {
		for i := range r.Events {
			e := &r.Events[i]
			cps = append(cps, int64(e.Checkpoint))
			idxs = append(idxs, int32(e.Index))
			digests = append(digests, append([]byte(nil), e.TxDigest[:]...))
			txIdxs = append(txIdxs, int32(e.TxIndex))
			if e.EventIndex != nil {
				v := int32(*e.EventIndex)
				evIdxs = append(evIdxs, &v)
			} else {
				evIdxs = append(evIdxs, nil)
			}
			tss = append(tss, int64(e.TimestampMs))
			names = append(names, e.Name)
			types = append(types, e.Type)
			bcs = append(bcs, e.BCS)
			data = append(data, string(e.JSON))
			if e.BlobID != nil {
				blobIDs = append(blobIDs, append([]byte(nil), e.BlobID[:]...))
			} else {
				blobIDs = append(blobIDs, nil)
			}
			objs = append(objs, optID(e.ObjectID))
			node = append(node, optID(e.NodeID))
		}
	}
	if len(cps) == 0 {
		return nil
	}
	tag, err := w.tx.Exec(ctx, `INSERT INTO events (checkpoint, idx, tx_digest, tx_index, event_index, timestamp_ms, name, type, bcs, data, blob_id, object_id, node_id)
		SELECT c, i, d, ti, ei, ts, n, t, b, j::jsonb, bl, o, nd
		FROM unnest($1::bigint[], $2::integer[], $3::bytea[], $4::integer[], $5::integer[], $6::bigint[], $7::text[], $8::text[], $9::bytea[], $10::text[], $11::bytea[], $12::bytea[], $13::bytea[])
			AS u(c, i, d, ti, ei, ts, n, t, b, j, bl, o, nd)
		ON CONFLICT (checkpoint, idx) DO NOTHING`,
		cps, idxs, digests, txIdxs, evIdxs, tss, names, types, bcs, data, blobIDs, objs, node)
	if err != nil {
		return err
	}
	w.newEvents = tag.RowsAffected()
	return nil
}

// blobState is the fold of one object's writes and removals within a batch.
type blobState struct {
	write             *extract.BlobWrite // latest content written in the batch
	version           uint64
	checkpoint        uint64 // of the latest change
	firstCheckpoint   uint64 // of the first write in the batch
	deleted, wrapped  bool
	deletedCheckpoint uint64
}

type change struct {
	version uint64
	write   *extract.BlobWrite
	gone    *extract.Gone
}

// foldBlobs returns the final state of every object the batch wrote as a blob or
// removed, in object-ID order.
func foldBlobs(batch []*extract.Rows) (ids []walrus.ID, states map[walrus.ID]*blobState) {
	changes := map[walrus.ID][]change{}
	for _, r := range batch {
		for i := range r.Blobs {
			b := &r.Blobs[i]
			changes[b.ObjectID] = append(changes[b.ObjectID], change{version: b.Version, write: b})
		}
		for i := range r.Gone {
			g := &r.Gone[i]
			changes[g.ObjectID] = append(changes[g.ObjectID], change{version: g.Version, gone: g})
		}
	}
	states = make(map[walrus.ID]*blobState, len(changes))
	for id, chs := range changes {
		// Version order; at one version (a blob wrapped into the SharedBlob written by
		// the same transaction) the removal comes first and the write wins.
		slices.SortStableFunc(chs, func(a, b change) int {
			if c := cmp.Compare(a.version, b.version); c != 0 {
				return c
			}
			return cmp.Compare(boolInt(a.write != nil), boolInt(b.write != nil))
		})
		s := &blobState{}
		for _, ch := range chs {
			s.version = ch.version
			if ch.write != nil {
				if s.write == nil {
					s.firstCheckpoint = ch.write.Checkpoint
				}
				s.write, s.checkpoint, s.deleted, s.wrapped = ch.write, ch.write.Checkpoint, false, false
				continue
			}
			s.checkpoint = ch.gone.Checkpoint
			if ch.gone.Deleted {
				s.deleted, s.deletedCheckpoint = true, ch.gone.Checkpoint
			} else {
				s.wrapped = true
			}
		}
		states[id] = s
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b walrus.ID) int { return a.Compare(b) })
	return ids, states
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (w *writer) blobs(ctx context.Context, batch []*extract.Rows) error {
	ids, states := foldBlobs(batch)
	var (
		// upserts
		objs, blobIDs, owners, storageIDs, attrIDs                          [][]byte
		versions, regEpochs, startEpochs, endEpochs, createdCps, updatedCps []int64
		certEpochs, deletedCps                                              []*int64
		ownerKinds                                                          []string
		sizes, storageSizes                                                 []uint64
		encodedSizes                                                        []*uint64
		encTypes                                                            []int16
		deletables, deleteds                                                []bool
		// removals of objects not written in the batch
		goneObjs              [][]byte
		goneVersions, goneCps []int64
		goneDeleted           []bool
	)
	for _, id := range ids {
		s := states[id]
		if s.write == nil {
			goneObjs = append(goneObjs, idBytes(id))
			goneVersions = append(goneVersions, int64(s.version))
			goneCps = append(goneCps, int64(s.checkpoint))
			goneDeleted = append(goneDeleted, s.deleted)
			continue
		}
		b := &s.write.Blob
		objs = append(objs, idBytes(id))
		versions = append(versions, int64(s.version))
		blobIDs = append(blobIDs, append([]byte(nil), b.BlobID[:]...))
		kind := s.write.OwnerKind
		if s.wrapped {
			kind = extract.OwnerWrapped
		}
		ownerKinds = append(ownerKinds, kind)
		owners = append(owners, optID(s.write.Owner))
		sizes = append(sizes, b.Size)
		encTypes = append(encTypes, int16(b.EncodingType))
		encodedSizes = append(encodedSizes, s.write.EncodedSize)
		storageIDs = append(storageIDs, idBytes(b.Storage.ID))
		storageSizes = append(storageSizes, b.Storage.StorageSize)
		regEpochs = append(regEpochs, int64(b.RegisteredEpoch))
		if b.CertifiedEpoch != nil {
			v := int64(*b.CertifiedEpoch)
			certEpochs = append(certEpochs, &v)
		} else {
			certEpochs = append(certEpochs, nil)
		}
		startEpochs = append(startEpochs, int64(b.Storage.StartEpoch))
		endEpochs = append(endEpochs, int64(b.Storage.EndEpoch))
		deletables = append(deletables, b.Deletable)
		deleteds = append(deleteds, s.deleted)
		attrIDs = append(attrIDs, idBytes(s.write.AttributesID))
		createdCps = append(createdCps, int64(s.firstCheckpoint))
		updatedCps = append(updatedCps, int64(s.checkpoint))
		if s.deleted {
			v := int64(s.deletedCheckpoint)
			deletedCps = append(deletedCps, &v)
		} else {
			deletedCps = append(deletedCps, nil)
		}
	}
	if len(objs) > 0 {
		err := w.tx.QueryRow(ctx, `WITH up AS (
			INSERT INTO blobs AS b (object_id, version, blob_id, owner_kind, owner, size, encoding_type, encoded_size, storage_id, storage_size,
				registered_epoch, certified_epoch, start_epoch, end_epoch, deletable, deleted, attributes_id,
				created_checkpoint, updated_checkpoint, deleted_checkpoint)
			SELECT * FROM unnest($1::bytea[], $2::bigint[], $3::bytea[], $4::text[], $5::bytea[], $6::numeric[], $7::smallint[],
				$8::numeric[], $9::bytea[], $10::numeric[], $11::bigint[], $12::bigint[], $13::bigint[], $14::bigint[], $15::boolean[],
				$16::boolean[], $17::bytea[], $18::bigint[], $19::bigint[], $20::bigint[])
			ON CONFLICT (object_id) DO UPDATE SET
				version = EXCLUDED.version, blob_id = EXCLUDED.blob_id, owner_kind = EXCLUDED.owner_kind,
				owner = EXCLUDED.owner, size = EXCLUDED.size, encoding_type = EXCLUDED.encoding_type,
				encoded_size = coalesce(EXCLUDED.encoded_size, b.encoded_size), storage_id = EXCLUDED.storage_id,
				storage_size = EXCLUDED.storage_size, registered_epoch = EXCLUDED.registered_epoch,
				certified_epoch = EXCLUDED.certified_epoch, start_epoch = EXCLUDED.start_epoch, end_epoch = EXCLUDED.end_epoch,
				deletable = EXCLUDED.deletable, deleted = EXCLUDED.deleted, updated_checkpoint = EXCLUDED.updated_checkpoint,
				deleted_checkpoint = EXCLUDED.deleted_checkpoint
			WHERE b.version < EXCLUDED.version
			RETURNING (xmax = 0) AS inserted)
			SELECT count(*) FILTER (WHERE inserted) FROM up`,
			objs, versions, blobIDs, ownerKinds, owners, sizes, encTypes, encodedSizes, storageIDs, storageSizes,
			regEpochs, certEpochs, startEpochs, endEpochs, deletables, deleteds, attrIDs, createdCps, updatedCps, deletedCps,
		).Scan(&w.newBlobs)
		if err != nil {
			return err
		}
		w.writtenBlobs = objs
	}
	if len(goneObjs) > 0 {
		_, err := w.tx.Exec(ctx, `UPDATE blobs AS b SET version = g.v,
				owner_kind = CASE WHEN g.del THEN b.owner_kind ELSE 'wrapped' END,
				deleted = b.deleted OR g.del,
				deleted_checkpoint = CASE WHEN g.del THEN g.c ELSE b.deleted_checkpoint END,
				updated_checkpoint = g.c
			FROM unnest($1::bytea[], $2::bigint[], $3::bigint[], $4::boolean[]) AS g(o, v, c, del)
			WHERE b.object_id = g.o AND b.version < g.v`, goneObjs, goneVersions, goneCps, goneDeleted)
		if err != nil {
			return err
		}
	}
	if err := w.attributes(ctx, batch); err != nil {
		return err
	}
	return w.invalid(ctx, batch)
}

// attributes applies the blob attribute writes and removals, each dynamic field folded
// to its final state in the batch.
func (w *writer) attributes(ctx context.Context, batch []*extract.Rows) error {
	type attr struct {
		version uint64
		blob    walrus.ID
		json    []byte // nil: removed
	}
	final := map[walrus.ID]attr{}
	for _, r := range batch {
		// Within a checkpoint, writes and removals of one field are at distinct versions
		// (a field is removed by deleting its object), so version order decides.
		for _, a := range r.Attributes {
			if f, ok := final[a.FieldID]; !ok || f.version < a.Version {
				final[a.FieldID] = attr{version: a.Version, blob: a.BlobObject, json: a.JSON}
			}
		}
		for _, g := range r.Gone {
			if f, ok := final[g.ObjectID]; !ok || f.version < g.Version {
				final[g.ObjectID] = attr{version: g.Version}
			}
		}
	}
	var (
		sb, rf [][]byte
		sv, rv []int64
		sj     []string
	)
	ids := make([]walrus.ID, 0, len(final))
	for id := range final {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b walrus.ID) int { return a.Compare(b) })
	for _, id := range ids {
		a := final[id]
		if a.json != nil {
			sb = append(sb, idBytes(a.blob))
			sv = append(sv, int64(a.version))
			sj = append(sj, string(a.json))
		} else {
			rf = append(rf, idBytes(id))
			rv = append(rv, int64(a.version))
		}
	}
	if len(sb) > 0 {
		_, err := w.tx.Exec(ctx, `UPDATE blobs AS b SET attributes = a.j::jsonb, attributes_version = a.v
			FROM unnest($1::bytea[], $2::bigint[], $3::text[]) AS a(o, v, j)
			WHERE b.object_id = a.o AND (b.attributes_version IS NULL OR b.attributes_version < a.v)`, sb, sv, sj)
		if err != nil {
			return err
		}
	}
	if len(rf) > 0 {
		_, err := w.tx.Exec(ctx, `UPDATE blobs AS b SET attributes = NULL, attributes_version = g.v
			FROM unnest($1::bytea[], $2::bigint[]) AS g(f, v)
			WHERE b.attributes_id = g.f AND (b.attributes_version IS NULL OR b.attributes_version < g.v)`, rf, rv)
		if err != nil {
			return err
		}
	}
	return nil
}

// invalid records InvalidBlobID events and flags the blobs with those IDs, including
// blobs registered later.
func (w *writer) invalid(ctx context.Context, batch []*extract.Rows) error {
	var (
		ids, digests [][]byte
		epochs, cps  []int64
	)
	for _, r := range batch {
		for _, iv := range r.Invalid {
			ids = append(ids, append([]byte(nil), iv.BlobID[:]...))
			epochs = append(epochs, int64(iv.Epoch))
			cps = append(cps, int64(iv.Checkpoint))
			digests = append(digests, append([]byte(nil), iv.TxDigest[:]...))
		}
	}
	if len(ids) > 0 {
		_, err := w.tx.Exec(ctx, `INSERT INTO invalid_blobs (blob_id, epoch, checkpoint, tx_digest)
			SELECT * FROM unnest($1::bytea[], $2::bigint[], $3::bigint[], $4::bytea[]) ON CONFLICT (blob_id) DO NOTHING`,
			ids, epochs, cps, digests)
		if err != nil {
			return err
		}
	}
	if len(ids) == 0 && len(w.writtenBlobs) == 0 {
		return nil
	}
	if ids == nil {
		ids = [][]byte{}
	}
	objs := w.writtenBlobs
	if objs == nil {
		objs = [][]byte{}
	}
	_, err := w.tx.Exec(ctx, `UPDATE blobs AS b SET invalid = true FROM invalid_blobs AS i
		WHERE b.blob_id = i.blob_id AND NOT b.invalid AND (b.blob_id = ANY($1::bytea[]) OR b.object_id = ANY($2::bytea[]))`, ids, objs)
	return err
}

func (w *writer) epochs(ctx context.Context, batch []*extract.Rows) error {
	// System states: the newest per epoch.
	sys := map[uint32]extract.SystemState{}
	stk := map[uint32]extract.StakingState{}
	var (
		cEpochs []int64
		cNodes  [][]byte
		cShards []string
		marks   = map[string]map[uint32]extract.EpochMark{"start": {}, "done": {}, "selected": {}}
	)
	for _, r := range batch {
		for _, s := range r.Systems {
			if o, ok := sys[s.Epoch]; !ok || o.Version < s.Version {
				sys[s.Epoch] = s
			}
		}
		for _, s := range r.Stakings {
			if o, ok := stk[s.Epoch]; !ok || o.Version < s.Version {
				stk[s.Epoch] = s
			}
			for _, m := range s.Committee {
				cEpochs = append(cEpochs, int64(s.Epoch))
				cNodes = append(cNodes, idBytes(m.NodeID))
				cShards = append(cShards, intArray(m.Shards))
			}
		}
		for kind, list := range map[string][]extract.EpochMark{"start": r.EpochStarts, "done": r.EpochSyncDone, "selected": r.ParamsSelected} {
			for _, m := range list {
				if _, ok := marks[kind][m.Epoch]; !ok {
					marks[kind][m.Epoch] = m
				}
			}
		}
	}
	if len(sys) > 0 {
		var e, v []int64
		var sp, wp, tc, uc []uint64
		for _, ep := range sortedKeys(sys) {
			s := sys[ep]
			e, v = append(e, int64(ep)), append(v, int64(s.Version))
			sp, wp, tc, uc = append(sp, s.StoragePrice), append(wp, s.WritePrice), append(tc, s.TotalCapacity), append(uc, s.UsedCapacity)
		}
		_, err := w.tx.Exec(ctx, `INSERT INTO epochs AS e (epoch, system_version, storage_price, write_price, total_capacity, used_capacity)
			SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::numeric[], $4::numeric[], $5::numeric[], $6::numeric[])
			ON CONFLICT (epoch) DO UPDATE SET system_version = EXCLUDED.system_version, storage_price = EXCLUDED.storage_price,
				write_price = EXCLUDED.write_price, total_capacity = EXCLUDED.total_capacity, used_capacity = EXCLUDED.used_capacity
			WHERE e.system_version IS NULL OR e.system_version < EXCLUDED.system_version`, e, v, sp, wp, tc, uc)
		if err != nil {
			return err
		}
	}
	if len(stk) > 0 {
		var e, v, d []int64
		var n []int32
		for _, ep := range sortedKeys(stk) {
			s := stk[ep]
			e, v, n, d = append(e, int64(ep)), append(v, int64(s.Version)), append(n, int32(s.NShards)), append(d, int64(s.EpochDurationMs))
		}
		_, err := w.tx.Exec(ctx, `INSERT INTO epochs AS e (epoch, staking_version, n_shards, epoch_duration_ms)
			SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::integer[], $4::bigint[])
			ON CONFLICT (epoch) DO UPDATE SET staking_version = EXCLUDED.staking_version, n_shards = EXCLUDED.n_shards,
				epoch_duration_ms = EXCLUDED.epoch_duration_ms
			WHERE e.staking_version IS NULL OR e.staking_version < EXCLUDED.staking_version`, e, v, n, d)
		if err != nil {
			return err
		}
	}
	if len(cEpochs) > 0 {
		// The committee of an epoch is fixed when the epoch starts: the first one seen stays.
		_, err := w.tx.Exec(ctx, `INSERT INTO committees (epoch, node_id, shards)
			SELECT e, n, s::integer[] FROM unnest($1::bigint[], $2::bytea[], $3::text[]) AS u(e, n, s)
			ON CONFLICT (epoch, node_id) DO NOTHING`, cEpochs, cNodes, cShards)
		if err != nil {
			return err
		}
	}
	for kind, col := range map[string]string{"start": "start_ms", "done": "sync_done_ms", "selected": "params_selected_ms"} {
		m := marks[kind]
		if len(m) == 0 {
			continue
		}
		var e, ts, cp []int64
		for _, ep := range sortedKeys(m) {
			e, ts, cp = append(e, int64(ep)), append(ts, int64(m[ep].TimestampMs)), append(cp, int64(m[ep].Checkpoint))
		}
		// The first time an epoch reached a stage stays (replays do not move it). col is
		// one of three constants above.
		sql := `INSERT INTO epochs AS e (epoch, ` + col + `) SELECT e, t FROM unnest($1::bigint[], $2::bigint[]) AS u(e, t)
			ON CONFLICT (epoch) DO UPDATE SET ` + col + ` = coalesce(e.` + col + `, EXCLUDED.` + col + `)`
		if kind == "start" {
			sql = `INSERT INTO epochs AS e (epoch, start_ms, start_checkpoint)
				SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[])
				ON CONFLICT (epoch) DO UPDATE SET start_ms = coalesce(e.start_ms, EXCLUDED.start_ms),
					start_checkpoint = coalesce(e.start_checkpoint, EXCLUDED.start_checkpoint)`
			if _, err := w.tx.Exec(ctx, sql, e, ts, cp); err != nil {
				return err
			}
			continue
		}
		if _, err := w.tx.Exec(ctx, sql, e, ts); err != nil {
			return err
		}
	}
	return nil
}

func (w *writer) nodes(ctx context.Context, batch []*extract.Rows) error {
	latest := map[walrus.ID]extract.NodeWrite{}
	first := map[walrus.ID]uint64{}
	meta := map[walrus.ID]extract.NodeMetadataWrite{}
	type stakeKey struct {
		node  walrus.ID
		epoch uint32
	}
	stake := map[stakeKey]extract.Stake{}
	var rewards []extract.Reward
	for _, r := range batch {
		for _, n := range r.Nodes {
			if o, ok := latest[n.Pool.ID]; !ok || o.Version < n.Version {
				latest[n.Pool.ID] = n
			}
			if _, ok := first[n.Pool.ID]; !ok {
				first[n.Pool.ID] = n.Checkpoint
			}
		}
		for _, m := range r.NodeMetadata {
			if o, ok := meta[m.Owner]; !ok || o.Version < m.Version {
				meta[m.Owner] = m
			}
		}
		for _, s := range r.Stake {
			k := stakeKey{s.NodeID, s.Epoch}
			if o, ok := stake[k]; !ok || o.Version < s.Version {
				stake[k] = s
			}
		}
		rewards = append(rewards, r.Rewards...)
	}
	if len(latest) > 0 {
		var (
			ids, pks, npks, nextPks, metaIDs, bcs                [][]byte
			versions, activation, latestEp, created, updated     []int64
			withdraw                                             []*int64
			names, addrs, states, pending, receivers, governance []string
			rates                                                []int32
			spv, wpv, ncv, bal, shares, pstake, rpool, comm      []uint64
		)
		ordered := make([]walrus.ID, 0, len(latest))
		for id := range latest {
			ordered = append(ordered, id)
		}
		slices.SortFunc(ordered, func(a, b walrus.ID) int { return a.Compare(b) })
		for _, id := range ordered {
			n := latest[id]
			p := n.Pool
			ids = append(ids, idBytes(id))
			versions = append(versions, int64(n.Version))
			names = append(names, p.NodeInfo.Name)
			addrs = append(addrs, p.NodeInfo.NetworkAddress)
			pks = append(pks, p.NodeInfo.PublicKey)
			if p.NodeInfo.NextEpochPublicKey != nil {
				nextPks = append(nextPks, *p.NodeInfo.NextEpochPublicKey)
			} else {
				nextPks = append(nextPks, nil)
			}
			npks = append(npks, p.NodeInfo.NetworkPublicKey)
			states = append(states, p.State.Kind.String())
			if p.State.Kind == walrus.PoolWithdrawing {
				v := int64(p.State.WithdrawEpoch)
				withdraw = append(withdraw, &v)
			} else {
				withdraw = append(withdraw, nil)
			}
			activation = append(activation, int64(p.ActivationEpoch))
			latestEp = append(latestEp, int64(p.LatestEpoch))
			rates = append(rates, int32(p.CommissionRate))
			pending = append(pending, pendingJSON(p.PendingCommissionRate))
			receivers = append(receivers, authorized(p.CommissionReceiver))
			governance = append(governance, authorized(p.GovernanceAuthorized))
			spv, wpv, ncv = append(spv, p.VotingParams.StoragePrice), append(wpv, p.VotingParams.WritePrice), append(ncv, p.VotingParams.NodeCapacity)
			var ps uint64
			for _, v := range p.PendingStake {
				if ps+v.Value >= ps {
					ps += v.Value
				}
			}
			bal, shares, pstake = append(bal, p.WalBalance), append(shares, p.NumShares), append(pstake, ps)
			rpool, comm = append(rpool, p.RewardsPool), append(comm, p.Commission)
			metaIDs = append(metaIDs, idBytes(p.NodeInfo.Metadata.ID))
			bcs = append(bcs, n.BCS)
			created = append(created, int64(first[id]))
			updated = append(updated, int64(n.Checkpoint))
		}
		_, err := w.tx.Exec(ctx, `INSERT INTO nodes AS n (node_id, version, name, network_address, public_key, next_epoch_public_key,
				network_public_key, state, withdraw_epoch, activation_epoch, latest_epoch, commission_rate, pending_commission_rates,
				commission_receiver, governance_authorized, storage_price_vote, write_price_vote, node_capacity_vote,
				wal_balance, num_shares, pending_stake, rewards_pool, commission, metadata_id, pool_bcs, created_checkpoint, updated_checkpoint)
			SELECT i, v, nm, a, pk, npk, netpk, st, we, ae, le, cr, pcr::jsonb, rcv, gov, sp, wp, nc, bal, sh, ps, rp, cm, md, bcs, cc, uc
			FROM unnest($1::bytea[], $2::bigint[], $3::text[], $4::text[], $5::bytea[], $6::bytea[], $7::bytea[], $8::text[],
				$9::bigint[], $10::bigint[], $11::bigint[], $12::integer[], $13::text[], $14::text[], $15::text[], $16::numeric[],
				$17::numeric[], $18::numeric[], $19::numeric[], $20::numeric[], $21::numeric[], $22::numeric[], $23::numeric[],
				$24::bytea[], $25::bytea[], $26::bigint[], $27::bigint[])
				AS u(i, v, nm, a, pk, npk, netpk, st, we, ae, le, cr, pcr, rcv, gov, sp, wp, nc, bal, sh, ps, rp, cm, md, bcs, cc, uc)
			ON CONFLICT (node_id) DO UPDATE SET version = EXCLUDED.version, name = EXCLUDED.name,
				network_address = EXCLUDED.network_address, public_key = EXCLUDED.public_key,
				next_epoch_public_key = EXCLUDED.next_epoch_public_key, network_public_key = EXCLUDED.network_public_key,
				state = EXCLUDED.state, withdraw_epoch = EXCLUDED.withdraw_epoch, activation_epoch = EXCLUDED.activation_epoch,
				latest_epoch = EXCLUDED.latest_epoch, commission_rate = EXCLUDED.commission_rate,
				pending_commission_rates = EXCLUDED.pending_commission_rates, commission_receiver = EXCLUDED.commission_receiver,
				governance_authorized = EXCLUDED.governance_authorized, storage_price_vote = EXCLUDED.storage_price_vote,
				write_price_vote = EXCLUDED.write_price_vote, node_capacity_vote = EXCLUDED.node_capacity_vote,
				wal_balance = EXCLUDED.wal_balance, num_shares = EXCLUDED.num_shares, pending_stake = EXCLUDED.pending_stake,
				rewards_pool = EXCLUDED.rewards_pool, commission = EXCLUDED.commission, metadata_id = EXCLUDED.metadata_id,
				pool_bcs = EXCLUDED.pool_bcs, updated_checkpoint = EXCLUDED.updated_checkpoint
			WHERE n.version < EXCLUDED.version`,
			ids, versions, names, addrs, pks, nextPks, npks, states, withdraw, activation, latestEp, rates, pending,
			receivers, governance, spv, wpv, ncv, bal, shares, pstake, rpool, comm, metaIDs, bcs, created, updated)
		if err != nil {
			return err
		}
	}
	if len(meta) > 0 {
		var owners [][]byte
		var versions []int64
		var data []string
		for _, m := range meta {
			owners, versions, data = append(owners, idBytes(m.Owner)), append(versions, int64(m.Version)), append(data, string(m.JSON))
		}
		_, err := w.tx.Exec(ctx, `UPDATE nodes AS n SET metadata = m.j::jsonb, metadata_version = m.v
			FROM unnest($1::bytea[], $2::bigint[], $3::text[]) AS m(o, v, j)
			WHERE n.metadata_id = m.o AND (n.metadata_version IS NULL OR n.metadata_version < m.v)`, owners, versions, data)
		if err != nil {
			return err
		}
	}
	if len(stake) > 0 {
		var nodes [][]byte
		var epochs, versions, cps []int64
		var bal, shares, pending []uint64
		var rates []int32
		for _, s := range stake {
			nodes, epochs, versions, cps = append(nodes, idBytes(s.NodeID)), append(epochs, int64(s.Epoch)), append(versions, int64(s.Version)), append(cps, int64(s.Checkpoint))
			bal, shares, pending, rates = append(bal, s.WalBalance), append(shares, s.NumShares), append(pending, s.PendingStake), append(rates, int32(s.CommissionRate))
		}
		_, err := w.tx.Exec(ctx, `INSERT INTO stake AS s (node_id, epoch, version, wal_balance, num_shares, pending_stake, commission_rate, checkpoint)
			SELECT * FROM unnest($1::bytea[], $2::bigint[], $3::bigint[], $4::numeric[], $5::numeric[], $6::numeric[], $7::integer[], $8::bigint[])
			ON CONFLICT (node_id, epoch) DO UPDATE SET version = EXCLUDED.version, wal_balance = EXCLUDED.wal_balance,
				num_shares = EXCLUDED.num_shares, pending_stake = EXCLUDED.pending_stake,
				commission_rate = EXCLUDED.commission_rate, checkpoint = EXCLUDED.checkpoint
			WHERE s.version < EXCLUDED.version`, nodes, epochs, versions, bal, shares, pending, rates, cps)
		if err != nil {
			return err
		}
	}
	if len(rewards) > 0 {
		var nodes, digests [][]byte
		var epochs, cps []int64
		var reward, commission, after []uint64
		var rates []int32
		for _, r := range rewards {
			p := r.Paid
			nodes, epochs, digests, cps = append(nodes, idBytes(p.NodeID)), append(epochs, int64(p.Epoch)), append(digests, append([]byte(nil), r.TxDigest[:]...)), append(cps, int64(r.Checkpoint))
			reward, commission, after, rates = append(reward, p.Reward), append(commission, p.Commission), append(after, p.StakeAfter), append(rates, int32(p.CommissionRate))
		}
		_, err := w.tx.Exec(ctx, `INSERT INTO rewards (node_id, epoch, reward, commission, commission_rate, stake_after, checkpoint, tx_digest)
			SELECT * FROM unnest($1::bytea[], $2::bigint[], $3::numeric[], $4::numeric[], $5::integer[], $6::numeric[], $7::bigint[], $8::bytea[])
			ON CONFLICT (node_id, epoch) DO NOTHING`, nodes, epochs, reward, commission, rates, after, cps, digests)
		if err != nil {
			return err
		}
	}
	return nil
}

func (w *writer) stats(ctx context.Context, _ []*extract.Rows) error {
	if w.newEvents == 0 && w.newBlobs == 0 {
		return nil
	}
	_, err := w.tx.Exec(ctx, `UPDATE stats SET events = events + $1, blob_objects = blob_objects + $2`, w.newEvents, w.newBlobs)
	return err
}

func sortedKeys[V any](m map[uint32]V) []uint32 {
	keys := make([]uint32, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// intArray is a Postgres array literal of the shard indices.
func intArray(v []uint16) string {
	var b strings.Builder
	b.WriteByte('{')
	for i, s := range v {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(int(s)))
	}
	b.WriteByte('}')
	return b.String()
}

func pendingJSON(p walrus.PendingValues) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, v := range p {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"epoch":%d,"value":"%d"}`, v.Epoch, v.Value)
	}
	b.WriteByte(']')
	return b.String()
}

// authorized renders a walrus::auth::Authorized as address:0x… or object:0x….
func authorized(a walrus.Authorized) string {
	if a.Kind == walrus.AuthorizedObjectID {
		return "object:" + a.ID.String()
	}
	return "address:" + a.ID.String()
}
