package httpapi

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/coordinator/store"
	"github.com/tuskstore/tusk/encoding"
)

// PublisherQuery is the query of PUT /v1/blobs and PUT /v1/quilts (Walrus PublisherQuery,
// deny_unknown_fields).
type PublisherQuery struct {
	Epochs         uint32
	Permanent      bool
	Deletable      bool // deprecated no-op; conflicts with permanent
	Force          bool
	ReuseResources bool
	SendObjectTo   *walrus.Address
	Share          bool
	// QuiltVersion is set only for quilts ("V1").
	QuiltVersion string
}

// Options converts the query into store options.
func (q *PublisherQuery) Options() store.Options {
	return store.Options{Epochs: q.Epochs, Permanent: q.Permanent, Force: q.Force, ReuseResources: q.ReuseResources, SendObjectTo: q.SendObjectTo, Share: q.Share}
}

// ParamError is a query parameter or header that does not parse; the HTTP API answers
// 400 with its Reason.
type ParamError struct {
	Reason  string
	Message string
}

func (e *ParamError) Error() string { return e.Message }

func badParam(reason, format string, args ...any) *ParamError {
	return &ParamError{Reason: reason, Message: fmt.Sprintf(format, args...)}
}

const (
	reasonInvalidParameter   = "INVALID_PARAMETER"
	reasonInvalidPersistence = "INVALID_BLOB_PERSISTENCE"
	reasonInvalidByteRange   = "INVALID_BYTE_RANGE"
	reasonInvalidConsistency = "INVALID_CONSISTENCY_CHECK"
)

func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

func oneValue(q url.Values, key string) (string, error) {
	vs := q[key]
	if len(vs) != 1 {
		return "", badParam(reasonInvalidParameter, "query parameter %s: given %d times", key, len(vs))
	}
	return vs[0], nil
}

func parseBool(key, v string) (bool, error) {
	switch v {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, badParam(reasonInvalidParameter, "query parameter %s: must be true or false, got %q", key, clip(v))
}

// ParsePublisherQuery parses the publisher's query parameters as Walrus does: epochs
// (default 1), permanent, deletable (deprecated, no effect; not with permanent), force,
// reuse_resources, encoding_type (RS2 only), send_object_to or share (not both), and for
// quilts quilt_version. Unknown or repeated parameters are errors.
func ParsePublisherQuery(q url.Values, quilt bool) (PublisherQuery, error) {
	out := PublisherQuery{Epochs: 1}
	for key := range q {
		v, err := oneValue(q, key)
		if err != nil {
			return out, err
		}
		switch key {
		case "epochs":
			n, err := strconv.ParseUint(v, 10, 32)
			if err != nil || n == 0 {
				return out, badParam(reasonInvalidParameter, "query parameter epochs: must be an integer in 1..4294967295, got %q", clip(v))
			}
			out.Epochs = uint32(n)
		case "permanent":
			out.Permanent, err = parseBool(key, v)
		case "deletable":
			out.Deletable, err = parseBool(key, v)
		case "force":
			out.Force, err = parseBool(key, v)
		case "reuse_resources":
			out.ReuseResources, err = parseBool(key, v)
		case "share":
			out.Share, err = parseBool(key, v)
		case "encoding_type":
			switch strings.ToLower(v) {
			case "rs2", "reed-solomon", "redstuff/reed-solomon":
			default:
				err = badParam(reasonInvalidParameter, "query parameter encoding_type: only RS2 is supported, got %q", clip(v))
			}
		case "send_object_to":
			a, perr := walrus.ParseID(v)
			if perr != nil {
				err = badParam(reasonInvalidParameter, "query parameter send_object_to: %q is not a Sui address", clip(v))
			}
			out.SendObjectTo = &a
		case "quilt_version":
			if !quilt {
				return out, badParam(reasonInvalidParameter, "unknown query parameter %q", clip(key))
			}
			switch strings.ToLower(v) {
			case "v1", "1":
				out.QuiltVersion = "V1"
			default:
				err = badParam(reasonInvalidParameter, "query parameter quilt_version: only V1 is supported, got %q", clip(v))
			}
		default:
			return out, badParam(reasonInvalidParameter, "unknown query parameter %q (expected epochs, permanent, deletable, force, reuse_resources, encoding_type, send_object_to, share%s)",
				clip(key), map[bool]string{true: ", quilt_version"}[quilt])
		}
		if err != nil {
			return out, err
		}
	}
	if _, ok := q["share"]; ok && out.SendObjectTo != nil {
		return out, badParam(reasonInvalidParameter, "send_object_to and share cannot be given together")
	}
	if out.Permanent && out.Deletable {
		return out, badParam(reasonInvalidPersistence, "a blob cannot be both deletable and permanent")
	}
	return out, nil
}

// ParseReadOptions parses strict_consistency_check and skip_consistency_check (not both)
// and nothing else.
func ParseReadOptions(q url.Values) (encoding.ConsistencyCheck, error) {
	var strict, skip bool
	for key := range q {
		v, err := oneValue(q, key)
		if err != nil {
			return 0, err
		}
		switch key {
		case "strict_consistency_check":
			strict, err = parseBool(key, v)
		case "skip_consistency_check":
			skip, err = parseBool(key, v)
		default:
			return 0, badParam(reasonInvalidParameter, "unknown query parameter %q (expected strict_consistency_check or skip_consistency_check)", clip(key))
		}
		if err != nil {
			return 0, err
		}
	}
	switch {
	case strict && skip:
		return 0, badParam(reasonInvalidConsistency, "strict_consistency_check and skip_consistency_check cannot both be true")
	case strict:
		return encoding.CheckStrict, nil
	case skip:
		return encoding.CheckSkip, nil
	}
	return encoding.CheckDefault, nil
}

// ParseByteRangeQuery parses the start and length of GET …/byte-range (both required,
// length positive, no overflow).
func ParseByteRangeQuery(q url.Values) (start, length uint64, err error) {
	for key := range q {
		if key != "start" && key != "length" {
			return 0, 0, badParam(reasonInvalidParameter, "unknown query parameter %q (expected start and length)", clip(key))
		}
	}
	get := func(key string) (uint64, error) {
		v, err := oneValue(q, key)
		if err != nil {
			return 0, err
		}
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return 0, badParam(reasonInvalidByteRange, "query parameter %s: must be a non-negative integer, got %q", key, clip(v))
		}
		return n, nil
	}
	if start, err = get("start"); err != nil {
		return
	}
	if length, err = get("length"); err != nil {
		return
	}
	if length == 0 {
		return 0, 0, badParam(reasonInvalidByteRange, "length must be greater than 0")
	}
	if start+length < start {
		return 0, 0, badParam(reasonInvalidByteRange, "start + length overflows")
	}
	return start, length, nil
}

// ByteRange is one range of a Range header: bytes=First-Last, bytes=First- (Last absent)
// or bytes=-Suffix (the last Suffix bytes).
type ByteRange struct {
	First, Last uint64
	HasLast     bool
	Suffix      uint64
	IsSuffix    bool
}

// ParseRange parses a Range header with a single byte range (RFC 9110 §14.1.2).
func ParseRange(h string) (ByteRange, error) {
	var r ByteRange
	h = strings.TrimSpace(h)
	unit, spec, ok := strings.Cut(h, "=")
	if !ok || strings.TrimSpace(unit) != "bytes" {
		return r, badParam(reasonInvalidByteRange, "range header %q: only bytes=first-last is supported", clip(h))
	}
	spec = strings.TrimSpace(spec)
	if strings.Contains(spec, ",") {
		return r, badParam(reasonInvalidByteRange, "range header %q: only one range per request is supported", clip(h))
	}
	a, b, ok := strings.Cut(spec, "-")
	if !ok {
		return r, badParam(reasonInvalidByteRange, "range header %q: missing '-'", clip(h))
	}
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	num := func(s string) (uint64, error) {
		if s == "" || strings.TrimLeft(s, "0123456789") != "" {
			return 0, badParam(reasonInvalidByteRange, "range header %q: %q is not a byte position", clip(h), clip(s))
		}
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return 0, badParam(reasonInvalidByteRange, "range header %q: %q is out of range", clip(h), clip(s))
		}
		return n, nil
	}
	var err error
	if a == "" {
		if r.Suffix, err = num(b); err != nil {
			return r, err
		}
		if r.Suffix == 0 {
			return r, badParam(reasonInvalidByteRange, "range header %q: empty suffix range", clip(h))
		}
		r.IsSuffix = true
		return r, nil
	}
	if r.First, err = num(a); err != nil {
		return r, err
	}
	if b != "" {
		if r.Last, err = num(b); err != nil {
			return r, err
		}
		if r.Last < r.First {
			return r, badParam(reasonInvalidByteRange, "range header %q: the last byte is before the first", clip(h))
		}
		r.HasLast = true
	}
	return r, nil
}

// Resolve turns the range into a start and length within a blob of size bytes; the end
// is clipped to the blob. ok is false when the range is not satisfiable.
func (r ByteRange) Resolve(size uint64) (start, length uint64, ok bool) {
	if size == 0 {
		return 0, 0, false
	}
	if r.IsSuffix {
		n := min(r.Suffix, size)
		return size - n, n, true
	}
	if r.First >= size {
		return 0, 0, false
	}
	last := size - 1
	if r.HasLast {
		last = min(r.Last, last)
	}
	return r.First, last - r.First + 1, true
}
