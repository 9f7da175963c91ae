package serverdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/google/uuid"
	"modernc.org/sqlite"
)

// The epoch names one life of the database. Change numbers, cursors and
// the cursor each device was handed only mean something within one: a
// database restored from a backup numbers again from the backup's counter,
// so a device holding a later cursor would skip everything renumbered, and
// the ops it had pushed since the backup are gone from the server while the
// device holds them as sent. Devices therefore send their epoch and cursor
// with every push and pull; one the server never gave out gets
// *NewEpochError, and the device starts again: it re-sends every op it had
// sent (the server answers duplicate for those the backup kept) and pulls
// from 0. `iro serve restore` (Restore) and `iro serve new-epoch`
// (NewEpoch) change the epoch; a restore done without them is still caught
// by the cursor, for any device that was handed one after the backup.

// NewEpochError means a device's epoch or cursor is not from the
// database's current life: it was restored from a backup. Epoch is the
// current one, for the device to start again from.
type NewEpochError struct{ Epoch string }

func (e *NewEpochError) Error() string {
	return "serverdb: the device's sync position is not from this database (it was restored from a backup)"
}

// newEpoch is a fresh epoch: random, so that no two lives share one.
func newEpoch() string { return uuid.NewString() }

// position is where the server has a device: the epoch, the highest
// cursor it handed the device, and how far the device has purged the
// children revoked from its IRO (see AcknowledgePurges).
type position struct {
	epoch          string
	issued, purged int64
}

func (h handle) position(ctx context.Context, deviceID string) (position, error) {
	var p position
	err := h.queryRow(ctx, `SELECT e.epoch, d.issued, d.purged FROM server_epoch e JOIN device d ON d.id = ? WHERE e.id = 1`,
		deviceID).Scan(&p.epoch, &p.issued, &p.purged)
	if errors.Is(err, sql.ErrNoRows) {
		return p, ErrUnauthorized // the device went between authentication and now
	}
	return p, err
}

// check refuses a device's epoch ("" is a device that has not heard one
// yet) or cursor that this life of the database never gave it.
func (p position) check(epoch string, cursor int64) error {
	if (epoch != "" && epoch != p.epoch) || cursor > p.issued {
		return &NewEpochError{Epoch: p.epoch}
	}
	return nil
}

// Epoch is the database's current epoch.
func (db *DB) Epoch(ctx context.Context) (string, error) {
	var epoch string
	h := handle{db.sql, db.d}
	if err := h.queryRow(ctx, `SELECT epoch FROM server_epoch WHERE id = 1`).Scan(&epoch); err != nil {
		return "", fmt.Errorf("serverdb: epoch: %w", err)
	}
	return epoch, nil
}

// NewEpoch gives the database a new epoch and returns it. Run it after
// restoring the database from a backup, before serving it: every device
// then re-sends what it had sent and pulls everything again.
func (db *DB) NewEpoch(ctx context.Context, now time.Time) (string, error) {
	epoch := newEpoch()
	err := db.write(ctx, func(w *writeTx) error {
		if _, err := w.exec(ctx, `UPDATE server_epoch SET epoch = ? WHERE id = 1`, epoch); err != nil {
			return err
		}
		return w.audit(ctx, now, "", "", "new-epoch", "epochs=1")
	})
	if err != nil {
		return "", fmt.Errorf("serverdb: new epoch: %w", err)
	}
	return epoch, nil
}

// ErrNotSQLite means a file operation was asked of a PostgreSQL database,
// whose backups are made and restored with PostgreSQL's own tools.
var ErrNotSQLite = errors.New("serverdb: this is a PostgreSQL database: back it up with pg_dump and restore it with pg_restore, then run iro serve new-epoch")

// Backup writes a consistent copy of a SQLite server database to path,
// which must not exist yet, readable by its owner only. It can run while
// the server serves.
func (db *DB) Backup(ctx context.Context, path string) error {
	if db.d.name != "sqlite" {
		return ErrNotSQLite
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("serverdb: backup: %w", err)
	}
	_ = f.Close()
	// VACUUM INTO writes into an empty file and keeps its mode.
	if _, err := db.sql.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		_ = os.Remove(path)
		return fmt.Errorf("serverdb: backup: %w", err)
	}
	return nil
}

// Restore puts the SQLite server database at target back to the backup
// at from (made by Backup, sqlite3's .backup or a copy of the file taken
// while the server was stopped) and gives it a new epoch, which it returns.
// from is only read. The backup is first copied beside target, brought up
// to this iro's schema and given its epoch there; then that copy replaces
// target's pages in one write transaction, so the database is never seen
// half restored, even by a server that is still running.
func Restore(ctx context.Context, target, from string, now time.Time) (string, error) {
	if dialectOf(target).name != "sqlite" {
		return "", ErrNotSQLite
	}
	staging, err := stage(ctx, target, from)
	if err != nil {
		return "", fmt.Errorf("serverdb: restore from %s: %w", from, err)
	}
	defer removeSQLite(staging)
	restored, err := Open(ctx, staging)
	if err != nil {
		return "", fmt.Errorf("serverdb: restore from %s: %w", from, err)
	}
	epoch, err := restored.NewEpoch(ctx, now)
	if cerr := restored.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", fmt.Errorf("serverdb: restore from %s: %w", from, err)
	}
	live, err := Open(ctx, target)
	if err != nil {
		return "", err
	}
	err = live.overwrite(ctx, staging)
	if cerr := live.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", fmt.Errorf("serverdb: restore from %s: %w", from, err)
	}
	return epoch, nil
}

// stage copies the backup at from into a new private file beside target,
// after checking, read-only, that it is a server database this iro can open.
func stage(ctx context.Context, target, from string) (string, error) {
	abs, err := filepath.Abs(from)
	if err != nil {
		return "", err
	}
	if st, err := os.Stat(abs); err != nil {
		return "", err
	} else if !st.Mode().IsRegular() {
		return "", errors.New("not a file")
	}
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(abs), RawQuery: "mode=ro"}
	if u.Path[0] != '/' {
		u.Path = "/" + u.Path
	}
	src, err := sql.Open("sqlite", u.String())
	if err != nil {
		return "", err
	}
	defer src.Close()
	var version int
	var counter int64
	err = src.QueryRowContext(ctx, `SELECT (SELECT MAX(version) FROM schema_version), (SELECT n FROM counter WHERE id = 1)`).
		Scan(&version, &counter)
	if err != nil {
		return "", errors.New("it is not a backup of an iro server database")
	}
	if version > schemaVersion {
		return "", ErrSchemaTooNew
	}
	f, err := os.CreateTemp(filepath.Dir(target), ".iro-restore-*.db") // private: mode 0600
	if err != nil {
		return "", err
	}
	staging := f.Name()
	_ = f.Close()
	if _, err := src.ExecContext(ctx, `VACUUM INTO ?`, staging); err != nil {
		removeSQLite(staging)
		return "", err
	}
	return staging, nil
}

// overwrite replaces every page of the database with those of the SQLite
// file at from, through SQLite's backup API: one write transaction, which
// the database's other connections see as any other commit.
func (db *DB) overwrite(ctx context.Context, from string) error {
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		r, ok := dc.(interface {
			NewRestore(string) (*sqlite.Backup, error)
		})
		if !ok {
			return fmt.Errorf("the SQLite driver's connection (%T) cannot restore", dc)
		}
		b, err := r.NewRestore(from)
		if err != nil {
			return err
		}
		if _, err := b.Step(-1); err != nil {
			_ = b.Finish()
			return err
		}
		return b.Finish()
	})
}

// removeSQLite removes a database file and what SQLite keeps beside it.
func removeSQLite(path string) {
	for _, p := range []string{path, path + "-wal", path + "-shm", path + "-journal"} {
		_ = os.Remove(p)
	}
}
