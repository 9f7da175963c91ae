package followview

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/iro-app/iro/internal/calendar"
	"github.com/iro-app/iro/internal/caseload"
	"github.com/iro-app/iro/internal/report"
	"github.com/iro-app/iro/internal/review"
	"github.com/iro-app/iro/internal/sanitize"
	"github.com/iro-app/iro/tui/components"
)

// recordHeaderLines is the circulation block above the record: decisions,
// record and a blank line.
const recordHeaderLines = 3

func (m Model) recordKey(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	k := m.keys
	switch {
	case key.Matches(msg, k.Challenge):
		id := m.s.Review.ID
		return m, func() tea.Msg { return RaiseChallenge{ReviewID: id} }
	case key.Matches(msg, k.Up):
		m.record.ScrollUp(1)
	case key.Matches(msg, k.Down):
		m.record.ScrollDown(1)
	case key.Matches(msg, k.PageUp):
		m.record.PageUp()
	case key.Matches(msg, k.PageDown):
		m.record.PageDown()
	case key.Matches(msg, k.Top):
		m.record.GotoTop()
	case key.Matches(msg, k.Bottom):
		m.record.GotoBottom()
	case key.Matches(msg, k.Decisions):
		m.openStateChange(action{state: review.DecisionsCirculated})
	case key.Matches(msg, k.RecordSent):
		m.openStateChange(action{state: review.RecordCirculated})
	case key.Matches(msg, k.Close):
		m.openStateChange(action{state: review.Closed})
	}
	return m, nil
}

// openStateChange asks for what a state change needs, or says at once why
// the lifecycle refuses it, so the IRO never fills in a form for nothing.
func (m *Model) openStateChange(a action) {
	if err := review.Transition(review.State(m.s.Review.State), a.state); err != nil {
		m.say(true, "Cannot %s: %s.", a.verb(), err)
		return
	}
	m.status = ""
	if a.state == review.Closed {
		m.modal = newConfirmDialog(m.keys, "Close the review",
			"A closed review cannot change: nothing more can be circulated or recorded against "+
				sanitize.Line(m.s.MeetingName)+". Its recommendations stay on the tracker.", &a)
		return
	}
	m.modal = newCirculateDialog(a.state, m.heldOn(), m.s.Today)
}

// refreshRecord rebuilds the record text for the current width and state.
func (m *Model) refreshRecord() {
	m.record.SetWidth(max(m.width, 1))
	m.record.SetContent(m.recordText())
}

// recordText is the circulated record as plain lines: headings lose their
// markers and are styled instead; long lines wrap at the screen's width.
func (m Model) recordText() string {
	rec := report.Build(m.s.Child, m.s.Review, m.s.Meeting, m.s.Schedule, m.s.MeetingName)
	w := max(m.width, 1)
	var b strings.Builder
	for line := range strings.SplitSeq(sanitize.Text(rec.Markdown()), "\n") {
		switch {
		case strings.HasPrefix(line, "### "):
			line = m.st.Bold.Render(strings.TrimPrefix(line, "### "))
		case strings.HasPrefix(line, "## "):
			line = m.st.Section.Render(strings.TrimPrefix(line, "## "))
		case strings.HasPrefix(line, "# "):
			line = m.st.Title.Render(strings.TrimPrefix(line, "# "))
		}
		b.WriteString(components.Clip(ansi.Wrap(strings.ReplaceAll(line, "\t", "    "), w, ""), w) + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

func (m Model) recordView() string {
	header := m.circulation("Decisions", m.s.Schedule.DecisionsDue, m.s.Review.DecisionsCirculated) + "\n" +
		m.circulation("Record", m.s.Schedule.RecordDue, m.s.Review.RecordCirculated) + "\n"
	return header + "\n" + m.record.View()
}

// circulation is one deadline with how it stands: sent, or how urgent.
func (m Model) circulation(what string, due, sent calendar.Date) string {
	head := fmt.Sprintf("%-10s due %-11s  ", what, components.Date(due))
	switch {
	case !sent.IsZero():
		s := "✓ sent on " + components.Date(sent)
		if !due.IsZero() && sent.After(due) {
			s += " (late)"
		}
		return head + m.st.OnTrack.Render(s)
	case due.IsZero():
		return head + m.st.Muted.Render("no deadline worked out")
	}
	_, status := caseload.Classify(m.s.Today, due, m.s.Calendar)
	return head + components.StatusStyle(m.st, status).Render(components.StatusMark(status)+" "+status.Word())
}
