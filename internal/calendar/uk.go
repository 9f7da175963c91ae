package calendar

import (
	"fmt"
	"regexp"
	"strconv"
	"time"
)

var dayFirst = regexp.MustCompile(`^([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})$`)

// ParseUK reads a date as UK practitioners type it: YYYY-MM-DD or day first
// (4/12/2026, 04/12/2026). Impossible dates such as 31/02/2026 are errors,
// never rolled into the next month.
func ParseUK(s string) (Date, error) {
	if m := dayFirst.FindStringSubmatch(s); m != nil {
		day, _ := strconv.Atoi(m[1])
		month, _ := strconv.Atoi(m[2])
		year, _ := strconv.Atoi(m[3])
		d := D(year, time.Month(month), day)
		if d.Day != day || int(d.Month) != month {
			return Date{}, fmt.Errorf("%q is not a real date", s)
		}
		return d, nil
	}
	if d, err := Parse(s); err == nil {
		return d, nil
	}
	return Date{}, fmt.Errorf("cannot read %q as a date: write 2026-12-04 or 4/12/2026 (day first)", s)
}
