package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/coordinator"
	"github.com/tuskstore/tusk/coordinator/coordtest/fakenode"
	"github.com/tuskstore/tusk/coordinator/coordtest/testnet"
	"github.com/tuskstore/tusk/coordinator/httpapi"
	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/node/api"
)

// The daemon over a devnet with storage nodes: the whole path from HTTP to the chain and
// back, with f shards' worth of nodes down for the stores and 2f for the reads.
func TestDaemonEndToEnd(t *testing.T) {
	n := testnet.Start(t, testnet.Options{})
	cfg := coordinator.Default()
	// Once a quorum confirmed, wait for the other nodes (a Down one fails at once): the
	// reads with 2f down need every live node to hold its slivers.
	cfg.Store.TailWait = 30 * time.Second
	c, err := coordinator.New(n.Chain, n.Cluster.Dialer(), cfg, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := httpapi.New(httpapi.Default(), httpapi.ModeDaemon, c, c, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	call := func(method, path string, body io.Reader, hdr ...string) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequestWithContext(context.Background(), method, ts.URL+path, body)
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, b
	}

	// One node (at most f shards) down during the stores.
	n.Cluster.Nodes[1].SetBehaviour(fakenode.Down)
	blob := bytes.Repeat([]byte("0123456789abcdef"), 5000)
	resp, body := call("PUT", "/v1/blobs?epochs=3", bytes.NewReader(blob))
	if resp.StatusCode != 200 {
		t.Fatalf("PUT: %d %s", resp.StatusCode, body)
	}
	var res struct {
		NewlyCreated *struct {
			BlobObject struct {
				ID     walrus.ID       `json:"id"`
				BlobID encoding.BlobID `json:"blobId"`
			} `json:"blobObject"`
		} `json:"newlyCreated"`
	}
	if err := json.Unmarshal(body, &res); err != nil || res.NewlyCreated == nil {
		t.Fatalf("PUT body %s (%v)", body, err)
	}
	nc := res.NewlyCreated
	id := nc.BlobObject.BlobID
	obj, err := n.Chain.Blob(n.Ctx, nc.BlobObject.ID)
	if err != nil || !obj.IsCertified() || !obj.Deletable || obj.Storage.EndEpoch != obj.RegisteredEpoch+3 {
		t.Fatalf("on chain: %+v (%v)", obj, err)
	}
	// The same blob again: alreadyCertified (owned, certified, long enough), nothing paid.
	resp, body = call("PUT", "/v1/blobs?epochs=2", bytes.NewReader(blob))
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"alreadyCertified"`) || !strings.Contains(string(body), `"object":"`+nc.BlobObject.ID.String()) {
		t.Fatalf("second PUT: %d %s", resp.StatusCode, body)
	}
	n.Cluster.Nodes[1].SetBehaviour(fakenode.Honest)

	// Reads with 2f shards' worth of nodes down or corrupt.
	n.Cluster.Nodes[0].SetBehaviour(fakenode.CorruptSlivers)
	n.Cluster.Nodes[1].SetBehaviour(fakenode.Down)
	n.Cluster.SetStatus(id, api.BlobStatus{Kind: api.BlobDeletable, Deletable: api.DeletableCounts{Total: 1, Certified: 1}})
	resp, body = call("GET", "/v1/blobs/"+id.String(), nil)
	if resp.StatusCode != 200 || !bytes.Equal(body, blob) || resp.Header.Get("ETag") != `"`+id.String()+`"` {
		t.Fatalf("GET: %d, %d bytes, %v", resp.StatusCode, len(body), resp.Header)
	}
	resp, body = call("GET", "/v1/blobs/"+id.String(), nil, "Range", "bytes=1000-1999")
	if resp.StatusCode != 206 || !bytes.Equal(body, blob[1000:2000]) || resp.Header.Get("Content-Range") != fmt.Sprintf("bytes 1000-1999/%d", len(blob)) {
		t.Fatalf("Range: %d %v", resp.StatusCode, resp.Header)
	}
	n.Cluster.Nodes[0].SetBehaviour(fakenode.Honest)
	n.Cluster.Nodes[1].SetBehaviour(fakenode.Honest)

	// By object ID, with an attribute as header.
	if _, err := n.Chain.SetBlobAttributes(n.Ctx, nc.BlobObject.ID, walrus.StringMap{{Key: "content-type", Value: "text/plain"}}); err != nil {
		t.Fatal(err)
	}
	resp, body = call("GET", "/v1/blobs/by-object-id/"+nc.BlobObject.ID.String(), nil)
	if resp.StatusCode != 200 || !bytes.Equal(body, blob) || resp.Header.Get("Content-Type") != "text/plain" {
		t.Fatalf("by object ID: %d %v", resp.StatusCode, resp.Header)
	}

	// Unknown blob: 404; too many nodes down: 503 with Retry-After.
	var missing encoding.BlobID
	missing[0] = 1
	if resp, _ := call("GET", "/v1/blobs/"+missing.String(), nil); resp.StatusCode != 404 {
		t.Fatalf("missing: %d", resp.StatusCode)
	}
	for i := range 3 {
		n.Cluster.Nodes[i].SetBehaviour(fakenode.Down)
	}
	if resp, _ := call("GET", "/v1/blobs/"+id.String(), nil); resp.StatusCode != 503 || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("3 nodes down, read: %d", resp.StatusCode)
	}
	resp, body = call("PUT", "/v1/blobs?force=true", bytes.NewReader([]byte("more than f down")))
	if resp.StatusCode != 503 || !strings.Contains(string(body), "INSUFFICIENT_CONFIRMATIONS") {
		t.Fatalf("3 nodes down, store: %d %s", resp.StatusCode, body)
	}
	for i := range 3 {
		n.Cluster.Nodes[i].SetBehaviour(fakenode.Honest)
	}

	// The quilt of the shared vectors: same quilt ID and patch IDs as Walrus.
	abin := make([]byte, 100)
	for i := range abin {
		abin[i] = byte(i % 251)
	}
	form, ct := quiltForm(t, [][2]string{{"a.bin", string(abin)}, {"b.txt", "hello walrus"}}, `[{"identifier":"a.bin","tags":{"type":"bin","x":"y"}}]`)
	resp, body = call("PUT", "/v1/quilts", form, "Content-Type", ct)
	const quiltID = "8eCC2mVFSCTJnEnCbBvEpyVsAMLh0zGMnyrrWGoFWe8"
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"quiltPatchId":"`+quiltID+`BAQAFAA"`) || !strings.Contains(string(body), `"quiltPatchId":"`+quiltID+`BBQAGAA"`) {
		t.Fatalf("PUT quilt: %d %s", resp.StatusCode, body)
	}
	resp, body = call("GET", "/v1/blobs/by-quilt-patch-id/"+quiltID+"BBQAGAA", nil)
	if resp.StatusCode != 200 || string(body) != "hello walrus" {
		t.Fatalf("patch: %d %q", resp.StatusCode, body)
	}
	resp, body = call("GET", "/v1/blobs/by-quilt-id/"+quiltID+"/a.bin", nil)
	if resp.StatusCode != 200 || !bytes.Equal(body, abin) {
		t.Fatalf("patch by identifier: %d", resp.StatusCode)
	}
	if resp, body = call("GET", "/v1/quilts/"+quiltID+"/patches", nil); resp.StatusCode != 200 || !strings.Contains(string(body), `"tags":{"type":"bin","x":"y"}`) {
		t.Fatalf("patches: %d %s", resp.StatusCode, body)
	}

	// A body above the in-memory limit is spooled to a file and mapped; it is encoded and
	// stored from there.
	big := make([]byte, 1_500_000)
	for i := range big {
		big[i] = byte(i*31 + i>>8)
	}
	req, _ := http.NewRequest("PUT", ts.URL+"/v1/blobs", io.MultiReader(bytes.NewReader(big)))
	req.ContentLength = -1
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"newlyCreated"`) {
		t.Fatalf("spooled PUT: %d %s", resp.StatusCode, body)
	}
	var big1 struct {
		NewlyCreated struct {
			BlobObject struct {
				BlobID encoding.BlobID `json:"blobId"`
			} `json:"blobObject"`
		} `json:"newlyCreated"`
	}
	json.Unmarshal(body, &big1)
	if resp, body = call("GET", "/v1/blobs/"+big1.NewlyCreated.BlobObject.BlobID.String(), nil); resp.StatusCode != 200 || !bytes.Equal(body, big) {
		t.Fatalf("read of the spooled blob: %d, %d bytes", resp.StatusCode, len(body))
	}
}
