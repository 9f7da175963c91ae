package sanitize

import (
	"fmt"
	"unicode/utf8"
)

// JSON makes encoded JSON terminal-safe by escaping rather than dropping:
// every character Text would remove that encoding/json writes as it is —
// DEL, C1 controls, the bidirectional controls — becomes a \uXXXX escape,
// and invalid UTF-8 becomes \ufffd, so the output decodes to the same
// strings (data kept, not lost) yet nothing in it acts on a terminal.
// encoding/json already escapes the C0 controls (ESC among them). Outside
// its strings JSON is ASCII, so every such character is inside a string,
// where the escape means the same. Clean input is returned as is.
func JSON(b []byte) []byte {
	i := firstUnsafeJSON(b)
	if i == len(b) {
		return b
	}
	out := make([]byte, 0, len(b)+12)
	out = append(out, b[:i]...)
	for i < len(b) {
		r, size := utf8.DecodeRune(b[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			out = append(out, `\ufffd`...)
		case unsafeInJSON(r):
			out = fmt.Appendf(out, `\u%04x`, r)
		default:
			out = append(out, b[i:i+size]...)
		}
		i += size
	}
	return out
}

// unsafeInJSON is what Text removes and may be in encoded JSON as it is.
// Newline and tab stay: outside strings they are JSON's own spacing (and
// inside one encoding/json never leaves them raw).
func unsafeInJSON(r rune) bool {
	return r < 0x20 && r != '\n' && r != '\t' || r == del || isC1(r) || isBidi(r)
}

func firstUnsafeJSON(b []byte) int {
	for i := 0; i < len(b); {
		r, size := rune(b[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRune(b[i:])
		}
		if r == utf8.RuneError && size <= 1 || unsafeInJSON(r) {
			return i
		}
		i += size
	}
	return len(b)
}
