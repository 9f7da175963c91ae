package editor

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// insert puts clean text at the cursor; newlines in it start new paragraphs.
// Only the cursor's paragraph is rebuilt (and the paragraph list shifted by
// the number of new paragraphs: a copy of pointers, not of text).
func (m *Model) insert(s string) {
	if s == "" {
		return
	}
	p := m.paras[m.line]
	before, after := p.text[:m.col], p.text[m.col:]
	m.runes += utf8.RuneCountInString(s)
	m.rev++
	if strings.IndexByte(s, '\n') < 0 {
		p.set(before + s + after)
		m.setCursor(m.line, len(before)+len(s))
		return
	}
	parts := strings.Split(s, "\n")
	p.set(before + parts[0])
	added := make([]*para, len(parts)-1)
	for i, t := range parts[1:] {
		added[i] = newPara(t)
	}
	last := added[len(added)-1]
	col := len(last.text)
	last.set(last.text + after)
	m.paras = slices.Insert(m.paras, m.line+1, added...)
	m.setCursor(m.line+len(added), col)
}

// deleteRange removes bytes [from, to) of the cursor's paragraph and leaves
// the cursor at from.
func (m *Model) deleteRange(from, to int) {
	if from >= to {
		return
	}
	p := m.paras[m.line]
	m.runes -= utf8.RuneCountInString(p.text[from:to])
	m.rev++
	p.set(p.text[:from] + p.text[to:])
	m.setCursor(m.line, from)
}

// join appends paragraph i+1 to paragraph i, with the cursor where they meet.
func (m *Model) join(i int) {
	if i < 0 || i+1 >= len(m.paras) {
		return
	}
	p := m.paras[i]
	col := len(p.text)
	p.set(p.text + m.paras[i+1].text)
	m.paras = slices.Delete(m.paras, i+1, i+2)
	m.runes--
	m.rev++
	m.setCursor(i, col)
}

func (m *Model) backspace() {
	if m.col == 0 {
		m.join(m.line - 1)
		return
	}
	m.deleteRange(m.prevBoundary(m.line, m.col), m.col)
}

func (m *Model) deleteForward() {
	t := m.paras[m.line].text
	if m.col == len(t) {
		m.join(m.line)
		return
	}
	n, _ := cluster(t[m.col:])
	m.deleteRange(m.col, m.col+n)
}

// deleteWordBack at the start of a paragraph joins it to the one above, as
// backspace does, so holding it down keeps deleting.
func (m *Model) deleteWordBack() {
	if m.col == 0 {
		m.join(m.line - 1)
		return
	}
	m.deleteRange(m.snap(m.line, wordStart(m.paras[m.line].text, m.col)), m.col)
}

// deleteToLineEnd at the end of a paragraph joins the next one, as in emacs
// and readline, so repeated presses clear what follows.
func (m *Model) deleteToLineEnd() {
	t := m.paras[m.line].text
	if m.col == len(t) {
		m.join(m.line)
		return
	}
	m.deleteRange(m.col, len(t))
}

func (m *Model) deleteToLineStart() {
	m.deleteRange(0, m.col)
}
