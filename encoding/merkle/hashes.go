package merkle

import (
	"unsafe"

	"github.com/tuskstore/tusk/internal/blake2bx"
)

// raw views a []Digest as [][32]byte (same memory layout).
func raw(d []Digest) [][DigestSize]byte {
	return unsafe.Slice((*[DigestSize]byte)(unsafe.Pointer(unsafe.SliceData(d))), len(d))
}

// LeafHashes sets dst[i] = LeafHash(data[i*size : (i+1)*size]) for every i
// in [0, len(dst)), hashing eight (or four) leaves at a time. It panics if data holds
// fewer than len(dst)*size bytes.
func LeafHashes(dst []Digest, data []byte, size int) {
	blake2bx.SumManyStrided(raw(dst), leafPrefix, data, size, size)
}

// LeafHashesStrided sets dst[i] = LeafHash(data[i*stride : i*stride+size])
// for every i in [0, len(dst)). Slice data to begin at the first leaf. For
// an r×c matrix of s-byte symbols stored row-major in m, column j is
// LeafHashesStrided(dst[:r], m[j*s:], s, c*s) and row i is
// LeafHashes(dst[:c], m[i*c*s:], s). It panics if the last leaf does not fit.
func LeafHashesStrided(dst []Digest, data []byte, size, stride int) {
	blake2bx.SumManyStrided(raw(dst), leafPrefix, data, size, stride)
}

// LeafHashesFunc sets dst[i] = LeafHash(leaf(i)) for every i in
// [0, len(dst)); leaf is called once per index in increasing order. Use it
// for leaves that are not evenly spaced in one buffer, e.g. column j of a
// matrix kept as separate rows: leaf(i) = rows[i][j*s : (j+1)*s]. Groups
// of leaves of equal length are hashed together.
func LeafHashesFunc(dst []Digest, leaf func(i int) []byte) {
	blake2bx.SumMany(raw(dst), leafPrefix, leaf)
}

// LeafHasher8 computes eight leaf hashes from leaves written piece by piece, all eight
// in lock step, e.g. while the pieces are produced: Reset, then Write pieces of equal
// length to the eight lanes, then Sum. The zero value needs a Reset.
type LeafHasher8 struct{ h blake2bx.Hasher8 }

// Reset starts eight empty leaves.
func (l *LeafHasher8) Reset() {
	l.h.Reset()
	l.h.WriteByteAll(leafPrefix)
}

// Write appends p[i] to leaf i. The eight pieces should have the same length
// (otherwise the lanes are hashed one at a time).
func (l *LeafHasher8) Write(p *[8][]byte) { l.h.Write(p) }

// Sum writes the leaf hashes of the eight leaves.
func (l *LeafHasher8) Sum(out *[8]Digest) {
	l.h.Sum((*[8][DigestSize]byte)(unsafe.Pointer(out)))
}
