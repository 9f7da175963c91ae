package components

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/iro-app/iro/tui/keys"
	"github.com/iro-app/iro/tui/styles"
)

// Choice is one line of a Picker.
type Choice struct {
	Value, Label, Detail string
}

// Picker chooses one of a short list in a dialog.
type Picker struct {
	Title   string
	Choices []Choice
	cursor  int
	err     string
	keys    keys.Picker
}

// NewPicker starts on the choice whose Value is current, if any.
func NewPicker(title string, choices []Choice, current string) Picker {
	p := Picker{Title: title, Choices: choices, keys: keys.DefaultPicker()}
	for i, c := range choices {
		if c.Value == current {
			p.cursor = i
		}
	}
	return p
}

// SetError shows why the choice was refused.
func (p *Picker) SetError(reason string) { p.err = reason }

// Chosen is the choice under the cursor.
func (p Picker) Chosen() Choice { return p.Choices[p.cursor] }

// Update handles one key.
func (p Picker) Update(msg tea.Msg) (Picker, FormResult) {
	press, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return p, FormEditing
	}
	switch {
	case key.Matches(press, p.keys.Up):
		p.cursor = max(p.cursor-1, 0)
	case key.Matches(press, p.keys.Down):
		p.cursor = min(p.cursor+1, len(p.Choices)-1)
	case key.Matches(press, p.keys.Choose):
		p.err = ""
		return p, FormSubmitted
	case key.Matches(press, p.keys.Cancel):
		return p, FormCancelled
	}
	return p, FormEditing
}

// ShortHelp lists the picker's keys.
func (p Picker) ShortHelp() []key.Binding {
	return []key.Binding{p.keys.Choose, p.keys.Up, p.keys.Down, p.keys.Cancel}
}

// View draws the picker in a box w cells wide.
func (p Picker) View(st styles.Styles, w int) string {
	var b strings.Builder
	b.WriteString(st.Title.Render(p.Title) + "\n\n")
	for i, c := range p.Choices {
		cursor := "  "
		line := c.Label
		if c.Detail != "" {
			line += "  " + st.Muted.Render(c.Detail)
		}
		if i == p.cursor {
			cursor = "› "
			line = st.Selected.Render(c.Label)
			if c.Detail != "" {
				line += "  " + c.Detail
			}
		}
		b.WriteString(cursor + line + "\n")
	}
	if p.err != "" {
		b.WriteString("\n" + st.Error.Render(p.err) + "\n")
	}
	return Box(b.String(), w)
}
