package components

import (
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/iro-app/iro/tui/keys"
)

func TestMoveCursor(t *testing.T) {
	k := keys.DefaultList()
	tests := []struct {
		key          tea.KeyPressMsg
		cursor, want int
		ok           bool
	}{
		{tea.KeyPressMsg{Code: tea.KeyDown}, 3, 4, true},
		{tea.KeyPressMsg{Code: tea.KeyUp}, 0, 0, true},
		{tea.KeyPressMsg{Code: tea.KeyPgDown}, 3, 8, true},
		{tea.KeyPressMsg{Code: tea.KeyPgDown}, 7, 9, true}, // clamped to the last of 10
		{tea.KeyPressMsg{Code: tea.KeyPgUp}, 8, 3, true},
		{tea.KeyPressMsg{Code: 'G', Text: "G"}, 2, 9, true},
		{tea.KeyPressMsg{Code: 'g', Text: "g"}, 7, 0, true},
		{tea.KeyPressMsg{Code: 'x', Text: "x"}, 5, 5, false},
	}
	for _, tt := range tests {
		got, ok := MoveCursor(k, tt.key, tt.cursor, 10, 5)
		if got != tt.want || ok != tt.ok {
			t.Errorf("%s from %d = %d, %v; want %d, %v", tt.key, tt.cursor, got, ok, tt.want, tt.ok)
		}
	}
	if got, _ := MoveCursor(k, tea.KeyPressMsg{Code: tea.KeyDown}, 0, 0, 5); got != 0 {
		t.Errorf("moving in an empty list = %d, want 0", got)
	}
}

func TestScrollOffset(t *testing.T) {
	tests := []struct{ cursor, offset, rows, n, want int }{
		{0, 0, 5, 20, 0},
		{4, 0, 5, 20, 0},   // still in view
		{5, 0, 5, 20, 1},   // one past the bottom: scroll by one
		{2, 10, 5, 20, 2},  // above the window: it starts at the cursor
		{19, 0, 5, 20, 15}, // the last row at the bottom
		{3, 10, 5, 8, 3},   // a shrunk list leaves no blank rows
		{0, 3, 5, 2, 0},    // a list shorter than the window starts at 0
	}
	for _, tt := range tests {
		if got := ScrollOffset(tt.cursor, tt.offset, tt.rows, tt.n); got != tt.want {
			t.Errorf("ScrollOffset(%d, %d, %d, %d) = %d, want %d", tt.cursor, tt.offset, tt.rows, tt.n, got, tt.want)
		}
	}
}
