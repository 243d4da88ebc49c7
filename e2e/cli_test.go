package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tuskstore/tusk/node/api"
)

// explorerObject is GET /v1/blob-objects/{object_id}: the object with its events.
type explorerObject struct {
	explorerBlob
	Events []explorerEvent `json:"events"`
}

// TestCLIBlobLifecycle stores, reads, extends and deletes a blob with the CLI (`tusk
// store`, `read`, `blob-status`, `extend`, `delete`) and follows each step in the
// indexer's explorer API: certified until the end epoch bought, the later end epoch after
// the extension, deleted after the deletion.
func TestCLIBlobLifecycle(t *testing.T) {
	n := startNetwork(t)
	dir := t.TempDir()
	data := randomBlob(t, 30_000)
	file := filepath.Join(dir, "blob.bin")
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}

	var stored []struct {
		BlobStoreResult storeResponse `json:"blobStoreResult"`
		Path            string        `json:"path"`
	}
	out := n.mustCLI("store", file, "--epochs", "2", "--json")
	if err := json.Unmarshal([]byte(out), &stored); err != nil || len(stored) != 1 || stored[0].BlobStoreResult.NewlyCreated == nil {
		t.Fatalf("tusk store --json: %v in %s", err, out)
	}
	created := stored[0].BlobStoreResult.NewlyCreated.BlobObject
	id, object, end := created.BlobID, created.ID, created.Storage.EndEpoch
	if want := blobID(t, n.info().NShards, data).String(); id != want || created.Size != uint64(len(data)) {
		t.Fatalf("stored blob %s of %d bytes, want %s of %d", id, created.Size, want, len(data))
	}

	copyPath := filepath.Join(dir, "copy.bin")
	n.mustCLI("read", "--out", copyPath, "--", id)
	if got, err := os.ReadFile(copyPath); err != nil || !bytes.Equal(got, data) {
		t.Fatalf("tusk read --out: %d bytes (%v), want the %d stored", len(got), err, len(data))
	}
	if got := n.mustCLI("read", "--", id); got != string(data) {
		t.Fatalf("tusk read to stdout: %d bytes, want the %d stored", len(got), len(data))
	}
	if st := n.blobStatus(id); st.Kind != api.BlobDeletable || st.Deletable.Certified != 1 {
		t.Fatalf("blob-status after the store: %+v", st)
	}
	n.waitExplorerObject(object, "certified until the epoch bought", func(o explorerObject) bool {
		return o.Status == "certified" && o.EndEpoch == end && o.BlobID == id
	})

	out = n.mustCLI("extend", "--blob-obj-id", object, "--epochs-extended", "3", "--json")
	var extended struct {
		Storage struct {
			EndEpoch uint32 `json:"endEpoch"`
		} `json:"storage"`
	}
	if err := json.Unmarshal([]byte(out), &extended); err != nil || extended.Storage.EndEpoch != end+3 {
		t.Fatalf("tusk extend --json: %v in %s; want end epoch %d", err, out, end+3)
	}
	n.waitExplorerObject(object, fmt.Sprintf("end epoch %d after the extension", end+3), func(o explorerObject) bool {
		return o.Status == "certified" && o.EndEpoch == end+3
	})

	out = n.mustCLI("delete", "--blob-id="+id, "--yes")
	if !strings.Contains(out, "Deleted Blob object "+object) {
		t.Fatalf("tusk delete: %q", out)
	}
	n.waitExplorerObject(object, "deleted", func(o explorerObject) bool { return o.Deleted && o.Status == "deleted" })
	eventually(t, "blob-status says the blob is gone", func() error {
		if st := n.blobStatus(id); st.Kind != api.BlobNonexistent {
			return fmt.Errorf("status %+v", st)
		}
		return nil
	})
	eventually(t, "reads of the deleted blob fail", func() error {
		r := n.cli("read", "--", id)
		if r.code == 0 {
			return fmt.Errorf("tusk read still returns %d bytes", len(r.stdout))
		}
		if r.code != 1 || !strings.Contains(r.stderr, id) {
			t.Fatalf("tusk read of a deleted blob: %s; want exit 1 naming the blob", r)
		}
		return nil
	})
}

// blobStatus runs `tusk blob-status --json`.
func (n *network) blobStatus(id string) api.BlobStatus {
	n.t.Helper()
	var st struct {
		Status api.BlobStatus `json:"status"`
	}
	out := n.mustCLI("blob-status", "--json", "--", id)
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		n.t.Fatalf("tusk blob-status --json: %v in %s", err, out)
	}
	return st.Status
}

// waitExplorerObject waits until the devnet's indexer shows the Blob object as ok says.
func (n *network) waitExplorerObject(object, what string, ok func(explorerObject) bool) {
	n.t.Helper()
	eventually(n.t, "explorer: blob object "+object+" "+what, func() error {
		var o explorerObject
		if err := getJSON(n.indexerURL+"/v1/blob-objects/"+object, &o); err != nil {
			return err
		}
		if !ok(o) {
			return fmt.Errorf("%+v", o.explorerBlob)
		}
		return nil
	})
}
