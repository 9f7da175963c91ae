package drift

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/iro-app/iro/internal/calendar"
	"github.com/iro-app/iro/internal/challenge"
	"github.com/iro-app/iro/internal/child"
	"github.com/iro-app/iro/internal/review"
	"github.com/iro-app/iro/internal/timescale"
)

// Dates in these tests are counted by hand on `cal -m` with the England &
// Wales bank holidays. In 2026: 1 October is a Thursday, 1 November a Sunday
// (so Wednesday 18 November is the usual today, Sunday 22 November the demo's),
// 31 August is the summer bank holiday, and 1 December is a Tuesday.

var d = calendar.MustParse

func opt(s string) calendar.Date {
	if s == "" {
		return calendar.Date{}
	}
	return d(s)
}

const (
	childID   = "c-1"
	childLAID = "LA-1001"
)

// lookedAfter is an 11-year-old in care since 2 January 2026 (a Friday)
// with review 1 held on 30 January and the given further reviews. Its
// assessment and PEP are kept recent so they add nothing by themselves.
func lookedAfter(reviews ...child.Review) child.Child {
	return child.Child{
		ID: childID, LAID: childLAID, FirstName: "Ada", LastName: "Quill", DOB: d("2015-03-10"),
		IROAllocated: d("2026-01-05"), CarePlanAgreed: d("2026-01-10"),
		LastHealthAssessment: d("2026-06-01"), LastPEPReview: d("2026-10-01"),
		Episodes: []child.Episode{{ID: "e1", Start: d("2026-01-02"), LegalStatus: "C2", Placement: "U4", Provider: "Carer A"}},
		Reviews: append([]child.Review{{ID: "r1", Kind: child.LAC, Sequence: 1, Held: d("2026-01-30"),
			DecisionsCirculated: d("2026-02-03"), RecordCirculated: d("2026-02-20")}}, reviews...),
	}
}

func held(id string, seq int, on, decisions, record string) child.Review {
	return child.Review{ID: id, Kind: child.LAC, Sequence: seq, Held: d(on), DecisionsCirculated: opt(decisions), RecordCirculated: opt(record)}
}

func planned(id string, seq int) child.Review {
	return child.Review{ID: id, Kind: child.LAC, Sequence: seq, State: "planned"}
}

// ada is what every item about lookedAfter's child starts with.
func ada(k Kind, what string, due string, late int, j Jump) Item {
	return Item{ChildID: childID, LAID: childLAID, ChildName: "Ada Quill", Kind: k, What: what, Due: opt(due), WorkingDaysLate: late, Jump: j}
}

func apply(r rule, f Facts, today string) []Item {
	cal := calendar.Default()
	s := newSituation(f, d(today), cal, timescale.DefaultRules())
	return r(s, d(today), cal)
}

func checkItems(t *testing.T, got, want []Item) {
	t.Helper()
	if len(got) == 0 && len(want) == 0 {
		return
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%s\nwant\n%s", dump(got), dump(want))
	}
}

func dump(items []Item) string {
	s := ""
	for _, it := range items {
		s += fmt.Sprintf("  %+v\n", it)
	}
	return s
}

func TestReviewRule(t *testing.T) {
	prepareR3 := Jump{Screen: ScreenPrepare, ReviewID: "r3"}
	tests := []struct {
		name  string
		child child.Child
		today string
		want  []Item
	}{
		{
			// Review 2 on 29 April puts review 3 at 29 October (a Thursday):
			// 30 Oct is day 1, 2–6 Nov days 2–6, 9–13 Nov 7–11, 16–18 Nov 12–14.
			name: "overdue by 14 working days", today: "2026-11-18",
			child: lookedAfter(held("r2", 2, "2026-04-29", "2026-05-01", "2026-05-20"), planned("r3", 3)),
			want:  []Item{ada(ReviewOverdue, "Review 3 overdue by 14 working days", "2026-10-29", 14, prepareR3)},
		},
		{
			name: "overdue by one working day, singular", today: "2026-11-18",
			child: lookedAfter(held("r2", 2, "2026-05-17", "", "2026-05-20"), planned("r3", 3)),
			want:  []Item{ada(ReviewOverdue, "Review 3 overdue by 1 working day", "2026-11-17", 1, prepareR3)},
		},
		{
			// Due Friday 20 November, seen on Sunday 22nd: no working day has
			// passed, yet it is missed, so it counts as 1.
			name: "missed on a Friday, seen at the weekend", today: "2026-11-22",
			child: lookedAfter(held("r2", 2, "2026-05-20", "", "2026-06-01"), planned("r3", 3)),
			want:  []Item{ada(ReviewOverdue, "Review 3 overdue by 1 working day", "2026-11-20", 1, prepareR3)},
		},
		{
			name: "due today", today: "2026-11-18",
			child: lookedAfter(held("r2", 2, "2026-05-18", "", "2026-06-01"), planned("r3", 3)),
			want:  []Item{ada(ReviewDueSoon, "Review 3 due today", "2026-11-18", 0, prepareR3)},
		},
		{
			name: "due on Friday, two working days left", today: "2026-11-18",
			child: lookedAfter(held("r2", 2, "2026-05-20", "", "2026-06-01"), planned("r3", 3)),
			want:  []Item{ada(ReviewDueSoon, "Review 3 due in 2 working days", "2026-11-20", -2, prepareR3)},
		},
		{
			// Thu 19, Fri 20, Mon 23 … Fri 27, Mon 30, Tue 1, Wed 2 December.
			name: "due in exactly 10 working days", today: "2026-11-18",
			child: lookedAfter(held("r2", 2, "2026-06-02", "", "2026-06-30"), planned("r3", 3)),
			want:  []Item{ada(ReviewDueSoon, "Review 3 due in 10 working days", "2026-12-02", -10, prepareR3)},
		},
		{
			name: "due in 11 working days is not drifting", today: "2026-11-18",
			child: lookedAfter(held("r2", 2, "2026-06-03", "", "2026-06-30"), planned("r3", 3)),
		},
		{
			name: "no planned review to prepare: jump to the child", today: "2026-11-18",
			child: lookedAfter(held("r2", 2, "2026-04-29", "2026-05-01", "2026-05-20")),
			want:  []Item{ada(ReviewOverdue, "Review 3 overdue by 14 working days", "2026-10-29", 14, Jump{Screen: ScreenChild})},
		},
		{
			// Strategy discussion Thu 1 October: 2 Oct is day 1, 5–9 Oct 2–6,
			// 12–16 Oct 7–11, 19–22 Oct 12–15, so due Thu 22 October; then
			// 23 Oct is 1 late, 26–30 Oct 2–6, 2–6 Nov 7–11, 9–13 Nov 12–16,
			// 16–18 Nov 17–19.
			name: "CP initial conference overdue", today: "2026-11-18",
			child: child.Child{ID: childID, LAID: childLAID, FirstName: "Ada", LastName: "Quill", DOB: d("2015-03-10"),
				CPPlans: []child.CPPlan{{StrategyDiscussion: d("2026-10-01"), Category: "NEG"}}},
			want: []Item{ada(ReviewOverdue, "Initial conference overdue by 19 working days", "2026-10-22", 19, Jump{Screen: ScreenChild})},
		},
		{
			name: "left care: nothing is due", today: "2026-11-18",
			child: child.Child{ID: childID, DOB: d("2015-03-10"),
				Episodes: []child.Episode{{Start: d("2025-01-01"), End: d("2025-06-30"), LegalStatus: "C2"}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkItems(t, apply(reviewRule, Facts{Child: tt.child}, tt.today), tt.want)
		})
	}
}

func TestCirculationRule(t *testing.T) {
	// Review 2 held Thu 29 October. Decisions within 5 working days: 30 Oct,
	// 2, 3, 4, 5 Nov, so Thu 5 November. The record within 20: 30 Oct (1),
	// 2–6 Nov (6), 9–13 (11), 16–20 (16), 23–26 (20), so Thu 26 November.
	// Seen on Wed 2 December the record is 4 late (27, 30 Nov, 1, 2 Dec) and
	// the decisions 19 (6 Nov, 9–13, 16–20, 23–27, 30 Nov, 1–2 Dec).
	followUp := Jump{Screen: ScreenFollowUp, ReviewID: "r2"}
	decisions := ada(DecisionsLate, "Decisions of Review 2 not circulated (due 5 Nov 2026)", "2026-11-05", 19, followUp)
	record := ada(RecordLate, "Record of Review 2 not circulated (due 26 Nov 2026)", "2026-11-26", 4, followUp)
	tests := []struct {
		name                         string
		decisionsOut, recordOut, day string
		want                         []Item
	}{
		{name: "neither out", day: "2026-12-02", want: []Item{decisions, record}},
		{name: "decisions out, record late", day: "2026-12-02", decisionsOut: "2026-11-04", want: []Item{record}},
		{name: "decisions out late still leaves the record", day: "2026-12-02", decisionsOut: "2026-11-20", want: []Item{record}},
		// The full record carries the decisions.
		{name: "record out, decisions never sent separately", day: "2026-12-02", recordOut: "2026-11-20"},
		{name: "record due today is not late", day: "2026-11-26",
			want: []Item{ada(DecisionsLate, "Decisions of Review 2 not circulated (due 5 Nov 2026)", "2026-11-05", 15, followUp)}},
		{name: "decisions due today is not late", day: "2026-11-05"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := lookedAfter(held("r2", 2, "2026-10-29", tt.decisionsOut, tt.recordOut), planned("r3", 3))
			checkItems(t, apply(circulationRule, Facts{Child: c}, tt.day), tt.want)
		})
	}
}

// Two reviews held on a Saturday and the Sunday after (bad data, but it
// happens) share their deadlines: decisions by Fri 30 October (26–30 Oct)
// and the record by Fri 20 November (26 Oct–20 Nov, 20 working days). On
// Wed 25 November the decisions are 18 late and the records 3. Only the
// Sunday review's decisions are out, and the item must name that one.
func TestCirculationRuleSameDeadlines(t *testing.T) {
	c := lookedAfter(held("ra", 2, "2026-10-24", "2026-10-26", ""), held("rb", 3, "2026-10-25", "", ""))
	want := []Item{
		ada(DecisionsLate, "Decisions of Review 3 not circulated (due 30 Oct 2026)", "2026-10-30", 18, Jump{Screen: ScreenFollowUp, ReviewID: "rb"}),
		ada(RecordLate, "Record of Review 2 not circulated (due 20 Nov 2026)", "2026-11-20", 3, Jump{Screen: ScreenFollowUp, ReviewID: "ra"}),
		ada(RecordLate, "Record of Review 3 not circulated (due 20 Nov 2026)", "2026-11-20", 3, Jump{Screen: ScreenFollowUp, ReviewID: "rb"}),
	}
	checkItems(t, apply(circulationRule, Facts{Child: c}, "2026-11-25"), want)
}

func TestRecommendationRule(t *testing.T) {
	// An earlier period of care (2020) left review "old" behind, numbered 4.
	c := lookedAfter()
	c.Episodes = append([]child.Episode{{ID: "e0", Start: d("2020-01-01"), End: d("2020-12-31"), LegalStatus: "V2", Placement: "U6"}}, c.Episodes...)
	c.Reviews = append(c.Reviews, child.Review{ID: "old", Kind: child.LAC, Sequence: 4, Held: d("2020-09-01")})
	rec := func(id, reviewID, owner, due string, status review.RecStatus) review.Recommendation {
		return review.Recommendation{ID: id, ReviewID: reviewID, OwnerRole: owner, Due: opt(due), Status: status, Text: "sealed words"}
	}
	tracker := func(reviewID, recID string) Jump {
		return Jump{Screen: ScreenTracker, ReviewID: reviewID, RecommendationID: recID}
	}
	tests := []struct {
		name string
		rec  review.Recommendation
		want []Item
	}{
		{"open, due yesterday", rec("a", "r1", "social worker", "2026-11-17", review.RecOpen),
			[]Item{ada(RecommendationOverdue, "Recommendation of Review 1 for the social worker overdue (due 17 Nov 2026)", "2026-11-17", 1, tracker("r1", "a"))}},
		// Mon 2 Nov: 3–6 Nov are 1–4, 9–13 5–9, 16–18 10–12.
		{"in progress, from an earlier period of care", rec("b", "old", "designated teacher", "2026-11-02", review.RecInProgress),
			[]Item{ada(RecommendationOverdue, "Recommendation of Review 4 for the designated teacher overdue (due 2 Nov 2026)", "2026-11-02", 12, tracker("old", "b"))}},
		{"unknown review and no owner", rec("c", "gone", "", "2026-11-02", review.RecOpen),
			[]Item{ada(RecommendationOverdue, "Recommendation overdue (due 2 Nov 2026)", "2026-11-02", 12, tracker("gone", "c"))}},
		{"due today", rec("d", "r1", "social worker", "2026-11-18", review.RecOpen), nil},
		{"done late", rec("e", "r1", "social worker", "2026-10-01", review.RecDone), nil},
		{"not done", rec("f", "r1", "social worker", "2026-10-01", review.RecNotDone), nil},
		{"no due date", rec("g", "r1", "social worker", "", review.RecOpen), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := Facts{Child: c, Recommendations: []review.Recommendation{tt.rec}}
			checkItems(t, apply(recommendationRule, f, "2026-11-18"), tt.want)
		})
	}
}

func TestNotSeenAloneRule(t *testing.T) {
	// Review 2 was held on Thu 29 October 2026.
	withDOB := func(dob string) child.Child {
		c := lookedAfter(held("r2", 2, "2026-10-29", "2026-11-02", "2026-11-20"), planned("r3", 3))
		c.DOB = opt(dob)
		return c
	}
	meeting := func(cs ...review.Consultation) *review.Meeting {
		return &review.Meeting{ReviewID: "r2", Consultations: cs}
	}
	alone := func(who review.Consultee, on string, seenAlone bool) review.Consultation {
		return review.Consultation{Who: who, How: review.MethodVisit, On: opt(on), SeenAlone: seenAlone}
	}
	notSeen := []Item{ada(NotSeenAlone, "Not seen alone before Review 2 (held 29 Oct 2026)", "", 0, Jump{Screen: ScreenPrepare, ReviewID: "r2"})}
	shortBreaks := child.Child{ID: childID, LAID: childLAID, FirstName: "Ada", LastName: "Quill", DOB: d("2015-03-10"),
		Episodes: []child.Episode{{Start: d("2026-03-02"), LegalStatus: "V3", Placement: "R1"}},
		Reviews:  []child.Review{{ID: "r2", Kind: child.ShortBreaks, Sequence: 1, Held: d("2026-10-29")}}}
	cp := child.Child{ID: childID, DOB: d("2015-03-10"),
		CPPlans: []child.CPPlan{{StrategyDiscussion: d("2026-06-01"), Start: d("2026-06-15"), Category: "NEG"}},
		Reviews: []child.Review{
			{ID: "ic", Kind: child.CP, Sequence: 1, Held: d("2026-06-15")},
			{ID: "r2", Kind: child.CP, Sequence: 2, Held: d("2026-10-29")},
		}}
	tests := []struct {
		name     string
		child    child.Child
		lastHeld *review.Meeting
		want     []Item
	}{
		{"no review held yet", withDOB("2015-03-10"), nil, nil},
		{"nobody consulted", withDOB("2015-03-10"), meeting(), notSeen},
		{"seen alone before the review", withDOB("2015-03-10"), meeting(alone(review.ConsulteeChild, "2026-10-20", true)), nil},
		{"seen alone on the day", withDOB("2015-03-10"), meeting(alone(review.ConsulteeChild, "2026-10-29", true)), nil},
		{"seen alone, undated", withDOB("2015-03-10"), meeting(alone(review.ConsulteeChild, "", true)), nil},
		{"seen with the carer there", withDOB("2015-03-10"), meeting(alone(review.ConsulteeChild, "2026-10-20", false)), notSeen},
		{"only seen alone after the review", withDOB("2015-03-10"), meeting(alone(review.ConsulteeChild, "2026-10-30", true)), notSeen},
		{"the carer seen alone is not the child", withDOB("2015-03-10"), meeting(alone(review.ConsulteeCarer, "2026-10-20", true)), notSeen},
		{"seen alone once among other visits", withDOB("2015-03-10"), meeting(
			alone(review.ConsulteeChild, "2026-10-01", false), alone(review.ConsulteeChild, "2026-10-21", true)), nil},
		// Born 1 Nov 2022: 3 on 29 Oct 2026 though 4 by today.
		{"under 4 at the review", withDOB("2022-11-01"), meeting(), nil},
		{"4 on the day of the review", withDOB("2022-10-29"), meeting(), notSeen},
		{"date of birth unknown", withDOB(""), meeting(), nil},
		{"short breaks: looked after during each break", shortBreaks, meeting(),
			[]Item{ada(NotSeenAlone, "Not seen alone before Short breaks review 1 (held 29 Oct 2026)", "", 0, Jump{Screen: ScreenPrepare, ReviewID: "r2"})}},
		{"a child protection conference is skipped", cp, meeting(), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkItems(t, apply(notSeenAloneRule, Facts{Child: tt.child, LastHeld: tt.lastHeld}, "2026-11-18"), tt.want)
		})
	}
}

func TestHealthAndPEPRule(t *testing.T) {
	toChild := Jump{Screen: ScreenChild}
	tests := []struct {
		name           string
		dob, inCare    string
		health, pep    string
		want           []Item
		cp, leftCareOn bool
	}{
		{name: "both recent", dob: "2015-03-10", inCare: "2024-01-02", health: "2026-06-01", pep: "2026-10-01"},
		{name: "yearly assessment missed by a day", dob: "2015-03-10", inCare: "2024-01-02", health: "2025-11-17", pep: "2026-10-01",
			want: []Item{ada(HealthAssessmentLate, "Health assessment out of date (due 17 Nov 2026)", "2026-11-17", 1, toChild)}},
		{name: "yearly assessment due today", dob: "2015-03-10", inCare: "2024-01-02", health: "2025-11-18", pep: "2026-10-01"},
		{name: "under 5: six-monthly", dob: "2023-01-01", inCare: "2024-01-02", health: "2026-05-17",
			want: []Item{ada(HealthAssessmentLate, "Health assessment out of date (due 17 Nov 2026)", "2026-11-17", 1, toChild)}},
		// Reviewed in the spring term, so due by 31 July (a Friday). From
		// Mon 3 August: 20 working days in August (the 31st is a holiday),
		// 22 in September, 22 in October, 13 in November to the 18th.
		{name: "PEP missed a term", dob: "2015-03-10", inCare: "2024-01-02", health: "2026-06-01", pep: "2026-02-10",
			want: []Item{ada(PEPLate, "PEP review out of date (due 31 Jul 2026)", "2026-07-31", 77, toChild)}},
		{name: "PEP reviewed in the summer term is due by Christmas", dob: "2015-03-10", inCare: "2024-01-02", health: "2026-06-01", pep: "2026-06-10"},
		// In care from Thu 1 October: 20 working days is Thu 29 October,
		// and 30 Oct, 2–6, 9–13, 16–18 Nov make 14 late.
		{name: "initial assessment and PEP not done", dob: "2015-03-10", inCare: "2026-10-01",
			want: []Item{
				ada(HealthAssessmentLate, "Initial health assessment not done (due 29 Oct 2026)", "2026-10-29", 14, toChild),
				ada(PEPLate, "Initial PEP not done (due 29 Oct 2026)", "2026-10-29", 14, toChild),
			}},
		{name: "16: past school age, no PEP", dob: "2010-01-01", inCare: "2024-01-02", health: "2026-06-01", pep: "2025-01-01"},
		{name: "left care", dob: "2015-03-10", inCare: "2024-01-02", health: "2025-01-01", pep: "2025-01-01", leftCareOn: true},
		{name: "on a CP plan, not looked after", dob: "2015-03-10", health: "2025-01-01", pep: "2025-01-01", cp: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := child.Child{ID: childID, LAID: childLAID, FirstName: "Ada", LastName: "Quill", DOB: d(tt.dob),
				IROAllocated: d("2024-01-03"), CarePlanAgreed: d("2024-01-10"),
				LastHealthAssessment: opt(tt.health), LastPEPReview: opt(tt.pep)}
			switch {
			case tt.cp:
				c.CPPlans = []child.CPPlan{{StrategyDiscussion: d("2026-10-01"), Category: "NEG"}}
			case tt.leftCareOn:
				c.Episodes = []child.Episode{{Start: d(tt.inCare), End: d("2026-01-31"), LegalStatus: "C2"}}
			default:
				c.Episodes = []child.Episode{{Start: d(tt.inCare), LegalStatus: "C2"}}
			}
			checkItems(t, apply(healthAndPEPRule, Facts{Child: c}, "2026-11-18"), tt.want)
		})
	}
}

func TestInstabilityRule(t *testing.T) {
	// Today is 18 November 2026, so the year looked at starts 18 Nov 2025.
	ep := func(start, end, ls, place, provider string) child.Episode {
		return child.Episode{Start: d(start), End: opt(end), LegalStatus: ls, Placement: place, Provider: provider}
	}
	unstable := func(n int) []Item {
		return []Item{ada(PlacementInstability, fmt.Sprintf("%d placements in the last 12 months", n), "", 0, Jump{Screen: ScreenChild})}
	}
	tests := []struct {
		name     string
		episodes []child.Episode
		want     []Item
	}{
		{"three carers this year", []child.Episode{
			ep("2025-06-01", "2026-01-10", "C2", "U4", "Carer A"),
			ep("2026-01-11", "2026-06-30", "C2", "U4", "Carer B"),
			ep("2026-07-01", "", "C2", "K2", "Home C"),
		}, unstable(3)},
		{"the first placement ended the day before the year began", []child.Episode{
			ep("2025-01-01", "2025-11-17", "C2", "U4", "Carer A"),
			ep("2025-11-18", "2026-06-30", "C2", "U4", "Carer B"),
			ep("2026-07-01", "", "C2", "K2", "Home C"),
		}, nil},
		{"the first placement ended the day the year began", []child.Episode{
			ep("2025-01-01", "2025-11-18", "C2", "U4", "Carer A"),
			ep("2025-11-19", "2026-06-30", "C2", "U4", "Carer B"),
			ep("2026-07-01", "", "C2", "K2", "Home C"),
		}, unstable(3)},
		{"a change of legal status is not a move", []child.Episode{
			ep("2025-06-01", "2026-03-01", "C1", "U4", "Carer A"),
			ep("2026-03-02", "2026-06-30", "C2", "U4", "Carer A"),
			ep("2026-07-01", "", "C2", "K2", "Home C"),
		}, nil},
		{"four", []child.Episode{
			ep("2025-12-01", "2026-01-10", "C2", "U4", "Carer A"),
			ep("2026-01-11", "2026-03-30", "C2", "U4", "Carer B"),
			ep("2026-03-31", "2026-06-30", "C2", "U6", "Carer D"),
			ep("2026-07-01", "", "C2", "K2", "Home C"),
		}, unstable(4)},
		{"left care after three", []child.Episode{
			ep("2025-12-01", "2026-01-10", "C2", "U4", "Carer A"),
			ep("2026-01-11", "2026-03-30", "C2", "U4", "Carer B"),
			ep("2026-03-31", "2026-06-30", "C2", "U6", "Carer D"),
		}, nil},
		{"short breaks with three carers", []child.Episode{
			ep("2026-01-10", "2026-01-12", "V3", "R1", "Unit A"),
			ep("2026-03-10", "2026-03-12", "V3", "U4", "Carer B"),
			ep("2026-11-16", "", "V3", "U4", "Carer D"),
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := child.Child{ID: childID, LAID: childLAID, FirstName: "Ada", LastName: "Quill", DOB: d("2015-03-10"), Episodes: tt.episodes}
			checkItems(t, apply(instabilityRule, Facts{Child: c}, "2026-11-18"), tt.want)
		})
	}
}

func TestChallengeRule(t *testing.T) {
	ladder := challenge.DefaultLadder()
	sent := func(stage int, name, on, due string) challenge.Step {
		return challenge.Step{Kind: challenge.Sent, Stage: stage, StageName: name, On: d(on), ResponseDue: d(due)}
	}
	answered := func(on string) challenge.Step { return challenge.Step{Kind: challenge.Response, On: d(on)} }
	outcome := func(o challenge.Outcome, on string) challenge.Step {
		return challenge.Step{Kind: challenge.Closed, Outcome: o, On: d(on)}
	}
	toChallenge := Jump{Screen: ScreenChallenge, ChallengeID: "ch"}
	// Sent to the team manager on Thu 15 October: the formal process's 20
	// working days end Thu 12 November (16 Oct, 19–23, 26–30, 2–6 Nov, 9–12);
	// by Wed 18 November it has run 24, 4 past.
	formal := ada(ChallengeFormalExceeded, "Formal process at 24 working days, past the 20 allowed", "2026-11-12", 4, toChallenge)
	escalated := []challenge.Step{
		sent(1, "Team manager", "2026-10-15", "2026-10-22"), answered("2026-10-20"), outcome(challenge.Escalated, "2026-10-21"),
		sent(2, "Service manager", "2026-10-21", "2026-10-28"),
	}
	tests := []struct {
		name  string
		steps []challenge.Step
		want  []Item
	}{
		// Due Mon 9 Nov: 10–13 Nov are 1–4 late, 16–18 Nov 5–7.
		{"informal response overdue", []challenge.Step{sent(0, "Informal", "2026-11-02", "2026-11-09")},
			[]Item{ada(ChallengeResponseOverdue, "Response from the social worker overdue (due 9 Nov 2026)", "2026-11-09", 7, toChallenge)}},
		{"informal response received", []challenge.Step{sent(0, "Informal", "2026-11-02", "2026-11-09"), answered("2026-11-06")}, nil},
		{"response due today", []challenge.Step{sent(0, "Informal", "2026-11-11", "2026-11-18")}, nil},
		// Due Wed 28 Oct: 29–30 Oct are 1–2 late, 2–6 Nov 3–7, 9–13 8–12, 16–18 13–15.
		{"escalated, unanswered and past 20 working days", escalated, []Item{
			ada(ChallengeResponseOverdue, "Response from the service manager overdue (due 28 Oct 2026)", "2026-10-28", 15, toChallenge),
			formal,
		}},
		{"resolved, however late", append(escalated, outcome(challenge.Resolved, "2026-11-17")), nil},
		{"referred to Cafcass", append(escalated, outcome(challenge.ReferredCafcass, "2026-11-16")), nil},
		{"answered but still past 20 working days", []challenge.Step{sent(1, "Team manager", "2026-10-15", "2026-10-22"), answered("2026-10-20")},
			[]Item{formal}},
		// From Wed 21 October: 22–23 Oct, 26–30, 2–6 Nov, 9–13, 16–18 make 20.
		{"exactly 20 working days is within the limit", []challenge.Step{sent(1, "Team manager", "2026-10-21", "2026-10-28"), answered("2026-10-27")}, nil},
		{"a stage the ladder no longer has", []challenge.Step{sent(1, "Corporate director", "2026-11-02", "2026-11-09")},
			[]Item{ada(ChallengeResponseOverdue, "Response from the corporate director overdue (due 9 Nov 2026)", "2026-11-09", 7, toChallenge)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := Facts{Child: lookedAfter(), Challenges: []challenge.Challenge{{ID: "ch", ChildID: childID, Steps: tt.steps}}}
			checkItems(t, apply(challengeRule(ladder), f, "2026-11-18"), tt.want)
		})
	}
}
