package main

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/tuskstore/tusk/encoding"
)

// blobIDResult is the --json output of blob-id.
type blobIDResult struct {
	BlobID          encoding.BlobID `json:"blobId"`
	RootHash        string          `json:"rootHash"`
	UnencodedLength uint64          `json:"unencodedLength"`
	SymbolSize      int             `json:"symbolSize"`
	EncodedLength   uint64          `json:"encodedLength"`
	NShards         int             `json:"nShards"`
}

func newBlobIDCmd() *cobra.Command {
	var nShards int
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "blob-id [--n-shards N] [--json] FILE",
		Short: "Compute the Walrus blob ID of a file locally (- reads standard input)",
		Long: "blob-id encodes FILE with RS2 as Walrus does and prints its blob ID (URL-safe base64,\n" +
			"no padding) on the first line. With --json it prints the blob ID, root hash, length,\n" +
			"symbol size, encoded length (what storage is paid for) and shard count.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			codec, err := encoding.NewCodec(nShards)
			if err != nil {
				return &usageError{cmd: cmd, err: fmt.Errorf("--n-shards: %w", err)}
			}
			blob, err := readBlob(args[0], cmd.InOrStdin(), codec.Params().MaxBlobSize())
			if err != nil {
				return err
			}
			m, err := codec.ComputeMetadata(blob)
			if err != nil {
				return fmt.Errorf("encode %s: %w", args[0], err)
			}
			out := cmd.OutOrStdout()
			if !asJSON {
				_, err = fmt.Fprintln(out, m.BlobID())
				return err
			}
			root := m.RootHash()
			e := json.NewEncoder(out)
			e.SetIndent("", "  ")
			return e.Encode(blobIDResult{
				BlobID: m.BlobID(), RootHash: hex.EncodeToString(root[:]), UnencodedLength: m.UnencodedLength(),
				SymbolSize: m.SymbolSize(), EncodedLength: m.EncodedLength(), NShards: nShards,
			})
		},
	}
	cmd.Flags().IntVar(&nShards, "n-shards", encoding.DefaultShards, "number of shards of the network (Walrus mainnet and testnet: 1000)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print a JSON object instead of the blob ID alone")
	return cmd
}

// readBlob reads a whole file, or standard input for "-", refusing more than limit bytes.
// A regular file is read into a buffer of its size, not grown by doubling.
func readBlob(path string, stdin io.Reader, limit uint64) ([]byte, error) {
	r := stdin
	var buf bytes.Buffer
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
			if uint64(st.Size()) > limit {
				return nil, fmt.Errorf("%s: %d bytes: %w (maximum %d)", path, st.Size(), encoding.ErrBlobTooLarge, limit)
			}
			buf.Grow(int(st.Size()) + bytes.MinRead) // room for the read that sees the end
		}
		r = f
	}
	if _, err := buf.ReadFrom(io.LimitReader(r, int64(limit)+1)); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	blob := buf.Bytes()
	if uint64(len(blob)) > limit {
		return nil, fmt.Errorf("%s: %w (maximum %d bytes)", path, encoding.ErrBlobTooLarge, limit)
	}
	return blob, nil
}
