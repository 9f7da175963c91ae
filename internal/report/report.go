// Package report builds the record of a review: the document circulated
// after the meeting, as JSON for other systems and as Markdown for people.
// It has no UI and no SQL.
package report

import (
	"cmp"
	"encoding/json"
	"slices"
	"time"

	"github.com/iro-app/iro/internal/child"
	"github.com/iro-app/iro/internal/review"
	"github.com/iro-app/iro/internal/ssda903"
	"github.com/iro-app/iro/internal/timescale"
)

// Record is the record of one review. Dates are YYYY-MM-DD and "" when
// unknown; enum fields hold the stored values so that the JSON stays stable
// when a label is reworded.
type Record struct {
	Child             Child            `json:"child"`
	Review            Review           `json:"review"`
	Attendance        []Attendee       `json:"attendance"`
	Consultations     []Consultation   `json:"consultations"`
	WishesAndFeelings string           `json:"wishes_and_feelings"`
	Sections          []Section        `json:"sections"`
	Recommendations   []Recommendation `json:"recommendations"`
	Letter            string           `json:"letter"`
}

// Child is who the review was about.
type Child struct {
	ID   string `json:"id"`
	LAID string `json:"la_id"`
	Name string `json:"name"`
	DOB  string `json:"dob"`
	// AgeAtReview is nil when the date of birth is not known, so that an
	// unknown age is not mistaken for a baby's.
	AgeAtReview *int `json:"age_at_review"`
}

// Review is the meeting's dates, state and the child's participation.
type Review struct {
	ID                  string `json:"id"`
	Kind                string `json:"kind"`
	Sequence            int    `json:"sequence"`
	Name                string `json:"name"`
	Due                 string `json:"due"`
	Held                string `json:"held"`
	HeldAt              string `json:"held_at,omitempty"` // RFC 3339, UTC
	State               string `json:"state"`
	ParticipationCode   string `json:"participation_code"`
	Participation       string `json:"participation"`
	DecisionsDue        string `json:"decisions_due"`
	RecordDue           string `json:"record_due"`
	DecisionsCirculated string `json:"decisions_circulated"`
	RecordCirculated    string `json:"record_circulated"`
}

// Attendee is one line of the attendance list.
type Attendee struct {
	Name       string `json:"name"`
	Role       string `json:"role"`
	Attendance string `json:"attendance"`
}

// Consultation is one conversation held before the review.
type Consultation struct {
	Who       string `json:"who"`
	Name      string `json:"name"`
	How       string `json:"how"`
	On        string `json:"on"`
	SeenAlone bool   `json:"seen_alone"`
	Summary   string `json:"summary"`
}

// Section is one agenda item and its notes.
type Section struct {
	Title string `json:"title"`
	Notes string `json:"notes"`
}

// Recommendation is one decision of the review.
type Recommendation struct {
	Text      string `json:"text"`
	OwnerRole string `json:"owner_role"`
	OwnerName string `json:"owner_name"`
	Due       string `json:"due"`
	Status    string `json:"status"`
}

// Build assembles the record. sched is the meeting as the timescales count
// it; its dates win over those stored on the review row, which were worked
// out when the review was planned and may since have moved.
func Build(c child.Child, r child.Review, m review.Meeting, sched timescale.Meeting, meetingName string) Record {
	held := cmp.Or(r.Held, sched.Held)
	due := cmp.Or(sched.Due, r.Due)
	rec := Record{
		Child: Child{
			ID:   c.ID,
			LAID: c.LAID,
			Name: c.Name(),
			DOB:  c.DOB.String(),
		},
		Review: Review{
			ID:                  r.ID,
			Kind:                string(r.Kind),
			Sequence:            r.Sequence,
			Name:                meetingName,
			Due:                 due.String(),
			Held:                held.String(),
			HeldAt:              timestamp(m.HeldAt),
			State:               r.State,
			ParticipationCode:   r.ParticipationCode,
			DecisionsDue:        sched.DecisionsDue.String(),
			RecordDue:           sched.RecordDue.String(),
			DecisionsCirculated: r.DecisionsCirculated.String(),
			RecordCirculated:    r.RecordCirculated.String(),
		},
		Attendance:        make([]Attendee, 0, len(m.Attendees)),
		Consultations:     make([]Consultation, 0, len(m.Consultations)),
		WishesAndFeelings: m.WishesAndFeelings,
		Sections:          make([]Section, 0, len(m.Sections)),
		Recommendations:   make([]Recommendation, 0, len(m.Recommendations)),
		Letter:            m.Letter,
	}
	// The age that matters is the age on the day of the meeting; before it is
	// held, the day it is planned for.
	if on := cmp.Or(held, r.Scheduled, due); !c.DOB.IsZero() && !on.IsZero() {
		age := c.DOB.YearsOn(on)
		rec.Child.AgeAtReview = &age
	}
	rec.Review.Participation, _ = ssda903.Participation(r.ParticipationCode)
	for _, a := range m.Attendees {
		rec.Attendance = append(rec.Attendance, Attendee{Name: a.Name, Role: a.Role, Attendance: string(a.Attendance)})
	}
	for _, k := range m.Consultations {
		rec.Consultations = append(rec.Consultations, Consultation{
			Who: string(k.Who), Name: k.Name, How: string(k.How), On: k.On.String(), SeenAlone: k.SeenAlone, Summary: k.Summary,
		})
	}
	sections := slices.Clone(m.Sections)
	slices.SortStableFunc(sections, func(a, b review.Section) int { return cmp.Compare(a.Position, b.Position) })
	for _, s := range sections {
		rec.Sections = append(rec.Sections, Section{Title: s.Title, Notes: s.Notes})
	}
	for _, x := range m.Recommendations {
		rec.Recommendations = append(rec.Recommendations, Recommendation{
			Text: x.Text, OwnerRole: x.OwnerRole, OwnerName: x.OwnerName, Due: x.Due.String(), Status: string(x.Status),
		})
	}
	return rec
}

func timestamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// JSON is the record indented for people to read, in the struct's order.
func (r Record) JSON() ([]byte, error) { return json.MarshalIndent(r, "", "  ") }
