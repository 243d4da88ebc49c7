// Command tusk is the one binary of tusk, a Go implementation of the Walrus
// decentralized blob-storage protocol on Sui. Each subcommand lives in its
// own file of this package and is registered in newRootCmd.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"go.uber.org/zap"

	"github.com/tuskstore/tusk/coordinator/httpapi"
	"github.com/tuskstore/tusk/internal/lifecycle"
	"github.com/tuskstore/tusk/internal/logging"
)

// Exit codes.
const (
	exitOK    = 0
	exitError = 1 // the command failed
	exitUsage = 2 // the command line was wrong
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run executes the command line args and returns the process exit code. It
// prints errors to stderr as "tusk: <error>".
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	ctx, stop := lifecycle.SignalContext(context.Background())
	defer stop()

	a := &app{stderr: stderr}
	root := newRootCmd(a)
	root.SetArgs(hyphenBlobIDs(root, args))
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)

	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	fmt.Fprintf(stderr, "tusk: %v\n", err)
	var ue *usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(stderr, "Run '%s --help' for usage.\n", ue.cmd.CommandPath())
		return exitUsage
	}
	return exitError
}

// app holds what the global flags say, for the subcommands.
type app struct {
	configPath string // --config
	logLevel   string // --log-level
	stderr     io.Writer
}

// logger returns the process logger: console format on stderr, at the level
// of --log-level (info when unset). Subcommands that load a component config
// build theirs from its logging.Config instead, with --log-level overriding
// the level.
func (a *app) logger() (*zap.Logger, error) {
	cfg := logging.Default()
	cfg.Format = logging.FormatConsole
	if a.logLevel != "" {
		cfg.Level = a.logLevel
	}
	return logging.NewWriter(cfg, a.stderr)
}

func newRootCmd(a *app) *cobra.Command {
	root := &cobra.Command{
		Use:   "tusk",
		Short: "tusk: Walrus blob storage on Sui, in Go",
		Long: "tusk is a Go implementation of the Walrus decentralized blob-storage protocol on Sui.\n" +
			"It is under construction: the commands below are what exists today.",
		SilenceErrors:              true, // run prints them
		SilenceUsage:               true,
		SuggestionsMinimumDistance: 2,
		// Unknown subcommands are usage errors; with no arguments, show help.
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return nil
			}
			msg := fmt.Sprintf("unknown command %q for %q", args[0], cmd.CommandPath())
			if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
				msg += fmt.Sprintf(" (did you mean %s?)", strings.Join(s, " or "))
			}
			return errors.New(msg)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return cmd.Help()
		},
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			return a.checkFlags(cmd)
		},
	}
	root.CompletionOptions.DisableDefaultCmd = true
	pf := root.PersistentFlags()
	pf.StringVar(&a.configPath, "config", "", "path of the YAML configuration file")
	pf.StringVar(&a.logLevel, "log-level", "", "minimum log level: debug, info, warn or error (default info)")

	// ---- Subcommands -------------------------------------------------
	// Each subcommand lives in its own file of package main as a
	// constructor returning *cobra.Command (newVersionCmd in version.go,
	// newDevnetCmd in devnet.go, ...). Register new ones here, one per
	// line; `tusk --help` lists them sorted by name. A subcommand must not
	// set PersistentPreRun(E): that would replace the root's flag checks.
	root.AddCommand(
		newBlobIDCmd(),
		newDevnetCmd(a),
		newIndexerCmd(a),
		newMigrateCmd(a),
		newNodeCmd(a),
		newVersionCmd(),
		newStoreCmd(a),
		newReadCmd(a),
		newBlobStatusCmd(a),
		newDeleteCmd(a),
		newExtendCmd(a),
		withSubcommands(newInfoCmd(a), newInfoCommitteeCmd(a)),
		newStakeCmd(a),
		newWithdrawCmd(a),
		newStoreQuiltCmd(a),
		newReadQuiltCmd(a),
		newDaemonCmd(a, httpapi.ModePublisher),
		newDaemonCmd(a, httpapi.ModeAggregator),
		newDaemonCmd(a, httpapi.ModeDaemon),
	)
	// ------------------------------------------------------------------

	markUsageErrors(root)
	return root
}

// checkFlags validates the global flags before any subcommand runs.
func (a *app) checkFlags(cmd *cobra.Command) error {
	if a.logLevel != "" {
		cfg := logging.Default()
		cfg.Level = a.logLevel
		if err := cfg.Validate(); err != nil {
			return &usageError{cmd: cmd, err: fmt.Errorf("--log-level: must be debug, info, warn or error, got %q", a.logLevel)}
		}
	}
	if a.configPath != "" {
		f, err := os.Open(a.configPath)
		if err != nil {
			return fmt.Errorf("--config: %w", err)
		}
		f.Close()
	}
	return nil
}

// usageError marks a wrong command line (exit code 2).
type usageError struct {
	cmd *cobra.Command
	err error
}

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

// markUsageErrors makes argument and flag errors of every command usage
// errors, and gives commands that declare no Args validator cobra.NoArgs.
func markUsageErrors(root *cobra.Command) {
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return &usageError{cmd: cmd, err: err}
	})
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		validate := c.Args
		if validate == nil {
			validate = cobra.NoArgs
		}
		c.Args = func(cmd *cobra.Command, args []string) error {
			if err := validate(cmd, args); err != nil {
				return &usageError{cmd: cmd, err: err}
			}
			return nil
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}
