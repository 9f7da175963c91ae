package calendar

import "testing"

func TestParseUK(t *testing.T) {
	tests := []struct {
		in   string
		want string // "" means an error
	}{
		{"2026-12-04", "2026-12-04"},
		{"4/12/2026", "2026-12-04"},
		{"04/12/2026", "2026-12-04"},
		{"29/02/2028", "2028-02-29"},
		{"29/02/2026", ""},
		{"31/04/2026", ""},
		{"12/31/2026", ""}, // month first is not read as a US date
		{"4/12/26", ""},    // two-digit years are ambiguous
		{"2026-02-30", ""},
		{"", ""},
		{"tomorrow", ""},
	}
	for _, tt := range tests {
		got, err := ParseUK(tt.in)
		switch {
		case tt.want == "" && err == nil:
			t.Errorf("ParseUK(%q) = %s, want an error", tt.in, got)
		case tt.want != "" && (err != nil || got.String() != tt.want):
			t.Errorf("ParseUK(%q) = %s, %v; want %s", tt.in, got, err, tt.want)
		}
	}
}
