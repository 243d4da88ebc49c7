package api

import (
	"encoding/hex"
	"encoding/json"
	"strconv"

	"github.com/tuskstore/tusk/chain/sui"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/indexer/cursor"
	"github.com/tuskstore/tusk/indexer/store"
)

// The JSON forms: object IDs and addresses as 0x-hex, blob IDs in URL-safe base64,
// digests in base58, keys as 0x-hex, Move u64 amounts (FROST, bytes, prices) as decimal
// strings so that JavaScript keeps them exact; epochs, checkpoints, timestamps (ms) and
// counts as numbers.

type amount uint64

func (a amount) MarshalJSON() ([]byte, error) {
	return strconv.AppendQuote(nil, strconv.FormatUint(uint64(a), 10)), nil
}

func amountp(v *uint64) *amount {
	if v == nil {
		return nil
	}
	a := amount(*v)
	return &a
}

type hexBytes []byte

func (h hexBytes) MarshalJSON() ([]byte, error) {
	if h == nil {
		return []byte("null"), nil
	}
	return json.Marshal("0x" + hex.EncodeToString(h))
}

type blobJSON struct {
	ObjectID            walrus.ID       `json:"object_id"`
	BlobID              string          `json:"blob_id"`
	Status              string          `json:"status"`
	OwnerKind           string          `json:"owner_kind"`
	Owner               *walrus.ID      `json:"owner"`
	Size                amount          `json:"size"`
	EncodingType        uint8           `json:"encoding_type"`
	EncodedSize         *amount         `json:"encoded_size"`
	StorageID           walrus.ID       `json:"storage_id"`
	StorageSize         amount          `json:"storage_size"`
	RegisteredEpoch     uint32          `json:"registered_epoch"`
	CertifiedEpoch      *uint32         `json:"certified_epoch"`
	StartEpoch          uint32          `json:"start_epoch"`
	EndEpoch            uint32          `json:"end_epoch"`
	EndEpochEstimatedMs *uint64         `json:"end_epoch_estimated_ms,omitempty"`
	Deletable           bool            `json:"deletable"`
	Deleted             bool            `json:"deleted"`
	Invalid             bool            `json:"invalid"`
	Attributes          json.RawMessage `json:"attributes"`
	Version             uint64          `json:"version"`
	CreatedCheckpoint   uint64          `json:"created_checkpoint"`
	UpdatedCheckpoint   uint64          `json:"updated_checkpoint"`
	DeletedCheckpoint   *uint64         `json:"deleted_checkpoint"`
}

// epochClock estimates when epochs start: from the current epoch's start and duration.
type epochClock struct {
	current            uint32
	startMs, durMs     uint64
	canEstimate, known bool
}

func (c epochClock) estimate(epoch uint32) *uint64 {
	if !c.canEstimate || epoch < c.current {
		return nil
	}
	v := c.startMs + uint64(epoch-c.current)*c.durMs
	return &v
}

func toBlobJSON(b *store.Blob, clk epochClock) blobJSON {
	attrs := b.Attributes
	if attrs == nil {
		attrs = json.RawMessage("null")
	}
	return blobJSON{
		ObjectID: b.ObjectID, BlobID: b.BlobID.String(), Status: b.Status(clk.current), OwnerKind: b.OwnerKind, Owner: b.Owner,
		Size: amount(b.Size), EncodingType: b.EncodingType, EncodedSize: amountp(b.EncodedSize), StorageID: b.StorageID,
		StorageSize: amount(b.StorageSize), RegisteredEpoch: b.RegisteredEpoch, CertifiedEpoch: b.CertifiedEpoch,
		StartEpoch: b.StartEpoch, EndEpoch: b.EndEpoch, EndEpochEstimatedMs: clk.estimate(b.EndEpoch), Deletable: b.Deletable,
		Deleted: b.Deleted, Invalid: b.Invalid, Attributes: attrs, Version: b.Version, CreatedCheckpoint: b.CreatedCheckpoint,
		UpdatedCheckpoint: b.UpdatedCheckpoint, DeletedCheckpoint: b.DeletedCheckpoint,
	}
}

type eventJSON struct {
	Cursor      string          `json:"cursor"`
	Checkpoint  uint64          `json:"checkpoint"`
	Index       uint32          `json:"index"`
	TxDigest    sui.Digest      `json:"tx_digest"`
	TxIndex     uint32          `json:"tx_index"`
	EventIndex  *uint32         `json:"event_index"`
	TimestampMs uint64          `json:"timestamp_ms"`
	Name        string          `json:"name"`
	Type        string          `json:"type"`
	Derived     bool            `json:"derived"`
	BCS         []byte          `json:"bcs"`
	Data        json.RawMessage `json:"data"`
}

func toEventJSON(e *store.Event, cursorText string) eventJSON {
	return eventJSON{
		Cursor: cursorText, Checkpoint: e.Checkpoint, Index: e.Index, TxDigest: e.TxDigest, TxIndex: e.TxIndex,
		EventIndex: e.EventIndex, TimestampMs: e.TimestampMs, Name: e.Name, Type: e.Type, Derived: e.EventIndex == nil,
		BCS: e.BCS, Data: e.Data,
	}
}

type epochJSON struct {
	Epoch            uint32  `json:"epoch"`
	StartCheckpoint  *uint64 `json:"start_checkpoint"`
	StartMs          *uint64 `json:"start_ms"`
	EndMs            *uint64 `json:"end_ms"`
	SyncDoneMs       *uint64 `json:"sync_done_ms"`
	ParamsSelectedMs *uint64 `json:"params_selected_ms"`
	NShards          *uint16 `json:"n_shards"`
	EpochDurationMs  *uint64 `json:"epoch_duration_ms"`
	StoragePrice     *amount `json:"storage_price_per_unit"`
	WritePrice       *amount `json:"write_price_per_unit"`
	TotalCapacity    *amount `json:"total_capacity"`
	UsedCapacity     *amount `json:"used_capacity"`
}

func toEpochJSON(e *store.Epoch) epochJSON {
	return epochJSON{
		Epoch: e.Epoch, StartCheckpoint: e.StartCheckpoint, StartMs: e.StartMs, EndMs: e.EndMs, SyncDoneMs: e.SyncDoneMs,
		ParamsSelectedMs: e.ParamsSelectedMs, NShards: e.NShards, EpochDurationMs: e.EpochDurationMs,
		StoragePrice: amountp(e.StoragePrice), WritePrice: amountp(e.WritePrice), TotalCapacity: amountp(e.TotalCapacity),
		UsedCapacity: amountp(e.UsedCapacity),
	}
}

type memberJSON struct {
	NodeID         walrus.ID `json:"node_id"`
	Name           *string   `json:"name"`
	NetworkAddress *string   `json:"network_address"`
	Shards         []uint16  `json:"shards"`
	Weight         int       `json:"weight"`
}

type nodeJSON struct {
	NodeID                 walrus.ID       `json:"node_id"`
	Name                   string          `json:"name"`
	NetworkAddress         string          `json:"network_address"`
	PublicKey              hexBytes        `json:"public_key"`
	NextEpochPublicKey     hexBytes        `json:"next_epoch_public_key"`
	NetworkPublicKey       hexBytes        `json:"network_public_key"`
	State                  string          `json:"state"`
	WithdrawEpoch          *uint32         `json:"withdraw_epoch"`
	ActivationEpoch        uint32          `json:"activation_epoch"`
	LatestEpoch            uint32          `json:"latest_epoch"`
	CommissionRate         uint16          `json:"commission_rate_bps"`
	PendingCommissionRates json.RawMessage `json:"pending_commission_rates"`
	CommissionReceiver     string          `json:"commission_receiver"`
	GovernanceAuthorized   string          `json:"governance_authorized"`
	StoragePriceVote       amount          `json:"storage_price_vote"`
	WritePriceVote         amount          `json:"write_price_vote"`
	NodeCapacityVote       amount          `json:"node_capacity_vote"`
	Stake                  amount          `json:"stake"`
	Shares                 amount          `json:"shares"`
	PendingStake           amount          `json:"pending_stake"`
	RewardsPool            amount          `json:"rewards_pool"`
	Commission             amount          `json:"commission"`
	Metadata               json.RawMessage `json:"metadata"`
	Version                uint64          `json:"version"`
	CreatedCheckpoint      uint64          `json:"created_checkpoint"`
	UpdatedCheckpoint      uint64          `json:"updated_checkpoint"`
}

func toNodeJSON(n *store.Node) nodeJSON {
	meta := n.Metadata
	if meta == nil {
		meta = json.RawMessage("null")
	}
	return nodeJSON{
		NodeID: n.NodeID, Name: n.Name, NetworkAddress: n.NetworkAddress, PublicKey: n.PublicKey,
		NextEpochPublicKey: n.NextEpochPublicKey, NetworkPublicKey: n.NetworkPublicKey, State: n.State,
		WithdrawEpoch: n.WithdrawEpoch, ActivationEpoch: n.ActivationEpoch, LatestEpoch: n.LatestEpoch,
		CommissionRate: n.CommissionRate, PendingCommissionRates: n.PendingCommissionRates,
		CommissionReceiver: n.CommissionReceiver, GovernanceAuthorized: n.GovernanceAuthorized,
		StoragePriceVote: amount(n.StoragePriceVote), WritePriceVote: amount(n.WritePriceVote),
		NodeCapacityVote: amount(n.NodeCapacityVote), Stake: amount(n.WalBalance), Shares: amount(n.NumShares),
		PendingStake: amount(n.PendingStake), RewardsPool: amount(n.RewardsPool), Commission: amount(n.Commission),
		Metadata: meta, Version: n.Version, CreatedCheckpoint: n.CreatedCheckpoint, UpdatedCheckpoint: n.UpdatedCheckpoint,
	}
}

type stakeJSON struct {
	Epoch          uint32 `json:"epoch"`
	Stake          amount `json:"stake"`
	Shares         amount `json:"shares"`
	PendingStake   amount `json:"pending_stake"`
	CommissionRate uint16 `json:"commission_rate_bps"`
	Checkpoint     uint64 `json:"checkpoint"`
}

type rewardJSON struct {
	Epoch          uint32     `json:"epoch"`
	Reward         amount     `json:"reward"`
	Commission     amount     `json:"commission"`
	StakerReward   amount     `json:"staker_reward"`
	CommissionRate uint16     `json:"commission_rate_bps"`
	StakeAfter     amount     `json:"stake_after"`
	Checkpoint     uint64     `json:"checkpoint"`
	TxDigest       sui.Digest `json:"tx_digest"`
}

// page is a list response: the items and, if there may be more, the cursor of the next
// page.
type page[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor,omitempty"`
}

// pageOf makes a page of rows read with limit+1: at most limit items, each converted
// by item, and when there were more, the cursor (from next) of the last one kept.
func pageOf[R, T any](rows []R, limit int, item func(*R) T, next func(*R) cursor.Cursor) page[T] {
	n := min(limit, len(rows))
	out := page[T]{Items: make([]T, 0, n)}
	for i := range rows[:n] {
		out.Items = append(out.Items, item(&rows[i]))
	}
	if len(rows) > limit && n > 0 {
		out.NextCursor = next(&rows[n-1]).String()
	}
	return out
}
