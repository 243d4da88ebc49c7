package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/tuskstore/tusk/chain/walrus"
)

func TestStoreShare(t *testing.T) {
	n, cfg := clientNet(t)
	file := writeTemp(t, "shared.txt", strings.Repeat("anyone may keep this blob alive. ", 200))

	var stored []struct {
		BlobStoreResult struct {
			NewlyCreated *struct {
				BlobObject struct {
					ID        walrus.ID `json:"id"`
					Deletable bool      `json:"deletable"`
				} `json:"blobObject"`
				SharedBlobObject *walrus.ID `json:"sharedBlobObject"`
			} `json:"newlyCreated"`
		} `json:"blobStoreResult"`
	}
	out := mustRun(t, "--config", cfg, "store", file, "--share", "--permanent", "--json")
	if err := json.Unmarshal([]byte(out), &stored); err != nil || len(stored) != 1 || stored[0].BlobStoreResult.NewlyCreated == nil {
		t.Fatalf("store output %s (%v)", out, err)
	}
	nc := stored[0].BlobStoreResult.NewlyCreated
	if nc.SharedBlobObject == nil || nc.BlobObject.Deletable {
		t.Fatalf("stored %s", out)
	}
	sb, err := n.Chain.SharedBlob(n.Ctx, *nc.SharedBlobObject)
	if err != nil || sb.Blob.ID != nc.BlobObject.ID || !sb.Blob.IsCertified() {
		t.Fatalf("shared blob %+v (%v)", sb, err)
	}

	// The text output names the shared object.
	out = mustRun(t, "--config", cfg, "store", file, "--share", "--permanent", "--force")
	if !strings.Contains(out, ", shared blob object 0x") {
		t.Errorf("store output %q", out)
	}

	// As the Walrus CLI: no deletable shared blob, and no sending a shared one.
	for _, args := range [][]string{
		{"store", file, "--share"},
		{"store", file, "--share", "--permanent", "--send-object-to", "0x1"},
	} {
		code, _, errOut := runTusk(t, append([]string{"--config", cfg}, args...)...)
		if code != exitUsage || !strings.Contains(errOut, "--share") {
			t.Errorf("tusk %v: exit %d (%s), want %d", args, code, errOut, exitUsage)
		}
	}
}
