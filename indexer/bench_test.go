package indexer

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"go.uber.org/zap"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/indexer/extract"
	"github.com/tuskstore/tusk/indexer/ingest"
	"github.com/tuskstore/tusk/indexer/internal/fixture"
	"github.com/tuskstore/tusk/internal/pgtest"
	"github.com/tuskstore/tusk/migrations"
)

// sliceSource serves prebuilt checkpoints.
type sliceSource []*chain.Checkpoint

func (s sliceSource) Checkpoints(ctx context.Context, from uint64, handle func(context.Context, *chain.Checkpoint) error) error {
	for _, cp := range s[from:] {
		if err := handle(ctx, cp); err != nil {
			return err
		}
	}
	return nil
}

func generate(n int) sliceSource {
	g := fixture.NewGenerator(0)
	cps := make(sliceSource, n)
	for i := range cps {
		cps[i] = g.Next()
	}
	return cps
}

// BenchmarkIngest measures end-to-end ingestion into Postgres (one op = one checkpoint
// of the fixture generator: ~8 transactions, ~7 Walrus events, blob, attribute,
// deletion and, every 25 checkpoints, epoch, node, stake and reward rows): extraction
// from BCS, batching and the commit transactions with their watermark. rows/s counts
// the rows written to the tables.
func BenchmarkIngest(b *testing.B) {
	ctx := context.Background()
	b.StopTimer()
	cps := generate(b.N)
	pool := pgtest.New(b)
	conn, err := pool.Acquire(ctx)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := migrations.Migrate(ctx, conn.Conn()); err != nil {
		b.Fatal(err)
	}
	conn.Release()
	m := ingest.NewMetrics(nil, PipelineName)
	last := uint64(b.N - 1)
	r := ingest.New[*extract.Rows](pool, cps, &pipeline{x: extract.New(fixture.Package, nil, zap.NewNop())},
		ingest.Config{Last: &last, BatchCheckpoints: 100, BatchRows: 5000, FlushInterval: 200 * time.Millisecond},
		zap.NewNop(), ingest.Options{Metrics: m})
	b.ReportAllocs()
	b.StartTimer()
	start := time.Now()
	if err := r.Run(ctx); err != nil {
		b.Fatal(err)
	}
	el := time.Since(start)
	b.StopTimer()
	rows := countRows(b, pool)
	b.ReportMetric(float64(rows)/el.Seconds(), "rows/s")
	b.ReportMetric(float64(b.N)/el.Seconds(), "checkpoints/s")
}

func countRows(b *testing.B, pool *pgxpool.Pool) int64 {
	var n int64
	err := pool.QueryRow(context.Background(), `SELECT (SELECT count(*) FROM events) + (SELECT count(*) FROM blobs) +
		(SELECT count(*) FROM epochs) + (SELECT count(*) FROM committees) + (SELECT count(*) FROM nodes) +
		(SELECT count(*) FROM stake) + (SELECT count(*) FROM rewards) + (SELECT count(*) FROM invalid_blobs)`).Scan(&n)
	if err != nil {
		b.Fatal(err)
	}
	return n
}

// BenchmarkExtract measures decoding alone (one op = one checkpoint), no database.
func BenchmarkExtract(b *testing.B) {
	cps := generate(max(b.N, 1))
	x := extract.New(fixture.Package, nil, zap.NewNop())
	b.ReportAllocs()
	b.ResetTimer()
	rows := 0
	for i := range b.N {
		r, err := x.Process(cps[i])
		if err != nil {
			b.Fatal(err)
		}
		rows += r.RowCount()
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}
