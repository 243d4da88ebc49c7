package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tuskstore/tusk/internal/pgtest"
)

// TestMigrateCommand proves that tusk migrate applies the migrations once, reports a
// current schema, takes the URL from a config file, and refuses to run without one.
func TestMigrateCommand(t *testing.T) {
	url := pgtest.URL(t)
	code, out, errOut := runTusk(t, "migrate", "--database-url", url)
	if code != 0 || !strings.Contains(out, "applied up 001 001_watermarks.sql") || !strings.Contains(out, "migrated from version 0") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if code, out, _ := runTusk(t, "migrate", "--database-url", url); code != 0 || !strings.Contains(out, "nothing to do") {
		t.Fatalf("second run: exit %d, %q", code, out)
	}
	if code, out, _ := runTusk(t, "migrate", "--database-url", url, "--status"); code != 0 || !strings.Contains(out, "schema version 2 of 2") {
		t.Fatalf("status: exit %d, %q", code, out)
	}
	cfg := filepath.Join(t.TempDir(), "indexer.yaml")
	if err := os.WriteFile(cfg, []byte("database_url: "+pgtest.URL(t)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := runTusk(t, "--config", cfg, "migrate", "--status"); code != 1 || !strings.Contains(out, "schema version 0 of 2") || !strings.Contains(errOut, "tusk migrate") {
		t.Fatalf("status of an empty database: exit %d, %q, %q", code, out, errOut)
	}
	if code, _, errOut := runTusk(t, "--config", cfg, "migrate"); code != 0 {
		t.Fatalf("migrate with --config: exit %d, %q", code, errOut)
	}
	t.Setenv(migrateDatabaseURLEnv, "")
	if code, _, errOut := runTusk(t, "migrate"); code != 2 || !strings.Contains(errOut, "no database") {
		t.Fatalf("no URL: exit %d, %q", code, errOut)
	}
}

// TestIndexerRunChecksConfig proves that indexer run reports every bad field of its
// configuration, that flags override the file, and that ingesting from a chain
// to a devnet whose objects are not configured is a clear error.
func TestIndexerRunChecksConfig(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("listen: nowhere\nbatch_checkpoints: 0\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := runTusk(t, "--config", bad, "indexer", "run")
	if code != 1 || !strings.Contains(errOut, "listen") || !strings.Contains(errOut, "batch_checkpoints") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	unknown := filepath.Join(dir, "unknown.yaml")
	if err := os.WriteFile(unknown, []byte("databse_url: x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := runTusk(t, "--config", unknown, "indexer", "run", "--serve-only"); code != 1 || !strings.Contains(errOut, "databse_url") {
		t.Fatalf("unknown key: exit %d, stderr %q", code, errOut)
	}
	good := filepath.Join(dir, "good.yaml")
	if err := os.WriteFile(good, []byte("walrus_package: \"0x5a17\"\nfirst_checkpoint: 10\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := runTusk(t, "--config", good, "indexer", "run", "--last-checkpoint", "5"); code != 1 || !strings.Contains(errOut, "last_checkpoint") {
		t.Fatalf("flag override: exit %d, stderr %q", code, errOut)
	}
	if code, _, errOut := runTusk(t, "--config", good, "indexer", "run"); code != 1 || !strings.Contains(errOut, "system_object") {
		t.Fatalf("a devnet chain without its objects: exit %d, stderr %q", code, errOut)
	}
	if code, _, _ := runTusk(t, "indexer", "run", "--last-checkpoint", "x"); code != 2 {
		t.Fatalf("bad flag: exit %d", code)
	}
}
