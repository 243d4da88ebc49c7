package e2e

import (
	"fmt"
	"net/url"
	"strings"
)

// explorerBlob is the part of the indexer's blob JSON the tests use.
type explorerBlob struct {
	ObjectID       string  `json:"object_id"`
	BlobID         string  `json:"blob_id"`
	Status         string  `json:"status"`
	CertifiedEpoch *uint32 `json:"certified_epoch"`
	EndEpoch       uint32  `json:"end_epoch"`
	Deleted        bool    `json:"deleted"`
}

// explorerEvent is the part of the indexer's event JSON the tests use.
type explorerEvent struct {
	Cursor     string  `json:"cursor"`
	Checkpoint uint64  `json:"checkpoint"`
	Index      uint32  `json:"index"`
	TxDigest   string  `json:"tx_digest"`
	EventIndex *uint32 `json:"event_index"`
	Name       string  `json:"name"`
}

// explorerPage is one page of a list of the explorer API.
type explorerPage[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor"`
}

// pageAll follows a list of the explorer API at base (a URL with its query, if any),
// pages of limit items, and returns every item. It fails on a repeated cursor.
func pageAll[T any](base string, limit int) ([]T, error) {
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	var all []T
	seen := map[string]bool{}
	cursor := ""
	for {
		u := fmt.Sprintf("%s%slimit=%d", base, sep, limit)
		if cursor != "" {
			u += "&cursor=" + url.QueryEscape(cursor)
		}
		var p explorerPage[T]
		if err := getJSON(u, &p); err != nil {
			return nil, err
		}
		all = append(all, p.Items...)
		if p.NextCursor == "" {
			return all, nil
		}
		if seen[p.NextCursor] {
			return nil, fmt.Errorf("%s: cursor %q came twice", base, p.NextCursor)
		}
		seen[p.NextCursor] = true
		cursor = p.NextCursor
	}
}

// explorerBlobObjects is GET /v1/blobs/{id}: the Blob objects of a blob ID.
func explorerBlobObjects(baseURL, blobID string) ([]explorerBlob, error) {
	var out struct {
		Objects explorerPage[explorerBlob] `json:"objects"`
	}
	if err := getJSON(baseURL+"/v1/blobs/"+blobID+"?limit=100", &out); err != nil {
		return nil, err
	}
	return out.Objects.Items, nil
}
