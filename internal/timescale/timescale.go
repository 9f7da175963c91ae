// Package timescale works out the statutory deadlines of DOMAIN.md: when each
// review, conference and follow-up is due. It has no UI and no storage; dates
// in, dates out.
package timescale

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/iro-app/iro/internal/calendar"
	"github.com/iro-app/iro/internal/child"
)

// Rules are the local deadlines for circulating what a review decided; they
// are configurable because each local authority sets its own.
type Rules struct {
	DecisionsWorkingDays int
	RecordWorkingDays    int
}

// DefaultRules are DOMAIN.md's defaults: decisions within 5 working days of
// the review, the full record within 20.
func DefaultRules() Rules { return Rules{DecisionsWorkingDays: 5, RecordWorkingDays: 20} }

// Meeting is one review or conference of a cycle. Held, DecisionsDue and
// RecordDue are zero until it has been held.
type Meeting struct {
	Due          calendar.Date
	Held         calendar.Date
	DecisionsDue calendar.Date
	RecordDue    calendar.Date
}

// Schedule is a cycle's meetings: one per held meeting, then the next one
// due, which is also Next.
type Schedule struct {
	Kind     child.Kind
	Start    calendar.Date // when the cycle's clock started
	Meetings []Meeting
	Next     Meeting
}

// cycle is how a kind of review counts: an optional first meeting within
// some working days of the start, then 3 months to the next and 6 months
// after that, each from the previous meeting as actually held.
type cycle struct {
	firstWorkingDays int // 0: the cycle opens with the 3-month review
}

var cycles = map[child.Kind]cycle{
	child.LAC:         {firstWorkingDays: firstReviewWorkingDays}, // CPPCR reg 33
	child.CP:          {firstWorkingDays: 15},                     // initial conference after the strategy discussion
	child.ShortBreaks: {},
}

func (c cycle) due(cal *calendar.Calendar, meeting int, prev calendar.Date) calendar.Date {
	if c.firstWorkingDays > 0 {
		if meeting == 0 {
			return cal.AddWorkingDays(prev, c.firstWorkingDays)
		}
		meeting--
	}
	if meeting == 0 {
		return prev.AddMonths(3)
	}
	return prev.AddMonths(6)
}

// Plan lays out a cycle from its start (the day the child became looked
// after, the strategy discussion, or the first short break) and the dates
// its meetings were held, oldest first. Each meeting is due counting from the
// one before as held, not as due: a late review pushes the next one back.
func Plan(cal *calendar.Calendar, kind child.Kind, start calendar.Date, held []calendar.Date, r Rules) (Schedule, error) {
	c, ok := cycles[kind]
	if !ok {
		return Schedule{}, fmt.Errorf("unknown review kind %q: want %s, %s or %s", kind, child.LAC, child.CP, child.ShortBreaks)
	}
	if start.IsZero() {
		return Schedule{}, errors.New("the start date is missing")
	}
	if r.DecisionsWorkingDays < 0 || r.RecordWorkingDays < 0 {
		return Schedule{}, fmt.Errorf("circulation deadlines cannot be negative (decisions %d, record %d working days)",
			r.DecisionsWorkingDays, r.RecordWorkingDays)
	}
	if err := checkHeld(start, held); err != nil {
		return Schedule{}, err
	}
	meetings := make([]Meeting, 0, len(held)+1)
	prev := start
	for i, h := range held {
		meetings = append(meetings, Meeting{
			Due:          c.due(cal, i, prev),
			Held:         h,
			DecisionsDue: cal.AddWorkingDays(h, r.DecisionsWorkingDays),
			RecordDue:    cal.AddWorkingDays(h, r.RecordWorkingDays),
		})
		prev = h
	}
	next := Meeting{Due: c.due(cal, len(held), prev)}
	return Schedule{Kind: kind, Start: start, Meetings: append(meetings, next), Next: next}, nil
}

// checkHeld numbers held dates from 1, as the IRO would count them.
func checkHeld(start calendar.Date, held []calendar.Date) error {
	for i, h := range held {
		n := i + 1
		switch {
		case h.IsZero():
			return fmt.Errorf("held date %d is missing", n)
		case h.Before(start):
			return fmt.Errorf("held date %d (%s) is before the start (%s)", n, h, start)
		case i > 0 && h == held[i-1]:
			return fmt.Errorf("held date %d (%s) is the same day as held date %d", n, h, n-1)
		case i > 0 && h.Before(held[i-1]):
			return fmt.Errorf("held date %d (%s) is before held date %d (%s)", n, h, n-1, held[i-1])
		}
	}
	return nil
}

// MeetingName is what the IRO calls the nth meeting (from 1) of a cycle:
// "Review 3", "Initial conference", "Review conference 2", "Short breaks
// review 1". A CP cycle opens with the initial conference, so its review
// conferences are numbered from its second meeting.
func MeetingName(kind child.Kind, n int) string {
	switch kind {
	case child.CP:
		if n == 1 {
			return "Initial conference"
		}
		return "Review conference " + strconv.Itoa(n-1)
	case child.ShortBreaks:
		return "Short breaks review " + strconv.Itoa(n)
	default:
		return "Review " + strconv.Itoa(n)
	}
}
