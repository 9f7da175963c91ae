package prepareview

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/iro-app/iro/internal/caseload"
	"github.com/iro-app/iro/internal/review"
	"github.com/iro-app/iro/internal/sanitize"
	"github.com/iro-app/iro/tui/components"
)

// sortSections puts the agenda in its order. Positions can have gaps after a
// section is deleted: only their order matters, so the rest are not renumbered
// (one write per delete, not one per section).
func sortSections(ss []review.Section) {
	slices.SortStableFunc(ss, func(a, b review.Section) int { return a.Position - b.Position })
}

func (m Model) selectedSectionID() string {
	if i := m.cursor[agendaPart].pos; i < len(m.s.Meeting.Sections) {
		return m.s.Meeting.Sections[i].ID
	}
	return ""
}

var agendaColumns = []components.Column{
	{Width: 2},
	{Title: "#", Width: 3, Right: true},
	{Title: "Section", Flex: 1, Min: 10},
}

func (m Model) agendaView() listView {
	note := m.st.Muted.Render(fmt.Sprintf("The agenda for %s, in the order the meeting will follow.", m.meetingName))
	return listView{note: note, columns: agendaColumns, n: len(m.s.Meeting.Sections),
		empty: "The agenda is empty: press a to add a section.",
		row: func(i int) ([]string, caseload.Status) {
			return []string{"", strconv.Itoa(i + 1), sanitize.Line(m.s.Meeting.Sections[i].Title)}, caseload.OnTrack
		}}
}

func (m Model) agendaKey(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	secs := m.s.Meeting.Sections
	if key.Matches(msg, m.keys.AddSection) {
		m.dialog = m.sectionDialog(review.Section{}, "Add a section at the end")
		return m, nil
	}
	if len(secs) == 0 {
		return m, nil
	}
	i := m.selected()
	switch {
	case key.Matches(msg, m.keys.RenameSection):
		m.dialog = m.sectionDialog(secs[i], "Rename the section")
	case key.Matches(msg, m.keys.DeleteSection):
		m.confirm = &confirmDialog{
			question: fmt.Sprintf("Delete %q from the agenda, with any notes in it?", sanitize.Line(secs[i].Title)),
			w:        m.deleteSection(secs[i]),
		}
	case key.Matches(msg, m.keys.MoveUp) && i > 0:
		cmd, _ := m.start(m.swapSections(secs[i], secs[i-1]))
		return m, cmd
	case key.Matches(msg, m.keys.MoveDown) && i < len(secs)-1:
		cmd, _ := m.start(m.swapSections(secs[i], secs[i+1]))
		return m, cmd
	}
	return m, nil
}

// sectionDialog adds a section (s has no id) or renames s.
func (m Model) sectionDialog(s review.Section, title string) *formDialog {
	f := components.NewForm(title, "Title")
	f.SetValue(0, sanitize.Line(s.Title))
	be, reviewID := m.backend, m.s.Review.ID
	if s.ID == "" {
		s.Position = 0
		if n := len(m.s.Meeting.Sections); n > 0 {
			s.Position = m.s.Meeting.Sections[n-1].Position + 1
		}
	}
	return &formDialog{form: f, check: func(v []string) (write, int, string) {
		if v[0] == "" {
			return nil, 0, "Give the section a title."
		}
		s.Title = v[0]
		return func(ctx context.Context) saved {
			r := saved{what: "Section renamed: " + s.Title}
			if s.ID == "" {
				r.what, r.err = "Section added: "+s.Title, be.AddSection(ctx, reviewID, &s)
			} else {
				r.err = be.UpdateSection(ctx, &s)
			}
			if r.err == nil {
				r.sections = []review.Section{s}
			}
			return r
		}, 0, ""
	}}
}

func (m Model) deleteSection(s review.Section) write {
	be := m.backend
	return func(ctx context.Context) saved {
		return saved{err: be.DeleteSection(ctx, s.ID), what: "Section deleted: " + s.Title, deleted: s.ID}
	}
}

// swapSections exchanges the positions of a (the section moving) and b. The
// Backend has no transaction across two calls, so when b's update fails a
// is put back; either way the reply carries the sections as stored, so the
// screen never shows an order the store does not have.
func (m Model) swapSections(a, b review.Section) write {
	be := m.backend
	return func(ctx context.Context) saved {
		a2, b2 := a, b
		a2.Position, b2.Position = b.Position, a.Position
		if err := be.UpdateSection(ctx, &a2); err != nil {
			return saved{err: err}
		}
		if err := be.UpdateSection(ctx, &b2); err != nil {
			a2.Position = a.Position
			if undo := be.UpdateSection(ctx, &a2); undo != nil {
				a2.Position = b.Position // the store still has the move
			}
			return saved{err: err, sections: []review.Section{a2}}
		}
		return saved{what: "Moved: " + a.Title, sections: []review.Section{a2, b2}}
	}
}
