// Package drift gathers everything on a caseload that is slipping — reviews
// overdue or about to be, records not circulated, recommendations and
// challenges past their dates, children not seen alone, health and education
// plans out of date, placements breaking down — into one list, most urgent
// first, each with the screen where the IRO puts it right. Preventing drift
// is the IRO's first duty (DOMAIN.md); this is the list they work down. It
// has no UI and no SQL.
package drift

import (
	"cmp"
	"slices"
	"strings"

	"github.com/iro-app/iro/internal/calendar"
	"github.com/iro-app/iro/internal/challenge"
	"github.com/iro-app/iro/internal/child"
	"github.com/iro-app/iro/internal/review"
	"github.com/iro-app/iro/internal/timescale"
)

// Facts is what the rules need about one child, gathered by the store.
type Facts struct {
	Child           child.Child
	Recommendations []review.Recommendation // every review's; their progress is not needed
	Challenges      []challenge.Challenge
	// LastHeld is the meeting of the child's last review held in the current
	// cycle (see LastHeldReview), nil if none. Only its consultations are read.
	LastHeld *review.Meeting
}

// Kind is what is drifting.
type Kind string

// The kinds of drift, in the order they are told apart when everything else
// is equal.
const (
	ReviewOverdue            Kind = "review_overdue"
	ReviewDueSoon            Kind = "review_due_soon"
	DecisionsLate            Kind = "decisions_late"
	RecordLate               Kind = "record_late"
	RecommendationOverdue    Kind = "recommendation_overdue"
	ChallengeResponseOverdue Kind = "challenge_response_overdue"
	ChallengeFormalExceeded  Kind = "challenge_formal_exceeded"
	NotSeenAlone             Kind = "not_seen_alone"
	HealthAssessmentLate     Kind = "health_assessment_late"
	PEPLate                  Kind = "pep_late"
	PlacementInstability     Kind = "placement_instability"
)

var kindOrder = []Kind{
	ReviewOverdue, ReviewDueSoon, DecisionsLate, RecordLate, RecommendationOverdue,
	ChallengeResponseOverdue, ChallengeFormalExceeded, NotSeenAlone, HealthAssessmentLate,
	PEPLate, PlacementInstability,
}

// The screens an item can jump to.
const (
	ScreenChild     = "child"
	ScreenFollowUp  = "follow_up"
	ScreenTracker   = "tracker"
	ScreenChallenge = "challenge"
	ScreenPrepare   = "prepare"
)

// Jump is where the IRO fixes an item: a screen and what to open on it.
type Jump struct {
	Screen           string
	ReviewID         string
	RecommendationID string
	ChallengeID      string
}

// Item is one thing drifting for one child.
type Item struct {
	ChildID, LAID, ChildName string

	Kind Kind
	What string        // in the IRO's words, e.g. "Review 4 overdue by 6 working days"
	Due  calendar.Date // the date missed or coming; zero when there is none (instability, not seen alone)
	// WorkingDaysLate is > 0 once Due has passed and ≤ 0 before (minus the
	// working days left).
	WorkingDaysLate int
	Jump            Jump
}

// rule finds one kind (or a pair of kinds) of drift for one child.
type rule func(s *situation, today calendar.Date, cal *calendar.Calendar) []Item

// List is everything drifting on the caseload, most urgent first: missed
// deadlines, the latest first; then reviews coming up, soonest first; then
// the rest (instability, children not seen alone) by name. Ties go by child
// name (family name first, as on the caseload) then kind, and the order
// never depends on the order of facts.
func List(facts []Facts, today calendar.Date, cal *calendar.Calendar, rules timescale.Rules, ladder challenge.Ladder) []Item {
	all := []rule{
		reviewRule, circulationRule, recommendationRule, challengeRule(ladder),
		notSeenAloneRule, healthAndPEPRule, instabilityRule,
	}
	var items []Item
	names := make(map[string]string, len(facts))
	for i := range facts {
		c := facts[i].Child
		names[c.ID] = sortName(c.FirstName, c.LastName)
		s := newSituation(facts[i], today, cal, rules)
		for _, r := range all {
			items = append(items, r(s, today, cal)...)
		}
	}
	slices.SortFunc(items, byUrgency(names))
	return items
}

// sortName orders children as the caseload does, by family name then first
// name, ignoring case, so a child is found in the same place on both.
func sortName(first, last string) string {
	return strings.ToLower(last) + "\x00" + strings.ToLower(first)
}

// urgency groups items for ordering: a deadline missed, then one coming,
// then a concern with no date.
func urgency(k Kind) int {
	switch k {
	case ReviewDueSoon:
		return 1
	case NotSeenAlone, PlacementInstability:
		return 2
	}
	return 0
}

// byUrgency orders items as List documents; names maps each child's id to
// its sortName.
func byUrgency(names map[string]string) func(a, b Item) int {
	return func(a, b Item) int {
		ga, gb := urgency(a.Kind), urgency(b.Kind)
		if ga != gb {
			return cmp.Compare(ga, gb)
		}
		var c int
		switch ga {
		case 0:
			c = cmp.Compare(b.WorkingDaysLate, a.WorkingDaysLate)
		case 1:
			c = a.Due.Compare(b.Due)
		}
		// The name first, so that one child's items sit together when the
		// rest ties; the ids and words after it only make the order total.
		return cmp.Or(c,
			strings.Compare(names[a.ChildID], names[b.ChildID]),
			strings.Compare(a.ChildID, b.ChildID),
			cmp.Compare(slices.Index(kindOrder, a.Kind), slices.Index(kindOrder, b.Kind)),
			a.Due.Compare(b.Due),
			strings.Compare(a.What, b.What),
			strings.Compare(a.Jump.ReviewID, b.Jump.ReviewID),
			strings.Compare(a.Jump.RecommendationID, b.Jump.RecommendationID),
			strings.Compare(a.Jump.ChallengeID, b.Jump.ChallengeID),
		)
	}
}
