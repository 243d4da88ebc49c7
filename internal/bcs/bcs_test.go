package bcs

import (
	"bytes"
	"errors"
	"testing"
)

type sample struct {
	A uint8
	B uint16
	C uint32
	D uint64
	E bool
	F []byte
	G [4]byte
	H string
}

func (s *sample) MarshalBCS(e *Encoder) {
	e.U8(s.A)
	e.U16(s.B)
	e.U32(s.C)
	e.U64(s.D)
	e.Bool(s.E)
	e.ByteVec(s.F)
	e.Fixed(s.G[:])
	e.String(s.H)
}

func (s *sample) UnmarshalBCS(d *Decoder) {
	s.A, s.B, s.C, s.D, s.E = d.U8(), d.U16(), d.U32(), d.U64(), d.Bool()
	s.F = d.ByteVec()
	d.FixedInto(s.G[:])
	s.H = d.String()
}

func TestRoundTripAndLayout(t *testing.T) {
	in := sample{A: 1, B: 0x0203, C: 0x04050607, D: 0x08090a0b0c0d0e0f, E: true, F: bytes.Repeat([]byte{9}, 130), G: [4]byte{1, 2, 3, 4}, H: "walrus"}
	b := Marshal(&in)
	want := []byte{1, 0x03, 0x02, 0x07, 0x06, 0x05, 0x04, 0x0f, 0x0e, 0x0d, 0x0c, 0x0b, 0x0a, 0x09, 0x08, 1, 0x82, 0x01}
	if !bytes.Equal(b[:len(want)], want) {
		t.Fatalf("layout: got % x", b[:len(want)])
	}
	var out sample
	if err := Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.F, in.F) || out.H != in.H || out.D != in.D || out.G != in.G || !out.E {
		t.Fatalf("round trip: %+v", out)
	}
}

func TestHostileInput(t *testing.T) {
	cases := map[string][]byte{
		"truncated":         {1, 2},
		"bad bool":          append(make([]byte, 15), 2),
		"huge length":       append(append(make([]byte, 15), 1), 0xff, 0xff, 0xff, 0xff, 0x07),
		"length > 32 bits":  append(append(make([]byte, 15), 1), 0xff, 0xff, 0xff, 0xff, 0x7f),
		"non-canonical":     append(append(make([]byte, 15), 1), 0x80, 0x00),
		"trailing":          append(Marshal(&sample{}), 0),
		"length past input": append(append(make([]byte, 15), 1), 10, 1, 2),
	}
	for name, b := range cases {
		var s sample
		err := Unmarshal(b, &s)
		if !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: got %v, want ErrMalformed", name, err)
		}
	}
}

func TestTag(t *testing.T) {
	d := NewDecoder([]byte{2})
	d.Tag(2)
	if !errors.Is(d.Finish(), ErrMalformed) {
		t.Fatal("tag 2 of 2 variants accepted")
	}
	d = NewDecoder([]byte{1})
	if d.Tag(2) != 1 || d.Finish() != nil {
		t.Fatal("tag 1 rejected")
	}
}

func FuzzUnmarshal(f *testing.F) {
	f.Add(Marshal(&sample{F: []byte{1, 2}, H: "x"}))
	f.Add([]byte{0xff, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		var s sample
		if err := Unmarshal(b, &s); err != nil {
			return
		}
		if again := Marshal(&s); !bytes.Equal(again, b) {
			t.Fatalf("decoded input does not re-encode to itself: % x vs % x", again, b)
		}
	})
}
