package keys

import "charm.land/bubbles/v2/key"

// Drift acts on the drift dashboard.
type Drift struct {
	List
	Open, Back key.Binding
}

// DefaultDrift is the dashboard keymap.
func DefaultDrift() Drift {
	return Drift{
		List: DefaultList(),
		Open: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "go and fix")),
		Back: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
	}
}
