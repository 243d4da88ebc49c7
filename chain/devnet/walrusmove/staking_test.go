package walrusmove

import (
	"context"
	"encoding/binary"
	"testing"
	"time"

	"github.com/tuskstore/tusk/chain/devnet/contract"
	"github.com/tuskstore/tusk/chain/devnet/exec"
	"github.com/tuskstore/tusk/chain/keys"
	"github.com/tuskstore/tusk/chain/messages"
	"github.com/tuskstore/tusk/chain/sui"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/internal/bcs"
)

// clockStore is a MemStore whose Clock reads give now (the devnet times its Clock reads
// the same way).
type clockStore struct {
	*exec.MemStore
	now uint64
}

func (s *clockStore) Object(ctx context.Context, id walrus.ID) (*sui.Object, sui.ObjectRef, error) {
	o, ref, err := s.MemStore.Object(ctx, id)
	if err != nil || id != exec.ClockID {
		return o, ref, err
	}
	binary.LittleEndian.PutUint64(o.Data.Move.Contents[32:], s.now)
	ref, _ = o.Ref()
	return o, ref, nil
}

// stakingEnv is env with node owners that hold SUI, and a settable Clock.
type stakingEnv struct {
	*env
	clock  *clockStore
	owners []*keys.Keypair
	gas    []walrus.ID // the owners' gas coins
}

const epochMs = 10_000

func newStakingEnv(t *testing.T) *stakingEnv {
	e := &env{t: t, ctx: context.Background(), cfg: contract.Default(), store: exec.NewMemStore(), reg: exec.NewRegistry()}
	e.cfg.EpochDuration = epochMs * time.Millisecond
	e.alice, e.bob = keypair(t, 1), keypair(t, 2)
	se := &stakingEnv{env: e}
	grants := []Grant{{addr(e.alice), startSUI}, {addr(e.bob), startSUI}}
	for i := range e.cfg.Nodes {
		k := contract.DevnetNodeOwnerKey(i)
		e.cfg.Nodes[i].Owner = addr(k)
		se.owners = append(se.owners, k)
		grants = append(grants, Grant{addr(k), startSUI})
	}
	st, err := Genesis(e.cfg, GenesisOptions{ClockTimestampMs: genesisTimeMs, SUI: grants, WAL: []Grant{{addr(e.alice), 3000 * contract.FrostPerWAL}}})
	if err != nil {
		t.Fatal(err)
	}
	e.st, e.ids = st, st.IDs
	e.aliceGas, e.bobGas, e.aliceWAL = st.SUICoins[0], st.SUICoins[1], st.WALCoins[0]
	se.gas = st.SUICoins[2:]
	if err := e.store.Insert(st.Objects...); err != nil {
		t.Fatal(err)
	}
	if err := Register(e.reg, e.ids); err != nil {
		t.Fatal(err)
	}
	se.clock = &clockStore{MemStore: e.store, now: genesisTimeMs}
	e.ex = exec.New(se.clock, e.reg, exec.Config{ReferenceGasPrice: testGasPrice})
	e.faucet = st.Faucet(e.store)
	return se
}

func (e *stakingEnv) stakingArg(b *sui.ProgrammableBuilder) sui.Argument {
	return b.Object(sui.SharedObjectArg(e.ids.Staking, e.ids.StakingInitialSharedVersion(), true))
}

func (e *stakingEnv) clockArg(b *sui.ProgrammableBuilder) sui.Argument {
	return b.Object(sui.SharedObjectArg(exec.ClockID, exec.ClockInitialSharedVersion, false))
}

func (e *stakingEnv) call(b *sui.ProgrammableBuilder, module, fn string, args ...sui.Argument) sui.Argument {
	return b.MoveCall(e.ids.WalrusPackage, module, fn, nil, args...)
}

func (e *stakingEnv) stakingInner() walrus.StakingInnerV1 {
	e.t.Helper()
	o, _ := e.object(walrus.InnerStateFieldID(e.ids.Staking, walrus.StakingVersion))
	var f walrus.StakingStateField
	if err := bcs.Unmarshal(o.Data.Move.Contents, &f); err != nil {
		e.t.Fatal(err)
	}
	return f.Value
}

func (e *stakingEnv) pool(id walrus.ID) walrus.StakingPool {
	e.t.Helper()
	o, _ := e.object(id)
	var p walrus.StakingPool
	if err := bcs.Unmarshal(o.Data.Move.Contents, &p); err != nil {
		e.t.Fatal(err)
	}
	return p
}

func created(t *testing.T, r *exec.Result, typ sui.StructTag) walrus.ID {
	t.Helper()
	for _, o := range r.Written {
		if o.Data.Kind == sui.DataMove {
			st := o.Data.Move.Type.StructTag()
			if st.Equal(&typ) {
				id, _ := o.ID()
				return id
			}
		}
	}
	t.Fatalf("no %s written", typ.String())
	return walrus.ID{}
}

// A candidate registers, is staked, enters the committee at voting_end, and an epoch
// change distributes rewards; the nodes' sync completes it.
func TestStakingEpochCycle(t *testing.T) {
	e := newStakingEnv(t)
	capType := e.ids.Struct("storage_node", "StorageNodeCap")

	// register_candidate by bob, with a PoP for epoch 1.
	bls, err := keys.GenerateBLSKey()
	if err != nil {
		t.Fatal(err)
	}
	netKey, err := keys.GenerateNetworkKey()
	if err != nil {
		t.Fatal(err)
	}
	pk := bls.PublicKey()
	npk := netKey.CompressedPublicKey()
	register := func(pop []byte) []byte {
		return e.tx(e.bob, e.bobGas, func(b *sui.ProgrammableBuilder) {
			md := e.call(b, "node_metadata", "new", b.Pure("img"), b.Pure("proj"), b.Pure("desc"))
			cap := e.call(b, "staking", "register_candidate", e.stakingArg(b), b.Pure("node-x"), b.Pure("127.0.0.1:9999"), md,
				b.Pure(pk[:]), b.Pure(npk[:]), b.Pure(pop), b.Pure(uint16(1000)), b.Pure(uint64(1)), b.Pure(uint64(1)), b.Pure(uint64(1<<40)))
			b.TransferObjects([]sui.Argument{cap}, b.Pure(addr(e.bob)))
		})
	}
	r := e.mustExec(register(messages.SignProofOfPossession(bls, 1, addr(e.alice))), e.bob)
	wantAbort(t, r, e.ids.WalrusPackage, "staking_pool", "new", contract.ErrInvalidProofOfPossession.Code)
	r = e.mustSucceed(register(messages.SignProofOfPossession(bls, 1, addr(e.bob))), e.bob)
	capID := created(t, r, capType)
	o, _ := e.object(capID)
	var cap walrus.StorageNodeCap
	if err := bcs.Unmarshal(o.Data.Move.Contents, &cap); err != nil {
		t.Fatal(err)
	}
	newNode := cap.NodeID
	p := e.pool(newNode)
	if p.NodeInfo.Name != "node-x" || p.CommissionReceiver.ID != capID || p.ActivationEpoch != 1 || p.ExchangeRates.Size != 1 {
		t.Fatalf("new pool %+v", p)
	}

	// alice stakes 2000 WAL with it: enough for most shards.
	walCoin, err := e.faucet.WAL(addr(e.alice), 2000*contract.FrostPerWAL)
	if err != nil {
		t.Fatal(err)
	}
	r = e.mustSucceed(e.tx(e.alice, e.aliceGas, func(b *sui.ProgrammableBuilder) {
		sw := e.call(b, "staking", "stake_with_pool", e.stakingArg(b), b.Object(sui.OwnedObjectArg(e.ref(walCoin))), b.Pure(newNode))
		b.TransferObjects([]sui.Argument{sw}, b.Pure(addr(e.alice)))
	}), e.alice)
	swID := created(t, r, e.ids.Struct("staked_wal", "StakedWal"))

	// voting_end: too early, then at half an epoch.
	votingEnd := func() []byte {
		return e.tx(e.bob, e.bobGas, func(b *sui.ProgrammableBuilder) {
			e.call(b, "staking", "voting_end", e.stakingArg(b), e.clockArg(b))
		})
	}
	e.clock.now = genesisTimeMs + epochMs/2 - 1
	wantAbort(t, e.mustExec(votingEnd(), e.bob), e.ids.WalrusPackage, "staking_inner", "voting_end", 0)
	e.clock.now++
	r = e.mustSucceed(votingEnd(), e.bob)
	if ev := e.event(r, 0, "EpochParametersSelected").(*walrus.EpochParametersSelected); ev.NextEpoch != 2 {
		t.Fatalf("EpochParametersSelected %+v", ev)
	}
	wantAbort(t, e.mustExec(votingEnd(), e.bob), e.ids.WalrusPackage, "staking_inner", "voting_end", 0)
	inner := e.stakingInner()
	if inner.NextCommittee == nil || inner.NextCommittee.Weight(newNode) == 0 || inner.EpochState.Kind != walrus.EpochStateNextParamsSelected {
		t.Fatalf("after voting_end: %+v", inner)
	}

	// initiate_epoch_change (v1) is deprecated.
	wantAbort(t, e.mustExec(e.tx(e.bob, e.bobGas, func(b *sui.ProgrammableBuilder) {
		e.call(b, "staking", "initiate_epoch_change", e.stakingArg(b), e.systemArg(b, true), e.clockArg(b))
	}), e.bob), e.ids.WalrusPackage, "staking", "initiate_epoch_change", contract.ErrDeprecatedFunction.Code)

	// initiate_epoch_change_v2: too early, then at a full epoch.
	initiate := func() []byte {
		return e.tx(e.bob, e.bobGas, func(b *sui.ProgrammableBuilder) {
			e.call(b, "staking", "initiate_epoch_change_v2", e.stakingArg(b), e.systemArg(b, true),
				b.Object(sui.SharedObjectArg(e.ids.Treasury, exec.GenesisVersion, true)), e.clockArg(b))
		})
	}
	e.clock.now = genesisTimeMs + epochMs - 1
	wantAbort(t, e.mustExec(initiate(), e.bob), e.ids.WalrusPackage, "staking_inner", "initiate_epoch_change", 0)
	e.clock.now++
	r = e.mustSucceed(initiate(), e.bob)
	if ev := e.event(r, 0, "EpochChangeStart").(*walrus.EpochChangeStart); ev.Epoch != 2 {
		t.Fatalf("EpochChangeStart %+v", ev)
	}
	e.event(r, 1, "PricesUpdated")
	wantAbort(t, e.mustExec(initiate(), e.bob), e.ids.WalrusPackage, "staking_inner", "next_bls_committee", 6)
	if got := e.systemInner().Committee.Epoch; got != 2 {
		t.Fatalf("system epoch %d", got)
	}

	// epoch_sync_done by the nodes until a quorum.
	inner = e.stakingInner()
	caps := append(append([]walrus.ID(nil), e.st.NodeCaps...), capID)
	signers := append(append([]*keys.Keypair(nil), e.owners...), e.bob)
	gas := append(append([]walrus.ID(nil), e.gas...), e.bobGas)
	var weight int
	done := false
	for i, c := range caps {
		var k walrus.StorageNodeCap
		o, _ := e.object(c)
		if err := bcs.Unmarshal(o.Data.Move.Contents, &k); err != nil {
			t.Fatal(err)
		}
		shards, ok := inner.Committee.ShardsOf(k.NodeID)
		if !ok || done {
			continue
		}
		r := e.mustSucceed(e.tx(signers[i], gas[i], func(b *sui.ProgrammableBuilder) {
			e.call(b, "staking", "epoch_sync_done", e.stakingArg(b), b.Object(sui.OwnedObjectArg(e.ref(c))), b.Pure(uint32(2)), e.clockArg(b))
		}), signers[i])
		weight += len(shards)
		if 3*weight >= 2*int(e.cfg.NShards)+1 {
			e.event(r, 0, "EpochChangeDone")
			e.event(r, 1, "ShardsReceived")
			done = true
		} else {
			e.event(r, 0, "ShardsReceived")
		}
	}
	if !done || e.stakingInner().EpochState.Kind != walrus.EpochStateChangeDone {
		t.Fatal("the epoch change did not complete")
	}
	// alice's stake is active in epoch 2 and X is in the committee: withdrawing in epoch 3.
	e.mustSucceed(e.tx(e.alice, e.aliceGas, func(b *sui.ProgrammableBuilder) {
		e.call(b, "staking", "request_withdraw_stake", e.stakingArg(b), b.Object(sui.OwnedObjectArg(e.ref(swID))))
	}), e.alice)
	o, _ = e.object(swID)
	var sw walrus.StakedWal
	if err := bcs.Unmarshal(o.Data.Move.Contents, &sw); err != nil {
		t.Fatal(err)
	}
	if sw.State != (walrus.StakedWalState{Kind: walrus.StakedWalWithdrawing, WithdrawEpoch: 3}) || sw.ActivationEpoch != 2 {
		t.Fatalf("StakedWal after the request: %+v", sw)
	}
}
