package indexer_test

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"net"
	"net/http"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/tuskstore/tusk/chain/devnet/contract"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/indexer"
	"github.com/tuskstore/tusk/internal/pgtest"
)

// TestDevnetGenesisSnapshot: on the embedded devnet the System, Staking and StakingPool
// objects exist from genesis and no checkpoint writes them. A fresh indexer seeds its
// new database from the chain client's reads, so the genesis nodes, the committee and
// the current epoch are served at once; a restart duplicates nothing, a re-seed over
// existing rows changes nothing, and a pool written later by a transaction wins.
func TestDevnetGenesisSnapshot(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a devnet")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	_, c, _ := startDevnet(t, ctx)

	dbURL := pgtest.URL(t)
	pkg := c.Deployment().OriginalPackage
	// start runs an indexer on the database until the returned stop is called.
	start := func() (base string, stop func()) {
		cfg := indexer.Default()
		cfg.DatabaseURL = dbURL
		cfg.MigrateOnStart = true
		cfg.FlushInterval = 10 * time.Millisecond
		ixLn, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ix, err := indexer.New(cfg, indexer.Deps{Source: c, State: c, Package: &pkg, Listener: ixLn,
			TipInterval: 20 * time.Millisecond, Logger: zaptest.NewLogger(t, zaptest.Level(zap.WarnLevel))})
		if err != nil {
			t.Fatal(err)
		}
		ictx, istop := context.WithCancel(ctx)
		idone := make(chan error, 1)
		go func() { idone <- ix.Run(ictx) }()
		select {
		case <-ix.Ready():
		case err := <-idone:
			istop()
			t.Fatalf("indexer Run: %v", err)
		}
		return "http://" + ix.Addr().String(), func() {
			istop()
			if err := <-idone; err != nil {
				t.Errorf("indexer Run: %v", err)
			}
		}
	}
	getJSON := func(base, path string, into any) {
		t.Helper()
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d", path, resp.StatusCode)
		}
		if err := json.NewDecoder(resp.Body).Decode(into); err != nil {
			t.Fatal(err)
		}
	}
	caughtUp := func(base string) {
		t.Helper()
		tip, err := c.LatestCheckpoint(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for deadline := time.Now().Add(60 * time.Second); ; {
			var sum struct {
				Watermark *struct{ Checkpoint uint64 } `json:"watermark"`
			}
			getJSON(base, "/v1/summary", &sum)
			if sum.Watermark != nil && sum.Watermark.Checkpoint >= tip {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("the indexer did not reach checkpoint %d", tip)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}

	com, err := c.Committee(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(com.Members) != contract.DefaultNodes {
		t.Fatalf("the devnet has %d committee members", len(com.Members))
	}
	ids := make([]walrus.ID, len(com.Members))
	for i, m := range com.Members {
		ids[i] = m.NodeID
	}
	pools, err := c.Pools(ctx, ids...)
	if err != nil {
		t.Fatal(err)
	}
	hx := func(b []byte) string { return "0x" + hex.EncodeToString(b) }

	type nodeJSON struct {
		NodeID           walrus.ID `json:"node_id"`
		Name             string    `json:"name"`
		NetworkAddress   string    `json:"network_address"`
		PublicKey        string    `json:"public_key"`
		NetworkPublicKey string    `json:"network_public_key"`
		Stake            string    `json:"stake"`
		PendingStake     string    `json:"pending_stake"`
		Version          uint64    `json:"version"`
	}
	// check verifies what the genesis state must show, and returns the nodes by ID.
	check := func(base string) map[walrus.ID]nodeJSON {
		t.Helper()
		var nodes struct{ Items []nodeJSON }
		getJSON(base, "/v1/nodes?limit=100", &nodes)
		if len(nodes.Items) != len(com.Members) {
			t.Fatalf("/v1/nodes lists %d nodes, want %d: %+v", len(nodes.Items), len(com.Members), nodes.Items)
		}
		byID := map[walrus.ID]nodeJSON{}
		for _, n := range nodes.Items {
			byID[n.NodeID] = n
		}
		for i, m := range com.Members {
			n, ok := byID[m.NodeID]
			info := &pools[i].NodeInfo
			if !ok || n.Name == "" || n.Name != m.Name || n.NetworkAddress != m.NetworkAddress ||
				n.PublicKey != hx(info.PublicKey) || n.NetworkPublicKey != hx(m.NetworkPublicKey) || n.Stake == "0" {
				t.Fatalf("node %s = %+v, want %s at %s", m.NodeID, n, m.Name, m.NetworkAddress)
			}
		}
		var members struct {
			Items []struct {
				NodeID walrus.ID `json:"node_id"`
				Name   *string   `json:"name"`
				Shards []uint16  `json:"shards"`
			}
		}
		getJSON(base, "/v1/epochs/"+strconv.Itoa(int(com.Epoch))+"/committee?limit=100", &members)
		if len(members.Items) != len(com.Members) {
			t.Fatalf("committee of epoch %d: %d members, want %d", com.Epoch, len(members.Items), len(com.Members))
		}
		var shards []uint16
		for _, m := range members.Items {
			if m.Name == nil || *m.Name != byID[m.NodeID].Name {
				t.Fatalf("committee member %s has no name", m.NodeID)
			}
			shards = append(shards, m.Shards...)
		}
		slices.Sort(shards)
		if len(shards) != int(com.NShards) {
			t.Fatalf("committee shards = %v, want each of %d once", shards, com.NShards)
		}
		for i, s := range shards {
			if s != uint16(i) {
				t.Fatalf("committee shards = %v, want each of %d once", shards, com.NShards)
			}
		}
		var sum struct {
			Nodes   int `json:"nodes"`
			Current *struct {
				Epoch        uint32  `json:"epoch"`
				NShards      *uint16 `json:"n_shards"`
				StoragePrice *string `json:"storage_price_per_unit"`
			} `json:"current_epoch"`
		}
		getJSON(base, "/v1/summary", &sum)
		if sum.Current == nil || sum.Current.Epoch != com.Epoch || sum.Current.NShards == nil || *sum.Current.NShards != com.NShards ||
			sum.Current.StoragePrice == nil || *sum.Current.StoragePrice != strconv.Itoa(contract.DefaultStoragePrice) ||
			sum.Nodes != len(com.Members) {
			t.Fatalf("summary = %+v (current %+v), want epoch %d", sum, sum.Current, com.Epoch)
		}
		var epochs struct {
			Items []struct {
				Epoch   uint32  `json:"epoch"`
				NShards *uint16 `json:"n_shards"`
			}
		}
		getJSON(base, "/v1/epochs", &epochs)
		if len(epochs.Items) != 1 || epochs.Items[0].Epoch != com.Epoch || epochs.Items[0].NShards == nil {
			t.Fatalf("/v1/epochs = %+v, want epoch %d", epochs.Items, com.Epoch)
		}
		return byID
	}
	counts := func() (n [3]int) {
		t.Helper()
		conn, err := pgx.Connect(ctx, dbURL)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		err = conn.QueryRow(ctx, `SELECT (SELECT count(*) FROM nodes), (SELECT count(*) FROM committees), (SELECT count(*) FROM stake)`).
			Scan(&n[0], &n[1], &n[2])
		if err != nil {
			t.Fatal(err)
		}
		return n
	}

	// A fresh indexer: the genesis state, without any transaction having written it.
	base, stop := start()
	caughtUp(base)
	before := check(base)
	for id, n := range before {
		if n.Version != indexer.SnapshotVersion {
			t.Fatalf("node %s at version %d: written by a transaction already?", id, n.Version)
		}
	}
	seeded := counts()
	if seeded != [3]int{len(com.Members), len(com.Members), len(com.Members)} {
		t.Fatalf("nodes, committee, stake rows = %v", seeded)
	}

	// A transaction writes a pool: its state wins over the snapshot's.
	staked := com.Members[0].NodeID
	if _, err := c.StakeWithPool(ctx, staked, 10*contract.FrostPerWAL); err != nil {
		t.Fatal(err)
	}
	caughtUp(base)
	after := check(base)
	if n := after[staked]; n.Version <= indexer.SnapshotVersion || n.PendingStake == before[staked].PendingStake {
		t.Fatalf("staked node = %+v, before %+v", n, before[staked])
	}
	stop()

	// A restart: nothing is seeded again or duplicated.
	base, stop = start()
	caughtUp(base)
	if got := check(base); got[staked] != after[staked] {
		t.Fatalf("after a restart, staked node = %+v, want %+v", got[staked], after[staked])
	}
	if got := counts(); got != seeded {
		t.Fatalf("after a restart, nodes, committee, stake rows = %v, want %v", got, seeded)
	}
	stop()

	// Without a watermark (as after a crash between the seed and the first commit), a
	// new seed and the replay from checkpoint 0 change nothing: the transaction's write
	// still wins, and nothing is duplicated.
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, `DELETE FROM watermarks WHERE pipeline = $1`, indexer.PipelineName); err != nil {
		t.Fatal(err)
	}
	conn.Close(ctx)
	base, stop = start()
	defer stop()
	caughtUp(base)
	if got := check(base); got[staked] != after[staked] {
		t.Fatalf("after a re-seed, staked node = %+v, want %+v", got[staked], after[staked])
	}
	if got := counts(); got != seeded {
		t.Fatalf("after a re-seed, nodes, committee, stake rows = %v, want %v", got, seeded)
	}
}
