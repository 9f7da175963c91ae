package editor

import (
	"sort"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// para is one paragraph (a line of the note between newlines) with its soft
// wrap cached. It is held by pointer so that View, which has a value
// receiver, can fill the cache for the rows it draws and keep it.
type para struct {
	text string
	// rows holds the byte offset where each wrapped row starts (rows[0] is
	// 0) and widths its width in cells, so drawing a row measures nothing.
	rows, widths []int
	// rowsW is the width rows were computed for; 0 means they are stale.
	rowsW int
}

func newPara(text string) *para { return &para{text: text} }

func (p *para) set(text string) {
	p.text = text
	p.rowsW = 0
}

// wrapped returns the row starts for width w, wrapping only when the text or
// the width changed since the last call: that is what keeps a keystroke
// proportional to the paragraph being typed in, not the note.
func (p *para) wrapped(w int) []int {
	if w < 1 {
		w = 1
	}
	if p.rowsW != w {
		p.rows, p.widths = wrap(p.text, w, p.rows[:0], p.widths[:0])
		p.rowsW = w
	}
	return p.rows
}

// rowEnd is the byte offset just past row r.
func (p *para) rowEnd(rows []int, r int) int {
	if r+1 < len(rows) {
		return rows[r+1]
	}
	return len(p.text)
}

// cluster returns the byte length and cell width of the grapheme cluster at
// the start of s (which must not be empty). Widths come from x/ansi so they
// agree with ansi.StringWidth, which lipgloss and the tests measure with.
func cluster(s string) (n, w int) {
	if plainASCII(s, 0) {
		return 1, 1
	}
	g, w := ansi.FirstGraphemeCluster(s, ansi.GraphemeWidth)
	if len(g) == 0 {
		_, n = utf8.DecodeRuneInString(s)
		return n, 0
	}
	return len(g), w
}

// plainASCII reports whether s[i] is a printable ASCII character that is a
// cluster of its own: one followed by ASCII or by nothing. (CR LF is the
// only ASCII pair that joins, and a note holds no CR.) It lets the common
// case skip the grapheme segmenter.
func plainASCII(s string, i int) bool {
	c := s[i]
	return c >= 0x20 && c < 0x7f && (i+1 == len(s) || s[i+1] < utf8.RuneSelf)
}

// cellWidth is the width of s in cells.
func cellWidth(s string) int {
	w := 0
	for i := 0; i < len(s); {
		if plainASCII(s, i) {
			w++
			i++
			continue
		}
		n, cw := cluster(s[i:])
		w += cw
		i += n
	}
	return w
}

// wrap splits s into rows no wider than w cells, breaking after a run of
// spaces so words stay whole; a word wider than a row is cut where it
// overflows. Spaces count towards the width (a row is never drawn past w),
// and the end of the paragraph carries one extra cell for the cursor, so the
// cursor after the last character always fits on the last row. A single
// cluster wider than w (a CJK character at w=1) gets a row of its own.
// It appends each row's start to rows and its width to widths.
func wrap(s string, w int, rows, widths []int) ([]int, []int) {
	rows = append(rows, 0)
	start, rowW := 0, 0
	brk, brkW := -1, 0 // last place a row may start (a word after spaces), and the row's width before it
	prevSpace := false
	for i := 0; ; {
		n, cw, space := 0, 1, true // past the end: the cursor cell
		if i < len(s) {
			if plainASCII(s, i) {
				n, cw = 1, 1
			} else {
				n, cw = cluster(s[i:])
			}
			space = s[i] == ' '
		}
		if !space && prevSpace && i > start {
			brk, brkW = i, rowW
		}
		if rowW+cw > w && i > start {
			if brk > start && rowW-brkW+cw <= w {
				widths = append(widths, brkW)
				start, rowW = brk, rowW-brkW
			} else {
				widths = append(widths, rowW)
				start, rowW = i, 0
			}
			rows = append(rows, start)
			brk = -1
		}
		if i >= len(s) {
			return rows, append(widths, rowW)
		}
		rowW += cw
		prevSpace = space
		i += n
	}
}

// rowOf is the wrapped row that shows byte offset col. An offset on a row
// boundary belongs to the row it starts, so the end of a row that is not the
// paragraph's last is drawn at the start of the next one.
func rowOf(rows []int, col int) int {
	return sort.Search(len(rows), func(i int) bool { return rows[i] > col }) - 1
}
