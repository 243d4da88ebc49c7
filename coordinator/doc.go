// Package coordinator will implement the Walrus publisher and aggregator: the
// store flow (encode, pay WAL, register, send slivers to the storage nodes,
// collect confirmations, aggregate them, certify) and the read flow (fetch
// metadata and slivers, verify them, decode), the Walrus-compatible HTTP API,
// and the client used by the tusk CLI. It talks to the chain and to the
// storage nodes.
//
// Nothing is implemented here yet.
package coordinator
