package child_test

import (
	"testing"

	"github.com/iro-app/iro/internal/calendar"
	"github.com/iro-app/iro/internal/child"
)

var d = calendar.MustParse

func TestName(t *testing.T) {
	tests := []struct {
		first, last string
		want        string
	}{
		{"Ava", "Smith", "Ava Smith"},
		{"Ola", "de Souza", "Ola de Souza"},
		{"Ava", "", "Ava"},
		{"", "Smith", "Smith"},
		{"", "", ""},
	}
	for _, tt := range tests {
		c := child.Child{FirstName: tt.first, LastName: tt.last}
		if got := c.Name(); got != tt.want {
			t.Errorf("Name() of %q %q = %q, want %q", tt.first, tt.last, got, tt.want)
		}
	}
}

func TestAge(t *testing.T) {
	tests := []struct {
		name    string
		dob, on string
		want    int
	}{
		{"day before the 16th birthday", "2010-11-22", "2026-11-21", 15},
		{"on the 16th birthday", "2010-11-22", "2026-11-22", 16},
		{"day after the 16th birthday", "2010-11-22", "2026-11-23", 16},
		{"birthday later in the year", "2010-12-01", "2026-11-30", 15},
		{"birthday earlier in the year", "2010-01-31", "2026-02-01", 16},
		{"born today", "2026-11-22", "2026-11-22", 0},
		{"a day short of one", "2025-11-23", "2026-11-22", 0},
		{"29 February, on 28 February of a common year", "2008-02-29", "2026-02-28", 17},
		{"29 February, on 1 March of a common year", "2008-02-29", "2026-03-01", 18},
		{"29 February, on 28 February of a leap year", "2008-02-29", "2024-02-28", 15},
		{"29 February, on 29 February of a leap year", "2008-02-29", "2024-02-29", 16},
		{"born 1 March, on 29 February of a leap year", "2008-03-01", "2024-02-29", 15},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := child.Child{DOB: d(tt.dob)}
			if got := c.Age(d(tt.on)); got != tt.want {
				t.Fatalf("Age on %s of a child born %s = %d, want %d", tt.on, tt.dob, got, tt.want)
			}
		})
	}
}

func TestAgeUnknownDOB(t *testing.T) {
	if got := (child.Child{}).Age(d("2026-11-22")); got != 0 {
		t.Fatalf("Age with no date of birth = %d, want 0", got)
	}
}

func TestCurrentEpisode(t *testing.T) {
	closed := child.Episode{ID: "closed", Start: d("2024-03-04"), End: d("2025-01-10"), LegalStatus: "C2", Placement: "U4"}
	open := child.Episode{ID: "open", Start: d("2025-01-11"), LegalStatus: "C2", Placement: "U1"}
	tests := []struct {
		name     string
		episodes []child.Episode
		wantID   string
		wantOK   bool
	}{
		{"never looked after", nil, "", false},
		{"left care", []child.Episode{closed}, "", false},
		{"in care", []child.Episode{open}, "open", true},
		{"moved and still in care", []child.Episode{closed, open}, "open", true},
		{"came back after leaving", []child.Episode{
			closed,
			{ID: "second closed", Start: d("2025-02-01"), End: d("2025-06-30")},
			{ID: "back", Start: d("2026-09-01"), LegalStatus: "V2"},
		}, "back", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := child.Child{Episodes: tt.episodes}.CurrentEpisode()
			if ok != tt.wantOK || got.ID != tt.wantID {
				t.Fatalf("CurrentEpisode() = %q, %v; want %q, %v", got.ID, ok, tt.wantID, tt.wantOK)
			}
		})
	}
}

func TestOpenCPPlan(t *testing.T) {
	ended := child.CPPlan{ID: "ended", StrategyDiscussion: d("2023-05-02"), Start: d("2023-05-19"), End: d("2024-06-14"), Category: "NEG"}
	tests := []struct {
		name   string
		plans  []child.CPPlan
		wantID string
		wantOK bool
	}{
		{"never on a plan", nil, "", false},
		{"plan ended", []child.CPPlan{ended}, "", false},
		{"on a plan", []child.CPPlan{{ID: "now", StrategyDiscussion: d("2026-06-01"), Start: d("2026-06-19"), Category: "EMO"}}, "now", true},
		{"awaiting the initial conference", []child.CPPlan{{ID: "awaiting", StrategyDiscussion: d("2026-11-16")}}, "awaiting", true},
		{"second plan after the first ended", []child.CPPlan{ended, {ID: "second", StrategyDiscussion: d("2026-10-01"), Start: d("2026-10-20")}}, "second", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := child.Child{CPPlans: tt.plans}.OpenCPPlan()
			if ok != tt.wantOK || got.ID != tt.wantID {
				t.Fatalf("OpenCPPlan() = %q, %v; want %q, %v", got.ID, ok, tt.wantID, tt.wantOK)
			}
		})
	}
}

func TestPlacementsSince(t *testing.T) {
	// ep is an episode with a carer in Leeds; place and provider tell
	// placements apart, legal status never does.
	ep := func(start, end, legal, place, provider string) child.Episode {
		e := child.Episode{Start: d(start), LegalStatus: legal, Placement: place, Provider: provider, PostcodeDistrict: "LS6"}
		if end != "" {
			e.End = d(end)
		}
		return e
	}
	from := "2025-11-22" // a year before 22 November 2026
	tests := []struct {
		name     string
		episodes []child.Episode
		want     int
	}{
		{"never looked after", nil, 0},
		{"one placement since before the window", []child.Episode{
			ep("2023-04-03", "", "C2", "U4", "Mrs Patel"),
		}, 1},
		{"a legal-status change in the same placement is not a move", []child.Episode{
			ep("2025-12-01", "2026-02-15", "L1", "U4", "Mrs Patel"),
			ep("2026-02-16", "2026-05-10", "C1", "U4", "Mrs Patel"),
			ep("2026-05-11", "", "C2", "U4", "Mrs Patel"),
		}, 1},
		{"two moves", []child.Episode{
			ep("2025-12-01", "2026-02-15", "C2", "U4", "Mrs Patel"),
			ep("2026-02-16", "2026-05-10", "C2", "U1", "Mr and Mr Okafor"),
			ep("2026-05-11", "", "C2", "K2", "Beech House"),
		}, 3},
		{"a move and then a legal-status change", []child.Episode{
			ep("2025-12-01", "2026-02-15", "C2", "U4", "Mrs Patel"),
			ep("2026-02-16", "2026-05-10", "C2", "U1", "Mr and Mr Okafor"),
			ep("2026-05-11", "", "E1", "U1", "Mr and Mr Okafor"),
		}, 2},
		{"same placement code, another carer, is a move", []child.Episode{
			ep("2025-12-01", "2026-02-15", "C2", "U4", "Mrs Patel"),
			ep("2026-02-16", "", "C2", "U4", "Mr Green"),
		}, 2},
		{"same carer in another district is a move", []child.Episode{
			ep("2025-12-01", "2026-02-15", "C2", "U4", "Mrs Patel"),
			{Start: d("2026-02-16"), LegalStatus: "C2", Placement: "U4", Provider: "Mrs Patel", PostcodeDistrict: "LS7"},
		}, 2},
		{"episodes ending before the window do not count", []child.Episode{
			ep("2024-01-08", "2024-09-30", "C2", "U4", "Mrs Patel"),
			ep("2024-10-01", "2025-11-21", "C2", "U1", "Mr and Mr Okafor"),
			ep("2025-11-22", "", "C2", "K2", "Beech House"),
		}, 1},
		{"an episode ending on the first day of the window counts", []child.Episode{
			ep("2024-10-01", "2025-11-22", "C2", "U1", "Mr and Mr Okafor"),
			ep("2025-11-23", "", "C2", "K2", "Beech House"),
		}, 2},
		{"a placement that began before the window, with a legal-status change in it", []child.Episode{
			ep("2024-10-01", "2025-06-30", "C1", "U1", "Mr and Mr Okafor"),
			ep("2025-07-01", "", "C2", "U1", "Mr and Mr Okafor"),
		}, 1},
		{"legal-status change straddling the window's start", []child.Episode{
			ep("2024-10-01", "2025-11-21", "C1", "U1", "Mr and Mr Okafor"),
			ep("2025-11-22", "2026-03-01", "C2", "U1", "Mr and Mr Okafor"),
			ep("2026-03-02", "", "C2", "K2", "Beech House"),
		}, 2},
		{"left care before the window", []child.Episode{
			ep("2023-01-09", "2024-12-20", "C2", "U4", "Mrs Patel"),
		}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := child.Child{Episodes: tt.episodes}
			if got := c.PlacementsSince(d(from)); got != tt.want {
				t.Fatalf("PlacementsSince(%s) = %d, want %d", from, got, tt.want)
			}
		})
	}
}
