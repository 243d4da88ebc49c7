package nodes_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/chain/messages"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/coordinator/nodes"
	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/node/api"
)

// statusNode answers BlobStatus only.
type statusNode struct {
	nodes.Node
	st  api.BlobStatus
	err error
}

func (s statusNode) BlobStatus(context.Context, encoding.BlobID) (api.BlobStatus, error) {
	return s.st, s.err
}

// committee of 10 shards over 4 members holding 3, 2, 2 and 3 shards, whose nodes answer
// with the given nodes.
func committee(t *testing.T, ns ...nodes.Node) *nodes.Committee {
	t.Helper()
	shards := [][]uint16{{0, 1, 2}, {3, 4}, {5, 6}, {7, 8, 9}}
	com := &chain.Committee{Epoch: 3, NShards: 10}
	for i, s := range shards {
		var id walrus.ID
		id[0] = byte(i + 1)
		com.Members = append(com.Members, chain.CommitteeMember{NodeID: id, Name: string(rune('a' + i)), Shards: s})
	}
	c, err := nodes.NewCommittee(com, nodes.DialFunc(func(m *chain.CommitteeMember) (nodes.Node, error) {
		return ns[int(m.NodeID[0])-1], nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var notFound = api.NewError(api.StatusNotFound, api.ReasonMetadataNotFound, "no")

func TestBlobStatusNeedsFPlusOne(t *testing.T) {
	ctx := context.Background()
	var id encoding.BlobID
	perm := api.BlobStatus{Kind: api.BlobPermanent, IsCertified: true, EndEpoch: 9}
	invalid := api.BlobStatus{Kind: api.BlobInvalid}
	// One liar (3 shards = f) claims "invalid": not enough weight; the honest permanent
	// status (7 shards) wins.
	c := committee(t, statusNode{st: invalid}, statusNode{st: perm}, statusNode{st: perm}, statusNode{st: perm})
	if st, err := c.BlobStatus(ctx, id, time.Second); err != nil || st.Kind != api.BlobPermanent {
		t.Fatalf("got %+v %v, want permanent", st, err)
	}
	// Invalid reported by 4 shards (> f): the latest confirmed status is invalid.
	c = committee(t, statusNode{st: invalid}, statusNode{st: invalid}, statusNode{st: perm}, statusNode{st: perm})
	if st, _ := c.BlobStatus(ctx, id, time.Second); st.Kind != api.BlobInvalid {
		t.Fatalf("got %+v, want invalid", st)
	}
	// A later end epoch from f+1 shards wins over an earlier one.
	later := perm
	later.EndEpoch = 20
	c = committee(t, statusNode{st: perm}, statusNode{st: later}, statusNode{st: later}, statusNode{st: perm})
	if st, _ := c.BlobStatus(ctx, id, time.Second); st.EndEpoch != 20 {
		t.Fatalf("got %+v, want end epoch 20", st)
	}
	// 404 from a quorum: not found. From fewer, with the rest down: no valid status.
	c = committee(t, statusNode{err: notFound}, statusNode{err: notFound}, statusNode{err: notFound}, statusNode{err: errors.New("down")})
	if _, err := c.BlobStatus(ctx, id, time.Second); !errors.Is(err, nodes.ErrBlobNotFound) {
		t.Fatalf("got %v, want ErrBlobNotFound", err)
	}
	c = committee(t, statusNode{err: notFound}, statusNode{err: errors.New("down")}, statusNode{err: errors.New("down")}, statusNode{err: errors.New("down")})
	if _, err := c.BlobStatus(ctx, id, time.Second); !errors.Is(err, nodes.ErrNoValidStatus) {
		t.Fatalf("got %v, want ErrNoValidStatus", err)
	}
	// "nonexistent" confirmed and nothing later: not found.
	c = committee(t, statusNode{}, statusNode{}, statusNode{err: errors.New("down")}, statusNode{})
	if _, err := c.BlobStatus(ctx, id, time.Second); !errors.Is(err, nodes.ErrBlobNotFound) {
		t.Fatalf("got %v, want ErrBlobNotFound", err)
	}
}

func TestCompareStatusOrder(t *testing.T) {
	one, two := uint32(1), uint32(2)
	ordered := []api.BlobStatus{
		{Kind: api.BlobNonexistent},
		{Kind: api.BlobDeletable, Deletable: api.DeletableCounts{Total: 1}, InitialCertifiedEpoch: &two},
		{Kind: api.BlobDeletable, Deletable: api.DeletableCounts{Total: 1}, InitialCertifiedEpoch: &one},
		{Kind: api.BlobDeletable, Deletable: api.DeletableCounts{Total: 2}},
		{Kind: api.BlobPermanent, EndEpoch: 50},
		{Kind: api.BlobPermanent, IsCertified: true, EndEpoch: 5},
		{Kind: api.BlobPermanent, IsCertified: true, EndEpoch: 6},
		{Kind: api.BlobInvalid},
	}
	for i := range ordered {
		for j := range ordered {
			want := 0
			if i < j {
				want = -1
			} else if i > j {
				want = 1
			}
			if got := nodes.CompareStatus(ordered[i], ordered[j]); got != want {
				t.Errorf("compare(%d, %d) = %d, want %d", i, j, got, want)
			}
		}
	}
}

func TestRetryPolicy(t *testing.T) {
	ctx := context.Background()
	p := nodes.RetryPolicy{Attempts: 4, Backoff: time.Microsecond, MaxBackoff: time.Microsecond}
	calls := 0
	notReg := api.NewError(api.StatusFailedPrecondition, api.ReasonNotRegistered, "x")
	err := p.Do(ctx, func(context.Context) error {
		calls++
		if calls < 3 {
			return notReg
		}
		return nil
	})
	if err != nil || calls != 3 {
		t.Fatalf("retryable: %v after %d calls", err, calls)
	}
	calls = 0
	bad := api.NewError(api.StatusInvalidArgument, api.ReasonInvalidSliver, "x")
	if err := p.Do(ctx, func(context.Context) error { calls++; return bad }); !errors.Is(err, bad) || calls != 1 {
		t.Fatalf("permanent error: %v after %d calls", err, calls)
	}
	calls = 0
	if err := p.Do(ctx, func(context.Context) error { calls++; return errors.New("reset") }); err == nil || calls != 4 {
		t.Fatalf("transport error: %v after %d calls", err, calls)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := p.Do(cctx, func(ctx context.Context) error { return ctx.Err() }); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
}

func TestCommitteeMapping(t *testing.T) {
	c := committee(t, nil, nil, nil, nil)
	var id encoding.BlobID
	id[31] = 3 // rotation 3 mod 10
	for s := range 10 {
		p := c.Params.PairForShard(id, s)
		if owner := c.OwnerOfPair(id, p); owner != c.OwnerOfShard(s) {
			t.Fatalf("pair %d of shard %d: owner %d, want %d", p, s, owner, c.OwnerOfShard(s))
		}
	}
	total := 0
	for i := range c.Members {
		total += len(c.PairsOf(id, i))
	}
	if total != 10 || !c.IsQuorum(7) || c.IsQuorum(6) || c.MinCorrect() != 7 || !c.IsValidity(4) || c.IsValidity(3) {
		t.Fatal("weights")
	}
	// A shard held twice, or none: refused.
	bad := &chain.Committee{Epoch: 1, NShards: 4, Members: []chain.CommitteeMember{{Shards: []uint16{0, 1}}, {Shards: []uint16{1, 2, 3}}}}
	if _, err := nodes.NewCommittee(bad, nodes.DialFunc(func(*chain.CommitteeMember) (nodes.Node, error) { return nil, nil })); err == nil {
		t.Fatal("a shard held twice was accepted")
	}
	// A member that cannot be dialled is unreachable, not fatal.
	com := &chain.Committee{Epoch: 1, NShards: 4, Members: []chain.CommitteeMember{{Shards: []uint16{0, 1, 2, 3}}}}
	c, err := nodes.NewCommittee(com, nodes.DialFunc(func(*chain.CommitteeMember) (nodes.Node, error) { return nil, errors.New("bad key") }))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Members[0].Node.Confirmation(context.Background(), id, messages.Permanent()); !errors.Is(err, nodes.ErrUnreachable) {
		t.Fatalf("unreachable node: %v", err)
	}
}

func TestPoolReusesConnections(t *testing.T) {
	dials := 0
	p := nodes.NewPool(nodes.DialFunc(func(*chain.CommitteeMember) (nodes.Node, error) { dials++; return statusNode{}, nil }))
	m := &chain.CommitteeMember{NetworkAddress: "a:1", NetworkPublicKey: []byte{1}}
	p.Dial(m)
	p.Dial(m)
	if dials != 1 {
		t.Fatalf("%d dials for one node", dials)
	}
	m.NetworkAddress = "b:1"
	p.Dial(m)
	if dials != 2 {
		t.Fatal("a moved node was not dialled again")
	}
}
