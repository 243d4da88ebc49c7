package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/chain/devnet"
	"github.com/tuskstore/tusk/chain/keys"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/internal/stakingtest"
	"github.com/tuskstore/tusk/node/operator"
)

// clientConfigFor writes a client configuration for n whose key is k.
func clientConfigFor(t *testing.T, n *stakingtest.Net, k *keys.Keypair) string {
	t.Helper()
	dir := t.TempDir()
	ks := filepath.Join(dir, "client.keystore")
	if err := keys.SaveKeystore(ks, []*keys.Keypair{k}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "client.yaml")
	if err := devnet.WriteClientConfig(path, n.Devnet.ClientConfig(ks, walrus.Address(k.Address()))); err != nil {
		t.Fatal(err)
	}
	return path
}

// runJSON runs tusk and decodes its JSON output into v.
func runJSON(t *testing.T, v any, args ...string) {
	t.Helper()
	out := mustRun(t, append(args, "--json")...)
	if err := json.Unmarshal([]byte(out), v); err != nil {
		t.Fatalf("tusk %s: output %q: %v", strings.Join(args, " "), out, err)
	}
}

func wantContains(t *testing.T, what, out string, subs ...string) {
	t.Helper()
	for _, s := range subs {
		if !strings.Contains(out, s) {
			t.Errorf("%s: %q does not say %q", what, out, s)
		}
	}
}

type withdrawOut struct {
	StakedWal     string `json:"stakedWal"`
	State         string `json:"state"`
	WithdrawEpoch uint32 `json:"withdrawEpoch"`
	Principal     uint64 `json:"principal"`
	Rewards       uint64 `json:"rewards"`
	Amount        uint64 `json:"amount"`
	Coin          string `json:"coin"`
}

func TestStakeAndWithdraw(t *testing.T) {
	n := stakingtest.Start(t, stakingtest.Options{})
	ctx := n.Ctx
	cfg := clientConfigFor(t, n, n.Key)
	me := walrus.Address(n.Key.Address())
	node0 := n.NodeIDs[0].String()
	balance := func() uint64 {
		t.Helper()
		b, err := n.Chain.WALBalance(ctx, me)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}

	// Stake 2.5 WAL: exactly 2.5·10^9 FROST leave the wallet.
	before := balance()
	var staked struct {
		StakedWal       string `json:"stakedWal"`
		NodeName        string `json:"nodeName"`
		Principal       uint64 `json:"principal"`
		ActivationEpoch uint32 `json:"activationEpoch"`
	}
	runJSON(t, &staked, "--config", cfg, "stake", "--node", node0, "--amount", "2.5")
	if staked.Principal != 2_500_000_000 || staked.ActivationEpoch != 2 || staked.NodeName != "node-0" {
		t.Fatalf("stake: %+v", staked)
	}
	if got := balance(); got != before-2_500_000_000 {
		t.Fatalf("stake took %d FROST", before-got)
	}
	// Not active yet: withdrawn at once, principal only.
	var w withdrawOut
	runJSON(t, &w, "--config", cfg, "withdraw", "--staked-wal", staked.StakedWal)
	if w.State != "withdrawn" || w.Principal != 2_500_000_000 || w.Rewards != 0 || w.Amount != 2_500_000_000 {
		t.Fatalf("direct withdrawal: %+v", w)
	}
	if got := balance(); got != before {
		t.Fatalf("after the direct withdrawal the wallet holds %d, want %d", got, before)
	}

	// Active stake earns rewards: stake, let it activate, store in its epoch.
	out := mustRun(t, "--config", cfg, "stake", "--node", node0, "--amount", "100")
	wantContains(t, "stake", out, "Staked 100 WAL with node node-0", "active from epoch 2")
	id := strings.TrimSuffix(strings.Fields(out[strings.Index(out, "StakedWal ")+len("StakedWal "):])[0], ",")
	if e := n.NextEpoch(); e != 2 {
		t.Fatalf("epoch %d", e)
	}
	n.RegisterBlob(100_000, 2)
	// The request: withdrawable from the next epoch.
	out = mustRun(t, "--config", cfg, "withdraw", "--staked-wal", id)
	wantContains(t, "withdraw request", out, "requested", "withdrawn from epoch 3 (now 2)")
	runJSON(t, &w, "--config", cfg, "withdraw", "--staked-wal", id)
	if w.State != "withdrawing" || w.WithdrawEpoch != 3 {
		t.Fatalf("withdraw before the epoch: %+v", w)
	}
	if e := n.NextEpoch(); e != 3 {
		t.Fatalf("epoch %d", e)
	}
	before = balance()
	out = mustRun(t, "--config", cfg, "withdraw", "--staked-wal", id)
	wantContains(t, "withdraw", out, "Withdrew StakedWal "+id, "principal 100 WAL + rewards ")
	sw, err := n.Chain.StakedWal(ctx, walrus.MustParseID(id))
	if err == nil {
		t.Fatalf("the StakedWal still exists: %+v", sw)
	}
	gained := balance() - before
	if gained <= 100*stakingtest.OneWAL {
		t.Fatalf("withdrew %d FROST for a 100 WAL stake that earned rewards", gained)
	}
	if !strings.Contains(out, fmt.Sprintf("= %s (coin", wal(gained))) {
		t.Fatalf("withdraw output %q, the wallet gained %s", out, wal(gained))
	}

	// --wait waits for the withdraw epoch while the chain moves.
	runJSON(t, &staked, "--config", cfg, "stake", "--node", node0, "--amount", "1")
	n.NextEpoch()
	done := make(chan string, 1)
	go func() {
		code, out, errOut := runTusk(t, "--config", cfg, "withdraw", "--staked-wal", staked.StakedWal, "--wait", "--json")
		done <- fmt.Sprint(code, out, errOut)
	}()
	for {
		select {
		case res := <-done:
			if !strings.HasPrefix(res, "0") || !strings.Contains(res, `"state": "withdrawn"`) {
				t.Fatalf("withdraw --wait: %s", res)
			}
			return
		case <-time.After(500 * time.Millisecond):
			if sw, err := n.Chain.StakedWal(ctx, walrus.MustParseID(staked.StakedWal)); err == nil && sw.IsWithdrawing() {
				n.NextEpoch()
			}
		case <-ctx.Done():
			t.Fatal("withdraw --wait did not finish")
		}
	}
}

type nodeInfoOut struct {
	NodeID                 string    `json:"nodeId"`
	Name                   string    `json:"name"`
	State                  string    `json:"state"`
	Stake                  uint64    `json:"stake"`
	Shards                 []uint16  `json:"shards"`
	NextShards             *[]uint16 `json:"nextShards"`
	CommissionRate         uint16    `json:"commissionRate"`
	PendingCommissionRates []struct {
		Epoch uint32 `json:"epoch"`
		Value uint64 `json:"value"`
	} `json:"pendingCommissionRates"`
	CommissionCollectable uint64  `json:"commissionCollectable"`
	StoragePriceVote      uint64  `json:"storagePriceVote"`
	WritePriceVote        uint64  `json:"writePriceVote"`
	CapacityVote          uint64  `json:"capacityVote"`
	NodeCap               *string `json:"nodeCap"`
	LastEpochSyncDone     *uint32 `json:"lastEpochSyncDone"`
}

type committeesOut struct {
	Current struct {
		Epoch   uint32 `json:"epoch"`
		Members []struct {
			NodeID string   `json:"nodeId"`
			Shards []uint16 `json:"shards"`
			Stake  uint64   `json:"stake"`
		} `json:"members"`
	} `json:"current"`
	Next *struct {
		Epoch   uint32 `json:"epoch"`
		Members []struct {
			Shards []uint16 `json:"shards"`
		} `json:"members"`
	} `json:"next"`
}

func TestNodeOperatorCommands(t *testing.T) {
	n := stakingtest.Start(t, stakingtest.Options{})
	ctx := n.Ctx
	cfg := clientConfigFor(t, n, n.Owners[0])

	// info: the node of the cap the client owns.
	var info nodeInfoOut
	runJSON(t, &info, "--config", cfg, "node", "info")
	if info.NodeID != n.NodeIDs[0].String() || info.Name != "node-0" || info.State != "Active" || len(info.Shards) == 0 ||
		info.NextShards != nil || info.CommissionRate != 6000 || info.Stake != 1000*stakingtest.OneWAL ||
		info.NodeCap == nil || *info.NodeCap != n.Caps[0].String() || info.LastEpochSyncDone == nil || *info.LastEpochSyncDone != 1 {
		t.Fatalf("node info: %+v", info)
	}
	out := mustRun(t, "--config", cfg, "node", "info", "--node", n.NodeIDs[1].String())
	wantContains(t, "node info --node", out, `Storage node "node-1"`, "shards next:      (next committee not selected yet)", "commission rate:  60%")
	if strings.Contains(out, "StorageNodeCap") {
		t.Errorf("info of another node shows a cap: %s", out)
	}

	// set-commission and vote.
	out = mustRun(t, "--config", cfg, "node", "set-commission", "--rate", "2500")
	wantContains(t, "set-commission", out, "set to 25% from epoch 3")
	var voted struct {
		Votes        map[string]uint64 `json:"votes"`
		StoragePrice uint64            `json:"storagePrice"`
	}
	runJSON(t, &voted, "--config", cfg, "node", "vote", "--storage-price", "150000", "--write-price", "30000", "--capacity", "2TiB")
	if voted.Votes["storage-price"] != 150000 || voted.Votes["capacity"] != 2<<40 || voted.StoragePrice == 0 {
		t.Fatalf("vote: %+v", voted)
	}
	runJSON(t, &info, "--config", cfg, "node", "info")
	if info.StoragePriceVote != 150000 || info.WritePriceVote != 30000 || info.CapacityVote != 2<<40 ||
		len(info.PendingCommissionRates) != 1 || info.PendingCommissionRates[0].Epoch != 3 || info.PendingCommissionRates[0].Value != 2500 {
		t.Fatalf("info after the votes: %+v", info)
	}

	// info committee: the shards of every node; the next committee once selected.
	var coms committeesOut
	runJSON(t, &coms, "--config", cfg, "info", "committee")
	total := 0
	for _, m := range coms.Current.Members {
		total += len(m.Shards)
	}
	if coms.Current.Epoch != 1 || len(coms.Current.Members) != 4 || total != 10 || coms.Next != nil {
		t.Fatalf("info committee: %+v", coms)
	}
	wantContains(t, "info committee", mustRun(t, "--config", cfg, "info", "committee"),
		"Committee of epoch 1 (4 nodes, 10 shards)", "node-0", "Next committee: not selected yet")

	// Commission: rewards of epoch 1, collectable after the voting_end of epoch 2.
	n.RegisterBlob(1000, 3)
	n.NextEpoch()
	n.StepUntil(chain.EpochVotingEnded)
	runJSON(t, &coms, "--config", cfg, "info", "committee")
	if coms.Next == nil || coms.Next.Epoch != 3 || len(coms.Next.Members) != 4 {
		t.Fatalf("info committee after voting_end: %+v", coms)
	}
	runJSON(t, &info, "--config", cfg, "node", "info")
	if info.NextShards == nil || len(*info.NextShards) == 0 || info.CommissionCollectable == 0 || *info.LastEpochSyncDone != 2 {
		t.Fatalf("info after voting_end: %+v", info)
	}
	avail := info.CommissionCollectable
	out = mustRun(t, "--config", cfg, "node", "collect-commission", "--min", "1000")
	wantContains(t, "collect below the minimum", out, "Nothing collected", "minimum 1000 WAL")
	recv, _ := keys.Generate()
	var col operator.Collection
	runJSON(t, &col, "--config", cfg, "node", "collect-commission", "--receiver", walrus.ID(recv.Address()).String())
	if col.Skipped || col.Amount != avail || col.Receiver != walrus.Address(recv.Address()) {
		t.Fatalf("collect: %+v", col)
	}
	if bal, err := n.Chain.WALBalance(ctx, walrus.Address(recv.Address())); err != nil || bal != avail {
		t.Fatalf("receiver holds %d, want %d (%v)", bal, avail, err)
	}
	out = mustRun(t, "--config", cfg, "node", "collect-commission")
	wantContains(t, "collect again", out, "Nothing collected", "0 WAL collectable")
}

func TestNodeSetupAndRun(t *testing.T) {
	n := stakingtest.Start(t, stakingtest.Options{})
	ctx := n.Ctx
	op := n.FundedKey(10*stakingtest.OneWAL, 100*stakingtest.OneSUI)
	cfg := clientConfigFor(t, n, op)
	dir := t.TempDir()
	keysDir := filepath.Join(dir, "keys")
	mustRun(t, "node", "keygen", "--dir", keysDir)
	addr := stakingtest.FreeAddr(t)
	nodeCfg := filepath.Join(dir, "node.yaml")
	var reg struct {
		NodeID  string `json:"nodeId"`
		NodeCap string `json:"nodeCap"`
		Config  string `json:"config"`
	}
	runJSON(t, &reg, "--config", cfg, "node", "setup", "--keys-dir", keysDir, "--name", "my-node", "--network-address", addr,
		"--capacity", "1TiB", "--commission-rate", "500", "--description", "a test node", "--write-config", nodeCfg)
	nodeID := walrus.MustParseID(reg.NodeID)
	pool, err := n.Chain.Pool(ctx, nodeID)
	if err != nil || pool.NodeInfo.Name != "my-node" || pool.NodeInfo.NetworkAddress != addr || pool.CommissionRate != 500 ||
		pool.VotingParams.NodeCapacity != 1<<40 || pool.VotingParams.StoragePrice != defaultStoragePrice {
		t.Fatalf("registered pool %+v, %v", pool, err)
	}
	bls, err := keys.LoadBLSKey(filepath.Join(keysDir, "protocol.key"))
	if err != nil {
		t.Fatal(err)
	}
	if pk, err := keys.UncompressedG1ToG1(pool.NodeInfo.PublicKey); err != nil || pk != bls.PublicKey() {
		t.Fatalf("the pool's key is not the key file's: %v", err)
	}
	caps, err := n.Chain.NodeCapsOwnedBy(ctx, walrus.Address(op.Address()))
	if err != nil || len(caps) != 1 || caps[0].ID.String() != reg.NodeCap || caps[0].NodeID != nodeID {
		t.Fatalf("caps of the operator: %+v, %v", caps, err)
	}
	// The same keys again: refused, nothing registered.
	code, _, errOut := runTusk(t, "--config", cfg, "node", "setup", "--keys-dir", keysDir, "--name", "again", "--network-address", addr, "--capacity", "1TiB")
	if code != 1 || !strings.Contains(errOut, "registered already as node "+reg.NodeID) {
		t.Fatalf("second setup: exit %d, %q", code, errOut)
	}
	if caps, _ := n.Chain.NodeCapsOwnedBy(ctx, walrus.Address(op.Address())); len(caps) != 1 {
		t.Fatalf("the second setup registered a node: %d caps", len(caps))
	}
	// The written config never overwritten.
	code, _, errOut = runTusk(t, "--config", cfg, "node", "setup", "--keys-dir", keysDir, "--name", "x", "--network-address", addr,
		"--capacity", "1TiB", "--write-config", nodeCfg)
	if code != 2 || !strings.Contains(errOut, "not overwriting") {
		t.Fatalf("setup over an existing config: exit %d, %q", code, errOut)
	}

	// The written configuration runs the node with its operator, which drives the epochs.
	rc, err := loadNodeRunConfig(nodeCfg)
	if err != nil {
		t.Fatal(err)
	}
	if rc.NodeID != reg.NodeID || rc.Operator == nil || rc.Operator.NodeCapID != reg.NodeCap || !rc.Operator.Epochs.Drive ||
		rc.Operator.Epochs.WALTreasury != n.Treasury.String() || !rc.TLS {
		t.Fatalf("written config: %+v, operator %+v", rc.Config, rc.Operator)
	}
	rc.ListenAddr, rc.MetricsAddr = addr, ""
	rc.DataDir = filepath.Join(dir, "db")
	log := zap.NewNop()
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- runOperatedNode(runCtx, rc, log) }()
	for n.EpochState().Epoch < 2 {
		select {
		case err := <-done:
			t.Fatalf("the node stopped: %v", err)
		case <-time.After(100 * time.Millisecond):
		case <-ctx.Done():
			t.Fatal("the node's operator did not drive the epoch change")
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("node run: %v", err)
	}
}

// TestNodeRunOperatorConfig: the operator section is optional, starts from its defaults
// and reports its bad fields under operator.*.
func TestNodeRunOperatorConfig(t *testing.T) {
	dir := t.TempDir()
	base := "data_dir: " + filepath.Join(dir, "db") + "\nnode_id: \"0x1\"\nlisten_addr: 127.0.0.1:0\nmetrics_addr: \"\"\n" +
		"bls_key_file: k1\nnetwork_key_file: k2\nchain: {system_object: \"0x2\", staking_object: \"0x3\"}\n"
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(base+body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cfg, err := loadNodeRunConfig(write("plain.yaml", ""))
	if err != nil || cfg.Operator != nil {
		t.Fatalf("without an operator section: %+v, %v", cfg.Operator, err)
	}
	k, _ := keys.Generate()
	cfg, err = loadNodeRunConfig(write("op.yaml", "operator:\n  private_key: "+k.ExportSuiPrivateKey()+"\n  epochs: {wal_treasury_object: \"0x9\"}\n"))
	if err != nil || cfg.Operator == nil || !cfg.Operator.Epochs.Drive || !cfg.Operator.Commission.Collect ||
		cfg.Operator.Commission.Schedule != operator.Default().Commission.Schedule {
		t.Fatalf("with an operator section: %+v, %v", cfg.Operator, err)
	}
	code, _, errOut := runTusk(t, "--config", write("bad.yaml", "operator:\n  keystore: ks\n  commission: {schedule: \"often\", min_amount: \"-1\"}\n"), "node", "run")
	if code != 1 || !strings.Contains(errOut, `operator.commission.min_amount: invalid WAL amount "-1": negative`) {
		t.Fatalf("bad min_amount: exit %d, %q", code, errOut)
	}
	code, _, errOut = runTusk(t, "--config", write("bad2.yaml", "operator:\n  keystore: ks\n  commission: {schedule: \"often\"}\n  epochs: {drive: true}\n"), "node", "run")
	if code != 1 || !strings.Contains(errOut, "operator.commission.schedule") || !strings.Contains(errOut, "operator.epochs.wal_treasury_object") {
		t.Fatalf("bad operator section: exit %d, %q", code, errOut)
	}
	code, _, errOut = runTusk(t, "--config", write("bad3.yaml", "operator:\n  keystore: ks\n  typo: 1\n"), "node", "run")
	if code != 1 || !strings.Contains(errOut, `unknown field "operator.typo"`) {
		t.Fatalf("unknown operator field: exit %d, %q", code, errOut)
	}
	// The environment enables and fills the section too.
	t.Setenv("TUSK_NODE_OPERATOR_PRIVATE_KEY", k.ExportSuiPrivateKey())
	t.Setenv("TUSK_NODE_OPERATOR_EPOCHS_DRIVE", "false")
	cfg, err = loadNodeRunConfig(write("env.yaml", ""))
	if err != nil || cfg.Operator == nil || cfg.Operator.PrivateKey == "" || cfg.Operator.Epochs.Drive || !cfg.Operator.Commission.Collect {
		t.Fatalf("operator from the environment: %+v, %v", cfg.Operator, err)
	}
}

// TestOperatorCommandsBadInput: every bad input is a clear error with a non-zero exit,
// and nothing reaches the chain.
func TestOperatorCommandsBadInput(t *testing.T) {
	n := stakingtest.Start(t, stakingtest.Options{})
	staker := clientConfigFor(t, n, n.Key)
	op := clientConfigFor(t, n, n.Owners[0])
	var someonesStake string
	if sws, err := n.Chain.StakedWalOwnedBy(n.Ctx, walrus.Address(n.Owners[1].Address())); err != nil || len(sws) != 1 {
		t.Fatalf("owner 1's stake: %v %v", sws, err)
	} else {
		someonesStake = sws[0].ID.String()
	}
	keysDir := filepath.Join(t.TempDir(), "keys")
	mustRun(t, "node", "keygen", "--dir", keysDir)
	node0 := n.NodeIDs[0].String()
	setup := func(extra ...string) []string {
		return append([]string{"--config", op, "node", "setup", "--keys-dir", keysDir, "--name", "x", "--network-address", "127.0.0.1:9999", "--capacity", "1GiB"}, extra...)
	}
	records := n.Devnet.Records()
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--config", staker, "stake"}, 2, "--node is required"},
		{[]string{"--config", staker, "stake", "--node", node0}, 2, "--amount is required"},
		{[]string{"--config", staker, "stake", "--node", "node0", "--amount", "1"}, 2, `--node: "node0" is not an object ID`},
		{[]string{"--config", staker, "stake", "--node", node0, "--amount", "-1"}, 2, "negative"},
		{[]string{"--config", staker, "stake", "--node", node0, "--amount", "1.0000000001"}, 2, "more than 9 decimal places"},
		{[]string{"--config", staker, "stake", "--node", node0, "--amount", "lots"}, 2, "not a decimal number of WAL"},
		{[]string{"--config", staker, "stake", "--node", node0, "--amount", "1e3"}, 2, "not a decimal number of WAL"},
		{[]string{"--config", staker, "stake", "--node", node0, "--amount", "0.5"}, 2, "a stake is at least 1 WAL"},
		{[]string{"--config", staker, "stake", "--node", node0, "--amount", "99999999999999"}, 2, "more than the largest amount"},
		{[]string{"--config", staker, "stake", "--node", node0, "--amount", "1000000"}, 1, "less than the 1000000 WAL to stake"},
		{[]string{"--config", staker, "stake", "--node", "0x1234", "--amount", "1"}, 1, "no such storage node"},
		{[]string{"--config", staker, "stake", "--node", n.Caps[0].String(), "--amount", "1"}, 1, "no such storage node"},
		{[]string{"--config", staker, "stake", "extra", "--node", node0, "--amount", "1"}, 2, "unknown command"},
		{[]string{"--config", staker, "withdraw"}, 2, "--staked-wal is required"},
		{[]string{"--config", staker, "withdraw", "--staked-wal", "xyz"}, 2, "is not an object ID"},
		{[]string{"--config", staker, "withdraw", "--staked-wal", "0x1234"}, 1, "is not a StakedWal object"},
		{[]string{"--config", staker, "withdraw", "--staked-wal", someonesStake}, 1, "is owned by"},
		{[]string{"--config", staker, "node", "collect-commission"}, 1, "owns no StorageNodeCap"},
		{[]string{"--config", op, "node", "collect-commission", "--receiver", "bob"}, 2, `--receiver: "bob" is not a Sui address`},
		{[]string{"--config", op, "node", "collect-commission", "--min", "-1"}, 2, "--min: invalid WAL amount"},
		{[]string{"--config", op, "node", "collect-commission", "--cap", "cap"}, 2, "--cap:"},
		{[]string{"--config", op, "node", "collect-commission", "--cap", n.Caps[1].String()}, 1, "is owned by"},
		{[]string{"--config", op, "node", "collect-commission", "--node", n.NodeIDs[1].String()}, 1, "owns no StorageNodeCap of node"},
		{[]string{"--config", op, "node", "set-commission"}, 2, "--rate is required"},
		{[]string{"--config", op, "node", "set-commission", "--rate", "10001"}, 2, "want an integer in 0..10000"},
		{[]string{"--config", op, "node", "set-commission", "--rate", "-5"}, 2, "want an integer in 0..10000"},
		{[]string{"--config", op, "node", "set-commission", "--rate", "12.5"}, 2, "want an integer in 0..10000"},
		{[]string{"--config", op, "node", "vote"}, 2, "give at least one of"},
		{[]string{"--config", op, "node", "vote", "--storage-price", "-1"}, 2, "--storage-price: want a non-negative integer"},
		{[]string{"--config", op, "node", "vote", "--write-price", "cheap"}, 2, "--write-price: want a non-negative integer"},
		{[]string{"--config", op, "node", "vote", "--write-price", "1", "--capacity", "1XB"}, 2, "--capacity: want a number of bytes"},
		{[]string{"--config", op, "node", "setup", "--name", "x"}, 2, "--keys-dir (or --bls-key and --network-key) is required"},
		{setup("--name", ""), 2, "--name is required"},
		{setup("--name", strings.Repeat("n", 101)), 2, "--name: at most 100 bytes"},
		{setup("--network-address", "nowhere"), 2, "--network-address: want host:port"},
		{setup("--network-address", "127.0.0.1:0"), 2, "--network-address: want host:port"},
		{setup("--commission-rate", "10001"), 2, "--commission-rate: basis points in 0..10000"},
		{setup("--commission-rate", "-1"), 2, "commission-rate"},
		{setup("--capacity", "0"), 2, "--capacity: must be positive"},
		{setup("--capacity", "lots"), 2, "--capacity: want a number of bytes"},
		{setup("--storage-price", "-3"), 2, "storage-price"},
		{setup("--keys-dir", t.TempDir()), 1, "protocol key"},
		{[]string{"--config", op, "node", "info", "--node", "zz"}, 2, `--node: "zz" is not an object ID`},
		{[]string{"--config", op, "node", "info", "--node", "0x1234"}, 1, "no such storage node"},
		{[]string{"--config", op, "node", "info", "--cap", n.Caps[1].String(), "--node", node0}, 1, "not node " + node0},
		{[]string{"--config", op, "info", "committee", "now"}, 2, "unknown command"},
	} {
		code, out, errOut := runTusk(t, tc.args...)
		if code != tc.code || !strings.Contains(errOut, tc.want) {
			t.Errorf("tusk %s: exit %d, stderr %q; want exit %d saying %q", strings.Join(tc.args, " "), code, errOut, tc.code, tc.want)
		}
		if out != "" {
			t.Errorf("tusk %s printed %q", strings.Join(tc.args, " "), out)
		}
	}
	if got := n.Devnet.Records(); got != records {
		t.Fatalf("the bad inputs changed the chain: %d records, %d before", got, records)
	}
}
