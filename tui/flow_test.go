package tui

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

func TestCaseloadLoadsSortedByDue(t *testing.T) {
	hs := start(t, newBackend(60), Ready, 120, 40)
	hs.mustSee("Caseload · 60 children", "sorted by due date", "Jo Marsden", "Sun 22 Nov 2026", "DEMO")
	rows := hs.app.caseload
	first, ok := rows.Selected()
	if !ok {
		t.Fatal("no row selected after loading")
	}
	if first.Next.Due.After(today) {
		t.Errorf("first row is due %s, but the demo has overdue children: sort by due is broken", first.Next.Due)
	}
	hs.mustSee("!! ", "OVERDUE", "! ", "due soon") // urgency in symbols and words, not only colour
}

func TestNavigationOpensChildAndComesBack(t *testing.T) {
	hs := start(t, newBackend(60), Ready, 100, 30)
	hs.keys(press('j'), press('j'))
	picked, _ := hs.app.caseload.Selected()
	hs.keys(enter)
	if hs.app.active != childScreen {
		t.Fatalf("enter did not open the child screen")
	}
	hs.mustSee(picked.Child.Name(), "Next deadlines", "Reviews", "esc back")
	hs.keys(esc)
	if hs.app.active != caseloadScreen {
		t.Fatal("esc did not go back to the caseload")
	}
	if again, _ := hs.app.caseload.Selected(); again.Child.ID != picked.Child.ID {
		t.Errorf("cursor moved from %s to %s after coming back", picked.Child.Name(), again.Child.Name())
	}
	hs.keys(press('k'), press('k'), press('k'))
	if top, _ := hs.app.caseload.Selected(); top.Child.ID != hs.app.caseload.Entries()[0].Child.ID {
		t.Error("k past the top should stop on the first row")
	}
}

func TestFilterAsYouType(t *testing.T) {
	be := newBackend(60)
	hs := start(t, be, Ready, 100, 30)
	target := be.children[17]
	hs.keys(press('/'))
	hs.typeText(strings.ToLower(target.FirstName + " " + target.LastName))
	if got := hs.app.caseload.Visible(); got != 1 {
		t.Fatalf("filter %q shows %d children, want 1", target.Name(), got)
	}
	hs.mustSee(target.Name(), "1 of 60")
	hs.keys(enter) // keep the filter, leave the input
	hs.keys(enter) // open the child
	if hs.app.active != childScreen {
		t.Fatal("enter on the filtered row did not open the child")
	}
	hs.mustSee(target.LAID)
}

func TestFilterByLAIDAndLettersAreText(t *testing.T) {
	be := newBackend(60)
	hs := start(t, be, Ready, 100, 30)
	hs.keys(press('/'))
	hs.typeText("q?") // while typing, q and ? are text, not quit and help
	if hs.quit || hs.app.showHelp {
		t.Fatal("a letter typed into the filter fired a shortcut")
	}
	hs.keys(tea.KeyPressMsg{Code: tea.KeyBackspace}, tea.KeyPressMsg{Code: tea.KeyBackspace})
	hs.typeText(strings.ToLower(be.children[3].LAID))
	if got := hs.app.caseload.Visible(); got != 1 {
		t.Fatalf("LA id filter shows %d children, want 1", got)
	}
	hs.typeText("zzz")
	hs.mustSee("No child matches")
	hs.keys(esc)
	if got := hs.app.caseload.Visible(); got != 60 {
		t.Errorf("esc should clear the filter: %d of 60 shown", got)
	}
}

func TestSortByName(t *testing.T) {
	hs := start(t, newBackend(60), Ready, 100, 30)
	hs.keys(press('s'))
	hs.mustSee("sorted by name")
	entries := hs.app.caseload.Entries()
	for i := 1; i < len(entries); i++ {
		a, b := strings.ToLower(entries[i-1].Child.LastName), strings.ToLower(entries[i].Child.LastName)
		if a > b {
			t.Fatalf("not sorted by family name: %q before %q", a, b)
		}
	}
	hs.keys(press('s'))
	hs.mustSee("sorted by due date")
}

func TestResizeAndTooSmall(t *testing.T) {
	hs := start(t, newBackend(60), Ready, 80, 24)
	hs.send(tea.WindowSizeMsg{Width: 59, Height: 24})
	hs.mustSee("Terminal too small")
	hs.send(tea.WindowSizeMsg{Width: 80, Height: 19})
	hs.mustSee("Terminal too small")
	hs.send(tea.WindowSizeMsg{Width: 60, Height: 20})
	hs.mustNotSee("Terminal too small")
	hs.mustSee("Caseload · 60 children")
	// the cursor stays visible when the window shrinks under it
	hs.keys(tea.KeyPressMsg{Code: tea.KeyEnd})
	last := hs.app.caseload.Entries()[59]
	hs.mustSee(last.Child.Name())
	hs.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	hs.mustSee(last.Child.Name())
}

func TestHelpAndQuit(t *testing.T) {
	hs := start(t, newBackend(5), Ready, 80, 24)
	hs.mustSee("? help", "q quit", "/ filter")
	hs.keys(press('?'))
	hs.mustSee("Keys", "open", "page down", "clear filter")
	hs.keys(press('?'))
	hs.mustNotSee("page down")
	hs.keys(press('q'))
	if !hs.quit {
		t.Fatal("q did not quit")
	}
	hs = start(t, newBackend(5), Ready, 80, 24)
	hs.keys(press('/'), ctrlC)
	if !hs.quit {
		t.Fatal("ctrl+c did not quit while the filter had focus")
	}
}

func TestStaleLoadIsDropped(t *testing.T) {
	hs := start(t, newBackend(5), Ready, 80, 24)
	hs.send(caseloadLoadedMsg{gen: hs.app.loadGen - 1})
	if len(hs.app.caseload.Entries()) != 5 {
		t.Fatal("a reply for an older load replaced the caseload")
	}
}

func TestLoadErrorIsShown(t *testing.T) {
	be := newBackend(5)
	be.loadErr = errors.New("database disk image is malformed")
	hs := start(t, be, Ready, 80, 24)
	hs.mustSee("Could not load the caseload", "malformed", "Nothing has been changed")
}

func TestUnlock(t *testing.T) {
	be := newBackend(10)
	hs := start(t, be, Unlock, 80, 24)
	hs.mustSee("iro is locked", "Passphrase")
	hs.typeText("wrong passphrase")
	hs.keys(enter)
	hs.mustSee("not right")
	if hs.app.active != unlockScreen {
		t.Fatal("a wrong passphrase left the unlock screen")
	}
	hs.mustNotSee("wrong passphrase") // never echoed
	hs.typeText(be.passphrase)
	hs.keys(enter)
	hs.mustSee("Caseload · 10 children", "Jo Marsden")
}

func TestFirstRunSetup(t *testing.T) {
	be := newBackend(0)
	be.initialised, be.settings = false, map[string]string{}
	hs := start(t, be, Setup, 80, 24)
	hs.mustSee("Welcome to iro", "Passphrase (12+ characters)", "Your name")
	steps := []struct {
		pass, again, name string
		want              string
	}{
		{"short", "short", "Sam", "at least 12"},
		{"a long passphrase", "a different one!", "Sam", "different"},
		{"a long passphrase", "a long passphrase", "", "Enter your name"},
	}
	for _, s := range steps {
		hs.app.unlock = newApp(be, Setup).unlock
		hs.send(tea.WindowSizeMsg{Width: 80, Height: 24})
		hs.typeText(s.pass)
		hs.keys(tab)
		hs.typeText(s.again)
		hs.keys(tab)
		hs.typeText(s.name)
		hs.keys(enter)
		hs.mustSee(s.want)
		if be.initialised {
			t.Fatalf("set up with %+v", s)
		}
	}
	hs.app.unlock = newApp(be, Setup).unlock
	hs.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	hs.typeText("a long passphrase")
	hs.keys(enter) // enter moves to the next field until the last
	hs.typeText("a long passphrase")
	hs.keys(enter)
	hs.typeText("Sam Okoro")
	hs.keys(enter)
	if !be.initialised || be.passphrase != "a long passphrase" || be.settings[SettingIROName] != "Sam Okoro" {
		t.Fatalf("setup did not create the database: %+v", be)
	}
	hs.mustSee("Sam Okoro", "No children on this caseload yet")
}

func TestChildScreenScrolls(t *testing.T) {
	hs := start(t, newBackend(60), Ready, 80, 24)
	hs.keys(enter)
	before := hs.screen()
	for range 30 {
		hs.keys(press('j'))
	}
	if hs.screen() == before {
		t.Fatal("j did not scroll the child screen")
	}
	hs.keys(press('g'))
	if hs.screen() != before {
		t.Error("g did not go back to the top")
	}
}

func TestGoldenViews(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		w, h := size[0], size[1]
		t.Run(fmt.Sprintf("%dx%d", w, h), func(t *testing.T) {
			hs := start(t, newBackend(60), Ready, w, h)
			golden(t, fmt.Sprintf("caseload_%dx%d", w, h), hs.screen())
			hs.keys(down, down, down)
			hs.keys(enter)
			golden(t, fmt.Sprintf("child_%dx%d", w, h), hs.screen())
		})
	}
}

// TestLayoutSweep draws every screen at every size from 60×20 to 200×60 and
// checks that the frame fills the terminal and no line is wider than it.
func TestLayoutSweep(t *testing.T) {
	be := newBackend(60)
	screens := map[string]func(hs *harness){
		"caseload":  func(*harness) {},
		"filtering": func(hs *harness) { hs.keys(press('/')); hs.typeText("a") },
		"child":     func(hs *harness) { hs.keys(down, enter) },
		"help":      func(hs *harness) { hs.keys(press('?')) },
		"sync":      func(hs *harness) { hs.keys(tea.KeyPressMsg{Code: 's', Text: "S", Mod: tea.ModShift}) },
	}
	for name, prepare := range screens {
		hs := start(t, be, Ready, 200, 60)
		prepare(hs)
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
	for name, s := range map[string]Start{"unlock": Unlock, "setup": Setup} {
		hs := start(t, be, s, 60, 20)
		for w := 60; w <= 200; w += 7 {
			for h := 20; h <= 60; h += 5 {
				checkFits(t, hs, name, w, h)
			}
		}
	}
}

func checkFits(t *testing.T, hs *harness, name string, w, h int) {
	t.Helper()
	hs.send(tea.WindowSizeMsg{Width: w, Height: h})
	lines := strings.Split(hs.app.View().Content, "\n")
	if len(lines) != h {
		t.Fatalf("%s at %dx%d: %d lines, want %d", name, w, h, len(lines), h)
	}
	for i, l := range lines {
		if lw := ansi.StringWidth(l); lw > w {
			t.Fatalf("%s at %dx%d: line %d is %d wide: %q", name, w, h, i, lw, ansi.Strip(l))
		}
	}
}
