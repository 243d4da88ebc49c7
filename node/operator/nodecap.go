package operator

import (
	"context"
	"fmt"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/chain/sui"
	"github.com/tuskstore/tusk/chain/walrus"
)

// NodeCapReader reads StorageNodeCaps (chain.Client).
type NodeCapReader interface {
	NodeCap(ctx context.Context, id walrus.ID) (*chain.NodeCapObject, error)
	NodeCapsOwnedBy(ctx context.Context, owner walrus.Address) ([]chain.NodeCapObject, error)
}

// FindNodeCap finds the StorageNodeCap the operator at owner acts with. With capID set,
// it checks that owner owns that cap and, with nodeID set, that it is nodeID's. With
// capID zero, it is the one cap owner owns (for nodeID, when set): none is ErrNoNodeCap,
// several ErrAmbiguousNodeCap.
func FindNodeCap(ctx context.Context, r NodeCapReader, owner walrus.Address, nodeID, capID walrus.ID) (*chain.NodeCapObject, error) {
	if !capID.IsZero() {
		k, err := r.NodeCap(ctx, capID)
		if err != nil {
			return nil, fmt.Errorf("operator: %w", err)
		}
		if !nodeID.IsZero() && k.NodeID != nodeID {
			return nil, fmt.Errorf("operator: %w: StorageNodeCap %s is node %s's, not node %s's", ErrWrongNodeCap, capID, k.NodeID, nodeID)
		}
		if k.Owner != sui.AddressOwned(walrus.ID(owner)) {
			return nil, fmt.Errorf("operator: %w: StorageNodeCap %s is owned by %s, not by the operator's address %s", ErrWrongNodeCap, capID, k.Owner.String(), owner)
		}
		return k, nil
	}
	caps, err := r.NodeCapsOwnedBy(ctx, owner)
	if err != nil {
		return nil, fmt.Errorf("operator: StorageNodeCaps of %s: %w", owner, err)
	}
	var fit []chain.NodeCapObject
	for _, k := range caps {
		if nodeID.IsZero() || k.NodeID == nodeID {
			fit = append(fit, k)
		}
	}
	switch {
	case len(fit) == 1:
		return &fit[0], nil
	case len(fit) == 0 && nodeID.IsZero():
		return nil, fmt.Errorf("operator: %w: %s owns no StorageNodeCap (register the node first: `tusk node setup`)", ErrNoNodeCap, owner)
	case len(fit) == 0:
		return nil, fmt.Errorf("operator: %w: %s owns no StorageNodeCap of node %s", ErrNoNodeCap, owner, nodeID)
	}
	ids := make([]string, len(fit))
	for i, k := range fit {
		ids[i] = fmt.Sprintf("%s (node %s)", k.ID, k.NodeID)
	}
	return nil, fmt.Errorf("operator: %w: %s owns %d StorageNodeCaps: %v; name one", ErrAmbiguousNodeCap, owner, len(fit), ids)
}
