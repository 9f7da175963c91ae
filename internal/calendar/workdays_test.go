package calendar_test

import (
	"testing"

	"github.com/iro-app/iro/internal/calendar"
)

func TestIsWorkingDay(t *testing.T) {
	tests := []struct {
		date string
		want bool
	}{
		{"2026-01-09", true},  // Friday
		{"2026-01-10", false}, // Saturday
		{"2026-01-11", false}, // Sunday
		{"2026-04-06", false}, // Easter Monday
		{"2026-12-28", false}, // Boxing Day substitute
		{"2022-05-30", true},  // the spring holiday moved away that year
		{"2032-12-27", false}, // rules: Christmas substitute
	}
	for _, tt := range tests {
		if got := calendar.Default().IsWorkingDay(calendar.MustParse(tt.date)); got != tt.want {
			t.Errorf("IsWorkingDay(%s) = %v, want %v", tt.date, got, tt.want)
		}
	}
}

func TestAddWorkingDays(t *testing.T) {
	tests := []struct {
		name  string
		start string
		n     int
		want  string
	}{
		{"zero is the day itself", "2026-01-09", 0, "2026-01-09"},
		{"zero on a Saturday stays", "2026-01-10", 0, "2026-01-10"},
		{"the day itself never counts", "2026-01-05", 1, "2026-01-06"},
		{"Friday plus one is Monday", "2026-01-09", 1, "2026-01-12"},
		{"from a Saturday", "2026-01-03", 1, "2026-01-05"},
		{"from a Sunday", "2026-01-04", 1, "2026-01-05"},
		{"LAC first review from Fri 2 Jan 2026", "2026-01-02", 20, "2026-01-30"},
		{"over Easter 2026", "2026-04-02", 1, "2026-04-07"},
		{"five over Easter 2026", "2026-04-01", 5, "2026-04-10"},
		{"from Good Friday itself", "2026-04-03", 1, "2026-04-07"},
		{"over Christmas 2025", "2025-12-24", 3, "2025-12-31"},
		{"over Christmas and New Year 2025", "2025-12-24", 5, "2026-01-05"},
		{"over Christmas 2026 (Boxing Day substitute)", "2026-12-24", 1, "2026-12-29"},
		{"over Christmas and New Year 2026", "2026-12-24", 5, "2027-01-05"},
		{"over the 2022 jubilee", "2022-06-01", 1, "2022-06-06"},
		{"rules year Christmas on Saturday", "2032-12-24", 1, "2032-12-29"},
		{"back one from Monday", "2026-04-13", -1, "2026-04-10"},
		{"back over Easter", "2026-04-07", -1, "2026-04-02"},
		{"back fifteen", "2026-01-30", -15, "2026-01-09"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := calendar.Default().AddWorkingDays(calendar.MustParse(tt.start), tt.n)
			if got.String() != tt.want {
				t.Fatalf("AddWorkingDays(%s, %d) = %s, want %s", tt.start, tt.n, got, tt.want)
			}
		})
	}
}

func TestWorkingDaysBetween(t *testing.T) {
	tests := []struct {
		name     string
		from, to string
		want     int
	}{
		{"same day", "2026-01-09", "2026-01-09", 0},
		{"Friday to Monday", "2026-01-09", "2026-01-12", 1},
		{"Monday back to Friday", "2026-01-12", "2026-01-09", -1},
		{"Saturday back to Friday", "2026-01-10", "2026-01-09", 0},
		{"Friday to Saturday", "2026-01-09", "2026-01-10", 0},
		{"Friday to Sunday", "2026-01-09", "2026-01-11", 0},
		{"twenty days", "2026-01-02", "2026-01-30", 20},
		{"twenty days overdue", "2026-01-30", "2026-01-02", -20},
		{"over Easter", "2026-04-02", "2026-04-07", 1},
		{"to Good Friday", "2026-04-02", "2026-04-03", 0},
		{"over Christmas 2025", "2025-12-24", "2026-01-05", 5},
		{"back over Christmas 2025", "2026-01-05", "2025-12-24", -5},
		// 261 weekdays after 1 Jan 2026 up to 1 Jan 2027, less 8 weekday holidays.
		{"a year", "2026-01-01", "2027-01-01", 253},
		{"a year back", "2027-01-01", "2026-01-01", -253},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := calendar.Default().WorkingDaysBetween(calendar.MustParse(tt.from), calendar.MustParse(tt.to))
			if got != tt.want {
				t.Fatalf("WorkingDaysBetween(%s, %s) = %d, want %d", tt.from, tt.to, got, tt.want)
			}
		})
	}
}

// Counting days and adding them are two implementations of one rule; every
// start in three holiday-heavy stretches must round-trip. Counting back only
// round-trips from a working day: from a Saturday, Friday is one working day
// back but zero working days away.
func TestWorkingDaysBetweenInvertsAddWorkingDays(t *testing.T) {
	cal := calendar.Default()
	for _, first := range []string{"2025-12-01", "2026-03-20", "2032-12-10"} {
		from := calendar.MustParse(first)
		for range 40 {
			for n := -25; n <= 25; n++ {
				if n < 0 && !cal.IsWorkingDay(from) {
					continue
				}
				to := cal.AddWorkingDays(from, n)
				if got := cal.WorkingDaysBetween(from, to); got != n {
					t.Fatalf("WorkingDaysBetween(%s, AddWorkingDays(%s, %d) = %s) = %d", from, from, n, to, got)
				}
			}
			from = from.AddDays(1)
		}
	}
}
