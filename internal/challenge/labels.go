package challenge

import (
	"fmt"
	"strings"
)

// option pairs a stored value with the words the IRO sees for it. Lists are
// slices so every picker and report shows them in the same order.
type option[T ~string] struct {
	value T
	label string
}

// labelOf gives an unknown value back unchanged, so a record written by a
// newer version still shows what it holds rather than a blank.
func labelOf[T ~string](opts []option[T], v T) string {
	for _, o := range opts {
		if o.value == v {
			return o.label
		}
	}
	return string(v)
}

// parseOption accepts the stored value or the label, ignoring case and
// surrounding spaces: values come both from storage and from what the IRO
// types.
func parseOption[T ~string](opts []option[T], what, s string) (T, error) {
	s = strings.TrimSpace(s)
	for _, o := range opts {
		if strings.EqualFold(s, string(o.value)) || strings.EqualFold(s, o.label) {
			return o.value, nil
		}
	}
	want := make([]string, len(opts))
	for i, o := range opts {
		want[i] = o.label
	}
	return "", fmt.Errorf("unknown %s %q: want one of %s", what, s, strings.Join(want, ", "))
}

func valuesOf[T ~string](opts []option[T]) []T {
	out := make([]T, len(opts))
	for i, o := range opts {
		out[i] = o.value
	}
	return out
}

// The order is DOMAIN.md's, which is also the annual report's "by theme".
var categories = []option[Category]{
	{DriftDelay, "drift / delay"},
	{CarePlan, "care plan"},
	{Placement, "placement"},
	{Health, "health"},
	{Education, "education"},
	{Contact, "contact"},
	{Permanence, "permanence"},
	{Participation, "participation"},
	{Practice, "practice"},
}

// Categories lists every category in the order pickers and reports use.
func Categories() []Category { return valuesOf(categories) }

// Label is the category in the IRO's words.
func (c Category) Label() string { return labelOf(categories, c) }

// ParseCategory reads a stored value or a label.
func ParseCategory(s string) (Category, error) { return parseOption(categories, "category", s) }

var outcomes = []option[Outcome]{
	{Resolved, "resolved"},
	{Escalated, "escalated"},
	{Withdrawn, "withdrawn"},
	{ReferredCafcass, "referred to Cafcass"},
}

// Outcomes lists every outcome.
func Outcomes() []Outcome { return valuesOf(outcomes) }

// Label is the outcome in the IRO's words.
func (o Outcome) Label() string { return labelOf(outcomes, o) }

// ParseOutcome reads a stored value or a label.
func ParseOutcome(s string) (Outcome, error) { return parseOption(outcomes, "outcome", s) }

// Final reports whether the outcome ends the challenge. Escalated does not:
// the challenge goes on to a later stage.
func (o Outcome) Final() bool { return o == Resolved || o == Withdrawn || o == ReferredCafcass }

var stepKinds = []option[StepKind]{
	{Sent, "sent"},
	{Response, "response"},
	{Closed, "outcome"},
	{Correction, "correction"},
}

// Label is the kind of step in the IRO's words, for the history.
func (k StepKind) Label() string { return labelOf(stepKinds, k) }
