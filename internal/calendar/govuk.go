package calendar

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

const (
	englandAndWales = "england-and-wales"

	// The real file is about 20 KiB; a mebibyte is generous and still stops a
	// wrong file (a log, a database) from being read into memory whole.
	maxGovUKBytes = 1 << 20
	// A file spanning more than this is not a list of bank holidays, and
	// importing it would replace the rules for centuries.
	maxGovUKYears = 100
	// Titles and notes end up in one-line lists on a terminal.
	maxGovUKText = 200
)

type govUKDivision struct {
	Division string `json:"division"`
	// Events are decoded one by one so that an error can name the event.
	Events []json.RawMessage `json:"events"`
}

type govUKEvent struct {
	Title   string `json:"title"`
	Date    string `json:"date"`
	Notes   string `json:"notes"`
	Bunting bool   `json:"bunting"`
}

// ParseGovUK reads a GOV.UK bank-holidays.json file and returns its England &
// Wales holidays in date order; other divisions are ignored. The file is
// checked, not trusted: an error names what is wrong and where, with events
// numbered from 1 in file order.
func ParseGovUK(r io.Reader) ([]Holiday, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxGovUKBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading the file: %w", err)
	}
	if len(b) > maxGovUKBytes {
		return nil, errors.New("file is larger than 1 MiB: the GOV.UK bank holidays file is about 20 KiB")
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, errors.New("file is empty")
	}
	var divisions map[string]json.RawMessage
	if err := json.Unmarshal(b, &divisions); err != nil {
		return nil, jsonError("file", err)
	}
	raw, ok := divisions[englandAndWales]
	if !ok {
		return nil, fmt.Errorf("no %q division: not a GOV.UK bank holidays file", englandAndWales)
	}
	var div govUKDivision
	if err := json.Unmarshal(raw, &div); err != nil {
		return nil, jsonError(fmt.Sprintf("division %q", englandAndWales), err)
	}
	if div.Division != "" && div.Division != englandAndWales {
		return nil, fmt.Errorf("division %q says it is %q", englandAndWales, div.Division)
	}
	if len(div.Events) == 0 {
		return nil, fmt.Errorf("division %q has no events", englandAndWales)
	}
	holidays := make([]Holiday, 0, len(div.Events))
	seen := make(map[Date]int, len(div.Events))
	for i, raw := range div.Events {
		n := i + 1
		var ev govUKEvent
		if err := json.Unmarshal(raw, &ev); err != nil {
			return nil, jsonError(fmt.Sprintf("event %d", n), err)
		}
		h, err := ev.holiday()
		if err != nil {
			return nil, fmt.Errorf("event %d: %w", n, err)
		}
		if first, dup := seen[h.Date]; dup {
			return nil, fmt.Errorf("event %d: date %s repeats event %d", n, h.Date, first)
		}
		seen[h.Date] = n
		holidays = append(holidays, h)
	}
	slices.SortFunc(holidays, func(a, b Holiday) int { return a.Date.Compare(b.Date) })
	if first, last := holidays[0].Date.Year, holidays[len(holidays)-1].Date.Year; last-first >= maxGovUKYears {
		return nil, fmt.Errorf("events run from %d to %d: a bank holidays file covers at most %d years", first, last, maxGovUKYears)
	}
	return holidays, nil
}

func (e govUKEvent) holiday() (Holiday, error) {
	d, err := Parse(e.Date)
	if err != nil {
		return Holiday{}, fmt.Errorf("date %q is not a date (want YYYY-MM-DD)", e.Date)
	}
	title, err := checkText("title", e.Title)
	if err != nil {
		return Holiday{}, err
	}
	if title == "" {
		return Holiday{}, errors.New("title is empty")
	}
	notes, err := checkText("notes", e.Notes)
	if err != nil {
		return Holiday{}, err
	}
	if notes != "" {
		title += " (" + notes + ")"
	}
	return Holiday{Date: d, Title: title}, nil
}

// checkText refuses text that could not be shown safely on one terminal line.
func checkText(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	switch {
	case !utf8.ValidString(s):
		return "", fmt.Errorf("%s is not valid UTF-8", field)
	case strings.ContainsFunc(s, unicode.IsControl):
		return "", fmt.Errorf("%s contains a control character", field)
	case utf8.RuneCountInString(s) > maxGovUKText:
		return "", fmt.Errorf("%s is longer than %d characters", field, maxGovUKText)
	}
	return s, nil
}

// jsonError turns encoding/json's messages, which name Go types, into ones
// that name the place in the file and the JSON that was expected there.
func jsonError(where string, err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return fmt.Errorf("not valid JSON at byte %d: %v", syntax.Offset, syntax)
	case errors.As(err, &typ) && typ.Field != "":
		return fmt.Errorf("%s: %q is JSON %s, want %s", where, typ.Field, typ.Value, jsonKind(typ.Type))
	case errors.As(err, &typ):
		return fmt.Errorf("%s is JSON %s, want %s", where, typ.Value, jsonKind(typ.Type))
	default:
		return fmt.Errorf("%s: %v", where, err)
	}
}

func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Slice:
		return "an array"
	case reflect.Bool:
		return "true or false"
	case reflect.String:
		return "a string"
	default:
		return "an object"
	}
}
