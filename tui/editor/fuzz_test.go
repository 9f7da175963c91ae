package editor

import (
	"testing"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"
)

var fuzzKeys = []string{
	"enter", "backspace", "delete", "left", "right", "up", "down", "home", "end",
	"pgup", "pgdown", "ctrl+home", "ctrl+end", "alt+left", "alt+right", "ctrl+a",
	"ctrl+e", "ctrl+k", "ctrl+u", "ctrl+w", "tab", "esc",
}

// FuzzEditor reads the input as a program: each byte picks a key, a resize
// or a focus change, or takes the next few bytes (any bytes at all,
// escapes and broken UTF-8 included) as typed or pasted text.
func FuzzEditor(f *testing.F) {
	f.Add([]byte("\x00hello\x01\x02world"))
	f.Add([]byte("\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd\x05\x05\x17"))
	f.Add([]byte("\x1b[2J\r\n\t\xe6\x97\xa5\xff\xfe"))
	f.Add([]byte{0xe0, 0x40, 0x10, 0xe1, 0x08, 'a', 'b', '\n', 'c', 0x03, 0x04})
	f.Fuzz(fuzzEditor)
}

func fuzzEditor(t *testing.T, data []byte) {
	{
		m := New()
		m.SetSize(10, 3)
		m.Focus()
		for i := 0; i < len(data); i++ {
			b := data[i]
			switch {
			case int(b) < len(fuzzKeys):
				m, _ = m.Update(named[fuzzKeys[b]])
			case b >= 0xe0 && b < 0xf0 && i+2 < len(data): // resize
				m.SetSize(int(data[i+1]%90), int(data[i+2]%30))
				i += 2
			case b == 0xf0:
				m.Blur()
			case b == 0xf1:
				m.Focus()
			case b >= 0xc0 && i+1 < len(data): // text of length n
				n := min(int(b-0xc0)+1, len(data)-i-1)
				s := string(data[i+1 : i+1+n])
				if b&1 == 0 {
					m, _ = m.Update(tea.PasteMsg{Content: s})
				} else {
					r, _ := utf8.DecodeRuneInString(s)
					m, _ = m.Update(tea.KeyPressMsg{Code: r, Text: s})
				}
				i += n
			default:
				m, _ = m.Update(tea.KeyPressMsg{Code: rune(b), Text: string(rune(b))})
			}
			if m.Len() != utf8.RuneCountInString(m.Text()) {
				t.Fatalf("Len %d, Text has %d runes", m.Len(), utf8.RuneCountInString(m.Text()))
			}
			checkView(t, m)
		}
		text := m.Text()
		if !utf8.ValidString(text) || clean(text, true) != text {
			t.Fatalf("the note holds text that clean would remove: %q", text)
		}
	}
}
