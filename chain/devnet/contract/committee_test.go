package contract

import (
	"errors"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/internal/bcs"
)

func counts(ids []walrus.ID, n []uint16) Assignment {
	a := make(Assignment, len(ids))
	for i := range ids {
		a[i] = ShardCount{NodeID: ids[i], Shards: n[i]}
	}
	return a
}

func ids(ns ...uint64) []walrus.ID {
	out := make([]walrus.ID, len(ns))
	for i, n := range ns {
		out[i] = addr(n)
	}
	return out
}

func mustInit(t *testing.T, a Assignment) walrus.Committee {
	t.Helper()
	c, err := InitialCommittee(a)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func mustTransition(t *testing.T, old walrus.Committee, a Assignment) walrus.Committee {
	t.Helper()
	c, err := TransitionCommittee(old, a)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func wantShards(t *testing.T, c walrus.Committee, node walrus.ID, want ...uint16) {
	t.Helper()
	got, ok := c.ShardsOf(node)
	if !ok {
		t.Fatalf("node %s is not in the committee", node)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("node %s holds %v, want %v", node, got, want)
	}
}

// checkCommittee checks the invariants of an on-chain committee: sorted by node ID, no
// node twice, and the shards exactly 0..n-1, each once.
func checkCommittee(t *testing.T, c walrus.Committee, nShards int) {
	t.Helper()
	if !c.IsSortedByNodeID() {
		t.Fatalf("committee not sorted by node ID: %v", c.NodeIDs())
	}
	seenNode := map[walrus.ID]bool{}
	seen := make([]bool, nShards)
	total := 0
	for _, e := range c {
		if seenNode[e.NodeID] {
			t.Fatalf("node %s twice", e.NodeID)
		}
		seenNode[e.NodeID] = true
		for _, s := range e.Shards {
			if int(s) >= nShards {
				t.Fatalf("shard %d out of range %d", s, nShards)
			}
			if seen[s] {
				t.Fatalf("shard %d held twice", s)
			}
			seen[s] = true
			total++
		}
	}
	if total != nShards {
		t.Fatalf("%d shards held, want %d", total, nShards)
	}
}

func TestInitialCommitteeSequentialInIDOrder(t *testing.T) {
	// Counts given out of order: shards are numbered in node-ID (byte) order.
	a := Assignment{{addr(0x300), 2}, {addr(0x2), 3}, {addr(0x1ff), 1}}
	c := mustInit(t, a)
	if want := ids(0x2, 0x1ff, 0x300); !slices.Equal(c.NodeIDs(), want) {
		t.Fatalf("order %v, want %v", c.NodeIDs(), want)
	}
	wantShards(t, c, addr(0x2), 0, 1, 2)
	wantShards(t, c, addr(0x1ff), 3)
	wantShards(t, c, addr(0x300), 4, 5)
	checkCommittee(t, c, 6)
	// The input is not modified.
	if a[0].NodeID != addr(0x300) {
		t.Fatal("InitialCommittee reordered its argument")
	}

	// A node ID's first byte counts most (to_u256 of the big-endian bytes).
	hi := walrus.ID{0x01}
	c = mustInit(t, Assignment{{hi, 1}, {addr(0xffff), 1}})
	if c[0].NodeID != addr(0xffff) || c[1].NodeID != hi {
		t.Fatalf("order %v", c.NodeIDs())
	}

	if _, err := InitialCommittee(Assignment{{addr(1), 1}, {addr(1), 2}}); !errors.Is(err, ErrKeyAlreadyExists) {
		t.Fatalf("duplicate: error = %v", err)
	}
	// More than 65535 shards overflow Move's u16 shard index.
	big := Assignment{{addr(1), 0xffff}, {addr(2), 1}}
	if _, err := InitialCommittee(big); !errors.Is(err, ErrArithmetic) {
		t.Fatalf("65536 shards: error = %v", err)
	}
	if _, err := InitialCommittee(Assignment{{addr(1), 0xffff}}); err != nil {
		t.Fatalf("65535 shards: %v", err)
	}
}

// Golden: contracts/walrus/tests/staking/committee_tests.move
// sort_and_preserve_shards_correctly, with the exact shards Move produces.
func TestCommitteeGoldenSortAndPreserve(t *testing.T) {
	nodes := ids(3, 2, 1, 0) // reverse order on purpose
	cmt := mustInit(t, counts(nodes, []uint16{2, 2, 2, 2}))
	if len(cmt) != 4 {
		t.Fatalf("size %d", len(cmt))
	}
	wantShards(t, cmt, addr(0), 0, 1)
	wantShards(t, cmt, addr(1), 2, 3)
	wantShards(t, cmt, addr(2), 4, 5)
	wantShards(t, cmt, addr(3), 6, 7)

	// Remove the two last nodes (@1, @0); @3 and @2 get 4 each.
	// Walk (sorted): @0 leaves -> to_move [0 1]; @1 leaves -> [0 1 2 3]; @2 needs more and
	// is moved to the end of new_assignments: [@3:4 @2:4]; @3 likewise: [@2:4 @3:4].
	// Then @2 pops 3, 2 and @3 pops 1, 0.
	cmt2 := mustTransition(t, cmt, counts(nodes[:2], []uint16{4, 4}))
	if len(cmt2) != 2 {
		t.Fatalf("size %d", len(cmt2))
	}
	wantShards(t, cmt2, addr(3), 6, 7, 1, 0)
	wantShards(t, cmt2, addr(2), 4, 5, 3, 2)
	checkCommittee(t, cmt2, 8)
}

// Golden: committee_tests.move default_scenario, with the exact shards.
func TestCommitteeGoldenDefaultScenario(t *testing.T) {
	n := ids(1, 2, 3, 4, 5)
	cmt := mustInit(t, counts(n, []uint16{2, 2, 2, 2, 2}))
	wantShards(t, cmt, n[0], 0, 1)
	wantShards(t, cmt, n[1], 2, 3)
	wantShards(t, cmt, n[2], 4, 5)
	wantShards(t, cmt, n[3], 6, 7)
	wantShards(t, cmt, n[4], 8, 9)

	// n1:4 n2:3 n3:3. n1, n2, n3 grow and are re-queued in that order; n4 and n5 leave:
	// to_move [6 7 8 9]. n1 pops 9, 8; n2 pops 7; n3 pops 6.
	cmt2 := mustTransition(t, cmt, counts(n[:3], []uint16{4, 3, 3}))
	if len(cmt2) != 3 {
		t.Fatalf("size %d", len(cmt2))
	}
	wantShards(t, cmt2, n[0], 0, 1, 9, 8)
	wantShards(t, cmt2, n[1], 2, 3, 7)
	wantShards(t, cmt2, n[2], 4, 5, 6)
	checkCommittee(t, cmt2, 10)

	// n2:3 n3:3 n4:2 n5:2. n1 leaves: to_move [0 1 9 8]; n2, n3 keep theirs; the new
	// nodes in the order given: n4 pops 8, 9; n5 pops 1, 0.
	cmt3 := mustTransition(t, cmt2, counts(n[1:], []uint16{3, 3, 2, 2}))
	if len(cmt3) != 4 {
		t.Fatalf("size %d", len(cmt3))
	}
	wantShards(t, cmt3, n[1], 2, 3, 7)
	wantShards(t, cmt3, n[2], 4, 5, 6)
	wantShards(t, cmt3, n[3], 8, 9)
	wantShards(t, cmt3, n[4], 1, 0)
	checkCommittee(t, cmt3, 10)

	// n1:10. Everybody leaves: to_move [2 3 7 | 4 5 6 | 8 9 | 1 0]; n1 pops from the back.
	cmt4 := mustTransition(t, cmt3, counts(n[:1], []uint16{10}))
	if len(cmt4) != 1 {
		t.Fatalf("size %d", len(cmt4))
	}
	wantShards(t, cmt4, n[0], 0, 1, 9, 8, 6, 5, 4, 7, 3, 2)
}

// Golden: committee_tests.move ignore_empty_assignments.
func TestCommitteeGoldenIgnoreEmptyAssignments(t *testing.T) {
	n := ids(1, 2, 3, 4, 5)
	cmt := mustInit(t, counts(n, []uint16{2, 2, 2, 0, 0}))
	if !cmt.IsSortedByNodeID() || len(cmt) != 5 { // initialize keeps the empty entries
		t.Fatalf("committee %v", cmt)
	}
	wantShards(t, cmt, n[3])
	cmt2 := mustTransition(t, cmt, counts(n, []uint16{0, 2, 2, 2, 0}))
	if !cmt2.IsSortedByNodeID() || len(cmt2) != 3 {
		t.Fatalf("committee %v", cmt2)
	}
	s2, _ := cmt.ShardsOf(n[1])
	s3, _ := cmt.ShardsOf(n[2])
	wantShards(t, cmt2, n[1], s2...)
	wantShards(t, cmt2, n[2], s3...)
	wantShards(t, cmt2, n[3], 1, 0) // n1's shards, popped from the back
}

// Golden: committee_tests.move reject_invalid_shard_assignment.
func TestCommitteeGoldenRejectInvalidShardAssignment(t *testing.T) {
	n := ids(1, 2, 3)
	cmt := mustInit(t, counts(n, []uint16{2, 2, 2}))
	cmt2 := mustTransition(t, cmt, counts(n, []uint16{1, 3, 2}))
	if !cmt2.IsSortedByNodeID() {
		t.Fatal("not sorted")
	}
	wantShards(t, cmt2, n[0], 0)
	wantShards(t, cmt2, n[1], 2, 3, 1)
	wantShards(t, cmt2, n[2], 4, 5)
	_, err := TransitionCommittee(cmt2, counts(n, []uint16{3, 3, 2}))
	if !errors.Is(err, ErrInvalidShardAssignment) {
		t.Fatalf("error = %v, want EInvalidShardAssignment", err)
	}
	var abort *Abort
	if !errors.As(err, &abort) || abort.Module != "walrus::committee" || abort.Code != 0 {
		t.Fatalf("abort = %+v", abort)
	}
}

// Golden: committee_tests.move diff_at_different_sizes.
func TestCommitteeGoldenDiff(t *testing.T) {
	cmt := func(ns ...uint64) walrus.Committee {
		n := make([]uint16, len(ns))
		for i := range n {
			n[i] = uint16(i)
		}
		return mustInit(t, counts(ids(ns...), n))
	}
	left, right := CommitteeDiff(cmt(1, 2, 3), cmt(2, 3, 4))
	if !slices.Equal(left, ids(1)) || !slices.Equal(right, ids(4)) {
		t.Fatalf("diff = %v, %v", left, right)
	}
	left, right = CommitteeDiff(cmt(1, 5), nil)
	if !slices.Equal(left, ids(1, 5)) || right != nil {
		t.Fatalf("diff = %v, %v", left, right)
	}
}

func TestTransitionKeepsShardsWhenCountsDoNotChange(t *testing.T) {
	n := ids(7, 3, 9, 1)
	cmt := mustInit(t, counts(n, []uint16{3, 2, 4, 1}))
	// Same counts, given in another order: the committee is unchanged.
	again := mustTransition(t, cmt, counts(ids(1, 9, 7, 3), []uint16{1, 4, 3, 2}))
	if !reflect.DeepEqual(again, cmt) {
		t.Fatalf("transition with the same counts changed the committee:\n%v\n%v", cmt, again)
	}
	// The result shares no memory with the old committee.
	again[0].Shards[0] = 999
	if cmt[0].Shards[0] == 999 {
		t.Fatal("the new committee aliases the old one")
	}
}

func TestTransitionMovesExactlyTheSurplus(t *testing.T) {
	// @1 [0 1 2], @2 [3 4 5], @3 [6 7 8 9]. @2 drops to 2, @3 grows to 5: @2 gives up its
	// last shard (pop_back), 5, and @3 appends it. Nothing else moves.
	n := ids(1, 2, 3)
	cmt := mustInit(t, counts(n, []uint16{3, 3, 4}))
	next := mustTransition(t, cmt, counts(n, []uint16{3, 2, 5}))
	wantShards(t, next, n[0], 0, 1, 2)
	wantShards(t, next, n[1], 3, 4)
	wantShards(t, next, n[2], 6, 7, 8, 9, 5)

	// @2 drops to 1 and a new node @0 takes the surplus: @2 pops 5 then 4: to_move [5 4];
	// @0 pops 4 then 5.
	next = mustTransition(t, cmt, counts(ids(1, 2, 3, 0), []uint16{3, 1, 4, 2}))
	wantShards(t, next, addr(0), 4, 5)
	wantShards(t, next, n[1], 3)
	if next[0].NodeID != addr(0) {
		t.Fatal("the new node is not sorted first")
	}
	checkCommittee(t, next, 10)

	// A count of 0 is like leaving; a new node with 0 is ignored.
	next = mustTransition(t, cmt, counts(ids(1, 2, 3, 4), []uint16{3, 0, 7, 0}))
	if len(next) != 2 {
		t.Fatalf("committee %v", next)
	}
	wantShards(t, next, n[2], 6, 7, 8, 9, 5, 4, 3)
}

func TestTransitionErrors(t *testing.T) {
	cmt := mustInit(t, counts(ids(1, 2), []uint16{2, 2}))
	if _, err := TransitionCommittee(cmt, counts(ids(1, 1), []uint16{2, 2})); !errors.Is(err, ErrKeyAlreadyExists) {
		t.Errorf("duplicate: error = %v", err)
	}
	if _, err := TransitionCommittee(cmt, counts(ids(1, 2), []uint16{0xffff, 1})); !errors.Is(err, ErrArithmetic) {
		t.Errorf("u16 sum overflow: error = %v", err)
	}
	if _, err := TransitionCommittee(cmt, counts(ids(1, 2), []uint16{2, 1})); !errors.Is(err, ErrInvalidShardAssignment) {
		t.Errorf("too few shards: error = %v", err)
	}
	// An empty committee only transitions to an empty one.
	if c, err := TransitionCommittee(nil, nil); err != nil || len(c) != 0 {
		t.Errorf("empty transition = %v, %v", c, err)
	}
}

// Property test over random stakes and epochs: every committee holds each shard exactly
// once, matches the apportionment, and moves only what it must.
func TestComputeNextCommitteeRandomEpochs(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for run := range 60 {
		nShards := uint16(10 + rng.IntN(991))
		nNodes := 1 + rng.IntN(40)
		nodeIDs := make([]walrus.ID, nNodes)
		for i := range nodeIDs {
			nodeIDs[i] = DeriveObjectID([32]byte{byte(run)}, uint64(i))
		}
		set, err := NewActiveSet(ActiveSetMaxSize, MinStake)
		if err != nil {
			t.Fatal(err)
		}
		var cmt walrus.Committee
		for epoch := range 12 {
			// Restake a random subset; some nodes drop to 0 and leave the active set.
			for i := range nodeIDs {
				if epoch > 0 && rng.IntN(3) != 0 {
					continue
				}
				stake := uint64(0)
				if rng.IntN(5) != 0 {
					stake = 1 + rng.Uint64N(1_000_000)*FrostPerWAL
				}
				if _, err := set.InsertOrUpdate(nodeIDs[i], stake); err != nil {
					t.Fatal(err)
				}
			}
			if set.TotalStake == 0 {
				if _, err := set.InsertOrUpdate(nodeIDs[0], FrostPerWAL); err != nil {
					t.Fatal(err)
				}
			}
			assignment, err := set.SelectCommittee(nShards)
			if err != nil {
				t.Fatalf("run %d epoch %d: %v", run, epoch, err)
			}
			next, err := ComputeNextCommittee(cmt, nShards, set.Nodes)
			if err != nil {
				t.Fatalf("run %d epoch %d: %v", run, epoch, err)
			}
			checkCommittee(t, next, int(nShards))
			if len(next) != len(assignment) {
				t.Fatalf("committee of %d nodes, assignment of %d", len(next), len(assignment))
			}
			moved := 0
			for _, e := range next {
				if want := assignment.Count(e.NodeID); int(want) != len(e.Shards) || want == 0 {
					t.Fatalf("node %s holds %d shards, assigned %d", e.NodeID, len(e.Shards), want)
				}
				prev, _ := cmt.ShardsOf(e.NodeID)
				// A node keeps a prefix of its shards (all of them if it grows or stays).
				keep := min(len(prev), len(e.Shards))
				if !slices.Equal(e.Shards[:keep], prev[:keep]) {
					t.Fatalf("node %s: %v -> %v does not keep its shards in place", e.NodeID, prev, e.Shards)
				}
				moved += len(e.Shards) - keep
			}
			// Exactly the shards that had to move did: the sum of the decreases (leaving
			// nodes decrease to 0).
			need := 0
			for _, e := range cmt {
				need += max(0, len(e.Shards)-int(assignment.Count(e.NodeID)))
			}
			if epoch > 0 && moved != need {
				t.Fatalf("run %d epoch %d: %d shards moved, %d had to", run, epoch, moved, need)
			}
			// The BCS of the committee round-trips.
			var back walrus.Committee
			if err := bcs.Unmarshal(bcs.Marshal(next), &back); err != nil || !reflect.DeepEqual(back, next) {
				t.Fatalf("BCS round trip: %v", err)
			}
			cmt = next
		}
	}
}
