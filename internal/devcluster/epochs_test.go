package devcluster

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/chain/devnet/contract"
	"github.com/tuskstore/tusk/chain/keys"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/coordinator"
	"github.com/tuskstore/tusk/coordinator/metrics"
	"github.com/tuskstore/tusk/coordinator/nodes/httpnode"
	"github.com/tuskstore/tusk/coordinator/store"
	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/internal/pgtest"
	"github.com/tuskstore/tusk/node"
	"github.com/tuskstore/tusk/node/operator"
)

// TestEpochsMoveShardsAndPayRewards runs a cluster of 4 nodes with Postgres and short
// epochs through at least three epoch changes, driven by the nodes' operators alone.
// A large stake moves shards to the smallest node; blobs stored before, during and after
// the changes stay readable and byte-identical; a node that gains shards is stopped while
// it syncs them and completes after its restart; the rewards the indexer shows for every
// node, the WAL a staker withdraws and the commission node 0's operator collects on its
// schedule all match §4's formula computed here from the payments the test made.
func TestEpochsMoveShardsAndPayRewards(t *testing.T) {
	if testing.Short() {
		t.Skip("runs several epochs")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	receiver, err := keys.Generate()
	if err != nil {
		t.Fatal(err)
	}
	receiverAddr := walrus.Address(receiver.Address())
	cl := startCluster(t, ctx, t.TempDir(), func(c *Config) {
		c.EpochDuration = 6 * time.Second
		c.DatabaseURL = pgtest.URL(t)
		c.Log = zaptest.NewLogger(t, zaptest.Level(zap.WarnLevel))
		c.TweakNode = func(i int, nc *node.Config) {
			nc.Sync.ShardBatch = 1 // many sync_shard requests: a sync that can be interrupted
			nc.Sync.RetryMin, nc.Sync.RetryMax = 50*time.Millisecond, 500*time.Millisecond
		}
		c.TweakOperator = func(i int, oc *operator.Config) {
			if i == 0 {
				oc.Commission = operator.CommissionConfig{Collect: true, Schedule: "@every 1s", MinAmount: "0.000000001", Receiver: receiverAddr.String()}
			}
		}
	})
	defer cl.Close()
	e := newEpochWatch(t, ctx, cl)
	start := e.lastEpoch // every payment of the test goes into this epoch or later ones

	// The payer and the staker.
	payer := fundedClient(t, ctx, cl, 500*contract.FrostPerWAL)
	staker := fundedClient(t, ctx, cl, 4000*contract.FrostPerWAL)
	coord, err := coordinator.New(payer, httpnode.Dialer(httpnode.Options{Plain: true, Pending: true}), coordinator.Default(),
		zap.NewNop(), metrics.New(prometheus.NewRegistry()))
	if err != nil {
		t.Fatal(err)
	}
	prices, err := payer.Prices(ctx)
	if err != nil {
		t.Fatal(err)
	}
	first := e.committee(e.epoch())
	smallest := first.Members[0]
	for _, m := range first.Members {
		if len(m.Shards) < len(smallest.Shards) {
			smallest = m
		}
	}
	const stake = 3000 * contract.FrostPerWAL
	stakedID, err := staker.StakeWithPool(ctx, smallest.NodeID, stake)
	if err != nil {
		t.Fatal(err)
	}

	var blobs []storedBlob
	storeOne := func(what string) {
		t.Helper()
		data := make([]byte, 2000+rand.IntN(30_000))
		for i := range data {
			data[i] = byte(rand.Uint32())
		}
		res, err := coord.Store(ctx, data, store.Options{Epochs: 10, Permanent: true})
		if err != nil {
			t.Fatalf("store %s: %v", what, err)
		}
		nc := res.NewlyCreated
		if nc == nil {
			t.Fatalf("store %s: %s", what, res.Kind())
		}
		blobs = append(blobs, storedBlob{data: data, id: nc.BlobObject.BlobID, what: what, obj: nc.BlobObject})
	}
	readAll := func(when string) {
		t.Helper()
		for _, b := range blobs {
			got, err := coord.Read(ctx, b.id, encoding.CheckDefault)
			if err != nil || !bytes.Equal(got, b.data) {
				t.Fatalf("%s: blob %s (stored %s): %v, %d bytes, want %d", when, b.id, b.what, err, len(got), len(b.data))
			}
		}
	}
	for i := range 8 {
		storeOne(fmt.Sprintf("before, #%d", i))
	}

	// Follow the epoch changes: store during and after each, stop the first node that
	// gains shards while it syncs them.
	killed := -1
	for changes := 0; changes < 3 || killed < 0; {
		if changes >= 5 {
			t.Fatal("no node gained shards in five epoch changes")
		}
		ep := e.waitState(func(s *chain.EpochState) bool { return s.Epoch > e.lastEpoch })
		changes++
		com := e.committee(ep.Epoch)
		prev := e.committee(ep.Epoch - 1)
		restart := -1
		if killed < 0 {
			if g := cl.gainer(prev, com); g >= 0 {
				killed, restart = g, g
				interrupted := e.stopWhileSyncing(g)
				t.Logf("epoch %d: node %d gains shards; stopped it %s", ep.Epoch, g, interrupted)
			}
		}
		if ep.State == walrus.EpochStateChangeSync {
			// While the stopped node has not attested, the change may stay unfinished:
			// reads go to the previous committee for the blobs certified before it.
			s, err := e.c.EpochState(ctx)
			if err != nil {
				t.Fatal(err)
			}
			readAll(fmt.Sprintf("during the change to %d", ep.Epoch))
			after, err := e.c.EpochState(ctx)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("epoch %d: %d blobs read back while the change was %s (then %s)", ep.Epoch, len(blobs), s.State, after.State)
		}
		if restart >= 0 {
			if err := cl.StartNode(ctx, restart); err != nil {
				t.Fatal(err)
			}
		}
		if ep.State == walrus.EpochStateChangeSync {
			storeOne(fmt.Sprintf("during the change to %d", ep.Epoch))
		}
		e.waitState(func(s *chain.EpochState) bool { return s.Epoch == ep.Epoch && s.State != walrus.EpochStateChangeSync })
		storeOne(fmt.Sprintf("after the change to %d", ep.Epoch))
		readAll(fmt.Sprintf("epoch %d", ep.Epoch))
		if p, err := payer.Prices(ctx); err != nil || p != prices {
			t.Fatalf("prices moved to %+v (%v); the expected rewards assume %+v", p, err, prices)
		}
	}
	last := e.lastEpoch
	t.Logf("epochs %d to %d", start, last)

	// The shard assignment moved to the staked node, and the restarted node holds every
	// sliver of its shards.
	if lastCom := e.committee(last); weightOf(lastCom, smallest.NodeID) <= len(smallest.Shards) {
		t.Fatalf("node %s still holds %d shards after the stake", smallest.NodeID, weightOf(lastCom, smallest.NodeID))
	}
	lastCom := e.committee(last)
	for _, m := range lastCom.Members {
		if m.NodeID != cl.NodeID(killed) {
			continue
		}
		for _, b := range blobs {
			enc, err := encoding.NewCodec(int(lastCom.NShards))
			if err != nil {
				t.Fatal(err)
			}
			eb, err := enc.Encode(bytes.Clone(b.data))
			if err != nil {
				t.Fatal(err)
			}
			waitSlivers(t, ctx, nodeClient(t, m), m, eb)
		}
	}

	// Rewards, from the payments made: each blob paid its write price into its
	// registration epoch and its storage price into each epoch it is stored for.
	paid := map[uint32]uint64{}
	for _, b := range blobs {
		units := (b.obj.Storage.StorageSize + 1<<20 - 1) >> 20
		paid[b.obj.RegisteredEpoch] += units * prices.WritePerUnit
		for ep := b.obj.Storage.StartEpoch; ep < b.obj.Storage.EndEpoch; ep++ {
			paid[ep] += units * prices.StoragePerUnitEpoch
		}
	}
	// expected is each node's reward for epoch ep (paid at the change to ep+1): 3% of the
	// epoch's payments and the previous epoch's leftover burned, the rest split by shards,
	// rounded down, the remainder left over to the next epoch.
	expected := map[uint32]map[walrus.ID]uint64{}
	leftovers := map[uint32]uint64{start - 1: 0}
	var rewardsOf func(ep uint32) map[walrus.ID]uint64
	rewardsOf = func(ep uint32) map[walrus.ID]uint64 {
		if r, ok := expected[ep]; ok {
			return r
		}
		if ep > start {
			rewardsOf(ep - 1)
		}
		total := paid[ep] + leftovers[ep-1]
		rest := total - total*3/100
		com := e.committee(ep)
		r := map[walrus.ID]uint64{}
		left := rest
		for _, m := range com.Members {
			r[m.NodeID] = uint64(len(m.Shards)) * rest / uint64(com.NShards)
			left -= r[m.NodeID]
		}
		expected[ep], leftovers[ep] = r, left
		return r
	}
	commissionOf := func(r uint64) uint64 { return r * contract.DefaultCommissionRate / 10_000 }
	var paidOut uint64
	for ep := start; ep < last; ep++ {
		for id, want := range rewardsOf(ep) {
			paidOut += want
			got := e.indexedReward(id, ep)
			if got.reward != want || got.commission != commissionOf(want) {
				t.Errorf("epoch %d node %s: indexer shows reward %d commission %d, want %d and %d", ep, id, got.reward, got.commission, want, commissionOf(want))
			}
		}
	}

	if paidOut == 0 {
		t.Fatalf("no rewards over epochs %d to %d: payments %v", start, last, paid)
	}
	t.Logf("rewards of epochs %d to %d: %d FROST, as the indexer shows", start, last-1, paidOut)

	// The staker withdraws its principal and its share of the pool's staker rewards.
	sw, err := staker.StakedWal(ctx, stakedID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := staker.RequestWithdrawStake(ctx, stakedID); err != nil {
		t.Fatal(err)
	}
	var w *chain.Withdrawal
	for w == nil {
		if w, err = staker.WithdrawStake(ctx, stakedID); err != nil {
			if !errors.Is(err, chain.ErrWithdrawEpochNotReached) {
				t.Fatal(err)
			}
			w = nil
			e.waitState(func(s *chain.EpochState) bool { return s.Epoch > e.lastEpoch })
		}
	}
	withdrawnAt := e.lastEpoch
	// The pool's value: the genesis stake and the stakers' part of each reward; the
	// staker holds its fraction from its activation epoch on.
	poolValue, stakerValue := contract.DefaultNodeStake, uint64(0)
	for ep := start; ep < withdrawnAt; ep++ {
		if ep == sw.ActivationEpoch {
			poolValue += stake
			stakerValue = stake
		}
		r := rewardsOf(ep)[smallest.NodeID]
		part := r - commissionOf(r)
		if stakerValue > 0 {
			stakerValue += part * stakerValue / poolValue
		}
		poolValue += part
	}
	if sw.ActivationEpoch >= withdrawnAt {
		stakerValue = stake
	}
	slack := uint64(last - start + 2) // one FROST of rounding per epoch (shares ↔ WAL)
	if w.Amount+slack < stakerValue || w.Amount > stakerValue+slack {
		t.Errorf("staker withdrew %d FROST, want %d ± %d (stake %d active from epoch %d)", w.Amount, stakerValue, slack, stake, sw.ActivationEpoch)
	}
	t.Logf("staker: %d FROST staked with node %s, active from epoch %d, withdrew %d at epoch %d (formula %d)",
		stake, smallest.NodeID, sw.ActivationEpoch, w.Amount, withdrawnAt, stakerValue)
	if w.Amount <= stake && sw.ActivationEpoch < last {
		t.Errorf("staker withdrew %d FROST, no reward on a stake of %d active from epoch %d", w.Amount, stake, sw.ActivationEpoch)
	}

	// Node 0's operator collected its commission into the receiver on its schedule: the
	// receiver holds the commission of a prefix of the epochs.
	deadline := time.Now().Add(time.Minute)
	for {
		bal, err := payer.WALBalance(ctx, receiverAddr)
		if err != nil {
			t.Fatal(err)
		}
		var sums []uint64 // the commission of the epochs from start to each one paid
		var sum uint64
		for ep := start; ep < e.epoch(); ep++ {
			sum += commissionOf(rewardsOf(ep)[cl.NodeID(0)])
			sums = append(sums, sum)
		}
		if len(sums) >= 3 && slices.Contains(sums, bal) && bal >= sums[len(sums)-2] {
			t.Logf("the receiver holds %d FROST of commission, epochs %d to %d", bal, start, start+uint32(slices.Index(sums, bal)))
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the receiver holds %d FROST; node 0's commission summed by epoch: %v", bal, sums)
		}
		time.Sleep(200 * time.Millisecond)
	}
	readAll("at the end")
}

type storedBlob struct {
	data []byte
	id   encoding.BlobID
	what string
	obj  store.BlobObject
}

func fundedClient(t *testing.T, ctx context.Context, cl *Cluster, wal uint64) *chain.Client {
	t.Helper()
	k, err := keys.Generate()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cl.Devnet().Faucet(ctx, walrus.Address(k.Address()), wal, 50_000_000_000); err != nil {
		t.Fatal(err)
	}
	c, err := chain.Dial(ctx, cl.ChainConfig(), chain.Options{Signer: k})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func weightOf(c *chain.Committee, id walrus.ID) int {
	if m, ok := c.Member(id); ok {
		return len(m.Shards)
	}
	return 0
}

// gainer is the index (in the cluster) of a node holding a shard in to that it did not
// hold in from, or -1.
func (cl *Cluster) gainer(from, to *chain.Committee) int {
	for i := range cl.Nodes() {
		m, ok := to.Member(cl.NodeID(i))
		if !ok {
			continue
		}
		o, _ := from.Member(m.NodeID)
		for _, s := range m.Shards {
			if !slices.Contains(o.Shards, s) {
				return i
			}
		}
	}
	return -1
}

// epochWatch follows the chain's epoch state and keeps each epoch's committee.
type epochWatch struct {
	t          *testing.T
	ctx        context.Context
	cl         *Cluster
	c          *chain.Client
	committees map[uint32]*chain.Committee
	lastEpoch  uint32
}

func newEpochWatch(t *testing.T, ctx context.Context, cl *Cluster) *epochWatch {
	c, err := chain.Dial(ctx, cl.ChainConfig(), chain.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	e := &epochWatch{t: t, ctx: ctx, cl: cl, c: c, committees: map[uint32]*chain.Committee{}}
	e.lastEpoch = e.epoch()
	return e
}

func (e *epochWatch) epoch() uint32 {
	e.t.Helper()
	s, err := e.c.EpochState(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	e.record(s.Epoch)
	return s.Epoch
}

// record keeps the committee of epoch ep when it is the current one.
func (e *epochWatch) record(ep uint32) {
	if _, ok := e.committees[ep]; ok {
		return
	}
	com, err := e.c.Committee(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	if com.Epoch == ep {
		e.committees[ep] = com
	}
}

// committee is the committee of epoch ep, recorded while it was current; the one before
// the first recorded epoch is read as the previous committee.
func (e *epochWatch) committee(ep uint32) *chain.Committee {
	e.t.Helper()
	if com, ok := e.committees[ep]; ok {
		return com
	}
	cur := e.epoch()
	if ep+1 == cur {
		prev, err := e.c.PreviousCommittee(e.ctx)
		if err != nil {
			e.t.Fatal(err)
		}
		e.committees[ep] = prev
		return prev
	}
	e.t.Fatalf("no committee recorded for epoch %d (now %d)", ep, cur)
	return nil
}

// waitState polls the epoch state until cond holds, recording committees on the way.
func (e *epochWatch) waitState(cond func(*chain.EpochState) bool) *chain.EpochState {
	e.t.Helper()
	for {
		s, err := e.c.EpochState(e.ctx)
		if err != nil {
			e.t.Fatal(err)
		}
		if s.Epoch > e.lastEpoch {
			e.record(s.Epoch)
			if _, ok := e.committees[s.Epoch-1]; !ok {
				e.committee(s.Epoch - 1)
			}
		}
		if cond(s) {
			e.lastEpoch = max(e.lastEpoch, s.Epoch)
			return s
		}
		select {
		case err := <-e.cl.Errors():
			e.t.Fatal(err)
		case <-e.ctx.Done():
			e.t.Fatalf("epoch state %+v: %v", s, e.ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// stopWhileSyncing stops node i as soon as its health shows a shard in transfer or
// recovery (or at once, if the sync is over before it is seen), and says which.
func (e *epochWatch) stopWhileSyncing(i int) string {
	e.t.Helper()
	com := e.committee(e.lastEpoch)
	var nc *chain.CommitteeMember
	for k := range com.Members {
		if com.Members[k].NodeID == e.cl.NodeID(i) {
			nc = &com.Members[k]
		}
	}
	what := "after its sync"
	if nc != nil {
		c := nodeClient(e.t, *nc)
		for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); {
			h, err := c.Health(e.ctx, false)
			if err == nil && (h.ShardSummary.OwnedShardStatus.InTransfer > 0 || h.ShardSummary.OwnedShardStatus.InRecovery > 0) {
				what = fmt.Sprintf("during its sync (%d shards in transfer)", h.ShardSummary.OwnedShardStatus.InTransfer)
				break
			}
			if err == nil && h.Epoch == com.Epoch && h.ShardSummary.OwnedShardStatus.Ready == h.ShardSummary.Owned {
				break
			}
			time.Sleep(2 * time.Millisecond)
		}
	}
	if err := e.cl.StopNode(i); err != nil {
		e.t.Fatal(err)
	}
	return what
}

type indexedReward struct{ reward, commission uint64 }

// indexedReward reads node id's reward for epoch ep from the indexer's API, waiting
// until it has ingested it.
func (e *epochWatch) indexedReward(id walrus.ID, ep uint32) indexedReward {
	e.t.Helper()
	url := "http://" + e.cl.IndexerAddr() + "/v1/nodes/" + id.String() + "/rewards?limit=100"
	for deadline := time.Now().Add(time.Minute); ; {
		var page struct {
			Items []struct {
				Epoch      uint32 `json:"epoch"`
				Reward     string `json:"reward"`
				Commission string `json:"commission"`
			} `json:"items"`
		}
		resp, err := http.Get(url)
		if err != nil {
			e.t.Fatal(err)
		}
		err = json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			e.t.Fatalf("GET %s: %d %v", url, resp.StatusCode, err)
		}
		for _, it := range page.Items {
			if it.Epoch == ep {
				r, err1 := strconv.ParseUint(it.Reward, 10, 64)
				c, err2 := strconv.ParseUint(it.Commission, 10, 64)
				if err1 != nil || err2 != nil {
					e.t.Fatalf("reward %+v", it)
				}
				return indexedReward{r, c}
			}
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("the indexer has no reward of node %s for epoch %d: %+v", id, ep, page.Items)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
