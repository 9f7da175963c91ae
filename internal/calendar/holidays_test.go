package calendar_test

import (
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/iro-app/iro/internal/calendar"
)

// Expected dates come from the GOV.UK list for the table years and from
// `ncal -e` and `cal` for Easter and weekdays in the rule years.
func TestDefaultIsHoliday(t *testing.T) {
	tests := []struct {
		date string
		want string // "" for a day that is not a bank holiday
	}{
		{"2015-01-01", "New Year’s Day"},
		{"2015-12-28", "Boxing Day (Substitute day)"}, // Boxing Day on a Saturday
		{"2016-12-26", "Boxing Day"},                  // Christmas on a Sunday
		{"2016-12-27", "Christmas Day (Substitute day)"},
		{"2017-01-01", ""}, // a Sunday New Year's Day moves to Monday
		{"2017-01-02", "New Year’s Day (Substitute day)"},
		{"2022-01-03", "New Year’s Day (Substitute day)"}, // Saturday New Year's Day
		{"2025-04-18", "Good Friday"},
		{"2025-04-21", "Easter Monday"},
		{"2026-04-03", "Good Friday"},
		{"2026-04-06", "Easter Monday"},
		{"2027-03-26", "Good Friday"},
		{"2027-03-29", "Easter Monday"},
		{"2030-04-19", "Good Friday"},
		{"2030-04-22", "Easter Monday"},
		{"2026-05-04", "Early May bank holiday"},
		{"2026-05-25", "Spring bank holiday"},
		{"2026-08-31", "Summer bank holiday"},
		{"2026-12-25", "Christmas Day"},
		{"2026-12-26", ""},
		{"2026-12-28", "Boxing Day (Substitute day)"},
		{"2021-12-25", ""}, // Christmas on a Saturday: both days move
		{"2021-12-27", "Christmas Day (Substitute day)"},
		{"2021-12-28", "Boxing Day (Substitute day)"},
		{"2022-12-26", "Boxing Day"},
		{"2022-12-27", "Christmas Day (Substitute day)"},
		{"2027-12-27", "Christmas Day (Substitute day)"},
		{"2027-12-28", "Boxing Day (Substitute day)"},
		// One-off days and the days they displaced.
		{"2020-05-04", ""},
		{"2020-05-08", "Early May bank holiday (VE day)"},
		{"2022-05-30", ""},
		{"2022-06-02", "Spring bank holiday"},
		{"2022-06-03", "Platinum Jubilee bank holiday"},
		{"2022-09-19", "Bank Holiday for the State Funeral of Queen Elizabeth II"},
		{"2023-05-01", "Early May bank holiday"},
		{"2023-05-08", "Bank holiday for the coronation of King Charles III"},
		// Beyond the table: the rules.
		{"2031-01-01", "New Year’s Day"},
		{"2031-04-11", "Good Friday"},
		{"2031-04-14", "Easter Monday"},
		{"2031-05-05", "Early May bank holiday"},
		{"2031-05-26", "Spring bank holiday"},
		{"2031-08-25", "Summer bank holiday"},
		{"2031-12-25", "Christmas Day"},
		{"2031-12-26", "Boxing Day"},
		{"2032-03-26", "Good Friday"},
		{"2032-03-29", "Easter Monday"},
		{"2032-12-24", ""},
		{"2032-12-25", ""},
		{"2032-12-27", "Christmas Day (Substitute day)"},
		{"2032-12-28", "Boxing Day (Substitute day)"},
		{"2033-01-03", "New Year’s Day (Substitute day)"},
		{"2033-12-26", "Boxing Day"},
		{"2033-12-27", "Christmas Day (Substitute day)"},
		{"2034-01-02", "New Year’s Day (Substitute day)"},
		{"2037-12-25", "Christmas Day"},
		{"2037-12-28", "Boxing Day (Substitute day)"},
		{"2014-12-25", "Christmas Day"}, // before the table too
		{"2026-03-10", ""},
	}
	cal := calendar.Default()
	for _, tt := range tests {
		t.Run(tt.date, func(t *testing.T) {
			d := calendar.MustParse(tt.date)
			h, ok := cal.IsHoliday(d)
			if ok != (tt.want != "") || h.Title != tt.want {
				t.Fatalf("IsHoliday(%s) = %+v, %v; want %q", d, h, ok, tt.want)
			}
			if ok && h.Date != d {
				t.Fatalf("IsHoliday(%s) returned the date %s", d, h.Date)
			}
		})
	}
}

func TestHolidays(t *testing.T) {
	tests := []struct {
		year int
		want []string
	}{
		{2020, []string{"2020-01-01", "2020-04-10", "2020-04-13", "2020-05-08", "2020-05-25", "2020-08-31", "2020-12-25", "2020-12-28"}},
		{2022, []string{"2022-01-03", "2022-04-15", "2022-04-18", "2022-05-02", "2022-06-02", "2022-06-03", "2022-08-29", "2022-09-19", "2022-12-26", "2022-12-27"}},
		{2023, []string{"2023-01-02", "2023-04-07", "2023-04-10", "2023-05-01", "2023-05-08", "2023-05-29", "2023-08-28", "2023-12-25", "2023-12-26"}},
		{2026, []string{"2026-01-01", "2026-04-03", "2026-04-06", "2026-05-04", "2026-05-25", "2026-08-31", "2026-12-25", "2026-12-28"}},
		{2032, []string{"2032-01-01", "2032-03-26", "2032-03-29", "2032-05-03", "2032-05-31", "2032-08-30", "2032-12-27", "2032-12-28"}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.year), func(t *testing.T) {
			var got []string
			for _, h := range calendar.Default().Holidays(tt.year) {
				got = append(got, h.Date.String())
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("Holidays(%d) = %v\nwant %v", tt.year, got, tt.want)
			}
		})
	}
}

func TestHolidaysIsACopy(t *testing.T) {
	cal := calendar.Default()
	hs := cal.Holidays(2026)
	hs[0].Title = "changed"
	if h, _ := cal.IsHoliday(calendar.MustParse("2026-01-01")); h.Title != "New Year’s Day" {
		t.Fatalf("changing the returned slice changed the calendar: %q", h.Title)
	}
	if got := cal.Holidays(2026)[0].Title; got != "New Year’s Day" {
		t.Fatalf("changing the returned slice changed the list: %q", got)
	}
}

func TestNewImportReplacesYears(t *testing.T) {
	imported := []calendar.Holiday{
		{Date: calendar.MustParse("2026-06-15"), Title: "Imported day"},
		{Date: calendar.MustParse("2026-06-15"), Title: "Same day again"},
		{Date: calendar.MustParse("2031-03-03"), Title: "Announced one-off"},
		{Title: "no date, ignored"},
	}
	cal := calendar.New(imported)
	tests := []struct {
		date string
		want string
	}{
		{"2026-06-15", "Imported day"},
		{"2026-04-03", ""},            // the table's Good Friday: 2026 comes from the import alone
		{"2025-04-18", "Good Friday"}, // other table years stay
		{"2031-03-03", "Announced one-off"},
		{"2031-04-11", ""},            // the rules' Good Friday: 2031 comes from the import alone
		{"2032-03-26", "Good Friday"}, // other rule years stay
	}
	for _, tt := range tests {
		t.Run(tt.date, func(t *testing.T) {
			h, ok := cal.IsHoliday(calendar.MustParse(tt.date))
			if ok != (tt.want != "") || h.Title != tt.want {
				t.Fatalf("IsHoliday(%s) = %+v, %v; want %q", tt.date, h, ok, tt.want)
			}
		})
	}
	if n := len(cal.Holidays(2026)); n != 1 {
		t.Errorf("Holidays(2026) has %d days, want the 1 imported", n)
	}
	if _, ok := calendar.Default().IsHoliday(calendar.MustParse("2026-04-03")); !ok {
		t.Error("an import changed the default calendar")
	}
}

func TestZeroCalendarUsesRules(t *testing.T) {
	var cal calendar.Calendar
	if _, ok := cal.IsHoliday(calendar.MustParse("2022-05-30")); !ok {
		t.Error("a Calendar with no table should use the rules (last Monday in May 2022)")
	}
}

func TestConcurrentRuleYears(t *testing.T) {
	cal := calendar.New(nil)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for y := 2040; y < 2060; y++ {
				d := calendar.D(y, 12, 25+g%2)
				cal.IsHoliday(d)
				cal.AddWorkingDays(d, 3)
			}
		})
	}
	wg.Wait()
	if _, ok := cal.IsHoliday(calendar.MustParse("2050-12-26")); !ok {
		t.Error("2050-12-26 (Monday) should be Boxing Day")
	}
}
