package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
)

// Error domains (walrus-storage-node-client api/errors.rs).
const (
	DomainGlobal      = "global"
	DomainStorageNode = "storage.walrus.space"
)

// Status is the general class of an error with its HTTP code (api/errors.rs StatusCode).
type Status struct {
	Name string
	Code int
}

// The status classes Walrus uses, with their HTTP codes.
var (
	StatusOK                         = Status{"OK", http.StatusOK}
	StatusUnavailableForLegalReasons = Status{"UNAVAILABLE_FOR_LEGAL_REASONS", http.StatusUnavailableForLegalReasons}
	StatusInvalidArgument            = Status{"INVALID_ARGUMENT", http.StatusBadRequest}
	StatusNotFound                   = Status{"NOT_FOUND", http.StatusNotFound}
	StatusFailedPrecondition         = Status{"FAILED_PRECONDITION", http.StatusBadRequest}
	StatusPermissionDenied           = Status{"PERMISSION_DENIED", http.StatusForbidden}
	StatusSizeExceeded               = Status{"SIZE_EXCEEDED", http.StatusForbidden}
	StatusInternal                   = Status{"INTERNAL", http.StatusInternalServerError}
	StatusDeadlineExceeded           = Status{"DEADLINE_EXCEEDED", http.StatusGatewayTimeout}
	StatusUnauthenticated            = Status{"UNAUTHENTICATED", http.StatusUnauthorized}
	StatusResourceExhausted          = Status{"RESOURCE_EXHAUSTED", http.StatusTooManyRequests}
	StatusUnavailable                = Status{"UNAVAILABLE", http.StatusServiceUnavailable}
)

// Reasons: the machine-readable causes, as walrus-service's node/errors.rs names them.
const (
	ReasonNotRegistered            = "NOT_REGISTERED"
	ReasonMissingSlivers           = "MISSING_SLIVERS"
	ReasonMetadataNotFound         = "METADATA_NOT_FOUND"
	ReasonSliverNotFound           = "SLIVER_NOT_FOUND"
	ReasonForbiddenBlob            = "FORBIDDEN_BLOB"
	ReasonIndexOutOfRange          = "INDEX_OUT_OF_RANGE"
	ReasonShardNotAssigned         = "SHARD_NOT_ASSIGNED"
	ReasonCacheSaturated           = "CACHE_SATURATED"
	ReasonSliverTooLarge           = "SLIVER_TOO_LARGE"
	ReasonInvalidMetadata          = "INVALID_METADATA"
	ReasonInvalidBlob              = "INVALID_BLOB"
	ReasonUnsupportedEncodingType  = "UNSUPPORTED_ENCODING_TYPE"
	ReasonInvalidSliver            = "INVALID_SLIVER"
	ReasonSliverIndexMismatch      = "SLIVER_INDEX_MISMATCH"
	ReasonSymbolNotPresentAtShards = "SYMBOL_NOT_PRESENT_AT_SHARDS"
	ReasonNoSymbolsSpecified       = "NO_SYMBOLS_SPECIFIED"
	ReasonInvalidFilter            = "INVALID_FILTER"
	ReasonNoTargetSliversSpecified = "NO_TARGET_SLIVERS_SPECIFIED"
	ReasonRecoverySymbolOutOfRange = "RECOVERY_SYMBOL_OUT_OF_RANGE"
	ReasonInvalidProof             = "INVALID_PROOF"
	ReasonInvalidContentType       = "INVALID_CONTENT_TYPE"
	ReasonUnavailable              = "UNAVAILABLE"
	ReasonInternal                 = "INTERNAL_ERROR"
	ReasonRequestUnauthorized      = "REQUEST_UNAUTHORIZED"
	ReasonInvalidEpoch             = "INVALID_EPOCH"
	ReasonMessageVerification      = "MESSAGE_VERIFICATION_FAILED"
	ReasonSliverCountExceedsLimit  = "SLIVER_COUNT_EXCEEDS_LIMIT"

	// tusk's own reasons, where Walrus answers with a plain-text framework rejection
	// (a path or query parameter that does not parse, a body over the size limit).
	ReasonInvalidParameter = "INVALID_PARAMETER"
	ReasonBodyTooLarge     = "BODY_TOO_LARGE"
)

// Error is the JSON error envelope of the API (AIP-193, as Walrus sends it):
//
//	{"error":{"code":400,"status":"FAILED_PRECONDITION","message":"…",
//	  "details":[{"@type":"ErrorInfo","reason":"NOT_REGISTERED","domain":"storage.walrus.space","metadata":{}}]}}
//
// It is what the server's operations return and what the client returns for a non-2xx
// answer. HTTPStatus is the response's status code; for an error the client could not
// parse, Reason is empty and Message holds the start of the body.
type Error struct {
	HTTPStatus int
	Status     string
	Reason     string
	Domain     string
	Message    string
	Metadata   map[string]any
}

// NewError returns an error of the storage-node domain.
func NewError(s Status, reason, format string, args ...any) *Error {
	return &Error{HTTPStatus: s.Code, Status: s.Name, Reason: reason, Domain: DomainStorageNode, Message: fmt.Sprintf(format, args...)}
}

// Internal is the error sent for an unexpected failure; the message hides the cause.
func Internal() *Error {
	return &Error{
		HTTPStatus: http.StatusInternalServerError, Status: StatusInternal.Name, Reason: ReasonInternal,
		Domain: DomainGlobal, Message: "an internal error has occurred, please report it",
	}
}

// Unavailable is the error of a node that refuses work for now (a limiter tripped).
func Unavailable(msg string) *Error {
	return &Error{
		HTTPStatus: http.StatusServiceUnavailable, Status: StatusUnavailable.Name, Reason: ReasonUnavailable,
		Domain: DomainGlobal, Message: msg,
	}
}

// With adds a metadata field and returns e.
func (e *Error) With(key string, value any) *Error {
	if e.Metadata == nil {
		e.Metadata = map[string]any{}
	}
	e.Metadata[key] = value
	return e
}

func (e *Error) Error() string {
	if e.Reason == "" {
		return fmt.Sprintf("storage node: HTTP %d: %s", e.HTTPStatus, e.Message)
	}
	return fmt.Sprintf("storage node: %s (%s, HTTP %d): %s", e.Reason, e.Status, e.HTTPStatus, e.Message)
}

// Is makes errors.Is(err, &Error{Reason: r}) match any *Error with reason r; a target
// without a reason matches on the HTTP status instead.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	if !ok {
		return false
	}
	if t.Reason != "" {
		return t.Reason == e.Reason
	}
	return t.HTTPStatus != 0 && t.HTTPStatus == e.HTTPStatus
}

// ReasonOf returns the reason of the *Error in err's chain, or "".
func ReasonOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Reason
	}
	return ""
}

// HTTPStatusOf returns the HTTP status of the *Error in err's chain, or 0.
func HTTPStatusOf(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.HTTPStatus
	}
	return 0
}

type errorInfo struct {
	Type     string         `json:"@type"`
	Reason   string         `json:"reason,omitempty"`
	Domain   string         `json:"domain,omitempty"`
	Metadata map[string]any `json:"metadata"`
}

type errorInner struct {
	Code    int               `json:"code"`
	Status  string            `json:"status"`
	Message string            `json:"message"`
	Details []json.RawMessage `json:"details"`
}

type errorEnvelope struct {
	Error errorInner `json:"error"`
}

// MarshalJSON writes the envelope.
func (e *Error) MarshalJSON() ([]byte, error) {
	md := e.Metadata
	if md == nil {
		md = map[string]any{}
	}
	info, err := json.Marshal(errorInfo{Type: "ErrorInfo", Reason: e.Reason, Domain: e.Domain, Metadata: md})
	if err != nil {
		return nil, err
	}
	return json.Marshal(errorEnvelope{Error: errorInner{
		Code: e.HTTPStatus, Status: e.Status, Message: e.Message, Details: []json.RawMessage{info},
	}})
}

// UnmarshalJSON reads the envelope; the ErrorInfo detail (if any) gives reason, domain
// and metadata. Other details are ignored.
func (e *Error) UnmarshalJSON(b []byte) error {
	var env errorEnvelope
	if err := json.Unmarshal(b, &env); err != nil {
		return err
	}
	if env.Error.Status == "" && env.Error.Code == 0 {
		return errors.New("api: not an error envelope")
	}
	*e = Error{HTTPStatus: env.Error.Code, Status: env.Error.Status, Message: env.Error.Message}
	for _, raw := range env.Error.Details {
		var info errorInfo
		if json.Unmarshal(raw, &info) == nil && info.Type == "ErrorInfo" {
			e.Reason, e.Domain, e.Metadata = info.Reason, info.Domain, info.Metadata
			break
		}
	}
	return nil
}
