// Package encoding is Walrus RS2 ("Red Stuff"), byte-identical to the reference
// implementation: parameters, the two-dimensional erasure code, slivers, BLAKE2b-256
// Merkle commitments, blob metadata and blob IDs, their BCS wire forms, verification,
// decoding, recovery of single slivers and inconsistency proofs. It does no I/O.
//
// The expanded matrix of a blob has n rows and n columns of symbols. Rows 0..n-2f-1 hold
// the blob row-major; each of them is extended by the secondary code (n-f → n), then
// every column by the primary code (n-2f → n). Primary sliver i is row i cut to n-f
// symbols, secondary sliver j is column j cut to n-2f symbols, and sliver pair p holds
// primary sliver p and secondary sliver n-1-p.
package encoding
