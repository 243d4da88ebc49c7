// Package api holds the wire forms of the Walrus storage-node REST API, shared by the
// node's server (node/rest) and its client (node/client): the endpoint paths, the JSON
// success and error envelopes with Walrus's reason codes, the JSON types (blob status,
// stored-on-node status, health), the query parameters of every endpoint with their
// parsers, and the BCS forms that are not in package encoding (the decoding-symbol map,
// the sync-shard response) with the sync-shard Authorization header.
//
// Reference: crates/walrus-service/src/node/server/routes.rs (paths, queries),
// crates/walrus-service/src/common/api.rs (success envelope),
// crates/walrus-storage-node-client/src/api.rs and api/errors.rs (JSON types, error
// envelope), crates/walrus-service/src/node/errors.rs (reasons and status codes).
//
// It does no I/O. Parsers never panic on hostile input; their errors are *Error values
// ready to be sent back to the client.
package api
