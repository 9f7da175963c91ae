package cli_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/iro-app/iro/internal/calendar"
	"github.com/iro-app/iro/internal/demo"
	"github.com/iro-app/iro/store"
)

// TestDemoDatabaseHoldsNoPlaintext creates the demo database through the CLI
// and searches the raw bytes of the .db, -wal and -shm files for every demo
// child's names, identifiers and postcode district: all are sealed, so none
// may appear, neither while the database is open nor after it is closed.
func TestDemoDatabaseHoldsNoPlaintext(t *testing.T) {
	t.Setenv("IRO_TODAY", "2026-11-22")
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	path := filepath.Join(t.TempDir(), "demo.db")
	if code, _, stderr := runIRO(t, "demo", "--no-tui", "--db", path); code != 0 {
		t.Fatalf("iro demo: exit %d: %s", code, stderr)
	}

	var secrets [][]byte
	for _, c := range demo.Caseload(calendar.MustParse("2026-11-22"), demo.DefaultChildren, demo.DefaultSeed) {
		// Short strings would turn up by chance in ciphertext; five bytes
		// and more would not.
		for _, s := range []string{c.FirstName, c.LastName, c.Name(), c.LAID, c.UPN, c.PlanStatus} {
			if len(s) >= 5 {
				secrets = append(secrets, []byte(s))
			}
		}
		for _, e := range c.Episodes {
			if len(e.Provider) >= 5 {
				secrets = append(secrets, []byte(e.Provider))
			}
		}
	}
	if len(secrets) < 100 {
		t.Fatalf("only %d fixture values to search for: the demo changed shape", len(secrets))
	}

	search := func(when string) {
		t.Helper()
		searched, control := 0, false
		for _, p := range []string{path, path + "-wal", path + "-shm"} {
			data, err := os.ReadFile(p)
			if os.IsNotExist(err) {
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			searched++
			// The IRO's own name is a plaintext setting: finding it proves
			// the search can see what is stored.
			control = control || bytes.Contains(data, []byte(demo.IROName))
			for _, s := range secrets {
				if bytes.Contains(data, s) {
					t.Errorf("%s: %s holds %q in plaintext", when, filepath.Base(p), s)
				}
			}
		}
		if searched == 0 || !control {
			t.Fatalf("%s: searched %d files and did not find the plaintext control value", when, searched)
		}
	}
	search("after closing")

	// Open it again and read everything, so the WAL and shared memory exist.
	ctx := context.Background()
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Unlock(ctx, []byte(demo.Passphrase)); err != nil {
		t.Fatal(err)
	}
	children, err := db.Caseload(ctx)
	if err != nil || len(children) != demo.DefaultChildren {
		t.Fatalf("caseload: %d children, %v", len(children), err)
	}
	if err := db.SetSetting(ctx, "probe", "x"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path + "-wal"); err != nil {
		t.Fatalf("expected a WAL file while open: %v", err)
	}
	search("while open")
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
}
