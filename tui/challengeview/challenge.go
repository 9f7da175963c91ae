// Package challengeview is the challenge screen: a child's disputes with the
// local authority, each walked up the dispute-resolution ladder with its
// response clocks, as an append-only history.
package challengeview

import (
	"context"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/iro-app/iro/internal/calendar"
	"github.com/iro-app/iro/internal/caseload"
	"github.com/iro-app/iro/internal/challenge"
	"github.com/iro-app/iro/internal/child"
	"github.com/iro-app/iro/internal/sanitize"
	"github.com/iro-app/iro/tui/components"
	"github.com/iro-app/iro/tui/keys"
	"github.com/iro-app/iro/tui/styles"
)

// Backend is what the screen writes; each call is one committed transaction.
type Backend interface {
	RaiseChallengeNow(ctx context.Context, c *challenge.Challenge) error
	AppendChallengeStepNow(ctx context.Context, challengeID string, s *challenge.Step) error
}

// Draft starts a challenge from something the IRO was looking at: a review
// or a recommendation that has drifted.
type Draft struct {
	ReviewID, RecommendationID string
	Issue, Decision            string
	Category                   challenge.Category
}

// Session is what the screen starts from.
type Session struct {
	Child      child.Child
	Challenges []challenge.Challenge // oldest first
	Ladder     challenge.Ladder
	IROName    string
	Today      calendar.Date
	Now        func() time.Time
	Calendar   *calendar.Calendar
	Raise      *Draft // open the raise form at once, filled in from this
}

// Done tells the app the IRO left the screen.
type Done struct{ ChildID string }

type saved struct {
	what      string
	err       error
	challenge *challenge.Challenge // a newly raised challenge
	step      *challenge.Step      // a step appended to the selected one
	index     int
}

// Model is the challenge screen.
type Model struct {
	st     styles.Styles
	keys   keys.Challenge
	be     Backend
	s      Session
	cursor int
	modal  *dialog
	status string
	letter bool // show the latest letter in full
	scroll int  // first line of the detail pane shown (long letters)
	width  int
	height int
}

// New opens the screen, with the raise form open when the session has a draft.
func New(st styles.Styles, be Backend, s Session) Model {
	m := Model{st: st, keys: keys.DefaultChallenge(), be: be, s: s, cursor: max(len(s.Challenges)-1, 0)}
	if s.Raise != nil {
		m.modal = newRaiseDialog(s, *s.Raise)
	}
	return m
}

// Init has nothing to start.
func (m Model) Init() tea.Cmd { return nil }

// SetSize gives the screen its width and height.
func (m *Model) SetSize(w, h int) { m.width, m.height = w, h }

// Capturing reports whether a dialog has the keys.
func (m Model) Capturing() bool { return m.modal != nil }

// Challenges are the child's challenges as the screen holds them.
func (m Model) Challenges() []challenge.Challenge { return m.s.Challenges }

// Update handles one message.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case saved:
		return m.saved(msg), nil
	case tea.KeyPressMsg:
		if m.modal != nil {
			return m.updateModal(msg)
		}
		return m.handleKey(msg)
	}
	return m, nil
}

func (m Model) handleKey(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	n := len(m.s.Challenges)
	switch {
	case key.Matches(msg, m.keys.Up):
		m.cursor, m.scroll = max(m.cursor-1, 0), 0
	case key.Matches(msg, m.keys.Down):
		m.cursor, m.scroll = min(m.cursor+1, max(n-1, 0)), 0
	case key.Matches(msg, m.keys.PageDown):
		m.scroll += max(m.height/2, 1)
	case key.Matches(msg, m.keys.PageUp):
		m.scroll = max(m.scroll-max(m.height/2, 1), 0)
	case key.Matches(msg, m.keys.Back):
		id := m.s.Child.ID
		return m, func() tea.Msg { return Done{ChildID: id} }
	case key.Matches(msg, m.keys.Raise):
		m.modal = newRaiseDialog(m.s, Draft{})
	case key.Matches(msg, m.keys.Letter):
		m.letter, m.scroll = !m.letter, 0
	case n == 0:
		m.status = "No challenge yet: press n to raise one."
	case key.Matches(msg, m.keys.Escalate):
		m.modal = newEscalateDialog(m.s, m.selected())
	case key.Matches(msg, m.keys.Response):
		m.modal = newResponseDialog(m.s.Today)
	case key.Matches(msg, m.keys.Outcome):
		m.modal = newOutcomeDialog(m.s.Today)
	case key.Matches(msg, m.keys.Correct):
		m.modal = newCorrectionDialog(m.selected())
	}
	return m, nil
}

func (m Model) selected() challenge.Challenge { return m.s.Challenges[m.cursor] }

func (m Model) updateModal(msg tea.Msg) (Model, tea.Cmd) {
	res := m.modal.update(msg)
	switch res {
	case components.FormCancelled:
		m.modal = nil
		return m, nil
	case components.FormSubmitted:
		return m.submit()
	}
	return m, nil
}

// submit checks the dialog's step against the rules and saves it; a refusal
// stays in the dialog with its reason, losing nothing typed.
func (m Model) submit() (Model, tea.Cmd) {
	d := m.modal
	if d.kind == raiseDialog {
		c, err := d.challenge(m.s)
		if err != nil {
			d.refuse(err)
			return m, nil
		}
		be := m.be
		return m, func() tea.Msg {
			err := be.RaiseChallengeNow(context.Background(), &c)
			return saved{what: "Challenge raised; the letter is ready to send (l shows it).", err: err, challenge: &c}
		}
	}
	c := m.selected()
	steps, err := d.steps(m.s, c)
	if err == nil {
		steps, err = validate(c, steps, m.s)
	}
	if err != nil {
		d.refuse(err)
		return m, nil
	}
	be, index, id := m.be, m.cursor, c.ID
	var cmds []tea.Cmd
	for i := range steps {
		s := steps[i]
		cmds = append(cmds, func() tea.Msg {
			err := be.AppendChallengeStepNow(context.Background(), id, &s)
			return saved{what: d.done, err: err, step: &s, index: index}
		})
	}
	return m, tea.Sequence(cmds...)
}

// validate completes each step in turn against the history it joins, and
// writes the letter for a step that sends the challenge to someone.
func validate(c challenge.Challenge, steps []challenge.Step, s Session) ([]challenge.Step, error) {
	out := make([]challenge.Step, 0, len(steps))
	for _, st := range steps {
		done, err := challenge.Append(c, st, s.Ladder, s.Calendar)
		if err != nil {
			return nil, err
		}
		if done.Kind == challenge.Sent {
			done.Text = letter(s, c, done)
		}
		c.Steps = append(c.Steps, done)
		out = append(out, done)
	}
	return out, nil
}

func (m Model) saved(msg saved) Model {
	if msg.err != nil {
		m.status = "NOT SAVED — " + msg.err.Error()
		if m.modal != nil {
			m.modal.refuse(msg.err)
		}
		return m
	}
	m.modal, m.status = nil, msg.what
	switch {
	case msg.challenge != nil:
		m.s.Challenges = append(m.s.Challenges, *msg.challenge)
		m.cursor = len(m.s.Challenges) - 1
		m.letter = true
	case msg.step != nil:
		c := &m.s.Challenges[msg.index]
		c.Steps = append(c.Steps, *msg.step)
		m.letter = msg.step.Kind == challenge.Sent
	}
	return m
}

// ShortHelp lists the keys that work now.
func (m Model) ShortHelp() []key.Binding {
	if m.modal != nil {
		return m.modal.help()
	}
	return []key.Binding{m.keys.Raise, m.keys.Escalate, m.keys.Response, m.keys.Outcome, m.keys.Back}
}

// FullHelp lists every key of the screen.
func (m Model) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{m.keys.Raise, m.keys.Escalate, m.keys.Response, m.keys.Outcome, m.keys.Correct},
		{m.keys.Up, m.keys.Down, m.keys.PageDown, m.keys.PageUp, m.keys.Letter, m.keys.Back},
	}
}

var listColumns = []components.Column{
	{Title: "", Width: 3},
	{Title: "Raised", Width: 11},
	{Title: "About", Width: 14},
	{Title: "Stage", Flex: 2, Min: 10, Max: 28},
	{Title: "Now", Flex: 3, Min: 16},
	{Title: "Formal", Width: 9, Right: true},
}

// View draws the list, the selected challenge and its history.
func (m Model) View() string {
	var b strings.Builder
	open := 0
	for _, c := range m.s.Challenges {
		if challenge.StatusOf(c, m.s.Ladder, m.s.Today, m.s.Calendar).Open {
			open++
		}
	}
	b.WriteString(m.st.Header.Render("Challenges") + " · " + sanitize.Line(m.s.Child.Name()) +
		m.st.Muted.Render(fmt.Sprintf(" · %d open of %d", open, len(m.s.Challenges))) + "\n")
	if m.status != "" {
		b.WriteString(sanitize.Line(m.status) + "\n")
	}
	if len(m.s.Challenges) == 0 {
		b.WriteString("\n" + m.st.Muted.Render("No challenges raised for this child. Press n to raise one.") + "\n")
	} else {
		widths := components.Layout(listColumns, m.width)
		b.WriteString(m.st.Column.Render(components.Header(listColumns, widths)) + "\n")
		for i, c := range m.s.Challenges {
			b.WriteString(m.row(c, i == m.cursor, widths) + "\n")
		}
		b.WriteString("\n" + m.scrolled(m.detail(m.selected())))
	}
	body := b.String()
	if m.modal != nil {
		body = components.Overlay(components.Frame(body, m.width, m.height), m.modal.view(m.st, min(m.width-4, 76)), m.width)
	}
	return components.Frame(body, m.width, m.height)
}

// scrolled drops the detail lines scrolled past, keeping at least the last.
func (m Model) scrolled(detail string) string {
	lines := strings.Split(detail, "\n")
	return strings.Join(lines[min(m.scroll, max(len(lines)-2, 0)):], "\n")
}

func (m Model) row(c challenge.Challenge, selected bool, widths []int) string {
	st := challenge.StatusOf(c, m.s.Ladder, m.s.Today, m.s.Calendar)
	urgency := caseload.OnTrack
	now := outcomeWords(st)
	switch {
	case st.Open && st.ResponseOverdue:
		urgency = caseload.Overdue
		now = "response OVERDUE since " + components.Date(st.ResponseDue)
	case st.Open && st.AwaitingResponse:
		now = "response due " + components.Date(st.ResponseDue)
	case st.Open:
		now = "open: decide the next step"
	}
	formal := "—"
	if !st.FormalStart.IsZero() {
		formal = fmt.Sprintf("%d/%d wd", st.FormalWorkingDays, challenge.FormalLimitWorkingDays)
		if st.FormalExceeded && urgency != caseload.Overdue {
			urgency = caseload.Overdue
		}
	}
	cursor := " "
	if selected {
		cursor = "›"
	}
	line := components.Row(listColumns, widths, []string{cursor + components.StatusMark(urgency), components.Date(c.Raised),
		c.Category.Label(), sanitize.Line(st.StageName), now, formal})
	style := components.StatusStyle(m.st, urgency)
	if selected {
		style = style.Inherit(m.st.Selected)
	}
	return style.Render(line)
}

func outcomeWords(st challenge.Status) string {
	if st.Final == "" {
		return ""
	}
	return st.Final.Label()
}

func (m Model) detail(c challenge.Challenge) string {
	var b strings.Builder
	field := func(label, value string) {
		b.WriteString(m.st.Muted.Render(components.Fit(label, 10)) + sanitize.Line(value) + "\n")
	}
	field("Issue", c.Issue)
	field("Decision", c.Decision)
	field("Remedy", c.Remedy)
	st := challenge.StatusOf(c, m.s.Ladder, m.s.Today, m.s.Calendar)
	if st.FormalExceeded {
		b.WriteString(m.st.Overdue.Render(fmt.Sprintf("!! The formal process has taken %d working days: more than the %d allowed.",
			st.FormalWorkingDays, challenge.FormalLimitWorkingDays)) + "\n")
	}
	if m.letter {
		if s, ok := latestSent(c); ok {
			b.WriteString("\n" + m.st.Section.Render("Letter to "+sanitize.Line(s.Addressee)) + "\n")
			b.WriteString(components.Wrap(sanitize.Text(s.Text), m.width) + "\n")
			return b.String()
		}
	}
	b.WriteString("\n" + m.st.Section.Render("History") + "\n")
	for i, s := range c.Steps {
		b.WriteString(fmt.Sprintf("%2d %s  %s\n", i+1, components.Date(s.On), sanitize.Line(stepWords(s))))
	}
	return b.String()
}

func latestSent(c challenge.Challenge) (challenge.Step, bool) {
	for i := len(c.Steps) - 1; i >= 0; i-- {
		if c.Steps[i].Kind == challenge.Sent {
			return c.Steps[i], true
		}
	}
	return challenge.Step{}, false
}

func stepWords(s challenge.Step) string {
	switch s.Kind {
	case challenge.Sent:
		return fmt.Sprintf("sent to %s (%s), response due %s", s.Addressee, s.StageName, components.Date(s.ResponseDue))
	case challenge.Response:
		return "response: " + firstLine(s.Text)
	case challenge.Closed:
		if s.Text != "" {
			return s.Outcome.Label() + ": " + firstLine(s.Text)
		}
		return s.Outcome.Label()
	}
	return "correction: " + firstLine(s.Text)
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i] + " …"
	}
	return s
}
