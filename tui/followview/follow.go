// Package followview is the follow-up of one held review: circulating the
// decisions and the record on time, writing to the child, chasing the
// recommendations and recording the midway checks, until the review can be
// closed.
package followview

import (
	"context"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"

	"github.com/iro-app/iro/internal/calendar"
	"github.com/iro-app/iro/internal/child"
	"github.com/iro-app/iro/internal/review"
	"github.com/iro-app/iro/internal/sanitize"
	"github.com/iro-app/iro/internal/timescale"
	"github.com/iro-app/iro/tui/autosave"
	"github.com/iro-app/iro/tui/components"
	"github.com/iro-app/iro/tui/editor"
	"github.com/iro-app/iro/tui/keys"
	"github.com/iro-app/iro/tui/styles"
)

// Backend is what the follow-up writes; each call is one committed transaction.
type Backend interface {
	// SaveReview updates the state and circulated dates; r.Version is
	// bumped on success.
	SaveReview(ctx context.Context, childID string, r *child.Review) error
	SaveLetter(ctx context.Context, reviewID, text string) error
	AddProgress(ctx context.Context, recommendationID string, p *review.Progress) error
	AddMonitoring(ctx context.Context, childID string, m *review.Monitoring) error
}

// Session is everything the follow-up starts from.
type Session struct {
	Child           child.Child
	Review          child.Review      // the held review being followed up
	Meeting         review.Meeting    // its record: attendance, sections, recommendations made, letter…
	Schedule        timescale.Meeting // this review's Due / Held / DecisionsDue / RecordDue
	MeetingName     string            // e.g. "Review 4"
	NextReview      calendar.Date
	Recommendations []review.Recommendation // all the child's recommendations (tracker), with Progress
	Monitoring      []review.Monitoring
	IROName         string
	Today           calendar.Date
	Now             func() time.Time
	Calendar        *calendar.Calendar
}

// RaiseChallenge asks the app to start a challenge about a recommendation
// that has drifted, or (Recommendation zero) about the review itself.
type RaiseChallenge struct {
	ReviewID       string
	Recommendation review.Recommendation
}

// Done tells the app the IRO left the follow-up (the letter is saved or saving).
type Done struct{ ChildID string }

// part is one tab of the screen.
type part int

const (
	recordPart part = iota
	letterPart
	trackerPart
	monitoringPart
	partCount
)

// Results of the backend writes. Each carries the record as the backend
// returned it, so that ids and versions it set are kept.
type (
	reviewSaved struct {
		review child.Review
		what   string
		err    error
	}
	progressAdded struct {
		recID    string
		progress review.Progress
		err      error
	}
	monitoringAdded struct {
		entry review.Monitoring
		err   error
	}
)

// Model is the follow-up screen.
type Model struct {
	st      styles.Styles
	keys    keys.FollowUp
	backend Backend
	s       Session
	part    part

	record viewport.Model

	editor     editor.Model
	cleanRev   uint64 // editor revision whose text is queued or saved
	letter     autosave.Queue
	lastQueued string // the letter text last handed to the queue

	recCursor int
	monCursor int

	modal  modal
	saving modal // the dialog whose write is in flight; reopened if it fails
	unsent modal // the dialog whose write failed, holding what was typed
	status string
	failed bool // status is a failure, drawn as one
	width  int
	height int
}

// New opens the follow-up on the record.
func New(st styles.Styles, be Backend, s Session) Model {
	vp := viewport.New()
	vp.KeyMap = viewport.KeyMap{} // scrolling goes through our own bindings
	ed := editor.New()
	ed.SetStyles(editor.NewStyles(st))
	m := Model{st: st, keys: keys.DefaultFollowUp(), backend: be, s: s, record: vp, editor: ed,
		letter: autosave.New("follow-letter", be.SaveLetter, s.Now)}
	text := s.Meeting.Letter
	if text == "" {
		text = review.LetterDraft(m.letterInput())
	}
	m.editor.SetText(text)
	m.cleanRev = m.editor.Revision()
	m.lastQueued = s.Meeting.Letter
	return m
}

// Init has nothing to start: every write waits for the IRO.
func (m Model) Init() tea.Cmd { return nil }

// ChildID is the child whose review this is.
func (m Model) ChildID() string { return m.s.Child.ID }

// Review is the review as last saved.
func (m Model) Review() child.Review { return m.s.Review }

// Capturing reports whether a dialog or the letter editor has the keys, so
// that letters typed there are text, not shortcuts.
func (m Model) Capturing() bool { return m.modal != nil || m.editor.Focused() }

// Unsaved reports whether anything typed is not yet committed.
func (m Model) Unsaved() bool {
	return m.letter.Busy() || m.editor.Revision() != m.cleanRev || m.saving != nil ||
		(m.unsent != nil && m.modal == m.unsent)
}

// Flush writes the letter now, in one command: used before quitting.
func (m *Model) Flush() tea.Cmd {
	m.queueLetter()
	return m.letter.Flush()
}

// SetSize gives the screen its width and height.
func (m *Model) SetSize(w, h int) {
	widthChanged := w != m.width
	m.width, m.height = w, h
	m.record.SetHeight(max(m.bodyHeight()-recordHeaderLines, 1))
	if widthChanged {
		m.refreshRecord() // the record's lines are wrapped to the width
	}
	m.editor.SetSize(max(w-2, 1), max(m.bodyHeight()-1, 1))
}

// bodyHeight is what a part gets: all but the top line, the tab bar and the
// status line.
func (m Model) bodyHeight() int { return max(m.height-3, 1) }

// Update handles one message.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	if m.letter.Fired(msg) {
		m.queueLetter()
		return m, m.letter.Next()
	}
	switch msg := msg.(type) {
	case reviewSaved:
		return m.reviewSaved(msg), nil
	case progressAdded:
		return m.progressAdded(msg), nil
	case monitoringAdded:
		return m.monitoringAdded(msg), nil
	case tea.KeyPressMsg:
		switch {
		case m.modal != nil:
			return m.updateModal(msg)
		case m.editor.Focused():
			return m.editLetter(msg)
		}
		return m.handleKey(msg)
	case tea.PasteMsg:
		switch {
		case m.modal != nil:
			return m.updateModal(msg)
		case m.editor.Focused():
			return m.editLetter(msg)
		}
		return m, nil
	}
	var cmd tea.Cmd
	m.letter, cmd = m.letter.Update(msg)
	if !m.letter.Busy() && m.letter.Err() == nil && m.s.Meeting.Letter != m.lastQueued {
		// Everything handed to the queue has landed: the record shows it.
		m.s.Meeting.Letter = m.lastQueued
		m.refreshRecord()
	}
	return m, cmd
}

func (m Model) handleKey(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	k := m.keys
	switch {
	case key.Matches(msg, k.Back):
		m.queueLetter()
		id := m.s.Child.ID
		return m, tea.Batch(m.letter.Next(), func() tea.Msg { return Done{ChildID: id} })
	case key.Matches(msg, k.RecordPart):
		m.part = recordPart
	case key.Matches(msg, k.LetterPart):
		m.part = letterPart
	case key.Matches(msg, k.TrackerPart):
		m.part = trackerPart
	case key.Matches(msg, k.MonitoringPart):
		m.part = monitoringPart
	case key.Matches(msg, k.NextPart):
		m.part = (m.part + 1) % partCount
	case key.Matches(msg, k.PrevPart):
		m.part = (m.part + partCount - 1) % partCount
	default:
		switch m.part {
		case recordPart:
			return m.recordKey(msg)
		case letterPart:
			return m.letterKey(msg)
		case trackerPart:
			return m.trackerKey(msg)
		default:
			return m.monitoringKey(msg)
		}
	}
	return m, nil
}

// say shows a message on the status line; failures are drawn as errors.
func (m *Model) say(failed bool, format string, args ...any) {
	m.status, m.failed = fmt.Sprintf(format, args...), failed
}

func (m Model) updateModal(msg tea.Msg) (Model, tea.Cmd) {
	next, act := m.modal.update(msg)
	m.modal = next
	if act == nil {
		return m, nil
	}
	if act.redraft {
		m.modal = nil
		m.editor.SetText(review.LetterDraft(m.letterInput()))
		m.say(false, "A new draft replaced the letter.")
		return m, m.letter.Changed()
	}
	if m.saving != nil {
		// One write at a time, so a reply always belongs to the dialog
		// that is waiting for it.
		m.say(false, "Still saving the last change…")
		return m, nil
	}
	cmd := m.run(act)
	if cmd != nil {
		m.saving = m.modal
		m.say(false, "Saving…")
	}
	return m, cmd
}

// run performs what a dialog asked for as a command on a copy of the
// record, so the model changes only when the reply says it was saved.
func (m *Model) run(act *action) tea.Cmd {
	be, childID := m.backend, m.s.Child.ID
	switch {
	case act.state != "":
		if err := review.Transition(review.State(m.s.Review.State), act.state); err != nil {
			m.modal.failed("Cannot " + act.verb() + ": " + err.Error())
			return nil
		}
		r := m.s.Review
		r.State = string(act.state)
		switch act.state {
		case review.DecisionsCirculated:
			r.DecisionsCirculated = act.on
		case review.RecordCirculated:
			r.RecordCirculated = act.on
		}
		what := act.done()
		return func() tea.Msg {
			err := be.SaveReview(context.Background(), childID, &r)
			return reviewSaved{review: r, what: what, err: err}
		}
	case act.progress != nil:
		p, recID := *act.progress, act.recID
		p.On, p.Created = m.s.Today, m.s.Now().UTC()
		return func() tea.Msg {
			err := be.AddProgress(context.Background(), recID, &p)
			return progressAdded{recID: recID, progress: p, err: err}
		}
	case act.monitoring != nil:
		e := *act.monitoring
		return func() tea.Msg {
			err := be.AddMonitoring(context.Background(), childID, &e)
			return monitoringAdded{entry: e, err: err}
		}
	}
	return nil
}

// finish closes the dialog that was saving, or on failure shows it again
// with everything typed in it, even if the IRO had closed it meanwhile.
func (m *Model) finish(err error) bool {
	d := m.saving
	m.saving, m.unsent = nil, nil
	if err != nil {
		reason := "NOT SAVED — " + err.Error()
		m.say(true, "%s", reason)
		if d != nil {
			d.failed(reason)
			m.modal, m.unsent = d, d
		}
		return false
	}
	if m.modal == d {
		m.modal = nil
	}
	return true
}

func (m Model) reviewSaved(msg reviewSaved) Model {
	if m.finish(msg.err) {
		m.s.Review = msg.review
		m.say(false, "%s", msg.what)
		m.refreshRecord()
	}
	return m
}

func (m Model) progressAdded(msg progressAdded) Model {
	if !m.finish(msg.err) {
		return m
	}
	p := msg.progress
	apply := func(recs []review.Recommendation) []review.Recommendation {
		// The tracker and the record share recommendations by id; copy
		// the slice so a Session the caller still holds is not changed.
		out := append([]review.Recommendation(nil), recs...)
		for i := range out {
			if out[i].ID != msg.recID {
				continue
			}
			out[i].Progress = append(append([]review.Progress(nil), out[i].Progress...), p)
			if p.Status != "" {
				out[i].Status = p.Status
			}
		}
		return out
	}
	m.s.Recommendations = apply(m.s.Recommendations)
	m.s.Meeting.Recommendations = apply(m.s.Meeting.Recommendations)
	m.say(false, "Progress saved.")
	m.refreshRecord()
	return m
}

func (m Model) monitoringAdded(msg monitoringAdded) Model {
	if m.finish(msg.err) {
		m.s.Monitoring = append(append([]review.Monitoring(nil), m.s.Monitoring...), msg.entry)
		m.monCursor = len(m.s.Monitoring) - 1
		m.say(false, "Midway check saved.")
	}
	return m
}

// heldOn is the day the review was held, from the review row or, failing
// that, the schedule.
func (m Model) heldOn() calendar.Date {
	if !m.s.Review.Held.IsZero() {
		return m.s.Review.Held
	}
	return m.s.Schedule.Held
}

// ShortHelp lists the keys that work now.
func (m Model) ShortHelp() []key.Binding {
	k := m.keys
	switch {
	case m.modal != nil:
		return m.modal.help()
	case m.editor.Focused():
		return append([]key.Binding{k.LeaveLetter}, m.editor.KeyMap.ShortHelp()...)
	}
	switch m.part {
	case recordPart:
		return []key.Binding{k.Decisions, k.RecordSent, k.Close, k.Challenge, k.NextPart, k.Back}
	case letterPart:
		return []key.Binding{k.EditLetter, k.Redraft, k.NextPart, k.Back}
	case trackerPart:
		return []key.Binding{k.Progress, k.Challenge, k.Down, k.NextPart, k.Back}
	}
	return []key.Binding{k.AddMonitoring, k.Down, k.Up, k.NextPart, k.Back}
}

// FullHelp lists every key of the screen.
func (m Model) FullHelp() [][]key.Binding {
	k := m.keys
	return [][]key.Binding{
		{k.RecordPart, k.LetterPart, k.TrackerPart, k.MonitoringPart, k.NextPart, k.PrevPart, k.Back},
		{k.Decisions, k.RecordSent, k.Close, k.EditLetter, k.LeaveLetter, k.Redraft, k.Progress, k.Challenge, k.AddMonitoring},
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom},
	}
}

// View draws the top line, the tabs, the current part and the status line.
func (m Model) View() string {
	var body string
	switch m.part {
	case recordPart:
		body = m.recordView()
	case letterPart:
		body = m.letterView()
	case trackerPart:
		body = m.trackerView()
	default:
		body = m.monitoringView()
	}
	screen := m.topLine() + "\n" + m.tabBar() + "\n" +
		components.Frame(body, m.width, m.bodyHeight()) + "\n" + m.statusLine()
	if m.modal != nil {
		screen = components.Overlay(screen, m.modal.view(m.st, min(m.width-4, 72)), m.width)
	}
	return components.Frame(screen, m.width, m.height)
}

func (m Model) topLine() string {
	line := m.st.Header.Render(sanitize.Line(m.s.MeetingName)) + " · " + sanitize.Line(m.s.Child.Name()) +
		" · held " + components.Date(m.heldOn()) + " · " + m.st.Bold.Render(review.State(m.s.Review.State).Label())
	return components.Fit(line, m.width)
}

func (m Model) tabBar() string {
	overdue := 0
	for _, r := range m.s.Recommendations {
		if review.Overdue(r, m.s.Today) {
			overdue++
		}
	}
	tracker := fmt.Sprintf("Tracker (%d)", len(m.s.Recommendations))
	if overdue > 0 {
		tracker = fmt.Sprintf("Tracker (%d, %d !!)", len(m.s.Recommendations), overdue)
	}
	names := []string{"Record", "Letter", tracker, fmt.Sprintf("Monitoring (%d)", len(m.s.Monitoring))}
	tabs := make([]string, len(names))
	for i, n := range names {
		// The marker, not only the colour, says which tab is open.
		if part(i) == m.part {
			tabs[i] = m.st.Selected.Render(fmt.Sprintf("›%d %s ", i+1, n))
			continue
		}
		tabs[i] = fmt.Sprintf(" %d %s ", i+1, n)
	}
	return components.Fit(strings.Join(tabs, " "), m.width)
}

func (m Model) statusLine() string {
	if m.status == "" {
		return ""
	}
	line := sanitize.Line(m.status)
	if m.failed {
		return m.st.Error.Render(components.Fit(line, m.width))
	}
	return m.st.Muted.Render(components.Fit(line, m.width))
}
