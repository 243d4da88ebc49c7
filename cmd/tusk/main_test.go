package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
)

func runTusk(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(args, strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestVersion(t *testing.T) {
	code, out, errOut := runTusk(t, "version")
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	re := regexp.MustCompile(`^tusk \S+ \(` + regexp.QuoteMeta(runtime.Version()) + `[^)]*\)\n$`)
	if !re.MatchString(out) {
		t.Fatalf("stdout = %q, want it to match %s", out, re)
	}
}

func TestVersionFromLinkerFlag(t *testing.T) {
	saved := version
	t.Cleanup(func() { version = saved })
	version = "v9.8.7"
	if _, out, _ := runTusk(t, "version"); !strings.HasPrefix(out, "tusk v9.8.7 (") {
		t.Fatalf("stdout = %q", out)
	}
}

func TestUnknownCommandIsUsageError(t *testing.T) {
	code, out, errOut := runTusk(t, "frobnicate")
	if code != 2 {
		t.Fatalf("exit %d, want 2", code)
	}
	if out != "" {
		t.Errorf("stdout = %q, want nothing", out)
	}
	want := "tusk: unknown command \"frobnicate\" for \"tusk\"\nRun 'tusk --help' for usage.\n"
	if errOut != want {
		t.Errorf("stderr = %q, want %q", errOut, want)
	}
}

func TestUnknownCommandSuggests(t *testing.T) {
	code, _, errOut := runTusk(t, "versoin")
	if code != 2 || !strings.Contains(errOut, "did you mean version?") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"--no-such-flag"},
		{"version", "extra"},
		{"version", "--bogus"},
		{"devnet", "now"},
		{"--log-level", "loud", "version"},
		{"--log-level"},
	} {
		code, _, errOut := runTusk(t, args...)
		if code != 2 || !strings.HasPrefix(errOut, "tusk: ") || !strings.Contains(errOut, "--help' for usage.") {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and a usage hint", args, code, errOut)
		}
	}
}

func TestConfigFlag(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing.yaml")
	code, _, errOut := runTusk(t, "--config", missing, "version")
	if code != 1 || !strings.Contains(errOut, "tusk: --config: ") || !strings.Contains(errOut, missing) {
		t.Fatalf("exit %d, stderr %q; want a --config error naming the file", code, errOut)
	}
	present := filepath.Join(t.TempDir(), "tusk.yaml")
	if err := os.WriteFile(present, []byte("{}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := runTusk(t, "--config", present, "version"); code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
}

func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {}} {
		code, out, errOut := runTusk(t, args...)
		if code != 0 || errOut != "" {
			t.Fatalf("%v: exit %d, stderr %q", args, code, errOut)
		}
		for _, want := range []string{"devnet", "version", "--config", "--log-level"} {
			if !strings.Contains(out, want) {
				t.Errorf("%v: help lacks %q:\n%s", args, want, out)
			}
		}
	}
}
