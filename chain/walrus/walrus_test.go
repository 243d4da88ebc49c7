package walrus

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math/big"
	"reflect"
	"strings"
	"testing"

	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/internal/bcs"
)

type codecValue interface {
	bcs.Marshaler
	bcs.Unmarshaler
}

// testID returns an ID whose bytes all differ from those of testID(other seeds).
func testID(seed byte) ID {
	var id ID
	for i := range id {
		id[i] = seed ^ byte(i*7)
	}
	return id
}

func testBlobID(seed byte) encoding.BlobID {
	var id encoding.BlobID
	for i := range id {
		id[i] = seed + byte(i)
	}
	return id
}

func u32p(v uint32) *uint32 { return &v }
func idp(v ID) *ID          { return &v }
func bytesp(b []byte) *[]byte {
	return &b
}

func seq(n int, seed byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = seed + byte(i)
	}
	return b
}

func sampleStorage() Storage {
	return Storage{ID: testID(1), StartEpoch: 3, EndEpoch: 5, StorageSize: 66034000}
}

func sampleBlob(certified bool) Blob {
	b := Blob{ID: testID(2), RegisteredEpoch: 3, BlobID: testBlobID(9), Size: 17, EncodingType: 1,
		Storage: sampleStorage(), Deletable: true}
	if certified {
		b.CertifiedEpoch = u32p(4)
	}
	return b
}

func sampleBlsCommittee() BlsCommittee {
	return BlsCommittee{
		Members: []BlsCommitteeMember{
			{PublicKey: seq(96, 1), Weight: 600, NodeID: testID(10)},
			{PublicKey: seq(96, 2), Weight: 400, NodeID: testID(20)},
		},
		NShards: 1000, Epoch: 7, TotalAggregatedKey: seq(48, 3),
	}
}

func sampleSystemInner(withLatest bool) SystemStateInnerV1 {
	s := SystemStateInnerV1{
		Committee: sampleBlsCommittee(), TotalCapacitySize: 1 << 40, UsedCapacitySize: 1 << 30,
		StoragePricePerUnitSize: 100_000, WritePricePerUnitSize: 20_000,
		FutureAccounting: FutureAccountingRingBuffer{CurrentIndex: 1, Length: 3, RingBuffer: []FutureAccounting{
			{Epoch: 7, UsedCapacity: 10, RewardsToDistribute: 11},
			{Epoch: 8, UsedCapacity: 12, RewardsToDistribute: 13},
			{Epoch: 9, UsedCapacity: 14, RewardsToDistribute: 15},
		}},
		EventBlobCertificationState: EventBlobCertificationState{
			AggregateWeightPerBlob: []EventBlobWeight{{Blob: EventBlob{BlobID: testBlobID(4), EndingCheckpointSequenceNumber: 99}, Weight: 300}},
		},
		DenyListSizes: ExtendedField{ID: testID(30)},
	}
	if withLatest {
		s.EventBlobCertificationState.LatestCertifiedBlob = &EventBlob{BlobID: testBlobID(5), EndingCheckpointSequenceNumber: 42}
	}
	return s
}

func sampleCommittee() Committee {
	return Committee{
		{NodeID: testID(10), Shards: []uint16{0, 1, 2}},
		{NodeID: testID(20), Shards: []uint16{3, 4}},
	}
}

func sampleStakingInner(next bool, state EpochState) StakingInnerV1 {
	s := StakingInnerV1{
		NShards: 5, EpochDuration: 86_400_000, FirstEpochStart: 1_700_000_000_000,
		Pools: Table{ID: testID(40), Size: 2}, Epoch: 7, ActiveSet: ExtendedField{ID: testID(41)},
		Committee: sampleCommittee(), PreviousCommittee: Committee{{NodeID: testID(10), Shards: []uint16{0, 1, 2, 3, 4}}},
		EpochState: state, NextEpochPublicKeys: ExtendedField{ID: testID(42)},
	}
	if next {
		nc := Committee{{NodeID: testID(20), Shards: []uint16{0, 1, 2, 3, 4}}}
		s.NextCommittee = &nc
		s.NextEpochParams = &EpochParams{TotalCapacitySize: 1 << 42, StoragePricePerUnitSize: 5, WritePricePerUnitSize: 6}
	}
	return s
}

func sampleNodeInfo(nextKey bool) StorageNodeInfo {
	n := StorageNodeInfo{Name: "node-ü", NodeID: testID(10), NetworkAddress: "node.example.com:9185",
		PublicKey: seq(96, 5), NetworkPublicKey: seq(33, 6), Metadata: ExtendedField{ID: testID(43)}}
	if nextKey {
		n.NextEpochPublicKey = bytesp(seq(96, 7))
	}
	return n
}

func samplePool(state PoolState, recv, gov AuthorizedKind, nextKey bool) StakingPool {
	return StakingPool{
		ID: testID(10), State: state, VotingParams: VotingParams{StoragePrice: 100_000, WritePrice: 20_000, NodeCapacity: 1 << 40},
		NodeInfo: sampleNodeInfo(nextKey), ActivationEpoch: 1, LatestEpoch: 7, WalBalance: 1_000_000, NumShares: 900_000,
		PendingSharesWithdraw: PendingValues{{Epoch: 8, Value: 10}}, PreActiveWithdrawals: PendingValues{{Epoch: 9, Value: 11}, {Epoch: 8, Value: 12}},
		PendingCommissionRate: PendingValues{{Epoch: 9, Value: 500}}, CommissionRate: 6000,
		ExchangeRates: Table{ID: testID(44), Size: 7}, PendingStake: PendingValues{{Epoch: 8, Value: 1234}},
		RewardsPool: 77, Commission: 88,
		CommissionReceiver:   Authorized{Kind: recv, ID: testID(45)},
		GovernanceAuthorized: Authorized{Kind: gov, ID: testID(46)},
		ExtraFields:          Table{ID: testID(47), Size: 1},
	}
}

type sample struct {
	name  string
	v     codecValue
	fresh func() codecValue
}

func mk[T any, P interface {
	*T
	codecValue
}](name string, v T) sample {
	return sample{name: name, v: P(&v), fresh: func() codecValue { return P(new(T)) }}
}

// objectSamples covers every object type, every Option both ways and every enum variant.
func objectSamples() []sample {
	return []sample{
		mk("ID", testID(1)),
		mk("U128", U128{Lo: 1, Hi: 2}),
		mk("U256", U256(testBlobID(3))),
		mk("U64", U64(5)),
		mk("U32", U32(6)),
		mk("Bytes", Bytes("metadata")),
		mk("EmptyStruct", EmptyStruct{}),
		mk("Table", Table{ID: testID(2), Size: 3}),
		mk("ExtendedField", ExtendedField{ID: testID(3)}),
		mk("StringMap", StringMap{{"a", "b"}, {"content-type", "text/plain"}}),
		mk("System/none", System{ID: testID(1), Version: 4, PackageID: testID(2)}),
		mk("System/some", System{ID: testID(1), Version: 4, PackageID: testID(2), NewPackageID: idp(testID(3))}),
		mk("SystemStateInnerV1/none", sampleSystemInner(false)),
		mk("SystemStateInnerV1/some", sampleSystemInner(true)),
		mk("BlsCommittee", sampleBlsCommittee()),
		mk("BlsCommittee/empty", BlsCommittee{NShards: 0, Epoch: 0, TotalAggregatedKey: seq(48, 0)}),
		mk("BlsCommitteeMember", sampleBlsCommittee().Members[0]),
		mk("FutureAccountingRingBuffer", sampleSystemInner(false).FutureAccounting),
		mk("EventBlobCertificationState/none", sampleSystemInner(false).EventBlobCertificationState),
		mk("EventBlobCertificationState/some", sampleSystemInner(true).EventBlobCertificationState),
		mk("EventBlobAttestation", EventBlobAttestation{CheckpointSequenceNum: 1 << 33, Epoch: 9}),
		mk("EpochParams", EpochParams{1, 2, 3}),
		mk("DenyListSizes", DenyListSizes{{NodeID: testID(1), Size: 2}, {NodeID: testID(2), Size: 3}}),
		mk("Storage", sampleStorage()),
		mk("Blob/uncertified", sampleBlob(false)),
		mk("Blob/certified", sampleBlob(true)),
		mk("SharedBlob", SharedBlob{ID: testID(8), Blob: sampleBlob(true), Funds: 1000}),
		mk("Metadata", Metadata{Metadata: StringMap{{"content-type", "text/plain"}, {"ключ", "値"}}}),
		mk("Metadata/empty", Metadata{}),
		mk("StoragePool", StoragePool{ID: testID(9), Version: 1}),
		mk("StoragePoolInnerV1", StoragePoolInnerV1{Storage: sampleStorage(), UsedEncodedBytes: 5, BlobCount: 1, Blobs: Table{ID: testID(11), Size: 1}}),
		mk("PooledBlob/none", PooledBlob{ID: testID(12), RegisteredEpoch: 2, BlobID: testBlobID(1), UnencodedSize: 3, EncodingType: 1, StoragePoolID: testID(9)}),
		mk("PooledBlob/some", PooledBlob{ID: testID(12), RegisteredEpoch: 2, BlobID: testBlobID(1), UnencodedSize: 3, EncodingType: 1, CertifiedEpoch: u32p(3), StoragePoolID: testID(9), Deletable: true}),
		mk("Staking/none", Staking{ID: testID(1), Version: 4, PackageID: testID(2)}),
		mk("Staking/some", Staking{ID: testID(1), Version: 4, PackageID: testID(2), NewPackageID: idp(testID(4))}),
		mk("StakingInnerV1/none/sync", sampleStakingInner(false, EpochState{Kind: EpochStateChangeSync, SyncWeight: 667})),
		mk("StakingInnerV1/some/done", sampleStakingInner(true, EpochState{Kind: EpochStateChangeDone, TimestampMs: 1_700_000_123_456})),
		mk("StakingInnerV1/some/selected", sampleStakingInner(true, EpochState{Kind: EpochStateNextParamsSelected, TimestampMs: 1_700_000_999_999})),
		mk("EpochState/sync", EpochState{Kind: EpochStateChangeSync, SyncWeight: 3}),
		mk("EpochState/done", EpochState{Kind: EpochStateChangeDone, TimestampMs: 4}),
		mk("EpochState/selected", EpochState{Kind: EpochStateNextParamsSelected, TimestampMs: 5}),
		mk("Committee", sampleCommittee()),
		mk("ActiveSet", ActiveSet{MaxSize: 150, ThresholdStake: 0, Nodes: []ActiveSetEntry{{testID(10), 5}, {testID(20), 6}}, TotalStake: 11}),
		mk("NodePublicKeys", NodePublicKeys{{NodeID: testID(10), PublicKey: seq(96, 1)}}),
		mk("StakingPool/active", samplePool(PoolState{Kind: PoolActive}, AuthorizedAddress, AuthorizedObjectID, true)),
		mk("StakingPool/withdrawing", samplePool(PoolState{Kind: PoolWithdrawing, WithdrawEpoch: 9}, AuthorizedObjectID, AuthorizedAddress, false)),
		mk("StakingPool/withdrawn", samplePool(PoolState{Kind: PoolWithdrawn}, AuthorizedAddress, AuthorizedAddress, false)),
		mk("PoolState/withdrawing", PoolState{Kind: PoolWithdrawing, WithdrawEpoch: 12}),
		mk("VotingParams", VotingParams{1, 2, 3}),
		mk("PendingValues", PendingValues{{1, 2}}),
		mk("PoolExchangeRate/flat", PoolExchangeRate{Kind: ExchangeRateFlat}),
		mk("PoolExchangeRate/variable", PoolExchangeRate{Kind: ExchangeRateVariable, WalAmount: U128{Lo: 5, Hi: 1}, ShareAmount: U128{Lo: 4}}),
		mk("Authorized/address", Authorized{Kind: AuthorizedAddress, ID: testID(1)}),
		mk("Authorized/object", Authorized{Kind: AuthorizedObjectID, ID: testID(2)}),
		mk("NodeMetadata", NodeMetadata{ImageURL: "https://i", ProjectURL: "https://p", Description: "d", ExtraFields: StringMap{{"k", "v"}}}),
		mk("StorageNodeInfo/none", sampleNodeInfo(false)),
		mk("StorageNodeInfo/some", sampleNodeInfo(true)),
		mk("StorageNodeCap/none", StorageNodeCap{ID: testID(1), NodeID: testID(10), LastEpochSyncDone: 7, DenyListRoot: U256(testBlobID(2)), DenyListSequence: 3, DenyListSize: 4}),
		mk("StorageNodeCap/some", StorageNodeCap{ID: testID(1), NodeID: testID(10), LastEpochSyncDone: 7, LastEventBlobAttestation: &EventBlobAttestation{5, 6}, DenyListSequence: 3, DenyListSize: 4}),
		mk("StakedWal/staked", StakedWal{ID: testID(1), State: StakedWalState{Kind: StakedWalStaked}, NodeID: testID(10), Principal: 1_000_000_000, ActivationEpoch: 8}),
		mk("StakedWal/withdrawing", StakedWal{ID: testID(1), State: StakedWalState{Kind: StakedWalWithdrawing, WithdrawEpoch: 10}, NodeID: testID(10), Principal: 5, ActivationEpoch: 8}),
		mk("UpgradeCap", UpgradeCap{ID: testID(1), Package: testID(2), Version: 3, Policy: 0}),
		mk("UpgradeManager", UpgradeManager{ID: testID(3), Cap: UpgradeCap{ID: testID(1), Package: testID(2), Version: 3}, UpgradeProposals: Table{ID: testID(4)}}),
		mk("UpgradeProposal", UpgradeProposal{Epoch: 1, Digest: seq(32, 1), Version: 5, VotingWeight: 700, Voters: []ID{testID(10), testID(20)}}),
		mk("EmergencyUpgradeCap", EmergencyUpgradeCap{ID: testID(1), UpgradeManagerID: testID(3)}),
		mk("SlashingManager", SlashingManager{ID: testID(1), SlashingCandidates: Table{ID: testID(2), Size: 1}}),
		mk("SlashingProposal", SlashingProposal{Epoch: 1, NodeID: testID(10), VotingWeight: 5, Voters: []ID{testID(20)}}),
		mk("SystemStateField", SystemStateField{ID: testID(50), Name: 4, Value: sampleSystemInner(true)}),
		mk("StakingStateField", StakingStateField{ID: testID(51), Name: 4, Value: sampleStakingInner(true, EpochState{Kind: EpochStateChangeDone, TimestampMs: 1})}),
		mk("StoragePoolStateField", StoragePoolStateField{ID: testID(52), Name: 1, Value: StoragePoolInnerV1{Storage: sampleStorage()}}),
		mk("BlobMetadataField", BlobMetadataField{ID: testID(53), Name: MetadataFieldName, Value: Metadata{Metadata: StringMap{{"a", "b"}}}}),
		mk("ExchangeRateField", ExchangeRateField{ID: testID(54), Name: 3, Value: PoolExchangeRate{Kind: ExchangeRateVariable, WalAmount: U128{Lo: 9}, ShareAmount: U128{Lo: 8}}}),
		mk("ObjectTableEntry", ObjectTableEntry{ID: testID(55), Name: testID(10), Value: testID(10)}),
		mk("ActiveSetField", ActiveSetField{ID: testID(56), Value: ActiveSet{MaxSize: 150, Nodes: []ActiveSetEntry{{testID(10), 5}}, TotalStake: 5}}),
		mk("NextEpochPublicKeysField", NextEpochPublicKeysField{ID: testID(57), Value: NodePublicKeys{{NodeID: testID(10), PublicKey: seq(96, 1)}}}),
		mk("NodeMetadataField", NodeMetadataField{ID: testID(58), Value: NodeMetadata{ImageURL: "x"}}),
		mk("DenyListSizesField", DenyListSizesField{ID: testID(59), Value: DenyListSizes{{NodeID: testID(10), Size: 1}}}),
		mk("BlockedCommissionField", BlockedCommissionField{ID: testID(60), Value: 77}),
		mk("SlashingProposalField", SlashingProposalField{ID: testID(61), Name: testID(10), Value: SlashingProposal{Epoch: 1, NodeID: testID(10), VotingWeight: 2}}),
		mk("UpgradeProposalField", UpgradeProposalField{ID: testID(62), Name: Bytes(seq(32, 1)), Value: UpgradeProposal{Epoch: 1, Digest: seq(32, 1), Version: 5}}),
	}
}

// eventSamples holds one non-trivial value of every event in events.move.
func eventSamples() []Event {
	return []Event{
		&BlobRegistered{Epoch: 3, BlobID: testBlobID(1), Size: 17, EncodingType: 1, EndEpoch: 5, Deletable: true, ObjectID: testID(1)},
		&BlobCertified{Epoch: 3, BlobID: testBlobID(2), EndEpoch: 5, Deletable: false, ObjectID: testID(2), IsExtension: true},
		&BlobDeleted{Epoch: 4, BlobID: testBlobID(3), EndEpoch: 5, ObjectID: testID(3), WasCertified: true},
		&InvalidBlobID{Epoch: 4, BlobID: testBlobID(4)},
		&EpochChangeStart{Epoch: 8},
		&EpochChangeDone{Epoch: 8},
		&ShardsReceived{Epoch: 8, Shards: []uint16{1, 2, 999}},
		&EpochParametersSelected{NextEpoch: 9},
		&ShardRecoveryStart{Epoch: 8, Shards: []uint16{7}},
		&ContractUpgraded{Epoch: 8, PackageID: testID(4), Version: 4},
		&RegisterDenyListUpdate{Epoch: 8, Root: U256(testBlobID(5)), SequenceNumber: 2, NodeID: testID(10)},
		&DenyListUpdate{Epoch: 8, Root: U256(testBlobID(6)), SequenceNumber: 3, NodeID: testID(20)},
		&DenyListBlobDeleted{Epoch: 8, BlobID: testBlobID(7)},
		&ContractUpgradeProposed{Epoch: 8, PackageDigest: seq(32, 1)},
		&ContractUpgradeQuorumReached{Epoch: 8, PackageDigest: seq(32, 2)},
		&ProtocolVersionUpdated{Epoch: 8, StartEpoch: 10, ProtocolVersion: 2},
		&PricesUpdated{Epoch: 8, StoragePrice: 100_000, WritePrice: 20_000},
		&StoragePoolCreated{Epoch: 8, StoragePoolID: testID(5), ReservedEncodedCapacityBytes: 1 << 33, StartEpoch: 8, EndEpoch: 20},
		&PooledBlobRegistered{Epoch: 8, BlobID: testBlobID(8), UnencodedSize: 10, EncodingType: 1, Deletable: true, ObjectID: testID(6), StoragePoolID: testID(5)},
		&PooledBlobCertified{Epoch: 8, BlobID: testBlobID(8), Deletable: true, ObjectID: testID(6), StoragePoolID: testID(5)},
		&PooledBlobDeleted{Epoch: 9, BlobID: testBlobID(8), ObjectID: testID(6), WasCertified: true, StoragePoolID: testID(5)},
		&StoragePoolExtended{Epoch: 9, StoragePoolID: testID(5), NewEndEpoch: 30},
	}
}

func allSamples() []sample {
	s := objectSamples()
	for _, ev := range eventSamples() {
		name := EventTypeName(ev)
		s = append(s, sample{name: "event/" + name, v: ev, fresh: func() codecValue {
			e, err := NewEvent(name)
			if err != nil {
				panic(err)
			}
			return e
		}})
	}
	return s
}

func TestRoundTrip(t *testing.T) {
	for _, s := range allSamples() {
		t.Run(s.name, func(t *testing.T) {
			b := bcs.Marshal(s.v)
			out := s.fresh()
			if err := bcs.Unmarshal(b, out); err != nil {
				t.Fatalf("unmarshal: %v", err)
			}
			if !reflect.DeepEqual(out, s.v) {
				t.Fatalf("round trip changed the value:\n got %+v\nwant %+v", out, s.v)
			}
			if again := bcs.Marshal(out); !bytes.Equal(again, b) {
				t.Fatalf("re-encoding differs")
			}
		})
	}
}

func TestTruncatedAndTrailing(t *testing.T) {
	for _, s := range allSamples() {
		t.Run(s.name, func(t *testing.T) {
			b := bcs.Marshal(s.v)
			for n := 0; n < len(b); n++ {
				if err := bcs.Unmarshal(b[:n], s.fresh()); !errors.Is(err, bcs.ErrMalformed) {
					t.Fatalf("prefix of %d/%d bytes: err = %v, want ErrMalformed", n, len(b), err)
				}
			}
			for _, extra := range [][]byte{{0}, {1}, {0xff, 0xff}} {
				if err := bcs.Unmarshal(append(bytes.Clone(b), extra...), s.fresh()); !errors.Is(err, bcs.ErrMalformed) {
					t.Fatalf("trailing % x: err = %v, want ErrMalformed", extra, err)
				}
			}
		})
	}
}

// corrupt sets b[off] = v and checks that decoding fails with ErrMalformed.
func expectMalformed(t *testing.T, name string, v codecValue, fresh codecValue, off int, bad byte) {
	t.Helper()
	b := bcs.Marshal(v)
	if off < 0 {
		off += len(b)
	}
	b[off] = bad
	if err := bcs.Unmarshal(b, fresh); !errors.Is(err, bcs.ErrMalformed) {
		t.Errorf("%s: byte %d set to %#x: err = %v, want ErrMalformed", name, off, bad, err)
	}
}

func TestBadTags(t *testing.T) {
	const id, u32, u64 = 32, 4, 8
	sys := System{ID: testID(1), Version: 4, PackageID: testID(2)}
	blob := sampleBlob(false)
	cap := StorageNodeCap{ID: testID(1), NodeID: testID(2)}
	pool := samplePool(PoolState{Kind: PoolActive}, AuthorizedAddress, AuthorizedObjectID, false)
	info := sampleNodeInfo(false)
	infoOpt := 1 + len(info.Name) + id + 1 + len(info.NetworkAddress) + 1 + len(info.PublicKey)
	inner := sampleStakingInner(false, EpochState{Kind: EpochStateChangeSync, SyncWeight: 1})
	innerNextCommittee := 2 + u64 + u64 + (id + u64) + u32 + id
	// Tail of StakingInnerV1 with no next params: option(1) | epoch state tag(1) + u16 | extended field.
	innerParamsOpt := -(id + 2 + 1 + 1)
	innerStateTag := -(id + 2 + 1)
	// Tail of StakingPool: receiver (1+32) | governance (1+32) | extra_fields (32+8).
	poolGov := -(id + u64 + 1 + id)
	poolRecv := poolGov - (1 + id)

	cases := []struct {
		name  string
		v     codecValue
		fresh codecValue
		off   int
		bad   []byte
	}{
		{"System.new_package_id option", &sys, new(System), id + u64 + id, []byte{2, 0x80}},
		{"Staking.new_package_id option", &Staking{}, new(Staking), id + u64 + id, []byte{2}},
		{"Blob.certified_epoch option", &blob, new(Blob), id + u32 + 32 + u64 + 1, []byte{2, 0xff}},
		{"Blob.deletable bool", &blob, new(Blob), -1, []byte{2}},
		{"PooledBlob.certified_epoch option", &PooledBlob{}, new(PooledBlob), id + u32 + 32 + u64 + 1, []byte{2}},
		{"StorageNodeCap.last_event_blob_attestation option", &cap, new(StorageNodeCap), id + id + u32, []byte{2}},
		{"StorageNodeInfo.next_epoch_public_key option", &info, new(StorageNodeInfo), infoOpt, []byte{2}},
		{"StakingPool.state tag", &pool, new(StakingPool), id, []byte{3}},
		{"StakingPool.node_info option", &pool, new(StakingPool), id + 1 + 3*u64 + infoOpt, []byte{2}},
		{"StakingPool.commission_receiver tag", &pool, new(StakingPool), poolRecv, []byte{2}},
		{"StakingPool.governance_authorized tag", &pool, new(StakingPool), poolGov, []byte{2}},
		{"StakingInnerV1.next_committee option", &inner, new(StakingInnerV1), innerNextCommittee, []byte{2}},
		{"StakingInnerV1.next_epoch_params option", &inner, new(StakingInnerV1), innerParamsOpt, []byte{2}},
		{"StakingInnerV1.epoch_state tag", &inner, new(StakingInnerV1), innerStateTag, []byte{3}},
		{"EpochState tag", &EpochState{}, new(EpochState), 0, []byte{3, 0x80}},
		{"PoolState tag", &PoolState{}, new(PoolState), 0, []byte{3}},
		{"StakedWalState tag", &StakedWalState{}, new(StakedWalState), 0, []byte{2}},
		{"StakedWal.state tag", &StakedWal{}, new(StakedWal), id, []byte{2}},
		{"PoolExchangeRate tag", &PoolExchangeRate{}, new(PoolExchangeRate), 0, []byte{2}},
		{"Authorized tag", &Authorized{}, new(Authorized), 0, []byte{2}},
		{"EventBlobCertificationState option", &EventBlobCertificationState{}, new(EventBlobCertificationState), 0, []byte{2}},
		{"ExtendedFieldKey dummy field", &EmptyStruct{}, new(EmptyStruct), 0, []byte{1, 2}},
		{"ActiveSetField name", &ActiveSetField{}, new(ActiveSetField), id, []byte{1}},
		{"BlobRegistered.deletable bool", &BlobRegistered{}, new(BlobRegistered), u32 + 32 + u64 + 1 + u32, []byte{2}},
		{"BlobCertified.is_extension bool", &BlobCertified{}, new(BlobCertified), -1, []byte{2}},
	}
	for _, c := range cases {
		// The corrupted byte must be a valid tag (or bool, or dummy field) to begin with.
		b := bcs.Marshal(c.v)
		off := c.off
		if off < 0 {
			off += len(b)
		}
		if b[off] >= c.bad[0] {
			t.Errorf("%s: byte %d is %#x, not a tag below %#x", c.name, off, b[off], c.bad[0])
		}
		for _, bad := range c.bad {
			expectMalformed(t, c.name, c.v, c.fresh, c.off, bad)
		}
	}
}

func TestBadTagsAreTheRightBytes(t *testing.T) {
	// Guard for TestBadTags: the offsets it corrupts hold the tags it means to corrupt.
	pool := samplePool(PoolState{Kind: PoolActive}, AuthorizedAddress, AuthorizedObjectID, false)
	b := bcs.Marshal(&pool)
	if b[len(b)-(32+8+1+32)] != byte(AuthorizedObjectID) || b[len(b)-(32+8+1+32)-33] != byte(AuthorizedAddress) {
		t.Fatal("StakingPool authorized tags are not where the test expects")
	}
	inner := sampleStakingInner(false, EpochState{Kind: EpochStateNextParamsSelected + 0, SyncWeight: 1})
	inner.EpochState = EpochState{Kind: EpochStateChangeSync, SyncWeight: 0x0102}
	b = bcs.Marshal(&inner)
	tail := b[len(b)-(32+2+1+1) : len(b)-32]
	if !bytes.Equal(tail, []byte{0, 0, 0x02, 0x01}) {
		t.Fatalf("StakingInnerV1 tail = % x", tail)
	}
	if b[2+8+8+40+4+32] != 0 {
		t.Fatal("StakingInnerV1.next_committee option is not where the test expects")
	}
}

func TestInvalidUTF8(t *testing.T) {
	m := NodeMetadata{ImageURL: "ab"}
	b := bcs.Marshal(&m)
	b[1] = 0xff // first byte of "ab"
	if err := bcs.Unmarshal(b, new(NodeMetadata)); !errors.Is(err, bcs.ErrMalformed) {
		t.Fatalf("invalid UTF-8: err = %v", err)
	}
	md := Metadata{Metadata: StringMap{{"k", "\xc3"}}}
	if err := bcs.Unmarshal(bcs.Marshal(&md), new(Metadata)); !errors.Is(err, bcs.ErrMalformed) {
		t.Fatalf("invalid UTF-8 value: err = %v", err)
	}
}

func TestHugeLengths(t *testing.T) {
	// A vector length far beyond the input must fail before allocating.
	b := append(make([]byte, 0, 16), 0xff, 0xff, 0xff, 0xff, 0x07)
	for _, v := range []codecValue{new(Committee), new(StringMap), new(PendingValues), new(BlsCommitteeMember), new(DenyListSizes), new(ShardsReceived)} {
		if err := bcs.Unmarshal(b, v); !errors.Is(err, bcs.ErrMalformed) {
			t.Errorf("%T: err = %v", v, err)
		}
	}
}

func le32(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }
func le64(v uint64) []byte { return binary.LittleEndian.AppendUint64(nil, v) }

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

func TestStorageLayout(t *testing.T) {
	s := Storage{ID: testID(1), StartEpoch: 3, EndEpoch: 5, StorageSize: 66034000}
	id := testID(1)
	want := cat(id[:], []byte{3, 0, 0, 0}, []byte{5, 0, 0, 0}, []byte{0x50, 0x99, 0xef, 0x03, 0, 0, 0, 0})
	if got := bcs.Marshal(&s); !bytes.Equal(got, want) {
		t.Fatalf("Storage BCS\n got % x\nwant % x", got, want)
	}
	if 66034000 != 0x03ef9950 {
		t.Fatal("test constant")
	}
}

func TestBlobLayout(t *testing.T) {
	b := sampleBlob(true)
	id, bid, sid := testID(2), testBlobID(9), testID(1)
	want := cat(id[:], le32(3), bid[:], le64(17), []byte{1}, []byte{1}, le32(4),
		sid[:], le32(3), le32(5), le64(66034000), []byte{1})
	if got := bcs.Marshal(&b); !bytes.Equal(got, want) {
		t.Fatalf("Blob BCS\n got % x\nwant % x", got, want)
	}
	b.CertifiedEpoch = nil
	b.Deletable = false
	want = cat(id[:], le32(3), bid[:], le64(17), []byte{1}, []byte{0},
		sid[:], le32(3), le32(5), le64(66034000), []byte{0})
	if got := bcs.Marshal(&b); !bytes.Equal(got, want) {
		t.Fatalf("Blob BCS (uncertified)\n got % x\nwant % x", got, want)
	}
	if b.EndEpoch() != 5 || b.IsCertified() || !b.IsExpired(5) || b.IsExpired(4) {
		t.Fatal("Blob helpers")
	}
	b.CertifiedEpoch = u32p(3)
	if !b.IsCertified() {
		t.Fatal("IsCertified")
	}
}

func TestBlobRegisteredLayout(t *testing.T) {
	// Hand-assembled from the field order of events.move (spec §3.4):
	// epoch: u32, blob_id: u256, size: u64, encoding_type: u8, end_epoch: u32, deletable: bool, object_id: ID.
	obj := MustParseID("0xfb0051bd26e3f9d0efdb175ee274d6c207761577b67567057a7a72bec1060fd5")
	blobID, err := encoding.ParseBlobID("M4hsZGQ1oCktdzegB6HnI6Mi28S2nqOPHxK-W7_4BUk")
	if err != nil {
		t.Fatal(err)
	}
	want := []byte{0x0a, 0, 0, 0}
	want = append(want, blobID[:]...)
	want = append(want, 0x00, 0x04, 0, 0, 0, 0, 0, 0) // size 1024
	want = append(want, 0x01)                         // RS2
	want = append(want, 0x0b, 0, 0, 0)                // end epoch 11
	want = append(want, 0x01)                         // deletable
	want = append(want, obj[:]...)

	ev, err := DecodeEvent("BlobRegistered", want)
	if err != nil {
		t.Fatal(err)
	}
	br := ev.(*BlobRegistered)
	exp := BlobRegistered{Epoch: 10, BlobID: blobID, Size: 1024, EncodingType: 1, EndEpoch: 11, Deletable: true, ObjectID: obj}
	if *br != exp {
		t.Fatalf("decoded %+v, want %+v", *br, exp)
	}
	if got := bcs.Marshal(&exp); !bytes.Equal(got, want) {
		t.Fatalf("BlobRegistered BCS\n got % x\nwant % x", got, want)
	}
	// The u256 Move sees is the blob ID's bytes read little-endian.
	var le U256
	copy(le[:], want[4:36])
	if le.Big().Cmp(blobID.U256()) != 0 {
		t.Fatal("blob_id u256 is not the blob ID read little-endian")
	}
}

func TestOtherLayouts(t *testing.T) {
	id := testID(1)
	pkg := testID(2)
	np := testID(3)
	sys := System{ID: id, Version: 4, PackageID: pkg, NewPackageID: &np}
	if got, want := bcs.Marshal(&sys), cat(id[:], le64(4), pkg[:], []byte{1}, np[:]); !bytes.Equal(got, want) {
		t.Fatalf("System: % x", got)
	}
	sys.NewPackageID = nil
	if got, want := bcs.Marshal(&sys), cat(id[:], le64(4), pkg[:], []byte{0}); !bytes.Equal(got, want) {
		t.Fatalf("System none: % x", got)
	}
	if got := bcs.Marshal(&EpochState{Kind: EpochStateChangeSync, SyncWeight: 0x0203}); !bytes.Equal(got, []byte{0, 3, 2}) {
		t.Fatalf("EpochState sync: % x", got)
	}
	if got := bcs.Marshal(&EpochState{Kind: EpochStateNextParamsSelected, TimestampMs: 1}); !bytes.Equal(got, cat([]byte{2}, le64(1))) {
		t.Fatalf("EpochState selected: % x", got)
	}
	sw := StakedWal{ID: id, State: StakedWalState{Kind: StakedWalWithdrawing, WithdrawEpoch: 9}, NodeID: pkg, Principal: 5, ActivationEpoch: 2}
	if got, want := bcs.Marshal(&sw), cat(id[:], []byte{1}, le32(9), pkg[:], le64(5), le32(2)); !bytes.Equal(got, want) {
		t.Fatalf("StakedWal: % x", got)
	}
	if got := bcs.Marshal(&PoolExchangeRate{Kind: ExchangeRateVariable, WalAmount: U128{Lo: 1, Hi: 2}, ShareAmount: U128{Lo: 3}}); !bytes.Equal(got, cat([]byte{1}, le64(1), le64(2), le64(3), le64(0))) {
		t.Fatalf("PoolExchangeRate: % x", got)
	}
	if got := bcs.Marshal(&PoolExchangeRate{Kind: ExchangeRateFlat, WalAmount: U128{Lo: 1}}); !bytes.Equal(got, []byte{0}) {
		t.Fatalf("PoolExchangeRate flat: % x", got)
	}
	c := Committee{{NodeID: id, Shards: []uint16{1, 0x0203}}}
	if got := bcs.Marshal(c); !bytes.Equal(got, cat([]byte{1}, id[:], []byte{2, 1, 0, 3, 2})) {
		t.Fatalf("Committee: % x", got)
	}
	f := ActiveSetField{ID: id, Value: ActiveSet{MaxSize: 150, ThresholdStake: 1, TotalStake: 2}}
	if got := bcs.Marshal(&f); !bytes.Equal(got, cat(id[:], []byte{0}, []byte{150, 0}, le64(1), []byte{0}, le64(2))) {
		t.Fatalf("ActiveSetField: % x", got)
	}
	mf := BlobMetadataField{ID: id, Name: MetadataFieldName, Value: Metadata{Metadata: StringMap{{"k", "vv"}}}}
	if got := bcs.Marshal(&mf); !bytes.Equal(got, cat(id[:], []byte("\x08metadata"), []byte("\x01\x01k\x02vv"))) {
		t.Fatalf("BlobMetadataField: % x", got)
	}
	sf := SystemStateField{ID: id, Name: SystemVersion}
	if got := bcs.Marshal(&sf); !bytes.Equal(got[:40], cat(id[:], le64(4))) {
		t.Fatalf("SystemStateField prefix: % x", got[:40])
	}
	u := U128{Lo: 1, Hi: 1}
	if u.Big().String() != "18446744073709551617" {
		t.Fatal(u.Big())
	}
}

func TestIDText(t *testing.T) {
	for in, want := range map[string]string{
		"0x2":                           "0x0000000000000000000000000000000000000000000000000000000000000002",
		"0X02":                          "0x0000000000000000000000000000000000000000000000000000000000000002",
		"0xabc":                         "0x0000000000000000000000000000000000000000000000000000000000000abc",
		strings.Repeat("ab", 32):        "0x" + strings.Repeat("ab", 32),
		"0x" + strings.Repeat("Cd", 32): "0x" + strings.Repeat("cd", 32),
	} {
		id, err := ParseID(in)
		if err != nil {
			t.Fatalf("%q: %v", in, err)
		}
		if id.String() != want {
			t.Fatalf("%q -> %s, want %s", in, id, want)
		}
	}
	for _, bad := range []string{"", "0x", "2", "0xg", "0x" + strings.Repeat("0", 65), strings.Repeat("a", 63), " 0x2"} {
		if _, err := ParseID(bad); !errors.Is(err, ErrInvalidID) {
			t.Errorf("%q: err = %v", bad, err)
		}
	}
	id := testID(7)
	j, err := json.Marshal(struct{ ID ID }{id})
	if err != nil {
		t.Fatal(err)
	}
	var back struct{ ID ID }
	if err := json.Unmarshal(j, &back); err != nil || back.ID != id {
		t.Fatalf("JSON round trip: %s %v", j, err)
	}
	if MustParseID("0x1").Compare(MustParseID("0x2")) >= 0 || MustParseID("0x0100").Compare(MustParseID("0xff")) <= 0 {
		t.Fatal("Compare is not the big-endian order")
	}
}

func TestU256AndU128(t *testing.T) {
	v, _ := new(big.Int).SetString("99375887944986645936715392795498921156816310016218858990289773399590762835131", 10)
	u, err := U256FromBig(v)
	if err != nil || u.Big().Cmp(v) != 0 {
		t.Fatalf("U256 round trip: %v", err)
	}
	bid, _ := encoding.BlobIDFromU256(v)
	if [32]byte(bid) != [32]byte(u) {
		t.Fatal("U256 and BlobID disagree on the byte order")
	}
	if _, err := U256FromBig(new(big.Int).Lsh(big.NewInt(1), 256)); err == nil {
		t.Fatal("2^256 accepted")
	}
	w, _ := new(big.Int).SetString("340282366920938463463374607431768211455", 10)
	x, err := U128FromBig(w)
	if err != nil || x != (U128{^uint64(0), ^uint64(0)}) || x.Big().Cmp(w) != 0 {
		t.Fatalf("U128: %v %v", x, err)
	}
	if _, err := U128FromBig(new(big.Int).Lsh(big.NewInt(1), 128)); err == nil {
		t.Fatal("2^128 accepted")
	}
}

func TestCommitteeHelpers(t *testing.T) {
	a, b, c := MustParseID("0x01"), MustParseID("0x0200"), MustParseID("0x03")
	cm := Committee{{NodeID: b, Shards: []uint16{3, 4}}, {NodeID: a, Shards: []uint16{0, 1, 2}}}
	if cm.IsSortedByNodeID() {
		t.Fatal("unsorted committee reported sorted")
	}
	cm.SortByNodeID()
	if !cm.IsSortedByNodeID() || cm[0].NodeID != a {
		t.Fatal("SortByNodeID")
	}
	if s, ok := cm.ShardsOf(b); !ok || !reflect.DeepEqual(s, []uint16{3, 4}) {
		t.Fatal("ShardsOf")
	}
	if _, ok := cm.ShardsOf(c); ok {
		t.Fatal("ShardsOf non-member")
	}
	if o, ok := cm.ShardOwner(2); !ok || o != a {
		t.Fatal("ShardOwner")
	}
	if _, ok := cm.ShardOwner(5); ok {
		t.Fatal("ShardOwner of unassigned shard")
	}
	if cm.TotalWeight() != 5 || cm.Weight(a) != 3 || cm.Weight(c) != 0 || !reflect.DeepEqual(cm.NodeIDs(), []ID{a, b}) {
		t.Fatal("weights")
	}

	bc := BlsCommittee{Members: []BlsCommitteeMember{{NodeID: c, Weight: 1}, {NodeID: a, Weight: 2}}, NShards: 3}
	bc.SortByNodeID()
	if !bc.IsSortedByNodeID() || bc.Members[0].NodeID != a || bc.TotalWeight() != 3 {
		t.Fatal("BlsCommittee sort/weight")
	}
	if i, ok := bc.MemberIndex(c); !ok || i != 1 {
		t.Fatal("MemberIndex")
	}
	if !bc.IsQuorum(3) || bc.IsQuorum(2) || !bc.IncludesOneCorrect(2) || bc.IncludesOneCorrect(1) {
		t.Fatal("BlsCommittee quorum helpers")
	}
}

func TestQuorum(t *testing.T) {
	for _, c := range []struct {
		w, n          uint64
		quorum, valid bool
	}{
		{667, 1000, true, true}, {666, 1000, false, true}, {334, 1000, false, true}, {333, 1000, false, false},
		{3, 4, true, true}, {2, 4, false, true}, {1, 4, false, false}, {0, 0, false, false}, {1, 1, true, true},
	} {
		if IsQuorum(c.w, c.n) != c.quorum || IsOneCorrect(c.w, c.n) != c.valid {
			t.Errorf("w=%d n=%d: quorum %v one-correct %v", c.w, c.n, IsQuorum(c.w, c.n), IsOneCorrect(c.w, c.n))
		}
	}
}

func TestStringMapAndPendingValues(t *testing.T) {
	var m StringMap
	m.Set("a", "1")
	m.Set("b", "2")
	m.Set("a", "3") // metadata::insert_or_update removes the pair and appends it
	if !reflect.DeepEqual(m, StringMap{{"b", "2"}, {"a", "3"}}) {
		t.Fatalf("Set: %v", m)
	}
	if v, ok := m.Get("b"); !ok || v != "2" {
		t.Fatal("Get")
	}
	if !m.Remove("a") || m.Remove("a") || len(m) != 1 {
		t.Fatal("Remove")
	}
	var p PendingValues
	p.InsertOrAdd(5, 1)
	p.InsertOrAdd(6, 2)
	p.InsertOrAdd(5, 10)
	if p.Get(5) != 11 || p.Get(6) != 2 || p.Get(7) != 0 {
		t.Fatalf("PendingValues %v", p)
	}
}

func TestEventDispatch(t *testing.T) {
	names := EventNames()
	if len(names) != 22 || len(names) != len(eventConstructors) || len(eventSamples()) != len(names) {
		t.Fatalf("%d names, %d constructors, %d samples", len(names), len(eventConstructors), len(eventSamples()))
	}
	pkg := MustParseID("0xfdc88f7d7cf30afab2f82e8380d11ee8f70efb90e863d1de8616fae1bb09ea77")
	for i, ev := range eventSamples() {
		name := EventTypeName(ev)
		if name != names[i] {
			t.Fatalf("sample %d is %s, want %s", i, name, names[i])
		}
		if reflect.TypeOf(ev).Elem().Name() != name {
			t.Fatalf("Go type %T has event name %s", ev, name)
		}
		b := bcs.Marshal(ev)
		for _, tn := range []string{name, EventTypeTag(pkg, ev), "0x2::events::" + name} {
			got, err := DecodeEvent(tn, b)
			if err != nil {
				t.Fatalf("%s: %v", tn, err)
			}
			if !reflect.DeepEqual(got, ev) {
				t.Fatalf("%s: decoded %+v", tn, got)
			}
		}
		if _, err := DecodeEvent(name, b[:len(b)-1]); !errors.Is(err, bcs.ErrMalformed) || errors.Is(err, ErrUnknownEvent) {
			t.Fatalf("%s truncated: %v", name, err)
		}
	}
	if EventTypeTag(pkg, &EpochChangeDone{}) != "0xfdc88f7d7cf30afab2f82e8380d11ee8f70efb90e863d1de8616fae1bb09ea77::events::EpochChangeDone" {
		t.Fatal(EventTypeTag(pkg, &EpochChangeDone{}))
	}
	for _, tn := range []string{"", "Blob", "blobregistered", "0x2::messages::DenyListBlobDeleted", "0x2::events::BlobRegistered<u8>",
		"events::BlobRegistered", "0x2::events::", "nothex::events::BlobRegistered", "0x2::x::events::BlobRegistered"} {
		_, err := DecodeEvent(tn, nil)
		var ue *UnknownEventError
		if !errors.Is(err, ErrUnknownEvent) || !errors.As(err, &ue) || ue.TypeName != tn {
			t.Errorf("%q: err = %v", tn, err)
		}
	}
}

func FuzzDecodeEvent(f *testing.F) {
	for _, ev := range eventSamples() {
		f.Add(EventTypeName(ev), bcs.Marshal(ev))
	}
	f.Add("BlobRegistered", []byte{})
	f.Add("Nope", []byte{1, 2, 3})
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		ev, err := DecodeEvent(name, data)
		if err != nil {
			if !errors.Is(err, ErrUnknownEvent) && !errors.Is(err, bcs.ErrMalformed) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			return
		}
		if got := bcs.Marshal(ev); !bytes.Equal(got, data) {
			t.Fatalf("re-encoding differs:\n got % x\nwant % x", got, data)
		}
	})
}

func FuzzDecodeObject(f *testing.F) {
	samples := objectSamples()
	for i, s := range samples {
		f.Add(uint8(i), bcs.Marshal(s.v))
	}
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		s := samples[int(which)%len(samples)]
		v := s.fresh()
		if err := bcs.Unmarshal(data, v); err != nil {
			if !errors.Is(err, bcs.ErrMalformed) {
				t.Fatalf("%s: unexpected error kind: %v", s.name, err)
			}
			return
		}
		if got := bcs.Marshal(v); !bytes.Equal(got, data) {
			t.Fatalf("%s: re-encoding differs:\n got % x\nwant % x", s.name, got, data)
		}
	})
}

func TestHexSanity(t *testing.T) {
	// The ID's BCS is its raw bytes, in text order.
	id := MustParseID("0x" + strings.Repeat("00", 31) + "2a")
	if hex.EncodeToString(bcs.Marshal(id)) != strings.Repeat("00", 31)+"2a" {
		t.Fatal("ID BCS is not its raw bytes")
	}
}

func TestInnerStateFieldIDGolden(t *testing.T) {
	// From /work/shared/vectors/messages.jsonl ("inner-state dynamic field id"), computed by
	// the official @mysten/walrus SDK's deriveDynamicFieldID over the System and Staking
	// object IDs of mainnet and testnet (spec §7).
	nets := map[string][2]ID{
		"mainnet": {MustParseID("0x2134d52768ea07e8c43570ef975eb3e4c27a39fa6396bef985b5abc58d03ddd2"), MustParseID("0x10b9d30c28448939ce6c4d6c6e0ffce4a7f8a4ada8248bdad09ef8b70e4a3904")},
		"testnet": {MustParseID("0x6c2547cbbc38025cf3adac45f63cb0a8d12ecf777cdc75a4971612bf97fdf6af"), MustParseID("0xbe46180321c30aab2f8b3501e24048377287fa708018a5b7c2792b35fe339ee3")},
	}
	for _, c := range []struct {
		net                  string
		version              uint64
		systemInner, staking string
	}{
		{"mainnet", 1, "0xc5e430c7c517e99da14e67928b360f3260de47cb61f55338cdd9119f519c282c", "0x5849e7cdbdaad46b6c68a5462ed1fc58c302862785769b450c882679bc452999"},
		{"mainnet", 2, "0xe7d356f61c74ad511214bb69dc9e38f7cc364c085b007c6ea81461fc8ebe7dfe", "0x16f1f9fcdf5a746da423d1ad055d88f88b24a9272ca8afb4c0dcf074ae6c730a"},
		{"testnet", 1, "0x47dda15c68c588d495849ca92acda9dfd9b2e0d51bfb712e4255ddb741768037", "0x137b0072b0fdab6cce925b78112f6635dc9759408c7eba7f67ba513da4436b44"},
		{"testnet", 2, "0xe567f65413d10d585bbec909f46f11c5fc666061e1ede471b840f3d1cf25eaaa", "0x93429364cd0447556847e7e96f15c20411e9cc9769c0877e5b6e99732a73a006"},
	} {
		p := nets[c.net]
		if got := InnerStateFieldID(p[0], c.version); got.String() != c.systemInner {
			t.Errorf("%s v%d system inner field = %s, want %s", c.net, c.version, got, c.systemInner)
		}
		if got := InnerStateFieldID(p[1], c.version); got.String() != c.staking {
			t.Errorf("%s v%d staking inner field = %s, want %s", c.net, c.version, got, c.staking)
		}
	}
	// The name's BCS in the Field object is the same u64 that is hashed.
	f := SystemStateField{ID: InnerStateFieldID(nets["mainnet"][0], 2), Name: 2}
	if b := bcs.Marshal(&f); !bytes.Equal(b[32:40], le64(2)) {
		t.Fatal("Field name bytes")
	}
	if !bytes.Equal(TypeTagID, cat([]byte{7}, func() []byte { x := MustParseID("0x2"); return x[:] }(), []byte("\x06object\x02ID\x00"))) {
		t.Fatalf("TypeTagID = % x", TypeTagID)
	}
}
