package main

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
)

// result is one benchmark's line of `go test -bench` output.
type result struct {
	pkg   string             // import path, from the preceding "pkg:" line
	name  string             // without "Benchmark" and the -GOMAXPROCS suffix
	vals  map[string]float64 // by unit: ns/op, MB/s and the custom metrics
	units []string           // in the order reported
}

// has reports whether the result has a value in unit.
func (r result) has(unit string) bool {
	_, ok := r.vals[unit]
	return ok
}

// results is the parsed output: the results in order and the CPU they ran on.
type results struct {
	results []result
	cpu     string
}

var procsSuffix = regexp.MustCompile(`-[0-9]+$`)

// parse reads `go test -bench` output. A failed benchmark or package is an error.
func parse(in io.Reader) (results, error) {
	var out results
	pkg := ""
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "--- FAIL") || strings.HasPrefix(line, "FAIL") {
			return out, fmt.Errorf("benchmark failed: %s", line)
		}
		if p, ok := strings.CutPrefix(line, "pkg: "); ok {
			pkg = strings.TrimSpace(p)
			continue
		}
		if c, ok := strings.CutPrefix(line, "cpu: "); ok {
			out.cpu = strings.TrimSpace(c)
			continue
		}
		f := strings.Fields(line)
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		if _, err := strconv.Atoi(f[1]); err != nil { // the iteration count
			continue
		}
		r := result{pkg: pkg, name: procsSuffix.ReplaceAllString(strings.TrimPrefix(f[0], "Benchmark"), ""), vals: map[string]float64{}}
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				return out, fmt.Errorf("benchmark %s: value %q of %s: %w", f[0], f[i], f[i+1], err)
			}
			r.vals[f[i+1]] = v
			r.units = append(r.units, f[i+1])
		}
		out.results = append(out.results, r)
	}
	return out, sc.Err()
}
