package quilt

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/tuskstore/tusk/encoding"
)

func TestPatchIDRoundTrip(t *testing.T) {
	const s = "8eCC2mVFSCTJnEnCbBvEpyVsAMLh0zGMnyrrWGoFWe8BAQAFAA" // quilts.jsonl, n=10, a.bin
	id, err := ParsePatchID(s)
	if err != nil {
		t.Fatal(err)
	}
	quilt, _ := encoding.ParseBlobID("8eCC2mVFSCTJnEnCbBvEpyVsAMLh0zGMnyrrWGoFWe8")
	if id.QuiltID != quilt || id.Internal != (InternalID{Start: 1, End: 5}) || id.String() != s {
		t.Fatalf("ParsePatchID = %+v (%s)", id, id)
	}
	j, err := json.Marshal(map[string]PatchID{"id": id})
	if err != nil || string(j) != `{"id":"`+s+`"}` {
		t.Fatalf("JSON %s, %v", j, err)
	}
	var back map[string]PatchID
	if err := json.Unmarshal(j, &back); err != nil || back["id"] != id {
		t.Fatalf("JSON round trip %+v, %v", back, err)
	}
	if fromBytes, err := PatchIDFromBytes(id.Bytes()); err != nil || fromBytes != id {
		t.Fatalf("PatchIDFromBytes = %+v, %v", fromBytes, err)
	}
	// The docs' example ends in ...BAQDQAA: version 1, columns [1, 208).
	docs := strings.Repeat("A", 43) + "BAQDQAA"
	if id, err := ParsePatchID(docs); err != nil || id.Internal != (InternalID{Start: 1, End: 208}) {
		t.Fatalf("docs example: %+v, %v", id, err)
	}
}

func TestParsePatchIDErrors(t *testing.T) {
	valid := "8eCC2mVFSCTJnEnCbBvEpyVsAMLh0zGMnyrrWGoFWe8BAQAFAA"
	enc := func(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }
	withInternal := func(internal ...byte) string { return enc(append(make([]byte, 32), internal...)) }
	cases := []struct {
		name, s string
		want    error
	}{
		{"empty", "", ErrInvalidPatchID},
		{"blob ID only", valid[:43], ErrInvalidPatchID},
		{"one character short", valid[:49], ErrInvalidPatchID},
		{"one character long", valid + "A", ErrInvalidPatchID},
		{"padded", valid + "==", ErrInvalidPatchID},
		{"standard alphabet", strings.Replace(valid, "-", "+", 1)[:49] + "+", ErrInvalidPatchID},
		{"not base64", strings.Repeat("!", 50), ErrInvalidPatchID},
		// The last character carries 2 unused bits, which must be zero.
		{"non-zero trailing bits", valid[:49] + "B", ErrInvalidPatchID},
		{"version 2", withInternal(2, 1, 0, 5, 0), ErrUnsupportedVersion},
		{"version 0", withInternal(0, 1, 0, 5, 0), ErrInvalidPatchID},
		{"empty range", withInternal(1, 5, 0, 5, 0), ErrInvalidPatchID},
		{"reversed range", withInternal(1, 6, 0, 5, 0), ErrInvalidPatchID},
	}
	for _, c := range cases {
		if _, err := ParsePatchID(c.s); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
	var id PatchID
	if err := id.UnmarshalText([]byte("nope")); !errors.Is(err, ErrInvalidPatchID) {
		t.Errorf("UnmarshalText: %v", err)
	}
	for _, b := range [][]byte{nil, make([]byte, 36), make([]byte, 38)} {
		if _, err := PatchIDFromBytes(b); !errors.Is(err, ErrInvalidPatchID) {
			t.Errorf("PatchIDFromBytes(%d bytes): %v", len(b), err)
		}
	}
	if _, err := ParseInternalID([]byte{1, 0, 0, 1}); !errors.Is(err, ErrInvalidPatchID) {
		t.Errorf("ParseInternalID(4 bytes): %v", err)
	}
}

// TestPatchInfoJSON checks the aggregator's list form (Walrus QuiltPatchItem).
func TestPatchInfoJSON(t *testing.T) {
	id, err := ParsePatchID("8eCC2mVFSCTJnEnCbBvEpyVsAMLh0zGMnyrrWGoFWe8BBQAGAA")
	if err != nil {
		t.Fatal(err)
	}
	j, err := json.Marshal([]PatchInfo{{Identifier: "b.txt", ID: id, Tags: map[string]string{}, Size: 12}})
	want := `[{"identifier":"b.txt","patch_id":"8eCC2mVFSCTJnEnCbBvEpyVsAMLh0zGMnyrrWGoFWe8BBQAGAA","tags":{}}]`
	if err != nil || string(j) != want {
		t.Fatalf("JSON %s, %v; want %s", j, err, want)
	}
}
