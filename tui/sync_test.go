package tui

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/iro-app/iro/internal/calendar"
	"github.com/iro-app/iro/internal/challenge"
	"github.com/iro-app/iro/internal/child"
	"github.com/iro-app/iro/internal/syncclient"
	"github.com/iro-app/iro/internal/timescale"
	"github.com/iro-app/iro/store"
	"github.com/iro-app/iro/tui/styles"
	"github.com/iro-app/iro/tui/syncview"
)

// fakeSync is the fake backend's sync side: counts, conflicts and rejected
// changes to show, and the values the IRO chose.
type fakeSync struct {
	counts    store.SyncCounts
	conflicts []store.SyncConflict
	rejected  []store.RejectedOp
	setAside  []store.SetAsideRecord
	resolved  map[int64]json.RawMessage
}

func (f *fakeBackend) Child(_ context.Context, id string) (child.Child, error) {
	for _, c := range f.children {
		if c.ID == id {
			return c, nil
		}
	}
	return child.Child{}, store.ErrNotFound
}

func (f *fakeBackend) SyncCounts(context.Context) (store.SyncCounts, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.sync.counts, nil
}

func (f *fakeBackend) SyncConflicts(context.Context) ([]store.SyncConflict, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.sync.conflicts), nil
}

func (f *fakeBackend) RejectedOps(context.Context) ([]store.RejectedOp, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.sync.rejected), nil
}

func (f *fakeBackend) SetAsideRecords(context.Context) ([]store.SetAsideRecord, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.sync.setAside), nil
}

func (f *fakeBackend) ResolveConflict(_ context.Context, id int64, value json.RawMessage) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	i := slices.IndexFunc(f.sync.conflicts, func(c store.SyncConflict) bool { return c.ID == id })
	if i < 0 {
		return store.ErrNotFound
	}
	if f.sync.resolved == nil {
		f.sync.resolved = map[int64]json.RawMessage{}
	}
	f.sync.resolved[id] = value
	f.sync.conflicts = slices.Delete(f.sync.conflicts, i, i+1)
	f.sync.counts.Conflicts--
	return nil
}

// The sync tests' wall clock: 14:30 on the demo's Sunday, in UTC so the
// goldens do not depend on the machine's zone.
var syncNow = time.Date(2026, 11, 22, 14, 30, 0, 0, time.UTC)

// enrolledBackend is the demo caseload on a laptop that last synced at
// 14:02, with three changes to send, two conflicts and two rejected changes.
func enrolledBackend(n int) *fakeBackend {
	be := newBackend(n)
	at := time.Date(2026, 11, 22, 13, 58, 0, 0, time.UTC)
	be.sync = fakeSync{
		counts: store.SyncCounts{Pending: 3, Conflicts: 2, Rejected: 2, Enrolled: true,
			LastSync: time.Date(2026, 11, 22, 14, 2, 0, 0, time.UTC)},
		conflicts: []store.SyncConflict{
			{ID: 7, Entity: "review", EntityID: "review-1", Field: "location", Local: json.RawMessage(`"School, Bradford"`),
				Server: json.RawMessage(`"Foster home, Leeds"`), ServerVersion: 4, OpID: "op-1", CreatedAt: at},
			{ID: 9, Entity: "review", EntityID: "review-2", Field: "scheduled", Local: json.RawMessage(`"2026-12-03"`),
				Server: json.RawMessage(`null`), ServerVersion: 2, OpID: "op-2", CreatedAt: at},
		},
		rejected: []store.RejectedOp{
			{Op: store.Op{Seq: 11, OpID: "op-3", Entity: "recommendation", EntityID: "rec-1", Name: "recommendation.create",
				CreatedAt: time.Date(2026, 11, 21, 16, 40, 0, 0, time.UTC)}, Reason: "the child is not in your allocation"},
			{Op: store.Op{Seq: 12, OpID: "op-4", Entity: "review", EntityID: "review-3", Name: "review.update",
				CreatedAt: at}, Reason: "malformed payload: \x1b[31mscheduled\x1b[0m is not a date"},
		},
	}
	return be
}

// syncRig records what background sync did: the syncs run and the timers
// armed (which never fire by themselves: the test delivers them).
type syncRig struct {
	runs   atomic.Int32
	result atomic.Pointer[error]
	timers []armed
}

type armed struct {
	d   time.Duration
	msg tea.Msg
}

func (r *syncRig) fail(err error) { r.result.Store(&err) }

func (r *syncRig) options() SyncOptions {
	return SyncOptions{
		Run: func(context.Context) (syncclient.Report, error) {
			r.runs.Add(1)
			if err := r.result.Load(); err != nil {
				return syncclient.Report{}, *err
			}
			return syncclient.Report{Pushed: 1}, nil
		},
		After: func(d time.Duration, msg tea.Msg) tea.Cmd {
			r.timers = append(r.timers, armed{d, msg})
			return nil
		},
	}
}

// lastTimer is the latest timer armed of type T.
func lastTimer[T any](t *testing.T, r *syncRig) (time.Duration, T) {
	t.Helper()
	for i := len(r.timers) - 1; i >= 0; i-- {
		if m, ok := r.timers[i].msg.(T); ok {
			return r.timers[i].d, m
		}
	}
	var zero T
	t.Fatalf("no %T timer armed; timers: %v", zero, r.timers)
	return 0, zero
}

func syncApp(be *fakeBackend, rig *syncRig, s Start) App {
	return New(Options{Backend: be, Clock: &fakeClock{now: syncNow}, Calendar: calendar.Default(),
		Rules: timescale.DefaultRules(), Ladder: challenge.DefaultLadder(), Styles: styles.Default(), Start: s, Demo: true,
		Sync: rig.options()})
}

// step hands msg to the app and runs what it returns, synchronously: the
// rig's syncs answer at once and its timers return nothing. It returns the
// messages the commands produced, which it also delivers unless they are
// background-sync replies (those the test delivers by hand, so it can drop
// or delay them).
func step(t *testing.T, a App, msg tea.Msg) (App, []tea.Msg) {
	t.Helper()
	m, cmd := a.Update(msg)
	a = m.(App)
	var out []tea.Msg
	for _, msg := range run(cmd) {
		out = append(out, msg)
		switch msg.(type) {
		case syncDoneMsg, syncCountsMsg, syncDueMsg, syncCountsDueMsg, lockCheckMsg:
			continue
		}
		var more []tea.Msg
		a, more = step(t, a, msg)
		out = append(out, more...)
	}
	return a, out
}

// run runs cmd, flattening batches and sequences.
func run(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	msg := cmd()
	switch msg := msg.(type) {
	case nil:
		return nil
	case tea.BatchMsg:
		var out []tea.Msg
		for _, c := range msg {
			out = append(out, run(c)...)
		}
		return out
	}
	// tea.Sequence's message is unexported: a list of commands.
	if seq := reflect.ValueOf(msg); seq.Kind() == reflect.Slice && seq.Type().Elem() == reflect.TypeFor[tea.Cmd]() {
		var out []tea.Msg
		for i := range seq.Len() {
			out = append(out, run(seq.Index(i).Interface().(tea.Cmd))...)
		}
		return out
	}
	return []tea.Msg{msg}
}

func find[T any](msgs []tea.Msg) (T, bool) {
	for _, m := range msgs {
		if v, ok := m.(T); ok {
			return v, true
		}
	}
	var zero T
	return zero, false
}

// started is an app on an unlocked, enrolled laptop whose first counts
// read has arrived: it has started a sync, whose reply is returned.
func started(t *testing.T, rig *syncRig) (App, syncDoneMsg) {
	t.Helper()
	a := syncApp(enrolledBackend(5), rig, Ready)
	a, _ = step(t, a, tea.WindowSizeMsg{Width: 100, Height: 30})
	counts, ok := find[syncCountsMsg](run(a.loadSyncCounts()))
	if !ok {
		t.Fatal("no counts read")
	}
	a, out := step(t, a, counts)
	done, ok := find[syncDoneMsg](out)
	if !ok || rig.runs.Load() != 1 {
		t.Fatalf("an enrolled laptop did not sync after unlocking: runs %d, messages %v", rig.runs.Load(), out)
	}
	if d, _ := lastTimer[syncCountsDueMsg](t, rig); d != 10*time.Second {
		t.Errorf("counts are read every %s, want 10s", d)
	}
	return a, done
}

func TestSyncRunsWhenEnrolledAndSchedulesAMinuteLater(t *testing.T) {
	rig := &syncRig{}
	a, done := started(t, rig)
	if !a.sync.inFlight {
		t.Fatal("the sync is not marked in flight")
	}
	// Only one sync at a time: "sync now" while one runs starts nothing.
	a, _ = step(t, a, syncview.SyncNow{})
	if rig.runs.Load() != 1 {
		t.Fatal("sync now started a second sync while one was running")
	}
	a, out := step(t, a, done)
	if a.sync.inFlight {
		t.Fatal("still in flight after the reply")
	}
	d, due := lastTimer[syncDueMsg](t, rig)
	if d != time.Minute {
		t.Fatalf("next sync after a success in %s, want 1m", d)
	}
	if _, ok := find[syncCountsMsg](out); !ok {
		t.Error("the counts were not read after the sync")
	}
	if s, ok := find[syncview.Synced](out); !ok || s.Err != nil {
		t.Errorf("the sync screen was not told the sync worked: %v", out)
	}
	// The timer fires: another sync.
	a, out = step(t, a, due)
	if rig.runs.Load() != 2 {
		t.Fatalf("the minute's timer did not sync: %d runs", rig.runs.Load())
	}
	done, _ = find[syncDoneMsg](out)
	// A counts tick reads the counts and arms the next tick; it never starts
	// a second sync while one runs.
	_, tick := lastTimer[syncCountsDueMsg](t, rig)
	a, out = step(t, a, tick)
	counts, ok := find[syncCountsMsg](out)
	if !ok {
		t.Fatal("the counts tick did not read the counts")
	}
	a, _ = step(t, a, counts)
	if rig.runs.Load() != 2 {
		t.Fatal("a counts tick started a sync while one ran")
	}
	a, _ = step(t, a, done)
	// Sync now from the screen: at once, and the armed timer is dropped.
	_, stale := lastTimer[syncDueMsg](t, rig)
	a, out = step(t, a, syncview.SyncNow{})
	if rig.runs.Load() != 3 {
		t.Fatal("sync now did not sync")
	}
	if _, ok := find[syncview.Syncing](out); !ok {
		t.Error("the sync screen was not told a sync started")
	}
	done, _ = find[syncDoneMsg](out)
	a, _ = step(t, a, done)
	a, _ = step(t, a, stale)
	if rig.runs.Load() != 3 {
		t.Fatal("a timer armed before sync now still synced")
	}
}

func TestSyncBacksOffOnTransientErrors(t *testing.T) {
	rig := &syncRig{}
	a, done := started(t, rig)
	errs := []struct {
		err      error
		min, max time.Duration
	}{
		// A busy server's Retry-After is a floor.
		{&syncclient.HTTPError{Status: http.StatusServiceUnavailable, RetryAfter: 7 * time.Second}, 7 * time.Second, 7 * time.Second},
		// A dropped link: full jitter under a ceiling that doubles (1 s, 2 s, 4 s).
		{errors.New("dial tcp: connection refused"), 0, 2 * time.Second},
		{fmt.Errorf("push: %w", errors.New("EOF")), 0, 4 * time.Second},
		// Not worth retrying soon.
		{&syncclient.HTTPError{Status: http.StatusUnauthorized, Message: "device revoked"}, 5 * time.Minute, 5 * time.Minute},
		{syncclient.ErrNotEnrolled, 5 * time.Minute, 5 * time.Minute},
		{&syncclient.ProtocolError{Msg: "3 results for 2 ops"}, 5 * time.Minute, 5 * time.Minute},
		// A success resets the backoff...
		{nil, time.Minute, time.Minute},
		// ...so the next dropped link waits under a second again.
		{errors.New("i/o timeout"), 0, time.Second},
	}
	for i, e := range errs {
		done.err = e.err
		var out []tea.Msg
		a, out = step(t, a, done)
		d, due := lastTimer[syncDueMsg](t, rig)
		if d < e.min || d > e.max {
			t.Fatalf("after %v: next sync in %s, want %s to %s", e.err, d, e.min, e.max)
		}
		if s, _ := find[syncview.Synced](out); !errors.Is(s.Err, e.err) {
			t.Errorf("the screen heard %v, want %v", s.Err, e.err)
		}
		a, out = step(t, a, due)
		var ok bool
		if done, ok = find[syncDoneMsg](out); !ok || int(rig.runs.Load()) != i+2 {
			t.Fatalf("the timer after %v did not sync", e.err)
		}
	}
}

func TestLockDropsSyncTimersAndReplies(t *testing.T) {
	rig := &syncRig{}
	a, done := started(t, rig)
	a, _ = step(t, a, done)
	_, due := lastTimer[syncDueMsg](t, rig)
	_, tick := lastTimer[syncCountsDueMsg](t, rig)
	// A sync is running when iro locks.
	a, out := step(t, a, syncview.SyncNow{})
	running, _ := find[syncDoneMsg](out)
	m, _ := a.lock("locked for the test")
	a = m.(App)
	armedBefore := len(rig.timers)
	for _, msg := range []tea.Msg{running, due, tick} {
		var out []tea.Msg
		a, out = step(t, a, msg)
		if len(out) != 0 || len(rig.timers) != armedBefore {
			t.Fatalf("%T from before the lock did something: %v", msg, out)
		}
	}
	if rig.runs.Load() != 2 {
		t.Fatalf("a sync ran while locked: %d runs", rig.runs.Load())
	}
	// Unlocking starts again: counts, then a sync.
	a, out = step(t, a, unlockedMsg{name: "Jo Marsden"})
	counts, ok := find[syncCountsMsg](out)
	if !ok {
		t.Fatal("unlocking did not read the counts")
	}
	_, out = step(t, a, counts)
	if _, ok := find[syncDoneMsg](out); !ok || rig.runs.Load() != 3 {
		t.Fatal("unlocking did not sync")
	}
}

// A sync still running from before a lock is waited for, not doubled: the
// new generation syncs when it ends.
func TestUnlockWhileAnOldSyncRuns(t *testing.T) {
	rig := &syncRig{}
	a, old := started(t, rig)
	m, _ := a.lock("locked for the test")
	a = m.(App)
	a, out := step(t, a, unlockedMsg{})
	counts, _ := find[syncCountsMsg](out)
	a, out = step(t, a, counts)
	if rig.runs.Load() != 1 || len(out) != 0 {
		t.Fatalf("a second sync started while the old one ran: %d runs", rig.runs.Load())
	}
	_, out = step(t, a, old)
	if _, ok := find[syncDoneMsg](out); !ok || rig.runs.Load() != 2 {
		t.Fatal("no sync after the old one ended")
	}
}

func TestNotEnrolledNeverSyncs(t *testing.T) {
	rig := &syncRig{}
	be := newBackend(20)
	hs := &harness{t: t, app: syncApp(be, rig, Ready)}
	hs.send(tea.WindowSizeMsg{Width: 100, Height: 30})
	hs.run(hs.app.Init())
	hs.waitLoaded()
	hs.keys(press('j'), enter, esc)
	hs.send(syncview.SyncNow{}) // as if the screen asked
	if rig.runs.Load() != 0 || len(rig.timers) != 0 {
		t.Fatalf("a laptop that is not enrolled synced %d times and armed %v", rig.runs.Load(), rig.timers)
	}
	hs.mustNotSee("sync")
	// Unlocking a locked one does not sync either.
	hs = &harness{t: t, app: syncApp(be, rig, Unlock)}
	hs.send(tea.WindowSizeMsg{Width: 100, Height: 30})
	hs.typeText(be.passphrase)
	hs.keys(enter)
	hs.mustSee("Caseload · 20 children")
	if rig.runs.Load() != 0 || len(rig.timers) != 0 {
		t.Fatal("unlocking a laptop that is not enrolled synced")
	}
}

// Enrolling in another terminal while iro is open is noticed when the IRO
// opens the sync screen: syncing starts there and then.
func TestEnrolmentNoticedOnTheSyncScreen(t *testing.T) {
	be := enrolledBackend(5)
	be.sync.counts.Enrolled = false
	rig := &syncRig{}
	hs := &harness{t: t, app: syncApp(be, rig, Ready)}
	hs.send(tea.WindowSizeMsg{Width: 100, Height: 30})
	hs.run(hs.app.Init())
	hs.waitLoaded()
	if rig.runs.Load() != 0 {
		t.Fatal("synced before enrolling")
	}
	be.mu.Lock()
	be.sync.counts.Enrolled = true
	be.mu.Unlock()
	hs.keys(tea.KeyPressMsg{Code: 's', Text: "S", Mod: tea.ModShift})
	if rig.runs.Load() != 1 {
		t.Fatal("opening the sync screen after enrolling did not sync")
	}
	hs.mustSee("Sync · 3 to send", "Synced.")
}

func TestDefaultSyncNeedsAStore(t *testing.T) {
	a := New(Options{Backend: enrolledBackend(1), Clock: &fakeClock{now: syncNow}, Styles: styles.Default()})
	if a.sync.run != nil {
		t.Fatal("a backend that is not a store got a sync runner")
	}
	if a.sync.opt.Every != time.Minute || a.sync.opt.AfterFailure != 5*time.Minute || a.sync.opt.CountsEvery != 10*time.Second {
		t.Fatalf("default timing %+v", a.sync.opt)
	}
}

func TestSyncFooter(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(c *store.SyncCounts)
		width int
		want  string
	}{
		{"all", func(*store.SyncCounts) {}, 120, "  synced 14:02 · 3 to send · 2 conflicts · 2 rejected"},
		{"narrow drops what to send first", func(*store.SyncCounts) {}, 80, "  synced 14:02 · 2 conflicts · 2 rejected"},
		{"narrowest", func(*store.SyncCounts) {}, 60, "  synced 14:02 · 2 conflicts"},
		{"never", func(c *store.SyncCounts) { c.LastSync = time.Time{} }, 120, "  never synced · 3 to send · 2 conflicts · 2 rejected"},
		{"failed", func(c *store.SyncCounts) { c.LastError = "server answered 503"; c.Rejected = 0 }, 120, "  sync failed · 3 to send · 2 conflicts"},
		{"yesterday", func(c *store.SyncCounts) { c.LastSync = c.LastSync.AddDate(0, 0, -1); c.Conflicts, c.Rejected = 1, 0 }, 120,
			"  synced 21 Nov 14:02 · 3 to send · 1 conflict"},
		{"quiet", func(c *store.SyncCounts) { c.Pending, c.Conflicts, c.Rejected = 0, 0, 0 }, 120, "  synced 14:02"},
		{"set aside", func(c *store.SyncCounts) { c.Pending, c.Conflicts, c.Rejected, c.SetAside = 0, 0, 0, 2 }, 120,
			"  synced 14:02 · 2 set aside"},
		{"narrow keeps set aside over what to send", func(c *store.SyncCounts) { c.SetAside = 1 }, 80,
			"  synced 14:02 · 2 conflicts · 2 rejected"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			be := enrolledBackend(5)
			c.edit(&be.sync.counts)
			a := syncApp(be, &syncRig{}, Ready)
			a, _ = step(t, a, tea.WindowSizeMsg{Width: c.width, Height: 24})
			counts, _ := find[syncCountsMsg](run(a.loadSyncCounts()))
			a.sync.counts = counts.counts
			line := ansi.Strip(a.footer())
			if !strings.HasSuffix(line, c.want) {
				t.Errorf("footer %q, want it to end %q", line, c.want)
			}
			if w := ansi.StringWidth(a.footer()); w != c.width {
				t.Errorf("footer is %d wide, want %d", w, c.width)
			}
		})
	}
}

// A failed sync says so in the footer, with the time it failed, and on
// the sync screen with the (sanitised) reason.
func TestSyncFailureIsShown(t *testing.T) {
	be := enrolledBackend(5)
	be.sync.counts.LastError = "server answered 401: device \x1b[2Jrevoked" // as the store records it
	rig := &syncRig{}
	rig.fail(&syncclient.HTTPError{Status: http.StatusUnauthorized, Message: "device revoked"})
	hs := &harness{t: t, app: syncApp(be, rig, Ready)}
	hs.send(tea.WindowSizeMsg{Width: 120, Height: 30})
	hs.run(hs.app.Init())
	hs.waitLoaded()
	if rig.runs.Load() != 1 {
		t.Fatalf("%d syncs at start", rig.runs.Load())
	}
	if d, _ := lastTimer[syncDueMsg](t, rig); d != 5*time.Minute {
		t.Fatalf("retry after a 401 in %s, want 5m", d)
	}
	hs.mustSee("sync failed 14:30 · ")
	hs.keys(tea.KeyPressMsg{Code: 's', Text: "S", Mod: tea.ModShift}, press('s'))
	hs.mustSee("Sync failed: server answered 401", "Last attempt failed: server answered 401: device revoked")
	hs.mustNotSee("Syncing now")
	hs.mustNotSee("\x1b[2J")
}

// openSyncScreen starts an enrolled app with the rig's sync and opens the
// sync screen with S.
func openSyncScreen(t *testing.T, be *fakeBackend, rig *syncRig, w, h int) *harness {
	t.Helper()
	hs := &harness{t: t, app: syncApp(be, rig, Ready)}
	hs.send(tea.WindowSizeMsg{Width: w, Height: h})
	hs.run(hs.app.Init())
	hs.waitLoaded()
	hs.keys(tea.KeyPressMsg{Code: 's', Text: "S", Mod: tea.ModShift})
	if hs.app.active != syncScreen {
		t.Fatalf("S did not open the sync screen:\n%s", hs.screen())
	}
	return hs
}

func TestSyncScreenFromTheApp(t *testing.T) {
	be := enrolledBackend(10)
	rig := &syncRig{}
	hs := openSyncScreen(t, be, rig, 100, 30)
	hs.mustSee("iro · Sync", "Sync · 3 to send · 2 conflicts · 2 rejected", "Last sync 14:02.",
		`review · location: yours "School, Bradford" / server "Foster home, Leeds"`,
		"new recommendation · 21 Nov 16:40 · the child is not in your allocation")
	hs.mustNotSee("\x1b[31m")
	hs.keys(press('?'))
	hs.mustSee("Keys", "S", "sync", "keep mine", "take server's", "merge", "sync now")
	hs.keys(press('?'))
	runs := rig.runs.Load()
	hs.keys(press('s'))
	if rig.runs.Load() != runs+1 {
		t.Fatal("s did not sync")
	}
	hs.mustSee("Synced.")
	// Keep mine on the first conflict: the fake gets the local value.
	hs.keys(press('m'))
	if got := string(be.sync.resolved[7]); got != `"School, Bradford"` {
		t.Fatalf("keep mine sent %s", got)
	}
	hs.mustSee("Kept yours: review · location.", "1 conflict")
	// Take the server's on the next one (its server value is null).
	hs.keys(press('t'))
	if got := string(be.sync.resolved[9]); got != `null` {
		t.Fatalf("take the server's sent %s", got)
	}
	hs.mustSee("Conflicts · none")
	hs.keys(esc)
	if hs.app.active != caseloadScreen {
		t.Fatal("esc did not go back to the caseload")
	}
	hs.mustSee("synced 14:02 · 3 to send · 2 rejected", "S sync") // the footer's counts moved too
	// From a child it goes back to the child.
	hs.keys(enter, tea.KeyPressMsg{Code: 's', Text: "S", Mod: tea.ModShift})
	if hs.app.active != syncScreen {
		t.Fatal("S did not open the sync screen from a child")
	}
	hs.keys(esc)
	if hs.app.active != childScreen {
		t.Fatal("esc did not go back to the child")
	}
}

// TestSyncScreenShowsSetAside: records the laptop could not store are
// counted on the sync screen and listed with the (sanitised) reason and
// what names them for the admin.
func TestSyncScreenShowsSetAside(t *testing.T) {
	be := enrolledBackend(5)
	be.sync.counts.SetAside = 1
	be.sync.setAside = []store.SetAsideRecord{{Entity: "review", ID: "review-9\x1b]0;x\x07", ChildID: "child-1", Version: 3,
		Reason: "its kind is not a value this laptop accepts\x1b[2J", At: time.Date(2026, 11, 22, 9, 15, 0, 0, time.UTC)}}
	hs := openSyncScreen(t, be, &syncRig{}, 100, 30)
	hs.mustSee("Sync · 3 to send · 2 conflicts · 2 rejected · 1 set aside",
		"Set aside (1)", "review · 09:15 · its kind is not a value this laptop accepts")
	hs.keys(down, down, down, down) // past the conflicts and the rejected changes
	hs.mustSee("server version 3", "Record: review review-9", "iro serve record")
	if view := hs.driver().View(); strings.Contains(view, "\x1b]0;") || strings.Contains(view, "\x1b[2J") {
		t.Errorf("the screen holds the record's escape sequences: %q", view)
	}
	if !(syncer{counts: store.SyncCounts{Enrolled: true, SetAside: 1}}).needsIRO() {
		t.Error("records set aside do not point the IRO at the sync screen")
	}
}

func TestSyncScreenMergeCapturesLetters(t *testing.T) {
	be := enrolledBackend(5)
	hs := openSyncScreen(t, be, &syncRig{}, 100, 30)
	hs.keys(press('e'))
	if !hs.app.capturing() {
		t.Fatal("the merge box does not capture keys")
	}
	hs.mustSee("Merge · review · location", "School, Bradford", "Foster home, Leeds", "ctrl+s save merge")
	hs.typeText(" qS?") // letters are text, not quit, sync or help
	if hs.quit || hs.app.showHelp {
		t.Fatal("a letter in the merge box fired a shortcut")
	}
	hs.keys(tea.KeyPressMsg{Code: 's', Mod: tea.ModCtrl})
	if got := string(be.sync.resolved[7]); got != `"School, Bradford\n\nFoster home, Leeds qS?"` {
		t.Fatalf("merge sent %s", got)
	}
	hs.mustSee("Merged: review · location.")
}

func TestSyncGolden(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		w, h := size[0], size[1]
		t.Run(fmt.Sprintf("%dx%d", w, h), func(t *testing.T) {
			hs := openSyncScreen(t, enrolledBackend(10), &syncRig{}, w, h)
			golden(t, fmt.Sprintf("sync_%dx%d", w, h), hs.screen())
			hs.keys(down, down, down)
			golden(t, fmt.Sprintf("sync_rejected_%dx%d", w, h), hs.screen())
			hs.keys(press('g'), press('e'))
			golden(t, fmt.Sprintf("sync_merge_%dx%d", w, h), hs.screen())
		})
	}
}

// TestSyncLayoutSweep draws the sync screen, its merge box and an empty
// one at every size the app supports.
func TestSyncLayoutSweep(t *testing.T) {
	quiet := enrolledBackend(5)
	quiet.sync.conflicts, quiet.sync.rejected = nil, nil
	quiet.sync.counts.Conflicts, quiet.sync.counts.Rejected = 0, 0
	long := enrolledBackend(5)
	for i := range 40 {
		long.sync.conflicts = append(long.sync.conflicts, store.SyncConflict{ID: int64(100 + i), Entity: "section",
			EntityID: "s", Field: "notes", Local: json.RawMessage(`"` + strings.Repeat("mine ", 50) + `"`),
			Server: json.RawMessage(`"` + strings.Repeat("theirs ", 50) + `"`), CreatedAt: syncNow})
	}
	screens := map[string]struct {
		be      *fakeBackend
		prepare func(hs *harness)
	}{
		"sync":         {enrolledBackend(5), func(*harness) {}},
		"sync bottom":  {long, func(hs *harness) { hs.keys(tea.KeyPressMsg{Code: tea.KeyEnd}) }},
		"sync merge":   {long, func(hs *harness) { hs.keys(press('e')) }},
		"sync nothing": {quiet, func(*harness) {}},
	}
	for name, s := range screens {
		hs := openSyncScreen(t, s.be, &syncRig{}, 200, 60)
		s.prepare(hs)
		for w := 60; w <= 200; w++ {
			for _, h := range []int{20, 24, 33, 40, 60} {
				checkFits(t, hs, name, w, h)
			}
		}
		for h := 20; h <= 60; h++ {
			for _, w := range []int{60, 80, 133, 200} {
				checkFits(t, hs, name, w, h)
			}
		}
	}
}
