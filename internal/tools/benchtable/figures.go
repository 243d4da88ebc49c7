package main

import (
	"fmt"
	"path"
	"regexp"
	"strings"
)

// figure is one row of the summary.
type figure struct {
	area, name, value, unit string
	// baseline is the ratio to the baseline the figure is judged against, if any.
	baseline string
	// notes say more: where the time goes, the first run's cost.
	notes string
}

// rule makes the figures of the benchmarks of the package whose import path ends in
// pkg and whose name matches name (m holds its submatches).
type rule struct {
	pkg  string
	name *regexp.Regexp
	make func(m []string, r result, all index) []figure
}

// index finds a result by package suffix and name.
type index []result

func (ix index) find(pkg, name string) (result, bool) {
	for _, r := range ix {
		if pkgIs(r.pkg, pkg) && r.name == name {
			return r, true
		}
	}
	return result{}, false
}

// pkgIs reports whether the import path ends with the path suffix.
func pkgIs(importPath, suffix string) bool {
	return importPath == suffix || strings.HasSuffix(importPath, "/"+suffix)
}

// figures turns the results into rows, in the order of the rules and then of the
// results; a result no rule knows gets a row of its own.
func figures(results []result) []figure {
	var out []figure
	used := make([]bool, len(results))
	for _, ru := range rules() {
		for i, r := range results {
			if !pkgIs(r.pkg, ru.pkg) {
				continue
			}
			m := ru.name.FindStringSubmatch(r.name)
			if m == nil {
				continue
			}
			used[i] = true
			out = append(out, ru.make(m, r, results)...)
		}
	}
	for i, r := range results {
		if !used[i] {
			out = append(out, fallback(r))
		}
	}
	return out
}

// fallback is the row of a benchmark without a rule: its first custom metric, else its
// throughput, else its time per operation.
func fallback(r result) figure {
	f := figure{area: packageArea(r.pkg), name: r.name}
	for _, u := range r.units {
		if u != "ns/op" && u != "MB/s" && u != "B/op" && u != "allocs/op" {
			f.value, f.unit = num(r.vals[u]), u
			return f
		}
	}
	if r.has("MB/s") {
		f.value, f.unit = num(r.vals["MB/s"]), "MB/s"
		return f
	}
	f.value, f.unit = duration(r.vals["ns/op"])
	return f
}

// packageArea is an import path without its module's host, owner and repository
// (github.com/owner/repo/encoding/merkle: encoding/merkle).
func packageArea(importPath string) string {
	parts := strings.Split(importPath, "/")
	if len(parts) > 3 && strings.Contains(parts[0], ".") {
		return path.Join(parts[3:]...)
	}
	return importPath
}

// throughput is the MB/s figure of r.
func throughput(area, name string, r result) figure {
	return figure{area: area, name: name, value: num(r.vals["MB/s"]), unit: "MB/s"}
}

// metric is the figure of one custom metric of r (shown in unit).
func metric(area, name string, r result, key, unit string) figure {
	return figure{area: area, name: name, value: num(r.vals[key]), unit: unit}
}

// ratio is "x× what" when both values are known and positive.
func ratio(v, base float64, what string) string {
	if v <= 0 || base <= 0 {
		return ""
	}
	return fmt.Sprintf("%.2f× %s", v/base, what)
}

// storeSplit says where a store's time went, from the benchmark's %-metrics.
func storeSplit(r result, nodes string) string {
	return fmt.Sprintf("time: encode %.0f%%, %s %.0f%%, chain %.0f%%; %s per store",
		r.vals["%encode"], nodes, r.vals["%"+nodes], r.vals["%chain"], latency(r))
}

// latency is the time per operation of r, in the unit that suits it.
func latency(r result) string {
	v, u := duration(r.vals["ns/op"])
	return v + " " + u
}

// tileTransforms is the figure of a benchmark of rs's compareTransforms: the median
// time of the tile's transforms one way (<with>-ms) against the other (<without>-ms).
func tileTransforms(m []string, r result, what, with, without, baseline string) figure {
	f := metric("encoding/rs", fmt.Sprintf("%s, %s → %s, 2 KiB vectors", what, m[1], m[2]), r, with+"-ms", "ms")
	f.baseline = fmt.Sprintf("%.2f× %s (%s ms)", r.vals["x-"+without], baseline, num(r.vals[without+"-ms"]))
	return f
}

// rules are the figures the project tracks, grouped by area.
func rules() []rule {
	re := regexp.MustCompile
	return []rule{
		// Encoding, per core: the encode against the Merkle hashing it cannot avoid.
		{"encoding", re(`^Encode/n=(\d+)/(\d+)MiB$`), func(m []string, r result, _ index) []figure {
			enc := throughput("encoding", fmt.Sprintf("encode, n=%s, %s MiB", m[1], m[2]), r)
			enc.baseline = fmt.Sprintf("%.2f× the hashing floor (%s vs %s ms)", r.vals["x-floor"], num(r.vals["encode-ms"]), num(r.vals["floor-ms"]))
			enc.notes = fmt.Sprintf("first encode %s ms", num(r.vals["cold-ms"]))
			// The transforms alone bound the ratio from below: an encode hashes and transforms.
			if rs, ok := r.vals["rs-ms"]; ok && r.vals["floor-ms"] > 0 {
				enc.notes += fmt.Sprintf("; RS transforms alone %s ms (floor + transforms = %.2f×)",
					num(rs), 1+rs/r.vals["floor-ms"])
			}
			mem := metric("encoding", fmt.Sprintf("encode peak memory, n=%s, %s MiB", m[1], m[2]), r, "peak-x-blob", "× blob size")
			figs := []figure{enc, mem}
			// The blob ID alone (no slivers kept), against the encode of the same run.
			if meta, ok := r.vals["meta-ms"]; ok {
				f := metric("encoding", fmt.Sprintf("metadata alone (blob ID), n=%s, %s MiB", m[1], m[2]), r, "meta-ms", "ms")
				f.baseline = ratio(meta, r.vals["encode-ms"], "the encode")
				f.notes = fmt.Sprintf("peak memory %s× blob size", num(r.vals["meta-peak-x-blob"]))
				figs = append(figs, f)
			}
			return figs
		}},
		{"encoding", re(`^Parallel/(encode|decode)/n=(\d+)/(\d+)MiB/cores=(\d+)$`), func(m []string, r result, _ index) []figure {
			what := "encode"
			if m[1] == "decode" {
				what = "decode from n-2f random primary slivers"
			}
			f := metric("encoding", fmt.Sprintf("%s on %s cores, n=%s, %s MiB", what, m[4], m[2], m[3]), r, "all-ms", "ms")
			f.baseline = fmt.Sprintf("%.2f× faster than on one core (%s ms)", r.vals["x-speedup"], num(r.vals["one-ms"]))
			return []figure{f}
		}},
		{"encoding", re(`^DecodePrimary/n=(\d+)/(\d+)MiB/(\w+)$`), func(m []string, r result, _ index) []figure {
			f := throughput("encoding", fmt.Sprintf("decode from n-2f %s primary slivers, n=%s, %s MiB", m[3], m[1], m[2]), r)
			f.notes = latency(r) + " per decode"
			return []figure{f}
		}},
		{"encoding/rs", re(`^Code/([\w-]+)/k=(\d+)/r=(\d+)/native=(true|false)$`), func(m []string, r result, all index) []figure {
			impl := "default path"
			if m[4] == "true" {
				impl = "own transforms"
			}
			op := map[string]string{"decode-random": "decode from random symbols"}[m[1]]
			if op == "" {
				op = m[1]
			}
			f := throughput("encoding/rs", fmt.Sprintf("Reed–Solomon %s, %s → %s, %s", op, m[2], m[3], impl), r)
			if m[4] == "true" {
				if base, ok := all.find("encoding/rs", strings.TrimSuffix(r.name, "true")+"false"); ok {
					f.baseline = ratio(r.vals["MB/s"], base.vals["MB/s"], "the default path")
				}
			}
			return []figure{f}
		}},
		{"encoding/rs", re(`^TileTransforms/k=(\d+)/r=(\d+)$`), func(m []string, r result, _ index) []figure {
			return []figure{tileTransforms(m, r, "tile transforms", "radix8", "radix4", "the radix-4 passes")}
		}},
		{"encoding/rs", re(`^WideKernels/k=(\d+)/r=(\d+)$`), func(m []string, r result, _ index) []figure {
			return []figure{tileTransforms(m, r, "tile transforms, ZMM kernels (GFNIZ)", "gfniz", "gfni512", "the YMM kernels (GFNI512)")}
		}},
		{"encoding/merkle", re(`^LeafHashes_1M_(\d+)B$`), func(m []string, r result, _ index) []figure {
			return []figure{metric("encoding/merkle", fmt.Sprintf("Merkle leaf hashes of %s-byte symbols", m[1]), r, "leaves/s", "hashes/s")}
		}},
		{"encoding/merkle", re(`^Roots_1000x1000$`), func(_ []string, r result, _ index) []figure {
			return []figure{metric("encoding/merkle", "Merkle inner nodes, 1000 trees of 1000 leaves", r, "inner/s", "hashes/s")}
		}},
		{"encoding/merkle", re(`^RootsStridedColumns_1000x1000$`), func(_ []string, r result, _ index) []figure {
			v, u := duration(r.vals["ns/op"])
			return []figure{{area: "encoding/merkle", name: "Merkle roots of 1000 strided columns of 1000 leaves", value: v, unit: u}}
		}},
		{"encoding/merkle", re(`^NewTree_1000$`), func(_ []string, r result, _ index) []figure {
			v, u := duration(r.vals["ns/op"])
			return []figure{{area: "encoding/merkle", name: "Merkle tree of 1000 leaves", value: v, unit: u}}
		}},
		{"internal/blake2bx", re(`^(Single|X4)_(\d+)B$`), func(m []string, r result, all index) []figure {
			if m[1] == "Single" {
				return []figure{metric("blake2b", fmt.Sprintf("BLAKE2b-256 of %s-byte messages, one at a time", m[2]), r, "hashes/s", "hashes/s")}
			}
			f := metric("blake2b", fmt.Sprintf("BLAKE2b-256 of %s-byte messages, four at a time", m[2]), r, "hashes/s", "hashes/s")
			if base, ok := all.find("internal/blake2bx", "Single_"+m[2]+"B"); ok {
				f.baseline = ratio(r.vals["hashes/s"], base.vals["hashes/s"], "one at a time")
			}
			return []figure{f}
		}},
		{"internal/blake2bx", re(`^SumManyStrided/(\d+)$`), func(m []string, r result, _ index) []figure {
			return []figure{metric("blake2b", fmt.Sprintf("BLAKE2b-256 of many strided %s-byte messages", m[1]), r, "hashes/s", "hashes/s")}
		}},
		{"internal/blake2bx", re(`^Pairs4$`), func(_ []string, r result, all index) []figure {
			f := metric("blake2b", "BLAKE2b-256 Merkle node pairs, four at a time", r, "hashes/s", "hashes/s")
			if base, ok := all.find("internal/blake2bx", "Single_65B"); ok {
				f.baseline = ratio(r.vals["hashes/s"], base.vals["hashes/s"], "one at a time")
			}
			return []figure{f}
		}},
		{"encoding/quilt", re(`^Build/n=(\d+)/(\w+)$`), func(m []string, r result, _ index) []figure {
			return []figure{throughput("encoding/quilt", fmt.Sprintf("quilt layout, n=%s, %s patches", m[1], m[2]), r)}
		}},
		{"encoding/quilt", re(`^OpenAndRead$`), func(_ []string, r result, _ index) []figure {
			return []figure{throughput("encoding/quilt", "quilt index parse and patch reads", r)}
		}},
		// The devnet.
		{"chain", re(`^DevnetRegisterCertify$`), func(_ []string, r result, _ index) []figure {
			return []figure{metric("devnet", "register_blob + certify_blob transactions (gRPC: simulate, sign, execute)", r, "tx/s", "tx/s")}
		}},
		{"chain", re(`^DevnetCheckpointStream$`), func(_ []string, r result, _ index) []figure {
			return []figure{
				metric("devnet", "checkpoint stream (backfill with Walrus events)", r, "checkpoints/s", "checkpoints/s"),
				metric("devnet", "checkpoint stream, Walrus events", r, "events/s", "events/s"),
			}
		}},
		// A storage node.
		{"node", re(`^SliverPutGet$`), func(_ []string, r result, _ index) []figure {
			return []figure{
				metric("node", "sliver PUT (TLS, verified, fsynced), 16 MiB blob, 100 shards", r, "put_MB/s", "MB/s"),
				metric("node", "sliver GET (TLS), 16 MiB blob, 100 shards", r, "get_MB/s", "MB/s"),
				metric("node", "storage confirmation (BLS signature)", r, "confirm_ms", "ms"),
			}
		}},
		// The indexer.
		{"indexer", re(`^Ingest$`), func(_ []string, r result, _ index) []figure {
			return []figure{
				metric("indexer", "ingest into Postgres (extract, batch, commit with watermark)", r, "checkpoints/s", "checkpoints/s"),
				metric("indexer", "ingest into Postgres, table rows", r, "rows/s", "rows/s"),
			}
		}},
		{"indexer", re(`^Extract$`), func(_ []string, r result, _ index) []figure {
			return []figure{metric("indexer", "extraction alone (no database), table rows", r, "rows/s", "rows/s")}
		}},
		// The coordinator: stores and reads through the devnet and storage nodes.
		{"coordinator/store", re(`^StoreRead/(store|read)/n=(\d+)/(\d+)MiB$`), func(m []string, r result, _ index) []figure {
			f := throughput("coordinator", fmt.Sprintf("%s, devnet + in-memory nodes, n=%s, %s MiB", m[1], m[2], m[3]), r)
			f.notes = latency(r) + " per " + m[1]
			if m[1] == "store" {
				f.notes = storeSplit(r, "network")
			}
			return []figure{f}
		}},
		{"coordinator", re(`^EndToEnd/(store|read)/n=(\d+)/(\d+)MiB$`), func(m []string, r result, _ index) []figure {
			f := throughput("coordinator", fmt.Sprintf("%s, devnet + 4 real nodes (TLS, pebble), n=%s, %s MiB", m[1], m[2], m[3]), r)
			f.notes = latency(r) + " per " + m[1]
			if m[1] == "store" {
				f.notes = storeSplit(r, "nodes")
			}
			return []figure{f}
		}},
	}
}
