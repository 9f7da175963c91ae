// Package calendar knows civil dates, working days and the England & Wales
// bank holidays that statutory deadlines are counted in.
package calendar

import (
	"fmt"
	"time"
)

// Date is a civil date with no time of day and no time zone: statutory
// deadlines are days, and a timestamp would shift them across midnight.
// The zero Date means "no date".
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// Layout is the one textual form of a Date: ISO 8601 (YYYY-MM-DD).
const Layout = "2006-01-02"

// D builds a Date; it normalises out-of-range values the way time.Date does.
func D(year int, month time.Month, day int) Date {
	return FromTime(time.Date(year, month, day, 0, 0, 0, 0, time.UTC))
}

// FromTime takes the civil date of t in t's own location.
func FromTime(t time.Time) Date {
	y, m, d := t.Date()
	return Date{Year: y, Month: m, Day: d}
}

// Parse reads YYYY-MM-DD strictly: impossible dates such as 2026-02-30 are
// errors, not silently rolled into March.
func Parse(s string) (Date, error) {
	t, err := time.Parse(Layout, s)
	if err != nil {
		return Date{}, fmt.Errorf("%q is not a date in the form YYYY-MM-DD", s)
	}
	return FromTime(t), nil
}

// MustParse is Parse for literals in tests and tables; it panics on bad input.
func MustParse(s string) Date {
	d, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return d
}

// Time is midnight UTC at the start of the date.
func (d Date) Time() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// IsZero reports whether d is the "no date" value.
func (d Date) IsZero() bool { return d == Date{} }

func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// Weekday of the date.
func (d Date) Weekday() time.Weekday { return d.Time().Weekday() }

// AddDays moves by n calendar days (negative moves back).
func (d Date) AddDays(n int) Date { return FromTime(d.Time().AddDate(0, 0, n)) }

// AddMonths moves by n calendar months, keeping the day of the month but
// clamping to the last day of the target month: 30 Nov + 3 months is the end
// of February, never 2 March as time.AddDate would give.
func (d Date) AddMonths(n int) Date {
	first := time.Date(d.Year, d.Month+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	day := d.Day
	if day > last {
		day = last
	}
	return Date{Year: first.Year(), Month: first.Month(), Day: day}
}

// Before reports whether d is strictly earlier than e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is strictly later than e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int {
	switch {
	case d.Year != e.Year:
		return sign(d.Year - e.Year)
	case d.Month != e.Month:
		return sign(int(d.Month) - int(e.Month))
	default:
		return sign(d.Day - e.Day)
	}
}

// DaysUntil is the number of calendar days from d to e (negative if e is earlier).
func (d Date) DaysUntil(e Date) int {
	return int(e.Time().Unix()/86400 - d.Time().Unix()/86400)
}

// YearsOn is the age in whole years, on date on, of someone born on d.
// A 29 February birthday counts as reached on 1 March in non-leap years.
func (d Date) YearsOn(on Date) int {
	years := on.Year - d.Year
	if on.Month < d.Month || (on.Month == d.Month && on.Day < d.Day) {
		years--
	}
	return years
}

// MarshalText writes YYYY-MM-DD, or nothing for the zero Date.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads YYYY-MM-DD; empty text is the zero Date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	p, err := Parse(string(b))
	if err != nil {
		return err
	}
	*d = p
	return nil
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}
