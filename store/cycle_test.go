package store

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/iro-app/iro/internal/calendar"
	"github.com/iro-app/iro/internal/child"
	"github.com/iro-app/iro/internal/review"
)

// cycleTestDB is an unlocked database holding one child with two reviews.
func cycleTestDB(t *testing.T) (db *DB, path string, c *child.Child) {
	t.Helper()
	db, path = unlockedTestDB(t)
	return db, path, addCycleChild(t, db)
}

// addCycleChild saves a child with two reviews.
func addCycleChild(t testing.TB, db *DB) *child.Child {
	t.Helper()
	ctx := context.Background()
	c := newChild("Cycle")
	c.Reviews = []child.Review{
		{Kind: child.LAC, Sequence: 1, Due: calendar.D(2025, 3, 1), State: "preparing"},
		{Kind: child.LAC, Sequence: 2, Due: calendar.D(2025, 9, 1), State: "planned"},
	}
	kids := []child.Child{*c}
	if err := db.Update(ctx, func(tx *Tx) error { return AddChildren(tx, kids) }); err != nil {
		t.Fatal(err)
	}
	*c = kids[0]
	return c
}

// snapshot is every row of every table, as text: two equal snapshots mean
// nothing was written in between.
func snapshot(t *testing.T, db *DB) map[string]string {
	t.Helper()
	var tables []string
	rows, err := db.sql.Query("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, n)
	}
	rows.Close()
	out := map[string]string{}
	for _, table := range tables {
		rows, err := db.sql.Query("SELECT * FROM " + table + " ORDER BY rowid")
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		var b strings.Builder
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintln(&b, vals...)
		}
		rows.Close()
		out[table] = b.String()
	}
	return out
}

// failOutbox makes every outbox write fail until the returned func is
// called, so a Tx method's row write succeeds and its op does not.
func failOutbox(t *testing.T, db *DB) (restore func()) {
	t.Helper()
	for _, ev := range []string{"INSERT", "UPDATE"} {
		q := fmt.Sprintf(`CREATE TRIGGER fail_outbox_%[1]s BEFORE %[1]s ON outbox
			BEGIN SELECT RAISE(ABORT, 'injected outbox failure'); END`, ev)
		if _, err := db.sql.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	return func() {
		for _, ev := range []string{"INSERT", "UPDATE"} {
			if _, err := db.sql.Exec("DROP TRIGGER fail_outbox_" + ev); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestReviewCycleOpPerWrite runs every review-cycle Tx method twice: first
// with outbox writes failing, which must roll its row back too, then for
// real, which must add exactly one op with the expected intent and payload.
// writeOneOp proves the outbox rule for one write: with the outbox failing
// the write leaves no trace at all; then it succeeds and adds exactly one
// op, leaving the ops before it untouched. It returns the new op.
func writeOneOp(t *testing.T, db *DB, write func(tx *Tx) error) Op {
	t.Helper()
	ctx := context.Background()
	before := snapshot(t, db)
	restore := failOutbox(t, db)
	err := db.Update(ctx, write)
	restore()
	if err == nil || !strings.Contains(err.Error(), "injected outbox failure") {
		t.Fatalf("with the outbox failing, Update = %v", err)
	}
	if after := snapshot(t, db); !reflect.DeepEqual(after, before) {
		t.Fatalf("a failed op left writes behind:\nbefore %v\nafter  %v", before, after)
	}
	opsBefore, err := db.PendingOps(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(ctx, write); err != nil {
		t.Fatalf("Update: %v", err)
	}
	ops, err := db.PendingOps(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(ops) != len(opsBefore)+1 || !reflect.DeepEqual(ops[:len(opsBefore)], opsBefore) {
		t.Fatalf("outbox went from %d to %d ops, want one more and the old ones untouched", len(opsBefore), len(ops))
	}
	return ops[len(ops)-1]
}

func TestReviewCycleOpPerWrite(t *testing.T) {
	t.Parallel()
	db, _, c := cycleTestDB(t)
	rv, rv2 := c.Reviews[0].ID, c.Reviews[1].ID
	start := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	held := start.Add(90 * time.Minute)

	con := &review.Consultation{Who: review.ConsulteeChild, Name: "Alfie", How: review.MethodVisit, On: calendar.D(2025, 2, 20), SeenAlone: true, Summary: "Likes school"}
	doc := &review.Document{Kind: review.DocCarePlan}
	item := &review.ChecklistItem{Topic: review.TopicHealth, Check: review.CheckMissing}
	att := &review.Attendee{Name: "Dr Okoro", Role: "health", Attendance: review.Present}
	sec := &review.Section{Position: 0, Title: "Health"}
	rec := &review.Recommendation{ID: "01900000-0000-7000-8000-0000000a0001", ReviewID: rv, Text: "Book dental check", OwnerRole: "carer", Due: calendar.D(2025, 4, 1)}
	note := &review.Progress{On: calendar.D(2025, 3, 10), Text: "Chased carer", Chased: "Carer"}
	done := &review.Progress{On: calendar.D(2025, 3, 20), Text: "Seen by dentist", Status: review.RecDone}
	mon := &review.Monitoring{On: calendar.D(2025, 6, 1), Contact: "SW", Checked: "Dental", Outcome: "Done"}

	for _, tc := range []struct {
		name  string
		write func(tx *Tx) error
		want  opDelta
	}{
		{"start meeting", func(tx *Tx) error { return tx.StartMeeting(rv, start) },
			opDelta{"meeting", "meeting.create", 0, map[string]any{"review_id": rv, "started_at": "2025-03-01T10:00:00.000000Z", "wishes": ""}}},
		{"save wishes", func(tx *Tx) error { return tx.SaveWishes(rv, "Wants to stay") },
			opDelta{"meeting", "meeting.update", 1, map[string]any{"wishes": "Wants to stay"}}},
		// A letter saved now would fold into the unsent wishes update (see
		// TestWishesAndLetterAutosaveCoalesce); held_at is not autosaved text,
		// so it always gets its own op.
		{"mark held", func(tx *Tx) error { return tx.MarkHeld(rv, held) },
			opDelta{"meeting", "meeting.update", 2, map[string]any{"held_at": "2025-03-01T11:30:00.000000Z"}}},
		{"letter for a meeting never started", func(tx *Tx) error { return tx.SaveLetter(rv2, "Dear A") },
			opDelta{"meeting", "meeting.create", 0, map[string]any{"review_id": rv2, "letter": "Dear A", "started_at": ""}}},
		{"add consultation", func(tx *Tx) error { return tx.AddConsultation(rv, con) },
			opDelta{"consultation", "consultation.create", 0, map[string]any{"review_id": rv, "who": "child", "name": "Alfie", "seen_alone": true, "on_date": "2025-02-20"}}},
		{"update consultation", func(tx *Tx) error { con.Summary = "Likes school and football"; return tx.UpdateConsultation(con) },
			opDelta{"consultation", "consultation.update", 1, map[string]any{"summary": "Likes school and football"}}},
		{"save a new document", func(tx *Tx) error { return tx.SaveDocument(rv, doc) },
			opDelta{"document", "document.create", 0, map[string]any{"kind": "care_plan", "received": ""}}},
		{"save the same kind again", func(tx *Tx) error {
			return tx.SaveDocument(rv, &review.Document{Kind: review.DocCarePlan, Received: calendar.D(2025, 2, 25)})
		}, opDelta{"document", "document.update", 1, map[string]any{"received": "2025-02-25"}}},
		{"save a new checklist item", func(tx *Tx) error { return tx.SaveChecklistItem(rv, item) },
			opDelta{"checklist_item", "checklist_item.create", 0, map[string]any{"topic": "health", "check_value": "missing"}}},
		{"save the same topic again", func(tx *Tx) error {
			item.Check, item.Note = review.CheckConcern, "No dentist"
			return tx.SaveChecklistItem(rv, item)
		}, opDelta{"checklist_item", "checklist_item.update", 1, map[string]any{"check_value": "concern", "note": "No dentist"}}},
		{"add attendee", func(tx *Tx) error { return tx.AddAttendee(rv, att) },
			opDelta{"attendee", "attendee.create", 0, map[string]any{"name": "Dr Okoro", "attendance": "present"}}},
		{"update attendee", func(tx *Tx) error { att.Attendance = review.Apologies; return tx.UpdateAttendee(att) },
			opDelta{"attendee", "attendee.update", 1, map[string]any{"attendance": "apologies"}}},
		{"delete attendee", func(tx *Tx) error { return tx.DeleteAttendee(att.ID) },
			opDelta{"attendee", "attendee.delete", 2, map[string]any{}}},
		{"add section", func(tx *Tx) error { return tx.AddSection(rv, sec) },
			opDelta{"section", "section.create", 0, map[string]any{"title": "Health", "position": 0.0, "notes": ""}}},
		{"save notes", func(tx *Tx) error { return tx.SaveNotes(sec.ID, "Teeth hurt") },
			opDelta{"section", "section.update", 1, map[string]any{"notes": "Teeth hurt"}}},
		{"update section", func(tx *Tx) error {
			sec.Version, sec.Title, sec.Position = 2, "Health and teeth", 3
			return tx.UpdateSection(sec)
		}, opDelta{"section", "section.update", 2, map[string]any{"title": "Health and teeth", "position": 3.0}}},
		{"delete section", func(tx *Tx) error { return tx.DeleteSection(sec.ID) },
			opDelta{"section", "section.delete", 3, map[string]any{}}},
		{"add recommendation", func(tx *Tx) error { return tx.AddRecommendation(c.ID, rec) },
			opDelta{"recommendation", "recommendation.create", 0, map[string]any{"child_id": c.ID, "review_id": rv, "status": "open", "due": "2025-04-01"}}},
		{"update recommendation", func(tx *Tx) error {
			rec.Text, rec.OwnerName, rec.Status = "Book dental check by April", "Mrs Hill", review.RecDone // status is ignored
			return tx.UpdateRecommendation(rec)
		}, opDelta{"recommendation", "recommendation.update", 1, map[string]any{"text": "Book dental check by April", "owner_name": "Mrs Hill"}}},
		{"add progress", func(tx *Tx) error { return tx.AddProgress(rec.ID, note) },
			opDelta{"progress", "progress.append", 0, map[string]any{"recommendation_id": rec.ID, "chased": "Carer", "status": ""}}},
		{"add progress setting the status", func(tx *Tx) error { return tx.AddProgress(rec.ID, done) },
			opDelta{"progress", "progress.append", 0, map[string]any{"status": "done", "on_date": "2025-03-20"}}},
		{"add monitoring", func(tx *Tx) error { return tx.AddMonitoring(c.ID, mon) },
			opDelta{"monitoring", "monitoring.create", 0, map[string]any{"child_id": c.ID, "outcome": "Done"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			op := writeOneOp(t, db, tc.write)
			checkOp(t, op, tc.want)
			if strings.HasSuffix(op.Name, ".delete") && string(op.Payload) != "{}" {
				t.Errorf("delete payload = %s, want {}", op.Payload)
			}
		})
	}
	if rec.Status != review.RecDone || note.Created.IsZero() || rec.Version != 2 {
		t.Errorf("after the writes: rec status %q version %d, progress created %v", rec.Status, rec.Version, note.Created)
	}
}

func TestMeetingRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _, c := cycleTestDB(t)
	rv, other := c.Reviews[0].ID, c.Reviews[1].ID
	start := time.Date(2025, 3, 1, 10, 0, 0, 123456000, time.UTC)
	d := calendar.D

	// Saved out of order: the reads must sort.
	cons := []review.Consultation{
		{Who: review.ConsulteeCarer, Name: "Mrs Hill", How: review.MethodPhone, Summary: "Undated"},
		{Who: review.ConsulteeSocialWorker, Name: "Sam", How: review.MethodMessage, On: d(2025, 2, 21), Summary: "Late"},
		{Who: review.ConsulteeChild, Name: "Alfie", How: review.MethodVisit, On: d(2025, 2, 10), SeenAlone: true, Summary: "Seen alone"},
	}
	docs := []review.Document{{Kind: review.DocPEP, Received: d(2025, 2, 1)}, {Kind: review.DocSocialWorkerReport}}
	items := []review.ChecklistItem{{Topic: review.TopicEducation, Check: review.CheckOK}, {Topic: review.TopicContact, Check: review.CheckConcern, Note: "Dad missed two"}}
	atts := []review.Attendee{{Name: "Alfie", Role: "child", Attendance: review.Present}, {Name: "Mum", Role: "parent", Attendance: review.SentViews}, {Name: "Ms Bee", Role: "teacher", Attendance: review.Apologies}}
	secs := []review.Section{{Position: 2, Title: "Education", Notes: "Year 6"}, {Position: 0, Title: "Welcome"}, {Position: 1, Title: "Health"}}
	recs := []review.Recommendation{
		{ReviewID: rv, Text: "Dentist", OwnerRole: "carer", OwnerName: "Mrs Hill", Due: d(2025, 4, 1)},
		{ReviewID: rv, Text: "Contact plan", OwnerRole: "social worker"},
	}
	elsewhere := review.Recommendation{ReviewID: other, Text: "Not this review"}
	progress := review.Progress{On: d(2025, 3, 5), Text: "Booked", Chased: "Mrs Hill", Status: review.RecInProgress}

	err := db.Update(ctx, func(tx *Tx) error {
		steps := []error{tx.StartMeeting(rv, start), tx.SaveWishes(rv, "I want to see my dog"), tx.SaveLetter(rv, "Dear Alfie,")}
		for i := range cons {
			steps = append(steps, tx.AddConsultation(rv, &cons[i]))
		}
		for i := range docs {
			steps = append(steps, tx.SaveDocument(rv, &docs[i]))
		}
		for i := range items {
			steps = append(steps, tx.SaveChecklistItem(rv, &items[i]))
		}
		for i := range atts {
			steps = append(steps, tx.AddAttendee(rv, &atts[i]))
		}
		for i := range secs {
			steps = append(steps, tx.AddSection(rv, &secs[i]))
		}
		for i := range recs {
			steps = append(steps, tx.AddRecommendation(c.ID, &recs[i]))
		}
		steps = append(steps, tx.AddRecommendation(c.ID, &elsewhere), tx.AddProgress(recs[0].ID, &progress))
		return errors.Join(steps...)
	})
	if err != nil {
		t.Fatal(err)
	}
	recs[0].Status, recs[1].Status = review.RecInProgress, review.RecOpen
	recs[0].Progress = []review.Progress{progress}
	want := review.Meeting{
		ReviewID: rv, StartedAt: start, WishesAndFeelings: "I want to see my dog", Letter: "Dear Alfie,",
		Consultations: []review.Consultation{cons[2], cons[1], cons[0]},
		Documents:     docs, Checklist: items, Attendees: atts,
		Sections:        []review.Section{secs[1], secs[2], secs[0]},
		Recommendations: recs,
	}
	got, err := db.Meeting(ctx, rv)
	if err != nil {
		t.Fatalf("Meeting: %v", err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Meeting\n got %+v\nwant %+v", got, want)
	}

	// A review with no meeting row yet reads as an empty meeting; an unknown
	// review is an error.
	if got, err := db.Meeting(ctx, other); err != nil || !got.StartedAt.IsZero() || !got.HeldAt.IsZero() ||
		got.ReviewID != other || len(got.Recommendations) != 1 || got.Recommendations[0].Text != "Not this review" {
		t.Errorf("Meeting of a review never started = %+v, %v", got, err)
	}
	if _, err := db.Meeting(ctx, "01900000-0000-7000-8000-000000000404"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Meeting of an unknown review = %v, want ErrNotFound", err)
	}

	childID, r, err := db.Review(ctx, rv)
	if err != nil || childID != c.ID || !reflect.DeepEqual(r, c.Reviews[0]) {
		t.Errorf("Review = %q, %+v, %v; want %q, %+v", childID, r, err, c.ID, c.Reviews[0])
	}
	if _, _, err := db.Review(ctx, "01900000-0000-7000-8000-000000000404"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Review of an unknown id = %v, want ErrNotFound", err)
	}
}

func TestRecommendationsAndMonitoring(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _, c := cycleTestDB(t)
	other := newChild("Other")
	d := calendar.D
	first := review.Recommendation{ReviewID: c.Reviews[0].ID, Text: "First"}
	second := review.Recommendation{ReviewID: c.Reviews[1].ID, Text: "Second", Status: review.RecInProgress}
	mons := []review.Monitoring{
		{Contact: "Undated"},
		{On: d(2025, 7, 1), Contact: "Carer", Checked: "School", Outcome: "Fine"},
		{On: d(2025, 6, 1), Contact: "SW", Checked: "Contact", Outcome: "Concern"},
	}
	err := db.Update(ctx, func(tx *Tx) error {
		errs := []error{tx.AddChild(other), tx.AddRecommendation(c.ID, &first), tx.AddRecommendation(c.ID, &second)}
		for i := range mons {
			errs = append(errs, tx.AddMonitoring(c.ID, &mons[i]))
		}
		return errors.Join(errs...)
	})
	if err != nil {
		t.Fatal(err)
	}
	// Status follows the latest entry that sets one; plain notes and chases
	// leave it alone.
	for _, tc := range []struct {
		name       string
		entry      review.Progress
		wantStatus review.RecStatus
	}{
		{"a note", review.Progress{On: d(2025, 3, 2), Text: "Spoke to carer"}, review.RecOpen},
		{"started", review.Progress{On: d(2025, 3, 3), Status: review.RecInProgress}, review.RecInProgress},
		{"a chase", review.Progress{On: d(2025, 3, 9), Chased: "Dental practice"}, review.RecInProgress},
		{"done", review.Progress{On: d(2025, 3, 20), Text: "Seen", Status: review.RecDone}, review.RecDone},
		{"reopened by a backdated entry", review.Progress{On: d(2025, 3, 1), Status: review.RecNotDone}, review.RecNotDone},
		{"another note", review.Progress{Text: "Carer to rebook"}, review.RecNotDone},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := db.Update(ctx, func(tx *Tx) error { return tx.AddProgress(first.ID, &tc.entry) }); err != nil {
				t.Fatal(err)
			}
			first.Progress = append(first.Progress, tc.entry)
			rs, err := db.Recommendations(ctx, c.ID)
			if err != nil || len(rs) != 2 {
				t.Fatalf("Recommendations = %d, %v", len(rs), err)
			}
			got := rs[0]
			if got.Status != tc.wantStatus || got.Version != 1 || !reflect.DeepEqual(got.Progress, first.Progress) {
				t.Fatalf("after %s: status %q version %d progress %+v; want %q, 1, %+v", tc.name, got.Status, got.Version, got.Progress, tc.wantStatus, first.Progress)
			}
		})
	}
	rs, err := db.Recommendations(ctx, c.ID)
	if err != nil || len(rs) != 2 || rs[0].ID != first.ID || rs[1].ID != second.ID || rs[1].Status != review.RecInProgress || rs[1].Progress != nil {
		t.Errorf("Recommendations = %+v, %v; want first then second", rs, err)
	}
	if _, err := db.sql.Exec("UPDATE progress SET text = x'00'"); err == nil || !strings.Contains(err.Error(), "append-only") {
		t.Errorf("UPDATE of progress = %v, want the append-only trigger to refuse", err)
	}

	got, err := db.MonitoringEntries(ctx, c.ID)
	if err != nil || !reflect.DeepEqual(got, []review.Monitoring{mons[2], mons[1], mons[0]}) {
		t.Errorf("MonitoringEntries = %+v, %v", got, err)
	}
	if got, err := db.MonitoringEntries(ctx, other.ID); err != nil || got != nil {
		t.Errorf("MonitoringEntries of a child with none = %v, %v", got, err)
	}
	if rs, err := db.Recommendations(ctx, other.ID); err != nil || rs != nil {
		t.Errorf("Recommendations of a child with none = %v, %v", rs, err)
	}
	for name, read := range map[string]func() error{
		"recommendations": func() error { _, err := db.Recommendations(ctx, "01900000-0000-7000-8000-000000000404"); return err },
		"monitoring":      func() error { _, err := db.MonitoringEntries(ctx, "01900000-0000-7000-8000-000000000404"); return err },
	} {
		if err := read(); !errors.Is(err, ErrNotFound) {
			t.Errorf("%s of an unknown child = %v, want ErrNotFound", name, err)
		}
	}
}

// TestReviewCycleRefusals covers stale versions, missing rows and parents,
// and a locked vault; none of them may write anything.
func TestReviewCycleRefusals(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _, c := cycleTestDB(t)
	rv := c.Reviews[0].ID
	other := newChild("Stranger")
	other.Reviews = []child.Review{{Kind: child.CP, Sequence: 1}}
	con := review.Consultation{Who: review.ConsulteeParent, Name: "Dad"}
	att := review.Attendee{Name: "Dad"}
	sec := review.Section{Title: "Family time"}
	rec := review.Recommendation{ReviewID: rv, Text: "Contact"}
	doc := review.Document{Kind: review.DocPEP}
	item := review.ChecklistItem{Topic: review.TopicIdentity}
	err := db.Update(ctx, func(tx *Tx) error {
		return errors.Join(AddChildren(tx, []child.Child{*other}), tx.AddConsultation(rv, &con), tx.AddAttendee(rv, &att),
			tx.AddSection(rv, &sec), tx.AddRecommendation(c.ID, &rec), tx.SaveDocument(rv, &doc), tx.SaveChecklistItem(rv, &item))
	})
	if err != nil {
		t.Fatal(err)
	}
	// Someone else saves each first; then the copies above are stale.
	err = db.Update(ctx, func(tx *Tx) error {
		c2, a2, s2, r2, d2, i2 := con, att, sec, rec, doc, item
		c2.Summary, a2.Role, s2.Title, r2.Text, d2.Received, i2.Check = "x", "x", "x", "x", calendar.D(2025, 1, 1), review.CheckOK
		return errors.Join(tx.UpdateConsultation(&c2), tx.UpdateAttendee(&a2), tx.UpdateSection(&s2), tx.UpdateRecommendation(&r2),
			tx.SaveDocument(rv, &d2), tx.SaveChecklistItem(rv, &i2))
	})
	if err != nil {
		t.Fatal(err)
	}
	const missing = "01900000-0000-7000-8000-0000000dead0"
	for _, tc := range []struct {
		name    string
		write   func(tx *Tx) error
		wantErr error
	}{
		{"stale consultation", func(tx *Tx) error { c := con; c.Summary = "y"; return tx.UpdateConsultation(&c) }, ErrConflict},
		{"stale attendee", func(tx *Tx) error { a := att; a.Role = "y"; return tx.UpdateAttendee(&a) }, ErrConflict},
		{"stale section", func(tx *Tx) error { s := sec; s.Title = "y"; return tx.UpdateSection(&s) }, ErrConflict},
		{"stale recommendation", func(tx *Tx) error { r := rec; r.Text = "y"; return tx.UpdateRecommendation(&r) }, ErrConflict},
		{"stale document", func(tx *Tx) error { d := doc; d.Received = calendar.D(2025, 2, 2); return tx.SaveDocument(rv, &d) }, ErrConflict},
		{"stale checklist item", func(tx *Tx) error { i := item; i.Note = "y"; return tx.SaveChecklistItem(rv, &i) }, ErrConflict},
		{"consultation of a missing review", func(tx *Tx) error { return tx.AddConsultation(missing, &review.Consultation{}) }, ErrNotFound},
		{"document of a missing review", func(tx *Tx) error { return tx.SaveDocument(missing, &review.Document{Kind: review.DocPEP}) }, ErrNotFound},
		{"checklist of a missing review", func(tx *Tx) error {
			return tx.SaveChecklistItem(missing, &review.ChecklistItem{Topic: review.TopicHealth})
		}, ErrNotFound},
		{"attendee of a missing review", func(tx *Tx) error { return tx.AddAttendee(missing, &review.Attendee{}) }, ErrNotFound},
		{"section of a missing review", func(tx *Tx) error { return tx.AddSection(missing, &review.Section{}) }, ErrNotFound},
		{"meeting of a missing review", func(tx *Tx) error { return tx.StartMeeting(missing, time.Now()) }, ErrNotFound},
		{"wishes of a missing review", func(tx *Tx) error { return tx.SaveWishes(missing, "x") }, ErrNotFound},
		{"recommendation of a missing review", func(tx *Tx) error {
			return tx.AddRecommendation(c.ID, &review.Recommendation{ReviewID: missing})
		}, ErrNotFound},
		{"recommendation on another child's review", func(tx *Tx) error {
			return tx.AddRecommendation(c.ID, &review.Recommendation{ReviewID: other.Reviews[0].ID})
		}, ErrNotFound},
		{"recommendation naming no review", func(tx *Tx) error { return tx.AddRecommendation(c.ID, &review.Recommendation{}) }, ErrNotFound},
		{"progress of a missing recommendation", func(tx *Tx) error { return tx.AddProgress(missing, &review.Progress{}) }, ErrNotFound},
		{"monitoring of a missing child", func(tx *Tx) error { return tx.AddMonitoring(missing, &review.Monitoring{}) }, ErrNotFound},
		{"update of a missing consultation", func(tx *Tx) error { return tx.UpdateConsultation(&review.Consultation{ID: missing}) }, ErrNotFound},
		{"update of a missing attendee", func(tx *Tx) error { return tx.UpdateAttendee(&review.Attendee{ID: missing}) }, ErrNotFound},
		{"update of a missing section", func(tx *Tx) error { return tx.UpdateSection(&review.Section{ID: missing}) }, ErrNotFound},
		{"update of a missing recommendation", func(tx *Tx) error {
			return tx.UpdateRecommendation(&review.Recommendation{ID: missing})
		}, ErrNotFound},
		{"delete of a missing attendee", func(tx *Tx) error { return tx.DeleteAttendee(missing) }, ErrNotFound},
		{"delete of a missing section", func(tx *Tx) error { return tx.DeleteSection(missing) }, ErrNotFound},
		{"notes of a missing section", func(tx *Tx) error { return tx.SaveNotes(missing, "x") }, ErrNotFound},
		{"document without a kind", func(tx *Tx) error { return tx.SaveDocument(rv, &review.Document{}) }, nil},
		{"checklist item without a topic", func(tx *Tx) error { return tx.SaveChecklistItem(rv, &review.ChecklistItem{}) }, nil},
		{"meeting started at no time", func(tx *Tx) error { return tx.StartMeeting(rv, time.Time{}) }, nil},
		{"a write after a refused one", func(tx *Tx) error {
			_ = tx.AddSection(rv, &review.Section{Title: "kept?"})
			_ = tx.SaveNotes(missing, "x")
			return nil
		}, ErrNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := snapshot(t, db)
			err := db.Update(ctx, tc.write)
			if err == nil || (tc.wantErr != nil && !errors.Is(err, tc.wantErr)) {
				t.Fatalf("Update = %v, want %v", err, tc.wantErr)
			}
			if after := snapshot(t, db); !reflect.DeepEqual(after, before) {
				t.Fatal("a refused write changed the database")
			}
		})
	}

	db.Lock()
	for name, call := range map[string]func() error{
		"Meeting":           func() error { _, err := db.Meeting(ctx, rv); return err },
		"Recommendations":   func() error { _, err := db.Recommendations(ctx, c.ID); return err },
		"MonitoringEntries": func() error { _, err := db.MonitoringEntries(ctx, c.ID); return err },
		"Review":            func() error { _, _, err := db.Review(ctx, rv); return err },
		"SaveNotes":         func() error { return db.Update(ctx, func(tx *Tx) error { return tx.SaveNotes(sec.ID, "locked") }) },
		"StartMeeting": func() error {
			return db.Update(ctx, func(tx *Tx) error { return tx.StartMeeting(rv, time.Now()) })
		},
	} {
		if err := call(); !errors.Is(err, ErrLocked) {
			t.Errorf("%s while locked = %v, want ErrLocked", name, err)
		}
	}
}

// TestMeetingRowRules: only the first start counts, and saving what is
// already stored writes nothing.
func TestMeetingRowRules(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _, c := cycleTestDB(t)
	rv := c.Reviews[0].ID
	first := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name    string
		write   func(tx *Tx) error
		wantOps int // added by this step
	}{
		{"wishes before the meeting starts", func(tx *Tx) error { return tx.SaveWishes(rv, "Stay with Nan") }, 1},
		{"start", func(tx *Tx) error { return tx.StartMeeting(rv, first) }, 1},
		{"start again later", func(tx *Tx) error { return tx.StartMeeting(rv, first.Add(time.Hour)) }, 0},
		{"same wishes again", func(tx *Tx) error { return tx.SaveWishes(rv, "Stay with Nan") }, 0},
		{"empty letter on a meeting with none", func(tx *Tx) error { return tx.SaveLetter(rv, "") }, 0},
		{"held", func(tx *Tx) error { return tx.MarkHeld(rv, first.Add(2*time.Hour)) }, 1},
		{"held again at the same time", func(tx *Tx) error { return tx.MarkHeld(rv, first.Add(2*time.Hour)) }, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before, _ := db.PendingOps(ctx, 0)
			if err := db.Update(ctx, tc.write); err != nil {
				t.Fatal(err)
			}
			after, _ := db.PendingOps(ctx, 0)
			if len(after)-len(before) != tc.wantOps {
				t.Fatalf("%d ops added, want %d", len(after)-len(before), tc.wantOps)
			}
		})
	}
	m, err := db.Meeting(ctx, rv)
	if err != nil || !m.StartedAt.Equal(first) || !m.HeldAt.Equal(first.Add(2*time.Hour)) || m.WishesAndFeelings != "Stay with Nan" {
		t.Fatalf("Meeting = %+v, %v", m, err)
	}
}
