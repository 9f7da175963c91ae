package followview

import (
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/iro-app/iro/tui/components"
)

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
