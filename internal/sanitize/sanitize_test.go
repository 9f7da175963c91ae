package sanitize

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestText(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"plain ASCII", "Amara Okafor, LS6", "Amara Okafor, LS6"},
		{"newline and tab kept", "line one\n\tline two", "line one\n\tline two"},
		{"non-ASCII kept", "Zoë Ní Bhriain – “quoted” ‛x’ 日本", "Zoë Ní Bhriain – “quoted” ‛x’ 日本"},
		{"empty", "", ""},
		{"screen clear", "a\x1b[2Jb", "ab"},
		{"clear and home", "\x1b[H\x1b[2Jfake screen", "fake screen"},
		{"cursor moves", "x\x1b[10;20Hy\x1b[3Az\x1b[?25l", "xyz"},
		{"SGR colour", "\x1b[1;31mred\x1b[0m", "red"},
		{"title change BEL", "name\x1b]0;evil\x07 after", "name after"},
		{"title change ST", "name\x1b]2;evil\x1b\\ after", "name after"},
		{"OSC 8 hyperlink", "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\", "click"},
		{"OSC 52 clipboard write", "ok\x1b]52;c;cm0gLXJmIH4K\x07", "ok"},
		{"OSC payload with curly quote", "\x1b]0;“t”\x07ok", "ok"},
		{"unterminated OSC swallows the rest", "ok\x1b]0;evil", "ok"},
		{"OSC cut short by a new escape", "\x1b]0;evil\x1b[2Jok", "ok"},
		{"DCS", "a\x1bPq#0;2;0;0;0\x1b\\b", "ab"},
		{"APC", "a\x1b_Gf=100;AAAA\x1b\\b", "ab"},
		{"PM", "a\x1b^private\x1b\\b", "ab"},
		{"SOS", "a\x1bXstring\x1b\\b", "ab"},
		{"two-byte ESC", "a\x1bcb\x1b7c\x1b8", "abc"},
		{"nF charset and DECALN", "a\x1b(0b\x1b#8c", "abc"},
		{"lone ESC at end", "abc\x1b", "abc"},
		{"ESC before non-ASCII", "a\x1bé", "aé"},
		{"malformed CSI stops early", "a\x1b[12\nb", "a\nb"},
		{"carriage return overwrite", "Safe to return home\rUnsafe", "Safe to return homeUnsafe"},
		{"CRLF", "one\r\ntwo", "one\ntwo"},
		{"bell backspace NUL", "a\x07b\x08c\x00d", "abcd"},
		{"DEL", "a\x7fb", "ab"},
		{"raw 0x9B CSI", "a\x9b2Jb", "ab"},
		{"UTF-8 U+009B CSI", "a\u009b2Jb", "ab"},
		{"UTF-8 U+009D OSC", "a\u009d0;evil\u009cb", "ab"},
		{"raw 8-bit OSC and ST", "a\x9d0;evil\x9cb", "ab"},
		{"other C1 dropped alone", "a\u0085b\u0084c", "abc"},
		{"RLO", "invoice\u202Efdp.exe", "invoicefdp.exe"},
		{"all bidi controls", "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061cx", "x"},
		{"invalid UTF-8", "a\xffb\xc3", "a\uFFFDb\uFFFD"},
		{"overlong encoding", "a\xc0\xafb", "a\uFFFD\uFFFDb"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Text(tt.in); got != tt.want {
				t.Errorf("Text(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestLine(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"plain", "Long-term fostering", "Long-term fostering"},
		{"newline", "first\nsecond", "first second"},
		{"tab", "a\tb", "a b"},
		{"run becomes one space", "a\n\n\t\nb", "a b"},
		{"CRLF", "one\r\ntwo", "one two"},
		{"escape between newlines", "a\n\x1b[2J\nb", "a b"},
		{"bidi between newlines", "a\n\u202e\nb", "a b"},
		{"spaces kept", "a  b", "a  b"},
		{"trailing newline", "a\n", "a "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Line(tt.in); got != tt.want {
				t.Errorf("Line(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestCleanInputIsNotCopied(t *testing.T) {
	tests := []struct {
		name string
		f    func(string) string
		in   string
	}{
		{"Text ASCII", Text, "Mr & Mrs Okafor (foster carers), PL4 - 212 miles"},
		{"Text multi-line", Text, "one\n\ttwo"},
		{"Text non-ASCII", Text, "Siobhán “Shiv” Ó Briain"},
		{"Line ASCII", Line, "Ashgrove House (children's home)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.f(tt.in); got != tt.in {
				t.Fatalf("changed clean input %q to %q", tt.in, got)
			}
			if n := testing.AllocsPerRun(100, func() { tt.f(tt.in) }); n != 0 {
				t.Errorf("%v allocations for clean input, want 0", n)
			}
		})
	}
}

func FuzzText(f *testing.F) {
	for _, s := range []string{
		"plain", "a\x1b[2Jb", "\x1b]0;evil\x07", "\x1b]8;;http://x/\x1b\\y\x1b]8;;\x1b\\",
		"\x1b]52;c;Zm9v\x07", "a\rb", "\x9b2J", "\u009b2J", "\u202eabc", "\xff\xfe",
		"\x1bP\x1b\\", "\x1b", "\x1b[", "\x1b]", "\u201c\x1b]0;\u201c\x07",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		for _, f := range []struct {
			name string
			fn   func(string) string
		}{{"Text", Text}, {"Line", Line}} {
			name, fn := f.name, f.fn
			out := fn(in)
			if !utf8.ValidString(out) {
				t.Fatalf("%s(%q) = %q is not valid UTF-8", name, in, out)
			}
			if strings.IndexByte(out, 0x1b) >= 0 {
				t.Fatalf("%s(%q) = %q contains ESC", name, in, out)
			}
			// Valid UTF-8 holds 0x9B only as a continuation byte (as in
			// U+201B), which no UTF-8 terminal reads as CSI.
			for _, r := range out {
				switch {
				case r < 0x20 && r != '\n' && r != '\t', r == 0x7f, isC1(r), isBidi(r):
					t.Fatalf("%s(%q) = %q contains %U", name, in, out, r)
				case name == "Line" && (r == '\n' || r == '\t'):
					t.Fatalf("Line(%q) = %q contains %U", in, out, r)
				}
			}
			if again := fn(out); again != out {
				t.Fatalf("%s is not idempotent: %q then %q", name, out, again)
			}
		}
	})
}

func BenchmarkText(b *testing.B) {
	benchmarks := []struct {
		name string
		in   string
	}{
		{"clean ASCII", strings.Repeat("Long-term fostering match approved; contact plan agreed. ", 8)},
		{"clean non-ASCII", strings.Repeat("Siobhán “Shiv” Ó Briain – placement stable. ", 8)},
		{"hostile", strings.Repeat("name\x1b]0;evil\x07\x1b[2J\r\u202eover\x9b1m ", 8)},
	}
	for _, bm := range benchmarks {
		b.Run(bm.name, func(b *testing.B) {
			b.SetBytes(int64(len(bm.in)))
			b.ReportAllocs()
			for b.Loop() {
				Text(bm.in)
			}
		})
	}
}
