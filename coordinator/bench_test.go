package coordinator_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/tuskstore/tusk/coordinator"
	"github.com/tuskstore/tusk/coordinator/coordtest/realnet"
	"github.com/tuskstore/tusk/coordinator/coordtest/testnet"
	"github.com/tuskstore/tusk/coordinator/store"
	"github.com/tuskstore/tusk/encoding"
)

// BenchmarkEndToEnd stores and reads blobs with 4 real storage nodes on loopback (TLS,
// pebble, following the devnet) and the devnet's chain, for 1, 16 and 64 MiB at 10 and
// 100 shards, and reports where a store's time goes: encoding, the storage nodes
// (uploads, confirmations, status) and chain transactions (register, certify). At 10
// shards a blob holds at most 4·7·65534 bytes (1.8 MB): the larger sizes are skipped.
func BenchmarkEndToEnd(b *testing.B) {
	for _, shards := range []uint16{10, 100} {
		rn := realnet.Start(b, testnet.Options{NShards: shards}, nil)
		cfg := coordinator.Default()
		cfg.Store.TailWait = 0
		c, err := coordinator.New(rn.Chain, rn.Dialer, cfg, nil, nil)
		if err != nil {
			b.Fatal(err)
		}
		p, _ := encoding.NewParams(int(shards))
		for _, mib := range []int{1, 16, 64} {
			size := mib << 20
			if uint64(size) > p.MaxBlobSize() {
				continue
			}
			blob := randomBlob(size)
			var last encoding.BlobID
			b.Run(fmt.Sprintf("store/n=%d/%dMiB", shards, mib), func(b *testing.B) {
				b.SetBytes(int64(size))
				var t store.Timings
				var total time.Duration
				for i := 0; i < b.N; i++ {
					blob[i%len(blob)]++
					start := time.Now()
					res, err := c.Store(rn.Ctx, blob, store.Options{Force: true})
					if err != nil {
						b.Fatal(err)
					}
					total += time.Since(start)
					t.Encode += res.Timings.Encode
					t.Status += res.Timings.Status
					t.Upload += res.Timings.Upload
					t.Register += res.Timings.Register
					t.Certify += res.Timings.Certify
					last = res.BlobID()
				}
				b.ReportMetric(100*float64(t.Encode)/float64(total), "%encode")
				b.ReportMetric(100*float64(t.Network())/float64(total), "%nodes")
				b.ReportMetric(100*float64(t.Chain())/float64(total), "%chain")
			})
			b.Run(fmt.Sprintf("read/n=%d/%dMiB", shards, mib), func(b *testing.B) {
				b.SetBytes(int64(size))
				for i := 0; i < b.N; i++ {
					if _, err := c.Read(rn.Ctx, last, encoding.CheckDefault); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
