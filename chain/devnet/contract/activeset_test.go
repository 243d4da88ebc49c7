package contract

import (
	"errors"
	"slices"
	"testing"

	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/internal/bcs"
)

func newSet(t *testing.T, maxSize uint16, threshold uint64) *ActiveSet {
	t.Helper()
	s, err := NewActiveSet(maxSize, threshold)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func put(t *testing.T, s *ActiveSet, node walrus.ID, stake uint64) bool {
	t.Helper()
	in, err := s.InsertOrUpdate(node, stake)
	if err != nil {
		t.Fatal(err)
	}
	return in
}

func wantMembers(t *testing.T, s *ActiveSet, in, out []walrus.ID) {
	t.Helper()
	active := s.ActiveIDs()
	for _, id := range in {
		if !slices.Contains(active, id) {
			t.Errorf("%s should be in the active set %v", id, active)
		}
	}
	for _, id := range out {
		if slices.Contains(active, id) {
			t.Errorf("%s should not be in the active set %v", id, active)
		}
	}
}

func TestNewActiveSet(t *testing.T) {
	if _, err := NewActiveSet(0, 0); !errors.Is(err, ErrZeroMaxSize) {
		t.Fatalf("error = %v, want EZeroMaxSize", err)
	}
	s := newSet(t, ActiveSetMaxSize, MinStake)
	if s.MaxSize != 150 || s.ThresholdStake != 0 || s.Size() != 0 || s.TotalStake != 0 {
		t.Fatalf("set %+v", s)
	}
	s.SetMaxSize(111)
	if s.Walrus().MaxSize != 111 {
		t.Fatal("SetMaxSize")
	}
}

// Golden: contracts/walrus/sources/staking/active_set.move test_evict_correct_node_simple.
func TestActiveSetGoldenEvictSimple(t *testing.T) {
	s := newSet(t, 5, 0)
	for i, stake := range []uint64{10, 9, 8, 7, 6} {
		put(t, s, addr(uint64(i+1)), stake)
	}
	total := uint64(10 + 9 + 8 + 7 + 6)
	if s.TotalStake != total {
		t.Fatalf("total %d", s.TotalStake)
	}
	put(t, s, addr(6), 11) // ejects @5
	total = total - 6 + 11
	if s.TotalStake != total {
		t.Fatalf("total %d, want %d", s.TotalStake, total)
	}
	wantMembers(t, s, ids(1, 2, 3, 4, 6), ids(5))
	// @6 took @5's place (index 4), the others kept theirs.
	if !slices.Equal(s.ActiveIDs(), ids(1, 2, 3, 4, 6)) {
		t.Fatalf("order %v", s.ActiveIDs())
	}
}

// Golden: active_set.move test_evict_correct_node_with_updates.
func TestActiveSetGoldenEvictWithUpdates(t *testing.T) {
	nodes := ids(1, 2, 3, 4, 5, 6)
	s := newSet(t, 5, 0)
	put(t, s, nodes[3], 7)
	put(t, s, nodes[0], 10)
	put(t, s, nodes[2], 8)
	put(t, s, nodes[1], 9)
	put(t, s, nodes[4], 6)
	total := uint64(10 + 9 + 8 + 7 + 6)
	if s.TotalStake != total {
		t.Fatalf("total %d", s.TotalStake)
	}
	for _, u := range []struct {
		node     int
		old, new uint64
	}{{0, 10, 12}, {2, 8, 13}, {3, 7, 9}, {1, 9, 10}, {4, 6, 7}} {
		put(t, s, nodes[u.node], u.new)
		total = total - u.old + u.new
		if s.TotalStake != total {
			t.Fatalf("after updating node %d: total %d, want %d", u.node, s.TotalStake, total)
		}
		if s.StakeForNode(nodes[u.node]) != u.new {
			t.Fatalf("stake of node %d is %d", u.node, s.StakeForNode(nodes[u.node]))
		}
	}
	put(t, s, nodes[5], 11) // ejects nodes[4] (@5, stake 7)
	total = total - 7 + 11
	if s.TotalStake != total || s.StakeForNode(nodes[5]) != 11 {
		t.Fatalf("total %d, want %d", s.TotalStake, total)
	}
	wantMembers(t, s, []walrus.ID{nodes[0], nodes[1], nodes[2], nodes[3], nodes[5]}, nodes[4:5])
}

// Golden: contracts/walrus/tests/staking/active_set_tests.move test_insert.
func TestActiveSetGoldenInsert(t *testing.T) {
	s := newSet(t, 3, 100)
	if put(t, s, addr(1), 99) { // below the threshold
		t.Fatal("a stake below the threshold was inserted")
	}
	put(t, s, addr(1), 200)
	put(t, s, addr(2), 300)
	put(t, s, addr(3), 400)
	if s.Size() != 3 || s.MaxSize != 3 || s.CurMinStake() != 200 {
		t.Fatalf("size %d, min %d", s.Size(), s.CurMinStake())
	}
	wantMembers(t, s, ids(1, 2, 3), nil)

	put(t, s, addr(4), 500)
	if s.Size() != 3 || s.CurMinStake() != 300 {
		t.Fatalf("size %d, min %d", s.Size(), s.CurMinStake())
	}
	wantMembers(t, s, ids(2, 3, 4), ids(1))

	if put(t, s, addr(5), 250) { // less than everyone: not inserted
		t.Fatal("@5 was inserted")
	}
	if s.Size() != 3 || s.CurMinStake() != 300 {
		t.Fatalf("size %d, min %d", s.Size(), s.CurMinStake())
	}
	wantMembers(t, s, ids(2, 3, 4), ids(5))

	put(t, s, addr(6), 1000)
	put(t, s, addr(7), 1000)
	put(t, s, addr(8), 1000)
	if s.Size() != 3 || s.CurMinStake() != 1000 {
		t.Fatalf("size %d, min %d", s.Size(), s.CurMinStake())
	}
	wantMembers(t, s, ids(6, 7, 8), ids(2, 3, 4))
}

// Golden: active_set_tests.move test_size_1.
func TestActiveSetGoldenSize1(t *testing.T) {
	s := newSet(t, 1, 100)
	if s.CurMinStake() != 100 {
		t.Fatal("min stake of an empty set")
	}
	put(t, s, addr(1), 1000)
	if s.CurMinStake() != 1000 {
		t.Fatal("min stake")
	}
	put(t, s, addr(2), 1001)
	if s.CurMinStake() != 1001 {
		t.Fatal("min stake")
	}
}

// Golden: active_set_tests.move kick_out_attack.
func TestActiveSetGoldenKickOutAttack(t *testing.T) {
	s := newSet(t, 3, 0)
	put(t, s, addr(1), 100)
	put(t, s, addr(2), 200)
	put(t, s, addr(3), 300)
	if s.Size() != 3 || s.CurMinStake() != 100 || s.ThresholdStake != 0 {
		t.Fatal("setup")
	}
	put(t, s, addr(4), 101) // kicks out @1
	if s.Size() != 3 {
		t.Fatal("size")
	}
	wantMembers(t, s, ids(4), ids(1))
	put(t, s, addr(4), 0) // removes itself
	if s.Size() != 2 {
		t.Fatal("size")
	}
	wantMembers(t, s, nil, ids(1, 4))
}

func TestActiveSetOrderAndRemove(t *testing.T) {
	s := newSet(t, 10, 0)
	for i := uint64(1); i <= 4; i++ {
		put(t, s, addr(i), 10*i)
	}
	// Remove swaps the last member into the hole: [1 2 3 4] -> [1 4 3].
	s.Remove(addr(2))
	if !slices.Equal(s.ActiveIDs(), ids(1, 4, 3)) || s.TotalStake != 80 {
		t.Fatalf("order %v total %d", s.ActiveIDs(), s.TotalStake)
	}
	// Removing a non-member changes nothing; a zero stake removes.
	s.Remove(addr(9))
	put(t, s, addr(1), 0)
	if !slices.Equal(s.ActiveIDs(), ids(3, 4)) || s.TotalStake != 70 {
		t.Fatalf("order %v total %d", s.ActiveIDs(), s.TotalStake)
	}
	gotIDs, gotStake := s.ActiveIDsAndStake()
	if !slices.Equal(gotIDs, ids(3, 4)) || !slices.Equal(gotStake, []uint64{30, 40}) {
		t.Fatalf("ActiveIDsAndStake = %v %v", gotIDs, gotStake)
	}
	// An update keeps the position.
	put(t, s, addr(3), 5)
	if !slices.Equal(s.ActiveIDs(), ids(3, 4)) || s.TotalStake != 45 {
		t.Fatalf("order %v total %d", s.ActiveIDs(), s.TotalStake)
	}
	// The BCS is walrus.ActiveSet's.
	var back walrus.ActiveSet
	if err := bcs.Unmarshal(bcs.Marshal(s.Walrus()), &back); err != nil || back.TotalStake != 45 || len(back.Nodes) != 2 {
		t.Fatalf("BCS round trip: %v %+v", err, back)
	}
}

func TestActiveSetOverflow(t *testing.T) {
	s := newSet(t, 2, 0)
	put(t, s, addr(1), ^uint64(0)-1)
	before := *s
	before.Nodes = slices.Clone(s.Nodes)
	if _, err := s.InsertOrUpdate(addr(2), 2); !errors.Is(err, ErrArithmetic) {
		t.Fatalf("insert overflow: error = %v", err)
	}
	if _, err := s.InsertOrUpdate(addr(1), ^uint64(0)); !errors.Is(err, ErrArithmetic) {
		t.Fatalf("update overflow: error = %v (Move adds before subtracting)", err)
	}
	if s.TotalStake != before.TotalStake || !slices.Equal(s.Nodes, before.Nodes) {
		t.Fatal("a failed call changed the set")
	}
}
