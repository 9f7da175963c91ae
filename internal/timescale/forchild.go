package timescale

import (
	"cmp"
	"slices"

	"github.com/iro-app/iro/internal/calendar"
	"github.com/iro-app/iro/internal/child"
)

// DeadlineKind says which clock a Deadline comes from.
type DeadlineKind string

// The clocks ForChild reports.
const (
	DeadlineReview           DeadlineKind = "review"
	DeadlineDecisions        DeadlineKind = "decisions"
	DeadlineRecord           DeadlineKind = "record"
	DeadlineIROAllocation    DeadlineKind = "iro_allocation"
	DeadlineCarePlan         DeadlineKind = "care_plan"
	DeadlineHealthAssessment DeadlineKind = "health_assessment"
	DeadlinePEP              DeadlineKind = "pep"
	DeadlineTurns18          DeadlineKind = "turns_18"
)

// Deadline is one open statutory clock for a child; What is the IRO's words
// for it.
type Deadline struct {
	Kind DeadlineKind
	What string
	Due  calendar.Date
}

// period is the stretch of care (or child protection) whose clocks run now.
type period struct {
	kind  child.Kind
	start calendar.Date
	// initialConference is the CP plan's own record of its initial
	// conference, counted as held even without a review row for it.
	initialConference calendar.Date
}

// ForChild lists the child's open deadlines, soonest first (then by kind),
// overdue ones included. today decides the age-based clocks. A child with no
// open episode and no open CP plan has none.
func ForChild(c child.Child, today calendar.Date, cal *calendar.Calendar, r Rules) []Deadline {
	p, ok := currentPeriod(c)
	if !ok {
		return nil
	}
	deadlines := reviewDeadlines(c, p, cal, r)
	if p.kind == child.LAC {
		deadlines = append(deadlines, lookedAfterDeadlines(c, p.start, today, cal)...)
	}
	slices.SortStableFunc(deadlines, func(a, b Deadline) int {
		return cmp.Or(a.Due.Compare(b.Due), cmp.Compare(a.Kind, b.Kind))
	})
	return deadlines
}

// currentPeriod picks the cycle from the child's data. An open episode wins
// over an open CP plan: a looked-after child's plan is reviewed at the LAC
// review.
func currentPeriod(c child.Child) (period, bool) {
	eps := slices.Clone(c.Episodes)
	slices.SortStableFunc(eps, func(a, b child.Episode) int { return a.Start.Compare(b.Start) })
	open := -1
	for i, e := range eps {
		if e.End.IsZero() {
			open = i
		}
	}
	if open >= 0 {
		first := open
		if isShortBreak(eps[open]) {
			// V4 breaks are separate episodes with gaps between them, so the
			// series runs back over every adjacent V3/V4 episode, gaps or not.
			for first > 0 && isShortBreak(eps[first-1]) {
				first--
			}
			return period{kind: child.ShortBreaks, start: eps[first].Start}, !eps[first].Start.IsZero()
		}
		for first > 0 && continuesCare(eps[first-1], eps[first]) {
			first--
		}
		return period{kind: child.LAC, start: eps[first].Start}, !eps[first].Start.IsZero()
	}
	for _, plan := range slices.Backward(c.CPPlans) {
		if !plan.End.IsZero() {
			continue
		}
		start := cmp.Or(plan.StrategyDiscussion, plan.Start)
		return period{kind: child.CP, start: start, initialConference: plan.Start}, !start.IsZero()
	}
	return period{}, false
}

func isShortBreak(e child.Episode) bool { return e.LegalStatus == "V3" || e.LegalStatus == "V4" }

// continuesCare: an episode that starts the day its predecessor ended, or the
// day after, continues the same period of care (SSDA903 records a change of
// placement or legal status as a new episode); an overlap, though bad data,
// leaves no gap either. Short breaks are a separate cycle, so they never join
// a period of full care.
func continuesCare(prev, next child.Episode) bool {
	return !prev.End.IsZero() && !isShortBreak(prev) && !prev.End.Before(next.Start.AddDays(-1))
}

// KindOf is the review cycle that applies to the child now, if any.
func KindOf(c child.Child) (child.Kind, bool) {
	p, ok := currentPeriod(c)
	return p.kind, ok
}

// ScheduleFor is the child's current cycle: every meeting held in it and the
// next one due. It reports false when no cycle applies.
func ScheduleFor(c child.Child, cal *calendar.Calendar, r Rules) (Schedule, bool) {
	p, ok := currentPeriod(c)
	if !ok {
		return Schedule{}, false
	}
	s, _, err := planPeriod(c, p, cal, r)
	return s, err == nil
}

// planPeriod plans the period's cycle from the child's held reviews, and
// indexes those reviews by the date they were held.
func planPeriod(c child.Child, p period, cal *calendar.Calendar, r Rules) (Schedule, map[calendar.Date]child.Review, error) {
	rows := make(map[calendar.Date]child.Review)
	var held []calendar.Date
	for _, rv := range c.Reviews {
		if rv.Kind != p.kind || rv.Held.IsZero() || rv.Held.Before(p.start) {
			continue
		}
		if _, seen := rows[rv.Held]; !seen {
			rows[rv.Held] = rv
			held = append(held, rv.Held)
		}
	}
	if ic := p.initialConference; !ic.IsZero() && !ic.Before(p.start) && !slices.Contains(held, ic) {
		held = append(held, ic)
	}
	slices.SortFunc(held, calendar.Date.Compare)
	s, err := Plan(cal, p.kind, p.start, held, r)
	return s, rows, err
}

func reviewDeadlines(c child.Child, p period, cal *calendar.Calendar, r Rules) []Deadline {
	s, rows, err := planPeriod(c, p, cal, r)
	if err != nil {
		// Only negative Rules get here: held dates were filtered and sorted above.
		return nil
	}
	deadlines := []Deadline{{Kind: DeadlineReview, What: MeetingName(p.kind, len(s.Meetings)), Due: s.Next.Due}}
	for i, m := range s.Meetings[:len(s.Meetings)-1] {
		rv, ok := rows[m.Held]
		if !ok || !rv.RecordCirculated.IsZero() {
			// The full record carries the decisions, so once it has gone out
			// neither is outstanding.
			continue
		}
		name := MeetingName(p.kind, i+1)
		if rv.DecisionsCirculated.IsZero() {
			deadlines = append(deadlines, Deadline{Kind: DeadlineDecisions, What: "Decisions: " + name, Due: m.DecisionsDue})
		}
		deadlines = append(deadlines, Deadline{Kind: DeadlineRecord, What: "Record: " + name, Due: m.RecordDue})
	}
	return deadlines
}

// lookedAfterDeadlines are the clocks of a period of full care; short breaks
// and child protection have none of them.
func lookedAfterDeadlines(c child.Child, start, today calendar.Date, cal *calendar.Calendar) []Deadline {
	var deadlines []Deadline
	if c.IROAllocated.IsZero() {
		deadlines = append(deadlines, Deadline{Kind: DeadlineIROAllocation, What: "IRO allocation", Due: IROAllocationDue(cal, start)})
	}
	if c.CarePlanAgreed.IsZero() {
		deadlines = append(deadlines, Deadline{Kind: DeadlineCarePlan, What: "Care plan", Due: CarePlanDue(cal, start)})
	}
	health := "Health assessment"
	if c.LastHealthAssessment.IsZero() {
		health = "Initial health assmt"
	}
	deadlines = append(deadlines, Deadline{Kind: DeadlineHealthAssessment, What: health,
		Due: HealthAssessmentDue(cal, c.DOB, start, c.LastHealthAssessment)})
	if c.DOB.IsZero() {
		return deadlines
	}
	// A PEP is for children of compulsory school age. Taking that as aged
	// 5 to 15 on today is a simplification: school age really starts the
	// term after the fifth birthday and ends on the last Friday in June of
	// the school year in which the child turns 16.
	if age := c.DOB.YearsOn(today); age >= 5 && age <= 15 {
		pep := "PEP review"
		if c.LastPEPReview.IsZero() {
			pep = "Initial PEP"
		}
		deadlines = append(deadlines, Deadline{Kind: DeadlinePEP, What: pep, Due: pepDue(cal, c.LastPEPReview, start)})
	}
	if c.DOB.YearsOn(today) == 17 {
		deadlines = append(deadlines, Deadline{Kind: DeadlineTurns18, What: "Turns 18", Due: eighteenthBirthday(c.DOB)})
	}
	return deadlines
}

// eighteenthBirthday is the first day the child is 18 by Date.YearsOn, so a
// 29 February birthday falls on 1 March in a common year.
func eighteenthBirthday(dob calendar.Date) calendar.Date {
	d := dob.AddMonths(18 * 12)
	if d.Day != dob.Day {
		d = d.AddDays(1)
	}
	return d
}
