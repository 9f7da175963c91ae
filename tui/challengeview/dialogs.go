package challengeview

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/iro-app/iro/internal/calendar"
	"github.com/iro-app/iro/internal/challenge"
	"github.com/iro-app/iro/internal/review"
	"github.com/iro-app/iro/tui/components"
	"github.com/iro-app/iro/tui/styles"
)

type dialogKind int

const (
	raiseDialog dialogKind = iota
	escalateDialog
	responseDialog
	outcomeDialog
	correctionDialog
)

// dialog is one of the screen's forms; the fields are in the order the
// constructors give them.
type dialog struct {
	kind         dialogKind
	form         components.Form
	draft        Draft
	done         string // status line once saved
	defaultStage int    // the stage an empty Stage field means
}

// stage is the Stage field's text, or the default stage's number when empty.
func (d *dialog) stage(_ challenge.Ladder, s string) string {
	if strings.TrimSpace(s) == "" {
		return strconv.Itoa(d.defaultStage + 1)
	}
	return s
}

func (d *dialog) update(msg tea.Msg) components.FormResult {
	var res components.FormResult
	d.form, _, res = d.form.Update(msg)
	return res
}

func (d *dialog) view(st styles.Styles, w int) string { return d.form.View(st, w) }
func (d *dialog) help() []key.Binding                 { return d.form.ShortHelp() }
func (d *dialog) refuse(err error)                    { d.form.SetError(0, err.Error()) }

// The raise form's fields.
const (
	fCategory = iota
	fIssue
	fDecision
	fRemedy
	fStage
	fAddressee
	fSent
)

func newRaiseDialog(s Session, draft Draft) *dialog {
	f := components.NewForm("Raise a challenge", "About (drift / delay, care plan, placement, health, education, contact, permanence, participation, practice)",
		"The issue, in your words", "The decision it concerns", "The remedy you seek",
		stageLabel(s.Ladder), "Addressee (the person's name)", "Sent on (date, today)")
	var labels []string
	for _, c := range challenge.Categories() {
		labels = append(labels, c.Label())
	}
	f.SetSuggestions(fCategory, labels)
	if draft.Category != "" {
		f.SetValue(fCategory, draft.Category.Label())
	}
	f.SetValue(fIssue, draft.Issue)
	f.SetValue(fDecision, draft.Decision)
	f.SetPlaceholder(fStage, "1")
	f.SetPlaceholder(fSent, "today")
	d := &dialog{kind: raiseDialog, draft: draft, done: "Challenge raised.", defaultStage: 0}
	d.form = f.WithPreview(func(v []string) string { return stagePreview(s, d.stage(s.Ladder, v[fStage]), v[fSent], -1) })
	return d
}

// challenge builds the new challenge with its first step, checked by the rules.
func (d *dialog) challenge(s Session) (challenge.Challenge, error) {
	v := d.form.Values()
	cat, err := challenge.ParseCategory(v[fCategory])
	if err != nil {
		return challenge.Challenge{}, err
	}
	if v[fIssue] == "" {
		return challenge.Challenge{}, errors.New("say what the issue is")
	}
	stage, err := parseStage(s.Ladder, d.stage(s.Ladder, v[fStage]))
	if err != nil {
		return challenge.Challenge{}, err
	}
	on, err := review.ParsePastDay(v[fSent], s.Today)
	if err != nil {
		return challenge.Challenge{}, err
	}
	if v[fAddressee] == "" {
		return challenge.Challenge{}, errors.New("name the person the challenge goes to")
	}
	c := challenge.Challenge{ChildID: s.Child.ID, ReviewID: d.draft.ReviewID, RecommendationID: d.draft.RecommendationID,
		Raised: on, Category: cat, Issue: v[fIssue], Decision: v[fDecision], Remedy: v[fRemedy]}
	sent, err := challenge.Append(c, challenge.Step{Kind: challenge.Sent, On: on, Stage: stage, Addressee: v[fAddressee]}, s.Ladder, s.Calendar)
	if err != nil {
		return challenge.Challenge{}, err
	}
	sent.Text = letter(s, c, sent)
	c.Steps = []challenge.Step{sent}
	return c, nil
}

func letter(s Session, c challenge.Challenge, sent challenge.Step) string {
	return challenge.Letter(challenge.LetterInput{Challenge: c, Stage: s.Ladder.Stages[sent.Stage], Addressee: sent.Addressee,
		ChildName: s.Child.Name(), IROName: s.IROName, Sent: sent.On, ResponseDue: sent.ResponseDue})
}

func newEscalateDialog(s Session, c challenge.Challenge) *dialog {
	last := challenge.StatusOf(c, s.Ladder, s.Today, s.Calendar).Stage
	f := components.NewForm("Escalate", stageLabel(s.Ladder), "Addressee (the person's name)", "Sent on (date, today)", "Why (optional)")
	next := min(last+1, len(s.Ladder.Stages)-1)
	f.SetPlaceholder(0, strconv.Itoa(next+1))
	f.SetPlaceholder(2, "today")
	d := &dialog{kind: escalateDialog, done: "Escalated; the letter is ready to send.", defaultStage: next}
	d.form = f.WithPreview(func(v []string) string { return stagePreview(s, d.stage(s.Ladder, v[0]), v[2], last) })
	return d
}

func newResponseDialog(today calendar.Date) *dialog {
	f := components.NewForm("Record the response", "What they said", "Received on (date, today)")
	f.SetPlaceholder(1, "today")
	return &dialog{kind: responseDialog, form: f, done: "Response recorded."}
}

func newOutcomeDialog(today calendar.Date) *dialog {
	f := components.NewForm("Record the outcome", "Outcome (resolved, withdrawn, referred to Cafcass)", "Reason (required for Cafcass)", "On (date, today)")
	f.SetSuggestions(0, []string{challenge.Resolved.Label(), challenge.Withdrawn.Label(), challenge.ReferredCafcass.Label()})
	f.SetPlaceholder(2, "today")
	return &dialog{kind: outcomeDialog, form: f, done: "Outcome recorded."}
}

func newCorrectionDialog(c challenge.Challenge) *dialog {
	f := components.NewForm("Correct an entry (the history is never edited)", fmt.Sprintf("Entry number (1–%d)", len(c.Steps)), "The correction")
	return &dialog{kind: correctionDialog, form: f, done: "Correction added."}
}

// steps turns a filled dialog into the steps it appends.
func (d *dialog) steps(s Session, c challenge.Challenge) ([]challenge.Step, error) {
	v := d.form.Values()
	switch d.kind {
	case escalateDialog:
		stage, err := parseStage(s.Ladder, d.stage(s.Ladder, v[0]))
		if err != nil {
			return nil, err
		}
		on, err := review.ParsePastDay(v[2], s.Today)
		if err != nil {
			return nil, err
		}
		if v[1] == "" {
			return nil, errors.New("name the person the challenge goes to")
		}
		sent := challenge.Step{Kind: challenge.Sent, On: on, Stage: stage, Addressee: v[1]}
		return []challenge.Step{{Kind: challenge.Closed, On: on, Outcome: challenge.Escalated, Text: v[3]}, sent}, nil
	case responseDialog:
		on, err := review.ParsePastDay(v[1], s.Today)
		if err != nil {
			return nil, err
		}
		if v[0] == "" {
			return nil, errors.New("write what they said")
		}
		return []challenge.Step{{Kind: challenge.Response, On: on, Text: v[0]}}, nil
	case outcomeDialog:
		outcome, err := challenge.ParseOutcome(v[0])
		if err != nil {
			return nil, err
		}
		if outcome == challenge.Escalated {
			return nil, errors.New("to escalate, press e: it sends the challenge to the next stage")
		}
		on, err := review.ParsePastDay(v[2], s.Today)
		if err != nil {
			return nil, err
		}
		return []challenge.Step{{Kind: challenge.Closed, On: on, Outcome: outcome, Text: v[1]}}, nil
	case correctionDialog:
		n, err := strconv.Atoi(v[0])
		if err != nil || n < 1 || n > len(c.Steps) {
			return nil, fmt.Errorf("give the number of the entry to correct, 1 to %d", len(c.Steps))
		}
		if v[1] == "" {
			return nil, errors.New("write the correction")
		}
		return []challenge.Step{{Kind: challenge.Correction, On: s.Today, Corrects: c.Steps[n-1].ID, Text: v[1]}}, nil
	}
	return nil, errors.New("nothing to save")
}

func stageLabel(l challenge.Ladder) string {
	names := make([]string, len(l.Stages))
	for i, st := range l.Stages {
		names[i] = fmt.Sprintf("%d %s", i+1, st.Name)
	}
	return "Stage (" + strings.Join(names, ", ") + ")"
}

// parseStage reads a stage as its number on the ladder or the start of its name.
func parseStage(l challenge.Ladder, s string) (int, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if n, err := strconv.Atoi(s); err == nil && n >= 1 && n <= len(l.Stages) {
		return n - 1, nil
	}
	for i, st := range l.Stages {
		if s != "" && strings.HasPrefix(strings.ToLower(st.Name), s) {
			return i, nil
		}
	}
	return 0, fmt.Errorf("%q is not a stage: give its number, 1 to %d", s, len(l.Stages))
}

// stagePreview shows who the challenge goes to and when the answer is due,
// so the IRO sees the deadline before sending.
func stagePreview(s Session, stage, sent string, after int) string {
	i, err := parseStage(s.Ladder, stage)
	if err != nil {
		return "" // the refusal on enter says why
	}
	if i <= after {
		return fmt.Sprintf("Stage %d comes before the current one: pick a later stage (skipping is allowed).", i+1)
	}
	on, err := review.ParsePastDay(sent, s.Today)
	if err != nil {
		return err.Error()
	}
	st := s.Ladder.Stages[i]
	due := s.Calendar.AddWorkingDays(on, st.WorkingDays)
	return fmt.Sprintf("%s (%s): response due %s, %d working days", st.Name, st.Addressee, due.Time().Format("Mon 02 Jan 2006"), st.WorkingDays)
}
