package contract

import (
	"math/bits"

	"github.com/tuskstore/tusk/chain/walrus"
)

// ActiveSet is active_set.move ActiveSet, with its functions as methods. It has the
// layout of walrus.ActiveSet (convert with (*walrus.ActiveSet)(s) and
// (*contract.ActiveSet)(w)), so its BCS is the on-chain value.
//
// The order of Nodes is the order the apportionment breaks ties by: a new node is
// appended, an evicted one is replaced in place, and a removed one is swapped with the
// last node (swap_remove).
type ActiveSet walrus.ActiveSet

// NewActiveSet is active_set::new: an empty set of at most maxSize nodes, admitting nodes
// with at least thresholdStake. Staking creates it with ActiveSetMaxSize and MinStake.
func NewActiveSet(maxSize uint16, thresholdStake uint64) (*ActiveSet, error) {
	if maxSize == 0 {
		return nil, ErrZeroMaxSize
	}
	return &ActiveSet{MaxSize: maxSize, ThresholdStake: thresholdStake}, nil
}

// Walrus returns s as the BCS type of chain/walrus (the same memory).
func (s *ActiveSet) Walrus() *walrus.ActiveSet { return (*walrus.ActiveSet)(s) }

// InsertOrUpdate is active_set::insert_or_update: a node with no stake, or less than the
// threshold, is removed; a member's stake is updated; any other node is inserted if
// there is room or it outweighs the smallest member. It reports whether the node is in
// the set afterwards.
//
// Errors (the set is unchanged): ErrArithmetic if the total stake would overflow u64.
func (s *ActiveSet) InsertOrUpdate(nodeID walrus.ID, stakedAmount uint64) (bool, error) {
	// Currently, the threshold_stake is 0, so a zero stake is checked on its own.
	if stakedAmount == 0 || stakedAmount < s.ThresholdStake {
		s.Remove(nodeID)
		return false, nil
	}
	updated, err := s.Update(nodeID, stakedAmount)
	if err != nil || updated {
		return updated, err
	}
	return s.insert(nodeID, stakedAmount)
}

// Update is active_set::update: sets a member's stake; it reports false for a node that
// is not a member.
//
// Errors (the set is unchanged): ErrArithmetic if total_stake + stakedAmount overflows
// u64 (Move adds before it subtracts the old stake).
func (s *ActiveSet) Update(nodeID walrus.ID, stakedAmount uint64) (bool, error) {
	idx := s.index(nodeID)
	if idx < 0 {
		return false, nil
	}
	sum, carry := bits.Add64(s.TotalStake, stakedAmount, 0)
	if carry != 0 {
		return false, arithmetic("walrus::active_set::update", "total stake overflows u64")
	}
	s.TotalStake = sum - s.Nodes[idx].StakedAmount
	s.Nodes[idx].StakedAmount = stakedAmount
	return true, nil
}

// insert is active_set::insert: appends the node if the set is not full; otherwise it
// replaces, in place, the first of the members with the smallest stake below
// stakedAmount, if there is one. It reports whether the node was inserted.
func (s *ActiveSet) insert(nodeID walrus.ID, stakedAmount uint64) (bool, error) {
	const where = "walrus::active_set::insert"
	if s.index(nodeID) >= 0 {
		return false, ErrDuplicateInsertion.with("node %s", nodeID)
	}

	// If the nodes are less than the max size, insert the node (Move compares as u16).
	if uint16(len(s.Nodes)) < s.MaxSize {
		sum, carry := bits.Add64(s.TotalStake, stakedAmount, 0)
		if carry != 0 {
			return false, arithmetic(where, "total stake overflows u64")
		}
		s.TotalStake = sum
		s.Nodes = append(s.Nodes, walrus.ActiveSetEntry{NodeID: nodeID, StakedAmount: stakedAmount})
		return true, nil
	}

	// Find the node with the smallest stake, and less than the new node's.
	minStake := stakedAmount
	minIdx := -1
	for i := range s.Nodes {
		if s.Nodes[i].StakedAmount < minStake {
			minIdx = i
			minStake = s.Nodes[i].StakedAmount
		}
	}
	if minIdx < 0 {
		return false, nil
	}
	// total_stake - min_stake + staked_amount: the subtraction cannot underflow, as the
	// total includes min_stake; the addition can overflow.
	sum, carry := bits.Add64(s.TotalStake-minStake, stakedAmount, 0)
	if carry != 0 {
		return false, arithmetic(where, "total stake overflows u64")
	}
	s.TotalStake = sum
	s.Nodes[minIdx] = walrus.ActiveSetEntry{NodeID: nodeID, StakedAmount: stakedAmount}
	return true, nil
}

// Remove is active_set::remove: drops the node if it is a member, moving the last member
// into its place (vector::swap_remove).
func (s *ActiveSet) Remove(nodeID walrus.ID) {
	idx := s.index(nodeID)
	if idx < 0 {
		return
	}
	s.TotalStake -= s.Nodes[idx].StakedAmount
	last := len(s.Nodes) - 1
	s.Nodes[idx] = s.Nodes[last]
	s.Nodes = s.Nodes[:last]
}

// SetMaxSize is active_set::set_max_size.
func (s *ActiveSet) SetMaxSize(maxSize uint16) { s.MaxSize = maxSize }

// Size is active_set::size.
func (s *ActiveSet) Size() uint16 { return uint16(len(s.Nodes)) }

// ActiveIDs is active_set::active_ids: the members in the set's order.
func (s *ActiveSet) ActiveIDs() []walrus.ID {
	ids := make([]walrus.ID, len(s.Nodes))
	for i := range s.Nodes {
		ids[i] = s.Nodes[i].NodeID
	}
	return ids
}

// ActiveIDsAndStake is active_set::active_ids_and_stake.
func (s *ActiveSet) ActiveIDsAndStake() ([]walrus.ID, []uint64) {
	stake := make([]uint64, len(s.Nodes))
	for i := range s.Nodes {
		stake[i] = s.Nodes[i].StakedAmount
	}
	return s.ActiveIDs(), stake
}

// StakeForNode is active_set::stake_for_node: the member's stake, 0 for a non-member.
func (s *ActiveSet) StakeForNode(nodeID walrus.ID) uint64 {
	if idx := s.index(nodeID); idx >= 0 {
		return s.Nodes[idx].StakedAmount
	}
	return 0
}

// CurMinStake is active_set::cur_min_stake: the smallest member stake when the set is
// full, else the threshold.
func (s *ActiveSet) CurMinStake() uint64 {
	if len(s.Nodes) != int(s.MaxSize) {
		return s.ThresholdStake
	}
	minStake := ^uint64(0)
	for i := range s.Nodes {
		minStake = min(minStake, s.Nodes[i].StakedAmount)
	}
	return minStake
}

// SelectCommittee is staking_inner.move apportionment over this set (see the function
// SelectCommittee).
func (s *ActiveSet) SelectCommittee(nShards uint16) (Assignment, error) {
	return SelectCommittee(nShards, s.Nodes)
}

func (s *ActiveSet) index(nodeID walrus.ID) int {
	for i := range s.Nodes {
		if s.Nodes[i].NodeID == nodeID {
			return i
		}
	}
	return -1
}
