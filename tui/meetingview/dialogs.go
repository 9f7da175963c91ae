package meetingview

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/iro-app/iro/internal/calendar"
	"github.com/iro-app/iro/internal/review"
	"github.com/iro-app/iro/internal/sanitize"
	"github.com/iro-app/iro/internal/ssda903"
	"github.com/iro-app/iro/internal/timescale"
	"github.com/iro-app/iro/tui/components"
	"github.com/iro-app/iro/tui/styles"
)

// modal is a dialog over meeting mode. update returns the dialog to show
// next (nil closes it) and, when the IRO confirmed something, what to do.
type modal interface {
	update(msg tea.Msg) (modal, *action)
	view(st styles.Styles, w int) string
	help() []key.Binding
}

// action is what a dialog asks meeting mode to do; exactly one field is set.
type action struct {
	recommendation *review.Recommendation
	attendee       *review.Attendee
	participation  string
	end            bool
	reopen         modal // show this dialog after acting (adding people fast)
}

// ifHeldToday works out the deadlines that ending the meeting today would
// set: this meeting's decisions and record, and the next review.
func ifHeldToday(s Session) (this timescale.Meeting, next calendar.Date, err error) {
	var held []calendar.Date
	for _, mt := range s.Schedule.Meetings {
		if !mt.Held.IsZero() {
			held = append(held, mt.Held)
		}
	}
	held = append(held, s.Today)
	plan, err := timescale.Plan(s.Calendar, s.Review.Kind, s.Schedule.Start, held, s.Rules)
	if err != nil {
		return timescale.Meeting{}, calendar.Date{}, err
	}
	return plan.Meetings[len(plan.Meetings)-2], plan.Next.Due, nil
}

// recommendationDialog captures a decision: what, who owns it, by when.
type recommendationDialog struct {
	form       components.Form
	today      calendar.Date
	cal        *calendar.Calendar
	nextReview calendar.Date
}

var ownerRoles = []string{"social worker", "team manager", "foster carer", "carer", "IRO", "health", "school", "designated teacher", "personal adviser", "advocate", "parent"}

func newRecommendationDialog(s Session) modal {
	_, next, _ := ifHeldToday(s)
	d := &recommendationDialog{today: s.Today, cal: s.Calendar, nextReview: next}
	f := components.NewForm("Recommendation", "What needs to happen", "Owner (role)", "Owner (name)", "Due (a date, 10wd, 2w, 3m or next review)")
	f.SetSuggestions(1, ownerRoles)
	f.SetPlaceholder(3, "10wd")
	d.form = f.WithPreview(d.preview)
	return d
}

func (d *recommendationDialog) preview(v []string) string {
	if v[3] == "" {
		return "Due: type a date or shorthand"
	}
	due, err := review.ParseDue(v[3], d.today, d.cal, d.nextReview)
	if err != nil {
		return "Due: " + err.Error()
	}
	return "Due: " + review.DescribeDue(due, d.today, d.cal)
}

func (d *recommendationDialog) update(msg tea.Msg) (modal, *action) {
	var res components.FormResult
	d.form, _, res = d.form.Update(msg)
	switch res {
	case components.FormCancelled:
		return nil, nil
	case components.FormSubmitted:
		v := d.form.Values()
		due, err := review.ParseDue(v[3], d.today, d.cal, d.nextReview)
		switch {
		case v[0] == "":
			d.form.SetError(0, "Say what needs to happen.")
		case v[1] == "":
			d.form.SetError(1, "Say who owns it (their role).")
		case err != nil:
			d.form.SetError(3, err.Error())
		default:
			return nil, &action{recommendation: &review.Recommendation{Text: v[0], OwnerRole: v[1], OwnerName: v[2], Due: due, Status: review.RecOpen}}
		}
	}
	return d, nil
}

func (d *recommendationDialog) view(st styles.Styles, w int) string { return d.form.View(st, w) }
func (d *recommendationDialog) help() []key.Binding                 { return d.form.ShortHelp() }

// attendanceDialog adds people one after another and lists who is recorded.
type attendanceDialog struct {
	form   components.Form
	people []review.Attendee
}

func newAttendanceDialog(people []review.Attendee) modal {
	f := components.NewForm("Attendance — add a person (esc when done)", "Name", "Role", "Attendance (present, apologies, sent views, not invited)")
	f.SetSuggestions(1, ownerRoles)
	labels := []string{}
	for _, a := range review.Attendances() {
		labels = append(labels, a.Label())
	}
	f.SetSuggestions(2, labels)
	f.SetPlaceholder(2, "present")
	return &attendanceDialog{form: f, people: people}
}

func (d *attendanceDialog) update(msg tea.Msg) (modal, *action) {
	var res components.FormResult
	d.form, _, res = d.form.Update(msg)
	switch res {
	case components.FormCancelled:
		return nil, nil
	case components.FormSubmitted:
		v := d.form.Values()
		att, ok := attendanceFrom(v[2])
		switch {
		case v[0] == "":
			d.form.SetError(0, "Type the person's name.")
		case !ok:
			d.form.SetError(2, "Attendance is present, apologies, sent views or not invited.")
		default:
			a := review.Attendee{Name: v[0], Role: v[1], Attendance: att}
			return nil, &action{attendee: &a, reopen: newAttendanceDialog(append(d.people, a))}
		}
	}
	return d, nil
}

// attendanceFrom accepts the label, the stored value or a prefix of either;
// an empty answer means present, the common case when adding people fast.
func attendanceFrom(s string) (review.Attendance, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return review.Present, true
	}
	for _, a := range review.Attendances() {
		if strings.HasPrefix(a.Label(), s) || strings.HasPrefix(string(a), s) {
			return a, true
		}
	}
	return "", false
}

func (d *attendanceDialog) view(st styles.Styles, w int) string {
	form := d.form.View(st, w)
	if len(d.people) == 0 {
		return form
	}
	var b strings.Builder
	for _, a := range d.people {
		b.WriteString(fmt.Sprintf("%s · %s · %s\n", sanitize.Line(a.Name), sanitize.Line(a.Role), a.Attendance.Label()))
	}
	return form + "\n" + components.Box(strings.TrimRight(b.String(), "\n"), w)
}

func (d *attendanceDialog) help() []key.Binding { return d.form.ShortHelp() }

// participationPicker chooses the child's participation code, refusing a
// code that contradicts the child's age on the review date.
type participationPicker struct {
	picker components.Picker
	s      Session
}

func newParticipationPicker(s Session) modal {
	var choices []components.Choice
	for _, code := range ssda903.ParticipationCodes() {
		meaning, _ := ssda903.Participation(code)
		choices = append(choices, components.Choice{Value: code, Label: code, Detail: meaning})
	}
	return &participationPicker{picker: components.NewPicker("How did the child take part?", choices, s.Review.ParticipationCode), s: s}
}

func (p *participationPicker) update(msg tea.Msg) (modal, *action) {
	var res components.FormResult
	p.picker, res = p.picker.Update(msg)
	switch res {
	case components.FormCancelled:
		return nil, nil
	case components.FormSubmitted:
		code := p.picker.Chosen().Value
		if err := review.CheckParticipation(code, p.s.Child.DOB, p.s.Today); err != nil {
			p.picker.SetError(err.Error())
			return p, nil
		}
		return nil, &action{participation: code}
	}
	return p, nil
}

func (p *participationPicker) view(st styles.Styles, w int) string { return p.picker.View(st, w) }
func (p *participationPicker) help() []key.Binding                 { return p.picker.ShortHelp() }

// endDialog confirms ending the meeting and shows the deadlines it sets.
type endDialog struct {
	s       Session
	this    timescale.Meeting
	next    calendar.Date
	refusal string
	keys    endKeys
}

type endKeys struct{ Confirm, Cancel key.Binding }

func newEndDialog(s Session) modal {
	d := &endDialog{s: s, keys: endKeys{
		Confirm: key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "end as held")),
		Cancel:  key.NewBinding(key.WithKeys("esc", "n"), key.WithHelp("esc", "back to the meeting")),
	}}
	var err error
	d.this, d.next, err = ifHeldToday(s)
	switch {
	case review.CanHold(s.Review.ParticipationCode) != nil:
		d.refusal = review.CanHold(s.Review.ParticipationCode).Error() + " — press ctrl+p to choose one."
	case review.CheckParticipation(s.Review.ParticipationCode, s.Child.DOB, s.Today) != nil:
		d.refusal = review.CheckParticipation(s.Review.ParticipationCode, s.Child.DOB, s.Today).Error()
	case review.Transition(review.State(s.Review.State), review.Held) != nil:
		d.refusal = review.Transition(review.State(s.Review.State), review.Held).Error()
	case err != nil:
		d.refusal = err.Error()
	}
	return d
}

func (d *endDialog) update(msg tea.Msg) (modal, *action) {
	press, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return d, nil
	}
	switch {
	case key.Matches(press, d.keys.Cancel):
		return nil, nil
	case key.Matches(press, d.keys.Confirm) && d.refusal == "":
		return nil, &action{end: true}
	}
	return d, nil
}

func (d *endDialog) view(st styles.Styles, w int) string {
	var b strings.Builder
	b.WriteString(st.Title.Render("End the meeting") + "\n\n")
	if d.refusal != "" {
		b.WriteString(st.Error.Render(d.refusal) + "\n\nesc goes back to the meeting.")
		return components.Box(b.String(), w)
	}
	b.WriteString(fmt.Sprintf("Held today, %s, participation %s.\n\n", components.Date(d.s.Today), d.s.Review.ParticipationCode))
	b.WriteString(fmt.Sprintf("Decisions to circulate by  %s\n", components.Date(d.this.DecisionsDue)))
	b.WriteString(fmt.Sprintf("Record to circulate by     %s\n", components.Date(d.this.RecordDue)))
	b.WriteString(fmt.Sprintf("Next review due by         %s\n\n", components.Date(d.next)))
	b.WriteString("Press y to record the meeting as held, esc to go back.")
	return components.Box(b.String(), w)
}

func (d *endDialog) help() []key.Binding { return []key.Binding{d.keys.Confirm, d.keys.Cancel} }
