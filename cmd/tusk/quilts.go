package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/tuskstore/tusk/encoding"
	"github.com/tuskstore/tusk/encoding/quilt"
)

func newStoreQuiltCmd(a *app) *cobra.Command {
	var cf clientFlags
	var sf storeFlags
	cmd := &cobra.Command{
		Use:   "store-quilt FILE... [--epochs N] [--json]",
		Short: "Store several files as one quilt (each file's base name is its identifier)",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			c, opts, _, closeFn, err := a.openForStore(cmd, &cf, &sf)
			if err != nil {
				return err
			}
			defer closeFn()
			var patches []quilt.Patch
			for _, p := range args {
				data, err := os.ReadFile(p)
				if err != nil {
					return err
				}
				patches = append(patches, quilt.Patch{Identifier: filepath.Base(p), Data: data})
			}
			q, err := c.BuildQuilt(ctx, patches)
			if err != nil {
				return err
			}
			if isTerminal(cmd.ErrOrStderr()) {
				bar := &progressBar{w: cmd.ErrOrStderr(), label: "quilt"}
				opts.Progress = bar.update
				defer bar.done()
			}
			res, err := c.StoreQuilt(ctx, q, opts)
			if err != nil {
				return err
			}
			if cf.asJSON {
				return printJSON(cmd.OutOrStdout(), res)
			}
			printStoreResult(cmd.OutOrStdout(), fmt.Sprintf("quilt of %d files", len(patches)), res.BlobStoreResult)
			for _, p := range res.StoredQuiltBlobs {
				fmt.Fprintf(cmd.OutOrStdout(), "  %s: patch ID %s\n", p.Identifier, p.QuiltPatchID)
			}
			return nil
		},
	}
	cf.register(cmd)
	sf.register(cmd)
	return cmd
}

func newReadQuiltCmd(a *app) *cobra.Command {
	var cf clientFlags
	var quiltID, outDir string
	var identifiers, patchIDs []string
	var list bool
	cmd := &cobra.Command{
		Use:   "read-quilt --quilt-id Q [--identifier NAME...] [--list] | --patch-id P... [--out DIR]",
		Short: "Read patches of a quilt (to --out DIR, or one patch to standard output), or list them",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if (quiltID == "") == (len(patchIDs) == 0) {
				return &usageError{cmd: cmd, err: fmt.Errorf("give --quilt-id or --patch-id")}
			}
			ctx := cmd.Context()
			c, closeFn, err := a.openClient(ctx, &cf, true)
			if err != nil {
				return err
			}
			defer closeFn()
			var patches []quilt.Patch
			if quiltID != "" {
				qid, err := encoding.ParseBlobID(quiltID)
				if err != nil {
					return &usageError{cmd: cmd, err: fmt.Errorf("--quilt-id: %q is not a blob ID", quiltID)}
				}
				if list || len(identifiers) == 0 {
					infos, err := c.QuiltPatches(ctx, qid)
					if err != nil {
						return err
					}
					if list {
						if cf.asJSON {
							return printJSON(cmd.OutOrStdout(), infos)
						}
						for _, p := range infos {
							fmt.Fprintf(cmd.OutOrStdout(), "%s\t%s\t%d bytes\t%v\n", p.Identifier, p.ID, p.Size, p.Tags)
						}
						return nil
					}
					for _, p := range infos {
						identifiers = append(identifiers, p.Identifier)
					}
				}
				for _, name := range identifiers {
					p, err := c.QuiltPatch(ctx, qid, name)
					if err != nil {
						return fmt.Errorf("patch %q: %w", name, err)
					}
					patches = append(patches, p)
				}
			} else {
				for _, s := range patchIDs {
					pid, err := quilt.ParsePatchID(s)
					if err != nil {
						return &usageError{cmd: cmd, err: fmt.Errorf("--patch-id: %q is not a quilt patch ID", s)}
					}
					p, err := c.QuiltPatchByID(ctx, pid)
					if err != nil {
						return fmt.Errorf("patch %s: %w", s, err)
					}
					patches = append(patches, p)
				}
			}
			if outDir == "" {
				if len(patches) != 1 {
					return &usageError{cmd: cmd, err: fmt.Errorf("%d patches: give --out DIR", len(patches))}
				}
				_, err := cmd.OutOrStdout().Write(patches[0].Data)
				return err
			}
			type written struct {
				Identifier string            `json:"identifier"`
				Path       string            `json:"path"`
				Size       int               `json:"size"`
				Tags       map[string]string `json:"tags,omitempty"`
			}
			var out []written
			for _, p := range patches {
				path := filepath.Join(outDir, filepath.Base(filepath.Clean("/"+p.Identifier)))
				if err := os.WriteFile(path, p.Data, 0o644); err != nil {
					return err
				}
				out = append(out, written{p.Identifier, path, len(p.Data), p.Tags})
				if !cf.asJSON {
					fmt.Fprintf(cmd.OutOrStdout(), "%s -> %s (%d bytes)\n", p.Identifier, path, len(p.Data))
				}
			}
			if cf.asJSON {
				return printJSON(cmd.OutOrStdout(), out)
			}
			return nil
		},
	}
	cf.register(cmd)
	cmd.Flags().StringVar(&quiltID, "quilt-id", "", "the quilt's blob ID")
	cmd.Flags().StringArrayVar(&identifiers, "identifier", nil, "patch to read (repeatable; default all)")
	cmd.Flags().StringArrayVar(&patchIDs, "patch-id", nil, "quilt patch ID to read (repeatable)")
	cmd.Flags().BoolVar(&list, "list", false, "list the quilt's patches")
	cmd.Flags().StringVar(&outDir, "out", "", "directory to write the patches to")
	return cmd
}
