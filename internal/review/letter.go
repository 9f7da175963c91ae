package review

import (
	"fmt"
	"strings"

	"github.com/iro-app/iro/internal/calendar"
)

// LetterInput is what the letter to the child after a review is made from.
type LetterInput struct {
	ChildFirstName    string
	IROName           string
	Held              calendar.Date
	NextReview        calendar.Date
	Recommendations   []Recommendation
	WishesAndFeelings string // the child's own words, quoted back to them
}

// LetterDraft writes a first draft of the letter to the child. It is for the
// child to read, so it uses short sentences and no professional shorthand;
// the IRO edits it before it is sent.
func LetterDraft(in LetterInput) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Dear %s,\n\n", in.ChildFirstName)
	if in.Held.IsZero() {
		b.WriteString("I am writing to tell you about your review meeting.")
	} else {
		fmt.Fprintf(&b, "I am writing to tell you about your review meeting on %s %s.",
			in.Held.Weekday(), inWords(in.Held, in.Held.Year))
	}
	b.WriteString(" At the meeting we talked about how things are going for you with the people who help look after you.\n\n")

	if words := strings.TrimSpace(in.WishesAndFeelings); words != "" {
		fmt.Fprintf(&b, "Thank you for telling us what you think. You said: \"%s\"\n\n", words)
		b.WriteString("We listened to what you said when we made plans.\n\n")
	}

	if len(in.Recommendations) == 0 {
		b.WriteString("We did not agree any new plans this time.\n\n")
	} else {
		b.WriteString("This is what we agreed:\n\n")
		for _, r := range in.Recommendations {
			item := strings.TrimRight(strings.TrimSpace(r.Text), ".")
			if !r.Due.IsZero() {
				item += ", by " + inWords(r.Due, in.Held.Year)
			}
			b.WriteString("- " + item + ".\n")
		}
		b.WriteString("\n")
	}

	if in.NextReview.IsZero() {
		b.WriteString("I will let you know when your next review meeting will be.\n\n")
	} else {
		fmt.Fprintf(&b, "Your next review meeting will be by %s.\n\n", inWords(in.NextReview, in.Held.Year))
	}
	b.WriteString("You can talk to me at any time, about anything. If you are worried, or want something to change, you can ask your carer or your social worker to help you get in touch with me.\n\n")
	fmt.Fprintf(&b, "Best wishes,\n\n%s\nYour Independent Reviewing Officer\n", in.IROName)
	return b.String()
}

// inWords writes a date the way a letter would, "4 December", adding the
// year only when it is not the year of the meeting, so a child is not left
// wondering which December is meant.
func inWords(d calendar.Date, thisYear int) string {
	s := fmt.Sprintf("%d %s", d.Day, d.Month)
	if d.Year != thisYear {
		s += fmt.Sprintf(" %d", d.Year)
	}
	return s
}
