package followview

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/iro-app/iro/internal/caseload"
	"github.com/iro-app/iro/internal/review"
	"github.com/iro-app/iro/internal/sanitize"
	"github.com/iro-app/iro/tui/components"
)

var trackerColumns = []components.Column{
	{Title: "", Width: 3}, // cursor and urgency mark
	{Title: "Recommendation", Flex: 3, Min: 12},
	{Title: "Owner", Flex: 2, Min: 8, Max: 28},
	{Title: "Due", Width: 11},
	{Title: "Status", Width: 11},
	{Title: "Latest", Flex: 2, Min: 6},
}

var historyColumns = []components.Column{
	{Title: "Date", Width: 11},
	{Title: "Note", Flex: 3, Min: 12},
	{Title: "Chased", Flex: 1, Min: 8, Max: 28},
	{Title: "Status set", Width: 11},
}

// trackerRows is how many recommendations the list shows: up to half the
// part, leaving the rest for the history of the selected one.
func (m Model) trackerRows() int {
	return max(min(len(m.s.Recommendations), (m.bodyHeight()-3)/2), 1)
}

func (m Model) trackerKey(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	if next, ok := components.MoveCursor(m.keys.List, msg, m.recCursor, len(m.s.Recommendations), m.trackerRows()); ok {
		m.recCursor = next
		return m, nil
	}
	if key.Matches(msg, m.keys.Challenge) && len(m.s.Recommendations) > 0 {
		r := m.s.Recommendations[m.recCursor]
		return m, func() tea.Msg { return RaiseChallenge{ReviewID: r.ReviewID, Recommendation: r} }
	}
	if key.Matches(msg, m.keys.Progress) && len(m.s.Recommendations) > 0 {
		m.status = ""
		m.modal = newProgressDialog(m.s.Recommendations[m.recCursor])
	}
	return m, nil
}

func (m Model) trackerView() string {
	recs := m.s.Recommendations
	if len(recs) == 0 {
		return m.st.Muted.Render("No recommendations have been made for this child yet.")
	}
	var b strings.Builder
	widths := components.Layout(trackerColumns, m.width)
	b.WriteString(m.st.Column.Render(components.Header(trackerColumns, widths)) + "\n")
	rows := m.trackerRows()
	top := components.ScrollOffset(m.recCursor, 0, rows, len(recs))
	for i := top; i < min(top+rows, len(recs)); i++ {
		b.WriteString(m.trackerRow(recs[i], i == m.recCursor, widths) + "\n")
	}
	if more := len(recs) - top - rows; more > 0 {
		b.WriteString(m.st.Muted.Render(fmt.Sprintf("   … %d more", more)) + "\n")
	}
	b.WriteString("\n" + m.history(recs[m.recCursor], m.bodyHeight()-rows-3))
	return b.String()
}

func (m Model) trackerRow(r review.Recommendation, selected bool, widths []int) string {
	status := caseload.OnTrack
	if review.Overdue(r, m.s.Today) {
		status = caseload.Overdue
	}
	cursor := " "
	if selected {
		cursor = "›"
	}
	latest := "—"
	if n := len(r.Progress); n > 0 {
		p := r.Progress[n-1]
		latest = p.On.Time().Format("02 Jan") + " " + sanitize.Line(p.Text)
	}
	line := components.Row(trackerColumns, widths, []string{cursor + components.StatusMark(status),
		sanitize.Line(r.Text), owner(r), components.Date(r.Due), review.TrackerStatus(r, m.s.Today), latest})
	if selected {
		return m.st.Selected.Render(line)
	}
	return components.StatusStyle(m.st, status).Render(line)
}

// history lists the selected recommendation's progress, oldest first,
// keeping the newest when they do not all fit in lines.
func (m Model) history(r review.Recommendation, lines int) string {
	title := m.st.Section.Render("History") + " " + sanitize.Line(r.Text)
	if len(r.Progress) == 0 {
		return title + "\n" + m.st.Muted.Render("No progress recorded yet: press enter to add a note.")
	}
	widths := components.Layout(historyColumns, m.width)
	var entries [][]string
	for _, p := range r.Progress {
		set := ""
		if p.Status != "" {
			set = p.Status.Label()
		}
		entries = append(entries, wrappedRow(historyColumns, widths,
			[]string{components.Date(p.On), sanitize.Line(p.Text), sanitize.Line(p.Chased), set}, 1))
	}
	room, first := max(lines-2, 1), len(entries)
	for used := 0; first > 0 && used+len(entries[first-1]) <= room; first-- {
		used += len(entries[first-1])
	}
	var b strings.Builder
	b.WriteString(title + "\n" + m.st.Column.Render(components.Header(historyColumns, widths)) + "\n")
	if first > 0 {
		b.WriteString(m.st.Muted.Render(fmt.Sprintf("… %d earlier", first)) + "\n")
	}
	for _, e := range entries[first:] {
		b.WriteString(strings.Join(e, "\n") + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

func owner(r review.Recommendation) string {
	role, name := sanitize.Line(r.OwnerRole), sanitize.Line(r.OwnerName)
	switch {
	case role == "":
		return name
	case name == "":
		return role
	}
	return role + " (" + name + ")"
}
