// Package cli is iro's command line: one file per command, all sharing the
// global flags and the exit-code contract (0 ok, 1 failure, 2 bad input).
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"charm.land/fang/v2"
	"github.com/spf13/cobra"

	"github.com/iro-app/iro/internal/clock"
	"github.com/iro-app/iro/internal/config"
	"github.com/iro-app/iro/internal/paths"
)

// Exit codes of every iro command.
const (
	ExitOK      = 0
	ExitFailure = 1
	ExitUsage   = 2
)

// UsageError is bad input from the user (a malformed date, a bad file): the
// command exits 2 with its message on one line.
type UsageError struct{ Msg string }

func (e UsageError) Error() string { return e.Msg }

func usagef(format string, args ...any) error { return UsageError{Msg: fmt.Sprintf(format, args...)} }

// app is what every command needs: the streams, the clock and the global flags.
type app struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	clock  clock.Clock
	dbFlag string
	cfg    *config.Config
}

// dbPath resolves --db, IRO_DB and the XDG default.
func (a *app) dbPath() (string, error) { return paths.ResolveDB(a.dbFlag) }

// Run executes iro with args (without the program name) and returns the exit code.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr}
	root := newRoot(a)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := fang.Execute(ctx, root, fang.WithoutManpage(), fang.WithoutCompletions(), fang.WithoutVersion(),
		fang.WithErrorHandler(func(w io.Writer, _ fang.Styles, err error) {
			fmt.Fprintln(w, "iro: "+oneLine(err.Error())+damageHint(err))
		}))
	if err == nil {
		return ExitOK
	}
	var usage UsageError
	if errors.As(err, &usage) || isFlagError(err) {
		return ExitUsage
	}
	return ExitFailure
}

func newRoot(a *app) *cobra.Command {
	root := &cobra.Command{
		Use:   "iro",
		Short: "Prepare, chair and follow up statutory reviews of children in care",
		Long: "iro helps Independent Reviewing Officers and Child Protection Chairs prepare,\n" +
			"chair and follow up reviews, offline, with every statutory deadline worked out.",
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          cobra.NoArgs,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			c, err := clock.FromEnv()
			if err != nil {
				return UsageError{Msg: err.Error()}
			}
			a.clock = c
			return nil
		},
		RunE: func(cmd *cobra.Command, _ []string) error { return a.openTUI(cmd.Context()) },
	}
	root.CompletionOptions.DisableDefaultCmd = true
	root.PersistentFlags().StringVar(&a.dbFlag, "db", "", "database file (default: $IRO_DB, else the XDG data dir)")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return UsageError{Msg: err.Error()} })
	for _, add := range commands {
		root.AddCommand(add(a))
	}
	return root
}

// commands is filled by each command's file, so adding a command touches only that file.
var commands []func(*app) *cobra.Command

func register(c func(*app) *cobra.Command) { commands = append(commands, c) }

func isFlagError(err error) bool {
	s := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand flag", "flag needs an argument", "invalid argument", "accepts ", "requires at least"} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// damageHint adds the way out when SQLite found a damaged page after the
// file opened: its own words ("malformed") say nothing about what to do.
func damageHint(err error) string {
	if strings.Contains(err.Error(), "malformed") && !strings.Contains(err.Error(), "iro check") {
		return " — the database is damaged: run `iro check` to see where, and restore it from your backup"
	}
	return ""
}
