package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tuskstore/tusk/chain/devnet"
	"github.com/tuskstore/tusk/chain/keys"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/coordinator/coordtest/testnet"
	"github.com/tuskstore/tusk/coordinator/nodes"
	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/node/api"
)

func mustBlobID(t *testing.T, s string) encoding.BlobID {
	t.Helper()
	id, err := encoding.ParseBlobID(s)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// clientNet is a devnet with fake storage nodes and a client config for the CLI.
func clientNet(t *testing.T) (*testnet.Net, string) {
	t.Helper()
	n := testnet.Start(t, testnet.Options{})
	dir := t.TempDir()
	ks := filepath.Join(dir, "client.keystore")
	if err := keys.SaveKeystore(ks, []*keys.Keypair{n.Key}); err != nil {
		t.Fatal(err)
	}
	cfgPath := filepath.Join(dir, "client.yaml")
	if err := devnet.WriteClientConfig(cfgPath, n.Devnet.ClientConfig(ks, walrus.Address(n.Key.Address()))); err != nil {
		t.Fatal(err)
	}
	newDialer = func() nodes.Dialer { return n.Cluster.Dialer() }
	t.Cleanup(func() { newDialer = nil })
	return n, cfgPath
}

func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	code, out, errOut := runTusk(t, args...)
	if code != 0 {
		t.Fatalf("tusk %s: exit %d: %s", strings.Join(args, " "), code, errOut)
	}
	return out
}

func TestClientCommands(t *testing.T) {
	n, cfg := clientNet(t)
	dir := t.TempDir()
	data := bytes.Repeat([]byte("tusk stores blobs. "), 1000)
	file := filepath.Join(dir, "a.txt")
	os.WriteFile(file, data, 0o644)

	// store --json: Walrus's [{blobStoreResult, path}].
	var stored []struct {
		BlobStoreResult struct {
			NewlyCreated *struct {
				BlobObject struct {
					ID        string `json:"id"`
					BlobID    string `json:"blobId"`
					Deletable bool   `json:"deletable"`
					Storage   struct {
						EndEpoch uint32 `json:"endEpoch"`
					} `json:"storage"`
				} `json:"blobObject"`
			} `json:"newlyCreated"`
		} `json:"blobStoreResult"`
		Path string `json:"path"`
	}
	out := mustRun(t, "--config", cfg, "store", file, "--epochs", "2", "--attribute", "content-type=text/plain", "--json")
	if err := json.Unmarshal([]byte(out), &stored); err != nil || len(stored) != 1 || stored[0].BlobStoreResult.NewlyCreated == nil {
		t.Fatalf("store output %s (%v)", out, err)
	}
	bo := stored[0].BlobStoreResult.NewlyCreated.BlobObject
	if !bo.Deletable || stored[0].Path != file {
		t.Fatalf("stored %+v", stored[0])
	}
	// The blob ID is the one blob-id computes.
	if id := strings.TrimSpace(mustRun(t, "blob-id", "--n-shards", "10", file)); id != bo.BlobID {
		t.Fatalf("blob ID %s, blob-id says %s", bo.BlobID, id)
	}
	// read to stdout and to a file.
	if got := mustRun(t, "--config", cfg, "read", bo.BlobID); got != string(data) {
		t.Fatalf("read: %d bytes", len(got))
	}
	outFile := filepath.Join(dir, "out")
	mustRun(t, "--config", cfg, "read", bo.BlobID, "--out", outFile, "--strict-consistency-check")
	if got, _ := os.ReadFile(outFile); !bytes.Equal(got, data) {
		t.Fatal("read --out: wrong bytes")
	}
	// blob-status (the fake nodes report what they are told).
	if out := mustRun(t, "--config", cfg, "blob-status", bo.BlobID); !strings.Contains(out, "does not exist") {
		t.Fatalf("blob-status of a blob the nodes do not know: %s", out)
	}
	ev := api.EventID{EventSeq: 1}
	n.Cluster.SetStatus(encoding.BlobID(mustBlobID(t, bo.BlobID)), api.BlobStatus{Kind: api.BlobPermanent, IsCertified: true, EndEpoch: 7, Event: ev})
	if out := mustRun(t, "--config", cfg, "blob-status", "--file", file); !strings.Contains(out, "permanent, certified, until epoch 7") {
		t.Fatalf("blob-status --file: %s", out)
	}
	// info.
	var info struct {
		NShards   int `json:"nShards"`
		Committee []struct {
			Shards int `json:"shards"`
		} `json:"committee"`
	}
	if err := json.Unmarshal([]byte(mustRun(t, "--config", cfg, "info", "--json")), &info); err != nil || info.NShards != 10 || len(info.Committee) != 4 {
		t.Fatalf("info %+v (%v)", info, err)
	}
	if txt := mustRun(t, "--config", cfg, "info"); !strings.Contains(txt, "Committee (4 nodes)") {
		t.Fatalf("info text: %s", txt)
	}
	// extend, then delete.
	out = mustRun(t, "--config", cfg, "extend", "--blob-obj-id", bo.ID, "--epochs-extended", "3")
	oid := walrus.MustParseID(bo.ID)
	obj, err := n.Chain.Blob(n.Ctx, oid)
	if err != nil || obj.Storage.EndEpoch != bo.Storage.EndEpoch+3 {
		t.Fatalf("after extend: %+v (%v), output %s", obj, err, out)
	}
	// The all-zero blob ID names no blob of ours: nothing is deleted.
	zero := encoding.BlobID{}
	if code, _, errOut := runTusk(t, "--config", cfg, "delete", "--blob-id", zero.String(), "--yes"); code == 0 || !strings.Contains(errOut, "no owned deletable Blob object") {
		t.Fatalf("delete of the zero blob ID: %d %s", code, errOut)
	}
	if _, err := n.Chain.Blob(n.Ctx, oid); err != nil {
		t.Fatalf("the Blob object is gone after deleting another blob ID: %v", err)
	}
	mustRun(t, "--config", cfg, "delete", "--blob-id", bo.BlobID)
	if _, err := n.Chain.Blob(n.Ctx, oid); err == nil {
		t.Fatal("Blob object still exists after delete")
	}
	// A permanent blob cannot be deleted.
	var perm []struct {
		BlobStoreResult struct {
			NewlyCreated struct {
				BlobObject struct {
					ID string `json:"id"`
				} `json:"blobObject"`
			} `json:"newlyCreated"`
		} `json:"blobStoreResult"`
	}
	json.Unmarshal([]byte(mustRun(t, "--config", cfg, "store", file, "--permanent", "--force", "--json")), &perm)
	code, _, errOut := runTusk(t, "--config", cfg, "delete", "--object-id", perm[0].BlobStoreResult.NewlyCreated.BlobObject.ID)
	if code == 0 || !strings.Contains(errOut, "not deletable") {
		t.Fatalf("delete permanent: %d %s", code, errOut)
	}

	// Usage errors.
	for _, args := range [][]string{
		{"store", file, "--epochs", "0"},
		{"store", file, "--epochs", "2", "--end-epoch", "5"},
		{"store", file, "--permanent", "--deletable"},
		{"read", "nope"},
		{"extend", "--blob-obj-id", "0x1"},
		{"delete"},
	} {
		if code, _, _ := runTusk(t, append([]string{"--config", cfg}, args...)...); code != exitUsage {
			t.Errorf("tusk %v: exit %d, want %d", args, code, exitUsage)
		}
	}
}

func TestQuiltCommands(t *testing.T) {
	_, cfg := clientNet(t)
	dir := t.TempDir()
	abin := make([]byte, 100)
	for i := range abin {
		abin[i] = byte(i % 251)
	}
	os.WriteFile(filepath.Join(dir, "a.bin"), abin, 0o644)
	os.WriteFile(filepath.Join(dir, "b.txt"), []byte("hello walrus"), 0o644)
	var res struct {
		StoredQuiltBlobs []struct {
			Identifier   string `json:"identifier"`
			QuiltPatchID string `json:"quiltPatchId"`
		} `json:"storedQuiltBlobs"`
	}
	out := mustRun(t, "--config", cfg, "store-quilt", filepath.Join(dir, "b.txt"), filepath.Join(dir, "a.bin"), "--json")
	if err := json.Unmarshal([]byte(out), &res); err != nil || len(res.StoredQuiltBlobs) != 2 {
		t.Fatalf("store-quilt: %s (%v)", out, err)
	}
	// Without tags the quilt differs from the vectors' (a.bin has tags there); the patch
	// IDs still address the patches.
	byName := map[string]string{}
	for _, p := range res.StoredQuiltBlobs {
		byName[p.Identifier] = p.QuiltPatchID
	}
	if got := mustRun(t, "--config", cfg, "read-quilt", "--patch-id", byName["b.txt"]); got != "hello walrus" {
		t.Fatalf("read-quilt by patch ID: %q", got)
	}
	quiltID := byName["a.bin"][:43]
	outDir := t.TempDir()
	mustRun(t, "--config", cfg, "read-quilt", "--quilt-id", quiltID, "--out", outDir)
	if got, _ := os.ReadFile(filepath.Join(outDir, "a.bin")); !bytes.Equal(got, abin) {
		t.Fatal("read-quilt --out: wrong a.bin")
	}
	if list := mustRun(t, "--config", cfg, "read-quilt", "--quilt-id", quiltID, "--list"); !strings.Contains(list, byName["a.bin"]) {
		t.Fatalf("list: %s", list)
	}
}
