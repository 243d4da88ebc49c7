// Package fakenode (test support) is an in-memory storage node for the coordinator's tests: it stores
// metadata and slivers, signs storage confirmations with a real BLS key, answers blob
// status, and can be told to misbehave (be down, hang, serve corrupt data, sign wrongly,
// or answer NOT_REGISTERED for a while). It implements nodes.Node.
package fakenode

import (
	"context"
	"errors"
	"fmt"

	"sync"
	"sync/atomic"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/chain/keys"
	"github.com/tuskstore/tusk/chain/messages"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/coordinator/nodes"
	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/node/api"
)

// Behaviour selects how a fake node misbehaves.
type Behaviour int

const (
	Honest Behaviour = iota
	// Down fails every request with a transport error.
	Down
	// Hang blocks every request until its context ends.
	Hang
	// CorruptSlivers serves slivers with flipped bytes.
	CorruptSlivers
	// CorruptMetadata serves metadata with a wrong hash.
	CorruptMetadata
	// BadSignature signs confirmations with another key.
	BadSignature
	// WrongMessage signs a confirmation for another blob ID.
	WrongMessage
)

// ErrDown is the transport error of a Down node.
var ErrDown = errors.New("fakenode: connection refused")

type key struct {
	id   encoding.BlobID
	pair uint16
	axis encoding.Axis
}

// Node is one fake storage node.
type Node struct {
	member chain.CommitteeMember
	bls    *keys.BLSKey
	epoch  uint32
	params encoding.Params

	mu          sync.Mutex
	behaviour   Behaviour
	notRegUntil int // answer NOT_REGISTERED to the first N uploads
	metadata    map[encoding.BlobID]encoding.Metadata
	slivers     map[key]encoding.Sliver
	status      map[encoding.BlobID]api.BlobStatus

	// Counters of requests served, for tests.
	SliverPuts, SliverGets, MetadataGets, Confirmations atomic.Int64
}

// SetBehaviour changes how the node behaves from now on.
func (n *Node) SetBehaviour(b Behaviour) {
	n.mu.Lock()
	n.behaviour = b
	n.mu.Unlock()
}

// NotRegisteredFor makes the next count uploads fail with NOT_REGISTERED (as a node that
// has not yet seen the registration event).
func (n *Node) NotRegisteredFor(count int) {
	n.mu.Lock()
	n.notRegUntil = count
	n.mu.Unlock()
}

// Member is the committee member the node plays.
func (n *Node) Member() *chain.CommitteeMember { return &n.member }

// HasSlivers reports how many slivers of the blob the node stores.
func (n *Node) HasSlivers(id encoding.BlobID) int {
	n.mu.Lock()
	defer n.mu.Unlock()
	c := 0
	for k := range n.slivers {
		if k.id == id {
			c++
		}
	}
	return c
}

func (n *Node) enter(ctx context.Context) (Behaviour, error) {
	n.mu.Lock()
	b := n.behaviour
	n.mu.Unlock()
	switch b {
	case Down:
		return b, ErrDown
	case Hang:
		<-ctx.Done()
		return b, ctx.Err()
	}
	return b, ctx.Err()
}

func notFound(reason, what string) error {
	return api.NewError(api.StatusNotFound, reason, "%s not found", what)
}

func (n *Node) checkRegistered() error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.notRegUntil > 0 {
		n.notRegUntil--
		return api.NewError(api.StatusFailedPrecondition, api.ReasonNotRegistered, "blob not registered")
	}
	return nil
}

// PutMetadata implements nodes.Node.
func (n *Node) PutMetadata(ctx context.Context, id encoding.BlobID, m *encoding.Metadata) error {
	if _, err := n.enter(ctx); err != nil {
		return err
	}
	if err := n.checkRegistered(); err != nil {
		return err
	}
	if _, err := encoding.VerifyMetadata(n.params, id, *m); err != nil {
		return api.NewError(api.StatusInvalidArgument, api.ReasonInvalidMetadata, "%v", err)
	}
	n.mu.Lock()
	n.metadata[id] = *m
	n.mu.Unlock()
	return nil
}

// PutSliver implements nodes.Node.
func (n *Node) PutSliver(ctx context.Context, id encoding.BlobID, pair uint16, s *encoding.Sliver) error {
	if _, err := n.enter(ctx); err != nil {
		return err
	}
	if err := n.checkRegistered(); err != nil {
		return err
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	m, ok := n.metadata[id]
	if !ok {
		return notFound(api.ReasonMetadataNotFound, "metadata")
	}
	vm, err := encoding.VerifyMetadata(n.params, id, m)
	if err != nil {
		return err
	}
	codec, err := encoding.NewCodec(n.params.NShards)
	if err != nil {
		return err
	}
	if int(pair) != n.params.PairOfSliver(s.Axis, int(s.Index)) {
		return api.NewError(api.StatusInvalidArgument, api.ReasonSliverIndexMismatch, "sliver index mismatch")
	}
	if err := codec.VerifySliver(vm, *s); err != nil {
		return api.NewError(api.StatusInvalidArgument, api.ReasonInvalidSliver, "%v", err)
	}
	n.SliverPuts.Add(1)
	cp := *s
	cp.Data = append([]byte(nil), s.Data...)
	n.slivers[key{id, pair, s.Axis}] = cp
	return nil
}

// Confirmation implements nodes.Node: it signs once the node stores both slivers of
// every pair of its shards.
func (n *Node) Confirmation(ctx context.Context, id encoding.BlobID, p messages.BlobPersistence) (*messages.SignedMessage, error) {
	b, err := n.enter(ctx)
	if err != nil {
		return nil, err
	}
	n.mu.Lock()
	for _, s := range n.member.Shards {
		pair := uint16(n.params.PairForShard(id, int(s)))
		for _, a := range []encoding.Axis{encoding.Primary, encoding.Secondary} {
			if _, ok := n.slivers[key{id, pair, a}]; !ok {
				n.mu.Unlock()
				return nil, api.NewError(api.StatusFailedPrecondition, api.ReasonMissingSlivers, "missing sliver %d/%s", pair, a)
			}
		}
	}
	epoch := n.epoch
	n.mu.Unlock()
	n.Confirmations.Add(1)
	conf := messages.StorageConfirmation{BlobID: id, Persistence: p}
	signer := n.bls
	switch b {
	case BadSignature:
		signer, _ = keys.GenerateBLSKey()
	case WrongMessage:
		conf.BlobID[0] ^= 1
	}
	sm := messages.Sign(signer, messages.NewStorageConfirmationMessage(epoch, conf))
	return &sm, nil
}

// Metadata implements nodes.Node.
func (n *Node) Metadata(ctx context.Context, id encoding.BlobID) (*encoding.MetadataWithID, error) {
	b, err := n.enter(ctx)
	if err != nil {
		return nil, err
	}
	n.MetadataGets.Add(1)
	n.mu.Lock()
	m, ok := n.metadata[id]
	n.mu.Unlock()
	if !ok {
		return nil, notFound(api.ReasonMetadataNotFound, "metadata")
	}
	out := &encoding.MetadataWithID{BlobID: id, Metadata: m}
	out.Metadata.Hashes = append([]encoding.SliverPairMetadata(nil), m.Hashes...)
	if b == CorruptMetadata {
		out.Metadata.Hashes[0].PrimaryHash.Digest[0] ^= 0xff
		out.Metadata.Hashes[0].PrimaryHash.Empty = false
	}
	return out, nil
}

// Sliver implements nodes.Node.
func (n *Node) Sliver(ctx context.Context, id encoding.BlobID, pair uint16, axis encoding.Axis) (*encoding.Sliver, error) {
	b, err := n.enter(ctx)
	if err != nil {
		return nil, err
	}
	n.SliverGets.Add(1)
	n.mu.Lock()
	s, ok := n.slivers[key{id, pair, axis}]
	n.mu.Unlock()
	if !ok {
		return nil, notFound(api.ReasonSliverNotFound, "sliver")
	}
	cp := s
	cp.Data = append([]byte(nil), s.Data...)
	if b == CorruptSlivers && len(cp.Data) > 0 {
		for i := range cp.Data {
			cp.Data[i] ^= 0x5a
		}
	}
	return &cp, nil
}

// BlobStatus implements nodes.Node.
func (n *Node) BlobStatus(ctx context.Context, id encoding.BlobID) (api.BlobStatus, error) {
	if _, err := n.enter(ctx); err != nil {
		return api.BlobStatus{}, err
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.status[id], nil
}

// Cluster is the fake nodes of one committee.
type Cluster struct {
	Nodes []*Node
	byID  map[walrus.ID]*Node
}

// NewCluster makes one honest node per member of com, signing with the key keyOf returns
// for the member's public key.
func NewCluster(com *chain.Committee, keyOf func(pub [keys.BLSPublicKeySize]byte) *keys.BLSKey) (*Cluster, error) {
	p, err := encoding.NewParams(int(com.NShards))
	if err != nil {
		return nil, err
	}
	c := &Cluster{byID: map[walrus.ID]*Node{}}
	for _, m := range com.Members {
		k := keyOf(m.PublicKey)
		if k == nil {
			return nil, fmt.Errorf("fakenode: no key for node %s", m.Name)
		}
		n := &Node{member: m, bls: k, epoch: com.Epoch, params: p,
			metadata: map[encoding.BlobID]encoding.Metadata{}, slivers: map[key]encoding.Sliver{},
			status: map[encoding.BlobID]api.BlobStatus{}}
		c.Nodes = append(c.Nodes, n)
		c.byID[m.NodeID] = n
	}
	return c, nil
}

// Dialer returns a dialer that connects members to their fake nodes.
func (c *Cluster) Dialer() nodes.Dialer {
	return nodes.DialFunc(func(m *chain.CommitteeMember) (nodes.Node, error) {
		n, ok := c.byID[m.NodeID]
		if !ok {
			return nil, fmt.Errorf("fakenode: no node %s", m.NodeID)
		}
		return n, nil
	})
}

// SetStatus makes every node report st for the blob.
func (c *Cluster) SetStatus(id encoding.BlobID, st api.BlobStatus) {
	for _, n := range c.Nodes {
		n.mu.Lock()
		n.status[id] = st
		n.mu.Unlock()
	}
}

// Follow moves the nodes into com, the committee of a new epoch: each member's node
// signs for com's epoch from now on and holds the shards com gives it (the slivers it
// stored stay). Nodes not in com are left as they are.
func (c *Cluster) Follow(com *chain.Committee) {
	for _, m := range com.Members {
		if n, ok := c.byID[m.NodeID]; ok {
			n.mu.Lock()
			n.member, n.epoch = m, com.Epoch
			n.mu.Unlock()
		}
	}
}

// Weight is the number of shards of node i.
func (c *Cluster) Weight(i int) int { return len(c.Nodes[i].member.Shards) }

var _ nodes.Node = (*Node)(nil)
