package review

import (
	"fmt"
	"strings"
)

// option pairs a stored value with the words the IRO sees for it. Lists are
// slices so every picker shows the values in the same, deliberate order.
type option[T ~string] struct {
	value T
	label string
}

func valuesOf[T ~string](opts []option[T]) []T {
	out := make([]T, len(opts))
	for i, o := range opts {
		out[i] = o.value
	}
	return out
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
// surrounding spaces, because values come both from storage and from what
// the IRO types.
func parseOption[T ~string](opts []option[T], what, s string) (T, error) {
	s = strings.TrimSpace(s)
	for _, o := range opts {
		if strings.EqualFold(s, string(o.value)) || strings.EqualFold(s, o.label) {
			return o.value, nil
		}
	}
	want := make([]string, len(opts))
	for i, o := range opts {
		want[i] = string(o.value)
	}
	return "", fmt.Errorf("unknown %s %q: want one of %s", what, s, strings.Join(want, ", "))
}

var states = []option[State]{
	{Planned, "planned"},
	{Preparing, "preparing"},
	{InMeeting, "in meeting"},
	{Held, "held"},
	{DecisionsCirculated, "decisions circulated"},
	{RecordCirculated, "record circulated"},
	{Closed, "closed"},
}

// States lists the lifecycle in order.
func States() []State { return valuesOf(states) }

// Label is the state in the IRO's words.
func (s State) Label() string { return labelOf(states, s) }

// Valid reports whether s is one of the lifecycle's states.
func (s State) Valid() bool { return stateIndex(s) >= 0 }

// ParseState reads a state from its stored value or its label.
func ParseState(s string) (State, error) { return parseOption(states, "review state", s) }

var consultees = []option[Consultee]{
	{ConsulteeChild, "child"},
	{ConsulteeParent, "parent / person with PR"},
	{ConsulteeCarer, "carer"},
	{ConsulteeSocialWorker, "social worker"},
	{ConsulteeSchool, "school / designated teacher"},
	{ConsulteeHealth, "health"},
	{ConsulteeAdvocate, "advocate"},
	{ConsulteeIndependentVisitor, "independent visitor"},
	{ConsulteeGuardian, "children's guardian"},
}

// Consultees lists who the IRO consults, the child first.
func Consultees() []Consultee { return valuesOf(consultees) }

// Label is the consultee in the IRO's words.
func (c Consultee) Label() string { return labelOf(consultees, c) }

// ParseConsultee reads a consultee from its stored value or its label.
func ParseConsultee(s string) (Consultee, error) { return parseOption(consultees, "consultee", s) }

var methods = []option[Method]{
	{MethodVisit, "visit"},
	{MethodPhone, "phone"},
	{MethodVideo, "video call"},
	{MethodForm, "consultation form"},
	{MethodMessage, "message"},
}

// Methods lists the ways of consulting, face to face first.
func Methods() []Method { return valuesOf(methods) }

// Label is the method in the IRO's words.
func (m Method) Label() string { return labelOf(methods, m) }

// ParseMethod reads a method from its stored value or its label.
func ParseMethod(s string) (Method, error) { return parseOption(methods, "consultation method", s) }

var topics = []option[Topic]{
	{TopicPermanence, "permanence plan"},
	{TopicPlacement, "placement"},
	{TopicHealth, "health (assessment, dental, immunisations)"},
	{TopicEducation, "education / PEP"},
	{TopicContact, "contact / family time"},
	{TopicIdentity, "identity"},
	{TopicEmotional, "emotional and behavioural development"},
	{TopicLegalStatus, "legal status"},
	{TopicAdvocacy, "advocacy offered"},
	{TopicIndependentVisitor, "independent visitor offered"},
}

// Topics lists the care-plan checklist in DOMAIN.md's order.
func Topics() []Topic { return valuesOf(topics) }

// Label is the topic in the IRO's words.
func (t Topic) Label() string { return labelOf(topics, t) }

// ParseTopic reads a topic from its stored value or its label.
func ParseTopic(s string) (Topic, error) { return parseOption(topics, "checklist topic", s) }

// checks includes the unchecked value because a checklist item is stored
// with it until the IRO gets to that topic.
var checks = []option[Check]{
	{"", "not checked"},
	{CheckOK, "OK"},
	{CheckConcern, "concern"},
	{CheckMissing, "missing"},
}

// Checks lists the answers the IRO can give a checklist topic; the
// unchecked value is not one of them.
func Checks() []Check { return valuesOf(checks[1:]) }

// Label is the check in the IRO's words ("not checked" for "").
func (c Check) Label() string { return labelOf(checks, c) }

// ParseCheck reads a check from its stored value or its label; "" is the
// stored value of an unchecked item and is accepted.
func ParseCheck(s string) (Check, error) { return parseOption(checks, "check", s) }

var attendances = []option[Attendance]{
	{Present, "present"},
	{Apologies, "apologies"},
	{SentViews, "sent views"},
	{NotInvited, "not invited"},
}

// Attendances lists how someone can take part in the meeting.
func Attendances() []Attendance { return valuesOf(attendances) }

// Label is the attendance in the IRO's words.
func (a Attendance) Label() string { return labelOf(attendances, a) }

// ParseAttendance reads an attendance from its stored value or its label.
func ParseAttendance(s string) (Attendance, error) {
	return parseOption(attendances, "attendance", s)
}

var recStatuses = []option[RecStatus]{
	{RecOpen, "open"},
	{RecInProgress, "in progress"},
	{RecDone, "done"},
	{RecNotDone, "not done"},
}

// RecStatuses lists the stored recommendation statuses.
func RecStatuses() []RecStatus { return valuesOf(recStatuses) }

// Label is the status in the IRO's words.
func (s RecStatus) Label() string { return labelOf(recStatuses, s) }

// ParseRecStatus reads a status from its stored value or its label.
func ParseRecStatus(s string) (RecStatus, error) {
	return parseOption(recStatuses, "recommendation status", s)
}

var documentKinds = []option[DocumentKind]{
	{DocSocialWorkerReport, "social worker's report"},
	{DocCarePlan, "care plan"},
	{DocPlacementPlan, "placement plan"},
	{DocHealthPlan, "health plan"},
	{DocPEP, "PEP"},
	{DocPathwayPlan, "pathway plan"},
}

// Label is the document in the IRO's words.
func (k DocumentKind) Label() string { return labelOf(documentKinds, k) }

// ParseDocumentKind reads a document kind from its stored value or its label.
func ParseDocumentKind(s string) (DocumentKind, error) {
	return parseOption(documentKinds, "document", s)
}
