package meetingview

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/iro-app/iro/internal/calendar"
	"github.com/iro-app/iro/internal/child"
	"github.com/iro-app/iro/internal/review"
	"github.com/iro-app/iro/internal/timescale"
	"github.com/iro-app/iro/tui/styles"
)

// discard is a backend that accepts every write.
type discard struct{}

func (discard) SaveNotes(context.Context, string, string) error                         { return nil }
func (discard) AddRecommendation(context.Context, string, *review.Recommendation) error { return nil }
func (discard) AddAttendee(context.Context, string, *review.Attendee) error             { return nil }
func (discard) SaveReview(context.Context, string, *child.Review) error                 { return nil }
func (discard) EndMeeting(context.Context, string, *child.Review, time.Time) error      { return nil }

// notes is n words of meeting prose in paragraphs of 80 words.
func notes(n int) string {
	words := strings.Fields("the child said she feels settled with her carers and wants to keep seeing her brother at weekends school reports good progress in reading")
	var b strings.Builder
	for i := range n {
		b.WriteString(words[i%len(words)])
		if i%80 == 79 {
			b.WriteString("\n")
		} else {
			b.WriteString(" ")
		}
	}
	return b.String()
}

// BenchmarkMeetingKeystroke is one keystroke in meeting mode as the IRO
// sees it — the whole screen's Update and View, sidebar and save state
// included — with the current section's notes at 1k, 10k and 50k words.
func BenchmarkMeetingKeystroke(b *testing.B) {
	today := calendar.MustParse("2026-11-22")
	for _, words := range []int{1000, 10000, 50000} {
		b.Run(fmt.Sprintf("words=%d", words), func(b *testing.B) {
			s := Session{
				Child:  child.Child{ID: "c", FirstName: "Amy", LastName: "Example", DOB: calendar.MustParse("2015-03-01")},
				Review: child.Review{ID: "r", Kind: child.LAC, Sequence: 3, State: string(review.InMeeting)},
				Meeting: review.Meeting{Sections: []review.Section{
					{ID: "s1", Title: "Introductions"}, {ID: "s2", Title: "Wishes and feelings", Notes: notes(words)}, {ID: "s3", Title: "Decisions"},
				}},
				Today: today, Now: time.Now, Calendar: calendar.Default(), Rules: timescale.DefaultRules(),
			}
			m := New(styles.Default(), discard{}, s)
			m.SetSize(100, 28)
			m, _ = m.Update(tea.KeyPressMsg{Code: tea.KeyTab}) // to the long section; cursor at its end
			for range 40 {
				m, _ = m.Update(tea.KeyPressMsg{Code: tea.KeyUp}) // into the middle of the text
			}
			keys := []tea.KeyPressMsg{{Code: 'x', Text: "x"}, {Code: tea.KeyBackspace}}
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				m, _ = m.Update(keys[i%2])
				_ = m.View()
			}
		})
	}
}
