package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// configCase is a command run with a bad configuration file (or environment) and the
// refusal it must get.
type configCase struct {
	name string
	file string   // the configuration's contents, written to a file whose path replaces FILE in args
	env  []string // extra environment
	args []string
	want []string // all in the standard error
}

// badConfigs starts each component with a bad configuration: each must exit non-zero at
// once with a message naming the file, line or field at fault.
func (n *network) badConfigs(t *testing.T) {
	dir := t.TempDir()
	cases := []configCase{
		{name: "node: unknown field", file: "data_dir: /tmp/x\nbogus_field: 1\n",
			args: []string{"node", "run", "--config", "FILE"}, want: []string{".yaml:2:1: unknown field \"bogus_field\"", "known here: bls_key_file"}},
		{name: "node: invalid values", file: "data_dir: \"\"\nnode_id: nope\nsync:\n  concurrency: 0\n",
			args: []string{"node", "run", "--config", "FILE"}, want: []string{"data_dir: must not be empty", "node_id: must be a Sui object ID", "sync.concurrency: must be positive"}},
		{name: "node: bad duration", file: "shutdown_timeout: soon\n",
			args: []string{"node", "run", "--config", "FILE"}, want: []string{".yaml:1: shutdown_timeout: cannot unmarshal !!str `soon` into time.Duration"}},
		{name: "node: no config", args: []string{"node", "run"}, want: []string{"--config is required"}},
		{name: "node: bad environment override", env: []string{"TUSK_NODE_SYNC_CONCURRENCY=abc"},
			args: []string{"node", "run", "--config", n.nodeConfigPath(0)}, want: []string{"environment variable TUSK_NODE_SYNC_CONCURRENCY (field sync.concurrency): invalid value \"abc\""}},
		{name: "indexer: unknown field", file: "database_url: postgres://u@127.0.0.1:1/x\nlisten: 127.0.0.1:0\ncolour: blue\n",
			args: []string{"indexer", "run", "--config", "FILE"}, want: []string{".yaml:3:1: unknown field \"colour\""}},
		{name: "indexer: invalid values", file: "database_url: postgres://u@127.0.0.1:1/x\nlisten: nope\nbatch_rows: 0\nmax_page_size: 0\n",
			args: []string{"indexer", "run", "--config", "FILE"}, want: []string{"listen: must be host:port", "batch_rows: must be positive", "max_page_size: must be from 1 to 10000"}},
		{name: "daemon: unknown field", file: "bind: 127.0.0.1:0\nunknown: x\n",
			args: []string{"--config", n.clientConfig(), "daemon", "--http-config", "FILE"}, want: []string{".yaml:2:1: unknown field \"unknown\""}},
		{name: "daemon: invalid value", file: "bind: nope\n",
			args: []string{"--config", n.clientConfig(), "daemon", "--http-config", "FILE"}, want: []string{"bind: must be host:port, got \"nope\""}},
		{name: "daemon: missing file", args: []string{"--config", n.clientConfig(), "daemon", "--http-config", filepath.Join(dir, "missing.yaml")},
			want: []string{"missing.yaml: no such file or directory"}},
		{name: "devnet: invalid genesis", file: "genesis:\n  n_shards: 0\n",
			args: []string{"devnet", "--config", "FILE", "--dir", filepath.Join(dir, "devnet"), "--port", "0"}, want: []string{"genesis.n_shards"}},
		{name: "devnet: unknown field", file: "genesis:\n  n_shards: 10\n  shards_per_node: 3\n",
			args: []string{"devnet", "--config", "FILE", "--dir", filepath.Join(dir, "devnet"), "--port", "0"}, want: []string{".yaml:3:3: unknown field \"genesis.shards_per_node\""}},
		{name: "client: invalid tuning", file: "read:\n  hedge_after: 0s\n",
			args: []string{"--config", n.clientConfig(), "info", "--coordinator-config", "FILE"}, want: []string{"read.hedge_after: must be positive"}},
	}
	for i, c := range cases {
		args := append([]string(nil), c.args...)
		if c.file != "" {
			path := filepath.Join(dir, "case-"+string(rune('a'+i))+".yaml")
			if err := os.WriteFile(path, []byte(c.file), 0o600); err != nil {
				t.Fatal(err)
			}
			for j := range args {
				if args[j] == "FILE" {
					args[j] = path
				}
			}
		}
		r := runCLI(t, append(append([]string(nil), n.env...), c.env...), args...)
		missing := ""
		for _, w := range c.want {
			if !strings.Contains(r.stderr, w) {
				missing = w
				break
			}
		}
		if r.code == 0 || missing != "" {
			t.Errorf("%s: tusk %s: %s; want a non-zero exit and %q", c.name, strings.Join(args, " "), r, missing)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "devnet")); err == nil {
		t.Error("a devnet with a bad configuration left a data directory behind")
	}
}
