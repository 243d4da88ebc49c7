package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/tuskstore/tusk/chain"
	"github.com/tuskstore/tusk/coordinator"
	"github.com/tuskstore/tusk/coordinator/read"
	"github.com/tuskstore/tusk/coordinator/store"
	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/encoding/quilt"
	"github.com/tuskstore/tusk/node/api"
)

// DomainDaemon is the error domain of the publisher and aggregator (Walrus
// DAEMON_ERROR_DOMAIN); DomainAuth that of the publisher's JWT checks.
const (
	DomainDaemon = "daemon.walrus.space"
	DomainAuth   = "auth.publisher.walrus.space"
)

// statusNames are the Walrus status names of the HTTP codes the API answers with.
var statusNames = map[int]string{
	http.StatusBadRequest:                   "INVALID_ARGUMENT",
	http.StatusUnauthorized:                 "UNAUTHENTICATED",
	http.StatusForbidden:                    "PERMISSION_DENIED",
	http.StatusNotFound:                     "NOT_FOUND",
	http.StatusMethodNotAllowed:             "INVALID_ARGUMENT",
	http.StatusRequestEntityTooLarge:        "SIZE_EXCEEDED",
	http.StatusRequestedRangeNotSatisfiable: "OUT_OF_RANGE",
	http.StatusTooManyRequests:              "RESOURCE_EXHAUSTED",
	http.StatusInternalServerError:          "INTERNAL",
	http.StatusNotImplemented:               "UNIMPLEMENTED",
	http.StatusServiceUnavailable:           "UNAVAILABLE",
	http.StatusGatewayTimeout:               "DEADLINE_EXCEEDED",
	http.StatusUnsupportedMediaType:         "INVALID_ARGUMENT",
}

// apiError is an error answer: the Walrus JSON envelope, plus a Retry-After for the
// errors that go away by themselves.
type apiError struct {
	status     int
	reason     string
	domain     string
	msg        string
	retryAfter int // seconds, 0: none
	headers    map[string]string
}

func newError(status int, reason, format string, args ...any) *apiError {
	return &apiError{status: status, reason: reason, domain: DomainDaemon, msg: fmt.Sprintf(format, args...)}
}

func (e *apiError) Error() string { return e.msg }

func (e *apiError) write(w http.ResponseWriter) {
	name := statusNames[e.status]
	if name == "" {
		name = "UNKNOWN"
	}
	body, _ := json.Marshal(&api.Error{HTTPStatus: e.status, Status: name, Reason: e.reason, Domain: e.domain, Message: e.msg})
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Del("ETag")
	h.Del("Content-Range")
	if e.retryAfter > 0 {
		h.Set("Retry-After", strconv.Itoa(e.retryAfter))
	}
	for k, v := range e.headers {
		h.Set(k, v)
	}
	if e.status == http.StatusNotFound {
		// Keep negative caching short: the blob may be certified in a moment.
		h.Set("Cache-Control", "public, max-age=10")
	} else {
		h.Set("Cache-Control", "no-store")
	}
	w.WriteHeader(e.status)
	_, _ = w.Write(append(body, '\n'))
}

// classify maps an error of the flows to the answer the API gives.
func classify(err error) *apiError {
	var ae *apiError
	var pe *ParamError
	var au *AuthError
	var re *read.RangeError
	switch {
	case errors.As(err, &ae):
		return ae
	case errors.As(err, &pe):
		return newError(http.StatusBadRequest, pe.Reason, "%s", pe.Message)
	case errors.As(err, &au):
		e := newError(au.Status, au.Reason, "%s", au.Message)
		e.domain = DomainAuth
		return e
	case errors.As(err, &re):
		return newError(http.StatusRequestedRangeNotSatisfiable, reasonInvalidByteRange, "%v", err)
	case errors.Is(err, read.ErrBlobNotFound), errors.Is(err, coordinator.ErrNotBlobObject):
		return newError(http.StatusNotFound, "BLOB_NOT_FOUND", "the requested blob does not exist on Walrus, ensure that it was entered correctly")
	case errors.Is(err, quilt.ErrPatchNotFound), errors.Is(err, coordinator.ErrNotQuilt), errors.Is(err, quilt.ErrInvalidPatchID):
		return newError(http.StatusNotFound, "QUILT_PATCH_NOT_FOUND", "the requested quilt patch does not exist: %v", err)
	case errors.Is(err, read.ErrInconsistent):
		return newError(http.StatusNotFound, "BLOB_INCONSISTENT", "the blob was encoded inconsistently by its writer and cannot be read")
	case errors.Is(err, read.ErrBlobUnavailable):
		e := newError(http.StatusServiceUnavailable, "BLOB_UNAVAILABLE", "the blob is currently not retrievable from the storage nodes; retry with backoff: %v", err)
		e.retryAfter = 5
		return e
	case errors.Is(err, read.ErrBlobTooLarge):
		return newError(http.StatusForbidden, "BLOB_TOO_LARGE", "%v", err)
	case errors.Is(err, read.ErrInvalidRange):
		return newError(http.StatusRequestedRangeNotSatisfiable, reasonInvalidByteRange, "%v", err)
	case errors.Is(err, store.ErrNotEnoughConfirmations):
		e := newError(http.StatusServiceUnavailable, "INSUFFICIENT_CONFIRMATIONS", "not enough storage nodes confirmed the blob; retry the same request (the registration is reused, nothing is paid twice): %v", err)
		e.retryAfter = 10
		return e
	case errors.Is(err, store.ErrUnsupported):
		return newError(http.StatusNotImplemented, "NOT_IMPLEMENTED", "%v", err)
	case errors.Is(err, store.ErrInvalidOptions), errors.Is(err, chain.ErrInvalidEpochsAhead), errors.Is(err, chain.ErrTooFarInFuture):
		return newError(http.StatusBadRequest, "MALFORMED_REQUEST", "%v", err)
	case errors.Is(err, encoding.ErrBlobTooLarge), errors.Is(err, quilt.ErrTooLarge):
		return newError(http.StatusRequestEntityTooLarge, "BLOB_TOO_LARGE", "%v", err)
	case errors.Is(err, quilt.ErrInvalidIdentifier), errors.Is(err, quilt.ErrDuplicateIdentifier), errors.Is(err, quilt.ErrInvalidTags),
		errors.Is(err, quilt.ErrNoPatches), errors.Is(err, quilt.ErrTooManyPatches):
		return newError(http.StatusBadRequest, "MALFORMED_REQUEST", "%v", err)
	case errors.Is(err, chain.ErrInsufficientWAL), errors.Is(err, chain.ErrInsufficientGas), errors.Is(err, chain.ErrInsufficientBalance):
		e := newError(http.StatusServiceUnavailable, "INSUFFICIENT_FUNDS", "the publisher's wallet cannot pay for this store; retry later: %v", err)
		e.retryAfter = 60
		return e
	case errors.Is(err, chain.ErrStorageExceeded):
		e := newError(http.StatusServiceUnavailable, "STORAGE_EXCEEDED", "the system has no free capacity for this blob: %v", err)
		e.retryAfter = 60
		return e
	case errors.Is(err, store.ErrEpochChanged), errors.Is(err, chain.ErrIncorrectEpoch), errors.Is(err, chain.ErrIncorrectCommittee), errors.Is(err, chain.ErrInvalidIDEpoch):
		e := newError(http.StatusServiceUnavailable, "EPOCH_CHANGED", "the system moved to a new epoch while the blob was being stored; retry the request: %v", err)
		e.retryAfter = 10
		return e
	case errors.Is(err, coordinator.ErrReadOnly):
		return newError(http.StatusNotImplemented, "NOT_IMPLEMENTED", "this service has no wallet and cannot store")
	case errors.Is(err, context.DeadlineExceeded):
		e := newError(http.StatusGatewayTimeout, "TIMEOUT", "the request timed out: %v", err)
		e.retryAfter = 5
		return e
	}
	return newError(http.StatusInternalServerError, "INTERNAL_ERROR", "an internal error occurred: %v", err)
}
