package store

import (
	"context"
	"testing"
	"time"

	"github.com/iro-app/iro/internal/calendar"
	"github.com/iro-app/iro/internal/review"
)

// TestReviewCycleNoPlaintextOnDisk fills every sealed column of the review
// cycle with a value found nowhere else, autosaves notes (so that replaced
// op payloads are on disk too) and searches the raw files, while open and
// after close.
func TestReviewCycleNoPlaintextOnDisk(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, path, c := cycleTestDB(t)
	rv := c.Reviews[0].ID

	sealed := map[string]string{
		"wishes":            "Wishes-Xylophone-Marmalade",
		"letter":            "Letter-Quetzal-Hollyhock",
		"consultation.name": "Consultee-Gwendolyn-Pargeter",
		"summary":           "Summary-Bramblewood-Kestrel",
		"checklist note":    "Checklist-Periwinkle-Ossory",
		"attendee name":     "Attendee-Ottoline-Vasquez",
		"section title":     "Title-Cormorant-Juniper",
		"notes, first":      "Notes-Draft-Wolfsbane-One",
		"notes, coalesced":  "Notes-Draft-Wolfsbane-Two",
		"notes, last":       "Notes-Final-Sycamore-Three",
		"recommendation":    "Recommendation-Halcyon-Rookery",
		"owner name":        "Owner-Philippa-Thorncastle",
		"progress":          "Progress-Marchpane-Quillon",
		"chased":            "Chased-Evangeline-Ashgrove",
		"monitoring":        "Monitoring-Contact-Lindqvist",
		"checked":           "Checked-Saltmarsh-Plover",
		"outcome":           "Outcome-Tamarisk-Fenwick",
	}
	control := "ROLE-PLAIN-7731" // plaintext on purpose: proves the search sees the data

	sec := review.Section{Title: sealed["section title"]}
	att := review.Attendee{Name: sealed["attendee name"], Role: control}
	rec := review.Recommendation{ReviewID: rv, Text: sealed["recommendation"], OwnerName: sealed["owner name"]}
	err := db.Update(ctx, func(tx *Tx) error {
		return errorsJoin(
			tx.StartMeeting(rv, time.Now()), tx.SaveWishes(rv, sealed["wishes"]), tx.SaveLetter(rv, sealed["letter"]),
			tx.AddConsultation(rv, &review.Consultation{Name: sealed["consultation.name"], Summary: sealed["summary"]}),
			tx.SaveChecklistItem(rv, &review.ChecklistItem{Topic: review.TopicHealth, Note: sealed["checklist note"]}),
			tx.AddAttendee(rv, &att), tx.AddSection(rv, &sec), tx.AddRecommendation(c.ID, &rec),
		)
	})
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(ctx, func(tx *Tx) error {
		return errorsJoin(
			tx.AddProgress(rec.ID, &review.Progress{Text: sealed["progress"], Chased: sealed["chased"], Status: review.RecInProgress}),
			tx.AddMonitoring(c.ID, &review.Monitoring{On: calendar.D(2025, 5, 5), Contact: sealed["monitoring"],
				Checked: sealed["checked"], Outcome: sealed["outcome"]}),
		)
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{sealed["notes, first"], sealed["notes, coalesced"], sealed["notes, last"]} {
		if err := db.Update(ctx, func(tx *Tx) error { return tx.SaveNotes(sec.ID, text) }); err != nil {
			t.Fatal(err)
		}
	}

	search := func(when string) { assertNoPlaintext(t, path, when, sealed, control) }
	search("while open")
	m, err := db.Meeting(ctx, rv)
	if err != nil || m.Sections[0].Notes != sealed["notes, last"] || m.Attendees[0].Name != sealed["attendee name"] {
		t.Fatalf("read back: %+v, %v", m, err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	search("after close")
}
