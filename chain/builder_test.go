package chain

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/tuskstore/tusk/chain/sui"
	"github.com/tuskstore/tusk/chain/walrus"
)

// ptbBuilder is what both the SDK-backed builder and chain/sui's own builder offer.
type ptbBuilder interface {
	Object(sui.ObjectArg) sui.Argument
	Pure(any) sui.Argument
	MoveCall(pkg walrus.ID, module, function string, typeArgs []sui.TypeTag, args ...sui.Argument) sui.Argument
	SplitCoins(coin sui.Argument, amounts ...sui.Argument) []sui.Argument
	MergeCoins(dst sui.Argument, sources ...sui.Argument)
	TransferObjects(objects []sui.Argument, recipient sui.Argument)
}

func testRef(b byte, version uint64) sui.ObjectRef {
	var r sui.ObjectRef
	r.ObjectID[0], r.ObjectID[31] = b, b
	r.Version = version
	for i := range r.Digest {
		r.Digest[i] = b ^ byte(i)
	}
	return r
}

// buildEverything uses every construct the chain client's transactions use: shared
// objects (added twice, once mutable), owned objects (added twice), pure values of each
// kind, a struct type argument with a type parameter, nested results, the gas coin.
func buildEverything(b ptbBuilder) {
	pkg := walrus.MustParseID("0x5a")
	system := sui.SharedObjectArg(walrus.MustParseID("0x77"), 3, false)
	wal := sui.StructTag{Address: pkg, Module: "wal", Name: "WAL"}
	coinOfWAL := sui.CoinType(sui.TypeTag{Kind: sui.TypeStruct, Struct: &wal})

	coin := b.Object(sui.OwnedObjectArg(testRef(1, 9)))
	other := b.Object(sui.OwnedObjectArg(testRef(2, 4)))
	b.MergeCoins(coin, other)
	pay := b.SplitCoins(coin, b.Pure(uint64(1_234_567)), b.Pure(uint64(1)))
	sys := b.Object(system)
	storage := b.MoveCall(pkg, "system", "reserve_space", nil, sys, b.Pure(uint64(1<<20)), b.Pure(uint32(5)), pay[0])
	blob := b.MoveCall(pkg, "system", "register_blob", nil,
		b.Object(sui.SharedObjectArg(walrus.MustParseID("0x77"), 3, true)), storage,
		b.Pure(walrus.U256{}), b.Pure(walrus.U256{1}), b.Pure(uint64(77)), b.Pure(uint8(0)), b.Pure(true), pay[1])
	b.MoveCall(pkg, "metadata", "insert_or_update", nil, blob, b.Pure("key"), b.Pure("value: 短い"), b.Pure([]byte{1, 2, 3}))
	b.MoveCall(pkg, "auth", "authenticate_with_object", []sui.TypeTag{coinOfWAL}, b.Object(sui.OwnedObjectArg(testRef(1, 9))))
	b.MoveCall(pkg, "vec", "take", nil, b.Pure([]uint64{1, 2}), b.Pure([]walrus.ID{pkg}), b.Pure(uint16(3)))
	b.TransferObjects([]sui.Argument{blob, pay[0], sui.GasCoin()}, b.Pure(walrus.MustParseID("0xabc")))
}

// TestSDKBuilderMatchesSuiBCS builds the same transaction with the SDK's builder and
// with chain/sui's independent one: the bytes must be identical, and equal to what
// chain/sui's strict decoder re-encodes.
func TestSDKBuilderMatchesSuiBCS(t *testing.T) {
	sender := walrus.MustParseID("0x1234")
	gas := sui.GasData{Payment: []sui.ObjectRef{testRef(9, 12)}, Owner: sender, Price: 1000, Budget: 50_000_000}

	sdk := newBuilder(nil)
	buildEverything(sdk)
	td, err := sdk.transactionData(sender, gas)
	if err != nil {
		t.Fatal(err)
	}

	own := sui.NewProgrammableBuilder()
	buildEverything(own)
	pt, err := own.Finish()
	if err != nil {
		t.Fatal(err)
	}
	want := sui.NewTransactionData(sender, pt, gas)
	if got := td.Bytes(); !bytes.Equal(got, want.Bytes()) {
		t.Fatalf("the SDK-built transaction differs from chain/sui's:\n sdk %x\n own %x", got, want.Bytes())
	}
	if len(td.V1.Kind.Programmable.Inputs) != 19 {
		t.Errorf("%d inputs, want 19 (objects added twice are one input)", len(td.V1.Kind.Programmable.Inputs))
	}
	if in := td.V1.Kind.Programmable.Inputs[4]; in.Object.Kind != sui.SharedObject || in.Object.Mutability != sui.Mutable {
		t.Errorf("the system object, added immutable then mutable, is %+v; want one mutable input", in.Object)
	}
}

// TestSDKBuilderRefusesWhatItMisencodes checks that the constructs the SDK encodes
// differently from Sui, and misuses, are errors rather than bad bytes.
func TestSDKBuilderRefusesWhatItMisencodes(t *testing.T) {
	sender := walrus.MustParseID("0x1234")
	gas := sui.GasData{Payment: []sui.ObjectRef{testRef(9, 12)}, Owner: sender, Price: 1000, Budget: 50_000_000}
	pkg := walrus.MustParseID("0x5a")
	u64 := sui.TypeTag{Kind: sui.TypeU64}
	for name, tc := range map[string]struct {
		build func(b *builder)
		want  string
	}{
		"a u64 type argument": {func(b *builder) {
			b.MoveCall(pkg, "m", "f", []sui.TypeTag{u64})
		}, "only struct type tags"},
		"a vector inside a struct type argument": {func(b *builder) {
			b.MoveCall(pkg, "m", "f", []sui.TypeTag{sui.CoinType(sui.TypeTag{Kind: sui.TypeVector, Elem: &u64})})
		}, "only struct type tags"},
		"an owned object with two references": {func(b *builder) {
			b.Object(sui.OwnedObjectArg(testRef(1, 9)))
			b.Object(sui.OwnedObjectArg(testRef(1, 10)))
		}, "two different references"},
		"an object both owned and shared": {func(b *builder) {
			b.Object(sui.OwnedObjectArg(testRef(1, 9)))
			b.Object(sui.SharedObjectArg(testRef(1, 9).ObjectID, 1, true))
		}, "added both as"},
		"a pure int":                      {func(b *builder) { b.Pure(7) }, "no pure encoding for int"},
		"a pure string that is not UTF-8": {func(b *builder) { b.Pure("\xff") }, "not UTF-8"},
	} {
		b := newBuilder(nil)
		tc.build(b)
		_, err := b.transactionData(sender, gas)
		if !errors.Is(err, errSDKBuilder) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want errSDKBuilder saying %q", name, err, tc.want)
		}
	}
}
