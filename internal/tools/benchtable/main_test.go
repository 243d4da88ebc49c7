package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestTable(t *testing.T) {
	in := `goos: linux
BenchmarkEncode/n=10/1MiB-1   	       1	  5000 ns/op	 2.00 MB/s	 12.0 encode-ms	 1.5 x-floor
BenchmarkDecode/n=10-1   	       3	  7000 ns/op	 4.0 decode-ms
PASS
`
	var out bytes.Buffer
	if err := run(strings.NewReader(in), &out); err != nil {
		t.Fatal(err)
	}
	want := "| benchmark | ns/op | MB/s | encode-ms | x-floor | decode-ms |\n|---|---|---|---|---|---|\n" +
		"| Encode/n=10/1MiB-1 | 5000 | 2.00 | 12.0 | 1.5 |  |\n| Decode/n=10-1 | 7000 |  |  |  | 4.0 |\n"
	if out.String() != want {
		t.Fatalf("got\n%s\nwant\n%s", out.String(), want)
	}
	if err := run(strings.NewReader("--- FAIL: BenchmarkX\n"), &out); err == nil {
		t.Fatal("failure not reported")
	}
	if err := run(strings.NewReader("PASS\n"), &out); err == nil {
		t.Fatal("empty input accepted")
	}
}
