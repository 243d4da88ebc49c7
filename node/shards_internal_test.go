package node

import (
	"reflect"
	"testing"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/node/api"
	"github.com/tuskstore/tusk/node/store"
)

// TestPlanShards is the decision table of an epoch change (Walrus ShardDiffCalculator):
// gained shards sync from their previous owner (or recover without one), lost ones
// become read-only, read-only ones lost at an earlier change and data without a record
// are deleted, the rest is kept.
func TestPlanShards(t *testing.T) {
	self, other := walrus.ID{1}, walrus.ID{2}
	prev := &chain.Committee{Epoch: 4, NShards: 10, Members: []chain.CommitteeMember{
		{NodeID: self, Shards: []uint16{0, 1, 2}},
		{NodeID: other, NetworkAddress: "other:1", NetworkPublicKey: []byte{3}, Shards: []uint16{3, 4, 5, 6, 7, 8, 9}},
	}}
	next := &chain.Committee{Epoch: 5, NShards: 10, Members: []chain.CommitteeMember{
		{NodeID: self, Shards: []uint16{1, 2, 3, 7}},
		{NodeID: other, Shards: []uint16{0, 4, 5, 6, 8, 9}},
	}}
	v, err := newView(next, self, nil)
	if err != nil {
		t.Fatal(err)
	}
	recs := map[uint16]store.ShardRecord{
		0: {State: store.ShardReady, Epoch: 3},    // lost now
		1: {State: store.ShardReady, Epoch: 3},    // kept
		2: {State: store.ShardSyncing, Epoch: 4},  // kept, still syncing
		7: {State: store.ShardReadOnly, Epoch: 3}, // regained
		8: {State: store.ShardReadOnly, Epoch: 4}, // lost at the change to 4: deleted
		9: {State: store.ShardReadOnly, Epoch: 5}, // lost at 5 (a replay): kept
	}
	p := planShards(recs, []uint16{0, 1, 2, 6, 7, 8, 9}, v, prev, self)
	src := &store.ShardSource{NodeID: other, NetworkAddress: "other:1", NetworkPublicKey: []byte{3}}
	want := map[uint16]store.ShardRecord{
		0: {State: store.ShardReadOnly, Epoch: 5},
		3: {State: store.ShardSyncing, Epoch: 5, Source: src},
		7: {State: store.ShardSyncing, Epoch: 5, Source: src},
	}
	if !reflect.DeepEqual(p.put, want) {
		t.Fatalf("records %+v", p.put)
	}
	if !reflect.DeepEqual(p.drop, []uint16{8, 6}) || !reflect.DeepEqual(p.gained, []uint16{3, 7}) || !reflect.DeepEqual(p.lost, []uint16{0}) {
		t.Fatalf("drop %v gained %v lost %v", p.drop, p.gained, p.lost)
	}

	// Without a previous committee of epoch 4 the gained shards are recovered.
	for _, pc := range []*chain.Committee{nil, {Epoch: 3, Members: prev.Members}} {
		p = planShards(recs, nil, v, pc, self)
		if p.put[3].State != store.ShardRecovering || p.put[3].Source != nil || !reflect.DeepEqual(p.unknown, []uint16{3, 7}) {
			t.Fatalf("without the previous committee: %+v", p.put)
		}
	}
}

func TestOwnerBehind(t *testing.T) {
	invalid := func(server float64) error {
		return api.NewError(api.StatusInvalidArgument, api.ReasonInvalidEpoch, "x").With("server_epoch", server)
	}
	if !ownerBehind(invalid(4), 5) || ownerBehind(invalid(6), 5) || ownerBehind(api.Internal(), 5) ||
		ownerBehind(api.NewError(api.StatusInvalidArgument, api.ReasonInvalidEpoch, "no metadata"), 5) {
		t.Fatal("ownerBehind")
	}
}
