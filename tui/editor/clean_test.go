package editor

import (
	"testing"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

func TestClean(t *testing.T) {
	tests := []struct {
		in        string
		multiline bool
		want      string
	}{
		{"plain", false, "plain"},
		{"a\tb", true, "a    b"},
		{"a\tb", false, "ab"},
		{"a\nb", false, "ab"},
		{"a\r\nb\rc\nd", true, "a\nb\nc\nd"},
		{"a\u2028b\u2029c", true, "a\nb\nc"},
		{"\uFEFFtext", true, "text"},
		{"red \x1b[31mtext\x1b[0m", true, "red text"},
		{"title \x1b]0;pwned\x07kept", true, "title kept"},
		{"bell\x07 nul\x00 del\x7f c1\u009b", true, "bell nul del c1"},
		{"trojan \u202Esource\u202C", true, "trojan source"},
		{"\xff broken", true, "\uFFFD broken"},
		{"sign\u0600 kept", true, "sign kept"},
		{"emoji 👩‍👧 flag 🏴󠁧󠁢󠁥󠁮󠁧󠁿 日本", true, "emoji 👩‍👧 flag 🏴󠁧󠁢󠁥󠁮󠁧󠁿 日本"},
	}
	for _, tt := range tests {
		if got := clean(tt.in, tt.multiline); got != tt.want {
			t.Errorf("clean(%q, %v) = %q, want %q", tt.in, tt.multiline, got, tt.want)
		}
	}
}

// TestNoKeptCharacterGluesOntoASpace checks the prepend table against the
// segmenter View is measured with: no character the note can hold may join
// the padding after it into its own cluster.
func TestNoKeptCharacterGluesOntoASpace(t *testing.T) {
	if testing.Short() {
		t.Skip("walks every code point")
	}
	for r := rune(0x80); r <= utf8.MaxRune; r++ {
		if !utf8.ValidRune(r) || !keep(r) {
			continue
		}
		s := string(r)
		if g, _ := ansi.FirstGraphemeCluster(s+" ", ansi.GraphemeWidth); len(g) != len(s) {
			t.Errorf("U+%04X joins a following space into one cluster; add it to prepend", r)
		}
	}
}
