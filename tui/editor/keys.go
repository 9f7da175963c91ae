package editor

import "charm.land/bubbles/v2/key"

// KeyMap is every key the editor takes. Anything not bound here passes
// through to the meeting screen, which owns tab, shift+tab, esc, ctrl+r and
// ctrl+s; do not bind those.
type KeyMap struct {
	Newline, Backspace, Delete                         key.Binding
	Left, Right, Up, Down                              key.Binding
	WordLeft, WordRight                                key.Binding
	RowStart, RowEnd, LineStart, LineEnd               key.Binding
	PageUp, PageDown, NoteStart, NoteEnd               key.Binding
	DeleteWordBack, DeleteToLineEnd, DeleteToLineStart key.Binding
}

// DefaultKeyMap is the editor's keymap. Word moves answer to alt and ctrl
// arrows and to alt+b/alt+f, which is what macOS terminals send for
// option+arrow.
func DefaultKeyMap() KeyMap {
	b := func(help, desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return KeyMap{
		Newline:           b("enter", "new paragraph", "enter"),
		Backspace:         b("backspace", "delete back", "backspace"),
		Delete:            b("delete", "delete forward", "delete"),
		Left:              b("←", "left", "left"),
		Right:             b("→", "right", "right"),
		Up:                b("↑", "up", "up"),
		Down:              b("↓", "down", "down"),
		WordLeft:          b("alt+←", "word left", "alt+left", "ctrl+left", "alt+b"),
		WordRight:         b("alt+→", "word right", "alt+right", "ctrl+right", "alt+f"),
		RowStart:          b("home", "start of row", "home"),
		RowEnd:            b("end", "end of row", "end"),
		LineStart:         b("ctrl+a", "start of paragraph", "ctrl+a"),
		LineEnd:           b("ctrl+e", "end of paragraph", "ctrl+e"),
		PageUp:            b("pgup", "page up", "pgup"),
		PageDown:          b("pgdn", "page down", "pgdown"),
		NoteStart:         b("ctrl+home", "start of note", "ctrl+home"),
		NoteEnd:           b("ctrl+end", "end of note", "ctrl+end"),
		DeleteWordBack:    b("ctrl+w", "delete word", "alt+backspace", "ctrl+w", "ctrl+backspace"),
		DeleteToLineEnd:   b("ctrl+k", "delete to end", "ctrl+k"),
		DeleteToLineStart: b("ctrl+u", "delete to start", "ctrl+u"),
	}
}

// ShortHelp is the editor's keys worth showing in a footer.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.WordLeft, k.DeleteWordBack, k.NoteEnd}
}

// FullHelp is every editor key, in columns.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.Left, k.Right, k.WordLeft, k.WordRight},
		{k.RowStart, k.RowEnd, k.LineStart, k.LineEnd, k.PageUp, k.PageDown, k.NoteStart, k.NoteEnd},
		{k.Newline, k.Backspace, k.Delete, k.DeleteWordBack, k.DeleteToLineEnd, k.DeleteToLineStart},
	}
}
