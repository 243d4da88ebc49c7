package feed

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/tuskstore/tusk/config"
)

// Source gives the server the stored events.
type Source interface {
	// EventsAfter returns up to limit events after position after (nil: from the
	// first), in feed order.
	EventsAfter(ctx context.Context, after *Position, limit int) ([]Event, error)
}

// Broadcaster wakes up feed connections when new events are committed.
type Broadcaster struct {
	mu sync.Mutex
	ch chan struct{}
}

// NewBroadcaster returns a broadcaster.
func NewBroadcaster() *Broadcaster { return &Broadcaster{ch: make(chan struct{})} }

// C returns a channel closed at the next Notify.
func (b *Broadcaster) C() <-chan struct{} {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.ch
}

// Notify wakes every waiter.
func (b *Broadcaster) Notify() {
	b.mu.Lock()
	defer b.mu.Unlock()
	close(b.ch)
	b.ch = make(chan struct{})
}

// ServerConfig tunes the server.
type ServerConfig struct {
	// PageSize bounds each query (and so each burst of events).
	PageSize int
	// PollInterval is how often a caught-up connection looks for new events when no
	// notification comes (another process may be ingesting).
	PollInterval time.Duration
	// Heartbeat is how often an idle connection gets a keep-alive comment.
	Heartbeat time.Duration
	// QueryTimeout bounds each query.
	QueryTimeout time.Duration
}

// DefaultServerConfig returns pages of 500 events, polling every second and a
// keep-alive every 15 seconds.
func DefaultServerConfig() ServerConfig {
	return ServerConfig{PageSize: 500, PollInterval: time.Second, Heartbeat: 15 * time.Second, QueryTimeout: 5 * time.Second}
}

// Server serves the feed (see the package documentation for the protocol).
type Server struct {
	src    Source
	notify *Broadcaster
	cfg    ServerConfig
	log    *zap.Logger
}

// NewServer returns a feed server over src; notify (may be nil) wakes connections up.
func NewServer(src Source, notify *Broadcaster, cfg ServerConfig, log *zap.Logger) *Server {
	d := DefaultServerConfig()
	config.SetDefault(&cfg.PageSize, d.PageSize)
	config.SetDefault(&cfg.PollInterval, d.PollInterval)
	config.SetDefault(&cfg.Heartbeat, d.Heartbeat)
	config.SetDefault(&cfg.QueryTimeout, d.QueryTimeout)
	if notify == nil {
		notify = NewBroadcaster()
	}
	return &Server{src: src, notify: notify, cfg: cfg, log: log.Named("feed")}
}

// badRequest is a request error with its message for the client.
type badRequest string

func (e badRequest) Error() string { return string(e) }

// ParseStart reads where a feed request starts: ?after=CURSOR, ?from_checkpoint=N or the
// Last-Event-ID header (at most one of them); nil means from the first event. Unknown
// parameters are refused.
func ParseStart(r *http.Request) (*Position, error) {
	q := r.URL.Query()
	for k, v := range q {
		if k != "after" && k != "from_checkpoint" {
			return nil, badRequest(fmt.Sprintf("unknown parameter %q (the feed takes after or from_checkpoint)", k))
		}
		if len(v) != 1 {
			return nil, badRequest(fmt.Sprintf("parameter %q given %d times", k, len(v)))
		}
	}
	after, from, last := q.Get("after"), q.Get("from_checkpoint"), r.Header.Get("Last-Event-ID")
	given := 0
	for _, s := range []string{after, from, last} {
		if s != "" {
			given++
		}
	}
	if given > 1 {
		return nil, badRequest("give at most one of after, from_checkpoint and Last-Event-ID")
	}
	switch {
	case q.Has("after") && after == "":
		return nil, badRequest("after: empty cursor")
	case after != "" || last != "":
		s := after
		if s == "" {
			s = last
		}
		p, err := ParseCursor(s)
		if err != nil {
			return nil, badRequest(fmt.Sprintf("after: %v", err))
		}
		return &p, nil
	case q.Has("from_checkpoint"):
		n, err := strconv.ParseUint(from, 10, 63)
		if err != nil {
			return nil, badRequest(fmt.Sprintf("from_checkpoint: must be a checkpoint number, got %q", from))
		}
		return Before(n), nil
	}
	return nil, nil
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{"code": code, "message": msg}})
}

// ServeHTTP streams events until the client goes away or the request context ends.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		writeError(w, http.StatusMethodNotAllowed, "method_not_allowed", "the feed is read with GET")
		return
	}
	after, err := ParseStart(r)
	if err != nil {
		var br badRequest
		if errors.As(err, &br) {
			writeError(w, http.StatusBadRequest, "bad_request", br.Error())
			return
		}
		writeError(w, http.StatusInternalServerError, "internal", "internal error")
		return
	}
	flusher, ok := w.(http.Flusher)
	if !ok {
		writeError(w, http.StatusInternalServerError, "internal", "streaming unsupported")
		return
	}
	ctx := r.Context()
	// Check that the database answers before committing to a 200. The wake-up channel
	// is taken before each query, so a commit right after it is not missed.
	wake := s.notify.C()
	first, err := s.page(ctx, after)
	if err != nil {
		s.log.Warn("feed query failed", zap.Error(err))
		writeError(w, http.StatusServiceUnavailable, "unavailable", "the event store is not available")
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	flusher.Flush()

	heartbeat := time.NewTicker(s.cfg.Heartbeat)
	defer heartbeat.Stop()
	evs := first
	for {
		for i := range evs {
			if err := writeEvent(w, &evs[i]); err != nil {
				return
			}
			p := evs[i].Position
			after = &p
		}
		if len(evs) > 0 {
			flusher.Flush()
			heartbeat.Reset(s.cfg.Heartbeat)
		}
		if len(evs) < s.cfg.PageSize {
			poll := time.NewTimer(s.cfg.PollInterval)
		wait:
			for {
				select {
				case <-ctx.Done():
					poll.Stop()
					return
				case <-wake:
					break wait
				case <-poll.C:
					break wait
				case <-heartbeat.C:
					if _, err := fmt.Fprint(w, ": keep-alive\n\n"); err != nil {
						poll.Stop()
						return
					}
					flusher.Flush()
				}
			}
			poll.Stop()
		}
		wake = s.notify.C()
		if evs, err = s.page(ctx, after); err != nil {
			if ctx.Err() == nil {
				s.log.Warn("feed query failed; closing the stream", zap.Error(err))
			}
			return // the client reconnects from its last event
		}
	}
}

func (s *Server) page(ctx context.Context, after *Position) ([]Event, error) {
	qctx, cancel := context.WithTimeout(ctx, s.cfg.QueryTimeout)
	defer cancel()
	evs, err := s.src.EventsAfter(qctx, after, s.cfg.PageSize)
	for i := range evs {
		evs[i].Cursor = evs[i].Position.Cursor()
	}
	return evs, err
}

func writeEvent(w http.ResponseWriter, e *Event) error {
	data, err := json.Marshal(e)
	if err != nil {
		return err
	}
	kind := "walrus"
	if e.Derived() {
		kind = "derived"
	}
	_, err = fmt.Fprintf(w, "id: %s\nevent: %s\ndata: %s\n\n", e.Cursor, kind, data)
	return err
}
