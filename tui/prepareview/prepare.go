// Package prepareview is the prepare-review screen: everything the IRO does
// before a review, often offline on a train. Six parts, one tab each: who was
// consulted, the child's wishes and feelings in their own words, which
// reports and plans arrived in time, the care-plan checklist, the previous
// recommendations, and the agenda. Every change is saved as it is made.
package prepareview

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/iro-app/iro/internal/calendar"
	"github.com/iro-app/iro/internal/caseload"
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

// Backend is what preparing a review writes; each call is one committed
// transaction.
type Backend interface {
	AddConsultation(ctx context.Context, reviewID string, c *review.Consultation) error
	SaveWishes(ctx context.Context, reviewID, text string) error
	SaveDocument(ctx context.Context, reviewID string, d *review.Document) error
	SaveChecklistItem(ctx context.Context, reviewID string, it *review.ChecklistItem) error
	AddProgress(ctx context.Context, recommendationID string, p *review.Progress) error
	AddRecommendation(ctx context.Context, childID string, r *review.Recommendation) error
	AddSection(ctx context.Context, reviewID string, s *review.Section) error
	UpdateSection(ctx context.Context, s *review.Section) error
	DeleteSection(ctx context.Context, id string) error
}

// Session is everything the screen starts from.
type Session struct {
	Child    child.Child
	Review   child.Review            // the upcoming review (state preparing)
	Meeting  review.Meeting          // what is recorded for it so far
	Previous []review.Recommendation // the child's open recommendations from earlier reviews
	Today    calendar.Date
	Now      func() time.Time
	Calendar *calendar.Calendar
}

// Done tells the app the IRO left the screen (typed text is saved or saving).
type Done struct{ ChildID string }

// part is one tab of the screen.
type part int

const (
	consultationsPart part = iota
	wishesPart
	documentsPart
	checklistPart
	previousPart
	agendaPart
	partCount
)

// partNames are the tab titles, from long to short: the tab bar uses the
// longest that fits the terminal.
var partNames = [partCount][3]string{
	{"Consultations", "Consultations", "Consulted"},
	{"Wishes & feelings", "Wishes & feelings", "Wishes"},
	{"Documents", "Documents", "Docs"},
	{"Care-plan checklist", "Checklist", "Checklist"},
	{"Previous recommendations", "Previous recs", "Previous"},
	{"Agenda", "Agenda", "Agenda"},
}

// chrome is the lines around a part's rows: the top line, the tab bar, the
// part's own line and column header above, the status line below.
const chrome = 5

// Model is the prepare-review screen.
type Model struct {
	st          styles.Styles
	keys        keys.Prepare
	backend     Backend
	s           Session
	meetingName string
	meetingDay  calendar.Date // what documents are counted back from

	part   part
	cursor [partCount]listCursor

	editor   editor.Model
	writing  bool   // the wishes editor has focus
	cleanRev uint64 // editor revision whose text is queued or saved
	wishes   autosave.Queue

	dialog  *formDialog
	confirm *confirmDialog
	seq     int // numbers writes, so a reply finds the dialog waiting for it

	status    string
	statusBad bool
	width     int
	height    int
}

// New opens the screen on the consultations. The Session's slices are
// copied: the screen changes its own copy as writes succeed.
func New(st styles.Styles, be Backend, s Session) Model {
	s.Meeting.Consultations = slices.Clone(s.Meeting.Consultations)
	s.Meeting.Documents = slices.Clone(s.Meeting.Documents)
	s.Meeting.Checklist = slices.Clone(s.Meeting.Checklist)
	s.Meeting.Sections = slices.Clone(s.Meeting.Sections)
	s.Meeting.Recommendations = slices.Clone(s.Meeting.Recommendations)
	s.Previous = slices.Clone(s.Previous)
	sortConsultations(s.Meeting.Consultations)
	sortSections(s.Meeting.Sections)
	day := s.Review.Scheduled
	if day.IsZero() {
		day = s.Review.Due
	}
	m := Model{st: st, keys: keys.DefaultPrepare(), backend: be, s: s, meetingDay: day,
		meetingName: timescale.MeetingName(s.Review.Kind, s.Review.Sequence),
		editor:      editor.New(),
		// SaveWishes already has the shape of an autosave.Save, keyed by
		// review id as meeting notes are keyed by section id.
		wishes: autosave.New("prepare-wishes", be.SaveWishes, s.Now)}
	m.editor.SetStyles(editor.NewStyles(st))
	m.editor.SetText(s.Meeting.WishesAndFeelings)
	m.cleanRev = m.editor.Revision()
	return m
}

// Init has nothing to start: the screen waits for keys.
func (m Model) Init() tea.Cmd { return nil }

// Capturing reports whether a dialog or the wishes editor has the keys, so
// letters are text and never the app's shortcuts.
func (m Model) Capturing() bool { return m.dialog != nil || m.confirm != nil || m.writing }

// Unsaved reports whether typed wishes are not yet committed.
func (m Model) Unsaved() bool { return m.wishes.Busy() || m.editor.Revision() != m.cleanRev }

// Flush writes the wishes not yet saved, in one command: used before quitting.
func (m *Model) Flush() tea.Cmd {
	m.queueWishes()
	return m.wishes.Flush()
}

// SetSize gives the screen its width and height.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	// The editor takes the column header's line too: it has no columns.
	m.editor.SetSize(max(w-2, 1), max(h-chrome+1, 1))
	m.rescroll()
}

// rows is how many list rows fit under a part's header.
func (m Model) rows() int { return max(m.height-chrome, 1) }

// count is the number of rows in part p's list.
func (m Model) count(p part) int {
	switch p {
	case consultationsPart:
		return len(m.s.Meeting.Consultations)
	case documentsPart:
		return len(m.documentKinds())
	case checklistPart:
		return len(review.Topics())
	case previousPart:
		return len(m.s.Previous)
	case agendaPart:
		return len(m.s.Meeting.Sections)
	}
	return 0
}

// Update handles one message.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	if m.wishes.Fired(msg) {
		m.queueWishes()
		return m, m.wishes.Next()
	}
	switch msg := msg.(type) {
	case saved:
		return m.saved(msg), nil
	case tea.KeyPressMsg:
		switch {
		case m.confirm != nil:
			return m.updateConfirm(msg)
		case m.dialog != nil:
			return m.updateDialog(msg)
		case m.writing:
			return m.write(msg)
		}
		return m.handleKey(msg)
	case tea.PasteMsg:
		switch {
		case m.dialog != nil:
			return m.updateDialog(msg)
		case m.writing:
			return m.write(msg)
		}
		return m, nil
	}
	var cmd tea.Cmd
	m.wishes, cmd = m.wishes.Update(msg)
	return m, cmd
}

func (m Model) handleKey(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	for i, b := range m.keys.Parts {
		if key.Matches(msg, b) {
			m.part = part(i)
			return m, nil
		}
	}
	c := &m.cursor[m.part]
	n, rows := m.count(m.part), m.rows()
	switch {
	case key.Matches(msg, m.keys.NextPart):
		m.part = (m.part + 1) % partCount
		return m, nil
	case key.Matches(msg, m.keys.PrevPart):
		m.part = (m.part + partCount - 1) % partCount
		return m, nil
	case key.Matches(msg, m.keys.Back):
		id := m.s.Child.ID
		return m, func() tea.Msg { return Done{ChildID: id} }
	}
	if next, ok := components.MoveCursor(m.keys.List, msg, c.pos, n, rows); ok {
		c.pos = next
		c.scroll(n, rows)
		return m, nil
	}
	return m.partKey(msg)
}

// partKey handles the keys of the part on show.
func (m Model) partKey(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	switch m.part {
	case consultationsPart:
		if key.Matches(msg, m.keys.AddConsultation) {
			m.dialog = m.consultationDialog()
		}
	case wishesPart:
		if key.Matches(msg, m.keys.WriteWishes) {
			m.writing = true
			m.editor.Focus()
		}
	case documentsPart:
		return m.documentKey(msg)
	case checklistPart:
		return m.checklistKey(msg)
	case previousPart:
		return m.previousKey(msg)
	case agendaPart:
		return m.agendaKey(msg)
	}
	return m, nil
}

// selected is the cursor's row in the part on show.
func (m Model) selected() int { return m.cursor[m.part].pos }

// setStatus shows the outcome of the last action on the status line.
func (m *Model) setStatus(s string, bad bool) { m.status, m.statusBad = s, bad }

// ShortHelp lists the keys that work now.
func (m Model) ShortHelp() []key.Binding {
	switch {
	case m.confirm != nil:
		return []key.Binding{m.keys.Confirm, m.keys.Cancel}
	case m.dialog != nil:
		return m.dialog.form.ShortHelp()
	case m.writing:
		return []key.Binding{m.keys.StopWriting, m.keys.SaveWishes}
	}
	return append(m.partKeys(), m.keys.NextPart, m.keys.Back)
}

// FullHelp lists the keys of the part on show, then moving about.
func (m Model) FullHelp() [][]key.Binding {
	parts := append(m.keys.Parts[:], m.keys.NextPart, m.keys.PrevPart, m.keys.Back)
	list := []key.Binding{m.keys.Up, m.keys.Down, m.keys.PageUp, m.keys.PageDown, m.keys.Top, m.keys.Bottom}
	if m.part == wishesPart {
		return [][]key.Binding{{m.keys.WriteWishes, m.keys.StopWriting, m.keys.SaveWishes}, parts}
	}
	return [][]key.Binding{m.partKeys(), parts, list}
}

func (m Model) partKeys() []key.Binding {
	k := m.keys
	switch m.part {
	case consultationsPart:
		return []key.Binding{k.AddConsultation}
	case wishesPart:
		return []key.Binding{k.WriteWishes}
	case documentsPart:
		return []key.Binding{k.SetReceived, k.ClearReceived}
	case checklistPart:
		return []key.Binding{k.CheckOK, k.CheckConcern, k.CheckMissing, k.EditNote}
	case previousPart:
		return []key.Binding{k.RecDone, k.RecInProgress, k.RecNotDone, k.CarryForward, k.Challenge}
	}
	return []key.Binding{k.AddSection, k.RenameSection, k.DeleteSection, k.MoveUp, k.MoveDown}
}

// View draws the screen: exactly its height in lines, none wider than it.
func (m Model) View() string {
	lines := []string{m.topLine(), m.tabBar()}
	switch m.part {
	case consultationsPart:
		lines = m.consultationsView().draw(m, lines)
	case wishesPart:
		lines = append(lines, m.wishesLine(), indent(m.editor.View()))
	case documentsPart:
		lines = m.documentsView().draw(m, lines)
	case checklistPart:
		lines = m.checklistView().draw(m, lines)
	case previousPart:
		lines = m.previousView().draw(m, lines)
	case agendaPart:
		lines = m.agendaView().draw(m, lines)
	}
	body := components.Frame(strings.Join(lines, "\n"), m.width, m.height-1) + "\n" + m.statusLine()
	switch {
	case m.confirm != nil:
		body = place(body, m.confirm.view(m.st, m.dialogWidth()), m.width)
	case m.dialog != nil:
		body = place(body, m.dialog.form.View(m.st, m.dialogWidth()), m.width)
	default:
		return body
	}
	return components.Frame(body, m.width, m.height)
}

func (m Model) dialogWidth() int { return min(m.width-4, 72) }

func indent(block string) string { return " " + strings.ReplaceAll(block, "\n", "\n ") }

func (m Model) topLine() string {
	left := m.st.Header.Render("Preparing "+m.meetingName) + " · " + sanitize.Line(m.s.Child.Name()) +
		" · due " + components.Date(m.s.Review.Due) + " " + m.dueIn()
	// The meeting's own date is the first thing dropped when space is
	// short: the documents part shows it too.
	if sch := m.s.Review.Scheduled; !sch.IsZero() && sch != m.s.Review.Due {
		if withDay := left + m.st.Muted.Render(" · meeting "+components.Date(sch)); components.Width(withDay) <= m.width {
			left = withDay
		}
	}
	return components.SpreadLine(left, m.saveState(), m.width)
}

// dueIn says how far off the review is, in the working days the IRO plans in.
func (m Model) dueIn() string {
	due, today := m.s.Review.Due, m.s.Today
	if due.IsZero() {
		return ""
	}
	n := m.s.Calendar.WorkingDaysBetween(today, due)
	switch {
	case due.Before(today):
		return m.st.Overdue.Render(fmt.Sprintf("(!! OVERDUE by %s)", plural(-n, "working day")))
	case due == today:
		return m.st.DueSoon.Render("(! today)")
	case n <= caseload.DueSoonWorkingDays:
		return m.st.DueSoon.Render("(! " + plural(n, "working day") + ")")
	}
	return "(" + plural(n, "working day") + ")"
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

// saveState is where the wishes stand, for the top line and the wishes part.
func (m Model) saveState() string {
	switch {
	case m.wishes.Err() != nil:
		return m.st.Error.Render("NOT SAVED — retrying")
	case m.Unsaved():
		return m.st.DueSoon.Render("saving…")
	case m.wishes.SavedAt().IsZero():
		return ""
	}
	return m.st.OnTrack.Render("saved " + m.wishes.SavedAt().Local().Format("15:04:05"))
}

// tabBar shows the six parts with the one on show in brackets, and a mark on
// each part that needs the IRO's attention. Names shorten on narrow screens.
func (m Model) tabBar() string {
	for form := range len(partNames[0]) {
		var b strings.Builder
		for p := range partCount {
			tab := fmt.Sprintf("%d %s", p+1, partNames[p][form])
			if mark := m.attention(p); mark != "" {
				tab += " " + mark
			}
			if p == m.part {
				b.WriteString(m.st.Selected.Render("[" + tab + "]"))
			} else {
				b.WriteString(" " + tab + " ")
			}
		}
		if s := b.String(); components.Width(s) <= m.width || form == len(partNames[0])-1 {
			return components.Fit(s, m.width)
		}
	}
	return ""
}

// attention is "!!" or "!" when a part holds something overdue or worrying.
func (m Model) attention(p part) string {
	switch p {
	case consultationsPart:
		if m.childWarning() != "" {
			return "!"
		}
	case documentsPart:
		mark := ""
		for _, k := range m.documentKinds() {
			switch m.documentStatus(k) {
			case review.DocOverdue:
				return "!!"
			case review.DocLate:
				mark = "!"
			}
		}
		return mark
	case checklistPart:
		mark := ""
		for _, it := range m.checklist() {
			switch it.Check {
			case review.CheckMissing:
				return "!!"
			case review.CheckConcern:
				mark = "!"
			}
		}
		return mark
	case previousPart:
		for _, r := range m.s.Previous {
			if review.Overdue(r, m.s.Today) {
				return "!!"
			}
		}
	}
	return ""
}

func (m Model) statusLine() string {
	if m.status == "" {
		return ""
	}
	if m.statusBad {
		return components.Fit(m.st.Error.Render(sanitize.Line(m.status)), m.width)
	}
	return components.Fit(sanitize.Line(m.status), m.width)
}

// listCursor is a part's cursor row and the first row drawn.
type listCursor struct{ pos, offset int }

// scroll keeps the cursor on screen and the screen full.
func (c *listCursor) scroll(n, rows int) {
	c.pos = max(0, min(c.pos, n-1))
	c.offset = components.ScrollOffset(c.pos, c.offset, rows, n)
}

// listView is a part drawn as a list under its own line and a column
// header. Rows are drawn on demand, so only those on screen cost anything
// however long the list grows.
type listView struct {
	note    string // a summary or a warning
	columns []components.Column
	n       int
	// row gives row i's cells, the first being its status mark, and its urgency.
	row   func(i int) ([]string, caseload.Status)
	empty string // shown instead of rows when there are none
}

// draw appends the list's lines to lines: the rows on screen, the cursor's
// row marked with › and reversed, each coloured by its urgency.
func (lv listView) draw(m Model, lines []string) []string {
	widths := components.Layout(lv.columns, m.width)
	lines = append(lines, lv.note, m.st.Column.Render(components.Header(lv.columns, widths)))
	if lv.n == 0 {
		return append(lines, m.st.Muted.Render("  "+lv.empty))
	}
	c := m.cursor[m.part]
	for i := c.offset; i < min(c.offset+m.rows(), lv.n); i++ {
		cells, urgency := lv.row(i)
		style := components.StatusStyle(m.st, urgency)
		cells[0] = " " + cells[0]
		if i == c.pos {
			cells[0] = "›" + cells[0][1:]
			style = style.Inherit(m.st.Selected)
		}
		lines = append(lines, style.Render(components.Row(lv.columns, widths, cells)))
	}
	return lines
}
