package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/tuskstore/tusk/encoding"
)

// TestHyphenBlobIDs: a blob ID beginning with '-' is taken as the argument it is, in
// any position; flags and their values keep their meaning.
func TestHyphenBlobIDs(t *testing.T) {
	var id encoding.BlobID
	for i := 0; ; i++ {
		id[0], id[1] = byte(i), byte(i>>8)
		if strings.HasPrefix(id.String(), "-") {
			break
		}
	}
	h := id.String()
	root := newRootCmd(&app{})
	for _, c := range []struct{ in, want []string }{
		{[]string{"read", h}, []string{"read", "--", h}},
		{[]string{"read", h, "--out", "f", "--config", "c.yaml"}, []string{"read", "--out", "f", "--config", "c.yaml", "--", h}},
		{[]string{"--config", "c.yaml", "read", "--out=f", h, "--strict-consistency-check"}, []string{"--config", "c.yaml", "read", "--out=f", "--strict-consistency-check", "--", h}},
		{[]string{"read", "--", h}, []string{"read", "--", h}},
		{[]string{"read", "AAAA", "--out", "f"}, []string{"read", "AAAA", "--out", "f"}}, // no hyphen ID: unchanged
	} {
		if got := hyphenBlobIDs(root, c.in); !slices.Equal(got, c.want) {
			t.Errorf("%q: got %q, want %q", c.in, got, c.want)
		}
	}
	// End to end: the ID reaches the command (which then fails on the missing config,
	// not on an unknown flag).
	code, _, errOut := runTusk(t, "--config", t.TempDir()+"/none.yaml", "blob-status", h)
	if code == 0 || strings.Contains(errOut, "unknown shorthand flag") || strings.Contains(errOut, "unknown flag") {
		t.Fatalf("blob-status %s: %d %s", h, code, errOut)
	}
}
