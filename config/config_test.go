package config

import (
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// testConfig is a tests-only component config showing the conventions.
type testConfig struct {
	Node    testNode          `yaml:"node"`
	Name    string            `yaml:"name"`
	Verbose bool              `yaml:"verbose"`
	Tags    map[string]string `yaml:"tags"`
	Limits  *testLimits       `yaml:"limits"`
	Ignored string            `yaml:"-"`
	hidden  string            // unexported: the walkers must skip it
}

type testNode struct {
	RESTAddr   string        `yaml:"rest_addr"`
	Shards     int           `yaml:"shards"`
	Small      int8          `yaml:"small"`
	Port       uint16        `yaml:"port"`
	Weight     uint64        `yaml:"weight"`
	Ratio      float64       `yaml:"ratio"`
	Timeout    time.Duration `yaml:"timeout"`
	Peers      []string      `yaml:"peers"`
	Bind       netip.Addr    `yaml:"bind"`
	MaxBlob    *int64        `yaml:"max_blob"`
	Replicas   []testReplica `yaml:"replicas"`
	testEmbeds `yaml:",inline"`
}

type testEmbeds struct {
	DataDir string `yaml:"data_dir"`
}

type testReplica struct {
	Addr string `yaml:"addr"`
}

type testLimits struct {
	Rate int `yaml:"rate"`
}

func defaultTestConfig() testConfig {
	return testConfig{
		Node:   testNode{RESTAddr: "127.0.0.1:9185", Shards: 10, Timeout: 5 * time.Second, Peers: []string{"a:1"}},
		Name:   "default",
		hidden: "h",
	}
}

func (c *testConfig) Validate() error {
	var errs Errors
	errs.Add(CheckHostPort("node.rest_addr", c.Node.RESTAddr))
	if c.Node.Shards <= 0 {
		errs.Invalid("node.shards", "must be positive, got %d", c.Node.Shards)
	}
	return errs.Err()
}

func writeFile(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "tusk.yaml")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func noEnv(string) (string, bool) { return "", false }

func envMap(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestLoadYAMLKeepsDefaults(t *testing.T) {
	p := writeFile(t, `
node:
  rest_addr: "0.0.0.0:8080"
  timeout: 1m30s
  peers: [x:1, y:2]
  data_dir: /var/lib/tusk
limits:
  rate: 7
`)
	cfg := defaultTestConfig()
	if err := load(p, &cfg, "TUSK", noEnv); err != nil {
		t.Fatal(err)
	}
	if cfg.Node.RESTAddr != "0.0.0.0:8080" || cfg.Node.Timeout != 90*time.Second ||
		!reflect.DeepEqual(cfg.Node.Peers, []string{"x:1", "y:2"}) || cfg.Node.DataDir != "/var/lib/tusk" {
		t.Errorf("file values not applied: %+v", cfg.Node)
	}
	if cfg.Limits == nil || cfg.Limits.Rate != 7 {
		t.Errorf("limits = %+v, want rate 7", cfg.Limits)
	}
	if cfg.Name != "default" || cfg.Node.Shards != 10 {
		t.Errorf("defaults lost: name %q shards %d", cfg.Name, cfg.Node.Shards)
	}
}

func TestLoadEmptyPathAndEmptyFile(t *testing.T) {
	for _, p := range []string{"", writeFile(t, ""), writeFile(t, "# only a comment\n")} {
		cfg := defaultTestConfig()
		if err := load(p, &cfg, "TUSK", noEnv); err != nil {
			t.Fatalf("load(%q) = %v", p, err)
		}
		if !reflect.DeepEqual(cfg, defaultTestConfig()) {
			t.Errorf("load(%q) changed the defaults: %+v", p, cfg)
		}
	}
}

func TestLoadMissingFile(t *testing.T) {
	cfg := defaultTestConfig()
	err := load(filepath.Join(t.TempDir(), "nope.yaml"), &cfg, "", noEnv)
	if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "nope.yaml") {
		t.Fatalf("err = %v, want a not-exist error naming the file", err)
	}
}

func TestUnknownFieldNamesFieldAndLine(t *testing.T) {
	p := writeFile(t, "name: x\nnode:\n  rest_addr: \"a:1\"\n  reast_addr: \"b:2\"\n")
	cfg := defaultTestConfig()
	err := load(p, &cfg, "TUSK", noEnv)
	if err == nil {
		t.Fatal("unknown field accepted")
	}
	want := p + `:4:3: unknown field "node.reast_addr"`
	if !strings.Contains(err.Error(), want) {
		t.Fatalf("err = %q, want it to contain %q", err, want)
	}
	if !strings.Contains(err.Error(), "rest_addr") || !strings.Contains(err.Error(), "data_dir") {
		t.Errorf("err = %q, want it to list the known fields, inline ones included", err)
	}
	if cfg.Name != "default" {
		t.Errorf("a rejected file changed the config: name = %q", cfg.Name)
	}
}

func TestUnknownFieldsEverywhere(t *testing.T) {
	p := writeFile(t, `
bogus: 1
node:
  replicas:
    - addr: a
    - adr: b
limits:
  rat: 3
tags:
  anything: goes
`)
	cfg := defaultTestConfig()
	err := load(p, &cfg, "", noEnv)
	if err == nil {
		t.Fatal("unknown fields accepted")
	}
	for _, want := range []string{
		p + `:2:1: unknown field "bogus"`,
		p + `:6:7: unknown field "node.replicas[1].adr"`,
		p + `:8:3: unknown field "limits.rat"`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("err = %q\nwant it to contain %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "anything") {
		t.Errorf("map keys reported as unknown fields: %v", err)
	}
}

func TestYAMLTypeErrorNamesFileLineAndField(t *testing.T) {
	for _, tc := range []struct{ file, want string }{
		{"node:\n  shards: lots\n", ":2: node.shards: "},
		{"node:\n  replicas:\n    - addr: a\n    - addr: [x]\n", ":4: node.replicas[1].addr: "},
		{"node: {port: 7, weight: heavy}\n", ":1: node.weight: "},
		{"node: {port: huge, weight: huge}\n", ":1: cannot unmarshal"}, // two fields quote the same value
		{"limits:\n  rate:\n    - 1\n", ":3: limits.rate: "},
	} {
		p := writeFile(t, tc.file)
		cfg := defaultTestConfig()
		err := load(p, &cfg, "", noEnv)
		if err == nil || !strings.Contains(err.Error(), p+tc.want) {
			t.Errorf("%q: err = %v, want it to say %q", tc.file, err, p+tc.want)
		}
	}
}

func TestYAMLSyntaxError(t *testing.T) {
	p := writeFile(t, "node: [unclosed\n")
	cfg := defaultTestConfig()
	err := load(p, &cfg, "", noEnv)
	if err == nil || !strings.Contains(err.Error(), p) {
		t.Fatalf("err = %v, want a parse error naming the file", err)
	}
}

func TestTopLevelMustBeMapping(t *testing.T) {
	p := writeFile(t, "- a\n- b\n")
	cfg := defaultTestConfig()
	if err := load(p, &cfg, "", noEnv); err == nil || !strings.Contains(err.Error(), "mapping") {
		t.Fatalf("err = %v, want a top-level mapping error", err)
	}
}

func TestEnvOverridesEachKind(t *testing.T) {
	p := writeFile(t, "node:\n  rest_addr: \"file:1\"\n")
	env := map[string]string{
		"TUSK_NAME":           "from-env",
		"TUSK_VERBOSE":        "true",
		"TUSK_NODE_REST_ADDR": "env:2",
		"TUSK_NODE_SHARDS":    "-3", // validation would fail: overridden below
		"TUSK_NODE_SMALL":     "-128",
		"TUSK_NODE_PORT":      "65535",
		"TUSK_NODE_WEIGHT":    "0x10",
		"TUSK_NODE_RATIO":     "0.25",
		"TUSK_NODE_TIMEOUT":   "2m",
		"TUSK_NODE_PEERS":     " p:1 , q:2,r:3 ",
		"TUSK_NODE_BIND":      "10.1.2.3",
		"TUSK_NODE_MAX_BLOB":  "1024",
		"TUSK_NODE_DATA_DIR":  "/data",
		"TUSK_LIMITS_RATE":    "9",
	}
	env["TUSK_NODE_SHARDS"] = "42"
	cfg := defaultTestConfig()
	if err := load(p, &cfg, "TUSK", envMap(env)); err != nil {
		t.Fatal(err)
	}
	n := cfg.Node
	checks := []struct {
		name string
		got  any
		want any
	}{
		{"name", cfg.Name, "from-env"},
		{"verbose", cfg.Verbose, true},
		{"rest_addr", n.RESTAddr, "env:2"},
		{"shards", n.Shards, 42},
		{"small", n.Small, int8(-128)},
		{"port", n.Port, uint16(65535)},
		{"weight", n.Weight, uint64(16)},
		{"ratio", n.Ratio, 0.25},
		{"timeout", n.Timeout, 2 * time.Minute},
		{"peers", n.Peers, []string{"p:1", "q:2", "r:3"}},
		{"bind", n.Bind, netip.MustParseAddr("10.1.2.3")},
		{"data_dir (inline)", n.DataDir, "/data"},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %#v, want %#v", c.name, c.got, c.want)
		}
	}
	if cfg.hidden != "h" {
		t.Errorf("unexported field changed: %q", cfg.hidden)
	}
	if n.MaxBlob == nil || *n.MaxBlob != 1024 {
		t.Errorf("max_blob = %v, want pointer to 1024", n.MaxBlob)
	}
	if cfg.Limits == nil || cfg.Limits.Rate != 9 {
		t.Errorf("limits = %+v, want a new struct with rate 9", cfg.Limits)
	}
}

func TestEnvViaProcessEnvironment(t *testing.T) {
	t.Setenv("TUSK_NODE_REST_ADDR", "envhost:7")
	t.Setenv("TUSK_NODE_PEERS", "")
	cfg := defaultTestConfig()
	if err := Load("", &cfg, "tusk_"); err != nil {
		t.Fatal(err)
	}
	if cfg.Node.RESTAddr != "envhost:7" {
		t.Errorf("rest_addr = %q, want envhost:7", cfg.Node.RESTAddr)
	}
	if cfg.Node.Peers == nil || len(cfg.Node.Peers) != 0 {
		t.Errorf("peers = %#v, want an empty list from an empty variable", cfg.Node.Peers)
	}
}

func TestUnsetEnvLeavesNilPointers(t *testing.T) {
	cfg := defaultTestConfig()
	if err := load("", &cfg, "TUSK", noEnv); err != nil {
		t.Fatal(err)
	}
	if cfg.Limits != nil || cfg.Node.MaxBlob != nil {
		t.Errorf("pointers allocated with no variable set: %+v %+v", cfg.Limits, cfg.Node.MaxBlob)
	}
}

func TestNoPrefix(t *testing.T) {
	cfg := defaultTestConfig()
	if err := load("", &cfg, "", envMap(map[string]string{"NODE_SHARDS": "5"})); err != nil {
		t.Fatal(err)
	}
	if cfg.Node.Shards != 5 {
		t.Errorf("shards = %d, want 5", cfg.Node.Shards)
	}
}

func TestBadEnvValueNamesVariable(t *testing.T) {
	tests := []struct {
		name, val, field, reason string
	}{
		{"TUSK_NODE_SHARDS", "many", "node.shards", "want an integer"},
		{"TUSK_NODE_SMALL", "200", "node.small", "out of range for int8"},
		{"TUSK_NODE_PORT", "-1", "node.port", "want a non-negative integer"},
		{"TUSK_NODE_PORT", "70000", "node.port", "out of range for uint16"},
		{"TUSK_NODE_RATIO", "half", "node.ratio", "want a number"},
		{"TUSK_VERBOSE", "yes please", "verbose", "want true or false"},
		{"TUSK_NODE_TIMEOUT", "5", "node.timeout", "want a duration"},
		{"TUSK_NODE_PEERS", "a,,b", "node.peers", "item 2"},
		{"TUSK_NODE_BIND", "not-an-ip", "node.bind", "ParseAddr"},
		{"TUSK_NODE_MAX_BLOB", "big", "node.max_blob", "want an integer"},
		{"TUSK_TAGS", "a=b", "tags", "cannot be set from the environment"},
	}
	for _, tt := range tests {
		cfg := defaultTestConfig()
		err := load("", &cfg, "TUSK", envMap(map[string]string{tt.name: tt.val}))
		var ee *EnvError
		if !errors.As(err, &ee) {
			t.Errorf("%s=%q: err = %v, want *EnvError", tt.name, tt.val, err)
			continue
		}
		if ee.Var != tt.name || ee.Field != tt.field || ee.Value != tt.val {
			t.Errorf("%s=%q: EnvError = %+v", tt.name, tt.val, ee)
		}
		msg := err.Error()
		if !strings.HasPrefix(msg, "config: environment variable "+tt.name+" (field "+tt.field+"): invalid value ") ||
			!strings.Contains(msg, tt.reason) {
			t.Errorf("%s=%q: message %q, want variable, field and %q", tt.name, tt.val, msg, tt.reason)
		}
	}
}

func TestValidationErrorMessage(t *testing.T) {
	p := writeFile(t, "node:\n  rest_addr: abc\n  shards: 0\n")
	cfg := defaultTestConfig()
	err := load(p, &cfg, "TUSK", noEnv)
	if err == nil {
		t.Fatal("invalid config accepted")
	}
	want := "config: node.rest_addr: must be host:port, got \"abc\"\nconfig: node.shards: must be positive, got 0"
	if err.Error() != want {
		t.Fatalf("err =\n%s\nwant\n%s", err, want)
	}
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Field != "node.rest_addr" {
		t.Errorf("errors.As FieldError = %+v", fe)
	}
}

func TestValidationSeesEnv(t *testing.T) {
	cfg := defaultTestConfig()
	err := load("", &cfg, "TUSK", envMap(map[string]string{"TUSK_NODE_REST_ADDR": "nope"}))
	if err == nil || err.Error() != `config: node.rest_addr: must be host:port, got "nope"` {
		t.Fatalf("err = %v", err)
	}
}

func TestLoadRejectsNonPointer(t *testing.T) {
	var nilCfg *testConfig
	if err := load("", nilCfg, "", noEnv); err == nil {
		t.Error("nil pointer accepted")
	}
	if err := load("", notStruct(0), "", noEnv); err == nil {
		t.Error("non-pointer accepted")
	}
}

type notStruct int

func (notStruct) Validate() error { return nil }

type collide struct {
	A  struct{ B string } `yaml:"a"`
	AB string             `yaml:"a_b"`
}

func (*collide) Validate() error { return nil }

func TestEnvNameCollision(t *testing.T) {
	var c collide
	// yaml.v3 lower-cases untagged names: a.b and a_b both map to X_A_B.
	err := load("", &c, "X", noEnv)
	if err == nil || !strings.Contains(err.Error(), "X_A_B") {
		t.Fatalf("err = %v, want a collision error naming X_A_B", err)
	}
}

func TestEnvName(t *testing.T) {
	for _, tt := range []struct{ prefix, path, want string }{
		{"TUSK", "node.rest_addr", "TUSK_NODE_REST_ADDR"},
		{"tusk_", "node.rest-addr", "TUSK_NODE_REST_ADDR"},
		{"", "log.level", "LOG_LEVEL"},
	} {
		if got := EnvName(tt.prefix, tt.path); got != tt.want {
			t.Errorf("EnvName(%q, %q) = %q, want %q", tt.prefix, tt.path, got, tt.want)
		}
	}
}

func TestAnchorsAndMergeKeys(t *testing.T) {
	p := writeFile(t, `
base: &base
  rest_addr: "m:1"
  shards: 3
node:
  <<: *base
  timeout: 2s
`)
	cfg := defaultTestConfig()
	err := load(p, &cfg, "", noEnv)
	// "base" is not a field of testConfig: exactly that must be reported.
	if err == nil || !strings.Contains(err.Error(), `unknown field "base"`) || strings.Contains(err.Error(), "node.") {
		t.Fatalf("err = %v, want only base reported", err)
	}

	p = writeFile(t, `
node: &n
  rest_addr: "m:1"
  <<: {shards: 3, bogus: 1}
`)
	err = load(p, &cfg, "", noEnv)
	if err == nil || !strings.Contains(err.Error(), `unknown field "node.bogus"`) {
		t.Fatalf("err = %v, want node.bogus reported through the merge key", err)
	}
}

type embedsLeaf struct {
	myInt    `yaml:"my_int"`
	Exported int `yaml:"exported"`
}

type myInt int

func (*embedsLeaf) Validate() error { return nil }

func TestUnexportedEmbeddedLeafIsSkipped(t *testing.T) {
	var c embedsLeaf
	env := envMap(map[string]string{"X_MY_INT": "1", "X_EXPORTED": "2"})
	if err := load("", &c, "X", env); err != nil {
		t.Fatal(err)
	}
	if c.myInt != 0 || c.Exported != 2 {
		t.Fatalf("got %+v, want myInt untouched and Exported 2", c)
	}
}

func TestSetDefaultFillsOnlyUnsetNumbers(t *testing.T) {
	type settings struct {
		Limit   int
		Timeout time.Duration
		Ratio   float64
	}
	s := settings{Limit: -3, Timeout: 0, Ratio: 0.5}
	SetDefault(&s.Limit, 100)
	SetDefault(&s.Timeout, 5*time.Second)
	SetDefault(&s.Ratio, 0.9)
	if want := (settings{Limit: 100, Timeout: 5 * time.Second, Ratio: 0.5}); s != want {
		t.Fatalf("got %+v, want %+v", s, want)
	}
}
