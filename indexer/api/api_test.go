package api

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"go.uber.org/zap"

	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/indexer/cursor"
	"github.com/tuskstore/tusk/indexer/extract"
	"github.com/tuskstore/tusk/indexer/internal/fixture"
	"github.com/tuskstore/tusk/indexer/store"
	"github.com/tuskstore/tusk/internal/pgtest"
	"github.com/tuskstore/tusk/migrations"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// world is a database holding the fixture scenario plus, for pagination, 23 more blobs
// of Carol (three of them sharing one blob ID), and an API server over it.
type world struct {
	s     *fixture.Scenario
	carol walrus.ID
	same  walrus.Blob // one of the three with a shared blob ID
	url   string
	pool  *pgxpool.Pool
}

func setup(t *testing.T, cfg Config) *world {
	t.Helper()
	ctx := context.Background()
	pool := pgtest.New(t)
	conn, err := pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := migrations.Migrate(ctx, conn.Conn()); err != nil {
		t.Fatal(err)
	}
	conn.Release()
	w := &world{s: fixture.NewScenario(), carol: walrus.MustParseID("0xca201"), pool: pool}
	c := w.s.C
	cps := w.s.Checkpoints
	for i := range 23 {
		id := fixture.BlobID(uint64(100 + i))
		if i >= 20 {
			id = fixture.BlobID(999)
		}
		b := c.NewBlob(id, uint64(10+i), 2, 50, false)
		if i == 20 {
			w.same = *b
		}
		cps = append(cps, c.Checkpoint(c.Register(w.carol, b)))
	}
	x := extract.New(fixture.Package, nil, zap.NewNop())
	var rows []*extract.Rows
	for _, cp := range cps {
		r, err := x.Process(cp)
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, r)
	}
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Write(ctx, tx, rows); err != nil {
		t.Fatal(err)
	}
	last := cps[len(cps)-1]
	if _, err := tx.Exec(ctx, `INSERT INTO watermarks (pipeline, checkpoint_hi_inclusive, epoch_hi_inclusive, timestamp_ms_hi_inclusive) VALUES ('walrus', $1, 0, $2)`,
		int64(last.Sequence), int64(last.TimestampMs)); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	tip := func() (uint64, bool) { return last.Sequence + 5, true }
	ts := httptest.NewServer(New(store.NewReader(pool, "walrus"), cfg, tip, zap.NewNop()))
	t.Cleanup(ts.Close)
	w.url = ts.URL
	return w
}

func get(t *testing.T, u string, into any) int {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("GET %s: Content-Type %q", u, ct)
	}
	if into != nil {
		if err := json.Unmarshal(body, into); err != nil {
			t.Fatalf("GET %s: %v in %s", u, err, body)
		}
	}
	return resp.StatusCode
}

type errorBody struct {
	Error struct{ Code, Message string }
}

func wantStatus(t *testing.T, u string, status int, code string) {
	t.Helper()
	var e errorBody
	if got := get(t, u, &e); got != status || e.Error.Code != code || e.Error.Message == "" {
		t.Errorf("GET %s = %d %+v, want %d %s", u, got, e, status, code)
	}
}

type listPage struct {
	Items      []map[string]any `json:"items"`
	NextCursor string           `json:"next_cursor"`
}

// walk follows next_cursor from path (which has its own query) and returns every item,
// checking each page's size.
func walk(t *testing.T, base, path string, limit int) []map[string]any {
	t.Helper()
	var all []map[string]any
	next := ""
	for pages := 0; ; pages++ {
		u := base + path
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		u += fmt.Sprintf("%slimit=%d", sep, limit)
		if next != "" {
			u += "&cursor=" + url.QueryEscape(next)
		}
		var p listPage
		if st := get(t, u, &p); st != http.StatusOK {
			t.Fatalf("GET %s = %d", u, st)
		}
		if len(p.Items) > limit || (p.NextCursor != "" && len(p.Items) != limit) {
			t.Fatalf("GET %s: %d items with next %q", u, len(p.Items), p.NextCursor)
		}
		all = append(all, p.Items...)
		if p.NextCursor == "" {
			return all
		}
		if pages > 100 {
			t.Fatal("pagination does not end")
		}
		next = p.NextCursor
	}
}

func strs(items []map[string]any, key string) []string {
	var out []string
	for _, it := range items {
		out = append(out, fmt.Sprint(it[key]))
	}
	return out
}

// TestBlobEndpoints proves the blob lookups: by blob ID (several objects, paginated,
// invalid flag), by object ID (with its events and status), and an owner's blobs newest
// first, paginated without gap or repeat, and filtered by status.
func TestBlobEndpoints(t *testing.T) {
	w := setup(t, Config{})
	s := w.s

	var obj map[string]any
	if st := get(t, w.url+"/v1/blob-objects/"+s.Kept.ID.String(), &obj); st != 200 {
		t.Fatalf("status %d", st)
	}
	if obj["blob_id"] != s.Kept.BlobID.String() || obj["status"] != "certified" || obj["size"] != "1000" ||
		obj["owner"] != fixture.Alice.String() || obj["attributes"].(map[string]any)["content-type"] != "image/png" {
		t.Fatalf("blob object = %v", obj)
	}
	if evs := obj["events"].([]any); len(evs) != 2 || evs[0].(map[string]any)["name"] != "BlobRegistered" {
		t.Fatalf("blob object events = %v", obj["events"])
	}
	if _, ok := obj["end_epoch_estimated_ms"]; !ok {
		t.Fatalf("no end epoch estimate: %v", obj)
	}
	get(t, w.url+"/v1/blob-objects/"+s.Gone.ID.String(), &obj)
	if obj["status"] != "deleted" || obj["deleted_checkpoint"] != float64(13) {
		t.Fatalf("deleted blob = %v", obj)
	}
	wantStatus(t, w.url+"/v1/blob-objects/0x404", 404, "not_found")
	wantStatus(t, w.url+"/v1/blob-objects/xyz", 400, "bad_request")
	wantStatus(t, w.url+"/v1/blob-objects/"+s.Kept.ID.String()+"?x=1", 400, "bad_request")

	var byID struct {
		BlobID  string         `json:"blob_id"`
		Invalid map[string]any `json:"invalid"`
		Objects listPage       `json:"objects"`
	}
	get(t, w.url+"/v1/blobs/"+w.same.BlobID.String()+"?limit=2", &byID)
	if len(byID.Objects.Items) != 2 || byID.Objects.NextCursor == "" || byID.Invalid != nil {
		t.Fatalf("blob by ID = %+v", byID)
	}
	var rest struct{ Objects listPage }
	get(t, w.url+"/v1/blobs/"+w.same.BlobID.String()+"?limit=2&cursor="+byID.Objects.NextCursor, &rest)
	if len(rest.Objects.Items) != 1 || rest.Objects.NextCursor != "" || slices.Contains(strs(byID.Objects.Items, "object_id"), fmt.Sprint(rest.Objects.Items[0]["object_id"])) {
		t.Fatalf("second page = %+v", rest)
	}
	get(t, w.url+"/v1/blobs/"+s.Invalid.BlobID.String(), &byID)
	if byID.Invalid == nil || byID.Invalid["epoch"] != float64(1) || byID.Objects.Items[0]["status"] != "invalid" {
		t.Fatalf("invalid blob = %+v", byID)
	}
	wantStatus(t, w.url+"/v1/blobs/"+fixture.BlobID(12345).String(), 404, "not_found")
	wantStatus(t, w.url+"/v1/blobs/not-a-blob-id", 400, "bad_request")
	wantStatus(t, w.url+"/v1/blobs/"+w.same.BlobID.String()+"?cursor="+cursor.Cursor{Kind: cursor.Node}.String(), 400, "bad_request")

	// Carol's 23 blobs, newest first, in pages of 5.
	all := walk(t, w.url, "/v1/owners/"+w.carol.String()+"/blobs", 5)
	if len(all) != 23 {
		t.Fatalf("%d blobs for carol, want 23", len(all))
	}
	ids := strs(all, "object_id")
	seen := map[string]bool{}
	for i, it := range all {
		if seen[ids[i]] {
			t.Fatalf("blob %s twice", ids[i])
		}
		seen[ids[i]] = true
		if i > 0 && it["created_checkpoint"].(float64) > all[i-1]["created_checkpoint"].(float64) {
			t.Fatalf("not newest first at %d", i)
		}
		if it["status"] != "registered" {
			t.Fatalf("carol's blob status %v", it["status"])
		}
	}
	alice := "/v1/owners/" + fixture.Alice.String() + "/blobs"
	for status, want := range map[string][]string{
		"certified": {s.Kept.ID.String()}, "deleted": {s.Gone.ID.String()}, "registered": nil, "expired": nil, "invalid": nil,
	} {
		got := strs(walk(t, w.url, alice+"?status="+status, 10), "object_id")
		if !slices.Equal(got, want) {
			t.Errorf("alice's %s blobs = %v, want %v", status, got, want)
		}
	}
	for _, q := range []string{"?status=lost", "?limit=0", "?limit=501", "?limit=x", "?cursor=zzz", "?limit=1&limit=2", "?sort=asc",
		"?cursor=" + cursor.Cursor{Kind: cursor.Epoch, A: 1}.String()} {
		wantStatus(t, w.url+alice+q, 400, "bad_request")
	}
	wantStatus(t, w.url+"/v1/owners/alice/blobs", 400, "bad_request")
}

// TestEventEndpoint proves event listing in chain order with cursor pagination, type
// filters and from_checkpoint, and its 400s.
func TestEventEndpoint(t *testing.T) {
	w := setup(t, Config{})
	all := walk(t, w.url, "/v1/events", 4)
	if len(all) != 14+23 {
		t.Fatalf("%d events, want 37", len(all))
	}
	for i := 1; i < len(all); i++ {
		a, b := all[i-1], all[i]
		if a["checkpoint"].(float64) > b["checkpoint"].(float64) ||
			a["checkpoint"] == b["checkpoint"] && a["index"].(float64) >= b["index"].(float64) {
			t.Fatalf("events out of order at %d", i)
		}
	}
	rewards := walk(t, w.url, "/v1/events?type=NodeRewards", 1)
	if len(rewards) != 2 || rewards[0]["derived"] != true || rewards[0]["event_index"] != nil {
		t.Fatalf("NodeRewards events = %v", rewards)
	}
	certs := walk(t, w.url, "/v1/events?type=BlobCertified,BlobDeleted,BlobCertified", 2)
	if got := strs(certs, "name"); !slices.Equal(got, []string{"BlobCertified", "BlobCertified", "BlobCertified", "BlobDeleted"}) {
		t.Fatalf("filtered events = %v", got)
	}
	from := walk(t, w.url, "/v1/events?from_checkpoint=15", 100)
	if from[0]["checkpoint"] != float64(15) || from[0]["name"] != "EpochChangeStart" {
		t.Fatalf("from checkpoint 15: %v", from[0])
	}
	if d := from[0]["data"].(map[string]any); d["epoch"] != float64(2) {
		t.Fatalf("decoded data = %v", d)
	}
	for _, q := range []string{"?type=Nope", "?type=", "?from_checkpoint=x", "?from_checkpoint=1&cursor=" + all[0]["cursor"].(string), "?after=1"} {
		wantStatus(t, w.url+"/v1/events"+q, 400, "bad_request")
	}
}

// TestEpochNodeEndpoints proves the epoch list and lookups, committees (paginated),
// nodes (paginated), a node's stake and reward history, and their 400s and 404s.
func TestEpochNodeEndpoints(t *testing.T) {
	w := setup(t, Config{})
	s := w.s
	epochs := walk(t, w.url, "/v1/epochs", 1)
	if got := strs(epochs, "epoch"); !slices.Equal(got, []string{"2", "1"}) {
		t.Fatalf("epochs = %v", got)
	}
	var e2 map[string]any
	get(t, w.url+"/v1/epochs/2", &e2)
	if e2["storage_price_per_unit"] != "110000" || e2["n_shards"] != float64(5) || e2["start_checkpoint"] != float64(15) || e2["end_ms"] != nil {
		t.Fatalf("epoch 2 = %v", e2)
	}
	wantStatus(t, w.url+"/v1/epochs/7", 404, "not_found")
	wantStatus(t, w.url+"/v1/epochs/-1", 400, "bad_request")
	wantStatus(t, w.url+"/v1/epochs/4294967296", 400, "bad_request")

	members := walk(t, w.url, "/v1/epochs/2/committee", 1)
	if len(members) != 2 || members[0]["weight"].(float64)+members[1]["weight"].(float64) != 5 {
		t.Fatalf("committee = %v", members)
	}
	wantStatus(t, w.url+"/v1/epochs/9/committee", 404, "not_found")
	other := cursor.Cursor{Kind: cursor.Committee, A: 1, ID: s.P1.ID}.String()
	wantStatus(t, w.url+"/v1/epochs/2/committee?cursor="+other, 400, "bad_request")

	nodes := walk(t, w.url, "/v1/nodes", 1)
	if len(nodes) != 2 || nodes[0]["node_id"].(string) >= nodes[1]["node_id"].(string) {
		t.Fatalf("nodes = %v", strs(nodes, "node_id"))
	}
	var n1 map[string]any
	get(t, w.url+"/v1/nodes/"+s.P1.ID.String(), &n1)
	if n1["name"] != "node-1" || n1["commission_rate_bps"] != float64(6000) || n1["metadata"].(map[string]any)["description"] != "first" ||
		!strings.HasPrefix(n1["public_key"].(string), "0x") {
		t.Fatalf("node = %v", n1)
	}
	stake := walk(t, w.url, "/v1/nodes/"+s.P2.ID.String()+"/stake", 1)
	if got := strs(stake, "epoch"); !slices.Equal(got, []string{"2", "1"}) {
		t.Fatalf("stake epochs = %v", got)
	}
	rewards := walk(t, w.url, "/v1/nodes/"+s.P1.ID.String()+"/rewards", 5)
	if len(rewards) != 1 || rewards[0]["reward"] != "1000" || rewards[0]["commission"] != "600" || rewards[0]["staker_reward"] != "400" || rewards[0]["epoch"] != float64(1) {
		t.Fatalf("rewards = %v", rewards)
	}
	wantStatus(t, w.url+"/v1/nodes/0x404", 404, "not_found")
	wantStatus(t, w.url+"/v1/nodes/0x404/stake", 404, "not_found")
	wantStatus(t, w.url+"/v1/nodes/0x404/rewards", 404, "not_found")
	wantStatus(t, w.url+"/v1/nodes/node-1", 400, "bad_request")
	wantStatus(t, w.url+"/v1/nodes?cursor="+cursor.Cursor{Kind: cursor.NodeEpoch, A: 1}.String(), 400, "bad_request")
}

// TestSummaryAndErrors proves the summary (totals, current epoch, watermark and lag),
// JSON 404/405 for unknown paths and methods, and that a query exceeding the timeout is
// cut off with a 503.
func TestSummaryAndErrors(t *testing.T) {
	w := setup(t, Config{})
	var sum map[string]any
	if st := get(t, w.url+"/v1/summary", &sum); st != 200 {
		t.Fatal(st)
	}
	wm := sum["watermark"].(map[string]any)
	if sum["events"] != float64(37) || sum["blob_objects"] != float64(27) || sum["nodes"] != float64(2) ||
		sum["current_epoch"].(map[string]any)["epoch"] != float64(2) || wm["checkpoint_lag"] != float64(5) {
		t.Fatalf("summary = %v", sum)
	}
	wantStatus(t, w.url+"/v1/nope", 404, "not_found")
	wantStatus(t, w.url+"/v1/summary?verbose=1", 400, "bad_request")
	resp, err := http.Post(w.url+"/v1/summary", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Fatalf("POST = %d", resp.StatusCode)
	}

	slow := httptest.NewServer(New(store.NewReader(w.pool, "walrus"), Config{QueryTimeout: time.Nanosecond}, nil, zap.NewNop()))
	defer slow.Close()
	wantStatus(t, slow.URL+"/v1/owners/"+w.carol.String()+"/blobs", 503, "timeout")
}

// FuzzListParams checks that no query string makes parameter parsing panic and that
// every refusal is a 400.
func FuzzListParams(f *testing.F) {
	f.Add("limit=10&cursor=" + cursor.Cursor{Kind: cursor.OwnerBlob, A: 3}.String() + "&status=certified")
	f.Add("type=BlobCertified,NodeRewards&from_checkpoint=9")
	f.Add("cursor=" + cursor.Cursor{Kind: cursor.Event, A: 1, B: 1 << 40}.String())
	f.Add("limit=-1&limit=2&x=%zz")
	f.Fuzz(func(t *testing.T, query string) {
		q, err := url.ParseQuery(query)
		if err != nil {
			return
		}
		p, err := parseParams(q, "limit", "cursor", "status", "type", "from_checkpoint")
		check := func(err error) {
			if err != nil {
				if _, ok := err.(badRequest); !ok {
					t.Fatalf("%q: error %v is not a bad request", query, err)
				}
			}
		}
		check(err)
		if err != nil {
			return
		}
		if n, err := p.limit(50, 500); err == nil && (n < 1 || n > 500) {
			t.Fatalf("%q: limit %d accepted", query, n)
		} else {
			check(err)
		}
		_, err = p.status()
		check(err)
		_, err = p.types()
		check(err)
		_, err = p.eventStart()
		check(err)
		for k := cursor.Kind(1); k <= cursor.Committee; k++ {
			_, err = p.cursor(k)
			check(err)
		}
		_, err = p.epochCursor(cursor.Epoch)
		check(err)
	})
}
