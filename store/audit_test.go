// External test package, so that it can drive the audited code paths
// through cli.Run as well as through the store's own API.
package store_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/iro-app/iro/internal/calendar"
	"github.com/iro-app/iro/internal/child"
	"github.com/iro-app/iro/internal/cli"
	"github.com/iro-app/iro/internal/vault"
	"github.com/iro-app/iro/store"
)

const (
	auditPass    = "a quiet harbour at dusk"
	auditNewPass = "lanterns over the weir"
	auditIRO     = "R. Okafor"
)

// auditChild is a looked-after child with a held review, so that `iro
// record` has something to print; its sealed values must never reach the
// audit log.
func auditChild() child.Child {
	d := calendar.MustParse
	return child.Child{
		LAID: "LA-778899", FirstName: "Marigold", LastName: "Featherstonehaugh", DOB: d("2014-03-09"),
		Sex: "2", Ethnicity: "WBRI", UPN: "H801200001001", HomeLA: "E08000035", PlanStatus: "Long-term fostering",
		Episodes: []child.Episode{{Start: d("2025-06-01"), LegalStatus: "C2", Placement: "U4", ReasonNew: "S",
			Provider: "Mr and Mrs Ashdown", PostcodeDistrict: "LS6", DistanceMiles: 3.5}},
		Reviews: []child.Review{{Kind: child.LAC, Sequence: 1, Due: d("2025-06-29"), Held: d("2025-06-25"),
			Location: "Hollybank foster home", ParticipationCode: "PN1", State: "held"}},
	}
}

// sealedValues are the fixture's sealed values, and the passphrases.
var sealedValues = []string{"LA-778899", "Marigold", "Featherstonehaugh", "H801200001001", "Long-term fostering",
	"Mr and Mrs Ashdown", "Hollybank foster home", auditPass, auditNewPass}

func newAuditDB(t *testing.T) (*store.DB, string) {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "iro.db")
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	if err := db.Initialise(ctx, []byte(auditPass), false, vault.MinParams); err != nil {
		t.Fatal(err)
	}
	return db, path
}

func events(t *testing.T, db *store.DB) []string {
	t.Helper()
	log, err := db.AuditLog(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for i := len(log) - 1; i >= 0; i-- { // oldest first reads more easily
		out = append(out, log[i].Event)
	}
	return out
}

func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = raw.Close() })
	return raw
}

func TestAuditBeforeSetupAndLimit(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "iro.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Audit(ctx, store.AuditSync, "first"); err != nil {
		t.Fatalf("Audit while locked and before setup: %v", err)
	}
	if err := db.SetSetting(ctx, "iro_name", auditIRO); err != nil {
		t.Fatal(err)
	}
	if err := db.Audit(ctx, store.AuditPurge, "second"); err != nil {
		t.Fatal(err)
	}
	if err := db.Audit(ctx, "rename_child", ""); err == nil {
		t.Error("Audit accepted an unknown event")
	}
	log, err := db.AuditLog(ctx, 1)
	if err != nil || len(log) != 1 || log[0].Event != store.AuditPurge || log[0].Who != auditIRO || log[0].Detail != "second" {
		t.Fatalf("AuditLog(1) = %+v, %v", log, err)
	}
	if d := time.Since(log[0].At); d < 0 || d > time.Minute || log[0].At.Location() != time.UTC {
		t.Errorf("At = %v", log[0].At)
	}
	all, err := db.AuditLog(ctx, 0)
	if err != nil || len(all) != 2 || all[1].Who != "" || all[1].Event != store.AuditSync {
		t.Fatalf("AuditLog(0) = %+v, %v", all, err)
	}
}

func TestAuditStorePaths(t *testing.T) {
	ctx := context.Background()
	db, _ := newAuditDB(t)
	if err := db.SetSetting(ctx, "iro_name", auditIRO); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	db.Lock() // Initialise left it unlocked
	db.Lock() // already locked: nothing to record
	if err := db.UnlockWithBackoff(ctx, []byte("not the passphrase"), now); !errors.Is(err, vault.ErrWrongPassphrase) {
		t.Fatalf("wrong passphrase: %v", err)
	}
	if err := db.UnlockWithBackoff(ctx, []byte(auditPass), now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := db.ChangePassphrase(ctx, []byte("not the passphrase"), []byte(auditNewPass)); err == nil {
		t.Fatal("ChangePassphrase with a wrong passphrase succeeded")
	}
	if err := db.ChangePassphrase(ctx, []byte(auditPass), []byte(auditNewPass)); err != nil {
		t.Fatal(err)
	}
	db.Lock()
	want := []string{"lock", "unlock_failed", "unlock", "passphrase_change", "lock"}
	if got := events(t, db); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("events = %v, want %v", got, want)
	}
	log, _ := db.AuditLog(ctx, 0)
	for _, e := range log {
		if e.Who != auditIRO {
			t.Errorf("%s: who = %q", e.Event, e.Who)
		}
	}
	if log[2].At != now.Add(time.Hour) || log[3].At != now {
		t.Errorf("unlocks not stamped with the attempt's time: %v, %v", log[2].At, log[3].At)
	}
}

func TestAuditAppendOnly(t *testing.T) {
	ctx := context.Background()
	db, path := newAuditDB(t)
	if err := db.Audit(ctx, store.AuditSync, "pushed"); err != nil {
		t.Fatal(err)
	}
	raw := rawDB(t, path)
	for _, q := range []string{
		"UPDATE audit SET detail = 'edited'",
		"UPDATE audit SET who = 'someone else' WHERE id = 1",
		"DELETE FROM audit",
		"DELETE FROM audit WHERE id = 1",
	} {
		if _, err := raw.ExecContext(ctx, q); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v, want refused", q, err)
		}
	}
	if log, err := db.AuditLog(ctx, 0); err != nil || len(log) != 1 || log[0].Detail != "pushed" {
		t.Errorf("after refused edits: %+v, %v", log, err)
	}
	// It is local: Check must accept it, and nothing queues it for sync.
	if ops, err := db.PendingOps(ctx, 0); err != nil || len(ops) != 0 {
		t.Errorf("audit queued %d ops (%v)", len(ops), err)
	}
}

// TestAuditMigrateFromVersion3 makes a version-3 database (the audit table
// and its triggers dropped, as 0001–0003 left it) with a caseload, and opens
// it: the migration adds the log and keeps the data.
func TestAuditMigrateFromVersion3(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "iro.db")
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Initialise(ctx, []byte(auditPass), false, vault.MinParams); err != nil {
		t.Fatal(err)
	}
	if err := db.SetSetting(ctx, "iro_name", auditIRO); err != nil {
		t.Fatal(err)
	}
	if err := db.Update(ctx, func(tx *store.Tx) error { return store.AddChildren(tx, []child.Child{auditChild()}) }); err != nil {
		t.Fatal(err)
	}
	before, err := db.Caseload(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ops, err := db.PendingOps(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	var latest int
	if err := rawDB(t, path).QueryRow("PRAGMA user_version").Scan(&latest); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	// 0005 to 0007 undone too, so that they all run again.
	for _, q := range []string{"DROP TABLE sync_set_aside", "DROP TRIGGER outbox_pulled_to", "ALTER TABLE outbox DROP COLUMN pulled_to",
		"ALTER TABLE outbox DROP COLUMN resent", "DROP TRIGGER audit_no_update", "DROP TRIGGER audit_no_delete", "DROP TABLE audit",
		"DROP TABLE sync_state", "DROP TABLE sync_entity", "DROP TABLE sync_conflict", "DROP TABLE sync_revoked",
		"DROP TABLE sync_parked", "ALTER TABLE outbox DROP COLUMN sent_at", "ALTER TABLE outbox DROP COLUMN reason",
		"PRAGMA user_version = 3"} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := raw.Close(); err != nil {
		t.Fatal(err)
	}

	db, err = store.Open(ctx, path)
	if err != nil {
		t.Fatalf("Open of a version-3 database: %v", err)
	}
	defer db.Close()
	if err := db.UnlockWithBackoff(ctx, []byte(auditPass), time.Now()); err != nil {
		t.Fatal(err)
	}
	after, err := db.Caseload(ctx)
	if err != nil || len(after) != 1 || after[0].LAID != before[0].LAID || after[0].FirstName != "Marigold" {
		t.Fatalf("caseload after migration: %+v, %v", after, err)
	}
	if got, err := db.PendingOps(ctx, 0); err != nil || len(got) != len(ops) {
		t.Errorf("outbox: %d ops, had %d (%v)", len(got), len(ops), err)
	}
	if got := events(t, db); strings.Join(got, " ") != "unlock" {
		t.Errorf("events after migration = %v, want [unlock]", got)
	}
	var version int
	if err := rawDB(t, path).QueryRow("PRAGMA user_version").Scan(&version); err != nil || version != latest {
		t.Errorf("user_version = %d (%v), want %d", version, err, latest)
	}
	if r, err := db.Check(ctx); err != nil || len(r.Problems) != 0 {
		t.Errorf("Check after migration: %+v, %v", r, err)
	}
}

// TestAuditCLIAndNoSealedValues drives `iro holidays import` and `iro
// record` through cli.Run alongside the store's audited calls, then reads
// the audit table raw for every sealed fixture value.
func TestAuditCLIAndNoSealedValues(t *testing.T) {
	t.Setenv("IRO_TODAY", "2026-11-22")
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	t.Setenv("IRO_DB", "")
	ctx := context.Background()
	db, path := newAuditDB(t)
	if err := db.SetSetting(ctx, "iro_name", auditIRO); err != nil {
		t.Fatal(err)
	}
	c := auditChild()
	if err := db.Update(ctx, func(tx *store.Tx) error { return store.AddChildren(tx, []child.Child{c}) }); err != nil {
		t.Fatal(err)
	}
	caseload, err := db.Caseload(ctx)
	if err != nil || len(caseload) != 1 {
		t.Fatal(caseload, err)
	}
	id := caseload[0].ID
	db.Lock()
	if err := db.UnlockWithBackoff(ctx, []byte("Marigold"), time.Now()); err == nil { // a name typed as a passphrase
		t.Fatal("wrong passphrase unlocked")
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	passFile := filepath.Join(dir, "pass")
	holidays := filepath.Join(dir, "bank-holidays.json")
	for name, content := range map[string]string{
		passFile: auditPass + "\n",
		holidays: `{"england-and-wales":{"division":"england-and-wales","events":[` +
			`{"title":"New Year’s Day","date":"2031-01-01","notes":"","bunting":true},` +
			`{"title":"Christmas Day","date":"2031-12-25","notes":"","bunting":true}]}}`,
	} {
		if err := os.WriteFile(name, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv(cli.EnvPassphraseFile, passFile)
	run := func(args ...string) string {
		t.Helper()
		var out, errb bytes.Buffer
		if code := cli.Run(ctx, append(args, "--db", path), strings.NewReader(""), &out, &errb); code != cli.ExitOK {
			t.Fatalf("iro %v: exit %d: %s", args, code, errb.String())
		}
		return out.String()
	}
	run("holidays", "import", holidays)
	if out := run("record", "LA-778899", "--format", "json"); !strings.Contains(out, "Marigold") {
		t.Fatalf("record printed no name: %.200s", out)
	}
	run("record", id, "--format", "md")

	db, err = store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	log, err := db.AuditLog(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for i := len(log) - 1; i >= 0; i-- {
		got = append(got, log[i].Event+": "+log[i].Detail)
	}
	want := []string{
		"lock: ", "unlock_failed: ",
		"import: bank holidays, 2 dates, 2031 to 2031",
		"unlock: ", "export: record of review, json, child " + id + ", review 1", "lock: ",
		"unlock: ", "export: record of review, md, child " + id + ", review 1", "lock: ",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("audit log:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// Read the table raw, every column, for every sealed value.
	rows, err := rawDB(t, path).Query("SELECT * FROM audit")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	n := 0
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		n++
		for i, v := range vals {
			s, _ := v.(string)
			for _, secret := range sealedValues {
				if strings.Contains(strings.ToLower(s), strings.ToLower(secret)) {
					t.Errorf("audit.%s holds the sealed value %q: %q", cols[i], secret, s)
				}
			}
		}
	}
	if err := rows.Err(); err != nil || n != len(want) {
		t.Errorf("scanned %d rows (%v), want %d", n, err, len(want))
	}
}
