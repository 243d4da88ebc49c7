package operator

import (
	"fmt"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/tuskstore/tusk/chain/keys"
	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/config"
	"github.com/tuskstore/tusk/internal/frost"
)

// Config is the operator section of a storage node's configuration: the operator's Sui
// key, the node's StorageNodeCap, epoch driving and commission collection.
type Config struct {
	// Keystore is a Sui keystore file (a JSON array of base64 keys, as `sui keytool` and
	// `tusk devnet` write it); Address picks its key, and may be left empty when it holds
	// one key.
	Keystore string `yaml:"keystore"`
	Address  string `yaml:"address"`
	// PrivateKey is the key in the `suiprivkey1…` form of `sui keytool export`, instead of
	// Keystore (better given through the environment: TUSK_NODE_OPERATOR_PRIVATE_KEY).
	PrivateKey string `yaml:"private_key"`
	// NodeCapID is the node's StorageNodeCap. Empty: the cap for the node that the key's
	// address owns (there must be exactly one).
	NodeCapID string `yaml:"node_cap_id"`
	// Epochs configures epoch driving.
	Epochs EpochsConfig `yaml:"epochs"`
	// Commission configures commission collection.
	Commission CommissionConfig `yaml:"commission"`
}

// EpochsConfig configures epoch driving: voting_end and initiate_epoch_change_v2 when
// they are due. These calls are permissionless and only one caller succeeds, so every
// node may drive; the transactions cost the operator gas.
type EpochsConfig struct {
	// Drive turns epoch driving on.
	Drive bool `yaml:"drive"`
	// WALTreasury is the shared wal::wal::ProtectedTreasury that the epoch change burns
	// through (Walrus's treasury object; `tusk devnet` writes it into its client
	// configuration as wal_treasury_object). Required to drive epochs.
	WALTreasury string `yaml:"wal_treasury_object"`
	// MaxWait bounds the wait between two looks at the epoch state; zero means a tenth of
	// the epoch duration, between 100 ms and 30 s.
	MaxWait time.Duration `yaml:"max_wait"`
	// Retry is the wait after a failed or premature call.
	Retry time.Duration `yaml:"retry"`
}

// CommissionConfig configures the collection of the node's commission.
type CommissionConfig struct {
	// Collect turns scheduled collection on.
	Collect bool `yaml:"collect"`
	// Schedule is when to collect, a cron spec in UTC: five fields ("0 3 * * *"), six with
	// seconds first, or a descriptor ("@daily", "@every 6h"). Commission earned at an epoch
	// change can be collected from that epoch's voting_end on (half an epoch later).
	Schedule string `yaml:"schedule"`
	// MinAmount skips a collection that would pay less: WAL, with up to 9 decimals (e.g.
	// 1.5). Each collection costs gas.
	MinAmount string `yaml:"min_amount"`
	// Receiver is the address the collected WAL goes to; empty means the operator's
	// address. A cold wallet keeps it out of the node's hot key.
	Receiver string `yaml:"receiver"`
}

// Default drives epochs (once WALTreasury is set) and collects commission daily when it
// is at least 1 WAL, into the operator's address.
func Default() Config {
	return Config{
		Epochs:     EpochsConfig{Drive: true, Retry: time.Second},
		Commission: CommissionConfig{Collect: true, Schedule: "@daily", MinAmount: "1"},
	}
}

// Validate reports every bad field, named by its path in this section
// ("commission.schedule: ...").
func (c *Config) Validate() error {
	var errs config.Errors
	switch {
	case c.Keystore == "" && c.PrivateKey == "":
		errs.Invalid("keystore", "the operator's Sui key is required: set keystore (a Sui keystore file) or private_key (suiprivkey1…)")
	case c.Keystore != "" && c.PrivateKey != "":
		errs.Invalid("private_key", "set keystore or private_key, not both")
	case c.PrivateKey != "":
		if _, err := keys.ParseSuiPrivateKey(c.PrivateKey); err != nil {
			// The error does not echo the key.
			errs.Invalid("private_key", "is not a suiprivkey1… ed25519 key: %v", err)
		}
		if c.Address != "" {
			errs.Invalid("address", "picks a key of keystore; private_key is one key already")
		}
	}
	checkID(&errs, "address", c.Address)
	checkID(&errs, "node_cap_id", c.NodeCapID)
	if c.Epochs.Drive && c.Epochs.WALTreasury == "" {
		errs.Invalid("epochs.wal_treasury_object", "is required to drive epochs: the ID of the shared wal::wal::ProtectedTreasury (or set epochs.drive: false)")
	}
	checkID(&errs, "epochs.wal_treasury_object", c.Epochs.WALTreasury)
	if c.Epochs.MaxWait < 0 {
		errs.Invalid("epochs.max_wait", "must not be negative, got %s", c.Epochs.MaxWait)
	}
	if c.Epochs.Drive && c.Epochs.Retry <= 0 {
		errs.Invalid("epochs.retry", "must be positive, got %s", c.Epochs.Retry)
	}
	if c.Commission.Collect {
		if c.Commission.Schedule == "" {
			errs.Invalid("commission.schedule", "is required to collect commission (a cron spec such as \"@daily\" or \"0 3 * * *\"), or set commission.collect: false")
		} else if _, err := ParseSchedule(c.Commission.Schedule); err != nil {
			errs.Invalid("commission.schedule", "%v", err)
		}
	}
	if _, err := c.Commission.minAmount(); err != nil {
		errs.Invalid("commission.min_amount", "%v", err)
	}
	checkID(&errs, "commission.receiver", c.Commission.Receiver)
	return errs.Err()
}

func checkID(errs *config.Errors, field, s string) {
	if s == "" {
		return
	}
	if _, err := walrus.ParseID(s); err != nil {
		errs.Invalid(field, "must be a Sui address or object ID (0x and up to 64 hex digits), got %q", s)
	}
}

// ParseSchedule parses a cron spec as Config.Schedule describes it: five fields, six
// with seconds first, or a descriptor; times are UTC unless the spec starts with
// CRON_TZ=.
func ParseSchedule(spec string) (cron.Schedule, error) {
	p := cron.NewParser(cron.SecondOptional | cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)
	s, err := p.Parse(spec)
	if err != nil {
		return nil, fmt.Errorf("%q is not a cron schedule: %v", spec, err)
	}
	return s, nil
}

// LoadSigner reads the operator's key: PrivateKey, or the key of Keystore whose address
// is Address (the only key when Address is empty).
func (c *Config) LoadSigner() (*keys.Keypair, error) {
	if c.PrivateKey != "" {
		k, err := keys.ParseSuiPrivateKey(c.PrivateKey)
		if err != nil {
			return nil, fmt.Errorf("operator: private_key: %w", err)
		}
		return k, nil
	}
	if c.Keystore == "" {
		return nil, fmt.Errorf("operator: %w: no keystore and no private_key", ErrNoKey)
	}
	kps, err := keys.LoadKeystore(c.Keystore)
	if err != nil {
		return nil, fmt.Errorf("operator: keystore %s: %w", c.Keystore, err)
	}
	if c.Address == "" {
		if len(kps) != 1 {
			return nil, fmt.Errorf("operator: %w: keystore %s holds %d keys; set address to pick one", ErrNoKey, c.Keystore, len(kps))
		}
		return kps[0], nil
	}
	want, err := walrus.ParseID(c.Address)
	if err != nil {
		return nil, fmt.Errorf("operator: address %q: %w", c.Address, err)
	}
	for _, k := range kps {
		if walrus.Address(k.Address()) == want {
			return k, nil
		}
	}
	return nil, fmt.Errorf("operator: %w: keystore %s has no key for address %s", ErrNoKey, c.Keystore, want)
}

// minAmount is MinAmount in FROST; empty is zero.
func (c *CommissionConfig) minAmount() (frost.Amount, error) {
	if c.MinAmount == "" {
		return 0, nil
	}
	return frost.ParseWAL(c.MinAmount)
}

// receiver is the parsed Commission.Receiver of a valid Config (nil: the operator).
func (c *Config) receiver() *walrus.Address {
	if c.Commission.Receiver == "" {
		return nil
	}
	a, _ := walrus.ParseID(c.Commission.Receiver)
	return &a
}
