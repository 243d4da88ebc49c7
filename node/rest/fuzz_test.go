package rest

import (
	"errors"
	"testing"

	"github.com/tuskstore/tusk/chain/messages"
	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/internal/bcs"
	"github.com/tuskstore/tusk/node/api"
)

// FuzzDecodeRequest feeds arbitrary bodies to the request decoders of PUT metadata,
// PUT sliver, POST inconsistencyProof and POST sync_shard: none may panic, a failure is a 400
// INVALID_CONTENT_TYPE with a message, and what is accepted re-encodes to the same
// bytes (so nothing is read past or around the BCS value).
func FuzzDecodeRequest(f *testing.F) {
	c, err := encoding.NewCodec(7)
	if err != nil {
		f.Fatal(err)
	}
	enc, err := c.Encode([]byte("a blob for the request decoders"))
	if err != nil {
		f.Fatal(err)
	}
	m := enc.Metadata.Metadata()
	f.Add(bcs.Marshal(&m))
	p, s := enc.SliverPair(3)
	f.Add(bcs.Marshal(&p))
	f.Add(bcs.Marshal(&s))
	var syms []encoding.RecoverySymbol
	g, _ := c.RecoverySymbols(s, []int{1, 2})
	for _, x := range g {
		syms = append(syms, encoding.RecoverySymbol{Symbol: x.Symbol, Proof: x.Proof})
	}
	proof := encoding.InconsistencyProof{TargetIndex: 1, Symbols: syms}
	f.Add(bcs.Marshal(&proof))
	sm := messages.SignedMessage{SerializedMessage: messages.NewSyncShardRequestMessage(3,
		messages.SyncShardRequest{ShardIndex: 2, SliverType: messages.SliverSecondary, SliverCount: 10, Epoch: 3})}
	f.Add(bcs.Marshal(sm))
	f.Add([]byte{})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0x0f})
	f.Fuzz(func(t *testing.T, body []byte) {
		check := func(err error) bool {
			if err == nil {
				return true
			}
			var e *api.Error
			if !errors.As(err, &e) || e.HTTPStatus != 400 || e.Reason != api.ReasonInvalidContentType || e.Message == "" {
				t.Fatalf("decode error %#v", err)
			}
			return false
		}
		if sm, err := DecodeSyncShardRequest(body); check(err) {
			if string(bcs.Marshal(sm)) != string(body) {
				t.Fatal("sync-shard request re-encodes differently")
			}
		}
		if m, err := DecodeMetadata(body); check(err) {
			if string(bcs.Marshal(m)) != string(body) {
				t.Fatal("metadata re-encodes differently")
			}
		}
		for _, axis := range []encoding.Axis{encoding.Primary, encoding.Secondary} {
			if s, err := DecodeSliver(body, axis); check(err) {
				if s.Axis != axis || string(bcs.Marshal(s)) != string(body) {
					t.Fatal("sliver re-encodes differently")
				}
			}
			if p, err := DecodeInconsistencyProof(body, axis); check(err) {
				if p.Axis != axis || string(bcs.Marshal(p)) != string(body) {
					t.Fatal("proof re-encodes differently")
				}
			}
		}
	})
}
