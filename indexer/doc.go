// Package indexer will ingest Sui checkpoints over gRPC into Postgres (pgx v5,
// parameterised SQL only), committing data and watermark in one transaction so
// its tables never have a gap or a duplicate. It will derive tables of blobs,
// events, epochs, committees, nodes, stake and rewards, serve the explorer
// REST API, and provide the ordered event feed that storage nodes consume.
//
// Nothing is implemented here yet.
package indexer
