package prepareview

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/iro-app/iro/tui/components"
	"github.com/iro-app/iro/tui/styles"
)

// formDialog is a Form whose values become one write once check accepts
// them. It stays open until the write commits, so a failed save loses
// nothing the IRO typed: they can press enter to try again.
type formDialog struct {
	form components.Form
	// check turns the values into a write, or says which field is wrong and why.
	check   func(values []string) (w write, field int, reason string)
	waiting int // sequence number of the write in flight, 0 when none
}

func (m Model) updateDialog(msg tea.Msg) (Model, tea.Cmd) {
	d := *m.dialog
	var (
		cmd tea.Cmd
		res components.FormResult
	)
	d.form, cmd, res = d.form.Update(msg)
	switch {
	case res == components.FormCancelled:
		m.dialog = nil
		return m, nil
	case res == components.FormSubmitted && d.waiting == 0:
		w, field, reason := d.check(d.form.Values())
		if w == nil {
			d.form.SetError(field, reason)
			break
		}
		var run tea.Cmd
		run, d.waiting = m.start(w)
		cmd = tea.Batch(cmd, run)
	}
	m.dialog = &d
	return m, cmd
}

// confirmDialog asks before a write that cannot be undone.
type confirmDialog struct {
	question string
	w        write
}

func (m Model) updateConfirm(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	switch {
	case key.Matches(msg, m.keys.Confirm):
		cmd, _ := m.start(m.confirm.w)
		m.confirm = nil
		return m, cmd
	case key.Matches(msg, m.keys.Cancel):
		m.confirm = nil
	}
	return m, nil
}

func (d *confirmDialog) view(st styles.Styles, w int) string {
	return components.Box(st.Title.Render("Are you sure?")+"\n\n"+d.question+"\n\n"+st.Muted.Render("y yes · n no"), w)
}

// place draws a dialog over the screen, centred across and just under the
// top line so the IRO still sees whose review it is. A dialog taller than
// the screen first loses the blank lines between its fields, then the top
// line, and only then is cut.
func place(body, dialog string, width int) string {
	lines := strings.Split(body, "\n")
	dlines := squeeze(strings.Split(dialog, "\n"), len(lines)-1)
	top := 1
	if len(dlines) >= len(lines) {
		top = 0
	}
	for i, d := range dlines {
		if top+i >= len(lines) {
			break
		}
		lines[top+i] = lipgloss.PlaceHorizontal(width, lipgloss.Center, d)
	}
	return strings.Join(lines, "\n")
}

// squeeze drops blank lines inside a boxed dialog, from the bottom up, until
// it is at most h lines tall or has none left to drop.
func squeeze(lines []string, h int) []string {
	for i := len(lines) - 2; i > 0 && len(lines) > h; i-- {
		if strings.Trim(ansi.Strip(lines[i]), " │") == "" {
			lines = append(lines[:i], lines[i+1:]...)
		}
	}
	return lines
}
