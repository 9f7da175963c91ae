// Package sanitize makes text from imported files and the store safe to put
// on a terminal. A child's record can arrive from an LA export, a colleague's
// file or a hand-edited CSV; any of them can carry escape sequences that
// clear the screen, rewrite what the IRO sees, set the window title, plant a
// hyperlink or write to the clipboard. Everything data-derived passes through
// Text or Line before it is rendered.
package sanitize

import (
	"strings"
	"unicode/utf8"
)

const (
	esc = 0x1b
	bel = 0x07
	del = 0x7f
)

// Text removes everything a terminal would act on rather than print: C0
// controls except newline and tab, DEL, C1 controls, whole escape sequences
// (CSI, OSC, DCS, SOS, PM, APC and two-byte ESC forms, in both the 7-bit ESC
// and the 8-bit C1 spelling) and the bidirectional controls that can make a
// line read differently from how it is stored. Invalid UTF-8 becomes U+FFFD.
// Clean input is returned as is, without allocating.
func Text(s string) string { return clean(s, false) }

// Line is Text for one-line cells: each run of newlines and tabs becomes a
// single space so a multi-line note cannot break a table row.
func Line(s string) string { return clean(s, true) }

func clean(s string, oneLine bool) string {
	i := firstUnsafe(s, oneLine)
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	inSpace := false // in a run of newlines/tabs already written as one space
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == esc:
				i = skipEscape(s, i)
				continue
			case c == '\n' || c == '\t':
				if !oneLine {
					b.WriteByte(c)
				} else if !inSpace {
					b.WriteByte(' ')
					inSpace = true
				}
				i++
				continue
			case c < 0x20 || c == del:
				i++
				continue
			}
			b.WriteByte(c)
			inSpace = false
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			// A lone byte in 0x80–0x9F is an 8-bit C1 control to a terminal
			// that is not in UTF-8 mode; anything else is just broken text.
			if c <= 0x9f {
				i = skipC1(s, i, rune(c), 1)
				continue
			}
			b.WriteRune(utf8.RuneError)
		case isC1(r):
			i = skipC1(s, i, r, size)
			continue
		case isBidi(r):
			i += size
			continue
		default:
			b.WriteString(s[i : i+size])
		}
		inSpace = false
		i += size
	}
	return b.String()
}

// firstUnsafe returns the index of the first byte that needs changing, or
// len(s). It is the whole cost of the common case, so it stays a plain scan.
func firstUnsafe(s string, oneLine bool) int {
	unsafe := &unsafeInText
	if oneLine {
		unsafe = &unsafeInLine
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if unsafe[c] {
				return i
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || isC1(r) || isBidi(r) {
			return i
		}
		i += size
	}
	return len(s)
}

// unsafeInText and unsafeInLine mark the ASCII bytes that Text and Line
// change; a table keeps the scan to one load and branch per byte.
var unsafeInText, unsafeInLine = asciiTables()

func asciiTables() (text, line [utf8.RuneSelf]bool) {
	for c := range utf8.RuneSelf {
		control := c < 0x20 || c == del
		text[c] = control && c != '\n' && c != '\t'
		line[c] = control
	}
	return text, line
}

func isC1(r rune) bool { return r >= 0x80 && r <= 0x9f }

// isBidi reports the explicit directional formatting characters: embeddings,
// overrides, isolates and marks (the "Trojan Source" set).
func isBidi(r rune) bool {
	switch {
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return r == 0x200e || r == 0x200f || r == 0x061c
}

// skipEscape returns the index just past the escape sequence that starts
// with the ESC at s[i]. An ESC with nothing recognisable after it is dropped
// alone and the following text is kept.
func skipEscape(s string, i int) int {
	i++ // ESC
	if i == len(s) {
		return i
	}
	switch c := s[i]; c {
	case '[':
		return skipCSI(s, i+1)
	case ']', 'P', 'X', '^', '_':
		return skipString(s, i+1, c == ']')
	}
	// nF sequences such as ESC ( B or ESC # 8 take intermediates before the
	// final byte; the plain two-byte form (ESC c, ESC 7) has none.
	for i < len(s) && s[i] >= 0x20 && s[i] <= 0x2f {
		i++
	}
	if i < len(s) && s[i] >= 0x30 && s[i] <= 0x7e {
		i++
	}
	return i
}

// skipC1 handles a C1 control of size bytes at s[i]: the introducers of
// control sequences and strings swallow their sequence, as ESC [ and ESC ]
// would; any other C1 control is dropped alone.
func skipC1(s string, i int, r rune, size int) int {
	i += size
	switch r {
	case 0x9b: // CSI
		return skipCSI(s, i)
	case 0x9d: // OSC
		return skipString(s, i, true)
	case 0x90, 0x98, 0x9e, 0x9f: // DCS, SOS, PM, APC
		return skipString(s, i, false)
	}
	return i
}

// skipCSI consumes parameter and intermediate bytes and the final byte of a
// control sequence starting at s[i]. It stops at anything else, so a
// malformed sequence cannot swallow the rest of the text.
func skipCSI(s string, i int) int {
	for i < len(s) && s[i] >= 0x20 && s[i] <= 0x3f {
		i++
	}
	if i < len(s) && s[i] >= 0x40 && s[i] <= 0x7e {
		i++
	}
	return i
}

// skipString consumes a control string (OSC, DCS, SOS, PM, APC) starting at
// s[i] up to and including its String Terminator: ESC \, the C1 ST, or BEL
// for OSC, which terminals accept there. Any other ESC ends the string but is
// left for the caller, as a terminal would start a new sequence there. An
// unterminated string runs to the end of s: a terminal would swallow all of
// it, and showing it would only display the payload of an attack.
func skipString(s string, i int, bellEnds bool) int {
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == esc:
				if i+1 < len(s) && s[i+1] == '\\' {
					return i + 2
				}
				return i
			case c == bel && bellEnds:
				return i + 1
			}
			i++
			continue
		}
		// Decode rather than look for the byte 0x9C, which is also a
		// continuation byte of ordinary characters such as U+201C.
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == 0x9c || (r == utf8.RuneError && size == 1 && c == 0x9c) {
			return i + size
		}
		i += size
	}
	return i
}
