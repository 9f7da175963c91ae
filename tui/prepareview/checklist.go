package prepareview

import (
	"context"
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/iro-app/iro/internal/caseload"
	"github.com/iro-app/iro/internal/review"
	"github.com/iro-app/iro/internal/sanitize"
	"github.com/iro-app/iro/tui/components"
)

// checklist is one item per topic, in the checklist's order; a topic not yet
// looked at is an unchecked item with no id.
func (m Model) checklist() []review.ChecklistItem {
	items := make([]review.ChecklistItem, 0, len(review.Topics()))
	for _, t := range review.Topics() {
		it := review.ChecklistItem{Topic: t}
		for _, have := range m.s.Meeting.Checklist {
			if have.Topic == t {
				it = have
			}
		}
		items = append(items, it)
	}
	return items
}

// checkUrgency marks a missing part of the care plan louder than a concern.
func checkUrgency(c review.Check) caseload.Status {
	switch c {
	case review.CheckMissing:
		return caseload.Overdue
	case review.CheckConcern:
		return caseload.DueSoon
	}
	return caseload.OnTrack
}

var checklistColumns = []components.Column{
	{Width: 3},
	{Title: "Part of the care plan", Flex: 2, Min: 14, Max: 42},
	{Title: "Check", Width: 11},
	{Title: "Note", Flex: 3, Min: 10},
}

func (m Model) checklistView() listView {
	counts := map[review.Check]int{}
	items := m.checklist()
	for _, it := range items {
		counts[it.Check]++
	}
	note := m.st.Muted.Render(fmt.Sprintf("%d OK · %s · %d missing · %d not checked",
		counts[review.CheckOK], plural(counts[review.CheckConcern], "concern"), counts[review.CheckMissing], counts[""]))
	return listView{note: note, columns: checklistColumns, n: len(items), row: func(i int) ([]string, caseload.Status) {
		it := items[i]
		urgency := checkUrgency(it.Check)
		return []string{components.StatusMark(urgency), it.Topic.Label(), it.Check.Label(), sanitize.Line(it.Note)}, urgency
	}}
}

func (m Model) checklistKey(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	it := m.checklist()[m.selected()]
	var check review.Check
	switch {
	case key.Matches(msg, m.keys.CheckOK):
		check = review.CheckOK
	case key.Matches(msg, m.keys.CheckConcern):
		check = review.CheckConcern
	case key.Matches(msg, m.keys.CheckMissing):
		check = review.CheckMissing
	case key.Matches(msg, m.keys.EditNote):
		m.dialog = m.noteDialog(it)
		return m, nil
	default:
		return m, nil
	}
	it.Check = check
	cmd, _ := m.start(m.saveCheck(it, it.Topic.Label()+": "+check.Label()))
	return m, cmd
}

func (m Model) noteDialog(it review.ChecklistItem) *formDialog {
	f := components.NewForm("Note: "+it.Topic.Label(), "What did you find?")
	f.SetValue(0, sanitize.Line(it.Note))
	return &formDialog{form: f, check: func(v []string) (write, int, string) {
		it.Note = v[0]
		return m.saveCheck(it, "Note saved: "+it.Topic.Label()), 0, ""
	}}
}

func (m Model) saveCheck(it review.ChecklistItem, what string) write {
	be, reviewID := m.backend, m.s.Review.ID
	return func(ctx context.Context) saved {
		return saved{err: be.SaveChecklistItem(ctx, reviewID, &it), what: what, check: &it}
	}
}
