package components

import (
	"charm.land/lipgloss/v2"

	"github.com/iro-app/iro/internal/caseload"
	"github.com/iro-app/iro/tui/styles"
)

// StatusMark is the symbol for a deadline's status, so urgency never rests
// on colour alone.
func StatusMark(s caseload.Status) string {
	switch s {
	case caseload.Overdue:
		return "!!"
	case caseload.DueSoon:
		return "! "
	}
	return "  "
}

// StatusStyle colours a line by its deadline's status.
func StatusStyle(st styles.Styles, s caseload.Status) lipgloss.Style {
	switch s {
	case caseload.Overdue:
		return st.Overdue
	case caseload.DueSoon:
		return st.DueSoon
	}
	return lipgloss.NewStyle()
}
