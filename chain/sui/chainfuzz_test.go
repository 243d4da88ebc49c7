package sui

import (
	"bytes"
	"errors"
	"testing"

	"github.com/tuskstore/tusk/internal/bcs"
)

// checkDecode fails t unless decoding data either fails with bcs.ErrMalformed or succeeds
// and re-encodes to data.
func checkDecode(t *testing.T, name string, data []byte, decode func([]byte) ([]byte, error)) {
	back, err := decode(data)
	if err != nil {
		if !errors.Is(err, bcs.ErrMalformed) {
			t.Fatalf("%s: untyped error %v", name, err)
		}
		return
	}
	if !bytes.Equal(back, data) {
		t.Fatalf("%s: re-encoding differs\n got %x\nwant %x", name, back, data)
	}
}

// FuzzDecodeEffects: TransactionEffects (and TransactionEvents, which effects commit to)
// decode without panicking, and whatever decodes re-encodes to the same bytes.
func FuzzDecodeEffects(f *testing.F) {
	for _, e := range sampleEffects() {
		f.Add(e.Bytes())
	}
	for _, ev := range sampleEvents() {
		f.Add(ev.Bytes())
	}
	f.Add(readFixture(f, "pyth-wormhole-v2-effects.b64"))
	cd := loadFullCheckpoint(f, 0)
	f.Add(cd.txs[3].effectsBytes)
	cd = loadFullCheckpoint(f, 2)
	f.Add(cd.txs[0].effectsBytes)
	f.Add(cd.txs[1].eventsBytes[:2000])
	f.Fuzz(func(t *testing.T, data []byte) {
		checkDecode(t, "effects", data, decodeAs[TransactionEffects])
		checkDecode(t, "events", data, decodeAs[TransactionEvents])
	})
}

// FuzzDecodeObject: Object decodes without panicking, and whatever decodes re-encodes to
// the same bytes (so its digest is the digest of the input).
func FuzzDecodeObject(f *testing.F) {
	for _, o := range sampleObjects() {
		f.Add(o.Bytes())
	}
	for _, v := range readObjectFixtures(f) {
		f.Add(v.raw)
	}
	cd := loadFullCheckpoint(f, 2)
	f.Add(cd.txs[0].outputBytes[0])
	f.Fuzz(func(t *testing.T, data []byte) {
		checkDecode(t, "object", data, decodeAs[Object])
		if o, err := DecodeObject(data); err == nil {
			if o.Digest() != saltedDigest("Object::", data) {
				t.Fatal("digest is not the digest of the input")
			}
			o.ID()
			o.Data.Move.Type.StructTag()
		}
	})
}

// FuzzDecodeCheckpoint: CheckpointSummary, CertifiedCheckpointSummary and
// CheckpointContents decode without panicking, and whatever decodes re-encodes to the
// same bytes.
func FuzzDecodeCheckpoint(f *testing.F) {
	for _, s := range sampleSummaries() {
		f.Add(s.Bytes())
	}
	for _, c := range sampleContents() {
		f.Add(c.Bytes())
	}
	for _, s := range []string{rustSignedCheckpoint1, rustSignedCheckpoint2, rustSignedCheckpoint3, rustCheckpointContents} {
		f.Add(b64(f, s))
	}
	cd := loadFullCheckpoint(f, 0)
	f.Add(cd.certBytes)
	f.Add(cd.contentsBytes)
	f.Fuzz(func(t *testing.T, data []byte) {
		checkDecode(t, "summary", data, decodeAs[CheckpointSummary])
		checkDecode(t, "certified summary", data, decodeAs[CertifiedCheckpointSummary])
		checkDecode(t, "contents", data, decodeAs[CheckpointContents])
		if c, err := DecodeCheckpointContents(data); err == nil {
			for i := -1; i <= c.Len(); i++ {
				c.Signatures(i)
			}
			c.Transactions()
		}
	})
}
