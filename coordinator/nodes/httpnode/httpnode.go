// Package httpnode connects the coordinator to real storage nodes: it adapts node/client
// (the typed client of the Walrus storage-node REST API, TLS pinned to the node's network
// key) to nodes.Node.
package httpnode

import (
	"context"
	"fmt"
	"time"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/chain/messages"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/coordinator/nodes"
	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/node/api"
	"github.com/tuskstore/tusk/node/client"
)

// Options configure the connections.
type Options struct {
	// Plain talks HTTP/2 without TLS (nodes of a local devnet that run without TLS).
	Plain bool
	// Pending uploads with ?pending=true: a node that has not yet seen the blob's
	// registration buffers the data instead of refusing it.
	Pending bool
	// ConfirmationWait is how long a node may hold a confirmation request while it waits
	// for the registration (0: the node's maximum).
	ConfirmationWait time.Duration
	// MaxResponseBytes bounds a response (0: node/client's default).
	MaxResponseBytes int64
}

// Dialer returns a nodes.Dialer making node/client clients with o.
func Dialer(o Options) nodes.Dialer {
	return nodes.DialFunc(func(m *chain.CommitteeMember) (nodes.Node, error) {
		c, err := client.New(m.NetworkAddress, client.Options{NetworkPublicKey: m.NetworkPublicKey, Plain: o.Plain, MaxResponseBytes: o.MaxResponseBytes})
		if err != nil {
			return nil, fmt.Errorf("storage node %s (%s): %w", m.Name, m.NetworkAddress, err)
		}
		return &Node{c: c, o: o}, nil
	})
}

// Node is one storage node reached over its REST API.
type Node struct {
	c *client.Client
	o Options
}

// Close releases the node's connections.
func (n *Node) Close() { n.c.Close() }

// PutMetadata implements nodes.Node.
func (n *Node) PutMetadata(ctx context.Context, id encoding.BlobID, m *encoding.Metadata) error {
	_, err := n.c.StoreMetadata(ctx, id, m, n.o.Pending)
	return err
}

// PutSliver implements nodes.Node.
func (n *Node) PutSliver(ctx context.Context, id encoding.BlobID, pair uint16, s *encoding.Sliver) error {
	_, err := n.c.StoreSliver(ctx, id, pair, s, n.o.Pending)
	return err
}

// Confirmation implements nodes.Node.
func (n *Node) Confirmation(ctx context.Context, id encoding.BlobID, p messages.BlobPersistence) (*messages.SignedMessage, error) {
	wait := api.ConfirmationWait{ForRegistration: true, Wait: n.o.ConfirmationWait}
	var sm messages.SignedMessage
	var err error
	if p.Deletable {
		sm, err = n.c.DeletableConfirmation(ctx, id, walrus.ID(p.ObjectID), wait)
	} else {
		sm, err = n.c.PermanentConfirmation(ctx, id, wait)
	}
	if err != nil {
		return nil, err
	}
	return &sm, nil
}

// Metadata implements nodes.Node.
func (n *Node) Metadata(ctx context.Context, id encoding.BlobID) (*encoding.MetadataWithID, error) {
	m, err := n.c.Metadata(ctx, id)
	if err != nil {
		return nil, err
	}
	return &m, nil
}

// Sliver implements nodes.Node.
func (n *Node) Sliver(ctx context.Context, id encoding.BlobID, pair uint16, axis encoding.Axis) (*encoding.Sliver, error) {
	s, err := n.c.Sliver(ctx, id, pair, axis)
	if err != nil {
		return nil, err
	}
	return &s, nil
}

// BlobStatus implements nodes.Node.
func (n *Node) BlobStatus(ctx context.Context, id encoding.BlobID) (api.BlobStatus, error) {
	return n.c.BlobStatus(ctx, id)
}

var _ nodes.Node = (*Node)(nil)
