package timescale_test

import (
	"slices"
	"testing"

	"github.com/iro-app/iro/internal/calendar"
	"github.com/iro-app/iro/internal/child"
	"github.com/iro-app/iro/internal/timescale"
)

func episode(start, end, legalStatus string) child.Episode {
	return child.Episode{Start: opt(start), End: opt(end), LegalStatus: legalStatus}
}

func review(kind child.Kind, seq int, heldOn, decisions, record string) child.Review {
	return child.Review{Kind: kind, Sequence: seq, Held: opt(heldOn), DecisionsCirculated: opt(decisions), RecordCirculated: opt(record)}
}

func deadline(kind timescale.DeadlineKind, what, due string) timescale.Deadline {
	return timescale.Deadline{Kind: kind, What: what, Due: d(due)}
}

// Dates counted by hand as in TestPlan; today is Mon 15 June 2026 unless a
// case says otherwise.
func TestForChild(t *testing.T) {
	tests := []struct {
		name  string
		child child.Child
		today string
		want  []timescale.Deadline
	}{
		{
			name: "nothing open",
			child: child.Child{
				DOB:      d("2012-01-01"),
				Episodes: []child.Episode{episode("2025-01-01", "2025-06-30", "C2")},
				CPPlans:  []child.CPPlan{{StrategyDiscussion: d("2024-01-01"), Start: d("2024-01-10"), End: d("2024-09-01")}},
			},
		},
		{
			name: "looked after, two reviews held, one record outstanding",
			child: child.Child{
				DOB:                  d("2015-03-10"),
				IROAllocated:         d("2026-01-05"),
				LastHealthAssessment: d("2026-01-20"),
				LastPEPReview:        d("2026-02-10"),
				Episodes:             []child.Episode{episode("2026-01-02", "2026-03-10", "C1"), episode("2026-03-11", "", "C2")},
				Reviews: []child.Review{
					review(child.LAC, 1, "2026-01-28", "2026-02-02", "2026-02-20"),
					review(child.LAC, 2, "2026-04-23", "2026-04-28", ""),
					{Kind: child.LAC, Sequence: 3, Scheduled: d("2026-10-01")},
					review(child.CP, 1, "2026-03-01", "", ""),
				},
			},
			want: []timescale.Deadline{
				deadline(timescale.DeadlineCarePlan, "Care plan", "2026-01-16"),
				deadline(timescale.DeadlineRecord, "Record: Review 2", "2026-05-22"),
				deadline(timescale.DeadlinePEP, "PEP review", "2026-07-31"),
				deadline(timescale.DeadlineReview, "Review 3", "2026-10-23"),
				deadline(timescale.DeadlineHealthAssessment, "Health assessment", "2027-01-20"),
			},
		},
		{
			name: "new to care: every clock open, ties sorted by kind",
			child: child.Child{
				DOB:      d("2018-05-01"),
				Episodes: []child.Episode{episode("2026-06-01", "", "C1")},
			},
			want: []timescale.Deadline{
				deadline(timescale.DeadlineIROAllocation, "IRO allocation", "2026-06-08"),
				deadline(timescale.DeadlineCarePlan, "Care plan", "2026-06-15"),
				deadline(timescale.DeadlineHealthAssessment, "Initial health assmt", "2026-06-29"),
				deadline(timescale.DeadlinePEP, "Initial PEP", "2026-06-29"),
				deadline(timescale.DeadlineReview, "Review 1", "2026-06-29"),
			},
		},
		{
			name: "decisions and record outstanding; a circulated record closes its decisions",
			child: child.Child{
				DOB:                  d("2010-01-01"), // 16: no PEP
				IROAllocated:         d("2026-01-05"),
				CarePlanAgreed:       d("2026-01-10"),
				LastHealthAssessment: d("2026-02-01"),
				Episodes:             []child.Episode{episode("2026-01-02", "", "V2")},
				Reviews: []child.Review{
					review(child.LAC, 1, "2026-01-30", "", ""),
					review(child.LAC, 2, "2026-04-29", "", "2026-05-20"),
				},
			},
			want: []timescale.Deadline{
				deadline(timescale.DeadlineDecisions, "Decisions: Review 1", "2026-02-06"),
				deadline(timescale.DeadlineRecord, "Record: Review 1", "2026-02-27"),
				deadline(timescale.DeadlineReview, "Review 3", "2026-10-29"),
				deadline(timescale.DeadlineHealthAssessment, "Health assessment", "2027-02-01"),
			},
		},
		{
			name: "short breaks: one cycle across the breaks, no looked-after clocks",
			child: child.Child{
				DOB: d("2012-01-01"),
				Episodes: []child.Episode{
					episode("2020-01-01", "2021-01-01", "C2"),
					episode("2025-10-01", "2025-10-03", "V4"),
					episode("2025-11-14", "2025-11-16", "V4"),
					episode("2026-06-12", "", "V4"),
				},
				Reviews: []child.Review{
					review(child.LAC, 1, "2020-01-28", "", ""),
					review(child.ShortBreaks, 1, "2026-01-05", "2026-01-09", "2026-01-20"),
				},
			},
			want: []timescale.Deadline{deadline(timescale.DeadlineReview, "Short breaks review 2", "2026-07-05")},
		},
		{
			name: "child protection after the initial conference",
			child: child.Child{
				CPPlans: []child.CPPlan{{StrategyDiscussion: d("2025-12-10"), Start: d("2026-01-05"), Category: "NEG"}},
				Reviews: []child.Review{review(child.CP, 1, "2026-01-05", "2026-01-09", "")},
			},
			want: []timescale.Deadline{
				deadline(timescale.DeadlineRecord, "Record: Initial conference", "2026-02-02"),
				deadline(timescale.DeadlineReview, "Review conference 1", "2026-04-05"),
			},
		},
		{
			name: "child protection: the plan's own initial conference date counts as held",
			child: child.Child{
				CPPlans: []child.CPPlan{{StrategyDiscussion: d("2025-12-10"), Start: d("2026-01-05"), Category: "NEG"}},
			},
			want: []timescale.Deadline{deadline(timescale.DeadlineReview, "Review conference 1", "2026-04-05")},
		},
		{
			name: "child protection awaiting the initial conference; an old plan and its reviews ignored",
			child: child.Child{
				CPPlans: []child.CPPlan{
					{StrategyDiscussion: d("2024-01-01"), Start: d("2024-01-10"), End: d("2024-09-01")},
					{StrategyDiscussion: d("2026-06-01")},
				},
				Reviews: []child.Review{review(child.CP, 1, "2024-01-10", "", "")},
			},
			want: []timescale.Deadline{deadline(timescale.DeadlineReview, "Initial conference", "2026-06-22")},
		},
		{
			name: "looked after and on a CP plan: the looked-after cycle",
			child: child.Child{
				Episodes: []child.Episode{episode("2026-06-01", "", "C1")},
				CPPlans:  []child.CPPlan{{StrategyDiscussion: d("2026-05-01"), Start: d("2026-05-20")}},
			},
			want: []timescale.Deadline{
				deadline(timescale.DeadlineIROAllocation, "IRO allocation", "2026-06-08"),
				deadline(timescale.DeadlineCarePlan, "Care plan", "2026-06-15"),
				deadline(timescale.DeadlineHealthAssessment, "Initial health assmt", "2026-06-29"),
				deadline(timescale.DeadlineReview, "Review 1", "2026-06-29"),
			},
		},
		{
			name: "aged 17: turns 18",
			child: child.Child{
				DOB:                  d("2008-09-20"),
				IROAllocated:         d("2026-01-05"),
				CarePlanAgreed:       d("2026-01-10"),
				LastHealthAssessment: d("2026-03-01"),
				Episodes:             []child.Episode{episode("2026-01-02", "", "C2")},
			},
			want: []timescale.Deadline{
				deadline(timescale.DeadlineReview, "Review 1", "2026-01-30"),
				deadline(timescale.DeadlineTurns18, "Turns 18", "2026-09-20"),
				deadline(timescale.DeadlineHealthAssessment, "Health assessment", "2027-03-01"),
			},
		},
		{
			name:  "born on 29 February: 18 on 1 March in a common year",
			today: "2026-02-15",
			child: child.Child{
				DOB:                  d("2008-02-29"),
				IROAllocated:         d("2026-01-05"),
				CarePlanAgreed:       d("2026-01-10"),
				LastHealthAssessment: d("2026-01-20"),
				Episodes:             []child.Episode{episode("2026-01-02", "", "C2")},
			},
			want: []timescale.Deadline{
				deadline(timescale.DeadlineReview, "Review 1", "2026-01-30"),
				deadline(timescale.DeadlineTurns18, "Turns 18", "2026-03-01"),
				deadline(timescale.DeadlineHealthAssessment, "Health assessment", "2027-01-20"),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			today := d("2026-06-15")
			if tt.today != "" {
				today = d(tt.today)
			}
			got := timescale.ForChild(tt.child, today, calendar.Default(), timescale.DefaultRules())
			if !slices.Equal(got, tt.want) {
				t.Fatalf("ForChild =\n%v\nwant\n%v", got, tt.want)
			}
		})
	}
}

// The looked-after period starts with the earliest episode of the unbroken
// chain that ends in the open one; the first review is 20 working days on.
func TestForChildPeriodOfCare(t *testing.T) {
	tests := []struct {
		name     string
		episodes []child.Episode
		reviews  []child.Review
		want     timescale.Deadline
	}{
		{
			name:     "next episode starts the day the last ended",
			episodes: []child.Episode{episode("2026-01-02", "2026-02-02", "C1"), episode("2026-02-02", "", "C2")},
			want:     deadline(timescale.DeadlineReview, "Review 1", "2026-01-30"),
		},
		{
			name:     "next episode starts the day after",
			episodes: []child.Episode{episode("2026-01-02", "2026-02-01", "C1"), episode("2026-02-02", "", "C2")},
			want:     deadline(timescale.DeadlineReview, "Review 1", "2026-01-30"),
		},
		{
			name:     "episodes given out of order",
			episodes: []child.Episode{episode("2026-02-02", "", "C2"), episode("2026-01-02", "2026-02-01", "C1")},
			want:     deadline(timescale.DeadlineReview, "Review 1", "2026-01-30"),
		},
		{
			name: "three episodes in a chain",
			episodes: []child.Episode{
				episode("2025-11-03", "2025-11-30", "L2"),
				episode("2025-12-01", "2026-01-01", "C1"),
				episode("2026-01-02", "", "C2"),
			},
			want: deadline(timescale.DeadlineReview, "Review 1", "2025-12-01"),
		},
		{
			name:     "a day's gap starts a new period; its reviews do not carry over",
			episodes: []child.Episode{episode("2025-06-02", "2025-12-31", "C2"), episode("2026-01-02", "", "C2")},
			reviews:  []child.Review{review(child.LAC, 1, "2025-06-20", "2025-06-25", "2025-07-10")},
			want:     deadline(timescale.DeadlineReview, "Review 1", "2026-01-30"),
		},
		{
			name:     "short breaks do not join a period of full care",
			episodes: []child.Episode{episode("2025-12-01", "2026-01-01", "V3"), episode("2026-01-02", "", "C2")},
			want:     deadline(timescale.DeadlineReview, "Review 1", "2026-01-30"),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := child.Child{Episodes: tt.episodes, Reviews: tt.reviews}
			got := timescale.ForChild(c, d("2026-06-15"), calendar.Default(), timescale.DefaultRules())
			i := slices.IndexFunc(got, func(dl timescale.Deadline) bool { return dl.Kind == timescale.DeadlineReview })
			if i < 0 || got[i] != tt.want {
				t.Fatalf("ForChild = %v, want among them %v", got, tt.want)
			}
		})
	}
}

// A PEP is only for children aged 5 to 15 on today.
func TestForChildPEPAges(t *testing.T) {
	tests := []struct {
		dob  string
		age  int
		want bool
	}{
		{"2021-06-16", 4, false},
		{"2021-06-15", 5, true},
		{"2010-06-16", 15, true},
		{"2010-06-15", 16, false},
	}
	for _, tt := range tests {
		c := child.Child{DOB: d(tt.dob), Episodes: []child.Episode{episode("2026-06-01", "", "C1")}}
		got := timescale.ForChild(c, d("2026-06-15"), calendar.Default(), timescale.DefaultRules())
		hasPEP := slices.ContainsFunc(got, func(dl timescale.Deadline) bool { return dl.Kind == timescale.DeadlinePEP })
		if hasPEP != tt.want {
			t.Errorf("aged %d (born %s): PEP deadline %v, want %v", tt.age, tt.dob, hasPEP, tt.want)
		}
	}
}
