// Package node will implement the Walrus storage node: the storage-node REST
// API, the sliver and metadata store (pebble), BLS12-381 confirmations, the
// event follower, blob sync and recovery, epoch change and shard sync, garbage
// collection, epoch-driver calls and scheduled reward collection. A node
// confirms only what it has durably stored. It talks to the chain, to the
// indexer's event feed and to other nodes.
//
// Nothing is implemented here yet.
package node
