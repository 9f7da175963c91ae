package review

import "github.com/iro-app/iro/internal/choice"

var states = choice.List[State]{
	{Value: Planned, Label: "planned"},
	{Value: Preparing, Label: "preparing"},
	{Value: InMeeting, Label: "in meeting"},
	{Value: Held, Label: "held"},
	{Value: DecisionsCirculated, Label: "decisions circulated"},
	{Value: RecordCirculated, Label: "record circulated"},
	{Value: Closed, Label: "closed"},
}

// States lists the lifecycle in order.
func States() []State { return states.Values() }

// Label is the state in the IRO's words.
func (s State) Label() string { return states.Label(s) }

// Valid reports whether s is one of the lifecycle's states.
func (s State) Valid() bool { return stateIndex(s) >= 0 }

// ParseState reads a state from its stored value or its label.
func ParseState(s string) (State, error) { return states.Parse("review state", s) }

var consultees = choice.List[Consultee]{
	{Value: ConsulteeChild, Label: "child"},
	{Value: ConsulteeParent, Label: "parent / person with PR"},
	{Value: ConsulteeCarer, Label: "carer"},
	{Value: ConsulteeSocialWorker, Label: "social worker"},
	{Value: ConsulteeSchool, Label: "school / designated teacher"},
	{Value: ConsulteeHealth, Label: "health"},
	{Value: ConsulteeAdvocate, Label: "advocate"},
	{Value: ConsulteeIndependentVisitor, Label: "independent visitor"},
	{Value: ConsulteeGuardian, Label: "children's guardian"},
}

// Consultees lists who the IRO consults, the child first.
func Consultees() []Consultee { return consultees.Values() }

// Label is the consultee in the IRO's words.
func (c Consultee) Label() string { return consultees.Label(c) }

// ParseConsultee reads a consultee from its stored value or its label.
func ParseConsultee(s string) (Consultee, error) { return consultees.Parse("consultee", s) }

var methods = choice.List[Method]{
	{Value: MethodVisit, Label: "visit"},
	{Value: MethodPhone, Label: "phone"},
	{Value: MethodVideo, Label: "video call"},
	{Value: MethodForm, Label: "consultation form"},
	{Value: MethodMessage, Label: "message"},
}

// Methods lists the ways of consulting, face to face first.
func Methods() []Method { return methods.Values() }

// Label is the method in the IRO's words.
func (m Method) Label() string { return methods.Label(m) }

// ParseMethod reads a method from its stored value or its label.
func ParseMethod(s string) (Method, error) { return methods.Parse("consultation method", s) }

var topics = choice.List[Topic]{
	{Value: TopicPermanence, Label: "permanence plan"},
	{Value: TopicPlacement, Label: "placement"},
	{Value: TopicHealth, Label: "health (assessment, dental, immunisations)"},
	{Value: TopicEducation, Label: "education / PEP"},
	{Value: TopicContact, Label: "contact / family time"},
	{Value: TopicIdentity, Label: "identity"},
	{Value: TopicEmotional, Label: "emotional and behavioural development"},
	{Value: TopicLegalStatus, Label: "legal status"},
	{Value: TopicAdvocacy, Label: "advocacy offered"},
	{Value: TopicIndependentVisitor, Label: "independent visitor offered"},
}

// Topics lists the care-plan checklist in DOMAIN.md's order.
func Topics() []Topic { return topics.Values() }

// Label is the topic in the IRO's words.
func (t Topic) Label() string { return topics.Label(t) }

// ParseTopic reads a topic from its stored value or its label.
func ParseTopic(s string) (Topic, error) { return topics.Parse("checklist topic", s) }

// checks includes the unchecked value because a checklist item is stored
// with it until the IRO gets to that topic.
var checks = choice.List[Check]{
	{Value: "", Label: "not checked"},
	{Value: CheckOK, Label: "OK"},
	{Value: CheckConcern, Label: "concern"},
	{Value: CheckMissing, Label: "missing"},
}

// Checks lists the answers the IRO can give a checklist topic; the
// unchecked value is not one of them.
func Checks() []Check { return checks[1:].Values() }

// Label is the check in the IRO's words ("not checked" for "").
func (c Check) Label() string { return checks.Label(c) }

// ParseCheck reads a check from its stored value or its label; "" is the
// stored value of an unchecked item and is accepted.
func ParseCheck(s string) (Check, error) { return checks.Parse("check", s) }

var attendances = choice.List[Attendance]{
	{Value: Present, Label: "present"},
	{Value: Apologies, Label: "apologies"},
	{Value: SentViews, Label: "sent views"},
	{Value: NotInvited, Label: "not invited"},
}

// Attendances lists how someone can take part in the meeting.
func Attendances() []Attendance { return attendances.Values() }

// Label is the attendance in the IRO's words.
func (a Attendance) Label() string { return attendances.Label(a) }

// ParseAttendance reads an attendance from its stored value or its label.
func ParseAttendance(s string) (Attendance, error) {
	return attendances.Parse("attendance", s)
}

var recStatuses = choice.List[RecStatus]{
	{Value: RecOpen, Label: "open"},
	{Value: RecInProgress, Label: "in progress"},
	{Value: RecDone, Label: "done"},
	{Value: RecNotDone, Label: "not done"},
}

// RecStatuses lists the stored recommendation statuses.
func RecStatuses() []RecStatus { return recStatuses.Values() }

// Label is the status in the IRO's words.
func (s RecStatus) Label() string { return recStatuses.Label(s) }

// ParseRecStatus reads a status from its stored value or its label.
func ParseRecStatus(s string) (RecStatus, error) {
	return recStatuses.Parse("recommendation status", s)
}

var documentKinds = choice.List[DocumentKind]{
	{Value: DocSocialWorkerReport, Label: "social worker's report"},
	{Value: DocCarePlan, Label: "care plan"},
	{Value: DocPlacementPlan, Label: "placement plan"},
	{Value: DocHealthPlan, Label: "health plan"},
	{Value: DocPEP, Label: "PEP"},
	{Value: DocPathwayPlan, Label: "pathway plan"},
}

// DocumentKinds lists every kind of document, whatever the child's age
// (Documents says which a review needs).
func DocumentKinds() []DocumentKind { return documentKinds.Values() }

// Label is the document in the IRO's words.
func (k DocumentKind) Label() string { return documentKinds.Label(k) }

// ParseDocumentKind reads a document kind from its stored value or its label.
func ParseDocumentKind(s string) (DocumentKind, error) {
	return documentKinds.Parse("document", s)
}
