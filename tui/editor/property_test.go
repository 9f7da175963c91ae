package editor

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
)

// oracle is the obvious, slow editor: the note as runes and the cursor as
// a rune index. Every rune in its tests is one cluster, so a cursor step is
// a rune step.
type oracle struct {
	text []rune
	cur  int
}

func (o *oracle) insert(s string) {
	r := []rune(s)
	o.text = append(o.text[:o.cur], append(r, o.text[o.cur:]...)...)
	o.cur += len(r)
}

func (o *oracle) del(from, to int) {
	o.text = append(o.text[:from], o.text[to:]...)
	o.cur = from
}

func (o *oracle) lineStart() int {
	i := o.cur
	for i > 0 && o.text[i-1] != '\n' {
		i--
	}
	return i
}

func (o *oracle) lineEnd() int {
	i := o.cur
	for i < len(o.text) && o.text[i] != '\n' {
		i++
	}
	return i
}

// apply mirrors an editing key; it reports false for keys it does not model
// (vertical and word moves), after which the cursor is taken from the editor.
func (o *oracle) apply(op any) bool {
	switch op {
	case typed("x"), typed("日"), typed(" "):
		o.insert(string(op.(typed)))
	case pasted("ab\ncd"), pasted("long-wordwithoutanyspacesatall "):
		o.insert(string(op.(pasted)))
	case "enter":
		o.insert("\n")
	case "backspace":
		if o.cur > 0 {
			o.del(o.cur-1, o.cur)
		}
	case "delete":
		if o.cur < len(o.text) {
			o.del(o.cur, o.cur+1)
		}
	case "left":
		o.cur = max(o.cur-1, 0)
	case "right":
		o.cur = min(o.cur+1, len(o.text))
	case "ctrl+home":
		o.cur = 0
	case "ctrl+end":
		o.cur = len(o.text)
	case "ctrl+a":
		o.cur = o.lineStart()
	case "ctrl+e":
		o.cur = o.lineEnd()
	case "ctrl+k":
		if e := o.lineEnd(); e > o.cur {
			o.del(o.cur, e)
		} else if e < len(o.text) {
			o.del(o.cur, e+1)
		}
	case "ctrl+u":
		o.del(o.lineStart(), o.cur)
	case "ctrl+w":
		if o.cur > 0 && o.text[o.cur-1] == '\n' {
			o.del(o.cur-1, o.cur)
			break
		}
		i := o.cur
		for i > 0 && o.text[i-1] == ' ' {
			i--
		}
		for i > 0 && o.text[i-1] != ' ' && o.text[i-1] != '\n' {
			i--
		}
		o.del(i, o.cur)
	default:
		return false
	}
	return true
}

// runeCursor is the editor's cursor as a rune index into Text().
func runeCursor(m Model) int {
	n := 0
	for _, p := range m.paras[:m.line] {
		n += utf8.RuneCountInString(p.text) + 1
	}
	return n + utf8.RuneCountInString(m.paras[m.line].text[:m.col])
}

var randomOps = []any{
	typed("x"), typed("x"), typed("x"), typed(" "), typed(" "), typed("日"),
	pasted("ab\ncd"), pasted("long-wordwithoutanyspacesatall "),
	"enter", "backspace", "backspace", "delete", "left", "right", "up", "down",
	"home", "end", "pgup", "pgdown", "ctrl+home", "ctrl+end", "ctrl+a", "ctrl+e",
	"alt+left", "alt+right", "ctrl+w", "ctrl+k", "ctrl+u",
	"tab", "esc", "ctrl+s",
}

// TestRandomEditsKeepTheViewInShape checks, after every one of many random
// keys at many sizes, that the text matches the oracle, that the View is
// exactly h lines of exactly w cells, and that the cursor is on screen.
func TestRandomEditsKeepTheViewInShape(t *testing.T) {
	sizes := [][2]int{{10, 1}, {10, 3}, {10, 6}, {12, 5}, {20, 4}, {80, 20}, {3, 2}, {1, 1}, {2, 3}}
	for seed := range uint64(8) {
		for _, sz := range sizes {
			rng := rand.New(rand.NewPCG(seed, 7))
			m := New()
			m.SetSize(sz[0], sz[1])
			m.Focus()
			var o oracle
			for i := range 600 {
				op := randomOps[rng.IntN(len(randomOps))]
				if rng.IntN(50) == 0 {
					m.SetSize(max(sz[0]+rng.IntN(7)-3, 1), max(sz[1]+rng.IntN(5)-2, 1))
					op = "right"
				}
				m = send(t, m, op)
				if !o.apply(op) {
					o.cur = runeCursor(m)
				}
				if got, want := m.Text(), string(o.text); got != want {
					t.Fatalf("seed %d size %v op %d (%v): text %q, want %q", seed, sz, i, op, got, want)
				}
				if got := runeCursor(m); got != o.cur {
					t.Fatalf("seed %d size %v op %d (%v): cursor at %d, want %d in %q", seed, sz, i, op, got, o.cur, m.Text())
				}
				if m.Len() != len(o.text) {
					t.Fatalf("seed %d size %v op %d: Len %d, want %d", seed, sz, i, m.Len(), len(o.text))
				}
				checkView(t, m)
			}
		}
	}
}

// TestCursorVisibleAfterMoves pages and jumps through a long note at
// several sizes and checks that the cursor is always drawn.
func TestCursorVisibleAfterMoves(t *testing.T) {
	note := prose(3000)
	moves := []string{"pgdown", "pgdown", "down", "end", "pgup", "up", "ctrl+end", "pgup", "pgup",
		"ctrl+home", "pgdown", "alt+right", "down", "down", "home", "ctrl+end", "up", "up", "up"}
	for _, sz := range [][2]int{{10, 1}, {10, 4}, {33, 7}, {80, 20}, {200, 60}} {
		m := New()
		m.SetSize(sz[0], sz[1])
		m.Focus()
		m.SetText(note)
		checkView(t, m)
		for _, k := range moves {
			m = send(t, m, k)
			checkView(t, m)
		}
		// Paging keeps the cursor on the same screen row while there is
		// room, which is what makes it feel like turning a page.
		m = send(t, m, "ctrl+home", "down", "down")
		before, _ := cursorRow(m)
		m = send(t, m, "pgdown")
		_, below := m.walk(m.cursorPos(), 1, 2*sz[1])
		if after, _ := cursorRow(m); sz[1] > 3 && below == 2*sz[1] && after != before {
			t.Errorf("size %v: pgdown moved the cursor from screen row %d to %d", sz, before, after)
		}
		// Paging to the end never leaves blank rows under the note.
		m = send(t, m, "ctrl+end", "pgup", "pgup", "pgup", "pgdown", "pgdown", "pgdown", "pgdown")
		if last := strings.Split(m.View(), "\n")[sz[1]-1]; strings.TrimSpace(last) == "" {
			t.Errorf("size %v: paging to the end left a blank bottom row", sz)
		}
	}
}

// TestResizeKeepsCursorVisible narrows and widens a scrolled note.
func TestResizeKeepsCursorVisible(t *testing.T) {
	m := New()
	m.SetSize(80, 10)
	m.Focus()
	m.SetText(prose(2000))
	m.setCursor(len(m.paras)/2, 0)
	for _, sz := range [][2]int{{10, 10}, {200, 3}, {10, 1}, {1, 1}, {0, 0}, {80, 20}} {
		m.SetSize(sz[0], sz[1])
		checkView(t, m)
	}
}
