// Package store is the laptop's SQLite database: the caseload, the wrapped
// data key, settings, bank holidays and the outbox of changes waiting to sync.
//
// Sensitive values are sealed by the vault before they reach SQL, so the
// database, its WAL and any temp file hold only ciphertext for them. Every
// write to a syncable entity appends its outbox op in the same transaction.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/iro-app/iro/internal/vault"
)

var (
	// ErrNotFound means no row has the id asked for.
	ErrNotFound = errors.New("store: not found")
	// ErrLocked means the call needs the data key and the vault is locked.
	ErrLocked = errors.New("store: the vault is locked; unlock it with the passphrase first")
	// ErrNotInitialised means no passphrase has been set up for this database.
	ErrNotInitialised = errors.New("store: no passphrase has been set up for this database yet")
	// ErrAlreadyInitialised means Initialise was called on a database that
	// already has a key; replacing it would make every sealed value unreadable.
	ErrAlreadyInitialised = errors.New("store: this database already has a passphrase")
	// ErrConflict means a row changed after the caller read it.
	ErrConflict = errors.New("store: changed since it was read")
	// ErrSchemaTooNew means a newer iro wrote the database; this binary would
	// not understand its tables.
	ErrSchemaTooNew = errors.New("the database was written by a newer version of iro; update iro to open it")
	// ErrNotDatabase means the file is damaged, or is not an iro database.
	ErrNotDatabase = errors.New("the file is damaged or is not an iro database")
)

// DB is an open laptop database. It is safe for concurrent use.
type DB struct {
	sql *sql.DB

	// mu guards key and is held for reading by every call that uses it, so
	// Lock waits for them to finish rather than wiping a key mid-transaction.
	mu  sync.RWMutex
	key *vault.Key // nil while locked
}

// Open opens the database at path, creating it if missing, and brings its
// schema up to date.
func Open(ctx context.Context, path string) (*DB, error) {
	if err := createPrivate(path); err != nil {
		return nil, fmt.Errorf("store: creating %s: %w", path, err)
	}
	dsn, err := dataSourceName(path)
	if err != nil {
		return nil, fmt.Errorf("store: opening %s: %w", path, err)
	}
	sqlDB, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("store: opening %s: %w", path, err)
	}
	db := &DB{sql: sqlDB}
	if err := db.migrate(ctx); err != nil {
		_ = sqlDB.Close()
		return nil, fmt.Errorf("store: opening %s: %w", path, explain(err))
	}
	return db, nil
}

// Close locks the vault and closes the database; the last connection to
// close checkpoints the WAL back into the main file.
func (db *DB) Close() error {
	db.Lock()
	return db.sql.Close()
}

// createPrivate makes a new database file readable by its owner only. SQLite
// gives the -wal and -shm files the main file's permissions, so this covers
// them too.
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return err
	}
	return f.Close()
}

// dataSourceName builds a file: URI, escaping the path so that a '?', '#' or
// '%' in a directory name cannot be read as URI syntax.
func dataSourceName(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	p := filepath.ToSlash(abs)
	if p[0] != '/' {
		p = "/" + p // a Windows drive path becomes file:///C:/…
	}
	u := url.URL{Scheme: "file", Path: p}
	return u.String() + "?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)" +
		"&_pragma=foreign_keys(1)&_pragma=synchronous(FULL)&_txlock=immediate", nil
}

// explain turns SQLite's "file is not a database" and "malformed" codes into
// ErrNotDatabase, keeping SQLite's words for the log.
func explain(err error) error {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT:
			return fmt.Errorf("%w (%v)", ErrNotDatabase, err)
		}
	}
	return err
}

func sqliteCode(err error) int {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code()
	}
	return 0
}

// timestampLayout is fixed-width so that stored timestamps sort as text.
const timestampLayout = "2006-01-02T15:04:05.000000Z"

func timestamp(t time.Time) string { return t.UTC().Format(timestampLayout) }

func parseTimestamp(s string) (time.Time, error) {
	return time.Parse(timestampLayout, s)
}
