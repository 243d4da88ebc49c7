package quilt

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// The golden vectors were made by the Walrus TypeScript SDK (encodeQuilt, which mirrors
// walrus-core's QuiltEncoderV1) with its wasm RS2 encoder: ../testdata/quilts.jsonl by
// shared/oracle/regen.sh, ../testdata/quilts_extra.jsonl by ../testdata/quilts_extra.mjs.

// vectorData is the recipe of a patch's bytes: UTF-8 text, or Len bytes with byte i equal
// to (i + Seed) % 251.
type vectorData struct {
	Text *string `json:"text"`
	Len  int     `json:"len"`
	Seed int     `json:"seed"`
}

func (d vectorData) bytes() []byte {
	if d.Text != nil {
		return []byte(*d.Text)
	}
	out := make([]byte, d.Len)
	for i := range out {
		out[i] = byte((i + d.Seed) % 251)
	}
	return out
}

type vectorInput struct {
	Identifier string            `json:"identifier"`
	Tags       map[string]string `json:"tags"`
	Data       vectorData        `json:"data"`
}

type vectorPatch struct {
	Identifier string            `json:"identifier"`
	Tags       map[string]string `json:"tags"`
	StartIndex uint16            `json:"startIndex"`
	EndIndex   uint16            `json:"endIndex"`
	PatchID    string            `json:"patchId"`
	PatchIDHex string            `json:"patchIdHex"`
}

type quiltVector struct {
	Name        string        `json:"name"`
	NShards     int           `json:"nShards"`
	Inputs      []vectorInput `json:"inputs"`
	QuiltLength int           `json:"quiltLength"`
	QuiltSha256 string        `json:"quiltSha256"`
	QuiltBlobID string        `json:"quiltBlobId"`
	SymbolSize  int           `json:"symbolSize"`
	IndexBcsHex string        `json:"indexBcsHex"`
	Patches     []vectorPatch `json:"patches"`
}

// defaultInputs are the blobs of quilts.jsonl (oracle/quilt.mjs without arguments).
func defaultInputs() []vectorInput {
	text := "hello walrus"
	return []vectorInput{
		{Identifier: "b.txt", Data: vectorData{Text: &text}},
		{Identifier: "a.bin", Tags: map[string]string{"type": "bin", "x": "y"}, Data: vectorData{Len: 100}},
	}
}

// loadVectors reads every case of both vector files.
func loadVectors(t testing.TB) []quiltVector {
	t.Helper()
	var out []quiltVector
	for _, file := range []string{"quilts.jsonl", "quilts_extra.jsonl"} {
		f, err := os.Open(filepath.Join("..", "testdata", file))
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<24)
		for line := 1; sc.Scan(); line++ {
			var v quiltVector
			if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
				t.Fatalf("%s:%d: %v", file, line, err)
			}
			if v.Inputs == nil {
				v.Inputs = defaultInputs()
				v.Name = "default_n" + itoa(v.NShards)
			}
			out = append(out, v)
		}
		if err := sc.Err(); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	if len(out) < 10 {
		t.Fatalf("only %d quilt vectors", len(out))
	}
	return out
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func (v quiltVector) patches() []Patch {
	out := make([]Patch, len(v.Inputs))
	for i, in := range v.Inputs {
		out[i] = Patch{Identifier: in.Identifier, Tags: in.Tags, Data: in.Data.bytes()}
	}
	return out
}
