package prepareview

import (
	"context"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/iro-app/iro/internal/calendar"
	"github.com/iro-app/iro/internal/caseload"
	"github.com/iro-app/iro/internal/review"
	"github.com/iro-app/iro/tui/components"
)

// documentKinds are the reports and plans to chase for this child: a
// pathway plan only from 16, counted on the day of the meeting.
func (m Model) documentKinds() []review.DocumentKind {
	return review.Documents(m.s.Child.Age(m.meetingDay))
}

// document is what is recorded for a kind; the zero Received means not yet.
func (m Model) document(kind review.DocumentKind) review.Document {
	for _, d := range m.s.Meeting.Documents {
		if d.Kind == kind {
			return d
		}
	}
	return review.Document{Kind: kind}
}

func (m Model) documentStatus(kind review.DocumentKind) string {
	status, _ := review.DocumentStatus(kind, m.document(kind).Received, m.meetingDay, m.s.Today, m.s.Calendar)
	return status
}

// documentUrgency maps a document's status onto the marks and colours every
// screen uses: overdue shouts, late warns.
func documentUrgency(status string) caseload.Status {
	switch status {
	case review.DocOverdue:
		return caseload.Overdue
	case review.DocLate:
		return caseload.DueSoon
	}
	return caseload.OnTrack
}

var documentColumns = []components.Column{
	{Width: 3},
	{Title: "Document", Flex: 2, Min: 14, Max: 26},
	{Title: "Due by", Width: 11},
	{Title: "Received", Width: 11},
	{Title: "Status", Flex: 1, Min: 12},
}

func (m Model) documentsView() listView {
	kinds := m.documentKinds()
	note := m.st.Muted.Render(fmt.Sprintf("Meeting %s: report due 15 working days before, plans 3 days before.",
		components.Date(m.meetingDay)))
	return listView{note: note, columns: documentColumns, n: len(kinds), row: func(i int) ([]string, caseload.Status) {
		kind := kinds[i]
		status := m.documentStatus(kind)
		urgency := documentUrgency(status)
		word := status
		if status == review.DocOverdue {
			word = strings.ToUpper(status)
		}
		return []string{components.StatusMark(urgency), kind.Label(),
			components.Date(review.DocumentDue(kind, m.meetingDay, m.s.Calendar)),
			components.Date(m.document(kind).Received), word}, urgency
	}}
}

func (m Model) documentKey(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	kinds := m.documentKinds()
	if len(kinds) == 0 {
		return m, nil
	}
	doc := m.document(kinds[m.selected()])
	switch {
	case key.Matches(msg, m.keys.SetReceived):
		m.dialog = m.receivedDialog(doc)
	case key.Matches(msg, m.keys.ClearReceived) && !doc.Received.IsZero():
		doc.Received = calendar.Date{}
		cmd, _ := m.start(m.saveDocument(doc, doc.Kind.Label()+": not received"))
		return m, cmd
	}
	return m, nil
}

func (m Model) receivedDialog(doc review.Document) *formDialog {
	f := components.NewForm("Received: "+doc.Kind.Label(), "Date received (YYYY-MM-DD, DD/MM/YYYY, today or yesterday)")
	f.SetPlaceholder(0, "today")
	if !doc.Received.IsZero() {
		f.SetValue(0, doc.Received.String())
	}
	today, meeting, cal := m.s.Today, m.meetingDay, m.s.Calendar
	f = f.WithPreview(func(v []string) string {
		d, err := review.ParsePastDay(v[0], today)
		if err != nil {
			return err.Error()
		}
		status, _ := review.DocumentStatus(doc.Kind, d, meeting, today, cal)
		return fmt.Sprintf("Received %s: %s", components.Date(d), status)
	})
	return &formDialog{form: f, check: func(v []string) (write, int, string) {
		d, err := review.ParsePastDay(v[0], today)
		if err != nil {
			return nil, 0, err.Error()
		}
		doc.Received = d
		status, _ := review.DocumentStatus(doc.Kind, d, meeting, today, cal)
		return m.saveDocument(doc, fmt.Sprintf("%s received %s: %s", doc.Kind.Label(), components.Date(d), status)), 0, ""
	}}
}

func (m Model) saveDocument(doc review.Document, what string) write {
	be, reviewID := m.backend, m.s.Review.ID
	return func(ctx context.Context) saved {
		return saved{err: be.SaveDocument(ctx, reviewID, &doc), what: what, document: &doc}
	}
}
