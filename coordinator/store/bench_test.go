package store_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/tuskstore/tusk/coordinator/coordtest/testnet"
	"github.com/tuskstore/tusk/coordinator/read"
	"github.com/tuskstore/tusk/coordinator/store"
	"github.com/tuskstore/tusk/encoding"
)

// BenchmarkStoreRead stores and reads blobs through the devnet (transactions signed and
// executed in process) and in-memory storage nodes (fakenode: each sliver is verified on
// arrival, as a node does, but nothing crosses a network). It reports the share of the
// store's time spent encoding, talking to the nodes, and in chain transactions, and the
// read's throughput. n=10 cannot hold more than 1.8 MB (4·7·65534 bytes), so its larger
// sizes are skipped.
func BenchmarkStoreRead(b *testing.B) {
	for _, shards := range []uint16{10, 100} {
		n := testnet.Start(b, testnet.Options{NShards: shards})
		cfg := store.DefaultConfig()
		cfg.TailWait = 0
		w := store.NewWriter(n.Chain, n.Source, cfg, nil, nil)
		r := read.NewReader(n.Source, read.DefaultConfig(), nil, nil)
		p, _ := encoding.NewParams(int(shards))
		for _, mib := range []int{1, 16, 64} {
			size := mib << 20
			if uint64(size) > p.MaxBlobSize() {
				continue
			}
			blob := randomBlob(size)
			b.Run(fmt.Sprintf("store/n=%d/%dMiB", shards, mib), func(b *testing.B) {
				b.SetBytes(int64(size))
				var t store.Timings
				var total time.Duration
				for i := 0; i < b.N; i++ {
					blob[i%len(blob)]++ // a new blob each time
					start := time.Now()
					res, err := w.Store(n.Ctx, blob, store.Options{Force: true})
					if err != nil {
						b.Fatal(err)
					}
					total += time.Since(start)
					t.Encode += res.Timings.Encode
					t.Status += res.Timings.Status
					t.Upload += res.Timings.Upload
					t.Register += res.Timings.Register
					t.Certify += res.Timings.Certify
				}
				b.ReportMetric(100*float64(t.Encode)/float64(total), "%encode")
				b.ReportMetric(100*float64(t.Network())/float64(total), "%network")
				b.ReportMetric(100*float64(t.Chain())/float64(total), "%chain")
			})
			res, err := w.Store(n.Ctx, blob, store.Options{Force: true})
			if err != nil {
				b.Fatal(err)
			}
			id := res.BlobID()
			b.Run(fmt.Sprintf("read/n=%d/%dMiB", shards, mib), func(b *testing.B) {
				b.SetBytes(int64(size))
				for i := 0; i < b.N; i++ {
					if _, err := r.Read(n.Ctx, id, encoding.CheckDefault); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
