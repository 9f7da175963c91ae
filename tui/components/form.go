package components

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/iro-app/iro/internal/sanitize"
	"github.com/iro-app/iro/tui/keys"
	"github.com/iro-app/iro/tui/styles"
)

// FormResult says what the last key did to a Form.
type FormResult int

// What a key can do to a form.
const (
	FormEditing FormResult = iota
	FormSubmitted
	FormCancelled
)

// Form is a small dialog of one-line fields: enter moves to the next field
// and, on the last one, submits; esc cancels. The caller validates the
// values on submit and shows a reason with SetError.
type Form struct {
	Title   string
	labels  []string
	inputs  []textinput.Model
	focus   int
	err     string
	preview func(values []string) string
	keys    keys.Dialog
}

// NewForm makes a form with one field per label, the first focused.
func NewForm(title string, labels ...string) Form {
	f := Form{Title: title, labels: labels, keys: keys.DefaultDialog()}
	for range labels {
		in := NewInput("> ")
		in.CharLimit = 2000
		f.inputs = append(f.inputs, in)
	}
	f.inputs[0].Focus()
	return f
}

// WithPreview shows a live line under the fields, e.g. a due date resolved
// from shorthand, so the IRO sees what will be saved before saving it.
func (f Form) WithPreview(p func(values []string) string) Form {
	f.preview = p
	return f
}

// SetValue fills field i.
func (f *Form) SetValue(i int, v string) { f.inputs[i].SetValue(v) }

// SetPlaceholder shows a hint in an empty field i.
func (f *Form) SetPlaceholder(i int, p string) { f.inputs[i].Placeholder = p }

// SetSuggestions offers completions for field i (tab accepts them).
func (f *Form) SetSuggestions(i int, s []string) {
	f.inputs[i].ShowSuggestions = true
	f.inputs[i].SetSuggestions(s)
}

// Values are the fields' contents, trimmed.
func (f Form) Values() []string {
	out := make([]string, len(f.inputs))
	for i, in := range f.inputs {
		out[i] = strings.TrimSpace(in.Value())
	}
	return out
}

// SetError shows why the values were refused and returns focus to field i.
func (f *Form) SetError(i int, reason string) {
	f.err = reason
	f.focusOn(i)
}

func (f *Form) focusOn(i int) {
	f.inputs[f.focus].Blur()
	f.focus = i
	f.inputs[i].Focus()
}

// Update handles one message.
func (f Form) Update(msg tea.Msg) (Form, tea.Cmd, FormResult) {
	if press, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(press, f.keys.Cancel):
			return f, nil, FormCancelled
		case key.Matches(press, f.keys.Submit):
			// enter takes the completion on offer, as the grey text promised.
			if f.hasSuggestion() {
				f.inputs[f.focus].SetValue(f.inputs[f.focus].CurrentSuggestion())
			}
			if f.focus == len(f.inputs)-1 {
				f.err = ""
				return f, nil, FormSubmitted
			}
			f.focusOn(f.focus + 1)
			return f, nil, FormEditing
		case key.Matches(press, f.keys.Next) && !f.hasSuggestion():
			f.focusOn((f.focus + 1) % len(f.inputs))
			return f, nil, FormEditing
		case key.Matches(press, f.keys.Prev):
			f.focusOn((f.focus + len(f.inputs) - 1) % len(f.inputs))
			return f, nil, FormEditing
		}
	}
	var cmd tea.Cmd
	f.inputs[f.focus], cmd = f.inputs[f.focus].Update(msg)
	return f, cmd, FormEditing
}

// hasSuggestion lets tab accept a completion before it moves on.
func (f Form) hasSuggestion() bool {
	in := f.inputs[f.focus]
	return in.ShowSuggestions && in.Value() != "" && in.CurrentSuggestion() != "" && in.CurrentSuggestion() != in.Value()
}

// ShortHelp lists the form's keys.
func (f Form) ShortHelp() []key.Binding {
	return []key.Binding{f.keys.Submit, f.keys.Next, f.keys.Cancel}
}

// View draws the form in a box w cells wide.
func (f Form) View(st styles.Styles, w int) string {
	inner := max(w-4, 10)
	var b strings.Builder
	b.WriteString(st.Title.Render(f.Title) + "\n")
	for i := range f.inputs {
		f.inputs[i].SetWidth(max(inner-3, 5))
		b.WriteString("\n" + st.Bold.Render(f.labels[i]) + "\n" + f.inputs[i].View() + "\n")
	}
	if f.preview != nil {
		b.WriteString("\n" + sanitize.Line(f.preview(f.Values())) + "\n")
	}
	if f.err != "" {
		b.WriteString("\n" + st.Error.Render(sanitize.Line(f.err)) + "\n")
	}
	return Box(b.String(), w)
}

// Box draws a dialog border around a block, w cells wide in all.
func Box(block string, w int) string {
	return lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).Padding(0, 1).Width(w).Render(Clip(block, max(w-4, 1)))
}

// Overlay draws a dialog over a screen, centred, from the screen's second
// line down, so the screen's title stays in view.
func Overlay(screen, dialog string, width int) string {
	lines := strings.Split(screen, "\n")
	dlines := strings.Split(dialog, "\n")
	left := max((width-Width(dlines[0]))/2, 0)
	for i, d := range dlines {
		row := i + 1
		if row >= len(lines) {
			break
		}
		lines[row] = strings.Repeat(" ", left) + d
	}
	return strings.Join(lines, "\n")
}
