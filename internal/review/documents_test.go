package review_test

import (
	"slices"
	"testing"

	"github.com/iro-app/iro/internal/calendar"
	"github.com/iro-app/iro/internal/review"
)

// Counted by hand on `cal -m`: Easter 2026 is Fri 3 and Mon 6 April;
// Christmas 2026 is Fri 25 and (substitute Boxing Day) Mon 28 December.
func TestDocumentDue(t *testing.T) {
	tests := []struct {
		name    string
		kind    review.DocumentKind
		meeting string
		want    string
	}{
		{"report: three plain weeks before a Friday", review.DocSocialWorkerReport, "2026-12-04", "2026-11-13"},
		{"report: across Easter", review.DocSocialWorkerReport, "2026-04-24", "2026-04-01"},
		{"report: meeting after the Christmas holidays", review.DocSocialWorkerReport, "2026-12-29", "2026-12-04"},
		{"report: Saturday meeting counts from the Friday", review.DocSocialWorkerReport, "2026-12-05", "2026-11-13"},
		{"report: meeting on a bank holiday counts from the working day before", review.DocSocialWorkerReport, "2026-12-28", "2026-12-03"},
		{"care plan: three days", review.DocCarePlan, "2026-12-04", "2026-12-01"},
		{"placement plan: calendar days, weekend included", review.DocPlacementPlan, "2026-12-07", "2026-12-04"},
		{"health plan", review.DocHealthPlan, "2026-03-02", "2026-02-27"},
		{"PEP", review.DocPEP, "2026-04-07", "2026-04-04"},
		{"pathway plan", review.DocPathwayPlan, "2026-12-29", "2026-12-26"},
	}
	for _, tt := range tests {
		if got := review.DocumentDue(tt.kind, d(tt.meeting), calendar.Default()); got != d(tt.want) {
			t.Errorf("%s: DocumentDue(%s, %s) = %s, want %s", tt.name, tt.kind, tt.meeting, got, tt.want)
		}
	}
}

// The report for a meeting on Fri 4 Dec 2026 is due Fri 13 Nov; the care
// plan is due Tue 1 Dec.
func TestDocumentStatus(t *testing.T) {
	const meeting = "2026-12-04"
	tests := []struct {
		name            string
		kind            review.DocumentKind
		received, today string
		wantStatus      string
		wantLate        bool
	}{
		{"report on its due date", review.DocSocialWorkerReport, "2026-11-13", "2026-12-01", review.DocOnTime, false},
		{"report early", review.DocSocialWorkerReport, "2026-10-30", "2026-12-01", review.DocOnTime, false},
		{"report the Saturday after", review.DocSocialWorkerReport, "2026-11-14", "2026-12-01", review.DocLate, true},
		{"report the Monday after", review.DocSocialWorkerReport, "2026-11-16", "2026-12-01", review.DocLate, true},
		{"report awaited on its due date", review.DocSocialWorkerReport, "", "2026-11-13", review.DocNotReceived, false},
		{"report awaited the day after", review.DocSocialWorkerReport, "", "2026-11-14", review.DocOverdue, true},
		{"care plan on its due date", review.DocCarePlan, "2026-12-01", "2026-12-04", review.DocOnTime, false},
		{"care plan a day late", review.DocCarePlan, "2026-12-02", "2026-12-04", review.DocLate, true},
		{"care plan awaited on its due date", review.DocCarePlan, "", "2026-12-01", review.DocNotReceived, false},
		{"care plan awaited the day after", review.DocCarePlan, "", "2026-12-02", review.DocOverdue, true},
	}
	for _, tt := range tests {
		status, late := review.DocumentStatus(tt.kind, optDate(tt.received), d(meeting), d(tt.today), calendar.Default())
		if status != tt.wantStatus || late != tt.wantLate {
			t.Errorf("%s: DocumentStatus = %q, %v; want %q, %v", tt.name, status, late, tt.wantStatus, tt.wantLate)
		}
	}
}

func TestDocumentLate(t *testing.T) {
	tests := []struct {
		received string
		want     bool
	}{
		{"2026-11-13", false},
		{"2026-11-16", true},
		{"", false}, // not received is DocumentStatus's business
	}
	for _, tt := range tests {
		if got := review.DocumentLate(review.DocSocialWorkerReport, optDate(tt.received), d("2026-12-04"), calendar.Default()); got != tt.want {
			t.Errorf("DocumentLate(received %q) = %v, want %v", tt.received, got, tt.want)
		}
	}
}

func TestDocuments(t *testing.T) {
	under16 := []review.DocumentKind{
		review.DocSocialWorkerReport, review.DocCarePlan, review.DocPlacementPlan, review.DocHealthPlan, review.DocPEP,
	}
	tests := []struct {
		age  int
		want []review.DocumentKind
	}{
		{0, under16},
		{15, under16},
		{16, append(slices.Clone(under16), review.DocPathwayPlan)},
		{17, append(slices.Clone(under16), review.DocPathwayPlan)},
	}
	for _, tt := range tests {
		if got := review.Documents(tt.age); !slices.Equal(got, tt.want) {
			t.Errorf("Documents(%d) = %v, want %v", tt.age, got, tt.want)
		}
	}
}
