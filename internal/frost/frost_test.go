package frost

import (
	"errors"
	"testing"
)

func TestParseWAL(t *testing.T) {
	good := []struct {
		in   string
		want uint64
		text string
	}{
		{"0", 0, "0"},
		{"1", PerWAL, "1"},
		{"1.5", 1_500_000_000, "1.5"},
		{"0.000000001", 1, "0.000000001"},
		{"12.340000000", 12_340_000_000, "12.34"},
		{"2.5000000000000", 2_500_000_000, "2.5"}, // zeros past the 9th place change nothing
		{"18446744073.709551615", 18446744073709551615, "18446744073.709551615"},
		{"007", 7 * PerWAL, "7"},
	}
	for _, g := range good {
		a, err := ParseWAL(g.in)
		if err != nil || a.FROST() != g.want || a.String() != g.text {
			t.Errorf("ParseWAL(%q) = %d (%s), %v; want %d (%s)", g.in, a, a, err, g.want, g.text)
		}
	}
	for _, in := range []string{"", "-1", "+1", "1.0000000001", "0.0000000005", "abc", "1e9", "1,5", "1_000", ".5", "1.",
		".", " 1", "1 ", "0x10", "18446744073.709551616", "99999999999999999999", "1.2.3", "NaN", "∞"} {
		if a, err := ParseWAL(in); err == nil || !errors.Is(err, ErrInvalidAmount) {
			t.Errorf("ParseWAL(%q) = %d, %v; want an ErrInvalidAmount", in, a, err)
		}
	}
}

func TestAmountText(t *testing.T) {
	var a Amount
	if err := a.UnmarshalText([]byte("2.25")); err != nil || a != 2_250_000_000 {
		t.Fatalf("UnmarshalText: %d, %v", a, err)
	}
	if b, _ := a.MarshalText(); string(b) != "2.25" {
		t.Fatalf("MarshalText: %s", b)
	}
	if err := a.UnmarshalText([]byte("-2")); err == nil || a != 2_250_000_000 {
		t.Fatalf("a bad text changed the amount: %d, %v", a, err)
	}
}
