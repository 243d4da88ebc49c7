package e2e

import (
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/node/api"
)

// syncShardPath is where a node gaining shards pulls them from their previous owner.
const syncShardPath = "/v1/migrate/sync_shard"

// TestNodeKilledDuringShardSyncResumes stakes enough WAL with the smallest node that it
// gains shards at the next epoch change, then SIGKILLs its process while its health
// shows shards in transfer (the previous owners answer sync_shard slowly, through
// proxies, one blob per request). Restarted, the node completes the sync, the epoch
// change completes on chain, and the node serves every sliver of its new shards equal
// to the blobs' encoding; reads through the aggregator return every blob.
func TestNodeKilledDuringShardSyncResumes(t *testing.T) {
	n := startNetworkWithEpochs(t, "8s")
	ctx := testContext(t)
	c, _ := n.chainClient(ctx)
	in := n.info()
	com := n.committee(ctx)
	gainer := 0
	for k := range com.Members {
		if len(com.Members[k].Shards) < len(com.Members[gainer].Shards) {
			gainer = k
		}
	}
	gainerID := com.Members[gainer].NodeID
	gi := n.nodeIndex(com.Members[gainer])

	// Every other node behind a proxy that holds each sync_shard answer for a while; the
	// gainer asks for one blob per request.
	var syncAnswers atomic.Int64
	slow := func(resp *http.Response) error {
		if resp.Request.URL.Path == syncShardPath {
			time.Sleep(150 * time.Millisecond)
			syncAnswers.Add(1)
		}
		return nil
	}
	for i := range n.nodeCfg {
		if i == gi {
			continue
		}
		registered := n.nodeCfg[i].ListenAddr
		n.killNode(i)
		behind := freeAddr(t)
		n.startNodeAt(i, behind)
		startProxy(t, registered, behind, slow)
	}
	gainerEnv := []string{"TUSK_NODE_SYNC_SHARD_BATCH=1", "TUSK_NODE_SYNC_RETRY_MIN=50ms", "TUSK_NODE_SYNC_RETRY_MAX=500ms"}
	n.killNode(gi)
	n.startNodeAt(gi, n.nodeCfg[gi].ListenAddr, gainerEnv...)

	var blobs []storedBlob
	for i := range 12 {
		blobs = append(blobs, n.putBlob(randomBlob(t, 10_000+i*3_000), "epochs=30"))
	}
	before := len(com.Members[gainer].Shards)
	n.mustCLI("stake", "--node", gainerID.String(), "--amount", "900")

	// Kill the gainer once it has pulled a few blobs while its health still shows a
	// shard in transfer.
	nc := nodeClient(t, n.nodeCfg[gi].ListenAddr)
	var killedAt api.HealthInfo
	eventually(t, "the node gaining shards is in the middle of its sync", func() error {
		h, err := nc.Health(ctx, false)
		if err != nil {
			return err
		}
		if h.ShardSummary.OwnedShardStatus.InTransfer == 0 || syncAnswers.Load() < 3 {
			return fmt.Errorf("epoch %d, shards %+v, %d sync_shard answers", h.Epoch, h.ShardSummary, syncAnswers.Load())
		}
		killedAt = h
		n.killNode(gi)
		return nil
	})
	answersBeforeKill := syncAnswers.Load()
	t.Logf("node %s killed at epoch %d with %d of %d shards in transfer, after %d sync_shard answers",
		com.Members[gainer].Name, killedAt.Epoch, killedAt.ShardSummary.OwnedShardStatus.InTransfer,
		killedAt.ShardSummary.Owned, answersBeforeKill)
	n.startNodeAt(gi, n.nodeCfg[gi].ListenAddr, gainerEnv...)

	// The new committee gives the gainer more shards; once its sync is done the chain's
	// epoch change completes, and the node serves every sliver of its shards.
	var now *chain.Committee
	eventually(t, "the node completes its shard sync after the restart", func() error {
		var err error
		if now, err = c.Committee(ctx); err != nil {
			return err
		}
		if now.Epoch < killedAt.Epoch {
			return fmt.Errorf("the chain is at epoch %d, the node was killed at %d", now.Epoch, killedAt.Epoch)
		}
		h, err := nc.Health(ctx, false)
		if err != nil {
			return err
		}
		if h.Epoch != now.Epoch || h.ShardSummary.Owned == 0 || h.ShardSummary.OwnedShardStatus.Ready != h.ShardSummary.Owned {
			return fmt.Errorf("node at epoch %d with shards %+v; chain at epoch %d", h.Epoch, h.ShardSummary, now.Epoch)
		}
		st, err := c.EpochState(ctx)
		if err != nil {
			return err
		}
		if st.State == walrus.EpochStateChangeSync {
			return fmt.Errorf("the epoch change to %d is still syncing (weight %d)", st.Epoch, st.SyncWeight)
		}
		return nil
	})
	m := now.Members[memberIndex(t, now, gainerID)]
	if len(m.Shards) <= before {
		t.Fatalf("the node holds %d shards at epoch %d, %d before the stake: the test proves nothing", len(m.Shards), now.Epoch, before)
	}
	if syncAnswers.Load() == answersBeforeKill {
		t.Fatalf("no sync_shard answer after the restart: the sync was over before the kill")
	}
	eventually(t, "the node serves every sliver of its shards", func() error {
		return requireSlivers(ctx, t, n.nodeCfg[gi].ListenAddr, m, in.NShards, blobs...)
	})
	n.requireReadable(blobs...)
	t.Logf("node %s: %d -> %d shards; %d sync_shard answers in all", m.Name, before, len(m.Shards), syncAnswers.Load())
}

// memberIndex is the index of node id in com.Members.
func memberIndex(t *testing.T, com *chain.Committee, id walrus.ID) int {
	t.Helper()
	for k := range com.Members {
		if com.Members[k].NodeID == id {
			return k
		}
	}
	t.Fatalf("node %s is not in the committee of epoch %d", id, com.Epoch)
	return -1
}
