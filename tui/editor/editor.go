// Package editor is the meeting-notes editor: a multi-line, soft-wrapping
// text area whose keystroke cost does not grow with the note. An IRO types
// live while chairing a review, and a note can reach 50,000 words; bubbles'
// textarea re-wraps and walks the whole note on every key, which lags at
// that size. Here a keystroke touches the paragraph being edited and the
// rows on screen, nothing else.
package editor

import (
	"strings"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/iro-app/iro/tui/styles"
)

// Placeholder is shown on an empty, focused editor.
const Placeholder = "Type notes for this section…"

// Styles is how the editor draws its cursor and placeholder.
type Styles struct {
	Cursor      lipgloss.Style
	Placeholder lipgloss.Style
}

// NewStyles takes the editor's styles from the app's one Styles value.
func NewStyles(st styles.Styles) Styles {
	return Styles{Cursor: st.Selected, Placeholder: st.Muted}
}

// Model is the editor. Like the bubbles components it is a value, but the
// note's paragraphs are shared between copies: keep the Model that Update
// returns and drop the old one.
type Model struct {
	KeyMap KeyMap

	styles Styles
	// cursorOn and cursorOff wrap the cell under the cursor: the cursor
	// style's escape codes, worked out once in SetStyles because rendering
	// the style on every frame was a third of a keystroke's cost.
	cursorOn, cursorOff string

	paras []*para // never empty: an empty note is one empty paragraph
	runes int     // runes in the note, newlines included
	rev   uint64

	line, col int // cursor: paragraph index, byte offset on a cluster boundary
	goal      int // cell column up/down aim for; -1 when none

	top, topRow int // scroll anchor: the first drawn row is row topRow of paragraph top

	w, h    int
	focused bool
}

// New is an empty, blurred editor with no size; call SetSize and Focus.
func New() Model {
	m := Model{
		KeyMap: DefaultKeyMap(),
		paras:  []*para{newPara("")},
		goal:   -1,
	}
	m.SetStyles(NewStyles(styles.Default()))
	return m
}

// SetStyles sets how the cursor and placeholder are drawn.
func (m *Model) SetStyles(s Styles) {
	m.styles = s
	// A marker from the private use area stands for the cell. A style that
	// adds cells of its own (padding, a border) cannot be split this way,
	// and is rendered in full instead.
	const marker = "\uE000"
	on, off, ok := strings.Cut(s.Cursor.Render(marker), marker)
	if !ok || ansi.StringWidth(on+off) != 0 {
		on, off = "", ""
	}
	m.cursorOn, m.cursorOff = on, off
}

// Styles is how the editor draws its cursor and placeholder.
func (m Model) Styles() Styles { return m.styles }

// SetSize sets the cells the editor draws in.
func (m *Model) SetSize(w, h int) {
	m.w, m.h = max(w, 0), max(h, 0)
	m.scrollToCursor()
}

// Width is the width set by SetSize.
func (m Model) Width() int { return m.w }

// Height is the height set by SetSize.
func (m Model) Height() int { return m.h }

// SetText replaces the note and puts the cursor at its end, where a resumed
// meeting left off. Control characters are dropped as if typed.
func (m *Model) SetText(s string) {
	s = clean(s, true)
	n := strings.Count(s, "\n") + 1
	m.paras = make([]*para, 0, n)
	for range n - 1 {
		i := strings.IndexByte(s, '\n')
		m.paras = append(m.paras, newPara(s[:i]))
		s = s[i+1:]
	}
	m.paras = append(m.paras, newPara(s))
	m.runes = utf8.RuneCountInString(s) // counted below for the rest
	for _, p := range m.paras[:n-1] {
		m.runes += utf8.RuneCountInString(p.text) + 1
	}
	m.rev++
	m.top, m.topRow = 0, 0
	m.setCursor(len(m.paras)-1, len(m.paras[len(m.paras)-1].text))
}

// Text is the whole note. It is O(n): call it to save, not on every key.
func (m Model) Text() string {
	n := len(m.paras) - 1
	for _, p := range m.paras {
		n += len(p.text)
	}
	var b strings.Builder
	b.Grow(n)
	for i, p := range m.paras {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(p.text)
	}
	return b.String()
}

// Revision changes whenever the text does, so autosave can tell the note is
// dirty without comparing it.
func (m Model) Revision() uint64 { return m.rev }

// Len is the number of characters (runes, newlines included) in the note.
func (m Model) Len() int { return m.runes }

// Focus makes the editor take keys and draw its cursor.
func (m *Model) Focus() { m.focused = true }

// Blur stops the editor taking keys.
func (m *Model) Blur() { m.focused = false }

// Focused reports whether the editor takes keys.
func (m Model) Focused() bool { return m.focused }

// Update edits the note for key presses and pastes while focused. Keys it
// has no binding for (tab, esc, ctrl+s…) are left alone for the screen.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	if !m.focused {
		return m, nil
	}
	switch msg := msg.(type) {
	case tea.PasteMsg:
		m.insert(clean(msg.Content, true))
	case tea.KeyPressMsg:
		m.key(msg)
	}
	return m, nil
}

// keyName lets key.Matches reuse one String() of the key press instead of
// building it again for every binding it tries.
type keyName string

func (k keyName) String() string { return string(k) }

func (m *Model) key(msg tea.KeyPressMsg) {
	// Text is set only for keys that print. Ctrl or alt alone means a
	// shortcut; both together is how Windows reports AltGr, which types
	// letters such as ł or € on European layouts.
	if msg.Text != "" {
		mods := msg.Mod & (tea.ModCtrl | tea.ModAlt)
		if mods == 0 || mods == tea.ModCtrl|tea.ModAlt {
			m.insert(clean(msg.Text, false))
			return
		}
	}
	k, km := keyName(msg.String()), &m.KeyMap
	switch {
	case key.Matches(k, km.Up):
		m.vertical(-1)
		return
	case key.Matches(k, km.Down):
		m.vertical(1)
		return
	case key.Matches(k, km.PageUp):
		m.page(-1)
		return
	case key.Matches(k, km.PageDown):
		m.page(1)
		return
	}
	switch {
	case key.Matches(k, km.Newline):
		m.insert("\n")
	case key.Matches(k, km.Backspace):
		m.backspace()
	case key.Matches(k, km.Delete):
		m.deleteForward()
	case key.Matches(k, km.DeleteWordBack):
		m.deleteWordBack()
	case key.Matches(k, km.DeleteToLineEnd):
		m.deleteToLineEnd()
	case key.Matches(k, km.DeleteToLineStart):
		m.deleteToLineStart()
	case key.Matches(k, km.Left):
		m.left()
	case key.Matches(k, km.Right):
		m.right()
	case key.Matches(k, km.WordLeft):
		m.wordLeft()
	case key.Matches(k, km.WordRight):
		m.wordRight()
	case key.Matches(k, km.RowStart):
		m.rowStart()
	case key.Matches(k, km.RowEnd):
		m.rowEnd()
	case key.Matches(k, km.LineStart):
		m.setCursor(m.line, 0)
	case key.Matches(k, km.LineEnd):
		m.setCursor(m.line, len(m.paras[m.line].text))
	case key.Matches(k, km.NoteStart):
		m.setCursor(0, 0)
	case key.Matches(k, km.NoteEnd):
		m.setCursor(len(m.paras)-1, len(m.paras[len(m.paras)-1].text))
	}
}
