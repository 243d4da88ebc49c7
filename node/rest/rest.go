// Package rest is the HTTP face of a storage node: the Walrus storage-node REST API
// routed onto a Service, with Walrus's bodies (BCS in, BCS or JSON out), status codes
// and error envelopes, request limits (body sizes from the maximum sliver size, a cap
// on concurrent recovery-symbol requests), CORS, and a server that runs HTTP/2 over TLS
// with the node's self-signed certificate or plain HTTP (HTTP/1.1 and h2c).
//
// Handlers decode and check everything about the request's form (path and query
// parameters, content type, BCS) before calling the Service, so the Service sees only
// well-formed values; what it returns as *api.Error goes to the client as is, any other
// error as a 500 that hides its cause (and is logged).
package rest

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"time"

	"go.uber.org/zap"

	"github.com/tuskstore/tusk/chain/keys"
	"github.com/tuskstore/tusk/chain/messages"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/internal/bcs"
	"github.com/tuskstore/tusk/node/api"
)

// Service is what the REST API exposes: the storage node's operations, on decoded
// requests. Errors meant for the client are *api.Error.
type Service interface {
	// Params are the RS2 parameters of the system (for limits and index checks).
	Params() encoding.Params

	Metadata(ctx context.Context, id encoding.BlobID) (encoding.MetadataWithID, error)
	MetadataStatus(ctx context.Context, id encoding.BlobID) (api.StoredOnNodeStatus, error)
	StoreMetadata(ctx context.Context, id encoding.BlobID, m *encoding.Metadata, pending bool) (api.StoreOutcome, error)

	Sliver(ctx context.Context, id encoding.BlobID, pair uint16, axis encoding.Axis) (*encoding.Sliver, error)
	SliverStatus(ctx context.Context, id encoding.BlobID, pair uint16, axis encoding.Axis) (api.StoredOnNodeStatus, error)
	StoreSliver(ctx context.Context, id encoding.BlobID, pair uint16, s *encoding.Sliver, pending bool) (api.StoreOutcome, error)

	// Confirmation signs a storage confirmation for the permanent blob (object nil) or
	// the deletable Blob object *object.
	Confirmation(ctx context.Context, id encoding.BlobID, object *walrus.ID, wait api.ConfirmationWait) (messages.SignedMessage, error)

	RecoverySymbols(ctx context.Context, id encoding.BlobID, f api.RecoverySymbolsFilter) ([]encoding.GeneralRecoverySymbol, error)
	DecodingSymbols(ctx context.Context, id encoding.BlobID, q api.DecodingSymbolsQuery) (api.DecodingSymbols, error)
	InconsistencyProof(ctx context.Context, id encoding.BlobID, p *encoding.InconsistencyProof) (messages.SignedMessage, error)

	BlobStatus(ctx context.Context, id encoding.BlobID) (api.BlobStatus, error)
	Health(ctx context.Context, detailed bool) (api.HealthInfo, error)

	// SyncShard serves the slivers of a shard to the node that gained it: requester is
	// the BLS public key of the Authorization header, req the signed SYNC_SHARD message
	// (neither checked yet).
	SyncShard(ctx context.Context, requester [keys.BLSPublicKeySize]byte, req messages.SignedMessage) (api.SyncShardResponse, error)
}

// Options tune the handler.
type Options struct {
	// MaxRecoverySymbolRequests caps concurrent recovery-symbol requests; more get 503
	// UNAVAILABLE. Zero means no cap.
	MaxRecoverySymbolRequests int
}

// Handler serves the API.
type Handler struct {
	svc     Service
	log     *zap.Logger
	symbols chan struct{} // semaphore; nil when uncapped
	mux     *http.ServeMux
}

// NewHandler routes the API onto svc.
func NewHandler(svc Service, log *zap.Logger, opts Options) *Handler {
	h := &Handler{svc: svc, log: log.Named("rest"), mux: http.NewServeMux()}
	if opts.MaxRecoverySymbolRequests > 0 {
		h.symbols = make(chan struct{}, opts.MaxRecoverySymbolRequests)
	}
	h.route("GET "+api.RouteAPIDocs, h.apiDocs)
	h.route("GET "+api.RouteMetadata, h.getMetadata)
	h.route("PUT "+api.RouteMetadata, h.putMetadata)
	h.route("GET "+api.RouteMetadataStatus, blobJSON(h.svc.MetadataStatus))
	h.route("GET "+api.RouteSliver, h.getSliver)
	h.route("PUT "+api.RouteSliver, h.putSliver)
	h.route("GET "+api.RouteSliverStatus, h.sliverStatus)
	h.route("GET "+api.RoutePermanentConfirm, h.permanentConfirmation)
	h.route("GET "+api.RouteDeletableConfirm, h.deletableConfirmation)
	h.route("GET "+api.RouteRecoverySymbols, h.recoverySymbols)
	h.route("GET "+api.RouteDecodingSymbols, h.decodingSymbols)
	h.route("POST "+api.RouteInconsistency, h.inconsistencyProof)
	h.route("GET "+api.RouteBlobStatus, blobJSON(h.svc.BlobStatus))
	h.route("GET "+api.RouteHealth, h.health)
	h.route("POST "+api.RouteSyncShard, h.syncShard)
	return h
}

// route serves pattern with fn, its error answered by handle.
func (h *Handler) route(pattern string, fn handlerFunc) {
	h.mux.HandleFunc(pattern, h.handle(fn))
}

// ServeHTTP adds CORS (any origin, as Walrus) and recovers from handler panics.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Access-Control-Allow-Origin", "*")
	if r.Method == http.MethodOptions {
		w.Header().Set("Access-Control-Allow-Methods", "*")
		w.Header().Set("Access-Control-Allow-Headers", "*")
		w.WriteHeader(http.StatusNoContent)
		return
	}
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			h.log.Error("handler panic", zap.String("path", r.URL.Path), zap.Any("panic", v), zap.Stack("stack"))
			writeError(w, api.Internal())
		}
	}()
	h.mux.ServeHTTP(w, r)
}

// ---- responses -----------------------------------------------------------

func writeJSON(w http.ResponseWriter, code int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		b, _ = json.Marshal(api.Internal())
		code = http.StatusInternalServerError
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_, _ = w.Write(b)
}

func writeSuccess[T any](w http.ResponseWriter, code int, data T) {
	writeJSON(w, code, api.Success[T]{Code: code, Data: data})
}

func writeError(w http.ResponseWriter, e *api.Error) { writeJSON(w, e.HTTPStatus, e) }

func writeBCS(w http.ResponseWriter, v bcs.Marshaler) {
	b := bcs.Marshal(v)
	w.Header().Set("Content-Type", api.ContentTypeOctetStream)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

// fail sends err: an *api.Error as is, a cancelled request as nothing useful (the
// client is gone), anything else as a logged 500.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	var e *api.Error
	if errors.As(err, &e) {
		writeError(w, e)
		return
	}
	if r.Context().Err() != nil {
		writeError(w, api.Unavailable("request cancelled"))
		return
	}
	h.log.Error("request failed", zap.String("method", r.Method), zap.String("path", r.URL.Path), zap.Error(err))
	writeError(w, api.Internal())
}

// ---- request decoding ----------------------------------------------------

func blobID(r *http.Request) (encoding.BlobID, error) { return api.ParseBlobID(r.PathValue("blob_id")) }

func sliverParams(r *http.Request) (encoding.BlobID, uint16, encoding.Axis, error) {
	id, err := blobID(r)
	if err != nil {
		return id, 0, 0, err
	}
	pair, err := api.ParseUint16("sliver_pair_index", r.PathValue("sliver_pair_index"))
	if err != nil {
		return id, 0, 0, err
	}
	axis, err := api.ParseAxis("sliver_type", r.PathValue("sliver_type"))
	return id, pair, axis, err
}

func invalidBody(format string, args ...any) *api.Error {
	return api.NewError(api.StatusInvalidArgument, api.ReasonInvalidContentType, format, args...)
}

// readBody checks the content type (absent or application/octet-stream, as Walrus's
// Bcs extractor) and reads at most limit bytes.
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || mt != api.ContentTypeOctetStream {
			return nil, invalidBody("expected request with `Content-Type: %s`", api.ContentTypeOctetStream)
		}
	}
	if r.ContentLength > limit {
		return nil, api.NewError(api.Status{Name: api.StatusSizeExceeded.Name, Code: http.StatusRequestEntityTooLarge},
			api.ReasonBodyTooLarge, "request body of %d bytes exceeds the limit of %d bytes", r.ContentLength, limit)
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, api.NewError(api.Status{Name: api.StatusSizeExceeded.Name, Code: http.StatusRequestEntityTooLarge},
				api.ReasonBodyTooLarge, "request body exceeds the limit of %d bytes", limit)
		}
		return nil, invalidBody("could not read the request body: %v", err)
	}
	return body, nil
}

// Body limits. headroom covers the BCS framing around the largest payload, as Walrus's
// HEADROOM does for slivers.
const headroom = 128

// SliverBodyLimit is the largest PUT sliver body accepted.
func SliverBodyLimit(p encoding.Params) int64 { return int64(p.MaxSliverSize()) + headroom }

// MetadataBodyLimit is the largest PUT metadata body accepted: the BCS of n pairs of
// hashes plus the header.
func MetadataBodyLimit(p encoding.Params) int64 { return int64(p.NShards)*66 + headroom }

// InconsistencyProofBodyLimit is the largest inconsistency proof accepted: at most n
// symbols of the maximum size, each with a Merkle proof.
func InconsistencyProofBodyLimit(p encoding.Params) int64 {
	perSymbol := int64(2+5+encoding.MaxSymbolSize) + 5 + 33*int64(bitsLen(p.NShards)+1)
	return 5 + 2 + int64(p.NShards)*perSymbol + headroom
}

func bitsLen(n int) int {
	b := 0
	for n > 0 {
		b++
		n >>= 1
	}
	return b
}

// SyncShardBodyLimit is the largest sync-shard request accepted: a signed SYNC_SHARD
// message is about 150 bytes.
const SyncShardBodyLimit = 1024

// DecodeSyncShardRequest decodes a POST sync_shard body: BCS SignedMessage (the message
// bytes, then the 96-byte signature). The message itself is parsed after the signature
// check, as Walrus's verify_signature_and_get_message does.
func DecodeSyncShardRequest(body []byte) (messages.SignedMessage, error) {
	var sm messages.SignedMessage
	if err := bcs.Unmarshal(body, &sm); err != nil {
		return sm, invalidBody("unable to decode request body as BCS SignedMessage<SyncShardMsg>: %v", err)
	}
	return sm, nil
}

// DecodeMetadata decodes a PUT metadata body (BCS BlobMetadata).
func DecodeMetadata(body []byte) (*encoding.Metadata, error) {
	var m encoding.Metadata
	if err := bcs.Unmarshal(body, &m); err != nil {
		return nil, invalidBody("unable to decode request body as BCS BlobMetadata: %v", err)
	}
	return &m, nil
}

// DecodeSliver decodes a PUT sliver body (BCS SliverData) of the given axis.
func DecodeSliver(body []byte, axis encoding.Axis) (*encoding.Sliver, error) {
	var s encoding.Sliver
	if err := bcs.Unmarshal(body, &s); err != nil {
		return nil, invalidBody("unable to decode request body as BCS SliverData: %v", err)
	}
	s.Axis = axis
	return &s, nil
}

// DecodeInconsistencyProof decodes a POST inconsistency-proof body of the given axis.
func DecodeInconsistencyProof(body []byte, axis encoding.Axis) (*encoding.InconsistencyProof, error) {
	var p encoding.InconsistencyProof
	if err := bcs.Unmarshal(body, &p); err != nil {
		return nil, invalidBody("unable to decode request body as BCS InconsistencyProof: %v", err)
	}
	p.Axis = axis
	return &p, nil
}

// ---- handlers ------------------------------------------------------------

// handlerFunc is a handler that reports a failure as an error, which handle sends.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// handle adapts fn to net/http: an error it returns goes to the client through fail.
func (h *Handler) handle(fn handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := fn(w, r); err != nil {
			h.fail(w, r, err)
		}
	}
}

func (h *Handler) getMetadata(w http.ResponseWriter, r *http.Request) error {
	id, err := blobID(r)
	if err != nil {
		return err
	}
	m, err := h.svc.Metadata(r.Context(), id)
	if err != nil {
		return err
	}
	writeBCS(w, &m)
	return nil
}

func (h *Handler) putMetadata(w http.ResponseWriter, r *http.Request) error {
	id, err := blobID(r)
	if err != nil {
		return err
	}
	pending, err := api.ParseUploadQuery(r.URL.Query())
	if err != nil {
		return err
	}
	body, err := readBody(w, r, MetadataBodyLimit(h.svc.Params()))
	if err != nil {
		return err
	}
	m, err := DecodeMetadata(body)
	if err != nil {
		return err
	}
	out, err := h.svc.StoreMetadata(r.Context(), id, m, pending)
	if err != nil {
		return err
	}
	msg := map[api.StoreOutcome]string{
		api.Stored: "metadata successfully stored", api.Buffered: "metadata buffered pending registration",
		api.AlreadyStored: "metadata already stored",
	}[out]
	writeSuccess(w, int(out), msg)
	return nil
}

// blobJSON serves, as a JSON success, what get answers for the path's blob ID.
func blobJSON[T any](get func(context.Context, encoding.BlobID) (T, error)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := blobID(r)
		if err != nil {
			return err
		}
		v, err := get(r.Context(), id)
		if err != nil {
			return err
		}
		writeSuccess(w, http.StatusOK, v)
		return nil
	}
}

func (h *Handler) getSliver(w http.ResponseWriter, r *http.Request) error {
	id, pair, axis, err := sliverParams(r)
	if err != nil {
		return err
	}
	s, err := h.svc.Sliver(r.Context(), id, pair, axis)
	if err != nil {
		return err
	}
	writeBCS(w, s)
	return nil
}

func (h *Handler) putSliver(w http.ResponseWriter, r *http.Request) error {
	id, pair, axis, err := sliverParams(r)
	if err != nil {
		return err
	}
	pending, err := api.ParseUploadQuery(r.URL.Query())
	if err != nil {
		return err
	}
	body, err := readBody(w, r, SliverBodyLimit(h.svc.Params()))
	if err != nil {
		return err
	}
	s, err := DecodeSliver(body, axis)
	if err != nil {
		return err
	}
	out, err := h.svc.StoreSliver(r.Context(), id, pair, s, pending)
	if err != nil {
		return err
	}
	msg := map[api.StoreOutcome]string{
		api.Stored: "sliver stored successfully", api.Buffered: "sliver buffered pending registration",
		api.AlreadyStored: "sliver already stored",
	}[out]
	writeSuccess(w, int(out), msg)
	return nil
}

func (h *Handler) sliverStatus(w http.ResponseWriter, r *http.Request) error {
	id, pair, axis, err := sliverParams(r)
	if err != nil {
		return err
	}
	st, err := h.svc.SliverStatus(r.Context(), id, pair, axis)
	if err != nil {
		return err
	}
	writeSuccess(w, http.StatusOK, st)
	return nil
}

func (h *Handler) permanentConfirmation(w http.ResponseWriter, r *http.Request) error {
	return h.confirmation(w, r, false)
}

func (h *Handler) deletableConfirmation(w http.ResponseWriter, r *http.Request) error {
	return h.confirmation(w, r, true)
}

func (h *Handler) confirmation(w http.ResponseWriter, r *http.Request, deletable bool) error {
	id, err := blobID(r)
	if err != nil {
		return err
	}
	var object *walrus.ID
	if deletable {
		oid, err := api.ParseObjectID(r.PathValue("object_id"))
		if err != nil {
			return err
		}
		object = &oid
	}
	wait, err := api.ParseConfirmationQuery(r.URL.Query())
	if err != nil {
		return err
	}
	sm, err := h.svc.Confirmation(r.Context(), id, object, wait)
	if err != nil {
		return err
	}
	writeSuccess(w, http.StatusOK, api.Confirmation{Signed: sm})
	return nil
}

func (h *Handler) recoverySymbols(w http.ResponseWriter, r *http.Request) error {
	if h.symbols != nil {
		select {
		case h.symbols <- struct{}{}:
			defer func() { <-h.symbols }()
		default:
			return api.Unavailable("the service is currently unavailable")
		}
	}
	id, err := blobID(r)
	if err != nil {
		return err
	}
	f, err := api.ParseRecoverySymbolsQuery(r.URL.Query())
	if err != nil {
		return err
	}
	syms, err := h.svc.RecoverySymbols(r.Context(), id, f)
	if err != nil {
		return err
	}
	list := encoding.RecoverySymbolList(syms)
	writeBCS(w, &list)
	return nil
}

func (h *Handler) decodingSymbols(w http.ResponseWriter, r *http.Request) error {
	id, err := blobID(r)
	if err != nil {
		return err
	}
	q, err := api.ParseDecodingSymbolsQuery(r.URL.Query())
	if err != nil {
		return err
	}
	m, err := h.svc.DecodingSymbols(r.Context(), id, q)
	if err != nil {
		return err
	}
	writeBCS(w, &m)
	return nil
}

func (h *Handler) inconsistencyProof(w http.ResponseWriter, r *http.Request) error {
	id, err := blobID(r)
	if err != nil {
		return err
	}
	axis, err := api.ParseAxis("sliver_type", r.PathValue("sliver_type"))
	if err != nil {
		return err
	}
	body, err := readBody(w, r, InconsistencyProofBodyLimit(h.svc.Params()))
	if err != nil {
		return err
	}
	p, err := DecodeInconsistencyProof(body, axis)
	if err != nil {
		return err
	}
	sm, err := h.svc.InconsistencyProof(r.Context(), id, p)
	if err != nil {
		return err
	}
	writeSuccess(w, http.StatusOK, sm)
	return nil
}

func (h *Handler) health(w http.ResponseWriter, r *http.Request) error {
	detailed, err := api.ParseHealthQuery(r.URL.Query())
	if err != nil {
		return err
	}
	info, err := h.svc.Health(r.Context(), detailed)
	if err != nil {
		return err
	}
	writeSuccess(w, http.StatusOK, info)
	return nil
}

// syncShard is the shard-migration endpoint of the epoch change: the header names the
// requester's key, the body is its signed request (routes.rs sync_shard: the
// Authorization extractor, then the Bcs one).
func (h *Handler) syncShard(w http.ResponseWriter, r *http.Request) error {
	requester, err := api.ParseAuthorization(r.Header)
	if err != nil {
		return err
	}
	body, err := readBody(w, r, SyncShardBodyLimit)
	if err != nil {
		return err
	}
	req, err := DecodeSyncShardRequest(body)
	if err != nil {
		return err
	}
	resp, err := h.svc.SyncShard(r.Context(), requester, req)
	if err != nil {
		return err
	}
	writeBCS(w, &resp)
	return nil
}

func (h *Handler) apiDocs(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(openAPI)
	return nil
}

// ---- server --------------------------------------------------------------

// Serve serves handler on ln until ctx is done, then shuts down gracefully within
// grace (open requests may finish; connections are closed after that). With cert it
// speaks TLS (HTTP/2 and HTTP/1.1 by ALPN), without it plain HTTP/1.1 and HTTP/2 with
// prior knowledge (h2c). It returns nil after a shutdown caused by ctx.
func Serve(ctx context.Context, ln net.Listener, handler http.Handler, cert *tls.Certificate, grace time.Duration, log *zap.Logger) error {
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          zap.NewStdLog(log.Named("http")),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
		Protocols:         new(http.Protocols),
	}
	srv.Protocols.SetHTTP1(true)
	srv.Protocols.SetHTTP2(true)
	errc := make(chan error, 1)
	if cert != nil {
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{*cert}, MinVersion: tls.VersionTLS13}
		go func() { errc <- srv.ServeTLS(ln, "", "") }()
	} else {
		srv.Protocols.SetUnencryptedHTTP2(true)
		go func() { errc <- srv.Serve(ln) }()
	}
	select {
	case err := <-errc:
		return fmt.Errorf("rest: serve: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), grace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		_ = srv.Close()
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("rest: serve: %w", err)
	}
	return nil
}
