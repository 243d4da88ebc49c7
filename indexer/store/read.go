package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/tuskstore/tusk/chain/sui"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/indexer/extract"
	"github.com/tuskstore/tusk/indexer/ingest"
	"github.com/tuskstore/tusk/internal/bcs"
)

// ErrNotFound is returned for an object, epoch or node the tables do not have.
var ErrNotFound = errors.New("store: not found")

// Querier is a pool, a connection or a transaction.
type Querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// LoadState reads what the extractor needs to continue after the last committed
// checkpoint: every pool's last state, the current epoch and the shard count.
func LoadState(ctx context.Context, q Querier) (*extract.State, error) {
	st := &extract.State{Pools: map[walrus.ID]extract.PoolState{}}
	rows, err := q.Query(ctx, `SELECT node_id, version, pool_bcs FROM nodes`)
	if err != nil {
		return nil, fmt.Errorf("store: loading pool states: %w", err)
	}
	for rows.Next() {
		var id, b []byte
		var version int64
		if err := rows.Scan(&id, &version, &b); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: loading pool states: %w", err)
		}
		p := new(walrus.StakingPool)
		if err := bcs.Unmarshal(b, p); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: pool %x: %w", id, err)
		}
		st.Pools[p.ID] = extract.PoolState{Version: uint64(version), Pool: p}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: loading pool states: %w", err)
	}
	var epoch *int64
	var shards *int32
	err = q.QueryRow(ctx, `SELECT (SELECT max(epoch) FROM epochs),
		(SELECT n_shards FROM epochs WHERE n_shards IS NOT NULL ORDER BY epoch DESC LIMIT 1)`).Scan(&epoch, &shards)
	if err != nil {
		return nil, fmt.Errorf("store: loading the epoch: %w", err)
	}
	if epoch != nil {
		st.Epoch, st.HasEpoch = uint32(*epoch), true
	}
	if shards != nil {
		st.NShards = uint16(*shards)
	}
	return st, nil
}

// Reader runs the explorer's and the feed's queries.
type Reader struct {
	q        Querier
	pipeline string
}

// NewReader returns a reader over pool; pipeline names the watermark the summary
// reports.
func NewReader(pool *pgxpool.Pool, pipeline string) *Reader {
	return &Reader{q: pool, pipeline: pipeline}
}

func toID(b []byte) (walrus.ID, error) {
	var id walrus.ID
	if len(b) != len(id) {
		return id, fmt.Errorf("store: an ID of %d bytes", len(b))
	}
	copy(id[:], b)
	return id, nil
}

func optToID(b []byte) (*walrus.ID, error) {
	if b == nil {
		return nil, nil
	}
	id, err := toID(b)
	return &id, err
}

func u32p(v *int64) *uint32 {
	if v == nil {
		return nil
	}
	u := uint32(*v)
	return &u
}

func u64p(v *int64) *uint64 {
	if v == nil {
		return nil
	}
	u := uint64(*v)
	return &u
}

// EventPos is a position in the event feed.
type EventPos struct {
	Checkpoint uint64
	Index      uint32
}

// Event is a stored event.
type Event struct {
	EventPos
	TxDigest    sui.Digest
	TxIndex     uint32
	EventIndex  *uint32
	TimestampMs uint64
	Name, Type  string
	BCS         []byte
	Data        json.RawMessage
}

const eventCols = `checkpoint, idx, tx_digest, tx_index, event_index, timestamp_ms, name, type, bcs, data`

func scanEvents(rows pgx.Rows) ([]Event, error) {
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var (
			e          Event
			cp, ts     int64
			idx, txIdx int32
			evIdx      *int32
			digest     []byte
			data       []byte
		)
		if err := rows.Scan(&cp, &idx, &digest, &txIdx, &evIdx, &ts, &e.Name, &e.Type, &e.BCS, &data); err != nil {
			return nil, err
		}
		if len(digest) != len(e.TxDigest) {
			return nil, fmt.Errorf("store: a digest of %d bytes", len(digest))
		}
		copy(e.TxDigest[:], digest)
		e.Checkpoint, e.Index, e.TxIndex, e.TimestampMs = uint64(cp), uint32(idx), uint32(txIdx), uint64(ts)
		if evIdx != nil {
			v := uint32(*evIdx)
			e.EventIndex = &v
		}
		e.Data = data
		out = append(out, e)
	}
	return out, rows.Err()
}

// Events returns up to limit events after position after (nil: from the first), in
// feed order, only of the given struct names if any.
func (r *Reader) Events(ctx context.Context, after *EventPos, names []string, limit int) ([]Event, error) {
	cp, idx := int64(-1), int64(-1)
	if after != nil {
		cp, idx = int64(after.Checkpoint), int64(after.Index)
		if idx > math.MaxInt32 { // past any index: the start of the next checkpoint
			cp, idx = cp+1, -1
		}
	}
	var rows pgx.Rows
	var err error
	if len(names) == 0 {
		rows, err = r.q.Query(ctx, `SELECT `+eventCols+` FROM events WHERE (checkpoint, idx) > ($1, $2)
			ORDER BY checkpoint, idx LIMIT $3`, cp, idx, limit)
	} else {
		// Per name, an index range scan of events_by_name bounded by the limit; then
		// the merge. Rare types cost as little as common ones.
		rows, err = r.q.Query(ctx, `SELECT e.* FROM unnest($3::text[]) AS n(name), LATERAL (
				SELECT `+eventCols+` FROM events WHERE name = n.name AND (checkpoint, idx) > ($1, $2)
				ORDER BY checkpoint, idx LIMIT $4) AS e
			ORDER BY e.checkpoint, e.idx LIMIT $4`, cp, idx, names, limit)
	}
	if err != nil {
		return nil, fmt.Errorf("store: events: %w", err)
	}
	evs, err := scanEvents(rows)
	if err != nil {
		return nil, fmt.Errorf("store: events: %w", err)
	}
	return evs, nil
}

// ObjectEvents returns the first limit events about a blob object, in chain order.
func (r *Reader) ObjectEvents(ctx context.Context, object walrus.ID, limit int) ([]Event, error) {
	rows, err := r.q.Query(ctx, `SELECT `+eventCols+` FROM events WHERE object_id = $1 ORDER BY checkpoint, idx LIMIT $2`, object[:], limit)
	if err != nil {
		return nil, fmt.Errorf("store: object events: %w", err)
	}
	evs, err := scanEvents(rows)
	if err != nil {
		return nil, fmt.Errorf("store: object events: %w", err)
	}
	return evs, nil
}

// Blob is a blob object's current state.
type Blob struct {
	ObjectID          walrus.ID
	Version           uint64
	BlobID            encoding.BlobID
	OwnerKind         string
	Owner             *walrus.ID
	Size              uint64
	EncodingType      uint8
	EncodedSize       *uint64
	StorageID         walrus.ID
	StorageSize       uint64
	RegisteredEpoch   uint32
	CertifiedEpoch    *uint32
	StartEpoch        uint32
	EndEpoch          uint32
	Deletable         bool
	Deleted           bool
	Invalid           bool
	Attributes        json.RawMessage
	CreatedCheckpoint uint64
	UpdatedCheckpoint uint64
	DeletedCheckpoint *uint64
}

// Blob statuses. A blob has the first that applies: deleted, invalid, expired (its end
// epoch has come), certified, registered.
const (
	StatusRegistered = "registered"
	StatusCertified  = "certified"
	StatusExpired    = "expired"
	StatusDeleted    = "deleted"
	StatusInvalid    = "invalid"
)

// Status returns the blob's status at epoch current.
func (b *Blob) Status(current uint32) string {
	switch {
	case b.Deleted:
		return StatusDeleted
	case b.Invalid:
		return StatusInvalid
	case b.EndEpoch <= current:
		return StatusExpired
	case b.CertifiedEpoch != nil:
		return StatusCertified
	}
	return StatusRegistered
}

// statusFilter are the SQL conditions of each status; $1 is the current epoch.
var statusFilter = map[string]string{
	StatusDeleted:    `deleted AND $1::bigint IS NOT NULL`,
	StatusInvalid:    `NOT deleted AND invalid AND $1::bigint IS NOT NULL`,
	StatusExpired:    `NOT deleted AND NOT invalid AND end_epoch <= $1`,
	StatusCertified:  `NOT deleted AND NOT invalid AND end_epoch > $1 AND certified_epoch IS NOT NULL`,
	StatusRegistered: `NOT deleted AND NOT invalid AND end_epoch > $1 AND certified_epoch IS NULL`,
	"":               `$1::bigint IS NOT NULL`,
}

// ValidStatus reports whether s is a status filter ("" is all).
func ValidStatus(s string) bool { _, ok := statusFilter[s]; return ok }

const blobCols = `object_id, version, blob_id, owner_kind, owner, size, encoding_type, encoded_size, storage_id, storage_size,
	registered_epoch, certified_epoch, start_epoch, end_epoch, deletable, deleted, invalid, attributes,
	created_checkpoint, updated_checkpoint, deleted_checkpoint`

func scanBlobs(rows pgx.Rows) ([]Blob, error) {
	defer rows.Close()
	var out []Blob
	for rows.Next() {
		var (
			b                                          Blob
			obj, blobID, owner, storage                []byte
			version, reg, start, end, created, updated int64
			cert, deletedCp                            *int64
			encType                                    int16
			attrs                                      []byte
		)
		if err := rows.Scan(&obj, &version, &blobID, &b.OwnerKind, &owner, &b.Size, &encType, &b.EncodedSize, &storage, &b.StorageSize,
			&reg, &cert, &start, &end, &b.Deletable, &b.Deleted, &b.Invalid, &attrs, &created, &updated, &deletedCp); err != nil {
			return nil, err
		}
		var err error
		if b.ObjectID, err = toID(obj); err != nil {
			return nil, err
		}
		if b.StorageID, err = toID(storage); err != nil {
			return nil, err
		}
		if b.Owner, err = optToID(owner); err != nil {
			return nil, err
		}
		bid, err := toID(blobID)
		if err != nil {
			return nil, err
		}
		b.BlobID = encoding.BlobID(bid)
		b.Version, b.EncodingType = uint64(version), uint8(encType)
		b.RegisteredEpoch, b.CertifiedEpoch, b.StartEpoch, b.EndEpoch = uint32(reg), u32p(cert), uint32(start), uint32(end)
		b.CreatedCheckpoint, b.UpdatedCheckpoint, b.DeletedCheckpoint = uint64(created), uint64(updated), u64p(deletedCp)
		if attrs != nil {
			b.Attributes = attrs
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// BlobObject returns the blob object with the given ID, or ErrNotFound.
func (r *Reader) BlobObject(ctx context.Context, id walrus.ID) (*Blob, error) {
	rows, err := r.q.Query(ctx, `SELECT `+blobCols+` FROM blobs WHERE object_id = $1`, id[:])
	if err != nil {
		return nil, fmt.Errorf("store: blob object: %w", err)
	}
	bs, err := scanBlobs(rows)
	if err != nil {
		return nil, fmt.Errorf("store: blob object: %w", err)
	}
	if len(bs) == 0 {
		return nil, ErrNotFound
	}
	return &bs[0], nil
}

// BlobsByID returns up to limit blob objects of the blob ID with object IDs after after
// (nil: from the first), in object-ID order.
func (r *Reader) BlobsByID(ctx context.Context, blobID encoding.BlobID, after *walrus.ID, limit int) ([]Blob, error) {
	var from []byte
	if after != nil {
		from = after[:]
	} else {
		from = []byte{}
	}
	rows, err := r.q.Query(ctx, `SELECT `+blobCols+` FROM blobs WHERE blob_id = $1 AND object_id > $2 ORDER BY object_id LIMIT $3`,
		blobID[:], from, limit)
	if err != nil {
		return nil, fmt.Errorf("store: blobs by ID: %w", err)
	}
	bs, err := scanBlobs(rows)
	if err != nil {
		return nil, fmt.Errorf("store: blobs by ID: %w", err)
	}
	return bs, nil
}

// InvalidBlob is an InvalidBlobID record.
type InvalidBlob struct {
	Epoch      uint32
	Checkpoint uint64
	TxDigest   sui.Digest
}

// Invalid returns the invalidation of the blob ID, or ErrNotFound.
func (r *Reader) Invalid(ctx context.Context, blobID encoding.BlobID) (*InvalidBlob, error) {
	var epoch, cp int64
	var digest []byte
	err := r.q.QueryRow(ctx, `SELECT epoch, checkpoint, tx_digest FROM invalid_blobs WHERE blob_id = $1`, blobID[:]).Scan(&epoch, &cp, &digest)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: invalid blob: %w", err)
	}
	iv := &InvalidBlob{Epoch: uint32(epoch), Checkpoint: uint64(cp)}
	copy(iv.TxDigest[:], digest)
	return iv, nil
}

// OwnerPos is a position in an owner's blob list (newest first).
type OwnerPos struct {
	CreatedCheckpoint uint64
	ObjectID          walrus.ID
}

// BlobsByOwner returns up to limit blobs of owner with the status (see ValidStatus) at
// epoch current, newest first, after position after (nil: from the newest).
func (r *Reader) BlobsByOwner(ctx context.Context, owner walrus.ID, status string, current uint32, after *OwnerPos, limit int) ([]Blob, error) {
	filter, ok := statusFilter[status]
	if !ok {
		return nil, fmt.Errorf("store: unknown blob status %q", status)
	}
	cp, obj := int64(1<<62), bytes.Repeat([]byte{0xff}, 33) // past every real position
	if after != nil {
		cp, obj = int64(after.CreatedCheckpoint), after.ObjectID[:]
	}
	// filter is one of the constant conditions above.
	rows, err := r.q.Query(ctx, `SELECT `+blobCols+` FROM blobs
		WHERE owner = $2 AND (created_checkpoint, object_id) < ($3, $4) AND `+filter+`
		ORDER BY created_checkpoint DESC, object_id DESC LIMIT $5`, int64(current), owner[:], cp, obj, limit)
	if err != nil {
		return nil, fmt.Errorf("store: blobs by owner: %w", err)
	}
	bs, err := scanBlobs(rows)
	if err != nil {
		return nil, fmt.Errorf("store: blobs by owner: %w", err)
	}
	return bs, nil
}

// Epoch is a Walrus epoch.
type Epoch struct {
	Epoch            uint32
	StartCheckpoint  *uint64
	StartMs          *uint64
	EndMs            *uint64 // the next epoch's start
	SyncDoneMs       *uint64
	ParamsSelectedMs *uint64
	NShards          *uint16
	EpochDurationMs  *uint64
	StoragePrice     *uint64
	WritePrice       *uint64
	TotalCapacity    *uint64
	UsedCapacity     *uint64
}

const epochCols = `e.epoch, e.start_checkpoint, e.start_ms, (SELECT n.start_ms FROM epochs n WHERE n.epoch = e.epoch + 1),
	e.sync_done_ms, e.params_selected_ms, e.n_shards, e.epoch_duration_ms, e.storage_price, e.write_price,
	e.total_capacity, e.used_capacity`

func scanEpochs(rows pgx.Rows) ([]Epoch, error) {
	defer rows.Close()
	var out []Epoch
	for rows.Next() {
		var (
			e                                             Epoch
			epoch                                         int64
			startCp, start, end, done, selected, duration *int64
			shards                                        *int32
		)
		if err := rows.Scan(&epoch, &startCp, &start, &end, &done, &selected, &shards, &duration,
			&e.StoragePrice, &e.WritePrice, &e.TotalCapacity, &e.UsedCapacity); err != nil {
			return nil, err
		}
		e.Epoch = uint32(epoch)
		e.StartCheckpoint, e.StartMs, e.EndMs, e.SyncDoneMs, e.ParamsSelectedMs, e.EpochDurationMs =
			u64p(startCp), u64p(start), u64p(end), u64p(done), u64p(selected), u64p(duration)
		if shards != nil {
			n := uint16(*shards)
			e.NShards = &n
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Epochs returns up to limit epochs before epoch before (nil: from the newest), newest
// first.
func (r *Reader) Epochs(ctx context.Context, before *uint32, limit int) ([]Epoch, error) {
	b := int64(1) << 40
	if before != nil {
		b = int64(*before)
	}
	rows, err := r.q.Query(ctx, `SELECT `+epochCols+` FROM epochs e WHERE e.epoch < $1 ORDER BY e.epoch DESC LIMIT $2`, b, limit)
	if err != nil {
		return nil, fmt.Errorf("store: epochs: %w", err)
	}
	es, err := scanEpochs(rows)
	if err != nil {
		return nil, fmt.Errorf("store: epochs: %w", err)
	}
	return es, nil
}

// Epoch returns one epoch, or ErrNotFound.
func (r *Reader) Epoch(ctx context.Context, epoch uint32) (*Epoch, error) {
	rows, err := r.q.Query(ctx, `SELECT `+epochCols+` FROM epochs e WHERE e.epoch = $1`, int64(epoch))
	if err != nil {
		return nil, fmt.Errorf("store: epoch: %w", err)
	}
	es, err := scanEpochs(rows)
	if err != nil {
		return nil, fmt.Errorf("store: epoch: %w", err)
	}
	if len(es) == 0 {
		return nil, ErrNotFound
	}
	return &es[0], nil
}

// CurrentEpoch returns the newest epoch known; ok is false before any.
func (r *Reader) CurrentEpoch(ctx context.Context) (epoch uint32, ok bool, err error) {
	var e *int64
	if err := r.q.QueryRow(ctx, `SELECT max(epoch) FROM epochs`).Scan(&e); err != nil {
		return 0, false, fmt.Errorf("store: current epoch: %w", err)
	}
	if e == nil {
		return 0, false, nil
	}
	return uint32(*e), true, nil
}

// CommitteeMember is a node of an epoch's committee.
type CommitteeMember struct {
	NodeID         walrus.ID
	Name           *string
	NetworkAddress *string
	Shards         []uint16
}

// Committee returns up to limit members of the epoch's committee with node IDs after
// after (nil: from the first), in node-ID order (the on-chain order).
func (r *Reader) Committee(ctx context.Context, epoch uint32, after *walrus.ID, limit int) ([]CommitteeMember, error) {
	from := []byte{}
	if after != nil {
		from = after[:]
	}
	rows, err := r.q.Query(ctx, `SELECT c.node_id, n.name, n.network_address, c.shards FROM committees c
		LEFT JOIN nodes n ON n.node_id = c.node_id
		WHERE c.epoch = $1 AND c.node_id > $2 ORDER BY c.node_id LIMIT $3`, int64(epoch), from, limit)
	if err != nil {
		return nil, fmt.Errorf("store: committee: %w", err)
	}
	defer rows.Close()
	var out []CommitteeMember
	for rows.Next() {
		var m CommitteeMember
		var id []byte
		var shards []int32
		if err := rows.Scan(&id, &m.Name, &m.NetworkAddress, &shards); err != nil {
			return nil, fmt.Errorf("store: committee: %w", err)
		}
		if m.NodeID, err = toID(id); err != nil {
			return nil, err
		}
		m.Shards = make([]uint16, len(shards))
		for i, s := range shards {
			m.Shards[i] = uint16(s)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: committee: %w", err)
	}
	return out, nil
}

// Node is a storage node's current state.
type Node struct {
	NodeID                 walrus.ID
	Version                uint64
	Name                   string
	NetworkAddress         string
	PublicKey              []byte
	NextEpochPublicKey     []byte
	NetworkPublicKey       []byte
	State                  string
	WithdrawEpoch          *uint32
	ActivationEpoch        uint32
	LatestEpoch            uint32
	CommissionRate         uint16
	PendingCommissionRates json.RawMessage
	CommissionReceiver     string
	GovernanceAuthorized   string
	StoragePriceVote       uint64
	WritePriceVote         uint64
	NodeCapacityVote       uint64
	WalBalance             uint64
	NumShares              uint64
	PendingStake           uint64
	RewardsPool            uint64
	Commission             uint64
	Metadata               json.RawMessage
	CreatedCheckpoint      uint64
	UpdatedCheckpoint      uint64
}

const nodeCols = `node_id, version, name, network_address, public_key, next_epoch_public_key, network_public_key, state,
	withdraw_epoch, activation_epoch, latest_epoch, commission_rate, pending_commission_rates, commission_receiver,
	governance_authorized, storage_price_vote, write_price_vote, node_capacity_vote, wal_balance, num_shares,
	pending_stake, rewards_pool, commission, metadata, created_checkpoint, updated_checkpoint`

func scanNodes(rows pgx.Rows) ([]Node, error) {
	defer rows.Close()
	var out []Node
	for rows.Next() {
		var (
			n                                         Node
			id                                        []byte
			version, activation, latest, created, upd int64
			withdraw                                  *int64
			rate                                      int32
			pending, meta                             []byte
		)
		if err := rows.Scan(&id, &version, &n.Name, &n.NetworkAddress, &n.PublicKey, &n.NextEpochPublicKey, &n.NetworkPublicKey,
			&n.State, &withdraw, &activation, &latest, &rate, &pending, &n.CommissionReceiver, &n.GovernanceAuthorized,
			&n.StoragePriceVote, &n.WritePriceVote, &n.NodeCapacityVote, &n.WalBalance, &n.NumShares, &n.PendingStake,
			&n.RewardsPool, &n.Commission, &meta, &created, &upd); err != nil {
			return nil, err
		}
		var err error
		if n.NodeID, err = toID(id); err != nil {
			return nil, err
		}
		n.Version, n.WithdrawEpoch, n.ActivationEpoch, n.LatestEpoch = uint64(version), u32p(withdraw), uint32(activation), uint32(latest)
		n.CommissionRate, n.PendingCommissionRates = uint16(rate), pending
		if meta != nil {
			n.Metadata = meta
		}
		n.CreatedCheckpoint, n.UpdatedCheckpoint = uint64(created), uint64(upd)
		out = append(out, n)
	}
	return out, rows.Err()
}

// Nodes returns up to limit nodes with IDs after after (nil: from the first), in ID order.
func (r *Reader) Nodes(ctx context.Context, after *walrus.ID, limit int) ([]Node, error) {
	from := []byte{}
	if after != nil {
		from = after[:]
	}
	rows, err := r.q.Query(ctx, `SELECT `+nodeCols+` FROM nodes WHERE node_id > $1 ORDER BY node_id LIMIT $2`, from, limit)
	if err != nil {
		return nil, fmt.Errorf("store: nodes: %w", err)
	}
	ns, err := scanNodes(rows)
	if err != nil {
		return nil, fmt.Errorf("store: nodes: %w", err)
	}
	return ns, nil
}

// Node returns one node, or ErrNotFound.
func (r *Reader) Node(ctx context.Context, id walrus.ID) (*Node, error) {
	rows, err := r.q.Query(ctx, `SELECT `+nodeCols+` FROM nodes WHERE node_id = $1`, id[:])
	if err != nil {
		return nil, fmt.Errorf("store: node: %w", err)
	}
	ns, err := scanNodes(rows)
	if err != nil {
		return nil, fmt.Errorf("store: node: %w", err)
	}
	if len(ns) == 0 {
		return nil, ErrNotFound
	}
	return &ns[0], nil
}

// Stake is a node's stake in an epoch.
type Stake struct {
	Epoch          uint32
	WalBalance     uint64
	NumShares      uint64
	PendingStake   uint64
	CommissionRate uint16
	Checkpoint     uint64
}

// StakeHistory returns up to limit epochs of the node's stake before epoch before (nil:
// from the newest), newest first.
func (r *Reader) StakeHistory(ctx context.Context, node walrus.ID, before *uint32, limit int) ([]Stake, error) {
	b := int64(1) << 40
	if before != nil {
		b = int64(*before)
	}
	rows, err := r.q.Query(ctx, `SELECT epoch, wal_balance, num_shares, pending_stake, commission_rate, checkpoint FROM stake
		WHERE node_id = $1 AND epoch < $2 ORDER BY epoch DESC LIMIT $3`, node[:], b, limit)
	if err != nil {
		return nil, fmt.Errorf("store: stake: %w", err)
	}
	defer rows.Close()
	var out []Stake
	for rows.Next() {
		var s Stake
		var epoch, cp int64
		var rate int32
		if err := rows.Scan(&epoch, &s.WalBalance, &s.NumShares, &s.PendingStake, &rate, &cp); err != nil {
			return nil, fmt.Errorf("store: stake: %w", err)
		}
		s.Epoch, s.CommissionRate, s.Checkpoint = uint32(epoch), uint16(rate), uint64(cp)
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: stake: %w", err)
	}
	return out, nil
}

// Reward is a node's reward for an epoch.
type Reward struct {
	Epoch          uint32
	Reward         uint64
	Commission     uint64
	CommissionRate uint16
	StakeAfter     uint64
	Checkpoint     uint64
	TxDigest       sui.Digest
}

// RewardHistory returns up to limit epochs of the node's rewards before epoch before
// (nil: from the newest), newest first.
func (r *Reader) RewardHistory(ctx context.Context, node walrus.ID, before *uint32, limit int) ([]Reward, error) {
	b := int64(1) << 40
	if before != nil {
		b = int64(*before)
	}
	rows, err := r.q.Query(ctx, `SELECT epoch, reward, commission, commission_rate, stake_after, checkpoint, tx_digest FROM rewards
		WHERE node_id = $1 AND epoch < $2 ORDER BY epoch DESC LIMIT $3`, node[:], b, limit)
	if err != nil {
		return nil, fmt.Errorf("store: rewards: %w", err)
	}
	defer rows.Close()
	var out []Reward
	for rows.Next() {
		var rw Reward
		var epoch, cp int64
		var rate int32
		var digest []byte
		if err := rows.Scan(&epoch, &rw.Reward, &rw.Commission, &rate, &rw.StakeAfter, &cp, &digest); err != nil {
			return nil, fmt.Errorf("store: rewards: %w", err)
		}
		rw.Epoch, rw.CommissionRate, rw.Checkpoint = uint32(epoch), uint16(rate), uint64(cp)
		copy(rw.TxDigest[:], digest)
		out = append(out, rw)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: rewards: %w", err)
	}
	return out, nil
}

// Summary is the explorer's overview.
type Summary struct {
	Watermark    ingest.Watermark
	HasWatermark bool
	Events       int64
	BlobObjects  int64
	Nodes        int64
	Current      *Epoch
}

// Summary returns the totals, the watermark and the current epoch.
func (r *Reader) Summary(ctx context.Context) (*Summary, error) {
	s := &Summary{}
	var err error
	if s.Watermark, s.HasWatermark, err = ingest.ReadWatermark(ctx, r.q, r.pipeline); err != nil {
		return nil, err
	}
	if err := r.q.QueryRow(ctx, `SELECT events, blob_objects, (SELECT count(*) FROM nodes) FROM stats`).Scan(&s.Events, &s.BlobObjects, &s.Nodes); err != nil {
		return nil, fmt.Errorf("store: summary: %w", err)
	}
	if e, ok, err := r.CurrentEpoch(ctx); err != nil {
		return nil, err
	} else if ok {
		if s.Current, err = r.Epoch(ctx, e); err != nil {
			return nil, err
		}
	}
	return s, nil
}
