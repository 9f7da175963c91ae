package prepareview

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

	"github.com/iro-app/iro/internal/calendar"
	"github.com/iro-app/iro/internal/child"
	"github.com/iro-app/iro/internal/review"
	"github.com/iro-app/iro/tui/styles"
	"github.com/iro-app/iro/tui/tuitest"
)

var update = flag.Bool("update", false, "rewrite the golden files")

var today = calendar.MustParse("2026-11-22")

// now is a fixed clock: 10:15:30 on the test's today.
func now() time.Time { return time.Date(2026, 11, 22, 10, 15, 30, 0, time.UTC) }

// fakeBackend is the store in memory. failures plans the outcome of the
// next calls of a method, one entry per call (nil succeeds).
type fakeBackend struct {
	mu            sync.Mutex
	n             int
	failures      map[string][]error
	consultations []review.Consultation
	wishes        map[string]string
	documents     map[review.DocumentKind]review.Document
	checklist     map[review.Topic]review.ChecklistItem
	progress      map[string][]review.Progress
	recs          []review.Recommendation
	sections      map[string]review.Section
}

func newBackend(s Session) *fakeBackend {
	f := &fakeBackend{failures: map[string][]error{}, wishes: map[string]string{}, documents: map[review.DocumentKind]review.Document{},
		checklist: map[review.Topic]review.ChecklistItem{}, progress: map[string][]review.Progress{}, sections: map[string]review.Section{}}
	for _, sec := range s.Meeting.Sections {
		f.sections[sec.ID] = sec
	}
	return f
}

// begin takes the lock and the outcome planned for this call of method.
func (f *fakeBackend) begin(method string) error {
	f.mu.Lock()
	f.n++
	plan := f.failures[method]
	if len(plan) == 0 {
		return nil
	}
	f.failures[method] = plan[1:]
	return plan[0]
}

// failNext plans the outcomes of the next calls of method.
func (f *fakeBackend) failNext(method string, errs ...error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failures[method] = errs
}

func (f *fakeBackend) AddConsultation(_ context.Context, _ string, c *review.Consultation) error {
	err := f.begin("AddConsultation")
	defer f.mu.Unlock()
	if err != nil {
		return err
	}
	c.ID, c.Version = fmt.Sprintf("consultation-%d", f.n), 1
	f.consultations = append(f.consultations, *c)
	return nil
}

func (f *fakeBackend) SaveWishes(_ context.Context, reviewID, text string) error {
	err := f.begin("SaveWishes")
	defer f.mu.Unlock()
	if err != nil {
		return err
	}
	f.wishes[reviewID] = text
	return nil
}

func (f *fakeBackend) SaveDocument(_ context.Context, _ string, d *review.Document) error {
	err := f.begin("SaveDocument")
	defer f.mu.Unlock()
	if err != nil {
		return err
	}
	if d.ID == "" {
		d.ID = fmt.Sprintf("document-%d", f.n)
	}
	d.Version++
	f.documents[d.Kind] = *d
	return nil
}

func (f *fakeBackend) SaveChecklistItem(_ context.Context, _ string, it *review.ChecklistItem) error {
	err := f.begin("SaveChecklistItem")
	defer f.mu.Unlock()
	if err != nil {
		return err
	}
	if it.ID == "" {
		it.ID = fmt.Sprintf("check-%d", f.n)
	}
	it.Version++
	f.checklist[it.Topic] = *it
	return nil
}

func (f *fakeBackend) AddProgress(_ context.Context, recID string, p *review.Progress) error {
	err := f.begin("AddProgress")
	defer f.mu.Unlock()
	if err != nil {
		return err
	}
	p.ID = fmt.Sprintf("progress-%d", f.n)
	f.progress[recID] = append(f.progress[recID], *p)
	return nil
}

func (f *fakeBackend) AddRecommendation(_ context.Context, _ string, r *review.Recommendation) error {
	err := f.begin("AddRecommendation")
	defer f.mu.Unlock()
	if err != nil {
		return err
	}
	r.ID, r.Version = fmt.Sprintf("rec-%d", f.n), 1
	f.recs = append(f.recs, *r)
	return nil
}

func (f *fakeBackend) AddSection(_ context.Context, _ string, s *review.Section) error {
	err := f.begin("AddSection")
	defer f.mu.Unlock()
	if err != nil {
		return err
	}
	s.ID, s.Version = fmt.Sprintf("section-%d", f.n), 1
	f.sections[s.ID] = *s
	return nil
}

func (f *fakeBackend) UpdateSection(_ context.Context, s *review.Section) error {
	err := f.begin("UpdateSection")
	defer f.mu.Unlock()
	if err != nil {
		return err
	}
	stored, ok := f.sections[s.ID]
	switch {
	case !ok:
		return errors.New("no such section")
	case stored.Version != s.Version:
		return errors.New("conflict: the section changed since it was read")
	}
	s.Version++
	f.sections[s.ID] = *s
	return nil
}

func (f *fakeBackend) DeleteSection(_ context.Context, id string) error {
	err := f.begin("DeleteSection")
	defer f.mu.Unlock()
	if err != nil {
		return err
	}
	delete(f.sections, id)
	return nil
}

// agenda is the stored section titles in position order.
func (f *fakeBackend) agenda() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	byPos := map[int][]string{}
	lo, hi := 1<<30, -1
	for _, s := range f.sections {
		byPos[s.Position] = append(byPos[s.Position], s.Title)
		lo, hi = min(lo, s.Position), max(hi, s.Position)
	}
	var titles []string
	for p := lo; p <= hi; p++ {
		titles = append(titles, byPos[p]...)
	}
	return titles
}

// session is a hand-built child two weeks before their third review.
func session() Session {
	kid := child.Child{ID: "child-1", FirstName: "Aisha", LastName: "Khan", DOB: calendar.MustParse("2014-03-09"), LAID: "LA123"}
	r := child.Review{ID: "review-3", Kind: child.LAC, Sequence: 3, Due: calendar.MustParse("2026-12-04"),
		Scheduled: calendar.MustParse("2026-12-03"), State: string(review.Preparing)}
	var sections []review.Section
	for i, title := range review.DefaultAgenda(review.AgendaInput{Kind: child.LAC, Age: 12, CarriedForward: 3}) {
		sections = append(sections, review.Section{ID: fmt.Sprintf("s%02d", i), Version: 1, Position: i, Title: title})
	}
	d := calendar.MustParse
	return Session{
		Child:  kid,
		Review: r,
		Meeting: review.Meeting{
			ReviewID: r.ID,
			Consultations: []review.Consultation{
				{ID: "c2", Who: review.ConsulteeSocialWorker, Name: "Dan Price", How: review.MethodVisit, On: d("2026-11-18"),
					Summary: "Placement stable; contact with Mum reduced to monthly after two missed sessions"},
				{ID: "c1", Who: review.ConsulteeCarer, Name: "Jen Henderson", How: review.MethodPhone, On: d("2026-11-12"),
					Summary: "Aisha settled, sleeping better, wants to join the swimming club"},
			},
			Documents: []review.Document{
				{ID: "d1", Version: 1, Kind: review.DocCarePlan, Received: d("2026-11-20")},
				{ID: "d2", Version: 1, Kind: review.DocPEP, Received: d("2026-11-21")},
			},
			Checklist: []review.ChecklistItem{
				{ID: "k1", Version: 1, Topic: review.TopicPlacement, Check: review.CheckOK, Note: "Settled with the Hendersons"},
				{ID: "k2", Version: 1, Topic: review.TopicHealth, Check: review.CheckConcern, Note: "Dental check overdue"},
			},
			Sections: sections,
		},
		Previous: []review.Recommendation{
			{ID: "r1", ReviewID: "review-2", Text: "Book a dental check-up", OwnerRole: "social worker", OwnerName: "Dan Price",
				Due: d("2026-10-30"), Status: review.RecOpen},
			{ID: "r2", ReviewID: "review-2", Text: "Arrange life-story work", OwnerRole: "social worker", OwnerName: "Dan Price",
				Due: d("2027-01-15"), Status: review.RecInProgress,
				Progress: []review.Progress{{ID: "p1", On: d("2026-10-01"), Text: "Referral made", Status: review.RecInProgress}}},
			{ID: "r3", ReviewID: "review-2", Text: "Complete the PEP for Year 8", OwnerRole: "designated teacher",
				Due: d("2026-11-10"), Status: review.RecNotDone,
				Progress: []review.Progress{{ID: "p2", On: d("2026-11-11"), Text: "School did not hold the meeting", Status: review.RecNotDone}}},
		},
		Today:    today,
		Now:      now,
		Calendar: calendar.Default(),
	}
}

// harness drives the screen like the Bubble Tea runtime does (see
// tuitest); commands that do not answer in 100 ms are timers, kept for a
// test to fire on purpose.
type harness struct {
	*tuitest.Driver
	be *fakeBackend
	m  Model
}

func open(t *testing.T, s Session, w, h int) *harness {
	t.Helper()
	hs := &harness{be: newBackend(s)}
	hs.m = New(styles.Default(), hs.be, s)
	hs.Driver = tuitest.For(t, &hs.m)
	hs.m.SetSize(w, h)
	hs.Run(hs.m.Init())
	return hs
}

// fill types one value per form field, pressing enter after each.
func (hs *harness) fill(values ...string) {
	hs.T.Helper()
	for _, v := range values {
		hs.TypeSlowly(v)
		hs.Keys(enter)
	}
}

// row is the screen line holding text, for checks on one row.
func (hs *harness) row(text string) string {
	hs.T.Helper()
	for _, l := range strings.Split(hs.Screen(), "\n") {
		if strings.Contains(l, text) {
			return l
		}
	}
	hs.T.Fatalf("no row holds %q:\n%s", text, hs.Screen())
	return ""
}

var press = tuitest.Press

var (
	enter     = tea.KeyPressMsg{Code: tea.KeyEnter}
	esc       = tea.KeyPressMsg{Code: tea.KeyEscape}
	tab       = tea.KeyPressMsg{Code: tea.KeyTab}
	shiftTab  = tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	down      = tea.KeyPressMsg{Code: tea.KeyDown}
	backspace = tea.KeyPressMsg{Code: tea.KeyBackspace}
	shiftK    = tea.KeyPressMsg{Code: 'k', ShiftedCode: 'K', Mod: tea.ModShift, Text: "K"}
	shiftJ    = tea.KeyPressMsg{Code: 'j', ShiftedCode: 'J', Mod: tea.ModShift, Text: "J"}
)

func golden(t *testing.T, name, got string) {
	t.Helper()
	tuitest.Golden(t, filepath.Join("testdata", name+".golden"), got, *update)
}
