package timescale_test

import (
	"testing"

	"github.com/iro-app/iro/internal/calendar"
	"github.com/iro-app/iro/internal/timescale"
)

func TestIROAllocationAndCarePlanDue(t *testing.T) {
	tests := []struct {
		name  string
		clock func(*calendar.Calendar, calendar.Date) calendar.Date
		from  calendar.Date
		want  calendar.Date
	}{
		{"IRO allocation", timescale.IROAllocationDue, d("2026-01-02"), d("2026-01-09")},
		{"IRO allocation across Easter", timescale.IROAllocationDue, d("2026-04-01"), d("2026-04-10")},
		{"IRO allocation from a Saturday", timescale.IROAllocationDue, d("2026-01-03"), d("2026-01-09")},
		{"IRO allocation without a date", timescale.IROAllocationDue, calendar.Date{}, calendar.Date{}},
		{"care plan", timescale.CarePlanDue, d("2026-01-02"), d("2026-01-16")},
		{"care plan across Christmas 2025", timescale.CarePlanDue, d("2025-12-19"), d("2026-01-07")},
		{"care plan without a date", timescale.CarePlanDue, calendar.Date{}, calendar.Date{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.clock(calendar.Default(), tt.from); got != tt.want {
				t.Fatalf("due %s, want %s", got, tt.want)
			}
		})
	}
}

func TestHealthAssessmentDue(t *testing.T) {
	tests := []struct {
		name                   string
		dob, lookedAfter, last string
		want                   string
	}{
		{"initial: 20 working days after becoming looked after", "2015-03-10", "2026-01-02", "", "2026-01-30"},
		{"initial across Easter", "2015-03-10", "2026-03-18", "", "2026-04-17"},
		{"nothing to count from", "2015-03-10", "", "", ""},
		{"aged 2: 6 months", "2023-06-10", "2024-01-02", "2026-03-01", "2026-09-01"},
		{"aged 4, turns 5 within the 6 months: still 6 months", "2021-05-01", "2024-01-02", "2026-03-01", "2026-09-01"},
		{"the day before the 5th birthday: 6 months", "2021-05-01", "2024-01-02", "2026-04-30", "2026-10-30"},
		{"on the 5th birthday: 12 months", "2021-05-01", "2024-01-02", "2026-05-01", "2027-05-01"},
		{"aged 11: 12 months", "2015-08-31", "2024-01-02", "2026-08-31", "2027-08-31"},
		{"6 months from 31 August clamps to February", "2024-01-01", "2024-02-01", "2025-08-31", "2026-02-28"},
		{"12 months from 29 February clamps", "2010-01-01", "2020-01-02", "2024-02-29", "2025-02-28"},
		{"unknown date of birth: 6 months", "", "2024-01-02", "2026-03-01", "2026-09-01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := timescale.HealthAssessmentDue(calendar.Default(), opt(tt.dob), opt(tt.lookedAfter), opt(tt.last))
			if got != opt(tt.want) {
				t.Fatalf("due %s, want %s", got, tt.want)
			}
		})
	}
}

func TestPEPReviewDue(t *testing.T) {
	tests := []struct {
		name              string
		last, lookedAfter string
		want              string
	}{
		{"never reviewed: by the first review", "", "2026-01-02", "2026-01-30"},
		{"never reviewed and no start", "", "", ""},
		{"autumn term: by the end of spring", "2025-09-01", "2024-01-02", "2026-03-31"},
		{"last day of autumn", "2025-12-31", "2024-01-02", "2026-03-31"},
		{"spring term: by the end of summer", "2026-01-01", "2024-01-02", "2026-07-31"},
		{"last day of spring", "2026-03-31", "2024-01-02", "2026-07-31"},
		{"summer term: by the end of autumn", "2026-04-01", "2024-01-02", "2026-12-31"},
		{"last day of summer", "2026-07-31", "2024-01-02", "2026-12-31"},
		{"August, before the autumn term", "2026-08-15", "2024-01-02", "2026-12-31"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := timescale.PEPReviewDue(opt(tt.last), opt(tt.lookedAfter)); got != opt(tt.want) {
				t.Fatalf("due %s, want %s", got, tt.want)
			}
		})
	}
}

// opt is a date that may be absent ("").
func opt(s string) calendar.Date {
	if s == "" {
		return calendar.Date{}
	}
	return d(s)
}
