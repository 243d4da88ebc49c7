package api

import (
	"encoding/json"
	"errors"
	"net/url"
	"reflect"
	"testing"
	"time"

	"github.com/tuskstore/tusk/chain/sui"
	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/internal/bcs"
)

func TestErrorEnvelope(t *testing.T) {
	e := NewError(StatusFailedPrecondition, ReasonShardNotAssigned, "shard 0 is not assigned to this node in epoch 17").
		With("shard", 0).With("epoch", 17)
	b, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	// The layout of Walrus's example (api/errors.rs), with our domain.
	want := `{"error":{"code":400,"status":"FAILED_PRECONDITION","message":"shard 0 is not assigned to this node in epoch 17",` +
		`"details":[{"@type":"ErrorInfo","reason":"SHARD_NOT_ASSIGNED","domain":"storage.walrus.space","metadata":{"epoch":17,"shard":0}}]}}`
	if string(b) != want {
		t.Fatalf("got  %s\nwant %s", b, want)
	}
	var back Error
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.HTTPStatus != 400 || back.Reason != ReasonShardNotAssigned || back.Status != "FAILED_PRECONDITION" || back.Metadata["shard"] != float64(0) {
		t.Fatalf("round trip: %+v", back)
	}
	if !errors.Is(&back, &Error{Reason: ReasonShardNotAssigned}) || errors.Is(&back, &Error{Reason: ReasonNotRegistered}) {
		t.Fatal("errors.Is by reason")
	}
	if ReasonOf(errors.Join(errors.New("x"), &back)) != ReasonShardNotAssigned || HTTPStatusOf(&back) != 400 {
		t.Fatal("ReasonOf / HTTPStatusOf")
	}
	// A Walrus internal error, with a DebugInfo detail first.
	walrusInternal := `{"error":{"code":500,"status":"INTERNAL","message":"an internal error has occurred, please report it",` +
		`"details":[{"@type":"DebugInfo","stackEntries":[],"detail":"TraceID: 0"},{"@type":"ErrorInfo","reason":"INTERNAL_ERROR","domain":"global","metadata":{}}]}}`
	if err := json.Unmarshal([]byte(walrusInternal), &back); err != nil || back.Reason != ReasonInternal || back.Domain != DomainGlobal {
		t.Fatalf("walrus internal error: %+v %v", back, err)
	}
	if err := json.Unmarshal([]byte(`{"success":{"code":200,"data":1}}`), &back); err == nil {
		t.Fatal("a success envelope parsed as an error")
	}
}

func TestBlobStatusJSON(t *testing.T) {
	var d sui.Digest
	d[0] = 1
	ev := EventID{TxDigest: d, EventSeq: 7}
	three := uint32(3)
	cases := []struct {
		st   BlobStatus
		want string
	}{
		{BlobStatus{}, `"nonexistent"`},
		{BlobStatus{Kind: BlobInvalid, Event: ev}, `{"invalid":{"event":{"txDigest":"` + d.String() + `","eventSeq":"7"}}}`},
		{BlobStatus{Kind: BlobPermanent, EndEpoch: 9, IsCertified: true, Event: ev, Deletable: DeletableCounts{2, 1}, InitialCertifiedEpoch: &three},
			`{"permanent":{"endEpoch":9,"isCertified":true,"statusEvent":{"txDigest":"` + d.String() + `","eventSeq":"7"},` +
				`"deletableCounts":{"count_deletable_total":2,"count_deletable_certified":1},"initialCertifiedEpoch":3}}`},
		{BlobStatus{Kind: BlobDeletable, Deletable: DeletableCounts{1, 0}},
			`{"deletable":{"initialCertifiedEpoch":null,"deletableCounts":{"count_deletable_total":1,"count_deletable_certified":0}}}`},
	}
	for _, c := range cases {
		b, err := json.Marshal(c.st)
		if err != nil || string(b) != c.want {
			t.Fatalf("got %s (%v)\nwant %s", b, err, c.want)
		}
		var back BlobStatus
		if err := json.Unmarshal(b, &back); err != nil || !reflect.DeepEqual(back, c.st) {
			t.Fatalf("round trip of %s: %+v %v", b, back, err)
		}
	}
	for _, bad := range []string{`"gone"`, `{}`, `{"a":{},"b":{}}`, `{"perm":{}}`, `7`} {
		var st BlobStatus
		if err := json.Unmarshal([]byte(bad), &st); err == nil {
			t.Fatalf("accepted %s", bad)
		}
	}
}

func TestSuccessAndHealthJSON(t *testing.T) {
	b, _ := json.Marshal(Success[StoredOnNodeStatus]{Code: 200, Data: StatusBuffered})
	if string(b) != `{"success":{"code":200,"data":"buffered"}}` {
		t.Fatal(string(b))
	}
	var s Success[StoredOnNodeStatus]
	if err := json.Unmarshal([]byte(`{"success":{"code":200,"data":"weird"}}`), &s); err == nil {
		t.Fatal("unknown status accepted")
	}
	h := HealthInfo{Uptime: NewDuration(1500 * time.Millisecond), Epoch: 2, PublicKey: "k", NodeStatus: "Active"}
	b, _ = json.Marshal(h)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	up := m["uptime"].(map[string]any)
	if up["secs"] != float64(1) || up["nanos"] != float64(5e8) || m["eventProgress"] == nil || m["shardSummary"] == nil {
		t.Fatalf("health JSON %s", b)
	}
	if _, ok := m["shardDetail"]; ok {
		t.Fatal("shardDetail must be omitted when not detailed")
	}
	if NewDuration(1500*time.Millisecond).Std() != 1500*time.Millisecond {
		t.Fatal("duration round trip")
	}
}

// The query strings of walrus-storage-node-client's tests.
func TestQueries(t *testing.T) {
	primary, secondary := encoding.Primary, encoding.Secondary
	cases := []struct {
		f    RecoverySymbolsFilter
		want string
	}{
		{RecoverySymbolsFilter{IDs: []SymbolID{{1, 2}}, ProofAxis: &primary}, "proofAxis=primary&id=1-2"},
		{RecoverySymbolsFilter{IDs: []SymbolID{{1, 2}, {3, 4}}, ProofAxis: &secondary}, "proofAxis=secondary&id=1-2&id=3-4"},
		{RecoverSliver(72, encoding.Primary), "targetSliver=72&targetType=primary"},
		{RecoverySymbolsFilter{TargetSliver: 18, TargetAxis: encoding.Secondary, ProofAxis: &primary}, "proofAxis=primary&targetSliver=18&targetType=secondary"},
	}
	for _, c := range cases {
		if got := c.f.Query(); got != c.want {
			t.Fatalf("query %q, want %q", got, c.want)
		}
		q, _ := url.ParseQuery(c.want)
		back, err := ParseRecoverySymbolsQuery(q)
		if err != nil || !reflect.DeepEqual(back, c.f) {
			t.Fatalf("parse %q: %+v %v", c.want, back, err)
		}
	}
	q, _ := url.ParseQuery("id=3-4&id=1-2&id=3-4")
	f, err := ParseRecoverySymbolsQuery(q)
	if err != nil || !reflect.DeepEqual(f.IDs, []SymbolID{{1, 2}, {3, 4}}) {
		t.Fatalf("ids sorted and deduplicated: %+v %v", f.IDs, err)
	}
	d := DecodingSymbolsQuery{TargetSlivers: []uint16{1, 2, 3}, TargetAxis: encoding.Primary}
	if d.Query() != "targetSlivers=1&targetSlivers=2&targetSlivers=3&targetType=primary" {
		t.Fatal(d.Query())
	}
	q, _ = url.ParseQuery("targetSlivers=5&targetType=primary")
	if dq, err := ParseDecodingSymbolsQuery(q); err != nil || !reflect.DeepEqual(dq.TargetSlivers, []uint16{5}) {
		t.Fatalf("decoding query: %+v %v", dq, err)
	}
	w := ConfirmationWait{ForRegistration: true, Wait: 1500 * time.Millisecond}
	q, _ = url.ParseQuery(w.Query())
	if back, err := ParseConfirmationQuery(q); err != nil || back != w {
		t.Fatalf("wait query %q: %+v %v", w.Query(), back, err)
	}
	for _, bad := range []string{"pending=1", "pending=true&pending=false", "other=1"} {
		q, _ := url.ParseQuery(bad)
		if _, err := ParseUploadQuery(q); ReasonOf(err) != ReasonInvalidParameter {
			t.Fatalf("upload query %q: %v", bad, err)
		}
	}
}

func TestDecodingSymbolsBCS(t *testing.T) {
	m := DecodingSymbols{
		4: {{Axis: encoding.Primary, Symbol: encoding.DecodingSymbol{Index: 9, Data: []byte{1, 2}}}},
		1: {{Axis: encoding.Primary, Symbol: encoding.DecodingSymbol{Index: 3, Data: []byte{5, 6}}},
			{Axis: encoding.Primary, Symbol: encoding.DecodingSymbol{Index: 8, Data: []byte{7, 8}}}},
	}
	b := bcs.Marshal(&m)
	// len 2 | key 1 (u16 LE) | 2 symbols | tag 0, index 3, bytes [5 6] | … | key 4 …
	want := []byte{2, 1, 0, 2, 0, 3, 0, 2, 5, 6, 0, 8, 0, 2, 7, 8, 4, 0, 1, 0, 9, 0, 2, 1, 2}
	if string(b) != string(want) {
		t.Fatalf("BCS % x, want % x", b, want)
	}
	var back DecodingSymbols
	if err := bcs.Unmarshal(b, &back); err != nil || !reflect.DeepEqual(back, m) {
		t.Fatalf("round trip: %v", err)
	}
	unsorted := []byte{2, 4, 0, 0, 1, 0, 0}
	if err := bcs.Unmarshal(unsorted, &back); err == nil {
		t.Fatal("keys out of order accepted")
	}
}
