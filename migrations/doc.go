// Package migrations will hold tusk's Postgres schema as SQL migration files,
// embedded into the binary and applied with tern (tusk migrate, and the
// indexer at start-up).
//
// There are no migrations yet; once the first .sql file lands, an embed.go
// with //go:embed *.sql exposes them.
package migrations
