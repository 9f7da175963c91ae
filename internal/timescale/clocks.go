package timescale

import (
	"time"

	"github.com/iro-app/iro/internal/calendar"
)

// Working-day clocks that start when a child becomes looked after (DOMAIN.md,
// "Related clocks"). The first review's 20 days double as the deadline for
// the assessments the first review needs to see.
const (
	iroAllocationWorkingDays = 5
	carePlanWorkingDays      = 10
	firstReviewWorkingDays   = 20
)

// IROAllocationDue is 5 working days after the child became looked after.
// It is zero when that date is unknown.
func IROAllocationDue(cal *calendar.Calendar, lookedAfter calendar.Date) calendar.Date {
	return workingDaysAfter(cal, lookedAfter, iroAllocationWorkingDays)
}

// CarePlanDue is 10 working days after the first placement, zero when that
// date is unknown.
func CarePlanDue(cal *calendar.Calendar, firstPlacement calendar.Date) calendar.Date {
	return workingDaysAfter(cal, firstPlacement, carePlanWorkingDays)
}

// HealthAssessmentDue is when the next health assessment is due. With none
// yet, the initial assessment is due within 20 working days of becoming
// looked after, in time for the first review. After that the cadence is set
// by the child's age at the last assessment: every 6 months under 5, every
// 12 from 5. A child assessed at 4 who turns 5 a month later is still seen 6
// months on: the age at the assessment fixes the next one, so a birthday
// never stretches a gap the doctor planned as 6 months. An unknown date of
// birth gets the 6-month cadence, because an early reminder is the safer
// mistake. It is zero when there is nothing to count from.
func HealthAssessmentDue(cal *calendar.Calendar, dob, lookedAfter, lastAssessment calendar.Date) calendar.Date {
	switch {
	case lastAssessment.IsZero():
		return workingDaysAfter(cal, lookedAfter, firstReviewWorkingDays)
	case dob.IsZero() || dob.YearsOn(lastAssessment) < 5:
		return lastAssessment.AddMonths(6)
	default:
		return lastAssessment.AddMonths(12)
	}
}

// PEPReviewDue is when the personal education plan must next be reviewed,
// counted in the built-in calendar because the signature takes none; ForChild
// counts in the caller's calendar. See pepDue for the rule.
func PEPReviewDue(lastReview, lookedAfter calendar.Date) calendar.Date {
	return pepDue(calendar.Default(), lastReview, lookedAfter)
}

// pepDue: a PEP is reviewed once each school term, so the next review is due
// by the end of the term after the one the last review fell in. The terms
// are autumn (1 Sep–31 Dec), spring (1 Jan–31 Mar) and summer (1 Apr–31 Jul).
// August is in no term; a review then comes after the summer term, so the
// next is due in the autumn term like one held in the summer term. A PEP
// never reviewed must be ready for the first looked-after review, 20 working
// days after the child became looked after.
func pepDue(cal *calendar.Calendar, lastReview, lookedAfter calendar.Date) calendar.Date {
	switch m := lastReview.Month; {
	case lastReview.IsZero():
		return workingDaysAfter(cal, lookedAfter, firstReviewWorkingDays)
	case m >= time.September:
		return calendar.D(lastReview.Year+1, time.March, 31)
	case m <= time.March:
		return calendar.D(lastReview.Year, time.July, 31)
	default:
		return calendar.D(lastReview.Year, time.December, 31)
	}
}

func workingDaysAfter(cal *calendar.Calendar, d calendar.Date, n int) calendar.Date {
	if d.IsZero() {
		return calendar.Date{}
	}
	return cal.AddWorkingDays(d, n)
}
