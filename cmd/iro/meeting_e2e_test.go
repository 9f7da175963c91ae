package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/iro-app/iro/internal/calendar"
	"github.com/iro-app/iro/internal/caseload"
	"github.com/iro-app/iro/internal/child"
	"github.com/iro-app/iro/internal/demo"
	"github.com/iro-app/iro/internal/testbin"
	"github.com/iro-app/iro/internal/timescale"
	"github.com/iro-app/iro/store"
)

// schoolAgeLookedAfter picks a looked-after child aged 5–15 from the demo
// database, so the participation code PN1 is allowed for them.
func schoolAgeLookedAfter(t *testing.T, db string) child.Child {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Unlock(ctx, []byte(demo.Passphrase)); err != nil {
		t.Fatal(err)
	}
	kids, err := s.Caseload(ctx)
	if err != nil {
		t.Fatal(err)
	}
	today := calendar.MustParse("2026-11-22")
	for _, e := range caseload.Build(kids, today, calendar.Default(), timescale.DefaultRules()) {
		if e.Kind == child.LAC && e.Age >= 5 && e.Age <= 15 {
			return e.Child
		}
	}
	t.Fatal("the demo has no looked-after child aged 5 to 15")
	return child.Child{}
}

// irosPID is the iro process running in the tmux pane (a child of its shell).
func irosPID(t *testing.T, tm *term) int {
	t.Helper()
	out, err := exec.Command("tmux", "list-panes", "-t", tm.session, "-F", "#{pane_pid}").Output()
	if err != nil {
		t.Fatal(err)
	}
	shell := strings.TrimSpace(string(out))
	out, err = exec.Command("pgrep", "-P", shell, "iro").Output()
	if err != nil {
		t.Fatalf("no iro process under pane shell %s: %v", shell, err)
	}
	pid, err := strconv.Atoi(strings.Fields(string(out))[0])
	if err != nil {
		t.Fatal(err)
	}
	return pid
}

func openChild(tm *term, c child.Child) {
	tm.waitFor("Caseload · 60 children")
	tm.keys("/")
	tm.typeText(c.LAID)
	tm.waitFor("1 of 60")
	tm.keys("Enter")
	tm.keys("Enter")
	tm.waitFor("Next deadlines")
}

// TestMeetingSurvivesKill9: start a meeting, type into two sections, capture
// a recommendation, kill -9 the process, reopen and find all of it; then end
// the meeting and find it in `iro record --format json`.
func TestMeetingSurvivesKill9(t *testing.T) {
	requireTmux(t)
	bin := testbin.Build(t, ".")
	env := testEnv(t)
	db := filepath.Join(t.TempDir(), "demo.db")
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(bin, append(args, "--db", db)...)
		cmd.Env = append(os.Environ(), env...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("iro %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	run("demo", "--no-tui")
	c := schoolAgeLookedAfter(t, db)

	const first = "Everyone introduced themselves and the carer read the child's letter."
	const second = "The child wants more time with her brother at weekends."
	const rec = "Arrange weekend contact with her brother"

	tm := openTerm(t, 100, 30, env, bin+" demo --db "+db)
	openChild(tm, c)
	tm.keys("m")
	tm.waitFor("Agenda")
	tm.typeText(first)
	tm.keys("Tab")
	tm.typeText(second)
	tm.keys("C-r")
	tm.waitFor("What needs to happen")
	tm.typeText(rec)
	tm.keys("Enter")
	tm.typeText("social worker")
	tm.keys("Enter")
	tm.typeText("Priya Shah")
	tm.keys("Enter")
	tm.typeText("10wd")
	tm.waitFor("Fri 04 Dec 2026 (10 working days)")
	tm.keys("Enter")
	tm.waitFor("Recommendations 1")
	// The notes are durable within 300 ms of the last keystroke; give the
	// terminal a little more to deliver the keys, then pull the plug.
	time.Sleep(500 * time.Millisecond)
	if err := syscall.Kill(irosPID(t, tm), syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	tm.waitFor("EXIT=137")

	tm = openTerm(t, 100, 30, env, bin+" demo --db "+db)
	openChild(tm, c)
	tm.keys("m")
	tm.waitFor(first[:40])
	tm.waitFor("Recommendations 1")
	tm.keys("Tab")
	tm.waitFor(second[:40])

	tm.keys("C-p")
	tm.waitFor("How did the child take part?")
	tm.keys("Down", "Enter") // PN1
	tm.waitFor("Participation PN1")
	tm.keys("C-x")
	tm.waitFor("Decisions to circulate by")
	tm.keys("y")
	tm.waitFor("Next deadlines")
	tm.keys("q")
	tm.waitFor("EXIT=0")

	var record struct {
		Review struct {
			State             string `json:"state"`
			Held              string `json:"held"`
			ParticipationCode string `json:"participation_code"`
		} `json:"review"`
		Sections []struct {
			Notes string `json:"notes"`
		} `json:"sections"`
		Recommendations []struct {
			Text string `json:"text"`
			Due  string `json:"due"`
		} `json:"recommendations"`
	}
	out := run("record", c.LAID, "--format", "json")
	if err := json.Unmarshal([]byte(out), &record); err != nil {
		t.Fatalf("record json: %v\n%s", err, out)
	}
	if record.Review.State != "held" || record.Review.Held != "2026-11-22" || record.Review.ParticipationCode != "PN1" {
		t.Errorf("review in the record: %+v", record.Review)
	}
	if len(record.Sections) < 2 || record.Sections[0].Notes != first || record.Sections[1].Notes != second {
		t.Errorf("notes in the record: %+v", record.Sections)
	}
	if len(record.Recommendations) != 1 || record.Recommendations[0].Text != rec || record.Recommendations[0].Due != "2026-12-04" {
		t.Errorf("recommendations in the record: %+v", record.Recommendations)
	}
}
