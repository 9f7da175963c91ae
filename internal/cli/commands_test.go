package cli_test

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/iro-app/iro/internal/cli"
	"github.com/iro-app/iro/internal/vault"
	"github.com/iro-app/iro/store"
)

// isolate pins today and points every XDG directory and iro variable away
// from the real home, so a test can only touch its own temporary files.
func isolate(t *testing.T) {
	t.Helper()
	t.Setenv("IRO_TODAY", "2026-11-22")
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	t.Setenv("IRO_DB", "")
	t.Setenv(cli.EnvPassphraseFile, "")
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// govUKFile is a GOV.UK bank-holidays.json with the given England & Wales
// events (and a Scottish one, which the import must ignore).
func govUKFile(events ...string) string {
	return `{"england-and-wales":{"division":"england-and-wales","events":[` + strings.Join(events, ",") + `]},` +
		`"scotland":{"division":"scotland","events":[{"title":"St Andrew’s Day","date":"2031-06-03","notes":"","bunting":true}]}}`
}

// holidays2031 are the England & Wales bank holidays of 2031 by the standing
// rules (Easter Sunday is 13 April 2031), all on weekdays.
var holidays2031 = []string{
	`{"title":"New Year’s Day","date":"2031-01-01","notes":"","bunting":true}`,
	`{"title":"Good Friday","date":"2031-04-11","notes":"","bunting":false}`,
	`{"title":"Easter Monday","date":"2031-04-14","notes":"","bunting":true}`,
	`{"title":"Early May bank holiday","date":"2031-05-05","notes":"","bunting":true}`,
	`{"title":"Spring bank holiday","date":"2031-05-26","notes":"","bunting":true}`,
	`{"title":"Summer bank holiday","date":"2031-08-25","notes":"","bunting":true}`,
	`{"title":"Christmas Day","date":"2031-12-25","notes":"","bunting":true}`,
	`{"title":"Boxing Day","date":"2031-12-26","notes":"","bunting":true}`,
}

// extraHoliday is made up: a Tuesday off in June 2031.
const extraHoliday = `{"title":"Made-up holiday","date":"2031-06-10","notes":"","bunting":true}`

// A child who became looked after on Monday 2 June 2031 has review 1 within
// 20 working days: Tuesday 3 June is day 1, and with no holiday in June day
// 20 is Monday 30 June. With Tuesday 10 June off it is Tuesday 1 July.
const (
	scheduleWithoutExtra = `{"kind":"lac","meetings":[{"due":"2031-06-30"}],"next":{"due":"2031-06-30"}}` + "\n"
	scheduleWithExtra    = `{"kind":"lac","meetings":[{"due":"2031-07-01"}],"next":{"due":"2031-07-01"}}` + "\n"
)

func scheduleJune2031(t *testing.T, db string) string {
	t.Helper()
	code, stdout, stderr := runIRO(t, "schedule", "lac", "--start", "2031-06-02", "--json", "--db", db)
	if code != cli.ExitOK || stderr != "" {
		t.Fatalf("schedule: exit %d, stderr %q", code, stderr)
	}
	return stdout
}

func TestHolidaysImport(t *testing.T) {
	isolate(t)
	db := filepath.Join(t.TempDir(), "iro.db")

	if got := scheduleJune2031(t, db); got != scheduleWithoutExtra {
		t.Fatalf("before any import, schedule = %s want %s", got, scheduleWithoutExtra)
	}

	withExtra := writeFile(t, "bank-holidays.json", govUKFile(append(slices.Clone(holidays2031), extraHoliday)...))
	code, stdout, stderr := runIRO(t, "holidays", "import", withExtra, "--db", db)
	if code != cli.ExitOK || stderr != "" {
		t.Fatalf("import: exit %d, stderr %q", code, stderr)
	}
	if want := "Imported 9 England & Wales bank holidays, 2031 to 2031.\n"; stdout != want {
		t.Fatalf("import said %q, want %q", stdout, want)
	}
	if got := scheduleJune2031(t, db); got != scheduleWithExtra {
		t.Fatalf("after the import, schedule = %s want %s", got, scheduleWithExtra)
	}

	// Each bad file would drop the made-up holiday if any of it were taken in.
	bad := []struct {
		name    string
		content string
		want    string // part of the one-line reason
	}{
		{"not JSON", "Date,Title\n2031-01-01,New Year\n", "not valid JSON at byte 1"},
		{"bad date", govUKFile(append(slices.Clone(holidays2031), `{"title":"Odd","date":"2031-02-30","notes":""}`)...),
			`event 9: date "2031-02-30" is not a date (want YYYY-MM-DD)`},
		{"missing division", `{"scotland":{"division":"scotland","events":[` + holidays2031[0] + `]}}`,
			`no "england-and-wales" division`},
		{"empty", "", "file is empty"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, "bank-holidays.json", tt.content)
			code, stdout, stderr := runIRO(t, "holidays", "import", path, "--db", db)
			if code != cli.ExitUsage {
				t.Errorf("exit %d, want %d", code, cli.ExitUsage)
			}
			if stdout != "" {
				t.Errorf("stdout %q, want nothing", stdout)
			}
			prefix := "iro: holidays import: " + path + ": "
			if !strings.HasPrefix(stderr, prefix) || !strings.Contains(stderr, tt.want) ||
				!strings.HasSuffix(stderr, "\n") || strings.Count(stderr, "\n") != 1 {
				t.Errorf("stderr %q\nwant one line starting %q and naming %q", stderr, prefix, tt.want)
			}
			if got := scheduleJune2031(t, db); got != scheduleWithExtra {
				t.Errorf("after a failed import, schedule = %s want %s", got, scheduleWithExtra)
			}
		})
	}

	t.Run("missing file", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "no-such-file.json")
		code, stdout, stderr := runIRO(t, "holidays", "import", path, "--db", db)
		if code != cli.ExitUsage || stdout != "" {
			t.Errorf("exit %d, stdout %q; want %d and nothing", code, stdout, cli.ExitUsage)
		}
		if !strings.HasPrefix(stderr, "iro: holidays import: ") || !strings.Contains(stderr, "no-such-file.json") ||
			strings.Count(stderr, "\n") != 1 {
			t.Errorf("stderr %q, want one line naming the file", stderr)
		}
		if got := scheduleJune2031(t, db); got != scheduleWithExtra {
			t.Errorf("after a failed import, schedule = %s want %s", got, scheduleWithExtra)
		}
	})

	t.Run("a later file replaces the year", func(t *testing.T) {
		plain := writeFile(t, "bank-holidays.json", govUKFile(holidays2031...))
		code, stdout, stderr := runIRO(t, "holidays", "import", plain, "--db", db)
		if code != cli.ExitOK || stderr != "" {
			t.Fatalf("import: exit %d, stderr %q", code, stderr)
		}
		if want := "Imported 8 England & Wales bank holidays, 2031 to 2031.\n"; stdout != want {
			t.Errorf("import said %q, want %q", stdout, want)
		}
		if got := scheduleJune2031(t, db); got != scheduleWithoutExtra {
			t.Errorf("schedule = %s want %s", got, scheduleWithoutExtra)
		}
	})
}

// caseloadRow is one object of `iro caseload --json`, keys kept as found.
type caseloadRow map[string]json.RawMessage

func (r caseloadRow) str(t *testing.T, key string) string {
	t.Helper()
	raw, ok := r[key]
	if !ok {
		return ""
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatalf("%q is %s, want a string", key, raw)
	}
	return s
}

func caseloadJSON(t *testing.T, args ...string) []caseloadRow {
	t.Helper()
	code, stdout, stderr := runIRO(t, append([]string{"caseload", "--json"}, args...)...)
	if code != cli.ExitOK || stderr != "" {
		t.Fatalf("caseload --json: exit %d, stderr %q", code, stderr)
	}
	var rows []caseloadRow
	if err := json.Unmarshal([]byte(stdout), &rows); err != nil {
		t.Fatalf("caseload --json printed %q: %v", stdout, err)
	}
	return rows
}

func rowIDs(t *testing.T, rows []caseloadRow) []string {
	t.Helper()
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.str(t, "id")
	}
	return out
}

func TestDemoAndCaseload(t *testing.T) {
	isolate(t)
	db := filepath.Join(t.TempDir(), "demo.db")

	code, stdout, stderr := runIRO(t, "demo", "--no-tui", "--db", db, "--children", "12")
	if code != cli.ExitOK || stderr != "" {
		t.Fatalf("demo: exit %d, stderr %q", code, stderr)
	}
	if stdout != db+"\n" {
		t.Fatalf("demo printed %q, want the path %q", stdout, db)
	}

	rows := caseloadJSON(t, "--db", db)
	if len(rows) != 12 {
		t.Fatalf("caseload has %d children, want 12", len(rows))
	}
	wantKeys := []string{"due", "id", "la_id", "name", "next_event"}
	seen := map[string]bool{}
	lastDue, noneSeen := "", false
	for i, r := range rows {
		keys := slices.Sorted(maps.Keys(r))
		if !slices.Equal(keys, wantKeys) {
			t.Errorf("row %d has keys %v, want %v", i, keys, wantKeys)
		}
		id := r.str(t, "id")
		if id == "" || seen[id] {
			t.Errorf("row %d: id %q is empty or repeated", i, id)
		}
		seen[id] = true
		if r.str(t, "la_id") == "" || r.str(t, "name") == "" {
			t.Errorf("row %d: la_id %q, name %q; want both", i, r.str(t, "la_id"), r.str(t, "name"))
		}
		// ISO dates sort as strings; a child with nothing due comes last.
		due := r.str(t, "due")
		switch {
		case due == "":
			noneSeen = true
		case noneSeen:
			t.Errorf("row %d is due %s after a child with nothing due", i, due)
		case due < lastDue:
			t.Errorf("row %d is due %s, before row %d's %s: not sorted by due", i, due, i-1, lastDue)
		default:
			lastDue = due
		}
	}

	t.Run("table", func(t *testing.T) {
		code, stdout, stderr := runIRO(t, "caseload", "--db", db)
		if code != cli.ExitOK || stderr != "" {
			t.Fatalf("caseload: exit %d, stderr %q", code, stderr)
		}
		lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
		if len(lines) != 13 {
			t.Fatalf("table has %d lines, want a header and 12 rows:\n%s", len(lines), stdout)
		}
		if got := strings.Fields(lines[0]); !slices.Equal(got, []string{"LA", "id", "Name", "Next", "event", "Due", "Status"}) {
			t.Errorf("header %q", lines[0])
		}
		for i, line := range lines[1:] {
			r := rows[i]
			if !strings.HasPrefix(line, r.str(t, "la_id")+" ") || !strings.Contains(line, r.str(t, "name")) ||
				!strings.Contains(line, r.str(t, "next_event")) || !strings.Contains(line, r.str(t, "due")) {
				t.Errorf("table row %d %q does not match JSON row %v", i+1, line, r)
			}
			// Before today (Sunday 22 November 2026) is overdue, whatever else.
			if due := r.str(t, "due"); due != "" && due < "2026-11-22" && !strings.HasSuffix(line, "OVERDUE") {
				t.Errorf("table row %d %q is due %s, before today, but not OVERDUE", i+1, line, due)
			}
			if !slices.ContainsFunc([]string{"OVERDUE", "due soon", "on track", "none due"}, func(w string) bool {
				return strings.HasSuffix(line, w)
			}) {
				t.Errorf("table row %d %q does not end with a status word", i+1, line)
			}
		}
	})

	t.Run("reopen", func(t *testing.T) {
		code, stdout, stderr := runIRO(t, "demo", "--no-tui", "--db", db)
		if code != cli.ExitOK || stderr != "" || stdout != db+"\n" {
			t.Fatalf("demo again: exit %d, stdout %q, stderr %q", code, stdout, stderr)
		}
		if got, want := rowIDs(t, caseloadJSON(t, "--db", db)), rowIDs(t, rows); !slices.Equal(got, want) {
			t.Fatalf("reopened caseload %v\nwant the same children %v", got, want)
		}
	})

	t.Run("fresh", func(t *testing.T) {
		code, stdout, stderr := runIRO(t, "demo", "--no-tui", "--fresh", "--db", db, "--children", "3")
		if code != cli.ExitOK || stderr != "" || stdout != db+"\n" {
			t.Fatalf("demo --fresh: exit %d, stdout %q, stderr %q", code, stdout, stderr)
		}
		fresh := rowIDs(t, caseloadJSON(t, "--db", db))
		if len(fresh) != 3 {
			t.Fatalf("fresh caseload has %d children, want 3", len(fresh))
		}
		for _, id := range fresh {
			if seen[id] {
				t.Errorf("child %s survived --fresh", id)
			}
		}
	})
}

func TestDemoChildrenOutOfRange(t *testing.T) {
	isolate(t)
	tests := []struct {
		children string
		want     string
	}{
		{"0", "iro: --children must be between 1 and 5000, not 0\n"},
		{"-1", "iro: --children must be between 1 and 5000, not -1\n"},
		{"5001", "iro: --children must be between 1 and 5000, not 5001\n"},
		{"twelve", ""}, // cobra's own wording; only the exit code is ours
	}
	for _, tt := range tests {
		t.Run(tt.children, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "demo.db")
			code, stdout, stderr := runIRO(t, "demo", "--no-tui", "--db", db, "--children", tt.children)
			if code != cli.ExitUsage || stdout != "" {
				t.Errorf("exit %d, stdout %q; want %d and nothing", code, stdout, cli.ExitUsage)
			}
			if tt.want != "" && stderr != tt.want {
				t.Errorf("stderr %q, want %q", stderr, tt.want)
			}
			if strings.Count(stderr, "\n") != 1 {
				t.Errorf("stderr %q, want one line", stderr)
			}
			if _, err := os.Stat(db); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("a database was created at %s (stat: %v)", db, err)
			}
		})
	}
}

const realPassphrase = "correct horse battery"

// newRealDB makes a database with a passphrase, as the first run of the TUI
// would, and closes it.
func newRealDB(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "iro.db")
	ctx := context.Background()
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Initialise(ctx, []byte(realPassphrase), false, vault.MinParams); err != nil {
		db.Close()
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestRealDatabase(t *testing.T) {
	isolate(t)
	db := newRealDB(t)
	right := writeFile(t, "passphrase", realPassphrase+"\n")
	wrong := writeFile(t, "passphrase", "incorrect horse battery\n")

	caseload := []struct {
		name       string
		passFile   string
		wantCode   int
		wantStdout string
		wantStderr string // part of the message; "" when there should be none
	}{
		{"no passphrase file", "", cli.ExitFailure, "", cli.EnvPassphraseFile},
		{"passphrase file missing", filepath.Join(t.TempDir(), "nothing-here"), cli.ExitFailure, "", cli.EnvPassphraseFile},
		{"wrong passphrase", wrong, cli.ExitFailure, "", "wrong passphrase"},
		{"right passphrase and a newline", right, cli.ExitOK, "[]\n", ""},
	}
	for _, tt := range caseload {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(cli.EnvPassphraseFile, tt.passFile)
			code, stdout, stderr := runIRO(t, "caseload", "--json", "--db", db)
			if code != tt.wantCode || stdout != tt.wantStdout {
				t.Errorf("exit %d, stdout %q; want %d, %q", code, stdout, tt.wantCode, tt.wantStdout)
			}
			if tt.wantStderr == "" && stderr != "" {
				t.Errorf("stderr %q, want nothing", stderr)
			}
			if tt.wantStderr != "" && (!strings.HasPrefix(stderr, "iro: ") || !strings.Contains(stderr, tt.wantStderr)) {
				t.Errorf("stderr %q, want a message naming %q", stderr, tt.wantStderr)
			}
		})
	}

	for _, args := range [][]string{
		{"demo", "--no-tui", "--db", db},
		{"demo", "--no-tui", "--fresh", "--db", db},
		{"demo", "--no-tui", "--fresh", "--db", db, "--children", "3"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			code, stdout, stderr := runIRO(t, args...)
			if code == cli.ExitOK || stdout != "" {
				t.Errorf("exit %d, stdout %q; want a refusal", code, stdout)
			}
			if !strings.Contains(stderr, "not a demo") {
				t.Errorf("stderr %q, want it to say the database is not a demo", stderr)
			}
		})
	}

	t.Run("still opens afterwards", func(t *testing.T) {
		t.Setenv(cli.EnvPassphraseFile, right)
		code, stdout, stderr := runIRO(t, "caseload", "--json", "--db", db)
		if code != cli.ExitOK || stdout != "[]\n" || stderr != "" {
			t.Fatalf("exit %d, stdout %q, stderr %q; want the empty caseload", code, stdout, stderr)
		}
		s, err := store.Open(context.Background(), db)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if isDemo, err := s.IsDemo(context.Background()); err != nil || isDemo {
			t.Fatalf("IsDemo = %v, %v; want a real database still", isDemo, err)
		}
	})
}

func TestBadToday(t *testing.T) {
	isolate(t)
	t.Setenv("IRO_TODAY", "2026-02-30")
	holidays := writeFile(t, "bank-holidays.json", govUKFile(holidays2031...))
	const want = `iro: IRO_TODAY: "2026-02-30" is not a date in the form YYYY-MM-DD` + "\n"
	tests := [][]string{
		{"caseload", "--json"},
		{"demo", "--no-tui", "--children", "3"},
		{"holidays", "import", holidays},
		{"schedule", "lac", "--start", "2026-01-02"},
	}
	for _, args := range tests {
		t.Run(args[0], func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "iro.db")
			code, stdout, stderr := runIRO(t, append(args, "--db", db)...)
			if code != cli.ExitUsage || stdout != "" || stderr != want {
				t.Errorf("exit %d, stdout %q, stderr %q; want %d, nothing, %q", code, stdout, stderr, cli.ExitUsage, want)
			}
			if _, err := os.Stat(db); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("a database was created at %s (stat: %v)", db, err)
			}
		})
	}
}

// A read-only command given a path with no database (a typo in --db) says so
// and leaves nothing behind, as schedule does.
func TestCaseloadNoDatabase(t *testing.T) {
	isolate(t)
	dir := filepath.Join(t.TempDir(), "typo")
	db := filepath.Join(dir, "iro.db")
	code, stdout, stderr := runIRO(t, "caseload", "--db", db)
	if code != cli.ExitFailure || stdout != "" {
		t.Errorf("exit %d, stdout %q; want %d and nothing", code, stdout, cli.ExitFailure)
	}
	if !strings.HasPrefix(stderr, "iro: ") || !strings.Contains(stderr, db) || strings.Count(stderr, "\n") != 1 {
		t.Errorf("stderr %q, want one line naming %s", stderr, db)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("caseload created %s (stat: %v)", dir, err)
	}
}
