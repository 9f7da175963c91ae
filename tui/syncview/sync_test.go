package syncview

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/iro-app/iro/internal/calendar"
	"github.com/iro-app/iro/internal/child"
	"github.com/iro-app/iro/internal/demo"
	"github.com/iro-app/iro/internal/protocol"
	"github.com/iro-app/iro/internal/vault"
	"github.com/iro-app/iro/store"
	"github.com/iro-app/iro/tui/styles"
	"github.com/iro-app/iro/tui/tuitest"
)

var now = time.Date(2026, 11, 22, 14, 30, 0, 0, time.UTC)

func press(r rune) tea.KeyPressMsg { return tuitest.Press(r) }

var (
	esc   = tea.KeyPressMsg{Code: tea.KeyEscape}
	enter = tea.KeyPressMsg{Code: tea.KeyEnter}
	down  = tea.KeyPressMsg{Code: tea.KeyDown}
	ctrlS = tea.KeyPressMsg{Code: 's', Mod: tea.ModCtrl}
)

// laptop is a real, unlocked store enrolled with a server that is never
// called, holding one child whose first review's location conflicts
// ("School, Bradford" here, "Foster home, Leeds" on the server) and whose
// first placement episode the server rejected.
type laptop struct {
	db       *store.DB
	child    child.Child
	reviewID string
}

func newLaptop(t *testing.T) *laptop {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "iro.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	if err := db.Initialise(ctx, []byte("correct horse battery staple"), false, vault.MinParams); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveEnrolment(ctx, "http://127.0.0.1:1", "dev", "Ada", "tok"); err != nil {
		t.Fatal(err)
	}
	kids := demo.Caseload(calendar.MustParse("2026-11-22"), 1, 1)
	if len(kids[0].Reviews) == 0 || len(kids[0].Episodes) == 0 {
		t.Fatal("the demo child has no review or no episode")
	}
	kids[0].Reviews[0].Location = "School, Bradford"
	if err := db.Update(ctx, func(tx *store.Tx) error { return store.AddChildren(tx, kids) }); err != nil {
		t.Fatal(err)
	}
	ops, err := db.NextPushBatch(ctx, 1000, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	l := &laptop{db: db, child: kids[0], reviewID: kids[0].Reviews[0].ID}
	results := make([]protocol.Result, len(ops))
	conflicted, rejected := false, false
	for i, op := range ops {
		results[i] = protocol.Result{OpID: op.OpID, Status: protocol.Applied, Version: 1}
		switch {
		case op.Name == "review.create" && op.EntityID == l.reviewID:
			results[i].Status, results[i].Version = protocol.Conflict, 2
			results[i].Conflicts = map[string]json.RawMessage{"location": json.RawMessage(`"Foster home, Leeds"`)}
			conflicted = true
		case op.Name == "episode.create" && !rejected:
			results[i] = protocol.Result{OpID: op.OpID, Status: protocol.Rejected, Reason: "the child is not in your allocation"}
			rejected = true
		}
	}
	if !conflicted || !rejected {
		t.Fatalf("the push batch lacks the review or the episode: %d ops", len(ops))
	}
	if err := db.ApplyPushResults(ctx, results); err != nil {
		t.Fatal(err)
	}
	return l
}

// open shows the laptop's sync screen at w×h, driven as the runtime would.
func open(t *testing.T, be Backend, w, h int) (*Model, *tuitest.Driver) {
	t.Helper()
	snap, err := Load(context.Background(), be)
	if err != nil {
		t.Fatal(err)
	}
	m := New(styles.Default(), be, Session{Snapshot: snap, Now: func() time.Time { return now }})
	m.SetSize(w, h)
	d := tuitest.For(t, &m)
	d.Wait = 2 * time.Second // store work on a busy machine; nothing here is a timer
	return &m, d
}

// pending is the laptop's unsent ops.
func (l *laptop) pending(t *testing.T) []store.Op {
	t.Helper()
	ops, err := l.db.PendingOps(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	return ops
}

func (l *laptop) location(t *testing.T) string {
	t.Helper()
	c, err := l.db.Child(context.Background(), l.child.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range c.Reviews {
		if r.ID == l.reviewID {
			return r.Location
		}
	}
	t.Fatal("the review is gone")
	return ""
}

// resolvedWith checks that resolving left no conflict and queued one
// review.update carrying want as the location, or nothing when want is "".
func (l *laptop) resolvedWith(t *testing.T, d *tuitest.Driver, want string) {
	t.Helper()
	conflicts, err := l.db.SyncConflicts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(conflicts) != 0 {
		t.Fatalf("%d conflicts left", len(conflicts))
	}
	ops := l.pending(t)
	if want == "" {
		if len(ops) != 0 {
			t.Fatalf("taking the server's value queued %d ops", len(ops))
		}
	} else {
		if len(ops) != 1 || ops[0].Name != "review.update" || ops[0].EntityID != l.reviewID {
			t.Fatalf("queued %+v, want one review.update", ops)
		}
		var payload map[string]string
		if err := json.Unmarshal(ops[0].Payload, &payload); err != nil {
			t.Fatal(err)
		}
		if len(payload) != 1 || payload["location"] != want {
			t.Fatalf("queued %s, want location %q", ops[0].Payload, want)
		}
	}
	changed := false
	for _, msg := range d.Sent {
		changed = changed || msg == Changed{}
	}
	if !changed {
		t.Error("the app was not told the counts changed")
	}
}

func TestShowsConflictsAndRejectedChanges(t *testing.T) {
	l := newLaptop(t)
	_, d := open(t, l.db, 120, 30)
	d.MustSee("Sync · nothing to send · 1 conflict · 1 rejected", "Never synced.",
		"Conflicts (1)", `› Zain Akhtar · review · location: yours "School, Bradford" / server "Foster home, Leeds"`,
		"Rejected changes (1)", "new placement episode · ", " · the child is not in your allocation",
		"Yours:  \"School, Bradford\"", "Server: \"Foster home, Leeds\"")
}

func TestKeepMine(t *testing.T) {
	for _, k := range []tea.KeyPressMsg{press('m'), enter} {
		l := newLaptop(t)
		m, d := open(t, l.db, 120, 30)
		d.Keys(k)
		l.resolvedWith(t, d, "School, Bradford")
		if got := l.location(t); got != "School, Bradford" {
			t.Fatalf("location %q after keeping mine", got)
		}
		d.MustSee("Kept yours: Zain Akhtar · review · location.", "Conflicts · none", "1 to send")
		if len(m.Snapshot().Conflicts) != 0 {
			t.Fatal("the screen still lists the conflict")
		}
	}
}

func TestTakeTheServers(t *testing.T) {
	l := newLaptop(t)
	_, d := open(t, l.db, 120, 30)
	d.Keys(press('t'))
	l.resolvedWith(t, d, "")
	if got := l.location(t); got != "Foster home, Leeds" {
		t.Fatalf("location %q after taking the server's", got)
	}
	d.MustSee("Took the server's: Zain Akhtar · review · location.", "Conflicts · none")
}

func TestMerge(t *testing.T) {
	l := newLaptop(t)
	m, d := open(t, l.db, 120, 30)
	d.Keys(press('e'))
	if !m.Capturing() {
		t.Fatal("the merge box does not capture keys")
	}
	d.MustSee("Merge · Zain Akhtar · review · location", "School, Bradford", "Foster home, Leeds")
	// Delete the server's line and the blank one, and add to mine.
	for range len("\n\nFoster home, Leeds") {
		d.Keys(tea.KeyPressMsg{Code: tea.KeyBackspace})
	}
	d.Type(" & <Leeds>")
	d.Keys(ctrlS)
	if m.Capturing() {
		t.Fatalf("the merge box stayed open:\n%s", d.Screen())
	}
	l.resolvedWith(t, d, "School, Bradford & <Leeds>")
	if got := l.location(t); got != "School, Bradford & <Leeds>" {
		t.Fatalf("location %q after merging", got)
	}
	d.MustSee("Merged: Zain Akhtar · review · location.")
}

func TestMergeCancelChangesNothing(t *testing.T) {
	l := newLaptop(t)
	m, d := open(t, l.db, 120, 30)
	d.Keys(press('e'))
	d.Type("typed")
	d.Keys(esc)
	if m.Capturing() {
		t.Fatal("esc did not close the merge box")
	}
	d.MustSee("Merge cancelled; nothing changed.", "Conflicts (1)")
	if len(l.pending(t)) != 0 {
		t.Fatal("cancelling a merge queued an op")
	}
	if len(d.Sent) != 0 {
		t.Fatalf("cancelling sent %v", d.Sent)
	}
}

// fake is a backend in memory, for what a real store cannot easily show.
type fake struct {
	snap Snapshot
	err  error
}

func (f *fake) SyncCounts(context.Context) (store.SyncCounts, error) { return f.snap.Counts, f.err }
func (f *fake) SyncConflicts(context.Context) ([]store.SyncConflict, error) {
	return f.snap.Conflicts, nil
}
func (f *fake) RejectedOps(context.Context) ([]store.RejectedOp, error) { return f.snap.Rejected, nil }
func (f *fake) SetAsideRecords(context.Context) ([]store.SetAsideRecord, error) {
	return f.snap.SetAside, nil
}
func (f *fake) Child(_ context.Context, id string) (child.Child, error) {
	if id == "amy" {
		return child.Child{ID: id, FirstName: "Amy", LastName: "Brown\x1b[2J"}, nil
	}
	return child.Child{}, store.ErrNotFound
}
func (f *fake) ResolveConflict(context.Context, int64, json.RawMessage) error {
	return errors.New("disk full")
}

func TestMergeOnlyText(t *testing.T) {
	f := &fake{snap: Snapshot{Counts: store.SyncCounts{Enrolled: true, Conflicts: 1}, Conflicts: []store.SyncConflict{
		{ID: 1, Entity: "recommendation", ChildID: "amy", Field: "due", Local: json.RawMessage(`"2026-12-01"`), Server: json.RawMessage(`null`)}}}}
	m, d := open(t, f, 100, 30)
	d.MustSee("Amy Brown · recommendation") // whose record, with the escape sequence gone
	for _, b := range m.ShortHelp() {
		if b.Help().Desc == "merge" {
			t.Fatal("merge offered for a value that is not text")
		}
	}
	d.Keys(press('e'))
	if m.Capturing() {
		t.Fatal("merge opened on a null value")
	}
	d.MustSee("Only two pieces of text can be merged")
	// A failed save says so and leaves the conflict.
	d.Keys(press('m'))
	d.MustSee("Could not save your choice: disk full", "Conflicts (1)")
}

func TestEmptyStatesAndSyncNow(t *testing.T) {
	last := time.Date(2026, 11, 22, 14, 2, 0, 0, time.UTC)
	f := &fake{snap: Snapshot{Counts: store.SyncCounts{Enrolled: true, LastSync: last}}}
	m, d := open(t, f, 100, 30)
	d.MustSee("Nothing waiting. Last sync 14:02.")
	d.Keys(press('s'))
	if len(d.Sent) != 1 || d.Sent[0] != (SyncNow{}) {
		t.Fatalf("s sent %v, want SyncNow", d.Sent)
	}
	d.MustSee("Syncing now…")
	d.Keys(press('s')) // already syncing: asks once
	if len(d.Sent) != 1 {
		t.Fatalf("s while syncing sent %v", d.Sent)
	}
	f.snap.Counts.Pending, f.snap.Counts.LastError = 2, "server answered 503: \x1b]0;pwned\x07busy"
	d.Send(Synced{Err: errors.New("server answered 503: busy")})
	d.MustSee("Sync failed: server answered 503: busy", "Last attempt failed: server answered 503: busy",
		"No conflicts and no rejected changes. 2 changes go at the next sync.")
	d.MustNotSee("pwned")
	if strings.Contains(m.View(), "\x1b]") {
		t.Fatal("an escape sequence from the server reached the screen")
	}

	f = &fake{snap: Snapshot{}}
	_, d = open(t, f, 100, 30)
	d.MustSee("Sync · not enrolled", "not enrolled with a sync server", EnrolHint)
	d.Keys(press('s'))
	if len(d.Sent) != 0 {
		t.Fatal("s asked to sync a laptop that is not enrolled")
	}
	d.MustSee("run `" + EnrolHint + "` first")
	d.Keys(esc)
	if len(d.Sent) != 1 || d.Sent[0] != (Done{}) {
		t.Fatalf("esc sent %v, want Done", d.Sent)
	}
}

func TestStaleReloadIsDropped(t *testing.T) {
	f := &fake{snap: Snapshot{Counts: store.SyncCounts{Enrolled: true, Pending: 4}}}
	m, d := open(t, f, 100, 30)
	d.Send(loadedMsg{gen: m.gen - 1, snap: Snapshot{Counts: store.SyncCounts{Enrolled: true, Pending: 99}}})
	d.MustNotSee("99 to send")
	d.MustSee("4 to send")
}

func TestCursorScrollsThroughBothLists(t *testing.T) {
	var snap Snapshot
	for i := range 30 {
		snap.Conflicts = append(snap.Conflicts, store.SyncConflict{ID: int64(i), Entity: "section", Field: "notes",
			Local: json.RawMessage(`"mine"`), Server: json.RawMessage(`"theirs"`)})
		snap.Rejected = append(snap.Rejected, store.RejectedOp{Op: store.Op{Name: "meeting.update", CreatedAt: now},
			Reason: "rejected number " + string(rune('A'+i%26))})
	}
	snap.Counts = store.SyncCounts{Enrolled: true, Conflicts: 30, Rejected: 30}
	m, d := open(t, &fake{snap: snap}, 80, 24)
	d.Keys(tea.KeyPressMsg{Code: tea.KeyEnd})
	if m.cursor != 59 {
		t.Fatalf("end put the cursor on %d", m.cursor)
	}
	d.MustSee("› meeting changed · 14:30 · rejected number D", "Reason: rejected number D")
	for range 30 {
		d.Keys(press('k'))
	}
	d.MustSee("› meeting notes · notes")
	d.Keys(press('g'))
	d.MustSee("Conflicts (30)", "› meeting notes · notes")
	d.Keys(down, down)
	if m.cursor != 2 {
		t.Fatalf("cursor %d after two downs", m.cursor)
	}
}

func TestWords(t *testing.T) {
	for name, want := range map[string]string{
		"review.update": "review changed", "recommendation.create": "new recommendation",
		"checklist_item.delete": "checklist item removed", "progress.append": "progress note added",
		"challenge.raise": "challenge raised", "odd_thing.frob_it": "odd thing frob it", "noverb": "noverb",
	} {
		if got := OpWords(name); got != want {
			t.Errorf("OpWords(%q) = %q, want %q", name, got, want)
		}
	}
	for raw, want := range map[string]string{`"a\u001b[2Jb"`: `"ab"`, `null`: "empty", ``: "empty", `12`: "12", `true`: "true"} {
		if got := Value(json.RawMessage(raw)); got != want {
			t.Errorf("Value(%s) = %q, want %q", raw, got, want)
		}
	}
	for _, c := range []struct {
		s    string
		n    int
		want string
	}{{"abcd", 2, "ab"}, {"abcd", 4, "abcd"}, {"ééé", 1, "é"}, {"", 3, ""}} {
		if got := clipRunes(c.s, c.n); got != c.want {
			t.Errorf("clipRunes(%q, %d) = %q, want %q", c.s, c.n, got, c.want)
		}
	}
	day := time.Date(2026, 11, 22, 9, 5, 0, 0, time.UTC)
	for at, want := range map[time.Time]string{day: "09:05", day.AddDate(0, 0, -3): "19 Nov 09:05", day.AddDate(-1, 0, 0): "22 Nov 2025 09:05", {}: ""} {
		if got := When(at, now); got != want {
			t.Errorf("When(%s) = %q, want %q", at, got, want)
		}
	}
}

// TestSetAsideFromTheStore: a record the store set aside on a pull is on
// the screen, counted, with the reason the store gave.
func TestSetAsideFromTheStore(t *testing.T) {
	l := newLaptop(t)
	bad := protocol.Entity{Entity: "child", ID: l.child.ID, ChildID: l.child.ID, Version: 2,
		Fields: map[string]json.RawMessage{"first_name": json.RawMessage(`{"x":1}`)}}
	if _, err := l.db.ApplyChanges(context.Background(), protocol.ChangesResponse{Cursor: 5, Entities: []protocol.Entity{bad}}); err != nil {
		t.Fatal(err)
	}
	_, d := open(t, l.db, 100, 30)
	d.MustSee("1 set aside", "Set aside (1)", "child · ", "field first_name: want text")
}
