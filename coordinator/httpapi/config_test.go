package httpapi_test

import (
	"context"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/tuskstore/tusk/coordinator/httpapi"
	"github.com/tuskstore/tusk/coordinator/metrics"
)

func TestHTTPConfigValidation(t *testing.T) {
	c := httpapi.Default()
	if err := c.Validate(); err != nil {
		t.Fatalf("default: %v", err)
	}
	if c.Bind != "127.0.0.1:31415" || c.MaxBodySize != 10<<20 {
		t.Fatalf("defaults %+v", c)
	}
	c.Bind = "nope"
	c.MaxBodySize = 0
	c.PublisherMaxConcurrent = 0
	c.AllowedHeaders = []string{"bad header"}
	c.Auth = httpapi.AuthConfig{Secret: "s", PublicKeyPEM: "p"}
	err := c.Validate()
	for _, f := range []string{"bind", "max_body_size", "publisher_max_concurrent_requests", "allowed_headers[0]", "auth"} {
		if err == nil || !strings.Contains(err.Error(), f) {
			t.Errorf("error %v does not name %s", err, f)
		}
	}
	if _, err := httpapi.New(httpapi.Default(), "relay", newStub(), newStub(), nil, nil, nil); err == nil {
		t.Error("unknown mode accepted")
	}
	if _, err := httpapi.New(httpapi.Default(), httpapi.ModePublisher, nil, newStub(), nil, nil, nil); err == nil {
		t.Error("publisher without a Publisher accepted")
	}
}

// Serve stops when its context ends, after the requests in flight.
func TestServeShutsDownGracefully(t *testing.T) {
	s := newStub()
	s.block = make(chan struct{})
	s.entered = make(chan struct{}, 1)
	srv, err := httpapi.New(httpapi.Default(), httpapi.ModeDaemon, s, s, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, l) }()
	codes := make(chan int, 1)
	go func() {
		resp, err := http.Post("http://"+l.Addr().String()+"/v1/blobs", "", strings.NewReader("x"))
		if err != nil {
			codes <- 0
			return
		}
		resp.Body.Close()
		codes <- resp.StatusCode
	}()
	// POST is not allowed: it answers at once; then a PUT that is in flight at shutdown.
	if c := <-codes; c != 405 {
		t.Fatalf("POST: %d", c)
	}
	go func() {
		req, _ := http.NewRequest("PUT", "http://"+l.Addr().String()+"/v1/blobs", strings.NewReader("x"))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			codes <- 0
			return
		}
		resp.Body.Close()
		codes <- resp.StatusCode
	}()
	<-s.entered
	cancel()
	close(s.block) // the store finishes after shutdown began
	if c := <-codes; c != 200 {
		t.Fatalf("in-flight request: %d", c)
	}
	if err := <-done; err != nil {
		t.Fatalf("Serve: %v", err)
	}
}

func TestMetricsEndpoint(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := metrics.New(reg)
	s := newStub()
	srv, err := httpapi.New(httpapi.Default(), httpapi.ModeDaemon, s, s, nil, m, reg)
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	do(h, "PUT", "/v1/blobs", strings.NewReader("x"))
	do(h, "GET", "/v1/blobs/nope", nil)
	w := do(h, "GET", "/metrics", nil)
	body := w.Body.String()
	for _, want := range []string{`tusk_coordinator_http_requests_total{code="200",route="put_blob"} 1`, `tusk_coordinator_http_requests_total{code="400",route="get_blob"} 1`} {
		if !strings.Contains(body, want) {
			t.Fatalf("/metrics lacks %s:\n%s", want, body)
		}
	}
}
