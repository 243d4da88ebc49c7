// Package committees gives the store and read flows the committees they talk to: the
// current (write) committee, connected, and during an epoch change the previous one,
// which keeps serving reads of blobs certified before the new epoch (Walrus's read
// committee rule). It also carries what the flows need from the System and Staking
// objects: epoch, its timing, prices, maximum epochs ahead. The state is read from the
// chain at most once per refresh interval and shared by concurrent callers.
package committees

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/coordinator/nodes"
)

// Chain is what the source reads from the chain (chain.Client has these methods).
type Chain interface {
	Committee(ctx context.Context) (*chain.Committee, error)
	SystemState(ctx context.Context) (*chain.SystemState, error)
	StakingState(ctx context.Context) (*chain.StakingState, error)
	Pools(ctx context.Context, nodeIDs ...walrus.ID) ([]walrus.StakingPool, error)
}

// State is a snapshot of the committees and of the system parameters.
type State struct {
	Epoch uint32
	// Write is the current committee: stores go to it.
	Write *nodes.Committee
	// Previous is the previous epoch's committee while an epoch change is in progress
	// (nil otherwise): it serves reads of blobs certified before Epoch.
	Previous *nodes.Committee
	// EpochStart is when the current epoch started (as the chain records it), and
	// EpochDuration its nominal length.
	EpochStart    time.Time
	EpochDuration time.Duration
	// MaxEpochsAhead is how far ahead storage can be bought.
	MaxEpochsAhead uint32
	Prices         chain.Prices
	Capacity       chain.Capacity
	// Fetched is when the snapshot was read.
	Fetched time.Time
}

// ReadCommittee is the committee to read a blob from: the previous committee during an
// epoch change for a blob certified before the current epoch (or of unknown
// certification epoch), the current one otherwise.
func (s *State) ReadCommittee(initialCertifiedEpoch *uint32) *nodes.Committee {
	if s.Previous != nil && (initialCertifiedEpoch == nil || *initialCertifiedEpoch < s.Epoch) {
		return s.Previous
	}
	return s.Write
}

// EpochStartTime estimates when epoch e starts (e may be in the future).
func (s *State) EpochStartTime(e uint32) time.Time {
	return s.EpochStart.Add(time.Duration(int64(e)-int64(s.Epoch)) * s.EpochDuration)
}

// Source reads and caches the State.
type Source struct {
	chain   Chain
	pool    *nodes.Pool
	refresh time.Duration
	now     func() time.Time

	mu    sync.Mutex
	state *State
	// inflight is closed when the running refresh ends.
	inflight chan struct{}
	lastErr  error
}

// NewSource returns a source reading from c, connecting members through pool, and
// re-reading the chain when its snapshot is older than refresh.
func NewSource(c Chain, pool *nodes.Pool, refresh time.Duration) *Source {
	return &Source{chain: c, pool: pool, refresh: refresh, now: time.Now}
}

// Current returns a snapshot no older than the refresh interval, reading the chain if
// needed (one read at a time; concurrent callers wait for it).
func (s *Source) Current(ctx context.Context) (*State, error) {
	for {
		s.mu.Lock()
		if s.state != nil && s.now().Sub(s.state.Fetched) < s.refresh {
			st := s.state
			s.mu.Unlock()
			return st, nil
		}
		if s.inflight == nil {
			done := make(chan struct{})
			s.inflight = done
			s.mu.Unlock()
			st, err := s.read(ctx)
			s.mu.Lock()
			if err == nil {
				s.state = st
			}
			s.lastErr = err
			s.inflight = nil
			close(done)
			s.mu.Unlock()
			return st, err
		}
		wait := s.inflight
		s.mu.Unlock()
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-wait:
		}
		s.mu.Lock()
		if s.lastErr != nil && (s.state == nil || s.now().Sub(s.state.Fetched) >= s.refresh) {
			err := s.lastErr
			s.mu.Unlock()
			return nil, err
		}
		s.mu.Unlock()
	}
}

// Invalidate drops the snapshot, e.g. after the chain rejected a certificate for being
// of another epoch.
func (s *Source) Invalidate() {
	s.mu.Lock()
	s.state = nil
	s.mu.Unlock()
}

func (s *Source) read(ctx context.Context) (*State, error) {
	com, err := s.chain.Committee(ctx)
	if err != nil {
		return nil, fmt.Errorf("committees: %w", err)
	}
	sys, err := s.chain.SystemState(ctx)
	if err != nil {
		return nil, fmt.Errorf("committees: %w", err)
	}
	stk, err := s.chain.StakingState(ctx)
	if err != nil {
		return nil, fmt.Errorf("committees: %w", err)
	}
	write, err := nodes.NewCommittee(com, s.pool)
	if err != nil {
		return nil, fmt.Errorf("committees: %w", err)
	}
	in := &stk.Inner
	st := &State{
		Epoch: com.Epoch, Write: write,
		EpochDuration:  time.Duration(in.EpochDuration) * time.Millisecond,
		MaxEpochsAhead: sys.Inner.FutureAccounting.Length,
		Prices:         chain.Prices{StoragePerUnitEpoch: sys.Inner.StoragePricePerUnitSize, WritePerUnit: sys.Inner.WritePricePerUnitSize},
		Capacity:       chain.Capacity{Total: sys.Inner.TotalCapacitySize, Used: sys.Inner.UsedCapacitySize},
		Fetched:        s.now(),
	}
	switch in.EpochState.Kind {
	case walrus.EpochStateChangeSync:
		st.EpochStart = s.now()
	default:
		st.EpochStart = time.UnixMilli(int64(in.EpochState.TimestampMs))
	}
	if com.Epoch == 0 && in.FirstEpochStart > 0 {
		st.EpochStart = time.UnixMilli(int64(in.FirstEpochStart))
	}
	if in.EpochState.Kind == walrus.EpochStateChangeSync && com.Epoch > 0 && len(in.PreviousCommittee) > 0 {
		prev, err := s.previous(ctx, com, in.PreviousCommittee)
		if err != nil {
			return nil, fmt.Errorf("committees: previous committee: %w", err)
		}
		st.Previous = prev
	}
	return st, nil
}

// previous builds the previous epoch's committee from Staking's shard assignment and the
// nodes' pools (addresses and network keys).
func (s *Source) previous(ctx context.Context, cur *chain.Committee, assignment walrus.Committee) (*nodes.Committee, error) {
	ids := assignment.NodeIDs()
	pools, err := s.chain.Pools(ctx, ids...)
	if err != nil {
		return nil, err
	}
	prev := &chain.Committee{Epoch: cur.Epoch - 1, NShards: cur.NShards}
	for i, e := range assignment {
		info := &pools[i].NodeInfo
		shards := slices.Clone(e.Shards)
		slices.Sort(shards)
		prev.Members = append(prev.Members, chain.CommitteeMember{
			NodeID: e.NodeID, Name: info.Name, NetworkAddress: info.NetworkAddress,
			NetworkPublicKey: slices.Clone(info.NetworkPublicKey), Shards: shards,
		})
	}
	return nodes.NewCommittee(prev, s.pool)
}
