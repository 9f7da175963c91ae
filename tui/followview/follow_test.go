package followview

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/iro-app/iro/internal/calendar"
	"github.com/iro-app/iro/internal/child"
	"github.com/iro-app/iro/internal/review"
	"github.com/iro-app/iro/internal/timescale"
	"github.com/iro-app/iro/tui/styles"
	"github.com/iro-app/iro/tui/tuitest"
)

var update = flag.Bool("update", false, "rewrite the golden files")

var d = calendar.MustParse

var today = d("2026-11-22") // a Sunday

// fakeBackend keeps what the follow-up wrote, in memory; fail makes every
// write fail while it is set.
type fakeBackend struct {
	mu         sync.Mutex
	fail       error
	reviews    []child.Review // every saved copy, in order
	letters    []string
	progress   map[string][]review.Progress
	monitoring []review.Monitoring
}

func (f *fakeBackend) SaveReview(_ context.Context, _ string, r *child.Review) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail != nil {
		return f.fail
	}
	r.Version++
	f.reviews = append(f.reviews, *r)
	return nil
}

func (f *fakeBackend) SaveLetter(_ context.Context, _, text string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail != nil {
		return f.fail
	}
	f.letters = append(f.letters, text)
	return nil
}

func (f *fakeBackend) AddProgress(_ context.Context, recID string, p *review.Progress) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail != nil {
		return f.fail
	}
	if f.progress == nil {
		f.progress = map[string][]review.Progress{}
	}
	p.ID = fmt.Sprintf("progress-%d", len(f.progress[recID])+1)
	f.progress[recID] = append(f.progress[recID], *p)
	return nil
}

func (f *fakeBackend) AddMonitoring(_ context.Context, _ string, m *review.Monitoring) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail != nil {
		return f.fail
	}
	m.ID, m.Version = fmt.Sprintf("check-%d", len(f.monitoring)+1), 1
	f.monitoring = append(f.monitoring, *m)
	return nil
}

func (f *fakeBackend) setFail(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fail = err
}

// session is Review 4 of a looked-after child, held on Thu 5 Nov 2026.
// Counted by hand on `cal -m`: decisions within 5 working days is Thu 12 Nov
// (overdue on the 22nd); the record within 20 is Thu 3 Dec, 9 working days
// after Sun 22 Nov, so due soon.
func session() Session {
	dentist := review.Recommendation{ID: "rec-2", Version: 1, ReviewID: "review-4", Text: "Book a dentist appointment",
		OwnerRole: "social worker", OwnerName: "Sam Lee", Due: d("2026-11-19"), Status: review.RecOpen,
		Progress: []review.Progress{{ID: "p-1", On: d("2026-11-18"), Text: "Emailed to ask if it is booked", Chased: "Sam Lee"}}}
	brother := review.Recommendation{ID: "rec-3", Version: 1, ReviewID: "review-4", Text: "Arrange monthly time with her brother",
		OwnerRole: "team manager", Due: d("2027-01-29"), Status: review.RecInProgress}
	pep := review.Recommendation{ID: "rec-4", Version: 1, ReviewID: "review-4", Text: "Update the PEP\x1b]0;pwned\x07",
		OwnerRole: "designated teacher", OwnerName: "Ms Price", Due: d("2026-12-04"), Status: review.RecOpen}
	camhs := review.Recommendation{ID: "rec-1", Version: 2, ReviewID: "review-3", Text: "Refer to CAMHS for an assessment",
		OwnerRole: "social worker", OwnerName: "Sam Lee", Due: d("2026-06-30"), Status: review.RecDone,
		Progress: []review.Progress{
			{ID: "p-0", On: d("2026-06-01"), Text: "Referral sent", Status: review.RecInProgress},
			{ID: "p-00", On: d("2026-06-24"), Text: "Assessment held; Amira is on the waiting list for weekly sessions, which the school will support", Status: review.RecDone},
		}}
	return Session{
		Child: child.Child{ID: "child-1", LAID: "LA123", FirstName: "Amira", LastName: "Khan", DOB: d("2015-03-02")},
		Review: child.Review{ID: "review-4", Version: 1, Kind: child.LAC, Sequence: 4, Due: d("2026-11-10"),
			Held: d("2026-11-05"), ParticipationCode: "PN1", State: string(review.Held)},
		Meeting: review.Meeting{
			ReviewID:          "review-4",
			WishesAndFeelings: "I want to see my brother more.",
			Attendees: []review.Attendee{
				{Name: "Amira Khan", Role: "child", Attendance: review.Present},
				{Name: "Sam Lee", Role: "social worker", Attendance: review.Present},
			},
			Sections: []review.Section{
				{Position: 0, Title: "Health", Notes: "Dental check overdue."},
				{Position: 1, Title: "Family time", Notes: "Fortnightly with Mum. Amira would like to see her brother every month."},
			},
			Recommendations: []review.Recommendation{dentist, brother, pep},
		},
		Schedule:        timescale.Meeting{Due: d("2026-11-10"), Held: d("2026-11-05"), DecisionsDue: d("2026-11-12"), RecordDue: d("2026-12-03")},
		MeetingName:     "Review 4",
		NextReview:      d("2027-05-05"),
		Recommendations: []review.Recommendation{camhs, dentist, brother, pep},
		Monitoring: []review.Monitoring{{ID: "check-0", Version: 1, On: d("2026-11-18"), Contact: "Sam Lee (social worker)",
			Checked: "Dentist booked?", Outcome: "Not yet; chased by email"}},
		IROName:  "Jo Marsden",
		Today:    today,
		Now:      func() time.Time { return time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC) },
		Calendar: calendar.Default(),
	}
}

// harness drives the screen like the Bubble Tea runtime does (see
// tuitest); commands that do not answer in 100 ms are timers, kept so a test
// can let them fire.
type harness struct {
	*tuitest.Driver
	m Model
}

func start(t *testing.T, be *fakeBackend, w, h int) *harness {
	t.Helper()
	hs := &harness{m: New(styles.Default(), be, session())}
	hs.Driver = tuitest.For(t, &hs.m)
	hs.m.SetSize(w, h)
	hs.Run(hs.m.Init())
	return hs
}

// field replaces what the focused form field holds.
func (hs *harness) field(s string) {
	hs.T.Helper()
	hs.Keys(ctrlU)
	hs.TypeSlowly(s)
}

var press = tuitest.Press

var (
	enter = tea.KeyPressMsg{Code: tea.KeyEnter}
	esc   = tea.KeyPressMsg{Code: tea.KeyEscape}
	tab   = tea.KeyPressMsg{Code: tea.KeyTab}
	btab  = tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	ctrlU = tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl}
)

func TestCirculateDecisionsThenRecordThenClose(t *testing.T) {
	be := &fakeBackend{}
	hs := start(t, be, 120, 40)
	hs.MustSee("Review 4 · Amira Khan · held 05 Nov 2026 · held",
		"Decisions  due 12 Nov 2026  !! OVERDUE", "Record     due 03 Dec 2026  !  due soon")

	hs.Keys(press('x'))
	hs.MustSee("Cannot close the review: a review's record must be circulated before it is closed.")
	if hs.m.Capturing() || len(be.reviews) != 0 {
		t.Fatal("closing before the record was circulated opened a dialog or saved")
	}

	hs.Keys(press('d'))
	hs.MustSee("Decisions circulated", "Sent on Sun 22 Nov 2026")
	hs.Keys(enter)
	if len(be.reviews) != 1 || be.reviews[0].State != string(review.DecisionsCirculated) || be.reviews[0].DecisionsCirculated != today {
		t.Fatalf("decisions not saved as circulated today: %+v", be.reviews)
	}
	if r := hs.m.Review(); r.Version != 2 || r.State != string(review.DecisionsCirculated) {
		t.Fatalf("the screen did not take the saved review: %+v", r)
	}
	hs.MustSee("· decisions circulated", "✓ sent on 22 Nov 2026 (late)", "Decisions circulated on 22 Nov 2026.")
	if hs.m.Capturing() {
		t.Fatal("the dialog stayed open after saving")
	}

	hs.Keys(press('r'), enter)
	if r := hs.m.Review(); r.Version != 3 || r.State != string(review.RecordCirculated) || r.RecordCirculated != today {
		t.Fatalf("record not circulated: %+v", r)
	}
	hs.MustSee("Record     due 03 Dec 2026  ✓ sent on 22 Nov 2026", "· record circulated")
	hs.MustNotSee("due soon")

	hs.Keys(press('d'))
	hs.MustSee(`Cannot mark the decisions circulated: cannot go back from "record circulated" to "decisions circulated".`)
	if hs.m.Capturing() || len(be.reviews) != 2 {
		t.Fatal("going back from record to decisions opened a dialog or saved")
	}

	hs.Keys(press('x'))
	hs.MustSee("Close the review", "cannot change")
	hs.Keys(press('y'))
	if r := hs.m.Review(); r.Version != 4 || r.State != string(review.Closed) {
		t.Fatalf("review not closed: %+v", r)
	}
	hs.MustSee("· closed", "Review closed.")
	hs.Keys(press('r'))
	hs.MustSee("Cannot mark the record circulated: a review that is closed cannot change.")
}

func TestCirculationDateRefused(t *testing.T) {
	be := &fakeBackend{}
	hs := start(t, be, 100, 30)
	hs.Keys(press('d'))
	for _, c := range []struct{ typed, why string }{
		{"2026-11-23", "23 Nov 2026 is in the future"},
		{"01/11/2026", "01 Nov 2026 is before the review was held (05 Nov 2026)"},
		{"31/02/2026", `"31/02/2026" is not a real date`},
		{"last week", `cannot read "last week" as a date`},
	} {
		hs.field(c.typed)
		hs.Keys(enter)
		hs.MustSee(c.why)
		if !hs.m.Capturing() || len(be.reviews) != 0 {
			t.Fatalf("%q: the dialog closed or the review was saved", c.typed)
		}
	}
	hs.field("6/11/2026") // day first, as UK practice writes it
	hs.Keys(enter)
	if r := hs.m.Review(); r.DecisionsCirculated != d("2026-11-06") {
		t.Fatalf("decisions circulated %s, want 2026-11-06", r.DecisionsCirculated)
	}
	hs.MustSee("Decisions  due 12 Nov 2026  ✓ sent on 06 Nov 2026\n")
	hs.MustNotSee("(late)")
}

func TestFailedSaveLosesNothing(t *testing.T) {
	be := &fakeBackend{}
	be.setFail(errors.New("disk I/O error"))
	hs := start(t, be, 100, 30)
	hs.Keys(press('d'), enter)
	hs.MustSee("NOT SAVED — disk I/O error", "Decisions circulated")
	if r := hs.m.Review(); r.State != string(review.Held) || !r.DecisionsCirculated.IsZero() || r.Version != 1 {
		t.Fatalf("a failed save changed the review: %+v", r)
	}
	hs.Keys(esc) // give up for now

	hs.Keys(press('4'), press('a'), enter)
	hs.TypeSlowly("Ms Price (designated teacher)")
	hs.Keys(enter)
	hs.TypeSlowly("PEP meeting date")
	hs.Keys(enter)
	hs.TypeSlowly("Set for 2 December")
	hs.Keys(enter)
	hs.MustSee("NOT SAVED — disk I/O error", "Ms Price (designated teacher)", "Set for 2 December")
	if !hs.m.Capturing() || !hs.m.Unsaved() || len(hs.m.s.Monitoring) != 1 {
		t.Fatal("the dialog closed although its check was not saved")
	}
	be.setFail(nil)
	hs.Keys(enter) // the failure left the cursor on the last field: enter tries again
	if len(be.monitoring) != 1 || be.monitoring[0].Outcome != "Set for 2 December" {
		t.Fatalf("retry did not save the check: %+v", be.monitoring)
	}
	if hs.m.Capturing() || hs.m.Unsaved() {
		t.Fatal("the dialog is still open after the retry saved")
	}
	hs.MustSee("Monitoring (2)", "Midway check saved.")
}

func TestLetterDraftAndAutosave(t *testing.T) {
	be := &fakeBackend{}
	hs := start(t, be, 100, 40)
	hs.Keys(press('2'))
	hs.MustSee("Letter to Amira", "draft, not saved until you edit it", "Dear Amira,",
		"review meeting on Thursday 5 November", `You said: "I want to see my brother more."`,
		"- Book a dentist appointment, by 19 November.", "Your next review meeting will be by 5 May 2027.", "Jo Marsden")

	hs.Keys(enter)
	if !hs.m.Capturing() {
		t.Fatal("enter did not put the letter editor in focus")
	}
	hs.TypeSlowly("PS dx") // d and x are text here, not shortcuts
	if hs.m.modal != nil || hs.m.Review().State != string(review.Held) {
		t.Fatal("a letter typed into the letter fired a shortcut")
	}
	hs.MustSee("saving…")
	if len(be.letters) != 0 {
		t.Fatal("saved before the autosave delay")
	}
	hs.FireTimers()
	if len(be.letters) != 1 || !strings.HasSuffix(be.letters[0], "PS dx") || !strings.HasPrefix(be.letters[0], "Dear Amira,") {
		t.Fatalf("autosave did not save the edited letter: %q", be.letters)
	}
	hs.MustSee("saved ")
	hs.MustNotSee("saving…")
	if hs.m.Unsaved() {
		t.Fatal("Unsaved after the letter was saved")
	}

	hs.Keys(esc)
	if hs.m.Capturing() {
		t.Fatal("esc did not leave the letter editor")
	}
	hs.Keys(press('1'), press('G'))
	hs.MustSee("Letter to the child", "PS dx") // the record carries the saved letter

	hs.Keys(press('2'), press('g'))
	hs.MustSee("Start again from a new draft")
	hs.Keys(esc)
	hs.MustSee("PS dx")
	hs.Keys(press('g'), press('y'))
	hs.MustNotSee("PS dx")
	hs.FireTimers()
	if last := be.letters[len(be.letters)-1]; strings.Contains(last, "PS dx") || !strings.HasPrefix(last, "Dear Amira,") {
		t.Fatalf("the new draft was not saved: %q", last)
	}
}

func TestProgressNoteWithStatusChange(t *testing.T) {
	be := &fakeBackend{}
	hs := start(t, be, 120, 40)
	hs.Keys(press('3'))
	hs.MustSee("Tracker (4, 1 !!)", "!! Book a dentist appointment", "OVERDUE", "18 Nov Emailed to ask")
	hs.Keys(press('j'))
	hs.MustSee("History Book a dentist appointment", "18 Nov 2026 Emailed to ask if it is booked")

	hs.Keys(enter)
	hs.MustSee("Progress: Book a dentist appointment", "unchanged (open)")
	hs.TypeSlowly("Booked for 1 December")
	hs.Keys(enter)
	hs.TypeSlowly("Sam Lee")
	hs.Keys(enter)
	hs.TypeSlowly("finished")
	hs.Keys(enter)
	hs.MustSee("The new status is open, in progress, done or not done")
	hs.field("done")
	hs.Keys(enter)

	got := be.progress["rec-2"]
	if len(got) != 1 || got[0].Text != "Booked for 1 December" || got[0].Chased != "Sam Lee" ||
		got[0].Status != review.RecDone || got[0].On != today {
		t.Fatalf("progress not saved as typed: %+v", got)
	}
	rec := hs.m.s.Recommendations[1]
	if rec.Status != review.RecDone || len(rec.Progress) != 2 || rec.Progress[1].ID != "progress-1" {
		t.Fatalf("tracker not updated from the saved progress: %+v", rec)
	}
	if hs.m.s.Meeting.Recommendations[0].Status != review.RecDone {
		t.Fatal("the record still shows the old status")
	}
	if session().Recommendations[1].Status != review.RecOpen {
		t.Fatal("the caller's session was changed")
	}
	hs.MustSee("Tracker (4)", "22 Nov 2026 Booked for 1 December", "Sam Lee", "Progress saved.")
	hs.MustNotSee("OVERDUE")
}

func TestMonitoringEntry(t *testing.T) {
	be := &fakeBackend{}
	hs := start(t, be, 120, 40)
	hs.Keys(press('4'))
	hs.MustSee("Monitoring (1)", "Sam Lee (social worker)", "Dentist booked?")
	hs.Keys(press('a'))
	hs.MustSee("Midway check", "2026-11-22")
	hs.field("20/11/2026")
	hs.Keys(enter, enter, enter, enter) // enter on the last field submits
	hs.MustSee("Say who you spoke to.")
	hs.TypeSlowly("Amira")
	hs.Keys(enter)
	hs.TypeSlowly("How school is going")
	hs.Keys(enter)
	hs.TypeSlowly("Enjoying art; wants a tutor for maths")
	hs.Keys(enter)
	if len(be.monitoring) != 1 {
		t.Fatalf("check not saved: %+v", be.monitoring)
	}
	if c := be.monitoring[0]; c.On != d("2026-11-20") || c.Contact != "Amira" || c.Checked != "How school is going" {
		t.Fatalf("check saved wrong: %+v", c)
	}
	hs.MustSee("Monitoring (2)", "20 Nov 2026 · Amira", "Enjoying art; wants a tutor for maths")
	hs.Keys(press('k'))
	hs.MustSee("18 Nov 2026 · Sam Lee (social worker)", "Not yet; chased by email")
}

func TestPartsAndLeaving(t *testing.T) {
	hs := start(t, &fakeBackend{}, 100, 30)
	for _, step := range []struct {
		key  tea.KeyPressMsg
		want part
	}{{tab, letterPart}, {tab, trackerPart}, {tab, monitoringPart}, {tab, recordPart}, {btab, monitoringPart}, {press('2'), letterPart}} {
		hs.Keys(step.key)
		if hs.m.part != step.want {
			t.Fatalf("after %s the part is %d, want %d", step.key, hs.m.part, step.want)
		}
	}
	hs.Keys(press('g'), esc) // esc in a dialog closes the dialog only
	if len(hs.Sent) != 0 {
		t.Fatalf("esc in a dialog left the screen: %v", hs.Sent)
	}
	hs.Keys(esc)
	if len(hs.Sent) != 1 || hs.Sent[0] != (Done{ChildID: "child-1"}) {
		t.Fatalf("esc did not say the IRO left: %v", hs.Sent)
	}
}

func TestDataIsSanitised(t *testing.T) {
	hs := start(t, &fakeBackend{}, 120, 40)
	for _, p := range []rune{'1', '3'} {
		hs.Keys(press(p), press('G'))
		if v := hs.m.View(); strings.Contains(v, "\x1b]") || strings.Contains(v, "\a") {
			t.Fatalf("part %c draws a stored escape sequence: %q", p, v)
		}
	}
}

func TestGoldenViews(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		w, h := size[0], size[1]
		t.Run(fmt.Sprintf("%dx%d", w, h), func(t *testing.T) {
			hs := start(t, &fakeBackend{}, w, h)
			golden(t, fmt.Sprintf("record_%dx%d", w, h), hs.Screen())
			hs.Keys(press('3'), press('j'))
			golden(t, fmt.Sprintf("tracker_%dx%d", w, h), hs.Screen())
		})
	}
}

// TestLayoutSweep draws each part at every width from 60 to 200 and the
// usual heights: exactly h lines, none wider than w.
func TestLayoutSweep(t *testing.T) {
	parts := map[string][]tea.KeyPressMsg{
		"record":          {press('G')},
		"letter":          {press('2'), enter},
		"tracker":         {press('3'), press('G')},
		"monitoring":      {press('4')},
		"progress dialog": {press('3'), enter},
		"monitoring form": {press('4'), press('a'), enter, enter},
	}
	for name, keys := range parts {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			hs := start(t, &fakeBackend{}, 200, 60)
			hs.Keys(keys...)
			for w := 60; w <= 200; w++ {
				for _, h := range []int{20, 24, 40, 60} {
					hs.m.SetSize(w, h)
					lines := strings.Split(hs.m.View(), "\n")
					if len(lines) != h {
						t.Fatalf("%dx%d: %d lines, want %d", w, h, len(lines), h)
					}
					for i, l := range lines {
						if lw := ansi.StringWidth(l); lw > w {
							t.Fatalf("%dx%d: line %d is %d wide: %q", w, h, i, lw, ansi.Strip(l))
						}
					}
				}
			}
		})
	}
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	tuitest.Golden(t, filepath.Join("testdata", name+".golden"), got, *update)
}
