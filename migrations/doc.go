// Package migrations holds tusk's Postgres schema as numbered SQL migration files
// (NNN_name.sql, an up part and, after the line "---- create above / drop below ----",
// a down part), embedded into the binary and applied with tern: by `tusk migrate`, and by
// the indexer at start-up when its configuration asks for it.
//
// Migrate brings a database to the latest version; it holds a Postgres advisory lock
// while it runs, so processes starting together apply each migration once. Check tells a
// process that does not migrate whether the schema it finds is the one it was built for.
package migrations
