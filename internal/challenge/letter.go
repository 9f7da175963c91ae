package challenge

import (
	"fmt"
	"strings"

	"github.com/iro-app/iro/internal/calendar"
)

// LetterInput is what a challenge letter is made from: the challenge, the
// stage it is being sent at and who it goes to.
type LetterInput struct {
	Challenge   Challenge
	Stage       Stage
	Addressee   string // the person, e.g. "Ms J. Patel"
	ChildName   string
	IROName     string
	Sent        calendar.Date
	ResponseDue calendar.Date
}

// Letter writes the challenge to the named person: the child, the issue, the
// decision it concerns, what the IRO asks for, the stage and the date a
// response is due. It is a first draft in plain professional English that
// the IRO edits before sending; the same input always gives the same text.
func Letter(in LetterInput) string {
	c := in.Challenge
	child := orElse(in.ChildName, "the child")
	var b strings.Builder

	fmt.Fprintf(&b, "Challenge about %s", child)
	if category := c.Category.Label(); category != "" {
		b.WriteString(": " + category)
	}
	b.WriteString("\n")
	if stage := strings.TrimSpace(in.Stage.Name); stage != "" {
		fmt.Fprintf(&b, "Stage: %s\n", stage)
	}
	if !in.Sent.IsZero() {
		fmt.Fprintf(&b, "Date: %s\n", inWords(in.Sent))
	}
	fmt.Fprintf(&b, "\nDear %s,\n\n", orElse(in.Addressee, "colleague"))

	fmt.Fprintf(&b, "I am writing as %s's Independent Reviewing Officer to raise a concern under the local authority's dispute resolution process.", child)
	if !c.Raised.IsZero() {
		fmt.Fprintf(&b, " I first raised it on %s.", inWords(c.Raised))
	}
	if stage := strings.TrimSpace(in.Stage.Name); stage != "" {
		fmt.Fprintf(&b, " It is now at the %s stage", stage)
		if role := strings.TrimSpace(in.Stage.Addressee); role != "" {
			fmt.Fprintf(&b, ", and I am asking you, as %s, to respond", role)
		}
		b.WriteString(".")
	}
	b.WriteString("\n\n")

	section(&b, "The concern", c.Issue)
	section(&b, "The decision it concerns", c.Decision)
	section(&b, "What I am asking for", c.Remedy)

	if in.ResponseDue.IsZero() {
		b.WriteString("Please reply to me in writing as soon as possible.")
	} else {
		fmt.Fprintf(&b, "Please reply to me in writing by %s.", inWords(in.ResponseDue))
	}
	b.WriteString(" If I do not receive a reply by then, or the concern is not resolved, I will escalate it in line with the dispute resolution process.\n\n")

	b.WriteString("Yours sincerely,\n\n")
	if name := strings.TrimSpace(in.IROName); name != "" {
		b.WriteString(name + "\n")
	}
	b.WriteString("Independent Reviewing Officer\n")
	return b.String()
}

// section writes a heading and its text, or nothing when there is no text:
// a heading over a blank reads as if something was lost.
func section(b *strings.Builder, heading, text string) {
	text = strings.TrimSpace(text)
	if text == "" {
		return
	}
	fmt.Fprintf(b, "%s\n%s\n\n", heading, text)
}

func orElse(s, fallback string) string {
	if s = strings.TrimSpace(s); s != "" {
		return s
	}
	return fallback
}
