// Package demo invents a caseload for trying iro without real data. The same
// (today, n, seed) always gives the same children, and every date is counted
// back from today, so whenever the demo is opened it has reviews overdue and
// due soon, a child who came into care last week and records still to go out.
package demo

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/iro-app/iro/internal/calendar"
	"github.com/iro-app/iro/internal/child"
	"github.com/iro-app/iro/internal/timescale"
)

const (
	// Passphrase opens every demo database. It is published in the help
	// text, which is why a demo database must never hold real children.
	Passphrase = "demo-only-not-a-secret"
	// DefaultChildren is a full IRO caseload (the Handbook suggests 50–70).
	DefaultChildren = 60
	// DefaultSeed picks the demo children everyone sees; 1989 for the Act.
	DefaultSeed = 1989
)

// Caseload invents n children as they stand on today: about 70% looked
// after, 20% on child protection plans and 10% in short breaks, with the
// situations an IRO meets every week. The mix is tuned for 60 children and
// scaled for other sizes; from 10 children up every situation appears at
// least once. Ids are left empty for the store to assign.
func Caseload(today calendar.Date, n int, seed int64) []child.Child {
	if n <= 0 {
		return nil
	}
	g := &generator{
		rng:   rand.New(rand.NewPCG(uint64(seed), 0x5eed_1989)),
		cal:   calendar.Default(),
		today: today,
		laids: map[int]bool{},
		names: map[string]bool{},
	}
	children := make([]child.Child, 0, n)
	for _, p := range g.plans(n) {
		switch p.kind {
		case child.CP:
			children = append(children, g.protected(p.awaitingConference))
		case child.ShortBreaks:
			children = append(children, g.shortBreaks())
		default:
			children = append(children, g.lookedAfter(p.lac))
		}
	}
	return children
}

type generator struct {
	rng   *rand.Rand
	cal   *calendar.Calendar
	today calendar.Date
	// Only ever asked "is this taken?", never iterated, so they cannot
	// disturb the order of anything.
	laids map[int]bool
	names map[string]bool
}

// timing is where a looked-after child's next review falls against today.
type timing int

const (
	onTrack timing = iota
	overdue
	dueSoon
	justReviewed // held in the last few days; the record has not gone out
	newlyLookedAfter
)

// profile is a situation that fixes a looked-after child's legal status and
// placement together.
type profile int

const (
	usual profile = iota
	withParents
	adoption
	motherAndBaby
	remand
)

type lacPlan struct {
	timing  timing
	profile profile

	leaver, unstable, outOfArea, healthLate, pepLate, drift bool
}

type plan struct {
	kind               child.Kind
	lac                lacPlan
	awaitingConference bool
}

// perSixty scales a count chosen for a caseload of 60 to n children.
func perSixty(n, count int) int {
	c := int(math.Round(float64(count*n) / 60))
	if n >= 10 {
		c = max(c, 1)
	}
	return c
}

// plans decides who is who before any child is made, so that the rare
// situations are guaranteed rather than left to chance.
func (g *generator) plans(n int) []plan {
	nCP, nSB := perSixty(n, 12), perSixty(n, 6)
	lac := make([]lacPlan, n-nCP-nSB)
	i := 0
	for _, t := range []struct {
		timing timing
		per60  int
	}{{newlyLookedAfter, 1}, {overdue, 5}, {dueSoon, 8}, {justReviewed, 2}} {
		for range perSixty(n, t.per60) {
			if i < len(lac) {
				lac[i].timing = t.timing
				i++
			}
		}
	}
	notNew := func(p *lacPlan) bool { return p.timing != newlyLookedAfter }
	g.mark(lac, perSixty(n, 1), func(p *lacPlan) bool { return p.timing == onTrack }, func(p *lacPlan) { p.leaver = true })
	for _, pr := range []profile{withParents, adoption, motherAndBaby, remand} {
		g.mark(lac, perSixty(n, 1),
			func(p *lacPlan) bool { return notNew(p) && !p.leaver && p.profile == usual },
			func(p *lacPlan) { p.profile = pr })
	}
	g.mark(lac, perSixty(n, 3),
		func(p *lacPlan) bool { return notNew(p) && p.profile == usual },
		func(p *lacPlan) { p.unstable = true })
	g.mark(lac, perSixty(n, 6),
		func(p *lacPlan) bool { return notNew(p) && p.profile == usual && !p.unstable },
		func(p *lacPlan) { p.outOfArea = true })
	// A late health assessment or PEP needs a child long enough in care to
	// have had one, so not the short remand and mother-and-baby stays.
	longStay := func(p *lacPlan) bool { return notNew(p) && p.profile != remand && p.profile != motherAndBaby }
	g.mark(lac, perSixty(n, 2), longStay, func(p *lacPlan) { p.healthLate = true })
	g.mark(lac, perSixty(n, 2),
		func(p *lacPlan) bool { return longStay(p) && p.profile != adoption && !p.healthLate },
		func(p *lacPlan) { p.pepLate = true })
	g.mark(lac, perSixty(n, 3), notNew, func(p *lacPlan) { p.drift = true })

	plans := make([]plan, 0, n)
	for _, p := range lac {
		plans = append(plans, plan{kind: child.LAC, lac: p})
	}
	for i := range nCP {
		plans = append(plans, plan{kind: child.CP, awaitingConference: i == 0 && nCP >= 2})
	}
	for range nSB {
		plans = append(plans, plan{kind: child.ShortBreaks})
	}
	g.rng.Shuffle(len(plans), func(i, j int) { plans[i], plans[j] = plans[j], plans[i] })
	return plans
}

// mark applies set to up to k eligible plans, visited in a random order so
// that situations do not cluster on the same children.
func (g *generator) mark(lac []lacPlan, k int, eligible func(*lacPlan) bool, set func(*lacPlan)) {
	for _, i := range g.rng.Perm(len(lac)) {
		if k == 0 {
			return
		}
		if eligible(&lac[i]) {
			set(&lac[i])
			k--
		}
	}
}

// aim says where a cycle's history should leave it: the next meeting due
// near next, inside [lo, hi], or else the last one held near lastHeld; and
// nothing held after latest.
type aim struct {
	next, lo, hi calendar.Date
	lastHeld     calendar.Date
	latest       calendar.Date
}

// settled is how long ago the last review must be for its record to have
// gone out, even late.
const settled = 50

func (g *generator) aimFor(t timing) aim {
	a := aim{latest: g.today.AddDays(-settled)}
	switch t {
	case overdue:
		a.lo, a.hi = g.today.AddDays(-30), g.today.AddDays(-1)
		a.next = g.today.AddDays(-3 - g.rng.IntN(25))
	case dueSoon:
		a.lo, a.hi = g.today.AddDays(1), g.cal.AddWorkingDays(g.today, 10)
		a.next = g.cal.AddWorkingDays(g.today, 2+g.rng.IntN(8))
	case justReviewed:
		a.latest = g.today.AddDays(-1)
		a.lastHeld = g.workingDayOnOrBefore(g.today.AddDays(-2 - g.rng.IntN(5)))
	default:
		a.lo, a.hi = g.cal.AddWorkingDays(g.today, 12), g.today.AddDays(175)
		a.next = a.lo.AddDays(g.rng.IntN(a.lo.DaysUntil(a.hi) - 5))
	}
	return a
}

// dueOnly skips the circulation deadlines, which the generator never reads
// (it circulates by its own habits, late now and then); counting them for
// every meeting would double the time 5000 children take.
var dueOnly = timescale.Rules{}

func (g *generator) nextDue(kind child.Kind, start calendar.Date, held []calendar.Date) calendar.Date {
	return g.schedule(kind, start, held, dueOnly).Next.Due
}

// schedule asks timescale for the cycle. The generator only ever passes
// held dates in order and on or after the start, so an error is a bug here.
func (g *generator) schedule(kind child.Kind, start calendar.Date, held []calendar.Date, r timescale.Rules) timescale.Schedule {
	s, err := timescale.Plan(g.cal, kind, start, held, r)
	if err != nil {
		panic(fmt.Sprintf("demo: impossible review history: %v", err))
	}
	return s
}

// placeCycle invents a cycle with m meetings held: its start and the days
// they were held, mostly a few days before each fell due and now and then a
// few days late. The start is moved until the last meeting lands where the
// aim wants it, so timescale, not this package, decides every due date.
func (g *generator) placeCycle(kind child.Kind, m int, a aim) (calendar.Date, []calendar.Date) {
	early := make([]int, m)
	for i := range early {
		early[i] = 1 + g.rng.IntN(10)
		if i < m-1 && g.rng.IntN(12) == 0 {
			early[i] = -1 - g.rng.IntN(7)
		}
	}
	// A first guess of about six months a meeting saves a round of the
	// search below, which is where the time goes for large caseloads.
	start := a.next.AddDays(-182 * m)
	if !a.lastHeld.IsZero() {
		start = a.lastHeld.AddDays(-182*(m-1) - 60)
	}
	var held []calendar.Date
	for i := 0; ; i++ {
		held = g.hold(kind, start, early)
		last := held[m-1]
		want := a.lastHeld
		if want.IsZero() {
			want = a.next.AddDays(-last.DaysUntil(g.nextDue(kind, start, held)))
		}
		if want.After(a.latest) {
			want = a.latest
		}
		// bestLast absorbs the last few days of difference.
		shift := last.DaysUntil(want)
		if abs(shift) <= 3 || i == 8 {
			break
		}
		start = start.AddDays(shift)
	}
	held[m-1] = g.bestLast(kind, start, held, a)
	return start, held
}

// hold holds each meeting early[i] days before it falls due (after it, when
// negative), on a working day.
func (g *generator) hold(kind child.Kind, start calendar.Date, early []int) []calendar.Date {
	held := make([]calendar.Date, 0, len(early))
	for _, e := range early {
		h := g.workingDayOnOrBefore(g.nextDue(kind, start, held).AddDays(-e))
		floor := start
		if n := len(held); n > 0 {
			floor = held[n-1].AddDays(1)
		}
		if h.Before(floor) {
			h = g.workingDayOnOrAfter(floor)
		}
		held = append(held, h)
	}
	return held
}

// bestLast moves the last meeting by a few days to put the next due date
// in the aimed window, since months and working days do not shift evenly.
func (g *generator) bestLast(kind child.Kind, start calendar.Date, held []calendar.Date, a aim) calendar.Date {
	m := len(held)
	floor := start
	if m > 1 {
		floor = held[m-2].AddDays(1)
	}
	best, bestScore := calendar.Date{}, math.MaxInt
	for d := -5; d <= 5; d++ {
		h := held[m-1].AddDays(d)
		if !g.cal.IsWorkingDay(h) || h.After(a.latest) || h.Before(floor) {
			continue
		}
		score := abs(d)
		if a.lastHeld.IsZero() {
			next := g.nextDue(kind, start, append(held[:m-1:m-1], h))
			score += 100 * abs(next.DaysUntil(a.next))
			if next.Before(a.lo) || next.After(a.hi) {
				score += 1_000_000
			}
		} else {
			score += 100 * abs(h.DaysUntil(a.lastHeld))
		}
		if score < bestScore {
			best, bestScore = h, score
		}
	}
	if best.IsZero() {
		// Nothing nearby fits (a very short cycle): hold it as late as allowed.
		best = g.workingDayOnOrBefore(a.latest)
	}
	return best
}

func (g *generator) workingDayOnOrBefore(d calendar.Date) calendar.Date {
	for !g.cal.IsWorkingDay(d) {
		d = d.AddDays(-1)
	}
	return d
}

func (g *generator) workingDayOnOrAfter(d calendar.Date) calendar.Date {
	for !g.cal.IsWorkingDay(d) {
		d = d.AddDays(1)
	}
	return d
}

// reviewsHeld picks how many reviews a looked-after child has had, within
// what their age and their situation allow.
func (g *generator) reviewsHeld(p lacPlan, dob calendar.Date) int {
	lo, hi := 1, 10
	switch {
	case p.healthLate || p.pepLate:
		lo = 4
	case p.unstable:
		lo = 3 // room for three placements, even when just reviewed
	case p.profile == withParents || p.profile == adoption:
		lo = 2
	}
	if p.profile == remand || p.profile == motherAndBaby {
		hi = 1
	}
	// About one review every six months of the child's life, at most.
	hi = max(lo, min(hi, dob.DaysUntil(g.today)/182-1))
	return lo + g.rng.IntN(hi-lo+1)
}

func (g *generator) reviews(kind child.Kind, start calendar.Date, held []calendar.Date, dob calendar.Date, places []string) []child.Review {
	s := g.schedule(kind, start, held, dueOnly)
	out := make([]child.Review, 0, len(held)+1)
	for i, mt := range s.Meetings[:len(held)] {
		r := child.Review{
			Kind: kind, Sequence: i + 1, Due: mt.Due, Scheduled: mt.Held, Held: mt.Held,
			Location:            pick(g.rng, places),
			State:               "closed",
			DecisionsCirculated: g.circulated(mt.Held, 1, 4, 6, 9),
			RecordCirculated:    g.circulated(mt.Held, 8, 19, 21, 30),
		}
		// REVIEW_CODE belongs to the looked-after return; conferences have none.
		if kind != child.CP {
			r.ParticipationCode = g.participation(dob, mt.Held)
		}
		if i == len(held)-1 {
			r.State = "record_circulated"
			if r.RecordCirculated.IsZero() {
				r.State = "held"
			}
		}
		out = append(out, r)
	}
	return append(out, child.Review{
		Kind: kind, Sequence: len(held) + 1, Due: s.Next.Due,
		Scheduled: g.scheduled(s.Next.Due), State: "planned",
	})
}

// circulated is when something went out, lo to hi working days after the
// review and one time in ten late (lateLo to lateHi); zero if not yet.
func (g *generator) circulated(held calendar.Date, lo, hi, lateLo, lateHi int) calendar.Date {
	n := lo + g.rng.IntN(hi-lo+1)
	if g.rng.IntN(10) == 0 {
		n = lateLo + g.rng.IntN(lateHi-lateLo+1)
	}
	d := g.cal.AddWorkingDays(held, n)
	if d.After(g.today) {
		return calendar.Date{}
	}
	return d
}

// scheduled books the next meeting: overdue ones are either rebooked or not
// yet booked, those due within six weeks are booked a few days before the
// due date, and later ones are not booked yet.
func (g *generator) scheduled(due calendar.Date) calendar.Date {
	tomorrow := g.today.AddDays(1)
	switch {
	case due.Before(g.today):
		if g.rng.IntN(2) == 0 {
			return calendar.Date{}
		}
		return g.workingDayOnOrAfter(g.today.AddDays(2 + g.rng.IntN(8)))
	case g.today.DaysUntil(due) > 42:
		return calendar.Date{}
	}
	d := g.workingDayOnOrBefore(due.AddDays(-g.rng.IntN(5)))
	if d.Before(tomorrow) {
		d = g.workingDayOnOrAfter(tomorrow)
	}
	if d.After(due) {
		return calendar.Date{}
	}
	return d
}

// participation is the child's REVIEW_CODE: PN0 exactly when under 4.
func (g *generator) participation(dob, held calendar.Date) string {
	if dob.YearsOn(held) < 4 {
		return "PN0"
	}
	codes := []string{"PN1", "PN2", "PN3", "PN4", "PN5", "PN6", "PN7"}
	return codes[weighted(g.rng, 30, 6, 6, 8, 8, 32, 10)]
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// weighted returns an index with probability proportional to its weight.
func weighted(r *rand.Rand, weights ...int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := r.IntN(total)
	for i, w := range weights {
		if n < w {
			return i
		}
		n -= w
	}
	return len(weights) - 1
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
