package keys

import "charm.land/bubbles/v2/key"

// Prepare works on the prepare-review screen while no dialog or editor has
// focus. Each of its six parts has its own keys, so one letter can mean
// different things in different parts (c is "concern" on the checklist and
// "carry forward" on the previous recommendations); the screen only matches
// the keys of the part on show.
type Prepare struct {
	List
	Parts              [6]key.Binding
	NextPart, PrevPart key.Binding
	Back               key.Binding

	AddConsultation key.Binding

	WriteWishes, StopWriting, SaveWishes key.Binding

	SetReceived, ClearReceived key.Binding

	CheckOK, CheckConcern, CheckMissing, EditNote key.Binding

	RecDone, RecInProgress, RecNotDone, CarryForward, Challenge key.Binding

	AddSection, RenameSection, DeleteSection, MoveUp, MoveDown key.Binding

	Confirm, Cancel key.Binding
}

// DefaultPrepare is the prepare-review keymap.
func DefaultPrepare() Prepare {
	b := func(help, desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return Prepare{
		List: DefaultList(),
		Parts: [6]key.Binding{
			b("1", "consultations", "1"),
			b("2", "wishes & feelings", "2"),
			b("3", "documents", "3"),
			b("4", "checklist", "4"),
			b("5", "previous recommendations", "5"),
			b("6", "agenda", "6"),
		},
		NextPart: b("tab", "next part", "tab"),
		PrevPart: b("shift+tab", "previous part", "shift+tab"),
		Back:     b("esc", "back to the child", "esc"),

		AddConsultation: b("a", "add consultation", "a"),

		WriteWishes: b("enter", "write", "enter"),
		// esc leaves the editor rather than the screen: the IRO is still
		// preparing, and a second esc goes back to the child.
		StopWriting: b("esc", "stop writing", "esc"),
		SaveWishes:  b("ctrl+s", "save now", "ctrl+s"),

		SetReceived:   b("enter", "set received date", "enter"),
		ClearReceived: b("x", "not received", "x"),

		CheckOK:      b("o", "OK", "o"),
		CheckConcern: b("c", "concern", "c"),
		CheckMissing: b("m", "missing", "m"),
		EditNote:     b("enter", "note", "enter"),

		RecDone:       b("d", "done", "d"),
		RecInProgress: b("i", "in progress", "i"),
		RecNotDone:    b("n", "not done", "n"),
		CarryForward:  b("c", "carry forward", "c"),
		Challenge:     b("!", "to challenge", "!"),

		AddSection:    b("a", "add section", "a"),
		RenameSection: b("enter", "rename", "enter"),
		DeleteSection: b("x", "delete", "x"),
		// Terminals report shift+k as the text "K"; the kitty protocol can
		// also spell it out, so both are bound.
		MoveUp:   b("K", "move up", "K", "shift+k"),
		MoveDown: b("J", "move down", "J", "shift+j"),

		Confirm: b("y", "yes", "y"),
		Cancel:  b("n/esc", "no", "n", "esc"),
	}
}
