// Package merkle implements the Walrus Merkle tree over BLAKE2b-256,
// byte-compatible with the Rust reference (walrus-core/src/merkle.rs).
//
//   - A leaf hash is H(0x00 || leaf), an inner node H(0x01 || left || right).
//   - Levels are built bottom up. A level with an odd number of nodes is
//     padded with one Empty node (32 zero bytes) before pairing; there is no
//     padding to a power of two.
//   - The root of zero leaves is 32 zero bytes, of one leaf its leaf hash.
//   - A proof is the list of siblings from the leaf to the root; siblings
//     that are padding are Node Empty, all others Node Digest.
//
// The batch functions (LeafHashes*, Roots*) hash eight messages at a time
// with internal/blake2bx and are the intended hot path of blob encoding.
package merkle

import (
	"encoding/hex"
	"math/bits"

	"github.com/tuskstore/tusk/internal/blake2bx"
)

// DigestSize is the size of a node hash in bytes.
const DigestSize = 32

const (
	leafPrefix  = 0x00
	innerPrefix = 0x01
)

// Digest is a BLAKE2b-256 hash of a leaf or inner node.
type Digest [DigestSize]byte

// String returns the lowercase hex encoding of d.
func (d Digest) String() string { return hex.EncodeToString(d[:]) }

// IsZero reports whether d is 32 zero bytes (the value of an Empty node).
func (d Digest) IsZero() bool { return d == Digest{} }

// zeroDigest is the byte value of an Empty node; it is never written.
var zeroDigest Digest

// LeafHash returns H(0x00 || leaf).
func LeafHash(leaf []byte) Digest {
	return blake2bx.Sum256Prefixed(leafPrefix, leaf)
}

// InnerHash returns H(0x01 || left || right).
func InnerHash(left, right Digest) Digest {
	return blake2bx.SumPair(innerPrefix, (*[DigestSize]byte)(&left), (*[DigestSize]byte)(&right))
}

// PathLength returns the number of siblings in a proof for a tree of n
// leaves: 0 for n <= 1, otherwise floor(log2(n-1)) + 1.
func PathLength(n int) int {
	if n <= 1 {
		return 0
	}
	return bits.Len(uint(n - 1))
}

// NodeCount returns the number of nodes of a tree of n leaves including the
// Empty padding nodes, as stored by the reference implementation.
func NodeCount(n int) int {
	if n <= 0 {
		return 0
	}
	total := 0
	for n > 1 {
		n += n & 1
		total += n
		n /= 2
	}
	return total + n
}

// MaxPathLength is the longest path of any tree whose leaf count fits in
// 64 bits. Longer proofs are rejected when decoding.
const MaxPathLength = 64
