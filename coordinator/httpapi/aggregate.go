package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/coordinator/read"
	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/encoding/quilt"
	"github.com/tuskstore/tusk/node/api"
)

// headerQuiltPatchIdentifier carries a quilt patch's identifier.
const headerQuiltPatchIdentifier = "X-Quilt-Patch-Identifier"

func parseBlobID(name, s string) (encoding.BlobID, error) {
	id, err := encoding.ParseBlobID(s)
	if err != nil {
		return id, badParam(reasonInvalidParameter, "%s: %q is not a blob ID (43 characters of URL-safe base64)", name, clip(s))
	}
	return id, nil
}

// getBlobs dispatches the GET routes under /v1/blobs/.
func (s *Server) getBlobs(w http.ResponseWriter, r *http.Request) error {
	rest := strings.TrimPrefix(r.URL.EscapedPath(), "/v1/blobs/")
	segs := strings.Split(rest, "/")
	for i, seg := range segs {
		u, err := url.PathUnescape(seg)
		if err != nil {
			return badParam(reasonInvalidParameter, "path segment %q: %v", clip(seg), err)
		}
		segs[i] = u
	}
	release, err := s.aggLim.acquire(r.Context(), "aggregator")
	if err != nil {
		s.metrics.Rejected("overloaded")
		return err
	}
	s.metrics.InFlight("aggregator", 1)
	defer func() { s.metrics.InFlight("aggregator", -1); release() }()
	switch {
	case len(segs) == 1 && segs[0] != "":
		id, err := parseBlobID("blob_id", segs[0])
		if err != nil {
			return err
		}
		return s.getBlob(w, r, id, nil)
	case len(segs) == 2 && segs[1] == "byte-range":
		id, err := parseBlobID("blob_id", segs[0])
		if err != nil {
			return err
		}
		return s.getByteRange(w, r, id)
	case len(segs) == 2 && segs[0] == "by-object-id":
		oid, err := walrus.ParseID(segs[1])
		if err != nil {
			return badParam(reasonInvalidParameter, "blob_object_id: %q is not a Sui object ID", clip(segs[1]))
		}
		return s.getByObjectID(w, r, oid)
	case len(segs) == 2 && segs[0] == "by-quilt-patch-id":
		pid, err := quilt.ParsePatchID(segs[1])
		if err != nil {
			return badParam(reasonInvalidParameter, "quilt_patch_id: %q is not a quilt patch ID", clip(segs[1]))
		}
		if err := noQuery(r); err != nil {
			return err
		}
		p, err := s.agg.QuiltPatchByID(r.Context(), pid)
		if err != nil {
			return err
		}
		return s.writePatch(w, r, p, pid.String())
	case len(segs) == 3 && segs[0] == "by-quilt-id":
		id, err := parseBlobID("quilt_id", segs[1])
		if err != nil {
			return err
		}
		if err := noQuery(r); err != nil {
			return err
		}
		p, err := s.agg.QuiltPatch(r.Context(), id, segs[2])
		if err != nil {
			return err
		}
		return s.writePatch(w, r, p, id.String())
	}
	return newError(http.StatusNotFound, "NOT_FOUND", "no route GET %s", r.URL.Path)
}

func noQuery(r *http.Request) error {
	for k := range r.URL.Query() {
		return badParam(reasonInvalidParameter, "unknown query parameter %q", clip(k))
	}
	return nil
}

// cacheLifetime is what Cache-Control says for a blob: deletable blobs can go at any time,
// permanent ones stay until their end epoch.
type cacheLifetime struct {
	known     bool
	deletable bool
	endEpoch  uint32
}

func lifetimeOf(st api.BlobStatus) cacheLifetime {
	switch st.Kind {
	case api.BlobPermanent:
		if st.IsCertified {
			return cacheLifetime{known: true, endEpoch: st.EndEpoch}
		}
	case api.BlobDeletable:
		return cacheLifetime{known: true, deletable: true}
	}
	return cacheLifetime{}
}

func (s *Server) cacheControl(ctx context.Context, lt cacheLifetime) string {
	age := time.Minute // status unknown: a short lifetime
	switch {
	case lt.known && lt.deletable:
		age = s.cfg.DeletableCacheAge
	case lt.known:
		age = s.cfg.MaxCacheAge
		if st, err := s.agg.State(ctx); err == nil {
			age = min(age, st.EpochStartTime(lt.endEpoch).Sub(s.now()))
		}
	}
	if age <= 0 {
		return "no-cache"
	}
	secs := int64(age / time.Second)
	return fmt.Sprintf("public, max-age=%d, stale-while-revalidate=%d", secs, min(secs, 3600))
}

// setReadHeaders sets the headers of a successful read: ETag, caching, nosniff and the
// content type (the request's Accept when it names one type, as Walrus does).
func setReadHeaders(w http.ResponseWriter, r *http.Request, etag, cache string) {
	h := w.Header()
	h.Set("ETag", strconv.Quote(etag))
	h.Set("Cache-Control", cache)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Accept-Ranges", "bytes")
	if h.Get("Content-Type") == "" {
		if accept := r.Header.Get("Accept"); accept != "" && !strings.Contains(accept, "*") && !strings.Contains(accept, ",") {
			h.Set("Content-Type", accept)
		} else {
			h.Set("Content-Type", "application/octet-stream")
		}
	}
}

// etagMatches reports whether If-None-Match names etag.
func etagMatches(r *http.Request, etag string) bool {
	inm := r.Header.Get("If-None-Match")
	if inm == "" {
		return false
	}
	for _, t := range strings.Split(inm, ",") {
		t = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(t), "W/"))
		if t == "*" || t == strconv.Quote(etag) || t == etag {
			return true
		}
	}
	return false
}

// getBlob serves GET /v1/blobs/{id} (and the read of by-object-id, with lt known from the
// Blob object): the whole blob, or with Range a part of it (206).
func (s *Server) getBlob(w http.ResponseWriter, r *http.Request, id encoding.BlobID, lt *cacheLifetime) error {
	check, err := ParseReadOptions(r.URL.Query())
	if err != nil {
		return err
	}
	var rng *ByteRange
	if h := r.Header.Get("Range"); h != "" {
		br, err := ParseRange(h)
		if err != nil {
			return newError(http.StatusRequestedRangeNotSatisfiable, reasonInvalidByteRange, "%v", err)
		}
		rng = &br
	}
	ctx := r.Context()
	// The status (for the cache lifetime) is asked in parallel with the read.
	type statusAnswer struct {
		st  api.BlobStatus
		err error
	}
	statusCh := make(chan statusAnswer, 1)
	if lt == nil {
		go func() {
			st, err := s.agg.Status(ctx, id)
			statusCh <- statusAnswer{st, err}
		}()
	}
	lifetime := func() cacheLifetime {
		if lt != nil {
			return *lt
		}
		a := <-statusCh
		if a.err != nil {
			return cacheLifetime{}
		}
		return lifetimeOf(a.st)
	}
	etag := id.String()
	if etagMatches(r, etag) {
		l := lifetime()
		if lt == nil && !l.known {
			if _, err := s.agg.Status(ctx, id); err != nil {
				return err
			}
		}
		setReadHeaders(w, r, etag, s.cacheControl(ctx, l))
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	if rng != nil {
		res, err := s.agg.ReadRangeFunc(ctx, id, func(size uint64) (uint64, uint64, error) {
			start, length, ok := rng.Resolve(size)
			if !ok {
				return 0, 0, &read.RangeError{Size: size, Reason: "range " + r.Header.Get("Range") + " is not within the blob"}
			}
			return start, length, nil
		})
		if err != nil {
			if re, ok := err.(*read.RangeError); ok {
				e := newError(http.StatusRequestedRangeNotSatisfiable, reasonInvalidByteRange, "%v", err)
				e.headers = map[string]string{"Content-Range": fmt.Sprintf("bytes */%d", re.Size)}
				return e
			}
			return err
		}
		setReadHeaders(w, r, etag, s.cacheControl(ctx, lifetime()))
		w.Header().Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", res.Start, res.Start+uint64(len(res.Data))-1, res.Size))
		w.Header().Set("Content-Length", strconv.Itoa(len(res.Data)))
		w.WriteHeader(http.StatusPartialContent)
		_, err = w.Write(res.Data)
		return err
	}
	blob, err := s.agg.Read(ctx, id, check)
	if err != nil {
		return err
	}
	setReadHeaders(w, r, etag, s.cacheControl(ctx, lifetime()))
	w.Header().Set("Content-Length", strconv.Itoa(len(blob)))
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(blob)
	return err
}

// getByteRange serves GET /v1/blobs/{id}/byte-range?start=&length= (200, cacheable).
func (s *Server) getByteRange(w http.ResponseWriter, r *http.Request, id encoding.BlobID) error {
	start, length, err := ParseByteRangeQuery(r.URL.Query())
	if err != nil {
		return err
	}
	res, err := s.agg.ReadRangeFunc(r.Context(), id, func(size uint64) (uint64, uint64, error) {
		if start >= size || length > size-start {
			return 0, 0, &read.RangeError{Size: size, Reason: fmt.Sprintf("[%d, %d+%d) is not within the blob", start, start, length)}
		}
		return start, length, nil
	})
	if err != nil {
		if re, ok := err.(*read.RangeError); ok {
			return newError(http.StatusBadRequest, reasonInvalidByteRange, "%v", re)
		}
		return err
	}
	setReadHeaders(w, r, fmt.Sprintf("%s-%d-%d", id, start, length), s.cacheControl(r.Context(), cacheLifetime{}))
	w.Header().Set("Content-Length", strconv.Itoa(len(res.Data)))
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(res.Data)
	return err
}

// getByObjectID serves GET /v1/blobs/by-object-id/{id}: the blob of a Blob object (or of
// the Blob a SharedBlob wraps), with its allowed attributes as headers.
func (s *Server) getByObjectID(w http.ResponseWriter, r *http.Request, oid walrus.ID) error {
	obj, attrs, err := s.agg.BlobObject(r.Context(), oid)
	if err != nil {
		return err
	}
	for _, kv := range attrs {
		s.setAttributeHeader(w, kv.Key, kv.Value, false)
	}
	lt := cacheLifetime{known: obj.IsCertified(), deletable: obj.Deletable, endEpoch: obj.Storage.EndEpoch}
	return s.getBlob(w, r, obj.BlobID, &lt)
}

// setAttributeHeader sets a header from a blob attribute or patch tag if allowed and
// well-formed.
func (s *Server) setAttributeHeader(w http.ResponseWriter, key, value string, anyKey bool) {
	k := strings.ToLower(strings.TrimSpace(key))
	if k == "" || (!anyKey && !s.allowed[k]) || !validHeaderName(k) || !validHeaderValue(value) {
		return
	}
	if w.Header().Get(k) == "" {
		w.Header().Set(k, value)
	}
}

func validHeaderName(k string) bool {
	for _, c := range []byte(k) {
		if c <= ' ' || c >= 0x7f || strings.IndexByte("\"(),/:;<=>?@[\\]{}", c) >= 0 {
			return false
		}
	}
	return true
}

func validHeaderValue(v string) bool {
	for _, c := range []byte(v) {
		if (c < ' ' && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}

// writePatch answers with a quilt patch: its bytes, its identifier header and its tags.
func (s *Server) writePatch(w http.ResponseWriter, r *http.Request, p quilt.Patch, etag string) error {
	for k, v := range p.Tags {
		s.setAttributeHeader(w, k, v, s.cfg.AllowQuiltPatchTagsInResponse)
	}
	if validHeaderValue(p.Identifier) {
		w.Header().Set(headerQuiltPatchIdentifier, p.Identifier)
	}
	setReadHeaders(w, r, etag, s.cacheControl(r.Context(), cacheLifetime{}))
	w.Header().Set("Content-Length", strconv.Itoa(len(p.Data)))
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(p.Data)
	return err
}

// listPatches serves GET /v1/quilts/{quilt_id}/patches.
func (s *Server) listPatches(w http.ResponseWriter, r *http.Request) error {
	id, err := parseBlobID("quilt_id", r.PathValue("quilt_id"))
	if err != nil {
		return err
	}
	if err := noQuery(r); err != nil {
		return err
	}
	release, err := s.aggLim.acquire(r.Context(), "aggregator")
	if err != nil {
		s.metrics.Rejected("overloaded")
		return err
	}
	defer release()
	infos, err := s.agg.QuiltPatches(r.Context(), id)
	if err != nil {
		return err
	}
	for i := range infos {
		if infos[i].Tags == nil {
			infos[i].Tags = map[string]string{}
		}
	}
	return writeJSON(w, http.StatusOK, infos)
}
