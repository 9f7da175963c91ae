package followview

import (
	"errors"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/iro-app/iro/internal/calendar"
	"github.com/iro-app/iro/internal/review"
	"github.com/iro-app/iro/internal/sanitize"
	"github.com/iro-app/iro/tui/components"
	"github.com/iro-app/iro/tui/keys"
	"github.com/iro-app/iro/tui/styles"
)

// modal is a dialog over the follow-up. update returns the dialog to show
// next (nil closes it) and, when the IRO confirmed something, what to do.
// A dialog that asked for a write stays open until the write is saved, and
// failed shows it why the write did not happen.
type modal interface {
	update(msg tea.Msg) (modal, *action)
	view(st styles.Styles, w int) string
	help() []key.Binding
	failed(reason string)
}

// action is what a dialog asks the follow-up to do; one kind of field is set.
type action struct {
	state review.State  // move the review to this state,
	on    calendar.Date // circulated on this day (zero when closing)

	redraft bool // replace the letter with a new draft

	recID    string
	progress *review.Progress

	monitoring *review.Monitoring
}

// verb says what a state change does, for a refusal: "Cannot <verb>: why".
func (a action) verb() string {
	switch a.state {
	case review.DecisionsCirculated:
		return "mark the decisions circulated"
	case review.RecordCirculated:
		return "mark the record circulated"
	}
	return "close the review"
}

// done says what a saved state change did.
func (a action) done() string {
	switch a.state {
	case review.DecisionsCirculated:
		return "Decisions circulated on " + components.Date(a.on) + "."
	case review.RecordCirculated:
		return "Record circulated on " + components.Date(a.on) + "."
	}
	return "Review closed."
}

// pastDay reads a day that has already happened: not after today and, when
// held is set, not before the review was held.
func pastDay(s string, held, today calendar.Date) (calendar.Date, error) {
	if strings.TrimSpace(s) == "" {
		return calendar.Date{}, errors.New("no date given: write it as 2026-11-20 or 20/11/2026 (day first)")
	}
	d, err := review.ParsePastDay(s, today)
	switch {
	case err != nil:
		return calendar.Date{}, err
	case !held.IsZero() && d.Before(held):
		return calendar.Date{}, fmt.Errorf("%s is before the review was held (%s)", components.Date(d), components.Date(held))
	}
	return d, nil
}

// circulateDialog asks when the decisions or the record went out.
type circulateDialog struct {
	form        components.Form
	to          review.State
	held, today calendar.Date
}

func newCirculateDialog(to review.State, held, today calendar.Date) modal {
	what := "Decisions"
	if to == review.RecordCirculated {
		what = "Record"
	}
	d := &circulateDialog{to: to, held: held, today: today}
	f := components.NewForm(what+" circulated", "Date sent (YYYY-MM-DD or DD/MM/YYYY)")
	f.SetValue(0, today.String())
	d.form = f.WithPreview(d.preview)
	return d
}

func (d *circulateDialog) preview(v []string) string {
	on, err := pastDay(v[0], d.held, d.today)
	if err != nil {
		return err.Error()
	}
	return "Sent on " + on.Time().Format("Mon 02 Jan 2006")
}

func (d *circulateDialog) update(msg tea.Msg) (modal, *action) {
	var res components.FormResult
	d.form, _, res = d.form.Update(msg)
	switch res {
	case components.FormCancelled:
		return nil, nil
	case components.FormSubmitted:
		on, err := pastDay(d.form.Values()[0], d.held, d.today)
		if err != nil {
			d.form.SetError(0, err.Error())
			return d, nil
		}
		return d, &action{state: d.to, on: on}
	}
	return d, nil
}

func (d *circulateDialog) view(st styles.Styles, w int) string { return d.form.View(st, w) }
func (d *circulateDialog) help() []key.Binding                 { return d.form.ShortHelp() }
func (d *circulateDialog) failed(reason string)                { d.form.SetError(0, reason) }

// confirmDialog asks yes or no before something that cannot be undone.
type confirmDialog struct {
	title, body string
	act         *action
	err         string
	keys        keys.FollowUp
}

func newConfirmDialog(k keys.FollowUp, title, body string, act *action) modal {
	return &confirmDialog{title: title, body: body, act: act, keys: k}
}

func (d *confirmDialog) update(msg tea.Msg) (modal, *action) {
	press, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return d, nil
	}
	switch {
	case key.Matches(press, d.keys.Cancel):
		return nil, nil
	case key.Matches(press, d.keys.Confirm):
		d.err = ""
		return d, d.act
	}
	return d, nil
}

func (d *confirmDialog) view(st styles.Styles, w int) string {
	var b strings.Builder
	b.WriteString(st.Title.Render(d.title) + "\n\n" + ansi.Wrap(d.body, max(w-4, 1), "") + "\n\n")
	b.WriteString(fmt.Sprintf("Press %s for yes, %s for no.", d.keys.Confirm.Help().Key, d.keys.Cancel.Help().Key))
	if d.err != "" {
		b.WriteString("\n\n" + st.Error.Render(sanitize.Line(d.err)))
	}
	return components.Box(b.String(), w)
}

func (d *confirmDialog) help() []key.Binding  { return []key.Binding{d.keys.Confirm, d.keys.Cancel} }
func (d *confirmDialog) failed(reason string) { d.err = reason }

// progressDialog records a note on a recommendation, who was chased and,
// optionally, its new status.
type progressDialog struct {
	form  components.Form
	recID string
}

func newProgressDialog(r review.Recommendation) modal {
	f := components.NewForm("Progress: "+sanitize.Line(r.Text),
		"Note", "Who was chased (optional)", "New status (optional: open, in progress, done, not done)")
	labels := make([]string, 0, len(review.RecStatuses()))
	for _, s := range review.RecStatuses() {
		labels = append(labels, s.Label())
	}
	f.SetSuggestions(2, labels)
	f.SetPlaceholder(2, "unchanged ("+r.Status.Label()+")")
	return &progressDialog{form: f, recID: r.ID}
}

func (d *progressDialog) update(msg tea.Msg) (modal, *action) {
	var res components.FormResult
	d.form, _, res = d.form.Update(msg)
	switch res {
	case components.FormCancelled:
		return nil, nil
	case components.FormSubmitted:
		v := d.form.Values()
		var status review.RecStatus
		if v[2] != "" {
			s, err := review.ParseRecStatus(v[2])
			if err != nil {
				d.form.SetError(2, "The new status is open, in progress, done or not done; leave it empty to keep it.")
				return d, nil
			}
			status = s
		}
		if v[0] == "" {
			d.form.SetError(0, "Write what happened.")
			return d, nil
		}
		return d, &action{recID: d.recID, progress: &review.Progress{Text: v[0], Chased: v[1], Status: status}}
	}
	return d, nil
}

func (d *progressDialog) view(st styles.Styles, w int) string { return d.form.View(st, w) }
func (d *progressDialog) help() []key.Binding                 { return d.form.ShortHelp() }
func (d *progressDialog) failed(reason string)                { d.form.SetError(2, reason) }

// monitoringDialog records a midway check between reviews.
type monitoringDialog struct {
	form  components.Form
	today calendar.Date
}

func newMonitoringDialog(today calendar.Date) modal {
	f := components.NewForm("Midway check", "Date (YYYY-MM-DD or DD/MM/YYYY)", "Who you spoke to", "What you checked", "Outcome")
	f.SetValue(0, today.String())
	return &monitoringDialog{form: f, today: today}
}

func (d *monitoringDialog) update(msg tea.Msg) (modal, *action) {
	var res components.FormResult
	d.form, _, res = d.form.Update(msg)
	switch res {
	case components.FormCancelled:
		return nil, nil
	case components.FormSubmitted:
		v := d.form.Values()
		on, err := pastDay(v[0], calendar.Date{}, d.today)
		switch {
		case err != nil:
			d.form.SetError(0, err.Error())
		case v[1] == "":
			d.form.SetError(1, "Say who you spoke to.")
		case v[2] == "":
			d.form.SetError(2, "Say what you checked.")
		default:
			return d, &action{monitoring: &review.Monitoring{On: on, Contact: v[1], Checked: v[2], Outcome: v[3]}}
		}
	}
	return d, nil
}

func (d *monitoringDialog) view(st styles.Styles, w int) string { return d.form.View(st, w) }
func (d *monitoringDialog) help() []key.Binding                 { return d.form.ShortHelp() }
func (d *monitoringDialog) failed(reason string)                { d.form.SetError(3, reason) }
