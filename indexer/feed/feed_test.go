package feed

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/indexer/cursor"
	"github.com/tuskstore/tusk/indexer/rewards"
	"github.com/tuskstore/tusk/internal/bcs"
)

// memSource is an in-memory event store.
type memSource struct {
	mu      sync.Mutex
	evs     []Event
	failing atomic.Int32 // fail this many queries
	queries atomic.Int32
}

func (m *memSource) EventsAfter(_ context.Context, after *Position, limit int) ([]Event, error) {
	m.queries.Add(1)
	if m.failing.Load() > 0 {
		m.failing.Add(-1)
		return nil, errors.New("injected query failure")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Event
	for _, e := range m.evs {
		if after == nil || after.Less(e.Position) {
			out = append(out, e)
			if len(out) == limit {
				break
			}
		}
	}
	return out, nil
}

// add appends n events of checkpoint cp (a Walrus event, then a derived one).
func (m *memSource) add(cp uint64, n int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i := range n {
		var e Event
		e.Checkpoint, e.Index = cp, uint32(i)
		if i%2 == 0 {
			ev := &walrus.EpochChangeDone{Epoch: uint32(cp)}
			ei := uint32(i)
			e.EventIndex, e.Name, e.Type, e.BCS = &ei, "EpochChangeDone", walrus.EventTypeTag(walrus.MustParseID("0x5"), ev), bcs.Marshal(ev)
		} else {
			ev := &rewards.NodeRewards{Epoch: uint32(cp), Reward: uint64(i)}
			e.Name, e.Type, e.BCS = rewards.EventName, rewards.EventType, bcs.Marshal(ev)
		}
		e.Data = json.RawMessage(`{}`)
		m.evs = append(m.evs, e)
	}
}

func server(t *testing.T, src Source, b *Broadcaster, cfg ServerConfig) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle(Path, NewServer(src, b, cfg, zaptest.NewLogger(t, zaptest.Level(zap.ErrorLevel))))
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return ts
}

func client(t *testing.T, url string) *Client {
	t.Helper()
	c, err := NewClient(url, nil, zaptest.NewLogger(t, zaptest.Level(zap.ErrorLevel)))
	if err != nil {
		t.Fatal(err)
	}
	c.MinBackoff, c.MaxBackoff = 5*time.Millisecond, 50*time.Millisecond
	return c
}

// collect follows the feed until n events have arrived.
func collect(t *testing.T, c *Client, after *Position, n int) []Event {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var got []Event
	stop := errors.New("enough")
	err := c.Follow(ctx, after, func(_ context.Context, e *Event) error {
		got = append(got, *e)
		if len(got) == n {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) {
		t.Fatalf("Follow = %v after %d events, want %d", err, len(got), n)
	}
	return got
}

func checkOrder(t *testing.T, evs []Event, first Position) {
	t.Helper()
	want := first
	for i, e := range evs {
		if e.Position != want {
			t.Fatalf("event %d at %+v, want %+v", i, e.Position, want)
		}
		if e.Cursor != e.Position.Cursor() {
			t.Fatalf("event %d cursor %q", i, e.Cursor)
		}
		// 3 events per checkpoint in these tests
		want.Index++
		if want.Index == 3 {
			want = Position{Checkpoint: want.Checkpoint + 1}
		}
	}
}

// TestFollowFromStartAndCursor proves that the feed delivers every event in order from
// the start, exactly the events after a cursor, and from a checkpoint; and that events
// decode: Walrus ones with chain/walrus, derived ones as NodeRewards.
func TestFollowFromStartAndCursor(t *testing.T) {
	src := &memSource{}
	for cp := range uint64(20) {
		src.add(cp, 3)
	}
	ts := server(t, src, nil, ServerConfig{PageSize: 7})
	c := client(t, ts.URL)
	all := collect(t, c, nil, 60)
	checkOrder(t, all, Position{})
	for _, e := range all {
		if e.Derived() {
			nr, err := e.NodeRewards()
			if err != nil || uint64(nr.Epoch) != e.Checkpoint {
				t.Fatalf("derived event %+v: %v", nr, err)
			}
			if _, err := e.Walrus(); !errors.Is(err, ErrNotWalrus) {
				t.Fatalf("Walrus() of a derived event: %v", err)
			}
			continue
		}
		ev, err := e.Walrus()
		if d, ok := ev.(*walrus.EpochChangeDone); err != nil || !ok || uint64(d.Epoch) != e.Checkpoint {
			t.Fatalf("walrus event %+v: %v", ev, err)
		}
	}
	after := all[31].Position
	rest := collect(t, c, &after, 28)
	checkOrder(t, rest, all[32].Position)
	fromCp := collect(t, c, Before(5), 3)
	checkOrder(t, fromCp, Position{Checkpoint: 5})
}

// TestLiveAndResume proves that a caught-up client gets new events as they are
// committed, and that after the server drops every connection (and after failed
// queries) the client reconnects and continues with no gap and no repeat.
func TestLiveAndResume(t *testing.T) {
	src := &memSource{}
	src.add(0, 3)
	b := NewBroadcaster()
	ts := server(t, src, b, ServerConfig{PageSize: 2, PollInterval: time.Hour, Heartbeat: 20 * time.Millisecond})
	c := client(t, ts.URL)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var (
		mu  sync.Mutex
		got []Event
	)
	count := func() int { mu.Lock(); defer mu.Unlock(); return len(got) }
	done := make(chan error, 1)
	go func() {
		done <- c.Follow(ctx, nil, func(_ context.Context, e *Event) error {
			mu.Lock()
			got = append(got, *e)
			mu.Unlock()
			return nil
		})
	}()
	waitFor := func(n int) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for count() < n {
			if time.Now().After(deadline) {
				t.Fatalf("%d events after 10s, want %d", count(), n)
			}
			time.Sleep(2 * time.Millisecond)
		}
	}
	waitFor(3)
	// Live: committed events wake the connection (the poll interval is an hour).
	for cp := uint64(1); cp <= 5; cp++ {
		src.add(cp, 3)
		b.Notify()
	}
	waitFor(18)
	// The server drops every connection; more events meanwhile.
	ts.CloseClientConnections()
	src.add(6, 3)
	src.add(7, 3)
	b.Notify()
	waitFor(24)
	// Queries fail a few times: the stream is closed and reopened.
	src.failing.Store(3)
	src.add(8, 3)
	b.Notify()
	waitFor(27)
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Follow = %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	checkOrder(t, got, Position{})
	if len(got) != 27 {
		t.Fatalf("%d events, want 27", len(got))
	}
}

// TestReconnectAfterServerRestart proves that the client waits out a server that is
// down and resumes from its last event when it comes back on the same address.
func TestReconnectAfterServerRestart(t *testing.T) {
	src := &memSource{}
	src.add(0, 3)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	mux := http.NewServeMux()
	mux.Handle(Path, NewServer(src, nil, ServerConfig{PollInterval: 5 * time.Millisecond}, zap.NewNop()))
	srv := &http.Server{Handler: mux}
	go srv.Serve(ln)
	c := client(t, "http://"+addr)
	first := collect(t, c, nil, 3)
	srv.Close()
	src.add(1, 3)
	last := first[2].Position
	got := make(chan []Event, 1)
	go func() {
		var evs []Event
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = c.Follow(ctx, &last, func(_ context.Context, e *Event) error {
			evs = append(evs, *e)
			if len(evs) == 3 {
				return errors.New("enough")
			}
			return nil
		})
		got <- evs
	}()
	time.Sleep(100 * time.Millisecond) // the client retries against a closed port
	ln2, err := net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("cannot listen on %s again: %v", addr, err)
	}
	srv2 := &http.Server{Handler: mux}
	go srv2.Serve(ln2)
	defer srv2.Close()
	evs := <-got
	if len(evs) != 3 {
		t.Fatalf("%d events after the restart", len(evs))
	}
	checkOrder(t, evs, Position{Checkpoint: 1})
}

// TestBadRequests proves that bad cursors and parameters get a 400 with a JSON error,
// and that the client gives up on them (ErrRejected) instead of retrying.
func TestBadRequests(t *testing.T) {
	ts := server(t, &memSource{}, nil, ServerConfig{})
	for _, q := range []string{
		"?after=", "?after=nope", "?after=" + cursor.Cursor{Kind: cursor.Epoch, A: 1}.String(), "?from_checkpoint=-1",
		"?from_checkpoint=x", "?limit=5", "?after=" + (Position{}).Cursor() + "&from_checkpoint=3", "?from_checkpoint=1&from_checkpoint=2",
	} {
		resp, err := http.Get(ts.URL + Path + q)
		if err != nil {
			t.Fatal(err)
		}
		var body struct {
			Error struct{ Code, Message string }
		}
		err = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest || err != nil || body.Error.Code != "bad_request" || body.Error.Message == "" {
			t.Errorf("%s: %d %+v %v", q, resp.StatusCode, body, err)
		}
	}
	req, _ := http.NewRequest(http.MethodGet, ts.URL+Path, nil)
	req.Header.Set("Last-Event-ID", "garbage")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("bad Last-Event-ID: %d", resp.StatusCode)
	}
	c := client(t, ts.URL)
	c.base += "/nope"
	err = c.Follow(context.Background(), nil, func(context.Context, *Event) error { return nil })
	if !errors.Is(err, ErrRejected) {
		t.Fatalf("Follow against a wrong URL = %v, want ErrRejected", err)
	}
}

// TestLastEventIDHeader proves that a standard SSE client resuming with Last-Event-ID
// gets the events after it.
func TestLastEventIDHeader(t *testing.T) {
	src := &memSource{}
	src.add(0, 3)
	src.add(1, 3)
	ts := server(t, src, nil, ServerConfig{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, ts.URL+Path, nil)
	req.Header.Set("Last-Event-ID", Position{Checkpoint: 1, Index: 0}.Cursor())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("Content-Type %q", ct)
	}
	buf := make([]byte, 4096)
	var text strings.Builder
	for strings.Count(text.String(), "\n\n") < 2 {
		n, err := resp.Body.Read(buf)
		text.Write(buf[:n])
		if err != nil {
			t.Fatal(err)
		}
	}
	want := fmt.Sprintf("id: %s\nevent: derived\n", Position{Checkpoint: 1, Index: 1}.Cursor())
	if !strings.HasPrefix(text.String(), want) {
		t.Fatalf("stream starts %q, want %q", text.String()[:min(len(text.String()), 80)], want)
	}
}

func TestParseCursor(t *testing.T) {
	p := Position{Checkpoint: 1 << 50, Index: 7}
	if got, err := ParseCursor(p.Cursor()); err != nil || got != p {
		t.Fatalf("round trip: %+v %v", got, err)
	}
	if _, err := ParseCursor(cursor.Cursor{Kind: cursor.Event, A: 1, B: 1 << 40}.String()); !errors.Is(err, cursor.ErrInvalid) {
		t.Fatalf("index out of range accepted: %v", err)
	}
}

// FuzzParseStart checks that no query string or header makes the feed's parameter
// parsing panic, and that what it accepts is a valid start.
func FuzzParseStart(f *testing.F) {
	f.Add("after="+Position{Checkpoint: 3, Index: 1}.Cursor(), "")
	f.Add("from_checkpoint=12", "")
	f.Add("", Position{}.Cursor())
	f.Add("after=%zz", "x")
	f.Fuzz(func(t *testing.T, query, lastID string) {
		r := &http.Request{URL: urlpkg{RawQuery: query}.URL(), Header: http.Header{}}
		if lastID != "" {
			r.Header.Set("Last-Event-ID", lastID)
		}
		p, err := ParseStart(r)
		if err != nil {
			var br badRequest
			if !errors.As(err, &br) {
				t.Fatalf("error %v is not a bad request", err)
			}
			return
		}
		if p != nil {
			if _, err := ParseCursor(p.Cursor()); err != nil {
				t.Fatalf("accepted start %+v does not round-trip: %v", p, err)
			}
		}
	})
}
