package components

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/iro-app/iro/tui/keys"
)

// MoveCursor moves a list cursor over n rows for a list key, page rows at a
// time for the page keys; ok is false when the key is not a list key.
func MoveCursor(k keys.List, msg tea.KeyPressMsg, cursor, n, page int) (next int, ok bool) {
	switch {
	case key.Matches(msg, k.Up):
		cursor--
	case key.Matches(msg, k.Down):
		cursor++
	case key.Matches(msg, k.PageUp):
		cursor -= max(page, 1)
	case key.Matches(msg, k.PageDown):
		cursor += max(page, 1)
	case key.Matches(msg, k.Top):
		cursor = 0
	case key.Matches(msg, k.Bottom):
		cursor = n - 1
	default:
		return cursor, false
	}
	return min(max(cursor, 0), max(n-1, 0)), true
}

// ScrollOffset is the first of n rows to draw in a window of rows lines so
// that the cursor stays in view, moving the previous offset as little as
// possible and never leaving blank rows below the end of the list.
func ScrollOffset(cursor, offset, rows, n int) int {
	rows = max(rows, 1)
	if cursor < offset {
		offset = cursor
	}
	if cursor >= offset+rows {
		offset = cursor - rows + 1
	}
	return max(0, min(offset, max(n-rows, 0)))
}
