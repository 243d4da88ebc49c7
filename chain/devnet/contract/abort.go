package contract

import (
	"errors"
	"fmt"
)

// Abort is a Move abort: the module whose assert! failed and the error constant it
// aborted with. Compare with errors.Is against the Err* values of this package, which
// match on module and code.
type Abort struct {
	Module string // the module, qualified by its package: "walrus::committee", "sui::vec_map"
	Code   uint64 // the abort code, the value of the error constant
	Name   string // the error constant's name: "EInvalidShardAssignment"
	Detail string // what was wrong, for people; not part of the identity
}

func (a *Abort) Error() string {
	s := fmt.Sprintf("move abort in %s: %s (code %d)", a.Module, a.Name, a.Code)
	if a.Detail != "" {
		s += ": " + a.Detail
	}
	return s
}

// Is matches another *Abort with the same module and code.
func (a *Abort) Is(target error) bool {
	t, ok := target.(*Abort)
	return ok && t.Module == a.Module && t.Code == a.Code
}

// with returns a copy of a carrying detail.
func (a *Abort) with(format string, args ...any) *Abort {
	c := *a
	c.Detail = fmt.Sprintf(format, args...)
	return &c
}

// ErrArithmetic is wrapped by the errors that stand for a Move arithmetic error (an
// overflow, an underflow or a division by zero, which abort the transaction without an
// abort code).
var ErrArithmetic = errors.New("move arithmetic error")

func arithmetic(where, format string, args ...any) error {
	return fmt.Errorf("%w in %s: %s", ErrArithmetic, where, fmt.Sprintf(format, args...))
}

// ErrVectorOperation stands for a Move vector operation error (pop_back on an empty
// vector and the like), which, like an arithmetic error, carries no abort code.
var ErrVectorOperation = errors.New("move vector operation error")

// The aborts of the ported functions (codes from the Move sources at the source commit).
var (
	// ErrNoStake: staking_inner.move ENoStake, the apportionment found no stake.
	ErrNoStake = &Abort{Module: "walrus::staking_inner", Code: 3, Name: "ENoStake"}
	// ErrPopFromEmptyHeap: apportionment_queue.move EPopFromEmptyHeap. The apportionment
	// hits it when every node is at the per-node cap before all shards are placed, which
	// happens only with at least 20 nodes and fewer than 10 shards (the cap is then 0).
	ErrPopFromEmptyHeap = &Abort{Module: "walrus::apportionment_queue", Code: 0, Name: "EPopFromEmptyHeap"}
	// ErrInvalidShardAssignment: committee.move EInvalidShardAssignment, a transition whose
	// new shard counts do not add up to the shards of the current committee.
	ErrInvalidShardAssignment = &Abort{Module: "walrus::committee", Code: 0, Name: "EInvalidShardAssignment"}
	// ErrZeroMaxSize: active_set.move EZeroMaxSize.
	ErrZeroMaxSize = &Abort{Module: "walrus::active_set", Code: 0, Name: "EZeroMaxSize"}
	// ErrDuplicateInsertion: active_set.move EDuplicateInsertion.
	ErrDuplicateInsertion = &Abort{Module: "walrus::active_set", Code: 1, Name: "EDuplicateInsertion"}
	// ErrKeyAlreadyExists: sui::vec_map EKeyAlreadyExists, a node ID given twice where
	// Move builds a VecMap.
	ErrKeyAlreadyExists = &Abort{Module: "sui::vec_map", Code: 0, Name: "EKeyAlreadyExists"}
)
