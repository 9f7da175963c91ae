package review

import (
	"fmt"
	"slices"

	"github.com/iro-app/iro/internal/child"
)

// AgendaInput is what shapes a meeting's default agenda.
type AgendaInput struct {
	Kind           child.Kind
	Age            int     // on the day of the meeting
	Concerns       []Topic // checklist topics the IRO marked as a concern
	CarriedForward int     // recommendations still open from earlier reviews
	IsFirstReview  bool
}

// covered says which agenda section of a LAC review already discusses a
// checklist topic, so a concern about it is raised there rather than twice.
var covered = map[Topic]bool{
	TopicPermanence:  true,
	TopicPlacement:   true,
	TopicHealth:      true,
	TopicEducation:   true,
	TopicContact:     true,
	TopicIdentity:    true,
	TopicEmotional:   true,
	TopicLegalStatus: true,
}

// shortBreaksCovered is the same for the shorter short-breaks agenda.
var shortBreaksCovered = map[Topic]bool{
	TopicHealth:    true,
	TopicEducation: true,
}

// DefaultAgenda is the list of section titles a meeting starts with; the IRO
// edits it from there. Any kind other than CP and short breaks gets the
// looked-after child's review agenda.
func DefaultAgenda(in AgendaInput) []string {
	switch in.Kind {
	case child.CP:
		// A conference asks one question the others do not, and the
		// care-plan checklist does not apply to it.
		return []string{
			"Introductions",
			"The child's views",
			"Reports and the plan",
			"Is the child still at risk of significant harm?",
			"The core group and the plan",
			"Decisions",
			"Date of next conference",
		}
	case child.ShortBreaks:
		agenda := []string{
			"Introductions and participation",
			"The child's wishes and feelings",
			"How the short breaks are going",
			"Health",
			"Education",
		}
		agenda = append(agenda, concernSections(in.Concerns, shortBreaksCovered)...)
		return append(agenda, "Decisions and recommendations", "Date of next review")
	}
	agenda := []string{"Introductions and participation", "The child's wishes and feelings"}
	// A first review can still inherit recommendations, e.g. from a child
	// protection plan, and they must be looked at.
	switch {
	case in.CarriedForward > 0:
		agenda = append(agenda, fmt.Sprintf("Progress on previous recommendations (%d carried forward)", in.CarriedForward))
	case !in.IsFirstReview:
		agenda = append(agenda, "Progress on previous recommendations")
	}
	agenda = append(agenda,
		"Placement and stability",
		"Health",
		"Education and PEP",
		"Contact and family time",
		"Identity and emotional wellbeing",
		"Permanence plan",
	)
	if in.Age >= 16 {
		agenda = append(agenda, "Pathway plan and leaving care")
	}
	agenda = append(agenda, "Legal status")
	agenda = append(agenda, concernSections(in.Concerns, covered)...)
	return append(agenda, "Decisions and recommendations", "Date of next review")
}

// concernSections gives each concern without a section of its own one, in
// checklist order so the agenda does not depend on the order of marking.
func concernSections(concerns []Topic, covered map[Topic]bool) []string {
	var sections []string
	for _, t := range Topics() {
		if slices.Contains(concerns, t) && !covered[t] {
			sections = append(sections, "Concern: "+t.Label())
		}
	}
	return sections
}
