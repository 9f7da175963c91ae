package review

import "github.com/iro-app/iro/internal/calendar"

// Overdue reports whether a recommendation still being worked on has passed
// its date. One due today is not yet overdue: it can still be done today.
func Overdue(r Recommendation, today calendar.Date) bool {
	active := r.Status == RecOpen || r.Status == RecInProgress
	return active && !r.Due.IsZero() && r.Due.Before(today)
}

// TrackerStatus is the status shown on the recommendations tracker, where
// overdue is shouted so that drift stands out.
func TrackerStatus(r Recommendation, today calendar.Date) string {
	if Overdue(r, today) {
		return "OVERDUE"
	}
	return r.Status.Label()
}

// CarryForward makes a copy of a recommendation for the next review to own.
// It is a new recommendation with its own history, so the old one keeps its
// final status on the record of the review that made it. The due date is
// left for the next review to set: the old one has usually passed.
func CarryForward(r Recommendation, newReviewID string) Recommendation {
	return Recommendation{
		ReviewID:  newReviewID,
		Text:      r.Text,
		OwnerRole: r.OwnerRole,
		OwnerName: r.OwnerName,
		Status:    RecOpen,
	}
}
