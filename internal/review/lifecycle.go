package review

import (
	"errors"
	"fmt"

	"github.com/iro-app/iro/internal/ssda903"
)

// next lists the moves the lifecycle allows. An IRO may open a meeting
// without a preparing step (a review called at short notice), and may send
// the full record without first sending the decisions because the record
// carries them.
var next = map[State][]State{
	Planned:             {Preparing, InMeeting},
	Preparing:           {InMeeting},
	InMeeting:           {Held},
	Held:                {DecisionsCirculated, RecordCirculated},
	DecisionsCirculated: {RecordCirculated},
	RecordCirculated:    {Closed},
}

func stateIndex(s State) int {
	for i, o := range states {
		if o.Value == s {
			return i
		}
	}
	return -1
}

// Transition reports whether a review may move from one state to another,
// and if not, why, in words the IRO can act on.
func Transition(from, to State) error {
	switch {
	case !from.Valid():
		return fmt.Errorf("unknown review state %q", from)
	case !to.Valid():
		return fmt.Errorf("unknown review state %q", to)
	case from == Closed:
		return errors.New("a review that is closed cannot change")
	case from == to:
		return fmt.Errorf("the review is already %q", from.Label())
	case stateIndex(to) < stateIndex(from):
		return fmt.Errorf("cannot go back from %q to %q", from.Label(), to.Label())
	}
	for _, s := range next[from] {
		if s == to {
			return nil
		}
	}
	// Every move refused here skips forward; say what has to happen first.
	switch to {
	case Held:
		return errors.New("a review must be in its meeting before it is marked held")
	case DecisionsCirculated:
		return errors.New("a review must be held before its decisions are circulated")
	case RecordCirculated:
		return errors.New("a review must be held before its record is circulated")
	default: // Closed
		return errors.New("a review's record must be circulated before it is closed")
	}
}

// CanHold checks the one fact a review needs before it can be marked held:
// the child's participation code, which the SSDA903 return counts for every
// review.
func CanHold(participationCode string) error {
	if participationCode == "" {
		return errors.New("a review cannot be marked held without a participation code")
	}
	return checkCode(participationCode)
}

func checkCode(code string) error {
	if _, ok := ssda903.Participation(code); !ok {
		return fmt.Errorf("unknown participation code %q: want PN0 to PN7", code)
	}
	return nil
}
