package node_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/internal/bcs"
	"github.com/tuskstore/tusk/node/api"
	"github.com/tuskstore/tusk/node/client"
	"github.com/tuskstore/tusk/node/nodetls"
)

func rawClient(t *testing.T, tn *testNode) *http.Client {
	t.Helper()
	pk := tn.netKey.CompressedPublicKey()
	cfg, err := nodetls.ClientConfig(pk[:])
	if err != nil {
		t.Fatal(err)
	}
	tr := &http.Transport{TLSClientConfig: cfg, Protocols: new(http.Protocols)}
	tr.Protocols.SetHTTP2(true)
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

// TestHostileRequests: malformed paths, queries, content types and bodies get a 4xx
// with Walrus's JSON error envelope and a message saying what is wrong; none panics,
// none stores anything.
func TestHostileRequests(t *testing.T) {
	net := twoNodes(t)
	a := net.nodes[0]
	b := net.blob(20, 1200)
	net.publish(b.registered(false, 5))
	hc := rawClient(t, a)
	base := "https://" + a.cfg.ListenAddr
	pair := uint16(net.codec.Params().PairForShard(b.id, int(a.shards[0])))
	s := b.sliver(int(pair), encoding.Primary)
	sliverBody := bcs.Marshal(&s)
	metaBody := bcs.Marshal(&b.meta)

	cases := []struct {
		name, method, path, ctype string
		body                      []byte
		status                    int
		reason                    string
	}{
		{"bad blob id", "GET", "/v1/blobs/not-a-blob-id/metadata", "", nil, 400, api.ReasonInvalidParameter},
		{"short blob id", "GET", "/v1/blobs/AAAA/status", "", nil, 400, api.ReasonInvalidParameter},
		{"bad pair index", "GET", api.MetadataPath(b.id)[:len("/v1/blobs/")+43] + "/slivers/x/primary", "", nil, 400, api.ReasonInvalidParameter},
		{"pair index overflow", "GET", api.MetadataPath(b.id)[:len("/v1/blobs/")+43] + "/slivers/70000/primary", "", nil, 400, api.ReasonInvalidParameter},
		{"bad sliver type", "GET", api.MetadataPath(b.id)[:len("/v1/blobs/")+43] + "/slivers/1/tertiary", "", nil, 400, api.ReasonInvalidParameter},
		{"bad object id", "GET", api.PermanentConfirmationPath(b.id)[:len("/v1/blobs/")+43] + "/confirmation/deletable/0xzz", "", nil, 400, api.ReasonInvalidParameter},
		{"unknown upload query", "PUT", api.MetadataPath(b.id) + "?pendin=true", "", metaBody, 400, api.ReasonInvalidParameter},
		{"bad pending value", "PUT", api.MetadataPath(b.id) + "?pending=yes", "", metaBody, 400, api.ReasonInvalidParameter},
		{"bad wait_millis", "GET", api.PermanentConfirmationPath(b.id) + "?wait_for_registration=true&wait_millis=-1", "", nil, 400, api.ReasonInvalidParameter},
		{"json content type", "PUT", api.MetadataPath(b.id), "application/json", metaBody, 400, api.ReasonInvalidContentType},
		{"garbage metadata", "PUT", api.MetadataPath(b.id), "", []byte{0, 1, 2, 3}, 400, api.ReasonInvalidContentType},
		{"trailing bytes", "PUT", api.MetadataPath(b.id), "application/octet-stream", append(bytes.Clone(metaBody), 0), 400, api.ReasonInvalidContentType},
		{"empty sliver body", "PUT", api.SliverPath(b.id, pair, encoding.Primary), "", nil, 400, api.ReasonInvalidContentType},
		{"huge length prefix", "PUT", api.SliverPath(b.id, pair, encoding.Primary), "", []byte{0xff, 0xff, 0xff, 0xff, 0x07}, 400, api.ReasonInvalidContentType},
		{"sliver too large", "PUT", api.SliverPath(b.id, pair, encoding.Primary), "", make([]byte, net.codec.Params().MaxSliverSize()+200), 413, api.ReasonBodyTooLarge},
		{"metadata too large", "PUT", api.MetadataPath(b.id), "", make([]byte, 10000), 413, api.ReasonBodyTooLarge},
		{"bad proof body", "POST", api.InconsistencyProofPath(b.id, encoding.Primary), "", []byte{9}, 400, api.ReasonInvalidContentType},
		{"no symbol filter", "GET", api.RecoverySymbolsPath(b.id), "", nil, 400, api.ReasonInvalidFilter},
		{"bad symbol id", "GET", api.RecoverySymbolsPath(b.id) + "?id=1_2", "", nil, 400, api.ReasonInvalidParameter},
		{"empty symbol ids", "GET", api.RecoverySymbolsPath(b.id) + "?id=", "", nil, 400, api.ReasonInvalidParameter},
		{"no target slivers", "GET", api.DecodingSymbolsPath(b.id) + "?targetType=primary", "", nil, 400, api.ReasonNoTargetSliversSpecified},
		{"bad detailed", "GET", "/v1/health?detailed=1", "", nil, 400, api.ReasonInvalidParameter},
		{"sync shard without key", "POST", api.RouteSyncShard, "", []byte{1}, 401, api.ReasonRequestUnauthorized},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var body io.Reader
			if c.body != nil {
				body = bytes.NewReader(c.body)
			}
			req, err := http.NewRequest(c.method, base+c.path, body)
			if err != nil {
				t.Fatal(err)
			}
			if c.ctype != "" {
				req.Header.Set("Content-Type", c.ctype)
			}
			resp, err := hc.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			data, _ := io.ReadAll(resp.Body)
			var e api.Error
			if err := json.Unmarshal(data, &e); err != nil {
				t.Fatalf("status %d, body %q is not an error envelope: %v", resp.StatusCode, data, err)
			}
			if resp.StatusCode != c.status || e.HTTPStatus != c.status || e.Reason != c.reason || e.Message == "" || e.Status == "" {
				t.Fatalf("got %d %+v, want %d %s", resp.StatusCode, e, c.status, c.reason)
			}
		})
	}
	// Nothing was stored, and the right uploads still work.
	ctx := context.Background()
	if st, _ := a.client.MetadataStatus(ctx, b.id); st != api.StatusNonexistent {
		t.Fatalf("metadata status %v", st)
	}
	if _, err := a.client.StoreMetadata(ctx, b.id, &b.meta, false); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("PUT", base+api.SliverPath(b.id, pair, encoding.Primary), bytes.NewReader(sliverBody))
	req.Header.Set("Content-Type", "application/octet-stream; charset=binary")
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var ok api.Success[string]
	if err := json.NewDecoder(resp.Body).Decode(&ok); err != nil || resp.StatusCode != 201 || ok.Code != 201 || !strings.Contains(ok.Data, "stored") {
		t.Fatalf("upload: %d %+v %v", resp.StatusCode, ok, err)
	}
	resp.Body.Close()
	if resp.ProtoMajor != 2 {
		t.Fatalf("HTTP/%d over TLS, want HTTP/2", resp.ProtoMajor)
	}
}

// TestTLSPinning: a client pinning another key refuses the node; the node's own key
// is accepted.
func TestTLSPinning(t *testing.T) {
	net := twoNodes(t)
	a, other := net.nodes[0], net.nodes[1]
	wrong := other.netKey.CompressedPublicKey()
	c, err := client.New(a.cfg.ListenAddr, client.Options{NetworkPublicKey: wrong[:]})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, err = c.Health(context.Background(), false)
	if err == nil || !strings.Contains(err.Error(), nodetls.ErrKeyMismatch.Error()) {
		t.Fatalf("pinned to the wrong key: %v", err)
	}
	if _, err := a.client.Health(context.Background(), false); err != nil {
		t.Fatal(err)
	}
}
