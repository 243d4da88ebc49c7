// Package indexer ingests Sui checkpoints into Postgres and serves what it derives:
// the explorer REST API and the ordered event feed that storage nodes consume.
//
// Ingestion is one sequential pipeline ("walrus", package ingest): checkpoints from a
// CheckpointSource (chain.Client, or anything with its Checkpoints method) are turned
// into rows by package extract (Walrus events by original package ID, Blob objects and
// their owners, deletions and wraps, attributes, System and Staking inner states, staking
// pools, rewards derived at each epoch change) and written by package store, each batch
// together with the pipeline's watermark in one transaction. The tables therefore never
// have a gap or a duplicate, whatever moment the process is killed, and ingestion
// resumes after the watermark on restart.
//
// A new database (no watermark yet) is first seeded, given a StateSource (Deps.State,
// chain.Client), with the current Walrus state: the epoch, its committee, the nodes and
// their stake, which objects that exist from genesis and were never written by a
// transaction would otherwise not show. The seed is written at SnapshotVersion, below
// any version a transaction writes, so it only fills rows: every object write ingestion
// meets replaces it, and seeding again changes nothing.
//
// The HTTP server (Config.Listen) serves
//
//	/v1/...      the explorer API (package api)
//	/v1/feed     the event feed, server-sent events (package feed, with its Go client)
//	/metrics     Prometheus metrics (tusk_indexer_*)
//	/healthz     200 when the database answers
//
// The schema is in package migrations.
package indexer
