package walrusmove

import (
	"bytes"
	"errors"
	"testing"

	"github.com/tuskstore/tusk/chain/devnet/contract"
	"github.com/tuskstore/tusk/chain/devnet/exec"
	"github.com/tuskstore/tusk/chain/sui"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/internal/bcs"
)

func TestGenesisObjects(t *testing.T) {
	e := newEnv(t)
	st := e.st

	// Deterministic: the same config gives the same objects.
	again, err := Genesis(e.cfg, GenesisOptions{
		ClockTimestampMs: genesisTimeMs,
		SUI:              []Grant{{addr(e.alice), startSUI}, {addr(e.bob), startSUI}},
		WAL:              []Grant{{addr(e.alice), startWAL}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(again.Objects) != len(st.Objects) || again.IDs != st.IDs {
		t.Fatal("genesis is not deterministic")
	}
	seen := map[walrus.ID]bool{}
	for i, o := range st.Objects {
		if !bytes.Equal(o.Bytes(), again.Objects[i].Bytes()) {
			t.Fatalf("object %d differs between two genesis runs", i)
		}
		id, _ := o.ID()
		if seen[id] {
			t.Fatalf("object ID %s twice", id)
		}
		seen[id] = true
		if o.Version() != exec.GenesisVersion || o.PreviousTransaction != exec.GenesisMarker {
			t.Fatalf("object %s at version %d", id, o.Version())
		}
	}
	for _, id := range []walrus.ID{WalrusPackageID, WALPackageID} {
		if seen[id] {
			t.Fatalf("package ID %s collides with a genesis object", id)
		}
	}
	if st.IDs.WalrusPackage != WalrusPackageID || st.IDs.WALPackage != WALPackageID || st.IDs.System.IsZero() || st.IDs.Staking.IsZero() {
		t.Fatalf("IDs %+v", st.IDs)
	}
	if got := st.IDs.WALType().String(); got != WALPackageID.String()+"::wal::WAL" {
		t.Errorf("WAL type %s", got)
	}
	// The node IDs are the first genesis objects.
	for i, id := range st.Genesis.NodeIDs {
		if id != contract.GenesisNodeID(exec.GenesisMarker, i) || id != exec.DeriveObjectID(exec.GenesisMarker, uint64(i)) {
			t.Fatalf("node %d ID %s", i, id)
		}
	}

	// The System: shared, version 4, the package, and its inner state in the field.
	o, _ := e.object(st.IDs.System)
	if o.Owner != sui.SharedOwner(exec.GenesisVersion) || o.Data.Move.HasPublicTransfer {
		t.Errorf("System owner %s", o.Owner.String())
	}
	if typ := o.Data.Move.Type.StructTag(); typ.String() != WalrusPackageID.String()+"::system::System" {
		t.Errorf("System type %s", typ.String())
	}
	var sys walrus.System
	if err := bcs.Unmarshal(o.Data.Move.Contents, &sys); err != nil {
		t.Fatal(err)
	}
	if sys.ID != st.IDs.System || sys.Version != 4 || sys.PackageID != WalrusPackageID || sys.NewPackageID != nil {
		t.Errorf("System %+v", sys)
	}
	fo, _ := e.object(walrus.InnerStateFieldID(st.IDs.System, 4))
	if fo.Owner != sui.ObjectOwned(st.IDs.System) {
		t.Errorf("inner state owner %s", fo.Owner.String())
	}
	want := "0x0000000000000000000000000000000000000000000000000000000000000002::dynamic_field::Field<u64," + WalrusPackageID.String() + "::system_state_inner::SystemStateInnerV1>"
	if typ := fo.Data.Move.Type.StructTag(); typ.String() != want {
		t.Errorf("inner state type %s", typ.String())
	}
	inner := e.systemInner()
	if !bytes.Equal(bcs.Marshal(&inner), bcs.Marshal(&st.System.Inner)) {
		t.Error("stored inner state differs from NewGenesisSystem's")
	}
	c := inner.Committee
	if c.Epoch != DefaultEpoch || c.NShards != e.cfg.NShards || c.TotalWeight() != uint64(e.cfg.NShards) || len(c.Members) != len(e.cfg.Nodes) || !c.IsSortedByNodeID() {
		t.Errorf("committee epoch %d, %d shards, %d members", c.Epoch, c.NShards, len(c.Members))
	}
	if inner.StoragePricePerUnitSize != e.cfg.StoragePrice || inner.WritePricePerUnitSize != e.cfg.WritePrice || inner.TotalCapacitySize != e.cfg.Capacity || inner.FutureAccounting.Length != e.cfg.MaxEpochsAhead {
		t.Errorf("inner state parameters %+v", inner)
	}
	// The deny-list sizes extended field holds an empty VecMap.
	do, _ := e.object(e.ids.extendedFieldValueID(inner.DenyListSizes.ID))
	var deny walrus.DenyListSizesField
	if err := bcs.Unmarshal(do.Data.Move.Contents, &deny); err != nil || len(deny.Value) != 0 || do.Owner != sui.ObjectOwned(inner.DenyListSizes.ID) {
		t.Errorf("deny list sizes field: %v", err)
	}

	// Staking: the genesis committee, the active set, a pool per node.
	so, _ := e.object(st.IDs.Staking)
	var staking walrus.Staking
	if err := bcs.Unmarshal(so.Data.Move.Contents, &staking); err != nil || staking.Version != 4 || staking.PackageID != WalrusPackageID {
		t.Fatalf("Staking %+v: %v", staking, err)
	}
	sfo, _ := e.object(walrus.InnerStateFieldID(st.IDs.Staking, 4))
	var sf walrus.StakingStateField
	if err := bcs.Unmarshal(sfo.Data.Move.Contents, &sf); err != nil {
		t.Fatal(err)
	}
	si := sf.Value
	if si.Epoch != DefaultEpoch || si.NShards != e.cfg.NShards || si.EpochDuration != e.cfg.EpochDurationMs() || si.FirstEpochStart != genesisTimeMs {
		t.Errorf("staking inner %+v", si)
	}
	if !bytes.Equal(bcs.Marshal(si.Committee), bcs.Marshal(st.Genesis.Committee)) || si.Committee.TotalWeight() != uint64(e.cfg.NShards) {
		t.Error("staking committee is not the genesis selection")
	}
	for i, m := range c.Members { // the BLS committee is the staking committee's
		if si.Committee[i].NodeID != m.NodeID || len(si.Committee[i].Shards) != int(m.Weight) {
			t.Errorf("member %d differs between System and Staking", i)
		}
	}
	ao, _ := e.object(e.ids.extendedFieldValueID(si.ActiveSet.ID))
	var as walrus.ActiveSetField
	if err := bcs.Unmarshal(ao.Data.Move.Contents, &as); err != nil || len(as.Value.Nodes) != len(e.cfg.Nodes) {
		t.Errorf("active set: %v", err)
	}
	if si.Pools.Size != uint64(len(e.cfg.Nodes)) {
		t.Errorf("pools size %d", si.Pools.Size)
	}
	wrapper := walrus.StructTypeTag(walrus.MustParseID("0x2"), "dynamic_object_field", "Wrapper", walrus.TypeTagID)
	for i, nodeID := range st.Genesis.NodeIDs {
		entryID := walrus.DynamicFieldID(si.Pools.ID, wrapper, nodeID[:])
		eo, _ := e.object(entryID)
		var entry walrus.ObjectTableEntry
		if err := bcs.Unmarshal(eo.Data.Move.Contents, &entry); err != nil || entry.Value != nodeID || eo.Owner != sui.ObjectOwned(si.Pools.ID) {
			t.Fatalf("pool entry %d: %v", i, err)
		}
		po, _ := e.object(nodeID)
		var pool walrus.StakingPool
		if err := bcs.Unmarshal(po.Data.Move.Contents, &pool); err != nil {
			t.Fatal(err)
		}
		n := e.cfg.Nodes[i]
		pk, _ := n.BLSPublicKeyBytes()
		upk, _ := contract.G1ToUncompressedG1(pk)
		if po.Owner != sui.ObjectOwned(entryID) || pool.NodeInfo.Name != n.Name || pool.NodeInfo.NetworkAddress != n.NetworkAddress ||
			!bytes.Equal(pool.NodeInfo.PublicKey, upk) || pool.WalBalance != n.Stake || pool.NumShares != n.Stake || pool.ExchangeRates.Size != 2 {
			t.Errorf("pool %d: %+v", i, pool)
		}
		// The exchange rate of epoch 1 is Flat, a dynamic field of the rates table.
		ro, _ := e.object(walrus.DynamicFieldID(pool.ExchangeRates.ID, walrus.TypeTagU32, []byte{1, 0, 0, 0}))
		var rate walrus.ExchangeRateField
		if err := bcs.Unmarshal(ro.Data.Move.Contents, &rate); err != nil || rate.Name != 1 || rate.Value.Kind != walrus.ExchangeRateFlat {
			t.Errorf("pool %d exchange rate: %v", i, err)
		}
		cap, _ := e.object(st.NodeCaps[i])
		var nc walrus.StorageNodeCap
		if err := bcs.Unmarshal(cap.Data.Move.Contents, &nc); err != nil || nc.NodeID != nodeID {
			t.Errorf("cap %d: %v", i, err)
		}
		sw, _ := e.object(st.StakedWal[i])
		var staked walrus.StakedWal
		if err := bcs.Unmarshal(sw.Data.Move.Contents, &staked); err != nil || staked.Principal != n.Stake || staked.NodeID != nodeID {
			t.Errorf("staked WAL %d: %v", i, err)
		}
	}

	// The Clock and the coins.
	clock, _ := e.object(exec.ClockID)
	if ts, err := exec.ClockTimestamp(clock); err != nil || ts != genesisTimeMs {
		t.Errorf("clock %d: %v", ts, err)
	}
	if e.balance(e.aliceWAL) != startWAL || e.walBalance(e.alice) != startWAL {
		t.Error("alice's WAL")
	}
	wo, _ := e.object(e.aliceWAL)
	if p := wo.Data.Move.Type.CoinParam(); p == nil || p.String() != e.ids.WALType().String() {
		t.Error("WAL coin type")
	}
}

func TestGenesisChecksSupply(t *testing.T) {
	cfg := contract.Default()
	left := cfg.WALSupply - uint64(len(cfg.Nodes))*contract.DefaultNodeStake
	if _, err := Genesis(cfg, GenesisOptions{WAL: []Grant{{walrus.MustParseID("0xa"), left + 1}}}); err == nil {
		t.Error("a WAL grant beyond the supply was accepted")
	}
	st, err := Genesis(cfg, GenesisOptions{WAL: []Grant{{walrus.MustParseID("0xa"), left - 5}}})
	if err != nil {
		t.Fatal(err)
	}
	store := exec.NewMemStore()
	if err := store.Insert(st.Objects...); err != nil {
		t.Fatal(err)
	}
	f := st.Faucet(store)
	if f.WALLeft() != 5 {
		t.Fatalf("%d left", f.WALLeft())
	}
	if _, err := f.WAL(walrus.MustParseID("0xb"), 6); !errors.Is(err, ErrFaucetExhausted) {
		t.Errorf("minting past the supply: %v", err)
	}
	id, err := f.WAL(walrus.MustParseID("0xb"), 5)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := store.CoinBalance(t.Context(), walrus.MustParseID("0xb"), st.IDs.WALType()); v != 5 {
		t.Errorf("minted %d", v)
	}
	// Faucet IDs continue the genesis numbering and never collide.
	for _, o := range st.Objects {
		if oid, _ := o.ID(); oid == id {
			t.Fatal("faucet coin ID collides with a genesis object")
		}
	}
	if _, err := f.SUI(walrus.MustParseID("0xb"), 7); err != nil {
		t.Fatal(err)
	}
	if _, err := Genesis(contract.GenesisConfig{}, GenesisOptions{}); err == nil {
		t.Error("an invalid config was accepted")
	}
}
