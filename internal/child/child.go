// Package child holds the facts iro keeps about a child and the rules that
// derive their situation from them (age, current episode, which statutory
// review cycle applies). It has no UI and no SQL.
package child

import (
	"github.com/iro-app/iro/internal/calendar"
)

// Child is one child on the IRO's caseload with everything known about them.
// Version counts saved changes (for sync conflict detection).
type Child struct {
	ID      string // local UUIDv7
	Version int

	LAID      string // the local authority's child identifier (SSDA903 CHILD)
	FirstName string
	LastName  string
	DOB       calendar.Date
	Sex       string // SSDA903 SEX: 1 male, 2 female
	Ethnicity string // SSDA903 ETHNIC code, e.g. WBRI
	UPN       string // unique pupil number
	HomeLA    string // the responsible local authority

	IROAllocated         calendar.Date // when an IRO was allocated
	CarePlanAgreed       calendar.Date // first care plan in this period of care
	LastHealthAssessment calendar.Date
	LastPEPReview        calendar.Date
	PlanStatus           string // the IRO's one-line view of the care plan

	Episodes []Episode // oldest first
	CPPlans  []CPPlan  // oldest first
	Reviews  []Review  // by kind then sequence
}

// Episode is one period with a legal status and a placement (SSDA903 episode).
type Episode struct {
	ID      string
	Version int

	Start            calendar.Date // DECOM
	End              calendar.Date // DEC; zero while open
	LegalStatus      string        // SSDA903 LS, e.g. C2
	Placement        string        // SSDA903 PLACE, e.g. U4
	ReasonNew        string        // RNE: why this episode began
	ReasonEnd        string        // REC: why it ended
	Provider         string        // carer or home, as the IRO knows it
	PostcodeDistrict string        // outward code only, e.g. "LS6"
	DistanceMiles    float64       // from the home address
	OutOfArea        bool          // placed outside the responsible LA
}

// CPPlan is a child protection plan and the strategy discussion that led to it.
type CPPlan struct {
	ID      string
	Version int

	StrategyDiscussion calendar.Date // the last one, if several
	Category           string        // NEG, PHY, EMO, SAB, MUL
	Start              calendar.Date // the initial conference, zero until held
	End                calendar.Date // only a review conference ends a plan
}

// Review is one statutory meeting, held or planned.
type Review struct {
	ID      string
	Version int

	Kind                Kind
	Sequence            int           // 1 for the first review of the cycle
	Due                 calendar.Date // as computed when it was planned
	Scheduled           calendar.Date
	Held                calendar.Date
	Location            string
	ParticipationCode   string // PN0–PN7
	State               string // planned, preparing, in_meeting, held, …
	DecisionsCirculated calendar.Date
	RecordCirculated    calendar.Date
}

// Kind is the statutory cycle a review belongs to.
type Kind string

// The review cycles of DOMAIN.md.
const (
	LAC         Kind = "lac"
	CP          Kind = "cp"
	ShortBreaks Kind = "short_breaks"
)

// Kinds lists the review cycles.
func Kinds() []Kind { return []Kind{LAC, CP, ShortBreaks} }
