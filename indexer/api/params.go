package api

import (
	"fmt"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/indexer/cursor"
	"github.com/tuskstore/tusk/indexer/feed"
	"github.com/tuskstore/tusk/indexer/rewards"
	"github.com/tuskstore/tusk/indexer/store"
)

// badRequest is an error whose message is shown to the client with a 400.
type badRequest string

func (e badRequest) Error() string { return string(e) }

func badf(format string, args ...any) error { return badRequest(fmt.Sprintf(format, args...)) }

// params is a request's query, checked against the parameters an endpoint takes.
type params struct{ q url.Values }

// parseParams refuses parameters not in allowed and parameters given twice.
func parseParams(q url.Values, allowed ...string) (params, error) {
	for k, v := range q {
		ok := false
		for _, a := range allowed {
			ok = ok || k == a
		}
		if !ok {
			if len(allowed) == 0 {
				return params{}, badf("unknown parameter %q (this endpoint takes none)", k)
			}
			return params{}, badf("unknown parameter %q (this endpoint takes %s)", k, strings.Join(allowed, ", "))
		}
		if len(v) != 1 {
			return params{}, badf("parameter %q given %d times", k, len(v))
		}
	}
	return params{q: q}, nil
}

// limit is ?limit=, 1..max, def when absent.
func (p params) limit(def, max int) (int, error) {
	s, ok := p.q["limit"]
	if !ok {
		return min(def, max), nil
	}
	n, err := strconv.Atoi(s[0])
	if err != nil || n < 1 || n > max {
		return 0, badf("limit: must be an integer from 1 to %d, got %q", max, s[0])
	}
	return n, nil
}

// cursor is ?cursor= of the kind expected (nil when absent).
func (p params) cursor(kind cursor.Kind) (*cursor.Cursor, error) {
	s, ok := p.q["cursor"]
	if !ok {
		return nil, nil
	}
	c, err := cursor.Decode(s[0], kind)
	if err != nil {
		return nil, badf("cursor: %v (use the next_cursor of the previous page)", err)
	}
	return &c, nil
}

// epochCursor is a cursor over epochs (descending).
func (p params) epochCursor(kind cursor.Kind) (*uint32, error) {
	c, err := p.cursor(kind)
	if err != nil || c == nil {
		return nil, err
	}
	if c.A > math.MaxUint32 {
		return nil, badf("cursor: epoch out of range")
	}
	e := uint32(c.A)
	return &e, nil
}

// idCursor is a cursor over IDs (ascending).
func (p params) idCursor(kind cursor.Kind) (*walrus.ID, error) {
	c, err := p.cursor(kind)
	if err != nil || c == nil {
		return nil, err
	}
	id := walrus.ID(c.ID)
	return &id, nil
}

// status is ?status= (empty: all).
func (p params) status() (string, error) {
	s := p.q.Get("status")
	if !store.ValidStatus(s) {
		return "", badf("status: must be one of registered, certified, expired, deleted, invalid, got %q", s)
	}
	return s, nil
}

// eventNames is the names the ?type= filter accepts.
var eventNames = func() map[string]bool {
	m := map[string]bool{rewards.EventName: true}
	for _, n := range walrus.EventNames() {
		m[n] = true
	}
	return m
}()

// types is ?type=A,B: event struct names.
func (p params) types() ([]string, error) {
	s, ok := p.q["type"]
	if !ok {
		return nil, nil
	}
	var out []string
	for _, n := range strings.Split(s[0], ",") {
		n = strings.TrimSpace(n)
		if !eventNames[n] {
			return nil, badf("type: unknown event type %q", n)
		}
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out, nil
}

// eventStart is where an event listing starts: ?cursor= or ?from_checkpoint=.
func (p params) eventStart() (*store.EventPos, error) {
	_, hasCursor := p.q["cursor"]
	from, hasFrom := p.q["from_checkpoint"]
	if hasCursor && hasFrom {
		return nil, badf("give cursor or from_checkpoint, not both")
	}
	if hasFrom {
		n, err := strconv.ParseUint(from[0], 10, 63)
		if err != nil {
			return nil, badf("from_checkpoint: must be a checkpoint number, got %q", from[0])
		}
		if b := feed.Before(n); b != nil {
			return &store.EventPos{Checkpoint: b.Checkpoint, Index: b.Index}, nil
		}
		return nil, nil
	}
	c, err := p.cursor(cursor.Event)
	if err != nil || c == nil {
		return nil, err
	}
	if c.B > math.MaxUint32 {
		return nil, badf("cursor: index out of range")
	}
	return &store.EventPos{Checkpoint: c.A, Index: uint32(c.B)}, nil
}

func parseObjectID(what, s string) (walrus.ID, error) {
	if !strings.HasPrefix(s, "0x") {
		return walrus.ID{}, badf("%s: must be 0x followed by hex digits, got %q", what, s)
	}
	id, err := walrus.ParseID(s)
	if err != nil {
		return walrus.ID{}, badf("%s: must be 0x followed by up to 64 hex digits, got %q", what, s)
	}
	return id, nil
}

func parseBlobID(s string) (encoding.BlobID, error) {
	id, err := encoding.ParseBlobID(s)
	if err != nil {
		return id, badf("blob ID: must be the 43-character URL-safe base64 form, got %q", s)
	}
	return id, nil
}

func parseEpoch(s string) (uint32, error) {
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil {
		return 0, badf("epoch: must be a number from 0 to %d, got %q", uint32(math.MaxUint32), s)
	}
	return uint32(n), nil
}
