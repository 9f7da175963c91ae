package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	sqlite3 "modernc.org/sqlite/lib"

	"github.com/iro-app/iro/internal/calendar"
	"github.com/iro-app/iro/internal/demo"
	"github.com/iro-app/iro/internal/vault"
)

// Corruption: whatever has happened to the file, opening it as the app does
// (Open, Unlock, Caseload) never panics and never shows fewer children than
// were saved. Either every child is there, or a step fails: Open with a
// message that says what is wrong and how to recover, or Unlock or Caseload
// with SQLite's "malformed" code, after which Check names the damage.

// opened is what happened when a damaged file was opened as the app does.
type opened struct {
	step     string // the step that failed: "open", "unlock", "caseload"; "" if none did
	err      error
	children int
}

func openAsTheIRO(path string) (o opened) {
	defer func() {
		if r := recover(); r != nil {
			o = opened{step: "panic", err: fmt.Errorf("panic: %v", r)}
		}
	}()
	ctx := context.Background()
	db, err := Open(ctx, path)
	if err != nil {
		return opened{step: "open", err: err}
	}
	defer db.Close()
	if err := db.Unlock(ctx, passphrase); err != nil {
		return opened{step: "unlock", err: err}
	}
	cs, err := db.Caseload(ctx)
	if err != nil {
		return opened{step: "caseload", err: err}
	}
	return opened{children: len(cs)}
}

// outcome states what opening a damaged file must do.
type outcome struct {
	step     string   // the step that must fail; "" when every child must be there
	sentinel error    // what a failed Open must wrap (nil: any)
	words    []string // what a failed Open's message must say
	children int      // how many children must be there when nothing fails
}

// damageWords are what every message about a damaged file must say: what
// is wrong, and where to get the caseload back.
var damageWords = []string{"damaged", "restore it from your backup"}

func (e outcome) verify(t *testing.T, path string, got opened) {
	t.Helper()
	if got.err != nil {
		t.Logf("%s: %v", got.step, got.err)
	}
	switch {
	case got.step == "panic":
		t.Fatalf("%v", got.err)
	case got.step != e.step:
		t.Fatalf("failed at %q (%v) with %d children; want failure at %q", got.step, got.err, got.children, e.step)
	case got.step == "":
		if got.children != e.children {
			t.Fatalf("caseload has %d children, want all %d: children lost without a word", got.children, e.children)
		}
	case got.step == "open":
		if e.sentinel != nil && !errors.Is(got.err, e.sentinel) {
			t.Errorf("Open = %v, want %v", got.err, e.sentinel)
		}
		msg := got.err.Error()
		for _, w := range append([]string{path}, e.words...) {
			if !strings.Contains(msg, w) {
				t.Errorf("Open's message %q does not say %q", msg, w)
			}
		}
	default:
		// Unlock and Caseload are other files' code; what they must give
		// is SQLite's own "malformed", which Check then explains.
		if code := sqliteCode(got.err) & 0xff; code != sqlite3.SQLITE_CORRUPT {
			t.Errorf("%s = %v (code %d), want SQLite's corruption code", got.step, got.err, code)
		}
	}
}

// damageFixture is a closed database holding the demo caseload, as bytes.
func damageFixture(t *testing.T) (file []byte, children int, pageSize int64, rootPage map[string]int64) {
	t.Helper()
	ctx := context.Background()
	db, path := unlockedTestDB(t)
	kids := demo.Caseload(calendar.D(2026, 11, 22), demo.DefaultChildren, demo.DefaultSeed)
	if err := db.Update(ctx, func(tx *Tx) error { return AddChildren(tx, kids) }); err != nil {
		t.Fatal(err)
	}
	rootPage = map[string]int64{}
	for _, name := range []string{"child", "key_material", "outbox_entity"} {
		var p int64
		if err := db.sql.QueryRow("SELECT rootpage FROM sqlite_schema WHERE name = ?", name).Scan(&p); err != nil {
			t.Fatal(err)
		}
		rootPage[name] = p
	}
	if err := db.sql.QueryRow("PRAGMA page_size").Scan(&pageSize); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	file, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(file)) < 20*pageSize {
		t.Fatalf("fixture is only %d bytes: too small for the damage below to mean anything", len(file))
	}
	return file, len(kids), pageSize, rootPage
}

func TestDamagedFile(t *testing.T) {
	t.Parallel()
	file, children, pageSize, root := damageFixture(t)
	size := int64(len(file))
	refused := outcome{step: "open", sentinel: ErrNotDatabase, words: damageWords}
	empty := outcome{step: "open", sentinel: ErrEmpty, words: []string{"holds no iro data", "restore it from your backup", "delete it"}}
	intact := outcome{children: children}

	truncated := func(n int64) func() []byte { return func() []byte { return file[:n] } }
	xored := func(off, n int64) func() []byte {
		return func() []byte {
			b := append([]byte(nil), file...)
			for i := off; i < off+n; i++ {
				b[i] ^= 0xa5
			}
			return b
		}
	}
	garbled := func(page int64) func() []byte {
		return func() []byte {
			b := append([]byte(nil), file...)
			for i := (page - 1) * pageSize; i < page*pageSize; i++ {
				b[i] = byte(i*31 + 7)
			}
			return b
		}
	}

	for _, tc := range []struct {
		name  string
		file  func() []byte
		want  outcome
		found bool // Check, where it can run, reports problems
	}{
		{"zero-length file", truncated(0), empty, false},
		{"one byte (SQLite reads it as empty)", truncated(1), empty, false},
		{"cut inside the 100-byte header", truncated(50), refused, false},
		{"cut at the end of the header", truncated(100), refused, false},
		{"cut inside the first page", truncated(pageSize / 2), refused, false},
		{"cut after the first page", truncated(pageSize), refused, false},
		{"cut inside the third page", truncated(2*pageSize + 1234), refused, false},
		{"cut in half, mid-page", truncated(size/2 + 777), refused, false},
		{"last page missing", truncated(size - pageSize), refused, false},
		// SQLite alone would read the missing end of the last page as
		// zeros: rows of NULLs, or fewer rows.
		{"cut 1 byte short", truncated(size - 1), refused, false},
		{"cut 100 bytes short", truncated(size - 100), refused, false},
		{"cut half a page short", truncated(size - pageSize/2), refused, false},

		{"header: magic string garbled", xored(0, 16), refused, false},
		{"header: page size garbled", xored(16, 2), refused, false},
		{"header: file format versions garbled", xored(18, 2), refused, false},
		{"header: database size garbled", xored(28, 4), refused, false},
		{"header: schema format garbled", xored(44, 4), refused, false},
		{"header: user_version made negative (panicked before)", xored(60, 4), refused, false},
		{"header: application id garbled", xored(68, 4), refused, false},
		{"header: all 100 bytes garbled", xored(0, 100), refused, false},
		{"header: change counter garbled (SQLite does not need it)", xored(24, 4), intact, false},
		{"header: SQLite version garbled (SQLite does not need it)", xored(92, 8), intact, false},

		{"middle: an index page garbled", garbled(root["outbox_entity"]), intact, true},
		{"middle: the key material's page garbled", garbled(root["key_material"]), outcome{step: "unlock"}, true},
		{"middle: the child table's root page garbled", garbled(root["child"]), outcome{step: "caseload"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "iro.db")
			writeFile(t, path, tc.file())
			tc.want.verify(t, path, openAsTheIRO(path))
			if tc.want.step == "open" {
				return
			}
			// Where the database still unlocks, iro check is the way to
			// find out what is damaged.
			if r, ok := checkIfUnlocks(t, path); ok && (len(r.Problems) > 0) != tc.found {
				t.Errorf("Check found %v; want problems: %v", r.Problems, tc.found)
			}
		})
	}
}

// checkIfUnlocks runs Check on path if it opens and unlocks.
func checkIfUnlocks(t *testing.T, path string) (Report, bool) {
	t.Helper()
	ctx := context.Background()
	db, err := Open(ctx, path)
	if err != nil {
		return Report{}, false
	}
	defer db.Close()
	if db.Unlock(ctx, passphrase) != nil {
		return Report{}, false
	}
	r, err := db.Check(ctx)
	if err != nil {
		t.Fatalf("Check = %v; damage belongs in the report", err)
	}
	return r, true
}

func TestNotAFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "iro.db")
	if err := os.Mkdir(path, 0o700); err != nil {
		t.Fatal(err)
	}
	outcome{step: "open", words: []string{"is a folder, not a database file"}}.verify(t, path, openAsTheIRO(path))
}

func TestUnreadableFile(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("NOT TESTED: running as root, whom file permissions do not stop; run the tests as a normal user to cover an unreadable file")
	}
	t.Parallel()
	db, path := unlockedTestDB(t)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.Chmod(path, 0o600) })
	outcome{step: "open", words: []string{"not allowed to read and write it", "chmod 600"}}.verify(t, path, openAsTheIRO(path))
}

// TestDeletedWAL: in WAL mode a commit lands in the -wal file and reaches
// the main file only at a checkpoint (on close, or every 1000 pages). A
// crash leaves the newest commits in the -wal alone; if it is then lost,
// SQLite would open the older main file as if nothing had happened.
func TestDeletedWAL(t *testing.T) {
	t.Parallel()
	walMissing := outcome{step: "open", sentinel: ErrWALMissing,
		words: []string{"-wal file, which is missing or cut short", "restore the database and its -wal file together from your backup", "delete iro.db-shm"}}
	empty := outcome{step: "open", sentinel: ErrEmpty, words: []string{"holds no iro data", "restore it from your backup"}}

	for _, tc := range []struct {
		name string
		// before and during are how many children are saved in a session
		// closed cleanly, then in one that crashes (0: no such session).
		before, during int
		keep           []string // which of -wal and -shm survive the crash
		cutWAL         bool     // the surviving -wal is cut in half
		want           outcome
	}{
		{"closed cleanly: the close checkpoints, no -wal is left to lose", 3, 0, nil, false, outcome{children: 3}},
		{"crashed, -wal kept", 0, 3, []string{"-wal", "-shm"}, false, outcome{children: 3}},
		{"crashed, -wal kept, -shm deleted", 0, 3, []string{"-wal"}, false, outcome{children: 3}},
		{"crashed in the first session, -wal deleted", 0, 3, []string{"-shm"}, false, walMissing},
		{"crashed in the first session, -wal cut short", 0, 3, []string{"-wal", "-shm"}, true, walMissing},
		{"crashed in the first session, -wal and -shm deleted", 0, 3, nil, false, empty},
		{"crashed after a checkpoint, -wal deleted", 2, 3, []string{"-shm"}, false, walMissing},
		// Deleting the -shm is the way out the message offers when there
		// is no backup: the database as it was at the last checkpoint.
		{"crashed after a checkpoint, -wal and -shm deleted", 2, 3, nil, false, outcome{children: 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			path := filepath.Join(t.TempDir(), "iro.db")
			db, err := Open(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = db.Close() })
			if err := db.Initialise(ctx, passphrase, false, vault.MinParams); err != nil {
				t.Fatal(err)
			}
			for range tc.before {
				addCycleChild(t, db)
			}
			if tc.during == 0 {
				if err := db.Close(); err != nil {
					t.Fatal(err)
				}
				if _, err := os.Stat(path + "-wal"); !errors.Is(err, os.ErrNotExist) {
					t.Fatalf("-wal still there after a clean close (stat: %v): the close did not checkpoint", err)
				}
				tc.want.verify(t, path, openAsTheIRO(path))
				return
			}
			if tc.before > 0 { // close and reopen: the first children are checkpointed
				if err := db.Close(); err != nil {
					t.Fatal(err)
				}
				if db, err = Open(ctx, path); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { _ = db.Close() })
				if err := db.Unlock(ctx, passphrase); err != nil {
					t.Fatal(err)
				}
			}
			for range tc.during {
				addCycleChild(t, db)
			}
			// The crash: the files as they are now, while iro still has
			// them open, copied elsewhere without the lost ones.
			crashed := filepath.Join(t.TempDir(), "iro.db")
			copyFile(t, path, crashed, false)
			for _, suffix := range tc.keep {
				copyFile(t, path+suffix, crashed+suffix, suffix == "-wal" && tc.cutWAL)
			}
			tc.want.verify(t, crashed, openAsTheIRO(crashed))
		})
	}
}

// copyFile copies src to dst, or only its first half.
func copyFile(t *testing.T, src, dst string, half bool) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if half {
		b = b[:len(b)/2]
	}
	writeFile(t, dst, b)
}
