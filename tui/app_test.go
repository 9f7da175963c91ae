package tui

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/iro-app/iro/internal/calendar"
	"github.com/iro-app/iro/internal/challenge"
	"github.com/iro-app/iro/internal/child"
	"github.com/iro-app/iro/internal/clock"
	"github.com/iro-app/iro/internal/demo"
	"github.com/iro-app/iro/internal/review"
	"github.com/iro-app/iro/internal/timescale"
	"github.com/iro-app/iro/internal/vault"
	"github.com/iro-app/iro/tui/styles"
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

// harness drives an App like the Bubble Tea runtime does: each command is
// run and its message fed back, so a test sees the state a user would.
type harness struct {
	t    *testing.T
	app  App
	quit bool
}

func start(t *testing.T, be *fakeBackend, s Start, w, h int) *harness {
	t.Helper()
	hs := &harness{t: t, app: newApp(be, s)}
	hs.send(tea.WindowSizeMsg{Width: w, Height: h})
	hs.run(hs.app.Init())
	return hs
}

func (hs *harness) send(msg tea.Msg) {
	hs.t.Helper()
	m, cmd := hs.app.Update(msg)
	hs.app = m.(App)
	hs.run(cmd)
}

// run executes a command and feeds back what it returns. The autosave timer
// (250 ms) fires; commands that take longer (the meeting's one-second clock)
// are timers, not work, and are dropped.
func (hs *harness) run(cmd tea.Cmd) {
	hs.t.Helper()
	if cmd == nil {
		return
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	var msg tea.Msg
	select {
	case msg = <-done:
	case <-time.After(400 * time.Millisecond):
		return
	}
	if seq := reflect.ValueOf(msg); seq.Kind() == reflect.Slice && seq.Type().Elem() == reflect.TypeOf(tea.Cmd(nil)) {
		// tea.Sequence's message is unexported: a list of commands to run in order.
		for i := range seq.Len() {
			hs.run(seq.Index(i).Interface().(tea.Cmd))
		}
		return
	}
	switch msg := msg.(type) {
	case nil:
	case tea.BatchMsg:
		for _, c := range msg {
			hs.run(c)
		}
	case tea.QuitMsg:
		hs.quit = true
	default:
		hs.send(msg)
	}
}

func (hs *harness) keys(keys ...tea.KeyPressMsg) {
	hs.t.Helper()
	for _, k := range keys {
		hs.send(k)
	}
}

// typeText types s as fast as a person can: the keys arrive before any
// timer they start has fired, and the timers run afterwards.
func (hs *harness) typeText(s string) {
	hs.t.Helper()
	var cmds []tea.Cmd
	for _, r := range s {
		m, cmd := hs.app.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
		hs.app = m.(App)
		cmds = append(cmds, cmd)
	}
	for _, cmd := range cmds {
		hs.run(cmd)
	}
}

func (hs *harness) screen() string { return ansi.Strip(hs.app.View().Content) }

func (hs *harness) mustSee(want ...string) {
	hs.t.Helper()
	s := hs.screen()
	for _, w := range want {
		if !strings.Contains(s, w) {
			hs.t.Fatalf("screen lacks %q:\n%s", w, s)
		}
	}
}

func (hs *harness) mustNotSee(unwanted string) {
	hs.t.Helper()
	if s := hs.screen(); strings.Contains(s, unwanted) {
		hs.t.Fatalf("screen shows %q:\n%s", unwanted, s)
	}
}

func press(r rune) tea.KeyPressMsg { return tea.KeyPressMsg{Code: r, Text: string(r)} }

var (
	enter = tea.KeyPressMsg{Code: tea.KeyEnter}
	esc   = tea.KeyPressMsg{Code: tea.KeyEscape}
	tab   = tea.KeyPressMsg{Code: tea.KeyTab}
	ctrlC = tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	down  = tea.KeyPressMsg{Code: tea.KeyDown}
)

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run `make golden` to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the golden file (run `make golden` if the change is intended)\n--- got ---\n%s\n--- want ---\n%s", name, got, want)
	}
}
