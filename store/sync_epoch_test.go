package store

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/iro-app/iro/internal/child"
	"github.com/iro-app/iro/internal/protocol"
	"github.com/iro-app/iro/internal/review"
	"github.com/iro-app/iro/internal/vault"
)

// pull applies an empty page that moves the cursor to n in epoch.
func pull(t *testing.T, db *DB, n int64, epoch string) {
	t.Helper()
	if _, err := db.ApplyChanges(context.Background(), protocol.ChangesResponse{Cursor: n, Epoch: epoch}); err != nil {
		t.Fatal(err)
	}
}

// TestSyncOpsCarryTheirCursor: every op goes out stamped with the cursor
// the laptop had pulled to when it was queued, and autosave never folds
// text typed after a pull into an op stamped before it.
func TestSyncOpsCarryTheirCursor(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _, c := syncCycleDB(t)
	rv := c.Reviews[0].ID
	sec := review.Section{Title: "Health"}
	if err := db.AddSection(ctx, rv, &sec); err != nil {
		t.Fatal(err)
	}
	if err := db.Update(ctx, func(tx *Tx) error { return tx.StartMeeting(rv, time.Now()) }); err != nil {
		t.Fatal(err)
	}
	ackAll(t, db)
	pull(t, db, 5, "e1")
	if s, _, err := db.SyncState(ctx); err != nil || s.Cursor != 5 || s.Epoch != "e1" {
		t.Fatalf("after a pull: %+v, %v", s, err)
	}
	for _, text := range []string{"typed", "typed on"} {
		if err := db.SaveNotes(ctx, sec.ID, text); err != nil {
			t.Fatal(err)
		}
		if err := db.SaveWishes(ctx, rv, "wishes "+text); err != nil {
			t.Fatal(err)
		}
	}
	pull(t, db, 8, "e1")
	if err := db.SaveNotes(ctx, sec.ID, "typed after the pull"); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveWishes(ctx, rv, "wishes typed after the pull"); err != nil {
		t.Fatal(err)
	}
	batch, err := db.NextPushBatch(ctx, 100, protocol.MaxBatchBytes)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, op := range batch {
		got = append(got, fmt.Sprintf("%s @%d", op.Payload, op.PulledTo))
	}
	want := []string{`{"notes":"typed on"} @5`, `{"wishes":"wishes typed on"} @5`,
		`{"notes":"typed after the pull"} @8`, `{"wishes":"wishes typed after the pull"} @8`}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("batch:\n got %q\nwant %q", got, want)
	}

	// A page from another life of the server's database is refused whole.
	if _, err := db.ApplyChanges(ctx, protocol.ChangesResponse{Cursor: 1, Epoch: "e2"}); err == nil {
		t.Error("a page of another epoch was applied")
	}
	if s, _, _ := db.SyncState(ctx); s.Cursor != 8 || s.Epoch != "e1" {
		t.Errorf("after the refused page: %+v", s)
	}
}

// TestSyncStartEpoch: after the server was restored, every acknowledged op
// is queued again in its order with its id, against no server version; a
// duplicate answer acknowledges it without bringing back the conflict it
// once had; a fresh conflict is kept; the cursor starts again at 0.
func TestSyncStartEpoch(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _, c := syncCycleDB(t)
	pull(t, db, 3, "e1")
	if _, err := db.ApplyChanges(ctx, protocol.ChangesResponse{Cursor: 4, Epoch: "e1",
		Entities: []protocol.Entity{reviewEntity(c.ID, c.Reviews[0], 2, nil)}}); err != nil {
		t.Fatal(err)
	}
	r := c.Reviews[0]
	_, r, _ = db.Review(ctx, r.ID)
	r.Location = "Mine"
	if err := db.SaveReview(ctx, c.ID, &r); err != nil {
		t.Fatal(err)
	}
	sent, err := db.NextPushBatch(ctx, 100, protocol.MaxBatchBytes)
	if err != nil || len(sent) != 1 {
		t.Fatalf("%v, %v", sent, err)
	}
	conflict := protocol.Result{OpID: sent[0].OpID, Status: protocol.Conflict, Version: 3,
		Conflicts: map[string]json.RawMessage{"location": raw(`"Theirs"`)}}
	if err := db.ApplyPushResults(ctx, []protocol.Result{conflict}); err != nil {
		t.Fatal(err)
	}
	conflicts, err := db.SyncConflicts(ctx)
	if err != nil || len(conflicts) != 1 {
		t.Fatalf("conflicts %v, %v", conflicts, err)
	}
	if err := db.ResolveConflict(ctx, conflicts[0].ID, raw(`"Theirs"`)); err != nil {
		t.Fatal(err)
	}
	if err := db.AddMonitoring(ctx, c.ID, &review.Monitoring{Contact: "Phone"}); err != nil { // pending, never sent
		t.Fatal(err)
	}
	var acked []string
	rows, err := db.sql.Query("SELECT op_id FROM outbox WHERE state = 'acked' ORDER BY seq")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		acked = append(acked, id)
	}
	rows.Close()
	unsent := pending(t, db)

	if err := db.StartEpoch(ctx, "e2"); err != nil {
		t.Fatal(err)
	}
	if s, _, err := db.SyncState(ctx); err != nil || s.Cursor != 0 || s.Epoch != "e2" {
		t.Errorf("sync state %+v, %v", s, err)
	}
	batch, err := db.NextPushBatch(ctx, 1000, protocol.MaxBatchBytes)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, op := range batch {
		ids = append(ids, op.OpID)
		if op.BaseVersion != 0 || op.PulledTo != 0 {
			t.Errorf("op %s (%s) goes out against base %d, stamped %d", op.OpID, op.Name, op.BaseVersion, op.PulledTo)
		}
	}
	if want := append(acked, unsent[0].OpID); !reflect.DeepEqual(ids, want) {
		t.Fatalf("queued again: %v\nwant %v", ids, want)
	}

	results := make([]protocol.Result, len(batch))
	for i, op := range batch {
		results[i] = protocol.Result{OpID: op.OpID, Status: protocol.Duplicate, Original: protocol.Applied, Version: 1}
		if op.OpID == conflict.OpID {
			results[i] = conflict
			results[i].Status, results[i].Original = protocol.Duplicate, protocol.Conflict
		}
	}
	last := &results[len(results)-1] // the unsent op: new to the server, and it conflicts there
	*last = protocol.Result{OpID: last.OpID, Status: protocol.Conflict, Version: 2, Conflicts: map[string]json.RawMessage{"contact": raw(`"Visit"`)}}
	if err := db.ApplyPushResults(ctx, results); err != nil {
		t.Fatal(err)
	}
	if n := len(pending(t, db)); n != 0 {
		t.Errorf("%d ops still pending", n)
	}
	conflicts, err = db.SyncConflicts(ctx)
	if err != nil || len(conflicts) != 1 || conflicts[0].Field != "contact" {
		t.Errorf("conflicts after the resend: %+v, %v (the resolved one must not come back)", conflicts, err)
	}
	var resent int
	if err := db.sql.QueryRow("SELECT count(*) FROM outbox WHERE resent = 1").Scan(&resent); err != nil || resent != 0 {
		t.Errorf("%d ops still marked resent, %v", resent, err)
	}
	entries, err := db.AuditLog(ctx, 0)
	if err != nil || !strings.Contains(entries[0].Detail, "restored from a backup") {
		t.Errorf("audit %+v, %v", entries, err)
	}
}

// TestSyncRevokedWaiting: a revoked child held for pending work is listed
// until the purge.
func TestSyncRevokedWaiting(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _, c := syncCycleDB(t)
	if err := db.AddMonitoring(ctx, c.ID, &review.Monitoring{Contact: "Phone"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ApplyChanges(ctx, protocol.ChangesResponse{Cursor: 2, Revoked: []string{c.ID}}); err != nil {
		t.Fatal(err)
	}
	if got, err := db.RevokedWaiting(ctx); err != nil || !reflect.DeepEqual(got, []string{c.ID}) {
		t.Errorf("waiting %v, %v", got, err)
	}
	ackAll(t, db)
	pull(t, db, 2, "")
	if got, err := db.RevokedWaiting(ctx); err != nil || len(got) != 0 {
		t.Errorf("after the purge: %v, %v", got, err)
	}
}

// TestSyncMigrateFromVersion5: ops queued before 0006 keep everything and go
// out stamped 0; the laptop has no epoch yet; new ops are stamped.
func TestSyncMigrateFromVersion5(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "iro.db")
	old := openAtVersion(t, path, 5)
	if err := old.Initialise(ctx, passphrase, false, vault.MinParams); err != nil {
		t.Fatal(err)
	}
	kids := []child.Child{fullChild(), *newChild("Second")}
	if err := old.Update(ctx, func(tx *Tx) error { return AddChildren(tx, kids) }); err != nil {
		t.Fatal(err)
	}
	// (Written as a version-5 iro left them: an enrolment pulled to 7, some
	// ops acknowledged.)
	if _, err := old.sql.Exec(`INSERT INTO sync_state (id, server, device_id, iro, token, cursor) VALUES ('1', ?, 'device-7', 'iro-3', ?, 7)`,
		syncServer, old.key.Seal(tokenAAD(), []byte("token-1"))); err != nil {
		t.Fatal(err)
	}
	if _, err := old.sql.Exec("UPDATE outbox SET state = 'acked', sent_at = created_at WHERE op = 'child.create'"); err != nil {
		t.Fatal(err)
	}
	ops, err := old.PendingOps(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	db := reopenMigrated(t, old, path)
	if got, err := db.PendingOps(ctx, 0); err != nil || !reflect.DeepEqual(got, ops) {
		t.Errorf("outbox changed: %v", err)
	}
	if s, _, err := db.SyncState(ctx); err != nil || s.Cursor != 7 || s.Epoch != "" || s.Token != "token-1" {
		t.Errorf("sync state %+v, %v", s, err)
	}
	if err := db.AddMonitoring(ctx, kids[0].ID, &review.Monitoring{Contact: "Phone"}); err != nil {
		t.Fatal(err)
	}
	batch, err := db.NextPushBatch(ctx, 1000, protocol.MaxBatchBytes)
	if err != nil || len(batch) != len(ops)+1 {
		t.Fatalf("batch %d ops, %v", len(batch), err)
	}
	for i, op := range batch {
		if want := map[bool]int64{true: 7, false: 0}[i == len(ops)]; op.PulledTo != want {
			t.Errorf("op %d (%s) stamped %d, want %d", i, op.Name, op.PulledTo, want)
		}
	}
	if err := db.StartEpoch(ctx, "e1"); err != nil { // the acknowledged ops of a version-5 iro go again too
		t.Fatal(err)
	}
	if n := len(pending(t, db)); n != len(ops)+1+len(kids) {
		t.Errorf("%d pending after StartEpoch, want %d", n, len(ops)+1+len(kids))
	}
	if r, err := db.Check(ctx); err != nil || len(r.Problems) != 0 {
		t.Errorf("Check after the upgrade = %+v, %v", r.Problems, err)
	}
}
