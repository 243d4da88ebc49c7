package api

import (
	"encoding/base64"
	"net/http"

	"github.com/tuskstore/tusk/chain/keys"
	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/internal/bcs"
)

// HeaderAuthorization carries the requester's BLS public key on POST
// /v1/migrate/sync_shard: the 48-byte compressed key in standard padded base64, as
// fastcrypto's encode_base64 writes it (walrus-storage-node-client client.rs
// create_request_with_payload_and_public_key; server/extract.rs Authorization).
const HeaderAuthorization = "Authorization"

// EncodeAuthorization is the Authorization header value for a BLS public key.
func EncodeAuthorization(pk [keys.BLSPublicKeySize]byte) string {
	return base64.StdEncoding.EncodeToString(pk[:])
}

// ParseAuthorization reads the Authorization header of a sync-shard request. A missing
// header is 401 UNAUTHENTICATED (Walrus: "Missing Authorization header"), one that is not
// a BLS public key 400 (Walrus: "Invalid Authorization header").
func ParseAuthorization(h http.Header) ([keys.BLSPublicKeySize]byte, error) {
	var pk [keys.BLSPublicKeySize]byte
	vals := h.Values(HeaderAuthorization)
	if len(vals) == 0 {
		return pk, NewError(StatusUnauthenticated, ReasonRequestUnauthorized, "missing Authorization header")
	}
	invalid := NewError(StatusInvalidArgument, ReasonInvalidParameter,
		"invalid Authorization header: want the base64 of a %d-byte BLS public key", keys.BLSPublicKeySize)
	if len(vals) > 1 {
		return pk, invalid
	}
	b, err := base64.StdEncoding.Strict().DecodeString(vals[0])
	if err != nil || len(b) != keys.BLSPublicKeySize || keys.ValidateBLSPublicKey(b) != nil {
		return pk, invalid
	}
	copy(pk[:], b)
	return pk, nil
}

// BlobSliver is one entry of a sync-shard response: a blob ID and its sliver of the
// requested shard and axis.
type BlobSliver struct {
	BlobID encoding.BlobID
	Sliver encoding.Sliver
}

// minBlobSliverSize is the smallest BCS entry: the ID, the axis tag, an empty data
// vector, the symbol size and the index.
const minBlobSliverSize = 32 + 1 + 1 + 2 + 2

// SyncShardResponse is the answer to POST /v1/migrate/sync_shard (walrus-core
// messages/sync_shard.rs): enum SyncShardResponse { V1(Vec<(BlobId, Sliver)>) }. BCS:
// tag 0, the entry count, then each entry as the 32-byte blob ID and the Sliver enum
// (tag 0 primary, 1 secondary, then SliverData).
type SyncShardResponse []BlobSliver

// MarshalBCS writes the V1 form.
func (r *SyncShardResponse) MarshalBCS(e *bcs.Encoder) {
	e.ULEB128(0)
	e.ULEB128(uint64(len(*r)))
	for i := range *r {
		bs := &(*r)[i]
		e.Fixed(bs.BlobID[:])
		t := encoding.TaggedSliver{Sliver: bs.Sliver}
		t.MarshalBCS(e)
	}
}

// UnmarshalBCS reads the V1 form. The slivers alias the input.
func (r *SyncShardResponse) UnmarshalBCS(d *bcs.Decoder) {
	*r = nil
	d.Tag(1)
	n := d.Len(minBlobSliverSize)
	if d.Err() != nil {
		return
	}
	out := make(SyncShardResponse, n)
	for i := 0; i < n && d.Err() == nil; i++ {
		d.FixedInto(out[i].BlobID[:])
		var t encoding.TaggedSliver
		t.UnmarshalBCS(d)
		out[i].Sliver = t.Sliver
	}
	*r = out
}
