package node_test

import (
	"context"
	"testing"
	"time"

	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/node/api"
)

// BenchmarkSliverPutGet measures one storage node on loopback over TLS holding all 100
// shards: PUT of every sliver of a 16 MiB blob (verified against the metadata and
// fsynced), GET of every sliver back, and the latency of a storage confirmation (BLS
// signature) once the slivers are stored. MB/s count sliver bytes.
func BenchmarkSliverPutGet(b *testing.B) {
	const nShards = 100
	all := make([]uint16, nShards)
	for i := range all {
		all[i] = uint16(i)
	}
	net := newNet(b, nShards, [][]uint16{all})
	tn := net.nodes[0]
	ctx := context.Background()
	var put, get, confirm time.Duration
	var bytes int64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		blob := net.blob(uint64(i+1), 16<<20)
		net.publish(blob.registered(false, testEpoch+5))
		b.StartTimer()

		start := time.Now()
		net.upload(tn, blob, false)
		put += time.Since(start)

		start = time.Now()
		if _, err := tn.client.PermanentConfirmation(ctx, blob.id, api.ConfirmationWait{}); err != nil {
			b.Fatal(err)
		}
		confirm += time.Since(start)

		start = time.Now()
		for pair := 0; pair < nShards; pair++ {
			for _, axis := range []encoding.Axis{encoding.Primary, encoding.Secondary} {
				s, err := tn.client.Sliver(ctx, blob.id, uint16(pair), axis)
				if err != nil {
					b.Fatal(err)
				}
				if i == 0 {
					bytes += int64(len(s.Data))
				}
			}
		}
		get += time.Since(start)
	}
	n := float64(b.N)
	b.ReportMetric(float64(bytes)*n/put.Seconds()/1e6, "put_MB/s")
	b.ReportMetric(float64(bytes)*n/get.Seconds()/1e6, "get_MB/s")
	b.ReportMetric(float64(confirm.Microseconds())/n/1000, "confirm_ms")
}
