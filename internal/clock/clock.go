// Package clock is the one source of "today" for iro, so that demos and
// tests can pin the date with IRO_TODAY and every deadline agrees.
package clock

import (
	"fmt"
	"os"
	"time"

	"github.com/iro-app/iro/internal/calendar"
)

// EnvToday names the variable that pins today's date (YYYY-MM-DD).
const EnvToday = "IRO_TODAY"

// Clock says what day and time it is.
type Clock interface {
	Today() calendar.Date
	Now() time.Time
}

// System is the machine's clock in the local time zone: an IRO's "today" is
// the day on their laptop, not in UTC.
type System struct{}

// Today is the local civil date.
func (System) Today() calendar.Date { return calendar.FromTime(time.Now()) }

// Now is the current instant.
func (System) Now() time.Time { return time.Now() }

// Fixed always answers the same day; the time of day still moves so that
// "saved at" stamps stay meaningful in demos.
type Fixed struct{ Day calendar.Date }

// Today is the pinned date.
func (f Fixed) Today() calendar.Date { return f.Day }

// Now is the current instant.
func (Fixed) Now() time.Time { return time.Now() }

// FromEnv returns a Fixed clock when IRO_TODAY is set and the system clock
// otherwise. A malformed IRO_TODAY is an error rather than silently ignored:
// a demo on the wrong day would show the wrong deadlines.
func FromEnv() (Clock, error) {
	v, ok := os.LookupEnv(EnvToday)
	if !ok || v == "" {
		return System{}, nil
	}
	d, err := calendar.Parse(v)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", EnvToday, err)
	}
	return Fixed{Day: d}, nil
}
