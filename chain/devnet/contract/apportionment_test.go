package contract

import (
	"errors"
	"math/bits"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/tuskstore/tusk/chain/walrus"
)

// addr is Move's @n.to_id(): the address whose u256 value is n (big-endian bytes).
func addr(n uint64) walrus.ID {
	var id walrus.ID
	for i := 0; i < 8; i++ {
		id[31-i] = byte(n >> (8 * i))
	}
	return id
}

// pubDHondt is staking_inner.move pub_dhondt: priorities n_nodes - i.
func pubDHondt(nShards uint16, stake []uint64) ([]uint16, error) {
	n := uint64(len(stake))
	priorities := make([]uint64, n)
	for i := range priorities {
		priorities[i] = n - uint64(i)
	}
	return DHondt(priorities, nShards, stake)
}

func sum16(v []uint16) uint64 {
	var s uint64
	for _, x := range v {
		s += uint64(x)
	}
	return s
}

// dhondtCase is staking_inner_tests.move dhondt_case.
func dhondtCase(t *testing.T, nShards uint16, stake []uint64, want []uint16) {
	t.Helper()
	got, err := pubDHondt(nShards, stake)
	if err != nil {
		t.Fatalf("dhondt(%d, %v): %v", nShards, stake, err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("dhondt(%d, %v) = %v, want %v", nShards, stake, got, want)
	}
	if sum16(got) != uint64(nShards) {
		t.Errorf("dhondt(%d, %v) assigns %d shards", nShards, stake, sum16(got))
	}
}

func TestMaxShardsPerNode(t *testing.T) {
	for _, c := range []struct{ nodes, shards, want uint64 }{
		// fewer than 20 nodes: ceil(n_shards*20 / (n_nodes*10))
		{4, 10, 5},      // ceil(200/40) = 5
		{4, 1000, 500},  // ceil(20000/40) = 500
		{3, 10, 7},      // ceil(200/30) = ceil(6.67) = 7
		{19, 10, 2},     // ceil(200/190) = 2
		{19, 1000, 106}, // ceil(20000/190) = ceil(105.26) = 106
		{1, 10, 20},     // ceil(200/10) = 20 (more than n_shards: no cap)
		// 20 nodes and more: n_shards/10
		{20, 1000, 100},
		{20, 10, 1},
		{25, 1000, 100},
		{25, 10, 1},
		{25, 19, 1}, // 19/10 = 1
		{20, 9, 0},  // no node may hold a shard: see TestDHondtCapLeavesShardsUnplaced
	} {
		if got := MaxShardsPerNode(c.nodes, c.shards); got != c.want {
			t.Errorf("MaxShardsPerNode(%d nodes, %d shards) = %d, want %d", c.nodes, c.shards, got, c.want)
		}
	}
}

// Worked examples, computed by hand.
func TestDHondtWorkedExamples(t *testing.T) {
	// 3 nodes, stakes 100/50/25, 10 shards. The cap is ceil(10*20/30) = 7, which does not
	// bind. D'Hondt quotients stake/k:
	//   A(100): 100  50   33.3 25   20   16.7 | 14.3 ...
	//   B(50):   50  25   16.7 | 12.5 ...
	//   C(25):   25 | 12.5 ...
	// The 10 largest: 100 50 50 33.3 25 25 25 20 16.7 16.7 -> A 6, B 3, C 1 (the two 16.7
	// are exactly equal, 100/6 = 50/3, and both fit).
	// In Move's code: total 175, distribution number 175/11+1 = 16, Hagenbach-Bischoff lower
	// bounds 100/16 = 6, 50/16 = 3, 25/16 = 1, already 10 shards; the loop does not run.
	dhondtCase(t, 10, []uint64{100, 50, 25}, []uint16{6, 3, 1})

	// With the cap binding: 1000/50/25 over 10 shards. Without a cap A would take all 10
	// (its quotients 1000/k for k=1..10 are all >= 100 > 50). Cap 7:
	// distribution number 1075/11+1 = 98; lower bounds 10 -> min(10, 7) = 7, 0, 0.
	// A is at the cap and not queued. Queue: B 50/1 = 50, C 25/1 = 25.
	//   pop B (50): B=1, B requeued with 50/2 = 25            (8 shards)
	//   B 25 vs C 25 tie: tie-breakers B = 3-1 = 2, C = 3-2 = 1: B wins: B=2, requeued 16.7 (9)
	//   pop C (25): C=1                                          (10)
	dhondtCase(t, 10, []uint64{1000, 50, 25}, []uint16{7, 2, 1})

	// A tie at the boundary: 100/50/25 over 9 shards (cap ceil(180/30) = 6, not binding).
	// The 9th largest quotient is the tie 100/6 = 50/3 = 16.7; only one of them fits.
	// Distribution number 175/10+1 = 18, lower bounds 5, 2, 1 = 8 shards; queue A 100/6
	// (tie-breaker 3), B 50/3 (2), C 25/2: A and B tie, A's tie-breaker is higher: A=6.
	dhondtCase(t, 9, []uint64{100, 50, 25}, []uint16{6, 2, 1})
	// Listed the other way round, the 50 node comes before the 100 node and wins the tie:
	// lower bounds 1, 2, 5; queue 25/2 (3), 50/3 (2), 100/6 (1): the 50 node gets it.
	dhondtCase(t, 9, []uint64{25, 50, 100}, []uint16{1, 3, 5})
}

func TestDHondtTiesFollowPriority(t *testing.T) {
	// Equal stakes: every quotient ties, so the order of the nodes decides. 10 shards
	// over 4 equal nodes: lower bounds 2 each (distribution number 4000/11+1 = 364), then
	// the two left go to the highest priorities, nodes 0 and 1.
	dhondtCase(t, 10, []uint64{1000, 1000, 1000, 1000}, []uint16{3, 3, 2, 2})
	// Explicit priorities: the node with the larger tie-breaker wins, wherever it is.
	got, err := DHondt([]uint64{1, 2, 3, 4}, 10, []uint64{1000, 1000, 1000, 1000})
	if err != nil {
		t.Fatal(err)
	}
	if want := []uint16{2, 2, 3, 3}; !slices.Equal(got, want) {
		t.Errorf("DHondt with ascending priorities = %v, want %v", got, want)
	}
}

func TestDHondtZeroStake(t *testing.T) {
	// staking_inner_tests.move test_dhondt_edge_case "low stake": [1, 0, 0] over 5 shards.
	// Cap ceil(5*20/30) = 4; the staked node reaches it; the last shard goes to a node with
	// no stake (quotient 0/1 = 0 for both, the tie to the earlier one).
	dhondtCase(t, 5, []uint64{1, 0, 0}, []uint16{4, 1, 0})
	// Zero-stake nodes get nothing while anyone below the cap has stake.
	dhondtCase(t, 10, []uint64{0, 5, 0, 5}, []uint16{0, 5, 0, 5})

	for _, stake := range [][]uint64{nil, {0}, {0, 0, 0}} {
		if _, err := pubDHondt(10, stake); !errors.Is(err, ErrNoStake) {
			t.Errorf("dhondt(10, %v) error = %v, want ENoStake", stake, err)
		}
	}
}

func TestDHondtCapLeavesShardsUnplaced(t *testing.T) {
	// 20 nodes and 9 shards: the cap is 9/10 = 0, the queue is empty from the start, and
	// Move aborts in apportionment_queue::pop_max.
	stake := make([]uint64, 20)
	for i := range stake {
		stake[i] = 100
	}
	if _, err := pubDHondt(9, stake); !errors.Is(err, ErrPopFromEmptyHeap) {
		t.Fatalf("error = %v, want EPopFromEmptyHeap", err)
	}
	// 10 shards work (cap 1).
	dhondtCase(t, 10, stake[:10], []uint16{1, 1, 1, 1, 1, 1, 1, 1, 1, 1})
}

func TestDHondtOverflow(t *testing.T) {
	_, err := pubDHondt(10, []uint64{1 << 63, 1 << 63})
	if !errors.Is(err, ErrArithmetic) {
		t.Fatalf("error = %v, want ErrArithmetic", err)
	}
	// The largest total works.
	dhondtCase(t, 10, []uint64{^uint64(0) - 1, 1}, []uint16{10, 0})
}

// Golden: contracts/walrus/tests/staking/staking_inner_tests.move test_dhondt_basic.
func TestDHondtGoldenBasic(t *testing.T) {
	stake := []uint64{25000, 25000, 25000, 25000}
	dhondtCase(t, 4, stake, []uint16{1, 1, 1, 1})
	dhondtCase(t, 778, stake, []uint16{195, 195, 194, 194})
	dhondtCase(t, 1000, stake, []uint16{250, 250, 250, 250})
	stake = []uint64{50000, 30000, 15000, 5000}
	dhondtCase(t, 4, stake, []uint16{2, 2, 0, 0})
	dhondtCase(t, 777, stake, []uint16{389, 234, 116, 38})
	dhondtCase(t, 1000, stake, []uint16{500, 300, 150, 50})
	stake = []uint64{50000, 50000, 30000, 15000, 15000, 5000}
	dhondtCase(t, 4, stake, []uint16{2, 1, 1, 0, 0, 0})
	dhondtCase(t, 777, stake, []uint16{236, 236, 142, 70, 70, 23})
	dhondtCase(t, 1000, stake, []uint16{303, 303, 182, 91, 91, 30})
}

// Golden: staking_inner_tests.move test_dhondt_ties.
func TestDHondtGoldenTies(t *testing.T) {
	stake := []uint64{25000, 25000, 25000, 25000}
	dhondtCase(t, 7, stake, []uint16{2, 2, 2, 1})
	dhondtCase(t, 6, stake, []uint16{2, 2, 1, 1})
	dhondtCase(t, 7, []uint64{200, 200, 200, 100}, []uint16{2, 2, 2, 1})
	dhondtCase(t, 9, []uint64{200, 200, 200, 100, 100, 100}, []uint16{2, 2, 2, 1, 1, 1})
	dhondtCase(t, 18, []uint64{780_000, 650_000, 520_000, 390_000, 260_000}, []uint16{6, 5, 4, 2, 1})
}

// Golden: staking_inner_tests.move test_dhondt_edge_case and test_dhondt_no_stake.
func TestDHondtGoldenEdgeCases(t *testing.T) {
	dhondtCase(t, 0, []uint64{100, 90, 80}, []uint16{0, 0, 0})
	dhondtCase(t, 5, []uint64{1, 0, 0}, []uint16{4, 1, 0})
	const s = 1_000_000
	dhondtCase(t, 3, []uint64{s, s - 1}, []uint16{2, 1})
	dhondtCase(t, 500, []uint64{1_000_000_000_000, 900_000_000_000, 100_000_000_000}, []uint16{250, 225, 25})
	if _, err := pubDHondt(0, []uint64{0, 0, 0}); !errors.Is(err, ErrNoStake) {
		t.Errorf("test_dhondt_no_stake: error = %v, want ENoStake", err)
	}
}

// Golden: staking_inner_tests.move test_dhondt_without_max_shards and
// test_dhondt_with_max_shards.
func TestDHondtGoldenMaxShards(t *testing.T) {
	dhondtCase(t, 1000, []uint64{600, 100, 200, 100}, []uint16{500, 125, 250, 125})

	stakes := make([]uint64, 21)
	want := make([]uint16, 21)
	for i := range stakes {
		stakes[i], want[i] = 20, 45
		if i == 5 {
			stakes[i], want[i] = 200, 100
		}
	}
	dhondtCase(t, 1000, stakes, want)
}

// Golden: staking_inner_tests.move test_larger_dhondt_inputs_{100,1000}_nodes_fixed_stake
// (larger_dhondt_inputs: a tenth of the nodes get shards, all shards are assigned).
func TestDHondtGoldenLargerInputs(t *testing.T) {
	run := func(name string, bp func(i int) uint64, nodes int) {
		t.Run(name, func(t *testing.T) {
			const totalStake = 10_000_000_000_000_000_000
			stake := make([]uint64, nodes)
			var sumBP uint64
			for i := range stake {
				sumBP += bp(i)
				// (bp * total_stake / 10_000) in u128
				stake[i] = bp(i) * (totalStake / 10_000)
			}
			if sumBP != 10_000 {
				t.Fatalf("basis points add up to %d", sumBP)
			}
			alloc, err := pubDHondt(1000, stake)
			if err != nil {
				t.Fatal(err)
			}
			withShards := 0
			for _, n := range alloc {
				if n > 0 {
					withShards++
				}
			}
			if withShards != nodes/10 {
				t.Errorf("%d nodes with shards, want %d", withShards, nodes/10)
			}
			if sum16(alloc) != 1000 {
				t.Errorf("%d shards assigned", sum16(alloc))
			}
		})
	}
	run("100 nodes", func(i int) uint64 {
		switch {
		case i < 5:
			return 1250
		case i < 9:
			return 733
		case i < 10:
			return 728
		}
		return 1
	}, 100)
	run("1000 nodes", func(i int) uint64 {
		switch {
		case i < 50:
			return 125
		case i < 90:
			return 60
		case i < 100:
			return 45
		}
		return 1
	}, 1000)
}

// The random tests of staking_inner_tests.move (random_dhondt_inputs) with a fixed seed,
// plus the D'Hondt properties: all shards placed, the cap kept, and no node could trade
// a shard for a strictly larger quotient (the D'Hondt optimality condition).
func TestDHondtRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for iter := range 300 {
		nodes := 1 + rng.IntN(120)
		if iter%50 == 0 {
			nodes = 1000
		}
		nShards := uint16(rng.IntN(1001))
		if nodes >= MinNodesForShardsLimit && nShards < 10 {
			nShards += 10
		}
		// random_dhondt_setup: stake in [1, 100) thousandths of the total, the rest to node 0.
		total := uint64(10_000_000_000_000_000_000)
		stake := make([]uint64, nodes)
		for i := range stake {
			s := (1 + rng.Uint64N(99)) * (total / 1000)
			if s > total {
				s = total
			}
			stake[i] = s
			total -= s
		}
		stake[0] += total
		if iter%3 == 0 { // some nodes without stake
			for i := 1; i < nodes; i += 3 {
				stake[i] = 0
			}
		}
		alloc, err := pubDHondt(nShards, stake)
		if err != nil {
			t.Fatalf("iter %d: %v", iter, err)
		}
		if sum16(alloc) != uint64(nShards) {
			t.Fatalf("iter %d: %d shards assigned, want %d", iter, sum16(alloc), nShards)
		}
		capShards := MaxShardsPerNode(uint64(nodes), uint64(nShards))
		for i, a := range alloc {
			if uint64(a) > capShards {
				t.Fatalf("iter %d: node %d has %d shards, cap %d", iter, i, a, capShards)
			}
		}
		// The smallest quotient that got a shard, stake_i/a_i, is at least the largest
		// that did not, stake_j/(a_j+1), for nodes j below the cap.
		for i, a := range alloc {
			if a == 0 {
				continue
			}
			for j, b := range alloc {
				if uint64(b) >= capShards || i == j {
					continue
				}
				// stake_i/a < stake_j/(b+1)  <=>  stake_i*(b+1) < stake_j*a (in u128)
				if lessQuotient(stake[i], uint64(a), stake[j], uint64(b)+1) {
					t.Fatalf("iter %d: node %d (%d shards, stake %d) beaten by node %d (%d shards, stake %d)",
						iter, i, a, stake[i], j, b, stake[j])
				}
			}
		}
	}
}

// lessQuotient reports whether s1/d1 < s2/d2 exactly (s1*d2 < s2*d1 in 128 bits).
func lessQuotient(s1, d1, s2, d2 uint64) bool {
	h1, l1 := bits.Mul64(s1, d2)
	h2, l2 := bits.Mul64(s2, d1)
	return h1 < h2 || (h1 == h2 && l1 < l2)
}

// Golden: contracts/walrus/sources/staking/apportionment_queue.move test_pq.
func TestApportionmentQueueGolden(t *testing.T) {
	raw := func(v uint64) uq64x64 { return uq64x64{lo: v} } // uq64_64::from_raw for small values
	newFilled := func(priorities, tieBreakers []uint64, values []int) *apportionmentQueue {
		var q apportionmentQueue
		for i := range priorities {
			q.insert(raw(priorities[i]), tieBreakers[i], values[i])
		}
		return &q
	}
	check := func(q *apportionmentQueue, wantPriority uint64, wantValue int) {
		t.Helper()
		e, ok := q.popMax()
		if !ok || e.priority != raw(wantPriority) || e.value != wantValue {
			t.Fatalf("pop_max = %+v (ok %v), want priority %d value %d", e, ok, wantPriority, wantValue)
		}
	}
	h := newFilled([]uint64{3, 1, 4, 2, 5, 2}, []uint64{1, 2, 3, 4, 5, 6}, []int{10, 20, 30, 40, 50, 60})
	check(h, 5, 50)
	check(h, 4, 30)
	check(h, 3, 10)
	h.insert(raw(7), 7, 70)
	check(h, 7, 70)
	check(h, 2, 60)
	h.insert(raw(0), 8, 80)
	check(h, 2, 40)
	check(h, 1, 20)
	check(h, 0, 80)
	if _, ok := h.popMax(); ok {
		t.Fatal("pop_max on an empty queue succeeded")
	}

	h = newFilled([]uint64{5, 3, 1, 2, 4}, []uint64{10, 20, 30, 40, 50}, []int{10, 20, 30, 40, 50})
	check(h, 5, 10)
	check(h, 4, 50)
	check(h, 3, 20)
	check(h, 2, 40)
	check(h, 1, 30)
}

func TestFromQuotient(t *testing.T) {
	for _, c := range []struct {
		num, den uint64
		want     uq64x64
	}{
		{0, 1, uq64x64{}},
		{1, 1, uq64x64{hi: 1}},
		{1, 2, uq64x64{lo: 1 << 63}},
		{7, 2, uq64x64{hi: 3, lo: 1 << 63}},
		{1, 3, uq64x64{lo: 0x5555555555555555}},
		{^uint64(0), 1, uq64x64{hi: ^uint64(0)}},
	} {
		if got := fromQuotient(c.num, c.den); got != c.want {
			t.Errorf("fromQuotient(%d, %d) = %+v, want %+v", c.num, c.den, got, c.want)
		}
	}
	// 100/6 and 50/3 are equal; 100/6 > 33/2.
	if fromQuotient(100, 6) != fromQuotient(50, 3) || !fromQuotient(100, 6).gt(fromQuotient(33, 2)) {
		t.Error("quotient comparison")
	}
}

func TestSelectCommittee(t *testing.T) {
	nodes := []NodeStake{
		{NodeID: addr(3), StakedAmount: 100},
		{NodeID: addr(1), StakedAmount: 0},
		{NodeID: addr(2), StakedAmount: 50},
		{NodeID: addr(4), StakedAmount: 25},
	}
	// Priorities 4, 3, 2, 1; cap ceil(10*20/(4*10)) = 5. Total 175, distribution number
	// 175/11+1 = 16: lower bounds 100/16 = 6 -> 5 (the cap, so @3 is not queued), 0,
	// 50/16 = 3, 25/16 = 1: 9 shards. Queue: @1 0/1 = 0, @2 50/4 = 12.5, @4 25/2 = 12.5.
	// The tie 12.5 goes to @2 (priority 2 > 1): [5, 0, 4, 1]; @1 has none and is dropped.
	got, err := SelectCommittee(10, nodes)
	if err != nil {
		t.Fatal(err)
	}
	want := Assignment{{addr(3), 5}, {addr(2), 4}, {addr(4), 1}}
	if !slices.Equal(got, want) {
		t.Fatalf("SelectCommittee = %v, want %v", got, want)
	}
	if got.Total() != 10 || got.Count(addr(2)) != 4 || got.Count(addr(1)) != 0 {
		t.Error("Assignment accessors")
	}

	dup := append(slices.Clone(nodes), NodeStake{NodeID: addr(3), StakedAmount: 100})
	if _, err := SelectCommittee(10, dup); !errors.Is(err, ErrKeyAlreadyExists) {
		t.Errorf("duplicate node: error = %v, want EKeyAlreadyExists", err)
	}
}
