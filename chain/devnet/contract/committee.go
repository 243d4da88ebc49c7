package contract

import (
	"fmt"
	"slices"

	"github.com/tuskstore/tusk/chain/walrus"
)

// ComputeNextCommittee is staking_inner.move compute_next_committee: the apportionment of
// nShards over the active set's nodes, laid out as shards by InitialCommittee if there is
// no current committee (epoch 0) and by TransitionCommittee otherwise.
func ComputeNextCommittee(current walrus.Committee, nShards uint16, active []NodeStake) (walrus.Committee, error) {
	distribution, err := SelectCommittee(nShards, active)
	if err != nil {
		return nil, err
	}
	if len(current) == 0 {
		return InitialCommittee(distribution)
	}
	return TransitionCommittee(current, distribution)
}

// InitialCommittee is committee.move initialize: the entries sorted by node ID (Move's
// address::to_u256 order, which is the byte order of the IDs), then shard IDs handed out
// sequentially from 0, counts[i] of them to each node in that order. A node with a count
// of 0 is kept with no shards, as in Move (the apportionment never produces one).
//
// Errors: ErrKeyAlreadyExists for a node listed twice, ErrArithmetic if the shard IDs
// exceed u16.
func InitialCommittee(counts Assignment) (walrus.Committee, error) {
	sorted, err := sortByNodeID(counts)
	if err != nil {
		return nil, err
	}
	cmt := make(walrus.Committee, len(sorted))
	var shardIdx uint16
	for i, e := range sorted {
		var shards []uint16
		if e.Shards > 0 {
			shards = make([]uint16, e.Shards)
		}
		for j := range shards {
			shards[j] = shardIdx
			if shardIdx == 0xffff { // shard_idx + 1 overflows u16 right after handing out 65535
				return nil, arithmetic("walrus::committee::initialize", "more than 65535 shards")
			}
			shardIdx++
		}
		cmt[i] = walrus.CommitteeEntry{NodeID: e.NodeID, Shards: shards}
	}
	return cmt, nil
}

// sortByNodeID is sort.move sort_vec_map_by_node_id (an insertion sort, so stable), and
// the duplicate check of the vec_map::from_keys_values it ends with.
func sortByNodeID(counts Assignment) (Assignment, error) {
	sorted := slices.Clone(counts)
	slices.SortStableFunc(sorted, func(a, b ShardCount) int { return a.NodeID.Compare(b.NodeID) })
	for i := 1; i < len(sorted); i++ {
		if sorted[i].NodeID == sorted[i-1].NodeID {
			return nil, ErrKeyAlreadyExists.with("node %s listed twice", sorted[i].NodeID)
		}
	}
	return sorted, nil
}

// TransitionCommittee is committee.move transition: the committee with the new shard
// counts that moves as few shards as it can. Walking the current committee in its
// (node-ID) order, a node that keeps its count keeps its shards; a node that leaves (or
// gets 0) gives all of them up; a node whose count drops gives up its last shards
// (pop_back, so the last first). The shards given up are then popped from the back of
// that pile, first to the nodes new to the committee in the order of newCounts, then to
// the current members that need more, in the committee's order; a member that grows keeps
// its shards and appends the new ones. The result is sorted by node ID.
//
// Neither argument is modified and the result shares no memory with old.
//
// Errors: ErrInvalidShardAssignment if the new counts do not add up to the shards of old,
// ErrKeyAlreadyExists for a node listed twice in newCounts, ErrArithmetic if the new
// counts sum past u16 (Move sums them in a u16).
func TransitionCommittee(old walrus.Committee, newCounts Assignment) (walrus.Committee, error) {
	const where = "walrus::committee::transition"
	newAssignments := slices.Clone(newCounts)
	for i := range newAssignments {
		for j := range i {
			if newAssignments[i].NodeID == newAssignments[j].NodeID {
				return nil, ErrKeyAlreadyExists.with("node %s listed twice", newAssignments[i].NodeID)
			}
		}
	}

	// Store the total number of shards in the new committee, before new_assignments is
	// modified (a u16 sum in Move).
	var newNumOfShards uint64
	for _, e := range newAssignments {
		newNumOfShards += uint64(e.Shards)
		if newNumOfShards > 0xffff {
			return nil, arithmetic(where, "the new shard counts sum past u16")
		}
	}

	var newCmt walrus.Committee
	var toMove []uint16
	var currentNumOfShards uint64
	for _, entry := range old {
		nodeID, prevShards := entry.NodeID, entry.Shards
		currentNumOfShards += uint64(len(prevShards))

		assignedLen, found := uint64(0), false
		if idx := newAssignments.indexOf(nodeID); idx >= 0 {
			assignedLen, found = uint64(newAssignments[idx].Shards), true
			newAssignments = slices.Delete(newAssignments, idx, idx+1) // remove_entry_by_idx keeps the order
		}

		// If the node is not in the new committee, make all its shards available.
		if !found || assignedLen == 0 {
			toMove = append(toMove, prevShards...)
			continue
		}

		currLen := uint64(len(prevShards))
		// The node keeps its count: copy its shards over.
		if currLen == assignedLen {
			newCmt = append(newCmt, walrus.CommitteeEntry{NodeID: nodeID, Shards: slices.Clone(prevShards)})
		}
		// The node's count dropped: move its surplus shards, the last ones first.
		if currLen > assignedLen {
			nodeShards := slices.Clone(prevShards)
			for range currLen - assignedLen {
				last := len(nodeShards) - 1
				toMove = append(toMove, nodeShards[last])
				nodeShards = nodeShards[:last]
			}
			newCmt = append(newCmt, walrus.CommitteeEntry{NodeID: nodeID, Shards: nodeShards})
		}
		// Mark the node as needing more shards (VecMap::insert appends).
		if currLen < assignedLen {
			newAssignments = append(newAssignments, ShardCount{NodeID: nodeID, Shards: uint16(assignedLen)})
		}
	}

	if newNumOfShards != currentNumOfShards {
		return nil, ErrInvalidShardAssignment.with(
			"the new counts add up to %d shards, the committee has %d", newNumOfShards, currentNumOfShards)
	}

	// new_assignments now holds the nodes new to the committee and the members that need
	// more shards.
	for _, e := range newAssignments {
		if e.Shards == 0 {
			continue // ignore nodes with 0 shards
		}
		var currentShards []uint16
		if prev, ok := old.ShardsOf(e.NodeID); ok && len(prev) > 0 {
			currentShards = slices.Clone(prev)
		}
		diff := absDiff(uint64(len(currentShards)), uint64(e.Shards)) // u64::diff
		for range diff {
			if len(toMove) == 0 { // unreachable once the totals match
				return nil, fmt.Errorf("%w in %s: no shard left to move to %s", ErrVectorOperation, where, e.NodeID)
			}
			last := len(toMove) - 1
			currentShards = append(currentShards, toMove[last])
			toMove = toMove[:last]
		}
		newCmt = append(newCmt, walrus.CommitteeEntry{NodeID: e.NodeID, Shards: currentShards})
	}

	newCmt.SortByNodeID()
	return newCmt, nil
}

func absDiff(a, b uint64) uint64 {
	if a > b {
		return a - b
	}
	return b - a
}

// CommitteeDiff is committee.move diff: the nodes only in a and the nodes only in b, each
// in node-ID order. Both committees must be sorted by node ID, as on chain.
func CommitteeDiff(a, b walrus.Committee) (onlyA, onlyB []walrus.ID) {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		lhs, rhs := a[i].NodeID, b[j].NodeID
		switch {
		case lhs == rhs:
			i++
			j++
		case lhs.Compare(rhs) < 0: // in a, not in b
			onlyA = append(onlyA, lhs)
			i++
		default: // in b, not in a
			onlyB = append(onlyB, rhs)
			j++
		}
	}
	for ; i < len(a); i++ {
		onlyA = append(onlyA, a[i].NodeID)
	}
	for ; j < len(b); j++ {
		onlyB = append(onlyB, b[j].NodeID)
	}
	return onlyA, onlyB
}
