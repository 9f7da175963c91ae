package challenge

import "github.com/iro-app/iro/internal/choice"

// The order is DOMAIN.md's, which is also the annual report's "by theme".
var categories = choice.List[Category]{
	{Value: DriftDelay, Label: "drift / delay"},
	{Value: CarePlan, Label: "care plan"},
	{Value: Placement, Label: "placement"},
	{Value: Health, Label: "health"},
	{Value: Education, Label: "education"},
	{Value: Contact, Label: "contact"},
	{Value: Permanence, Label: "permanence"},
	{Value: Participation, Label: "participation"},
	{Value: Practice, Label: "practice"},
}

// Categories lists every category in the order pickers and reports use.
func Categories() []Category { return categories.Values() }

// Label is the category in the IRO's words.
func (c Category) Label() string { return categories.Label(c) }

// ParseCategory reads a stored value or a label.
func ParseCategory(s string) (Category, error) { return categories.Parse("category", s) }

var outcomes = choice.List[Outcome]{
	{Value: Resolved, Label: "resolved"},
	{Value: Escalated, Label: "escalated"},
	{Value: Withdrawn, Label: "withdrawn"},
	{Value: ReferredCafcass, Label: "referred to Cafcass"},
}

// Outcomes lists every outcome.
func Outcomes() []Outcome { return outcomes.Values() }

// Label is the outcome in the IRO's words.
func (o Outcome) Label() string { return outcomes.Label(o) }

// ParseOutcome reads a stored value or a label.
func ParseOutcome(s string) (Outcome, error) { return outcomes.Parse("outcome", s) }

// Final reports whether the outcome ends the challenge. Escalated does not:
// the challenge goes on to a later stage.
func (o Outcome) Final() bool { return o == Resolved || o == Withdrawn || o == ReferredCafcass }

var stepKinds = choice.List[StepKind]{
	{Value: Sent, Label: "sent"},
	{Value: Response, Label: "response"},
	{Value: Closed, Label: "outcome"},
	{Value: Correction, Label: "correction"},
}

// StepKinds lists every kind of step.
func StepKinds() []StepKind { return stepKinds.Values() }

// Label is the kind of step in the IRO's words, for the history.
func (k StepKind) Label() string { return stepKinds.Label(k) }
