package child

import "github.com/iro-app/iro/internal/calendar"

// Name is how the child is shown: first name then family name.
func (c Child) Name() string {
	switch {
	case c.FirstName == "":
		return c.LastName
	case c.LastName == "":
		return c.FirstName
	}
	return c.FirstName + " " + c.LastName
}

// Age is the child's age in whole years on the given day.
func (c Child) Age(on calendar.Date) int {
	if c.DOB.IsZero() {
		return 0
	}
	return c.DOB.YearsOn(on)
}

// CurrentEpisode is the open episode (no end date), if the child is looked after now.
func (c Child) CurrentEpisode() (Episode, bool) {
	for i := len(c.Episodes) - 1; i >= 0; i-- {
		if c.Episodes[i].End.IsZero() {
			return c.Episodes[i], true
		}
	}
	return Episode{}, false
}

// OpenCPPlan is the child protection plan in force (not yet ended), if any.
func (c Child) OpenCPPlan() (CPPlan, bool) {
	for i := len(c.CPPlans) - 1; i >= 0; i-- {
		if c.CPPlans[i].End.IsZero() {
			return c.CPPlans[i], true
		}
	}
	return CPPlan{}, false
}

// PlacementsSince counts the distinct placements the child has been in at any
// point on or after the given day: the short-term stability measure counts
// three or more in a year.
func (c Child) PlacementsSince(from calendar.Date) int {
	n := 0
	for i, e := range c.Episodes {
		if !e.End.IsZero() && e.End.Before(from) {
			continue
		}
		if i > 0 && samePlacement(c.Episodes[i-1], e) && !c.Episodes[i-1].End.Before(from) {
			continue // a change of legal status alone is not a move
		}
		n++
	}
	return n
}

func samePlacement(prev, next Episode) bool {
	return prev.Placement == next.Placement && prev.Provider == next.Provider && prev.PostcodeDistrict == next.PostcodeDistrict
}
