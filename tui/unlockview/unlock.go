// Package unlockview is the first screen: choosing a passphrase and name on a
// new laptop, or unlocking the database on every later run.
package unlockview

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/iro-app/iro/internal/vault"
	"github.com/iro-app/iro/tui/components"
	"github.com/iro-app/iro/tui/keys"
	"github.com/iro-app/iro/tui/styles"
)

// SetupRequested asks the app to create the encrypted database.
type SetupRequested struct{ Passphrase, Name string }

// UnlockRequested asks the app to unlock the database.
type UnlockRequested struct{ Passphrase string }

// Model is the unlock (or first-run setup) screen.
type Model struct {
	st     styles.Styles
	keys   keys.Form
	setup  bool
	fields []textinput.Model
	labels []string
	focus  int
	err    string
	notice string
	busy   bool
	width  int
	height int
}

// NewSetup is the first-run screen: passphrase twice and the IRO's name.
func NewSetup(st styles.Styles) Model {
	m := Model{st: st, keys: keys.DefaultForm(), setup: true,
		labels: []string{"Passphrase (12+ characters)", "Passphrase again", "Your name"}}
	m.fields = []textinput.Model{secret(), secret(), plain()}
	m.fields[0].Focus()
	return m
}

// NewUnlock is the screen of every later run.
func NewUnlock(st styles.Styles) Model {
	m := Model{st: st, keys: keys.DefaultForm(), labels: []string{"Passphrase"}}
	m.fields = []textinput.Model{secret()}
	m.fields[0].Focus()
	return m
}

func secret() textinput.Model {
	t := plain()
	t.EchoMode = textinput.EchoPassword
	t.EchoCharacter = '•'
	return t
}

func plain() textinput.Model {
	t := components.NewInput("> ")
	t.CharLimit = 256
	return t
}

// Locked is the unlock screen shown when iro locked itself, saying why.
func Locked(st styles.Styles, reason string) Model {
	m := NewUnlock(st)
	m.notice = reason
	return m
}

// Failed shows why the last attempt did not work and lets the IRO try again.
func (m *Model) Failed(reason string) {
	m.busy = false
	m.err = reason
	m.fields[0].SetValue("")
	if m.setup {
		m.fields[1].SetValue("")
	}
	m.focusField(0)
}

// SetSize gives the screen its width and height.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	for i := range m.fields {
		m.fields[i].SetWidth(max(min(w-8, 60), 10))
	}
}

// Capturing is always true: every key is typed into a field.
func (m Model) Capturing() bool { return true }

// Update handles keys for the form.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	if m.busy {
		return m, nil
	}
	if press, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(press, m.keys.Next):
			m.focusField((m.focus + 1) % len(m.fields))
			return m, nil
		case key.Matches(press, m.keys.Prev):
			m.focusField((m.focus + len(m.fields) - 1) % len(m.fields))
			return m, nil
		case key.Matches(press, m.keys.Submit):
			return m.submit()
		}
	}
	var cmd tea.Cmd
	m.fields[m.focus], cmd = m.fields[m.focus].Update(msg)
	return m, cmd
}

func (m *Model) focusField(i int) {
	m.fields[m.focus].Blur()
	m.focus = i
	m.fields[i].Focus()
}

func (m Model) submit() (Model, tea.Cmd) {
	if !m.setup {
		if m.fields[0].Value() == "" {
			m.err = "Type your passphrase."
			return m, nil
		}
		m.busy, m.err = true, ""
		pass := m.fields[0].Value()
		return m, func() tea.Msg { return UnlockRequested{Passphrase: pass} }
	}
	if m.focus < len(m.fields)-1 {
		m.focusField(m.focus + 1)
		return m, nil
	}
	pass, again, name := m.fields[0].Value(), m.fields[1].Value(), strings.TrimSpace(m.fields[2].Value())
	switch {
	case vault.ValidatePassphrase(pass) != nil:
		// Start both fields afresh: typing on after the rejected text
		// would build a passphrase the IRO never meant.
		m.err = vault.ValidatePassphrase(pass).Error()
		m.fields[0].SetValue("")
		m.fields[1].SetValue("")
		m.focusField(0)
	case pass != again:
		m.err = "The two passphrases are different."
		m.fields[1].SetValue("")
		m.focusField(1)
	case name == "":
		m.err = "Enter your name: it goes on the records you write."
		m.focusField(2)
	default:
		m.busy, m.err = true, ""
		return m, func() tea.Msg { return SetupRequested{Passphrase: pass, Name: name} }
	}
	return m, nil
}

// ShortHelp lists the keys that work now.
func (m Model) ShortHelp() []key.Binding {
	if m.setup {
		return []key.Binding{m.keys.Submit, m.keys.Next, m.keys.Prev}
	}
	return []key.Binding{m.keys.Submit}
}

// FullHelp lists every key of the screen.
func (m Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

// View draws the form.
func (m Model) View() string {
	var b strings.Builder
	if m.setup {
		b.WriteString(m.st.Title.Render("Welcome to iro") + "\n\n")
		b.WriteString("Your caseload is kept encrypted on this laptop. Choose a passphrase:\n")
		b.WriteString(m.st.Muted.Render("it cannot be recovered if you forget it.") + "\n\n")
	} else {
		b.WriteString(m.st.Title.Render("iro is locked") + "\n\n")
		if m.notice != "" {
			b.WriteString(m.notice + "\n")
		}
		b.WriteString("Enter your passphrase to open your caseload.\n\n")
	}
	for i, f := range m.fields {
		b.WriteString(m.st.Bold.Render(m.labels[i]) + "\n" + f.View() + "\n\n")
	}
	switch {
	case m.busy && m.setup:
		b.WriteString(m.st.Muted.Render("Creating your encrypted database…"))
	case m.busy:
		b.WriteString(m.st.Muted.Render("Unlocking…"))
	case m.err != "":
		b.WriteString(m.st.Error.Render(m.err))
	}
	return components.Frame(indent(b.String()), m.width, m.height)
}

func indent(s string) string {
	return "  " + strings.ReplaceAll(s, "\n", "\n  ")
}
