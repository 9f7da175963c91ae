package review

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/iro-app/iro/internal/calendar"
)

// dueForms is shown whenever a due date cannot be read, so the IRO learns
// the shorthand from the mistake rather than from a manual.
const dueForms = "write a date as 2026-12-04, 4/12/2026 or 04/12/2026 (day first), " +
	"or as 10wd (working days), 14d (days), 3w (weeks) or 2m (months) from today, " +
	"or today, tomorrow or next review"

var (
	relativeDue = regexp.MustCompile(`^([0-9]+) ?(wd|d|w|m)$`)
)

// maxDueCount keeps shorthand to what a recommendation could sensibly need
// (999 working days is about four years).
const maxDueCount = 999

// ParseDue reads the date a recommendation or task is due, as the IRO types
// it in the meeting. nextReview is the next review's date, zero when none is
// planned. A date before today is refused: nothing can be due in the past.
func ParseDue(s string, today calendar.Date, cal *calendar.Calendar, nextReview calendar.Date) (calendar.Date, error) {
	d, err := readDue(strings.ToLower(strings.Join(strings.Fields(s), " ")), today, cal, nextReview)
	if err != nil {
		return calendar.Date{}, err
	}
	if d.Before(today) {
		return calendar.Date{}, fmt.Errorf("that date has passed (%s)", longDate(d))
	}
	return d, nil
}

func readDue(s string, today calendar.Date, cal *calendar.Calendar, nextReview calendar.Date) (calendar.Date, error) {
	switch s {
	case "":
		return calendar.Date{}, errors.New("no due date given: " + dueForms)
	case "today":
		return today, nil
	case "tomorrow":
		return today.AddDays(1), nil
	case "next review":
		if nextReview.IsZero() {
			return calendar.Date{}, errors.New("no next review is planned yet, so give a date instead")
		}
		return nextReview, nil
	}
	if m := relativeDue.FindStringSubmatch(s); m != nil {
		n, err := strconv.Atoi(m[1])
		if err != nil || n < 1 || n > maxDueCount {
			return calendar.Date{}, fmt.Errorf("%q: the number must be from 1 to %d", s, maxDueCount)
		}
		switch m[2] {
		case "wd":
			return cal.AddWorkingDays(today, n), nil
		case "d":
			return today.AddDays(n), nil
		case "w":
			return today.AddDays(7 * n), nil
		default: // "m"
			return today.AddMonths(n), nil
		}
	}
	d, err := calendar.ParseUK(s)
	if err != nil && strings.Contains(err.Error(), "not a real date") {
		return calendar.Date{}, err
	}
	if err != nil {
		return calendar.Date{}, fmt.Errorf("cannot read %q as a due date: %s", s, dueForms)
	}
	return d, nil
}

// DescribeDue shows a resolved due date with how far off it is, so the IRO
// can see at once that "10wd" landed where they meant, e.g.
// "Fri 04 Dec 2026 (10 working days)". Dates already passed are counted in
// calendar days, since no working-day deadline is running towards them.
func DescribeDue(d, today calendar.Date, cal *calendar.Calendar) string {
	if d.IsZero() {
		return ""
	}
	var when string
	switch days := today.DaysUntil(d); {
	case days == 0:
		when = "today"
	case days == 1:
		when = "tomorrow"
	case days == -1:
		when = "yesterday"
	case days < 0:
		when = fmt.Sprintf("%d days ago", -days)
	default:
		when = plural(cal.WorkingDaysBetween(today, d), "working day")
	}
	return fmt.Sprintf("%s (%s)", longDate(d), when)
}

func longDate(d calendar.Date) string { return d.Time().Format("Mon 02 Jan 2006") }

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}
