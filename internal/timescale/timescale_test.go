package timescale_test

import (
	"slices"
	"testing"

	"github.com/iro-app/iro/internal/calendar"
	"github.com/iro-app/iro/internal/child"
	"github.com/iro-app/iro/internal/timescale"
)

var d = calendar.MustParse

func dates(ss ...string) []calendar.Date {
	var ds []calendar.Date
	for _, s := range ss {
		ds = append(ds, d(s))
	}
	return ds
}

// held is a held meeting with the default 5 and 20 working-day follow-ups.
func held(due, on, decisions, record string) timescale.Meeting {
	return timescale.Meeting{Due: d(due), Held: d(on), DecisionsDue: d(decisions), RecordDue: d(record)}
}

func next(due string) timescale.Meeting { return timescale.Meeting{Due: d(due)} }

// Every expected date was counted by hand on `cal -m`, with the England &
// Wales bank holidays: Easter 2026 is Fri 3 and Mon 6 April, Christmas 2025
// is Thu 25 and Fri 26 December, Christmas 2026 is Fri 25 and (substitute)
// Mon 28 December, and early and late May 2026 are the 4th and the 25th.
func TestPlan(t *testing.T) {
	tests := []struct {
		name  string
		kind  child.Kind
		start string
		held  []string
		rules *timescale.Rules // nil: the defaults
		want  []timescale.Meeting
	}{
		{
			name: "LAC first review from Fri 2 Jan 2026", kind: child.LAC, start: "2026-01-02",
			want: []timescale.Meeting{next("2026-01-30")},
		},
		{
			name: "LAC start on a Saturday", kind: child.LAC, start: "2026-01-03",
			want: []timescale.Meeting{next("2026-01-30")},
		},
		{
			name: "LAC start on a Sunday", kind: child.LAC, start: "2026-01-04",
			want: []timescale.Meeting{next("2026-01-30")},
		},
		{
			name: "LAC first review across Easter 2026", kind: child.LAC, start: "2026-03-18",
			want: []timescale.Meeting{next("2026-04-17")},
		},
		{
			name: "LAC second review 3 months after the first as held", kind: child.LAC, start: "2026-01-02",
			held: []string{"2026-01-30"},
			want: []timescale.Meeting{held("2026-01-30", "2026-01-30", "2026-02-06", "2026-02-27"), next("2026-04-30")},
		},
		{
			name: "LAC later reviews 6 months after the previous as held, late or early", kind: child.LAC, start: "2026-01-02",
			held: []string{"2026-01-28", "2026-04-23", "2026-10-20"},
			want: []timescale.Meeting{
				held("2026-01-30", "2026-01-28", "2026-02-04", "2026-02-25"),
				held("2026-04-28", "2026-04-23", "2026-04-30", "2026-05-22"),
				held("2026-10-23", "2026-10-20", "2026-10-27", "2026-11-17"),
				next("2027-04-20"),
			},
		},
		{
			name: "LAC 30 Nov + 3 months in a leap year", kind: child.LAC, start: "2023-11-01",
			held: []string{"2023-11-30"},
			want: []timescale.Meeting{held("2023-11-29", "2023-11-30", "2023-12-07", "2024-01-02"), next("2024-02-29")},
		},
		{
			name: "LAC 30 Nov + 3 months in a common year", kind: child.LAC, start: "2026-11-02",
			held: []string{"2026-11-30"},
			want: []timescale.Meeting{held("2026-11-30", "2026-11-30", "2026-12-07", "2026-12-30"), next("2027-02-28")},
		},
		{
			name: "LAC 31 Aug + 6 months", kind: child.LAC, start: "2026-05-01",
			held: []string{"2026-05-29", "2026-08-31"},
			want: []timescale.Meeting{
				held("2026-06-02", "2026-05-29", "2026-06-05", "2026-06-26"),
				held("2026-08-29", "2026-08-31", "2026-09-07", "2026-09-28"),
				next("2027-02-28"),
			},
		},
		{
			name: "CP initial conference across Christmas 2025", kind: child.CP, start: "2025-12-10",
			want: []timescale.Meeting{next("2026-01-05")},
		},
		{
			name: "CP first review 3 months on, due on a Sunday and not rolled", kind: child.CP, start: "2025-12-10",
			held: []string{"2026-01-05"},
			want: []timescale.Meeting{held("2026-01-05", "2026-01-05", "2026-01-12", "2026-02-02"), next("2026-04-05")},
		},
		{
			name: "CP review conferences 6 months apart", kind: child.CP, start: "2025-12-10",
			held: []string{"2026-01-05", "2026-04-02"},
			want: []timescale.Meeting{
				held("2026-01-05", "2026-01-05", "2026-01-12", "2026-02-02"),
				held("2026-04-05", "2026-04-02", "2026-04-13", "2026-05-05"),
				next("2026-10-02"),
			},
		},
		{
			name: "CP initial conference across Christmas 2026", kind: child.CP, start: "2026-12-10",
			want: []timescale.Meeting{next("2027-01-05")},
		},
		{
			name: "short breaks first review 3 months after the first break", kind: child.ShortBreaks, start: "2026-01-15",
			want: []timescale.Meeting{next("2026-04-15")},
		},
		{
			name: "short breaks first review clamped to February", kind: child.ShortBreaks, start: "2025-11-30",
			want: []timescale.Meeting{next("2026-02-28")},
		},
		{
			name: "short breaks then 6 months", kind: child.ShortBreaks, start: "2026-01-15",
			held: []string{"2026-04-20"},
			want: []timescale.Meeting{held("2026-04-15", "2026-04-20", "2026-04-27", "2026-05-19"), next("2026-10-20")},
		},
		{
			name: "custom follow-up deadlines across Easter", kind: child.LAC, start: "2026-03-05",
			held:  []string{"2026-04-02"},
			rules: &timescale.Rules{DecisionsWorkingDays: 3, RecordWorkingDays: 15},
			want: []timescale.Meeting{
				{Due: d("2026-04-02"), Held: d("2026-04-02"), DecisionsDue: d("2026-04-09"), RecordDue: d("2026-04-27")},
				next("2026-07-02"),
			},
		},
		{
			name: "zero-day follow-ups are the day of the review", kind: child.LAC, start: "2026-03-05",
			held:  []string{"2026-04-02"},
			rules: &timescale.Rules{},
			want: []timescale.Meeting{
				{Due: d("2026-04-02"), Held: d("2026-04-02"), DecisionsDue: d("2026-04-02"), RecordDue: d("2026-04-02")},
				next("2026-07-02"),
			},
		},
		{
			name: "held on the start date", kind: child.CP, start: "2026-06-01",
			held: []string{"2026-06-01"},
			want: []timescale.Meeting{held("2026-06-22", "2026-06-01", "2026-06-08", "2026-06-29"), next("2026-09-01")},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rules := timescale.DefaultRules()
			if tt.rules != nil {
				rules = *tt.rules
			}
			got, err := timescale.Plan(calendar.Default(), tt.kind, d(tt.start), dates(tt.held...), rules)
			if err != nil {
				t.Fatal(err)
			}
			if got.Kind != tt.kind || !slices.Equal(got.Meetings, tt.want) || got.Next != tt.want[len(tt.want)-1] {
				t.Fatalf("Plan =\n%+v\nwant meetings\n%+v", got, tt.want)
			}
		})
	}
}

func TestPlanErrors(t *testing.T) {
	tests := []struct {
		name  string
		kind  child.Kind
		start calendar.Date
		held  []calendar.Date
		rules timescale.Rules
		want  string
	}{
		{"unknown kind", "adoption", d("2026-01-02"), nil, timescale.DefaultRules(),
			`unknown review kind "adoption": want lac, cp or short_breaks`},
		{"no start", child.LAC, calendar.Date{}, nil, timescale.DefaultRules(), "the start date is missing"},
		{"held before the start", child.LAC, d("2026-01-02"), dates("2026-01-01"), timescale.DefaultRules(),
			"held date 1 (2026-01-01) is before the start (2026-01-02)"},
		{"held out of order", child.LAC, d("2026-01-02"), dates("2026-01-30", "2026-04-01", "2026-03-01"), timescale.DefaultRules(),
			"held date 3 (2026-03-01) is before held date 2 (2026-04-01)"},
		{"held twice on one day", child.CP, d("2026-01-02"), dates("2026-01-30", "2026-01-30"), timescale.DefaultRules(),
			"held date 2 (2026-01-30) is the same day as held date 1"},
		{"held date missing", child.ShortBreaks, d("2026-01-02"), []calendar.Date{d("2026-04-01"), {}}, timescale.DefaultRules(),
			"held date 2 is missing"},
		{"negative rules", child.LAC, d("2026-01-02"), nil, timescale.Rules{DecisionsWorkingDays: -1, RecordWorkingDays: 20},
			"circulation deadlines cannot be negative (decisions -1, record 20 working days)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := timescale.Plan(calendar.Default(), tt.kind, tt.start, tt.held, tt.rules)
			if err == nil {
				t.Fatalf("Plan accepted it: %+v", s)
			}
			if err.Error() != tt.want {
				t.Fatalf("error %q\nwant  %q", err, tt.want)
			}
		})
	}
}

func TestPlanUsesTheCalendarGiven(t *testing.T) {
	// An imported 2026 with a one-off holiday on Mon 26 Jan pushes the first
	// review from Fri 30 Jan to Mon 2 Feb.
	cal := calendar.New([]calendar.Holiday{{Date: d("2026-01-26"), Title: "One-off"}})
	s, err := timescale.Plan(cal, child.LAC, d("2026-01-02"), nil, timescale.DefaultRules())
	if err != nil {
		t.Fatal(err)
	}
	if s.Next.Due != d("2026-02-02") {
		t.Fatalf("first review due %s, want 2026-02-02", s.Next.Due)
	}
}

func TestMeetingName(t *testing.T) {
	tests := []struct {
		kind child.Kind
		n    int
		want string
	}{
		{child.LAC, 1, "Review 1"},
		{child.LAC, 3, "Review 3"},
		{child.CP, 1, "Initial conference"},
		{child.CP, 2, "Review conference 1"},
		{child.CP, 3, "Review conference 2"},
		{child.ShortBreaks, 1, "Short breaks review 1"},
	}
	for _, tt := range tests {
		if got := timescale.MeetingName(tt.kind, tt.n); got != tt.want {
			t.Errorf("MeetingName(%s, %d) = %q, want %q", tt.kind, tt.n, got, tt.want)
		}
	}
}
