package tui

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/iro-app/iro/internal/calendar"
	"github.com/iro-app/iro/internal/challenge"
	"github.com/iro-app/iro/internal/drift"
	"github.com/iro-app/iro/internal/timescale"
)

// openChallengesFor opens a child's challenge screen from the caseload.
func openChallengesFor(t *testing.T, hs *harness, row int) {
	t.Helper()
	for range row {
		hs.keys(down)
	}
	hs.keys(enter, press('c'))
	if hs.app.active != challengeScreen {
		t.Fatalf("c did not open the challenges:\n%s", hs.screen())
	}
}

// fill types each value into the next field of the open dialog.
func fill(hs *harness, values ...string) {
	hs.t.Helper()
	for _, v := range values {
		hs.typeText(v)
		hs.keys(enter)
	}
}

func TestChallengeRaiseEscalateResolve(t *testing.T) {
	be := newBackend(60)
	hs := start(t, be, Ready, 120, 40)
	openChallengesFor(t, hs, 3)
	hs.mustSee("No challenges raised for this child")
	hs.keys(press('n'))
	hs.mustSee("Raise a challenge", "The issue, in your words")
	// About, issue, decision, remedy; the stage is filled in (1); addressee; sent today.
	fill(hs, "drift", "No permanence plan six months after the review", "Decision to defer the permanence plan",
		"A permanence planning meeting within 10 working days")
	hs.mustSee("Informal (social worker): response due Fri 27 Nov 2026") // 5 working days from Sunday 22nd
	fill(hs, "", "Sam Lee", "")
	if len(be.challenges) != 1 {
		t.Fatalf("challenge not raised:\n%s", hs.screen())
	}
	c := be.challenges[0]
	if c.Category != challenge.DriftDelay || len(c.Steps) != 1 || c.Steps[0].Kind != challenge.Sent || c.Steps[0].ResponseDue.String() != "2026-11-27" {
		t.Fatalf("raised %+v", c)
	}
	if !strings.Contains(c.Steps[0].Text, "No permanence plan six months after the review") {
		t.Errorf("the letter lacks the issue:\n%s", c.Steps[0].Text)
	}
	hs.mustSee("Letter to Sam Lee")

	// Escalate, skipping the team manager, straight to the service manager.
	hs.keys(press('e'))
	fill(hs, "3", "Ali Khan", "", "No reply from the social worker")
	steps := be.challenges[0].Steps
	if len(steps) != 3 || steps[1].Outcome != challenge.Escalated || steps[2].Stage != 2 || steps[2].Addressee != "Ali Khan" {
		t.Fatalf("escalation steps %+v\n%s", steps, hs.screen())
	}
	// Going back down the ladder is refused, in the dialog.
	hs.keys(press('e'))
	fill(hs, "2", "Jo Bloggs", "", "")
	hs.mustSee("later")
	hs.keys(esc)
	if len(be.challenges[0].Steps) != 3 {
		t.Fatal("a step back down the ladder was saved")
	}
	// A Cafcass referral needs a reason.
	hs.keys(press('o'))
	fill(hs, "referred to Cafcass", "", "")
	hs.mustSee("reason")
	hs.keys(esc)
	hs.keys(press('o'))
	fill(hs, "resolved", "Permanence planning meeting booked", "")
	last := be.challenges[0].Steps[len(be.challenges[0].Steps)-1]
	if last.Kind != challenge.Closed || last.Outcome != challenge.Resolved {
		t.Fatalf("outcome %+v", last)
	}
	// Nothing after a final outcome, but a correction is allowed.
	hs.keys(press('r'))
	fill(hs, "Late reply", "")
	hs.mustSee("resolved")
	hs.keys(esc)
	hs.keys(press('c'))
	fill(hs, "1", "The letter went to Sam Lee's manager too")
	if got := be.challenges[0].Steps[len(be.challenges[0].Steps)-1]; got.Kind != challenge.Correction {
		t.Fatalf("correction not appended: %+v", got)
	}
}

func TestChallengeFromRecommendation(t *testing.T) {
	be := newBackend(60)
	hs := start(t, be, Ready, 120, 40)
	openMeetingFor(t, hs)
	hs.keys(ctrlR)
	fill(hs, "Book the dentist", "carer", "", "2w")
	hs.keys(ctrlP, down, enter, ctrlX, press('y'))
	held := be.openReview
	for i, e := range hs.app.caseload.Entries() {
		if e.Child.ID == be.recs[0].ReviewID[len("review-"):len("review-")+len(e.Child.ID)] {
			e.Child.Reviews = append(e.Child.Reviews, held)
			hs.app.caseload.Entries()[i] = e
			hs.app.openChild(e)
		}
	}
	hs.keys(press('f'), press('3'), press('c'))
	if hs.app.active != challengeScreen {
		t.Fatalf("c in the tracker did not open a challenge:\n%s", hs.screen())
	}
	hs.mustSee("Raise a challenge", "Recommendation not done: Book the dentist")
	fill(hs, "", "", "", "", "", "Pat Doe", "")
	if len(be.challenges) != 1 || be.challenges[0].RecommendationID != be.recs[0].ID || be.challenges[0].ReviewID != held.ID {
		t.Fatalf("challenge not linked to the recommendation: %+v", be.challenges)
	}
}

func TestDriftDashboardJumps(t *testing.T) {
	be := newBackend(60)
	hs := start(t, be, Ready, 120, 40)
	hs.keys(press('d'))
	if hs.app.active != driftScreen {
		t.Fatalf("d did not open the drift dashboard:\n%s", hs.screen())
	}
	hs.mustSee("Drift ·", "overdue")
	facts, _ := be.DriftFacts(context.Background())
	items := drift.List(facts, today, calendar.Default(), timescale.DefaultRules(), challenge.DefaultLadder())
	if len(items) < 5 {
		t.Fatalf("the demo shows only %d drift items", len(items))
	}
	first := items[0]
	hs.mustSee(first.ChildName)
	hs.keys(enter)
	if hs.app.child.ChildID() != first.ChildID {
		t.Fatalf("enter on %q opened child %s, want %s", first.What, hs.app.child.ChildID(), first.ChildID)
	}
	if first.Jump.Screen == "child" && hs.app.active != childScreen {
		t.Fatalf("jump to the child screen landed on screen %d", hs.app.active)
	}
}

func TestChallengeGolden(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		w, h := size[0], size[1]
		t.Run(fmt.Sprintf("%dx%d", w, h), func(t *testing.T) {
			be := newBackend(60)
			hs := start(t, be, Ready, w, h)
			openChallengesFor(t, hs, 3)
			hs.keys(press('n'))
			fill(hs, "placement", "Placement 250 miles away without a plan to return", "Emergency placement decision", "A plan within 20 working days")
			golden(t, fmt.Sprintf("challenge_raise_%dx%d", w, h), hs.screen())
			fill(hs, "", "Sam Lee", "")
			hs.keys(press('l'))
			golden(t, fmt.Sprintf("challenge_%dx%d", w, h), hs.screen())
			hs.keys(esc, press('q'))
			hs = start(t, be, Ready, w, h)
			hs.keys(press('d'))
			golden(t, fmt.Sprintf("drift_%dx%d", w, h), hs.screen())
		})
	}
}
