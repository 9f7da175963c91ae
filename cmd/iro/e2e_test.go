package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/iro-app/iro/internal/testbin"
)

// These tests drive the real binary in a real terminal (tmux), as an IRO
// would. They need tmux: locally they skip with a loud reason, in CI (CI=true)
// a missing tmux is a failure.

func requireTmux(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("tmux is not installed, and CI=true: .ci/run must install it")
		}
		t.Skip("SKIPPING END-TO-END TEST: tmux is not installed (apt-get install tmux); CI runs it")
	}
}

type term struct {
	t       *testing.T
	session string
}

// openTerm starts command in a detached tmux session of the given size, with
// a private home so nothing touches the developer's own data.
func openTerm(t *testing.T, w, h int, env []string, command string) *term {
	t.Helper()
	session := fmt.Sprintf("iro-e2e-%d-%d", os.Getpid(), time.Now().UnixNano())
	args := []string{"new-session", "-d", "-s", session, "-x", strconv.Itoa(w), "-y", strconv.Itoa(h)}
	for _, e := range env {
		args = append(args, "-e", e)
	}
	args = append(args, command+"; echo EXIT=$?; sleep 30")
	if out, err := exec.Command("tmux", args...).CombinedOutput(); err != nil {
		t.Fatalf("tmux: %v\n%s", err, out)
	}
	tm := &term{t: t, session: session}
	t.Cleanup(func() { _ = exec.Command("tmux", "kill-session", "-t", session).Run() })
	return tm
}

func (tm *term) capture(withEscapes bool) string {
	args := []string{"capture-pane", "-p", "-t", tm.session}
	if withEscapes {
		args = append(args, "-e")
	}
	out, err := exec.Command("tmux", args...).Output()
	if err != nil {
		tm.t.Fatalf("capture-pane: %v", err)
	}
	return string(out)
}

func (tm *term) waitFor(want string) string {
	tm.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		screen := tm.capture(false)
		if strings.Contains(screen, want) {
			return screen
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("waited 15s for %q; the screen shows:\n%s", want, screen)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (tm *term) keys(keys ...string) {
	tm.t.Helper()
	if out, err := exec.Command("tmux", append([]string{"send-keys", "-t", tm.session}, keys...)...).CombinedOutput(); err != nil {
		tm.t.Fatalf("send-keys: %v\n%s", err, out)
	}
}

func (tm *term) typeText(s string) {
	tm.t.Helper()
	if out, err := exec.Command("tmux", "send-keys", "-t", tm.session, "-l", s).CombinedOutput(); err != nil {
		tm.t.Fatalf("send-keys -l: %v\n%s", err, out)
	}
}

func testEnv(t *testing.T, extra ...string) []string {
	home := t.TempDir()
	return append([]string{"IRO_TODAY=2026-11-22", "TERM=xterm-256color", "HOME=" + home,
		"XDG_DATA_HOME=" + filepath.Join(home, "data"), "XDG_STATE_HOME=" + filepath.Join(home, "state")}, extra...)
}

// TestDemoFindOpenQuit: iro demo shows the caseload, / filters to one child,
// enter opens them, q quits with exit code 0.
func TestDemoFindOpenQuit(t *testing.T) {
	requireTmux(t)
	bin := testbin.Build(t, ".")
	db := filepath.Join(t.TempDir(), "demo.db")
	env := testEnv(t)

	// Pick a child from the scripting interface, so the test does not
	// depend on the demo's invented names.
	cmd := exec.Command(bin, "demo", "--no-tui", "--db", db)
	cmd.Env = append(os.Environ(), env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("iro demo --no-tui: %v\n%s", err, out)
	}
	cmd = exec.Command(bin, "caseload", "--json", "--db", db)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("iro caseload: %v", err)
	}
	var rows []struct {
		Name string `json:"name"`
		LAID string `json:"la_id"`
	}
	if err := json.Unmarshal(out, &rows); err != nil || len(rows) < 20 {
		t.Fatalf("caseload --json: %v (%d rows)", err, len(rows))
	}
	target := rows[len(rows)/2]

	tm := openTerm(t, 80, 24, env, bin+" demo --db "+db)
	tm.waitFor("Caseload · 60 children")
	tm.waitFor("OVERDUE")
	tm.keys("/")
	tm.typeText(target.LAID)
	tm.waitFor("1 of 60")
	tm.keys("Enter")
	tm.keys("Enter")
	screen := tm.waitFor("Next deadlines")
	if !strings.Contains(screen, target.Name) || !strings.Contains(screen, target.LAID) {
		t.Fatalf("opened the wrong child; want %s (%s):\n%s", target.Name, target.LAID, screen)
	}
	tm.keys("Escape")
	tm.waitFor("Caseload · 60 children")
	tm.keys("q")
	tm.waitFor("EXIT=0")
}

var sgr = regexp.MustCompile(`\x1b\[([0-9;:]*)m`)

// TestNoColor: with NO_COLOR set, the screen carries no colour at all, and
// urgency still shows in symbols and words.
func TestNoColor(t *testing.T) {
	requireTmux(t)
	bin := testbin.Build(t, ".")
	db := filepath.Join(t.TempDir(), "demo.db")
	tm := openTerm(t, 100, 30, testEnv(t, "NO_COLOR=1"), bin+" demo --db "+db)
	tm.waitFor("OVERDUE")
	for _, m := range sgr.FindAllStringSubmatch(tm.capture(true), -1) {
		for _, p := range strings.FieldsFunc(m[1], func(r rune) bool { return r == ';' || r == ':' }) {
			n, _ := strconv.Atoi(p)
			isReset := n == 39 || n == 49 // "default colour" is no colour
			if !isReset && ((n >= 30 && n <= 48) || (n >= 90 && n <= 107)) {
				t.Fatalf("NO_COLOR set but the screen has colour code %q", m[0])
			}
		}
	}
	tm.keys("q")
	tm.waitFor("EXIT=0")
}

// TestFirstRunThenUnlock: iro on a fresh laptop asks for a passphrase and a
// name; the next run shows the unlock screen, refuses a wrong passphrase and
// opens with the right one.
func TestFirstRunThenUnlock(t *testing.T) {
	requireTmux(t)
	bin := testbin.Build(t, ".")
	env := testEnv(t)
	db := filepath.Join(t.TempDir(), "mine.db")

	tm := openTerm(t, 80, 24, env, bin+" --db "+db)
	tm.waitFor("Welcome to iro")
	tm.typeText("too short")
	tm.keys("Tab")
	tm.typeText("too short")
	tm.keys("Tab")
	tm.typeText("Sam Okoro")
	tm.keys("Enter")
	tm.waitFor("at least 12")
	tm.typeText("train to Truro 0712")
	tm.keys("Tab")
	tm.typeText("train to Truro 0712")
	tm.keys("Tab", "Enter")
	tm.waitFor("No children on this caseload yet")
	tm.waitFor("Sam Okoro")
	tm.keys("q")
	tm.waitFor("EXIT=0")

	tm = openTerm(t, 80, 24, env, bin+" --db "+db)
	tm.waitFor("iro is locked")
	tm.typeText("train to Truro 0713")
	tm.keys("Enter")
	tm.waitFor("not right")
	tm.typeText("train to Truro 0712")
	tm.keys("Enter")
	tm.waitFor("Sam Okoro")
	tm.keys("q")
	tm.waitFor("EXIT=0")
}
