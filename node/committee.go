package node

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/chain/keys"
	"github.com/tuskstore/tusk/chain/messages"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/node/api"
	"github.com/tuskstore/tusk/node/client"
)

// CommitteeSource gives the committees (chain.Client has both methods).
type CommitteeSource interface {
	// Committee is the current committee.
	Committee(ctx context.Context) (*chain.Committee, error)
	// PreviousCommittee is the committee of the epoch before the current one: where a
	// shard gained at an epoch change comes from.
	PreviousCommittee(ctx context.Context) (*chain.Committee, error)
}

// Peer is what blob sync and shard sync ask of another storage node (*client.Client
// is one).
type Peer interface {
	Metadata(ctx context.Context, id encoding.BlobID) (encoding.MetadataWithID, error)
	RecoverySymbols(ctx context.Context, id encoding.BlobID, f api.RecoverySymbolsFilter) ([]encoding.GeneralRecoverySymbol, error)
	// SyncShard asks a shard's previous owner for its slivers, signing with key.
	SyncShard(ctx context.Context, req messages.SyncShardRequest, key *keys.BLSKey) (api.SyncShardResponse, error)
	// SubmitInconsistencyProof sends an inconsistency proof and returns the peer's signed
	// InvalidBlobId attestation.
	SubmitInconsistencyProof(ctx context.Context, id encoding.BlobID, p *encoding.InconsistencyProof) (messages.SignedMessage, error)
}

// PeerDialer gives a Peer for a committee member.
type PeerDialer interface {
	Dial(m *chain.CommitteeMember) (Peer, error)
}

// view is the node's picture of the current committee: the epoch whose messages it
// signs and the shards it holds.
type view struct {
	committee *chain.Committee
	epoch     uint32
	params    encoding.Params
	codec     *encoding.Codec
	owned     []uint16 // ascending
	ownedSet  []bool   // by shard
}

func newView(c *chain.Committee, self walrus.ID, codec *encoding.Codec) (*view, error) {
	if c == nil {
		return nil, fmt.Errorf("node: no committee")
	}
	if codec == nil || codec.Params().NShards != int(c.NShards) {
		var err error
		codec, err = encoding.NewCodec(int(c.NShards))
		if err != nil {
			return nil, fmt.Errorf("node: committee of epoch %d: %w", c.Epoch, err)
		}
	}
	v := &view{committee: c, epoch: c.Epoch, params: codec.Params(), codec: codec, ownedSet: make([]bool, c.NShards)}
	if m, ok := c.Member(self); ok {
		for _, s := range m.Shards {
			if int(s) >= int(c.NShards) {
				return nil, fmt.Errorf("node: committee of epoch %d gives shard %d of %d", c.Epoch, s, c.NShards)
			}
			if !v.ownedSet[s] {
				v.ownedSet[s] = true
				v.owned = append(v.owned, s)
			}
		}
		sort.Slice(v.owned, func(i, j int) bool { return v.owned[i] < v.owned[j] })
	}
	return v, nil
}

func (v *view) owns(shard int) bool {
	return shard >= 0 && shard < len(v.ownedSet) && v.ownedSet[shard]
}

// clientDialer dials peers with node/client, caching one client per member address
// and key.
type clientDialer struct {
	plain bool

	mu      sync.Mutex
	clients map[string]*client.Client
}

func newClientDialer(plain bool) *clientDialer {
	return &clientDialer{plain: plain, clients: map[string]*client.Client{}}
}

func (d *clientDialer) Dial(m *chain.CommitteeMember) (Peer, error) {
	key := m.NetworkAddress + "|" + string(m.NetworkPublicKey)
	d.mu.Lock()
	defer d.mu.Unlock()
	if c, ok := d.clients[key]; ok {
		return c, nil
	}
	c, err := client.New(m.NetworkAddress, client.Options{NetworkPublicKey: m.NetworkPublicKey, Plain: d.plain})
	if err != nil {
		return nil, fmt.Errorf("node: peer %s: %w", m.NodeID, err)
	}
	d.clients[key] = c
	return c, nil
}

func (d *clientDialer) close() {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, c := range d.clients {
		c.Close()
	}
}
