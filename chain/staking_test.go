package chain_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/chain/devnet"
	"github.com/tuskstore/tusk/chain/devnet/contract"
	"github.com/tuskstore/tusk/chain/devnet/devnettest"
	"github.com/tuskstore/tusk/chain/keys"
	"github.com/tuskstore/tusk/chain/messages"
	"github.com/tuskstore/tusk/chain/sui"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/internal/bcs"
)

// stakingNet is a testNet whose genesis nodes are owned by DevnetNodeOwnerKey(i), with
// short epochs, clients for the owners and an event log.
type stakingNet struct {
	*testNet
	cfg    devnet.Config
	owners []*keys.Keypair
	oc     []*chain.Client // the owners' clients
	caps   []walrus.ID     // the genesis nodes' StorageNodeCaps
	nodes  []walrus.ID     // the genesis node IDs, in genesis order
	events *eventLog
}

func newStakingNet(t *testing.T, epoch time.Duration) *stakingNet {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancel)
	cfg := devnet.Default()
	cfg.Genesis.EpochDuration = epoch
	s := &stakingNet{cfg: cfg}
	for i := range cfg.Genesis.Nodes {
		k := contract.DevnetNodeOwnerKey(i)
		s.owners = append(s.owners, k)
		s.cfg.Genesis.Nodes[i].Owner = walrus.ID(k.Address())
	}
	n := &testNet{t: t, ctx: ctx, dir: t.TempDir(), addr: devnettest.FreeAddr(t), blsByPub: map[[keys.BLSPublicKeySize]byte]*keys.BLSKey{}}
	s.testNet = n
	s.startNet()
	for i := range contract.DefaultNodes {
		k, _ := contract.DevnetNodeKeys(i)
		n.blsByPub[k.PublicKey()] = k
	}
	n.key = n.fundedKey(100_000*oneWAL, 100*oneSUI)
	n.c = n.dial(n.key)
	for _, k := range s.owners {
		if _, err := n.d.Faucet(ctx, walrus.Address(k.Address()), 0, 100*oneSUI); err != nil {
			t.Fatal(err)
		}
		s.oc = append(s.oc, n.dial(k))
	}
	s.caps = n.d.Genesis().NodeCaps
	s.nodes = n.d.Genesis().Genesis.NodeIDs
	s.events = &eventLog{s: s, byTx: map[sui.Digest][]chain.WalrusEvent{}}
	return s
}

// startNet opens (or reopens) the devnet with s.cfg and serves it.
func (s *stakingNet) startNet() {
	s.t.Helper()
	cfg := s.cfg
	cfg.RPCAddr = s.addr
	s.serve(cfg)
}

// eventLog collects the Walrus events of the checkpoints, by transaction.
type eventLog struct {
	s    *stakingNet
	next uint64
	byTx map[sui.Digest][]chain.WalrusEvent
}

func (l *eventLog) of(d sui.Digest) []chain.WalrusEvent {
	l.s.t.Helper()
	latest, err := l.s.c.LatestCheckpoint(l.s.ctx)
	if err != nil {
		l.s.t.Fatal(err)
	}
	for ; l.next <= latest; l.next++ {
		cp, err := l.s.c.Checkpoint(l.s.ctx, l.next)
		if err != nil {
			l.s.t.Fatal(err)
		}
		evs, err := cp.WalrusEvents(l.s.c.WalrusPackage())
		if err != nil {
			l.s.t.Fatal(err)
		}
		for _, ev := range evs {
			l.byTx[ev.TxDigest] = append(l.byTx[ev.TxDigest], ev)
		}
	}
	return l.byTx[d]
}

// wantEvents requires the transaction's Walrus events to be exactly want, in order, with
// the BCS of the walrus types.
func (s *stakingNet) wantEvents(d sui.Digest, want ...walrus.Event) {
	s.t.Helper()
	got := s.events.of(d)
	if len(got) != len(want) {
		s.t.Fatalf("transaction %s emitted %d Walrus events, want %d: %v", d, len(got), len(want), got)
	}
	for i, w := range want {
		if name := walrus.EventTypeName(w); got[i].Type.Name != name || got[i].Type.Address != s.c.WalrusPackage() {
			s.t.Fatalf("event %d is %s, want %s", i, got[i].Type.String(), name)
		}
		if !bytes.Equal(got[i].Contents, bcs.Marshal(w)) {
			s.t.Fatalf("event %d (%s) BCS %x, want %x (%+v)", i, got[i].Type.Name, got[i].Contents, bcs.Marshal(w), w)
		}
	}
}

func wantAbortErr(t *testing.T, what string, err error, a *chain.Abort) {
	t.Helper()
	if !errors.Is(err, a) {
		t.Fatalf("%s: %v, want abort %s", what, err, a.Name)
	}
	var ae *chain.AbortError
	if !errors.As(err, &ae) || ae.Name != a.Name {
		t.Fatalf("%s: %v is not a named *AbortError", what, err)
	}
}

func (s *stakingNet) epochState() *chain.EpochState {
	s.t.Helper()
	st, err := s.c.EpochState(s.ctx)
	if err != nil {
		s.t.Fatal(err)
	}
	return st
}

func (s *stakingNet) pool(id walrus.ID) *walrus.StakingPool {
	s.t.Helper()
	p, err := s.c.Pool(s.ctx, id)
	if err != nil {
		s.t.Fatal(err)
	}
	return p
}

func sleepUntil(t time.Time) { time.Sleep(time.Until(t) + 20*time.Millisecond) }

// quorumBelow is an independent staking_inner::quorum_below: the lowest vote such that
// voters holding a quorum of n shards voted for it or less.
func quorumBelow(votes map[uint64]int, n int) uint64 {
	values := make([]uint64, 0, len(votes))
	for v := range votes {
		values = append(values, v)
	}
	sort.Slice(values, func(i, j int) bool { return values[i] < values[j] })
	sum := 0
	for _, v := range values {
		sum += votes[v]
		if 3*sum >= 2*n+1 {
			return v
		}
	}
	return 0
}

// quorumAbove is an independent quorum_above: the highest value such that voters holding
// a quorum voted for it or more.
func quorumAbove(votes map[uint64]int, n int) uint64 {
	values := make([]uint64, 0, len(votes))
	for v := range votes {
		values = append(values, v)
	}
	sort.Slice(values, func(i, j int) bool { return values[i] > values[j] })
	sum := 0
	for _, v := range values {
		sum += votes[v]
		if 3*sum >= 2*n+1 {
			return v
		}
	}
	return 0
}

// dhondt is an independent D'Hondt apportionment of n shards by stake with the per-node
// cap of staking_inner.move (n/10 from 20 nodes on, else ceil(2n/nodes)); ties go to
// the earlier node.
func dhondt(stakes []uint64, n int) []int {
	limit := (2*n + len(stakes) - 1) / len(stakes)
	if len(stakes) >= 20 {
		limit = n / 10
	}
	out := make([]int, len(stakes))
	for range n {
		best := -1
		for i, s := range stakes {
			if out[i] >= limit || s == 0 {
				continue
			}
			// s/(out+1) > best/(out_best+1), compared exactly.
			if best < 0 || s*uint64(out[best]+1) > stakes[best]*uint64(out[i]+1) {
				best = i
			}
		}
		out[best]++
	}
	return out
}

// weights maps node IDs to their shard counts in a committee.
func weights(com *chain.Committee) map[walrus.ID]int {
	w := map[walrus.ID]int{}
	for _, m := range com.Members {
		w[m.NodeID] = len(m.Shards)
	}
	return w
}

// unitsOf is the storage units of a blob of size bytes on 10 shards.
func unitsOf(t *testing.T, size uint64) uint64 {
	enc, err := contract.EncodedBlobLength(size, uint8(encoding.RS2), contract.DefaultNShards)
	if err != nil {
		t.Fatal(err)
	}
	return (enc + (1 << 20) - 1) >> 20
}

// rewards is the §4 distribution, computed independently: 3% of the epoch's rewards R
// burned, the rest split by shards × stored (the same used capacity for every node), each
// share rounded down, the leftover to the next epoch.
func rewards(total uint64, w map[walrus.ID]int, nShards int) (per map[walrus.ID]uint64, burned, leftover uint64) {
	burned = total * 3 / 100
	rest := total - burned
	per = map[walrus.ID]uint64{}
	leftover = rest
	for id, weight := range w {
		per[id] = uint64(weight) * rest / uint64(nShards)
		leftover -= per[id]
	}
	return per, burned, leftover
}

func commissionOf(reward uint64, rate uint16) uint64 { return reward * uint64(rate) / 10_000 }

// TestStakingAndEpochs drives three epoch changes on a devnet with 6-second epochs
// through the typed calls: a candidate registers and is staked into the committee (shards
// move, kept in place where possible), votes move the prices and capacity, voting_end and
// initiate_epoch_change race between two callers, the nodes' epoch_sync_done completes
// each change, the rewards of each ending epoch are exactly §4's (burn, shares,
// commission, exchange rates), stakers withdraw principal and rewards, certify uses the
// new committee, every event has the exact BCS, and the devnet replays it all after a
// restart. Each call's abort paths are checked on the way.
func TestStakingAndEpochs(t *testing.T) {
	const epoch = 6 * time.Second
	s := newStakingNet(t, epoch)
	ctx := s.ctx
	cfg := s.cfg.Genesis
	n := int(cfg.NShards)

	// Genesis: epoch 1, the committee of D'Hondt over equal stakes.
	st := s.epochState()
	if st.Epoch != 1 || st.State != walrus.EpochStateChangeDone || st.EpochDuration != epoch || st.NShards != cfg.NShards {
		t.Fatalf("genesis epoch state %+v", st)
	}
	com1 := s.committee()
	w1 := weights(com1)
	want := dhondt([]uint64{1000, 1000, 1000, 1000}, n)
	for i, id := range s.nodes {
		if w1[id] != want[i] {
			t.Fatalf("genesis node %d has %d shards, want %d", i, w1[id], want[i])
		}
	}
	caps, err := s.c.NodeCapsOwnedBy(ctx, walrus.Address(s.owners[0].Address()))
	if err != nil || len(caps) != 1 || caps[0].ID != s.caps[0] || caps[0].NodeID != s.nodes[0] {
		t.Fatalf("caps of owner 0: %+v, %v", caps, err)
	}
	sws, err := s.c.StakedWalOwnedBy(ctx, walrus.Address(s.owners[0].Address()))
	if err != nil || len(sws) != 1 || sws[0].NodeID != s.nodes[0] || sws[0].Principal != contract.DefaultNodeStake || sws[0].ActivationEpoch != 1 {
		t.Fatalf("StakedWal of owner 0: %+v, %v", sws, err)
	}
	genesisStake0 := sws[0].ID

	// --- Epoch 1: blobs, a candidate, stake, votes. ---
	payments := map[uint32]uint64{} // the rewards paid into each epoch
	sp, wp := uint64(cfg.StoragePrice), uint64(cfg.WritePrice)
	for _, size := range []int{1000, 70_000} {
		tb := s.blob(size)
		r := s.register(tb, 3, false)
		s.certify(r)
		u := unitsOf(t, tb.size)
		payments[1] += u*sp + u*wp
		payments[2] += u * sp
		payments[3] += u * sp
	}

	// A candidate, node X, registered by bob.
	bob := s.fundedKey(10*oneWAL, 100*oneSUI)
	bc := s.dial(bob)
	xKey, err := keys.GenerateBLSKey()
	if err != nil {
		t.Fatal(err)
	}
	netKey, err := keys.GenerateNetworkKey()
	if err != nil {
		t.Fatal(err)
	}
	npk := netKey.CompressedPublicKey()
	const xStorageVote, xWriteVote, xCapacityVote = 180_000, 25_000, 1 << 40
	req := chain.RegisterCandidateRequest{
		Name: "node-x", NetworkAddress: "127.0.0.1:9300", ImageURL: "https://x/img", Description: "x",
		BLSKey: xKey, NetworkPublicKey: npk[:], CommissionRate: 1000,
		StoragePrice: xStorageVote, WritePrice: xWriteVote, NodeCapacity: xCapacityVote,
	}
	bad := req
	bad.BLSKey, bad.PublicKey = nil, xKey.PublicKey()
	bad.ProofOfPossession = messages.SignProofOfPossession(xKey, 1, s.c.Address()) // not bob's address
	_, err = bc.RegisterCandidate(ctx, bad)
	wantAbortErr(t, "PoP of another address", err, chain.ErrInvalidProofOfPossession)
	bad.ProofOfPossession = messages.SignProofOfPossession(xKey, 2, walrus.Address(bob.Address())) // another epoch
	_, err = bc.RegisterCandidate(ctx, bad)
	wantAbortErr(t, "PoP of another epoch", err, chain.ErrInvalidProofOfPossession)
	bad = req
	bad.Name = string(bytes.Repeat([]byte{'n'}, 101))
	_, err = bc.RegisterCandidate(ctx, bad)
	wantAbortErr(t, "long name", err, chain.ErrInvalidNameLength)
	bad = req
	bad.NetworkAddress = string(bytes.Repeat([]byte{'a'}, 260))
	_, err = bc.RegisterCandidate(ctx, bad)
	wantAbortErr(t, "long address", err, chain.ErrInvalidNetworkAddressLen)
	bad = req
	bad.CommissionRate = 10_001
	_, err = bc.RegisterCandidate(ctx, bad)
	wantAbortErr(t, "commission", err, chain.ErrIncorrectCommissionRate)
	bad = req
	bad.NetworkPublicKey = npk[:32]
	_, err = bc.RegisterCandidate(ctx, bad)
	wantAbortErr(t, "network key", err, chain.ErrInvalidNetworkPublicKey)
	x, err := bc.RegisterCandidate(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	s.wantEvents(x.Digest) // register_candidate emits nothing
	s.blsByPub[xKey.PublicKey()] = xKey
	px := s.pool(x.NodeID)
	if px.NodeInfo.Name != "node-x" || px.CommissionRate != 1000 || px.ActivationEpoch != 1 || px.LatestEpoch != 1 ||
		px.CommissionReceiver != (walrus.Authorized{Kind: walrus.AuthorizedObjectID, ID: x.CapID}) ||
		px.GovernanceAuthorized != (walrus.Authorized{Kind: walrus.AuthorizedAddress, ID: walrus.ID(bob.Address())}) {
		t.Fatalf("pool of X %+v", px)
	}
	if xk, err := keys.UncompressedG1ToG1(px.NodeInfo.PublicKey); err != nil || xk != xKey.PublicKey() {
		t.Fatalf("X's key on chain: %v", err)
	}

	// X is not in the committee: its sync attestation is refused.
	_, err = bc.EpochSyncDone(ctx, x.CapID, 1)
	wantAbortErr(t, "sync of a non-member", err, chain.ErrNotInCommittee)
	_, err = s.oc[0].EpochSyncDone(ctx, s.caps[0], 2)
	wantAbortErr(t, "sync for a future epoch", err, chain.ErrInvalidSyncEpoch)
	_, err = s.oc[0].EpochSyncDone(ctx, s.caps[0], 1)
	wantAbortErr(t, "sync twice", err, chain.ErrDuplicateSyncDone)

	// Alice (the test client) stakes 3000 WAL with X: it activates at epoch 2.
	_, err = s.c.StakeWithPool(ctx, x.NodeID, oneWAL-1)
	wantAbortErr(t, "stake below 1 WAL", err, chain.ErrStakeBelowThreshold)
	_, err = s.c.StakeWithPool(ctx, walrus.MustParseID("0x1234"), oneWAL)
	wantAbortErr(t, "stake with an unknown node", err, chain.ErrFieldDoesNotExist)
	aliceBefore := s.wal(s.key)
	swX, err := s.c.StakeWithPool(ctx, x.NodeID, 3000*oneWAL)
	if err != nil {
		t.Fatal(err)
	}
	if got := s.wal(s.key); got != aliceBefore-3000*oneWAL {
		t.Fatalf("alice paid %d for a 3000 WAL stake", aliceBefore-got)
	}
	sw, err := s.c.StakedWal(ctx, swX)
	if err != nil || sw.ActivationEpoch != 2 || sw.Principal != 3000*oneWAL || sw.IsWithdrawing() || sw.Owner != sui.AddressOwned(walrus.ID(s.key.Address())) {
		t.Fatalf("StakedWal %+v, %v", sw, err)
	}
	// Stake not active yet and not counted for a selected committee is withdrawn directly.
	_, err = s.c.RequestWithdrawStake(ctx, swX)
	wantAbortErr(t, "request for early stake", err, chain.ErrWithdrawDirectly)
	swSmall, err := s.c.StakeWithPool(ctx, x.NodeID, 2*oneWAL)
	if err != nil {
		t.Fatal(err)
	}
	wd, err := s.c.WithdrawStake(ctx, swSmall)
	if err != nil || wd.Amount != 2*oneWAL {
		t.Fatalf("direct withdrawal: %+v, %v", wd, err)
	}
	if _, err := s.c.StakedWal(ctx, swSmall); !errors.Is(err, chain.ErrNotFound) {
		t.Fatalf("withdrawn StakedWal still exists: %v", err)
	}
	// Active stake cannot be withdrawn without a request.
	_, err = s.oc[1].WithdrawStake(ctx, s.stakedWalOf(1))
	wantAbortErr(t, "withdraw active stake", err, chain.ErrNotWithdrawing)

	// Commission: node 0's rate becomes 2000 from epoch 3; nothing to collect yet.
	_, err = s.oc[0].SetNextCommission(ctx, s.caps[0], 10_001)
	wantAbortErr(t, "commission above 100%", err, chain.ErrIncorrectCommissionRate)
	if _, err := s.oc[0].SetNextCommission(ctx, s.caps[0], 2000); err != nil {
		t.Fatal(err)
	}
	if p := s.pool(s.nodes[0]); len(p.PendingCommissionRate) != 1 || p.PendingCommissionRate[0] != (walrus.PendingValue{Epoch: 3, Value: 2000}) {
		t.Fatalf("pending commission %+v", p.PendingCommissionRate)
	}
	got, err := s.oc[0].CollectCommission(ctx, s.nodes[0], chain.CommissionAuth{Cap: &s.caps[0]}, nil)
	if err != nil || got.Amount != 0 {
		t.Fatalf("collect with nothing: %+v, %v", got, err)
	}
	_, err = s.oc[0].CollectCommission(ctx, s.nodes[0], chain.CommissionAuth{}, nil)
	wantAbortErr(t, "collect as sender", err, chain.ErrAuthorizationFailure)

	// Price votes, each applied at once (update_prices in the same transaction).
	storageVotes := []uint64{cfg.StoragePrice, cfg.StoragePrice, cfg.StoragePrice, cfg.StoragePrice}
	writeVotes := []uint64{cfg.WritePrice, cfg.WritePrice, cfg.WritePrice, cfg.WritePrice}
	pollVotes := func(com *chain.Committee, extra map[walrus.ID][2]uint64) (uint64, uint64) {
		sv, wv := map[uint64]int{}, map[uint64]int{}
		for _, m := range com.Members {
			v, ok := extra[m.NodeID]
			if !ok {
				i := slices.Index(s.nodes, m.NodeID)
				v = [2]uint64{storageVotes[i], writeVotes[i]}
			}
			sv[v[0]] += len(m.Shards)
			wv[v[1]] += len(m.Shards)
		}
		return quorumBelow(sv, n), quorumBelow(wv, n)
	}
	for i, v := range [][2]uint64{{150_001, 10_003}, {200_003, 30_007}, {250_007, 20_011}, {300_011, 40_013}} {
		storageVotes[i] = v[0]
		ps, _ := pollVotes(com1, nil)
		d, err := s.oc[i].SetStoragePriceVote(ctx, s.caps[i], v[0])
		if err != nil {
			t.Fatal(err)
		}
		s.wantEvents(d, &walrus.PricesUpdated{Epoch: 1, StoragePrice: ps, WritePrice: writeVotesPrice(pollVotes, com1)})
		writeVotes[i] = v[1]
		ps, pw := pollVotes(com1, nil)
		if d, err = s.oc[i].SetWritePriceVote(ctx, s.caps[i], v[1]); err != nil {
			t.Fatal(err)
		}
		s.wantEvents(d, &walrus.PricesUpdated{Epoch: 1, StoragePrice: ps, WritePrice: pw})
	}
	ps1, pw1 := pollVotes(com1, nil)
	prices, err := s.c.Prices(ctx)
	if err != nil || prices.StoragePerUnitEpoch != ps1 || prices.WritePerUnit != pw1 {
		t.Fatalf("prices after the votes %+v, want %d and %d (%v)", prices, ps1, pw1, err)
	}
	// A blob at the new prices, for epochs 1 and 2.
	tb3 := s.blob(3000)
	paid := s.register(tb3, 2, false)
	s.certify(paid)
	u3 := unitsOf(t, tb3.size)
	if paid.Paid != 2*u3*ps1+u3*pw1 {
		t.Fatalf("paid %d at the voted prices, want %d", paid.Paid, 2*u3*ps1+u3*pw1)
	}
	payments[1] += u3*ps1 + u3*pw1
	payments[2] += u3 * ps1
	// try_join_active_set of a member changes nothing.
	if _, err := s.oc[1].TryJoinActiveSet(ctx, s.caps[1]); err != nil {
		t.Fatal(err)
	}
	// Capacity votes take effect at voting_end.
	capVotes := []uint64{400 << 30, 300 << 30, 200 << 30, 100 << 30}
	for i := range s.nodes {
		if _, err := s.oc[i].SetNodeCapacityVote(ctx, s.caps[i], capVotes[i]); err != nil {
			t.Fatal(err)
		}
	}

	// --- voting_end of epoch 1: too early, then two racing callers. ---
	_, err = s.c.InitiateEpochChange(ctx, s.d.IDs().Treasury)
	wantAbortErr(t, "epoch change before voting_end", err, chain.ErrNextCommitteeIsEmpty)
	if time.Now().Before(st.VotingEndAt) {
		_, err = s.c.VotingEnd(ctx)
		wantAbortErr(t, "early voting_end", err, chain.ErrWrongEpochState)
	}
	if want := st.LastChange.Add(epoch / 2); !st.VotingEndAt.Equal(want) {
		t.Fatalf("voting ends at %v, want %v", st.VotingEndAt, want)
	}
	sleepUntil(st.VotingEndAt)
	d := s.race("voting_end", func(c *chain.Client) (sui.Digest, error) { return c.VotingEnd(ctx) }, chain.ErrWrongEpochState, bc)
	s.wantEvents(d, &walrus.EpochParametersSelected{NextEpoch: 2})

	// The next committee: D'Hondt over the active set (genesis nodes, then X), shards kept.
	next, ok, err := s.c.NextCommittee(ctx)
	if err != nil || !ok || next.Epoch != 2 {
		t.Fatalf("next committee: %v %v %+v", ok, err, next)
	}
	want = dhondt([]uint64{1000, 1000, 1000, 1000, 3000}, n)
	w2 := weights(next)
	for i, id := range append(slices.Clone(s.nodes), x.NodeID) {
		if w2[id] != want[i] {
			t.Fatalf("next committee: node %d has %d shards, want %d (%v)", i, w2[id], want[i], w2)
		}
	}
	checkShardsKept(t, com1, next)
	if m, _ := next.Member(x.NodeID); m.PublicKey != xKey.PublicKey() || m.NetworkAddress != "127.0.0.1:9300" {
		t.Fatalf("X in the next committee: %+v", m)
	}
	// The capacity: quorum_above of the votes normalised to the whole system.
	cv := map[uint64]int{}
	for _, m := range next.Members {
		v := uint64(xCapacityVote)
		if i := slices.Index(s.nodes, m.NodeID); i >= 0 {
			v = capVotes[i]
		}
		cv[v*uint64(n)/uint64(len(m.Shards))] += len(m.Shards)
	}
	capacity2 := quorumAbove(cv, n)
	st = s.epochState()
	if st.State != walrus.EpochStateNextParamsSelected || st.NextEpochParams == nil || st.NextEpochParams.TotalCapacitySize != capacity2 {
		t.Fatalf("after voting_end: %+v, want capacity %d", st, capacity2)
	}
	// Stake now activates in E+2, and a pending stake counted for the selected committee
	// needs a request.
	_, err = s.c.WithdrawStake(ctx, swX)
	wantAbortErr(t, "withdraw stake counted for the committee", err, chain.ErrNotWithdrawing)
	_, err = s.c.VotingEnd(ctx)
	wantAbortErr(t, "voting_end twice", err, chain.ErrWrongEpochState)

	// --- Epoch change 1 → 2. ---
	pools1 := s.pools(com1)
	supply := s.walSupply()
	if supply != cfg.WALSupply {
		t.Fatalf("WAL supply %d, genesis minted %d", supply, cfg.WALSupply)
	}
	if time.Now().Before(st.EpochChangeAt) {
		_, err = s.c.InitiateEpochChange(ctx, s.d.IDs().Treasury)
		wantAbortErr(t, "early epoch change", err, chain.ErrWrongEpochState)
	}
	sleepUntil(st.EpochChangeAt)
	carol := s.fundedKey(0, 10*oneSUI)
	d = s.race("initiate_epoch_change_v2", func(c *chain.Client) (sui.Digest, error) {
		return c.InitiateEpochChange(ctx, s.d.IDs().Treasury)
	}, chain.ErrNextCommitteeIsEmpty, s.dial(carol))
	ps2, pw2 := pollVotes(next, map[walrus.ID][2]uint64{x.NodeID: {xStorageVote, xWriteVote}})
	s.wantEvents(d, &walrus.EpochChangeStart{Epoch: 2}, &walrus.PricesUpdated{Epoch: 2, StoragePrice: ps2, WritePrice: pw2})
	com2 := s.committee()
	if com2.Epoch != 2 || !sameAssignment(com2, next) {
		t.Fatalf("committee of epoch 2 %+v, selected %+v", com2, next)
	}
	if prev, err := s.c.PreviousCommittee(ctx); err != nil || prev.Epoch != 1 || !sameAssignment(prev, com1) {
		t.Fatalf("previous committee %+v (%v), want epoch 1's", prev, err)
	}
	if _, ok, err := s.c.NextCommittee(ctx); ok || err != nil {
		t.Fatalf("a next committee after the change (%v)", err)
	}
	sys, err := s.c.SystemState(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if sys.Inner.TotalCapacitySize != max(capacity2, sys.Inner.UsedCapacitySize) {
		t.Fatalf("capacity %d, want %d", sys.Inner.TotalCapacitySize, capacity2)
	}
	// The rewards of epoch 1, §4.
	per1, burn1, left1 := rewards(payments[1], w1, n)
	if got := s.walSupply(); got != supply-burn1 {
		t.Fatalf("WAL supply %d after the change, want %d - %d burned", got, supply, burn1)
	}
	supply -= burn1
	s.checkRewards(pools1, per1)
	payments[2] += left1
	if r, err := sysRewards(sys, 0); err != nil || r != payments[2] {
		t.Fatalf("rewards of epoch 2 %d, want %d payments and leftover (%v)", r, payments[2], err)
	}

	// The change is syncing: the nodes attest until a quorum of shards.
	s.syncEpoch(2, com2, map[walrus.ID]*chain.Client{x.NodeID: bc}, map[walrus.ID]walrus.ID{x.NodeID: x.CapID})

	// Certify uses the new committee: X signs, and a certificate of epoch 1 is refused.
	tb := s.blob(5000)
	r2 := s.register(tb, 1, false)
	u := unitsOf(t, tb.size)
	payments[2] += u*ps2 + u*pw2
	msg1 := messages.NewStorageConfirmationMessage(1, messages.StorageConfirmation{BlobID: tb.id, Persistence: messages.Permanent()})
	if _, err := s.c.CertifyBlob(ctx, r2.ObjectID, s.certificate(com1, all(com1), msg1)); err == nil {
		t.Fatal("a certificate of the old committee was accepted")
	}
	s.certify(r2)
	b, err := s.c.Blob(ctx, r2.ObjectID)
	if err != nil || b.CertifiedEpoch == nil || *b.CertifiedEpoch != 2 {
		t.Fatalf("blob certified in epoch %v (%v)", b.CertifiedEpoch, err)
	}

	// Owner 0 withdraws its genesis stake: node 0 leaves the committee of epoch 3.
	if _, err := s.oc[0].RequestWithdrawStake(ctx, genesisStake0); err != nil {
		t.Fatal(err)
	}
	_, err = s.oc[0].RequestWithdrawStake(ctx, genesisStake0)
	wantAbortErr(t, "request twice", err, chain.ErrNotStaked)
	if sw, err := s.c.StakedWal(ctx, genesisStake0); err != nil || !sw.IsWithdrawing() || sw.State.WithdrawEpoch != 3 {
		t.Fatalf("withdrawing StakedWal %+v, %v", sw, err)
	}
	_, err = s.oc[0].WithdrawStake(ctx, genesisStake0)
	wantAbortErr(t, "withdraw before the withdraw epoch", err, chain.ErrWithdrawEpochNotReached)

	// Commission of epoch 1 is blocked until this epoch's voting_end.
	pc, err := s.c.PoolCommission(ctx, s.nodes[1])
	if err != nil || pc.Total != commissionOf(per1[s.nodes[1]], contract.DefaultCommissionRate) || pc.Blocked != pc.Total || pc.Collectable() != 0 {
		t.Fatalf("commission of node 1 before voting_end: %+v, %v", pc, err)
	}

	// --- Epoch 2 → 3, driven by the EpochDriver's steps. ---
	drv, err := chain.NewEpochDriver(bc, chain.EpochDriverConfig{Treasury: s.d.IDs().Treasury})
	if err != nil {
		t.Fatal(err)
	}
	st = s.epochState()
	if action, due, err := drv.Step(ctx); err != nil || action != chain.EpochWait || !due.Equal(st.VotingEndAt) {
		t.Fatalf("step before voting_end: %v %v %v", action, due, err)
	}
	sleepUntil(st.VotingEndAt)
	s.step(drv, chain.EpochVotingEnded)
	next3, _, err := s.c.NextCommittee(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, in := next3.Member(s.nodes[0]); in {
		t.Fatal("node 0 without stake is in the next committee")
	}
	// The active set after node 0 left: X swapped into its place (swap_remove), then
	// nodes 1, 2, 3, with their epoch-1 rewards added to their stake.
	order := []walrus.ID{x.NodeID, s.nodes[1], s.nodes[2], s.nodes[3]}
	stakes := []uint64{3000 * oneWAL}
	for _, id := range order[1:] {
		stakes = append(stakes, contract.DefaultNodeStake+per1[id]-commissionOf(per1[id], contract.DefaultCommissionRate))
	}
	want = dhondt(stakes, n)
	w3 := weights(next3)
	for i, id := range order {
		if w3[id] != want[i] {
			t.Fatalf("committee of epoch 3: node %s has %d shards, want %d (%v)", id, w3[id], want[i], w3)
		}
	}
	checkShardsKept(t, com2, next3)

	// Node 1's commission of epoch 1 is collectable now, with the cap, to a receiver.
	recv := walrus.Address(carol.Address())
	got, err = s.oc[1].CollectCommission(ctx, s.nodes[1], chain.CommissionAuth{Cap: &s.caps[1]}, &recv)
	if err != nil || got.Amount != commissionOf(per1[s.nodes[1]], contract.DefaultCommissionRate) {
		t.Fatalf("collect: %+v, %v, want %d", got, err, commissionOf(per1[s.nodes[1]], contract.DefaultCommissionRate))
	}
	if b := s.wal(carol); b != got.Amount {
		t.Fatalf("receiver holds %d, want %d", b, got.Amount)
	}
	// A sender-authorized receiver: node 2 makes its owner the receiver.
	if _, err := s.oc[2].SetCommissionReceiver(ctx, s.nodes[2], chain.CommissionAuth{Cap: &s.caps[2]},
		walrus.Authorized{Kind: walrus.AuthorizedAddress, ID: walrus.ID(s.owners[2].Address())}); err != nil {
		t.Fatal(err)
	}
	_, err = s.oc[2].SetCommissionReceiver(ctx, s.nodes[2], chain.CommissionAuth{Cap: &s.caps[2]}, walrus.Authorized{})
	wantAbortErr(t, "receiver change by the old receiver", err, chain.ErrAuthorizationFailure)
	got, err = s.oc[2].CollectCommission(ctx, s.nodes[2], chain.CommissionAuth{}, nil)
	if err != nil || got.Amount != commissionOf(per1[s.nodes[2]], contract.DefaultCommissionRate) {
		t.Fatalf("collect as sender: %+v, %v", got, err)
	}

	pools2 := s.pools(com2)
	st = s.epochState()
	sleepUntil(st.EpochChangeAt)
	s.step(drv, chain.EpochChangeStarted)
	if action, _, err := drv.Step(ctx); err != nil || action != chain.EpochWait {
		t.Fatalf("step while syncing: %v %v", action, err)
	}
	com3 := s.committee()
	w2 = weights(com2)
	per2, burn2, left2 := rewards(payments[2], w2, n)
	if got := s.walSupply(); got != supply-burn2 {
		t.Fatalf("WAL supply %d after the change, want %d - %d burned", got, supply, burn2)
	}
	s.checkRewards(pools2, per2)
	payments[3] += left2
	if p := s.pool(s.nodes[0]); p.CommissionRate != 2000 {
		t.Fatalf("node 0's commission rate at epoch 3: %d", p.CommissionRate)
	}
	s.syncEpoch(3, com3, map[walrus.ID]*chain.Client{x.NodeID: bc}, map[walrus.ID]walrus.ID{x.NodeID: x.CapID})

	// Owner 0 withdraws: principal and the rewards of epochs 1 and 2 through the exchange
	// rate (node 0 was the pool's only staker: its rate grew by both net rewards).
	net := func(per map[walrus.ID]uint64, id walrus.ID, rate uint16) uint64 {
		return per[id] - commissionOf(per[id], rate)
	}
	want0 := contract.DefaultNodeStake + net(per1, s.nodes[0], contract.DefaultCommissionRate) + net(per2, s.nodes[0], contract.DefaultCommissionRate)
	if v, err := s.c.StakeValue(ctx, &s.stakedWal(genesisStake0).StakedWal); err != nil || v != want0 {
		t.Fatalf("stake value %d, want %d (%v)", v, want0, err)
	}
	before0 := s.wal(s.owners[0])
	wd, err = s.oc[0].WithdrawStake(ctx, genesisStake0)
	if err != nil || wd.Amount != want0 || s.wal(s.owners[0]) != before0+want0 {
		t.Fatalf("owner 0 withdrew %+v (%v), want %d", wd, err, want0)
	}

	// --- Epoch 3 → 4 with two EpochDrivers running; then alice withdraws from X. ---
	if _, err := s.c.RequestWithdrawStake(ctx, swX); err != nil { // X in the current committee: epoch 4
		t.Fatal(err)
	}
	pools3 := s.pools(com3)
	runCtx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for _, c := range []*chain.Client{bc, s.dial(carol)} {
		drv, err := chain.NewEpochDriver(c, chain.EpochDriverConfig{Treasury: s.d.IDs().Treasury, MaxWait: 200 * time.Millisecond, Retry: 100 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() { defer wg.Done(); _ = drv.Run(runCtx) }()
	}
	for s.epochState().Epoch < 4 {
		time.Sleep(100 * time.Millisecond)
		if ctx.Err() != nil {
			t.Fatal("epoch 4 did not come")
		}
	}
	stop()
	wg.Wait()
	com4 := s.committee()
	per3, _, _ := rewards(payments[3], weights(com3), n)
	s.checkRewards(pools3, per3)
	s.syncEpoch(4, com4, map[walrus.ID]*chain.Client{x.NodeID: bc}, map[walrus.ID]walrus.ID{x.NodeID: x.CapID})
	wantX := 3000*oneWAL + net(per2, x.NodeID, 1000) + net(per3, x.NodeID, 1000)
	wd, err = s.c.WithdrawStake(ctx, swX)
	if err != nil || wd.Amount != wantX {
		t.Fatalf("alice withdrew %+v (%v), want %d", wd, err, wantX)
	}

	// The devnet replays all of it (Clock reads included) after a restart.
	s.stop()
	s.startNet()
	s.c = s.dial(s.key)
	if st := s.epochState(); st.Epoch != 4 || st.State != walrus.EpochStateChangeDone {
		t.Fatalf("after restart: %+v", st)
	}
}

// walSupply reads the total supply of the devnet's TreasuryCap<WAL> (the dynamic object
// field TreasuryCapKey of the ProtectedTreasury) from its store.
func (s *stakingNet) walSupply() uint64 {
	s.t.Helper()
	ids := s.d.IDs()
	key := walrus.StructTypeTag(ids.WALPackage, "wal", "TreasuryCapKey")
	fid := walrus.DynamicFieldID(ids.Treasury, walrus.StructTypeTag(walrus.MustParseID("0x2"), "dynamic_object_field", "Wrapper", key), []byte{0})
	f, _, err := s.d.Store().Object(s.ctx, fid)
	if err != nil {
		s.t.Fatal(err)
	}
	capID := walrus.ID(f.Data.Move.Contents[33:])
	c, _, err := s.d.Store().Object(s.ctx, capID)
	if err != nil {
		s.t.Fatal(err)
	}
	return binary.LittleEndian.Uint64(c.Data.Move.Contents[32:])
}

// writeVotesPrice is the write price of the votes so far.
func writeVotesPrice(poll func(*chain.Committee, map[walrus.ID][2]uint64) (uint64, uint64), com *chain.Committee) uint64 {
	_, w := poll(com, nil)
	return w
}

func (s *stakingNet) stakedWalOf(i int) walrus.ID {
	s.t.Helper()
	sws, err := s.c.StakedWalOwnedBy(s.ctx, walrus.Address(s.owners[i].Address()))
	if err != nil || len(sws) == 0 {
		s.t.Fatalf("StakedWal of owner %d: %v", i, err)
	}
	return sws[0].ID
}

func (s *stakingNet) stakedWal(id walrus.ID) *chain.StakedWalObject {
	s.t.Helper()
	sw, err := s.c.StakedWal(s.ctx, id)
	if err != nil {
		s.t.Fatal(err)
	}
	return sw
}

// race makes the call from the test client and other at the same time: exactly one
// succeeds and the other gets the "already done" abort. It returns the winner's digest.
func (s *stakingNet) race(what string, call func(*chain.Client) (sui.Digest, error), already *chain.Abort, other *chain.Client) sui.Digest {
	s.t.Helper()
	var wg sync.WaitGroup
	ds := make([]sui.Digest, 2)
	errs := make([]error, 2)
	for i, c := range []*chain.Client{s.c, other} {
		wg.Add(1)
		go func() { defer wg.Done(); ds[i], errs[i] = call(c) }()
	}
	wg.Wait()
	won := -1
	for i, err := range errs {
		switch {
		case err == nil && won < 0:
			won = i
		case err == nil:
			s.t.Fatalf("%s succeeded twice", what)
		case !errors.Is(err, already):
			s.t.Fatalf("%s: the losing call failed with %v, want %s", what, err, already.Name)
		}
	}
	if won < 0 {
		s.t.Fatalf("%s: no call succeeded: %v", what, errs)
	}
	return ds[won]
}

// step runs one driver step and requires action.
func (s *stakingNet) step(d *chain.EpochDriver, want chain.EpochAction) {
	s.t.Helper()
	for range 50 { // the chain's Clock may lag this one by a moment
		action, _, err := d.Step(s.ctx)
		if err != nil {
			s.t.Fatal(err)
		}
		if action == want {
			return
		}
		if action != chain.EpochWait {
			s.t.Fatalf("step: %v, want %v", action, want)
		}
		time.Sleep(100 * time.Millisecond)
	}
	s.t.Fatalf("step never did %v", want)
}

// pools reads the committee members' pools.
func (s *stakingNet) pools(com *chain.Committee) map[walrus.ID]*walrus.StakingPool {
	s.t.Helper()
	out := map[walrus.ID]*walrus.StakingPool{}
	for _, m := range com.Members {
		out[m.NodeID] = s.pool(m.NodeID)
	}
	return out
}

// checkRewards checks each old member's pool against its reward: the commission (at the
// pool's rate before the change) went to the commission balance, the rest to the rewards
// pool.
func (s *stakingNet) checkRewards(before map[walrus.ID]*walrus.StakingPool, per map[walrus.ID]uint64) {
	s.t.Helper()
	for id, b := range before {
		a := s.pool(id)
		c := commissionOf(per[id], b.CommissionRate)
		if a.Commission-b.Commission != c || a.RewardsPool-b.RewardsPool != per[id]-c {
			s.t.Fatalf("pool %s: commission +%d rewards +%d, want +%d and +%d (reward %d)", id, a.Commission-b.Commission, a.RewardsPool-b.RewardsPool, c, per[id]-c, per[id])
		}
		if a.LatestEpoch <= b.LatestEpoch {
			s.t.Fatalf("pool %s did not advance", id)
		}
	}
}

// syncEpoch has the committee's nodes call epoch_sync_done until a quorum: the quorum's
// call emits EpochChangeDone, every call ShardsReceived; a later one is no longer counted.
func (s *stakingNet) syncEpoch(epoch uint32, com *chain.Committee, clients map[walrus.ID]*chain.Client, caps map[walrus.ID]walrus.ID) {
	s.t.Helper()
	weight := 0
	for _, m := range com.Members {
		c, cap := clients[m.NodeID], caps[m.NodeID]
		if i := slices.Index(s.nodes, m.NodeID); i >= 0 {
			c, cap = s.oc[i], s.caps[i]
		}
		d, err := c.EpochSyncDone(s.ctx, cap, epoch)
		if err != nil {
			s.t.Fatal(err)
		}
		shards := &walrus.ShardsReceived{Epoch: epoch, Shards: s.onChainShards(m.NodeID)}
		before := weight
		weight += len(m.Shards)
		switch {
		case 3*before >= 2*int(com.NShards)+1:
			s.wantEvents(d, shards)
		case 3*weight >= 2*int(com.NShards)+1:
			s.wantEvents(d, &walrus.EpochChangeDone{Epoch: epoch}, shards)
			st := s.epochState()
			if st.State != walrus.EpochStateChangeDone || st.Epoch != epoch {
				s.t.Fatalf("after the quorum: %+v", st)
			}
			// EpochChangeDone(now) holds the Clock the transaction saw: its checkpoint's time.
			if ts := s.events.of(d)[0].TimestampMs; st.LastChange.UnixMilli() != int64(ts) {
				s.t.Fatalf("EpochChangeDone at %v, its checkpoint at %d ms", st.LastChange, ts)
			}
		default:
			s.wantEvents(d, shards)
			if st := s.epochState(); st.State != walrus.EpochStateChangeSync || int(st.SyncWeight) != weight {
				s.t.Fatalf("sync weight %+v, want %d", st, weight)
			}
		}
	}
}

// onChainShards is the node's shards in the Staking committee's stored order.
func (s *stakingNet) onChainShards(nodeID walrus.ID) []uint16 {
	s.t.Helper()
	st, err := s.c.StakingState(s.ctx)
	if err != nil {
		s.t.Fatal(err)
	}
	sh, _ := st.Inner.Committee.ShardsOf(nodeID)
	return sh
}

// checkShardsKept checks committee.move transition: a node that stays keeps its shards
// (all of them if its count did not drop), and every shard has one owner.
func checkShardsKept(t *testing.T, from, to *chain.Committee) {
	t.Helper()
	seen := map[uint16]bool{}
	for _, m := range to.Members {
		for _, sh := range m.Shards {
			if seen[sh] {
				t.Fatalf("shard %d assigned twice", sh)
			}
			seen[sh] = true
		}
		old, ok := from.Member(m.NodeID)
		if !ok {
			continue
		}
		kept := 0
		for _, sh := range old.Shards {
			if slices.Contains(m.Shards, sh) {
				kept++
			}
		}
		if kept != min(len(old.Shards), len(m.Shards)) {
			t.Fatalf("node %s kept %d of its %d shards with %d now", m.NodeID, kept, len(old.Shards), len(m.Shards))
		}
	}
	if len(seen) != int(to.NShards) {
		t.Fatalf("%d shards assigned of %d", len(seen), to.NShards)
	}
	gained, lost := chain.ShardMoves(from, to)
	moved := 0
	for _, sh := range gained {
		moved += len(sh)
	}
	lostN := 0
	for _, sh := range lost {
		lostN += len(sh)
	}
	if moved != lostN {
		t.Fatalf("%d shards gained, %d lost", moved, lostN)
	}
}

func sameAssignment(a, b *chain.Committee) bool {
	if len(a.Members) != len(b.Members) {
		return false
	}
	for i := range a.Members {
		if a.Members[i].NodeID != b.Members[i].NodeID || !slices.Equal(a.Members[i].Shards, b.Members[i].Shards) {
			return false
		}
	}
	return true
}

// sysRewards is the rewards the System holds for the epoch epochsAhead from now.
func sysRewards(sys *chain.SystemState, epochsAhead uint32) (uint64, error) {
	r := &sys.Inner.FutureAccounting
	i := (r.CurrentIndex + epochsAhead) % r.Length
	return r.RingBuffer[i].RewardsToDistribute, nil
}

// TestExpiredStorage reserves storage for one epoch, lets the epoch change, and checks
// that registering a blob on the now expired storage, or extending a blob whose storage
// expired, aborts with the Move errors.
func TestExpiredStorage(t *testing.T) {
	s := newStakingNet(t, 2*time.Second)
	epoch, err := s.c.Epoch(s.ctx)
	if err != nil {
		t.Fatal(err)
	}
	storage, err := s.c.ReserveSpace(s.ctx, 1<<20, 1)
	if err != nil {
		t.Fatal(err)
	}
	r := s.register(s.blob(100), 1, false) // a certified blob whose storage ends with this epoch too
	s.certify(r)
	drv, err := chain.NewEpochDriver(s.c, chain.EpochDriverConfig{Treasury: s.d.IDs().Treasury, MaxWait: 200 * time.Millisecond, Retry: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	s.step(drv, chain.EpochVotingEnded)
	s.step(drv, chain.EpochChangeStarted)
	if now, err := s.c.Epoch(s.ctx); err != nil || now != epoch+1 {
		t.Fatalf("epoch %d, %v; want %d", now, err, epoch+1)
	}

	tb := s.blob(200)
	_, err = s.c.RegisterBlob(s.ctx, chain.RegisterBlobRequest{BlobID: tb.id, RootHash: tb.root, Size: tb.size, Storage: &storage})
	if !errors.Is(err, chain.ErrResourceBounds) {
		t.Errorf("register on expired storage: %v", err)
	}
	if _, err := s.c.ExtendBlob(s.ctx, r.ObjectID, 1); !errors.Is(err, chain.ErrResourceBounds) {
		t.Errorf("extend an expired blob: %v", err)
	}
}
