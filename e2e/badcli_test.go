package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// cliCase is one bad command line and the refusal it must get.
type cliCase struct {
	name string
	args []string // after --config DIR/client.yaml, unless raw
	raw  bool     // args are the whole command line
	code int      // 2: a usage error, 1: the command failed
	want string   // in the standard error
}

// badCLIInputs runs the CLI with bad arguments and files: each must exit non-zero with
// a message naming the problem.
func (n *network) badCLIInputs(t *testing.T, deletable, permanent storedBlob) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good.bin", []byte("a small blob"))
	tooBig := write("too-big.bin", make([]byte, n.info().MaxBlob+1))
	garbage := write("garbage.yaml", []byte("\x00\x01 not yaml: [\n"))
	clientYAML, err := os.ReadFile(n.clientConfig())
	if err != nil {
		t.Fatal(err)
	}
	unknownField := write("client-unknown.yaml", append(clientYAML, []byte("bogus: 1\n")...))
	badTuning := write("coordinator.yaml", []byte("store:\n  attempts: 0\n"))
	unknown := unknownBlobID(t)

	cases := []cliCase{
		{"read: garbage blob ID", []string{"read", "notanid"}, false, 2, `"notanid" is not a blob ID`},
		{"read: no blob ID", []string{"read"}, false, 2, "accepts 1 arg(s), received 0"},
		{"read: unknown blob", []string{"read", "--", unknown}, false, 1, "blob not found: " + unknown},
		{"read: both checks", []string{"read", "--strict-consistency-check", "--skip-consistency-check", "--", deletable.id}, false, 2, "exclude each other"},
		{"read: unwritable output", []string{"read", "--out", filepath.Join(dir, "missing", "x"), "--", deletable.id}, false, 1, "no such file or directory"},
		{"blob-status: garbage blob ID", []string{"blob-status", "garbage"}, false, 2, `"garbage" is not a blob ID`},
		{"blob-status: nothing to look up", []string{"blob-status"}, false, 2, "give a blob ID or --file"},
		{"store: no file", []string{"store"}, false, 2, "requires at least 1 arg"},
		{"store: zero epochs", []string{"store", "--epochs", "0", good}, false, 2, `--epochs: must be a positive integer or "max", got "0"`},
		{"store: garbage epochs", []string{"store", "--epochs", "abc", good}, false, 2, `got "abc"`},
		{"store: too many epochs", []string{"store", "--epochs", "99999", good}, false, 1, "99999 epochs ahead, the system allows at most"},
		{"store: end epoch now", []string{"store", "--end-epoch", "1", good}, false, 1, "end epoch 1 is not after the current epoch"},
		{"store: epochs and end epoch", []string{"store", "--epochs", "2", "--end-epoch", "5", good}, false, 2, "--epochs and --end-epoch exclude each other"},
		{"store: permanent and deletable", []string{"store", "--permanent", "--deletable", good}, false, 2, "--permanent and --deletable exclude each other"},
		{"store: missing file", []string{"store", filepath.Join(dir, "missing.bin")}, false, 1, "no such file or directory"},
		{"store: a directory", []string{"store", dir}, false, 1, "is a directory"},
		{"store: too large", []string{"store", tooBig}, false, 1, "blob too large"},
		{"store: bad attribute", []string{"store", "--attribute", "novalue", good}, false, 2, `--attribute: want KEY=VALUE, got "novalue"`},
		{"store: bad recipient", []string{"store", "--send-object-to", "0xzz", good}, false, 2, `--send-object-to: "0xzz" is not a Sui address`},
		{"extend: garbage object ID", []string{"extend", "--blob-obj-id", "0xzz", "--epochs-extended", "1"}, false, 2, `--blob-obj-id: "0xzz" is not an object ID`},
		{"extend: zero epochs", []string{"extend", "--blob-obj-id", deletable.object, "--epochs-extended", "0"}, false, 2, "--epochs-extended: must be positive"},
		{"extend: too many epochs", []string{"extend", "--blob-obj-id", deletable.object, "--epochs-extended", "99999"}, false, 1, "EInvalidEpochsAhead"},
		{"extend: unknown object", []string{"extend", "--blob-obj-id", "0x1234", "--epochs-extended", "1"}, false, 1, "no such Blob object"},
		{"delete: nothing to delete", []string{"delete"}, false, 2, "give --object-id or --blob-id"},
		{"delete: garbage blob ID", []string{"delete", "--blob-id", "nope"}, false, 2, `--blob-id: "nope" is not a blob ID`},
		{"delete: unknown blob", []string{"delete", "--blob-id=" + unknown, "--yes"}, false, 1, "no owned deletable Blob object of blob " + unknown},
		{"delete: unknown object", []string{"delete", "--object-id", "0x1234"}, false, 1, "no such Blob object"},
		{"delete: permanent blob", []string{"delete", "--object-id", permanent.object}, false, 1, "not deletable"},
		{"bad tuning file", []string{"read", "--coordinator-config", badTuning, "--", deletable.id}, false, 1, "store.attempts: must be positive"},
		{"missing --config", []string{"--config", filepath.Join(dir, "missing.yaml"), "info"}, true, 1, "--config: open " + filepath.Join(dir, "missing.yaml")},
		{"garbage --config", []string{"--config", garbage, "info"}, true, 1, "client config " + garbage},
		{"unknown field in --config", []string{"--config", unknownField, "info"}, true, 1, `unknown field "bogus"`},
		{"bad log level", []string{"--log-level", "loud", "info"}, false, 2, `--log-level: must be debug, info, warn or error, got "loud"`},
		{"unknown command", []string{"frobnicate"}, false, 2, `unknown command "frobnicate"`},
	}
	for _, c := range cases {
		var r cliResult
		if c.raw {
			r = runCLI(t, n.env, c.args...)
		} else {
			r = n.cli(c.args...)
		}
		if r.code != c.code || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%s: tusk %s: %s; want exit %d and %q", c.name, strings.Join(c.args, " "), r, c.code, c.want)
		}
	}
}
