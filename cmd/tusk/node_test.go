package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tuskstore/tusk/chain/keys"
)

func TestNodeKeygen(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "keys")
	code, out, errOut := runTusk(t, "node", "keygen", "--dir", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, name := range []string{"protocol.key", "network.key"} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("%s: %v %v", name, fi, err)
		}
	}
	bk, err := keys.LoadBLSKey(filepath.Join(dir, "protocol.key"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := keys.LoadNetworkKey(filepath.Join(dir, "network.key")); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "public key (BLS12-381 G1, base64)") || !strings.Contains(out, "P-256 compressed") {
		t.Fatalf("stdout %q", out)
	}
	_ = bk
	// Never overwrites.
	code, _, errOut = runTusk(t, "node", "keygen", "--dir", dir)
	if code != 1 || !strings.Contains(errOut, "not overwriting") {
		t.Fatalf("second keygen: exit %d, %q", code, errOut)
	}
	if code, _, _ := runTusk(t, "node", "keygen"); code != 2 {
		t.Fatalf("keygen without --dir: exit %d", code)
	}
}

func TestNodeRunConfig(t *testing.T) {
	if code, _, errOut := runTusk(t, "node", "run"); code != 2 || !strings.Contains(errOut, "--config is required") {
		t.Fatalf("without --config: exit %d %q", code, errOut)
	}
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("data_dir: \"\"\nnode_id: nope\nsync:\n  concurrency: 0\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := runTusk(t, "--config", bad, "node", "run")
	if code != 1 || !strings.Contains(errOut, "node_id") || !strings.Contains(errOut, "data_dir") || !strings.Contains(errOut, "sync.concurrency") {
		t.Fatalf("bad config: exit %d %q", code, errOut)
	}
	good := filepath.Join(dir, "good.yaml")
	cfg := "data_dir: " + filepath.Join(dir, "db") + "\nnode_id: \"0x1\"\nlisten_addr: 127.0.0.1:0\nmetrics_addr: \"\"\n" +
		"bls_key_file: " + filepath.Join(dir, "k", "protocol.key") + "\nnetwork_key_file: " + filepath.Join(dir, "k", "network.key") + "\n"
	if err := os.WriteFile(good, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errOut = runTusk(t, "--config", good, "node", "run")
	// The chain section names no Walrus objects: the node cannot follow any chain.
	if code != 1 || !strings.Contains(errOut, "system_object and staking_object are required") {
		t.Fatalf("without the Walrus objects: exit %d %q", code, errOut)
	}
}
