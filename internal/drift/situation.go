package drift

import (
	"strconv"

	"github.com/iro-app/iro/internal/calendar"
	"github.com/iro-app/iro/internal/child"
	"github.com/iro-app/iro/internal/timescale"
)

// situation is one child's facts with what the rules share worked out once:
// the open deadlines and the current cycle's reviews.
type situation struct {
	Facts
	deadlines []timescale.Deadline
	kind      child.Kind // the cycle in force; "" when none
	held      []heldReview
	// next is the next review's row, if it has been planned.
	next    child.Review
	hasNext bool
}

// heldReview is a review held in the current cycle, with the name the IRO
// calls it by and its dates as timescale works them out.
type heldReview struct {
	name    string
	row     child.Review
	meeting timescale.Meeting
}

func newSituation(f Facts, today calendar.Date, cal *calendar.Calendar, rules timescale.Rules) *situation {
	s := &situation{Facts: f, deadlines: timescale.ForChild(f.Child, today, cal, rules)}
	sched, ok := timescale.ScheduleFor(f.Child, cal, rules)
	if !ok {
		return s
	}
	s.kind = sched.Kind
	s.held = heldReviews(f.Child, sched)
	s.next, s.hasNext = plannedReview(f.Child, sched.Kind, len(s.held)+1)
	return s
}

// heldReviews pairs the schedule's held meetings with the review rows they
// came from, oldest first. timescale counts a row by its kind and held date
// (the first row of a date wins), so this matches the same way. A meeting
// with no row — a CP plan's initial conference known only from the plan —
// is left out: there is nothing to jump to.
func heldReviews(c child.Child, sched timescale.Schedule) []heldReview {
	var out []heldReview
	for i, m := range sched.Meetings[:len(sched.Meetings)-1] {
		for _, r := range c.Reviews {
			if r.Kind == sched.Kind && r.Held == m.Held {
				out = append(out, heldReview{name: timescale.MeetingName(sched.Kind, i+1), row: r, meeting: m})
				break
			}
		}
	}
	return out
}

// plannedReview is the row for the next review of the cycle: not held, and
// numbered after those held (the demo and the meeting screen number them so).
func plannedReview(c child.Child, kind child.Kind, sequence int) (child.Review, bool) {
	for _, r := range c.Reviews {
		if r.Kind == kind && r.Held.IsZero() && r.Sequence == sequence {
			return r, true
		}
	}
	return child.Review{}, false
}

// LastHeldReview is the child's last review held in the current cycle: the
// review whose preparation the not-seen-alone rule looks at. The store uses
// it to load that one meeting per child. Which meetings are held does not
// depend on bank holidays or circulation deadlines, so it needs neither.
func LastHeldReview(c child.Child) (child.Review, bool) {
	sched, ok := timescale.ScheduleFor(c, calendar.Default(), timescale.DefaultRules())
	if !ok {
		return child.Review{}, false
	}
	held := heldReviews(c, sched)
	if len(held) == 0 {
		return child.Review{}, false
	}
	return held[len(held)-1].row, true
}

// item starts an item for the situation's child.
func (s *situation) item(k Kind, what string, due calendar.Date, late int, j Jump) Item {
	return Item{
		ChildID: s.Child.ID, LAID: s.Child.LAID, ChildName: s.Child.Name(),
		Kind: k, What: what, Due: due, WorkingDaysLate: late, Jump: j,
	}
}

// lateness is how many working days late a deadline is: minus the working
// days left before it is due. A deadline missed at the weekend counts as 1
// late — the next working day is already a day late — so that a positive
// number always means missed and 0 never does.
func lateness(today, due calendar.Date, cal *calendar.Calendar) int {
	late := -cal.WorkingDaysBetween(today, due)
	if due.Before(today) {
		return max(late, 1)
	}
	return late
}

// longDate is how a date reads in an item: "14 Nov 2026".
func longDate(d calendar.Date) string { return d.Time().Format("2 Jan 2006") }

func workingDays(n int) string {
	if n == 1 {
		return "1 working day"
	}
	return strconv.Itoa(n) + " working days"
}

// heldByID is the held review of the current cycle with the given id.
func (s *situation) heldByID(id string) (heldReview, bool) {
	for _, h := range s.held {
		if h.row.ID == id {
			return h, true
		}
	}
	return heldReview{}, false
}

// reviewName is what the IRO calls the review with the given id: its place
// in the current cycle when it belongs to it, otherwise its own number (a
// review of an earlier period of care). "" when the child has no such review.
func (s *situation) reviewName(id string) string {
	if id == "" {
		return ""
	}
	if h, ok := s.heldByID(id); ok {
		return h.name
	}
	for _, r := range s.Child.Reviews {
		if r.ID == id {
			return timescale.MeetingName(r.Kind, r.Sequence)
		}
	}
	return ""
}
