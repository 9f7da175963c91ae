package review_test

import (
	"testing"

	"github.com/iro-app/iro/internal/review"
)

func TestTransition(t *testing.T) {
	tests := []struct {
		from, to review.State
		want     string // "" for an allowed move
	}{
		{review.Planned, review.Preparing, ""},
		{review.Planned, review.InMeeting, ""},
		{review.Preparing, review.InMeeting, ""},
		{review.InMeeting, review.Held, ""},
		{review.Held, review.DecisionsCirculated, ""},
		{review.Held, review.RecordCirculated, ""},
		{review.DecisionsCirculated, review.RecordCirculated, ""},
		{review.RecordCirculated, review.Closed, ""},

		{review.InMeeting, review.Preparing, `cannot go back from "in meeting" to "preparing"`},
		{review.Held, review.InMeeting, `cannot go back from "held" to "in meeting"`},
		{review.Preparing, review.Planned, `cannot go back from "preparing" to "planned"`},
		{review.RecordCirculated, review.DecisionsCirculated, `cannot go back from "record circulated" to "decisions circulated"`},
		{review.Closed, review.Planned, "a review that is closed cannot change"},
		{review.Closed, review.Closed, "a review that is closed cannot change"},
		{review.Held, review.Held, `the review is already "held"`},
		{review.Planned, review.Held, "a review must be in its meeting before it is marked held"},
		{review.Preparing, review.Held, "a review must be in its meeting before it is marked held"},
		{review.Planned, review.DecisionsCirculated, "a review must be held before its decisions are circulated"},
		{review.InMeeting, review.DecisionsCirculated, "a review must be held before its decisions are circulated"},
		{review.InMeeting, review.RecordCirculated, "a review must be held before its record is circulated"},
		{review.Held, review.Closed, "a review's record must be circulated before it is closed"},
		{review.DecisionsCirculated, review.Closed, "a review's record must be circulated before it is closed"},
		{review.Planned, "cancelled", `unknown review state "cancelled"`},
		{"", review.Planned, `unknown review state ""`},
	}
	for _, tt := range tests {
		err := review.Transition(tt.from, tt.to)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tt.want {
			t.Errorf("Transition(%q, %q) = %q, want %q", tt.from, tt.to, got, tt.want)
		}
	}
}

func TestCanHold(t *testing.T) {
	tests := []struct {
		code string
		want string
	}{
		{"PN1", ""},
		{"PN0", ""},
		{"PN7", ""},
		{"", "a review cannot be marked held without a participation code"},
		{"PN8", `unknown participation code "PN8": want PN0 to PN7`},
		{"pn1", `unknown participation code "pn1": want PN0 to PN7`},
	}
	for _, tt := range tests {
		err := review.CanHold(tt.code)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tt.want {
			t.Errorf("CanHold(%q) = %q, want %q", tt.code, got, tt.want)
		}
	}
}

func TestCheckParticipation(t *testing.T) {
	const (
		tooOld   = "PN0 is only for a child under 4"
		mustPN0  = "a child under 4 on the review date must be coded PN0"
		unknown  = "unknown participation code"
		noErrors = ""
	)
	tests := []struct {
		name         string
		code         string
		dob, onDate  string // "" for the zero date
		wantContains string
	}{
		{"day before the 4th birthday, PN0", "PN0", "2022-06-15", "2026-06-14", noErrors},
		{"day before the 4th birthday, PN1", "PN1", "2022-06-15", "2026-06-14", mustPN0},
		{"on the 4th birthday, PN0", "PN0", "2022-06-15", "2026-06-15", tooOld},
		{"on the 4th birthday, PN1", "PN1", "2022-06-15", "2026-06-15", noErrors},
		{"day after the 4th birthday, PN0", "PN0", "2022-06-15", "2026-06-16", tooOld},
		{"day after the 4th birthday, PN6", "PN6", "2022-06-15", "2026-06-16", noErrors},
		{"29 Feb birthday, 28 Feb of the leap year", "PN0", "2020-02-29", "2024-02-28", noErrors},
		{"29 Feb birthday, on it", "PN0", "2020-02-29", "2024-02-29", tooOld},
		{"29 Feb birthday, 1 March", "PN2", "2020-02-29", "2024-03-01", noErrors},
		{"29 Feb birthday, 2100 is not a leap year: 28 Feb", "PN1", "2096-02-29", "2100-02-28", mustPN0},
		{"29 Feb birthday, 2100 is not a leap year: 1 March", "PN0", "2096-02-29", "2100-03-01", tooOld},
		{"teenager, PN7", "PN7", "2010-01-01", "2026-06-15", noErrors},
		{"unknown code", "PN9", "2010-01-01", "2026-06-15", unknown},
		{"no date of birth: any valid code", "PN0", "", "2026-06-15", noErrors},
		{"no date of birth: unknown code", "XX", "", "2026-06-15", unknown},
		{"no review date: any valid code", "PN3", "2025-01-01", "", noErrors},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := review.CheckParticipation(tt.code, optDate(tt.dob), optDate(tt.onDate))
			checkErr(t, err, tt.wantContains)
		})
	}
}
