package sui

import (
	"bytes"
	"errors"
	"testing"

	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/internal/bcs"
)

// FuzzDecodeTransaction: decoding never panics; every error is bcs.ErrMalformed or one of
// the typed validity errors; whatever decodes (with or without the validity checks)
// re-encodes to the same bytes.
func FuzzDecodeTransaction(f *testing.F) {
	for _, raw := range goldenProgrammable(f) {
		f.Add(raw)
	}
	f.Add(b64(f, rustConsensusPrologue))
	f.Add(handTx([]byte{0x02}, []byte{0x00}))
	f.Add(handTx([]byte{0x06, 0x07, 0x00, 0x00}, []byte{0x02, 0x01, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 32}))
	b := NewProgrammableBuilder()
	r := b.MoveCall(pkgA, "m", "f", []TypeTag{CoinType(SUIType)}, b.Object(SharedObjectArg(RandomObjectID, 1, false)))
	b.MakeMoveVec(nil, r)
	b.Publish([][]byte{{1}}, []walrus.ID{two})
	td := NewTransactionData(alice, b.mustFinish(), simpleGas(alice))
	f.Add(td.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		var raw TransactionData
		if err := bcs.Unmarshal(data, &raw); err == nil {
			if got := raw.Bytes(); !bytes.Equal(got, data) {
				t.Fatalf("re-encoding differs\n got %x\nwant %x", got, data)
			}
		}
		td, err := DecodeTransaction(data)
		if err != nil {
			if !errors.Is(err, bcs.ErrMalformed) && !errors.Is(err, ErrInvalidTransaction) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		if got := td.Bytes(); !bytes.Equal(got, data) {
			t.Fatalf("re-encoding differs\n got %x\nwant %x", got, data)
		}
	})
}

// FuzzParseTypeTag: parsing never panics, and a parsed type prints to text that parses to
// the same type, whose BCS round-trips.
func FuzzParseTypeTag(f *testing.F) {
	for _, s := range []string{"u8", "vector<u64>", "0x2::coin::Coin<0x2::sui::SUI>", "0x2::a::B<u8, vector<0x3::c::D<i8>>>", "0x::a::B", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tag, err := ParseTypeTag(s)
		if err != nil {
			return
		}
		for _, text := range []string{tag.String(), tag.ShortString()} {
			again, err := ParseTypeTag(text)
			if err != nil || !again.Equal(&tag) {
				t.Fatalf("%q → %q: %v", s, text, err)
			}
		}
		back, err := decodeTag(tagBytes(tag))
		if err != nil || !back.Equal(&tag) {
			t.Fatalf("%q: BCS round trip %v", s, err)
		}
	})
}
