package httpapi_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/coordinator"
	"github.com/tuskstore/tusk/coordinator/coordtest/testnet"
	"github.com/tuskstore/tusk/coordinator/httpapi"
	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/node/api"
)

func TestPutBlobShareQuery(t *testing.T) {
	s := newStub()
	h := newServer(t, httpapi.ModePublisher, s, nil)
	for q, want := range map[string][2]bool{ // share, permanent
		"share=true":                {true, false},
		"share=true&permanent=true": {true, true},
		"share=true&deletable=true": {true, false},
		"share=false":               {false, false},
	} {
		s.lastOpts.Share, s.lastOpts.Permanent = !want[0], !want[1]
		if w := do(h, "PUT", "/v1/blobs?"+q, strings.NewReader("x")); w.Code != 200 {
			t.Fatalf("%s: %d %s", q, w.Code, w.Body.String())
		}
		if s.lastOpts.Share != want[0] || s.lastOpts.Permanent != want[1] || s.lastOpts.SendObjectTo != nil {
			t.Errorf("%s: options %+v", q, s.lastOpts)
		}
	}
	// Sharing and sending the Blob object exclude each other (Walrus SendOrShare), in any
	// order and whatever share says.
	for _, q := range []string{"share=true&send_object_to=0x1", "send_object_to=0x1&share=true", "share=false&send_object_to=0x1"} {
		s.lastBlob = nil
		w := do(h, "PUT", "/v1/blobs?"+q, strings.NewReader("x"))
		wantError(t, w, 400, "INVALID_PARAMETER")
		if !strings.Contains(w.Body.String(), "send_object_to and share cannot be given together") || s.lastBlob != nil {
			t.Errorf("%s: %s", q, w.Body.String())
		}
	}
	wantError(t, do(h, "PUT", "/v1/blobs?share=yes", strings.NewReader("x")), 400, "INVALID_PARAMETER")
}

// The daemon over a devnet: PUT ?share=true answers Walrus's newlyCreated with
// sharedBlobObject, and the blob reads back by blob ID and by the SharedBlob's ID.
func TestDaemonShare(t *testing.T) {
	n := testnet.Start(t, testnet.Options{})
	cfg := coordinator.Default()
	cfg.Store.TailWait = 30 * time.Second // every node stores before the reads
	c, err := coordinator.New(n.Chain, n.Cluster.Dialer(), cfg, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	hcfg := httpapi.Default()
	hcfg.SpoolDir = t.TempDir()
	srv, err := httpapi.New(hcfg, httpapi.ModeDaemon, c, c, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()

	blob := bytes.Repeat([]byte("shared "), 3000)
	w := do(h, "PUT", "/v1/blobs?epochs=2&share=true&permanent=true", bytes.NewReader(blob))
	if w.Code != 200 {
		t.Fatalf("PUT: %d %s", w.Code, w.Body.String())
	}
	var res struct {
		NewlyCreated *struct {
			BlobObject struct {
				ID        walrus.ID       `json:"id"`
				BlobID    encoding.BlobID `json:"blobId"`
				Deletable bool            `json:"deletable"`
			} `json:"blobObject"`
			Cost             uint64     `json:"cost"`
			SharedBlobObject *walrus.ID `json:"sharedBlobObject"`
		} `json:"newlyCreated"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &res); err != nil || res.NewlyCreated == nil || res.NewlyCreated.SharedBlobObject == nil {
		t.Fatalf("PUT body %s (%v)", w.Body.String(), err)
	}
	nc := res.NewlyCreated
	sb, err := n.Chain.SharedBlob(n.Ctx, *nc.SharedBlobObject)
	if err != nil || sb.Blob.ID != nc.BlobObject.ID || sb.Blob.BlobID != nc.BlobObject.BlobID || !sb.Blob.IsCertified() || sb.Blob.Deletable || nc.BlobObject.Deletable {
		t.Fatalf("on chain: %+v (%v)", sb, err)
	}

	id := nc.BlobObject.BlobID
	n.Cluster.SetStatus(id, api.BlobStatus{Kind: api.BlobPermanent, IsCertified: true, EndEpoch: sb.Blob.EndEpoch()})
	if w := do(h, "GET", "/v1/blobs/"+id.String(), nil); w.Code != 200 || !bytes.Equal(w.Body.Bytes(), blob) {
		t.Fatalf("GET by blob ID: %d, %d bytes", w.Code, w.Body.Len())
	}
	if w := do(h, "GET", "/v1/blobs/by-object-id/"+nc.SharedBlobObject.String(), nil); w.Code != 200 || !bytes.Equal(w.Body.Bytes(), blob) {
		t.Fatalf("GET by the SharedBlob's ID: %d %s", w.Code, w.Body.String())
	}
	// The wrapped Blob is no longer an object of its own (as with Walrus).
	wantError(t, do(h, "GET", "/v1/blobs/by-object-id/"+nc.BlobObject.ID.String(), nil), 404, "BLOB_NOT_FOUND")

	// Shared blobs are deletable by default, as the Walrus publisher makes them.
	w = do(h, "PUT", "/v1/blobs?share=true", strings.NewReader("a deletable shared blob"))
	if w.Code != 200 || !strings.Contains(w.Body.String(), `"deletable":true`) || !strings.Contains(w.Body.String(), `"sharedBlobObject":"0x`) {
		t.Fatalf("PUT deletable: %d %s", w.Code, w.Body.String())
	}
	// And a quilt can be shared too.
	form, ct := quiltForm(t, [][2]string{{"a.txt", "alpha"}, {"b.txt", "beta"}}, "")
	w = do(h, "PUT", "/v1/quilts?share=true", form, "Content-Type", ct)
	if w.Code != 200 || !strings.Contains(w.Body.String(), `"sharedBlobObject":"0x`) {
		t.Fatalf("PUT quilt: %d %s", w.Code, w.Body.String())
	}
	if _, err := n.Chain.ExtendSharedBlob(n.Ctx, *nc.SharedBlobObject, 1); !errors.Is(err, chain.ErrInsufficientBalance) {
		t.Errorf("extend the unfunded shared blob: %v", err)
	}
}
