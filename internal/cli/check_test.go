package cli_test

import (
	"database/sql"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	_ "modernc.org/sqlite" // the raw connection that does the damage

	"github.com/iro-app/iro/internal/cli"
)

// demoCopy makes a 12-child demo database once per test and gives each
// caller its own copy.
func demoCopy(t *testing.T) func(t *testing.T) string {
	t.Helper()
	src := filepath.Join(t.TempDir(), "demo.db")
	if code, _, stderr := runIRO(t, "demo", "--no-tui", "--db", src, "--children", "12"); code != cli.ExitOK {
		t.Fatalf("demo: exit %d, stderr %q", code, stderr)
	}
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	return func(t *testing.T) string {
		path := filepath.Join(t.TempDir(), "iro.db")
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
}

// rawSQL runs statements on path over a plain connection (foreign keys
// off), as another SQLite tool would, and returns the first child's id.
func rawSQL(t *testing.T, path string, statements ...string) (firstChild string) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.QueryRow("SELECT id FROM child ORDER BY id LIMIT 1").Scan(&firstChild); err != nil {
		t.Fatal(err)
	}
	for _, s := range statements {
		if _, err := db.Exec(s, firstChild); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	return firstChild
}

var okLine = regexp.MustCompile(`^ok: (\d+) tables, (\d+) sealed values, (\d+) outbox ops checked\n$`)

func TestCheck(t *testing.T) {
	isolate(t)
	fresh := demoCopy(t)

	t.Run("clean", func(t *testing.T) {
		path := fresh(t)
		code, stdout, stderr := runIRO(t, "check", "--db", path)
		if code != cli.ExitOK || stderr != "" {
			t.Fatalf("exit %d, stderr %q; want 0 and nothing", code, stderr)
		}
		m := okLine.FindStringSubmatch(stdout)
		if m == nil {
			t.Fatalf("stdout %q, want %s", stdout, okLine)
		}
		for i, what := range []string{"tables", "sealed values", "outbox ops"} {
			if n, _ := strconv.Atoi(m[i+1]); n < 12 {
				t.Errorf("only %d %s checked in a 12-child demo", n, what)
			}
		}
	})

	// || makes text, which a STRICT BLOB column refuses: cast it back.
	flipFirstName := "UPDATE child SET first_name = CAST(substr(first_name, 1, 30) || " +
		"iif(substr(first_name, 31, 1) = x'00', x'01', x'00') || substr(first_name, 32) AS BLOB) WHERE id = ?"
	for _, tc := range []struct {
		name       string
		statements []string
		lines      func(child string) []string // on stdout
		count      string                      // in the one line on stderr
	}{
		{"a sealed value flipped", []string{flipFirstName}, func(child string) []string {
			return []string{"sealed: child.first_name of " + child + ": does not open: it was altered, cut short or copied from another row"}
		}, "1 problem found"},
		{"a plan for a missing child, its id an escape sequence (stripped)", []string{
			flipFirstName,
			"INSERT INTO cp_plan (id, child_id, version, created_at, updated_at, category) VALUES ('plan' || x'1b' || '[2J', 'nobody', 1, '', '', 'NEG')",
		}, func(child string) []string {
			return []string{
				"foreign key: cp_plan plan: refers to a child that does not exist",
				"sealed: child.first_name of " + child + ": does not open: it was altered, cut short or copied from another row",
			}
		}, "2 problems found"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := fresh(t)
			child := rawSQL(t, path, tc.statements...)
			code, stdout, stderr := runIRO(t, "check", "--db", path)
			if code != cli.ExitFailure {
				t.Errorf("exit %d, want %d", code, cli.ExitFailure)
			}
			if want := strings.Join(tc.lines(child), "\n") + "\n"; stdout != want {
				t.Errorf("stdout:\n%s\nwant:\n%s", stdout, want)
			}
			if !strings.HasPrefix(stderr, "iro: "+tc.count+" in "+path+": restore it from your backup") || strings.Count(stderr, "\n") != 1 {
				t.Errorf("stderr %q, want one line saying %q and how to recover", stderr, tc.count)
			}
		})
	}
}

// TestDamagedDatabaseCommands: a file that cannot be opened stops caseload
// and check alike with exit 1 and one line saying what is wrong and what
// to do.
func TestDamagedDatabaseCommands(t *testing.T) {
	isolate(t)
	fresh := demoCopy(t)
	rewrite := func(change func([]byte) []byte) func(t *testing.T) string {
		return func(t *testing.T) string {
			path := fresh(t)
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, change(b), 0o600); err != nil {
				t.Fatal(err)
			}
			return path
		}
	}
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T) string
		words []string
	}{
		{"cut short mid-page", rewrite(func(b []byte) []byte { return b[:len(b)/2+100] }),
			[]string{"damaged", "cut short", "restore it from your backup"}},
		{"garbage in the header", rewrite(func(b []byte) []byte { copy(b[:100], strings.Repeat("garbage ", 13)); return b }),
			[]string{"damaged", "restore it from your backup"}},
		{"zero-length", rewrite(func([]byte) []byte { return nil }),
			[]string{"holds no iro data", "restore it from your backup"}},
		{"a folder", func(t *testing.T) string {
			path := filepath.Join(t.TempDir(), "iro.db")
			if err := os.Mkdir(path, 0o700); err != nil {
				t.Fatal(err)
			}
			return path
		}, []string{"is a folder, not a database file"}},
	} {
		for _, command := range []string{"caseload", "check"} {
			t.Run(tc.name+"/"+command, func(t *testing.T) {
				path := tc.setup(t)
				code, stdout, stderr := runIRO(t, "--db", path, command)
				if code != cli.ExitFailure || stdout != "" {
					t.Errorf("exit %d, stdout %q; want %d and nothing", code, stdout, cli.ExitFailure)
				}
				if !strings.HasPrefix(stderr, "iro: ") || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, path) {
					t.Errorf("stderr %q, want one line naming %s", stderr, path)
				}
				for _, w := range tc.words {
					if !strings.Contains(stderr, w) {
						t.Errorf("stderr %q does not say %q", stderr, w)
					}
				}
			})
		}
	}
}
