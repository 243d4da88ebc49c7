package merkle

import (
	"errors"
	"fmt"
)

// ErrProofInvalid is matched (with errors.Is) by every proof verification
// failure.
var ErrProofInvalid = errors.New("merkle: invalid proof")

var (
	// ErrRootMismatch: the root recomputed from the proof differs from the
	// expected root.
	ErrRootMismatch = fmt.Errorf("%w: root mismatch", ErrProofInvalid)
	// ErrPathTooLong: the proof has more siblings than a tree with the given
	// number of leaves can have.
	ErrPathTooLong = fmt.Errorf("%w: path longer than the tree height", ErrProofInvalid)
)

// ErrIndexOutOfRange reports a leaf index outside the tree (or the proof).
var ErrIndexOutOfRange = errors.New("merkle: leaf index out of range")

// errVerifyIndex is a verification failure caused by the index: it matches both
// ErrProofInvalid and ErrIndexOutOfRange.
var errVerifyIndex = fmt.Errorf("%w: %w", ErrProofInvalid, ErrIndexOutOfRange)
