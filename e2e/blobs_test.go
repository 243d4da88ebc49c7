package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/node/client"
)

// storedBlob is a blob a test stored and must be able to read back.
type storedBlob struct {
	id     string // blob ID
	object string // Blob object ID
	data   []byte
}

// storeResponse is the part of the publisher's answer (and of `tusk store --json`'s
// blobStoreResult) the tests look at.
type storeResponse struct {
	NewlyCreated *struct {
		BlobObject struct {
			ID      string `json:"id"`
			BlobID  string `json:"blobId"`
			Size    uint64 `json:"size"`
			Storage struct {
				EndEpoch uint32 `json:"endEpoch"`
			} `json:"storage"`
		} `json:"blobObject"`
	} `json:"newlyCreated"`
}

// randomBlob is size random bytes.
func randomBlob(t *testing.T, size int) []byte {
	t.Helper()
	b := make([]byte, size)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

// blobID computes data's blob ID for a system of nShards shards.
func blobID(t *testing.T, nShards int, data []byte) encoding.BlobID {
	t.Helper()
	codec, err := encoding.NewCodec(nShards)
	if err != nil {
		t.Fatal(err)
	}
	enc, err := codec.Encode(data)
	if err != nil {
		t.Fatal(err)
	}
	return enc.Metadata.BlobID()
}

// httpClient is the client of the tests' HTTP calls; its timeout is a safety net.
var httpClient = &http.Client{Timeout: 2 * time.Minute}

// httpDo sends a request and returns the status and body.
func httpDo(t *testing.T, method, url string, body []byte, header http.Header) (int, []byte, http.Header) {
	t.Helper()
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, url, r)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading the body: %v", method, url, err)
	}
	return resp.StatusCode, b, resp.Header
}

// putBlob stores data through the daemon (PUT /v1/blobs?query) and requires a newly
// created blob.
func (n *network) putBlob(data []byte, query string) storedBlob {
	n.t.Helper()
	b, err := storeBlob(n.daemonURL, data, query)
	if err != nil {
		n.t.Fatal(err)
	}
	return b
}

// storeBlob stores data through the publisher at baseURL and requires a newly created
// blob. Unlike putBlob it may run on any goroutine.
func storeBlob(baseURL string, data []byte, query string) (storedBlob, error) {
	req, err := http.NewRequest(http.MethodPut, baseURL+"/v1/blobs?"+query, bytes.NewReader(data))
	if err != nil {
		return storedBlob{}, err
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		return storedBlob{}, fmt.Errorf("PUT /v1/blobs?%s: %w", query, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return storedBlob{}, fmt.Errorf("PUT /v1/blobs?%s: %w", query, err)
	}
	var res storeResponse
	if resp.StatusCode != http.StatusOK {
		return storedBlob{}, fmt.Errorf("PUT /v1/blobs?%s: %s %s", query, resp.Status, clip(body))
	}
	if err := json.Unmarshal(body, &res); err != nil || res.NewlyCreated == nil {
		return storedBlob{}, fmt.Errorf("PUT /v1/blobs?%s: not newly created: %s (%v)", query, clip(body), err)
	}
	o := res.NewlyCreated.BlobObject
	return storedBlob{id: o.BlobID, object: o.ID, data: data}, nil
}

// requireReadable reads every blob through the daemon's aggregator and requires the
// bytes stored.
func (n *network) requireReadable(blobs ...storedBlob) {
	n.t.Helper()
	for _, b := range blobs {
		code, body, _ := httpDo(n.t, http.MethodGet, n.daemonURL+"/v1/blobs/"+b.id, nil, nil)
		if code != http.StatusOK {
			n.t.Fatalf("GET /v1/blobs/%s: %d %s", b.id, code, clip(body))
		}
		if !bytes.Equal(body, b.data) {
			n.t.Fatalf("GET /v1/blobs/%s: %d bytes that differ from the %d stored", b.id, len(body), len(b.data))
		}
	}
}

// getJSON GETs url and decodes a 200 answer into v.
func getJSON(url string, v any) error {
	resp, err := httpClient.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s %s", url, resp.Status, clip(body))
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("GET %s: %w in %s", url, err, clip(body))
	}
	return nil
}

// clip shortens a body for a message.
func clip(b []byte) string {
	const max = 400
	if len(b) > max {
		return string(b[:max]) + "..."
	}
	return string(b)
}

// nodeClient is a client of the storage node at addr (plain HTTP), closed when the test
// ends.
func nodeClient(t *testing.T, addr string) *client.Client {
	t.Helper()
	c, err := client.New(addr, client.Options{Plain: true, Timeout: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// requireSlivers checks that the node at addr serves, for every sliver pair it stores
// of each blob (one per shard of member m), the primary and secondary slivers equal to
// the blob's own encoding. It returns an error while one is missing or different.
func requireSlivers(ctx context.Context, t *testing.T, addr string, m chain.CommitteeMember, nShards int, blobs ...storedBlob) error {
	t.Helper()
	codec, err := encoding.NewCodec(nShards)
	if err != nil {
		t.Fatal(err)
	}
	nc := nodeClient(t, addr)
	for _, b := range blobs {
		enc, err := codec.Encode(b.data)
		if err != nil {
			t.Fatal(err)
		}
		id := enc.Metadata.BlobID()
		if id.String() != b.id {
			t.Fatalf("blob %s encodes to %s here", b.id, id)
		}
		for _, shard := range m.Shards {
			pair := enc.Metadata.Params().PairForShard(id, int(shard))
			prim, sec := enc.SliverPair(pair)
			for _, want := range []encoding.Sliver{prim, sec} {
				got, err := nc.Sliver(ctx, id, uint16(pair), want.Axis)
				if err != nil {
					return fmt.Errorf("node %s: blob %s, %s sliver of pair %d: %w", m.Name, id, want.Axis, pair, err)
				}
				if got.Index != want.Index || got.SymbolSize != want.SymbolSize || !bytes.Equal(got.Data, want.Data) {
					t.Fatalf("node %s: blob %s, %s sliver of pair %d differs from the encoding", m.Name, id, want.Axis, pair)
				}
			}
		}
	}
	return nil
}
