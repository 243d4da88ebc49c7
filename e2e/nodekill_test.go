package e2e

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/node/api"
	"github.com/tuskstore/tusk/node/client"
)

// TestStoreSurvivesNodesKilledMidUpload kills f shards' worth of storage nodes with
// SIGKILL while `tusk store` is uploading the largest blob the system takes; the store
// still certifies it and it reads back byte-identical without them.
func TestStoreSurvivesNodesKilledMidUpload(t *testing.T) {
	n := startNetwork(t)
	ctx := testContext(t)
	in := n.info()
	com := n.committee(ctx)
	victims := pickMembers(com, in.F)
	requirePicked(t, com, victims, in.F, "f")

	// Kill the victims once the upload has begun. A store that finishes before the kill
	// lands proves nothing: then try again with another blob.
	first := nodeClient(t, com.Members[victims[0]].NetworkAddress)
	var (
		storeProc *proc
		data      []byte
		id        encoding.BlobID
	)
	for attempt := 1; ; attempt++ {
		data = randomBlob(t, int(in.MaxBlob))
		id = blobID(t, in.NShards, data)
		file := filepath.Join(t.TempDir(), "large.bin")
		if err := os.WriteFile(file, data, 0o644); err != nil {
			t.Fatal(err)
		}
		storeProc = startProc(t, n.logDir, "store", n.env, "--config", n.clientConfig(), "store", file, "--epochs", "2", "--json")
		if n.killMidUpload(ctx, storeProc, first, id, com, victims) {
			break
		}
		if attempt == 3 {
			t.Fatalf("in %d attempts the store always finished before the kill landed", attempt)
		}
		t.Logf("attempt %d: the store finished before the kill landed; again with another blob", attempt)
	}

	<-storeProc.done
	if storeProc.waitErr != nil {
		t.Fatalf("the store failed with %d shards killed mid-upload: %v\n%s", in.F, storeProc.waitErr, tail(storeProc.log(), 30))
	}
	var res []struct {
		BlobStoreResult storeResponse `json:"blobStoreResult"`
	}
	if err := json.Unmarshal([]byte(storeProc.output()), &res); err != nil || len(res) != 1 || res[0].BlobStoreResult.NewlyCreated == nil {
		t.Fatalf("tusk store --json: %v in %s", err, storeProc.output())
	}
	if got := res[0].BlobStoreResult.NewlyCreated.BlobObject.BlobID; got != id.String() {
		t.Fatalf("stored blob ID %s, want %s", got, id)
	}
	// Read back through the aggregator with the victims still dead.
	n.requireReadable(storedBlob{id: id.String(), data: data})
}

// killMidUpload waits until the upload of blob id has reached the node of client watch
// (it holds or buffers the metadata, which is sent before any sliver), then kills the
// victims with SIGKILL, and reports whether the store was still running then. If it was
// not, the victims are running again when it returns.
func (n *network) killMidUpload(ctx context.Context, store *proc, watch *client.Client, id encoding.BlobID, com *chain.Committee, victims []int) bool {
	t := n.t
	t.Helper()
	deadline := time.Now().Add(eventualWait)
	for {
		st, err := watch.MetadataStatus(ctx, id)
		if err == nil && st != api.StatusNonexistent {
			break
		}
		if store.exited() {
			t.Fatalf("the store ended before its upload reached %s: %v\n%s", watch.Address(), store.waitErr, tail(store.log(), 30))
		}
		if time.Now().After(deadline) {
			t.Fatalf("the upload never reached %s (last: %q, %v)", watch.Address(), st, err)
		}
		time.Sleep(2 * time.Millisecond)
	}
	if store.exited() {
		<-store.done
		return false
	}
	for _, v := range victims {
		n.killNode(n.nodeIndex(com.Members[v]))
	}
	if !store.exited() {
		return true
	}
	// It may have ended just before the kill: wait for it, bring the victims back.
	<-store.done
	for _, v := range victims {
		n.startNode(n.nodeIndex(com.Members[v]))
	}
	return false
}

// TestReadsSurviveTwoFKilledNodesThenTheyCatchUp kills nodes holding 2f shards — one of
// them before a store, which it misses — and reads every blob byte-identical from the
// n-2f shards left. Restarted, the victims catch up by blob sync: they serve every
// sliver of every blob again, which the test proves by then killing all the other nodes
// and reading from the victims alone.
func TestReadsSurviveTwoFKilledNodesThenTheyCatchUp(t *testing.T) {
	n := startNetwork(t)
	ctx := testContext(t)
	in := n.info()
	com := n.committee(ctx)
	first := pickMembers(com, in.F)[:1] // misses a store: at most f shards
	second := pickMembers(com, 2*in.F-weight(com, first), first...)
	victims := append(append([]int(nil), first...), second...)
	requirePicked(t, com, victims, 2*in.F, "2f")

	before := n.putBlob(randomBlob(t, 40_000), "epochs=2")
	n.killNode(n.nodeIndex(com.Members[first[0]]))
	missed := n.putBlob(randomBlob(t, 60_000), "epochs=2") // certified with f shards down
	for _, v := range second {
		n.killNode(n.nodeIndex(com.Members[v]))
	}
	n.requireReadable(before, missed)

	// Restart the victims: they follow the chain from where they stopped and sync what
	// they lack from their peers.
	for _, v := range victims {
		n.startNode(n.nodeIndex(com.Members[v]))
	}
	for _, v := range victims {
		m := com.Members[v]
		eventually(t, "node "+m.Name+" serves all its slivers again", func() error {
			return requireSlivers(ctx, t, m.NetworkAddress, m, in.NShards, before, missed)
		})
	}
	// Only the restarted nodes left: the blobs are read from their slivers.
	for i := range com.Members {
		if !slices.Contains(victims, i) {
			n.killNode(n.nodeIndex(com.Members[i]))
		}
	}
	n.requireReadable(before, missed)
}
