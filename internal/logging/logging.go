// Package logging builds the zap logger that a tusk process injects into its
// components. There is no global logger: callers pass the *zap.Logger down
// and name it per component with Named.
package logging

import (
	"fmt"
	"io"
	"os"
	"strings"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/tuskstore/tusk/config"
)

// Levels and formats accepted by Config.
const (
	FormatJSON    = "json"
	FormatConsole = "console"
)

var levels = []string{"debug", "info", "warn", "error"}

// Config selects the minimum level and the output format of the logs.
type Config struct {
	// Level is one of debug, info, warn, error.
	Level string `yaml:"level"`
	// Format is json (one object per line, for machines) or console
	// (tab-separated, for people).
	Format string `yaml:"format"`
}

// Default returns the configuration used when nothing is set: info, json.
func Default() Config {
	return Config{Level: "info", Format: FormatJSON}
}

// Validate reports a *config.FieldError for each bad field; field names are
// relative ("level", "format"), to be prefixed by the embedding config.
func (c *Config) Validate() error {
	var errs config.Errors
	if _, err := parseLevel(c.Level); err != nil {
		errs.Invalid("level", "must be one of %s, got %q", strings.Join(levels, ", "), c.Level)
	}
	if c.Format != FormatJSON && c.Format != FormatConsole {
		errs.Invalid("format", "must be %s or %s, got %q", FormatJSON, FormatConsole, c.Format)
	}
	return errs.Err()
}

// New returns a logger writing to standard error as cfg says.
func New(cfg Config) (*zap.Logger, error) {
	return NewWriter(cfg, os.Stderr)
}

// NewWriter returns a logger writing to w as cfg says. Writes to w are
// serialised, so w need not be safe for concurrent use.
func NewWriter(cfg Config, w io.Writer) (*zap.Logger, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("logging: %w", err)
	}
	level, _ := parseLevel(cfg.Level)

	encCfg := zap.NewProductionEncoderConfig()
	encCfg.TimeKey = "time"
	encCfg.EncodeTime = zapcore.ISO8601TimeEncoder
	encCfg.EncodeDuration = zapcore.StringDurationEncoder
	var enc zapcore.Encoder
	if cfg.Format == FormatConsole {
		encCfg.EncodeLevel = zapcore.CapitalLevelEncoder
		enc = zapcore.NewConsoleEncoder(encCfg)
	} else {
		enc = zapcore.NewJSONEncoder(encCfg)
	}
	core := zapcore.NewCore(enc, zapcore.Lock(zapcore.AddSync(w)), level)
	return zap.New(core, zap.AddCaller()), nil
}

func parseLevel(s string) (zapcore.Level, error) {
	for _, l := range levels {
		if s == l {
			return zapcore.ParseLevel(s)
		}
	}
	return zapcore.InfoLevel, fmt.Errorf("unknown level %q", s)
}
