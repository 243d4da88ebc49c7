package node_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/tuskstore/tusk/chain/keys"
	"github.com/tuskstore/tusk/chain/messages"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/encoding/encodingtest"
	"github.com/tuskstore/tusk/node/api"
)

// TestRecoverySymbols: both query forms give symbols computed from the node's slivers
// that verify against the metadata; filters and errors are Walrus's.
func TestRecoverySymbols(t *testing.T) {
	net := twoNodes(t)
	ctx := context.Background()
	a := net.nodes[0]
	b := net.blob(10, 4000)
	net.publish(b.registered(false, 5))
	net.upload(a, b, false)
	p := net.codec.Params()
	vm := b.enc.Metadata

	// Everything the node holds for recovering primary sliver 6 (held by node 1): one
	// symbol per shard of node 0, from its secondary slivers.
	syms, err := a.client.VerifiedRecoverySymbols(ctx, vm, api.RecoverSliver(6, encoding.Primary))
	if err != nil {
		t.Fatal(err)
	}
	if len(syms) != len(a.shards) {
		t.Fatalf("%d symbols for primary sliver 6, want %d", len(syms), len(a.shards))
	}
	for _, g := range syms {
		if g.TargetAxis != encoding.Primary || g.TargetIndex != 6 {
			t.Fatalf("symbol for %s %d", g.TargetAxis, g.TargetIndex)
		}
	}
	// Enough of them, with those of node 1's, rebuild the sliver.
	more, err := net.codec.RecoverySymbols(b.sliver(p.PairForShard(b.id, 5), encoding.Secondary), []int{6})
	if err != nil {
		t.Fatal(err)
	}
	rec, err := net.codec.RecoverSliver(vm, encoding.Primary, 6, append(syms, more...))
	if err != nil || !bytes.Equal(rec.Data, b.enc.Primary[6]) {
		t.Fatalf("recovered sliver: %v", err)
	}

	// By ID: symbol (row 6, column j) for each secondary sliver j the node holds, with
	// the proof against the secondary (column) hash.
	var ids []api.SymbolID
	for _, sh := range a.shards {
		j := p.SliverOfPair(encoding.Secondary, p.PairForShard(b.id, int(sh)))
		ids = append(ids, api.SymbolID{Primary: 6, Secondary: uint16(j)})
	}
	proof := encoding.Secondary
	byID, err := a.client.VerifiedRecoverySymbols(ctx, vm, api.RecoverySymbolsFilter{IDs: ids, ProofAxis: &proof})
	if err != nil || len(byID) != len(ids) {
		t.Fatalf("by ID: %d symbols, %v", len(byID), err)
	}
	// Without a proof axis, a symbol whose row the node holds comes from the primary
	// sliver (target secondary) first.
	pair0 := p.PairForShard(b.id, int(a.shards[0]))
	row := uint16(p.SliverOfPair(encoding.Primary, pair0))
	g, err := a.client.RecoverySymbols(ctx, b.id, api.RecoverySymbolsFilter{IDs: []api.SymbolID{{Primary: row, Secondary: 0}}})
	if err != nil || len(g) != 1 || g[0].TargetAxis != encoding.Secondary || g[0].TargetIndex != 0 || vm.VerifyRecoverySymbol(g[0]) != nil {
		t.Fatalf("by ID without proof axis: %+v %v", g, err)
	}

	// A symbol on no shard of the node.
	foreignRow := uint16(p.SliverOfPair(encoding.Primary, p.PairForShard(b.id, 5)))
	foreignCol := uint16(p.SliverOfPair(encoding.Secondary, p.PairForShard(b.id, 6)))
	_, err = a.client.RecoverySymbols(ctx, b.id, api.RecoverySymbolsFilter{IDs: []api.SymbolID{{Primary: foreignRow, Secondary: foreignCol}}})
	wantReason(t, err, http.StatusBadRequest, api.ReasonSymbolNotPresentAtShards)
	_, err = a.client.RecoverySymbols(ctx, b.id, api.RecoverySymbolsFilter{IDs: []api.SymbolID{{Primary: 9, Secondary: 1}}})
	wantReason(t, err, http.StatusBadRequest, api.ReasonIndexOutOfRange)
	_, err = a.client.RecoverySymbols(ctx, b.id, api.RecoverSliver(70, encoding.Primary))
	wantReason(t, err, http.StatusBadRequest, api.ReasonIndexOutOfRange)
	unknown := net.blob(11, 10)
	_, err = a.client.RecoverySymbols(ctx, unknown.id, api.RecoverSliver(0, encoding.Primary))
	wantReason(t, err, http.StatusNotFound, api.ReasonSliverNotFound)
}

// TestDecodingSymbols: the symbols of the systematic slivers that the node's
// orthogonal slivers hold, keyed by target, equal to the blob's own.
func TestDecodingSymbols(t *testing.T) {
	net := twoNodes(t)
	ctx := context.Background()
	a := net.nodes[0]
	b := net.blob(12, 3333)
	net.publish(b.registered(false, 5))
	net.upload(a, b, false)
	p := net.codec.Params()
	ss := b.enc.SymbolSize

	got, err := a.client.DecodingSymbols(ctx, b.id, api.DecodingSymbolsQuery{TargetSlivers: []uint16{0, 2}, TargetAxis: encoding.Primary})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || len(got[0]) != len(a.shards) || len(got[2]) != len(a.shards) {
		t.Fatalf("decoding symbols: %d targets", len(got))
	}
	for target, syms := range got {
		for _, s := range syms {
			if s.Axis != encoding.Primary {
				t.Fatalf("symbol tagged %s", s.Axis)
			}
			// The symbol of primary sliver target held by secondary sliver j is column j's
			// symbol at row target.
			want := b.enc.Secondary[s.Symbol.Index][int(target)*ss : (int(target)+1)*ss]
			if !bytes.Equal(s.Symbol.Data, want) {
				t.Fatalf("symbol (%d,%d) differs", target, s.Symbol.Index)
			}
		}
	}
	_, err = a.client.DecodingSymbols(ctx, b.id, api.DecodingSymbolsQuery{TargetSlivers: []uint16{uint16(p.PrimarySymbols())}, TargetAxis: encoding.Primary})
	wantReason(t, err, http.StatusBadRequest, api.ReasonRecoverySymbolOutOfRange)
	sec, err := a.client.DecodingSymbols(ctx, b.id, api.DecodingSymbolsQuery{TargetSlivers: []uint16{uint16(p.SecondarySymbols() - 1)}, TargetAxis: encoding.Secondary})
	if err != nil || len(sec) != 1 {
		t.Fatalf("secondary targets: %v", err)
	}
	_, err = a.client.DecodingSymbols(ctx, net.blob(13, 5).id, api.DecodingSymbolsQuery{TargetSlivers: []uint16{0}, TargetAxis: encoding.Primary})
	wantReason(t, err, http.StatusNotFound, api.ReasonSliverNotFound)
}

// inconsistentBlob builds the metadata of an inconsistently encoded blob (primary
// sliver target altered, its hash recomputed) and the proof that exposes it.
func inconsistentBlob(t *testing.T, net *testNet, b *testBlob, target int) (encoding.BlobID, encoding.Metadata, encoding.InconsistencyProof) {
	t.Helper()
	inc, err := encodingtest.NewInconsistent(net.codec, b.enc, target)
	if err != nil {
		t.Fatal(err)
	}
	return inc.BlobID, inc.Metadata, inc.Proof
}

// TestInconsistencyProof: a valid proof gets a signed INVALID_BLOB_ID attestation; an
// invalid one, or one for a blob without metadata, is refused.
func TestInconsistencyProof(t *testing.T) {
	net := twoNodes(t)
	ctx := context.Background()
	a := net.nodes[0]
	b := net.blob(14, 2500)
	id, meta, proof := inconsistentBlob(t, net, b, 1)

	_, err := a.client.SubmitInconsistencyProof(ctx, id, &proof)
	wantReason(t, err, http.StatusBadRequest, api.ReasonMetadataNotFound)

	bad := &walrus.BlobRegistered{Epoch: testEpoch, BlobID: id, Size: uint64(len(b.data)), EncodingType: 1, EndEpoch: 5, ObjectID: walrus.MustParseID("0xbad")}
	net.publish(bad)
	if _, err := a.client.StoreMetadata(ctx, id, &meta, false); err != nil {
		t.Fatal(err)
	}
	sm, err := a.client.SubmitInconsistencyProof(ctx, id, &proof)
	if err != nil {
		t.Fatal(err)
	}
	pk := a.blsKey.PublicKey()
	if err := sm.Verify(pk); err != nil {
		t.Fatal(err)
	}
	msg, err := messages.ParseInvalidBlobID(sm.SerializedMessage)
	if err != nil || msg.Epoch != testEpoch || msg.Body.BlobID != id {
		t.Fatalf("attestation: %+v %v", msg, err)
	}
	// Tampered symbols do not prove anything.
	tampered := proof
	tampered.Symbols = append([]encoding.RecoverySymbol(nil), proof.Symbols...)
	tampered.Symbols[0].Symbol.Data = append([]byte(nil), tampered.Symbols[0].Symbol.Data...)
	tampered.Symbols[0].Symbol.Data[0] ^= 1
	_, err = a.client.SubmitInconsistencyProof(ctx, id, &tampered)
	wantReason(t, err, http.StatusBadRequest, api.ReasonInvalidProof)
	// The same symbols against the honest blob show no inconsistency.
	net.publish(b.registered(false, 5))
	if _, err := a.client.StoreMetadata(ctx, b.id, &b.meta, false); err != nil {
		t.Fatal(err)
	}
	_, err = a.client.SubmitInconsistencyProof(ctx, b.id, &proof)
	wantReason(t, err, http.StatusBadRequest, api.ReasonInvalidProof)

	// Once the chain marks the blob invalid, the node reports it, drops its data and
	// takes no more uploads for it.
	net.publish(&walrus.InvalidBlobID{Epoch: testEpoch, BlobID: id})
	st, err := a.client.BlobStatus(ctx, id)
	if err != nil || st.Kind != api.BlobInvalid || st.Event.EventSeq != 0 {
		t.Fatalf("status: %+v %v", st, err)
	}
	if s, _ := a.client.MetadataStatus(ctx, id); s != api.StatusNonexistent {
		t.Fatalf("metadata of an invalid blob kept: %v", s)
	}
	_, err = a.client.StoreMetadata(ctx, id, &meta, true)
	wantReason(t, err, http.StatusBadRequest, api.ReasonInvalidBlob)
}

// TestHealthAndAPI: health reports the node's key, epoch, shards and event progress;
// /v1/api serves the OpenAPI description.
func TestHealthAndAPI(t *testing.T) {
	net := twoNodes(t)
	ctx := context.Background()
	a := net.nodes[0]
	b := net.blob(15, 100)
	net.publish(b.registered(false, 5))
	net.publish(&walrus.EpochParametersSelected{NextEpoch: 2})
	h, err := a.client.Health(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	pk := a.blsKey.PublicKey()
	if h.Epoch != testEpoch || h.PublicKey != api.EncodePublicKey(pk[:]) || h.ShardSummary.Owned != 5 ||
		h.EventProgress.Persisted != 2 || h.LatestCheckpointSequenceNumber == nil || *h.LatestCheckpointSequenceNumber != 1 ||
		h.ShardDetail == nil || len(h.ShardDetail.Owned) != 5 || h.NodeStatus == "" {
		t.Fatalf("health: %+v", h)
	}
	doc, err := a.client.APIDescription(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		OpenAPI string                    `json:"openapi"`
		Paths   map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(doc, &d); err != nil || d.OpenAPI == "" {
		t.Fatalf("api doc: %v", err)
	}
	for _, route := range []string{api.RouteMetadata, api.RouteSliver, api.RoutePermanentConfirm, api.RouteDeletableConfirm,
		api.RouteRecoverySymbols, api.RouteDecodingSymbols, api.RouteInconsistency, api.RouteBlobStatus, api.RouteHealth,
		api.RouteMetadataStatus, api.RouteSliverStatus, api.RouteSyncShard} {
		if d.Paths[route] == nil {
			t.Errorf("api doc lacks %s", route)
		}
	}
	_ = keys.BLSPublicKeySize
}
