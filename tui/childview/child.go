// Package childview is the child screen: who the child is, their legal
// status and placements as a timeline, every review held and due, and the
// deadlines coming up.
package childview

import (
	"fmt"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"

	"github.com/iro-app/iro/internal/calendar"
	"github.com/iro-app/iro/internal/caseload"
	"github.com/iro-app/iro/internal/child"
	"github.com/iro-app/iro/internal/sanitize"
	"github.com/iro-app/iro/internal/ssda903"
	"github.com/iro-app/iro/internal/timescale"
	"github.com/iro-app/iro/tui/components"
	"github.com/iro-app/iro/tui/keys"
	"github.com/iro-app/iro/tui/styles"
)

// StartMeeting asks the app to start, or resume, the meeting for the next review.
type StartMeeting struct{ ChildID string }

// StartPrepare asks the app to open the preparation of the next review.
type StartPrepare struct{ ChildID string }

// StartChallenges asks the app to open the child's challenges.
type StartChallenges struct{ ChildID string }

// StartFollowUp asks the app to open the follow-up of the latest held review.
type StartFollowUp struct{ ChildID string }

// Model is the child screen.
type Model struct {
	st       styles.Styles
	keys     keys.Child
	entry    caseload.Entry
	schedule timescale.Schedule
	today    calendar.Date
	cal      *calendar.Calendar
	vp       viewport.Model
	width    int
	height   int
}

// New shows one child. The schedule is the child's statutory review cycle
// (zero when none applies).
func New(st styles.Styles, e caseload.Entry, schedule timescale.Schedule, today calendar.Date, cal *calendar.Calendar) Model {
	vp := viewport.New()
	vp.KeyMap = viewport.KeyMap{} // scrolling goes through our own bindings
	return Model{st: st, keys: keys.DefaultChild(), entry: e, schedule: schedule, today: today, cal: cal, vp: vp}
}

// ChildID is the child being shown.
func (m Model) ChildID() string { return m.entry.Child.ID }

// Entry is the caseload row the screen shows.
func (m Model) Entry() caseload.Entry { return m.entry }

// Schedule is the child's current review cycle.
func (m Model) Schedule() timescale.Schedule { return m.schedule }

// SetSize gives the screen its width and height and re-lays the text.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.vp.SetWidth(w)
	m.vp.SetHeight(h)
	m.vp.SetContent(m.content())
}

// Capturing is always false: the child screen has no text input.
func (m Model) Capturing() bool { return false }

// Update scrolls the screen.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	press, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return m, nil
	}
	switch {
	case key.Matches(press, m.keys.Up):
		m.vp.ScrollUp(1)
	case key.Matches(press, m.keys.Down):
		m.vp.ScrollDown(1)
	case key.Matches(press, m.keys.PageUp):
		m.vp.PageUp()
	case key.Matches(press, m.keys.PageDown):
		m.vp.PageDown()
	case key.Matches(press, m.keys.Top):
		m.vp.GotoTop()
	case key.Matches(press, m.keys.Bottom):
		m.vp.GotoBottom()
	case key.Matches(press, m.keys.Meeting) && m.schedule.Kind != "":
		id := m.entry.Child.ID
		return m, func() tea.Msg { return StartMeeting{ChildID: id} }
	case key.Matches(press, m.keys.Challenges):
		id := m.entry.Child.ID
		return m, func() tea.Msg { return StartChallenges{ChildID: id} }
	case key.Matches(press, m.keys.Prepare) && m.schedule.Kind != "":
		id := m.entry.Child.ID
		return m, func() tea.Msg { return StartPrepare{ChildID: id} }
	case key.Matches(press, m.keys.FollowUp) && m.schedule.Kind != "":
		id := m.entry.Child.ID
		return m, func() tea.Msg { return StartFollowUp{ChildID: id} }
	}
	return m, nil
}

// ShortHelp lists the keys that work now.
func (m Model) ShortHelp() []key.Binding {
	return []key.Binding{m.keys.Prepare, m.keys.Meeting, m.keys.FollowUp, m.keys.Challenges}
}

// FullHelp lists every key of the screen.
func (m Model) FullHelp() [][]key.Binding {
	return [][]key.Binding{{m.keys.Prepare, m.keys.Meeting, m.keys.FollowUp, m.keys.Challenges}, {m.keys.Up, m.keys.Down, m.keys.PageUp, m.keys.PageDown, m.keys.Top, m.keys.Bottom}}
}

// View draws the screen.
func (m Model) View() string { return components.Frame(m.vp.View(), m.width, m.height) }

func (m Model) content() string {
	var b strings.Builder
	m.identity(&b)
	m.now(&b)
	m.deadlines(&b)
	m.reviews(&b)
	m.timeline(&b)
	m.protection(&b)
	return components.Clip(strings.TrimRight(b.String(), "\n"), m.width)
}

func (m Model) identity(b *strings.Builder) {
	c := m.entry.Child
	b.WriteString(m.st.Title.Render(sanitize.Line(c.Name())) + "\n")
	ids := []string{"LA id " + sanitize.Line(c.LAID)}
	if c.UPN != "" {
		ids = append(ids, "UPN "+sanitize.Line(c.UPN))
	}
	b.WriteString(m.st.Muted.Render(strings.Join(ids, " · ")) + "\n")
	about := []string{fmt.Sprintf("Born %s (age %d)", components.Date(c.DOB), m.entry.Age)}
	if s := sex(c.Sex); s != "" {
		about = append(about, s)
	}
	if c.Ethnicity != "" {
		about = append(about, "ethnicity "+sanitize.Line(c.Ethnicity))
	}
	if c.HomeLA != "" {
		about = append(about, "home LA "+sanitize.Line(c.HomeLA))
	}
	b.WriteString(m.wrap(strings.Join(about, " · ")) + "\n\n")
}

func (m Model) now(b *strings.Builder) {
	b.WriteString(m.st.Section.Render("Now") + "\n")
	e := m.entry
	switch e.Kind {
	case child.LAC, child.ShortBreaks:
		ep := e.Episode
		cycle := "looked-after child reviews"
		if e.Kind == child.ShortBreaks {
			cycle = "short breaks reviews"
		}
		b.WriteString(m.field("Cycle", fmt.Sprintf("%s, since %s", cycle, components.Date(m.schedule.Start))))
		b.WriteString(m.field("Legal status", codeAndMeaning(ep.LegalStatus, ssda903.LegalStatus)))
		b.WriteString(m.field("Placement", codeAndMeaning(ep.Placement, ssda903.Placement)))
		where := []string{}
		if ep.Provider != "" {
			where = append(where, sanitize.Line(ep.Provider))
		}
		if ep.PostcodeDistrict != "" {
			where = append(where, sanitize.Line(ep.PostcodeDistrict))
		}
		if ep.DistanceMiles > 0 {
			where = append(where, fmt.Sprintf("%.0f miles from home", ep.DistanceMiles))
		}
		if ep.OutOfArea {
			where = append(where, m.st.Badge.Render("OUT OF AREA"))
		}
		if len(where) > 0 {
			b.WriteString(m.field("", strings.Join(where, " · ")))
		}
		b.WriteString(m.field("Placed since", components.Date(ep.Start)))
		if n := e.Child.PlacementsSince(m.today.AddMonths(-12)); n >= 3 {
			b.WriteString(m.field("Stability", m.st.DueSoon.Render(fmt.Sprintf("! %d placements in the last 12 months", n))))
		}
	case child.CP:
		plan, _ := e.Child.OpenCPPlan()
		b.WriteString(m.field("Cycle", "child protection conferences, strategy discussion "+components.Date(plan.StrategyDiscussion)))
		b.WriteString(m.field("Category", codeAndMeaning(plan.Category, ssda903.CPCategory)))
	default:
		b.WriteString(m.field("", "Not looked after and not on a child protection plan."))
	}
	if e.Child.PlanStatus != "" {
		b.WriteString(m.field("Plan", sanitize.Line(e.Child.PlanStatus)))
	}
	b.WriteString("\n")
}

func (m Model) deadlines(b *strings.Builder) {
	b.WriteString(m.st.Section.Render("Next deadlines") + "\n")
	if len(m.entry.Deadlines) == 0 {
		b.WriteString("  " + m.st.Muted.Render("Nothing statutory is due.") + "\n\n")
		return
	}
	for _, d := range m.entry.Deadlines {
		left, status := caseload.Classify(m.today, d.Due, m.cal)
		line := fmt.Sprintf("  %s %-9s %-26s %s  %s", components.StatusMark(status), status.Word(), sanitize.Line(d.What), components.Date(d.Due), daysInWords(left, status))
		b.WriteString(components.StatusStyle(m.st, status).Render(line) + "\n")
	}
	b.WriteString("\n")
}

var reviewColumns = []components.Column{
	{Title: "Meeting", Flex: 1, Min: 12, Max: 22},
	{Title: "Due", Width: 11},
	{Title: "Held", Width: 11},
	{Title: "Code", Width: 4},
	{Title: "Decisions", Width: 10},
	{Title: "Record", Width: 10},
	{Title: "", Width: 4},
}

func (m Model) reviews(b *strings.Builder) {
	b.WriteString(m.st.Section.Render("Reviews") + "\n")
	meetings := m.schedule.Meetings
	if len(meetings) == 0 {
		b.WriteString("  " + m.st.Muted.Render("No statutory review cycle applies.") + "\n\n")
		return
	}
	widths := components.Layout(reviewColumns, m.width-2)
	b.WriteString("  " + m.st.Column.Render(components.Header(reviewColumns, widths)) + "\n")
	held := m.heldReviews()
	for i, mt := range meetings {
		name := timescale.MeetingName(m.schedule.Kind, i+1)
		if mt.Held.IsZero() {
			_, status := caseload.Classify(m.today, mt.Due, m.cal)
			line := components.Row(reviewColumns, widths, []string{name, components.Date(mt.Due), status.Word(), "", "", "", ""})
			b.WriteString("  " + components.StatusStyle(m.st, status).Render(line) + "\n")
			continue
		}
		r := held[mt.Held]
		late := ""
		if mt.Held.After(mt.Due) {
			late = "late"
		}
		b.WriteString("  " + components.Row(reviewColumns, widths, []string{name, components.Date(mt.Due), components.Date(mt.Held),
			sanitize.Line(r.ParticipationCode), circulated(r.DecisionsCirculated, mt.DecisionsDue), circulated(r.RecordCirculated, mt.RecordDue), late}) + "\n")
	}
	b.WriteString("\n")
}

// heldReviews indexes the child's held reviews of the current cycle by date.
func (m Model) heldReviews() map[calendar.Date]child.Review {
	out := map[calendar.Date]child.Review{}
	for _, r := range m.entry.Child.Reviews {
		if r.Kind == m.schedule.Kind && !r.Held.IsZero() {
			out[r.Held] = r
		}
	}
	return out
}

func (m Model) timeline(b *strings.Builder) {
	eps := m.entry.Child.Episodes
	if len(eps) == 0 {
		return
	}
	b.WriteString(m.st.Section.Render("Legal status and placements") + "\n")
	for i := len(eps) - 1; i >= 0; i-- {
		ep := eps[i]
		end := "now"
		if !ep.End.IsZero() {
			end = components.Date(ep.End)
		}
		what := fmt.Sprintf("%s %s · %s %s", sanitize.Line(ep.LegalStatus), ssda903.LegalStatusShort(ep.LegalStatus),
			sanitize.Line(ep.Placement), ssda903.PlacementShort(ep.Placement))
		if ep.Provider != "" {
			what += " · " + sanitize.Line(ep.Provider)
		}
		if ep.OutOfArea {
			what += " · OOA"
		}
		b.WriteString(fmt.Sprintf("  %s – %-11s  %s\n", components.Date(ep.Start), end, what))
	}
	b.WriteString("\n")
}

func (m Model) protection(b *strings.Builder) {
	plans := m.entry.Child.CPPlans
	if len(plans) == 0 {
		return
	}
	b.WriteString(m.st.Section.Render("Child protection plans") + "\n")
	for _, p := range plans {
		end := "open"
		if !p.End.IsZero() {
			end = "ended " + components.Date(p.End)
		}
		start := "initial conference not yet held"
		if !p.Start.IsZero() {
			start = "initial conference " + components.Date(p.Start)
		}
		b.WriteString(fmt.Sprintf("  %s · strategy discussion %s · %s · %s\n", sanitize.Line(p.Category), components.Date(p.StrategyDiscussion), start, end))
	}
	b.WriteString("\n")
}

func (m Model) field(label, value string) string {
	return "  " + m.st.Muted.Render(components.Fit(label, 13)) + value + "\n"
}

func (m Model) wrap(s string) string { return components.Wrap(s, m.width) }

func daysInWords(left int, s caseload.Status) string {
	switch {
	case s == caseload.Overdue && left == 0:
		return "missed at the weekend"
	case s == caseload.Overdue:
		return plural(-left, "working day") + " overdue"
	case left == 0:
		return "due today"
	}
	return plural(left, "working day") + " left"
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return strconv.Itoa(n) + " " + unit + "s"
}

// circulated says when the decisions or record went out (✓), or when they are due.
func circulated(done, due calendar.Date) string {
	if !done.IsZero() {
		return "✓ " + done.Time().Format("02 Jan")
	}
	return "due " + due.Time().Format("02 Jan")
}

func codeAndMeaning(code string, meaning func(string) (string, bool)) string {
	code = sanitize.Line(code)
	if text, ok := meaning(code); ok {
		return code + "  " + text
	}
	if code == "" {
		return "—"
	}
	return code + "  (unknown code)"
}

func sex(code string) string {
	switch code {
	case "1":
		return "male"
	case "2":
		return "female"
	}
	return ""
}
