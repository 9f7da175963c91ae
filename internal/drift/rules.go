package drift

import (
	"fmt"
	"strings"

	"github.com/iro-app/iro/internal/calendar"
	"github.com/iro-app/iro/internal/caseload"
	"github.com/iro-app/iro/internal/challenge"
	"github.com/iro-app/iro/internal/child"
	"github.com/iro-app/iro/internal/review"
	"github.com/iro-app/iro/internal/timescale"
)

// reviewRule: the next review is overdue, or due within the caseload's
// due-soon horizon, so the caseload and this list never disagree.
func reviewRule(s *situation, today calendar.Date, cal *calendar.Calendar) []Item {
	for _, d := range s.deadlines {
		if d.Kind != timescale.DeadlineReview {
			continue
		}
		jump := Jump{Screen: ScreenChild}
		if s.hasNext {
			jump = Jump{Screen: ScreenPrepare, ReviewID: s.next.ID}
		}
		left, status := caseload.Classify(today, d.Due, cal)
		switch {
		case status == caseload.Overdue:
			late := lateness(today, d.Due, cal)
			return []Item{s.item(ReviewOverdue, d.What+" overdue by "+workingDays(late), d.Due, late, jump)}
		case status == caseload.DueSoon && left == 0:
			return []Item{s.item(ReviewDueSoon, d.What+" due today", d.Due, 0, jump)}
		case status == caseload.DueSoon:
			return []Item{s.item(ReviewDueSoon, d.What+" due in "+workingDays(left), d.Due, -left, jump)}
		}
	}
	return nil
}

// circulationRule: the decisions or the full record of a held review have
// not gone out by their deadline. timescale decides which are outstanding;
// this only finds the review each belongs to, for the name and the jump.
func circulationRule(s *situation, today calendar.Date, cal *calendar.Calendar) []Item {
	var items []Item
	used := map[Kind]map[int]bool{DecisionsLate: {}, RecordLate: {}}
	for _, d := range s.deadlines {
		if !d.Due.Before(today) {
			continue
		}
		var (
			k    Kind
			word string
		)
		switch d.Kind {
		case timescale.DeadlineDecisions:
			k, word = DecisionsLate, "Decisions"
		case timescale.DeadlineRecord:
			k, word = RecordLate, "Record"
		default:
			continue
		}
		late := lateness(today, d.Due, cal)
		i := s.outstanding(k, d.Due, used[k])
		if i < 0 {
			// Not reachable with timescale's own rows, but a late record
			// must never vanish from the list for want of a name.
			items = append(items, s.item(k, fmt.Sprintf("%s not circulated (due %s)", d.What, longDate(d.Due)), d.Due, late, Jump{Screen: ScreenChild}))
			continue
		}
		used[k][i] = true
		h := s.held[i]
		items = append(items, s.item(k, fmt.Sprintf("%s of %s not circulated (due %s)", word, h.name, longDate(d.Due)),
			d.Due, late, Jump{Screen: ScreenFollowUp, ReviewID: h.row.ID}))
	}
	return items
}

// outstanding is the held review that a late decisions or record deadline
// due on the given day belongs to, or -1. It asks what timescale asked (the
// record not out; for decisions, the decisions not out either), so two
// reviews whose deadlines fall on the same day cannot be mixed up.
func (s *situation) outstanding(k Kind, due calendar.Date, used map[int]bool) int {
	for i, h := range s.held {
		if used[i] || !h.row.RecordCirculated.IsZero() {
			continue
		}
		switch {
		case k == DecisionsLate && h.meeting.DecisionsDue == due && h.row.DecisionsCirculated.IsZero():
			return i
		case k == RecordLate && h.meeting.RecordDue == due:
			return i
		}
	}
	return -1
}

// recommendationRule: a recommendation still open or in progress has passed
// its date, from whichever review made it.
func recommendationRule(s *situation, today calendar.Date, cal *calendar.Calendar) []Item {
	var items []Item
	for _, r := range s.Recommendations {
		if !review.Overdue(r, today) {
			continue
		}
		what := "Recommendation"
		if name := s.reviewName(r.ReviewID); name != "" {
			what += " of " + name
		}
		if r.OwnerRole != "" {
			what += " for the " + r.OwnerRole
		}
		what += fmt.Sprintf(" overdue (due %s)", longDate(r.Due))
		items = append(items, s.item(RecommendationOverdue, what, r.Due, lateness(today, r.Due, cal),
			Jump{Screen: ScreenTracker, ReviewID: r.ReviewID, RecommendationID: r.ID}))
	}
	return items
}

// notSeenAloneRule: a looked-after child aged 4 or more at their last review
// was not seen alone before it (IRO Handbook: the IRO should speak to the
// child in private before every review). Only a consultation with the child
// marked seen alone, and dated no later than the review, counts; an undated
// one is given the benefit of the doubt. CP conferences are left out: a
// conference chair's duty to see the child differs. Short breaks count, as
// a child is looked after during each break.
func notSeenAloneRule(s *situation, _ calendar.Date, _ *calendar.Calendar) []Item {
	if s.LastHeld == nil || (s.kind != child.LAC && s.kind != child.ShortBreaks) {
		return nil
	}
	h, ok := s.heldByID(s.LastHeld.ReviewID)
	if !ok || s.Child.DOB.IsZero() || s.Child.DOB.YearsOn(h.row.Held) < 4 {
		// An unknown date of birth cannot show the child was old enough.
		return nil
	}
	for _, c := range s.LastHeld.Consultations {
		if c.Who == review.ConsulteeChild && c.SeenAlone && !c.On.After(h.row.Held) {
			return nil
		}
	}
	return []Item{s.item(NotSeenAlone, fmt.Sprintf("Not seen alone before %s (held %s)", h.name, longDate(h.row.Held)),
		calendar.Date{}, 0, Jump{Screen: ScreenPrepare, ReviewID: h.row.ID})}
}

// healthAndPEPRule: the health assessment or the PEP review is past its
// date. timescale only opens these clocks for a period of full care (and
// the PEP for school-age children), so nothing else needs checking here.
func healthAndPEPRule(s *situation, today calendar.Date, cal *calendar.Calendar) []Item {
	var items []Item
	for _, d := range s.deadlines {
		if !d.Due.Before(today) {
			continue
		}
		var (
			k    Kind
			what string
		)
		switch d.Kind {
		case timescale.DeadlineHealthAssessment:
			k, what = HealthAssessmentLate, "Health assessment out of date"
			if s.Child.LastHealthAssessment.IsZero() {
				what = "Initial health assessment not done"
			}
		case timescale.DeadlinePEP:
			k, what = PEPLate, "PEP review out of date"
			if s.Child.LastPEPReview.IsZero() {
				what = "Initial PEP not done"
			}
		default:
			continue
		}
		items = append(items, s.item(k, fmt.Sprintf("%s (due %s)", what, longDate(d.Due)), d.Due,
			lateness(today, d.Due, cal), Jump{Screen: ScreenChild}))
	}
	return items
}

// instabilityThreshold is the short-term stability measure: three or more
// placements in a year.
const instabilityThreshold = 3

// instabilityRule: a child in full care has had three or more placements in
// the last 12 months. Short breaks are left out, as the DfE stability
// measures leave them out: a series of breaks is not a series of moves.
func instabilityRule(s *situation, today calendar.Date, _ *calendar.Calendar) []Item {
	if s.kind != child.LAC {
		return nil
	}
	n := s.Child.PlacementsSince(today.AddMonths(-12))
	if n < instabilityThreshold {
		return nil
	}
	return []Item{s.item(PlacementInstability, fmt.Sprintf("%d placements in the last 12 months", n),
		calendar.Date{}, 0, Jump{Screen: ScreenChild})}
}

// challengeRule: an open challenge is waiting on a response past its date,
// or its formal process has run past the 20 working days it should take. A
// challenge that has ended is history, however long it took.
func challengeRule(ladder challenge.Ladder) rule {
	return func(s *situation, today calendar.Date, cal *calendar.Calendar) []Item {
		var items []Item
		for _, c := range s.Challenges {
			st := challenge.StatusOf(c, ladder, today, cal)
			if !st.Open {
				continue
			}
			jump := Jump{Screen: ScreenChallenge, ChallengeID: c.ID}
			if st.ResponseOverdue {
				items = append(items, s.item(ChallengeResponseOverdue,
					fmt.Sprintf("Response from the %s overdue (due %s)", addressee(ladder, st), longDate(st.ResponseDue)),
					st.ResponseDue, lateness(today, st.ResponseDue, cal), jump))
			}
			if st.FormalExceeded {
				due := cal.AddWorkingDays(st.FormalStart, challenge.FormalLimitWorkingDays)
				items = append(items, s.item(ChallengeFormalExceeded,
					fmt.Sprintf("Formal process at %s, past the %d allowed", workingDays(st.FormalWorkingDays), challenge.FormalLimitWorkingDays),
					due, lateness(today, due, cal), jump))
			}
		}
		return items
	}
}

// addressee is who a challenge's latest stage was put to, by role: the
// ladder's words for the stage recorded, or the stage's own name when the
// ladder no longer has it.
func addressee(ladder challenge.Ladder, st challenge.Status) string {
	for _, stage := range ladder.Stages {
		if stage.Name == st.StageName && stage.Addressee != "" {
			return stage.Addressee
		}
	}
	return strings.ToLower(st.StageName)
}
