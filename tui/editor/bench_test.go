package editor

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// proseWords is the vocabulary of an invented review meeting.
var proseWords = strings.Fields(`the child said that she feels settled with her foster carers and
wants to stay at the same school next year social worker reported contact with
mum has been consistent although two sessions were cancelled at short notice
the independent reviewing officer asked whether the care plan reflects her wishes
health assessment is due in March and the dentist appointment was missed
teacher described good progress in reading and maths with extra support from
the virtual school personal education plan targets were reviewed and agreed
brother placed separately would like more time together at weekends
carers raised concerns about sleep and the bedtime routine since the last review
everyone agreed that the plan for permanence remains long term fostering`)

// prose is n words of meeting notes in paragraphs of about 80 words, with
// sentences of varied length so wrapping looks like the real thing.
func prose(n int) string {
	var b strings.Builder
	sentence := 0
	for i := range n {
		w := proseWords[(i*7+i/13)%len(proseWords)]
		switch {
		case i > 0 && i%80 == 0:
			b.WriteString(".\n")
			sentence = 0
		case sentence > 0 && sentence%(9+i%7) == 0:
			b.WriteString(". ")
			sentence = 0
		case i > 0:
			b.WriteByte(' ')
		}
		if sentence == 0 {
			w = strings.ToUpper(w[:1]) + w[1:]
		}
		b.WriteString(w)
		sentence++
	}
	b.WriteByte('.')
	return b.String()
}

// BenchmarkKeystroke is the acceptance check for the editor: the cost of one
// key (Update then View, as Bubble Tea does) with the cursor in the middle of
// notes of growing length. The figures must stay flat as the note grows.
func BenchmarkKeystroke(b *testing.B) {
	typeX := tea.KeyPressMsg{Code: 'x', Text: "x"}
	backspace := tea.KeyPressMsg{Code: tea.KeyBackspace}
	for _, words := range []int{1000, 10000, 50000} {
		b.Run(fmt.Sprintf("words=%d", words), func(b *testing.B) {
			m := New()
			m.SetSize(80, 20)
			m.Focus()
			m.SetText(prose(words))
			mid := len(m.paras) / 2
			m.setCursor(mid, len(m.paras[mid].text)/2)
			size := m.Len()
			b.ReportAllocs()
			drawn, typing := 0, true
			for b.Loop() {
				// Type and rub out in turn so the note keeps its size.
				msg := tea.Msg(typeX)
				if !typing {
					msg = backspace
				}
				typing = !typing
				m, _ = m.Update(msg)
				drawn += len(m.View())
			}
			if drawn == 0 || m.Len() < size || m.Len() > size+1 {
				b.Fatalf("the benchmark did not edit the note (drawn %d, len %d → %d)", drawn, size, m.Len())
			}
		})
	}
}

// BenchmarkNewline is BenchmarkKeystroke for enter and backspace, which
// split and join paragraphs: the one edit that also shifts the paragraph
// list (pointers only), so it is watched separately.
func BenchmarkNewline(b *testing.B) {
	enter := tea.KeyPressMsg{Code: tea.KeyEnter}
	backspace := tea.KeyPressMsg{Code: tea.KeyBackspace}
	for _, words := range []int{1000, 10000, 50000} {
		b.Run(fmt.Sprintf("words=%d", words), func(b *testing.B) {
			m := New()
			m.SetSize(80, 20)
			m.Focus()
			m.SetText(prose(words))
			mid := len(m.paras) / 2
			m.setCursor(mid, len(m.paras[mid].text)/2)
			b.ReportAllocs()
			drawn, splitting := 0, true
			for b.Loop() {
				msg := enter
				if !splitting {
					msg = backspace
				}
				splitting = !splitting
				m, _ = m.Update(msg)
				drawn += len(m.View())
			}
			if drawn == 0 {
				b.Fatal("nothing drawn")
			}
		})
	}
}
