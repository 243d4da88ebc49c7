package logging

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"go.uber.org/zap"

	"github.com/tuskstore/tusk/config"
)

func TestDefaultIsValid(t *testing.T) {
	cfg := Default()
	if err := cfg.Validate(); err != nil {
		t.Fatalf("Default().Validate() = %v", err)
	}
	if cfg.Level != "info" || cfg.Format != FormatJSON {
		t.Fatalf("Default() = %+v, want info/json", cfg)
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		cfg    Config
		fields []string // fields expected in FieldErrors
	}{
		{Config{Level: "debug", Format: "console"}, nil},
		{Config{Level: "warn", Format: "json"}, nil},
		{Config{Level: "error", Format: "json"}, nil},
		{Config{Level: "verbose", Format: "json"}, []string{"level"}},
		{Config{Level: "", Format: "json"}, []string{"level"}},
		{Config{Level: "INFO", Format: "json"}, []string{"level"}},
		{Config{Level: "info", Format: "text"}, []string{"format"}},
		{Config{Level: "dpanic", Format: ""}, []string{"level", "format"}},
	}
	for _, tt := range tests {
		err := tt.cfg.Validate()
		if len(tt.fields) == 0 {
			if err != nil {
				t.Errorf("%+v: Validate() = %v, want nil", tt.cfg, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("%+v: Validate() = nil, want errors for %v", tt.cfg, tt.fields)
			continue
		}
		for _, f := range tt.fields {
			if !strings.Contains(err.Error(), "config: "+f+": ") {
				t.Errorf("%+v: error %q does not name field %q", tt.cfg, err, f)
			}
		}
		var fe *config.FieldError
		if !errors.As(err, &fe) {
			t.Errorf("%+v: error %v holds no *config.FieldError", tt.cfg, err)
		}
	}
}

func TestValidateMessage(t *testing.T) {
	cfg := Config{Level: "loud", Format: "json"}
	want := `config: level: must be one of debug, info, warn, error, got "loud"`
	if err := cfg.Validate(); err == nil || err.Error() != want {
		t.Fatalf("Validate() = %v, want %s", err, want)
	}
}

func TestNewRejectsInvalid(t *testing.T) {
	if _, err := New(Config{Level: "nope", Format: "json"}); err == nil {
		t.Fatal("New with a bad level succeeded")
	}
	if _, err := NewWriter(Config{Level: "info", Format: "xml"}, &bytes.Buffer{}); err == nil {
		t.Fatal("NewWriter with a bad format succeeded")
	}
}

func TestNewReturnsLogger(t *testing.T) {
	log, err := New(Default())
	if err != nil || log == nil {
		t.Fatalf("New(Default()) = %v, %v", log, err)
	}
}

func TestJSONFormatAndLevel(t *testing.T) {
	var buf bytes.Buffer
	log, err := NewWriter(Config{Level: "warn", Format: "json"}, &buf)
	if err != nil {
		t.Fatal(err)
	}
	log = log.Named("node")
	log.Info("dropped")
	log.Warn("kept", zap.String("blob", "abc"))
	if err := log.Sync(); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 1 {
		t.Fatalf("got %d lines, want 1 (info filtered out at warn):\n%s", len(lines), buf.String())
	}
	var rec map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &rec); err != nil {
		t.Fatalf("line is not JSON: %v: %s", err, lines[0])
	}
	for k, want := range map[string]string{"level": "warn", "msg": "kept", "logger": "node", "blob": "abc"} {
		if got, _ := rec[k].(string); got != want {
			t.Errorf("%s = %q, want %q (record %v)", k, got, want, rec)
		}
	}
	if _, ok := rec["time"]; !ok {
		t.Errorf("record has no time: %v", rec)
	}
	if c, _ := rec["caller"].(string); !strings.Contains(c, "logging_test.go") {
		t.Errorf("caller = %q, want this test file", c)
	}
}

func TestConsoleFormat(t *testing.T) {
	var buf bytes.Buffer
	log, err := NewWriter(Config{Level: "debug", Format: "console"}, &buf)
	if err != nil {
		t.Fatal(err)
	}
	log.Debug("hello", zap.String("k", "v"))
	_ = log.Sync()
	out := buf.String()
	if json.Valid([]byte(strings.TrimSpace(out))) {
		t.Fatalf("console output is JSON: %s", out)
	}
	for _, want := range []string{"DEBUG", "hello", `{"k": "v"}`} {
		if !strings.Contains(out, want) {
			t.Errorf("console output %q lacks %q", out, want)
		}
	}
}
