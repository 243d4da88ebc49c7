package config_test

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/tuskstore/tusk/config"
	"github.com/tuskstore/tusk/internal/logging"
)

// ExampleConfig is how a component declares its configuration: yaml tags,
// a Default() next to the struct, and Validate() reporting FieldErrors.
type ExampleConfig struct {
	RESTAddr string         `yaml:"rest_addr"`
	Timeout  time.Duration  `yaml:"timeout"`
	Log      logging.Config `yaml:"log"`
}

func DefaultExampleConfig() ExampleConfig {
	return ExampleConfig{RESTAddr: "127.0.0.1:9185", Timeout: 10 * time.Second, Log: logging.Default()}
}

func (c *ExampleConfig) Validate() error {
	var errs config.Errors
	errs.Add(config.CheckHostPort("rest_addr", c.RESTAddr))
	if c.Timeout <= 0 {
		errs.Invalid("timeout", "must be positive, got %s", c.Timeout)
	}
	errs.Nested("log", c.Log.Validate())
	return errs.Err()
}

func ExampleLoad() {
	dir, _ := os.MkdirTemp("", "tusk-example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "node.yaml")
	_ = os.WriteFile(path, []byte("rest_addr: 0.0.0.0:9185\nlog:\n  level: debug\n"), 0o600)
	os.Setenv("TUSK_NODE_TIMEOUT", "1m")
	defer os.Unsetenv("TUSK_NODE_TIMEOUT")

	cfg := DefaultExampleConfig()
	if err := config.Load(path, &cfg, "TUSK_NODE"); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(cfg.RESTAddr, cfg.Timeout, cfg.Log.Level, cfg.Log.Format)

	// A bad value is reported with the field's full path.
	os.Setenv("TUSK_NODE_LOG_FORMAT", "xml")
	defer os.Unsetenv("TUSK_NODE_LOG_FORMAT")
	cfg = DefaultExampleConfig()
	fmt.Println(config.Load(path, &cfg, "TUSK_NODE"))
	// Output:
	// 0.0.0.0:9185 1m0s debug json
	// config: log.format: must be json or console, got "xml"
}
