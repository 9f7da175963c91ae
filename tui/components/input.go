package components

import (
	"charm.land/bubbles/v2/textinput"
	"charm.land/lipgloss/v2"
)

// NewInput is a one-line text input with a steady cursor: a blinking cursor
// is a distraction in a meeting, and a timer firing twice a second for nothing.
func NewInput(prompt string) textinput.Model {
	t := textinput.New()
	t.Prompt = prompt
	st := textinput.DefaultStyles(true)
	st.Cursor.Blink = false
	st.Focused.Prompt = lipgloss.NewStyle().Bold(true)
	st.Blurred.Prompt = lipgloss.NewStyle()
	st.Focused.Text, st.Blurred.Text = lipgloss.NewStyle(), lipgloss.NewStyle()
	st.Focused.Placeholder = lipgloss.NewStyle().Foreground(lipgloss.BrightBlack)
	st.Blurred.Placeholder = st.Focused.Placeholder
	t.SetStyles(st)
	return t
}
