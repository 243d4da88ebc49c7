package quilt

import (
	"fmt"
	"testing"
)

// benchPatches are count patches of size bytes each, with a tag.
func benchPatches(count, size int) []Patch {
	out := make([]Patch, count)
	for i := range out {
		data := make([]byte, size)
		for j := range data {
			data[j] = byte(i*31 + j)
		}
		out[i] = Patch{Identifier: fmt.Sprintf("file-%04d.bin", i), Tags: map[string]string{"i": fmt.Sprint(i)}, Data: data}
	}
	return out
}

// BenchmarkBuild lays out a quilt for mainnet's 1000 shards (no erasure coding).
func BenchmarkBuild(b *testing.B) {
	p := mustParams(b, 1000)
	for _, c := range []struct{ count, size int }{{10, 100 << 10}, {100, 10 << 10}, {666, 1 << 10}} {
		patches := benchPatches(c.count, c.size)
		b.Run(fmt.Sprintf("n=1000/%dx%dKiB", c.count, c.size>>10), func(b *testing.B) {
			b.SetBytes(int64(c.count * c.size))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Build(p, patches); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkOpenAndRead parses the index of a decoded quilt and reads every patch back.
func BenchmarkOpenAndRead(b *testing.B) {
	p := mustParams(b, 1000)
	q, err := Build(p, benchPatches(100, 10<<10))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(100 * 10 << 10)
	b.ReportAllocs()
	for b.Loop() {
		opened, err := Open(p, q.Bytes())
		if err != nil {
			b.Fatal(err)
		}
		if _, err := opened.Patches(); err != nil {
			b.Fatal(err)
		}
	}
}
