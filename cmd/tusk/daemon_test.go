package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tuskstore/tusk/coordinator/coordtest/testnet"
	"github.com/tuskstore/tusk/coordinator/store"
)

// tusk daemon serves the Walrus HTTP API until its context ends, then stops cleanly.
func TestDaemonCommand(t *testing.T) {
	_, cfg := clientNet(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	daemonContext = func(context.Context) context.Context { return ctx }
	defer func() { daemonContext = func(c context.Context) context.Context { return c } }()
	addr := testnet.FreeAddr(t)
	var out, errOut syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run([]string{"--config", cfg, "--log-level", "warn", "daemon", "--bind", addr, "--max-body-size", "100000"}, strings.NewReader(""), &out, &errOut)
	}()
	base := "http://" + addr
	// Wait for the listener (the command prints its address once it is about to serve).
	var resp *http.Response
	var err error
	for range 200 {
		if resp, err = http.Get(base + "/status"); err == nil {
			break
		}
		select {
		case code := <-done:
			t.Fatalf("daemon exited %d: %s", code, errOut.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	if err != nil {
		t.Fatalf("daemon not serving: %v (%s)", err, errOut.String())
	}
	resp.Body.Close()
	blob := bytes.Repeat([]byte("daemon "), 1000)
	req, _ := http.NewRequest("PUT", base+"/v1/blobs?epochs=2", bytes.NewReader(blob))
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"newlyCreated"`) {
		t.Fatalf("PUT: %d %s", resp.StatusCode, body)
	}
	i := strings.Index(string(body), `"blobId":"`)
	id := string(body[i+10 : i+10+43])
	resp, err = http.Get(base + "/v1/blobs/" + id)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !bytes.Equal(got, blob) {
		t.Fatalf("GET: %d, %d bytes", resp.StatusCode, len(got))
	}
	// The body limit from the flag.
	req, _ = http.NewRequest("PUT", base+"/v1/blobs", bytes.NewReader(make([]byte, 100001)))
	if resp, err = http.DefaultClient.Do(req); err != nil || resp.StatusCode != 413 {
		t.Fatalf("oversized PUT: %v %v", resp, err)
	}
	resp.Body.Close()
	http.DefaultClient.CloseIdleConnections()
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("daemon exited %d: %s", code, errOut.String())
	}
	if !strings.Contains(out.String(), "tusk daemon listening on http://"+addr) {
		t.Fatalf("output %q", out.String())
	}
}

func TestProgressBar(t *testing.T) {
	var b bytes.Buffer
	p := &progressBar{w: &b, label: "a.txt"}
	p.update(store.Progress{Phase: store.PhaseEncode})
	p.update(store.Progress{Phase: store.PhaseUpload, Done: 10, Total: 20, Confirmed: 3, Needed: 7})
	p.update(store.Progress{Phase: store.PhaseUpload, Done: 10, Total: 20, Confirmed: 3, Needed: 7}) // unchanged: not redrawn
	p.done()
	want := "\r\033[Ka.txt: encoding" + "\r\033[Ka.txt: uploading [###############...............] 10/20 slivers, 3/7 shards confirmed" + "\r\033[K"
	if b.String() != want {
		t.Fatalf("drew %q\nwant %q", b.String(), want)
	}
}
