package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tuskstore/tusk/chain/walrus"
	"github.com/tuskstore/tusk/coordinator"
	"github.com/tuskstore/tusk/coordinator/read"
	"github.com/tuskstore/tusk/coordinator/store"
	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/node/api"
)

// storeFlags are the storage options of store and store-quilt.
type storeFlags struct {
	epochs     string
	endEpoch   uint32
	permanent  bool
	deletable  bool
	force      bool
	sendTo     string
	share      bool
	ignoreRes  bool
	attributes []string
}

func (s *storeFlags) register(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&s.epochs, "epochs", "1", `number of epochs to store for, or "max"`)
	f.Uint32Var(&s.endEpoch, "end-epoch", 0, "epoch the storage ends at (exclusive), instead of --epochs")
	f.BoolVar(&s.permanent, "permanent", false, "store a permanent blob (blobs are deletable by default)")
	f.BoolVar(&s.deletable, "deletable", false, "store a deletable blob (the default)")
	_ = f.MarkHidden("deletable")
	f.BoolVar(&s.force, "force", false, "store even if the blob is already certified")
	f.StringVar(&s.sendTo, "send-object-to", "", "send the Blob object to this Sui address once certified")
	f.BoolVar(&s.share, "share", false, "wrap the certified Blob in a shared object that anyone can fund and extend (needs --permanent)")
	f.BoolVar(&s.ignoreRes, "ignore-resources", false, "buy new storage even if an owned Storage resource fits")
	f.StringArrayVar(&s.attributes, "attribute", nil, "KEY=VALUE attribute set on the Blob object (repeatable), e.g. content-type=image/png")
}

func (s *storeFlags) options(cmd *cobra.Command, maxEpochs uint32) (store.Options, error) {
	var o store.Options
	if s.permanent && s.deletable {
		return o, &usageError{cmd: cmd, err: fmt.Errorf("--permanent and --deletable exclude each other")}
	}
	if s.share && !s.permanent {
		// As the Walrus CLI refuses it: nothing takes a Blob out of a shared object again,
		// so a shared deletable blob could never be deleted.
		return o, &usageError{cmd: cmd, err: fmt.Errorf("--share: deletable blobs cannot be shared; add --permanent")}
	}
	if s.share && s.sendTo != "" {
		return o, &usageError{cmd: cmd, err: fmt.Errorf("--share and --send-object-to exclude each other")}
	}
	if cmd.Flags().Changed("epochs") && s.endEpoch != 0 {
		return o, &usageError{cmd: cmd, err: fmt.Errorf("--epochs and --end-epoch exclude each other")}
	}
	o.EndEpoch = s.endEpoch
	if s.endEpoch == 0 {
		if s.epochs == "max" {
			o.Epochs = maxEpochs
		} else {
			n, err := strconv.ParseUint(s.epochs, 10, 32)
			if err != nil || n == 0 {
				return o, &usageError{cmd: cmd, err: fmt.Errorf(`--epochs: must be a positive integer or "max", got %q`, s.epochs)}
			}
			o.Epochs = uint32(n)
		}
	}
	o.Permanent, o.Force, o.Share, o.ReuseResources = s.permanent, s.force, s.share, !s.ignoreRes
	if s.sendTo != "" {
		a, err := parseAddress("--send-object-to", s.sendTo)
		if err != nil {
			return o, &usageError{cmd: cmd, err: err}
		}
		o.SendObjectTo = a
	}
	for _, kv := range s.attributes {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return o, &usageError{cmd: cmd, err: fmt.Errorf("--attribute: want KEY=VALUE, got %q", kv)}
		}
		o.Attributes.Set(k, v)
	}
	return o, nil
}

// openForStore opens the client of a command that stores (store, store-quilt), reads
// the system state and resolves the storage flags against it (--epochs max is the
// state's limit); it also returns the largest blob the committee can store. The caller
// closes the client with the returned function.
func (a *app) openForStore(cmd *cobra.Command, cf *clientFlags, sf *storeFlags) (c *coordinator.Client, opts store.Options, maxBlob uint64, closeFn func(), err error) {
	ctx := cmd.Context()
	c, closeFn, err = a.openClient(ctx, cf, false)
	if err != nil {
		return nil, opts, 0, nil, err
	}
	st, err := c.State(ctx)
	if err == nil {
		if opts, err = sf.options(cmd, st.MaxEpochsAhead); err == nil {
			return c, opts, st.Write.Params.MaxBlobSize(), closeFn, nil
		}
	}
	closeFn()
	return nil, opts, 0, nil, err
}

// storedFile is one line of `tusk store --json` (Walrus BlobStoreResultWithPath).
type storedFile struct {
	BlobStoreResult *store.Result `json:"blobStoreResult"`
	Path            string        `json:"path"`
}

func newStoreCmd(a *app) *cobra.Command {
	var cf clientFlags
	var sf storeFlags
	cmd := &cobra.Command{
		Use:   "store FILE... [--epochs N|max | --end-epoch E] [--permanent] [--send-object-to ADDR | --share] [--json]",
		Short: "Store files as blobs: encode, pay WAL, upload to the storage nodes, certify",
		Long: "store stores each FILE as a Walrus blob for --epochs epochs (default 1) and prints its blob ID and\n" +
			"Blob object. A blob already certified long enough is not paid for again (use --force to store\n" +
			"anyway). Blobs are deletable unless --permanent. With --share the certified Blob goes into a new\n" +
			"shared object that anyone can fund and extend. On a terminal a progress bar shows the upload.",
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			c, opts, maxBlob, closeFn, err := a.openForStore(cmd, &cf, &sf)
			if err != nil {
				return err
			}
			defer closeFn()
			out := cmd.OutOrStdout()
			var results []storedFile
			failed := 0
			for _, path := range args {
				blob, err := readBlob(path, cmd.InOrStdin(), maxBlob)
				if err != nil {
					return err
				}
				o := opts
				var bar *progressBar
				if isTerminal(cmd.ErrOrStderr()) {
					bar = &progressBar{w: cmd.ErrOrStderr(), label: filepath.Base(path)}
					o.Progress = bar.update
				}
				res, err := c.Store(ctx, blob, o)
				if bar != nil {
					bar.done()
				}
				if err != nil {
					failed++
					res = &store.Result{Error: &store.ErrorResult{FailurePhase: "store", ErrorMsg: err.Error()}}
					if !cf.asJSON {
						fmt.Fprintf(cmd.ErrOrStderr(), "%s: %v\n", path, err)
					}
				}
				if cf.asJSON {
					results = append(results, storedFile{BlobStoreResult: res, Path: path})
					continue
				}
				if err == nil {
					printStoreResult(out, path, res)
				}
			}
			if cf.asJSON {
				if err := printJSON(out, results); err != nil {
					return err
				}
			}
			if failed > 0 {
				return fmt.Errorf("%d of %d files not stored", failed, len(args))
			}
			return nil
		},
	}
	cf.register(cmd)
	sf.register(cmd)
	return cmd
}

func printStoreResult(w interface{ Write([]byte) (int, error) }, path string, res *store.Result) {
	switch {
	case res.NewlyCreated != nil:
		b := res.NewlyCreated.BlobObject
		kind := "permanent"
		if b.Deletable {
			kind = "deletable"
		}
		shared := ""
		if id := res.NewlyCreated.SharedBlobObject; id != nil {
			shared = fmt.Sprintf(", shared blob object %s", id)
		}
		fmt.Fprintf(w, "Stored %s (%d bytes): blob ID %s, Blob object %s%s, %s, until epoch %d, cost %s WAL\n",
			path, b.Size, b.BlobID, b.ID, shared, kind, b.Storage.EndEpoch, decimal(res.NewlyCreated.Cost, 1_000_000_000))
	case res.AlreadyCertified != nil:
		ac := res.AlreadyCertified
		fmt.Fprintf(w, "Already certified %s: blob ID %s, until epoch %d (nothing paid)\n", path, ac.BlobID, ac.EndEpoch)
	case res.MarkedInvalid != nil:
		fmt.Fprintf(w, "Marked invalid %s: blob ID %s\n", path, res.MarkedInvalid.BlobID)
	}
}

func newReadCmd(a *app) *cobra.Command {
	var cf clientFlags
	var out string
	var strict, skip bool
	cmd := &cobra.Command{
		Use:   "read BLOB_ID [--out FILE]",
		Short: "Read a blob from the storage nodes (to standard output or --out)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := encoding.ParseBlobID(args[0])
			if err != nil {
				return &usageError{cmd: cmd, err: fmt.Errorf("%q is not a blob ID", args[0])}
			}
			if strict && skip {
				return &usageError{cmd: cmd, err: fmt.Errorf("--strict-consistency-check and --skip-consistency-check exclude each other")}
			}
			check := encoding.CheckDefault
			if strict {
				check = encoding.CheckStrict
			} else if skip {
				check = encoding.CheckSkip
			}
			c, closeFn, err := a.openClient(cmd.Context(), &cf, true)
			if err != nil {
				return err
			}
			defer closeFn()
			blob, err := c.Read(cmd.Context(), id, check)
			if err != nil {
				return err
			}
			if out != "" {
				if err := os.WriteFile(out, blob, 0o644); err != nil {
					return err
				}
			}
			if cf.asJSON {
				return printJSON(cmd.OutOrStdout(), map[string]any{"blobId": id, "size": len(blob), "out": out})
			}
			if out == "" {
				_, err = cmd.OutOrStdout().Write(blob)
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Read blob %s (%d bytes) into %s\n", id, len(blob), out)
			return nil
		},
	}
	cf.register(cmd)
	cmd.Flags().StringVar(&out, "out", "", "file to write the blob to (default: standard output)")
	cmd.Flags().BoolVar(&strict, "strict-consistency-check", false, "re-encode the blob and compare its blob ID")
	cmd.Flags().BoolVar(&skip, "skip-consistency-check", false, "skip the consistency check (slivers are still verified)")
	return cmd
}

func newBlobStatusCmd(a *app) *cobra.Command {
	var cf clientFlags
	var file string
	cmd := &cobra.Command{
		Use:   "blob-status BLOB_ID | --file FILE",
		Short: "Show a blob's status as the storage nodes report it",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if (len(args) == 1) == (file != "") {
				return &usageError{cmd: cmd, err: fmt.Errorf("give a blob ID or --file, not both")}
			}
			c, closeFn, err := a.openClient(cmd.Context(), &cf, true)
			if err != nil {
				return err
			}
			defer closeFn()
			var id encoding.BlobID
			if file != "" {
				st, err := c.State(cmd.Context())
				if err != nil {
					return err
				}
				blob, err := readBlob(file, cmd.InOrStdin(), st.Write.Params.MaxBlobSize())
				if err != nil {
					return err
				}
				codec, err := encoding.NewCodec(st.Write.NShards())
				if err != nil {
					return err
				}
				enc, err := codec.Encode(blob)
				if err != nil {
					return err
				}
				id = enc.Metadata.BlobID()
			} else if id, err = encoding.ParseBlobID(args[0]); err != nil {
				return &usageError{cmd: cmd, err: fmt.Errorf("%q is not a blob ID", args[0])}
			}
			status, err := c.Status(cmd.Context(), id)
			if err != nil && !errors.Is(err, read.ErrBlobNotFound) {
				return fmt.Errorf("blob %s: %w", id, err)
			}
			if cf.asJSON {
				return printJSON(cmd.OutOrStdout(), map[string]any{"blobId": id, "status": status})
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Blob ID %s: %s\n", id, describeStatus(status))
			return nil
		},
	}
	cf.register(cmd)
	cmd.Flags().StringVar(&file, "file", "", "compute the blob ID of this file")
	return cmd
}

func describeStatus(st api.BlobStatus) string {
	switch st.Kind {
	case api.BlobNonexistent:
		return "does not exist (not stored on Walrus)"
	case api.BlobInvalid:
		return fmt.Sprintf("marked invalid (event %s/%d)", st.Event.TxDigest, st.Event.EventSeq)
	case api.BlobPermanent:
		s := "permanent, registered"
		if st.IsCertified {
			s = "permanent, certified"
		}
		s += fmt.Sprintf(", until epoch %d", st.EndEpoch)
		if st.Deletable.Total > 0 {
			s += fmt.Sprintf("; also %d deletable Blob objects (%d certified)", st.Deletable.Total, st.Deletable.Certified)
		}
		return s
	case api.BlobDeletable:
		return fmt.Sprintf("deletable: %d Blob objects (%d certified)", st.Deletable.Total, st.Deletable.Certified)
	}
	return "unknown"
}

func newDeleteCmd(a *app) *cobra.Command {
	var cf clientFlags
	var objectIDs []string
	var blobID string
	var yes bool
	cmd := &cobra.Command{
		Use:   "delete --object-id ID... | --blob-id BLOB_ID [--yes]",
		Short: "Delete owned deletable blobs (their storage is kept for reuse)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if (len(objectIDs) == 0) == (blobID == "") {
				return &usageError{cmd: cmd, err: fmt.Errorf("give --object-id or --blob-id")}
			}
			c, closeFn, err := a.openClient(cmd.Context(), &cf, false)
			if err != nil {
				return err
			}
			defer closeFn()
			var ids []walrus.ID
			for _, s := range objectIDs {
				id, err := walrus.ParseID(s)
				if err != nil {
					return &usageError{cmd: cmd, err: fmt.Errorf("--object-id: %q is not an object ID", s)}
				}
				ids = append(ids, id)
			}
			if blobID != "" {
				bid, err := encoding.ParseBlobID(blobID)
				if err != nil {
					return &usageError{cmd: cmd, err: fmt.Errorf("--blob-id: %q is not a blob ID", blobID)}
				}
				owned, err := c.OwnedBlobs(cmd.Context(), &bid)
				if err != nil {
					return err
				}
				for _, b := range owned {
					if b.Deletable {
						ids = append(ids, b.ID)
					}
				}
				if len(ids) == 0 {
					return fmt.Errorf("no owned deletable Blob object of blob %s", bid)
				}
				if len(ids) > 1 && !yes {
					return fmt.Errorf("%d Blob objects of blob %s: add --yes to delete them all", len(ids), bid)
				}
			}
			type deleted struct {
				ObjectID     walrus.ID `json:"objectId"`
				FreedStorage walrus.ID `json:"freedStorage"`
			}
			var done []deleted
			for _, id := range ids {
				storage, err := c.Delete(cmd.Context(), id)
				if err != nil {
					return fmt.Errorf("delete %s: %w", id, err)
				}
				done = append(done, deleted{id, storage})
				if !cf.asJSON {
					fmt.Fprintf(cmd.OutOrStdout(), "Deleted Blob object %s (storage %s kept for reuse)\n", id, storage)
				}
			}
			if cf.asJSON {
				return printJSON(cmd.OutOrStdout(), done)
			}
			return nil
		},
	}
	cf.register(cmd)
	cmd.Flags().StringArrayVar(&objectIDs, "object-id", nil, "Blob object to delete (repeatable)")
	cmd.Flags().StringVar(&blobID, "blob-id", "", "delete the owned deletable Blob objects of this blob ID")
	cmd.Flags().BoolVar(&yes, "yes", false, "delete every matching Blob object without asking")
	return cmd
}

func newExtendCmd(a *app) *cobra.Command {
	var cf clientFlags
	var object string
	var epochs uint32
	cmd := &cobra.Command{
		Use:   "extend --blob-obj-id ID --epochs-extended N",
		Short: "Extend an owned blob's storage by N epochs (paying WAL)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := walrus.ParseID(object)
			if err != nil {
				return &usageError{cmd: cmd, err: fmt.Errorf("--blob-obj-id: %q is not an object ID", object)}
			}
			if epochs == 0 {
				return &usageError{cmd: cmd, err: fmt.Errorf("--epochs-extended: must be positive")}
			}
			c, closeFn, err := a.openClient(cmd.Context(), &cf, false)
			if err != nil {
				return err
			}
			defer closeFn()
			b, err := c.Extend(cmd.Context(), id, epochs)
			if err != nil {
				return err
			}
			if cf.asJSON {
				return printJSON(cmd.OutOrStdout(), store.NewBlobObject(&b.Blob))
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Extended Blob object %s by %d epochs: now stored until epoch %d\n", id, epochs, b.Storage.EndEpoch)
			return nil
		},
	}
	cf.register(cmd)
	cmd.Flags().StringVar(&object, "blob-obj-id", "", "the Blob object to extend")
	cmd.Flags().Uint32Var(&epochs, "epochs-extended", 0, "number of epochs to add")
	return cmd
}

func newInfoCmd(a *app) *cobra.Command {
	var cf clientFlags
	cmd := &cobra.Command{
		Use:   "info",
		Short: "Show the system: epoch, committee, prices and sizes",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			c, closeFn, err := a.openClient(cmd.Context(), &cf, true)
			if err != nil {
				return err
			}
			defer closeFn()
			in, err := c.Info(cmd.Context())
			if err != nil {
				return err
			}
			if cf.asJSON {
				return printJSON(cmd.OutOrStdout(), in)
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "Epoch %d (started %s, %s long%s); storage can be bought %d epochs ahead\n", in.Epoch,
				in.EpochStart.Format("2006-01-02 15:04:05 UTC"), in.EpochDuration, map[bool]string{true: ", epoch change in progress"}[in.EpochChanging], in.MaxEpochsAhead)
			fmt.Fprintf(w, "Shards %d: tolerates %d faulty, certificates need %d; max blob %d bytes; metadata %d bytes per node\n",
				in.NShards, in.F, in.MinCorrect, in.MaxBlob, in.MetadataSize)
			fmt.Fprintf(w, "Prices per MiB of encoded size: storage %s WAL per epoch, write %s WAL\n",
				decimal(in.StoragePrice, 1_000_000_000), decimal(in.WritePrice, 1_000_000_000))
			for _, e := range in.Examples {
				fmt.Fprintf(w, "  %d bytes -> %d encoded: %s WAL per epoch + %s WAL write\n", e.Size, e.EncodedLength,
					decimal(e.Cost, 1_000_000_000), decimal(e.WriteCost, 1_000_000_000))
			}
			fmt.Fprintf(w, "Capacity: %d of %d bytes used\nCommittee (%d nodes):\n", in.CapacityUsed, in.CapacityTotal, len(in.Committee))
			for _, m := range in.Committee {
				fmt.Fprintf(w, "  %-12s %-22s %3d shards  %s\n", m.Name, m.NetworkAddress, m.Shards, m.NodeID)
			}
			return nil
		},
	}
	cf.register(cmd)
	return cmd
}
