package demo

import (
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/iro-app/iro/internal/calendar"
	"github.com/iro-app/iro/internal/child"
	"github.com/iro-app/iro/internal/timescale"
)

// person is a child with a name, sex, ethnicity, date of birth and LA id.
func (g *generator) person(dob calendar.Date) child.Child {
	h := heritages[weighted(g.rng, heritageWeights...)]
	c := child.Child{
		LAID:      g.laid(),
		Sex:       strconv.Itoa(1 + g.rng.IntN(2)),
		Ethnicity: pick(g.rng, h.ethnicity),
		DOB:       dob,
		HomeLA:    homeLA,
	}
	firstNames := h.girls
	if c.Sex == "1" {
		firstNames = h.boys
	}
	// Two children with one name make a poor demo of search; a few tries
	// avoid it, though thousands of children must share some names.
	for range 5 {
		c.FirstName, c.LastName = pick(g.rng, firstNames), pick(g.rng, h.surnames)
		if !g.names[c.Name()] {
			break
		}
	}
	g.names[c.Name()] = true
	return c
}

var heritageWeights = func() []int {
	w := make([]int, len(heritages))
	for i, h := range heritages {
		w[i] = h.weight
	}
	return w
}()

func (g *generator) laid() string {
	for {
		n := 100000 + g.rng.IntN(900000)
		if !g.laids[n] {
			g.laids[n] = true
			return "LA" + strconv.Itoa(n)
		}
	}
}

// ageBand is a range of whole years, weighted roughly like the looked-after
// population of England.
type ageBand struct{ weight, lo, hi int }

var (
	lacAges = []ageBand{{5, 0, 0}, {15, 1, 4}, {20, 5, 9}, {38, 10, 15}, {22, 16, 17}}
	cpAges  = []ageBand{{12, 0, 0}, {28, 1, 4}, {28, 5, 9}, {32, 10, 15}}
)

func (g *generator) bandDOB(bands []ageBand) calendar.Date {
	w := make([]int, len(bands))
	for i, b := range bands {
		w[i] = b.weight
	}
	b := bands[weighted(g.rng, w...)]
	return g.dob(b.lo, b.hi)
}

// dob is a birthday giving an age from lo to hi today; babies are at least
// five months old so that they can have had a review.
func (g *generator) dob(lo, hi int) calendar.Date {
	age := lo + g.rng.IntN(hi-lo+1)
	if age == 0 {
		return g.today.AddDays(-150 - g.rng.IntN(180))
	}
	return g.today.AddMonths(-12 * age).AddDays(-g.rng.IntN(360))
}

func (g *generator) lookedAfter(p lacPlan) child.Child {
	var dob calendar.Date
	switch {
	case p.leaver:
		dob = g.today.AddMonths(-12 * 18).AddDays(3 + g.rng.IntN(26))
	case p.profile == motherAndBaby:
		dob = g.today.AddDays(-130 - g.rng.IntN(170))
	case p.profile == remand:
		dob = g.dob(15, 17)
	case p.profile == adoption:
		dob = g.dob(1, 4)
	case p.profile == withParents:
		dob = g.dob(5, 14)
	case p.pepLate:
		dob = g.dob(6, 15)
	default:
		dob = g.bandDOB(lacAges)
	}
	c := g.person(dob)

	var start calendar.Date
	var held []calendar.Date
	if p.timing == newlyLookedAfter {
		start = g.today.AddDays(-2 - g.rng.IntN(5))
	} else {
		start, held = g.placeCycle(child.LAC, g.reviewsHeld(p, dob), g.aimFor(p.timing))
	}
	if c.DOB.After(start) {
		// A baby can come into care at birth; older children are only
		// made older than their band, never younger than their history.
		c.DOB = start.AddDays(-g.rng.IntN(30))
	}
	age := c.DOB.YearsOn(g.today)
	c.UPN = g.upn(c.DOB)
	c.Episodes = g.lacEpisodes(&c, p, start)
	c.Reviews = g.reviews(child.LAC, start, held, c.DOB, lacLocations)

	if p.timing != newlyLookedAfter {
		late := 0
		if p.drift {
			late = 5 + g.rng.IntN(10)
		}
		c.IROAllocated = g.cal.AddWorkingDays(start, 2+g.rng.IntN(4))
		c.CarePlanAgreed = g.cal.AddWorkingDays(start, 5+g.rng.IntN(6)+late)
		c.LastHealthAssessment = g.healthAssessment(c.DOB, start, p.healthLate)
		if age >= 5 {
			c.LastPEPReview = g.pepReview(start, p.pepLate)
		}
	}
	c.PlanStatus = g.lacPlanStatus(p, c)
	return c
}

// healthAssessment is the last health assessment: recent, or late by the
// rule timescale applies (6-monthly under 5, yearly from 5).
func (g *generator) healthAssessment(dob, start calendar.Date, late bool) calendar.Date {
	d := g.today.AddDays(-10 - g.rng.IntN(140))
	if late {
		d = g.today.AddDays(-190 - g.rng.IntN(60))
		for !timescale.HealthAssessmentDue(g.cal, dob, start, d).Before(g.today) {
			d = d.AddDays(-30)
		}
	}
	if floor := start.AddDays(10); d.Before(floor) {
		d = earlier(floor, g.today.AddDays(-1))
	}
	return d
}

// pepReview is the last PEP review: this term, or before last term.
func (g *generator) pepReview(start calendar.Date, late bool) calendar.Date {
	d := g.today.AddDays(-7 - g.rng.IntN(35))
	if late {
		d = g.today.AddDays(-120)
		for !timescale.PEPReviewDue(d, start).Before(g.today) {
			d = d.AddDays(-30)
		}
	}
	if floor := start.AddDays(10); d.Before(floor) {
		d = earlier(floor, g.today.AddDays(-1))
	}
	return d
}

func earlier(a, b calendar.Date) calendar.Date {
	if a.Before(b) {
		return a
	}
	return b
}

// upn invents a unique pupil number for a child of school age, with a
// correct check letter. The LA part is 999, which no authority has, so an
// invented UPN can never be a real pupil's.
func (g *generator) upn(dob calendar.Date) string {
	if dob.YearsOn(g.today) < 4 {
		return ""
	}
	digits := fmt.Sprintf("999%04d%02d%03d", 2000+g.rng.IntN(6000), (dob.Year+4)%100, g.rng.IntN(1000))
	return string(upnCheckLetter(digits)) + digits
}

// upnCheckLetter is the DfE check: digit i (from 2) weighted by i, summed,
// modulo 23, in an alphabet without I, O and S.
func upnCheckLetter(digits string) byte {
	sum := 0
	for i := range len(digits) {
		sum += int(digits[i]-'0') * (i + 2)
	}
	return "ABCDEFGHJKLMNPQRTUVWXYZ"[sum%23]
}

// placement is where a child lives and who looks after them.
type placement struct {
	code, provider, district string
	miles                    float64
	outOfArea                bool
}

type dated[T any] struct {
	from  calendar.Date
	value T
}

// placementCode chooses a usual placement type for the child's age.
func (g *generator) placementCode(age int) string {
	switch {
	case age == 0:
		return []string{"U6", "U3", "U4", "U5", "U1"}[weighted(g.rng, 40, 20, 10, 15, 10)]
	case age <= 4:
		return []string{"U6", "U4", "U3", "U1", "U5", "U2"}[weighted(g.rng, 35, 20, 15, 15, 10, 5)]
	case age <= 9:
		return []string{"U4", "U6", "U1", "U3", "K2"}[weighted(g.rng, 35, 25, 15, 15, 5)]
	case age <= 15:
		return []string{"U4", "U6", "K2", "U1", "U3", "S1"}[weighted(g.rng, 38, 22, 15, 10, 10, 3)]
	}
	return []string{"H5", "K3", "U4", "U6", "K2", "U1"}[weighted(g.rng, 22, 15, 25, 10, 15, 8)]
}

func (g *generator) placement(code string, c *child.Child, outOfArea bool) placement {
	p := placement{code: code, provider: g.provider(code, c)}
	if outOfArea {
		d := pick(g.rng, outOfAreaDistricts)
		p.district, p.outOfArea = d.district, true
		p.miles = math.Max(25, math.Min(250, d.miles*(0.9+0.2*g.rng.Float64())))
	} else {
		p.district = pick(g.rng, inAreaDistricts)
		p.miles = 1 + 17*g.rng.Float64()
	}
	p.miles = math.Round(p.miles*10) / 10
	return p
}

func (g *generator) provider(code string, c *child.Child) string {
	carer := pick(g.rng, carerSurnames)
	switch code {
	case "U1", "U2", "U3":
		k := pick(g.rng, kinship)
		name := c.LastName
		if !k.family {
			name = carer
		}
		suffix := "kinship carer"
		if k.couple {
			suffix += "s"
		}
		if code == "U2" {
			suffix += ", approved adopters"
		}
		return fmt.Sprintf("%s, %s %s (%s)", k.relation, k.title, name, suffix)
	case "U4", "U5", "U6":
		suffix := "foster carers"
		if code == "U5" {
			suffix += ", approved adopters"
		}
		switch weighted(g.rng, 60, 30, 10) {
		case 0:
			return fmt.Sprintf("Mr & Mrs %s (%s)", carer, suffix)
		case 1:
			return fmt.Sprintf("Ms %s (%s)", carer, suffix[:len(suffix)-len("s")])
		}
		return fmt.Sprintf("Mr %s and Mr %s (%s)", carer, pick(g.rng, carerSurnames), suffix)
	case "A5", "A6":
		return fmt.Sprintf("Mr & Mrs %s (prospective adopters)", carer)
	case "K1":
		return "Kestrel House (secure children's home)"
	case "K2":
		return pick(g.rng, childrensHomes) + " (children's home)"
	case "K3":
		return pick(g.rng, supportedAccommodation) + " (supported accommodation)"
	case "H5":
		return pick(g.rng, semiIndependent) + " (semi-independent)"
	case "P1":
		if g.rng.IntN(4) == 0 {
			return "Father, Mr " + c.LastName + " (placement with parent)"
		}
		return "Mother, Ms " + c.LastName + " (placement with parent)"
	case "R1":
		return pick(g.rng, shortBreakHomes) + " (short breaks)"
	case "R3":
		return "Riverside Family Centre (with mother)"
	case "S1":
		return "Hilltop School (residential school)"
	}
	return "Other placement"
}

// between is a day strictly inside (from, to), at fraction lo to hi of the
// way; zero when the gap is too short.
func (g *generator) between(from, to calendar.Date, lo, hi float64) calendar.Date {
	days := from.DaysUntil(to)
	if days < 3 {
		return calendar.Date{}
	}
	f := lo + (hi-lo)*g.rng.Float64()
	n := int(f * float64(days))
	return from.AddDays(max(1, min(days-1, n)))
}

// lacEpisodes builds the period of care from start to today: legal status
// and placement each change on their own days, and every change starts a
// new episode, as in the SSDA903 return.
func (g *generator) lacEpisodes(c *child.Child, p lacPlan, start calendar.Date) []child.Episode {
	age := c.DOB.YearsOn(g.today)
	lastWeek := g.today.AddDays(-14)
	var legal []dated[string]
	var places []dated[placement]
	add := func(from calendar.Date, code string, ooa bool) {
		places = append(places, dated[placement]{from, g.placement(code, c, ooa)})
	}
	switch {
	case p.timing == newlyLookedAfter:
		ls := []string{"L2", "V2", "C1"}[weighted(g.rng, 6, 2, 2)]
		legal = append(legal, dated[string]{start, ls})
		code := "U6"
		if age >= 12 && g.rng.IntN(2) == 0 {
			code = "K2"
		}
		add(start, code, false)
	case p.profile == remand:
		legal = append(legal, dated[string]{start, "J1"})
		add(start, []string{"K2", "U6"}[weighted(g.rng, 3, 2)], false)
	case p.profile == motherAndBaby:
		legal = append(legal, dated[string]{start, "C1"})
		add(start, "R3", false)
	case p.profile == adoption:
		order := g.between(start, lastWeek, 0.35, 0.6)
		legal = append(legal, dated[string]{start, "C1"}, dated[string]{order, "E1"})
		add(start, []string{"U6", "U5"}[weighted(g.rng, 3, 1)], false)
		if placed := g.between(order, lastWeek, 0.3, 0.9); !placed.IsZero() {
			add(placed, "A6", false)
		}
	case p.profile == withParents:
		order := g.between(start, lastWeek, 0.3, 0.6)
		legal = append(legal, dated[string]{start, "C1"}, dated[string]{order, "C2"})
		add(start, []string{"U3", "U6"}[weighted(g.rng, 1, 1)], false)
		if home := g.between(order, lastWeek, 0.2, 0.8); !home.IsZero() {
			add(home, "P1", false)
		}
	default:
		legal = g.usualLegal(age, start)
		// Long-term matches come after the final order and some months of care.
		matched := legal[len(legal)-1].value != "C1" && start.DaysUntil(g.today) >= 300
		places = g.usualPlacements(c, p, age, start, matched)
	}
	return episodes(legal, g.moved(c, places))
}

// moved makes every move a move: a placement drawn at random can repeat
// the one before (the same children's home, carers with the same name).
func (g *generator) moved(c *child.Child, places []dated[placement]) []dated[placement] {
	for i := 1; i < len(places); i++ {
		prev, p := places[i-1].value, &places[i].value
		for try := 0; try < 10 && p.code == prev.code && p.provider == prev.provider; try++ {
			*p = g.placement(p.code, c, p.outOfArea)
		}
	}
	return places
}

// usualLegal is a care order after an interim one or s20 (proceedings take
// about 26 weeks), s20 throughout, or for a short stay so far an interim
// order or s20. 16–17s are more often accommodated under s20.
func (g *generator) usualLegal(age int, start calendar.Date) []dated[string] {
	s20 := 12
	if age >= 16 {
		s20 = 35
	}
	days := start.DaysUntil(g.today)
	if days < 150 {
		return []dated[string]{{start, []string{"C1", "V2"}[weighted(g.rng, 100-s20, s20)]}}
	}
	if weighted(g.rng, 100-s20, s20) == 1 {
		return []dated[string]{{start, "V2"}}
	}
	order := start.AddDays(120 + g.rng.IntN(min(140, days-134)))
	first := []string{"C1", "V2"}[weighted(g.rng, 7, 3)]
	return []dated[string]{{start, first}, {order, "C2"}}
}

// usualPlacements ends in a placement usual for the child's age; only a
// matched child is in a long-term one.
func (g *generator) usualPlacements(c *child.Child, p lacPlan, age int, start calendar.Date, matched bool) []dated[placement] {
	final := g.placementCode(age)
	interim := []string{"U6", "U6", "U3"} // where a child goes after a breakdown
	if age >= 10 {
		interim = append(interim, "K2")
	}
	switch {
	case p.unstable:
		final = pick(g.rng, interim)
	case !matched && final == "U4":
		final = "U6"
	case !matched && final == "U1":
		final = "U3"
	}
	lastWeek := g.today.AddDays(-14)
	if p.unstable {
		// Two or three moves in the last few months: with the placement
		// before them that is three or more placements in a year.
		b1 := g.today.AddDays(-14 - g.rng.IntN(46))
		b2 := b1.AddDays(-30 - g.rng.IntN(30))
		if !b2.After(start.AddDays(7)) {
			b2 = g.between(start, b1, 0.4, 0.7)
		}
		b3 := b2.AddDays(-30 - g.rng.IntN(50))
		var out []dated[placement]
		out = append(out, dated[placement]{start, g.placement(pick(g.rng, interim), c, false)})
		if b3.After(start.AddDays(14)) {
			out = append(out, dated[placement]{b3, g.placement(pick(g.rng, interim), c, false)})
		}
		if b2.After(start.AddDays(7)) {
			out = append(out, dated[placement]{b2, g.placement(pick(g.rng, interim), c, false)})
		}
		return append(out, dated[placement]{b1, g.placement(final, c, p.outOfArea)})
	}
	last := g.placement(final, c, p.outOfArea)
	switch final {
	case "U4", "U1":
		// Often the same carers become the long-term placement: only the
		// placement type changes (RNE T).
		move := g.between(start, lastWeek, 0.3, 0.8)
		if move.IsZero() {
			break
		}
		if g.rng.IntN(2) == 0 {
			first := last
			first.code = "U6"
			if final == "U1" {
				first.code = "U3"
			}
			return []dated[placement]{{start, first}, {move, last}}
		}
		return []dated[placement]{{start, g.placement("U6", c, false)}, {move, last}}
	case "H5", "K3":
		sixteen := c.DOB.AddMonths(16 * 12)
		if sixteen.After(start.AddDays(7)) && sixteen.Before(lastWeek) {
			return []dated[placement]{{start, g.placement(pick(g.rng, []string{"U6", "K2"}), c, false)}, {sixteen, last}}
		}
	}
	return []dated[placement]{{start, last}}
}

// episodes turns the two timelines into contiguous SSDA903 episodes: one
// ends (REC X1) on the day the next begins.
func episodes(legal []dated[string], places []dated[placement]) []child.Episode {
	days := make([]calendar.Date, 0, len(legal)+len(places))
	for _, l := range legal {
		days = append(days, l.from)
	}
	for _, p := range places {
		days = append(days, p.from)
	}
	slices.SortFunc(days, calendar.Date.Compare)
	days = slices.Compact(days)

	out := make([]child.Episode, 0, len(days))
	li, pi := 0, 0
	for i, d := range days {
		for li+1 < len(legal) && !legal[li+1].from.After(d) {
			li++
		}
		for pi+1 < len(places) && !places[pi+1].from.After(d) {
			pi++
		}
		p := places[pi].value
		e := child.Episode{
			Start: d, LegalStatus: legal[li].value, Placement: p.code, ReasonNew: "S",
			Provider: p.provider, PostcodeDistrict: p.district, DistanceMiles: p.miles, OutOfArea: p.outOfArea,
		}
		if i > 0 {
			prev := &out[i-1]
			prev.End, prev.ReasonEnd = d, "X1"
			e.ReasonNew = reasonNew(*prev, e)
		}
		out = append(out, e)
	}
	return out
}

// reasonNew is the SSDA903 RNE code for what changed between two episodes.
func reasonNew(prev, next child.Episode) string {
	legal := prev.LegalStatus != next.LegalStatus
	carer := prev.Provider != next.Provider
	place := carer || prev.Placement != next.Placement
	switch {
	case legal && carer:
		return "B"
	case legal && place:
		return "U"
	case legal:
		return "L"
	case carer:
		return "P"
	}
	return "T"
}

// situation chooses the IRO's plan status line.
type situation int

const (
	sitNewEPO situation = iota
	sitNewS20
	sitNewICO
	sitStayingPut
	sitLeaver
	sitUnstable
	sitDrift
	sitHealthLate
	sitPEPLate
	sitWithParents
	sitAdoption
	sitMotherAndBaby
	sitRemand
	sitOutOfArea
	sitInterim
	sitSection20
	sitLongTermFoster
	sitKinship
	sitChildrensHome
	sitIndependence
	sitSettled
	sitCP
	sitCPAwaiting
	sitShortBreaks
)

func (g *generator) lacPlanStatus(p lacPlan, c child.Child) string {
	e := c.Episodes[len(c.Episodes)-1]
	foster := e.Placement[0] == 'U'
	s := sitSettled
	switch {
	case p.timing == newlyLookedAfter && e.LegalStatus == "L2":
		s = sitNewEPO
	case p.timing == newlyLookedAfter && e.LegalStatus == "V2":
		s = sitNewS20
	case p.timing == newlyLookedAfter:
		s = sitNewICO
	case p.leaver && foster:
		s = sitStayingPut
	case p.leaver:
		s = sitLeaver
	case p.unstable:
		s = sitUnstable
	case p.drift:
		s = sitDrift
	case p.healthLate:
		s = sitHealthLate
	case p.pepLate:
		s = sitPEPLate
	case p.profile == withParents:
		s = sitWithParents
	case p.profile == adoption:
		s = sitAdoption
	case p.profile == motherAndBaby:
		s = sitMotherAndBaby
	case p.profile == remand:
		s = sitRemand
	case p.outOfArea:
		s = sitOutOfArea
	case e.LegalStatus == "C1":
		s = sitInterim
	case e.LegalStatus == "V2":
		s = sitSection20
	case e.Placement == "U4":
		s = sitLongTermFoster
	case e.Placement == "U1" || e.Placement == "U3":
		s = sitKinship
	case e.Placement == "K2":
		s = sitChildrensHome
	case e.Placement == "H5" || e.Placement == "K3":
		s = sitIndependence
	}
	return pick(g.rng, planLines[s])
}

// protected is a child on a child protection plan, with no care episode.
func (g *generator) protected(awaitingConference bool) child.Child {
	c := g.person(g.bandDOB(cpAges))
	cp := child.CPPlan{Category: []string{"NEG", "EMO", "PHY", "SAB", "MUL"}[weighted(g.rng, 48, 36, 8, 4, 4)]}
	var held []calendar.Date
	if awaitingConference {
		cp.StrategyDiscussion = g.workingDayOnOrBefore(g.today.AddDays(-2 - g.rng.IntN(7)))
		c.PlanStatus = pick(g.rng, planLines[sitCPAwaiting])
	} else {
		// Most plans end within a year or so: up to three meetings held.
		m := 1 + g.rng.IntN(3)
		cp.StrategyDiscussion, held = g.placeCycle(child.CP, m, g.aimFor(onTrack))
		cp.Start = held[0]
		c.CarePlanAgreed = cp.Start
		c.PlanStatus = pick(g.rng, planLines[sitCP])
	}
	if c.DOB.After(cp.StrategyDiscussion) {
		c.DOB = cp.StrategyDiscussion.AddDays(-g.rng.IntN(30))
	}
	c.UPN = g.upn(c.DOB)
	if allocated := g.cal.AddWorkingDays(cp.StrategyDiscussion, 1+g.rng.IntN(2)); !allocated.After(g.today) {
		c.IROAllocated = allocated
	}
	c.LastHealthAssessment = g.today.AddDays(-30 - g.rng.IntN(270))
	c.CPPlans = []child.CPPlan{cp}
	c.Reviews = g.reviews(child.CP, cp.StrategyDiscussion, held, c.DOB, cpLocations)
	return c
}

// shortBreaks is a disabled child in an agreed series of short breaks:
// one open V3/V4 episode and the short breaks review cycle.
func (g *generator) shortBreaks() child.Child {
	c := g.person(g.dob(5, 17))
	m := 1 + g.rng.IntN(min(6, max(1, c.DOB.YearsOn(g.today)-4)))
	start, held := g.placeCycle(child.ShortBreaks, m, g.aimFor(onTrack))
	if c.DOB.After(start) {
		c.DOB = start.AddDays(-g.rng.IntN(30))
	}
	c.UPN = g.upn(c.DOB)
	code := []string{"R1", "U6"}[weighted(g.rng, 1, 1)]
	p := g.placement(code, &c, false)
	if code == "U6" {
		p.provider = fmt.Sprintf("Mr & Mrs %s (short break carers)", pick(g.rng, carerSurnames))
	}
	c.Episodes = []child.Episode{{
		Start: start, LegalStatus: []string{"V4", "V3"}[weighted(g.rng, 7, 3)], Placement: code, ReasonNew: "S",
		Provider: p.provider, PostcodeDistrict: p.district, DistanceMiles: p.miles,
	}}
	c.IROAllocated = g.cal.AddWorkingDays(start, 2+g.rng.IntN(4))
	c.CarePlanAgreed = g.cal.AddWorkingDays(start, 3+g.rng.IntN(8))
	c.LastHealthAssessment = g.today.AddDays(-30 - g.rng.IntN(300))
	c.Reviews = g.reviews(child.ShortBreaks, start, held, c.DOB, sbLocations)
	c.PlanStatus = pick(g.rng, planLines[sitShortBreaks])
	return c
}
