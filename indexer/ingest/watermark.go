package ingest

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Watermark is a pipeline's committed progress: every checkpoint up to and including
// Checkpoint is in the tables.
type Watermark struct {
	Checkpoint  uint64
	Epoch       uint64 // Sui epoch of that checkpoint
	TimestampMs uint64 // its timestamp
	UpdatedAt   time.Time
}

// Querier is what reading a watermark needs: a pool, a connection or a transaction.
type Querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// ReadWatermark returns the pipeline's watermark; ok is false if it has none yet.
func ReadWatermark(ctx context.Context, q Querier, pipeline string) (wm Watermark, ok bool, err error) {
	var cp, epoch, ts int64
	err = q.QueryRow(ctx, `SELECT checkpoint_hi_inclusive, epoch_hi_inclusive, timestamp_ms_hi_inclusive, updated_at
		FROM watermarks WHERE pipeline = $1`, pipeline).Scan(&cp, &epoch, &ts, &wm.UpdatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return Watermark{}, false, nil
	}
	if err != nil {
		return Watermark{}, false, fmt.Errorf("ingest: reading the %s watermark: %w", pipeline, err)
	}
	wm.Checkpoint, wm.Epoch, wm.TimestampMs = uint64(cp), uint64(epoch), uint64(ts)
	return wm, true, nil
}
