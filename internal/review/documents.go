package review

import "github.com/iro-app/iro/internal/calendar"

// Lead times before the meeting (DOMAIN.md): the social worker's report is
// counted in working days because it has to be read and acted on; the plans
// in calendar days.
const (
	reportLeadWorkingDays = 15
	planLeadDays          = 3
)

// The statuses DocumentStatus gives.
const (
	DocOnTime      = "on time"
	DocLate        = "late"
	DocNotReceived = "not received"
	DocOverdue     = "overdue"
)

// Documents lists the reports and plans to chase before a review of a child
// of the given age; a pathway plan only exists from 16.
func Documents(age int) []DocumentKind {
	var kinds []DocumentKind
	for _, k := range documentKinds.Values() {
		if k != DocPathwayPlan || age >= 16 {
			kinds = append(kinds, k)
		}
	}
	return kinds
}

// DocumentDue is the last day a document can arrive and still be on time
// for a meeting on the given date.
//
// For the social worker's report it is the working day 15 working days
// before the meeting: counting 15 working days after it (day 1 the first
// working day after it) reaches the meeting. A meeting on a weekend or bank
// holiday is counted from the working day before it, since the count can
// only land on a working day.
func DocumentDue(kind DocumentKind, meeting calendar.Date, cal *calendar.Calendar) calendar.Date {
	if kind != DocSocialWorkerReport {
		return meeting.AddDays(-planLeadDays)
	}
	last := meeting
	for !cal.IsWorkingDay(last) {
		last = last.AddDays(-1)
	}
	return cal.AddWorkingDays(last, -reportLeadWorkingDays)
}

// DocumentLate reports whether a document that has arrived came after its
// due date. A document not yet received is not late by this measure; see
// DocumentStatus, which knows what day it is.
func DocumentLate(kind DocumentKind, received, meeting calendar.Date, cal *calendar.Calendar) bool {
	return !received.IsZero() && received.After(DocumentDue(kind, meeting, cal))
}

// DocumentStatus is where a document stands today: "on time" or "late" once
// received, and until then "not received", turning "overdue" the day after
// it was due. late is true for both "late" and "overdue".
func DocumentStatus(kind DocumentKind, received, meeting, today calendar.Date, cal *calendar.Calendar) (status string, late bool) {
	switch {
	case DocumentLate(kind, received, meeting, cal):
		return DocLate, true
	case !received.IsZero():
		return DocOnTime, false
	case today.After(DocumentDue(kind, meeting, cal)):
		return DocOverdue, true
	}
	return DocNotReceived, false
}
