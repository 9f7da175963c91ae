package followview

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/iro-app/iro/tui/components"
	"github.com/iro-app/iro/tui/keys"
)

// moveCursor moves a list cursor over n rows for a list key, page rows at a
// time for the page keys; ok is false when the key is not a list key.
func moveCursor(k keys.List, msg tea.KeyPressMsg, cursor, n, page int) (next int, ok bool) {
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

// window is the first row to draw so that the cursor shows in rows lines.
func window(cursor, rows int) int { return max(cursor-rows+1, 0) }

// wrapped is a data-derived text cut into lines of at most w cells.
func wrapped(s string, w int) []string {
	w = max(w, 1)
	return strings.Split(components.Clip(ansi.Wrap(s, w, ""), w), "\n")
}

// wrappedRow draws a table row whose column `wide` is wrapped over as many
// lines as it needs, the other cells on its first line only, so that a long
// note is read in full rather than cut off.
func wrappedRow(cols []components.Column, widths []int, cells []string, wide int) []string {
	parts := wrapped(cells[wide], widths[wide])
	lines := make([]string, len(parts))
	for i, p := range parts {
		row := make([]string, len(cells))
		if i == 0 {
			copy(row, cells)
		}
		row[wide] = p
		lines[i] = strings.TrimRight(components.Row(cols, widths, row), " ")
	}
	return lines
}
