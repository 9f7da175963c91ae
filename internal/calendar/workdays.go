package calendar

import "time"

// IsWorkingDay reports whether d is Monday to Friday and not a bank holiday.
func (c *Calendar) IsWorkingDay(d Date) bool {
	if isWeekend(d) {
		return false
	}
	_, holiday := c.IsHoliday(d)
	return !holiday
}

// AddWorkingDays is the deadline "within n working days of d" (DOMAIN.md):
// day 1 is the first working day after d and the deadline is the nth, so d
// itself never counts, even when it is a working day. n == 0 is d itself; a
// negative n counts back the same way, for "at least n working days before".
func (c *Calendar) AddWorkingDays(d Date, n int) Date {
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for n > 0 {
		d = d.AddDays(step)
		if c.IsWorkingDay(d) {
			n--
		}
	}
	return d
}

// WorkingDaysBetween counts the working days after from up to and including
// to: the days left until a deadline. When to is earlier it is minus the
// working days after to up to and including from, so a deadline on Friday
// seen on the next Monday is -1 ("overdue by 1 working day") and seen on the
// Saturday is 0. It undoes AddWorkingDays for n >= 0, and for n < 0 when
// from is a working day.
func (c *Calendar) WorkingDaysBetween(from, to Date) int {
	switch from.Compare(to) {
	case 0:
		return 0
	case 1:
		return -c.WorkingDaysBetween(to, from)
	}
	// Count weekdays arithmetically and then take off the holidays, so an
	// overdue-by-years deadline costs a few years' holiday lists, not a walk.
	days := to.dayNumber() - from.dayNumber()
	n := days / 7 * 5
	wd := from.Weekday()
	for range days % 7 {
		wd = (wd + 1) % 7
		if wd != time.Saturday && wd != time.Sunday {
			n++
		}
	}
	for y := from.Year; y <= to.Year; y++ {
		for _, h := range c.year(y).list {
			if h.Date.After(from) && !h.Date.After(to) && !isWeekend(h.Date) {
				n--
			}
		}
	}
	return n
}

func isWeekend(d Date) bool {
	wd := d.Weekday()
	return wd == time.Saturday || wd == time.Sunday
}

// dayNumber counts days since 1970-01-01. Unlike DaysUntil it does not go
// through time.Duration, which cannot span more than 292 years.
func (d Date) dayNumber() int {
	const secondsPerDay = 24 * 60 * 60
	return int(d.Time().Unix() / secondsPerDay)
}
