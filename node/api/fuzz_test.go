package api

import (
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/tuskstore/tusk/chain/keys"
	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/internal/bcs"
)

// FuzzParseQueries feeds raw query strings to every query parser: none may panic, an
// error is always an *Error with a reason and a message, and a recovery-symbol filter
// that parses re-encodes to a query that parses to the same filter.
func FuzzParseQueries(f *testing.F) {
	for _, s := range []string{
		"proofAxis=primary&id=1-2", "id=1-2&id=3-4", "targetSliver=72&targetType=primary", "targetSlivers=5&targetSlivers=6&targetType=secondary",
		"pending=true", "wait_for_registration=true&wait_millis=100", "detailed=true", "id=", "id=65535-65535&proofAxis=secondary",
		"targetSliver=99999&targetType=primary", "%zz", "id=1-2-3", "wait_millis=18446744073709551615",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		check := func(err error) {
			if err == nil {
				return
			}
			e, ok := err.(*Error)
			if !ok || e.Reason == "" || e.Message == "" || e.HTTPStatus < 400 {
				t.Fatalf("query %q: error %#v", raw, err)
			}
		}
		fl, err := ParseRecoverySymbolsQuery(q)
		check(err)
		if err == nil {
			q2, err := url.ParseQuery(fl.Query())
			if err != nil {
				t.Fatal(err)
			}
			back, err := ParseRecoverySymbolsQuery(q2)
			if err != nil || !reflect.DeepEqual(back, fl) {
				t.Fatalf("filter %+v: re-parse %+v %v", fl, back, err)
			}
		}
		_, err = ParseDecodingSymbolsQuery(q)
		check(err)
		_, err = ParseUploadQuery(q)
		check(err)
		_, err = ParseConfirmationQuery(q)
		check(err)
		_, err = ParseHealthQuery(q)
		check(err)
		for _, v := range q {
			for _, s := range v {
				_, err := ParseBlobID(s)
				check(err)
				_, err = ParseObjectID(s)
				check(err)
				_, err = ParseUint16("x", s)
				check(err)
			}
		}
	})
}

// FuzzDecodingSymbolsBCS: the decoding-symbol map decoder never panics, and what it
// accepts re-encodes to the same bytes (BCS is canonical).
func FuzzDecodingSymbolsBCS(f *testing.F) {
	f.Add([]byte{2, 1, 0, 2, 0, 3, 0, 2, 5, 6, 0, 8, 0, 2, 7, 8, 4, 0, 1, 0, 9, 0, 2, 1, 2})
	f.Add([]byte{0})
	f.Add([]byte{1, 0, 0, 1, 1, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		var m DecodingSymbols
		if bcs.Unmarshal(b, &m) != nil {
			return
		}
		if got := bcs.Marshal(&m); string(got) != string(b) {
			t.Fatalf("re-encoding differs:\n% x\n% x", got, b)
		}
	})
}

// FuzzSyncShardResponseBCS: the sync-shard response decoder never panics, and what it
// accepts re-encodes to the same bytes.
func FuzzSyncShardResponseBCS(f *testing.F) {
	one := SyncShardResponse{{BlobID: encoding.BlobID{7}, Sliver: encoding.Sliver{Axis: encoding.Secondary, Index: 3, SymbolSize: 2, Data: []byte{1, 2, 3, 4}}}}
	f.Add(bcs.Marshal(&one))
	f.Add([]byte{0, 0})
	f.Add([]byte{1, 0})
	f.Add([]byte{0, 0xff, 0xff, 0xff, 0xff, 0x0f})
	f.Fuzz(func(t *testing.T, b []byte) {
		var r SyncShardResponse
		if bcs.Unmarshal(b, &r) != nil {
			return
		}
		if got := bcs.Marshal(&r); string(got) != string(b) {
			t.Fatalf("re-encoding differs:\n% x\n% x", got, b)
		}
	})
}

// FuzzParseAuthorization: the Authorization header parser never panics, fails with an
// *Error, and what it accepts encodes back to the same header.
func FuzzParseAuthorization(f *testing.F) {
	f.Add("")
	f.Add("AAAA")
	f.Add(strings.Repeat("A", 64))
	f.Add("wAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
	if k, err := keys.GenerateBLSKey(); err == nil {
		f.Add(EncodeAuthorization(k.PublicKey()))
	}
	f.Fuzz(func(t *testing.T, s string) {
		pk, err := ParseAuthorization(http.Header{HeaderAuthorization: {s}})
		if err != nil {
			if e, ok := err.(*Error); !ok || e.Reason == "" || e.Message == "" || e.HTTPStatus < 400 {
				t.Fatalf("header %q: error %#v", s, err)
			}
			return
		}
		if EncodeAuthorization(pk) != s {
			t.Fatalf("header %q re-encodes to %q", s, EncodeAuthorization(pk))
		}
	})
}
