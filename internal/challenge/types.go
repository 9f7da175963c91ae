// Package challenge is the IRO's duty to challenge made concrete: the local
// dispute-resolution ladder, each challenge's append-only history of steps,
// and the clocks that say when a response is overdue and when the formal
// process has run past its 20 working days. It has no UI and no SQL.
package challenge

import (
	"time"

	"github.com/iro-app/iro/internal/calendar"
)

// Category is what the challenge is about (DOMAIN.md "Dispute resolution").
type Category string

// The categories of challenge.
const (
	DriftDelay    Category = "drift_delay"
	CarePlan      Category = "care_plan"
	Placement     Category = "placement"
	Health        Category = "health"
	Education     Category = "education"
	Contact       Category = "contact"
	Permanence    Category = "permanence"
	Participation Category = "participation"
	Practice      Category = "practice"
)

// Stage is one rung of the ladder: who is asked and how long they have.
type Stage struct {
	Name        string // e.g. "Team manager"
	Addressee   string // the role written to, e.g. "team manager"
	WorkingDays int    // to respond
}

// Ladder is a local authority's dispute-resolution process, in order. The
// first stage is informal; the formal process starts at the second.
type Ladder struct {
	Stages []Stage
}

// Outcome ends a step of the process, and a final one ends the challenge.
type Outcome string

// The outcomes of DOMAIN.md. Escalated is not final: the next step follows.
const (
	Resolved        Outcome = "resolved"
	Escalated       Outcome = "escalated"
	Withdrawn       Outcome = "withdrawn"
	ReferredCafcass Outcome = "referred_cafcass"
)

// StepKind is what an entry in a challenge's history records.
type StepKind string

// The kinds of step. Nothing is edited in place: a mistake is put right by a
// correction entry that names the step it corrects.
const (
	Sent       StepKind = "sent"       // the challenge put to a stage's addressee
	Response   StepKind = "response"   // their answer
	Closed     StepKind = "outcome"    // an outcome: resolved, escalated, withdrawn, Cafcass
	Correction StepKind = "correction" // a note correcting an earlier step
)

// Step is one entry in a challenge's history.
type Step struct {
	ID string

	Kind        StepKind
	On          calendar.Date // sent, answered or decided on
	Stage       int           // ladder index (Sent); -1 for a Cafcass referral
	StageName   string        // the stage's name when sent, kept if the ladder changes
	Addressee   string        // the person written to (Sent); sealed
	ResponseDue calendar.Date // Sent: On + the stage's working days
	Text        string        // the letter (Sent), the answer (Response), the reason (Closed), the correction; sealed
	Outcome     Outcome       // Closed only
	Corrects    string        // Correction: the id of the step it corrects
	Created     time.Time
}

// Challenge is one dispute the IRO raised about a child's plan or care.
type Challenge struct {
	ID      string
	Version int

	ChildID          string
	ReviewID         string // the review it arose from, if any
	RecommendationID string // the recommendation it arose from, if any
	Raised           calendar.Date
	Category         Category
	Issue            string // in the IRO's words; sealed
	Decision         string // the decision it concerns; sealed
	Remedy           string // what the IRO asks for; sealed
	Steps            []Step // oldest first; append-only
}
