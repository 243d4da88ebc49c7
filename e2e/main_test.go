package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/tuskstore/tusk/internal/pgtest"
)

// tuskBin is the tusk binary TestMain builds for every test of the package.
var tuskBin string

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

// runTests builds the binary into a temporary directory, runs the tests (pgtest stops
// its throwaway Postgres, if it started one) and removes the directory.
func runTests(m *testing.M) int {
	dir, err := os.MkdirTemp("", "tusk-e2e-")
	if err != nil {
		fmt.Fprintf(os.Stderr, "e2e: %v\n", err)
		return 1
	}
	defer os.RemoveAll(dir)
	tuskBin = filepath.Join(dir, "tusk")
	build := exec.Command("go", "build", "-o", tuskBin, "github.com/tuskstore/tusk/cmd/tusk")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: go build ./cmd/tusk: %v\n", err)
		return 1
	}
	return pgtest.Run(m)
}
