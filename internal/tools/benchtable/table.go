package main

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// render writes the figures as one Markdown table, headed by the CPU they ran on.
func render(out io.Writer, cpu string, figs []figure) error {
	if cpu != "" {
		if _, err := fmt.Fprintf(out, "Benchmark summary (%s)\n\n", cpu); err != nil {
			return err
		}
	}
	var b strings.Builder
	b.WriteString("| area | figure | value | unit | vs baseline | notes |\n|---|---|--:|---|---|---|\n")
	for _, f := range figs {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", cell(f.area), cell(f.name), cell(f.value), cell(f.unit), cell(f.baseline), cell(f.notes))
	}
	_, err := io.WriteString(out, b.String())
	return err
}

// cell escapes what would break a Markdown table cell.
func cell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

// num prints v with about three significant digits (whole numbers from 100 up, with k
// or M from ten thousand up).
func num(v float64) string {
	a := math.Abs(v)
	switch {
	case a >= 1e6:
		return num(v/1e6) + " M"
	case a >= 1e4:
		return num(v/1e3) + " k"
	case a >= 100 || v == math.Trunc(v):
		return strconv.FormatFloat(math.Round(v), 'f', -1, 64)
	case a >= 10:
		return strconv.FormatFloat(v, 'f', 1, 64)
	case a >= 1:
		return strconv.FormatFloat(v, 'f', 2, 64)
	default:
		return strconv.FormatFloat(v, 'g', 3, 64)
	}
}

// duration prints a time in nanoseconds in the unit that suits it.
func duration(ns float64) (string, string) {
	switch {
	case ns >= 1e9:
		return num(ns / 1e9), "s"
	case ns >= 1e6:
		return num(ns / 1e6), "ms"
	case ns >= 1e3:
		return num(ns / 1e3), "µs"
	default:
		return num(ns), "ns"
	}
}
