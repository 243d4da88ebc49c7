package e2e

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/tuskstore/tusk/node/api"
)

// TestWholeNetworkKilledAndRestarted kills every process — the devnet with its chain and
// indexer, the storage nodes, the daemon — with SIGKILL, restarts them on the same
// directory, and finds every blob intact and readable; new stores work.
func TestWholeNetworkKilledAndRestarted(t *testing.T) {
	n := startNetwork(t)
	var stored []storedBlob
	for i, size := range []int{1, 3_000, 250_000} {
		stored = append(stored, n.putBlob(randomBlob(t, size), fmt.Sprintf("epochs=%d", 2+i)))
	}
	stored = append(stored, n.putBlob(randomBlob(t, 10_000), "epochs=4&permanent=true"))
	indexedBefore := n.indexerURL

	n.killAll()
	n.startDevnet()
	if out := n.devnet.output(); !strings.Contains(out, "(resumed,") {
		t.Fatalf("the devnet did not resume:\n%s", out)
	}
	n.startAllNodes()
	n.startDaemon()

	n.requireReadable(stored...)
	for _, b := range stored {
		var st struct {
			Status api.BlobStatus `json:"status"`
		}
		out := n.mustCLI("blob-status", "--json", "--", b.id) // "--": a blob ID may start with "-"
		if err := json.Unmarshal([]byte(out), &st); err != nil {
			t.Fatalf("blob-status %s: %v in %s", b.id, err, out)
		}
		certified := st.Status.Kind == api.BlobPermanent && st.Status.IsCertified ||
			st.Status.Kind == api.BlobDeletable && st.Status.Deletable.Certified == 1
		if !certified {
			t.Fatalf("blob-status %s after the restart: %s", b.id, out)
		}
	}
	// The devnet's indexer resumed too: each blob once, certified.
	eventually(t, "the devnet's indexer shows every blob once", func() error {
		for _, b := range stored {
			objs, err := explorerBlobObjects(n.indexerURL, b.id)
			if err != nil {
				return err
			}
			if len(objs) != 1 || objs[0].ObjectID != b.object || objs[0].Status != "certified" {
				return fmt.Errorf("blob %s: objects %+v (indexer at %s, before the restart at %s)", b.id, objs, n.indexerURL, indexedBefore)
			}
		}
		return nil
	})

	fresh := n.putBlob(randomBlob(t, 20_000), "epochs=2")
	n.requireReadable(append(stored, fresh)...)
}
