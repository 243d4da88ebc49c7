// Package node is the Walrus storage node: it serves the storage-node REST API
// (node/rest) on a pebble store (node/store), follows the chain's Walrus events
// (node/events) with a durable cursor, signs storage confirmations and invalid-blob
// attestations with its BLS key, buffers uploads made before a blob's registration,
// recovers the slivers of certified blobs it lacks from the other committee members
// (blob sync), and deletes the data of deleted, invalid and expired blobs.
//
// A node confirms only what is durably stored: a confirmation is signed after every
// sliver of every shard it holds for the blob has been read back from the store, whose
// writes are all fsynced, so that killing the process at any moment loses no confirmed
// sliver. The state changes of one event and the cursor that records it are one atomic
// write.
//
// Epoch change and shard migration: at EpochChangeStart(e) the node takes the committee
// of e as its view and, in the same write as the event cursor, records its shard
// changes against the previous committee (epochchange.go, shards.go). A gained shard is
// transferred from its previous owner with POST /v1/migrate/sync_shard, primary then
// secondary slivers, in batches verified against the blobs' metadata and stored with a
// durable per-axis cursor, so that a restart resumes where it stopped; blobs the owner
// does not return, and the whole shard when the owner keeps failing, are recovered by
// blob sync from the other nodes (shardsync.go). A lost shard becomes read-only: reads,
// recovery symbols and sync_shard keep serving it, uploads are refused, and it is deleted
// at the following epoch change. Once every owned shard is ready the node submits
// epoch_sync_done(e) through its ChainWriter, once (epochsync.go). The node serves
// sync_shard to the new owners of the shards it held (shardserve.go). Node recovery (a
// node far behind, or new with an empty store, takes its current shards as complete),
// event blobs and the other epoch-driver calls are later work.
//
// Packages: node/api (wire types, reasons, queries), node/rest (HTTP routing and
// server), node/client (the Go client other nodes, the publisher and the aggregator
// use), node/store (pebble), node/blobinfo (per-blob state from events),
// node/events (the event stream and its checkpoint-based source), node/nodetls (TLS
// identity and key pinning).
package node
