package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/iro-app/iro/internal/child"
	"github.com/iro-app/iro/internal/review"
	"github.com/iro-app/iro/internal/vault"
)

// openAtVersion opens path with the schema brought up to version only, as
// an older iro would have left it.
func openAtVersion(t *testing.T, path string, version int) *DB {
	t.Helper()
	ctx := context.Background()
	if err := createPrivate(path); err != nil {
		t.Fatal(err)
	}
	dsn, err := dataSourceName(path)
	if err != nil {
		t.Fatal(err)
	}
	sqlDB, err := sql.Open("sqlite", dsn)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	db := &DB{sql: sqlDB}
	for {
		done, err := db.migrateOne(ctx, ms[:version])
		if err != nil {
			t.Fatal(err)
		}
		if done {
			return db
		}
	}
}

func tableNames(t *testing.T, db *DB) []string {
	t.Helper()
	rows, err := db.sql.Query("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		names = append(names, n)
	}
	return names
}

// TestMigrateFromVersion1 upgrades a database an iro with only migration
// 0001 filled with children, reviews and ops: everything must survive and
// the new tables must work with the old rows.
func TestMigrateFromVersion1(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "iro.db")
	old := openAtVersion(t, path, 1)
	if err := old.Initialise(ctx, passphrase, false, vault.MinParams); err != nil {
		t.Fatal(err)
	}
	kids := []child.Child{fullChild(), *newChild("Second")}
	if err := old.Update(ctx, func(tx *Tx) error { return AddChildren(tx, kids) }); err != nil {
		t.Fatal(err)
	}
	if err := old.SetSetting(ctx, "iro_name", "R. Okafor"); err != nil {
		t.Fatal(err)
	}
	caseload, err := old.Caseload(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ops, err := old.PendingOps(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if v := pragmaInt(t, old, "user_version"); v != 1 || len(tableNames(t, old)) != 8 {
		t.Fatalf("the old database is at version %d with tables %v", v, tableNames(t, old))
	}
	db := reopenMigrated(t, old, path)

	for _, tc := range []struct {
		name  string
		check func() error
	}{
		{"caseload unchanged", func() error {
			got, err := db.Caseload(ctx)
			if err == nil && !reflect.DeepEqual(got, caseload) {
				t.Errorf("caseload changed:\n got %+v\nwant %+v", got, caseload)
			}
			return err
		}},
		{"outbox unchanged", func() error {
			got, err := db.PendingOps(ctx, 0)
			if err == nil && !reflect.DeepEqual(got, ops) {
				t.Errorf("outbox changed: %d ops, had %d", len(got), len(ops))
			}
			return err
		}},
		{"settings unchanged", func() error {
			v, ok, err := db.Setting(ctx, "iro_name")
			if err == nil && (!ok || v != "R. Okafor") {
				t.Errorf("setting = %q, %v", v, ok)
			}
			return err
		}},
		{"an old review reads", func() error {
			childID, r, err := db.Review(ctx, kids[0].Reviews[0].ID)
			if err == nil && (childID != kids[0].ID || r.Location != "Foster home") {
				t.Errorf("Review = %s %+v", childID, r)
			}
			return err
		}},
		{"an old review with no meeting", func() error {
			m, err := db.Meeting(ctx, kids[0].Reviews[1].ID)
			if err == nil && (!m.StartedAt.IsZero() || m.Sections != nil) {
				t.Errorf("Meeting = %+v", m)
			}
			return err
		}},
		{"new records on old rows", func() error {
			rv := kids[0].Reviews[1].ID
			sec := review.Section{Title: "Welcome"}
			err := db.Update(ctx, func(tx *Tx) error {
				return errorsJoin(tx.StartMeeting(rv, time.Now()), tx.AddSection(rv, &sec), tx.SaveNotes(sec.ID, "All present"),
					tx.AddRecommendation(kids[0].ID, &review.Recommendation{ReviewID: rv, Text: "PEP by May"}),
					tx.AddMonitoring(kids[1].ID, &review.Monitoring{Contact: "Carer"}))
			})
			if err != nil {
				return err
			}
			m, err := db.Meeting(ctx, rv)
			if err == nil && (m.StartedAt.IsZero() || len(m.Sections) != 1 || m.Sections[0].Notes != "All present" || len(m.Recommendations) != 1) {
				t.Errorf("Meeting = %+v", m)
			}
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.check(); err != nil {
				t.Fatal(err)
			}
		})
	}

	// Opening again applies nothing twice.
	again, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("second Open: %v", err)
	}
	if ms, _ := migrations(); pragmaInt(t, again, "user_version") != len(ms) {
		t.Errorf("user_version = %d after a second Open", pragmaInt(t, again, "user_version"))
	}
	_ = again.Close()
}

// TestMigrationFailureKeepsVersion1: a migration that fails half-way (here a
// table it creates already exists) leaves the database exactly as it was.
func TestMigrationFailureKeepsVersion1(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "iro.db")
	old := openAtVersion(t, path, 1)
	if err := old.SetSetting(ctx, "iro_name", "R. Okafor"); err != nil {
		t.Fatal(err)
	}
	if _, err := old.sql.Exec("CREATE TABLE monitoring (x INTEGER)"); err != nil {
		t.Fatal(err)
	}
	before := tableNames(t, old)
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}

	if db, err := Open(ctx, path); err == nil || !strings.Contains(err.Error(), "0002_review_cycle.sql") {
		if db != nil {
			_ = db.Close()
		}
		t.Fatalf("Open = %v, want migration 0002 to fail", err)
	}
	after := openAtVersion(t, path, 1)
	defer after.Close()
	if v := pragmaInt(t, after, "user_version"); v != 1 {
		t.Errorf("user_version = %d after a failed migration, want 1", v)
	}
	if got := tableNames(t, after); !reflect.DeepEqual(got, before) {
		t.Errorf("tables = %v, want %v", got, before)
	}
	if v, ok, err := after.Setting(ctx, "iro_name"); err != nil || !ok || v != "R. Okafor" {
		t.Errorf("setting = %q, %v, %v", v, ok, err)
	}
}

// reopenMigrated closes old without wiping its key, opens the file again —
// running the migrations it lacks — and hands the key over, as if the IRO
// had unlocked it (deriving the key again would cost an Argon2id run).
func reopenMigrated(t *testing.T, old *DB, path string) *DB {
	t.Helper()
	key := old.key
	old.key = nil
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatalf("Open of the older database: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	db.setKey(key)
	if ms, _ := migrations(); pragmaInt(t, db, "user_version") != len(ms) {
		t.Fatalf("user_version = %d after Open, want %d", pragmaInt(t, db, "user_version"), len(ms))
	}
	return db
}
