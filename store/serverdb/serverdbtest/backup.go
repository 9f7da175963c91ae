package serverdbtest

import (
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/iro-app/iro/store/serverdb"
)

// Backup copies the server database db (opened from dsn) aside, as an
// admin's nightly backup would, and returns a function that puts the copy
// back in place of the live data, as an admin restoring it would; db and
// anything serving it see the restored data. With newEpoch the restore is
// what the README tells the admin to do (`iro serve restore` for SQLite,
// pg_restore then `iro serve new-epoch` for PostgreSQL); without, the
// admin skipped the last step and the database keeps the epoch it had.
func Backup(t testing.TB, db *serverdb.DB, dsn string) (restore func(newEpoch bool)) {
	t.Helper()
	if strings.HasPrefix(dsn, "postgres") {
		return backupPostgres(t, db, dsn)
	}
	path := filepath.Join(t.TempDir(), "backup.db")
	if err := db.Backup(t.Context(), path); err != nil {
		t.Fatal(err)
	}
	return func(newEpoch bool) {
		t.Helper()
		old, err := db.Epoch(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := serverdb.Restore(t.Context(), dsn, path, time.Now()); err != nil {
			t.Fatal(err)
		}
		if !newEpoch {
			raw, err := sql.Open("sqlite", dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer raw.Close()
			if _, err := raw.Exec("UPDATE server_epoch SET epoch = ?", old); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// backupPostgres copies every table of the test's schema into a twin
// (bk_<name>), as pg_dump would, and restores by emptying each table and
// copying its twin back in one transaction, with the audit table's
// append-only triggers held off: pg_restore into an empty database does not
// meet them either.
func backupPostgres(t testing.TB, db *serverdb.DB, dsn string) func(bool) {
	t.Helper()
	raw, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = raw.Close() })
	var tables []string
	rows, err := raw.Query(`SELECT table_name FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name) // the schema's own names: [a-z_] only
	}
	rows.Close()
	for _, name := range tables {
		if _, err := raw.Exec("CREATE TABLE bk_" + name + " AS SELECT * FROM " + name); err != nil {
			t.Fatalf("backing up %s: %v", name, err)
		}
	}
	return func(newEpoch bool) {
		t.Helper()
		tx, err := raw.Begin()
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = tx.Rollback() }()
		stmts := []string{"ALTER TABLE audit DISABLE TRIGGER USER"}
		for _, name := range tables {
			stmts = append(stmts, "DELETE FROM "+name, "INSERT INTO "+name+" OVERRIDING SYSTEM VALUE SELECT * FROM bk_"+name)
		}
		for _, q := range append(stmts, "ALTER TABLE audit ENABLE TRIGGER USER") {
			if _, err := tx.Exec(q); err != nil {
				t.Fatalf("restoring: %s: %v", q, err)
			}
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		if newEpoch {
			if _, err := db.NewEpoch(t.Context(), time.Now()); err != nil {
				t.Fatal(err)
			}
		}
	}
}
