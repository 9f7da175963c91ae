package editor

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/iro-app/iro/internal/sanitize"
)

// tabSpaces replaces a tab: a real tab's width depends on the column it
// lands in, which would make wrapping depend on everything before it.
const tabSpaces = "    "

// clean keeps only what a note may hold: printable text and, when multiline,
// newlines. Escape sequences, controls and bidirectional overrides go (via
// sanitize.Text, the app's one rule for what may reach a terminal), so
// nothing pasted into a note can act on the screen or on whoever later reads
// the saved record. When multiline is false the text came from one key
// press, where tab and newline are keys the meeting screen or the editor
// own, never text. Clean input is returned without allocating.
func clean(s string, multiline bool) string {
	if multiline && strings.IndexByte(s, '\r') >= 0 {
		// Terminals paste line breaks as CR (what Enter sends) and Windows
		// text as CRLF: each is one newline, never two, never none.
		s = strings.ReplaceAll(s, "\r\n", "\n")
		s = strings.ReplaceAll(s, "\r", "\n")
	}
	s = sanitize.Text(s)

	i := 0
	for i < len(s) {
		if c := s[i]; c >= 0x20 && c < 0x7f || c == '\n' && multiline {
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r < utf8.RuneSelf || !keep(r) {
			break
		}
		i += n
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 3*strings.Count(s, "\t"))
	b.WriteString(s[:i])
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '\n' || r == '\u2028' || r == '\u2029':
			if multiline {
				b.WriteByte('\n')
			}
		case r == '\t':
			if multiline {
				b.WriteString(tabSpaces)
			}
		case keep(r):
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// keep reports whether r is note text. sanitize.Text has already removed
// escapes, controls and bidi marks; this also drops the separators handled
// as newlines, the byte-order mark a pasted file can start with, and the
// grapheme "prepend" marks. Other format characters stay: the zero-width
// joiner and tag characters are parts of emoji, the flags of England,
// Scotland and Wales among them.
func keep(r rune) bool {
	switch {
	case unicode.IsControl(r), r == '\u2028', r == '\u2029', r == '\uFEFF':
		return false
	}
	return !unicode.Is(prepend, r)
}

// prepend is the characters that join the character after them into one
// cluster, whatever it is: at the end of a paragraph one would swallow the
// padding space after it and make the row a cell narrower than measured.
// They are rare number signs (Arabic, Syriac) and Brahmic marks; a test
// checks this table against the grapheme segmenter.
var prepend = &unicode.RangeTable{
	R16: []unicode.Range16{
		{Lo: 0x0600, Hi: 0x0605, Stride: 1},
		{Lo: 0x06DD, Hi: 0x06DD, Stride: 1},
		{Lo: 0x070F, Hi: 0x070F, Stride: 1},
		{Lo: 0x0890, Hi: 0x0891, Stride: 1},
		{Lo: 0x08E2, Hi: 0x08E2, Stride: 1},
		{Lo: 0x0D4E, Hi: 0x0D4E, Stride: 1},
	},
	R32: []unicode.Range32{
		{Lo: 0x110BD, Hi: 0x110BD, Stride: 1},
		{Lo: 0x110CD, Hi: 0x110CD, Stride: 1},
		{Lo: 0x111C2, Hi: 0x111C3, Stride: 1},
		{Lo: 0x113D1, Hi: 0x113D1, Stride: 1},
		{Lo: 0x1193F, Hi: 0x1193F, Stride: 1},
		{Lo: 0x11941, Hi: 0x11941, Stride: 1},
		{Lo: 0x11A3A, Hi: 0x11A3A, Stride: 1},
		{Lo: 0x11A84, Hi: 0x11A89, Stride: 1},
		{Lo: 0x11D46, Hi: 0x11D46, Stride: 1},
		{Lo: 0x11F02, Hi: 0x11F02, Stride: 1},
	},
}
