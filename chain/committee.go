package chain

import (
	"github.com/tuskstore/tusk/chain/keys"
	"github.com/tuskstore/tusk/chain/messages"
	"github.com/tuskstore/tusk/chain/walrus"
)

// CommitteeMember is one storage node of an epoch's committee, with what clients and
// other nodes need to reach it and check its signatures.
type CommitteeMember struct {
	NodeID walrus.ID
	Name   string
	// NetworkAddress is host:port of its storage-node REST API.
	NetworkAddress string
	// PublicKey is its BLS12-381 min-pk public key (compressed G1; Move keeps it uncompressed).
	PublicKey [keys.BLSPublicKeySize]byte
	// NetworkPublicKey is its TLS key (33-byte compressed P-256 point).
	NetworkPublicKey []byte
	// Shards are the shard indices it holds, ascending.
	Shards []uint16
}

// Weight is the member's number of shards.
func (m *CommitteeMember) Weight() int { return len(m.Shards) }

// Committee is an epoch's committee: members sorted by node ID (the on-chain BlsCommittee
// order, whose index is the signer index in certificates).
type Committee struct {
	Epoch   uint32
	NShards uint16
	Members []CommitteeMember
}

// ShardOwner returns the index in Members of the member holding shard s.
func (c *Committee) ShardOwner(s uint16) (int, bool) {
	for i := range c.Members {
		for _, t := range c.Members[i].Shards {
			if t == s {
				return i, true
			}
		}
	}
	return -1, false
}

// Member returns the member with the given node ID.
func (c *Committee) Member(nodeID walrus.ID) (*CommitteeMember, bool) {
	for i := range c.Members {
		if c.Members[i].NodeID == nodeID {
			return &c.Members[i], true
		}
	}
	return nil, false
}

// Signing returns the committee in the form certificates are checked against.
func (c *Committee) Signing() *messages.Committee {
	sc := &messages.Committee{Epoch: c.Epoch, NShards: c.NShards, Members: make([]messages.Member, len(c.Members))}
	for i, m := range c.Members {
		sc.Members[i] = messages.Member{NodeID: m.NodeID, PublicKey: m.PublicKey, Weight: uint16(len(m.Shards))}
	}
	return sc
}
