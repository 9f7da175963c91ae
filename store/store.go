// Package store is the laptop's SQLite database: the caseload, the wrapped
// data key, settings, bank holidays and the outbox of changes waiting to sync.
//
// Sensitive values are sealed by the vault before they reach SQL, so the
// database, its WAL and any temp file hold only ciphertext for them. Every
// write to a syncable entity appends its outbox op in the same transaction.
package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/iro-app/iro/internal/syncschema"
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
	// ErrCannotSync means a change was refused because the server would
	// refuse it (see internal/syncschema) or it is too large to send:
	// nothing was saved, and the text is still the caller's to shorten.
	ErrCannotSync = errors.New("this change cannot be synced")
	// ErrSchemaTooNew means a newer iro wrote the database; this binary would
	// not understand its tables.
	ErrSchemaTooNew = errors.New("the database was written by a newer version of iro; update iro to open it")
	// ErrNotDatabase means the file is damaged, or is not an iro database.
	ErrNotDatabase = errors.New("the file is damaged or is not an iro database")
	// ErrEmpty means a file that was already there holds no iro data: it is
	// empty, or was cut short, or everything in it was in a lost -wal file.
	// Setting it up afresh would look like a caseload gone missing.
	ErrEmpty = errors.New("the file holds no iro data: it is empty, was cut short, or lost its -wal file")
	// ErrWALMissing means the -shm file records changes, saved since the
	// last checkpoint, that were in a -wal file which is now missing or cut
	// short. Opening would silently lose them.
	ErrWALMissing = errors.New("changes saved since the last checkpoint were in its -wal file, which is missing or cut short")
)

// recovery is what a damaged file's message tells the IRO to do.
const recovery = "if it holds your caseload, restore it from your backup"

// DB is an open laptop database. It is safe for concurrent use.
type DB struct {
	sql *sql.DB

	// mu guards key and is held for reading by every call that uses it, so
	// Lock waits for them to finish rather than wiping a key mid-transaction.
	mu  sync.RWMutex
	key *vault.Key // nil while locked

	// existed is set when the file was there before Open: an empty one is
	// then damage (ErrEmpty), not a new database to set up.
	existed bool
}

// Open opens the database at path, creating it if missing, and brings its
// schema up to date.
func Open(ctx context.Context, path string) (*DB, error) {
	_, statErr := os.Stat(path)
	existed := !errors.Is(statErr, fs.ErrNotExist)
	if existed {
		if err := usable(path); err != nil {
			return nil, opening(path, err)
		}
	}
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
	db := &DB{sql: sqlDB, existed: existed}
	if err := db.migrate(ctx); err != nil {
		_ = sqlDB.Close()
		return nil, opening(path, explain(err))
	}
	return db, nil
}

// opening is Open's error, with the way back for a damaged file.
func opening(path string, err error) error {
	switch {
	case errors.Is(err, ErrEmpty):
		return fmt.Errorf("store: opening %s: %w: %s; to start afresh instead, delete it", path, err, recovery)
	case errors.Is(err, ErrNotDatabase):
		return fmt.Errorf("store: opening %s: %w: %s", path, err, recovery)
	}
	return fmt.Errorf("store: opening %s: %w", path, err)
}

// Close locks the vault and closes the database; the last connection to
// close checkpoints the WAL back into the main file.
func (db *DB) Close() error {
	db.Lock()
	return db.sql.Close()
}

// usable turns what would reach the IRO as SQLite's "unable to open
// database file", or as a quietly emptier database, into what is wrong: a
// folder, a file iro may not read or write, or a lost -wal file.
func usable(path string) error {
	info, err := os.Stat(path)
	switch {
	case err != nil:
		return err
	case info.IsDir():
		return errors.New("it is a folder, not a database file: give the path of the file itself")
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if errors.Is(err, fs.ErrPermission) {
		return fmt.Errorf("iro is not allowed to read and write it (%w): check that the file is yours and readable and writable by you (chmod 600)", err)
	}
	if err != nil {
		return err
	}
	err = cutShort(f, info.Size())
	_ = f.Close()
	if err != nil {
		return err
	}
	if lostWAL(path) {
		return fmt.Errorf("%w: restore the database and its -wal file together from your backup; "+
			"or, to open it as it was at the last checkpoint and lose those changes, delete %s-shm", ErrWALMissing, filepath.Base(path))
	}
	return nil
}

// cutShort reports a file that ends part-way through a page. SQLite reads
// the missing bytes as zeros, so a file cut inside its last page would
// otherwise open and show rows of zeros, or fewer rows.
func cutShort(f *os.File, size int64) error {
	header := make([]byte, 100)
	if _, err := f.ReadAt(header, 0); err != nil || !bytes.HasPrefix(header, []byte("SQLite format 3\x00")) {
		return nil // too short or not SQLite: SQLite says so itself
	}
	pageSize := int64(binary.BigEndian.Uint16(header[16:]))
	if pageSize == 1 {
		pageSize = 65536
	}
	if pageSize < 512 || pageSize&(pageSize-1) != 0 || size%pageSize == 0 {
		return nil
	}
	return fmt.Errorf("%w: it has been cut short (%d bytes is not a whole number of %d-byte pages)", ErrNotDatabase, size, pageSize)
}

// lostWAL reports whether path's -shm file (SQLite's WAL index, left behind
// when iro did not close cleanly) says the WAL holds committed frames not
// yet copied into the database, while the -wal file is missing or too short
// to hold them. SQLite itself would open the database without them.
// Header layout: https://www.sqlite.org/walformat.html (native byte order).
func lostWAL(path string) bool {
	shm, err := os.ReadFile(path + "-shm")
	if err != nil || len(shm) < 100 {
		return false
	}
	ne := binary.NativeEndian
	hdr := shm[:48]
	// Two copies that differ mean a writer was part-way through; an
	// uninitialised or unknown index says nothing.
	if !bytes.Equal(hdr, shm[48:96]) || hdr[12] == 0 || ne.Uint32(hdr) != 3007000 {
		return false
	}
	pageSize := int64(ne.Uint16(hdr[14:]))
	if pageSize == 1 {
		pageSize = 65536
	}
	maxFrame, backfilled := int64(ne.Uint32(hdr[16:])), int64(ne.Uint32(shm[96:]))
	if maxFrame <= backfilled {
		return false
	}
	wal, err := os.Stat(path + "-wal")
	if err != nil {
		return errors.Is(err, fs.ErrNotExist)
	}
	return wal.Size() < 32+maxFrame*(24+pageSize)
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

// explain turns SQLite's "file is not a database" and "malformed" codes,
// and the generic error it gives for a garbled schema format number, into
// ErrNotDatabase, keeping SQLite's words for the log.
func explain(err error) error {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT:
			return fmt.Errorf("%w (%v)", ErrNotDatabase, err)
		case sqlite3.SQLITE_ERROR:
			if strings.Contains(err.Error(), "unsupported file format") {
				return fmt.Errorf("%w (%v)", ErrNotDatabase, err)
			}
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
// Ops carry timestamps in it too, so it is the sync schema's.
const timestampLayout = syncschema.TimestampLayout

func timestamp(t time.Time) string { return t.UTC().Format(timestampLayout) }

func parseTimestamp(s string) (time.Time, error) {
	return time.Parse(timestampLayout, s)
}
