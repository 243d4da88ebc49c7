// Package coordinator is tusk's publisher and aggregator: the client of the storage
// network that dApps, the HTTP API and the tusk CLI use. Client puts together the store
// flow (package store), the read flow (package read), the committees they talk to
// (package committees, nodes) and the chain calls on owned blobs (delete, extend, burn,
// attributes), and adds quilts (several small blobs in one) and reads by Blob object ID.
// The Walrus-compatible HTTP API is in package httpapi.
package coordinator
