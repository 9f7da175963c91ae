package cli_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/iro-app/iro/internal/cli"
	"github.com/iro-app/iro/internal/sanitize"
	"github.com/iro-app/iro/internal/server"
	"github.com/iro-app/iro/store/serverdb"
	"github.com/iro-app/iro/store/serverdb/serverdbtest"
)

// syncedLaptop is a demo laptop of n children enrolled with a server on
// dsn that holds them all, synced once. It returns the laptop's database
// and the children's ids.
func syncedLaptop(t *testing.T, dsn string, n int) (laptop string, children []string) {
	t.Helper()
	laptop = filepath.Join(t.TempDir(), "iro.db")
	if code, _, stderr := runIRO(t, "demo", "--no-tui", "--children", fmt.Sprint(n), "--db", laptop); code != cli.ExitOK {
		t.Fatalf("demo: %d %s", code, stderr)
	}
	_, caseload, _ := runIRO(t, "caseload", "--json", "--db", laptop)
	var kids []struct{ ID string }
	if err := json.Unmarshal([]byte(caseload), &kids); err != nil || len(kids) != n {
		t.Fatalf("caseload: %v %s", err, caseload)
	}
	args := []string{"serve", "allocate", "--iro", "Ada IRO", "--db", dsn}
	for _, k := range kids {
		args = append(args, "--child", k.ID)
		children = append(children, k.ID)
	}
	if code, _, stderr := runIRO(t, args...); code != cli.ExitOK {
		t.Fatalf("allocate: %d %s", code, stderr)
	}
	_, enrolCode, _ := runIRO(t, "serve", "enrol", "--iro", "Ada IRO", "--db", dsn)
	db, err := serverdb.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	srv := httptest.NewServer(server.New(db, server.Options{Now: time.Now}))
	t.Cleanup(srv.Close)
	if code, _, stderr := runIRO(t, "sync", "enrol", "--server", srv.URL, "--code", strings.TrimSpace(enrolCode), "--db", laptop); code != cli.ExitOK {
		t.Fatalf("sync enrol: %d %s", code, stderr)
	}
	if code, _, stderr := runIRO(t, "sync", "--db", laptop); code != cli.ExitOK {
		t.Fatalf("first sync: %d %s", code, stderr)
	}
	return laptop, children
}

// TestServeRecordRepairsWhatLaptopsSetAside: records a server stored
// before it checked pushes (an object for a first name, a review with no
// kind under a hostile id) reach the laptop, which sets them aside and
// syncs on; `iro sync set-aside` lists them; the admin inspects them with
// `iro serve record show` and repairs them with set and delete; the next
// sync brings the repairs and the list empties. All output is sanitised,
// and the JSON escapes rather than drops.
func TestServeRecordRepairsWhatLaptopsSetAside(t *testing.T) {
	isolate(t)
	serverdbtest.Each(t, func(t *testing.T, dsn string) {
		laptop, children := syncedLaptop(t, dsn, 2)
		kid := children[0]
		const hostileID = "r\x1b[2J\x1b]52;c;ZXZpbA==\x07x"

		// What an older server stored from a careless device.
		driver, rebind := "sqlite", func(q string) string { return q }
		if strings.HasPrefix(dsn, "postgres") {
			driver = "pgx"
			rebind = func(q string) string {
				for i := 1; strings.Contains(q, "?"); i++ {
					q = strings.Replace(q, "?", fmt.Sprintf("$%d", i), 1)
				}
				return q
			}
		}
		raw, err := sql.Open(driver, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer raw.Close()
		var fields string
		if err := raw.QueryRow(rebind("SELECT fields FROM entity WHERE entity = 'child' AND id = ?"), kid).Scan(&fields); err != nil {
			t.Fatal(err)
		}
		var f map[string]json.RawMessage
		if err := json.Unmarshal([]byte(fields), &f); err != nil {
			t.Fatal(err)
		}
		f["first_name"] = json.RawMessage(`{"x":"Ada"}`)
		f["last_name"] = json.RawMessage("\"Lovelace\u202e\u009b2J\"")
		badChild, _ := json.Marshal(f)
		noKind := `{"child_id":"` + kid + `","sequence":1,"state":"planned","participation_code":"","location":""}`
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{"UPDATE counter SET n = n + 1 WHERE id = 1", nil},
			{"UPDATE entity SET fields = ?, version = version + 1, change_no = (SELECT n FROM counter WHERE id = 1) WHERE entity = 'child' AND id = ?",
				[]any{string(badChild), kid}},
			{`INSERT INTO entity (entity, id, child_id, version, deleted, fields, field_meta, change_no)
				VALUES ('review', ?, ?, 1, FALSE, ?, '{}', (SELECT n FROM counter WHERE id = 1))`, []any{hostileID, kid, noKind}},
		} {
			if _, err := raw.Exec(rebind(q.sql), q.args...); err != nil {
				t.Fatalf("%s: %v", q.sql, err)
			}
		}

		code, out, stderr := runIRO(t, "sync", "--db", laptop)
		if code != cli.ExitOK || !strings.Contains(out, "2 set aside") || !strings.Contains(out, "iro sync set-aside") {
			t.Fatalf("sync with records it cannot store: exit %d, %q %q", code, out, stderr)
		}
		code, out, stderr = runIRO(t, "sync", "set-aside", "--db", laptop)
		if code != cli.ExitOK || !strings.Contains(out, "child  ") || !strings.Contains(out, kid) ||
			!strings.Contains(out, "field first_name: want text") || !strings.Contains(out, "a new review needs kind") {
			t.Fatalf("sync set-aside: exit %d, %q %q", code, out, stderr)
		}
		if sanitize.Text(out) != out || !strings.Contains(out, sanitize.Line(hostileID)) {
			t.Errorf("sync set-aside printed what a terminal acts on: %q", out)
		}

		code, out, stderr = runIRO(t, "serve", "record", "show", "--entity", "child", "--id", kid, "--db", dsn)
		if code != cli.ExitOK || !strings.Contains(out, "version 2") || !strings.Contains(out, `{"x":"Ada"}`) ||
			!strings.Contains(out, `"Lovelace"`) || sanitize.Text(out) != out {
			t.Fatalf("serve record show: exit %d, %q %q", code, out, stderr)
		}
		code, out, stderr = runIRO(t, "serve", "record", "show", "--entity", "review", "--id", hostileID, "--json", "--db", dsn)
		var shown serverdb.Record
		if code != cli.ExitOK || json.Unmarshal([]byte(out), &shown) != nil || shown.ID != hostileID || shown.ChildID != kid ||
			sanitize.Text(out) != out || !strings.Contains(out, `\u001b]52`) {
			t.Fatalf("serve record show --json: exit %d, %q %q", code, out, stderr)
		}
		code, out, _ = runIRO(t, "serve", "record", "show", "--entity", "child", "--id", kid, "--json", "--db", dsn)
		var lastName string
		if code != cli.ExitOK || json.Unmarshal([]byte(out), &shown) != nil || json.Unmarshal(shown.Fields["last_name"], &lastName) != nil ||
			lastName != "Lovelace\u202e\u009b2J" ||
			!strings.Contains(out, `Lovelace\u202e\u009b2J`) || sanitize.Text(out) != out {
			t.Errorf("serve record show --json of a hostile value (escaped, not dropped): %q", out)
		}

		// The repairs, and what is refused.
		for _, tt := range []struct {
			args []string
			code int
			says string
		}{
			{[]string{"set", "--entity", "child", "--id", kid, "--field", "first_name", "--value", "Ada"}, cli.ExitOK, "now version 3"},
			{[]string{"set", "--entity", "child", "--id", kid, "--field", "last_name", "--json-value", `"Lovelace"`}, cli.ExitOK, "now version 4"},
			{[]string{"set", "--entity", "child", "--id", kid, "--field", "first_name", "--value", "Ada"}, cli.ExitFailure, "nothing changed"},
			{[]string{"set", "--entity", "child", "--id", kid, "--field", "child_id", "--value", children[1]}, cli.ExitFailure, "refused"},
			{[]string{"set", "--entity", "child", "--id", kid, "--field", "first_name"}, cli.ExitUsage, "--value"},
			{[]string{"set", "--entity", "child", "--id", kid, "--field", "first_name", "--value", "A", "--json-value", `"A"`}, cli.ExitUsage, "either"},
			{[]string{"set", "--entity", "child", "--id", kid, "--field", "sequence", "--json-value", "two"}, cli.ExitUsage, "must be JSON"},
			{[]string{"show", "--entity", "child"}, cli.ExitUsage, "--id"},
			{[]string{"show", "--entity", "child", "--id", "no-such-child"}, cli.ExitFailure, "the server has no child no-such-child"},
			{[]string{"delete", "--entity", "review", "--id", hostileID + "-other"}, cli.ExitFailure, "the server has no review"},
			{[]string{"delete", "--entity", "review", "--id", hostileID}, cli.ExitOK, "deleted review"},
		} {
			code, out, stderr := runIRO(t, append(append([]string{"serve", "record"}, tt.args...), "--db", dsn)...)
			if code != tt.code || !strings.Contains(out+stderr, tt.says) || sanitize.Text(out+stderr) != out+stderr {
				t.Errorf("serve record %v: exit %d, %q %q; want %d saying %q", tt.args, code, out, stderr, tt.code, tt.says)
			}
		}

		code, out, stderr = runIRO(t, "sync", "--db", laptop)
		if code != cli.ExitOK || !strings.Contains(out, "0 set aside") {
			t.Fatalf("sync after the repairs: exit %d, %q %q", code, out, stderr)
		}
		if _, out, _ = runIRO(t, "sync", "set-aside", "--db", laptop); !strings.Contains(out, "nothing set aside") {
			t.Errorf("sync set-aside after the repairs: %q", out)
		}
		if _, out, _ = runIRO(t, "caseload", "--db", laptop); !strings.Contains(out, "Ada Lovelace") {
			t.Errorf("the repaired child is not on the caseload: %q", out)
		}
	})
}
