package challenge_test

import (
	"testing"

	"github.com/iro-app/iro/internal/calendar"
	"github.com/iro-app/iro/internal/challenge"
)

// TestFormalClock: the 20 working days run from the first Sent to a formal
// stage (index 1 or later) to the final outcome, or to today while open.
// Counting is "working days after the start up to and including the end".
func TestFormalClock(t *testing.T) {
	l := challenge.DefaultLadder()
	// Sent Mon 14 Dec 2026: 15–18 (4), 21–24 (8), 25 and 28 Dec are bank
	// holidays, 29–31 (11), Fri 1 Jan is New Year's Day, 4–8 Jan (16),
	// 11, 12, 13 (19), Thu 14 Jan (20), Fri 15 Jan (21). Counting weekdays
	// alone would reach 20 on Mon 11 Jan.
	christmas := []challenge.Step{sent("2026-12-01", 0), sent("2026-12-14", 1)}
	for _, tc := range []struct {
		name         string
		steps        []challenge.Step
		today        string
		wantStart    string // "" for no formal process yet
		wantDays     int
		wantExceeded bool
	}{
		{"informal only: no formal clock, however long", []challenge.Step{sent("2026-11-02", 0)}, "2027-06-01", "", 0, false},
		{"nothing sent", nil, "2027-06-01", "", 0, false},
		{"open, on the day sent", christmas, "2026-12-14", "2026-12-14", 0, false},
		{"open, weekdays alone would say 20", christmas, "2027-01-11", "2026-12-14", 17, false},
		{"open, day 20 across Christmas", christmas, "2027-01-14", "2026-12-14", 20, false},
		{"open, day 21 across Christmas", christmas, "2027-01-15", "2026-12-14", 21, true},
		{"open, on the Saturday after day 20", christmas, "2027-01-16", "2026-12-14", 21, true},
		{"the informal stage does not start it", christmas, "2026-12-15", "2026-12-14", 1, false},
		{"resolved on day 20 (Mon 2 Nov 2026 to Mon 30 Nov)",
			[]challenge.Step{sent("2026-11-02", 1), sent("2026-11-09", 2), outcome("2026-11-30", challenge.Resolved, "")},
			"2027-06-01", "2026-11-02", 20, false},
		{"resolved on day 21 (Tue 1 Dec)",
			[]challenge.Step{sent("2026-11-02", 1), outcome("2026-12-01", challenge.Resolved, "")},
			"2027-06-01", "2026-11-02", 21, true},
		{"the final outcome stops the clock",
			append(christmas[:2:2], outcome("2027-01-08", challenge.Withdrawn, "")), "2027-03-01", "2026-12-14", 16, false},
		{"the first formal stage starts it, even when skipped to",
			[]challenge.Step{sent("2026-11-02", 3), sent("2026-11-09", 4)}, "2026-11-09", "2026-11-02", 5, false},
		{"a Cafcass referral ends it",
			[]challenge.Step{sent("2026-12-14", 1), outcome("2027-01-15", challenge.ReferredCafcass, "Rights breached")},
			"2027-03-01", "2026-12-14", 21, true},
		{"today before a future-dated start", []challenge.Step{sent("2026-12-14", 1)}, "2026-12-10", "2026-12-14", 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := build(t, l, "2026-11-02", tc.steps...)
			st := challenge.StatusOf(c, l, d(tc.today), cal)
			var wantStart calendar.Date
			if tc.wantStart != "" {
				wantStart = d(tc.wantStart)
			}
			if st.FormalStart != wantStart || st.FormalWorkingDays != tc.wantDays || st.FormalExceeded != tc.wantExceeded {
				t.Errorf("formal start %s, %d working days, exceeded %v; want %s, %d, %v",
					st.FormalStart, st.FormalWorkingDays, st.FormalExceeded, wantStart, tc.wantDays, tc.wantExceeded)
			}
		})
	}
}

func TestStatusOf(t *testing.T) {
	l := challenge.DefaultLadder()
	// Sent Thu 24 Dec 2026 to the team manager: due Tue 5 Jan 2027 (see
	// TestStageDeadlines).
	xmas := sent("2026-12-24", 1)
	for _, tc := range []struct {
		name  string
		steps []challenge.Step
		today string
		want  challenge.Status
	}{
		{"raised, nothing sent", nil, "2026-12-24",
			challenge.Status{Stage: -1, Open: true}},
		{"awaiting, on the due day", []challenge.Step{xmas}, "2027-01-05",
			challenge.Status{Stage: 1, StageName: "Team manager", Open: true, AwaitingResponse: true, ResponseDue: d("2027-01-05"),
				FormalStart: d("2026-12-24"), FormalWorkingDays: 5}},
		{"overdue the day after", []challenge.Step{xmas}, "2027-01-06",
			challenge.Status{Stage: 1, StageName: "Team manager", Open: true, AwaitingResponse: true, ResponseDue: d("2027-01-05"),
				ResponseOverdue: true, FormalStart: d("2026-12-24"), FormalWorkingDays: 6}},
		{"answered late: no longer overdue", []challenge.Step{xmas, response("2027-01-06")}, "2027-01-07",
			challenge.Status{Stage: 1, StageName: "Team manager", Open: true, ResponseDue: d("2027-01-05"),
				FormalStart: d("2026-12-24"), FormalWorkingDays: 7}},
		{"escalated: nothing awaited until sent on", []challenge.Step{xmas, outcome("2027-01-06", challenge.Escalated, "")}, "2027-01-07",
			challenge.Status{Stage: 1, StageName: "Team manager", Open: true, ResponseDue: d("2027-01-05"),
				FormalStart: d("2026-12-24"), FormalWorkingDays: 7}},
		// Thu 7 Jan 2027 + 5: 8, 11, 12, 13, Thu 14.
		{"sent on: the new stage's deadline", []challenge.Step{xmas, outcome("2027-01-06", challenge.Escalated, ""), sent("2027-01-07", 3)}, "2027-01-07",
			challenge.Status{Stage: 3, StageName: "Head of service", Open: true, AwaitingResponse: true, ResponseDue: d("2027-01-14"),
				FormalStart: d("2026-12-24"), FormalWorkingDays: 7}},
		{"resolved", []challenge.Step{xmas, response("2027-01-04"), outcome("2027-01-05", challenge.Resolved, "")}, "2027-02-01",
			challenge.Status{Stage: 1, StageName: "Team manager", Final: challenge.Resolved, ResponseDue: d("2027-01-05"),
				FormalStart: d("2026-12-24"), FormalWorkingDays: 5}},
		{"referred to Cafcass while awaiting, then corrected", []challenge.Step{xmas, outcome("2027-01-06", challenge.ReferredCafcass, "Rights"),
			correction("2027-01-07", "s1", "Sent by email")}, "2027-02-01",
			challenge.Status{Stage: 1, StageName: "Team manager", Final: challenge.ReferredCafcass, ResponseDue: d("2027-01-05"),
				FormalStart: d("2026-12-24"), FormalWorkingDays: 6, Cafcass: true}},
		{"withdrawn before anything was sent", []challenge.Step{outcome("2026-12-24", challenge.Withdrawn, "")}, "2027-02-01",
			challenge.Status{Stage: -1, Final: challenge.Withdrawn}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := build(t, l, "2026-12-24", tc.steps...)
			if got := challenge.StatusOf(c, l, d(tc.today), cal); got != tc.want {
				t.Errorf("StatusOf\n got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

// TestStatusKeepsTheRecordedStage: a ladder changed after the challenge was
// sent does not rewrite its history; the ladder only fills in what an older
// record lacks.
func TestStatusKeepsTheRecordedStage(t *testing.T) {
	c := build(t, challenge.DefaultLadder(), "2026-12-24", sent("2026-12-24", 1))
	if st := challenge.StatusOf(c, customLadder, d("2026-12-24"), cal); st.StageName != "Team manager" || st.ResponseDue != d("2027-01-05") {
		t.Errorf("with a new ladder: %q due %s; want the recorded Team manager, 2027-01-05", st.StageName, st.ResponseDue)
	}
	bare := c
	bare.Steps = []challenge.Step{{ID: "s1", Kind: challenge.Sent, On: d("2026-12-24"), Stage: 1}}
	// customLadder's stage 1 has 10 working days: 29, 30, 31 Dec, 4–8 Jan
	// (8), Mon 11 (9), Tue 12 Jan 2027 (10).
	if st := challenge.StatusOf(bare, customLadder, d("2026-12-24"), cal); st.StageName != "Manager" || st.ResponseDue != d("2027-01-12") {
		t.Errorf("a bare record: %q due %s; want Manager, 2027-01-12", st.StageName, st.ResponseDue)
	}
	bare.Steps[0].Stage = 7 // beyond any ladder: no panic, no name
	if st := challenge.StatusOf(bare, customLadder, d("2026-12-24"), cal); st.Stage != 7 || st.StageName != "" || !st.ResponseDue.IsZero() {
		t.Errorf("a stage beyond the ladder: %+v", st)
	}
}
