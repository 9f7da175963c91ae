package store

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"

	"github.com/iro-app/iro/internal/vault"
)

var passphrase = []byte("a quiet harbour at dusk")

// openTestDB opens a fresh database in the test's own temp dir.
func openTestDB(t *testing.T) (*DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "iro.db")
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db, path
}

// unlockedTestDB is openTestDB with a key made at the real minimum cost: one
// Argon2 derivation per test, which is the slow part under -race.
func unlockedTestDB(t *testing.T) (*DB, string) {
	t.Helper()
	db, path := openTestDB(t)
	if err := db.Initialise(context.Background(), passphrase, false, vault.MinParams); err != nil {
		t.Fatalf("Initialise: %v", err)
	}
	return db, path
}

func pragmaInt(t *testing.T, db *DB, name string) int {
	t.Helper()
	var v int
	if err := db.sql.QueryRow("PRAGMA " + name).Scan(&v); err != nil {
		t.Fatalf("PRAGMA %s: %v", name, err)
	}
	return v
}

func TestMigrationsAreNumberedWithoutGaps(t *testing.T) {
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) == 0 {
		t.Fatal("no migrations embedded")
	}
	for i, m := range ms {
		if m.version != i+1 {
			t.Errorf("migration %d is %s", i+1, m.name)
		}
	}
}

func TestOpenCreatesSchema(t *testing.T) {
	for _, name := range []string{"iro.db", "odd ?#% name.db"} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), name)
			db, err := Open(context.Background(), path)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			defer db.Close()
			if _, err := os.Stat(path); err != nil {
				t.Fatalf("database not at the path asked for: %v", err)
			}
			ms, _ := migrations()
			for pragma, want := range map[string]int{
				"user_version":   len(ms),
				"application_id": applicationID,
				"foreign_keys":   1,
				"synchronous":    2, // FULL
				"busy_timeout":   5000,
			} {
				if got := pragmaInt(t, db, pragma); got != want {
					t.Errorf("PRAGMA %s = %d, want %d", pragma, got, want)
				}
			}
			var mode string
			if err := db.sql.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
				t.Errorf("journal_mode = %q, %v; want wal", mode, err)
			}
			var tables []string
			rows, err := db.sql.Query("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var n string
				_ = rows.Scan(&n)
				tables = append(tables, n)
			}
			rows.Close()
			want := []string{"attendee", "audit", "challenge", "challenge_step", "checklist_item", "child", "consultation", "cp_plan",
				"document", "episode", "holiday", "key_material", "meeting", "monitoring", "outbox", "progress", "recommendation",
				"review", "section", "settings", "sync_conflict", "sync_entity", "sync_parked", "sync_revoked", "sync_set_aside", "sync_state"}
			if !slices.Equal(tables, want) {
				t.Errorf("tables = %v, want %v", tables, want)
			}
			if runtime.GOOS != "windows" {
				if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
					t.Errorf("database file mode = %v, %v; want 0600", fi.Mode().Perm(), err)
				}
			}
		})
	}
}

func TestOpenTwiceIsIdempotent(t *testing.T) {
	ctx := context.Background()
	db, path := openTestDB(t)
	if err := db.SetSetting(ctx, "iro_name", "R. Okafor"); err != nil {
		t.Fatal(err)
	}
	version := pragmaInt(t, db, "user_version")

	// A second handle while the first is open (the CLI beside the TUI), then
	// a reopen after both have closed.
	for _, step := range []string{"while open", "after close"} {
		again, err := Open(ctx, path)
		if err != nil {
			t.Fatalf("Open %s: %v", step, err)
		}
		if got := pragmaInt(t, again, "user_version"); got != version {
			t.Errorf("%s: user_version = %d, want %d", step, got, version)
		}
		if v, ok, err := again.Setting(ctx, "iro_name"); err != nil || !ok || v != "R. Okafor" {
			t.Errorf("%s: setting = %q, %v, %v", step, v, ok, err)
		}
		if err := again.Close(); err != nil {
			t.Fatal(err)
		}
		if step == "while open" {
			if err := db.Close(); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func TestOpenRefuses(t *testing.T) {
	ctx := context.Background()
	// validDB writes a real database with some rows and returns its bytes.
	validDB := func(t *testing.T) []byte {
		db, path := openTestDB(t)
		for _, k := range []string{"a", "b", "c", "d", "e", "f", "g", "h"} {
			if err := db.SetSetting(ctx, k, string(make([]byte, 4000))); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, tc := range []struct {
		name    string
		setup   func(t *testing.T, path string)
		wantErr error
	}{
		{"newer schema", func(t *testing.T, path string) {
			db, err := Open(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.sql.Exec("PRAGMA user_version = 999"); err != nil {
				t.Fatal(err)
			}
			db.Close()
		}, ErrSchemaTooNew},
		{"garbage", func(t *testing.T, path string) {
			garbage := make([]byte, 8192)
			for i := range garbage {
				garbage[i] = byte(i * 7)
			}
			writeFile(t, path, garbage)
		}, ErrNotDatabase},
		{"text file", func(t *testing.T, path string) {
			writeFile(t, path, []byte("child,name\n1,nobody\n"))
		}, ErrNotDatabase},
		{"truncated to half", func(t *testing.T, path string) {
			b := validDB(t)
			writeFile(t, path, b[:len(b)/2])
		}, ErrNotDatabase},
		{"truncated inside the header", func(t *testing.T, path string) {
			writeFile(t, path, validDB(t)[:60])
		}, ErrNotDatabase},
		{"another program's database", func(t *testing.T, path string) {
			raw, err := sql.Open("sqlite", path)
			if err != nil {
				t.Fatal(err)
			}
			defer raw.Close()
			if _, err := raw.Exec("CREATE TABLE photos (id INTEGER PRIMARY KEY)"); err != nil {
				t.Fatal(err)
			}
		}, ErrNotDatabase},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "iro.db")
			tc.setup(t, path)
			db, err := Open(ctx, path)
			if err == nil {
				db.Close()
				t.Fatal("Open succeeded")
			}
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("Open = %v, want %v", err, tc.wantErr)
			}
		})
	}
}

func writeFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestKeyLifecycle(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)

	if ok, err := db.Initialised(ctx); err != nil || ok {
		t.Fatalf("Initialised on a new database = %v, %v", ok, err)
	}
	if err := db.Unlock(ctx, passphrase); !errors.Is(err, ErrNotInitialised) {
		t.Fatalf("Unlock before Initialise = %v, want ErrNotInitialised", err)
	}
	if err := db.Initialise(ctx, passphrase, true, vault.MinParams); err != nil {
		t.Fatalf("Initialise: %v", err)
	}

	steps := []struct {
		name  string
		check func() error
		want  error
	}{
		{"initialised", func() error { return expect(db.Initialised(ctx)) }, nil},
		{"initialise again refused", func() error { return db.Initialise(ctx, passphrase, false, vault.MinParams) }, ErrAlreadyInitialised},
		{"unlocked after initialise", func() error { _, err := db.Caseload(ctx); return err }, nil},
		{"lock", func() error { db.Lock(); return nil }, nil},
		{"caseload while locked", func() error { _, err := db.Caseload(ctx); return err }, ErrLocked},
		{"child while locked", func() error { _, err := db.Child(ctx, "x"); return err }, ErrLocked},
		{"ops while locked", func() error { _, err := db.PendingOps(ctx, 0); return err }, ErrLocked},
		{"write while locked", func() error {
			return db.Update(ctx, func(tx *Tx) error { return tx.AddChild(newChild("Locked")) })
		}, ErrLocked},
		{"demo flag readable while locked", func() error { return expect(db.IsDemo(ctx)) }, nil},
		{"wrong passphrase", func() error { return db.Unlock(ctx, []byte("a quiet harbour at dawn")) }, vault.ErrWrongPassphrase},
		{"still locked after a wrong passphrase", func() error { _, err := db.Caseload(ctx); return err }, ErrLocked},
		{"right passphrase", func() error { return db.Unlock(ctx, passphrase) }, nil},
		{"unlocked", func() error { _, err := db.Caseload(ctx); return err }, nil},
	}
	for _, s := range steps {
		if err := s.check(); !errors.Is(err, s.want) {
			t.Fatalf("%s: got %v, want %v", s.name, err, s.want)
		}
	}
}

// expect turns a true result into success and a false one into an error,
// for boolean checks in a table of steps.
func expect(ok bool, err error) error {
	if err != nil {
		return err
	}
	if !ok {
		return errors.New("got false, want true")
	}
	return nil
}

func TestUninitialisedIsNotDemo(t *testing.T) {
	db, _ := openTestDB(t)
	if demo, err := db.IsDemo(context.Background()); err != nil || demo {
		t.Fatalf("IsDemo = %v, %v; want false, nil", demo, err)
	}
}

func TestKeyMaterialDowngradeRefused(t *testing.T) {
	ctx := context.Background()
	db, _ := unlockedTestDB(t)
	db.Lock()
	for _, tc := range []struct {
		name, set string
	}{
		{"time lowered", "argon2_time = 1"},
		{"memory lowered", "argon2_memory_kib = 8"},
		{"threads lowered", "argon2_threads = 1"},
		{"memory wraps round", "argon2_memory_kib = 4294967296 + 65536"},
		{"negative time", "argon2_time = -1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := db.sql.Exec("UPDATE key_material SET " + tc.set); err != nil {
				t.Fatal(err)
			}
			defer func() {
				if _, err := db.sql.Exec("UPDATE key_material SET argon2_time = 3, argon2_memory_kib = 65536, argon2_threads = 4"); err != nil {
					t.Fatal(err)
				}
			}()
			if err := db.Unlock(ctx, passphrase); !errors.Is(err, vault.ErrWeakParams) {
				t.Fatalf("Unlock with %s = %v, want ErrWeakParams", tc.set, err)
			}
		})
	}
}

func TestSettings(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)
	for _, tc := range []struct {
		name, key   string
		write       bool
		value, want string
		found       bool
	}{
		{"missing", "theme", false, "", "", false},
		{"set", "theme", true, "light", "light", true},
		{"replaced", "theme", true, "dark", "dark", true},
		{"empty value", "iro_name", true, "", "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.write {
				if err := db.SetSetting(ctx, tc.key, tc.value); err != nil {
					t.Fatal(err)
				}
			}
			got, found, err := db.Setting(ctx, tc.key)
			if err != nil || found != tc.found || got != tc.want {
				t.Fatalf("Setting(%q) = %q, %v, %v; want %q, %v", tc.key, got, found, err, tc.want, tc.found)
			}
		})
	}
}
