package demo

import (
	"reflect"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/iro-app/iro/internal/calendar"
	"github.com/iro-app/iro/internal/child"
	"github.com/iro-app/iro/internal/ssda903"
	"github.com/iro-app/iro/internal/timescale"
)

// todays are days that have caught out date code: around Christmas, Easter
// and a bank holiday Monday, a leap day and the end of a month.
var todays = []calendar.Date{
	calendar.D(2026, time.March, 10),
	calendar.D(2025, time.December, 24),
	calendar.D(2026, time.April, 3),
	calendar.D(2026, time.August, 31),
	calendar.D(2024, time.February, 29),
	calendar.D(2025, time.January, 31),
}

// census counts a caseload by what its data says, the way the IRO would
// see it, not by how the generator meant it.
type census struct {
	lac, cp, shortBreaks                                  int
	overdue, dueSoon, newlyLookedAfter, leavers, unstable int
	outOfArea, healthOrPEPLate, recordsPending            int
	awaitingConference                                    int
	placements, legalStatuses                             map[string]int
}

func count(t *testing.T, kids []child.Child, today calendar.Date) census {
	t.Helper()
	cal := calendar.Default()
	s := census{placements: map[string]int{}, legalStatuses: map[string]int{}}
	for _, c := range kids {
		for _, r := range c.Reviews {
			if !r.Held.IsZero() && r.RecordCirculated.IsZero() {
				s.recordsPending++
				break
			}
		}
		e, inCare := c.CurrentEpisode()
		if !inCare {
			if p, ok := c.OpenCPPlan(); ok {
				s.cp++
				if p.Start.IsZero() {
					s.awaitingConference++
				}
			}
			continue
		}
		if e.LegalStatus == "V3" || e.LegalStatus == "V4" {
			s.shortBreaks++
			continue
		}
		s.lac++
		s.placements[e.Placement]++
		s.legalStatuses[e.LegalStatus]++
		start := c.Episodes[0].Start
		held := heldDates(c, child.LAC)
		sched, err := timescale.Plan(cal, child.LAC, start, held, timescale.DefaultRules())
		if err != nil {
			t.Fatalf("%s: %v", c.Name(), err)
		}
		due := sched.Next.Due
		switch {
		case due.Before(today):
			s.overdue++
		case cal.WorkingDaysBetween(today, due) <= 10:
			s.dueSoon++
		}
		if len(held) == 0 && !start.Before(today.AddDays(-7)) && c.IROAllocated.IsZero() && c.CarePlanAgreed.IsZero() &&
			!due.After(cal.AddWorkingDays(start, 20)) {
			s.newlyLookedAfter++
		}
		if eighteen := c.DOB.AddMonths(18 * 12); eighteen.After(today) && !eighteen.After(today.AddMonths(1)) {
			s.leavers++
		}
		if c.PlacementsSince(today.AddMonths(-12)) >= 3 {
			s.unstable++
		}
		if e.OutOfArea && e.DistanceMiles >= 25 && e.DistanceMiles <= 250 {
			s.outOfArea++
		}
		healthLate := !c.LastHealthAssessment.IsZero() &&
			timescale.HealthAssessmentDue(cal, c.DOB, start, c.LastHealthAssessment).Before(today)
		pepLate := !c.LastPEPReview.IsZero() && timescale.PEPReviewDue(c.LastPEPReview, start).Before(today)
		if healthLate || pepLate {
			s.healthOrPEPLate++
		}
	}
	return s
}

func heldDates(c child.Child, kind child.Kind) []calendar.Date {
	var held []calendar.Date
	for _, r := range c.Reviews {
		if r.Kind == kind && !r.Held.IsZero() {
			held = append(held, r.Held)
		}
	}
	return held
}

func TestDefaultCaseloadHasTheSpread(t *testing.T) {
	t.Parallel()
	// The demo must look alive whatever day it is opened: the awkward days
	// above and then a day about every month for two years.
	days := slices.Clone(todays)
	for d := calendar.D(2025, time.January, 1); d.Year < 2027; d = d.AddDays(29) {
		days = append(days, d)
	}
	for _, today := range days {
		t.Run(today.String(), func(t *testing.T) {
			kids := Caseload(today, DefaultChildren, DefaultSeed)
			s := count(t, kids, today)
			ranges := []struct {
				name   string
				got    int
				lo, hi int
			}{
				{"looked after", s.lac, 38, 46},
				{"child protection", s.cp, 9, 15},
				{"short breaks", s.shortBreaks, 4, 8},
				{"overdue", s.overdue, 4, 6},
				{"due within 10 working days", s.dueSoon, 6, 10},
				{"became looked after in the last week", s.newlyLookedAfter, 1, 2},
				{"turning 18 within a month", s.leavers, 1, 3},
				{"3+ placements in 12 months", s.unstable, 2, 8},
				{"placed out of area", s.outOfArea, 3, 10},
				{"health assessment or PEP late", s.healthOrPEPLate, 2, 8},
				{"record not yet circulated", s.recordsPending, 1, 3},
				{"initial conference to come", s.awaitingConference, 1, 1},
			}
			for _, r := range ranges {
				if r.got < r.lo || r.got > r.hi {
					t.Errorf("%s: %d children, want %d to %d", r.name, r.got, r.lo, r.hi)
				}
			}
			present := []struct {
				name  string
				got   map[string]int
				codes []string
			}{
				{"long-term foster", s.placements, []string{"U4"}},
				{"children's home", s.placements, []string{"K2"}},
				{"16+ accommodation", s.placements, []string{"H5", "K3"}},
				{"with parents", s.placements, []string{"P1"}},
				{"placed for adoption", s.placements, []string{"A3", "A4", "A5", "A6"}},
				{"mother and baby", s.placements, []string{"R3"}},
				{"care order", s.legalStatuses, []string{"C2"}},
				{"interim care order", s.legalStatuses, []string{"C1"}},
				{"s20", s.legalStatuses, []string{"V2"}},
				{"placement order", s.legalStatuses, []string{"E1"}},
				{"remand or EPO", s.legalStatuses, []string{"J1", "L2"}},
			}
			for _, p := range present {
				n := 0
				for _, code := range p.codes {
					n += p.got[code]
				}
				if n == 0 {
					t.Errorf("no child with %s (%v)", p.name, p.codes)
				}
			}
			if s.legalStatuses["C2"] <= s.lac/2 {
				t.Errorf("%d of %d on care orders, want most", s.legalStatuses["C2"], s.lac)
			}
		})
	}
}

func TestSmallCaseloadsHaveEverySituation(t *testing.T) {
	t.Parallel()
	today := todays[0]
	for _, n := range []int{10, 11, 13, 17, 23, 37} {
		for _, seed := range []int64{DefaultSeed, 1, 42} {
			s := count(t, Caseload(today, n, seed), today)
			counts := []struct {
				name string
				got  int
			}{
				{"looked after", s.lac}, {"child protection", s.cp}, {"short breaks", s.shortBreaks},
				{"overdue", s.overdue}, {"due soon", s.dueSoon}, {"newly looked after", s.newlyLookedAfter},
				{"turning 18", s.leavers}, {"unstable", s.unstable}, {"out of area", s.outOfArea},
				{"health or PEP late", s.healthOrPEPLate}, {"record pending", s.recordsPending},
				{"initial conference to come", s.awaitingConference},
			}
			for _, c := range counts {
				if c.got == 0 {
					t.Errorf("n=%d seed=%d: no child %s", n, seed, c.name)
				}
			}
		}
	}
}

func TestCaseloadIsDeterministic(t *testing.T) {
	t.Parallel()
	tests := []struct {
		today calendar.Date
		n     int
		seed  int64
	}{
		{todays[0], 1, DefaultSeed},
		{todays[1], 60, DefaultSeed},
		{todays[2], 60, 7},
		{todays[3], 200, -3},
	}
	for _, tt := range tests {
		a, b := Caseload(tt.today, tt.n, tt.seed), Caseload(tt.today, tt.n, tt.seed)
		if len(a) != tt.n {
			t.Errorf("%v n=%d: %d children", tt.today, tt.n, len(a))
		}
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%v n=%d seed=%d: two runs differ", tt.today, tt.n, tt.seed)
		}
		if reflect.DeepEqual(a, Caseload(tt.today, tt.n, tt.seed+1)) {
			t.Errorf("%v n=%d: seeds %d and %d give the same caseload", tt.today, tt.n, tt.seed, tt.seed+1)
		}
	}
}

func TestCaseloadSizes(t *testing.T) {
	t.Parallel()
	tests := []struct{ n, want int }{{-1, 0}, {0, 0}, {1, 1}, {2, 2}, {9, 9}, {5000, 5000}}
	for _, tt := range tests {
		if got := len(Caseload(todays[0], tt.n, DefaultSeed)); got != tt.want {
			t.Errorf("Caseload(n=%d) has %d children, want %d", tt.n, got, tt.want)
		}
	}
}

var (
	laid     = regexp.MustCompile(`^LA[0-9]{6}$`)
	upn      = regexp.MustCompile(`^[A-Z][0-9]{12}$`)
	district = regexp.MustCompile(`^[A-Z]{1,2}[0-9]{1,2}[A-Z]?$`)
)

// codeCheck is one coded field and the SSDA903 list it must come from.
type codeCheck struct {
	field, code string
	lookup      func(string) (string, bool)
}

func TestEveryCodeIsValid(t *testing.T) {
	t.Parallel()
	for _, today := range todays {
		seen := map[string]bool{}
		for _, c := range Caseload(today, 200, DefaultSeed) {
			name := c.LAID + " " + c.Name()
			checks := []codeCheck{{"SEX", c.Sex, ssda903.Sex}, {"ETHNIC", c.Ethnicity, ssda903.Ethnicity}}
			for _, e := range c.Episodes {
				checks = append(checks,
					codeCheck{"LS", e.LegalStatus, ssda903.LegalStatus},
					codeCheck{"PLACE", e.Placement, ssda903.Placement},
					codeCheck{"RNE", e.ReasonNew, ssda903.ReasonNew})
				if !e.End.IsZero() {
					checks = append(checks, codeCheck{"REC", e.ReasonEnd, ssda903.ReasonEnd})
				}
				if !district.MatchString(e.PostcodeDistrict) {
					t.Errorf("%s: postcode district %q", name, e.PostcodeDistrict)
				}
			}
			for _, p := range c.CPPlans {
				checks = append(checks, codeCheck{"CP category", p.Category, ssda903.CPCategory})
			}
			for _, r := range c.Reviews {
				if r.ParticipationCode != "" {
					checks = append(checks, codeCheck{"REVIEW_CODE", r.ParticipationCode, ssda903.Participation})
				}
			}
			for _, ch := range checks {
				if _, ok := ch.lookup(ch.code); !ok {
					t.Errorf("%s: %s %q is not an SSDA903 code", name, ch.field, ch.code)
				}
			}
			if !laid.MatchString(c.LAID) || seen[c.LAID] {
				t.Errorf("%s: LA id malformed or repeated", name)
			}
			seen[c.LAID] = true
			if c.UPN != "" && (!upn.MatchString(c.UPN) || upnCheckLetter(c.UPN[1:]) != c.UPN[0]) {
				t.Errorf("%s: UPN %q", name, c.UPN)
			}
			if c.HomeLA != "Northshire" || c.FirstName == "" || c.LastName == "" || c.PlanStatus == "" {
				t.Errorf("%s: missing details %+v", name, c)
			}
		}
	}
}

func TestUPNCheckLetter(t *testing.T) {
	// The worked example in the DfE UPN guidance.
	if got := upnCheckLetter("801200001001"); got != 'H' {
		t.Errorf("check letter %c, want H", got)
	}
}

func TestReviewHistoriesFollowTheTimescales(t *testing.T) {
	t.Parallel()
	cal := calendar.Default()
	for _, today := range todays {
		for _, c := range Caseload(today, 200, DefaultSeed) {
			name := today.String() + " " + c.LAID
			if c.ID != "" || c.Version != 0 {
				t.Errorf("%s: id %q version %d, want them left to the store", name, c.ID, c.Version)
			}
			if len(c.Reviews) == 0 {
				t.Errorf("%s: no reviews", name)
				continue
			}
			kind := c.Reviews[0].Kind
			start := cycleStart(c, kind)
			held := heldDates(c, kind)
			sched, err := timescale.Plan(cal, kind, start, held, timescale.DefaultRules())
			if err != nil {
				t.Errorf("%s: %v", name, err)
				continue
			}
			for i, r := range c.Reviews {
				if r.ID != "" || r.Version != 0 || r.Kind != kind || r.Sequence != i+1 {
					t.Errorf("%s review %d: %+v", name, i+1, r)
				}
				if r.Due != sched.Meetings[i].Due {
					t.Errorf("%s review %d: due %v, timescale says %v", name, i+1, r.Due, sched.Meetings[i].Due)
				}
				last := i == len(c.Reviews)-1
				if last != r.Held.IsZero() {
					t.Errorf("%s review %d: held %v; only the last review should be unheld", name, i+1, r.Held)
				}
				if !r.Scheduled.IsZero() && last && !r.Scheduled.After(today) {
					t.Errorf("%s: next review booked for %v, not after today", name, r.Scheduled)
				}
				if last {
					continue
				}
				if r.Held.After(today) {
					t.Errorf("%s review %d: held in the future (%v)", name, i+1, r.Held)
				}
				if !cal.IsWorkingDay(r.Held) {
					t.Errorf("%s review %d: held on %v, not a working day", name, i+1, r.Held)
				}
				under4 := c.DOB.YearsOn(r.Held) < 4
				switch {
				case kind == child.CP && r.ParticipationCode != "":
					t.Errorf("%s: conference with participation code %s", name, r.ParticipationCode)
				case kind != child.CP && under4 != (r.ParticipationCode == "PN0"):
					t.Errorf("%s review %d: %s at age %d", name, i+1, r.ParticipationCode, c.DOB.YearsOn(r.Held))
				}
				for _, d := range []calendar.Date{r.DecisionsCirculated, r.RecordCirculated} {
					if !d.IsZero() && (!d.After(r.Held) || d.After(today)) {
						t.Errorf("%s review %d: circulated %v, held %v", name, i+1, d, r.Held)
					}
				}
				want := "closed"
				if i == len(c.Reviews)-2 {
					want = "record_circulated"
					if r.RecordCirculated.IsZero() {
						want = "held"
					}
				}
				if r.State != want {
					t.Errorf("%s review %d: state %q, want %q", name, i+1, r.State, want)
				}
			}
			if p, ok := c.OpenCPPlan(); ok && len(held) > 0 && p.Start != held[0] {
				t.Errorf("%s: CP plan starts %v, initial conference held %v", name, p.Start, held[0])
			}
		}
	}
}

func cycleStart(c child.Child, kind child.Kind) calendar.Date {
	if kind == child.CP {
		return c.CPPlans[0].StrategyDiscussion
	}
	return c.Episodes[0].Start
}

func TestEpisodesAreContiguous(t *testing.T) {
	t.Parallel()
	for _, today := range todays {
		for _, c := range Caseload(today, 200, DefaultSeed) {
			name := today.String() + " " + c.LAID
			for i, e := range c.Episodes {
				if e.ID != "" || e.Version != 0 {
					t.Errorf("%s episode %d: id %q version %d", name, i+1, e.ID, e.Version)
				}
				if e.Start.Before(c.DOB) || e.Start.After(today) {
					t.Errorf("%s episode %d: starts %v (born %v)", name, i+1, e.Start, c.DOB)
				}
				if (i == 0) != (e.ReasonNew == "S") {
					t.Errorf("%s episode %d: RNE %s", name, i+1, e.ReasonNew)
				}
				if e.OutOfArea != (e.DistanceMiles >= 25) || e.DistanceMiles > 250 {
					t.Errorf("%s episode %d: out of area %v at %.1f miles", name, i+1, e.OutOfArea, e.DistanceMiles)
				}
				if i == len(c.Episodes)-1 {
					if !e.End.IsZero() {
						t.Errorf("%s: last episode closed on %v", name, e.End)
					}
					continue
				}
				next := c.Episodes[i+1]
				if e.End != next.Start || !e.Start.Before(e.End) || e.ReasonEnd != "X1" {
					t.Errorf("%s episode %d: %v to %v (%s), next starts %v", name, i+1, e.Start, e.End, e.ReasonEnd, next.Start)
				}
				if e.LegalStatus == next.LegalStatus && e.Placement == next.Placement && e.Provider == next.Provider {
					t.Errorf("%s episode %d: nothing changed at %v", name, i+1, next.Start)
				}
			}
			if len(c.Episodes) > 0 && len(c.CPPlans) > 0 {
				t.Errorf("%s: both looked after and on a CP plan", name)
			}
		}
	}
}

func BenchmarkCaseload(b *testing.B) {
	for b.Loop() {
		Caseload(todays[0], 5000, DefaultSeed)
	}
}
