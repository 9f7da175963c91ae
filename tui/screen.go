package tui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// Screen is the contract of the screens opened from a child (prepare,
// meeting, follow-up, challenges) and of the drift dashboard, so the root
// routes, sizes, draws and helps them all alike.
type Screen interface {
	Update(tea.Msg) (Screen, tea.Cmd)
	View() string
	SetSize(w, h int)
	ShortHelp() []key.Binding
	FullHelp() [][]key.Binding
	Capturing() bool
	// Unsaved reports typed text not yet committed; Flush writes it, for
	// quitting. Screens with nothing to save report false.
	Unsaved() bool
	Flush() tea.Cmd
}

// page is what a screen package's Model provides: Update returns its own
// type, and SetSize (and Flush, when it saves text) need a pointer.
type page[T any] interface {
	Update(tea.Msg) (T, tea.Cmd)
	View() string
	ShortHelp() []key.Binding
	FullHelp() [][]key.Binding
	Capturing() bool
}

type pagePtr[T any] interface {
	*T
	SetSize(w, h int)
}

// adapted makes a screen package's Model a Screen.
type adapted[T page[T], P pagePtr[T]] struct{ m T }

func adapt[T page[T], P pagePtr[T]](m T) Screen { return &adapted[T, P]{m: m} }

func (a *adapted[T, P]) Update(msg tea.Msg) (Screen, tea.Cmd) {
	m, cmd := a.m.Update(msg)
	return &adapted[T, P]{m: m}, cmd
}

func (a *adapted[T, P]) View() string              { return a.m.View() }
func (a *adapted[T, P]) SetSize(w, h int)          { P(&a.m).SetSize(w, h) }
func (a *adapted[T, P]) ShortHelp() []key.Binding  { return a.m.ShortHelp() }
func (a *adapted[T, P]) FullHelp() [][]key.Binding { return a.m.FullHelp() }
func (a *adapted[T, P]) Capturing() bool           { return a.m.Capturing() }

func (a *adapted[T, P]) Unsaved() bool {
	s, ok := any(a.m).(interface{ Unsaved() bool })
	return ok && s.Unsaved()
}

func (a *adapted[T, P]) Flush() tea.Cmd {
	if s, ok := any(P(&a.m)).(interface{ Flush() tea.Cmd }); ok {
		return s.Flush()
	}
	return nil
}
