package operator

import "errors"

// Sentinel errors callers branch on (errors.Is).
var (
	// ErrNoKey: the configured key cannot be found (no key, or not the one asked for).
	ErrNoKey = errors.New("operator key not found")
	// ErrNoNodeCap: the operator's address owns no StorageNodeCap for the node.
	ErrNoNodeCap = errors.New("no StorageNodeCap for the node")
	// ErrAmbiguousNodeCap: the operator's address owns several caps that fit; name one.
	ErrAmbiguousNodeCap = errors.New("several StorageNodeCaps fit")
	// ErrWrongNodeCap: the configured cap is not the node's, or the key does not own it.
	ErrWrongNodeCap = errors.New("the StorageNodeCap does not fit")
	// ErrNotCommissionReceiver: neither the cap nor the operator's address is the pool's
	// commission receiver, so the operator cannot collect its commission.
	ErrNotCommissionReceiver = errors.New("the operator is not the node's commission receiver")
)
