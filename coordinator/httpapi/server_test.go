package httpapi_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/coordinator/httpapi"
	"github.com/tuskstore/tusk/coordinator/store"
	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/node/api"
)

func newServer(t *testing.T, mode httpapi.Mode, s *stub, edit func(*httpapi.Config)) http.Handler {
	t.Helper()
	cfg := httpapi.Default()
	cfg.SpoolDir = t.TempDir()
	if edit != nil {
		edit(&cfg)
	}
	srv, err := httpapi.New(cfg, mode, s, s, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return srv.Handler()
}

func do(h http.Handler, method, target string, body io.Reader, hdr ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, target, body)
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// wantError checks a JSON error answer.
func wantError(t *testing.T, w *httptest.ResponseRecorder, status int, reason string) {
	t.Helper()
	if w.Code != status {
		t.Fatalf("status %d, want %d: %s", w.Code, status, w.Body.String())
	}
	var e api.Error
	if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil {
		t.Fatalf("error body %q: %v", w.Body.String(), err)
	}
	if e.HTTPStatus != status || e.Reason != reason || e.Status == "" || e.Message == "" {
		t.Fatalf("error %+v, want code %d reason %s", e, status, reason)
	}
	if ct := w.Header().Get("Content-Type"); ct != "application/json" {
		t.Fatalf("error content type %q", ct)
	}
}

func TestPutBlobStoresAndAnswersJSON(t *testing.T) {
	s := newStub()
	h := newServer(t, httpapi.ModeDaemon, s, nil)
	blob := []byte("hello walrus")
	addr := "0x1111111111111111111111111111111111111111111111111111111111111111"
	w := do(h, "PUT", "/v1/blobs?epochs=5&permanent=true&force=true&send_object_to="+addr, bytes.NewReader(blob))
	if w.Code != 200 {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	var res map[string]map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &res); err != nil || res["newlyCreated"] == nil {
		t.Fatalf("body %s (%v)", w.Body, err)
	}
	o := s.lastOpts
	if o.Epochs != 5 || !o.Permanent || !o.Force || o.SendObjectTo == nil || o.SendObjectTo.String() != addr || !bytes.Equal(s.lastBlob, blob) {
		t.Fatalf("store called with %+v, %q", o, s.lastBlob)
	}
	// Defaults: 1 epoch, deletable.
	do(h, "PUT", "/v1/blobs", bytes.NewReader(blob))
	if s.lastOpts.Epochs != 1 || s.lastOpts.Permanent {
		t.Fatalf("defaults: %+v", s.lastOpts)
	}
}

func TestPutBlobBadRequests(t *testing.T) {
	s := newStub()
	h := newServer(t, httpapi.ModePublisher, s, nil)
	for q, reason := range map[string]string{
		"epochs=0":                      "INVALID_PARAMETER",
		"epochs=x":                      "INVALID_PARAMETER",
		"epochs=1&epochs=2":             "INVALID_PARAMETER",
		"color=blue":                    "INVALID_PARAMETER",
		"permanent=yes":                 "INVALID_PARAMETER",
		"permanent=true&deletable=true": "INVALID_BLOB_PERSISTENCE",
		"share=true&send_object_to=0x1": "INVALID_PARAMETER",
		"send_object_to=alice":          "INVALID_PARAMETER",
		"encoding_type=raptorq":         "INVALID_PARAMETER",
		"quilt_version=V1":              "INVALID_PARAMETER",
	} {
		wantError(t, do(h, "PUT", "/v1/blobs?"+q, strings.NewReader("x")), 400, reason)
	}
	if s.lastBlob != nil {
		t.Fatal("a refused request reached the store")
	}
	for err, want := range map[error]struct {
		status int
		reason string
	}{
		store.ErrNotEnoughConfirmations: {503, "INSUFFICIENT_CONFIRMATIONS"},
		store.ErrUnsupported:            {501, "NOT_IMPLEMENTED"},
		store.ErrInvalidOptions:         {400, "MALFORMED_REQUEST"},
		chain.ErrInsufficientWAL:        {503, "INSUFFICIENT_FUNDS"},
		chain.ErrIncorrectEpoch:         {503, "EPOCH_CHANGED"},
		store.ErrEpochChanged:           {503, "EPOCH_CHANGED"},
		encoding.ErrBlobTooLarge:        {413, "BLOB_TOO_LARGE"},
		errors.New("boom"):              {500, "INTERNAL_ERROR"},
	} {
		s.storeErr = fmt.Errorf("wrapped: %w", err)
		w := do(h, "PUT", "/v1/blobs", strings.NewReader("x"))
		wantError(t, w, want.status, want.reason)
		if want.status == 503 && w.Header().Get("Retry-After") == "" {
			t.Fatalf("%v: 503 without Retry-After", err)
		}
	}
}

func TestPutBlobBodyLimitAndSpooling(t *testing.T) {
	s := newStub()
	h := newServer(t, httpapi.ModePublisher, s, func(c *httpapi.Config) { c.MaxBodySize = 1000; c.BodyMemoryLimit = 100 })
	// Announced too large: refused before reading.
	wantError(t, do(h, "PUT", "/v1/blobs", bytes.NewReader(make([]byte, 1001))), 413, "BODY_TOO_LARGE")
	// Not announced (chunked) and too large.
	r := httptest.NewRequest("PUT", "/v1/blobs", io.MultiReader(bytes.NewReader(make([]byte, 1500))))
	r.ContentLength = -1
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	wantError(t, w, 413, "BODY_TOO_LARGE")
	// Large enough to be spooled to disk, small enough to be accepted: stored intact.
	for _, n := range []int{0, 99, 100, 101, 1000} {
		blob := bytes.Repeat([]byte{byte(n)}, n)
		for i := range blob {
			blob[i] ^= byte(i)
		}
		r := httptest.NewRequest("PUT", "/v1/blobs", bytes.NewReader(blob))
		r.ContentLength = -1
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != 200 || !bytes.Equal(s.lastBlob, blob) {
			t.Fatalf("size %d: status %d, stored %d bytes", n, w.Code, len(s.lastBlob))
		}
	}
}

func TestPublisherConcurrencyLimit(t *testing.T) {
	s := newStub()
	s.block = make(chan struct{})
	s.entered = make(chan struct{}, 10)
	h := newServer(t, httpapi.ModePublisher, s, func(c *httpapi.Config) { c.PublisherMaxConcurrent = 1; c.PublisherMaxQueued = 0 })
	first := make(chan int, 1)
	go func() { first <- do(h, "PUT", "/v1/blobs", strings.NewReader("x")).Code }()
	<-s.entered // the first store is running and holds the only slot
	w := do(h, "PUT", "/v1/blobs", strings.NewReader("y"))
	wantError(t, w, 429, "TOO_MANY_REQUESTS")
	if w.Header().Get("Retry-After") == "" {
		t.Fatal("429 without Retry-After")
	}
	close(s.block)
	if c := <-first; c != 200 {
		t.Fatalf("admitted request answered %d", c)
	}
	// Once it is done, the slot is free again.
	if c := do(h, "PUT", "/v1/blobs", strings.NewReader("z")).Code; c != 200 {
		t.Fatalf("after release: %d", c)
	}
}

func token(t *testing.T, secret string, claims jwt.MapClaims) string {
	t.Helper()
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte(secret))
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestPublisherJWT(t *testing.T) {
	s := newStub()
	const secret = "0123456789abcdef"
	h := newServer(t, httpapi.ModePublisher, s, func(c *httpapi.Config) {
		c.Auth = httpapi.AuthConfig{Secret: secret, VerifyUpload: true, ReplaySuppression: true}
	})
	exp := time.Now().Add(time.Hour).Unix()
	put := func(q string, body string, tok string) *httptest.ResponseRecorder {
		if tok == "" {
			return do(h, "PUT", "/v1/blobs"+q, strings.NewReader(body))
		}
		return do(h, "PUT", "/v1/blobs"+q, strings.NewReader(body), "Authorization", "Bearer "+tok)
	}
	wantError(t, put("", "x", ""), 401, "MISSING_TOKEN")
	wantError(t, put("", "x", token(t, "wrong-secret-xxxx", jwt.MapClaims{"exp": exp})), 401, "INVALID_SIGNATURE")
	wantError(t, put("", "x", token(t, secret, jwt.MapClaims{"exp": time.Now().Add(-time.Hour).Unix()})), 401, "EXPIRED_SIGNATURE")
	wantError(t, put("", "x", "not.a.jwt"), 401, "INVALID_TOKEN")
	wantError(t, put("?epochs=3", "x", token(t, secret, jwt.MapClaims{"exp": exp, "epochs": 2})), 400, "INVALID_EPOCHS")
	wantError(t, put("?epochs=3", "x", token(t, secret, jwt.MapClaims{"exp": exp, "max_epochs": 2})), 400, "INVALID_EPOCHS")
	wantError(t, put("", "xyz", token(t, secret, jwt.MapClaims{"exp": exp, "max_size": 2})), 413, "INVALID_SIZE")
	wantError(t, put("", "xyz", token(t, secret, jwt.MapClaims{"exp": exp, "size": 2})), 400, "INVALID_SIZE")
	wantError(t, put("", "x", token(t, secret, jwt.MapClaims{"exp": exp, "size": 1, "max_size": 2})), 400, "INCONSISTENT_TOKEN")
	wantError(t, put("", "x", token(t, secret, jwt.MapClaims{"exp": exp, "send_object_to": "0x1111111111111111111111111111111111111111111111111111111111111111"})), 400, "INVALID_SEND_OBJECT_TO")
	if s.lastBlob != nil {
		t.Fatal("a refused request reached the store")
	}
	good := token(t, secret, jwt.MapClaims{"exp": exp, "jti": "once", "epochs": 2, "size": 3})
	if w := put("?epochs=2", "abc", good); w.Code != 200 {
		t.Fatalf("valid token: %d %s", w.Code, w.Body)
	}
	wantError(t, put("?epochs=2", "abc", good), 429, "TOKEN_ALREADY_USED")
	var e api.Error
	_ = json.Unmarshal(put("", "x", "").Body.Bytes(), &e)
	if e.Domain != httpapi.DomainAuth {
		t.Fatalf("auth error domain %q", e.Domain)
	}
}

func TestGetBlob(t *testing.T) {
	s := newStub()
	h := newServer(t, httpapi.ModeAggregator, s, nil)
	blob := make([]byte, 1000)
	for i := range blob {
		blob[i] = byte(i * 7)
	}
	id := s.put(blob)
	s.status[id] = api.BlobStatus{Kind: api.BlobPermanent, IsCertified: true, EndEpoch: s.state.Epoch + 2}

	w := do(h, "GET", "/v1/blobs/"+id.String(), nil)
	if w.Code != 200 || !bytes.Equal(w.Body.Bytes(), blob) {
		t.Fatalf("status %d, %d bytes", w.Code, w.Body.Len())
	}
	hd := w.Header()
	if hd.Get("ETag") != strconv.Quote(id.String()) || hd.Get("Content-Type") != "application/octet-stream" ||
		hd.Get("X-Content-Type-Options") != "nosniff" || hd.Get("Content-Length") != "1000" {
		t.Fatalf("headers %v", hd)
	}
	// A permanent blob ending in two epochs (the epoch started a minute ago, an hour
	// long): cached for its remaining life, under the one-day cap.
	var maxAge int
	if _, err := fmt.Sscanf(hd.Get("Cache-Control"), "public, max-age=%d", &maxAge); err != nil || maxAge < 7000 || maxAge > 7200 {
		t.Fatalf("Cache-Control %q", hd.Get("Cache-Control"))
	}
	// Deletable: short.
	s.status[id] = api.BlobStatus{Kind: api.BlobDeletable}
	if cc := do(h, "GET", "/v1/blobs/"+id.String(), nil).Header().Get("Cache-Control"); !strings.Contains(cc, "max-age=300,") {
		t.Fatalf("deletable Cache-Control %q", cc)
	}
	// Accept naming one type is mirrored.
	if ct := do(h, "GET", "/v1/blobs/"+id.String(), nil, "Accept", "image/png").Header().Get("Content-Type"); ct != "image/png" {
		t.Fatalf("content type %q", ct)
	}
	// If-None-Match → 304.
	w = do(h, "GET", "/v1/blobs/"+id.String(), nil, "If-None-Match", strconv.Quote(id.String()))
	if w.Code != 304 || w.Body.Len() != 0 || w.Header().Get("ETag") == "" {
		t.Fatalf("If-None-Match: %d", w.Code)
	}
	// Consistency flags.
	do(h, "GET", "/v1/blobs/"+id.String()+"?strict_consistency_check=true", nil)
	if s.lastCheck != encoding.CheckStrict {
		t.Fatal("strict flag not passed")
	}
	do(h, "GET", "/v1/blobs/"+id.String()+"?skip_consistency_check=true", nil)
	if s.lastCheck != encoding.CheckSkip {
		t.Fatal("skip flag not passed")
	}
	wantError(t, do(h, "GET", "/v1/blobs/"+id.String()+"?strict_consistency_check=true&skip_consistency_check=true", nil), 400, "INVALID_CONSISTENCY_CHECK")
	wantError(t, do(h, "GET", "/v1/blobs/"+id.String()+"?x=1", nil), 400, "INVALID_PARAMETER")
	wantError(t, do(h, "GET", "/v1/blobs/not-a-blob-id", nil), 400, "INVALID_PARAMETER")
	var missing encoding.BlobID
	w = do(h, "GET", "/v1/blobs/"+missing.String(), nil)
	wantError(t, w, 404, "BLOB_NOT_FOUND")
	if cc := w.Header().Get("Cache-Control"); cc != "public, max-age=10" {
		t.Fatalf("404 Cache-Control %q", cc)
	}
	s.readErr = fmt.Errorf("x: %w", errors.Join(errors.New("nodes down"), readUnavailable()))
	w = do(h, "GET", "/v1/blobs/"+id.String(), nil)
	wantError(t, w, 503, "BLOB_UNAVAILABLE")
	if w.Header().Get("Retry-After") == "" {
		t.Fatal("503 without Retry-After")
	}
	s.readErr = nil
	// HEAD works like GET without a body.
	if w := do(h, "HEAD", "/v1/blobs/"+id.String(), nil); w.Code != 200 {
		t.Fatalf("HEAD: %d", w.Code)
	}
}

func TestGetBlobRange(t *testing.T) {
	s := newStub()
	h := newServer(t, httpapi.ModeAggregator, s, nil)
	blob := make([]byte, 1000)
	for i := range blob {
		blob[i] = byte(i * 13)
	}
	id := s.put(blob)
	path := "/v1/blobs/" + id.String()
	for _, tc := range []struct {
		rng        string
		start, end int // inclusive end
	}{
		{"bytes=0-0", 0, 0}, {"bytes=10-19", 10, 19}, {"bytes=990-", 990, 999}, {"bytes=-5", 995, 999},
		{"bytes=900-5000", 900, 999}, {" bytes=1-2 ", 1, 2}, {"bytes=-5000", 0, 999},
	} {
		w := do(h, "GET", path, nil, "Range", tc.rng)
		if w.Code != 206 || !bytes.Equal(w.Body.Bytes(), blob[tc.start:tc.end+1]) {
			t.Fatalf("%q: status %d, %d bytes", tc.rng, w.Code, w.Body.Len())
		}
		if cr := w.Header().Get("Content-Range"); cr != fmt.Sprintf("bytes %d-%d/1000", tc.start, tc.end) {
			t.Fatalf("%q: Content-Range %q", tc.rng, cr)
		}
	}
	for _, rng := range []string{"bytes=1000-", "bytes=5000-6000"} {
		w := do(h, "GET", path, nil, "Range", rng)
		wantError(t, w, 416, "INVALID_BYTE_RANGE")
		if cr := w.Header().Get("Content-Range"); cr != "bytes */1000" {
			t.Fatalf("%q: Content-Range %q", rng, cr)
		}
	}
	for _, rng := range []string{"bytes=5-1", "items=1-2", "bytes=1-2,4-5", "bytes=", "bytes=a-b", "bytes=-0"} {
		wantError(t, do(h, "GET", path, nil, "Range", rng), 416, "INVALID_BYTE_RANGE")
	}
	// The byte-range route answers 200.
	w := do(h, "GET", path+"/byte-range?start=100&length=50", nil)
	if w.Code != 200 || !bytes.Equal(w.Body.Bytes(), blob[100:150]) || w.Header().Get("ETag") != strconv.Quote(id.String()+"-100-50") {
		t.Fatalf("byte-range: %d %v", w.Code, w.Header())
	}
	wantError(t, do(h, "GET", path+"/byte-range?start=100&length=0", nil), 400, "INVALID_BYTE_RANGE")
	wantError(t, do(h, "GET", path+"/byte-range?start=100", nil), 400, "INVALID_PARAMETER")
	wantError(t, do(h, "GET", path+"/byte-range?start=999&length=2", nil), 400, "INVALID_BYTE_RANGE")
	wantError(t, do(h, "GET", path+"/byte-range?start=18446744073709551615&length=2", nil), 400, "INVALID_BYTE_RANGE")
}

func TestGetByObjectID(t *testing.T) {
	s := newStub()
	h := newServer(t, httpapi.ModeAggregator, s, nil)
	blob := []byte("<h1>hi</h1>")
	id := s.put(blob)
	oid := walrus.MustParseID("0x00000000000000000000000000000000000000000000000000000000000000aa")
	ce := uint32(3)
	s.objects[oid] = &chain.BlobObject{Blob: walrus.Blob{ID: oid, BlobID: id, Size: uint64(len(blob)), CertifiedEpoch: &ce, Deletable: false,
		Storage: walrus.Storage{EndEpoch: s.state.Epoch + 100}}}
	s.attrs[oid] = walrus.StringMap{{Key: "Content-Type", Value: "text/html"}, {Key: "x-secret", Value: "no"}, {Key: "content-disposition", Value: "inline"}}
	w := do(h, "GET", "/v1/blobs/by-object-id/"+oid.String(), nil)
	if w.Code != 200 || w.Body.String() != string(blob) {
		t.Fatalf("status %d", w.Code)
	}
	if w.Header().Get("Content-Type") != "text/html" || w.Header().Get("Content-Disposition") != "inline" || w.Header().Get("X-Secret") != "" {
		t.Fatalf("attribute headers %v", w.Header())
	}
	if cc := w.Header().Get("Cache-Control"); !strings.HasPrefix(cc, "public, max-age=86400,") {
		t.Fatalf("long-lived permanent blob: Cache-Control %q", cc)
	}
	wantError(t, do(h, "GET", "/v1/blobs/by-object-id/0xzz", nil), 400, "INVALID_PARAMETER")
	wantError(t, do(h, "GET", "/v1/blobs/by-object-id/0x01", nil), 404, "BLOB_NOT_FOUND")
}

func readUnavailable() error { return errUnavailable }

func TestRoutesAndCORS(t *testing.T) {
	s := newStub()
	pub := newServer(t, httpapi.ModePublisher, s, nil)
	agg := newServer(t, httpapi.ModeAggregator, s, nil)
	for _, h := range []http.Handler{pub, agg} {
		if w := do(h, "GET", "/status", nil); w.Code != 200 || w.Body.String() != "OK" {
			t.Fatalf("/status: %d %q", w.Code, w.Body)
		}
		w := do(h, "GET", "/v1/api", nil)
		var doc map[string]any
		if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &doc) != nil || doc["openapi"] != "3.0.3" {
			t.Fatalf("/v1/api: %d %s", w.Code, w.Body)
		}
		wantError(t, do(h, "GET", "/nothing/here", nil), 404, "NOT_FOUND")
		// CORS preflight from any origin.
		w = do(h, "OPTIONS", "/v1/blobs", nil, "Origin", "https://app.example", "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "authorization")
		if w.Code != 204 || w.Header().Get("Access-Control-Allow-Origin") != "*" || w.Header().Get("Access-Control-Allow-Headers") != "authorization" {
			t.Fatalf("preflight: %d %v", w.Code, w.Header())
		}
	}
	// A publisher does not read, an aggregator does not store.
	wantError(t, do(pub, "GET", "/v1/blobs/"+s.put([]byte("a")).String(), nil), 404, "NOT_FOUND")
	wantError(t, do(agg, "PUT", "/v1/blobs", strings.NewReader("a")), 405, "METHOD_NOT_ALLOWED")
	wantError(t, do(pub, "POST", "/v1/blobs", strings.NewReader("a")), 405, "METHOD_NOT_ALLOWED")
	// Simple requests get the CORS headers too.
	w := do(agg, "GET", "/status", nil, "Origin", "https://app.example")
	if w.Header().Get("Access-Control-Allow-Origin") != "*" || !strings.Contains(w.Header().Get("Access-Control-Expose-Headers"), "ETag") {
		t.Fatalf("CORS headers %v", w.Header())
	}
	// Restricted origins.
	h := newServer(t, httpapi.ModeAggregator, s, func(c *httpapi.Config) { c.CORSAllowedOrigins = []string{"https://ok.example"} })
	if w := do(h, "GET", "/status", nil, "Origin", "https://evil.example"); w.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Fatal("disallowed origin got CORS headers")
	}
	if w := do(h, "GET", "/status", nil, "Origin", "https://ok.example"); w.Header().Get("Access-Control-Allow-Origin") != "https://ok.example" {
		t.Fatal("allowed origin got no CORS headers")
	}
}

func quiltForm(t *testing.T, files [][2]string, meta string) (*bytes.Buffer, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for _, f := range files {
		fw, err := mw.CreateFormFile(f[0], f[0])
		if err != nil {
			t.Fatal(err)
		}
		fw.Write([]byte(f[1]))
	}
	if meta != "" {
		mw.WriteField("_metadata", meta)
	}
	mw.Close()
	return &b, mw.FormDataContentType()
}

// The quilt of the shared vectors (n = 10): a.bin (100 bytes i%251, tags type=bin, x=y)
// and b.txt ("hello walrus"): the quilt ID and patch IDs are the reference's.
func TestQuiltRoundTripMatchesVectors(t *testing.T) {
	s := newStub()
	h := newServer(t, httpapi.ModeDaemon, s, nil)
	abin := make([]byte, 100)
	for i := range abin {
		abin[i] = byte(i % 251)
	}
	body, ct := quiltForm(t, [][2]string{{"b.txt", "hello walrus"}, {"a.bin", string(abin)}}, `[{"identifier":"a.bin","tags":{"type":"bin","x":"y"}}]`)
	w := do(h, "PUT", "/v1/quilts?epochs=2", body, "Content-Type", ct)
	if w.Code != 200 {
		t.Fatalf("PUT /v1/quilts: %d %s", w.Code, w.Body)
	}
	var res struct {
		BlobStoreResult  map[string]map[string]any `json:"blobStoreResult"`
		StoredQuiltBlobs []struct {
			Identifier   string `json:"identifier"`
			QuiltPatchID string `json:"quiltPatchId"`
		} `json:"storedQuiltBlobs"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &res); err != nil {
		t.Fatal(err)
	}
	const quiltID = "8eCC2mVFSCTJnEnCbBvEpyVsAMLh0zGMnyrrWGoFWe8"
	if got := res.BlobStoreResult["newlyCreated"]["blobObject"].(map[string]any)["blobId"]; got != quiltID {
		t.Fatalf("quilt ID %v, want %s", got, quiltID)
	}
	want := map[string]string{"a.bin": quiltID + "BAQAFAA", "b.txt": quiltID + "BBQAGAA"}
	if len(res.StoredQuiltBlobs) != 2 {
		t.Fatalf("stored patches %+v", res.StoredQuiltBlobs)
	}
	for _, p := range res.StoredQuiltBlobs {
		if want[p.Identifier] != p.QuiltPatchID {
			t.Fatalf("patch %s: ID %s, want %s", p.Identifier, p.QuiltPatchID, want[p.Identifier])
		}
	}
	// Reads.
	w = do(h, "GET", "/v1/blobs/by-quilt-patch-id/"+want["a.bin"], nil)
	if w.Code != 200 || !bytes.Equal(w.Body.Bytes(), abin) || w.Header().Get("X-Quilt-Patch-Identifier") != "a.bin" {
		t.Fatalf("by patch ID: %d %v", w.Code, w.Header())
	}
	w = do(h, "GET", "/v1/blobs/by-quilt-id/"+quiltID+"/b.txt", nil)
	if w.Code != 200 || w.Body.String() != "hello walrus" {
		t.Fatalf("by identifier: %d %q", w.Code, w.Body)
	}
	wantError(t, do(h, "GET", "/v1/blobs/by-quilt-id/"+quiltID+"/c.txt", nil), 404, "QUILT_PATCH_NOT_FOUND")
	wantError(t, do(h, "GET", "/v1/blobs/by-quilt-patch-id/nope", nil), 400, "INVALID_PARAMETER")
	w = do(h, "GET", "/v1/quilts/"+quiltID+"/patches", nil)
	wantList := `[{"identifier":"a.bin","patch_id":"` + want["a.bin"] + `","tags":{"type":"bin","x":"y"}},{"identifier":"b.txt","patch_id":"` + want["b.txt"] + `","tags":{}}]` + "\n"
	if w.Code != 200 || w.Body.String() != wantList {
		t.Fatalf("patches: %d\n got %s\nwant %s", w.Code, w.Body, wantList)
	}
	// A blob that is not a quilt.
	plain := s.put([]byte("not a quilt at all"))
	wantError(t, do(h, "GET", "/v1/quilts/"+plain.String()+"/patches", nil), 404, "QUILT_PATCH_NOT_FOUND")

	// Malformed forms.
	wantError(t, do(h, "PUT", "/v1/quilts", strings.NewReader("x"), "Content-Type", "text/plain"), 415, "MALFORMED_REQUEST")
	body, ct = quiltForm(t, nil, "")
	wantError(t, do(h, "PUT", "/v1/quilts", body, "Content-Type", ct), 400, "MALFORMED_REQUEST")
	body, ct = quiltForm(t, [][2]string{{"a", "1"}}, `not json`)
	wantError(t, do(h, "PUT", "/v1/quilts", body, "Content-Type", ct), 400, "MALFORMED_REQUEST")
	body, ct = quiltForm(t, [][2]string{{"a", "1"}, {"a", "2"}}, "")
	wantError(t, do(h, "PUT", "/v1/quilts", body, "Content-Type", ct), 400, "MALFORMED_REQUEST")
	big := newServer(t, httpapi.ModePublisher, s, func(c *httpapi.Config) { c.MaxQuiltBodySize = 100 })
	body, ct = quiltForm(t, [][2]string{{"a", strings.Repeat("x", 500)}}, "")
	r := httptest.NewRequest("PUT", "/v1/quilts", body)
	r.Header.Set("Content-Type", ct)
	r.ContentLength = -1
	rw := httptest.NewRecorder()
	big.ServeHTTP(rw, r)
	wantError(t, rw, 413, "BODY_TOO_LARGE")
}
