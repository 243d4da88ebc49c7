// Package e2e is the end-to-end fault suite: its tests build the tusk binary once and run
// a whole Walrus network as real processes on loopback — `tusk devnet --external-nodes`,
// one `tusk node run` per storage node, `tusk daemon` (publisher and aggregator) and
// `tusk indexer run` on Postgres — then kill them with SIGKILL at awkward moments, feed
// them bad input and check that nothing acknowledged is lost, that reads stay
// byte-identical and that bad input changes nothing.
//
// The package holds tests only; run them with `go test ./e2e`. They need what `make
// test` needs: Go and PostgreSQL (see internal/pgtest).
package e2e
