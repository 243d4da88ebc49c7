// Package client is a Go client of the Walrus storage-node REST API: one typed call per
// endpoint, BCS and JSON bodies as Walrus sends them, HTTP/2 over TLS with the node's
// network public key pinned (or plain HTTP, for a local devnet), and errors that carry
// the HTTP status and Walrus's reason code (*api.Error).
//
// The storage node uses it to sync blobs from its peers; the publisher and aggregator
// use it to store and read slivers. Responses are decoded but not verified against
// metadata: callers that need that use the encoding package (VerifyMetadata,
// VerifySliver, VerifyRecoverySymbol) or the Verified* helpers here.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/tuskstore/tusk/chain/keys"
	"github.com/tuskstore/tusk/chain/messages"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/internal/bcs"
	"github.com/tuskstore/tusk/node/api"
	"github.com/tuskstore/tusk/node/nodetls"
)

// Options configure a Client.
type Options struct {
	// NetworkPublicKey is the node's 33-byte compressed P-256 key, as registered on
	// chain; the TLS connection is accepted only from a server holding it. Required
	// unless Plain.
	NetworkPublicKey []byte
	// Plain selects unencrypted HTTP (HTTP/2 with prior knowledge), for nodes that run
	// without TLS (a local devnet).
	Plain bool
	// Timeout bounds each request (0: no bound other than the context's).
	Timeout time.Duration
	// MaxResponseBytes bounds a response body (default 512 MiB).
	MaxResponseBytes int64
	// Transport replaces the HTTP transport (tests); the options above that configure
	// the transport are then ignored.
	Transport http.RoundTripper
}

// Client talks to one storage node. It is safe for concurrent use.
type Client struct {
	base    string
	hc      *http.Client
	maxBody int64
}

// ErrInvalidResponse reports a 2xx answer whose body does not decode.
var ErrInvalidResponse = errors.New("client: invalid response")

// New returns a client of the node at address (host:port, as in the committee's
// network_address; a leading https:// or http:// is accepted).
func New(address string, opts Options) (*Client, error) {
	address = strings.TrimPrefix(strings.TrimPrefix(address, "https://"), "http://")
	address = strings.TrimSuffix(address, "/")
	if _, _, err := net.SplitHostPort(address); err != nil {
		return nil, fmt.Errorf("client: address %q: want host:port: %w", address, err)
	}
	scheme := "https"
	if opts.Plain {
		scheme = "http"
	}
	rt := opts.Transport
	if rt == nil {
		tr := &http.Transport{
			Proxy:               nil,
			DialContext:         (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			MaxIdleConnsPerHost: 16,
			IdleConnTimeout:     90 * time.Second,
			TLSHandshakeTimeout: 10 * time.Second,
			Protocols:           new(http.Protocols),
		}
		if opts.Plain {
			tr.Protocols.SetUnencryptedHTTP2(true)
		} else {
			cfg, err := nodetls.ClientConfig(opts.NetworkPublicKey)
			if err != nil {
				return nil, fmt.Errorf("client: %w", err)
			}
			tr.TLSClientConfig = cfg
			tr.Protocols.SetHTTP2(true)
		}
		rt = tr
	}
	maxBody := opts.MaxResponseBytes
	if maxBody <= 0 {
		maxBody = 512 << 20
	}
	return &Client{base: scheme + "://" + address, hc: &http.Client{Transport: rt, Timeout: opts.Timeout}, maxBody: maxBody}, nil
}

// Close releases idle connections.
func (c *Client) Close() { c.hc.CloseIdleConnections() }

// Address is the base URL of the node.
func (c *Client) Address() string { return c.base }

type response struct {
	status int
	body   []byte
}

func (c *Client) do(ctx context.Context, method, path, query string, body []byte) (*response, error) {
	return c.doWithHeader(ctx, method, path, query, body, nil)
}

func (c *Client) doWithHeader(ctx context.Context, method, path, query string, body []byte, header http.Header) (*response, error) {
	u := c.base + path
	if query != "" {
		u += "?" + query
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return nil, fmt.Errorf("client: %s %s: %w", method, path, err)
	}
	if body != nil {
		req.Header.Set("Content-Type", api.ContentTypeOctetStream)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("client: %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	limit := c.maxBody
	if resp.StatusCode >= 300 {
		limit = 64 << 10
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("client: %s %s: read body: %w", method, path, err)
	}
	if int64(len(data)) > limit && resp.StatusCode < 300 {
		return nil, fmt.Errorf("%w: %s %s: body over %d bytes", ErrInvalidResponse, method, path, limit)
	}
	if resp.StatusCode < 200 || resp.StatusCode >= 300 {
		return nil, fmt.Errorf("client: %s %s: %w", method, path, parseError(resp.StatusCode, data))
	}
	return &response{status: resp.StatusCode, body: data}, nil
}

func parseError(status int, body []byte) *api.Error {
	var e api.Error
	if json.Unmarshal(body, &e) == nil {
		e.HTTPStatus = status // the response's status is authoritative
		return &e
	}
	msg := strings.TrimSpace(string(body))
	if len(msg) > 512 {
		msg = msg[:512] + "…"
	}
	if msg == "" {
		msg = http.StatusText(status)
	}
	return &api.Error{HTTPStatus: status, Message: msg}
}

func decodeBCS(r *response, what string, v bcs.Unmarshaler) error {
	if err := bcs.Unmarshal(r.body, v); err != nil {
		return fmt.Errorf("%w: %s: %v", ErrInvalidResponse, what, err)
	}
	return nil
}

func decodeJSON[T any](r *response, what string) (T, error) {
	var s api.Success[T]
	if err := json.Unmarshal(r.body, &s); err != nil {
		var zero T
		return zero, fmt.Errorf("%w: %s: %v", ErrInvalidResponse, what, err)
	}
	return s.Data, nil
}

func outcome(r *response) (api.StoreOutcome, error) {
	switch r.status {
	case 200, 201, 202:
		return api.StoreOutcome(r.status), nil
	}
	return 0, fmt.Errorf("%w: unexpected status %d", ErrInvalidResponse, r.status)
}

// Metadata gets a blob's metadata (BlobMetadataWithId), unverified.
func (c *Client) Metadata(ctx context.Context, id encoding.BlobID) (encoding.MetadataWithID, error) {
	var m encoding.MetadataWithID
	r, err := c.do(ctx, http.MethodGet, api.MetadataPath(id), "", nil)
	if err != nil {
		return m, err
	}
	if err := decodeBCS(r, "metadata", &m); err != nil {
		return m, err
	}
	if m.BlobID != id {
		return m, fmt.Errorf("%w: metadata for blob %s, asked for %s", ErrInvalidResponse, m.BlobID, id)
	}
	return m, nil
}

// VerifiedMetadata gets a blob's metadata and verifies it against the blob ID.
func (c *Client) VerifiedMetadata(ctx context.Context, p encoding.Params, id encoding.BlobID) (encoding.VerifiedMetadata, error) {
	m, err := c.Metadata(ctx, id)
	if err != nil {
		return encoding.VerifiedMetadata{}, err
	}
	vm, err := encoding.VerifyMetadata(p, id, m.Metadata)
	if err != nil {
		return encoding.VerifiedMetadata{}, fmt.Errorf("%w: %v", ErrInvalidResponse, err)
	}
	return vm, nil
}

// MetadataStatus says whether the node holds a blob's metadata.
func (c *Client) MetadataStatus(ctx context.Context, id encoding.BlobID) (api.StoredOnNodeStatus, error) {
	r, err := c.do(ctx, http.MethodGet, api.MetadataStatusPath(id), "", nil)
	if err != nil {
		return "", err
	}
	return decodeJSON[api.StoredOnNodeStatus](r, "metadata status")
}

// StoreMetadata uploads a blob's metadata; pending buffers it at the node until the
// blob's registration is seen.
func (c *Client) StoreMetadata(ctx context.Context, id encoding.BlobID, m *encoding.Metadata, pending bool) (api.StoreOutcome, error) {
	r, err := c.do(ctx, http.MethodPut, api.MetadataPath(id), api.UploadQuery(pending), bcs.Marshal(m))
	if err != nil {
		return 0, err
	}
	return outcome(r)
}

// Sliver gets a sliver by pair index and axis, unverified.
func (c *Client) Sliver(ctx context.Context, id encoding.BlobID, pair uint16, axis encoding.Axis) (encoding.Sliver, error) {
	var s encoding.Sliver
	r, err := c.do(ctx, http.MethodGet, api.SliverPath(id, pair, axis), "", nil)
	if err != nil {
		return s, err
	}
	if err := decodeBCS(r, "sliver", &s); err != nil {
		return s, err
	}
	s.Axis = axis
	return s, nil
}

// VerifiedSliver gets a sliver and verifies it against the metadata.
func (c *Client) VerifiedSliver(ctx context.Context, codec *encoding.Codec, m encoding.VerifiedMetadata, pair uint16, axis encoding.Axis) (encoding.Sliver, error) {
	s, err := c.Sliver(ctx, m.BlobID(), pair, axis)
	if err != nil {
		return s, err
	}
	if want := m.Params().SliverOfPair(axis, int(pair)); int(s.Index) != want {
		return s, fmt.Errorf("%w: %s sliver %d for pair %d, want index %d", ErrInvalidResponse, axis, s.Index, pair, want)
	}
	if err := codec.VerifySliver(m, s); err != nil {
		return s, fmt.Errorf("%w: %v", ErrInvalidResponse, err)
	}
	return s, nil
}

// SliverStatus says whether the node holds a sliver.
func (c *Client) SliverStatus(ctx context.Context, id encoding.BlobID, pair uint16, axis encoding.Axis) (api.StoredOnNodeStatus, error) {
	r, err := c.do(ctx, http.MethodGet, api.SliverStatusPath(id, pair, axis), "", nil)
	if err != nil {
		return "", err
	}
	return decodeJSON[api.StoredOnNodeStatus](r, "sliver status")
}

// StoreSliver uploads the sliver of pair on s.Axis.
func (c *Client) StoreSliver(ctx context.Context, id encoding.BlobID, pair uint16, s *encoding.Sliver, pending bool) (api.StoreOutcome, error) {
	r, err := c.do(ctx, http.MethodPut, api.SliverPath(id, pair, s.Axis), api.UploadQuery(pending), bcs.Marshal(s))
	if err != nil {
		return 0, err
	}
	return outcome(r)
}

// PermanentConfirmation gets the node's signed confirmation that it stores its slivers
// of a permanent blob. The signature is not checked: see
// messages.SignedMessage.VerifyStorageConfirmation.
func (c *Client) PermanentConfirmation(ctx context.Context, id encoding.BlobID, wait api.ConfirmationWait) (messages.SignedMessage, error) {
	return c.confirmation(ctx, api.PermanentConfirmationPath(id), wait)
}

// DeletableConfirmation gets the confirmation for the deletable Blob object object.
func (c *Client) DeletableConfirmation(ctx context.Context, id encoding.BlobID, object walrus.ID, wait api.ConfirmationWait) (messages.SignedMessage, error) {
	return c.confirmation(ctx, api.DeletableConfirmationPath(id, object), wait)
}

func (c *Client) confirmation(ctx context.Context, path string, wait api.ConfirmationWait) (messages.SignedMessage, error) {
	r, err := c.do(ctx, http.MethodGet, path, wait.Query(), nil)
	if err != nil {
		return messages.SignedMessage{}, err
	}
	conf, err := decodeJSON[api.Confirmation](r, "confirmation")
	return conf.Signed, err
}

// RecoverySymbols gets recovery symbols. Symbols the filter did not ask for are
// dropped; the others are returned unverified (see VerifiedRecoverySymbols).
func (c *Client) RecoverySymbols(ctx context.Context, id encoding.BlobID, f api.RecoverySymbolsFilter) ([]encoding.GeneralRecoverySymbol, error) {
	r, err := c.do(ctx, http.MethodGet, api.RecoverySymbolsPath(id), f.Query(), nil)
	if err != nil {
		return nil, err
	}
	var list encoding.RecoverySymbolList
	if err := decodeBCS(r, "recovery symbols", &list); err != nil {
		return nil, err
	}
	out := list[:0]
	for _, g := range list {
		if f.Accepts(g) {
			out = append(out, g)
		}
	}
	return out, nil
}

// VerifiedRecoverySymbols gets recovery symbols and keeps those that verify against the
// metadata; it fails only if none does.
func (c *Client) VerifiedRecoverySymbols(ctx context.Context, m encoding.VerifiedMetadata, f api.RecoverySymbolsFilter) ([]encoding.GeneralRecoverySymbol, error) {
	syms, err := c.RecoverySymbols(ctx, m.BlobID(), f)
	if err != nil {
		return nil, err
	}
	out := syms[:0]
	var firstErr error
	for _, g := range syms {
		if err := m.VerifyRecoverySymbol(g); err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		out = append(out, g)
	}
	if len(out) == 0 && firstErr != nil {
		return nil, fmt.Errorf("%w: no recovery symbol verifies: %v", ErrInvalidResponse, firstErr)
	}
	return out, nil
}

// DecodingSymbols gets, for each target sliver, the symbols of it the node holds.
func (c *Client) DecodingSymbols(ctx context.Context, id encoding.BlobID, q api.DecodingSymbolsQuery) (api.DecodingSymbols, error) {
	r, err := c.do(ctx, http.MethodGet, api.DecodingSymbolsPath(id), q.Query(), nil)
	if err != nil {
		return nil, err
	}
	var m api.DecodingSymbols
	if err := decodeBCS(r, "decoding symbols", &m); err != nil {
		return nil, err
	}
	return m, nil
}

// SubmitInconsistencyProof sends an inconsistency proof and returns the node's signed
// InvalidBlobId attestation.
func (c *Client) SubmitInconsistencyProof(ctx context.Context, id encoding.BlobID, p *encoding.InconsistencyProof) (messages.SignedMessage, error) {
	r, err := c.do(ctx, http.MethodPost, api.InconsistencyProofPath(id, p.Axis), "", bcs.Marshal(p))
	if err != nil {
		return messages.SignedMessage{}, err
	}
	return decodeJSON[messages.SignedMessage](r, "attestation")
}

// BlobStatus gets the node's view of a blob ID.
func (c *Client) BlobStatus(ctx context.Context, id encoding.BlobID) (api.BlobStatus, error) {
	r, err := c.do(ctx, http.MethodGet, api.BlobStatusPath(id), "", nil)
	if err != nil {
		return api.BlobStatus{}, err
	}
	return decodeJSON[api.BlobStatus](r, "blob status")
}

// Health gets the node's health information.
func (c *Client) Health(ctx context.Context, detailed bool) (api.HealthInfo, error) {
	q := ""
	if detailed {
		q = "detailed=true"
	}
	r, err := c.do(ctx, http.MethodGet, api.RouteHealth, q, nil)
	if err != nil {
		return api.HealthInfo{}, err
	}
	return decodeJSON[api.HealthInfo](r, "health")
}

// SyncShard asks the node for slivers of a shard it held in the epoch before req.Epoch
// (POST /v1/migrate/sync_shard): the request is signed with key, as a SYNC_SHARD
// message of epoch req.Epoch, and the key sent in the Authorization header. The slivers
// are returned unverified; those not of the requested axis, or not in strictly
// ascending blob ID order from req.StartingBlobID, make the response invalid.
func (c *Client) SyncShard(ctx context.Context, req messages.SyncShardRequest, key *keys.BLSKey) (api.SyncShardResponse, error) {
	sm := messages.Sign(key, messages.NewSyncShardRequestMessage(req.Epoch, req))
	header := http.Header{}
	header.Set(api.HeaderAuthorization, api.EncodeAuthorization(key.PublicKey()))
	r, err := c.doWithHeader(ctx, http.MethodPost, api.RouteSyncShard, "", bcs.Marshal(sm), header)
	if err != nil {
		return nil, err
	}
	var resp api.SyncShardResponse
	if err := decodeBCS(r, "sync shard", &resp); err != nil {
		return nil, err
	}
	if err := checkSyncShardResponse(req, resp); err != nil {
		return nil, err
	}
	return resp, nil
}

func checkSyncShardResponse(req messages.SyncShardRequest, resp api.SyncShardResponse) error {
	if uint64(len(resp)) > req.SliverCount {
		return fmt.Errorf("%w: sync shard: %d slivers, asked for %d", ErrInvalidResponse, len(resp), req.SliverCount)
	}
	axis := encoding.Primary
	if req.SliverType == messages.SliverSecondary {
		axis = encoding.Secondary
	}
	prev := req.StartingBlobID
	for i, bs := range resp {
		if bs.Sliver.Axis != axis {
			return fmt.Errorf("%w: sync shard: %s sliver of %s, asked for %s", ErrInvalidResponse, bs.Sliver.Axis, bs.BlobID, axis)
		}
		if c := bytes.Compare(bs.BlobID[:], prev[:]); c < 0 || (c == 0 && i > 0) {
			return fmt.Errorf("%w: sync shard: blob %s out of order", ErrInvalidResponse, bs.BlobID)
		}
		prev = bs.BlobID
	}
	return nil
}

// APIDescription gets the node's OpenAPI description (JSON).
func (c *Client) APIDescription(ctx context.Context) ([]byte, error) {
	r, err := c.do(ctx, http.MethodGet, api.RouteAPIDocs, "", nil)
	if err != nil {
		return nil, err
	}
	return r.body, nil
}
