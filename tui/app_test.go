package tui

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/iro-app/iro/internal/calendar"
	"github.com/iro-app/iro/internal/challenge"
	"github.com/iro-app/iro/internal/child"
	"github.com/iro-app/iro/internal/clock"
	"github.com/iro-app/iro/internal/demo"
	"github.com/iro-app/iro/internal/review"
	"github.com/iro-app/iro/internal/timescale"
	"github.com/iro-app/iro/internal/vault"
	"github.com/iro-app/iro/tui/styles"
	"github.com/iro-app/iro/tui/tuitest"
)

var update = flag.Bool("update", false, "rewrite the golden files")

var today = calendar.MustParse("2026-11-22")

// fakeBackend stands in for the store: the demo caseload in memory and a
// passphrase check, so the tests exercise the TUI alone.
type fakeBackend struct {
	mu          sync.Mutex
	children    []child.Child
	passphrase  string
	settings    map[string]string
	initialised bool
	loadErr     error

	meetings   map[string]*review.Meeting
	openReview child.Review
	recs       []review.Recommendation
	attendees  []review.Attendee
	saves      int
	heldAt     time.Time
	letter     string
	challenges []challenge.Challenge

	sync fakeSync
}

func newBackend(n int) *fakeBackend {
	kids := demo.Caseload(today, n, demo.DefaultSeed)
	for i := range kids {
		kids[i].ID = fmt.Sprintf("child-%04d", i)
	}
	return &fakeBackend{children: kids, passphrase: "correct horse battery", settings: map[string]string{SettingIROName: "Jo Marsden"}, initialised: true}
}

func (f *fakeBackend) Initialise(_ context.Context, pass []byte, _ bool, _ vault.Params) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.passphrase, f.initialised = string(pass), true
	return nil
}

func (f *fakeBackend) Unlock(_ context.Context, pass []byte) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if string(pass) != f.passphrase {
		return vault.ErrWrongPassphrase
	}
	return nil
}

func (f *fakeBackend) Caseload(context.Context) ([]child.Child, error) { return f.children, f.loadErr }

func (f *fakeBackend) Setting(_ context.Context, key string) (string, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	v, ok := f.settings[key]
	return v, ok, nil
}

func (f *fakeBackend) SetSetting(_ context.Context, key, value string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.settings[key] = value
	return nil
}

func newApp(be *fakeBackend, start Start) App {
	return New(Options{Backend: be, Clock: clock.Fixed{Day: today}, Calendar: calendar.Default(),
		Rules: timescale.DefaultRules(), Ladder: challenge.DefaultLadder(), Styles: styles.Default(), Start: start, Demo: true})
}

// harness drives an App like the Bubble Tea runtime does (see tuitest).
// The autosave timer (250 ms) fires inline, and store work has 900 ms even
// on a loaded machine; the meeting's one-second clock is a timer, not work,
// and never fires.
type harness struct {
	t    *testing.T
	app  App
	quit bool
	d    *tuitest.Driver
}

func start(t *testing.T, be *fakeBackend, s Start, w, h int) *harness {
	t.Helper()
	hs := &harness{t: t, app: newApp(be, s)}
	hs.send(tea.WindowSizeMsg{Width: w, Height: h})
	hs.run(hs.app.Init())
	hs.waitLoaded()
	return hs
}

// waitLoaded delivers the caseload load even when a busy machine makes it
// slower than the driver's Wait (which then keeps it as a timer).
func (hs *harness) waitLoaded() {
	hs.t.Helper()
	d := hs.driver()
	deadline := time.Now().Add(20 * time.Second)
	for hs.app.loading && time.Now().Before(deadline) {
		for i := 0; i < len(d.Timers); i++ {
			select {
			case msg := <-d.Timers[i]:
				d.Timers = append(d.Timers[:i], d.Timers[i+1:]...)
				i--
				hs.send(msg)
			default:
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	if hs.app.loading {
		hs.t.Fatal("the caseload did not load within 20 s")
	}
}

// driver is made on first use, so a harness needs only t and app.
func (hs *harness) driver() *tuitest.Driver {
	if hs.d == nil {
		hs.d = &tuitest.Driver{T: hs.t, Update: hs.update, View: func() string { return hs.app.View().Content },
			Wait: 900 * time.Millisecond}
	}
	return hs.d
}

// update hands msg to the App; a quit stops it, as it stops the runtime.
func (hs *harness) update(msg tea.Msg) tea.Cmd {
	if _, ok := msg.(tea.QuitMsg); ok {
		hs.quit = true
		return nil
	}
	m, cmd := hs.app.Update(msg)
	hs.app = m.(App)
	return cmd
}

func (hs *harness) send(msg tea.Msg)             { hs.t.Helper(); hs.driver().Send(msg) }
func (hs *harness) run(cmd tea.Cmd)              { hs.t.Helper(); hs.driver().Run(cmd) }
func (hs *harness) keys(keys ...tea.KeyPressMsg) { hs.t.Helper(); hs.driver().Keys(keys...) }
func (hs *harness) typeText(s string)            { hs.t.Helper(); hs.driver().Type(s) }
func (hs *harness) screen() string               { return hs.driver().Screen() }
func (hs *harness) mustSee(want ...string)       { hs.t.Helper(); hs.driver().MustSee(want...) }
func (hs *harness) mustNotSee(unwanted string)   { hs.t.Helper(); hs.driver().MustNotSee(unwanted) }

func press(r rune) tea.KeyPressMsg { return tuitest.Press(r) }

func golden(t *testing.T, name, got string) {
	t.Helper()
	tuitest.Golden(t, filepath.Join("testdata", name+".golden"), got, *update)
}

var (
	enter = tea.KeyPressMsg{Code: tea.KeyEnter}
	esc   = tea.KeyPressMsg{Code: tea.KeyEscape}
	tab   = tea.KeyPressMsg{Code: tea.KeyTab}
	ctrlC = tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	down  = tea.KeyPressMsg{Code: tea.KeyDown}
)
