package merkle

import "github.com/tuskstore/tusk/internal/bcs"

// Node is a sibling in a Merkle proof. It mirrors the reference enum
// Node { Empty, Digest([u8; 32]) }, whose BCS encoding is the variant tag
// (0 or 1) followed, for Digest, by the 32 hash bytes. An Empty node stands
// for a padding position and hashes as 32 zero bytes. When Empty is set,
// Digest is ignored.
//
// Node and Proof are encoded with the project's BCS codec (internal/bcs).
type Node struct {
	Empty  bool
	Digest Digest
}

// EmptyNode returns the Empty node.
func EmptyNode() Node { return Node{Empty: true} }

// DigestNode returns the node holding d.
func DigestNode(d Digest) Node { return Node{Digest: d} }

// Bytes returns the value the node contributes to hashes: the digest, or
// 32 zero bytes for Empty.
func (n Node) Bytes() Digest {
	if n.Empty {
		return Digest{}
	}
	return n.Digest
}

// String returns "Empty" or the hex digest.
func (n Node) String() string {
	if n.Empty {
		return "Empty"
	}
	return n.Digest.String()
}

const (
	tagEmpty  = 0
	tagDigest = 1
)

// MarshalBCS writes the variant tag, then the digest for a Digest node.
func (n Node) MarshalBCS(e *bcs.Encoder) {
	if n.Empty {
		e.ULEB128(tagEmpty)
		return
	}
	e.ULEB128(tagDigest)
	e.Fixed(n.Digest[:])
}

// UnmarshalBCS reads a node; a tag other than 0 or 1 is an error.
func (n *Node) UnmarshalBCS(d *bcs.Decoder) {
	switch d.Tag(2) {
	case tagEmpty:
		*n = EmptyNode()
	case tagDigest:
		var dg Digest
		d.FixedInto(dg[:])
		*n = DigestNode(dg)
	}
}

// MarshalBCS writes the proof as vector<Node>.
func (p Proof) MarshalBCS(e *bcs.Encoder) {
	e.ULEB128(uint64(len(p)))
	for _, n := range p {
		n.MarshalBCS(e)
	}
}

// UnmarshalBCS reads a proof; proofs longer than MaxPathLength are rejected (no tree
// this package builds is that deep, so such a proof could never verify).
func (p *Proof) UnmarshalBCS(d *bcs.Decoder) {
	length := d.Len(1)
	if length > MaxPathLength {
		d.Failf("proof length %d exceeds %d", length, MaxPathLength)
		return
	}
	out := make(Proof, length)
	for i := range out {
		out[i].UnmarshalBCS(d)
	}
	if d.Err() == nil {
		*p = out
	}
}
