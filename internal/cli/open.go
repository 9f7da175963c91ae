package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/iro-app/iro/internal/calendar"
	"github.com/iro-app/iro/internal/demo"
	"github.com/iro-app/iro/store"
)

// EnvPassphraseFile names the variable pointing at a file that holds the
// passphrase, for scripts that cannot type one.
const EnvPassphraseFile = "IRO_PASSPHRASE_FILE"

// openStore opens (creating if needed) the database the global flags name.
func (a *app) openStore(ctx context.Context) (*store.DB, error) {
	path, err := a.dbPath()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("cannot create the folder for %s: %w", path, err)
	}
	return store.Open(ctx, path)
}

// openUnlocked opens the database and unlocks it without asking: a demo
// database with its documented passphrase, any other with the passphrase in
// IRO_PASSPHRASE_FILE. Commands for scripts use it. Like calendar, it never
// creates a database: a mistyped --db must not leave an empty one behind.
func (a *app) openUnlocked(ctx context.Context) (*store.DB, error) {
	path, err := a.dbPath()
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("there is no database at %s: run iro to set one up", path)
	}
	db, err := a.openStore(ctx)
	if err != nil {
		return nil, err
	}
	ok, err := unlockWithoutAsking(ctx, db)
	if err == nil && !ok {
		err = fmt.Errorf("the database is locked: set %s to a file holding the passphrase", EnvPassphraseFile)
	}
	if err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// unlockWithoutAsking unlocks a demo database or one whose passphrase is in
// IRO_PASSPHRASE_FILE; it reports false when neither applies.
func unlockWithoutAsking(ctx context.Context, db *store.DB) (bool, error) {
	initialised, err := db.Initialised(ctx)
	if err != nil {
		return false, err
	}
	if !initialised {
		return false, errors.New("this database has not been set up yet: run iro to choose a passphrase")
	}
	isDemo, err := db.IsDemo(ctx)
	if err != nil {
		return false, err
	}
	if isDemo {
		return true, db.Unlock(ctx, []byte(demo.Passphrase))
	}
	file := os.Getenv(EnvPassphraseFile)
	if file == "" {
		return false, nil
	}
	pass, err := os.ReadFile(file)
	if err != nil {
		return false, fmt.Errorf("%s: %w", EnvPassphraseFile, err)
	}
	// Scripts go through the same backoff as the unlock screen, so a
	// stolen laptop cannot be fed guesses from a script either.
	if err := db.UnlockWithBackoff(ctx, []byte(strings.TrimRight(string(pass), "\r\n")), time.Now()); err != nil {
		return false, fmt.Errorf("%s: %w", EnvPassphraseFile, err)
	}
	return true, nil
}

// calendar is the bank-holiday calendar for commands that need no unlock:
// the database's imported holidays when the database exists (a command like
// schedule must not create one as a side effect), else the built-in table.
func (a *app) calendar(ctx context.Context) (*calendar.Calendar, error) {
	path, err := a.dbPath()
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return calendar.Default(), nil
	}
	db, err := a.openStore(ctx)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	return calendarFrom(ctx, db)
}

// calendarFrom is the built-in bank holidays with any the IRO imported into
// this database laid over them.
func calendarFrom(ctx context.Context, db *store.DB) (*calendar.Calendar, error) {
	imported, err := db.Holidays(ctx)
	if err != nil {
		return nil, err
	}
	if len(imported) == 0 {
		return calendar.Default(), nil
	}
	return calendar.New(imported), nil
}
