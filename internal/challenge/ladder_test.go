package challenge_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/iro-app/iro/internal/challenge"
)

func TestDefaultLadder(t *testing.T) {
	l := challenge.DefaultLadder()
	if err := l.Validate(); err != nil {
		t.Fatalf("the default ladder does not validate: %v", err)
	}
	var names []string
	for _, s := range l.Stages {
		names = append(names, s.Name)
		if s.WorkingDays != 5 || s.Addressee == "" {
			t.Errorf("stage %q: %d working days, addressee %q; want 5 and a role", s.Name, s.WorkingDays, s.Addressee)
		}
	}
	want := []string{"Informal", "Team manager", "Service manager", "Head of service", "Assistant director / DCS"}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("stages = %q, want %q", names, want)
	}
	if l.Stages[0].Addressee != "social worker" {
		t.Errorf("the informal stage goes to %q, want the social worker", l.Stages[0].Addressee)
	}
}

func TestLadderValidate(t *testing.T) {
	stage := func(name string, days int) challenge.Stage {
		return challenge.Stage{Name: name, Addressee: "someone", WorkingDays: days}
	}
	for _, tc := range []struct {
		name      string
		stages    []challenge.Stage
		wantErr   string // "" for valid
		wantStage int    // StageError.Index, or -1 for an error about the whole ladder
	}{
		{"no stages", nil, "no stages", -1},
		{"one stage is enough", []challenge.Stage{stage("Manager", 5)}, "", 0},
		{"1 and 60 working days are the bounds", []challenge.Stage{stage("Quick", 1), stage("Slow", 60)}, "", 0},
		{"blank name", []challenge.Stage{stage("Informal", 5), stage("  ", 5)}, "ladder stage 2: has no name", 1},
		{"no working days", []challenge.Stage{stage("Informal", 0)}, `ladder stage 1: "Informal" has 0 working days to respond; want 1 to 60`, 0},
		{"negative working days", []challenge.Stage{stage("Informal", -5)}, "has -5 working days", 0},
		{"61 working days", []challenge.Stage{stage("A", 5), stage("B", 5), stage("Director", 61)}, `ladder stage 3: "Director" has 61 working days`, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := challenge.Ladder{Stages: tc.stages}.Validate()
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("Validate = %v, want nil", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("Validate = %v, want an error containing %q", err, tc.wantErr)
			}
			var se *challenge.StageError
			switch {
			case tc.wantStage < 0 && errors.As(err, &se):
				t.Errorf("error about the whole ladder names stage %d", se.Index)
			case tc.wantStage >= 0 && (!errors.As(err, &se) || se.Index != tc.wantStage):
				t.Errorf("error %v does not name stage index %d", err, tc.wantStage)
			}
		})
	}
}

func TestCategories(t *testing.T) {
	var labels []string
	for _, c := range challenge.Categories() {
		labels = append(labels, c.Label())
		for _, typed := range []string{string(c), c.Label(), "  " + strings.ToUpper(c.Label()) + " "} {
			if got, err := challenge.ParseCategory(typed); err != nil || got != c {
				t.Errorf("ParseCategory(%q) = %q, %v; want %q", typed, got, err, c)
			}
		}
	}
	want := []string{"drift / delay", "care plan", "placement", "health", "education", "contact", "permanence", "participation", "practice"}
	if !reflect.DeepEqual(labels, want) {
		t.Errorf("category labels = %q, want %q", labels, want)
	}
	if _, err := challenge.ParseCategory("housing"); err == nil || !strings.Contains(err.Error(), "drift / delay") {
		t.Errorf("ParseCategory(housing) = %v, want an error listing the categories", err)
	}
	if got := challenge.Category("newer_one").Label(); got != "newer_one" {
		t.Errorf("label of an unknown category = %q, want the value itself", got)
	}
}

func TestOutcomes(t *testing.T) {
	for _, tc := range []struct {
		outcome challenge.Outcome
		label   string
		final   bool
	}{
		{challenge.Resolved, "resolved", true},
		{challenge.Escalated, "escalated", false},
		{challenge.Withdrawn, "withdrawn", true},
		{challenge.ReferredCafcass, "referred to Cafcass", true},
		{"", "", false},
	} {
		if got := tc.outcome.Label(); got != tc.label {
			t.Errorf("%q.Label() = %q, want %q", tc.outcome, got, tc.label)
		}
		if got := tc.outcome.Final(); got != tc.final {
			t.Errorf("%q.Final() = %v, want %v", tc.outcome, got, tc.final)
		}
		if tc.outcome == "" {
			continue
		}
		for _, typed := range []string{string(tc.outcome), tc.label, strings.ToUpper(tc.label)} {
			if got, err := challenge.ParseOutcome(typed); err != nil || got != tc.outcome {
				t.Errorf("ParseOutcome(%q) = %q, %v", typed, got, err)
			}
		}
	}
	if got := len(challenge.Outcomes()); got != 4 {
		t.Errorf("%d outcomes, want 4", got)
	}
	if _, err := challenge.ParseOutcome("sorted"); err == nil {
		t.Error("ParseOutcome(sorted) = nil error")
	}
}
