package calendar

import (
	"bytes"
	_ "embed"
	"maps"
	"slices"
	"sync"
	"time"
)

// builtinJSON is the England & Wales table for 2015–2030 in GOV.UK's own
// format, so that a newer download can be compared with it line by line and
// the one-off days (2020, 2022, 2023) are data rather than code.
//
//go:embed bank-holidays.json
var builtinJSON []byte

// Holiday is one England & Wales bank holiday. A substitute day carries GOV.UK's
// note in its title ("Boxing Day (Substitute day)") because a Monday called
// "Boxing Day" otherwise looks like a mistake.
type Holiday struct {
	Date  Date
	Title string
}

const substituteDay = " (Substitute day)"

// Calendar answers which days are bank holidays and counts working days.
// Each year's holidays come from, in order: an imported GOV.UK file, the
// built-in table, the rules. It is safe for concurrent use.
type Calendar struct {
	known map[int]*holidayYear // imported and built-in years; never written after New
	ruled sync.Map             // int → *holidayYear, worked out from the rules on first use
}

// holidayYear keeps both shapes because lookups by date are the hot path
// (every day of every deadline count) and listing is for display.
type holidayYear struct {
	list   []Holiday
	byDate map[Date]Holiday
}

// Default is the built-in table with the rules beyond it. Every call returns
// the same Calendar so the years worked out from the rules are shared.
func Default() *Calendar { return defaultCalendar() }

var defaultCalendar = sync.OnceValue(func() *Calendar { return New(nil) })

// New builds a Calendar where every year that has at least one imported
// holiday takes its holidays from imported alone: GOV.UK publishes whole
// years, and mixing in the table would resurrect a day that was moved (as
// the early May holiday was in 2020). Holidays with a zero date are ignored.
func New(imported []Holiday) *Calendar {
	known := maps.Clone(builtin())
	maps.Copy(known, byYear(imported))
	return &Calendar{known: known}
}

// builtin panics on a bad embedded table: it is part of the program, and a
// test parses it, so a failure here is a build mistake, not bad input.
var builtin = sync.OnceValue(func() map[int]*holidayYear {
	hs, err := ParseGovUK(bytes.NewReader(builtinJSON))
	if err != nil {
		panic("calendar: built-in bank holidays: " + err.Error())
	}
	return byYear(hs)
})

func byYear(hs []Holiday) map[int]*holidayYear {
	groups := make(map[int][]Holiday)
	for _, h := range hs {
		if !h.Date.IsZero() {
			groups[h.Date.Year] = append(groups[h.Date.Year], h)
		}
	}
	years := make(map[int]*holidayYear, len(groups))
	for y, g := range groups {
		years[y] = newHolidayYear(g)
	}
	return years
}

// newHolidayYear keeps the first title when a date repeats, so a caller's
// duplicate cannot make a day count twice.
func newHolidayYear(hs []Holiday) *holidayYear {
	list := slices.Clone(hs)
	slices.SortStableFunc(list, func(a, b Holiday) int { return a.Date.Compare(b.Date) })
	list = slices.CompactFunc(list, func(a, b Holiday) bool { return a.Date == b.Date })
	byDate := make(map[Date]Holiday, len(list))
	for _, h := range list {
		byDate[h.Date] = h
	}
	return &holidayYear{list: list, byDate: byDate}
}

func (c *Calendar) year(y int) *holidayYear {
	if h, ok := c.known[y]; ok {
		return h
	}
	if h, ok := c.ruled.Load(y); ok {
		return h.(*holidayYear)
	}
	// Two goroutines may both work the year out; LoadOrStore keeps one answer.
	h, _ := c.ruled.LoadOrStore(y, newHolidayYear(ruleHolidays(y)))
	return h.(*holidayYear)
}

// IsHoliday reports whether d is a bank holiday, and which.
func (c *Calendar) IsHoliday(d Date) (Holiday, bool) {
	h, ok := c.year(d.Year).byDate[d]
	return h, ok
}

// Holidays lists the bank holidays of year in date order.
func (c *Calendar) Holidays(year int) []Holiday { return slices.Clone(c.year(year).list) }

// ruleHolidays is the standing pattern of the Banking and Financial Dealings
// Act 1971 and its proclamations, for years nobody has published yet. One-off
// days cannot be foreseen; an import covers them when they are announced.
func ruleHolidays(y int) []Holiday {
	easter := easterSunday(y)
	hs := []Holiday{
		newYear(y),
		{Date: easter.AddDays(-2), Title: "Good Friday"},
		{Date: easter.AddDays(1), Title: "Easter Monday"},
		{Date: firstMonday(y, time.May), Title: "Early May bank holiday"},
		{Date: lastMonday(y, time.May), Title: "Spring bank holiday"},
		{Date: lastMonday(y, time.August), Title: "Summer bank holiday"},
	}
	return append(hs, christmas(y)...)
}

func newYear(y int) Holiday {
	const title = "New Year’s Day"
	switch d := D(y, time.January, 1); d.Weekday() {
	case time.Saturday:
		return Holiday{Date: d.AddDays(2), Title: title + substituteDay}
	case time.Sunday:
		return Holiday{Date: d.AddDays(1), Title: title + substituteDay}
	default:
		return Holiday{Date: d, Title: title}
	}
}

// christmas gives Christmas Day and Boxing Day, moving whichever falls at a
// weekend to the next free weekday; Boxing Day on a Monday keeps its own
// name even when it follows a Sunday Christmas.
func christmas(y int) []Holiday {
	const xmas, boxing = "Christmas Day", "Boxing Day"
	day := func(d int, title string) Holiday { return Holiday{Date: D(y, time.December, d), Title: title} }
	switch D(y, time.December, 25).Weekday() {
	case time.Friday:
		return []Holiday{day(25, xmas), day(28, boxing+substituteDay)}
	case time.Saturday:
		return []Holiday{day(27, xmas+substituteDay), day(28, boxing+substituteDay)}
	case time.Sunday:
		return []Holiday{day(26, boxing), day(27, xmas+substituteDay)}
	default:
		return []Holiday{day(25, xmas), day(26, boxing)}
	}
}

func firstMonday(y int, m time.Month) Date {
	d := D(y, m, 1)
	return d.AddDays((int(time.Monday) - int(d.Weekday()) + 7) % 7)
}

func lastMonday(y int, m time.Month) Date {
	d := D(y, m+1, 0)
	return d.AddDays(-((int(d.Weekday()) - int(time.Monday) + 7) % 7))
}

// easterSunday is the anonymous Gregorian algorithm (Meeus/Jones/Butcher).
func easterSunday(y int) Date {
	a := y % 19
	b, c := y/100, y%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	n := h + l - 7*m + 114
	return D(y, time.Month(n/31), n%31+1)
}
