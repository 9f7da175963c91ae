// Package keys holds every key binding of the TUI, grouped by where it works,
// so help text and matching come from one place and never from raw strings.
package keys

import "charm.land/bubbles/v2/key"

// Global works on every screen unless a text input has focus.
type Global struct {
	Quit, ForceQuit, Help, Back key.Binding
}

// DefaultGlobal is the global keymap.
func DefaultGlobal() Global {
	return Global{
		Quit:      key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
		ForceQuit: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
		Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Back:      key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
	}
}

// List moves a cursor through rows; shared by every screen with a list.
type List struct {
	Up, Down, PageUp, PageDown, Top, Bottom key.Binding
}

// DefaultList is the list keymap.
func DefaultList() List {
	return List{
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup", "ctrl+u"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown", "ctrl+d"), key.WithHelp("pgdn", "page down")),
		Top:      key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g/home", "first")),
		Bottom:   key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G/end", "last")),
	}
}

// Caseload acts on the caseload table.
type Caseload struct {
	List
	Open, Filter, Sort key.Binding
}

// DefaultCaseload is the caseload keymap.
func DefaultCaseload() Caseload {
	return Caseload{
		List:   DefaultList(),
		Open:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open")),
		Filter: key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		Sort:   key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "sort due/name")),
	}
}

// Filter works while the filter line has focus.
type Filter struct {
	Apply, Clear key.Binding
}

// DefaultFilter is the filter-line keymap.
func DefaultFilter() Filter {
	return Filter{
		Apply: key.NewBinding(key.WithKeys("enter", "down", "up"), key.WithHelp("enter", "keep filter")),
		Clear: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter")),
	}
}

// Form moves between the fields of a small form such as the unlock screen.
type Form struct {
	Submit, Next, Prev key.Binding
}

// DefaultForm is the form keymap.
func DefaultForm() Form {
	return Form{
		Submit: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "continue")),
		Next:   key.NewBinding(key.WithKeys("tab", "down"), key.WithHelp("tab", "next field")),
		Prev:   key.NewBinding(key.WithKeys("shift+tab", "up"), key.WithHelp("shift+tab", "previous field")),
	}
}
