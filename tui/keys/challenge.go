package keys

import "charm.land/bubbles/v2/key"

// Challenge acts on the challenge screen.
type Challenge struct {
	List
	Raise, Escalate, Response, Outcome, Correct, Letter, Back key.Binding
}

// DefaultChallenge is the challenge-screen keymap.
func DefaultChallenge() Challenge {
	return Challenge{
		List:     DefaultList(),
		Raise:    key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "raise")),
		Escalate: key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "escalate")),
		Response: key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "response")),
		Outcome:  key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "outcome")),
		Correct:  key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "correct an entry")),
		Letter:   key.NewBinding(key.WithKeys("l"), key.WithHelp("l", "letter/history")),
		Back:     key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
	}
}
