// Package feed is the indexer's event feed: the ordered, resumable stream of the events
// storage nodes act on (every Walrus event, and the NodeRewards event the indexer
// derives for each node paid at an epoch change), served over HTTP as server-sent
// events, and a Go client that follows it.
//
// # Wire protocol
//
//	GET /v1/feed[?after=CURSOR | ?from_checkpoint=N]     (or header Last-Event-ID: CURSOR)
//	200 Content-Type: text/event-stream
//
//	id: CURSOR
//	event: walrus | derived
//	data: {"cursor":…,"checkpoint":…,"index":…,"tx_digest":…,"tx_index":…,"event_index":…,
//	       "timestamp_ms":…,"name":…,"type":…,"bcs":…,"data":{…}}
//
// Events come in feed order: by checkpoint, then by index within the checkpoint (the
// Walrus events of its transactions in order, each transaction's derived events after
// its Walrus events). The stream starts after the cursor given (from the first event
// without one) and never ends: when it has caught up the server waits for new
// checkpoints and sends a comment line (": keep-alive") every so often. A client that
// loses the connection reconnects with the id of the last event it handled and gets
// exactly the events after it; there are no gaps and no repeats, because the indexer
// commits each checkpoint's events atomically and in order.
//
// "bcs" is the event's BCS contents (standard base64) and "type" its full Move type, so
// nodes decode Walrus events with chain/walrus (Event.Walrus); derived events have type
// rewards.EventType and decode with rewards.DecodeNodeRewards. "data" is the decoded
// JSON, for people. A bad cursor or parameter is a 400 with a JSON error body.
package feed

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"

	"github.com/tuskstore/tusk/chain/sui"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/indexer/cursor"
	"github.com/tuskstore/tusk/indexer/rewards"
)

// Path is where the indexer serves the feed.
const Path = "/v1/feed"

// Position is a place in the feed: the event at Index among the feed events of
// checkpoint Checkpoint.
type Position struct {
	Checkpoint uint64 `json:"checkpoint"`
	Index      uint32 `json:"index"`
}

// Less reports whether p comes before q.
func (p Position) Less(q Position) bool {
	return p.Checkpoint < q.Checkpoint || p.Checkpoint == q.Checkpoint && p.Index < q.Index
}

// Cursor is the opaque text of the position, for ?after= and Last-Event-ID.
func (p Position) Cursor() string {
	return cursor.Cursor{Kind: cursor.Event, A: p.Checkpoint, B: uint64(p.Index)}.String()
}

// ParseCursor parses a cursor made by Position.Cursor; errors match cursor.ErrInvalid.
func ParseCursor(s string) (Position, error) {
	c, err := cursor.Decode(s, cursor.Event)
	if err != nil {
		return Position{}, err
	}
	if c.B > math.MaxUint32 {
		return Position{}, fmt.Errorf("%w: index out of range", cursor.ErrInvalid)
	}
	return Position{Checkpoint: c.A, Index: uint32(c.B)}, nil
}

// Before returns the position after which the feed starts at checkpoint cp (nil for 0:
// from the very first event).
func Before(cp uint64) *Position {
	if cp == 0 {
		return nil
	}
	return &Position{Checkpoint: cp - 1, Index: math.MaxUint32}
}

// Event is one event of the feed.
type Event struct {
	Position
	Cursor   string     `json:"cursor"`
	TxDigest sui.Digest `json:"tx_digest"`
	TxIndex  uint32     `json:"tx_index"`
	// EventIndex is the index among the transaction's events; nil for derived events.
	EventIndex  *uint32         `json:"event_index"`
	TimestampMs uint64          `json:"timestamp_ms"`
	Name        string          `json:"name"`
	Type        string          `json:"type"`
	BCS         []byte          `json:"bcs"`
	Data        json.RawMessage `json:"data"`
}

// Derived reports whether the indexer derived the event (it was not emitted on chain).
func (e *Event) Derived() bool { return e.EventIndex == nil }

// ErrNotWalrus is returned by Walrus for a derived event.
var ErrNotWalrus = errors.New("feed: not a Walrus event")

// Walrus decodes a Walrus event from its type and BCS.
func (e *Event) Walrus() (walrus.Event, error) {
	if e.Derived() {
		return nil, fmt.Errorf("%w: %s", ErrNotWalrus, e.Type)
	}
	return walrus.DecodeEvent(e.Type, e.BCS)
}

// NodeRewards decodes a derived NodeRewards event.
func (e *Event) NodeRewards() (*rewards.NodeRewards, error) {
	if e.Type != rewards.EventType {
		return nil, fmt.Errorf("feed: %s is not %s", e.Type, rewards.EventType)
	}
	return rewards.DecodeNodeRewards(e.BCS)
}
