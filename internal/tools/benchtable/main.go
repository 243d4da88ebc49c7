// Command benchtable turns `go test -bench` output (on standard input) into one summary
// table of the figures the project tracks: a row per figure with its value, its unit,
// its ratio to the baseline it is judged against (the hashing floor for encoding, one
// hash at a time for the 4-way hashes, klauspost for the package's own Reed–Solomon
// transforms) and notes (where a store's time goes). Benchmarks it has no figure for get
// a row each with their main metric, so nothing measured is left out. `make bench` pipes
// into it.
package main

import (
	"fmt"
	"io"
	"os"
)

func main() {
	if err := run(os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(1)
	}
}

func run(in io.Reader, out io.Writer) error {
	rs, err := parse(in)
	if err != nil {
		return err
	}
	if len(rs.results) == 0 {
		return fmt.Errorf("no benchmark results on standard input")
	}
	return render(out, rs.cpu, figures(rs.results))
}
