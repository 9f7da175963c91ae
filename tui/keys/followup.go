package keys

import "charm.land/bubbles/v2/key"

// FollowUp works on the follow-up screen of a held review while no dialog
// and not the letter editor has focus, so its letters are free to be
// shortcuts. LeaveLetter is the one key taken back from the focused editor.
type FollowUp struct {
	List
	RecordPart, LetterPart, TrackerPart, MonitoringPart, NextPart, PrevPart key.Binding

	Decisions, RecordSent, Close       key.Binding // on the record
	EditLetter, LeaveLetter, Redraft   key.Binding
	Progress, Challenge, AddMonitoring key.Binding
	Confirm, Cancel                    key.Binding // in a yes/no dialog
	Back                               key.Binding
}

// DefaultFollowUp is the follow-up keymap.
func DefaultFollowUp() FollowUp {
	b := func(help, desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return FollowUp{
		List:           DefaultList(),
		RecordPart:     b("1", "record", "1"),
		LetterPart:     b("2", "letter", "2"),
		TrackerPart:    b("3", "tracker", "3"),
		MonitoringPart: b("4", "monitoring", "4"),
		NextPart:       b("tab", "next part", "tab"),
		PrevPart:       b("shift+tab", "previous part", "shift+tab"),
		Decisions:      b("d", "decisions circulated", "d"),
		RecordSent:     b("r", "record circulated", "r"),
		Close:          b("x", "close review", "x"),
		EditLetter:     b("enter", "edit letter", "enter"),
		LeaveLetter:    b("esc", "stop editing", "esc"),
		Redraft:        b("g", "new draft", "g"),
		Progress:       b("enter", "add progress", "enter"),
		Challenge:      b("c", "challenge", "c"),
		AddMonitoring:  b("a", "add check", "a"),
		Confirm:        b("y", "yes", "y"),
		Cancel:         b("esc", "no", "esc", "n"),
		Back:           b("esc", "back", "esc"),
	}
}
