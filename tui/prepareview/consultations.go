package prepareview

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/iro-app/iro/internal/calendar"
	"github.com/iro-app/iro/internal/caseload"
	"github.com/iro-app/iro/internal/review"
	"github.com/iro-app/iro/internal/sanitize"
	"github.com/iro-app/iro/tui/components"
)

// sortConsultations puts them in the order they happened.
func sortConsultations(cs []review.Consultation) {
	slices.SortStableFunc(cs, func(a, b review.Consultation) int { return a.On.Compare(b.On) })
}

var consultationColumns = []components.Column{
	{Width: 2},
	{Title: "Date", Width: 11},
	{Title: "Who", Flex: 2, Min: 10, Max: 27},
	{Title: "Name", Flex: 2, Min: 8, Max: 24},
	{Title: "How", Flex: 1, Min: 5, Max: 17},
	{Title: "Seen alone", Width: 10},
	{Title: "Summary", Flex: 3, Min: 8},
}

func (m Model) consultationsView() listView {
	note := m.childWarning()
	if note == "" {
		note = m.st.Muted.Render(plural(len(m.s.Meeting.Consultations), "consultation") +
			" recorded; the child has been seen alone.")
	} else {
		note = m.st.DueSoon.Render(note)
	}
	return listView{note: note, columns: consultationColumns, n: len(m.s.Meeting.Consultations),
		empty: "No one consulted yet: press a to record a conversation, visit or form.",
		row: func(i int) ([]string, caseload.Status) {
			c := m.s.Meeting.Consultations[i]
			alone := ""
			if c.Who == review.ConsulteeChild {
				alone = "not alone"
				if c.SeenAlone {
					alone = "seen alone"
				}
			}
			return []string{"", components.Date(c.On), c.Who.Label(), sanitize.Line(c.Name), c.How.Label(),
				alone, sanitize.Line(c.Summary)}, caseload.OnTrack
		}}
}

// childWarning says what is missing from the child's own consultation: the
// IRO must consult the child before every review and should see them alone.
func (m Model) childWarning() string {
	consulted, alone := false, false
	for _, c := range m.s.Meeting.Consultations {
		if c.Who == review.ConsulteeChild {
			consulted = true
			alone = alone || c.SeenAlone
		}
	}
	name := sanitize.Line(m.s.Child.FirstName)
	switch {
	case !consulted:
		return fmt.Sprintf("! %s has not been consulted for this review yet.", name)
	case !alone:
		return fmt.Sprintf("! %s has not been seen alone for this review.", name)
	}
	return ""
}

// The consultation form's fields.
const (
	fieldWho = iota
	fieldName
	fieldHow
	fieldWhen
	fieldAlone
	fieldSummary
)

func (m Model) consultationDialog() *formDialog {
	f := components.NewForm("Add a consultation",
		"Who (child, parent, carer, social worker, school, health…)",
		"Name (e.g. Mum, Sarah Jones)",
		"How (visit, phone, video call, consultation form, message)",
		"When (YYYY-MM-DD, DD/MM/YYYY, today or yesterday)",
		"Seen alone? (y/n, for the child)",
		"Summary")
	var who, how []string
	for _, c := range review.Consultees() {
		who = append(who, c.Label())
	}
	for _, h := range review.Methods() {
		how = append(how, h.Label())
	}
	f.SetSuggestions(fieldWho, who)
	f.SetSuggestions(fieldHow, how)
	f.SetPlaceholder(fieldWhen, "today")
	f.SetPlaceholder(fieldAlone, "n")
	today, cal := m.s.Today, m.s.Calendar
	f = f.WithPreview(func(v []string) string {
		d, err := review.ParsePastDay(v[fieldWhen], today)
		if err != nil {
			return "When: " + err.Error()
		}
		return "When: " + review.DescribeDue(d, today, cal)
	})
	be, reviewID := m.backend, m.s.Review.ID
	return &formDialog{form: f, check: func(v []string) (write, int, string) {
		c, field, err := readConsultation(v, today)
		if err != nil {
			return nil, field, err.Error()
		}
		return func(ctx context.Context) saved {
			what := fmt.Sprintf("Consultation saved: %s, %s", c.Who.Label(), components.Date(c.On))
			return saved{err: be.AddConsultation(ctx, reviewID, &c), what: what, consultation: &c}
		}, 0, ""
	}}
}

// readConsultation checks the form's values, naming the first wrong field.
func readConsultation(v []string, today calendar.Date) (review.Consultation, int, error) {
	var c review.Consultation
	var err error
	if v[fieldWho] == "" {
		return c, fieldWho, errors.New("say who was consulted")
	}
	if c.Who, err = review.ParseConsultee(v[fieldWho]); err != nil {
		return c, fieldWho, err
	}
	if v[fieldHow] == "" {
		return c, fieldHow, errors.New("say how: visit, phone, video call, consultation form or message")
	}
	if c.How, err = review.ParseMethod(v[fieldHow]); err != nil {
		return c, fieldHow, err
	}
	if c.On, err = review.ParsePastDay(v[fieldWhen], today); err != nil {
		return c, fieldWhen, err
	}
	switch strings.ToLower(v[fieldAlone]) {
	case "", "n", "no":
	case "y", "yes":
		if c.Who != review.ConsulteeChild {
			return c, fieldAlone, errors.New("seen alone is recorded for the child only: answer n")
		}
		c.SeenAlone = true
	default:
		return c, fieldAlone, errors.New("answer y or n")
	}
	c.Name, c.Summary = v[fieldName], v[fieldSummary]
	return c, 0, nil
}
