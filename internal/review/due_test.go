package review_test

import (
	"strings"
	"testing"

	"github.com/iro-app/iro/internal/calendar"
	"github.com/iro-app/iro/internal/review"
)

// Dates counted by hand on `cal -m` for November 2026 to February 2028, with
// Christmas 2026 on Fri 25 and (substitute Boxing Day) Mon 28 December and
// New Year's Day 2027 on a Friday.
func TestParseDue(t *testing.T) {
	const (
		fri20Nov   = "2026-11-20"
		thu24Dec   = "2026-12-24"
		nextReview = "2027-05-20"
	)
	tests := []struct {
		in, today, next string
		want            string // "" when an error is expected
		wantErr         string
	}{
		{"2026-12-04", fri20Nov, nextReview, "2026-12-04", ""},
		{"4/12/2026", fri20Nov, nextReview, "2026-12-04", ""},
		{"04/12/2026", fri20Nov, nextReview, "2026-12-04", ""},
		{"20/11/2026", fri20Nov, nextReview, "2026-11-20", ""},
		{"10wd", fri20Nov, nextReview, "2026-12-04", ""},
		{"10 wd", fri20Nov, nextReview, "2026-12-04", ""},
		{"  10WD ", fri20Nov, nextReview, "2026-12-04", ""},
		{"1wd", fri20Nov, nextReview, "2026-11-23", ""},
		{"1wd", thu24Dec, nextReview, "2026-12-29", ""},
		{"3wd", thu24Dec, nextReview, "2026-12-31", ""},
		{"5wd", thu24Dec, nextReview, "2027-01-05", ""},
		{"14d", fri20Nov, nextReview, "2026-12-04", ""},
		{"1d", thu24Dec, nextReview, "2026-12-25", ""},
		{"3w", fri20Nov, nextReview, "2026-12-11", ""},
		{"2 W", fri20Nov, nextReview, "2026-12-04", ""},
		{"2m", fri20Nov, nextReview, "2027-01-20", ""},
		{"2m", "2026-12-31", nextReview, "2027-02-28", ""},
		{"1m", "2028-01-31", "", "2028-02-29", ""},
		{"007d", fri20Nov, nextReview, "2026-11-27", ""},
		{"999d", fri20Nov, nextReview, "2029-08-15", ""},
		{"today", fri20Nov, nextReview, fri20Nov, ""},
		{"Today", fri20Nov, nextReview, fri20Nov, ""},
		{"tomorrow", fri20Nov, nextReview, "2026-11-21", ""},
		{"next review", fri20Nov, nextReview, nextReview, ""},
		{" Next   Review ", fri20Nov, nextReview, nextReview, ""},

		{"next review", fri20Nov, "", "", "no next review is planned yet"},
		{"next review", fri20Nov, "2026-11-19", "", "that date has passed (Thu 19 Nov 2026)"},
		{"2026-11-19", fri20Nov, nextReview, "", "that date has passed (Thu 19 Nov 2026)"},
		{"19/11/2026", fri20Nov, nextReview, "", "that date has passed"},
		{"12/4/2026", fri20Nov, nextReview, "", "that date has passed (Sun 12 Apr 2026)"},
		{"31/02/2027", fri20Nov, nextReview, "", `"31/02/2027" is not a real date`},
		{"0/12/2026", fri20Nov, nextReview, "", "is not a real date"},
		{"4/13/2026", fri20Nov, nextReview, "", "is not a real date"},
		{"2027-02-29", fri20Nov, nextReview, "", "cannot read"},
		{"0d", fri20Nov, nextReview, "", "the number must be from 1 to 999"},
		{"1000wd", fri20Nov, nextReview, "", "the number must be from 1 to 999"},
		{"99999999999999999999d", fri20Nov, nextReview, "", "the number must be from 1 to 999"},
		{"-3d", fri20Nov, nextReview, "", "cannot read"},
		{"10", fri20Nov, nextReview, "", "cannot read"},
		{"10 days", fri20Nov, nextReview, "", "cannot read"},
		{"10 w d", fri20Nov, nextReview, "", "cannot read"},
		{"4/12/26", fri20Nov, nextReview, "", "cannot read"},
		{"next week", fri20Nov, nextReview, "", "10wd (working days)"},
		{"", fri20Nov, nextReview, "", "no due date given"},
		{"   ", fri20Nov, nextReview, "", "no due date given"},
	}
	for _, tt := range tests {
		got, err := review.ParseDue(tt.in, d(tt.today), calendar.Default(), optDate(tt.next))
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseDue(%q, today %s) = %s, %v; want an error containing %q", tt.in, tt.today, got, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != d(tt.want) {
			t.Errorf("ParseDue(%q, today %s) = %s, %v; want %s", tt.in, tt.today, got, err, tt.want)
		}
	}
}

func FuzzParseDue(f *testing.F) {
	for _, s := range []string{
		"2026-12-04", "4/12/2026", "10wd", "10 wd", "14d", "3w", "2m", "999m", "next review",
		"today", "tomorrow", "31/02/2027", "0d", "", "00/00/0000", "9999-12-31", "31/12/9999",
	} {
		f.Add(s)
	}
	today := d("2026-11-20")
	next := d("2027-05-20")
	cal := calendar.Default()
	f.Fuzz(func(t *testing.T, s string) {
		got, err := review.ParseDue(s, today, cal, next)
		if err == nil && got.Before(today) {
			t.Errorf("ParseDue(%q) = %s, before today %s", s, got, today)
		}
		if err == nil && got.IsZero() {
			t.Errorf("ParseDue(%q) accepted the zero date", s)
		}
	})
}

func TestDescribeDue(t *testing.T) {
	tests := []struct {
		due, today string
		want       string
	}{
		{"2026-12-04", "2026-11-20", "Fri 04 Dec 2026 (10 working days)"},
		{"2026-11-20", "2026-11-20", "Fri 20 Nov 2026 (today)"},
		{"2026-11-21", "2026-11-20", "Sat 21 Nov 2026 (tomorrow)"},
		{"2026-11-22", "2026-11-20", "Sun 22 Nov 2026 (0 working days)"},
		{"2026-11-23", "2026-11-20", "Mon 23 Nov 2026 (1 working day)"},
		{"2026-12-29", "2026-12-24", "Tue 29 Dec 2026 (1 working day)"},
		{"2027-01-05", "2026-12-24", "Tue 05 Jan 2027 (5 working days)"},
		{"2026-11-19", "2026-11-20", "Thu 19 Nov 2026 (yesterday)"},
		{"2026-11-13", "2026-11-20", "Fri 13 Nov 2026 (7 days ago)"},
		{"", "2026-11-20", ""},
	}
	for _, tt := range tests {
		if got := review.DescribeDue(optDate(tt.due), d(tt.today), calendar.Default()); got != tt.want {
			t.Errorf("DescribeDue(%q, %s) = %q, want %q", tt.due, tt.today, got, tt.want)
		}
	}
}
