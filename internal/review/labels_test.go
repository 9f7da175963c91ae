package review_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/iro-app/iro/internal/review"
)

// enumCase checks one enum's list, labels and parser against the values and
// labels written out by hand.
type enumCase struct {
	name   string
	values []string // as stored
	labels []string
	list   func() []string
	label  func(string) string
	parse  func(string) (string, error)
}

// strs converts a list of a string type for comparison.
func strs[T ~string](in []T) []string {
	out := make([]string, len(in))
	for i, v := range in {
		out[i] = string(v)
	}
	return out
}

func enumOf[T ~string](name string, values, labels []string, list func() []T, label func(T) string, parse func(string) (T, error)) enumCase {
	return enumCase{
		name: name, values: values, labels: labels,
		list:  func() []string { return strs(list()) },
		label: func(s string) string { return label(T(s)) },
		parse: func(s string) (string, error) { v, err := parse(s); return string(v), err },
	}
}

func TestEnums(t *testing.T) {
	cases := []enumCase{
		enumOf("State",
			[]string{"planned", "preparing", "in_meeting", "held", "decisions_circulated", "record_circulated", "closed"},
			[]string{"planned", "preparing", "in meeting", "held", "decisions circulated", "record circulated", "closed"},
			review.States, review.State.Label, review.ParseState),
		enumOf("Consultee",
			[]string{"child", "parent", "carer", "social_worker", "school", "health", "advocate", "independent_visitor", "guardian"},
			[]string{"child", "parent / person with PR", "carer", "social worker", "school / designated teacher", "health", "advocate", "independent visitor", "children's guardian"},
			review.Consultees, review.Consultee.Label, review.ParseConsultee),
		enumOf("Method",
			[]string{"visit", "phone", "video", "form", "message"},
			[]string{"visit", "phone", "video call", "consultation form", "message"},
			review.Methods, review.Method.Label, review.ParseMethod),
		enumOf("Topic",
			[]string{"permanence", "placement", "health", "education", "contact", "identity", "emotional", "legal_status", "advocacy", "independent_visitor"},
			[]string{"permanence plan", "placement", "health (assessment, dental, immunisations)", "education / PEP", "contact / family time", "identity", "emotional and behavioural development", "legal status", "advocacy offered", "independent visitor offered"},
			review.Topics, review.Topic.Label, review.ParseTopic),
		enumOf("Check",
			[]string{"ok", "concern", "missing"},
			[]string{"OK", "concern", "missing"},
			review.Checks, review.Check.Label, review.ParseCheck),
		enumOf("Attendance",
			[]string{"present", "apologies", "sent_views", "not_invited"},
			[]string{"present", "apologies", "sent views", "not invited"},
			review.Attendances, review.Attendance.Label, review.ParseAttendance),
		enumOf("RecStatus",
			[]string{"open", "in_progress", "done", "not_done"},
			[]string{"open", "in progress", "done", "not done"},
			review.RecStatuses, review.RecStatus.Label, review.ParseRecStatus),
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.list(); !slices.Equal(got, c.values) {
				t.Errorf("list = %q, want %q", got, c.values)
			}
			for i, v := range c.values {
				if got := c.label(v); got != c.labels[i] {
					t.Errorf("Label(%q) = %q, want %q", v, got, c.labels[i])
				}
				for _, in := range []string{v, c.labels[i], strings.ToUpper(c.labels[i]), " " + v + " "} {
					if got, err := c.parse(in); err != nil || got != v {
						t.Errorf("Parse(%q) = %q, %v; want %q", in, got, err, v)
					}
				}
			}
			if got, err := c.parse("nonsense"); err == nil {
				t.Errorf("Parse(nonsense) = %q, want an error", got)
			} else if !strings.Contains(err.Error(), c.labels[len(c.labels)-1]) {
				t.Errorf("Parse(nonsense) error %q does not list the choices", err)
			}
			if got := c.label("nonsense"); got != "nonsense" {
				t.Errorf("Label of an unknown value = %q, want it unchanged", got)
			}
		})
	}
}

func TestUncheckedItem(t *testing.T) {
	if got := review.Check("").Label(); got != "not checked" {
		t.Errorf(`Check("").Label() = %q, want "not checked"`, got)
	}
	if got, err := review.ParseCheck(""); err != nil || got != "" {
		t.Errorf(`ParseCheck("") = %q, %v; want "", nil`, got, err)
	}
}

func TestStateValid(t *testing.T) {
	tests := []struct {
		s    review.State
		want bool
	}{
		{review.Planned, true},
		{review.Closed, true},
		{"in meeting", false}, // the label, not the stored value
		{"", false},
	}
	for _, tt := range tests {
		if got := tt.s.Valid(); got != tt.want {
			t.Errorf("State(%q).Valid() = %v, want %v", tt.s, got, tt.want)
		}
	}
}

func TestDocumentKindLabel(t *testing.T) {
	tests := []struct {
		kind review.DocumentKind
		want string
	}{
		{review.DocSocialWorkerReport, "social worker's report"},
		{review.DocCarePlan, "care plan"},
		{review.DocPlacementPlan, "placement plan"},
		{review.DocHealthPlan, "health plan"},
		{review.DocPEP, "PEP"},
		{review.DocPathwayPlan, "pathway plan"},
	}
	for _, tt := range tests {
		if got := tt.kind.Label(); got != tt.want {
			t.Errorf("%q.Label() = %q, want %q", tt.kind, got, tt.want)
		}
		if got, err := review.ParseDocumentKind(tt.want); err != nil || got != tt.kind {
			t.Errorf("ParseDocumentKind(%q) = %q, %v; want %q", tt.want, got, err, tt.kind)
		}
	}
}
