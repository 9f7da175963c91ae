package review

import (
	"fmt"
	"strings"

	"github.com/iro-app/iro/internal/calendar"
)

// ParsePastDay reads the day something happened (a consultation, a document
// arriving, a record sent): a date, "today" (also an empty answer) or
// "yesterday". A day after today is refused: it has not happened yet.
func ParsePastDay(s string, today calendar.Date) (calendar.Date, error) {
	var d calendar.Date
	switch s = strings.ToLower(strings.TrimSpace(s)); s {
	case "", "today":
		d = today
	case "yesterday":
		d = today.AddDays(-1)
	default:
		var err error
		if d, err = calendar.ParseUK(s); err != nil {
			return calendar.Date{}, fmt.Errorf("%w, today or yesterday", err)
		}
	}
	if d.After(today) {
		return calendar.Date{}, fmt.Errorf("%s is in the future: record it once it has happened", d.Time().Format("02 Jan 2006"))
	}
	return d, nil
}
