package api

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/tuskstore/tusk/chain/messages"
	"github.com/tuskstore/tusk/chain/sui"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/encoding"
)

// DefaultPort is the storage node's default REST port (Walrus REST_API_PORT).
const DefaultPort = 9185

// Route patterns (net/http ServeMux syntax), as routes.rs defines them.
const (
	RouteAPIDocs           = "/v1/api"
	RouteMetadata          = "/v1/blobs/{blob_id}/metadata"
	RouteMetadataStatus    = "/v1/blobs/{blob_id}/metadata/status"
	RouteSliver            = "/v1/blobs/{blob_id}/slivers/{sliver_pair_index}/{sliver_type}"
	RouteSliverStatus      = "/v1/blobs/{blob_id}/slivers/{sliver_pair_index}/{sliver_type}/status"
	RoutePermanentConfirm  = "/v1/blobs/{blob_id}/confirmation/permanent"
	RouteDeletableConfirm  = "/v1/blobs/{blob_id}/confirmation/deletable/{object_id}"
	RouteRecoverySymbols   = "/v1/blobs/{blob_id}/recoverySymbols"
	RouteDecodingSymbols   = "/v1/blobs/{blob_id}/decodingSymbols"
	RouteInconsistency     = "/v1/blobs/{blob_id}/inconsistencyProof/{sliver_type}"
	RouteBlobStatus        = "/v1/blobs/{blob_id}/status"
	RouteHealth            = "/v1/health"
	RouteSyncShard         = "/v1/migrate/sync_shard"
	ContentTypeOctetStream = "application/octet-stream"
)

func blobPath(id encoding.BlobID, rest string) string {
	return "/v1/blobs/" + id.String() + rest
}

// MetadataPath is the path of a blob's metadata.
func MetadataPath(id encoding.BlobID) string { return blobPath(id, "/metadata") }

// MetadataStatusPath is the path of a blob's metadata status.
func MetadataStatusPath(id encoding.BlobID) string { return blobPath(id, "/metadata/status") }

// SliverPath is the path of one sliver, by sliver pair index and axis.
func SliverPath(id encoding.BlobID, pair uint16, axis encoding.Axis) string {
	return blobPath(id, fmt.Sprintf("/slivers/%d/%s", pair, axis))
}

// SliverStatusPath is the path of a sliver's status.
func SliverStatusPath(id encoding.BlobID, pair uint16, axis encoding.Axis) string {
	return SliverPath(id, pair, axis) + "/status"
}

// PermanentConfirmationPath is the path of a permanent blob's storage confirmation.
func PermanentConfirmationPath(id encoding.BlobID) string {
	return blobPath(id, "/confirmation/permanent")
}

// DeletableConfirmationPath is the path of a deletable blob object's storage confirmation.
func DeletableConfirmationPath(id encoding.BlobID, object walrus.ID) string {
	return blobPath(id, "/confirmation/deletable/"+object.String())
}

// RecoverySymbolsPath is the path of a blob's recovery symbols.
func RecoverySymbolsPath(id encoding.BlobID) string { return blobPath(id, "/recoverySymbols") }

// DecodingSymbolsPath is the path of a blob's decoding symbols.
func DecodingSymbolsPath(id encoding.BlobID) string { return blobPath(id, "/decodingSymbols") }

// InconsistencyProofPath is the path inconsistency proofs of an axis are posted to.
func InconsistencyProofPath(id encoding.BlobID, axis encoding.Axis) string {
	return blobPath(id, "/inconsistencyProof/"+axis.String())
}

// BlobStatusPath is the path of a blob's status.
func BlobStatusPath(id encoding.BlobID) string { return blobPath(id, "/status") }

// Success is the JSON success envelope {"success":{"code":…,"data":…}}.
type Success[T any] struct {
	Code int
	Data T
}

type successInner[T any] struct {
	Code int `json:"code"`
	Data T   `json:"data"`
}

// MarshalJSON writes the envelope.
func (s Success[T]) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Success successInner[T] `json:"success"`
	}{successInner[T](s)})
}

// UnmarshalJSON reads the envelope.
func (s *Success[T]) UnmarshalJSON(b []byte) error {
	var env struct {
		Success *successInner[T] `json:"success"`
	}
	if err := json.Unmarshal(b, &env); err != nil {
		return err
	}
	if env.Success == nil {
		return errors.New("api: not a success envelope")
	}
	s.Code, s.Data = env.Success.Code, env.Success.Data
	return nil
}

// StoreOutcome is what a successful upload did: the HTTP code tells it.
type StoreOutcome int

const (
	// Stored: persisted now (201 Created).
	Stored StoreOutcome = 201
	// Buffered: kept in the pending buffer until the blob's registration (202 Accepted).
	Buffered StoreOutcome = 202
	// AlreadyStored: the node already had it (200 OK).
	AlreadyStored StoreOutcome = 200
)

func (o StoreOutcome) String() string {
	switch o {
	case Stored:
		return "stored"
	case Buffered:
		return "buffered"
	case AlreadyStored:
		return "already stored"
	}
	return fmt.Sprintf("StoreOutcome(%d)", int(o))
}

// StoredOnNodeStatus is whether a node holds a sliver or metadata: "nonexistent",
// "buffered" (pending registration) or "stored".
type StoredOnNodeStatus string

const (
	StatusNonexistent StoredOnNodeStatus = "nonexistent"
	StatusBuffered    StoredOnNodeStatus = "buffered"
	StatusStored      StoredOnNodeStatus = "stored"
)

// UnmarshalJSON accepts only the three values.
func (s *StoredOnNodeStatus) UnmarshalJSON(b []byte) error {
	var v string
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	switch StoredOnNodeStatus(v) {
	case StatusNonexistent, StatusBuffered, StatusStored:
		*s = StoredOnNodeStatus(v)
		return nil
	}
	return fmt.Errorf("api: unknown stored-on-node status %q", v)
}

// EventID names a Sui event: its transaction and its sequence number there. JSON:
// {"txDigest": base58, "eventSeq": "<u64 as string>"}.
type EventID struct {
	TxDigest sui.Digest `json:"txDigest"`
	EventSeq uint64     `json:"eventSeq,string"`
}

// DeletableCounts counts the live deletable Blob objects of a blob ID. Its JSON fields
// are snake_case, as in Walrus.
type DeletableCounts struct {
	Total     uint32 `json:"count_deletable_total"`
	Certified uint32 `json:"count_deletable_certified"`
}

// BlobStatusKind is the variant of a BlobStatus.
type BlobStatusKind uint8

const (
	BlobNonexistent BlobStatusKind = iota
	BlobInvalid
	BlobPermanent
	BlobDeletable
)

// BlobStatus is a node's view of a blob ID (walrus-storage-node-client BlobStatus).
// Fields that a kind does not use are zero.
type BlobStatus struct {
	Kind BlobStatusKind
	// Event is the invalidation event (BlobInvalid) or the status event (BlobPermanent).
	Event EventID
	// EndEpoch and IsCertified describe the permanent Blob objects (BlobPermanent).
	EndEpoch    uint32
	IsCertified bool
	// Deletable and InitialCertifiedEpoch are set for BlobPermanent and BlobDeletable.
	Deletable             DeletableCounts
	InitialCertifiedEpoch *uint32
}

type permanentJSON struct {
	EndEpoch              uint32          `json:"endEpoch"`
	IsCertified           bool            `json:"isCertified"`
	StatusEvent           EventID         `json:"statusEvent"`
	DeletableCounts       DeletableCounts `json:"deletableCounts"`
	InitialCertifiedEpoch *uint32         `json:"initialCertifiedEpoch"`
}

type deletableJSON struct {
	InitialCertifiedEpoch *uint32         `json:"initialCertifiedEpoch"`
	DeletableCounts       DeletableCounts `json:"deletableCounts"`
}

type invalidJSON struct {
	Event EventID `json:"event"`
}

// MarshalJSON writes serde's externally tagged form.
func (s BlobStatus) MarshalJSON() ([]byte, error) {
	switch s.Kind {
	case BlobNonexistent:
		return []byte(`"nonexistent"`), nil
	case BlobInvalid:
		return json.Marshal(map[string]invalidJSON{"invalid": {Event: s.Event}})
	case BlobPermanent:
		return json.Marshal(map[string]permanentJSON{"permanent": {
			EndEpoch: s.EndEpoch, IsCertified: s.IsCertified, StatusEvent: s.Event,
			DeletableCounts: s.Deletable, InitialCertifiedEpoch: s.InitialCertifiedEpoch,
		}})
	case BlobDeletable:
		return json.Marshal(map[string]deletableJSON{"deletable": {
			InitialCertifiedEpoch: s.InitialCertifiedEpoch, DeletableCounts: s.Deletable,
		}})
	}
	return nil, fmt.Errorf("api: unknown blob status kind %d", s.Kind)
}

// UnmarshalJSON reads serde's externally tagged form.
func (s *BlobStatus) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		if v != "nonexistent" {
			return fmt.Errorf("api: unknown blob status %q", v)
		}
		*s = BlobStatus{}
		return nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	if len(m) != 1 {
		return errors.New("api: blob status must have exactly one variant")
	}
	for k, raw := range m {
		switch k {
		case "invalid":
			var v invalidJSON
			if err := json.Unmarshal(raw, &v); err != nil {
				return err
			}
			*s = BlobStatus{Kind: BlobInvalid, Event: v.Event}
		case "permanent":
			var v permanentJSON
			if err := json.Unmarshal(raw, &v); err != nil {
				return err
			}
			*s = BlobStatus{Kind: BlobPermanent, EndEpoch: v.EndEpoch, IsCertified: v.IsCertified, Event: v.StatusEvent,
				Deletable: v.DeletableCounts, InitialCertifiedEpoch: v.InitialCertifiedEpoch}
		case "deletable":
			var v deletableJSON
			if err := json.Unmarshal(raw, &v); err != nil {
				return err
			}
			*s = BlobStatus{Kind: BlobDeletable, Deletable: v.DeletableCounts, InitialCertifiedEpoch: v.InitialCertifiedEpoch}
		default:
			return fmt.Errorf("api: unknown blob status variant %q", k)
		}
	}
	return nil
}

// Confirmation is the data of a confirmation response: StorageConfirmation::Signed, JSON
// {"signed":{"serializedMessage":…,"signature":…}}.
type Confirmation struct {
	Signed messages.SignedMessage `json:"signed"`
}

// Duration is a Rust std::time::Duration in serde's form {"secs":…,"nanos":…}.
type Duration struct {
	Secs  uint64 `json:"secs"`
	Nanos uint32 `json:"nanos"`
}

// NewDuration converts d (negative counts as zero).
func NewDuration(d time.Duration) Duration {
	if d < 0 {
		d = 0
	}
	return Duration{Secs: uint64(d / time.Second), Nanos: uint32(d % time.Second)}
}

// Std converts back to a time.Duration.
func (d Duration) Std() time.Duration {
	return time.Duration(d.Secs)*time.Second + time.Duration(d.Nanos)
}

// EventProgress says how far the node has applied the event stream.
type EventProgress struct {
	Persisted                 uint64  `json:"persisted"`
	Pending                   uint64  `json:"pending"`
	HighestFinishedEventIndex *uint64 `json:"highestFinishedEventIndex"`
}

// OwnedShardStatus counts owned shards by state.
type OwnedShardStatus struct {
	Unknown    int `json:"unknown"`
	Ready      int `json:"ready"`
	InTransfer int `json:"inTransfer"`
	InRecovery int `json:"inRecovery"`
}

// ShardStatusSummary summarises the node's shards.
type ShardStatusSummary struct {
	Owned            int              `json:"owned"`
	OwnedShardStatus OwnedShardStatus `json:"ownedShardStatus"`
	ReadOnly         int              `json:"readOnly"`
}

// Shard states in ShardHealthInfo.
const (
	ShardUnknown    = "unknown"
	ShardReady      = "ready"
	ShardInTransfer = "inTransfer"
	ShardInRecovery = "inRecovery"
	ShardReadOnly   = "readOnly"
)

// ShardHealthInfo is one shard and its state.
type ShardHealthInfo struct {
	Shard  uint16 `json:"shard"`
	Status string `json:"status"`
}

// ShardStatusDetail lists shards one by one (health with detailed=true).
type ShardStatusDetail struct {
	Owned []ShardHealthInfo `json:"owned"`
	Other []ShardHealthInfo `json:"other"`
}

// HealthInfo is the data of GET /v1/health (ServiceHealthInfo).
type HealthInfo struct {
	Uptime        Duration           `json:"uptime"`
	Epoch         uint32             `json:"epoch"`
	PublicKey     string             `json:"publicKey"` // base64 of the 48-byte BLS key
	NodeStatus    string             `json:"nodeStatus"`
	EventProgress EventProgress      `json:"eventProgress"`
	ShardSummary  ShardStatusSummary `json:"shardSummary"`
	ShardDetail   *ShardStatusDetail `json:"shardDetail,omitempty"`
	// LatestCheckpointSequenceNumber is the last checkpoint the node has seen.
	LatestCheckpointSequenceNumber *uint64 `json:"latestCheckpointSequenceNumber,omitempty"`
}

// EncodePublicKey is the JSON form of a BLS public key in HealthInfo.
func EncodePublicKey(pk []byte) string { return base64.StdEncoding.EncodeToString(pk) }

// ParseUint16 parses a decimal u16 path or query parameter.
func ParseUint16(name, s string) (uint16, error) {
	v, err := strconv.ParseUint(s, 10, 16)
	if err != nil {
		return 0, NewError(StatusInvalidArgument, ReasonInvalidParameter, "%s: must be an integer in 0..65535, got %q", name, truncate(s))
	}
	return uint16(v), nil
}

// ParseBlobID parses the {blob_id} path parameter.
func ParseBlobID(s string) (encoding.BlobID, error) {
	id, err := encoding.ParseBlobID(s)
	if err != nil {
		return id, NewError(StatusInvalidArgument, ReasonInvalidParameter, "blob_id: %q is not a blob ID (43 characters of URL-safe base64)", truncate(s))
	}
	return id, nil
}

// ParseAxis parses the {sliver_type} path parameter or a type query parameter.
func ParseAxis(name, s string) (encoding.Axis, error) {
	a, err := encoding.ParseAxis(s)
	if err != nil {
		return 0, NewError(StatusInvalidArgument, ReasonInvalidParameter, "%s: must be primary or secondary, got %q", name, truncate(s))
	}
	return a, nil
}

// ParseObjectID parses the {object_id} path parameter (0x-prefixed hex).
func ParseObjectID(s string) (walrus.ID, error) {
	id, err := walrus.ParseID(s)
	if err != nil {
		return id, NewError(StatusInvalidArgument, ReasonInvalidParameter, "object_id: %q is not a Sui object ID", truncate(s))
	}
	return id, nil
}

func truncate(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

// EncodeQuery is url.Values.Encode keeping the order of keys as given.
func encodeOrdered(pairs [][2]string) string {
	var b bytes.Buffer
	for i, p := range pairs {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(p[0]))
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(p[1]))
	}
	return b.String()
}
