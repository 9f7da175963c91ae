package followview

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/iro-app/iro/internal/review"
	"github.com/iro-app/iro/internal/sanitize"
	"github.com/iro-app/iro/tui/components"
)

var monitoringColumns = []components.Column{
	{Title: "", Width: 1}, // cursor
	{Title: "Date", Width: 11},
	{Title: "Spoke to", Flex: 1, Min: 8, Max: 28},
	{Title: "Checked", Flex: 2, Min: 10},
	{Title: "Outcome", Flex: 2, Min: 10},
}

// monitoringRows is how many checks the list shows: up to half the part,
// leaving the rest for the selected check in full.
func (m Model) monitoringRows() int {
	return max(min(len(m.s.Monitoring), (m.bodyHeight()-3)/2), 1)
}

func (m Model) monitoringKey(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	if next, ok := components.MoveCursor(m.keys.List, msg, m.monCursor, len(m.s.Monitoring), m.monitoringRows()); ok {
		m.monCursor = next
		return m, nil
	}
	if key.Matches(msg, m.keys.AddMonitoring) {
		m.status = ""
		m.modal = newMonitoringDialog(m.s.Today)
	}
	return m, nil
}

func (m Model) monitoringView() string {
	checks := m.s.Monitoring
	if len(checks) == 0 {
		return m.st.Muted.Render("No midway checks yet: press a to add one.")
	}
	var b strings.Builder
	widths := components.Layout(monitoringColumns, m.width)
	b.WriteString(m.st.Column.Render(components.Header(monitoringColumns, widths)) + "\n")
	rows := m.monitoringRows()
	top := components.ScrollOffset(m.monCursor, 0, rows, len(m.s.Monitoring))
	for i := top; i < min(top+rows, len(checks)); i++ {
		c := checks[i]
		cursor := " "
		if i == m.monCursor {
			cursor = "›"
		}
		line := components.Row(monitoringColumns, widths, []string{cursor, components.Date(c.On),
			sanitize.Line(c.Contact), sanitize.Line(c.Checked), sanitize.Line(c.Outcome)})
		if i == m.monCursor {
			line = m.st.Selected.Render(line)
		}
		b.WriteString(line + "\n")
	}
	b.WriteString("\n" + m.checkDetail(checks[m.monCursor]))
	return b.String()
}

// checkDetail shows one check in full, since the table cuts long text.
func (m Model) checkDetail(c review.Monitoring) string {
	var b strings.Builder
	b.WriteString(m.st.Section.Render(components.Date(c.On)+" · "+sanitize.Line(c.Contact)) + "\n")
	for _, f := range [][2]string{{"Checked", c.Checked}, {"Outcome", c.Outcome}} {
		text := sanitize.Line(f[1])
		if text == "" {
			text = "—"
		}
		for i, l := range wrapped(text, m.width-9) {
			label := ""
			if i == 0 {
				label = f[0]
			}
			b.WriteString(m.st.Muted.Render(components.Fit(label, 9)) + l + "\n")
		}
	}
	return strings.TrimRight(b.String(), "\n")
}
