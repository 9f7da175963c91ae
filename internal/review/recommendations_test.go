package review_test

import (
	"reflect"
	"testing"

	"github.com/iro-app/iro/internal/review"
)

func TestOverdueAndTrackerStatus(t *testing.T) {
	const today = "2026-11-20"
	tests := []struct {
		status      review.RecStatus
		due         string
		wantOverdue bool
		wantTracker string
	}{
		{review.RecOpen, "2026-11-19", true, "OVERDUE"},
		{review.RecOpen, "2026-11-20", false, "open"}, // due today can still be done today
		{review.RecOpen, "2026-11-21", false, "open"},
		{review.RecOpen, "", false, "open"},
		{review.RecInProgress, "2026-11-19", true, "OVERDUE"},
		{review.RecInProgress, "2026-12-01", false, "in progress"},
		{review.RecDone, "2026-11-19", false, "done"},
		{review.RecNotDone, "2026-11-19", false, "not done"},
	}
	for _, tt := range tests {
		r := review.Recommendation{Status: tt.status, Due: optDate(tt.due)}
		if got := review.Overdue(r, d(today)); got != tt.wantOverdue {
			t.Errorf("Overdue(%s due %q) = %v, want %v", tt.status, tt.due, got, tt.wantOverdue)
		}
		if got := review.TrackerStatus(r, d(today)); got != tt.wantTracker {
			t.Errorf("TrackerStatus(%s due %q) = %q, want %q", tt.status, tt.due, got, tt.wantTracker)
		}
	}
}

func TestCarryForward(t *testing.T) {
	old := review.Recommendation{
		ID: "rec-1", Version: 4, ReviewID: "review-2",
		Text: "Arrange a dental check-up", OwnerRole: "social worker", OwnerName: "Sam Lee",
		Due: d("2026-06-01"), Status: review.RecNotDone,
		Progress: []review.Progress{{ID: "p-1", On: d("2026-05-01"), Text: "chased"}},
	}
	want := review.Recommendation{
		ReviewID: "review-3",
		Text:     "Arrange a dental check-up", OwnerRole: "social worker", OwnerName: "Sam Lee",
		Status: review.RecOpen,
	}
	if got := review.CarryForward(old, "review-3"); !reflect.DeepEqual(got, want) {
		t.Errorf("CarryForward = %+v, want %+v", got, want)
	}
}
