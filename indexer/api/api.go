// Package api is the indexer's explorer REST API: JSON over HTTP, read-only, served
// from the Postgres tables through store.Reader.
//
//	GET /v1/summary                          totals, current epoch, watermark and lag
//	GET /v1/blobs/{blob_id}                  the blob objects of a blob ID (paginated) and whether it is invalid
//	GET /v1/blob-objects/{object_id}         one blob object with its events
//	GET /v1/owners/{address}/blobs           an owner's blobs, newest first; ?status=registered|certified|expired|deleted|invalid
//	GET /v1/events                           events in chain order; ?type=Name[,Name…] ?from_checkpoint=N
//	GET /v1/epochs                           epochs, newest first
//	GET /v1/epochs/{epoch}                   one epoch
//	GET /v1/epochs/{epoch}/committee         its committee, in node-ID order
//	GET /v1/nodes                            storage nodes, in ID order
//	GET /v1/nodes/{node_id}                  one node
//	GET /v1/nodes/{node_id}/stake            its stake per epoch, newest first
//	GET /v1/nodes/{node_id}/rewards          its rewards per epoch, newest first
//
// Lists take ?limit= (1..MaxLimit, default DefaultLimit) and ?cursor=, the opaque
// next_cursor of the previous page (keyset pagination: pages stay consistent while rows
// are added). Every query is bounded by the limit and by a timeout. A bad parameter
// (unknown, repeated, malformed, a cursor of another list) is a 400, an unknown ID or
// epoch a 404, both with {"error": {"code", "message"}}.
package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"go.uber.org/zap"

	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/config"
	"github.com/tuskstore/tusk/indexer/cursor"
	"github.com/tuskstore/tusk/indexer/store"
)

// Config tunes the API.
type Config struct {
	DefaultLimit int
	MaxLimit     int
	// QueryTimeout bounds the queries of one request.
	QueryTimeout time.Duration
	// ObjectEvents is how many events the blob-object endpoint includes.
	ObjectEvents int
}

// DefaultConfig returns pages of 50 (at most 500) and a 5-second query timeout.
func DefaultConfig() Config {
	return Config{DefaultLimit: 50, MaxLimit: 500, QueryTimeout: 5 * time.Second, ObjectEvents: 100}
}

// ChainTip reports the chain's latest checkpoint, if known (for the summary's lag).
type ChainTip func() (uint64, bool)

// API serves the explorer endpoints.
type API struct {
	r   *store.Reader
	cfg Config
	tip ChainTip
	log *zap.Logger
	mux *http.ServeMux
}

// New returns the API over r; tip may be nil.
func New(r *store.Reader, cfg Config, tip ChainTip, log *zap.Logger) *API {
	d := DefaultConfig()
	config.SetDefault(&cfg.MaxLimit, d.MaxLimit)
	config.SetDefault(&cfg.DefaultLimit, d.DefaultLimit)
	config.SetDefault(&cfg.QueryTimeout, d.QueryTimeout)
	config.SetDefault(&cfg.ObjectEvents, d.ObjectEvents)
	a := &API{r: r, cfg: cfg, tip: tip, log: log.Named("api"), mux: http.NewServeMux()}
	a.route("GET /v1/summary", a.summary)
	a.route("GET /v1/blobs/{blob_id}", a.blob)
	a.route("GET /v1/blob-objects/{object_id}", a.blobObject)
	a.route("GET /v1/owners/{address}/blobs", a.ownerBlobs)
	a.route("GET /v1/events", a.events)
	a.route("GET /v1/epochs", a.epochs)
	a.route("GET /v1/epochs/{epoch}", a.epoch)
	a.route("GET /v1/epochs/{epoch}/committee", a.committee)
	a.route("GET /v1/nodes", a.nodes)
	a.route("GET /v1/nodes/{node_id}", a.node)
	a.route("GET /v1/nodes/{node_id}/stake", a.stake)
	a.route("GET /v1/nodes/{node_id}/rewards", a.rewards)
	return a
}

// Register adds the API's routes to mux.
func (a *API) Register(mux *http.ServeMux) {
	mux.Handle("/v1/", a)
}

// ServeHTTP routes a request; an unknown path is a JSON 404, a method other than GET a
// JSON 405.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		writeError(w, http.StatusMethodNotAllowed, "method_not_allowed", "the API is read-only: use GET")
		return
	}
	if _, pattern := a.mux.Handler(r); pattern == "" {
		writeError(w, http.StatusNotFound, "not_found", "no such endpoint: "+r.URL.Path)
		return
	}
	a.mux.ServeHTTP(w, r)
}

// notFound is an error shown to the client with a 404.
type notFound string

func (e notFound) Error() string { return string(e) }

func (a *API) route(pattern string, h func(ctx context.Context, r *http.Request) (any, error)) {
	a.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), a.cfg.QueryTimeout)
		defer cancel()
		v, err := h(ctx, r)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		if err := json.NewEncoder(w).Encode(v); err != nil {
			a.log.Debug("writing a response", zap.Error(err))
		}
	})
}

func (a *API) fail(w http.ResponseWriter, r *http.Request, err error) {
	var br badRequest
	var nf notFound
	switch {
	case errors.As(err, &br):
		writeError(w, http.StatusBadRequest, "bad_request", br.Error())
	case errors.As(err, &nf):
		writeError(w, http.StatusNotFound, "not_found", nf.Error())
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled):
		writeError(w, http.StatusServiceUnavailable, "timeout", "the query took too long")
	default:
		a.log.Error("request failed", zap.String("path", r.URL.Path), zap.Error(err))
		writeError(w, http.StatusInternalServerError, "internal", "internal error")
	}
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{"code": code, "message": msg}})
}

// clock reads the current epoch (for statuses and estimated times).
func (a *API) clock(ctx context.Context) (epochClock, error) {
	cur, ok, err := a.r.CurrentEpoch(ctx)
	if err != nil || !ok {
		return epochClock{}, err
	}
	c := epochClock{current: cur, known: true}
	e, err := a.r.Epoch(ctx, cur)
	if err != nil {
		return c, err
	}
	if e.StartMs != nil && e.EpochDurationMs != nil {
		c.startMs, c.durMs, c.canEstimate = *e.StartMs, *e.EpochDurationMs, true
	}
	return c, nil
}

func (a *API) summary(ctx context.Context, r *http.Request) (any, error) {
	if _, err := parseParams(r.URL.Query()); err != nil {
		return nil, err
	}
	s, err := a.r.Summary(ctx)
	if err != nil {
		return nil, err
	}
	type watermark struct {
		Checkpoint  uint64  `json:"checkpoint"`
		TimestampMs uint64  `json:"timestamp_ms"`
		TimeLagMs   int64   `json:"time_lag_ms"`
		ChainTip    *uint64 `json:"chain_checkpoint"`
		Lag         *uint64 `json:"checkpoint_lag"`
	}
	out := struct {
		Events       int64      `json:"events"`
		BlobObjects  int64      `json:"blob_objects"`
		Nodes        int64      `json:"nodes"`
		CurrentEpoch *epochJSON `json:"current_epoch"`
		Watermark    *watermark `json:"watermark"`
	}{Events: s.Events, BlobObjects: s.BlobObjects, Nodes: s.Nodes}
	if s.Current != nil {
		e := toEpochJSON(s.Current)
		out.CurrentEpoch = &e
	}
	if s.HasWatermark {
		wm := &watermark{Checkpoint: s.Watermark.Checkpoint, TimestampMs: s.Watermark.TimestampMs,
			TimeLagMs: time.Since(time.UnixMilli(int64(s.Watermark.TimestampMs))).Milliseconds()}
		if a.tip != nil {
			if tip, ok := a.tip(); ok {
				lag := uint64(0)
				if tip > wm.Checkpoint {
					lag = tip - wm.Checkpoint
				}
				wm.ChainTip, wm.Lag = &tip, &lag
			}
		}
		out.Watermark = wm
	}
	return out, nil
}

func (a *API) blob(ctx context.Context, r *http.Request) (any, error) {
	p, err := parseParams(r.URL.Query(), "limit", "cursor")
	if err != nil {
		return nil, err
	}
	blobID, err := parseBlobID(r.PathValue("blob_id"))
	if err != nil {
		return nil, err
	}
	limit, err := p.limit(a.cfg.DefaultLimit, a.cfg.MaxLimit)
	if err != nil {
		return nil, err
	}
	after, err := p.idCursor(cursor.BlobObject)
	if err != nil {
		return nil, err
	}
	clk, err := a.clock(ctx)
	if err != nil {
		return nil, err
	}
	blobs, err := a.r.BlobsByID(ctx, blobID, after, limit+1)
	if err != nil {
		return nil, err
	}
	type invalidJSON struct {
		Epoch      uint32 `json:"epoch"`
		Checkpoint uint64 `json:"checkpoint"`
		TxDigest   string `json:"tx_digest"`
	}
	out := struct {
		BlobID  string         `json:"blob_id"`
		Invalid *invalidJSON   `json:"invalid"`
		Objects page[blobJSON] `json:"objects"`
	}{BlobID: blobID.String()}
	iv, err := a.r.Invalid(ctx, blobID)
	switch {
	case err == nil:
		out.Invalid = &invalidJSON{Epoch: iv.Epoch, Checkpoint: iv.Checkpoint, TxDigest: iv.TxDigest.String()}
	case !errors.Is(err, store.ErrNotFound):
		return nil, err
	}
	if len(blobs) == 0 && after == nil && out.Invalid == nil {
		return nil, notFound("no blob with ID " + blobID.String())
	}
	out.Objects = pageOf(blobs, limit, func(b *store.Blob) blobJSON { return toBlobJSON(b, clk) },
		func(b *store.Blob) cursor.Cursor { return cursor.Cursor{Kind: cursor.BlobObject, ID: b.ObjectID} })
	return out, nil
}

func (a *API) blobObject(ctx context.Context, r *http.Request) (any, error) {
	if _, err := parseParams(r.URL.Query()); err != nil {
		return nil, err
	}
	id, err := parseObjectID("object ID", r.PathValue("object_id"))
	if err != nil {
		return nil, err
	}
	b, err := a.r.BlobObject(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, notFound("no blob object " + id.String())
	}
	if err != nil {
		return nil, err
	}
	clk, err := a.clock(ctx)
	if err != nil {
		return nil, err
	}
	evs, err := a.r.ObjectEvents(ctx, id, a.cfg.ObjectEvents)
	if err != nil {
		return nil, err
	}
	out := struct {
		blobJSON
		Events []eventJSON `json:"events"`
	}{blobJSON: toBlobJSON(b, clk), Events: make([]eventJSON, 0, len(evs))}
	for i := range evs {
		out.Events = append(out.Events, toEventJSON(&evs[i], eventCursor(&evs[i]).String()))
	}
	return out, nil
}

func eventCursor(e *store.Event) cursor.Cursor {
	return cursor.Cursor{Kind: cursor.Event, A: e.Checkpoint, B: uint64(e.Index)}
}

func (a *API) ownerBlobs(ctx context.Context, r *http.Request) (any, error) {
	p, err := parseParams(r.URL.Query(), "limit", "cursor", "status")
	if err != nil {
		return nil, err
	}
	owner, err := parseObjectID("address", r.PathValue("address"))
	if err != nil {
		return nil, err
	}
	limit, err := p.limit(a.cfg.DefaultLimit, a.cfg.MaxLimit)
	if err != nil {
		return nil, err
	}
	status, err := p.status()
	if err != nil {
		return nil, err
	}
	c, err := p.cursor(cursor.OwnerBlob)
	if err != nil {
		return nil, err
	}
	var after *store.OwnerPos
	if c != nil {
		after = &store.OwnerPos{CreatedCheckpoint: c.A, ObjectID: c.ID}
	}
	clk, err := a.clock(ctx)
	if err != nil {
		return nil, err
	}
	blobs, err := a.r.BlobsByOwner(ctx, owner, status, clk.current, after, limit+1)
	if err != nil {
		return nil, err
	}
	return pageOf(blobs, limit, func(b *store.Blob) blobJSON { return toBlobJSON(b, clk) },
		func(b *store.Blob) cursor.Cursor {
			return cursor.Cursor{Kind: cursor.OwnerBlob, A: b.CreatedCheckpoint, ID: b.ObjectID}
		}), nil
}

func (a *API) events(ctx context.Context, r *http.Request) (any, error) {
	p, err := parseParams(r.URL.Query(), "limit", "cursor", "type", "from_checkpoint")
	if err != nil {
		return nil, err
	}
	limit, err := p.limit(a.cfg.DefaultLimit, a.cfg.MaxLimit)
	if err != nil {
		return nil, err
	}
	types, err := p.types()
	if err != nil {
		return nil, err
	}
	after, err := p.eventStart()
	if err != nil {
		return nil, err
	}
	evs, err := a.r.Events(ctx, after, types, limit+1)
	if err != nil {
		return nil, err
	}
	return pageOf(evs, limit, func(e *store.Event) eventJSON { return toEventJSON(e, eventCursor(e).String()) }, eventCursor), nil
}

func (a *API) epochs(ctx context.Context, r *http.Request) (any, error) {
	p, limit, err := a.listParams(r)
	if err != nil {
		return nil, err
	}
	before, err := p.epochCursor(cursor.Epoch)
	if err != nil {
		return nil, err
	}
	es, err := a.r.Epochs(ctx, before, limit+1)
	if err != nil {
		return nil, err
	}
	return pageOf(es, limit, toEpochJSON,
		func(e *store.Epoch) cursor.Cursor { return cursor.Cursor{Kind: cursor.Epoch, A: uint64(e.Epoch)} }), nil
}

func (a *API) epoch(ctx context.Context, r *http.Request) (any, error) {
	if _, err := parseParams(r.URL.Query()); err != nil {
		return nil, err
	}
	n, err := parseEpoch(r.PathValue("epoch"))
	if err != nil {
		return nil, err
	}
	e, err := a.r.Epoch(ctx, n)
	if errors.Is(err, store.ErrNotFound) {
		return nil, notFound("no epoch " + r.PathValue("epoch"))
	}
	if err != nil {
		return nil, err
	}
	return toEpochJSON(e), nil
}

func (a *API) committee(ctx context.Context, r *http.Request) (any, error) {
	p, limit, err := a.listParams(r)
	if err != nil {
		return nil, err
	}
	n, err := parseEpoch(r.PathValue("epoch"))
	if err != nil {
		return nil, err
	}
	c, err := p.cursor(cursor.Committee)
	if err != nil {
		return nil, err
	}
	var after *walrus.ID
	if c != nil {
		if c.A != uint64(n) {
			return nil, badf("cursor: from the committee of another epoch")
		}
		id := walrus.ID(c.ID)
		after = &id
	}
	ms, err := a.r.Committee(ctx, n, after, limit+1)
	if err != nil {
		return nil, err
	}
	if len(ms) == 0 && after == nil {
		return nil, notFound("no committee for epoch " + r.PathValue("epoch"))
	}
	return pageOf(ms, limit, func(m *store.CommitteeMember) memberJSON {
		return memberJSON{NodeID: m.NodeID, Name: m.Name, NetworkAddress: m.NetworkAddress, Shards: m.Shards, Weight: len(m.Shards)}
	}, func(m *store.CommitteeMember) cursor.Cursor {
		return cursor.Cursor{Kind: cursor.Committee, A: uint64(n), ID: m.NodeID}
	}), nil
}

func (a *API) nodes(ctx context.Context, r *http.Request) (any, error) {
	p, limit, err := a.listParams(r)
	if err != nil {
		return nil, err
	}
	after, err := p.idCursor(cursor.Node)
	if err != nil {
		return nil, err
	}
	ns, err := a.r.Nodes(ctx, after, limit+1)
	if err != nil {
		return nil, err
	}
	return pageOf(ns, limit, toNodeJSON,
		func(n *store.Node) cursor.Cursor { return cursor.Cursor{Kind: cursor.Node, ID: n.NodeID} }), nil
}

// listParams reads the query of a list: only limit and cursor allowed, the limit
// bounded by the configuration.
func (a *API) listParams(r *http.Request) (params, int, error) {
	p, err := parseParams(r.URL.Query(), "limit", "cursor")
	if err != nil {
		return p, 0, err
	}
	limit, err := p.limit(a.cfg.DefaultLimit, a.cfg.MaxLimit)
	return p, limit, err
}

// nodeID parses the path's node ID and checks that the node exists.
func (a *API) nodeID(ctx context.Context, r *http.Request) (walrus.ID, *store.Node, error) {
	id, err := parseObjectID("node ID", r.PathValue("node_id"))
	if err != nil {
		return id, nil, err
	}
	n, err := a.r.Node(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return id, nil, notFound("no node " + id.String())
	}
	return id, n, err
}

func (a *API) node(ctx context.Context, r *http.Request) (any, error) {
	if _, err := parseParams(r.URL.Query()); err != nil {
		return nil, err
	}
	_, n, err := a.nodeID(ctx, r)
	if err != nil {
		return nil, err
	}
	return toNodeJSON(n), nil
}

func (a *API) stake(ctx context.Context, r *http.Request) (any, error) {
	return nodeHistory(ctx, a, r, a.r.StakeHistory, func(s *store.Stake) (uint32, stakeJSON) {
		return s.Epoch, stakeJSON{Epoch: s.Epoch, Stake: amount(s.WalBalance), Shares: amount(s.NumShares),
			PendingStake: amount(s.PendingStake), CommissionRate: s.CommissionRate, Checkpoint: s.Checkpoint}
	})
}

func (a *API) rewards(ctx context.Context, r *http.Request) (any, error) {
	return nodeHistory(ctx, a, r, a.r.RewardHistory, func(rw *store.Reward) (uint32, rewardJSON) {
		return rw.Epoch, rewardJSON{Epoch: rw.Epoch, Reward: amount(rw.Reward), Commission: amount(rw.Commission),
			StakerReward: amount(rw.Reward - rw.Commission), CommissionRate: rw.CommissionRate, StakeAfter: amount(rw.StakeAfter),
			Checkpoint: rw.Checkpoint, TxDigest: rw.TxDigest}
	})
}

// nodeHistory serves a page of the path's node's per-epoch rows, newest first: read
// gives the rows before an epoch, item converts one and tells its epoch (the cursor).
func nodeHistory[R, T any](ctx context.Context, a *API, r *http.Request,
	read func(ctx context.Context, node walrus.ID, before *uint32, limit int) ([]R, error), item func(*R) (uint32, T)) (any, error) {
	p, limit, err := a.listParams(r)
	if err != nil {
		return nil, err
	}
	before, err := p.epochCursor(cursor.NodeEpoch)
	if err != nil {
		return nil, err
	}
	id, _, err := a.nodeID(ctx, r)
	if err != nil {
		return nil, err
	}
	rows, err := read(ctx, id, before, limit+1)
	if err != nil {
		return nil, err
	}
	return pageOf(rows, limit, func(row *R) T { _, v := item(row); return v }, func(row *R) cursor.Cursor {
		epoch, _ := item(row)
		return cursor.Cursor{Kind: cursor.NodeEpoch, A: uint64(epoch)}
	}), nil
}
