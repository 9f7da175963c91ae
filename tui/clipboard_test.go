package tui

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
)

// TestNeverWritesTheClipboard runs the real Bubble Tea program headless
// through a session — caseload, filter, a child, a meeting with notes and a
// recommendation — and checks that nothing it wrote to the terminal asks
// the terminal to set the clipboard (OSC 52): a child's details must never
// leave iro that way.
func TestNeverWritesTheClipboard(t *testing.T) {
	be := newBackend(60)
	var out syncBuffer
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	p := tea.NewProgram(newApp(be, Ready), tea.WithContext(ctx), tea.WithInput(nil), tea.WithOutput(&out),
		tea.WithWindowSize(100, 30), tea.WithoutSignals(), tea.WithColorProfile(colorprofile.ANSI))
	done := make(chan error, 1)
	go func() { _, err := p.Run(); done <- err }()

	target := be.children[5]
	steps := []tea.Msg{press('/')}
	for _, r := range strings.ToLower(target.LAID) {
		steps = append(steps, press(r))
	}
	steps = append(steps, enter, enter, press('m'))
	for _, r := range "Notes typed in the meeting." {
		steps = append(steps, press(r))
	}
	steps = append(steps, ctrlR)
	for _, r := range "Book the dentist" {
		steps = append(steps, press(r))
	}
	steps = append(steps, esc, esc, ctrlC)
	out.waitFor(t, "60 children")
	for i, msg := range steps {
		p.Send(msg)
		if i == len(steps)-3 { // the recommendation dialog is up before leaving
			out.waitFor(t, "What needs to happen")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := <-done; err != nil {
		t.Fatalf("program: %v", err)
	}
	if !bytes.Contains(out.bytes(), []byte("Agenda")) {
		t.Fatal("the session never reached the meeting")
	}
	if bytes.Contains(out.bytes(), []byte("\x1b]52")) {
		t.Fatal("iro wrote an OSC 52 clipboard sequence to the terminal")
	}
}

// syncBuffer is the terminal's output, safe to read while the program writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return bytes.Clone(b.buf.Bytes())
}

// waitFor waits until the output shows s (the renderer writes only changes,
// so s must be newly drawn text).
func (b *syncBuffer) waitFor(t *testing.T, s string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !bytes.Contains(b.bytes(), []byte(s)) {
		if time.Now().After(deadline) {
			t.Fatalf("waited 10 s for %q", s)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
