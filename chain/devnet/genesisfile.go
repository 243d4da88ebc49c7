package devnet

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/tuskstore/tusk/chain/devnet/contract"
)

// GenesisFile is the name of the genesis record in the data directory.
const GenesisFile = "genesis.yaml"

// genesisFormat is the version of genesis.yaml's layout.
const genesisFormat = 1

// genesisFile is genesis.yaml: everything the genesis and the executor were built from,
// written once when the data directory is created.
type genesisFile struct {
	Format int `yaml:"format"`
	// Genesis and Grants are Config's.
	Genesis contract.GenesisConfig `yaml:"genesis"`
	Grants  Grants                 `yaml:"grants"`
	// GenesisTimeMs is the Clock's time at genesis, the start of the first epoch and the
	// timestamp of checkpoint 0 (which the chain ID is the digest of).
	GenesisTimeMs uint64 `yaml:"genesis_time_ms"`
	// WalrusEpoch is the Walrus epoch the System starts in.
	WalrusEpoch uint32 `yaml:"walrus_epoch"`
	// SuiEpoch is the executor's epoch at genesis (its start is GenesisTimeMs).
	SuiEpoch uint64 `yaml:"sui_epoch"`
	// ReferenceGasPrice is the executor's reference gas price, in MIST.
	ReferenceGasPrice uint64 `yaml:"reference_gas_price"`
}

const genesisHeader = "# The genesis of this tusk devnet, written when it was created. Do not edit: the\n" +
	"# operation log next to it is replayed on top of exactly this genesis.\n"

// readGenesisFile reads and checks genesis.yaml strictly (an unknown field is an error).
func readGenesisFile(path string) (*genesisFile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("devnet: %w", err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var g genesisFile
	if err := dec.Decode(&g); err != nil {
		return nil, fmt.Errorf("devnet: %s: %w", path, err)
	}
	if g.Format != genesisFormat {
		return nil, fmt.Errorf("devnet: %s: format %d, this build reads format %d", path, g.Format, genesisFormat)
	}
	if err := g.Genesis.Validate(); err != nil {
		return nil, fmt.Errorf("devnet: %s: %w", path, err)
	}
	if g.GenesisTimeMs == 0 || g.ReferenceGasPrice == 0 || g.WalrusEpoch == 0 {
		return nil, fmt.Errorf("devnet: %s: genesis_time_ms, walrus_epoch and reference_gas_price are required", path)
	}
	return &g, nil
}

// writeGenesisFile writes g to path atomically (temporary file, fsync, rename, fsync of
// the directory).
func writeGenesisFile(path string, g *genesisFile) error {
	var buf bytes.Buffer
	buf.WriteString(genesisHeader)
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(g); err != nil {
		return fmt.Errorf("devnet: encoding %s: %w", GenesisFile, err)
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("devnet: encoding %s: %w", GenesisFile, err)
	}
	return writeFileAtomic(path, buf.Bytes(), 0o644)
}

// ErrGenesisMismatch is wrapped by the error of opening a data directory whose genesis
// differs from the configuration's.
var ErrGenesisMismatch = errors.New("devnet: different genesis")

// checkSameGenesis compares the genesis a configuration asks for with the one recorded.
func checkSameGenesis(path string, stored *genesisFile, cfg *Config) error {
	type comparable struct {
		Genesis contract.GenesisConfig `yaml:"genesis"`
		Grants  Grants                 `yaml:"grants"`
	}
	diffs, err := yamlDiff(comparable{stored.Genesis, stored.Grants}, comparable{cfg.Genesis, cfg.Grants})
	if err != nil {
		return err
	}
	if !cfg.GenesisTime.IsZero() && uint64(cfg.GenesisTime.UnixMilli()) != stored.GenesisTimeMs {
		diffs = append(diffs, fmt.Sprintf("genesis_time: %s recorded, %s configured",
			time.UnixMilli(int64(stored.GenesisTimeMs)).UTC().Format(time.RFC3339Nano), cfg.GenesisTime.UTC().Format(time.RFC3339Nano)))
	}
	if len(diffs) == 0 {
		return nil
	}
	const show = 5
	more := ""
	if len(diffs) > show {
		more = fmt.Sprintf("; and %d more", len(diffs)-show)
		diffs = diffs[:show]
	}
	return fmt.Errorf("%w: %s records a genesis that differs from the configuration (%s%s); "+
		"use another data directory, or delete %s to start a new devnet",
		ErrGenesisMismatch, path, strings.Join(diffs, "; "), more, filepath.Dir(path))
}

// yamlDiff lists the leaves (dotted YAML paths) where the YAML forms of a and b differ,
// as "path: A recorded, B configured".
func yamlDiff(a, b any) ([]string, error) {
	fa, err := flattenYAML(a)
	if err != nil {
		return nil, err
	}
	fb, err := flattenYAML(b)
	if err != nil {
		return nil, err
	}
	var out []string
	seen := map[string]bool{}
	show := func(v string, ok bool) string {
		if !ok {
			return "nothing"
		}
		return v
	}
	for _, leaves := range [][]leaf{fa, fb} {
		for _, l := range leaves {
			if seen[l.path] {
				continue
			}
			seen[l.path] = true
			va, oka := lookupLeaf(fa, l.path)
			vb, okb := lookupLeaf(fb, l.path)
			if va != vb || oka != okb {
				out = append(out, fmt.Sprintf("%s: %s recorded, %s configured", l.path, show(va, oka), show(vb, okb)))
			}
		}
	}
	return out, nil
}

type leaf struct{ path, value string }

func lookupLeaf(ls []leaf, path string) (string, bool) {
	for _, l := range ls {
		if l.path == path {
			return l.value, true
		}
	}
	return "", false
}

func flattenYAML(v any) ([]leaf, error) {
	var n yaml.Node
	if err := n.Encode(v); err != nil {
		return nil, fmt.Errorf("devnet: encoding the genesis: %w", err)
	}
	var out []leaf
	var walk func(n *yaml.Node, path string)
	walk = func(n *yaml.Node, path string) {
		switch n.Kind {
		case yaml.DocumentNode:
			for _, c := range n.Content {
				walk(c, path)
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				p := n.Content[i].Value
				if path != "" {
					p = path + "." + p
				}
				walk(n.Content[i+1], p)
			}
			if len(n.Content) == 0 {
				out = append(out, leaf{path, "{}"})
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				walk(c, fmt.Sprintf("%s[%d]", path, i))
			}
			if len(n.Content) == 0 {
				out = append(out, leaf{path, "[]"})
			}
		default:
			val := n.Value
			if n.Tag == "!!null" {
				val = "[]"
			}
			out = append(out, leaf{path, val})
		}
	}
	walk(&n, "")
	return out, nil
}

// writeFileAtomic writes data to path through a synced temporary file renamed over it,
// then syncs the directory.
func writeFileAtomic(path string, data []byte, mode os.FileMode) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("devnet: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = tmp.Chmod(mode); err != nil {
		return fmt.Errorf("devnet: %w", err)
	}
	if _, err = tmp.Write(data); err != nil {
		return fmt.Errorf("devnet: writing %s: %w", tmp.Name(), err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("devnet: syncing %s: %w", tmp.Name(), err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("devnet: closing %s: %w", tmp.Name(), err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("devnet: %w", err)
	}
	return syncDir(path)
}

// syncDir syncs the directory holding path, so that a created or renamed file survives
// a crash. File systems that cannot sync directories are ignored.
func syncDir(path string) error {
	d, err := os.Open(filepath.Dir(path))
	if err != nil {
		return fmt.Errorf("devnet: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) && !errors.Is(err, errors.ErrUnsupported) {
		return fmt.Errorf("devnet: syncing directory %s: %w", filepath.Dir(path), err)
	}
	return nil
}
