package review_test

import (
	"slices"
	"testing"

	"github.com/iro-app/iro/internal/child"
	"github.com/iro-app/iro/internal/review"
)

func TestDefaultAgenda(t *testing.T) {
	tests := []struct {
		name string
		in   review.AgendaInput
		want []string
	}{
		{
			name: "LAC first review of a 10-year-old",
			in:   review.AgendaInput{Kind: child.LAC, Age: 10, IsFirstReview: true},
			want: []string{
				"Introductions and participation",
				"The child's wishes and feelings",
				"Placement and stability",
				"Health",
				"Education and PEP",
				"Contact and family time",
				"Identity and emotional wellbeing",
				"Permanence plan",
				"Legal status",
				"Decisions and recommendations",
				"Date of next review",
			},
		},
		{
			name: "LAC later review of a 16-year-old with concerns, some already covered",
			in: review.AgendaInput{
				Kind: child.LAC, Age: 16,
				Concerns: []review.Topic{review.TopicIndependentVisitor, review.TopicHealth, review.TopicAdvocacy, review.TopicIndependentVisitor},
			},
			want: []string{
				"Introductions and participation",
				"The child's wishes and feelings",
				"Progress on previous recommendations",
				"Placement and stability",
				"Health",
				"Education and PEP",
				"Contact and family time",
				"Identity and emotional wellbeing",
				"Permanence plan",
				"Pathway plan and leaving care",
				"Legal status",
				"Concern: advocacy offered",
				"Concern: independent visitor offered",
				"Decisions and recommendations",
				"Date of next review",
			},
		},
		{
			name: "LAC 15-year-old with recommendations carried forward",
			in:   review.AgendaInput{Age: 15, CarriedForward: 3},
			want: []string{
				"Introductions and participation",
				"The child's wishes and feelings",
				"Progress on previous recommendations (3 carried forward)",
				"Placement and stability",
				"Health",
				"Education and PEP",
				"Contact and family time",
				"Identity and emotional wellbeing",
				"Permanence plan",
				"Legal status",
				"Decisions and recommendations",
				"Date of next review",
			},
		},
		{
			name: "LAC first review still looks at inherited recommendations",
			in:   review.AgendaInput{Kind: child.LAC, Age: 2, IsFirstReview: true, CarriedForward: 1},
			want: []string{
				"Introductions and participation",
				"The child's wishes and feelings",
				"Progress on previous recommendations (1 carried forward)",
				"Placement and stability",
				"Health",
				"Education and PEP",
				"Contact and family time",
				"Identity and emotional wellbeing",
				"Permanence plan",
				"Legal status",
				"Decisions and recommendations",
				"Date of next review",
			},
		},
		{
			name: "short breaks",
			in:   review.AgendaInput{Kind: child.ShortBreaks, Age: 16},
			want: []string{
				"Introductions and participation",
				"The child's wishes and feelings",
				"How the short breaks are going",
				"Health",
				"Education",
				"Decisions and recommendations",
				"Date of next review",
			},
		},
		{
			name: "short breaks with concerns",
			in:   review.AgendaInput{Kind: child.ShortBreaks, Concerns: []review.Topic{review.TopicEducation, review.TopicPlacement}},
			want: []string{
				"Introductions and participation",
				"The child's wishes and feelings",
				"How the short breaks are going",
				"Health",
				"Education",
				"Concern: placement",
				"Decisions and recommendations",
				"Date of next review",
			},
		},
		{
			name: "child protection conference ignores the care-plan checklist",
			in:   review.AgendaInput{Kind: child.CP, Age: 16, CarriedForward: 2, Concerns: []review.Topic{review.TopicAdvocacy}},
			want: []string{
				"Introductions",
				"The child's views",
				"Reports and the plan",
				"Is the child still at risk of significant harm?",
				"The core group and the plan",
				"Decisions",
				"Date of next conference",
			},
		},
	}
	for _, tt := range tests {
		if got := review.DefaultAgenda(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("%s:\n got %q\nwant %q", tt.name, got, tt.want)
		}
	}
}
