package main

import (
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/tuskstore/tusk/encoding"
)

// One blob ID in 64 begins with '-' (URL-safe base64), which the flag parser would read
// as a cluster of shorthand flags. hyphenBlobIDs rewrites a command line holding such an
// ID as a positional argument so that it parses as the user meant: the command's
// positional arguments go, in their order, behind a "--"; its flags and their values
// stay in front. A command line without such an ID is returned unchanged.
func hyphenBlobIDs(root *cobra.Command, args []string) []string {
	if !slices.ContainsFunc(args, isHyphenBlobID) {
		return args
	}
	cmd, _, err := root.Find(args)
	if err != nil {
		return args
	}
	path := strings.Fields(cmd.CommandPath())[1:] // the subcommand names, after "tusk"
	flags := pflag.NewFlagSet(cmd.Name(), pflag.ContinueOnError)
	flags.AddFlagSet(cmd.Flags())
	flags.AddFlagSet(cmd.InheritedFlags())
	var front, positional []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			positional = append(positional, args[i+1:]...)
			i = len(args)
		case isHyphenBlobID(a):
			positional = append(positional, a)
		case strings.HasPrefix(a, "-") && len(a) > 1:
			front = append(front, a)
			if takesValue(flags, a) && i+1 < len(args) {
				i++
				front = append(front, args[i])
			}
		case len(path) > 0 && a == path[0]:
			front = append(front, a)
			path = path[1:]
		default:
			positional = append(positional, a)
		}
	}
	return append(append(front, "--"), positional...)
}

// isHyphenBlobID reports whether a is a blob ID that begins with '-'.
func isHyphenBlobID(a string) bool {
	if !strings.HasPrefix(a, "-") {
		return false
	}
	_, err := encoding.ParseBlobID(a)
	return err == nil
}

// takesValue reports whether the flag argument a ("--name", "-n") is one whose value is
// the next argument (not "--name=value", not a boolean).
func takesValue(flags *pflag.FlagSet, a string) bool {
	var f *pflag.Flag
	if name, ok := strings.CutPrefix(a, "--"); ok {
		if strings.Contains(name, "=") {
			return false
		}
		f = flags.Lookup(name)
	} else if len(a) == 2 {
		f = flags.ShorthandLookup(a[1:])
	}
	return f != nil && f.NoOptDefVal == ""
}
