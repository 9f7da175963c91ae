// Package tuitest drives Bubble Tea models in tests the way the runtime
// does: keys go to the model, the commands it returns are run and their
// messages fed back, so a test sees the state a user would.
package tuitest

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// DefaultWait is how long a command may take before it counts as a timer
// when Driver.Wait is zero.
const DefaultWait = 100 * time.Millisecond

// timerLimit is how long FireTimers waits for each timer.
const timerLimit = 5 * time.Second

// Driver feeds messages to a model and runs the commands it returns.
// Commands that do not answer within Wait are timers, not work: they are
// kept in Timers for a test to fire on purpose with FireTimers.
type Driver struct {
	T testing.TB
	// Update hands msg to the model, keeps the new model and returns its
	// command. Every message is delivered, tea.QuitMsg included.
	Update func(msg tea.Msg) tea.Cmd
	// View is the model's view, styles and all.
	View func() string
	// Wait is how long a command may take before it counts as a timer;
	// DefaultWait if zero.
	Wait time.Duration

	Sent   []tea.Msg // every message a command returned, in order
	Timers []chan tea.Msg
}

// Model is a screen model whose Update returns its own type and whose View
// is a string, as the tui's sub-screens are.
type Model[M any] interface {
	Update(msg tea.Msg) (M, tea.Cmd)
	View() string
}

// For is a Driver of *m with the default wait: each update replaces *m.
func For[M Model[M]](t testing.TB, m *M) *Driver {
	return &Driver{T: t, View: func() string { return (*m).View() }, Update: func(msg tea.Msg) tea.Cmd {
		var cmd tea.Cmd
		*m, cmd = (*m).Update(msg)
		return cmd
	}}
}

// Send delivers msg to the model and runs the command it returns.
func (d *Driver) Send(msg tea.Msg) {
	d.T.Helper()
	d.Run(d.Update(msg))
}

// Run runs cmd and feeds back what it returns: a batch's or a sequence's
// commands are run in order, any other message is sent to the model.
func (d *Driver) Run(cmd tea.Cmd) {
	d.T.Helper()
	if cmd == nil {
		return
	}
	wait := d.Wait
	if wait == 0 {
		wait = DefaultWait
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	select {
	case msg := <-done:
		d.deliver(msg)
	case <-time.After(wait):
		d.Timers = append(d.Timers, done)
	}
}

var cmdType = reflect.TypeFor[tea.Cmd]()

func (d *Driver) deliver(msg tea.Msg) {
	d.T.Helper()
	switch msg := msg.(type) {
	case nil:
		return
	case tea.BatchMsg:
		for _, c := range msg {
			d.Run(c)
		}
		return
	}
	if seq := reflect.ValueOf(msg); seq.Kind() == reflect.Slice && seq.Type().Elem() == cmdType {
		// tea.Sequence's message is unexported: a list of commands to run in order.
		for i := range seq.Len() {
			d.Run(seq.Index(i).Interface().(tea.Cmd))
		}
		return
	}
	d.Sent = append(d.Sent, msg)
	d.Send(msg)
}

// FireTimers waits for the timers started so far and feeds back what they
// return.
func (d *Driver) FireTimers() {
	d.T.Helper()
	timers := d.Timers
	d.Timers = nil
	for _, done := range timers {
		select {
		case msg := <-done:
			d.deliver(msg)
		case <-time.After(timerLimit):
			d.T.Fatalf("a timer did not fire within %s", timerLimit)
		}
	}
}

// Keys sends each key in turn, running its commands before the next.
func (d *Driver) Keys(keys ...tea.KeyPressMsg) {
	d.T.Helper()
	for _, k := range keys {
		d.Send(k)
	}
}

// Type types s as fast as a person can: the keys arrive before any timer
// they start has fired, and their commands run afterwards.
func (d *Driver) Type(s string) {
	d.T.Helper()
	var cmds []tea.Cmd
	for _, r := range s {
		cmds = append(cmds, d.Update(Press(r)))
	}
	for _, cmd := range cmds {
		d.Run(cmd)
	}
}

// TypeSlowly types s one key at a time, each key's commands run before the
// next key arrives.
func (d *Driver) TypeSlowly(s string) {
	d.T.Helper()
	for _, r := range s {
		d.Send(Press(r))
	}
}

// Screen is the view as the user reads it, without escape sequences.
func (d *Driver) Screen() string { return ansi.Strip(d.View()) }

// MustSee fails the test unless the screen shows every string in want.
func (d *Driver) MustSee(want ...string) {
	d.T.Helper()
	MustSee(d.T, d.Screen(), want...)
}

// MustNotSee fails the test if the screen shows unwanted.
func (d *Driver) MustNotSee(unwanted string) {
	d.T.Helper()
	MustNotSee(d.T, d.Screen(), unwanted)
}

// MustSee fails t unless screen holds every string in want.
func MustSee(t testing.TB, screen string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(screen, w) {
			t.Fatalf("screen lacks %q:\n%s", w, screen)
		}
	}
}

// MustNotSee fails t if screen holds unwanted.
func MustNotSee(t testing.TB, screen, unwanted string) {
	t.Helper()
	if strings.Contains(screen, unwanted) {
		t.Fatalf("screen shows %q:\n%s", unwanted, screen)
	}
}

// Press is the key press that types r.
func Press(r rune) tea.KeyPressMsg { return tea.KeyPressMsg{Code: r, Text: string(r)} }

// Golden compares got with the golden file at path, or rewrites the file
// when update is set.
func Golden(t testing.TB, path, got string, update bool) {
	t.Helper()
	if update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run the test with -update, or `make golden`, to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the golden file (run with -update if the change is intended)\n--- got ---\n%s\n--- want ---\n%s", path, got, want)
	}
}
