package calendar_test

import (
	"bytes"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/iro-app/iro/internal/calendar"
)

func govUK(events ...string) string {
	return `{"england-and-wales":{"division":"england-and-wales","events":[` + strings.Join(events, ",") + `]},` +
		`"scotland":{"division":"scotland","events":[{"title":"St Andrew’s Day","date":"2026-11-30","notes":"","bunting":true}]}}`
}

func event(title, date, notes string) string {
	return `{"title":"` + title + `","date":"` + date + `","notes":"` + notes + `","bunting":true}`
}

func TestParseGovUK(t *testing.T) {
	in := govUK(
		event("Boxing Day", "2026-12-28", "Substitute day"),
		event("  New Year’s Day ", "2026-01-01", ""),
		event("Christmas Day", "2026-12-25", ""),
	)
	got, err := calendar.ParseGovUK(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []calendar.Holiday{
		{Date: calendar.MustParse("2026-01-01"), Title: "New Year’s Day"},
		{Date: calendar.MustParse("2026-12-25"), Title: "Christmas Day"},
		{Date: calendar.MustParse("2026-12-28"), Title: "Boxing Day (Substitute day)"},
	}
	if !slices.Equal(got, want) {
		t.Fatalf("ParseGovUK = %v\nwant %v", got, want)
	}
}

func TestParseGovUKShippedTable(t *testing.T) {
	b, err := os.ReadFile("bank-holidays.json")
	if err != nil {
		t.Fatal(err)
	}
	hs, err := calendar.ParseGovUK(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if first, last := hs[0].Date.String(), hs[len(hs)-1].Date.String(); first != "2015-01-01" || last != "2030-12-26" {
		t.Fatalf("the table runs %s to %s, want 2015-01-01 to 2030-12-26", first, last)
	}
	for _, h := range hs {
		if wd := h.Date.Weekday(); wd == time.Saturday || wd == time.Sunday {
			t.Errorf("%s %s falls at a weekend: a substitute day is missing", h.Date, h.Title)
		}
	}
}

func TestParseGovUKErrors(t *testing.T) {
	ok := event("Christmas Day", "2026-12-25", "")
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"empty", "", "file is empty"},
		{"blank", " \n\t", "file is empty"},
		{"not JSON", "Date,Title\n", "not valid JSON at byte 1: invalid character 'D' looking for beginning of value"},
		{"truncated", `{"england-and-wales":`, "not valid JSON at byte 21: unexpected end of JSON input"},
		{"trailing text", govUK(ok) + " x", "not valid JSON at byte " + strconv.Itoa(len(govUK(ok))+2) + ": invalid character 'x' after top-level value"},
		{"array at the top", "[]", "file is JSON array, want an object"},
		{"missing division", `{"scotland":{"division":"scotland","events":[]}}`, `no "england-and-wales" division: not a GOV.UK bank holidays file`},
		{"division not an object", `{"england-and-wales":"yes"}`, `division "england-and-wales" is JSON string, want an object`},
		{"events not an array", `{"england-and-wales":{"events":{}}}`, `division "england-and-wales": "events" is JSON object, want an array`},
		{"division mislabelled", `{"england-and-wales":{"division":"scotland","events":[` + ok + `]}}`, `division "england-and-wales" says it is "scotland"`},
		{"no events", govUK(), `division "england-and-wales" has no events`},
		{"null events", `{"england-and-wales":{"events":null}}`, `division "england-and-wales" has no events`},
		{"month 13", govUK(ok, event("New Year’s Day", "2026-13-01", "")), `event 2: date "2026-13-01" is not a date (want YYYY-MM-DD)`},
		{"30 February", govUK(event("Odd", "2026-02-30", "")), `event 1: date "2026-02-30" is not a date (want YYYY-MM-DD)`},
		{"British order", govUK(event("Christmas Day", "25/12/2026", "")), `event 1: date "25/12/2026" is not a date (want YYYY-MM-DD)`},
		{"no date", govUK(`{"title":"Christmas Day"}`), `event 1: date "" is not a date (want YYYY-MM-DD)`},
		{"date a number", govUK(`{"title":"Christmas Day","date":20261225}`), `event 1: "date" is JSON number, want a string`},
		{"bunting a string", govUK(`{"title":"Christmas Day","date":"2026-12-25","bunting":"yes"}`), `event 1: "bunting" is JSON string, want true or false`},
		{"event not an object", govUK("42"), "event 1 is JSON number, want an object"},
		{"empty title", govUK(ok, event("  ", "2026-12-28", "")), "event 2: title is empty"},
		{"control character", govUK(event(`Christmas\u001b[2J`, "2026-12-25", "")), "event 1: title contains a control character"},
		{"control character in notes", govUK(event("Christmas Day", "2026-12-25", `\u0007`)), "event 1: notes contains a control character"},
		{"long title", govUK(event(strings.Repeat("a", 201), "2026-12-25", "")), "event 1: title is longer than 200 characters"},
		{"duplicate", govUK(ok, event("Boxing Day", "2026-12-28", ""), event("Christmas Day again", "2026-12-25", "")), "event 3: date 2026-12-25 repeats event 1"},
		{"centuries", govUK(event("Early", "1990-01-01", ""), ok, event("Late", "2090-01-02", "")), "events run from 1990 to 2090: a bank holidays file covers at most 100 years"},
		{"too large", strings.Repeat(" ", 1<<20) + govUK(ok), "file is larger than 1 MiB: the GOV.UK bank holidays file is about 20 KiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hs, err := calendar.ParseGovUK(strings.NewReader(tt.in))
			if err == nil {
				t.Fatalf("ParseGovUK accepted it: %v", hs)
			}
			if err.Error() != tt.want {
				t.Fatalf("error %q\nwant  %q", err, tt.want)
			}
		})
	}
}

func FuzzParseGovUK(f *testing.F) {
	if b, err := os.ReadFile("bank-holidays.json"); err == nil {
		f.Add(b)
	}
	for _, s := range []string{"", "[]", "null", `{"england-and-wales":null}`, govUK(), govUK(event("x", "2026-12-25", "y"))} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		hs, err := calendar.ParseGovUK(bytes.NewReader(b))
		if err != nil {
			return
		}
		if len(hs) == 0 {
			t.Fatal("no error and no holidays")
		}
		for i, h := range hs {
			if h.Title == "" || h.Date.IsZero() {
				t.Fatalf("holiday %d is incomplete: %+v", i, h)
			}
			if i > 0 && !hs[i-1].Date.Before(h.Date) {
				t.Fatalf("holidays not in strictly increasing order at %d: %v", i, hs)
			}
		}
		calendar.New(hs).AddWorkingDays(hs[0].Date, 3)
	})
}
