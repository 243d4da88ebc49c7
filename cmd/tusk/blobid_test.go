package main

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/encoding/merkle"
)

// The blob-ID regression vector: a 33-byte ASCII file at 10 shards (also checked in
// package encoding against the Walrus SDK).
const (
	vectorContent = "walrus blob id v1 regression test"
	vectorID      = "RcU82Mwf-CFkv1LaI_2qcpANwpGUuG3TMwnVzZxD2kY"
	vectorRoot    = "dc3457c94140737f55ccfba619f79c96928f3845da745142c7c8e23396eedf88"
	// empty.bin at 1000 shards, from encoding/testdata/rs2/blobs.jsonl.
	emptyID1000 = "3GPQL3HZNnFhN_F7l5Aa-X1VOtAKwIsg9zuWk8R81v4"
)

func runTuskStdin(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestBlobID(t *testing.T) {
	if len(vectorContent) != 33 {
		t.Fatalf("vector is %d bytes", len(vectorContent))
	}
	vector := writeTemp(t, "vector.txt", vectorContent)
	empty := writeTemp(t, "empty.bin", "")
	for _, tc := range []struct {
		name  string
		stdin string
		args  []string
		want  string // first line of stdout
	}{
		{"file", "", []string{"blob-id", "--n-shards", "10", vector}, vectorID},
		{"flag after file", "", []string{"blob-id", vector, "--n-shards=10"}, vectorID},
		{"stdin", vectorContent, []string{"blob-id", "--n-shards", "10", "-"}, vectorID},
		{"default shards, empty file", "", []string{"blob-id", empty}, emptyID1000},
		{"default shards, empty stdin", "", []string{"blob-id", "-"}, emptyID1000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runTuskStdin(t, tc.stdin, tc.args...)
			if code != 0 || errOut != "" {
				t.Fatalf("exit %d, stderr %q", code, errOut)
			}
			if first, _, _ := strings.Cut(out, "\n"); first != tc.want {
				t.Fatalf("first line %q, want %q (stdout %q)", first, tc.want, out)
			}
			if out != tc.want+"\n" {
				t.Errorf("stdout = %q, want the blob ID alone", out)
			}
		})
	}
}

func TestBlobIDJSON(t *testing.T) {
	vector := writeTemp(t, "vector.txt", vectorContent)
	for _, tc := range []struct {
		name  string
		stdin string
		args  []string
	}{
		{"file", "", []string{"blob-id", "--json", "--n-shards", "10", vector}},
		{"stdin", vectorContent, []string{"blob-id", "--n-shards", "10", "--json", "-"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runTuskStdin(t, tc.stdin, tc.args...)
			if code != 0 || errOut != "" {
				t.Fatalf("exit %d, stderr %q", code, errOut)
			}
			var fields map[string]json.RawMessage
			if err := json.Unmarshal([]byte(out), &fields); err != nil {
				t.Fatalf("stdout is not a JSON object: %v\n%s", err, out)
			}
			keys := make([]string, 0, len(fields))
			for k := range fields {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			wantKeys := []string{"blobId", "encodedLength", "nShards", "rootHash", "symbolSize", "unencodedLength"}
			if !slices.Equal(keys, wantKeys) {
				t.Fatalf("keys %v, want %v", keys, wantKeys)
			}

			var got struct {
				BlobID          string `json:"blobId"`
				RootHash        string `json:"rootHash"`
				UnencodedLength uint64 `json:"unencodedLength"`
				SymbolSize      int    `json:"symbolSize"`
				EncodedLength   uint64 `json:"encodedLength"`
				NShards         int    `json:"nShards"`
			}
			dec := json.NewDecoder(strings.NewReader(out))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&got); err != nil {
				t.Fatal(err)
			}
			if got.BlobID != vectorID || got.RootHash != vectorRoot || got.UnencodedLength != 33 ||
				got.SymbolSize != 2 || got.EncodedLength != 6940 || got.NShards != 10 {
				t.Fatalf("got %+v", got)
			}
			// The root hash is the one the blob ID commits to.
			raw, err := hex.DecodeString(got.RootHash)
			if err != nil || len(raw) != merkle.DigestSize {
				t.Fatalf("rootHash %q is not 32 bytes of hex", got.RootHash)
			}
			if id := encoding.ComputeBlobID(encoding.RS2, got.UnencodedLength, merkle.Digest(raw)); id.String() != got.BlobID {
				t.Fatalf("rootHash and length hash to %s, not the blob ID %s", id, got.BlobID)
			}
		})
	}
}

func TestBlobIDErrors(t *testing.T) {
	dir := t.TempDir()
	vector := writeTemp(t, "vector.txt", vectorContent)
	missing := filepath.Join(dir, "no-such-file.bin")
	for _, tc := range []struct {
		name     string
		args     []string
		code     int
		contains []string // in stderr
	}{
		{"missing file", []string{"blob-id", missing}, exitError, []string{missing}},
		{"missing file with --json", []string{"blob-id", "--json", missing}, exitError, []string{missing}},
		{"directory", []string{"blob-id", dir}, exitError, []string{dir}},
		{"no argument", []string{"blob-id"}, exitUsage, []string{"accepts 1 arg", "received 0"}},
		{"two arguments", []string{"blob-id", vector, vector}, exitUsage, []string{"accepts 1 arg", "received 2"}},
		{"too few shards", []string{"blob-id", "--n-shards", "3", vector}, exitUsage, []string{"--n-shards", "3"}},
		{"too many shards", []string{"blob-id", "--n-shards", "1001", vector}, exitUsage, []string{"--n-shards", "1001"}},
		{"zero shards", []string{"blob-id", "--n-shards=0", vector}, exitUsage, []string{"--n-shards"}},
		{"shards not a number", []string{"blob-id", "--n-shards", "abc", vector}, exitUsage, []string{"--n-shards", "abc"}},
		{"unknown flag", []string{"blob-id", "--bogus", vector}, exitUsage, []string{"--bogus"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runTuskStdin(t, vectorContent, tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, tc.code, errOut)
			}
			if out != "" {
				t.Errorf("stdout = %q, want nothing", out)
			}
			if !strings.HasPrefix(errOut, "tusk: ") {
				t.Errorf("stderr = %q, want a \"tusk: \" error", errOut)
			}
			for _, want := range tc.contains {
				if !strings.Contains(errOut, want) {
					t.Errorf("stderr = %q, want it to mention %q", errOut, want)
				}
			}
			if usage := strings.Contains(errOut, "Run 'tusk blob-id --help' for usage."); usage != (tc.code == exitUsage) {
				t.Errorf("stderr = %q: usage hint present %v, want %v", errOut, usage, tc.code == exitUsage)
			}
		})
	}
}

// TestBlobIDSizeLimit: a file or standard input of the largest blob the shard count
// allows gets its blob ID (the one Encode gives); one byte more is refused, naming the
// maximum.
func TestBlobIDSizeLimit(t *testing.T) {
	codec, err := encoding.NewCodec(4)
	if err != nil {
		t.Fatal(err)
	}
	limit := int(codec.Params().MaxBlobSize())
	blob := bytes.Repeat([]byte("tusk"), limit/4+1)
	enc, err := codec.Encode(blob[:limit])
	if err != nil {
		t.Fatal(err)
	}
	want := enc.Metadata.BlobID().String()
	for _, size := range []int{limit, limit + 1} {
		file := writeTemp(t, "blob.bin", string(blob[:size]))
		for _, tc := range []struct{ name, stdin, path string }{{"file", "", file}, {"stdin", string(blob[:size]), "-"}} {
			code, out, errOut := runTuskStdin(t, tc.stdin, "blob-id", "--n-shards", "4", tc.path)
			if size == limit && (code != 0 || out != want+"\n") {
				t.Errorf("%s of %d bytes: exit %d, stdout %q, stderr %q; want %s", tc.name, size, code, out, errOut, want)
			}
			if size > limit && (code != exitError || out != "" || !strings.Contains(errOut, "maximum")) {
				t.Errorf("%s of %d bytes: exit %d, stdout %q, stderr %q; want it refused", tc.name, size, code, out, errOut)
			}
		}
	}
}

// unevenReader returns its data in reads of varying lengths, then err (io.EOF if nil).
type unevenReader struct {
	data []byte
	rng  *rand.Rand
	err  error
}

func (u *unevenReader) Read(p []byte) (int, error) {
	if len(u.data) == 0 {
		if u.err != nil {
			return 0, u.err
		}
		return 0, io.EOF
	}
	n := min(len(p), len(u.data), 1+u.rng.IntN(300<<10))
	copy(p, u.data[:n])
	u.data = u.data[n:]
	return n, nil
}

// TestReadAll reads streams around the chunk size, of unknown size (a pipe) and of a
// known size that turns out wrong (a file that grows or shrinks while read), at and
// past the limit, and with a read error.
func TestReadAll(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	data := make([]byte, 2*readChunk+5)
	for i := range data {
		data[i] = byte(rng.UintN(256))
	}
	for _, n := range []int{0, 1, readChunk - 1, readChunk, readChunk + 1, 2*readChunk + 5} {
		want := data[:n]
		for _, size := range []int64{-1, int64(n), int64(n / 2), int64(n) + 10} {
			got, err := readAll(&unevenReader{data: want, rng: rng}, size, uint64(n))
			if err != nil || !bytes.Equal(got, want) {
				t.Fatalf("%d bytes, size %d: got %d bytes, %v", n, size, len(got), err)
			}
			if n == 0 {
				continue
			}
			if _, err := readAll(&unevenReader{data: want, rng: rng}, size, uint64(n-1)); !errors.Is(err, encoding.ErrBlobTooLarge) {
				t.Fatalf("%d bytes, size %d, limit %d: %v, want ErrBlobTooLarge", n, size, n-1, err)
			}
		}
	}
	broken := errors.New("disk on fire")
	if _, err := readAll(&unevenReader{data: data, rng: rng, err: broken}, -1, uint64(len(data))); !errors.Is(err, broken) {
		t.Fatalf("read error: got %v", err)
	}
}
