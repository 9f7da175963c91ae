package store

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iro-app/iro/internal/child"
	"github.com/iro-app/iro/internal/protocol"
	"github.com/iro-app/iro/internal/review"
	"github.com/iro-app/iro/internal/vault"
)

// setAside reads the records set aside, by entity/id.
func setAside(t *testing.T, db *DB) map[string]SetAsideRecord {
	t.Helper()
	list, err := db.SetAsideRecords(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]SetAsideRecord{}
	for _, r := range list {
		out[r.Entity+"/"+r.ID] = r
	}
	return out
}

// badRecords are records of c no laptop can store, as a server that took
// any JSON once sent them (issue 11, item 2), each with a word its reason
// must name. The child's bad first name is a fixture value that must never
// reach the database files in plaintext.
func badRecords(c *child.Child) (map[string]protocol.Entity, map[string]string) {
	noKind := reviewEntity(c.ID, c.Reviews[1], 1, func(f map[string]json.RawMessage) { delete(f, "kind") })
	noKind.ID = "01900000-0000-7000-8000-00000000e001"
	rs := map[string]protocol.Entity{
		"a JSON object in a column": {Entity: "child", ID: c.ID, ChildID: c.ID, Version: 2,
			Fields: map[string]json.RawMessage{"first_name": raw(`{"x":"Quillfeather-Set-Aside"}`)}},
		"a create without a required field": noKind,
		"a CHECK refuses a field":           reviewEntity(c.ID, c.Reviews[1], 2, func(f map[string]json.RawMessage) { f["kind"] = raw(`"fortnightly"`) }),
		"a field of the wrong type":         reviewEntity(c.ID, c.Reviews[0], 2, func(f map[string]json.RawMessage) { f["sequence"] = raw(`"second"`) }),
		"a record with no id":               {Entity: "monitoring", ChildID: c.ID, Version: 1},
	}
	words := map[string]string{
		"a JSON object in a column":         "first_name",
		"a create without a required field": "kind",
		"a CHECK refuses a field":           "kind",
		"a field of the wrong type":         "sequence",
		"a record with no id":               "no id",
	}
	return rs, words
}

// TestSyncPullSetsAsideWhatItCannotStore: a page holding records this
// laptop cannot store applies everything else and moves the cursor; each
// bad record is set aside, sealed, with a reason in plain words, and
// listed. A later pull with a newer version that fits replaces it (and the
// row goes); one that still does not fit replaces it with the newer.
func TestSyncPullSetsAsideWhatItCannotStore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, path, c := syncCycleDB(t)
	bad, words := badRecords(c)
	newChild := protocol.Entity{Entity: "child", ID: "01900000-0000-7000-8000-00000000d001", ChildID: "01900000-0000-7000-8000-00000000d001",
		Version: 1, Fields: map[string]json.RawMessage{"la_id": raw(`"LA-9"`), "first_name": raw(`"Pulled"`), "last_name": raw(`"Child"`),
			"dob": raw(`"2015-05-05"`), "sex": raw(`"1"`), "ethnicity": raw(`"WBRI"`), "upn": raw(`""`), "home_la": raw(`"E1"`),
			"plan_status": raw(`""`)}}
	monitoring := protocol.Entity{Entity: "monitoring", ID: "01900000-0000-7000-8000-00000000e002", ChildID: c.ID, Version: 1,
		Fields: map[string]json.RawMessage{"child_id": raw(`"` + c.ID + `"`), "contact": raw(`"Phone"`), "checked": raw(`""`),
			"outcome": raw(`""`), "on_date": raw(`"2026-01-05"`)}}
	page := []protocol.Entity{newChild, monitoring}
	for _, e := range bad {
		page = append(page, e)
	}

	stats, err := db.ApplyChanges(ctx, protocol.ChangesResponse{Cursor: 20, Entities: page})
	if err != nil {
		t.Fatalf("a page with records this laptop cannot store failed as a whole: %v", err)
	}
	if stats.Applied != 2 || stats.SetAside != len(bad) {
		t.Errorf("stats = %+v, want 2 applied and %d set aside", stats, len(bad))
	}
	if got := cursor(t, db); got != 20 {
		t.Errorf("cursor %d, want 20", got)
	}
	if got, err := db.Child(ctx, newChild.ID); err != nil || got.FirstName != "Pulled" {
		t.Errorf("the good child: %+v, %v", got, err)
	}
	if got, err := db.Child(ctx, c.ID); err != nil || got.FirstName != c.FirstName || len(got.Reviews) != 2 ||
		got.Reviews[0].Sequence != c.Reviews[0].Sequence || got.Reviews[1].Kind != c.Reviews[1].Kind {
		t.Errorf("the child the bad records name changed: %+v, %v", got, err)
	}
	if n := queryStrings(t, db, "SELECT id FROM monitoring WHERE id = ?", monitoring.ID); len(n) != 1 {
		t.Errorf("the good monitoring entry is not there")
	}

	listed := setAside(t, db)
	if len(listed) != len(bad) {
		t.Fatalf("set aside %d records, want %d: %+v", len(listed), len(bad), listed)
	}
	for name, e := range bad {
		r, ok := listed[e.Entity+"/"+e.ID]
		if !ok {
			t.Errorf("%s: not listed", name)
			continue
		}
		if r.Version != e.Version || r.ChildID != c.ID || r.At.IsZero() {
			t.Errorf("%s: listed as %+v", name, r)
		}
		if !strings.Contains(r.Reason, words[name]) {
			t.Errorf("%s: reason %q does not name %q", name, r.Reason, words[name])
		}
		for _, sqlText := range []string{"constraint", "CHECK", "NOT NULL", "STRICT", "column", "SQL", "JSON", "Quillfeather"} {
			if strings.Contains(r.Reason, sqlText) {
				t.Errorf("%s: reason %q holds %q: not plain words", name, r.Reason, sqlText)
			}
		}
	}
	if counts, err := db.SyncCounts(ctx); err != nil || counts.SetAside != len(bad) {
		t.Errorf("SyncCounts = %+v, %v", counts, err)
	}
	if r, err := db.Check(ctx); err != nil || len(r.Problems) != 0 {
		t.Errorf("Check = %+v, %v", r.Problems, err)
	}
	assertNoPlaintext(t, path, "after setting records aside", map[string]string{"the set-aside record": "Quillfeather-Set-Aside"}, c.ID)

	// The next page: the child's fixed version fits and takes the row's
	// place; the review without a kind comes again, newer, still without.
	fixed := bad["a JSON object in a column"]
	fixed.Version = 3
	fixed.Fields = map[string]json.RawMessage{"first_name": raw(`"Fixed"`)}
	again := bad["a create without a required field"]
	again.Version = 2
	stats, err = db.ApplyChanges(ctx, protocol.ChangesResponse{Cursor: 21, Entities: []protocol.Entity{fixed, again}})
	if err != nil || stats.Applied != 1 || stats.SetAside != 1 {
		t.Fatalf("the next page: %+v, %v", stats, err)
	}
	if got, err := db.Child(ctx, c.ID); err != nil || got.FirstName != "Fixed" {
		t.Errorf("the fixed child: %+v, %v", got, err)
	}
	listed = setAside(t, db)
	if _, ok := listed["child/"+c.ID]; ok || len(listed) != len(bad)-1 {
		t.Errorf("after the fix, set aside: %+v", listed)
	}
	if r := listed["review/"+again.ID]; r.Version != 2 {
		t.Errorf("the review set aside again is at version %d, want 2", r.Version)
	}

	// A restored server sends everything again: what was set aside goes.
	if err := db.StartEpoch(ctx, "e2"); err != nil {
		t.Fatal(err)
	}
	if listed := setAside(t, db); len(listed) != 0 {
		t.Errorf("after a new epoch, set aside: %+v", listed)
	}
}

// TestSyncPullSetAsideKeepsRevocations: the revocations of a page holding
// a record this laptop cannot store still arrive, and purging a child
// takes its set-aside records too.
func TestSyncPullSetAsideKeepsRevocations(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _, c := syncCycleDB(t)
	other := addCycleChild(t, db)
	ackAll(t, db)
	badMine := reviewEntity(c.ID, c.Reviews[0], 2, func(f map[string]json.RawMessage) { f["state"] = raw(`["held"]`) })
	badTheirs := reviewEntity(other.ID, other.Reviews[0], 2, func(f map[string]json.RawMessage) { f["state"] = raw(`["held"]`) })
	stats, err := db.ApplyChanges(ctx, protocol.ChangesResponse{Cursor: 30,
		Entities: []protocol.Entity{badMine, badTheirs}, Revoked: []string{other.ID}})
	if err != nil || stats.Purged != 1 || stats.SetAside != 2 {
		t.Fatalf("the page: %+v, %v", stats, err)
	}
	if rows := childRows(t, db, other.ID); len(rows["child"]) != 0 || len(rows["review"]) != 0 {
		t.Errorf("the revoked child was not purged: %v", rows)
	}
	if listed := setAside(t, db); len(listed) != 1 || listed["review/"+badMine.ID].Reason == "" {
		t.Errorf("set aside after the purge: %+v", listed)
	}
	if cursor(t, db) != 30 {
		t.Errorf("cursor %d", cursor(t, db))
	}

	// With ops pending the revocation waits for the push, as ever.
	third := addCycleChild(t, db)
	if err := db.AddMonitoring(ctx, c.ID, &review.Monitoring{Contact: "Phone"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ApplyChanges(ctx, protocol.ChangesResponse{Cursor: 31,
		Entities: []protocol.Entity{badMine}, Revoked: []string{third.ID}}); err != nil {
		t.Fatal(err)
	}
	if got, err := db.RevokedWaiting(ctx); err != nil || len(got) != 1 || got[0] != third.ID {
		t.Errorf("revoked waiting: %v, %v", got, err)
	}
}

// TestSyncMigrateFromVersion6: a database with a caseload and sync state
// from before 0007 gains the set-aside table, keeps everything, and checks
// clean.
func TestSyncMigrateFromVersion6(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "iro.db")
	old := openAtVersion(t, path, 6)
	if err := old.Initialise(ctx, passphrase, false, vault.MinParams); err != nil {
		t.Fatal(err)
	}
	kids := []child.Child{fullChild(), *newChild("Second")}
	if err := old.Update(ctx, func(tx *Tx) error { return AddChildren(tx, kids) }); err != nil {
		t.Fatal(err)
	}
	if err := old.SaveEnrolment(ctx, syncServer, "device-7", "iro-3", "token-1"); err != nil {
		t.Fatal(err)
	}
	ops, err := old.PendingOps(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	db := reopenMigrated(t, old, path)
	if got, err := db.PendingOps(ctx, 0); err != nil || len(got) != len(ops) {
		t.Errorf("outbox after the upgrade: %d ops, %v", len(got), err)
	}
	for _, k := range kids {
		if got, err := db.Child(ctx, k.ID); err != nil || got.FirstName != k.FirstName {
			t.Errorf("child %s after the upgrade: %+v, %v", k.ID, got, err)
		}
	}
	ackAll(t, db)
	bad := reviewEntity(kids[0].ID, child.Review{ID: "01900000-0000-7000-8000-00000000e003", Kind: child.LAC}, 1,
		func(f map[string]json.RawMessage) { f["kind"] = raw(`"weekly"`) })
	if stats, err := db.ApplyChanges(ctx, protocol.ChangesResponse{Cursor: 3, Entities: []protocol.Entity{bad}}); err != nil || stats.SetAside != 1 {
		t.Fatalf("a pull after the upgrade: %+v, %v", stats, err)
	}
	if listed := setAside(t, db); len(listed) != 1 {
		t.Errorf("set aside: %+v", listed)
	}
	if r, err := db.Check(ctx); err != nil || len(r.Problems) != 0 {
		t.Errorf("Check after the upgrade = %+v, %v", r.Problems, err)
	}
}
