package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"sort"

	"github.com/tuskstore/tusk/encoding/quilt"
)

func writeJSON(w http.ResponseWriter, status int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, err = w.Write(append(b, '\n'))
	return err
}

// admit runs the publisher's checks that come before the body: the query, the token
// (with Content-Length as the size when known) and the concurrency limit.
func (s *Server) admit(r *http.Request, isQuilt bool) (PublisherQuery, *Claims, func(), error) {
	q, err := ParsePublisherQuery(r.URL.Query(), isQuilt)
	if err != nil {
		return q, nil, nil, err
	}
	var claims *Claims
	if s.auth != nil {
		size := r.ContentLength
		if isQuilt {
			size = -1 // the quilt is larger than its parts; checked once built
		}
		if claims, err = s.auth.Check(r, &q, size); err != nil {
			s.metrics.Rejected("unauthorized")
			return q, nil, nil, err
		}
	}
	release, err := s.pubLim.acquire(r.Context(), "publisher")
	if err != nil {
		s.metrics.Rejected("overloaded")
		return q, nil, nil, err
	}
	s.metrics.InFlight("publisher", 1)
	return q, claims, func() { s.metrics.InFlight("publisher", -1); release() }, nil
}

// putBlob is PUT /v1/blobs: the body is the blob.
func (s *Server) putBlob(w http.ResponseWriter, r *http.Request) error {
	q, claims, release, err := s.admit(r, false)
	if err != nil {
		return err
	}
	defer release()
	b, err := readBody(r, s.cfg.MaxBodySize, s.cfg.BodyMemoryLimit, s.cfg.SpoolDir)
	if err != nil {
		var ae *apiError
		if errors.As(err, &ae) && ae.status == http.StatusRequestEntityTooLarge {
			s.metrics.Rejected("too_large")
		}
		return err
	}
	defer b.Close()
	if claims != nil && s.cfg.Auth.VerifyUpload {
		if err := claims.CheckSize(int64(len(b.Bytes()))); err != nil {
			return err
		}
	}
	res, err := s.pub.Store(r.Context(), b.Bytes(), q.Options())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, res)
}

// quiltMetadataField is the multipart field with the patches' tags.
const quiltMetadataField = "_metadata"

type patchMetadata struct {
	Identifier string                     `json:"identifier"`
	Tags       map[string]json.RawMessage `json:"tags"`
}

// putQuilt is PUT /v1/quilts: multipart/form-data, one field per patch (the field name
// is the identifier) and an optional _metadata field with [{"identifier","tags"}].
func (s *Server) putQuilt(w http.ResponseWriter, r *http.Request) error {
	q, claims, release, err := s.admit(r, true)
	if err != nil {
		return err
	}
	defer release()
	if r.ContentLength > s.cfg.MaxQuiltBodySize {
		s.metrics.Rejected("too_large")
		return tooLarge(s.cfg.MaxQuiltBodySize)
	}
	patches, err := s.parseQuiltForm(w, r)
	if err != nil {
		return err
	}
	qu, err := s.pub.BuildQuilt(r.Context(), patches)
	if err != nil {
		return err
	}
	if claims != nil && s.cfg.Auth.VerifyUpload {
		if err := claims.CheckSize(int64(len(qu.Bytes()))); err != nil {
			return err
		}
	}
	res, err := s.pub.StoreQuilt(r.Context(), qu, q.Options())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, res)
}

func (s *Server) parseQuiltForm(w http.ResponseWriter, r *http.Request) ([]quilt.Patch, error) {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return nil, newError(http.StatusUnsupportedMediaType, "MALFORMED_REQUEST", "the body must be multipart/form-data")
	}
	r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxQuiltBodySize)
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, newError(http.StatusBadRequest, "MALFORMED_REQUEST", "failed to parse multipart form: %v", err)
	}
	var patches []quilt.Patch
	meta := map[string]map[string]string{}
	seen := map[string]bool{}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, formError(err, s.cfg.MaxQuiltBodySize)
		}
		name := part.FormName()
		data, err := io.ReadAll(part)
		part.Close()
		if err != nil {
			return nil, formError(err, s.cfg.MaxQuiltBodySize)
		}
		if name == quiltMetadataField {
			var list []patchMetadata
			if err := json.Unmarshal(data, &list); err != nil {
				return nil, newError(http.StatusBadRequest, "MALFORMED_REQUEST", "failed to parse multipart form: _metadata: %v", err)
			}
			for _, m := range list {
				if _, dup := meta[m.Identifier]; dup {
					return nil, newError(http.StatusBadRequest, "MALFORMED_REQUEST", "duplicate identifiers found in _metadata: %q", m.Identifier)
				}
				tags := map[string]string{}
				for k, v := range m.Tags {
					var str string
					if json.Unmarshal(v, &str) == nil {
						tags[k] = str
					} else {
						tags[k] = string(v) // non-string values keep their JSON text, as Walrus does
					}
				}
				meta[m.Identifier] = tags
			}
			continue
		}
		if seen[name] {
			return nil, newError(http.StatusBadRequest, "MALFORMED_REQUEST", "duplicate identifier %q", name)
		}
		seen[name] = true
		patches = append(patches, quilt.Patch{Identifier: name, Data: data})
	}
	if len(patches) == 0 {
		return nil, newError(http.StatusBadRequest, "MALFORMED_REQUEST", "no files provided in multipart form")
	}
	for i := range patches {
		if t, ok := meta[patches[i].Identifier]; ok && len(t) > 0 {
			patches[i].Tags = t
		}
	}
	sort.SliceStable(patches, func(i, j int) bool { return patches[i].Identifier < patches[j].Identifier })
	return patches, nil
}

func formError(err error, max int64) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return tooLarge(max)
	}
	return newError(http.StatusBadRequest, "MALFORMED_REQUEST", "failed to parse multipart form: %v", fmt.Sprint(err))
}
