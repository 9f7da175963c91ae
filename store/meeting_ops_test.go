package store

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/iro-app/iro/internal/child"
	"github.com/iro-app/iro/internal/review"
)

func TestOpenMeeting(t *testing.T) {
	db, _, c := cycleTestDB(t)
	ctx := context.Background()
	at := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	agenda := []string{"Introductions", "Wishes and feelings", "Decisions"}

	// Review 2 exists (planned): the meeting opens on it and moves it on.
	r, m, err := db.OpenMeeting(ctx, MeetingRequest{ChildID: c.ID, Kind: child.LAC, Sequence: 2, Agenda: agenda, At: at})
	if err != nil {
		t.Fatal(err)
	}
	if r.ID != c.Reviews[1].ID || r.State != string(review.InMeeting) {
		t.Fatalf("opened %+v, want review 2 in its meeting", r)
	}
	if len(m.Sections) != 3 || m.Sections[1].Title != "Wishes and feelings" || !m.StartedAt.Equal(at) {
		t.Fatalf("meeting %+v", m)
	}

	// Resuming keeps the sections (and their notes) and the first start time.
	if err := db.SaveNotes(ctx, m.Sections[0].ID, "typed before a break"); err != nil {
		t.Fatal(err)
	}
	r2, m2, err := db.OpenMeeting(ctx, MeetingRequest{ChildID: c.ID, Kind: child.LAC, Sequence: 2, Agenda: []string{"Other"}, At: at.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if r2.ID != r.ID || len(m2.Sections) != 3 || m2.Sections[0].Notes != "typed before a break" || !m2.StartedAt.Equal(at) {
		t.Fatalf("resume changed the meeting: %+v %+v", r2, m2)
	}

	// A review never planned is created in its meeting.
	r3, _, err := db.OpenMeeting(ctx, MeetingRequest{ChildID: c.ID, Kind: child.LAC, Sequence: 3, Agenda: agenda, At: at})
	if err != nil || r3.Sequence != 3 || r3.State != string(review.InMeeting) || r3.ID == "" {
		t.Fatalf("new review: %+v, %v", r3, err)
	}

	// Ending needs a participation code, then records the review as held.
	r.Held = r.Due
	if err := db.EndMeeting(ctx, c.ID, &r, at); err == nil {
		t.Fatal("a review was held without a participation code")
	}
	r.ParticipationCode = "PN1"
	if err := db.EndMeeting(ctx, c.ID, &r, at.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	_, held, err := db.Review(ctx, r.ID)
	if err != nil || held.State != string(review.Held) || held.ParticipationCode != "PN1" {
		t.Fatalf("after ending: %+v, %v", held, err)
	}
	m4, err := db.Meeting(ctx, r.ID)
	if err != nil || !m4.HeldAt.Equal(at.Add(2*time.Hour)) {
		t.Fatalf("held at %v, %v", m4.HeldAt, err)
	}

	// A held review cannot be reopened as a meeting.
	_, _, err = db.OpenMeeting(ctx, MeetingRequest{ChildID: c.ID, Kind: child.LAC, Sequence: 2, At: at})
	if err == nil || !strings.Contains(err.Error(), "cannot be opened") {
		t.Fatalf("reopening a held review: %v", err)
	}
}

// TestWishesAndLetterAutosaveCoalesce: typing the child's wishes or the
// letter saves every few hundred milliseconds; the unsent op absorbs each
// save, so the outbox holds one update, carrying the last text.
func TestWishesAndLetterAutosaveCoalesce(t *testing.T) {
	db, _, c := cycleTestDB(t)
	ctx := context.Background()
	reviewID := c.Reviews[0].ID
	if err := db.Update(ctx, func(tx *Tx) error { return tx.StartMeeting(reviewID, time.Now()) }); err != nil {
		t.Fatal(err)
	}
	countMeetingOps := func() (n int, last []byte) {
		ops, err := db.PendingOps(ctx, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, op := range ops {
			if op.Entity == "meeting" && op.EntityID == reviewID && op.Name == "meeting.update" {
				n++
				last = op.Payload
			}
		}
		return n, last
	}
	for i := range 50 {
		text := strings.Repeat("I want to stay with my carers. ", i+1)
		if err := db.Update(ctx, func(tx *Tx) error { return tx.SaveWishes(reviewID, text) }); err != nil {
			t.Fatal(err)
		}
		if err := db.Update(ctx, func(tx *Tx) error { return tx.SaveLetter(reviewID, "Dear Sam, "+text) }); err != nil {
			t.Fatal(err)
		}
	}
	n, last := countMeetingOps()
	if n != 1 {
		t.Fatalf("%d meeting.update ops after 100 autosaves, want 1", n)
	}
	want := strings.Repeat("I want to stay with my carers. ", 50)
	if !strings.Contains(string(last), want) || !strings.Contains(string(last), "Dear Sam, "+want) {
		t.Fatalf("the op does not hold the last texts: %.200s", last)
	}
	m, err := db.Meeting(ctx, reviewID)
	if err != nil || m.WishesAndFeelings != want || m.Letter != "Dear Sam, "+want {
		t.Fatalf("stored texts wrong: %v", err)
	}
	// A change that is not text (held_at) still gets its own op.
	if err := db.Update(ctx, func(tx *Tx) error { return tx.MarkHeld(reviewID, time.Now()) }); err != nil {
		t.Fatal(err)
	}
	if n, _ := countMeetingOps(); n != 2 {
		t.Fatalf("marking held made %d meeting.update ops in all, want 2", n)
	}
}

func TestOpenPreparation(t *testing.T) {
	db, _, c := cycleTestDB(t)
	ctx := context.Background()
	req := MeetingRequest{ChildID: c.ID, Kind: child.LAC, Sequence: 2, Agenda: []string{"Introductions"}, At: time.Now()}
	r, m, err := db.OpenPreparation(ctx, req)
	if err != nil || r.ID != c.Reviews[1].ID || r.State != string(review.Preparing) || len(m.Sections) != 1 || !m.StartedAt.IsZero() {
		t.Fatalf("preparing review 2: %+v %+v %v", r, m, err)
	}
	if _, _, err := db.OpenMeeting(ctx, req); err != nil {
		t.Fatal(err)
	}
	// Going back to the preparation screen mid-meeting leaves it in its meeting.
	r, _, err = db.OpenPreparation(ctx, req)
	if err != nil || r.State != string(review.InMeeting) {
		t.Fatalf("preparing a review in its meeting: %+v %v", r, err)
	}
}
