package sui

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"strings"
	"testing"

	"github.com/tuskstore/tusk/chain/keys"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/internal/bcs"
)

var (
	two   = walrus.MustParseID("0x2")
	pkgA  = walrus.MustParseID("0xabc")
	alice = walrus.MustParseID("0xa11ce")
)

func tagBytes(t TypeTag) []byte { return bcs.Marshal(&t) }

func decodeTag(b []byte) (TypeTag, error) {
	var t TypeTag
	err := bcs.Unmarshal(b, &t)
	return t, err
}

func TestTypeTagBytes(t *testing.T) {
	coinSUI := append([]byte{7}, two[:]...)
	coinSUI = append(coinSUI, 4, 'c', 'o', 'i', 'n', 4, 'C', 'o', 'i', 'n', 1, 7)
	coinSUI = append(coinSUI, two[:]...)
	coinSUI = append(coinSUI, 3, 's', 'u', 'i', 3, 'S', 'U', 'I', 0)
	for _, c := range []struct {
		tag  TypeTag
		want []byte
	}{
		{TypeTagBool, []byte{0x00}},
		{TypeTagU8, []byte{0x01}},
		{TypeTagU64, []byte{0x02}},
		{TypeTagU128, []byte{0x03}},
		{TypeTagAddress, []byte{0x04}},
		{TypeTagSigner, []byte{0x05}},
		{VectorOf(TypeTagU8), []byte{0x06, 0x01}},
		{TypeTagU16, []byte{0x08}},
		{TypeTagU32, []byte{0x09}},
		{TypeTagU256, []byte{0x0a}},
		{TypeTag{Kind: TypeI8}, []byte{0x0b}},
		{TypeTag{Kind: TypeI256}, []byte{0x10}},
		{VectorOf(VectorOf(TypeTagU64)), []byte{0x06, 0x06, 0x02}},
		{CoinType(SUIType), coinSUI},
	} {
		got := tagBytes(c.tag)
		if !bytes.Equal(got, c.want) {
			t.Errorf("%s: %x, want %x", c.tag, got, c.want)
		}
		back, err := decodeTag(got)
		if err != nil || !back.Equal(&c.tag) {
			t.Errorf("%s: decodes as %s, %v", c.tag, back, err)
		}
	}
	// Agrees with the Walrus package's hand-written type-tag bytes.
	if !bytes.Equal(tagBytes(MustParseTypeTag("0x2::object::ID")), walrus.TypeTagID) ||
		!bytes.Equal(tagBytes(VectorOf(TypeTagU8)), walrus.TypeTagVectorU8) {
		t.Fatal("differs from chain/walrus")
	}
	if _, err := decodeTag([]byte{0x11}); !errors.Is(err, bcs.ErrMalformed) {
		t.Fatalf("tag 17: %v", err)
	}
}

func TestParseTypeTag(t *testing.T) {
	for _, c := range []struct{ in, canonical, short string }{
		{"u64", "u64", "u64"},
		{" vector < u8 > ", "vector<u8>", "vector<u8>"},
		{"i128", "i128", "i128"},
		{"0x2::coin::Coin<0xabc::wal::WAL>",
			"0x0000000000000000000000000000000000000000000000000000000000000002::coin::Coin<0x0000000000000000000000000000000000000000000000000000000000000abc::wal::WAL>",
			"0x2::coin::Coin<0xabc::wal::WAL>"},
		{"0x2::dynamic_field::Field<u64, vector<0x1::string::String>>",
			"0x0000000000000000000000000000000000000000000000000000000000000002::dynamic_field::Field<u64,vector<0x0000000000000000000000000000000000000000000000000000000000000001::string::String>>",
			"0x2::dynamic_field::Field<u64, vector<0x1::string::String>>"},
		{"0x0::m::_S", "0x0000000000000000000000000000000000000000000000000000000000000000::m::_S", "0x0::m::_S"},
	} {
		tag, err := ParseTypeTag(c.in)
		if err != nil {
			t.Fatalf("%q: %v", c.in, err)
		}
		if tag.String() != c.canonical || tag.ShortString() != c.short {
			t.Errorf("%q: %s / %s", c.in, tag.String(), tag.ShortString())
		}
		for _, s := range []string{tag.String(), tag.ShortString()} {
			again, err := ParseTypeTag(s)
			if err != nil || !again.Equal(&tag) {
				t.Errorf("%q does not re-parse: %v", s, err)
			}
		}
	}
	for _, bad := range []string{
		"", "u63", "U64", "vector<u8", "vector<>", "0x2::coin", "0x2::coin::Coin<", "0x2::coin::Coin<u8,>",
		"0x2::1coin::Coin", "0x2::coin::_", "0xzz::a::B", "2::coin::Coin", "u8 u8", "0x2::coin::Coin<u8>>",
		"0x" + strings.Repeat("1", 65) + "::a::B",
		strings.Repeat("vector<", 300) + "u8" + strings.Repeat(">", 300),
	} {
		if _, err := ParseTypeTag(bad); !errors.Is(err, ErrInvalidTypeTag) {
			t.Errorf("%q: %v", bad, err)
		}
	}
	if st, err := ParseStructTag("0x2::sui::SUI"); err != nil || st.Name != "SUI" {
		t.Fatal(st, err)
	}
	if _, err := ParseStructTag("u8"); !errors.Is(err, ErrInvalidTypeTag) {
		t.Fatal(err)
	}
}

func TestIdentifiers(t *testing.T) {
	for s, ok := range map[string]bool{
		"a": true, "Coin": true, "_a": true, "__": true, "a_1": true, "sui_system": true,
		"": false, "_": false, "1a": false, "a-b": false, "<SELF>": false, "ü": false, "a b": false,
	} {
		if IsValidIdentifier(s) != ok {
			t.Errorf("%q: %v", s, !ok)
		}
	}
}

func TestDigest(t *testing.T) {
	for _, s := range []string{
		"HkPo6rYPyDY53x1MBszvSZVZyixVN7CHvCJGX381czAh",
		"11111111111111111111111111111111", // zero
		"JEKNVnkbo3jma5nREBBJCDoXFVeKkD56V3xKrvRmWxFG",
	} {
		d, err := ParseDigest(s)
		if err != nil || d.String() != s {
			t.Fatalf("%s: %v %s", s, err, d)
		}
		enc := bcs.Marshal(d)
		if len(enc) != 33 || enc[0] != 0x20 || !bytes.Equal(enc[1:], d[:]) {
			t.Fatalf("BCS %x", enc)
		}
		var back Digest
		if err := bcs.Unmarshal(enc, &back); err != nil || back != d {
			t.Fatal(err)
		}
	}
	if (Digest{}).String() != "11111111111111111111111111111111" || !(Digest{}).IsZero() {
		t.Fatal("zero digest")
	}
	var ff Digest
	for i := range ff {
		ff[i] = 0xff
	}
	if ff.String() != "JEKNVnkbo3jma5nREBBJCDoXFVeKkD56V3xKrvRmWxFG" {
		t.Fatal(ff.String())
	}
	for _, bad := range []string{"", "0OIl", "1111", "HkPo6rYPyDY53x1MBszvSZVZyixVN7CHvCJGX381czAhh", strings.Repeat("z", 200)} {
		if _, err := ParseDigest(bad); !errors.Is(err, ErrInvalidDigest) {
			t.Errorf("%q: %v", bad, err)
		}
	}
	// Any length but 32 is refused.
	for _, n := range []byte{0, 31, 33} {
		b := append([]byte{n}, make([]byte, n)...)
		var d Digest
		if err := bcs.Unmarshal(b, &d); !errors.Is(err, bcs.ErrMalformed) {
			t.Errorf("digest of %d bytes: %v", n, err)
		}
	}
	var d Digest
	if err := d.UnmarshalText([]byte("HkPo6rYPyDY53x1MBszvSZVZyixVN7CHvCJGX381czAh")); err != nil {
		t.Fatal(err)
	}
	if txt, _ := d.MarshalText(); string(txt) != "HkPo6rYPyDY53x1MBszvSZVZyixVN7CHvCJGX381czAh" {
		t.Fatal(string(txt))
	}
	// base58 of leading zeros.
	if got := base58Encode([]byte{0, 0, 1}); got != "112" {
		t.Fatal(got)
	}
	if b, ok := base58Decode("112"); !ok || !bytes.Equal(b, []byte{0, 0, 1}) {
		t.Fatal(b)
	}
}

func TestIntentMessageDigest(t *testing.T) {
	msg := []byte("hello")
	kp, err := keys.NewKeypairFromSeed(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	// A personal-message signature covers IntentMessageDigest(3, BCS vector<u8>).
	sig := kp.SignPersonalMessage(msg)
	d := IntentMessageDigest(IntentPersonalMessage, append([]byte{5}, msg...))
	if !ed25519Verify(kp.PublicKey(), d[:], sig[1:65]) {
		t.Fatal("personal message digest")
	}
	if Intent(IntentCheckpointSummary) != [3]byte{2, 0, 0} {
		t.Fatal("intent")
	}
}

// --- transactions built by hand ---

func simpleGas(owner walrus.ID) GasData {
	return GasData{
		Payment: []ObjectRef{{ObjectID: walrus.MustParseID("0x9a5"), Version: 7, Digest: Digest{1, 2, 3}}},
		Owner:   owner,
		Price:   1000,
		Budget:  10_000_000,
	}
}

func TestRoundTripEveryVariant(t *testing.T) {
	lo, hi, nonce := uint64(3), uint64(4), uint32(77)
	b := NewProgrammableBuilder()
	owned := b.Object(OwnedObjectArg(ObjectRef{ObjectID: walrus.MustParseID("0x51"), Version: 9, Digest: Digest{9}}))
	shared := b.Object(SharedObjectArg(walrus.MustParseID("0x52"), 1, true))
	recv := b.Object(ReceivingObjectArg(ObjectRef{ObjectID: walrus.MustParseID("0x53"), Version: 2, Digest: Digest{4}}))
	amt := b.Pure(uint64(5))
	r := b.MoveCall(pkgA, "m", "f", []TypeTag{CoinType(SUIType), VectorOf(TypeTagU8), TypeTagU256}, owned, shared, recv, b.Gas())
	coins := b.SplitCoins(b.Gas(), amt, amt)
	b.MergeCoins(coins[0], coins[1])
	vec := b.MakeMoveVec(nil, r, NestedResult(0, 1))
	b.MakeMoveVec(&TypeTagU64, amt)
	upgradeCap := b.Publish([][]byte{{0xa1, 0x1c}, {0xeb}}, []walrus.ID{two, pkgA})
	b.Upgrade([][]byte{{1}}, []walrus.ID{two}, pkgA, upgradeCap)
	b.TransferObjects([]Argument{vec, coins[0]}, b.Pure(alice))
	pt := b.mustFinish()
	pt.Inputs = append(pt.Inputs, CallArg{Kind: CallArgFundsWithdrawal, FundsWithdrawal: FundsWithdrawal{
		Amount: 10, BalanceType: SUIType, From: WithdrawFromSenderAllowance, Funder: alice, Allowance: pkgA,
	}}, CallArg{Kind: CallArgFundsWithdrawal, FundsWithdrawal: FundsWithdrawal{Amount: 1, BalanceType: TypeTagU8}},
		ObjectCallArg(ObjectArg{Kind: SharedObject, ID: walrus.MustParseID("0x54"), Mutability: NonExclusiveWrite}))
	if b.Err() != nil {
		t.Fatal(b.Err())
	}
	for _, exp := range []TransactionExpiration{
		{},
		{Kind: ExpireEpoch, Epoch: 42},
		{Kind: ExpireValidDuring, MinEpoch: &lo, MaxEpoch: &hi, Chain: Digest{0x4c}, Nonce: nonce},
		{Kind: ExpireValidDuring, MinTimestamp: &lo, MaxTimestamp: &hi},
		{Kind: ExpireValidity, MinEpoch: &lo, Chain: Digest{1}, AllowedProposers: &AllowedProposers{Epoch: 3, Proposers: []uint32{0, 5}}},
		{Kind: ExpireValidity, MaxEpoch: &hi},
	} {
		for _, system := range []bool{false, true} {
			td := NewTransactionData(alice, pt, simpleGas(alice))
			td.V1.Expiration = exp
			td.V1.Kind.System = system
			raw := td.Bytes()
			var back TransactionData
			if err := bcs.Unmarshal(raw, &back); err != nil {
				t.Fatalf("%+v: %v", exp, err)
			}
			if !bytes.Equal(back.Bytes(), raw) {
				t.Fatalf("%+v: round trip differs", exp)
			}
			if system != (back.Programmable() == nil) {
				t.Fatal("Programmable()")
			}
		}
	}
	// TransactionKind alone (what dev-inspect takes).
	k := TransactionKind{Programmable: pt}
	var kb TransactionKind
	if err := bcs.Unmarshal(bcs.Marshal(&k), &kb); err != nil || !bytes.Equal(bcs.Marshal(&kb), bcs.Marshal(&k)) {
		t.Fatal(err)
	}
}

// A complete transaction written field by field, with raw bytes for the one type argument.
func handTx(typeArg []byte, expiration []byte) []byte {
	var e bcs.Encoder
	e.ULEB128(0) // V1
	e.ULEB128(0) // ProgrammableTransaction
	e.ULEB128(1) // inputs
	e.ULEB128(0) // Pure
	e.ByteVec(pureU64LE(7))
	e.ULEB128(1) // commands
	e.ULEB128(0) // MoveCall
	e.Fixed(pkgA[:])
	e.String("m")
	e.String("f")
	e.ULEB128(1)
	e.Fixed(typeArg)
	e.ULEB128(1)
	e.Fixed([]byte{1, 0, 0}) // Input(0)
	e.Fixed(alice[:])
	g := simpleGas(alice)
	g.MarshalBCS(&e)
	e.Fixed(expiration)
	return e.Bytes()
}

func pureU64LE(v uint64) []byte {
	b, _ := PureBytes(v)
	return b
}

// The dialect of block-vision/sui-go-sdk (spec §4) is decoded as a real node decodes it.
func TestSDKDialect(t *testing.T) {
	good := handTx([]byte{0x02}, []byte{0x00})
	td, err := DecodeTransaction(good)
	if err != nil || td.Programmable().Commands[0].MoveCall.TypeArguments[0].Kind != TypeU64 {
		t.Fatalf("correct bytes: %v", err)
	}
	b := NewProgrammableBuilder()
	b.MoveCall(pkgA, "m", "f", []TypeTag{TypeTagU64}, b.Pure(uint64(7)))
	if built := NewTransactionData(alice, b.mustFinish(), simpleGas(alice)); !bytes.Equal(built.Bytes(), good) {
		t.Fatal("builder disagrees with the hand-written bytes")
	}

	// 1. TypeTag U64 as 0a01 (the SDK's order and its extra bool): U256, then garbage.
	if tag, err := decodeTag([]byte{0x0a, 0x01}); !errors.Is(err, bcs.ErrMalformed) || tag.Kind != TypeU256 {
		t.Fatalf("0a01: %v %v", tag, err)
	}
	if _, err := decodeTag([]byte{0x00, 0x01}); !errors.Is(err, bcs.ErrMalformed) {
		t.Fatalf("0001: %v", err)
	}
	for _, dialect := range [][]byte{{0x0a, 0x01}, {0x00, 0x01}, {0x02, 0x01}} {
		if _, err := DecodeTransaction(handTx(dialect, []byte{0x00})); err == nil {
			t.Fatalf("type tag %x accepted", dialect)
		}
	}
	// A real [02] read with the SDK's order would be U128; here it is U64 (above).

	// 2. MakeMoveVec without the Option byte: nil with elements, and "u64" as a string.
	mmv := func(cmd []byte) []byte {
		var e bcs.Encoder
		e.Fixed([]byte{0, 0})
		e.ULEB128(2)
		e.Fixed([]byte{0, 8})
		e.Fixed(pureU64LE(1))
		e.Fixed([]byte{0, 8})
		e.Fixed(pureU64LE(2))
		e.ULEB128(1)
		e.Fixed(cmd)
		e.Fixed(alice[:])
		g := simpleGas(alice)
		g.MarshalBCS(&e)
		e.U8(0)
		return e.Bytes()
	}
	real := mmv([]byte{5, 1, 2, 2, 1, 0, 0, 1, 1, 0}) // Some(u64), [Input(0), Input(1)]
	if td, err := DecodeTransaction(real); err != nil || td.Programmable().Commands[0].VecType.Kind != TypeU64 {
		t.Fatalf("real MakeMoveVec: %v", err)
	}
	for _, dialect := range [][]byte{
		{5, 2, 1, 0, 0, 1, 1, 0},                   // nil type: no Option byte at all
		{5, 3, 'u', '6', '4', 2, 1, 0, 0, 1, 1, 0}, // Type *string "u64"
		{5, 0}, // nil type, no elements: Sui expects 05 00 00
	} {
		if _, err := DecodeTransaction(mmv(dialect)); !errors.Is(err, bcs.ErrMalformed) {
			t.Fatalf("MakeMoveVec %x: %v", dialect, err)
		}
	}

	// 3. TransactionExpiration{None: struct{}{}} written as a lone 01.
	if _, err := DecodeTransaction(handTx([]byte{0x02}, []byte{0x01})); !errors.Is(err, bcs.ErrMalformed) {
		t.Fatalf("lone 01 expiration: %v", err)
	}
	// Epoch(n) as the SDK writes it (01 ‖ u64) is what Sui writes too.
	if td, err := DecodeTransaction(handTx([]byte{0x02}, []byte{1, 5, 0, 0, 0, 0, 0, 0, 0})); err != nil || td.V1.Expiration.Epoch != 5 {
		t.Fatalf("epoch expiration: %v", err)
	}

	// 4. CallArg::UnresolvedObject (variant 3).
	bad := bytes.Clone(good)
	bad[3] = 3
	if _, err := DecodeTransaction(bad); !errors.Is(err, bcs.ErrMalformed) {
		t.Fatalf("CallArg 3: %v", err)
	}
}

func TestHostileInput(t *testing.T) {
	for name, raw := range goldenProgrammable(t) {
		for i := range raw {
			if _, err := DecodeTransaction(raw[:i]); !errors.Is(err, bcs.ErrMalformed) {
				t.Fatalf("%s truncated at %d: %v", name, i, err)
			}
		}
		if _, err := DecodeTransaction(append(bytes.Clone(raw), 0)); !errors.Is(err, bcs.ErrMalformed) {
			t.Fatalf("%s with a trailing byte: %v", name, err)
		}
	}
	// handTx layout: 0 V1, 1 kind, 2 inputs, 3 Pure, 4-12 its bytes, 13 commands,
	// 14 MoveCall, 15-46 package, 47-50 "m" "f", 51 type args, 52 U64, 53 args,
	// 54-56 Input(0), 57-88 sender, 89 payment count, 90-121 ID, 122-129 version,
	// 130 digest length, ..., last byte the expiration.
	good := handTx([]byte{0x02}, []byte{0x00})
	set := func(off int, b byte) []byte {
		out := bytes.Clone(good)
		out[off] = b
		return out
	}
	cases := map[string][]byte{
		"empty":                    nil,
		"TransactionData tag 1":    {1},
		"kind tag 11":              {0, 11},
		"non-canonical tag":        {0x80, 0x00},
		"inputs 2^32-1":            {0, 0, 0xff, 0xff, 0xff, 0xff, 0x0f},
		"inputs 2^31":              {0, 0, 0x80, 0x80, 0x80, 0x80, 0x08},
		"inputs 2^28-1":            {0, 0, 0xff, 0xff, 0xff, 0x7f},
		"inputs ULEB too long":     {0, 0, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01},
		"pure length past the end": {0, 0, 1, 0, 0xff, 0xff, 0x03, 1},
		"Argument tag 4":           set(54, 4),
		"Command tag 7":            set(14, 7),
		"TypeTag tag 17":           set(52, 17),
		"digest length 31":         set(130, 31),
		"digest length 33":         set(130, 33),
		"type-arg count continues": set(51, 0x80),
		"option tag 2":             append(bytes.Clone(good[:len(good)-1]), 2, 2),
		"expiration tag 4":         append(bytes.Clone(good[:len(good)-1]), 4),
	}
	var shared bcs.Encoder
	shared.Fixed([]byte{0, 0, 1, 1, 1})
	shared.Fixed(pkgA[:])
	shared.U64(1)
	shared.U8(3)
	cases["mutability 3"] = shared.Bytes()
	deep := []byte{0, 0, 0, 1, 0}
	deep = append(deep, pkgA[:]...)
	deep = append(deep, 1, 'm', 1, 'f', 1)
	deep = append(deep, bytes.Repeat([]byte{6}, 100_000)...)
	cases["type tag nested 100000 deep"] = append(deep, 1)
	utf := []byte{0, 0, 0, 1, 0}
	utf = append(utf, pkgA[:]...)
	cases["module not UTF-8"] = append(utf, 2, 0xc3, 0x28)
	for name, b := range cases {
		td, err := DecodeTransaction(b)
		if !errors.Is(err, bcs.ErrMalformed) {
			t.Errorf("%s: %v %v", name, td, err)
		}
	}
	// Allowed proposers must not be empty.
	exp := TransactionExpiration{Kind: ExpireValidity, AllowedProposers: &AllowedProposers{Epoch: 1}}
	var back TransactionExpiration
	if err := bcs.Unmarshal(bcs.Marshal(&exp), &back); !errors.Is(err, bcs.ErrMalformed) {
		t.Fatalf("empty proposers: %v", err)
	}
	// Over max_tx_size_bytes.
	big := make([]byte, MainnetLimits.MaxTxSizeBytes+1)
	var le *LimitError
	if _, err := DecodeTransaction(big); !errors.As(err, &le) || le.Limit != "max_tx_size_bytes" {
		t.Fatalf("oversized: %v", err)
	}
}

// --- validity checks ---

func buildTx(t *testing.T, f func(b *ProgrammableBuilder)) *TransactionData {
	t.Helper()
	b := NewProgrammableBuilder()
	f(b)
	if b.Err() != nil {
		t.Fatal(b.Err())
	}
	td := NewTransactionData(alice, b.mustFinish(), simpleGas(alice))
	return &td
}

func wantLimit(t *testing.T, err error, limit string) {
	t.Helper()
	var le *LimitError
	if !errors.As(err, &le) || le.Limit != limit || !errors.Is(err, ErrLimitExceeded) || !errors.Is(err, ErrInvalidTransaction) {
		t.Fatalf("want limit %s, got %v", limit, err)
	}
}

// check validates td and also decodes its bytes, which must give the same verdict.
func check(t *testing.T, td *TransactionData) error {
	t.Helper()
	err := td.Validate(MainnetLimits)
	_, derr := DecodeTransaction(td.Bytes())
	if (err == nil) != (derr == nil) {
		t.Fatalf("Validate %v, DecodeTransaction %v", err, derr)
	}
	return err
}

func splits(n int) func(b *ProgrammableBuilder) {
	return func(b *ProgrammableBuilder) {
		amt := b.Pure(uint64(1))
		for range n {
			b.SplitCoins(b.Gas(), amt)
		}
	}
}

func TestLimits(t *testing.T) {
	if err := check(t, buildTx(t, splits(1023))); err != nil {
		t.Fatal(err)
	}
	wantLimit(t, check(t, buildTx(t, splits(1024))), "max_programmable_tx_commands")

	if err := check(t, buildTx(t, func(b *ProgrammableBuilder) { b.PureBCS(make([]byte, 16383)) })); err != nil {
		t.Fatal(err)
	}
	wantLimit(t, check(t, buildTx(t, func(b *ProgrammableBuilder) { b.PureBCS(make([]byte, 16384)) })), "max_pure_argument_size")

	objects := func(n int) func(b *ProgrammableBuilder) {
		return func(b *ProgrammableBuilder) {
			for i := range n {
				var id walrus.ID
				id[0], id[1], id[2] = 1, byte(i>>8), byte(i)
				b.Object(SharedObjectArg(id, 1, false))
			}
			b.MoveCall(pkgA, "m", "f", nil) // one package
		}
	}
	if err := check(t, buildTx(t, objects(2047))); err != nil {
		t.Fatal(err)
	}
	wantLimit(t, check(t, buildTx(t, objects(2048))), "max_input_objects")

	args := func(n int) func(b *ProgrammableBuilder) {
		return func(b *ProgrammableBuilder) {
			in := b.Pure(true)
			a := make([]Argument, n)
			for i := range a {
				a[i] = in
			}
			b.MoveCall(pkgA, "m", "f", nil, a...)
		}
	}
	if err := check(t, buildTx(t, args(511))); err != nil {
		t.Fatal(err)
	}
	wantLimit(t, check(t, buildTx(t, args(512))), "max_arguments")
	wantLimit(t, check(t, buildTx(t, func(b *ProgrammableBuilder) {
		b.TransferObjects(make([]Argument, 512), b.Pure(alice))
	})), "max_arguments")

	// Type arguments: 15 nodes pass, 16 do not.
	nested := func(n int) TypeTag {
		tag := TypeTagU8
		for range n - 1 {
			tag = VectorOf(tag)
		}
		return tag
	}
	if err := check(t, buildTx(t, func(b *ProgrammableBuilder) {
		b.MoveCall(pkgA, "m", "f", []TypeTag{nested(10), nested(5)})
	})); err != nil {
		t.Fatal(err)
	}
	wantLimit(t, check(t, buildTx(t, func(b *ProgrammableBuilder) {
		b.MoveCall(pkgA, "m", "f", []TypeTag{nested(10), nested(6)})
	})), "max_type_arguments")
	wantLimit(t, check(t, buildTx(t, func(b *ProgrammableBuilder) {
		tag := nested(16)
		b.MakeMoveVec(&tag)
	})), "max_type_arguments")
	loose := MainnetLimits
	loose.MaxTypeArguments = 100
	deep := buildTx(t, func(b *ProgrammableBuilder) { b.MoveCall(pkgA, "m", "f", []TypeTag{nested(16)}) })
	wantLimit(t, deep.Validate(loose), "max_type_argument_depth")
	if err := buildTx(t, func(b *ProgrammableBuilder) { b.MoveCall(pkgA, "m", "f", []TypeTag{nested(15)}) }).Validate(loose); err != nil {
		t.Fatal(err)
	}

	publish := func(mods, deps, n int) func(b *ProgrammableBuilder) {
		return func(b *ProgrammableBuilder) {
			for range n {
				b.Publish(make([][]byte, mods), make([]walrus.ID, deps))
			}
		}
	}
	if err := check(t, buildTx(t, publish(63, 31, 5))); err != nil {
		t.Fatal(err)
	}
	wantLimit(t, check(t, buildTx(t, publish(64, 0, 1))), "max_modules_in_publish")
	wantLimit(t, check(t, buildTx(t, publish(1, 32, 1))), "max_package_dependencies")
	wantLimit(t, check(t, buildTx(t, publish(1, 0, 6))), "max_publish_or_upgrade_per_ptb")

	// Gas.
	td := buildTx(t, splits(1))
	td.V1.GasData.Payment = make([]ObjectRef, 256)
	for i := range td.V1.GasData.Payment {
		td.V1.GasData.Payment[i].ObjectID[0] = byte(i)
	}
	if err := check(t, td); err != nil {
		t.Fatal(err)
	}
	td.V1.GasData.Payment = append(td.V1.GasData.Payment, ObjectRef{})
	wantLimit(t, check(t, td), "max_gas_payment_objects")

	td = buildTx(t, splits(1))
	td.V1.GasData.Price = MainnetLimits.MaxGasPrice
	wantLimit(t, check(t, td), "max_gas_price")
	td.V1.GasData.Price = MainnetLimits.MaxGasPrice - 1
	td.V1.GasData.Budget = MainnetLimits.MaxTxGas
	if err := check(t, td); err != nil {
		t.Fatal(err)
	}
	td.V1.GasData.Budget++
	wantLimit(t, check(t, td), "max_tx_gas")
	td.V1.GasData.Price, td.V1.GasData.Budget = 1000, 999_999
	if err := check(t, td); !errors.Is(err, ErrGasBudgetTooLow) {
		t.Fatal(err)
	}
	td.V1.GasData.Budget = 1_000_000
	if err := check(t, td); err != nil {
		t.Fatal(err)
	}

	// The transaction and its signatures together.
	raw := td.Bytes()
	sig := make([]byte, 97)
	if err := CheckSignedSize(raw, [][]byte{sig}, MainnetLimits); err != nil {
		t.Fatal(err)
	}
	wantLimit(t, CheckSignedSize(make([]byte, 128*1024-100), [][]byte{sig}, MainnetLimits), "max_tx_size_bytes")
}

func TestValidityRules(t *testing.T) {
	ok := func(f func(*ProgrammableBuilder)) {
		t.Helper()
		if err := check(t, buildTx(t, f)); err != nil {
			t.Fatal(err)
		}
	}
	bad := func(want error, f func(*ProgrammableBuilder)) {
		t.Helper()
		if err := check(t, buildTx(t, f)); !errors.Is(err, want) || !errors.Is(err, ErrInvalidTransaction) {
			t.Fatalf("want %v, got %v", want, err)
		}
	}
	bad(ErrEmptyCommandInput, func(b *ProgrammableBuilder) { b.SplitCoins(b.Gas()) })
	bad(ErrEmptyCommandInput, func(b *ProgrammableBuilder) { b.MergeCoins(b.Gas()) })
	bad(ErrEmptyCommandInput, func(b *ProgrammableBuilder) { b.TransferObjects(nil, b.Pure(alice)) })
	bad(ErrEmptyCommandInput, func(b *ProgrammableBuilder) { b.MakeMoveVec(nil) })
	ok(func(b *ProgrammableBuilder) { b.MakeMoveVec(&TypeTagU8) })
	bad(ErrEmptyCommandInput, func(b *ProgrammableBuilder) { b.Publish(nil, nil) })

	bad(ErrInvalidIdentifier, func(b *ProgrammableBuilder) { b.MoveCall(pkgA, "1m", "f", nil) })
	bad(ErrInvalidIdentifier, func(b *ProgrammableBuilder) { b.MoveCall(pkgA, "m", "<SELF>", nil) })
	bad(ErrInvalidIdentifier, func(b *ProgrammableBuilder) {
		b.MoveCall(pkgA, "m", "f", []TypeTag{StructOf(two, "coin", "Coin", StructOf(two, "s", "bad-name"))})
	})
	bad(ErrInvalidIdentifier, func(b *ProgrammableBuilder) {
		tag := StructOf(two, "", "S")
		b.MakeMoveVec(&tag)
	})

	bad(ErrInvalidArgumentIndex, func(b *ProgrammableBuilder) { b.MoveCall(pkgA, "m", "f", nil, Input(0)) })
	bad(ErrInvalidArgumentIndex, func(b *ProgrammableBuilder) { b.MoveCall(pkgA, "m", "f", nil, Result(0)) })
	bad(ErrInvalidArgumentIndex, func(b *ProgrammableBuilder) {
		b.MoveCall(pkgA, "m", "f", nil)
		b.MoveCall(pkgA, "m", "f", nil, NestedResult(2, 0))
	})
	bad(ErrInvalidArgumentIndex, func(b *ProgrammableBuilder) { b.Upgrade([][]byte{{1}}, nil, pkgA, Result(0)) })
	ok(func(b *ProgrammableBuilder) {
		r := b.MoveCall(pkgA, "m", "f", nil)
		b.MoveCall(pkgA, "m", "g", nil, r, NestedResult(0, 3), b.Gas())
	})

	random := SharedObjectArg(RandomObjectID, 1, false)
	bad(ErrPostRandomCommand, func(b *ProgrammableBuilder) {
		b.MoveCall(pkgA, "m", "roll", nil, b.Object(random))
		b.MoveCall(pkgA, "m", "act", nil)
	})
	ok(func(b *ProgrammableBuilder) {
		b.MoveCall(pkgA, "m", "prepare", nil) // before the use
		r := b.MoveCall(pkgA, "m", "roll", nil, b.Object(random))
		b.TransferObjects([]Argument{r}, b.Pure(alice))
		b.MergeCoins(b.Gas(), NestedResult(1, 0))
	})

	bad(ErrUnsupportedFeature, func(b *ProgrammableBuilder) {
		b.Object(ObjectArg{Kind: SharedObject, ID: pkgA, Mutability: NonExclusiveWrite})
	})

	// Duplicate object inputs (the builder de-duplicates, so write them by hand).
	td := buildTx(t, func(b *ProgrammableBuilder) {})
	ref := ObjectRef{ObjectID: pkgA, Version: 1}
	td.V1.Kind.Programmable.Inputs = []CallArg{ObjectCallArg(OwnedObjectArg(ref)), ObjectCallArg(SharedObjectArg(pkgA, 1, true))}
	if err := check(t, td); !errors.Is(err, ErrDuplicateObjectInput) {
		t.Fatal(err)
	}
	// Receiving and coin-reservation refs are not input objects.
	var reservation Digest
	copy(reservation[12:], coinReservationMagic[:])
	reservation[0] = 5
	td.V1.Kind.Programmable.Inputs = []CallArg{
		ObjectCallArg(OwnedObjectArg(ref)),
		ObjectCallArg(ReceivingObjectArg(ref)),
		ObjectCallArg(OwnedObjectArg(ObjectRef{ObjectID: pkgA, Digest: reservation})),
	}
	if err := check(t, td); err != nil {
		t.Fatal(err)
	}
	if amount, epoch, ok := reservation.CoinReservation(); !ok || amount != 5 || epoch != 0 {
		t.Fatal(amount, epoch, ok)
	}
	reservation[0] = 0
	td.V1.Kind.Programmable.Inputs[2].Object.Ref.Digest = reservation
	if err := check(t, td); !errors.Is(err, ErrInvalidWithdrawal) {
		t.Fatal(err)
	}
	// A coin reservation paying a sponsor's gas.
	td = buildTx(t, splits(1))
	reservation[0] = 1
	td.V1.GasData.Payment[0].Digest = reservation
	if err := check(t, td); err != nil {
		t.Fatal(err)
	}
	td.V1.GasData.Owner = pkgA
	if err := check(t, td); !errors.Is(err, ErrGasNotOwned) {
		t.Fatal(err)
	}
	if signers := td.RequiredSigners(); len(signers) != 2 || signers[1] != pkgA {
		t.Fatal(signers)
	}

	// Funds withdrawals.
	withdraw := func(ws ...FundsWithdrawal) error {
		td := buildTx(t, splits(1))
		for _, w := range ws {
			td.V1.Kind.Programmable.Inputs = append(td.V1.Kind.Programmable.Inputs, CallArg{Kind: CallArgFundsWithdrawal, FundsWithdrawal: w})
		}
		return check(t, td)
	}
	one := FundsWithdrawal{Amount: 1, BalanceType: SUIType}
	if err := withdraw(one, FundsWithdrawal{Amount: 2, BalanceType: SUIType, From: WithdrawFromSenderAllowance}); err != nil {
		t.Fatal(err)
	}
	if err := withdraw(FundsWithdrawal{BalanceType: SUIType}); !errors.Is(err, ErrInvalidWithdrawal) {
		t.Fatal(err)
	}
	if err := withdraw(FundsWithdrawal{Amount: 1, BalanceType: SUIType, From: WithdrawFromSponsor}); !errors.Is(err, ErrUnsupportedFeature) {
		t.Fatal(err)
	}
	ten := []FundsWithdrawal{one, one, one, one, one, one, one, one, one, one}
	if err := withdraw(ten...); err != nil {
		t.Fatal(err)
	}
	if err := withdraw(append(ten, one)...); !errors.Is(err, ErrInvalidWithdrawal) {
		t.Fatal(err)
	}
	// Gas from the address balance is the eleventh.
	td = buildTx(t, splits(1))
	td.V1.GasData.Payment = nil
	for _, w := range ten {
		td.V1.Kind.Programmable.Inputs = append(td.V1.Kind.Programmable.Inputs, CallArg{Kind: CallArgFundsWithdrawal, FundsWithdrawal: w})
	}
	if err := check(t, td); !errors.Is(err, ErrInvalidWithdrawal) {
		t.Fatal(err)
	}
	tag := TypeTagU8
	for range 15 {
		tag = VectorOf(tag)
	}
	wantLimit(t, withdraw(FundsWithdrawal{Amount: 1, BalanceType: tag}), "max_accumulator_type_nodes")

	// Address-balance gas (no payment objects), gasless transactions.
	td = buildTx(t, splits(1))
	td.V1.GasData.Payment = nil
	if err := check(t, td); err != nil {
		t.Fatal(err)
	}
	td.V1.GasData.Price = 0
	if err := check(t, td); !errors.Is(err, ErrUnsupportedFeature) {
		t.Fatal(err)
	}
	td.V1.GasData.Budget = 0
	if err := check(t, td); err != nil {
		t.Fatal(err)
	}

	// Expiration.
	td = buildTx(t, splits(1))
	ts := uint64(1)
	td.V1.Expiration = TransactionExpiration{Kind: ExpireValidDuring, MaxTimestamp: &ts}
	if err := check(t, td); !errors.Is(err, ErrUnsupportedFeature) {
		t.Fatal(err)
	}

	// System transaction.
	td = buildTx(t, splits(1))
	td.V1.Kind.System = true
	var uk *UnsupportedKindError
	if err := check(t, td); !errors.As(err, &uk) || uk.Kind != KindProgrammableSystemTransaction {
		t.Fatal(err)
	}
	if _, err := DecodeTransaction(td.Bytes()); !errors.As(err, &uk) {
		t.Fatal(err)
	}
}

func TestCheckExpiration(t *testing.T) {
	chain := Digest{0x4c, 0x78}
	lo, hi := uint64(10), uint64(11)
	none := TransactionExpiration{}
	epoch := TransactionExpiration{Kind: ExpireEpoch, Epoch: 10}
	window := TransactionExpiration{Kind: ExpireValidDuring, MinEpoch: &lo, MaxEpoch: &hi, Chain: chain}
	open := TransactionExpiration{Kind: ExpireValidity, Chain: chain}
	for _, c := range []struct {
		x     TransactionExpiration
		epoch uint64
		chain Digest
		want  error
	}{
		{none, 999, Digest{}, nil},
		{epoch, 10, chain, nil},
		{epoch, 11, chain, ErrTransactionExpired},
		{window, 9, chain, ErrTransactionExpired},
		{window, 10, chain, nil},
		{window, 11, chain, nil},
		{window, 12, chain, ErrTransactionExpired},
		{window, 10, Digest{1}, ErrInvalidChainID},
		{open, 0, chain, nil},
		{open, 0, Digest{}, ErrInvalidChainID},
	} {
		if err := c.x.CheckExpiration(c.epoch, c.chain); !errors.Is(err, c.want) || (c.want == nil) != (err == nil) {
			t.Errorf("%+v at %d: %v, want %v", c.x, c.epoch, err, c.want)
		}
	}
}

// --- builder ---

func TestPureBytes(t *testing.T) {
	id := walrus.MustParseID("0x1234")
	for _, c := range []struct {
		v    any
		want []byte
	}{
		{uint8(7), []byte{7}},
		{uint16(0x0102), []byte{2, 1}},
		{uint32(0x01020304), []byte{4, 3, 2, 1}},
		{uint64(1), []byte{1, 0, 0, 0, 0, 0, 0, 0}},
		{true, []byte{1}},
		{false, []byte{0}},
		{id, id[:]},
		{keys.Address(id), id[:]},
		{[]byte{0xaa, 0xbb}, []byte{2, 0xaa, 0xbb}},
		{[]byte{}, []byte{0}},
		{"hi", []byte{2, 'h', 'i'}},
		{"", []byte{0}},
		{[]uint64{1, 2}, []byte{2, 1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0}},
		{[]walrus.ID{id}, append([]byte{1}, id[:]...)},
		{walrus.U128{Lo: 1, Hi: 2}, []byte{1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0}},
		{Digest{1}, append([]byte{32, 1}, make([]byte, 31)...)},
	} {
		got, err := PureBytes(c.v)
		if err != nil || !bytes.Equal(got, c.want) {
			t.Errorf("%T %v: %x %v, want %x", c.v, c.v, got, err, c.want)
		}
	}
	for _, v := range []any{1, int64(1), "\xff", nil, 1.5, []int{1}} {
		if _, err := PureBytes(v); !errors.Is(err, ErrBuilder) {
			t.Errorf("%T: %v", v, err)
		}
	}
}

func TestBuilder(t *testing.T) {
	b := NewProgrammableBuilder()
	id := walrus.MustParseID("0x77")
	a := b.Object(SharedObjectArg(id, 3, false))
	c := b.Object(SharedObjectArg(id, 3, true)) // same object: merged, now mutable
	if a != c || a != Input(0) {
		t.Fatal(a, c)
	}
	ref := ObjectRef{ObjectID: pkgA, Version: 1, Digest: Digest{1}}
	first, second := b.Object(OwnedObjectArg(ref)), b.Object(OwnedObjectArg(ref))
	if first != Input(1) || second != Input(1) {
		t.Fatal("owned dedup")
	}
	if b.Pure(uint64(1)) != Input(2) || b.Pure(uint64(1)) != Input(3) {
		t.Fatal("pure inputs are not merged")
	}
	r := b.MoveCall(pkgA, "m", "f", nil, a)
	if r != Result(0) {
		t.Fatal(r)
	}
	if got := b.SplitCoins(b.Gas(), Input(2), Input(3)); len(got) != 2 || got[1] != NestedResult(1, 1) {
		t.Fatal(got)
	}
	pt := b.mustFinish()
	if pt.Inputs[0].Object.Mutability != Mutable || len(pt.Inputs) != 4 || len(pt.Commands) != 2 || b.Err() != nil {
		t.Fatalf("%+v %v", pt, b.Err())
	}
	// Finish copies.
	b.Pure(true)
	if len(pt.Inputs) != 4 {
		t.Fatal("Finish aliases the builder")
	}

	// Misuse is recorded, not panicked.
	b = NewProgrammableBuilder()
	b.Pure(3)
	if !errors.Is(b.Err(), ErrBuilder) {
		t.Fatal(b.Err())
	}
	b = NewProgrammableBuilder()
	b.Object(OwnedObjectArg(ref))
	b.Object(SharedObjectArg(pkgA, 1, true))
	if !errors.Is(b.Err(), ErrBuilder) {
		t.Fatal(b.Err())
	}
	b = NewProgrammableBuilder()
	b.Object(OwnedObjectArg(ref))
	ref.Version++
	b.Object(OwnedObjectArg(ref))
	if !errors.Is(b.Err(), ErrBuilder) {
		t.Fatal(b.Err())
	}
	b = NewProgrammableBuilder()
	for range 65537 {
		b.PureBCS([]byte{0})
	}
	if !errors.Is(b.Err(), ErrBuilder) || len(finishIgnoringErr(b).Inputs) != 65536 {
		t.Fatal(b.Err())
	}
}

// A Walrus-style call: a WAL coin type argument parsed from text.
func TestBuilderWalrusCall(t *testing.T) {
	wal := MustParseTypeTag("0xabc::wal::WAL")
	b := NewProgrammableBuilder()
	system := b.Object(SharedObjectArg(walrus.MustParseID("0x5"), 1, true))
	coin := b.SplitCoins(b.Gas(), b.Pure(uint64(1_000)))[0]
	storage := b.MoveCall(pkgA, "system", "reserve_space", nil, system, b.Pure(uint64(1<<20)), b.Pure(uint32(5)), coin)
	b.MoveCall(two, "coin", "destroy_zero", []TypeTag{wal}, coin)
	b.TransferObjects([]Argument{storage}, b.Pure(alice))
	td := NewTransactionData(alice, b.mustFinish(), simpleGas(alice))
	if b.Err() != nil {
		t.Fatal(b.Err())
	}
	got, err := DecodeTransaction(td.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if ta := got.Programmable().Commands[2].MoveCall.TypeArguments[0]; !ta.Equal(&wal) ||
		ta.String() != "0x0000000000000000000000000000000000000000000000000000000000000abc::wal::WAL" {
		t.Fatal(ta)
	}
}

func ed25519Verify(pub, msg, sig []byte) bool { return ed25519.Verify(pub, msg, sig) }

func finishIgnoringErr(b *ProgrammableBuilder) ProgrammableTransaction {
	pt, _ := b.Finish()
	return pt
}

// mustFinish is Finish for tests whose building cannot fail.
func (b *ProgrammableBuilder) mustFinish() ProgrammableTransaction {
	pt, err := b.Finish()
	if err != nil {
		panic(err)
	}
	return pt
}
