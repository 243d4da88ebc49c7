package coordinator

import (
	"time"

	"github.com/tuskstore/tusk/config"
	"github.com/tuskstore/tusk/coordinator/read"
	"github.com/tuskstore/tusk/coordinator/store"
)

// Config tunes the coordinator's client side.
type Config struct {
	Store store.Config `yaml:"store"`
	Read  read.Config  `yaml:"read"`
	// CommitteeRefresh is how long a snapshot of the committee and system state is used
	// before the chain is read again.
	CommitteeRefresh time.Duration `yaml:"committee_refresh"`
}

// Default is the default tuning.
func Default() Config {
	return Config{Store: store.DefaultConfig(), Read: read.DefaultConfig(), CommitteeRefresh: 10 * time.Second}
}

// Validate checks the configuration.
func (c *Config) Validate() error {
	var errs config.Errors
	errs.Nested("store", wrapFields(c.Store.Validate()))
	errs.Nested("read", wrapFields(c.Read.Validate()))
	if c.CommitteeRefresh <= 0 {
		errs.Invalid("committee_refresh", "must be positive, got %s", c.CommitteeRefresh)
	}
	return errs.Err()
}
