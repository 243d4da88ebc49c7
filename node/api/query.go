package api

import (
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/tuskstore/tusk/encoding"
)

func badQuery(format string, args ...any) *Error {
	return NewError(StatusInvalidArgument, ReasonInvalidParameter, format, args...)
}

// single returns the one value of key, "" and false if absent, or an error if repeated.
func single(q url.Values, key string) (string, bool, error) {
	vs, ok := q[key]
	if !ok {
		return "", false, nil
	}
	if len(vs) != 1 {
		return "", false, badQuery("query parameter %s: given %d times", key, len(vs))
	}
	return vs[0], true, nil
}

func parseBool(key, v string) (bool, error) {
	switch v {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, badQuery("query parameter %s: must be true or false, got %q", key, truncate(v))
}

func onlyKeys(q url.Values, allowed ...string) error {
	for k := range q {
		ok := false
		for _, a := range allowed {
			if k == a {
				ok = true
				break
			}
		}
		if !ok {
			return badQuery("unknown query parameter %q (expected %s)", truncate(k), strings.Join(allowed, ", "))
		}
	}
	return nil
}

// ParseUploadQuery parses the query of PUT metadata and PUT sliver: an optional
// pending=true|false and nothing else (UploadIntentQuery, deny_unknown_fields).
func ParseUploadQuery(q url.Values) (pending bool, err error) {
	if err := onlyKeys(q, "pending"); err != nil {
		return false, err
	}
	v, ok, err := single(q, "pending")
	if err != nil || !ok {
		return false, err
	}
	return parseBool("pending", v)
}

// UploadQuery is the query of an upload.
func UploadQuery(pending bool) string {
	if !pending {
		return ""
	}
	return "pending=true"
}

// ConfirmationWait asks a confirmation request to long-poll for the blob's registration
// (ConfirmationWaitQuery). Wait zero means the node's maximum.
type ConfirmationWait struct {
	ForRegistration bool
	Wait            time.Duration
}

// ParseConfirmationQuery parses wait_for_registration and wait_millis. Unknown
// parameters are ignored, as Walrus does.
func ParseConfirmationQuery(q url.Values) (ConfirmationWait, error) {
	var w ConfirmationWait
	if v, ok, err := single(q, "wait_for_registration"); err != nil {
		return w, err
	} else if ok {
		b, err := parseBool("wait_for_registration", v)
		if err != nil {
			return w, err
		}
		w.ForRegistration = b
	}
	if v, ok, err := single(q, "wait_millis"); err != nil {
		return w, err
	} else if ok {
		ms, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return w, badQuery("query parameter wait_millis: must be a non-negative integer, got %q", truncate(v))
		}
		if ms > uint64(time.Duration(1<<62)/time.Millisecond) {
			ms = uint64(time.Duration(1<<62) / time.Millisecond)
		}
		w.Wait = time.Duration(ms) * time.Millisecond
	}
	return w, nil
}

// Query is the encoded query of w ("" for no wait).
func (w ConfirmationWait) Query() string {
	if !w.ForRegistration {
		return ""
	}
	pairs := [][2]string{{"wait_for_registration", "true"}}
	if w.Wait > 0 {
		pairs = append(pairs, [2]string{"wait_millis", strconv.FormatInt(w.Wait.Milliseconds(), 10)})
	}
	return encodeOrdered(pairs)
}

// SymbolID names a symbol by the primary and secondary sliver it lies on: the
// symbol at (row Primary, column Secondary) of the expanded matrix. Text "P-S".
type SymbolID struct {
	Primary   uint16
	Secondary uint16
}

func (s SymbolID) String() string { return fmt.Sprintf("%d-%d", s.Primary, s.Secondary) }

// ParseSymbolID parses "P-S".
func ParseSymbolID(s string) (SymbolID, error) {
	p, q, ok := strings.Cut(s, "-")
	if !ok {
		return SymbolID{}, badQuery("symbol ID %q: want PRIMARY-SECONDARY", truncate(s))
	}
	a, err1 := strconv.ParseUint(p, 10, 16)
	b, err2 := strconv.ParseUint(q, 10, 16)
	if err1 != nil || err2 != nil {
		return SymbolID{}, badQuery("symbol ID %q: want two sliver indices in 0..65535", truncate(s))
	}
	return SymbolID{uint16(a), uint16(b)}, nil
}

// RecoverySymbolsFilter selects recovery symbols (RecoverySymbolsFilter): either IDs,
// or every symbol the node holds for recovering sliver TargetSliver of TargetAxis.
// ProofAxis, if set, requires symbols whose proof is against a sliver of that axis
// (that is, symbols for recovering slivers of the orthogonal axis).
type RecoverySymbolsFilter struct {
	IDs          []SymbolID
	TargetSliver uint16
	TargetAxis   encoding.Axis
	ProofAxis    *encoding.Axis
}

// RecoverSliver is the filter for every symbol the node holds for sliver target of axis.
func RecoverSliver(target uint16, axis encoding.Axis) RecoverySymbolsFilter {
	return RecoverySymbolsFilter{TargetSliver: target, TargetAxis: axis}
}

// MaxSymbolIDs bounds the number of IDs in one recovery-symbol request.
const MaxSymbolIDs = 4096

// ParseRecoverySymbolsQuery parses ?id=P-S[&id=…][&proofAxis=…] or
// ?targetSliver=I&targetType=primary|secondary[&proofAxis=…]. IDs are sorted and
// deduplicated.
func ParseRecoverySymbolsQuery(q url.Values) (RecoverySymbolsFilter, error) {
	var f RecoverySymbolsFilter
	if v, ok, err := single(q, "proofAxis"); err != nil {
		return f, err
	} else if ok {
		a, err := ParseAxis("proofAxis", v)
		if err != nil {
			return f, err
		}
		f.ProofAxis = &a
	}
	if ids, ok := q["id"]; ok {
		if len(ids) > MaxSymbolIDs {
			return f, NewError(StatusInvalidArgument, ReasonInvalidFilter, "too many symbol IDs: %d, at most %d", len(ids), MaxSymbolIDs)
		}
		for _, s := range ids {
			id, err := ParseSymbolID(s)
			if err != nil {
				return f, err
			}
			f.IDs = append(f.IDs, id)
		}
		sort.Slice(f.IDs, func(i, j int) bool {
			a, b := f.IDs[i], f.IDs[j]
			return a.Primary < b.Primary || (a.Primary == b.Primary && a.Secondary < b.Secondary)
		})
		out := f.IDs[:0]
		for i, id := range f.IDs {
			if i == 0 || id != f.IDs[i-1] {
				out = append(out, id)
			}
		}
		f.IDs = out
		if len(f.IDs) == 0 {
			return f, NewError(StatusFailedPrecondition, ReasonNoSymbolsSpecified, "at least one symbol ID must be specified")
		}
		return f, nil
	}
	ts, okS, err := single(q, "targetSliver")
	if err != nil {
		return f, err
	}
	tt, okT, err := single(q, "targetType")
	if err != nil {
		return f, err
	}
	if !okS || !okT {
		return f, NewError(StatusInvalidArgument, ReasonInvalidFilter, "give either id=PRIMARY-SECONDARY (repeatable) or targetSliver and targetType")
	}
	if f.TargetSliver, err = ParseUint16("targetSliver", ts); err != nil {
		return f, err
	}
	if f.TargetAxis, err = ParseAxis("targetType", tt); err != nil {
		return f, err
	}
	return f, nil
}

// Query encodes the filter as the client sends it.
func (f RecoverySymbolsFilter) Query() string {
	var pairs [][2]string
	if f.ProofAxis != nil {
		pairs = append(pairs, [2]string{"proofAxis", f.ProofAxis.String()})
	}
	if len(f.IDs) > 0 {
		for _, id := range f.IDs {
			pairs = append(pairs, [2]string{"id", id.String()})
		}
	} else {
		pairs = append(pairs, [2]string{"targetSliver", strconv.Itoa(int(f.TargetSliver))},
			[2]string{"targetType", f.TargetAxis.String()})
	}
	return encodeOrdered(pairs)
}

// Accepts reports whether a returned symbol is one the filter asked for.
func (f RecoverySymbolsFilter) Accepts(g encoding.GeneralRecoverySymbol) bool {
	if f.ProofAxis != nil && g.TargetAxis != f.ProofAxis.Orthogonal() {
		return false
	}
	if len(f.IDs) == 0 {
		return g.TargetAxis == f.TargetAxis && g.TargetIndex == f.TargetSliver
	}
	id := SymbolIDOf(g)
	for _, want := range f.IDs {
		if want == id {
			return true
		}
	}
	return false
}

// SymbolIDOf is the ID of a recovery symbol: for a primary target, the target is the row
// and the source the column; for a secondary target the other way around.
func SymbolIDOf(g encoding.GeneralRecoverySymbol) SymbolID {
	if g.TargetAxis == encoding.Primary {
		return SymbolID{Primary: g.TargetIndex, Secondary: g.Symbol.Index}
	}
	return SymbolID{Primary: g.Symbol.Index, Secondary: g.TargetIndex}
}

// DecodingSymbolsQuery selects decoding symbols: for each target sliver of TargetAxis,
// the symbols the node's slivers hold of it.
type DecodingSymbolsQuery struct {
	TargetSlivers []uint16
	TargetAxis    encoding.Axis
}

// ParseDecodingSymbolsQuery parses ?targetSlivers=I[&targetSlivers=J]&targetType=….
func ParseDecodingSymbolsQuery(q url.Values) (DecodingSymbolsQuery, error) {
	var d DecodingSymbolsQuery
	tt, ok, err := single(q, "targetType")
	if err != nil {
		return d, err
	}
	if !ok {
		return d, badQuery("query parameter targetType is required")
	}
	if d.TargetAxis, err = ParseAxis("targetType", tt); err != nil {
		return d, err
	}
	vs := q["targetSlivers"]
	if len(vs) > MaxSymbolIDs {
		return d, badQuery("too many target slivers: %d", len(vs))
	}
	for _, v := range vs {
		t, err := ParseUint16("targetSlivers", v)
		if err != nil {
			return d, err
		}
		d.TargetSlivers = append(d.TargetSlivers, t)
	}
	if len(d.TargetSlivers) == 0 {
		return d, NewError(StatusFailedPrecondition, ReasonNoTargetSliversSpecified, "at least one target sliver must be specified")
	}
	return d, nil
}

// Query encodes the request.
func (d DecodingSymbolsQuery) Query() string {
	var pairs [][2]string
	for _, t := range d.TargetSlivers {
		pairs = append(pairs, [2]string{"targetSlivers", strconv.Itoa(int(t))})
	}
	pairs = append(pairs, [2]string{"targetType", d.TargetAxis.String()})
	return encodeOrdered(pairs)
}

// ParseHealthQuery parses ?detailed=true|false.
func ParseHealthQuery(q url.Values) (detailed bool, err error) {
	v, ok, err := single(q, "detailed")
	if err != nil || !ok {
		return false, err
	}
	return parseBool("detailed", v)
}
