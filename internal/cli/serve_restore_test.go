package cli_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/iro-app/iro/internal/cli"
	"github.com/iro-app/iro/store/serverdb"
)

// TestServeBackupRestore: the admin's backup, restore and new-epoch
// commands on a SQLite server database, and what they refuse.
func TestServeBackupRestore(t *testing.T) {
	dir := t.TempDir()
	serverDB, backup := filepath.Join(dir, "server.db"), filepath.Join(dir, "backup.db")
	enrol := func() string {
		t.Helper()
		code, out, stderr := runIRO(t, "serve", "enrol", "--iro", "Ada IRO", "--db", serverDB)
		if code != cli.ExitOK {
			t.Fatalf("serve enrol: exit %d, %q", code, stderr)
		}
		return strings.TrimSpace(out)
	}
	epoch := func() string {
		t.Helper()
		db, err := serverdb.Open(context.Background(), serverDB)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		e, err := db.Epoch(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	kept := enrol()
	if code, out, stderr := runIRO(t, "serve", "backup", "--to", backup, "--db", serverDB); code != cli.ExitOK || !strings.Contains(out, "backed up") {
		t.Fatalf("serve backup: exit %d, %q %q", code, out, stderr)
	}
	if code, _, _ := runIRO(t, "serve", "backup", "--to", backup, "--db", serverDB); code != cli.ExitFailure {
		t.Errorf("a backup over an existing file: exit %d", code)
	}
	lost := enrol()
	before := epoch()

	code, out, stderr := runIRO(t, "serve", "restore", "--from", backup, "--db", serverDB)
	if code != cli.ExitOK || !strings.Contains(out, "new epoch") {
		t.Fatalf("serve restore: exit %d, %q %q", code, out, stderr)
	}
	if after := epoch(); after == before || !strings.Contains(out, after) {
		t.Errorf("epoch %s after the restore, %s before; said %q", after, before, out)
	}
	db, err := serverdb.Open(context.Background(), serverDB)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := db.Enrol(context.Background(), lost, "laptop", time.Now()); !errors.Is(err, serverdb.ErrBadCode) {
		t.Errorf("a code made after the backup: %v", err)
	}
	if _, _, _, err := db.Enrol(context.Background(), kept, "laptop", time.Now()); err != nil {
		t.Errorf("a code made before the backup: %v", err)
	}
	_ = db.Close()

	before = epoch()
	if code, out, _ := runIRO(t, "serve", "new-epoch", "--db", serverDB); code != cli.ExitOK || epoch() == before || !strings.Contains(out, epoch()) {
		t.Errorf("serve new-epoch: exit %d, %q", code, out)
	}

	other := filepath.Join(dir, "other.db") // some other application's SQLite file
	if raw, err := sql.Open("sqlite", other); err != nil {
		t.Fatal(err)
	} else if _, err := raw.Exec("CREATE TABLE notes (x TEXT)"); err != nil {
		t.Fatal(err)
	} else {
		_ = raw.Close()
	}
	for _, tt := range []struct {
		args []string
		code int
		says string
	}{
		{[]string{"serve", "restore", "--db", serverDB}, cli.ExitUsage, "--from"},
		{[]string{"serve", "restore", "--from", filepath.Join(dir, "missing.db"), "--db", serverDB}, cli.ExitFailure, "missing.db"},
		{[]string{"serve", "restore", "--from", other, "--db", serverDB}, cli.ExitFailure, "not a backup of an iro server database"},
		{[]string{"serve", "restore", "--from", backup, "--db", "postgres://iro@db.invalid/iro"}, cli.ExitUsage, "pg_restore"},
		{[]string{"serve", "backup", "--db", serverDB}, cli.ExitUsage, "--to"},
		{[]string{"serve", "backup", "--to", "x", "--db", "postgres://iro@db.invalid/iro"}, cli.ExitUsage, "pg_dump"},
	} {
		if code, _, stderr := runIRO(t, tt.args...); code != tt.code || !strings.Contains(stderr, tt.says) {
			t.Errorf("%v: exit %d, %q; want %d saying %q", tt.args, code, stderr, tt.code, tt.says)
		}
	}
}
