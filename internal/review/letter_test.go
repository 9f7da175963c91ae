package review_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/iro-app/iro/internal/review"
)

func TestLetterDraft(t *testing.T) {
	in := review.LetterInput{
		ChildFirstName: "Amira",
		IROName:        "Jo Patel",
		Held:           d("2026-12-03"),
		NextReview:     d("2027-06-03"),
		Recommendations: []review.Recommendation{
			{Text: "Sam will book a dentist appointment for you.", Due: d("2026-12-18")},
			{Text: "Your carer will find a swimming club near home", Due: d("2027-01-15")},
			{Text: "We will ask your grandad if he would like to visit"},
		},
		WishesAndFeelings: "  I want to see my brother more.\n",
	}
	want := `Dear Amira,

I am writing to tell you about your review meeting on Thursday 3 December. At the meeting we talked about how things are going for you with the people who help look after you.

Thank you for telling us what you think. You said: "I want to see my brother more."

We listened to what you said when we made plans.

This is what we agreed:

- Sam will book a dentist appointment for you, by 18 December.
- Your carer will find a swimming club near home, by 15 January 2027.
- We will ask your grandad if he would like to visit.

Your next review meeting will be by 3 June 2027.

You can talk to me at any time, about anything. If you are worried, or want something to change, you can ask your carer or your social worker to help you get in touch with me.

Best wishes,

Jo Patel
Your Independent Reviewing Officer
`
	got := review.LetterDraft(in)
	if got != want {
		t.Errorf("LetterDraft:\n%s\nwant:\n%s", got, want)
	}
	if jargon := regexp.MustCompile(`\b(LAC|IRO|PN[0-9]?|SSDA(903)?|CPPCR|PEP)\b`).FindString(got); jargon != "" {
		t.Errorf("the letter uses jargon %q", jargon)
	}
}

func TestLetterDraftWithoutDates(t *testing.T) {
	got := review.LetterDraft(review.LetterInput{ChildFirstName: "Leo", IROName: "Jo Patel"})
	for _, want := range []string{
		"Dear Leo,",
		"about your review meeting. At the meeting",
		"We did not agree any new plans this time.",
		"I will let you know when your next review meeting will be.",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("letter does not contain %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "You said") {
		t.Errorf("letter quotes wishes and feelings it was not given:\n%s", got)
	}
}
