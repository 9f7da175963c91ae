package prepareview

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/iro-app/iro/internal/caseload"
	"github.com/iro-app/iro/internal/review"
	"github.com/iro-app/iro/internal/sanitize"
	"github.com/iro-app/iro/tui/components"
)

// challengeNote is written on a recommendation the IRO means to challenge.
// Recording the challenge itself (stages, addressees, deadlines) comes with
// the dispute resolution screen; until then the note keeps the intent.
const challengeNote = "IRO to raise a challenge"

// carriedNote is written on a recommendation carried forward to this review,
// so its history says where it went.
func (m Model) carriedNote() string { return "carried forward to " + m.meetingName }

var previousColumns = []components.Column{
	{Width: 3},
	{Title: "Recommendation", Flex: 3, Min: 14},
	{Title: "Owner", Flex: 2, Min: 8, Max: 26},
	{Title: "Due", Width: 11},
	{Title: "Status", Width: 11},
	{Title: "Latest", Flex: 3, Min: 6, Max: 40},
}

func (m Model) previousView() listView {
	overdue, carried := 0, 0
	for _, r := range m.s.Previous {
		if review.Overdue(r, m.s.Today) {
			overdue++
		}
		if m.wasCarried(r) {
			carried++
		}
	}
	summary := fmt.Sprintf("%d from earlier reviews · %d OVERDUE · %d carried forward to %s",
		len(m.s.Previous), overdue, carried, m.meetingName)
	return listView{note: m.st.Muted.Render(summary), columns: previousColumns, n: len(m.s.Previous),
		empty: "No open recommendations from earlier reviews.",
		row: func(i int) ([]string, caseload.Status) {
			r := m.s.Previous[i]
			urgency := caseload.OnTrack
			if review.Overdue(r, m.s.Today) {
				urgency = caseload.Overdue
			}
			owner := strings.TrimSpace(r.OwnerRole + " " + r.OwnerName)
			latest := ""
			if n := len(r.Progress); n > 0 {
				latest = r.Progress[n-1].Text
			}
			return []string{components.StatusMark(urgency), sanitize.Line(r.Text), sanitize.Line(owner),
				components.Date(r.Due), review.TrackerStatus(r, m.s.Today), sanitize.Line(latest)}, urgency
		}}
}

// wasCarried reports whether r was already carried forward to this review:
// by its note or, when the note failed to save, by the copy this review holds.
func (m Model) wasCarried(r review.Recommendation) bool { return m.noted(r) || m.carriedCopy(r) }

// noted reports whether r's history says it was carried forward to this review.
func (m Model) noted(r review.Recommendation) bool {
	note := m.carriedNote()
	return slices.ContainsFunc(r.Progress, func(p review.Progress) bool { return p.Text == note })
}

// carriedCopy reports whether this review already holds a copy of r.
func (m Model) carriedCopy(r review.Recommendation) bool {
	return slices.ContainsFunc(m.s.Meeting.Recommendations, func(c review.Recommendation) bool {
		return c.Text == r.Text && c.OwnerRole == r.OwnerRole && c.OwnerName == r.OwnerName
	})
}

func (m Model) previousKey(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	if len(m.s.Previous) == 0 {
		return m, nil
	}
	r := m.s.Previous[m.selected()]
	switch {
	case key.Matches(msg, m.keys.RecDone):
		m.dialog = m.progressDialog(r, review.RecDone)
	case key.Matches(msg, m.keys.RecInProgress):
		m.dialog = m.progressDialog(r, review.RecInProgress)
	case key.Matches(msg, m.keys.RecNotDone):
		m.dialog = m.progressDialog(r, review.RecNotDone)
	case key.Matches(msg, m.keys.CarryForward):
		return m.carryForward(r)
	case key.Matches(msg, m.keys.Challenge):
		p := m.progress(challengeNote, "")
		cmd, _ := m.start(m.addProgress(r.ID, p,
			"Noted: IRO to raise a challenge. Recording the challenge itself comes in a later version of iro."))
		return m, cmd
	}
	return m, nil
}

// progress is a history entry made today.
func (m Model) progress(text string, status review.RecStatus) review.Progress {
	return review.Progress{On: m.s.Today, Text: text, Status: status, Created: m.s.Now().UTC()}
}

// progressDialog asks for a short note and records the new status with it.
// Saying why a recommendation was not done is required: that is the
// evidence of drift the IRO may have to challenge.
func (m Model) progressDialog(r review.Recommendation, status review.RecStatus) *formDialog {
	label := "Note (optional)"
	if status == review.RecNotDone {
		label = "Why was it not done?"
	}
	title := fmt.Sprintf("Mark %s: %s", status.Label(), sanitize.Line(r.Text))
	f := components.NewForm(title, label)
	return &formDialog{form: f, check: func(v []string) (write, int, string) {
		if status == review.RecNotDone && v[0] == "" {
			return nil, 0, "Say why it was not done."
		}
		what := fmt.Sprintf("Marked %s: %s", status.Label(), r.Text)
		return m.addProgress(r.ID, m.progress(v[0], status), what), 0, ""
	}}
}

func (m Model) addProgress(recID string, p review.Progress, what string) write {
	be := m.backend
	return func(ctx context.Context) saved {
		return saved{err: be.AddProgress(ctx, recID, &p), what: what, progress: &progressAdded{recID: recID, entry: p}}
	}
}

// carryForward makes a copy of r owned by this review and notes on r where
// it went. The copy is written first: a note pointing at a copy that does
// not exist would be worse than a copy without a note, and pressing c again
// then writes only the missing note.
func (m Model) carryForward(r review.Recommendation) (Model, tea.Cmd) {
	switch {
	case r.Status != review.RecNotDone && r.Status != review.RecInProgress:
		m.setStatus(fmt.Sprintf("Only a recommendation in progress or not done is carried forward; this one is %s. Mark it with i or n first.", r.Status.Label()), true)
		return m, nil
	case m.noted(r):
		m.setStatus("Already carried forward to "+m.meetingName+".", false)
		return m, nil
	}
	var copied *review.Recommendation
	if !m.carriedCopy(r) {
		c := review.CarryForward(r, m.s.Review.ID)
		copied = &c
	}
	be, childID, note := m.backend, m.s.Child.ID, m.progress(m.carriedNote(), "")
	what := "Carried forward to " + m.meetingName + ": " + r.Text
	cmd, _ := m.start(func(ctx context.Context) saved {
		res := saved{what: what}
		if copied != nil {
			if err := be.AddRecommendation(ctx, childID, copied); err != nil {
				res.err = err
				return res
			}
			res.carried = copied
		}
		if err := be.AddProgress(ctx, r.ID, &note); err != nil {
			res.err = fmt.Errorf("carried forward, but the note on the old recommendation was not saved (press c again): %w", err)
			return res
		}
		res.progress = &progressAdded{recID: r.ID, entry: note}
		return res
	})
	return m, cmd
}
