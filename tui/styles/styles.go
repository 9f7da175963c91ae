// Package styles builds the one Styles value the TUI draws with, from a small
// semantic palette of the ANSI 16 colours so the user's terminal theme shows
// through. Nothing here paints a background.
package styles

import (
	"image/color"

	"charm.land/lipgloss/v2"
)

// Palette names colours by what they mean, not what they look like.
type Palette struct {
	Accent, Muted, Danger, Warning, Success color.Color
}

// ANSI is the default palette: terminal colours, so light and dark themes
// both stay readable without asking the terminal for its background.
func ANSI() Palette {
	return Palette{
		Accent:  lipgloss.BrightBlue,
		Muted:   lipgloss.BrightBlack,
		Danger:  lipgloss.Red,
		Warning: lipgloss.Yellow,
		Success: lipgloss.Green,
	}
}

// Styles is every style a screen uses. Screens receive it; there are no globals.
type Styles struct {
	Title     lipgloss.Style
	Header    lipgloss.Style
	Badge     lipgloss.Style
	Muted     lipgloss.Style
	Bold      lipgloss.Style
	Selected  lipgloss.Style
	Overdue   lipgloss.Style
	DueSoon   lipgloss.Style
	OnTrack   lipgloss.Style
	Error     lipgloss.Style
	Section   lipgloss.Style
	Column    lipgloss.Style
	Footer    lipgloss.Style
	HelpKey   lipgloss.Style
	HelpDesc  lipgloss.Style
	Separator lipgloss.Style
	Input     lipgloss.Style
}

// New builds the Styles for a palette.
func New(p Palette) Styles {
	base := lipgloss.NewStyle()
	return Styles{
		Title:     base.Bold(true).Foreground(p.Accent),
		Header:    base.Bold(true),
		Badge:     base.Bold(true).Foreground(p.Warning),
		Muted:     base.Foreground(p.Muted),
		Bold:      base.Bold(true),
		Selected:  base.Reverse(true),
		Overdue:   base.Bold(true).Foreground(p.Danger),
		DueSoon:   base.Foreground(p.Warning),
		OnTrack:   base.Foreground(p.Success),
		Error:     base.Bold(true).Foreground(p.Danger),
		Section:   base.Bold(true).Underline(true),
		Column:    base.Bold(true).Foreground(p.Muted),
		Footer:    base.Foreground(p.Muted),
		HelpKey:   base.Bold(true),
		HelpDesc:  base.Foreground(p.Muted),
		Separator: base.Foreground(p.Muted),
		Input:     base,
	}
}

// Default is New(ANSI()).
func Default() Styles { return New(ANSI()) }
