package calendar_test

import (
	"testing"

	"github.com/iro-app/iro/internal/calendar"
)

// FuzzParseDate feeds hostile strings to both date readers: neither may
// panic, and any date either accepts must round-trip through String().
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{
		"", "2026-12-04", "4/12/2026", "04/12/2026", "31/02/2026", "2026-02-30",
		"0000-01-01", "29/02/2024", "29/02/2025", "9999-12-31", "1/1/0000",
		"2026-1-4", " 2026-12-04", "2026-12-04\n", "99/99/9999", "٤/١٢/٢٠٢٦",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		check := func(name string, d calendar.Date) {
			t.Helper()
			if d.IsZero() {
				t.Fatalf("%s(%q) accepted a zero date", name, s)
			}
			out := d.String()
			back, err := calendar.Parse(out)
			if err != nil {
				t.Fatalf("%s(%q) = %+v, whose String() %q does not parse: %v", name, s, d, out, err)
			}
			if back != d {
				t.Fatalf("%s(%q) = %+v, round-trips through %q to %+v", name, s, d, out, back)
			}
			if uk, err := calendar.ParseUK(out); err != nil || uk != d {
				t.Fatalf("%s(%q) = %+v: ParseUK(%q) = %+v, %v", name, s, d, out, uk, err)
			}
		}
		if d, err := calendar.Parse(s); err == nil {
			check("Parse", d)
			if out := d.String(); out != s {
				t.Fatalf("Parse(%q) accepted a non-canonical form; String() = %q", s, out)
			}
		}
		if d, err := calendar.ParseUK(s); err == nil {
			check("ParseUK", d)
		}
	})
}
