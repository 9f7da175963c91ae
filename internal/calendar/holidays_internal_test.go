package calendar

import (
	"fmt"
	"slices"
	"testing"
)

// The table was generated separately from the rules; in years without a
// one-off day the two must agree exactly, titles included.
func TestTableMatchesRules(t *testing.T) {
	oneOffs := map[int]bool{2020: true, 2022: true, 2023: true}
	for y := 2015; y <= 2030; y++ {
		t.Run(fmt.Sprint(y), func(t *testing.T) {
			table, ok := builtin()[y]
			if !ok {
				t.Fatalf("the table has no %d", y)
			}
			rules := newHolidayYear(ruleHolidays(y)).list
			if same := slices.Equal(table.list, rules); same == oneOffs[y] {
				t.Fatalf("table %v\nrules %v\n(one-off year: %v)", table.list, rules, oneOffs[y])
			}
		})
	}
}
