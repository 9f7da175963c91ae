package review

import (
	"strings"
	"testing"

	"github.com/iro-app/iro/internal/calendar"
)

func TestParsePastDay(t *testing.T) {
	today := calendar.MustParse("2026-11-22")
	for _, tc := range []struct {
		in   string
		want string
		err  string
	}{
		{"", "2026-11-22", ""},
		{"today", "2026-11-22", ""},
		{" Yesterday ", "2026-11-21", ""},
		{"2026-11-01", "2026-11-01", ""},
		{"1/11/2026", "2026-11-01", ""},
		{"01/11/2026", "2026-11-01", ""},
		{"29/02/2024", "2024-02-29", ""},
		{"29/02/2026", "", "not a real date"},
		{"2026-02-30", "", "cannot read"},
		{"11/01/26", "", "cannot read"},
		{"+1/11/2026", "", "cannot read"},
		{"tomorrow", "", "cannot read"},
		{"2026-11-23", "", "in the future"},
		{"23/11/2026", "", "in the future"},
	} {
		got, err := ParsePastDay(tc.in, today)
		switch {
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("ParsePastDay(%q) error %v, want %q", tc.in, err, tc.err)
		case tc.err == "" && (err != nil || got.String() != tc.want):
			t.Errorf("ParsePastDay(%q) = %s, %v; want %s", tc.in, got, err, tc.want)
		}
	}
}

func FuzzParsePastDay(f *testing.F) {
	for _, s := range []string{"", "today", "yesterday", "2026-11-01", "1/11/2026", "31/12/2025", "00/00/0000", "9/9/9999"} {
		f.Add(s)
	}
	today := calendar.MustParse("2026-11-22")
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParsePastDay(s, today)
		if err != nil {
			return
		}
		if d.IsZero() || d.After(today) {
			t.Fatalf("ParsePastDay(%q) = %v, accepted", s, d)
		}
		if again, err := calendar.Parse(d.String()); err != nil || again != d {
			t.Fatalf("ParsePastDay(%q) = %v, which does not round-trip", s, d)
		}
	})
}
