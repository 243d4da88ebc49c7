package e2e

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/encoding"
)

// TestBadInputsAreRefusedAndChangeNothing feeds bad input to every public interface —
// the CLI's arguments, the publisher and aggregator, a storage node's REST API, the
// indexer's explorer API and every configuration file — and requires a clear refusal
// each time (the right exit code or HTTP status, a message naming what is wrong), and
// afterwards the same state: the client's WAL and SUI, its Blob objects, the blobs'
// contents.
func TestBadInputsAreRefusedAndChangeNothing(t *testing.T) {
	n := startNetwork(t)
	ctx := testContext(t)
	deletable := n.putBlob(randomBlob(t, 20_000), "epochs=2")
	permanent := n.putBlob(randomBlob(t, 10_000), "epochs=2&permanent=true")
	before := n.clientState(ctx)

	t.Run("cli", func(t *testing.T) { n.badCLIInputs(t, deletable, permanent) })
	t.Run("publisher-aggregator", func(t *testing.T) { checkHTTPCases(t, n.daemonURL, daemonBadRequests(n, deletable)) })
	t.Run("node", func(t *testing.T) { n.badNodeRequests(t, deletable) })
	t.Run("indexer", func(t *testing.T) { checkHTTPCases(t, n.indexerURL, indexerBadRequests(t, n.indexerURL)) })
	t.Run("config", func(t *testing.T) { n.badConfigs(t) })

	if after := n.clientState(ctx); !after.equal(before) {
		t.Fatalf("bad input changed the state:\nbefore %+v\nafter  %+v", before, after)
	}
	n.requireReadable(deletable, permanent)
}

// clientState is what a store, an extension or a deletion would change: the client's
// balances and its Blob objects (with their end epochs and certification).
type clientState struct {
	wal, sui uint64
	blobs    []string
}

func (s clientState) equal(o clientState) bool {
	return s.wal == o.wal && s.sui == o.sui && slices.Equal(s.blobs, o.blobs)
}

// clientState reads the client's state from the chain.
func (n *network) clientState(ctx context.Context) clientState {
	t := n.t
	t.Helper()
	c, cc := n.chainClient(ctx)
	owner, err := walrus.ParseID(cc.ActiveAddress)
	if err != nil {
		t.Fatal(err)
	}
	var s clientState
	if s.wal, err = c.WALBalance(ctx, owner); err != nil {
		t.Fatal(err)
	}
	if s.sui, err = c.SUIBalance(ctx, owner); err != nil {
		t.Fatal(err)
	}
	blobs, err := c.BlobsOwnedBy(ctx, owner)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range blobs {
		s.blobs = append(s.blobs, fmt.Sprintf("%s %s end %d certified %v", b.ID, b.BlobID, b.Storage.EndEpoch, b.CertifiedEpoch != nil))
	}
	slices.Sort(s.blobs)
	return s
}

// unknownBlobID is a well-formed blob ID that no blob has (not starting with "-", so
// that it can follow a flag).
func unknownBlobID(t *testing.T) string {
	t.Helper()
	for {
		var id encoding.BlobID
		if _, err := rand.Read(id[:]); err != nil {
			t.Fatal(err)
		}
		if s := id.String(); s[0] != '-' {
			return s
		}
	}
}

// httpCase is one bad request and the answer it must get.
type httpCase struct {
	name   string
	method string
	path   string // with the query
	body   []byte
	header http.Header
	status int
	want   string // in the body: the message naming what is wrong
}

// checkHTTPCases sends every request to base and checks its answer.
func checkHTTPCases(t *testing.T, base string, cases []httpCase) {
	t.Helper()
	for _, c := range cases {
		method := c.method
		if method == "" {
			method = http.MethodGet
		}
		code, body, _ := httpDo(t, method, base+c.path, c.body, c.header)
		if code != c.status || !strings.Contains(string(body), c.want) {
			t.Errorf("%s: %s %s: %d %s; want %d and %q", c.name, method, c.path, code, clip(body), c.status, c.want)
		}
	}
}
