package editor

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// View draws exactly the editor's height in rows, each padded to its width,
// starting at the scroll anchor. Only the rows on screen are wrapped and
// measured. The cursor is drawn as a reversed cell rather than the
// terminal's own, so it shows in any terminal and in a View string.
func (m Model) View() string {
	if m.h <= 0 {
		return ""
	}
	var b strings.Builder
	b.Grow(m.h * (m.w + 1))
	p := pos{min(max(m.top, 0), len(m.paras)-1), 0}
	p.row = min(max(m.topRow, 0), len(m.rows(p.line))-1)
	more := true
	for i := range m.h {
		if i > 0 {
			b.WriteByte('\n')
		}
		switch {
		case i == 0 && m.focused && m.runes == 0:
			m.placeholder(&b)
			more = false
		case more:
			m.row(&b, p)
			p, more = m.step(p, 1)
		default:
			pad(&b, m.w)
		}
	}
	return b.String()
}

func (m *Model) placeholder(b *strings.Builder) {
	if m.w <= 0 {
		return
	}
	s := ansi.Truncate(Placeholder, m.w, "")
	n, _ := cluster(s)
	line := ansi.Truncate(m.cursor(s[:n])+m.styles.Placeholder.Render(s[n:]), m.w, "")
	b.WriteString(line)
	pad(b, m.w-ansi.StringWidth(line))
}

// row draws wrapped row p, with the cursor when it is on it.
func (m *Model) row(b *strings.Builder, p pos) {
	par := m.paras[p.line]
	rows := par.wrapped(m.w)
	seg := par.text[rows[p.row]:par.rowEnd(rows, p.row)]
	w := par.widths[p.row]
	cursorHere := m.focused && p.line == m.line && rowOf(rows, m.col) == p.row
	if !cursorHere {
		if w > m.w { // one cluster wider than the editor
			seg = ansi.Truncate(seg, m.w, "")
			w = ansi.StringWidth(seg)
		}
		b.WriteString(seg)
		pad(b, m.w-w)
		return
	}
	off := m.col - rows[p.row]
	under, rest := " ", ""
	if off < len(seg) {
		n, _ := cluster(seg[off:])
		under, rest = seg[off:off+n], seg[off+n:]
	} else {
		w++ // the cursor cell after the paragraph's last character
	}
	line := seg[:off] + m.cursor(under) + rest
	if m.cursorOn == "" { // a cursor style that adds cells
		w = ansi.StringWidth(line)
	}
	if w > m.w {
		line = ansi.Truncate(line, m.w, "")
		w = ansi.StringWidth(line)
	}
	b.WriteString(line)
	pad(b, m.w-w)
}

// cursor draws the cell under the cursor.
func (m *Model) cursor(cell string) string {
	if m.cursorOn == "" {
		return m.styles.Cursor.Render(cell)
	}
	return m.cursorOn + cell + m.cursorOff
}

func pad(b *strings.Builder, n int) {
	for range n {
		b.WriteByte(' ')
	}
}
