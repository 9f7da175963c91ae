package challenge

import (
	"errors"
	"fmt"
	"strings"
)

// The bounds on a stage's response time. A stage needs at least a day to
// answer, and anything past 60 working days (about three months) cannot sit
// inside a process that should take 20 working days in all: it is a typo.
const (
	MinStageWorkingDays = 1
	MaxStageWorkingDays = 60
)

// DefaultLadder is the typical ladder of DOMAIN.md, used until the local
// authority's own is set in the config file. Every stage has 5 working days
// so that even the whole formal process fits the 20 working days. A Cafcass
// referral is not a stage: it can be made at any point (an outcome).
func DefaultLadder() Ladder {
	return Ladder{Stages: []Stage{
		{Name: "Informal", Addressee: "social worker", WorkingDays: 5},
		{Name: "Team manager", Addressee: "team manager", WorkingDays: 5},
		{Name: "Service manager", Addressee: "service manager", WorkingDays: 5},
		{Name: "Head of service", Addressee: "head of service", WorkingDays: 5},
		{Name: "Assistant director / DCS", Addressee: "assistant director or director of children's services", WorkingDays: 5},
	}}
}

// StageError is a Validate failure that belongs to one stage, so that a
// caller reading the ladder from a file can point at that stage's line.
type StageError struct {
	Index  int // into Ladder.Stages
	Reason string
}

func (e *StageError) Error() string { return fmt.Sprintf("ladder stage %d: %s", e.Index+1, e.Reason) }

// Validate refuses a ladder the rules cannot work with: no stages, a stage
// without a name (letters and the history would show a blank), or a
// response time outside 1–60 working days.
func (l Ladder) Validate() error {
	if len(l.Stages) == 0 {
		return errors.New("the dispute-resolution ladder has no stages")
	}
	for i, s := range l.Stages {
		if strings.TrimSpace(s.Name) == "" {
			return &StageError{Index: i, Reason: "has no name"}
		}
		if s.WorkingDays < MinStageWorkingDays || s.WorkingDays > MaxStageWorkingDays {
			return &StageError{Index: i, Reason: fmt.Sprintf("%q has %d working days to respond; want %d to %d",
				s.Name, s.WorkingDays, MinStageWorkingDays, MaxStageWorkingDays)}
		}
	}
	return nil
}
