package main

import (
	"errors"

	"github.com/spf13/cobra"
	"go.uber.org/zap"
)

// errDevnetNotImplemented is what `tusk devnet` says until the embedded
// devnet lands.
var errDevnetNotImplemented = errors.New("devnet: not implemented yet (see issue: one-command devnet)")

func newDevnetCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "devnet",
		Short: "Run a local Walrus devnet on an embedded Sui (not implemented yet)",
		Long: "devnet will start, with no network, an embedded Sui with the Walrus Move API, a committee of\n" +
			"storage nodes, a publisher, an aggregator and an indexer. It is not implemented yet.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			log, err := a.logger()
			if err != nil {
				return err
			}
			defer func() { _ = log.Sync() }()
			log.Debug("devnet requested", zap.String("config", a.configPath))
			return errDevnetNotImplemented
		},
	}
}
