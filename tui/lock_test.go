package tui

import (
	"context"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/iro-app/iro/internal/calendar"
	"github.com/iro-app/iro/internal/challenge"
	"github.com/iro-app/iro/internal/timescale"
	"github.com/iro-app/iro/store"
	"github.com/iro-app/iro/tui/styles"
)

// lockedBackends records which fake backends had their key wiped.
var lockedBackends sync.Map

func (f *fakeBackend) Lock() { lockedBackends.Store(f, true) }

func wasLocked(f *fakeBackend) bool {
	_, ok := lockedBackends.Load(f)
	return ok
}

// fakeClock is a wall clock the test moves by hand.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Today() calendar.Date { return today }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// startClocked opens the demo caseload with a hand-moved clock and a
// five-minute idle lock.
func startClocked(t *testing.T, be *fakeBackend, clk *fakeClock) *harness {
	t.Helper()
	hs := &harness{t: t, app: New(Options{Backend: be, Clock: clk, Calendar: calendar.Default(), Rules: timescale.DefaultRules(),
		Ladder: challenge.DefaultLadder(), Styles: styles.Default(), Start: Ready, Demo: true, IdleLock: 5 * time.Minute})}
	hs.send(tea.WindowSizeMsg{Width: 100, Height: 30})
	hs.run(hs.app.Init())
	return hs
}

// tick moves the clock on and delivers the periodic lock check. The check's
// own re-arming timer is dropped (the test is the timer); a lock's commands
// (flush, wipe the key) are run.
func (hs *harness) tick(clk *fakeClock, d time.Duration) {
	hs.t.Helper()
	clk.advance(d)
	m, cmd := hs.app.Update(lockCheckMsg{})
	hs.app = m.(App)
	if hs.app.active == unlockScreen {
		hs.run(cmd)
	}
}

func TestIdleLock(t *testing.T) {
	be := newBackend(60)
	clk := &fakeClock{now: time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)}
	hs := startClocked(t, be, clk)
	// Checks every 5 s; a key at 2 minutes; then 4m55s without one: no lock.
	for i := 1; i <= 24+59; i++ {
		hs.tick(clk, 5*time.Second)
		if i == 24 {
			hs.keys(down)
		}
	}
	if hs.app.active == unlockScreen || wasLocked(be) {
		t.Fatal("locked before five idle minutes")
	}
	// Five minutes after the last key: locked, key wiped, nothing on screen.
	hs.tick(clk, 5*time.Second)
	if hs.app.active != unlockScreen || !wasLocked(be) {
		t.Fatalf("not locked after five idle minutes:\n%s", hs.screen())
	}
	hs.mustSee("iro is locked", "after 5 minutes without a key")
	hs.mustNotSee(be.children[0].LastName)
	// Unlocking comes back to the caseload.
	hs.typeText(be.passphrase)
	hs.keys(enter)
	hs.mustSee("Caseload · 60 children")
}

func TestSleepLocks(t *testing.T) {
	be := newBackend(60)
	clk := &fakeClock{now: time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)}
	hs := startClocked(t, be, clk)
	hs.tick(clk, 5*time.Second)
	hs.keys(down)
	hs.tick(clk, 29*time.Second) // a slow tick is not a sleep
	if hs.app.active == unlockScreen {
		t.Fatal("locked on a 29 s gap between checks")
	}
	hs.keys(down)
	hs.tick(clk, 31*time.Second) // the lid was closed
	if hs.app.active != unlockScreen || !wasLocked(be) {
		t.Fatal("not locked after the laptop slept")
	}
	hs.mustSee("asleep")
}

// TestLockKeepsTheMeeting: the meeting's notes are flushed before the key is
// wiped, and after unlocking the IRO is back in the meeting with them.
func TestLockKeepsTheMeeting(t *testing.T) {
	be := newBackend(60)
	clk := &fakeClock{now: time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)}
	hs := startClocked(t, be, clk)
	openMeetingFor(t, hs)
	// Typed, but the autosave timer has not fired when the lock comes.
	m, _ := hs.app.Update(tea.KeyPressMsg{Code: 'Z', Text: "Z"})
	hs.app = m.(App)
	hs.tick(clk, 6*time.Minute)
	if hs.app.active != unlockScreen {
		t.Fatal("not locked")
	}
	if got := be.meetings[be.openReview.ID].Sections[0].Notes; got != "Z" {
		t.Fatalf("locking lost the typed text: %q", got)
	}
	hs.typeText(be.passphrase)
	hs.keys(enter)
	if hs.app.active != meetingScreen {
		t.Fatalf("unlocking did not return to the meeting:\n%s", hs.screen())
	}
	hs.mustSee("Z")
}

// UnlockWithBackoff is the fake's unlock: a fixed wait after the sixth
// wrong passphrase is enough to show the screen's message.
func (f *fakeBackend) UnlockWithBackoff(ctx context.Context, pass []byte, _ time.Time) error {
	if err := f.Unlock(ctx, pass); err != nil {
		n, _ := wrongGuesses.LoadOrStore(f, new(int))
		*n.(*int)++
		if *n.(*int) > 5 {
			return &store.TooSoonError{Wait: 1500 * time.Millisecond}
		}
		return err
	}
	return nil
}

var wrongGuesses sync.Map

func TestUnlockBackoffMessage(t *testing.T) {
	be := newBackend(5)
	hs := start(t, be, Unlock, 80, 24)
	for range 5 {
		hs.typeText("wrong guess")
		hs.keys(enter)
		hs.mustSee("not right")
	}
	hs.typeText("wrong guess")
	hs.keys(enter)
	hs.mustSee("Too many wrong passphrases: wait 2 seconds")
}

// AuditLog is the fake's log: one entry per lock.
func (f *fakeBackend) AuditLog(context.Context, int) ([]store.AuditEntry, error) {
	if !wasLocked(f) {
		return nil, nil
	}
	return []store.AuditEntry{{At: time.Date(2026, 11, 22, 9, 5, 0, 0, time.UTC), Who: "Jo Marsden", Event: store.AuditLock, Detail: ""}}, nil
}

func TestAuditLogScreen(t *testing.T) {
	be := newBackend(5)
	lockedBackends.Store(be, true)
	hs := start(t, be, Ready, 100, 30)
	hs.keys(tea.KeyPressMsg{Code: 'a', Text: "A", Mod: tea.ModShift})
	if hs.app.active != auditScreen {
		t.Fatalf("A did not open the audit log:\n%s", hs.screen())
	}
	hs.mustSee("Audit log · 1 entries", "Jo Marsden", "lock")
	hs.keys(esc)
	if hs.app.active != caseloadScreen {
		t.Fatal("esc did not leave the audit log")
	}
}
