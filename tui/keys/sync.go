package keys

import "charm.land/bubbles/v2/key"

// Sync acts on the sync screen: its conflicts and rejected changes, and the
// merge box, which has focus while open so that its letters are text.
type Sync struct {
	List
	SyncNow, KeepMine, TakeServer, Merge key.Binding
	SaveMerge, CancelMerge               key.Binding // in the merge box
	Back                                 key.Binding
}

// DefaultSync is the sync-screen keymap.
func DefaultSync() Sync {
	return Sync{
		List:        DefaultList(),
		SyncNow:     key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "sync now")),
		KeepMine:    key.NewBinding(key.WithKeys("m", "enter"), key.WithHelp("m/enter", "keep mine")),
		TakeServer:  key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "take server's")),
		Merge:       key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "merge")),
		SaveMerge:   key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", "save merge")),
		CancelMerge: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
		Back:        key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
	}
}
