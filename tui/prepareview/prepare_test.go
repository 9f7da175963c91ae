package prepareview

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/iro-app/iro/internal/calendar"
	"github.com/iro-app/iro/internal/review"
)

func TestPartsSwitchWithNumbersAndTab(t *testing.T) {
	hs := open(t, session(), 160, 40)
	hs.MustSee("Preparing Review 3 · Aisha Khan · due 04 Dec 2026 (! 10 working days)", "meeting 03 Dec 2026", "[1 Consultations !]")
	hs.Keys(press('3'))
	hs.MustSee("[3 Documents !!]", "social worker's report")
	hs.Keys(tab)
	hs.MustSee("[4 Care-plan checklist !]")
	hs.Keys(shiftTab, shiftTab, shiftTab, shiftTab)
	hs.MustSee("[6 Agenda]", "Progress on previous recommendations (3 carried forward)")
	hs.Keys(tab)
	hs.MustSee("[1 Consultations !]")
	if hs.m.Capturing() {
		t.Error("the screen captures keys with no dialog or editor focused")
	}
}

func TestEscGoesBackToTheChild(t *testing.T) {
	hs := open(t, session(), 100, 30)
	hs.Keys(esc)
	if len(hs.Sent) != 1 || hs.Sent[0] != (Done{ChildID: "child-1"}) {
		t.Fatalf("esc sent %v, want Done for child-1", hs.Sent)
	}
}

func TestAddConsultationWithTheChildSeenAlone(t *testing.T) {
	hs := open(t, session(), 120, 40)
	hs.MustSee("! Aisha has not been consulted for this review yet.")
	hs.Keys(press('a'))
	if !hs.m.Capturing() {
		t.Fatal("the consultation dialog does not capture keys")
	}
	hs.MustSee("Add a consultation", "Who (child")
	hs.fill("child", "Aisha", "visit", "20/11/2026")
	hs.MustSee("When: Fri 20 Nov 2026 (2 days ago)")
	hs.fill("y", "Wants more time with her brother")
	if hs.m.Capturing() {
		t.Fatalf("the dialog stayed open after saving:\n%s", hs.Screen())
	}
	if len(hs.be.consultations) != 1 {
		t.Fatalf("backend has %d consultations, want 1", len(hs.be.consultations))
	}
	c := hs.be.consultations[0]
	if c.Who != review.ConsulteeChild || c.How != review.MethodVisit || !c.SeenAlone ||
		c.On != calendar.MustParse("2026-11-20") || c.Name != "Aisha" || c.Summary != "Wants more time with her brother" {
		t.Errorf("saved %+v", c)
	}
	hs.MustSee("Consultation saved: child, 20 Nov 2026", "3 consultations recorded; the child has been seen alone.",
		"[1 Consultations] 2 Wishes")
	// Oldest first: the carer on the 12th, the social worker on the 18th, then the child.
	if line := hs.row("20 Nov 2026"); !strings.Contains(line, "› ") || !strings.Contains(line, "seen alone") {
		t.Errorf("the new row is not selected or lacks seen alone: %q", line)
	}
}

func TestConsultationNotSeenAloneWarns(t *testing.T) {
	hs := open(t, session(), 120, 40)
	hs.Keys(press('a'))
	hs.fill("child", "", "phone", "today", "", "")
	hs.MustSee("! Aisha has not been seen alone for this review.", "not alone")
}

func TestConsultationRefusesFutureDate(t *testing.T) {
	hs := open(t, session(), 120, 40)
	hs.Keys(press('a'))
	hs.fill("carer", "Jen", "phone", "2026-11-23")
	hs.MustSee("23 Nov 2026 is in the future")
	hs.fill("", "Talked about school")
	hs.MustSee("23 Nov 2026 is in the future: record it once it has happened")
	if len(hs.be.consultations) != 0 || !hs.m.Capturing() {
		t.Fatalf("a future consultation was saved or the dialog closed")
	}
	hs.Keys(esc)
	if hs.m.Capturing() {
		t.Error("esc did not close the dialog")
	}
}

func TestConsultationRefusals(t *testing.T) {
	for _, tc := range []struct {
		name   string
		values []string
		want   string
	}{
		{"nobody", []string{"", "", "visit", "", "", ""}, "say who was consulted"},
		{"unknown who", []string{"neighbour", "", "visit", "", "", ""}, `unknown consultee "neighbour"`},
		{"unknown how", []string{"carer", "", "pigeon", "", "", ""}, `unknown consultation method "pigeon"`},
		{"bad date", []string{"carer", "", "visit", "31/02/2026", "", ""}, `"31/02/2026" is not a real date`},
		{"alone for adults", []string{"carer", "", "visit", "", "y", ""}, "seen alone is recorded for the child only"},
		{"not yes or no", []string{"child", "", "visit", "", "maybe", ""}, "answer y or n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hs := open(t, session(), 120, 40)
			hs.Keys(press('a'))
			hs.fill(tc.values...)
			hs.MustSee(tc.want)
			if len(hs.be.consultations) != 0 {
				t.Error("a refused consultation was saved")
			}
		})
	}
}

func TestNotSavedKeepsWhatWasTyped(t *testing.T) {
	hs := open(t, session(), 120, 40)
	hs.be.failNext("AddConsultation", errors.New("disk full"))
	hs.Keys(press('a'))
	hs.fill("carer", "Jen", "phone", "today", "n", "Asked about contact")
	hs.MustSee("NOT SAVED — disk full", "Asked about contact")
	if !hs.m.Capturing() || len(hs.be.consultations) != 0 {
		t.Fatal("the dialog closed on a failed save")
	}
	hs.Keys(enter) // try again
	if hs.m.Capturing() || len(hs.be.consultations) != 1 || hs.be.consultations[0].Summary != "Asked about contact" {
		t.Fatalf("retry did not save what was typed: %+v", hs.be.consultations)
	}
	if hs.m.Unsaved() {
		t.Error("Unsaved is true with no wishes typed")
	}
}

func TestWishesAutosave(t *testing.T) {
	hs := open(t, session(), 100, 30)
	hs.Keys(press('2'))
	hs.MustSee("Nothing recorded yet: press enter to write")
	hs.Keys(enter)
	if !hs.m.Capturing() {
		t.Fatal("enter did not focus the editor")
	}
	hs.TypeSlowly("I want to stay with Jen and see Mum more. q1")
	if hs.m.part != wishesPart {
		t.Fatal("a letter or digit typed in the editor switched parts")
	}
	if !hs.m.Unsaved() {
		t.Error("typed wishes are not reported unsaved before the autosave")
	}
	hs.FireTimers()
	want := "I want to stay with Jen and see Mum more. q1"
	if got := hs.be.wishes["review-3"]; got != want {
		t.Fatalf("autosave wrote %q, want %q", got, want)
	}
	hs.MustSee("saved " + now().Local().Format("15:04:05"))
	if hs.m.Unsaved() {
		t.Error("Unsaved after the autosave committed")
	}
	hs.TypeSlowly(" The end.")
	hs.Keys(esc) // leaving the editor saves at once
	if got := hs.be.wishes["review-3"]; got != want+" The end." {
		t.Errorf("leaving the editor wrote %q", got)
	}
	if hs.m.Capturing() {
		t.Error("esc did not leave the editor")
	}
	hs.Keys(esc)
	if _, ok := hs.Sent[len(hs.Sent)-1].(Done); !ok {
		t.Error("a second esc did not leave the screen")
	}
}

func TestFlushWritesWishesBeforeQuitting(t *testing.T) {
	hs := open(t, session(), 100, 30)
	hs.Keys(press('2'), enter)
	hs.TypeSlowly("Closing the lid")
	cmd := hs.m.Flush()
	cmd()
	if got := hs.be.wishes["review-3"]; got != "Closing the lid" {
		t.Errorf("Flush wrote %q", got)
	}
}

func TestDocumentArrivedAfterItsDueDateIsLate(t *testing.T) {
	s := session()
	hs := open(t, s, 120, 40)
	hs.Keys(press('3'))
	due := review.DocumentDue(review.DocSocialWorkerReport, s.Review.Scheduled, s.Calendar)
	if due != calendar.MustParse("2026-11-12") {
		t.Fatalf("the report is due %s; the test expects 2026-11-12", due)
	}
	hs.MustSee("›!! social worker's report", "OVERDUE")
	hs.Keys(enter)
	hs.MustSee("Received: social worker's report")
	hs.TypeSlowly("20/11/2026")
	hs.MustSee("Received 20 Nov 2026: late")
	hs.Keys(enter)
	got := hs.be.documents[review.DocSocialWorkerReport]
	if got.Received != calendar.MustParse("2026-11-20") {
		t.Fatalf("saved %+v", got)
	}
	line := hs.row("social worker's report")
	for _, want := range []string{"›! ", "12 Nov 2026", "20 Nov 2026", "late"} {
		if !strings.Contains(line, want) {
			t.Errorf("row %q lacks %q", line, want)
		}
	}
	hs.Keys(press('x'))
	if got := hs.be.documents[review.DocSocialWorkerReport]; !got.Received.IsZero() {
		t.Errorf("x left the received date %s", got.Received)
	}
	if line := hs.row("social worker's report"); !strings.Contains(line, "OVERDUE") {
		t.Errorf("a cleared overdue report shows %q", line)
	}
}

func TestDocumentDefaultsToTodayAndKeepsItsID(t *testing.T) {
	hs := open(t, session(), 120, 40)
	hs.Keys(press('3'), down) // the care plan, received on the 20th
	hs.Keys(enter)
	for range len("2026-11-20") {
		hs.Keys(backspace)
	}
	hs.Keys(enter)
	got := hs.be.documents[review.DocCarePlan]
	if got.ID != "d1" || got.Received != today || got.Version != 2 {
		t.Errorf("saved %+v, want d1 received today at version 2", got)
	}
	hs.MustSee("care plan received 22 Nov 2026: on time")
}

func TestPathwayPlanOnlyFromSixteen(t *testing.T) {
	s := session()
	hs := open(t, s, 120, 40)
	hs.Keys(press('3'))
	hs.MustNotSee("pathway plan")
	s.Child.DOB = calendar.MustParse("2010-01-01")
	hs = open(t, s, 120, 40)
	hs.Keys(press('3'))
	hs.MustSee("pathway plan")
}

func TestChecklistMarks(t *testing.T) {
	hs := open(t, session(), 120, 40)
	hs.Keys(press('4'))
	hs.Keys(press('o'))
	hs.Keys(down, down, down, press('c')) // education
	hs.Keys(down, press('m'))             // contact
	want := map[review.Topic]review.Check{
		review.TopicPermanence: review.CheckOK,
		review.TopicEducation:  review.CheckConcern,
		review.TopicContact:    review.CheckMissing,
	}
	for topic, check := range want {
		if got := hs.be.checklist[topic].Check; got != check {
			t.Errorf("%s saved as %q, want %q", topic, got, check)
		}
	}
	if line := hs.row("permanence plan"); !strings.Contains(line, "OK") {
		t.Errorf("permanence row %q", line)
	}
	if line := hs.row("education / PEP"); !strings.Contains(line, " ! ") || !strings.Contains(line, "concern") {
		t.Errorf("education row %q", line)
	}
	if line := hs.row("contact / family time"); !strings.Contains(line, "!!") || !strings.Contains(line, "missing") {
		t.Errorf("contact row %q", line)
	}
	hs.MustSee("[4 Checklist !!]", "2 OK · 2 concerns · 1 missing · 5 not checked")
	// A note keeps the check.
	hs.Keys(enter)
	hs.fill("No contact plan since the move")
	if it := hs.be.checklist[review.TopicContact]; it.Note != "No contact plan since the move" || it.Check != review.CheckMissing {
		t.Errorf("note saved as %+v", it)
	}
}

func TestPreviousMarkedDone(t *testing.T) {
	hs := open(t, session(), 120, 40)
	hs.Keys(press('5'))
	hs.MustSee("3 from earlier reviews · 1 OVERDUE · 0 carried forward to Review 3")
	if line := hs.row("Book a dental check-up"); !strings.Contains(line, "!!") || !strings.Contains(line, "OVERDUE") {
		t.Errorf("overdue row %q", line)
	}
	hs.Keys(press('d'))
	hs.MustSee("Mark done: Book a dental check-up")
	hs.fill("Seen on 19 Nov, next in 6 months")
	p := hs.be.progress["r1"]
	if len(p) != 1 || p[0].Status != review.RecDone || p[0].Text != "Seen on 19 Nov, next in 6 months" || p[0].On != today {
		t.Fatalf("progress saved %+v", p)
	}
	if line := hs.row("Book a dental check-up"); !strings.Contains(line, "done") || strings.Contains(line, "OVERDUE") {
		t.Errorf("row after done %q", line)
	}
	hs.MustSee("Marked done: Book a dental check-up", "0 OVERDUE")
}

func TestNotDoneNeedsAReason(t *testing.T) {
	hs := open(t, session(), 120, 40)
	hs.Keys(press('5'), press('n'), enter)
	hs.MustSee("Say why it was not done.")
	if len(hs.be.progress["r1"]) != 0 {
		t.Error("not done was saved without a reason")
	}
}

func TestCarryForward(t *testing.T) {
	hs := open(t, session(), 120, 40)
	hs.Keys(press('5'))
	hs.Keys(press('c')) // open: refused
	hs.MustSee("Only a recommendation in progress or not done is carried forward")
	if len(hs.be.recs) != 0 {
		t.Fatal("an open recommendation was carried forward")
	}
	hs.Keys(down, press('c'))
	if len(hs.be.recs) != 1 {
		t.Fatalf("backend has %d new recommendations, want 1", len(hs.be.recs))
	}
	got := hs.be.recs[0]
	if got.ReviewID != "review-3" || got.Text != "Arrange life-story work" || got.Status != review.RecOpen || !got.Due.IsZero() {
		t.Errorf("carried forward as %+v", got)
	}
	note := hs.be.progress["r2"]
	if len(note) != 1 || note[0].Text != "carried forward to Review 3" || note[0].Status != "" {
		t.Errorf("the old recommendation's note is %+v", note)
	}
	hs.MustSee("Carried forward to Review 3: Arrange life-story work", "1 carried forward to Review 3")
	hs.Keys(press('c'))
	hs.MustSee("Already carried forward to Review 3.")
	if len(hs.be.recs) != 1 {
		t.Error("carried forward twice")
	}
}

func TestCarryForwardRetriesOnlyTheMissingNote(t *testing.T) {
	hs := open(t, session(), 120, 40)
	hs.Keys(press('5'), down, down) // not done
	hs.be.failNext("AddProgress", errors.New("disk full"))
	hs.Keys(press('c'))
	hs.MustSee("NOT SAVED — carried forward, but the note on the old recommendation was not saved")
	if len(hs.be.recs) != 1 || len(hs.be.progress["r3"]) != 0 {
		t.Fatalf("after the failed note: %d copies, %d notes", len(hs.be.recs), len(hs.be.progress["r3"]))
	}
	hs.Keys(press('c'))
	if len(hs.be.recs) != 1 || len(hs.be.progress["r3"]) != 1 {
		t.Fatalf("retry made %d copies and %d notes, want 1 and 1", len(hs.be.recs), len(hs.be.progress["r3"]))
	}
	hs.MustSee("1 carried forward to Review 3")
}

func TestMarkToChallenge(t *testing.T) {
	hs := open(t, session(), 120, 40)
	hs.Keys(press('5'), down, down, press('!'))
	p := hs.be.progress["r3"]
	if len(p) != 1 || p[0].Text != "IRO to raise a challenge" || p[0].Status != "" {
		t.Fatalf("challenge note saved as %+v", p)
	}
	hs.MustSee("comes in a later version")
	if line := hs.row("Complete the PEP"); !strings.Contains(line, "IRO to raise a challenge") {
		t.Errorf("row %q lacks the note", line)
	}
}

func TestAgendaEdits(t *testing.T) {
	s := session()
	hs := open(t, s, 120, 40)
	titles := func() []string {
		var out []string
		for _, sec := range hs.m.s.Meeting.Sections {
			out = append(out, sec.Title)
		}
		return out
	}
	hs.Keys(press('6'), press('a'))
	hs.fill("Sibling contact")
	n := len(s.Meeting.Sections)
	if got := titles(); len(got) != n+1 || got[n] != "Sibling contact" {
		t.Fatalf("agenda after adding: %q", got)
	}
	if got := hs.be.agenda(); got[n] != "Sibling contact" {
		t.Fatalf("stored agenda after adding: %q", got)
	}
	hs.MustSee("› ", "Section added: Sibling contact")

	hs.Keys(enter)
	for range len("Sibling contact") {
		hs.Keys(backspace)
	}
	hs.fill("Contact with Sami")
	if got := titles()[n]; got != "Contact with Sami" {
		t.Fatalf("renamed to %q", got)
	}

	hs.Keys(shiftK, shiftK) // up two places
	want := slices.Clone(titles())
	if want[n-2] != "Contact with Sami" {
		t.Fatalf("after K K the section is not two up: %q", want)
	}
	if got := hs.be.agenda(); !slices.Equal(got, want) {
		t.Fatalf("stored order %q, screen order %q", got, want)
	}
	hs.Keys(shiftJ)
	if got := titles(); got[n-1] != "Contact with Sami" || !slices.Equal(hs.be.agenda(), got) {
		t.Fatalf("after J: screen %q, store %q", got, hs.be.agenda())
	}

	hs.Keys(press('x'))
	hs.MustSee(`Delete "Contact with Sami" from the agenda`)
	hs.Keys(press('n'))
	if len(titles()) != n+1 {
		t.Fatal("n deleted the section")
	}
	hs.Keys(press('x'), press('y'))
	if got := titles(); len(got) != n || slices.Contains(got, "Contact with Sami") {
		t.Fatalf("after delete: %q", got)
	}
	if got := hs.be.agenda(); len(got) != n {
		t.Fatalf("stored agenda after delete: %q", got)
	}
	hs.Keys(press('a'))
	hs.fill("Any other business")
	if got := hs.be.agenda(); got[len(got)-1] != "Any other business" {
		t.Errorf("a section added after a delete is not last: %q", got)
	}
}

func TestAgendaMoveFailureKeepsTheStoredOrder(t *testing.T) {
	hs := open(t, session(), 120, 40)
	hs.Keys(press('6'), down)
	before := hs.be.agenda()
	hs.be.failNext("UpdateSection", nil, errors.New("disk full"))
	hs.Keys(shiftK)
	hs.MustSee("NOT SAVED — disk full")
	if got := hs.be.agenda(); !slices.Equal(got, before) {
		t.Fatalf("store order changed after a failed move: %q", got)
	}
	var screen []string
	for _, s := range hs.m.s.Meeting.Sections {
		screen = append(screen, s.Title)
	}
	if !slices.Equal(screen, before) {
		t.Fatalf("screen order %q, store %q", screen, before)
	}
	hs.Keys(shiftK) // versions kept in step: the next move works
	if got := hs.be.agenda(); got[0] != before[1] {
		t.Fatalf("move after the failure did not save: %q", got)
	}
}

func TestHelpFollowsThePart(t *testing.T) {
	hs := open(t, session(), 120, 40)
	for i, want := range []string{"add consultation", "write", "set received date", "concern", "carry forward", "move up"} {
		hs.Keys(press(rune('1' + i)))
		var descs []string
		for _, b := range hs.m.ShortHelp() {
			descs = append(descs, b.Help().Desc)
		}
		if !slices.Contains(descs, want) {
			t.Errorf("part %d help %q lacks %q", i+1, descs, want)
		}
		if len(hs.m.FullHelp()) == 0 {
			t.Errorf("part %d has no full help", i+1)
		}
	}
	hs.Keys(press('a'))
	if got := hs.m.ShortHelp(); len(got) == 0 || got[0].Help().Key != "enter" {
		t.Errorf("agenda dialog help is %v", got)
	}
}

func TestDataIsSanitised(t *testing.T) {
	s := session()
	s.Child.FirstName = "Ai\x1b]0;pwned\x07sha"
	s.Meeting.Consultations[0].Summary = "ok\x1b[2Jcleared"
	s.Meeting.Sections[0].Title = "Intro\x1b[31mred"
	hs := open(t, s, 120, 40)
	for p := range partCount {
		hs.Keys(press(rune('1' + p)))
		if v := hs.m.View(); strings.Contains(v, "\x1b]0;") || strings.Contains(v, "\x1b[2J") || strings.Contains(v, "\x1b[31mred") {
			t.Errorf("part %d draws an escape sequence from the data", p+1)
		}
	}
	hs.MustSee("Introred")
}

func TestGoldenViews(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		for _, p := range []part{consultationsPart, wishesPart, documentsPart, checklistPart, previousPart, agendaPart} {
			name := fmt.Sprintf("%s_%dx%d", strings.ToLower(partNames[p][2]), size[0], size[1])
			t.Run(name, func(t *testing.T) {
				s := session()
				s.Meeting.WishesAndFeelings = "I like living with Jen.\nI want to see Mum every week, not every month."
				hs := open(t, s, size[0], size[1])
				hs.Keys(press(rune('1' + p)))
				golden(t, name, hs.Screen())
			})
		}
	}
	t.Run("dialog_80x24", func(t *testing.T) {
		hs := open(t, session(), 80, 24)
		hs.Keys(press('a'))
		hs.fill("child", "Aisha", "visit", "2026-12-01")
		golden(t, "dialog_80x24", hs.Screen())
	})
}

func TestLayoutSweep(t *testing.T) {
	s := session()
	s.Meeting.WishesAndFeelings = strings.Repeat("A long paragraph in the child's own words. ", 40)
	for i := range 40 {
		s.Meeting.Consultations = append(s.Meeting.Consultations, review.Consultation{
			ID: fmt.Sprintf("x%d", i), Who: review.ConsulteeIndependentVisitor, Name: strings.Repeat("名前", 8),
			How: review.MethodForm, On: today.AddDays(-i), Summary: strings.Repeat("wide 日本語 text ", 10)})
	}
	type view struct {
		prepare func(hs *harness)
		step    int // widths tried: every one for the parts, fewer for dialogs
	}
	views := map[string]view{}
	for p := range partCount {
		views[partNames[p][2]] = view{step: 1, prepare: func(hs *harness) {
			hs.Keys(press(rune('1' + p)))
			hs.Keys(press('G')) // the last row, scrolled
		}}
	}
	views["consultation dialog"] = view{step: 7, prepare: func(hs *harness) {
		hs.Keys(press('a'))
		hs.fill("child", "", "visit", "tomorrow")
	}}
	views["delete question"] = view{step: 7, prepare: func(hs *harness) { hs.Keys(press('6'), press('x')) }}
	views["wishes editor"] = view{step: 7, prepare: func(hs *harness) { hs.Keys(press('2'), enter) }}
	for name, v := range views {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			hs := open(t, s, 100, 30)
			v.prepare(hs)
			for _, h := range []int{20, 24, 40, 60} {
				for w := 60; w <= 200; w += v.step {
					hs.m.SetSize(w, h)
					lines := strings.Split(hs.m.View(), "\n")
					if len(lines) != h {
						t.Fatalf("%dx%d: %d lines", w, h, len(lines))
					}
					for i, l := range lines {
						if got := ansi.StringWidth(l); got > w {
							t.Fatalf("%dx%d: line %d is %d wide: %q", w, h, i, got, l)
						}
					}
				}
			}
		})
	}
}
