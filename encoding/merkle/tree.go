package merkle

import "fmt"

// Tree is a Merkle tree that keeps all nodes, to produce proofs. Nodes are
// stored level by level starting with the leaves, each non-root level padded
// to even length with a zero (Empty) node, as in the reference.
type Tree struct {
	nodes   []Digest
	nLeaves int
}

// NewTree builds the tree over the given leaf hashes (which are copied).
func NewTree(leaves []Digest) *Tree {
	n := len(leaves)
	t := &Tree{nodes: make([]Digest, NodeCount(n)), nLeaves: n}
	copy(t.nodes, leaves)
	var pb pairBatcher
	base, c := 0, n
	for c > 1 {
		c += c & 1 // the padding node is already zero
		parents := base + c
		for j := 0; j < c/2; j++ {
			pb.add(&t.nodes[base+2*j], &t.nodes[base+2*j+1], &t.nodes[parents+j])
		}
		pb.flush()
		base, c = parents, c/2
	}
	return t
}

// BuildTree hashes the leaf data and builds the tree over it.
func BuildTree(leaves [][]byte) *Tree {
	h := make([]Digest, len(leaves))
	LeafHashesFunc(h, func(i int) []byte { return leaves[i] })
	return NewTree(h)
}

// LeafCount returns the number of leaves.
func (t *Tree) LeafCount() int { return t.nLeaves }

// Root returns the root: 32 zero bytes for zero leaves, the leaf hash for
// one leaf.
func (t *Tree) Root() Digest {
	if len(t.nodes) == 0 {
		return Digest{}
	}
	return t.nodes[len(t.nodes)-1]
}

// RootNode returns the root as the reference represents it: Empty for a
// tree without leaves.
func (t *Tree) RootNode() Node {
	if len(t.nodes) == 0 {
		return EmptyNode()
	}
	return DigestNode(t.Root())
}

// LeafHash returns the hash of leaf i.
func (t *Tree) LeafHash(i int) Digest { return t.nodes[i] }

// Proof returns the siblings on the path from leaf i to the root. It fails
// with ErrIndexOutOfRange if i is not a leaf index.
func (t *Tree) Proof(i int) (Proof, error) {
	if i < 0 || i >= t.nLeaves {
		return nil, fmt.Errorf("%w: %d not in [0, %d)", ErrIndexOutOfRange, i, t.nLeaves)
	}
	p := make(Proof, 0, PathLength(t.nLeaves))
	idx, base, c := i, 0, t.nLeaves
	for c > 1 {
		s := idx ^ 1
		if s < c {
			p = append(p, DigestNode(t.nodes[base+s]))
		} else {
			p = append(p, EmptyNode())
		}
		padded := c + c&1
		idx >>= 1
		base += padded
		c = padded / 2
	}
	return p, nil
}

// Proof is a Merkle proof: the sibling nodes from a leaf up to the root.
// Its BCS encoding is that of the reference MerkleProof: vector<Node>.
type Proof []Node

// ComputeRoot recomputes the root from a leaf hash at position index. It
// fails (ErrIndexOutOfRange, ErrProofInvalid) if index >= 2^len(p).
func (p Proof) ComputeRoot(leafHash Digest, index int) (Digest, error) {
	if index < 0 || index>>len(p) != 0 {
		return Digest{}, errVerifyIndex
	}
	cur := leafHash
	for _, s := range p {
		if index&1 == 0 {
			cur = InnerHash(cur, s.Bytes())
		} else {
			cur = InnerHash(s.Bytes(), cur)
		}
		index >>= 1
	}
	return cur, nil
}

// Verify checks that the leaf with hash leafHash is at position index of
// the tree with the given root. All failures match ErrProofInvalid.
func (p Proof) Verify(root, leafHash Digest, index int) error {
	got, err := p.ComputeRoot(leafHash, index)
	if err != nil {
		return err
	}
	if got != root {
		return ErrRootMismatch
	}
	return nil
}

// VerifyLeafCount is Verify for a tree known to have leafCount leaves, as
// the reference's verify_proof: the proof must not be longer than
// PathLength(leafCount) (ErrPathTooLong) and index must be below leafCount.
func (p Proof) VerifyLeafCount(root Digest, leafCount int, leafHash Digest, index int) error {
	if len(p) > PathLength(leafCount) {
		return ErrPathTooLong
	}
	if index >= leafCount {
		return errVerifyIndex
	}
	return p.Verify(root, leafHash, index)
}
