package keys

import (
	"strings"
	"testing"
)

// FuzzParseSuiPrivateKey: parsing never panics, and a key that parses exports to the
// same string (lower-cased).
func FuzzParseSuiPrivateKey(f *testing.F) {
	f.Add("suiprivkey1qrwsjvr6gwaxmsvxk4cfun99ra8uwxg3c9pl0nhle7xxpe4s80y05ctazer")
	f.Add("suiprivkey1qyqr6yvxdqkh32ep4pk9caqvphmk9epn6rhkczcrhaeermsyvwsg783y9am")
	f.Add("")
	f.Add("suiprivkey1")
	f.Fuzz(func(t *testing.T, s string) {
		kp, err := ParseSuiPrivateKey(s)
		if err != nil {
			return
		}
		if got := kp.ExportSuiPrivateKey(); got != strings.ToLower(strings.TrimSpace(s)) {
			t.Fatalf("%q exports as %q", s, got)
		}
	})
}
