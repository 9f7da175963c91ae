package prepareview

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// write passes a key to the wishes editor, which has focus, and arms the
// autosave timer on a change; esc leaves the editor and saves at once.
func (m Model) write(msg tea.Msg) (Model, tea.Cmd) {
	if press, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(press, m.keys.StopWriting):
			m.writing = false
			m.editor.Blur()
			m.queueWishes()
			return m, m.wishes.Next()
		case key.Matches(press, m.keys.SaveWishes):
			m.queueWishes()
			return m, m.wishes.Next()
		}
	}
	var cmd tea.Cmd
	m.editor, cmd = m.editor.Update(msg)
	if m.editor.Revision() == m.cleanRev {
		return m, cmd
	}
	return m, tea.Batch(cmd, m.wishes.Changed())
}

// queueWishes hands the editor's text to the save queue if it changed.
func (m *Model) queueWishes() {
	if m.editor.Revision() == m.cleanRev {
		return
	}
	text := m.editor.Text()
	m.cleanRev = m.editor.Revision()
	m.s.Meeting.WishesAndFeelings = text
	m.wishes.Put(m.s.Review.ID, text)
}

// wishesLine heads the wishes part: what belongs there and its save state.
func (m Model) wishesLine() string {
	var hint string
	switch {
	case m.writing:
		hint = "The child's own words, as they said or wrote them. esc when done."
	case m.s.Meeting.WishesAndFeelings == "":
		hint = "Nothing recorded yet: press enter to write the child's own words."
	default:
		hint = "The child's own words. Press enter to write."
	}
	line := m.st.Muted.Render(hint)
	if state := m.saveState(); state != "" {
		line += "  " + state
	}
	return line
}
