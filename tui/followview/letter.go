package followview

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/iro-app/iro/internal/review"
	"github.com/iro-app/iro/internal/sanitize"
	"github.com/iro-app/iro/tui/components"
)

// letterInput is what a draft of the letter to the child is made from.
func (m Model) letterInput() review.LetterInput {
	return review.LetterInput{
		ChildFirstName:    m.s.Child.FirstName,
		IROName:           m.s.IROName,
		Held:              m.heldOn(),
		NextReview:        m.s.NextReview,
		Recommendations:   m.s.Meeting.Recommendations,
		WishesAndFeelings: m.s.Meeting.WishesAndFeelings,
	}
}

func (m Model) letterKey(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	switch {
	case key.Matches(msg, m.keys.EditLetter):
		m.editor.Focus()
	case key.Matches(msg, m.keys.Redraft):
		m.modal = newConfirmDialog(m.keys, "Start again from a new draft",
			"The letter will be replaced by a new draft made from this review's recommendations and the child's words. What you wrote in it will be lost.",
			&action{redraft: true})
	}
	return m, nil
}

// editLetter passes a key to the focused editor and arms the autosave timer
// on a change; leaving the editor queues the text at once.
func (m Model) editLetter(msg tea.Msg) (Model, tea.Cmd) {
	if press, ok := msg.(tea.KeyPressMsg); ok && key.Matches(press, m.keys.LeaveLetter) {
		m.editor.Blur()
		m.queueLetter()
		return m, m.letter.Next()
	}
	var cmd tea.Cmd
	m.editor, cmd = m.editor.Update(msg)
	if m.editor.Revision() == m.cleanRev {
		return m, cmd
	}
	return m, tea.Batch(cmd, m.letter.Changed())
}

// queueLetter hands the editor's text to the save queue if it changed.
func (m *Model) queueLetter() {
	if m.editor.Revision() == m.cleanRev {
		return
	}
	m.cleanRev = m.editor.Revision()
	m.lastQueued = m.editor.Text()
	m.letter.Put(m.s.Review.ID, m.lastQueued)
}

func (m Model) letterView() string {
	title := m.st.Section.Render("Letter to " + sanitize.Line(m.s.Child.FirstName))
	state := m.letterState()
	head := components.SpreadLine(title, state, m.width)
	if components.Width(title)+1+components.Width(state) > m.width {
		head = components.Fit(state, m.width) // the save state matters more than the title
	}
	return head + "\n" + indent(m.editor.View())
}

// letterState says whether the letter is safe. A draft nobody has touched
// is not saved: the record should only carry a letter the IRO has read.
func (m Model) letterState() string {
	switch {
	case m.letter.Err() != nil:
		return m.st.Error.Render("NOT SAVED — " + sanitize.Line(m.letter.Err().Error()) + " (retrying)")
	case m.letter.Busy() || m.editor.Revision() != m.cleanRev:
		return m.st.DueSoon.Render("saving…")
	case m.s.Meeting.Letter == "":
		return m.st.Muted.Render("draft, not saved until you edit it")
	case m.letter.SavedAt().IsZero():
		return m.st.Muted.Render("saved")
	}
	return m.st.OnTrack.Render("saved " + m.letter.SavedAt().Local().Format("15:04:05"))
}

func indent(block string) string { return " " + strings.ReplaceAll(block, "\n", "\n ") }
