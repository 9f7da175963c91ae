package challenge_test

import (
	"strings"
	"testing"

	"github.com/iro-app/iro/internal/calendar"
	"github.com/iro-app/iro/internal/challenge"
)

func TestLetter(t *testing.T) {
	c := challenge.Challenge{
		Raised: d("2026-11-20"), Category: challenge.Permanence,
		Issue:    "Alfie has been waiting 14 months for a permanence plan.",
		Decision: "The decision of 3 June 2026 to defer the SGO assessment.",
		Remedy:   "Complete the SGO assessment and present it to panel in January.",
	}
	stage := challenge.DefaultLadder().Stages[1]
	full := challenge.LetterInput{Challenge: c, Stage: stage, Addressee: "Ms J. Patel", ChildName: "Alfie Brown",
		IROName: "R. Okafor", Sent: d("2026-11-27"), ResponseDue: d("2026-12-04")}

	for _, tc := range []struct {
		name    string
		in      challenge.LetterInput
		want    []string
		notWant []string
	}{
		{"every fact", full, []string{
			"Dear Ms J. Patel,",
			"Alfie Brown's Independent Reviewing Officer",
			"Challenge about Alfie Brown: permanence",
			"Stage: Team manager",
			"It is now at the Team manager stage, and I am asking you, as team manager, to respond.",
			"Date: Friday 27 November 2026",
			"I first raised it on Friday 20 November 2026.",
			"The concern\nAlfie has been waiting 14 months for a permanence plan.",
			"The decision it concerns\nThe decision of 3 June 2026 to defer the SGO assessment.",
			"What I am asking for\nComplete the SGO assessment and present it to panel in January.",
			"by Friday 4 December 2026.",
			"Yours sincerely,\n\nR. Okafor\nIndependent Reviewing Officer\n",
		}, nil},
		{"no decision and no due date", func() challenge.LetterInput {
			in := full
			in.Challenge.Decision, in.ResponseDue = " ", calendar.Date{}
			return in
		}(), []string{"as soon as possible", "What I am asking for"}, []string{"The decision it concerns", "by Friday"}},
		{"no addressee or child named", func() challenge.LetterInput {
			in := full
			in.Addressee, in.ChildName = "", ""
			return in
		}(), []string{"Dear colleague,", "the child's Independent Reviewing Officer"}, []string{"Dear ,"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := challenge.Letter(tc.in)
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("letter lacks %q:\n%s", w, got)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(got, w) {
					t.Errorf("letter has %q:\n%s", w, got)
				}
			}
			if again := challenge.Letter(tc.in); again != got {
				t.Error("the same input gave a different letter")
			}
		})
	}
}
