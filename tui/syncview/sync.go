// Package syncview is the sync screen: what is waiting to go to the server,
// the conflicts another device's changes made (the IRO keeps theirs, takes
// the server's or merges the two), the changes the server refused and the
// records from the server this laptop could not store.
// Syncing itself runs in the app; this screen asks for it with SyncNow.
package syncview

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/iro-app/iro/internal/child"
	"github.com/iro-app/iro/internal/sanitize"
	"github.com/iro-app/iro/store"
	"github.com/iro-app/iro/tui/components"
	"github.com/iro-app/iro/tui/editor"
	"github.com/iro-app/iro/tui/keys"
	"github.com/iro-app/iro/tui/styles"
)

// Backend is what the screen needs of the store; *store.DB provides it.
type Backend interface {
	SyncCounts(ctx context.Context) (store.SyncCounts, error)
	SyncConflicts(ctx context.Context) ([]store.SyncConflict, error)
	ResolveConflict(ctx context.Context, id int64, value json.RawMessage) error
	RejectedOps(ctx context.Context) ([]store.RejectedOp, error)
	SetAsideRecords(ctx context.Context) ([]store.SetAsideRecord, error)
	Child(ctx context.Context, id string) (child.Child, error)
}

// Messages to the app.
type (
	// Done tells the app the IRO left the screen.
	Done struct{}
	// SyncNow asks the app to sync at once.
	SyncNow struct{}
	// Changed tells the app a conflict was resolved, so its counts moved.
	Changed struct{}
)

// Messages from the app.
type (
	// Syncing tells the screen a sync has started.
	Syncing struct{}
	// Synced tells the screen a sync ended; Err is nil when it worked.
	Synced struct{ Err error }
)

// EnrolHint is how an IRO enrols a laptop.
const EnrolHint = "iro sync enrol --server URL --code CODE"

// Snapshot is what the screen shows, read in one go.
type Snapshot struct {
	Counts    store.SyncCounts
	Conflicts []store.SyncConflict
	Rejected  []store.RejectedOp
	SetAside  []store.SetAsideRecord
	Names     map[string]string // child id → name, for the conflicts
}

// what names a conflict for the IRO: whose record, which thing, which field.
func (s Snapshot) what(c store.SyncConflict) string {
	w := Thing(c.Entity) + " · " + Field(c.Field)
	if name := s.Names[c.ChildID]; name != "" {
		w = sanitize.Line(name) + " · " + w
	}
	return w
}

// Load reads a Snapshot. It does I/O: call it from a command.
func Load(ctx context.Context, be Backend) (Snapshot, error) {
	var s Snapshot
	var err error
	if s.Counts, err = be.SyncCounts(ctx); err != nil {
		return s, err
	}
	if s.Conflicts, err = be.SyncConflicts(ctx); err != nil {
		return s, err
	}
	s.Names = map[string]string{}
	for _, c := range s.Conflicts {
		if _, done := s.Names[c.ChildID]; done {
			continue
		}
		// A child purged since the conflict leaves the name out, not the row.
		if ch, err := be.Child(ctx, c.ChildID); err == nil {
			s.Names[c.ChildID] = ch.FirstName + " " + ch.LastName
		}
	}
	if s.Rejected, err = be.RejectedOps(ctx); err != nil {
		return s, err
	}
	s.SetAside, err = be.SetAsideRecords(ctx)
	return s, err
}

// Session is what the screen opens with.
type Session struct {
	Snapshot
	Now     func() time.Time
	Syncing bool // a sync is running as the screen opens
}

type (
	loadedMsg struct {
		gen  int
		snap Snapshot
		err  error
	}
	resolvedMsg struct {
		done string
		err  error
	}
)

// Model is the sync screen.
type Model struct {
	st   styles.Styles
	keys keys.Sync
	be   Backend
	now  func() time.Time

	snap    Snapshot
	syncing bool
	busy    bool // a resolution is being saved
	gen     int  // of the latest reload; older replies are dropped
	status  string
	failed  bool // status is a failure

	cursor, offset int // over the conflicts, the rejected changes, then the records set aside

	merging bool
	mergeID int64
	merge   editor.Model

	width, height int
}

// New opens the screen on what Load read.
func New(st styles.Styles, be Backend, s Session) Model {
	now := s.Now
	if now == nil {
		now = time.Now
	}
	return Model{st: st, keys: keys.DefaultSync(), be: be, now: now, snap: s.Snapshot, syncing: s.Syncing}
}

// SetSize gives the screen its width and height.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	if m.merging {
		m.merge.SetSize(w, m.mergeRows())
	}
	m.scroll()
}

// Capturing reports whether the merge box has focus, so letters are text.
func (m Model) Capturing() bool { return m.merging }

// Snapshot is what the screen shows now.
func (m Model) Snapshot() Snapshot { return m.snap }

// Merging reports whether the merge box is open.
func (m Model) Merging() bool { return m.merging }

func (m Model) items() int {
	return len(m.snap.Conflicts) + len(m.snap.Rejected) + len(m.snap.SetAside)
}

// selectedSetAside is the record set aside under the cursor, if it is on one.
func (m Model) selectedSetAside() (store.SetAsideRecord, bool) {
	if i := m.cursor - len(m.snap.Conflicts) - len(m.snap.Rejected); i >= 0 && i < len(m.snap.SetAside) {
		return m.snap.SetAside[i], true
	}
	return store.SetAsideRecord{}, false
}

// selectedConflict is the conflict under the cursor, if it is on one.
func (m Model) selectedConflict() (store.SyncConflict, bool) {
	if m.cursor < len(m.snap.Conflicts) {
		return m.snap.Conflicts[m.cursor], true
	}
	return store.SyncConflict{}, false
}

func (m Model) conflict(id int64) (store.SyncConflict, bool) {
	for _, c := range m.snap.Conflicts {
		if c.ID == id {
			return c, true
		}
	}
	return store.SyncConflict{}, false
}

// Update handles a message for this screen.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case loadedMsg:
		if msg.gen != m.gen {
			return m, nil
		}
		m.busy = false
		if msg.err != nil {
			m.say("Could not read the sync state: "+msg.err.Error(), true)
			return m, nil
		}
		m.snap = msg.snap
		m.cursor = min(m.cursor, max(m.items()-1, 0))
		if _, ok := m.conflict(m.mergeID); m.merging && !ok {
			m.merging = false
			m.say("That conflict has been resolved already; nothing was merged.", true)
		}
		m.scroll()
		return m, nil
	case resolvedMsg:
		if msg.err != nil {
			m.busy = false
			m.say("Could not save your choice: "+msg.err.Error(), true)
			return m, nil
		}
		m.merging = false
		m.say(msg.done, false)
		return m, tea.Batch(m.reload(), func() tea.Msg { return Changed{} })
	case Syncing:
		m.syncing = true
		return m, nil
	case Synced:
		m.syncing = false
		if msg.Err != nil {
			m.say("Sync failed: "+msg.Err.Error(), true)
		} else {
			m.say("Synced.", false)
		}
		return m, m.reload()
	case tea.PasteMsg:
		if m.merging {
			var cmd tea.Cmd
			m.merge, cmd = m.merge.Update(msg)
			return m, cmd
		}
	case tea.KeyPressMsg:
		if m.merging {
			return m.updateMerge(msg)
		}
		return m.keyPress(msg)
	}
	return m, nil
}

func (m *Model) say(s string, failed bool) {
	m.status, m.failed = s, failed
	if m.merging { // the merge box's room depends on the status line
		m.merge.SetSize(m.width, m.mergeRows())
	}
}

// reload reads the snapshot again; replies to earlier reloads are dropped.
func (m *Model) reload() tea.Cmd {
	m.gen++
	gen, be := m.gen, m.be
	return func() tea.Msg {
		snap, err := Load(context.Background(), be)
		return loadedMsg{gen: gen, snap: snap, err: err}
	}
}

func (m Model) keyPress(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	if next, ok := components.MoveCursor(m.keys.List, msg, m.cursor, m.items(), m.listRows()); ok {
		m.cursor = next
		m.scroll()
		return m, nil
	}
	switch {
	case key.Matches(msg, m.keys.Back):
		return m, func() tea.Msg { return Done{} }
	case key.Matches(msg, m.keys.SyncNow):
		switch {
		case !m.snap.Counts.Enrolled:
			m.say("This laptop is not enrolled with a sync server: run `"+EnrolHint+"` first.", true)
		case !m.syncing:
			m.syncing = true
			m.say("", false)
			return m, func() tea.Msg { return SyncNow{} }
		}
		return m, nil
	}
	c, ok := m.selectedConflict()
	if !ok || m.busy {
		return m, nil
	}
	what := m.snap.what(c)
	switch {
	case key.Matches(msg, m.keys.KeepMine):
		return m, m.resolve(c.ID, c.Local, "Kept yours: "+what+".")
	case key.Matches(msg, m.keys.TakeServer):
		return m, m.resolve(c.ID, c.Server, "Took the server's: "+what+".")
	case key.Matches(msg, m.keys.Merge):
		if !CanMerge(c) {
			m.say("Only two pieces of text can be merged: keep yours (m) or take the server's (t).", true)
			return m, nil
		}
		mine, _ := asString(c.Local)
		theirs, _ := asString(c.Server)
		m.merge = editor.New()
		m.merge.SetStyles(editor.NewStyles(m.st))
		m.merge.SetText(mine + "\n\n" + theirs)
		m.merge.SetSize(m.width, m.mergeRows())
		m.merge.Focus()
		m.merging, m.mergeID = true, c.ID
		m.say("", false)
	}
	return m, nil
}

func (m Model) updateMerge(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	switch {
	case key.Matches(msg, m.keys.SaveMerge):
		c, ok := m.conflict(m.mergeID)
		if !ok || m.busy {
			return m, nil
		}
		v, err := jsonString(m.merge.Text())
		if err != nil {
			m.say("Could not save the merge: "+err.Error(), true)
			return m, nil
		}
		return m, m.resolve(c.ID, v, "Merged: "+m.snap.what(c)+".")
	case key.Matches(msg, m.keys.CancelMerge):
		m.merging = false
		m.say("Merge cancelled; nothing changed.", false)
		return m, nil
	}
	var cmd tea.Cmd
	m.merge, cmd = m.merge.Update(msg)
	return m, cmd
}

// jsonString is s as a JSON string, with <, > and & left as they are.
func jsonString(s string) (json.RawMessage, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		return nil, err
	}
	return json.RawMessage(bytes.TrimRight(b.Bytes(), "\n")), nil
}

// resolve keeps value for conflict id, off the event loop.
func (m *Model) resolve(id int64, value json.RawMessage, done string) tea.Cmd {
	m.busy = true
	be := m.be
	return func() tea.Msg {
		return resolvedMsg{done: done, err: be.ResolveConflict(context.Background(), id, value)}
	}
}

// ShortHelp lists the keys that work now.
func (m Model) ShortHelp() []key.Binding {
	if m.merging {
		return []key.Binding{m.keys.SaveMerge, m.keys.CancelMerge}
	}
	if c, ok := m.selectedConflict(); ok && m.items() > 0 {
		b := []key.Binding{m.keys.KeepMine, m.keys.TakeServer}
		if CanMerge(c) {
			b = append(b, m.keys.Merge)
		}
		return append(b, m.keys.SyncNow, m.keys.Back)
	}
	if m.items() > 1 {
		return []key.Binding{m.keys.Down, m.keys.Up, m.keys.SyncNow, m.keys.Back}
	}
	return []key.Binding{m.keys.SyncNow, m.keys.Back}
}

// FullHelp lists every key of the screen.
func (m Model) FullHelp() [][]key.Binding {
	if m.merging {
		return append([][]key.Binding{{m.keys.SaveMerge, m.keys.CancelMerge}}, m.merge.KeyMap.FullHelp()...)
	}
	return [][]key.Binding{
		{m.keys.KeepMine, m.keys.TakeServer, m.keys.Merge, m.keys.SaveMerge, m.keys.CancelMerge},
		{m.keys.SyncNow, m.keys.Back},
		{m.keys.Up, m.keys.Down, m.keys.PageUp, m.keys.PageDown, m.keys.Top, m.keys.Bottom},
	}
}

// The parts of the screen, top to bottom: the summary, the list, and the
// selected item in full when there is room.
const (
	detailRows    = 6  // blank, title, four lines of values or reason
	detailMinimum = 16 // screens shorter than this skip the detail
)

func (m Model) showDetail() bool { return m.height >= detailMinimum && m.items() > 0 }

func (m Model) listRows() int {
	rows := m.height - len(m.top())
	if m.showDetail() {
		rows -= detailRows
	}
	return max(rows, 1)
}

func (m Model) mergeRows() int { return max(m.height-len(m.mergeTop()), 1) }

// scroll keeps the cursor's line in view, and the heading of its part too
// when the cursor is on that part's first row.
func (m *Model) scroll() {
	at := m.cursorLine()
	first := at
	if nc, nr := len(m.snap.Conflicts), len(m.snap.Rejected); m.cursor == 0 || m.cursor == nc || m.cursor == nc+nr {
		first = max(at-1, 0)
	}
	m.offset = components.ScrollOffset(at, m.offset, m.listRows(), m.listLen())
	if first < m.offset {
		m.offset = first
	}
}

// View draws the screen.
func (m Model) View() string {
	if m.merging {
		return components.Frame(strings.Join(m.mergeTop(), "\n")+"\n"+m.merge.View(), m.width, m.height)
	}
	out := m.top()
	for i := m.offset; i < min(m.offset+m.listRows(), m.listLen()); i++ {
		out = append(out, m.listLine(i))
	}
	if m.showDetail() {
		for len(out) < m.height-detailRows {
			out = append(out, "")
		}
		out = append(out, m.detail()...)
	}
	return components.Frame(strings.Join(out, "\n"), m.width, m.height)
}

func (m Model) top() []string {
	c := m.snap.Counts
	now := m.now()
	head := "Sync · not enrolled"
	if c.Enrolled {
		var parts []string
		if c.Pending > 0 {
			parts = append(parts, fmt.Sprintf("%d to send", c.Pending))
		} else {
			parts = append(parts, "nothing to send")
		}
		if c.Conflicts > 0 {
			parts = append(parts, Plural(c.Conflicts, "conflict", "conflicts"))
		}
		if c.Rejected > 0 {
			parts = append(parts, fmt.Sprintf("%d rejected", c.Rejected))
		}
		if c.SetAside > 0 {
			parts = append(parts, fmt.Sprintf("%d set aside", c.SetAside))
		}
		head = "Sync · " + strings.Join(parts, " · ")
	}
	lines := []string{m.st.Header.Render(head)}
	if c.Enrolled {
		last := "Never synced."
		if !c.LastSync.IsZero() {
			last = "Last sync " + When(c.LastSync, now) + "."
		}
		if m.syncing {
			last += " Syncing now…"
		}
		lines = append(lines, m.st.Muted.Render(last))
		if c.LastError != "" {
			lines = append(lines, m.st.Error.Render("Last attempt failed: "+sanitize.Line(c.LastError)))
		}
	}
	if m.status != "" {
		style := m.st.OnTrack
		if m.failed {
			style = m.st.Error
		}
		lines = append(lines, style.Render(sanitize.Line(m.status)))
	}
	return append(lines, "")
}

// The list is drawn a line at a time, only the lines in view: a heading
// for the conflicts, a row for each (or a line saying there are none), a
// blank line, then the same for the rejected changes, then, when there are
// any, a blank line, a heading and a row for each record set aside. With
// nothing to list it is a message instead.

// conflictLines is how many lines the conflicts part takes.
func (m Model) conflictLines() int { return 1 + len(m.snap.Conflicts) }

func (m Model) listLen() int {
	if m.items() == 0 {
		return len(m.emptyLines())
	}
	n := m.conflictLines() + 2 + len(m.snap.Rejected)
	if len(m.snap.SetAside) > 0 {
		n += 2 + len(m.snap.SetAside)
	}
	return n
}

// cursorLine is the line the cursor's row is on.
func (m Model) cursorLine() int {
	if m.items() == 0 {
		return 0
	}
	nc, nr := len(m.snap.Conflicts), len(m.snap.Rejected)
	switch {
	case m.cursor < nc:
		return 1 + m.cursor
	case m.cursor < nc+nr:
		return m.conflictLines() + 2 + m.cursor - nc
	}
	return m.conflictLines() + 2 + nr + 2 + m.cursor - nc - nr
}

func (m Model) emptyLines() []string {
	c := m.snap.Counts
	if !c.Enrolled {
		return []string{
			"This laptop is not enrolled with a sync server, so everything stays on it.",
			"To enrol, run in a terminal: " + EnrolHint,
		}
	}
	last := "Never synced."
	if !c.LastSync.IsZero() {
		last = "Last sync " + When(c.LastSync, m.now()) + "."
	}
	if c.Pending == 0 {
		return []string{"Nothing waiting. " + last}
	}
	return []string{"No conflicts and no rejected changes. " + Plural(c.Pending, "change goes", "changes go") +
		" at the next sync. " + last}
}

// listLine draws line i of the list.
func (m Model) listLine(i int) string {
	if m.items() == 0 {
		return m.emptyLines()[i]
	}
	nc, nr := len(m.snap.Conflicts), len(m.snap.Rejected)
	cl := m.conflictLines()
	switch {
	case i == 0 && nc == 0:
		return m.st.Section.Render("Conflicts") + m.st.Muted.Render(" · none")
	case i == 0:
		return m.st.Section.Render(fmt.Sprintf("Conflicts (%d)", nc)) +
			m.st.Muted.Render(" · changed here and on another device: choose what to keep")
	case i < cl:
		c := m.snap.Conflicts[i-1]
		return m.row(i-1, conflictRow(c, m.snap.what(c), m.width-2))
	case i == cl:
		return ""
	case i == cl+1 && nr == 0:
		return m.st.Section.Render("Rejected changes") + m.st.Muted.Render(" · none")
	case i == cl+1:
		return m.st.Section.Render(fmt.Sprintf("Rejected changes (%d)", nr)) +
			m.st.Muted.Render(" · the server refused these; they stay on this laptop")
	case i < cl+2+nr:
		j := i - cl - 2
		r := m.snap.Rejected[j]
		return m.row(nc+j, OpWords(r.Name)+" · "+When(r.CreatedAt, m.now())+" · "+sanitize.Line(r.Reason))
	case i == cl+2+nr:
		return ""
	case i == cl+3+nr:
		return m.st.Section.Render(fmt.Sprintf("Set aside (%d)", len(m.snap.SetAside))) +
			m.st.Muted.Render(" · from the server, this laptop could not store these; the rest synced")
	}
	j := i - cl - 4 - nr
	r := m.snap.SetAside[j]
	return m.row(nc+nr+j, Thing(r.Entity)+" · "+When(r.At, m.now())+" · "+sanitize.Line(r.Reason))
}

// row draws one list row, marked when it is the cursor's.
func (m Model) row(i int, text string) string {
	if i == m.cursor {
		return m.st.Bold.Render(components.Fit("› "+text, m.width))
	}
	return components.Fit("  "+text, m.width)
}

// conflictRow is `review · location: yours "…" / server "…"` in w cells,
// shortening both values alike so neither side disappears.
func conflictRow(c store.SyncConflict, what string, w int) string {
	head := what + ": yours "
	mine, theirs := clipRunes(Value(c.Local), w), clipRunes(Value(c.Server), w)
	fixed := ansi.StringWidth(head) + ansi.StringWidth(" / server ")
	if fixed+ansi.StringWidth(mine)+ansi.StringWidth(theirs) > w {
		room := max(w-fixed, 10)
		half := max(room/2, 5)
		// Give the shorter value what it needs and the rest to the other.
		switch {
		case ansi.StringWidth(mine) <= half:
			theirs = ansi.Truncate(theirs, room-ansi.StringWidth(mine), "…")
		case ansi.StringWidth(theirs) <= half:
			mine = ansi.Truncate(mine, room-ansi.StringWidth(theirs), "…")
		default:
			mine = ansi.Truncate(mine, half, "…")
			theirs = ansi.Truncate(theirs, room-half, "…")
		}
	}
	return head + mine + " / server " + theirs
}

// clipRunes cuts s to at most n runes, cheaply, before measuring: a note
// can be pages long and only a row of it is drawn.
func clipRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

// detail shows the selected item in full (as far as four lines allow).
func (m Model) detail() []string {
	w := max(m.width, 20)
	out := []string{""}
	var body []string
	if c, ok := m.selectedConflict(); ok {
		out = append(out, m.st.Bold.Render(m.snap.what(c))+
			m.st.Muted.Render(" · noticed "+When(c.CreatedAt, m.now())))
		body = append(body, labelled("Yours:  ", Value(c.Local), w, 2)...)
		body = append(body, labelled("Server: ", Value(c.Server), w, 2)...)
	} else if i := m.cursor - len(m.snap.Conflicts); i >= 0 && i < len(m.snap.Rejected) {
		r := m.snap.Rejected[i]
		out = append(out, m.st.Bold.Render(OpWords(r.Name))+m.st.Muted.Render(" · made "+When(r.CreatedAt, m.now())))
		body = append(body, labelled("Reason: ", sanitize.Line(r.Reason), w, 3)...)
		body = append(body, m.st.Muted.Render("It is kept on this laptop and will not be sent again."))
	} else if r, ok := m.selectedSetAside(); ok {
		out = append(out, m.st.Bold.Render(Thing(r.Entity))+
			m.st.Muted.Render(fmt.Sprintf(" · server version %d · set aside %s", r.Version, When(r.At, m.now()))))
		body = append(body, labelled("Reason: ", sanitize.Line(r.Reason), w, 2)...)
		body = append(body, labelled("Record: ", sanitize.Line(r.Entity)+" "+sanitize.Line(r.ID), w, 1)...)
		body = append(body, m.st.Muted.Render("Your admin can repair it on the server (iro serve record); it then arrives here."))
	}
	for len(body) < detailRows-2 {
		body = append(body, "")
	}
	return append(out, body[:detailRows-2]...)
}

// labelled wraps text after a label into at most n lines of w cells, the
// last cut with an ellipsis when there is more.
func labelled(label, text string, w, n int) []string {
	inner := max(w-len(label), 10)
	lines := strings.Split(components.Wrap(clipRunes(text, inner*(n+1)), inner), "\n")
	if len(lines) > n {
		lines = lines[:n]
		lines[n-1] = ansi.Truncate(strings.TrimRight(lines[n-1], " ")+" …", inner, "…")
	}
	pad := strings.Repeat(" ", len(label))
	for i := range lines {
		if i == 0 {
			lines[i] = label + strings.TrimRight(lines[i], " ")
		} else {
			lines[i] = pad + strings.TrimRight(lines[i], " ")
		}
	}
	return lines
}

func (m Model) mergeTop() []string {
	what := "Merge"
	if c, ok := m.conflict(m.mergeID); ok {
		what += " · " + m.snap.what(c)
	}
	lines := []string{
		m.st.Header.Render(what),
		m.st.Muted.Render("Edit into one value: yours first, then the server's after the blank line."),
	}
	if m.status != "" {
		lines = append(lines, m.st.Error.Render(sanitize.Line(m.status)))
	}
	return append(lines, "")
}
