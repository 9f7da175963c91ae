package challenge

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/iro-app/iro/internal/calendar"
)

// ErrEnded is wrapped by every refusal to add to a challenge that has a
// final outcome, so that the store (which checks it again as a last line of
// defence) and the screens can recognise it.
var ErrEnded = errors.New("only a correction can be added once a challenge has ended")

// CafcassStage is the Stage of a Cafcass referral: it is not a rung of the
// ladder, and can be made from any point of it.
const CafcassStage = -1

// cafcassStageName is kept on the referral like a stage's name, so that the
// history reads the same whatever the ladder becomes.
const cafcassStageName = "Cafcass"

// history is what the rules need to know about the steps so far.
type history struct {
	byID      map[string]Step
	last      calendar.Date // the latest date in the history
	lastSent  *Step         // the latest challenge sent to a stage
	awaiting  *Step         // lastSent, until it is answered or an outcome is recorded
	escalated *Step         // an Escalated outcome not yet followed by a Sent
	final     *Step         // the outcome that ended the challenge
}

// replay reads the steps in order. Corrections are notes about other steps:
// they change nothing here except the latest date.
func replay(steps []Step) history {
	h := history{byID: make(map[string]Step, len(steps))}
	for i := range steps {
		s := &steps[i]
		if s.ID != "" {
			h.byID[s.ID] = *s
		}
		if s.On.After(h.last) {
			h.last = s.On
		}
		if h.final != nil {
			continue
		}
		switch s.Kind {
		case Sent:
			h.lastSent, h.awaiting, h.escalated = s, s, nil
		case Response:
			h.awaiting = nil
		case Closed:
			h.awaiting = nil
			switch {
			case s.Outcome.Final():
				h.final = s
			case s.Outcome == Escalated:
				h.escalated = s
			}
		}
	}
	return h
}

// Append checks that s may come next in c's history and returns it
// completed: a Sent gets its stage's name and response deadline (On plus the
// stage's working days) from l and cal; a Response or an outcome gets the
// stage it belongs to (CafcassStage for a Cafcass referral); a correction
// gets the stage of the step it corrects. Anything the caller put in those
// fields is replaced, because they follow from the rules, not from the IRO.
// It refuses, with the reason in the IRO's words, anything the dispute
// process does not allow. It does not touch c.
func Append(c Challenge, s Step, l Ladder, cal *calendar.Calendar) (Step, error) {
	h := replay(c.Steps)
	if s.ID != "" {
		if _, dup := h.byID[s.ID]; dup {
			return Step{}, fmt.Errorf("the history already has an entry %s", s.ID)
		}
	}
	if s.Kind != Correction && h.final != nil {
		return Step{}, fmt.Errorf("the challenge was %s on %s: %w", h.final.Outcome.Label(), inWords(h.final.On), ErrEnded)
	}
	if err := checkDate(c, h, s); err != nil {
		return Step{}, err
	}
	if s.Kind != Closed && s.Outcome != "" {
		return Step{}, fmt.Errorf("only an outcome entry can say %q; this is a %s entry", s.Outcome.Label(), s.Kind.Label())
	}
	if s.Kind != Correction && s.Corrects != "" {
		return Step{}, fmt.Errorf("only a correction can name an entry it corrects; this is a %s entry", s.Kind.Label())
	}
	s.ResponseDue = calendar.Date{}

	switch s.Kind {
	case Correction:
		return correction(h, s)
	case Sent:
		return sent(h, s, l, cal)
	case Response:
		if h.awaiting == nil {
			if h.escalated != nil {
				return Step{}, fmt.Errorf("the challenge was escalated on %s and has not been sent to the next stage yet, so there is nothing to respond to",
					inWords(h.escalated.On))
			}
			return Step{}, errors.New("nothing is awaiting a response: record who the challenge was sent to first")
		}
		s.Stage, s.StageName = h.awaiting.Stage, h.awaiting.StageName
		return s, nil
	case Closed:
		return outcome(h, s, l)
	}
	return Step{}, fmt.Errorf("unknown kind of entry %q", s.Kind)
}

func checkDate(c Challenge, h history, s Step) error {
	switch {
	case s.On.IsZero():
		return errors.New("the entry needs a date")
	case !c.Raised.IsZero() && s.On.Before(c.Raised):
		return fmt.Errorf("the entry is dated %s, before the challenge was raised on %s", inWords(s.On), inWords(c.Raised))
	case s.On.Before(h.last):
		return fmt.Errorf("the entry is dated %s, before the latest entry in the history (%s): the history is kept in date order",
			inWords(s.On), inWords(h.last))
	}
	return nil
}

func correction(h history, s Step) (Step, error) {
	if s.Corrects == "" {
		return Step{}, errors.New("a correction must say which entry it corrects")
	}
	corrected, ok := h.byID[s.Corrects]
	if !ok {
		return Step{}, fmt.Errorf("there is no entry %s in this challenge to correct", s.Corrects)
	}
	if strings.TrimSpace(s.Text) == "" {
		return Step{}, errors.New("a correction needs the corrected wording")
	}
	s.Stage, s.StageName = corrected.Stage, corrected.StageName
	return s, nil
}

func sent(h history, s Step, l Ladder, cal *calendar.Calendar) (Step, error) {
	if s.Stage == CafcassStage {
		return Step{}, errors.New("a Cafcass referral is recorded as an outcome, not sent as a stage")
	}
	if err := l.Validate(); err != nil {
		return Step{}, err
	}
	if s.Stage < 0 || s.Stage >= len(l.Stages) {
		return Step{}, fmt.Errorf("there is no stage %d: the ladder has %d stages", s.Stage+1, len(l.Stages))
	}
	stage := l.Stages[s.Stage]
	if last := h.lastSent; last != nil {
		switch {
		case s.Stage == last.Stage:
			return Step{}, fmt.Errorf("the challenge is already at the %s stage: to escalate, send it to a later stage", last.StageName)
		case s.Stage < last.Stage:
			return Step{}, fmt.Errorf("the challenge has already gone to the %s stage: stages can be skipped but never gone back to (%s is earlier)",
				last.StageName, stage.Name)
		}
	}
	s.StageName = stage.Name
	s.ResponseDue = cal.AddWorkingDays(s.On, stage.WorkingDays)
	return s, nil
}

func outcome(h history, s Step, l Ladder) (Step, error) {
	if s.Outcome == "" {
		return Step{}, fmt.Errorf("an outcome entry needs an outcome: one of %s", outcomeLabels())
	}
	if !slices.Contains(Outcomes(), s.Outcome) {
		return Step{}, fmt.Errorf("unknown outcome %q: want one of %s", s.Outcome, outcomeLabels())
	}
	s.Stage, s.StageName = 0, ""
	if h.lastSent != nil {
		s.Stage, s.StageName = h.lastSent.Stage, h.lastSent.StageName
	}
	switch s.Outcome {
	case ReferredCafcass:
		// Possible at any point, even straight after an escalation: the
		// IRO's duty to the child does not wait for the ladder.
		if strings.TrimSpace(s.Text) == "" {
			return Step{}, errors.New("a Cafcass referral needs the reason for referring")
		}
		s.Stage, s.StageName = CafcassStage, cafcassStageName
	case Escalated:
		switch {
		case h.escalated != nil:
			return Step{}, fmt.Errorf("the challenge was already escalated on %s: send it to a later stage", inWords(h.escalated.On))
		case h.lastSent == nil:
			return Step{}, errors.New("the challenge has not been sent to anyone yet, so there is nothing to escalate: send it to a stage")
		case h.lastSent.Stage >= len(l.Stages)-1:
			return Step{}, fmt.Errorf("%s is the last stage of the ladder, so there is no later stage to escalate to: refer to Cafcass instead",
				h.lastSent.StageName)
		}
	case Resolved:
		// Withdrawn is still allowed after an escalation (the IRO can always
		// stop), but resolved would mean the later stage settled it, and that
		// stage has not been asked yet.
		if h.escalated != nil {
			return Step{}, fmt.Errorf("the challenge was escalated on %s: send it to the next stage before recording how it was resolved",
				inWords(h.escalated.On))
		}
	}
	return s, nil
}

func outcomeLabels() string {
	var labels []string
	for _, o := range outcomes {
		labels = append(labels, o.Label)
	}
	return strings.Join(labels, ", ")
}

// Raise checks a new challenge and replays the steps given with it through
// Append, returning it with those steps completed. A challenge needs the
// date it was raised, a category and the issue; without them it could not
// be reported on or put in a letter.
func Raise(c Challenge, l Ladder, cal *calendar.Calendar) (Challenge, error) {
	switch {
	case c.Raised.IsZero():
		return Challenge{}, errors.New("the challenge needs the date it was raised")
	case !slices.Contains(Categories(), c.Category):
		return Challenge{}, fmt.Errorf("the challenge needs a category: one of %s", categoryLabels())
	case strings.TrimSpace(c.Issue) == "":
		return Challenge{}, errors.New("the challenge needs the issue, in your words")
	}
	steps := c.Steps
	c.Steps = make([]Step, 0, len(steps))
	for i, s := range steps {
		done, err := Append(c, s, l, cal)
		if err != nil {
			return Challenge{}, fmt.Errorf("entry %d: %w", i+1, err)
		}
		c.Steps = append(c.Steps, done)
	}
	return c, nil
}

func categoryLabels() string {
	var labels []string
	for _, o := range categories {
		labels = append(labels, o.Label)
	}
	return strings.Join(labels, ", ")
}

// inWords writes a date the way a letter does: "Friday 4 December 2026".
func inWords(d calendar.Date) string {
	return fmt.Sprintf("%s %d %s %d", d.Weekday(), d.Day, d.Month, d.Year)
}
