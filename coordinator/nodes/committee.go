package nodes

import (
	"bytes"
	"fmt"
	"sync"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/chain/messages"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/encoding"
)

// Member is one node of a committee with its connection.
type Member struct {
	chain.CommitteeMember
	// Index is the member's position in the committee (its signer index).
	Index int
	Node  Node
}

// Label names the member in logs and errors.
func (m *Member) Label() string {
	if m.Name != "" {
		return m.Name
	}
	return m.NetworkAddress
}

// Committee is a committee whose members are connected, with the shard → member map and
// the BFT thresholds of its shard count.
type Committee struct {
	Epoch   uint32
	Params  encoding.Params
	Members []Member
	owner   []int // shard → member index
	signing *messages.Committee
}

// NewCommittee connects the members of com with d. A member that cannot be dialled gets
// a Node whose requests all fail with ErrUnreachable, so that the flows treat it as down.
func NewCommittee(com *chain.Committee, d Dialer) (*Committee, error) {
	p, err := encoding.NewParams(int(com.NShards))
	if err != nil {
		return nil, fmt.Errorf("committee of epoch %d: %w", com.Epoch, err)
	}
	c := &Committee{Epoch: com.Epoch, Params: p, Members: make([]Member, len(com.Members)), owner: make([]int, com.NShards)}
	for i := range c.owner {
		c.owner[i] = -1
	}
	for i := range com.Members {
		m := &com.Members[i]
		n, err := d.Dial(m)
		if err != nil {
			n = unreachable{fmt.Errorf("%w: %s (%s): %v", ErrUnreachable, m.Name, m.NetworkAddress, err)}
		}
		c.Members[i] = Member{CommitteeMember: *m, Index: i, Node: n}
		for _, s := range m.Shards {
			if int(s) >= len(c.owner) || c.owner[s] >= 0 {
				return nil, fmt.Errorf("committee of epoch %d: shard %d is out of range or held twice", com.Epoch, s)
			}
			c.owner[s] = i
		}
	}
	for s, o := range c.owner {
		if o < 0 {
			return nil, fmt.Errorf("committee of epoch %d: shard %d has no node", com.Epoch, s)
		}
	}
	c.signing = com.Signing()
	return c, nil
}

// NShards is the committee's shard count.
func (c *Committee) NShards() int { return c.Params.NShards }

// OwnerOfShard is the index of the member holding shard s.
func (c *Committee) OwnerOfShard(s int) int { return c.owner[s] }

// OwnerOfPair is the index of the member holding the shard that stores pair p of blob id.
func (c *Committee) OwnerOfPair(id encoding.BlobID, p int) int {
	return c.owner[c.Params.ShardForPair(id, p)]
}

// PairsOf lists the sliver pairs of blob id that member i stores (one per shard it holds).
func (c *Committee) PairsOf(id encoding.BlobID, i int) []uint16 {
	shards := c.Members[i].Shards
	out := make([]uint16, len(shards))
	for k, s := range shards {
		out[k] = uint16(c.Params.PairForShard(id, int(s)))
	}
	return out
}

// Weight is member i's number of shards.
func (c *Committee) Weight(i int) int { return len(c.Members[i].Shards) }

// IsQuorum reports weight > 2f.
func (c *Committee) IsQuorum(weight int) bool { return c.Params.IsQuorum(weight) }

// IsValidity reports weight ≥ f+1: at least one honest node is among them.
func (c *Committee) IsValidity(weight int) bool { return weight >= c.Params.F+1 }

// MinCorrect is n-f, the weight a certificate is built from.
func (c *Committee) MinCorrect() int { return c.Params.MinCorrect() }

// Signing is the committee in the form certificates are checked against.
func (c *Committee) Signing() *messages.Committee { return c.signing }

// Pool keeps one Node per storage node across committees, so that connections are
// reused from one request (and one epoch) to the next. It is safe for concurrent use.
type Pool struct {
	dialer Dialer
	mu     sync.Mutex
	nodes  map[walrus.ID]pooled
}

type pooled struct {
	addr string
	key  []byte
	node Node
}

// NewPool returns a pool dialling with d.
func NewPool(d Dialer) *Pool { return &Pool{dialer: d, nodes: map[walrus.ID]pooled{}} }

// Dial returns the pooled Node of m, dialling it again when its address or network key
// changed.
func (p *Pool) Dial(m *chain.CommitteeMember) (Node, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if e, ok := p.nodes[m.NodeID]; ok && e.addr == m.NetworkAddress && bytes.Equal(e.key, m.NetworkPublicKey) {
		return e.node, nil
	}
	n, err := p.dialer.Dial(m)
	if err != nil {
		return nil, err
	}
	p.nodes[m.NodeID] = pooled{addr: m.NetworkAddress, key: append([]byte(nil), m.NetworkPublicKey...), node: n}
	return n, nil
}
