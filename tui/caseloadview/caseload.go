// Package caseloadview is the caseload screen: every child on the IRO's
// caseload with their next statutory event, most urgent first.
package caseloadview

import (
	"fmt"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/iro-app/iro/internal/caseload"
	"github.com/iro-app/iro/internal/child"
	"github.com/iro-app/iro/internal/sanitize"
	"github.com/iro-app/iro/internal/ssda903"
	"github.com/iro-app/iro/tui/components"
	"github.com/iro-app/iro/tui/keys"
	"github.com/iro-app/iro/tui/styles"
)

// OpenChild asks the app to open a child's screen.
type OpenChild struct{ Entry caseload.Entry }

// OpenDrift asks the app to open the drift dashboard.
type OpenDrift struct{}

// OpenAudit asks the app to open the audit log.
type OpenAudit struct{}

// chrome is the lines above the rows: title, filter line, column header.
const chrome = 3

// Model is the caseload screen.
type Model struct {
	st      styles.Styles
	keys    keys.Caseload
	fkeys   keys.Filter
	entries []caseload.Entry
	visible []int // positions in entries that pass the filter
	cursor  int   // position in visible
	offset  int   // first row drawn
	byName  bool
	filter  textinput.Model
	editing bool // the filter line has focus
	width   int
	height  int
}

// New makes an empty caseload screen.
func New(st styles.Styles) Model {
	f := components.NewInput("/ ")
	f.Placeholder = "name, LA id or UPN"
	f.CharLimit = 64
	return Model{st: st, keys: keys.DefaultCaseload(), fkeys: keys.DefaultFilter(), filter: f}
}

// SetEntries replaces the rows, keeping the cursor on the same child.
func (m *Model) SetEntries(entries []caseload.Entry) {
	current := m.selectedID()
	m.entries = entries
	m.sort()
	m.refilter(current)
}

// SetSize gives the screen its width and height.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.filter.SetWidth(max(w-24, 10))
	m.scrollIntoView()
}

// Capturing reports whether a text input has focus, so letters are text.
func (m Model) Capturing() bool { return m.editing }

// Selected is the entry under the cursor.
func (m Model) Selected() (caseload.Entry, bool) {
	if len(m.visible) == 0 {
		return caseload.Entry{}, false
	}
	return m.entries[m.visible[m.cursor]], true
}

// Update handles a message for this screen.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	if m.editing {
		return m.updateFilter(msg)
	}
	press, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return m, nil
	}
	if next, ok := components.MoveCursor(m.keys.List, press, m.cursor, len(m.visible), m.rows()); ok {
		m.cursor = next
		m.scrollIntoView()
		return m, nil
	}
	switch {
	case key.Matches(press, m.keys.Sort):
		current := m.selectedID()
		m.byName = !m.byName
		m.sort()
		m.refilter(current)
	case key.Matches(press, m.keys.Drift):
		return m, func() tea.Msg { return OpenDrift{} }
	case key.Matches(press, m.keys.Audit):
		return m, func() tea.Msg { return OpenAudit{} }
	case key.Matches(press, m.keys.Filter):
		m.editing = true
		return m, m.filter.Focus()
	case key.Matches(press, m.keys.Open):
		if e, ok := m.Selected(); ok {
			return m, func() tea.Msg { return OpenChild{Entry: e} }
		}
	}
	return m, nil
}

func (m Model) updateFilter(msg tea.Msg) (Model, tea.Cmd) {
	if press, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(press, m.fkeys.Clear):
			m.editing = false
			m.filter.Blur()
			m.filter.SetValue("")
			m.refilter(m.selectedID())
			return m, nil
		case key.Matches(press, m.fkeys.Apply):
			m.editing = false
			m.filter.Blur()
			return m, nil
		}
	}
	before := m.filter.Value()
	var cmd tea.Cmd
	m.filter, cmd = m.filter.Update(msg)
	if m.filter.Value() != before {
		m.cursor = 0
		m.refilter("")
	}
	return m, cmd
}

func (m *Model) sort() {
	if m.byName {
		caseload.SortByName(m.entries)
	} else {
		caseload.SortByDue(m.entries)
	}
}

// refilter recomputes the visible rows and puts the cursor back on the child
// with id keep when it is still shown.
func (m *Model) refilter(keep string) {
	m.visible = caseload.Filter(m.entries, m.filter.Value())
	if keep != "" {
		for i, pos := range m.visible {
			if m.entries[pos].Child.ID == keep {
				m.cursor = i
				break
			}
		}
	}
	m.cursor = min(m.cursor, max(len(m.visible)-1, 0))
	m.scrollIntoView()
}

func (m Model) selectedID() string {
	if e, ok := m.Selected(); ok {
		return e.Child.ID
	}
	return ""
}

func (m Model) rows() int { return max(m.height-chrome, 1) }

func (m *Model) scrollIntoView() {
	m.offset = components.ScrollOffset(m.cursor, m.offset, m.rows(), len(m.visible))
}

// ShortHelp lists the keys that work now, for the footer.
func (m Model) ShortHelp() []key.Binding {
	if m.editing {
		return []key.Binding{m.fkeys.Apply, m.fkeys.Clear}
	}
	return []key.Binding{m.keys.Open, m.keys.Filter, m.keys.Sort, m.keys.Drift}
}

// FullHelp lists every key of the screen, in columns.
func (m Model) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{m.keys.Open, m.keys.Filter, m.keys.Sort, m.keys.Drift, m.keys.Audit},
		{m.keys.Up, m.keys.Down, m.keys.PageUp, m.keys.PageDown, m.keys.Top, m.keys.Bottom},
		{m.fkeys.Apply, m.fkeys.Clear},
	}
}

var columns = []components.Column{
	{Title: "", Width: 3},
	{Title: "Name", Flex: 3, Min: 14, Max: 28},
	{Title: "Age", Width: 3, Right: true},
	{Title: "LS", Width: 3},
	{Title: "Placement", Flex: 2, Min: 6, Max: 90},
	{Title: "OOA", Width: 3},
	{Title: "Next event", Flex: 3, Min: 15, Max: 28},
	{Title: "Due", Width: 11},
	{Title: "Work days", Width: 11, Right: true},
}

// View draws the screen at its size.
func (m Model) View() string {
	var b strings.Builder
	b.WriteString(m.titleLine())
	b.WriteByte('\n')
	b.WriteString(m.filterLine())
	b.WriteByte('\n')
	widths := components.Layout(columns, m.width)
	b.WriteString(m.st.Column.Render(components.Header(columns, widths)))
	if len(m.visible) == 0 {
		b.WriteString("\n\n  ")
		if len(m.entries) == 0 {
			b.WriteString(m.st.Muted.Render("No children on this caseload yet."))
		} else {
			b.WriteString(m.st.Muted.Render(fmt.Sprintf("No child matches %q.", sanitize.Line(m.filter.Value()))))
		}
	}
	end := min(m.offset+m.rows(), len(m.visible))
	for i := m.offset; i < end; i++ {
		b.WriteByte('\n')
		b.WriteString(m.row(m.entries[m.visible[i]], widths, i == m.cursor))
	}
	return components.Frame(b.String(), m.width, m.height)
}

func (m Model) titleLine() string {
	counts := map[caseload.Status]int{}
	for _, e := range m.entries {
		counts[e.Status]++
	}
	order := "due date"
	if m.byName {
		order = "name"
	}
	left := m.st.Header.Render(fmt.Sprintf("Caseload · %d children", len(m.entries))) +
		m.st.Muted.Render(" · sorted by "+order)
	right := m.st.Overdue.Render(fmt.Sprintf("!! %d overdue", counts[caseload.Overdue])) + "  " +
		m.st.DueSoon.Render(fmt.Sprintf("! %d due soon", counts[caseload.DueSoon]))
	return components.SpreadLine(left, right, m.width)
}

func (m Model) filterLine() string {
	if m.editing || m.filter.Value() != "" {
		line := m.filter.View()
		if !m.editing {
			line = m.st.Muted.Render("/ " + sanitize.Line(m.filter.Value()) + "  (esc clears after /)")
		}
		return line + m.st.Muted.Render(fmt.Sprintf("  %d of %d", len(m.visible), len(m.entries)))
	}
	return m.st.Muted.Render("press / to find a child by name, LA id or UPN")
}

func (m Model) row(e caseload.Entry, widths []int, selected bool) string {
	cursor := " "
	if selected {
		cursor = "›"
	}
	legal, placement := "—", "—"
	if e.InCare {
		legal = e.Episode.LegalStatus
		words := ssda903.PlacementShort(e.Episode.Placement)
		if full, ok := ssda903.Placement(e.Episode.Placement); ok && widths[4] >= 45 {
			words = full // a wide terminal has room for the code's full meaning
		}
		placement = e.Episode.Placement + " " + words
	} else if e.Kind == child.CP {
		legal, placement = "CP", "child protection plan"
	}
	ooa := ""
	if e.InCare && e.Episode.OutOfArea {
		ooa = "OOA"
	}
	what, due, left := "—", "", ""
	if e.Status != caseload.NoDeadline {
		what, due, left = e.Next.What, components.Date(e.Next.Due), workingDaysLeft(e)
	}
	cells := []string{
		cursor + components.StatusMark(e.Status),
		sanitize.Line(e.Child.Name()),
		strconv.Itoa(e.Age),
		sanitize.Line(legal),
		sanitize.Line(placement),
		ooa,
		sanitize.Line(what),
		due,
		left,
	}
	line := components.Row(columns, widths, cells)
	style := components.StatusStyle(m.st, e.Status)
	if selected {
		style = style.Inherit(m.st.Selected)
	}
	return style.Render(line)
}

func workingDaysLeft(e caseload.Entry) string {
	switch e.Status {
	case caseload.Overdue:
		if e.WorkingDaysLeft == 0 {
			return "OVERDUE" // missed at the weekend: no working day has passed yet
		}
		return fmt.Sprintf("OVERDUE %d", -e.WorkingDaysLeft)
	case caseload.DueSoon:
		return fmt.Sprintf("due soon %d", e.WorkingDaysLeft)
	}
	return strconv.Itoa(e.WorkingDaysLeft)
}

// Entries are the rows in their current order.
func (m Model) Entries() []caseload.Entry { return m.entries }

// Visible counts the rows that pass the filter.
func (m Model) Visible() int { return len(m.visible) }
