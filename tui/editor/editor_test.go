package editor

import (
	"strings"
	"testing"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// keys by the name Bubble Tea gives them, so the tests read like the keymap.
var named = map[string]tea.KeyPressMsg{
	"enter":         {Code: tea.KeyEnter},
	"backspace":     {Code: tea.KeyBackspace},
	"delete":        {Code: tea.KeyDelete},
	"left":          {Code: tea.KeyLeft},
	"right":         {Code: tea.KeyRight},
	"up":            {Code: tea.KeyUp},
	"down":          {Code: tea.KeyDown},
	"home":          {Code: tea.KeyHome},
	"end":           {Code: tea.KeyEnd},
	"pgup":          {Code: tea.KeyPgUp},
	"pgdown":        {Code: tea.KeyPgDown},
	"ctrl+home":     {Code: tea.KeyHome, Mod: tea.ModCtrl},
	"ctrl+end":      {Code: tea.KeyEnd, Mod: tea.ModCtrl},
	"alt+left":      {Code: tea.KeyLeft, Mod: tea.ModAlt},
	"alt+right":     {Code: tea.KeyRight, Mod: tea.ModAlt},
	"ctrl+left":     {Code: tea.KeyLeft, Mod: tea.ModCtrl},
	"ctrl+right":    {Code: tea.KeyRight, Mod: tea.ModCtrl},
	"alt+b":         {Code: 'b', Mod: tea.ModAlt},
	"alt+f":         {Code: 'f', Mod: tea.ModAlt},
	"ctrl+a":        {Code: 'a', Mod: tea.ModCtrl},
	"ctrl+e":        {Code: 'e', Mod: tea.ModCtrl},
	"ctrl+k":        {Code: 'k', Mod: tea.ModCtrl},
	"ctrl+u":        {Code: 'u', Mod: tea.ModCtrl},
	"ctrl+w":        {Code: 'w', Mod: tea.ModCtrl},
	"alt+backspace": {Code: tea.KeyBackspace, Mod: tea.ModAlt},
	// The meeting screen's keys, which must pass through.
	"tab":       {Code: tea.KeyTab},
	"shift+tab": {Code: tea.KeyTab, Mod: tea.ModShift},
	"esc":       {Code: tea.KeyEscape},
	"ctrl+r":    {Code: 'r', Mod: tea.ModCtrl},
	"ctrl+s":    {Code: 's', Mod: tea.ModCtrl},
}

var passthrough = []string{"tab", "shift+tab", "esc", "ctrl+r", "ctrl+s"}

func TestNamedKeysAreWhatBubbleTeaCallsThem(t *testing.T) {
	for name, k := range named {
		if got := k.String(); got != name {
			t.Errorf("test key %q is called %q by Bubble Tea", name, got)
		}
	}
}

// typed is text arriving as one key press, as a terminal sends it.
type typed string

// pasted is a bracketed paste.
type pasted string

func send(t testing.TB, m Model, ops ...any) Model {
	t.Helper()
	for _, op := range ops {
		var msg tea.Msg
		switch op := op.(type) {
		case string:
			k, ok := named[op]
			if !ok {
				t.Fatalf("no test key %q", op)
			}
			msg = k
		case typed:
			r, _ := utf8.DecodeRuneInString(string(op))
			msg = tea.KeyPressMsg{Code: r, Text: string(op)}
		case pasted:
			msg = tea.PasteMsg{Content: string(op)}
		default:
			msg = op
		}
		m, _ = m.Update(msg)
	}
	return m
}

// withCursor builds a focused editor from text where "|" marks the cursor.
func withCursor(t testing.TB, s string, w, h int) Model {
	t.Helper()
	at := strings.Index(s, "|")
	if at < 0 {
		t.Fatalf("no cursor in %q", s)
	}
	m := New()
	m.SetSize(w, h)
	m.Focus()
	m.SetText(s[:at] + s[at+1:])
	line := strings.Count(s[:at], "\n")
	col := at - (strings.LastIndexByte(s[:at], '\n') + 1)
	m.setCursor(line, col)
	return m
}

// marked is the note with "|" at the cursor.
func marked(m Model) string {
	var b strings.Builder
	for i, p := range m.paras {
		if i > 0 {
			b.WriteByte('\n')
		}
		if i == m.line {
			b.WriteString(p.text[:m.col] + "|" + p.text[m.col:])
		} else {
			b.WriteString(p.text)
		}
	}
	return b.String()
}

func TestEditing(t *testing.T) {
	tests := []struct {
		name  string
		start string
		ops   []any
		want  string
	}{
		{"insert", "ab|c", []any{typed("X")}, "abX|c"},
		{"insert multi-rune text", "a|", []any{typed("héllo")}, "ahéllo|"},
		{"insert space", "a|b", []any{typed(" ")}, "a |b"},
		{"shifted letter", "|", []any{tea.KeyPressMsg{Code: 'a', Text: "A", Mod: tea.ModShift}}, "A|"},
		{"AltGr letter", "|", []any{tea.KeyPressMsg{Code: 'l', Text: "ł", Mod: tea.ModCtrl | tea.ModAlt}}, "ł|"},
		{"ctrl with text is a shortcut", "|", []any{tea.KeyPressMsg{Code: 's', Text: "s", Mod: tea.ModCtrl}}, "|"},
		{"newline splits", "ab|c", []any{"enter"}, "ab\n|c"},
		{"newline at start", "|ab", []any{"enter"}, "\n|ab"},
		{"backspace", "ab|c", []any{"backspace"}, "a|c"},
		{"backspace joins", "ab\n|cd", []any{"backspace"}, "ab|cd"},
		{"backspace at start of note", "|ab", []any{"backspace"}, "|ab"},
		{"backspace removes a whole emoji", "a👍🏽|", []any{"backspace"}, "a|"},
		{"backspace removes a flag", "x🏴󠁧󠁢󠁥󠁮󠁧󠁿|", []any{"backspace"}, "x|"},
		{"delete", "a|bc", []any{"delete"}, "a|c"},
		{"delete joins", "ab|\ncd", []any{"delete"}, "ab|cd"},
		{"delete at end of note", "ab|", []any{"delete"}, "ab|"},
		{"left right", "ab|c", []any{"left", "left", "right"}, "a|bc"},
		{"left to previous paragraph", "ab\n|c", []any{"left"}, "ab|\nc"},
		{"right to next paragraph", "ab|\nc", []any{"right"}, "ab\n|c"},
		{"left over wide characters", "日本|", []any{"left"}, "日|本"},
		{"word left", "the child's| review", []any{"alt+left"}, "the |child's review"},
		{"word left twice", "the child's re|view", []any{"alt+left", "ctrl+left"}, "the |child's review"},
		{"word left alt+b", "one two|", []any{"alt+b"}, "one |two"},
		{"word left at paragraph start", "ab\n|cd", []any{"alt+left"}, "ab|\ncd"},
		{"word right", "|the child", []any{"alt+right"}, "the| child"},
		{"word right twice", "|the child", []any{"ctrl+right", "alt+f"}, "the child|"},
		{"word right at paragraph end", "ab|\ncd", []any{"alt+right"}, "ab\n|cd"},
		{"line start and end", "ab\nc|de", []any{"ctrl+a"}, "ab\n|cde"},
		{"line end", "ab\nc|de\nf", []any{"ctrl+e"}, "ab\ncde|\nf"},
		{"note start", "ab\nc|de", []any{"ctrl+home"}, "|ab\ncde"},
		{"note end", "a|b\ncde", []any{"ctrl+end"}, "ab\ncde|"},
		{"delete word back", "the child's |review", []any{"ctrl+w"}, "the |review"},
		{"alt+backspace", "the child's|", []any{"alt+backspace"}, "the |"},
		{"delete word back joins", "ab\n|cd", []any{"ctrl+w"}, "ab|cd"},
		{"kill to end", "ab|cd\nef", []any{"ctrl+k"}, "ab|\nef"},
		{"kill to end joins at end", "ab|cd\nef", []any{"ctrl+k", "ctrl+k"}, "ab|ef"},
		{"kill to start", "ab|cd", []any{"ctrl+u"}, "|cd"},
		{"kill to start at start", "ab\n|cd", []any{"ctrl+u"}, "ab\n|cd"},
		{"paste", "x|y", []any{pasted("one two")}, "xone two|y"},
		{"paste with CRLF", "x|y", []any{pasted("a\r\nb\r\nc")}, "xa\nb\nc|y"},
		{"paste with CR line breaks", "|", []any{pasted("a\rb")}, "a\nb|"},
		{"paste with tabs", "|", []any{pasted("\tx")}, "    x|"},
		{"paste ending in newline", "a|b", []any{pasted("x\n")}, "ax\n|b"},
		{"paste drops escapes and controls", "|", []any{pasted("a\x1b[2Jb\x07c\u202ed\x00e\x7ff\u0085g")}, "abcdefg|"},
		{"typed control dropped", "a|", []any{typed("\x1b"), typed("\x00"), typed("\t"), typed("\n")}, "a|"},
		{"typed DEL dropped", "a|", []any{typed("\x7f")}, "a|"},
		{"wide chars typed", "|", []any{typed("日"), typed("本"), "left", "backspace"}, "|本"},
		{"up and down by paragraph", "ab\ncd|", []any{"up"}, "ab|\ncd"},
		{"up at top goes to start", "a|b", []any{"up"}, "|ab"},
		{"down at bottom goes to end", "a|b", []any{"down"}, "ab|"},
		{"down keeps goal column", "abcd|\nx\nabcdef", []any{"down", "down"}, "abcd\nx\nabcd|ef"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := withCursor(t, tt.start, 40, 5)
			m = send(t, m, tt.ops...)
			if got := marked(m); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if m.Len() != utf8.RuneCountInString(m.Text()) {
				t.Errorf("Len %d, text has %d runes", m.Len(), utf8.RuneCountInString(m.Text()))
			}
			checkView(t, m)
		})
	}
}

func TestWrappedRowKeys(t *testing.T) {
	// At width 10 "aaaa bbbb cccc dddd" wraps as "aaaa bbbb " / "cccc dddd".
	tests := []struct {
		name  string
		start string
		ops   []any
		want  string
	}{
		{"home goes to start of wrapped row", "aaaa bbbb cc|cc dddd", []any{"home"}, "aaaa bbbb |cccc dddd"},
		{"end of a wrapped row stops on its last cell", "aa|aa bbbb cccc dddd", []any{"end"}, "aaaa bbbb| cccc dddd"},
		{"end of the last row", "aaaa bbbb cc|cc dddd", []any{"end"}, "aaaa bbbb cccc dddd|"},
		{"up moves a wrapped row", "aaaa bbbb cc|cc dddd", []any{"up"}, "aa|aa bbbb cccc dddd"},
		{"down moves a wrapped row", "aa|aa bbbb cccc dddd", []any{"down"}, "aaaa bbbb cc|cc dddd"},
		{"goal column survives a short row", "aaaa bbbb|\nx\naaaa bbbb", []any{"down", "down"}, "aaaa bbbb\nx\naaaa bbbb|"},
		{"wide characters keep the column", "abcd|\n日本語", []any{"down"}, "abcd\n日本|語"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := withCursor(t, tt.start, 10, 4)
			m = send(t, m, tt.ops...)
			if got := marked(m); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestWrap(t *testing.T) {
	tests := []struct {
		s    string
		w    int
		want []string
	}{
		{"", 10, []string{""}},
		{"aaaa bbbb cccc dddd", 10, []string{"aaaa bbbb ", "cccc dddd"}},
		// The cursor cell after the last word needs room, so a word that
		// exactly fills the last row moves down.
		{"aaaa bbbbb", 10, []string{"aaaa ", "bbbbb"}},
		{"aaaaaaaaaaaaaaa", 10, []string{"aaaaaaaaaa", "aaaaa"}},
		{"aaaaaaaaaa", 10, []string{"aaaaaaaaaa", ""}},
		{"ab 日本語日本語", 10, []string{"ab ", "日本語日本", "語"}},
		{"日本", 1, []string{"日", "本", ""}},
	}
	for _, tt := range tests {
		rows, widths := wrap(tt.s, tt.w, nil, nil)
		var got []string
		for i, r := range rows {
			end := len(tt.s)
			if i+1 < len(rows) {
				end = rows[i+1]
			}
			got = append(got, tt.s[r:end])
			if cw := ansi.StringWidth(tt.s[r:end]); widths[i] != cw {
				t.Errorf("wrap(%q, %d) row %d: width %d, measured %d", tt.s, tt.w, i, widths[i], cw)
			}
		}
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("wrap(%q, %d) = %q, want %q", tt.s, tt.w, got, tt.want)
		}
	}
}

func TestTextRoundTrip(t *testing.T) {
	for _, s := range []string{
		"",
		"one line",
		"two\nlines",
		"\n\nblank paragraphs\n\n",
		"Child's views: 日本語, emoji 👩‍👧 and a flag 🏴󠁧󠁢󠁷󠁬󠁳󠁿.\nPlan agreed.",
	} {
		m := New()
		m.SetSize(20, 5)
		m.SetText(s)
		if got := m.Text(); got != s {
			t.Errorf("SetText(%q).Text() = %q", s, got)
		}
		if m.Len() != utf8.RuneCountInString(s) {
			t.Errorf("SetText(%q).Len() = %d", s, m.Len())
		}
		lines := strings.Split(s, "\n")
		if m.line != len(lines)-1 || m.col != len(lines[len(lines)-1]) {
			t.Errorf("SetText(%q) left the cursor at %d:%d, not the end", s, m.line, m.col)
		}
	}
	m := New()
	m.SetText("a\r\nb\x1b[31mc\td")
	if got := m.Text(); got != "a\nbc    d" {
		t.Errorf("SetText did not clean: %q", got)
	}
}

func TestRevision(t *testing.T) {
	m := withCursor(t, "ab|c\nd", 20, 5)
	changes := []any{typed("x"), "enter", "backspace", "delete", "ctrl+w", pasted("p\nq"), "ctrl+k", "ctrl+u", "alt+backspace"}
	for _, op := range changes {
		before := m.Revision()
		text := m.Text()
		m = send(t, m, op)
		if m.Text() != text && m.Revision() != before+1 {
			t.Errorf("%v changed the text but the revision went %d → %d", op, before, m.Revision())
		}
		if m.Text() == text && m.Revision() != before {
			t.Errorf("%v left the text alone but the revision went %d → %d", op, before, m.Revision())
		}
	}
	noChange := []any{"left", "right", "up", "down", "home", "end", "ctrl+a", "ctrl+e", "alt+left", "alt+right",
		"pgup", "pgdown", "ctrl+home", "ctrl+end", pasted(""), pasted("\x1b[2J"), typed("\x00"), "tab", "esc", "ctrl+s"}
	for _, op := range noChange {
		before := m.Revision()
		m = send(t, m, op)
		if m.Revision() != before {
			t.Errorf("%v changed the revision without changing the text", op)
		}
	}
	m = send(t, m, "ctrl+home", "backspace", "ctrl+end", "delete")
	before := m.Revision()
	m = send(t, m, "ctrl+home", "backspace", "ctrl+end", "delete", "ctrl+k")
	if m.Revision() != before {
		t.Errorf("deleting at the edges of the note changed the revision")
	}
	r := m.Revision()
	m.SetText("new")
	if m.Revision() == r {
		t.Errorf("SetText did not change the revision")
	}
}

// snapshot is everything a key could change.
type snapshot struct {
	text              string
	line, col, goal   int
	top, topRow, rev  int
	len               int
	view              string
	focused           bool
	width, height     int
	paragraphs, runes int
}

func snap(m Model) snapshot {
	return snapshot{m.Text(), m.line, m.col, m.goal, m.top, m.topRow, int(m.rev), m.Len(), m.View(),
		m.focused, m.w, m.h, len(m.paras), m.runes}
}

func TestPassthroughKeysChangeNothing(t *testing.T) {
	m := withCursor(t, strings.Repeat("word ", 30)+"|\nmore", 20, 4)
	m = send(t, m, "up") // a goal column is set, and must survive
	for _, k := range passthrough {
		before := snap(m)
		next, cmd := m.Update(named[k])
		if cmd != nil {
			t.Errorf("%s returned a command", k)
		}
		if after := snap(next); after != before {
			t.Errorf("%s changed the editor:\n%+v\n%+v", k, before, after)
		}
	}
}

func TestBlurredIgnoresKeys(t *testing.T) {
	m := withCursor(t, "ab|", 20, 3)
	m.Blur()
	before := snap(m)
	m = send(t, m, typed("x"), "backspace", pasted("y"), "left")
	if snap(m) != before {
		t.Errorf("a blurred editor took keys")
	}
	if strings.Contains(m.View(), "\x1b[7m") {
		t.Errorf("a blurred editor draws its cursor")
	}
}

func TestPlaceholder(t *testing.T) {
	m := New()
	m.SetSize(40, 3)
	m.Focus()
	if v := ansi.Strip(m.View()); !strings.HasPrefix(v, Placeholder) {
		t.Errorf("empty focused editor shows %q", v)
	}
	m.Blur()
	if v := ansi.Strip(m.View()); strings.Contains(v, "Type") {
		t.Errorf("blurred editor shows the placeholder: %q", v)
	}
	m.Focus()
	m = send(t, m, typed("a"))
	if v := ansi.Strip(m.View()); strings.Contains(v, "Type") {
		t.Errorf("placeholder stays after typing: %q", v)
	}
	m.SetSize(10, 2)
	m = send(t, m, "backspace")
	checkView(t, m)
}

// checkView asserts the View's shape and that the cursor is drawn once, on
// screen, when focused.
func checkView(t testing.TB, m Model) {
	t.Helper()
	checkShape(t, m)
	if m.focused && m.w > 0 && m.h > 0 {
		if _, ok := cursorRow(m); !ok {
			t.Fatalf("cursor %d:%d is off screen (anchor %d:%d, h %d)", m.line, m.col, m.top, m.topRow, m.h)
		}
		if n := strings.Count(m.View(), "\x1b[7m"); n != 1 {
			t.Fatalf("View draws %d cursors, want 1", n)
		}
	}
}

// checkShape asserts the View is exactly h lines, each exactly w cells.
func checkShape(t testing.TB, m Model) {
	t.Helper()
	v := m.View()
	lines := strings.Split(v, "\n")
	if m.h == 0 {
		if v != "" {
			t.Fatalf("height 0 drew %q", v)
		}
		return
	}
	if len(lines) != m.h {
		t.Fatalf("View has %d lines, want %d", len(lines), m.h)
	}
	for i, l := range lines {
		if w := ansi.StringWidth(l); w != m.w {
			t.Fatalf("line %d is %d cells wide, want %d: %q", i, w, m.w, l)
		}
	}
}

// cursorRow is the screen row the cursor is drawn on.
func cursorRow(m Model) (int, bool) {
	cur, p := m.cursorPos(), pos{m.top, m.topRow}
	for i := range m.h {
		if p == cur {
			return i, true
		}
		var ok bool
		if p, ok = m.step(p, 1); !ok {
			break
		}
	}
	return 0, false
}

func TestCursorStyle(t *testing.T) {
	m := withCursor(t, "a|b", 10, 1)
	if v := m.View(); !strings.Contains(v, "a\x1b[7mb\x1b[m") {
		t.Errorf("cursor not drawn reversed: %q", v)
	}
	st := m.Styles()
	st.Cursor = st.Cursor.Padding(0, 1) // adds cells: drawn by lipgloss, still fits
	m.SetStyles(st)
	checkShape(t, m)
	if v := ansi.Strip(m.View()); !strings.HasPrefix(v, "a b ") {
		t.Errorf("padded cursor style: %q", v)
	}
}
