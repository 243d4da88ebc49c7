package e2e

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/tuskstore/tusk/encoding"
)

// TestCorruptSliversAreSkipped puts a storage node behind a proxy, at its registered
// address, that corrupts every sliver it serves. Reads through the aggregator and the
// CLI still return the exact bytes: the corrupt slivers fail verification against the
// blob's metadata and the node is skipped.
func TestCorruptSliversAreSkipped(t *testing.T) {
	n := startNetwork(t)
	ctx := testContext(t)
	in := n.info()
	com := n.committee(ctx)
	a := n.putBlob(randomBlob(t, 100_000), "epochs=2")
	b := n.putBlob(randomBlob(t, 30_000), "epochs=2")

	// The bad node: the holder of primary sliver 0 of blob a, which every read of a
	// asks for.
	codec, err := encoding.NewCodec(in.NShards)
	if err != nil {
		t.Fatal(err)
	}
	enc, err := codec.Encode(a.data)
	if err != nil {
		t.Fatal(err)
	}
	shard := enc.Metadata.Params().ShardForPair(enc.Metadata.BlobID(), 0)
	member, ok := com.ShardOwner(uint16(shard))
	if !ok {
		t.Fatalf("no committee member holds shard %d", shard)
	}
	bad := n.nodeIndex(com.Members[member])
	registered := n.nodeCfg[bad].ListenAddr
	n.killNode(bad)
	behind := freeAddr(t)
	n.startNodeAt(bad, behind)
	proxy := startCorruptingProxy(t, registered, behind)

	n.requireReadable(a, b)
	if proxy.corrupted.Load() == 0 {
		t.Fatalf("node %s (behind the proxy) was never asked for a sliver: the test proves nothing", com.Members[member].Name)
	}
	if got := invalidSliverAnswers(t, n.daemonURL); got == 0 {
		t.Fatalf("the aggregator counted no invalid sliver, though the proxy corrupted %d", proxy.corrupted.Load())
	}

	// The CLI reads the nodes itself, and checks consistency strictly.
	out := filepath.Join(t.TempDir(), "a.bin")
	n.mustCLI("read", "--strict-consistency-check", "--out", out, "--", a.id)
	got, err := os.ReadFile(out)
	if err != nil || !bytes.Equal(got, a.data) {
		t.Fatalf("tusk read: %d bytes (%v), want the %d stored", len(got), err, len(a.data))
	}

	// Stores still work with the bad node in the committee.
	c := n.putBlob(randomBlob(t, 50_000), "epochs=2")
	n.requireReadable(c)
	t.Logf("the proxy corrupted %d sliver answers of node %s", proxy.corrupted.Load(), com.Members[member].Name)
}

var invalidSliverMetric = regexp.MustCompile(`(?m)^tusk_coordinator_node_requests_total\{op="sliver",outcome="invalid"\} ([0-9.e+]+)$`)

// invalidSliverAnswers is the aggregator's count of slivers that failed verification.
func invalidSliverAnswers(t *testing.T, daemonURL string) float64 {
	t.Helper()
	code, body, _ := httpDo(t, http.MethodGet, daemonURL+"/metrics", nil, nil)
	if code != http.StatusOK {
		t.Fatalf("GET /metrics: %d %s", code, clip(body))
	}
	m := invalidSliverMetric.FindSubmatch(body)
	if m == nil {
		return 0
	}
	v, err := strconv.ParseFloat(string(m[1]), 64)
	if err != nil {
		t.Fatal(fmt.Errorf("metric value %q: %w", m[1], err))
	}
	return v
}
