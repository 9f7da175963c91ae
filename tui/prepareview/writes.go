package prepareview

import (
	"context"
	"slices"

	tea "charm.land/bubbletea/v2"

	"github.com/iro-app/iro/internal/review"
)

// saved is the reply of every write: what it committed (the fields set) and
// the failure, if any. The records are the copies the Backend wrote, so they
// carry the ids and versions it gave them.
type saved struct {
	seq  int
	err  error
	what string // the status line on success

	consultation *review.Consultation
	document     *review.Document
	check        *review.ChecklistItem
	progress     *progressAdded
	deleted      string // id of a deleted section

	// A write of two steps can fail after its first step committed; these
	// hold only what committed and are applied even when err is set.
	carried  *review.Recommendation // see carryForward
	sections []review.Section       // as they now stand in the store; see swapSections
}

// progressAdded is a history entry written to a previous recommendation.
type progressAdded struct {
	recID string
	entry review.Progress
}

// write is one change as the work of a command: it calls the Backend and
// says what it committed. It runs off the event loop and touches only its
// own copies.
type write func(ctx context.Context) saved

// start runs w as a command whose reply carries a new sequence number, which
// it returns so a dialog can wait for that reply.
func (m *Model) start(w write) (tea.Cmd, int) {
	m.seq++
	seq := m.seq
	return func() tea.Msg {
		r := w(context.Background())
		r.seq = seq
		return r
	}, seq
}

// saved applies a reply. The in-memory session changes only for what the
// store committed; a failure is shown, and the dialog that asked for it
// stays open with everything typed in it.
func (m Model) saved(r saved) Model {
	waiting := m.dialog != nil && m.dialog.waiting == r.seq
	if r.carried != nil {
		m.s.Meeting.Recommendations = append(m.s.Meeting.Recommendations, *r.carried)
	}
	if r.sections != nil {
		m.applySections(r.sections)
	}
	if r.err != nil {
		reason := "NOT SAVED — " + r.err.Error()
		m.setStatus(reason, true)
		if waiting {
			d := *m.dialog
			d.waiting = 0
			d.form.SetError(len(d.form.Values())-1, reason)
			m.dialog = &d
		}
		m.rescroll()
		return m
	}
	m.setStatus(r.what, false)
	if waiting {
		m.dialog = nil
	}
	meet := &m.s.Meeting
	switch {
	case r.consultation != nil:
		meet.Consultations = append(meet.Consultations, *r.consultation)
		sortConsultations(meet.Consultations)
		m.cursor[consultationsPart].pos = slices.IndexFunc(meet.Consultations, func(c review.Consultation) bool { return c.ID == r.consultation.ID })
	case r.document != nil:
		meet.Documents = replaceOrAppend(meet.Documents, *r.document, func(d review.Document) bool { return d.Kind == r.document.Kind })
	case r.check != nil:
		meet.Checklist = replaceOrAppend(meet.Checklist, *r.check, func(it review.ChecklistItem) bool { return it.Topic == r.check.Topic })
	case r.progress != nil:
		if i := slices.IndexFunc(m.s.Previous, func(rec review.Recommendation) bool { return rec.ID == r.progress.recID }); i >= 0 {
			rec := &m.s.Previous[i]
			rec.Progress = append(slices.Clone(rec.Progress), r.progress.entry)
			if r.progress.entry.Status != "" {
				rec.Status = r.progress.entry.Status
			}
		}
	case r.deleted != "":
		meet.Sections = slices.DeleteFunc(meet.Sections, func(s review.Section) bool { return s.ID == r.deleted })
	}
	m.rescroll()
	return m
}

// applySections puts sections as stored into the agenda, in order, keeping
// the cursor on the section it was on; a single section (added, renamed)
// takes the cursor so the IRO sees it.
func (m *Model) applySections(sections []review.Section) {
	meet := &m.s.Meeting
	current := m.selectedSectionID()
	if len(sections) == 1 {
		current = sections[0].ID
	}
	for _, s := range sections {
		meet.Sections = replaceOrAppend(meet.Sections, s, func(old review.Section) bool { return old.ID == s.ID })
	}
	sortSections(meet.Sections)
	m.cursor[agendaPart].pos = max(slices.IndexFunc(meet.Sections, func(s review.Section) bool { return s.ID == current }), 0)
}

// rescroll keeps every part's cursor on a row after rows came or went.
func (m *Model) rescroll() {
	for p := range partCount {
		m.cursor[p].scroll(m.count(p), m.rows())
	}
}

// replaceOrAppend puts v in place of the element that same matches, or at
// the end when none does.
func replaceOrAppend[T any](list []T, v T, same func(T) bool) []T {
	if i := slices.IndexFunc(list, same); i >= 0 {
		list[i] = v
		return list
	}
	return append(list, v)
}
