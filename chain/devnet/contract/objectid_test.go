package contract

import (
	"encoding/binary"
	"encoding/hex"
	"testing"

	"github.com/tuskstore/tusk/chain/walrus"
)

// IDs that Sui's Move unit-test runner gives to created objects, as `sui move test`
// prints them and published test fixtures hard-code them:
//   - tx_context::dummy() has the digest 3a985da7…1532; its first object is 0x381dd907…
//     (Wormhole's emitter::dummy test, Seal's test vectors);
//   - test_scenario's transactions have digest dummy_tx_hash_with_hint(n), n as a
//     little-endian u64 zero-padded to 32 bytes; the first object of transactions 0..3 is
//     0x34401905… (Sui docs' my_first_package output, Seal's first test key server),
//     0xd726ecf6…, 0xdba72804… (the other Seal test key servers), 0x75c3360e… (Wormhole's
//     emitter test).
func TestDeriveObjectIDGolden(t *testing.T) {
	hint := func(n uint64) (d [32]byte) {
		binary.LittleEndian.PutUint64(d[:8], n)
		return d
	}
	var dummy [32]byte
	copy(dummy[:], mustHex("3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532"))
	for _, c := range []struct {
		digest [32]byte
		index  uint64
		want   string
	}{
		{dummy, 0, "0x381dd9078c322a4663c392761a0211b527c127b29583851217f948d62131f409"},
		{hint(0), 0, "0x034401905bebdf8c04f3cd5f04f442a39372c8dc321c29edfb4f9cb30b23ab96"},
		{hint(1), 0, "0xd726ecf6f7036ee3557cd6c7b93a49b231070e8eecada9cfa157e40e3f02e5d3"},
		{hint(2), 0, "0xdba72804cc9504a82bbaa13ed4a83a0e2c6219d7e45125cf57fd10cbab957a97"},
		{hint(3), 0, "0x75c3360eb19fd2c20fbba5e2da8cf1a39cdb1ee913af3802ba330b852e459e05"},
	} {
		if got := DeriveObjectID(c.digest, c.index); got != walrus.MustParseID(c.want) {
			t.Errorf("DeriveObjectID(hint, %d) = %s, want %s", c.index, got, c.want)
		}
	}
	// The creation index is part of the hash, little-endian.
	if DeriveObjectID(hint(0), 1) == DeriveObjectID(hint(0), 0) ||
		DeriveObjectID(hint(0), 1) == DeriveObjectID(hint(0), 1<<56) {
		t.Error("creation index not hashed")
	}
}

func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}
