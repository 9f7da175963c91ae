package editor

import (
	"unicode"
	"unicode/utf8"
)

// pos is a wrapped row: row r of paragraph line.
type pos struct{ line, row int }

func (a pos) before(b pos) bool {
	return a.line < b.line || a.line == b.line && a.row < b.row
}

func (m *Model) rows(line int) []int { return m.paras[line].wrapped(m.w) }

// step moves p one wrapped row down (dir > 0) or up, reporting false at
// either end of the note.
func (m *Model) step(p pos, dir int) (pos, bool) {
	if dir > 0 {
		if p.row+1 < len(m.rows(p.line)) {
			return pos{p.line, p.row + 1}, true
		}
		if p.line+1 < len(m.paras) {
			return pos{p.line + 1, 0}, true
		}
		return p, false
	}
	if p.row > 0 {
		return pos{p.line, p.row - 1}, true
	}
	if p.line > 0 {
		return pos{p.line - 1, len(m.rows(p.line-1)) - 1}, true
	}
	return p, false
}

// walk steps p up to n rows in direction dir and says how many it took.
func (m *Model) walk(p pos, dir, n int) (pos, int) {
	moved := 0
	for moved < n {
		q, ok := m.step(p, dir)
		if !ok {
			break
		}
		p = q
		moved++
	}
	return p, moved
}

func (m *Model) cursorPos() pos {
	return pos{m.line, rowOf(m.rows(m.line), m.col)}
}

// setCursor moves the cursor for anything but a vertical move, which is
// what forgets the column up and down were aiming for.
func (m *Model) setCursor(line, col int) {
	m.line = line
	m.col = m.snap(line, col)
	m.goal = -1
	m.scrollToCursor()
}

// snap moves col back to the start of the grapheme cluster it falls in, so
// the cursor never splits a character built from several runes (an accented
// letter, an emoji with a skin tone). Only the cursor's row is walked.
func (m *Model) snap(line, col int) int {
	p := m.paras[line]
	col = min(max(col, 0), len(p.text))
	// Nothing joins an ASCII character onto the cluster before it (the
	// prepend marks that would are never stored), so most offsets are
	// boundaries without looking.
	if col == len(p.text) || p.text[col] < utf8.RuneSelf {
		return col
	}
	rows := p.wrapped(m.w)
	i := rows[rowOf(rows, col)]
	for i < col {
		n, _ := cluster(p.text[i:])
		if i+n > col {
			return i
		}
		i += n
	}
	return i
}

// prevBoundary is the start of the cluster before col (col > 0).
func (m *Model) prevBoundary(line, col int) int {
	p := m.paras[line]
	rows := p.wrapped(m.w)
	i, prev := rows[rowOf(rows, col-1)], 0
	for i < col {
		prev = i
		n, _ := cluster(p.text[i:])
		i += n
	}
	return prev
}

// wordStart is where the word before col starts: back over spaces, then
// over the word. Words are runs of non-space, so "child's" and "LAC," are
// one word each, as a reader sees them.
func wordStart(s string, col int) int {
	i := col
	for i > 0 {
		r, n := utf8.DecodeLastRuneInString(s[:i])
		if !unicode.IsSpace(r) {
			break
		}
		i -= n
	}
	for i > 0 {
		r, n := utf8.DecodeLastRuneInString(s[:i])
		if unicode.IsSpace(r) {
			break
		}
		i -= n
	}
	return i
}

// wordEnd is where the word after col ends.
func wordEnd(s string, col int) int {
	i := col
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsSpace(r) {
			break
		}
		i += n
	}
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) {
			break
		}
		i += n
	}
	return i
}

func (m *Model) left() {
	switch {
	case m.col > 0:
		m.setCursor(m.line, m.prevBoundary(m.line, m.col))
	case m.line > 0:
		m.setCursor(m.line-1, len(m.paras[m.line-1].text))
	}
}

func (m *Model) right() {
	t := m.paras[m.line].text
	switch {
	case m.col < len(t):
		n, _ := cluster(t[m.col:])
		m.setCursor(m.line, m.col+n)
	case m.line+1 < len(m.paras):
		m.setCursor(m.line+1, 0)
	}
}

func (m *Model) wordLeft() {
	switch {
	case m.col > 0:
		m.setCursor(m.line, wordStart(m.paras[m.line].text, m.col))
	case m.line > 0:
		m.setCursor(m.line-1, len(m.paras[m.line-1].text))
	}
}

func (m *Model) wordRight() {
	t := m.paras[m.line].text
	switch {
	case m.col < len(t):
		m.setCursor(m.line, wordEnd(t, m.col))
	case m.line+1 < len(m.paras):
		m.setCursor(m.line+1, 0)
	}
}

func (m *Model) rowStart() {
	rows := m.rows(m.line)
	m.setCursor(m.line, rows[rowOf(rows, m.col)])
}

// rowEnd on a row that wraps stops on its last cell (usually the space the
// row broke after): the offset just past it is drawn on the next row.
func (m *Model) rowEnd() {
	p := m.paras[m.line]
	rows := p.wrapped(m.w)
	r := rowOf(rows, m.col)
	if r == len(rows)-1 {
		m.setCursor(m.line, len(p.text))
		return
	}
	m.setCursor(m.line, m.prevBoundary(m.line, rows[r+1]))
}

// colAt is the offset on row r of line under cell column x.
func (m *Model) colAt(line, r, x int) int {
	p := m.paras[line]
	rows := p.wrapped(m.w)
	i, end := rows[r], p.rowEnd(rows, r)
	last, acc := i, 0
	for i < end {
		n, cw := cluster(p.text[i:])
		if acc+cw > x {
			return i
		}
		acc += cw
		last = i
		i += n
	}
	if r == len(rows)-1 {
		return len(p.text)
	}
	return last
}

// moveRows moves the cursor n wrapped rows down (n < 0: up), aiming for the
// goal column, and returns how many rows it moved. Past either end of the
// note it lands on the note's first or last character. It does not scroll.
func (m *Model) moveRows(n int) int {
	dir := 1
	if n < 0 {
		dir, n = -1, -n
	}
	p := m.paras[m.line]
	rows := p.wrapped(m.w)
	r := rowOf(rows, m.col)
	if m.goal < 0 {
		m.goal = cellWidth(p.text[rows[r]:m.col])
	}
	to, moved := m.walk(pos{m.line, r}, dir, n)
	switch {
	case moved < n && dir < 0:
		m.line, m.col, m.goal = 0, 0, -1
	case moved < n:
		m.line = len(m.paras) - 1
		m.col, m.goal = len(m.paras[m.line].text), -1
	default:
		m.line, m.col = to.line, m.colAt(to.line, to.row, m.goal)
	}
	return moved
}

func (m *Model) vertical(n int) {
	m.moveRows(n)
	m.scrollToCursor()
}

// page moves the cursor and the view together by a screen less one row, so
// the row that was at the bottom stays in sight at the top; paging down
// stops once the end of the note reaches the bottom row.
func (m *Model) page(dir int) {
	n := max(m.h-1, 1)
	moved := m.moveRows(dir * n)
	m.clampAnchor()
	a, _ := m.walk(pos{m.top, m.topRow}, dir, moved)
	if dir > 0 {
		end := len(m.paras) - 1
		last, _ := m.walk(pos{end, len(m.rows(end)) - 1}, -1, max(m.h-1, 0))
		if last.before(a) {
			a = last
		}
	}
	m.top, m.topRow = a.line, a.row
	m.scrollToCursor()
}

// clampAnchor keeps the anchor on a row that exists: an edit or a new
// width can leave a paragraph with fewer rows than before.
func (m *Model) clampAnchor() {
	m.top = min(max(m.top, 0), len(m.paras)-1)
	m.topRow = min(max(m.topRow, 0), len(m.rows(m.top))-1)
}

// scrollToCursor moves the anchor as little as it can so the cursor's row
// is on screen. It looks at most a screen of rows either side of the
// cursor, however far the cursor jumped.
func (m *Model) scrollToCursor() {
	m.clampAnchor()
	if m.h <= 0 {
		return
	}
	cur, a := m.cursorPos(), pos{m.top, m.topRow}
	if cur.before(a) {
		m.top, m.topRow = cur.line, cur.row
		return
	}
	p := a
	for range m.h {
		if p == cur {
			return
		}
		q, ok := m.step(p, 1)
		if !ok {
			break
		}
		p = q
	}
	a, _ = m.walk(cur, -1, m.h-1)
	m.top, m.topRow = a.line, a.row
}
