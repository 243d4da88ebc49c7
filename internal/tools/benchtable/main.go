// Command benchtable turns `go test -bench` output (on standard input) into one summary
// table: a row per benchmark, a column per reported unit. `make bench` pipes into it.
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"
)

type row struct {
	name    string
	metrics map[string]string
}

func main() {
	if err := run(os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(1)
	}
}

func run(in io.Reader, out io.Writer) error {
	var rows []row
	var units []string
	seen := map[string]bool{}
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "--- FAIL") || strings.HasPrefix(line, "FAIL") {
			return fmt.Errorf("benchmark failed: %s", line)
		}
		f := strings.Fields(line)
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		r := row{name: strings.TrimPrefix(f[0], "Benchmark"), metrics: map[string]string{}}
		for i := 2; i+1 < len(f); i += 2 { // f[1] is the iteration count
			val, unit := f[i], f[i+1]
			r.metrics[unit] = val
			if !seen[unit] {
				seen[unit] = true
				units = append(units, unit)
			}
		}
		rows = append(rows, r)
	}
	if err := sc.Err(); err != nil {
		return err
	}
	if len(rows) == 0 {
		return fmt.Errorf("no benchmark results on standard input")
	}
	fmt.Fprintf(out, "| benchmark | %s |\n|---|%s\n", strings.Join(units, " | "), strings.Repeat("---|", len(units)))
	for _, r := range rows {
		cells := make([]string, len(units))
		for i, u := range units {
			cells[i] = r.metrics[u]
		}
		fmt.Fprintf(out, "| %s | %s |\n", r.name, strings.Join(cells, " | "))
	}
	return nil
}
