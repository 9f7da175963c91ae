package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/iro-app/iro/internal/vault"
)

// EnvNewPassphraseFile names the variable pointing at a file that holds the
// new passphrase for `iro passphrase change`, for scripts.
const EnvNewPassphraseFile = "IRO_NEW_PASSPHRASE_FILE"

func init() { register(newPassphraseCmd) }

func newPassphraseCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "passphrase",
		Short: "Manage the passphrase that unlocks the database",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "change",
		Short: "Choose a new passphrase; the data is not re-encrypted",
		Long: "Locks the database's key under a new passphrase. The data itself is not\n" +
			"re-encrypted, so this takes seconds however big the caseload. If it is\n" +
			"interrupted, the old passphrase still works.\n\n" +
			"In a terminal it asks for the current passphrase and the new one (twice),\n" +
			"without showing them. Scripts set " + EnvPassphraseFile + " to a file holding the\n" +
			"current passphrase and " + EnvNewPassphraseFile + " to one holding the new one.\n" +
			"A demo database keeps its published passphrase.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return a.changePassphrase(cmd.Context()) },
	})
	return cmd
}

func (a *app) changePassphrase(ctx context.Context) error {
	path, err := a.dbPath()
	if err != nil {
		return err
	}
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("there is no database at %s: run iro to set one up", path)
	}
	db, err := a.openStore(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	if ok, err := db.Initialised(ctx); err != nil {
		return err
	} else if !ok {
		return errors.New("this database has not been set up yet: run iro to choose a passphrase")
	}
	if demo, err := db.IsDemo(ctx); err != nil {
		return err
	} else if demo {
		return errors.New("this is a demo database: its passphrase is published and stays as it is")
	}
	tty := secretTerminal(a)

	current, err := readSecret(tty, EnvPassphraseFile, "Current passphrase: ")
	if err != nil {
		return err
	}
	defer clear(current)
	// Checked before the new passphrase is asked for, and through the
	// backoff, so this command is no faster a way to guess than the unlock
	// screen.
	switch err := db.UnlockWithBackoff(ctx, current, a.clock.Now()); {
	case errors.Is(err, vault.ErrWrongPassphrase):
		return errors.New("the current passphrase is not right; nothing was changed")
	case err != nil:
		return fmt.Errorf("nothing was changed: %w", err)
	}

	next, err := readNewPassphrase(tty)
	if err != nil {
		return err
	}
	defer clear(next)
	if err := vault.ValidatePassphrase(string(next)); err != nil {
		return UsageError{Msg: err.Error()}
	}
	if string(next) == string(current) {
		return usagef("the new passphrase is the same as the current one; nothing was changed")
	}
	if err := db.ChangePassphrase(ctx, current, next); err != nil {
		return fmt.Errorf("nothing was changed: %w", err)
	}
	fmt.Fprintln(a.stdout, "Passphrase changed. Use the new one from now on; the old one no longer opens this database.")
	return nil
}

// readNewPassphrase reads the new passphrase from its file, or asks for it
// twice in the terminal.
func readNewPassphrase(tty secretReader) ([]byte, error) {
	if os.Getenv(EnvNewPassphraseFile) != "" || tty == nil {
		return readSecret(tty, EnvNewPassphraseFile, "")
	}
	next, err := readSecret(tty, EnvNewPassphraseFile, "New passphrase (12+ characters): ")
	if err != nil {
		return nil, err
	}
	again, err := readSecret(tty, EnvNewPassphraseFile, "New passphrase again: ")
	if err != nil {
		clear(next)
		return nil, err
	}
	defer clear(again)
	if string(again) != string(next) {
		clear(next)
		return nil, usagef("the two new passphrases are different; nothing was changed")
	}
	return next, nil
}

// readSecret reads a passphrase from the file the variable env names or,
// when it is unset, asks for it in the terminal without echoing it.
func readSecret(tty secretReader, env, prompt string) ([]byte, error) {
	if file := os.Getenv(env); file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, usagef("%s: %v", env, err)
		}
		// Editors end a file with a newline that is not part of the passphrase.
		pass := []byte(strings.TrimRight(string(b), "\r\n"))
		clear(b)
		return pass, nil
	}
	if tty == nil {
		return nil, usagef("not in a terminal: set %s and %s to files holding the current and the new passphrase", EnvPassphraseFile, EnvNewPassphraseFile)
	}
	pass, err := tty.ReadSecret(prompt)
	if err != nil {
		return nil, fmt.Errorf("reading the passphrase: %w", err)
	}
	return pass, nil
}

// secretReader asks for a passphrase without echoing it.
type secretReader interface {
	ReadSecret(prompt string) ([]byte, error)
}

// secretTerminal is the terminal on the app's standard input, or nil when
// the input is not one. Tests replace it.
var secretTerminal = func(a *app) secretReader {
	f, ok := a.stdin.(interface{ Fd() uintptr })
	if !ok || !term.IsTerminal(f.Fd()) {
		return nil
	}
	return ttySecrets{fd: f.Fd(), out: a.stderr}
}

// ttySecrets prompts on stderr, so that stdout stays clean for scripts.
type ttySecrets struct {
	fd  uintptr
	out io.Writer
}

func (t ttySecrets) ReadSecret(prompt string) ([]byte, error) {
	fmt.Fprint(t.out, prompt)
	pass, err := term.ReadPassword(t.fd)
	fmt.Fprintln(t.out) // the Enter that ended the line was not echoed either
	return pass, err
}
