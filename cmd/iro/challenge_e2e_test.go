package main

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iro-app/iro/internal/challenge"
	"github.com/iro-app/iro/internal/child"
	"github.com/iro-app/iro/internal/demo"
	"github.com/iro-app/iro/internal/testbin"
	"github.com/iro-app/iro/store"
)

// TestChallengeFromRecommendation: hold a meeting with a recommendation,
// raise a challenge about it from the follow-up tracker, escalate it once,
// and find both steps in the database after quitting.
func TestChallengeFromRecommendation(t *testing.T) {
	requireTmux(t)
	bin := testbin.Build(t, ".")
	scratch := t.TempDir() // the session's temp files, scanned at the end
	env := testEnv(t, "TMPDIR="+scratch)
	home := strings.TrimPrefix(env[2], "HOME=")
	db := filepath.Join(t.TempDir(), "demo.db")
	cmd := exec.Command(bin, "demo", "--no-tui", "--db", db)
	cmd.Env = append(os.Environ(), env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("iro demo: %v\n%s", err, out)
	}
	c := schoolAgeLookedAfter(t, db)

	tm := openTerm(t, 100, 30, env, bin+" demo --db "+db)
	openChild(tm, c)
	tm.keys("m")
	tm.waitFor("Agenda")
	tm.typeText(meetingNote)
	tm.keys("C-r")
	tm.waitFor("What needs to happen")
	for _, v := range []string{"Refer to CAMHS", "social worker", "Priya Shah", "2w"} {
		tm.typeText(v)
		tm.keys("Enter")
	}
	tm.waitFor("Recommendations 1")
	tm.keys("C-p")
	tm.waitFor("How did the child take part?")
	tm.keys("Down", "Enter")
	tm.waitFor("Participation PN1")
	tm.keys("C-x")
	tm.waitFor("Decisions to circulate by")
	tm.keys("y")
	tm.waitFor("Next deadlines")
	tm.keys("f")
	tm.waitFor("Tracker")
	tm.keys("3")
	tm.waitFor("Refer to CAMHS")
	tm.keys("c")
	tm.waitFor("Raise a challenge")
	tm.waitFor("Recommendation not done: Refer to CAMHS")
	// About and issue are filled in; decision, remedy, stage (1), addressee, sent (today).
	for _, v := range []string{"", "", "Decision not to refer", "A CAMHS referral this week", "", "Sam Lee", ""} {
		tm.typeText(v)
		tm.keys("Enter")
	}
	tm.waitFor("Letter to Sam Lee")
	tm.keys("e")
	tm.waitFor("Escalate")
	for _, v := range []string{"", "Ali Khan", "", "No reply from the social worker"} {
		tm.typeText(v)
		tm.keys("Enter")
	}
	tm.waitFor("Letter to Ali Khan")
	tm.waitFor("Team manager")
	tm.keys("Escape")
	tm.waitFor("Next deadlines")
	if _, err := os.Stat(db + "-wal"); err != nil {
		t.Fatalf("no WAL while iro runs: %v", err)
	}
	scanForPlaintext(t, db, []string{scratch, home}, c) // while running: the WAL holds the session
	tm.keys("q")
	tm.waitFor("EXIT=0")

	scanForPlaintext(t, db, []string{scratch, home}, c)

	ctx := context.Background()
	s, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Unlock(ctx, []byte(demo.Passphrase)); err != nil {
		t.Fatal(err)
	}
	list, err := s.Challenges(ctx, c.ID)
	if err != nil || len(list) != 1 {
		t.Fatalf("challenges: %d, %v", len(list), err)
	}
	ch := list[0]
	if ch.RecommendationID == "" || ch.Category != challenge.DriftDelay {
		t.Errorf("challenge not linked to the recommendation: %+v", ch)
	}
	kinds := []challenge.StepKind{}
	for _, st := range ch.Steps {
		kinds = append(kinds, st.Kind)
	}
	if len(ch.Steps) != 3 || ch.Steps[0].Addressee != "Sam Lee" || ch.Steps[1].Outcome != challenge.Escalated ||
		ch.Steps[2].Addressee != "Ali Khan" || ch.Steps[2].Stage != 1 {
		t.Fatalf("steps %v: %+v", kinds, ch.Steps)
	}
}

const meetingNote = "Zainab from CAMHS joined by phone and described the waiting list."

// scanForPlaintext searches the database, its WAL and shared memory, and
// every file the session left in the temp and home folders (logs included)
// for the child's sealed values and everything typed in the session: none
// may appear. The IRO's name, a plaintext setting, must be found in the
// database, proving the search sees what is stored.
func scanForPlaintext(t *testing.T, db string, dirs []string, c child.Child) {
	t.Helper()
	secrets := []string{c.FirstName + " " + c.LastName, c.LAID, c.UPN, meetingNote, "Refer to CAMHS", "Priya Shah",
		"Decision not to refer", "A CAMHS referral this week", "Sam Lee", "Ali Khan", "No reply from the social worker"}
	if len(c.LastName) >= 5 {
		secrets = append(secrets, c.LastName)
	}
	files := []string{db, db + "-wal", db + "-shm"}
	for _, dir := range dirs {
		_ = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && filepath.Base(path) != "iro" { // the binary under test holds no data
				files = append(files, path)
			}
			return nil
		})
	}
	control, scanned := false, 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		scanned++
		control = control || (f == db && bytes.Contains(data, []byte(demo.IROName)))
		for _, s := range secrets {
			if bytes.Contains(data, []byte(s)) {
				t.Errorf("%s holds %q in plaintext", f, s)
			}
		}
	}
	if !control {
		t.Fatalf("scanned %d files without finding the plaintext control value: the scan sees nothing", scanned)
	}
	t.Logf("scanned %d files for %d sealed or typed values", scanned, len(secrets))
}
