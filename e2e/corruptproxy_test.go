package e2e

import (
	"bytes"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"regexp"
	"strconv"
	"sync/atomic"
	"testing"
)

// sliverPath matches a sliver read: GET /v1/blobs/{blob_id}/slivers/{pair}/{axis}.
var sliverPath = regexp.MustCompile(`^/v1/blobs/[^/]+/slivers/[0-9]+/(primary|secondary)$`)

// startProxy stands at a storage node's registered address addr, in front of the
// node's real port backend (host:port), until the test ends; modify may change or delay
// each response. It speaks what the node speaks: HTTP/1.1 and HTTP/2 with prior
// knowledge (h2c).
func startProxy(t *testing.T, addr, backend string, modify func(*http.Response) error) {
	t.Helper()
	target := &url.URL{Scheme: "http", Host: backend}
	rp := &httputil.ReverseProxy{
		Rewrite:        func(r *httputil.ProxyRequest) { r.SetURL(target) },
		ModifyResponse: modify,
		ErrorLog:       log.New(io.Discard, "", 0), // requests of a killed node end with errors
	}
	protocols := new(http.Protocols)
	protocols.SetHTTP1(true)
	protocols.SetUnencryptedHTTP2(true)
	srv := &http.Server{Handler: rp, Protocols: protocols}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("proxy: listen on the node's registered address %s: %v", addr, err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(l) }()
	t.Cleanup(func() {
		_ = srv.Close()
		if err := <-done; !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("proxy: %v", err)
		}
	})
}

// corruptingProxy flips one byte in the middle of every sliver its node serves;
// everything else passes through untouched.
type corruptingProxy struct {
	corrupted atomic.Int64 // sliver bodies corrupted so far
}

// startCorruptingProxy puts a corruptingProxy at addr in front of backend.
func startCorruptingProxy(t *testing.T, addr, backend string) *corruptingProxy {
	t.Helper()
	p := &corruptingProxy{}
	startProxy(t, addr, backend, p.corrupt)
	return p
}

// corrupt flips a byte of a successful sliver read: inside the sliver's symbols, so
// the body still decodes but no longer matches the blob's metadata.
func (p *corruptingProxy) corrupt(resp *http.Response) error {
	if resp.Request.Method != http.MethodGet || resp.StatusCode != http.StatusOK || !sliverPath.MatchString(resp.Request.URL.Path) {
		return nil
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return err
	}
	if len(body) > 8 {
		body[len(body)/2] ^= 0xff
		p.corrupted.Add(1)
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	resp.Header.Set("Content-Length", strconv.Itoa(len(body)))
	return nil
}
