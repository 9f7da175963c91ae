package store

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/iro-app/iro/internal/calendar"
	"github.com/iro-app/iro/internal/challenge"
	"github.com/iro-app/iro/internal/child"
	"github.com/iro-app/iro/internal/protocol"
	"github.com/iro-app/iro/internal/review"
	"github.com/iro-app/iro/internal/vault"
)

// syncCycleDB is an enrolled database holding one child with two reviews,
// its ops all acknowledged by the server.
func syncCycleDB(t *testing.T) (*DB, string, *child.Child) {
	t.Helper()
	db, path := syncTestDB(t)
	c := addCycleChild(t, db)
	ackAll(t, db)
	return db, path, c
}

// ackAll pushes every pending op and has the server apply them all.
func ackAll(t *testing.T, db *DB) {
	t.Helper()
	ctx := context.Background()
	for {
		batch, err := db.NextPushBatch(ctx, protocol.MaxBatchOps, protocol.MaxBatchBytes)
		if err != nil {
			t.Fatal(err)
		}
		if len(batch) == 0 {
			return
		}
		results := make([]protocol.Result, len(batch))
		for i, op := range batch {
			results[i] = protocol.Result{OpID: op.OpID, Status: protocol.Applied, Version: 1}
		}
		if err := db.ApplyPushResults(ctx, results); err != nil {
			t.Fatal(err)
		}
	}
}

func pending(t *testing.T, db *DB) []Op {
	t.Helper()
	ops, err := db.PendingOps(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	return ops
}

func opState(t *testing.T, db *DB, opID string) (state, reason string) {
	t.Helper()
	if err := db.sql.QueryRow("SELECT state, reason FROM outbox WHERE op_id = ?", opID).Scan(&state, &reason); err != nil {
		t.Fatal(err)
	}
	return state, reason
}

func serverVersion(t *testing.T, db *DB, entity, id string) int64 {
	t.Helper()
	var v int64
	err := db.sql.QueryRow("SELECT server_version FROM sync_entity WHERE entity = ? AND id = ?", entity, id).Scan(&v)
	if err != nil && !strings.Contains(err.Error(), "no rows") {
		t.Fatal(err)
	}
	return v
}

func raw(s string) json.RawMessage { return json.RawMessage(s) }

func cursor(t *testing.T, db *DB) int64 {
	t.Helper()
	s, ok, err := db.SyncState(context.Background())
	if err != nil || !ok {
		t.Fatalf("SyncState = %+v, %v, %v", s, ok, err)
	}
	return s.Cursor
}

// reviewEntity is a review as the server would send it.
func reviewEntity(childID string, r child.Review, version int64, change func(f map[string]json.RawMessage)) protocol.Entity {
	b, _ := json.Marshal(fieldsOfReview(childID, &r))
	var f map[string]json.RawMessage
	_ = json.Unmarshal(b, &f)
	if change != nil {
		change(f)
	}
	return protocol.Entity{Entity: "review", ID: r.ID, ChildID: childID, Version: version, Fields: f}
}

func TestSyncEnrolmentAndState(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, path := unlockedTestDB(t)
	if _, ok, err := db.SyncState(ctx); err != nil || ok {
		t.Fatalf("SyncState before enrolling = %v, %v", ok, err)
	}
	if c, err := db.SyncCounts(ctx); err != nil || c.Enrolled {
		t.Fatalf("SyncCounts before enrolling = %+v, %v", c, err)
	}
	if err := db.RecordSync(ctx, time.Now(), ""); !errors.Is(err, errNotEnrolled) {
		t.Errorf("RecordSync before enrolling = %v", err)
	}
	if _, err := db.ApplyChanges(ctx, protocol.ChangesResponse{Cursor: 3}); !errors.Is(err, errNotEnrolled) {
		t.Errorf("ApplyChanges before enrolling = %v", err)
	}
	const token = "tok-Marshwiggle-9fe1"
	if err := db.SaveEnrolment(ctx, syncServer, "device-1", "iro-1", token); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ApplyChanges(ctx, protocol.ChangesResponse{Cursor: 12}); err != nil {
		t.Fatal(err)
	}
	want := SyncState{Server: syncServer, DeviceID: "device-1", IRO: "iro-1", Token: token, Cursor: 12}
	if s, ok, err := db.SyncState(ctx); err != nil || !ok || !reflect.DeepEqual(s, want) {
		t.Errorf("SyncState = %+v, %v, %v; want %+v", s, ok, err, want)
	}
	// Enrolling again (a new token) starts from the beginning.
	if err := db.SaveEnrolment(ctx, syncServer, "device-2", "iro-1", token+"-2"); err != nil {
		t.Fatal(err)
	}
	want.DeviceID, want.Token, want.Cursor = "device-2", token+"-2", 0
	if s, _, err := db.SyncState(ctx); err != nil || !reflect.DeepEqual(s, want) {
		t.Errorf("SyncState after re-enrolling = %+v, %v", s, err)
	}
	log, err := db.AuditLog(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range log {
		if strings.Contains(e.Detail, "tok-") {
			t.Errorf("audit entry %+v holds the token", e)
		}
	}
	if len(log) != 2 || log[0].Event != AuditSync || log[0].Detail != "enrolled" {
		t.Errorf("audit log = %+v", log)
	}
	if r, err := db.Check(ctx); err != nil || len(r.Problems) != 0 {
		t.Errorf("Check = %+v, %v", r.Problems, err)
	}
	db.Lock()
	if _, _, err := db.SyncState(ctx); !errors.Is(err, ErrLocked) {
		t.Errorf("SyncState while locked = %v, want ErrLocked", err)
	}
	if err := db.SaveEnrolment(ctx, syncServer, "d", "i", "t"); !errors.Is(err, ErrLocked) {
		t.Errorf("SaveEnrolment while locked = %v, want ErrLocked", err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	assertNoPlaintext(t, path, "after enrolling", map[string]string{"token": token}, syncServer)
}

// TestSyncCountsWhileLocked: the footer's counts need no key.
func TestSyncCountsWhileLocked(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _, c := syncCycleDB(t)
	r := c.Reviews[0]
	r.Location = "Kitchen table"
	if err := db.SaveReview(ctx, c.ID, &r); err != nil {
		t.Fatal(err)
	}
	if err := db.AddMonitoring(ctx, c.ID, &review.Monitoring{Contact: "Phone"}); err != nil {
		t.Fatal(err)
	}
	batch, err := db.NextPushBatch(ctx, 10, protocol.MaxBatchBytes)
	if err != nil || len(batch) != 2 {
		t.Fatalf("batch = %d ops, %v", len(batch), err)
	}
	if err := db.ApplyPushResults(ctx, []protocol.Result{
		{OpID: batch[0].OpID, Status: protocol.Conflict, Version: 4, Conflicts: map[string]json.RawMessage{"location": raw(`"Town hall"`)}},
		{OpID: batch[1].OpID, Status: protocol.Rejected, Reason: "not in your allocation"},
	}); err != nil {
		t.Fatal(err)
	}
	if err := db.AddMonitoring(ctx, c.ID, &review.Monitoring{Contact: "Visit"}); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC)
	if err := db.RecordSync(ctx, at, ""); err != nil {
		t.Fatal(err)
	}
	db.Lock()
	want := SyncCounts{Pending: 1, Conflicts: 1, Rejected: 1, LastSync: at, Enrolled: true}
	if got, err := db.SyncCounts(ctx); err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("SyncCounts while locked = %+v, %v; want %+v", got, err, want)
	}
	// A failed attempt keeps the last sync that worked, and needs no key.
	if err := db.RecordSync(ctx, at.Add(time.Hour), "dial tcp: connection refused"); err != nil {
		t.Fatal(err)
	}
	want.LastError = "dial tcp: connection refused"
	if got, err := db.SyncCounts(ctx); err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("SyncCounts after a failure = %+v, %v; want %+v", got, err, want)
	}
	all, err := db.AuditLog(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	var log []AuditEntry
	for _, e := range all {
		if e.Event == AuditSync {
			log = append(log, e)
		}
	}
	if len(log) != 3 || log[0].Detail != "sync failed: 1 pending, 1 conflicts, 1 rejected" || log[1].Detail != "synced: 1 pending, 1 conflicts, 1 rejected" ||
		log[2].Detail != "enrolled" || !log[0].At.Equal(at.Add(time.Hour)) || !log[1].At.Equal(at) {
		t.Errorf("audit = %+v", log)
	}
}

// TestSyncFencing: an op put in a push batch is never merged into by
// autosave; the next save makes a new op, and a re-send after a crash
// carries exactly the payload first sent.
func TestSyncFencing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _, c := syncCycleDB(t)
	rv := c.Reviews[0].ID
	sec := review.Section{Title: "Health"}
	if err := db.AddSection(ctx, rv, &sec); err != nil {
		t.Fatal(err)
	}
	err := db.Update(ctx, func(tx *Tx) error {
		return errorsJoin(tx.StartMeeting(rv, time.Now()), tx.SaveWishes(rv, "w1"))
	})
	if err != nil {
		t.Fatal(err)
	}
	ackAll(t, db)
	// Before sending, autosave folds into the pending op, as ever.
	for _, text := range []string{"first", "first draft"} {
		if err := db.SaveNotes(ctx, sec.ID, text); err != nil {
			t.Fatal(err)
		}
		if err := db.SaveWishes(ctx, rv, "wishes "+text); err != nil {
			t.Fatal(err)
		}
	}
	if ops := pending(t, db); len(ops) != 2 {
		t.Fatalf("%d pending ops before sending, want 2 (one per record)", len(ops))
	}
	sent, err := db.NextPushBatch(ctx, 10, protocol.MaxBatchBytes)
	if err != nil || len(sent) != 2 {
		t.Fatalf("batch = %+v, %v", sent, err)
	}
	if string(sent[0].Payload) != `{"notes":"first draft"}` || string(sent[1].Payload) != `{"wishes":"wishes first draft"}` {
		t.Errorf("payloads sent: %s, %s", sent[0].Payload, sent[1].Payload)
	}
	// Typing goes on while the batch is out.
	for _, text := range []string{"second", "second draft"} {
		if err := db.SaveNotes(ctx, sec.ID, text); err != nil {
			t.Fatal(err)
		}
		if err := db.SaveWishes(ctx, rv, "wishes "+text); err != nil {
			t.Fatal(err)
		}
	}
	ops := pending(t, db)
	if len(ops) != 4 {
		t.Fatalf("%d pending ops, want the 2 sent and 2 new", len(ops))
	}
	for i, want := range []string{`{"notes":"first draft"}`, `{"wishes":"wishes first draft"}`,
		`{"notes":"second draft"}`, `{"wishes":"wishes second draft"}`} {
		if string(ops[i].Payload) != want {
			t.Errorf("op %d payload = %s, want %s", i, ops[i].Payload, want)
		}
	}
	// The reply was lost: the next batch re-sends the same ops unchanged,
	// then the new ones.
	again, err := db.NextPushBatch(ctx, 10, protocol.MaxBatchBytes)
	if err != nil || len(again) != 4 || !reflect.DeepEqual(again[:2], sent) {
		t.Fatalf("re-sent batch = %+v, %v; want %+v first", again, err, sent)
	}
	if m, err := db.Meeting(ctx, rv); err != nil || m.WishesAndFeelings != "wishes second draft" || m.Sections[0].Notes != "second draft" {
		t.Errorf("meeting = %+v, %v", m, err)
	}
}

// TestSyncPushBatchLimits: batches follow outbox order within the op and
// byte limits; an op too large for any batch is rejected, not stuck; base
// versions come from the last pull.
func TestSyncPushBatchLimits(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _, c := syncCycleDB(t)
	for i := range 3 {
		if err := db.AddMonitoring(ctx, c.ID, &review.Monitoring{Contact: strings.Repeat("x", i+1)}); err != nil {
			t.Fatal(err)
		}
	}
	ops := pending(t, db)
	two, err := db.NextPushBatch(ctx, 2, protocol.MaxBatchBytes)
	if err != nil || len(two) != 2 || two[0].OpID != ops[0].OpID || two[1].OpID != ops[1].OpID {
		t.Fatalf("NextPushBatch(2) = %+v, %v", two, err)
	}
	size := 0
	for _, op := range two {
		b, _ := json.Marshal(op)
		size += len(b)
	}
	if got, err := db.NextPushBatch(ctx, 100, size+3); err != nil || len(got) != 2 {
		t.Errorf("with room for two ops exactly: %d ops, %v", len(got), err)
	}
	if got, err := db.NextPushBatch(ctx, 100, size+2); err != nil || len(got) != 1 {
		t.Errorf("one byte short of two ops: %d ops, %v", len(got), err)
	}
	ackAll(t, db)

	// The notes are far larger than the batch allowed.
	sec := review.Section{Title: "Big"}
	if err := db.AddSection(ctx, c.Reviews[0].ID, &sec); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveNotes(ctx, sec.ID, strings.Repeat("n", 5000)); err != nil {
		t.Fatal(err)
	}
	if err := db.AddMonitoring(ctx, c.ID, &review.Monitoring{Contact: "after"}); err != nil {
		t.Fatal(err)
	}
	ops = pending(t, db)
	got, err := db.NextPushBatch(ctx, 100, 1000)
	if err != nil || len(got) != 2 || got[0].OpID != ops[0].OpID || got[1].OpID != ops[2].OpID {
		t.Fatalf("batch = %+v, %v; want the section.create and the monitoring.create", got, err)
	}
	if state, reason := opState(t, db, ops[1].OpID); state != "rejected" || !strings.HasPrefix(reason, "too large to send (") {
		t.Errorf("the big op is %s (%q)", state, reason)
	}
	rejected, err := db.RejectedOps(ctx)
	if err != nil || len(rejected) != 1 || rejected[0].OpID != ops[1].OpID || rejected[0].Name != "section.update" ||
		!strings.Contains(string(rejected[0].Payload), "nnnn") {
		t.Errorf("RejectedOps = %+v, %v", rejected, err)
	}
	ackAll(t, db)

	// A pulled server version is the base of the next op on the record.
	r := c.Reviews[1]
	if _, err := db.ApplyChanges(ctx, protocol.ChangesResponse{Cursor: 5, Entities: []protocol.Entity{reviewEntity(c.ID, r, 7, nil)}}); err != nil {
		t.Fatal(err)
	}
	_, r, err = db.Review(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	r.Scheduled = calendar.D(2025, 8, 30)
	if err := db.SaveReview(ctx, c.ID, &r); err != nil {
		t.Fatal(err)
	}
	if err := db.AddMonitoring(ctx, c.ID, &review.Monitoring{Contact: "new"}); err != nil {
		t.Fatal(err)
	}
	got, err = db.NextPushBatch(ctx, 100, protocol.MaxBatchBytes)
	if err != nil || len(got) != 2 || got[0].Entity != "review" || got[0].BaseVersion != 7 || got[1].BaseVersion != 0 {
		t.Errorf("batch = %+v, %v; want the review.update at base 7, then a create at 0", got, err)
	}
}

// TestSyncPushResults: each outcome moves its op on; conflicts keep both
// values; rejected ops stay visible and out of the queue; a result for an
// op this laptop never made fails the whole reply.
func TestSyncPushResults(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, path, c := syncCycleDB(t)
	r := c.Reviews[0]
	r.Location = "Library room"
	if err := db.SaveReview(ctx, c.ID, &r); err != nil {
		t.Fatal(err)
	}
	for _, contact := range []string{"Phone", "Visit"} {
		if err := db.AddMonitoring(ctx, c.ID, &review.Monitoring{Contact: contact}); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.AddAttendee(ctx, r.ID, &review.Attendee{Name: "Mr Carer"}); err != nil {
		t.Fatal(err)
	}
	batch, err := db.NextPushBatch(ctx, 100, protocol.MaxBatchBytes)
	if err != nil || len(batch) != 4 {
		t.Fatalf("batch = %d ops, %v", len(batch), err)
	}

	// A reply naming an unknown op is refused whole.
	bad := []protocol.Result{{OpID: batch[3].OpID, Status: protocol.Applied}, {OpID: "no-such-op", Status: protocol.Applied}}
	if err := db.ApplyPushResults(ctx, bad); !errors.Is(err, ErrNotFound) {
		t.Errorf("a result for an unknown op = %v, want ErrNotFound", err)
	}
	if err := db.ApplyPushResults(ctx, []protocol.Result{{OpID: batch[3].OpID, Status: "lost"}}); err == nil {
		t.Error("a result with no outcome was accepted")
	}
	if len(pending(t, db)) != 4 {
		t.Fatal("a refused reply changed the outbox")
	}

	err = db.ApplyPushResults(ctx, []protocol.Result{
		{OpID: batch[0].OpID, Status: protocol.Conflict, Version: 9, Conflicts: map[string]json.RawMessage{"location": raw(`"Town hall"`)}},
		{OpID: batch[1].OpID, Status: protocol.Duplicate, Original: protocol.Applied, Version: 1},
		{OpID: batch[2].OpID, Status: protocol.Rejected, Reason: "not in your allocation"},
		{OpID: batch[3].OpID, Status: protocol.Applied, Version: 1},
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []struct{ state, reason string }{{"acked", ""}, {"acked", ""}, {"rejected", "not in your allocation"}, {"acked", ""}} {
		if state, reason := opState(t, db, batch[i].OpID); state != want.state || reason != want.reason {
			t.Errorf("op %d (%s) is %s %q, want %s %q", i, batch[i].Name, state, reason, want.state, want.reason)
		}
	}
	rejected, err := db.RejectedOps(ctx)
	if err != nil || len(rejected) != 1 || rejected[0].OpID != batch[2].OpID || rejected[0].Reason != "not in your allocation" ||
		rejected[0].Name != "monitoring.create" {
		t.Errorf("RejectedOps = %+v, %v", rejected, err)
	}
	conflicts, err := db.SyncConflicts(ctx)
	if err != nil || len(conflicts) != 1 {
		t.Fatalf("SyncConflicts = %+v, %v", conflicts, err)
	}
	got := conflicts[0]
	if got.Entity != "review" || got.EntityID != r.ID || got.Field != "location" || string(got.Local) != `"Library room"` ||
		string(got.Server) != `"Town hall"` || got.ServerVersion != 9 || got.OpID != batch[0].OpID || got.CreatedAt.IsZero() {
		t.Errorf("conflict = %+v", got)
	}
	if next, err := db.NextPushBatch(ctx, 100, protocol.MaxBatchBytes); err != nil || len(next) != 0 {
		t.Errorf("after the results, NextPushBatch = %+v, %v; rejected ops must not come again", next, err)
	}
	// Push results never move the server version: only pulls do.
	if v := serverVersion(t, db, "review", r.ID); v != 0 {
		t.Errorf("server version after a push = %d", v)
	}

	// A newer conflict on the same field replaces the older.
	_, r, _ = db.Review(ctx, r.ID)
	r.Location = "Library room 2"
	if err := db.SaveReview(ctx, c.ID, &r); err != nil {
		t.Fatal(err)
	}
	op := pending(t, db)[0]
	if err := db.ApplyPushResults(ctx, []protocol.Result{{OpID: op.OpID, Status: protocol.Conflict, Version: 11,
		Conflicts: map[string]json.RawMessage{"location": raw(`"Town hall, room 2"`)}}}); err != nil {
		t.Fatal(err)
	}
	conflicts, err = db.SyncConflicts(ctx)
	if err != nil || len(conflicts) != 1 || conflicts[0].ID == got.ID || string(conflicts[0].Local) != `"Library room 2"` ||
		string(conflicts[0].Server) != `"Town hall, room 2"` || conflicts[0].ServerVersion != 11 || conflicts[0].OpID != op.OpID {
		t.Fatalf("after a newer conflict: %+v, %v", conflicts, err)
	}
	if err := db.ResolveConflict(ctx, got.ID, raw(`"x"`)); !errors.Is(err, ErrNotFound) {
		t.Errorf("resolving the replaced conflict = %v, want ErrNotFound", err)
	}

	// An op the server holds under another payload (a 422) is set aside.
	if err := db.AddMonitoring(ctx, c.ID, &review.Monitoring{Contact: "Email"}); err != nil {
		t.Fatal(err)
	}
	op = pending(t, db)[0]
	if err := db.RejectOp(ctx, op.OpID, "the server already has a different change with this id"); err != nil {
		t.Fatal(err)
	}
	if state, reason := opState(t, db, op.OpID); state != "rejected" || reason != "the server already has a different change with this id" {
		t.Errorf("after RejectOp: %s %q", state, reason)
	}
	if err := db.RejectOp(ctx, "no-such-op", "x"); !errors.Is(err, ErrNotFound) {
		t.Errorf("RejectOp of an unknown op = %v", err)
	}
	if rejected, err := db.RejectedOps(ctx); err != nil || len(rejected) != 2 {
		t.Errorf("RejectedOps = %d, %v", len(rejected), err)
	}
	if r, err := db.Check(ctx); err != nil || len(r.Problems) != 0 {
		t.Errorf("Check = %+v, %v", r.Problems, err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	assertNoPlaintext(t, path, "with conflicts open", map[string]string{"the server's value": "Town hall, room 2"}, "not in your allocation")
}

// TestSyncResolveConflict settles a conflict both ways: keeping this
// laptop's value queues it as a new op based on the server version seen;
// taking the server's writes it locally and queues nothing.
func TestSyncResolveConflict(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _, c := syncCycleDB(t)
	rv := c.Reviews[0].ID
	conflict := func(location string, server string, version int64) SyncConflict {
		t.Helper()
		_, r, err := db.Review(ctx, rv)
		if err != nil {
			t.Fatal(err)
		}
		r.Location = location
		if err := db.SaveReview(ctx, c.ID, &r); err != nil {
			t.Fatal(err)
		}
		batch, err := db.NextPushBatch(ctx, 100, protocol.MaxBatchBytes)
		if err != nil || len(batch) != 1 {
			t.Fatalf("batch = %+v, %v", batch, err)
		}
		if err := db.ApplyPushResults(ctx, []protocol.Result{{OpID: batch[0].OpID, Status: protocol.Conflict, Version: version,
			Conflicts: map[string]json.RawMessage{"location": raw(server)}}}); err != nil {
			t.Fatal(err)
		}
		cs, err := db.SyncConflicts(ctx)
		if err != nil || len(cs) != 1 {
			t.Fatalf("SyncConflicts = %+v, %v", cs, err)
		}
		return cs[0]
	}
	if _, err := db.ApplyChanges(ctx, protocol.ChangesResponse{Cursor: 1,
		Entities: []protocol.Entity{reviewEntity(c.ID, c.Reviews[0], 5, nil)}}); err != nil {
		t.Fatal(err)
	}

	// This laptop's value wins: a review.update with just the field, based
	// on the server version the IRO saw.
	mine := conflict("Kitchen table", `"Town hall"`, 9)
	_, before, _ := db.Review(ctx, rv)
	if err := db.ResolveConflict(ctx, mine.ID, mine.Local); err != nil {
		t.Fatal(err)
	}
	ops := pending(t, db)
	if len(ops) != 1 || ops[0].Name != "review.update" || ops[0].EntityID != rv || string(ops[0].Payload) != `{"location":"Kitchen table"}` {
		t.Fatalf("ops after keeping mine = %+v", ops)
	}
	if _, r, _ := db.Review(ctx, rv); r.Location != "Kitchen table" || r.Version != before.Version {
		t.Errorf("review after keeping mine = %+v (it already held my value: no write)", r)
	}
	if v := serverVersion(t, db, "review", rv); v != 9 {
		t.Errorf("server version = %d, want 9", v)
	}
	if cs, err := db.SyncConflicts(ctx); err != nil || len(cs) != 0 {
		t.Errorf("conflicts left: %+v, %v", cs, err)
	}
	batch, err := db.NextPushBatch(ctx, 100, protocol.MaxBatchBytes)
	if err != nil || len(batch) != 1 || batch[0].BaseVersion != 9 {
		t.Fatalf("batch = %+v, %v; want the op at base 9", batch, err)
	}
	if err := db.ApplyPushResults(ctx, []protocol.Result{{OpID: batch[0].OpID, Status: protocol.Applied, Version: 10}}); err != nil {
		t.Fatal(err)
	}

	// The server's value wins: written here, nothing queued, and an editor
	// holding the old version is told it changed.
	theirs := conflict("Sitting room", `"Civic Centre"`, 12)
	_, stale, _ := db.Review(ctx, rv)
	if err := db.ResolveConflict(ctx, theirs.ID, theirs.Server); err != nil {
		t.Fatal(err)
	}
	if ops := pending(t, db); len(ops) != 0 {
		t.Errorf("taking the server's value queued %+v", ops)
	}
	_, r, err := db.Review(ctx, rv)
	if err != nil || r.Location != "Civic Centre" || r.Version != stale.Version+1 {
		t.Errorf("review after taking theirs = %+v, %v", r, err)
	}
	if v := serverVersion(t, db, "review", rv); v != 12 {
		t.Errorf("server version = %d, want 12", v)
	}
	stale.Location = "Overwrite"
	if err := db.SaveReview(ctx, c.ID, &stale); !errors.Is(err, ErrConflict) {
		t.Errorf("a stale editor's save = %v, want ErrConflict", err)
	}
	// A value of the IRO's own, neither side's, is queued too.
	third := conflict("Garden", `"Porch"`, 14)
	if err := db.ResolveConflict(ctx, third.ID, raw(`"Garden room"`)); err != nil {
		t.Fatal(err)
	}
	if ops := pending(t, db); len(ops) != 1 || string(ops[0].Payload) != `{"location":"Garden room"}` {
		t.Errorf("ops = %+v", ops)
	}
	if err := db.ResolveConflict(ctx, third.ID, third.Local); !errors.Is(err, ErrNotFound) {
		t.Errorf("resolving twice = %v, want ErrNotFound", err)
	}
	if err := db.ResolveConflict(ctx, 999, raw(`1`)); !errors.Is(err, ErrNotFound) {
		t.Errorf("an unknown conflict = %v", err)
	}
	if r, err := db.Check(ctx); err != nil || len(r.Problems) != 0 {
		t.Errorf("Check = %+v, %v", r.Problems, err)
	}
}

// TestSyncPullKeepsPendingFields: a pull never overwrites a field with
// pending ops (or an open conflict), merges the others, and does not move
// the server version of a record with pending ops.
func TestSyncPullKeepsPendingFields(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _, c := syncCycleDB(t)
	r0, r1 := c.Reviews[0], c.Reviews[1]
	if _, err := db.ApplyChanges(ctx, protocol.ChangesResponse{Cursor: 1,
		Entities: []protocol.Entity{reviewEntity(c.ID, r0, 3, nil), reviewEntity(c.ID, r1, 3, nil)}}); err != nil {
		t.Fatal(err)
	}
	if v := serverVersion(t, db, "review", r0.ID); v != 3 {
		t.Fatalf("server version = %d", v)
	}
	_, mine, _ := db.Review(ctx, r0.ID)
	mine.Location = "Kitchen table"
	if err := db.SaveReview(ctx, c.ID, &mine); err != nil {
		t.Fatal(err)
	}
	// r1 has a conflict on its location.
	_, other, _ := db.Review(ctx, r1.ID)
	other.Location = "Porch"
	if err := db.SaveReview(ctx, c.ID, &other); err != nil {
		t.Fatal(err)
	}
	batch, err := db.NextPushBatch(ctx, 100, protocol.MaxBatchBytes)
	if err != nil || len(batch) != 2 {
		t.Fatal(err)
	}
	if err := db.ApplyPushResults(ctx, []protocol.Result{{OpID: batch[1].OpID, Status: protocol.Conflict, Version: 4,
		Conflicts: map[string]json.RawMessage{"location": raw(`"Hall"`)}}}); err != nil {
		t.Fatal(err)
	}

	page := protocol.ChangesResponse{Cursor: 2, Entities: []protocol.Entity{
		reviewEntity(c.ID, r0, 5, func(f map[string]json.RawMessage) {
			f["location"] = raw(`"Server place"`)
			f["scheduled"] = raw(`"2025-02-20"`)
		}),
		reviewEntity(c.ID, r1, 6, func(f map[string]json.RawMessage) {
			f["location"] = raw(`"Hall, upstairs"`)
			f["participation_code"] = raw(`"PN3"`)
		}),
	}}
	stats, err := db.ApplyChanges(ctx, page)
	if err != nil {
		t.Fatal(err)
	}
	if stats != (PullStats{Applied: 2, Kept: 2}) {
		t.Errorf("stats = %+v", stats)
	}
	_, got, _ := db.Review(ctx, r0.ID)
	if got.Location != "Kitchen table" || got.Scheduled != calendar.D(2025, 2, 20) || got.Version != mine.Version+1 {
		t.Errorf("review with a pending op = %+v (was version %d)", got, mine.Version)
	}
	if v := serverVersion(t, db, "review", r0.ID); v != 3 {
		t.Errorf("server version moved to %d while ops were pending", v)
	}
	_, got1, _ := db.Review(ctx, r1.ID)
	if got1.Location != "Porch" || got1.ParticipationCode != "PN3" {
		t.Errorf("review with a conflict = %+v", got1)
	}
	if v := serverVersion(t, db, "review", r1.ID); v != 6 {
		t.Errorf("server version of the review with no pending op = %d, want 6", v)
	}
	cs, err := db.SyncConflicts(ctx)
	if err != nil || len(cs) != 1 || string(cs[0].Server) != `"Hall, upstairs"` || cs[0].ServerVersion != 6 || string(cs[0].Local) != `"Porch"` {
		t.Errorf("the conflict after the pull = %+v, %v", cs, err)
	}
	// An editor holding the version before the pull is stopped.
	mine.Held = calendar.D(2025, 3, 1)
	if err := db.SaveReview(ctx, c.ID, &mine); !errors.Is(err, ErrConflict) {
		t.Errorf("a stale save after the pull = %v, want ErrConflict", err)
	}
	// The pending op goes out with the base it was made against.
	again, err := db.NextPushBatch(ctx, 100, protocol.MaxBatchBytes)
	if err != nil || len(again) != 1 || again[0].BaseVersion != 3 || string(again[0].Payload) != `{"location":"Kitchen table"}` {
		t.Errorf("batch = %+v, %v", again, err)
	}

	// Deleted on the server while this laptop has ops pending: kept.
	if stats, err := db.ApplyChanges(ctx, protocol.ChangesResponse{Cursor: 3,
		Entities: []protocol.Entity{{Entity: "review", ID: r0.ID, ChildID: c.ID, Version: 7, Deleted: true}}}); err != nil || stats.Kept != 1 {
		t.Errorf("a pending record deleted on the server: %+v, %v", stats, err)
	}
	if _, _, err := db.Review(ctx, r0.ID); err != nil {
		t.Errorf("the review went: %v", err)
	}
	if ops := pending(t, db); len(ops) != 1 {
		t.Errorf("the pull queued ops: %d pending", len(ops))
	}

	// Deleted here, the delete waiting to be pushed: not brought back.
	sec := review.Section{Title: "Gone"}
	if err := db.AddSection(ctx, r0.ID, &sec); err != nil {
		t.Fatal(err)
	}
	ackAll(t, db)
	if err := db.DeleteSection(ctx, sec.ID); err != nil {
		t.Fatal(err)
	}
	back := protocol.Entity{Entity: "section", ID: sec.ID, ChildID: c.ID, Version: 2, Fields: map[string]json.RawMessage{
		"review_id": raw(`"` + r0.ID + `"`), "position": raw(`0`), "title": raw(`"Gone, renamed"`), "notes": raw(`""`)}}
	if stats, err := db.ApplyChanges(ctx, protocol.ChangesResponse{Cursor: 4, Entities: []protocol.Entity{back}}); err != nil || stats.Kept != 1 {
		t.Errorf("a record deleted here: %+v, %v", stats, err)
	}
	if m, err := db.Meeting(ctx, r0.ID); err != nil || len(m.Sections) != 0 {
		t.Errorf("sections = %+v, %v", m.Sections, err)
	}
	ackAll(t, db)
	// Once pushed, the server's delete takes it for good.
	del := protocol.Entity{Entity: "section", ID: sec.ID, ChildID: c.ID, Version: 3, Deleted: true}
	if stats, err := db.ApplyChanges(ctx, protocol.ChangesResponse{Cursor: 5, Entities: []protocol.Entity{del}}); err != nil || stats.Deleted != 0 {
		t.Errorf("deleting what is gone: %+v, %v", stats, err)
	}
	if cursor(t, db) != 5 {
		t.Errorf("cursor = %d", cursor(t, db))
	}
}

// TestSyncPullDeletesAndSkips: a deletion with no pending ops removes the
// row and what hangs off it; unknown kinds are skipped, not an error.
func TestSyncPullDeletesAndSkips(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _, c := syncCycleDB(t)
	att := review.Attendee{Name: "Ms Visitor"}
	if err := db.AddAttendee(ctx, c.Reviews[0].ID, &att); err != nil {
		t.Fatal(err)
	}
	ackAll(t, db)
	stats, err := db.ApplyChanges(ctx, protocol.ChangesResponse{Cursor: 9, Entities: []protocol.Entity{
		{Entity: "attendee", ID: att.ID, ChildID: c.ID, Version: 2, Deleted: true},
		{Entity: "visit_note", ID: "v1", ChildID: c.ID, Version: 1, Fields: map[string]json.RawMessage{"text": raw(`"?"`)}},
	}})
	if err != nil || stats != (PullStats{Deleted: 1, Skipped: 1}) {
		t.Errorf("stats = %+v, %v", stats, err)
	}
	if m, err := db.Meeting(ctx, c.Reviews[0].ID); err != nil || len(m.Attendees) != 0 {
		t.Errorf("attendees = %+v, %v", m.Attendees, err)
	}
	if cursor(t, db) != 9 || len(pending(t, db)) != 0 {
		t.Errorf("cursor %d, %d ops pending", cursor(t, db), len(pending(t, db)))
	}
}

// TestSyncPullIsAtomic: a page that fails part-way leaves nothing of
// itself behind, and the cursor where it was. (A record this laptop cannot
// store no longer fails its page: TestSyncPullSetsAsideWhatItCannotStore.)
func TestSyncPullIsAtomic(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _, c := syncCycleDB(t)
	if _, err := db.ApplyChanges(ctx, protocol.ChangesResponse{Cursor: 4, Epoch: "e1"}); err != nil {
		t.Fatal(err)
	}
	newChild := protocol.Entity{Entity: "child", ID: "01900000-0000-7000-8000-00000000d001", ChildID: "01900000-0000-7000-8000-00000000d001",
		Version: 1, Fields: map[string]json.RawMessage{"la_id": raw(`"LA-9"`), "first_name": raw(`"Pulled"`), "last_name": raw(`"Child"`),
			"dob": raw(`"2015-05-05"`), "sex": raw(`"1"`), "ethnicity": raw(`"WBRI"`), "upn": raw(`""`), "home_la": raw(`"E1"`),
			"plan_status": raw(`""`)}}
	changed := reviewEntity(c.ID, c.Reviews[0], 2, func(f map[string]json.RawMessage) { f["location"] = raw(`"Moved"`) })
	badShape := reviewEntity(c.ID, c.Reviews[1], 2, func(f map[string]json.RawMessage) { f["state"] = raw(`["held"]`) })
	before := snapshot(t, db)
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	for name, tc := range map[string]struct {
		ctx   context.Context
		epoch string
		page  []protocol.Entity
	}{
		// Every record applies (or is set aside) before the cursor is
		// saved, which then fails: none of it may stay.
		"a page from another epoch": {ctx, "e2", []protocol.Entity{newChild, changed, badShape}},
		"the context cancelled":     {cancelled, "e1", []protocol.Entity{newChild, changed}},
	} {
		if _, err := db.ApplyChanges(tc.ctx, protocol.ChangesResponse{Cursor: 50, Epoch: tc.epoch, Entities: tc.page}); err == nil {
			t.Errorf("%s: no error", name)
		}
		if after := snapshot(t, db); !reflect.DeepEqual(after, before) {
			t.Errorf("%s: the failed page left writes behind", name)
		}
	}
	if cursor(t, db) != 4 {
		t.Errorf("cursor moved to %d", cursor(t, db))
	}
	stats, err := db.ApplyChanges(ctx, protocol.ChangesResponse{Cursor: 50, Entities: []protocol.Entity{changed, newChild}})
	if err != nil || stats.Applied != 2 || cursor(t, db) != 50 {
		t.Fatalf("the good page: %+v, %v, cursor %d", stats, err, cursor(t, db))
	}
	got, err := db.Child(ctx, newChild.ID)
	if err != nil || got.FirstName != "Pulled" || got.DOB != calendar.D(2015, 5, 5) || got.IROAllocated != (calendar.Date{}) || got.Version != 1 {
		t.Errorf("pulled child = %+v, %v", got, err)
	}
}

// revokeFixture gives child c the whole of a record: a meeting, notes, a
// recommendation with progress, monitoring, and a challenge whose history
// has a correction (append-only rows that refuse deletes of their own).
func revokeFixture(t *testing.T, db *DB, c *child.Child) {
	t.Helper()
	ctx := context.Background()
	rv := c.Reviews[0].ID
	sec := review.Section{Title: "Health"}
	rec := review.Recommendation{ReviewID: rv, Text: "Dental check"}
	err := db.Update(ctx, func(tx *Tx) error {
		return errorsJoin(tx.AddEpisode(c.ID, &child.Episode{Provider: "Hollybank", LegalStatus: "C2"}),
			tx.AddCPPlan(c.ID, &child.CPPlan{Category: "NEG"}),
			tx.AddConsultation(rv, &review.Consultation{Name: "Carer"}),
			tx.SaveDocument(rv, &review.Document{Kind: review.DocCarePlan}),
			tx.SaveChecklistItem(rv, &review.ChecklistItem{Topic: review.TopicHealth, Note: "Fine"}),
			tx.StartMeeting(rv, time.Now()), tx.SaveWishes(rv, "Wants a dog"), tx.AddSection(rv, &sec),
			tx.AddAttendee(rv, &review.Attendee{Name: "Mr Carer"}), tx.AddRecommendation(c.ID, &rec),
			tx.AddMonitoring(c.ID, &review.Monitoring{Contact: "Phone"}))
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.AddProgress(ctx, rec.ID, &review.Progress{Text: "Booked", Status: review.RecInProgress}); err != nil {
		t.Fatal(err)
	}
	d := calendar.D(2026, 11, 2)
	ch := raised(t, c.ID, d, sentTo(0, d))
	ch.ReviewID, ch.RecommendationID = rv, rec.ID
	if err := db.RaiseChallengeNow(ctx, ch); err != nil {
		t.Fatal(err)
	}
	corr := next(t, ch, challenge.Step{Kind: challenge.Correction, On: d, Corrects: ch.Steps[0].ID, Text: "To Mr Khan"})
	if err := db.AppendChallengeStepNow(ctx, ch.ID, corr); err != nil {
		t.Fatal(err)
	}
}

// childRows are the ids of the rows of every table that belong to the
// child, found through their parents, and its rows of the sync tables.
func childRows(t *testing.T, db *DB, childID string) map[string][]string {
	t.Helper()
	const (
		reviews = "(SELECT id FROM review WHERE child_id = ?)"
	)
	queries := map[string]string{
		"child":          "SELECT id FROM child WHERE id = ?",
		"meeting":        "SELECT review_id FROM meeting WHERE review_id IN " + reviews,
		"progress":       "SELECT id FROM progress WHERE recommendation_id IN (SELECT id FROM recommendation WHERE child_id = ?)",
		"challenge_step": "SELECT id FROM challenge_step WHERE challenge_id IN (SELECT id FROM challenge WHERE child_id = ?)",
		"sync_entity":    "SELECT entity || '/' || id FROM sync_entity WHERE child_id = ?",
		"sync_conflict":  "SELECT uid FROM sync_conflict WHERE child_id = ?",
		"sync_parked":    "SELECT id FROM sync_parked WHERE child_id = ?",
		"sync_revoked":   "SELECT child_id FROM sync_revoked WHERE child_id = ?",
	}
	for _, table := range []string{"episode", "cp_plan", "review", "recommendation", "monitoring", "challenge"} {
		queries[table] = "SELECT id FROM " + table + " WHERE child_id = ?"
	}
	for _, table := range []string{"section", "consultation", "document", "checklist_item", "attendee"} {
		queries[table] = "SELECT id FROM " + table + " WHERE review_id IN " + reviews
	}
	out := map[string][]string{}
	for table, q := range queries {
		out[table] = queryStrings(t, db, q, childID)
	}
	return out
}

// gone fails the test for any of rows (from childRows) still in its table.
func gone(t *testing.T, db *DB, rows map[string][]string) {
	t.Helper()
	for table, ids := range rows {
		if strings.HasPrefix(table, "sync_") {
			continue
		}
		key := "id"
		if table == "meeting" {
			key = "review_id"
		}
		for _, id := range ids {
			var n int
			if err := db.sql.QueryRow("SELECT count(*) FROM "+table+" WHERE "+key+" = ?", id).Scan(&n); err != nil || n != 0 {
				t.Errorf("%s %s is still there (%v)", table, id, err)
			}
		}
	}
}

func outboxCount(t *testing.T, db *DB) int {
	t.Helper()
	var n int
	if err := db.sql.QueryRow("SELECT count(*) FROM outbox").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestSyncRevokePurges: a revoked child goes with everything under it,
// challenge steps and progress included, at once if nothing is waiting to
// be pushed, else after the outbox drains. The outbox keeps its ops and
// the audit log records the purge by id.
func TestSyncRevokePurges(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _, c := syncCycleDB(t)
	other := addCycleChild(t, db)
	third := addCycleChild(t, db)
	revokeFixture(t, db, c)
	revokeFixture(t, db, other)
	// What sync knows of c: a server version and an open conflict.
	if _, err := db.ApplyChanges(ctx, protocol.ChangesResponse{Cursor: 1,
		Entities: []protocol.Entity{reviewEntity(c.ID, c.Reviews[1], 2, nil)}}); err != nil {
		t.Fatal(err)
	}
	ackAll(t, db)
	r := c.Reviews[1]
	_, r, _ = db.Review(ctx, r.ID)
	r.Location = "Mine"
	if err := db.SaveReview(ctx, c.ID, &r); err != nil {
		t.Fatal(err)
	}
	batch, _ := db.NextPushBatch(ctx, 100, protocol.MaxBatchBytes)
	if err := db.ApplyPushResults(ctx, []protocol.Result{{OpID: batch[0].OpID, Status: protocol.Conflict, Version: 3,
		Conflicts: map[string]json.RawMessage{"location": raw(`"Theirs"`)}}}); err != nil {
		t.Fatal(err)
	}
	rows := childRows(t, db, c.ID)
	for _, table := range append(append([]string(nil), syncOrder...), "sync_entity", "sync_conflict") {
		if len(rows[table]) == 0 {
			t.Fatalf("the fixture has no %s row for the child: %v", table, rows)
		}
	}
	ops := outboxCount(t, db)

	// Nothing pending: purged at once.
	stats, err := db.ApplyChanges(ctx, protocol.ChangesResponse{Cursor: 2, Revoked: []string{c.ID}})
	if err != nil || stats.Purged != 1 {
		t.Fatalf("revoke: %+v, %v", stats, err)
	}
	for table, ids := range childRows(t, db, c.ID) {
		if len(ids) != 0 {
			t.Errorf("%s rows left after the purge: %v", table, ids)
		}
	}
	gone(t, db, rows)
	if _, err := db.Child(ctx, c.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("Child after purge = %v", err)
	}
	otherRows := childRows(t, db, other.ID)
	if len(otherRows["challenge_step"]) != 2 || len(otherRows["progress"]) != 1 {
		t.Errorf("the other child's rows = %v", otherRows)
	}
	if n := outboxCount(t, db); n != ops {
		t.Errorf("outbox has %d ops after the purge, had %d", n, ops)
	}
	log, err := db.AuditLog(ctx, 1)
	if err != nil || len(log) != 1 || log[0].Event != AuditPurge || log[0].Detail != "child revoked by the server: "+c.ID {
		t.Errorf("audit = %+v, %v", log, err)
	}

	// Ops pending (for any child): remembered, purged once they are pushed.
	if err := db.AddMonitoring(ctx, third.ID, &review.Monitoring{Contact: "Phone"}); err != nil {
		t.Fatal(err)
	}
	stats, err = db.ApplyChanges(ctx, protocol.ChangesResponse{Cursor: 3, Revoked: []string{other.ID, third.ID}})
	if err != nil || stats.Purged != 0 {
		t.Fatalf("revoke with ops pending: %+v, %v", stats, err)
	}
	if got := childRows(t, db, other.ID); len(got["child"]) != 1 || len(got["sync_revoked"]) != 1 {
		t.Errorf("rows of the remembered child = %v", got)
	}
	// third is allocated again before the purge: the revoke no longer holds.
	stats, err = db.ApplyChanges(ctx, protocol.ChangesResponse{Cursor: 4,
		Entities: []protocol.Entity{reviewEntity(third.ID, third.Reviews[0], 2, nil)}})
	if err != nil || stats.Purged != 0 {
		t.Fatalf("a pull with ops still pending: %+v, %v", stats, err)
	}
	ackAll(t, db)
	stats, err = db.ApplyChanges(ctx, protocol.ChangesResponse{Cursor: 5})
	if err != nil || stats.Purged != 1 {
		t.Fatalf("the pull after the push: %+v, %v", stats, err)
	}
	for table, ids := range childRows(t, db, other.ID) {
		if len(ids) != 0 {
			t.Errorf("%s rows of the remembered child left: %v", table, ids)
		}
	}
	gone(t, db, otherRows)
	if _, err := db.Child(ctx, third.ID); err != nil {
		t.Errorf("the re-allocated child went: %v", err)
	}
	if log, err := db.AuditLog(ctx, 1); err != nil || log[0].Detail != "child revoked by the server: "+other.ID {
		t.Errorf("audit = %+v, %v", log, err)
	}
	if r, err := db.Check(ctx); err != nil || len(r.Problems) != 0 {
		t.Errorf("Check = %+v, %v", r.Problems, err)
	}
}

// TestSyncMigrateFromVersion4 upgrades a database left by an iro with
// migrations 0001–0004, holding a caseload and ops: all survive, the old
// ops push, and autosave still merges until they are sent.
func TestSyncMigrateFromVersion4(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "iro.db")
	old := openAtVersion(t, path, 4)
	if err := old.Initialise(ctx, passphrase, false, vault.MinParams); err != nil {
		t.Fatal(err)
	}
	kids := []child.Child{fullChild(), *newChild("Second")}
	if err := old.Update(ctx, func(tx *Tx) error { return AddChildren(tx, kids) }); err != nil {
		t.Fatal(err)
	}
	// (The autosave path of this iro reads sent_at, which a version-4
	// database has not got; the writes here are ones an older iro made.)
	sec := review.Section{Title: "Welcome"}
	rec := review.Recommendation{ReviewID: kids[0].Reviews[0].ID, Text: "SGO assessment"}
	err := old.Update(ctx, func(tx *Tx) error {
		return errorsJoin(tx.AddSection(kids[0].Reviews[0].ID, &sec), tx.AddRecommendation(kids[0].ID, &rec),
			tx.AddProgress(rec.ID, &review.Progress{Text: "Chased"}))
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := old.sql.Exec("UPDATE outbox SET state = 'acked' WHERE op = 'section.create'"); err != nil {
		t.Fatal(err)
	}
	caseload, err := old.Caseload(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ops, err := old.PendingOps(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if v := pragmaInt(t, old, "user_version"); v != 4 || strings.Contains(strings.Join(tableNames(t, old), " "), "sync_") {
		t.Fatalf("the old database is at version %d with tables %v", v, tableNames(t, old))
	}
	db := reopenMigrated(t, old, path)
	if got, err := db.Caseload(ctx); err != nil || !reflect.DeepEqual(got, caseload) {
		t.Errorf("caseload changed: %v", err)
	}
	if got, err := db.PendingOps(ctx, 0); err != nil || !reflect.DeepEqual(got, ops) {
		t.Errorf("outbox changed: %v", err)
	}
	if c, err := db.SyncCounts(ctx); err != nil || c != (SyncCounts{Pending: len(ops)}) {
		t.Errorf("SyncCounts = %+v, %v", c, err)
	}
	// Autosave merges into an unsent op, until it is sent.
	for _, text := range []string{"one", "two"} {
		if err := db.SaveNotes(ctx, sec.ID, text); err != nil {
			t.Fatal(err)
		}
	}
	if got := pending(t, db); len(got) != len(ops)+1 || string(got[len(got)-1].Payload) != `{"notes":"two"}` {
		t.Errorf("autosave after the upgrade: %d ops, last %s", len(got), got[len(got)-1].Payload)
	}
	batch, err := db.NextPushBatch(ctx, 1000, protocol.MaxBatchBytes)
	if err != nil || len(batch) != len(ops)+1 || batch[0].OpID != ops[0].OpID {
		t.Fatalf("batch = %d ops, %v", len(batch), err)
	}
	if err := db.SaveNotes(ctx, sec.ID, "three"); err != nil {
		t.Fatal(err)
	}
	if got := pending(t, db); len(got) != len(ops)+2 {
		t.Errorf("%d ops after a save behind a sent op, want %d", len(got), len(ops)+2)
	}
	if err := db.SaveEnrolment(ctx, syncServer, "d", "i", "t"); err != nil {
		t.Fatal(err)
	}
	if r, err := db.Check(ctx); err != nil || len(r.Problems) != 0 {
		t.Errorf("Check after the upgrade = %+v, %v", r.Problems, err)
	}
}
