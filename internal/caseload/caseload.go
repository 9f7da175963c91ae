// Package caseload turns the children on an IRO's caseload into the rows
// they work from: each child's next statutory event, how many working days
// are left, and whether it is overdue or due soon. Sorting and filtering live
// here too, so the TUI only shows and edits.
package caseload

import (
	"slices"
	"strings"

	"github.com/iro-app/iro/internal/calendar"
	"github.com/iro-app/iro/internal/child"
	"github.com/iro-app/iro/internal/timescale"
)

// DueSoonWorkingDays is the horizon inside which a deadline counts as due
// soon: the drift dashboard and the caseload use the same 10 working days.
const DueSoonWorkingDays = 10

// Status says how urgent a child's next statutory event is.
type Status int

// Ordered from most to least urgent.
const (
	Overdue Status = iota
	DueSoon
	OnTrack
	NoDeadline // not looked after and not on a plan: nothing statutory is due
)

// Word is the status in words, so it never rests on colour alone.
func (s Status) Word() string {
	switch s {
	case Overdue:
		return "OVERDUE"
	case DueSoon:
		return "due soon"
	case OnTrack:
		return "on track"
	}
	return "none due"
}

// Entry is one child's row on the caseload.
type Entry struct {
	Child     child.Child
	Age       int
	Kind      child.Kind // the review cycle in force, "" if none
	Episode   child.Episode
	InCare    bool // Episode is meaningful
	Deadlines []timescale.Deadline
	Next      timescale.Deadline // zero when NoDeadline
	// WorkingDaysLeft counts working days from today to Next.Due: negative
	// when overdue, 0 when due today.
	WorkingDaysLeft int
	Status          Status

	haystack string // lower-cased text the filter searches
}

// Build works out every child's deadlines once, so that sorting, filtering
// and drawing never recompute them.
func Build(children []child.Child, today calendar.Date, cal *calendar.Calendar, rules timescale.Rules) []Entry {
	entries := make([]Entry, len(children))
	for i, c := range children {
		e := Entry{Child: c, Age: c.Age(today), Status: NoDeadline}
		e.Episode, e.InCare = c.CurrentEpisode()
		e.Kind, _ = timescale.KindOf(c)
		e.Deadlines = timescale.ForChild(c, today, cal, rules)
		if len(e.Deadlines) > 0 {
			e.Next = e.Deadlines[0]
			e.WorkingDaysLeft, e.Status = Classify(today, e.Next.Due, cal)
		}
		e.haystack = strings.ToLower(strings.Join([]string{c.FirstName, c.LastName, c.LAID, c.UPN, c.ID}, "\x00"))
		entries[i] = e
	}
	SortByDue(entries)
	return entries
}

// Classify places a due date against today.
func Classify(today, due calendar.Date, cal *calendar.Calendar) (workingDaysLeft int, s Status) {
	left := cal.WorkingDaysBetween(today, due)
	switch {
	case due.Before(today):
		return left, Overdue
	case left <= DueSoonWorkingDays:
		return left, DueSoon
	}
	return left, OnTrack
}

// SortByDue puts the most urgent first: earliest next deadline, children with
// nothing due last, ties broken by name so the order is stable.
func SortByDue(entries []Entry) {
	slices.SortStableFunc(entries, func(a, b Entry) int {
		if aNone, bNone := a.Status == NoDeadline, b.Status == NoDeadline; aNone != bNone {
			if aNone {
				return 1
			}
			return -1
		}
		if c := a.Next.Due.Compare(b.Next.Due); c != 0 {
			return c
		}
		return compareNames(a, b)
	})
}

// SortByName orders by family name, then first name.
func SortByName(entries []Entry) {
	slices.SortStableFunc(entries, compareNames)
}

func compareNames(a, b Entry) int {
	if c := strings.Compare(strings.ToLower(a.Child.LastName), strings.ToLower(b.Child.LastName)); c != 0 {
		return c
	}
	if c := strings.Compare(strings.ToLower(a.Child.FirstName), strings.ToLower(b.Child.FirstName)); c != 0 {
		return c
	}
	return strings.Compare(a.Child.ID, b.Child.ID)
}

// Filter returns the positions of the entries matching every word of the
// query, case-insensitively, in names and identifiers (LA id, UPN, local id).
// An empty query matches everything.
func Filter(entries []Entry, query string) []int {
	words := strings.Fields(strings.ToLower(query))
	out := make([]int, 0, len(entries))
	for i := range entries {
		if matchesAll(entries[i].haystack, words) {
			out = append(out, i)
		}
	}
	return out
}

func matchesAll(haystack string, words []string) bool {
	for _, w := range words {
		if !strings.Contains(haystack, w) {
			return false
		}
	}
	return true
}
