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
// Epoch change and shard migration (POST /v1/migrate/sync_shard), node recovery,
// event blobs and the epoch-driver calls are later work: a committee change is picked
// up at the epoch-change events (the node's shards and epoch follow it), but shards are
// not moved.
//
// Packages: node/api (wire types, reasons, queries), node/rest (HTTP routing and
// server), node/client (the Go client other nodes, the publisher and the aggregator
// use), node/store (pebble), node/blobinfo (per-blob state from events),
// node/events (the event stream and its checkpoint-based source), node/nodetls (TLS
// identity and key pinning).
package node
