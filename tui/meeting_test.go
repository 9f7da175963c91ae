package tui

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/iro-app/iro/internal/child"
	"github.com/iro-app/iro/internal/review"
)

var (
	ctrlR    = tea.KeyPressMsg{Code: 'r', Mod: tea.ModCtrl}
	ctrlP    = tea.KeyPressMsg{Code: 'p', Mod: tea.ModCtrl}
	ctrlX    = tea.KeyPressMsg{Code: 'x', Mod: tea.ModCtrl}
	ctrlO    = tea.KeyPressMsg{Code: 'o', Mod: tea.ModCtrl}
	shiftTab = tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
)

// openMeetingFor finds a looked-after child aged 4 or over in the demo and
// opens their meeting from the child screen.
func openMeetingFor(t *testing.T, hs *harness) child.Child {
	t.Helper()
	var target child.Child
	for _, e := range hs.app.caseload.Entries() {
		if e.Kind == child.LAC && e.Age >= 4 && e.Age < 16 {
			target = e.Child
			break
		}
	}
	hs.keys(press('/'))
	hs.typeText(strings.ToLower(target.LAID))
	hs.keys(enter, enter)
	hs.mustSee(target.Name(), "m meeting")
	hs.keys(press('m'))
	if hs.app.active != meetingScreen {
		t.Fatalf("m did not open the meeting:\n%s", hs.screen())
	}
	return target
}

func TestMeetingNotesAutosaveAcrossSections(t *testing.T) {
	be := newBackend(60)
	hs := start(t, be, Ready, 100, 30)
	openMeetingFor(t, hs)
	hs.mustSee("Agenda", "Introductions and participation", "Recommendations 0")
	hs.typeText("Everyone introduced themselves.")
	hs.keys(tab)
	hs.typeText("Amy says she likes her school.")
	hs.keys(shiftTab)
	hs.mustSee("Everyone introduced themselves.")
	notes := be.meetings[be.openReview.ID].Sections
	if notes[0].Notes != "Everyone introduced themselves." || notes[1].Notes != "Amy says she likes her school." {
		t.Fatalf("notes not saved: %q / %q", notes[0].Notes, notes[1].Notes)
	}
	hs.mustSee("saved ")
	if hs.app.pages[meetingScreen].Unsaved() {
		t.Error("meeting reports unsaved text after the autosave")
	}
	// q is text in a meeting, never quit
	hs.typeText("q")
	if hs.quit {
		t.Fatal("q quit in the middle of a meeting")
	}
}

func TestMeetingLeaveAndResume(t *testing.T) {
	be := newBackend(60)
	hs := start(t, be, Ready, 100, 30)
	openMeetingFor(t, hs)
	hs.typeText("Part one of the meeting.")
	hs.keys(esc)
	if hs.app.active != childScreen {
		t.Fatal("esc did not leave the meeting")
	}
	hs.keys(press('m'))
	hs.mustSee("Part one of the meeting.")
}

func TestMeetingRecommendationWithShorthandDue(t *testing.T) {
	be := newBackend(60)
	hs := start(t, be, Ready, 100, 30)
	openMeetingFor(t, hs)
	hs.typeText("Some notes")
	hs.keys(ctrlR)
	hs.mustSee("Recommendation", "What needs to happen")
	hs.typeText("Update the health plan")
	hs.keys(enter)
	hs.typeText("social worker")
	hs.keys(enter)
	hs.typeText("Priya Shah")
	hs.keys(enter)
	hs.typeText("10wd")
	hs.mustSee("Due: Fri 04 Dec 2026 (10 working days)") // 22 Nov 2026 is a Sunday; 23 Nov is day 1
	hs.keys(enter)
	if len(be.recs) != 1 {
		t.Fatalf("recommendation not saved: %+v", be.recs)
	}
	r := be.recs[0]
	if r.Text != "Update the health plan" || r.OwnerRole != "social worker" || r.OwnerName != "Priya Shah" || r.Due.String() != "2026-12-04" || r.ReviewID != be.openReview.ID {
		t.Fatalf("saved %+v", r)
	}
	hs.mustSee("Recommendations 1", "Some notes")
}

func TestMeetingRecommendationRefusesBadDue(t *testing.T) {
	be := newBackend(60)
	hs := start(t, be, Ready, 100, 30)
	openMeetingFor(t, hs)
	hs.keys(ctrlR)
	hs.typeText("Book a dental check")
	hs.keys(enter)
	hs.typeText("carer")
	hs.keys(enter, enter)
	hs.typeText("2020-01-01")
	hs.keys(enter)
	if len(be.recs) != 0 {
		t.Fatal("a due date in the past was saved")
	}
	hs.mustSee("passed")
	hs.keys(esc)
	hs.mustNotSee("What needs to happen")
}

func TestMeetingParticipationAndEnd(t *testing.T) {
	be := newBackend(60)
	hs := start(t, be, Ready, 100, 30)
	openMeetingFor(t, hs)
	hs.keys(ctrlX)
	hs.mustSee("participation code")
	hs.keys(press('y')) // refused: nothing happens
	if !be.heldAt.IsZero() {
		t.Fatal("the meeting was held without a participation code")
	}
	hs.keys(esc, ctrlP)
	hs.mustSee("PN0", "PN7", "Does not attend")
	hs.keys(enter) // PN0 for a child of 4 or over
	hs.mustSee("4")
	hs.keys(down, enter) // PN1
	if be.openReview.ParticipationCode != "PN1" {
		t.Fatalf("participation %q saved, want PN1", be.openReview.ParticipationCode)
	}
	hs.keys(ctrlO)
	hs.typeText("Sam Patel")
	hs.keys(enter)
	hs.typeText("social worker")
	hs.keys(enter, enter)
	hs.keys(esc)
	if len(be.attendees) != 1 || be.attendees[0].Attendance != review.Present {
		t.Fatalf("attendance %+v", be.attendees)
	}
	hs.mustSee("Attendance  1 present")
	hs.keys(ctrlX)
	hs.mustSee("Decisions to circulate by", "Record to circulate by", "Next review due by")
	hs.keys(press('y'))
	if be.heldAt.IsZero() || be.openReview.State != string(review.Held) || be.openReview.Held != today {
		t.Fatalf("not held: %+v", be.openReview)
	}
	if hs.app.active != childScreen {
		t.Fatal("ending the meeting did not return to the child")
	}
}

func TestQuitFlushesMeetingNotes(t *testing.T) {
	be := newBackend(60)
	hs := start(t, be, Ready, 100, 30)
	openMeetingFor(t, hs)
	// Type without letting the autosave timer run, then ctrl+c at once.
	m, _ := hs.app.Update(tea.KeyPressMsg{Code: 'Z', Text: "Z"})
	hs.app = m.(App)
	hs.send(ctrlC)
	if !hs.quit {
		t.Fatal("ctrl+c did not quit")
	}
	if got := be.meetings[be.openReview.ID].Sections[0].Notes; got != "Z" {
		t.Fatalf("quitting lost the last keystroke: notes %q", got)
	}
}

func TestMeetingGolden(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		w, h := size[0], size[1]
		t.Run(fmt.Sprintf("%dx%d", w, h), func(t *testing.T) {
			hs := start(t, newBackend(60), Ready, w, h)
			openMeetingFor(t, hs)
			hs.typeText("Everyone introduced themselves; Amy chose to come for the second half.")
			// the elapsed clock and save time change with the wall clock
			golden(t, fmt.Sprintf("meeting_%dx%d", w, h), stableMeetingScreen(hs.screen()))
			hs.keys(ctrlR)
			golden(t, fmt.Sprintf("meeting_recommendation_%dx%d", w, h), stableMeetingScreen(hs.screen()))
		})
	}
}

// stableMeetingScreen blanks the parts of the meeting screen that depend on
// the wall clock: the elapsed time and the save time.
func stableMeetingScreen(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if j := strings.Index(l, "⏱"); j >= 0 {
			lines[i] = l[:j] + "⏱ (clock)"
		}
	}
	return strings.Join(lines, "\n")
}

// TestMeetingThenFollowUp: end a meeting, open its follow-up from the child
// screen, see the record with the recommendation, mark the decisions
// circulated and come back.
func TestMeetingThenFollowUp(t *testing.T) {
	be := newBackend(60)
	hs := start(t, be, Ready, 120, 40)
	target := openMeetingFor(t, hs)
	hs.typeText("Notes for the record.")
	hs.keys(ctrlR)
	hs.typeText("Book the dentist")
	hs.keys(enter)
	hs.typeText("carer")
	hs.keys(enter, enter)
	hs.typeText("2w")
	hs.keys(enter)
	hs.keys(ctrlP, down, enter, ctrlX, press('y'))
	if hs.app.active != childScreen {
		t.Fatalf("not back on the child screen:\n%s", hs.screen())
	}
	// The fake store does not feed the held review back into the caseload,
	// so hand it to the child the way a reload from the real store would.
	held := be.openReview
	for i, e := range hs.app.caseload.Entries() {
		if e.Child.ID == target.ID {
			e.Child.Reviews = append(e.Child.Reviews, held)
			hs.app.caseload.Entries()[i] = e
			hs.app.openChild(e)
		}
	}
	hs.keys(press('f'))
	if hs.app.active != followScreen {
		t.Fatalf("f did not open the follow-up:\n%s", hs.screen())
	}
	hs.mustSee("Notes for the record.")
	hs.keys(press('3'))
	hs.mustSee("Book the dentist")
	hs.keys(press('1'), press('d'))
	hs.keys(enter)
	if be.openReview.State != string(review.DecisionsCirculated) || be.openReview.DecisionsCirculated != today {
		t.Fatalf("decisions not circulated: %+v", be.openReview)
	}
	hs.keys(esc)
	if hs.app.active != childScreen {
		t.Fatal("esc did not leave the follow-up")
	}
}

// TestPrepareThenMeeting: the wishes typed while preparing are saved, and the
// meeting opened afterwards is the same review with the same agenda.
func TestPrepareThenMeeting(t *testing.T) {
	be := newBackend(60)
	hs := start(t, be, Ready, 100, 30)
	openMeetingFor(t, hs) // opens the child's screen on the way
	hs.keys(esc)
	hs.keys(press('p'))
	if hs.app.active != prepareScreen {
		t.Fatalf("p did not open the preparation:\n%s", hs.screen())
	}
	hs.mustSee("Consultations", "Wishes")
	hs.keys(press('2'), enter)
	hs.typeText("I want to stay at my school.")
	hs.keys(esc, esc)
	if hs.app.active != childScreen {
		t.Fatalf("esc did not leave the preparation:\n%s", hs.screen())
	}
	if got := be.meetings[be.openReview.ID].WishesAndFeelings; got != "I want to stay at my school." {
		t.Fatalf("wishes saved as %q", got)
	}
}
