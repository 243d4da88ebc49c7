package rpc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/block-vision/sui-go-sdk/common/grpcconn"
	v2 "github.com/block-vision/sui-go-sdk/pb/sui/rpc/v2"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	"github.com/tuskstore/tusk/chain/sui"
	"github.com/tuskstore/tusk/chain/walrus"
)

const testTimeout = 20 * time.Second

var (
	addrA   = walrus.MustParseID("0xa11ce")
	addrB   = walrus.MustParseID("0xb0b")
	walPkg  = walrus.MustParseID("0x3a1")
	suiType = sui.MustParseTypeTag("0x2::sui::SUI").String()
	walType = sui.MustParseTypeTag(walPkg.String() + "::wal::WAL").String()
)

var coinStruct = sui.MustParseTypeTag("0x2::coin::Coin").String()

func coinType(t string) string { return sui.MustParseTypeTag("0x2::coin::Coin<" + t + ">").String() }

func objID(n int) walrus.ID { return walrus.MustParseID(fmt.Sprintf("0x%x", 0x1000+n)) }

func coinObject(n int, owner walrus.Address, ct string, value uint64) Object {
	contents := make([]byte, 40)
	id := objID(n)
	copy(contents, id[:])
	for i := 0; i < 8; i++ {
		contents[32+i] = byte(value >> (8 * i))
	}
	return Object{
		ID:                  id,
		Version:             7,
		Digest:              digestOf("object", uint64(n)),
		Type:                coinType(ct),
		Owner:               Owner{Kind: OwnerAddress, Address: owner},
		Contents:            contents,
		HasPublicTransfer:   true,
		PreviousTransaction: digestOf("tx", uint64(n)),
		StorageRebate:       988,
		Balance:             proto.Uint64(value),
	}
}

func sharedObject(n int, typ string, contents []byte) Object {
	return Object{
		ID:                  objID(n),
		Version:             42,
		Digest:              digestOf("object", uint64(n)),
		Type:                typ,
		Owner:               Owner{Kind: OwnerShared, Version: 3},
		Contents:            contents,
		BCS:                 []byte{0xb, 0xc, 0x5},
		PreviousTransaction: digestOf("tx", uint64(n)),
	}
}

type testEnv struct {
	ledger *fakeLedger
	srv    *Server
	addr   string
	stop   func() error
	client *grpcconn.SuiGrpcClient
}

func newEnv(t *testing.T, cfg Config) *testEnv {
	t.Helper()
	l := newFakeLedger()
	srv, err := New(l, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	addr, stop, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	client := grpcconn.NewSuiGrpcClient(addr)
	t.Cleanup(func() {
		_ = client.Close()
		if err := stop(); err != nil {
			t.Errorf("stop: %v", err)
		}
	})
	return &testEnv{ledger: l, srv: srv, addr: addr, stop: stop, client: client}
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	t.Cleanup(cancel)
	return ctx
}

func (e *testEnv) ledgerClient(t *testing.T) v2.LedgerServiceClient {
	c, err := e.client.LedgerService(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (e *testEnv) stateClient(t *testing.T) v2.StateServiceClient {
	c, err := e.client.StateService(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (e *testEnv) subscriptionClient(t *testing.T) v2.SubscriptionServiceClient {
	c, err := e.client.SubscriptionService(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func mask(paths ...string) *fieldmaskpb.FieldMask { return &fieldmaskpb.FieldMask{Paths: paths} }

// wantCode checks err's gRPC code and that its message contains each of substrs.
func wantCode(t *testing.T, err error, code codes.Code, substrs ...string) *status.Status {
	t.Helper()
	st, ok := status.FromError(err)
	if !ok {
		t.Fatalf("error %v is not a gRPC status (want %v)", err, code)
	}
	if st.Code() != code {
		t.Fatalf("code %v (%q), want %v", st.Code(), st.Message(), code)
	}
	for _, s := range substrs {
		if !strings.Contains(st.Message(), s) {
			t.Errorf("message %q does not contain %q", st.Message(), s)
		}
	}
	return st
}

func TestGetServiceInfo(t *testing.T) {
	e := newEnv(t, Config{ServerVersion: "tusk-test/1"})
	e.ledger.publish()
	e.ledger.publish()
	resp, err := e.ledgerClient(t).GetServiceInfo(testCtx(t), &v2.GetServiceInfoRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := resp.GetChainId(), digestOf("checkpoint", 0).String(); got != want {
		t.Errorf("chain_id %q, want %q", got, want)
	}
	if _, err := sui.ParseDigest(resp.GetChainId()); err != nil {
		t.Errorf("chain_id is not a base58 digest: %v", err)
	}
	if resp.GetChain() != "localnet" || resp.GetEpoch() != 0 || resp.GetCheckpointHeight() != 2 || resp.GetServer() != "tusk-test/1" {
		t.Errorf("unexpected info: %v", resp)
	}
	if got, want := resp.GetTimestamp().AsTime(), genesisTime.Add(500*time.Millisecond); !got.Equal(want) {
		t.Errorf("timestamp %v, want %v", got, want)
	}
	if resp.LowestAvailableCheckpoint == nil || resp.LowestAvailableCheckpointObjects == nil {
		t.Errorf("lowest available checkpoints missing: %v", resp)
	}
}

func TestGetObject(t *testing.T) {
	e := newEnv(t, Config{})
	c := e.ledgerClient(t)
	ctx := testCtx(t)
	coin := coinObject(1, addrA, suiType, 5_000)
	e.ledger.put(coin)
	newer := coin
	newer.Version, newer.Digest, newer.Balance = 9, digestOf("object", 99), proto.Uint64(4_000)
	e.ledger.put(newer)
	id := coin.ID.String()

	// Default mask: object_id, version, digest only.
	resp, err := c.GetObject(ctx, &v2.GetObjectRequest{ObjectId: proto.String("0x1001")})
	if err != nil {
		t.Fatal(err)
	}
	o := resp.GetObject()
	if o.GetObjectId() != id || o.GetVersion() != 9 || o.GetDigest() != newer.Digest.String() {
		t.Errorf("default mask object %v", o)
	}
	if o.Owner != nil || o.ObjectType != nil || o.Contents != nil || o.Balance != nil {
		t.Errorf("default mask returned unrequested fields: %v", o)
	}

	// A past version with every field.
	resp, err = c.GetObject(ctx, &v2.GetObjectRequest{ObjectId: proto.String(id), Version: proto.Uint64(7), ReadMask: mask("*")})
	if err != nil {
		t.Fatal(err)
	}
	o = resp.GetObject()
	want := &v2.Object{
		ObjectId:            proto.String(id),
		Version:             proto.Uint64(7),
		Digest:              proto.String(coin.Digest.String()),
		Owner:               &v2.Owner{Kind: v2.Owner_ADDRESS.Enum(), Address: proto.String(addrA.String())},
		ObjectType:          proto.String(coinType(suiType)),
		HasPublicTransfer:   proto.Bool(true),
		Contents:            &v2.Bcs{Name: proto.String(coinType(suiType)), Value: coin.Contents},
		PreviousTransaction: proto.String(coin.PreviousTransaction.String()),
		StorageRebate:       proto.Uint64(988),
		Balance:             proto.Uint64(5_000),
	}
	if !proto.Equal(o, want) {
		t.Errorf("full object\n got %v\nwant %v", o, want)
	}

	// Only owner requested: a full node still sets object_id and version.
	resp, err = c.GetObject(ctx, &v2.GetObjectRequest{ObjectId: proto.String(id), ReadMask: mask("owner.kind")})
	if err != nil {
		t.Fatal(err)
	}
	want = &v2.Object{ObjectId: proto.String(id), Version: proto.Uint64(9), Owner: &v2.Owner{Kind: v2.Owner_ADDRESS.Enum()}}
	if !proto.Equal(resp.GetObject(), want) {
		t.Errorf("owner.kind mask\n got %v\nwant %v", resp.GetObject(), want)
	}

	_, err = c.GetObject(ctx, &v2.GetObjectRequest{ObjectId: proto.String("0xdead")})
	wantCode(t, err, codes.NotFound, "Object 0x"+strings.Repeat("0", 60)+"dead not found")
	_, err = c.GetObject(ctx, &v2.GetObjectRequest{ObjectId: proto.String(id), Version: proto.Uint64(8)})
	wantCode(t, err, codes.NotFound, "with version 8 not found")
	e.ledger.remove(coin.ID)
	_, err = c.GetObject(ctx, &v2.GetObjectRequest{ObjectId: proto.String(id)})
	wantCode(t, err, codes.NotFound)
}

func TestBatchGetObjects(t *testing.T) {
	e := newEnv(t, Config{})
	c := e.ledgerClient(t)
	ctx := testCtx(t)
	system := sharedObject(1, walPkg.String()+"::system::System", []byte{1, 2, 3, 4})
	coin := coinObject(2, addrB, walType, 77)
	e.ledger.put(system)
	e.ledger.put(coin)
	missing := walrus.MustParseID("0x404")

	// The mask the TypeScript Walrus client uses.
	resp, err := c.BatchGetObjects(ctx, &v2.BatchGetObjectsRequest{
		Requests: []*v2.GetObjectRequest{
			{ObjectId: proto.String(system.ID.String())},
			{ObjectId: proto.String(missing.String())},
			{ObjectId: proto.String(coin.ID.String())},
			{ObjectId: proto.String(system.ID.String()), Version: proto.Uint64(41)},
		},
		ReadMask: mask("owner", "object_type", "digest", "version", "object_id", "contents"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Objects) != 4 {
		t.Fatalf("%d results, want 4", len(resp.Objects))
	}
	wantSystem := &v2.Object{
		ObjectId:   proto.String(system.ID.String()),
		Version:    proto.Uint64(42),
		Digest:     proto.String(system.Digest.String()),
		Owner:      &v2.Owner{Kind: v2.Owner_SHARED.Enum(), Version: proto.Uint64(3)},
		ObjectType: proto.String(system.Type),
		Contents:   &v2.Bcs{Name: proto.String(system.Type), Value: []byte{1, 2, 3, 4}},
	}
	if got := resp.Objects[0].GetObject(); !proto.Equal(got, wantSystem) {
		t.Errorf("objects[0]\n got %v\nwant %v", got, wantSystem)
	}
	for _, i := range []int{1, 3} {
		st := resp.Objects[i].GetError()
		if st == nil || st.GetCode() != int32(codes.NotFound) || resp.Objects[i].GetObject() != nil {
			t.Errorf("objects[%d] = %v, want a NotFound (5) status", i, resp.Objects[i])
		}
	}
	if msg := resp.Objects[1].GetError().GetMessage(); !strings.Contains(msg, missing.String()) {
		t.Errorf("not-found message %q does not name the object", msg)
	}
	if got := resp.Objects[2].GetObject(); got.GetObjectType() != coinType(walType) || got.GetOwner().GetAddress() != addrB.String() || got.Balance != nil || got.Bcs != nil {
		t.Errorf("objects[2] = %v", got)
	}

	// bcs is served when asked for and the ledger has it.
	resp, err = c.BatchGetObjects(ctx, &v2.BatchGetObjectsRequest{
		Requests: []*v2.GetObjectRequest{{ObjectId: proto.String(system.ID.String())}},
		ReadMask: mask("bcs"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if b := resp.Objects[0].GetObject().GetBcs(); b.GetName() != "Object" || string(b.GetValue()) != string(system.BCS) {
		t.Errorf("bcs = %v", b)
	}

	// No requests: an empty answer.
	resp, err = c.BatchGetObjects(ctx, &v2.BatchGetObjectsRequest{})
	if err != nil || len(resp.Objects) != 0 {
		t.Errorf("empty batch: %v, %v", resp, err)
	}
}

func TestGetCheckpoint(t *testing.T) {
	e := newEnv(t, Config{})
	c := e.ledgerClient(t)
	ctx := testCtx(t)
	ev := Event{PackageID: walPkg, Module: "events", Sender: addrA, Type: walPkg.String() + "::events::BlobCertified", Contents: []byte{9, 9}}
	sig := append(append([]byte{0}, make([]byte, 64)...), addrA[:]...)
	tx := Transaction{
		Digest:     digestOf("tx", 1),
		Sender:     addrA,
		BCS:        []byte{0, 1, 2},
		Signatures: [][]byte{sig},
		Effects:    Effects{Digest: digestOf("effects", 1), Success: true, GasUsed: GasCost{ComputationCost: 1000}},
		Events:     []Event{ev},
	}
	cp1 := e.ledger.publish(tx)
	e.ledger.publish()

	// Latest, default mask.
	resp, err := c.GetCheckpoint(ctx, &v2.GetCheckpointRequest{})
	if err != nil {
		t.Fatal(err)
	}
	want := &v2.Checkpoint{SequenceNumber: proto.Uint64(2), Digest: proto.String(digestOf("checkpoint", 2).String())}
	if !proto.Equal(resp.GetCheckpoint(), want) {
		t.Errorf("latest\n got %v\nwant %v", resp.GetCheckpoint(), want)
	}

	// By sequence number, with nested masks.
	resp, err = c.GetCheckpoint(ctx, &v2.GetCheckpointRequest{
		CheckpointId: &v2.GetCheckpointRequest_SequenceNumber{SequenceNumber: 1},
		ReadMask:     mask("summary.timestamp", "summary.previous_digest", "transactions.digest", "transactions.events.events.event_type", "transactions.events.events.contents", "transactions.effects.status", "transactions.signatures.simple.scheme"),
	})
	if err != nil {
		t.Fatal(err)
	}
	got := resp.GetCheckpoint()
	if got.SequenceNumber != nil || got.Digest != nil || got.Summary.Epoch != nil {
		t.Errorf("unrequested fields set: %v", got)
	}
	if !got.GetSummary().GetTimestamp().AsTime().Equal(cp1.Timestamp) || got.GetSummary().GetPreviousDigest() != digestOf("checkpoint", 0).String() {
		t.Errorf("summary %v", got.GetSummary())
	}
	if len(got.Transactions) != 1 {
		t.Fatalf("%d transactions, want 1", len(got.Transactions))
	}
	gt := got.Transactions[0]
	if gt.GetDigest() != tx.Digest.String() || gt.Checkpoint != nil || gt.GetEffects().GetStatus().GetSuccess() != true || gt.GetEffects().Digest != nil {
		t.Errorf("transaction %v", gt)
	}
	if evs := gt.GetEvents().GetEvents(); len(evs) != 1 || evs[0].GetEventType() != ev.Type || string(evs[0].GetContents().GetValue()) != "\x09\x09" || evs[0].Sender != nil {
		t.Errorf("events %v", gt.GetEvents())
	}
	if sigs := gt.GetSignatures(); len(sigs) != 1 || sigs[0].GetSimple().GetScheme() != v2.SignatureScheme_ED25519 || sigs[0].GetSimple().PublicKey != nil {
		t.Errorf("signatures %v", sigs)
	}

	// By digest.
	resp, err = c.GetCheckpoint(ctx, &v2.GetCheckpointRequest{CheckpointId: &v2.GetCheckpointRequest_Digest{Digest: cp1.Digest.String()}})
	if err != nil || resp.GetCheckpoint().GetSequenceNumber() != 1 {
		t.Errorf("by digest: %v, %v", resp, err)
	}

	_, err = c.GetCheckpoint(ctx, &v2.GetCheckpointRequest{CheckpointId: &v2.GetCheckpointRequest_SequenceNumber{SequenceNumber: 3}})
	wantCode(t, err, codes.NotFound, "Checkpoint 3 not found")
	_, err = c.GetCheckpoint(ctx, &v2.GetCheckpointRequest{CheckpointId: &v2.GetCheckpointRequest_Digest{Digest: digestOf("nope", 0).String()}})
	wantCode(t, err, codes.NotFound)
}

func TestListOwnedObjectsPaging(t *testing.T) {
	e := newEnv(t, Config{})
	c := e.stateClient(t)
	ctx := testCtx(t)
	want := map[string]uint64{} // A's coins of either type, by ID
	for i := 0; i < 7; i++ {
		ct := suiType
		if i%3 == 0 {
			ct = walType
		}
		o := coinObject(i, addrA, ct, uint64(100+i))
		e.ledger.put(o)
		want[o.ID.String()] = 100 + uint64(i)
	}
	e.ledger.put(coinObject(20, addrB, suiType, 1)) // someone else's
	e.ledger.put(sharedObject(21, walType, nil))    // shared
	other := coinObject(22, addrA, suiType, 5)      // A's, but not a coin
	other.Type, other.Balance = walPkg.String()+"::blob::Blob", nil
	e.ledger.put(other)

	// Every Coin<T>, three at a time, with the TS client's mask.
	var pages []int
	var token []byte
	got := map[string]uint64{}
	for {
		resp, err := c.ListOwnedObjects(ctx, &v2.ListOwnedObjectsRequest{
			Owner:      proto.String(addrA.String()),
			ObjectType: proto.String("0x2::coin::Coin"),
			PageSize:   proto.Uint32(3),
			PageToken:  token,
			ReadMask:   mask("object_id", "version", "object_type", "balance"),
		})
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, len(resp.Objects))
		for _, o := range resp.Objects {
			if _, dup := got[o.GetObjectId()]; dup {
				t.Errorf("object %s listed twice", o.GetObjectId())
			}
			got[o.GetObjectId()] = o.GetBalance()
			if o.Owner != nil || o.Digest != nil || !strings.HasPrefix(o.GetObjectType(), coinStruct+"<") {
				t.Errorf("object %v", o)
			}
		}
		if resp.NextPageToken == nil {
			break
		}
		token = resp.NextPageToken
		if len(pages) > 10 {
			t.Fatal("paging does not end")
		}
	}
	if fmt.Sprint(pages) != "[3 3 1]" {
		t.Errorf("page sizes %v, want [3 3 1]", pages)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("listed %v, want %v", got, want)
	}

	// An exact type: only Coin<SUI>, in one default-size page, with the default mask.
	resp, err := c.ListOwnedObjects(ctx, &v2.ListOwnedObjectsRequest{Owner: proto.String(addrA.String()), ObjectType: proto.String("0x2::coin::Coin<0x2::sui::SUI>")})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Objects) != 4 || resp.NextPageToken != nil {
		t.Errorf("Coin<SUI>: %d objects, token %x", len(resp.Objects), resp.NextPageToken)
	}
	for _, o := range resp.Objects {
		if o.GetObjectType() != coinType(suiType) || o.Balance != nil || o.ObjectId == nil || o.Version == nil {
			t.Errorf("Coin<SUI> object %v", o)
		}
	}

	// No filter: everything A owns; page_size 0 means 1.
	resp, err = c.ListOwnedObjects(ctx, &v2.ListOwnedObjectsRequest{Owner: proto.String(addrA.String()), PageSize: proto.Uint32(0)})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Objects) != 1 || resp.NextPageToken == nil {
		t.Errorf("page_size 0: %d objects, token %x", len(resp.Objects), resp.NextPageToken)
	}
	all, err := c.ListOwnedObjects(ctx, &v2.ListOwnedObjectsRequest{Owner: proto.String(addrA.String())})
	if err != nil || len(all.Objects) != 8 {
		t.Errorf("all of A's objects: %v, %v", all, err)
	}

	// A token is bound to its owner and filter.
	_, err = c.ListOwnedObjects(ctx, &v2.ListOwnedObjectsRequest{Owner: proto.String(addrB.String()), PageToken: resp.NextPageToken})
	wantCode(t, err, codes.InvalidArgument, "page_token")
	_, err = c.ListOwnedObjects(ctx, &v2.ListOwnedObjectsRequest{Owner: proto.String(addrA.String()), ObjectType: proto.String("0x2::coin::Coin"), PageToken: resp.NextPageToken})
	wantCode(t, err, codes.InvalidArgument, "page_token")
	_, err = c.ListOwnedObjects(ctx, &v2.ListOwnedObjectsRequest{Owner: proto.String(addrA.String()), PageToken: []byte("garbage")})
	wantCode(t, err, codes.InvalidArgument, "page_token")

	// An owner with nothing.
	resp, err = c.ListOwnedObjects(ctx, &v2.ListOwnedObjectsRequest{Owner: proto.String("0x5")})
	if err != nil || len(resp.Objects) != 0 || resp.NextPageToken != nil {
		t.Errorf("empty owner: %v, %v", resp, err)
	}
}

// unknownVarints decodes the unknown varint fields of m.
func unknownVarints(t *testing.T, m proto.Message) map[protowire.Number]uint64 {
	t.Helper()
	out := map[protowire.Number]uint64{}
	b := m.ProtoReflect().GetUnknown()
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 || typ != protowire.VarintType {
			t.Fatalf("unexpected unknown field encoding %x", b)
		}
		b = b[n:]
		v, n := protowire.ConsumeVarint(b)
		if n < 0 {
			t.Fatalf("bad varint in %x", b)
		}
		out[num] = v
		b = b[n:]
	}
	return out
}

func TestGetBalance(t *testing.T) {
	e := newEnv(t, Config{})
	c := e.stateClient(t)
	ctx := testCtx(t)
	e.ledger.setBalance(addrA, walType, Balance{CoinBalance: 1_500, AddressBalance: 250})
	e.ledger.setBalance(addrA, suiType, Balance{CoinBalance: 10})

	resp, err := c.GetBalance(ctx, &v2.GetBalanceRequest{Owner: proto.String(addrA.String()), CoinType: proto.String(walPkg.String() + "::wal::WAL")})
	if err != nil {
		t.Fatal(err)
	}
	b := resp.GetBalance()
	if b.GetCoinType() != walType || b.GetBalance() != 1_750 {
		t.Errorf("WAL balance %v", b)
	}
	if got := unknownVarints(t, b); got[balanceFieldAddressBalance] != 250 || got[balanceFieldCoinBalance] != 1_500 {
		t.Errorf("address/coin balance fields %v", got)
	}

	resp, err = c.GetBalance(ctx, &v2.GetBalanceRequest{Owner: proto.String(addrA.String()), CoinType: proto.String("0x2::sui::SUI")})
	if err != nil {
		t.Fatal(err)
	}
	if b := resp.GetBalance(); b.GetCoinType() != suiType || b.GetBalance() != 10 {
		t.Errorf("SUI balance %v", b)
	} else if got := unknownVarints(t, b); len(got) != 1 || got[balanceFieldCoinBalance] != 10 {
		t.Errorf("SUI address/coin balance fields %v", got)
	}

	resp, err = c.GetBalance(ctx, &v2.GetBalanceRequest{Owner: proto.String(addrB.String()), CoinType: proto.String("0x2::sui::SUI")})
	if err != nil {
		t.Fatal(err)
	}
	if b := resp.GetBalance(); b.Balance == nil || b.GetBalance() != 0 || len(b.ProtoReflect().GetUnknown()) != 0 {
		t.Errorf("empty balance %v", b)
	}
}

func TestSubscribeCheckpoints(t *testing.T) {
	e := newEnv(t, Config{})
	c := e.subscriptionClient(t)
	e.ledger.publish() // before the subscription: not streamed

	ctx, cancel := context.WithCancel(testCtx(t))
	defer cancel()
	stream, err := c.SubscribeCheckpoints(ctx, &v2.SubscribeCheckpointsRequest{ReadMask: mask("sequence_number", "digest", "transactions.events")})
	if err != nil {
		t.Fatal(err)
	}
	hdr, err := stream.Header() // the server has fixed its starting point
	if err != nil {
		t.Fatal(err)
	}
	if h := hdr.Get("x-sui-checkpoint-height"); len(h) != 1 || h[0] != "1" {
		t.Errorf("x-sui-checkpoint-height %v", h)
	}

	ev := Event{PackageID: walPkg, Module: "system", Sender: addrA, Type: walPkg.String() + "::events::EpochChangeStart", Contents: []byte{1}}
	e.ledger.publish(Transaction{Digest: digestOf("tx", 2), Events: []Event{ev}})
	e.ledger.publish()
	e.ledger.publish(Transaction{Digest: digestOf("tx", 4)})

	for seq := uint64(2); seq <= 4; seq++ {
		resp, err := stream.Recv()
		if err != nil {
			t.Fatalf("checkpoint %d: %v", seq, err)
		}
		cp := resp.GetCheckpoint()
		if resp.GetCursor() != seq || cp.GetSequenceNumber() != seq || cp.GetDigest() != digestOf("checkpoint", seq).String() || cp.Summary != nil {
			t.Errorf("checkpoint %d: %v", seq, resp)
		}
		if seq == 2 {
			if len(cp.Transactions) != 1 || len(cp.Transactions[0].GetEvents().GetEvents()) != 1 || cp.Transactions[0].GetEvents().GetEvents()[0].GetEventType() != ev.Type || cp.Transactions[0].Digest != nil {
				t.Errorf("checkpoint 2 transactions %v", cp.Transactions)
			}
		}
	}

	// The client goes away: the stream ends and the server releases it.
	cancel()
	if _, err := stream.Recv(); status.Code(err) != codes.Canceled {
		t.Errorf("Recv after cancel: %v, want Canceled", err)
	}
	deadline := time.Now().Add(testTimeout)
	for e.srv.subscriptions.Load() != 0 {
		if time.Now().After(deadline) {
			t.Fatal("the server did not end the subscription")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestSubscribeCheckpointsDefaultMaskAndLimit(t *testing.T) {
	e := newEnv(t, Config{MaxSubscriptions: 1})
	c := e.subscriptionClient(t)
	ctx := testCtx(t)
	stream, err := c.SubscribeCheckpoints(ctx, &v2.SubscribeCheckpointsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := stream.Header(); err != nil {
		t.Fatal(err)
	}
	// A second subscription is over the limit.
	second, err := c.SubscribeCheckpoints(ctx, &v2.SubscribeCheckpointsRequest{})
	if err == nil {
		_, err = second.Recv()
	}
	wantCode(t, err, codes.Unavailable, "too many")

	e.ledger.publish()
	resp, err := stream.Recv()
	if err != nil {
		t.Fatal(err)
	}
	// No read_mask: only the cursor, as on a full node.
	if resp.GetCursor() != 1 || !proto.Equal(resp.GetCheckpoint(), &v2.Checkpoint{}) {
		t.Errorf("default mask response %v", resp)
	}
}

func TestSubscribeCheckpointsEndsWhenServerStops(t *testing.T) {
	e := newEnv(t, Config{})
	c := e.subscriptionClient(t)
	stream, err := c.SubscribeCheckpoints(testCtx(t), &v2.SubscribeCheckpointsRequest{ReadMask: mask("sequence_number")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := stream.Header(); err != nil {
		t.Fatal(err)
	}
	stopped := make(chan error, 1)
	go func() { stopped <- e.stop() }()
	if _, err := stream.Recv(); !errors.Is(err, io.EOF) {
		t.Errorf("Recv while the server stops: %v, want io.EOF", err)
	}
	select {
	case err := <-stopped:
		if err != nil {
			t.Errorf("stop: %v", err)
		}
	case <-time.After(testTimeout):
		t.Fatal("the server did not stop")
	}
}

func TestInvalidArguments(t *testing.T) {
	e := newEnv(t, Config{MaxBatchRequests: 3})
	lc, sc, subc := e.ledgerClient(t), e.stateClient(t), e.subscriptionClient(t)
	ctx := testCtx(t)
	good := proto.String(addrA.String())
	tests := []struct {
		name  string
		call  func() error
		field string
	}{
		{"GetObject without object_id", func() error {
			_, err := lc.GetObject(ctx, &v2.GetObjectRequest{})
			return err
		}, "object_id"},
		{"GetObject with a bad object_id", func() error {
			_, err := lc.GetObject(ctx, &v2.GetObjectRequest{ObjectId: proto.String("0xnothex")})
			return err
		}, "object_id"},
		{"GetObject with a too long object_id", func() error {
			_, err := lc.GetObject(ctx, &v2.GetObjectRequest{ObjectId: proto.String("0x" + strings.Repeat("1", 65))})
			return err
		}, "object_id"},
		{"GetObject with an unknown read_mask path", func() error {
			_, err := lc.GetObject(ctx, &v2.GetObjectRequest{ObjectId: good, ReadMask: mask("owner", "color")})
			return err
		}, "read_mask"},
		{"GetObject with a path below a scalar", func() error {
			_, err := lc.GetObject(ctx, &v2.GetObjectRequest{ObjectId: good, ReadMask: mask("version.x")})
			return err
		}, "read_mask"},
		{"BatchGetObjects with a bad second id", func() error {
			_, err := lc.BatchGetObjects(ctx, &v2.BatchGetObjectsRequest{Requests: []*v2.GetObjectRequest{{ObjectId: good}, {ObjectId: proto.String("")}}})
			return err
		}, "requests[1].object_id"},
		{"BatchGetObjects with a missing id", func() error {
			_, err := lc.BatchGetObjects(ctx, &v2.BatchGetObjectsRequest{Requests: []*v2.GetObjectRequest{{}}})
			return err
		}, "requests[0].object_id"},
		{"BatchGetObjects over the limit", func() error {
			r := &v2.GetObjectRequest{ObjectId: good}
			_, err := lc.BatchGetObjects(ctx, &v2.BatchGetObjectsRequest{Requests: []*v2.GetObjectRequest{r, r, r, r}})
			return err
		}, "requests"},
		{"GetCheckpoint with a bad digest", func() error {
			_, err := lc.GetCheckpoint(ctx, &v2.GetCheckpointRequest{CheckpointId: &v2.GetCheckpointRequest_Digest{Digest: "0OIl"}})
			return err
		}, "digest"},
		{"GetCheckpoint with a bad read_mask", func() error {
			_, err := lc.GetCheckpoint(ctx, &v2.GetCheckpointRequest{ReadMask: mask("summary.nope")})
			return err
		}, "read_mask"},
		{"GetBalance without owner", func() error {
			_, err := sc.GetBalance(ctx, &v2.GetBalanceRequest{CoinType: proto.String("0x2::sui::SUI")})
			return err
		}, "owner"},
		{"GetBalance with a bad owner", func() error {
			_, err := sc.GetBalance(ctx, &v2.GetBalanceRequest{Owner: proto.String("alice"), CoinType: proto.String("0x2::sui::SUI")})
			return err
		}, "owner"},
		{"GetBalance without coin_type", func() error {
			_, err := sc.GetBalance(ctx, &v2.GetBalanceRequest{Owner: good})
			return err
		}, "coin_type"},
		{"GetBalance with a non-struct coin_type", func() error {
			_, err := sc.GetBalance(ctx, &v2.GetBalanceRequest{Owner: good, CoinType: proto.String("u64")})
			return err
		}, "coin_type"},
		{"ListOwnedObjects without owner", func() error {
			_, err := sc.ListOwnedObjects(ctx, &v2.ListOwnedObjectsRequest{})
			return err
		}, "owner"},
		{"ListOwnedObjects with a bad object_type", func() error {
			_, err := sc.ListOwnedObjects(ctx, &v2.ListOwnedObjectsRequest{Owner: good, ObjectType: proto.String("0x2::coin::")})
			return err
		}, "object_type"},
		{"ListOwnedObjects with a bad read_mask", func() error {
			_, err := sc.ListOwnedObjects(ctx, &v2.ListOwnedObjectsRequest{Owner: good, ReadMask: mask("")})
			if err != nil {
				return err // an empty path is skipped, so this call succeeds
			}
			_, err = sc.ListOwnedObjects(ctx, &v2.ListOwnedObjectsRequest{Owner: good, ReadMask: mask("contents..value")})
			return err
		}, "read_mask"},
		{"SubscribeCheckpoints with a bad read_mask", func() error {
			s, err := subc.SubscribeCheckpoints(ctx, &v2.SubscribeCheckpointsRequest{ReadMask: mask("transactions.nope")})
			if err != nil {
				return err
			}
			_, err = s.Recv()
			return err
		}, "read_mask"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := wantCode(t, tt.call(), codes.InvalidArgument, tt.field)
			var br *errdetails.BadRequest
			for _, d := range st.Details() {
				if b, ok := d.(*errdetails.BadRequest); ok {
					br = b
				}
			}
			if br == nil || len(br.FieldViolations) != 1 || br.FieldViolations[0].GetField() != tt.field {
				t.Errorf("BadRequest detail %v, want field %q", br, tt.field)
			}
		})
	}
}

func TestUnimplemented(t *testing.T) {
	e := newEnv(t, Config{})
	ctx := testCtx(t)
	exec, err := e.client.TransactionExecutionService(ctx)
	if err != nil {
		t.Fatal(err)
	}
	_, err = exec.ExecuteTransaction(ctx, &v2.ExecuteTransactionRequest{})
	wantCode(t, err, codes.Unimplemented)
	_, err = exec.SimulateTransaction(ctx, &v2.SimulateTransactionRequest{})
	wantCode(t, err, codes.Unimplemented)
	_, err = e.ledgerClient(t).GetTransaction(ctx, &v2.GetTransactionRequest{Digest: proto.String(digestOf("tx", 1).String())})
	wantCode(t, err, codes.Unimplemented)
	pkgs, err := e.client.MovePackageService(ctx)
	if err != nil {
		t.Fatal(err)
	}
	_, err = pkgs.GetFunction(ctx, &v2.GetFunctionRequest{PackageId: proto.String(walPkg.String()), ModuleName: proto.String("staking"), Name: proto.String("stake_with_pool")})
	wantCode(t, err, codes.Unimplemented)
	_, err = e.stateClient(t).ListBalances(ctx, &v2.ListBalancesRequest{Owner: proto.String(addrA.String())})
	wantCode(t, err, codes.Unimplemented)
}

func TestLedgerFailures(t *testing.T) {
	e := newEnv(t, Config{})
	lc := e.ledgerClient(t)
	ctx := testCtx(t)
	coin := coinObject(1, addrA, suiType, 1)
	e.ledger.put(coin)

	// A panic in a handler is an Internal error, and the server keeps serving.
	e.ledger.mu.Lock()
	e.ledger.panicOn = &coin.ID
	e.ledger.mu.Unlock()
	_, err := lc.GetObject(ctx, &v2.GetObjectRequest{ObjectId: proto.String(coin.ID.String())})
	wantCode(t, err, codes.Internal)
	e.ledger.mu.Lock()
	e.ledger.panicOn = nil
	e.ledger.mu.Unlock()
	if _, err := lc.GetObject(ctx, &v2.GetObjectRequest{ObjectId: proto.String(coin.ID.String())}); err != nil {
		t.Fatalf("after a panic: %v", err)
	}

	// A broken ledger is Internal, without leaking its error; in a batch it fails the call.
	e.ledger.setFail(errFakeBroken)
	_, err = lc.GetServiceInfo(ctx, &v2.GetServiceInfoRequest{})
	if st := wantCode(t, err, codes.Internal); strings.Contains(st.Message(), "fire") {
		t.Errorf("internal error leaks %q", st.Message())
	}
	_, err = lc.BatchGetObjects(ctx, &v2.BatchGetObjectsRequest{Requests: []*v2.GetObjectRequest{{ObjectId: proto.String(coin.ID.String())}}})
	wantCode(t, err, codes.Internal)
	_, err = e.stateClient(t).GetBalance(ctx, &v2.GetBalanceRequest{Owner: proto.String(addrA.String()), CoinType: proto.String("0x2::sui::SUI")})
	wantCode(t, err, codes.Internal)
}

func TestServeStopsOnContextCancel(t *testing.T) {
	srv, err := New(newFakeLedger(), Config{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx, "127.0.0.1:0") }()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run: %v", err)
		}
	case <-time.After(testTimeout):
		t.Fatal("Run did not return after cancel")
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	if _, err := New(nil, Config{}, nil); err == nil {
		t.Error("New(nil ledger) succeeded")
	}
	if _, err := New(newFakeLedger(), Config{ShutdownTimeout: -time.Second}, nil); err == nil {
		t.Error("negative ShutdownTimeout accepted")
	}
}
