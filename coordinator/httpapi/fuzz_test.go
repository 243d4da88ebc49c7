package httpapi_test

import (
	"net/url"
	"testing"

	"github.com/tuskstore/tusk/coordinator/httpapi"
)

// FuzzParseRange: never panics; a parsed range resolves within any blob.
func FuzzParseRange(f *testing.F) {
	for _, s := range []string{"bytes=0-499", "bytes=500-", "bytes=-5", "bytes=1-2,3-4", " bytes=10-20 ", "bytes=9-1", "bytes=-0", "items=1-2", "bytes=18446744073709551615-"} {
		f.Add(s, uint64(1000))
	}
	f.Fuzz(func(t *testing.T, h string, size uint64) {
		r, err := httpapi.ParseRange(h)
		if err != nil {
			return
		}
		start, length, ok := r.Resolve(size)
		if !ok {
			return
		}
		if length == 0 || start >= size || length > size-start {
			t.Fatalf("%q on %d bytes resolved to start %d length %d", h, size, start, length)
		}
	})
}

// FuzzPublisherQuery: never panics; accepted queries are consistent.
func FuzzPublisherQuery(f *testing.F) {
	for _, s := range []string{"epochs=5&permanent=true", "share=true", "send_object_to=0x1", "deletable=true&permanent=true", "epochs=0", "quilt_version=V1", "a=%zz"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, raw string, quilt bool) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		p, err := httpapi.ParsePublisherQuery(q, quilt)
		if err != nil {
			return
		}
		if p.Epochs == 0 || (p.Permanent && p.Deletable) || (p.Share && p.SendObjectTo != nil) || (!quilt && p.QuiltVersion != "") {
			t.Fatalf("%q accepted as %+v", raw, p)
		}
	})
}

// FuzzReadQueries: the read and byte-range query parsers never panic, and what they
// accept is valid.
func FuzzReadQueries(f *testing.F) {
	for _, s := range []string{"strict_consistency_check=true", "skip_consistency_check=true&strict_consistency_check=true", "start=1&length=2", "start=18446744073709551615&length=1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		_, _ = httpapi.ParseReadOptions(q)
		start, length, err := httpapi.ParseByteRangeQuery(q)
		if err == nil && (length == 0 || start+length < start) {
			t.Fatalf("%q accepted as start %d length %d", raw, start, length)
		}
	})
}

// FuzzJWT: arbitrary tokens never panic and never authenticate without the secret.
func FuzzJWT(f *testing.F) {
	f.Add("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJleHAiOjMzMjkyNTk4NDAwfQ.x")
	f.Add("eyJhbGciOiJub25lIn0.eyJleHAiOjMzMjkyNTk4NDAwfQ.")
	f.Add("a.b.c")
	a, err := httpapi.NewAuthenticator(httpapi.AuthConfig{Secret: "fuzz-secret-0123456789", ExpiringSec: 0})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, tok string) {
		if _, err := a.Parse(tok); err == nil {
			t.Fatalf("token %q authenticated", tok)
		}
	})
}
