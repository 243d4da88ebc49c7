package e2e

import (
	"bytes"
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/internal/bcs"
	"github.com/tuskstore/tusk/node/api"
)

// octetStream is the header of a BCS body.
var octetStream = http.Header{"Content-Type": {"application/octet-stream"}}

// daemonBadRequests are bad requests to the publisher and aggregator (daemon mode).
func daemonBadRequests(n *network, good storedBlob) []httpCase {
	t := n.t
	body := []byte("a small blob")
	unknown := unknownBlobID(t)
	tooBig := make([]byte, n.info().MaxBlob+1)
	overBodyLimit := make([]byte, 10<<20+1) // the default max_body_size is 10 MiB
	get := "/v1/blobs/" + good.id
	return []httpCase{
		{"zero epochs", http.MethodPut, "/v1/blobs?epochs=0", body, nil, 400, "query parameter epochs: must be an integer in 1..4294967295, got \\\"0\\\""},
		{"garbage epochs", http.MethodPut, "/v1/blobs?epochs=abc", body, nil, 400, "query parameter epochs"},
		{"too many epochs", http.MethodPut, "/v1/blobs?epochs=99999", body, nil, 400, "99999 epochs ahead, the system allows at most"},
		{"garbage boolean", http.MethodPut, "/v1/blobs?permanent=maybe", body, nil, 400, "query parameter permanent: must be true or false"},
		{"permanent and deletable", http.MethodPut, "/v1/blobs?permanent=true&deletable=true", body, nil, 400, "both deletable and permanent"},
		{"unknown parameter", http.MethodPut, "/v1/blobs?foo=bar", body, nil, 400, "unknown query parameter \\\"foo\\\""},
		{"repeated parameter", http.MethodPut, "/v1/blobs?epochs=1&epochs=2", body, nil, 400, "query parameter epochs: given 2 times"},
		{"bad recipient", http.MethodPut, "/v1/blobs?send_object_to=xyz", body, nil, 400, "send_object_to: \\\"xyz\\\" is not a Sui address"},
		{"bad encoding", http.MethodPut, "/v1/blobs?encoding_type=rs1", body, nil, 400, "only RS2 is supported"},
		{"body over the limit", http.MethodPut, "/v1/blobs?epochs=1", overBodyLimit, nil, 413, "exceeds the maximum of 10485760 bytes"},
		{"blob over the maximum size", http.MethodPut, "/v1/blobs?epochs=1", tooBig, nil, 413, "blob too large"},
		{"quilt not multipart", http.MethodPut, "/v1/quilts?epochs=1", body, nil, 415, "multipart/form-data"},
		{"quilt garbage multipart", http.MethodPut, "/v1/quilts?epochs=1", []byte("garbage"), http.Header{"Content-Type": {"multipart/form-data; boundary=xyz"}}, 400, "multipart"},
		{"wrong method", http.MethodPost, "/v1/blobs", body, nil, 405, "method POST is not allowed"},
		{"garbage blob ID", "", "/v1/blobs/notanid", nil, nil, 400, "is not a blob ID"},
		{"unknown blob", "", "/v1/blobs/" + unknown, nil, nil, 404, "does not exist"},
		{"garbage read option", "", get + "?strict_consistency_check=maybe", nil, nil, 400, "strict_consistency_check: must be true or false"},
		{"unknown read option", "", get + "?foo=1", nil, nil, 400, "unknown query parameter \\\"foo\\\""},
		{"range beyond the blob", "", get, nil, http.Header{"Range": {fmt.Sprintf("bytes=%d-%d", len(good.data), len(good.data)+10)}}, 416, "not within the blob"},
		{"garbage range", "", get, nil, http.Header{"Range": {"bytes=abc"}}, 416, "missing '-'"},
		{"backwards range", "", get, nil, http.Header{"Range": {"bytes=10-5"}}, 416, "the last byte is before the first"},
		{"range in other units", "", get, nil, http.Header{"Range": {"items=0-1"}}, 416, "only bytes=first-last is supported"},
		{"several ranges", "", get, nil, http.Header{"Range": {"bytes=0-1,5-6"}}, 416, "only one range per request"},
		{"garbage object ID", "", "/v1/blobs/by-object-id/0xzz", nil, nil, 400, "is not a Sui object ID"},
		{"unknown object", "", "/v1/blobs/by-object-id/0x1234", nil, nil, 404, "does not exist"},
		{"unknown route", "", "/v1/nope", nil, nil, 404, "no route GET /v1/nope"},
	}
}

// badNodeRequests sends bad requests to node 0's REST API, then checks that the node
// stored nothing for the blob they named and still serves the good blob.
func (n *network) badNodeRequests(t *testing.T, good storedBlob) {
	ctx := testContext(t)
	base := "http://" + n.nodeCfg[0].ListenAddr
	target := unknownBlobID(t)
	garbage := []byte("garbage, not BCS")
	codec, err := encoding.NewCodec(n.info().NShards)
	if err != nil {
		t.Fatal(err)
	}
	other, err := codec.Encode(randomBlob(t, 5_000))
	if err != nil {
		t.Fatal(err)
	}
	otherMetadata := other.Metadata.Metadata()
	foreignMetadata := bcs.Marshal(&otherMetadata) // well-formed, but another blob's

	// A sliver pair of the target blob that node 0 holds: refusals are about the blob,
	// not about a shard the node does not have.
	com := n.committee(ctx)
	member := slices.IndexFunc(com.Members, func(m chain.CommitteeMember) bool { return m.NodeID.String() == n.nodeCfg[0].NodeID })
	if member < 0 {
		t.Fatal("node 0 is not in the committee")
	}
	id, err := encoding.ParseBlobID(target)
	if err != nil {
		t.Fatal(err)
	}
	pair := uint16(other.Metadata.Params().PairForShard(id, int(com.Members[member].Shards[0])))
	prim, _ := other.SliverPair(int(pair)) // well-formed, but another blob's
	foreignSliver := bcs.Marshal(&prim)
	meta := "/v1/blobs/" + target + "/metadata"
	sliver := fmt.Sprintf("/v1/blobs/%s/slivers/%d/primary", target, pair)
	cases := []httpCase{
		{"garbage metadata", http.MethodPut, meta, garbage, octetStream, 400, "unable to decode request body as BCS BlobMetadata"},
		{"another blob's metadata", http.MethodPut, meta, foreignMetadata, octetStream, 400, "metadata does not match the blob ID"},
		{"garbage sliver", http.MethodPut, sliver, garbage, octetStream, 400, "unable to decode request body as BCS SliverData"},
		{"sliver of an unregistered blob", http.MethodPut, sliver, foreignSliver, octetStream, 400, "the blob has not been registered"},
		{"garbage inconsistency proof", http.MethodPost, "/v1/blobs/" + target + "/inconsistencyProof/primary", garbage, octetStream, 400, "unable to decode request body as BCS InconsistencyProof"},
		{"wrong content type", http.MethodPut, meta, foreignMetadata, http.Header{"Content-Type": {"text/plain"}}, 400, "expected request with `Content-Type: application/octet-stream`"},
		{"oversized metadata", http.MethodPut, meta, make([]byte, 1<<20), octetStream, 413, "exceeds the limit"},
		{"pair index out of range", http.MethodPut, "/v1/blobs/" + target + "/slivers/70000/primary", foreignSliver, octetStream, 400, "sliver_pair_index: must be an integer in 0..65535"},
		{"unknown sliver type", "", "/v1/blobs/" + target + "/slivers/0/tertiary", nil, nil, 400, "sliver_type: must be primary or secondary"},
		{"garbage blob ID", "", "/v1/blobs/notanid/metadata", nil, nil, 400, "blob_id: \\\"notanid\\\" is not a blob ID"},
		{"garbage object ID", "", "/v1/blobs/" + target + "/confirmation/deletable/0xzz", nil, nil, 400, "object_id: \\\"0xzz\\\" is not a Sui object ID"},
		{"confirmation of an unregistered blob", "", "/v1/blobs/" + target + "/confirmation/permanent", nil, nil, 400, "has not been registered"},
		{"unknown metadata", "", meta, nil, nil, 404, "metadata is unavailable"},
	}
	checkHTTPCases(t, base, cases)

	// Nothing was stored for the target blob.
	nc := nodeClient(t, n.nodeCfg[0].ListenAddr)
	if st, err := nc.MetadataStatus(ctx, id); err != nil || st != api.StatusNonexistent {
		t.Errorf("after the bad requests node 0 holds metadata of %s: %q, %v", target, st, err)
	}
	if st, err := nc.SliverStatus(ctx, id, pair, encoding.Primary); err != nil || st != api.StatusNonexistent {
		t.Errorf("after the bad requests node 0 holds a sliver of %s: %q, %v", target, st, err)
	}
	if !bytes.Equal(foreignMetadata, bcs.Marshal(&otherMetadata)) {
		t.Fatal("the request bodies were modified")
	}
}

// indexerBadRequests are bad requests to the explorer API.
func indexerBadRequests(t *testing.T, base string) []httpCase {
	var nodes explorerPage[struct{}]
	if err := getJSON(base+"/v1/nodes?limit=1", &nodes); err != nil || nodes.NextCursor == "" {
		t.Fatalf("GET /v1/nodes?limit=1: %+v %v", nodes, err)
	}
	unknown := unknownBlobID(t)
	return []httpCase{
		{"zero limit", "", "/v1/events?limit=0", nil, nil, 400, "limit: must be an integer from 1 to"},
		{"garbage limit", "", "/v1/events?limit=abc", nil, nil, 400, "limit: must be an integer from 1 to"},
		{"limit too large", "", "/v1/blobs/" + unknown + "?limit=100000", nil, nil, 400, "limit: must be an integer from 1 to"},
		{"garbage cursor", "", "/v1/events?cursor=garbage", nil, nil, 400, "cursor: invalid cursor: not base64url"},
		{"cursor of no version", "", "/v1/epochs?cursor=AAAA", nil, nil, 400, "cursor: invalid cursor"},
		{"cursor of another list", "", "/v1/events?cursor=" + nodes.NextCursor, nil, nil, 400, "a cursor of another list"},
		{"cursor and start", "", "/v1/events?cursor=x&from_checkpoint=1", nil, nil, 400, "give cursor or from_checkpoint, not both"},
		{"garbage start", "", "/v1/events?from_checkpoint=-1", nil, nil, 400, "from_checkpoint: must be a checkpoint number"},
		{"unknown event type", "", "/v1/events?type=Nope", nil, nil, 400, "type: unknown event type \\\"Nope\\\""},
		{"repeated parameter", "", "/v1/events?limit=1&limit=2", nil, nil, 400, "parameter \\\"limit\\\" given 2 times"},
		{"unknown parameter", "", "/v1/summary?x=1", nil, nil, 400, "unknown parameter \\\"x\\\""},
		{"garbage blob ID", "", "/v1/blobs/xyz", nil, nil, 400, "blob ID: must be the 43-character URL-safe base64 form"},
		{"unknown blob", "", "/v1/blobs/" + unknown, nil, nil, 404, "no blob with ID " + unknown},
		{"garbage object ID", "", "/v1/blob-objects/nope", nil, nil, 400, "must be 0x followed by hex digits"},
		{"garbage epoch", "", "/v1/epochs/abc", nil, nil, 400, "epoch: must be a number from 0 to"},
		{"unknown epoch", "", "/v1/epochs/99999", nil, nil, 404, "no epoch 99999"},
		{"garbage node ID", "", "/v1/nodes/0xzz", nil, nil, 400, "node ID: must be 0x followed by up to 64 hex digits"},
		{"unknown node", "", "/v1/nodes/0x1234", nil, nil, 404, "no node 0x"},
		{"unknown status", "", "/v1/owners/0x1/blobs?status=weird", nil, nil, 400, "status: must be one of"},
		{"garbage feed cursor", "", "/v1/feed?after=zzz", nil, nil, 400, "after: invalid cursor"},
		{"unknown endpoint", "", "/v1/nope", nil, nil, 404, "no such endpoint: /v1/nope"},
		{"write method", http.MethodPost, "/v1/events", nil, nil, 405, "the API is read-only"},
	}
}
