package contract

import (
	"fmt"
	"math/bits"

	"github.com/tuskstore/tusk/chain/walrus"
)

// Committee-selection constants of staking_inner.move.
const (
	// ActiveSetMaxSize is TEMP_ACTIVE_SET_SIZE_LIMIT, the max_size of the active set.
	ActiveSetMaxSize = 150
	// MinStake is MIN_STAKE, the threshold_stake of the active set.
	MinStake = 0
	// MinNodesForShardsLimit is MIN_NODES_FOR_SHARDS_LIMIT: from this many nodes on, the
	// per-node cap is the flat n_shards / ShardsLimitDenominator.
	MinNodesForShardsLimit = 20
	// ShardsLimitDenominator is SHARDS_LIMIT_DENOMINATOR: a node holds at most 1/10 of the
	// shards once there are MinNodesForShardsLimit nodes.
	ShardsLimitDenominator = 10
)

// NodeStake is a node and its stake for the next committee: an active-set entry.
type NodeStake = walrus.ActiveSetEntry

// ShardCount is an entry of the VecMap<ID, u16> that the apportionment returns and that
// committee initialize and transition take: a node and the number of shards it gets.
type ShardCount struct {
	NodeID walrus.ID
	Shards uint16
}

// Assignment is a VecMap<ID, u16> of shard counts, in its stored order (which matters:
// committee transition hands moved shards to new nodes in this order).
type Assignment []ShardCount

// Count returns the number of shards assigned to nodeID (0 if absent).
func (a Assignment) Count(nodeID walrus.ID) uint16 {
	for _, e := range a {
		if e.NodeID == nodeID {
			return e.Shards
		}
	}
	return 0
}

// Total is the number of shards assigned.
func (a Assignment) Total() uint64 {
	var n uint64
	for _, e := range a {
		n += uint64(e.Shards)
	}
	return n
}

// indexOf is VecMap::get_idx_opt.
func (a Assignment) indexOf(nodeID walrus.ID) int {
	for i, e := range a {
		if e.NodeID == nodeID {
			return i
		}
	}
	return -1
}

// MaxShardsPerNode is staking_inner.move max_shards_per_node: n_shards / 10 with at least
// 20 nodes, else ceil(n_shards * 20 / (n_nodes * 10)). nNodes must not be 0 (Move would
// divide by zero; dhondt never calls it then).
func MaxShardsPerNode(nNodes, nShards uint64) uint64 {
	if nNodes >= MinNodesForShardsLimit {
		return nShards / ShardsLimitDenominator
	}
	num := nShards * MinNodesForShardsLimit
	den := nNodes * ShardsLimitDenominator
	return (num + den - 1) / den // u64::div_ceil
}

// SelectCommittee is staking_inner.move apportionment: D'Hondt over the nodes in the
// order given (the active set's order, which decides ties: an earlier node has the higher
// priority n_nodes - i), with the per-node cap, keeping only the nodes that get shards.
//
// Errors: ErrNoStake if the stakes sum to 0, ErrPopFromEmptyHeap if the cap leaves shards
// that nobody may take, ErrArithmetic if the stakes overflow u64, ErrKeyAlreadyExists if
// a node that gets shards is listed twice.
func SelectCommittee(nShards uint16, nodes []NodeStake) (Assignment, error) {
	n := uint64(len(nodes))
	priorities := make([]uint64, n)
	stake := make([]uint64, n)
	for i := range nodes {
		priorities[i] = n - uint64(i) // vector::tabulate!(n_nodes, |i| n_nodes - i)
		stake[i] = nodes[i].StakedAmount
	}
	shards, err := DHondt(priorities, nShards, stake)
	if err != nil {
		return nil, err
	}
	var out Assignment
	for i, s := range shards {
		if s == 0 {
			continue // filter out nodes with 0 shards
		}
		if out.indexOf(nodes[i].NodeID) >= 0 {
			return nil, ErrKeyAlreadyExists.with("node %s listed twice", nodes[i].NodeID)
		}
		out = append(out, ShardCount{NodeID: nodes[i].NodeID, Shards: s})
	}
	return out, nil
}

// DHondt is staking_inner.move dhondt: the D'Hondt (Jefferson) apportionment of nShards
// by stake, at most MaxShardsPerNode per node, starting from the Hagenbach-Bischoff lower
// bound. Among equal quotients the node with the higher priority gets the shard first.
// The result has one count per node, zeros included.
//
// Errors: see SelectCommittee.
func DHondt(priorities []uint64, nShards uint16, stake []uint64) ([]uint16, error) {
	const where = "walrus::staking_inner::dhondt"
	var total uint64
	for _, s := range stake {
		var carry uint64
		total, carry = bits.Add64(total, s, 0)
		if carry != 0 {
			return nil, arithmetic(where, "total stake overflows u64")
		}
	}
	nNodes := uint64(len(stake))
	ns := uint64(nShards)
	if total == 0 {
		return nil, ErrNoStake.with("the %d nodes have no stake", nNodes)
	}
	if len(priorities) != len(stake) {
		// Move indexes node_priorities[index], which fails on a shorter vector.
		return nil, fmt.Errorf("%w in %s: %d priorities for %d nodes", ErrVectorOperation, where, len(priorities), len(stake))
	}

	maxShards := MaxShardsPerNode(nNodes, ns)

	// Initial assignment following Hagenbach-Bischoff: the distribution number
	// total_stake/(n_shards+1)+1 is the stake that guarantees a shard, so stake divided by
	// it (rounded down) is a lower bound of the final count.
	q := total / (ns + 1)
	if q == ^uint64(0) {
		return nil, arithmetic(where, "distribution number overflows u64")
	}
	dist := q + 1
	shards := make([]uint64, nNodes)
	for i, s := range stake {
		shards[i] = min(s/dist, maxShards)
	}
	var quotients apportionmentQueue
	for i := range shards {
		if shards[i] != maxShards {
			quotients.insert(fromQuotient(stake[i], shards[i]+1), priorities[i], i)
		}
	}

	if nNodes == 0 {
		return []uint16{}, nil // unreachable: no nodes means no stake
	}
	var distributed uint64
	for _, s := range shards {
		distributed += s
	}
	// Loop until all shards are distributed: the node with the highest quotient gets a
	// shard and is queued again with its next quotient, unless it reached the cap.
	for distributed != ns {
		e, ok := quotients.popMax()
		if !ok {
			return nil, ErrPopFromEmptyHeap.with(
				"%d nodes capped at %d shards cannot hold %d shards", nNodes, maxShards, ns)
		}
		i := e.value
		shards[i]++
		if shards[i] != maxShards {
			quotients.insert(fromQuotient(stake[i], shards[i]+1), e.tieBreaker, i)
		}
		distributed++
	}
	out := make([]uint16, nNodes)
	for i, s := range shards {
		out[i] = uint16(s)
	}
	return out, nil
}

// uq64x64 is std::uq64_64::UQ64_64: a u128 fixed-point number with 64 fractional bits.
type uq64x64 struct{ hi, lo uint64 }

// fromQuotient is uq64_64::from_quotient(numerator, denominator) for a u64 numerator and
// a non-zero denominator: floor(numerator * 2^64 / denominator). The integer part is
// numerator / denominator and the fraction the remainder scaled by 2^64; it always fits,
// and it is zero only for a zero numerator, so Move's aborts cannot trigger here.
func fromQuotient(numerator, denominator uint64) uq64x64 {
	hi := numerator / denominator
	lo, _ := bits.Div64(numerator%denominator, 0, denominator)
	return uq64x64{hi: hi, lo: lo}
}

// gt is uq64_64::gt.
func (a uq64x64) gt(b uq64x64) bool {
	return a.hi > b.hi || (a.hi == b.hi && a.lo > b.lo)
}

// queueEntry is apportionment_queue::Entry<u64> (the value is a node index).
type queueEntry struct {
	priority   uq64x64
	tieBreaker uint64
	value      int
}

// higherPriorityThan is apportionment_queue.move higher_priority_than: the higher
// quotient, and among equal quotients the higher tie-breaker.
func (e *queueEntry) higherPriorityThan(o *queueEntry) bool {
	return e.priority.gt(o.priority) || (e.priority == o.priority && e.tieBreaker > o.tieBreaker)
}

// apportionmentQueue is apportionment_queue.move ApportionmentQueue: a binary max-heap in
// a vector, the children of i at 2i+1 and 2i+2.
type apportionmentQueue struct {
	entries []queueEntry
}

// insert is apportionment_queue::insert: push_back, then bubble_up.
func (pq *apportionmentQueue) insert(priority uq64x64, tieBreaker uint64, value int) {
	pq.entries = append(pq.entries, queueEntry{priority: priority, tieBreaker: tieBreaker, value: value})
	pq.bubbleUp()
}

// popMax is apportionment_queue::pop_max: swap_remove(0), then bubble_down. It reports
// false where Move aborts with EPopFromEmptyHeap.
func (pq *apportionmentQueue) popMax() (queueEntry, bool) {
	n := len(pq.entries)
	if n == 0 {
		return queueEntry{}, false
	}
	top := pq.entries[0]
	pq.entries[0] = pq.entries[n-1] // vector::swap_remove(0)
	pq.entries = pq.entries[:n-1]
	pq.bubbleDown()
	return top, true
}

func (pq *apportionmentQueue) bubbleDown() {
	el := pq.entries
	n := len(el)
	i := 0
	for i < n {
		left := i*2 + 1
		right := left + 1
		maxIdx := i
		if left < n && el[left].higherPriorityThan(&el[maxIdx]) {
			maxIdx = left
		}
		if right < n && el[right].higherPriorityThan(&el[maxIdx]) {
			maxIdx = right
		}
		if maxIdx == i {
			break
		}
		el[maxIdx], el[i] = el[i], el[maxIdx]
		i = maxIdx
	}
}

func (pq *apportionmentQueue) bubbleUp() {
	el := pq.entries
	i := len(el) - 1
	for i > 0 {
		parent := (i - 1) / 2
		if !el[i].higherPriorityThan(&el[parent]) {
			break
		}
		el[i], el[parent] = el[parent], el[i]
		i = parent
	}
}
