package caseload_test

import (
	"slices"
	"testing"

	"github.com/iro-app/iro/internal/calendar"
	"github.com/iro-app/iro/internal/caseload"
	"github.com/iro-app/iro/internal/child"
	"github.com/iro-app/iro/internal/demo"
	"github.com/iro-app/iro/internal/timescale"
)

var d = calendar.MustParse

// Expected values are counted by hand on `cal` with the England & Wales bank
// holidays: in November 2026 the 18th is a Wednesday and the 22nd a Sunday;
// Christmas Day 2026 is a Friday, so Boxing Day moves to Monday 28 December;
// New Year's Day 2027 is a Friday.
func TestClassify(t *testing.T) {
	tests := []struct {
		name       string
		today, due string
		wantLeft   int
		want       caseload.Status
	}{
		{"overdue by one working day", "2026-11-18", "2026-11-17", -1, caseload.Overdue},
		{"overdue by a month", "2026-11-18", "2026-10-19", -22, caseload.Overdue},
		{"due today", "2026-11-18", "2026-11-18", 0, caseload.DueSoon},
		{"due tomorrow", "2026-11-18", "2026-11-19", 1, caseload.DueSoon},
		// Thu 19, Fri 20, Mon 23 … Fri 27, Mon 30, Tue 1, Wed 2 December.
		{"due in exactly 10 working days", "2026-11-18", "2026-12-02", 10, caseload.DueSoon},
		{"due in 11 working days", "2026-11-18", "2026-12-03", 11, caseload.OnTrack},
		// Thu 3 and Fri 4 December are the 11th and 12th; the weekend adds none.
		{"due on the Saturday after the 10th working day", "2026-11-18", "2026-12-05", 12, caseload.OnTrack},
		{"today is a Sunday, due Monday", "2026-11-22", "2026-11-23", 1, caseload.DueSoon},
		// Missed at the weekend: no working day has passed since, yet it is late.
		{"due Saturday, seen on Sunday", "2026-11-22", "2026-11-21", 0, caseload.Overdue},
		{"due Friday, seen on Sunday", "2026-11-22", "2026-11-20", 0, caseload.Overdue},
		{"due Friday, seen on Monday", "2026-11-23", "2026-11-20", -1, caseload.Overdue},
		{"due Saturday, seen the next Wednesday", "2026-11-18", "2026-11-14", -3, caseload.Overdue},
		// Thu 24 is the 1st; Fri 25 and Mon 28 are bank holidays; Tue 29 the 2nd.
		{"across Christmas", "2026-12-23", "2026-12-29", 2, caseload.DueSoon},
		// Thu 24, Tue 29, Wed 30, Thu 31 Dec are the 1st to 4th (1 Jan is a
		// holiday too), Mon 4 to Fri 8 Jan the 5th to 9th, Mon 11 the 10th.
		{"9 working days across Christmas and New Year", "2026-12-23", "2027-01-08", 9, caseload.DueSoon},
		{"10 working days across Christmas and New Year", "2026-12-23", "2027-01-11", 10, caseload.DueSoon},
		{"11 working days across Christmas and New Year", "2026-12-23", "2027-01-12", 11, caseload.OnTrack},
	}
	cal := calendar.Default()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			left, s := caseload.Classify(d(tt.today), d(tt.due), cal)
			if left != tt.wantLeft || s != tt.want {
				t.Fatalf("Classify(%s, %s) = %d, %v; want %d, %v", tt.today, tt.due, left, s.Word(), tt.wantLeft, tt.want.Word())
			}
		})
	}
}

func TestStatusWord(t *testing.T) {
	tests := []struct {
		s    caseload.Status
		want string
	}{
		{caseload.Overdue, "OVERDUE"},
		{caseload.DueSoon, "due soon"},
		{caseload.OnTrack, "on track"},
		{caseload.NoDeadline, "none due"},
	}
	for _, tt := range tests {
		if got := tt.s.Word(); got != tt.want {
			t.Errorf("Status(%d).Word() = %q, want %q", tt.s, got, tt.want)
		}
	}
}

// today for the caseload tests is Sunday 22 November 2026.
var today = d("2026-11-22")

// testCaseload is a hand-built caseload in no useful order; the comments give
// each child's next deadline as counted on the calendar.
func testCaseload() []child.Child {
	return []child.Child{
		{ID: "id-eve", LAID: "LA0005", FirstName: "Eve", LastName: "Zed", DOB: d("2009-03-14"),
			// Left care in the summer: nothing statutory is due.
			Episodes: []child.Episode{{Start: d("2025-01-06"), End: d("2026-06-30"), LegalStatus: "C2", Placement: "U4"}}},
		{ID: "id-amy", LAID: "LA0001", FirstName: "Amy", LastName: "Young", DOB: d("2015-07-01"),
			// Strategy discussion Mon 2 Nov: 15 working days is Mon 23 Nov.
			CPPlans: []child.CPPlan{{StrategyDiscussion: d("2026-11-02"), Category: "NEG"}}},
		{ID: "id-dan", LAID: "LA0004", UPN: "A820123456789", FirstName: "Dan", LastName: "Adams", DOB: d("2012-01-01")},
		{ID: "id-cara", LAID: "LA0003", FirstName: "Cara", LastName: "Brown", DOB: d("2016-11-23"),
			// First short break Mon 5 Oct: the review is due 3 months on, Tue 5 Jan 2027.
			Episodes: []child.Episode{{Start: d("2026-10-05"), LegalStatus: "V3", Placement: "R3"}}},
		{ID: "id-ava", LAID: "LA0002", UPN: "B999888777666", FirstName: "Ava", LastName: "Smith", DOB: d("2024-05-01"),
			// Looked after from Mon 16 Nov, nothing done yet: IRO allocation
			// (5 working days) Mon 23 Nov, care plan (10) Mon 30 Nov, initial
			// health assessment and review 1 (20) Mon 14 Dec. Aged 2: no PEP.
			Episodes: []child.Episode{{Start: d("2026-11-16"), LegalStatus: "C2", Placement: "U4"}}},
		{ID: "id-ola", LAID: "LA0006", FirstName: "Ola", LastName: "de Souza", DOB: d("2013-02-02")},
		{ID: "id-ben", LAID: "LA0007", FirstName: "Ben", LastName: "Jones", DOB: d("2018-06-30"),
			// Strategy discussion Mon 26 Oct: the initial conference was due
			// Mon 16 Nov, four working days (17–20 Nov) before today.
			CPPlans: []child.CPPlan{
				{StrategyDiscussion: d("2024-01-08"), Start: d("2024-01-22"), End: d("2025-02-03"), Category: "PHY"},
				{StrategyDiscussion: d("2026-10-26"), Category: "EMO"},
			}},
		{ID: "id-aaron", LAID: "LA0008", FirstName: "Aaron", LastName: "Adams", DOB: d("2010-11-22")},
		{ID: "id-zoe", LAID: "LA0009", FirstName: "Zoe", LastName: "Able", DOB: d("2011-11-23"),
			CPPlans: []child.CPPlan{{StrategyDiscussion: d("2026-11-02"), Category: "SAB"}}},
	}
}

func build(t *testing.T) []caseload.Entry {
	t.Helper()
	return caseload.Build(testCaseload(), today, calendar.Default(), timescale.DefaultRules())
}

func ids(entries []caseload.Entry) []string {
	out := make([]string, len(entries))
	for i, e := range entries {
		out[i] = e.Child.ID
	}
	return out
}

func TestBuild(t *testing.T) {
	type row struct {
		id       string
		age      int
		kind     child.Kind
		inCare   bool
		what     string
		due      string
		left     int
		status   caseload.Status
		nDeadlns int
	}
	// Soonest first; the three due on 23 November by family name (Able,
	// Smith, Young); nothing-due children last, by name, case-insensitively
	// ("de Souza" between "Adams" and "Zed").
	want := []row{
		{"id-ben", 8, child.CP, false, "Initial conference", "2026-11-16", -4, caseload.Overdue, 1},
		{"id-zoe", 14, child.CP, false, "Initial conference", "2026-11-23", 1, caseload.DueSoon, 1},
		{"id-ava", 2, child.LAC, true, "IRO allocation", "2026-11-23", 1, caseload.DueSoon, 4},
		{"id-amy", 11, child.CP, false, "Initial conference", "2026-11-23", 1, caseload.DueSoon, 1},
		// 23 Nov … 24 Dec is 24 working days; 25 and 28 Dec and 1 Jan are
		// holidays; 29, 30, 31 Dec, 4 and 5 Jan make 29.
		{"id-cara", 9, child.ShortBreaks, true, "Short breaks review 1", "2027-01-05", 29, caseload.OnTrack, 1},
		{"id-aaron", 16, "", false, "", "", 0, caseload.NoDeadline, 0},
		{"id-dan", 14, "", false, "", "", 0, caseload.NoDeadline, 0},
		{"id-ola", 13, "", false, "", "", 0, caseload.NoDeadline, 0},
		{"id-eve", 17, "", false, "", "", 0, caseload.NoDeadline, 0},
	}
	got := build(t)
	if len(got) != len(want) {
		t.Fatalf("Build gave %d entries, want %d: %v", len(got), len(want), ids(got))
	}
	for i, w := range want {
		e := got[i]
		if e.Child.ID != w.id {
			t.Fatalf("order %v\nwant id %s at %d", ids(got), w.id, i)
		}
		if e.Age != w.age || e.Kind != w.kind || e.InCare != w.inCare {
			t.Errorf("%s: age %d kind %q in care %v; want %d %q %v", w.id, e.Age, e.Kind, e.InCare, w.age, w.kind, w.inCare)
		}
		if e.Next.What != w.what || e.Next.Due.String() != w.due || e.WorkingDaysLeft != w.left || e.Status != w.status {
			t.Errorf("%s: next %q due %q, %d working days, %s; want %q due %q, %d, %s",
				w.id, e.Next.What, e.Next.Due, e.WorkingDaysLeft, e.Status.Word(), w.what, w.due, w.left, w.status.Word())
		}
		if len(e.Deadlines) != w.nDeadlns {
			t.Errorf("%s: %d deadlines %v, want %d", w.id, len(e.Deadlines), e.Deadlines, w.nDeadlns)
		}
		if len(e.Deadlines) > 0 && e.Next != e.Deadlines[0] {
			t.Errorf("%s: Next %v is not the soonest deadline %v", w.id, e.Next, e.Deadlines[0])
		}
	}
}

// Ava Smith's deadlines show that Next is the soonest of several clocks, not
// the review.
func TestBuildLookedAfterDeadlines(t *testing.T) {
	entries := build(t)
	i := slices.IndexFunc(entries, func(e caseload.Entry) bool { return e.Child.ID == "id-ava" })
	if i < 0 {
		t.Fatal("Ava Smith is missing")
	}
	want := []struct{ kind, due string }{
		{"iro_allocation", "2026-11-23"},
		{"care_plan", "2026-11-30"},
		{"health_assessment", "2026-12-14"},
		{"review", "2026-12-14"},
	}
	got := entries[i].Deadlines
	if len(got) != len(want) {
		t.Fatalf("deadlines %v, want %d", got, len(want))
	}
	for j, w := range want {
		if string(got[j].Kind) != w.kind || got[j].Due.String() != w.due {
			t.Errorf("deadline %d = %s %s, want %s %s", j, got[j].Kind, got[j].Due, w.kind, w.due)
		}
	}
	if ep := entries[i].Episode; ep.Start != d("2026-11-16") || ep.LegalStatus != "C2" {
		t.Errorf("Episode = %+v, want the open C2 episode from 2026-11-16", ep)
	}
}

func TestBuildEmpty(t *testing.T) {
	if got := caseload.Build(nil, today, calendar.Default(), timescale.DefaultRules()); len(got) != 0 {
		t.Fatalf("Build(nil) = %v, want none", got)
	}
}

func TestSortByDueAndByName(t *testing.T) {
	wantByDue := []string{"id-ben", "id-zoe", "id-ava", "id-amy", "id-cara", "id-aaron", "id-dan", "id-ola", "id-eve"}
	// Able, Adams (Aaron), Adams (Dan), Brown, de Souza, Jones, Smith, Young, Zed.
	wantByName := []string{"id-zoe", "id-aaron", "id-dan", "id-cara", "id-ola", "id-ben", "id-ava", "id-amy", "id-eve"}
	tests := []struct {
		name string
		sort func([]caseload.Entry)
		want []string
	}{
		{"by due", caseload.SortByDue, wantByDue},
		{"by name", caseload.SortByName, wantByName},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Start from both the built order and its reverse, so the result
			// cannot depend on the input order.
			for _, reversed := range []bool{false, true} {
				entries := build(t)
				if reversed {
					slices.Reverse(entries)
				}
				tt.sort(entries)
				if got := ids(entries); !slices.Equal(got, tt.want) {
					t.Errorf("reversed=%v: %v\nwant %v", reversed, got, tt.want)
				}
			}
		})
	}
}

// Two children with the same name are kept apart by their local id.
func TestSortByNameSameName(t *testing.T) {
	twins := []child.Child{
		{ID: "b", FirstName: "Sam", LastName: "Lee"},
		{ID: "a", FirstName: "sam", LastName: "LEE"},
		{ID: "c", FirstName: "Sam", LastName: "Lee"},
	}
	entries := caseload.Build(twins, today, calendar.Default(), timescale.DefaultRules())
	for _, sort := range []func([]caseload.Entry){caseload.SortByName, caseload.SortByDue} {
		slices.Reverse(entries)
		sort(entries)
		if got := ids(entries); !slices.Equal(got, []string{"a", "b", "c"}) {
			t.Errorf("order %v, want [a b c]", got)
		}
	}
}

func TestFilter(t *testing.T) {
	all := []string{"id-ben", "id-zoe", "id-ava", "id-amy", "id-cara", "id-aaron", "id-dan", "id-ola", "id-eve"}
	tests := []struct {
		name  string
		query string
		want  []string
	}{
		{"empty query matches all", "", all},
		{"blank query matches all", " \t ", all},
		{"family name", "smith", []string{"id-ava"}},
		{"upper case", "SMITH", []string{"id-ava"}},
		{"mixed case against lower-case name", "De SOUZA", []string{"id-ola"}},
		{"part of a name", "ada", []string{"id-aaron", "id-dan"}},
		{"first and family name", "ava smith", []string{"id-ava"}},
		{"words in any order", "smith   ava", []string{"id-ava"}},
		{"every word must match the same child", "ava jones", nil},
		{"words run together do not match", "avasmith", nil},
		{"LA id", "la0003", []string{"id-cara"}},
		{"LA id prefix matches all", "LA000", all},
		{"UPN", "a820123456789", []string{"id-dan"}},
		{"part of a UPN", "888777", []string{"id-ava"}},
		{"local id", "ID-EVE", []string{"id-eve"}},
		{"name and LA id together", "adams la0008", []string{"id-aaron"}},
		{"no match", "zzz", nil},
		{"one word of two fails", "adams zzz", nil},
	}
	entries := build(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, i := range caseload.Filter(entries, tt.query) {
				got = append(got, entries[i].Child.ID)
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("Filter(%q) = %v, want %v", tt.query, got, tt.want)
			}
		})
	}
}

func BenchmarkFilter5000(b *testing.B) {
	day := calendar.MustParse("2026-11-22")
	entries := caseload.Build(demo.Caseload(day, 5000, demo.DefaultSeed), day, calendar.Default(), timescale.DefaultRules())
	if n := len(caseload.Filter(entries, "son")); n == 0 || n == len(entries) {
		b.Fatalf("query matches %d of %d children: pick one that narrows the caseload", n, len(entries))
	}
	b.ReportAllocs()
	for b.Loop() {
		caseload.Filter(entries, "son")
	}
}
