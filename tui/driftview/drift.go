// Package driftview is the drift dashboard: everything drifting on the
// caseload, most urgent first, each row saying what is wrong in words and
// jumping to the place to fix it.
package driftview

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/iro-app/iro/internal/caseload"
	"github.com/iro-app/iro/internal/drift"
	"github.com/iro-app/iro/internal/sanitize"
	"github.com/iro-app/iro/tui/components"
	"github.com/iro-app/iro/tui/keys"
	"github.com/iro-app/iro/tui/styles"
)

// Jump asks the app to open the place where an item is fixed.
type Jump struct{ Item drift.Item }

// Done tells the app the IRO left the dashboard.
type Done struct{}

// Model is the drift dashboard.
type Model struct {
	st     styles.Styles
	keys   keys.Drift
	items  []drift.Item
	cursor int
	offset int
	width  int
	height int
}

// New shows the items, already in order of urgency.
func New(st styles.Styles, items []drift.Item) Model {
	return Model{st: st, keys: keys.DefaultDrift(), items: items}
}

// SetItems replaces the list after a reload, keeping the cursor in range.
func (m *Model) SetItems(items []drift.Item) {
	m.items = items
	m.cursor = min(m.cursor, max(len(items)-1, 0))
	m.scroll()
}

// SetSize gives the dashboard its width and height.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.scroll()
}

// Capturing is always false: the dashboard has no text input.
func (m Model) Capturing() bool { return false }

// Items are the rows shown.
func (m Model) Items() []drift.Item { return m.items }

// Update moves the cursor and jumps.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	press, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return m, nil
	}
	if next, ok := components.MoveCursor(m.keys.List, press, m.cursor, len(m.items), m.rows()); ok {
		m.cursor = next
		m.scroll()
		return m, nil
	}
	switch {
	case key.Matches(press, m.keys.Open) && len(m.items) > 0:
		it := m.items[m.cursor]
		return m, func() tea.Msg { return Jump{Item: it} }
	case key.Matches(press, m.keys.Back):
		return m, func() tea.Msg { return Done{} }
	}
	m.scroll()
	return m, nil
}

func (m Model) rows() int { return max(m.height-3, 1) }

func (m *Model) scroll() {
	m.offset = components.ScrollOffset(m.cursor, m.offset, m.rows(), len(m.items))
}

// ShortHelp lists the keys that work now.
func (m Model) ShortHelp() []key.Binding { return []key.Binding{m.keys.Open, m.keys.Down, m.keys.Back} }

// FullHelp lists every key of the dashboard.
func (m Model) FullHelp() [][]key.Binding {
	return [][]key.Binding{{m.keys.Open, m.keys.Back}, {m.keys.Up, m.keys.Down, m.keys.PageUp, m.keys.PageDown, m.keys.Top, m.keys.Bottom}}
}

var columns = []components.Column{
	{Title: "", Width: 3},
	{Title: "Child", Flex: 2, Min: 14, Max: 24},
	{Title: "What is wrong", Flex: 5, Min: 20},
	{Title: "Due", Width: 11},
	{Title: "Late", Width: 8, Right: true},
}

// View draws the dashboard.
func (m Model) View() string {
	var b strings.Builder
	late := 0
	for _, it := range m.items {
		if it.WorkingDaysLate > 0 {
			late++
		}
	}
	b.WriteString(components.SpreadLine(m.st.Header.Render(fmt.Sprintf("Drift · %d things need attention", len(m.items))),
		m.st.Overdue.Render(fmt.Sprintf("!! %d overdue", late)), m.width) + "\n")
	b.WriteString(m.st.Muted.Render("Most urgent first. enter goes to the place to fix it.") + "\n")
	widths := components.Layout(columns, m.width)
	b.WriteString(m.st.Column.Render(components.Header(columns, widths)))
	if len(m.items) == 0 {
		b.WriteString("\n\n  " + m.st.OnTrack.Render("Nothing is drifting. Every review, record and recommendation is on time."))
	}
	for i := m.offset; i < min(m.offset+m.rows(), len(m.items)); i++ {
		b.WriteString("\n" + m.row(m.items[i], widths, i == m.cursor))
	}
	return components.Frame(b.String(), m.width, m.height)
}

func (m Model) row(it drift.Item, widths []int, selected bool) string {
	status := caseload.OnTrack
	late := ""
	switch {
	case it.WorkingDaysLate > 0:
		status = caseload.Overdue
		late = fmt.Sprintf("%d wd", it.WorkingDaysLate)
	case !it.Due.IsZero():
		status = caseload.DueSoon
	}
	cursor := " "
	if selected {
		cursor = "›"
	}
	due := ""
	if !it.Due.IsZero() {
		due = components.Date(it.Due)
	}
	line := components.Row(columns, widths, []string{cursor + components.StatusMark(status), sanitize.Line(it.ChildName), sanitize.Line(it.What), due, late})
	style := components.StatusStyle(m.st, status)
	if selected {
		style = style.Inherit(m.st.Selected)
	}
	return style.Render(line)
}
