// Package logging sends iro's log to a file in the XDG state directory. It
// never writes to the terminal (the TUI owns it) and callers never log a
// child's data: only events, counts and error kinds.
package logging

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/iro-app/iro/internal/paths"
)

func init() {
	// Until Start runs, logs go nowhere rather than to stderr under the TUI.
	slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
}

// Start opens (appending) iro.log in the state directory and makes it the
// default logger. If the file cannot be opened, logging stays discarded: a
// missing log must never stop an IRO from working.
func Start() (stop func()) {
	dir, err := paths.StateDir()
	if err != nil {
		return func() {}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return func() {}
	}
	f, err := os.OpenFile(filepath.Join(dir, "iro.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return func() {}
	}
	slog.SetDefault(slog.New(slog.NewTextHandler(f, &slog.HandlerOptions{Level: slog.LevelInfo})))
	return func() {
		slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
		f.Close()
	}
}
