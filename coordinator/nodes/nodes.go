// Package nodes is the coordinator's view of the storage nodes of a committee: the small
// interface the store and read flows consume (Node), a committee with each shard mapped
// to the node that holds it and the BFT weight arithmetic (Committee), a cache of
// connections (Pool), the verified blob status that needs f+1 agreeing shards
// (Committee.BlobStatus), and the retry policy of node requests.
//
// It does not speak HTTP: a Dialer turns a committee member into a Node. The production
// dialer wraps node/client; tests use in-memory nodes.
package nodes

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/chain/messages"
	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/node/api"
)

// Node is what the coordinator asks of one storage node. Errors that carry an HTTP status
// and a Walrus reason are *api.Error values in the chain (node/client returns them);
// anything else counts as a transport failure.
type Node interface {
	// PutMetadata stores the blob's metadata on the node.
	PutMetadata(ctx context.Context, id encoding.BlobID, m *encoding.Metadata) error
	// PutSliver stores one sliver of pair pair.
	PutSliver(ctx context.Context, id encoding.BlobID, pair uint16, s *encoding.Sliver) error
	// Confirmation asks the node to sign that it stores its slivers of the blob.
	Confirmation(ctx context.Context, id encoding.BlobID, p messages.BlobPersistence) (*messages.SignedMessage, error)
	// Metadata fetches the blob's metadata (unverified).
	Metadata(ctx context.Context, id encoding.BlobID) (*encoding.MetadataWithID, error)
	// Sliver fetches one sliver of pair pair (unverified).
	Sliver(ctx context.Context, id encoding.BlobID, pair uint16, axis encoding.Axis) (*encoding.Sliver, error)
	// BlobStatus asks the node what it knows of the blob ID.
	BlobStatus(ctx context.Context, id encoding.BlobID) (api.BlobStatus, error)
}

// Dialer connects to a committee member. Dial must not do I/O: connections are made by
// the requests.
type Dialer interface {
	Dial(m *chain.CommitteeMember) (Node, error)
}

// DialFunc adapts a function to Dialer.
type DialFunc func(m *chain.CommitteeMember) (Node, error)

// Dial calls f.
func (f DialFunc) Dial(m *chain.CommitteeMember) (Node, error) { return f(m) }

// ErrUnreachable is returned by the requests to a node that could not be dialled (an
// address or key that does not parse).
var ErrUnreachable = errors.New("nodes: storage node unreachable")

// unreachable is the Node of a member that could not be dialled: every request fails.
type unreachable struct{ err error }

func (u unreachable) PutMetadata(context.Context, encoding.BlobID, *encoding.Metadata) error {
	return u.err
}
func (u unreachable) PutSliver(context.Context, encoding.BlobID, uint16, *encoding.Sliver) error {
	return u.err
}
func (u unreachable) Confirmation(context.Context, encoding.BlobID, messages.BlobPersistence) (*messages.SignedMessage, error) {
	return nil, u.err
}
func (u unreachable) Metadata(context.Context, encoding.BlobID) (*encoding.MetadataWithID, error) {
	return nil, u.err
}
func (u unreachable) Sliver(context.Context, encoding.BlobID, uint16, encoding.Axis) (*encoding.Sliver, error) {
	return nil, u.err
}
func (u unreachable) BlobStatus(context.Context, encoding.BlobID) (api.BlobStatus, error) {
	return api.BlobStatus{}, u.err
}

// IsNotFound reports whether err is a node's 404 answer.
func IsNotFound(err error) bool { return api.HTTPStatusOf(err) == http.StatusNotFound }

// Retryable reports whether a failed request may succeed if sent again to the same node:
// transport failures, timeouts of the attempt, 5xx and 429 answers, and NOT_REGISTERED
// (the node has not yet seen the registration event). A cancelled parent context is not
// retryable; the caller checks it.
func Retryable(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) {
		return false
	}
	if errors.Is(err, ErrUnreachable) {
		return false
	}
	if api.ReasonOf(err) == api.ReasonNotRegistered {
		return true
	}
	switch st := api.HTTPStatusOf(err); {
	case st == 0:
		return true // transport error or attempt timeout
	case st == http.StatusTooManyRequests, st >= 500:
		return true
	}
	return false
}

// NodeError names the node a failure came from.
type NodeError struct {
	Node string // name or address
	Op   string
	Err  error
}

func (e *NodeError) Error() string { return fmt.Sprintf("node %s: %s: %v", e.Node, e.Op, e.Err) }
func (e *NodeError) Unwrap() error { return e.Err }
