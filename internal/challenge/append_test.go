package challenge_test

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/iro-app/iro/internal/calendar"
	"github.com/iro-app/iro/internal/challenge"
)

// The expected dates in these tests were counted by hand from `cal` and the
// England & Wales bank holidays: 2026 — Fri 25 Dec, Mon 28 Dec (Boxing Day
// substitute); 2027 — Fri 1 Jan, Fri 26 and Mon 29 Mar (Easter), Mon 27 and
// Tue 28 Dec (substitutes); 2028 — Mon 3 Jan (New Year substitute).

var cal = calendar.Default()

func d(s string) calendar.Date { return calendar.MustParse(s) }

func sent(on string, stage int) challenge.Step {
	return challenge.Step{Kind: challenge.Sent, On: d(on), Stage: stage, Addressee: "J. Patel", Text: "Letter"}
}

func response(on string) challenge.Step {
	return challenge.Step{Kind: challenge.Response, On: d(on), Text: "We will review the plan"}
}

func outcome(on string, o challenge.Outcome, why string) challenge.Step {
	return challenge.Step{Kind: challenge.Closed, On: d(on), Outcome: o, Text: why}
}

func correction(on, corrects, text string) challenge.Step {
	return challenge.Step{Kind: challenge.Correction, On: d(on), Corrects: corrects, Text: text}
}

// build raises a challenge on raised and appends steps through Append,
// giving them ids s1, s2… and failing the test if any is refused.
func build(t *testing.T, l challenge.Ladder, raised string, steps ...challenge.Step) challenge.Challenge {
	t.Helper()
	c := challenge.Challenge{ID: "c1", ChildID: "k1", Raised: d(raised), Category: challenge.DriftDelay, Issue: "No permanence plan"}
	for i, s := range steps {
		s.ID = fmt.Sprintf("s%d", i+1)
		done, err := challenge.Append(c, s, l, cal)
		if err != nil {
			t.Fatalf("setting up: step %d (%s on %s): %v", i+1, s.Kind, s.On, err)
		}
		c.Steps = append(c.Steps, done)
	}
	return c
}

var customLadder = challenge.Ladder{Stages: []challenge.Stage{
	{Name: "Practice conversation", Addressee: "social worker", WorkingDays: 10},
	{Name: "Manager", Addressee: "team manager", WorkingDays: 10},
	{Name: "Director", Addressee: "director of children's services", WorkingDays: 15},
}}

func TestStageDeadlines(t *testing.T) {
	def := challenge.DefaultLadder()
	for _, tc := range []struct {
		name     string
		ladder   challenge.Ladder
		on       string
		stage    int
		wantDue  string
		wantName string
	}{
		// 27 Nov 2026 is a Friday: Mon 30, Tue 1, Wed 2, Thu 3, Fri 4 Dec.
		{"a plain week", def, "2026-11-27", 0, "2026-12-04", "Informal"},
		// Sat 5 Dec 2026: the Saturday is not day 0's problem; Mon 7 is day 1.
		{"sent on a Saturday", def, "2026-12-05", 1, "2026-12-11", "Team manager"},
		// Thu 24 Dec 2026: 25 (Christmas), 26–27 weekend, 28 (Boxing Day
		// substitute) do not count; Tue 29, Wed 30, Thu 31, then Fri 1 Jan is
		// New Year's Day, so Mon 4 and Tue 5 Jan 2027.
		{"across Christmas 2026", def, "2026-12-24", 2, "2027-01-05", "Service manager"},
		// Fri 22 May 2026: Mon 25 is the spring bank holiday; 26, 27, 28, 29
		// May and Mon 1 June.
		{"across the spring bank holiday", def, "2026-05-22", 3, "2026-06-01", "Head of service"},
		// Thu 25 Mar 2027: Good Friday 26, Easter Monday 29; Tue 30, Wed 31,
		// Thu 1, Fri 2, Mon 5 April.
		{"across Easter 2027", def, "2027-03-25", 4, "2027-04-05", "Assistant director / DCS"},
		// Fri 17 Dec 2027, 10 working days: 20–24 Dec (5), 27 and 28 are the
		// Christmas substitutes, 29–31 (8), Mon 3 Jan 2028 is the New Year
		// substitute, Tue 4 (9), Wed 5 (10).
		{"custom ladder, 10 days across Christmas 2027", customLadder, "2027-12-17", 1, "2028-01-05", "Manager"},
		// Thu 24 Dec 2026, 15 working days: 29, 30, 31 Dec (3), 4–8 Jan (8),
		// 11–15 Jan (13), Mon 18 (14), Tue 19 Jan 2027 (15).
		{"custom ladder, 15 days", customLadder, "2026-12-24", 2, "2027-01-19", "Director"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := challenge.Challenge{Raised: d("2026-01-01")}
			s := sent(tc.on, tc.stage)
			s.StageName, s.ResponseDue = "typed by the caller", d("2030-01-01") // both follow from the rules
			got, err := challenge.Append(c, s, tc.ladder, cal)
			if err != nil {
				t.Fatalf("Append: %v", err)
			}
			if got.ResponseDue != d(tc.wantDue) || got.StageName != tc.wantName {
				t.Errorf("sent %s to stage %d: due %s (%s) at %q; want %s at %q", tc.on, tc.stage,
					got.ResponseDue, got.ResponseDue.Weekday(), got.StageName, tc.wantDue, tc.wantName)
			}
		})
	}
}

func TestSkippingStages(t *testing.T) {
	l := challenge.DefaultLadder()
	// Each step is tried against the history of the accepted ones before it.
	var c challenge.Challenge
	c.Raised = d("2026-11-02")
	for _, tc := range []struct {
		name    string
		step    challenge.Step
		wantErr string
	}{
		{"first sent may be any stage: team manager, skipping informal", sent("2026-11-02", 1), ""},
		{"same stage again", sent("2026-11-03", 1), "already at the Team manager stage"},
		{"back to informal", sent("2026-11-03", 0), "stages can be skipped but never gone back to (Informal is earlier)"},
		{"skip the service manager to the head of service", sent("2026-11-10", 3), ""},
		{"back to the service manager", sent("2026-11-11", 2), "already gone to the Head of service stage"},
		{"no stage 6", sent("2026-11-11", 5), "no stage 6: the ladder has 5 stages"},
		{"a Cafcass referral is not sent as a stage", sent("2026-11-11", challenge.CafcassStage), "recorded as an outcome"},
		{"on to the last stage", sent("2026-11-12", 4), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := challenge.Append(c, tc.step, l, cal)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Append = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Append: %v", err)
			}
			c.Steps = append(c.Steps, got)
		})
	}
	var stages []int
	for _, s := range c.Steps {
		stages = append(stages, s.Stage)
	}
	if !slices.Equal(stages, []int{1, 3, 4}) {
		t.Errorf("stages sent = %v, want [1 3 4]", stages)
	}
}

// TestAppendRefusals: the state machine's refusals, each with a reason the
// IRO can act on. Nothing the rules refuse may slip through, whatever the
// history.
func TestAppendRefusals(t *testing.T) {
	l := challenge.DefaultLadder()
	resolved := []challenge.Step{sent("2026-11-02", 0), response("2026-11-05"), outcome("2026-11-06", challenge.Resolved, "")}
	for _, tc := range []struct {
		name      string
		history   []challenge.Step
		next      challenge.Step
		wantErr   string
		wantEnded bool
	}{
		{"response after resolved", resolved, response("2026-11-09"), "was resolved on Friday 6 November 2026", true},
		{"sent after resolved", resolved, sent("2026-11-09", 1), "only a correction can be added once a challenge has ended", true},
		{"outcome after withdrawn", []challenge.Step{outcome("2026-11-02", challenge.Withdrawn, "")},
			outcome("2026-11-03", challenge.Resolved, ""), "was withdrawn on Monday 2 November 2026", true},
		{"escalation after a Cafcass referral", []challenge.Step{sent("2026-11-02", 1), outcome("2026-11-04", challenge.ReferredCafcass, "Rights breached")},
			outcome("2026-11-05", challenge.Escalated, ""), "was referred to Cafcass", true},
		{"Cafcass twice", []challenge.Step{outcome("2026-11-04", challenge.ReferredCafcass, "Rights breached")},
			outcome("2026-11-05", challenge.ReferredCafcass, "Again"), "referred to Cafcass", true},
		{"Cafcass referral without a reason", nil, outcome("2026-11-02", challenge.ReferredCafcass, "  \n"), "needs the reason for referring", false},
		{"response with nothing sent", nil, response("2026-11-02"), "nothing is awaiting a response", false},
		{"second response to the same stage", []challenge.Step{sent("2026-11-02", 1), response("2026-11-03")},
			response("2026-11-04"), "nothing is awaiting a response", false},
		{"response after an outcome for that stage", []challenge.Step{sent("2026-11-02", 1), outcome("2026-11-03", challenge.Escalated, "")},
			response("2026-11-04"), "escalated on Tuesday 3 November 2026 and has not been sent to the next stage", false},
		{"escalated with nothing sent", nil, outcome("2026-11-02", challenge.Escalated, ""), "nothing to escalate", false},
		{"escalated twice", []challenge.Step{sent("2026-11-02", 1), outcome("2026-11-03", challenge.Escalated, "")},
			outcome("2026-11-04", challenge.Escalated, ""), "already escalated on Tuesday 3 November 2026", false},
		{"resolved after escalated, before the next stage was asked", []challenge.Step{sent("2026-11-02", 1), outcome("2026-11-03", challenge.Escalated, "")},
			outcome("2026-11-04", challenge.Resolved, ""), "send it to the next stage before recording how it was resolved", false},
		{"escalated from the last stage", []challenge.Step{sent("2026-11-02", 4)},
			outcome("2026-11-03", challenge.Escalated, ""), "Assistant director / DCS is the last stage of the ladder", false},
		{"sent to an earlier stage after escalating", []challenge.Step{sent("2026-11-02", 2), outcome("2026-11-03", challenge.Escalated, "")},
			sent("2026-11-04", 1), "never gone back to", false},
		{"an outcome with no outcome", nil, outcome("2026-11-02", "", ""), "needs an outcome: one of resolved, escalated, withdrawn, referred to Cafcass", false},
		{"an unknown outcome", nil, outcome("2026-11-02", "sorted", ""), `unknown outcome "sorted"`, false},
		{"an outcome on a response", []challenge.Step{sent("2026-11-02", 1)},
			challenge.Step{Kind: challenge.Response, On: d("2026-11-03"), Outcome: challenge.Resolved}, "only an outcome entry can say", false},
		{"an unknown kind", nil, challenge.Step{Kind: "phoned", On: d("2026-11-02")}, `unknown kind of entry "phoned"`, false},
		{"no date", nil, challenge.Step{Kind: challenge.Sent}, "needs a date", false},
		{"before the challenge was raised", nil, sent("2026-10-30", 0),
			"dated Friday 30 October 2026, before the challenge was raised on Monday 2 November 2026", false},
		{"dated before the latest entry", []challenge.Step{sent("2026-11-02", 0), response("2026-11-09")},
			outcome("2026-11-06", challenge.Resolved, ""), "before the latest entry in the history (Monday 9 November 2026)", false},
		{"a correction dated before the latest entry", resolved, correction("2026-11-05", "s2", "Answered by phone"), "before the latest entry", false},
		{"a correction naming no step", []challenge.Step{sent("2026-11-02", 0)}, correction("2026-11-03", "", "x"), "must say which entry it corrects", false},
		{"a correction naming an unknown step", []challenge.Step{sent("2026-11-02", 0)}, correction("2026-11-03", "s9", "x"), "no entry s9", false},
		{"a correction with no wording", []challenge.Step{sent("2026-11-02", 0)}, correction("2026-11-03", "s1", " "), "needs the corrected wording", false},
		{"a sent naming a step to correct", []challenge.Step{sent("2026-11-02", 0)},
			challenge.Step{Kind: challenge.Sent, On: d("2026-11-03"), Stage: 1, Corrects: "s1"}, "only a correction can name an entry", false},
		{"an id already in the history", []challenge.Step{sent("2026-11-02", 0)},
			challenge.Step{ID: "s1", Kind: challenge.Response, On: d("2026-11-03")}, "already has an entry s1", false},
		{"sent with a broken ladder", nil, sent("2026-11-02", 0), "has no name", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ladder := l
			if tc.name == "sent with a broken ladder" {
				ladder = challenge.Ladder{Stages: []challenge.Stage{{WorkingDays: 5}}}
			}
			c := build(t, l, "2026-11-02", tc.history...)
			got, err := challenge.Append(c, tc.next, ladder, cal)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("Append = %+v, %v; want an error containing %q", got, err, tc.wantErr)
			}
			if errors.Is(err, challenge.ErrEnded) != tc.wantEnded {
				t.Errorf("errors.Is(%v, ErrEnded) = %v, want %v", err, !tc.wantEnded, tc.wantEnded)
			}
		})
	}
}

// TestAppendAccepts: what the rules allow, and what Append fills in.
func TestAppendAccepts(t *testing.T) {
	l := challenge.DefaultLadder()
	for _, tc := range []struct {
		name      string
		history   []challenge.Step
		next      challenge.Step
		wantStage int
		wantName  string
	}{
		{"a response takes the stage it answers", []challenge.Step{sent("2026-11-02", 2)}, response("2026-11-04"), 2, "Service manager"},
		{"a response on the day it was sent", []challenge.Step{sent("2026-11-02", 0)}, response("2026-11-02"), 0, "Informal"},
		{"resolved after a response", []challenge.Step{sent("2026-11-02", 1), response("2026-11-03")},
			outcome("2026-11-03", challenge.Resolved, "Plan agreed"), 1, "Team manager"},
		{"resolved before anything was sent", nil, outcome("2026-11-02", challenge.Resolved, "Sorted on the phone"), 0, ""},
		{"withdrawn with nothing sent", nil, outcome("2026-11-03", challenge.Withdrawn, ""), 0, ""},
		{"withdrawn after escalating", []challenge.Step{sent("2026-11-02", 1), outcome("2026-11-03", challenge.Escalated, "")},
			outcome("2026-11-04", challenge.Withdrawn, "Child moved LA"), 1, "Team manager"},
		{"escalated without waiting for a response", []challenge.Step{sent("2026-11-02", 1)},
			outcome("2026-11-10", challenge.Escalated, "No reply"), 1, "Team manager"},
		{"sent to a later stage after escalating", []challenge.Step{sent("2026-11-02", 1), outcome("2026-11-10", challenge.Escalated, "")},
			sent("2026-11-10", 3), 3, "Head of service"},
		{"sent to a later stage without an escalation entry", []challenge.Step{sent("2026-11-02", 0)}, sent("2026-11-10", 1), 1, "Team manager"},
		{"Cafcass at the start, with a reason", nil, outcome("2026-11-02", challenge.ReferredCafcass, "Rights breached"), challenge.CafcassStage, "Cafcass"},
		{"Cafcass straight after escalating", []challenge.Step{sent("2026-11-02", 2), outcome("2026-11-03", challenge.Escalated, "")},
			outcome("2026-11-03", challenge.ReferredCafcass, "No plan after 5 stages"), challenge.CafcassStage, "Cafcass"},
		{"a correction after the end", []challenge.Step{sent("2026-11-02", 1), outcome("2026-11-06", challenge.Resolved, "")},
			correction("2026-11-20", "s1", "Sent to Ms Khan, not Ms Patel"), 1, "Team manager"},
		{"a correction after a Cafcass referral", []challenge.Step{outcome("2026-11-06", challenge.ReferredCafcass, "Rights")},
			correction("2026-11-06", "s1", "Referred on the 5th"), challenge.CafcassStage, "Cafcass"},
		{"a correction of a correction", []challenge.Step{sent("2026-11-02", 0), correction("2026-11-03", "s1", "a")},
			correction("2026-11-04", "s2", "b"), 0, "Informal"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := build(t, l, "2026-11-02", tc.history...)
			before := slices.Clone(c.Steps)
			next := tc.next
			next.StageName = "typed by the caller"
			got, err := challenge.Append(c, next, l, cal)
			if err != nil {
				t.Fatalf("Append: %v", err)
			}
			if got.Stage != tc.wantStage || got.StageName != tc.wantName {
				t.Errorf("stage %d %q, want %d %q", got.Stage, got.StageName, tc.wantStage, tc.wantName)
			}
			if got.Kind != challenge.Sent && !got.ResponseDue.IsZero() {
				t.Errorf("a %s has a response due (%s)", got.Kind, got.ResponseDue)
			}
			if got.Text != tc.next.Text || got.On != tc.next.On || got.Outcome != tc.next.Outcome || got.Corrects != tc.next.Corrects {
				t.Errorf("Append changed what the IRO wrote: %+v from %+v", got, tc.next)
			}
			if !reflect.DeepEqual(c.Steps, before) {
				t.Error("Append changed the challenge's history")
			}
		})
	}
}

func TestRaise(t *testing.T) {
	l := challenge.DefaultLadder()
	ok := challenge.Challenge{Raised: d("2026-12-24"), Category: challenge.Health, Issue: "No dentist for a year",
		Steps: []challenge.Step{sent("2026-12-24", 0), response("2026-12-29")}}
	got, err := challenge.Raise(ok, l, cal)
	if err != nil {
		t.Fatalf("Raise: %v", err)
	}
	if len(got.Steps) != 2 || got.Steps[0].ResponseDue != d("2027-01-05") || got.Steps[1].StageName != "Informal" {
		t.Errorf("Raise steps = %+v", got.Steps)
	}
	if ok.Steps[0].ResponseDue != (calendar.Date{}) {
		t.Error("Raise changed the caller's steps")
	}
	for _, tc := range []struct {
		name    string
		change  func(c *challenge.Challenge)
		wantErr string
	}{
		{"no date raised", func(c *challenge.Challenge) { c.Raised = calendar.Date{} }, "date it was raised"},
		{"no category", func(c *challenge.Challenge) { c.Category = "" }, "needs a category: one of drift / delay"},
		{"a label for a category", func(c *challenge.Challenge) { c.Category = "care plan" }, "needs a category"},
		{"no issue", func(c *challenge.Challenge) { c.Issue = "  " }, "needs the issue"},
		{"a refused step", func(c *challenge.Challenge) {
			c.Steps = []challenge.Step{sent("2026-12-24", 2), sent("2026-12-29", 1)}
		}, "entry 2: the challenge has already gone to the Service manager stage"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := ok
			c.Steps = slices.Clone(ok.Steps)
			tc.change(&c)
			if _, err := challenge.Raise(c, l, cal); err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("Raise = %v, want %q", err, tc.wantErr)
			}
		})
	}
}
