package operator

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tuskstore/tusk/chain/keys"
	"github.com/tuskstore/tusk/chain/walrus"
)

func TestConfigValidate(t *testing.T) {
	k, err := keys.Generate()
	if err != nil {
		t.Fatal(err)
	}
	valid := Default()
	valid.PrivateKey = k.ExportSuiPrivateKey()
	valid.Epochs.WALTreasury = "0x7"
	if err := valid.Validate(); err != nil {
		t.Fatalf("valid config: %v", err)
	}
	for _, tc := range []struct {
		name  string
		edit  func(*Config)
		wants []string // substrings of the error, each naming the field
	}{
		{"no key", func(c *Config) { c.PrivateKey = "" }, []string{"keystore: the operator's Sui key is required"}},
		{"two keys", func(c *Config) { c.Keystore = "ks" }, []string{"private_key: set keystore or private_key, not both"}},
		{"bad private key", func(c *Config) { c.PrivateKey = "suiprivkey1nope" }, []string{"private_key: is not a suiprivkey1"}},
		{"address with a private key", func(c *Config) { c.Address = "0x1" }, []string{"address: picks a key of keystore"}},
		{"bad ids", func(c *Config) {
			c.PrivateKey, c.Keystore, c.Address, c.NodeCapID, c.Commission.Receiver = "", "ks", "alice", "cap", "0xzz"
		}, []string{"address: must be a Sui address", "node_cap_id: must be", "commission.receiver: must be"}},
		{"no treasury", func(c *Config) { c.Epochs.WALTreasury = "" }, []string{"epochs.wal_treasury_object: is required to drive epochs"}},
		{"bad treasury", func(c *Config) { c.Epochs.WALTreasury = "treasury" }, []string{"epochs.wal_treasury_object: must be"}},
		{"bad waits", func(c *Config) { c.Epochs.MaxWait, c.Epochs.Retry = -time.Second, 0 }, []string{"epochs.max_wait: must not be negative", "epochs.retry: must be positive"}},
		{"bad schedule", func(c *Config) { c.Commission.Schedule = "every day" }, []string{`commission.schedule: "every day" is not a cron schedule`}},
		{"bad schedule fields", func(c *Config) { c.Commission.Schedule = "61 * * * *" }, []string{"commission.schedule:"}},
		{"no schedule", func(c *Config) { c.Commission.Schedule = "" }, []string{"commission.schedule: is required"}},
		{"bad minimum", func(c *Config) { c.Commission.MinAmount = "-1" }, []string{`commission.min_amount: invalid WAL amount "-1": negative`}},
		{"too precise minimum", func(c *Config) { c.Commission.MinAmount = "0.0000000001" }, []string{"commission.min_amount: invalid WAL amount"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := valid
			tc.edit(&c)
			err := c.Validate()
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.wants {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			if strings.Contains(err.Error(), valid.PrivateKey) {
				t.Errorf("the error shows the private key: %q", err)
			}
		})
	}
	// Off switches make their settings optional.
	c := valid
	c.Epochs = EpochsConfig{}
	c.Commission = CommissionConfig{}
	if err := c.Validate(); err != nil {
		t.Fatalf("driving and collection off: %v", err)
	}
}

func TestParseSchedule(t *testing.T) {
	at := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	for spec, want := range map[string]time.Time{
		"@daily":       time.Date(2030, 1, 3, 0, 0, 0, 0, time.UTC),
		"0 3 * * *":    time.Date(2030, 1, 3, 3, 0, 0, 0, time.UTC),
		"30 0 3 * * *": time.Date(2030, 1, 3, 3, 0, 30, 0, time.UTC),
		"@every 6h":    at.Add(6 * time.Hour),
	} {
		s, err := ParseSchedule(spec)
		if err != nil {
			t.Fatalf("%q: %v", spec, err)
		}
		if got := s.Next(at); !got.Equal(want) {
			t.Errorf("%q: next %s, want %s", spec, got, want)
		}
	}
}

func TestLoadSigner(t *testing.T) {
	a, _ := keys.Generate()
	b, _ := keys.Generate()
	dir := t.TempDir()
	one := filepath.Join(dir, "one.keystore")
	two := filepath.Join(dir, "two.keystore")
	if err := keys.SaveKeystore(one, []*keys.Keypair{a}); err != nil {
		t.Fatal(err)
	}
	if err := keys.SaveKeystore(two, []*keys.Keypair{a, b}); err != nil {
		t.Fatal(err)
	}
	load := func(c Config) (*keys.Keypair, error) { return c.LoadSigner() }
	if k, err := load(Config{Keystore: one}); err != nil || !k.Equal(a) {
		t.Fatalf("the only key: %v, %v", k, err)
	}
	if k, err := load(Config{Keystore: two, Address: walrus.ID(b.Address()).String()}); err != nil || !k.Equal(b) {
		t.Fatalf("the key of the address: %v, %v", k, err)
	}
	if _, err := load(Config{Keystore: two}); !errors.Is(err, ErrNoKey) {
		t.Fatalf("two keys, no address: %v", err)
	}
	c, _ := keys.Generate()
	if _, err := load(Config{Keystore: two, Address: walrus.ID(c.Address()).String()}); !errors.Is(err, ErrNoKey) {
		t.Fatalf("an address not in the keystore: %v", err)
	}
	if _, err := load(Config{Keystore: filepath.Join(dir, "missing")}); err == nil {
		t.Fatal("a missing keystore loaded")
	}
	if k, err := load(Config{PrivateKey: b.ExportSuiPrivateKey()}); err != nil || !k.Equal(b) {
		t.Fatalf("private key: %v, %v", k, err)
	}
}
