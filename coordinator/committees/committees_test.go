package committees_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/coordinator/committees"
	"github.com/tuskstore/tusk/coordinator/nodes"
)

type fakeChain struct {
	reads    atomic.Int64
	changing bool
	fail     error
}

func id(b byte) walrus.ID {
	var i walrus.ID
	i[0] = b
	return i
}

func (f *fakeChain) Committee(ctx context.Context) (*chain.Committee, error) {
	f.reads.Add(1)
	if f.fail != nil {
		return nil, f.fail
	}
	return &chain.Committee{Epoch: 5, NShards: 4, Members: []chain.CommitteeMember{
		{NodeID: id(1), NetworkAddress: "new-a:1", Shards: []uint16{0, 1}},
		{NodeID: id(2), NetworkAddress: "new-b:1", Shards: []uint16{2, 3}},
	}}, nil
}

func (f *fakeChain) SystemState(ctx context.Context) (*chain.SystemState, error) {
	s := &chain.SystemState{}
	s.Inner.FutureAccounting.Length = 53
	s.Inner.StoragePricePerUnitSize, s.Inner.WritePricePerUnitSize = 7, 3
	return s, nil
}

func (f *fakeChain) StakingState(ctx context.Context) (*chain.StakingState, error) {
	s := &chain.StakingState{}
	s.Inner.EpochDuration = 3_600_000
	s.Inner.EpochState = walrus.EpochState{Kind: walrus.EpochStateChangeDone, TimestampMs: 1_000_000}
	if f.changing {
		s.Inner.EpochState = walrus.EpochState{Kind: walrus.EpochStateChangeSync}
		// The previous epoch's assignment: one node held everything.
		s.Inner.PreviousCommittee = walrus.Committee{{NodeID: id(9), Shards: []uint16{3, 2, 1, 0}}}
	}
	return s, nil
}

func (f *fakeChain) Pools(ctx context.Context, ids ...walrus.ID) ([]walrus.StakingPool, error) {
	out := make([]walrus.StakingPool, len(ids))
	for i, x := range ids {
		out[i].NodeInfo = walrus.StorageNodeInfo{Name: "old", NodeID: x, NetworkAddress: "old:1", NetworkPublicKey: []byte{2}}
	}
	return out, nil
}

func pool() *nodes.Pool {
	return nodes.NewPool(nodes.DialFunc(func(*chain.CommitteeMember) (nodes.Node, error) { return nil, nil }))
}

func TestSourceCachesAndSharesReads(t *testing.T) {
	fc := &fakeChain{}
	s := committees.NewSource(fc, pool(), time.Hour)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := s.Current(context.Background()); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n := fc.reads.Load(); n != 1 {
		t.Fatalf("%d chain reads for 8 concurrent callers within the refresh interval", n)
	}
	st, _ := s.Current(context.Background())
	if st.Epoch != 5 || st.MaxEpochsAhead != 53 || st.Prices.StoragePerUnitEpoch != 7 || st.EpochDuration != time.Hour ||
		!st.EpochStart.Equal(time.UnixMilli(1_000_000)) || st.Previous != nil || st.Write.NShards() != 4 {
		t.Fatalf("state %+v", st)
	}
	if got := st.EpochStartTime(7); !got.Equal(time.UnixMilli(1_000_000).Add(2 * time.Hour)) {
		t.Fatalf("start of epoch 7: %v", got)
	}
	s.Invalidate()
	s.Current(context.Background())
	if n := fc.reads.Load(); n != 2 {
		t.Fatalf("%d reads after Invalidate, want 2", n)
	}
	fc.fail = errors.New("full node down")
	s.Invalidate()
	if _, err := s.Current(context.Background()); err == nil {
		t.Fatal("a failed read gave a state")
	}
}

func TestSourceEpochChangeKeepsPreviousCommitteeForReads(t *testing.T) {
	s := committees.NewSource(&fakeChain{changing: true}, pool(), time.Hour)
	st, err := s.Current(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st.Previous == nil || st.Previous.Epoch != 4 || len(st.Previous.Members) != 1 || st.Previous.Members[0].NetworkAddress != "old:1" {
		t.Fatalf("previous committee %+v", st.Previous)
	}
	if got := st.Previous.Members[0].Shards; len(got) != 4 || got[0] != 0 || got[3] != 3 {
		t.Fatalf("previous shards %v, want sorted", got)
	}
	five := uint32(5)
	if st.ReadCommittee(nil) != st.Previous || st.ReadCommittee(&five) != st.Write {
		t.Fatal("read committee rule")
	}
}
