package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/iro-app/iro/internal/child"
	"github.com/iro-app/iro/internal/review"
	"github.com/iro-app/iro/internal/vault"
)

var newPassphrase = []byte("the lighthouse keeps its own hours")

// seededTestDB is an unlocked database with sealed values in several tables
// (children with episodes and reviews, a recommendation with progress, and
// their outbox ops).
func seededTestDB(t *testing.T) (*DB, string) {
	t.Helper()
	ctx := context.Background()
	db, path := unlockedTestDB(t)
	kids := []child.Child{fullChild(), *newChild("Second")}
	if err := db.Update(ctx, func(tx *Tx) error { return AddChildren(tx, kids) }); err != nil {
		t.Fatal(err)
	}
	rec := review.Recommendation{ReviewID: kids[0].Reviews[0].ID, Text: "SGO assessment", OwnerRole: "social worker", OwnerName: "Dana Whitlock"}
	err := db.Update(ctx, func(tx *Tx) error {
		if err := tx.AddRecommendation(kids[0].ID, &rec); err != nil {
			return err
		}
		return tx.AddProgress(rec.ID, &review.Progress{Text: "Chased", Status: review.RecInProgress})
	})
	if err != nil {
		t.Fatal(err)
	}
	return db, path
}

// sealedValueCount opens every sealed value in the database with its key,
// under the AAD convention of 0001 (table|column|row id): BLOB columns are
// sealed, except the key material; each under the row-id column
// sealedTables names (a meeting under its review_id, an outbox op under its
// op_id…), else id. It fails the test for any that does not open and
// returns how many did.
func sealedValueCount(t *testing.T, db *DB) int {
	t.Helper()
	db.mu.RLock()
	defer db.mu.RUnlock()
	if db.key == nil {
		t.Fatal("sealedValueCount needs an unlocked database")
	}
	tables := queryStrings(t, db, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != 'key_material'")
	opened := 0
	for _, table := range tables {
		blobs := queryStrings(t, db, "SELECT name FROM pragma_table_info(?) WHERE type = 'BLOB'", table)
		if len(blobs) == 0 {
			continue
		}
		idColumn := "id"
		for _, st := range sealedTables {
			if st.Table == table {
				idColumn = st.RowID
			}
		}
		for _, column := range blobs {
			rows, err := db.sql.Query(fmt.Sprintf(`SELECT "%s", "%s" FROM "%s"`, idColumn, column, table))
			if err != nil {
				t.Fatalf("%s.%s: %v", table, column, err)
			}
			for rows.Next() {
				var id string
				var sealed []byte
				if err := rows.Scan(&id, &sealed); err != nil {
					t.Fatal(err)
				}
				if _, err := db.key.Open(vault.AAD{Table: table, Column: column, RowID: id}, sealed); err != nil {
					t.Errorf("%s.%s of %s does not open: %v", table, column, id, err)
					continue
				}
				opened++
			}
			if err := rows.Close(); err != nil {
				t.Fatal(err)
			}
		}
	}
	return opened
}

func queryStrings(t *testing.T, db *DB, query string, args ...any) []string {
	t.Helper()
	rows, err := db.sql.Query(query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

// keyState is what a test expects of a database after a passphrase change
// stopped somewhere: which passphrase opens it, and the same sealed values
// and caseload as before.
type keyState struct {
	opens    []byte
	original vault.KeyMaterial // the row before the change
	changed  bool              // whether the row must be the original
	sealed   int
	caseload []child.Child
}

func (s keyState) unchanged() keyState { return s }

func seededState(t *testing.T, db *DB) keyState {
	t.Helper()
	ctx := context.Background()
	caseload, err := db.Caseload(ctx)
	if err != nil {
		t.Fatal(err)
	}
	km, err := db.keyMaterial(ctx)
	if err != nil {
		t.Fatal(err)
	}
	n := sealedValueCount(t, db)
	if n < 20 {
		t.Fatalf("only %d sealed values seeded; the test would prove little", n)
	}
	return keyState{opens: passphrase, original: km, sealed: n, caseload: caseload}
}

func (s keyState) toNew() keyState {
	s.opens, s.changed = newPassphrase, true
	return s
}

// check opens the file at path afresh, as iro would after a restart or a
// crash, and insists it is in state s. Only the passphrase that should open
// it is derived (Argon2id is the slow part); that the other one does not is
// shown by the row: the original row was made before the new passphrase
// existed, and a replaced row has a new salt under the same key version.
func (s keyState) check(t *testing.T, what, path string) {
	t.Helper()
	ctx := context.Background()
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("%s: Open: %v", what, err)
	}
	defer db.Close()
	km, err := db.keyMaterial(ctx)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	switch same := reflect.DeepEqual(km, s.original); {
	case !s.changed && !same:
		t.Errorf("%s: the key material changed", what)
	case s.changed && (same || string(km.Salt) == string(s.original.Salt) || km.KeyVersion != s.original.KeyVersion):
		t.Errorf("%s: the key material was not replaced under the same key version: %+v", what, km)
	}
	if err := db.Unlock(ctx, s.opens); err != nil {
		t.Fatalf("%s: the passphrase that should open it: %v", what, err)
	}
	if n := sealedValueCount(t, db); n != s.sealed {
		t.Errorf("%s: %d sealed values open, want %d", what, n, s.sealed)
	}
	if got, err := db.Caseload(ctx); err != nil || !reflect.DeepEqual(got, s.caseload) {
		t.Errorf("%s: caseload changed (%v)", what, err)
	}
}

// copyAsCrashed copies the database and its WAL as they are on disk right
// now, which is what a power cut at this moment would leave. The shared
// memory index is left behind: SQLite rebuilds it from the WAL, keeping
// only committed transactions.
func copyAsCrashed(t *testing.T, path string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "crashed.db")
	for _, suffix := range []string{"", "-wal"} {
		src, err := os.Open(path + suffix)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		out, err := os.Create(dst + suffix)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(out, src); err != nil {
			t.Fatal(err)
		}
		_ = src.Close()
		if err := out.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

var errInterrupted = errors.New("interrupted")

// TestChangePassphraseInterrupted stops a passphrase change at every step,
// three ways: the change fails there (the hook returns an error), the
// power goes there (the files as they are on disk are opened elsewhere), and
// the database is closed there. The old passphrase must still open
// everything unless the change committed, in which case the new one does.
func TestChangePassphraseInterrupted(t *testing.T) {
	t.Parallel()
	type interruption int
	const (
		fail interruption = iota
		closeDB
	)
	// One seeded database, copied for each case: seeding costs an Argon2id
	// derivation, a copy nothing.
	seeded, template := seededTestDB(t)
	before := seededState(t, seeded)
	if err := seeded.Close(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		at    changeStep
		how   interruption
		after func(keyState) keyState // the state the database is left in
	}{
		{changeReadKeyMaterial, fail, keyState.unchanged},
		{changeUnwrapped, fail, keyState.unchanged},
		{changeWrapped, fail, keyState.unchanged},
		{changeRowReplaced, fail, keyState.unchanged},
		{changeReadKeyMaterial, closeDB, keyState.unchanged},
		{changeWrapped, closeDB, keyState.unchanged},
		// Close does not abort a transaction that already holds its
		// connection, so the commit goes through: the new passphrase.
		{changeRowReplaced, closeDB, keyState.toNew},
	} {
		name := fmt.Sprintf("%s at %s", map[interruption]string{fail: "fail", closeDB: "close"}[tc.how], tc.at)
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			path := copyAsCrashed(t, template)
			db, err := Open(context.Background(), path)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = db.Close() })
			var crashed string
			err = db.changePassphrase(context.Background(), passphrase, newPassphrase, func(s changeStep) error {
				if s != tc.at {
					return nil
				}
				crashed = copyAsCrashed(t, path)
				if tc.how == closeDB {
					return db.sql.Close()
				}
				return errInterrupted
			})
			want := tc.after(before)
			switch {
			case tc.how == fail && !errors.Is(err, errInterrupted):
				t.Fatalf("changePassphrase = %v, want the interruption", err)
			case tc.how == closeDB && !want.changed && err == nil:
				t.Fatal("changePassphrase succeeded on a closed database")
			}
			if crashed == "" {
				t.Fatalf("the change never reached %s", tc.at)
			}
			_ = db.Close()
			before.check(t, "power cut", crashed)
			want.check(t, "after the interruption", path)
		})
	}
}

// TestChangePassphrase: the new passphrase opens the same data key (same
// version, nothing re-encrypted), the old one no longer does, an unlocked
// database stays unlocked and writable, and the change survives a restart
// and a power cut straight after it returns.
func TestChangePassphrase(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, path := seededTestDB(t)
	before := seededState(t, db)
	var oldSealed []byte
	if err := db.sql.QueryRow("SELECT first_name FROM child WHERE id = ?", fullChild().ID).Scan(&oldSealed); err != nil {
		t.Fatal(err)
	}
	oldKM, err := db.keyMaterial(ctx)
	if err != nil {
		t.Fatal(err)
	}

	if err := db.ChangePassphrase(ctx, passphrase, newPassphrase); err != nil {
		t.Fatalf("ChangePassphrase: %v", err)
	}
	if err := db.Unlock(ctx, passphrase); !errors.Is(err, vault.ErrWrongPassphrase) {
		t.Errorf("the old passphrase after the change: %v, want vault.ErrWrongPassphrase", err)
	}
	km, err := db.keyMaterial(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var sealedAfter []byte
	if err := db.sql.QueryRow("SELECT first_name FROM child WHERE id = ?", fullChild().ID).Scan(&sealedAfter); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		what string
		bad  bool
	}{
		{"key version changed", km.KeyVersion != oldKM.KeyVersion},
		{"Argon2id costs changed", km.Params != oldKM.Params},
		{"salt kept", string(km.Salt) == string(oldKM.Salt)},
		{"wrapped key kept", string(km.Wrapped) == string(oldKM.Wrapped)},
		{"a sealed value was re-encrypted", string(sealedAfter) != string(oldSealed)},
		{"the database locked", !holdsKey(db)},
	} {
		if c.bad {
			t.Error(c.what)
		}
	}
	if n := sealedValueCount(t, db); n != before.sealed {
		t.Errorf("%d sealed values open with the key held across the change, want %d", n, before.sealed)
	}
	if err := db.SetSetting(ctx, "iro_name", "R. Okafor"); err != nil {
		t.Errorf("a write after the change: %v", err)
	}
	before.toNew().check(t, "power cut after the change", copyAsCrashed(t, path))
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	before.toNew().check(t, "restart after the change", path)
}

func TestChangePassphraseRefuses(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, tc := range []struct {
		name     string
		demo     bool
		old, new []byte
		want     error // nil: any error
	}{
		{"wrong old passphrase", false, wrongPassphrase, newPassphrase, vault.ErrWrongPassphrase},
		{"new passphrase too short", false, passphrase, []byte("short"), nil},
		{"demo database", true, passphrase, newPassphrase, ErrDemoPassphrase},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			db, _ := openTestDB(t)
			if err := db.Initialise(ctx, passphrase, tc.demo, vault.MinParams); err != nil {
				t.Fatal(err)
			}
			before, err := db.keyMaterial(ctx)
			if err != nil {
				t.Fatal(err)
			}
			err = db.ChangePassphrase(ctx, tc.old, tc.new)
			if err == nil || (tc.want != nil && !errors.Is(err, tc.want)) {
				t.Fatalf("ChangePassphrase = %v, want %v", err, tc.want)
			}
			after, err := db.keyMaterial(ctx)
			if err != nil || !reflect.DeepEqual(after, before) {
				t.Fatalf("a refused change altered the key material (%v)", err)
			}
		})
	}
	t.Run("not initialised", func(t *testing.T) {
		t.Parallel()
		db, _ := openTestDB(t)
		if err := db.ChangePassphrase(ctx, passphrase, newPassphrase); !errors.Is(err, ErrNotInitialised) {
			t.Fatalf("ChangePassphrase = %v, want ErrNotInitialised", err)
		}
	})
}

// TestChangePassphraseRace: a second iro changes the passphrase while the
// first is deriving its key. The first must fail rather than overwrite the
// second's row: the last passphrase the IRO was told succeeded is the one
// that must open the database.
func TestChangePassphraseRace(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, path := seededTestDB(t)
	before := seededState(t, db)
	other, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	err = db.changePassphrase(ctx, passphrase, []byte("the slower of the two changes"), func(s changeStep) error {
		if s == changeWrapped {
			return other.ChangePassphrase(ctx, passphrase, newPassphrase)
		}
		return nil
	})
	if !errors.Is(err, ErrConflict) {
		t.Fatalf("the slower change = %v, want ErrConflict", err)
	}
	_ = db.Close()
	before.toNew().check(t, "after the race", path)
}
