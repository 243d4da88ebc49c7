package node_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/chain/keys"
	"github.com/tuskstore/tusk/chain/messages"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/internal/bcs"
	"github.com/tuskstore/tusk/node"
	"github.com/tuskstore/tusk/node/api"
	"github.com/tuskstore/tusk/node/client"
)

// changeEpoch moves to the next epoch with the given shards per node (nil: unchanged)
// and publishes its EpochChangeStart.
func (net *testNet) changeEpoch(shards map[int][]uint16) {
	net.t.Helper()
	for i, sh := range shards {
		net.nodes[i].shards = sh
	}
	net.epoch++
	net.committee.set(net.makeCommittee())
	net.publish(&walrus.EpochChangeStart{Epoch: net.epoch})
}

// storeCertified registers, uploads (to every running node, its shards) and certifies
// count blobs.
func (net *testNet) storeCertified(seed uint64, count int) []*testBlob {
	net.t.Helper()
	var blobs []*testBlob
	var regs, certs []walrus.Event
	for i := range count {
		b := net.blob(seed+uint64(i), 700+i*1300)
		blobs = append(blobs, b)
		regs = append(regs, b.registered(false, 10))
		certs = append(certs, b.certified(false, 10))
	}
	net.publish(regs...)
	for _, b := range blobs {
		for _, tn := range net.nodes {
			if tn.cancel != nil {
				net.upload(tn, b, false)
			}
		}
	}
	net.publish(certs...)
	return blobs
}

// waitShardsReady waits until every shard tn owns is ready (GET /v1/health).
func (net *testNet) waitShardsReady(tn *testNode) {
	net.t.Helper()
	waitFor(net.t, "every owned shard of the node is ready", func() bool {
		h, err := tn.client.Health(context.Background(), false)
		return err == nil && h.Epoch == net.epoch && h.ShardSummary.Owned == len(tn.shards) &&
			h.ShardSummary.OwnedShardStatus.Ready == len(tn.shards)
	})
}

// checkShardSlivers fails unless tn serves, byte for byte, both slivers of each blob in
// each shard.
func (net *testNet) checkShardSlivers(tn *testNode, blobs []*testBlob, shards []uint16) {
	net.t.Helper()
	p := net.codec.Params()
	for _, b := range blobs {
		for _, sh := range shards {
			pair := uint16(p.PairForShard(b.id, int(sh)))
			for _, axis := range []encoding.Axis{encoding.Primary, encoding.Secondary} {
				s, err := tn.client.VerifiedSliver(context.Background(), net.codec, b.enc.Metadata, pair, axis)
				if err != nil || !bytes.Equal(s.Data, b.sliver(int(pair), axis).Data) {
					net.t.Fatalf("node %d, shard %d: %s sliver of %s: %v", tn.idx, sh, axis, b.id, err)
				}
			}
		}
	}
}

// TestShardMigration: a committee change moves shards 0 and 1 from node 0 to node 1.
// Node 1 gets them from node 0 over sync_shard, byte for byte, for every blob
// certified before the change (and not for a blob that is only registered); node 0
// keeps them read-only (reads work, uploads are refused) and deletes them at the next
// epoch change. Uploads for the new committee's shards work during the change. Every
// node calls epoch_sync_done once per epoch, and not again after a restart.
func TestShardMigration(t *testing.T) {
	net := newNetWith(t, 7, [][]uint16{{0, 1, 2}, {3, 4}, {5, 6}}, netOptions{chains: true})
	ctx := context.Background()
	a, b, c := net.nodes[0], net.nodes[1], net.nodes[2]
	blobs := net.storeCertified(100, 5)
	registeredOnly := net.blob(200, 900)
	net.publish(registeredOnly.registered(false, 10))
	net.upload(a, registeredOnly, false)
	p := net.codec.Params()

	net.changeEpoch(map[int][]uint16{0: {2}, 1: {0, 1, 3, 4}})
	net.waitShardsReady(b)
	net.checkShardSlivers(b, blobs, []uint16{0, 1})
	if got := metric(t, a.n.Metrics(), "tusk_node_sync_shard_slivers_served_total"); got != 2*2*5 {
		t.Fatalf("node 0 served %v slivers, want 20", got)
	}
	if got := metric(t, b.n.Metrics(), "tusk_node_shard_slivers_transferred_total"); got != 2*2*5 {
		t.Fatalf("node 1 stored %v transferred slivers, want 20", got)
	}
	pair0 := uint16(p.PairForShard(registeredOnly.id, 0))
	if st, err := b.client.SliverStatus(ctx, registeredOnly.id, pair0, encoding.Primary); err != nil || st != api.StatusNonexistent {
		t.Fatalf("an uncertified blob was transferred: %v %v", st, err)
	}

	// Node 0 keeps shards 0 and 1 read-only: reads work, uploads do not.
	h, err := a.client.Health(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	if h.ShardSummary.Owned != 1 || h.ShardSummary.OwnedShardStatus.Ready != 1 || h.ShardSummary.ReadOnly != 2 ||
		len(h.ShardDetail.Other) != 2 || h.ShardDetail.Other[0] != (api.ShardHealthInfo{Shard: 0, Status: api.ShardReadOnly}) {
		t.Fatalf("node 0 health after losing shards 0 and 1: %+v %+v", h.ShardSummary, h.ShardDetail)
	}
	net.checkShardSlivers(a, blobs, []uint16{0, 1})
	pair := uint16(p.PairForShard(blobs[0].id, 0))
	syms, err := a.client.RecoverySymbols(ctx, blobs[0].id, api.RecoverySymbolsFilter{IDs: []api.SymbolID{{Primary: pair, Secondary: uint16(p.SliverOfPair(encoding.Secondary, 3))}}})
	if err != nil || len(syms) != 1 {
		t.Fatalf("recovery symbol from a read-only shard: %v %v", syms, err)
	}
	during := net.blob(201, 1500)
	reg := during.registered(false, 10)
	reg.Epoch = net.epoch
	net.publish(reg)
	s := during.sliver(p.PairForShard(during.id, 0), encoding.Primary)
	if _, err := a.client.StoreMetadata(ctx, during.id, &during.meta, false); err != nil {
		t.Fatal(err)
	}
	_, err = a.client.StoreSliver(ctx, during.id, uint16(p.PairForShard(during.id, 0)), &s, false)
	wantReason(t, err, http.StatusBadRequest, api.ReasonShardNotAssigned)
	net.upload(b, during, false) // node 1's shards now include 0 and 1
	if _, err := b.client.PermanentConfirmation(ctx, during.id, api.ConfirmationWait{}); err != nil {
		t.Fatalf("confirmation of a blob uploaded during the change: %v", err)
	}

	for _, tn := range net.nodes {
		waitFor(t, "epoch_sync_done for epoch 2", func() bool { return tn.chain.epochSyncDone(2) == 1 })
	}

	// Epoch 3, no moves: node 0 has not owned shards 0 and 1 for a whole epoch.
	net.changeEpoch(nil)
	waitFor(t, "node 0 deletes shards 0 and 1", func() bool {
		h, err := a.client.Health(ctx, true)
		return err == nil && h.ShardSummary.ReadOnly == 0 && len(h.ShardDetail.Other) == 0
	})
	_, err = a.client.Sliver(ctx, blobs[0].id, pair, encoding.Primary)
	wantReason(t, err, http.StatusBadRequest, api.ReasonShardNotAssigned)
	net.checkShardSlivers(b, blobs, []uint16{0, 1})
	for _, tn := range net.nodes {
		waitFor(t, "epoch_sync_done for epoch 3", func() bool { return tn.chain.epochSyncDone(3) == 1 })
	}

	// A restart does not submit it again; the next epoch's is submitted once.
	net.restart(b)
	net.restart(c)
	net.changeEpoch(nil)
	for _, tn := range net.nodes {
		waitFor(t, "epoch_sync_done for epoch 4", func() bool { return tn.chain.epochSyncDone(4) == 1 })
		for e := uint32(2); e <= 4; e++ {
			if got := tn.chain.epochSyncDone(e); got != 1 {
				t.Fatalf("node %d: %d epoch_sync_done calls for epoch %d", tn.idx, got, e)
			}
		}
	}
	if got := metric(t, b.n.Metrics(), "tusk_node_epoch_sync_done_epoch"); got != 4 {
		t.Fatalf("epoch_sync_done_epoch %v", got)
	}
}

// gatedDialer dials peers with node/client and lets sync_shard requests through until
// allow of them have succeeded; later ones wait until their context ends.
type gatedDialer struct {
	allow  int64
	passed atomic.Int64
	held   atomic.Bool
}

func (d *gatedDialer) Dial(m *chain.CommitteeMember) (node.Peer, error) {
	c, err := client.New(m.NetworkAddress, client.Options{NetworkPublicKey: m.NetworkPublicKey})
	if err != nil {
		return nil, err
	}
	return &gatedPeer{Client: c, d: d}, nil
}

type gatedPeer struct {
	*client.Client
	d *gatedDialer
}

func (p *gatedPeer) SyncShard(ctx context.Context, req messages.SyncShardRequest, key *keys.BLSKey) (api.SyncShardResponse, error) {
	if p.d.passed.Load() >= p.d.allow {
		p.d.held.Store(true)
		<-ctx.Done()
		return nil, ctx.Err()
	}
	resp, err := p.Client.SyncShard(ctx, req, key)
	if err == nil {
		p.d.passed.Add(1)
	}
	return resp, err
}

// TestShardSyncResumes: the node gaining a shard is stopped in the middle of its
// transfer (two batches of two slivers done), then restarted: it resumes from its
// durable cursor, so the previous owner serves every sliver exactly once.
func TestShardSyncResumes(t *testing.T) {
	small := func(c *node.Config) { c.Sync.ShardBatch = 2 }
	net := newNetWith(t, 7, [][]uint16{{0, 1, 2}, {3, 4}, {5, 6}}, netOptions{config: []func(*node.Config){small}})
	a, b := net.nodes[0], net.nodes[1]
	blobs := net.storeCertified(300, 6)

	gate := &gatedDialer{allow: 2}
	b.peers = gate
	net.restart(b)
	net.changeEpoch(map[int][]uint16{0: {1, 2}, 1: {0, 3, 4}})
	waitFor(t, "two batches transferred and the third held", func() bool {
		return gate.held.Load() && metric(t, b.n.Metrics(), "tusk_node_shard_slivers_transferred_total") == 4
	})
	h, err := b.client.Health(context.Background(), false)
	if err != nil || h.ShardSummary.OwnedShardStatus.InTransfer != 1 {
		t.Fatalf("health during the transfer: %+v %v", h.ShardSummary, err)
	}

	b.peers = nil
	net.restart(b)
	net.waitShardsReady(b)
	net.checkShardSlivers(b, blobs, []uint16{0})
	if got := metric(t, a.n.Metrics(), "tusk_node_sync_shard_slivers_served_total"); got != 2*6 {
		t.Fatalf("node 0 served %v slivers for 12 (some twice)", got)
	}
	if got := metric(t, b.n.Metrics(), "tusk_node_shard_slivers_transferred_total"); got != 2*6-4 {
		t.Fatalf("after the restart node 1 transferred %v slivers, want the remaining 8", got)
	}
}

// TestShardRecoveryWhenOwnerDown: the previous owner of the gained shard is down; after
// its retries the new owner recovers the shard blob by blob from the other nodes'
// recovery symbols.
func TestShardRecoveryWhenOwnerDown(t *testing.T) {
	fewRetries := func(c *node.Config) { c.Sync.ShardRetries = 2 }
	net := newNetWith(t, 7, [][]uint16{{0}, {1, 2, 3}, {4, 5, 6}}, netOptions{config: []func(*node.Config){fewRetries}, chains: true})
	a, b := net.nodes[0], net.nodes[1]
	blobs := net.storeCertified(400, 3)

	net.stop(a)
	net.changeEpoch(map[int][]uint16{0: nil, 1: {0, 1, 2, 3}})
	net.waitShardsReady(b)
	net.checkShardSlivers(b, blobs, []uint16{0})
	if got := metric(t, b.n.Metrics(), "tusk_node_sync_shard_requests_total"); got < 3 {
		t.Fatalf("%v requests to the down owner, want the retries", got)
	}
	if got := metric(t, b.n.Metrics(), "tusk_node_shard_slivers_transferred_total"); got != 0 {
		t.Fatalf("%v slivers transferred from a down node", got)
	}
	if got := metric(t, b.n.Metrics(), "tusk_node_slivers_recovered_total"); got != 2*3 {
		t.Fatalf("%v slivers recovered, want 6", got)
	}
	waitFor(t, "epoch_sync_done after the recovery", func() bool { return b.chain.epochSyncDone(net.epoch) == 1 })
}

// TestSyncShardRequests: POST /v1/migrate/sync_shard answers the node that gained a
// shard with its slivers, and refuses every other request with Walrus's status and
// reason.
func TestSyncShardRequests(t *testing.T) {
	small := func(c *node.Config) { c.Sync.ShardServeMax = 1000 }
	net := newNetWith(t, 7, [][]uint16{{0, 1, 2}, {3, 4}, {5, 6}}, netOptions{config: []func(*node.Config){small}})
	a, b, c := net.nodes[0], net.nodes[1], net.nodes[2]
	blobs := net.storeCertified(500, 3)
	net.changeEpoch(map[int][]uint16{0: {1, 2}, 1: {0, 3, 4}})
	ctx := context.Background()
	e := net.epoch

	req := messages.SyncShardRequest{ShardIndex: 0, SliverType: messages.SliverSecondary, SliverCount: 2, Epoch: e}
	resp, err := a.client.SyncShard(ctx, req, b.blsKey)
	if err != nil || len(resp) != 2 {
		t.Fatalf("valid request: %d slivers, %v", len(resp), err)
	}
	p := net.codec.Params()
	for _, bs := range resp {
		for _, tb := range blobs {
			if tb.id == bs.BlobID && !bytes.Equal(bs.Sliver.Data, tb.sliver(p.PairForShard(tb.id, 0), encoding.Secondary).Data) {
				t.Fatalf("served sliver of %s differs", tb.id)
			}
		}
	}

	stranger, err := keys.GenerateBLSKey()
	if err != nil {
		t.Fatal(err)
	}
	signed := func(key *keys.BLSKey, r messages.SyncShardRequest) []byte {
		return bcsOf(messages.Sign(key, messages.NewSyncShardRequestMessage(r.Epoch, r)))
	}
	with := func(f func(*messages.SyncShardRequest)) messages.SyncShardRequest {
		r := req
		f(&r)
		return r
	}
	badSig := messages.Sign(c.blsKey, messages.NewSyncShardRequestMessage(e, req))
	garbageMsg := messages.Sign(b.blsKey, []byte{3, 0, 3, 2, 0, 0, 0, 9, 9})
	headerEpoch := messages.Sign(b.blsKey, messages.NewSyncShardRequestMessage(e+1, req))
	bKey, strangerKey := api.EncodeAuthorization(b.blsKey.PublicKey()), api.EncodeAuthorization(stranger.PublicKey())
	cases := []struct {
		name, auth string
		body       []byte
		status     int
		reason     string
	}{
		{"no key", "", signed(b.blsKey, req), 401, api.ReasonRequestUnauthorized},
		{"bad key header", "not-a-key", signed(b.blsKey, req), 400, api.ReasonInvalidParameter},
		{"garbage body", bKey, []byte{1, 2, 3}, 400, api.ReasonInvalidContentType},
		{"not a member", strangerKey, signed(stranger, req), 403, api.ReasonRequestUnauthorized},
		{"bad signature", bKey, bcsOf(badSig), 400, api.ReasonMessageVerification},
		{"garbage message", bKey, bcsOf(garbageMsg), 400, api.ReasonMessageVerification},
		{"header epoch differs", bKey, bcsOf(headerEpoch), 400, api.ReasonMessageVerification},
		{"wrong epoch", bKey, signed(b.blsKey, with(func(r *messages.SyncShardRequest) { r.Epoch = e - 1 })), 400, api.ReasonInvalidEpoch},
		{"signer not assigned the shard", api.EncodeAuthorization(c.blsKey.PublicKey()), signed(c.blsKey, req), 403, api.ReasonRequestUnauthorized},
		{"shard out of range", bKey, signed(b.blsKey, with(func(r *messages.SyncShardRequest) { r.ShardIndex = 9999 })), 403, api.ReasonRequestUnauthorized},
		{"huge count", bKey, signed(b.blsKey, with(func(r *messages.SyncShardRequest) { r.SliverCount = 1 << 62 })), 400, api.ReasonSliverCountExceedsLimit},
		{"shard never held", bKey, signed(b.blsKey, with(func(r *messages.SyncShardRequest) { r.ShardIndex = 3 })), 400, api.ReasonShardNotAssigned},
		{"body too large", bKey, make([]byte, 4096), 413, api.ReasonBodyTooLarge},
	}
	hc := rawClient(t, a)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			hr, err := http.NewRequest("POST", "https://"+a.cfg.ListenAddr+api.RouteSyncShard, bytes.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			if tc.auth != "" {
				hr.Header.Set(api.HeaderAuthorization, tc.auth)
			}
			res, err := hc.Do(hr)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			wantReason(t, errorOf(t, res), tc.status, tc.reason)
		})
	}
	if got := metric(t, a.n.Metrics(), "tusk_node_sync_shard_requests_served_total"); got < float64(len(cases)-3) {
		t.Fatalf("%v requests counted", got)
	}
	// The node still serves, and the gaining node got its shard.
	net.waitShardsReady(b)
	net.checkShardSlivers(b, blobs, []uint16{0})
}

func bcsOf(sm messages.SignedMessage) []byte { return bcs.Marshal(sm) }

// errorOf reads the JSON error envelope of a response.
func errorOf(t *testing.T, res *http.Response) error {
	t.Helper()
	data, _ := io.ReadAll(res.Body)
	var e api.Error
	if err := json.Unmarshal(data, &e); err != nil || e.HTTPStatus != res.StatusCode {
		t.Fatalf("status %d, body %q is not its error envelope: %v", res.StatusCode, data, err)
	}
	return &e
}

// TestShardTransferFillsGaps: the previous owner was down when a blob was certified
// and comes back no longer owning the shard, so it never stores that blob; it still
// transfers the others, and the new owner recovers the missing one by blob sync.
func TestShardTransferFillsGaps(t *testing.T) {
	patient := func(c *node.Config) { c.Sync.ShardRetries = 1000 }
	net := newNetWith(t, 7, [][]uint16{{0}, {1, 2, 3}, {4, 5, 6}}, netOptions{config: []func(*node.Config){patient}})
	a, b := net.nodes[0], net.nodes[1]
	blobs := net.storeCertified(600, 2)

	net.stop(a)
	gap := net.storeCertified(700, 1) // uploaded to the running nodes only
	net.changeEpoch(map[int][]uint16{0: nil, 1: {0, 1, 2, 3}})
	net.build(a)
	net.run(a)
	net.waitApplied()

	net.waitShardsReady(b)
	net.checkShardSlivers(b, append(blobs, gap...), []uint16{0})
	if got := metric(t, a.n.Metrics(), "tusk_node_sync_shard_slivers_served_total"); got != 2*2 {
		t.Fatalf("the previous owner served %v slivers, want those of the 2 blobs it has", got)
	}
	if got := metric(t, b.n.Metrics(), "tusk_node_shard_blobs_queued_for_recovery_total"); got < 1 {
		t.Fatalf("%v blobs queued for recovery, want the one the owner lacks", got)
	}
	if got := metric(t, b.n.Metrics(), "tusk_node_slivers_recovered_total"); got != 2 {
		t.Fatalf("%v slivers recovered, want the 2 of the missing blob", got)
	}
}
