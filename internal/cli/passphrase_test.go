package cli

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/iro-app/iro/internal/calendar"
	"github.com/iro-app/iro/internal/child"
	"github.com/iro-app/iro/internal/vault"
	"github.com/iro-app/iro/store"
)

const (
	oldPass   = "a quiet harbour at dusk"
	newPass   = "the lighthouse keeps its own hours"
	wrongPass = "not the passphrase at all"
)

// scriptedTerminal answers each prompt with the next answer, as the IRO
// typing at a terminal would.
type scriptedTerminal struct {
	answers []string
	prompts []string
}

func (s *scriptedTerminal) ReadSecret(prompt string) ([]byte, error) {
	s.prompts = append(s.prompts, prompt)
	if len(s.answers) == 0 {
		return nil, errors.New("no more answers")
	}
	a := s.answers[0]
	s.answers = s.answers[1:]
	return []byte(a), nil
}

// passphraseDBTemplate makes a database with one child that each case then
// copies: Initialise costs an Argon2id derivation, a file copy nothing.
func passphraseDBTemplate(t *testing.T, demo bool) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "template.db")
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Initialise(ctx, []byte(oldPass), demo, vault.MinParams); err != nil {
		t.Fatal(err)
	}
	kids := []child.Child{{LAID: "LA-1", FirstName: "Marigold", LastName: "Ashdown", DOB: calendar.D(2014, 3, 9), HomeLA: "E08000035"}}
	if err := db.Update(ctx, func(tx *store.Tx) error { return store.AddChildren(tx, kids) }); err != nil {
		t.Fatal(err)
	}
	return path
}

// copyDB copies a closed (checkpointed) database to a fresh path.
func copyDB(t *testing.T, src string) string {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), "iro.db")
	if err := os.WriteFile(dst, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return dst
}

func secretFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// opensWith insists that pass, and only pass, unlocks the database at path,
// and that its child still reads back.
func opensWith(t *testing.T, path, pass, not string) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Unlock(ctx, []byte(not)); !errors.Is(err, vault.ErrWrongPassphrase) {
		t.Errorf("%q: %v, want vault.ErrWrongPassphrase", not, err)
	}
	if err := db.Unlock(ctx, []byte(pass)); err != nil {
		t.Fatalf("%q does not open the database: %v", pass, err)
	}
	kids, err := db.Caseload(ctx)
	if err != nil || len(kids) != 1 || kids[0].FirstName != "Marigold" {
		t.Errorf("caseload after: %+v, %v", kids, err)
	}
}

func TestPassphraseChange(t *testing.T) {
	real := passphraseDBTemplate(t, false)
	demoDB := passphraseDBTemplate(t, true)
	const unset = "\x00unset"
	for _, tc := range []struct {
		name       string
		demo       bool
		current    string   // IRO_PASSPHRASE_FILE's content; unset for none
		next       string   // IRO_NEW_PASSPHRASE_FILE's content; unset for none
		typed      []string // answers at the terminal; nil when not a terminal
		wantCode   int
		wantStderr string // part of the message; "" for none
		wantPass   string // the passphrase that opens the database after; "" to skip
		wantPrompt int    // how many times the terminal asked
	}{
		{name: "files, with trailing newlines", current: oldPass + "\n", next: newPass + "\r\n",
			wantCode: ExitOK, wantPass: newPass},
		{name: "terminal: current once, new twice", current: unset, next: unset, typed: []string{oldPass, newPass, newPass},
			wantCode: ExitOK, wantPass: newPass, wantPrompt: 3},
		{name: "current from the file, new at the terminal", current: oldPass, next: unset, typed: []string{newPass, newPass},
			wantCode: ExitOK, wantPass: newPass, wantPrompt: 2},
		{name: "wrong current passphrase", current: wrongPass, next: newPass,
			wantCode: ExitFailure, wantStderr: "current passphrase is not right", wantPass: oldPass},
		{name: "new passphrase too short", current: oldPass, next: "short",
			wantCode: ExitUsage, wantStderr: "at least 12 characters", wantPass: oldPass},
		{name: "new passphrase the same", current: oldPass, next: oldPass,
			wantCode: ExitUsage, wantStderr: "same as the current one"},
		{name: "terminal: the two new ones differ", current: unset, next: unset, typed: []string{oldPass, newPass, newPass + "."},
			wantCode: ExitUsage, wantStderr: "two new passphrases are different", wantPass: oldPass, wantPrompt: 3},
		{name: "not a terminal and no files", current: unset, next: unset,
			wantCode: ExitUsage, wantStderr: EnvPassphraseFile},
		{name: "not a terminal and no new file", current: oldPass, next: unset,
			wantCode: ExitUsage, wantStderr: EnvNewPassphraseFile},
		{name: "demo database", demo: true, current: oldPass, next: newPass,
			wantCode: ExitFailure, wantStderr: "demo database"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("IRO_TODAY", "2026-11-22")
			t.Setenv("XDG_STATE_HOME", t.TempDir())
			t.Setenv("IRO_DB", "")
			for env, content := range map[string]string{EnvPassphraseFile: tc.current, EnvNewPassphraseFile: tc.next} {
				if content == unset {
					t.Setenv(env, "")
				} else {
					t.Setenv(env, secretFile(t, content))
				}
			}
			var tty *scriptedTerminal
			if tc.typed != nil {
				tty = &scriptedTerminal{answers: tc.typed}
			}
			saved := secretTerminal
			t.Cleanup(func() { secretTerminal = saved })
			secretTerminal = func(*app) secretReader {
				if tty == nil {
					return nil
				}
				return tty
			}
			path := copyDB(t, real)
			if tc.demo {
				path = copyDB(t, demoDB)
			}

			var out, errb bytes.Buffer
			code := Run(context.Background(), []string{"passphrase", "change", "--db", path}, strings.NewReader(""), &out, &errb)
			if code != tc.wantCode {
				t.Fatalf("exit %d, want %d; stderr %q", code, tc.wantCode, errb.String())
			}
			if tc.wantStderr == "" && errb.Len() > 0 || !strings.Contains(errb.String(), tc.wantStderr) {
				t.Errorf("stderr %q, want it to mention %q", errb.String(), tc.wantStderr)
			}
			if code == ExitOK && !strings.Contains(out.String(), "Passphrase changed") {
				t.Errorf("stdout %q", out.String())
			}
			for _, p := range []string{oldPass, newPass, wrongPass} {
				if strings.Contains(out.String()+errb.String(), p) {
					t.Errorf("a passphrase was printed: %q", out.String()+errb.String())
				}
			}
			if tty != nil && len(tty.prompts) != tc.wantPrompt {
				t.Errorf("asked %d times (%q), want %d", len(tty.prompts), tty.prompts, tc.wantPrompt)
			}
			switch tc.wantPass {
			case newPass:
				opensWith(t, path, newPass, oldPass)
			case oldPass:
				opensWith(t, path, oldPass, newPass)
			}
		})
	}
}

// TestPassphraseChangeBackoff: the command is no way round the unlock
// backoff; after six wrong passphrases it refuses even the right one
// without trying it.
func TestPassphraseChangeBackoff(t *testing.T) {
	ctx := context.Background()
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	t.Setenv(EnvPassphraseFile, secretFile(t, oldPass))
	t.Setenv(EnvNewPassphraseFile, secretFile(t, newPass))
	path := copyDB(t, passphraseDBTemplate(t, false))
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	// The command reads the real clock. Stamping the failures an hour
	// ahead of it makes the wait exactly the backoff (a clock behind the
	// last failure waits the whole backoff), however slow the test runs.
	ahead := time.Now().Add(time.Hour)
	for range 6 {
		if err := db.UnlockWithBackoff(ctx, []byte(wrongPass), ahead); !errors.Is(err, vault.ErrWrongPassphrase) {
			t.Fatal(err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	code := Run(ctx, []string{"passphrase", "change", "--db", path}, strings.NewReader(""), &out, &errb)
	if code != ExitFailure || !strings.Contains(errb.String(), "wait 1 second") {
		t.Fatalf("exit %d, stderr %q; want exit 1 and a wait", code, errb.String())
	}
	opensWith(t, path, oldPass, newPass)
}

func TestPassphraseChangeNoDatabase(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	var out, errb bytes.Buffer
	path := filepath.Join(t.TempDir(), "missing.db")
	code := Run(context.Background(), []string{"passphrase", "change", "--db", path}, strings.NewReader(""), &out, &errb)
	if code != ExitFailure || !strings.Contains(errb.String(), "no database") {
		t.Fatalf("exit %d, stderr %q", code, errb.String())
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Error("the command created a database")
	}
}
