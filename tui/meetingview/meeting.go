// Package meetingview is meeting mode: the IRO chairs the review and types
// notes live, section by section, while everything is saved as they go.
package meetingview

import (
	"context"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
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

// Backend is what meeting mode writes; each call is one committed transaction.
type Backend interface {
	SaveNotes(ctx context.Context, sectionID, text string) error
	AddRecommendation(ctx context.Context, childID string, r *review.Recommendation) error
	AddAttendee(ctx context.Context, reviewID string, a *review.Attendee) error
	SaveReview(ctx context.Context, childID string, r *child.Review) error
	EndMeeting(ctx context.Context, childID string, r *child.Review, at time.Time) error
}

// Session is everything meeting mode starts from.
type Session struct {
	Child    child.Child
	Review   child.Review
	Meeting  review.Meeting
	Schedule timescale.Schedule // the child's cycle before this meeting is held
	Today    calendar.Date
	Now      func() time.Time
	Calendar *calendar.Calendar
	Rules    timescale.Rules
}

// Left tells the app the IRO left the meeting (everything is saved or saving).
type Left struct{ ChildID string }

// Ended tells the app the meeting was recorded as held.
type Ended struct{ ChildID string }

// Messages of meeting mode's own commands.
type (
	clockTick  struct{}
	actionDone struct {
		what     string
		err      error
		then     tea.Msg
		review   *child.Review // the review as saved, with its new version
		rec      *review.Recommendation
		attendee *review.Attendee
	}
)

// Model is meeting mode.
type Model struct {
	st      styles.Styles
	keys    keys.Meeting
	backend Backend
	s       Session

	sections []review.Section // Notes hold the last text handed to a save
	current  int
	editor   editor.Model
	cleanRev uint64 // editor revision whose text is queued or saved

	notes     autosave.Queue
	opened    time.Time
	status    string
	modal     modal
	width     int
	height    int
	isVisible bool
}

// New opens meeting mode on the first agenda section.
func New(st styles.Styles, backend Backend, s Session) Model {
	m := Model{st: st, keys: keys.DefaultMeeting(), backend: backend, s: s, sections: s.Meeting.Sections,
		editor: editor.New(), opened: s.Now(), isVisible: true,
		notes: autosave.New("meeting-notes", backend.SaveNotes, s.Now)}
	m.editor.Focus()
	m.load(0)
	return m
}

// Init starts the clock on screen.
func (m Model) Init() tea.Cmd { return tick() }

func tick() tea.Cmd { return tea.Tick(time.Second, func(time.Time) tea.Msg { return clockTick{} }) }

// ChildID is the child whose review this is.
func (m Model) ChildID() string { return m.s.Child.ID }

// Capturing is always true: the notes editor (or a dialog) has the keys.
func (m Model) Capturing() bool { return true }

// Hide stops the on-screen clock while the IRO is elsewhere; saving goes on.
func (m *Model) Hide() { m.isVisible = false }

// Unsaved reports whether any typed text is not yet committed.
func (m Model) Unsaved() bool { return m.notes.Busy() || m.editor.Revision() != m.cleanRev }

// Flush writes every unsaved note now, in one command: used before quitting.
func (m *Model) Flush() tea.Cmd {
	m.queueCurrent()
	return m.notes.Flush()
}

// SetSize gives meeting mode its width and height.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.editor.SetSize(m.editorWidth(), max(h-3, 1))
}

func (m Model) sidebarWidth() int { return max(18, min(32, m.width/3)) }

// editorWidth leaves room for the sidebar, its " │" rule and a space.
func (m Model) editorWidth() int { return max(m.width-m.sidebarWidth()-3, 10) }

// load shows section i in the editor.
func (m *Model) load(i int) {
	if len(m.sections) == 0 {
		return
	}
	m.current = i
	m.editor.SetText(m.sections[i].Notes)
	m.cleanRev = m.editor.Revision()
}

// Update handles one message.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	if m.notes.Fired(msg) {
		m.queueCurrent()
		return m, m.notes.Next()
	}
	switch msg := msg.(type) {
	case clockTick:
		if !m.isVisible {
			return m, nil
		}
		return m, tick()
	case actionDone:
		return m.actionDone(msg)
	case tea.KeyPressMsg:
		if m.modal != nil {
			return m.updateModal(msg)
		}
		return m.handleKey(msg)
	case tea.PasteMsg:
		if m.modal != nil {
			return m.updateModal(msg)
		}
		return m.edit(msg)
	}
	var cmd tea.Cmd
	m.notes, cmd = m.notes.Update(msg)
	return m, cmd
}

func (m Model) handleKey(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	switch {
	case key.Matches(msg, m.keys.NextSection):
		return m.switchTo((m.current + 1) % max(len(m.sections), 1))
	case key.Matches(msg, m.keys.PrevSection):
		return m.switchTo((m.current + len(m.sections) - 1) % max(len(m.sections), 1))
	case key.Matches(msg, m.keys.Save):
		m.queueCurrent()
		return m, m.notes.Next()
	case key.Matches(msg, m.keys.Leave):
		m.queueCurrent()
		m.isVisible = false
		id := m.s.Child.ID
		return m, tea.Batch(m.notes.Next(), func() tea.Msg { return Left{ChildID: id} })
	case key.Matches(msg, m.keys.Recommend):
		m.modal = newRecommendationDialog(m.s)
		return m, nil
	case key.Matches(msg, m.keys.Attendance):
		m.modal = newAttendanceDialog(m.s.Meeting.Attendees)
		return m, nil
	case key.Matches(msg, m.keys.Participation):
		m.modal = newParticipationPicker(m.s)
		return m, nil
	case key.Matches(msg, m.keys.End):
		m.modal = newEndDialog(m.s)
		return m, nil
	}
	return m.edit(msg)
}

// edit passes a key to the editor and arms the autosave timer on a change.
func (m Model) edit(msg tea.Msg) (Model, tea.Cmd) {
	var cmd tea.Cmd
	m.editor, cmd = m.editor.Update(msg)
	if m.editor.Revision() == m.cleanRev {
		return m, cmd
	}
	return m, tea.Batch(cmd, m.notes.Changed())
}

func (m Model) switchTo(i int) (Model, tea.Cmd) {
	m.queueCurrent()
	m.load(i)
	return m, m.notes.Next()
}

// queueCurrent hands the editor's text to the save queue if it changed.
func (m *Model) queueCurrent() {
	if len(m.sections) == 0 || m.editor.Revision() == m.cleanRev {
		return
	}
	text := m.editor.Text()
	m.cleanRev = m.editor.Revision()
	sec := &m.sections[m.current]
	sec.Notes = text
	m.notes.Put(sec.ID, text)
}

func (m Model) updateModal(msg tea.Msg) (Model, tea.Cmd) {
	next, act := m.modal.update(msg)
	m.modal = next
	if act == nil {
		return m, nil
	}
	m.modal = act.reopen
	return m, m.run(act)
}

// run performs what a dialog asked for as a command.
func (m *Model) run(act *action) tea.Cmd {
	be, childID, reviewID := m.backend, m.s.Child.ID, m.s.Review.ID
	switch {
	case act.recommendation != nil:
		r := *act.recommendation
		r.ReviewID = reviewID
		return func() tea.Msg {
			err := be.AddRecommendation(context.Background(), childID, &r)
			return actionDone{what: "Recommendation saved: " + r.Text, err: err, rec: &r}
		}
	case act.attendee != nil:
		a := *act.attendee
		return func() tea.Msg {
			err := be.AddAttendee(context.Background(), reviewID, &a)
			return actionDone{what: fmt.Sprintf("Added %s (%s)", a.Name, a.Attendance.Label()), err: err, attendee: &a}
		}
	case act.participation != "":
		r := m.s.Review
		r.ParticipationCode = act.participation
		return func() tea.Msg {
			err := be.SaveReview(context.Background(), childID, &r)
			return actionDone{what: "Participation " + r.ParticipationCode, err: err, review: &r}
		}
	case act.end:
		m.queueCurrent()
		flush := m.Flush()
		r := m.s.Review
		r.Held = m.s.Today
		r.State = string(review.Held)
		at := m.s.Now().UTC()
		return tea.Sequence(flush, func() tea.Msg {
			err := be.EndMeeting(context.Background(), childID, &r, at)
			return actionDone{what: "Meeting recorded as held", err: err, then: Ended{ChildID: childID}}
		})
	}
	return nil
}

func (m Model) actionDone(msg actionDone) (Model, tea.Cmd) {
	if msg.err != nil {
		m.status = "NOT SAVED — " + msg.err.Error()
		return m, nil
	}
	m.status = msg.what
	if msg.review != nil {
		m.s.Review = *msg.review
	}
	if msg.rec != nil {
		m.s.Meeting.Recommendations = append(m.s.Meeting.Recommendations, *msg.rec)
	}
	if msg.attendee != nil {
		m.s.Meeting.Attendees = append(m.s.Meeting.Attendees, *msg.attendee)
	}
	if msg.then != nil {
		m.isVisible = false
		then := msg.then
		return m, func() tea.Msg { return then }
	}
	return m, nil
}

// ShortHelp lists the keys that work now.
func (m Model) ShortHelp() []key.Binding {
	if m.modal != nil {
		return m.modal.help()
	}
	return []key.Binding{m.keys.Recommend, m.keys.NextSection, m.keys.Participation, m.keys.End, m.keys.Leave}
}

// FullHelp lists every key of meeting mode.
func (m Model) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{m.keys.NextSection, m.keys.PrevSection, m.keys.Save, m.keys.Leave},
		{m.keys.Recommend, m.keys.Attendance, m.keys.Participation, m.keys.End},
	}
}

// View draws the agenda, the notes and the save state.
func (m Model) View() string {
	top := m.topLine()
	side := m.sidebar()
	pane := m.notesPane()
	var b strings.Builder
	b.WriteString(top + "\n")
	sw, rows := m.sidebarWidth(), max(m.height-1, 1)
	sideLines, paneLines := strings.Split(side, "\n"), strings.Split(pane, "\n")
	for i := range rows {
		l, r := "", ""
		if i < len(sideLines) {
			l = sideLines[i]
		}
		if i < len(paneLines) {
			r = paneLines[i]
		}
		b.WriteString(components.Fit(l, sw) + m.st.Separator.Render(" │") + r)
		if i < rows-1 {
			b.WriteByte('\n')
		}
	}
	body := b.String()
	if m.modal != nil {
		body = components.Overlay(body, m.modal.view(m.st, min(m.width-4, 72)), m.width)
	}
	return components.Frame(body, m.width, m.height)
}

func (m Model) topLine() string {
	name := timescale.MeetingName(m.s.Review.Kind, m.s.Review.Sequence)
	left := m.st.Header.Render(name) + " · " + sanitize.Line(m.s.Child.Name()) +
		m.st.Muted.Render(fmt.Sprintf(" (age %d)", m.s.Child.Age(m.s.Today)))
	elapsed := m.s.Now().Sub(m.opened).Truncate(time.Second)
	right := fmt.Sprintf("⏱ %d:%02d  %s", int(elapsed.Minutes()), int(elapsed.Seconds())%60, m.saveState())
	return components.SpreadLine(left, right, m.width)
}

func (m Model) saveState() string {
	switch {
	case m.notes.Err() != nil:
		return m.st.Error.Render("NOT SAVED — retrying")
	case m.Unsaved():
		return m.st.DueSoon.Render("saving…")
	case m.notes.SavedAt().IsZero():
		return m.st.Muted.Render("nothing typed yet")
	}
	return m.st.OnTrack.Render("saved " + m.notes.SavedAt().Local().Format("15:04:05"))
}

func (m Model) sidebar() string {
	var b strings.Builder
	b.WriteString(m.st.Section.Render("Agenda") + "\n")
	for i, s := range m.sections {
		line := fmt.Sprintf("%2d %s", i+1, sanitize.Line(s.Title))
		if i == m.current {
			b.WriteString(m.st.Selected.Render(components.Fit("›"+line, m.sidebarWidth())) + "\n")
			continue
		}
		b.WriteString(" " + line + "\n")
	}
	b.WriteString("\n")
	present := 0
	for _, a := range m.s.Meeting.Attendees {
		if a.Attendance == review.Present {
			present++
		}
	}
	code := m.s.Review.ParticipationCode
	if code == "" {
		code = m.st.DueSoon.Render("! not set")
	}
	b.WriteString(fmt.Sprintf("Attendance  %d present\n", present))
	b.WriteString("Participation " + code + "\n")
	b.WriteString(fmt.Sprintf("Recommendations %d\n", len(m.s.Meeting.Recommendations)))
	if m.status != "" {
		b.WriteString("\n" + sanitize.Line(m.status))
	}
	return b.String()
}

func (m Model) notesPane() string {
	title := "No agenda"
	if len(m.sections) > 0 {
		title = fmt.Sprintf("%d/%d  %s", m.current+1, len(m.sections), sanitize.Line(m.sections[m.current].Title))
	}
	return " " + m.st.Bold.Render(components.Fit(title, m.editorWidth())) + "\n" + indentBlock(m.editor.View())
}

func indentBlock(s string) string { return " " + strings.ReplaceAll(s, "\n", "\n ") }
