package cli_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/iro-app/iro/internal/cli"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

const driftGolden = "testdata/drift.golden.json"

// driftGoldenRow is what of a drift item is the same on every run of the
// demo: everything but the generated ids.
type driftGoldenRow struct {
	LAID            string `json:"la_id"`
	Name            string `json:"name"`
	Kind            string `json:"kind"`
	What            string `json:"what"`
	Due             string `json:"due"`
	WorkingDaysLate int    `json:"working_days_late"`
	Screen          string `json:"screen"`
}

type driftRow struct {
	ChildID         string `json:"child_id"`
	LAID            string `json:"la_id"`
	Name            string `json:"name"`
	Kind            string `json:"kind"`
	What            string `json:"what"`
	Due             string `json:"due"`
	WorkingDaysLate int    `json:"working_days_late"`
	Jump            struct {
		Screen           string `json:"screen"`
		ReviewID         string `json:"review_id"`
		RecommendationID string `json:"recommendation_id"`
		ChallengeID      string `json:"challenge_id"`
	} `json:"jump"`
}

// TestDriftGolden: the drift list of the 60-child demo on Sunday 22
// November 2026, ids left out, matches testdata/drift.golden.json byte for
// byte. Run with -update to rewrite it after a deliberate change, and read
// the diff: every line is a claim about the demo children.
func TestDriftGolden(t *testing.T) {
	isolate(t)
	db := filepath.Join(t.TempDir(), "demo.db")
	if code, _, stderr := runIRO(t, "demo", "--no-tui", "--db", db); code != cli.ExitOK {
		t.Fatalf("demo: exit %d, stderr %q", code, stderr)
	}
	code, stdout, stderr := runIRO(t, "drift", "--json", "--db", db)
	if code != cli.ExitOK || stderr != "" {
		t.Fatalf("drift --json: exit %d, stderr %q", code, stderr)
	}

	// The shape first: the documented keys, ids where the jump needs them.
	var raw []map[string]json.RawMessage
	if err := json.Unmarshal([]byte(stdout), &raw); err != nil {
		t.Fatalf("drift --json printed %q: %v", stdout, err)
	}
	var rows []driftRow
	if err := json.Unmarshal([]byte(stdout), &rows); err != nil {
		t.Fatal(err)
	}
	children := map[string]bool{}
	for _, r := range caseloadJSON(t, "--db", db) {
		children[r.str(t, "id")] = true
	}
	wantKeys := []string{"child_id", "due", "jump", "kind", "la_id", "name", "what", "working_days_late"}
	for i, r := range rows {
		if keys := slices.Sorted(maps.Keys(raw[i])); !slices.Equal(keys, wantKeys) {
			t.Errorf("item %d has keys %v, want %v", i, keys, wantKeys)
		}
		if !children[r.ChildID] {
			t.Errorf("item %d: child_id %q is not on the caseload", i, r.ChildID)
		}
		needsReview := r.Jump.Screen == "follow_up" || r.Jump.Screen == "prepare"
		if needsReview != (r.Jump.ReviewID != "") {
			t.Errorf("item %d jumps to %q with review_id %q", i, r.Jump.Screen, r.Jump.ReviewID)
		}
	}

	var golden bytes.Buffer
	golden.WriteString("[\n")
	for i, r := range rows {
		line, err := json.Marshal(driftGoldenRow{LAID: r.LAID, Name: r.Name, Kind: r.Kind, What: r.What, Due: r.Due,
			WorkingDaysLate: r.WorkingDaysLate, Screen: r.Jump.Screen})
		if err != nil {
			t.Fatal(err)
		}
		golden.WriteString("  ")
		golden.Write(line)
		if i < len(rows)-1 {
			golden.WriteString(",")
		}
		golden.WriteString("\n")
	}
	golden.WriteString("]\n")

	if *update {
		if err := os.WriteFile(driftGolden, golden.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(driftGolden)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/cli/ -run TestDriftGolden -update to create it)", err)
	}
	if !bytes.Equal(golden.Bytes(), want) {
		t.Errorf("drift list differs from %s (rerun with -update if the change is meant):\n%s", driftGolden, lineDiff(string(want), golden.String()))
	}

	t.Run("table", func(t *testing.T) {
		code, stdout, stderr := runIRO(t, "drift", "--db", db)
		if code != cli.ExitOK || stderr != "" {
			t.Fatalf("drift: exit %d, stderr %q", code, stderr)
		}
		lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
		if len(lines) != len(rows)+1 {
			t.Fatalf("table has %d lines, want a header and %d items", len(lines), len(rows))
		}
		if !strings.HasPrefix(lines[0], "LA id") || !strings.Contains(lines[0], "What") {
			t.Errorf("header %q", lines[0])
		}
		// Aligned: every item's text starts in the header's column, counted
		// in characters as tabwriter counts them (names may have accents).
		column := func(line, s string) int {
			i := strings.Index(line, s)
			if i < 0 {
				return -1
			}
			return utf8.RuneCountInString(line[:i])
		}
		col := column(lines[0], "What")
		for i, r := range rows {
			line := lines[i+1]
			if got := column(line, r.What); got != col || !strings.HasSuffix(line, r.What) {
				t.Errorf("row %d %q: want %q ending it from column %d", i+1, line, r.What, col)
			}
		}
	})
}

// lineDiff lists the lines of got that want lacks and the other way round,
// which is enough to read a golden failure.
func lineDiff(want, got string) string {
	wantLines, gotLines := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	for _, l := range wantLines {
		if !slices.Contains(gotLines, l) {
			b.WriteString("- " + l + "\n")
		}
	}
	for _, l := range gotLines {
		if !slices.Contains(wantLines, l) {
			b.WriteString("+ " + l + "\n")
		}
	}
	if b.Len() == 0 {
		return "(the same lines in another order)"
	}
	return b.String()
}

func TestDriftRefusals(t *testing.T) {
	isolate(t)
	missing := filepath.Join(t.TempDir(), "typo", "iro.db")
	code, stdout, stderr := runIRO(t, "drift", "--db", missing)
	if code != cli.ExitFailure || stdout != "" || !strings.Contains(stderr, missing) {
		t.Errorf("no database: exit %d, stdout %q, stderr %q; want %d naming the path", code, stdout, stderr, cli.ExitFailure)
	}
	if _, err := os.Stat(filepath.Dir(missing)); err == nil {
		t.Errorf("drift created %s", filepath.Dir(missing))
	}
	code, stdout, _ = runIRO(t, "drift", "extra", "--db", missing)
	if code != cli.ExitUsage || stdout != "" {
		t.Errorf("an argument: exit %d, stdout %q; want %d", code, stdout, cli.ExitUsage)
	}
}
