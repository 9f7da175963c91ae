// Package components holds the small drawing helpers every screen shares:
// fitting text into cells and laying out columns, so that no rendered line is
// ever wider than the terminal.
package components

import (
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/iro-app/iro/internal/calendar"
)

// Fit truncates s to w cells (with an ellipsis) and pads it to exactly w.
func Fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	s = ansi.Truncate(s, w, "…")
	if pad := w - ansi.StringWidth(s); pad > 0 {
		s += strings.Repeat(" ", pad)
	}
	return s
}

// FitRight is Fit aligned to the right edge of the cell.
func FitRight(s string, w int) string {
	if w <= 0 {
		return ""
	}
	s = ansi.Truncate(s, w, "…")
	if pad := w - ansi.StringWidth(s); pad > 0 {
		s = strings.Repeat(" ", pad) + s
	}
	return s
}

// Clip truncates every line of a block to w cells, so a block built by hand
// can never overflow the terminal.
func Clip(block string, w int) string {
	lines := strings.Split(block, "\n")
	for i, l := range lines {
		if ansi.StringWidth(l) > w {
			lines[i] = ansi.Truncate(l, w, "…")
		}
	}
	return strings.Join(lines, "\n")
}

// Frame makes a block exactly h lines tall (cutting or padding with empty
// lines) and no line wider than w.
func Frame(block string, w, h int) string {
	lines := strings.Split(block, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	return Clip(strings.Join(lines, "\n"), w)
}

// SpreadLine puts left and right on one line of width w, right-aligned
// right, dropping right when both do not fit.
func SpreadLine(left, right string, w int) string {
	lw, rw := ansi.StringWidth(left), ansi.StringWidth(right)
	if lw+1+rw > w {
		return Fit(left, w)
	}
	return left + strings.Repeat(" ", w-lw-rw) + right
}

// Date shows a civil date the way UK practitioners read it: "02 Dec 2026".
func Date(d calendar.Date) string {
	if d.IsZero() {
		return "—"
	}
	return d.Time().Format("02 Jan 2006")
}

// Width is the number of cells s takes on screen (ANSI-aware).
func Width(s string) int { return ansi.StringWidth(s) }

// Wrap breaks text into lines of at most w cells at word boundaries.
func Wrap(s string, w int) string {
	return lipgloss.NewStyle().Width(max(w, 1)).Render(s)
}
