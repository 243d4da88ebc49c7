package config

import (
	"errors"
	"strings"
	"testing"
)

func TestFieldErrorMessage(t *testing.T) {
	err := Invalid("node.rest_addr", "must be host:port, got %q", "abc")
	if got, want := err.Error(), `config: node.rest_addr: must be host:port, got "abc"`; got != want {
		t.Fatalf("Error() = %q, want %q", got, want)
	}
}

func TestErrorsCollect(t *testing.T) {
	var errs Errors
	if errs.Err() != nil {
		t.Fatal("empty Errors is not nil")
	}
	errs.Add(nil)
	if errs.Err() != nil {
		t.Fatal("Add(nil) recorded something")
	}
	errs.Invalid("a", "bad %d", 1)
	if _, ok := errs.Err().(*FieldError); !ok {
		t.Fatalf("single error is %T, want *FieldError itself", errs.Err())
	}
	plain := errors.New("plain")
	errs.Add(plain)
	errs.Nested("log", errors.Join(Invalid("level", "x"), Invalid("format", "y")))
	err := errs.Err()
	want := "config: a: bad 1\nplain\nconfig: log.level: x\nconfig: log.format: y"
	if err.Error() != want {
		t.Fatalf("Err() =\n%s\nwant\n%s", err, want)
	}
	if !errors.Is(err, plain) {
		t.Error("joined error lost the plain error")
	}
}

func TestPrefix(t *testing.T) {
	if Prefix("x", nil) != nil {
		t.Error("Prefix(nil) != nil")
	}
	orig := Invalid("level", "bad")
	got := Prefix("node.log", orig)
	var fe *FieldError
	if !errors.As(got, &fe) || fe.Field != "node.log.level" || fe.Reason != "bad" {
		t.Errorf("Prefix = %v", got)
	}
	if orig.Field != "level" {
		t.Error("Prefix modified its argument")
	}
	nested := Prefix("a", Prefix("b", errors.Join(Invalid("c", "r"), errors.Join(Invalid("d", "s")))))
	if s := nested.Error(); !strings.Contains(s, "config: a.b.c: r") || !strings.Contains(s, "config: a.b.d: s") {
		t.Errorf("nested Prefix = %q", s)
	}
	other := errors.New("other")
	if Prefix("a", other) != other {
		t.Error("Prefix changed a non-field error")
	}
}

func TestCheckHostPort(t *testing.T) {
	for _, ok := range []string{"127.0.0.1:80", ":8080", "localhost:0", "[::1]:65535"} {
		if err := CheckHostPort("f", ok); err != nil {
			t.Errorf("CheckHostPort(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"abc", "", "host:", "host:http", "host:70000", "1.2.3.4:-1", "::1:80"} {
		err := CheckHostPort("node.rest_addr", bad)
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != "node.rest_addr" || !strings.Contains(fe.Reason, `"`+bad+`"`) {
			t.Errorf("CheckHostPort(%q) = %v, want a FieldError quoting the value", bad, err)
		}
	}
}
