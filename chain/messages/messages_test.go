package messages

import (
	"bytes"
	"encoding/hex"
	"errors"
	"testing"

	"github.com/tuskstore/tusk/chain/keys"
	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/internal/bcs"
)

func blobID(b byte) encoding.BlobID {
	var id encoding.BlobID
	for i := range id {
		id[i] = b + byte(i)
	}
	return id
}

func TestBuildParseAll(t *testing.T) {
	var addr [32]byte
	addr[0] = 0x42
	bk, err := keys.GenerateBLSKey()
	if err != nil {
		t.Fatal(err)
	}
	pub := bk.PublicKey()

	inv := NewInvalidBlobIDMessage(9, blobID(1))
	if len(inv) != HeaderSize+32 || inv[0] != byte(IntentInvalidBlobID) {
		t.Fatalf("invalid blob id message %x", inv)
	}
	mi, err := ParseInvalidBlobID(inv)
	if err != nil || mi.Epoch != 9 || mi.Body.BlobID != blobID(1) {
		t.Fatalf("invalid blob id: %+v %v", mi, err)
	}

	pop := NewProofOfPossessionMessage(3, addr, pub)
	want := append([]byte{0, 0, 3, 3, 0, 0, 0}, addr[:]...)
	want = append(want, pub[:]...)
	if !bytes.Equal(pop, want) {
		t.Fatalf("pop message %x", pop)
	}
	mp, err := ParseProofOfPossession(pop)
	if err != nil || mp.Body.SuiAddress != addr || mp.Body.BLSPublicKey != pub || mp.Epoch != 3 {
		t.Fatalf("pop: %+v %v", mp, err)
	}
	sig := SignProofOfPossession(bk, 3, addr)
	if err := VerifyProofOfPossession(3, addr, pub, sig); err != nil {
		t.Fatal(err)
	}
	if err := VerifyProofOfPossession(4, addr, pub, sig); !errors.Is(err, ErrInvalidSignature) {
		t.Fatalf("pop for another epoch: %v", err)
	}

	req := SyncShardRequest{ShardIndex: 0x0102, SliverType: SliverSecondary, StartingBlobID: blobID(5), SliverCount: 0x1122334455667788, Epoch: 0xa0b0c0d}
	ss := NewSyncShardRequestMessage(11, req)
	wantSS := "03000" + "30b000000" + "00" + "0201" + "01" + hex.EncodeToString(req.StartingBlobID[:]) + "8877665544332211" + "0d0c0b0a"
	if hex.EncodeToString(ss) != wantSS {
		t.Fatalf("sync shard\n got %x\nwant %s", ss, wantSS)
	}
	ms, err := ParseSyncShardRequest(ss)
	if err != nil || ms.Body != req || ms.Epoch != 11 {
		t.Fatalf("sync shard: %+v %v", ms, err)
	}

	// The generic header parser.
	pm, err := ParseProtocolMessage(ss)
	if err != nil || pm.Intent != IntentSyncShard || pm.Epoch != 11 || !bytes.Equal(pm.Bytes(), ss) {
		t.Fatalf("protocol message %+v %v", pm, err)
	}
	if !bytes.Equal(NewProtocolMessage(IntentSyncShard, 11, pm.Body), ss) {
		t.Fatal("NewProtocolMessage differs")
	}
	for i := IntentProofOfPossession; i <= IntentProtocolVersion+1; i++ {
		if i.String() == "" {
			t.Fatal("empty intent name")
		}
	}
}

func TestParseErrors(t *testing.T) {
	conf := NewStorageConfirmationMessage(7, StorageConfirmation{BlobID: blobID(0), Persistence: Deletable([32]byte{1})})
	perm := NewStorageConfirmationMessage(7, StorageConfirmation{BlobID: blobID(0), Persistence: Permanent()})
	mod := func(b []byte, i int, v byte) []byte {
		c := append([]byte(nil), b...)
		c[i] = v
		return c
	}
	cases := []struct {
		name string
		in   []byte
		want error
	}{
		{"empty", nil, ErrTruncated},
		{"header only", conf[:HeaderSize], ErrTruncated},
		{"short header", conf[:3], ErrTruncated},
		{"short blob id", conf[:HeaderSize+10], ErrTruncated},
		{"no persistence", conf[:HeaderSize+32], ErrTruncated},
		{"short object id", conf[:len(conf)-1], ErrTruncated},
		{"trailing deletable", append(append([]byte(nil), conf...), 0), ErrTrailingBytes},
		{"trailing permanent", append(append([]byte(nil), perm...), 1, 2), ErrTrailingBytes},
		{"wrong intent", mod(conf, 0, byte(IntentInvalidBlobID)), ErrWrongIntent},
		{"unknown intent", mod(conf, 0, 99), ErrWrongIntent},
		{"wrong version", mod(conf, 1, 1), ErrWrongVersion},
		{"wrong app", mod(conf, 2, 0), ErrWrongApp},
		{"bad persistence tag", mod(perm, len(perm)-1, 2), ErrInvalidEnum},
		{"long persistence tag", mod(perm, len(perm)-1, 0x80), ErrInvalidEnum},
	}
	for _, c := range cases {
		_, err := ParseStorageConfirmation(c.in)
		if !errors.Is(err, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, err, c.want)
		}
	}
	// Every body parser rejects trailing bytes and truncation, and the wrong intent.
	inv := NewInvalidBlobIDMessage(1, blobID(2))
	ss := NewSyncShardRequestMessage(1, SyncShardRequest{})
	pop := NewProofOfPossessionMessage(1, [32]byte{}, [48]byte{})
	for name, p := range map[string]struct {
		msg   []byte
		parse func([]byte) error
	}{
		"invalid": {inv, func(b []byte) error { _, err := ParseInvalidBlobID(b); return err }},
		"sync":    {ss, func(b []byte) error { _, err := ParseSyncShardRequest(b); return err }},
		"pop":     {pop, func(b []byte) error { _, err := ParseProofOfPossession(b); return err }},
	} {
		if err := p.parse(p.msg); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		if err := p.parse(append(append([]byte(nil), p.msg...), 0)); !errors.Is(err, ErrTrailingBytes) {
			t.Errorf("%s trailing: %v", name, err)
		}
		if err := p.parse(p.msg[:len(p.msg)-1]); !errors.Is(err, ErrTruncated) {
			t.Errorf("%s truncated: %v", name, err)
		}
		if err := p.parse(conf); !errors.Is(err, ErrWrongIntent) {
			t.Errorf("%s given a confirmation: %v", name, err)
		}
	}
	// Sync shard enum tags.
	if _, err := ParseSyncShardRequest(mod(ss, HeaderSize, 1)); !errors.Is(err, ErrInvalidEnum) {
		t.Errorf("sync shard V2: %v", err)
	}
	if _, err := ParseSyncShardRequest(mod(ss, HeaderSize+3, 2)); !errors.Is(err, ErrInvalidEnum) {
		t.Errorf("sliver type 2: %v", err)
	}
	// Decoding errors are also BCS malformed-input errors.
	if _, err := ParseStorageConfirmation(conf[:len(conf)-1]); !errors.Is(err, bcs.ErrMalformed) {
		t.Errorf("not bcs.ErrMalformed: %v", err)
	}
}

func TestSignedMessage(t *testing.T) {
	k, _ := keys.GenerateBLSKey()
	other, _ := keys.GenerateBLSKey()
	c := StorageConfirmation{BlobID: blobID(3), Persistence: Deletable([32]byte{9})}
	msg := NewStorageConfirmationMessage(5, c)
	sm := Sign(k, msg)
	if err := sm.Verify(k.PublicKey()); err != nil {
		t.Fatal(err)
	}
	if err := sm.Verify(other.PublicKey()); !errors.Is(err, ErrInvalidSignature) {
		t.Fatalf("other key: %v", err)
	}
	if err := sm.VerifyStorageConfirmation(k.PublicKey(), 5, c); err != nil {
		t.Fatal(err)
	}
	if err := sm.VerifyStorageConfirmation(k.PublicKey(), 6, c); !errors.Is(err, ErrWrongEpoch) {
		t.Fatalf("epoch: %v", err)
	}
	if err := sm.VerifyStorageConfirmation(k.PublicKey(), 5, StorageConfirmation{BlobID: blobID(3), Persistence: Permanent()}); !errors.Is(err, ErrWrongContents) {
		t.Fatalf("contents: %v", err)
	}
	tampered := sm
	tampered.SerializedMessage = append([]byte(nil), msg...)
	tampered.SerializedMessage[10] ^= 1
	if err := tampered.Verify(k.PublicKey()); !errors.Is(err, ErrInvalidSignature) {
		t.Fatalf("tampered: %v", err)
	}

	// JSON.
	js, err := sm.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	var back SignedMessage
	if err := back.UnmarshalJSON(js); err != nil || !bytes.Equal(back.SerializedMessage, msg) || back.Signature != sm.Signature {
		t.Fatalf("JSON round trip: %s %v", js, err)
	}
	wantJS := `{"serializedMessage":"` + b64(msg) + `","signature":"` + b64(sm.Signature[:]) + `"}`
	if string(js) != wantJS {
		t.Fatalf("JSON %s", js)
	}
	for _, bad := range []string{
		`{}`,
		`{"serializedMessage":"AA=="}`,
		`{"serializedMessage":"AA","signature":"` + b64(sm.Signature[:]) + `"}`,
		`{"serializedMessage":"AA==","signature":"AAAA"}`,
		`[]`,
	} {
		var m SignedMessage
		if err := m.UnmarshalJSON([]byte(bad)); err == nil {
			t.Errorf("%s parsed", bad)
		}
	}

	// BCS: ULEB length, message, 96 raw signature bytes.
	enc := bcs.Marshal(sm)
	if len(enc) != 1+len(msg)+96 || int(enc[0]) != len(msg) || !bytes.Equal(enc[1+len(msg):], sm.Signature[:]) {
		t.Fatalf("BCS %x", enc)
	}
	dec, err := ParseSignedMessageBCS(enc)
	if err != nil || !bytes.Equal(dec.SerializedMessage, msg) || dec.Signature != sm.Signature {
		t.Fatalf("BCS round trip: %v", err)
	}
	if _, err := ParseSignedMessageBCS(enc[:len(enc)-1]); !errors.Is(err, ErrTruncated) {
		t.Fatalf("truncated: %v", err)
	}
	if _, err := ParseSignedMessageBCS(append(enc, 0)); !errors.Is(err, ErrTrailingBytes) {
		t.Fatalf("trailing: %v", err)
	}
	if _, err := ParseSignedMessageBCS([]byte{0x7f, 1, 2}); !errors.Is(err, ErrTruncated) {
		t.Fatalf("long length: %v", err)
	}
}
