// Package review holds the review cycle's records and rules: preparing a
// review (consultations, documents, the care-plan checklist, the agenda),
// conducting it (attendance, participation, notes, recommendations) and
// following it up (circulation, the letter to the child, monitoring). It has
// no UI and no SQL.
package review

import (
	"time"

	"github.com/iro-app/iro/internal/calendar"
)

// State is where a review is in its lifecycle.
type State string

// The lifecycle, in order. See Transition for the moves allowed.
const (
	Planned             State = "planned"
	Preparing           State = "preparing"
	InMeeting           State = "in_meeting"
	Held                State = "held"
	DecisionsCirculated State = "decisions_circulated"
	RecordCirculated    State = "record_circulated"
	Closed              State = "closed"
)

// Consultee is who the IRO consulted before the review.
type Consultee string

// The people DOMAIN.md says the IRO consults.
const (
	ConsulteeChild              Consultee = "child"
	ConsulteeParent             Consultee = "parent" // or another person with parental responsibility
	ConsulteeCarer              Consultee = "carer"
	ConsulteeSocialWorker       Consultee = "social_worker"
	ConsulteeSchool             Consultee = "school" // school or designated teacher
	ConsulteeHealth             Consultee = "health"
	ConsulteeAdvocate           Consultee = "advocate"
	ConsulteeIndependentVisitor Consultee = "independent_visitor"
	ConsulteeGuardian           Consultee = "guardian" // children's guardian
)

// Method is how a consultation happened.
type Method string

// The ways of consulting.
const (
	MethodVisit   Method = "visit"
	MethodPhone   Method = "phone"
	MethodVideo   Method = "video"
	MethodForm    Method = "form"
	MethodMessage Method = "message"
)

// Consultation is one conversation (or form) before a review.
type Consultation struct {
	ID      string
	Version int

	Who       Consultee
	Name      string // the person, e.g. "Mum (Sarah)"; sealed
	How       Method
	On        calendar.Date
	SeenAlone bool   // for the child: seen without their carer present
	Summary   string // sealed
}

// DocumentKind is a report or plan the IRO needs before a review.
type DocumentKind string

// The documents checked before a review.
const (
	DocSocialWorkerReport DocumentKind = "sw_report"
	DocCarePlan           DocumentKind = "care_plan"
	DocPlacementPlan      DocumentKind = "placement_plan"
	DocHealthPlan         DocumentKind = "health_plan"
	DocPEP                DocumentKind = "pep"
	DocPathwayPlan        DocumentKind = "pathway_plan" // 16+
)

// Document records when a report or plan arrived (zero: not yet).
type Document struct {
	ID      string
	Version int

	Kind     DocumentKind
	Received calendar.Date
}

// Topic is one part of the care plan the IRO checks.
type Topic string

// The care-plan checklist of DOMAIN.md.
const (
	TopicPermanence         Topic = "permanence"
	TopicPlacement          Topic = "placement"
	TopicHealth             Topic = "health" // last assessment, dental, immunisations
	TopicEducation          Topic = "education"
	TopicContact            Topic = "contact" // contact / family time
	TopicIdentity           Topic = "identity"
	TopicEmotional          Topic = "emotional" // emotional and behavioural development
	TopicLegalStatus        Topic = "legal_status"
	TopicAdvocacy           Topic = "advocacy" // advocacy offered
	TopicIndependentVisitor Topic = "independent_visitor"
)

// Check is the IRO's view of one topic.
type Check string

// The answers a checklist item can have ("" until checked).
const (
	CheckOK      Check = "ok"
	CheckConcern Check = "concern"
	CheckMissing Check = "missing"
)

// ChecklistItem is one topic of the care-plan checklist.
type ChecklistItem struct {
	ID      string
	Version int

	Topic Topic
	Check Check
	Note  string // sealed
}

// Attendance is how someone took part in the meeting.
type Attendance string

// The attendance values of a review record.
const (
	Present    Attendance = "present"
	Apologies  Attendance = "apologies"
	SentViews  Attendance = "sent_views"
	NotInvited Attendance = "not_invited"
)

// Attendee is one person on the meeting's attendance list.
type Attendee struct {
	ID      string
	Version int

	Name       string // sealed
	Role       string // e.g. "social worker", "foster carer"
	Attendance Attendance
}

// Section is one agenda item of a meeting with its notes.
type Section struct {
	ID      string
	Version int

	Position int    // 0-based order on the agenda
	Title    string // sealed (an IRO may name a section after a person)
	Notes    string // sealed; typed live in the meeting
}

// RecStatus is where a recommendation stands.
type RecStatus string

// Recommendation statuses; "overdue" is not stored but derived (see Overdue).
const (
	RecOpen       RecStatus = "open"
	RecInProgress RecStatus = "in_progress"
	RecDone       RecStatus = "done"
	RecNotDone    RecStatus = "not_done"
)

// Recommendation is a decision of a review: what, who owns it, by when.
type Recommendation struct {
	ID      string
	Version int

	ReviewID  string // the review that made it
	Text      string // sealed
	OwnerRole string // e.g. "social worker"
	OwnerName string // sealed
	Due       calendar.Date
	Status    RecStatus
	Progress  []Progress // oldest first; append-only
}

// Progress is one entry in a recommendation's history: a note, a chase, or
// a change of status.
type Progress struct {
	ID string

	On      calendar.Date
	Text    string    // sealed
	Chased  string    // who was chased, if this was a chase; sealed
	Status  RecStatus // the status set by this entry, "" if unchanged
	Created time.Time
}

// Monitoring is a midway check between reviews.
type Monitoring struct {
	ID      string
	Version int

	On      calendar.Date
	Contact string // who the IRO spoke to; sealed
	Checked string // what was checked; sealed
	Outcome string // sealed
}

// Meeting is everything recorded for one review, beyond the child.Review row
// that carries its dates, participation code and lifecycle state.
type Meeting struct {
	ReviewID          string
	StartedAt         time.Time // when the IRO first opened the meeting (UTC)
	HeldAt            time.Time // when it was ended as held (UTC)
	WishesAndFeelings string    // the child's own words; sealed
	Letter            string    // the letter to the child; sealed

	Consultations   []Consultation
	Documents       []Document
	Checklist       []ChecklistItem
	Attendees       []Attendee
	Sections        []Section
	Recommendations []Recommendation // made at this review
}
