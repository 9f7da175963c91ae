package review_test

import (
	"strings"
	"testing"

	"github.com/iro-app/iro/internal/calendar"
)

var d = calendar.MustParse

// optDate reads a test table's date, "" standing for the zero date.
func optDate(s string) calendar.Date {
	if s == "" {
		return calendar.Date{}
	}
	return d(s)
}

// checkErr wants no error when want is "", else an error containing want.
func checkErr(t *testing.T, err error, want string) {
	t.Helper()
	switch {
	case want == "" && err != nil:
		t.Errorf("unexpected error: %v", err)
	case want != "" && err == nil:
		t.Errorf("no error, want one containing %q", want)
	case want != "" && !strings.Contains(err.Error(), want):
		t.Errorf("error %q, want one containing %q", err, want)
	}
}
