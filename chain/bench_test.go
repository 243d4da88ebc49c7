package chain_test

import (
	"context"
	"testing"
	"time"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/chain/messages"
)

// BenchmarkDevnetRegisterCertify measures devnet throughput for the two transactions of
// every store: register_blob (with reserve_space, WAL paid) and certify_blob (a quorum
// BLS certificate verified on chain), each through the gRPC client (simulate, sign,
// execute). One op is both transactions; tx/s counts transactions.
func BenchmarkDevnetRegisterCertify(b *testing.B) {
	n := newTestNet(b)
	com := n.committee()
	blobs := make([]testBlob, b.N)
	for i := range blobs {
		blobs[i] = n.blob(64)
	}
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		r := n.register(blobs[i], 1, false)
		msg := messages.NewStorageConfirmationMessage(com.Epoch, messages.StorageConfirmation{BlobID: r.Blob.BlobID, Persistence: messages.Permanent()})
		b.StopTimer()
		cert := n.certificate(com, all(com), msg) // the nodes' signing is not the chain's work
		b.StartTimer()
		if _, err := n.c.CertifyBlob(n.ctx, r.ObjectID, cert); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(2*b.N)/time.Since(start).Seconds(), "tx/s")
}

// BenchmarkDevnetCheckpointStream measures how fast the client streams checkpoints with
// their Walrus events from the devnet (backfill from checkpoint 0): each checkpoint holds
// one register or certify transaction and its event.
func BenchmarkDevnetCheckpointStream(b *testing.B) {
	n := newTestNet(b)
	const pairs = 200
	for i := 0; i < pairs; i++ {
		n.certify(n.register(n.blob(64), 1, false))
	}
	latest, err := n.c.LatestCheckpoint(n.ctx)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	var checkpoints, events int
	start := time.Now()
	for i := 0; i < b.N; i++ {
		ctx, cancel := context.WithCancel(n.ctx)
		err := n.c.Checkpoints(ctx, 0, func(ctx context.Context, cp *chain.Checkpoint) error {
			evs, err := cp.WalrusEvents(n.c.WalrusPackage())
			if err != nil {
				return err
			}
			checkpoints++
			events += len(evs)
			if cp.Sequence == latest {
				cancel()
			}
			return nil
		})
		cancel()
		if err != context.Canceled {
			b.Fatal(err)
		}
	}
	s := time.Since(start).Seconds()
	b.ReportMetric(float64(checkpoints)/s, "checkpoints/s")
	b.ReportMetric(float64(events)/s, "events/s")
}
