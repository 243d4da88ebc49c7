package sui

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/tuskstore/tusk/chain/keys"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/internal/bcs"
)

// Golden vectors from real Sui and from clients that real Sui nodes accepted.
const (
	// MystenLabs/ts-sdks packages/sui/test/unit/cryptography/keypairs.test.ts (TX_BYTES,
	// DIGEST = BLAKE2b-256 of the TransactionData intent message, and ed25519 signatures
	// by three mnemonic-derived keys).
	tsTxBytes      = "AAACAQDMdYtdFSLGe6VbgpuIsMksv9Ypzpvkq2jiYq0hAjUpOQIAAAAAAAAAIHGwPza+lUm6RuJV1vn9pA4y0PwVT7k/KMMbUViQS5ydACAMVn/9+BYsttUa90vgGZRDuS6CPUumztJN5cbEY3l9RgEBAQEAAAEBAHUFfdk1Tg9l6STLBoSBJbbUuehTDUlLH7p81kpqCKsaBCiJ034Ac84f1oqgmpz79O8L/UeLNDUpOUMa+LadeX93AgAAAAAAAAAgs1e67e789jSlrzOJUXq0bb7Bn/hji+3F5UoMAbze595xCSZCVjU1ItUC9G7KQjygNiBbzZe8t7YLPjRAQyGTzAIAAAAAAAAAIAujHFcrkJJhZfCmxmCHsBWxj5xkviUqB479oupdgMZu07b+hkrjyvCcX50dO30v3PszXFj7+lCNTUTuE4UI3eoCAAAAAAAAACBIv39dyVELUFTkNv72mat5R1uHFkQdViikc1lTMiSVlOD+eESUq3neyciBatafk9dHuhhrS37RaSflqKwFlwzPAgAAAAAAAAAg8gqL3hCkAho8bb0PoqshJdqQFoRP8ZmQMZDFvsGBqa11BX3ZNU4PZekkywaEgSW21LnoUw1JSx+6fNZKagirGgEAAAAAAAAAKgQAAAAAAAAA"
	tsIntentDigest = "VMVv+/L/EG7/yhEbCQ1qiSt30JXV8yIm+4xO6yTkqeM="

	// MystenLabs/sui-rust-sdk crates/sui-sdk-types/src/transaction/serialization.rs,
	// transaction_fixtures: PTB (a mainnet DeepBook cancel_order), CONSENSUS_PROLOGUE and
	// EPOCH_CHANGE (system transactions).
	rustPTB               = "AAADAQFEBbUNeR/TNGdU6Bcaqra8LtJsLEbv3QM8FLMK5QesMyx96QEAAAAAAQAIVsakAAAAAAABALyyokbZ/8ynfWQer6UyP1DpeCnPU1NC7AyFNJSaTztnQF40BQAAAAAgffPXh5XuG6TWjHk6qC5w9k2a+41oTWfm0sC1FOYRqsEBAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAN7pB2Nsb2JfdjIMY2FuY2VsX29yZGVyAgcAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAgNzdWkDU1VJAAddSzAlBmRcN/8TO5jEtQpa4UhBZZc41tcz1Z0NIXqTvwRjb2luBENPSU4AAwEAAAEBAAECAPgh00g/x3Jeuvqlo9Ejc9SZAb384UhPIZ2qcGajDfd9ASXQjpFOD6mfycbzwD1wc+IOkCXQ8rHQo/Vi5SDOGMR/Jl40BQAAAAAgV7P1E0IMKon5uI82R/0arWLt+dc1ng/4VwKDqpTCxHT4IdNIP8dyXrr6paPRI3PUmQG9/OFITyGdqnBmow33fe4CAAAAAAAAAMqaOwAAAAAA"
	rustConsensusPrologue = "AAMAAAAAAAAAAAIAAAAAAAAAtkjHeocBAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAAAAAAAAAAAAAAAAAAA=="
	rustEpochChange       = "AAUCAmkBAAAAAAAAmSrgAQAAAAAAagEAAAAAAAApAAAAAAAAALAQCoNLLwAAnNn0sywGAABsVBEfSC0AAKQnlhd1AAAAzve+vo4BAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAAAAAAAAAAAAAAAAAAA="

	// trustwallet/wallet-core rust/chains/tw_sui/tests/decode_transaction.rs: a devnet
	// transfer "successfully broadcasted" as HkPo6rYPyDY53x1MBszvSZVZyixVN7CHvCJGX381czAh.
	twDevnetTransfer       = "AAACAAgQJwAAAAAAAAAgJZ/4B0q0Jcu0ifI24Y4I8D8aeFa998eih3vWT3OLUBUCAgABAQAAAQEDAAAAAAEBANV1rX8Y6UhGKlz2mPVk7zlKdSpx/sYkk6+KBVwBLA1QAQbywsjB2JZN8QGdZhbpcFcZvrq9kx2idVy5SM635olk7AIAAAAAAAAgYEVuxmf1zRBGdoDr+VDtMpIFF12s2Ua7I2ru1XyGF8/Vda1/GOlIRipc9pj1ZO85SnUqcf7GJJOvigVcASwNUAEAAAAAAAAA0AcAAAAAAAAA"
	twDevnetTransferDigest = "HkPo6rYPyDY53x1MBszvSZVZyixVN7CHvCJGX381czAh"

	// trustwallet/wallet-core rust/tw_tests/tests/chains/sui/test_cases.rs
	// (transfer_d4ay9tdb): a mainnet PaySui broadcast as D4Ay9TdB…, its intent digest
	// (TX_HASH), the signature, and the signing key (PRIVATE_KEY_54E80D76).
	twMainnetPaySui       = "AAAEAAjoAwAAAAAAAAAIUMMAAAAAAAAAIKcXWr3V7ZLr4605DbNmxqcGR4zfUXzebPmGMAZc2jd6ACBU6A1215DCd/WkTzzpL1PSb1iUiSvzld7mN1mIh2vmsgMCAAIBAAABAQABAQMAAAAAAQIAAQEDAAABAAEDAFToDXbXkMJ39aRPPOkvU9JvWJSJK/OV3uY3WYiHa+ayAWNgILOn3HsRw6pvQZsX+KnBLn95ox0b3S3mcLTt1jAFeHEaBQAAAAAgGGuNnxrqusosgjP3gQ3jBjnhapGNBlcU0yTaupXpa0BU6A1215DCd/WkTzzpL1PSb1iUiSvzld7mN1mIh2vmsu4CAAAAAAAAwMYtAAAAAAAA"
	twMainnetPaySuiDigest = "D4Ay9TdBJjXkGmrZSstZakpEWskEQHaWURP6xWPRXbAm"
	twMainnetPaySuiIntent = "4c171457873befef70077461909ae40ac67bdad476b832b9c09b589cd698578f"
	twMainnetPaySuiSig    = "AEh44B7iGArEHF1wOLAQJMLNgGnaIwn3gKPC92vtDJqITDETAM5z9plaxio1xomt6/cZReQ5FZaQsMC6l7E0BwmF69FEH+T5VPvl3GB3vwCOEZpeJpKXxvcIPQAdKsh2/g=="
	twKeySeed54e8         = "7e6682f7bf479ef0f627823cffd4e1a940a7af33e5fb39d9e0f631d2ecc5daff"
	twSender54e8          = "0x54e80d76d790c277f5a44f3ce92f53d26f5894892bf395dee6375988876be6b2"

	// trustwallet/wallet-core rust/chains/tw_sui/tests/fixtures/aftermath_tx_1_serialized.json
	// ("generated via aftermath-sdk", i.e. the Sui TypeScript SDK) with its intent digest
	// and signature from rust/tw_tests/tests/chains/sui/sui_compile.rs.
	twAftermath       = "AAASAAgAypo7AAAAAAAIWV08AAAAAAABAXL7yTpFGSNXyHVX/nPqYv5ZaO+1SCg06SQ/hQN3JRU0ZRahDQAAAAAAAQF9hMKaltZqlaXfceWeWFkTrvC/WHIiFgDdh22dYLmWzmUWoQ0AAAAAAAABAAABAAABAAAIAAAAAAAAAAABAbCqw3ETvKaZemirWRaCNQtdcJypr+bwitERTgP2NSQddhahDQAAAAABAQEsb8Er8NCTtTkefA/tfgRNUrwU6yn2NSo/s1jjPoBynvXqJgAAAAAAAQAIAAAAAAAAAAABAQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAGAQAAAAAAAAAAAQHxzw6BBI3xaOvrG4Aw+tJLPgtTroJ8JQU//wd5wURbb4+8GAAAAAAAAAEBGfIbo9/Mp5urZeLOcE2kP9EHCKC4OrDLUgbSrUfoWqo6zBAcAAAAAAEACAAAAAAAAAAAAQEznuZ/YTMQ3Uk9b3LBnOu98CfjsdcQc0ygGesb7IFonCDHEBwAAAAAAQAIAAAAAAAAAAAAIPw69t1txhTMbuF5dAM9dhFoQ1Nvmz4FJLTUjFS/uUctCAIAAQEAAACi8GMY15fjorpzQGkWXhZIcGd/cF2V2KGLbZqrvViHCQZyb3V0ZXIgYmVnaW5fcm91dGVyX3R4X2FuZF9jb2xsZWN0X2ZlZXMCBwAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACA3N1aQNTVUkAB9ujRnLjDLBlsfk+OrVTGHaP1v72bBWULJ98uEbi+QDnBHVzZGMEVVNEQwAHAgAAAQEAAQIAAQMAAQQAAQUAAQYAAKLwYxjXl+OiunNAaRZeFkhwZ39wXZXYoYttmqu9WIcJBnJvdXRlchhpbml0aWF0ZV9wYXRoX2J5X3BlcmNlbnQBBwAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACA3N1aQNTVUkAAgIBAAEHAAAvNU6T5jjKZs7Lp2nNCCe4nITP4IoMdqndORCwClWovAZyb3V0ZXIIc3dhcF9iX2EEBwAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACA3N1aQNTVUkAB10fR+ppuw3jHDE9es+JuJDbuJkeqOA8bDVRcfhLsbpKBnR1cmJvcwZUVVJCT1MABwAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACA3N1aQNTVUkAB5G/vDhqQa/P2bJTMFjX6RWh04KQicwmj/QzPVTWM5yhCmZlZTMwMDBicHMKRkVFMzAwMEJQUwAHAQgAAgEAAQkAAgIAAQoAAQsAAQwAAC81TpPmOMpmzsunac0IJ7ichM/gigx2qd05ELAKVai8BnJvdXRlcghzd2FwX2JfYQQHAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAIDc3VpA1NVSQAHNZlCnWaWUCH2zgipl+gbs8Hywbmo+7GZU+JvXcVeke8Ic3VpZGVwaW4IU1VJREVQSU4AB10fR+ppuw3jHDE9es+JuJDbuJkeqOA8bDVRcfhLsbpKBnR1cmJvcwZUVVJCT1MAB5G/vDhqQa/P2bJTMFjX6RWh04KQicwmj/QzPVTWM5yhC2ZlZTEwMDAwYnBzC0ZFRTEwMDAwQlBTAAcBCAACAQABDQACAwABDgABCwABDAAALzVOk+Y4ymbOy6dpzQgnuJyEz+CKDHap3TkQsApVqLwGcm91dGVyCHN3YXBfYV9iBAcAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAgNzdWkDU1VJAAc1mUKdZpZQIfbOCKmX6BuzwfLBuaj7sZlT4m9dxV6R7whzdWlkZXBpbghTVUlERVBJTgAH26NGcuMMsGWx+T46tVMYdo/W/vZsFZQsn3y4RuL5AOcEdXNkYwRVU0RDAAeRv7w4akGvz9myUzBY1+kVodOCkInMJo/0Mz1U1jOcoQtmZWUxMDAwMGJwcwtGRUUxMDAwMEJQUwAHAQgAAgEAAQ8AAgQAARAAAQsAAQwAAKLwYxjXl+OiunNAaRZeFkhwZ39wXZXYoYttmqu9WIcJBnJvdXRlcg1lbmRfcm91dGVyX3R4AgcAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAgNzdWkDU1VJAAfbo0Zy4wywZbH5Pjq1Uxh2j9b+9mwVlCyffLhG4vkA5wR1c2RjBFVTREMAAgIBAAIFAAEBAgUAAREA/Dr23W3GFMxu4Xl0Az12EWhDU2+bPgUktNSMVL+5Ry0BB5S+PzAWxz5nYSAy6IOX38Q3mLogscD2Z2mnRFWlSUd3s/kcAAAAACD+yiHxK9leAc/dp8axBCz+Q640840jcStcSDA2h2K+y/w69t1txhTMbuF5dAM9dhFoQ1Nvmz4FJLTUjFS/uUct7gIAAAAAAACYO7IBAAAAAAA="
	twAftermathIntent = "75fe8ed844ab7e84c18051e808693b22c63a7e291d66b2e3a9336cc20730ac0e"
	twAftermathSig    = "ABl18CtTKml1sbI+HC1ciDlew7NiizEUK2KYfOgEDFVvrCcYbV2TSQI6lBkT710s+L+HrASGVvxVj/igpgB+dAyF69FEH+T5VPvl3GB3vwCOEZpeJpKXxvcIPQAdKsh2/g=="
)

func b64(t testing.TB, s string) []byte {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	s, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b64(t, string(s))
}

// goldenProgrammable are the user transactions among the vectors.
func goldenProgrammable(t testing.TB) map[string][]byte {
	return map[string][]byte{
		"ts-keypairs":       b64(t, tsTxBytes),
		"rust-ptb":          b64(t, rustPTB),
		"rust-wormhole":     readFixture(t, "wormhole-pyth-transaction.b64"),
		"tw-devnet":         b64(t, twDevnetTransfer),
		"tw-mainnet-paysui": b64(t, twMainnetPaySui),
		"tw-aftermath":      b64(t, twAftermath),
	}
}

// Every golden programmable transaction decodes, passes the mainnet checks and re-encodes
// to the same bytes.
func TestGoldenRoundTrip(t *testing.T) {
	for name, raw := range goldenProgrammable(t) {
		td, err := DecodeTransaction(raw)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := td.Bytes(); !bytes.Equal(got, raw) {
			t.Fatalf("%s: re-encoding differs\n got %x\nwant %x", name, got, raw)
		}
		if td.Digest() != TransactionDigest(raw) {
			t.Fatalf("%s: digest", name)
		}
	}
}

func TestGoldenTransactionDigests(t *testing.T) {
	for _, c := range []struct{ b64, digest string }{
		{twDevnetTransfer, twDevnetTransferDigest},
		{twMainnetPaySui, twMainnetPaySuiDigest},
	} {
		if got := TransactionDigest(b64(t, c.b64)).String(); got != c.digest {
			t.Errorf("digest %s, want %s", got, c.digest)
		}
	}
}

func TestGoldenIntentDigests(t *testing.T) {
	d := IntentMessageDigest(IntentTransactionData, b64(t, tsTxBytes))
	if got := base64.StdEncoding.EncodeToString(d[:]); got != tsIntentDigest {
		t.Errorf("ts intent digest %s, want %s", got, tsIntentDigest)
	}
	for _, c := range []struct{ b64, digest string }{
		{twMainnetPaySui, twMainnetPaySuiIntent},
		{twAftermath, twAftermathIntent},
	} {
		d := IntentMessageDigest(IntentTransactionData, b64(t, c.b64))
		if got := hex.EncodeToString(d[:]); got != c.digest {
			t.Errorf("intent digest %s, want %s", got, c.digest)
		}
	}
}

// The real signatures verify over the real bytes, come from the sender, and ed25519
// re-signing with the published key reproduces them exactly.
func TestGoldenSignatures(t *testing.T) {
	kp, err := keys.NewKeypairFromSeed(unhex(t, twKeySeed54e8))
	if err != nil {
		t.Fatal(err)
	}
	// The aftermath transaction names another sender (0xfc3a…): Trust Wallet's test only
	// signs it; the signature is still valid for the 0x54e8… key.
	for _, c := range []struct {
		tx, sig  string
		isSender bool
	}{
		{twMainnetPaySui, twMainnetPaySuiSig, true},
		{twAftermath, twAftermathSig, false},
	} {
		raw, sig := b64(t, c.tx), b64(t, c.sig)
		addr, err := keys.VerifyTransactionSignature(raw, sig)
		if err != nil {
			t.Fatal(err)
		}
		td, err := DecodeTransaction(raw)
		if err != nil {
			t.Fatal(err)
		}
		if addr.String() != twSender54e8 || (walrus.ID(addr) == td.V1.Sender) != c.isSender {
			t.Fatalf("signer %s, sender %s", addr, td.V1.Sender)
		}
		if !slicesEqual(td.RequiredSigners(), []walrus.ID{td.V1.Sender}) {
			t.Fatal("required signers")
		}
		if got := kp.SignTransaction(raw); !bytes.Equal(got, sig) {
			t.Fatalf("re-signed %x, want %x", got, sig)
		}
		st := SignedTransaction{Data: *td, Signatures: [][]byte{sig}}
		enc := bcs.Marshal(&st)
		if uint64(len(enc)) != SignedSize(raw, st.Signatures) {
			t.Fatalf("SignedSize %d, encoded %d", SignedSize(raw, st.Signatures), len(enc))
		}
		var back SignedTransaction
		if err := bcs.Unmarshal(enc, &back); err != nil || !bytes.Equal(bcs.Marshal(&back), enc) {
			t.Fatalf("SignedTransaction round trip: %v", err)
		}
		if err := CheckSignedSize(raw, st.Signatures, MainnetLimits); err != nil {
			t.Fatal(err)
		}
	}

	// ts-sdks keypairs.test.ts: public keys, addresses and signatures over TX_BYTES.
	raw := b64(t, tsTxBytes)
	for _, c := range [][3]string{
		{"ImR/7u82MGC9QgWhZxoV8QoSNnZZGLG19jjYLzPPxGk=", "0xa2d14fad60c56049ecf75246a481934691214ce413e6a8ae2fe6834c173a6133", "NwIObhuKot7QRWJu4wWCC5ttOgEfN7BrrVq1draImpDZqtKEaWjNNRKKfWr1FL4asxkBlQd8IwpxpKSTzcXMAQ=="},
		{"vG6hEnkYNIpdmWa/WaLivd1FWBkxG+HfhXkyWgs9uP4=", "0x1ada6e6f3f3e4055096f606c746690f1108fcc2ca479055cc434a3e1d3f758aa", "8BSMw/VdYSXxbpl5pp8b5ylWLntTWfBG3lSvAHZbsV9uD2/YgsZDbhVba4rIPhGTn3YvDNs3FOX5+EIXMup3Bw=="},
		{"arEzeF7Uu90jP4Sd+Or17c+A9kYviJpCEQAbEt0FHbU=", "0xe69e896ca10f5a77732769803cc2b5707f0ab9d4407afb5e4b4464b89769af14", "/ihBMku1SsqK+yDxNY47N/tAREZ+gWVTvZrUoCHsGGR9CoH6E7SLKDRYY9RnwBw/Bt3wWcdJ0Wc2Q3ioHIlzDA=="},
	} {
		sig := append(append([]byte{keys.FlagEd25519}, b64(t, c[2])...), b64(t, c[0])...)
		addr, err := keys.VerifyTransactionSignature(raw, sig)
		if err != nil || addr.String() != c[1] {
			t.Fatalf("ts signature: %v, %s", err, addr)
		}
	}
}

func slicesEqual(a, b []walrus.ID) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Field-level checks of the decoded vectors.
func TestGoldenFields(t *testing.T) {
	td, err := DecodeTransaction(b64(t, tsTxBytes))
	if err != nil {
		t.Fatal(err)
	}
	pt := td.Programmable()
	if len(pt.Inputs) != 2 || pt.Inputs[0].Kind != CallArgObject || pt.Inputs[0].Object.Kind != ImmOrOwnedObject ||
		pt.Inputs[0].Object.Ref.ObjectID.String() != "0xcc758b5d1522c67ba55b829b88b0c92cbfd629ce9be4ab68e262ad2102352939" ||
		pt.Inputs[0].Object.Ref.Version != 2 || pt.Inputs[1].Kind != CallArgPure || len(pt.Inputs[1].Pure) != 32 {
		t.Fatalf("ts inputs %+v", pt.Inputs)
	}
	if len(pt.Commands) != 1 || pt.Commands[0].Kind != CmdTransferObjects || pt.Commands[0].Arg != Input(1) ||
		len(pt.Commands[0].Args) != 1 || pt.Commands[0].Args[0] != Input(0) {
		t.Fatalf("ts commands %+v", pt.Commands)
	}
	if g := td.V1.GasData; len(g.Payment) != 4 || g.Price != 1 || g.Budget != 1066 || g.Owner != td.V1.Sender ||
		td.V1.Expiration.Kind != ExpireNone {
		t.Fatalf("ts gas %+v", g)
	}

	// The DeepBook PTB: a shared object, a pure u64, an owned object, and
	// 0xdee9::clob_v2::cancel_order<0x2::sui::SUI, 0x5d4b…::coin::COIN>.
	td, err = DecodeTransaction(b64(t, rustPTB))
	if err != nil {
		t.Fatal(err)
	}
	pt = td.Programmable()
	if len(pt.Inputs) != 3 || pt.Inputs[0].Object.Kind != SharedObject || pt.Inputs[0].Object.Mutability != Mutable ||
		pt.Inputs[1].Kind != CallArgPure || !bytes.Equal(pt.Inputs[1].Pure, unhex(t, "56c6a40000000000")) ||
		pt.Inputs[2].Object.Kind != ImmOrOwnedObject {
		t.Fatalf("rust inputs %+v", pt.Inputs)
	}
	mc := pt.Commands[0].MoveCall
	if pt.Commands[0].Kind != CmdMoveCall || mc.Package != walrus.MustParseID("0xdee9") || mc.Module != "clob_v2" ||
		mc.Function != "cancel_order" || len(mc.TypeArguments) != 2 ||
		mc.TypeArguments[0].String() != "0x0000000000000000000000000000000000000000000000000000000000000002::sui::SUI" ||
		mc.TypeArguments[1].ShortString() != "0x5d4b302506645c37ff133b98c4b50a5ae14841659738d6d733d59d0d217a93bf::coin::COIN" ||
		len(mc.Arguments) != 3 {
		t.Fatalf("rust move call %+v", mc)
	}

	// The aftermath router: 18 inputs, SplitCoins of the gas coin, then router calls with
	// up to four type arguments, then a transfer.
	td, err = DecodeTransaction(b64(t, twAftermath))
	if err != nil {
		t.Fatal(err)
	}
	pt = td.Programmable()
	if len(pt.Inputs) != 18 || len(pt.Commands) != 8 || pt.Commands[0].Kind != CmdSplitCoins ||
		pt.Commands[0].Arg != GasCoin() || pt.Commands[7].Kind != CmdTransferObjects ||
		pt.Commands[7].Arg != Input(17) || len(pt.Commands[4].MoveCall.TypeArguments) != 4 {
		t.Fatalf("aftermath: %d inputs, commands %+v", len(pt.Inputs), pt.Commands)
	}
	if c := pt.Commands[1]; c.Kind != CmdMoveCall || c.MoveCall.Module != "router" ||
		c.MoveCall.Function != "begin_router_tx_and_collect_fees" ||
		c.MoveCall.TypeArguments[1].ShortString() != "0xdba34672e30cb065b1f93e3ab55318768fd6fef66c15942c9f7cb846e2f900e7::usdc::USDC" {
		t.Fatalf("aftermath command 0 %+v", c.MoveCall)
	}
}

// The client builds the Trust Wallet transactions byte for byte.
func TestBuilderReproducesGolden(t *testing.T) {
	// Devnet transfer: SplitCoins(Gas, [10000]) then TransferObjects to the recipient.
	b := NewProgrammableBuilder()
	amount := b.Pure(uint64(10000))
	coins := b.SplitCoins(b.Gas(), amount)
	b.TransferObjects(coins, b.Pure(walrus.MustParseID("0x259ff8074ab425cbb489f236e18e08f03f1a7856bdf7c7a2877bd64f738b5015")))
	if b.Err() != nil {
		t.Fatal(b.Err())
	}
	sender := walrus.MustParseID("0xd575ad7f18e948462a5cf698f564ef394a752a71fec62493af8a055c012c0d50")
	td := NewTransactionData(sender, b.mustFinish(), GasData{
		Payment: []ObjectRef{{
			ObjectID: walrus.MustParseID("0x06f2c2c8c1d8964df1019d6616e9705719bebabd931da2755cb948ceb7e68964"),
			Version:  748,
			Digest:   MustParseDigest("7UoYeVzREVT17ZyYbRTsKzRCec5xJWm6FMh8AKaDPdDx"),
		}},
		Owner:  sender,
		Price:  1,
		Budget: 2000,
	})
	if got := td.Bytes(); !bytes.Equal(got, b64(t, twDevnetTransfer)) {
		t.Fatalf("devnet transfer\n got %x\nwant %x", got, b64(t, twDevnetTransfer))
	}
	if td.Digest().String() != twDevnetTransferDigest {
		t.Fatal("digest")
	}

	// Mainnet PaySui: 1000 MIST to one address and 50000 back to the sender.
	b = NewProgrammableBuilder()
	coins = b.SplitCoins(b.Gas(), b.Pure(uint64(1000)), b.Pure(uint64(50_000)))
	b.TransferObjects(coins[:1], b.Pure(walrus.MustParseID("0xa7175abdd5ed92ebe3ad390db366c6a706478cdf517cde6cf98630065cda377a")))
	me := walrus.MustParseID(twSender54e8)
	b.TransferObjects(coins[1:], b.Pure(keys.Address(me)))
	td = NewTransactionData(me, b.mustFinish(), GasData{
		Payment: []ObjectRef{{
			ObjectID: walrus.MustParseID("0x636020b3a7dc7b11c3aa6f419b17f8a9c12e7f79a31d1bdd2de670b4edd63005"),
			Version:  85619064,
			Digest:   MustParseDigest("2eKuWbZSVfpFVfg8FXY9wP6W5AFXnTchSoUdp7obyYZ5"),
		}},
		Owner:  me,
		Price:  750,
		Budget: 3_000_000,
	})
	if got := td.Bytes(); !bytes.Equal(got, b64(t, twMainnetPaySui)) {
		t.Fatalf("mainnet PaySui\n got %x\nwant %x", got, b64(t, twMainnetPaySui))
	}
}

// System transactions are rejected by kind, naming it.
func TestGoldenSystemKindsRejected(t *testing.T) {
	for _, c := range []struct {
		raw  []byte
		kind KindTag
	}{
		{b64(t, rustConsensusPrologue), KindConsensusCommitPrologue},
		{b64(t, rustEpochChange), KindEndOfEpochTransaction},
		{readFixture(t, "authenticator-state-update.b64"), KindAuthenticatorStateUpdate},
	} {
		_, err := DecodeTransaction(c.raw)
		var uk *UnsupportedKindError
		if !errors.As(err, &uk) || uk.Kind != c.kind || !errors.Is(err, ErrUnsupportedKind) || errors.Is(err, bcs.ErrMalformed) {
			t.Fatalf("%s: %v", c.kind, err)
		}
		if !strings.Contains(err.Error(), c.kind.String()) {
			t.Fatalf("error does not name the kind: %v", err)
		}
	}
}
