// Package auditview lists the local audit log: unlocks, locks, failed
// unlocks, exports, imports and passphrase changes, newest first.
package auditview

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/iro-app/iro/internal/sanitize"
	"github.com/iro-app/iro/store"
	"github.com/iro-app/iro/tui/components"
	"github.com/iro-app/iro/tui/keys"
	"github.com/iro-app/iro/tui/styles"
)

// Done tells the app the IRO left the log.
type Done struct{}

// Model is the audit log screen.
type Model struct {
	st      styles.Styles
	keys    keys.Drift // the same moves: a list with a way back
	entries []store.AuditEntry
	offset  int
	width   int
	height  int
}

// New shows the entries, newest first.
func New(st styles.Styles, entries []store.AuditEntry) Model {
	return Model{st: st, keys: keys.DefaultDrift(), entries: entries}
}

// SetSize gives the screen its width and height.
func (m *Model) SetSize(w, h int) { m.width, m.height = w, h }

// Capturing is always false: the log has no text input.
func (m Model) Capturing() bool { return false }

// Update scrolls the log.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	press, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return m, nil
	}
	last := max(len(m.entries)-m.rows(), 0)
	switch {
	case key.Matches(press, m.keys.Down):
		m.offset = min(m.offset+1, last)
	case key.Matches(press, m.keys.Up):
		m.offset = max(m.offset-1, 0)
	case key.Matches(press, m.keys.PageDown):
		m.offset = min(m.offset+m.rows(), last)
	case key.Matches(press, m.keys.PageUp):
		m.offset = max(m.offset-m.rows(), 0)
	case key.Matches(press, m.keys.Back):
		return m, func() tea.Msg { return Done{} }
	}
	return m, nil
}

func (m Model) rows() int { return max(m.height-3, 1) }

// ShortHelp lists the keys that work now.
func (m Model) ShortHelp() []key.Binding { return []key.Binding{m.keys.Down, m.keys.Up, m.keys.Back} }

// FullHelp lists every key of the screen.
func (m Model) FullHelp() [][]key.Binding {
	return [][]key.Binding{{m.keys.Up, m.keys.Down, m.keys.PageUp, m.keys.PageDown, m.keys.Back}}
}

var columns = []components.Column{
	{Title: "When", Width: 16},
	{Title: "Who", Flex: 1, Min: 8, Max: 24},
	{Title: "What", Width: 17},
	{Title: "Detail", Flex: 3, Min: 10},
}

// View draws the log.
func (m Model) View() string {
	var b strings.Builder
	b.WriteString(m.st.Header.Render(fmt.Sprintf("Audit log · %d entries", len(m.entries))) + "\n")
	b.WriteString(m.st.Muted.Render("Kept on this laptop only; it never holds a child's details.") + "\n")
	widths := components.Layout(columns, m.width)
	b.WriteString(m.st.Column.Render(components.Header(columns, widths)))
	for i := m.offset; i < min(m.offset+m.rows(), len(m.entries)); i++ {
		e := m.entries[i]
		b.WriteString("\n" + components.Row(columns, widths, []string{e.At.Local().Format("02 Jan 2006 15:04"),
			sanitize.Line(e.Who), sanitize.Line(strings.ReplaceAll(e.Event, "_", " ")), sanitize.Line(e.Detail)}))
	}
	return components.Frame(b.String(), m.width, m.height)
}
