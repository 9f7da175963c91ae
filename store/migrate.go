package store

import (
	"context"
	"embed"
	"fmt"
	"path"
	"strconv"
	"strings"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// applicationID is "IRO1", set by the first migration.
const applicationID = 0x49524f31

type migration struct {
	version int
	name    string
	sql     string
}

// migrations returns the embedded migrations in order, insisting that they
// are numbered 1, 2, 3… with no gap: a gap would leave user_version unable
// to say which ones a database has.
func migrations() ([]migration, error) {
	entries, err := migrationFiles.ReadDir("migrations")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for i, e := range entries { // ReadDir sorts by name
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v != i+1 {
			return nil, fmt.Errorf("migration %s: want a name starting %04d_", e.Name(), i+1)
		}
		body, err := migrationFiles.ReadFile(path.Join("migrations", e.Name()))
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: e.Name(), sql: string(body)})
	}
	return ms, nil
}

// migrate applies each missing migration in its own immediate transaction,
// re-reading user_version inside it so that two processes opening the same
// file cannot both apply one.
func (db *DB) migrate(ctx context.Context) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	for {
		done, err := db.migrateOne(ctx, ms)
		if err != nil || done {
			return err
		}
	}
}

func (db *DB) migrateOne(ctx context.Context, ms []migration) (done bool, err error) {
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()

	var version, appID, objects int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return false, err
	}
	if err := tx.QueryRowContext(ctx, "PRAGMA application_id").Scan(&appID); err != nil {
		return false, err
	}
	// Reading the schema touches the B-tree, which is where a truncated
	// file is noticed; the header pragmas above would not.
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema").Scan(&objects); err != nil {
		return false, err
	}
	switch {
	case version > len(ms):
		return false, fmt.Errorf("%w (schema version %d; this iro knows up to %d)", ErrSchemaTooNew, version, len(ms))
	// A negative version is garbage in the header (user_version is read as
	// a signed 32-bit number); it would otherwise index ms out of range.
	case version < 0, version == 0 && objects > 0, version > 0 && appID != applicationID:
		return false, fmt.Errorf("%w (it is some other SQLite database)", ErrNotDatabase)
	case version == 0 && objects == 0 && db.existed:
		return false, ErrEmpty
	case version == len(ms):
		return true, tx.Commit()
	}

	m := ms[version]
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return false, fmt.Errorf("migration %s: %w", m.name, err)
	}
	// PRAGMA takes no bound parameters; m.version is an int we parsed.
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", m.version)); err != nil {
		return false, fmt.Errorf("migration %s: %w", m.name, err)
	}
	return false, tx.Commit()
}
