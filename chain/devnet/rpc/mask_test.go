package rpc

import (
	"slices"
	"strings"
	"testing"

	v2 "github.com/block-vision/sui-go-sdk/pb/sui/rpc/v2"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/fieldmaskpb"
)

// paths lists the selected paths of a mask, sorted ("*" for everything).
func (t *readMask) paths(prefix string) []string {
	if t.all {
		if prefix == "" {
			return []string{"*"}
		}
		return []string{prefix}
	}
	var out []string
	for name, c := range t.children {
		p := name
		if prefix != "" {
			p = prefix + "." + name
		}
		out = append(out, c.paths(p)...)
	}
	slices.Sort(out)
	return out
}

func TestReadMaskTree(t *testing.T) {
	tests := []struct {
		in   *fieldmaskpb.FieldMask
		want string
	}{
		{nil, "object_id,version,digest"},
		{mask(), ""},
		{mask("", "owner", ""), "owner"},
		{mask("owner", "owner.kind"), "owner"},
		{mask("owner.kind", "owner"), "owner"},
		{mask("owner.kind", "owner.address", "contents.value"), "contents.value,owner.address,owner.kind"},
		{mask("owner", "*"), "*"},
	}
	for _, tt := range tests {
		m, err := parseReadMask(tt.in, objectMaskDefault, objectDesc)
		if err != nil {
			t.Fatalf("%v: %v", tt.in, err)
		}
		got := m.paths("")
		want := strings.Split(tt.want, ",")
		if tt.want == "" {
			want = nil
		}
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%v: paths %v, want %v", tt.in.GetPaths(), got, want)
		}
	}
	for _, bad := range []string{"colour", "owner.colour", "version.low", ".owner", "owner.", "contents..value"} {
		if _, err := parseReadMask(mask(bad), "", objectDesc); err == nil {
			t.Errorf("path %q accepted", bad)
		}
	}
}

func TestReadMaskApply(t *testing.T) {
	full := func() *v2.Checkpoint {
		return &v2.Checkpoint{
			SequenceNumber: proto.Uint64(3),
			Digest:         proto.String("d"),
			Summary:        &v2.CheckpointSummary{Epoch: proto.Uint64(1), Digest: proto.String("d")},
			Transactions: []*v2.ExecutedTransaction{
				{Digest: proto.String("t1"), Events: &v2.TransactionEvents{Events: []*v2.Event{{EventType: proto.String("E"), Module: proto.String("m")}}}},
				{Digest: proto.String("t2")},
			},
		}
	}
	m, err := parseReadMask(mask("summary", "transactions.events.events.event_type"), "", checkpointDesc)
	if err != nil {
		t.Fatal(err)
	}
	got := full()
	m.apply(got)
	want := &v2.Checkpoint{
		Summary: &v2.CheckpointSummary{Epoch: proto.Uint64(1), Digest: proto.String("d")},
		Transactions: []*v2.ExecutedTransaction{
			{Events: &v2.TransactionEvents{Events: []*v2.Event{{EventType: proto.String("E")}}}},
			{},
		},
	}
	if !proto.Equal(got, want) {
		t.Errorf("got %v\nwant %v", got, want)
	}

	all, _ := parseReadMask(mask("*"), "", checkpointDesc)
	got = full()
	all.apply(got)
	if !proto.Equal(got, full()) {
		t.Errorf("* changed the message: %v", got)
	}
	none, _ := parseReadMask(mask(), "", checkpointDesc)
	got = full()
	none.apply(got)
	if !proto.Equal(got, &v2.Checkpoint{}) {
		t.Errorf("empty mask left %v", got)
	}
}

func TestTypeMatches(t *testing.T) {
	coin := coinStruct
	sui := suiType
	tests := []struct {
		filter, typ string
		want        bool
	}{
		{"", coinType(sui), true},
		{coin, coinType(sui), true},
		{coin, coinType(walType), true},
		{coinType(sui), coinType(sui), true},
		{coinType(sui), coinType(walType), false},
		{coin, coin + "Metadata<" + sui + ">", false},
		{coin, coin, true},
		{coinType(sui), coin, false},
	}
	for _, tt := range tests {
		if got := TypeMatches(tt.filter, tt.typ); got != tt.want {
			t.Errorf("TypeMatches(%q, %q) = %v", tt.filter, tt.typ, got)
		}
	}
}

func TestPageToken(t *testing.T) {
	tok := encodePageToken(addrA, coinStruct, []byte{1, 2, 3})
	c, err := decodePageToken(tok, addrA, coinStruct)
	if err != nil || string(c) != "\x01\x02\x03" {
		t.Fatalf("round trip: %x, %v", c, err)
	}
	if _, err := decodePageToken(tok, addrB, coinStruct); err == nil {
		t.Error("other owner accepted")
	}
	if _, err := decodePageToken(tok, addrA, ""); err == nil {
		t.Error("other filter accepted")
	}
	// The cursor itself is the ledger's to check; everything before it is the server's.
	for i := range len(tok) - 3 + 1 {
		if _, err := decodePageToken(tok[:i], addrA, coinStruct); err == nil {
			t.Errorf("truncated token (%d bytes) accepted", i)
		}
	}
}
