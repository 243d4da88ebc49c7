package main

import (
	"bytes"
	"strings"
	"testing"
)

const sample = `goos: linux
goarch: amd64
pkg: github.com/tuskstore/tusk/encoding
cpu: AMD EPYC
BenchmarkEncode/n=100/1MiB         	       1	   9100816 ns/op	 115.22 MB/s	        12.00 cold-ms	         5.000 encode-ms	         3.000 floor-ms	         6.952 peak-x-blob	         0.9000 rs-ms	         1.746 x-floor	         4.500 meta-ms	         2.104 meta-peak-x-blob
BenchmarkDecodePrimary/n=100/1MiB/random             	       1	    4377212 ns/op	 239.55 MB/s	         4.000 decode-ms
PASS
ok  	github.com/tuskstore/tusk/encoding	2.827s
pkg: github.com/tuskstore/tusk/internal/blake2bx
BenchmarkSingle_65B     	       1	      1572 ns/op	  41.35 MB/s	    892061 hashes/s
BenchmarkX4_65B         	       1	      4026 ns/op	  64.58 MB/s	   1051248 hashes/s
PASS
pkg: github.com/tuskstore/tusk/encoding/rs
BenchmarkCode/encode/k=34/r=66/native=false-2           	       1	  25299975 ns/op	 494.73 MB/s
BenchmarkCode/encode/k=34/r=66/native=true-2            	       1	  14609444 ns/op	 989.46 MB/s
BenchmarkTileTransforms/k=334/r=666         	    2449	    488687 ns/op	         0.2465 radix4-ms	         0.2310 radix8-ms	         0.9372 x-radix4
BenchmarkWideKernels/k=34/r=66              	   58190	     20568 ns/op	         0.01108 gfni512-ms	         0.008750 gfniz-ms	         0.7897 x-gfni512
pkg: github.com/tuskstore/tusk/chain
BenchmarkDevnetRegisterCertify  	       1	   8315824 ns/op	       196.7 tx/s
pkg: github.com/tuskstore/tusk/node
BenchmarkSliverPutGet 	       1	 877956721 ns/op	         0.8110 confirm_ms	       366.3 get_MB/s	       110.4 put_MB/s
pkg: github.com/tuskstore/tusk/indexer
BenchmarkIngest  	       1	   9373090 ns/op	       106.7 checkpoints/s	      2027 rows/s	  145568 B/op	    1732 allocs/op
pkg: github.com/tuskstore/tusk/coordinator/store
BenchmarkStoreRead/store/n=100/1MiB         	       1	 101355400 ns/op	  10.35 MB/s	        13.38 %chain	         7.081 %encode	        76.98 %network
BenchmarkStoreRead/read/n=100/1MiB          	       1	   2293736 ns/op	 457.15 MB/s
pkg: github.com/tuskstore/tusk/encoding/merkle
BenchmarkNewTree_1000                  	       1	    144394 ns/op
BenchmarkSomethingNew                  	       1	    144394 ns/op	 12.5 widgets/s
`

func TestTable(t *testing.T) {
	var out bytes.Buffer
	if err := run(strings.NewReader(sample), &out); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, row := range []string{
		"Benchmark summary (AMD EPYC)",
		"| area | figure | value | unit | vs baseline | notes |",
		"| encoding | encode, n=100, 1 MiB | 115 | MB/s | 1.75× the hashing floor (5 vs 3 ms) | first encode 12 ms; RS transforms alone 0.9 ms (floor + transforms = 1.30×) |",
		"| encoding | encode peak memory, n=100, 1 MiB | 6.95 | × blob size |  |  |",
		"| encoding | metadata alone (blob ID), n=100, 1 MiB | 4.50 | ms | 0.90× the encode | peak memory 2.10× blob size |",
		"| encoding | decode from n-2f random primary slivers, n=100, 1 MiB | 240 | MB/s |  | 4.38 ms per decode |",
		"| blake2b | BLAKE2b-256 of 65-byte messages, four at a time | 1.05 M | hashes/s | 1.18× one at a time |  |",
		"| encoding/rs | Reed–Solomon encode, 34 → 66, own transforms | 989 | MB/s | 2.00× the default path |  |",
		"| encoding/rs | tile transforms, 334 → 666, 2 KiB vectors | 0.231 | ms | 0.94× the radix-4 passes (0.246 ms) |  |",
		"| encoding/rs | tile transforms, ZMM kernels (GFNIZ), 34 → 66, 2 KiB vectors | 0.00875 | ms | 0.79× the YMM kernels (GFNI512) (0.0111 ms) |  |",
		"| devnet | register_blob + certify_blob transactions (gRPC: simulate, sign, execute) | 197 | tx/s |  |  |",
		"| node | storage confirmation (BLS signature) | 0.811 | ms |  |  |",
		"| node | sliver PUT (TLS, verified, fsynced), 16 MiB blob, 100 shards | 110 | MB/s |  |  |",
		"| indexer | ingest into Postgres, table rows | 2027 | rows/s |  |  |",
		"| coordinator | store, devnet + in-memory nodes, n=100, 1 MiB | 10.3 | MB/s |  | time: encode 7%, network 77%, chain 13%; 101 ms per store |",
		"| coordinator | read, devnet + in-memory nodes, n=100, 1 MiB | 457 | MB/s |  | 2.29 ms per read |",
		"| encoding/merkle | Merkle tree of 1000 leaves | 144 | µs |  |  |",
		"| encoding/merkle | SomethingNew | 12.5 | widgets/s |  |  |",
	} {
		if !strings.Contains(got, row+"\n") {
			t.Errorf("no row %q in\n%s", row, got)
		}
	}
	if n := strings.Count(got, "\n| "); n != 21 { // the header and 20 figures
		t.Errorf("%d rows:\n%s", n, got)
	}
}

func TestFailuresAndEmptyInput(t *testing.T) {
	var out bytes.Buffer
	if err := run(strings.NewReader("--- FAIL: BenchmarkX\n"), &out); err == nil {
		t.Fatal("failure not reported")
	}
	if err := run(strings.NewReader("FAIL\tgithub.com/tuskstore/tusk/node\t1.0s\n"), &out); err == nil {
		t.Fatal("package failure not reported")
	}
	if err := run(strings.NewReader("PASS\n"), &out); err == nil {
		t.Fatal("empty input accepted")
	}
}
