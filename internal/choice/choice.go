// Package choice is a short, ordered list of stored values with the words
// the IRO sees for them: review states, participation, challenge categories.
// Lists are slices so every picker and report shows them in the same,
// deliberate order.
package choice

import (
	"fmt"
	"strings"
)

// Option pairs a stored value with its label.
type Option[T ~string] struct {
	Value T
	Label string
}

// List is the options of one kind of value, in display order.
type List[T ~string] []Option[T]

// Values are the stored values in order.
func (l List[T]) Values() []T {
	out := make([]T, len(l))
	for i, o := range l {
		out[i] = o.Value
	}
	return out
}

// Label gives an unknown value back unchanged, so a record written by a
// newer version still shows what it holds rather than a blank.
func (l List[T]) Label(v T) string {
	for _, o := range l {
		if o.Value == v {
			return o.Label
		}
	}
	return string(v)
}

// Parse accepts the stored value or the label, ignoring case and surrounding
// spaces, because values come both from storage and from what the IRO types.
// what names the kind of value in the error.
func (l List[T]) Parse(what, s string) (T, error) {
	s = strings.TrimSpace(s)
	for _, o := range l {
		if strings.EqualFold(s, string(o.Value)) || strings.EqualFold(s, o.Label) {
			return o.Value, nil
		}
	}
	want := make([]string, len(l))
	for i, o := range l {
		want[i] = o.Label
	}
	return "", fmt.Errorf("unknown %s %q: want one of %s", what, s, strings.Join(want, ", "))
}
