package report

import (
	"fmt"
	"strings"

	"github.com/iro-app/iro/internal/review"
)

// none stands in for an empty field so a gap in the record reads as "not
// recorded" rather than as a formatting slip.
const none = "—"

// Markdown renders the record for people to read: facts first, then who was
// there and who was consulted, then the meeting's notes, decisions and the
// letter, in the order the meeting went.
func (r Record) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s: %s\n\n", or(oneLine(r.Review.Name)), or(oneLine(r.Child.Name)))

	born := or(r.Child.DOB)
	if r.Child.AgeAtReview != nil {
		born += fmt.Sprintf(" (%d at the review)", *r.Child.AgeAtReview)
	}
	fmt.Fprintf(&b, "- Date of birth: %s\n", born)
	fmt.Fprintf(&b, "- LA child id: %s\n", or(r.Child.LAID))
	fmt.Fprintf(&b, "- Due: %s\n", or(r.Review.Due))
	fmt.Fprintf(&b, "- Held: %s\n", or(r.Review.Held))
	fmt.Fprintf(&b, "- State: %s\n", or(review.State(r.Review.State).Label()))
	fmt.Fprintf(&b, "- Participation: %s\n", participation(r.Review))
	fmt.Fprintf(&b, "- Decisions: %s\n", circulation(r.Review.DecisionsDue, r.Review.DecisionsCirculated))
	fmt.Fprintf(&b, "- Record: %s\n", circulation(r.Review.RecordDue, r.Review.RecordCirculated))

	b.WriteString("\n## Attendance\n\n")
	if len(r.Attendance) == 0 {
		b.WriteString("None recorded.\n")
	} else {
		b.WriteString("| Name | Role | Attendance |\n| --- | --- | --- |\n")
		for _, a := range r.Attendance {
			row(&b, a.Name, a.Role, review.Attendance(a.Attendance).Label())
		}
	}

	b.WriteString("\n## Consultations\n\n")
	if len(r.Consultations) == 0 {
		b.WriteString("None recorded.\n")
	}
	for _, c := range r.Consultations {
		b.WriteString(consultation(c))
	}

	b.WriteString("\n## The child's wishes and feelings\n\n")
	b.WriteString(paragraphs(r.WishesAndFeelings, "Not recorded."))

	b.WriteString("\n## Notes\n")
	if len(r.Sections) == 0 {
		b.WriteString("\nNone recorded.\n")
	}
	for _, s := range r.Sections {
		fmt.Fprintf(&b, "\n### %s\n\n", or(oneLine(s.Title)))
		b.WriteString(paragraphs(s.Notes, "No notes."))
	}

	b.WriteString("\n## Recommendations\n\n")
	if len(r.Recommendations) == 0 {
		b.WriteString("None made.\n")
	} else {
		b.WriteString("| What | Owner | Due | Status |\n| --- | --- | --- | --- |\n")
		for _, x := range r.Recommendations {
			row(&b, x.Text, owner(x), or(x.Due), review.RecStatus(x.Status).Label())
		}
	}

	b.WriteString("\n## Letter to the child\n\n")
	b.WriteString(paragraphs(r.Letter, "Not written yet."))
	return b.String()
}

func participation(r Review) string {
	switch {
	case r.ParticipationCode == "":
		return "not recorded"
	case r.Participation == "":
		return r.ParticipationCode
	}
	return r.ParticipationCode + ": " + r.Participation
}

func circulation(due, circulated string) string {
	if circulated == "" {
		return "due " + or(due) + ", not circulated yet"
	}
	return "due " + or(due) + ", circulated " + circulated
}

func consultation(c Consultation) string {
	who := review.Consultee(c.Who).Label()
	if c.Name != "" {
		who += ": " + oneLine(c.Name)
	}
	line := fmt.Sprintf("- %s, %s on %s", who, or(review.Method(c.How).Label()), or(c.On))
	switch {
	case c.SeenAlone:
		line += ", seen alone"
	case review.Consultee(c.Who) == review.ConsulteeChild:
		line += ", not seen alone"
	}
	line += "\n"
	if summary := strings.TrimSpace(c.Summary); summary != "" {
		// Indented so that a summary of several paragraphs stays inside
		// its list item.
		line += "\n" + indent(summary, "  ") + "\n"
	}
	return line
}

func owner(x Recommendation) string {
	switch {
	case x.OwnerRole == "":
		return or(x.OwnerName)
	case x.OwnerName == "":
		return x.OwnerRole
	}
	return x.OwnerRole + " (" + x.OwnerName + ")"
}

// row writes a table row. Cells are squeezed onto one line and pipes
// escaped, since either would break the table.
func row(b *strings.Builder, cells ...string) {
	for i, c := range cells {
		cells[i] = strings.ReplaceAll(or(oneLine(c)), "|", `\|`)
	}
	b.WriteString("| " + strings.Join(cells, " | ") + " |\n")
}

func paragraphs(s, ifEmpty string) string {
	if s = strings.TrimSpace(s); s == "" {
		return ifEmpty + "\n"
	}
	return s + "\n"
}

func indent(s, prefix string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if strings.TrimSpace(l) != "" {
			lines[i] = prefix + l
		} else {
			lines[i] = ""
		}
	}
	return strings.Join(lines, "\n")
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func or(s string) string {
	if s == "" {
		return none
	}
	return s
}
