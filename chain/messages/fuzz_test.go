package messages

import (
	"bytes"
	"encoding/hex"
	"testing"

	"github.com/tuskstore/tusk/internal/bcs"
)

func seedHex(f *testing.F, s string) {
	b, err := hex.DecodeString(s)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
}

// FuzzParseConfirmation: parsing never panics, and whatever parses re-encodes to the
// same bytes (the encoding is canonical).
func FuzzParseConfirmation(f *testing.F) {
	seedHex(f, "01000307000000dc63d02f71d936716137f17b97901af97d553ad00ac08b20f73b9693c47cd6fe00")
	seedHex(f, "01000307000000dc63d02f71d936716137f17b97901af97d553ad00ac08b20f73b9693c47cd6fe011111111111111111111111111111111111111111111111111111111111111111")
	f.Add([]byte{})
	f.Add([]byte{1, 0, 3, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := ParseStorageConfirmation(b)
		if err != nil {
			return
		}
		again := NewStorageConfirmationMessage(m.Epoch, m.Body)
		if !bytes.Equal(again, b) {
			t.Fatalf("round trip\n in  %x\n out %x", b, again)
		}
		// The other parsers must not panic either.
		ParseInvalidBlobID(b)
		ParseSyncShardRequest(b)
		ParseProofOfPossession(b)
		ParseSignedMessageBCS(b)
	})
}

// FuzzCertificateBCS: decoding never panics, and whatever decodes re-encodes to the same
// bytes, in both the SDK form and walrus-core's form.
func FuzzCertificateBCS(f *testing.F) {
	seedHex(f, "02000002002801000307000000dc63d02f71d936716137f17b97901af97d553ad00ac08b20f73b9693c47cd6fe0060"+
		"abababababababababababababababababababababababababababababababababababababababababababababababab"+
		"abababababababababababababababababababababababababababababababababababababababababababababababab")
	f.Add([]byte{})
	f.Add([]byte{0, 0, 0x60})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0x0f})
	f.Fuzz(func(t *testing.T, b []byte) {
		if c, err := ParseCertificateBCS(b); err == nil {
			if again := bcs.Marshal(c); !bytes.Equal(again, b) {
				t.Fatalf("SDK form round trip\n in  %x\n out %x", b, again)
			}
		}
		if c, err := ParseCertificateCoreBCS(b); err == nil {
			if again := c.MarshalCoreBCS(); !bytes.Equal(again, b) {
				t.Fatalf("core form round trip\n in  %x\n out %x", b, again)
			}
		}
	})
}
