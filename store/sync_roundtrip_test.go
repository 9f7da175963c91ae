package store

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/iro-app/iro/internal/calendar"
	"github.com/iro-app/iro/internal/challenge"
	"github.com/iro-app/iro/internal/child"
	"github.com/iro-app/iro/internal/protocol"
	"github.com/iro-app/iro/internal/review"
)

const syncServer = "https://iro.example.test/sync-control"

// syncTestDB is an unlocked database enrolled with a (pretend) server.
func syncTestDB(t *testing.T) (*DB, string) {
	t.Helper()
	db, path := unlockedTestDB(t)
	if err := db.SaveEnrolment(context.Background(), syncServer, "device-7", "iro-3", "token-Brackenridge-77"); err != nil {
		t.Fatal(err)
	}
	return db, path
}

// entitiesOf is what a server would hold after applying ops in order, as
// store/serverdb does: each record's fields folded op by op (a
// challenge.raise keeps its steps in a "steps" field; a progress entry
// does not touch its recommendation's status), its version the number of
// changes, deleted records without fields.
func entitiesOf(t *testing.T, ops []Op) []protocol.Entity {
	t.Helper()
	type key struct{ entity, id string }
	var (
		states = map[key]*protocol.Entity{}
		order  []key
	)
	get := func(entity, id string) *protocol.Entity {
		k := key{entity, id}
		if e, ok := states[k]; ok {
			return e
		}
		e := &protocol.Entity{Entity: entity, ID: id, Fields: map[string]json.RawMessage{}}
		states[k] = e
		order = append(order, k)
		return e
	}
	set := func(e *protocol.Entity, fields map[string]json.RawMessage) {
		for f, v := range fields {
			e.Fields[f] = v
		}
		e.Version++
	}
	for _, op := range ops {
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(op.Payload, &fields); err != nil {
			t.Fatal(err)
		}
		if protocol.KindOf(op.Name) == protocol.KindDelete {
			e := get(op.Entity, op.EntityID)
			e.Deleted = true
			e.Version++
			continue
		}
		set(get(op.Entity, op.EntityID), fields)
	}
	str := func(e *protocol.Entity, field string) string {
		var s string
		_ = json.Unmarshal(e.Fields[field], &s)
		return s
	}
	var childOf func(e *protocol.Entity) string
	childOf = func(e *protocol.Entity) string {
		switch {
		case e.Entity == "child":
			return e.ID
		case e.Entity == "meeting":
			return childOf(get("review", e.ID))
		case str(e, "child_id") != "":
			return str(e, "child_id")
		case str(e, "review_id") != "":
			return childOf(get("review", str(e, "review_id")))
		case str(e, "recommendation_id") != "":
			return childOf(get("recommendation", str(e, "recommendation_id")))
		case str(e, "challenge_id") != "":
			return childOf(get("challenge", str(e, "challenge_id")))
		}
		t.Fatalf("no child for %s %s", e.Entity, e.ID)
		return ""
	}
	out := make([]protocol.Entity, 0, len(order))
	for _, k := range order {
		e := *states[k]
		e.ChildID = childOf(&e)
		if e.Deleted {
			e.Fields = nil
		}
		out = append(out, e)
	}
	return out
}

// zeroVersions clears every Version field in v (a pointer), for comparing
// records across databases: a pulled row starts at version 1 on each
// laptop, whatever the server's count.
func zeroVersions(v any) {
	var walk func(reflect.Value)
	walk = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.Pointer:
			if !v.IsNil() {
				walk(v.Elem())
			}
		case reflect.Slice:
			for i := range v.Len() {
				walk(v.Index(i))
			}
		case reflect.Map:
			for _, k := range v.MapKeys() {
				e := reflect.New(v.Type().Elem()).Elem()
				e.Set(v.MapIndex(k))
				walk(e)
				v.SetMapIndex(k, e)
			}
		case reflect.Struct:
			for i := range v.NumField() {
				f := v.Field(i)
				if !f.CanSet() {
					continue
				}
				if v.Type().Field(i).Name == "Version" && f.Kind() == reflect.Int {
					f.SetInt(0)
					continue
				}
				walk(f)
			}
		}
	}
	walk(reflect.ValueOf(v))
}

// syncFixture fills db, through the store's own write methods, with a row
// of every syncable kind, updates, deletes and autosaves among them. It
// returns the sealed values it wrote, by description.
func syncFixture(t *testing.T, db *DB) map[string]string {
	t.Helper()
	ctx := context.Background()
	d := calendar.D
	kids := []child.Child{fullChild(), *newChild("Peregrine")}
	kids[1].LastName = "Wrenfeather-Osgood"
	kids[1].Reviews = []child.Review{{Kind: child.LAC, Sequence: 1, Due: d(2026, 1, 5), State: "planned", Location: "Bramblecote school"}}
	if err := db.Update(ctx, func(tx *Tx) error { return AddChildren(tx, kids) }); err != nil {
		t.Fatal(err)
	}
	c := kids[0]
	rv, rv2 := c.Reviews[0].ID, c.Reviews[2].ID
	var (
		secs = []review.Section{{Position: 0, Title: "Welcome and purpose"}, {Position: 1, Title: "Health and wellbeing"},
			{Position: 2, Title: "Section to be removed"}}
		cons = []review.Consultation{
			{Who: review.ConsulteeChild, Name: "Marigold herself", How: review.MethodVisit, On: d(2019, 1, 20), SeenAlone: true,
				Summary: "Enjoys the Quillwort climbing club"},
			{Who: review.ConsulteeCarer, Name: "Mrs Ashdown-Carer", How: review.MethodPhone, Summary: "Settled at Hollybank"},
		}
		att  = []review.Attendee{{Name: "Dana Whitlock-SW", Role: "social worker", Attendance: review.Present}, {Name: "Attendee Gone Soon", Role: "carer"}}
		rec  = review.Recommendation{ReviewID: rv, Text: "SGO assessment by the spring", OwnerRole: "social worker", OwnerName: "Dana Whitlock-SW", Due: d(2019, 4, 1)}
		rec2 = review.Recommendation{ReviewID: rv2, Text: "Dental check booked soon", OwnerRole: "carer"}
		mon  = review.Monitoring{On: d(2019, 3, 1), Contact: "Phoned the carer Ashdown", Checked: "PEP targets checked", Outcome: "On track entirely"}
		mon2 = review.Monitoring{Contact: "Visited Peregrine at home"}
	)
	err := db.Update(ctx, func(tx *Tx) error {
		errs := []error{
			tx.StartMeeting(rv, time.Date(2019, 1, 28, 10, 0, 0, 0, time.UTC)),
			tx.SaveWishes(rv, "Wants to stay with Nan Quillfeather"),
			tx.SaveLetter(rv, "Dear Marigold, the letter Ardentwick"),
			tx.MarkHeld(rv, time.Date(2019, 1, 28, 11, 30, 0, 0, time.UTC)),
		}
		for i := range secs {
			errs = append(errs, tx.AddSection(rv, &secs[i]))
		}
		for i := range cons {
			errs = append(errs, tx.AddConsultation(rv, &cons[i]))
		}
		for i := range att {
			errs = append(errs, tx.AddAttendee(rv, &att[i]))
		}
		errs = append(errs,
			tx.SaveDocument(rv, &review.Document{Kind: review.DocCarePlan, Received: d(2019, 1, 21)}),
			tx.SaveDocument(rv, &review.Document{Kind: review.DocSocialWorkerReport}),
			tx.SaveChecklistItem(rv, &review.ChecklistItem{Topic: review.TopicHealth, Check: review.CheckOK, Note: "Immunisations current"}),
			tx.SaveChecklistItem(rv, &review.ChecklistItem{Topic: review.TopicEducation, Check: review.CheckConcern, Note: "Attendance dipping"}),
			tx.AddRecommendation(c.ID, &rec), tx.AddRecommendation(c.ID, &rec2),
			tx.AddMonitoring(c.ID, &mon), tx.AddMonitoring(kids[1].ID, &mon2),
		)
		return errorsJoin(errs...)
	})
	if err != nil {
		t.Fatal(err)
	}
	// Changes after the creates: autosaves (merged), updates, deletes.
	err = db.Update(ctx, func(tx *Tx) error {
		secs[1].Title = "Health, wellbeing and identity"
		cons[1].Summary = "Settled at Hollybank, wants more contact"
		att[0].Attendance = review.Apologies
		rec.Text = "SGO assessment by the summer"
		r := c.Reviews[1]
		r.Scheduled, r.Location = d(2019, 4, 20), "Library meeting room"
		return errorsJoin(
			tx.SaveNotes(secs[0].ID, "Everyone introduced"), tx.SaveNotes(secs[0].ID, "Everyone introduced; Nan joined late"),
			tx.UpdateSection(&secs[1]), tx.SaveNotes(secs[1].ID, "Dental overdue, Ardentwick clinic"),
			tx.DeleteSection(secs[2].ID), tx.UpdateConsultation(&cons[1]), tx.UpdateAttendee(&att[0]), tx.DeleteAttendee(att[1].ID),
			tx.SaveDocument(rv, &review.Document{Kind: review.DocSocialWorkerReport, Received: d(2019, 1, 25)}),
			tx.SaveChecklistItem(rv, &review.ChecklistItem{Topic: review.TopicEducation, Check: review.CheckMissing, Note: "No PEP on file"}),
			tx.UpdateRecommendation(&rec), tx.UpdateReview(c.ID, &r),
			tx.AddProgress(rec.ID, &review.Progress{On: d(2019, 2, 1), Text: "Chased the assessor", Chased: "Assessor Kittiwake"}),
			tx.AddProgress(rec.ID, &review.Progress{On: d(2019, 3, 1), Text: "Assessment started", Status: review.RecInProgress}),
			tx.SaveWishes(rv, "Wants to stay with Nan Quillfeather, and a dog"),
		)
	})
	if err != nil {
		t.Fatal(err)
	}
	ch := raised(t, c.ID, d(2026, 11, 2), sentTo(0, d(2026, 11, 2)), challenge.Step{Kind: challenge.Response, On: d(2026, 11, 4), Text: "Will consider it"})
	ch.ReviewID, ch.RecommendationID = rv, rec.ID
	if err := db.RaiseChallengeNow(ctx, ch); err != nil {
		t.Fatal(err)
	}
	closed := next(t, ch, challenge.Step{Kind: challenge.Closed, On: d(2026, 11, 6), Outcome: challenge.Resolved, Text: "Agreed in full"})
	if err := db.AppendChallengeStepNow(ctx, ch.ID, closed); err != nil {
		t.Fatal(err)
	}
	ch.Steps = append(ch.Steps, *closed)
	corr := next(t, ch, challenge.Step{Kind: challenge.Correction, On: d(2026, 11, 9), Corrects: ch.Steps[0].ID, Text: "Sent to Mr Khan-Corrected"})
	if err := db.AppendChallengeStepNow(ctx, ch.ID, corr); err != nil {
		t.Fatal(err)
	}
	bare := raised(t, kids[1].ID, d(2026, 10, 1))
	if err := db.RaiseChallengeNow(ctx, bare); err != nil {
		t.Fatal(err)
	}
	return map[string]string{
		"first name": "Marigold", "last name": "Featherstonehaugh", "LA id": "LA-445566", "UPN": "H801200001001",
		"plan status": "Permanence by special guardianship", "provider": "Mr and Mrs Ashdown", "second last name": "Wrenfeather-Osgood",
		"location": "Civic Centre room 4", "updated location": "Library meeting room", "second child's location": "Bramblecote school",
		"wishes": "Nan Quillfeather", "letter": "the letter Ardentwick", "section title": "Health, wellbeing and identity",
		"notes": "Nan joined late", "consultee": "Marigold herself", "consultation summary": "Quillwort climbing club",
		"attendee": "Dana Whitlock-SW", "checklist note": "Immunisations current", "recommendation": "SGO assessment by the summer",
		"progress": "Chased the assessor", "chased": "Assessor Kittiwake", "monitoring": "Phoned the carer Ashdown",
		"monitoring outcome": "On track entirely", "challenge issue": "No permanence plan", "challenge remedy": "Assess by January",
		"step addressee": "Ms J. Patel", "correction": "Sent to Mr Khan-Corrected",
	}
}

// everything is every read of the records of db, versions cleared.
type everything struct {
	Caseload        []child.Child
	Meetings        map[string]review.Meeting
	Recommendations map[string][]review.Recommendation
	Monitoring      map[string][]review.Monitoring
	Challenges      map[string][]challenge.Challenge
	Reviews         map[string]child.Review
}

func readEverything(t *testing.T, db *DB) everything {
	t.Helper()
	ctx := context.Background()
	all := everything{Meetings: map[string]review.Meeting{}, Recommendations: map[string][]review.Recommendation{},
		Monitoring: map[string][]review.Monitoring{}, Challenges: map[string][]challenge.Challenge{}, Reviews: map[string]child.Review{}}
	var err error
	if all.Caseload, err = db.Caseload(ctx); err != nil {
		t.Fatal(err)
	}
	for _, c := range all.Caseload {
		if all.Recommendations[c.ID], err = db.Recommendations(ctx, c.ID); err != nil {
			t.Fatal(err)
		}
		if all.Monitoring[c.ID], err = db.MonitoringEntries(ctx, c.ID); err != nil {
			t.Fatal(err)
		}
		if all.Challenges[c.ID], err = db.Challenges(ctx, c.ID); err != nil {
			t.Fatal(err)
		}
		for _, r := range c.Reviews {
			if all.Meetings[r.ID], err = db.Meeting(ctx, r.ID); err != nil {
				t.Fatal(err)
			}
			if _, all.Reviews[r.ID], err = db.Review(ctx, r.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	zeroVersions(&all)
	return all
}

// TestSyncRoundTrip writes a record of every syncable kind on laptop A,
// turns A's ops into the records a server would hold, and pulls them into
// fresh laptops, shuffled: in one page, and cut into pages so that
// records arrive before their parents. Every read must match A's, no op
// may be queued, and no sealed value may reach B's files.
func TestSyncRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a, _ := unlockedTestDB(t)
	sealed := syncFixture(t, a)
	ops, err := a.PendingOps(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	entities := entitiesOf(t, ops)
	kinds := map[string]bool{}
	live, raisedSteps := 0, 0 // a pull writes a row for each live record and each step raised with a challenge
	for _, e := range entities {
		kinds[e.Entity] = true
		if !e.Deleted {
			live++
		}
		var steps []json.RawMessage
		if raw, ok := e.Fields["steps"]; ok {
			if err := json.Unmarshal(raw, &steps); err != nil {
				t.Fatal(err)
			}
			raisedSteps += len(steps)
		}
	}
	if raisedSteps == 0 {
		t.Error("no challenge was raised with steps")
	}
	live += raisedSteps
	for _, k := range syncOrder {
		if !kinds[k] {
			t.Errorf("the fixture has no %s record", k)
		}
	}
	want := readEverything(t, a)
	if len(want.Caseload) != 2 {
		t.Fatalf("A's caseload has %d children", len(want.Caseload))
	}

	for _, tc := range []struct {
		name  string
		pages int
	}{{"one page", 1}, {"four pages, children before parents", 4}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b, path := syncTestDB(t)
			rng := rand.New(rand.NewPCG(7, uint64(tc.pages)))
			shuffle := func(es []protocol.Entity) []protocol.Entity {
				es = append([]protocol.Entity(nil), es...)
				rng.Shuffle(len(es), func(i, j int) { es[i], es[j] = es[j], es[i] })
				return es
			}
			// entities are in the order they were made; cut into pages sent
			// last first, the first pages bring records whose parents are
			// not there yet.
			var pages [][]protocol.Entity
			for i := tc.pages - 1; i >= 0; i-- {
				pages = append(pages, shuffle(entities[len(entities)*i/tc.pages:len(entities)*(i+1)/tc.pages]))
			}
			var total PullStats
			for i, page := range pages {
				stats, err := b.ApplyChanges(ctx, protocol.ChangesResponse{Cursor: int64(100 + i), Entities: page, More: i < len(pages)-1})
				if err != nil {
					t.Fatalf("page %d: %v", i, err)
				}
				total.Applied += stats.Applied
				total.Kept += stats.Kept
				total.Skipped += stats.Skipped
				total.Deleted += stats.Deleted
			}
			if total.Applied != live || total.Skipped != 0 || total.Deleted != 0 {
				t.Errorf("stats %+v, want %d applied", total, live)
			}
			if tc.pages > 1 && total.Kept == 0 {
				t.Errorf("no record was parked: the pages did not put children before parents")
			}
			var parked, synced int
			if err := b.sql.QueryRow("SELECT (SELECT count(*) FROM sync_parked), (SELECT count(*) FROM sync_entity)").Scan(&parked, &synced); err != nil {
				t.Fatal(err)
			}
			if parked != 0 || synced != live {
				t.Errorf("%d records still parked, %d server versions known; want 0 and %d", parked, synced, live)
			}
			got := readEverything(t, b)
			if !reflect.DeepEqual(got, want) {
				for _, f := range reflect.VisibleFields(reflect.TypeOf(got)) {
					g, w := reflect.ValueOf(got).FieldByIndex(f.Index).Interface(), reflect.ValueOf(want).FieldByIndex(f.Index).Interface()
					if !reflect.DeepEqual(g, w) {
						t.Errorf("%s differ:\n got %+v\nwant %+v", f.Name, g, w)
					}
				}
			}
			if ops, err := b.PendingOps(ctx, 0); err != nil || len(ops) != 0 {
				t.Errorf("the pull queued %d ops (%v)", len(ops), err)
			}
			if s, ok, err := b.SyncState(ctx); err != nil || !ok || s.Cursor != int64(100+tc.pages-1) {
				t.Errorf("SyncState = %+v, %v, %v", s, ok, err)
			}
			if r, err := b.Check(ctx); err != nil || len(r.Problems) != 0 {
				t.Errorf("Check = %+v, %v", r.Problems, err)
			}
			// A second delivery of the same records changes nothing.
			before := snapshot(t, b)
			if stats, err := b.ApplyChanges(ctx, protocol.ChangesResponse{Cursor: 200, Entities: entities}); err != nil ||
				stats.Applied != 0 || stats.Kept != 0 {
				t.Errorf("re-applying: %+v, %v", stats, err)
			}
			after := snapshot(t, b)
			delete(before, "sync_state")
			delete(after, "sync_state")
			if !reflect.DeepEqual(after, before) {
				t.Error("re-applying the same records wrote something")
			}
			if err := b.Close(); err != nil {
				t.Fatal(err)
			}
			assertNoPlaintext(t, path, "after the pull", sealed, syncServer)
		})
	}
}
