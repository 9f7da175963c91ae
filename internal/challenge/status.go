package challenge

import "github.com/iro-app/iro/internal/calendar"

// FormalLimitWorkingDays is how long the whole formal process should take
// (DOMAIN.md: "no more than 20 working days").
const FormalLimitWorkingDays = 20

// Status is where a challenge stands on a given day.
type Status struct {
	Stage     int    // the latest stage sent to; -1 when nothing has been sent
	StageName string // its name as recorded when sent
	Open      bool   // no final outcome yet
	Final     Outcome

	// AwaitingResponse: the latest stage sent to has neither answered nor
	// had an outcome recorded. Overdue only after the due day has passed.
	AwaitingResponse bool
	ResponseDue      calendar.Date // of the latest stage sent to
	ResponseOverdue  bool

	// The formal process starts when the challenge is first sent to a
	// formal stage (index 1 or later) and runs to the final outcome, or to
	// today while open. Its working days are counted like a deadline: those
	// after the start up to and including the end, so FormalExceeded is
	// true exactly when the end is past start + FormalLimitWorkingDays.
	FormalStart       calendar.Date
	FormalWorkingDays int
	FormalExceeded    bool

	Cafcass bool // referred to Cafcass
}

// StatusOf works out c's status on today. The ladder is only needed for a
// Sent recorded without its stage name or deadline (e.g. by an older
// version); what was recorded at the time is otherwise kept, so changing
// the ladder later does not rewrite a challenge's history.
func StatusOf(c Challenge, l Ladder, today calendar.Date, cal *calendar.Calendar) Status {
	st := Status{Stage: -1, Open: true}
	var end calendar.Date
	for _, s := range c.Steps {
		if !st.Open {
			break // only corrections can follow, and they change nothing
		}
		switch s.Kind {
		case Sent:
			st.Stage, st.StageName, st.ResponseDue = s.Stage, s.StageName, s.ResponseDue
			if s.Stage >= 0 && s.Stage < len(l.Stages) {
				stage := l.Stages[s.Stage]
				if st.StageName == "" {
					st.StageName = stage.Name
				}
				if st.ResponseDue.IsZero() && !s.On.IsZero() {
					st.ResponseDue = cal.AddWorkingDays(s.On, stage.WorkingDays)
				}
			}
			st.AwaitingResponse = true
			if st.FormalStart.IsZero() && s.Stage >= 1 {
				st.FormalStart = s.On
			}
		case Response:
			st.AwaitingResponse = false
		case Closed:
			st.AwaitingResponse = false
			if s.Outcome.Final() {
				st.Open, st.Final, end = false, s.Outcome, s.On
				st.Cafcass = s.Outcome == ReferredCafcass
			}
		}
	}
	st.ResponseOverdue = st.AwaitingResponse && !st.ResponseDue.IsZero() && today.After(st.ResponseDue)
	if !st.FormalStart.IsZero() {
		if st.Open {
			end = today
		}
		st.FormalWorkingDays = max(cal.WorkingDaysBetween(st.FormalStart, end), 0)
		st.FormalExceeded = st.FormalWorkingDays > FormalLimitWorkingDays
	}
	return st
}
