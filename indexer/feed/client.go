package feed

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"go.uber.org/zap"
)

// ErrRejected is matched by the error Follow returns when the server refuses the
// request (a 4xx status: a bad cursor, a wrong URL); reconnecting would not help.
var ErrRejected = errors.New("feed: request rejected")

// maxLine bounds one line of the stream (one event's JSON).
const maxLine = 4 << 20

// Client follows an indexer's event feed.
type Client struct {
	base string
	http *http.Client
	log  *zap.Logger
	// MinBackoff and MaxBackoff bound the wait between reconnection attempts.
	MinBackoff, MaxBackoff time.Duration
	// IdleTimeout: a stream with no byte (event or keep-alive) for this long is
	// considered dead and reopened. It must exceed the server's heartbeat.
	IdleTimeout time.Duration
}

// NewClient returns a client of the indexer at baseURL (http://host:port). httpClient
// may be nil; it must not have a Timeout, which would cut the stream.
func NewClient(baseURL string, httpClient *http.Client, log *zap.Logger) (*Client, error) {
	u, err := url.Parse(baseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("feed: base URL must be http(s)://host[:port], got %q", baseURL)
	}
	if httpClient == nil {
		httpClient = &http.Client{}
	}
	return &Client{
		base: strings.TrimRight(baseURL, "/"), http: httpClient, log: log.Named("feed"),
		MinBackoff: 100 * time.Millisecond, MaxBackoff: 10 * time.Second, IdleTimeout: time.Minute,
	}, nil
}

// Follow hands every event after position after (nil: from the first) to handle, in
// feed order, each exactly once, reconnecting after any failure from the last event
// handled. It returns only when ctx ends (its error), when handle fails (that error), or
// when the server rejects the request (ErrRejected).
func (c *Client) Follow(ctx context.Context, after *Position, handle func(context.Context, *Event) error) error {
	backoff := c.MinBackoff
	for {
		progressed, err := c.stream(ctx, after, func(ctx context.Context, e *Event) error {
			if after != nil && !after.Less(e.Position) {
				return nil // already handled (a server must not resend, but be sure)
			}
			if err := handle(ctx, e); err != nil {
				return &handlerError{err}
			}
			p := e.Position
			after = &p
			return nil
		})
		var he *handlerError
		switch {
		case errors.As(err, &he):
			return he.err
		case ctx.Err() != nil:
			return ctx.Err()
		case errors.Is(err, ErrRejected):
			return err
		}
		if progressed {
			backoff = c.MinBackoff
		}
		c.log.Info("feed stream ended; reconnecting", zap.Error(err), zap.Duration("in", backoff))
		t := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		backoff = min(2*backoff, c.MaxBackoff)
	}
}

type handlerError struct{ err error }

func (e *handlerError) Error() string { return e.err.Error() }

// stream runs one connection; progressed says whether any event was handled.
func (c *Client) stream(outer context.Context, after *Position, handle func(context.Context, *Event) error) (progressed bool, err error) {
	ctx, cancel := context.WithCancel(outer)
	defer cancel()
	u := c.base + Path
	if after != nil {
		u += "?after=" + url.QueryEscape(after.Cursor())
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return false, err
	}
	req.Header.Set("Accept", "text/event-stream")
	resp, err := c.http.Do(req)
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		err := fmt.Errorf("feed: %s: %s", resp.Status, bytes.TrimSpace(body))
		if resp.StatusCode >= 400 && resp.StatusCode < 500 {
			return false, fmt.Errorf("%w: %w", ErrRejected, err)
		}
		return false, err
	}
	// A watchdog closes the stream if it goes silent.
	alive := make(chan struct{}, 1)
	go func() {
		t := time.NewTimer(c.IdleTimeout)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-alive:
				if !t.Stop() {
					<-t.C
				}
				t.Reset(c.IdleTimeout)
			case <-t.C:
				c.log.Warn("feed stream idle; reopening", zap.Duration("idle", c.IdleTimeout))
				cancel()
				return
			}
		}
	}()
	r := bufio.NewReaderSize(resp.Body, 64<<10)
	var data []byte
	for {
		line, err := readLine(r)
		if err != nil {
			return progressed, fmt.Errorf("feed: reading the stream: %w", err)
		}
		select {
		case alive <- struct{}{}:
		default:
		}
		switch {
		case len(line) == 0: // end of an event
			if len(data) == 0 {
				continue
			}
			var e Event
			if err := json.Unmarshal(data, &e); err != nil {
				return progressed, fmt.Errorf("feed: bad event: %w", err)
			}
			data = data[:0]
			// The handler runs under the caller's context: the watchdog closing a
			// stream must not cancel an event being handled.
			if err := handle(outer, &e); err != nil {
				return progressed, err
			}
			progressed = true
			select {
			case alive <- struct{}{}:
			default:
			}
		case line[0] == ':': // comment (keep-alive)
		case bytes.HasPrefix(line, []byte("data:")):
			data = append(data, bytes.TrimPrefix(bytes.TrimPrefix(line, []byte("data:")), []byte(" "))...)
		default: // id:, event:, retry: — the event's JSON carries its cursor and type
		}
	}
}

// readLine reads one line without its end (LF or CRLF), up to maxLine bytes.
func readLine(r *bufio.Reader) ([]byte, error) {
	var line []byte
	for {
		chunk, isPrefix, err := r.ReadLine()
		if err != nil {
			return nil, err
		}
		line = append(line, chunk...)
		if len(line) > maxLine {
			return nil, fmt.Errorf("a line longer than %d bytes", maxLine)
		}
		if !isPrefix {
			return line, nil
		}
	}
}
