-- Watermarks: how far each ingestion pipeline has committed. A pipeline writes its
-- rows and raises its watermark in the same transaction, so the data in the tables is
-- exactly the data of checkpoints 0..checkpoint_hi_inclusive (from its first
-- checkpoint), never more and never less.
CREATE TABLE watermarks (
    pipeline                  text PRIMARY KEY,
    checkpoint_hi_inclusive   bigint NOT NULL CHECK (checkpoint_hi_inclusive >= 0),
    epoch_hi_inclusive        bigint NOT NULL CHECK (epoch_hi_inclusive >= 0),
    timestamp_ms_hi_inclusive bigint NOT NULL CHECK (timestamp_ms_hi_inclusive >= 0),
    updated_at                timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE watermarks IS 'Committed progress of each ingestion pipeline, written in the same transaction as its data.';
COMMENT ON COLUMN watermarks.pipeline IS 'Pipeline name (walrus).';
COMMENT ON COLUMN watermarks.checkpoint_hi_inclusive IS 'Last Sui checkpoint whose data is committed; ingestion resumes at the next one.';
COMMENT ON COLUMN watermarks.epoch_hi_inclusive IS 'Sui epoch of that checkpoint.';
COMMENT ON COLUMN watermarks.timestamp_ms_hi_inclusive IS 'Timestamp (ms since the Unix epoch) of that checkpoint.';
COMMENT ON COLUMN watermarks.updated_at IS 'Database time of the commit.';

---- create above / drop below ----

DROP TABLE watermarks;
