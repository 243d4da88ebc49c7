package sui

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/internal/bcs"
)

func u64p(v uint64) *uint64 { return &v }
func u32p(v uint32) *uint32 { return &v }
func strp(s string) *string { return &s }
func digestOf(b byte) Digest {
	var d Digest
	for i := range d {
		d[i] = b
	}
	return d
}
func digestp(b byte) *Digest { d := digestOf(b); return &d }

var (
	pkgWalrus = mustID("0xfdc88f7d7cf30afab2f82e8380d11ee8f70efb90e863d1de8616fae1bb09ea77")
	sampleLoc = MoveLocation{Package: pkgWalrus, Module: "blob", Function: 7, Instruction: 12, FunctionName: strp("certify")}
)

// sampleErrors has one ExecutionError of every variant, every CommandArgumentError and
// PackageUpgradeError variant, and both options of MovePrimitiveRuntimeError.
func sampleErrors() []ExecutionError {
	var out []ExecutionError
	for k := ExecutionErrorKind(0); k < numExecutionErrorKinds; k++ {
		x := ExecutionError{Kind: k}
		switch executionErrorInfo[k].layout {
		case layoutTwoU64:
			x.Size, x.MaxSize = 1<<40, 1<<20
		case layoutID:
			x.Object = pkgWalrus
		case layoutOptLoc:
			out = append(out, x) // None
			loc := sampleLoc
			loc.FunctionName = nil
			x.Location = &loc
		case layoutAbort:
			loc := sampleLoc
			x.Location, x.AbortCode = &loc, 1<<63+5
		case layoutCmdArg:
			for a := CommandArgumentErrorKind(0); a < numCommandArgumentErrorKinds; a++ {
				c := ExecutionError{Kind: k, Index: 3, CommandArgument: CommandArgumentError{Kind: a}}
				switch a {
				case ArgErrIndexOutOfBounds, ArgErrInvalidResultArity:
					c.CommandArgument.Index = 9
				case ArgErrSecondaryIndexOutOfBounds:
					c.CommandArgument.Index, c.CommandArgument.Secondary = 9, 2
				}
				out = append(out, c)
			}
			continue
		case layoutTypeArg:
			out = append(out, ExecutionError{Kind: k, Index: 1, TypeArgument: TypeArgErrTypeNotFound})
			x.Index, x.TypeArgument = 2, TypeArgErrConstraintNotSatisfied
		case layoutTwoU16:
			x.Index, x.SecondaryIndex = 4, 5
		case layoutU16:
			x.Index = 6
		case layoutUpgrade:
			for u := PackageUpgradeErrorKind(0); u < numPackageUpgradeErrorKinds; u++ {
				p := PackageUpgradeError{Kind: u}
				switch u {
				case UpgradeErrUnableToFetchPackage:
					p.PackageID = pkgA
				case UpgradeErrNotAPackage:
					p.ObjectID = pkgA
				case UpgradeErrDigestDoesNotMatch:
					p.Digest = []byte{1, 2, 3}
				case UpgradeErrUnknownUpgradePolicy:
					p.Policy = 200
				case UpgradeErrPackageIDDoesNotMatch:
					p.PackageID, p.TicketID = pkgA, two
				}
				out = append(out, ExecutionError{Kind: k, PackageUpgrade: p})
			}
			continue
		case layoutIDs:
			out = append(out, x) // empty
			x.CongestedObjects = []walrus.ID{pkgA, two}
		case layoutIDString:
			x.Object, x.CoinType = alice, "0x2::sui::SUI"
		case layoutString:
			x.CoinType = "0xabc::wal::WAL"
		}
		out = append(out, x)
	}
	return out
}

func sampleStatuses() []ExecutionStatus {
	out := []ExecutionStatus{{}}
	for i, x := range sampleErrors() {
		f := &ExecutionFailure{Error: x}
		if i%2 == 0 {
			f.Command = u64p(uint64(i))
		}
		out = append(out, ExecutionStatus{Failure: f})
	}
	return out
}

func sampleOwners() []Owner {
	return []Owner{
		AddressOwned(alice),
		ObjectOwned(pkgA),
		SharedOwner(7),
		ImmutableOwner(),
		{Kind: OwnerConsensusAddress, Version: 9, Address: alice},
		{Kind: OwnerParty, Version: 11, Party: &Party{DefaultPermissions: 0x01,
			Members: []PartyMember{{two, 0x7f}, {pkgA, 0x03}, {alice, 0x01}}}},
		{Kind: OwnerParty, Version: 12, Party: &Party{DefaultPermissions: 0}},
	}
}

func sampleTypes() []MoveObjectType {
	wal := MustParseTypeTag("0xabc::wal::WAL")
	blob := mustStructTag("0xabc::blob::Blob")
	return []MoveObjectType{
		{Kind: MoveTypeOther, Struct: &blob},
		{Kind: MoveTypeGasCoin},
		{Kind: MoveTypeStakedSui},
		{Kind: MoveTypeCoin, Param: &wal},
		{Kind: MoveTypeSuiBalanceAccumulatorField},
		{Kind: MoveTypeBalanceAccumulatorField, Param: &wal},
	}
}

func sampleObjects() []Object {
	var out []Object
	contents := append(alice[:], 1, 2, 3)
	for i, t := range sampleTypes() {
		out = append(out, Object{
			Data:                ObjectData{Kind: DataMove, Move: MoveObject{Type: t, HasPublicTransfer: i%2 == 0, Version: uint64(i + 1), Contents: contents}},
			Owner:               sampleOwners()[i%len(sampleOwners())],
			PreviousTransaction: digestOf(byte(i)),
			StorageRebate:       uint64(i) * 1000,
		})
	}
	// Module names in canonical BCS-map order: by length prefix first, so "b" < "aa".
	out = append(out, Object{
		Data: ObjectData{Kind: DataPackage, Package: MovePackage{
			ID:      pkgA,
			Version: 3,
			Modules: []PackageModule{{"b", []byte{0xa1, 0x1c, 0xeb, 0x0b}}, {"aa", nil}, {"blob", []byte{1}}},
			TypeOrigins: []TypeOrigin{
				{"blob", "Blob", pkgA}, {"aa", "", two},
			},
			LinkageTable: []PackageLink{{two, UpgradeInfo{two, 1}}, {pkgA, UpgradeInfo{alice, 2}}},
		}},
		Owner: ImmutableOwner(),
	})
	out = append(out, Object{Data: ObjectData{Kind: DataPackage, Package: MovePackage{ID: two}}, Owner: ImmutableOwner()})
	return out
}

func sampleEvents() []TransactionEvents {
	return []TransactionEvents{
		nil,
		{
			{PackageID: pkgWalrus, TransactionModule: "system", Sender: alice, Type: mustStructTag("0xabc::events::BlobCertified"), Contents: []byte{1, 2}},
			{PackageID: two, TransactionModule: "coin", Sender: alice, Type: mustStructTag("0x2::coin::CoinEvent<0x2::sui::SUI, vector<u8>>")},
		},
	}
}

func sampleEffectsV2() []TransactionEffectsV2 {
	wal := MustParseTypeTag("0x2::balance::Balance<0xabc::wal::WAL>")
	changed := []ChangedObject{
		{ID: alice, InputState: ObjectIn{Exists: true, Version: 4, Digest: digestOf(1), Owner: AddressOwned(alice)},
			OutputState: ObjectOut{Kind: ObjectWrite, Digest: digestOf(2), Owner: AddressOwned(alice)}},
		{ID: pkgA, OutputState: ObjectOut{Kind: ObjectWrite, Digest: digestOf(3), Owner: SharedOwner(10)}, IDOperation: IDCreated},
		{ID: two, InputState: ObjectIn{Exists: true, Version: 1, Digest: digestOf(4), Owner: ImmutableOwner()},
			OutputState: ObjectOut{Kind: PackageWrite, Version: 2, Digest: digestOf(5)}},
		{ID: mustID("0x77"), InputState: ObjectIn{Exists: true, Version: 3, Digest: digestOf(6), Owner: ObjectOwned(alice)}, IDOperation: IDDeleted},
		{ID: mustID("0x78"), InputState: ObjectIn{Exists: true, Version: 3, Digest: digestOf(6), Owner: sampleOwners()[4]}},
		{ID: mustID("0x79"), IDOperation: IDDeleted},
		{ID: mustID("0x7a"), OutputState: ObjectOut{Kind: ObjectWrite, Digest: digestOf(7), Owner: sampleOwners()[5]}},
		{ID: mustID("0x7b"), OutputState: ObjectOut{Kind: AccumulatorWrite, Accumulator: &AccumulatorWriteV1{
			Address: alice, Type: wal, Operation: AccumulatorMerge, Value: AccumulatorValue{Kind: AccumulatorInteger, Integer: 5}}}},
		{ID: mustID("0x7c"), OutputState: ObjectOut{Kind: AccumulatorWrite, Accumulator: &AccumulatorWriteV1{
			Address: alice, Type: wal, Operation: AccumulatorSplit, Value: AccumulatorValue{Kind: AccumulatorIntegerTuple, Integer: 5, Second: 6}}}},
		{ID: mustID("0x7d"), OutputState: ObjectOut{Kind: AccumulatorWrite, Accumulator: &AccumulatorWriteV1{
			Address: pkgA, Type: TypeTagU64, Value: AccumulatorValue{Kind: AccumulatorEventDigest, Events: []IndexedDigest{{0, digestOf(8)}, {3, digestOf(9)}}}}}},
		{ID: mustID("0x7e"), OutputState: ObjectOut{Kind: PackageWrite, Version: 1, Digest: digestOf(10)}, IDOperation: IDCreated},
		{ID: mustID("0x7f"), IDOperation: IDCreated},
	}
	unchanged := []UnchangedConsensusObject{
		{ID: mustID("0x6"), Kind: UnchangedReadOnlyRoot, Version: 100, Digest: digestOf(11)},
		{ID: mustID("0x81"), Kind: UnchangedMutateConsensusStreamEnded, Version: 101},
		{ID: mustID("0x82"), Kind: UnchangedReadConsensusStreamEnded, Version: 102},
		{ID: mustID("0x83"), Kind: UnchangedCancelled, Version: 103},
		{ID: mustID("0x403"), Kind: UnchangedPerEpochConfig},
	}
	var out []TransactionEffectsV2
	for i, st := range sampleStatuses() {
		v := TransactionEffectsV2{
			Status:            st,
			ExecutedEpoch:     uint64(i),
			GasUsed:           GasCostSummary{1, 2, 3, 4},
			TransactionDigest: digestOf(byte(i)),
			LamportVersion:    5,
		}
		if i%3 == 0 {
			v.GasObjectIndex = u32p(0)
			v.EventsDigest = digestp(12)
			v.Dependencies = []Digest{digestOf(13), digestOf(14)}
			v.ChangedObjects = changed
			v.UnchangedConsensusObjects = unchanged
			v.AuxDataDigest = digestp(15)
		}
		out = append(out, v)
	}
	return out
}

func sampleEffects() []TransactionEffects {
	var out []TransactionEffects
	for _, v := range sampleEffectsV2() {
		out = append(out, NewEffectsV2(v))
	}
	ref := func(b byte) ObjectRef {
		return ObjectRef{ObjectID: mustID(fmt.Sprintf("0x%x", b)), Version: uint64(b), Digest: digestOf(b)}
	}
	out = append(out, TransactionEffects{V1: &TransactionEffectsV1{
		Status:               sampleStatuses()[13],
		ExecutedEpoch:        3,
		GasUsed:              GasCostSummary{5, 6, 7, 8},
		ModifiedAtVersions:   []VersionedID{{mustID("0x2"), 1}, {mustID("0x3"), 2}},
		SharedObjects:        []ObjectRef{ref(1)},
		TransactionDigest:    digestOf(20),
		Created:              []OwnedObjectRef{{ref(4), AddressOwned(alice)}},
		Mutated:              []OwnedObjectRef{{ref(2), SharedOwner(1)}, {ref(3), ObjectOwned(two)}},
		Unwrapped:            []OwnedObjectRef{{ref(5), ImmutableOwner()}},
		Deleted:              []ObjectRef{ref(6)},
		UnwrappedThenDeleted: []ObjectRef{ref(7)},
		Wrapped:              []ObjectRef{ref(8)},
		GasObject:            OwnedObjectRef{ref(3), AddressOwned(alice)},
		EventsDigest:         digestp(9),
		Dependencies:         []Digest{digestOf(10)},
	}})
	out = append(out, TransactionEffects{V1: &TransactionEffectsV1{}})
	return out
}

func sampleSummaries() []CheckpointSummary {
	var committee []CommitteeMember
	for i := 0; i < 3; i++ {
		var m CommitteeMember
		m.PublicKey[0], m.Stake = byte(i+1), uint64(i)*3333
		committee = append(committee, m)
	}
	return []CheckpointSummary{
		{},
		{
			Epoch: 1, SequenceNumber: 2, NetworkTotalTransactions: 3, ContentDigest: digestOf(1), PreviousDigest: digestp(2),
			EpochRollingGasCostSummary: GasCostSummary{1, 2, 3, 4}, TimestampMs: 1700000000000,
			CheckpointCommitments: []CheckpointCommitment{{CommitmentCheckpointArtifacts, digestOf(3)}},
			EndOfEpochData: &EndOfEpochData{NextEpochCommittee: committee, NextEpochProtocolVersion: 99,
				EpochCommitments: []CheckpointCommitment{{CommitmentECMHLiveObjectSet, digestOf(4)}}},
			VersionSpecificData: []byte{0, 0},
		},
		{EndOfEpochData: &EndOfEpochData{}},
	}
}

func sampleContents() []CheckpointContents {
	sig := append([]byte{0}, make([]byte, 96)...)
	return []CheckpointContents{
		{V1: &CheckpointContentsV1{}},
		{V1: &CheckpointContentsV1{
			Transactions:   []ExecutionDigests{{digestOf(1), digestOf(2)}, {digestOf(3), digestOf(4)}},
			UserSignatures: [][][]byte{{sig}, nil},
		}},
		{V1: &CheckpointContentsV1{Transactions: []ExecutionDigests{{digestOf(1), digestOf(2)}}}}, // lengths differ, as Sui allows
		{V2: &CheckpointContentsV2{}},
		{V2: &CheckpointContentsV2{Transactions: []CheckpointTransactionContents{
			{Digests: ExecutionDigests{digestOf(5), digestOf(6)}, UserSignatures: []AliasedSignature{{sig, nil}, {sig, u64p(8)}}},
			{Digests: ExecutionDigests{digestOf(7), digestOf(8)}},
		}}},
	}
}

// roundTrip checks that v encodes, decodes (into a fresh value from newV) to a value equal
// to v, and re-encodes to the same bytes; it returns the bytes.
func roundTrip[T any, P interface {
	*T
	bcs.Marshaler
	bcs.Unmarshaler
}](t *testing.T, name string, v T) []byte {
	t.Helper()
	raw := bcs.Marshal(P(&v))
	var back T
	if err := bcs.Unmarshal(raw, P(&back)); err != nil {
		t.Fatalf("%s: %v\n%x", name, err, raw)
	}
	if !reflect.DeepEqual(back, v) {
		t.Fatalf("%s: decodes to\n%+v\nwant\n%+v", name, back, v)
	}
	if again := bcs.Marshal(P(&back)); !bytes.Equal(again, raw) {
		t.Fatalf("%s: re-encoding differs", name)
	}
	return raw
}

func TestChainTypesRoundTrip(t *testing.T) {
	for i, s := range sampleStatuses() {
		roundTrip(t, fmt.Sprintf("status %d", i), s)
	}
	for _, o := range sampleOwners() {
		roundTrip(t, "owner "+o.String(), o)
	}
	for i, o := range sampleObjects() {
		raw := roundTrip(t, fmt.Sprintf("object %d", i), o)
		if got, err := DecodeObject(raw); err != nil || got.Digest() != o.Digest() {
			t.Fatalf("object %d: %v", i, err)
		}
	}
	for i, ev := range sampleEvents() {
		raw := roundTrip(t, fmt.Sprintf("events %d", i), ev)
		if got, err := DecodeEvents(raw); err != nil || got.Digest() != ev.Digest() {
			t.Fatalf("events %d: %v", i, err)
		}
	}
	for i, e := range sampleEffects() {
		raw := roundTrip(t, fmt.Sprintf("effects %d", i), e)
		if got, err := DecodeEffects(raw); err != nil || got.Digest() != e.Digest() {
			t.Fatalf("effects %d: %v", i, err)
		}
	}
	for i, s := range sampleSummaries() {
		roundTrip(t, fmt.Sprintf("summary %d", i), s)
		roundTrip(t, fmt.Sprintf("certified %d", i), CertifiedCheckpointSummary{Summary: s, Signature: AuthorityQuorumSignInfo{Epoch: 4, SignersMap: []byte{1}}})
	}
	for i, c := range sampleContents() {
		roundTrip(t, fmt.Sprintf("contents %d", i), c)
	}
}

// Hand-written bytes of a failed status: MoveAbort in 0xfdc8…::blob (function 7, named
// "certify", instruction 12) with code 3, in command 1.
func TestMoveAbortError(t *testing.T) {
	var raw []byte
	raw = append(raw, 0x01, 0x0c) // Failure, MoveAbort
	raw = append(raw, pkgWalrus[:]...)
	raw = append(raw, 4, 'b', 'l', 'o', 'b')
	raw = append(raw, 7, 0, 12, 0)
	raw = append(raw, 1, 7, 'c', 'e', 'r', 't', 'i', 'f', 'y')
	raw = append(raw, 3, 0, 0, 0, 0, 0, 0, 0) // code
	raw = append(raw, 1, 1, 0, 0, 0, 0, 0, 0, 0)
	var s ExecutionStatus
	if err := bcs.Unmarshal(raw, &s); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(bcs.Marshal(&s), raw) {
		t.Fatal("re-encoding differs")
	}
	m := s.MoveAbort()
	want := &MoveAbortError{Module: pkgWalrus, ModuleName: "blob", FunctionName: "certify", Function: 7, Instruction: 12, Code: 3, Command: u64p(1)}
	if !reflect.DeepEqual(m, want) {
		t.Fatalf("%+v", m)
	}
	var target *MoveAbortError
	if err := s.Err(); !errors.As(err, &target) || target.Code != 3 {
		t.Fatalf("%v", err)
	}
	if got := m.Error(); got != "sui: move abort in 0xfdc88f7d7cf30afab2f82e8380d11ee8f70efb90e863d1de8616fae1bb09ea77::blob::certify with code 3 (command 1)" {
		t.Fatal(got)
	}
	// Without a function name (older effects) and without a command.
	loc := sampleLoc
	loc.FunctionName = nil
	s2 := ExecutionStatus{Failure: &ExecutionFailure{Error: ExecutionError{Kind: ExecMoveAbort, Location: &loc, AbortCode: 9}}}
	if m := s2.MoveAbort(); m == nil || m.FunctionName != "" || m.Function != 7 || m.Command != nil || m.Code != 9 {
		t.Fatalf("%+v", m)
	}
	// Other statuses are not Move aborts.
	for _, st := range sampleStatuses() {
		isAbort := st.Failure != nil && st.Failure.Error.Kind == ExecMoveAbort
		if (st.MoveAbort() != nil) != isAbort || (st.Err() == nil) != st.Success() {
			t.Fatalf("%+v", st)
		}
		if st.Failure != nil && !isAbort {
			var f *ExecutionFailedError
			if !errors.As(st.Err(), &f) || f.Error() == "" {
				t.Fatal(st.Err())
			}
		}
	}
	// The effects accessor sees the same status.
	eff := NewEffectsV2(TransactionEffectsV2{Status: s})
	if eff.Status().MoveAbort() == nil {
		t.Fatal("effects status")
	}
}

// InsufficientGas, InvalidGasObject, InsufficientCoinBalance and CoinBalanceOverflow are
// tags 0, 1, 7 and 8: a failed status is 01, the tag, then the command option.
func TestExecutionErrorTags(t *testing.T) {
	for _, c := range []struct {
		kind ExecutionErrorKind
		tag  byte
		name string
	}{
		{ExecInsufficientGas, 0, "InsufficientGas"},
		{ExecInvalidGasObject, 1, "InvalidGasObject"},
		{ExecInsufficientCoinBalance, 7, "InsufficientCoinBalance"},
		{ExecCoinBalanceOverflow, 8, "CoinBalanceOverflow"},
		{ExecMoveAbort, 12, "MoveAbort"},
		{ExecCommandArgumentError, 19, "CommandArgumentError"},
		{ExecInsufficientFundsForWithdraw, 40, "InsufficientFundsForWithdraw"},
		{ExecNonExclusiveWriteInputObjectModified, 41, "NonExclusiveWriteInputObjectModified"},
	} {
		if byte(c.kind) != c.tag || c.kind.String() != c.name {
			t.Errorf("%s = %d", c.kind, c.kind)
		}
	}
	s := ExecutionStatus{Failure: &ExecutionFailure{Error: ExecutionError{Kind: ExecInsufficientCoinBalance}, Command: u64p(2)}}
	if got := bcs.Marshal(&s); !bytes.Equal(got, []byte{1, 7, 1, 2, 0, 0, 0, 0, 0, 0, 0}) {
		t.Fatalf("%x", got)
	}
	if got := bcs.Marshal(&ExecutionStatus{}); !bytes.Equal(got, []byte{0}) {
		t.Fatalf("%x", got)
	}
	for _, bad := range [][]byte{
		{2},                 // status tag
		{1, 44, 0},          // error tag past the last variant
		{1, 20, 0, 0, 2, 0}, // TypeArgumentError tag 2
		{1, 19, 0, 0, 20, 0},
		{1, 27, 6, 0},         // PackageUpgradeError tag 6
		{1, 0, 2},             // option tag 2
		{1, 12, 0},            // truncated location
		{0x81, 0x00},          // non-canonical ULEB tag
		{1, 0x80, 0x80, 0x80}, // truncated ULEB
	} {
		var st ExecutionStatus
		if err := bcs.Unmarshal(bad, &st); !errors.Is(err, bcs.ErrMalformed) {
			t.Errorf("%x: %v", bad, err)
		}
	}
}

func TestMoveObjectTypeForms(t *testing.T) {
	for _, c := range []struct {
		typ  string
		kind MoveObjectTypeKind
	}{
		{"0x2::coin::Coin<0x2::sui::SUI>", MoveTypeGasCoin},
		{"0x2::coin::Coin<0xabc::wal::WAL>", MoveTypeCoin},
		{"0x2::coin::Coin<u64>", MoveTypeCoin},
		{"0x3::staking_pool::StakedSui", MoveTypeStakedSui},
		{"0x2::dynamic_field::Field<0x2::accumulator::Key<0x2::balance::Balance<0x2::sui::SUI>>, 0x2::accumulator::U128>", MoveTypeSuiBalanceAccumulatorField},
		{"0x2::dynamic_field::Field<0x2::accumulator::Key<0x2::balance::Balance<0xabc::wal::WAL>>, 0x2::accumulator::U128>", MoveTypeBalanceAccumulatorField},
		{"0x2::dynamic_field::Field<0x2::accumulator::Key<0x2::balance::Balance<0xabc::wal::WAL>>, u128>", MoveTypeOther},
		{"0x2::coin::TreasuryCap<0x2::sui::SUI>", MoveTypeOther},
		{"0x3::staking_pool::StakedSui2", MoveTypeOther},
		{"0x2::coin::Coin<0x2::sui::SUI, u8>", MoveTypeOther},
	} {
		s := mustStructTag(c.typ)
		mt := NewMoveObjectType(s)
		if mt.Kind != c.kind {
			t.Errorf("%s: kind %d, want %d", c.typ, mt.Kind, c.kind)
		}
		full := mt.StructTag()
		if !full.Equal(&s) {
			t.Errorf("%s: expands to %s", c.typ, full.ShortString())
		}
	}
	// Sui accepts the Other form of a type that has a compact form; it stays as it was.
	gas := mustStructTag("0x2::coin::Coin<0x2::sui::SUI>")
	other := MoveObjectType{Kind: MoveTypeOther, Struct: &gas}
	raw := bcs.Marshal(&other)
	var back MoveObjectType
	if err := bcs.Unmarshal(raw, &back); err != nil || back.Kind != MoveTypeOther || !back.IsGasCoin() {
		t.Fatalf("%v %+v", err, back)
	}
}

func TestIdentifiersChecked(t *testing.T) {
	bad := func(name string, v bcs.Marshaler, dst bcs.Unmarshaler) {
		t.Helper()
		if err := bcs.Unmarshal(bcs.Marshal(v), dst); !errors.Is(err, bcs.ErrMalformed) {
			t.Errorf("%s: %v", name, err)
		}
	}
	ev := sampleEvents()[1]
	ev[0].TransactionModule = "1blob"
	bad("event module", &ev, new(TransactionEvents))
	ev = sampleEvents()[1]
	ev[1].Type.TypeParams[1] = VectorOf(StructOf(two, "m", "bad-name"))
	bad("event type parameter", &ev, new(TransactionEvents))
	st := StructTag{Address: two, Module: "", Name: "X"}
	bad("object type", &MoveObjectType{Kind: MoveTypeOther, Struct: &st}, new(MoveObjectType))
	param := StructOf(two, "_", "X")
	bad("coin type", &MoveObjectType{Kind: MoveTypeCoin, Param: &param}, new(MoveObjectType))
	loc := sampleLoc
	loc.Module = "<SELF>"
	bad("abort module", &ExecutionStatus{Failure: &ExecutionFailure{Error: ExecutionError{Kind: ExecMoveAbort, Location: &loc}}}, new(ExecutionStatus))
	aw := &AccumulatorWriteV1{Type: StructOf(two, "ok", "not ok")}
	bad("accumulator type", aw, new(AccumulatorWriteV1))
	// Plain strings are not identifiers: function names, coin types, package type origins.
	loc = sampleLoc
	loc.FunctionName = strp("not an identifier")
	roundTrip(t, "function name", ExecutionStatus{Failure: &ExecutionFailure{Error: ExecutionError{Kind: ExecMoveAbort, Location: &loc}}})
	roundTrip(t, "type origin", MovePackage{TypeOrigins: []TypeOrigin{{"", "-", two}}})
}

func TestObjectValidation(t *testing.T) {
	party := func(def uint64, members ...PartyMember) Owner {
		return Owner{Kind: OwnerParty, Version: 1, Party: &Party{DefaultPermissions: def, Members: members}}
	}
	for name, o := range map[string]Owner{
		"unsorted":           party(1, PartyMember{alice, 1}, PartyMember{two, 1}),
		"duplicate":          party(1, PartyMember{two, 1}, PartyMember{two, 3}),
		"unknown bit":        party(0x80),
		"write without use":  party(0x04),
		"member bits":        party(1, PartyMember{two, 0x100}),
		"consensus address":  party(0, PartyMember{two, 0x7f}),
		"member write alone": party(0, PartyMember{two, 0x7d}),
	} {
		if err := bcs.Unmarshal(bcs.Marshal(&o), new(Owner)); !errors.Is(err, bcs.ErrMalformed) {
			t.Errorf("party %s: %v", name, err)
		}
	}
	roundTrip(t, "party with two all-permission members", party(0, PartyMember{two, 0x7f}, PartyMember{alice, 0x7f}))
	roundTrip(t, "party default all", party(0x7f, PartyMember{two, 0x7f}))

	for name, p := range map[string]MovePackage{
		"module order":    {Modules: []PackageModule{{"aa", nil}, {"b", nil}}},
		"duplicate":       {Modules: []PackageModule{{"a", nil}, {"a", nil}}},
		"same length":     {Modules: []PackageModule{{"b", nil}, {"a", nil}}},
		"linkage order":   {LinkageTable: []PackageLink{{pkgA, UpgradeInfo{}}, {two, UpgradeInfo{}}}},
		"linkage repeats": {LinkageTable: []PackageLink{{two, UpgradeInfo{}}, {two, UpgradeInfo{}}}},
		"module utf8":     {Modules: []PackageModule{{"\xff", nil}}},
	} {
		if err := bcs.Unmarshal(bcs.Marshal(&p), new(MovePackage)); !errors.Is(err, bcs.ErrMalformed) {
			t.Errorf("package %s: %v", name, err)
		}
	}
	empty := AccumulatorValue{Kind: AccumulatorEventDigest}
	if err := bcs.Unmarshal(bcs.Marshal(&empty), new(AccumulatorValue)); !errors.Is(err, bcs.ErrMalformed) {
		t.Errorf("empty event digests: %v", err)
	}
	// A committee key must be 96 bytes.
	raw := []byte{1, 95}
	raw = append(raw, make([]byte, 95+8+8+1)...)
	if err := bcs.Unmarshal(raw, new(EndOfEpochData)); !errors.Is(err, bcs.ErrMalformed) {
		t.Errorf("short committee key: %v", err)
	}
	// Move object contents shorter than an ID decode (Sui does not check) but have no ID.
	o := Object{Data: ObjectData{Move: MoveObject{Type: MoveObjectType{Kind: MoveTypeGasCoin}, Contents: []byte{1}}}}
	back, err := DecodeObject(o.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := back.ID(); ok {
		t.Fatal("short contents have an ID")
	}
}

type hostileVector struct {
	name string
	// decode decodes b and returns its re-encoding.
	decode func(b []byte) ([]byte, error)
	raw    []byte
}

func decodeAs[T any, P interface {
	*T
	bcs.Marshaler
	bcs.Unmarshaler
}](b []byte) ([]byte, error) {
	var v T
	if err := bcs.Unmarshal(b, P(&v)); err != nil {
		return nil, err
	}
	return bcs.Marshal(P(&v)), nil
}

// hostileVectors are valid encodings of every type this file decodes.
func hostileVectors(t *testing.T) []hostileVector {
	decEffects := decodeAs[TransactionEffects]
	decObject := decodeAs[Object]
	decEvents := decodeAs[TransactionEvents]
	decSummary := decodeAs[CheckpointSummary]
	decContents := decodeAs[CheckpointContents]
	decCert := decodeAs[CertifiedCheckpointSummary]
	var out []hostileVector
	add := func(name string, dec func([]byte) ([]byte, error), raw []byte) {
		out = append(out, hostileVector{name, dec, raw})
	}
	for i, e := range sampleEffects() {
		if e.V2 != nil && len(e.V2.ChangedObjects) > 0 && i > 3 {
			continue // the same object changes as effects 0, with another status
		}
		add(fmt.Sprint("effects ", i), decEffects, e.Bytes())
	}
	add("pyth effects", decEffects, readFixture(t, "pyth-wormhole-v2-effects.b64"))
	for i, o := range sampleObjects() {
		add(fmt.Sprint("object ", i), decObject, o.Bytes())
	}
	for _, v := range readObjectFixtures(t) {
		add(v.name, decObject, v.raw)
	}
	for i, ev := range sampleEvents() {
		add(fmt.Sprint("events ", i), decEvents, ev.Bytes())
	}
	for i, s := range sampleSummaries() {
		add(fmt.Sprint("summary ", i), decSummary, s.Bytes())
	}
	for i, c := range sampleContents() {
		add(fmt.Sprint("contents ", i), decContents, c.Bytes())
	}
	add("contents fixture", decContents, b64(t, rustCheckpointContents))
	for i, s := range []string{rustSignedCheckpoint1, rustSignedCheckpoint2, rustSignedCheckpoint3} {
		add(fmt.Sprint("certified ", i), decCert, b64(t, s))
	}
	cd := loadFullCheckpoint(t, 2)
	add("mainnet contents", decContents, cd.contentsBytes)
	add("mainnet certified", decCert, cd.certBytes)
	add("mainnet effects", decEffects, cd.txs[1].effectsBytes)
	add("mainnet events", decEvents, cd.txs[1].eventsBytes)
	add("mainnet object", decObject, cd.txs[1].outputBytes[0])
	for _, v := range out {
		if back, err := v.decode(v.raw); err != nil || !bytes.Equal(back, v.raw) {
			t.Fatalf("%s: %v", v.name, err)
		}
	}
	return out
}

// Every strict prefix of a valid encoding, and the encoding with a byte appended, fail with
// bcs.ErrMalformed; setting any byte to another value either fails with bcs.ErrMalformed
// or decodes to something that re-encodes to exactly the mutated bytes. Nothing panics.
func TestChainTypesHostileInput(t *testing.T) {
	for _, v := range hostileVectors(t) {
		step := 1
		if len(v.raw) > 4096 {
			step = len(v.raw)/997 + 1
		}
		for n := 0; n < len(v.raw); n += step {
			if _, err := v.decode(v.raw[:n]); !errors.Is(err, bcs.ErrMalformed) {
				t.Fatalf("%s truncated to %d: %v", v.name, n, err)
			}
		}
		if _, err := v.decode(append(bytes.Clone(v.raw), 0)); !errors.Is(err, bcs.ErrMalformed) {
			t.Fatalf("%s with a trailing byte: %v", v.name, err)
		}
		if len(v.raw) > 4096 {
			continue
		}
		for i := range v.raw {
			for _, b := range []byte{0x00, 0x01, 0x02, 0x05, 0x7f, 0x80, 0xff, v.raw[i] ^ 0x01} {
				m := bytes.Clone(v.raw)
				m[i] = b
				back, err := v.decode(m)
				if err != nil && !errors.Is(err, bcs.ErrMalformed) {
					t.Fatalf("%s byte %d = %#x: %v", v.name, i, b, err)
				}
				if err == nil && !bytes.Equal(back, m) {
					t.Fatalf("%s byte %d = %#x: decodes but re-encodes differently", v.name, i, b)
				}
			}
		}
	}
}

// Lengths that claim more elements than the input can hold fail before allocating.
func TestChainTypesHugeLengths(t *testing.T) {
	huge := [][]byte{
		{0xff, 0xff, 0xff, 0xff, 0x07}, // 2^31-1
		{0x80, 0x80, 0x80, 0x80, 0x08}, // 2^31, over the BCS maximum
		{0xff, 0xff, 0xff, 0xff, 0x0f}, // 2^32-1
	}
	prefix := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	v2Head := prefix([]byte{1, 0}, make([]byte, 8+32), []byte{32}, make([]byte, 32), []byte{0, 0})
	for _, l := range huge {
		cases := map[string]func() error{
			"events": func() error { _, err := DecodeEvents(l); return err },
			"dependencies": func() error {
				_, err := DecodeEffects(prefix(v2Head, l))
				return err
			},
			"changed objects": func() error {
				_, err := DecodeEffects(prefix(v2Head, []byte{0}, make([]byte, 8), l))
				return err
			},
			"contents v1": func() error { _, err := DecodeCheckpointContents(prefix([]byte{0}, l)); return err },
			"contents v2": func() error { _, err := DecodeCheckpointContents(prefix([]byte{1}, l)); return err },
			"contents bytes": func() error {
				_, err := DecodeCheckpointContents(prefix([]byte{0, 0, 1}, l))
				return err
			},
			"object contents": func() error {
				_, err := DecodeObject(prefix([]byte{0, 1, 1}, make([]byte, 8), l))
				return err
			},
			"package modules": func() error { _, err := DecodeObject(prefix([]byte{1}, make([]byte, 40), l)); return err },
			"congested objects": func() error {
				return bcs.Unmarshal(prefix([]byte{1, 33}, l), new(ExecutionStatus))
			},
			"committee": func() error { return bcs.Unmarshal(l, new(EndOfEpochData)) },
		}
		for name, f := range cases {
			allocs := testing.AllocsPerRun(1, func() {
				if err := f(); !errors.Is(err, bcs.ErrMalformed) {
					t.Fatalf("%s %x: %v", name, l, err)
				}
			})
			if allocs > 50 {
				t.Errorf("%s: %v allocations", name, allocs)
			}
		}
	}
}

func mustStructTag(s string) StructTag {
	st, err := ParseStructTag(s)
	if err != nil {
		panic(err)
	}
	return st
}
