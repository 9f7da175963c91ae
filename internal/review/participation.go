package review

import (
	"fmt"

	"github.com/iro-app/iro/internal/calendar"
)

// underFourCode is the SSDA903 code reserved for children under 4, whose
// participation the return does not try to grade.
const underFourCode = "PN0"

// CheckParticipation checks a participation code against the child's age on
// the review date: a child under 4 must be PN0 and PN0 is only for under-4s.
// Without a date of birth or a review date only the code itself is checked.
func CheckParticipation(code string, dob, reviewDate calendar.Date) error {
	if err := checkCode(code); err != nil {
		return err
	}
	if dob.IsZero() || reviewDate.IsZero() {
		return nil
	}
	age := dob.YearsOn(reviewDate)
	switch {
	case age >= 4 && code == underFourCode:
		return fmt.Errorf("PN0 is only for a child under 4, and the child was %d on the review date", age)
	case age < 4 && code != underFourCode:
		return fmt.Errorf("a child under 4 on the review date must be coded PN0, not %s", code)
	}
	return nil
}
