package cursor

import (
	"errors"
	"math"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	id := [IDSize]byte{1, 2, 3, 31: 9}
	for _, c := range []Cursor{
		{Kind: Event, A: 0, B: 0},
		{Kind: Event, A: math.MaxUint64, B: math.MaxUint32},
		{Kind: OwnerBlob, A: 12345, ID: id, HasID: true},
		{Kind: BlobObject, ID: id, HasID: true},
		{Kind: Epoch, A: 7},
		{Kind: Node, ID: id, HasID: true},
		{Kind: NodeEpoch, A: 3},
		{Kind: Committee, A: 3, ID: id, HasID: true},
	} {
		s := c.String()
		if len(s) > MaxLen {
			t.Errorf("%+v encodes to %d characters, more than MaxLen", c, len(s))
		}
		got, err := Decode(s, c.Kind)
		if err != nil {
			t.Fatalf("Decode(%q): %v", s, err)
		}
		if got != c {
			t.Errorf("round trip of %+v gave %+v", c, got)
		}
	}
}

func TestDecodeRejects(t *testing.T) {
	good := Cursor{Kind: Event, A: 5, B: 1}.String()
	for name, s := range map[string]string{
		"empty":        "",
		"not base64":   "!!!",
		"padding":      good + "=",
		"other kind":   Cursor{Kind: Epoch, A: 5}.String(),
		"unknown kind": Cursor{Kind: 99}.String(),
		"too long":     string(make([]byte, MaxLen+1)),
		"truncated":    good[:2],
		"trailing":     Cursor{Kind: Node, HasID: true}.String()[:4] + "AAAA",
	} {
		if _, err := Decode(s, Event); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: Decode(%q) = %v, want ErrInvalid", name, s, err)
		}
	}
	// A non-canonical varint (0x80 0x00 for 0) is refused: one text per cursor.
	if _, err := Decode("AQGAAAA", Event); !errors.Is(err, ErrInvalid) {
		t.Errorf("non-canonical varint accepted: %v", err)
	}
}

// FuzzDecode checks that Decode never panics on any text, and that whatever it accepts
// re-encodes to the same text (cursors are canonical).
func FuzzDecode(f *testing.F) {
	f.Add(Cursor{Kind: Event, A: 5, B: 1}.String(), uint8(Event))
	f.Add(Cursor{Kind: OwnerBlob, A: 9, HasID: true}.String(), uint8(OwnerBlob))
	f.Add("AQGAAAA", uint8(Event))
	f.Add("", uint8(0))
	f.Fuzz(func(t *testing.T, s string, kind uint8) {
		c, err := Decode(s, Kind(kind))
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error %v does not match ErrInvalid", err)
			}
			return
		}
		if c.Kind != Kind(kind) {
			t.Fatalf("kind %d accepted as %d", c.Kind, kind)
		}
		if again := c.String(); again != s {
			t.Fatalf("Decode(%q) re-encodes to %q", s, again)
		}
	})
}
