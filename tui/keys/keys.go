// Package keys holds every key binding of the TUI, grouped by where it works,
// so help text and matching come from one place and never from raw strings.
package keys

import "charm.land/bubbles/v2/key"

// Global works on every screen unless a text input has focus.
type Global struct {
	Quit, ForceQuit, Help, HelpAnywhere, Back, Sync key.Binding
}

// DefaultGlobal is the global keymap.
func DefaultGlobal() Global {
	return Global{
		Quit:      key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
		ForceQuit: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
		Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		// f1 works even while typing, where ? is text.
		HelpAnywhere: key.NewBinding(key.WithKeys("f1"), key.WithHelp("f1", "help")),
		Back:         key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		// Capital S: small s sorts the caseload and syncs on the sync screen.
		Sync: key.NewBinding(key.WithKeys("S"), key.WithHelp("S", "sync")),
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
	Open, Filter, Sort, Drift, Audit key.Binding
}

// DefaultCaseload is the caseload keymap.
func DefaultCaseload() Caseload {
	return Caseload{
		List:   DefaultList(),
		Open:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open")),
		Filter: key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		Sort:   key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "sort due/name")),
		Drift:  key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "drift")),
		Audit:  key.NewBinding(key.WithKeys("A"), key.WithHelp("A", "audit log")),
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

// Meeting works while chairing, with the notes editor focused: every action
// is a control key so that letters are always text.
type Meeting struct {
	NextSection, PrevSection, Recommend, Attendance, Participation, End, Save, Leave key.Binding
}

// DefaultMeeting is the meeting keymap.
func DefaultMeeting() Meeting {
	return Meeting{
		NextSection:   key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "section")),
		PrevSection:   key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous section")),
		Recommend:     key.NewBinding(key.WithKeys("ctrl+r"), key.WithHelp("ctrl+r", "recommend")),
		Attendance:    key.NewBinding(key.WithKeys("ctrl+o"), key.WithHelp("ctrl+o", "attendance")),
		Participation: key.NewBinding(key.WithKeys("ctrl+p"), key.WithHelp("ctrl+p", "code")),
		End:           key.NewBinding(key.WithKeys("ctrl+x"), key.WithHelp("ctrl+x", "end")),
		Save:          key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", "save now")),
		Leave:         key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "leave")),
	}
}

// Picker chooses one item from a short list in a dialog.
type Picker struct {
	Up, Down, Choose, Cancel key.Binding
}

// DefaultPicker is the picker keymap.
func DefaultPicker() Picker {
	return Picker{
		Up:     key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:   key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		Choose: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "choose")),
		Cancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
	}
}

// Dialog moves through a small form in a dialog.
type Dialog struct {
	Next, Prev, Submit, Cancel key.Binding
}

// DefaultDialog is the dialog keymap.
func DefaultDialog() Dialog {
	return Dialog{
		Next:   key.NewBinding(key.WithKeys("tab", "down"), key.WithHelp("tab", "next field")),
		Prev:   key.NewBinding(key.WithKeys("shift+tab", "up"), key.WithHelp("shift+tab", "previous field")),
		Submit: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "next / save")),
		Cancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
	}
}

// Child acts on the child screen.
type Child struct {
	List
	Meeting, Prepare, FollowUp, Challenges key.Binding
}

// DefaultChild is the child-screen keymap.
func DefaultChild() Child {
	return Child{
		List:       DefaultList(),
		Meeting:    key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "meeting")),
		Prepare:    key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "prepare")),
		FollowUp:   key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "follow up")),
		Challenges: key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "challenges")),
	}
}
